"""Rendering: explanations -> text for people, JSON for programs (``schemas/report.schema.json``)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from eligibility.engine.results import (
    AMBIGUOUS,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    UNKNOWN,
    CheckResult,
    NodeResult,
    OtherReading,
    ProfileReport,
    ReadingStanding,
    UnknownStanding,
    combined,
    lacking_leaves,
    missing_choice,
    resting,
)
from eligibility.errors import InputError
from eligibility.inputs.formatversion import in_sentence
from eligibility.report.amounts import quantity, short_by
from eligibility.report.explain import JOBS_CONTINUE, Explanation, explain, step, steps_text
from eligibility.report.provenance import (
    REPORT_VERSION,
    footer_text,
    policies_used,
    rule_file,
    rules_json,
    tool_json,
)
from eligibility.report.style import paint
from eligibility.rulebook.rules import Check, Node, Policy, RuleBook, Version

STATUS_WORDS = {MET: "met", NOT_MET: "not met", UNKNOWN: "unknown", AMBIGUOUS: "ambiguous"}
LABEL_WIDTH = 10

# what each kind of check asks, for a check's title in words and (short) a spreadsheet tab
CHECK_KINDS = {
    "exam": ("sitting the exam", "exam"),
    "designation": ("the full credential on passing the exam", "full credential"),
    "removal": ("removing the apprentice designation", "apprentice removal"),
    "recertification": ("keeping the credential (renewal)", "renewal"),
    "status": ("good standing", "standing"),
}


def titled(credential: str, check: Check) -> str:
    """A check in words, its credential as text calls it and what the check asks ("CPC:
    removing the apprentice designation"): the summary's, the web page's and the director's."""
    return f"{credential}: {CHECK_KINDS.get(check.kind, (check.question,))[0]}"


def check_heading(result: CheckResult) -> str:
    """A summary line's check: in words, with the id ``check --cert`` takes in brackets
    ("CPC: removing the apprentice designation [CPC-A-removal]")."""
    version, check = result.version, result.check
    if version is None or check is None:
        return result.check_id
    return f"{titled(version.called or version.credential, check)} [{result.check_id}]"


# --- values --------------------------------------------------------------------------------


# a day needed, by how it is compared: "paid through 2026-03-31 (2026-11-22 or later needed)"
DAY_NEEDED = {
    ">": "a day after {}",
    ">=": "{} or later",
    "<": "a day before {}",
    "<=": "{} or earlier",
}
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
REACHED = "reached {} if the current job continues"


def measurement(result: NodeResult) -> str | None:
    """'longest completed course: 78 hours (80 needed: 2 short)' for a leaf that compares numbers."""
    node = result.node
    label = node.measure or "found"
    if result.status == UNKNOWN and _needed_unknown(result):  # found, but not what is needed
        return f"{label}: {quantity(result.found, node.unit)} (what is needed is not known)"
    if result.needed is None and not isinstance(result.found, list):
        return None
    found = result.found
    if isinstance(found, list) and node.words:  # codes in the fact file's words
        words = dict(node.words)
        found = [words.get(code, code) if isinstance(code, str) else code for code in found]
    text = f"{label}: {quantity(found, node.unit)}"
    if result.found_surely:  # met under every reading of what is not known: what it surely is
        bound = "at least" if result.operator in (">=", ">") else "at most"
        text = f"{label}: {bound} {quantity(found, node.unit)}"
    if result.found_range is not None:  # the found value depends on what is not known
        low, high = result.found_range
        first = quantity(low, node.unit if node.unit == "months" else None)  # "30 to 36 CEUs"
        text = f"{label}: {first} to {quantity(high, node.unit)}"
        if high is None:  # an amount left out may be any larger one
            text = f"{label}: at least {quantity(low, node.unit)}"
        if isinstance(low, str):  # days: as a date known only to the month or year is shown
            text = f"{label}: any day from {low} to {high}"
    if result.needed is not None and not isinstance(result.needed, bool):
        need = f"{quantity(result.needed, node.unit)} needed"
        if isinstance(result.needed, str) and ISO_DAY.fullmatch(result.needed):
            need = DAY_NEEDED.get(result.operator or "", "{}").format(result.needed) + " needed"
        if result.shortfall:
            need += f": {short_by(result)} short"
        if result.reached_on:
            need += "; " + REACHED.format(result.reached_on.isoformat())
        text += f" ({need})"
    return text


def lacking_words(result: NodeResult) -> str:
    """A condition lacking, in a list of what is missing: what it found, or its words saying
    how it stands ("AAPC membership dues are paid for the current year: not met"; a list of
    bare condition texts reads as if they held)."""
    said = measurement(result)
    if said:
        return said
    if result.status == UNKNOWN and result.node.measure:
        # what is not known, named ("renewal month: not known"): the condition's text says it
        # as if it held ("The month your AAPC membership renews is known: not known")
        return f"{result.node.measure}: not known"
    text = condition_words(result)
    if isinstance(result.found, bool) and result.needed is None:
        return text  # "AAPC Practicode completed: no"
    return f"{text}: {'not known' if result.status == UNKNOWN else 'not met'}"


def condition_words(result: NodeResult) -> str:
    """A condition as an answer names it, with what was found where it is yes or no ('AAPC
    Practicode completed: no'): its text alone reads as if it held."""
    text = result.node.text
    if isinstance(result.found, bool) and result.needed is None:
        text += f": {quantity(result.found, None)}"
    return text


# --- text ----------------------------------------------------------------------------------


def text_report(report: ProfileReport, policies: Mapping[str, Policy], colour: bool = False) -> str:
    """The whole text answer for one profile: a summary line per check, or full explanations;
    ``colour``: each status in its colour (``report/style.py``), the words unchanged."""
    explanations = [explain(result, policies) for result in report.results]
    head = f"{report.profile.label} · as of {report.as_of.isoformat()}{_settled(report)}"
    head += "".join(f"\nAssumed: {assumption}" for assumption in report.profile.assumed)
    footer = footer_text(report.as_of, _versions_used(report), report.policies, policies)
    if not report.detailed:
        lines = _summary_lines(explanations, colour)
        lines += ["", _summary_footer(report.profile.source)]
        return "\n".join([head, "", *lines, footer])
    # what reading the profile assumed is the profile's, said once above the first check
    blocks = [explanation_text(report, e, colour, n == 0) for n, e in enumerate(explanations)]
    return "\n\n".join([*blocks, footer])


# a summary line shows no conditions: what an unknown or ambiguous verdict points to is in the
# check's full explanation (the footer says how to get it), not "below"
SUMMARY_VERDICTS = {
    UNKNOWN: "The profile does not say enough to answer; its full explanation says what to add.",
    AMBIGUOUS: "The answer depends on a question the sources leave open; its full explanation"
    " gives the answer each way.",
}


LAPSED_VERDICT = (
    "Not for you while your credential has lapsed; its full explanation says what it would find."
)


def _summary_lines(explanations: list[Explanation], colour: bool = False) -> list[str]:
    """Each check that applies in words with its id in brackets (for ``--cert``), its verdict on
    the next line; checks answered alike share one (the 22 specialty exams); the ones that do
    not apply are named together at the end."""
    applicable = [
        e for e in explanations if e.result.status != NOT_APPLICABLE or e.result.lapsed_holder
    ]
    lines = []
    groups: dict[tuple, list[tuple[Explanation, str]]] = {}
    for e in applicable:
        status = e.result.status.replace("_", " ")
        extra = ""
        check = e.result.check
        if e.result.status == NOT_MET and check and check.names_standing:
            pass  # the verdict names it ("Your CPC is revoked")
        elif e.result.standing and e.result.status != MET:  # revoked or inactive: not the same
            extra = f" (standing: {e.result.standing})"
        elif e.result.unknown_standing is not None:
            extra = f" (standing: {' or '.join(e.result.unknown_standing.standings)})"
        elif e.result.status == UNKNOWN and e.result.standing_if_not_met and e.result.check:
            extra = f" (standing: {e.result.check.standing_met} or {e.result.standing_if_not_met})"
        if e.closest is not None and e.closest.distance:
            pathways = e.result.requires is not None and e.result.requires.node.kind == "any"
            closest = f"closest: {e.closest.node.title}, " if pathways else ""  # else the only one
            # the one thing missing named (a condition, or a choice of them: "an 80-hour course
            # or Practicode"), so that a candidate need not ask for the whole explanation
            lacking = list(lacking_leaves(e.closest)) if e.closest.distance == 1 else []
            one = missing_choice(e.closest) or (lacking[0] if len(lacking) == 1 else None)
            what = f": {in_sentence(one.node.title)}" if one and one.status == NOT_MET else ""
            extra += f" ({closest}{_lacks(e.closest, str(e.closest.distance))}{what})"
        extra += _apart_words(_without_warnings(e.result.recommends), e.result.check)
        warnings = len(_warnings(e.result.recommends))
        if warnings:
            extra += f" ({warnings} warning{'s' if warnings != 1 else ''})"
        if e.result.eligible_by is not None:
            by, pathway = e.result.eligible_by.day.isoformat(), e.result.eligible_by.pathway
            other = e.closest is not None and pathway.id != e.closest.node.id
            when = "eligible now" if e.result.eligible_by.now else f"eligible by {by}"
            extra += f" ({when}" + (f" through {pathway.title})" if other else ")")
        if e.result.review:
            extra += " (needs human review)"
        verdict = e.overview or SUMMARY_VERDICTS.get(e.result.status, e.verdict)
        if e.result.status == AMBIGUOUS and e.open_questions:  # the question in a few words
            verdict += f" (depends on: {_in_brief(e.open_questions)})"
        if e.result.lapsed_holder:
            status, verdict = "not met", LAPSED_VERDICT
        status = paint(
            f"{status:<15}", NOT_MET if e.result.lapsed_holder else e.result.status, colour
        )
        line = f"  {status}{check_heading(e.result)}\n  {'':<15}{verdict}{extra}"
        groups.setdefault(answered_alike(e, verdict + extra), []).append((e, line))
    for members in groups.values():
        lines.append(members[0][1])
        if len(members) > 1:
            alike = ", ".join(e.result.check_id for e, _ in members[1:])
            lines.append(f"  {'':<15}and answered alike: {alike}")
    skipped = [
        e.result.check_id
        for e in explanations
        if e.result.status == NOT_APPLICABLE and not e.result.lapsed_holder
    ]
    if skipped:
        label = paint("Not applicable to this profile", NOT_APPLICABLE, colour)
        lines += ["", f"  {label} ({len(skipped)}): " + ", ".join(skipped)]
    return lines


def _in_brief(questions: Sequence[Any]) -> str:
    """The open questions an answer depends on, each as a clause for one line ("whether AHIMA
    accepts a GED"): the policy's ``in_brief``, else its question."""
    said = [q.policy.in_brief or q.policy.question for q in questions]
    return "; and ".join(dict.fromkeys(said))


def _apart_words(apart: NodeResult | None, check: Check | None) -> str:
    """What a summary line says of what is recommended beside a check (or worth knowing beside a
    keeping check): that it does not decide the answer, and what of it is not met or not known."""
    if apart is None:
        return ""
    label = "recommended, not required" if _recommends(check) else "worth knowing"
    if apart.status == MET:
        return f" ({label}: all met)"
    said = STATUS_WORDS.get(apart.status, apart.status)
    lacking = [c for c in apart.children if c.status == apart.status] or [apart]  # or a leaf
    if apart.node.kind == "any" and len(apart.children) > 1 and apart.status == NOT_MET:
        return f" ({label}: none of its {len(apart.children)} ways met)"
    if len(lacking) == 1:
        title = re.sub(r"^\([a-z]\) ", "", lacking[0].node.title)  # "(a) 6 months": its letter
        return f" ({label}: {in_sentence(title)}, {said})"
    return f" ({label}: {len(lacking)} things {said})"


def _recommends(check: Check | None) -> bool:
    """Whether what a check shows apart is what is recommended before an exam or designation,
    rather than what is worth knowing beside keeping a credential."""
    return check is not None and check.kind in ("exam", "designation")


def answered_alike(e: Explanation, said: str) -> tuple:
    """What a summary line says of a check, its own credential (and its apprentice form, CPC-A)
    aside: checks of one rule version and kind answered in the same words share a line."""
    result = e.result
    if result.version is None or result.check is None:
        return (result.check_id,)
    names = [result.version.credential, *([result.version.called] if result.version.called else [])]
    own = re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, names))})(-A)?(?![\w-])")
    # the line's words and the standing's own ways (an appeal open for one, closed for another)
    masked = tuple(own.sub(r"{credential}\1", text) for text in (said, *result.standing_steps))
    return (result.status, result.standing, result.version.id, result.check.kind, masked)


def _settled(report: ProfileReport) -> str:
    """How many open questions the run settled, for the first line: the footer says them in
    words, as every policy is said."""
    count = len(report.policies)
    if not count:
        return ""
    return (
        f" · {count} open question{'s' if count != 1 else ''} of the sources settled"
        " for this run (the last line says how)"
    )


def _summary_footer(source: str) -> str:
    """The command for one check's full explanation: with the profile's file where it came
    from one (``init`` shows the answers of the file it wrote), else ``PROFILE``."""
    named = source if source.endswith((".yaml", ".yml", ".json")) else "PROFILE"
    return (
        f"For the full explanation of one: eligibility check {shlex.quote(named)} --cert CHECK-ID"
        " (the id in brackets)"
    )


def explanation_text(
    report: ProfileReport, e: Explanation, colour: bool = False, assumed: bool = True
) -> str:
    """One check's full explanation, as ``check --cert CHECK`` prints it; ``assumed``: with
    what reading the profile assumed (said once when several checks are explained)."""
    r = e.result
    lines = [
        f"{report.profile.label} · as of {r.as_of.isoformat()} · {r.check_id}{_settled(report)}"
    ]
    lines += [f"Assumed: {assumption}" for assumption in report.profile.assumed if assumed]
    if r.version:
        lines.append(f"Rules: {_version_line(r.version)}")
        if r.version.confidence in ("L", "UNCONFIRMED"):
            lines.append(
                f"Caution: these rules rest on {'low-confidence' if r.version.confidence == 'L' else 'unconfirmed'} "
                f"sources; check them with {r.version.body} before relying on the answer."
            )
        if not r.version.in_force(r.as_of):  # asked for by ID@VERSION
            lines.append(
                f"Caution: these rules were not in force on {r.as_of.isoformat()}: this says what"
                " they would decide, not what applies on that date (leave out @VERSION for that)."
            )
    if r.check is not None:
        lines.append(r.check.question)
    lines += ["", f"{paint(e.headline, r.status, colour)}: {e.verdict}"]
    if r.standing:
        lines.append(f"  Standing on {r.as_of.isoformat()}: {r.standing}.")
    elif r.unknown_standing is not None:  # it depends on what the profile does not give
        lines.append(
            f"  Standing on {r.as_of.isoformat()}: {_unknown_standing(r.unknown_standing)}"
        )
    elif r.status == UNKNOWN and r.standing_if_not_met and r.check is not None:
        lines.append(
            f"  Standing on {r.as_of.isoformat()}: not known: {r.check.standing_met} if it is"
            f" met, {r.standing_if_not_met} if it is not."
        )
    elif r.reading_standings:
        # an unknown answer's (what is not stated may meet it): a standing short of the met
        # one holds only if what is not stated does not meet it either
        met = r.check.standing_met if r.status == UNKNOWN and r.check is not None else None
        lines.append(
            f"  Standing on {r.as_of.isoformat()} depends on the open question: "
            + "; ".join(
                _reading_standing(s, e.policies)
                + (", unless what is not stated meets it" if met and s.standing != met else "")
                for s in r.reading_standings
            )
            + "."
        )
    folded = _folded_warnings(r, e.policies)
    lines += _review_lines(r, e.policies, folded)
    told: set[str] = set()  # how to supply a fact: said in full once per answer
    lines += _warning_lines(r.recommends, told, {id(w) for ws in folded.values() for w in ws})
    if e.closest is not None and r.requires is not None and r.requires.node.kind == "any":
        if e.closest.distance:
            count = "one" if e.closest.distance == 1 else str(e.closest.distance)
            lines.append(f"  Closest: {e.closest.node.title}, {_lacks(e.closest, count)}.")
        else:  # nothing found missing: what it needs is not known (below)
            lines.append(f"  Closest: {e.closest.node.title}, if what is not known holds.")
    if e.eligible_by:
        lines.append(f"  {e.eligible_by}")
    if r.requires is not None:
        lines.append("")
        lines += _tree_lines(
            r.requires, e.closest, indent=2, top=True, policies=e.policies, colour=colour, told=told
        )
        lines += _assumption_lines(r.requires)
    if e.actions:
        ways = action_lines(e)
        if r.applies_unknown:
            # what decides whether the check applies settles the answer, either way; the other
            # ways make it met only where it applies, so they do not stand beside it
            lines += ["", "What would settle whether this applies:", f"  - {ways[0]}"]
            if ways[1:]:
                more = " (any one)" if len(ways) > 2 else ""
                lines += ["", f"Where it applies, what would make this met{more}:"]
                lines += [f"  - {line}" for line in ways[1:]]
        else:
            heading = "What would make this met" + (" (any one):" if len(ways) > 1 else ":")
            lines += ["", heading, *(f"  - {line}" for line in ways)]
        lines += _rules_end_lines(r.version, ways)
    lines += _ambiguity_lines(e)
    recommends = _without_warnings(r.recommends)
    if recommends is not None:
        shown_apart = "Recommended" if _recommends(r.check) else "Also"
        lines += ["", f"{shown_apart} (does not change the verdict):"]
        lines += _tree_lines(
            recommends, None, indent=2, top=True, policies=e.policies, colour=colour, told=told
        )
        lines += _assumption_lines(recommends)
    for other in r.others:
        lines += [
            "",
            f"Another reading in force: {_version_line(other.version)}: {other.status.replace('_', ' ')}",
            # why, from its result, unless what the profile leaves unknown changed its answer
            *(
                _other_reading_lines(explain(other.result, e.policies))
                if other.result is not None and other.result.status == other.status
                else ()
            ),
        ]
    return "\n".join(lines)


def _other_reading_lines(e: Explanation) -> list[str]:
    """Why another reading in force answers as it does, briefly: the pathway closest to met and
    what it lacks, and the open questions its answer depends on ("ambiguous" alone says
    nothing a candidate can act on)."""
    lines = []
    closest, lacking = _other_reading_closest(e)
    if closest is not None:
        count = "one" if closest.distance == 1 else str(closest.distance)
        said = "; ".join(lacking_words(leaf) for leaf in lacking)
        lines.append(f"  Closest: {closest.node.title}, {_lacks(closest, count)}: {said}.")
    for question in e.open_questions:
        readings = "; ".join(
            f"{question.policy.values.get(value, value)}: {STATUS_WORDS.get(status, status)}"
            for value, status in question.answers
        )
        lines.append(f"  It depends on: {question.policy.question} ({readings})")
    return lines


def _other_reading_closest(e: Explanation) -> tuple[NodeResult | None, list[NodeResult]]:
    """Another reading's pathway closest to met and the conditions it lacks (none when met)."""
    if e.closest is None or not e.closest.distance or e.result.status == MET:
        return None, []
    return e.closest, list(lacking_leaves(e.closest))


def _other_reading_json(other: OtherReading, policies: Mapping[str, Policy]) -> dict[str, Any]:
    """The text's "why" of another reading, for a program: its closest pathway, the conditions
    it lacks with what was found, and the open questions its answer depends on (absent when
    what the profile leaves unknown changed its answer, as in the text)."""
    if other.result is None or other.result.status != other.status:
        return {}
    e = explain(other.result, policies)
    closest, lacking = _other_reading_closest(e)
    return {
        "closest": closest.node.id if closest is not None else None,
        "lacking": [{"condition": leaf.node.id, "text": lacking_words(leaf)} for leaf in lacking],
        "depends_on": [
            {
                "policy": q.policy.id,
                "answers": [{"value": value, "status": status} for value, status in q.answers],
            }
            for q in e.open_questions
        ],
    }


def _rules_end_lines(version: Version | None, ways: Sequence[str]) -> list[str]:
    """A word where a way names a day after the rules answering end: on that day other rules
    answer (no "eligible by" is given past it), so the day holds only as these rules count."""
    until = version.valid_until if version is not None else None
    if until is None or not any(d > until.isoformat() for w in ways for d in ISO_DAY.findall(w)):
        return []
    after = until + timedelta(days=1)
    return [
        f"  These rules end on {until.isoformat()}, before a day named above: from"
        f" {after.isoformat()} other rules answer, so check again as of that day."
    ]


def _assumption_lines(result: NodeResult) -> list[str]:
    """The UNCONFIRMED assumptions this part of the answer rests on, under its tree."""
    texts = dict.fromkeys(r.node.assumes for r in resting(result))
    if not texts:
        return []
    heading = "an assumption" if len(texts) == 1 else "assumptions"
    return ["", f"  This rests on {heading} the sources do not confirm:"] + [
        f"    - {text}" for text in texts
    ]


def _version_line(version: Version) -> str:
    until = version.valid_until.isoformat() if version.valid_until else "now"
    if version.valid_from:
        in_force = f"in force {version.valid_from.isoformat()} to {until}"
    else:  # the sources give no start: say so rather than show a gap
        in_force = "in force " + (f"until {until}" if version.valid_until else "now")
        in_force += " (the sources give no start date)"
    sources = ", ".join(s.id for s in version.sources)
    return (
        f"{version.body} rules version {version.version} ({version.id}, {in_force}, "
        f"confidence {version.confidence}; sources: {sources})"
    )


def action_lines(e: Explanation) -> list[str]:
    """Each way to make the check met, in words: its steps and the pathway it completes."""
    r = e.result
    lines = []
    for action in e.actions:
        completes = [i for i in action.completes if r.requires is None or i != r.requires.node.id]
        target = f" -> {', '.join(_pathway_names(r, completes))} met" if completes else ""
        if target and action.if_given:  # giving a fact decides it, either way
            target += ", if what you give meets it"
        elif target and action.if_answered:  # so does the body's answer to an open question
            # the readings are listed below only for an answer that depends on the question
            below = (
                " (see below)"
                if e.open_questions
                else " (the readings are shown under the condition above)"
            )
            target += f" if the answer is the reading that meets it{below}"
        lines.append(f"{steps_text(action.steps)}{target}")
    return lines


def _pathway_names(result: CheckResult, ids: Iterable[str]) -> list[str]:
    assert result.requires is not None
    by_id = {child.node.id: child for child in (result.requires, *result.requires.children)}
    return [by_id[i].node.title if i in by_id else i for i in ids]


def _tree_lines(
    result: NodeResult,
    closest: NodeResult | None,
    indent: int,
    top: bool = False,
    policies: Mapping[str, Policy] | None = None,
    colour: bool = False,
    told: set[str] | None = None,
) -> list[str]:
    pad = " " * indent
    node = result.node
    words = STATUS_WORDS.get(result.status, result.status)
    status = paint(words, result.status, colour)
    label = paint(f"{words:<{LABEL_WIDTH}}", result.status, colour)  # the padding uncoloured
    if node.kind == "leaf":
        lines = [f"{pad}{label}{condition_words(result)}"]
        sub = pad + " " * LABEL_WIDTH
        detail = measurement(result)
        if detail:
            lines.append(sub + detail)
        elif result.reached_on and result.status == NOT_MET:
            # no number to show (a choice of ways, as "letters can still be had"), but the day
            # time meets it: else "not met" reads as never beside an eligible-by date
            lines.append(f"{sub}{REACHED.format(result.reached_on.isoformat())}")
        if result.status == UNKNOWN:
            lines += [f"{sub}not known: {text}" for text in _not_known(result, told)]
        if result.lacking:
            lines.append(f"{sub}missing: {', '.join(result.lacking)}")
        lines += [f"{sub}- {d}" for d in result.details]
        lines += [f"{sub}not counted: {left.text}" for left in result.not_counted]
        lines += _readings(result, sub, policies)
        return lines
    joiner = "all of" if node.kind == "all" else "any one of"
    marker = "   <- closest" if closest is not None and result is closest and not top else ""
    if top:
        lines = [f"{pad}{node.text} ({joiner}; {status}){marker}"]
    else:
        lines = [f"{pad}{label}{node.text} ({joiner}){marker}"]
    lines += _readings(result, pad + " " * LABEL_WIDTH, policies)
    lines += [f"{pad}{' ' * LABEL_WIDTH}- {d}" for d in result.details]
    for child in result.children:
        lines += _tree_lines(
            child, closest, indent + 2, policies=policies, colour=colour, told=told
        )
    return lines


def _not_known(result: NodeResult, told: set[str] | None = None) -> list[str]:
    """What is not known under an unknown leaf and how to make it known, once each: a fact the
    rules read is named by what the condition measures (its path is the program's name for it);
    a field the profile leaves unstated by the words engine/unstated.py gives it. ``told``: the
    ways to supply a fact said before in this answer (each said in full once), added to."""
    supply = dict(result.node.supply)
    given = [m for m in result.missing if supply.get(m)]  # "add it" says nothing beside them
    needed = _needed_unknown(result)
    out: dict[str, None] = {}
    for missing in given or result.missing:
        how = supply.get(missing) or "add it to the profile"
        if any(c.isspace() for c in missing):  # already words: a field of the profile
            what = missing
        elif needed and missing in needed:  # what was found is shown: the need is unknown
            unit = result.node.unit
            words = unit.replace("_", " ") if unit and unit != "count" else None
            what = f"how many {words} are needed" if words else "what is needed"
        else:
            what = result.node.measure or ""
        if told is not None and how in told and supply.get(missing):
            out[f"{what} (how to give it: as above)" if what else "the same as above"] = None
            continue
        if told is not None:
            told.add(how)
        out[f"{what}; {how}" if what else how] = None
    return list(out)


def _needed_unknown(result: NodeResult) -> frozenset[str]:
    """The missing facts of a comparison that only its needed side reads, when what it found is
    known (C19's CEUs so far: 10, against a pro-rated requirement the sources do not give)."""
    sides = result.node.sides
    if sides is None or result.found is None or isinstance(result.found, bool | list):
        return frozenset()
    found_reads = set(sides[1].reads)
    if any(m in found_reads for m in result.missing):
        return frozenset()
    return frozenset(m for m in result.missing if m in sides[2].reads)


def reading(policies: Mapping[str, Policy] | None, policy_id: str, value: str) -> str:
    """One reading of an open question in the words of ``policies.yaml``: 'part-time work is
    pro-rated to a 40-hour week (T3's claim)'."""
    policy = (policies or {}).get(policy_id)
    if policy is None or value not in policy.values:
        return "another reading of an open question"
    return policy.values[value]


def _readings(
    result: NodeResult, pad: str, policies: Mapping[str, Policy] | None = None
) -> list[str]:
    # said where the question decides a condition, not again on every group above it
    if result.status != AMBIGUOUS or result.node.kind != "leaf":
        return []
    parts = [
        f"if {reading(policies, r.policy, r.value)}: {STATUS_WORDS.get(r.status, r.status)}"
        for r in result.readings
        if r.status != result.default_status
    ]
    default = STATUS_WORDS.get(result.default_status)
    return [f"{pad}by the default reading: {default}; " + "; ".join(parts)]


def _lacks(closest: NodeResult, count: str) -> str:
    """What the closest pathway lacks, counted as its answer says: things missing (not met),
    things not known (unknown), or open questions (ambiguous: nothing is missing)."""
    one = closest.distance == 1
    if closest.status == AMBIGUOUS:
        return f"{count} open question{'' if one else 's'}"
    things = "thing" if one else "things"
    if closest.status == NOT_MET:  # some missing and some not known: say which is which
        lacking = [leaf.status for leaf in lacking_leaves(closest)]
        missing, unknown = lacking.count(NOT_MET), lacking.count(UNKNOWN)
        if missing and unknown and missing + unknown == closest.distance:
            return f"{missing} thing{'' if missing == 1 else 's'} missing, {unknown} not known"
    # an unknown pathway lacks nothing found missing, only what is not known
    return f"{count} {things} {'not known' if closest.status == UNKNOWN else 'missing'}"


def _warning_lines(
    recommends: NodeResult | None,
    told: set[str] | None = None,
    folded: Collection[int] = frozenset(),
) -> list[str]:
    """The warnings among what is recommended (a rule's ``warning: true``) that are not met:
    each with the verdict, as a warning (what was found, then what to do), not as advice; those
    ``folded`` into a review are said there."""
    lines = []
    for result in _warnings(recommends):
        if id(result) in folded:
            continue
        lines.append(f"  Warning: {result.node.text}.")
        detail = measurement(result) if result.node.kind == "leaf" else None
        if detail:
            lines.append(f"    {detail}")
        if result.status == UNKNOWN:
            lines += [f"    not known: {text}" for text in _not_known(result, told)]
        if result.fix:
            lines.append(f"    What to do: {result.fix}.")
    return lines


def _warnings(recommends: NodeResult | None) -> list[NodeResult]:
    """The warnings (``warning: true``) among what is recommended that are not met."""
    children = recommends.children if recommends is not None else ()
    return [c for c in children if c.node.warning and c.status != MET]


def _without_warnings(recommends: NodeResult | None) -> NodeResult | None:
    """What is recommended, without the warnings (shown with the verdict); None when nothing is
    left. Its own answer is then that of what is left and shown: a condition an explanation
    does not show (``shown_if``) cannot leave it unknown with nothing unknown in sight."""
    if recommends is None or not recommends.node.children:
        return recommends
    kept = tuple(c for c in recommends.children if not c.node.warning)
    if not kept:
        return None
    if len(kept) == 1 and kept[0].children and recommends.node.kind == "all":
        # what is recommended is one choice of ways, beside its warnings (AHIMA's preparation,
        # at least one of (a) to (e)): shown as that choice, as it would be without them
        return kept[0]
    kind = recommends.node.kind
    status = combined(kind, (c.status for c in kept))
    if status != AMBIGUOUS:
        return replace(recommends, children=kept, status=status, readings=())
    # its answer under each reading, as its children shown give it ("default reading: unknown"
    # came from a warning not shown here)

    def under(child: NodeResult, policy: str, value: str) -> str:
        if child.status != AMBIGUOUS:
            return child.status
        found = (r.status for r in child.readings if (r.policy, r.value) == (policy, value))
        return next(found, child.default_status)

    readings = tuple(
        replace(r, status=combined(kind, (under(c, r.policy, r.value) for c in kept)))
        for r in recommends.readings
    )
    default = combined(
        kind, (c.default_status if c.status == AMBIGUOUS else c.status for c in kept)
    )
    return replace(
        recommends, children=kept, status=status, readings=readings, default_status=default
    )


def _folded_warnings(
    result: CheckResult, policies: Mapping[str, Policy]
) -> dict[str, list[NodeResult]]:
    """The warnings that flag what a review shown says, by the review's policy: those reading
    the fact that names what the review is about (its ``review_details``: the part-time jobs
    that both flag). The review says it once, with the warning's step."""
    about = {
        policy.review_details: review.policy
        for review in result.review
        if (policy := policies.get(review.policy)) is not None and policy.review_details
    }
    folded: dict[str, list[NodeResult]] = {}
    for warning in _warnings(result.recommends):
        reads = warning.node.logic.reads if warning.node.logic is not None else ()
        for fact in reads:
            if fact in about:
                folded.setdefault(about[fact], []).append(warning)
                break
    return folded


def _review_lines(
    result: CheckResult,
    policies: Mapping[str, Policy],
    folded: Mapping[str, list[NodeResult]] | None = None,
) -> list[str]:
    """Needs human review: why, and the answer were the question settled the other way, in
    words; the option that settles it once a person has looked; the step of a warning that
    flags the same thing."""
    lines = []
    for review in result.review:
        steps = [w.fix for w in (folded or {}).get(review.policy, ()) if w.fix]
        others = "; ".join(
            f"if {reading(policies, r.policy, r.value)}: {STATUS_WORDS.get(r.status, r.status)}"
            for r in review.readings
        )
        lines += [
            f"  Needs human review: {review.text}.",
            *(f"    - {detail}" for detail in review.details),
            f"    Otherwise ({others}).",
            *(f"    What to do: {step}." for step in steps),
        ]
    return lines


def _ambiguity_lines(e: Explanation) -> list[str]:
    """Each open question in words, the answer under each reading, and the option to type to
    settle it on that reading."""
    if not e.open_questions:
        return []
    lines = ["", "The sources leave this open:"]
    for question in e.open_questions:
        policy = question.policy
        lines.append(f"  {policy.question} ({policy.source})")
        for value, status in question.answers:
            default = " (the default reading)" if value == policy.default else ""
            lines.append(
                f"    - {policy.values.get(value, value)}{default}: {STATUS_WORDS.get(status, status)}"
            )
    return lines


# --- JSON ----------------------------------------------------------------------------------


def json_report(
    report: ProfileReport,
    policies: Mapping[str, Policy],
    rules_dir: str | None = None,
    row: int | None = None,
) -> dict[str, Any]:
    """One profile's report as data (``schemas/report.schema.json``, ``$defs/profile_report``):
    an entry of ``check --format json``'s ``profiles``, a line of ``--format jsonl`` and of a
    batch's full JSON Lines (``--report-format jsonl-full``; ``row``: its row in the cohort). ``rules_dir``: the rule book's root,
    which rule files are named from (default: the bundled rules)."""
    return {
        "report_version": REPORT_VERSION,
        "tool": tool_json(),
        "profile": _profile_json(report, row),
        "as_of": report.as_of.isoformat(),
        "policies_set": dict(report.policies),
        "policies": policies_used(policies, report.policies),
        "rules": rules_json(_versions_used(report), rules_dir),
        "all_met": report.all_met,
        "results": [_result_json(explain(r, policies), rules_dir) for r in report.results],
    }


def _profile_json(report: ProfileReport, row: int | None) -> dict[str, Any]:
    data = report.profile.data
    profile: dict[str, Any] = {
        "source": report.profile.source,
        "candidate_id": data.get("candidate_id"),
        "name": data.get("name"),
    }
    if row is not None:
        profile["row"] = row
    if report.profile.assumed:
        profile["assumed"] = list(report.profile.assumed)
    return profile


def json_lean(
    report: ProfileReport,
    policies: Mapping[str, Policy],
    row: int | None = None,
) -> dict[str, Any]:
    """One student's line of a batch's lean JSON Lines report (``$defs/lean_report``): what is
    the student's own (the answers, the trees with what was found and needed, the actions),
    with the rules named by id: their metadata, the checks' questions, the conditions' words
    and the policies are in the report's header (:func:`jsonl_header`), once. A field that
    would be null or an empty list is left out (``found`` and ``needed`` only when null)."""
    return {
        "profile": _profile_json(report, row),
        "as_of": report.as_of.isoformat(),
        "rules": list(dict.fromkeys(version.id for version in _versions_used(report))),
        "all_met": report.all_met,
        "results": [_result_json(explain(r, policies), None, lean=True) for r in report.results],
    }


def jsonl_header(
    book: RuleBook,
    selectors: Iterable[str],
    as_of: date | None,
    chosen: Mapping[str, str],
) -> dict[str, Any]:
    """The first line of a batch's lean JSON Lines report (``$defs/header``): what every
    student's line refers to, given once. ``rules`` holds every version of the rule book that
    has a check asked for, whatever its dates in force (a student's own ``as_of`` may select
    any of them), with those checks' questions and conditions' words; ``as_of`` is the date
    asked (null: each student's own, else the day of the run)."""
    wanted = {check for check, _ in book.wanted(selectors)}
    rules: dict[str, dict[str, Any]] = {}
    for credential in book.credentials:
        for version in credential.versions:
            checks = {c.id: _check_json(version, c) for c in version.checks if c.id in wanted}
            if checks:
                rule = rules.setdefault(version.id, _rule_json(version, book.directory))
                rule["checks"].update(checks)
    return {
        "kind": "header",
        "report_version": REPORT_VERSION,
        "tool": tool_json(),
        "as_of": as_of.isoformat() if as_of else None,
        "policies_set": dict(chosen),
        "policies": policies_used(book.policies, chosen),
        "rules": rules,
    }


def _rule_json(version: Version, rules_dir: str | None) -> dict[str, Any]:
    found = _version_json(version, rules_dir)
    del found["id"]
    return {"body": version.body, **found, "checks": {}}


def _check_json(version: Version, check: Check) -> dict[str, Any]:
    conditions: dict[str, Any] = {}
    for tree in (check.requires, check.recommends):
        for node in _nodes(tree):
            about: dict[str, Any] = {"text": node.text, "kind": node.kind}
            if node.kind == "leaf":
                about.update(measure=node.measure, unit=node.unit)
            if node.sources:
                about["sources"] = list(node.sources)
            if node.assumes:
                about["assumes"] = node.assumes
            if node.warning:
                about["warning"] = True
            conditions[node.id] = about
    return {
        "credential": version.credential,
        "kind": check.kind,
        "question": check.question,
        "conditions": conditions,
    }


def _nodes(node: Node | None) -> Iterator[Node]:
    if node is not None:
        yield node
        for child in node.children:
            yield from _nodes(child)


def _leaner(found: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """``found`` without the fields that are null or an empty list (those in ``keep``: only
    when null), as a lean entry leaves them out."""
    return {
        k: v
        for k, v in found.items()
        if v is not None and (k in keep or not (isinstance(v, list) and not v))
    }


def json_error(
    error: InputError,
    source: str,
    row: int | None = None,
    who: tuple[str | None, str | None] = (None, None),
) -> dict[str, Any]:
    """A profile that could not be checked, as an entry in place of its report
    (``$defs/error_report``): where it is, whose it is when that could be read, and the
    problems as people are told them (file, place, problem, fix and an example of the right
    shape): every one in line order, the first also as ``error``."""
    profile: dict[str, Any] = {"source": source, "candidate_id": who[0], "name": who[1]}
    if row is not None:
        profile["row"] = row
    problems = [_problem_json(each) for each in error.each]
    return {
        "report_version": REPORT_VERSION,
        "tool": tool_json(),
        "profile": profile,
        "error": problems[0],
        "problems": problems,
    }


def _problem_json(error: InputError) -> dict[str, Any]:
    found = {"file": error.file, "place": error.place, "problem": error.problem, "fix": error.fix}
    return found | ({"example": error.example} if error.example else {})


def json_document(entries: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """What ``check --format json`` prints, whatever the number of profiles: one entry per
    profile, in the order given, a report or an error (``schemas/report.schema.json``)."""
    return {"report_version": REPORT_VERSION, "tool": tool_json(), "profiles": list(entries)}


def _versions_used(report: ProfileReport) -> list[Version]:
    """The rule versions a report's answers come from: each check's, then the other readings'."""
    return _versions_of(report.results)


def _versions_of(results: Sequence[CheckResult]) -> list[Version]:
    found = [r.version for r in results if r.version is not None]
    return found + [other.version for r in results for other in r.others]


def check_text(report: ProfileReport, e: Explanation, colour: bool = False) -> str:
    """What ``check --cert ID`` prints for the one check ``e`` explains: its explanation and the
    last line saying which rules answered, on what date, under which policies."""
    footer = footer_text(report.as_of, _versions_of([e.result]), report.policies, e.policies)
    return f"{explanation_text(report, e, colour)}\n\n{footer}"


def _unknown_standing(unknown: UnknownStanding) -> str:
    """'inactive or revoked, depending on what the profile does not give. Not known: ... To
    settle it: give the exact end of the CCS-P cycle ..., if a document shows it.'"""
    said = f"{' or '.join(unknown.standings)}, depending on what the profile does not give."
    if not unknown.deciding:
        return f"{said} The ways forward below hold only while it is {unknown.standings[0]}."
    named = "; ".join(name for name, _ in unknown.deciding)
    how = "; ".join(dict.fromkeys(how for _, how in unknown.deciding))
    ways = f" The ways forward below hold only while it is {unknown.standings[0]}."
    return f"{said} Not known: {named}. To settle it: {how}.{ways}"


def _reading_standing(standing: ReadingStanding, policies: Mapping[str, Policy]) -> str:
    """'active if at least 80% of the required CEUs are in HIIM domains (H3) (the default)'."""
    default = " (the default)" if standing.default else ""
    words = reading(policies, standing.policy, standing.value)
    return f"{standing.standing or 'not known'} if {words}{default}"


def _result_json(e: Explanation, rules_dir: str | None, lean: bool = False) -> dict[str, Any]:
    """A check's answer (``$defs/result``); ``lean``: as a lean entry gives it
    (``$defs/lean_result``), the rule versions by id, what the header holds left out."""
    r = e.result
    check = r.check
    asked = (e.policies, r.version.body if r.version is not None else None)
    about: dict[str, Any] = {
        "check": r.check_id,
        "credential": r.version.credential if r.version else None,
        "body": r.version.body if r.version else None,
        "kind": check.kind if check else None,
        "question": check.question if check else None,
    }
    if lean:
        about = {"check": r.check_id, "rules": r.version.id if r.version else None}
    found = about | {
        "status": r.status,
        "standing": r.standing,
        "standing_by_reading": [
            {"policy": s.policy, "value": s.value, "default": s.default, "standing": s.standing}
            for s in r.reading_standings
        ],
        **(
            {
                "standing_unknown": {
                    "standings": list(r.unknown_standing.standings),
                    "depends_on": [
                        {"unknown": name, "how": how} for name, how in r.unknown_standing.deciding
                    ],
                }
            }
            if r.unknown_standing is not None
            else {}
        ),
        **(
            {"standing_if_not_met": r.standing_if_not_met}
            if r.status == UNKNOWN and r.standing_if_not_met
            else {}
        ),
        **(
            {"applies_unknown": [{"unknown": name, "how": how} for name, how in r.applies_unknown]}
            if r.applies_unknown
            else {}
        ),
        "verdict": e.verdict,
        **({} if lean else _version_and_policies(r, rules_dir)),
        "closest": e.closest.node.id if e.closest else None,
        "eligible_by": _eligible_json(e),
        "requires": _node_json(r.requires, lean, asked) if r.requires else None,
        "recommends": _node_json(r.recommends, lean, asked) if r.recommends else None,
        "actions": [{"steps": list(a.steps), "completes": list(a.completes)} for a in e.actions],
        "other_readings": [
            {
                "rules": o.version.id if lean else _version_json(o.version, rules_dir),
                "status": o.status,
                **_other_reading_json(o, e.policies),
            }
            for o in r.others
        ],
        "assumptions": [
            {"condition": rest.node.id, "part": part}
            | ({} if lean else {"text": rest.node.assumes})
            for part, tree in (("requires", r.requires), ("recommends", r.recommends))
            for rest in resting(tree)
        ],
        "needs_human_review": [
            {
                "policy": review.policy,
                "why": review.text,
                "details": list(review.details),
                "otherwise": [{"value": o.value, "status": o.status} for o in review.readings],
            }
            for review in r.review
        ],
        "open_questions": [
            {
                "policy": q.policy.id,
                "question": q.policy.question,
                "default": q.policy.default,
                "answers": [{"value": v, "status": s} for v, s in q.answers],
            }
            for q in e.open_questions
        ],
    }
    return _leaner(found) if lean else found


def _version_and_policies(r: CheckResult, rules_dir: str | None) -> dict[str, Any]:
    return {
        "rules": _version_json(r.version, rules_dir) if r.version else None,
        "policies": dict(r.policies or {}),
    }


def _eligible_json(e: Explanation) -> dict[str, Any] | None:
    """When time alone makes the check met: the day, the pathway, what it assumes, in words."""
    eligible = e.result.eligible_by
    if eligible is None:
        return None
    assuming = ([JOBS_CONTINUE] if eligible.jobs_continue else []) + list(eligible.assuming)
    out = {
        "date": eligible.day.isoformat(),
        "pathway": eligible.pathway.id,
        "assuming": assuming,
        "text": e.eligible_by,
    }
    if eligible.readings:
        out["readings"] = [
            {"policy": r.policy, "value": r.value, "date": r.day.isoformat() if r.day else None}
            for r in eligible.readings
        ]
    return out


def in_force_json(version: Version) -> dict[str, str | None]:
    """A version's dates in force as JSON: ``from`` and ``until``, null where open."""
    return {
        "from": version.valid_from.isoformat() if version.valid_from else None,
        "until": version.valid_until.isoformat() if version.valid_until else None,
    }


def _version_json(version: Version, rules_dir: str | None) -> dict[str, Any]:
    return {
        "id": version.id,
        "version": version.version,
        "in_force": in_force_json(version),
        "confidence": version.confidence,
        "sources": [
            {"id": s.id, "url": s.url, "confidence": s.confidence} for s in version.sources
        ],
        "open_policies": list(version.open_policies),
        "file": rule_file(version.file, rules_dir),
    }


def _node_json(
    result: NodeResult, lean: bool = False, asked: tuple[Mapping[str, Any], str | None] = ({}, None)
) -> dict[str, Any]:
    """A condition and its outcome (``$defs/node``); ``lean``: without what the condition says
    whoever is checked (its words, kind, measure, unit and sources: in the header), null
    fields and empty lists left out (``$defs/lean_node``). ``asked``: the open policies and
    the body that settles them, so that a fix names the question as the text answer does."""
    node = result.node
    out: dict[str, Any] = (
        {"id": node.id, "status": result.status}
        if lean
        else {"id": node.id, "text": node.text, "kind": node.kind, "status": result.status}
    )
    if result.details:
        out["details"] = list(result.details)
    if node.kind == "leaf":
        if not lean:
            out.update(measure=node.measure, unit=node.unit)
        out.update(
            found=result.found,
            needed=result.needed,
            operator=result.operator,
            shortfall=result.shortfall,
            reached_on=result.reached_on.isoformat() if result.reached_on else None,
            missing=[
                {"fact": f, "supply": dict(result.node.supply).get(f)} for f in result.missing
            ],
            fix=step(result, *asked) if result.status != MET else None,
        )
        if result.found_range is not None:  # what was found depends on what is not known
            out["found_range"] = list(result.found_range)
        if result.lacking:
            out["lacking"] = list(result.lacking)
        if result.not_counted:
            out["not_counted"] = [
                {
                    "fact": left.fact,
                    "record": left.record,
                    "detail": left.detail,
                    "reasons": list(left.reasons),
                }
                for left in result.not_counted
            ]
    if result.status == AMBIGUOUS:
        out["default_status"] = result.default_status
        out["depends_on"] = list(result.depends_on)
        out["readings"] = [
            {"policy": r.policy, "value": r.value, "status": r.status} for r in result.readings
        ]
    if node.sources and not lean:
        out["sources"] = list(node.sources)
    if node.warning and not lean:  # lean: the header's conditions say so
        out["warning"] = True
    if node.kind != "leaf":
        out["children"] = [_node_json(child, lean, asked) for child in result.children]
    # a condition with every child hidden keeps its empty list: a lean reader tells a leaf by
    # the header's conditions, and its whole form has the list
    return _leaner(out, ("found", "needed", "children")) if lean else out
