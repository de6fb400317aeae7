"""A batch's next step reads as ``check``'s way forward to the same pathway (issue 14): a letter
that can vouch for the months only once they are worked is dated ("dated 2027-02-02 or later")
in both, and steps taken together read as one sentence ("..., dated D or later, and keep ...").
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from eligibility.api import check_profile
from eligibility.cli import main
from eligibility.inputs.profiles import load_profile
from eligibility.report.explain import explain, steps_text
from tests.conftest import PROFILES

HANA = PROFILES / "c09-hana-sato.yaml"  # closest: option 2 (Practicode); option 1 from 2027-08-31
X62 = PROFILES / "x62-closed-practice-w2.yaml"  # closest: option 1, a letter dated 2027-02-02
CHECKS = ("CPC-A-removal", "CPC-full")


def _next_steps(profile: Path, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(
        main, ["batch", str(profile), *(f"--cert={c}" for c in CHECKS), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    return {row["check"]: row["next_step"] for row in rows}


def _check_ways(profile: Path, rulebook) -> dict[str, str]:
    """Check's first way forward to the closest pathway, as one sentence, per check."""
    report = check_profile(load_profile(profile), CHECKS, None, None, rulebook)
    ways = {}
    for result in report.results:
        e = explain(result, rulebook.policies)
        assert e.closest is not None, result.check_id
        first = next(a for a in e.actions if e.closest.node.id in a.completes)
        ways[result.check_id] = steps_text(first.steps)
    return ways


def test_a_letter_step_is_dated_in_the_batch_as_in_check(tmp_path, rulebook) -> None:
    said = _next_steps(X62, tmp_path)
    letter = (
        "ask your employer, supervisor or HR department for a letter that meets AAPC's rules,"
        " dated 2027-02-02 or later, and keep working in your current coding job until 2027-02-02"
    )
    assert said == {check: letter for check in CHECKS}
    assert said == _check_ways(X62, rulebook)


def test_c09s_next_step_is_checks_first_way_to_its_closest_pathway(tmp_path, rulebook) -> None:
    """C09's closest pathway (option 2) needs no letter: its next step is Practicode, and the
    dated letter is check's way to option 1, whose day is the batch's eligible_by."""
    said = _next_steps(HANA, tmp_path)
    assert said == {check: "complete AAPC Practicode" for check in CHECKS}
    assert said == _check_ways(HANA, rulebook)
    text = CliRunner().invoke(main, ["check", str(HANA), "--cert", "CPC-A-removal"]).stdout
    assert (
        "for a letter that meets AAPC's rules, dated 2027-08-31 or later, and keep coding until"
        " 2027-08-31 -> Option 1 met" in text
    )


@pytest.mark.parametrize(
    ("steps", "sentence"),
    [
        (["complete AAPC Practicode"], "complete AAPC Practicode"),
        (["do a", "do b"], "do a and do b"),
        (["do a", "do b", "do c"], "do a and do b and do c"),
        (
            ["ask for a letter, dated 2027-08-31 or later", "keep coding until 2027-08-31"],
            "ask for a letter, dated 2027-08-31 or later, and keep coding until 2027-08-31",
        ),
        (["x, y", "z", "w"], "x, y, z, and w"),
    ],
)
def test_steps_together_read_as_one_sentence(steps, sentence) -> None:
    assert steps_text(steps) == sentence
