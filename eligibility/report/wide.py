"""The wide CSV (``batch --wide``): one row per student, its evaluation date, six columns per
check (its status, closest pathway, next step, eligible-by date, the rules version that
answered, so that the file says which rules answered when it travels alone, and what an answer
flagged for a person's review rests on), and in the first row's last cell what answered (the
tool, the evaluation date, the rule versions, the policies, and that it is not an official
determination), read from the long CSV
(``report/sheets.py``) so that the two agree on every student and check. A check's columns are headed by its title in
words (``report/words.py``: "CPC: sitting the exam — status"), as the workbook's sheets are;
its id stays in the long CSV's ``check`` column."""

from __future__ import annotations

from collections.abc import Sequence

from eligibility.report.sheets import Student
from eligibility.report.words import check_titles, review_briefs
from eligibility.rulebook.rules import RuleBook

# per check, in this order
PARTS = ("status", "closest pathway", "next step", "eligible by", "rules version", "review")
SOURCE = ("status", "closest", "next_step", "eligible_by", "rule_version")  # the long CSV's
NOT_APPLICABLE = "not_applicable"  # a check the long CSV leaves out for the student
WHO = ("row", "where", "candidate_id", "name")  # as the long CSV names them, to join the two
AS_OF = "as_of"  # the student's evaluation date, as the long CSV gives it on each of its rows
# the file often travels alone: what answered (tool, policies, not official), once, in the
# first row's last cell, where a spreadsheet shows it and a program reading columns skips it
ABOUT = "about these answers"


def column(title: str, part: str) -> str:
    """A check's column heading: its title and which of its cells ("... — next step")."""
    return f"{title} — {part}"


def header(checks: Sequence[str], book: RuleBook | None = None) -> list[str]:
    """The wide CSV's columns: who, the evaluation date, then each check's six, headed by the
    check's title (with the rule ``book``; else its id), then the error of an error row.
    Headings stay unique whatever the titles: a repeated one gets a number."""
    said = check_titles(book, checks) if book is not None else {}
    names = [
        *WHO,
        AS_OF,
        *(column(said.get(c, c), part) for c in checks for part in PARTS),
        "error",
        ABOUT,
    ]
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def row(
    student: Student, checks: Sequence[str], book: RuleBook | None = None, about: str = ""
) -> list[str]:
    """A student's row: an error row says "error" under each check's status; a check that
    does not apply to the student says so, with no rules version (none answered it). An
    answer flagged for a person's review names what it rests on, in brief (with the ``book``;
    else the long CSV's policy ids). ``about``: what answered, for the first row only."""
    by_check = {answer["check"]: answer for answer in student.answers}
    as_of = student.answers[0][AS_OF] if student.answers else ""
    cells = [student.row, student.where, student.candidate_id, student.name, as_of]
    for check in checks:
        answer = by_check.get(check)
        if student.error:
            cells += ["error", *[""] * (len(PARTS) - 1)]
        elif answer is None:
            cells += [NOT_APPLICABLE, *[""] * (len(PARTS) - 1)]
        else:
            review = answer.get("review", "")
            if review and book is not None:
                review = "; ".join(review_briefs(book, review))
            cells += [*(answer[name] for name in SOURCE), review]
    return [*cells, student.error, about]
