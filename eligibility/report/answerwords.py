"""A cohort answer's words for a spreadsheet row: the closest pathway and the next step.

Read from an outcome (``engine.plan.Outcome``: what the closest pathway lacks), not a result
tree, so that a batch's CSV report gets them without explaining every student; outcomes are
shared by many students, so a report works these out once per outcome.

The rules word a step for a person editing a profile file ("give renewal_month ...
(memberships: [{organization: AAPC, renewal_month: 9}])"); a director reads the batch's, so
they are said without the file's syntax (:func:`in_words`): a field by its question's title
(``inputs/questions.py``), a code by its words in the fact file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import cache

from eligibility.engine.results import (
    AMBIGUOUS,
    MET,
    NOT_MET,
    UNKNOWN,
    EligibleBy,
    NodeResult,
    combined,
    lacking_leaves,
)
from eligibility.inputs.formatversion import in_sentence
from eligibility.inputs.questions import Group, sections
from eligibility.report.explain import (
    MISSING,
    SOON_DAYS,
    Action,
    _actions,
    _dated,
    _waited,
    eligible_way,
    only_giving,
    reading_days,
    settle_step,
    steps_text,
)
from eligibility.rulebook.rules import Check, Node, Policy

MAX_UNKNOWN_STEPS = 3  # an unknown answer names at most this many facts to supply, then "..."


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
    return pathway.title


def _others(
    check: Check | None, closest: Node, failed: tuple[str, ...], unsettled: tuple[str, ...] = ()
) -> tuple[NodeResult, ...]:
    """The other pathways not met whose steps read alike for every student (each condition
    they lack has a fixed fix: no date, no count, no fact in it), as trees: a way that completes
    one of them and the closest is a step taken today, as ``check`` finds it. The others'
    steps could not be the closest's alone. A pathway with a condition ``unsettled`` (ambiguous
    or unknown: its step is to settle or give it) is left out: taken for met, its other steps
    would seem to complete it alone."""
    if check is None or check.requires.kind != "any":
        return ()
    out = []
    for pathway in check.requires.children:
        if pathway.id == closest.id:
            continue
        leaves = [n for n in pathway.walk() if n.kind == "leaf"]
        if any(n.id in unsettled for n in leaves):
            continue
        # what it lacks, as check finds it: a leaf not met inside an alternative that is met
        # (Practicode, beside a course of 80 hours) is not lacking
        tree = _as_failed(pathway, frozenset(failed))
        lacking = [leaf.node for leaf in lacking_leaves(tree)]
        if lacking and all(
            n.fix
            and not n.fix_reads
            and n.fix_when is None
            and MISSING not in n.fix
            and not n.grows
            for n in lacking
        ):
            out.append(tree)
    return tuple(out)


def _as_failed(node: Node, failed: frozenset[str]) -> NodeResult:
    """``node`` answered with its leaves not met exactly where ``failed`` names them."""
    if node.kind == "leaf":
        return NodeResult(node, NOT_MET if node.id in failed else MET)
    children = tuple(_as_failed(child, failed) for child in node.children)
    return NodeResult(node, combined(node.kind, (c.status for c in children)), children)


def _tree(node: Node, lacking: Mapping[str, NodeResult]) -> NodeResult:
    """The pathway's result tree as far as its steps need it: its lacking leaves as found, the
    others met, each ``all`` / ``any`` from its children, combined as the engine combines them.
    In an ``any`` that holds lacking leaves none of its alternatives is met (the lacking leaves
    are those of the closest): the others are not met, with nothing to do about them, as
    ``check`` has them (a PAHCS period's "none has ended yet" beside the last period's CEUs)."""
    if node.kind == "leaf":
        return lacking.get(node.id) or NodeResult(node, MET)
    holds = [any(n.id in lacking for n in child.walk()) for child in node.children]
    children = tuple(
        _tree(child, lacking)
        if held or node.kind != "any" or not any(holds)
        else NodeResult(replace(child, kind="leaf", children=(), fix=None), NOT_MET)
        for child, held in zip(node.children, holds, strict=True)
    )
    return NodeResult(node, combined(node.kind, (c.status for c in children)), children)


def next_step(
    check: Check | None,
    status: str,
    lacking: tuple[NodeResult, ...],
    unknown: tuple[str, ...],
    policies: Mapping[str, Policy],
    standing_steps: tuple[str, ...] = (),
    eligible: EligibleBy | None = None,
    body: str | None = None,
    questions: tuple[str, ...] = (),
    supply: tuple[tuple[str, str], ...] = (),
    failed: tuple[str, ...] = (),
    applies: tuple[tuple[str, str], ...] = (),
    unsettled: tuple[str, ...] = (),
    gaps: tuple[NodeResult, ...] = (),
    as_of: date | None = None,
) -> str:
    """What to do first, in the words ``check`` uses for its steps: for an answer not met, the
    steps that complete the closest pathway (together), or the first of the ways forward the
    check gives for its standing where no condition's fix can undo it (``standing_steps``: a
    revoked credential's, :func:`engine.results.standing_steps`); for an ambiguous one, to
    settle the open ``questions`` (policy ids) its answer depends on, as ``check`` words that
    step; for an unknown one, the facts to supply. Empty when met.
    ``eligible``: the day time alone makes the check met; a step that closes only with time (a
    letter) is dated by it, as ``check`` dates it. ``body``: the check's certifying body, asked
    to settle an open question; a step that also completes another pathway (``failed``: the
    ids of every condition not met) is one taken today, not dated. ``supply``: (condition id,
    how to give it) where what the profile leaves unknown (a field not stated) decides it.
    ``applies``: (what, how to give it) where that decides whether the check applies at all.
    ``unsettled``: the ids of the conditions ambiguous or unknown (another pathway with one is
    not taken for completed by a step). ``gaps``: an unknown answer's unmet conditions as
    ``check`` shows them (engine/unstated), when what the profile leaves unknown makes it so:
    its step is ``check``'s first way that gives what is unknown."""
    if status == NOT_MET and standing_steps:  # each a way of its own (check lists them apart)
        return standing_steps[0]
    if status == AMBIGUOUS:
        return settle_step(questions, policies, body)
    if status == NOT_MET:
        pathway = _closest(check, lacking)
        if pathway is None:
            return ""
        others = _others(check, pathway, failed, unsettled) if eligible is not None else ()
        trees = (_tree(pathway, {leaf.node.id: leaf for leaf in lacking}), *others)
        actions = _actions(trees, policies, body)
        if eligible is not None:
            actions = _dated(actions, eligible, trees, policies, body)
        actions = _waited(actions, trees, policies, body)
        first = next((a for a in actions if pathway.id in a.completes), None)
        said = in_words(steps_text(first.steps), codes(check)) if first else ""
        # an eligible-by day another reading of an open question moves says what it rests on
        rests = reading_days(eligible, policies) if eligible is not None else ""
        rests = f", a day that rests on {rests}" if rests else ""
        if eligible is not None and eligible.pathway.id != pathway.id:
            # the eligible-by date is another pathway's: its way goes with it, or the row
            # would date the closest pathway's steps (a course) by a letter's day
            way = in_words(eligible_way(eligible), codes(check)) + rests
            # days of waiting come before a course or Practicode (met now, the way is a letter
            # re-issued, as the closest pathway's step often is: that step stays first)
            soon = (
                as_of is not None and not eligible.now and (eligible.day - as_of).days <= SOON_DAYS
            )
            said = (f"{way}; or {said}" if soon else f"{said}; or {way}") if said else way
        elif said:
            said += rests
        return said
    if status == UNKNOWN and applies:  # what decides whether it applies, given first
        return in_words(steps_text([how for _, how in applies]), codes(check))
    if status == UNKNOWN and check is not None and gaps:
        first = _giving_way(check, gaps, standing_steps, policies, body)
        if first is not None:
            return in_words(steps_text(first.steps), codes(check))
    if status == UNKNOWN and check is not None and unknown:
        nodes = {node.id: node for node in check.requires.walk()}
        given = dict(supply)  # what the profile leaves unknown, where it decides
        # in the order of check's ways (explain.py sorts a way's steps by their words)
        steps = sorted(
            dict.fromkeys(given.get(i) or _supply(nodes[i]) for i in unknown if i in nodes)
        )
        more = " and more" if len(steps) > MAX_UNKNOWN_STEPS else ""
        return in_words(steps_text(steps[:MAX_UNKNOWN_STEPS]) + more, codes(check))
    return ""


def _giving_way(
    check: Check,
    gaps: tuple[NodeResult, ...],
    standing_steps: tuple[str, ...],
    policies: Mapping[str, Policy],
    body: str | None,
) -> Action | None:
    """``check``'s first way forward, for an unknown answer with these unmet conditions, that
    gives what is unknown: while a standing were it not met has ways of its own (revoked), only
    one made wholly of giving it, as ``check`` keeps them."""
    root = _tree(check.requires, {leaf.node.id: leaf for leaf in gaps})
    pathways = root.children if root.node.kind == "any" else (root,)
    actions = _actions(pathways, policies, body)
    if standing_steps:
        actions = only_giving(actions, pathways, policies, body)
    return next((a for a in actions if a.if_given), None)


def _supply(node: Node) -> str:
    """How to state what a condition reads and the profile does not say."""
    return node.supply[0][1] if node.supply else f"tell us: {node.text}"


def codes(check: Check | None) -> dict[str, str]:
    """The codes the check's conditions read, in the fact file's words (a topic's)."""
    return {c: w for node in check.requires.walk() for c, w in node.words} if check else {}


@cache
def field_titles() -> dict[str, str]:
    """Each profile field's name (a record list's too) -> its question's title as a sentence
    says it ("paid through", "AAPC course"), from ``inputs/questions.py``."""
    titles: dict[str, str] = {}

    def add(name: str, title: str) -> None:
        titles.setdefault(name, in_sentence(title))

    def walk(group: Group) -> None:
        if group.path:
            add(group.path, group.title)
        for item in group.items:
            if isinstance(item, Group):
                walk(item)
            else:
                add(item.path.rsplit(".", 1)[-1], item.title)

    for group in sections():
        walk(group)
    return titles


# a value written as the profile file writes it: "memberships: [{...}]", "education: {...}",
# with what introduces it ("e.g. ", "(", ": ")
_SNIPPET = re.compile(r"(\(|e\.g\.\s+|:\s+)?\b[a-z_]+:\s*(?=[\[{])")
_CLOSE = {"[": "]", "{": "}"}


def _without_snippets(text: str) -> str:
    out, at = [], 0
    for found in _SNIPPET.finditer(text):
        if found.start() < at:
            continue
        end, stack = found.end(), []
        for end in range(found.end(), len(text)):
            char = text[end]
            if char in _CLOSE:
                stack.append(_CLOSE[char])
            elif stack and char == stack[-1]:
                stack.pop()
                if not stack:
                    break
        if stack:  # not closed: not a value, kept as it is
            continue
        end += 1
        if found.group(1) == "(" and text[end : end + 1] == ")":
            end += 1
        out.append(text[at : found.start()])
        at = end
    return "".join([*out, text[at:]])


def in_words(text: str, code_words: Mapping[str, str] | None = None) -> str:
    """A step written for a person editing a profile, said for one who does not (a program
    director): values in the file's syntax left out ("(memberships: [...])"), a field named
    beside its words left out ("the date you passed it (exam_pass_date)"), any other field
    by its question's title ("renewal month") and a code by its words."""
    titles, words = field_titles(), code_words or {}
    said = _without_snippets(text)

    def known(name: str) -> bool:
        return name in titles or name in words

    name = r"([a-z]+(?:_[a-z]+)*)"
    said = re.sub(
        rf"\s*\({name}\)", lambda m: "" if known(m[1]) else m[0], said
    )  # "(exam_pass_date)": the words before it say it
    said = re.sub(
        rf"\({name}(?::\s+|,\s+(?=read as))", lambda m: "(" if known(m[1]) else m[0], said
    )  # "(paid_through: YYYY-MM-DD)", "(typed, read as yes)": the words before it name it

    def word(match: re.Match[str]) -> str:
        quoted, name = match[1], match[2]
        if quoted:  # 'education': a field quoted is one
            return words.get(quoted) or titles.get(quoted) or match[0]
        if "_" not in name:  # a word of the sentence, not a name
            return match[0]
        return words.get(name) or titles.get(name) or match[0]

    said = re.sub(r"'([a-z_]+)'|\b([a-z][a-z0-9]*(?:_[a-z0-9]+)*)\b", word, said)
    said = re.sub(r"\s+([,.;:)])", r"\1", said)
    return re.sub(r"\s{2,}", " ", said).strip(" ,;:")
