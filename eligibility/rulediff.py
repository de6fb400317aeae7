"""Two rule books -> what changed between them, in words a maintainer reads.

Compared as loaded (``rules.load_rulebook``), so only what changes an answer or what a person is
shown counts: comments, layout, anchors and the order of keys do not. Checks are matched by id,
versions by id, conditions by id within a check. A version that is new is compared with the
version it follows (the one in force on its first day in the old book), so that "the same rules
with 18 months instead of 24 from 2027" reads as just that. Numbers and strings that differ in
logic of the same shape are named as thresholds ("option-1-experience: threshold 24 -> 18
months"); any other change of logic shows both, as ``eligibility show --logic`` writes them.

Fields this module does not know by name (a field added to the rule model later) are still
compared and reported under their own name, so a new kind of data never changes silently.
What a flat CSV row stands for (``flat-csv.yaml``) and the words the web page's form asks in
(``form.yaml``) are no part of a rule book; the caller hands in the two directories' files as
written, compared part by part as a fact's parameters are.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from eligibility.facts import Retirement
from eligibility.facts.kinds import KINDS as FACT_KINDS
from eligibility.logic import Compiled
from eligibility.report.logictext import as_json, readable
from eligibility.rulebook.rules import (
    Check,
    Node,
    RuleBook,
    Source,
    StandingStep,
    TimeAssumption,
    Version,
)

if TYPE_CHECKING:
    from eligibility.facts.book import Definition

SECTIONS = (
    "Checks added",
    "Checks removed",
    "Checks changed",
    "Rule versions",
    "Credentials",
    "Credential registry (credentials.yaml)",
    "Open policies (policies.yaml)",
    "Facts (fact files)",
    "Flat CSV layout (flat-csv.yaml)",
    "The web page's form (form.yaml)",
    "Other rule data",
)
KINDS = {"all": "all of", "any": "any one of", "leaf": "a single test"}
# words for fields; a field not named here is reported under its own name
FIELD_WORDS = {
    "kind": "kind",
    "question": "question",
    "outcome_met": "outcome when met",
    "outcome_not_met": "outcome when not met",
    "outcome_because": "reasons a not-met outcome gives",
    "outcome_not_met_because": "outcome when not met, with its reasons",
    "aliases": "aliases",
    "applies_text": "applies when",
    "applies_logic": "applies-when logic",
    "standing_met": "standing when met",
    "standing_not_met": "standing when not met",
    "standing_fix": "ways forward by standing",
    "hide_recommends": "standings that leave out the recommendations",
    "words": "words for the codes it reads",
    "text": "text",
    "measure": "measure",
    "unit": "unit",
    "fix": "fix",
    "fix_when": "fix offered while",
    "fix_unsure": "fix said when unsure the window is open",
    "fix_after": "fix said once the window has closed",
    "takes": "months the fix usually takes",
    "details": "details",
    "sources": "sources",
    "confidence": "confidence",
    "note": "note",
    "assumes": "UNCONFIRMED assumption",
    "assumes_when": "answers resting on the assumption",
    "assumes_unless": "when no answer rests on the assumption",
    "shown_if": "shown only if",
    "hidden_if": "hidden if",
    "version": "version label",
    "title": "title",
    "in_force_note": "note on the dates in force",
    "preferred": "preferred",
    "setting": "setting",
    "name": "name",
    "body": "body",
    "id_confidence": "id confidence",
    "coding": "coding credential",
    "apprentice_form": "apprentice form",
    "source": "source",
    "default": "default",
    "supply": "how to supply a fact it reads when unknown",
    "details_when": "answers its details show with",
    "warning": "shown as a warning",
    "closes_with_time": "the 'eligible by' assumption (closes_with_time)",
    # the parts of a field that is itself a record, by its name and theirs
    "closes_with_time.assuming": "the 'eligible by' assumption",
    "closes_with_time.redate": "records re-dated for 'eligible by'",
    "closes_with_time.now_when_met": "conditions that, met, make its fix meet it now",
    "closes_with_time.first": "the record supposed asked for where there is none (a first letter)",
    "retired.after": "last day issued",
    "retired.note": "note on its retirement",
}
# words for a fact's parameters where their names are terse (a ``*`` stands for any one key or
# entry, named by ``{key}``); the line still gives the parameter's place in the fact file, and
# one not named here is given by its place alone
PARAM_WORDS = {
    "window.months": "submission window",
    "years": "length of a period",
    "revoked_after_days": "revoked after a missed due date",
    "late_submission_days": "CEUs submitted late still count within",
    "ceus_needed": "CEUs a full period needs",
    "ceus_needed.one": "CEUs a full period needs for one credential",
    "ceus_needed.*.one": "CEUs a full period needs for one credential",
    "ceus_needed.each_more": "CEUs more for each further credential",
    "ceus_needed.*.each_more": "CEUs more for each further credential",
    "ceus_needed.at_most": "the most CEUs a full period needs",
    "ceus_needed.*.at_most": "the most CEUs a full period needs",
    "ceus_needed.due_from": "needs of the periods due from",
    "ceus_needed.*.due_from": "needs of the periods due from",
    "specific.needed.*": "credential-specific CEUs the {key} needs in a period",
    "specific.needed_otherwise": "credential-specific CEUs another credential needs in a period",
    "full_time_hours.values.*": "full-time hours a week under {key}",
    "standing.windows.*.days": "the {key} window",
}
# words for the parts of a fact's ``left_out``: what an explanation says of the records the fact
# leaves out (shown to candidates, so a change to them is a change in what they read)
LEFT_OUT_WORDS = {
    "noun": "what a record left out is called",
    "checks.*": "a reason a record is left out",
    "checks.*.text": "why a record is left out",
    "unvouched": "why a record no letter vouches for is left out",
    "sums.*.*": "a reason a CEU record is left out of {key}",
    "sums.*.*.text": "why a CEU record is left out of {key}",
    "reasons.*": "why a CEU record is left out ({key})",
}
# flat-csv.yaml (what a row of a school's flat CSV export stands for, and what its students are
# asked for): each part under a heading in words, and the parts whose names are terse in words
FLAT_CSV = "flat-csv.yaml"
FLAT_CSV_PARTS = {
    "job": "a coding job's fields a row does not give",
    "letter_on_file": "the letter that letter_on_file: yes stands for",
    "course": "the preparation course of course_hours",
    "membership": "the membership of aapc_paid_through and aapc_renewal_month",
    "apprentice_suffix": "the ending that marks an apprentice's credential in credentials",
    "supply": "what a school's student is asked for where a row leaves a fact unsaid",
}
FLAT_CSV_WORDS = {
    "job.code_sets": "the code sets of a job whose code_sets cell is empty",
    "job.directly_assigns_codes": "whether a job of the export assigns codes",
    "course.program_type": "the kind of course",
    "course.hours_unit": "the unit of its hours",
}
FLAT_CSV_PARTS.update(
    exact_dates="how a school's student is asked for the day of a date the row gives as a month",
    corrects="how a school's student is told to correct the row where the body's records differ",
)
# parts of those files whose patterns are tried in order, the first that matches said
ORDERED = ("supply", "corrects")
# form.yaml (what a person answering the web page's form is asked for, naming its questions)
FORM = "form.yaml"
FORM_PARTS = {
    "supply": "what a person answering the form is asked for where the answers leave a fact unsaid",
    "help": "what a question of the form (and of init) says to the person answering it",
}
UNITS = ("days", "months", "years")  # a parameter named so, or ending _days ..., counts them
READ_BY = 6  # checks named as reading a changed fact; the others are counted
# compared some other way, or not a difference in meaning (where a book was read from)
_NODE_SKIPPED = {"id", "children", "sides", "logic"}
_CHECK_SKIPPED = {"id", "requires", "recommends"}
_VERSION_SKIPPED = {
    "credential",
    "body",
    "name",
    "file",
    "id",
    "checks",
    "valid_from",
    "valid_until",
}
_VERSION_SKIPPED |= {"sources", "disagreements", "open_policies", "notes"}
LONG = 70  # characters of an old and a new value shown on one line; longer ones one above the other


@dataclass(frozen=True)
class Entry:
    """What changed about one subject (a check, a version, a policy ...).

    ``lines`` are sentences; one that starts with spaces belongs to the line above it (two
    spaces a level)."""

    section: str  # one of SECTIONS
    subject: str
    lines: tuple[str, ...]
    # of a fact: the checks that read it (in either book), whose answers it may change
    checks: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleDiff:
    """The differences between two rule books, in the order of :data:`SECTIONS`."""

    old: str
    new: str
    entries: tuple[Entry, ...]
    # the first days of the versions the new book adds, each with its ids: a cohort compared
    # before them shows no change, and whom they will affect is seen on that day
    starts: tuple[tuple[date, tuple[str, ...]], ...] = ()
    # every difference is in what checks recommend, which never decides an answer's status
    recommends_only: bool = False

    @property
    def same(self) -> bool:
        return not self.entries

    def section(self, title: str) -> tuple[Entry, ...]:
        return tuple(entry for entry in self.entries if entry.section == title)


def diff_rulebooks(
    old: RuleBook,
    new: RuleBook,
    flat_csv: tuple[Mapping[str, Any] | None, Mapping[str, Any] | None] = (None, None),
    form: tuple[Mapping[str, Any] | None, Mapping[str, Any] | None] = (None, None),
) -> RuleDiff:
    """Every difference in meaning between ``old`` and ``new``; ``flat_csv`` and ``form``: each
    rules directory's ``flat-csv.yaml`` and ``form.yaml`` as written (None: it has none), which
    are no part of a rule book yet say what a flat CSV row stands for and what the web page's
    form asks for."""
    entries = [
        *_check_entries(old, new),
        *_version_entries(old, new),
        *_credential_entries(old, new),
        *_registry_entries(old, new),
        *_policy_entries(old, new),
        *_fact_entries(old, new),
        *_flat_csv_entries(*flat_csv),
        *_form_entries(*form),
        *_other_entries(old, new),
    ]
    entries.sort(key=lambda entry: SECTIONS.index(entry.section))  # stable: book order kept
    before = _versions(old)
    starts: dict[date, dict[str, None]] = {}
    for key, version in _versions(new).items():
        if key not in before and version.valid_from is not None:
            starts.setdefault(version.valid_from, {})[version.id] = None
    return RuleDiff(
        old.directory,
        new.directory,
        tuple(entries),
        tuple((day, tuple(ids)) for day, ids in sorted(starts.items())),
        bool(entries)
        and all(entry.section == "Checks changed" for entry in entries)
        and _requires_alike(old, new),
    )


def _requires_alike(old: RuleBook, new: RuleBook) -> bool:
    """Whether the checks of both books differ in nothing but their ``recommends``."""
    before, after = _checks(old), _checks(new)
    return all(
        not compare_checks(replace(before[i][key][1], recommends=None), replace(c, recommends=None))
        for i, versions in after.items()
        for key, (_, c) in versions.items()
        if i in before and key in before[i]
    ) and all(before[i].keys() == after[i].keys() for i in after if i in before)


# --- checks ------------------------------------------------------------------------------------


def _checks(book: RuleBook) -> dict[str, dict[str, tuple[Version, Check]]]:
    """Check id -> version key -> (version, check), in the book's order."""
    found: dict[str, dict[str, tuple[Version, Check]]] = {}
    for credential in book.credentials:
        for version in credential.versions:
            for check in version.checks:
                versions = found.setdefault(check.id, {})
                key = (
                    version.id
                    if version.id not in versions
                    else f"{version.id} ({_rel(book, version.file)})"
                )
                versions[key] = (version, check)
    return found


def _check_entries(old: RuleBook, new: RuleBook) -> list[Entry]:
    before, after = _checks(old), _checks(new)
    entries = [
        Entry("Checks added", check_id, _check_words(new, versions))
        for check_id, versions in after.items()
        if check_id not in before
    ]
    entries += [
        Entry("Checks removed", check_id, _check_words(old, versions))
        for check_id, versions in before.items()
        if check_id not in after
    ]
    # Checks changed alike are listed together: those of one shared file (CPC-full, COC-full)
    # differ only by their credential's id, which is written as in the file, {credential}.
    changed: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = {}
    for check_id, versions in after.items():
        if check_id in before:
            lines = tuple(_check_version_lines(before[check_id], versions))
            if lines:
                credential = next(iter(versions.values()))[0].credential
                changed.setdefault(_as_written(lines, credential), []).append((check_id, lines))
    entries += [
        Entry(
            "Checks changed",
            ", ".join(i for i, _ in alike),
            shared if len(alike) > 1 else alike[0][1],
        )
        for shared, alike in changed.items()
    ]
    return entries


def _check_words(book: RuleBook, versions: Mapping[str, tuple[Version, Check]]) -> tuple[str, ...]:
    """A check added or removed: whose, where, its question and its versions."""
    version, check = next(iter(versions.values()))
    return (
        f"{check.kind} check of {version.credential} ({_rel(book, version.file)}): {check.question}",
        "versions: " + "; ".join(_version_words(v) for v, _ in versions.values()),
    )


def _as_written(lines: tuple[str, ...], credential: str) -> tuple[str, ...]:
    """``lines`` with the credential's id as a shared rule file writes it (``{credential}``)."""
    own = re.compile(rf"(?<![\w-]){re.escape(credential)}(?![\w-])")
    return tuple(own.sub("{credential}", line) for line in lines)


def _check_version_lines(
    before: Mapping[str, tuple[Version, Check]],
    after: Mapping[str, tuple[Version, Check]],
) -> Iterator[str]:
    """One check's changes, version by version (a new version against the one it follows)."""
    for key, (version, check) in after.items():
        if key in before:
            lines = compare_checks(before[key][1], check)
            heading = f"in version {key}:"
        else:
            earlier = _predecessor(version, {k: v for k, (v, _) in before.items()})
            if earlier is None:
                yield f"now also has version {key} ({_version_words(version)})"
                continue
            lines = compare_checks(before[earlier][1], check)
            heading = f"in the new version {key} (compared with {earlier}, which it follows):"
        if lines:
            yield heading
            yield from (f"  {line}" for line in lines)
    for key, (version, _) in before.items():
        if key not in after:
            yield f"no longer has version {key} ({_version_words(version)})"


def _predecessor(version: Version, candidates: Mapping[str, Version]) -> str | None:
    """The version ``version`` follows: the one in force on its first day (the preferred one if
    several), else the last one to start before it, else the first one."""
    if not candidates:
        return None
    day = version.valid_from or date.min
    in_force = sorted(
        (key for key, other in candidates.items() if other.in_force(day)),
        key=lambda key: not candidates[key].preferred,
    )
    if in_force:
        return in_force[0]
    earlier = [key for key, other in candidates.items() if (other.valid_from or date.min) <= day]
    if earlier:
        return max(earlier, key=lambda key: candidates[key].valid_from or date.min)
    return next(iter(candidates))


def compare_checks(old: Check, new: Check) -> list[str]:
    """How ``new`` differs from ``old`` (same check id, two versions or two books)."""
    return [*_field_lines(old, new, _CHECK_SKIPPED), *_condition_lines(old, new)]


def _conditions(check: Check) -> dict[str, tuple[Node, str]]:
    """Condition id -> (condition, what it sits under), over ``requires`` and ``recommends``."""
    found: dict[str, tuple[Node, str]] = {}

    def walk(node: Node, parent: str) -> None:
        found.setdefault(node.id, (node, parent))
        for child in node.children:
            walk(child, node.id)

    walk(check.requires, "requires")
    if check.recommends is not None:
        walk(check.recommends, "recommends")
    return found


def _condition_lines(old: Check, new: Check) -> Iterator[str]:
    before, after = _conditions(old), _conditions(new)
    for ident, (node, parent) in after.items():
        if ident not in before:
            logic = f" (logic: {readable(node.logic.source)})" if node.logic is not None else ""
            yield f'condition {ident} added under {parent}: "{node.text}"{logic}'
    for ident, (node, parent) in before.items():
        if ident not in after:
            yield f'condition {ident} removed (was under {parent}): "{node.text}"'
    for ident, (node, parent) in after.items():
        if ident not in before:
            continue
        was, was_under = before[ident]
        if was_under != parent:
            yield f"{ident}: moved from under {was_under} to under {parent}"
        if was.kind != node.kind:
            yield f"{ident}: was {KINDS.get(was.kind, was.kind)}, now {KINDS.get(node.kind, node.kind)}"
        yield from _under(f"{ident}: ", _field_lines(was, node, _NODE_SKIPPED | {"kind"}))
        if was.logic is not None and node.logic is not None:
            changes = logic_change(was.logic.source, node.logic.source, node.unit, node.text)
            yield from _under(f"{ident}: ", changes)
        elif node.logic is not None:  # was a group of conditions
            yield f"{ident}: logic: {readable(node.logic.source)}"


# --- logic and thresholds ----------------------------------------------------------------------


def logic_change(old: Any, new: Any, unit: str | None = None, text: str | None = None) -> list[str]:
    """How JsonLogic ``new`` differs from ``old``: the thresholds that changed when the two have
    the same shape, else both in full. ``text``: the condition's words, checked for the old number."""
    if old == new and _same_types(old, new):
        return []
    changed = literal_changes(old, new)
    if changed is None:
        return ["logic changed:", f"  was: {readable(old)}", f"  now: {readable(new)}"]
    numbers = all(_is_number(a) and _is_number(b) for a, b in changed)
    unit_words = f" {unit}" if unit and unit != "count" and numbers else ""
    what = "threshold" if numbers else "value"
    pairs = ", ".join(f"{as_json(a)} -> {as_json(b)}" for a, b in changed)
    line = f"{what} {pairs}{unit_words} (now: {readable(new)})"
    stale = [
        a for a, b in changed if numbers and text and _mentions(text, a) and not _mentions(text, b)
    ]
    if stale:
        line += f"; its text still says {', '.join(as_json(a) for a in stale)}"
    return [line]


def literal_changes(old: Any, new: Any) -> list[tuple[Any, Any]] | None:
    """The literals (numbers, text, true/false/null) that differ between two expressions of the
    same shape (same operators, same facts read), in order; None when the shapes differ."""
    changes: list[tuple[Any, Any]] = []

    def walk(a: Any, b: Any) -> bool:
        if isinstance(a, dict) and isinstance(b, dict):
            if list(a) != list(b):
                return False
            return all((a[key] == b[key]) if key == "var" else walk(a[key], b[key]) for key in a)
        if isinstance(a, list) and isinstance(b, list):
            return len(a) == len(b) and all(walk(x, y) for x, y in zip(a, b, strict=True))
        if isinstance(a, dict | list) or isinstance(b, dict | list):
            return False
        if a != b or not _same_types(a, b):
            changes.append((a, b))
        return True

    return changes if walk(old, new) else None


def _same_types(a: Any, b: Any) -> bool:
    """``True == 1`` in Python but not in a rule: a boolean is never the same as a number."""
    if isinstance(a, dict) and isinstance(b, dict):
        return all(_same_types(a[k], b[k]) for k in a if k in b)
    if isinstance(a, list) and isinstance(b, list):
        return all(_same_types(x, y) for x, y in zip(a, b, strict=False))
    return isinstance(a, bool) == isinstance(b, bool) and (a is None) == (b is None)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _mentions(text: str, number: Any) -> bool:
    """Whether ``text`` says ``number`` as a number of its own (24, not 124 or 2.4)."""
    written = as_json(number)
    return re.search(rf"(?<![\d.]){re.escape(written)}(?![\d]|\.\d)", text) is not None


# --- fields compared one by one ----------------------------------------------------------------


def _field_lines(old: Any, new: Any, skipped: set[str], within: str = "") -> Iterator[str]:
    """A line per dataclass field that differs, named in words (or by its own name). A field
    that is itself a record (``closes_with_time``) is compared part by part, so that the one
    part changed is named rather than the whole record shown twice; ``within``: its name."""
    for item in dataclasses.fields(old):
        if item.name in skipped:
            continue
        name = within + item.name
        was, now = getattr(old, item.name), getattr(new, item.name, None)
        if isinstance(was, Compiled) or isinstance(now, Compiled):
            was_source = was.source if isinstance(was, Compiled) else None
            now_source = now.source if isinstance(now, Compiled) else None
            if was_source is None or now_source is None:
                if was_source != now_source:
                    yield f"{_words(name)}: {_value(was)} -> {_value(now)}"
                continue
            yield from _under(f"{_words(name)}: ", logic_change(was_source, now_source))
            continue
        if _plain(was) == _plain(now):
            continue
        if _is_record(was) and type(was) is type(now):
            yield from _field_lines(was, now, set(), f"{name}.")
            continue
        yield from _changed(_words(name), _value(was, name), _value(now, name))


def _changed(label: str, was: str, now: str, where: str = "") -> Iterator[str]:
    """``label: was -> now``, or the two one above the other where they are long, so that they
    can be compared; ``where``: the place in the file, said after."""
    after = f" ({where})" if where else ""
    if len(was) + len(now) <= LONG:
        yield f"{label}: {was} -> {now}{after}"
    else:
        yield from (f"{label} changed{after}:", f"  was: {was}", f"  now: {now}")


def _is_record(value: Any) -> bool:
    """A dataclass instance other than compiled logic (a rule's record: its parts in words)."""
    return (
        dataclasses.is_dataclass(value)
        and not isinstance(value, type)
        and not isinstance(value, Compiled)
    )


def _under(prefix: str, lines: Iterable[str]) -> Iterator[str]:
    """``prefix`` before each line; a line continuing the one above (indented) is left as is."""
    for line in lines:
        yield line if line.startswith(" ") else prefix + line


def _plain(value: Any) -> Any:
    """A value as compared: logic by its JsonLogic, dataclasses by their fields."""
    if isinstance(value, Compiled):
        return ("logic", as_json(value.source))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(_plain(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, tuple | list):
        return tuple(_plain(item) for item in value)
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _plain(v)) for k, v in value.items()))
    if isinstance(value, bool):
        return ("bool", value)
    return value


def _value(value: Any, name: str = "") -> str:
    """A field's value in a sentence (``name``: the field's); never a Python repr."""
    if value is None or (isinstance(value, tuple | list | frozenset) and not value):
        return "(none)"
    if name == "closes_with_time.redate":
        return _redate_words(value)
    if isinstance(value, Compiled):
        return readable(value.source)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Retirement):
        return f"after {value.after}" + (f' ("{value.note}")' if value.note else "")
    if isinstance(value, TimeAssumption):
        parts = [f'"{value.assuming}"']
        if value.redate:
            parts.append(f"re-dating {_redate_words(value.redate)}")
        if value.now_when_met:
            parts.append(f"met now with {', '.join(value.now_when_met)}")
        return ", ".join(parts)
    if isinstance(value, StandingStep):
        when = f" (when {readable(value.when.source)})" if value.when else ""
        return f'"{value.text}"' + when + (" (corrects the profile)" if value.corrects else "")
    if isinstance(value, tuple) and all(  # a check's standing_fix: (standing, its steps)
        isinstance(item, tuple)
        and len(item) == 2
        and isinstance(item[1], tuple)
        and all(isinstance(step, StandingStep) for step in item[1])
        for item in value
    ):
        return "; ".join(f"{name}: {', '.join(map(_value, steps))}" for name, steps in value)
    if _is_record(value):  # a record this module does not know by name: its parts
        return "; ".join(
            f"{_words(item.name)}: {_value(getattr(value, item.name))}"
            for item in dataclasses.fields(value)
        )
    if isinstance(value, frozenset):
        return ", ".join(sorted(map(str, value)))
    if isinstance(value, tuple | list) and all(
        isinstance(item, tuple | list) and len(item) == 2 for item in value
    ):  # pairs (a fact and how to supply it, a code and its words): one "key: words" each
        return "; ".join(f"{_yaml(key)}: {_yaml(words)}" for key, words in value)
    if isinstance(value, tuple | list):
        return ", ".join(_yaml(item) for item in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{_yaml(k)}: {_yaml(v)}" for k, v in value.items())
    return str(value)


def _redate_words(redate: Iterable[tuple[str, str, str]]) -> str:
    """``closes_with_time.redate``: the date field of each section's records, and the field
    that must be true of a record for it to be re-dated."""
    return ", ".join(f"{records}' {field} where {when}" for records, field, when in redate)


# text YAML would read as something else (true, null, a number) or not as plain text at all
_PLAIN = re.compile(r"[A-Za-z_][\w.-]*(?: [\w.'/-]+)*|\d{4}-\d{2}-\d{2}")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def _yaml(value: Any) -> str:
    """Plain data as YAML's flow style writes it (``{months: 3}``, ``[active, inactive]``), as in
    a rule or fact file: text is quoted only where YAML would read it otherwise."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_yaml(k)}: {_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_yaml(item) for item in value) + "]"
    if isinstance(value, str):
        plain = _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS
        return value if plain else as_json(value)
    if isinstance(value, date):
        return value.isoformat()
    return as_json(value)  # a number, true, false or null


def _words(name: str) -> str:
    return FIELD_WORDS.get(name, name)


# --- versions ----------------------------------------------------------------------------------


def _versions(book: RuleBook) -> dict[tuple[str, str], Version]:
    """(credential id, version key) -> version: a key repeated within a credential gets its file."""
    found: dict[tuple[str, str], Version] = {}
    for credential in book.credentials:
        for version in credential.versions:
            key = (credential.id, version.id)
            if key in found:
                key = (credential.id, f"{version.id} ({_rel(book, version.file)})")
            found[key] = version
    return found


def _version_entries(old: RuleBook, new: RuleBook) -> list[Entry]:
    before, after = _versions(old), _versions(new)
    both = {c.id for c in old.credentials} & {c.id for c in new.credentials}
    grouped: dict[tuple[str, tuple[str, ...]], list[str]] = {}

    def note(key: tuple[str, str], book: RuleBook, version: Version, lines: list[str]) -> None:
        if lines:
            subject = f"{key[1]} ({{credentials}}; {_rel(book, version.file)})"
            grouped.setdefault((subject, tuple(lines)), []).append(key[0])

    for key, version in after.items():
        if key[0] not in both:
            continue  # a credential added: said once, under Credentials
        if key in before:
            note(key, new, version, _version_lines(before[key], version))
            continue
        same_credential = {k[1]: v for k, v in before.items() if k[0] == key[0]}
        # a credential has versions of different checks (its exam, its renewal): a new
        # version follows one of the checks it answers
        own = {c.id for c in version.checks}
        same_checks = {k: v for k, v in same_credential.items() if own & {c.id for c in v.checks}}
        earlier = _predecessor(version, same_checks or same_credential)
        lines = [f"added: {_version_words(version)}"]
        if earlier is not None:
            changes = _version_lines(same_credential[earlier], version, dates=False)
            if changes:
                lines.append(f"follows {earlier}; compared with it:")
                lines += [f"  {line}" for line in changes]
            else:
                lines.append(f"follows {earlier}, with the same sources, policies and notes")
        note(key, new, version, lines)
    for key, version in before.items():
        if key[0] in both and key not in after:
            note(key, old, version, [f"removed (was {_version_words(version)})"])
    return [
        Entry("Rule versions", subject.format(credentials=", ".join(ids)), lines)
        for (subject, lines), ids in grouped.items()
    ]


def _version_lines(old: Version, new: Version, dates: bool = True) -> list[str]:
    """How version ``new`` differs from ``old`` in what it says of itself (not its checks)."""
    lines = []
    if dates and (old.valid_from, old.valid_until) != (new.valid_from, new.valid_until):
        lines.append(f"in force: {_dates(old)} -> {_dates(new)}")
    lines += _field_lines(old, new, _VERSION_SKIPPED)
    lines += _sources_lines(old.sources, new.sources)
    lines += _keyed_lines("disagreement", old.disagreements, new.disagreements)
    lines += _set_lines("open policy", old.open_policies, new.open_policies)
    lines += _set_lines("note", old.notes, new.notes, quoted=True)
    return lines


def _version_words(version: Version) -> str:
    return f"version {version.version} ({version.id}), in force {_dates(version)}"


def _dates(version: Version) -> str:
    since = version.valid_from.isoformat() if version.valid_from else "(no start date)"
    until = version.valid_until.isoformat() if version.valid_until else "now"
    return f"{since} to {until}"


def _sources_lines(old: Iterable[Source], new: Iterable[Source]) -> Iterator[str]:
    before, after = {s.id: s for s in old}, {s.id: s for s in new}
    for ident, source in after.items():
        if ident not in before:
            yield f"source {ident} added ({_source_words(source)})"
        else:
            yield from (
                f"source {ident}: {line}" for line in _field_lines(before[ident], source, {"id"})
            )
    for ident, source in before.items():
        if ident not in after:
            yield f"source {ident} removed (was {_source_words(source)})"


def _source_words(source: Source) -> str:
    parts = [f"confidence {source.confidence}", source.title, source.url, source.used_for]
    return ", ".join(part for part in parts if part)


def _keyed_lines(
    what: str, old: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]
) -> Iterator[str]:
    """Entries with an ``id`` (disagreements followed), compared key by key."""
    before = {str(item.get("id")): item for item in old}
    after = {str(item.get("id")): item for item in new}
    for ident, item in after.items():
        if ident not in before:
            yield f"{what} {ident} added: " + _value({k: v for k, v in item.items() if k != "id"})
            continue
        for key in dict.fromkeys([*before[ident], *item]):
            if key != "id" and before[ident].get(key) != item.get(key):
                yield f"{what} {ident}: {key}: {_value(before[ident].get(key))} -> {_value(item.get(key))}"
    for ident in before:
        if ident not in after:
            yield f"{what} {ident} removed"


def _set_lines(
    what: str, old: Iterable[str], new: Iterable[str], quoted: bool = False
) -> Iterator[str]:
    before, after = list(old), list(new)
    shown = (lambda text: f'"{text}"') if quoted else (lambda text: text)
    yield from (f"{what} added: {shown(item)}" for item in after if item not in before)
    yield from (f"{what} removed: {shown(item)}" for item in before if item not in after)


# --- credentials, registry, policies -----------------------------------------------------------


def _credential_entries(old: RuleBook, new: RuleBook) -> list[Entry]:
    before = {c.id: c for c in old.credentials}
    after = {c.id: c for c in new.credentials}
    entries = []
    for ident, credential in after.items():
        if ident not in before:
            files = sorted({_rel(new, v.file) for v in credential.versions})
            lines = [
                f"now has rules: {credential.name} ({credential.body}), in {', '.join(files)}",
                *(f"  {_version_words(v)}" for v in credential.versions),
            ]
            entries.append(Entry("Credentials", ident, tuple(lines)))
            continue
        skipped = {"id", "file", "versions"}
        lines = list(_field_lines(before[ident], credential, skipped))
        if lines:
            entries.append(Entry("Credentials", ident, tuple(lines)))
    for ident, credential in before.items():
        if ident not in after:
            entries.append(
                Entry("Credentials", ident, (f"no longer has rules (was {credential.name})",))
            )
    return entries


def _registry_entries(old: RuleBook, new: RuleBook) -> list[Entry]:
    before = {info.id: info for info in old.registry.known()}
    after = {info.id: info for info in new.registry.known()}
    section = "Credential registry (credentials.yaml)"
    entries = []
    for ident, info in after.items():
        if ident not in before:
            coding = "a coding credential" if info.coding else "not a coding credential"
            entries.append(Entry(section, ident, (f"added: {info.name} ({info.body}), {coding}",)))
            continue
        lines = list(_field_lines(before[ident], info, {"id"}))
        lines += _set_lines("alias", _aliases(old, ident), _aliases(new, ident))
        if lines:
            entries.append(Entry(section, ident, tuple(lines)))
    for ident, info in before.items():
        if ident not in after:
            entries.append(Entry(section, ident, (f"removed (was {info.name})",)))
    return entries


def _aliases(book: RuleBook, ident: str) -> list[str]:
    """The other names the registry knows ``ident`` by (apprentice form apart)."""
    info = book.registry.info(ident)
    others = {ident.upper(), (info.apprentice_form or "").upper()} if info else {ident.upper()}
    return sorted(
        name
        for name, known in book.registry.by_name.items()
        if known.id == ident and name not in others
    )


def _policy_entries(old: RuleBook, new: RuleBook) -> list[Entry]:
    section = "Open policies (policies.yaml)"
    entries = []
    for ident, policy in new.policies.items():
        if ident not in old.policies:
            values = ", ".join(policy.values)
            entries.append(
                Entry(
                    section,
                    ident,
                    (f'added: "{policy.question}" ({values}; default {policy.default})',),
                )
            )
            continue
        was = old.policies[ident]
        lines = list(_field_lines(was, policy, {"id", "values"}))
        for value, meaning in policy.values.items():
            if value not in was.values:
                lines.append(f'value {value} added: "{meaning}"')
            elif was.values[value] != meaning:
                lines.append(f'value {value}: "{was.values[value]}" -> "{meaning}"')
        lines += [f"value {value} removed" for value in was.values if value not in policy.values]
        if lines:
            entries.append(Entry(section, ident, tuple(lines)))
    for ident, policy in old.policies.items():
        if ident not in new.policies:
            entries.append(Entry(section, ident, (f'removed (was: "{policy.question}")',)))
    return entries


def _fact_entries(old: RuleBook, new: RuleBook) -> list[Entry]:
    """Facts by name: added, removed, or what changed in how one is derived (its kind, its words,
    the parameters as written, each located by its place in the fact file), each with the checks
    that read it: a fact file changes no rule file, so those are whose answers may change."""
    section = "Facts (fact files)"
    was = {definition.name: definition for definition in old.facts.definitions}
    now = {definition.name: definition for definition in new.facts.definitions}
    readers: list[dict[str, tuple[str, ...]]] = []  # worked out once a fact differs
    entries = []

    def entry(name: str, lines: list[str]) -> Entry:
        if not readers:
            readers.extend((_readers(new), _readers(old)))
        checks = tuple(dict.fromkeys(i for book in readers for i in book.get(name, ())))
        return Entry(section, name, (*lines, _read_by(checks)), checks)

    for name, definition in now.items():
        if name not in was:
            where = _rel(new, definition.file)
            entries.append(
                entry(name, [f'added ({definition.kind}, {where}): "{definition.text}"'])
            )
            continue
        before = was[name]
        lines = []
        if before.kind != definition.kind:
            lines.append(f"kind: {before.kind} -> {definition.kind}")
        if before.text != definition.text:
            lines += ["text changed:", f'  was: "{before.text}"', f'  now: "{definition.text}"']
        lines += _param_lines(before, definition)
        lines += _left_out_lines(before, definition)
        if lines:
            lines += _stale_number_lines(before, definition, new)
            entries.append(entry(name, lines))
    entries += [
        entry(name, [f'removed (was: "{definition.text}")'])
        for name, definition in was.items()
        if name not in now
    ]
    return entries


def _stale_number_lines(old: Definition, new: Definition, book: RuleBook) -> list[str]:
    """A number the fact's parameters no longer give (36 CEUs made 40) that words still say:
    the fact's own text, the texts of the checks that read it in ``book`` (a condition's words,
    fixes, measure and note, an outcome, a standing's ways forward) and the open questions of
    their versions: rules written in words beside the logic, which no check of the logic finds
    stale."""
    gone = sorted(set(_numbers(old.params)) - set(_numbers(new.params)))
    if not gone:
        return []
    readers = set(_readers(book).get(new.name, ()))
    checks: list[tuple[str, str | None]] = []
    asked: dict[str, None] = {}
    for credential in book.credentials:
        for version in credential.versions:
            for check in version.checks:
                if check.id in readers:
                    checks += [(f"{check.id} ({version.id})", t) for t in _check_texts(check)]
                    asked.update(dict.fromkeys(version.open_policies))
    # the fact's and the open questions' words first: every report of such a check says them
    texts: list[tuple[str, str | None]] = [(f"the fact's text ({new.name})", new.text)]
    for policy in (book.policies[p] for p in asked if p in book.policies):
        words = (policy.question, *policy.values.values(), policy.review)
        texts += [(f"the open question {policy.question!r}", t) for t in words]
    texts += checks
    lines = []
    for number in gone:
        said = re.compile(rf"(?<![\d.-]){re.escape(_number_text(number))}(?![\d]|\.\d)")
        places = list(dict.fromkeys(where for where, text in texts if text and said.search(text)))
        if places:
            shown = ", ".join(places[:READ_BY]) + (
                f" and {len(places) - READ_BY} more" if len(places) > READ_BY else ""
            )
            lines.append(
                f"words that still say {_number_text(number)}, which the parameters no longer"
                f" give: {shown}"
            )
    return lines


def _numbers(value: Any) -> Iterator[float]:
    """Every number in a fact's parameters (booleans are not numbers)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _numbers(item)


def _number_text(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _check_texts(check: Check) -> Iterator[str | None]:
    """The words a check says: its question, outcomes and standing's ways forward, and each
    condition's text, measure, fixes and note."""
    yield from (check.question, check.outcome_met, check.outcome_not_met)
    yield from (step.text for _, steps in check.standing_fix for step in steps)
    for node in (*check.requires.walk(), *(check.recommends.walk() if check.recommends else ())):
        yield from (node.text, node.measure, node.fix, node.fix_after, node.fix_unsure, node.note)


def _readers(book: RuleBook) -> dict[str, tuple[str, ...]]:
    """Fact definition -> the ids of the checks that read its facts, in the book's order."""
    found: dict[str, dict[str, None]] = {}
    for credential in book.credentials:
        for version in credential.versions:
            for check in version.checks:
                for name in book.facts.definitions_reading(_check_reads(check)):
                    found.setdefault(name, {})[check.id] = None
    return {name: tuple(ids) for name, ids in found.items()}


def _check_reads(check: Check) -> Iterator[str]:
    """Every fact a check reads: when it applies, its standing and the ways forward from it,
    and each condition's logic, fix (its window and the facts it names), details, assumption
    and whether it is shown; a changed fact may change any of them."""
    for compiled in (check.applies_logic, check.standing_not_met):
        if compiled is not None:
            yield from compiled.reads
    for _, steps in check.standing_fix:
        for step in steps:
            yield from step.reads
    for node in (*check.requires.walk(), *(check.recommends.walk() if check.recommends else ())):
        for compiled in (node.logic, node.fix_when, node.assumes_unless):
            if compiled is not None:
                yield from compiled.reads
        yield from node.fix_reads
        yield from (fact for fact in (node.details, node.shown_if, node.hidden_if) if fact)


def _read_by(checks: tuple[str, ...]) -> str:
    """``read by: CPC-renewal, COC-renewal, ... and 25 more``: the first few, the others counted."""
    if not checks:
        return "read by no check"
    shown = checks if len(checks) <= READ_BY + 1 else checks[:READ_BY]
    more = f" and {len(checks) - len(shown)} more" if len(shown) < len(checks) else ""
    return f"read by: {', '.join(shown)}{more}"


def _param_lines(old: Definition, new: Definition) -> Iterator[str]:
    """Where a fact's parameters differ, each named by its place in the fact file (``kind.key``)
    and in words where :data:`PARAM_WORDS` has them. The expressions the kind runs over records
    (``where``, ``value`` ...) are compared as logic; everything else is data, followed key by
    key (and entry by entry in lists of the same length) and written as YAML writes it."""
    expressions = {
        expression[3]
        for definition in (old, new)
        for expression in FACT_KINDS[definition.kind].expressions(definition.params)
    }
    yield from _data_lines(old.kind, old.params, new.params, expressions.__contains__, PARAM_WORDS)


def _left_out_lines(old: Definition, new: Definition) -> Iterator[str]:
    """Where what an explanation says of the records a fact leaves out differs (``left_out``:
    its noun, detail, and the words of each reason), as its parameters are compared. What
    loading copies into it from the parameters (``where``, ``value``, ``records`` when the
    same) is left out: a change there is named once, as a parameter."""

    def written(definition: Definition) -> Mapping[str, Any]:
        params = definition.params if isinstance(definition.params, Mapping) else {}
        left_out = dict(definition.left_out or {})
        if isinstance(left_out.get("detail"), str):  # a field named is the field read
            left_out["detail"] = {"var": left_out["detail"]}
        return {
            key: value
            for key, value in left_out.items()
            if key not in ("where", "value")
            and not (key == "records" and value == params.get("records", "ceus"))
        }

    def expression(at: tuple[str | int, ...]) -> bool:  # run over a record: a check, the detail
        return at[-1:] == ("logic",) or at == ("detail",)

    yield from _data_lines("left_out", written(old), written(new), expression, LEFT_OUT_WORDS)


def _data_lines(
    root: str,
    old: Any,
    new: Any,
    expression: Callable[[tuple[str | int, ...]], bool],
    words_of: Mapping[str, str],
) -> Iterator[str]:
    """A line per part of a fact file's data that differs, named by its place under ``root``
    and in words where ``words_of`` has them; the parts ``expression`` says are JsonLogic run
    over each record are compared as logic."""

    def shown(at: tuple[str | int, ...], value: Any) -> str:
        if expression(at):
            return readable(value)
        return as_json(value) if isinstance(value, str) else _yaml(value)  # text always quoted

    def placed(at: tuple[str | int, ...]) -> str:
        return ".".join([root, *(str(k + 1) if isinstance(k, int) else k for k in at)])

    def one(at: tuple[str | int, ...], what: str, value: Any) -> str:
        """A part added or removed, in words where ``words_of`` has them; a record holding
        logic (a reason and its test) part by part, so that its logic reads as logic."""
        words = _param_words(at, words_of)
        if isinstance(value, Mapping) and any(expression((*at, str(k))) for k in value):
            said = ", ".join(f"{key}: {shown((*at, str(key)), v)}" for key, v in value.items())
        else:
            said = shown(at, value)
        if words:
            return f"{words} {what} ({placed(at)}): {said}"
        return (
            f"{placed(at)} added: {said}"
            if what == "added"
            else f"{placed(at)} removed (was: {said})"
        )

    def walk(at: tuple[str | int, ...], was: Any, now: Any) -> Iterator[str]:
        if _plain(was) == _plain(now):
            return
        place = placed(at)
        if expression(at):
            yield from _under(f"{place}: ", logic_change(was, now))
        elif isinstance(was, Mapping) and isinstance(now, Mapping):
            for key in [*was, *(key for key in now if key not in was)]:
                named = (*at, str(key))  # an int in ``at`` is a list's entry, not a key
                if key not in now:
                    yield one(named, "removed", was[key])
                elif key not in was:
                    yield one(named, "added", now[key])
                else:
                    yield from walk(named, was[key], now[key])
        elif _records(was) and _records(now):
            # entry by entry, not the two lists whole: one reason added to four is one line
            for i, j in _paired(was, now):
                if i is None:
                    yield one((*at, j), "added", now[j])
                elif j is None:
                    yield one((*at, i), "removed", was[i])
                else:
                    yield from walk((*at, j), was[i], now[j])
        else:
            words = _param_words(at, words_of)
            unit = _unit(at) if _is_number(was) and _is_number(now) else ""
            said = (shown(at, was), shown(at, now) + unit)
            yield from _changed(words or place, *said, place if words else "")

    yield from walk((), old, new)


def _paired(old: Sequence[Any], new: Sequence[Any]) -> Iterator[tuple[int | None, int | None]]:
    """The entries of two lists of records matched (an index of each; None: added or removed):
    those alike kept in order; within a stretch that differs, one as long in each list paired
    in order, else an entry with a part of the same value in both (a reason's words or its
    test, the other changed) paired with it, and the others added or removed."""
    import difflib  # only when two lists differ

    keys = [[as_json(_plain(item)) for item in items] for items in (old, new)]
    matcher = difflib.SequenceMatcher(None, *keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 - i1 == j2 - j1:
            yield from zip(range(i1, i2), range(j1, j2), strict=True)
            continue
        left = list(range(i1, i2))
        for j in range(j1, j2):
            i = next((i for i in left if _shares_a_part(old[i], new[j])), None)
            if i is not None:
                left.remove(i)
            yield i, j
        yield from ((i, None) for i in left)


def _shares_a_part(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return any(key in b and _plain(value) == _plain(b[key]) for key, value in a.items())


def _param_words(at: tuple[str | int, ...], words_of: Mapping[str, str]) -> str | None:
    """A parameter in words (:data:`PARAM_WORDS`), ``*`` matching any one key or entry."""
    for pattern, words in words_of.items():
        parts = pattern.split(".")
        if len(parts) == len(at) and all(
            p in ("*", str(k)) for p, k in zip(parts, at, strict=True)
        ):
            free = [k for p, k in zip(parts, at, strict=True) if p == "*"]
            return words.format(key=free[0] if free else "")
    return None


def _unit(at: tuple[str | int, ...]) -> str:
    """What a number counts, where its parameter's name says it (``months``, ``revoked_after_days``)."""
    name = str(at[-1]) if at else ""
    return next((f" {unit}" for unit in UNITS if name == unit or name.endswith(f"_{unit}")), "")


def _records(value: Any) -> bool:
    """A list of parameter mappings (not a list of an expression's arguments)."""
    return isinstance(value, list) and all(isinstance(i, Mapping) and len(i) > 1 for i in value)


def _flat_csv_entries(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[Entry]:
    """What a flat CSV row stands for (``flat-csv.yaml``), part by part: a column's meaning
    changes the profile a row makes, the ``supply`` words what its student is asked for; each
    change named in words, old -> new, as a fact's parameters are."""
    return _input_file_entries(
        "Flat CSV layout (flat-csv.yaml)",
        FLAT_CSV,
        (FLAT_CSV_PARTS, FLAT_CSV_WORDS),
        old,
        new,
        (
            "added: the rules now say what a row of a flat CSV export stands for",
            "removed: without it these rules refuse a flat CSV export (other cohorts are read)",
        ),
    )


def _form_entries(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[Entry]:
    """What the web page's form asks for (``form.yaml``): its ``supply`` words, which change
    what a person answering the form is told, not an answer."""
    return _input_file_entries(
        "The web page's form (form.yaml)",
        FORM,
        (FORM_PARTS, {}),
        old,
        new,
        (
            "added: the web page's form now asks in its own words for what its answers leave out",
            "removed: the web page's form asks for what its answers leave out in the fact files'"
            " words, which name a profile's fields",
        ),
    )


def _input_file_entries(
    section: str,
    file: str,
    named: tuple[Mapping[str, str], Mapping[str, str]],
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    added_removed: tuple[str, str],
) -> list[Entry]:
    """A rules directory's file that is no rule (what an input means, or asks in), part by
    part: each part under its words (``named``: part -> words, and a part's place -> words
    where its name is terse), changes old -> new; ``supply``'s order too."""
    parts, terse = named
    if old is None or new is None:
        if old is new:
            return []
        return [Entry(section, file, (added_removed[0] if old is None else added_removed[1],))]
    entries = []
    for key in [*old, *(key for key in new if key not in old)]:
        subject = f"{key}: {parts[key]}" if key in parts else key
        words = {
            place.removeprefix(f"{key}."): said
            for place, said in terse.items()
            if place.startswith(f"{key}.")
        }
        if key not in new or key not in old:
            value = _yaml(old[key] if key in old else new[key])
            lines = [f"removed (was: {value})" if key in old else f"added: {value}"]
        else:
            lines = list(_data_lines(key, old[key], new[key], lambda at: False, words))
            if key in ORDERED and isinstance(old[key], Mapping) and isinstance(new[key], Mapping):
                lines += _order_lines(list(old[key]), list(new[key]))
        if lines:
            entries.append(Entry(section, subject, tuple(lines)))
    return entries


def _order_lines(old: list[str], new: list[str]) -> list[str]:
    """``supply``'s (or ``corrects``') patterns kept but in another order: the first that
    matches is said, so the order is part of the meaning."""
    kept = [pattern for pattern in old if pattern in new]
    if kept == [pattern for pattern in new if pattern in old]:
        return []
    return list(
        _changed(
            "the order of the patterns (the first that matches is said)",
            ", ".join(kept),
            ", ".join(pattern for pattern in new if pattern in old),
        )
    )


def _other_entries(old: RuleBook, new: RuleBook) -> list[Entry]:
    """Whatever else a rule book holds (a part added to the rule model after this module was
    written): compared as data, so that a change there is never reported as no change."""
    known = {"credentials", "policies", "registry", "directory", "facts"}
    return [
        Entry("Other rule data", item.name, ("differs between the two rule books",))
        for item in dataclasses.fields(old)
        if item.name not in known
        and _plain(getattr(old, item.name)) != _plain(getattr(new, item.name, None))
    ]


def _rel(book: RuleBook, path: str) -> str:
    """A rule file's path within its book's directory, as a maintainer names it."""
    try:
        return os.path.relpath(path, book.directory or ".").replace(os.sep, "/")
    except ValueError:  # another drive (Windows)
        return path
