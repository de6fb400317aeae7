"""``eligibility show``: the open questions a version names, in words for people. A policy's id
is given only where a person types it, in the flag that settles the question."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from eligibility.cli import main


def _open_questions(text: str) -> list[list[str]]:
    """Each version's open questions as ``show`` prints them: the lines under the heading."""
    blocks, block = [], None
    for line in text.splitlines():
        if line.startswith("   Open questions"):
            block = []
            blocks.append(block)
        elif block is not None and line.startswith("     "):
            block.append(line)
        else:
            block = None
    return blocks


def test_open_questions_are_said_in_words_with_the_flag_that_settles_each_reading(rulebook):
    """``show`` listed a version's open questions by their ids ("ahima_volunteer_coding: Does
    AHIMA count ...? Default: exclude (...)"), which a person reading the rules does not know;
    the id is now given only in the flag a person types, and said to be that."""
    shown = 0
    for credential in rulebook.credentials:
        result = CliRunner().invoke(main, ["show", credential.id])
        assert result.exit_code == 0, result.output
        named = [p for v in credential.versions for p in v.open_policies]
        blocks = _open_questions(result.stdout)
        assert bool(blocks) == bool(named), credential.id
        said = "\n".join(line for block in blocks for line in block)
        for ident in dict.fromkeys(named):
            policy = rulebook.policies[ident]
            assert policy.question in said
            for value in policy.values:
                assert f"set with --policy {ident}={value})." in said
            # the id, anywhere else in these lines, is an id where words were meant
            bare = re.sub(rf"--policy {re.escape(ident)}=", "", said)
            assert not re.search(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", bare), ident
            shown += 1
    if not shown:
        pytest.skip("no version of the rules names an open policy")


def test_show_help_says_how_an_open_question_is_settled():
    result = CliRunner().invoke(main, ["show", "--help"])
    assert result.exit_code == 0
    assert "(set with --policy " in " ".join(result.stdout.split())  # as wrapped to fit
