"""The XLSX workbook (``batch --xlsx``): a summary sheet (what answered, the counts per check)
and one sheet per check with rows (a row per student it applies to), in words (checks, sheet
names, answers, pathways and rules as ``report/words.py`` says them), read from the long CSV
(``report/sheets.py``). Written with openpyxl (the optional extra ``report``), streamed
(write-only: memory stays flat) and with every text cell a string, never a formula."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from eligibility.errors import InputError
from eligibility.report.sheets import STATUS_WORDS, Student
from eligibility.report.words import (
    assumed_words,
    check_short,
    check_titles,
    pathway_title,
    review_words,
    rule_version_words,
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


def require_openpyxl() -> Any:
    """openpyxl, or a message saying how to install it (asked before any row is read)."""
    try:
        import openpyxl
    except ImportError:
        raise InputError(
            "--xlsx",
            None,
            "writing a workbook needs openpyxl, which is not installed",
            "install it with: pip install 'eligibility[report]'",
        ) from None
    return openpyxl


def sheet_title(check: str, taken: set[str]) -> str:
    """A sheet's name for a check: Excel's forbidden characters replaced, 31 characters at most,
    and unique (case aside) among ``taken``."""
    base = re.sub(r"[\[\]:*?/\\]", "_", check)[:MAX_TITLE].strip("'") or "check"
    title, number = base, 1
    while title.lower() in taken:
        number += 1
        suffix = f" ({number})"
        title = base[: MAX_TITLE - len(suffix)] + suffix
    taken.add(title.lower())
    return title


def write_workbook(
    path: str | Path,
    students: Iterable[Student],
    checks: Sequence[str],
    about: Sequence[str],
    book: RuleBook | None = None,
) -> None:
    """Write the workbook to ``path`` (the caller renames it into place): checks, sheets and
    statuses in words (with the rule ``book``; else checks by id), and no empty sheet: a
    check's sheet only when some student has a row of it, the errors' only when there are."""
    openpyxl = require_openpyxl()
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    titles = check_titles(book, checks) if book is not None else {c: c for c in checks}
    shorts = {c: check_short(book, c) if book is not None else c for c in checks}
    words: dict[tuple[str, ...], str] = {}  # (column, value, ...) -> in words, once each

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
                else rule_version_words(book, value)
            )
        return words[key]

    book_out = openpyxl.Workbook(write_only=True)
    summary = book_out.create_sheet(SUMMARY)
    bold = Font(bold=True)
    taken = {SUMMARY.lower(), ERRORS.lower()}
    sheets: dict[str, Any] = {}  # made when a check's first row comes
    errors: Any = None

    def cells(sheet: Any, values: Iterable[Any], font: Any = None) -> list[Any]:
        made = []
        for value in values:
            if isinstance(value, str):
                # typed as text, whatever it starts with: never run as a formula, so shown as
                # written (an id "=MC-3" stays itself; an apostrophe would become part of it)
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"
            else:
                cell = WriteOnlyCell(sheet, value=value)
            if font is not None:
                cell.font = font
            made.append(cell)
        return made

    def sheet_of(check: str) -> Any:
        sheet = sheets.get(check)
        if sheet is None:
            sheet = sheets[check] = book_out.create_sheet(sheet_title(shorts[check], taken))
            for column, (name, _) in enumerate(COLUMNS):
                letter = openpyxl.utils.get_column_letter(column + 1)
                sheet.column_dimensions[letter].width = WIDTHS.get(name, 12)
            sheet.freeze_panes = "D3"
            sheet.append(cells(sheet, [titles[check]], Font(bold=True, size=13)))
            sheet.append(cells(sheet, [heading for _, heading in COLUMNS], bold))
        return sheet

    counts: dict[str, Counter] = {check: Counter() for check in checks}
    read = checked = 0
    for student in students:
        read += 1
        number = int(student.row) if student.row.isdigit() else student.row
        who = [number, student.candidate_id, student.name]
        if student.error:
            if errors is None:
                errors = book_out.create_sheet(ERRORS)
                errors.append(
                    cells(errors, ["Row", "Candidate id", "Name", "Where", "Error"], bold)
                )
            errors.append(cells(errors, [*who, student.where, student.error]))
            continue
        checked += 1
        for answer in student.answers:
            counts[answer["check"]][answer["status"]] += 1
            sheet = sheet_of(answer["check"])
            sheet.append(cells(sheet, [*who, *(said(answer, c) for c, _ in COLUMNS[3:])]))
    # the tabs in the summary's order (openpyxl cannot move a write-only sheet: its list is
    # put in order before saving)
    order = {id(summary): -1} | {id(sheets[c]): k for k, c in enumerate(checks) if c in sheets}
    book_out._sheets.sort(key=lambda sheet: order.get(id(sheet), len(checks)))  # errors last
    summary.column_dimensions["A"].width = 48
    summary.append(cells(summary, ["Cohort eligibility summary"], Font(bold=True, size=14)))
    for line in about:
        summary.append(cells(summary, [line]))
    summary.append([])
    summary.append(cells(summary, ["Students read", read]))
    summary.append(cells(summary, ["Checked", checked]))
    summary.append(cells(summary, ["Not checked (error rows)", read - checked]))
    summary.append([])
    summary.append(
        cells(summary, ["Check", *(STATUS_WORDS[s] for s in STATUSES), "Total", ID_HEADING], bold)
    )
    for check in checks:
        applied = counts[check]
        applied["not_applicable"] += checked - sum(applied.values())
        row = [titles[check], *(applied[s] for s in STATUSES), checked, check]
        summary.append(cells(summary, row))
    book_out.save(str(path))
