"""The batch outputs people open in a spreadsheet or print (docs/batch.md, "Outputs"): a lean
long CSV, a BOM for Excel, the wide CSV, the XLSX workbook and the per-student letters."""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from markupsafe import escape

from benchmarks.generate import write
from eligibility.batch import Sheets, run_batch
from eligibility.cli import main
from eligibility.inputs.cohort import read_items
from eligibility.report.answerwords import codes, in_words
from eligibility.report.sheets import STATUS_WORDS
from eligibility.report.words import check_titles, pathway_title, review_briefs
from tests.conftest import PROFILES, RULES

CHECKS = ("CPC-full", "CCS-exam", "CCA-exam", "CPC-A-removal")
# what gives a check id away in a text meant for people
ID_PIECES = re.compile(r"\w-(exam|full|removal|renewal|recert)\b|option-\d")
NASTY = '=HYPERLINK("http://evil.example","click")'


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _batch(*arguments: str) -> object:
    return CliRunner().invoke(main, ["batch", *arguments], catch_exceptions=False)


def _cohort(tmp_path: Path, count: int = 40, seed: int = 5) -> Path:
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, count, seed=seed)
    return cohort


def _with_names(cohort: Path, names: dict[int, str]) -> Path:
    """The cohort with the students at those (0-based) places renamed."""
    lines = cohort.read_text(encoding="utf-8").splitlines()
    for place, name in names.items():
        data = json.loads(lines[place])
        data["name"] = name
        lines[place] = json.dumps(data)
    cohort.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cohort


def _certs() -> list[str]:
    return [argument for check in CHECKS for argument in ("--cert", check)]


def test_long_csv_lists_only_what_decides_the_answer(tmp_path) -> None:
    out = tmp_path / "report.csv"
    _batch(str(_cohort(tmp_path)), "--out", str(out), "--summary", str(tmp_path / "s.md"))
    rows = _rows(out)
    assert {"closest", "next_step", "eligible_by"} <= set(rows[0])
    met = [r for r in rows if r["status"] == "met"]
    assert met and all(not (r["failed"] or r["unknown"] or r["ambiguous"]) for r in met)
    not_met = [r for r in rows if r["status"] == "not_met"]
    assert not_met and all(r["next_step"] for r in not_met)
    # words for people: no condition ids in the next step
    ids = {i for r in rows for i in r["failed"].split(";") if i}
    assert not any(i in r["next_step"].split() for r in not_met for i in ids if "-" in i)


def test_excel_gets_a_bom(tmp_path) -> None:
    out, wide = tmp_path / "report.csv", tmp_path / "wide.csv"
    cohort = _with_names(_cohort(tmp_path, 5), {0: "José Núñez"})
    _batch(str(cohort), "--out", str(out), "--summary", str(tmp_path / "s.md"), "--excel")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "José Núñez" in data.decode("utf-8-sig")
    _batch(str(cohort), "--out", str(out), "--wide", str(wide), "--excel")
    assert wide.read_bytes().startswith(b"\xef\xbb\xbf")
    _batch(str(cohort), "--out", str(out), "--summary", str(tmp_path / "s.md"))
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")  # only when asked


def test_wide_csv_has_one_row_per_student(tmp_path, rulebook) -> None:
    out, wide = tmp_path / "report.csv", tmp_path / "wide.csv"
    result = _batch(
        str(_cohort(tmp_path, 12)), "--out", str(out), "--summary", str(tmp_path / "s.md"),
        *_certs(), "--wide", str(wide),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = _rows(wide)
    assert len(rows) == 12
    titles = check_titles(rulebook, CHECKS)
    assert all(f"{titles[check]} — status" in rows[0] for check in CHECKS)


def test_wide_csv_headings_name_checks_in_words(tmp_path, rulebook) -> None:
    """A director reads the wide CSV's headings: each check by its title, as the workbook's
    sheets say it, no check id; the student's columns as the long CSV's, to join the two."""
    wide = tmp_path / "wide.csv"
    result = _batch(
        str(_cohort(tmp_path, 4)), "--out", str(tmp_path / "r.csv"), *_certs(),
        "--cert", "CPC-exam@AAPC-2019", "--wide", str(wide),
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    with wide.open(encoding="utf-8", newline="") as handle:
        head = next(csv.reader(handle))
    assert head[:4] == ["row", "where", "candidate_id", "name"]
    assert head[-2:] == ["error", "about these answers"]
    assert len(set(head)) == len(head)
    checks = head[4:-2]
    assert "CPC: removing the apprentice designation — next step" in checks
    assert any(h.startswith("CPC: sitting the exam (rules version ") for h in checks), checks
    for heading in checks:
        assert not ID_PIECES.search(heading) and "@" not in heading, heading
        assert not any(check in heading for check in rulebook.all_check_ids()), heading


def test_a_name_that_is_a_formula_stays_text_everywhere(tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out, wide, book = tmp_path / "report.csv", tmp_path / "wide.csv", tmp_path / "r.xlsx"
    cohort = _with_names(_cohort(tmp_path, 6), {2: NASTY})
    result = _batch(
        str(cohort), "--out", str(out), "--summary", str(tmp_path / "s.md"), *_certs(),
        "--wide", str(wide), "--xlsx", str(book),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for path in (out, wide):
        names = {r["name"] for r in _rows(path)}
        assert "'" + NASTY in names and NASTY not in names
    workbook = openpyxl.load_workbook(book)
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row if c.value]
    nasty = [c for c in cells if NASTY in str(c.value)]
    # typed as text (never a formula) and shown as written: no apostrophe in the workbook
    assert nasty and all(c.data_type == "s" and c.value == NASTY for c in nasty)
    assert not any(c.data_type == "f" for c in cells)


@pytest.mark.parametrize(
    "name",
    ["../../escaped", "/etc/passwd", "CON", "a\x00b\x1fc", "x" * 400, "..", "a\\b\\..\\c"],
)
def test_letter_file_names_are_safe(tmp_path, name) -> None:
    letters = tmp_path / "letters"
    cohort = _with_names(_cohort(tmp_path, 3), {0: name, 1: name})  # a duplicate too
    result = _batch(
        str(cohort), "--out", str(tmp_path / "r.csv"), "--summary", str(tmp_path / "s.md"),
        *_certs(), "--letters", str(letters),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    pages = [p for p in written if p.suffix == ".html"]
    assert len(pages) == 3  # one per student, the two of the same name apart
    for page in pages:
        assert page.parent == letters
        assert len(page.name.encode("utf-8")) <= 120
        assert page.stem.split("-")[-1].upper() not in ("CON", "PRN", "AUX", "NUL")
        assert all(ord(ch) >= 32 and ch not in '<>:"/\\|?*' for ch in page.name)
    assert not (tmp_path.parent / "escaped").exists()


def test_next_step_is_a_way_check_gives(tmp_path, rulebook) -> None:
    from eligibility.api import check_profile
    from eligibility.inputs.cohort import read_cohort
    from eligibility.report.explain import eligible_way, explain, steps_text

    cohort, out = _cohort(tmp_path, 30, seed=8), tmp_path / "report.csv"
    _batch(str(cohort), "--out", str(out), "--summary", str(tmp_path / "s.md"))
    rows = {(r["row"], r["check"]): r for r in _rows(out)}
    compared = compared_other = 0
    for row in read_cohort(cohort):
        for result in check_profile(row.profile, (), None, None, rulebook).results:
            line = rows.get((str(row.number), result.check_id))
            if line is None or line["status"] != "not_met":
                continue
            e = explain(result, rulebook.policies)
            ways = [in_words(steps_text(a.steps), codes(result.check)) for a in e.actions]
            step, dated = line["next_step"], result.eligible_by
            if dated is not None and e.closest and dated.pathway.id != e.closest.node.id:
                # the date is another pathway's: its way, as check's summary line names it
                other = in_words(eligible_way(dated), codes(result.check))
                assert step.endswith(f"; or {other}"), (row.number, result.check_id)
                step = step.removesuffix(f"; or {other}")
                compared_other += 1
            assert step in ways, (row.number, result.check_id)
            compared += 1
    assert compared > 100 and compared_other


def test_wide_csv_and_workbook_agree_with_the_long_csv(tmp_path, rulebook) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, 120, seed=21, broken_rows=3)
    out, wide, book = tmp_path / "report.csv", tmp_path / "wide.csv", tmp_path / "r.xlsx"
    result = _batch(
        str(cohort), "--out", str(out), "--summary", str(tmp_path / "s.md"),
        "--wide", str(wide), "--xlsx", str(book), "--jobs", "2",
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # the broken rows
    assert "Done: 120 students read, 117 checked, 3 error rows" in result.stderr
    assert "not an official determination" in result.stderr
    long = _rows(out)
    checks = list(dict.fromkeys(r["check"] for r in long if r["check"]))
    fields = ("status", "closest", "next_step", "eligible_by")
    expected = {(r["row"], r["check"]): tuple(r[f] for f in fields) for r in long if r["check"]}
    # the wide CSV says which rules answered too: it often travels alone; and what an answer
    # flagged for review rests on, in brief
    widely = {key: (*cells, r["rule_version"], "; ".join(review_briefs(rulebook, r["review"])))
              for (key, cells), r in zip(
        expected.items(), (r for r in long if r["check"]), strict=True
    )}  # fmt: skip
    errors = {r["row"] for r in long if r["status"] == "error"}
    assert len(errors) == 3
    who = {r["row"]: (r["candidate_id"], r["name"]) for r in long}
    # the wide CSV: every student once, every check's five cells as the long CSV's row says
    # (the rules version too: the wide CSV travels alone, and says which rules answered)
    rows = _rows(wide)
    assert [r["row"] for r in rows] == list(dict.fromkeys(r["row"] for r in long))
    # what answered, once, where a spreadsheet shows it: the file often travels alone (s31, B3)
    about = rows[0]["about these answers"]
    assert about.startswith("Answered by eligibility") and "not an official determination" in about
    assert "Policies" in about and "Evaluation date" in about
    assert not any(r["about these answers"] for r in rows[1:])
    headed = check_titles(rulebook, checks)  # a check's columns are headed by its title
    parts = ("status", "closest pathway", "next step", "eligible by", "rules version", "review")
    for r in rows:
        assert (r["candidate_id"], r["name"]) == who[r["row"]]
        for check in checks:
            got = tuple(r[f"{headed[check]} — {part}"] for part in parts)
            if r["row"] in errors:
                assert got == ("error", "", "", "", "", "") and r["error"]
            else:
                blank = ("not_applicable", "", "", "", "", "")
                assert got == widely.get((r["row"], check), blank)
                assert got[0] == "not_applicable" or got[-2], (r["row"], check)
    # the workbook: a sheet per check, named in words and headed by its title, whose rows are
    # the long CSV's rows of that check, answers and pathways in words
    workbook = openpyxl.load_workbook(book, read_only=True)
    titled = {title: check for check, title in check_titles(rulebook, checks).items()}
    words = {word: status for status, word in STATUS_WORDS.items()}
    columns = {"Row": "row", "Candidate id": "candidate_id", "Name": "name", "Answer": "status",
               "Closest pathway": "closest", "Next step": "next_step", "Eligible by": "eligible_by"}  # fmt: skip
    found, sheets = {}, {}
    for name in workbook.sheetnames[1:-1]:
        title, head, *rows = workbook[name].iter_rows(values_only=True)
        check = titled[title[0]]  # a sheet is a check's, named by its title
        sheets[check] = name
        assert rows, name  # no empty sheet
        for values in rows:
            cell = {columns.get(h, h): v for h, v in zip(head, values, strict=True)}
            status = words[cell["status"]]
            got = (status, *(cell[f] or "" for f in fields[1:]))
            found[(str(cell["row"]), check)] = got
            assert (cell["candidate_id"] or "", cell["name"] or "") == who[str(cell["row"])]
    assert set(sheets) == set(checks) and workbook.sheetnames[0] == "Summary"
    versions = {(r["row"], r["check"]): r["rule_version"] for r in long if r["check"]}
    assert found == {
        key: (status, pathway_title(rulebook, key[1], versions[key], closest), *rest)
        for key, (status, closest, *rest) in expected.items()
    }
    _sheet_names_in_words(workbook.sheetnames, checks)
    summary = [r for r in workbook["Summary"].iter_rows(values_only=True)]
    # its table of counts: per check, the long CSV's rows of each status (the rest do not apply)
    head = next(k for k, r in enumerate(summary) if r and r[0] == "Check")
    statuses = [words.get(w, w) for w in summary[head][1:-2]]
    table = {}
    for r in summary[head + 1 :]:
        assert titled.get(r[0], r[-1]) == r[-1]  # the title is the id's (in the last column)
        table[r[-1]] = dict(zip(statuses, r[1:-2], strict=True))
    assert set(checks) <= set(table)  # and those applying to nobody, counted so below
    # "near" as the Markdown summary counts it, for each check alone on its line there
    markdown = (tmp_path / "s.md").read_text(encoding="utf-8").splitlines()
    lines = [line.strip("|").split(" | ") for line in markdown if line.startswith("| ")]
    near = {cells[0].strip(): int(cells[2]) for cells in lines[1:]}
    alone = 0
    for check, counts in table.items():
        answered = Counter(r["status"] for r in long if r["check"] == check)
        answered["not_applicable"] = 117 - answered.total()
        if headed[check] in near:
            assert counts["near"] == near[headed[check]], check
            alone += 1
        counts["not_met"] += counts.pop("near")  # "not yet met" counts those not near
        assert counts == {s: answered[s] for s in statuses if s != "near"}, check
    assert alone >= 5 and "near" in statuses
    assert any(r[0] and "not an official determination" in r[0] for r in summary)
    assert ("Checked", 117) in [r[:2] for r in summary]
    errors_sheet = list(workbook[workbook.sheetnames[-1]].iter_rows(values_only=True))
    assert workbook.sheetnames[-1] == "Rows not checked" and errors_sheet[0][0] == "Row"
    assert {str(r[0]) for r in errors_sheet[1:]} == errors


def _sheet_names_in_words(names: list[str], checks: list[str]) -> None:
    """Valid for Excel, unique, and words: no check id, nor a piece of one."""
    assert len({n.lower() for n in names}) == len(names)
    for name in names:
        assert 0 < len(name) <= 31 and not set(name) & set("[]:*?/\\"), name
        assert name not in checks and not ID_PIECES.search(name), name


def test_a_workbook_has_no_empty_sheet(tmp_path, rulebook) -> None:
    """Asked for checks applying to nobody, and with no error row: no sheet for them, nor for
    errors; every check still has its line, in words, in the summary's table."""
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "r.xlsx"
    asked = ("CPC-exam", "CIC-renewal", "CPC-A-removal")
    result = _batch(
        str(_cohort(tmp_path, 6)), "--out", str(tmp_path / "r.csv"), "--xlsx", str(book),
        *(a for check in asked for a in ("--cert", check)),
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    workbook = openpyxl.load_workbook(book, read_only=True)
    long = _rows(tmp_path / "r.csv")
    having = {r["check"] for r in long if r["status"] != "not_applicable"}
    for name in workbook.sheetnames[1:]:
        rows = list(workbook[name].iter_rows(values_only=True))
        assert len(rows) > 2, name  # a title, the headings, and a student at least
    assert len(workbook.sheetnames) == 1 + len({r["check"] for r in long})
    assert "Rows not checked" not in workbook.sheetnames
    _sheet_names_in_words(workbook.sheetnames, list(asked))
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    titles = check_titles(rulebook, asked)
    shown = [r[0] for r in summary if r and r[-1] in asked]
    assert shown == [titles[c] for c in asked] and having <= set(asked)


def test_a_workbook_marks_low_confidence_on_each_row_by_its_own_rules(tmp_path) -> None:
    """The mark was taken from a check's first row: students evaluated after a version's
    start and before it are judged under different rules, and a later student's rules of low
    confidence went unmarked when the first student's were not."""
    openpyxl = pytest.importorskip("openpyxl")
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    ccs = rules / "ahima" / "ccs.yaml"  # its legacy version (before 2015-10) made low
    text = ccs.read_text(encoding="utf-8")
    legacy = text.index("  - id: CCS-LEG\n")
    low = text[legacy:].replace("\n    confidence: M\n", "\n    confidence: L\n", 1)
    ccs.write_text(text[:legacy] + low, encoding="utf-8")
    cohort = tmp_path / "c.jsonl"
    students = [("S-1", "Ana Diaz", "2020-06-01"), ("S-2", "Bo Chen", "2014-06-01")]
    cohort.write_text(
        "".join(
            json.dumps({"profile_version": 2, "candidate_id": i, "name": n, "as_of": d}) + "\n"
            for i, n, d in students
        ),
        encoding="utf-8",
    )
    book = tmp_path / "r.xlsx"
    result = _batch(
        str(cohort), "--rules", str(rules), "--cert", "CCS-exam", "--out", str(tmp_path / "r.csv"),
        "--xlsx", str(book),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(book)
    (title, note, *_), head, *rows = workbook[workbook.sheetnames[1]].iter_rows(values_only=True)
    assert note and note.startswith("Low confidence")
    rules_of = {row[head.index("Candidate id")]: row[head.index("Rules")] for row in rows}
    assert not rules_of["S-1"].endswith("(low confidence)")
    assert rules_of["S-2"].endswith("(low confidence)")
    summary = [row[0] for row in workbook["Summary"].iter_rows(values_only=True)]
    assert f"{title} (low confidence)" in summary


def test_a_workbook_without_xlsxwriter_says_how_to_install_it(tmp_path, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "xlsxwriter", None)  # import fails as when not installed
    book = tmp_path / "r.xlsx"
    result = _batch(
        str(_cohort(tmp_path, 3)), "--out", str(tmp_path / "r.csv"), "--xlsx", str(book)
    )
    assert result.exit_code == 2
    assert "pip install 'eligibility[report]'" in result.stderr
    assert not book.exists() and not (tmp_path / "r.csv").exists()


def test_letters_say_what_is_missing_and_escape_names(tmp_path) -> None:
    letters = tmp_path / "letters"
    cohort = _with_names(_cohort(tmp_path, 8), {0: "<script>alert(1)</script>"})
    _batch(
        str(cohort), "--out", str(tmp_path / "r.csv"), "--summary", str(tmp_path / "s.md"),
        "--letters", str(letters),
    )  # fmt: skip
    long = _rows(tmp_path / "r.csv")
    pages = sorted(letters.iterdir())
    assert len(pages) == 8
    first = pages[0].read_text(encoding="utf-8")
    assert "<script>" not in first and "&lt;script&gt;" in first
    for page in pages:
        text = page.read_text(encoding="utf-8")
        number = str(int(page.name.split("-")[0]))
        for r in long:
            if r["row"] == number and r["status"] == "not_met":
                assert r["next_step"].replace("'", "&#39;") in text
        assert "not an official determination" in text
        assert "http" not in text  # self-contained: nothing fetched to show it


def test_a_formula_like_name_reaches_the_letters_as_written(tmp_path) -> None:
    """A coordinator's audit: the CSV's guarding apostrophe reached the letters ("What '=1+2
    Smith still needs") and their file names ("...-'=1+2-Smith.html"). Only the CSVs guard a
    cell; a page escapes what it shows."""
    letters = tmp_path / "letters"
    cohort = _with_names(_cohort(tmp_path, 3), {0: "=1+2 Smith"})
    _batch(
        str(cohort), "--out", str(tmp_path / "r.csv"), "--summary", str(tmp_path / "s.md"),
        *_certs(), "--letters", str(letters),
    )  # fmt: skip
    first = sorted(letters.iterdir())[0]
    assert "'" not in first.name and "1+2" in first.name
    text = first.read_text(encoding="utf-8")
    assert "What =1+2 Smith still needs" in text and "&#39;=1+2" not in text
    names = {r["name"] for r in _rows(tmp_path / "r.csv")}
    assert "'=1+2 Smith" in names  # the CSV keeps its guard


def test_every_json_output_says_it_is_not_an_official_determination(tmp_path) -> None:
    """A coordinator's audit: the JSON Lines report said nothing of it, though every other
    output does. The lean report's header, the full report's lines and check's JSON say it."""
    cohort = _cohort(tmp_path, 2)
    for full in ((), ("--report-format", "jsonl-full")):
        out = tmp_path / "r.jsonl"
        _batch(str(cohort), "--out", str(out), *_certs(), *full)
        first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
        assert "not an official determination" in first["tool"]["notice"]
    said = json.loads(
        CliRunner()
        .invoke(main, ["check", str(PROFILES / "c09-hana-sato.yaml"), "--format", "json"])
        .stdout
    )
    assert "not an official determination" in said["tool"]["notice"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_student_id_given_twice_is_named(tmp_path, jobs) -> None:
    """A coordinator's audit: a student id on two rows of an export passed without a word ("80
    students read"). The ids are kept on disk while the rows go by (memory stays flat), and the
    closing lines and the summary name those given more than once, with their rows."""
    cohort = _cohort(tmp_path, 30)
    lines = cohort.read_text(encoding="utf-8").splitlines()
    for place in (4, 19):
        data = json.loads(lines[place])
        data["candidate_id"] = "DUP-1"
        lines[place] = json.dumps(data)
    cohort.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = tmp_path / "s.md"
    result = CliRunner().invoke(
        main,
        ["batch", str(cohort), "--out", str(tmp_path / "r.csv"), "--summary", str(summary),
         "--jobs", jobs, *_certs()],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # named as the first of its rows names the student (a coordinator's audit, L7)
    assert "Warning: 1 student id is given on more than one row: DUP-1 (Student 5)." in (
        result.stderr
    )
    text = summary.read_text(encoding="utf-8")
    assert "## Student ids given more than once" in text
    assert "- DUP-1 (Student 5): rows 5, 20" in text


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_students_who_share_a_name_are_told_apart_by_their_ids(tmp_path, jobs) -> None:
    """Two students of one name (different ids) read as one person in the summaries' lists
    of names: each is now named with the id beside it, and only a shared name is."""
    cohort = _with_names(_cohort(tmp_path, 8), {0: "Maria Lopez"})
    lines = cohort.read_text(encoding="utf-8").splitlines()
    twin = json.loads(lines[0]) | {"candidate_id": "S-104"}  # answered as the first is
    cohort.write_text("\n".join([*lines, json.dumps(twin)]) + "\n", encoding="utf-8")
    first = json.loads(lines[0])["candidate_id"]
    for name in ("s.md", "s.html"):
        result = _batch(
            str(cohort), "--out", str(tmp_path / "r.csv"), "--summary", str(tmp_path / name),
            "--jobs", jobs,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert f"Maria Lopez ({first})" in text and "Maria Lopez (S-104)" in text, name
        assert not re.search(r"Maria Lopez(?! \()", text), name  # never without the id
        others = [json.loads(line)["name"] for line in lines[1:]]
        assert any(f"{other}," in text or f"{other}<" in text for other in others), name
        assert not any(f"{other} (S" in text for other in others), name


def test_no_warning_when_every_id_is_given_once(tmp_path) -> None:
    summary = tmp_path / "s.md"
    result = _batch(
        str(_cohort(tmp_path, 10)), "--out", str(tmp_path / "r.csv"), "--summary", str(summary)
    )
    assert "more than one row" not in result.stderr
    assert "more than once" not in summary.read_text(encoding="utf-8")


def test_a_letter_says_each_missing_thing_once_under_a_one_line_verdict(tmp_path) -> None:
    """A coordinator's audit: a student without AAPC membership got 27 identical "join AAPC"
    rows, no verdict at the top, and for an open question "your program will confirm" beside
    the step to ask the body. Answers that read alike are one row naming their checks."""
    letters = tmp_path / "letters"
    _batch(
        str(_cohort(tmp_path, 12)), "--out", str(tmp_path / "r.csv"),
        "--summary", str(tmp_path / "s.md"), "--letters", str(letters),
    )  # fmt: skip
    long = _rows(tmp_path / "r.csv")
    for page in sorted(letters.iterdir()):
        text = page.read_text(encoding="utf-8")
        number = str(int(page.name.split("-")[0]))
        mine = [
            r for r in long if r["row"] == number and r["status"] not in ("met", "not_applicable")
        ]
        # each step once per distinct row it is on (rows read alike are one), however many
        # checks share it
        rows = {
            (r["status"], r["closest"], r["shortfall"], r["next_step"], r["eligible_by"])
            for r in mine
        }
        steps = Counter(row[3] for row in rows if row[3])
        for step, times in steps.items():
            assert text.count(f"<td>{escape(step)}</td>") == times, page.name
        assert re.search(r"<strong>(\d+ checks? met; |No check is met yet|Every check)", text)
        assert "will confirm the answer" not in text
        assert text.index("not an official determination") < text.index("<h2")


def test_each_row_says_the_day_its_answer_is_for(tmp_path) -> None:
    """A student's own evaluation date (``as_of`` in the export) answers that student; the
    others are answered for the run's day. The CSV reports said neither."""
    cohort = _cohort(tmp_path, count=3)
    lines = cohort.read_text(encoding="utf-8").splitlines()
    dated = [json.loads(line) for line in lines]
    for data in dated:
        data.pop("as_of", None)
    dated[1]["as_of"] = "2025-06-01"
    cohort.write_text("\n".join(json.dumps(d) for d in dated) + "\n", encoding="utf-8")
    out, wide = tmp_path / "report.csv", tmp_path / "wide.csv"
    _batch(str(cohort), "--out", str(out), "--wide", str(wide), "--cert", "CPC-exam")
    today = date.today().isoformat()
    assert [r["as_of"] for r in _rows(out)] == [today, "2025-06-01", today]
    assert [r["as_of"] for r in _rows(wide)] == [today, "2025-06-01", today]


def test_a_batch_says_which_output_it_is_writing(tmp_path, rulebook) -> None:
    """A large cohort's workbook is written after the progress bar has ended: the person
    watching is told so, rather than left with a screen that looks hung."""
    told: list[str] = []
    items = read_items(str(_cohort(tmp_path, 3)), None, rulebook.directory)
    sheets = Sheets(tmp_path / "w.csv", tmp_path / "r.xlsx", tmp_path / "letters", told.append)
    run_batch(items, rulebook, csv_out=tmp_path / "r.csv", sheets=sheets)
    assert told == ["the wide CSV", "the workbook", "the letters"]


def test_the_wide_csv_has_columns_for_checks_that_apply_or_were_asked_for(tmp_path) -> None:
    """306 columns for 75 checks, 38 of which applied to no student (CPMA renewals): without
    --cert a check with no row has no column; asked for by name, it keeps its column."""
    cohort = _cohort(tmp_path, 6)
    every = tmp_path / "every.csv"
    _batch(str(cohort), "--out", str(tmp_path / "r.csv"), "--wide", str(every))
    long_checks = {r["check"] for r in _rows(tmp_path / "r.csv") if r["check"]}
    headings = {h.split(" — ")[0] for h in next(csv.reader(every.open(encoding="utf-8")))[5:-2]}
    assert len(headings) == len(long_checks)
    asked = tmp_path / "asked.csv"
    _batch(
        str(cohort),
        "--out",
        str(tmp_path / "r2.csv"),
        "--wide",
        str(asked),
        "--cert",
        "CPMA-renewal",
    )
    assert any(h.startswith("CPMA") for h in next(csv.reader(asked.open(encoding="utf-8"))))


@pytest.mark.parametrize("form", ["jsonl", "yaml"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_long_csv_says_what_answered_in_its_first_row(tmp_path, form, jobs) -> None:
    """The long CSV often travels alone: its first row's last cell states the tool and version,
    the evaluation date, the policies and that it is not an official determination, however
    the rows were checked (here, by shards or by chunks with two jobs); a first student whose
    name holds a line break, quotes and a comma does not move it."""
    first = 'Ann "Nan"\nLee, Jr.'
    cohort = _with_names(_cohort(tmp_path, 30), {0: first})
    if form == "yaml":  # a YAML stream cannot be cut into shards: handed out in chunks
        records = [json.loads(line) for line in cohort.read_text(encoding="utf-8").splitlines()]
        cohort = tmp_path / "cohort.yaml"
        cohort.write_text(yaml.safe_dump_all(records), encoding="utf-8")
    out = tmp_path / "report.csv"
    result = _batch(
        str(cohort), "--out", str(out), *_certs(), "--jobs", jobs, "--as-of", "2026-11-02",
        "--policy", "ged_accepted_ahima=yes",
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    rows = _rows(out)
    about = rows[0]["about"]
    assert rows[0]["name"] == first
    assert about.startswith("Answered by eligibility ") and "Evaluation date: 2026-11-02." in about
    assert (
        "not an official determination" in about
        and "GED is accepted (probable, UNCONFIRMED) (chosen for this run)" in about
    )
    assert "the version named in each row of the report" in about
    assert not any(r["about"] for r in rows[1:])
    assert len({r["row"] for r in rows}) == 30  # every student, each row whole
