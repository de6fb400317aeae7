"""The one evaluator: a rule book on a date compiled into a plan, run once per profile.

Every check in force on a date is compiled into one JsonLogic program, run once per set of facts;
leaves come back as codes (0 not met, 2 met; 1 unknown where a fact they read is missing, marked
in Python) that ``all`` / ``any`` combine with min / max. Policy alternatives re-derive only the
fact sections that read the policy and re-run only the leaves that read them; a credential its
keeping checks make lapse re-runs only what reads the credentials. From one run come a cohort's
answers (:func:`assess`: outcomes, remembered for facts already seen) and one profile's result
trees (:func:`explain_profile`), both read through ``evaluate.py``'s rules (closest pathway,
what it lacks), so ``check`` and ``batch`` cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property, lru_cache
from itertools import compress, product
from operator import itemgetter
from typing import Any

import orjson

from eligibility.dates import DAYS_PER_MONTH
from eligibility.engine.results import (
    AMBIGUOUS,
    KEEPING_KINDS,
    LAPSED,
    MET,
    NO_RULES,
    NOT_APPLICABLE,
    NOT_MET,
    STANDING_ORDER,
    UNKNOWN,
    CheckResult,
    EligibleBy,
    NodeResult,
    OtherReading,
    PolicyReading,
    ReadingDay,
    ReadingStanding,
    Review,
    UnknownStanding,
    closest_pathway,
    default_standing,
    first_day,
    inner_result,
    lacking_leaves,
    lacking_parts,
    lookup,
    mark_ambiguous,
    missing_choice,
    shortfall_of,
    standing_steps,
)
from eligibility.engine.unstated import unstated_assessment, with_unstated
from eligibility.facts import (
    FactsRead,
    LeftOut,
    derive,
    left_out,
    policy_can_matter,
    rederive,
    rederive_each,
)
from eligibility.logic import Compiled, ListProgram, compile_list, compile_parts, truthy
from eligibility.rulebook.rules import Check, FirstRecord, Node, RuleBook, TimeAssumption, Version
from eligibility.rulebook.versions import CONDITIONS, CONDITIONS_KEY

NOT_MET_CODE, UNKNOWN_CODE, MET_CODE = 0, 1, 2
MEMO_SIZE = 4096  # answers remembered across students, per generation (see Memo)
CODE_STATUS = (NOT_MET, UNKNOWN, MET)
AS_REPORTED = "as reported"  # a context's scratch: the run before the lapsed credentials went


@dataclass(frozen=True, eq=False)  # one object per outcome: counted and looked up by identity
class Outcome:
    """How a check's conditions came out: shared by checks with the same conditions (same ids,
    words and logic, as the 22 specialty exams), so a cohort report renders it once."""

    status: str
    failed: tuple[str, ...] = ()  # leaf ids not met (as in `eligibility show`)
    unknown: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    # the closest pathway's unmet leaves (not met answers only): not met, unknown, then ambiguous
    lacking: tuple[NodeResult, ...] = ()
    dated: bool = False  # a reached-on date was searched for: it depends on the whole work history
    # an ambiguous answer's open questions: the policies whose other readings change it (a
    # cohort's next step is to settle them)
    questions: tuple[str, ...] = ()

    # the closest pathway's one missing thing when it is a choice of conditions (any one
    # would do): its unmet conditions are all in ``lacking``, yet it is one thing missing
    choice: NodeResult | None = None

    @cached_property  # outcomes are shared by many students: worked out once
    def near_miss(self) -> NodeResult | None:
        """The one thing the closest pathway lacks, when it lacks only one: a condition, or a
        choice of conditions any of which would do, counted as the answer counts it."""
        if len(self.lacking) == 1 and self.lacking[0].status == NOT_MET:
            return self.lacking[0]
        # an answer made unknown by what the profile leaves unstated keeps no choice missing
        return self.choice if self.status == NOT_MET else None

    eligible: EligibleBy | None = None  # not met, but time alone makes it met: when, and how
    # (leaf id, how to give it) for the unknown leaves that depend on what the profile leaves
    # unknown (engine/unstated: a field not stated), as ``check`` says it for each
    supply: tuple[tuple[str, str], ...] = ()
    # unknown because whether the check applies depends on what the profile leaves unknown:
    # (what, how to give it), as ``CheckResult.applies_unknown``
    applies: tuple[tuple[str, str], ...] = ()
    # unknown under the readings of what the profile leaves unknown (engine/unstated): every
    # unmet leaf as ``check`` shows it, from which its ways forward are made
    gaps: tuple[NodeResult, ...] = ()

    @property
    def eligible_by(self) -> date | None:
        """The first day the check is met when time alone closes every gap of one of its
        pathways (the soonest such pathway, under the assumptions ``eligible`` states); None
        otherwise."""
        return self.eligible.day if self.eligible is not None else None


NO_OUTCOME = Outcome(NOT_APPLICABLE)

# slot -> its status under each other value of an open policy that changes it
Ambiguous = dict[int, tuple[PolicyReading, ...]]


@dataclass(frozen=True)
class Verdict:
    """One check's answer for one student, as a cohort report needs it."""

    check_id: str
    version: Version | None
    status: str
    standing: str | None = None
    outcome: Outcome = NO_OUTCOME


class Memo:
    """Answers worked out for one cohort, bounded so that memory stays flat whatever its size,
    keeping what students share: two generations; when the young one is full it becomes the old
    one (the previous old one is dropped), and an answer found in the old one is brought back.
    One per plan and policy setting (the keys hold the rest); ``get`` raises TypeError for an
    unhashable key."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self.size = size
        self.young: dict[Any, Any] = {}  # hot loops try ``young.get`` first: a plain dict lookup
        self._old: dict[Any, Any] = {}

    def get(self, key: Any) -> Any:
        value = self.young.get(key)
        if value is None:
            value = self._old.get(key)
            if value is not None:
                self.put(key, value)
        return value

    def put(self, key: Any, value: Any) -> None:
        if len(self.young) >= self.size:
            self._old, self.young = self.young, {}
        self.young[key] = value

    def __len__(self) -> int:
        return len(self.young) + len(self._old)


# --- the plan: every selected check compiled into one program --------------------------------


@dataclass(frozen=True)
class _Slot:
    """A condition of a check: its place in the codes list, and what explains it."""

    node: Node
    children: tuple[int, ...] = ()  # slots of the children (inner nodes)
    reads: tuple[int, ...] = ()  # program positions of the facts the leaf reads
    sides: tuple[Callable[[_Run], Any], Callable[[_Run], Any]] | None = None  # found, needed
    time_dependent: bool = False
    fix_reads: tuple[int, ...] = ()  # program positions of the facts its fix names
    fix_open: int | None = None  # program position of its fix_when: the fix is offered if true


@dataclass(frozen=True)
class _CheckPlan:
    check_id: str
    check: Check | None
    version: Version | None
    keeping: bool  # a renewal or recertification: answered first, on the facts as reported
    decides: bool  # a keeping check in force: a lapsed standing withholds its credential
    root: int = -1  # slot of ``requires``
    applies: int | None = None  # program position of the applies_when code
    standing: int | None = None  # program position of the not-met standing
    ops: tuple[tuple[int, Callable, Callable], ...] = ()  # (slot, min|max, children getter)
    slots: tuple[int, ...] = ()  # every slot of the check, leaves and inner nodes
    leaves: tuple[int, ...] = ()
    index: int = -1  # its place in Plan.checks
    shape: int = -1  # checks of one shape (same tree, same logic) get the same analysis
    idle: Outcome = NO_OUTCOME  # the answer when it does not apply (or no rules are in force)
    inputs: Callable[[list[Any]], tuple] | None = None  # program values its outcome depends on
    inputs_at: tuple[int, ...] = ()  # their positions
    reads: tuple[tuple[int, int], ...] = ()  # (program position of a fact, leaf slot reading it)
    read_values: Callable[[list[Any]], tuple] | None = None  # the values at those positions
    slot_codes: Callable[[list[int]], tuple] | None = None  # the codes of its slots, in order
    extra: bool = False  # explained with another check (its recommends, or another version)
    hides: bool = False  # some condition is shown only when a fact says so (shown_if, hidden_if)
    # per such condition below the root: its node and the slots it hides with it when not shown
    conditional: tuple[tuple[Node, frozenset[int]], ...] = ()
    # a standing that reads whether conditions are met (``conditions.ID``): run after the codes,
    # with the slots of the conditions it names (``standing`` is then None)
    standing_logic: Compiled | None = None
    standing_conditions: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class _Subprogram:
    """The leaves one open policy can change, to re-run under its other values."""

    program: Compiled
    slots: tuple[int, ...]  # leaf slots, in the program's order (codes first, then reads)
    reads: tuple[tuple[int, ...], ...]  # per leaf: positions of its reads in the program
    sections: tuple[str, ...]  # fact sections the policy changes
    keeping: tuple[int, ...]  # indexes of the keeping checks naming the policy open
    others: tuple[int, ...]  # indexes of the other checks naming it
    keys: tuple[str, ...]  # top-level facts the leaves read (only these are passed)
    owners: Mapping[int, int]  # leaf slot -> index of its check
    inputs: Callable[[list[Any]], tuple]  # main-program values the leaves read
    reads_policy: bool  # some leaf reads the policy itself
    reads_lapsed: bool  # a section it changes or a fact its leaves read is one lapsing changes
    which_keeping: Callable[[list[bool]], tuple]  # which of ``keeping`` apply (from applicable)
    which_others: Callable[[list[bool]], tuple]
    base_codes: Callable[[list[Any]], tuple]  # the main program's codes of ``slots``


@dataclass(frozen=True)
class _Partial:
    """The program entries that read some fact sections, to run again when only they change."""

    program: Compiled
    positions: tuple[int, ...]  # where their values go in the full program's values
    keys: tuple[str, ...]  # top-level facts they read


@dataclass(frozen=True)
class _Group:
    """Checks answered alike: one shape, reading the same program values, with the same gate
    and standings (the 22 specialty exams). The first is answered; the others copy it, unless a
    policy alternative changes one of them."""

    members: tuple[int, ...]  # indexes in Plan.checks
    places: tuple[int, ...]  # per member: its place in Plan.wanted, or -1 when not reported
    reported: tuple[int, ...]  # the places that are not -1
    slots: frozenset[int]  # every slot of every member (is a policy alternative touching one?)
    credentials: tuple[str, ...]  # of the deciding members: what a lapsed standing makes lapse


@dataclass(frozen=True)
class Plan:
    """What a cohort is checked against on one date: the checks asked for (and the keeping checks
    every answer depends on), compiled once."""

    as_of: date
    checks: tuple[_CheckPlan, ...]
    wanted: tuple[int, ...]  # indexes of the checks to report, in the order asked
    labels: tuple[str, ...]  # per ``wanted``: its check id, with ``@VERSION`` when pinned
    program: ListProgram
    codes_from: int  # program position of the first leaf code
    slots: tuple[_Slot, ...]
    leaf_count: int
    policies: Mapping[str, _Subprogram]
    ungated: tuple[bool, ...]  # per check: True when it has rules and no applies_when
    gated: tuple[int, ...]  # indexes of the checks with an applies_when
    gate_codes: Callable[[list[Any]], tuple]  # their applies_when codes (1: it applies)
    lapsed: _Partial  # what to run again when a lapsed credential changes the credentials facts
    read_paths: Mapping[int, str]  # program position -> the fact path it reads
    keeping_groups: tuple[_Group, ...]  # the keeping checks, grouped (see _Group)
    other_groups: tuple[_Group, ...]  # the other wanted checks, grouped
    keeping_gate: Callable[[list[bool]], tuple]  # from applicable: which keeping groups apply
    other_gate: Callable[[list[bool]], tuple]
    blank: tuple[Outcome, ...]  # per wanted place until answered: NO_RULES or NO_OUTCOME
    facts_read: FactsRead  # the fact definitions whose facts the program reads (and their parts)
    extras: tuple[tuple[int | None, tuple[int, ...]], ...] = ()  # per wanted (explaining only):
    # the checks holding its recommends and its other versions in force
    # what time may change (``_Context.dating``): the sections of records that facts growing
    # with time read, and the records the rules' ``closes_with_time`` re-date
    growing: tuple[str, ...] = ()
    redates: tuple[tuple[str, str, str], ...] = ()
    timed: frozenset[int] = frozenset()  # shapes of the checks with a condition time may meet
    # per wanted place whose check gives ways forward for a standing (standing.fix): the standings
    stepped: tuple[tuple[int, frozenset[str]], ...] = ()
    firsts: tuple[FirstRecord, ...] = ()  # the records the rules' ``closes_with_time`` suppose


def make_plan(
    book: RuleBook, as_of: date, selectors: Iterable[str] = (), explaining: bool = False
) -> Plan:
    """Compile the checks ``selectors`` name (none: every check) as ``check_profile`` selects them.

    ``explaining``: also what an explanation shows beside a check's answer, its ``recommends``
    and the answers of other versions in force on the day, as checks of their own."""
    wanted_pairs = book.wanted(selectors)
    keeping = book.all_check_ids(kinds=KEEPING_KINDS)
    builder = _Builder(book, explaining)
    index: dict[tuple[str, str | None], int] = {}
    for check_id in keeping:
        index[(check_id, None)] = builder.add(book, check_id, as_of, None, True, True)
    wanted, labels = [], []
    for check_id, pinned in wanted_pairs:
        key = (check_id, pinned)
        if key not in index:  # pinned: a keeping one is answered as such, but decides nothing
            index[key] = builder.add(book, check_id, as_of, pinned, check_id in keeping, False)
        wanted.append(index[key])
        labels.append(f"{check_id}@{pinned}" if pinned else check_id)
    extras: list[tuple[int | None, tuple[int, ...]]] = []
    if explaining:
        for check_id, pinned in wanted_pairs:
            is_keeping = check_id in keeping
            selection = book.select(check_id, as_of, pinned)
            if selection is None:
                extras.append((None, ()))
                continue
            check = selection.version.check(check_id)
            recommends = (
                builder.add(book, check_id, as_of, pinned, is_keeping, False, "recommends")
                if check is not None and check.recommends is not None
                else None
            )
            others = tuple(
                builder.add(book, check_id, as_of, None, is_keeping, False, version=other)
                for other in selection.others
            )
            extras.append((recommends, others))
    return builder.plan(as_of, tuple(wanted), tuple(labels), tuple(extras))


@lru_cache(maxsize=32)
def cached_plan(book: RuleBook, as_of: date, selectors: tuple[str, ...], explaining: bool) -> Plan:
    """:func:`make_plan`, kept for the books and dates asked for most recently: a program
    checking one profile after another on one date compiles its plan once."""
    return make_plan(book, as_of, selectors, explaining)


class _Builder:
    """Collects program entries and slots while checks are added; used once by :func:`make_plan`."""

    def __init__(self, book: RuleBook, explaining: bool) -> None:
        self.facts = book.facts
        self.explaining = explaining
        self.details: list[str] = []  # facts an explanation lists under unmet conditions
        self.lapsed_groups = book.facts.lapsed_groups()  # what a lapsed credential changes
        self.policy_groups = book.facts.group_policies()  # policy -> the facts it changes
        self.paths: dict[str, int] = {}  # fact path -> program position
        self.entries: list[Any] = []
        self.entry_reads: list[tuple[str, ...]] = []  # per entry: the fact paths it reads
        self.leaf_entries: list[Any] = []  # placed last in the program: their codes are one slice
        self.leaf_reads: list[tuple[str, ...]] = []
        self.computed_sides: list[int] = []  # program positions of operands that are not reads
        self.leaves: list[_Slot] = []
        self.inner: list[tuple[Node, list]] = []  # (node, children refs) until slots are known
        self.checks: list[dict[str, Any]] = []

    def entry(self, expression: Any, reads: Iterable[str]) -> int:
        self.entries.append(expression)
        self.entry_reads.append(tuple(reads))
        return len(self.entries) - 1

    def side(self, operand: Compiled) -> Callable[[_Run], Any]:
        """A comparison operand, read after a run: literals and plain ``var`` reads directly
        (most operands; they would double the program), anything else from the program."""
        expression = operand.source
        if expression is None or isinstance(expression, bool | int | float | str):
            return lambda run: expression
        if (
            isinstance(expression, dict)
            and list(expression) == ["var"]
            and isinstance(expression["var"], str)
            and expression["var"]
        ):
            position = self.read(expression["var"])  # the engine's own reading, as evaluate.py's
            return lambda run: run.values[position]
        position = self.entry(expression, operand.reads)
        self.computed_sides.append(position)
        return lambda run: run.values[position]

    def read(self, path: str) -> int:
        if path not in self.paths:
            self.paths[path] = self.entry({"var": path}, (path,))
        return self.paths[path]

    def add(
        self,
        book: RuleBook,
        check_id: str,
        as_of: date,
        pinned: str | None,
        keeping: bool,
        decides: bool,
        part: str = "requires",
        version: Version | None = None,
    ) -> int:
        """A check's place in the plan; ``part`` and ``version`` (other than the one in force)
        make one only explained beside another (see :func:`make_plan`)."""
        selection = book.select(check_id, as_of, pinned) if version is None else None
        plan: dict[str, Any] = {"check_id": check_id, "keeping": keeping, "decides": decides}
        plan["extra"] = part != "requires" or version is not None
        computed: dict[int, list[int]] = {}
        if selection is not None or version is not None:
            version = selection.version if selection is not None else version
            assert version is not None
            check = version.check(check_id)
            assert check is not None
            standing = check.standing_not_met
            # a standing that reads the check's conditions runs after them, not in the program
            after = standing if standing and _reads_conditions(standing) else None
            if after:
                self.details += [r for r in after.reads if not r.startswith(CONDITIONS)]
            # what a standing's ways forward name and when they can be taken (an appeal's window)
            self.details += [r for _, steps in check.standing_fix for s in steps for r in s.reads]
            if self.explaining:  # what a review names (the borderline jobs), when one is flagged
                self.details += [
                    words
                    for p in version.open_policies
                    if (words := book.policies[p].review_details)
                ]
            plan.update(
                check=check,
                version=version,
                applies=self.entry(
                    {"if": [check.applies_logic.source, 1, 0]}, check.applies_logic.reads
                )
                if check.applies_logic
                else None,
                standing=self.entry(standing.source, standing.reads)
                if standing and not after
                else None,
                standing_logic=after,
                sides=computed,
                tree=self.node(getattr(check, part), computed),
            )
        self.checks.append(plan)
        return len(self.checks) - 1

    def node(self, node: Node, computed: dict[int, list[int]]) -> tuple[str, int]:
        """A reference to ``node``: ("leaf", n) or ("inner", n), resolved to slots in :meth:`plan`;
        ``computed`` collects, per leaf, the program positions of operands that are not reads."""
        if self.explaining and node.details:
            self.details.append(node.details)
        # what decides whether a condition is shown: batch leaves out what check does not show
        self.details += [f for f in (node.shown_if, node.hidden_if) if f]
        if self.explaining and node.assumes_unless:  # whether an answer rests on its assumption
            self.details += node.assumes_unless.reads
        if node.kind == "leaf":
            assert node.logic is not None
            sides = None
            if node.sides is not None:
                _, left, right = node.sides
                before = len(self.computed_sides)
                sides = (self.side(left), self.side(right))
                computed[len(self.leaves)] = self.computed_sides[before:]
            self.leaf_entries.append({"if": [node.logic.source, MET_CODE, NOT_MET_CODE]})
            self.leaf_reads.append(node.logic.reads)
            slot = _Slot(
                node,
                reads=tuple(
                    self.read(path) for path in node.logic.reads if not path.startswith("policies.")
                ),
                sides=sides,
                time_dependent=node.grows,
                fix_reads=tuple(self.read(path) for path in node.fix_reads),
                fix_open=self.entry(node.fix_when.source, node.fix_when.reads)
                if node.fix_when is not None
                else None,
            )
            self.leaves.append(slot)
            return ("leaf", len(self.leaves) - 1)
        self.inner.append((node, [self.node(child, computed) for child in node.children]))
        return ("inner", len(self.inner) - 1)

    def plan(
        self,
        as_of: date,
        wanted: tuple[int, ...],
        labels: tuple[str, ...],
        extras: tuple[tuple[int | None, tuple[int, ...]], ...],
    ) -> Plan:
        leaf_count = len(self.leaves)

        def slot_of(ref: tuple[str, int]) -> int:
            return ref[1] if ref[0] == "leaf" else leaf_count + ref[1]

        slots = list(self.leaves) + [
            _Slot(node, children=tuple(slot_of(child) for child in children))
            for node, children in self.inner
        ]
        checks: list[_CheckPlan] = []
        shapes: dict[str, int] = {}
        for plan in self.checks:
            if "tree" not in plan:
                checks.append(
                    _CheckPlan(
                        plan["check_id"],
                        None,
                        None,
                        plan["keeping"],
                        plan["decides"],
                        index=len(checks),
                        idle=Outcome(NO_RULES),
                    )
                )
                continue
            order: list[int] = []
            _post_order(slots, slot_of(plan["tree"]), order)
            # everything an outcome is made of: an outcome is remembered under these
            inputs = sorted(
                {r for s in order if s < leaf_count for r in slots[s].reads + slots[s].fix_reads}
                | {position for s in order for position in plan["sides"].get(s, ())}
                | {
                    slots[s].fix_open
                    for s in order
                    if s < leaf_count and slots[s].fix_open is not None
                }
            )
            ops = tuple(
                (
                    s,
                    min if slots[s].node.kind == "all" else max,
                    itemgetter(*slots[s].children, *slots[s].children[:1]),  # always a tuple
                )
                for s in order
                if s >= leaf_count
            )
            checks.append(
                _CheckPlan(
                    plan["check_id"],
                    plan["check"],
                    plan["version"],
                    plan["keeping"],
                    plan["decides"],
                    root=slot_of(plan["tree"]),
                    index=len(checks),
                    applies=plan["applies"],
                    standing=plan["standing"],
                    ops=ops,
                    slots=tuple(order),
                    leaves=tuple(s for s in order if s < leaf_count),
                    shape=shapes.setdefault(_shape(slots, slot_of(plan["tree"])), len(shapes)),
                    idle=NO_OUTCOME,
                    inputs=_getter(inputs),
                    inputs_at=tuple(inputs),
                    reads=tuple((r, s) for s in order if s < leaf_count for r in slots[s].reads),
                    read_values=_getter(
                        [r for s in order if s < leaf_count for r in slots[s].reads]
                    ),
                    slot_codes=_getter(order),
                    extra=plan["extra"],
                    hides=any(slots[s].node.shown_if or slots[s].node.hidden_if for s in order),
                    standing_logic=plan["standing_logic"],
                    standing_conditions=tuple(
                        (slots[s].node.id, s)
                        for s in order
                        if plan["standing_logic"] is not None
                        and f"{CONDITIONS}{slots[s].node.id}" in plan["standing_logic"].reads
                    ),
                    conditional=tuple(
                        (slots[s].node, frozenset(_subtree(slots, s)))
                        for s in order
                        if (slots[s].node.shown_if or slots[s].node.hidden_if)
                        and s != slot_of(plan["tree"])
                    ),
                )
            )
        keeping_groups = _groups(
            checks, [i for i, c in enumerate(checks) if c.keeping and not c.extra], wanted
        )
        other_groups = _groups(checks, [i for i in wanted if not checks[i].keeping], wanted)
        return Plan(
            as_of,
            tuple(checks),
            wanted,
            labels,
            compile_list(
                self.entries + self.leaf_entries,
                [read for reads in self.entry_reads + self.leaf_reads for read in reads],
            ),
            len(self.entries),
            tuple(slots),
            leaf_count,
            self.subprograms(checks, slots),
            tuple(c.check is not None and c.applies is None for c in checks),
            tuple(i for i, c in enumerate(checks) if c.check is not None and c.applies is not None),
            _getter([c.applies for c in checks if c.check is not None and c.applies is not None]),
            self.partial(self.lapsed_groups),
            {position: path for path, position in self.paths.items()},
            keeping_groups,
            other_groups,
            _getter([group.members[0] for group in keeping_groups]),
            _getter([group.members[0] for group in other_groups]),
            tuple(checks[i].idle for i in wanted),  # a check that does not apply stays so
            self.facts.definitions_reading(
                [read for reads in self.entry_reads + self.leaf_reads for read in reads]
                + self.details
            ),
            extras,
            tuple(
                sorted(
                    {
                        d.params["records"]
                        for d in self.facts.definitions
                        if d.grows and isinstance(d.params.get("records"), str)
                    }
                )
            ),
            tuple(
                dict.fromkeys(
                    r
                    for slot in slots
                    if slot.node.closes_with_time is not None
                    for r in slot.node.closes_with_time.redate
                )
            ),
            frozenset(
                c.shape
                for c in checks
                if any(
                    slots[k].node.grows or slots[k].node.closes_with_time is not None
                    for k in c.leaves
                )
            ),
            tuple(
                (place, frozenset(dict(check.standing_fix)))
                for place, i in enumerate(wanted)
                if (check := checks[i].check) is not None and check.standing_fix
            ),
            tuple(
                dict.fromkeys(
                    slot.node.closes_with_time.first
                    for slot in slots
                    if slot.node.closes_with_time is not None
                    and slot.node.closes_with_time.first is not None
                )
            ),
        )

    def partial(self, sections: Sequence[str]) -> _Partial:
        every = zip(
            self.entries + self.leaf_entries, self.entry_reads + self.leaf_reads, strict=True
        )
        chosen = [
            (position, expression, reads)
            for position, (expression, reads) in enumerate(every)
            if any(read.split(".")[0] in sections for read in reads)
        ]
        return _Partial(
            compile_parts(
                [expression for _, expression, _ in chosen],
                [read for _, _, reads in chosen for read in reads],
            ),
            tuple(position for position, _, _ in chosen),
            tuple(
                dict.fromkeys(
                    ["policies", *(r.split(".")[0] for _, _, reads in chosen for r in reads)]
                )
            ),
        )

    def subprograms(self, checks: list[_CheckPlan], slots: list[_Slot]) -> dict[str, _Subprogram]:
        """Per open policy: the leaves of the checks naming it that read the policy or a fact
        section it changes."""
        out = {}
        for policy in dict.fromkeys(
            p for c in checks if c.version for p in c.version.open_policies
        ):
            sections = self.policy_groups.get(policy, ())
            naming = tuple(
                i for i, c in enumerate(checks) if c.version and policy in c.version.open_policies
            )
            owners = {s: i for i in naming for s in checks[i].leaves}
            chosen = [
                s
                for i in naming
                for s in checks[i].leaves
                if any(
                    read == f"policies.{policy}" or read.split(".")[0] in sections
                    for read in slots[s].node.logic.reads  # type: ignore[union-attr]
                )
            ]
            chosen = list(dict.fromkeys(chosen))
            entries: list[Any] = [
                {"if": [slots[s].node.logic.source, MET_CODE, NOT_MET_CODE]}  # type: ignore[union-attr]
                for s in chosen
            ]
            positions: dict[str, int] = {}
            reads = []
            for s in chosen:
                mine = []
                for path in slots[s].node.logic.reads:  # type: ignore[union-attr]
                    if path.startswith("policies."):
                        continue
                    if path not in positions:
                        positions[path] = len(entries)
                        entries.append({"var": path})
                    mine.append(positions[path])
                reads.append(tuple(mine))
            every_read = [r for s in chosen for r in slots[s].node.logic.reads]  # type: ignore[union-attr]
            out[policy] = _Subprogram(
                compile_parts(entries, [r for s in chosen for r in slots[s].node.logic.reads]),  # type: ignore[union-attr]
                tuple(chosen),
                tuple(reads),
                sections,
                tuple(i for i in naming if checks[i].keeping),
                tuple(i for i in naming if not checks[i].keeping),
                tuple(dict.fromkeys(["policies", *(r.split(".")[0] for r in every_read)])),
                {s: owners[s] for s in chosen},
                _getter(sorted({r for s in chosen for r in slots[s].reads})),
                f"policies.{policy}" in every_read,
                bool({*sections, *(r.split(".")[0] for r in every_read)} & {*self.lapsed_groups}),
                _getter([i for i in naming if checks[i].keeping]),
                _getter([i for i in naming if not checks[i].keeping]),
                _getter([len(self.entries) + s for s in chosen]),  # leaf codes follow the entries
            )
        return out


def _groups(
    checks: Sequence[_CheckPlan], indexes: Sequence[int], wanted: Sequence[int]
) -> tuple[_Group, ...]:
    """``indexes`` grouped into checks answered alike (see :class:`_Group`), in first-seen order."""
    places = {index: place for place, index in enumerate(wanted)}
    by_key: dict[Any, list[int]] = {}
    for i in indexes:
        check = checks[i]
        key: Any = (
            ("rules", check.shape, check.inputs_at, check.applies, check.standing)
            + ((check.check.standing_met, check.version.open_policies) if check.check else ())  # type: ignore[union-attr]
            + (
                (orjson.dumps(check.standing_logic.source), check.standing_conditions)
                if check.standing_logic is not None
                else ()
            )
            if check.check is not None
            else ("none", i)
        )
        by_key.setdefault(key, []).append(i)
    groups = []
    for members in by_key.values():
        at = tuple(places.get(i, -1) for i in members)
        groups.append(
            _Group(
                tuple(members),
                at,
                tuple(place for place in at if place >= 0),
                frozenset(slot for i in members for slot in checks[i].slots),
                tuple(checks[i].version.credential for i in members if checks[i].decides),  # type: ignore[union-attr]
            )
        )
    return tuple(groups)


def _hashable(value: Any) -> Any:
    """``value`` with lists and mappings made into tuples, to serve as a memo key."""
    if isinstance(value, list | tuple):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, _hashable(item)) for key, item in sorted(value.items()))
    return value


def _getter(positions: Sequence[int]) -> Callable[[list[Any]], tuple]:
    """The values at ``positions``, always as a tuple (itemgetter of one gives the bare item)."""
    if not positions:
        return lambda values: ()
    if len(positions) == 1:
        position = positions[0]
        return lambda values: (values[position],)
    return itemgetter(*positions)


def _shape(slots: Sequence[_Slot], slot: int) -> str:
    """Everything an outcome and its rendering read of a tree: ids, words, units and logic."""
    node = slots[slot].node
    own = orjson.dumps(
        [
            *(node.kind, node.id, node.text, node.measure, node.unit, node.fix, node.details),
            *(node.fix_unsure, node.fix_after),
            *(node.details_when, node.shown_if, node.hidden_if),
            node.assumes_unless.source if node.assumes_unless else None,
        ],
    ).decode()
    if node.kind == "leaf":
        logic = orjson.dumps(node.logic.source, option=orjson.OPT_SORT_KEYS)  # type: ignore[union-attr]
        return own + logic.decode()
    return f"{own}({','.join(_shape(slots, child) for child in slots[slot].children)})"


def _subtree(slots: Sequence[_Slot], slot: int) -> list[int]:
    order: list[int] = []
    _post_order(slots, slot, order)
    return order


def _post_order(slots: Sequence[_Slot], slot: int, order: list[int]) -> None:
    for child in slots[slot].children:
        _post_order(slots, child, order)
    order.append(slot)


# --- evaluation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """The program's answer on one set of facts: raw values, which checks apply, and codes.

    A check's codes (unknown leaves marked, conditions combined) are worked out only when asked
    for (:meth:`codes_of`): most outcomes come from the memo, which needs only the values."""

    plan: Plan
    facts: Mapping[str, Any]
    values: list[Any]
    applicable: list[bool]  # per check of the plan
    codes: list[int]  # per slot; a check's are final once it is ready
    ready: list[bool]  # per check

    def codes_of(self, check: _CheckPlan) -> list[int]:
        if not self.ready[check.index]:
            values, codes = self.values, self.codes
            if None in check.read_values(values):  # type: ignore[misc]
                for position, slot in check.reads:
                    if values[position] is None:  # a fact the profile does not give
                        codes[slot] = UNKNOWN_CODE
            for slot, combine, children in check.ops:
                codes[slot] = combine(children(codes))
            self.ready[check.index] = True
        return self.codes

    def leaf_code(self, slot: int) -> int:
        values = self.values
        if any(values[position] is None for position in self.plan.slots[slot].reads):
            return UNKNOWN_CODE
        return values[self.plan.codes_from + slot]


def _reads_conditions(standing: Compiled) -> bool:
    """Whether a standing reads its check's conditions (``conditions.ID``)."""
    return any(read.startswith(CONDITIONS) for read in standing.reads)


def _run(plan: Plan, facts: Mapping[str, Any]) -> _Run:
    return _finish(plan, facts, plan.program(facts))


def _were_held(held: CheckResult, credential: str) -> str:
    """What a check for holders finds were the lapsed ``credential`` held again (``held``)."""
    root = held.requires
    if held.status != MET or root is None:
        return {
            NOT_MET: "Were it reinstated, this check would still not be met.",
            UNKNOWN: "Were it reinstated, the profile would not say enough to answer this check.",
        }.get(held.status, "Were it reinstated, this check would depend on an open question.")
    ways = [way.node.title for way in root.children if way.status == MET] or [root.node.title]
    return (
        f"Were it reinstated, the profile meets {ways[0]}: have your {credential} reinstated"
        f" (the answer on keeping your {credential} says how), and this check is met."
    )


def _leaves_under(slots: Sequence[_Slot], slot: int) -> frozenset[int]:
    """The leaf slots of the condition at ``slot`` (itself, when it is a leaf)."""
    children = slots[slot].children
    if not children:
        return frozenset((slot,))
    return frozenset().union(*(_leaves_under(slots, child) for child in children))


def _rerun(plan: Plan, base: _Run, facts: Mapping[str, Any], partial: _Partial) -> _Run:
    """``base`` with the program entries that read sections ``partial`` covers run again."""
    values = list(base.values)
    fresh = partial.program({key: facts[key] for key in partial.keys})
    for position, value in zip(partial.positions, fresh, strict=True):
        values[position] = value
    return _finish(plan, facts, values)


def _steps(
    plan: Plan, facts: Mapping[str, Any], outcomes: list[Outcome], standings: list[str | None]
) -> tuple[tuple[str, ...], ...]:
    """Per wanted place, the ways forward of a not-met answer's standing (keeping checks: read
    on the facts before any credential lapses, as they are answered); empty when none has any."""
    found = {
        place: standing_steps(plan.checks[plan.wanted[place]].check, standings[place], facts)
        for place, names in plan.stepped
        if standings[place] in names and outcomes[place].status == NOT_MET
    }
    if not found:
        return ()
    return tuple(found.get(place, ()) for place in range(len(plan.wanted)))


def _finish(plan: Plan, facts: Mapping[str, Any], values: list[Any]) -> _Run:
    applicable = list(plan.ungated)  # checks with rules and no applies_when apply to anyone
    for i, code in zip(plan.gated, plan.gate_codes(values), strict=True):
        applicable[i] = code == 1
    codes = values[plan.codes_from :]
    codes.extend([0] * (len(plan.slots) - plan.leaf_count))
    return _Run(plan, facts, values, applicable, codes, [False] * len(plan.checks))


@dataclass(frozen=True)
class Assessment:
    """One student's answers to the plan's checks: an outcome and a standing per wanted check.

    Kept as two parallel tuples rather than one object per check: a cohort makes tens of them per
    student, and a batch reads them straight through (:meth:`verdicts` gives the objects)."""

    plan: Plan
    outcomes: tuple[Outcome, ...]  # per plan.wanted
    standings: tuple[str | None, ...]
    results: tuple[CheckResult, ...] = ()  # per plan.wanted, when asked for (``explained``)
    # per plan.wanted, the policies whose other values change its answer and that need a
    # person's review (empty when none does: most students)
    reviews: tuple[tuple[str, ...], ...] = ()
    # per plan.wanted, the ways forward its rules give for its standing when not met (a
    # revoked credential's appeal), facts filled in (empty when none has any: most students)
    steps: tuple[tuple[str, ...], ...] = ()

    def verdicts(self) -> tuple[Verdict, ...]:
        checks = self.plan.checks
        return tuple(
            Verdict(checks[i].check_id, checks[i].version, outcome.status, standing, outcome)
            for i, outcome, standing in zip(
                self.plan.wanted, self.outcomes, self.standings, strict=True
            )
        )


def assess(
    plan: Plan,
    book: RuleBook,
    profile: Mapping[str, Any],
    explicit: Mapping[str, str] | None = None,
    memo: Memo | None = None,
    explained: bool | frozenset[int] = False,
    readings: bool = True,
) -> Assessment:
    """The answers to the plan's checks for one schema-valid profile, as ``check_profile`` finds them.

    As there, the keeping checks (renewal, recertification) are answered first, and a credential
    they make inactive or revoked is not held for any other check. ``memo`` may be shared by the
    calls of one cohort that use the same plan and the same ``explicit`` policies.

    Each gap of the closest pathway that time alone closes gets its reached-on date, as
    ``check`` dates it (a search of probe dates each), so that a cohort's next step reads as
    ``check``'s first way forward.

    ``explained`` (a plan made with ``explaining``): the result trees too, from the same run, as
    :func:`explain_profile` gives them (a JSON Lines report renders them); of the checks at
    those places of ``plan.wanted`` only, when a set (the others' are None).

    ``readings``: an answer that depends on what the profile leaves unknown (a field not stated,
    a date known to the month) is unknown (engine/unstated.py); False answers the profile as it
    is read, as those other readings themselves are.
    """
    explicit = dict(explicit or {})
    policies = {**book.default_policies(), **explicit}
    context = _Context(plan, book, profile, policies, explicit)
    base = _run(
        plan,
        derive(
            profile, plan.as_of, policies, book.facts, shared=context.read, only=plan.facts_read
        ),
    )
    memo = Memo() if memo is None else memo
    outcomes: list[Outcome] = list(plan.blank)
    standings: list[str | None] = [None] * len(plan.wanted)
    reviews: dict[int, list[str]] = {}
    kept_ambiguous = context.ambiguous(base, frozenset(), True, memo, reviews)
    results: dict[int, CheckResult] = {}
    only = explained if isinstance(explained, frozenset) else None
    if explained:
        context.explain(base, frozenset(), True, memo, results, True, only)
    lapsed = context.answer(
        plan.keeping_groups,
        plan.keeping_gate,
        base,
        kept_ambiguous,
        memo,
        frozenset(),
        outcomes,
        standings,
    )
    run = context.without(base, lapsed)
    ambiguous = context.ambiguous(run, lapsed, False, memo, reviews)
    context.answer(
        plan.other_groups, plan.other_gate, run, ambiguous, memo, lapsed, outcomes, standings
    )
    if explained:
        context.explain(run, lapsed, False, memo, results, True, only)
    trees = _wanted_results(plan, results, only) if explained else ()
    review = tuple(tuple(reviews.get(i, ())) for i in plan.wanted) if reviews else ()
    steps = _steps(plan, base.facts, outcomes, standings)
    answer = Assessment(plan, tuple(outcomes), tuple(standings), trees, review, steps)
    if not readings:
        return answer
    return unstated_assessment(
        profile,
        answer,
        lambda data, explained: assess(plan, book, data, explicit, memo, explained, False),
        plan.as_of,
        (book.date_ask, book.date_words, book.field_names),
    )


def explain_profile(
    plan: Plan,
    book: RuleBook,
    profile: Mapping[str, Any],
    explicit: Mapping[str, str] | None = None,
    dates: bool = True,
    readings: bool = True,
) -> tuple[CheckResult, ...]:
    """The result trees of the plan's wanted checks for one schema-valid profile (a plan made
    with ``explaining``), from the same run and rules as :func:`assess`: the keeping checks
    answered first, a credential they make inactive or revoked not held for any other check.

    ``dates``: each unmet condition that time alone closes gets the day it is reached.
    ``readings``: as for :func:`assess`."""
    context, base, memo, results, lapsed = _keeping_first(plan, book, profile, explicit, dates)
    run = context.without(base, lapsed)
    context.explain(run, lapsed, False, memo, results, dates)
    answered = _wanted_results(plan, results)
    if not readings:
        return answered
    return with_unstated(
        profile,
        answered,
        lambda data: explain_profile(plan, book, data, explicit, dates, False),
        plan.as_of,
        asked=(book.date_ask, book.date_words, book.field_names),
    )


def _deciding(
    requires: NodeResult | None, conditions: tuple[tuple[str, int], ...]
) -> tuple[tuple[str, str], ...]:
    """What a standing that reads conditions not known depends on: each unknown leaf under
    them, by its words, with how to give what it lacks (its fact's supply)."""
    if requires is None:
        return ()
    wanted = {cid for cid, _ in conditions}
    found: dict[tuple[str, str], None] = {}

    def walk(result: NodeResult) -> None:
        if result.node.id not in wanted:
            for child in result.children:
                walk(child)
            return
        for leaf in result.leaves():
            if leaf.status == UNKNOWN:
                found[(leaf.node.text, leaf.how_to_give or f"tell us: {leaf.node.text}")] = None

    walk(requires)
    return tuple(found)


def _logic_tree(node: Node) -> Any:
    """What decides whether ``node`` holds: its kind and its leaves' logic."""
    if node.kind == "leaf":
        return node.logic.source  # type: ignore[union-attr]
    return [node.kind, [_logic_tree(child) for child in node.children]]


def _holds(node: Node, facts: Mapping[str, Any]) -> bool:
    """Whether ``node`` is met on ``facts`` (a fact it reads missing: not met)."""
    if node.kind == "leaf":
        return truthy(node.logic(facts))  # type: ignore[misc]
    if node.kind == "all":
        return all(_holds(child, facts) for child in node.children)
    return any(_holds(child, facts) for child in node.children)


def _redated(
    profile: Mapping[str, Any],
    redate: tuple[tuple[str, str, str], ...],
    firsts: tuple[tuple[FirstRecord, tuple[Mapping[str, Any], ...]], ...],
    day: date,
) -> Mapping[str, Any]:
    """``profile`` with the records ``redate`` names (section, date field, the true/false field
    that marks them) dated ``day``: as re-issued on it; and with a record asked for on ``day``
    for each record ``firsts`` supposes one for (``closes_with_time``)."""
    out = dict(profile)
    for section, date_field, when in redate:
        records = out.get(section)
        if isinstance(records, list):
            out[section] = [
                {**record, date_field: day.isoformat()}
                if isinstance(record, Mapping) and record.get(when) is True
                else record
                for record in records
            ]
    for first, those in firsts:
        asked = [
            {
                **dict(first.values),
                **{mine: record.get(theirs) for mine, theirs in first.copy},
                "id": f"{record.get('id')} (asked for)",
                first.link: record.get("id"),
                first.field: day.isoformat(),
            }
            for record in those
        ]
        out[first.records] = [*(out.get(first.records) or ()), *asked]
    return out


def _shown(node: Node, facts: Mapping[str, Any]) -> bool:
    """Whether an explanation shows ``node``: its ``shown_if`` fact true, its ``hidden_if`` not."""
    if node.shown_if and not lookup(facts, node.shown_if):
        return False
    return not (node.hidden_if and lookup(facts, node.hidden_if))


def _wanted_results(
    plan: Plan, results: Mapping[int, CheckResult], only: frozenset[int] | None = None
) -> tuple[Any, ...]:
    """The results of the plan's wanted checks, each with its recommends and other versions
    (of those at the places ``only`` names, when given; None at the others)."""
    answered: list[CheckResult | None] = []
    for place, i in enumerate(plan.wanted):
        if only is not None and place not in only:
            answered.append(None)
            continue
        result = results[i]
        if result.requires is not None and plan.extras:
            recommends, others = plan.extras[place]
            if result.check is not None and result.standing in result.check.hide_recommends:
                recommends = None
            result = replace(
                result,
                recommends=results[recommends].requires if recommends is not None else None,
                others=tuple(
                    OtherReading(results[k].version, results[k].status, results[k])  # type: ignore[arg-type]
                    for k in others
                ),
            )
        answered.append(result)
    return tuple(answered)


def lapsed_by(
    plan: Plan, book: RuleBook, profile: Mapping[str, Any], explicit: Mapping[str, str]
) -> frozenset[str]:
    """The credentials the keeping checks in force make inactive or revoked (a plan made with
    ``explaining``)."""
    return _keeping_first(plan, book, profile, explicit, False)[4]


def _keeping_first(
    plan: Plan,
    book: RuleBook,
    profile: Mapping[str, Any],
    explicit: Mapping[str, str] | None,
    dates: bool,
) -> tuple[_Context, _Run, Memo, dict[int, CheckResult], frozenset[str]]:
    """The run on the facts as reported, the keeping checks' results on it, and the credentials
    they make lapse."""
    explicit = dict(explicit or {})
    policies = {**book.default_policies(), **explicit}
    context = _Context(plan, book, profile, policies, explicit)
    memo = Memo()
    base = _run(
        plan,
        derive(
            profile, plan.as_of, policies, book.facts, shared=context.read, only=plan.facts_read
        ),
    )
    results: dict[int, CheckResult] = {}
    context.explain(base, frozenset(), True, memo, results, dates)
    lapsed = frozenset(
        check.version.credential  # type: ignore[union-attr]
        for i, check in enumerate(plan.checks)
        if check.decides and i in results and results[i].standing in LAPSED
    )
    return context, base, memo, results, lapsed


@dataclass(frozen=True)
class _Context:
    """What every verdict for one profile shares."""

    plan: Plan
    book: RuleBook
    profile: Mapping[str, Any]
    policies: Mapping[str, str]
    explicit: Mapping[str, str]
    scratch: dict[Any, Any] = field(default_factory=dict)  # this profile's answers, shared
    read: dict[tuple, Any] = field(
        default_factory=dict
    )  # its records as read (facts.rederive_each)

    @cached_property
    def dating(self) -> tuple[bool, bool]:
        """What decides which dates a not-met answer can get, besides the facts its check reads:
        whether a record that facts growing with time read goes on past the date (a job with no
        end, or ending later); whether a record the rules re-date is there (a letter 'to
        present'). For students without either no date is searched: time changes nothing."""
        day = self.plan.as_of.isoformat()
        ongoing = any(
            isinstance(record, Mapping)
            and (not record.get("end_date") or str(record["end_date"]) > day)
            for section in self.plan.growing
            for record in self.profile.get(section) or ()
        )
        return ongoing, any(self.redatable(r) for r in self.plan.redates) or any(
            self.supposed(first) for first in self.plan.firsts
        )

    def going(self, check: _CheckPlan) -> bool | None:
        """Whether a job goes on, for a check time may meet (None for the others): it ranks the
        pathways (a month of coding still to do waits for a job to be found where none goes
        on), so answers are remembered under it."""
        return self.dating[0] if check.shape in self.plan.timed else None

    def with_date(
        self, check: _CheckPlan, outcome: Outcome, run: _Run, lapsed: frozenset[str]
    ) -> Outcome:
        """``outcome`` (not met; remembered across students, so undated) with the day time alone
        makes the check met, for this student (:meth:`eligible_from_codes`)."""
        if not any(self.dating):
            return outcome  # time changes nothing for this student
        eligible = self.eligible_from_codes(check, run, lapsed)
        if eligible is None:
            return outcome
        return replace(outcome, eligible=eligible, dated=True)

    def eligible_from_codes(
        self,
        check: _CheckPlan,
        run: _Run,
        lapsed: frozenset[str],
        readings: bool = True,
        near: date | None = None,
    ) -> EligibleBy | None:
        """The first day the check (not met) is met when time alone closes every gap of one of
        its pathways: for each pathway that would be met if every unmet condition time may meet
        were (:meth:`may_close`; unknown ones are not, ambiguous ones read as under the policies
        in effect), the first day the whole pathway is met (:meth:`pathway_met_on`), the soonest
        of them. Not the latest of its conditions' own dates: a letter re-issued on a day vouches
        only for what the job has grown to by then. Read from the run's codes, so that a cohort's
        answer and an explanation agree without a result tree. ``near``: a day the search tries
        first (the day under another reading, which most readings leave where it is)."""
        slots, codes = self.plan.slots, run.codes_of(check)

        def closes(slot: int) -> bool:
            code, info = codes[slot], slots[slot]
            if code == MET_CODE:
                return True
            if not info.children:
                return code == NOT_MET_CODE and self.may_close(info.node)
            met = (closes(child) for child in info.children)
            return all(met) if info.node.kind == "all" else any(met)

        def unmet(slot: int) -> list[Node]:
            if not slots[slot].children:
                return [slots[slot].node] if codes[slot] == NOT_MET_CODE else []
            return [leaf for child in slots[slot].children for leaf in unmet(child)]

        root = slots[check.root]
        best: EligibleBy | None = None
        pathways = root.children if root.node.kind == "any" else (check.root,)
        for pathway in pathways:
            if codes[pathway] != NOT_MET_CODE or not closes(pathway):
                continue
            node = slots[pathway].node
            assumptions = tuple(
                dict.fromkeys(n.closes_with_time for n in unmet(pathway) if n.closes_with_time)
            )
            assert check.version is not None
            day, assuming = self.pathway_met_on(
                node,
                assumptions,  # type: ignore[arg-type]
                run,
                lapsed,
                check.version.valid_until,
                near or self.soonest(pathway, codes, run),
            )
            if day is not None and (best is None or day < best.day):
                now = day == self.plan.as_of
                best = EligibleBy(
                    day, node, not now and any(n.grows for n in node.walk()), assuming, now
                )
        if best is None or not readings:
            return best
        chosen = next(p for p in pathways if slots[p].node is best.pathway)
        node, until = best.pathway, check.version.valid_until
        assumptions = tuple(
            dict.fromkeys(n.closes_with_time for n in unmet(chosen) if n.closes_with_time)
        )
        moved = self.days_by_reading(
            check,
            best,
            lambda other: other.pathway_met_on(
                node,
                assumptions,  # type: ignore[arg-type]
                run,
                lapsed,
                until,
                best.day,
            )[0],
            lapsed,
            _leaves_under(slots, chosen),
        )
        return replace(best, readings=moved) if moved else best

    def days_by_reading(
        self,
        check: _CheckPlan,
        found: EligibleBy,
        met_on: Callable[[_Context], date | None],
        lapsed: frozenset[str],
        leaves: frozenset[int],
    ) -> tuple[ReadingDay, ...]:
        """The eligible-by day under each other value of an open policy of the check (not fixed
        for the run) that moves ``found``'s day: a part-time job pro-rated reaches the months
        later. Only policies that change a leaf of the pathway met on that day (``leaves``) and
        can change this profile's facts are tried. ``met_on``: the first day that pathway is met
        under a reading; where it is the same day, the reading leaves the date where it is (its
        other pathways are not searched again); where not, the whole check is answered under it."""
        assert check.version is not None
        out = []
        for policy in check.version.open_policies:
            sub = self.plan.policies.get(policy)
            if (
                policy in self.explicit
                or sub is None
                or leaves.isdisjoint(sub.slots)
                or not self.can_matter(policy, sub)
            ):
                continue
            for value in self.book.policies[policy].values:
                if value == self.policies[policy]:
                    continue
                other = self.reading(policy, value)
                if met_on(other) == found.day:
                    continue
                run = other.without(other.run, lapsed)
                code = run.codes_of(check)[check.root]
                if code == MET_CODE:
                    moved: date | None = self.plan.as_of
                elif code == NOT_MET_CODE:
                    eligible = other.eligible_from_codes(check, run, lapsed, False, found.day)
                    moved = eligible.day if eligible is not None else None
                else:
                    continue  # unknown under it: no day to set beside this one
                if moved != found.day:
                    out.append(ReadingDay(policy, value, moved))
        return tuple(out)

    def reading(self, policy: str, value: str) -> _Context:
        """This profile read with ``policy = value`` (once per profile)."""
        key = ("reading", policy, value)
        known = self.scratch.get(key)
        if known is None:
            explicit = {**self.explicit, policy: value}
            known = self.scratch[key] = _Context(
                self.plan, self.book, self.profile, {**self.policies, **explicit}, explicit
            )
        return known

    @cached_property
    def run(self) -> _Run:
        """The run on the profile as this context's policies read it (another reading's)."""
        facts = derive(
            self.profile,
            self.plan.as_of,
            self.policies,
            self.book.facts,
            shared=self.read,
            only=self.plan.facts_read,
        )
        return _run(self.plan, facts)

    def soonest(self, pathway: int, codes: list[int], run: _Run) -> date | None:
        """The first day the pathway's unmet conditions in months that grow could be met, were
        every day from the date on worked in full (where it has any): the search tries it first."""
        slots, days = self.plan.slots, 0.0
        for slot in _leaves_under(slots, pathway):
            node = slots[slot].node
            if codes[slot] != NOT_MET_CODE or not node.grows or node.unit != "months":
                continue
            shortfall = self.numbers(slot, run)[3]
            if not isinstance(shortfall, int | float):
                return None
            days = max(days, shortfall * DAYS_PER_MONTH)
        # a day or two early: how a job's first and last days count is the fact kind's
        return self.plan.as_of + timedelta(days=max(1, math.floor(days) - 2)) if days else None

    def redatable(self, redate: tuple[str, str, str]) -> bool:
        """Whether the profile has a record ``redate`` re-dates (its ``when`` field true)."""
        section, _, when = redate
        records = self.profile.get(section)
        return isinstance(records, list) and any(
            isinstance(r, Mapping) and r.get(when) is True for r in records
        )

    def supposed(self, first: FirstRecord) -> tuple[Mapping[str, Any], ...]:
        """The records of section ``first.of`` going on past the date (no end, or a later one)
        that ``first`` supposes a record asked for, none of section ``first.records`` naming
        them: a job with no letter (``closes_with_time.first``)."""
        key = ("supposed", first)
        known = self.scratch.get(key)
        if known is None:
            day = self.plan.as_of.isoformat()
            named = {
                r.get(first.link)
                for r in self.profile.get(first.records) or ()
                if isinstance(r, Mapping)
            }
            known = self.scratch[key] = tuple(
                r
                for r in self.profile.get(first.of) or ()
                if isinstance(r, Mapping)
                and r.get("id") not in named
                and (not r.get("end_date") or str(r["end_date"]) > day)
                and (first.where is None or truthy(first.where(r)))
            )
        return known

    def may_close(self, node: Node) -> bool:
        """Whether time may meet the unmet leaf ``node`` for this profile: it grows and a job
        goes on, or its rules' assumption re-dates a record the profile has or supposes one
        asked for where it has none."""
        ongoing, _ = self.dating
        if node.grows and ongoing:
            return True
        declared = node.closes_with_time
        if declared is None:
            return False
        if not declared.redate and declared.first is None:
            return True
        return any(self.redatable(r) for r in declared.redate) or (
            declared.first is not None and bool(self.supposed(declared.first))
        )

    def assumed(self, declared: TimeAssumption) -> tuple[str, ...]:
        """What a date assumes of a condition closing with time, in words: its records re-dated
        (where the profile has one to re-date), a record asked for (where it supposes one)."""
        said = []
        if not declared.redate or any(self.redatable(r) for r in declared.redate):
            said.append(declared.assuming)
        if declared.first is not None and self.supposed(declared.first):
            said.append(declared.first.assuming)
        return tuple(said) or (declared.assuming,)

    def ambiguous(
        self,
        run: _Run,
        lapsed: frozenset[str],
        keeping: bool,
        memo: Memo,
        reviews: dict[int, list[str]] | None = None,
    ) -> Ambiguous:
        """Slots of the keeping checks (or of the others) whose status changes under another
        value of an open policy their version names (and the run does not fix explicitly), but
        for policies the default decides, each with its status under those values (the
        questions a step names). ``reviews``: check index -> the policies with a review text
        under which its answer changes, added to."""
        changed: Ambiguous = {}
        policies, checks_of = self.book.policies, self.plan.checks
        for policy, value, checks, codes in self.variants(run, lapsed, keeping, memo):
            if reviews is not None and policies[policy].review:
                for i in checks:
                    root = checks_of[i].root
                    if codes[root] != run.codes[root] and policy not in reviews.setdefault(i, []):
                        reviews[i].append(policy)
            if policies[policy].default_decides:
                continue
            for i in checks:
                for s in checks_of[i].slots:
                    if codes[s] != run.codes[s]:
                        reading = PolicyReading(policy, value, CODE_STATUS[codes[s]])
                        changed[s] = (*changed.get(s, ()), reading)
        return changed

    def variants(
        self, run: _Run, lapsed: frozenset[str], keeping: bool, memo: Memo
    ) -> Iterator[tuple[str, str, list[int], list[int]]]:
        """(policy, value, checks, codes) for each other value of an open policy of the keeping
        checks (or of the others) that changes a leaf of one that applies: the codes of every
        slot under that value, final for ``checks`` (those it changes; the rest are ``run``'s)."""
        plan, applicable = self.plan, run.applicable
        for policy, sub in plan.policies.items():
            if policy in self.explicit or not sub.slots:
                continue
            naming, which = (
                (sub.keeping, sub.which_keeping) if keeping else (sub.others, sub.which_others)
            )
            if True not in which(applicable) or not self.can_matter(policy, sub):
                continue
            checks = [i for i in naming if applicable[i]]
            for value in self.book.policies[policy].values:
                if value == self.policies[policy]:
                    continue
                moved = self.moved(sub, policy, value, run, lapsed, memo)
                if not moved:
                    continue
                touched = {sub.owners[slot] for slot in moved}
                for i in checks:
                    if i in touched:
                        run.codes_of(plan.checks[i])
                codes = list(run.codes)
                for slot, code in moved.items():
                    codes[slot] = code
                changes = [i for i in checks if i in touched]
                for i in changes:
                    for slot, combine, children in plan.checks[i].ops:
                        codes[slot] = combine(children(codes))
                yield policy, value, changes, codes

    def without(self, base: _Run, lapsed: frozenset[str]) -> _Run:
        """``base`` with the credentials ``lapsed`` no longer held (``base`` when none are)."""
        self.scratch[AS_REPORTED] = base  # which checks applied before the lapse: said why not
        if not lapsed:
            return base
        book, plan = self.book, self.plan
        facts = rederive(
            base.facts,
            book.facts.lapsed_groups(),
            self.profile,
            plan.as_of,
            self.policies,
            book.facts,
            lapsed,
            self.read,
            plan.facts_read,
        )
        return _rerun(plan, base, facts, plan.lapsed)

    def explain(
        self,
        run: _Run,
        lapsed: frozenset[str],
        keeping: bool,
        memo: Memo,
        results: dict[int, CheckResult],
        dates: bool,
        only: frozenset[int] | None = None,
    ) -> None:
        """Put the result of each keeping check (or each other check) in ``results``: with its
        tree for the checks explained (``dates``: with reached-on dates; ``only``: those at
        these places of ``plan.wanted``, with their recommends and other versions), the status
        and standing alone for the others."""
        plan = self.plan
        places = range(len(plan.wanted)) if only is None else sorted(only)
        shown = {plan.wanted[p] for p in places}
        if plan.extras:
            shown.update(
                k for p in places for k in (plan.extras[p][0], *plan.extras[p][1]) if k is not None
            )
        variants = [
            (policy, value, frozenset(changes), codes)
            for policy, value, changes, codes in self.variants(run, lapsed, keeping, memo)
        ]
        for i, check in enumerate(plan.checks):
            if check.keeping == keeping and (i in shown or (only is None and check.decides)):
                results[i] = self.result(check, run, lapsed, variants, i in shown, dates)

    def result(
        self,
        check: _CheckPlan,
        run: _Run,
        lapsed: frozenset[str],
        variants: list[tuple[str, str, frozenset[int], list[int]]],
        shown: bool,
        dates: bool,
    ) -> CheckResult:
        """One check's result on the run (``variants``: codes under other policy values)."""
        as_of = self.plan.as_of
        if check.check is None:
            why = self.book.none_in_force(check.check_id, as_of)  # a pinned version never is
            return CheckResult(None, check.check_id, None, as_of, NO_RULES, note=why)
        assert check.version is not None
        if not run.applicable[check.index]:
            credential = check.version.credential
            # a credential its own keeping rules make lapse is not held: say so, not only
            # whom the check is for (a revoked CPC-A is "not a holder of the CPC-A")
            reported = self.scratch.get(AS_REPORTED)
            why = None
            if credential in lapsed and reported is not None and reported.applicable[check.index]:
                # what the check finds were the credential held: a candidate who asked whether
                # the -A can go learns that reinstating it is the one step left, if it is
                held = self.result(check, reported, frozenset(), [], True, False)
                why = (
                    f"Your {credential} is not counted as held: its own renewal or recertification"
                    f" rules make it lapse (see the answer on keeping your {credential})."
                    f" {_were_held(held, credential)}"
                )
            return CheckResult(
                check.check,
                check.check.id,
                check.version,
                as_of,
                NOT_APPLICABLE,
                policies=self.policies,
                note=why,
            )
        codes = run.codes_of(check)
        open_values = [
            (policy, value)
            for policy in check.version.open_policies
            if policy not in self.explicit
            for value in self.book.policies[policy].values
            if value != self.policies[policy]
        ]
        under = {(p, v): other for p, v, changes, other in variants if check.index in changes}
        every = [(p, v, under.get((p, v), codes)) for p, v in open_values]
        # a question the default decides never makes an answer ambiguous: it may need review
        questions = [r for r in every if not self.book.policies[r[0]].default_decides]
        differing = {}
        for slot in check.slots:
            if any(other[slot] != codes[slot] for _, _, other in questions):
                differing[self.plan.slots[slot].node.id] = tuple(
                    PolicyReading(p, v, CODE_STATUS[other[slot]]) for p, v, other in questions
                )
        review = self.reviews(check, codes, every, run.facts)
        eligible = None
        if shown and check.extra and not _shown(self.plan.slots[check.root].node, run.facts):
            requires, status = None, CODE_STATUS[codes[check.root]]  # recommends not to show
        elif shown:
            requires = mark_ambiguous(self.tree(check.root, run, lapsed, dates), differing)
            status = requires.status
            if status == NOT_MET and any(self.dating):  # as a cohort's answer has it
                eligible = self.eligible_from_codes(check, run, lapsed)
        else:
            requires = None
            root = self.plan.slots[check.root].node.id
            status = AMBIGUOUS if root in differing else CODE_STATUS[codes[check.root]]
        standing = self.standing(check, status, run)
        may_be = self.standings(check, status, run) if status == NOT_MET else ()
        unknown_standing = (
            UnknownStanding(may_be, _deciding(requires, check.standing_conditions))
            if len(may_be) > 1
            else None
        )
        if_not_met = self.standing(check, NOT_MET, run) if status == UNKNOWN else None
        readings = (
            self.reading_standings(check, requires, run)
            if status == AMBIGUOUS and requires is not None
            else ()
        )
        stepped = {NOT_MET: standing, UNKNOWN: if_not_met, AMBIGUOUS: default_standing(readings)}
        return CheckResult(
            check.check,
            check.check.id,
            check.version,
            as_of,
            status,
            requires,
            None,
            (),
            self.policies,
            standing,
            reading_standings=readings,
            review=review,
            eligible_by=eligible,
            standing_if_not_met=if_not_met,
            standing_steps=standing_steps(check.check, stepped.get(status), run.facts),
            standing_corrections=standing_steps(
                check.check, stepped.get(status), run.facts, corrects=True
            ),
            unknown_standing=unknown_standing,
        )

    def reading_standings(
        self, check: _CheckPlan, root: NodeResult, run: _Run
    ) -> tuple[ReadingStanding, ...]:
        """An ambiguous keeping check's standing under the reading in effect and under each other
        reading its answer depends on. The standing's own expression was run once, under the
        policies in effect: under another value of a policy that a fact it reads depends on, the
        standing of a not-met answer is not known (None); a met one's is the check's own."""
        if check.check is None or check.check.standing_met is None:
            return ()
        compiled = check.check.standing_not_met
        facts = self.book.facts
        reads = compiled.reads if compiled is not None else ()
        out: list[ReadingStanding] = []
        for policy in root.depends_on:
            moves = check.standing_logic is not None or any(  # its conditions move too
                policy in entry.policies
                for path in reads
                if (entry := facts.entry(path)) is not None
            )
            answers = [(self.policies[policy], root.default_status, True)] + [
                (r.value, r.status, False) for r in root.readings if r.policy == policy
            ]
            for value, status, default in answers:
                standing = self.standing(check, status, run)
                known = default or not moves or status == MET
                out.append(ReadingStanding(policy, value, standing if known else None, default))
        return tuple(out)

    def reviews(
        self,
        check: _CheckPlan,
        codes: list[int],
        readings: list[tuple[str, str, list[int]]],
        facts: Mapping[str, Any],
    ) -> tuple[Review, ...]:
        """The questions with a review text under whose other values the check's answer
        differs: what a person must look at ("needs human review")."""
        root, out = check.root, []
        for policy in dict.fromkeys(p for p, _, _ in readings):
            text = self.book.policies[policy].review
            others = [(v, other) for p, v, other in readings if p == policy]
            if text and any(other[root] != codes[root] for _, other in others):
                fact = self.book.policies[policy].review_details
                out.append(
                    Review(
                        policy,
                        text,
                        tuple(PolicyReading(policy, v, CODE_STATUS[o[root]]) for v, o in others),
                        tuple(lookup(facts, fact) or ()) if fact else (),
                    )
                )
        return tuple(out)

    def can_matter(self, policy: str, sub: _Subprogram) -> bool:
        """Whether another value of ``policy`` could change what its leaves read, for this
        profile (asked once per profile: the keeping checks and the others share the answer)."""
        known = self.scratch.get(("matters", policy))
        if known is None:
            known = sub.reads_policy or policy_can_matter(
                self.profile,
                policy,
                self.book.facts,
                self.plan.as_of,
                self.policies,
                shared=self.read,
                only=self.plan.facts_read,
            )
            self.scratch[("matters", policy)] = known
        return known

    def moved(
        self,
        sub: _Subprogram,
        policy: str,
        value: str,
        run: _Run,
        lapsed: frozenset[str],
        memo: Memo,
    ) -> dict[int, int]:
        """Leaf slot -> its code under ``policy = value``, where it differs from ``run``'s.

        When only the policy changes (no fact section reads it), the answer depends on nothing
        but the facts the leaves read, so it is remembered across profiles for those values."""
        key: Any = None
        if not sub.sections:
            try:
                key = ("moved", policy, value, sub.inputs(run.values))
                known = memo.get(key)
                if known is not None:
                    return known
            except TypeError:  # a list among the facts: not hashable, not remembered
                key = None
            facts = {**run.facts, "policies": {**self.policies, policy: value}}
            values = sub.program({name: facts[name] for name in sub.keys})
        else:
            values = self.variant(sub, policy, value, run, lapsed)
            if values is None:
                return {}
        if None not in values and None not in sub.inputs(run.values):  # no unknowns: the codes
            codes = zip(sub.slots, values, sub.base_codes(run.values), strict=False)
            moved = {slot: code for slot, code, was in codes if code != was}  # values: then reads
        else:
            moved = {}
            for k, (slot, reads) in enumerate(zip(sub.slots, sub.reads, strict=True)):
                code = UNKNOWN_CODE if any(values[r] is None for r in reads) else values[k]
                if code != run.leaf_code(slot):
                    moved[slot] = code
        if key is not None:
            memo.put(key, moved)
        return moved

    def variant(
        self, sub: _Subprogram, policy: str, value: str, run: _Run, lapsed: frozenset[str]
    ) -> list[Any] | None:
        """The subprogram's values with the policy's sections derived under ``policy = value``;
        None when that changes no fact (and no leaf reads the policy itself). Worked out once
        per profile for the keeping checks and the others alike, unless the leaves read what a
        lapsed credential changes."""
        key = (policy, value, lapsed if sub.reads_lapsed else None)
        if key not in self.scratch:  # every other value of the policy at once: they share work
            others = [v for v in self.book.policies[policy].values if v != self.policies[policy]]
            variants = rederive_each(
                run.facts,
                sub.sections,
                self.profile,
                self.plan.as_of,
                [{**self.policies, policy: other} for other in others],
                self.book.facts,
                lapsed,
                self.read,
                self.plan.facts_read,
            )
            for other, facts in zip(others, variants, strict=True):
                unchanged = all(facts[s] == run.facts[s] for s in sub.sections)
                self.scratch[(policy, other, key[2])] = (
                    None
                    if unchanged and not sub.reads_policy
                    else sub.program({name: facts[name] for name in sub.keys})
                )
        return self.scratch[key]

    def answer(
        self,
        groups: Sequence[_Group],
        gate: Callable[[list[bool]], tuple],
        run: _Run,
        ambiguous: Ambiguous,
        memo: Memo,
        lapsed: frozenset[str],
        outcomes: list[Outcome],
        standings: list[str | None],
    ) -> frozenset[str]:
        """Put the outcome and standing of each group that applies (``gate``) at its members'
        places (a cohort makes tens per student, so this is one tight loop; the others keep
        what ``Plan.blank`` holds); returns the credentials the answers make inactive or revoked
        (what the keeping checks decide).

        An outcome is taken from ``memo`` when the facts its check reads were seen before:
        checks of one shape, and students alike, come out alike. Outcomes for which a reached-on
        date was searched (its answer depends on the whole work history, not only on those
        facts) are not kept."""
        checks, values, applicable = self.plan.checks, run.values, run.applicable
        young = memo.young
        outcome: Outcome | None
        lapsing: set[str] = set()
        for group in compress(groups, gate(applicable)):
            members = group.members
            if ambiguous and not ambiguous.keys().isdisjoint(group.slots):
                for i, place in zip(members, group.places, strict=True):
                    outcome = self.remembered(checks[i], run, ambiguous, lapsed, memo)
                    if outcome.status == NOT_MET and checks[i].shape in self.plan.timed:
                        outcome = self.with_date(checks[i], outcome, run, lapsed)
                    standing = self.standing(checks[i], outcome.status, run)
                    if standing in LAPSED and checks[i].decides:
                        lapsing.add(checks[i].version.credential)  # type: ignore[union-attr]
                    if place >= 0:
                        outcomes[place], standings[place] = outcome, standing
                continue
            check = checks[members[0]]
            going = self.going(check)
            key = (check.shape, check.inputs(values), going)  # type: ignore[misc]
            try:
                outcome = young.get(key) or memo.get(key)
            except TypeError:  # a list or mapping among the facts
                key = (check.shape, _hashable(key[1]), going)
                outcome = memo.get(key)
            if outcome is None:
                outcome = self.fresh(check, run, ambiguous, lapsed, memo)
                if not outcome.dated:
                    memo.put(key, outcome)
            if outcome.status == NOT_MET and check.shape in self.plan.timed:
                outcome = self.with_date(check, outcome, run, lapsed)
            standing = self.standing(check, outcome.status, run)
            if standing in LAPSED:
                lapsing.update(group.credentials)
            for place in group.reported:
                outcomes[place] = outcome
                standings[place] = standing
        return frozenset(lapsing)

    def remembered(
        self, check: _CheckPlan, run: _Run, ambiguous: Ambiguous, lapsed: frozenset[str], memo: Memo
    ) -> Outcome:
        """The outcome of a check some of whose conditions are ambiguous: remembered under the
        facts it reads and which of its conditions (by place) a policy alternative changes."""
        marked = tuple(
            (k, ambiguous[slot]) for k, slot in enumerate(check.slots) if slot in ambiguous
        )
        key = (
            "ambiguous",
            check.shape,
            marked,
            check.inputs(run.values),  # type: ignore[misc]
            self.hidden(check, run),
            self.going(check),
        )
        try:
            outcome = memo.get(key)
        except TypeError:  # a list or mapping among the facts
            key = (*key[:3], _hashable(key[3]), *key[4:])
            outcome = memo.get(key)
        if outcome is None:
            outcome = self.fresh(check, run, ambiguous, lapsed, memo, marked)
            if not outcome.dated:
                memo.put(key, outcome)
        return outcome

    def fresh(
        self,
        check: _CheckPlan,
        run: _Run,
        ambiguous: Ambiguous,
        lapsed: frozenset[str],
        memo: Memo,
        marked: tuple[tuple[int, tuple[PolicyReading, ...]], ...] = (),
    ) -> Outcome:
        """The outcome of a check whose facts were not seen before. Unless it is not met, it
        depends on nothing but its conditions' codes and which are ambiguous (``marked``): the
        numbers only matter to what a not-met check lacks. Students whose facts differ but come
        out alike (every one with more than 24 months meets it alike) share it."""
        codes = run.codes_of(check)
        if codes[check.root] == NOT_MET_CODE and check.root not in ambiguous:
            return self.outcome(check, run, ambiguous, lapsed, memo)
        # which questions: what is lacking names them, and an ambiguous answer's own
        places = marked if check.root in ambiguous else tuple(k for k, _ in marked)
        # whether a job goes on ranks the pathways of an answer not met only where time gives
        # a condition not met (a met answer has no closest pathway)
        slots = self.plan.slots
        waits = codes[check.root] != MET_CODE and any(
            codes[s] == NOT_MET_CODE and slots[s].node.grows for s in check.leaves
        )
        going = self.dating[0] if waits else None
        key = (
            "codes",
            check.shape,
            places,
            check.slot_codes(codes),
            self.hidden(check, run),
            going,
        )  # type: ignore[misc]
        outcome = memo.get(key)
        if outcome is None:
            outcome = self.outcome(check, run, ambiguous, lapsed, memo)
            memo.put(key, outcome)
        return outcome

    def hidden(self, check: _CheckPlan, run: _Run) -> frozenset[int]:
        """The check's slots an explanation does not show (``shown_if`` / ``hidden_if``, or
        under such a condition); empty, and cheap, for the many checks that hide nothing."""
        if not check.hides:
            return frozenset()
        facts = run.facts
        return frozenset().union(
            *(below for node, below in check.conditional if not _shown(node, facts))
        )

    @staticmethod
    def standing(check: _CheckPlan, status: str, run: _Run) -> str | None:
        """The check's standing (active, inactive ...) when its answer is ``status``, if its
        rules give one; None when it depends on a condition not known (see ``standings``)."""
        found = _Context.standings(check, status, run)
        return found[0] if len(found) == 1 else None

    @staticmethod
    def standings(check: _CheckPlan, status: str, run: _Run) -> tuple[str, ...]:
        """The standings the check may have when its answer is ``status``: one, or (a not-met
        answer whose standing reads a condition not known: at risk if a first period was
        pro-rated enough, revoked if not) each it has under that condition met or not, in
        STANDING_ORDER; empty when its rules give none."""
        if status == MET:
            met_standing = check.check.standing_met  # type: ignore[union-attr]
            return (met_standing,) if met_standing else ()
        if status != NOT_MET:
            return ()
        if check.standing is not None:
            value = run.values[check.standing]
            return (value,) if value else ()
        if check.standing_logic is None:
            return ()
        codes = run.codes_of(check)
        met = {MET_CODE: True, NOT_MET_CODE: False}
        conditions = {cid: met.get(codes[slot]) for cid, slot in check.standing_conditions}
        unknown = [cid for cid, value in conditions.items() if value is None]
        found = set()
        for values in product((True, False), repeat=len(unknown)):
            read = {**conditions, **dict(zip(unknown, values, strict=True))}
            found.add(check.standing_logic({**run.facts, CONDITIONS_KEY: read}))
        found.discard(None)
        return tuple(sorted(found, key=lambda name: (*STANDING_ORDER, name).index(name)))

    def outcome(
        self,
        check: _CheckPlan,
        run: _Run,
        ambiguous: Ambiguous,
        lapsed: frozenset[str],
        memo: Memo,
    ) -> Outcome:
        codes = run.codes_of(check)
        slots = self.plan.slots

        def status(slot: int) -> str:
            return AMBIGUOUS if slot in ambiguous else CODE_STATUS[codes[slot]]

        by_status: dict[str, list[str]] = {NOT_MET: [], UNKNOWN: [], AMBIGUOUS: [], MET: []}
        hidden = self.hidden(check, run)
        for slot in check.leaves:
            if slot not in hidden:
                by_status[status(slot)].append(slots[slot].node.id)
        verdict_status = status(check.root)
        lacking, dated, eligible, choice = (
            self.lacking(check, run, ambiguous, lapsed, memo)
            if verdict_status == NOT_MET
            else ((), False, None, None)
        )
        questions = (
            tuple(dict.fromkeys(r.policy for r in ambiguous[check.root]))
            if verdict_status == AMBIGUOUS
            else ()
        )
        return Outcome(
            verdict_status,
            tuple(by_status[NOT_MET]),
            tuple(by_status[UNKNOWN]),
            tuple(by_status[AMBIGUOUS]),
            lacking,
            dated,
            eligible=eligible,
            questions=questions,
            choice=choice,
        )

    def lacking(
        self,
        check: _CheckPlan,
        run: _Run,
        ambiguous: Ambiguous,
        lapsed: frozenset[str],
        memo: Memo,
    ) -> tuple[tuple[NodeResult, ...], bool, EligibleBy | None, NodeResult | None]:
        """The unmet leaves of the closest pathway, as the explanation shows them; each not met
        leaf that time alone closes gets its reached-on date. The flag says whether a date was
        searched for (found or not); then the day time alone makes the check met (None here:
        :meth:`with_date` adds it); last, the pathway's one missing choice of conditions
        (``Outcome.choice``).

        Which pathway is closest and what it lacks depend on nothing but the conditions' codes,
        which are ambiguous and the numbers of the unmet leaves: remembered under those, for
        students whose other facts differ; the dates, which depend on the whole work history,
        are searched for each student."""
        codes = run.codes
        try:
            key: Any = (
                "lacking",
                check.shape,
                tuple((k, ambiguous[s]) for k, s in enumerate(check.slots) if s in ambiguous),
                check.slot_codes(codes),  # type: ignore[misc]
                tuple(
                    (self.numbers(s, run), self.fix_facts(s, run), self.fix_closed(s, run))
                    for s in check.leaves
                    if codes[s] != MET_CODE or s in ambiguous  # a question's numbers are shown
                ),
                self.hidden(check, run),
                self.dating[0],  # whether a job goes on ranks the pathways
            )
            known = memo.get(key)
        except TypeError:  # a list among the numbers: not remembered
            key = known = None
        if known is None:
            known = self.closest_lacking(check, run, ambiguous, lapsed)
            if key is not None:
                memo.put(key, known)
        leaves, growing, choice = known
        if not growing:
            return leaves, False, None, choice
        if not self.dating[0]:  # no record goes on past the date: time closes no gap
            return leaves, True, None, choice
        dated = list(leaves)
        for k, slot in growing:
            dated[k] = replace(dated[k], reached_on=self.reached_on(slot, run, lapsed))
        return tuple(dated), True, None, choice

    def closest_lacking(
        self, check: _CheckPlan, run: _Run, ambiguous: Ambiguous, lapsed: frozenset[str]
    ) -> tuple[tuple[NodeResult, ...], tuple[tuple[int, int], ...], NodeResult | None]:
        """What the closest pathway lacks (:meth:`lacking`, undated), worked out from the
        check's result tree, (place, slot) of each leaf time alone may close, and its one
        missing choice of conditions, if that is what it lacks."""
        tree = mark_ambiguous(
            self.tree(check.root, run, lapsed, False, False, ambiguous.keys()),
            self.marked(check, ambiguous),
        )
        closest = closest_pathway(tree)
        if closest is None:
            return (), (), None
        leaves = lacking_leaves(closest, settle=True)
        slot_of = {self.plan.slots[s].node.id: s for s in check.leaves}
        growing = tuple(
            (k, slot_of[leaf.node.id])
            for k, leaf in enumerate(leaves)
            if leaf.status == NOT_MET and leaf.node.grows
        )
        return tuple(leaves), growing, missing_choice(closest)

    def pathway_met_on(
        self,
        node: Node,
        assumptions: tuple[TimeAssumption, ...],
        run: _Run,
        lapsed: frozenset[str],
        until: date | None,
        guess: date | None = None,
    ) -> tuple[date | None, tuple[str, ...]]:
        """The first day after the date, and not after ``until`` (its version's last day), on
        which every condition ``node`` needs is met, on the profile as it would stand then:
        ongoing jobs gone on, the records the assumptions name re-dated to that day and those
        they suppose asked for then; and what that day assumes, in words (only the re-dating
        where it alone does, only a record asked for where that alone does). Searched once per
        profile for a pathway of the same logic (the CPC's and the COC's option 1 alike);
        ``guess``, a day it is likely met on, is tried first (:func:`first_day`)."""
        key = (
            "met on",
            orjson.dumps(_logic_tree(node), option=orjson.OPT_SORT_KEYS),
            assumptions,
            lapsed,
            until,
        )
        if key in self.scratch:
            return self.scratch[key]
        redate = tuple(r for a in assumptions for r in a.redate if self.redatable(r))
        firsts = tuple(
            (a.first, self.supposed(a.first))
            for a in assumptions
            if a.first is not None and self.supposed(a.first)
        )

        def met_on(day: date) -> bool:
            return self._pathway_holds(node, run, lapsed, redate, firsts, day)

        # a record re-dated (or asked for) today may be all it takes (a letter re-issued now for
        # the months worked by now): then it is met today, not on the first day searched after it
        found = first_day(
            met_on, self.plan.as_of, from_today=bool(redate or firsts), last=until, guess=guess
        )
        assuming = [text for a in assumptions for text in self.assumed(a)]
        if found is not None and redate and firsts and len(assuming) > 1:
            # a letter re-issued that does not meet the rules (a co-worker's) is not asked for
            # where the first letters alone do, nor are they where the re-issued ones alone do
            if self._pathway_holds(node, run, lapsed, (), firsts, found):
                assuming = [a.first.assuming for a in assumptions if a.first is not None]
            elif self._pathway_holds(node, run, lapsed, redate, (), found):
                assuming = [a.assuming for a in assumptions]
        self.scratch[key] = out = (found, tuple(dict.fromkeys(assuming)))
        return out

    def _pathway_holds(
        self,
        node: Node,
        run: _Run,
        lapsed: frozenset[str],
        redate: tuple[tuple[str, str, str], ...],
        firsts: tuple[tuple[FirstRecord, tuple[Mapping[str, Any], ...]], ...],
        day: date,
    ) -> bool:
        """Whether ``node`` is met on ``day``, on the profile as it would stand then: the records
        ``redate`` names re-dated to it, those ``firsts`` supposes asked for on it (each day
        its own: a letter dated later does not exist yet on an earlier day); without either,
        the records as read are shared by the days."""
        leaves = [n for n in node.walk() if n.kind == "leaf"]
        reads = [read for leaf in leaves for read in leaf.logic.reads]  # type: ignore[union-attr]
        keys = tuple(dict.fromkeys(read.split(".")[0] for read in reads))
        changes = bool(redate or firsts)
        facts = rederive(
            run.facts,
            tuple(k for k in keys if k in self.book.facts.groups),
            _redated(self.profile, redate, firsts, day) if changes else self.profile,
            day,
            self.policies,
            self.book.facts,
            lapsed,
            {} if changes else self.read,
            self.book.facts.definitions_reading(reads),
            same_profile=not changes,
        )
        return _holds(node, facts)

    def marked(self, check: _CheckPlan, ambiguous: Ambiguous) -> dict[str, tuple]:
        """Node id -> its readings, for the check's nodes in ``ambiguous``."""
        if not ambiguous:
            return {}
        return {self.plan.slots[s].node.id: ambiguous[s] for s in check.slots if s in ambiguous}

    def tree(
        self,
        slot: int,
        run: _Run,
        lapsed: frozenset[str],
        dates: bool,
        shown: bool = True,
        asked: Collection[int] = (),
    ) -> NodeResult:
        """The result tree under ``slot``, from the run's codes (final for its check): what each
        condition found and needed, closest pathways first; with ``dates``, each unmet leaf
        that time alone closes gets its reached-on date. Ambiguity is marked afterwards.
        Unless ``shown``, met leaves and details are left bare (what a cohort's answer needs), but
        for the ``asked`` ones: an open question's condition, met by default, shows its numbers.
        A shown condition whose ``assumes_unless`` holds is marked as not resting on its
        assumption."""
        info = self.plan.slots[slot]
        node = info.node
        status = CODE_STATUS[run.codes[slot]]
        assumed = not (shown and node.assumes_unless and truthy(node.assumes_unless(run.facts)))
        details: tuple[str, ...] = ()
        if shown and node.details and status in node.details_when:
            details = tuple(lookup(run.facts, node.details) or ())
        if info.children:
            children = [
                self.tree(child, run, lapsed, dates, shown, asked)
                for child in info.children
                if _shown(self.plan.slots[child].node, run.facts)
            ]
            inner = inner_result(node, status, children, details)
            return inner if assumed else replace(inner, assumed=False)
        if not shown and status == MET and slot not in asked:
            return NodeResult(node, MET)
        found, needed, operator, shortfall, missing = self.numbers(slot, run)
        not_counted = self.not_counted(node, lapsed) if shown and status != MET else ()
        if missing:
            return NodeResult(
                node,
                UNKNOWN,
                found=found,
                needed=needed,
                operator=operator,
                missing=missing,
                distance=1,
                default_status=UNKNOWN,
                not_counted=not_counted,
                assumed=assumed,
            )
        lacking = (
            lacking_parts(node.logic.source, run.facts, self.book.facts.entry)  # type: ignore[union-attr]
            if shown and status == NOT_MET
            else ()
        )
        fix_facts = self.fix_facts(slot, run) if status != MET else ()
        fix_closed = status != MET and self.fix_closed(slot, run)
        reached_on = None
        if status == NOT_MET and dates and info.time_dependent:
            reached_on = self.reached_on(slot, run, lapsed)
        # whether time gives it (a job goes on) ranks its pathway (engine.results._closeness)
        time_gives = not (status == NOT_MET and node.grows) or self.dating[0]
        return NodeResult(
            node,
            status,
            found=found,
            needed=needed,
            operator=operator,
            shortfall=shortfall,
            reached_on=reached_on,
            details=details,
            distance=int(status != MET),
            default_status=status,
            not_counted=not_counted,
            lacking=lacking,
            fix_facts=fix_facts,
            fix_closed=fix_closed,
            assumed=assumed,
            time_gives=time_gives,
        )

    def not_counted(self, node: Node, lapsed: frozenset[str]) -> tuple[LeftOut, ...]:
        """The records the facts a leaf reads left out, and why (only for a leaf explained)."""
        assert node.logic is not None
        key = ("not counted", node.logic.reads, lapsed)
        if key not in self.scratch:
            self.scratch[key] = left_out(
                self.profile,
                self.plan.as_of,
                self.policies,
                self.book.facts,
                node.logic.reads,
                lapsed,
            )
        return self.scratch[key]

    def fix_closed(self, slot: int, run: _Run) -> bool:
        """Whether the leaf's fix is not offered on these facts (its ``fix_when`` is false)."""
        position = self.plan.slots[slot].fix_open
        return position is not None and not truthy(run.values[position])

    def fix_facts(self, slot: int, run: _Run) -> tuple[tuple[str, Any], ...]:
        """The values of the facts the leaf's fix names, by path."""
        paths = self.plan.read_paths
        return tuple((paths[r], run.values[r]) for r in self.plan.slots[slot].fix_reads)

    def numbers(self, slot: int, run: _Run) -> tuple[Any, Any, str | None, Any, tuple[str, ...]]:
        """Found, needed, operator, shortfall and missing facts of one leaf, as ``evaluate._leaf``
        reports them."""
        info = self.plan.slots[slot]
        node = info.node
        values = run.values
        found = needed = operator = shortfall = None
        if info.sides is not None:
            operator = node.sides[0]  # type: ignore[index]
            found, needed = info.sides[0](run), info.sides[1](run)
            shortfall = shortfall_of(operator, found, needed)
        elif len(node.logic.reads) == 1:  # type: ignore[union-attr]
            found = (  # a fact the program read, or the one policy read
                run.values[info.reads[0]] if info.reads else lookup(run.facts, node.logic.reads[0])  # type: ignore[union-attr]
            )
            if isinstance(found, bool):
                found = run.codes[slot] == MET_CODE
        elif info.reads and all(isinstance(values[r], bool) for r in info.reads):
            # yes/no facts together (Practicode, or the Practicum taken as it): whether it holds
            found = run.codes[slot] == MET_CODE
        missing = tuple(self.plan.read_paths[r] for r in info.reads if values[r] is None)
        return found, needed, operator, None if missing else shortfall, missing

    def reached_on(self, slot: int, run: _Run, lapsed: frozenset[str]) -> date | None:
        """The first day the leaf is met if ongoing jobs continue (as ``evaluate._reached_on``):
        only the sections the leaf reads are derived again on each probe date."""
        logic = self.plan.slots[slot].node.logic
        assert logic is not None
        keys = tuple(dict.fromkeys(read.split(".")[0] for read in logic.reads))
        sections = tuple(key for key in keys if key in self.book.facts.groups)
        only = self.book.facts.definitions_reading(logic.reads)

        def met_on(probe: date) -> bool:
            facts = rederive(
                run.facts,
                sections,
                self.profile,
                probe,
                self.policies,
                self.book.facts,
                lapsed,
                self.read,
                only,
            )
            return truthy(logic({key: facts[key] for key in keys}))

        return first_day(met_on, self.plan.as_of)
