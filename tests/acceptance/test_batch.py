"""Batch runs: every input format, error rows, reconciliation, atomic writes, exit status."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from benchmarks.generate import write
from eligibility.batch import atomic_writer, run_batch
from eligibility.cli import main
from eligibility.errors import InputError
from eligibility.inputs.cohort import _Lines, count_items, load_mapping, read_cohort, read_items
from eligibility.report.words import check_title
from tests.conftest import PROFILES, ROOT, process_group

CHECKS = ("CPC-full", "CCS-exam", "CCA-exam")


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_jsonl_with_broken_rows_reports_them_and_checks_the_rest(tmp_path, rulebook) -> None:
    cohort, out, summary = tmp_path / "c.jsonl", tmp_path / "out.csv", tmp_path / "summary.md"
    write(cohort, 60, seed=3, broken_rows=6)
    tally = run_batch(read_cohort(cohort), rulebook, CHECKS, csv_out=out, summary_out=summary)
    assert (tally.rows, tally.checked, len(tally.errors)) == (60, 54, 6)
    rows = _csv_rows(out)
    errors = [r for r in rows if r["status"] == "error"]
    assert len(errors) == 6 and all(
        r["error"] and r["where"].startswith(str(cohort)) for r in errors
    )
    # one row per student and check that applies (a student holding the CPC has no CPC-full
    # row: the question is not hers); the exams apply to all
    answered = [(r["row"], r["check"]) for r in rows if r["status"] != "error"]
    assert len(answered) == len(set(answered))
    per_check = Counter(check for _, check in answered)
    assert per_check["CCS-exam"] == per_check["CCA-exam"] == 54
    assert 0 < per_check["CPC-full"] <= 54
    assert {int(r["row"]) for r in rows} == set(range(1, 61))  # nobody is lost
    text = summary.read_text(encoding="utf-8")
    assert "Rows read: 60. Checked: 54. Not checked (errors): 6. Counts reconcile." in text
    for check in CHECKS:  # a check's line names it by its title
        title = check_title(rulebook, check)
        line = next(line for line in text.splitlines() if line.startswith(f"| {title} |"))
        assert line.endswith("| 54 |")  # each check's counts add up to the rows checked


def test_jsonl_report_has_one_line_per_row(tmp_path, rulebook) -> None:
    cohort, out = tmp_path / "c.jsonl", tmp_path / "out.jsonl"
    write(cohort, 20, seed=4, broken_rows=2)
    run_batch(read_cohort(cohort), rulebook, CHECKS, jsonl_out=out)
    header, *lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert header["kind"] == "header" and len(lines) == 20
    assert sum("error" in line for line in lines) == 2
    assert all(len(line["results"]) == len(CHECKS) for line in lines if "error" not in line)


def _verdicts(path: Path) -> dict[tuple[str, str], str]:
    return {(r["candidate_id"], r["check"]): r["status"] for r in _csv_rows(path)}


def test_csv_default_layout_yaml_directory_and_yaml_stream_give_identical_verdicts(
    tmp_path, rulebook
) -> None:
    write(tmp_path / "c.csv", 80, seed=5, flat=True)
    write(tmp_path / "dir", 80, seed=5, flat=True)
    stream = tmp_path / "c.yaml"
    stream.write_text(
        "".join(
            "---\n" + p.read_text(encoding="utf-8") for p in sorted((tmp_path / "dir").iterdir())
        ),
        encoding="utf-8",
    )
    results = {}
    for name in ("c.csv", "dir", "c.yaml"):
        out = tmp_path / f"{name}.out.csv"
        tally = run_batch(read_cohort(tmp_path / name), rulebook, CHECKS, csv_out=out)
        assert (tally.checked, tally.errors) == (80, [])
        results[name] = _verdicts(out)
    assert results["c.csv"] == results["dir"] == results["c.yaml"]
    assert len(set(results["dir"].values())) > 1  # a varied cohort, not all one answer


def test_mapping_file_reads_another_csv_layout(tmp_path, rulebook) -> None:
    write(tmp_path / "c.csv", 10, seed=6, flat=True)
    text = (tmp_path / "c.csv").read_text(encoding="utf-8")
    (tmp_path / "theirs.csv").write_text(
        text.replace("candidate_id", "StudentID").replace("coding_start", "JobStart"),
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns:\n  candidate_id: StudentID\n  coding_start: JobStart\n", encoding="utf-8"
    )
    runner = CliRunner()
    for source, extra in (("c.csv", []), ("theirs.csv", ["--mapping", str(mapping)])):
        result = runner.invoke(
            main,
            ["batch", str(tmp_path / source), "--out", str(tmp_path / f"{source}.out.csv"), *extra],
        )
        assert result.exit_code == 0, result.output
    assert _verdicts(tmp_path / "c.csv.out.csv") == _verdicts(tmp_path / "theirs.csv.out.csv")


def test_a_failed_run_leaves_no_half_written_report(tmp_path, rulebook) -> None:
    cohort, out = tmp_path / "c.jsonl", tmp_path / "out.csv"
    write(cohort, 10, seed=7)
    out.write_text("previous report\n", encoding="utf-8")

    def interrupted():
        for number, row in enumerate(read_cohort(cohort)):
            if number == 5:
                raise KeyboardInterrupt
            yield row

    with pytest.raises(KeyboardInterrupt):
        run_batch(interrupted(), rulebook, CHECKS, csv_out=out)
    assert out.read_text(encoding="utf-8") == "previous report\n"
    assert {p.name for p in tmp_path.iterdir()} == {"c.jsonl", "out.csv"}  # no temporary file left


def test_atomic_writer_replaces_only_on_success(tmp_path) -> None:
    target = tmp_path / "report.txt"
    with atomic_writer(target) as handle:
        handle.write("new")
    assert target.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["--out", "{tmp}/o.csv"], 0),
        (["--out", "{tmp}/o.txt"], 2),
        (["--out", "{tmp}/o.csv", "--cert", "NOPE"], 2),
        (["--out", "{tmp}/o.csv", "--mapping", "{tmp}/missing.yaml"], 2),
    ],
)
def test_batch_exit_status(tmp_path, args, status) -> None:
    write(tmp_path / "c.jsonl", 5, seed=8)
    result = CliRunner().invoke(
        main, ["batch", str(tmp_path / "c.jsonl"), *(a.format(tmp=tmp_path) for a in args)]
    )
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output


def test_batch_exit_status_is_1_when_some_rows_are_invalid(tmp_path) -> None:
    write(tmp_path / "c.jsonl", 8, seed=9, broken_rows=1)
    result = CliRunner().invoke(
        main,
        ["batch", str(tmp_path / "c.jsonl"), "--out", str(tmp_path / "o.csv"), "--cert", "CCA"],
    )
    assert result.exit_code == 1
    assert "Not checked (errors): 1." in result.stdout


def test_two_jobs_write_the_same_report_and_summary_as_one(tmp_path, rulebook) -> None:
    cohort = tmp_path / "c.jsonl"
    write(cohort, 600, seed=13, broken_rows=4)  # several chunks of 256
    outputs = {}
    for jobs in (1, 2):
        out, summary = tmp_path / f"out{jobs}.csv", tmp_path / f"summary{jobs}.md"
        tally = run_batch(read_items(cohort), rulebook, csv_out=out, summary_out=summary, jobs=jobs)
        assert (tally.rows, tally.checked, tally.error_count) == (600, 596, 4)
        outputs[jobs] = (out.read_bytes(), summary.read_bytes())
    assert outputs[1] == outputs[2]


def test_summary_lists_the_first_errors_and_counts_them_all(
    tmp_path, rulebook, monkeypatch
) -> None:
    monkeypatch.setattr("eligibility.report.summary.LISTED_ERRORS", 2)
    cohort, summary = tmp_path / "c.jsonl", tmp_path / "s.md"
    write(cohort, 30, seed=14, broken_rows=5)
    tally = run_batch(read_items(cohort), rulebook, CHECKS, summary_out=summary)
    text = summary.read_text(encoding="utf-8")
    assert (tally.error_count, len(tally.errors)) == (5, 2)
    assert "Not checked (errors): 5. Counts reconcile." in text
    section = text.split("## Rows not checked", 1)[1].split("\n## ", 1)[0]
    counts = [int(n) for n in re.findall(r"^- (\d+) rows?", section, re.MULTILINE)]
    assert sum(counts) == 5  # every error row counted, grouped by cause


def test_csv_leaves_out_checks_that_do_not_apply_but_never_a_student(tmp_path, rulebook) -> None:
    cohort, out = tmp_path / "c.jsonl", tmp_path / "out.csv"
    cohort.write_text(
        json.dumps({"profile_version": 1, "candidate_id": "A1", "name": 'Doe, "Jo"'}) + "\n",
        encoding="utf-8",
    )
    run_batch(read_items(cohort), rulebook, ["CPC-renewal", "CPC-exam"], csv_out=out)
    rows = _csv_rows(out)
    assert [(r["name"], r["check"], r["status"]) for r in rows] == [
        ('Doe, "Jo"', "CPC-exam", "not_met")  # the renewal does not apply: not listed
    ]
    run_batch(read_items(cohort), rulebook, ["CPC-renewal"], csv_out=out)
    assert [(r["check"], r["status"]) for r in _csv_rows(out)] == [
        ("CPC-renewal", "not_applicable")  # nothing applies: the student is still there
    ]


def test_json_lines_rows_are_numbered_by_line(tmp_path, rulebook) -> None:
    cohort, out = tmp_path / "c.jsonl", tmp_path / "out.csv"
    write(cohort, 3, seed=15)
    lines = cohort.read_text(encoding="utf-8").splitlines()
    cohort.write_text("\n".join([lines[0], "", lines[1], "{not json", lines[2]]) + "\n")
    tally = run_batch(read_items(cohort), rulebook, ["CCA-exam"], csv_out=out)
    rows = _csv_rows(out)
    assert [(r["row"], r["status"] == "error") for r in rows] == [
        ("1", False),
        ("3", False),
        ("4", True),
        ("5", False),
    ]
    assert rows[2]["where"] == f"{cohort}:4" and "not valid JSON" in rows[2]["error"]
    assert (tally.rows, tally.checked, tally.error_count) == (4, 3, 1)


def test_an_interrupted_run_keeps_the_previous_summary(tmp_path, rulebook) -> None:
    cohort, out, summary = tmp_path / "c.jsonl", tmp_path / "o.csv", tmp_path / "s.md"
    write(cohort, 10, seed=16)
    summary.write_text("previous summary\n", encoding="utf-8")

    def interrupted():
        yield from list(read_items(cohort))[:4]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(interrupted(), rulebook, CHECKS, csv_out=out, summary_out=summary)
    assert summary.read_text(encoding="utf-8") == "previous summary\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "s.md"]


def test_count_items_estimates_each_format(tmp_path) -> None:
    write(tmp_path / "c.jsonl", 7, seed=17)
    write(tmp_path / "c.csv", 5, seed=17, flat=True)
    write(tmp_path / "dir", 4, seed=17, flat=True)
    assert count_items(tmp_path / "c.jsonl") == 7
    assert count_items(tmp_path / "c.csv") == 5
    assert count_items(tmp_path / "dir") == 4
    assert count_items(tmp_path / "missing.jsonl") == 0


def test_an_error_row_names_the_student_when_it_can(tmp_path, rulebook) -> None:
    cohort, out = tmp_path / "c.csv", tmp_path / "out.csv"
    cohort.write_text(
        "candidate_id,name,coding_start\nA1,Ann,2024-02-30\nA2,Bob,2023-01-10\n", encoding="utf-8"
    )
    run_batch(read_items(cohort), rulebook, ["CCA-exam"], csv_out=out)
    rows = _csv_rows(out)
    assert [(r["candidate_id"], r["name"], r["status"]) for r in rows] == [
        ("A1", "Ann", "error"),
        ("A2", "Bob", rows[1]["status"]),
    ]
    assert "'2024-02-30' is not a valid date" in rows[0]["error"]


def test_a_pinned_check_is_counted_apart_from_the_same_check_in_force(tmp_path, rulebook) -> None:
    cohort, summary = tmp_path / "c.jsonl", tmp_path / "s.md"
    write(cohort, 12, seed=18)
    run_batch(read_items(cohort), rulebook, ["CCS-exam", "CCS-exam@CCS-LEG"], summary_out=summary)
    rows = [line for line in summary.read_text(encoding="utf-8").splitlines() if "| CCS" in line]
    titles = [f"| {check_title(rulebook, c)}" for c in ("CCS-exam", "CCS-exam@CCS-LEG")]
    assert [row.split(" | ")[0] for row in rows] == titles
    assert "(rules version " in titles[1] and "CCS-LEG" not in titles[1]  # told apart in words
    assert all(row.endswith("| 12 |") for row in rows)  # each counts every student once


def test_checks_with_no_rules_in_force_are_counted_in_their_own_column(tmp_path, rulebook) -> None:
    cohort, summary = tmp_path / "c.jsonl", tmp_path / "s.md"
    write(cohort, 5, seed=19)
    run_batch(read_items(cohort), rulebook, as_of=date(2014, 6, 1), summary_out=summary)
    text = summary.read_text(encoding="utf-8")
    assert "| no rules in force |" in text
    assert any(line.endswith("| 0 | 5 | 5 |") for line in text.splitlines())


def test_a_report_gets_the_mode_of_a_new_file(tmp_path) -> None:
    target = tmp_path / "report.csv"
    with atomic_writer(target) as handle:
        handle.write("x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def _dies(*work):
    os._exit(3)


@pytest.mark.parametrize("name", ["c.jsonl", "c.yaml"])  # read by shards, by chunks
def test_a_worker_that_dies_fails_the_run_and_leaves_no_report(
    tmp_path, rulebook, monkeypatch, name
):
    from concurrent.futures.process import BrokenProcessPool

    cohort, out = tmp_path / name, tmp_path / "out.csv"
    write(tmp_path / "c.jsonl", 20, seed=20)
    if name == "c.yaml":
        lines = (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()
        (tmp_path / "c.jsonl").unlink()
        cohort.write_text("".join(f"--- {line}\n" for line in lines), encoding="utf-8")
    monkeypatch.setattr("eligibility.batch._worker_chunk", _dies)
    monkeypatch.setattr("eligibility.batch._worker_shard", _dies)
    with pytest.raises(BrokenProcessPool):
        run_batch(read_items(cohort), rulebook, CHECKS, csv_out=out, jobs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_yaml_document_whose_aliases_never_end_is_an_error_row(tmp_path, rulebook) -> None:
    """The document is reported as such; the ones before and after it are still checked."""
    stream = tmp_path / "c.yaml"
    stream.write_text(
        "candidate_id: A\nprofile_version: 1\n---\nwork_history: &a [*a]\n"
        "---\ncandidate_id: C\nprofile_version: 1\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    tally = run_batch(read_cohort(stream), rulebook, CHECKS, csv_out=out)
    assert (tally.rows, tally.checked, tally.error_count) == (3, 2, 1)
    rows = _csv_rows(out)
    (error,) = [r for r in rows if r["status"] == "error"]
    assert error["row"] == "2" and error["where"] == f"{stream}:4"
    assert "contain itself" in error["error"]
    assert {r["candidate_id"] for r in rows if r["status"] != "error"} == {"A", "C"}


@pytest.mark.parametrize("option", ["--out", "--summary"])
def test_an_output_that_cannot_be_written_is_an_input_error_before_any_row(tmp_path, option):
    write(tmp_path / "c.jsonl", 5, seed=8)
    unwritable = str(tmp_path / "no-such-folder" / ("r.csv" if option == "--out" else "s.md"))
    args = {"--out": str(tmp_path / "o.csv"), option: unwritable}
    result = CliRunner().invoke(
        main, ["batch", str(tmp_path / "c.jsonl"), *(x for pair in args.items() for x in pair)]
    )
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"error: {unwritable}: cannot write this file" in result.output
    assert "fix: create the folder" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl"]  # no report either


def test_a_report_that_cannot_be_put_in_place_is_an_input_error(tmp_path, rulebook) -> None:
    write(tmp_path / "c.jsonl", 3, seed=8)
    (tmp_path / "taken.csv").mkdir()  # a folder where the report should go
    with pytest.raises(InputError, match="is a folder, which the file written there would replace"):
        run_batch(
            read_cohort(tmp_path / "c.jsonl"), rulebook, CHECKS, csv_out=tmp_path / "taken.csv"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "taken.csv"]


def test_a_batch_stopped_by_sigterm_leaves_the_previous_report_and_no_temporary_file(tmp_path):
    cohort, out = tmp_path / "c.jsonl", tmp_path / "o.csv"
    write(cohort, 3000, seed=21)
    out.write_text("previous report\n", encoding="utf-8")
    command = [sys.executable, "-m", "eligibility", "batch", str(cohort), "--out", str(out)]
    with process_group(command) as process:
        _started(process, tmp_path, ".o.csv.")
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert b"stopped: no report written" in stderr and b"Traceback" not in stderr
    assert out.read_text(encoding="utf-8") == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "o.csv"]


def _flat_cohort(tmp_path: Path, count: int = 4) -> tuple[Path, list[str]]:
    """A flat CSV cohort, and its lines (header first) to edit."""
    path = tmp_path / "c.csv"
    write(path, count, seed=6, flat=True)
    return path, path.read_text(encoding="utf-8").splitlines()


def _batch(tmp_path: Path, source: Path, *extra: str):
    out = tmp_path / "o.csv"
    result = CliRunner().invoke(
        main, ["batch", str(source), "--out", str(out), "--cert", "CCA", *extra]
    )
    assert "Traceback" not in result.output
    return result, (_csv_rows(out) if out.exists() else [])


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "credentials",
            "credential",
            "unknown column 'credential'\n  fix: did you mean 'credentials'?",
        ),
        ("hours_per_week", "hours_a_week", "unknown column 'hours_a_week'"),
        ("course_hours", "name", "column 'name' appears twice in the header"),
    ],
)
def test_a_csv_header_that_would_lose_a_column_is_refused(tmp_path, old, new, message) -> None:
    source, lines = _flat_cohort(tmp_path)
    lines[0] = lines[0].replace(old, new)
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, _ = _batch(tmp_path, source)
    assert result.exit_code == 2
    assert f"{source}: line 1: {message}" in result.output


def _export_with(tmp_path, header: str, cells: str, renamed: str = "") -> tuple[Path, Path]:
    """The flat cohort with columns of an export's own after ours (``header``, and ``cells`` on
    every row), ``renamed`` our coding_start; and where its mapping file goes."""
    source, lines = _flat_cohort(tmp_path)
    lines[0] = lines[0].replace("coding_start", renamed or "coding_start") + header
    lines[1:] = [line + cells for line in lines[1:]]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return source, tmp_path / "m.yaml"


def test_a_mapping_must_name_columns_the_export_has_and_may_leave_others_out(tmp_path) -> None:
    source, mapping = _export_with(tmp_path, ",Email", ",a@example.org", renamed="JobStart")
    mapping.write_text("columns:\n  name: name\n  coding_start: JobStrt\n", encoding="utf-8")
    result, _ = _batch(tmp_path, source, "--mapping", str(mapping))
    assert result.exit_code == 2
    # the mistake is the mapping's, so its file and line are named, not the export's header
    assert f"{mapping}: line 3 ($.columns.coding_start): column 'JobStrt' (for coding_start)" in (
        result.output
    )
    assert f"is not in the header of {source}" in result.output
    assert "did you mean 'JobStart'? Correct this line of the mapping file" in result.output
    mapping.write_text("columns: {coding_start: JobStart}\n", encoding="utf-8")
    result, _ = _batch(tmp_path, source, "--mapping", str(mapping))
    assert result.exit_code == 2 and "unknown column 'Email'" in result.output
    mapping.write_text("columns: {coding_start: JobStart}\nignore: [Email]\n", encoding="utf-8")
    result, rows = _batch(tmp_path, source, "--mapping", str(mapping))
    assert result.exit_code == 0, result.output
    assert len(rows) == 4 and {r["status"] for r in rows} != {"error"}


def test_every_unknown_column_is_named_at_once_with_the_ignore_to_paste(tmp_path) -> None:
    """An export has many columns of its own: one run names them all, and the fix is a line
    the mapping file can take as it is."""
    source, mapping = _export_with(
        tmp_path, ",Email,Advisor: name,Given Name", ",a@example.org,Dr. Ray,Ana"
    )
    mapping.write_text("columns: {candidate_id: candidate_id}\n", encoding="utf-8")
    result, _ = _batch(tmp_path, source, "--mapping", str(mapping))
    assert result.exit_code == 2
    assert "3 unknown columns: 'Email', 'Advisor: name', 'Given Name'" in result.output
    ignore = result.output.rsplit("ignore: ", 1)[1].strip()
    assert ignore == "[Email, 'Advisor: name', Given Name]"
    mapping.write_text(f"columns: {{candidate_id: candidate_id}}\nignore: {ignore}\n", "utf-8")
    result, rows = _batch(tmp_path, source, "--mapping", str(mapping))
    assert result.exit_code == 0, result.output
    assert len(rows) == 4


def test_a_mapping_file_with_an_unknown_key_or_for_json_lines_is_refused(tmp_path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns: {}\nignored: [Email]\n", encoding="utf-8")
    source, _ = _flat_cohort(tmp_path)
    result, _ = _batch(tmp_path, source, "--mapping", str(mapping))
    assert result.exit_code == 2 and "unknown key(s) ignored" in result.output
    write(tmp_path / "c.jsonl", 2, seed=1)
    mapping.write_text("columns: {}\n", encoding="utf-8")
    result, _ = _batch(tmp_path, tmp_path / "c.jsonl", "--mapping", str(mapping))
    assert result.exit_code == 2 and "a mapping file applies to CSV input only" in result.output


def test_bad_csv_cells_are_error_rows_naming_the_column_and_the_rest_are_checked(tmp_path):
    source, lines = _flat_cohort(tmp_path, 7)
    header = lines[0].split(",")

    def edit(line: str, column: str, value: str) -> str:
        cells = line.split(",")
        cells[header.index(column)] = value
        return ",".join(cells)

    lines[1] = edit(lines[1], "letter_on_file", "maybe")
    lines[2] = edit(lines[2], "coding_start", "2019-13-16")
    lines[3] = lines[3] + ",one too many"
    lines[7] = lines[7].replace(",Student 7,", ',"Student 7,')  # a quote never closed
    data = ("\n".join(lines) + "\n").encode("utf-8").replace(b"Student 4", b"Stud\xe9nt 4")
    source.write_bytes(data)  # row 4 is Latin-1, not UTF-8
    result, rows = _batch(tmp_path, source)
    assert result.exit_code == 1
    by_row = {int(r["row"]): r for r in rows}
    assert sorted(by_row) == [1, 2, 3, 4, 5, 6, 7]
    assert [n for n, r in by_row.items() if r["status"] != "error"] == [5, 6]

    def error(n: int) -> tuple[str, str, str]:
        return by_row[n]["where"], by_row[n]["candidate_id"], by_row[n]["error"]

    assert error(1) == (
        f"{source}:2",
        "S000001",
        "column letter_on_file: 'maybe' is neither yes nor no (fix: write yes or no)",
    )
    assert error(2)[2].startswith("column coding_start: '2019-13-16' is not a valid date")
    assert error(3)[1:] == (
        "S000003",
        f"{len(header) + 1} cells where the header has {len(header)} columns"
        " (fix: quote any cell that holds a comma, or remove the extra cells)",
    )
    column = lines[4].index("Student 4") + 5  # the byte after "Stud"
    assert error(4)[2] == f"not UTF-8 text (byte 0xE9 at column {column})" + (
        " (fix: save the export as UTF-8, or name its encoding in a mapping file (encoding: cp1252))"
    )
    assert error(7)[:2] == (f"{source}:8", "S000007")  # the cells before the quote say who
    assert error(7)[2].startswith("not valid CSV: a quoted cell that is never closed")


def test_a_json_line_that_is_not_utf8_is_an_error_row_and_the_rest_are_checked(tmp_path, rulebook):
    cohort = tmp_path / "c.jsonl"
    write(cohort, 3, seed=2)
    data = cohort.read_bytes().replace(b"Student 2", b"Stud\xe9nt 2")
    cohort.write_bytes(data)
    rows = list(read_cohort(cohort))
    assert [row.profile is not None for row in rows] == [True, False, True]
    assert rows[1].error is not None and rows[1].error.problem.startswith(
        "not UTF-8 text (byte 0xE9"
    )


def test_an_empty_cohort_writes_nothing(tmp_path) -> None:
    """It was checked with a warning and exit status 0, its empty report replacing the last
    one (and the letters): a broken export, far more often than an empty class."""
    (tmp_path / "c.jsonl").write_text("", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["batch", str(tmp_path / "c.jsonl"), "--out", str(tmp_path / "r.csv")]
    )
    assert result.exit_code == 2
    assert f"error: {tmp_path / 'c.jsonl'}: no student in it" in result.stderr
    assert not (tmp_path / "r.csv").exists()


@pytest.mark.parametrize("form", ["csv", "jsonl"])
@pytest.mark.parametrize("given", ["", "\n\n"])
def test_an_empty_cohort_on_standard_input_prints_no_report(form, given) -> None:
    """The report's header (the CSV's, the JSON Lines report's) reached standard output before
    the refusal: a pipe took it for a report of nobody."""
    result = CliRunner().invoke(
        main, ["batch", "-", "--out", "-", "--report-format", form], input=given
    )
    assert result.exit_code == 2
    assert "no student in it" in result.stderr
    assert result.stdout == ""


def _started(process: subprocess.Popen, folder: Path, prefix: str) -> None:
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(prefix) for p in folder.iterdir()):  # the batch is on
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc for the workers")
def test_a_worker_killed_under_two_jobs_ends_the_batch_cleanly_without_hanging(tmp_path):
    cohort, out = tmp_path / "c.jsonl", tmp_path / "o.csv"
    write(cohort, 6000, seed=22)
    command = [sys.executable, "-m", "eligibility", "batch", str(cohort), "--out", str(out)]
    with process_group([*command, "--jobs", "2"]) as process:
        _started(process, tmp_path, ".o.csv.")
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        deadline = time.monotonic() + 60
        while len(children.read_text().split()) < 2:  # the pool's two workers
            assert time.monotonic() < deadline
            time.sleep(0.01)
        workers = [int(pid) for pid in children.read_text().split()]
        os.kill(workers[-1], signal.SIGKILL)
        _, stderr = process.communicate(timeout=60)  # the other worker must not hang the run
    assert process.returncode == 1
    assert b"a worker process ended unexpectedly" in stderr and b"Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl"]


def _write_csv(path: Path, rows: list[str], ending: str = "\n") -> Path:
    path.write_bytes(ending.join(rows).encode("utf-8") + ending.encode())
    return path


def _layout(tmp_path: Path, text: str):
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    return load_mapping(tmp_path / "m.yaml")


def test_an_ignored_column_is_not_read_even_with_one_of_our_names(tmp_path) -> None:
    source = _write_csv(tmp_path / "c.csv", ["candidate_id,as_of", "S1,2020-01-01"])
    (item,) = read_items(source, _layout(tmp_path, "columns: {}\nignore: [as_of]\n"))
    assert item.payload[0] == {"candidate_id": "S1"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("columns: {coding_start: Start, course_completed_on: Start}\n", "mapped to more than one"),
        ("columns: {name: Name}\nignore: [Name]\n", "column 'Name' is both mapped and ignored"),
    ],
)
def test_a_mapping_that_reads_a_column_twice_or_not_at_all_is_refused(tmp_path, text, problem):
    with pytest.raises(InputError, match=problem):
        _layout(tmp_path, text)


def test_our_name_in_an_export_whose_mapping_reads_it_elsewhere_says_so(tmp_path) -> None:
    source = _write_csv(tmp_path / "c.csv", ["candidate_id,name,Full Name", "S1,x,y"])
    with pytest.raises(InputError) as caught:
        read_items(source, _layout(tmp_path, "columns: {name: Full Name}\n"))
    assert "the mapping reads name from 'Full Name'" in caught.value.problem
    assert caught.value.fix == "leave it out with ignore: [name], or map name to it"


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_csv_and_json_lines_are_read_with_any_line_ending(tmp_path, ending) -> None:
    source = _write_csv(tmp_path / "c.csv", ["candidate_id,name", "S1,a", "S2,b"], ending)
    rows = list(read_cohort(source))
    assert [(r.number, r.where, r.profile.data["name"]) for r in rows] == [
        (1, f"{source}:2", "a"),
        (2, f"{source}:3", "b"),
    ]
    lines = ['{"profile_version": 1, "name": "a"}', '{"profile_version": 1, "name": "b"}']
    cohort = _write_csv(tmp_path / "c.jsonl", lines, ending)
    assert [r.profile.data["name"] for r in read_cohort(cohort)] == ["a", "b"]


def test_a_quote_that_never_closes_loses_no_other_student(tmp_path) -> None:
    rows = ["candidate_id,name", "S1,a", 'S2,"b', "S3,c", "S4,d"]
    source = _write_csv(tmp_path / "c.csv", rows)
    read = list(read_cohort(source))
    assert [(r.where, r.profile is not None) for r in read] == [
        (f"{source}:2", True),
        (f"{source}:3", False),
        (f"{source}:4", True),
        (f"{source}:5", True),
    ]
    assert read[1].error.problem == "not valid CSV: a quoted cell that is never closed"


def test_a_row_that_cannot_be_parsed_keeps_its_quoted_id_and_name(tmp_path) -> None:
    # an export that quotes every cell: the error row still says whose it is
    rows = ['"candidate_id","name","highest_education"', '"S1","Smith, Jo","ged"x', '"S2","b",""']
    (broken, good) = read_cohort(_write_csv(tmp_path / "c.csv", rows))
    assert broken.who == ("S1", "Smith, Jo")
    assert broken.error.problem.startswith("not valid CSV: a quoted cell with more after")
    assert good.profile is not None


def test_a_header_column_without_a_name_is_allowed_while_its_cells_are_empty(tmp_path) -> None:
    source = _write_csv(tmp_path / "c.csv", ["candidate_id,name,,", "S1,a,,", "S2,b,,oops"])
    read = list(read_cohort(source))
    assert read[0].profile is not None
    assert read[1].error.problem == "a value in column 4, which has no name in the header"


def test_letter_on_file_is_checked_even_without_a_job(tmp_path) -> None:
    source = _write_csv(tmp_path / "c.csv", ["candidate_id,letter_on_file", "S1,maybe"])
    (row,) = read_cohort(source)
    assert row.error.place == "column letter_on_file"


def test_a_summary_that_would_overwrite_the_report_is_refused(tmp_path) -> None:
    write(tmp_path / "c.jsonl", 2, seed=1)
    result, _ = _batch(tmp_path, tmp_path / "c.jsonl", "--summary", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "the summary would overwrite the report" in result.stderr


def test_reading_json_lines_keeps_no_line_it_has_read(tmp_path) -> None:
    cohort = tmp_path / "c.jsonl"
    write(cohort, 50, seed=3)
    with cohort.open("rb") as handle:
        lines = _Lines(handle)
        assert sum(1 for _ in lines) == 50
        assert lines.taken == []  # memory stays flat: only a CSV reader may give lines back


def test_an_answer_resting_on_a_borderline_role_is_flagged_for_review(tmp_path, rulebook) -> None:
    """CONV-4 (X60): AAPC counts a year of auditing codes, so the -A comes off, but the CSV's
    review column and the JSON Lines' needs_human_review name the question a person must
    settle; once settled with a policy, nothing is flagged."""
    from eligibility.inputs.yamlio import parse_text

    profile = parse_text((PROFILES / "x60-coding-auditor.yaml").read_text(encoding="utf-8"), "x60")
    cohort = tmp_path / "c.jsonl"
    cohort.write_text(json.dumps(profile, default=str) + "\n", encoding="utf-8")
    checks = ("CPC-A-removal", "CCS-exam")
    out, lines = tmp_path / "out.csv", tmp_path / "out.jsonl"
    run_batch(read_cohort(cohort), rulebook, checks, csv_out=out, jsonl_out=lines)
    rows = {r["check"]: r for r in _csv_rows(out)}
    assert (rows["CPC-A-removal"]["status"], rows["CPC-A-removal"]["review"]) == (
        "met",
        "aapc_borderline_roles",
    )
    assert rows["CCS-exam"]["review"] == ""  # its verdict (the diploma) rests on no job
    results = json.loads(lines.read_text(encoding="utf-8").splitlines()[1])["results"]
    flagged = {r["check"]: r.get("needs_human_review", []) for r in results}
    assert [f["policy"] for f in flagged["CPC-A-removal"]] == ["aapc_borderline_roles"]
    assert flagged["CPC-A-removal"][0]["otherwise"] == [{"value": "exclude", "status": "not_met"}]
    assert flagged["CPC-A-removal"][0]["details"][0].startswith(
        "job-2 (Coding auditor at Bluewater Health Plan): reviews"
    )
    assert flagged["CCS-exam"] == []
    settled = {"aapc_borderline_roles": "exclude"}
    run_batch(read_cohort(cohort), rulebook, checks, policies=settled, csv_out=out)
    rows = {r["check"]: r for r in _csv_rows(out)}
    assert (rows["CPC-A-removal"]["status"], rows["CPC-A-removal"]["review"]) == ("not_met", "")


def test_a_yes_no_condition_in_the_shortfall_says_what_was_found(tmp_path, rulebook) -> None:
    """The shortfall names what is missing as the text answer does: a yes-or-no condition with
    what was found ('AAPC Practicode completed: no'), never its text alone, which reads as if
    it held."""
    source = tmp_path / "c.yaml"
    source.write_text((PROFILES / "c07-farah-haddad.yaml").read_text(encoding="utf-8"))
    out = tmp_path / "out.csv"
    run_batch(read_cohort(source), rulebook, ["CPC-A-removal"], csv_out=out)
    (row,) = _csv_rows(out)
    assert row["status"] == "not_met"
    parts = row["shortfall"].split("; ")
    assert parts and all(": " in part for part in parts), row["shortfall"]
    assert any(part.endswith(": no") for part in parts), row["shortfall"]


def test_a_choice_of_conditions_missing_is_one_thing_short(tmp_path, rulebook) -> None:
    """Hana (catalogue C09) lacks only 'an 80-hour course OR Practicode' on her closest pathway:
    one thing missing, as `check` says, so the summary counts her near and names her under
    that choice, though two conditions are not met."""
    source = tmp_path / "c.yaml"
    source.write_text((PROFILES / "c09-hana-sato.yaml").read_text(encoding="utf-8"))
    summary = tmp_path / "s.md"
    run_batch(read_cohort(source), rulebook, ["CPC-A-removal"], summary_out=summary)
    text = summary.read_text(encoding="utf-8")
    lines = text.splitlines()
    lack = lines.index("### Lack only: A coding course of 80 contact hours, or AAPC Practicode")
    assert lines[lack + 2].endswith("1 student: Hana Sato"), lines[lack : lack + 3]
    assert "| 0 | 1 | 0 |" in text  # met, near, not met


def test_the_summary_says_which_open_questions_the_run_settled(tmp_path, rulebook) -> None:
    """A summary lists every open question: those set for the run as chosen, the others as not
    settled (an answer one would change says it depends on it), never all as if chosen."""
    source = tmp_path / "c.yaml"
    source.write_text((PROFILES / "c09-hana-sato.yaml").read_text(encoding="utf-8"))
    said = {}
    for name, policies in (("open", {}), ("one", {"part_time_counting": "fte40"})):
        summary = tmp_path / f"{name}.md"
        run_batch(read_cohort(source), rulebook, ["CPC-A-removal"], summary_out=summary,
                  policies=policies)  # fmt: skip
        said[name] = summary.read_text(encoding="utf-8")
    assert "(chosen for this run)" not in said["open"]
    assert said["open"].count("Not settled for this run") >= 1
    assert said["one"].count("(chosen for this run)") == 1
    question = rulebook.policies["part_time_counting"].question
    assert f"{question} " in said["one"] and f"{question} Not settled" not in said["one"]


def test_an_error_row_names_every_problem_of_the_row(tmp_path, rulebook) -> None:
    """A row with two problems said the first '(and 1 more problem)', and no output said which:
    the error row, and the summary's rows not checked, name each, where it is, with its fix."""
    source = tmp_path / "c.jsonl"
    source.write_text(
        '{"name": "Two Problems", "education": {"highest_level": "bogus"},'
        ' "work_history": [{"id": "j", "start_date": "2020-13-01"}]}\n',
        encoding="utf-8",
    )
    out, summary = tmp_path / "out.csv", tmp_path / "s.md"
    run_batch(read_cohort(source), rulebook, csv_out=out, summary_out=summary)
    (row,) = _csv_rows(out)
    said = summary.read_text(encoding="utf-8")
    for text in (row["error"], said):
        assert "'bogus'" in text.replace('"', "'") and "'2020-13-01'" in text, text
        assert "more problem" not in text


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_school_export_asks_its_students_in_words_not_profile_fields(tmp_path, jobs) -> None:
    """A student of a school's export writes no profile: what its row leaves unsaid is asked
    for in flat-csv.yaml's words, not as a profile's fields; the same student given as a
    profile is still told the field to add."""
    flat = tmp_path / "c.csv"
    flat.write_text("candidate_id,name,highest_education\nS1,Jo Smith,\nS2,Al Green,\n")
    profiles = tmp_path / "c.jsonl"
    profiles.write_text('{"candidate_id": "S1", "name": "Jo Smith"}\n')
    steps = {}
    for source in (flat, profiles):
        out = tmp_path / f"{source.suffix[1:]}.csv"
        result = CliRunner().invoke(
            main,
            ["batch", str(source), "--out", str(out), "--cert", "CCS-exam", "--jobs", jobs],
        )
        assert result.exit_code == 0, result.output
        steps[source.suffix] = {row["next_step"] for row in _csv_rows(out)}
    assert steps[".csv"] == {
        "tell your program your highest education (a high school diploma, a GED, or the"
        " highest degree you hold)"
    }
    assert steps[".jsonl"] == {"add education to the profile"}


def _profile_words(text: str) -> list[str]:
    """What in ``text`` belongs to a profile file, which a school's student does not write: a
    field's name (``stated_start``), a record as a profile names it ("letter-1", "letter 1",
    "start date of job"), the file's date syntax, a YAML fragment, the profile itself."""
    from eligibility.report.answerwords import field_titles

    names = [w for w in re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", text) if w in field_titles()]
    return names + re.findall(
        r"YYYY|\bprofile\b|[{\[]|\bletter[- ]\d|\bjob-\d|\bof job\b|\(job\)", text
    )


# a school's export giving each of its date columns only to the month, then only to the year
_DATED = (
    "candidate_id,name,as_of,coding_start,coding_end,letter_on_file,letter_date,course_hours,"
    "course_completed_on,practicode_completed_on,credentials,aapc_paid_through,"
    "aapc_renewal_month\n"
    "M1,Start Month,2026-11-22,2024-11,,yes,2026-11-20,,,,CPC-A,2027-09-30,9\n"
    "Y1,Start Year,2026-11-22,2024,,yes,2026-11-20,,,,CPC-A,2027-09-30,9\n"
    "M2,End Month,2026-11-22,2022-01-01,2024-11,yes,2026-11-20,,,,CPC-A,2027-09-30,9\n"
    "Y2,End Year,2026-11-22,2022-01-01,2024,yes,2026-11-20,,,,CPC-A,2027-09-30,9\n"
    "M3,Letter Month,2026-11-22,2024-11-10,,yes,2026-11,,,,CPC-A,2027-09-30,9\n"
    "Y3,Letter Year,2026-11-22,2024-11-10,,yes,2026,,,,CPC-A,2027-09-30,9\n"
    "M4,Course Month,2026-11-22,2025-11-10,,yes,2026-11-20,80,2024-11,,CPC-A,2027-09-30,9\n"
    "Y4,Course Year,2026-11-22,,,,,80,2024,,,2027-09-30,9\n"
    "M5,Practicode Month,2026-11-22,2025-11-10,,yes,2026-11-20,,,2026-11,CPC-A,2027-09-30,9\n"
    "Y5,Practicode Year,2026-11-22,2025-11-10,,yes,2026-11-20,,,2026,CPC-A,2027-09-30,9\n"
    "M6,Paid Month,2026-11-22,,,,,,,,CPC,2026-08,8\n"
    "Y6,Paid Year,2026-11-22,,,,,,,,CPC,2026,8\n"
)


def _said_to_students(entry: object) -> list[str]:
    """The texts of a JSON Lines entry that tell a student what to do or give: steps, fixes, what
    is missing and how to give it."""
    found: list[str] = []
    if isinstance(entry, dict):
        for key, value in entry.items():
            if key in ("steps", "fix", "supply", "how", "unknown") and isinstance(value, str):
                found.append(value)
            elif key == "fact" and isinstance(value, str) and " " in value:
                found.append(value)  # what the row leaves unknown, in words (else a fact's id)
            elif key == "steps" and isinstance(value, list):
                found += [step for step in value if isinstance(step, str)]
            else:
                found += _said_to_students(value)
    elif isinstance(entry, list):
        for item in entry:
            found += _said_to_students(item)
    return found


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_school_export_asks_for_a_day_it_gives_only_to_the_month_or_year_in_words(
    tmp_path, jobs
) -> None:
    """A date cell given only as a month or a year whose day decides an answer was asked for as
    a profile's field ("the exact stated start date of letter 1 (stated_start: YYYY-MM-DD)"):
    the letter and the job are built from the row, so the student is asked in the program's
    words (flat-csv.yaml), in every report, once for a cell that fills two fields."""
    source = tmp_path / "c.csv"
    source.write_text(_DATED, encoding="utf-8")
    out, wide, lean, full = (tmp_path / name for name in ("o.csv", "w.csv", "l.jsonl", "f.jsonl"))
    for report, extra in (
        (out, ["--wide", str(wide)]),
        (lean, ["--report-format", "jsonl"]),
        (full, ["--report-format", "jsonl-full"]),
    ):
        args = ["batch", str(source), "--out", str(report), "--jobs", jobs, *extra]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    steps = {(r["candidate_id"], r["check"]): r["next_step"] for r in _csv_rows(out)}
    began = "tell your program the exact date coding work began, if a document shows it"
    assert steps[("M1", "CPC-A-removal")] == steps[("Y1", "CPC-A-removal")] == began
    assert steps[("M3", "CPC-A-removal")] == (
        "tell your program the exact date of the letter on file, if a document shows it"
    )
    assert steps[("M5", "CPC-A-removal")] == (
        "tell your program the exact date AAPC Practicode was completed, if a document shows it"
    )
    assert steps[("Y6", "CPC-exam")] == (
        "tell your program the exact day the AAPC membership is paid through, if a document"
        " shows it"
    )
    said = [*steps.values()]
    said += [
        text
        for row in _csv_rows(wide)
        for column, text in row.items()
        if column.endswith("next step")
    ]
    for report in (lean, full):
        for line in report.read_text(encoding="utf-8").splitlines():
            said += _said_to_students(json.loads(line))
    assert began in said
    assert any("date coding work began, given as 2024-11 (any day from" in text for text in said)
    for text in said:
        assert not _profile_words(text), text


def test_a_school_export_is_told_to_correct_its_row_not_a_profile(tmp_path) -> None:
    """A credential revoked as the export's row has it was answered "if AAPC's records show the
    CPC active, correct the profile: ...": a program corrects the student's row in its export;
    the same student given as a profile is still told to correct the profile."""
    flat = tmp_path / "c.csv"
    flat.write_text(
        "candidate_id,name,as_of,credentials,aapc_paid_through,aapc_renewal_month\n"
        "R1,Rev Oked,2026-11-22,CPC,2025-06-30,6\n",
        encoding="utf-8",
    )
    profile = tmp_path / "c.jsonl"
    profile.write_text(
        json.dumps(
            {
                "candidate_id": "R1",
                "name": "Rev Oked",
                "as_of": "2026-11-22",
                "credentials": [{"id": "CPC"}],
                "memberships": [
                    {"organization": "AAPC", "paid_through": "2025-06-30", "renewal_month": 6}
                ],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    said: dict[tuple[str, str], list[str]] = {}
    for source in (flat, profile):
        for form in ("jsonl", "jsonl-full"):
            out = tmp_path / f"{source.suffix[1:]}-{form}.jsonl"
            args = ["batch", str(source), "--out", str(out), "--cert", "CPC-renewal"]
            result = CliRunner().invoke(main, [*args, "--report-format", form])
            assert result.exit_code == 0, result.output
            lines = out.read_text(encoding="utf-8").splitlines()
            said[source.suffix, form] = [
                text for line in lines for text in _said_to_students(json.loads(line))
            ]
    for form in ("jsonl", "jsonl-full"):
        assert any("correct the profile" in text for text in said[".jsonl", form])
        assert (
            "if AAPC's records show the CPC active, correct the student's row in the export to"
            " match them (its AAPC paid-through date) and check the student again"
        ) in said[".csv", form]
        for text in said[".csv", form]:
            assert not _profile_words(text), text


def test_every_step_a_school_export_can_ask_of_its_students_is_in_words() -> None:
    """Whatever the bundled rules ask a student to supply or to correct, a student of a school's
    export is asked in words: no profile field, no YAML; and so is every date of the export's
    row given only to the month or to the year."""
    from eligibility.engine.unstated import readings
    from eligibility.inputs.cohort import DATE_FIELDS, flat_meaning, profile_from_flat
    from eligibility.rulebook.rules import load_rulebook

    book = load_rulebook(None)
    meaning = flat_meaning(None)
    restated = (
        book.with_supply(meaning.supply)
        .with_corrections(meaning.corrects)
        .with_dates(meaning.date_ask, meaning.field_dates)
    )
    checks = [
        check
        for credential in restated.credentials
        for version in credential.versions
        for check in version.checks
    ]
    said = {
        text
        for check in checks
        for part in (check.requires, check.recommends)
        if part is not None
        for node in part.walk()
        for _, text in node.supply
    }
    corrections = {
        step.text
        for check in checks
        for _, steps in check.standing_fix
        for step in steps
        if step.corrects
    }
    assert said and corrections
    # every date column given only to the month, and only to the year
    for day in ("2024-11", "2024"):
        row = dict.fromkeys(
            (
                "coding_start", "coding_end", "letter_date", "course_completed_on",
                "practicode_completed_on", "aapc_paid_through",
            ),
            day,
        )  # fmt: skip
        row.update(candidate_id="S1", letter_on_file="yes", course_hours="80")
        data, _ = profile_from_flat(row, "c.csv:2", meaning=meaning)
        found = readings(data, date(2026, 11, 22), restated.date_ask, restated.date_words)
        # one unknown for each profile date the columns fill (coding_start two: job and letter)
        filled = sum(len(fields) for fields in DATE_FIELDS.values())
        assert found is not None and len(found.unknowns) == filled
        said |= {text for u in found.unknowns for text in (u.named, u.how, u.about)}
    for text in said | corrections:
        assert not _profile_words(text), text


def test_what_is_missing_says_how_each_condition_without_a_number_stands(tmp_path) -> None:
    """The shortfall column lists what the closest pathway lacks: a condition with no number
    says how it stands, or the list reads as if it held (a coordinator's audit: "AAPC
    membership dues are paid for the current year; The date you were certified is known")."""
    source = ROOT / "rules" / "tests" / "profiles" / "x34-aapc-dues-unpaid-no-type.yaml"
    out = tmp_path / "report.csv"
    command = [
        "batch",
        str(source),
        "--out",
        str(out),
        "--cert",
        "CPC-renewal",
        "--as-of",
        "2026-11-22",
    ]
    result = CliRunner().invoke(main, command, catch_exceptions=False)
    assert result.exit_code == 0, result.output  # every row checked
    (row,) = _csv_rows(out)
    assert row["status"] == "not_met"
    assert row["shortfall"] == "AAPC membership dues are paid for the current year: no"


def test_an_eligible_by_date_an_open_question_moves_says_so_in_every_output(
    tmp_path, rulebook
) -> None:
    """A student coding 36 hours a week: the date is the default reading's (calendar time), so
    the next step gives the date under the other readings, the summary's calendar marks the
    name, and JSON gives the readings (program audit H2; rule case Z97 for ``check``)."""
    cohort = tmp_path / "c.jsonl"
    profile = yaml.safe_load(
        (ROOT / "rules/tests/profiles/z97-part-time-eligible-by.yaml").read_text()
    )
    cohort.write_text(json.dumps({**profile, "as_of": "2026-11-22"}, default=str) + "\n")
    out, lines, summary = tmp_path / "r.csv", tmp_path / "r.jsonl", tmp_path / "s.md"
    run_batch(
        read_cohort(cohort), rulebook, ["CPC-full"], csv_out=out, jsonl_out=lines,
        summary_out=summary, jsonl_full=True,
    )  # fmt: skip
    (row,) = _csv_rows(out)
    assert row["eligible_by"] == "2026-11-30"
    assert "2027-02-20 if part-time work is pro-rated to a 40-hour week" in row["next_step"]
    assert "Lukasz (default reading)" in summary.read_text(encoding="utf-8").split("## Calendar")[1]
    (entry,) = [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    (result,) = entry["results"]
    assert result["eligible_by"]["readings"] == [
        {"policy": "part_time_counting", "value": "fte40", "date": "2027-02-20"}
    ]
    # a run that settles the question gives that reading's date, with nothing to add
    run_batch(
        read_cohort(cohort), rulebook, ["CPC-full"], policies={"part_time_counting": "fte40"},
        csv_out=out,
    )  # fmt: skip
    (row,) = _csv_rows(out)
    assert row["eligible_by"] == "2027-02-20" and "rests on" not in row["next_step"]


def test_what_is_not_known_is_named_in_the_shortfall_not_said_as_if_it_held(tmp_path) -> None:
    """A coordinator's audit (L1): a CSV holder's renewal listed "The month your AAPC membership
    renews is known (...): not known; The date you were certified is known (...): not known",
    condition texts capitalised mid-list that read as if they held. A condition not known is
    named by what it measures."""
    source, out = tmp_path / "export.csv", tmp_path / "report.csv"
    source.write_text(
        "candidate_id,name,as_of,coding_start,letter_on_file,credentials,aapc_paid_through\n"
        "S1,Julia Brooks,2026-11-22,2020-01-01,yes,CPC,2026-10-31\n",
        encoding="utf-8",
    )
    args = ["batch", str(source), "--out", str(out), "--cert", "CPC-renewal"]
    assert CliRunner().invoke(main, args).exit_code == 0
    (row,) = _csv_rows(out)
    assert row["shortfall"] == (
        "AAPC membership dues are paid for the current year: no; renewal month: not known;"
        " date of certification (the earliest pass or award date of your AAPC credentials):"
        " not known"
    )
