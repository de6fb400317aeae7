"""The XLSX workbook (``batch --xlsx``): a summary sheet (what answered, the counts per check)
and one sheet per check (a row per student it applies to), read from the long CSV
(``report/sheets.py``). Written with openpyxl (the optional extra ``report``), streamed
(write-only: memory stays flat) and with every text cell a string, never a formula."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from eligibility.errors import InputError
from eligibility.report.sheets import STATUS_WORDS, Student, inert

COLUMNS = (
    "row", "candidate_id", "name", "status", "standing", "closest", "next_step", "eligible_by",
    "shortfall", "failed", "unknown", "ambiguous", "rule_version", "assumed", "review", "where",
)  # fmt: skip
STATUSES = ("met", "not_met", "unknown", "ambiguous", "not_applicable", "no_rules")
MAX_TITLE = 31  # Excel's limit on a sheet's name
WIDTHS = {"name": 24, "next_step": 60, "shortfall": 50, "closest": 14, "where": 24}


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
    path: str | Path, students: Iterable[Student], checks: Sequence[str], about: Sequence[str]
) -> None:
    """Write the workbook to ``path`` (the caller renames it into place)."""
    openpyxl = require_openpyxl()
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    summary = book.create_sheet("Summary")
    bold = Font(bold=True)
    taken = {"summary", "errors"}
    sheets = {check: book.create_sheet(sheet_title(check, taken)) for check in checks}
    errors = book.create_sheet("Errors")

    def cells(sheet: Any, values: Iterable[Any], font: Any = None) -> list[Any]:
        made = []
        for value in values:
            if isinstance(value, str):
                text = inert(ILLEGAL_CHARACTERS_RE.sub("", value))
                cell = WriteOnlyCell(sheet, value=text)
                cell.data_type = "s"  # text, whatever it starts with
            else:
                cell = WriteOnlyCell(sheet, value=value)
            if font is not None:
                cell.font = font
            made.append(cell)
        return made

    for check, sheet in sheets.items():
        for column, name in enumerate(COLUMNS):
            letter = openpyxl.utils.get_column_letter(column + 1)
            sheet.column_dimensions[letter].width = WIDTHS.get(name, 12)
        sheet.freeze_panes = "D2"
        sheet.append(cells(sheet, [f"{check}: {c}" if c == "status" else c for c in COLUMNS], bold))
    errors.append(cells(errors, ["row", "candidate_id", "name", "where", "error"], bold))
    counts: dict[str, Counter] = {check: Counter() for check in checks}
    read = checked = 0
    for student in students:
        read += 1
        number = int(student.row) if student.row.isdigit() else student.row
        who = [number, student.candidate_id, student.name]
        if student.error:
            errors.append(cells(errors, [*who, student.where, student.error]))
            continue
        checked += 1
        for answer in student.answers:
            counts[answer["check"]][answer["status"]] += 1
            sheet = sheets[answer["check"]]
            sheet.append(cells(sheet, [*who, *(answer[c] for c in COLUMNS[3:])]))
    summary.column_dimensions["A"].width = 28
    summary.append(cells(summary, ["Cohort eligibility summary"], Font(bold=True, size=14)))
    for line in about:
        summary.append(cells(summary, [line]))
    summary.append([])
    summary.append(cells(summary, ["students read", read]))
    summary.append(cells(summary, ["checked", checked]))
    summary.append(cells(summary, ["not checked (error rows)", read - checked]))
    summary.append([])
    words = [STATUS_WORDS[s] for s in STATUSES]
    summary.append(cells(summary, ["check", *words, "total"], bold))
    for check in checks:
        applied = counts[check]
        applied["not_applicable"] += checked - sum(applied.values())
        summary.append(cells(summary, [check, *(applied[s] for s in STATUSES), checked]))
    book.save(str(path))
