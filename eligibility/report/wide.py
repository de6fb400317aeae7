"""The wide CSV (``batch --wide``): one row per student, four columns per check (its status,
closest pathway, next step and eligible-by date), read from the long CSV (``report/sheets.py``)
so that the two agree on every student and check."""

from __future__ import annotations

from collections.abc import Sequence

from eligibility.report.sheets import Student

PARTS = ("status", "closest", "next step", "eligible by")  # per check, in this order
SOURCE = ("status", "closest", "next_step", "eligible_by")  # the long CSV's columns for them
NOT_APPLICABLE = "not_applicable"  # a check the long CSV leaves out for the student


def header(checks: Sequence[str]) -> list[str]:
    """The wide CSV's columns: who, then each check's four, then the error of an error row."""
    return [
        "row", "where", "candidate_id", "name",
        *(f"{check} {part}" for check in checks for part in PARTS),
        "error",
    ]  # fmt: skip


def row(student: Student, checks: Sequence[str]) -> list[str]:
    """A student's row: an error row says "error" under each check's status."""
    by_check = {answer["check"]: answer for answer in student.answers}
    cells = [student.row, student.where, student.candidate_id, student.name]
    for check in checks:
        answer = by_check.get(check)
        if student.error:
            cells += ["error", "", "", ""]
        elif answer is None:
            cells += [NOT_APPLICABLE, "", "", ""]
        else:
            cells += [answer[column] for column in SOURCE]
    return [*cells, student.error]
