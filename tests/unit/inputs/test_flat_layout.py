"""What a row of the flat CSV layout stands for is data (``rules/flat-csv.yaml``): the letter
``letter_on_file: yes`` stands for, a job's default code sets, the membership of the membership
columns, the apprentice ending. A YAML edit there changes answers; a broken file is refused."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from eligibility.cli import main
from eligibility.errors import InputError
from eligibility.inputs.cohort import flat_meaning, read_cohort
from tests.conftest import RULES

ROW = (
    "candidate_id,name,as_of,coding_start,letter_on_file,credentials,aapc_paid_through\n"
    "S1,One,2026-11-22,2023-01-01,yes,CPC-A,2027-01-31\n"
)


def _rules(tmp_path: Path, old: str = "", new: str = "") -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy)
    path = copy / "flat-csv.yaml"
    if old:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1
        path.write_text(text.replace(old, new), encoding="utf-8")
    return copy


def _status(tmp_path: Path, rules: Path, check: str) -> str:
    cohort, out = tmp_path / "cohort.csv", tmp_path / "out.csv"
    cohort.write_text(ROW, encoding="utf-8")
    args = ["batch", str(cohort), "--out", str(out), "--cert", check, "--rules", str(rules)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(out.open(encoding="utf-8"))
    return row["status"]


def test_the_letter_on_file_is_the_record_the_layout_file_describes(tmp_path):
    assert _status(tmp_path, RULES, "CPC-A-removal") == "met"
    rules = _rules(tmp_path, "  author_role: employer\n", "  author_role: co-worker\n")
    assert _status(tmp_path, rules, "CPC-A-removal") == "not_met"  # A1: not a co-worker


def test_the_membership_columns_are_the_organization_the_layout_file_names(tmp_path):
    assert _status(tmp_path, RULES, "CPC-exam") == "met"
    rules = _rules(tmp_path, "  organization: AAPC\n", "  organization: AHIMA\n")
    assert _status(tmp_path, rules, "CPC-exam") == "not_met"  # no AAPC membership any more


def test_the_apprentice_ending_is_data(tmp_path):
    rules = _rules(tmp_path, 'apprentice_suffix: "-A"\n', 'apprentice_suffix: "-APP"\n')
    rows = list(read_cohort(_write(tmp_path), rules_dir=rules))
    assert rows[0].profile.data["credentials"] == [{"id": "CPC-A", "apprentice": False}]
    rows = list(read_cohort(_write(tmp_path)))
    assert rows[0].profile.data["credentials"] == [{"id": "CPC", "apprentice": True}]


def _write(tmp_path: Path) -> Path:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(ROW, encoding="utf-8")
    return cohort


def test_the_default_code_sets_are_data(tmp_path):
    rules = _rules(tmp_path, "  code_sets: [CPT, ICD-10-CM]\n", "  code_sets: [ICD-10-PCS]\n")
    (row,) = read_cohort(_write(tmp_path), rules_dir=rules)
    assert row.profile.data["work_history"][0]["code_sets"] == ["ICD-10-PCS"]


@pytest.mark.parametrize(
    ("old", "new", "place", "problem"),
    [
        ("  hours_unit: contact_hours\n", "", "$.course", "missing required field 'hours_unit'"),
        ("flat_csv_format: 1\n", "flat_csv_format: 1\nletters: {}\n", "$.letters", "unknown field"),
        (
            "membership:\n  organization: AAPC\n",
            "membership: AAPC\n",
            "$.membership",
            "must be given as its fields organization",
        ),
    ],
)
def test_a_broken_layout_file_is_refused_naming_the_place(tmp_path, old, new, place, problem):
    rules = _rules(tmp_path, old, new)
    with pytest.raises(InputError) as refused:
        flat_meaning(rules)
    assert refused.value.file.endswith("flat-csv.yaml")
    assert place in refused.value.place and problem in refused.value.problem
    cohort, out = _write(tmp_path), tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["batch", str(cohort), "--out", str(out), "--rules", rules])
    assert result.exit_code == 2 and "flat-csv.yaml" in result.output and not out.exists()


def test_rules_without_a_layout_file_still_check_profiles_but_not_flat_csv(tmp_path):
    rules = _rules(tmp_path)
    (rules / "flat-csv.yaml").unlink()
    result = CliRunner().invoke(main, ["list", "--rules", str(rules)])
    assert result.exit_code == 0, result.output
    cohort, out = _write(tmp_path), tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["batch", str(cohort), "--out", str(out), "--rules", rules])
    assert result.exit_code == 2 and "flat-csv.yaml" in result.output


@pytest.mark.parametrize(
    ("row", "totals"),
    [
        ({"candidate_id": "TOTAL", "name": "500 students"}, True),
        ({"candidate_id": "Grand total", "name": ""}, True),
        ({"candidate_id": "S-9", "name": "12 students"}, True),
        ({"candidate_id": "S-9", "name": "Tom Count"}, False),
        ({"candidate_id": "Total", "name": "", "highest_education": "associate"}, False),
    ],
)
def test_an_exports_totals_line_is_an_error_row_not_a_student(row, totals) -> None:
    """`TOTAL,500 students,,,` at the end of an export was answered as student 501, counted in
    every total, with a letter "What 500 students still needs"."""
    from eligibility.inputs.cohort import profile_from_flat

    flat = {"letter_on_file": "", **row}
    if totals:
        with pytest.raises(InputError, match="totals or footer line"):
            profile_from_flat(flat, "export.csv:12")
    else:
        assert profile_from_flat(flat, "export.csv:12")[0]["candidate_id"] == row["candidate_id"]


def test_a_row_stands_for_the_same_profile_whatever_its_students_are_told():
    """The words for a school's students (what they are asked for, how to give a date's day,
    how to have the row corrected) change no profile a row makes: diff --cohort must not read
    the rows twice over them, and says the books read rows alike."""
    from dataclasses import replace

    meaning = flat_meaning(None)
    worded = replace(
        meaning,
        supply=(("*", "other words"),),
        date_ask="other words for {date}",
        date_words=(("coding_start", "other words"),),
        corrects=(("*", "other words"),),
    )
    assert worded.reads_rows_as(meaning) and meaning.reads_rows_as(worded)
    other_job = replace(meaning, job={**meaning.job, "code_sets": ["ICD-10-PCS"]})
    assert not other_job.reads_rows_as(meaning)


def test_a_holder_with_no_paid_through_day_has_the_membership_not_known(tmp_path):
    """Program audit M9: a CPC-A holder whose export leaves the AAPC paid-through cell empty was
    read as no member, so her renewal said "pay the AAPC membership dues" on nothing the export
    said. A holder keeps the membership to keep the credential (flat-csv.yaml's
    membership_of_holders): the day is not known, and she is asked for it in the export's
    words; a student holding no AAPC credential is still read as no member."""
    cohort, out = tmp_path / "cohort.csv", tmp_path / "out.csv"
    cohort.write_text(
        "candidate_id,as_of,coding_start,letter_on_file,credentials,aapc_paid_through\n"
        "S1,2026-11-22,2023-01-01,yes,CPC-A,\n"
        "S2,2026-11-22,2023-01-01,yes,CCS,\n",
        encoding="utf-8",
    )

    def answers(rules: Path) -> dict[str, dict[str, str]]:
        args = [
            "batch",
            str(cohort),
            "--out",
            str(out),
            "--cert",
            "CPC-exam",
            "--rules",
            str(rules),
        ]
        assert CliRunner().invoke(main, args).exit_code == 0
        return {row["candidate_id"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}

    holder, other = answers(RULES)["S1"], answers(RULES)["S2"]
    assert holder["status"] == "unknown"
    assert holder["next_step"] == (
        "tell your program the exact day the AAPC membership is paid through, if a document"
        " shows it"
    )
    assert "the AAPC membership is taken as held" in holder["assumed"]
    assert other["status"] == "not_met" and "join AAPC" in other["next_step"]
    # the layout file decides: without it, an empty cell is no membership
    rules = _rules(tmp_path, "membership_of_holders: true\n", "membership_of_holders: false\n")
    assert answers(rules)["S1"]["status"] == "not_met"
