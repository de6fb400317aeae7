"""The checks a rule book must pass (errors) and should pass (warnings): docs/lint.md.

``eligibility lint`` reports every problem these checks find, in every file; loading a rule book
for ``check`` or ``batch`` runs the same checks and refuses the first error (as an
:class:`InputError`), so a rule the linter calls wrong can never give an answer. The checks read
rule files as parsed, schema-valid data with ``{credential}``, ``{name}`` and ``{apprentice}``
filled in (what the rule cache keeps), never the built rule book, so that one file's problems do
not hide another's.

What the rules are compared with (the facts that exist, the open policies and their values, the
credential registry) comes in a :class:`Context`, which ``rules.lint_context`` builds: the one
place that says which facts exist.

Fact files have checks of their own (:mod:`eligibility.rulebook.factcheck`), which use the JsonLogic checks
here over a record's fields.

Nothing here evaluates a rule on a profile; a constant part of a rule (no fact read) is evaluated
once, to see whether it always fails (division by zero) or always gives the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, cached_property
from itertools import pairwise
from typing import Any

import orjson

from eligibility.errors import InputError, closest, place_of
from eligibility.inputs.yamlio import locator, parse_text
from eligibility.rulebook.versions import (
    BECAUSE_PLACEHOLDER,
    CONDITIONS,
    FACT_PLACEHOLDER,
    STANDING_PLACEHOLDER,
    expanded,
    fact_placeholders,
    find_condition,
    named_checks,
    numbered,
    overlap_words,
    written_at,
)

ERROR, WARNING = "error", "warning"

MAX_LOGIC_SIZE = 500  # values in one condition's JsonLogic (operators, arguments, literals)
MAX_CONDITIONS = 200  # conditions in one check (requires and recommends together)
MAX_TITLE = 60  # a pathway's name, as answers name it ("Closest: ..."), in characters

# Standard JsonLogic (jsonlogic.com/operations.html) as datalogic-py names it; "log" is
# standard too but the engine does not have it (an unknown operator).
STANDARD_OPERATORS = frozenset(
    {
        *("var", "missing", "missing_some", "if", "?:"),
        *("==", "===", "!=", "!==", "!", "!!", "or", "and"),
        *(">", ">=", "<", "<=", "max", "min", "+", "-", "*", "/", "%"),
        *("map", "reduce", "filter", "all", "none", "some", "merge", "in", "cat", "substr"),
    }
)
# Operators of the engine beyond standard JsonLogic that rules may use. None: another JsonLogic
# engine (such as the one `eligibility export` is checked with) would not know them. Adding one
# here needs a line in docs/lint.md saying why it is safe.
ALLOWED_EXTENSIONS: frozenset[str] = frozenset()
ITERATORS = frozenset({"map", "filter", "reduce", "all", "some", "none"})
PLACEHOLDERS = ("{credential}", "{name}", "{called}", "{apprentice}")
# in a fix: the parts the condition lacks, and how far short it falls (report/explain.py)
FIX_PLACEHOLDERS = ("{missing}", "{short}")
FIXES = (
    "fix",
    "fix_unsure",
    "fix_after",
)  # a condition's words for what to do: may name facts and {missing}
STANDINGS = ("at risk", "inactive", "revoked")  # what a keeping check's standing.not_met gives
KEEPING = ("recertification", "status")  # the kinds of check that say whether a credential is kept

_COMPARISONS = frozenset({"==", "===", "!=", "!==", ">", ">=", "<", "<="})
_ORDERINGS = frozenset({">", ">=", "<", "<="})
_BOOLEAN = frozenset({*_COMPARISONS, "!", "!!", "in", "all", "some", "none"})
_NUMBER = frozenset({"+", "-", "*", "/", "%", "min", "max"})
_TEXT = frozenset({"cat", "substr", "lower"})
_LIST = frozenset({"merge", "map", "filter", "missing", "missing_some"})
_READERS = frozenset({"var", "val", "missing", "missing_some", "exists"})
# a placeholder without a dot: {credential}, or {short|words} (the words where it is not known)
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w-]*)(?:\|[^{}]*)?\}")
# an id of the sources catalogue a text must not show: a claim (AAPC-LAPSE-1, CPC-APP-3), a
# convention (CONV-4), a disagreement (D-9), the catalogue itself. A source's id (A1, SEED-001)
# is a citation a person can look up in the answer's list of sources; these are the project's
# own bookkeeping.
CATALOGUE_ID = re.compile(r"\b(?:[A-Z]+-[A-Z]+-\d+|CONV-\d+|D-\d+|CATALOG\.md)\b")
# a source's id as the catalogue's register gives them (A1, H5, T3, P1, SEED-001): cited in a
# version's sources and its rules line, never inside a sentence a candidate reads
SOURCE_ID = re.compile(r"(?<![\w-])(?:SEED-\d{3}|[AHPT]\d{1,2}m?)(?![\w-])")
# where ids belong: citations, and the record of how the sources disagree; and logic (a
# condition's, an assumption's unless), which is never a text shown to people
_CITING = frozenset({"id", "sources", "disagreements", "logic", "unless"})
# what a maintainer reads (``eligibility show``), not an answer: source ids may stand there,
# catalogue ids not
_FOR_MAINTAINERS = frozenset({"note", "notes", "in_force"})
# a number in a condition's text: not part of a name (ICD-10-CM, A1, CPC-P), a date or a money sum
_TEXT_NUMBER = re.compile(r"(?<![\w.\-/$])(\d+(?:\.\d+)?)(%?)(?![\w/]|-\d|\.\d)(\s*-?\s*years?\b)?")


@dataclass(frozen=True)
class Problem:
    """One thing wrong (``error``: loading refuses it) or doubtful (``warning``) in a rule file."""

    level: str
    code: str
    file: str
    line: int | None
    path: str | None  # JSON path, "$.versions[0].checks[1].requires"
    message: str
    fix: str
    suggestion: str | None = None  # a close name: "did you mean ...?"

    def as_error(self) -> InputError:
        """The problem as loading reports it: one message with the place and the fix."""
        place = f"line {self.line} ({self.path})" if self.line and self.path else self.path
        message = self.message + (
            f" (did you mean {self.suggestion!r}?)" if self.suggestion else ""
        )
        return InputError(self.file, place, message, self.fix)


@dataclass(frozen=True)
class Catalogue:
    """Ids the sources catalogue (../shared/domain/CATALOG.md) defines: its source register
    (A1, H3, SEED-000) and every id it defines (those and rule, convention, disagreement ids)."""

    sources: frozenset[str]
    ids: frozenset[str]
    file: str


@dataclass(frozen=True)
class Context:
    """What the rules are checked against. ``None`` for a reference file that could not be read
    (the linter reports that file; the checks that need it are left out)."""

    fact: Callable[[str], Mapping[str, Any] | None]  # a fact path's entry; None when unknown
    fact_paths: tuple[str, ...]  # every known fact path, a free key written "*"
    credential_lists: frozenset[str]  # facts that list credential ids
    credential_keyed: frozenset[str]  # fact paths ending in "*" whose "*" is a credential id
    policies: Mapping[str, tuple[str, ...]] | None  # open policy id -> its values
    registry: tuple[Mapping[str, Any], ...] | None  # the entries of credentials.yaml
    registry_file: str = ""
    registry_text: str = ""
    catalogue: Catalogue | None = None
    # fact path -> the folder of the fact file defining it (rules/<body>/facts.yaml: "aapc");
    # a shared fact (rules/facts.yaml) is not in it
    fact_folders: Mapping[str, str] = field(default_factory=dict)
    # a profile section holding records -> its records' fields (closes_with_time names them)
    records: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # what checking an expression found, kept for the same expression in the same setting
    # (_Version._logic): the book repeats most leaves once per credential sharing them
    memo: dict[tuple, tuple] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def credential_ids(self) -> frozenset[str]:
        """Names the facts give credentials by: ids and apprentice forms (``CPC``, ``CPC-A``)."""
        return frozenset(
            name
            for entry in self.registry or ()
            for name in (entry.get("id"), entry.get("apprentice_form"))
            if isinstance(name, str)
        )

    @cached_property
    def aliases(self) -> Mapping[str, str]:
        """An old or other name (in capitals) -> the credential id the facts use instead."""
        return {
            str(alias).upper(): entry["id"]
            for entry in self.registry or ()
            for alias in entry.get("aliases", [])
        }

    @cached_property
    def registered(self) -> Mapping[str, Mapping[str, Any]]:
        """Each registry entry by its id."""
        return {entry["id"]: entry for entry in self.registry or ()}


@dataclass(frozen=True)
class RuleFile:
    """One rule file as the checks read it: its text (for lines) and its filled data."""

    file: str
    text: str
    body: str
    entries: tuple[tuple[Mapping[str, Any], list], ...]  # (credentials[i], its filled versions)

    @classmethod
    def of(cls, file: str, text: str, value: Mapping[str, Any]) -> RuleFile:
        """From the loader's value: ``{"body": ..., "entries": [[entry, versions], ...]}``."""
        return cls(file, text, value["body"], tuple((e, v) for e, v in value["entries"]))

    @cached_property
    def locate(self) -> Callable[[Sequence[str | int]], int | None]:
        return locator(self.text)

    def written(self, where: Sequence[str | int]) -> Sequence[str | int]:
        """Where the file wrote what ``where`` names in the versions as filled in: a version
        written as ``changes`` has its checks from its changes and the version it extends."""
        if len(where) < 4 or where[0] != "versions" or where[2] != "checks":
            return where
        versions, whole = self.as_written
        if not isinstance(where[1], int) or where[1] >= len(whole):
            return where
        if "extends" not in versions[where[1]]:
            return where
        return written_at(versions, whole, where)

    @cached_property
    def as_written(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The versions as written and as expanded, not filled in (read again: only a problem,
        and lint's look at what changes moved, need them); none when they cannot be expanded
        (the loader's own message says why)."""
        versions = parse_text(self.text, self.file).get("versions") or []

        def refuse(where: list, problem: str, fix: str) -> None:
            raise InputError(self.file, None, problem, fix)

        try:
            return versions, expanded(versions, refuse)
        except InputError:
            return [], []


def refuse(problems: Iterable[Problem]) -> None:
    """Raise the first error among ``problems`` as an :class:`InputError`."""
    for problem in problems:
        if problem.level == ERROR:
            raise problem.as_error()


class _Found:
    """Problems of one file as they are found: placed (line) and told once each at the end."""

    def __init__(self, rule_file: RuleFile | None, file: str, text: str) -> None:
        self.file, self.text, self.rule_file = file, text, rule_file
        self.items: dict[tuple, tuple] = {}

    def add(
        self,
        level: str,
        code: str,
        where: Sequence[str | int],
        message: str,
        fix: str,
        suggestion: str | None = None,
    ) -> None:
        # a file shared by several credentials repeats each mistake once per credential, and a
        # version written as changes repeats the mistakes of what it copies: each is told once,
        # where it is written
        if self.rule_file is not None:
            where = self.rule_file.written(where)
        self.items.setdefault((tuple(where), code, message), (level, fix, suggestion))

    def problems(self) -> list[Problem]:
        if not self.items:
            return []  # placing a problem composes the file's YAML: only when there is one
        locate = self.rule_file.locate if self.rule_file else locator(self.text)
        return [
            Problem(
                level, code, self.file, locate(where), place_of(where, None), message, fix, hint
            )
            for (where, code, message), (level, fix, hint) in self.items.items()
        ]


def left_behind(rule_file: RuleFile) -> list[Problem]:
    """A change that moves a threshold (24 -> 18 months) in one condition of a version written
    as ``changes``, while another condition of the check with the same unit still reads the old
    number: the repeats a body's number has (letters for the 24 months, letters that can still
    be had for them) must move together, or the new version asks for both numbers at once."""
    found = _Found(None, rule_file.file, rule_file.text)
    versions, whole = rule_file.as_written
    done: dict[str, dict[str, Any]] = {}
    for vi, version in enumerate(versions):
        changes = version.get("changes", []) if "extends" in version else []
        base = done.get(version.get("extends", ""))
        done[version["id"]] = whole[vi]
        if base is None:
            continue
        moved = {
            (name, change["condition"])
            for change in changes
            if "condition" in change and "logic" in change
            for name in named_checks(change)
        }
        behind: dict[tuple[str, str, str], tuple[int, dict[str, None], dict[str, None]]] = {}
        for ci, change in enumerate(changes):
            if "condition" not in change or "logic" not in change:
                continue
            for name in named_checks(change):
                old_check = next((c for c in base["checks"] if c["id"] == name), None)
                new_check = next((c for c in whole[vi]["checks"] if c["id"] == name), None)
                located = find_condition(old_check, change["condition"]) if old_check else None
                if old_check is None or new_check is None or located is None:
                    continue
                node = located[1]
                old = set(_numbers_in(node.get("logic"))) - set(_numbers_in(change["logic"]))
                # the other conditions of the check: the same requirement is often repeated
                # (the months worked and the months letters vouch for; a period's CEUs and the
                # running period's)
                others = [
                    other
                    for part in ("requires", "recommends")
                    if part in old_check
                    for other, _ in _conditions(old_check[part], [])
                    if "logic" in other
                ]
                for sibling in others:
                    now = find_condition(new_check, sibling.get("id", ""))
                    same_unit = node.get("unit") and sibling.get("unit") == node.get("unit")
                    if now is None or not (same_unit or sibling is node):
                        continue
                    # its logic (unless changed too), and the threshold under which its answer
                    # rests on no assumption (``assumes: unless``), which is easily forgotten
                    logic = now[1].get("logic")
                    if sibling is node or (name, sibling.get("id")) in moved:
                        logic = None
                    unless = (now[1].get("assumes") or {}).get("unless")
                    for part, read in (("logic", logic), ("unless", unless)):
                        kept = old & set(_numbers_in(read)) - {0, 1}
                        if kept:
                            said = ", ".join(_number(n) for n in sorted(kept))
                            key = (sibling["id"], part, said)
                            _, conditions, checks = behind.setdefault(key, (ci, {}, {}))
                            conditions[change["condition"]] = checks[name] = None
        for (sibling_id, part, said), (ci, conditions, checks) in behind.items():
            where = sibling_id if part == "logic" else f"the assumes (unless) of {sibling_id}"
            found.add(
                WARNING,
                "threshold-left-behind",
                ["versions", vi, "changes", ci],
                f"{where} still reads {said} in {' and '.join(checks)}, where"
                f" {' and '.join(conditions)} no longer do{'es' if len(conditions) == 1 else ''}",
                f"change {sibling_id} too ("
                + ("its text and logic" if part == "logic" else "its assumes' unless")
                + "), or allow this warning if it must keep the old number",
            )
    return found.problems()


# --- one file -----------------------------------------------------------------------------


def check_left_behind(rule_file: RuleFile) -> list[Problem]:
    """A version written as ``changes`` that makes two checks differ in conditions the version
    it extends gives them alike: AAPC's ``{apprentice}-removal`` repeats
    ``{credential}-full``'s two years through a YAML anchor, but a change is made only to the
    checks it names, so one naming ``{credential}-full`` alone leaves the removal at the old
    number, with no other warning (each check on its own is sound)."""
    found = _Found(None, rule_file.file, rule_file.text)
    versions, whole = rule_file.as_written
    done: dict[str, dict[str, Any]] = {}
    for vi, version in enumerate(versions):
        base = done.get(version.get("extends", "")) if "extends" in version else None
        done[version["id"]] = whole[vi]
        if base is None:
            continue
        changes = version.get("changes", [])
        old, new = _conditions_by_id(base), _conditions_by_id(whole[vi])
        names = list(old)
        for first, name in enumerate(names):
            for other in names[first + 1 :]:
                if name not in new or other not in new:
                    continue  # a check removed says so itself
                alike = [c for c, node in old[name].items() if old[other].get(c) == node]
                apart = [c for c in alike if new[name].get(c) != new[other].get(c)]
                if not apart:
                    continue
                # told at the change naming one of the two and not the other
                ci = next(
                    (
                        ci
                        for ci, change in enumerate(changes)
                        if (name in named_checks(change)) != (other in named_checks(change))
                    ),
                    None,
                )
                named = named_checks(changes[ci]) if ci is not None else []
                changed, left = (name, other) if name in named else (other, name)
                said = " and ".join([", ".join(apart[:-1]), apart[-1]] if apart[1:] else apart)
                found.add(
                    WARNING,
                    "check-left-behind",
                    ["versions", vi, "changes", ci] if ci is not None else ["versions", vi],
                    f"this version changes {said} in {changed} but not in {left}, where"
                    f" {version['extends']} gives {'it' if len(apart) == 1 else 'them'} alike:"
                    " the two checks now ask different things",
                    f"name both checks in each change of {'it' if len(apart) == 1 else 'them'}"
                    f' (check: ["{changed}", "{left}"]), or allow this warning on this line if'
                    " they must now differ",
                )
    return found.problems()


def _conditions_by_id(version: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Check id -> its conditions by id, each without its children but with their ids (a
    condition is alike in two checks when its own fields and its children's ids are)."""
    found: dict[str, dict[str, Any]] = {}
    for check in version.get("checks") or ():
        mine = found.setdefault(check.get("id", ""), {})
        for part in ("requires", "recommends"):
            if isinstance(check.get(part), Mapping):
                for node, _ in _conditions(check[part], []):
                    own = {k: v for k, v in node.items() if k not in ("all", "any")}
                    for shape in ("all", "any"):
                        if shape in node:
                            own[shape] = [child.get("id") for child in node[shape]]
                    mine[node.get("id", "")] = own
    return found


def file_problems(
    rule_file: RuleFile, context: Context, errors_only: bool = False
) -> list[Problem]:
    """Every problem of one rule file that the file (and the context) shows on its own;
    ``errors_only`` leaves out the checks that can only warn (loading needs no more)."""
    found = _Found(rule_file, rule_file.file, rule_file.text)
    read: dict[int, set[str]] = {}  # per version, the policies any credential's conditions read
    for index, (entry, versions) in enumerate(rule_file.entries):
        _check_entry(found, rule_file, index, entry, context)
        for vi, version in numbered(versions):
            checked = _Version(found, context, entry, version, ["versions", vi], errors_only)
            checked.check()
            read.setdefault(vi, set()).update(checked.policies_read)
    # a version several credentials share reads a policy in a condition of one of them alone
    # (``only_for``): it is used
    for key in [key for key in found.items if key[1] == "unused-policy"]:
        named = re.search(r"names policy '([^']+)'", key[2])
        if named and named[1] in read.get(key[0][1], ()):
            del found.items[key]
    return found.problems()


def _check_entry(
    found: _Found, rule_file: RuleFile, index: int, entry: Mapping[str, Any], context: Context
) -> None:
    """A credential a rule file defines must be in the registry, as the same body's."""
    if context.registry is None:
        return
    where = ["credentials", index]
    known = context.registered.get(entry["id"])
    if known is None:
        found.add(
            ERROR,
            "unknown-credential",
            [*where, "id"],
            f"credential {entry['id']!r} is not in the credential registry ({context.registry_file})",
            "add it to the registry (id, body, name, coding), or correct the id here or there",
            closest(entry["id"], context.registered),
        )
        return
    if known.get("body") != rule_file.body:
        found.add(
            ERROR,
            "registry-mismatch",
            [*where, "id"],
            f"credential {entry['id']!r} is a {known.get('body')} credential in the registry,"
            f" but this file's body is {rule_file.body}",
            "put it in a rule file of its own body, or correct the body in the registry",
        )
    if entry.get("apprentice") and entry.get("apprentice") != known.get("apprentice_form"):
        found.add(
            ERROR,
            "registry-mismatch",
            [*where, "apprentice"],
            f"apprentice {entry['apprentice']!r} of {entry['id']} is not the apprentice form the"
            f" registry gives ({known.get('apprentice_form') or 'none'})",
            "give the same apprentice form here and in the registry's apprentice_form",
        )


class _Version:
    """The checks of one (filled) version of a rule file."""

    def __init__(
        self,
        found: _Found,
        context: Context,
        entry: Mapping[str, Any],
        version: Mapping[str, Any],
        where: list,
        errors_only: bool = False,
    ) -> None:
        self.found, self.context, self.entry, self.version, self.where = (
            found,
            context,
            entry,
            version,
            where,
        )
        self.errors_only = errors_only
        # the rule file's body: a did-you-mean for a fact offers its own facts first
        self.body = found.rule_file.body if found.rule_file else None
        self.open_policies = tuple(version.get("open_policies", []))
        # while a standing is checked: the ids of its check's conditions, which it may read
        self.conditions: frozenset[str] | None = None
        self.policies_read: set[str] = set()

    def check(self) -> None:
        start = len(self.found.items)
        text = orjson.dumps(self.version).decode()
        if _PLACEHOLDER.search(text) or FACT_PLACEHOLDER.search(text):  # walked only if one is left
            self._placeholders(self.version, self.where)
        known = self.context.policies or ()
        if not self.errors_only and (names_an_id(text) or any(p in text for p in known)):
            internal_ids(self.found, self.version, self.where, policies=known)
        self._dates()
        known = self.context.policies
        for index, policy in enumerate(self.open_policies):
            if known is not None and policy not in known:
                self.found.add(
                    ERROR,
                    "unknown-policy",
                    [*self.where, "open_policies", index],
                    f"unknown policy {policy!r}",
                    f"use one of: {', '.join(known)}",
                    closest(policy, known),
                )
        seen: set[str] = set()
        for ci, check in enumerate(self.version["checks"]):
            here = [*self.where, "checks", ci]
            if check["id"] in seen:
                self.found.add(
                    ERROR,
                    "duplicate-check",
                    [*here, "id"],
                    f"check id {check['id']!r} is used twice in this version",
                    "give each check its own id (the second one would never be chosen)",
                )
            seen.add(check["id"])
            self._check(check, here)
        mine = list(self.found.items.values())[start:]
        errors = any(level == ERROR for level, _, _ in mine)
        for index, policy in enumerate(self.open_policies):
            if self.errors_only or errors:
                break  # a read an error cut short is not known: no warning on a guess
            if known is not None and policy in known and policy not in self.policies_read:
                self.found.add(
                    WARNING,
                    "unused-policy",
                    [*self.where, "open_policies", index],
                    f"names policy {policy!r}, but none of its conditions reads it or a fact that"
                    " depends on it",
                    "remove it from open_policies (answers are worked out again under each of"
                    " its values for nothing)",
                )

    def _dates(self) -> None:
        force = self.version["in_force"]
        start, end = force.get("from"), force.get("until")
        if start and end and end < start:
            self.found.add(
                ERROR,
                "reversed-dates",
                [*self.where, "in_force", "until"],
                f"in force until {end}, before it comes into force ({start}): never in force",
                "swap the dates, or correct the one that is wrong",
            )

    def _has_standing(self, where: list) -> bool:
        """Whether ``where`` is the not-met outcome of a check that keeps a credential (one
        with a ``standing``), whose verdict may name the standing it finds."""
        if (
            where[-2:] not in (["outcome", "not_met"], ["outcome", "not_met_because"])
            or len(where) < 4
            or where[-4] != "checks"
        ):
            return False
        checks = self.version.get("checks") or []
        index = where[-3]
        return isinstance(index, int) and index < len(checks) and "standing" in checks[index]

    def _placeholders(self, value: Any, where: list) -> None:
        """A ``{word}`` left after filling in: a misspelt placeholder, or one not filled here."""
        if isinstance(value, str):
            for match in _PLACEHOLDER.finditer(value):
                name = "{" + match.group(1) + "}"
                if name in FIX_PLACEHOLDERS and where and where[-1] in FIXES:
                    continue  # filled in when explained: what the condition lacks, how much
                if name == STANDING_PLACEHOLDER and self._has_standing(where):
                    continue  # filled in when explained: the standing found
                if name == BECAUSE_PLACEHOLDER and where[-2:] == [
                    "outcome",
                    "not_met_because",
                ]:
                    continue  # filled in when explained: the reasons found
                self.found.add(
                    ERROR,
                    "leftover-placeholder",
                    where,
                    f"{match.group()} is not filled in (only {', '.join(PLACEHOLDERS)} are, and"
                    f" {STANDING_PLACEHOLDER} in the not-met outcome of a check with a standing)",
                    "correct the placeholder, or write the text out",
                    closest(name, PLACEHOLDERS),
                )
            if (where and where[-1] in FIXES and "standing" not in where) or _standing_step(where):
                return  # a condition's fix, a standing's step: facts filled in when shown
            for match in FACT_PLACEHOLDER.finditer(value):
                self.found.add(
                    ERROR,
                    "leftover-placeholder",
                    where,
                    f"{match.group()} names a fact, which is filled in only in a condition's fix"
                    " or a standing's ways forward (standing.fix)",
                    "write the text out, or move the step to the fix of the condition it is about",
                )
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self._placeholders(item, [*where, index])
        elif isinstance(value, dict):
            for key, item in value.items():
                self._placeholders(key, where)
                self._placeholders(item, [*where, key])

    def _check(self, check: Mapping[str, Any], where: list) -> None:
        ids: set[str] = set()
        count = 0
        for part in ("requires", "recommends"):
            if part in check:
                for node, here in _conditions(check[part], [*where, part]):
                    count += 1
                    self._condition(node, here, ids)
                    if len(node.get("any", ())) > 1 and not self.errors_only:
                        self._untimed(node["any"], [*here, "any"])
        if count > MAX_CONDITIONS:
            self.found.add(
                ERROR,
                "too-large",
                [*where, "id"],
                f"{count} conditions in one check (at most {MAX_CONDITIONS})",
                "split the check, or simplify it",
            )
        for part in ("requires", "recommends"):
            root = check.get(part)
            if root and "any" in root:
                for i, pathway in enumerate(root["any"]):
                    self._title(pathway, [*where, part, "any", i])
            elif root:
                self._title(root, [*where, part])
        requires = check.get("requires", {})
        required = {node.get("id") for node, _ in _conditions(requires, where)}
        # the conditions named by id: an outcome's reasons (among the check's requires), and
        # what makes a fix asked for today meet a condition that closes with time (among its
        # pathway's: each choice of the requires, or the requires when it gives none)
        named = [
            (
                [*where, "outcome", "because", cid],
                cid,
                required,
                "gives a reason for",
                "the check requires",
            )
            for cid in check.get("outcome", {}).get("because", {})
        ]
        pathways = (
            [([*where, "requires", "any", i], p) for i, p in enumerate(requires["any"])]
            if "any" in requires
            else [([*where, "requires"], requires)]
        )
        for at, pathway in pathways:
            own = {node.get("id") for node, _ in _conditions(pathway, at)}
            named += [
                (
                    [*here, "closes_with_time", "now_when_met", k],
                    cid,
                    own,
                    "names",
                    "its pathway has",
                )
                for node, here in _conditions(pathway, at)
                for k, cid in enumerate(
                    (node.get("closes_with_time") or {}).get("now_when_met", ())
                )
            ]
        for place, cid, among, verb, words in named:
            if cid not in among:
                self.found.add(
                    ERROR,
                    "unknown-condition",
                    place,
                    f"{verb} {cid!r}, but {words} no condition {cid!r}",
                    "name a condition of "
                    + ("the check's requires" if among is required else "its pathway")
                    + " by its id",
                    closest(cid, {str(c) for c in among}),
                )
        applies = check.get("applies_when")
        if applies:
            self._logic(applies["logic"], [*where, "applies_when", "logic"], "condition")
            self._numbers(applies["text"], applies["logic"], [*where, "applies_when", "text"])
        standing = check.get("standing")
        if standing:
            self.conditions = frozenset(ids)
            try:
                self._logic(standing["not_met"], [*where, "standing", "not_met"], "standing")
            finally:
                self.conditions = None
            for name, steps in standing.get("fix", {}).items():
                here = [*where, "standing", "fix", name]
                for i, step in enumerate([steps] if isinstance(steps, str | dict) else steps):
                    self._standing_step(step, here if isinstance(steps, str | dict) else [*here, i])

    def _standing_step(self, step: str | Mapping[str, Any], where: list) -> None:
        """The facts a standing's way forward names, and the logic of its ``when``."""
        text = step if isinstance(step, str) else step["text"]
        for path in fact_placeholders(text):
            self._fact(path, where if isinstance(step, str) else [*where, "text"])
        if isinstance(step, dict) and "when" in step:
            self._logic(step["when"], [*where, "when"], "condition")

    def _title(self, pathway: Mapping[str, Any], where: list) -> None:
        """Warn when answers would name a pathway by a long text ("Closest: ...", "-> ... met"):
        its text up to a colon or a parenthesis, with no shorter ``name``."""
        if self.errors_only or pathway.get("name"):
            return
        title = pathway["text"].split(":")[0].split(" (")[0]
        if len(title) > MAX_TITLE:
            self.found.add(
                WARNING,
                "long-name",
                [*where, "text"],
                f"answers name this pathway by its text, {len(title)} characters long",
                f"give it a 'name' of at most {MAX_TITLE} characters (\"Option 2\" or a few words)",
            )

    def _records_named(self, declared: Mapping[str, Any], where: list) -> None:
        """``closes_with_time``'s sections and fields (``redate``, ``first``) name those of a
        profile: a misspelt one would re-date or suppose nothing, or a letter that never meets
        the rules, and no answer would say why."""
        known = self.context.records
        if not known:
            return
        named: list[tuple[list, str, str | None]] = []  # (place, section, field or None)
        for k, redate in enumerate(declared.get("redate", ())):
            at = [*where, "redate", k]
            named += [([*at, "records"], redate["records"], None)]
            named += [([*at, key], redate["records"], redate[key]) for key in ("field", "when")]
        first = declared.get("first")
        if first:
            at = [*where, "first"]
            named += [
                ([*at, "records"], first["records"], None),
                ([*at, "for"], first["for"], None),
            ]
            named += [([*at, key], first["records"], first[key]) for key in ("link", "field")]
            named += [([*at, "values", key], first["records"], key) for key in first["values"]]
            for key, theirs in first.get("copy", {}).items():
                named += [([*at, "copy", key], first["records"], key)]
                named += [([*at, "copy", key], first["for"], theirs)]
        for place, section, name in named:
            records = known.get(section)
            if records is None:
                if name is None:
                    self.found.add(
                        ERROR,
                        "unknown-section",
                        place,
                        f"{section!r} is no section of a profile",
                        "name a profile section holding records (docs/profile-format.md)",
                        closest(section, set(known)),
                    )
                continue
            fields = records
            if name is not None and name not in fields:
                self.found.add(
                    ERROR,
                    "unknown-field",
                    place,
                    f"{name!r} is no field of a {section} record",
                    f"name a field of a {section} record (docs/profile-format.md)",
                    closest(name, set(fields)),
                )

    def _untimed(self, pathways: Sequence[Mapping[str, Any]], where: list) -> None:
        """The closest of several pathways is the one met soonest: where one waits for a fact
        that grows with time (months of coding), a step without ``takes`` would be ranked as
        done at once, a course before five days of a job going on, or finding a coding job
        where none goes on before a course."""

        def grows(node: Mapping[str, Any]) -> bool:
            return any((self.context.fact(n) or {}).get("x-grows") for n in _var_names(node))

        waiting = [
            i for i, p in enumerate(pathways) if any(grows(n) for n, _ in _conditions(p, []))
        ]
        if not waiting:
            return
        for index, pathway in enumerate(pathways):
            for node, here in _conditions(pathway, [*where, index]):
                if node.get("fix") and "takes" not in node and "logic" in node:
                    self.found.add(
                        WARNING,
                        "untimed-step",
                        [*here, "fix"],
                        f"the step {node['fix']!r} has no 'takes', and another pathway here"
                        " waits for time: it is ranked as taken at once when the closest pathway"
                        " is chosen",
                        "give it takes: {months: N, basis: why}, the months it usually takes"
                        " (docs/rule-format.md#which-pathway-is-closest-takes)",
                    )

    def _condition(self, node: Mapping[str, Any], where: list, ids: set[str]) -> None:
        if node.get("closes_with_time"):
            self._records_named(node["closes_with_time"], [*where, "closes_with_time"])
        if node["id"] in ids:
            self.found.add(
                ERROR,
                "duplicate-condition",
                [*where, "id"],
                f"condition id {node['id']!r} is used twice in this check",
                "give each condition its own id",
            )
        ids.add(node["id"])
        for key, said in (
            (
                "fix_unsure",
                "where fix_when holds under some readings of the profile and not others",
            ),
            ("fix_after", "once fix_when is false"),
        ):
            if key in node and "fix_when" not in node:
                self.found.add(
                    ERROR,
                    f"{key.replace('_', '-')}-alone",
                    [*where, key],
                    f"{key} is said {said}: without fix_when it is never said",
                    f"add fix_when (while the fix can still be taken), or remove {key}",
                )
        if "takes" in node and ("logic" not in node or not node.get("fix")):
            self.found.add(
                ERROR,
                "takes-without-fix",
                [*where, "takes"],
                "takes is how long a condition's fix takes: here there is no fix it could time"
                + (" (a condition with children has none)" if "logic" not in node else ""),
                "move it to the condition whose fix it times, or remove it",
            )
        for key in ("details", "shown_if", "hidden_if"):
            if node.get(key):
                self._fact(node[key], [*where, key])
        unless = (node.get("assumes") or {}).get("unless")
        if isinstance(unless, str):
            self._fact(unless, [*where, "assumes", "unless"])
        elif unless is not None:
            self._logic(unless, [*where, "assumes", "unless"], "condition")
        for key, path in ((k, p) for k in FIXES for p in fact_placeholders(node.get(k) or "")):
            if "logic" not in node:
                self.found.add(
                    ERROR,
                    "fix-fact-not-leaf",
                    [*where, key],
                    f"the fix of a condition with children names the fact {path!r}",
                    "name facts in the fixes of the conditions that have logic",
                )
            elif path.startswith("policies."):
                self.found.add(
                    ERROR,
                    "unknown-fact",
                    [*where, key],
                    f"the fix names a policy ({path!r}), not a fact",
                    "write the policy's effect out in words",
                )
            else:
                self._fact(path, [*where, key])
        if "logic" in node:
            self._logic(node["logic"], [*where, "logic"], "condition")
            self._numbers(node["text"], node["logic"], [*where, "text"])

    def _fact(self, read: str, where: list) -> Mapping[str, Any] | None:
        """The entry of a fact a rule reads, or None after saying why it is wrong."""
        context = self.context
        if read.startswith(CONDITIONS) and self.conditions is not None:  # a standing's
            condition = read.removeprefix(CONDITIONS)
            if condition in self.conditions:
                return {"type": ["boolean", "null"]}
            self.found.add(
                ERROR,
                "unknown-condition",
                where,
                f"reads {read!r}, but the check has no condition {condition!r}",
                "name a condition of this check by its id",
                closest(condition, self.conditions),
            )
            return None
        if read.startswith("policies."):
            policy = read.removeprefix("policies.")
            if context.policies is not None and policy not in context.policies:
                self.found.add(
                    ERROR,
                    "unknown-policy",
                    where,
                    f"reads unknown policy {policy!r}",
                    f"use one of: {', '.join(context.policies)}",
                    closest(policy, context.policies),
                )
                return None
            self._named(
                policy,
                where,
                f"reads policy {policy!r}, which this version does not name",
                f"add {policy} to this version's open_policies (rules/policies.yaml lists them)",
            )
            return {"type": "string"}
        entry = context.fact(read)
        if entry is None:
            self.found.add(
                ERROR,
                "unknown-fact",
                where,
                f"reads unknown fact {read!r}",
                "use a fact listed in the facts vocabulary (docs/facts.md)",
                fact_like(
                    read,
                    context.fact_paths,
                    context.fact_folders,
                    self.body,
                    context.credential_ids,
                ),
            )
            return None
        self._credential_keys(read, where)
        for policy in entry.get("x-policies", []):
            self._named(
                policy,
                where,
                f"reads {read!r}, which depends on policy {policy!r}",
                f"add {policy} to this version's open_policies",
            )
        return entry

    def _named(self, policy: str, where: list, problem: str, fix: str) -> None:
        """A policy read must be named in open_policies, or its answers could not be reported
        ambiguous under it."""
        self.policies_read.add(policy)
        if policy not in self.open_policies:
            self.found.add(ERROR, "policy-not-named", where, problem, fix)

    def _credential_keys(self, read: str, where: list) -> None:
        """In ``recert.CCS.last.ceus`` the ``CCS`` must be a credential id."""
        parts = read.split(".")
        for index in range(len(parts)):
            pattern = ".".join([*parts[:index], "*"])
            if pattern in self.context.credential_keyed:
                self._credential_name(parts[index], where, f"in the fact {read!r}")

    def _credential_name(self, name: str, where: list, how: str) -> None:
        credential_name(self.found, self.context, name, where, how)

    # --- JsonLogic ----------------------------------------------------------------------------

    def _logic(self, expression: Any, where: list, role: str) -> None:
        """Check an expression, or repeat what checking the same one found (a file shared by
        several credentials holds most leaves once per credential)."""
        text = orjson.dumps(expression).decode()
        own = tuple(
            n for n in (self.entry["id"], self.entry.get("apprentice")) if n and f'"{n}"' in text
        )
        key = (
            text,
            role,
            self.open_policies,
            own,
            self.conditions if "conditions." in text else None,
            self.body,  # a did-you-mean for a fact depends on it
        )
        memo = self.context.memo
        if key not in memo:
            found, read = self.found, self.policies_read
            scratch, scratch_read = _Found(None, "", ""), set()
            self.found, self.policies_read = scratch, scratch_read
            try:
                _Logic(self, expression, []).check(role, len(text))
            finally:
                self.found, self.policies_read = found, read
            memo[key] = (scratch.items, scratch_read)
        items, read = memo[key]
        self.policies_read |= read
        for (path, code, message), (level, fix, hint) in items.items():
            self.found.add(level, code, [*where, *path], message, fix, hint)

    def _numbers(self, text: str, expression: Any, where: list) -> None:
        """Warn when the numbers in a condition's text and in its logic tell different stories."""
        if self.errors_only:
            return
        in_logic = set(_numbers_in(expression))
        in_text: dict[float, set[float]] = {}  # as written -> what it may stand for in the logic
        for match in _TEXT_NUMBER.finditer(text):
            value = float(match.group(1))
            if match.group(2):
                value /= 100  # 80% is 0.8
            elif value.is_integer() and 1900 <= value < 2200:
                continue  # a year: a date, not a threshold
            readings = {value, value * 12} if match.group(3) else {value}  # 2 years: 24 months
            in_text[value] = readings
        missing = [value for value, readings in in_text.items() if not readings & in_logic]
        spoken = set().union(*in_text.values()) if in_text else set()
        unsaid = sorted(n for n in in_logic - spoken if n not in (0, 1))
        if missing and unsaid:
            said = ", ".join(_number(n) for n in missing)
            used = ", ".join(_number(n) for n in unsaid)
            self.found.add(
                WARNING,
                "text-numbers",
                where,
                f"the text says {said} but the logic uses {used}",
                "make the text and the logic agree (a text a candidate reads must match the rule)",
            )


def credential_name(found: _Found, context: Context, name: str, where: list, how: str) -> None:
    """``name`` stands for a credential as the facts name it (an id or apprentice form)."""
    if context.registry is None or not name or name in context.credential_ids:
        return  # "" is {apprentice} filled in for a credential without one: matches nothing
    other = context.aliases.get(name.upper())
    if other is not None:
        found.add(
            ERROR,
            "unknown-credential",
            where,
            f"{name!r} {how} is another name of {other}: the facts name it {other}",
            f"write {other}",
            other,
        )
        return
    found.add(
        ERROR,
        "unknown-credential",
        where,
        f"unknown credential {name!r} {how}",
        f"use a credential id from the registry ({context.registry_file})",
        closest(name, context.credential_ids),
    )


class _Logic:
    """The checks of one JsonLogic expression: operators, reads, values compared, constants.

    ``version`` is what holds it (a rule version; a fact definition in eligibility/rulebook/factcheck.py,
    whose subclass reads a record's fields instead of facts)."""

    extensions = ALLOWED_EXTENSIONS  # the engine's operators beyond the standard it may use
    noun = "fact"  # what a var reads

    def __init__(self, version: Any, expression: Any, where: list) -> None:
        self.version, self.expression, self.where = version, expression, where
        self.found, self.context = version.found, version.context

    def check(self, role: str, length: int) -> None:
        # each value takes a character of JSON at least: a short text needs no counting
        size = _size(self.expression) if length > MAX_LOGIC_SIZE else 0
        if size > MAX_LOGIC_SIZE:
            self.found.add(
                ERROR,
                "too-large",
                self.where,
                f"{size} values in one condition's JsonLogic (at most {MAX_LOGIC_SIZE})",
                "split it into named conditions (all:/any:)",
            )
            return
        before = len(self.found.items)
        if not self._walk(self.expression, self.where, scoped=False):
            return  # an operator is wrong: what it gives is not known
        if len(self.found.items) > before:
            return  # told already (a division by zero, text compared with a number, ...)
        self._judge(role)

    def _judge(self, role: str) -> None:
        """Whether what it gives suits its ``role``."""
        if role == "condition":
            self._condition()
        else:
            self._standing(self.expression, self.where)

    # what the expression gives, as JSON types ("boolean", "number", ...); None: not known
    def types(self, expression: Any, scoped: bool = False) -> frozenset[str] | None:
        if isinstance(expression, dict) and len(expression) == 1:
            ((operator, args),) = expression.items()
            args = args if isinstance(args, list) else [args]
            if operator in _BOOLEAN:
                return frozenset({"boolean"})
            if operator in _NUMBER:
                return frozenset({"number"})
            if operator in _TEXT:
                return frozenset({"string"})
            if operator in _LIST:
                return frozenset({"array"})
            if operator == "var" and not scoped and args:
                entry = self._entry_of(args[0])
                if entry is None:
                    return None
                found = _schema_types(entry)
                if found is not None and len(args) > 1:
                    more = self.types(args[1])
                    found = found | more if more is not None else None
                return found
            if operator in ("and", "or"):
                return _union(self.types(arg, scoped) for arg in args)
            if operator in ("if", "?:"):
                branches = [args[i] for i in range(1, len(args), 2)]
                tail = [args[-1]] if len(args) % 2 == 1 else []
                found = _union(self.types(arg, scoped) for arg in branches + tail)
                return found | {"null"} if found is not None and not tail else found
            return None
        return _literal_type(expression)

    def _entry_of(self, name: Any) -> Mapping[str, Any] | None:
        if not isinstance(name, str):
            return None
        if name.startswith("policies."):
            return {"type": "string"}
        return self._entry(name)

    def _entry(self, name: str) -> Mapping[str, Any] | None:
        """The schema entry of what a var named ``name`` reads (a fact); None when unknown."""
        return self.context.fact(name)

    def _condition(self) -> None:
        expression, where = self.expression, self.where
        if not isinstance(expression, dict):
            if isinstance(expression, bool):
                self.found.add(
                    WARNING,
                    "constant-logic",
                    where,
                    f"'logic: {str(expression).lower()}' is "
                    + ("always met" if expression else "never met")
                    + ": the condition decides nothing",
                    "read a fact, or, if that is meant, say so on the line:"
                    " '# lint: allow constant-logic'",
                )
                return
            self.found.add(
                ERROR,
                "not-a-condition",
                where,
                _literal_problem(expression),
                _literal_fix(expression),
            )
            return
        if not _reads_data(expression):
            ok, value = _constant(expression)
            if ok and isinstance(value, bool):
                self.found.add(
                    WARNING,
                    "constant-logic",
                    where,
                    f"reads no fact: always {'met' if value else 'not met'}",
                    "read a fact, or, if that is meant, say so on the line:"
                    " '# lint: allow constant-logic'",
                )
                return
            if ok:
                self.found.add(
                    ERROR,
                    "not-a-condition",
                    where,
                    f"reads no fact and always gives {value!r}, not true or false",
                    "write a comparison that reads a fact",
                )
            else:
                self.found.add(
                    ERROR,
                    "always-fails",
                    where,
                    f"reads no fact and fails whenever it is worked out ({value})",
                    "correct the expression (jsonlogic.com/operations.html)",
                )
            return
        found = self.types(expression)
        if found is not None and "boolean" not in found and found - {"null"}:
            kinds = sorted(found - {"null"})
            self.found.add(
                ERROR,
                "not-a-condition",
                where,
                f"gives a {' or '.join(kinds)}, not true or false: "
                + "; ".join(_COUNTS_AS_MET.get(kind, f"a {kind} is met") for kind in kinds),
                'compare it with what is needed, as {">=": [{"var": "FACT"}, 24]}',
            )

    def _standing(self, expression: Any, where: list) -> None:
        """``standing.not_met`` gives one of :data:`STANDINGS` (or a fact that holds one)."""
        if isinstance(expression, str):
            if expression not in STANDINGS:
                self.found.add(
                    ERROR,
                    "unknown-value",
                    where,
                    f"unknown standing {expression!r}",
                    f"use one of: {', '.join(STANDINGS)}",
                    closest(expression, STANDINGS),
                )
        elif isinstance(expression, dict) and len(expression) == 1:
            ((operator, args),) = expression.items()
            if operator in ("if", "?:") and isinstance(args, list):
                for index in [*range(1, len(args), 2), *([len(args) - 1] if len(args) % 2 else [])]:
                    self._standing(args[index], [*where, operator, index])

    # --- the walk: operators, reads, comparisons, division ------------------------------------

    def _walk(self, expression: Any, where: list, scoped: bool) -> bool:
        """Check ``expression`` and what it holds; False when an operator is wrong."""
        if isinstance(expression, list):
            return self._walk_all(expression, where, scoped, False)
        if not isinstance(expression, dict):
            return True
        if len(expression) != 1:
            self.found.add(
                ERROR,
                "not-an-operator",
                where,
                f"an object with {len(expression)} keys is not a JsonLogic operation",
                'write one operator per object, as {"and": [..., ...]}',
            )
            return False
        ((operator, args),) = expression.items()
        if not self._operator(operator, args, where):
            return False
        here = [*where, operator]
        if isinstance(args, list):
            items = args
            iterating = operator in ITERATORS
            if iterating and not self._iterator(operator, items, here):
                return False
            if not self._walk_all(items, here, scoped, iterating):
                return False
        else:
            items = [args]
            if isinstance(args, dict | list) and not self._walk(args, here, scoped):
                return False
        if operator in ("var", "missing", "missing_some"):
            if not scoped:
                self._reads(operator, args, where)
        elif operator in _COMPARISONS or operator == "in":
            self._compared(operator, items, here)
        elif operator in ("/", "%"):
            self._division(operator, items, here)
        if operator in _ORDERINGS or (operator in _NUMBER and len(items) > 1):
            # one argument of + or max may be a list: the engine spreads it
            self._numeric(operator, items, here, scoped)
        return True

    def _walk_all(self, items: list, where: list, scoped: bool, iterating: bool) -> bool:
        """Walk each of ``items``, the arguments of one operator (or a list)."""
        ok = True
        for index, item in enumerate(items):
            if isinstance(item, dict | list):
                # an iterator's second argument reads each item, not the facts
                ok = self._walk(item, [*where, index], scoped or (iterating and index == 1)) and ok
        return ok

    def _operator(self, operator: str, args: Any, where: list) -> bool:
        table = operator_table()
        known = table.get(operator)
        if known is None:
            self.found.add(
                ERROR,
                "unknown-operator",
                where,
                f"unknown operator `{operator}`",
                "use a standard JsonLogic operator (docs/lint.md lists them)",
                # "=>" is ">=" written the other way round, nearer than ">" by its letters
                operator[::-1]
                if operator[::-1] in STANDARD_OPERATORS
                else closest(operator, STANDARD_OPERATORS | self.extensions),
            )
            return False
        if operator not in STANDARD_OPERATORS and operator not in self.extensions:
            reason = {
                "clock": "reads the computer's clock, so the answer would not follow --as-of and"
                " could change from one run to the next",
                "throws": "stops the check with an error instead of an answer",
                "catches": "hides the errors of the rule it wraps, so a mistake gives an answer",
            }.get(known["effect"])
            self.found.add(
                ERROR,
                "forbidden-operator",
                where,
                f"`{operator}` {reason}"
                if reason
                else f"`{operator}` is an extension of the engine ({known['family']}), not"
                " standard JsonLogic: another JsonLogic engine would not understand it",
                "use the standard JsonLogic operators docs/lint.md lists"
                + "".join(f" or `{name}`" for name in sorted(self.extensions)),
            )
            return False
        count = len(args) if isinstance(args, list) else 1
        low, high = known["min_args"], known["max_args"]
        if count < (low or 0) or (high is not None and count > high):
            takes = (
                f"exactly {low}"
                if low == high
                else f"at least {low}"
                if high is None
                else f"{low} to {high}"
            )
            self.found.add(
                ERROR,
                "arguments",
                where,
                f"`{operator}` takes {takes} arguments, not {count}",
                "give it the arguments jsonlogic.com/operations.html shows",
            )
            return False
        return True

    def _iterator(self, operator: str, items: list, where: list) -> bool:
        """An iterator is bounded: over a list written in the rule or a fact that is a list, and
        with no iterator inside it (so its cost grows no faster than the profile)."""
        over = items[0] if items else None
        # a fact of a type not known (the fact files could not be read, or it is not a fact,
        # which is told apart) is given the benefit of the doubt
        plain_fact = (
            isinstance(over, dict)
            and set(over) == {"var"}
            and isinstance(over["var"], str)
            and "array" in (_schema_types(self._entry_of(over["var"]) or {}) or {"array"})
        )
        if not (isinstance(over, list) or plain_fact):
            self.found.add(
                ERROR,
                "unbounded-iteration",
                [*where, 0],
                f"`{operator}` goes over something worked out as it runs",
                f"go over a list written in the rule or a {self.noun} that is a list"
                f' ({{"var": "{self.noun.upper()}"}})',
            )
            return False
        for index, item in enumerate(items[1:], start=1):
            if _has_operator(item, ITERATORS):
                self.found.add(
                    ERROR,
                    "unbounded-iteration",
                    [*where, index],
                    f"`{operator}` holds another iteration: its cost would grow with the square"
                    " of the data",
                    "go over each list once (one map, filter, reduce, all, some or none at a time)",
                )
                return False
        return True

    def _reads(self, operator: str, args: Any, where: list) -> None:
        items = args if isinstance(args, list) else [args]
        if operator == "var":
            names = items[:1]
        elif operator == "missing_some":
            names = items[1] if len(items) > 1 and isinstance(items[1], list) else []
        else:
            names = items
        for name in names:
            if isinstance(name, int | float) and not isinstance(name, bool):
                name = str(name)
            if not isinstance(name, str) or not name:
                self.found.add(
                    ERROR,
                    "computed-read",
                    [*where, operator],
                    f"reads {self.noun}s that are only known as it runs (a computed or empty var)",
                    f'name every {self.noun} it reads, as {{"var": "{self.noun.upper()}"}}',
                )
                continue
            self._read(name, [*where, operator])

    def _read(self, name: str, where: list) -> None:
        """A name it reads."""
        self.version._fact(name, where)

    def _compared(self, operator: str, items: list, where: list) -> None:
        """Values compared with a policy, a fact with set values or a credential list must be
        among its values; a number is never compared with text."""
        if operator in _COMPARISONS and any(isinstance(i, bool) for i in items):
            # a policy's values are words: YAML reads an unquoted yes, no, true or false as a
            # boolean, which no value equals, so the comparison is always false
            for item in items:
                name = _read_name(item)
                if name is None or not name.startswith("policies."):
                    continue
                policy = name.removeprefix("policies.")
                values = (self.context.policies or {}).get(policy) or ()
                for j, other in enumerate(items):
                    if isinstance(other, bool):
                        said = "yes" if other else "no"
                        self.found.add(
                            ERROR,
                            "unknown-value",
                            [*where, j],
                            f"policy {policy} is compared with {str(other).lower()}, not with"
                            f" one of its values ({', '.join(values)}): YAML reads an unquoted"
                            " yes, no, true or false as true or false",
                            f'quote the value: "{said}"'
                            if said in values
                            else f"quote one of its values: {', '.join(values)}",
                        )
        if not any(isinstance(i, str) or (isinstance(i, list) and operator == "in") for i in items):
            return  # no text compared: nothing to look up
        pairs: list[tuple[Any, Any, int]] = []  # (one side, a literal compared with it, its index)
        if operator == "in" and len(items) == 2:
            needle, haystack = items
            if isinstance(haystack, list):
                pairs += [(needle, item, i) for i, item in enumerate(haystack)]
                where = [*where, 1]
            else:
                pairs.append((haystack, needle, 0))
        elif operator in _COMPARISONS:
            for i, item in enumerate(items):
                pairs += [(other, item, i) for j, other in enumerate(items) if j != i]
        for side, literal, index in pairs:
            if isinstance(literal, str):
                self._value(side, literal, [*where, index], operator)
        if operator in _COMPARISONS:
            self._mixed(operator, items, where)

    def _value(self, side: Any, literal: str, where: list, operator: str) -> None:
        name = _read_name(side)
        if name is not None and name.startswith("policies."):
            policy = name.removeprefix("policies.")
            values = (self.context.policies or {}).get(policy)
            if values is not None and literal not in values:
                self.found.add(
                    ERROR,
                    "unknown-value",
                    where,
                    f"{literal!r} is not a value of policy {policy} ({', '.join(values)})",
                    f"use one of: {', '.join(values)}",
                    closest(literal, values),
                )
            return
        if name is not None and name in self.context.credential_lists:
            self._credential_name(literal, where)
            return
        entry = self.context.fact(name) if name is not None else None
        if entry is not None and "enum" in entry:
            values = [v for v in entry["enum"] if v is not None]
            if literal not in values:
                self.found.add(
                    ERROR,
                    "unknown-value",
                    where,
                    f"{literal!r} is not a value the fact {name} takes ({', '.join(values)})",
                    f"use one of: {', '.join(values)}",
                    closest(literal, values),
                )
            return
        own = {self.version.entry.get("id"), self.version.entry.get("apprentice")}
        if (
            isinstance(side, str)
            and side
            and side in own
            and operator in ("in", "==", "!=", "===", "!==")
        ):
            self._credential_name(literal, where)  # compared with this credential's own id

    def _credential_name(self, name: str, where: list) -> None:
        self.version._credential_name(name, where, "compared with credentials")

    def _mixed(self, operator: str, items: list, where: list) -> None:
        """A number compared with text that is not a number: always false, or it fails."""
        numbers = [i for i, item in enumerate(items) if self.types(item) in _NUMERIC]
        texts = [
            i for i, item in enumerate(items) if isinstance(item, str) and not is_number_text(item)
        ]
        if numbers and texts:
            text = items[texts[0]]
            self.found.add(
                ERROR,
                "number-vs-text",
                [*where, texts[0]],
                f"compares a number with the text {text!r}: "
                + ("it fails when checked" if operator in _ORDERINGS else "never equal"),
                "compare the number with a number (without quotes)",
            )

    def _numeric(self, operator: str, items: list, where: list, scoped: bool) -> None:
        """Arithmetic or an ordering over a list or an object fails whenever it is worked out
        (the engine's NaN), for every profile: a maintainer's mistake, not a candidate's."""
        for index, item in enumerate(items):
            found = self.types(item, scoped)
            if found and not found - {"array", "object"}:
                what = "a list" if "array" in found else "an object"
                read = item.get("var") if isinstance(item, dict) else None
                named = f" ({read})" if isinstance(read, str) else ""
                self.found.add(
                    ERROR,
                    "not-a-number",
                    [*where, index],
                    f"`{operator}` of {what}{named}: it fails whenever it is worked out",
                    "read a number (a fact that counts the list, or one of its values)",
                )
                return

    def _division(self, operator: str, items: list, where: list) -> None:
        for index, divisor in enumerate(items[1:], start=1):
            if isinstance(divisor, dict | list) and _reads_data(divisor):
                continue
            ok, value = (True, divisor) if not isinstance(divisor, dict) else _constant(divisor)
            if ok and value == 0 and not isinstance(value, bool):
                self.found.add(
                    ERROR,
                    "division-by-zero",
                    [*where, index],
                    f"`{operator}` by zero: the check would fail whenever this is worked out",
                    "divide by a number other than 0",
                )


# --- the whole book ------------------------------------------------------------------------


@dataclass(frozen=True)
class _VersionAt:
    """A version of a check as one file's credential defines it."""

    file: RuleFile
    credential: str
    index: int  # in the file's versions
    data: Mapping[str, Any] = field(compare=False)

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def where(self) -> list:
        return ["versions", self.index]

    @property
    def start(self) -> date:
        value = self.data["in_force"].get("from")
        return date.fromisoformat(value) if value else date.min

    @property
    def end(self) -> date:
        value = self.data["in_force"].get("until")
        return date.fromisoformat(value) if value else date.max


def book_problems(files: Sequence[RuleFile], context: Context) -> list[Problem]:
    """Problems only the rule files together show: versions that overlap, leave a gap or
    repeat an id across files, checks or credentials defined twice, a ``preferred`` with
    nothing to decide, check ids and aliases, sources a version does not list, the registry."""
    founds = {
        rule_file.file: _Found(rule_file, rule_file.file, rule_file.text) for rule_file in files
    }
    registry = _Found(None, context.registry_file, context.registry_text)
    by_check: dict[str, list[tuple[_VersionAt, Mapping[str, Any]]]] = {}
    owners: dict[str, tuple[str, RuleFile]] = {}
    for rule_file in files:
        for entry, versions in rule_file.entries:
            for vi, version in numbered(versions):
                at = _VersionAt(rule_file, entry["id"], vi, version)
                for ci, check in enumerate(version["checks"]):
                    by_check.setdefault(check["id"], []).append((at, check))
                    owner = owners.setdefault(check["id"], (entry["id"], rule_file))
                    if owner[0] != entry["id"]:
                        founds[rule_file.file].add(
                            ERROR,
                            "duplicate-check",
                            [*at.where, "checks", ci, "id"],
                            f"check id {check['id']!r} is also defined for {owner[0]}"
                            f" ({owner[1].file})",
                            "check ids must be unique across rule files (use {credential} in"
                            " shared rules)",
                        )
    _version_ids(files, founds)
    overlapping = _in_force(by_check, founds)
    _preferred(by_check, overlapping, founds)
    _ended_periods(by_check, founds)
    _check_ids(files, context, by_check, founds)
    _same_credential(files, founds)
    _aliases(files, context, founds)
    _sources(files, context, founds)
    _registry(files, context, registry)
    problems = [problem for found in founds.values() for problem in found.problems()]
    return problems + (registry.problems() if context.registry_text else [])


def _version_ids(files: Sequence[RuleFile], founds: Mapping[str, _Found]) -> None:
    """A version id names one version: not two in a file for a credential, not one in two files
    (a second copy of a rule file shows itself this way)."""
    first_file: dict[str, RuleFile] = {}
    checks_of: dict[str, set[str]] = {}
    for rule_file in files:
        for entry, versions in rule_file.entries:
            seen: set[str] = set()
            for vi, version in numbered(versions):
                where = ["versions", vi, "id"]
                if version["id"] in seen:
                    founds[rule_file.file].add(
                        ERROR,
                        "duplicate-version",
                        where,
                        f"version id {version['id']!r} is used twice for {entry['id']}",
                        "give each version its own id (--cert CHECK@ID must name one)",
                    )
                seen.add(version["id"])
                checks_of.setdefault(rule_file.file, set()).update(
                    c["id"] for c in version["checks"]
                )
        for _, versions in rule_file.entries:
            for vi, version in numbered(versions):
                first = first_file.setdefault(version["id"], rule_file)
                if first is rule_file:
                    continue
                shared = sorted(checks_of.get(first.file, set()) & checks_of[rule_file.file])
                copy = (
                    f"; both define {', '.join(shared[:4])}{', ...' if len(shared) > 4 else ''}:"
                    " a second copy of a rule file? (the one whose name sorts first would decide)"
                    if shared
                    else ""
                )
                founds[rule_file.file].add(
                    ERROR,
                    "repeated-version",
                    ["versions", vi, "id"],
                    f"version id {version['id']!r} is also used in {first.file}{copy}",
                    "delete the copy, or give this version an id of its own"
                    if shared
                    else "give this version an id of its own",
                )


def _in_force(
    by_check: Mapping[str, list[tuple[_VersionAt, Mapping[str, Any]]]],
    founds: Mapping[str, _Found],
) -> set[tuple[str, str, int]]:
    """Versions of a check may overlap only where exactly one is preferred, and leave no gap
    between them. Returns the versions (file, credential, index) that overlap another."""
    overlapping: set[tuple[str, str, int]] = set()
    for check_id, having in by_check.items():
        versions = [at for at, _ in having]
        kinds = {check["kind"] for _, check in having}
        if len(kinds) > 1:
            at, check = having[-1]
            founds[at.file.file].add(
                ERROR,
                "kind-mismatch",
                [*at.where, "checks", at.data["checks"].index(check), "kind"],
                f"check {check_id} is of kinds {', '.join(sorted(kinds))} in different versions",
                "give every version of a check the same kind",
            )
        for i, first in enumerate(versions):
            for second in versions[i + 1 :]:
                if first.file is second.file and first.index == second.index:
                    continue
                start, end = max(first.start, second.start), min(first.end, second.end)
                if start > end or (first.id == second.id and first.file is not second.file):
                    continue  # no overlap; or a copy, told as a repeated version id
                overlapping.update({(v.file.file, v.credential, v.index) for v in (first, second)})
                if first.data.get("preferred", False) != second.data.get("preferred", False):
                    continue
                names = (
                    f"{first.id} and {second.id}"
                    if first.file is second.file
                    else f"{first.id} ({first.file.file}) and {second.id} ({second.file.file})"
                )
                # the one that began first is the one to end (told where its dates are)
                earlier, later = sorted((first, second), key=lambda v: v.start)
                ends = earlier.start < later.start
                problem, fix = overlap_words(
                    names,
                    start,
                    bool(first.data.get("preferred")),
                    earlier.id if ends else None,
                    later.start if ends else None,
                )
                told = earlier if ends else second
                founds[told.file.file].add(
                    ERROR,
                    "overlap",
                    [*told.where, "in_force"],
                    problem,
                    fix,
                )
        _gaps(check_id, versions, founds)
    return overlapping


def _gaps(check_id: str, versions: list[_VersionAt], founds: Mapping[str, _Found]) -> None:
    ordered = sorted(versions, key=lambda v: v.start)
    covered = ordered[0].end if ordered else date.max
    for later in ordered[1:]:
        if covered < date.max and later.start > covered + timedelta(days=1):
            founds[later.file.file].add(
                ERROR,
                "gap",
                [*later.where, "in_force", "from"],
                f"no version of {check_id} is in force from {covered + timedelta(days=1)} to"
                f" {later.start - timedelta(days=1)}",
                f"start {later.id} on {covered + timedelta(days=1)}, or end the version before"
                f" it on {later.start - timedelta(days=1)}",
            )
        covered = max(covered, later.end)


def _preferred(
    by_check: Mapping[str, list[tuple[_VersionAt, Mapping[str, Any]]]],
    overlapping: set[tuple[str, str, int]],
    founds: Mapping[str, _Found],
) -> None:
    """``preferred: true`` with no other version in force beside it decides nothing today, and
    would silently decide an overlap made later instead of letting it be reported."""
    for having in by_check.values():
        for at, _ in having:
            key = (at.file.file, at.credential, at.index)
            if at.data.get("preferred") and key not in overlapping:
                founds[at.file.file].add(
                    ERROR,
                    "unneeded-preferred",
                    [*at.where, "preferred"],
                    f"version {at.id} is marked preferred, but no other version of its checks is"
                    " in force beside it",
                    "remove 'preferred: true' (it would hide an overlap made later)",
                )


def _ended_periods(
    by_check: Mapping[str, list[tuple[_VersionAt, Mapping[str, Any]]]],
    founds: Mapping[str, _Found],
) -> None:
    """A dated version of a recertification check answers for its dates, so it judges the last
    period or cycle, which may have ended under the version before, by its own logic: a number
    changed there holds ended periods to the new number. The number belongs with the period's
    dates (docs/maintaining.md, recipes 1 and 7)."""
    for having in by_check.values():
        ordered = sorted(
            ((at, check) for at, check in having if check["kind"] == "recertification"),
            key=lambda pair: pair[0].start,
        )
        for (before, old), (at, new) in pairwise(ordered):
            was = {
                node["id"]: node.get("logic")
                for part in ("requires", "recommends")
                if part in old
                for node, _ in _conditions(old[part], [])
                if "id" in node
            }
            ci = at.data["checks"].index(new)
            for part in ("requires", "recommends"):
                for node, where in _conditions(new.get(part, {}), [*at.where, "checks", ci, part]):
                    if "logic" not in node or node.get("logic") == was.get(node.get("id")):
                        continue
                    if not any(".last." in name for name in _var_names(node["logic"])):
                        continue
                    # told once for a file shared by several credentials: no check id
                    founds[at.file.file].add(
                        WARNING,
                        "ended-period-by-date",
                        [*where, "logic"],
                        f"{node['id']} reads the last period or cycle, which may have ended"
                        f" before {at.start}, and {at.id} changes it from {before.id}: from"
                        f" {at.start} periods that ended earlier are judged by the new logic",
                        "put the number with the period's dates instead (a dated entry of the"
                        " fact file's number, or a date flag of the cycles: docs/maintaining.md,"
                        " recipes 1 and 7), or allow it on the line if the body applies the"
                        " change to periods already ended",
                    )


def _var_names(value: Any) -> Iterator[str]:
    """Every fact name a JsonLogic expression reads."""
    return (name for part in _parts(value) if (name := _read_name(part)) is not None)


def _check_ids(
    files: Sequence[RuleFile],
    context: Context,
    by_check: Mapping[str, list[tuple[_VersionAt, Mapping[str, Any]]]],
    founds: Mapping[str, _Found],
) -> None:
    """A check id starts with its credential's id (or apprentice form) and a dash; a name after
    it that no other check uses is worth a second look."""
    endings: dict[str, int] = {}
    for check_id, having in by_check.items():
        at = having[0][0]
        own = _own_names(at)
        prefix = next((n for n in own if check_id.upper().startswith(n.upper() + "-")), None)
        if prefix:
            ending = check_id[len(prefix) + 1 :]
            endings[ending] = endings.get(ending, 0) + 1
    for check_id, having in by_check.items():
        at, check = having[0]
        own = _own_names(at)
        where = [*at.where, "checks", at.data["checks"].index(check), "id"]
        prefix = next((n for n in own if check_id.upper().startswith(n.upper() + "-")), None)
        guesses = [f"{name}-{ending}" for name in own for ending in endings]
        if prefix is None:
            founds[at.file.file].add(
                ERROR,
                "check-id",
                where,
                f"check id {check_id!r} does not start with its credential's id"
                f" ({' or '.join(own)}) and a dash",
                "name the check after its credential, as {credential}-exam",
                closest(check_id, guesses),
            )
            continue
        ending = check_id[len(prefix) + 1 :]
        if endings.get(ending, 0) == 1 and len(endings) > 1:
            hint = closest(check_id, [g for g in guesses if g != check_id])
            if hint:
                founds[at.file.file].add(
                    WARNING,
                    "check-id",
                    where,
                    f"no other check id ends in {ending!r}",
                    "if it is a misspelling, correct it (test cases and --cert name checks by id)",
                    hint,
                )


def _own_names(at: _VersionAt) -> list[str]:
    entry = next(e for e, _ in at.file.entries if e["id"] == at.credential)
    return [name for name in (entry["id"], entry.get("apprentice")) if name]


def _same_credential(files: Sequence[RuleFile], founds: Mapping[str, _Found]) -> None:
    """A credential may have rules in several files (by topic), but one name and apprentice."""
    first: dict[str, tuple[RuleFile, Mapping[str, Any]]] = {}
    for rule_file in files:
        for index, (entry, _) in enumerate(rule_file.entries):
            earlier = first.setdefault(entry["id"], (rule_file, entry))
            if earlier[0] is rule_file:
                continue
            for key in ("name", "apprentice", "setting", "id_confidence"):
                mine, theirs = entry.get(key), earlier[1].get(key)
                if (key in ("name", "apprentice") or (mine and theirs)) and mine != theirs:
                    founds[rule_file.file].add(
                        ERROR,
                        "credential-mismatch",
                        ["credentials", index, key],
                        f"{entry['id']}'s {key} is {mine!r} here but {theirs!r} in"
                        f" {earlier[0].file}",
                        f"give the same {key} in both files",
                    )


def _aliases(files: Sequence[RuleFile], context: Context, founds: Mapping[str, _Found]) -> None:
    """A name --cert takes (check id or alias, any case) names one check and no credential."""
    named: dict[str, str] = {}
    places = []
    for rule_file in files:
        for _, versions in rule_file.entries:
            for vi, version in numbered(versions):
                for ci, check in enumerate(version["checks"]):
                    named.setdefault(check["id"].upper(), check["id"])
                    places.append((rule_file, vi, ci, check))
    credentials = {e["id"].upper() for f in files for e, _ in f.entries} | {
        str(name).upper() for name in context.registered
    }
    for rule_file, vi, ci, check in places:
        for ai, alias in enumerate(check.get("aliases", [])):
            other = named.setdefault(alias.upper(), check["id"])
            if other == check["id"] and alias.upper() not in credentials:
                continue
            founds[rule_file.file].add(
                ERROR,
                "alias",
                ["versions", vi, "checks", ci, "aliases", ai],
                f"alias {alias!r} of {check['id']} also names "
                + (f"the check {other}" if other != check["id"] else "a credential"),
                "give each alias to one check only, and none that is a credential's or check's id",
            )


def _sources(files: Sequence[RuleFile], context: Context, founds: Mapping[str, _Found]) -> None:
    """A condition cites sources its version lists, or ids of the catalogue (claims such as
    CPC-APP-2, conventions such as CONV-1); a version lists sources of the catalogue."""
    register = {
        source["id"]
        for f in files
        for _, versions in f.entries
        for _, version in numbered(versions)
        for source in version["sources"]
    }
    catalogue = context.catalogue
    for rule_file in files:
        found = founds[rule_file.file]
        for _, versions in rule_file.entries:
            for vi, version in numbered(versions):
                listed = [source["id"] for source in version["sources"]]
                for si, source in enumerate(listed):
                    registered_source(
                        found, ["versions", vi, "sources", si, "id"], source, catalogue
                    )
                for ci, check in enumerate(version["checks"]):
                    for part in ("requires", "recommends"):
                        if part not in check:
                            continue
                        start = ["versions", vi, "checks", ci, part]
                        for node, where in _conditions(check[part], start):
                            for si, source in enumerate(node.get("sources", [])):
                                cited(
                                    found,
                                    [*where, "sources", si],
                                    source,
                                    listed,
                                    register,
                                    catalogue,
                                    (f"version {version['id']}", "the version"),
                                )


def internal_ids(
    found: _Found, value: Any, where: list, sources: bool = True, policies: Collection[str] = ()
) -> None:
    """A text shown to people (a condition's words, a step, a reason, a note ``show`` prints)
    names an id of the sources catalogue, or (``sources``) a source's id, which nobody reading
    an answer has: said in words, the id cited in ``sources`` (the answer's rules line names
    them); or an open policy's id (of ``policies``), which the reader meets only as a question
    (``show`` and the answers word each, with the flag that settles it)."""
    policy = re.compile(rf"\b({'|'.join(map(re.escape, policies))})\b") if policies else None
    for text, at, cited in _shown_texts(value, where, sources):
        ids = CATALOGUE_ID.findall(text) + (SOURCE_ID.findall(text) if cited else [])
        if ids:
            found.add(
                WARNING,
                "internal-id",
                at,
                f"the text names {', '.join(dict.fromkeys(ids))}: an id of the sources"
                " catalogue, which a person reading the answer does not have",
                'say it in words ("the body\'s membership FAQ"); cite the id in a sources list or'
                " a YAML comment",
            )
        # open_policies lists the ids a version's answers depend on: that is their place
        named = policy.findall(text) if policy and "open_policies" not in at else []
        if named:
            found.add(
                WARNING,
                "internal-id",
                at,
                f"the text names the open policy {', '.join(dict.fromkeys(named))} by its id,"
                " which a person reading it meets only as a question",
                'say it in words ("an open question"): eligibility show and the answers give each'
                " open question with the flag that settles it",
            )


def _shown_texts(value: Any, where: list, sources: bool) -> Iterator[tuple[str, list, bool]]:
    """Each text of a rule or fact file's data that people are shown, with its place and
    whether a source's id may stand there (not where only maintainers read it)."""
    if isinstance(value, str):
        yield value, where, sources
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _shown_texts(item, [*where, index], sources)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _CITING:
                yield from _shown_texts(
                    item, [*where, key], sources and key not in _FOR_MAINTAINERS
                )


def names_an_id(text: str) -> bool:
    """Whether a rule or fact file's text may name an id :func:`internal_ids` reports."""
    return bool(CATALOGUE_ID.search(text) or SOURCE_ID.search(text))


def registered_source(found: _Found, where: list, source: str, catalogue: Catalogue | None) -> None:
    """A source a version (or fact file) lists is in the catalogue's source register."""
    if catalogue is not None and source not in catalogue.sources:
        found.add(
            WARNING,
            "unknown-source",
            where,
            f"source {source!r} is not in the catalogue's source register ({catalogue.file})",
            "use the id the catalogue gives the source, or add it there",
            closest(source, catalogue.sources),
        )


def cited(
    found: _Found,
    where: list,
    source: str,
    listed: list[str],
    register: set[str],
    catalogue: Catalogue | None,
    lister: tuple[str, str],
) -> None:
    """A cited id is a source ``listed`` (by the version, or fact file, ``lister`` names: "version
    CCA-CUR", "the version"), or no source of the book (``register``) but an id of the catalogue."""
    if source in listed:
        return
    named, the = lister
    if source in register:
        found.add(
            ERROR,
            "unknown-source",
            where,
            f"cites source {source!r}, which {named} does not list",
            f"add {source} to {the}'s sources (with its url and confidence), or cite one it lists",
            closest(source, listed),
        )
    elif catalogue is not None and source not in catalogue.ids:
        found.add(
            WARNING,
            "unknown-source",
            where,
            f"cites {source!r}, which neither {named} nor the catalogue ({catalogue.file}) defines",
            f"cite a source {the} lists, or an id the catalogue defines",
            closest(source, [*listed, *catalogue.ids]),
        )


def _registry(files: Sequence[RuleFile], context: Context, found: _Found) -> None:
    """The registry names each credential once; an id no rule file uses, close to one a rule
    file defines but the registry lacks, is a misspelling there."""
    if context.registry is None:
        return
    defined = {e["id"] for f in files for e, _ in f.entries}
    lacking = defined - set(context.registered)
    seen: dict[str, str] = {}
    for index, entry in enumerate(context.registry):
        names = [entry["id"], *entry.get("aliases", []), entry.get("apprentice_form")]
        for name in filter(None, names):
            earlier = seen.setdefault(str(name).upper(), entry["id"])
            if earlier != entry["id"] or names.count(name) > 1:
                found.add(
                    ERROR,
                    "duplicate-credential",
                    ["credentials", index],
                    f"the name {name!r} is given to {earlier} already",
                    "give each credential, alias and apprentice form one entry",
                )
        if entry["id"] not in defined and lacking:
            hint = closest(entry["id"], lacking)
            if hint:
                found.add(
                    ERROR,
                    "unknown-credential",
                    ["credentials", index, "id"],
                    f"{entry['id']!r} has no rule file, and the rule files define {hint!r}, which"
                    " the registry lacks",
                    f"correct the id to {hint} if that is the one meant",
                    hint,
                )


def unkept(files: Sequence[RuleFile], context: Context) -> list[Problem]:
    """A registry credential no keeping check (:data:`KEEPING`) is filled in for: a holder is
    never told whether it is still in good standing, and a lapsed one still counts for every
    other check. A warning, as a credential may be named in profiles only (AHIMA's RHIT and RHIA,
    which the AHIMA rules read) or never need renewing; ``# lint: allow no-keeping-rules`` on
    its registry line says so. Only meaningful when every rule file was read (lint's call)."""
    if context.registry is None:
        return []
    ruled: dict[str, list[str]] = {}  # credential -> the rule files naming it
    kept: set[str] = set()
    keeping_files: dict[str, list[str]] = {}  # body -> the rule files with a keeping check
    for rule_file in files:
        for entry, versions in rule_file.entries:
            ruled.setdefault(entry["id"], []).append(rule_file.file)
            if any(
                check.get("kind") in KEEPING
                for _, version in numbered(versions)
                for check in version.get("checks") or ()
            ):
                kept.add(entry["id"])
                keeping = keeping_files.setdefault(rule_file.body, [])
                keeping += [rule_file.file] if rule_file.file not in keeping else []
    found = _Found(None, context.registry_file, context.registry_text)
    for index, entry in enumerate(context.registry):
        ident = entry["id"]
        if ident in kept:
            continue
        files_of = ruled.get(ident)
        has = f"has rules in {', '.join(files_of)}, but" if files_of else "has no rule file, and"
        like = keeping_files.get(entry.get("body"), [])
        where = f" ({like[0]} keeps {entry.get('body')}'s)" if like else ""
        found.add(
            WARNING,
            "no-keeping-rules",
            ["credentials", index],
            f"{ident} {has} no check says how it is kept (a check of kind recertification or"
            " status): a holder is never told whether it is still in good standing",
            f"list {ident} under the credentials of a rule file with a recertification"
            f" check{where}; if it is kept without rules on purpose (never renewed, or only named"
            " in profiles), write # lint: allow no-keeping-rules at the end of this line",
        )
    return found.problems() if context.registry_text else []


# --- helpers ---------------------------------------------------------------------------------

_NUMERIC = (frozenset({"number"}), frozenset({"number", "null"}))
_COUNTS_AS_MET = {
    "number": "a number counts as met unless it is 0",
    "string": "a text counts as met unless it is empty",
    "array": "a list counts as met unless it is empty",
    "object": "an object counts as met unless it is empty",
}


def _standing_step(where: list) -> bool:
    """Whether ``where`` is in a standing's ways forward (``standing.fix``)."""
    return "standing" in where and "fix" in where[where.index("standing") :]


def _conditions(node: Mapping[str, Any], where: list) -> Iterator[tuple[Mapping[str, Any], list]]:
    """Each condition of a tree with its path, parents first."""
    yield node, where
    for kind in ("all", "any"):
        for index, child in enumerate(node.get(kind, [])):
            yield from _conditions(child, [*where, kind, index])


def _size(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(_size(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(_size(v) for v in value)
    return 1


def _numbers_in(value: Any) -> Iterator[float]:
    return (
        float(part)
        for part in _parts(value)
        if isinstance(part, int | float) and not isinstance(part, bool)
    )


def _parts(value: Any) -> Iterator[Any]:
    """``value`` and everything in it, outer first."""
    yield value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        yield from _parts(item)


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _has_operator(value: Any, operators: frozenset[str]) -> bool:
    if isinstance(value, dict):
        return any(k in operators or _has_operator(v, operators) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_operator(v, operators) for v in value)
    return False


def _reads_data(value: Any) -> bool:
    """Whether ``value`` reads the facts (or the clock): if not, it is the same for everyone."""
    return _has_operator(value, _READERS | {"now"})


def _read_name(value: Any) -> str | None:
    """The fact a plain ``{"var": NAME}`` reads."""
    if isinstance(value, dict) and len(value) == 1 and "var" in value:
        name = value["var"]
        name = name[0] if isinstance(name, list) and name else name
        return name if isinstance(name, str) else None
    return None


def _literal_type(value: Any) -> frozenset[str] | None:
    if value is None:
        return frozenset({"null"})
    if isinstance(value, bool):
        return frozenset({"boolean"})
    if isinstance(value, int | float):
        return frozenset({"number"})
    if isinstance(value, str):
        return frozenset({"string"})
    if isinstance(value, list):
        return frozenset({"array"})
    return None


def _schema_types(entry: Mapping[str, Any]) -> frozenset[str] | None:
    kind = entry.get("type")
    if kind is None:
        return None
    kinds = [kind] if isinstance(kind, str) else list(kind)
    return frozenset("number" if k == "integer" else k for k in kinds)


def _union(parts: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    found: set[str] = set()
    for part in parts:
        if part is None:
            return None
        found |= part
    return frozenset(found)


def is_number_text(text: str) -> bool:
    """Whether JsonLogic (and a rule case) would read ``text`` as a number ("78")."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _literal_problem(value: Any) -> str:
    if isinstance(value, str):
        return f"the text {value!r} is not true or false: any text but an empty one counts as met"
    if value is None:
        return "'logic: null' is not a condition: it is never met"
    if isinstance(value, int | float):
        return f"the number {value} is not true or false: it counts as met unless it is 0"
    return "a list is not a condition: it counts as met unless it is empty"


def _literal_fix(value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return f"write {value.strip().lower()} without quotes, or better, a condition that reads a fact"
    return 'write a condition that reads a fact, as {">=": [{"var": "FACT"}, 24]}'


def _day(day: date) -> str:
    return "the beginning" if day == date.min else day.isoformat()


def fact_like(
    read: str,
    paths: Sequence[str],
    folders: Mapping[str, str],
    body: str | None,
    keys: Collection[str] = (),
) -> str | None:
    """The known fact most like ``read``, read in a rule file of ``body`` (``folders``: a
    body's fact path -> its folder; a shared fact is in none). Closeness first: a fact a typo
    away (:data:`TYPOS` letters added, dropped, changed or swapped) is offered, the nearest,
    whichever body's it is, for a name one letter off another body's fact is that fact
    misspelt. Among facts as close, and among those no typo away, the own body's and the
    shared ones come first: a fact renamed in its body's fact file is then offered for its old
    name, not another body's alike (``experience.ahima_months`` for AAPC's renamed
    ``experience.aapc_months``)."""
    body = (body or "").casefold()
    own = _spelt_like(read, [p for p in paths if folders.get(p, body).casefold() == body], keys)
    every = _spelt_like(read, paths, keys)
    near: dict[int, list[str]] = {}
    for path in every:
        typos = _typos(read.casefold(), path.casefold(), TYPOS)
        if typos <= TYPOS:
            near.setdefault(typos, []).append(path)
    if near:
        nearest = near[min(near)]
        hint = closest(read, [path for path in nearest if path in own] or nearest)
        if hint:
            return hint
    for candidates in (own, every):
        hint = closest(read, candidates)
        if hint:
            return hint
    return None


TYPOS = 2  # letters a misspelt fact name is off by, at most, for closeness to come first


def _typos(a: str, b: str, most: int) -> int:
    """Letters to add, drop, change or swap (two side by side) to make ``a`` into ``b``; any
    number over ``most`` is ``most + 1`` (worked out no further)."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > most:
            return most + 1
        before, row = row, current
    return min(row[-1], most + 1)


def _spelt_like(read: str, paths: Iterable[str], keys: Collection[str] = ()) -> list[str]:
    """Known fact paths as ``read`` would spell them: ``*`` taken as ``read``'s key there when
    that is one of ``keys`` (a credential id), so that no suggestion is itself unknown
    (``membership.no_such_fact`` is not ``recert.no_such_fact``)."""
    parts = read.split(".")
    spelt = []
    for path in paths:
        pieces = path.split(".")
        spelt.append(
            ".".join(
                parts[i] if piece == "*" and i < len(parts) and parts[i] in keys else piece
                for i, piece in enumerate(pieces)
            )
        )
    return [path for path in spelt if "*" not in path]  # one left: no read spells it


def _constant(expression: Any) -> tuple[bool, Any]:
    """(True, value) for an expression that reads nothing, evaluated once; (False, message)
    when evaluating it fails (it would fail whenever the rule is checked)."""
    from eligibility.logic import evaluate

    try:
        return True, evaluate(expression, {})
    except Exception as error:  # the engine's own errors: division by zero, text as a number
        return False, str(error)


@cache
def operator_table() -> Mapping[str, Mapping[str, Any]]:
    """Every operator the engine has, by name and alias: family, effect, arguments taken."""
    from eligibility.logic import operators

    table: dict[str, Mapping[str, Any]] = {}
    for operator in operators():
        for name in (operator["name"], *operator["aliases"]):
            table[name] = operator
    return table
