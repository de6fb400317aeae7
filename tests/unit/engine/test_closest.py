"""Which pathway is closest: what can be completed, then fewest unmet conditions; a condition
nothing can make true is never advised."""

from __future__ import annotations

from eligibility.engine.results import MET, NOT_MET, NodeResult, inner_result
from eligibility.report.explain import _actions
from eligibility.rulebook.rules import Node


def _leaf(node_id: str, *, fix: str | None = "do it", short: float = 1.0):
    node = Node(node_id, node_id, "leaf", fix=fix, unit="months")
    return NodeResult(node, NOT_MET, found=0, needed=24, shortfall=short, distance=1)


def _all(node_id: str, *children: NodeResult) -> NodeResult:
    node = Node(node_id, node_id, "all", children=tuple(c.node for c in children))
    return inner_result(node, NOT_MET, list(children))


def _any(*children: NodeResult) -> NodeResult:
    node = Node("root", "root", "any", children=tuple(c.node for c in children))
    return inner_result(node, NOT_MET, list(children))


def test_a_pathway_that_cannot_be_completed_comes_last() -> None:
    impossible = _all("letters-lost", _leaf("cannot", fix=None))
    possible = _all("two-steps", _leaf("a"), _leaf("b"))
    root = _any(impossible, possible)
    assert [c.node.id for c in root.children] == ["two-steps", "letters-lost"]
    assert [a.completes for a in _actions(root.children)] == [("two-steps",)]


def test_a_met_pathway_comes_first() -> None:
    met = NodeResult(Node("met", "met", "leaf", fix="x"), MET)
    assert _any(_all("two", _leaf("a"), _leaf("b")), met).children[0].node.id == "met"


def test_fewer_unmet_conditions_still_come_first_among_those_that_can_be_completed() -> None:
    one = _all("one", _leaf("a", short=20))
    two = _all("two", _leaf("b"), _leaf("c"))
    assert _any(two, one).children[0].node.id == "one"
