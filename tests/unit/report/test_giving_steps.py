"""What an answer asks for and shows apart, in the JSON report as in the text one."""

from __future__ import annotations

import json

from click.testing import CliRunner

from eligibility.cli import main
from eligibility.engine.results import NOT_MET, NodeResult
from eligibility.report.render import _apart_words
from eligibility.rulebook.rules import Node
from tests.conftest import PROFILES


def _walk(node: dict):
    yield node
    for child in node.get("children") or ():
        yield from _walk(child)


def test_the_json_fix_of_an_unknown_condition_asks_for_all_it_lacks() -> None:
    """X73's letter condition lacks the job's start day and the letter's own: the JSON report's
    ``fix`` gave the first only, as the text's way forward once did."""
    profile = PROFILES / "x73-month-precise-start.yaml"
    result = CliRunner().invoke(
        main, ["check", str(profile), "--cert", "CPC-A-removal", "--format", "json"]
    )
    (answer,) = json.loads(result.stdout)["profiles"][0]["results"]
    (letters,) = [n for n in _walk(answer["requires"]) if n["id"] == "option-1-letters"]
    assert "start date of job-1" in letters["fix"]
    assert "stated start date of letter-1" in letters["fix"]


def test_what_is_recommended_as_one_condition_is_named_on_the_summary_line() -> None:
    """A ``recommends`` that is a single condition (the schema allows it) read "0 things not
    met"; it is named, as one condition of a block is."""
    leaf = NodeResult(
        Node("rec", "An associate's degree (recommended, not required)", "leaf"), NOT_MET
    )
    assert _apart_words(leaf, None) == " (worth knowing: an associate's degree, not met)"
