"""Nothing lost, nothing crashes: each defect of the "nothing lost" issue, pinned by a test.

A student the program fails on costs one error row, never the cohort; input that once crashed the
program is refused with one message (file, place, fix) or answered plainly; outputs never destroy
inputs; interruptions leave nothing behind; one input's cost stays bounded.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from benchmarks.generate import many_records, profile, write
from eligibility import batch as batch_module
from eligibility import facts
from eligibility.api import check_profile
from eligibility.batch import STDOUT, _checker, atomic_writer, run_batch
from eligibility.cli import main
from eligibility.errors import InputError, printable
from eligibility.facts import kinds
from eligibility.inputs.cohort import read_cohort, read_items
from eligibility.inputs.profiles import load_profile, profile_from_data
from eligibility.rulebook.rules import load_rulebook
from tests.conftest import PROFILES, ROOT, process_group

HANA = PROFILES / "c09-hana-sato.yaml"
BOOM = "S004321"  # the student the program is made to fail on


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _run(*args: str, stdin: str | None = None):
    result = CliRunner().invoke(main, list(args), input=stdin)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def fresh() -> None:
    """Rule books and checkers made anew on next use."""
    load_rulebook.cache_clear()
    _checker.cache_clear()


@pytest.fixture
def failing_student(monkeypatch):
    """A fault of the program for one student only (every kind of fact raises for BOOM)."""
    failing = {BOOM}  # a test may name another student

    def failing_kind(kind):
        def fails(context, definition):
            if context.profile.get("candidate_id") in failing:
                raise ZeroDivisionError("injected for the test")
            return kind.derive(context, definition)

        return replace(kind, derive=fails)

    for name, kind in list(kinds.KINDS.items()):
        monkeypatch.setitem(kinds.KINDS, name, failing_kind(kind))
    # a rule book loaded earlier in this process looked its kinds' derivations up already
    # (FactBook.steps, once per set of facts read): the fault must meet a book that looks anew
    fresh()
    yield failing
    fresh()


def _cohort(tmp_path: Path, kind: str, count: int) -> Path:
    """The same generated students as JSON Lines, CSV, a YAML stream or a folder of files
    (YAML written by libyaml's dumper: the pure-Python one would take most of the test)."""
    if kind in ("jsonl", "csv"):
        path = tmp_path / f"c.{kind}"
        write(path, count, seed=11, flat=kind == "csv")
        return path
    rng = random.Random(11)
    texts = [
        yaml.dump(profile(rng, number), Dumper=yaml.CSafeDumper, sort_keys=False)
        for number in range(1, count + 1)
    ]
    if kind == "yaml":
        path = tmp_path / "c.yaml"
        path.write_text("".join("---\n" + text for text in texts), encoding="utf-8")
        return path
    folder = tmp_path / "dir"
    folder.mkdir()
    for number, text in enumerate(texts, start=1):
        (folder / f"{number:06d}.yaml").write_text(text, encoding="utf-8")
    return folder


# --- 1. isolation per student ------------------------------------------------------------------


@pytest.fixture(scope="module")
def ten_thousand(tmp_path_factory) -> dict[str, Path]:
    """A 10,000-student cohort in each format, made once for every test of this module."""
    folder = tmp_path_factory.mktemp("cohorts")
    return {kind: _cohort(folder, kind, 10_000) for kind in ("jsonl", "csv", "yaml", "dir")}


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("kind", ["jsonl", "csv", "yaml", "dir"])
def test_a_student_the_program_fails_on_is_one_error_row_of_ten_thousand(
    tmp_path, ten_thousand, failing_student, kind, jobs
) -> None:
    source = ten_thousand[kind]
    out, summary = tmp_path / "o.csv", tmp_path / "s.md"
    result = _run(
        "batch", str(source), "--out", str(out), "--summary", str(summary),
        "--cert", "CPC-exam", "--jobs", jobs,
    )  # fmt: skip
    assert result.exit_code == 1  # the documented "some rows could not be checked"
    rows = _rows(out)
    errors = [r for r in rows if r["status"] == "error"]
    assert len(errors) == 1 and len(rows) == 10_000
    (error,) = errors
    assert error["candidate_id"] == BOOM
    assert "this is a fault of the program" in error["error"]
    assert "ZeroDivisionError: injected for the test" in error["error"]
    assert "please report it" in error["error"]
    assert {int(r["row"]) for r in rows} == set(range(1, 10_001))
    text = summary.read_text(encoding="utf-8")
    assert "Rows read: 10000. Checked: 9999. Not checked (errors): 1. Counts reconcile." in text


def test_a_student_the_program_fails_on_costs_one_row_of_a_jsonl_report(
    tmp_path, failing_student, rulebook
) -> None:
    failing_student.clear()
    failing_student.add("S000150")
    write(tmp_path / "c.jsonl", 300, seed=11)
    out = tmp_path / "o.jsonl"
    tally = run_batch(read_items(tmp_path / "c.jsonl"), rulebook, ["CCA"], jsonl_out=out)
    assert (tally.rows, tally.checked, tally.error_count) == (300, 299, 1)
    header, *lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert header["kind"] == "header" and len(lines) == 300
    assert [line["profile"]["candidate_id"] for line in lines if "error" in line] == ["S000150"]


def test_check_answers_the_other_profiles_when_the_program_fails_on_one(
    tmp_path, failing_student
) -> None:
    crash = tmp_path / "crash.yaml"
    data = yaml.safe_load(HANA.read_text(encoding="utf-8"))
    crash.write_text(yaml.safe_dump({**data, "candidate_id": BOOM}), encoding="utf-8")
    other = PROFILES / "c01-ana-torres.yaml"
    result = _run("check", str(HANA), str(crash), str(other), "--cert", "CPC-A-removal")
    assert result.exit_code == 2  # some profile got no answer
    assert "Hana Sato" in result.stdout and "Ana Torres" in result.stdout
    assert f"error: {crash}: this is a fault of the program" in result.stderr
    assert "ZeroDivisionError" in result.stderr


# --- 2. the CSV letter date --------------------------------------------------------------------


def _flat(tmp_path: Path, name: str, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / name
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _answers(path: Path) -> dict[tuple[str, str], tuple[str, str, str]]:
    return {
        (r["candidate_id"], r["check"]): (r["status"], r["failed"], r["shortfall"])
        for r in _rows(path)
    }


def test_a_cohort_without_as_of_and_with_as_of_option_answers_as_one_with_an_as_of_column(
    tmp_path,
) -> None:
    write(tmp_path / "g.csv", 200, seed=12, flat=True)
    generated = _rows(tmp_path / "g.csv")
    for row in generated:  # letters on file for jobs still running, the case that went wrong
        if row["coding_start"]:
            row["coding_end"], row["letter_on_file"] = "", "yes"
    day = "2026-06-30"
    without = _flat(tmp_path, "without.csv", [{**r, "as_of": ""} for r in generated])
    with_column = _flat(tmp_path, "with.csv", [{**r, "as_of": day} for r in generated])
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    _run("batch", str(without), "--out", str(first), "--as-of", day)
    _run("batch", str(with_column), "--out", str(second))
    assert _answers(first) == _answers(second)
    documented = [
        r
        for r in _rows(first)
        if r["check"] == "CPC-full" and "option-1-letters" not in r["failed"]
    ]
    assert documented  # letters that vouch for more than one day of work
    assumed = {r["assumed"] for r in _rows(first) if r["status"] != "error"}
    assert any(f"the letter on file is taken to be dated {day}" in a for a in assumed)
    reports = tmp_path / "a.jsonl"
    _run("batch", str(without), "--out", str(reports), "--as-of", day, "--cert", "CPC-full")
    said = [json.loads(line)["profile"].get("assumed", []) for line in list(reports.open())[1:]]
    assert any(f"taken to be dated {day}" in text for texts in said for text in texts)


def test_a_letter_is_dated_from_the_letter_date_column_and_never_after_today(tmp_path) -> None:
    # an empty coding_end: the job goes on, and nothing is assumed of it
    row = {
        "candidate_id": "L1", "coding_start": "2023-01-01", "coding_end": "",
        "letter_on_file": "yes", "code_sets": "CPT",
    }  # fmt: skip
    dated = _flat(tmp_path, "dated.csv", [{**row, "letter_date": "2024-01-01"}])
    future = _flat(tmp_path, "future.csv", [{**row, "letter_date": ""}])
    out = tmp_path / "o.csv"
    _run("batch", str(dated), "--out", str(out), "--cert", "CPC-full", "--as-of", "2026-01-01")
    (answer,) = _rows(out)
    assert (
        "experience documented by letters that meet AAPC's rules: 12 months" in answer["shortfall"]
    )
    assert answer["assumed"] == ""
    _run("batch", str(future), "--out", str(out), "--cert", "CPC-full", "--as-of", "2199-01-01")
    (answer,) = _rows(out)
    assert f"taken to be dated {date.today().isoformat()}" in answer["assumed"]


# --- 3. input that crashed the program --------------------------------------------------------


def _profile(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


COMPLIANT_LETTER = """  - author_role: employer
    on_letterhead: true
    hand_signed: true
    letter_date: 2025-06-01
    stated_start: 2023-01-01
    states_to_present: true
    contact_info_present: true
    format: pdf_non_editable
"""


def test_a_job_without_id_and_a_letter_naming_no_job_are_answered(tmp_path) -> None:
    path = _profile(
        tmp_path,
        "name: A\nas_of: 2026-01-01\nwork_history:\n"
        "  - {start_date: 2023-01-01, directly_assigns_codes: true, code_sets: [CPT]}\n"
        "verification_letters:\n" + COMPLIANT_LETTER,
    )
    result = _run("check", str(path), "--cert", "CPC-full")
    assert result.exit_code == 0, result.output  # 36 months worked, 29 documented
    assert (
        "experience documented by letters that meet AAPC's rules: 2 years 5 months" in result.stdout
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "credentials:\n  - id: CCS\n    recert_cycles:\n      - {start: 2024-01-01, end: 9999-12-31}\n",
            "line 5 ($.credentials[0].recert_cycles[0].end): 9999-12-31 is outside the dates"
            " this tool works with (1900-01-01 to 2199-12-31)",
        ),
        ("as_of: 1899-12-31\n", "1899-12-31 is outside the dates this tool works with"),
        ("name: !!binary aGVsbG8=\n", "line 1, column 7: the YAML tag !!binary is not accepted"),
        ("credentials: !!set {CPC}\n", "line 2, column 14: the YAML tag !!set is not accepted"),
        ("as_of: !!timestamp 2020-01-01\n", "the YAML tag !!timestamp is not accepted"),
        ("name: !!python/object:os.system x\n", "the YAML tag !!python/object:os.system"),
        ("name: !mine x\n", "the YAML tag !mine is not accepted"),
        (
            "work_history:\n  - {start_date: 2020-01-01, directly_assigns_codes: true,"
            " code_sets: [CPT], hours_per_week: .nan}\n",
            ".nan is not a number (NaN and infinity are not accepted)",
        ),
        ("ceus:\n  - {completion_date: 2024-01-01, ceus: .inf}\n", ".inf is not a number"),
        ("note: " + "[" * 1500 + "]" * 1500 + "\n", "exceeded maximum nesting depth"),
        ("[a, b]: 1\n", "line 2, column 1: a key is a list or a mapping"),
        ("profile_version: " + "9" * 5000 + "\n", "a number of 5,000 digits"),
        (
            "credentials:\n  - id: CPC\n  - id: cpc\n",
            "line 4 ($.credentials[1].id): the credential 'cpc' is listed twice",
        ),
        # was "line 1 ($.None): unknown field None": the wrong line, and Python's word
        ("~: c\n", "line 2, column 1: a key is '~', which YAML reads as no name at all"),
    ],
)
def test_input_that_crashed_is_one_message_with_its_place(tmp_path, text, message) -> None:
    path = _profile(tmp_path, "name: X\n" + text if not text.startswith("name") else text)
    result = _run("check", str(path), "--cert", "CPC-exam")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: ")
    assert message in result.stderr and "fix: " in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"name": "A", "name": "B"}', "the key 'name' is given twice in one object"),
        ('{"name": "A", "as_of": NaN}', "NaN is not a number"),
        (
            '{"work_history": [{"start_date": "2020-01-01", "directly_assigns_codes": true,'
            ' "code_sets": ["CPT"], "hours_per_week": 1e999}]}',
            "1e999 is not a number",
        ),
        ("[" * 100_000, "nested too deeply"),
        ('{"profile_version": ' + "9" * 5000 + "}", "a number of 5,000 digits"),
    ],
)
def test_a_json_profile_is_read_as_strictly_as_yaml(tmp_path, text, message) -> None:
    path = _profile(tmp_path, text, "p.json")
    result = _run("check", str(path))
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"])
def test_an_as_of_outside_the_range_is_a_usage_error(day) -> None:
    result = _run("check", str(HANA), "--as-of", day)
    assert result.exit_code == 2
    assert f"{day} is outside the dates this tool works with" in result.output


def test_the_api_refuses_an_evaluation_date_outside_the_range(rulebook) -> None:
    with pytest.raises(InputError, match="outside the dates this tool works with"):
        check_profile(load_profile(HANA), ["CPC-exam"], date(9999, 12, 31), rulebook=rulebook)


def test_a_python_caller_gets_nan_refused(rulebook) -> None:
    data = yaml.safe_load(HANA.read_text(encoding="utf-8"))
    data["work_history"][0]["hours_per_week"] = float("nan")
    with pytest.raises(InputError, match=r"\$\.work_history\[0\]\.hours_per_week.*not a number"):
        profile_from_data(data, "caller")


def test_a_rule_nested_too_deep_names_its_place(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ELIGIBILITY_NO_CACHE", "1")
    rules = tmp_path / "rules"
    _copy_rules(rules)
    path = rules / "aapc" / "crc.yaml"
    deep = '{"and": [' * 300 + "true" + "]}" * 300
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("logic: {", f"logic: {deep}\n    #", 1), encoding="utf-8")
    result = _run("list", "--rules", str(rules))
    assert result.exit_code == 2
    assert f"error: {path}: line " in result.stderr and "nested more than 64 levels deep" in (
        result.stderr
    )


def _copy_rules(target: Path) -> None:
    for source in (ROOT / "rules").rglob("*.yaml"):
        copy = target / source.relative_to(ROOT / "rules")
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(source.read_bytes())


# --- 3b. NaN and infinity, and check and batch agreeing on them ---------------------------------


def test_nan_hours_are_refused_by_check_and_by_batch_alike(tmp_path) -> None:
    data = yaml.safe_load(HANA.read_text(encoding="utf-8"))
    text = yaml.safe_dump(data).replace("hours_per_week: 40", "hours_per_week: .nan")
    assert ".nan" in text
    single = _profile(tmp_path, text)
    stream = _profile(tmp_path, "---\n" + text, "c.yaml")
    checked = _run("check", str(single))
    batched = _run("batch", str(stream), "--out", str(tmp_path / "o.csv"))
    assert checked.exit_code == 2 and "not a number" in checked.stderr
    (row,) = _rows(tmp_path / "o.csv")
    assert row["status"] == "error" and "not a number" in row["error"]
    assert batched.exit_code == 1


@pytest.mark.parametrize(
    ("cells", "column", "anchor"),
    [
        (
            {"aapc_renewal_month": "9", "credentials": "CPC"},
            "aapc_renewal_month",
            "aapc_paid_through",
        ),
        ({"hours_per_week": "1000"}, "hours_per_week", "coding_start"),
        ({"coding_end": "2025-01-31"}, "coding_end", "coding_start"),
        ({"code_sets": "CPT"}, "code_sets", "coding_start"),
        ({"letter_on_file": "yes"}, "letter_on_file", "coding_start"),
        ({"course_topics": "pharmacology"}, "course_topics", "course_hours"),
        ({"course_completed_on": "2025-01-31"}, "course_completed_on", "course_hours"),
    ],
)
def test_a_csv_cell_that_would_describe_nothing_is_an_error_not_dropped(
    tmp_path, cells, column, anchor
) -> None:
    """A renewal month with no paid-through date made no membership, so the month was dropped
    and the answer asked for it ("give renewal month"); hours with no job start went the same
    way. docs/batch.md: nothing in an export is dropped without a word."""
    source = _flat(tmp_path, "c.csv", [{"candidate_id": "D1", "as_of": "2026-11-22", **cells}])
    _run("batch", str(source), "--out", str(tmp_path / "o.csv"))
    (row,) = _rows(tmp_path / "o.csv")
    assert row["status"] == "error"
    assert row["error"].startswith(f"column {column}: {column} is given but {anchor} is empty")
    assert f"give {anchor}, or empty {column}" in row["error"]


def test_a_csv_row_without_the_student_s_id_is_an_error_row(tmp_path) -> None:
    """docs/batch.md: candidate_id is the one column required; a row with it empty was
    checked with a blank id, which no program could match back to a student."""
    source = _flat(tmp_path, "c.csv", [{"candidate_id": "", "name": "Ann"}, {"candidate_id": "B"}])
    _run("batch", str(source), "--out", str(tmp_path / "o.csv"))
    rows = _rows(tmp_path / "o.csv")
    first = [r for r in rows if r["row"] == "1"]
    assert len(first) == 1 and first[0]["status"] == "error" and first[0]["name"] == "Ann"
    assert first[0]["error"].startswith("column candidate_id: the student's id is empty")
    assert {r["status"] for r in rows if r["row"] == "2"} != {"error"}


def test_a_header_that_differs_only_in_capitals_says_so(tmp_path) -> None:
    source = tmp_path / "c.csv"
    source.write_text("Candidate_ID,name\nS1,Ann\n", encoding="utf-8")
    result = _run("batch", str(source), "--out", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "the header has 'Candidate_ID', which differs only in capitals" in result.stderr


@pytest.mark.parametrize("text", ["\n\ncandidate_id,name\nS1,Ann\n", ""], ids=["blank", "empty"])
def test_blank_lines_before_the_header_are_named(tmp_path, text) -> None:
    """They gave "line 1: no column 'candidate_id'", which the header a person sees has."""
    source = tmp_path / "c.csv"
    source.write_text(text, encoding="utf-8")
    result = _run("batch", str(source), "--out", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    if text:
        assert (
            "line 1: the first line is empty: a CSV export starts with its header" in result.stderr
        )
    else:  # a coordinator's audit: an empty file was told to remove blank lines
        assert "the file is empty: no header and no student" in result.stderr


def test_a_csv_cell_that_is_infinite_is_not_a_number(tmp_path) -> None:
    source = _flat(
        tmp_path,
        "c.csv",
        [{"candidate_id": "N1", "coding_start": "2022-01-01", "hours_per_week": "1.0e999"}],
    )
    _run("batch", str(source), "--out", str(tmp_path / "o.csv"))
    (row,) = _rows(tmp_path / "o.csv")
    assert row["error"].startswith("column hours_per_week: '1.0e999' is not a number")


# --- 4. outputs never destroy inputs -----------------------------------------------------------


@pytest.mark.parametrize("option", ["--out", "--summary"])
def test_an_output_that_is_the_input_is_refused_however_it_is_spelt(tmp_path, option) -> None:
    write(tmp_path / "c.csv", 5, seed=1, flat=True)
    before = (tmp_path / "c.csv").read_bytes()
    (tmp_path / "link.csv").symlink_to(tmp_path / "c.csv")
    for spelling in (str(tmp_path / "c.csv"), f"{tmp_path}/./c.csv", str(tmp_path / "link.csv")):
        args = ["--out", str(tmp_path / "o.csv"), "--summary", str(tmp_path / "s.md")]
        args[args.index(option) + 1] = spelling
        result = _run("batch", str(tmp_path / "c.csv"), *args)
        assert result.exit_code == 2
        assert "would overwrite the input" in result.stderr
    assert (tmp_path / "c.csv").read_bytes() == before


def test_a_mapping_file_is_not_overwritten_either(tmp_path) -> None:
    write(tmp_path / "c.csv", 3, seed=1, flat=True)
    mapping = tmp_path / "map.csv"  # an odd name, but an input
    mapping.write_text("columns: {}\n", encoding="utf-8")
    result = _run(
        "batch", str(tmp_path / "c.csv"), "--mapping", str(mapping), "--out", str(mapping)
    )
    assert result.exit_code == 2 and "the report would overwrite the input" in result.stderr
    assert mapping.read_text(encoding="utf-8") == "columns: {}\n"


def test_no_output_is_written_among_the_files_a_folder_input_reads(tmp_path) -> None:
    """A folder cohort's profiles and the rule book's files are inputs too: a --summary named
    after a profile replaced that student's profile, and one named policies.yaml in --rules
    replaced the rule book's file, with exit status 1 and "Wrote ...". A file such a folder does
    not read (a report, a summary.md) may still be written there."""
    cohort, rules = tmp_path / "cohort", tmp_path / "rules"
    cohort.mkdir()
    shutil.copy(PROFILES / "c09-hana-sato.yaml", cohort)
    shutil.copytree(ROOT / "rules", rules)
    before = {p: p.read_bytes() for folder in (cohort, rules) for p in folder.rglob("*.yaml")}
    out = ["--out", str(tmp_path / "o.csv"), "--rules", str(rules)]
    for target in (
        cohort / "c09-hana-sato.yaml",
        cohort / "new.json",
        rules / "policies.yaml",
        rules / "aapc" / "new.yaml",
    ):
        result = _run("batch", str(cohort), *out, "--summary", str(target))
        assert result.exit_code == 2, result.output
        assert (
            f"among the files read from the folder {rules if rules in target.parents else cohort}"
            in result.stderr
        )
        assert not (cohort / "new.json").exists() and not (rules / "aapc" / "new.yaml").exists()
    assert {p: p.read_bytes() for p in before} == before
    inside = ["--out", str(cohort / "report.csv"), "--summary", str(cohort / "summary.md")]
    assert _run("batch", str(cohort), "--rules", str(rules), *inside).exit_code == 0
    assert (cohort / "report.csv").exists() and (cohort / "summary.md").exists()


def test_a_fifo_at_an_output_path_is_refused_and_left_alone(tmp_path) -> None:
    write(tmp_path / "c.jsonl", 3, seed=1)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for option in ("--out", "--summary"):  # the summary's message said "the report"
        args = {"--out": str(tmp_path / "o.csv"), "--summary": str(tmp_path / "s.md")}
        args[option] = str(fifo)
        result = _run("batch", str(tmp_path / "c.jsonl"), *[a for p in args.items() for a in p])
        assert result.exit_code == 2
        assert "is not a file (a pipe or a device), which the file written there" in result.stderr
        assert "report" not in result.stderr
    assert fifo.is_fifo()


def test_a_full_disk_names_the_file_whose_write_failed(tmp_path, rulebook, monkeypatch) -> None:
    write(tmp_path / "c.jsonl", 600, seed=2)
    report, summary = tmp_path / "o.csv", tmp_path / "s.md"
    real = batch_module.tempfile.NamedTemporaryFile

    class Full(io.StringIO):
        name = ""

        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    def temporary(*args, **kwargs):
        handle = real(*args, **kwargs)
        if kwargs["prefix"].startswith(".o.csv."):  # the report's disk is full
            full = Full()
            full.name = handle.name
            handle.close()
            return full
        return handle

    monkeypatch.setattr(batch_module.tempfile, "NamedTemporaryFile", temporary)
    with pytest.raises(InputError) as raised:
        run_batch(read_items(tmp_path / "c.jsonl"), rulebook, csv_out=report, summary_out=summary)
    assert raised.value.file == str(report)
    assert "No space left on device" in raised.value.problem
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [["check", str(HANA)], ["check", str(HANA), "--format", "json"], ["list"], ["policies"]],
)
def test_standard_output_that_cannot_be_written_is_one_line_and_exit_2(args) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "eligibility", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        "error: the output could not be written: No space left on device"
    ]


def test_a_formula_in_a_name_is_written_as_text(tmp_path) -> None:
    source = _flat(
        tmp_path,
        "c.csv",
        [
            {"candidate_id": "F1", "name": '=HYPERLINK("http://x","y")'},
            {"candidate_id": "-F2", "name": "@SUM(A1)"},
            {"candidate_id": "+F3", "name": "Plain Name"},
        ],
    )
    _run("batch", str(source), "--out", str(tmp_path / "o.csv"), "--cert", "CPC-exam")
    names = {(r["candidate_id"], r["name"]) for r in _rows(tmp_path / "o.csv")}
    assert names == {
        ("F1", '\'=HYPERLINK("http://x","y")'),
        ("'-F2", "'@SUM(A1)"),
        ("'+F3", "Plain Name"),
    }


def test_control_characters_in_a_name_do_not_reach_the_terminal(tmp_path) -> None:
    path = _profile(tmp_path, 'name: "Eve\\e]0;owned\\a\\e[2J"\nas_of: 2026-01-01\n')
    result = _run("check", str(path))
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Eve\\x1b]0;owned\\x07\\x1b[2J" in result.stdout
    assert printable("tab\there") == "tab\\x09here"


# --- 5. interruptions ---------------------------------------------------------------------------


def _wait_for(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.01)


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return status.split(")")[-1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc for the workers")
def test_workers_end_when_their_batch_is_killed_and_the_next_run_clears_its_leftovers(tmp_path):
    cohort, out = tmp_path / "c.jsonl", tmp_path / "o.csv"
    write(cohort, 6000, seed=22)
    command = [sys.executable, "-m", "eligibility", "batch", str(cohort), "--out", str(out)]
    with process_group([*command, "--jobs", "2"]) as process:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        _wait_for(lambda: len(children.read_text().split()) >= 2, "the two workers")
        workers = [int(pid) for pid in children.read_text().split()]
        os.kill(process.pid, signal.SIGKILL)  # the batch alone, not its process group
        process.wait()
        _wait_for(lambda: not any(_alive(pid) for pid in workers), "the workers to end", 10)
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".o.csv.")]
    assert left and all(".eligibility-" in name for name in left)  # recognisably ours
    mine = tmp_path / ".o.csv.someone-elses.tmp"
    mine.write_text("not ours\n", encoding="utf-8")
    write(tmp_path / "small.jsonl", 3, seed=1)
    assert _run("batch", str(tmp_path / "small.jsonl"), "--out", str(out)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".o.csv.someone-elses.tmp", "c.jsonl", "o.csv", "small.jsonl",
    ]  # fmt: skip


@pytest.mark.parametrize("command", ["batch", "check"])
def test_ctrl_c_exits_130_without_a_traceback(tmp_path, command) -> None:
    write(tmp_path / "c.jsonl", 4000, seed=23)
    out = tmp_path / "o.csv"
    if command == "batch":
        args = ["batch", str(tmp_path / "c.jsonl"), "--out", str(out)]
    else:
        args = ["check", *[str(HANA)] * 3000]
    # as a terminal's foreground job gets it: Ctrl-C not ignored, even when these tests run
    # in the background (which starts every child with SIGINT ignored)
    with process_group(
        [sys.executable, "-m", "eligibility", *args],
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    ) as process:
        time.sleep(1.5)
        os.killpg(process.pid, signal.SIGINT)  # as a terminal sends it: the whole group
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert b"Traceback" not in stderr
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".o")]


def test_sigterm_ends_a_batch_blocked_reading_its_input(tmp_path) -> None:
    fifo = tmp_path / "c.jsonl"
    os.mkfifo(fifo)
    out = tmp_path / "o.csv"
    command = [sys.executable, "-m", "eligibility", "batch", str(fifo), "--out", str(out)]
    with process_group(command) as process:
        writer = os.open(fifo, os.O_WRONLY)  # the batch is reading; nothing comes
        try:
            _wait_for(lambda: any(p.name.startswith(".o.csv.") for p in tmp_path.iterdir()), "it")
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=20)
        finally:
            os.close(writer)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert b"stopped: no report written" in stderr and b"Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_ends_a_batch_waiting_for_its_first_line_on_standard_input(tmp_path, sig) -> None:
    out = tmp_path / "o.csv"
    out.write_text("previous report\n", encoding="utf-8")
    command = [sys.executable, "-m", "eligibility", "batch", "-", "--out", str(out)]
    with process_group(command, stdin=subprocess.PIPE) as process:  # open; nothing comes
        time.sleep(2)  # loading the rules, or already reading: both must stop
        os.killpg(process.pid, sig) if sig == signal.SIGINT else process.send_signal(sig)
        try:
            _, stderr = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            pytest.fail("the batch went on waiting for its input after the stop")
    assert process.returncode == 128 + sig, stderr
    assert b"stopped: no report written" in stderr and b"Traceback" not in stderr
    assert out.read_text(encoding="utf-8") == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv"]


# --- 6. bounded cost -----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["profile", "config", "mapping"])
def test_an_endless_input_is_refused_at_its_size_limit(tmp_path, where) -> None:
    write(tmp_path / "c.csv", 2, seed=1, flat=True)
    args = {
        "profile": ["check", "/dev/zero"],
        "config": ["check", str(HANA), "--config", "/dev/zero"],
        "mapping": ["batch", str(tmp_path / "c.csv"), "--out", str(tmp_path / "o.csv"),
                    "--mapping", "/dev/zero"],
    }[where]  # fmt: skip
    result = _run(*args)
    assert result.exit_code == 2
    assert "error: /dev/zero: larger than 1 MiB" in result.stderr


def test_a_line_longer_than_the_limit_is_an_error_row_and_the_rest_are_read(tmp_path) -> None:
    write(tmp_path / "c.jsonl", 3, seed=1)
    lines = (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()
    lines.insert(1, '{"name": "' + "x" * (1 << 21) + '"}')
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run("batch", str(tmp_path / "c.jsonl"), "--out", str(tmp_path / "o.csv"))
    assert result.exit_code == 1
    rows = _rows(tmp_path / "o.csv")
    errors = [r for r in rows if r["status"] == "error"]
    assert [r["row"] for r in errors] == ["2"] and "a line longer than" in errors[0]["error"]
    assert {r["row"] for r in rows} == {"1", "2", "3", "4"}


def test_jobs_beyond_the_cores_are_capped_with_a_note(tmp_path) -> None:
    write(tmp_path / "c.jsonl", 20, seed=1)
    result = _run(
        "batch", str(tmp_path / "c.jsonl"), "--out", str(tmp_path / "o.csv"),
        "--jobs", str(10**30), "--cert", "CCA",
    )  # fmt: skip
    assert result.exit_code == 0
    cores = batch_module.worker_count(10**30)
    assert f"is more than the {cores} cores this machine gives; using {cores}" in result.stderr


def _work(profile: dict) -> int:
    """Python lines run to derive every fact of ``profile`` under each part-time policy: work
    done, counted, never timed."""
    book = load_rulebook()
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        for counting in ("calendar", "fte40"):
            policies = {**book.default_policies(), "part_time_counting": counting}
            facts.derive(profile, date(2026, 11, 22), policies, book.facts)
    finally:
        sys.settrace(None)
    return count


def test_deriving_facts_grows_about_linearly_with_jobs_letters_and_ceus() -> None:
    small, large = _work(many_records(200)), _work(many_records(800))
    assert large < 4 * 1.5 * small  # four times the records: well under sixteen times the work


def _credentials(count: int) -> dict:
    """A profile holding ``count`` credentials with recertification cycles, and nothing else."""
    cycles = [
        {"start": "2020-01-01", "end": "2021-12-31"},
        {"start": "2022-01-01", "end": "2027-12-31"},
    ]
    held = [{"id": f"X{i}", "issuing_body": "AHIMA", "recert_cycles": cycles} for i in range(count)]
    return {"profile_version": 1, "candidate_id": "MANY", "credentials": held}


def test_deriving_facts_grows_about_linearly_with_credentials_held() -> None:
    """Each credential's cycles once counted every credential of its body again."""
    small, large = _work(_credentials(100)), _work(_credentials(400))
    assert large < 4 * 1.5 * small


def test_a_csv_cell_longer_than_the_limit_gets_its_own_message(tmp_path) -> None:
    source = _flat(
        tmp_path,
        "c.csv",
        [{"candidate_id": "A", "name": "x" * 200_000}, {"candidate_id": "B", "name": "b"}],
    )
    _run("batch", str(source), "--out", str(tmp_path / "o.csv"), "--cert", "CCA")
    rows = _rows(tmp_path / "o.csv")
    assert rows[0]["error"].startswith("not valid CSV: a cell longer than 131,072 characters")
    assert "shorten that cell" in rows[0]["error"]
    assert rows[1]["candidate_id"] == "B" and rows[1]["status"] != "error"


# --- 7. smaller ----------------------------------------------------------------------------------


def test_a_repeated_key_in_json_lines_is_an_error_row(tmp_path, rulebook) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        '{"candidate_id": "A", "name": "A: one"}\n'  # a colon inside a text: no repeat
        '{"candidate_id": "B", "candidate_id": "C"}\n',
        encoding="utf-8",
    )
    rows = list(read_cohort(path))
    assert rows[0].profile is not None and rows[0].profile.data["name"] == "A: one"
    assert rows[1].error is not None
    assert "the key 'candidate_id' is given twice" in rows[1].error.problem


def test_a_repeated_key_in_a_yaml_stream_is_placed_by_the_file_s_lines(tmp_path, rulebook) -> None:
    """The message counted "first on line" and "starts on line" from the document's start, so
    a later document's lines were wrong while its own line was right."""
    path = tmp_path / "c.yaml"
    path.write_text(
        "candidate_id: A\nname: A\n---\ncandidate_id: B\nname: B\nname: C\n", encoding="utf-8"
    )
    rows = list(read_cohort(path))
    assert rows[1].error is not None
    assert str(rows[1].error).count("line 6") == 1
    assert "the key 'name' is given twice (first on line 5)" in rows[1].error.problem
    assert "the mapping that starts on line 4" in rows[1].error.problem


def test_a_yaml_stream_goes_on_after_a_document_it_cannot_build(tmp_path, rulebook) -> None:
    stream = tmp_path / "c.yaml"
    stream.write_text(
        "candidate_id: A\n---\nname: !!binary aGVsbG8=\n---\ncandidate_id: [unclosed\n"
        "---\n--- {candidate_id: D}\n...\n---\n# only a comment\ncandidate_id: E\n",
        encoding="utf-8",
    )
    rows = list(read_cohort(stream))
    assert [r.where.rsplit(":", 1)[1] for r in rows] == ["1", "3", "5", "6", "7", "11"]
    assert [r.profile.data.get("candidate_id") if r.profile else None for r in rows] == [
        "A", None, None, None, "D", "E",
    ]  # fmt: skip
    assert "!!binary is not accepted" in rows[1].error.problem  # type: ignore[union-attr]
    assert rows[2].error.place.startswith("line 6")  # the file's lines  # type: ignore[union-attr]
    assert "must be a mapping" in rows[3].error.problem  # type: ignore[union-attr]


def test_an_all_empty_csv_row_is_no_student(tmp_path) -> None:
    write(tmp_path / "c.csv", 3, seed=1, flat=True)
    lines = (tmp_path / "c.csv").read_text(encoding="utf-8").splitlines()
    width = lines[0].count(",")
    lines.insert(2, "," * width)
    lines.insert(3, " ," * width)
    (tmp_path / "c.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(list(read_cohort(tmp_path / "c.csv"))) == 3


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"hours_per_week": "forty"}, "hours_per_week"),  # no job to give the hours to
        ({"aapc_renewal_month": "May"}, "aapc_renewal_month"),  # no membership for the month
        ({"course_hours": "eighty"}, "course_hours"),
    ],
)
def test_a_bad_number_is_an_error_even_where_a_related_cell_is_empty(
    tmp_path, cells, column
) -> None:
    source = _flat(tmp_path, "c.csv", [{"candidate_id": "A", **cells}])
    (row,) = read_cohort(source)
    assert row.error is not None and row.error.place == f"column {column}"


def test_a_report_name_in_capitals_is_accepted(tmp_path) -> None:
    write(tmp_path / "c.jsonl", 3, seed=1)
    result = _run("batch", str(tmp_path / "c.jsonl"), "--out", str(tmp_path / "R.CSV"))
    assert result.exit_code == 0 and (tmp_path / "R.CSV").exists()


def test_the_atomic_writer_makes_recognisable_temporary_files(tmp_path) -> None:
    with atomic_writer(tmp_path / "r.csv") as out:
        (temporary,) = [p.name for p in tmp_path.iterdir()]
        out.write("x")
    assert temporary.startswith(".r.csv.eligibility-") and temporary.endswith(".tmp")
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]


def test_standard_output_replaced_by_a_text_stream(monkeypatch):
    """A program that replaced sys.stdout with a text stream (no .buffer) still gets the report."""
    replaced = io.StringIO()
    monkeypatch.setattr(sys, "stdout", replaced)
    with atomic_writer(STDOUT, newline="") as out:
        out.write("row,where\r\n")
    assert replaced.getvalue() == "row,where\r\n"


def test_an_export_with_no_student_leaves_the_last_reports_and_letters(tmp_path) -> None:
    """A header-only re-export replaced a cohort's report with an empty one and deleted every
    letter, with exit status 0."""
    rows = [{"candidate_id": f"S{n}", "name": f"Student {n}"} for n in range(3)]
    source = _flat(tmp_path, "c.csv", rows)
    out, letters = tmp_path / "r.csv", tmp_path / "letters"
    first = _run("batch", str(source), "--out", str(out), "--letters", str(letters))
    assert first.exit_code in (0, 1), first.output
    report, pages = out.read_text(encoding="utf-8"), sorted(letters.iterdir())
    for text in ("candidate_id,name\n", "candidate_id,name\nTOTAL,0 students\n"):
        source.write_text(text, encoding="utf-8")  # the header alone, or with a totals line
        again = _run("batch", str(source), "--out", str(out), "--letters", str(letters))
        assert again.exit_code == 2, text
        assert "no student in it" in again.stderr
        assert out.read_text(encoding="utf-8") == report and sorted(letters.iterdir()) == pages


def test_check_shows_where_a_fault_happened_when_asked(tmp_path, failing_student, monkeypatch):
    """ELIGIBILITY_TRACEBACK=1 showed nothing more for a fault met on one profile, though the
    message said to report it: the traceback now comes with it."""
    path = tmp_path / "boom.yaml"
    path.write_text(f"profile_version: 2\ncandidate_id: {BOOM}\nname: Bo\n", encoding="utf-8")
    plain = _run("check", str(path))
    assert plain.exit_code == 2 and "ELIGIBILITY_TRACEBACK=1" in plain.stderr
    assert "Traceback" not in plain.stderr
    monkeypatch.setenv("ELIGIBILITY_TRACEBACK", "1")
    shown = CliRunner().invoke(main, ["check", str(path)])
    assert shown.exit_code == 2
    assert "Traceback" in shown.stderr and "ZeroDivisionError: injected" in shown.stderr
