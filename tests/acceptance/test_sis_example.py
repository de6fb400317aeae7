"""The shipped SIS-shaped export gives a report in one command, with no edits to the export
(issue 15): every student checked, names and dates read as the export wrote them."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.sis_export import write
from eligibility.cli import main
from eligibility.inputs.cohort import (
    count_shard,
    load_mapping,
    number_shards,
    parse_item,
    read_cohort,
    read_items,
    read_shard,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
EXPORT, MAPPING = EXAMPLES / "sis-export.csv", EXAMPLES / "sis-mapping.yaml"


def _export_rows() -> list[dict[str, str]]:
    with EXPORT.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def test_the_shipped_export_is_what_its_seeded_script_makes_and_shaped_like_an_sis(tmp_path):
    write(tmp_path / "again.csv", 500, seed=15)
    assert (tmp_path / "again.csv").read_bytes() == EXPORT.read_bytes()
    data = EXPORT.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b";" in data.splitlines()[0]
    rows = _export_rows()
    assert len(rows) >= 500
    assert any(r["Highest Education"] == "High School Diploma" for r in rows)
    assert any(", " in r["Code Sets Used"] for r in rows)
    assert any("/" in r["Coding Job Start"] for r in rows)


def test_the_shipped_export_gives_a_report_in_one_command(tmp_path) -> None:
    out, summary = tmp_path / "report.csv", tmp_path / "summary.md"
    result = CliRunner().invoke(
        main,
        ["batch", str(EXPORT), "--mapping", str(MAPPING), "--out", str(out),
         "--summary", str(summary), "--cert", "CPC", "--cert", "CCA", "--cert", "CCS"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        report = list(csv.DictReader(handle))
    assert not [row for row in report if row["status"] == "error"]
    export = _export_rows()
    names = {row["row"]: row["name"] for row in report}
    assert len(names) == len(export)  # every student has rows
    assert names["1"] == "José Núñez"
    for number, student in enumerate(export, start=1):
        assert names[str(number)] == f"{student['First Name']} {student['Last Name']}".strip()
    # a program's mix of answers, for AAPC and AHIMA
    for check in ("CPC-full", "CCA-exam"):
        statuses = {row["status"] for row in report if row["check"] == check}
        assert {"met", "not_met"} <= statuses, check
    text = summary.read_text(encoding="utf-8")
    assert "Rows read: 500. Checked: 500. Not checked (errors): 0." in text


def test_the_shipped_export_s_dates_and_lists_are_read_as_written() -> None:
    rows = list(read_cohort(EXPORT, load_mapping(MAPPING)))
    export = _export_rows()
    assert all(row.error is None for row in rows)
    dated = 0
    for row, student in zip(rows, export, strict=True):
        data = row.profile.data
        if student["Coding Job Start"]:
            job = data["work_history"][0]
            start = datetime.strptime(student["Coding Job Start"], "%m/%d/%Y").date()
            assert job["start_date"] == start.isoformat()
            expected = [
                {"HCPCS Level II": "HCPCS-II"}.get(s, s)
                for s in student["Code Sets Used"].split(", ")
            ]
            assert job.get("code_sets", expected) == expected
            dated += 1
        if student["Course Completed"]:
            done = datetime.strptime(student["Course Completed"], "%m/%d/%Y").date()
            assert data["training"][0]["completion_date"] == done.isoformat()
        letter = student["Employer Letter (Y/N)"].strip().upper() == "Y"
        assert ("verification_letters" in data) == (letter and bool(student["Coding Job Start"]))
    assert dated > 100


def test_the_shipped_export_cut_into_shards_reads_as_a_whole() -> None:
    """--jobs: each worker reads its own stretch of the export, with the delimiter, dates and
    values the first line and the mapping said."""
    layout = load_mapping(MAPPING)
    whole = [parse_item(item) for item in read_items(EXPORT, layout)]
    cohort = read_items(EXPORT, layout)
    shards = cohort.shards(3)
    cohort.close()
    assert shards is not None and len(shards) == 3
    shards = number_shards(shards, [count_shard(shard) or 0 for shard in shards])
    pieces = [parse_item(item) for shard in shards for item in read_shard(shard)]
    assert pieces == whole


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (  # dates fail in whichever date column each row fills first: still one cause
            'date_format: "%m/%d/%Y"',
            "rows have dates like 07/30/2027 in 'AAPC Paid Through', 'Coding Job Start' and"
            " 'Course Completed', not written YYYY-MM-DD\n  fix: add date_format: '%m/%d/%Y'",
        ),
        (
            "    High School Diploma: hs_diploma",
            "rows have values like 'High School Diploma' in 'Highest Education', which"
            " highest_education does not take",
        ),
    ],
)
def test_the_shipped_mapping_missing_a_line_gives_one_message_and_no_report(
    tmp_path, line, message
) -> None:
    text = MAPPING.read_text(encoding="utf-8")
    assert line in text
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(text.replace(line, ""), encoding="utf-8")
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(
        main, ["batch", str(EXPORT), "--mapping", str(mapping), "--out", str(out)]
    )
    assert result.exit_code == 2 and message in result.output, result.output
    assert len(result.output.splitlines()) == 2 and not out.exists()
