"""Fact definitions, compiled: what every fact of the rule book is made of.

Fact files (``facts_format`` files under ``rules/``, see docs/facts.md) name each fact, the
generic derivation that makes it (``months``, ``count``, ``list`` ... in ``kinds.py``) and its
parameters; which records count is a JsonLogic condition over one record. Here those conditions
and values are gathered per profile section and compiled into one JsonLogic program, run once per
profile (``engine.py``), and the vocabulary rules may read is worked out: every fact path, the
policies it depends on, whether it grows while a job goes on, and what to tell a person who must
supply it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from typing import Any

from eligibility.facts.kinds import KINDS
from eligibility.facts.registry import Registry
from eligibility.logic import Compiled, compile_logic, logic_key

# profile sections that hold one record rather than a list: their record is read as a list of one
SINGLE_RECORDS = frozenset({"education", "practicode", "practicum"})
HELD = "held_credentials"  # the records of the credentials held on the date (kinds.held)


@dataclass(frozen=True)
class Slot:
    """Where an expression's result stands: its section, and its place in each record's results."""

    section: str
    index: int


@dataclass(frozen=True)
class Definition:
    """One fact (or group of facts) and how it is derived."""

    name: str  # "experience.aapc_months", or a group such as "recert"
    kind: str  # a key of kinds.KINDS
    params: Mapping[str, Any]  # the kind's parameters, as written
    text: str
    file: str
    slots: Mapping[str, Slot]  # role ("where", "value", "check.2" ...) -> its expression's slot
    policies: tuple[str, ...]  # open policies its value depends on
    reads_lapsed: bool  # reads the credentials held (which lapsed credentials change)
    grows: bool  # may grow while a job goes on (its leaves get reached-on dates)
    # worked out once from the above, for the kinds that select records
    group: str = ""  # "experience" of "experience.aapc_months"
    key: str | None = None  # "aapc_months"; None for a whole group or a top-level fact
    where: int | None = None  # index of the 'where' expression's result
    value: int | None = None  # index of the 'value' expression's result
    dated_by: str | None = None
    between: tuple[str | None, str | None] = (None, None)
    policy_reads: tuple[str, ...] = ()  # policies its expressions read (they key shared work)
    # how an explanation names the records it leaves out, and why (engine.left_out); never run
    # in a derivation, so a cohort does not pay for it
    left_out: Mapping[str, Any] | None = None
    # the profile sections its value depends on when the kind can tell its value without them
    # (Kind.records, Kind.empty): a profile with no record in any of them is not derived
    records: tuple[str, ...] = ()


@dataclass(frozen=True)
class Programs:
    """What the expressions of one set of definitions run over (:meth:`FactBook.programs`)."""

    sections: tuple[str, ...]  # the profile's sections
    held: bool  # and the credentials held


WHOLE = "*"  # a path reading a definition's whole value, every part of it


@dataclass(frozen=True)
class FactsRead:
    """The definitions whose facts some paths read (their names, ``in`` it), and the parts of
    the values they read of the definitions whose parts are derived only when read."""

    names: frozenset[str]
    parts: frozenset[tuple[str, str]] = frozenset()  # (definition, part or WHOLE)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def wants(self, name: str, part: str) -> bool:
        """Whether the paths read part ``part`` of definition ``name``'s value."""
        return (name, part) in self.parts or (name, WHOLE) in self.parts


def names_of(only: Collection[str] | None) -> frozenset[str] | None:
    """The definitions ``only`` names, as a key for what depends on them alone."""
    return only.names if isinstance(only, FactsRead) else only  # type: ignore[return-value]


@dataclass(frozen=True)
class Bound:
    """A program with the policies written in (see :meth:`FactBook.section_program`)."""

    program: Compiled | None
    merged: frozenset[str]  # sections whose records must still carry the policies


@dataclass(frozen=True)
class Reach:
    """What another value of one open policy may change, from the fact files' declarations:
    the definitions that depend on it; of those, the ones whose full-time hours it sets (their
    records section and the longest hours of its table) and the profile sections whose
    expressions the others run over; and every value the fact book names for it."""

    definitions: tuple[str, ...]
    hours: Mapping[str, tuple[str, float | None]]
    sections: Mapping[str, tuple[str, ...]]
    values: tuple[str, ...]
    # the definitions whose kind reads the policy itself (which credentials an AAPC period
    # counts), each with whether it may matter for a profile (``Kind.policy_matters``)
    by_kind: Mapping[str, Callable[[Mapping[str, Any], date], bool]] = field(default_factory=dict)


@dataclass(frozen=True)
class FactPath:
    """A path rules may read (``experience.aapc_months``, ``recert.*.last.ceus``)."""

    path: str
    text: str
    policies: tuple[str, ...] = ()
    grows: bool = False
    supply: str | None = None
    type: Any = None  # its JSON type ("number", ["string", "null"] ...); None: not known
    words: Mapping[str, str] | None = None  # for a list of codes: each code in words
    # the words for a part that any one of several of its codes meets (all levels of a topic)
    either_words: tuple[tuple[frozenset[str], str], ...] = ()


@dataclass(frozen=True)
class FactBook:
    """Every fact definition of a rule book, compiled."""

    definitions: tuple[Definition, ...]
    registry: Registry
    sections: tuple[str, ...]  # the profile's sections that expressions run over, in order
    policy_reads: Mapping[str, tuple[str, ...]]  # section -> open policies its expressions read
    policy_values: Mapping[str, tuple[str, ...]]  # every open policy's values
    # per (policy, section): the section's expressions that read the policy, alone, to tell
    # cheaply whether another value of it can change anything for a profile
    policy_programs: Mapping[tuple[str, str], Compiled] = field(default_factory=dict)
    expressions: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)  # per section
    # programs running only some definitions' expressions (a cohort reads few facts), made on
    # first use, per set of definitions (and the chosen definitions, per set)
    _programs: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    paths: Mapping[str, FactPath] = field(default_factory=dict)

    @property
    def groups(self) -> tuple[str, ...]:
        """The top-level names of the facts, in the order they are defined."""
        return tuple(dict.fromkeys(d.group for d in self.definitions))

    def group_policies(self) -> dict[str, tuple[str, ...]]:
        """Open policy -> the groups whose facts depend on it."""
        out: dict[str, list[str]] = {}
        for definition in self.definitions:
            for policy in definition.policies:
                out.setdefault(policy, [])
                if definition.group not in out[policy]:
                    out[policy].append(definition.group)
        return {policy: tuple(groups) for policy, groups in out.items()}

    def lapsed_groups(self) -> tuple[str, ...]:
        """The groups whose facts change when a credential lapses."""
        return tuple(dict.fromkeys(d.group for d in self.definitions if d.reads_lapsed))

    def entry(self, path: str) -> FactPath | None:
        """The vocabulary entry for ``path``, trying ``*`` for a free key; None when unknown."""
        if path in self.paths:
            return self.paths[path]
        parts = path.split(".")
        for index in range(len(parts)):
            wild = ".".join([*parts[:index], "*", *parts[index + 1 :]])
            if wild in self.paths:
                return self.paths[wild]
        return None

    def programs(self, only: Collection[str] | None) -> Programs:
        """Which sections the expressions of the definitions ``only`` names (all when None) run
        over (:meth:`section_program` makes their programs)."""
        key = ("programs", names_of(only))
        known = self._programs.get(key)
        if known is None:
            used = self._used(only)
            known = Programs(
                tuple(s for s in self.sections if any(u[0] == s for u in used)),
                any(u[0] == HELD for u in used),
            )
            self._programs[key] = known
        return known

    def section_program(
        self, only: Collection[str] | None, sections: tuple[str, ...], policies: Mapping[str, str]
    ) -> Bound:
        """The program running, over the records of ``sections``, the expressions of the
        definitions ``only`` names (as :meth:`programs`), with the open policies they read
        written in as the values ``policies`` gives them.

        Written in rather than read from each record: otherwise every record must be copied
        with the policies added before the engine reads it, on every derivation. An expression
        that reads the policies in another way (a computed name) keeps reading them from its
        records (``Bound.merged``)."""
        key = (
            "bound",
            names_of(only),
            sections,
            tuple(policies.get(p) for p in self._reads(sections)),
        )
        known = self._programs.get(key)
        if known is None:
            used = self._used(only)
            entries, merged = [], set()
            for section in sections:
                chosen = []
                for index, expression in enumerate(self.expressions[section]):
                    if (section, index) not in used:
                        chosen.append(None)  # a constant null keeps every result's index
                        continue
                    bound = _bind(expression, policies)
                    if any(r.startswith("policies") for r in compile_logic(bound).reads):
                        merged.add(section)
                        bound = expression
                    chosen.append(bound)
                entries.append({"map": [{"var": section}, chosen]})
            known = Bound(compile_logic(entries) if entries else None, frozenset(merged))
            self._programs[key] = known
        return known

    def policy_program(self, policy: str, section: str, policies: Mapping[str, str]) -> Bound:
        """:attr:`policy_programs`' program for ``(policy, section)``, the policies written in
        as ``policies`` gives them (as :meth:`section_program`)."""
        key = ("policy", policy, section, self._values(section, policies))
        known = self._programs.get(key)
        if known is None:
            source = self.policy_programs[(policy, section)].source
            bound = _bind(source, policies)
            if any(r.startswith("policies") for r in compile_logic(bound).reads):
                known = Bound(compile_logic(source), frozenset({section}))
            else:
                known = Bound(compile_logic(bound), frozenset())
            self._programs[key] = known
        return known

    def _values(self, section: str, policies: Mapping[str, str]) -> tuple[str | None, ...]:
        """The values of the policies the expressions over ``section`` read."""
        return tuple(policies.get(p) for p in self.policy_reads.get(section, ()))

    def _reads(self, sections: tuple[str, ...]) -> tuple[str, ...]:
        """The policies the expressions over ``sections`` read."""
        key = ("reads", sections)
        known = self._programs.get(key)
        if known is None:
            known = self._programs[key] = tuple(
                dict.fromkeys(p for s in sections for p in self.policy_reads.get(s, ()))
            )
        return known

    def reach(self, policy: str) -> Reach:
        """What another value of ``policy`` may change (see :class:`Reach`)."""
        key = ("reach", policy)
        known = self._programs.get(key)
        if known is None:
            depending = [d for d in self.definitions if policy in d.policies]
            hours: dict[str, tuple[str, float | None]] = {}
            sections: dict[str, tuple[str, ...]] = {}
            values: dict[str, None] = {}
            for definition in self.definitions:
                table = definition.params.get("full_time_hours")
                if table and table["policy"] == policy:
                    values.update(dict.fromkeys(table["values"]))
            for definition in depending:
                table = definition.params.get("full_time_hours")
                if table and table["policy"] == policy:
                    longest = max(
                        (h for h in table["values"].values() if h is not None), default=None
                    )
                    hours[definition.name] = (definition.params["records"], longest)
                else:
                    sections[definition.name] = tuple(
                        dict.fromkeys(s.section for s in definition.slots.values())
                    )
            values.update(dict.fromkeys(self.policy_values.get(policy, ())))
            by_kind = {
                d.name: partial(KINDS[d.kind].policy_matters, d.params)
                for d in depending
                if d.name not in hours and policy in KINDS[d.kind].policies(d.params)
            }
            known = Reach(tuple(d.name for d in depending), hours, sections, tuple(values), by_kind)
            self._programs[key] = known
        return known

    def _used(self, only: Collection[str] | None) -> frozenset[tuple[str, int]]:
        """(section, index) of every expression the definitions ``only`` names use."""
        key = ("used", names_of(only))
        known = self._programs.get(key)
        if known is None:
            known = frozenset(
                (slot.section, slot.index)
                for d in self.definitions
                if only is None or d.name in only
                for slot in d.slots.values()
            )
            self._programs[key] = known
        return known

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_programs": {}}  # made again on first use

    def chosen(self, only: Collection[str] | None) -> tuple[Definition, ...]:
        """The definitions ``only`` names (all when None), in order."""
        if only is None:
            return self.definitions
        key = ("chosen", names_of(only))
        if key not in self._programs:
            self._programs[key] = tuple(d for d in self.definitions if d.name in only)  # type: ignore[index]
        return self._programs[key]  # type: ignore[index, return-value]

    def names_written(self, only: Collection[str] | None) -> frozenset[str]:
        """Every name the definitions ``only`` names (all when None) write in their parameters:
        the record fields they read (``{var: ceus}``, ``by: paid_through``), with other words.
        A field a kind reads in Python is not among them."""
        key = ("written", names_of(only))
        known = self._programs.get(key)
        if known is None:
            known = self._programs[key] = frozenset(
                name for d in self.chosen(only) for name in _names_in(d.params)
            )
        return known  # type: ignore[return-value]

    def of_groups(
        self, groups: tuple[str, ...], only: Collection[str] | None
    ) -> tuple[Definition, ...]:
        """The definitions of ``groups`` that ``only`` names (all when None), in order: looked
        up once, as every policy alternative of every profile re-derives some."""
        key = ("groups", groups, names_of(only))
        known = self._programs.get(key)
        if known is None:
            known = tuple(d for d in self.chosen(only) if d.group in groups)
            self._programs[key] = known
        return known

    def steps(self, only: Collection[str] | None) -> tuple[tuple[Definition, Any, Any], ...]:
        """Per definition ``only`` names, in order: it, its kind's derivation and what the kind
        gives for a profile without its records (None: derived all the same). Looked up once:
        a derivation runs these for every profile."""
        key = ("steps", names_of(only))
        known = self._programs.get(key)
        if known is None:
            known = tuple(
                (d, KINDS[d.kind].derive, KINDS[d.kind].empty if d.records else None)
                for d in self.chosen(only)
            )
            self._programs[key] = known
        return known

    def definitions_reading(self, paths: Iterable[str]) -> FactsRead:
        """The definitions that make the facts at ``paths``, and of a definition whose value
        has parts derived only when read (``last``, ``current``: :attr:`Kind.parts_at`), the
        parts they read."""
        by_name = {d.name: d for d in self.definitions}
        names, parts = set(), set()
        for path in paths:
            pieces = path.split(".")
            for length in (2, 1):
                name = ".".join(pieces[:length])
                definition = by_name.get(name)
                if definition is None:
                    continue
                names.add(name)
                at = KINDS[definition.kind].parts_at
                if at is not None:
                    below = pieces[length:]
                    parts.add((name, below[at] if len(below) > at else WHOLE))
                break
        return FactsRead(frozenset(names), frozenset(parts))

    def growing(self) -> frozenset[str]:
        """The paths that may grow while a job goes on."""
        return frozenset(path for path, entry in self.paths.items() if entry.grows)


@dataclass
class _Collector:
    """Gathers the expressions of every definition per section, once each."""

    by_section: dict[str, list[Any]] = field(default_factory=dict)
    keys: dict[tuple[str, str], int] = field(default_factory=dict)
    reads: dict[str, set[str]] = field(default_factory=dict)

    def expression(self, slot: Slot) -> Any:
        return self.by_section[slot.section][slot.index]

    def add(self, section: str, expression: Any) -> Slot:
        key = logic_key(expression) or repr(expression)
        if (section, key) not in self.keys:
            compiled = compile_logic(expression)  # refuses what the engine cannot compile
            expressions = self.by_section.setdefault(section, [])
            self.keys[(section, key)] = len(expressions)
            expressions.append(expression)
            self.reads.setdefault(section, set()).update(compiled.reads)
        return Slot(section, self.keys[(section, key)])


def compile_book(
    raw: Sequence[tuple[str, Mapping[str, Any]]],
    registry: Registry,
    policy_values: Mapping[str, Sequence[str]],
) -> FactBook:
    """The fact book from each fact definition (with the file it is in), parsed and schema-valid.

    Raises ``ValueError`` (with the definition's name) for what the schema cannot see: a policy
    no policy file defines; the engine's refusal of an expression (``LogicError``) passes
    through. The loader turns either into an input error at the definition's place."""
    collector = _Collector()
    slots_of = []
    for _, definition in raw:
        kind = KINDS[_kind_of(definition)]
        params = definition[_kind_of(definition)]
        slots_of.append(
            {
                role: collector.add(section, expression)
                for role, section, expression, _ in kind.expressions(params)
            }
        )
    policy_reads = {
        section: tuple(
            sorted({r.removeprefix("policies.") for r in reads if r.startswith("policies.")})
        )
        for section, reads in collector.reads.items()
    }
    definitions = []
    paths: dict[str, FactPath] = {}
    for (file, raw_definition), slots in zip(raw, slots_of, strict=True):
        name, kind_name = raw_definition["name"], _kind_of(raw_definition)
        kind, params = KINDS[kind_name], raw_definition[kind_name]
        policies = [
            policy
            for slot in slots.values()
            for policy in policy_reads.get(slot.section, ())
            if f"policies.{policy}" in compile_logic(collector.expression(slot)).reads
        ]
        policies += kind.policies(params)
        policies = list(dict.fromkeys(policies))
        unknown = [p for p in policies if p not in policy_values]
        if unknown:
            raise ValueError(f"{name}: reads unknown policy {unknown[0]!r}")
        between = (
            params.get("between", (None, None)) if isinstance(params, Mapping) else (None, None)
        )
        definition = Definition(
            name=name,
            kind=kind_name,
            params=params,
            text=raw_definition.get("text", ""),
            file=file,
            slots=slots,
            policies=tuple(policies),
            reads_lapsed=kind.reads_lapsed or any(s.section == HELD for s in slots.values()),
            grows=kind.grows(params),
            group=name.split(".")[0],
            key=name.partition(".")[2] or None,
            where=slots["where"].index if "where" in slots else None,
            value=slots["value"].index if "value" in slots else None,
            dated_by=params.get("dated_by") if isinstance(params, Mapping) else None,
            between=(between[0], between[1]),
            policy_reads=tuple(
                p
                for section in sorted({s.section for s in slots.values()})
                for p in policy_reads.get(section, ())
            ),
            records=tuple(kind.records(params)) if kind.empty is not None else (),
        )
        left_out = raw_definition.get("left_out")
        if left_out is not None:
            definition = replace(definition, left_out=_left_out(name, kind_name, params, left_out))
        definitions.append(definition)
        supply = raw_definition.get("supply")
        growing = set(kind.growing_paths(name, params))
        json_type = raw_definition.get(
            "type", kind.type
        )  # as written where the kind leaves it open
        listed = kind.paths(name, params) if kind.paths else [(name, None, json_type)]
        for path, text, json_type in listed:
            paths[path] = FactPath(
                path,
                text or definition.text,
                definition.policies,
                (definition.grows and path == name) or path in growing,
                supply.get(path.removeprefix(name + "."))
                if isinstance(supply, Mapping)
                else supply,
                json_type,
                raw_definition.get("words") if path == name else None,
                tuple(
                    (frozenset(group["codes"]), group["words"])
                    for group in raw_definition.get("either_words", ())
                )
                if path == name
                else (),
            )
    for definition in definitions:  # a group of facts is a path too (its facts, together)
        if definition.key is not None:
            paths.setdefault(
                definition.group,
                FactPath(definition.group, f"the {definition.group} facts", type="object"),
            )
    paths["as_of"] = FactPath("as_of", "the evaluation date (YYYY-MM-DD)", type="string")
    paths["policies"] = FactPath(
        "policies", "the open policies these facts were derived under", type="object"
    )
    paths["policies.*"] = FactPath(
        "policies.*", "the value of an open policy, as set or by default", type="string"
    )
    profile_sections = tuple(s for s in collector.by_section if s != HELD)
    return FactBook(
        definitions=tuple(definitions),
        registry=registry,
        sections=tuple(s for s in profile_sections if collector.by_section[s]),
        policy_reads=policy_reads,
        policy_values={policy: tuple(values) for policy, values in policy_values.items()},
        expressions={section: tuple(e) for section, e in collector.by_section.items()},
        policy_programs={
            (policy, section): compile_logic(
                [
                    {
                        "map": [
                            {"var": section},
                            [
                                e
                                for e in collector.by_section[section]
                                if f"policies.{policy}" in compile_logic(e).reads
                            ],
                        ]
                    }
                ]
            )
            for section, policies in policy_reads.items()
            for policy in policies
        },
        paths=paths,
    )


def _left_out(name: str, kind: str, params: Any, left_out: Mapping[str, Any]) -> Mapping[str, Any]:
    """``left_out`` with its section filled in and its checks compiled (a bad one is refused
    at load, not when a person asks why)."""
    if KINDS[kind].left_out is not None:  # the kind lists the CEU records it leaves out
        return _ceus_left_out(name, kind, params, left_out)
    records = left_out.get("records") or (
        params.get("records") if isinstance(params, Mapping) else None
    )
    if not isinstance(records, str):
        raise ValueError(f"{name}: left_out needs 'records' (the section it lists) for this kind")
    if "checks" not in left_out:
        raise ValueError(f"{name}: left_out needs 'checks' (why a record is left out)")
    for check in left_out["checks"]:
        compile_logic(check["logic"])
    if "unvouched" in left_out and not (isinstance(params, Mapping) and "vouched_by" in params):
        raise ValueError(f"{name}: left_out gives 'unvouched', but the fact has no 'vouched_by'")
    own_records = isinstance(params, Mapping) and "records" not in left_out  # the kind's own
    return {
        **left_out,
        "records": records,
        "where": params.get("where") if own_records else None,
        "value": params.get("value") if own_records else None,
    }


def _ceus_left_out(
    name: str, kind: str, params: Mapping[str, Any], left_out: Mapping[str, Any]
) -> Mapping[str, Any]:
    """``left_out`` of a kind that lists the CEU records it leaves out (cycles, periods): its
    reasons must be the kind's, with only the names it fills in, and its ``sums`` the kind's."""
    allowed = KINDS[kind].left_out_reasons
    for reason, text in left_out.get("reasons", {}).items():
        if reason not in allowed:
            raise ValueError(
                f"{name}: left_out reason {reason!r} is not one {kind} gives "
                f"(one of: {', '.join(allowed)})"
            )
        try:
            text.format(**dict.fromkeys(allowed[reason], ""))
        except (KeyError, IndexError, ValueError) as error:
            raise ValueError(
                f"{name}: left_out reason {reason!r}: {{{error}}} is not filled in "
                f"(use {', '.join('{' + n + '}' for n in allowed[reason])})"
            ) from None
    sums = (
        set(params.get("sums", {}))
        if kind == "cycles"
        else {"ceus", *(f"specific.{cid}" for cid in params.get("specific", {}).get("also", {}))}
    )
    for sum_name, checks in left_out.get("sums", {}).items():
        if sum_name not in sums:
            raise ValueError(
                f"{name}: left_out sums {sum_name!r} is not a sum of this fact "
                f"(one of: {', '.join(sorted(sums))})"
            )
        for check in checks:
            compile_logic(check["logic"])
    if isinstance(left_out.get("detail"), Mapping):
        compile_logic(left_out["detail"])
    return {**left_out, "records": "ceus", "where": None, "value": None}


def _kind_of(definition: Mapping[str, Any]) -> str:
    return next(name for name in KINDS if name in definition)


def _bind(expression: Any, policies: Mapping[str, str]) -> Any:
    """``expression`` with each plain read of an open policy (``{var: policies.NAME}``) replaced
    by its value in ``policies``; other reads are left as they are."""
    if isinstance(expression, list):
        return [_bind(item, policies) for item in expression]
    if not isinstance(expression, Mapping):
        return expression
    if list(expression) == ["var"]:
        name = expression["var"]
        if isinstance(name, list) and len(name) == 1:
            name = name[0]
        if isinstance(name, str) and name.startswith("policies."):
            policy = name.removeprefix("policies.")
            if isinstance(policies.get(policy), str):
                return policies[policy]
        return expression
    return {key: _bind(value, policies) for key, value in expression.items()}


def _names_in(value: Any) -> Iterator[str]:
    """The strings in a definition's parameters, a ``var``'s path by its first part."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "var":
                path = item[0] if isinstance(item, list) and item else item
                if isinstance(path, str):
                    yield path.split(".")[0]
            yield from _names_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _names_in(item)
    elif isinstance(value, str):
        yield value
