"""A cohort answer's words for a spreadsheet row: the closest pathway and the next step.

Read from an outcome (``engine.plan.Outcome``: what the closest pathway lacks), not a result
tree, so that a batch's CSV report gets them without explaining every student; outcomes are
shared by many students, so a report works these out once per outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from eligibility.engine.results import MET, NOT_MET, UNKNOWN, EligibleBy, NodeResult
from eligibility.report.explain import _actions, _dated, steps_text
from eligibility.rulebook.rules import Check, Node, Policy

MAX_UNKNOWN_STEPS = 3  # an unknown answer names at most this many facts to supply, then "..."


def pathway_name(node: Node) -> str:
    """A pathway's name as ``check`` shows it: its text up to a colon ("Option 2")."""
    text = node.text.split(":")[0].split(" (")[0]
    return text if len(text) <= 60 else text[:57].rstrip() + "..."


def _closest(check: Check | None, lacking: tuple[NodeResult, ...]) -> Node | None:
    """The pathway (a child of an ``any`` root, else the root) the lacking conditions belong to."""
    if check is None or not lacking:
        return None
    if check.requires.kind != "any":
        return check.requires
    wanted = lacking[0].node.id
    return next((p for p in check.requires.children if any(n.id == wanted for n in p.walk())), None)


def closest_name(check: Check | None, lacking: tuple[NodeResult, ...]) -> str:
    """The pathway the lacking conditions belong to, in words; empty when the check has one
    pathway (the check is the pathway) or nothing is lacking."""
    pathway = _closest(check, lacking)
    if pathway is None or check is None or pathway is check.requires:
        return ""
    return pathway_name(pathway)


def _tree(node: Node, lacking: Mapping[str, NodeResult]) -> NodeResult:
    """The pathway's result tree as far as its steps need it: its lacking leaves as found, the
    others met, each ``all`` / ``any`` from its children (codes in status order)."""
    if node.kind == "leaf":
        return lacking.get(node.id) or NodeResult(node, MET)
    children = tuple(_tree(child, lacking) for child in node.children)
    codes = [_ORDER.index(child.status) for child in children]
    code = min(codes) if node.kind == "all" else max(codes)
    return NodeResult(node, _ORDER[code], children)


_ORDER = (NOT_MET, UNKNOWN, MET)


def next_step(
    check: Check | None,
    status: str,
    lacking: tuple[NodeResult, ...],
    unknown: tuple[str, ...],
    policies: Mapping[str, Policy],
    standing: str | None = None,
    eligible: EligibleBy | None = None,
) -> str:
    """What to do first, in the words ``check`` uses for its steps: for an answer not met, the
    steps that complete the closest pathway (together), or the ways forward the check gives for
    its ``standing`` where no condition's fix can undo it (a revoked credential); for an unknown
    one, the facts to supply. Empty otherwise (met, ambiguous: the review column says what to
    settle). ``eligible``: the day time alone makes the check met; a step that closes only with
    time (a letter) is dated by it, as ``check`` dates it."""
    if status == NOT_MET and check is not None and standing:
        steps = dict(check.standing_fix).get(standing)
        if steps:  # each is a way of its own (check lists them apart): the first
            return steps[0]
    if status == NOT_MET:
        pathway = _closest(check, lacking)
        if pathway is None:
            return ""
        found = {leaf.node.id: leaf for leaf in lacking}
        if eligible is not None and eligible.pathway.id == pathway.id:
            # a batch dates a condition only for a near miss; time alone meets this pathway, so
            # its growing conditions are dated too: "keep coding until", as check says
            for leaf_id, day in eligible.reached:
                leaf = found.get(leaf_id)
                if leaf is not None and leaf.reached_on is None:
                    found[leaf_id] = replace(leaf, reached_on=day)
        tree = _tree(pathway, found)
        actions = _actions((tree,), policies)
        if eligible is not None:
            actions = _dated(actions, eligible, (tree,), policies)
        return steps_text(actions[0].steps) if actions else ""
    if status == UNKNOWN and check is not None and unknown:
        nodes = {node.id: node for node in check.requires.walk()}
        steps = list(dict.fromkeys(_supply(nodes[i]) for i in unknown if i in nodes))
        more = " and more" if len(steps) > MAX_UNKNOWN_STEPS else ""
        return " and ".join(steps[:MAX_UNKNOWN_STEPS]) + more
    return ""


def _supply(node: Node) -> str:
    """How to state what a condition reads and the profile does not say."""
    return node.supply[0][1] if node.supply else f"tell us: {node.text}"
