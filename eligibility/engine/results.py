"""What an answer is made of: the result of each condition and check, and the rules of reading
one that are not JsonLogic's.

Every node is met, not met, unknown (a fact it reads is missing) or ambiguous (its answer changes
under another value of an open policy the version names). Comparison leaves report the two sides of
their own JsonLogic as found and needed, and how far apart they are; where an ongoing job alone
closes a gap, the date it closes. ``any`` pathways come closest first, and the closest pathway is
the first one not met. The engine (``engine/plan.py``) fills these in from one run of a plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from eligibility.facts import FactPath, LeftOut
from eligibility.inputs.profiles import Profile
from eligibility.logic import compile_logic, truthy
from eligibility.rulebook.rules import Check, Node, Version
from eligibility.rulebook.versions import fact_placeholders, fill_facts

MET, NOT_MET, UNKNOWN, AMBIGUOUS, NOT_APPLICABLE, NO_RULES = (
    "met",
    "not_met",
    "unknown",
    "ambiguous",
    "not_applicable",
    "no_rules",
)
ETA_HORIZON_DAYS = 366 * 10  # how far ahead "reached on" looks for an ongoing job
KEEPING_KINDS = ("recertification", "status")  # checks of keeping a credential: answered first
LAPSED = ("inactive", "revoked")  # standings that withhold the credential from other checks


@dataclass(frozen=True)
class PolicyReading:
    """A node's status under one alternative policy value."""

    policy: str
    value: str
    status: str


@dataclass(frozen=True)
class NodeResult:
    """The outcome of one condition, with what the person needs to understand it."""

    node: Node
    status: str
    children: tuple[NodeResult, ...] = ()
    found: Any = None
    needed: Any = None
    operator: str | None = None
    shortfall: float | None = None
    missing: tuple[str, ...] = ()
    reached_on: date | None = None
    readings: tuple[PolicyReading, ...] = ()
    details: tuple[str, ...] = ()
    distance: int = 0
    default_status: str = MET  # under the policies in effect, before alternatives are compared
    not_counted: tuple[LeftOut, ...] = ()  # records the facts it reads left out, and why
    lacking: tuple[str, ...] = ()  # the parts of an "all of these" leaf that fail, in words
    # the least and most found under the readings of what the profile leaves unknown (a date
    # known to the month: a range of months), when they differ; ``found`` is one of them
    found_range: tuple[Any, Any] | None = None  # numbers, or days as YYYY-MM-DD
    # met under every such reading, its number differing: ``found`` is the end of their range
    # every reading reaches (at least so many months), not one reading's value
    found_surely: bool = False
    # the values of the facts the condition's fix names (``Node.fix_reads``), when not met
    fix_facts: tuple[tuple[str, Any], ...] = ()
    fix_closed: bool = False  # its ``fix_when`` is false on the facts: no fix is offered
    # its ``fix_when`` holds under some readings of what the profile leaves unknown and not
    # under others: the fix said is the rule's ``fix_unsure`` (none without one)
    fix_unsure: bool = False
    # False when the node's ``assumes_unless`` holds: its answer does not rest on its
    # assumption, whatever that answer is
    assumed: bool = True
    # a condition not met that time gives (its fact grows while a job goes on): False when
    # nothing goes on for this profile to give it, so that finding a job comes first
    time_gives: bool = True

    @property
    def fix(self) -> str | None:
        """The condition's fix as the candidate reads it: the facts it names filled in. While
        its ``fix_when`` is false (a window that has closed), its ``fix_after`` (None without
        one); its ``fix_unsure`` while what the profile leaves unknown decides whether it is."""
        if self.fix_unsure:
            fix = self.node.fix_unsure
        else:
            fix = self.node.fix_after if self.fix_closed else self.node.fix
        return fill_facts(fix, dict(self.fix_facts)) if fix and self.fix_facts else fix

    @property
    def how_to_give(self) -> str | None:
        """How to give the first thing this unknown condition lacks, where the rules say
        (its fact's ``supply``)."""
        return dict(self.node.supply).get(self.missing[0]) if self.missing else None

    def leaves(self) -> Iterator[NodeResult]:
        """The conditions without children at or under this one, in the tree's order."""
        if not self.children:
            yield self
        for child in self.children:
            yield from child.leaves()

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Open policies under which this node's answer differs."""
        return tuple(
            dict.fromkeys(r.policy for r in self.readings if r.status != self.default_status)
        )


@dataclass(frozen=True)
class ReadingStanding:
    """What an ambiguous keeping check's standing would be under one reading of an open policy
    (``None``: not known under it)."""

    policy: str
    value: str
    standing: str | None
    default: bool  # the policy's value in effect


@dataclass(frozen=True)
class Review:
    """Why an answer needs human review: an open question with a review text (a borderline job,
    CONV-4) whose other values change the answer, and the answer under each of them."""

    policy: str
    text: str
    readings: tuple[PolicyReading, ...]
    details: tuple[str, ...] = ()  # what it rests on, in words (the borderline jobs)


@dataclass(frozen=True)
class OtherReading:
    """Another version in force on the same date, and its answer (``result``: in full, for
    saying why)."""

    version: Version
    status: str
    result: CheckResult | None = None


@dataclass(frozen=True)
class ReadingDay:
    """The eligible-by day under another value of an open policy, where it differs from the
    day under the policies in effect (None: time alone does not make the check met under it)."""

    policy: str
    value: str
    day: date | None


@dataclass(frozen=True)
class EligibleBy:
    """The first day a check becomes met when time alone closes every gap of one of its pathways
    (the soonest such pathway), and what that assumes."""

    day: date
    pathway: Node  # the pathway met on that day
    jobs_continue: bool  # it rests on experience that grows while the current jobs go on
    assuming: tuple[str, ...] = ()  # the rules' other assumptions (``closes_with_time``), in words
    # met on the date itself once the records the assumptions name are re-dated to it (a letter
    # re-issued now for the months already worked): nothing to wait for
    now: bool = False
    # the day under the other values of an open policy that move it (a part-time job counted
    # pro rata): the day above holds only under the reading in effect
    readings: tuple[ReadingDay, ...] = ()


# the standings a keeping check's rules give, in the order a credential goes through them
STANDING_ORDER = ("active", "at risk", "inactive", "revoked")


@dataclass(frozen=True)
class UnknownStanding:
    """A not-met keeping check's standing when it depends on what the profile leaves unknown (a
    cycle's end given as a month: inactive on one day, revoked on another): the standings its
    readings give (in :data:`STANDING_ORDER`), and what decides, as a person finds it, with how
    to give it."""

    standings: tuple[str, ...]
    deciding: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CheckResult:
    """The answer to one check for one profile on one date."""

    check: Check | None
    check_id: str
    version: Version | None
    as_of: date
    status: str
    requires: NodeResult | None = None
    recommends: NodeResult | None = None
    others: tuple[OtherReading, ...] = ()
    policies: Mapping[str, str] | None = None
    standing: str | None = (
        None  # for checks that keep a credential: active, at risk, inactive, revoked
    )
    # why there are no rules in force, when the rule book says why; why a check for holders
    # does not apply to one whose credential has lapsed
    note: str | None = None
    # an ambiguous keeping check's standing under each reading of the policies it depends on
    reading_standings: tuple[ReadingStanding, ...] = ()
    review: tuple[Review, ...] = ()  # "needs human review": the questions the answer rests on
    eligible_by: EligibleBy | None = None  # not met, but time alone makes it met (see EligibleBy)
    # an unknown keeping check's standing were it not met (revoked: no condition's fix can
    # undo it any more, so the explanation offers the standing's own way forward instead)
    standing_if_not_met: str | None = None
    # the ways forward the rules give for that standing (not met: ``standing``; unknown:
    # ``standing_if_not_met``; ambiguous: the standing under the reading in effect, see
    # ``reading_standings``) that can still be taken, their facts filled in
    standing_steps: tuple[str, ...] = ()
    # those of them that correct the profile (rule-format.md: ``corrects``): not offered for a
    # standing that is itself not known
    standing_corrections: tuple[str, ...] = ()
    unknown_standing: UnknownStanding | None = None  # not met, its standing not known (above)
    # unknown because whether the check applies at all depends on what the profile leaves
    # unknown (a credential revoked unless its dues are paid): (what, how to give it) for each
    applies_unknown: tuple[tuple[str, str], ...] = ()

    @property
    def lapsed_holder(self) -> bool:
        """A check for holders of a credential its own keeping rules make lapse: it does not
        apply as things stand (its note says why, and what it would find were the credential
        held), so it is not met for the one who asked (exit status 1)."""
        return self.status == NOT_APPLICABLE and self.note is not None


@dataclass(frozen=True)
class ProfileReport:
    """Every requested check's result for one profile on one date."""

    profile: Profile
    as_of: date
    policies: Mapping[str, str]
    results: tuple[CheckResult, ...]
    detailed: bool

    @property
    def all_met(self) -> bool:
        """True when every check that applies is met (exit status 0); a check for holders of
        a credential that has lapsed (said in its note) is not met."""
        return all(
            r.status == "met" or (r.status == "not_applicable" and not r.lapsed_holder)
            for r in self.results
        )


def _closeness(result: NodeResult) -> tuple[bool, bool, float, int, int, float]:
    """Met first; then what a person can complete (a pathway with a condition nothing can make
    true, one without a fix, comes last); then the soonest (:func:`_months_to_go`: five days
    of a job going on before a course, a course before 16 months of coding); then fewest unmet
    conditions; then fewest of them not merely unknown (a pathway the profile only leaves
    unknown may be met already: the candidate's answer comes before a course; an open question
    needs the body's); then the smallest relative shortfall."""
    return (
        result.status != MET,
        not doable(result),
        _months_to_go(result),
        result.distance,
        _known_unmet(result),
        _relative_gap(result),
    )


def _known_unmet(result: NodeResult) -> int:
    """The conditions ``result`` lacks that the profile does not just leave unknown."""
    if result.status == MET:
        return 0
    if not result.children:
        return int(result.status != UNKNOWN)
    counts = [_known_unmet(child) for child in result.children]
    return sum(counts) if result.node.kind == "all" else min(counts)


def _months_to_go(result: NodeResult) -> float:
    """About how many months until ``result`` could be met, its steps taken side by side: an
    ``all`` takes as long as its slowest part, an ``any`` as its quickest. A condition not met
    that time gives (months of experience: it grows, and no record is re-dated to close it)
    takes the months it lacks, and where no job goes on to give them, the months its fix
    usually takes first (``Node.takes``: finding a coding job); any other condition not met,
    the months its fix usually takes (a letter states the months time has given, whatever it
    lacks now), none without ``takes``; one the profile leaves unknown, none. The rules'
    estimates: only an order, never a date."""
    if result.status == MET:
        return 0.0
    if not result.children:
        if result.status != NOT_MET:
            return 0.0
        node = result.node
        takes = node.takes or 0.0
        if node.grows and node.unit == "months" and node.closes_with_time is None:
            lacks = float(result.shortfall or 0)
            return lacks if result.time_gives else takes + lacks
        return takes
    if result.node.kind == "all":
        return max(_months_to_go(child) for child in result.children)
    # the quickest choice a person can complete (one nothing can make true takes no time)
    choices = [child for child in result.children if doable(child)] or result.children
    return min(_months_to_go(child) for child in choices)


def doable(result: NodeResult) -> bool:
    """Whether a person can make ``result`` met: a leaf that is met, has a fix, or is unknown
    or ambiguous (a fact to supply, a question to settle); an ``all`` whose children all are; an
    ``any`` with one that is. (A leaf without a fix that time meets is not: a pathway that waits
    on it comes after those a person can complete now; its reached-on date, searched for the
    closest pathway alone, cannot rank it.)"""
    if result.status == MET:
        return True
    if not result.children:
        return bool(result.fix) or result.status in (UNKNOWN, AMBIGUOUS)
    if result.node.kind == "all":
        return all(doable(child) for child in result.children)
    return any(doable(child) for child in result.children)


def _relative_gap(result: NodeResult) -> float:
    """How much ``result`` lacks, each condition as a share of what it needs: an ``all`` what
    its parts lack together, an ``any`` what its closest choice lacks (a course OR Practicode
    lacks one, not two)."""
    if result.shortfall is not None and isinstance(result.needed, int | float) and result.needed:
        return result.shortfall / abs(result.needed)
    gaps = [_relative_gap(child) for child in result.children if child.status != MET]
    if not gaps:
        return 0.0 if result.status == MET else 1.0
    return sum(gaps) if result.node.kind == "all" else min(gaps)


# worst first: an ``all`` has the worst of its children's answers, an ``any`` the best, as the
# engine's codes are ordered (ambiguity, marked afterwards, between what is unknown and met)
_STATUS_ORDER = (NOT_MET, UNKNOWN, AMBIGUOUS, MET)


def combined(kind: str, statuses: Iterable[str]) -> str:
    """The answer of an ``all`` or ``any`` from its children's, as the engine combines them: for
    a tree built or pruned after the run (what a step completes, recommendations without the
    warnings shown apart)."""
    ranks = [_STATUS_ORDER.index(status) for status in statuses]
    return _STATUS_ORDER[min(ranks) if kind == "all" else max(ranks)]


def inner_result(
    node: Node, status: str, children: list[NodeResult], details: tuple[str, ...] = ()
) -> NodeResult:
    """An ``all`` or ``any`` node's result from its children's: how far it is (an ``all`` lacks
    what its children lack together, an ``any`` what its closest child lacks), and for ``any``
    its children closest first."""
    if node.kind == "all":
        distance = sum(child.distance for child in children)
    else:
        distance = min(child.distance for child in children)
        children.sort(key=_closeness)
    return NodeResult(
        node, status, tuple(children), details=details, distance=distance, default_status=status
    )


def closest_pathway(root: NodeResult) -> NodeResult | None:
    """The pathway a person is closest to, when none is met: the first unmet child of an ``any``
    root (children come closest first), else the root itself."""
    pathways = root.children if root.node.kind == "any" else (root,)
    return next((p for p in pathways if p.status != MET), None)


def missing_choice(pathway: NodeResult) -> NodeResult | None:
    """The one thing a pathway lacks when it is a choice of conditions, any of which would do
    ('an 80-hour course OR Practicode'): one thing missing, as the answer counts it, though
    more than one condition is not met. None when the pathway lacks more, or one condition."""
    if pathway.status != NOT_MET or pathway.distance != 1:
        return None
    result = pathway
    while result.children and result.node.kind == "all":
        unmet = [child for child in result.children if child.status != MET]
        if len(unmet) != 1:
            return None
        result = unmet[0]
    return result if result.children and result.status == NOT_MET else None


def lacking_leaves(pathway: NodeResult, settle: bool = False) -> list[NodeResult]:
    """The conditions a pathway lacks, in the explanation's order: not met ones, then unknown;
    with ``settle``, then the ambiguous ones (an open question to settle, as a step of the ways
    forward). A met part contributes nothing: the unmet alternatives of a met ``any`` are not
    lacking."""

    def walk(result: NodeResult, wanted: str) -> list[NodeResult]:
        if result.status == MET:
            return []
        if not result.children:
            return [result] if result.status == wanted else []
        return [leaf for child in result.children for leaf in walk(child, wanted)]

    return (
        walk(pathway, NOT_MET)
        + walk(pathway, UNKNOWN)
        + (walk(pathway, AMBIGUOUS) if settle else [])
    )


def resting(root: NodeResult | None) -> tuple[NodeResult, ...]:
    """The conditions under ``root`` whose UNCONFIRMED assumption (``Node.assumes``) the answer
    rests on: those that help decide it (each has the answer of every condition above it, so a
    pathway not taken or a met condition of an unmet ``all`` does not) and whose answer is one
    the assumption names (``assumes_when``; any when it names none)."""
    if root is None:
        return ()
    found: list[NodeResult] = []

    def walk(result: NodeResult) -> None:
        node = result.node
        if (
            node.assumes
            and result.assumed
            and (not node.assumes_when or result.status in node.assumes_when)
        ):
            found.append(result)
        for child in result.children:
            if child.status == result.status:
                walk(child)

    walk(root)
    return tuple(found)


def mark_ambiguous(
    result: NodeResult, differing: Mapping[str, tuple[PolicyReading, ...]]
) -> NodeResult:
    """``result`` with the nodes ``differing`` names (node id -> its readings under the other
    policy values) made ambiguous. An ambiguous condition counts as one thing its pathway lacks
    (a question to settle, as the ways forward list it), so the closest pathway is chosen
    again. Nodes not named, with no child named, are returned as they are: most are, and
    copying each would cost every check its tree again."""
    if not differing:
        return result
    children = tuple(mark_ambiguous(child, differing) for child in result.children)
    readings = differing.get(result.node.id)
    if readings is None and all(
        new is old for new, old in zip(children, result.children, strict=True)
    ):
        return result
    status = AMBIGUOUS if readings is not None else result.status
    # a question to settle is one thing more a pathway lacks, as a step is
    return replace(ranked(result, status, children), readings=readings or ())


def ranked(result: NodeResult, status: str, children: tuple[NodeResult, ...]) -> NodeResult:
    """``result`` with another answer or children (a condition made ambiguous or unknown after
    the run): how far it is again (a leaf not met, unknown or ambiguous lacks one thing), and an
    ``any``'s children closest first again."""
    distance = result.distance
    if not children:
        distance = max(distance, int(status != MET))
    elif result.node.kind == "all":
        distance = sum(child.distance for child in children)
    else:
        children = tuple(sorted(children, key=_closeness))
        distance = min(child.distance for child in children)
    return replace(result, children=children, status=status, distance=distance)


def shortfall_of(operator: str, found: Any, needed: Any) -> float | None:
    """How far ``found`` is from satisfying ``operator needed``; None when not numeric or satisfied."""
    numbers = (int, float)
    if (
        not isinstance(found, numbers)
        or not isinstance(needed, numbers)
        or isinstance(found, bool)
        or isinstance(needed, bool)
    ):
        return None
    if operator in (">=", ">"):
        gap = needed - found
    elif operator in ("<=", "<"):
        gap = found - needed
    else:
        return None
    return round(gap, 4) if gap >= 0 and not (gap == 0 and operator in (">=", "<=")) else None


def default_standing(readings: tuple[ReadingStanding, ...]) -> str | None:
    """An ambiguous keeping check's standing under the reading in effect (the policies' values
    in effect for every question it depends on), if it has one."""
    standings = {r.standing for r in readings if r.default}
    return standings.pop() if len(standings) == 1 else None


def standing_steps(
    check: Check | None, standing: str | None, facts: Mapping[str, Any], corrects: bool = False
) -> tuple[str, ...]:
    """The ways forward ``check`` gives for ``standing`` that can be taken on ``facts`` (a step
    whose ``when`` is not true, an appeal whose window has closed, is left out), with the facts
    each names filled in. ``corrects``: only those that correct the profile."""
    steps = dict(check.standing_fix).get(standing) if check is not None and standing else None
    if not steps:
        return ()
    return tuple(
        fill_facts(step.text, {path: lookup(facts, path) for path in fact_placeholders(step.text)})
        for step in steps
        if (step.when is None or truthy(step.when(facts))) and (not corrects or step.corrects)
    )


def lookup(facts: Mapping[str, Any], path: str) -> Any:
    value: Any = facts
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


GUESS_STEPS = 3  # days tried after a wrong guess before halving: 1, 2 and 4 days on


def first_day(
    met_on: Callable[[date], bool],
    as_of: date,
    from_today: bool = False,
    last: date | None = None,
    guess: date | None = None,
) -> date | None:
    """The first day after ``as_of`` (``from_today``: from it on, when what ``met_on`` reads of
    it is not the answer of the day, a letter re-dated to it) within ETA_HORIZON_DAYS, and not
    after ``last`` (the last day of the rules that ask it: later, other rules answer), on which
    ``met_on`` holds, by bisection: it is monotonic, as experience only grows while a job
    continues. The horizon is tried before halving: a search that never closes costs one probe.
    ``guess``: a day the answer is likely on or a few days after (the months still to work, at
    full time; the day under another reading); tried first, it saves most probes when right
    and changes no answer when not."""
    horizon = ETA_HORIZON_DAYS if last is None else min(ETA_HORIZON_DAYS, (last - as_of).days)
    if horizon < (-1 if from_today else 0) + 1:
        return None

    def met(day: int) -> bool:
        return met_on(as_of + timedelta(days=day))

    # a letter asked for or re-issued today is often all it takes (the months are worked)
    if from_today and met(0):
        return as_of
    low, high, closes = 0, horizon, False  # ``low``: not met; ``high``: met once ``closes``
    if guess is not None and low < (near := (guess - as_of).days) <= high:
        if met(near):
            if near - 1 <= low or not met(near - 1):
                return as_of + timedelta(days=near)
            high, closes = near - 1, True
        elif not met(high):  # a search that never closes stops here
            return None
        else:  # a few days after it (steps that double, GUESS_STEPS of them), else halves
            low, step, closes = near, 1, True
            for _ in range(GUESS_STEPS):
                if low + step >= high:
                    break
                if met(low + step):
                    high = low + step
                    break
                low, step = low + step, step * 2
    if not closes and not met(high):
        return None
    while high - low > 1:
        middle = (low + high) // 2
        if met(middle):
            high = middle
        else:
            low = middle
    return as_of + timedelta(days=high)


def lacking_parts(
    logic: Any, facts: Mapping[str, Any], entry: Callable[[str], FactPath | None]
) -> tuple[str, ...]:
    """The parts of a leaf's ``and`` that fail on ``facts``, each named by the codes it asks for
    in a list fact (``{"in": ["pathophysiology", {"var": "training.topics"}]}`` -> the fact
    file's words for ``pathophysiology``); an ``or`` of such tests reads "A or B", or the fact
    file's words for exactly those codes together (``either_words``). A part that asks for no
    code (an open policy's value) is not named. ``entry``: a fact path -> its vocabulary entry."""
    parts = logic["and"] if isinstance(logic, Mapping) and "and" in logic else [logic]
    named = []
    for part in parts:
        asked = _codes_asked(part)
        if asked and not truthy(compile_logic(part)(facts)):
            named.append(_in_words(asked, entry))
    return tuple(named)


def _in_words(asked: list[tuple[str, str]], entry: Callable[[str], FactPath | None]) -> str:
    """Codes a part asks for, as (fact path, code), in the fact file's words."""
    paths = {path for path, _ in asked}
    found = entry(next(iter(paths))) if len(paths) == 1 else None
    codes = frozenset(code for _, code in asked)
    for group, words in found.either_words if found is not None else ():
        if group == codes:
            return words
    said = []
    for path, code in asked:
        known = (entry(path) or FactPath(path, "")).words or {}
        said.append(known.get(code) or code.replace("_", " "))
    return " or ".join(dict.fromkeys(said))


def _codes_asked(part: Any) -> list[tuple[str, str]]:
    """The codes ``part`` asks a list fact to hold, as (fact path, code): an ``in`` test, or an
    ``or`` of them."""
    if not isinstance(part, Mapping) or len(part) != 1:
        return []
    ((operator, args),) = part.items()
    if operator == "or" and isinstance(args, list):
        return [asked for arg in args for asked in _codes_asked(arg)]
    if (
        operator == "in"
        and isinstance(args, list)
        and len(args) == 2
        and isinstance(args[0], str)
        and isinstance(args[1], Mapping)
        and isinstance(args[1].get("var"), str)
    ):
        return [(args[1]["var"], args[0])]
    return []
