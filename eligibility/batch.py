"""Batch-checking a cohort: rows -> one report per student, streamed to CSV, JSON Lines and a
Markdown summary, each written atomically (a temporary file renamed into place at the end).

A bad row becomes an error row naming its place and reason; every other row is still checked and
written, and the summary's counts reconcile with the rows read.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from eligibility.api import check_profile
from eligibility.cohort import Row
from eligibility.evaluate import (
    AMBIGUOUS,
    NOT_APPLICABLE,
    NOT_MET,
    UNKNOWN,
    CheckResult,
    NodeResult,
)
from eligibility.explain import explain
from eligibility.render import json_report, measurement
from eligibility.rules import RuleBook

CSV_FIELDS = (
    "row", "where", "candidate_id", "name", "check", "status", "standing",
    "failed", "unknown", "ambiguous", "shortfall", "rule_version", "error",
)  # fmt: skip


@dataclass
class Tally:
    """Counts for the summary: they must add up to the rows read."""

    rows: int = 0
    checked: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    near_misses: dict[tuple[str, str], list[date | None]] = field(
        default_factory=lambda: defaultdict(list)
    )


@contextmanager
def atomic_writer(path: str | Path, newline: str | None = None) -> Iterator[IO[str]]:
    """A text file that appears at ``path`` only when the block ends without error."""
    target = Path(path)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed into place
        "w",
        encoding="utf-8",
        newline=newline,
        dir=target.parent or ".",
        prefix=f".{target.name}.",
        delete=False,
    )
    try:
        with handle:
            yield handle
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def run_batch(
    rows: Iterable[Row],
    book: RuleBook,
    selectors: Iterable[str] = (),
    as_of: date | None = None,
    policies: Mapping[str, str] | None = None,
    csv_out: str | Path | None = None,
    jsonl_out: str | Path | None = None,
    summary_out: str | Path | None = None,
) -> Tally:
    """Check every row and stream the outputs; returns the tally the summary is made of."""
    selectors = list(selectors)
    tally = Tally()
    with ExitStack() as stack:
        csv_writer = None
        if csv_out:
            csv_writer = csv.DictWriter(
                stack.enter_context(atomic_writer(csv_out, newline="")), CSV_FIELDS
            )
            csv_writer.writeheader()
        jsonl = stack.enter_context(atomic_writer(jsonl_out)) if jsonl_out else None
        for row in rows:
            tally.rows += 1
            if row.error is not None or row.profile is None:
                error = row.error
                message = (
                    f"{error.place + ': ' if error and error.place else ''}{error.problem if error else 'unreadable'}"
                    + (f" (fix: {error.fix})" if error and error.fix else "")
                )
                tally.errors.append((row.number, row.where, message))
                if csv_writer:
                    csv_writer.writerow(
                        {"row": row.number, "where": row.where, "status": "error", "error": message}
                    )
                if jsonl:
                    jsonl.write(
                        json.dumps({"row": row.number, "where": row.where, "error": message}) + "\n"
                    )
                continue
            report = check_profile(row.profile, selectors, as_of, policies, book)
            tally.checked += 1
            data = row.profile.data
            for result in report.results:
                _count(tally, result, book)
                if csv_writer:
                    csv_writer.writerow(_csv_row(row, data, result, book))
            if jsonl:
                jsonl.write(json.dumps(json_report(report, book.policies)) + "\n")
        if summary_out:
            with atomic_writer(summary_out) as summary:
                summary.write(summary_markdown(tally))
    return tally


def _leaves(result: NodeResult | None, status: str) -> list[NodeResult]:
    if result is None:
        return []
    if result.node.kind == "leaf":
        return [result] if result.status == status else []
    return [leaf for child in result.children for leaf in _leaves(child, status)]


def _closest_unmet(result: CheckResult, book: RuleBook) -> list[NodeResult]:
    """The unmet conditions of the closest pathway: what the student lacks."""
    explanation = explain(result, book.policies)
    scope = explanation.closest or result.requires
    return _leaves(scope, NOT_MET) + _leaves(scope, UNKNOWN)


def _csv_row(
    row: Row, data: Mapping[str, Any], result: CheckResult, book: RuleBook
) -> dict[str, Any]:
    unmet = _closest_unmet(result, book) if result.status == NOT_MET else []
    return {
        "row": row.number,
        "where": row.where,
        "candidate_id": data.get("candidate_id", ""),
        "name": data.get("name", ""),
        "check": result.check_id,
        "status": result.status,
        "standing": result.standing or "",
        "failed": ";".join(leaf.node.id for leaf in _leaves(result.requires, NOT_MET)),
        "unknown": ";".join(leaf.node.id for leaf in _leaves(result.requires, UNKNOWN)),
        "ambiguous": ";".join(leaf.node.id for leaf in _leaves(result.requires, AMBIGUOUS)),
        "shortfall": "; ".join(
            filter(None, (measurement(leaf) or leaf.node.text for leaf in unmet))
        ),
        "rule_version": f"{result.version.id} {result.version.version}" if result.version else "",
        "error": "",
    }


def _count(tally: Tally, result: CheckResult, book: RuleBook) -> None:
    tally.statuses[result.check_id][result.status] += 1
    if result.status == NOT_MET and result.requires is not None:
        unmet = _closest_unmet(result, book)
        if len(unmet) == 1 and unmet[0].status == NOT_MET:
            tally.near_misses[(result.check_id, unmet[0].node.text)].append(unmet[0].reached_on)


def summary_markdown(tally: Tally) -> str:
    """What a program director reads: counts per check and status, near misses, error rows."""
    lines = [
        "# Cohort eligibility summary",
        "",
        f"Rows read: {tally.rows}. Checked: {tally.checked}. Not checked (errors): {len(tally.errors)}."
        + (
            " Counts reconcile."
            if tally.checked + len(tally.errors) == tally.rows
            else " COUNTS DO NOT RECONCILE."
        ),
        "",
        "## Results per check",
        "",
        "| check | met | not met | unknown | ambiguous | not applicable | total |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for check_id, counts in tally.statuses.items():
        if counts.total() == counts[NOT_APPLICABLE]:
            continue
        lines.append(
            f"| {check_id} | {counts['met']} | {counts[NOT_MET]} | {counts[UNKNOWN]} | {counts[AMBIGUOUS]} "
            f"| {counts[NOT_APPLICABLE]} | {counts.total()} |"
        )
    if tally.near_misses:
        lines += ["", "## Near misses (one condition short on the closest pathway)", ""]
        for (check_id, text), dates in sorted(
            tally.near_misses.items(), key=lambda item: -len(item[1])
        ):
            reached = sorted(d for d in dates if d)
            line = f"- {check_id}: {len(dates)} student{'s' if len(dates) != 1 else ''} lack only: {text}"
            if reached:
                line += f"; {len(reached)} of them reach it by {reached[-1].isoformat()} if their current job continues"
            lines.append(line)
    if tally.errors:
        lines += ["", "## Rows not checked", ""]
        lines += [
            f"- row {number} ({where}): {message.splitlines()[0]}"
            for number, where, message in tally.errors
        ]
    return "\n".join(lines) + "\n"
