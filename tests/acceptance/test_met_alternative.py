"""A met ``any`` lacks nothing: its unmet alternatives are not what a pathway lacks (issue 14).

The profile is C09's with Practicode done, a 40-hour course and a letter dated six months ago:
for removing the -A, option 2's "an 80-hour course OR Practicode" is met by Practicode while
the course is not, and option 2 lacks only the letters. The batch CSV (failed, shortfall,
next step) and ``check`` (text and JSON) must both say just that, and agree.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from eligibility.api import check_profile
from eligibility.cli import main
from eligibility.engine.results import MET, NOT_MET, closest_pathway, lacking_leaves
from eligibility.inputs.profiles import load_profile
from tests.conftest import PROFILES

CHECK = "CPC-A-removal"
COURSE = "option-2-course"  # the unmet alternative under the met "course OR Practicode"
COURSE_WORDS = "coding course of 80+ contact hours"  # the course's step, in check and batch


def _profile(tmp_path: Path) -> Path:
    data = yaml.safe_load(next(PROFILES.glob("c09-*.yaml")).read_text())
    data["practicode"]["completed"] = True
    data["training"][0]["hours"]["value"] = 40
    letter = data["verification_letters"][0]
    letter["letter_date"] = "2026-05-01"
    del letter["states_to_present"]
    letter["stated_end"] = "2026-05-01"
    path = tmp_path / "met-alternative.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _any_met_by_one_child(path: Path, rulebook) -> None:
    """The case holds what the test is about: under the closest pathway, a met ``any`` with a
    child that is not met."""
    (result,) = check_profile(load_profile(path), (CHECK,), None, None, rulebook).results
    closest = closest_pathway(result.requires)
    assert closest is not None and closest.node.id == "option-2"
    (either,) = [c for c in closest.children if c.node.kind == "any"]
    assert either.status == MET
    assert {c.node.id: c.status for c in either.children}[COURSE] == NOT_MET
    assert [leaf.node.id for leaf in lacking_leaves(closest)] == ["option-2-letters"]


def _batch_row(path: Path, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(main, ["batch", str(path), "--cert", CHECK, "--out", str(out)])
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    return row


def test_batch_csv_does_not_list_an_alternative_of_a_met_any(tmp_path, rulebook) -> None:
    path = _profile(tmp_path)
    _any_met_by_one_child(path, rulebook)
    row = _batch_row(path, tmp_path)
    assert row["status"] == NOT_MET
    assert row["failed"] == "option-2-letters"
    assert "course" not in row["shortfall"]
    assert row["closest"] == "Option 2"
    assert COURSE_WORDS not in row["next_step"]


def test_check_does_not_list_an_alternative_of_a_met_any_and_agrees_with_batch(
    tmp_path, rulebook
) -> None:
    path = _profile(tmp_path)
    text = CliRunner().invoke(main, ["check", str(path), "--cert", CHECK, "--color", "never"])
    assert text.exit_code == 1, text.output
    assert "Closest: Option 2, one thing missing." in text.stdout
    ways = text.stdout.split("What would make this met")[1].splitlines()
    to_option_2 = [w for w in ways if w.endswith("-> Option 2 met")]
    assert to_option_2 and not any(COURSE_WORDS in w for w in to_option_2)

    found = CliRunner().invoke(main, ["check", str(path), "--cert", CHECK, "--format", "json"])
    (answer,) = json.loads(found.stdout)["profiles"][0]["results"]
    assert answer["closest"] == "option-2"
    steps = [a["steps"] for a in answer["actions"] if a["completes"] == ["option-2"]]
    assert steps and not any(COURSE_WORDS in s for way in steps for s in way)

    row = _batch_row(path, tmp_path)
    assert row["failed"] == "option-2-letters"
    assert [row["next_step"]] == steps[0]  # one step, as check's way to option 2 says it
