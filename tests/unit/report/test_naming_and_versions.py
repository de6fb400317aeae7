"""What a summary line and a pinned version say, as a candidate reads them: a condition named
by its text keeps a parenthesis within it ("An AHIMA-approved (PCAP) coding program
completed"), and rules asked for by ``ID@VERSION`` on a date they were not in force say so."""

from __future__ import annotations

from click.testing import CliRunner

from eligibility.cli import main
from eligibility.rulebook.rules import Node
from tests.conftest import PROFILES


def _node(text: str) -> Node:
    return Node(kind="leaf", id="n", text=text)


def test_a_title_drops_only_a_parenthesis_that_ends_the_text() -> None:
    assert _node("AAPC membership is current (it must be current)").title == (
        "AAPC membership is current"
    )
    assert _node("An AHIMA-approved (PCAP) coding program completed").title == (
        "An AHIMA-approved (PCAP) coding program completed"
    )
    assert _node("Option 2: 12 months of documented work (all of it)").title == "Option 2"
    assert _node("A high school diploma (a GED (or its like) counts)").title == (
        "A high school diploma"
    )
    assert _node("Courses (in person) and a letter (signed)").title == (
        "Courses (in person) and a letter"
    )


def _check(*args: str) -> str:
    result = CliRunner().invoke(main, ["check", "--color", "never", *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_rules_not_in_force_on_the_date_say_so() -> None:
    c08 = str(PROFILES / "c08-george-li.yaml")
    caution = "Caution: these rules were not in force on 2026-11-22"
    assert caution in _check(c08, "--cert", "CCS-exam@CCS-LEG", "--as-of", "2026-11-22")
    assert "were not in force" not in _check(
        c08, "--cert", "CCS-exam@CCS-LEG", "--as-of", "2015-01-01"
    )
    assert "were not in force" not in _check(c08, "--cert", "CCS-exam", "--as-of", "2026-11-22")
