"""What a student's explained answer (check_profile) says, in the terms of a cohort's answers
(``plan.assess``): shared by the tests that compare the two."""

from __future__ import annotations

from eligibility.engine.results import NOT_MET, UNKNOWN, CheckResult, NodeResult, lacking_leaves
from eligibility.report.explain import explain


def leaf_ids(result: NodeResult | None, status: str) -> set[str]:
    """Ids of the leaves under ``result`` with ``status``."""
    return {leaf.node.id for leaf in ordered_leaves(result, status)} if result else set()


def ordered_leaves(result: NodeResult, status: str) -> list[NodeResult]:
    """The leaves under ``result`` with ``status``, in the explanation's order."""
    if result.node.kind == "leaf":
        return [result] if result.status == status else []
    return [leaf for child in result.children for leaf in ordered_leaves(child, status)]


def closest_unmet(result: CheckResult, book) -> list[NodeResult]:
    """What the closest pathway lacks, not met first, then unknown, then the open questions to
    settle, in the explanation's order (a met part lacks nothing), as the explanation works it
    out."""
    scope = explain(result, book.policies).closest or result.requires
    return lacking_leaves(scope, settle=True) if scope is not None else []


def lacking_fields(leaves) -> list[tuple]:
    """(id, status, found, needed, shortfall, reached_on) of each leaf, as both paths give them."""
    return [
        (leaf.node.id, leaf.status, leaf.found, leaf.needed, leaf.shortfall, leaf.reached_on)
        for leaf in leaves
    ]


def assert_alike(verdict, result: CheckResult, where: str) -> None:
    """A cohort verdict and an explained result agree on status, standing and the ids of the
    conditions not met, unknown and ambiguous."""
    from eligibility.engine.results import AMBIGUOUS

    assert verdict.status == result.status, where
    assert verdict.standing == result.standing, where
    outcome = verdict.outcome
    assert set(outcome.failed) == leaf_ids(result.requires, NOT_MET), where
    assert set(outcome.unknown) == leaf_ids(result.requires, UNKNOWN), where
    assert set(outcome.ambiguous) == leaf_ids(result.requires, AMBIGUOUS), where


def deciding_ids(result: CheckResult, book) -> tuple[set[str], set[str], set[str]]:
    """The ids a batch's CSV row lists in failed, unknown and ambiguous: only the conditions that
    decide the answer (the closest pathway's when not met, an open question's included; every
    unknown one when unknown; every ambiguous one when ambiguous; none when met)."""
    from eligibility.engine.results import AMBIGUOUS

    if result.status == NOT_MET:
        leaves = closest_unmet(result, book)
        return (
            {leaf.node.id for leaf in leaves if leaf.status == NOT_MET},
            {leaf.node.id for leaf in leaves if leaf.status == UNKNOWN},
            {leaf.node.id for leaf in leaves if leaf.status == AMBIGUOUS},
        )
    if result.status == UNKNOWN:
        return set(), leaf_ids(result.requires, UNKNOWN), set()
    if result.status == AMBIGUOUS:
        return set(), set(), leaf_ids(result.requires, AMBIGUOUS)
    return set(), set(), set()
