"""A batch's long CSV report read back a student at a time, for the outputs made from it (the
wide CSV, the workbook, the letters: ``report/wide.py``, ``report/workbook.py``,
``report/letters.py``), so that they say what the long CSV says, student by student and check
by check; and the statement each of them carries: what answered, on what, and that it is not
the certifying body's determination."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from eligibility.report.provenance import TOOL, not_official, policy_lines
from eligibility.report.words import rule_version_words
from eligibility.rulebook.rules import RuleBook
from eligibility.version import __version__

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet takes for a formula
GUARD_STARTS = (*FORMULA_STARTS, "'")  # what :func:`inert` may change: any other text it keeps
STATUS_WORDS = {
    "met": "met",
    "not_met": "not yet met",
    "unknown": "unknown (the record does not say enough)",
    "ambiguous": "depends on an open question",
    "not_applicable": "does not apply",
    "no_rules": "no rules in force",
    "error": "could not be checked",
}


def inert(text: str) -> str:
    """A CSV cell a spreadsheet shows as it is: text it would run as a formula
    (``=HYPERLINK(...)``) gets a leading apostrophe, as OWASP advises; so does text that only
    an apostrophe keeps from looking so (``'=x``), so that :func:`as_written` gives back
    exactly what was written."""
    return "'" + text if _guarded(text) else text


def as_written(cell: str) -> str:
    """A cell of a CSV this program wrote, as it was before :func:`inert`: the outputs made
    from the long CSV (a workbook's typed text, a page, a file name) show it unguarded."""
    return cell[1:] if cell.startswith("'") and _guarded(cell[1:]) else cell


def _guarded(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)  # however many apostrophes lead


@dataclass(frozen=True)
class Student:
    """One student's rows of the long CSV: who, and per check the row as read (column ->
    value); an error row's message in ``error`` (and no answers)."""

    row: str
    where: str
    candidate_id: str
    name: str
    answers: tuple[Mapping[str, str], ...]
    error: str = ""


def students(lines: Iterable[str]) -> Iterator[Student]:
    """The long CSV's students in its order (a student's rows are together), one at a time;
    each cell as it was written, without the apostrophe that guards it in a CSV."""
    read = ({k: as_written(v) for k, v in record.items()} for record in csv.DictReader(lines))
    for (row, where), group in groupby(read, lambda r: (r["row"], r["where"])):
        answers = list(group)
        first = answers[0]
        if first["status"] == "error":
            yield Student(row, where, first["candidate_id"], first["name"], (), first["error"])
        else:
            yield Student(row, where, first["candidate_id"], first["name"], tuple(answers))


def checks_and_versions(lines: Iterable[str]) -> tuple[list[str], list[str]]:
    """The checks the long CSV answers (in the order first met) and the rule versions used."""
    checks: dict[str, None] = {}
    versions: dict[str, None] = {}
    for record in csv.DictReader(lines):
        if record["check"]:
            checks[record["check"]] = None
        if record["rule_version"]:
            versions[record["rule_version"]] = None
    return list(checks), list(versions)


def statement(
    book: RuleBook,
    as_of: date | None,
    chosen: Mapping[str, str],
    versions: Iterable[str] | None,
) -> tuple[str, ...]:
    """What every output made from the long CSV states: the tool, the evaluation date, the rule
    versions (None: those the CSV rows name), the policies, and that it is not an official
    determination by the bodies."""
    used = list(versions) if versions is not None else []
    bodies_of = {v.id: v.body for c in book.credentials for v in c.versions}
    named = [bodies_of.get(v.split(" ")[0], "") for v in used] if versions is not None else []
    bodies = sorted(set(named or bodies_of.values()) - {""})
    day = (
        as_of.isoformat()
        if as_of
        else f"each student's own date where the export gives one, else the day of the run ({date.today().isoformat()})"
    )
    rules = (
        ("Rules used:", *(f"- {rule_version_words(book, v)}." for v in used))
        if used
        else ("Rules used: none.",)
        if versions is not None
        else ("Rules used: the version named in each row of the report (its rule_version).",)
    )
    policies = policy_lines(book.policies, chosen)
    return (
        f"Answered by {TOOL} {__version__}.",
        f"Evaluation date: {day}.",
        *rules,
        *(
            (
                "Policies (how open questions in the sources are read):",
                *(f"- {p}" for p in policies),
            )
            if policies
            else ("Policies: none.",)
        ),
        not_official(bodies),
    )
