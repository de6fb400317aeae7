"""Dates that cannot be right as written (program audit L5): read as written, and said in the
answer's assumptions, in a batch's ``assumed`` column too, where before the row said nothing."""

from __future__ import annotations

import csv
from datetime import date

from click.testing import CliRunner

from eligibility.cli import main
from eligibility.inputs.profiles import date_notes

EXPORT = (
    "candidate_id,name,as_of,coding_start,hours_per_week,code_sets,letter_on_file,letter_date,"
    "course_hours,course_completed_on,practicode_completed_on,credentials,aapc_paid_through\n"
    "E1,Future start,2026-11-22,2027-01-04,40,CPT,yes,2026-11-20,,,,,2027-06-30\n"
    "E2,Course future,2026-11-22,2025-06-01,40,CPT,yes,2026-11-22,80,2027-01-15,,CPC-A,2027-06-30\n"
    "E3,Practicode future,2026-11-22,2025-06-01,40,CPT,yes,2026-11-22,,,2027-01-15,CPC-A,2027-06-30\n"
    "E4,Nothing odd,2026-11-22,2025-06-01,40,CPT,yes,2026-11-22,,,2026-01-15,CPC-A,2027-06-30\n"
)


def test_a_cohorts_rows_name_the_dates_that_cannot_be_right(tmp_path):
    cohort, out = tmp_path / "export.csv", tmp_path / "report.csv"
    cohort.write_text(EXPORT, encoding="utf-8")
    args = ["batch", str(cohort), "--out", str(out), "--cert", "CPC-full"]
    assert CliRunner().invoke(main, args).exit_code == 0
    assumed = {
        row["candidate_id"]: row["assumed"] for row in csv.DictReader(out.open(encoding="utf-8"))
    }
    assert "begins on 2027-01-04, after the profile's date (2026-11-22)" in assumed["E1"]
    assert "is dated 2026-11-20, before" in assumed["E1"]  # the letter, before its job began
    assert "is marked completed on 2027-01-15, after the profile's date" in assumed["E2"]
    assert "Practicode is marked completed on 2027-01-15" in assumed["E3"]
    assert "after the profile's date" not in assumed["E4"]


def test_only_dates_given_to_the_day_and_past_the_profiles_own_date_are_noted():
    profile = {
        "as_of": "2026-11-22",
        "practicode": {"completed": True, "completion_date": "2026-11"},  # the month: may be so
        "training": [{"id": "c1", "completed": False, "completion_date": "2027-02-01"}],  # planned
        "work_history": [{"id": "job-1", "start_date": "2026-11-22"}],
        "verification_letters": [
            {"id": "l1", "covers_work_id": "job-1", "letter_date": "2026-11-22"}
        ],
    }
    assert date_notes(profile, date(2030, 1, 1)) == ()
    # without a date of its own, the profile is taken as written on the day given
    undated = {"practicode": {"completed": True, "completion_date": "2026-12-01"}}
    assert date_notes(undated, date(2026, 12, 7)) == ()
    assert date_notes(undated, date(2026, 11, 30))
