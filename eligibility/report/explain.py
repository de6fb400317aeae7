"""Explaining: a result tree -> what a person needs to know.

The verdict in words, the closest pathway and how far it is, and the shortest ways to become
eligible ("complete AAPC Practicode -> option 2 met"), worked out from the tree: the unmet
conditions of each pathway, with supersets of another way dropped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import product

from eligibility.engine.results import (
    AMBIGUOUS,
    KEEPING_KINDS,
    MET,
    NO_RULES,
    NOT_APPLICABLE,
    NOT_MET,
    UNKNOWN,
    CheckResult,
    EligibleBy,
    NodeResult,
    combined,
    default_standing,
    lacking_leaves,
)
from eligibility.report.amounts import short_by
from eligibility.rulebook.rules import Policy

MAX_ACTIONS = 5
MISSING = "{missing}"  # in a rule's fix: the parts the condition lacks, named (rule-format.md)
# in a rule's fix: how far the condition falls short ("3 CEUs"), else the words after the bar
SHORT = re.compile(r"\{short(?:\|([^{}]*))?\}")
MAX_COMBINATIONS = (
    64  # an `all` of many `any`s multiplies; beyond this the longest ways are dropped
)

KEPT_NOT = "NOT MET"  # the headline of a keeping check not met
HEADLINES = {
    MET: "MET",
    NOT_MET: "NOT YET MET",
    UNKNOWN: "UNKNOWN",
    AMBIGUOUS: "DEPENDS ON AN OPEN QUESTION",
    NOT_APPLICABLE: "DOES NOT APPLY",
    NO_RULES: "NO RULES IN FORCE",
}


@dataclass(frozen=True)
class Action:
    """One way to become eligible: steps to take together, and the pathway(s) they complete."""

    steps: tuple[str, ...]
    completes: tuple[str, ...]
    # a step gives a fact the profile leaves unknown (an exact date, a flag): the pathway is met
    # only if what is given turns out as it needs, so the answer must not promise it
    if_given: bool = False
    # a step asks the body an open question: the pathway is met only if its answer is the
    # reading that meets it, which nobody can promise either
    if_answered: bool = False


@dataclass(frozen=True)
class OpenQuestion:
    """An open policy the answer depends on, and the answer under each of its values."""

    policy: Policy
    answers: tuple[tuple[str, str], ...]  # (value, status), the value in effect first


@dataclass(frozen=True)
class Explanation:
    """A check result with its verdict in words, closest pathway and ways forward."""

    result: CheckResult
    headline: str
    verdict: str
    closest: NodeResult | None
    actions: tuple[Action, ...]
    open_questions: tuple[OpenQuestion, ...] = ()
    # the open policies, so that the text names a question and a reading in words, not by id
    policies: Mapping[str, Policy] = field(default_factory=dict)
    # "Eligible by DATE (pathway) if ...": when time alone makes a not-met check met
    eligible_by: str | None = None
    # what a summary line says for the verdict where the status's general words would hide
    # what the profile gives (met under the default reading of an open question, what is not
    # stated deciding it under another); None: the general words
    overview: str | None = None


def explain(result: CheckResult, policies: Mapping[str, Policy]) -> Explanation:
    """Everything the renderers show for one check result; ``policies`` describe open questions."""
    check = result.check
    if check is None or result.requires is None:
        verdict = (
            f"Not applicable: this check is {check.applies_text}."
            + (f" {result.note}" if result.note else "")
            if check and check.applies_text
            else result.note or f"No version of these rules is in force on {result.as_of}."
        )
        headline = HEADLINES[result.status]
        if result.lapsed_holder and check and check.applies_text:
            # a check for holders of a credential that has lapsed: not met until reinstated
            headline = f"{KEPT_NOT} (YOUR CREDENTIAL HAS LAPSED)"
            verdict = f"This check is {check.applies_text}. {result.note}"
        return Explanation(result, headline, verdict, None, (), (), policies)
    verdict = {
        MET: check.outcome_met,
        NOT_MET: check.outcome_when_not_met(
            standings(result),
            _not_met_ids(result.requires) if check.outcome_because else (),
        ),
        UNKNOWN: "The profile does not say enough to answer; see the unknown conditions below.",
        AMBIGUOUS: "The answer depends on a question the sources leave open; see below.",
    }[result.status]
    root = result.requires
    pathways = root.children if root.node.kind == "any" else (root,)
    body = result.version.body if result.version is not None else None  # settles its questions
    if result.status == AMBIGUOUS:
        # dated as the gaps close with time: a letter asked for today vouches only for today's
        # months, whichever reading holds; the days themselves are the default reading's
        ways = _by_default_reading(
            _waited(_actions(pathways, policies, body), pathways, policies, body), pathways
        )
        return Explanation(
            result,
            HEADLINES[result.status],
            verdict,
            None,
            ways + _default_reading_steps(result),
            _open_questions(root, result, policies),
            policies,
        )
    if result.status == MET:
        return Explanation(result, HEADLINES[result.status], verdict, None, (), (), policies)
    if result.status == UNKNOWN and result.applies_unknown:
        return _applies_unknown(result, pathways, policies, body)
    overview = None
    if result.status == UNKNOWN:
        verdict, overview = _unknown_verdict(result, policies) or (verdict, None)
    closest = next((p for p in pathways if p.status != MET), None)
    actions = _actions(pathways, policies, body)
    standing_steps = result.standing_steps if result.status == NOT_MET else ()
    if standing_steps:  # the conditions' own fixes cannot undo this standing (rule-format.md)
        actions = tuple(Action((step,), ()) for step in standing_steps)
    if result.status == UNKNOWN and result.standing_steps:
        # were it not met, its standing (revoked) is one no condition's fix can undo any more:
        # what is left is to settle what is not known, and the standing's own ways if it fails
        actions = only_giving(actions, pathways, policies, body) + tuple(
            Action((f"if it turns out not met: {step}",), ())
            for step in result.standing_steps
            # a correction of the profile ("if AAPC's records show it active, correct the
            # profile") answers a standing the profile's data gives, not one still unknown
            if step not in result.standing_corrections
        )
    if result.status == UNKNOWN and result.eligible_by is not None:
        # met by then whatever is not known: a way that needs nothing given, after those that
        # give what is unknown (which may show it met already)
        actions = (*actions, _waiting_way(result.eligible_by))
    elif result.eligible_by is not None and not standing_steps:
        actions = _dated(actions, result.eligible_by, pathways, policies, body)
    if not standing_steps:
        actions = _waited(actions, pathways, policies, body)
    soon = _soon(result)
    if soon is not None and not standing_steps:
        # met within days by time alone (and a letter re-issued then): its way comes before a
        # course or Practicode, as a cohort's next step puts it, though it takes more steps
        actions = tuple(sorted(actions, key=lambda action: action.completes != (soon,)))
    by = eligible_sentence(result.eligible_by, root.node.kind == "any")
    if by and result.status == UNKNOWN:
        by = by.removesuffix(".") + WHATEVER_UNKNOWN
    if by and result.eligible_by is not None and result.eligible_by.readings:
        rests = reading_days(result.eligible_by, policies)
        by += f" That day rests on {rests}." if rests else ""
    headline = HEADLINES[result.status]
    if result.status == NOT_MET and check.kind in KEEPING_KINDS:
        headline = KEPT_NOT  # a credential lost or at risk is not "not yet" kept
    return Explanation(result, headline, verdict, closest, actions, (), policies, by, overview)


WHATEVER_UNKNOWN = ", whichever way what the profile does not say turns out."


def _waiting_way(eligible: EligibleBy) -> Action:
    """An eligible-by day's way as steps (an unknown answer's, which has no not-met pathway to
    date): keep working until then, and what its rules assume done then (a letter re-issued)."""
    day = eligible.day.isoformat()
    steps = [] if eligible.now or not eligible.jobs_continue else [f"{KEEP_WORKING} until {day}"]
    then = "now" if eligible.now else f"on {day} or later"
    steps += [re.sub(r"\bthen$", then, assumed) for assumed in eligible.assuming]
    return Action(tuple(steps) or (f"wait until {day}",), (eligible.pathway.id,))


def _unknown_verdict(
    result: CheckResult, policies: Mapping[str, Policy]
) -> tuple[str, str | None] | None:
    """An unknown answer that only fields the profile leaves unstated keep from being not met
    (an AHIMA cycle whose compliance the profile does not state, its listed CEUs short): what
    is not stated, then what the profile's data gives without it, in the not-met words, so that
    the likely answer leads rather than hides below. When what the data gives depends on an
    open question, and the default reading meets it whatever is unstated (the CEUs listed meet
    AHIMA's 40% rule if it covers only the cycles beginning in 2025 or later), it leads with
    that, and the readings under which what is not stated decides it; then also the words of
    the check's summary line, naming the question. None for any other unknown answer."""
    root, check = result.requires, result.check
    if root is None or check is None:
        return None
    unknown = list(_unknown_leaves(root, False))
    missing = [m for leaf, _ in unknown for m in leaf.missing]
    # only fields left unstated (not a fact's path, nor a date given to the month, which may
    # meet it or not), each in a way of meeting it beside another the profile's data decides
    # (AHIMA's records showing the cycle met, beside the CEUs listed): a condition that must
    # hold whatever is unstated (a membership's paid-through date) is not "not met" for it
    if not missing or not all(m.endswith(" (not stated)") for m in missing):
        return None
    if not all(beside for _, beside in unknown):
        return None
    not_met: set[str] = set()
    status = _unknown_as_not_met(root, not_met)
    unstated = dict.fromkeys(m.removesuffix(" (not stated)") for m in missing)
    lead = f"The profile does not say enough to answer; not stated: {and_list(list(unstated))}."
    if status == AMBIGUOUS:
        return _met_by_default_reading(result, policies, lead)
    if status != NOT_MET:
        return None
    standing = (result.standing_if_not_met,) if result.standing_if_not_met else ()
    otherwise = check.outcome_when_not_met(standing, not_met if check.outcome_because else ())
    return f"{lead} From what it does give, not met: {otherwise}", None


def _met_by_default_reading(
    result: CheckResult, policies: Mapping[str, Policy], lead: str
) -> tuple[str, str] | None:
    """The verdict and summary words of an unknown answer (``lead``: what is not stated) whose
    conditions, what is not stated taken as not met, the default reading of the open questions
    meets and another reading does not: met by default, and under that other reading what is
    not stated decides it. None when the default reading does not meet them."""
    root, check = result.requires, result.check
    assert root is not None and check is not None
    if _unknown_as_not_met(root, set(), _under(None)) != MET:
        return None
    others = dict.fromkeys(
        (reading.policy, reading.value)
        for leaf in root.leaves()
        if leaf.status == AMBIGUOUS
        for reading in leaf.readings
    )
    deciding = [r for r in others if _unknown_as_not_met(root, set(), _under(r)) != MET]
    asked = [p for p in dict.fromkeys(p for p, _ in deciding) if p in policies]
    if not asked:
        return None
    in_effect = result.policies or {}
    default = [policies[p].values.get(in_effect.get(p, policies[p].default), "") for p in asked]
    one = len(asked) == 1
    question = "an open question" if one else "the open questions"
    verdict = (
        f"{lead} From what it does give, met under the default reading of {question}"
        f" ({and_list([d for d in default if d])}): {check.outcome_met} If"
        f" {' or if '.join(policies[p].values.get(v, v) for p, v in deciding if p in policies)},"
        " what is not stated decides it."
    )
    named = "; ".join(policies[p].question for p in asked)
    overview = (
        f"Met under the default reading of {question} ({named}); under another, what the"
        " profile does not state decides it, and its full explanation says what to add."
    )
    return verdict, overview


def _unknown_leaves(result: NodeResult, beside: bool) -> Iterable[tuple[NodeResult, bool]]:
    """The unknown leaves under ``result``, each with whether it is in one of the ways of an
    ``any`` beside another way known not to be met."""
    if not result.children:
        if result.status == UNKNOWN:
            yield result, beside
        return
    for child in result.children:
        # another way that the profile's data decides, or decides but for an open question
        known_other = result.node.kind == "any" and any(
            other is not child and other.status in (NOT_MET, AMBIGUOUS) for other in result.children
        )
        yield from _unknown_leaves(child, beside or known_other)


def _unknown_as_not_met(
    result: NodeResult, not_met: set[str], under: Callable[[NodeResult], str] | None = None
) -> str:
    """The answer of ``result`` were every unknown condition in it not met; ``not_met`` gets
    the ids of the conditions then not met (as :func:`_not_met_ids` finds them). ``under``:
    a leaf's answer under one reading of the open questions (:func:`_under`)."""
    if not result.children:
        status = under(result) if under is not None else result.status
        status = NOT_MET if status == UNKNOWN else status
    else:
        found: set[str] = set()
        statuses = [_unknown_as_not_met(child, found, under) for child in result.children]
        status = combined(result.node.kind, statuses)
        if status == NOT_MET:
            not_met |= found
    if status == NOT_MET:
        not_met.add(result.node.id)
    return status


def _under(reading: tuple[str, str] | None) -> Callable[[NodeResult], str]:
    """A leaf's answer under ``reading`` (an open question's id and one of its values) of the
    open questions it depends on, or under the readings in effect (None)."""

    def status(leaf: NodeResult) -> str:
        if leaf.status != AMBIGUOUS:
            return leaf.status
        found = (r.status for r in leaf.readings if (r.policy, r.value) == reading)
        return next(found, leaf.default_status)

    return status


SOON_DAYS = 31  # an eligible-by day this close is the first way forward, before any other


def _soon(result: CheckResult) -> str | None:
    """The id of the pathway time alone meets within :data:`SOON_DAYS` of the date (its gaps
    closing without anything to take now), when there is one."""
    eligible = result.eligible_by
    if eligible is None or eligible.now or result.status != NOT_MET:
        return None
    return eligible.pathway.id if (eligible.day - result.as_of).days <= SOON_DAYS else None


def _not_met_ids(root: NodeResult) -> frozenset[str]:
    """The ids of the conditions found not met (a not-met verdict may say why by them)."""
    found: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node.status == NOT_MET:
            found.add(node.node.id)
            stack.extend(node.children)
    return frozenset(found)


def standings(result: CheckResult) -> tuple[str, ...]:
    """The standing a not-met answer finds, or the ones it may have when that is not known."""
    if result.standing:
        return (result.standing,)
    return result.unknown_standing.standings if result.unknown_standing is not None else ()


def _applies_unknown(
    result: CheckResult,
    pathways: tuple[NodeResult, ...],
    policies: Mapping[str, Policy],
    body: str | None,
) -> Explanation:
    """An answer unknown because whether the check applies at all depends on what the profile
    leaves unknown (its credential revoked unless the dues are paid): that is what to give
    first; the conditions show how it comes out where it applies, and their own ways forward
    follow when they are not met there."""
    check = result.check
    applies = f" (it is {check.applies_text})" if check and check.applies_text else ""
    named = and_list([what for what, _ in result.applies_unknown])
    verdict = (
        f"Whether this check applies to you{applies} depends on what the profile does not say:"
        f" {named}. The conditions below show how it comes out if it applies."
    )
    giving = Action(tuple(how for _, how in result.applies_unknown), (), if_given=True)
    root_met = result.requires is not None and result.requires.status == MET
    closest = None if root_met else next((p for p in pathways if p.status != MET), None)
    ways = () if root_met else _waited(_actions(pathways, policies, body), pathways, policies, body)
    actions = (giving, *ways)
    return Explanation(result, HEADLINES[UNKNOWN], verdict, closest, actions, (), policies)


BY_DEFAULT_READING = " (as the default reading counts it; another reading may give another day)"


def _by_default_reading(
    actions: tuple[Action, ...], pathways: tuple[NodeResult, ...]
) -> tuple[Action, ...]:
    """An ambiguous answer's ways with a day time brings (keep coding until D): each step that
    names such a day says it is the default reading's (roles that audit codes not counted, say:
    counted, the day comes sooner)."""
    days = {
        leaf.reached_on.isoformat()
        for pathway in pathways
        for leaf in lacking_leaves(pathway)
        if leaf.reached_on is not None
    }
    if not days:
        return actions
    out = []
    for action in actions:
        steps = tuple(
            step + BY_DEFAULT_READING if any(f"until {day}" in step for day in days) else step
            for step in action.steps
        )
        out.append(Action(steps, action.completes, action.if_given, action.if_answered))
    return tuple(out)


def _default_reading_steps(result: CheckResult) -> tuple[Action, ...]:
    """An ambiguous keeping check's standing's own ways forward under the reading in effect (a
    CCS revoked if AHIMA pools the CEUs: its appeal has a last day whatever the question's
    answer turns out to be), each saying the reading it rests on."""
    standing = default_standing(result.reading_standings)
    if not result.standing_steps or standing is None:
        return ()
    subject = f"the {result.version.credential}" if result.version is not None else "it"
    return tuple(
        Action((f"if the default reading holds, {subject} is {standing}: {step}",), ())
        for step in result.standing_steps
        # a correction of the profile rests on the body's records, not on a reading, and the
        # conditions offer their own ("if AHIMA's CEU Center shows the cycle recertified ...")
        if step not in result.standing_corrections
    )


JOBS_CONTINUE = "you keep working in your current coding job"  # what experience that grows needs
KEEP_WORKING = "keep working in your current coding job"  # the step, for one without a fix
NO_JOB_GOES_ON = (
    "(you have no coding job that counts now)"  # where no coding job that counts continues
)


def eligible_sentence(eligible: EligibleBy | None, name_pathway: bool = True) -> str | None:
    """The day time alone makes a check met, and what that assumes, as a candidate reads it:
    "Eligible by 2027-08-31 (Option 1: ...) if you keep working in your current coding job and
    ask for your letter to be re-issued then." ``name_pathway``: the check has several."""
    if eligible is None:
        return None
    text = "Eligible now" if eligible.now else f"Eligible by {eligible.day.isoformat()}"
    if name_pathway:
        text += f" ({eligible.pathway.text})"
    return text + _assuming(eligible) + "."


def reading_days(eligible: EligibleBy, policies: Mapping[str, Policy] | None) -> str:
    """What an eligible-by day rests on when another reading of an open question moves it, each
    reading with its day: "how part-time coding work counts towards months of experience:
    2026-11-30 if calendar time counts whatever the hours (the default reading), 2028-04-01 if
    part-time work is pro-rated to a 40-hour week (...)". Empty when no reading moves it."""
    said = []
    for policy_id in dict.fromkeys(r.policy for r in eligible.readings):
        policy = policies.get(policy_id) if policies else None
        if policy is None:
            continue
        days = [
            f"{eligible.day.isoformat()} if {_value(policy, policy.default)} (the default reading)"
        ]
        days += [
            (r.day.isoformat() if r.day else "no such day") + f" if {_value(policy, r.value)}"
            for r in eligible.readings
            if r.policy == policy_id
        ]
        brief = policy.in_brief or f'the answer to "{policy.question}"'
        said.append(f"{brief}: " + ", ".join(days))
    return "; and on ".join(said)


def _value(policy: Policy, value: str) -> str:
    return policy.values.get(value, value)


def eligible_way(eligible: EligibleBy) -> str:
    """The same as a way forward beside another pathway's steps (a cohort's next step, whose
    closest pathway time does not complete): "eligible by 2027-08-31 through Option 1 if you
    keep working in your current coding job and ask for your letter to be re-issued then"."""
    when = "eligible now" if eligible.now else f"eligible by {eligible.day.isoformat()}"
    return f"{when} through {eligible.pathway.title}{_assuming(eligible)}"


def _assuming(eligible: EligibleBy) -> str:
    """ " if ..." what an eligible-by date assumes (jobs going on, letters re-issued then)."""
    conditions = ([JOBS_CONTINUE] if eligible.jobs_continue else []) + list(eligible.assuming)
    if conditions and not eligible.jobs_continue:
        conditions[0] = f"you {conditions[0]}"  # "if you ask for your letter to be re-issued"
    if eligible.now:  # the day is today: what the rules' words do "then" is done now
        conditions = [re.sub(r"\bthen$", "now", c) for c in conditions]
    return " if " + and_list(conditions) if conditions else ""


def _open_questions(
    root: NodeResult, result: CheckResult, policies: Mapping[str, Policy]
) -> tuple[OpenQuestion, ...]:
    in_effect = result.policies or {}
    questions = []
    for policy_id in root.depends_on:
        answers = [(in_effect.get(policy_id, ""), root.default_status)]
        answers += [(r.value, r.status) for r in root.readings if r.policy == policy_id]
        questions.append(OpenQuestion(policies[policy_id], tuple(answers)))
    return tuple(questions)


def _actions(
    pathways: tuple[NodeResult, ...],
    policies: Mapping[str, Policy] | None = None,
    body: str | None = None,
) -> tuple[Action, ...]:
    """The smallest sets of unmet conditions that would complete a pathway, fewest steps first.

    For an ambiguous answer, ambiguous conditions count as unmet: the actions then make the
    answer "met" under every reading of the open questions.
    """
    # the open questions each "ask ... the open question(s)" step asks: a way asking two asks
    # them in one step, each question once
    settles = {
        settle_step(leaf.depends_on, policies, body): leaf.depends_on
        for p in pathways
        for leaf in lacking_leaves(p, settle=True)
        if leaf.status == AMBIGUOUS
    }
    found: dict[frozenset[str], list[str]] = {}
    for pathway in pathways:
        for steps in _ways(pathway, policies, body):
            asked = [s for s in steps if s in settles]
            if len(asked) > 1:
                ids = dict.fromkeys(p for s in sorted(asked) for p in settles[s])
                one = settle_step(tuple(ids), policies, body)
                settles[one] = tuple(ids)
                steps = steps.difference(asked) | {one}
            found.setdefault(steps, [])
            if pathway.node.id not in found[steps]:
                found[steps].append(pathway.node.id)
    minimal = [s for s in found if s and not any(other < s for other in found if other)]
    minimal.sort(key=len)
    giving = _giving(pathways, policies, body)
    asking = set(settles)
    return tuple(
        Action(_in_order(s), tuple(found[s]), bool(s & giving), bool(s & asking))
        for s in minimal[:MAX_ACTIONS]
    )


def only_giving(
    actions: tuple[Action, ...],
    pathways: tuple[NodeResult, ...],
    policies: Mapping[str, Policy] | None,
    body: str | None,
) -> tuple[Action, ...]:
    """The ways made wholly of giving what the pathways' unknown conditions lack: for an unknown
    answer whose standing, were it not met, no condition's fix can undo (revoked), a step beside
    them could not help."""
    giving = _giving(pathways, policies, body)
    return tuple(a for a in actions if a.if_given and set(a.steps) <= giving)


def _giving(
    pathways: tuple[NodeResult, ...], policies: Mapping[str, Policy] | None, body: str | None
) -> set[str]:
    """The steps that give what the pathways' unknown conditions lack."""
    return {
        given
        for p in pathways
        for leaf in lacking_leaves(p)
        if leaf.status == UNKNOWN
        for given in _steps(leaf, policies, body)
    }


def _dated(
    actions: tuple[Action, ...],
    eligible: EligibleBy,
    pathways: tuple[NodeResult, ...],
    policies: Mapping[str, Policy] | None,
    body: str | None = None,
) -> tuple[Action, ...]:
    """The ways that complete the eligible-by pathway, with its day where a step closes only
    with time (``closes_with_time``: a letter asked for today vouches only for today's months,
    so "ask for a letter" alone would not meet it). Met now, a step taken now is dated now, and
    the way is what the eligible-by date assumes done now ("ask for your letter to be re-issued
    now"): the letter on file is dated too early, and "ask for a letter that meets AAPC's rules"
    would tell its holder her letter does not (a way that also completes another pathway reads
    the same)."""
    pathway = next((p for p in pathways if p.node.id == eligible.pathway.id), None)
    if pathway is None:
        return actions
    if eligible.now:
        return _reissued(actions, eligible, pathway, policies, body)
    day = eligible.day.isoformat()
    waiting = _waiting(pathway, policies, body)
    dated = []
    for action in actions:
        # a way that also completes another pathway is one a step taken today may finish (a
        # letter asked for now, for work already done): dated, it would say to wait for nothing
        if action.completes == (pathway.node.id,) and waiting & set(action.steps):
            steps = _dated_steps(action.steps, waiting, day)
            if eligible.jobs_continue and not any(f"until {day}" in s for s in steps):
                steps.append(f"keep working in your current coding job until {day}")
            action = Action(_in_order(steps), action.completes, action.if_given, action.if_answered)
        dated.append(action)
    return tuple(dated)


def _reissued(
    actions: tuple[Action, ...],
    eligible: EligibleBy,
    pathway: NodeResult,
    policies: Mapping[str, Policy] | None,
    body: str | None,
) -> tuple[Action, ...]:
    """The ways that complete ``pathway`` alone with the steps of its conditions that close with
    time replaced by what the eligible-by date assumes done now."""
    now = [re.sub(r"\bthen$", "now", assumed) for assumed in eligible.assuming]
    timed = {
        step(leaf, policies, body)
        for leaf in lacking_leaves(pathway)
        if leaf.status == NOT_MET and leaf.node.closes_with_time
    }
    if not now or not timed:
        return actions
    return tuple(
        Action(
            _in_order([*(s for s in action.steps if s not in timed), *now]),
            action.completes,
            action.if_given,
            action.if_answered,
        )
        if action.completes == (pathway.node.id,) and timed & set(action.steps)
        else action
        for action in actions
    )


def _waited(
    actions: tuple[Action, ...],
    pathways: tuple[NodeResult, ...],
    policies: Mapping[str, Policy] | None,
    body: str | None = None,
) -> tuple[Action, ...]:
    """The ways to one pathway that also wait for time ("keep working ... until D") with their
    steps that close only with time dated by the last such day, as :func:`_dated` dates the
    eligible-by pathway's: a letter asked for today vouches only for the months worked by today.
    A step already dated is left as it is."""
    by_id = {p.node.id: p for p in pathways}
    out = []
    for action in actions:
        pathway = by_id.get(action.completes[0]) if len(action.completes) == 1 else None
        lacking = lacking_leaves(pathway) if pathway is not None else []
        days = [leaf.reached_on for leaf in lacking if leaf.reached_on is not None]
        waiting = _waiting(pathway, policies, body) if pathway is not None else set()
        if days and waiting & set(action.steps):
            steps = _dated_steps(action.steps, waiting, max(days).isoformat())
            action = Action(_in_order(steps), action.completes, action.if_given, action.if_answered)
        out.append(action)
    return tuple(out)


def _waiting(
    pathway: NodeResult, policies: Mapping[str, Policy] | None, body: str | None
) -> set[str]:
    """The steps of the pathway's lacking conditions that close only with time and have no
    day of their own: a letter asked for today vouches only for the months worked by today.
    Not one whose ``now_when_met`` conditions are all met (or not shown, which a condition
    that cannot fail is): the months worked are there and letters can be had for them, so a
    letter asked for today (for a past job too) meets it."""
    unmet = {leaf.node.id for leaf in pathway.leaves() if leaf.status != MET}
    return {
        step(leaf, policies, body)
        for leaf in lacking_leaves(pathway)
        if leaf.status == NOT_MET
        and leaf.node.closes_with_time
        and leaf.reached_on is None
        and not (
            leaf.node.closes_with_time.now_when_met
            and unmet.isdisjoint(leaf.node.closes_with_time.now_when_met)
        )
    }


def _dated_steps(steps: Sequence[str], waiting: set[str], day: str) -> list[str]:
    return [f"{s}, dated {day} or later" if s in waiting else s for s in steps]


def _ways(
    result: NodeResult, policies: Mapping[str, Policy] | None = None, body: str | None = None
) -> list[frozenset[str]]:
    """Each way to meet ``result``, as the set of steps it takes (empty when already met)."""
    if result.status == MET:
        return [frozenset()]
    if result.node.kind == "leaf":
        actionable = result.fix or result.reached_on or result.status in (UNKNOWN, AMBIGUOUS)
        if not actionable:
            return []  # nothing to do
        ways = [frozenset(_steps(result, policies, body))]
        if result.status == AMBIGUOUS and result.default_status == NOT_MET and result.fix:
            # not met by the default reading, met by another: its fix, which makes up what the
            # default reading lacks (CEUs earned and sent), meets it whatever the body answers
            ways.append(frozenset((step(replace(result, status=NOT_MET), policies, body),)))
        return ways
    child_ways = [_ways(child, policies, body) for child in result.children]
    if result.node.kind == "any":
        return [way for ways in child_ways for way in ways]
    combined = {frozenset().union(*combo) for combo in product(*child_ways)}
    # fewest steps first, then by the steps' words: a set's own order changes with the hash
    # seed, which made the actions (and which ways survive the cut) differ from run to run
    return sorted(combined, key=lambda way: (len(way), sorted(way)))[:MAX_COMBINATIONS]


def settle_step(
    questions: Sequence[str], policies: Mapping[str, Policy] | None, body: str | None
) -> str:
    """Asking ``body`` (which decides) to settle the open ``questions`` (policy ids), by their
    words from ``policies``, never their ids."""
    known = [policies[p] for p in questions if policies and p in policies]
    asked = body or "the certifying body"
    if not known:  # a step a candidate can take: ask the body, which decides
        return f"ask {asked} the open question the sources leave here"
    said = and_list([f'"{policy.question}"' for policy in known])
    return f"ask {asked} the open question{'s' if len(known) > 1 else ''} {said}"


def step(
    leaf: NodeResult, policies: Mapping[str, Policy] | None = None, body: str | None = None
) -> str:
    """What to do about one unmet condition, in the candidate's terms: an open question by its
    words from ``policies`` (never its id), to be settled by ``body`` (the check's certifying
    body, AHIMA), which decides it."""
    node = leaf.node
    if leaf.status == AMBIGUOUS:
        return settle_step(leaf.depends_on, policies, body)
    if leaf.status == UNKNOWN and leaf.missing:
        return steps_text(giving_steps(leaf))
    fix = leaf.fix
    if fix and MISSING in fix:  # the rule's advice names what the condition lacks
        fix = fix.replace(MISSING, and_list(leaf.lacking) if leaf.lacking else "what is missing")
    if fix and "{short" in fix:  # ... and how much: "earn 3 CEUs pre-approved for the CEMC"
        short = leaf.shortfall
        known = isinstance(short, int | float) and not isinstance(short, bool) and short > 0
        said = short_by(leaf) if known else None  # as the line above it: "4 to 8 CEUs"
        fix = SHORT.sub(lambda found: said or found.group(1) or "", fix)
    if leaf.reached_on is not None:  # a condition that grows is reached as the current jobs go on
        keep = KEEP_WORKING if node.grows else "keep going"
        return f"{fix or keep} until {leaf.reached_on.isoformat()}"
    if node.grows and node.unit == "months" and leaf.shortfall and not node.closes_with_time:
        # time would close it, but no job that counts continues today: there is nothing to
        # keep doing (a billing job, or none at all, adds nothing), so say what to find and for
        # how long. A condition time closes with a record re-dated (a letter) keeps its own
        # step: the time is said by the condition on the work itself
        months = math.ceil(leaf.shortfall - 1e-9)
        plural = "s" if months != 1 else ""
        return (
            f"find a coding job that counts and code there for {months} more month{plural}"
            f" {NO_JOB_GOES_ON}"
        )
    return fix or f"meet: {node.text}"


def giving_steps(leaf: NodeResult) -> tuple[str, ...]:
    """What to give for an unknown condition: one step per thing it lacks (X73's letter needs
    the job's start day and the letter's own), each once, in order."""
    supply = dict(leaf.node.supply)
    return tuple(
        dict.fromkeys(
            supply.get(missing) or f"tell us: {leaf.node.text}" for missing in leaf.missing
        )
    )


def _steps(
    leaf: NodeResult, policies: Mapping[str, Policy] | None, body: str | None
) -> tuple[str, ...]:
    if leaf.status == UNKNOWN and leaf.missing:
        return giving_steps(leaf)
    return (step(leaf, policies, body),)


def _in_order(steps: Iterable[str]) -> tuple[str, ...]:
    """A way's steps in the order to take them: finding a coding job first where none goes on
    (a letter can vouch only for work done), then by their words (a set has no order)."""
    return tuple(sorted(steps, key=lambda s: (not s.endswith(NO_JOB_GOES_ON), s)))


def steps_text(steps: tuple[str, ...] | list[str]) -> str:
    """Steps taken together, as one sentence: "a and b". Where an earlier step has a comma of
    its own ("a letter ..., dated 2027-08-31 or later") the next step follows ", and", so that
    the earlier one reads as closed: "..., dated 2027-08-31 or later, and keep coding until ..."."""
    steps = _shared_said_once(list(steps))
    if len(steps) > 1 and any("," in s for s in steps[:-1]):
        return ", ".join(steps[:-1]) + ", and " + steps[-1]
    return " and ".join(steps)


SHARED_WORDS = 20  # two steps alike this far at both ends are one step with two aims
_CLAUSE_WORDS = (" before ", " by ", " until ", " within ", ", ")


def _shared_said_once(steps: list[str]) -> list[str]:
    """Steps that differ only in their middle said as one: "buy AHIMA's extension ... to earn
    5 CEUs before ..." and "... to earn the missing HIIM-domain CEUs before ..." are one
    purchase, "... to earn 5 CEUs and the missing HIIM-domain CEUs before ...", not two."""
    merged: list[str] = []
    for step in steps:
        for i, earlier in enumerate(merged):
            start = _common_words(earlier, step)
            end = _common_words(earlier[start:][::-1], step[start:][::-1])
            # the shared end from a word that opens a clause ("5 CEUs before ...", not
            # "5 and the missing ... CEUs before ...": the middles keep their nouns)
            tail = earlier[len(earlier) - end :]
            cut = min((tail.find(w) for w in _CLAUSE_WORDS if w in tail), default=len(tail))
            end -= cut
            first, second = earlier[start : len(earlier) - end], step[start : len(step) - end]
            if start >= SHARED_WORDS and end >= SHARED_WORDS and first and second:
                merged[i] = f"{earlier[:start]}{first} and {second}{earlier[len(earlier) - end :]}"
                break
        else:
            merged.append(step)
    return merged


def _common_words(a: str, b: str) -> int:
    """How much ``a`` and ``b`` begin alike, to the end of a word (0 if less than one)."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    if n == min(len(a), len(b)) and n == max(len(a), len(b)):
        return n
    while n and a[n - 1] != " ":
        n -= 1
    return n


def and_list(items: tuple[str, ...] | list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
