"""The checks a fact file must pass (errors) and should pass (warnings): docs/lint.md, "Fact files".

A fact file (``rules/facts.yaml``, ``rules/<body>/facts.yaml``) says what each fact is made of:
a kind of :mod:`eligibility.facts.kinds`, its parameters, and JsonLogic over one record of a
profile section. ``eligibility lint`` reports every problem these checks find; loading a rule
book runs the error checks on the fact files before compiling them, and the checks across the
book after the rule files, and refuses the first error, as it does for rule files.

The JsonLogic is checked by :mod:`eligibility.rulebook.rulecheck`'s checks (this module is their part for
fact files, and uses their helpers), reading the fields of a record where a rule reads facts:
the records of ``schemas/profile.schema.json``, and ``kinds.HELD_RECORD`` for the credentials
held.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson

from eligibility.errors import closest
from eligibility.facts.book import HELD, SINGLE_RECORDS
from eligibility.facts.kinds import HELD_RECORD, KINDS, Named
from eligibility.resources import schema_file
from eligibility.rulebook.rulecheck import (
    _PLACEHOLDER,
    ALLOWED_EXTENSIONS,
    ERROR,
    ITERATORS,
    STANDINGS,
    WARNING,
    Context,
    Problem,
    RuleFile,
    _conditions,
    _constant,
    _Found,
    _Logic,
    _read_name,
    _reads_data,
    cited,
    credential_name,
    internal_ids,
    names_an_id,
    registered_source,
)
from eligibility.rulebook.versions import fact_placeholders, numbered

# Operators beyond standard JsonLogic that fact files may use (docs/lint.md says why each is
# safe). Rules may not: their logic is exported to other engines; a fact file's never is.
FACT_EXTENSIONS = frozenset({"lower"})
RESERVED = ("as_of", "policies")  # names the fact book gives paths of its own
# (section, field) of the fields that hold credential ids (a list field: its items), and of the
# one that holds a body's name, as the profile schema and kinds.held describe them in words
CREDENTIAL_FIELDS = frozenset(
    {
        *(("credentials", "id"), ("exam_applications", "credential_id")),
        *(("ceus", "applied_to_credential_id"), ("ceus", "specialty_tags")),
        *(("self_reviews", "credential_id"), (HELD, "id"), (HELD, "held_as")),
    }
)
BODY_FIELDS = frozenset({(HELD, "body")})


@dataclass(frozen=True)
class FactFile:
    """One fact file as the checks read it: its name, its text (for lines) and its data (parsed,
    schema-valid)."""

    file: str
    text: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Records:
    """What a record of one section holds (its JSON schema), and whether the section holds one."""

    section: str
    schema: Mapping[str, Any]
    one: bool = False

    def field(self, path: str) -> Mapping[str, Any] | None:
        """The schema of the field at ``path`` (``hours.unit``), its type filled in; None when
        the record has no such field."""
        node: Mapping[str, Any] | None = self.schema
        for part in path.split("."):
            if node is None:
                return None
            if part.isdigit() and isinstance(node.get("items"), Mapping):
                node = node["items"]
            else:
                node = (node.get("properties") or {}).get(part)
        return _typed(node) if node is not None else None

    def fields(self) -> list[str]:
        """Every field's path, an object's fields after it (``hours``, ``hours.unit``)."""

        def paths(node: Mapping[str, Any], prefix: str) -> Iterator[str]:
            for name, sub in (node.get("properties") or {}).items():
                yield prefix + name
                yield from paths(sub, f"{prefix}{name}.")

        return list(paths(self.schema, ""))


@cache
def sections() -> Mapping[str, Records]:
    """The sections whose records fact files may read (``records:``), and lists of records
    inside a record (``credentials.recert_cycles``, which only a kind itself reads)."""
    schema = orjson.loads(schema_file("profile").read_bytes())
    out: dict[str, Records] = {}
    for name, sub in schema["properties"].items():
        items = sub.get("items") if sub.get("type") == "array" else None
        if isinstance(items, Mapping) and "properties" in items:
            out[name] = Records(name, items)
            for inner, part in items["properties"].items():
                if isinstance(part.get("items"), Mapping) and "properties" in part["items"]:
                    out[f"{name}.{inner}"] = Records(f"{name}.{inner}", part["items"])
        elif sub.get("type") == "object" and "properties" in sub:
            out[name] = Records(name, sub, name in SINGLE_RECORDS)
    out[HELD] = Records(HELD, HELD_RECORD)
    return out


def _typed(entry: Mapping[str, Any]) -> Mapping[str, Any]:
    """``entry`` with a ``type`` where the schema gives it as an enum or as alternatives."""
    if "type" in entry:
        return entry
    names = {"bool": "boolean", "int": "number", "float": "number", "str": "string"}
    found: set[str] = set()
    for option in entry.get("anyOf", entry.get("oneOf", [])):
        kind = option.get("type")
        found.update([kind] if isinstance(kind, str) else kind or [])
    for value in [*entry.get("enum", []), *([entry["const"]] if "const" in entry else [])]:
        found.add("null" if value is None else names.get(type(value).__name__, "object"))
    return {**entry, "type": sorted(found)} if found else entry


# --- each file ------------------------------------------------------------------------------


def fact_problems(
    files: Sequence[FactFile], context: Context, errors_only: bool = False
) -> list[Problem]:
    """Every problem of the fact files that they show on their own and together (a fact
    defined twice); ``errors_only``: only the errors (loading needs no more)."""
    founds = {fact_file.file: _Found(None, fact_file.file, fact_file.text) for fact_file in files}
    for fact_file in files:
        found = founds[fact_file.file]
        _placeholders(found, fact_file.data.get("title"), ["title"], {})
        for index, definition in enumerate(fact_file.data["facts"]):
            _Definition(found, context, ["facts", index], definition).check()
            if not errors_only and names_an_id(orjson.dumps(definition).decode()):
                # a fact's own description is for maintainers (docs/facts.md): its reasons and
                # consequences are what an answer shows
                described = {k: v for k, v in definition.items() if k != "text"}
                internal_ids(found, described, ["facts", index])
    _names(files, founds)
    problems = [problem for found in founds.values() for problem in found.problems()]
    return [p for p in problems if p.level == ERROR] if errors_only else problems


class _Definition:
    """The checks of one fact definition: the names its parameters give, its expressions, its
    texts. Its expressions' checks (:class:`_RecordLogic`) ask it about policies and credentials,
    as a rule's ask its version."""

    entry: Mapping[str, Any] = {}  # a definition is no credential's own: no id is its own

    def __init__(
        self, found: _Found, context: Context, where: list, definition: Mapping[str, Any]
    ) -> None:
        self.found, self.context, self.where = found, context, where
        self.kind = next(name for name in KINDS if name in definition)
        self.definition, self.params = definition, definition[self.kind]
        self.here = [*where, self.kind]

    def check(self) -> None:
        kind = KINDS[self.kind]
        templates = {(*self.here, *path): names for path, _, names in kind.templates(self.params)}
        templates.update(  # the words of what the kind leaves out, filled in when explained
            {
                (*self.where, "left_out", "reasons", reason): names
                for reason, names in kind.left_out_reasons.items()
            }
        )
        _placeholders(self.found, self.definition, self.where, templates)
        for named in kind.names(self.params):
            self._named(named, [*self.here, *named.path])
        known = sections()
        for role, section, expression, path in kind.expressions(self.params):
            records = known.get(section)
            if records is not None:  # else told as an unknown section
                length = len(orjson.dumps(expression))
                logic = _RecordLogic(self, expression, [*self.here, *path], records)
                logic.check("value" if role in ("value", "detail") else "filter", length)

    def _named(self, named: Named, where: list) -> None:
        found, name = self.found, named.name
        if named.what in ("section", "one-record"):
            _section(found, named, where)
        elif named.what == "field":
            records = sections().get(named.of or "")
            if records is not None and records.field(name) is None:
                found.add(
                    ERROR,
                    "unknown-field",
                    where,
                    f"{name!r} is not a field of a {named.of} record",
                    f"use one of: {', '.join(records.fields())}",
                    closest(name, records.fields()),
                )
        elif named.what == "credential":
            credential_name(found, self.context, name, where, "in a fact file")
        elif named.what == "body":
            bodies = sorted({entry["body"] for entry in self.context.registry or ()})
            if bodies and name not in bodies:
                found.add(
                    ERROR,
                    "unknown-value",
                    where,
                    f"unknown body {name!r}: no credential of the registry is {name}'s",
                    f"use one of: {', '.join(bodies)}",
                    closest(name, bodies),
                )
        elif named.what == "standing":
            _standing(found, name, where)
        elif named.what == "sum" and named.values is not None and name not in named.values:
            found.add(
                ERROR,
                "unknown-value",
                where,
                f"unknown sum {name!r}: the cycles' sums are {', '.join(named.values)}",
                "name one of the sums given under sums",
                closest(name, named.values),
            )
        elif named.what == "policy" and self.policy(name, where, "unknown policy"):
            self._policy_table(named, where)
        elif named.what == "dated":
            _dated(found, named, where)

    def policy(self, policy: str, where: list, said: str) -> bool:
        """Whether ``policy`` is one policies.yaml defines (or policies.yaml is not known)."""
        known = self.context.policies
        if known is None or policy in known:
            return True
        self.found.add(
            ERROR,
            "unknown-policy",
            where,
            f"{said} {policy!r}",
            f"use one of: {', '.join(known)}",
            closest(policy, known),
        )
        return False

    def _policy_table(self, named: Named, where: list) -> None:
        """A table giving something per value of a policy names each of its values, and only
        those (a value it lacks gets nothing: full time would be calendar time under it)."""
        values = (self.context.policies or {}).get(named.name)
        if named.values is None or named.table is None or values is None:
            return
        table = [*self.here, *named.table]
        for value in named.values:
            if value not in values:
                self.found.add(
                    ERROR,
                    "unknown-value",
                    [*table, value],
                    f"{value!r} is not a value of policy {named.name} ({', '.join(values)})",
                    f"use one of: {', '.join(values)}",
                    closest(value, values),
                )
        for value in values:
            if value not in named.values:
                self.found.add(
                    ERROR,
                    "missing-value",
                    table,
                    f"gives nothing for {value!r}, a value of policy {named.name}",
                    f"add an entry for {value}",
                )

    def _credential_name(self, name: str, where: list, how: str) -> None:
        credential_name(self.found, self.context, name, where, how)


def _section(found: _Found, named: Named, where: list) -> None:
    """``records:`` names a section of the profile (or held_credentials); ``record:`` one
    holding a single record."""
    known = {name: records for name, records in sections().items() if "." not in name}
    records = known.get(named.name)
    if records is None:
        found.add(
            ERROR,
            "unknown-section",
            where,
            f"{named.name!r} is not a section of a profile (schemas/profile.schema.json) or"
            f" {HELD}: no record would ever count",
            f"use one of: {', '.join(known)}",
            closest(named.name, known),
        )
    elif named.what == "one-record" and not records.one:
        single = [name for name, records in known.items() if records.one]
        found.add(
            ERROR,
            "unknown-section",
            where,
            f"{named.name} holds a list of records: a value fact would read the first only",
            f"use a section of one record ({', '.join(single)}), or a kind that counts records"
            " (count, any, list, max, latest)",
        )


def _dated(found: _Found, named: Named, where: list) -> None:
    """Entries that apply from a date (``due_from``): the first applies before every later one
    (so it has none), each later one from its date, in date order. A slip here changes answers
    for periods long ended, or never applies."""
    days, name = named.values or (), named.name
    if named.of == "one":
        if days and days[0]:
            found.add(
                ERROR,
                "dated-entries",
                where,
                f"{name} is one entry with due_from {days[0]}: one entry applies to every period,"
                " whatever its date",
                f"make {name} a list: the number before that date first (no due_from), then this"
                " entry",
            )
        return
    for place, day in enumerate(days):
        at = [*where, place]
        if place == 0 and day:
            found.add(
                ERROR,
                "dated-entries",
                [*at, "due_from"],
                f"the first entry of {name} has due_from {day}: it would apply before that date"
                " too, as nothing comes before it",
                "leave due_from out of the first entry (the number for every period before the"
                " next entry's date)",
            )
        elif place and not day:
            found.add(
                ERROR,
                "dated-entries",
                at,
                f"entry {place + 1} of {name} has no due_from: it would apply to every period,"
                " those long ended included",
                "give it due_from, the first due date it applies to (YYYY-MM-DD)",
            )
        elif place > 1 and days[place - 1] and day <= days[place - 1]:
            found.add(
                ERROR,
                "dated-entries",
                [*at, "due_from"],
                f"entry {place + 1} of {name} has due_from {day}, not after the entry before"
                f" ({days[place - 1]}): the later entry would never apply",
                "write the entries in the order of their due_from dates",
            )


def _standing(found: _Found, name: str, where: list) -> None:
    if name not in STANDINGS:
        found.add(
            ERROR,
            "unknown-value",
            where,
            f"unknown standing {name!r}",
            f"use one of: {', '.join(STANDINGS)}",
            closest(name, STANDINGS),
        )


def _placeholders(
    found: _Found, value: Any, where: list, templates: Mapping[tuple, tuple[str, ...]]
) -> None:
    """A text filled in with str.format (``templates``: where -> the names it is given) may use
    only those names; any other text is shown as written, so a ``{word}`` in it is a leftover."""
    names = templates.get(tuple(where))
    if names is not None and isinstance(value, str):
        _template(found, value, where, names)
    elif isinstance(value, str):
        for match in _PLACEHOLDER.finditer(value):
            found.add(
                ERROR,
                "leftover-placeholder",
                where,
                f"{match.group()} is not filled in: a fact file's texts are shown as written",
                "write the text out (only a kind's consequence texts are filled in, with the"
                " names schemas/fact-file.schema.json gives)",
            )
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _placeholders(found, item, [*where, index], templates)
    elif isinstance(value, dict):
        for key, item in value.items():
            _placeholders(found, key, where, {})
            _placeholders(found, item, [*where, key], templates)


def _template(found: _Found, text: str, where: list, names: tuple[str, ...]) -> None:
    """A text filled in with ``names``: another name, or a lone brace, would fail every time the
    fact is derived."""
    given = ", ".join(f"{{{name}}}" for name in names)
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]
    except ValueError as error:
        found.add(
            ERROR,
            "leftover-placeholder",
            where,
            f"cannot be filled in ({error})",
            "write a brace of the text as {{ or }}; only " + given + " are filled in",
        )
        return
    for field in fields:
        if re.split(r"[.\[+]", field)[0] not in names:  # {value+40}: a day moved on
            found.add(
                ERROR,
                "leftover-placeholder",
                where,
                f"{{{field}}} is not filled in (only {given} are, here)",
                "correct the placeholder, or write the text out",
                closest(f"{{{field}}}", [f"{{{name}}}" for name in names]),
            )


def _names(files: Sequence[FactFile], founds: Mapping[str, _Found]) -> None:
    """A fact is defined once in the book, a group's name names no fact of its own, and the
    book's own paths (as_of, policies) are no fact's."""
    first: dict[str, tuple[str, int]] = {}  # name -> the file defining it first, and where
    groups: dict[str, str] = {}  # group -> one of its facts
    for fact_file in files:
        for definition in fact_file.data["facts"]:
            name = definition["name"]
            if "." in name:
                groups.setdefault(name.split(".")[0], name)
    for fact_file in files:
        found = founds[fact_file.file]
        for index, definition in enumerate(fact_file.data["facts"]):
            name, where = definition["name"], ["facts", index, "name"]
            earlier, at = first.setdefault(name, (fact_file.file, index))
            if name.split(".")[0] in RESERVED:
                found.add(
                    ERROR,
                    "duplicate-fact",
                    where,
                    f"{name!r} is a path the facts have already ({', '.join(RESERVED)})",
                    "give the fact another name",
                )
            elif (earlier, at) != (fact_file.file, index):
                found.add(
                    ERROR,
                    "duplicate-fact",
                    where,
                    f"the fact {name!r} is also defined "
                    + (f"in {earlier}" if earlier != fact_file.file else f"above ($.facts[{at}])"),
                    "define each fact once: remove one definition, or rename it",
                )
            elif name in groups:
                found.add(
                    ERROR,
                    "duplicate-fact",
                    where,
                    f"{name!r} is also the group of {groups[name]}: the two would overwrite each"
                    " other",
                    f"rename one of them (a group's facts are read as {name}.NAME)",
                )


# --- JsonLogic over one record ---------------------------------------------------------------

_MATCHES = {
    "number": "a number takes every record unless it is 0",
    "string": "a text takes every record unless it is empty",
    "array": "a list takes every record unless it is empty",
    "object": "an object takes every record unless it is empty",
}
_COMPARE = 'compare a field of the record, as {"===": [{"var": "FIELD"}, VALUE]}'


class _RecordLogic(_Logic):
    """rulecheck's checks of one expression, over one record of ``records``: a ``var`` names a
    field of the record (or ``policies.ID``); a ``filter`` (which records count) gives true or
    false."""

    extensions = ALLOWED_EXTENSIONS | FACT_EXTENSIONS
    noun = "field"

    def __init__(
        self, definition: _Definition, expression: Any, where: list, records: Records
    ) -> None:
        super().__init__(definition, expression, where)
        self.records = records
        self.over: str | None = None  # the list field being gone over
        self.item: Mapping[str, Any] | None = None  # what an item of it is
        self.contains = False  # the comparison being checked is a text's `in`: a substring

    def _read(self, name: str, where: list) -> None:
        if name.startswith("policies."):
            self.version.policy(name.removeprefix("policies."), where, "reads unknown policy")
        elif self.records.field(name) is None:
            fields = self.records.fields()
            self.found.add(
                ERROR,
                "unknown-field",
                where,
                f"reads {name!r}, which is not a field of a {self.records.section} record",
                f"use one of: {', '.join(fields)}",
                closest(name, fields),
            )

    def _entry(self, name: str) -> Mapping[str, Any] | None:
        return self.records.field(name)

    def _iterator(self, operator: str, items: list, where: list) -> bool:
        ok = super()._iterator(operator, items, where)
        over = _read_name(items[0]) if items else None
        entry = self._entry_of(over) if over is not None and operator != "reduce" else None
        items_of = entry.get("items") if entry else None  # iterations do not nest: one at a time
        self.item = _typed(items_of) if isinstance(items_of, Mapping) else None
        self.over = over if self.item is not None else None
        return ok

    def _compared(self, operator: str, items: list, where: list) -> None:
        self.contains = operator == "in" and len(items) == 2 and not isinstance(items[1], list)
        super()._compared(operator, items, where)

    def _value(self, side: Any, literal: str, where: list, operator: str) -> None:
        name = _read_name(side)
        if name is None or name.startswith("policies."):
            super()._value(side, literal, where, operator)
            return
        field = self.over if name == "" else name  # "": an item of the list gone over
        entry = self.item if name == "" else self._entry_of(name)
        if entry is not None and self.contains:
            entry = entry.get("items")  # one of a list's items; a text's part is not checked
        if entry is None:
            return
        if (self.records.section, field) in CREDENTIAL_FIELDS:
            self._credential_name(literal, where)
            return
        body = (self.records.section, field) in BODY_FIELDS
        values = _bodies(self.context) if body else entry.get("enum")
        values = [v for v in values or () if v is not None]
        if values and literal not in values:
            what = f"the field {name}" if name else f"an item of the field {field}"
            self.found.add(
                ERROR,
                "unknown-value",
                where,
                f"{literal!r} is not a value {what} of a {self.records.section} record takes"
                f" ({', '.join(values)})",
                f"use one of: {', '.join(values)}",
                closest(literal, values),
            )

    def _judge(self, role: str) -> None:
        if role == "filter":
            self._filter()

    def _filter(self) -> None:
        """Which records count: true or false for each, and not the same for all."""
        expression, where = self.expression, self.where
        if isinstance(expression, bool) or (
            isinstance(expression, dict) and not _reads_data(expression)
        ):
            ok, value = (
                (True, expression) if isinstance(expression, bool) else _constant(expression)
            )
            if not ok:
                self.found.add(
                    ERROR,
                    "always-fails",
                    where,
                    f"reads no field and fails whenever it is worked out ({value})",
                    "correct the expression (jsonlogic.com/operations.html)",
                )
            elif isinstance(value, bool):
                self.found.add(
                    WARNING,
                    "constant-logic",
                    where,
                    f"reads no field of the record: takes {'every' if value else 'no'} record",
                    ("leave the filter out to take every record" if value else _COMPARE)
                    + ", or, if that is meant, say so on the line: '# lint: allow constant-logic'",
                )
            else:
                self.found.add(
                    ERROR,
                    "not-a-condition",
                    where,
                    f"reads no field and always gives {value!r}, not true or false",
                    _COMPARE,
                )
            return
        if not isinstance(expression, dict):
            self.found.add(ERROR, "not-a-condition", where, *_literal(expression))
            return
        found = self.types(expression)
        kinds = sorted((found or set()) - {"null"})
        if "boolean" in kinds or not kinds:
            return
        if _read_name(expression) is not None and "number" not in kinds:
            return  # a text or list field alone: whether the record gives one ("dated")
        self.found.add(
            ERROR,
            "not-a-condition",
            where,
            f"gives a {' or '.join(kinds)}, not true or false: "
            + "; ".join(_MATCHES.get(kind, f"a {kind} takes every record") for kind in kinds),
            _COMPARE,
        )


def _literal(value: Any) -> tuple[str, str]:
    """What is wrong with a filter written as a value, not an expression, and the fix."""
    if isinstance(value, str):
        problem = (
            f"the text {value!r} is not true or false: any text but an empty one takes every record"
        )
        if value.strip().lower() in ("true", "false"):
            return problem, f"write {value.strip().lower()} without quotes, or better, {_COMPARE}"
        return problem, _COMPARE
    if value is None:
        return "null is not a filter: it takes no record", _COMPARE
    if isinstance(value, int | float):
        return f"the number {value} is not true or false: {_MATCHES['number']}", _COMPARE
    return f"a list is not true or false: {_MATCHES['array']}", _COMPARE


def _bodies(context: Context) -> list[str]:
    """The bodies a held credential may give: the registry's and those a profile may write."""
    issuing = sections()["credentials"].field("issuing_body") or {}
    return sorted(
        {entry["body"] for entry in context.registry or ()} | set(issuing.get("enum", []))
    )


# --- with the rest of the book ----------------------------------------------------------------


def book_problems(
    files: Sequence[FactFile],
    rule_files: Sequence[RuleFile],
    context: Context,
    errors_only: bool = False,
    all_rules: bool = True,
) -> list[Problem]:
    """Problems only the fact files and the rule files together show: sources a fact cites that
    its file does not list; with ``all_rules`` (every rule file was read, and none has an error:
    what the rules read is known), facts no rule reads."""
    founds = {fact_file.file: _Found(None, fact_file.file, fact_file.text) for fact_file in files}
    _sources(files, rule_files, context, founds)
    if not errors_only and all_rules:
        _unread(files, rule_files, founds)
    problems = [problem for found in founds.values() for problem in found.problems()]
    return [p for p in problems if p.level == ERROR] if errors_only else problems


def _sources(
    files: Sequence[FactFile],
    rule_files: Sequence[RuleFile],
    context: Context,
    founds: Mapping[str, _Found],
) -> None:
    """As a rule version's conditions: a fact cites sources its file lists, or ids of the
    catalogue; a file lists sources of the catalogue's register."""
    register = {
        source["id"] for f in files for source in _listed(f) if isinstance(source.get("id"), str)
    } | {
        source["id"]
        for rule_file in rule_files
        for _, versions in rule_file.entries
        for _, version in numbered(versions)
        for source in version["sources"]
    }
    for fact_file in files:
        found = founds[fact_file.file]
        listed = [source.get("id") for source in _listed(fact_file)]
        for index, source in enumerate(listed):
            if isinstance(source, str):
                registered_source(found, ["sources", index, "id"], source, context.catalogue)
        for di, definition in enumerate(fact_file.data["facts"]):
            for si, source in enumerate(definition.get("sources", [])):
                cited(
                    found,
                    ["facts", di, "sources", si],
                    source,
                    [s for s in listed if isinstance(s, str)],
                    register,
                    context.catalogue,
                    ("this fact file", "the file"),
                )


def _listed(fact_file: FactFile) -> list[Mapping[str, Any]]:
    return [s for s in fact_file.data.get("sources", []) if isinstance(s, Mapping)]


def _unread(
    files: Sequence[FactFile], rule_files: Sequence[RuleFile], founds: Mapping[str, _Found]
) -> None:
    """A fact no rule reads (a fact's expressions read only its records, never another fact)."""
    reads: set[str] = set()
    for rule_file in rule_files:
        for _, versions in rule_file.entries:
            for _, version in numbered(versions):
                for check in version["checks"]:
                    _reads_in(check.get("applies_when", {}).get("logic"), reads)
                    _reads_in(check.get("standing", {}).get("not_met"), reads)
                    for part in ("requires", "recommends"):
                        for node, _ in _conditions(check[part], []) if part in check else ():
                            _reads_in(node.get("logic"), reads)
                            _reads_in(node.get("fix_when"), reads)
                            reads.update(
                                node.get(f) or "" for f in ("details", "shown_if", "hidden_if")
                            )
                            reads.update(fact_placeholders(node.get("fix") or ""))
                            unless = (node.get("assumes") or {}).get("unless")
                            if isinstance(unless, str):
                                reads.add(unless)
                            else:
                                _reads_in(unless, reads)
    reads.discard("")
    for fact_file in files:
        for index, definition in enumerate(fact_file.data["facts"]):
            name = definition["name"]
            if not any(
                read == name or read.startswith(name + ".") or name.startswith(read + ".")
                for read in reads
            ):
                founds[fact_file.file].add(
                    WARNING,
                    "unused-fact",
                    ["facts", index, "name"],
                    f"no rule reads the fact {name!r}",
                    "remove it; or, if it is kept for people (check --facts shows every fact),"
                    " say so on the line: '# lint: allow unused-fact'",
                )


def _reads_in(value: Any, reads: set[str]) -> None:
    """Every name JsonLogic reads (``var``, ``missing``, ``missing_some``), but an iteration's
    reads of each item."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((operator, args),) = value.items()
            items = args if isinstance(args, list) else [args]
            if operator == "var":
                names = items[:1]
            elif operator == "missing_some":
                names = items[1] if len(items) > 1 and isinstance(items[1], list) else []
            else:
                names = items if operator == "missing" else []
            reads.update(str(name) for name in names if isinstance(name, str | int) and name != "")
            if operator in ITERATORS and isinstance(args, list):
                _reads_in(args[:1], reads)  # the rest reads each item, not the facts
                return
        for item in value.values():
            _reads_in(item, reads)
    elif isinstance(value, list):
        for item in value:
            _reads_in(item, reads)
