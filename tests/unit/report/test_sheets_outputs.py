"""The pieces of the outputs made from a batch's long CSV: inert text, sheet names, letter names."""

from __future__ import annotations

import pytest

from eligibility.report.sheets import Student, as_written, inert, students
from eligibility.report.words import check_titles
from eligibility.report.workbook import CUT, EXCEL_CELL, MAX_TITLE, sheet_title, write_workbook


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_looking_text_is_made_inert(text) -> None:
    assert inert(text) == "'" + text


def test_other_text_is_left_as_it_is() -> None:
    assert inert("José Núñez") == "José Núñez" and inert("") == ""


def test_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    titles = [sheet_title(name, taken) for name in ("a/b", "A/B", "x" * 40, "x" * 40, "[c]:*?")]
    assert all(len(t) <= MAX_TITLE for t in titles)
    assert len({t.lower() for t in titles}) == len(titles)
    assert not any(set(t) & set("[]:*?/\\") for t in titles)


def test_a_students_rows_are_read_together() -> None:
    from eligibility.batch import CSV_FIELDS, csv_line

    def line(row: str, check: str, status: str, error: str = "") -> str:
        values = dict.fromkeys(CSV_FIELDS, "") | {"row": row, "where": f"c:{row}"}
        values |= {"check": check, "status": status, "error": error, "name": "=x"}
        return csv_line([values[f] for f in CSV_FIELDS])

    text = [
        csv_line(list(CSV_FIELDS)),
        line("1", "A", "met"),
        line("1", "B", "not_met"),
        line("2", "", "error", "bad"),
    ]
    found = list(students("".join(text).splitlines(keepends=True)))
    assert [(s.row, len(s.answers), s.error) for s in found] == [("1", 2, ""), ("2", 0, "bad")]
    assert isinstance(found[0], Student) and found[0].name == "=x"  # as written, unguarded


@pytest.mark.parametrize(
    "text", ["=x", "'=x", "''=x", "'Anela", "'", "", "Plain", "-1", "'-'", "'" * 5000 + "=x"]
)
def test_a_guarded_cell_reads_back_as_written(text) -> None:
    """A coordinator's audit: the CSV's apostrophe reached the workbook, the letters and their
    file names ("'=MC-3" for the id "=MC-3"). Read back, a cell is what was written, whatever
    apostrophes it began with."""
    assert as_written(inert(text)) == text


def _answer(check: str, rule_version: str, status: str = "met") -> dict[str, str]:
    blank = dict.fromkeys(
        ("standing", "closest", "next_step", "eligible_by", "shortfall", "as_of", "assumed"), ""
    )
    return {**blank, "check": check, "rule_version": rule_version, "status": status,
            "review": "", "where": ""}  # fmt: skip


def _student(n: int, answers: tuple[dict[str, str], ...]) -> Student:
    """Student ``n`` of a made-up cohort, on row ``n`` (line ``n + 1``)."""
    return Student(str(n), f"line {n + 1}", f"S-{n}", f"Student {n}", answers)


def test_the_workbook_marks_low_confidence_and_names_shared_ids(tmp_path, rulebook) -> None:
    """The summaries and letters marked the PAHCS and CCS-P rules low confidence and named a
    candidate id on several rows; the workbook, which a director may open alone, did neither."""
    openpyxl = pytest.importorskip("openpyxl")
    cohort = [
        Student("1", "line 2", "S-1", "Ana Diaz", (_answer("CPC-exam", "AAPC-2023 2023.2"),)),
        Student("2", "line 3", "S-1", "Bo Chen", (_answer("MCS-exam", "PAHCS-2019 2019.4"),)),
    ]
    path = tmp_path / "r.xlsx"
    write_workbook(path, cohort, ["CPC-exam", "MCS-exam"], ["About."], rulebook)
    workbook = openpyxl.load_workbook(path)
    summary = [row[0] for row in workbook["Summary"].iter_rows(values_only=True)]
    assert "S-1: row 1: Ana Diaz; row 2: Bo Chen" in summary
    low = [text for text in summary if text and text.endswith("(low confidence)")]
    assert len(low) == 1 and low[0].startswith(check_titles(rulebook, ["MCS-exam"])["MCS-exam"])
    cpc, mcs = (workbook[name] for name in workbook.sheetnames[1:])
    assert cpc["B1"].value is None and mcs["B1"].value.startswith("Low confidence")
    assert mcs.auto_filter.ref == "A2:N3"  # the headings and the rows, filtered


def test_a_sheet_past_excels_row_limit_goes_on_over_further_sheets(tmp_path, rulebook) -> None:
    """Past Excel's 1,048,576 rows a sheet's rows were dropped without a word (XlsxWriter
    refuses them): each sheet now goes on over further sheets, its heading repeated. The limit
    is lowered here, as a cohort of a million students would take minutes."""
    openpyxl = pytest.importorskip("openpyxl")
    checked = [_student(n, (_answer("CPC-exam", "AAPC-2023 2023.2"),)) for n in range(1, 10)]
    failed = [
        Student(str(n), f"line {n + 1}", f"S-{n}", "", (), "unreadable") for n in range(10, 16)
    ]
    path = tmp_path / "r.xlsx"
    write_workbook(path, [*checked, *failed], ["CPC-exam"], ["About."], rulebook, max_rows=6)
    workbook = openpyxl.load_workbook(path)
    title = check_titles(rulebook, ["CPC-exam"])["CPC-exam"]
    found: dict[str, list[tuple]] = {}
    for name in workbook.sheetnames:
        rows = list(workbook[name].iter_rows(values_only=True))
        assert len(rows) <= 6, name
        found[name] = rows
    cpc = [n for n in workbook.sheetnames if found[n][0][0].startswith(title)]
    assert cpc[1:] == [f"{cpc[0]} (part 2)", f"{cpc[0]} (part 3)"]
    ids = [row[1] for name in cpc for row in found[name][2:]]
    assert ids == [s.candidate_id for s in checked]  # every student, once, in order
    assert {found[name][1] for name in cpc} == {found[cpc[0]][1]}  # the headings repeated
    assert found[cpc[1]][0][0] == f"{title} (continued)"
    errors = [n for n in workbook.sheetnames if n.startswith("Rows not checked")]
    assert errors == ["Rows not checked", "Rows not checked (part 2)"]
    assert [row[1] for name in errors for row in found[name][1:]] == [
        s.candidate_id for s in failed
    ]
    assert all(found[name][0][0] == "Row" for name in errors)
    summary = [
        row for name in workbook.sheetnames if name.startswith("Summary") for row in found[name]
    ]
    assert ("Students read", 15) in [row[:2] for row in summary]
    assert any(row[0] and row[0].startswith(title) and row[-1] == "CPC-exam" for row in summary)


def test_a_text_too_long_for_a_cell_is_cut_visibly(tmp_path, rulebook) -> None:
    """Excel holds 32,767 characters a cell and XlsxWriter cut a longer text without a word,
    while a cohort's CSV cell may hold 131,072: such a cell now ends saying it was cut."""
    openpyxl = pytest.importorskip("openpyxl")
    long_name = "Ana " + "x" * 40_000
    wide_name = "Bo " + "\U0001f600" * 20_000  # 20,003 characters, 40,003 UTF-16 units
    fits = "C" * EXCEL_CELL
    cohort = [
        Student(str(n), f"line {n + 1}", f"S-{n}", name, (_answer("CPC-exam", "AAPC-2023 2023.2"),))
        for n, name in enumerate((long_name, wide_name, fits), start=1)
    ]
    path = tmp_path / "r.xlsx"
    write_workbook(path, cohort, ["CPC-exam"], ["About."], rulebook)
    workbook = openpyxl.load_workbook(path)
    _, head, *rows = workbook[workbook.sheetnames[1]].iter_rows(values_only=True)
    names = [row[head.index("Name")] for row in rows]
    for shown, given in zip(names[:2], (long_name, wide_name), strict=True):
        assert shown.endswith(CUT)
        assert len(shown.encode("utf-16-le")) <= 2 * EXCEL_CELL
        kept = shown.removesuffix(CUT)
        assert given.startswith(kept) and len(kept) > EXCEL_CELL // 3
    assert names[2] == fits  # as long as a cell holds: whole


@pytest.mark.parametrize(
    "checks",
    [
        pytest.param(("Coding exam/a", "Coding exam:a"), id="alike once made valid"),
        pytest.param(("L" * 40 + " one", "L" * 40 + " two"), id="alike once cut to 31"),
        pytest.param(("Summary",), id="alike the summary sheet"),
    ],
)
def test_a_continuation_sheet_is_named_after_its_first_sheet(tmp_path, checks) -> None:
    """A sheet whose title had to be made unique ("Coding exam_a (2)") went on over sheets named
    from the check alone ("Coding exam_a (part 2)"), which read as the continuation of another
    sheet; each part is now named after its first sheet's title, whose number is kept."""
    openpyxl = pytest.importorskip("openpyxl")
    cohort = [
        # the last check on every row: its further sheets are made before the others'
        _student(n, tuple(_answer(c, "") for c in checks if n % 2 or c == checks[-1]))
        for n in range(1, 9)
    ]
    path = tmp_path / "r.xlsx"
    write_workbook(path, cohort, list(checks), ["About."], None, max_rows=4)
    workbook = openpyxl.load_workbook(path)
    names = workbook.sheetnames
    sheets = {name: workbook[name]["A1"].value for name in names}  # each sheet's heading
    for check in checks:
        first, *more = [n for n in names if sheets[n] in (check, f"{check} (continued)")]
        assert more, f"{check}: its rows should go on over further sheets"
        assert len(first) <= MAX_TITLE and all(len(name) <= MAX_TITLE for name in more)
        # every part says its first sheet's title whole where it fits, its number always
        mark = first[first.rfind(" (") :] if first.endswith(")") else ""
        for part, name in enumerate(more, start=2):
            ending = f" (part {part})"
            assert name.endswith(mark + ending), (first, name)
            assert first.startswith(name.removesuffix(mark + ending)), (first, name)
    assert len({name.lower() for name in names}) == len(names)
