"""Deriving facts: a profile on a date under policies -> the facts its rule book defines.

Every record condition and value of the fact book runs in one JsonLogic program over the
profile's sections (and one over the credentials held), then each definition's generic kind
turns the results into its fact. What does not change between calls about one profile (the
program's results, the jobs and letters a months fact counts) is kept in ``shared`` for the
next call: another policy value, another probe date, credentials that lapsed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from eligibility.facts.book import (
    HELD,
    SINGLE_RECORDS,
    Definition,
    FactBook,
    FactsRead,
    names_of,
)
from eligibility.facts.kinds import KINDS, failed_checks, held, jobs_of, unvouched
from eligibility.inputs.formatversion import field_words
from eligibility.logic import compile_logic, truthy


class Context:
    """What the kinds read while deriving one profile's facts on one date under one assignment
    of policies (``only``: the definitions wanted; None: all). A plain class: one is made for
    every derivation of every profile."""

    __slots__ = (
        "_jobs", "_ran", "_rows", "as_of", "book", "day", "lapsed", "names", "only", "policies",
        "profile", "registry", "shared",
    )  # fmt: skip

    def __init__(
        self,
        book: FactBook,
        profile: Mapping[str, Any],
        as_of: date,
        policies: Mapping[str, str],
        lapsed: frozenset[str],
        shared: dict[Any, Any],
        only: Collection[str] | None = None,
    ) -> None:
        self.book = book
        self.profile = profile
        self.as_of = as_of
        self.policies = policies
        self.lapsed = lapsed
        self.shared = shared
        self.only = only
        # the definitions alone (whatever parts of them are read) key the records' results
        self.names = names_of(only)
        self.day = as_of.isoformat()  # ISO dates compare as text in date order
        self.registry = book.registry
        self._rows: dict[str, list[tuple[Mapping[str, Any], list[Any]]]] = {}
        self._jobs: dict[str, list[Any]] = {}
        self._ran = False  # the profile's sections have been run (rows)

    def rows(self, section: str) -> list[tuple[Mapping[str, Any], list[Any]]]:
        """The section's records, each with the results of the expressions run over it."""
        rows = self._rows.get(section)
        if rows is None:
            if section == HELD:
                self._rows[HELD] = self._held_rows()
            elif not self._ran:
                self._ran = True
                self._rows.update(self._profile_rows())
            rows = self._rows.get(section)
            if rows is None:
                rows = self._rows[section] = [(r, []) for r in self._records(section)]
        return rows

    def jobs(self, section: str) -> list[Any]:
        """The section's work records as jobs cut at the evaluation date (kinds.jobs_of)."""
        jobs = self._jobs.get(section)
        if jobs is None:
            key = ("jobs", section, self.as_of)
            jobs = self.shared.get(key)
            if jobs is None:
                jobs = self.shared[key] = jobs_of(self._records(section), self.as_of)
            self._jobs[section] = jobs
        return jobs

    def _records(self, section: str) -> Sequence[Mapping[str, Any]]:
        return records_of(self.profile, section, self.as_of, self.registry, self.lapsed)

    def _profile_rows(self) -> dict[str, list[tuple[Mapping[str, Any], list[Any]]]]:
        """Every section's rows, from ``shared`` where the policies its expressions read have
        the same values (another value of one policy runs only the sections that read it)."""
        book, shared, policies, out = self.book, self.shared, self.policies, {}
        missing: dict[str, Any] = {}
        for section in book.programs(self.only).sections:
            reads = book.policy_reads.get(section)
            key = (
                "rows",
                section,
                tuple(policies.get(p) for p in reads) if reads else (),
                self.names,
            )
            known = shared.get(key)
            if known is None:
                missing[section] = key
            else:
                out[section] = known
        if missing:
            sections = tuple(missing)
            bound = book.section_program(self.only, sections, policies)
            for section, rows in self._run(bound, sections, self._records).items():
                out[section] = shared[missing[section]] = rows
        return out

    def _held_rows(self) -> list[tuple[Mapping[str, Any], list[Any]]]:
        book = self.book
        key = ("held", self.as_of, self.lapsed, book._values(HELD, self.policies), self.names)
        if key not in self.shared:
            records = held(self.profile, self.as_of, self.registry, self.lapsed)
            rows = None
            if book.programs(self.only).held:
                bound = book.section_program(self.only, (HELD,), self.policies)
                rows = self._run(bound, (HELD,), lambda _: records).get(HELD)
            self.shared[key] = rows or [(record, []) for record in records]
        return self.shared[key]

    def _run(self, bound, sections, records_of) -> dict[str, list]:
        """Each section's records with the results of its expressions: one engine call."""
        if bound.program is None:
            return {}
        data: dict[str, Any] = {}
        records: dict[str, list[Mapping[str, Any]]] = {}
        policies = None
        for section in sections:
            records[section] = records_of(section)
            if section in bound.merged and records[section]:
                policies = policies or dict(self.policies)
                data[section] = [{**r, "policies": policies} for r in records[section]]
            else:
                data[section] = records[section]
        if not any(records.values()):  # nothing to run the expressions over
            return {section: [] for section in sections}
        results = bound.program.rule.evaluate(data)  # the sections are all it reads
        return {
            section: list(zip(records[section], values or [], strict=False))
            for section, values in zip(sections, results, strict=True)
        }

    def wants(self, definition: Definition, part: str) -> bool:
        """Whether part ``part`` of the definition's value is read (see ``FactsRead``)."""
        only = self.only
        return only is None or not isinstance(only, FactsRead) or only.wants(definition.name, part)

    def policy_key(self, policies: tuple[str, ...]) -> tuple[str | None, ...]:
        """The values of ``policies`` (those a definition's expressions read)."""
        return tuple(self.policies.get(p) for p in policies) if policies else ()


_NOT_YET = object()  # a value not derived yet (None is a fact's value)


def derive(
    profile: Mapping[str, Any],
    as_of: date,
    policies: Mapping[str, str],
    book: FactBook,
    lapsed: frozenset[str] = frozenset(),
    shared: dict[Any, Any] | None = None,
    only: Collection[str] | None = None,
) -> dict[str, Any]:
    """Every fact ``book`` defines, for ``profile`` on ``as_of`` under ``policies``.

    ``lapsed`` names credentials whose keeping rules (renewal, recertification) make them inactive
    or revoked on ``as_of``: they no longer count as held, whatever the profile reports.
    ``shared``: what later calls about the same profile may reuse (see the module docstring).
    ``only``: the definitions to derive (``FactBook.definitions_reading``), when a caller
    reads only some facts (a cohort's checks): the others are left out.
    """
    shared = {} if shared is None else shared
    context = Context(book, profile, as_of, policies, lapsed, shared, only)
    facts: dict[str, Any] = {"as_of": context.day}
    for definition, make, empty in book.steps(only):
        value = _NOT_YET
        if empty is not None:
            for section in definition.records:
                if profile.get(section):
                    break
            else:
                value = empty(definition.params)  # no record it reads: nothing to derive
        if value is _NOT_YET:
            value = make(context, definition)
        key = definition.key
        if key is None:
            facts[definition.group] = value
        else:
            group = facts.get(definition.group)
            if group is None:
                group = facts[definition.group] = {}
            group[key] = value
    facts["policies"] = dict(policies)
    return facts


def _derived(context: Context, definition: Definition) -> Any:
    """The definition's value: without deriving it when the profile has no record it reads."""
    if definition.records:
        profile = context.profile
        for section in definition.records:
            if profile.get(section):
                break
        else:
            return KINDS[definition.kind].empty(definition.params)  # type: ignore[misc]
    return KINDS[definition.kind].derive(context, definition)


def rederive_each(
    facts: Mapping[str, Any],
    groups: Iterable[str],
    profile: Mapping[str, Any],
    as_of: date,
    variants: Sequence[Mapping[str, str]],
    book: FactBook,
    lapsed: frozenset[str] = frozenset(),
    shared: dict[Any, Any] | None = None,
    only: Collection[str] | None = None,
    same_profile: bool = True,
) -> list[dict[str, Any]]:
    """``facts`` with only the facts of ``groups`` derived again, under each policy assignment of
    ``variants`` (the policies in effect replaced). The same as :func:`derive` when the other
    groups do not depend on what changed: a policy, ``lapsed``, or (for facts that grow with
    time) the date.

    Within those groups, a fact already in ``facts`` for the same date is derived again only when
    it could differ: one of the policies it depends on changed, or it reads the credentials held
    (which ``lapsed`` changes). The others are kept: the alternatives of a policy re-derive just
    the facts that read it."""
    shared = {} if shared is None else shared
    wanted = tuple(dict.fromkeys(groups))
    chosen = book.of_groups(wanted, only)
    # ``same_profile`` false: ``profile`` is not the one ``facts`` were derived from (a letter
    # re-dated), so nothing of those groups is kept, even on the same day
    same_day = same_profile and facts.get("as_of") == as_of.isoformat()
    before = facts.get("policies") or {}
    out = []
    for policies in variants:
        changed = {p for p, value in policies.items() if before.get(p) != value}
        context = Context(book, profile, as_of, policies, lapsed, shared, only)
        fresh = dict(facts)
        for group in wanted:
            kept = fresh.get(group)
            fresh[group] = dict(kept) if same_day and isinstance(kept, dict) else None
        for definition in chosen:
            if (
                same_day
                and fresh[definition.group] is not None
                and definition.key is not None
                and definition.key in fresh[definition.group]
                and not definition.reads_lapsed
                and changed.isdisjoint(definition.policies)
            ):
                continue  # cannot differ: kept
            if fresh[definition.group] is None and definition.key is not None:
                fresh[definition.group] = {}
            _place(fresh, definition, _derived(context, definition))
        for group in wanted:
            if fresh[group] is None:
                del fresh[group]
        fresh["as_of"] = as_of.isoformat()
        fresh["policies"] = dict(policies)
        out.append(fresh)
    return out


def rederive(
    facts: Mapping[str, Any],
    groups: Iterable[str],
    profile: Mapping[str, Any],
    as_of: date,
    policies: Mapping[str, str],
    book: FactBook,
    lapsed: frozenset[str] = frozenset(),
    shared: dict[Any, Any] | None = None,
    only: Collection[str] | None = None,
    same_profile: bool = True,
) -> dict[str, Any]:
    """:func:`rederive_each` for one policy assignment."""
    return rederive_each(
        facts, groups, profile, as_of, [policies], book, lapsed, shared, only, same_profile
    )[0]


def _place(facts: dict[str, Any], definition: Definition, value: Any) -> None:
    key = definition.key
    if key is None:
        facts[definition.group] = value
    else:
        group = facts.get(definition.group)
        if group is None:
            group = facts[definition.group] = {}
        group[key] = value


def records_of(
    profile: Mapping[str, Any],
    section: str,
    as_of: date,
    registry: Any,
    lapsed: frozenset[str],
) -> Sequence[Mapping[str, Any]]:
    """The records of ``section`` (a one-record section as a list of one; the credentials held
    as ``held`` works them out; a credential's ``issuing_body``, where left out, the registry's,
    as the profile format says)."""
    if section == HELD:
        return held(profile, as_of, registry, lapsed)
    value = profile.get(section)
    if section in SINGLE_RECORDS:
        return [value] if value else []
    if section == "credentials" and value:
        return [_with_body(record, registry) for record in value]
    if not value or section not in CREDENTIAL_FIELDS:
        return value or []
    return [_canonical_ids(record, registry, CREDENTIAL_FIELDS[section]) for record in value]


# the profile format's fields that name a credential, by section (besides a credential's own id)
CREDENTIAL_FIELDS = {
    "exam_applications": ("credential_id",),
    "ceus": ("applied_to_credential_id",),
    "self_reviews": ("credential_id",),
}


def _with_body(record: Any, registry: Any) -> Any:
    """A credential's record with the body that issues it where the profile leaves it out and
    the registry knows the credential (``issuing_body: AAPC`` for a CPC, whatever its status)."""
    if not isinstance(record, Mapping) or record.get("issuing_body") or "id" not in record:
        return record
    info = registry.info(registry.normalise(record["id"])[0])
    return {**record, "issuing_body": info.body} if info else record


def _canonical_ids(record: Any, registry: Any, fields: Sequence[str]) -> Any:
    """``record`` with each credential it names by its registry id: an old name or alias
    (``CPC-H``), or other capitals (``coc``), is the credential the rules name (``COC``), as
    the credentials held are."""
    if not isinstance(record, Mapping):
        return record
    named = {
        key: registry.normalise(given)[0]
        for key in fields
        if isinstance(given := record.get(key), str)
    }
    if all(record[key] == value for key, value in named.items()):
        return record
    return {**record, **named}


def policy_can_matter(
    profile: Mapping[str, Any],
    policy: str,
    book: FactBook,
    as_of: date,
    policies: Mapping[str, str],
    lapsed: frozenset[str] = frozenset(),
    shared: dict[Any, Any] | None = None,
    only: Collection[str] | None = None,
) -> bool:
    """False when no value of ``policy`` can change this profile's facts (so its alternatives
    need not be derived); True when one may (True is always safe: it costs time only).
    ``only``: the facts that matter (those a cohort's checks read).

    Decided from what the fact files declare (:meth:`FactBook.reach`) before anything is
    derived: a policy the facts read only through records the profile does not have changes
    nothing, whatever its value."""
    reach = book.reach(policy)
    if not reach.definitions:
        return True  # read by rules alone: the rules decide
    values = None
    asked: set[str] = set()  # a section's program reads the same records for every fact
    for name in reach.definitions:
        if only is not None and name not in only:
            continue
        hours = reach.hours.get(name)
        if hours is not None:
            section, longest = hours
            if longest is not None and any(
                r.get("hours_per_week") is not None and r["hours_per_week"] < longest
                for r in profile.get(section) or ()
            ):
                return True
            continue
        if name in reach.by_kind:  # read by the derivation itself: as its kind tells
            if reach.by_kind[name](profile, as_of):
                return True
            continue
        # the policy is read by record expressions: does any of their results move?
        for section in reach.sections[name]:
            if section in asked or (policy, section) not in book.policy_programs:
                continue
            asked.add(section)
            records = records_of(profile, section, as_of, book.registry, lapsed)
            if not records:
                continue  # no record for its expressions to read: nothing to move
            if values is None:
                values = dict.fromkeys([policies.get(policy, ""), *reach.values])
            seen = []
            for value in values:
                under = {**policies, policy: value}
                bound = book.policy_program(policy, section, under)
                data = [{**r, "policies": under} for r in records] if bound.merged else records
                seen.append(bound.program.rule.evaluate({section: data}))  # type: ignore[union-attr]
            if any(result != seen[0] for result in seen[1:]):
                return True
    return False


@dataclass(frozen=True)
class LeftOut:
    """A record a fact did not count, and why, in the fact file's words."""

    fact: str
    record: str  # its id, or the fact file's noun and its place ("job 2")
    detail: str | None  # the field the fact file names, as the record gives it
    reasons: tuple[str, ...]

    @property
    def text(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.record}{detail}: " + "; ".join(self.reasons)


def left_out(
    profile: Mapping[str, Any],
    as_of: date,
    policies: Mapping[str, str],
    book: FactBook,
    paths: Iterable[str],
    lapsed: frozenset[str] = frozenset(),
) -> tuple[LeftOut, ...]:
    """The records the facts at ``paths`` leave out, each with the checks of the fact's
    ``left_out`` it fails (docs/facts.md): those its ``where`` drops, and those it keeps whose
    ``value`` gives nothing (a course stating no contact hours); for a kind that lists them
    itself (``cycles``, ``periods``: the CEU records of one sum), those it names. A record that
    counts is never listed, and one left out of several of the paths is listed once, with every
    reason. For explanations only: a derivation never runs these checks."""
    wanted = set(paths)
    context = Context(book, profile, as_of, policies, lapsed, {})
    found: dict[tuple[str, int], LeftOut] = {}

    def holds(logic: Any, record: Mapping[str, Any]) -> bool:
        return truthy(compile_logic(logic)({**record, "policies": dict(policies)}))

    def add(path: str, spec: Mapping[str, Any], number: int, record: Mapping[str, Any], reasons):
        key = (spec["records"], number)
        before = found.get(key)
        if before is not None:  # left out of another path too: one line, every reason
            extra = tuple(r for r in reasons if r not in before.reasons)
            found[key] = LeftOut(before.fact, before.record, before.detail, before.reasons + extra)
            return
        detail = spec.get("detail")
        said = (
            None
            if not detail
            else record.get(detail)
            if isinstance(detail, str)
            else compile_logic(detail)({**record, "policies": dict(policies)})
        )
        found[key] = LeftOut(
            path,
            str(record.get("id") or f"{spec['noun']} {number}"),
            str(said) if said not in (None, "") else None,
            tuple(reasons),
        )

    for definition in book.definitions:
        spec = definition.left_out
        if spec is None:
            continue
        kind = KINDS[definition.kind]
        if kind.left_out is not None:  # the kind names what it left out of each path
            prefix = definition.name + "."
            for path in sorted(p for p in wanted if p.startswith(prefix)):
                for item in kind.left_out(context, definition, path.removeprefix(prefix), holds):
                    add(path, spec, item.number, item.record, item.reasons)
            continue
        if definition.name not in wanted:
            continue
        where = compile_logic(spec["where"]) if spec["where"] is not None else None
        value = compile_logic(spec["value"]) if spec.get("value") is not None else None
        records = context._records(spec["records"])
        dated = definition.params.get("dated_by") if isinstance(definition.params, dict) else None
        for number, record in enumerate(records, start=1):
            data = {**record, "policies": dict(policies)}
            kept = where is None or truthy(where(data))
            if kept and (value is None or value(data) is not None):
                # it counts, but for its date: one after the evaluation date is not yet
                later = record.get(dated) if dated else None
                if isinstance(later, str) and later > as_of.isoformat():
                    field = field_words((spec["records"], "[]"), dated)  # "status date"
                    words = f"{field} {later}, after {as_of.isoformat()}"
                    add(definition.name, spec, number, record, (f"{words}: not yet on that date",))
                continue
            # a check failed for want of a field not stated says so (format 2), as problems do
            reasons = tuple(failed_checks(profile, spec["records"], spec["checks"], record, holds))
            if reasons:
                add(definition.name, spec, number, record, reasons)
        if spec.get("unvouched"):  # counted, but no letter vouches for a day of it
            for number in unvouched(context, definition):
                add(definition.name, spec, number, records[number - 1], (spec["unvouched"],))
    sections = list(dict.fromkeys(section for section, _ in found))
    return tuple(found[key] for key in sorted(found, key=lambda k: (sections.index(k[0]), k[1])))
