"""A cohort's summary for a program director (docs/reports.md): the tally a batch keeps while it
checks (counts per check and status, near misses with the students' names, who is ready now,
the month each student becomes eligible, error rows by cause), merged across chunks, workers and
shards; then grouped for reading (:func:`digest`: checks answered alike for every student on one
line, low-confidence rules last and marked, near misses by what they lack) and written as
Markdown (:func:`summary_markdown`) or as an HTML page (``report/html.py``).

Memory stays flat whatever the cohort's size: what is kept per student is capped (the first
:data:`NAMES` names of a group, then a count).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import zip_longest
from operator import itemgetter
from typing import Any

from eligibility.dates import add_months
from eligibility.engine.results import AMBIGUOUS, MET, NO_RULES, NOT_APPLICABLE, NOT_MET, UNKNOWN
from eligibility.report.explain import and_list
from eligibility.report.provenance import NOT_OFFICIAL, TOOL, policy_lines
from eligibility.report.words import check_titles, version_words
from eligibility.rulebook.rules import RuleBook
from eligibility.version import __version__

NAMES = 50  # names kept per group (the rest are counted: "and N more")
LISTED_ERRORS = 1000  # error rows kept by number (all are in the report and counted)
NEAR_MONTHS = 6  # "near": not met, but one thing short or eligible within this many months
NEAR_NOTE = (
    "Near: not met, but one thing short (a condition, or one of a choice of conditions) or"
    f" eligible within {NEAR_MONTHS} months."
)
LOW_CONFIDENCE = frozenset({"L", "UNCONFIRMED"})  # rule confidence labels placed last, marked
LOW_MARK = " (low confidence)"
SIGNATURES = 4096  # outcomes' signatures remembered while counting (then forgotten)
# what an empty section says, rather than being left out (a reader would look for it)
NO_NEAR = "No student is one thing short of a check."
NO_READY = "No student meets every condition of a check yet."
# answers of what passing an exam would give, not of something a student may do now
NOT_READY_KINDS = frozenset({"designation"})
REPEATED = "Each row is answered on its own, so these students may be counted more than once above."
ABOUT_IDS = (
    "To check one student again, name the check to 'eligibility check --cert' by its id"
    " ('eligibility list' gives each check's id)."
)
# said above the checks whose students were judged under different rule versions
VERSIONS_NOTE = (
    "Students are judged under the rules in force on their own evaluation date, so these checks"
    " were answered under more than one rule version (a check is marked low confidence when any"
    " of its versions is):"
)
# what each date of the calendar holds on, said above it (a director reads "2026-12" as later
# this month, though it may be today once a letter is re-issued)
CALENDAR_NOTE = (
    "Each date holds if the student keeps working in the current coding job (and, where a letter"
    " is needed, has it issued or re-issued on that date); this month's dates may be today."
)
# a calendar name whose date another reading of an open question moves (part-time work pro-rated)
ON_DEFAULT = " (default reading)"
CALENDAR_READINGS = (
    'A name marked "(default reading)" has a date that rests on the default reading of an open'
    " question (such as how part-time work counts); its next step gives the date under the others."
)
REVIEWS = (
    "These answers are given by the default reading of an open question that another reading"
    " would change (counted in the table as that answer): a person should check each student's"
    " case. In the long CSV report, each such answer has the question's short name in its review"
    " column."
)
NO_CALENDAR = (
    "No student has a date yet: nobody's missing conditions close with time alone"
    " (such as experience that grows while a current job continues)."
)


@dataclass
class Names:
    """A group of students: how many, and the first :data:`NAMES` of their names (and beside
    them their candidate ids, "" where none is known: shown where a name is shared)."""

    count: int = 0
    first: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    def add(self, name: str, candidate_id: str = "") -> None:
        self.count += 1
        self.keep(name, candidate_id)

    def keep(self, name: str, candidate_id: str = "") -> None:
        """Name a student (one of the first :data:`NAMES`) without counting them."""
        if len(self.first) < NAMES:
            self.first.append(name)
            self.ids.append(candidate_id)

    def merge(self, other: Names) -> None:
        self.count += other.count
        room = max(0, NAMES - len(self.first))
        self.first.extend(other.first[:room])
        self.ids.extend(other.ids[:room])

    def told_apart(self, shared: Collection[str]) -> Names:
        """The same students, each whose name is ``shared`` (given to students of different
        ids in the cohort) named with their id: "Maria Lopez (S-104)"."""
        if not shared:
            return self
        pairs = zip_longest(self.first, self.ids[: len(self.first)], fillvalue="")
        first = [_told(n, i) if i and n.removesuffix(ON_DEFAULT) in shared else n for n, i in pairs]
        return Names(self.count, first, self.ids)

    @property
    def more(self) -> int:
        """Students counted but not named."""
        return self.count - len(self.first)

    def text(self) -> str:
        """``Ana Torres, Brian Okafor and 12 more``."""
        if not self.first:
            return f"{self.count} students"
        listed = ", ".join(self.first)
        return f"{listed} and {self.more} more" if self.more else listed


@dataclass
class NearMiss:
    """Students whose closest pathway lacks only one condition, and when time closes it."""

    students: int = 0
    reached: int = 0  # how many reach it while their current job continues
    latest: date | None = None  # the last of those dates
    names: Names = field(default_factory=Names)


@dataclass(frozen=True)
class CheckInfo:
    """What the summary says of a check besides its counts and rules: its body and kind."""

    body: str
    kind: str = ""  # exam, designation, removal, recertification, status


@dataclass(frozen=True)
class RulesInfo:
    """A rule version some student was judged under: its confidence, and it in words."""

    confidence: str
    words: str  # "AAPC rules version 2023.1 (its title)"

    @property
    def low(self) -> bool:
        return self.confidence in LOW_CONFIDENCE

    def said(self) -> str:
        """In words, marked as the summary marks rules of low confidence."""
        return self.words + (LOW_MARK if self.low else "")


@dataclass
class Tally:
    """Counts for the summary: they must add up to the rows read. Merged across chunks, workers
    and shards with :meth:`add`; every list in it is capped."""

    rows: int = 0
    checked: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # the first LISTED_ERRORS
    error_count: int = 0
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    near_misses: dict[tuple[str, str], NearMiss] = field(
        default_factory=lambda: defaultdict(NearMiss)
    )
    near: Counter = field(default_factory=Counter)  # check -> not met but near
    ready: dict[str, Names] = field(default_factory=lambda: defaultdict(Names))  # met, by check
    calendar: dict[tuple[str, str], Names] = field(  # (YYYY-MM, check) -> who becomes eligible
        default_factory=lambda: defaultdict(Names)
    )
    causes: dict[str, Names] = field(default_factory=lambda: defaultdict(Names))  # rows by cause
    examples: dict[str, str] = field(default_factory=dict)  # cause -> its first row's message
    alike: dict[str, int] = field(default_factory=dict)  # check -> class: answered alike
    checks: dict[str, CheckInfo] = field(default_factory=dict)
    # every rule version students were judged under, per check (their own evaluation dates may
    # fall on either side of a version's start, and versions differ in confidence), named by
    # credential and id (one version may serve several credentials, each titled its own way)
    used: set[tuple[str, str, str]] = field(default_factory=set)  # (label, credential, id)
    versions: dict[tuple[str, str], RulesInfo] = field(default_factory=dict)  # (credential, id)
    titles: dict[str, str] = field(default_factory=dict)  # check label -> its title in words
    first_day: date | None = None  # evaluation dates, the first and the last
    last_day: date | None = None
    policies: dict[str, str] = field(default_factory=dict)  # in effect
    policy_words: tuple[str, ...] = ()  # the same in words: each question and its reading
    # (candidate_id, row, name) of this part's rows (a chunk, a shard), moved out by the batch
    # as each part comes in: an on-disk ledger finds ids given twice and names given to several
    # ids, memory staying flat
    ids: list[tuple[str, int, str]] = field(default_factory=list)
    # student ids given on more than one row: how many, and the first few with their rows
    repeated_count: int = 0
    # id (with its first row's name), first rows, rows in all
    repeated: tuple[tuple[str, tuple[int, ...], int], ...] = ()
    shared: frozenset[str] = frozenset()  # names listed that students of different ids share
    # credentials named that the rules do not know (each counts toward nothing): name -> the
    # students naming it, and -> the credential of the rules it most likely stands for
    strangers: dict[str, Names] = field(default_factory=lambda: defaultdict(Names))
    meant: dict[str, str] = field(default_factory=dict)
    stranger_count: int = 0  # students naming any of them
    # answers a question's default reading gives that another reading would change ("needs
    # human review"): (the question in brief, check label) -> the students
    reviews: dict[tuple[str, str], Names] = field(default_factory=lambda: defaultdict(Names))
    review_words: dict[str, str] = field(default_factory=dict)  # policy id -> in brief
    _work: _Work = field(default_factory=lambda: _Work(), repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Sent between processes counted, without what is only remembered while counting."""
        state = dict(self.__dict__)
        state["_work"] = _Work()
        return state

    def add(self, other: Tally) -> None:
        """Merge the tally of another part of the cohort (a worker's chunk, a shard)."""
        self.rows += other.rows
        self.ids.extend(other.ids)
        self.checked += other.checked
        self.error_count += other.error_count
        self.errors.extend(other.errors[: max(0, LISTED_ERRORS - len(self.errors))])
        for check_id, counts in other.statuses.items():
            self.statuses[check_id].update(counts)
        for key, miss in other.near_misses.items():
            mine = self.near_misses[key]
            mine.students += miss.students
            mine.reached += miss.reached
            if miss.latest and (mine.latest is None or miss.latest > mine.latest):
                mine.latest = miss.latest
            mine.names.merge(miss.names)
        self.near.update(other.near)
        for mine, theirs in (
            (self.ready, other.ready),
            (self.calendar, other.calendar),
            (self.causes, other.causes),
            (self.strangers, other.strangers),
            (self.reviews, other.reviews),
        ):
            for key, names in theirs.items():
                mine[key].merge(names)  # type: ignore[index]
        self.alike = _refined(self.alike, other.alike) if self.alike else dict(other.alike)
        for key, text in other.examples.items():
            self.examples.setdefault(key, text)
        for key, text in other.meant.items():
            self.meant.setdefault(key, text)
        for key, text in other.review_words.items():
            self.review_words.setdefault(key, text)
        self.stranger_count += other.stranger_count
        self.checks.update(other.checks)
        self.used |= other.used
        for key, info in other.versions.items():
            self.versions.setdefault(key, info)
        for label, title in other.titles.items():
            self.titles.setdefault(label, title)
        self.policies.update(other.policies)
        self.policy_words = self.policy_words or other.policy_words
        for day in (other.first_day, other.last_day):
            self._dated(day)

    def _dated(self, day: date | None) -> None:
        if day is None:
            return
        if self.first_day is None or day < self.first_day:
            self.first_day = day
        if self.last_day is None or day > self.last_day:
            self.last_day = day

    def listed(self) -> Iterator[str]:
        """The names the summary lists: of near misses, who is ready, the calendar's."""
        for names in (
            *(miss.names for miss in self.near_misses.values()),
            *self.ready.values(),
            *self.calendar.values(),
        ):
            yield from names.first

    def error(self, number: int, where: str, message: str, cause: str, name: str) -> None:
        """An error row: listed (the first :data:`LISTED_ERRORS`) and grouped by its cause."""
        self.error_count += 1
        if len(self.errors) < LISTED_ERRORS:
            self.errors.append((number, where, message))
        key = _cause(cause)
        # the line a spreadsheet or editor shows, where it is not the row's number (a CSV's
        # header and blank lines): "row 12, line 13", as the long report's where column has it
        line = re.search(r":(\d+)$", where)
        at = f", line {line[1]}" if line and int(line[1]) != number else ""
        self.causes[key].add(f"row {number}{at}" + (f" ({name})" if name else ""))
        self.examples.setdefault(key, cause)

    def note(
        self,
        labels: Sequence[str],
        outcomes: Sequence[Any],
        name: str,
        as_of: date,
        candidate_id: str = "",
        reviews: Sequence[Sequence[str]] = (),
    ) -> None:
        """One student's answers (outcomes per check label, as ``engine.plan.assess`` gives
        them): the names (and ids) of who is ready, near or dated, the near and dated counts,
        and which checks are answered alike; ``reviews``, per label, the questions a person
        must look at (``Assessment.review``). Statuses and near-miss counts are counted by the
        batch per chunk (``count_into``). Called for every student: kept lean."""
        work = self._work
        lists = work.lists(self, labels, as_of)
        near, horizon = self.near, lists.horizon
        for label, ready, outcome in zip(labels, lists.ready, outcomes, strict=True):
            status = outcome.status
            if status == MET:
                if len(ready.first) < NAMES:
                    ready.keep(name, candidate_id)
            elif status == NOT_MET:
                miss, by = outcome.near_miss, outcome.eligible_by
                if miss is not None:
                    near[label] += 1
                    named = self.near_misses[(label, miss.node.text)].names
                    if len(named.first) < NAMES:  # counted per chunk by the batch
                        named.keep(name, candidate_id)
                if by is not None:
                    if miss is None and by <= horizon:
                        near[label] += 1
                    marked = name + ON_DEFAULT if outcome.eligible.readings else name  # type: ignore[union-attr]
                    month = f"{by.year:04d}-{by.month:02d}"
                    self.calendar[(month, label)].add(marked, candidate_id)
            elif status == UNKNOWN and outcome.eligible_by is not None:
                # met by then whichever way what the record leaves unknown turns out, as the
                # long CSV's eligible_by says
                by = outcome.eligible_by
                self.calendar[(f"{by.year:04d}-{by.month:02d}", label)].add(name, candidate_id)
        for label, flagged in zip(labels, reviews, strict=False):
            for policy in flagged:
                self.reviews[(self.review_words.get(policy, policy), label)].add(name, candidate_id)
        work.compare(self, labels, outcomes)

    def describe(
        self,
        plan: Any,
        policies: Mapping[str, str],
        book: RuleBook | None = None,
        chosen: Mapping[str, str] | None = None,
    ) -> None:
        """What the summary says of the plan's checks (body, kind, the rule version each is
        answered under, and with the rule ``book`` their titles) and the run's evaluation date
        and policies (``policies``: each one's value in effect; with the ``book``, in words,
        saying which were ``chosen`` for the run and which were left open); once per plan and
        chunk, not per student."""
        if id(plan) in self._work.plans:
            return
        self._work.plans[id(plan)] = plan  # held: its id stays its own
        self._dated(plan.as_of)
        self.policies.update(policies)
        if book is not None:
            new = [label for label in plan.labels if label not in self.titles]
            self.titles.update(check_titles(book, new) if new else {})
            if not self.policy_words:
                said = policies if chosen is None else chosen
                self.policy_words = tuple(policy_lines(book.policies, said))
                self.review_words.update(
                    (p.id, p.in_brief or p.question) for p in book.policies.values() if p.review
                )
        used, versions = self.used, self.versions
        for label, place in zip(plan.labels, plan.wanted, strict=True):
            version = plan.checks[place].version
            if version is None:
                continue
            key = (version.credential, version.id)
            used.add((label, *key))  # ids only: the words once per version
            if key not in versions:
                versions[key] = RulesInfo(version.confidence, version_words(version))
            if label not in self.checks:
                check = plan.checks[place].check
                self.checks[label] = CheckInfo(version.body, check.kind if check else "")


@dataclass(frozen=True)
class _Lists:
    """A plan's name lists of who is ready, one per check in the plan's order, and the day
    up to which an eligible-by date counts as near."""

    ready: tuple[Names, ...]
    horizon: date


class _Work:
    """What a tally remembers while counting, never merged nor sent (a tally counts one chunk
    of students before it is merged): the name lists per plan, and the checks answered alike
    so far as getters of their outcomes (checks of one group share an outcome object, so most
    students are compared by identity alone)."""

    def __init__(self) -> None:
        self.plans: dict[int, Any] = {}  # id -> plan, held: its id stays its own
        self._lists: dict[tuple, _Lists] = {}
        self._alike: tuple[Any, ...] = ()  # a getter per class of more than one check
        self._for: Sequence[str] | None = None  # the labels those getters are for
        self._signatures: dict[int, tuple[Any, tuple]] = {}  # id -> (outcome, signature)
        self._verified: set[tuple] = set()  # outcomes of a class found alike

    def signature(self, outcome: Any) -> tuple:
        """:func:`_signature`, worked out once per outcome (most are shared by students)."""
        found = self._signatures.get(id(outcome))
        if found is not None and found[0] is outcome:
            return found[1]
        if len(self._signatures) >= SIGNATURES:
            self._signatures.clear()
        signature = _signature(outcome)
        self._signatures[id(outcome)] = (outcome, signature)
        return signature

    def lists(self, tally: Tally, labels: Sequence[str], as_of: date) -> _Lists:
        key = (tuple(labels), as_of)
        found = self._lists.get(key)
        if found is None:
            ready = tuple(tally.ready[label] for label in labels)
            found = self._lists[key] = _Lists(ready, add_months(as_of, NEAR_MONTHS))
        return found

    def compare(self, tally: Tally, labels: Sequence[str], outcomes: Sequence[Any]) -> None:
        """Split the classes of checks answered alike where this student's answers differ."""
        if labels is self._for or labels == self._for:
            signature, verified = self.signature, self._verified
            for getter in self._alike:
                same = getter(outcomes)
                # outcomes compare by identity: count() finds the shared ones at C speed
                if same.count(same[0]) == len(same) or same in verified:
                    continue
                if len(set(map(signature, same))) == 1:
                    if len(verified) >= SIGNATURES:
                        verified.clear()
                    verified.add(same)  # holds its outcomes: their ids stay theirs
                    continue
                break
            else:
                return  # nothing to split
        classes = dict(zip(labels, map(self.signature, outcomes), strict=True))
        tally.alike = (
            _refined(tally.alike, _numbered(classes)) if tally.alike else _numbered(classes)
        )
        place = {label: k for k, label in enumerate(labels)}
        members: dict[int, list[int]] = defaultdict(list)
        for label, number in tally.alike.items():
            if label in place:
                members[number].append(place[label])
        self._alike = tuple(itemgetter(*spots) for spots in members.values() if len(spots) > 1)
        self._for = labels if set(labels) == tally.alike.keys() else None


def _told(name: str, candidate_id: str) -> str:
    """A name with its id, before the calendar's mark where it has one."""
    bare = name.removesuffix(ON_DEFAULT)
    return f"{bare} ({candidate_id})" + name[len(bare) :]


def calendar_note(view: Digest) -> str:
    """What the calendar's dates hold on, and what a marked name means where one is."""
    marked = any(
        name.endswith(ON_DEFAULT)
        for _, groups in view.calendar
        for group in groups
        for name in group.names.first
    )
    return f"{CALENDAR_NOTE} {CALENDAR_READINGS}" if marked else CALENDAR_NOTE


def _signature(outcome: Any) -> tuple:
    """What makes two answers alike: the status, what the closest pathway lacks, and the
    day time closes it."""
    if outcome.status != NOT_MET:
        return (outcome.status,)
    return (
        outcome.status,
        tuple((leaf.node.text, leaf.status) for leaf in outcome.lacking),
        outcome.eligible_by,
    )


def _numbered(classes: Mapping[str, tuple]) -> dict[str, int]:
    numbers: dict[tuple, int] = {}
    return {label: numbers.setdefault(value, len(numbers)) for label, value in classes.items()}


def _refined(first: Mapping[str, int], second: Mapping[str, int]) -> dict[str, int]:
    """The checks answered alike in both (a check one of them has not seen is apart)."""
    numbers: dict[tuple[int, int], int] = {}
    return {
        label: numbers.setdefault((first.get(label, -1), second.get(label, -1)), len(numbers))
        for label in (*first, *(label for label in second if label not in first))
    }


_DETAILS = re.compile(r"'[^']*'|\"[^\"]*\"|\b0x[0-9A-Fa-f]+\b|\b\d[\d.:-]*\b")


def _cause(text: str) -> str:
    """An error's cause, without what differs from row to row (quoted values, numbers)."""
    return _DETAILS.sub("…", text)


# --- grouped for reading ---------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of the results: checks answered alike for every student, with their counts."""

    checks: tuple[str, ...]  # labels (ids), for programs and ``--cert``
    titles: tuple[str, ...]  # the same checks in words, for people
    body: str
    low: bool  # rules of low confidence (L, UNCONFIRMED): placed last, marked
    met: int
    near: int
    not_met: int  # not met and not near
    unknown: int
    ambiguous: int
    not_applicable: int
    no_rules: int
    total: int

    @property
    def name(self) -> str:
        return _joined(self.titles)


@dataclass(frozen=True)
class Group:
    """Students named under one heading: near misses lacking one thing, ready now, a month."""

    checks: tuple[str, ...]
    titles: tuple[str, ...]
    names: Names
    note: str = ""
    low: bool = False

    @property
    def name(self) -> str:
        return _joined(self.titles)


@dataclass(frozen=True)
class Digest:
    """The summary grouped for reading, as both Markdown and HTML show it."""

    tally: Tally
    lines: tuple[Line, ...]
    idle: tuple[str, ...]  # checks applying to no student, in words
    bodies: tuple[tuple[str, tuple[Line, ...]], ...]  # body -> its lines (a chart each)
    near: tuple[tuple[str, tuple[Group, ...]], ...]  # what is lacking -> groups
    ready: tuple[Group, ...]
    calendar: tuple[tuple[str, tuple[Group, ...]], ...]  # YYYY-MM -> groups
    reviews: tuple[tuple[str, tuple[Group, ...]], ...]  # a question in brief -> groups
    causes: tuple[tuple[str, Names], ...]  # an example of the cause (its first row's) -> rows
    about: tuple[tuple[str, tuple[str, ...]], ...]  # provenance: (what, what it says)
    ids: tuple[tuple[str, str], ...]  # (title, id) of every check shown, for --cert
    # checks answered under more than one rule version (students' dates on either side of a
    # version's start), those of the same versions together: (their titles, each version)
    versions: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()

    @property
    def versions_note(self) -> str:
        return VERSIONS_NOTE

    @property
    def caveat(self) -> str:
        return NOT_OFFICIAL

    @property
    def repeated(self) -> list[str]:
        return repeated_lines(self.tally)

    @property
    def repeated_note(self) -> str:
        return REPEATED

    @property
    def strangers(self) -> list[str]:
        return stranger_lines(self.tally)

    @property
    def stranger_note(self) -> str:
        return stranger_note(self.tally)

    @property
    def reconciles(self) -> bool:
        return self.tally.checked + self.tally.error_count == self.tally.rows


SEPARATOR = "; "  # between checks' titles (a title may hold a comma)


def titles_in_words(titles: Sequence[str]) -> str:
    """Checks' titles with what they ask said once: "CPC, COC and CIC: sitting the exam; CPC:
    removing the apprentice designation" rather than each title in full, in first-seen order."""
    groups: dict[str, list[str]] = {}
    for title in titles:
        credential, colon, what = title.partition(": ")
        groups.setdefault(what if colon else title, []).append(credential if colon else "")
    parts = []
    for what, credentials in groups.items():
        named = [c for c in credentials if c]
        if not named:
            parts.append(what)
            continue
        parts.append(f"{and_list(named)}: {what}")
    return SEPARATOR.join(parts)


def _joined(titles: Sequence[str]) -> str:
    if len(titles) <= 3:
        return titles_in_words(titles)
    return f"{titles_in_words(titles)} ({len(titles)} checks answered alike)"


def digest(tally: Tally) -> Digest:
    """The tally grouped: checks answered alike for every student (and of one body and
    confidence) on one line, in report order with low-confidence rules last; near misses by
    what they lack, most students first; error rows by cause."""
    info = tally.checks
    order = {label: k for k, label in enumerate(tally.statuses)}
    rules = _rules_of(tally)

    def titled(labels: Sequence[str]) -> tuple[str, ...]:
        return tuple(tally.titles.get(label, label) for label in labels)

    def low(label: str) -> bool:  # some student's rules of it are
        return any(version.low for version in rules.get(label, ()))

    def body(label: str) -> str:
        return info[label].body if label in info else "other"

    def key(label: str) -> tuple:
        return (low(label), body(label), tally.alike.get(label, -order[label] - 1))

    idle, classes = [], {}
    for label, counts in tally.statuses.items():
        if counts.total() == counts[NOT_APPLICABLE]:
            idle.append(label)
            continue
        classes.setdefault(key(label), []).append(label)
    lines = []
    for members in classes.values():
        counts = tally.statuses[members[0]]
        near = tally.near[members[0]]
        lines.append(
            Line(
                tuple(members),
                titled(members),
                body(members[0]),
                low(members[0]),
                counts[MET],
                near,
                counts[NOT_MET] - near,
                counts[UNKNOWN],
                counts[AMBIGUOUS],
                counts[NOT_APPLICABLE],
                counts[NO_RULES],
                counts.total(),
            )
        )
    lines.sort(key=lambda line: (line.low, order[line.checks[0]]))
    bodies: dict[str, list[Line]] = {}
    for line in lines:
        bodies.setdefault(line.body, []).append(line)
    same = {label: line.checks for line in lines for label in line.checks}

    def grouped(items: Iterable[tuple[str, Names]], note: Any = None) -> list[Group]:
        """One group per line of checks (checks answered alike have the same students)."""
        out: dict[tuple[str, ...], Group] = {}
        for label, names in items:
            checks = same.get(label, (label,))
            if checks not in out:
                out[checks] = Group(
                    checks, titled(checks), names, note(label) if note else "", low(label)
                )
        return sorted(
            out.values(), key=lambda g: (g.low, -g.names.count, order.get(g.checks[0], 0))
        )

    by_lack: dict[str, list[tuple[str, Names]]] = defaultdict(list)
    for (label, text), miss in tally.near_misses.items():
        names = Names(miss.students, miss.names.first, miss.names.ids)
        by_lack[text].append((label, names.told_apart(tally.shared)))

    def reach(text: str) -> Any:
        def note(label: str) -> str:
            miss = tally.near_misses[(label, text)]
            if not miss.reached or miss.latest is None:
                return ""
            return f"{miss.reached} of them reach it by {miss.latest.isoformat()} if their current job continues"

        return note

    near = [(text, tuple(grouped(items, reach(text)))) for text, items in by_lack.items()]
    near.sort(
        key=lambda item: (
            all(g.low for g in item[1]),
            -max(g.names.count for g in item[1]),
            item[0],
        )
    )
    months: dict[str, list[tuple[str, Names]]] = defaultdict(list)
    for (month, label), names in tally.calendar.items():
        months[month].append((label, names.told_apart(tally.shared)))
    by_question: dict[str, list[tuple[str, Names]]] = defaultdict(list)
    for (question, label), names in tally.reviews.items():
        by_question[question].append((label, names.told_apart(tally.shared)))

    def flagged(items: list[tuple[str, Names]]) -> tuple[Group, ...]:
        """Checks flagged for the same students together: a check answered alike with others
        is flagged alone (C01's CPC-P, answered as the CIC is, rests on the question alone)."""
        alike: dict[tuple, list[str]] = {}
        for label, names in items:
            alike.setdefault((names.count, tuple(names.first)), []).append(label)
        named = dict(items)
        groups = [
            Group(tuple(labels), titled(labels), named[labels[0]], "", low(labels[0]))
            for labels in alike.values()
        ]
        return tuple(
            sorted(groups, key=lambda g: (g.low, -g.names.count, order.get(g.checks[0], 0)))
        )

    reviews = [(question, flagged(items)) for question, items in by_question.items()]
    reviews.sort(key=lambda item: (-max(g.names.count for g in item[1]), item[0]))
    return Digest(
        tally,
        tuple(lines),
        titled(idle),
        tuple((name, tuple(members)) for name, members in bodies.items()),
        tuple(near),
        tuple(
            grouped(
                (k, Names(tally.statuses[k][MET], v.first, v.ids).told_apart(tally.shared))
                for k, v in tally.ready.items()
                # a check nobody meets is not "ready now", nor what passing an exam would give
                # (the full CIC for 500 students, of whom 186 may sit it): the table counts it
                if tally.statuses[k][MET]
                and getattr(tally.checks.get(k), "kind", "") not in NOT_READY_KINDS
            )
        ),
        tuple((month, tuple(grouped(months[month]))) for month in sorted(months)),
        tuple(reviews),
        tuple(
            (tally.examples.get(cause, cause), names)
            for cause, names in sorted(tally.causes.items(), key=lambda i: (-i[1].count, i[0]))
        ),
        _about(tally),
        tuple(
            (tally.titles.get(label, label), label)
            for label in tally.statuses
            if tally.titles.get(label, label) != label
        ),
        _several({k: v for k, v in rules.items() if k not in idle}, order, titled),
    )


def _rules_of(tally: Tally) -> dict[str, tuple[RulesInfo, ...]]:
    """Each check's rule versions that students were judged under, in the order of their
    words (a body's by number)."""
    found: dict[str, list[RulesInfo]] = defaultdict(list)
    for label, credential, version_id in tally.used:
        info = tally.versions.get((credential, version_id))
        if info is not None:
            found[label].append(info)
    return {label: tuple(sorted(each, key=lambda v: v.words)) for label, each in found.items()}


def _several(
    rules: Mapping[str, tuple[RulesInfo, ...]],
    order: Mapping[str, int],
    titled: Any,
) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """The checks answered under more than one rule version, grouped by those versions, in
    report order: what a cohort all on one date never has."""
    groups: dict[tuple[RulesInfo, ...], list[str]] = {}
    for label in sorted(rules, key=lambda label: order.get(label, len(order))):
        if len(rules[label]) > 1:
            groups.setdefault(rules[label], []).append(label)
    return tuple(
        (titled(labels), tuple(version.said() for version in versions))
        for versions, labels in groups.items()
    )


def _used(tally: Tally) -> Iterator[RulesInfo]:
    for key in {(credential, version_id) for _, credential, version_id in tally.used}:
        if key in tally.versions:
            yield tally.versions[key]


def _about(tally: Tally) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Provenance: the tool, the rules, the evaluation date(s), the policies, the caveat; in
    words (a list where there are several)."""
    rules = tuple(sorted({info.said() for info in _used(tally)}))
    days = (
        "none (no student was checked)"
        if tally.first_day is None
        else tally.first_day.isoformat()
        if tally.first_day == tally.last_day
        else f"{tally.first_day.isoformat()} to {tally.last_day.isoformat()}"  # type: ignore[union-attr]
    )
    settled = tally.policy_words or (
        # without the rule book (a tally put together by hand): as the options spell them
        tuple(f"--policy {k}={v}" for k, v in sorted(tally.policies.items())) or ("none settled",)
    )
    return (
        ("Tool", (f"{TOOL} {__version__}",)),
        ("Rules", rules or ("none",)),
        ("Evaluated as of", (days,)),
        ("Policies (how open questions are read)", settled),
        ("Status", (NOT_OFFICIAL,)),
    )


# --- Markdown ----------------------------------------------------------------------------------


def summary_markdown(tally: Tally) -> str:
    """What a program director reads: counts per check (checks answered alike on one line,
    low-confidence rules last), near misses by what they lack with names, who is ready now, the
    calendar, error rows by cause, and what the answers rest on."""
    view = digest(tally)
    lines = [
        "# Cohort eligibility summary",
        "",
        f"Rows read: {tally.rows}. Checked: {tally.checked}. Not checked (errors): {tally.error_count}."
        + (" Counts reconcile." if view.reconciles else " COUNTS DO NOT RECONCILE."),
        "",
        "## Results per check",
        "",
        f"{NEAR_NOTE} Low-confidence rules come last, marked.",
        "",
        "| Check | met | near | not met | unknown | ambiguous | not applicable | no rules in force | total |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for line in view.lines:
        mark = LOW_MARK if line.low else ""
        lines.append(
            f"| {_md(line.name)}{mark} | {line.met} | {line.near} | {line.not_met} | {line.unknown} "
            f"| {line.ambiguous} | {line.not_applicable} | {line.no_rules} | {line.total} |"
        )
    if view.idle:
        lines += ["", f"Applying to no student: {_md(titles_in_words(view.idle))}."]
    if view.versions:
        lines += ["", VERSIONS_NOTE, ""]
        for titles, versions in view.versions:
            lines.append(f"- {_md(titles_in_words(titles))}:")
            lines += [f"  - {_md(version)}" for version in versions]
    lines += ["", "## Near misses (one thing short on the closest pathway)"]
    for text, groups in view.near:
        lines += ["", f"### Lack only: {_md(text)}", ""]
        lines += [_group_line(group) for group in groups]
    if not view.near:
        lines += ["", NO_NEAR]
    lines += ["", "## Ready now (every condition met)", ""]
    lines += [_group_line(group) for group in view.ready] or [NO_READY]
    lines += ["", "## Calendar: who becomes eligible, month by month", ""]
    if view.calendar:
        lines += [calendar_note(view), ""]
    for month, groups in view.calendar:
        lines += [f"### {month}", ""] + [_group_line(g) for g in groups] + [""]
    if view.calendar:
        lines.pop()
    else:
        lines.append(NO_CALENDAR)
    if view.reviews:
        lines += ["", "## Flagged for a person to review", "", REVIEWS]
        for question, groups in view.reviews:
            lines += ["", f"### Rests on {_md(question)}", ""]
            lines += [_group_line(group) for group in groups]
    if tally.repeated_count:
        lines += ["", "## Student ids given more than once", "", REPEATED, ""]
        lines += [f"- {_md(line)}" for line in repeated_lines(tally)]
    if tally.strangers:
        lines += ["", "## Credentials these rules do not know", "", stranger_note(tally), ""]
        lines += [f"- {_md(line)}" for line in stranger_lines(tally)]
    if view.causes:
        lines += ["", "## Rows not checked", ""]
        for cause, names in view.causes:
            like = "1 row" if names.count == 1 else f"{names.count} rows like this one"
            lines.append(f"- {like}: {_md(cause.splitlines()[0])} ({names.text()})")
    lines += ["", "## About this summary", ""]
    for what, values in view.about:
        if len(values) == 1:
            lines.append(f"- {what}: {_md(values[0])}")
        else:
            lines += [f"- {what}:", *(f"  - {_md(value)}" for value in values)]
    lines += ["", ABOUT_IDS]
    return "\n".join(lines) + "\n"


def repeated_lines(tally: Tally) -> list[str]:
    """Each student id given on several rows, with its rows (the first few, then how many
    more), and how many more ids are: each row is answered on its own, so a student may be
    counted twice."""
    lines = [
        f"{student}: rows {', '.join(map(str, rows))}"
        + (f" and {count - len(rows)} more" if count > len(rows) else "")
        for student, rows, count in tally.repeated
    ]
    if tally.repeated_count > len(tally.repeated):
        lines.append(f"and {tally.repeated_count - len(tally.repeated)} more ids")
    return lines


STRANGERS = (
    "These students' records name credentials these rules do not know: each counts toward"
    " nothing, so every check answers as if the student did not hold it (a credential's"
    " renewal or apprentice designation goes unchecked)."
)


def stranger_note(tally: Tally) -> str:
    """What the credentials these rules do not know mean for the answers, and the fix: a map
    for those that stand for a credential of the rules."""
    pairs = [(name, tally.meant[name]) for name in _strangers(tally) if name in tally.meant]
    if not pairs:
        return (
            STRANGERS
            + " If one is a credential of these rules, write its id as 'eligibility list' gives it."
        )
    setting = ", ".join(f"{name!r}: {meant}" for name, meant in pairs[:6])
    return (
        STRANGERS + " Where one stands for a credential of these rules, write its id as"
        " 'eligibility list' gives it (an export read with a mapping file can map it there:"
        f" values: {{credentials: {{{setting}}}}})."
    )


def _strangers(tally: Tally) -> list[str]:
    """The credential names these rules do not know, most students first."""
    return sorted(tally.strangers, key=lambda name: (-tally.strangers[name].count, name))


def stranger_lines(tally: Tally) -> list[str]:
    """Each credential name these rules do not know, the credential it may stand for and the
    students naming it: "'CPC Apprentice' (perhaps CPC-A) — 3 students: Ana Torres, ..."."""
    lines = []
    for name in _strangers(tally):
        names = tally.strangers[name]
        maybe = f" (perhaps {tally.meant[name]})" if name in tally.meant else ""
        who = f"{names.count} student{'s' if names.count != 1 else ''}"
        lines.append(f"'{name}'{maybe} — {who}: {names.told_apart(tally.shared).text()}")
    return lines


def strangers_said(tally: Tally) -> str:
    """The closing line's words: "25 students name credentials these rules do not know:
    'CPC Apprentice' (18), 'COC Apprentice' (7); ..."."""
    named = _strangers(tally)
    listed = ", ".join(f"'{n}' ({tally.strangers[n].count:,})" for n in named[:3])
    more = f" and {len(named) - 3} more" if len(named) > 3 else ""
    maps = [f"{n!r}: {tally.meant[n]}" for n in named[:3] if n in tally.meant]
    fix = f", or map them: values: {{credentials: {{{', '.join(maps)}}}}}" if maps else ""
    count = tally.stranger_count
    return (
        f"{count:,} student{'s' if count != 1 else ''} name{'s' if count == 1 else ''}"
        f" credentials these rules do not know: {listed}{more}; each counts toward nothing"
        f" (the summary lists them; write the ids 'eligibility list' gives{fix})"
    )


def _group_line(group: Group) -> str:
    mark = LOW_MARK if group.low else ""
    count = group.names.count
    who = f"{count} student{'s' if count != 1 else ''}"
    note = f"; {group.note}" if group.note else ""
    return f"- {_md(group.name)}{mark} — {who}: {_md(group.names.text())}{note}"


def _md(text: str) -> str:
    """Student-supplied text made inert in Markdown (a table cell, a list item)."""
    return re.sub(r"([\\`*\[\]<>|#])|(?<!\w)_|_(?!\w)", lambda m: "\\" + m[0], text)
