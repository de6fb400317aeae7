"""``eligibility show ID --logic``: each condition's logic as evaluated, under its words."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from eligibility.cli import main
from eligibility.report.logictext import readable
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("expression", "text"),
    [
        ({">=": [{"var": "experience.aapc_months"}, 24]}, "experience.aapc_months >= 24"),
        ({"in": ["CCA", {"var": "credentials.full"}]}, '"CCA" in credentials.full'),
        ({"!": {"var": "aapc.last.exists"}}, "not aapc.last.exists"),
        ({"!": {">=": [{"var": "a"}, 1]}}, "not (a >= 1)"),
        ({"and": [{"var": "a"}, {"or": [{"var": "b"}, {"var": "c"}]}]}, "a and (b or c)"),
        ({"or": [{"var": "a"}, {"and": [{"var": "b"}, {"var": "c"}]}]}, "a or (b and c)"),
        ({"*": [0.8, {"+": [20, {"var": "n"}]}]}, "0.8 * (20 + n)"),
        ({"-": [{"var": "n"}, {"-": [1, 2]}]}, "n - (1 - 2)"),
        ({"min": [52, {"+": [36, 4]}]}, "min(52, 36 + 4)"),
        ({"if": [{"var": "a"}, 1, {"var": "b"}, 2, 3]}, "if a then 1 else if b then 2 else 3"),
        ({">=": [{"var": "x"}, {"if": [{"var": "a"}, 1, 0]}]}, "x >= (if a then 1 else 0)"),
        ({"<": [0, {"var": "x"}, 10]}, "0 < x < 10"),
        ({"!!": [{"var": "a"}]}, "truthy(a)"),
        ("at risk", '"at risk"'),
        ([1, "CPC"], '[1, "CPC"]'),
        # nothing simpler to say: the JsonLogic itself
        (
            {"some": [{"var": "jobs"}, {"var": "paid"}]},
            '{"some": [{"var": "jobs"}, {"var": "paid"}]}',
        ),
        ({"var": ["x", 0]}, '{"var": ["x", 0]}'),
    ],
)
def test_logic_reads_as_it_is_evaluated(expression, text):
    assert readable(expression) == text


def test_every_condition_shows_its_logic_under_its_words(rulebook):
    credential = rulebook.credential_of("CPC-full")
    result = CliRunner().invoke(main, ["show", credential.id, "--logic"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for version in credential.versions:
        for check in version.checks:
            for node in check.requires.walk():
                if node.logic is None:
                    continue
                # the line below, or below the assumption it rests on ("assumes: ...")
                below = [
                    lines[i + 2 if lines[i + 1].strip().startswith("assumes:") else i + 1].strip()
                    for i, line in enumerate(lines)
                    if line.rstrip().endswith(f"[{node.id}] {node.text}")
                    or f"[{node.id}] {node.text} (" in line
                    or f"[{node.id}] {node.text} [" in line
                ]
                assert any(b.startswith(f"logic: {readable(node.logic.source)}") for b in below)
    without = CliRunner().invoke(main, ["show", credential.id]).stdout
    assert "logic:" not in without


def test_a_number_in_the_words_and_another_in_the_logic_are_seen_side_by_side(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "aapc" / "cpc-coc.yaml"
    text = path.read_text(encoding="utf-8")
    leaf = '{">=": [{var: experience.aapc_months}, 24]}'
    assert leaf in text
    path.write_text(text.replace(leaf, leaf.replace("24", "18"), 1), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["show", "CPC-full", "--logic", "--rules", str(rules), "--as-of", "2026-11-22"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = next(
        i for i, line in enumerate(lines) if "[option-1-experience] At least 24 months" in line
    )
    assert lines[at + 1].strip() == "logic: experience.aapc_months >= 18   (months)"
