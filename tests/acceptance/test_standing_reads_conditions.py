"""A keeping check's standing may read whether its own conditions are met
(``conditions.last-period``): AAPC revokes a credential 90 days after a missed due date, of the
dues or of a period's CEUs (AAPC-LAPSE-1), so a member whose dues are late and whose last period
failed long ago is revoked, not "at risk", and is told to ask for reinstatement rather than to
submit CEUs by a day that has passed. Found on a generated student (issue 14).
"""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from eligibility.api import check
from eligibility.cli import main
from eligibility.lint import lint_rules
from tests.conftest import PROFILES

X32 = PROFILES / "x32-aapc-unsubmitted-ceus.yaml"  # period due 2026-06-30, CEUs never submitted
AS_OF = "2026-11-22"  # the period's 90 days ended on 2026-09-28


def _late_dues(paid_through: str, submitted: bool = False) -> dict:
    data = yaml.safe_load(X32.read_text(encoding="utf-8"))
    data.pop("as_of")
    changed = copy.deepcopy(data)
    changed["memberships"][0]["paid_through"] = paid_through
    if submitted:  # the last period met: 36 CEUs earned and submitted in time
        changed["ceus"][1]["ceus"] = 18
        for ceu in changed["ceus"]:
            ceu["submitted_date"] = "2026-06-01"
    return changed


def test_late_dues_and_a_failed_period_past_its_90_days_are_revoked() -> None:
    report = check(_late_dues("2026-10-31"), "CPC-renewal", as_of=AS_OF)
    (result,) = report.engine_report.results
    assert result.standing == "revoked"
    text = report.to_text()
    assert "ask AAPC to reinstate the CPC" in text
    assert "submit your CEUs" not in text  # its day (2026-09-28) has passed


def test_late_dues_alone_put_the_credential_at_risk_with_the_day_to_pay_by() -> None:
    report = check(_late_dues("2026-10-31", submitted=True), "CPC-renewal", as_of=AS_OF)
    (result,) = report.engine_report.results
    assert result.standing == "at risk"
    # paid through 2026-10-31: the 90th day is 2027-01-29, revoked from the day after
    assert "pay the AAPC membership dues (by 2027-01-29;" in report.to_text()


def test_a_batch_gives_the_standings_check_gives(tmp_path: Path) -> None:
    students = [_late_dues("2026-10-31"), _late_dues("2026-10-31", submitted=True)]
    for n, student in enumerate(students):
        student["candidate_id"] = f"S{n}"
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_text(
        "".join(json.dumps(s, default=str) + "\n" for s in students), encoding="utf-8"
    )
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(
        main, ["batch", str(cohort), "--cert", "CPC-renewal", "--as-of", AS_OF, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row["standing"] for row in rows] == ["revoked", "at risk"]
    assert rows[0]["next_step"].startswith("ask AAPC to reinstate the CPC")


def test_a_standing_naming_no_condition_of_its_check_is_an_error(tmp_path: Path) -> None:
    from tests.unit.rulebook.test_lint import copy_of_rules, edit

    directory = copy_of_rules(tmp_path)
    edit(directory, "aapc/renewal.yaml", "{var: conditions.last-period}", "{var: conditions.last}")
    problems = [p for p in lint_rules(str(directory)).problems if p.code == "unknown-condition"]
    assert problems and "'conditions.last'" in problems[0].message
    assert problems[0].suggestion in ("last-period", "last-ceus")  # a close id
