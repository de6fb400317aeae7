"""The XLSX workbook (``batch --xlsx``): a summary sheet (what answered, the counts per check)
and one sheet per check with rows (a row per student it applies to; past Excel's row limit,
further sheets), in words (checks, sheet names, answers, pathways and rules as
``report/words.py`` says them), read from the long CSV (``report/sheets.py``). Written with
XlsxWriter (the optional extra ``report``), streamed (constant memory: memory stays flat) and
with every text cell a string, never a formula.
XlsxWriter rather than openpyxl, which the tests keep for reading workbooks back: it writes a
cohort's workbook in about half the time, and most of a large batch with ``--xlsx`` was the
workbook's."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from eligibility.errors import InputError
from eligibility.report.sheets import STATUS_WORDS, Student
from eligibility.report.summary import LOW_CONFIDENCE, LOW_MARK, NEAR_NOTE
from eligibility.report.words import (
    assumed_words,
    check_short,
    check_titles,
    pathway_title,
    review_words,
    rule_version_words,
    version_named,
)
from eligibility.rulebook.rules import RuleBook

# a check's sheet: (the long CSV's column, its heading in words); the conditions' ids (failed,
# unknown, ambiguous) stay in the long CSV, the shortfall says them in words, as "To review"
# says the policies of the long CSV's review column
COLUMNS = (
    ("row", "Row"), ("candidate_id", "Candidate id"), ("name", "Name"), ("status", "Answer"),
    ("standing", "Standing"), ("closest", "Closest pathway"), ("next_step", "Next step"),
    ("eligible_by", "Eligible by"), ("shortfall", "What is missing"), ("as_of", "As of"),
    ("rule_version", "Rules"), ("assumed", "Assumed"), ("review", "To review"),
    ("where", "Where in the export"),
)  # fmt: skip
STATUSES = ("met", "not_met", "unknown", "ambiguous", "not_applicable", "no_rules")
MAX_TITLE = 31  # Excel's limit on a sheet's name
EXCEL_ROWS = 1_048_576  # Excel's limit on a sheet's rows: XlsxWriter drops any past it unsaid
# Excel's limit on a cell's characters (UTF-16 units): XlsxWriter cuts a longer text unsaid,
# while a CSV cell of the cohort may hold 131,072; a text cut here ends saying so
EXCEL_CELL = 32_767
CUT = "… (cut: a workbook cell holds at most 32,767 characters; the report has it whole)"
WIDTHS = {
    "name": 24, "status": 16, "next_step": 60, "shortfall": 50, "closest": 40, "where": 24,
    "rule_version": 40,
}  # fmt: skip
SUMMARY, ERRORS = "Summary", "Rows not checked"
# columns the long CSV writes with names a program reads (policy ids, profile fields), in words
IN_WORDS = {
    "review": review_words,
    "assumed": lambda book, value: assumed_words(value),
}
ID_HEADING = "Check id (for eligibility check --cert)"


def require_xlsxwriter() -> Any:
    """XlsxWriter, or a message saying how to install it (asked before any row is read)."""
    try:
        import xlsxwriter
    except ImportError:
        raise InputError(
            "--xlsx",
            None,
            "writing a workbook needs XlsxWriter, which is not installed",
            "install it with: pip install 'eligibility[report]'",
        ) from None
    return xlsxwriter


_MARK = re.compile(r" \(\d+\)$")  # the number that made a sheet's name unique: "CPC exam (2)"


def sheet_title(check: str, taken: set[str], part: int = 1, first: str | None = None) -> str:
    """A sheet's name for a check: Excel's forbidden characters replaced, 31 characters at most,
    and unique (case aside) among ``taken``. A ``part`` after the first continues the sheet
    named ``first`` (as made, unique already) and says so ("CPC exam (2) (part 2)"): named from
    ``check`` alone, it could read as another sheet's continuation. Where the name is too long
    its words are cut, never the number that made ``first`` unique."""
    if part > 1 and first is not None:
        mark = _MARK.search(first)
        words, kept = (first[: mark.start()], mark.group()) if mark else (first, "")
    else:
        words, kept = re.sub(r"[\[\]:*?/\\]", "_", check)[:MAX_TITLE].strip("'") or "check", ""
    ending = kept + (f" (part {part})" if part > 1 else "")
    title, number = words[: MAX_TITLE - len(ending)] + ending, 1
    while title.lower() in taken:
        number += 1
        suffix = f" ({number}){ending}"
        title = words[: MAX_TITLE - len(suffix)] + suffix
    taken.add(title.lower())
    return title


# characters XML 1.0 cannot hold (an export's stray control characters): left out
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
LOW_WHY = (
    "these rules rest on sources the project could not confirm; confirm the answers with the"
    " certifying body"
)
LOW_NOTE = f"Low confidence (the rows whose rules are marked so): {LOW_WHY}"
CONTINUED = " (continued)"  # a further part's heading


def _put(sheet: Any, row: int, values: Iterable[Any], style: Any = None) -> None:
    for column, value in enumerate(values):
        if isinstance(value, str):
            value = _NOT_IN_XML.sub("", value)
            if len(value) > EXCEL_CELL // 2:  # else within the limit, even all in two units
                value = _fitted(value)
            sheet.write_string(row, column, value, style)
        elif value is not None:
            sheet.write_number(row, column, value, style)


def _fitted(text: str) -> str:
    """``text`` whole if a cell holds it, else cut visibly (ending with :data:`CUT`), counted
    in UTF-16 units as Excel counts (a character beyond the BMP, an emoji, takes two)."""
    units = text.encode("utf-16-le")
    if len(units) <= 2 * EXCEL_CELL:
        return text
    # a character split in two is left out whole
    return units[: 2 * (EXCEL_CELL - len(CUT))].decode("utf-16-le", errors="ignore") + CUT


class _Pages:
    """A sheet's rows, continued on a further sheet (made by ``make(part)``, headed again by
    ``head(sheet, part)``, which gives the first row below the heading) once ``limit`` rows
    are written: past Excel's limit XlsxWriter drops a row without a word, and a student's
    row must never vanish."""

    def __init__(
        self, make: Callable[[int], Any], head: Callable[[Any, int], int], limit: int
    ) -> None:
        self._make, self._head, self._limit = make, head, limit
        self.parts: list[tuple[Any, int]] = []  # each sheet and its next row, in order

    def add(self, values: Iterable[Any], style: Any = None) -> None:
        if not self.parts or self.parts[-1][1] >= self._limit:
            part = len(self.parts) + 1
            sheet = self._make(part)
            self.parts.append((sheet, self._head(sheet, part)))
        sheet, row = self.parts[-1]
        _put(sheet, row, values, style)
        self.parts[-1] = (sheet, row + 1)


def write_workbook(
    path: str | Path,
    students: Iterable[Student],
    checks: Sequence[str],
    about: Sequence[str],
    book: RuleBook | None = None,
    present: Collection[str] | None = None,
    *,
    near: Mapping[str, int] | None = None,
    max_rows: int = EXCEL_ROWS,
) -> None:
    """Write the workbook to ``path`` (the caller renames it into place): checks, sheets and
    statuses in words (with the rule ``book``; else checks by id), and no empty sheet: a
    check's sheet only when some student has a row of it (``present``: the checks that have
    rows, when known, so that the sheets follow ``checks``' order), the errors' only when
    there are. Rules of low confidence are marked on each row that rests on them and in the
    summary; a candidate id on several rows is named in the summary, with its rows and names.
    ``near``: per check, how many of its "not yet met" answers are near (the summaries' count),
    given a column of its own in the summary's table as the Markdown and HTML summaries do.
    A sheet that would hold more than ``max_rows`` rows (Excel's limit) is continued on a
    further sheet, its heading repeated."""
    xlsxwriter = require_xlsxwriter()
    titles = check_titles(book, checks) if book is not None else {c: c for c in checks}
    shorts = {c: check_short(book, c) if book is not None else c for c in checks}
    words: dict[tuple[str, ...], str] = {}  # (column, value, ...) -> in words, once each
    # each row's own rule version, not its check's first row's: students evaluated on either
    # side of a version's start are judged under rules of different confidence
    low_rules: dict[str, bool] = {}  # rule version -> of low confidence
    low: dict[str, bool] = {}  # check -> some of its rows' rules of low confidence

    def is_low(rule_version: str) -> bool:
        if rule_version not in low_rules:
            low_rules[rule_version] = _low(book, rule_version)
        return low_rules[rule_version]

    def said(answer: Mapping[str, str], column: str) -> str:
        value = answer[column]
        if column == "status":
            return STATUS_WORDS.get(value, value)
        if book is None or not value or column not in ("closest", "rule_version", *IN_WORDS):
            return value
        if column in IN_WORDS:  # the same few texts on many rows: said once each
            key = (column, value)
            if key not in words:
                words[key] = IN_WORDS[column](book, value)
            return words[key]
        key = (column, value, answer["check"], answer["rule_version"])
        if key not in words:
            words[key] = (
                pathway_title(book, answer["check"], answer["rule_version"], value)
                if column == "closest"
                else rule_version_words(book, value) + (LOW_MARK if is_low(value) else "")
            )
        return words[key]

    # streamed (constant memory: each sheet's rows go to disk as written), and never a formula,
    # a number or a link made of text: an id "=MC-3" or "00123" stays as written
    out = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    bold = out.add_format({"bold": True})
    heading = out.add_format({"bold": True, "font_size": 13})
    summary = out.add_worksheet(SUMMARY)
    taken = {SUMMARY.lower(), ERRORS.lower()}
    sheets: dict[str, Any] = {}  # a check's first sheet, made before its rows come
    firsts: dict[str, str] = {}  # a check's first sheet's name, which its further sheets follow
    pages: dict[str, _Pages] = {}  # a check's sheets, once a row of it has come

    def first_sheet(check: str) -> Any:
        firsts[check] = sheet_title(shorts[check], taken)
        return out.add_worksheet(firsts[check])

    if present is not None:  # made now, in the summary's order; written when a row comes
        for check in checks:
            if check in present:
                sheets[check] = first_sheet(check)

    def opened(check: str) -> _Pages:
        def make(part: int) -> Any:
            if part == 1:
                return sheets[check] if check in sheets else first_sheet(check)
            return out.add_worksheet(sheet_title(shorts[check], taken, part, firsts[check]))

        def head(sheet: Any, part: int) -> int:
            for column, (name, _) in enumerate(COLUMNS):
                sheet.set_column(column, column, WIDTHS.get(name, 12))
            sheet.freeze_panes(2, 3)
            # the heading is written before the rows (streamed): what the marks below would mean
            note = [f"{LOW_NOTE}."] if _may_be_low(book, check) else []
            title = titles[check] + (CONTINUED if part > 1 else "")
            _put(sheet, 0, [title, *note], heading)
            _put(sheet, 1, [h for _, h in COLUMNS], bold)
            return 2

        pages[check] = _Pages(make, head, max_rows)
        return pages[check]

    counts: dict[str, Counter] = {check: Counter() for check in checks}
    errors: list[list[Any]] = []
    rows_of: dict[str, list[tuple[Any, str]]] = {}  # candidate id -> (row, name) of each
    read = checked = 0
    for student in students:
        read += 1
        number = int(student.row) if student.row.isdigit() else student.row
        who = [number, student.candidate_id, student.name]
        if student.candidate_id:
            rows_of.setdefault(student.candidate_id, []).append((number, student.name))
        if student.error:
            errors.append([*who, student.where, student.error])
            continue
        checked += 1
        for answer in student.answers:
            check = answer["check"]
            counts[check][answer["status"]] += 1
            if is_low(answer["rule_version"]):
                low[check] = True
            written = pages.get(check) or opened(check)
            written.add([*who, *(said(answer, c) for c, _ in COLUMNS[3:])])
    for written in pages.values():  # each column filtered as in a spreadsheet's own table
        for sheet, last in written.parts:
            sheet.autofilter(1, 0, last - 1, len(COLUMNS) - 1)

    def named(name: str, first: Any = None) -> Callable[[int], Any]:
        """The sheets of ``name``: the first (``first``, made already, or made now), then
        ``name (part 2)``..."""

        def make(part: int) -> Any:
            if part == 1:
                return first if first is not None else out.add_worksheet(name)
            return out.add_worksheet(sheet_title(name, taken, part, name))

        return make

    def errors_head(sheet: Any, part: int) -> int:
        _put(sheet, 0, ["Row", "Candidate id", "Name", "Where", "Error"], bold)
        return 1

    failed = _Pages(named(ERRORS), errors_head, max_rows)
    for values in errors:
        failed.add(values)

    def summary_head(sheet: Any, part: int) -> int:
        sheet.set_column(0, 0, 48)
        if part > 1:
            _put(sheet, 0, [f"Cohort eligibility summary{CONTINUED}"], heading)
        return 0 if part == 1 else 1

    lines: list[tuple[list[Any], Any]] = [(["Cohort eligibility summary"], heading)]
    lines += [([line], None) for line in about]
    lines += [([], None), (["Students read", read], None), (["Checked", checked], None)]
    lines += [(["Not checked (error rows)", read - checked], None), ([], None)]
    shared = {c: found for c, found in rows_of.items() if len(found) > 1}
    if shared:  # as the closing line and the summaries name them
        lines.append((["Candidate ids on more than one row (each row is answered apart)"], bold))
        for candidate, found in shared.items():
            where = "; ".join(f"row {row}: {name}" if name else f"row {row}" for row, name in found)
            lines.append(([f"{candidate}: {where}"], None))
        lines.append(([], None))
    if any(low.values()):
        lines += [
            ([f"Checks marked{LOW_MARK}: {LOW_WHY}; their sheets mark the rows concerned."], None),
            ([], None),
        ]
    shown = [STATUS_WORDS[s] for s in STATUSES]
    if near is not None:
        lines += [([NEAR_NOTE], None), ([], None)]
        shown[1:1] = ["near"]
    lines.append((["Check", *shown, "Total", ID_HEADING], bold))
    for check in checks:
        applied = counts[check]
        applied["not_applicable"] += checked - sum(applied.values())
        title = titles[check] + (LOW_MARK if low.get(check) else "")
        found = [applied[s] for s in STATUSES]
        if near is not None:  # "not yet met" then counts those that are not near
            found[1:2] = [near.get(check, 0), applied["not_met"] - near.get(check, 0)]
        lines.append(([title, *found, checked, check], None))
    front = _Pages(named(SUMMARY, summary), summary_head, max_rows)
    for values, style in lines:
        front.add(values, style)
    out.close()


def _low(book: RuleBook | None, rule_version: str) -> bool:
    """Whether the rule version a row names is of low confidence (L, UNCONFIRMED)."""
    version = version_named(book, rule_version) if book is not None and rule_version else None
    return version is not None and version.confidence in LOW_CONFIDENCE


def _may_be_low(book: RuleBook | None, check: str) -> bool:
    """Whether a version of the check (the pinned one, for ``ID@VERSION``) is of low
    confidence: a row of it may then rest on such rules."""
    check_id, _, pinned = check.partition("@")
    credential = book.credential_of(check_id) if book is not None else None
    versions = [v for v in credential.versions if v.check(check_id)] if credential else []
    if pinned:
        versions = [v for v in versions if v.id.upper() == pinned.upper()] or versions
    return any(v.confidence in LOW_CONFIDENCE for v in versions)
