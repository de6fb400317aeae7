"""The generic derivations a fact file may use, each parameterised by data.

A kind says which JsonLogic expressions it needs run over which records (``expressions``), what
it derives from their results on a date (``derive``), and what paths rules may read of it. No
kind knows a body, a credential or a number a body sets: those come from the fact files.

    value     a field or expression of a one-record section (education)
    count     records that match
    any       whether a record matches
    list      the distinct values of the records that match, sorted
    max       the largest value of the records that match
    latest    the value of the matching record with the latest date
    problems  per record, the checks it fails, in words
    months    months of experience in the matching jobs (CONV-1 to CONV-3), or in the parts
              of them that matching letters vouch for
    lapsed    the credentials their own keeping rules make inactive or revoked
    cycles    per credential with recertification cycles, its last and current cycle's sums
    periods   renewal periods that follow a membership's renewal month, and dues
"""

from __future__ import annotations

import calendar
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from itertools import chain, combinations, product
from typing import TYPE_CHECKING, Any

import orjson

from eligibility.dates import (
    DAYS_PER_MONTH,
    ONE_DAY,
    Interval,
    add_months,
    clip,
    months_in,
    parse,
    span,
)
from eligibility.inputs.formatversion import (
    BOOKKEEPING,
    FIRST,
    FORMAT1_NONE,
    REPLACED_BY,
    field_words,
    format1_readings,
    version_of,
)
from eligibility.logic import compile_logic

if TYPE_CHECKING:
    from eligibility.facts.book import Definition
    from eligibility.facts.engine import Context


# (role, section, JsonLogic expression, where it is in the kind's parameters): an expression a
# kind runs over each record of a section ("where", "value", "check.2" ...)
Expression = tuple[str, str, Any, tuple[str | int, ...]]


@dataclass(frozen=True)
class Named:
    """A name a kind's parameter gives, for ``eligibility lint`` (eligibility/rulebook/factcheck.py) to
    check: a profile ``section`` (``one-record`` for one holding a single record), a ``field``
    of the records of section ``of``, a ``credential`` id, a ``body``, a ``standing``, a ``sum``
    (``values``: the sums there are), or a ``policy`` (``values``: the policy values the table at
    ``table`` gives something for)."""

    path: tuple[str | int, ...]  # where it is in the kind's parameters
    what: str
    name: str
    of: str | None = None
    values: tuple[str, ...] | None = None
    table: tuple[str | int, ...] | None = None


@dataclass(frozen=True)
class Kind:
    """One generic derivation (see the module docstring)."""

    expressions: Callable[[Mapping[str, Any]], list[Expression]]
    derive: Callable[[Context, Definition], Any]
    type: Any = None  # the JSON type of what it derives (None: whatever the record holds)
    # (path, text, JSON type) of what rules may read of it; by default its name, of its type
    paths: Callable[[str, Mapping[str, Any]], list[tuple[str, str | None, Any]]] | None = None
    policies: Callable[[Mapping[str, Any]], list[str]] = lambda params: []
    grows: Callable[[Mapping[str, Any]], bool] = lambda params: False
    growing_paths: Callable[[str, Mapping[str, Any]], list[str]] = lambda name, params: []
    reads_lapsed: bool = False
    # for a policy the kind reads itself (``policies``): whether another value of it may change
    # what this profile derives (True is always safe: it costs time only)
    policy_matters: Callable[[Mapping[str, Any], Mapping[str, Any], date], bool] = (
        lambda params, profile, as_of: True
    )
    names: Callable[[Mapping[str, Any]], list[Named]] = lambda params: []
    # (where, text, the names it is formatted with) of each text of its parameters that is
    # filled in with str.format: a name it is not given would fail every derivation
    templates: Callable[[Mapping[str, Any]], list[tuple[tuple[str, ...], str, tuple[str, ...]]]] = (
        lambda params: []
    )
    # for an explanation only: the records left out of one of its paths, and why (the fact
    # file's ``left_out`` words); None: the engine lists those its ``where`` drops
    left_out: Callable[[Context, Definition, str, Holds], list[Omitted]] | None = None
    # the reasons that ``left_out`` gives in the fact file's words, each with the names its text
    # is filled in with
    left_out_reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # what it derives when the profile has no record in any of the sections ``records`` names
    # (None: it is derived all the same): a fact about records a profile does not have costs
    # nothing (engine.derive)
    records: Callable[[Mapping[str, Any]], list[str]] = lambda params: []
    empty: Callable[[Mapping[str, Any]], Any] | None = None
    # where in a path below its name the part of its value is named (``recert.CCS.last``: 1),
    # for a kind whose ``last`` and ``current`` parts are derived only when a path reads them
    parts_at: int | None = None


# whether a JsonLogic condition holds for one record (the engine compiles and runs it)
Holds = Callable[[Any, Mapping[str, Any]], bool]


@dataclass(frozen=True)
class Omitted:
    """A record a kind left out of a path, and why: its place in its section (from 1)."""

    number: int
    record: Mapping[str, Any]
    reasons: tuple[str, ...]


# --- records, and which of them count -----------------------------------------------------------


def _selection(params: Mapping[str, Any]) -> list[Expression]:
    """The expressions of a kind that selects records with ``where`` (and maybe ``value``)."""
    section = params["records"]
    out: list[Expression] = (
        [("where", section, params["where"], ("where",))] if "where" in params else []
    )
    if "value" in params:
        out.append(("value", section, params["value"], ("value",)))
    return out


def _selection_names(params: Mapping[str, Any]) -> list[Named]:
    """The section a kind that selects records reads, and the fields that date or order them."""
    section = params["records"]
    out = [Named(("records",), "section", section)]
    for key in ("dated_by", "by", "detail"):
        if isinstance(params.get(key), str):  # a detail may be logic: its reads are its own
            out.append(Named((key,), "field", params[key], section))
    out += [
        Named(("between", index), "field", name, section)
        for index, name in enumerate(params.get("between", []))
        if name is not None  # no bound on that side
    ]
    return out


def _selected(ctx: Context, definition: Definition) -> list[tuple[Mapping[str, Any], list[Any]]]:
    """The records of the definition's section that match ``where`` and its dates, each with its
    expression results: ``dated_by`` (a date on or before the evaluation date, or none) and
    ``between`` (the evaluation date between a start, if any, and an end, if any)."""
    where, dated, (start, end) = definition.where, definition.dated_by, definition.between
    day = ctx.day  # ISO dates compare in date order as text
    out = []
    for record, results in ctx.rows(definition.params["records"]):
        if where is not None and not _truthy(results[where]):
            continue
        if _after(record, dated, day) or _after(record, start, day):
            continue
        if end and (record.get(end) or "9") < day:
            continue
        out.append((record, results))
    return out


def _after(record: Mapping[str, Any], field: str | None, day: str) -> bool:
    """Whether ``record``'s date in ``field`` is after ``day`` (ISO text): not yet, on that day
    (a record without the date is not)."""
    return bool(field) and (record.get(field) or "") > day


def _truthy(value: Any) -> bool:
    """JsonLogic truthiness: 0, "", [], {} and null are false."""
    if isinstance(value, bool):
        return value
    return bool(value) if value is not None else False


def _values(ctx: Context, definition: Definition) -> list[Any]:
    index = definition.value
    return [results[index] for _, results in _selected(ctx, definition)]  # type: ignore[index]  # set for this kind


def _value(ctx: Context, definition: Definition) -> Any:
    rows = ctx.rows(definition.params["record"])
    if not rows:
        return None
    return rows[0][1][definition.value]  # type: ignore[index]  # set for this kind


def _count(ctx: Context, definition: Definition) -> int:
    return len(_selected(ctx, definition))


def _any(ctx: Context, definition: Definition) -> bool:
    return bool(_selected(ctx, definition))


def _list(ctx: Context, definition: Definition) -> list[Any]:
    found: set[Any] = set()
    for value in _values(ctx, definition):
        if isinstance(value, list):
            found.update(v for v in value if v is not None)
        elif value is not None:
            found.add(value)
    return sorted(found)


def _max(ctx: Context, definition: Definition) -> Any:
    """The largest value; ``none`` when no record matches; null when records match but none has
    a value (it is not known)."""
    values = _values(ctx, definition)
    if not values:
        return definition.params.get("none")
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _latest(ctx: Context, definition: Definition) -> Any:
    """The value of the matching record whose ``by`` date is latest (ties: by content);
    ``none`` when no record matches."""
    rows = _selected(ctx, definition)
    if not rows:
        return definition.params.get("none")
    by = definition.params["by"]
    index = definition.value
    rows.sort(key=lambda row: (row[0].get(by) or "", _canonical(row[0])))
    value = rows[-1][1][index]  # type: ignore[index]  # set for this kind
    says = definition.params.get("says")
    if says is not None:
        return [_value_said(says, value)] if isinstance(value, str) else []
    days = definition.params.get("plus_days")
    if days is None or not isinstance(value, str):
        return value
    # a date moved on (AAPC cancels a lapsed membership about 40 days after it, A10); a month or
    # a year from its first day, as the facts read one (engine/unstated.py tries its last day)
    return (parse(value) + timedelta(days=days)).isoformat()


def _value_said(says: str, value: str) -> str:
    """``says`` with ``{value}`` as ``value`` and ``{value+N}`` as that date N days later: the
    day a body's rule counts from it, in words; a month or a year, the days N after its first
    and its last ("any day from 2026-02-10 to 2027-02-09")."""

    def moved(match: re.Match[str]) -> str:
        if match[1] is None:
            return value
        first, last = (day + timedelta(days=int(match[1])) for day in span(value))
        return first.isoformat() if first == last else f"any day from {first} to {last}"

    return re.sub(r"\{value(?:\+(\d+))?\}", moved, says)


def _problems(ctx: Context, definition: Definition) -> list[str]:
    """'letter 2 (co-worker): not dated; ...' for each record failing a check, in record order."""
    params = definition.params
    checks = [
        (definition.slots[f"check.{i}"].index, c["text"]) for i, c in enumerate(params["checks"])
    ]
    unstated = _unstated_reads(ctx.profile, params["records"], params["checks"])
    dated, later = params.get("dated_by"), params.get("dated_after")

    def holds(logic: Any, record: Mapping[str, Any]) -> bool:  # a field's other values, tried
        return _truthy(compile_logic(logic)({**record, "policies": dict(ctx.policies)}))

    out = []
    for number, (record, results) in enumerate(ctx.rows(params["records"]), start=1):
        failed = _reasons(
            [
                (
                    _said(
                        params["records"],
                        record,
                        _deciding(params["checks"][k]["logic"], record, unstated[k], holds)
                        if unstated[k]
                        else (),
                    ),
                    text,
                )
                for k, (index, text) in enumerate(checks)
                if not _truthy(results[index])
            ]
        )
        if later and _after(record, dated, ctx.day):  # not written yet then
            failed.insert(0, later.format(date=record[dated], as_of=ctx.day))
        if failed:
            name = record.get("id") or f"{params['noun']} {number}"
            detail = params.get("detail")
            said = (
                results[definition.slots["detail"].index]
                if isinstance(detail, Mapping)
                else record.get(detail)
                if detail
                else None
            )
            detail = f" ({said})" if said not in (None, "") else ""  # none: nothing to show
            out.append(f"{name}{detail}: " + "; ".join(failed))
    return out


def _problems_templates(
    params: Mapping[str, Any],
) -> list[tuple[tuple[str, ...], str, tuple[str, ...]]]:
    later = params.get("dated_after")
    return [(("dated_after",), later, ("date", "as_of"))] if later else []  # as _problems fills it


def _unstated_reads(
    profile: Mapping[str, Any], section: str, checks: Sequence[Mapping[str, Any]]
) -> list[tuple[str, ...]]:
    """Per check, the true/false fields it reads that a format 2 profile may leave not stated
    (none for format 1, where a field left out is "no"): a check failed for want of one of them
    says so, rather than claiming "no"."""
    if version_of(profile) == FIRST:
        return [()] * len(checks)
    flags = {name for where, name, _ in format1_readings() if where == (section, "[]")}
    flags |= {name for where, name in FORMAT1_NONE if where == (section, "[]")}
    return [tuple(n for n in _var_names(check["logic"]) if n in flags) for check in checks]


def failed_checks(
    profile: Mapping[str, Any],
    section: str,
    checks: Sequence[Mapping[str, Any]],
    record: Mapping[str, Any],
    holds: Holds,
) -> list[str]:
    """The text of each ``{logic, text}`` check ``record`` (of ``section``) fails; in a format 2
    profile, one failed for want of a true/false field the record leaves out says
    "<field> not stated" instead (not stated is not "no"): see :func:`_reasons`."""
    unstated = _unstated_reads(profile, section, checks)
    return _reasons(
        [
            (
                _said(section, record, _deciding(check["logic"], record, unstated[k], holds)),
                check["text"],
            )
            for k, check in enumerate(checks)
            if not holds(check["logic"], record)
        ]
    )


def _reasons(failed: Sequence[tuple[str | None, str]]) -> list[str]:
    """A record's reasons from its failed checks, each (what is not stated that decides it, or
    None; its text): a check failed for want of a field not stated is said so, unless the
    record fails others whatever that field is. Then the field cannot change whether it counts,
    and asking for it would send the candidate after something that cannot help."""
    if any(said is None for said, _ in failed):
        return [text for said, text in failed if said is None]
    return [said for said, _ in failed if said is not None]


def _deciding(
    logic: Any, record: Mapping[str, Any], fields: Sequence[str], holds: Holds
) -> tuple[str, ...]:
    """Of the true/false ``fields`` the record leaves out, those whose values would decide the
    check: none when it fails whatever they are (a role given by ``role_function`` makes
    ``directly_assigns_codes`` beside the point)."""
    missing = tuple(dict.fromkeys(f for f in fields if f not in record))
    if not missing:
        return ()
    answers = {
        values: holds(logic, {**record, **dict(zip(missing, values, strict=True))})
        for values in product((True, False), repeat=len(missing))
    }
    if not any(answers.values()):
        return ()  # it fails whatever they are
    # those whose value alone, the others as they may be, turns the answer
    return tuple(
        field
        for k, field in enumerate(missing)
        if any(
            answers[values] != answers[(*values[:k], not values[k], *values[k + 1 :])]
            for values in answers
        )
    )


def _said(section: str, record: Mapping[str, Any], fields: tuple[str, ...]) -> str | None:
    """ "current contact information given: not stated" when the record leaves out a field of
    ``fields`` (named as the profile format's words name it)."""
    # a flag left out beside the newer field that replaces it, also left out: the newer one
    missing = [
        field_words((section, "[]"), REPLACED_BY.get(name, name))
        for name in fields
        if name not in record
    ]
    return " and ".join(missing) + ": not stated" if missing else None


def _var_names(logic: Any) -> list[str]:
    """The record fields a JsonLogic expression reads with ``var`` (literal names only)."""
    found: list[str] = []
    if isinstance(logic, Mapping):
        for key, value in logic.items():
            if key == "var":
                name = value[0] if isinstance(value, list) and value else value
                if isinstance(name, str) and name:
                    found.append(name)
            else:
                found += _var_names(value)
    elif isinstance(logic, list):
        for item in logic:
            found += _var_names(item)
    return found


def _problems_expressions(params: Mapping[str, Any]) -> list[Expression]:
    checks: list[Expression] = [
        (f"check.{i}", params["records"], check["logic"], ("checks", i, "logic"))
        for i, check in enumerate(params["checks"])
    ]
    if isinstance(params.get("detail"), Mapping):  # worked out of the record ("Coder at X")
        checks.append(("detail", params["records"], params["detail"], ("detail",)))
    return checks


# --- months of experience (CONV-1 to CONV-3) -----------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One counted work record: its interval up to the evaluation date and its weekly hours."""

    id: str | None
    interval: Interval
    hours: float | None
    ongoing: bool


Stretch = tuple[date, date, float | None]  # days with one set of counted jobs; their weekly hours


def _months_expressions(params: Mapping[str, Any]) -> list[Expression]:
    out: list[Expression] = [("where", params["records"], params["where"], ("where",))]
    vouched = params.get("vouched_by")
    if vouched:
        out.append(("letters", vouched["records"], vouched["where"], ("vouched_by", "where")))
        if "whole_job_when" in vouched:
            out.append(
                (
                    "whole_job",
                    vouched["records"],
                    vouched["whole_job_when"],
                    ("vouched_by", "whole_job_when"),
                )
            )
    return out


def _months_names(params: Mapping[str, Any]) -> list[Named]:
    out = [Named(("records",), "section", params["records"])]
    if "vouched_by" in params:
        vouched = params["vouched_by"]
        out.append(Named(("vouched_by", "records"), "section", vouched["records"]))
        if "dated_by" in vouched:
            out.append(
                Named(("vouched_by", "dated_by"), "field", vouched["dated_by"], vouched["records"])
            )
    return out + _policy_table(params, "full_time_hours")


def _policy_table(params: Mapping[str, Any], key: str) -> list[Named]:
    """The open policy a kind's ``key`` table is keyed by (``{policy, values}``), if given."""
    table = params.get(key)
    if not table:
        return []
    return [
        Named(
            (key, "policy"),
            "policy",
            table["policy"],
            values=tuple(table["values"]),
            table=(key, "values"),
        )
    ]


def _months(ctx: Context, definition: Definition) -> float:
    """Months in the matching jobs (or the parts letters vouch for), pro-rated by the policy's
    full-time hours (CONV-3). What does not depend on the hours is worked out once per profile,
    date and values of the policies its conditions read, and shared by every hours policy."""
    params = definition.params
    hours = params.get("full_time_hours")
    reference = hours["values"].get(ctx.policies.get(hours["policy"])) if hours else None
    key = ("months", definition.name, ctx.as_of, ctx.policy_key(definition.policy_reads))
    work = ctx.shared.get(key)
    if work is None:
        work = ctx.shared[key] = _work(ctx, definition)
    jobs, stretches = work
    if stretches is None:
        return _job_months(jobs, reference)
    return _stretch_months(stretches, reference)


def _work(ctx: Context, definition: Definition) -> tuple[list[Job], list[Stretch] | None]:
    """The matching jobs, cut at the evaluation date; and, when letters must vouch for them,
    the stretches they vouch for."""
    where = definition.where
    section = definition.params["records"]
    jobs = [
        job
        for (_, results), job in zip(ctx.rows(section), ctx.jobs(section), strict=True)
        if job is not None and _truthy(results[where])  # type: ignore[index]  # set for this kind
    ]
    if not definition.params.get("vouched_by"):
        return jobs, None
    return jobs, _documented(jobs, _vouching(ctx, definition))


def _vouching(ctx: Context, definition: Definition) -> list[tuple[Mapping[str, Any], bool]]:
    """The letters ``vouched_by`` keeps, existing by the date (a letter dated after it does not
    exist yet then), each with whether it vouches for its whole job (``whole_job``)."""
    vouched = definition.params["vouched_by"]
    return [
        (
            letter,
            _truthy(results[definition.slots["whole_job"].index])
            if "whole_job" in definition.slots
            else False,
        )
        for letter, results in ctx.rows(vouched["records"])
        if _truthy(results[definition.slots["letters"].index])
        and not _after(letter, vouched.get("dated_by"), ctx.day)
    ]


def unvouched(ctx: Context, definition: Definition) -> list[int]:
    """The places (from 1) of the records a ``months`` fact with ``vouched_by`` counts (its
    ``where`` holds) for which no letter it keeps vouches for a day: none names the job (or
    every job), or those that do state dates outside it. For explanations only."""
    if not definition.params.get("vouched_by"):
        return []
    where = definition.where
    section = definition.params["records"]
    letters = _vouching(ctx, definition)
    return [
        number
        for number, ((_, results), job) in enumerate(
            zip(ctx.rows(section), ctx.jobs(section), strict=True), start=1
        )
        if job is not None
        and _truthy(results[where])  # type: ignore[index]  # set for this kind
        and not _documented([job], letters)
    ]


def _job_months(jobs: list[Job], reference_hours: float | None) -> float:
    """Months of experience in the union of ``jobs`` (CONV-2), pro-rated under an FTE policy."""
    if reference_hours is None or all(
        job.hours is None or job.hours >= reference_hours for job in jobs
    ):  # no stretch can be part-time (overlaps only add hours): calendar months
        return round(months_in(job.interval for job in jobs), 4)
    return _stretch_months(_stretches(jobs), reference_hours)


def _stretch_months(stretches: list[Stretch], reference_hours: float | None) -> float:
    """Months of experience in ``stretches`` (CONV-2), pro-rated under an FTE policy (CONV-3).

    Calendar months (CONV-1) unless an FTE policy is in effect and some stretch was worked
    part-time; then CONV-3's formula: days x min(1, hours / reference) / 30.4375. Full-time work
    thus keeps its exact calendar count, and both counts only grow as a job goes on.
    """
    if reference_hours is None or all(
        hours is None or hours >= reference_hours for _, _, hours in stretches
    ):
        return round(months_in((start, end) for start, end, _ in stretches), 4)
    days = sum(
        ((end - start).days + 1) * (1.0 if hours is None else min(1.0, hours / reference_hours))
        for start, end, hours in stretches
    )
    return round(days / DAYS_PER_MONTH, 4)


def _stretches(
    jobs: Sequence[Job],
    general: Iterable[Interval] | None = None,
    own: Mapping[int, list[Interval]] | None = None,
) -> list[Stretch]:
    """Stretches of time with a constant set of counted jobs, with their summed weekly hours
    (None: one of them gives none, so full time), in date order.

    Without ``general``, a job counts wherever it runs. With it (documented experience), a job
    counts only where a letter for every job (``general``) or one for that job (``own``, by its
    index in ``jobs``) vouches for it. One sweep over the start and end of every job and letter:
    the work grows with their number times its logarithm, whatever they overlap. Hours are
    added exactly (whole numbers, else fractions), so the sum does not depend on the order of
    the jobs."""
    always = general is None
    weights = _exact(job.hours for job in jobs)
    events: list[tuple[date, int, int, int]] = []  # (day, what, +1 starts / -1 ends, job index)
    for index, job in enumerate(jobs):
        events += [(job.interval[0], 0, 1, index), (job.interval[1] + ONE_DAY, 0, -1, index)]
    for start, end in general or ():
        events += [(start, 1, 1, -1), (end + ONE_DAY, 1, -1, -1)]
    for index, spans in (own or {}).items():
        for start, end in spans:
            events += [(start, 2, 1, index), (end + ONE_DAY, 2, -1, index)]
    events.sort()
    running = [False] * len(jobs)
    vouched = [0] * len(jobs)  # letters of its own covering each job now
    covering = 0  # letters for every job covering now
    # jobs counted, those of them without hours, their hours: all running, and running vouched
    jobs_all = unstated_all = jobs_own = unstated_own = 0
    hours_all: Any = 0
    hours_own: Any = 0
    stretches: list[Stretch] = []
    last = len(events) - 1
    for position, (day, what, step, index) in enumerate(events):
        if what == 1:
            covering += step
        else:
            if what == 0:
                running[index] = step > 0
                moved = True
                mine = vouched[index] > 0
            else:
                before = vouched[index]
                vouched[index] += step
                moved = False
                mine = running[index] and (before == 0) != (vouched[index] == 0)
            weight = weights[index]
            if moved:
                jobs_all += step
                if weight is None:
                    unstated_all += step
                else:
                    hours_all += step * weight
            if mine:
                jobs_own += step
                if weight is None:
                    unstated_own += step
                else:
                    hours_own += step * weight
        if position == last or events[position + 1][0] == day:
            continue  # the state is complete only after the day's last event
        if always or covering > 0:
            jobs_now, unstated, hours = jobs_all, unstated_all, hours_all
        else:
            jobs_now, unstated, hours = jobs_own, unstated_own, hours_own
        if jobs_now:
            stretch_end = events[position + 1][0] - ONE_DAY
            stretches.append((day, stretch_end, None if unstated else float(hours)))
    return stretches


def _exact(values: Iterable[float | None]) -> list[Any]:
    """``values`` as numbers that add up exactly whatever their order: whole numbers as int,
    others as fractions (None stays None)."""
    exact: list[Any] = []
    for value in values:
        if value is None or type(value) is int:
            exact.append(value)
        elif float(value).is_integer():
            exact.append(int(value))
        else:
            exact.append(Fraction(value))
    return exact


def _documented(jobs: list[Job], letters: list[tuple[Mapping[str, Any], bool]]) -> list[Stretch]:
    """The stretches of ``jobs`` that ``letters`` vouch for: a letter naming a job
    (``covers_work_id``) vouches for that job only, one naming none for every job, and one
    naming a job that does not count here for nothing. A letter vouches for the dates it states
    ('to present' meaning up to its own date), never past its own date: a letter cannot know
    what came after it. One marked as vouching for its whole job (time stated in words, under
    a policy that accepts it) vouches for the job it names."""
    if not letters:
        return []
    index_of = {job.id: index for index, job in enumerate(jobs) if job.id}
    general: list[Interval] = []
    own: dict[int, list[Interval]] = {}
    for letter, whole_job in letters:
        target = letter.get("covers_work_id")
        span = _letter_span(letter)
        if span is None and whole_job and target in index_of:
            span = jobs[index_of[target]].interval
        if span is None or span[0] > span[1]:  # dated 'to present' before its start: no time
            continue
        if not target:
            general.append(span)
        elif target in index_of:
            own.setdefault(index_of[target], []).append(span)
    return _stretches(jobs, general, own)


def jobs_of(records: Iterable[Mapping[str, Any]], as_of: date) -> list[Job | None]:
    """Work records as intervals cut at the evaluation date (an ongoing job runs to it, CONV-1);
    None for one that starts after it."""
    out: list[Job | None] = []
    for record in records:
        end = record.get("end_date")
        start = record.get("start_date")  # left out: not known, and not counted (engine/unstated)
        interval = clip((parse(start), parse(end) if end else as_of), as_of) if start else None
        if interval is None:
            out.append(None)
            continue
        ongoing = end is None or parse(end) >= as_of
        out.append(Job(record.get("id"), interval, record.get("hours_per_week"), ongoing))
    return out


def _letter_span(letter: Mapping[str, Any]) -> Interval | None:
    """The dates a letter states, 'to present' meaning up to the letter's own date."""
    start, written = letter.get("stated_start"), letter.get("letter_date")
    end = letter.get("stated_end") or (written if letter.get("states_to_present") else None)
    if not (start and end):
        return None
    return parse(start), min(parse(end), parse(written)) if written else parse(end)


def _months_policies(params: Mapping[str, Any]) -> list[str]:
    hours = params.get("full_time_hours")
    return [hours["policy"]] if hours else []


def _months_grow(params: Mapping[str, Any]) -> bool:
    """Months of ongoing jobs grow with time; months that letters vouch for only where a letter
    vouches for a whole job (its stated dates do not move)."""
    vouched = params.get("vouched_by")
    return not vouched or "whole_job_when" in vouched


# --- credentials held, and lapsed --------------------------------------------------------------


# A record of the held_credentials section (what ``held`` gives), described as the profile schema
# describes the other sections' records: what fact files' expressions over it may read.
HELD_RECORD: Mapping[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "description": "the registry's id"},
        "held_as": {
            "type": "string",
            "description": "the name it is held under (an apprentice form for an apprentice)",
        },
        "apprentice": {"type": "boolean", "description": "held with an apprentice designation"},
        "body": {"type": "string", "description": "the body that issued it"},
        "coding": {"type": "boolean", "description": "a coding credential (the registry's)"},
        "known": {"type": "boolean", "description": "listed in the registry"},
    },
}


def held(
    profile: Mapping[str, Any], as_of: date, registry: Any, lapsed: frozenset[str]
) -> list[dict[str, Any]]:
    """The profile's credentials active on ``as_of`` (CONV-6: revoked, lapsed or inactive ones do
    not count, nor one awarded later, nor one its own keeping rules make lapse), as records:
    ``id`` (the registry's), ``held_as`` (the apprentice name for an apprentice), ``apprentice``,
    ``body``, ``coding`` and ``known`` (listed in the registry)."""
    out = []
    for record in profile.get("credentials", []):
        cid, named_apprentice = registry.normalise(record["id"])
        since = _since(record)
        if status_on(record, as_of) != "active" or (since and since > as_of) or cid in lapsed:
            continue
        removed = record.get("apprentice_removed_date")
        apprentice = bool(named_apprentice or record.get("apprentice", False)) and not (
            removed and parse(removed) <= as_of
        )
        info = registry.info(cid)
        out.append(
            {
                "id": cid,
                "held_as": registry.apprentice_name(cid) if apprentice else cid,
                "apprentice": apprentice,
                "body": record.get("issuing_body") or (info.body if info else "other"),
                "coding": bool(info and info.coding),
                "known": info is not None,
            }
        )
    return out


def status_on(record: Mapping[str, Any], as_of: date) -> str:
    """The credential's status on ``as_of``: a reported status counts from its effective date on."""
    status = record.get("status", "active")
    effective = record.get("status_effective_date")
    return "active" if effective and parse(effective) > as_of else status


def _lapsed(ctx: Context, definition: Definition) -> list[str]:
    return sorted(ctx.lapsed)


# --- sums of CEUs over dates ---------------------------------------------------------------------


class Ledger:
    """Records in date order with exact running totals of several sums, so that the sums over
    any stretch of dates take a logarithmic search instead of a pass over every record (a
    profile may list thousands, and each credential's cycles ask). Exact: a sum does not depend
    on the order the records are listed in, and sums of whole numbers stay whole (20, not 20.0)."""

    def __init__(self, rows: Iterable[tuple[date, float, Sequence[bool]]], width: int) -> None:
        ordered = sorted(rows, key=lambda row: row[0])
        self.days = [day for day, _, _ in ordered]
        values = _exact(value for _, value, _ in ordered)
        self.fractional = [0]
        total: tuple[Any, ...] = (0,) * width
        self.running = [total]
        for (_, raw, counted), value in zip(ordered, values, strict=True):
            self.fractional.append(self.fractional[-1] + (type(raw) is not int))
            total = tuple(t + (value if c else 0) for t, c in zip(total, counted, strict=True))
            self.running.append(total)

    def between(self, start: date, end: date) -> tuple[Any, ...]:
        """Each sum over the records dated from ``start`` to ``end``."""
        low, high = bisect_left(self.days, start), bisect_right(self.days, end)
        if low == high:
            return (0,) * len(self.running[0])
        whole = self.fractional[high] == self.fractional[low]
        return tuple(
            int(b - a) if whole else round(float(b - a), 2)
            for a, b in zip(self.running[low], self.running[high], strict=True)
        )


def _canonical(record: Mapping[str, Any]) -> bytes:
    """A record's content as a sort key: records listed in any order, and their bookkeeping
    (a note, a document id) told any way, are read in one."""
    content = {key: value for key, value in record.items() if key not in BOOKKEEPING}
    return orjson.dumps(content, option=orjson.OPT_SORT_KEYS, default=str)


def _total(values: Iterable[float]) -> float:
    """A sum of CEUs that does not depend on their order (whole numbers stay whole)."""
    values = list(values)
    if all(type(value) is int for value in values):
        return sum(values)
    return round(math.fsum(values), 2)


# --- recertification cycles ----------------------------------------------------------------------


def _cycles_expressions(params: Mapping[str, Any]) -> list[Expression]:
    out: list[Expression] = [
        (f"sum.{name}", "ceus", spec["where"], ("sums", name, "where"))
        for name, spec in params["sums"].items()
        if "where" in spec
    ]
    count = params.get("count_dates", {})
    if "ceus_where" in count:
        out.append(("count.ceus", "ceus", count["ceus_where"], ("count_dates", "ceus_where")))
    return out


def _cycles_names(params: Mapping[str, Any]) -> list[Named]:
    out = [Named(("body",), "body", params["body"])] if "body" in params else []
    count = params.get("count_dates")
    if count:
        out.append(Named(("count_dates", "records"), "section", count["records"]))
        out.append(Named(("count_dates", "date"), "field", count["date"], count["records"]))
        earns = count.get("ceus")
        if earns:
            out.append(
                Named(("count_dates", "ceus", "field"), "field", earns["field"], count["records"])
            )
            out.append(Named(("count_dates", "ceus", "body"), "body", earns["body"]))
            out += [
                Named(("count_dates", "ceus", "sums", k), "sum", name, values=tuple(params["sums"]))
                for k, name in enumerate(earns["sums"])
            ]
    out += [
        Named(("flags", name, "field"), "field", spec["field"], "credentials.recert_cycles")
        for name, spec in params.get("flags", {}).items()
    ]
    standing = params["standing"]
    out.append(Named(("standing", "before"), "standing", standing["before"]))
    out += [
        Named(("standing", "after_end", index, "standing"), "standing", step["standing"])
        for index, step in enumerate(standing["after_end"])
    ]
    out += [
        Named(("standing_words", name), "standing", name)
        for name in params.get("standing_words", {})
    ]
    out += [
        Named(("standing", "windows", name, "after"), "standing", window["after"])
        for name, window in standing.get("windows", {}).items()
    ]
    return out


def _cycles_templates(
    params: Mapping[str, Any],
) -> list[tuple[tuple[str, ...], str, tuple[str, ...]]]:
    steps = tuple(step["standing"] for step in params["standing"]["after_end"])
    window = ("window_opens",) if params.get("window") else ()
    names = ("start", "end", "as_of", "standing", *steps, *window)  # as _cycle fills it in
    out: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = [
        (("consequence",), params["consequence"], names)
    ]
    if params.get("next_words"):
        out.append((("next_words",), params["next_words"], ("standing", "day")))
    words = params.get("status_words", {})  # as _cycles fills them in
    out += [(("status_words", "dated"), words["dated"], ("status", "since"))] if words else []
    out += [(("status_words", "undated"), words["undated"], ("status",))] if words else []
    if words.get("aged"):
        out += [(("status_words", "aged"), words["aged"], ("status", "now", "days", "when"))]
    return out


def _cycles(ctx: Context, definition: Definition) -> dict[str, Any]:
    """Per credential record with ``recert_cycles``: the status the profile reports for it on the
    date (the body's own record, which the CEUs do not override), its last completed cycle and its
    current one with the CEUs of each (pooled within the credential's body; those reported for
    another body's credential left out; in the current one, only those completed by the date),
    and what follows if a cycle's requirements were not met."""
    params = definition.params
    registry = ctx.registry
    credentials = ctx.profile.get("credentials", [])
    every = "body" in params  # one body's credentials, each (without cycles: none exists)
    if every:
        credentials = [
            record
            for record in credentials
            if (record.get("issuing_body") or registry.body_of(record["id"])) == params["body"]
        ]
    if not credentials or not (every or any(r.get("recert_cycles") for r in credentials)):
        return {}
    sums = list(params["sums"])
    wheres = [definition.slots.get(f"sum.{name}") for name in sums]
    # a sum of records dated by a field (a submission) counts only those dated by the date
    dated_by = [params["sums"][name].get("dated_by") for name in sums]
    day = ctx.day  # ISO dates compare in date order as text
    # a CEU record without its completion date is in no cycle (engine/unstated.py places it)
    ceus = [row for row in ctx.rows("ceus") if row[0].get("completion_date")]
    reported: dict[str, list[tuple[Mapping[str, Any], list[Any]]]] = {}
    for ceu, results in ceus:
        if ceu.get("applied_to_credential_id"):
            target = registry.normalise(ceu["applied_to_credential_id"])[0]
            reported.setdefault(target, []).append((ceu, results))

    count = params.get("count_dates")
    counted_records = ctx.profile.get(count["records"], []) if count else []
    dates = [parse(r[count["date"]]) for r in counted_records] if count else []
    # the CEUs the counted records earn themselves (a self-review listed apart: AHIMA-RC-3's 5
    # CEUs toward the 20), for the one body whose they are, in the sums named
    earns = count.get("ceus") if count else None
    earned = (
        [
            (day, record, record.get(earns["field"], earns["default"]))
            for day, record in zip(dates, counted_records, strict=True)
        ]
        if earns
        else []
    )
    into = [name in earns["sums"] for name in sums] if earns else []

    def ledger(
        rows: Iterable[tuple[Mapping[str, Any], list[Any]]],
        also: Iterable[tuple[date, Mapping[str, Any], float]] = (),
    ) -> Ledger:
        return Ledger(
            chain(
                (
                    (
                        parse(ceu["completion_date"]),
                        ceu["ceus"],
                        [
                            (slot is None or _truthy(results[slot.index]))
                            and (field is None or (ceu.get(field) or "~") <= day)
                            for slot, field in zip(wheres, dated_by, strict=True)
                        ],
                    )
                    for ceu, results in rows
                ),
                ((day, value, into) for day, _, value in also),
            ),
            len(sums),
        )

    def earned_by(
        body: str, credential: str | None = None
    ) -> list[tuple[date, Mapping[str, Any], float]]:
        """The counted records' own CEUs in ``body``'s pool (or reported for ``credential``)."""
        if not earns or body != earns["body"]:
            return []
        return [
            row
            for row in earned
            if credential is None
            or (
                row[1].get("credential_id")
                and registry.normalise(row[1]["credential_id"])[0] == credential
            )
        ]

    counted_ceus = definition.slots.get("count.ceus")  # CEU records the count counts too
    pools: dict[str, tuple[Ledger, list[date]]] = {}

    def pool(body: str) -> tuple[Ledger, list[date]]:
        """The body's CEU records (those reported for another body's credential left out), and
        the dates the count counts: its section's, and those of the body's CEU records it names."""
        if body not in pools:
            rows = [
                (ceu, results)
                for ceu, results in ceus
                if not ceu.get("applied_to_credential_id")
                or registry.body_of(ceu["applied_to_credential_id"]) == body
            ]
            named = [
                parse(ceu["completion_date"])
                for ceu, results in rows
                if counted_ceus is not None and _truthy(results[counted_ceus.index])
            ]
            pools[body] = (ledger(rows, earned_by(body)), sorted(dates + named))
        return pools[body]

    body_spec = params.get("body_credentials")
    # per body and day: counted once, not once per credential (their cycles mostly end alike)
    held_of_body: dict[tuple[str, date], tuple[str, ...]] = {}

    def held_by(body: str, by: date) -> tuple[str, ...]:
        if (body, by) not in held_of_body:
            held_of_body[body, by] = _body_credentials(ctx, body, body_spec["statuses"], by)
        return held_of_body[body, by]

    def put_held(entry: dict[str, Any], body: str, by: date) -> None:
        held = held_by(body, by)
        entry[body_spec["name"]] = len(held)
        if body_spec.get("held"):  # which ones: a body may ask more for one (AHIMA's RHIA)
            entry[body_spec["held"]["name"]] = list(held)

    out: dict[str, Any] = {}
    for record in sorted(credentials, key=_canonical):  # one credential's records in one order
        cycles = sorted(record.get("recert_cycles", []), key=lambda c: (c["start"], c["end"]))
        if not cycles and not every:
            continue
        body = record.get("issuing_body") or registry.body_of(record["id"])
        pooled, counted = pool(body)
        cid = registry.normalise(record["id"])[0]
        own = (
            ledger(reported.get(cid, ()), earned_by(body, cid))
            if registry.body_of(cid) == body
            else ledger(())
        )
        done = [c for c in cycles if parse(c["end"]) < ctx.as_of]
        entry = _reported_status(ctx, params, record)
        # a credential its body reports retired, expired, lapsed or revoked has no cycle running,
        # whatever the cycle dates say: nothing earned in it can keep the credential
        running = [
            c
            for c in cycles
            if parse(c["start"]) <= ctx.as_of <= parse(c["end"])
            and entry["status"] in params.get("running_statuses", (entry["status"],))
        ]
        for name, window in params["standing"].get("windows", {}).items():
            entry[name] = _window(ctx, params, window, record, done[-1] if done else None)
        if body_spec:
            put_held(entry, body, ctx.as_of)
        if ctx.wants(definition, "last"):
            entry["last"] = _cycle(ctx, params, done[-1] if done else None, pooled, own, counted)
            if _cycle_left_out(record, cycles, done, ctx.as_of):
                # the last cycle to have ended is not among those given: not known
                entry["last"] = {
                    **dict.fromkeys(entry["last"]),
                    "consequences": [],
                    **({"next_words": ""} if params.get("next_words") else {}),
                }
        if ctx.wants(definition, "current"):
            entry["current"] = _cycle(
                ctx, params, running[0] if running else None, pooled, own, counted
            )
        for which in ("last", "current") if body_spec else ():
            if which in entry:  # a credential first held after a cycle ended asks nothing of it
                cycle = entry[which]
                by = min(parse(cycle["end"]), ctx.as_of) if cycle["exists"] else ctx.as_of
                put_held(entry[which], body, by)
        out[cid] = entry
    return out


def _cycle_left_out(
    record: Mapping[str, Any],
    cycles: Sequence[Mapping[str, Any]],
    done: Sequence[Mapping[str, Any]],
    as_of: date,
) -> bool:
    """Whether a cycle that has ended is missing from those given, so that the last completed
    one is not known (cycles follow each other, each as long as the one before): one after the
    last given, itself ended by the date; or, none given having ended, one before the first,
    which began more than a month after the credential was first held."""
    if not cycles:
        return False
    if done:
        start, end = parse(done[-1]["start"]), parse(done[-1]["end"])
        later = any(parse(c["start"]) > end for c in cycles)
        return not later and as_of > end + (end - start)
    since = _since(record)
    return since is not None and parse(cycles[0]["start"]) - since > timedelta(days=31)


def _reported_status(
    ctx: Context, params: Mapping[str, Any], record: Mapping[str, Any]
) -> dict[str, Any]:
    """The status the profile reports for the credential on the date, since when, and in words;
    and the status it has now (``status_now``, since ``status_now_since``): the reported one, or
    the later standing the body's steps have given it since (AHIMA revokes a credential 180
    days after it became inactive, which the profile's record may not show yet)."""
    status = status_on(record, ctx.as_of)
    since = None if status == "active" else record.get("status_effective_date")
    now, when, days = _aged(params, status, since, ctx.as_of)
    exact = when is not None and when[0] == when[1]
    out: dict[str, Any] = {
        "status": status,
        "status_since": since,
        "status_now": now,
        "status_now_since": when[0].isoformat() if exact else since if now == status else None,
    }
    if "status_words" in params:
        words = params["status_words"]
        said = (
            []
            if status == "active"
            else [words["dated" if since else "undated"].format(status=status, since=since)]
        )
        if when is not None and words.get("aged"):
            said.append(
                words["aged"].format(
                    status=status,
                    now=now,
                    days=days,
                    when=f"from {when[0].isoformat()}"
                    if exact
                    else f"from a day between {when[0].isoformat()} and {when[1].isoformat()}",
                )
            )
        out["status_words"] = said
    return out


def _aged(
    params: Mapping[str, Any], status: str, since: str | None, as_of: date
) -> tuple[str, tuple[date, date] | None, int | None]:
    """The standing a reported one has grown into by ``as_of`` through the later steps of
    ``standing.after_end`` (inactive since D: revoked from D + 180 days), the first and last
    day it may have done so (one day, unless the profile gives the status's day only as a
    month or a year: never guessed), and after how many days; the reported one (and None)
    while no later step has surely come."""
    steps = [(step["days"], step["standing"]) for step in params["standing"]["after_end"]]
    begun = next((days for days, standing in steps if standing == status), None)
    if since is None or begun is None:
        return status, None, None
    first, latest = span(str(since))
    found: tuple[str, tuple[date, date] | None, int | None] = (status, None, None)
    for days, standing in steps:
        later = timedelta(days=days - begun)
        if days > begun and latest + later <= as_of:
            found = (standing, (first + later, latest + later), days - begun)
    return found


def _window(
    ctx: Context,
    params: Mapping[str, Any],
    window: Mapping[str, Any],
    record: Mapping[str, Any],
    last: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """A deadline that runs from the day the credential took a standing (an appeal within 90
    days of a revocation): that day, the window's last day and whether it is still open on the
    date. The day is the one the profile reports the standing from; for a credential reported
    active, the day the last cycle's requirements, if unmet, give it, once that day has come
    (whether they were met is the rules' to say). A day the profile gives only as a month or a
    year gives the range the last day falls in (``by_earliest``, ``by_latest``), ``from`` and
    ``by`` None and ``open`` None while the date is inside that range: a window is never dated
    from a guessed day. All None when the credential has not taken the standing, or the profile
    does not say since when."""
    nothing = {"from": None, "by": None, "by_earliest": None, "by_latest": None, "open": None}
    after = window["after"]
    status = status_on(record, ctx.as_of)
    began = record.get("status_effective_date")
    now, grown, _ = _aged(params, status, began, ctx.as_of)
    if now == after and grown is not None:  # grown into it through the body's steps
        first, last_day = grown
    elif status == after:
        began = record.get("status_effective_date")
        if began is None:
            return nothing
        first, last_day = span(str(began))
    elif status == "active" and last is not None:
        steps = {step["standing"]: step["days"] for step in params["standing"]["after_end"]}
        ends = span(str(last["end"]))
        first, last_day = (end + timedelta(days=steps[after]) for end in ends)
        if ctx.as_of < first:
            return nothing
    else:
        return nothing
    length = timedelta(days=window["days"])
    earliest, latest = first + length, last_day + length
    exact = first == last_day
    return {
        "from": first.isoformat() if exact else None,
        "by": earliest.isoformat() if exact else None,
        "by_earliest": earliest.isoformat(),
        "by_latest": latest.isoformat(),
        "open": True if ctx.as_of <= earliest else False if ctx.as_of > latest else None,
    }


def _body_credentials(
    ctx: Context, body: str, statuses: Sequence[str], by: date | None = None
) -> tuple[str, ...]:
    """Distinct credentials of ``body`` held with one of ``statuses`` on ``by`` (the date when
    not given) and first held by then: awarded or passed, or, with neither date given, its
    first recertification cycle begun (a credential's first cycle begins when it is earned)."""
    registry, by = ctx.registry, by or ctx.as_of
    return tuple(
        sorted(
            {
                registry.normalise(r["id"])[0]
                for r in ctx.profile.get("credentials", [])
                if (r.get("issuing_body") or registry.body_of(r["id"])) == body
                and status_on(r, by) in statuses
                and not ((since := _since(r) or _first_cycle(r)) and since > by)
            }
        )
    )


def _first_cycle(record: Mapping[str, Any]) -> date | None:
    """The first day of a credential's earliest recertification cycle, if it gives any."""
    starts = [parse(c["start"]) for c in record.get("recert_cycles", []) if c.get("start")]
    return min(starts) if starts else None


def _cycle(
    ctx: Context,
    params: Mapping[str, Any],
    cycle: Mapping[str, Any] | None,
    pooled: Ledger,
    own: Ledger,
    dates: list[date],
) -> dict[str, Any]:
    sums = list(params["sums"])
    own_name = params["own_sum"]["name"] if params.get("own_sum") else None
    # the same sums of the CEUs reported for the credential itself: sum name -> its own name
    own_each = params["own_sum"].get("each", {}) if params.get("own_sum") else {}
    count = params.get("count_dates")
    flags = params.get("flags", {})
    date_flags = params.get("date_flags", {})
    window = params.get("window")
    if cycle is None:
        return {
            "exists": False,
            "start": None,
            "end": None,
            **({"window_opens": None} if window else {}),
            **dict.fromkeys(sums, 0),
            **({own_name: 0} if own_name else {}),
            **dict.fromkeys(own_each.values(), 0),
            "standing_if_unmet": None,
            **({"next_words": ""} if params.get("next_words") else {}),
            **({count["name"]: 0} if count else {}),
            **dict.fromkeys(flags, False),
            **dict.fromkeys(date_flags, False),
            "consequences": [],
        }
    start, end = parse(cycle["start"]), parse(cycle["end"])
    # a running cycle counts what is done by the date: later records are not yet earned
    upto = min(end, ctx.as_of)
    timeline = params["standing"]
    standing = timeline["before"]
    when: dict[str, str] = {}
    coming: tuple[str, date] | None = None  # the next standing unmet requirements bring
    for step in timeline["after_end"]:
        day = end + timedelta(days=step["days"])
        when[step["standing"]] = day.isoformat()
        if ctx.as_of >= day:
            standing = step["standing"]
        elif coming is None:
            coming = (step["standing"], day)
    words = params.get("standing_words", {}).get(standing, standing)
    # the submission window: the last ``months`` calendar months of the cycle
    opens = (
        {"window_opens": add_months(end + ONE_DAY, -window["months"]).isoformat()} if window else {}
    )
    consequence = params["consequence"].format(
        start=cycle["start"],
        end=cycle["end"],
        as_of=ctx.as_of.isoformat(),
        standing=words,
        **when,
        **opens,
    )
    if cycle.get("extension_purchased") and end < ctx.as_of:  # one running is not yet late
        consequence += params.get("extension_note", "")
    # the body's records show the cycle met (marked compliant): nothing follows from its CEUs
    settled = any(spec.get("settles") and cycle.get(spec["field"]) for spec in flags.values())
    next_words = (
        {
            "next_words": params["next_words"].format(standing=coming[0], day=coming[1].isoformat())
            if coming and end < ctx.as_of  # a cycle still running has its own deadline
            else ""
        }
        if params.get("next_words")
        else {}
    )
    own_sums = own.between(start, upto)  # the CEUs reported for the credential itself
    return {
        "exists": True,
        "standing_if_unmet": standing,
        **next_words,
        "start": cycle["start"],
        "end": cycle["end"],
        **opens,
        **dict(zip(sums, pooled.between(start, upto), strict=True)),
        **({own_name: own_sums[0]} if own_name else {}),
        **{own: own_sums[sums.index(name)] for name, own in own_each.items()},
        **({count["name"]: bisect_right(dates, upto) - bisect_left(dates, start)} if count else {}),
        **{name: bool(cycle.get(spec["field"])) for name, spec in flags.items()},
        **{name: _date_flag(spec, start, end) for name, spec in date_flags.items()},
        "consequences": [] if settled else [consequence],
    }


def _date_flag(spec: Mapping[str, Any], start: date, end: date) -> bool:
    """Whether a cycle's dates meet a dated rule's condition (CONV-9 keys rules to cycles)."""
    if "start_before" in spec:
        return start < parse(str(spec["start_before"]))
    if "start_on_or_after" in spec:
        return start >= parse(str(spec["start_on_or_after"]))
    return end >= parse(str(spec["end_on_or_after"]))


def _cycles_paths(name: str, params: Mapping[str, Any]) -> list[tuple[str, str | None, Any]]:
    number, text = "number", ["string", "null"]
    out: list[tuple[str, str | None, Any]] = [
        (name, None, "object"),
        (f"{name}.*", None, "object"),
        (
            f"{name}.*.status",
            "the status the profile reports for the credential on the date (active unless a "
            "status other than active has taken effect by then)",
            "string",
        ),
        (f"{name}.*.status_since", "when that status took effect, if not active", text),
        (
            f"{name}.*.status_now",
            "the status on the date: the reported one, or the later standing the body's steps"
            " (standing.after_end) have given it since",
            "string",
        ),
        (
            f"{name}.*.status_now_since",
            "when that status took effect, if not active (null when the profile gives the day"
            " only as a month or a year)",
            text,
        ),
    ]
    if params.get("status_words"):
        out.append((f"{name}.*.status_words", "that status in words, if not active", "array"))
    if params.get("body_credentials"):
        spec = params["body_credentials"]
        out.append((f"{name}.*.{spec['name']}", spec.get("text"), "integer"))
        if spec.get("held"):
            out.append((f"{name}.*.{spec['held']['name']}", spec["held"].get("text"), "array"))
    for window, spec in params["standing"].get("windows", {}).items():
        base, after = f"{name}.*.{window}", spec["after"]
        out += [
            (base, spec["text"], "object"),
            (
                f"{base}.from",
                f"the day the credential became {after}: the day the profile reports, or for one "
                f"reported active, the day the last cycle's requirements, if unmet, made it {after}",
                text,
            ),
            (f"{base}.by", f"the last day of the window ({spec['days']} days after)", text),
            (
                f"{base}.by_earliest",
                "the earliest the window's last day can be (the day itself, when it is known)",
                text,
            ),
            (
                f"{base}.by_latest",
                "the latest the window's last day can be (the day itself, when it is known)",
                text,
            ),
            (
                f"{base}.open",
                "whether the window is still open on the date (null: it depends on a day the"
                " profile gives only as a month or a year)",
                ["boolean", "null"],
            ),
        ]
    for which in ("last", "current"):
        base = f"{name}.*.{which}"
        out += [
            (base, None, "object"),
            (f"{base}.exists", "whether there is such a cycle", "boolean"),
            (f"{base}.start", "the cycle's first day", text),
            (f"{base}.end", "the cycle's last day", text),
            *(
                [(f"{base}.window_opens", "the first day to submit the cycle's CEUs", text)]
                if params.get("window")
                else []
            ),
            (f"{base}.standing_if_unmet", "the standing if its requirements were not met", text),
            (f"{base}.consequences", "what follows if its requirements were not met", "array"),
            *(
                [
                    (
                        f"{base}.next_words",
                        "for an ended cycle, the next standing unmet requirements bring and its"
                        " day, in words for a step (empty when none is left)",
                        "string",
                    )
                ]
                if params.get("next_words")
                else []
            ),
        ]
        out += [
            (f"{base}.{sum_name}", spec.get("text"), number)
            for sum_name, spec in params["sums"].items()
        ]
        if params.get("own_sum"):
            own = params["own_sum"]
            out.append((f"{base}.{own['name']}", own.get("text"), number))
            out += [
                (
                    f"{base}.{own_name}",
                    f"{params['sums'][sum_name].get('text', sum_name)}, of those reported for"
                    " this credential itself",
                    number,
                )
                for sum_name, own_name in own.get("each", {}).items()
            ]
        if params.get("count_dates"):
            count = params["count_dates"]
            out.append((f"{base}.{count['name']}", count.get("text"), "integer"))
        if params.get("body_credentials"):
            spec = params["body_credentials"]
            out.append(
                (
                    f"{base}.{spec['name']}",
                    "credentials of the same body held, with one of those statuses, at the"
                    " cycle's end (or on the date, if sooner) and first held by then",
                    "integer",
                )
            )
            if spec.get("held"):
                out.append(
                    (
                        f"{base}.{spec['held']['name']}",
                        "which credentials those are (their ids)",
                        "array",
                    )
                )
        for flags in (params.get("flags", {}), params.get("date_flags", {})):
            out += [(f"{base}.{flag}", spec.get("text"), "boolean") for flag, spec in flags.items()]
    # the last cycle is not known when the profile leaves it out (_cycle_left_out): its values
    # are null then, but for what is said of it in words
    return [
        (path, text, _or_null(kind))
        if ".last." in path and kind in ("boolean", "number", "integer")
        else (path, text, kind)
        for path, text, kind in out
    ]


def _or_null(kind: Any) -> list[str]:
    return [kind, "null"]


def _cycles_left_out(
    ctx: Context, definition: Definition, part: str, holds: Holds
) -> list[Omitted]:
    """The CEU records left out of a sum of a credential's cycle (``part``: ``CCS.last.hiim``),
    with the fact file's words: reported for another body's credential, failing the sum's
    ``where`` (its ``left_out.sums`` checks), completed after the cycle ended (by the date), or
    within it but after the date (each of these alone: the others do not matter then). Records
    from before the cycle count in an earlier one: not listed. The own sum and counts give
    none."""
    params, registry = definition.params, ctx.registry
    cid, _, rest = part.partition(".")
    which, _, name = rest.partition(".")
    if which not in ("last", "current") or name not in params["sums"]:
        return []
    records = [
        r
        for r in ctx.profile.get("credentials", [])
        if registry.normalise(r["id"])[0] == cid
        and ("body" in params or r.get("recert_cycles"))  # as _cycles reads them
        and (
            "body" not in params
            or (r.get("issuing_body") or registry.body_of(r["id"])) == params["body"]
        )
    ]
    if not records:
        return []
    record = sorted(records, key=_canonical)[-1]  # as _cycles keeps the last written
    cycles = sorted(record.get("recert_cycles", []), key=lambda c: (c["start"], c["end"]))
    if which == "last":
        chosen = [c for c in cycles if parse(c["end"]) < ctx.as_of][-1:]
    else:
        chosen = [c for c in cycles if parse(c["start"]) <= ctx.as_of <= parse(c["end"])][:1]
    if not chosen:
        return []
    start, end = parse(chosen[0]["start"]), parse(chosen[0]["end"])
    body = record.get("issuing_body") or registry.body_of(record["id"])
    dates = {"start": chosen[0]["start"], "end": chosen[0]["end"]}
    return _ceus_left_out(
        ctx,
        definition,
        name,
        holds,
        start,
        end,
        dates,
        lambda target: registry.body_of(target) == body,
    )


def _ceus_left_out(
    ctx: Context,
    definition: Definition,
    name: str,
    holds: Holds,
    start: date,
    end: date,
    dates: Mapping[str, str],
    ours: Callable[[str], bool],
    kept: Callable[[Mapping[str, Any]], bool] | None = None,
    certified: date | None = None,
) -> list[Omitted]:
    """The CEU records of ``start`` to ``end`` a sum ``name`` leaves out, and why (see
    :func:`_cycles_left_out`). ``ours``: whether a credential a record is reported for is of the
    body; ``kept``: whether the kind keeps a record reported for none; ``certified``: records
    completed before it count for nothing."""
    spec = definition.left_out or {}
    words = spec.get("reasons", {})
    checks = spec.get("sums", {}).get(name, [])
    where = definition.params.get("sums", {}).get(name, {}).get("where")
    dated_by = definition.params.get("sums", {}).get(name, {}).get("dated_by")
    out = []
    for number, ceu in enumerate(ctx.profile.get("ceus") or [], start=1):
        if not ceu.get("completion_date"):
            continue
        day = parse(ceu["completion_date"])
        target = ceu.get("applied_to_credential_id")
        names = {**dates, "completed": ceu["completion_date"], "as_of": ctx.day}
        if target:
            names["credential"] = ctx.registry.normalise(target)[0]
        reasons = []
        if day > end or (certified and day < certified):
            # outside the stretch: only one the body would count otherwise
            if (target and not ours(target)) or (not target and kept and not kept(ceu)):
                continue
            if day > end and day <= ctx.as_of and "after_end" in words:
                reasons.append(words["after_end"].format(**names))
            elif (  # before certification, in the period it falls in
                certified
                and day < certified
                and start <= certified
                and "before_certification" in words
            ):
                reasons.append(words["before_certification"].format(**names))
        elif day >= start:  # within: the first reason that decides, or what it fails
            dropped = (where is not None and not holds(where, ceu)) or (
                not target and kept is not None and not kept(ceu)
            )
            if day > ctx.as_of:
                reasons += [words["not_yet"].format(**names)] if "not_yet" in words else []
            elif target and not ours(target):
                reasons += [words["other_body"].format(**names)] if "other_body" in words else []
            elif dropped:
                reasons += failed_checks(ctx.profile, "ceus", checks, ceu, holds)
            elif dated_by and (ceu.get(dated_by) or "") > ctx.day and "dated_later" in words:
                reasons.append(words["dated_later"].format(**names, dated=ceu[dated_by]))
        if reasons:
            out.append(Omitted(number, ceu, tuple(reasons)))
    return out


# --- renewal periods and dues --------------------------------------------------------------------


def _periods_expressions(params: Mapping[str, Any]) -> list[Expression]:
    out: list[Expression] = [
        ("membership", "memberships", params["membership"]["where"], ("membership", "where"))
    ]
    if "ceus_unreported" in params:
        out.append(("unreported", "ceus", params["ceus_unreported"], ("ceus_unreported",)))
    for cid, logic in params.get("specific", {}).get("also", {}).items():
        out.append((f"also.{cid}", "ceus", logic, ("specific", "also", cid)))
    return out


def _periods_policies(params: Mapping[str, Any]) -> list[str]:
    held_at = params.get("held_at")
    return [held_at["policy"]] if held_at else []


def _periods_policy_matters(
    params: Mapping[str, Any], profile: Mapping[str, Any], as_of: date
) -> bool:
    """Which credentials a period counts (``held_at``) can differ only for a member with a
    credential of the body first held after the first one and within the periods the date
    sees (the last ended one began at most two periods before it), or not dated at all; or in
    any period before, when CEUs of a renewal month may be carried on (what an older period
    did not need rests on what it counted)."""
    body = params["body"]
    days = [
        _since(r)
        for r in profile.get("credentials") or ()
        if isinstance(r, Mapping) and r.get("issuing_body", body) == body
    ]
    if None in days:
        return len(days) > 1
    seen = add_months(as_of, -12 * 2 * params["years"] - 1)
    if params.get("renewal_month_either") and "ceus_needed" in params:
        months = {
            m.get("renewal_month")
            for m in profile.get("memberships") or ()
            if isinstance(m, Mapping)
        }
        if any(
            isinstance(c, Mapping)
            and isinstance(c.get("completion_date"), str)
            and c["completion_date"][5:7].isdigit()
            and int(c["completion_date"][5:7]) in months
            for c in profile.get("ceus") or ()
        ):
            seen = date.min
    first = min(days, default=None)
    return any(day > first and day >= seen for day in days)  # type: ignore[operator]


def _periods_names(params: Mapping[str, Any]) -> list[Named]:
    out = [Named(("body",), "body", params["body"]), *_policy_table(params, "held_at")]
    specific = params.get("specific")
    if specific:
        out.append(Named(("specific", "tag_field"), "field", specific["tag_field"], "ceus"))
        out += [
            Named(("specific", part, cid), "credential", cid)
            for part in ("also", "needed")
            for cid in specific.get(part, {})
        ]
    if "dues_paid_field" in params:
        out.append(Named(("dues_paid_field",), "field", params["dues_paid_field"], "memberships"))
    needed = params.get("ceus_needed")
    if needed is not None:  # entries from a due date: the first without one, then in order
        entries = needed if isinstance(needed, list) else [needed]
        days = tuple(str(e.get("due_from") or "") for e in entries if isinstance(e, Mapping))
        out.append(
            Named(
                ("ceus_needed",),
                "dated",
                "ceus_needed",
                "list" if isinstance(needed, list) else "one",
                days,
            )
        )
    return out


def _periods_templates(
    params: Mapping[str, Any],
) -> list[tuple[tuple[str, ...], str, tuple[str, ...]]]:
    return (
        [  # as _periods and _period fill them in
            (("period_consequence",), params["period_consequence"], ("start", "due", "revoked")),
            (("past_consequence",), params["past_consequence"], ("as_of",)),
            (("dues_consequence",), params["dues_consequence"], ("paid_through", "revoked")),
        ]
        + [
            ((key,), params[key], ("paid_on", "revoked"))
            for key in ("dues_paid_too_late_consequence",)
            if key in params
        ]
        + [
            ((key,), params[key], ("ceus", "due", "revoked", "as_of"))
            for key in (
                "unsubmitted_consequence",
                "unsubmitted_past_consequence",
                "late_consequence",
            )
            if key in params
        ]
        + [((key,), params[key], ()) for key in ("no_membership_consequence",) if key in params]
        + [
            ((key,), params[key], ("ceus", "due", "revoked", "as_of"))
            for key in ("running_unsubmitted_consequence",)
            if key in params
        ]
        + [
            ((key,), params[key], ("ceus", "month", "start", "due", "submitted", "needed"))
            for key in ("carried_consequence",)
            if key in params
        ]
    )


_NO_PERIOD: Mapping[str, Any] = {
    "exists": False,
    "credentials": 0,
    "standing_if_unmet": None,
    "start": None,
    "due": None,
    "submit_by": None,
    "ceus": 0,
    "ceus_submitted": 0,
    "ceus_before_certification": 0,
    "ceus_carried": 0,
    "counted_words": [],
    "ceus_needed": None,
    "ceus_short": False,
    "full_period": True,
    "specific": {},
    "specific_needed": {},
    "specific_all_met": True,
    "specific_shared": {},
    "specific_shared_needed": {},
    "specific_sharing": {},
    "specific_idle": {},
    "consequences": [],
}


# periods of a member whose certification date the profile does not give: nothing is known
_UNKNOWN_PERIOD: Mapping[str, Any] = {
    **dict.fromkeys(_NO_PERIOD),
    "specific": {},
    "specific_needed": {},
    "specific_shared": {},
    "specific_shared_needed": {},
    "specific_sharing": {},
    "specific_idle": {},
    "consequences": [],
    "counted_words": [],
}


def _periods(ctx: Context, definition: Definition) -> dict[str, Any]:
    """Renewal periods of ``years`` years for a body's certified member: they end on the last day
    of the renewal month of the membership paid through the latest date, in years whose parity
    is the month's (odd months in odd years); CEUs count when completed within the period, on or
    after certification, and submitted by the due date (while a period runs, those completed by
    the date count so far)."""
    params, registry, as_of = definition.params, ctx.registry, ctx.as_of
    body = params["body"]
    held_records = [
        r
        for r in ctx.profile.get("credentials", [])
        if registry.body_of(r["id"]) == body
        and status_on(r, as_of) == "active"
        and not ((since := _since(r)) and since > as_of)  # awarded later: not held yet
    ]
    membership_slot = definition.slots["membership"].index
    memberships = [m for m, results in ctx.rows("memberships") if _truthy(results[membership_slot])]
    if len(memberships) > 1:
        # a paid-through date left out is read as paid up (engine/unstated reads it the other way)
        memberships.sort(key=lambda m: (m.get("paid_through") or "9999", _canonical(m)))
    month = memberships[-1].get("renewal_month") if memberships else None
    awarded = [since for r in held_records if (since := _since(r))]
    # a credential held without a date could be the earliest: then certification, and with it
    # every period and which CEUs count, is not known
    certified = min(awarded) if awarded and len(awarded) == len(held_records) else None
    # when each was first held (None: not given, then no period is known anyway)
    held_since: dict[str, date | None] = {}
    for r in held_records:
        cid, since = registry.normalise(r["id"])[0], _since(r)
        known = held_since.get(cid, since)
        held_since[cid] = min(known, since) if known and since else None
    unreported = definition.slots.get("unreported")
    ceus = [
        (ceu, results)
        for ceu, results in ctx.rows("ceus")
        if ceu.get("completion_date")  # without it, in no period (engine/unstated.py places it)
        and (
            registry.body_of(ceu["applied_to_credential_id"]) == body
            if ceu.get("applied_to_credential_id")
            else unreported is not None and _truthy(results[unreported.index])
        )
    ]
    paid = (
        parse(memberships[-1]["paid_through"])
        if memberships and memberships[-1].get("paid_through")
        else None
    )
    paid_on = params.get("dues_paid_field")
    paid_day = (
        parse(memberships[-1][paid_on])
        if paid and paid_on and memberships[-1].get(paid_on)
        else None
    )
    # "within 90 days" (AAPC-LAPSE-1): the last of those days still keeps the credentials, and
    # they are revoked from the day after it (CATALOG.md C11: the cut-off was 2026-06-29)
    revoked_after = timedelta(days=params["revoked_after_days"] + 1)
    # dues paid after the credentials were revoked for not paying them (the due date the year
    # paid for began from, and its 90 days): paying does not reinstate them (AAPC-LAPSE-2)
    paid_too_late = None
    if paid and paid_day:
        covered_from = _last_day(paid.year - 1, paid.month)
        if paid_day >= covered_from + revoked_after and as_of >= covered_from + revoked_after:
            paid_too_late = covered_from
    if paid and paid_day and (paid_day > as_of or paid_too_late):
        # on a date before the latest payment, the dues were paid only through the renewal
        # date before (a year of dues, AAPC-MAINT-1); so too after a payment that came too late
        paid = _last_day(paid.year - 1, paid.month)
    years = params["years"]
    last = current = None
    if month and certified:
        member = _Member(ctx, definition, certified, ceus, held_since)
        due = _due_on_or_after(as_of, month, years)
        previous = _last_day(due.year - years, month)
        if ctx.wants(definition, "current"):
            current = _period(member, previous, due)
        # a period that ended before certification asked nothing
        if previous >= certified and ctx.wants(definition, "last"):
            before = _last_day(previous.year - years, month)
            last = _period(member, before, previous)
    none = dict(_NO_PERIOD if certified or not held_records else _UNKNOWN_PERIOD)
    if certified or not held_records:
        none["ceus_needed"] = _needed(params, 0, None)
    return {
        "credentials": len(held_since),
        "renewal_month": month,
        "certified_on": certified.isoformat() if certified else None,
        # a paid-through date left out reads as paid up, like the membership itself
        "dues_paid": bool(memberships) and (paid is None or paid >= as_of),
        **({"last": last or none} if ctx.wants(definition, "last") else {}),
        **({"current": current or dict(none)} if ctx.wants(definition, "current") else {}),
        # the last day dues paid late keep the credentials (none when paid up or not known)
        "dues_pay_by": (paid + revoked_after - ONE_DAY).isoformat()
        if paid and paid < as_of
        else None,
        "dues_standing_if_unpaid": None
        if not paid or paid >= as_of
        else "revoked"
        if as_of >= paid + revoked_after
        else "at risk",
        "dues_consequences": [
            params["dues_consequence"].format(
                paid_through=paid.isoformat(), revoked=(paid + revoked_after).isoformat()
            ),
            *(
                [
                    params["dues_paid_too_late_consequence"].format(
                        paid_on=paid_day.isoformat(), revoked=(paid + revoked_after).isoformat()
                    )
                ]
                if paid_too_late and paid_day and "dues_paid_too_late_consequence" in params
                else []
            ),
        ]
        if paid and paid < as_of
        else [params["no_membership_consequence"]]
        if not memberships and held_records and "no_membership_consequence" in params
        else [],
    }


def _since(record: Mapping[str, Any]) -> date | None:
    """When a credential was first held: its award date, else its exam pass date."""
    since = record.get("awarded_date") or record.get("exam_pass_date")
    return parse(since) if since else None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _due_on_or_after(day: date, month: int, years: int) -> date:
    """The first due date (the last day of the renewal month, in a year of the month's parity)
    on or after ``day``."""
    year = day.year if day.year % 2 == month % 2 else day.year + 1
    due = _last_day(year, month)
    return due if due >= day else _last_day(year + years, month)


def _late_until(params: Mapping[str, Any], due: date) -> date:
    """The first day too late for a period's CEUs to reach the body: the day after the last
    late day, or the due date itself when none may be late (submitted on it is in time)."""
    late_days = params.get("late_submission_days", 0)
    return due + timedelta(days=late_days + 1) if late_days else due


def _in_time(params: Mapping[str, Any], ceu: Mapping[str, Any], due: date, as_of: date) -> bool:
    """Whether a CEU record reached the body, by the date, in time for the period due then."""
    sent = ceu.get("submitted_date")
    if not sent or parse(sent) > as_of:
        return False
    return parse(sent) <= due or parse(sent) < _late_until(params, due)


def _moves_on(params: Mapping[str, Any], ceu: Mapping[str, Any], due: date, as_of: date) -> bool:
    """Whether a CEU completed in the renewal month of the period due on ``due`` counts toward
    the next period too (``renewal_month_either``, AAPC-CEU-5: either period): it did not reach
    the body in time for its own, and that time has passed."""
    day = parse(ceu["completion_date"])
    return (
        bool(params.get("renewal_month_either"))
        and (day.year, day.month) == (due.year, due.month)
        and as_of >= _late_until(params, due)
        and not _in_time(params, ceu, due, as_of)
    )


def _in_period(
    params: Mapping[str, Any], ceu: Mapping[str, Any], start: date, due: date, as_of: date
) -> bool:
    """Whether a CEU record completed by the date is among the period ``start`` to ``due``'s:
    completed within it, or in the renewal month before it and moved on to it. One moved on
    stays among its own period's CEUs, earned there but not submitted in time for it."""
    day = parse(ceu["completion_date"])
    if day > as_of:
        return False
    if start <= day <= due:
        return True
    return day < start and _moves_on(params, ceu, start - ONE_DAY, as_of)


@dataclass(frozen=True)
class _Member:
    """What every period of one member reads: the derivation, the member's certification, the
    CEU records of the body (with their expression results) and when each credential was
    first held."""

    ctx: Context
    definition: Definition
    certified: date
    ceus: list[tuple[Mapping[str, Any], list[Any]]]
    held_since: Mapping[str, date | None]


def _period(member: _Member, previous_due: date, due: date) -> dict[str, Any]:
    """One period's CEUs and what they must reach: the credentials it counts are the ones held
    by its due date (one first held after it asks nothing of it), or, where the fact file's
    ``held_at`` policy reads it so, by its first day or the member's certification, if later
    (one earned after that counts from the next period)."""
    ctx, definition, certified = member.ctx, member.definition, member.certified
    ceus, held_since = member.ceus, member.held_since
    params, as_of = definition.params, ctx.as_of
    start = previous_due + ONE_DAY
    held_at = params.get("held_at")
    # "start": those held when it began, or for the member's first period when certified (that
    # period is pro-rated instead, AAPC-CEU-6)
    at_start = held_at and held_at["values"].get(ctx.policies.get(held_at["policy"])) == "start"
    by = max(start, certified) if at_start else due
    ids = sorted(held_since)
    held = [cid for cid in ids if held_since[cid] is None or held_since[cid] <= by]
    # completed within the period (or in the renewal month before it and moved on to it), and
    # by the date: later ones are not yet earned
    within = [(c, r) for c, r in ceus if _in_period(params, c, start, due, as_of)]
    counted = [(c, r) for c, r in within if parse(c["completion_date"]) >= certified]
    # submitted by the date, and by the due date or within that many days after it (the first
    # day too late, ``late_until``, is the due date itself when the body allows none late)
    late_until = _late_until(params, due)
    sent = [(c, r) for c, r in counted if _in_time(params, c, due, as_of)]
    carried, before = _carried(member, previous_due)
    late = _total(c["ceus"] for c, _ in sent if parse(c["submitted_date"]) > due)
    unsent = _total(c["ceus"] for c, _ in counted) - _total(c["ceus"] for c, _ in sent)
    spec = params.get("specific", {})
    tag = spec.get("tag_field")
    also = {cid: definition.slots[f"also.{cid}"].index for cid in spec.get("also", {})}
    # per record, the credentials its CEUs may count for: those it is pre-approved for (and
    # passes the ``also`` of), or the one of them it was reported for (AAPC-CEU-4)
    counts_for = [
        (c["ceus"], _counts_for(c, tag, ids, also, results)) for c, results in counted if tag
    ]
    specific = (
        {cid: _total(ceus for ceus, cids in counts_for if cid in cids) for cid in ids}
        if tag
        else {}
    )
    # what each credential held needs of them (none for a credential the fact file names none for)
    needed = {
        cid: spec.get("needed", {}).get(cid, spec.get("needed_otherwise", 0)) if cid in held else 0
        for cid in ids
    }
    shared, shared_needed = _shared_specific(needed, counts_for) if tag else ({}, {})
    revoked = due + timedelta(days=params["revoked_after_days"] + 1)  # the first day revoked
    consequence = params["period_consequence"].format(
        start=start.isoformat(), due=due.isoformat(), revoked=revoked.isoformat()
    )
    past = as_of >= revoked
    if past:
        consequence += params["past_consequence"].format(as_of=as_of.isoformat())
    consequences = [consequence]
    words = {"due": due.isoformat(), "revoked": revoked.isoformat(), "as_of": as_of.isoformat()}
    # CEUs not yet sent can still count until the last day late ones do; after it they cannot
    unsent_words = params.get("unsubmitted_consequence")
    if as_of >= late_until:
        unsent_words = params.get("unsubmitted_past_consequence", unsent_words)
    if due < as_of and unsent and unsent_words:
        consequences.append(unsent_words.format(ceus=unsent, **words))
    if late and params.get("late_consequence"):
        consequences.append(params["late_consequence"].format(ceus=late, **words))
    counted_words = []
    running = params.get("running_unsubmitted_consequence")
    if due >= as_of and unsent and running:
        counted_words.append(running.format(ceus=unsent, **words))
    if carried and before and params.get("carried_consequence"):
        counted_words.append(
            params["carried_consequence"].format(
                ceus=carried,
                month=f"{calendar.month_name[previous_due.month]} {previous_due.year}",
                start=before["start"],
                due=before["due"],
                submitted=before["ceus_submitted"],
                needed=before["ceus_needed"],
            )
        )
    ceus = _total(c["ceus"] for c, _ in counted) + carried
    needed_all = _needed(params, len(held), due)
    # a credential is named only where a group falls short
    all_met = all(specific.get(cid, 0) >= n for cid, n in needed.items()) and not shared
    return {
        "exists": True,
        "credentials": len(held),
        "standing_if_unmet": "revoked" if past else "at risk",
        "start": start.isoformat(),
        "due": due.isoformat(),
        # the last day CEUs submitted late still count (the due date when none may be late)
        "submit_by": (late_until - timedelta(days=1) if late_until > due else due).isoformat(),
        "ceus": ceus,
        "ceus_submitted": _total(c["ceus"] for c, _ in sent) + carried,
        "ceus_carried": carried,
        "counted_words": counted_words,
        "ceus_needed": needed_all,
        # what a step may say only of a period short of CEUs (earning more, an extension)
        "ceus_short": needed_all is not None and ceus < needed_all,
        "ceus_before_certification": _total(
            c["ceus"] for c, _ in within if parse(c["completion_date"]) < certified
        ),
        "full_period": True if certified <= start else None,  # first period pro-rated: unknown
        "specific": specific,
        "specific_needed": needed if tag else {},
        "specific_all_met": all_met,
        # every credential's own, but where it shares CEUs that fall short for them together
        "specific_shared": {cid: shared.get(cid, specific.get(cid, 0)) for cid in ids}
        if tag
        else {},
        "specific_shared_needed": {cid: shared_needed.get(cid, needed[cid]) for cid in ids}
        if tag
        else {},
        "specific_sharing": {cid: cid in shared for cid in ids} if tag else {},
        # nothing of its own to show: it needs none, and no credential held lacks its own
        "specific_idle": {cid: not needed[cid] and all_met for cid in ids} if tag else {},
        "consequences": consequences,
    }


def _needed(params: Mapping[str, Any], credentials: int, due: date | None) -> float | None:
    """What a full period due on ``due`` needs in all for ``credentials`` credentials held: the
    fact file's ``ceus_needed`` (the last of its entries whose ``due_from`` is on or before the
    due date), or None without it. No credential held gives ``one`` less ``each_more``, the
    same arithmetic; only the placeholder of a period that does not exist has none."""
    spec = params.get("ceus_needed")
    if spec is None:
        return None
    entries = spec if isinstance(spec, list) else [spec]
    day = (due or date.max).isoformat()
    chosen = [e for e in entries if str(e.get("due_from") or "") <= day] or entries[:1]
    entry = chosen[-1]
    return min(entry["at_most"], entry["one"] + entry["each_more"] * (credentials - 1))


def _carried(member: _Member, due: date) -> tuple[float, dict[str, Any] | None]:
    """The CEUs the period due on ``due`` carries on to the next (``renewal_month_either``,
    AAPC-CEU-5: CEUs from the renewal month may count for either period), and that period: of
    the CEUs completed in its renewal month and submitted in time for it, those it did not need
    (its CEUs submitted in time beyond ``ceus_needed``; none when its requirement is not known,
    a first, pro-rated period), leaving out any tagged for a credential-specific requirement of
    its own, which it needs. Those not submitted in time for it move on whole (_moves_on)."""
    params, as_of, certified = member.definition.params, member.ctx.as_of, member.certified
    if not params.get("renewal_month_either") or "ceus_needed" not in params:
        return 0, None
    years, tag = params["years"], params.get("specific", {}).get("tag_field")
    start = _last_day(due.year - years, due.month) + ONE_DAY
    if certified > start:
        return 0, None  # a first, pro-rated period: what it needed is not known
    spec = params.get("specific", {})
    specific = {
        cid
        for cid in member.held_since
        if spec.get("needed", {}).get(cid, spec.get("needed_otherwise", 0)) > 0
    }
    spare = _total(
        c["ceus"]
        for c, _ in member.ceus
        if (day := parse(c["completion_date"])).year == due.year
        and day.month == due.month
        and certified <= day <= as_of
        and _in_time(params, c, due, as_of)
        and not (tag and specific.intersection(c.get(tag) or ()))
    )
    if not spare:
        return 0, None
    # that period counts what its own period before carried on to it: back to certification
    period = _period(member, start - ONE_DAY, due)
    beyond = period["ceus_submitted"] - (period["ceus_needed"] or 0)
    return (min(spare, beyond), period) if beyond > 0 else (0, None)


def _counts_for(
    ceu: Mapping[str, Any],
    tag: str,
    ids: Sequence[str],
    also: Mapping[str, int],
    results: Sequence[Any],
) -> frozenset[str]:
    """The credentials held a CEU record's CEUs may count for as credential-specific ones:
    those it is pre-approved for (``tag``) and passes the ``also`` condition of; of those, only
    the one it was reported for, where it names one (AAPC-CEU-4: one specialty and one core)."""
    tagged = frozenset(
        cid
        for cid in ceu.get(tag) or ()
        if cid in ids and (cid not in also or _truthy(results[also[cid]]))
    )
    reported = ceu.get("applied_to_credential_id")
    return frozenset({reported}) if reported in tagged else tagged


def _shared_specific(
    needed: Mapping[str, float], records: Sequence[tuple[float, frozenset[str]]]
) -> tuple[dict[str, float], dict[str, float]]:
    """Per credential, the credential-specific CEUs it shares with others and what they need
    together, where a record pre-approved for several of them leaves them short together: each
    CEU counts toward one credential's own requirement (AAPC-CEU-4: one specialty and one core;
    AAPC-CEU-5: once). Of every group of credentials that need some, the CEUs pre-approved for
    any of them must cover what they all need (so that each can be given its own); a credential
    is named for the group it shares most short of, where it adds to the shortfall. Credentials
    that are short alone, or share nothing, are not named: their own CEUs say it."""
    wanting = sorted(cid for cid, n in needed.items() if n > 0)
    shared: dict[str, float] = {}
    together: dict[str, float] = {}
    wanted = set(wanting)
    if not any(len(tags & wanted) > 1 for _, tags in records):
        return shared, together

    def found(group: frozenset[str]) -> float:
        return _total(ceus for ceus, tags in records if tags & group)

    def short(group: frozenset[str]) -> float:
        return sum(needed[cid] for cid in group) - found(group)

    # short alone, a credential's own CEUs say it: only the others are named for a group
    enough_alone = [cid for cid in wanting if short(frozenset({cid})) <= 0]
    worst: dict[str, tuple[float, frozenset[str]]] = {}
    for size in range(2, len(wanting) + 1):
        for group in map(frozenset, combinations(wanting, size)):
            lacking = short(group)
            if lacking <= 0:
                continue
            for cid in group:
                if (
                    cid in enough_alone
                    and short(group - {cid}) < lacking
                    and lacking > worst.get(cid, (0,))[0]
                ):
                    worst[cid] = (lacking, group)
    for cid, (_, group) in worst.items():
        together[cid] = sum(needed[c] for c in group)
        shared[cid] = found(group)
    return shared, together


def _periods_paths(name: str, params: Mapping[str, Any]) -> list[tuple[str, str | None, Any]]:
    text = ["string", "null"]
    out: list[tuple[str, str | None, Any]] = [
        (name, None, "object"),
        (f"{name}.credentials", f"credentials of {params['body']} held", "integer"),
        (
            f"{name}.renewal_month",
            "the renewal month of the latest membership",
            ["integer", "null"],
        ),
        (f"{name}.certified_on", "the first award or pass date of a credential held", text),
        (
            f"{name}.dues_paid",
            "whether the dues are paid through the date (as paid by then, when the payment date is given)",
            "boolean",
        ),
        (
            f"{name}.dues_pay_by",
            "the last day dues paid late keep the credentials (null: paid up, or not known)",
            text,
        ),
        (f"{name}.dues_standing_if_unpaid", "the standing if the dues are not paid", text),
        (f"{name}.dues_consequences", "what follows unpaid dues, in words", "array"),
    ]
    for which in ("last", "current"):
        base = f"{name}.{which}"
        out += [
            (base, None, "object"),
            (f"{base}.exists", "whether there is such a period", ["boolean", "null"]),
            (
                f"{base}.credentials",
                f"credentials of {params['body']} held by the period's due date",
                ["integer", "null"],
            ),
            (f"{base}.start", "the period's first day", text),
            (f"{base}.due", "the period's due date", text),
            (f"{base}.submit_by", "the last day CEUs submitted for the period still count", text),
            (
                f"{base}.ceus",
                "CEUs completed within the period, on or after certification",
                ["number", "null"],
            ),
            (
                f"{base}.ceus_submitted",
                "of those, the CEUs submitted in time (by the date)",
                ["number", "null"],
            ),
            (
                f"{base}.ceus_before_certification",
                "CEUs completed before certification",
                ["number", "null"],
            ),
            (
                f"{base}.ceus_carried",
                "of its CEUs, those carried on from the renewal month of the period before,"
                " which that period did not need",
                ["number", "null"],
            ),
            (
                f"{base}.counted_words",
                "how its CEUs were counted, in words: those carried on from the period before,"
                " and, while it runs, those not yet submitted",
                "array",
            ),
            (
                f"{base}.ceus_needed",
                "the CEUs a full period needs for the credentials it counts (null: not known)",
                ["number", "null"],
            ),
            (
                f"{base}.ceus_short",
                "its CEUs fall short of what a full period needs (null: not known)",
                ["boolean", "null"],
            ),
            (
                f"{base}.full_period",
                "a full period (null: the first, pro-rated one)",
                ["boolean", "null"],
            ),
            (f"{base}.specific", None, "object"),
            (f"{base}.specific.*", "CEUs counted for the credential", "number"),
            (f"{base}.specific_needed", None, "object"),
            (
                f"{base}.specific_needed.*",
                "the credential-specific CEUs the credential needs in a period",
                "number",
            ),
            (
                f"{base}.specific_all_met",
                "whether every credential held has the credential-specific CEUs it needs",
                ["boolean", "null"],
            ),
            (f"{base}.specific_shared", None, "object"),
            (
                f"{base}.specific_shared.*",
                "the credential's specific CEUs counted once with those of the credentials it"
                " shares records with, where together they fall short (else its own)",
                "number",
            ),
            (f"{base}.specific_shared_needed", None, "object"),
            (
                f"{base}.specific_shared_needed.*",
                "what those credentials need together (else what it needs)",
                "number",
            ),
            (f"{base}.specific_sharing", None, "object"),
            (
                f"{base}.specific_sharing.*",
                "whether the credential shares CEU records with others held that fall short together",
                "boolean",
            ),
            (f"{base}.specific_idle", None, "object"),
            (
                f"{base}.specific_idle.*",
                "whether the credential needs no credential-specific CEUs while every credential held"
                " has its own: nothing of its own to show",
                "boolean",
            ),
            (f"{base}.standing_if_unmet", "the standing if its requirements were not met", text),
            (f"{base}.consequences", "what follows if its requirements were not met", "array"),
        ]
    return out


def _periods_left_out(
    ctx: Context, definition: Definition, part: str, holds: Holds
) -> list[Omitted]:
    """The CEU records left out of a period's ``ceus`` (``part``: ``last.ceus``), with the fact
    file's words: reported for another body's credential, reported for none and not kept by
    ``ceus_unreported`` (its ``left_out.sums.ceus`` checks), completed before certification,
    after the due date (by the date), or within the period but after the date. Of its
    credential-specific CEUs (``last.specific.CIRCC``), those and the ones it counts that are not
    tagged for the credential (``not_specific``) or fail its ``also`` condition (the checks of
    ``left_out.sums`` under ``specific.CIRCC``)."""
    which, _, name = part.partition(".")
    if which not in ("last", "current") or (name != "ceus" and not name.startswith("specific.")):
        return []
    params, registry = definition.params, ctx.registry
    facts = _periods(ctx, definition)
    period, certified = facts[which], facts["certified_on"]
    if not period.get("exists") or not certified:
        return []
    unreported = params.get("ceus_unreported")
    start, due = parse(period["start"]), parse(period["due"])
    dates = {"start": period["start"], "due": period["due"], "certified": certified}

    def ours(target: str) -> bool:
        return registry.body_of(target) == params["body"]

    def kept(ceu: Mapping[str, Any]) -> bool:
        return unreported is not None and holds(unreported, ceu)

    out = _ceus_left_out(
        ctx, definition, "ceus", holds, start, due, dates, ours, kept, parse(certified)
    )
    cid = name.removeprefix("specific.")
    specific = params.get("specific")
    if name == "ceus" or not specific or cid not in period["specific"]:
        return out if name == "ceus" else []
    spec = definition.left_out or {}
    words, checks = spec.get("reasons", {}), spec.get("sums", {}).get(name, [])
    also = specific.get("also", {}).get(cid)
    listed = {item.number for item in out}
    for number, ceu in enumerate(ctx.profile.get("ceus") or [], start=1):
        if number in listed or not ceu.get("completion_date"):
            continue
        day, target = parse(ceu["completion_date"]), ceu.get("applied_to_credential_id")
        counted = _in_period(params, ceu, start, due, ctx.as_of) and day >= parse(certified)
        if not counted or not (ours(target) if target else kept(ceu)):
            continue  # not among the period's CEUs, and said so above if it should be
        tags = ceu.get(specific["tag_field"]) or []
        reported = registry.normalise(target)[0] if target else None
        names = {**dates, "completed": ceu["completion_date"], "as_of": ctx.day}
        if cid not in tags:
            reasons = (
                [words["not_specific"].format(**names, credential=cid)]
                if "not_specific" in words
                else []
            )
        elif reported in tags and reported != cid and reported in period["specific"]:
            # counted for the one held it was reported for (as ``_counts_for``)
            reasons = (
                [words["reported_elsewhere"].format(**names, credential=cid, reported=reported)]
                if "reported_elsewhere" in words
                else []
            )
        elif also is not None and not holds(also, ceu):
            reasons = failed_checks(ctx.profile, "ceus", checks, ceu, holds)
        else:
            continue
        if reasons:
            out.append(Omitted(number, ceu, tuple(reasons)))
    return sorted(out, key=lambda item: item.number)


# --- the registry of kinds ------------------------------------------------------------------------


def _records_of(params: Mapping[str, Any]) -> list[str]:
    """The one section a kind that selects records reads (the credentials held are some of the
    profile's credentials)."""
    section = params["records"]
    return ["credentials" if section == "held_credentials" else section]


KINDS: dict[str, Kind] = {
    "value": Kind(
        lambda p: [("value", p["record"], p["logic"], ("logic",))],
        _value,
        names=lambda p: [Named(("record",), "one-record", p["record"])],
        records=lambda p: [p["record"]],
        empty=lambda p: None,
    ),
    "count": Kind(
        _selection,
        _count,
        "integer",
        names=_selection_names,
        records=_records_of,
        empty=lambda p: 0,
    ),
    "any": Kind(
        _selection,
        _any,
        "boolean",
        names=_selection_names,
        records=_records_of,
        empty=lambda p: False,
    ),
    "list": Kind(
        _selection, _list, "array", names=_selection_names, records=_records_of, empty=lambda p: []
    ),
    "max": Kind(
        _selection,
        _max,
        ["number", "null"],
        names=_selection_names,
        records=_records_of,
        empty=lambda p: p.get("none"),
    ),
    "latest": Kind(
        _selection,
        _latest,
        names=_selection_names,
        records=_records_of,
        empty=lambda p: p.get("none"),
        # says: {value}, and {value+N} for the date N days later (_value_said)
        templates=lambda p: [(("says",), p["says"], ("value",))] if p.get("says") else [],
    ),
    "problems": Kind(
        _problems_expressions,
        _problems,
        "array",
        names=_selection_names,
        templates=_problems_templates,
        records=_records_of,
        empty=lambda p: [],
    ),
    "months": Kind(
        _months_expressions,
        _months,
        "number",
        policies=_months_policies,
        grows=_months_grow,
        names=_months_names,
        # no job: no month, whatever letters say (they vouch only for time in counted jobs)
        records=lambda p: [p["records"]],
        empty=lambda p: 0.0,
    ),
    "lapsed": Kind(lambda p: [], _lapsed, "array", reads_lapsed=True),
    "cycles": Kind(
        _cycles_expressions,
        _cycles,
        "object",
        paths=_cycles_paths,
        names=_cycles_names,
        templates=_cycles_templates,
        left_out=_cycles_left_out,
        records=lambda p: ["credentials"],
        empty=lambda p: {},
        parts_at=1,
        left_out_reasons={
            reason: ("completed", "start", "end", "as_of", *extra)
            for reason, extra in {
                "other_body": ("credential",),
                "after_end": (),
                "not_yet": (),
                "dated_later": ("dated",),
            }.items()
        },
    ),
    "periods": Kind(
        _periods_expressions,
        _periods,
        "object",
        paths=_periods_paths,
        names=_periods_names,
        policies=_periods_policies,
        policy_matters=_periods_policy_matters,
        templates=_periods_templates,
        left_out=_periods_left_out,
        parts_at=0,
        left_out_reasons={
            reason: ("completed", "start", "due", "certified", "as_of", *extra)
            for reason, extra in {
                "other_body": ("credential",),
                "after_end": (),
                "not_yet": (),
                "before_certification": (),
                "not_specific": ("credential",),
                "reported_elsewhere": ("credential", "reported"),
            }.items()
        },
    ),
}
