"""What was found, as a range when it depends on what the profile leaves unknown (issue 14 item
7): the JSON reports give the range the text answer shows, and only then."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from eligibility.cli import main
from eligibility.inputs.yamlio import parse_text
from tests.conftest import PROFILES

MONTH_PRECISE = PROFILES / "x73-month-precise-start.yaml"  # a job started "in November 2024"


def _experience(tree: dict) -> dict:
    if tree.get("id") == "option-1-experience":
        return tree
    for child in tree.get("children", ()):
        found = _experience(child)
        if found:
            return found
    return {}


def _check_json(as_of: str) -> dict:
    result = CliRunner().invoke(
        main,
        [
            "check",
            str(MONTH_PRECISE),
            "--cert",
            "CPC-A-removal",
            "--as-of",
            as_of,
            "--format",
            "json",
        ],
    )
    assert result.exit_code in (0, 1), result.output
    return _experience(json.loads(result.stdout)["profiles"][0]["results"][0]["requires"])


def test_a_found_value_that_depends_on_the_day_is_a_range_in_check_json() -> None:
    leaf = _check_json("2026-11-22")
    assert leaf["status"] == "unknown"
    low, high = leaf["found_range"]
    assert low < 24 <= high  # 23 months 24 days to 24 months 22 days: either side of 24
    assert leaf["found"] in (low, high)


def test_a_found_value_known_either_way_has_no_range() -> None:
    leaf = _check_json("2027-01-25")  # 26 months or more from either end of November
    assert leaf["status"] == "met"
    assert "found_range" not in leaf


def test_the_lean_json_lines_report_gives_the_range(tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.jsonl"
    profile = parse_text(MONTH_PRECISE.read_text("utf-8"), str(MONTH_PRECISE))
    cohort.write_text(json.dumps(profile, default=str) + "\n", encoding="utf-8")
    out = tmp_path / "report.jsonl"
    result = CliRunner().invoke(
        main,
        [
            "batch",
            str(cohort),
            "--out",
            str(out),
            "--cert",
            "CPC-A-removal",
            "--as-of",
            "2026-11-22",
        ],
    )
    assert result.exit_code in (0, 1), result.output
    entry = json.loads(out.read_text("utf-8").splitlines()[1])
    leaf = _experience(entry["results"][0]["requires"])
    low, high = leaf["found_range"]
    assert low < 24 <= high
