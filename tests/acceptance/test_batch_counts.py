"""Batch counting: the summary's per-check counts, near misses and "applying to no student" line,
and the CSV's per-(student, check) answers, against what check_profile says of every row.

Cases test_batch.py leaves out: chunks (``batch.CHUNK``, made small here) that mix evaluation
dates (rows with different ``as_of``, some with no rules in force), a first chunk made only of
error rows, checks that apply to nobody, and selections in an order of their own (the summary
lists checks in report order; each check's counts add up to the rows checked). Counting is folded
per chunk (``CohortChecker.count_into``), so the chunk size must change nothing.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from benchmarks.generate import write
from eligibility.api import check_profile
from eligibility.batch import run_batch
from eligibility.engine.results import (
    AMBIGUOUS,
    MET,
    NO_RULES,
    NOT_APPLICABLE,
    NOT_MET,
    UNKNOWN,
    CheckResult,
    NodeResult,
    closest_pathway,
)
from eligibility.inputs.cohort import read_cohort, read_items
from eligibility.report.render import lacking_words
from eligibility.report.summary import titles_in_words
from eligibility.report.words import check_titles
from eligibility.rulebook.rules import load_rulebook
from tests.conftest import RULES, split_titles
from tests.explained import closest_unmet, deciding_ids

STATUSES = (MET, NOT_MET, UNKNOWN, AMBIGUOUS, NOT_APPLICABLE, NO_RULES)  # summary columns
DAYS = ("2026-11-22", "2021-06-15", "1990-01-01", "2015-09-30", "2022-12-31")
BROKEN = (
    '{"candidate_id": "BAD1", "name": ',  # not JSON
    json.dumps({"profile_version": 1, "candidate_id": "BAD2", "favourite_colour": "blue"}),
    json.dumps({"profile_version": 1, "candidate_id": "BAD3", "as_of": "2023-02-30"}),
)


def _cohort(
    path: Path, count: int, seed: int, days=DAYS, broken_at=(), broken_first: int = 0
) -> Path:
    """A generated cohort whose rows cycle through ``days`` as their ``as_of``, with broken
    rows at the (0-based) places ``broken_at`` and ``broken_first`` broken rows before them."""
    source = path.with_suffix(".source.jsonl")
    write(source, count, seed=seed)
    lines = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines()):
        data = json.loads(line)
        data["as_of"] = days[number % len(days)]
        lines.append(json.dumps(data))
    for place in sorted(broken_at, reverse=True):
        lines.insert(place, BROKEN[place % len(BROKEN)])
    lines = [BROKEN[k % len(BROKEN)] for k in range(broken_first)] + lines
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _lacking(result: CheckResult, book) -> list[NodeResult]:
    """The closest pathway's unmet leaves as a batch reports them (each with its reached-on
    date, as ``check`` gives it)."""
    return closest_unmet(result, book) if result.status == NOT_MET else []


def _choice(result: CheckResult) -> NodeResult | None:
    """The closest pathway's one missing thing when it is a choice of conditions, from the
    explanation's own tree: a part of the pathway that is an ``any``, the only part of it not
    met, one of whose options lacks one condition."""
    pathway = closest_pathway(result.requires)
    if pathway is None or pathway.distance != 1:
        return None
    part = pathway
    while part.node.kind == "all":
        unmet = [c for c in part.children if c.status != MET]
        if len(unmet) != 1:
            return None
        part = unmet[0]
    return part if part.node.kind == "any" and part.status == NOT_MET else None


class Expected:
    """What the summary and the CSV must say, worked out row by row with check_profile."""

    def __init__(self, path: Path, book, selectors=(), as_of=None, policies=None) -> None:
        self.labels = [f"{c}@{p}" if p else c for c, p in book.wanted(selectors)]
        self.counts: dict[str, Counter] = {label: Counter() for label in self.labels}
        self.near: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0, None])
        self.csv: dict[str, list[tuple]] = {}
        self.rows = self.checked = 0
        for row in read_cohort(path):
            self.rows += 1
            if row.profile is None:
                self.csv[str(row.number)] = [("", "error")]
                continue
            self.checked += 1
            report = check_profile(row.profile, selectors, as_of, policies, book)
            pairs = list(zip(self.labels, report.results, strict=True))
            for label, result in pairs:
                self.counts[label][result.status] += 1
                lacking = _lacking(result, book)
                if len(lacking) == 1 and lacking[0].status == NOT_MET:
                    group = self.near[(label, lacking[0].node.text)]
                    group[0] += 1
                    if lacking[0].reached_on is not None:
                        group[1] += 1
                        group[2] = max(filter(None, (group[2], lacking[0].reached_on)))
                elif result.status == NOT_MET and (choice := _choice(result)) is not None:
                    self.near[(label, choice.node.text)][0] += 1  # nothing a choice dates
            shown = [(label, r) for label, r in pairs if r.status != NOT_APPLICABLE] or pairs
            self.csv[str(row.number)] = [self._csv(label, result, book) for label, result in shown]

    @staticmethod
    def _csv(label: str, result: CheckResult, book) -> tuple:
        """The CSV row's fields; ``check`` is the label (``ID@VERSION`` when pinned)."""
        shortfall = "; ".join(
            filter(
                None,
                (
                    lacking_words(leaf)
                    for leaf in _lacking(result, book)
                    if leaf.status != AMBIGUOUS  # a question to settle: no shortfall
                ),
            )
        )
        version = f"{result.version.id} {result.version.version}" if result.version else ""
        return (
            label,
            result.status,
            result.standing or "",
            *(frozenset(ids) for ids in deciding_ids(result, book)),
            shortfall,
            version,
        )

    @property
    def idle(self) -> list[str]:
        if not self.checked:  # no student checked: nothing counted, nothing listed
            return []
        return [
            label for label in self.labels if self.counts[label][NOT_APPLICABLE] == self.checked
        ]

    def table(self) -> list[tuple]:
        return [
            (label, *(self.counts[label][s] for s in STATUSES), self.checked)
            for label in self.labels
            if label not in self.idle
        ]

    def near_lines(self) -> list[str]:
        lines = []
        for (label, text), (students, reached, latest) in sorted(
            self.near.items(), key=lambda item: (-item[1][0], item[0])
        ):
            lack = "students lack" if students != 1 else "student lacks"
            line = f"- {label}: {students} {lack} only: {text}"
            if reached:
                line += f"; {reached} of them reach it by {latest.isoformat()} if their current job continues"
            lines.append(line)
        return lines


@cache
def _labels() -> dict[str, str]:
    """Every check's title in words (pinned to each of its versions too) -> its label, through
    the rule book: the summary names checks by title."""
    book = load_rulebook(str(RULES))
    labels = list(book.all_check_ids())
    labels += [
        f"{check.id}@{version.id}"
        for credential in book.credentials
        for version in credential.versions
        for check in version.checks
    ]
    titles = check_titles(book, dict.fromkeys(labels))
    assert len(set(titles.values())) == len(titles)
    return {title: label for label, title in titles.items()}


def _checks(shown: str) -> list[str]:
    """``CPC and COC: sitting the exam; CPC: removing ...`` -> the checks' labels."""
    return [_labels()[title] for title in split_titles(shown)]


def _lines(summary: str) -> list[tuple[list[str], list[int]]]:
    """The results table: each line's checks (those answered alike share one) and counts."""
    rows = []
    for line in summary.splitlines():
        if line.startswith("| ") and not line.startswith("| Check |"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            name = re.sub(r" \((low confidence|\d+ checks answered alike)\)", "", cells[0])
            rows.append((_checks(name), [int(cell) for cell in cells[1:]]))
    return rows


def _table(summary: str) -> list[tuple]:
    """A row per check, as Expected.table() has them (near counted with not met), in the
    summary's order."""
    rows = []
    for checks, (met, near, not_met, *rest) in _lines(summary):
        rows += [(check, met, near + not_met, *rest) for check in checks]
    return rows


def _near_lines(summary: str) -> list[str]:
    """The near-miss groups as Expected.near_lines() words them: a line per check."""
    lines = summary.splitlines()
    heading = "## Near misses (one thing short on the closest pathway)"
    if heading not in lines:
        return []
    found, lacking = [], ""
    for line in lines[lines.index(heading) + 1 :]:
        if line.startswith("## "):
            break
        if line.startswith("### Lack only: "):
            lacking = line.removeprefix("### Lack only: ")
        elif line.startswith("- "):
            checks, students, rest = re.fullmatch(r"- (.*?) — (\d+) students?: (.*)", line).groups()
            note = rest.split("; ", 1)[1] if "; " in rest else ""
            checks = re.sub(r" \((low confidence|\d+ checks answered alike)\)", "", checks)
            for check in _checks(checks):
                found.append((int(students), check, lacking, note))
    lack = {1: "student lacks"}
    return [
        f"- {check}: {n} {lack.get(n, 'students lack')} only: {text}"
        + (f"; {note}" if note else "")
        for n, check, text, note in sorted(found, key=lambda f: (-f[0], f[1], f[2]))
    ]


def _low(summary: str, check: str) -> bool:
    return any(
        check in checks and "(low confidence)" in line
        for line, checks in ((line, _line_checks(line)) for line in summary.splitlines())
    )


def _line_checks(line: str) -> list[str]:
    if not line.startswith("| ") or line.startswith(("| Check |", "|---")):
        return []
    name = re.sub(
        r" \((low confidence|\d+ checks answered alike)\)", "", line.split("|")[1].strip()
    )
    return _checks(name)


def _titles(labels: list[str]) -> list[str]:
    titled = {label: title for title, label in _labels().items()}
    return [titled[label] for label in labels]


def _csv_answers(path: Path) -> dict[str, list[tuple]]:
    answers: dict[str, list[tuple]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            if r["status"] == "error":
                answers[r["row"]].append(("", "error"))
                continue
            answers[r["row"]].append(
                (
                    r["check"],
                    r["status"],
                    r["standing"],
                    frozenset(filter(None, r["failed"].split(";"))),
                    frozenset(filter(None, r["unknown"].split(";"))),
                    frozenset(filter(None, r["ambiguous"].split(";"))),
                    r["shortfall"],
                    r["rule_version"],
                )
            )
    return dict(answers)


def _run(tmp_path: Path, cohort: Path, book, name: str, **options) -> tuple[str, str, object]:
    out, summary = tmp_path / f"{name}.csv", tmp_path / f"{name}.md"
    tally = run_batch(read_items(cohort), book, csv_out=out, summary_out=summary, **options)
    return summary.read_text(encoding="utf-8"), out.read_text(encoding="utf-8"), tally


def _assert_as_expected(summary: str, out: Path, expected: Expected) -> None:
    errors = expected.rows - expected.checked
    assert (
        f"Rows read: {expected.rows}. Checked: {expected.checked}. "
        f"Not checked (errors): {errors}. Counts reconcile."
    ) in summary
    assert sorted(_table(summary)) == sorted(expected.table())  # counts
    order = {label: k for k, label in enumerate(expected.labels)}
    firsts = [order[checks[0]] for checks, _ in _lines(summary) if not _low(summary, checks[0])]
    assert firsts == sorted(firsts)  # in report order (low-confidence rules last)
    assert all(row[-1] == expected.checked for row in _table(summary))
    assert all(sum(row[1:-1]) == row[-1] for row in _table(summary))
    idle = [line for line in summary.splitlines() if line.startswith("Applying to no student")]
    assert idle == (
        [f"Applying to no student: {titles_in_words(_titles(expected.idle))}."]
        if expected.idle
        else []
    )
    assert _near_lines(summary) == expected.near_lines()
    assert _csv_answers(out) == expected.csv


# --- chunks that mix evaluation dates --------------------------------------------------------


def test_counts_are_right_when_a_chunk_mixes_evaluation_dates(
    tmp_path, rulebook, monkeypatch
) -> None:
    cohort = _cohort(tmp_path / "c.jsonl", 45, seed=41, broken_at=(9, 23))
    expected = Expected(cohort, rulebook)
    # the cases hold what the test is about: one check counted with and without rules in force
    cpc = expected.counts["CPC-exam"]
    assert (
        cpc[NO_RULES]
        and cpc["met"] + cpc["not_met"]
        and expected.counts["CPC-renewal"][NOT_APPLICABLE]
    )
    assert expected.near and expected.idle
    monkeypatch.setattr("eligibility.batch.CHUNK", 7)  # every chunk has rows of several dates
    summary, report, tally = _run(tmp_path, cohort, rulebook, "small")
    assert (tally.rows, tally.checked, tally.error_count) == (47, 45, 2)
    _assert_as_expected(summary, tmp_path / "small.csv", expected)
    monkeypatch.setattr("eligibility.batch.CHUNK", 256)  # one chunk: the same outputs
    assert _run(tmp_path, cohort, rulebook, "one")[:2] == (summary, report)
    monkeypatch.setattr("eligibility.batch.CohortChecker.PLANS", 2)  # plans dropped, made again
    assert _run(tmp_path, cohort, rulebook, "few-plans")[:2] == (summary, report)


def test_two_jobs_with_small_mixed_chunks_count_as_one(tmp_path, rulebook, monkeypatch) -> None:
    cohort = _cohort(tmp_path / "c.jsonl", 30, seed=42, broken_at=(4,))
    monkeypatch.setattr("eligibility.batch.CHUNK", 4)
    selectors = ("CPC", "CCS-P-exam@CCSP-SEED", "CCA-exam")
    one = _run(tmp_path, cohort, rulebook, "one", selectors=selectors)
    two = _run(tmp_path, cohort, rulebook, "two", selectors=selectors, jobs=2)
    assert one[:2] == two[:2]
    _assert_as_expected(one[0], tmp_path / "one.csv", Expected(cohort, rulebook, selectors))


# --- error rows ------------------------------------------------------------------------------


def test_a_first_chunk_of_error_rows_only(tmp_path, rulebook, monkeypatch) -> None:
    """Nothing is counted in the first chunk (no student checked): the checks are still all
    listed, in report order, with the counts of the rows checked later."""
    monkeypatch.setattr("eligibility.batch.CHUNK", 4)
    selectors = ("CCA-exam", "CPC", "CCS-exam@CCS-LEG", "CPMA-renewal")
    cohort = _cohort(tmp_path / "c.jsonl", 20, seed=43, broken_first=5)  # chunk 2 begins badly too
    expected = Expected(cohort, rulebook, selectors)
    assert expected.rows - expected.checked == 5
    summary, _, tally = _run(tmp_path, cohort, rulebook, "errors-first", selectors=selectors)
    assert (tally.rows, tally.checked, tally.error_count) == (25, 20, 5)
    _assert_as_expected(summary, tmp_path / "errors-first.csv", expected)
    assert "## Rows not checked" in summary
    assert {row[0] for row in _table(summary)} <= {
        "CCA-exam",
        "CPC-exam",
        "CPC-full",
        "CPC-A-removal",
        "CPC-renewal",
        "CCS-exam@CCS-LEG",
    }
    clean = _cohort(tmp_path / "clean.jsonl", 20, seed=43)  # the same students without errors
    clean_summary = _run(tmp_path, clean, rulebook, "clean", selectors=selectors)[0]
    assert _table(clean_summary) == _table(summary)


def test_a_cohort_of_error_rows_only(tmp_path, rulebook, monkeypatch) -> None:
    monkeypatch.setattr("eligibility.batch.CHUNK", 2)
    cohort = tmp_path / "c.jsonl"
    cohort.write_text("\n".join(BROKEN + BROKEN[:2]) + "\n", encoding="utf-8")
    summary, report, tally = _run(tmp_path, cohort, rulebook, "bad", selectors=["CCA"])
    assert (tally.rows, tally.checked, tally.error_count) == (5, 0, 5)
    assert "Rows read: 5. Checked: 0. Not checked (errors): 5. Counts reconcile." in summary
    assert _table(summary) == [] and "Applying to no student" not in summary
    assert [line.split(",")[0] for line in report.splitlines()[1:]] == ["1", "2", "3", "4", "5"]


# --- checks that apply to nobody ---------------------------------------------------------------


def test_a_check_that_applies_to_nobody_is_named_apart(tmp_path, rulebook, monkeypatch) -> None:
    monkeypatch.setattr("eligibility.batch.CHUNK", 6)
    selectors = ("CPMA-renewal", "CCA-exam", "CPPM-renewal", "CPC-renewal")
    cohort = _cohort(tmp_path / "c.jsonl", 24, seed=44, broken_at=(0,))
    expected = Expected(cohort, rulebook, selectors)
    assert expected.idle == ["CPMA-renewal", "CPPM-renewal"]  # nobody holds these credentials
    summary, report, _ = _run(tmp_path, cohort, rulebook, "idle", selectors=selectors)
    _assert_as_expected(summary, tmp_path / "idle.csv", expected)
    assert "Applying to no student: CPMA and CPPM: keeping the credential (renewal)." in summary
    assert [row[0] for row in _table(summary)] == ["CCA-exam", "CPC-renewal"]
    assert "CPMA-renewal" not in report and "CPPM-renewal" not in report


def test_when_nothing_applies_to_anyone_every_student_is_still_reported(
    tmp_path, rulebook, monkeypatch
) -> None:
    monkeypatch.setattr("eligibility.batch.CHUNK", 5)
    selectors = ("CPMA-renewal", "CPCO-renewal")
    cohort = _cohort(tmp_path / "c.jsonl", 12, seed=45)
    expected = Expected(cohort, rulebook, selectors)
    summary, _, _ = _run(tmp_path, cohort, rulebook, "nothing", selectors=selectors)
    _assert_as_expected(summary, tmp_path / "nothing.csv", expected)
    assert _table(summary) == []
    assert "Applying to no student: CPMA and CPCO: keeping the credential (renewal)." in summary
    answers = _csv_answers(tmp_path / "nothing.csv")
    assert len(answers) == 12
    assert all(
        [a[:2] for a in rows]
        == [("CPMA-renewal", NOT_APPLICABLE), ("CPCO-renewal", NOT_APPLICABLE)]
        for rows in answers.values()
    )


# --- report order, totals, near misses --------------------------------------------------------

# a coder whose job goes on, two months short of 24: met sooner by time than by a training
# program, her near miss (CCSP-SEED's months of experience) has a date
NEAR_BY_TIME = {
    "candidate_id": "NEAR-BY-TIME",
    "as_of": "2026-11-22",
    "education": {"highest_level": "hs_diploma"},
    "work_history": [
        {
            "id": "job",
            "start_date": "2025-01-10",
            "role_function": "assigns_codes",
            "code_sets": ["ICD-10-CM", "CPT"],
        }
    ],
}


@pytest.mark.parametrize(
    ("as_of", "policies"),
    [(None, None), (date(2021, 6, 15), {"part_time_counting": "fte40"})],
    ids=["own dates", "2021 fte40"],
)
def test_summary_rows_follow_the_report_order_and_add_up(
    tmp_path, rulebook, monkeypatch, as_of, policies
) -> None:
    monkeypatch.setattr("eligibility.batch.CHUNK", 5)
    selectors = (
        "CCA-exam",
        "CPC",
        "CCS-exam@CCS-LEG",
        "CCS-P-exam@CCSP-SEED",
        "CCS-P-exam",
        "CPC-A-removal",  # named again: counted once, in its first place
        "MCS-recert",
    )
    cohort = _cohort(tmp_path / "c.jsonl", 40, seed=46, broken_at=(3, 17))
    with cohort.open("a", encoding="utf-8") as handle:  # CCSP-SEED's 24 months two months away
        handle.write(json.dumps(NEAR_BY_TIME) + "\n")
    expected = Expected(cohort, rulebook, selectors, as_of, policies)
    assert expected.labels == [
        "CCA-exam",
        "CPC-exam",
        "CPC-full",
        "CPC-A-removal",
        "CPC-renewal",
        "CCS-exam@CCS-LEG",
        "CCS-P-exam@CCSP-SEED",
        "CCS-P-exam",
        "MCS-recert",
    ]
    if as_of is None:  # dated near misses: CCSP-SEED's months of experience
        assert any(reached for _, reached, _ in expected.near.values())
    summary, _, tally = _run(
        tmp_path, cohort, rulebook, "order", selectors=selectors, as_of=as_of, policies=policies
    )
    assert tally.checked == 41
    _assert_as_expected(summary, tmp_path / "order.csv", expected)
    listed = [row[0] for row in _table(summary)]
    assert sorted(listed) == sorted(
        label for label in expected.labels if label not in expected.idle
    )
    assert listed.count("CCS-P-exam@CCSP-SEED") == listed.count("CCS-P-exam") == 1  # apart
