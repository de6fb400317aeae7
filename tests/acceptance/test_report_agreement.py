"""The director's summary agrees with the long CSV on every student and check (issue 15, "Done
when"): a generated cohort with broken rows is checked (one worker, two, a few checks asked for)
into the long CSV and an HTML (and a Markdown) summary; every count of the summary's tables,
every student it names (ready now, near misses, the calendar) and every error group is worked
out again from the CSV's rows and compared. The HTML is read with the standard library's parser, the Markdown through
markdown-it (as a reader's viewer renders it) and the same parser. The calendar is compared
with the CSV's ``eligible_by`` column.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.generate import AS_OF, write
from eligibility.cli import main
from eligibility.dates import add_months
from eligibility.report.summary import NAMES, NEAR_MONTHS, NO_CALENDAR
from eligibility.report.words import check_titles
from eligibility.rulebook.rules import load_rulebook
from tests.conftest import RULES, split_titles

STUDENTS, BROKEN = 320, 7
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source", "area", "base"}


# --- a small tree of the page, from html.parser --------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def own_text(self) -> str:
        """The text outside ``details`` and ``em`` (the list of checks, the "and N more")."""
        return "".join(
            c if isinstance(c, str) else c.own_text()
            for c in self.children
            if isinstance(c, str) or c.tag not in ("details", "em")
        )

    def all(self, tag: str, cls: str | None = None) -> list[Element]:
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == tag and (
                    cls is None or cls in child.attrs.get("class", "").split()
                ):
                    found.append(child)
                found += child.all(tag, cls)
        return found

    def first(self, tag: str, cls: str | None = None) -> Element | None:
        found = self.all(tag, cls)
        return found[0] if found else None

    def elements(self) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element)]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag) -> None:
        if tag in VOID:
            return
        for place in range(len(self.stack) - 1, 0, -1):
            if self.stack[place].tag == tag:
                del self.stack[place:]
                return
        raise AssertionError(f"</{tag}> closes nothing open")

    def handle_data(self, data) -> None:
        self.stack[-1].children.append(data)


def parse(text: str) -> Element:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    assert len(builder.stack) == 1, f"unclosed: {[e.tag for e in builder.stack[1:]]}"
    return builder.root


# --- what the summary says, read back -----------------------------------------------------------


@dataclass(frozen=True)
class Said:
    """A group as the summary shows it: its checks, its count, the names shown, how many more."""

    checks: tuple[str, ...]
    count: int
    names: tuple[str, ...]
    more: int


@dataclass
class Summary:
    lines: list[tuple[tuple[str, ...], tuple[int, ...]]] = field(default_factory=list)
    idle: tuple[str, ...] = ()
    near: dict[str, list[Said]] = field(default_factory=dict)  # what is lacking -> groups
    ready: list[Said] = field(default_factory=list)
    calendar: dict[str, list[Said]] = field(default_factory=dict)  # YYYY-MM -> groups
    errors: list[Said] = field(default_factory=list)  # checks: (the example message,)
    head: tuple[int, int, int] = (0, 0, 0)  # rows read, checked, not checked


@cache
def _titled(book) -> dict[str, str]:
    """Every check's title in words -> its id, through the rule book (no two alike)."""
    ids = book.all_check_ids()
    titles = check_titles(book, ids)
    assert len(set(titles.values())) == len(ids)
    return {title: check for check, title in titles.items()}


def _checks(shown: str) -> tuple[str, ...]:
    """``CPC: the full credential ...; COC: the full credential ... (answered alike)`` or a
    list in full, without the marks: the checks' ids, each title mapped back through the rule
    book (a title that is no check's fails)."""
    for mark in ("(low confidence)", "low confidence", "(answered alike)"):
        shown = shown.replace(mark, "")
    titled = _titled(load_rulebook(str(RULES)))
    return tuple(titled[title] for title in split_titles(shown.strip()) if title)


def _names(text: str) -> tuple[tuple[str, ...], int]:
    """``A, B and 12 more`` -> ((A, B), 12)."""
    text = text.strip()
    more = 0
    if text.endswith(" more") and " and " in text:
        text, tail = text.rsplit(" and ", 1)
        more = int(tail.split()[0])
    return tuple(n.strip() for n in text.split(",") if n.strip()), more


def _number(text: str) -> int:
    return int(text.strip().split()[0])


def read_html(page: str) -> Summary:
    root = parse(page)
    said = Summary()
    counts = [_number(s.text()) for s in root.first("p", "counts").all("strong")]
    said.head = tuple(counts)  # type: ignore[assignment]
    results = next(s for s in root.all("section") if s.attrs.get("id") == "results")
    for row in results.all("tr"):
        cells = row.elements()
        if cells[0].attrs.get("scope") != "row":
            continue
        head = cells[0]
        details = head.first("details")
        if details is not None:
            checks = _checks(details.text().replace(details.first("summary").text(), "", 1))
        else:
            checks = _checks(head.text())
        said.lines.append((checks, tuple(int(c.text()) for c in cells[1:])))
    for p in results.all("p"):
        if p.text().startswith("Applying to no student:"):
            said.idle = _checks(p.text().split(":", 1)[1].rstrip("."))

    def groups(ul: Element) -> list[Said]:
        out = []
        for li in ul.elements():
            details = li.first("details")
            if details is not None:
                checks = _checks(details.text().replace(details.first("summary").text(), "", 1))
            else:
                checks = _checks(li.first("span", "checks").text())
            names_p = li.first("p", "names")
            names, _ = _names(names_p.own_text())
            em = names_p.first("em")
            more = _number(em.text().removeprefix("and ")) if em else 0
            count = _number(li.first("strong").text())
            out.append(Said(checks, count, names, more))
        return out

    def headed(section: Element, prefix: str = "") -> dict[str, list[Said]]:
        out, heading = {}, None
        for child in section.elements():
            if child.tag == "h3":
                heading = child.text().removeprefix(prefix)
            elif child.tag == "ul":
                assert heading not in out, heading
                out[heading] = groups(child)
        return out

    sections = {s.attrs.get("id"): s for s in root.all("section")}
    if "near" in sections:
        said.near = headed(sections["near"], "Lack only: ")
    if "ready" in sections and sections["ready"].first("ul"):
        said.ready = groups(sections["ready"].first("ul"))
    if "calendar" in sections:
        said.calendar = headed(sections["calendar"])
    if "errors" in sections:
        for li in sections["errors"].first("ul").elements():
            strong = li.first("strong").text()
            count = 1 if strong == "1 row" else _number(strong)
            cause = li.own_text().split(": ", 1)[1].split("\n")[0].strip()
            names_p = li.first("p", "names")
            names, _ = _names(names_p.own_text())
            em = names_p.first("em")
            more = _number(em.text().removeprefix("and ")) if em else 0
            said.errors.append(Said((cause,), count, names, more))
    return said


def read_markdown(text: str) -> Summary:
    """The Markdown summary as a viewer renders it (markdown-it, tables on), read back."""
    markdown_it = pytest.importorskip("markdown_it")
    root = parse(markdown_it.MarkdownIt("commonmark").enable("table").render(text))
    said = Summary()
    first = root.first("p").text()  # "Rows read: 320. Checked: 313. Not checked (errors): 7. ..."
    said.head = tuple(_number(part.split(":")[1]) for part in first.split(". ")[:3])  # type: ignore[assignment]
    for row in root.first("tbody").all("tr"):
        cells = [c.text() for c in row.elements()]
        numbers = [int(c) for c in cells[1:]]
        checks = _checks(re.sub(r" \(\d+ checks answered alike\)$", "", cells[0]))
        said.lines.append((checks, (*numbers[:3], numbers[3] + numbers[4], *numbers[5:])))

    def group(item: str) -> Said:
        shown, said = item.split(" — ", 1)
        count, names = said.split(": ", 1)
        shown = re.sub(r" \(\d+ checks answered alike\)", "", shown)
        listed, more = _names(names.split("; ", 1)[0])
        return Said(_checks(shown), _number(count), () if listed == (count,) else listed, more)

    section, heading = "", None
    for child in root.elements():
        text = child.text()
        if child.tag == "h2":
            section, heading = text, None
        elif child.tag == "h3":
            heading = text.removeprefix("Lack only: ")
        elif child.tag == "p" and text.startswith("Applying to no student:"):
            said.idle = _checks(text.split(":", 1)[1].rstrip("."))
        elif child.tag == "ul" and section.startswith("Near misses"):
            said.near[heading] = [group(li.text()) for li in child.elements()]
        elif child.tag == "ul" and section.startswith("Ready now"):
            said.ready = [group(li.text()) for li in child.elements()]
        elif child.tag == "ul" and section.startswith("Calendar"):
            said.calendar[heading] = [group(li.text()) for li in child.elements()]
        elif child.tag == "ul" and section.startswith("Rows not checked"):
            for li in child.elements():
                count, rest = li.text().split(": ", 1)
                cause, names = rest[: rest.index(" (row ")], rest[rest.index(" (row ") + 2 : -1]
                listed, more = _names(names)
                said.errors.append(
                    Said((cause,), 1 if count == "1 row" else _number(count), listed, more)
                )
    return said


# --- what the long CSV says ----------------------------------------------------------------------


@dataclass
class Long:
    rows: list[dict[str, str]]
    students: list[dict[str, str]]  # the first row of each student checked, in input order
    answers: dict[str, list[dict[str, str]]]  # check -> its rows, in input order
    errors: list[dict[str, str]]


def read_long(path: Path) -> Long:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    students, answers, errors, seen = [], defaultdict(list), [], set()
    for row in rows:
        if row["status"] == "error":
            errors.append(row)
            continue
        if row["row"] not in seen:
            seen.add(row["row"])
            students.append(row)
        answers[row["check"]].append(row)
    return Long(rows, students, dict(answers), errors)


def _near(row: dict[str, str], rulebook) -> bool:
    """Not met, and one thing short or eligible within NEAR_MONTHS (docs/reports.md)."""
    if row["status"] != "not_met":
        return False
    if _one_thing(row, rulebook) is not None:
        return True
    by = row["eligible_by"]
    return bool(by) and date.fromisoformat(by) <= add_months(AS_OF, NEAR_MONTHS)


def _one_thing(row: dict[str, str], rulebook) -> str | None:
    """The words of the one thing a not-met row lacks, worked out from its failed conditions
    and the rule's tree: one condition, or a choice of them (an ``any`` inside the pathway,
    the closest common part of the failed ones) one of whose options lacks one condition."""
    failed = set(filter(None, row["failed"].split(";")))
    if row["status"] != "not_met" or not failed or row["unknown"]:
        return None
    # an ambiguous condition the closest pathway lacks counts too (not met by a reading): CEUs
    # short and specialty CEUs short by the default reading are two things, not one
    failed |= set(filter(None, row["ambiguous"].split(";")))
    root = rulebook.select(row["check"], AS_OF).version.check(row["check"]).requires

    def leaves(node) -> set[str]:
        return {n.id for n in node.walk() if n.kind == "leaf"}

    node = root
    while True:  # down to the smallest part holding every failed condition
        inner = [c for c in node.children if failed <= leaves(c)]
        if not inner:
            break
        node = inner[0]
    if node.kind == "leaf":
        return node.text
    # an option with no failed condition listed is one the answer hides (it cannot be met)
    one_option = min(filter(None, (len(failed & leaves(c)) for c in node.children))) == 1
    return node.text if node.kind == "any" and node is not root and one_option else None


def _who(row: dict[str, str]) -> str:
    return row["name"] or row["candidate_id"] or f"row {row['row']}"


def _said_names(said: Said, expected: list[str]) -> None:
    """A group names its students as the CSV lists them: all, or the first NAMES and a count."""
    assert said.count == len(expected), said
    assert list(said.names) == expected[:NAMES], said.checks
    assert said.more == max(0, len(expected) - NAMES), said.checks


def agree(said: Summary, long: Long, rulebook) -> None:
    checked = len(long.students)
    assert said.head == (checked + len(long.errors), checked, len(long.errors))
    # every check on exactly one line, or applying to no student
    placed = [c for checks, _ in said.lines for c in checks] + list(said.idle)
    assert len(placed) == len(set(placed))
    assert set(long.answers) <= {c for checks, _ in said.lines for c in checks}
    assert not set(said.idle) & set(long.answers)
    line_of = {c: checks for checks, _ in said.lines for c in checks}
    for checks, numbers in said.lines:
        for check in checks:
            rows = long.answers.get(check, [])
            status = Counter(r["status"] for r in rows)
            near = sum(_near(r, rulebook) for r in rows)
            expected = (
                status["met"],
                near,
                status["not_met"] - near,
                status["unknown"] + status["ambiguous"],
                checked - len(rows) + status["not_applicable"],  # rows of it when asked for
                status["no_rules"],
                checked,
            )
            assert numbers == expected, (check, numbers, expected)
            assert set(status) <= {
                "met",
                "not_met",
                "unknown",
                "ambiguous",
                "no_rules",
                "not_applicable",
            }
        # answered alike: the same answer, for the same reasons, for every student
        answers = [
            {
                r["row"]: (r["status"], r["shortfall"], r["eligible_by"])
                for r in long.answers.get(c, [])
            }
            for c in checks
        ]
        assert all(a == answers[0] for a in answers), checks

    def by_line(groups: list[Said]) -> dict[tuple[str, ...], Said]:
        out = {g.checks: g for g in groups}
        assert len(out) == len(groups)
        for checks in out:
            assert checks == line_of[checks[0]], checks  # a group is a line of the results
        return out

    def headed(shown: dict[str, list[Said]], expected: dict[tuple, list[str]]) -> None:
        """Groups under headings (what is lacking, a month) against (heading, line) -> names."""
        found = {
            (heading, checks): group
            for heading, groups in shown.items()
            for checks, group in by_line(groups).items()
        }
        assert set(found) == set(expected)
        for key, group in found.items():
            _said_names(group, expected[key])

    # ready now: who meets every condition, per line, in input order; what passing an exam
    # would give (a designation's answer) is counted in the table, not listed as ready
    kinds = {
        check.id: check.kind
        for credential in rulebook.credentials
        for version in credential.versions
        for check in version.checks
    }
    ready = by_line(said.ready)
    expected_ready = {
        line_of[c]: [_who(r) for r in rows if r["status"] == "met"]
        for c, rows in long.answers.items()
        if kinds.get(c.partition("@")[0]) != "designation"
    }
    assert set(ready) == {k for k, v in expected_ready.items() if v}
    for checks, group in ready.items():
        _said_names(group, expected_ready[checks])
    # near misses: the one condition lacking (its words), the students, per line
    expected_near: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for check, rows in long.answers.items():
        for r in rows:
            if (lacking := _one_thing(r, rulebook)) is not None:
                key = (lacking, line_of[check])
                if check == line_of[check][0]:
                    expected_near[key].append(_who(r))
    headed(said.near, expected_near)
    # the calendar: who becomes eligible in which month, per line
    expected_months: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for check, rows in long.answers.items():
        for r in rows:
            # every row with a date: not met, or unknown and met by then whichever way
            if r["eligible_by"] and check == line_of[check][0]:
                # a date another reading moves (its next step says what it rests on) is marked
                mark = " (default reading)" if ", a day that rests on " in r["next_step"] else ""
                expected_months[(r["eligible_by"][:7], line_of[check])].append(_who(r) + mark)
    headed(said.calendar, expected_months)
    assert list(said.calendar) == sorted(said.calendar)
    # rows not checked: every error row in one group, whose example is one of its rows' messages
    assert sum(g.count for g in said.errors) == len(long.errors)
    numbered = {r["row"]: r for r in long.errors}
    listed = []
    for group in said.errors:
        rows = []
        for name in group.names:
            number = name.removeprefix("row ").split(" ", 1)[0]
            rows.append(numbered[number])
            who = numbered[number]["name"] or numbered[number]["candidate_id"]
            assert name == f"row {number}" + (f" ({who})" if who else "")
        listed += rows
        (cause,) = group.checks
        assert any(cause in r["error"] or r["error"].endswith(cause) for r in rows), cause
    if all(g.more == 0 for g in said.errors):
        assert sorted(r["row"] for r in listed) == sorted(numbered)


# --- the test -----------------------------------------------------------------------------------


RUNS = {  # how the cohort is checked: workers, and the checks asked for (all when none)
    "one-worker": ("--jobs", "1"),
    "two-workers": ("--jobs", "2"),
    # asked for, a check's students it does not apply to are rows too (not_applicable)
    "checks-asked": ("--jobs", "2", "--cert", "CPC", "--cert", "CPC-A-removal",
                     "--cert", "COC-A-removal", "--cert", "CIC-renewal", "--cert", "CCS"),
}  # fmt: skip


@pytest.fixture(scope="module", params=list(RUNS))
def run(request, tmp_path_factory) -> tuple[Path, Path, Path]:
    pytest.importorskip("pygal")
    folder = tmp_path_factory.mktemp("agreement")
    cohort = folder / "cohort.jsonl"
    write(cohort, STUDENTS, seed=11, broken_rows=BROKEN)
    out, html, markdown = folder / "report.csv", folder / "report.html", folder / "summary.md"
    for summary in (html, markdown):
        command = ["batch", str(cohort), "--out", str(out), "--summary", str(summary)]
        result = CliRunner().invoke(main, [*command, *RUNS[request.param]], catch_exceptions=False)
        assert result.exit_code == 1, result.output  # the broken rows
    return out, html, markdown


def test_the_html_summary_agrees_with_the_long_csv(run, rulebook) -> None:
    out, html, _ = run
    long = read_long(out)
    assert len(long.errors) == BROKEN and len(long.students) == STUDENTS - BROKEN
    said = read_html(html.read_text(encoding="utf-8"))
    assert said.near and said.ready and said.errors  # the groups compared are there
    assert any(g.more for g in said.ready)  # and a capped one
    agree(said, long, rulebook)


def test_the_markdown_summary_agrees_with_the_long_csv(run, rulebook) -> None:
    out, _, markdown = run
    said = read_markdown(markdown.read_text(encoding="utf-8"))
    assert said.near and said.ready and said.errors
    agree(said, read_long(out), rulebook)


def test_the_calendar_names_students_when_gaps_close_with_time(run) -> None:
    """This cohort has answers that time alone turns met: the calendar is not left empty (what
    it says is compared with the CSV by :func:`agree`)."""
    _, html, markdown = run
    assert read_html(html.read_text(encoding="utf-8")).calendar
    assert read_markdown(markdown.read_text(encoding="utf-8")).calendar


def test_a_summary_says_why_a_section_is_empty(tmp_path) -> None:
    """Renewals do not close with time (CEUs must be earned): asked for them alone, both
    summaries keep the calendar's heading and say in a sentence why it is empty."""
    pytest.importorskip("pygal")
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, 60, seed=11)
    for summary in (tmp_path / "report.html", tmp_path / "summary.md"):
        command = ["batch", str(cohort), "--out", str(tmp_path / "report.csv"),
                   "--summary", str(summary), "--cert", "CPC-renewal", "--cert", "CIC-renewal"]  # fmt: skip
        result = CliRunner().invoke(main, command, catch_exceptions=False)
        assert result.exit_code in (0, 1), result.output
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    sections = {s.attrs.get("id"): s for s in parse(html).all("section")}
    assert sections["calendar"].first("h3") is None
    assert sections["calendar"].first("p").text() == NO_CALENDAR
    assert "## Calendar: who becomes eligible, month by month\n\n" + NO_CALENDAR + "\n" in (
        (tmp_path / "summary.md").read_text(encoding="utf-8")
    )


def test_an_empty_cohort_summary_says_each_section_is_empty() -> None:
    from eligibility.report.html import summary_html
    from eligibility.report.summary import NO_NEAR, NO_READY, Tally, summary_markdown

    pytest.importorskip("pygal")
    for text in (summary_markdown(Tally()), parse(summary_html(Tally())).text()):
        for sentence in (NO_NEAR, NO_READY, NO_CALENDAR):
            assert sentence in text


def test_both_summaries_say_what_checks_answered_alike_ask_once(run) -> None:
    """Markdown and HTML group alike: "CPC, COC, ... and CUC: sitting the exam" in both, not a
    title per check in one of them (docs/reports.md: grouped the same way)."""
    _, html, markdown = run
    page = parse(html.read_text(encoding="utf-8")).text()
    said = markdown.read_text(encoding="utf-8")
    grouped = re.findall(
        r"([A-Z][\w-]*(?:, [A-Z][\w-]*)* and [A-Z][\w-]*): ([a-z][^|;(]*[a-z)])", said
    )
    if not grouped:
        pytest.skip("no checks of this run are answered alike")
    assert "CPC: sitting the exam; COC: sitting the exam" not in said + page
    for credentials, what in grouped:
        assert f"{credentials}: {what}" in page
