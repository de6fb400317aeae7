"""The rules as plain JsonLogic for any engine, and the facts document they are applied to.

``export_rules`` turns each check in force on a date into one standard JsonLogic expression that
is true when this program answers *met* and false when it answers anything else (not met,
unknown, ambiguous, does not apply). ``facts_document`` gives, for one profile, the JSON that
expression reads (``eligibility check PROFILE --facts``). See docs/export.md.

What this program decides beyond JsonLogic is written into the expression itself:

- **unknown**: every leaf requires each fact it reads to be present (``{"!==": [fact, null]}``),
  so a fact the profile does not give makes the leaf false in every engine (in json-logic-js
  ``{">=": [null, 0]}`` alone is true);
- **all / any**: ``and`` / ``or`` of the children, met only as ``evaluate._combine`` is;
- **applies_when**: and-ed in front;
- **ambiguous**: the same tree again on each other reading of the version's open policies the
  document carries (``alternatives``), each of which must be met too;
- **lapsed credentials**: checks that keep a credential read the credentials as reported
  (``as_reported``), the others without the ones that lapsed.

A reading is a stack of layers of the document: a layer holds only the top-level sections of the
facts that differ from the layers below it, and a fact is read from the first layer that has its
section. Only logic whose meaning is the same in this program's engine (datalogic-py) and in
json-logic-js is exported (see :func:`_typed`); anything else is refused, naming the place.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from eligibility.api import lapsed_credentials, resolve_as_of
from eligibility.engine.results import KEEPING_KINDS
from eligibility.engine.unstated import READINGS, readings, with_settings
from eligibility.errors import InputError
from eligibility.facts import derive
from eligibility.facts.book import FactBook
from eligibility.inputs.profiles import Profile, with_letter_days
from eligibility.logic import LogicError, evaluate, truthy
from eligibility.report.render import in_force_json
from eligibility.rulebook.rules import Check, Node, RuleBook, Version

EXPORT_FORMAT = 1  # manifest.json's "export_format"; bump when its shape changes
DOCUMENT_FORMAT = 1  # the facts document's "facts_document"
MANIFEST = "manifest.json"
FACTS_SCHEMA = "facts.schema.json"  # beside the manifest
FACTS = "facts"  # the facts under the policies in effect, lapsed credentials left out
ALTERNATIVES = "alternatives"  # alternatives.<policy>.<value>: sections another value changes
AS_REPORTED = "as_reported"  # as_reported.facts / .alternatives: credentials as reported
READINGS_KEY = "readings"  # readings.<name>.facts / .as_reported: what a profile leaves unknown
ROLES = {
    "decides": "the version in force on the date",
    "another reading": "also in force on the date; shown beside the one that decides",
    "not in force": "not in force on the date; answers a check pinned to it (CHECK@VERSION)",
}
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")  # a policy id or value, a path segment
_FILE_NAME = re.compile(r"[A-Za-z0-9_.@-]+")

# JSON types as both engines see them (integer is a number)
NUMBER, STRING, BOOLEAN, ARRAY, OBJECT, NULL = (
    "number",
    "string",
    "boolean",
    "array",
    "object",
    "null",
)
SCALARS = frozenset({NUMBER, STRING, BOOLEAN})
OBJECT_TRUTH = "true or false of an object: {} is false in datalogic-py and true in json-logic-js"


@dataclass(frozen=True)
class ExportedCheck:
    """One version of one check as standard JsonLogic."""

    version: Version
    check: Check
    role: str  # a key of ROLES
    logic: Any  # JSON: true exactly when this program answers met
    reads: tuple[str, ...]  # the facts it reads (paths in the facts), for the manifest

    @property
    def key(self) -> str:
        """``CHECK@VERSION``, as ``--cert`` pins a version."""
        return f"{self.check.id}@{self.version.id}"

    @property
    def file(self) -> str:
        return f"checks/{self.key}.json"


@dataclass(frozen=True)
class Export:
    """Every check exported for one date."""

    as_of: date
    checks: tuple[ExportedCheck, ...]
    policies: Mapping[str, tuple[str, ...]]  # every open policy and its values, as exported


class _Refused(Exception):
    """Logic that engines read differently: where in the expression, what and how to fix it."""

    def __init__(self, pointer: str, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.pointer, self.problem, self.fix = pointer, problem, fix


# --- the facts: the one place this module reaches their derivation ---------------------------


def derived_facts(
    profile: Profile,
    book: RuleBook,
    as_of: date,
    policies: Mapping[str, str],
    lapsed: frozenset[str],
) -> Mapping[str, Any]:
    """The program's facts for ``profile`` on ``as_of`` under ``policies``, with the credentials
    ``lapsed`` left out (derived as ``check`` derives them)."""
    return derive(profile.data, as_of, policies, book.facts, lapsed)


# --- the facts document -------------------------------------------------------------------------


def facts_document(
    profile: Profile,
    book: RuleBook,
    as_of: date | None = None,
    policies: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What the exported logic reads for ``profile``: see schemas/facts-document.schema.json.

    ``policies`` are those set explicitly (``--policy``, ``--config``); the others take their
    defaults, and their other values are the ``alternatives`` (as ``check`` compares them to
    find an ambiguous answer).
    """
    as_of = resolve_as_of(profile, as_of)
    profile = with_letter_days(profile, as_of)  # read as check reads it
    explicit = dict(policies or {})
    in_effect = {**book.default_policies(), **explicit}
    _refuse_unnamable(book)
    others = [
        (policy.id, value)
        for policy in book.policies.values()
        if policy.id not in explicit
        for value in policy.values
        if value != in_effect[policy.id]
    ]
    lapsed = lapsed_credentials(profile, book, as_of, explicit)
    main = derived_facts(profile, book, as_of, in_effect, lapsed)
    facts = dict(main)

    def as_reported(setting: Mapping[str, str], derived: Mapping[str, Any]) -> Mapping[str, Any]:
        """The facts with no credential lapsed: those derived already when none is."""
        return derived_facts(profile, book, as_of, setting, frozenset()) if lapsed else derived

    reported_facts = _layer(facts, as_reported(in_effect, main))
    alternatives: dict[str, dict[str, Any]] = {}
    reported_alternatives: dict[str, dict[str, Any]] = {}
    for policy, value in others:
        setting = {**in_effect, policy: value}
        derived = derived_facts(profile, book, as_of, setting, lapsed)
        alternative = _layer(facts, derived)
        alternatives.setdefault(policy, {})[value] = alternative
        # read below it, in this order: alternatives.P.V, as_reported.facts, facts
        below = {**facts, **reported_facts, **alternative}
        reported = _layer(below, as_reported(setting, derived))
        if reported:
            reported_alternatives.setdefault(policy, {})[value] = reported
    document = {
        "facts_document": DOCUMENT_FORMAT,
        "profile": profile.source,
        "policies_set": sorted(explicit),
        "lapsed": sorted(lapsed),
        FACTS: facts,
        ALTERNATIVES: alternatives,
        AS_REPORTED: {FACTS: reported_facts, ALTERNATIVES: reported_alternatives},
    }
    found = readings(profile.data, as_of)
    if found is not None:  # what the profile leaves unknown, read the other ways (unstated.py)
        document[READINGS_KEY] = {}
        for name, settings in found.variants:
            other = replace(profile, data=with_settings(profile.data, settings))
            other_lapsed = lapsed_credentials(other, book, as_of, explicit)
            derived = derived_facts(other, book, as_of, in_effect, other_lapsed)
            layer = _layer(facts, derived)
            below = {**facts, **reported_facts, **layer}
            reported = derived_facts(other, book, as_of, in_effect, frozenset())
            read = {FACTS: layer, AS_REPORTED: _layer(below, reported), ALTERNATIVES: {}}
            for policy, value in others:  # as for the profile as it reads: ambiguous answers
                setting = {**in_effect, policy: value}
                alternative = derived_facts(other, book, as_of, setting, other_lapsed)
                read[ALTERNATIVES].setdefault(policy, {})[value] = _layer(
                    {**facts, **layer}, alternative
                )
            document[READINGS_KEY][name] = read
    return document


def _layer(below: Mapping[str, Any], facts: Mapping[str, Any]) -> dict[str, Any]:
    """The top-level sections of ``facts`` that differ from ``below`` (what a layer holds).

    Compared as JSON, so that 1 and true, or 0 and false, never pass for one another."""
    assert below.keys() == facts.keys(), "every reading has the same sections"
    layer = {
        name: value
        for name, value in facts.items()
        if json.dumps(value, sort_keys=True) != json.dumps(below[name], sort_keys=True)
    }
    # a layer's section is found by being there (not null): a null section could not be
    assert None not in layer.values(), "no section of the facts is null"
    return layer


# --- the rules --------------------------------------------------------------------------------


def export_rules(book: RuleBook, as_of: date, all_versions: bool = False) -> Export:
    """Each check's version in force on ``as_of`` (and any other reading in force beside it) as
    standard JsonLogic; with ``all_versions``, the versions not in force too (for pinning)."""
    _refuse_unnamable(book)
    exported: list[ExportedCheck] = []
    for check_id in book.all_check_ids():
        selection = book.select(check_id, as_of)
        chosen: list[tuple[Version, str]] = []
        if selection is not None:
            chosen.append((selection.version, "decides"))
            chosen += [(version, "another reading") for version in selection.others]
        if all_versions:
            credential = book.credential_of(check_id)
            assert credential is not None
            taken = {version.id for version, _ in chosen}
            chosen += [
                (version, "not in force")
                for version in credential.versions
                if version.check(check_id) is not None and version.id not in taken
            ]
        for version, role in chosen:
            check = version.check(check_id)
            assert check is not None
            exported.append(_export_check(book, version, check, role))
    policies = {policy.id: tuple(policy.values) for policy in book.policies.values()}
    return Export(as_of, tuple(exported), policies)


def _export_check(book: RuleBook, version: Version, check: Check, role: str) -> ExportedCheck:
    if not _FILE_NAME.fullmatch(f"{check.id}@{version.id}"):
        raise InputError(
            version.file,
            f"version {version.id}, check {check.id}",
            "the check or version id holds characters a file name cannot",
            "use letters, digits, '-', '_' and '.' in ids",
        )
    base = (f"{AS_REPORTED}.{FACTS}", FACTS) if check.kind in KEEPING_KINDS else (FACTS,)
    clauses: list[Any] = []
    reads: dict[str, None] = {}
    leaves = _portable(book, version, check)  # condition id -> its logic, constants worked out
    if check.applies_logic is not None:
        applies = _folded(check.applies_logic.source)
        clauses.append(truthy(applies) if _constant(applies) else {"!!": [_rewrite(applies, base)]})
        reads.update(dict.fromkeys(check.applies_logic.reads))
    for node in check.requires.walk():
        if node.logic is not None:
            reads.update(dict.fromkeys(node.logic.reads))
    clauses.append(_met(check.requires, base, leaves))
    # a policy whose default decides: another value flags a review, never ambiguity
    compared = [p for p in version.open_policies if not book.policies[p].default_decides]
    for policy in compared:
        for value in book.policies[policy].values:
            # under another value of an open policy the answer must not change (else: ambiguous)
            layers = (f"{ALTERNATIVES}.{policy}.{value}", *base)
            if check.kind in KEEPING_KINDS:
                layers = (f"{AS_REPORTED}.{ALTERNATIVES}.{policy}.{value}", *layers)
            present = {"===": [{"var": f"{ALTERNATIVES}.{policy}.{value}"}, None]}
            clauses.append(_joined("any", [present, _met(check.requires, layers, leaves)]))
    for name in READINGS:
        # under another reading of what the profile leaves unknown the answer must not change
        # (else: unknown); a document without that reading has nothing to compare
        layers = (f"{READINGS_KEY}.{name}.{FACTS}", *base)
        if check.kind in KEEPING_KINDS:
            layers = (f"{READINGS_KEY}.{name}.{AS_REPORTED}", *layers)
        absent = {"===": [{"var": f"{READINGS_KEY}.{name}"}, None]}
        met = [_met(check.requires, layers, leaves)]
        if check.applies_logic is not None:
            applies = _folded(check.applies_logic.source)
            if not _constant(applies):
                met.insert(0, {"!!": [_rewrite(applies, layers)]})
        clauses.append(_joined("any", [absent, _joined("all", met)]))
        for policy in compared:
            for value in book.policies[policy].values:
                alternative = f"{READINGS_KEY}.{name}.{ALTERNATIVES}.{policy}.{value}"
                present = {"===": [{"var": alternative}, None]}
                on = (alternative, *layers)
                clauses.append(_joined("any", [present, _met(check.requires, on, leaves)]))
    logic = _joined("all", clauses)
    return ExportedCheck(version, check, role, logic, tuple(sorted(reads)))


def export_problems(book: RuleBook) -> list[InputError]:
    """What :func:`export_rules` would refuse, in every version of every check (the first
    refusal of each): ``eligibility lint`` says it before a maintainer exports."""
    found = []
    for credential in book.credentials:
        for version in credential.versions:
            for check in version.checks:
                try:
                    _portable(book, version, check)
                except InputError as error:
                    found.append(error)
    return found


def _portable(book: RuleBook, version: Version, check: Check) -> dict[str, Any]:
    """Each condition's logic, constants worked out, by condition id; an :class:`InputError`
    for logic engines could read differently (the applies_when logic is checked too)."""
    leaves: dict[str, Any] = {}
    try:
        if check.applies_logic is not None:
            _condition(
                _folded(check.applies_logic.source), "applies_when: /logic", None, book.facts
            )
        for node in check.requires.walk():
            if node.logic is not None:
                leaves[node.id] = _folded(node.logic.source)
                _condition(
                    leaves[node.id], f"condition {node.id}: /logic", node.logic.reads, book.facts
                )
    except _Refused as refused:
        raise InputError(
            version.file,
            f"version {version.id}, check {check.id}, {refused.pointer}",
            f"cannot be exported so that every JsonLogic engine agrees: {refused.problem}",
            refused.fix,
        ) from None
    return leaves


def _met(node: Node, layers: tuple[str, ...], leaves: Mapping[str, Any]) -> Any:
    """True exactly when ``node`` is met on the reading ``layers`` (``evaluate._combine``);
    ``leaves``: each leaf's logic by condition id."""
    if node.kind == "leaf":
        assert node.logic is not None
        if _constant(leaves[node.id]):
            return truthy(leaves[node.id])
        logic = {"!!": [_rewrite(leaves[node.id], layers)]}
        # unknown (a fact it reads is null or missing) must not be met in any engine
        present = [{"!==": [_read(path, layers), None]} for path in node.logic.reads]
        return _joined("all", [*present, logic])
    return _joined(node.kind, [_met(child, layers, leaves) for child in node.children])


def _joined(kind: str, parts: list[Any]) -> Any:
    """``and`` (kind ``all``) or ``or`` (``any``) of true/false ``parts``, the constants among
    them worked out: all of nothing is met, any of nothing is not (``evaluate._combine``)."""
    decides, operator = (True, "or") if kind == "any" else (False, "and")
    kept: list[Any] = []
    for part in parts:
        if part is decides:
            return decides
        if isinstance(part, dict) and operator in part:  # (a and b) and c: a and b and c
            kept += part[operator]
        elif part is not (not decides):
            kept.append(part)
    if not kept:
        return not decides
    return kept[0] if len(kept) == 1 else {operator: kept}


def _read(path: str, layers: tuple[str, ...]) -> Any:
    """``{"var": path}`` on the reading ``layers``: from the first layer holding its section."""
    if len(layers) == 1:
        return {"var": f"{layers[0]}.{path}"}
    section = path.split(".")[0]
    branches: list[Any] = []
    for layer in layers[:-1]:
        branches += [{"!==": [{"var": f"{layer}.{section}"}, None]}, {"var": f"{layer}.{path}"}]
    return {"if": [*branches, {"var": f"{layers[-1]}.{path}"}]}


def _rewrite(expression: Any, layers: tuple[str, ...]) -> Any:
    """``expression`` reading the facts on ``layers``. Defaults of ``var`` go: a leaf reads
    only facts that are present, and ``_typed`` refuses them elsewhere."""
    if isinstance(expression, list):
        return [_rewrite(item, layers) for item in expression]
    if not isinstance(expression, dict):
        return expression
    ((operator, operands),) = expression.items()
    if operator == "var":
        return _read(_var_operands(operands)[0], layers)
    return {operator: _rewrite(operands, layers)}


def _var_operands(operands: Any) -> tuple[str, Any]:
    if isinstance(operands, list):
        return operands[0], operands[1] if len(operands) > 1 else None
    return operands, None


# --- constants: worked out as this program's engine does -----------------------------------------


def _folded(expression: Any) -> Any:
    """``expression`` with its constant parts replaced by their values (datalogic-py's), and
    ``and`` / ``or`` / ``if`` cut where a constant decides them, as the engine does when it
    compiles: a fact read only there is read by neither, and the rest is one engine's answer.
    (A shared rule file fills ``{"!=": ["{credential}", "CPC-P"]}`` with constants.)"""
    if isinstance(expression, list):
        return [_folded(item) for item in expression]
    if not isinstance(expression, dict) or len(expression) != 1:
        return expression
    ((operator, operands),) = expression.items()
    if operator == "var":
        return expression
    args = [_folded(arg) for arg in (operands if isinstance(operands, list) else [operands])]
    if operator in ("and", "or"):
        stop = (lambda value: not truthy(value)) if operator == "and" else truthy
        while args and _constant(args[0]):
            if stop(args[0]) or len(args) == 1:
                return args[0]
            args = args[1:]  # this one passed; the next decides
        if len(args) == 1:  # and / or of one value is that value in both engines
            return args[0]
    elif operator == "if":
        while len(args) >= 2 and _constant(args[0]):
            if truthy(args[0]):
                return args[1]
            args = args[2:]
        if len(args) == 1:  # only the else is left
            return args[0]
    folded = {operator: args}
    if all(_constant(arg) for arg in args):
        try:
            value = evaluate(folded, {})
        except (LogicError, ValueError):  # fails in the engine: left for it to fail on
            return folded
        if _literal(value):
            return value
    return folded


def _constant(expression: Any) -> bool:
    """A value that reads nothing: a scalar, or a list of such values."""
    if isinstance(expression, list):
        return all(_constant(item) for item in expression)
    return not isinstance(expression, dict)


def _literal(value: Any) -> bool:
    """A value both engines read back as itself (an object would be taken for an operation)."""
    if isinstance(value, list):
        return all(_literal(item) for item in value)
    return value is None or isinstance(value, bool | int | float | str)


# --- the logic both engines read alike ----------------------------------------------------------


def _condition(
    expression: Any, pointer: str, present: tuple[str, ...] | None, facts: FactBook
) -> None:
    """Refuse a condition whose truth engines could see differently (see :func:`_typed`)."""
    if OBJECT in _typed(expression, pointer, present, facts):
        raise _Refused(
            pointer,
            OBJECT_TRUTH,
            "make the condition a comparison or a yes/no fact",
        )


def _typed(
    expression: Any, pointer: str, present: tuple[str, ...] | None, facts: FactBook
) -> frozenset[str]:
    """The JSON types ``expression`` may give, or :class:`_Refused` where datalogic-py and
    json-logic-js could disagree (see ../shared/research/jsonlogic-evaluators.md and
    tests/acceptance/test_export.py). ``present``: the facts known not to be null (a leaf's reads, which
    its exported form requires); None for ``applies_when``, which reads facts as they are.
    ``facts``: the fact book, which gives each fact's type."""
    if expression is None:
        return frozenset({NULL})
    if isinstance(expression, bool):
        return frozenset({BOOLEAN})
    if isinstance(expression, int | float):
        return frozenset({NUMBER})
    if isinstance(expression, str):
        return frozenset({STRING})
    if isinstance(expression, list):
        for index, item in enumerate(expression):
            _typed(item, f"{pointer}/{index}", present, facts)
        return frozenset({ARRAY})
    if not isinstance(expression, dict) or len(expression) != 1:
        raise _Refused(
            pointer,
            "an object that is not one operation",
            'write a single operation, e.g. {">=": [{var: ...}, 24]}',
        )
    ((operator, operands),) = expression.items()
    here = f"{pointer}/{_escape(operator)}"
    if operator == "var":
        return _var_type(operands, here, present, facts)
    args = operands if isinstance(operands, list) else [operands]
    types = [_typed(arg, f"{here}/{index}", present, facts) for index, arg in enumerate(args)]
    rule = _OPERATORS.get(operator)
    if rule is None:
        raise _Refused(
            here,
            f"operator {operator!r} is outside the exported subset",
            f"use only: {', '.join(sorted(_OPERATORS))}",
        )
    return rule(args, types, here)


def _var_type(
    operands: Any, pointer: str, present: tuple[str, ...] | None, facts: FactBook
) -> frozenset[str]:
    path, default = _var_operands(operands)
    if not isinstance(path, str) or not path or (isinstance(operands, list) and len(operands) > 2):
        raise _Refused(pointer, "a var whose path is not a fact name", "write {var: section.fact}")
    if not all(_NAME.fullmatch(part) for part in path.split(".")):
        raise _Refused(pointer, f"the fact path {path!r}", "name a fact as section.fact")
    entry = facts.entry(path)
    if entry is None or entry.type is None:
        raise _Refused(
            pointer,
            f"the fact book gives no type for {path!r}",
            "give the fact a type in its fact file",
        )
    types = [entry.type] if isinstance(entry.type, str) else list(entry.type)
    found = frozenset(NUMBER if t == "integer" else t for t in types)
    if present is not None and path in present:
        return found - {NULL}  # a leaf is met only with it present
    if default is not None:
        raise _Refused(
            pointer,
            f"a default for {path!r}, which engines apply differently to a null fact",
            "leave the default out",
        )
    return found | {NULL}  # it may be null, or missing altogether


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _refuse(pointer: str, problem: str, fix: str) -> frozenset[str]:
    raise _Refused(pointer, problem, fix)


def _named(types: frozenset[str]) -> str:
    return " or ".join(sorted(types))


def _truthiness(args: list[Any], types: list[frozenset[str]], pointer: str) -> None:
    for index, found in enumerate(types):
        if OBJECT in found:
            _refuse(
                f"{pointer}/{index}",
                OBJECT_TRUTH,
                "test a fact inside it instead",
            )


def _not(args: list[Any], types: list[frozenset[str]], pointer: str) -> frozenset[str]:
    if len(args) != 1:
        _refuse(pointer, "takes one operand", "give it one")
    _truthiness(args, types, pointer)
    return frozenset({BOOLEAN})


def _and_or(args: list[Any], types: list[frozenset[str]], pointer: str) -> frozenset[str]:
    if not args:
        _refuse(pointer, "has no operands", "give it at least one")
    _truthiness(args, types, pointer)
    return frozenset().union(*types)


def _if(args: list[Any], types: list[frozenset[str]], pointer: str) -> frozenset[str]:
    if not args:
        _refuse(pointer, "has no operands", "write {if: [condition, then, else]}")
    conditions = [i for i in range(0, len(args) - 1, 2)]
    _truthiness([args[i] for i in conditions], [types[i] for i in conditions], pointer)
    results = [types[i + 1] for i in conditions] + ([types[-1]] if len(args) % 2 else [])
    return frozenset().union(*results) | (frozenset() if len(args) % 2 else {NULL})


def _equal(args: list[Any], types: list[frozenset[str]], pointer: str) -> frozenset[str]:
    if len(args) != 2:
        _refuse(pointer, "compares two operands", "give it two")
    left, right = types
    if len(left) != 1 or left != right or not left <= SCALARS:
        _refuse(
            pointer,
            f"compares {_named(left)} with {_named(right)}: engines differ where the types"
            " differ or one may be null (datalogic-py: null == 0)",
            "compare a fact that is present with a value of its own type",
        )
    return frozenset({BOOLEAN})


def _order(args: list[Any], types: list[frozenset[str]], pointer: str) -> frozenset[str]:
    # Both engines order null as 0 between two operands; of three, json-logic-js reads only
    # the first two of > and >=, and datalogic-py all three.
    between = len(args) == 3 and pointer.endswith(("/<", "/<="))
    allowed = {NUMBER} if between else {NUMBER, NULL}
    if not (len(args) == 2 or between) or any(not found <= allowed for found in types):
        _refuse(
            pointer,
            "orders something other than two numbers (or three with < and <=)",
            "compare a number with a number",
        )
    return frozenset({BOOLEAN})


def _arithmetic(args: list[Any], types: list[frozenset[str]], pointer: str) -> frozenset[str]:
    if not args or any(found != {NUMBER} for found in types):
        _refuse(
            pointer, "computes with something other than numbers that are present", "use numbers"
        )
    return frozenset({NUMBER})


def _minus(args: list[Any], types: list[frozenset[str]], pointer: str) -> frozenset[str]:
    if len(args) not in (1, 2):
        _refuse(pointer, "takes one or two operands", "give it one or two")
    return _arithmetic(args, types, pointer)


def _divide(args: list[Any], types: list[frozenset[str]], pointer: str) -> frozenset[str]:
    divisor = args[1] if len(args) == 2 else None
    if isinstance(divisor, bool) or not isinstance(divisor, int | float) or divisor == 0:
        _refuse(
            pointer,
            "divides by something other than a number that is not 0 (datalogic-py fails on"
            " 0 where json-logic-js gives Infinity)",
            "divide by a constant",
        )
    return _arithmetic(args, types, pointer)


def _in(args: list[Any], types: list[frozenset[str]], pointer: str) -> frozenset[str]:
    if len(args) != 2:
        _refuse(pointer, "takes two operands", "write {in: [value, list]}")
    needle, haystack = types
    # a null list is no match in either engine; a null or non-text value is not exported
    if needle != {STRING} or not haystack <= {ARRAY, STRING, NULL}:
        _refuse(
            pointer,
            f"looks for {_named(needle)} in {_named(haystack)}",
            "look for a text value in a list of text (or in a text)",
        )
    return frozenset({BOOLEAN})


_OPERATORS = {
    "!": _not,
    "!!": _not,
    "and": _and_or,
    "or": _and_or,
    "if": _if,
    "==": _equal,
    "!=": _equal,
    "===": _equal,
    "!==": _equal,
    ">": _order,
    ">=": _order,
    "<": _order,
    "<=": _order,
    "+": _arithmetic,
    "*": _arithmetic,
    "min": _arithmetic,
    "max": _arithmetic,
    "-": _minus,
    "/": _divide,
    "%": _divide,
    "in": _in,
}


def _refuse_unnamable(book: RuleBook) -> None:
    """Policy ids and values become path segments (``alternatives.ID.VALUE``): no dots."""
    for policy in book.policies.values():
        for name in (policy.id, *policy.values):
            if not _NAME.fullmatch(name):
                raise InputError(
                    str(Path(book.directory) / "policies.yaml"),
                    f"policy {policy.id}",
                    f"{name!r} cannot be a name in a JsonLogic fact path",
                    "use letters, digits, '-' and '_' in policy ids and values",
                )


# --- the manifest and the files ----------------------------------------------------------------


def manifest(export: Export, book: RuleBook) -> dict[str, Any]:
    """What each exported file is and what its answer means (``manifest.json``)."""
    return {
        "export_format": EXPORT_FORMAT,
        "as_of": export.as_of.isoformat(),
        "apply_to": "the facts document of `eligibility check PROFILE --facts` made with the"
        " same rules (schemas/facts-document.schema.json; each reading of its facts follows"
        f" {FACTS_SCHEMA}, written from the rules' fact files); run each check's logic on it"
        " with any standard JsonLogic engine",
        "result": {
            "true": "met",
            "false": "not met, unknown, ambiguous or does not apply",
        },
        "unknown": "a condition is met only when every fact it reads is present (not null):"
        " where this program answers unknown (the profile does not say), the logic gives"
        " false, never true",
        "ambiguous": "a check with open policies is true only when it is met under every value"
        " of those not set explicitly (the document's alternatives), as this program answers"
        " ambiguous otherwise",
        "roles": ROLES,
        "operators": sorted(_operators_used(check.logic for check in export.checks)),
        "policies": {
            policy.id: {"default": policy.default, "values": list(export.policies[policy.id])}
            for policy in book.policies.values()
        },
        "checks": [_entry(check, book) for check in export.checks],
    }


def _entry(exported: ExportedCheck, book: RuleBook) -> dict[str, Any]:
    version, check = exported.version, exported.check
    false_means = "not met, unknown or ambiguous"
    if check.applies_text:
        false_means += f"; also when it does not apply (it is {check.applies_text})"
    return {
        "key": exported.key,
        "check": check.id,
        "kind": check.kind,
        "question": check.question,
        "credential": version.credential,
        "body": version.body,
        "version": version.id,
        "version_label": version.version,
        "in_force": in_force_json(version),
        "role": exported.role,
        "confidence": version.confidence,
        "file": exported.file,
        "true": f"met: {check.outcome_met}",
        "false": f"{false_means}: {check.outcome_when_not_met()}",
        "open_policies": list(version.open_policies),
        "credentials_as_reported": check.kind in KEEPING_KINDS,
        "reads": list(exported.reads),
        "source": _relative(version.file, book.directory),
    }


def _relative(file: str, directory: str) -> str:
    """A rule file as a path inside the rules directory (as written, when it is not inside)."""
    try:
        return Path(file).resolve().relative_to(Path(directory).resolve()).as_posix()
    except ValueError:
        return file


def _operators_used(expressions: Iterator[Any] | Any) -> set[str]:
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for operator, operands in value.items():
                found.add(operator)
                walk(operands)

    for expression in expressions:
        walk(expression)
    return found


def facts_schema(book: RuleBook) -> dict[str, Any]:
    """The facts ``book`` derives, as a JSON Schema written from its fact files: every reading
    of a facts document follows it (``*`` in a fact's path: any key, such as a credential id)."""
    root: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Facts",
        "description": "The facts the exported rules read, one reading of a facts document.",
    }
    for path, entry in sorted(book.facts.paths.items(), key=lambda item: item[0].count(".")):
        node = root
        for part in path.split("."):
            node = _child(node, part)
        node["description"] = entry.text
        if entry.type is not None:
            node["type"] = entry.type
        if entry.supply:
            node["x-supply"] = entry.supply
    return root


def _child(node: dict[str, Any], part: str) -> dict[str, Any]:
    """The schema of ``part`` within ``node``: an object whose keys are those named (every one
    always there, perhaps null), or any key for ``*``."""
    node["type"] = "object"
    if part == "*":
        if not isinstance(node.get("additionalProperties"), dict):
            node["additionalProperties"] = {}
        return node["additionalProperties"]
    node.setdefault("additionalProperties", False)
    required = node.setdefault("required", [])
    if part not in required:
        required.append(part)
    return node.setdefault("properties", {}).setdefault(part, {})


def export_files(export: Export, book: RuleBook) -> dict[str, str]:
    """Relative path -> text of every file of the export."""
    files = {MANIFEST: json.dumps(manifest(export, book), indent=2, ensure_ascii=False) + "\n"}
    files[FACTS_SCHEMA] = json.dumps(facts_schema(book), indent=2, ensure_ascii=False) + "\n"
    for check in export.checks:
        files[check.file] = json.dumps(check.logic, ensure_ascii=False) + "\n"
    return files


def write_export(files: Mapping[str, str], out: str | Path, rules_dir: str | Path) -> None:
    """Write ``files`` as the folder ``out``, whole or not at all.

    ``out`` may be new, empty, or an earlier export (it is replaced, so no check of a date
    before lingers); anything else there is refused, as is a place inside the rules."""
    target = Path(out)
    rules = Path(rules_dir).resolve()
    resolved = target.resolve()
    if resolved == rules or rules in resolved.parents:
        raise InputError(
            str(target), None, "is inside the rules it exports", "name a folder outside them"
        )
    previous = _previous(target)
    parent = target.parent if str(target.parent) else Path(".")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.eligibility-", dir=parent))
    except OSError as error:
        raise _unwritable(target, error) from None
    try:
        for name, text in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        umask = os.umask(0)  # mkdtemp makes a private folder; the export gets a new folder's mode
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
        if previous:
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.eligibility-old-", dir=parent))
            os.replace(target, old / "export")
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:  # new, or an empty folder, which a rename replaces
            os.replace(staging, target)
    except OSError as error:
        raise _unwritable(target, error) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _previous(target: Path) -> bool:
    """True when ``target`` holds an earlier export; False when it is not there or empty."""
    if not target.exists():
        return False
    if not target.is_dir():
        raise InputError(
            str(target), None, "is not a folder", "name a new folder, or an earlier export"
        )
    entries = {entry.name for entry in target.iterdir()}
    if not entries:
        return False
    try:
        earlier = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
        if (
            isinstance(earlier, dict)
            and "export_format" in earlier
            and entries <= {MANIFEST, FACTS_SCHEMA, "checks"}
        ):
            return True
    except (OSError, ValueError):
        pass
    raise InputError(
        str(target),
        None,
        "holds files that are not an earlier export, which writing the export would replace",
        "name a new or empty folder, or an earlier export",
    )


def _unwritable(target: Path, error: OSError) -> InputError:
    return InputError(
        str(target),
        None,
        f"cannot be written: {error.strerror or error}",
        "name a folder you can write to",
    )
