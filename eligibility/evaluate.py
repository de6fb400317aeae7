"""Rule evaluation: facts + a rule version -> a result tree.

Every node is met, not met, unknown (a fact it reads is missing) or ambiguous (its answer changes
under another value of an open policy the version names). Comparison leaves report the two sides of
their own JsonLogic as found and needed; where an ongoing job alone closes a gap, the date it closes.
``any`` pathways come closest first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Protocol

from eligibility.logic import truthy
from eligibility.rules import Check, Node, Selection, Version

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


class FactSource(Protocol):
    """The facts of one profile on any date under any policy assignment (cached by the implementer)."""

    def at(self, day: date, policies: Mapping[str, str]) -> Mapping[str, Any]: ...

    def part_at(
        self, day: date, policies: Mapping[str, str], keys: tuple[str, ...]
    ) -> Mapping[str, Any]:
        """Facts under the top-level ``keys`` only (the others may be missing)."""
        ...

    def policy_values(self, policy: str) -> tuple[str, ...]: ...


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

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Open policies under which this node's answer differs."""
        return tuple(
            dict.fromkeys(r.policy for r in self.readings if r.status != self.default_status)
        )


@dataclass(frozen=True)
class OtherReading:
    """Another version in force on the same date, and its answer."""

    version: Version
    status: str


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
    note: str | None = None  # why there are no rules in force, when the rule book says why


@dataclass(frozen=True)
class Context:
    """What every evaluation for one profile shares: its facts, the date and the policies."""

    facts: FactSource
    as_of: date
    defaults: Mapping[str, str]
    explicit: Mapping[str, str]
    dates: bool = True  # search the day each unmet condition time closes is reached (see below)


def evaluate_selection(
    selection: Selection | None, check_id: str, context: Context, why_none: str | None = None
) -> CheckResult:
    """Evaluate the selected version of a check, and the other readings in force beside it.
    ``why_none``: what to say when there is no selection (a retired credential)."""
    if selection is None:
        return CheckResult(None, check_id, None, context.as_of, NO_RULES, note=why_none)
    result = evaluate_check(selection.version, check_id, context)
    others = tuple(
        OtherReading(v, evaluate_check(v, check_id, context).status) for v in selection.others
    )
    return replace(result, others=others) if others else result


def evaluate_check(version: Version, check_id: str, context: Context) -> CheckResult:
    """Evaluate ``check_id`` of ``version``; alternatives of its unset open policies decide ambiguity."""
    check = version.check(check_id)
    assert check is not None
    facts, as_of, explicit = context.facts, context.as_of, context.explicit
    policies = {**context.defaults, **explicit}
    facts_now = facts.at(as_of, policies)
    if check.applies_logic is not None and not _applies(check, facts_now):
        return CheckResult(check, check.id, version, as_of, NOT_APPLICABLE, policies=policies)
    variants = [
        (policy, value, _statuses(check, facts.at(as_of, {**policies, policy: value})))
        for policy in version.open_policies
        if policy not in explicit
        for value in facts.policy_values(policy)
        if value != policies[policy]
    ]

    def eta(node: Node) -> date | None:  # a dozen derivations each: half of checking them all
        return _reached_on(node, facts, as_of, policies) if context.dates else None

    requires = _resolve(_evaluate(check.requires, facts_now, eta), variants)
    recommends = (
        _resolve(_evaluate(check.recommends, facts_now, eta), variants)
        if check.recommends
        else None
    )
    standing = None
    if requires.status == MET:
        standing = check.standing_met
    elif requires.status == NOT_MET and check.standing_not_met is not None:
        standing = check.standing_not_met(facts_now)
    return CheckResult(
        check,
        check.id,
        version,
        as_of,
        requires.status,
        requires,
        recommends,
        (),
        policies,
        standing,
    )


def _applies(check: Check, facts: Mapping[str, Any]) -> bool:
    """Whether the check is for this person; a missing fact reads as null, as in JsonLogic."""
    assert check.applies_logic is not None
    return truthy(check.applies_logic(facts))


# --- one pass over the tree under one set of facts -----------------------------------------


def _evaluate(
    node: Node, facts: Mapping[str, Any], eta: Callable[[Node], date | None]
) -> NodeResult:
    if node.kind == "leaf":
        return _leaf(node, facts, eta)
    children = [_evaluate(child, facts, eta) for child in node.children]
    status = _combine(node.kind, {child.status for child in children})
    details = tuple(lookup(facts, node.details) or ()) if node.details and status == NOT_MET else ()
    if node.kind == "all":
        distance = sum(child.distance for child in children)
    else:
        distance = min(child.distance for child in children)
        children.sort(key=_closeness)
    return NodeResult(
        node, status, tuple(children), details=details, distance=distance, default_status=status
    )


def _combine(kind: str, statuses: set[str]) -> str:
    """all: not met beats unknown beats met; any: met beats unknown beats not met."""
    if kind == "all":
        return NOT_MET if NOT_MET in statuses else UNKNOWN if UNKNOWN in statuses else MET
    return MET if MET in statuses else UNKNOWN if UNKNOWN in statuses else NOT_MET


def _closeness(result: NodeResult) -> tuple[int, int, float]:
    """Met first, then fewest unmet conditions, then the smallest relative shortfall."""
    return (result.status != MET, result.distance, _relative_gap(result))


def _relative_gap(result: NodeResult) -> float:
    if result.shortfall is not None and isinstance(result.needed, int | float) and result.needed:
        return result.shortfall / abs(result.needed)
    gaps = [_relative_gap(child) for child in result.children if child.status != MET]
    return sum(gaps) if gaps else (0.0 if result.status == MET else 1.0)


def _leaf(node: Node, facts: Mapping[str, Any], eta: Callable[[Node], date | None]) -> NodeResult:
    assert node.logic is not None
    missing = tuple(read for read in node.logic.reads if lookup(facts, read) is None)
    found = needed = operator = shortfall = None
    if node.sides is not None:
        operator, left, right = node.sides
        found, needed = left(facts), right(facts)
        shortfall = shortfall_of(operator, found, needed)
    elif len(node.logic.reads) == 1:
        found = lookup(facts, node.logic.reads[0])
        if isinstance(found, bool):  # a yes/no fact: show what the leaf made of it ({"!": ...})
            found = truthy(node.logic(facts))
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
        )
    status = MET if truthy(node.logic(facts)) else NOT_MET
    details: tuple[str, ...] = ()
    reached_on = None
    if status == NOT_MET:
        if node.details:
            details = tuple(lookup(facts, node.details) or ())
        reached_on = eta(node)
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
    )


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


def lacking_leaves(pathway: NodeResult) -> list[NodeResult]:
    """The conditions a pathway lacks, in the explanation's order: not met ones, then unknown."""

    def walk(result: NodeResult, wanted: str) -> list[NodeResult]:
        if not result.children:
            return [result] if result.status == wanted else []
        return [leaf for child in result.children for leaf in walk(child, wanted)]

    return walk(pathway, NOT_MET) + walk(pathway, UNKNOWN)


def mark_ambiguous(
    result: NodeResult, differing: Mapping[str, tuple[PolicyReading, ...]]
) -> NodeResult:
    """``result`` with the nodes ``differing`` names (node id -> its readings under the other
    policy values) made ambiguous. Nodes not named, with no child named, are returned as they
    are: most are, and copying each would cost every check its tree again."""
    if not differing:
        return result
    children = tuple(mark_ambiguous(child, differing) for child in result.children)
    readings = differing.get(result.node.id)
    if readings is None and all(
        new is old for new, old in zip(children, result.children, strict=True)
    ):
        return result
    return replace(
        result,
        children=children,
        readings=readings or (),
        status=AMBIGUOUS if readings is not None else result.status,
    )


def shortfall_of(operator: str, found: Any, needed: Any) -> float | None:
    """How far ``found`` is from satisfying ``operator needed``; None when not numeric or satisfied."""
    numbers = int | float
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


def lookup(facts: Mapping[str, Any], path: str) -> Any:
    value: Any = facts
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _statuses(check: Check, facts: Mapping[str, Any]) -> dict[str, str]:
    """Node id -> status under ``facts``, without explanations (for policy alternatives)."""
    statuses: dict[str, str] = {}

    def walk(node: Node) -> str:
        if node.kind == "leaf":
            assert node.logic is not None
            if any(lookup(facts, read) is None for read in node.logic.reads):
                status = UNKNOWN
            else:
                status = MET if truthy(node.logic(facts)) else NOT_MET
        else:
            status = _combine(node.kind, {walk(child) for child in node.children})
        statuses[node.id] = status
        return status

    walk(check.requires)
    if check.recommends:
        walk(check.recommends)
    return statuses


def _resolve(result: NodeResult, variants: list[tuple[str, str, dict[str, str]]]) -> NodeResult:
    """Mark nodes whose status differs under a policy alternative as ambiguous, naming it.

    A node no alternative changes, with no child changed, is returned as it is: most are, and
    a copy of each would cost a check of every check a few milliseconds."""
    if not variants:
        return result
    readings = tuple(
        PolicyReading(policy, value, statuses[result.node.id])
        for policy, value, statuses in variants
    )
    children = tuple(_resolve(child, variants) for child in result.children)
    differs = any(reading.status != result.status for reading in readings)
    if not differs and all(new is old for new, old in zip(children, result.children, strict=True)):
        return result  # readings stay (), status the same: what the copy would hold
    return replace(
        result,
        children=children,
        readings=readings if differs else (),
        status=AMBIGUOUS if differs else result.status,
    )


def _reached_on(
    node: Node, facts: FactSource, as_of: date, policies: Mapping[str, str]
) -> date | None:
    """The first day an unmet leaf is met if ongoing jobs continue; None if time alone does not do it.

    Facts are derived afresh on probe dates (an ongoing job runs to the probe date), so no rule
    needs to say how its numbers grow.
    """
    assert node.logic is not None
    if not node.grows:
        return None

    logic = node.logic

    def met_on(day: date) -> bool:
        return truthy(logic(facts.part_at(day, policies, logic.tops)))

    return first_day(met_on, as_of)


def first_day(met_on: Callable[[date], bool], as_of: date) -> date | None:
    """The first day after ``as_of`` (within ETA_HORIZON_DAYS) on which ``met_on`` holds, by
    bisection: it is monotonic, as experience only grows while a job continues."""
    low, high = 0, ETA_HORIZON_DAYS
    if not met_on(as_of + timedelta(days=high)):
        return None
    while high - low > 1:
        middle = (low + high) // 2
        if met_on(as_of + timedelta(days=middle)):
            high = middle
        else:
            low = middle
    return as_of + timedelta(days=high)
