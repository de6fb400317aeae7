"""A cohort under two rule books -> the students whose answer changes, check by check.

Each student is read once (``cohort.read_items`` / ``parse_item``, any format ``eligibility
batch`` reads) and answered by both books on the same evaluation date, with the cohort machinery
of ``engine/plan.py`` (``make_plan`` / ``assess``: the answers of ``check_profile``, computed once
per book and date for the whole cohort). An answer is a check's status with the standing of a
credential being kept; a check that one book does not have is ``absent`` there, and a change
between ``absent`` and ``not_applicable`` affects nobody, so it is not one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from hashlib import blake2b

from eligibility.api import resolve_as_of
from eligibility.engine.plan import Assessment, Memo, Plan, assess, make_plan
from eligibility.engine.results import NOT_APPLICABLE
from eligibility.errors import InputError, fault
from eligibility.inputs.cohort import FlatMeaning, Item, parse_item
from eligibility.rulebook.rules import RuleBook

ABSENT = "absent"  # the check does not exist in that rule book
PLANS = 16  # evaluation dates kept compiled at once, per book
LISTED = 100  # students kept per change of answer, and rows not compared, for a summary to name


@dataclass(frozen=True)
class Answer:
    """One check's answer for one student under one book."""

    status: str
    standing: str | None = None
    version: str | None = None
    failed: tuple[str, ...] = ()  # ids of the conditions not met
    ambiguous: tuple[str, ...] = ()  # ids of the conditions an open policy decides

    @property
    def words(self) -> str:
        """``not met (at risk)``: the status, and the standing when there is one."""
        text = "no such check" if self.status == ABSENT else self.status.replace("_", " ")
        return f"{text} ({self.standing})" if self.standing else text


NO_CHECK = Answer(ABSENT)
QUIET = frozenset({ABSENT, NOT_APPLICABLE})  # between these nobody is affected: not a change


@dataclass(frozen=True)
class Change:
    """A student whose answer to a check is not the same under the new rules."""

    row: int
    where: str
    candidate_id: str
    name: str
    as_of: date
    check_id: str
    old: Answer
    new: Answer


@dataclass(frozen=True)
class Unread:
    """A student who could not be compared: a row that is not a valid profile, or a fault."""

    row: int
    where: str
    candidate_id: str
    name: str
    problem: str


@dataclass(frozen=True)
class Group:
    """The students whose answer to one check changes one way (``not met`` -> ``met``)."""

    check_id: str
    old: str  # the answer in words
    new: str
    students: int
    first: tuple[Change, ...]  # the first ones, in input order (a summary names these)
    rows: bytes  # a digest of all their row numbers: groups of the same students have the same


@dataclass(frozen=True)
class Impact:
    """The cohort's answers compared: how many change, which way, the first students of each
    way, and the rows that could not be compared (counted; the first ones kept)."""

    source: str
    as_of: date | None  # the date given, or None: each profile's own as_of, else today
    students: int  # rows read
    changed_students: int
    changed_answers: int
    groups: tuple[Group, ...]  # the largest first
    unread: tuple[Unread, ...]  # the first ones
    unread_count: int
    earliest: date | None = None  # the earliest date a student was answered on
    # open policies whose default the new rules change, with (old, new) default: answers are
    # compared with each settled at its book's default, as an answer's default reading is
    defaults: tuple[tuple[str, str, str], ...] = ()
    # flat CSV rows were read as each book's flat-csv.yaml says (the two differ in what a row
    # stands for), each book answering its own reading
    read_by_each: bool = False

    @property
    def compared(self) -> int:
        return self.students - self.unread_count


class _Growing:
    """A :class:`Group` being counted: its first changes, a digest of its rows, how many."""

    __slots__ = ("count", "digest", "first")

    def __init__(self) -> None:
        self.first: list[Change] = []
        self.digest = blake2b(digest_size=16)
        self.count = 0


class _Tally:
    """What a cohort's comparison keeps, bounded whatever the cohort's size: counts, a digest
    and the first few changes per group, the first few unread rows."""

    def __init__(self, listed: int) -> None:
        self.listed = listed
        self.groups: dict[tuple[str, str, str], _Growing] = {}
        self.students: set[int] = set()  # row numbers: ints, a few bytes a student
        self.answers = 0
        self.unread: list[Unread] = []
        self.unread_count = 0
        self.earliest: date | None = None

    def answered(self, day: date) -> None:
        if self.earliest is None or day < self.earliest:
            self.earliest = day

    def change(self, change: Change) -> None:
        key = (change.check_id, change.old.words, change.new.words)
        group = self.groups.setdefault(key, _Growing())
        if len(group.first) < self.listed:
            group.first.append(change)
        group.digest.update(change.row.to_bytes(8, "little", signed=True))
        group.count += 1
        self.students.add(change.row)
        self.answers += 1

    def not_compared(self, unread: Unread) -> None:
        self.unread_count += 1
        if len(self.unread) < self.listed:
            self.unread.append(unread)

    def impact(self, source: str, as_of: date | None, students: int) -> Impact:
        groups = sorted(
            (
                Group(check_id, old, new, group.count, tuple(group.first), group.digest.digest())
                for (check_id, old, new), group in self.groups.items()
            ),
            key=lambda group: (-group.students, group.check_id, group.old, group.new),
        )
        return Impact(
            source,
            as_of,
            students,
            len(self.students),
            self.answers,
            tuple(groups),
            tuple(self.unread),
            self.unread_count,
            self.earliest,
        )


class _Both:
    """Both books' compiled plans and memos per evaluation date (bounded), and which place of
    each plan answers which check, so that a student's two answers are compared as they come."""

    def __init__(self, old: RuleBook, new: RuleBook) -> None:
        self.books = (old, new)
        self._dates: dict[date, tuple[tuple[Plan, Memo], tuple[Plan, Memo], list]] = {}
        # a default changed moves no status (an answer the question decides is "depends" under
        # both), only which reading is the default: so those questions are settled, each book at
        # its own default, and a student whose default reading changes is counted
        was, now = old.default_policies(), new.default_policies()
        self.defaults = tuple(
            (policy, was[policy], now[policy])
            for policy in sorted(set(was) & set(now))
            if was[policy] != now[policy]
        )
        self.settled = (
            {policy: before for policy, before, _ in self.defaults},
            {policy: after for policy, _, after in self.defaults},
        )

    def changes(
        self, before: dict, after: dict, as_of: date
    ) -> Iterator[tuple[str, Answer, Answer]]:
        """(check, old answer, new answer) for each check whose answer differs: the old book's
        for the profile ``before``, the new book's for ``after`` (the same student, read as each
        book's flat-csv.yaml says; most often the same profile)."""
        if as_of not in self._dates:
            if len(self._dates) >= PLANS:
                self._dates.clear()
            old, new = ((make_plan(book, as_of), Memo()) for book in self.books)
            at = [{label: i for i, label in enumerate(plan.labels)} for plan, _ in (old, new)]
            checks = dict.fromkeys([*old[0].labels, *new[0].labels])
            self._dates[as_of] = (old, new, [(c, at[0].get(c), at[1].get(c)) for c in checks])
        old, new, places = self._dates[as_of]
        was, now = (
            assess(plan, book, profile, settled or None, memo)
            for (plan, memo), book, settled, profile in zip(
                (old, new), self.books, self.settled, (before, after), strict=True
            )
        )
        for check_id, i, j in places:
            # compared before any answer is made: most answers are the same
            before = (was.outcomes[i].status, was.standings[i]) if i is not None else (ABSENT, None)
            after = (now.outcomes[j].status, now.standings[j]) if j is not None else (ABSENT, None)
            if before != after and not (before[0] in QUIET and after[0] in QUIET):
                yield check_id, _answer(was, i), _answer(now, j)


def _answer(assessment: Assessment, place: int | None) -> Answer:
    """The answer at ``place`` of the assessment's plan (None: the book has no such check)."""
    if place is None:
        return NO_CHECK
    outcome = assessment.outcomes[place]
    version = assessment.plan.checks[assessment.plan.wanted[place]].version
    return Answer(
        outcome.status,
        assessment.standings[place],
        version.id if version else None,
        outcome.failed,
        outcome.ambiguous,
    )


def cohort_impact(
    items: Iterable[Item],
    old: RuleBook,
    new: RuleBook,
    as_of: date | None = None,
    source: str = "",
    progress: Callable[[int], None] | None = None,
    on_change: Callable[[Change], None] | None = None,
    listed: int = LISTED,
    old_meaning: FlatMeaning | None = None,
) -> Impact:
    """Every student of ``items`` answered under ``old`` and ``new`` on the same date (``as_of``,
    else the profile's own, else today). Each answer that differs is handed to ``on_change``, in
    input order, as it is found (a report streams them); the result keeps counts and the first
    ``listed`` students of each change, so memory stays bounded whatever the cohort's size.
    ``old_meaning``: what the old rules say a flat CSV row stands for, where it differs from
    the meaning ``items`` were read with (the new rules'): the old book answers such a row as
    its own file says."""
    both = _Both(old, new)
    tally = _Tally(listed)
    students = 0
    read_by_each = False
    for item in items:
        students += 1
        row = parse_item(item, as_of)
        before = row
        if old_meaning is not None and item.kind == "flat":
            before, read_by_each = parse_item(item, as_of, old_meaning), True
        if progress:
            progress(1)
        if row.profile is None:
            assert row.error is not None
            tally.not_compared(Unread(row.number, row.where, *row.who, _said(row.error)))
            continue
        data = row.profile.data
        who = (str(data.get("candidate_id") or ""), str(data.get("name") or ""))
        if before.profile is None:  # a row only the old rules' flat-csv.yaml cannot read
            assert before.error is not None
            said = f"read as the old rules' flat-csv.yaml says: {_said(before.error)}"
            tally.not_compared(Unread(row.number, row.where, *who, said))
            continue
        try:
            day = resolve_as_of(row.profile, as_of)  # this student's: the next has its own
            changes = list(both.changes(before.profile.data, data, day))
            tally.answered(day)
        except Exception as error:  # a fault on one student costs that student, not the cohort
            problem = error if isinstance(error, InputError) else fault(row.where, error)
            tally.not_compared(Unread(row.number, row.where, *who, _said(problem)))
            continue
        for check_id, old_answer, new_answer in changes:
            change = Change(row.number, row.where, *who, day, check_id, old_answer, new_answer)
            tally.change(change)
            if on_change is not None:
                on_change(change)
    return replace(
        tally.impact(source, as_of, students), defaults=both.defaults, read_by_each=read_by_each
    )


def _said(error: InputError) -> str:
    return f"{error.problem}; {error.fix}" if error.fix else error.problem
