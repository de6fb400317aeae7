"""Answers for a profile that leaves out what it does not know (``inputs/formatversion.py``):
true/false fields in profile format 2, and values the rules need (a job's start, a paid-through
date) in either format.

The facts read a field left out one way (``{var: on_letterhead}`` is null, so false; a job
without a start is not counted), so the answer as derived is the answer under one reading of what
was not stated. It is derived again with every such field read the other way: a condition or check whose answer differs depends on
what was not stated, and is **unknown**; one whose answer is the same does not, and stays as it
is (a field not stated is harmless where it does not matter). Only then is each field read the
other way on its own, to name the fields a condition that differs depends on: a leaf lists them
as missing, with how to state them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from eligibility.engine.results import (
    AMBIGUOUS,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    UNKNOWN,
    CheckResult,
    NodeResult,
)
from eligibility.inputs.formatversion import Omitted, not_stated

Explain = Callable[[Mapping[str, Any]], tuple[CheckResult, ...]]


def with_unstated(
    data: Mapping[str, Any], results: tuple[CheckResult, ...], explain: Explain
) -> tuple[CheckResult, ...]:
    """``results`` (answered on ``data`` as it is) with each answer that depends on a field
    ``data`` does not state made unknown. ``explain`` answers the same checks for other data."""
    omitted = not_stated(data)
    if not omitted:
        return results
    other = explain(_read_otherwise(data, omitted))
    if not any(_differs(a, b) for a, b in zip(results, other, strict=True)):
        return results
    alone = (
        [(item, explain(_read_otherwise(data, [item]))) for item in omitted]
        if len(omitted) > 1
        else [(omitted[0], other)]
    )
    return tuple(
        _merged_check(result, other[i], [(item, answers[i]) for item, answers in alone], omitted)
        for i, result in enumerate(results)
    )


def _read_otherwise(data: Mapping[str, Any], omitted: Sequence[Omitted]) -> dict[str, Any]:
    """A copy of ``data`` with each of ``omitted`` given the other value than format 1's."""
    copy = _copy(data)
    for item in omitted:
        record: Any = copy
        for step in item.path[:-1]:
            record = record[step]
        record[item.field] = item.other
    return copy


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _differs(first: CheckResult, second: CheckResult) -> bool:
    if first.status != second.status or first.standing != second.standing:
        return True
    return _tree_differs(first.requires, second.requires) or _tree_differs(
        first.recommends, second.recommends
    )


def _tree_differs(first: NodeResult | None, second: NodeResult | None) -> bool:
    if first is None or second is None:
        return first is not second
    if first.status != second.status:
        return True
    return any(_tree_differs(child, _child(second, child)) for child in first.children)


def _merged_check(
    result: CheckResult,
    other: CheckResult,
    alone: list[tuple[Omitted, CheckResult]],
    omitted: list[Omitted],
) -> CheckResult:
    if result.status == NOT_APPLICABLE and other.status != NOT_APPLICABLE:
        result, other = other, result  # show the reading under which the check applies
        alone = [
            (item, answer if answer.status != NOT_APPLICABLE else result) for item, answer in alone
        ]
    requires = _merged_node(
        result.requires, other.requires, [(i, r.requires) for i, r in alone], omitted
    )
    recommends = _merged_node(
        result.recommends, other.recommends, [(i, r.recommends) for i, r in alone], omitted
    )
    status, standing = result.status, result.standing
    if status != other.status:
        status = UNKNOWN
    if standing != other.standing:
        standing = None  # the standing depends on what was not stated
    if (requires, recommends, status, standing) == (
        result.requires,
        result.recommends,
        result.status,
        result.standing,
    ):
        return result
    return replace(
        result, requires=requires, recommends=recommends, status=status, standing=standing
    )


def _merged_node(
    node: NodeResult | None,
    other: NodeResult | None,
    alone: list[tuple[Omitted, NodeResult | None]],
    omitted: list[Omitted],
) -> NodeResult | None:
    if node is None or other is None:
        return node
    children = tuple(
        _merged_node(
            child,
            _child(other, child),
            [(i, _child(a, child)) for i, a in alone if a is not None],
            omitted,
        )
        for child in node.children
    )
    if node.status == other.status:
        return replace(node, children=children) if children != node.children else node
    if node.node.kind != "leaf":
        return replace(node, status=UNKNOWN, children=children, shortfall=None, reached_on=None)
    deciding = [item for item, a in alone if a is not None and a.status != node.status]
    missing = tuple(_named(item) for item in deciding or omitted)
    supply = tuple((_named(item), _how(item)) for item in deciding or omitted)
    return replace(
        node,
        node=replace(node.node, supply=(*node.node.supply, *supply)),
        status=UNKNOWN,
        found=None if isinstance(node.found, bool) else node.found,  # "yes" would be a claim
        missing=(*node.missing, *missing),
        shortfall=None,
        reached_on=None,
    )


def _child(parent: NodeResult, child: NodeResult) -> NodeResult | None:
    """``parent``'s result for the condition ``child`` is the result of (children are listed
    closest first, so their order differs between readings)."""
    return next((c for c in parent.children if c.node.id == child.node.id), None)


def _named(item: Omitted) -> str:
    """The field as a person finds it in the profile: ``letter-1: contact_info_present``."""
    return f"{item.record}: {item.field} (not stated)"


def _how(item: Omitted) -> str:
    if item.flag:
        return f"state {item.field} of {item.record}: true or false"
    if isinstance(item.other, list):
        return f"give {item.field} of {item.record}: the ones used"
    return f"give {item.field} of {item.record} (YYYY-MM-DD)"


def unstated_assessment(data: Mapping[str, Any], answer: Any, assess: Callable[[Any], Any]) -> Any:
    """A cohort's answer (``engine.plan.Assessment``) for ``data`` with the same rule as
    :func:`with_unstated`: a check or condition whose answer differs when the fields ``data``
    does not state are read the other way is unknown. ``assess`` answers other data alike."""
    omitted = not_stated(data)
    if not omitted:
        return answer
    other = assess(_read_otherwise(data, omitted))
    outcomes = tuple(
        _merged_outcome(mine, theirs)
        for mine, theirs in zip(answer.outcomes, other.outcomes, strict=True)
    )
    standings = tuple(
        mine if mine == theirs else None
        for mine, theirs in zip(answer.standings, other.standings, strict=True)
    )
    results = answer.results
    if results:
        results = with_unstated(data, results, lambda changed: assess(changed).results)
    return replace(answer, outcomes=outcomes, standings=standings, results=results)


def _merged_outcome(mine: Any, theirs: Any) -> Any:
    """One check's outcome under both readings: a leaf (or the check) that differs is unknown."""
    if mine == theirs:
        return mine
    if mine.status == NOT_APPLICABLE and theirs.status != NOT_APPLICABLE:
        mine, theirs = theirs, mine  # as _merged_check: the reading under which it applies

    def statuses(outcome: Any) -> dict[str, str]:
        found = dict.fromkeys(outcome.failed, NOT_MET)
        found.update(dict.fromkeys(outcome.unknown, UNKNOWN))
        found.update(dict.fromkeys(outcome.ambiguous, AMBIGUOUS))
        return found

    first, second = statuses(mine), statuses(theirs)
    leaves = {leaf: first.get(leaf, MET) for leaf in (*first, *second)}
    for leaf in leaves:
        if leaves[leaf] != second.get(leaf, MET):
            leaves[leaf] = UNKNOWN
    status = mine.status if mine.status == theirs.status else UNKNOWN
    failed = tuple(leaf for leaf, s in leaves.items() if s == NOT_MET)
    return replace(
        mine,
        status=status,
        failed=failed,
        unknown=tuple(leaf for leaf, s in leaves.items() if s == UNKNOWN),
        ambiguous=tuple(leaf for leaf, s in leaves.items() if s == AMBIGUOUS),
        lacking=tuple(n for n in mine.lacking if n.node.id in failed) if status == NOT_MET else (),
    )
