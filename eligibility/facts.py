"""Derived facts: the only thing rules read.

A profile says what happened (jobs, letters, courses, credentials); facts say what that amounts to
on a given date under given policies ("26 months of AAPC-qualifying experience", "AAPC membership
current"). The vocabulary is documented in ``schemas/facts.schema.json``; a fact is ``None`` when the
profile does not say enough to know it, and rules reading it then answer "unknown".
"""

from __future__ import annotations

import calendar
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import orjson

from eligibility.dates import DAYS_PER_MONTH, ONE_DAY, Interval, clip, months_in, parse

AAPC_CODE_SETS = frozenset({"CPT", "ICD-10-CM", "HCPCS-II"})  # CONV-4: any one is enough (A1)
AHIMA_CODE_SETS = frozenset({"CPT", "ICD-10-CM", "ICD-10-PCS", "HCPCS-II"})
COUNTED_ENGAGEMENTS = frozenset({"employee", "contractor", "externship", "xternship", "internship"})
LETTER_AUTHORS_A1 = frozenset({"employer", "supervisor", "hr"})
LETTER_AUTHORS_2019 = frozenset({"employer", "supervisor", "hr", "co-worker"})
CONTACT_HOUR_UNITS = frozenset({"contact_hours", "clock_hours"})
DIPLOMA_LEVELS = frozenset({"hs_diploma", "associate", "bachelor", "master", "doctorate"})
DEGREE_LEVELS = frozenset({"associate", "bachelor", "master", "doctorate"})
FULL_TIME_HOURS = {"fte40": 40.0, "fte32": 32.0}
PART_TIME_REVIEW_BELOW = 32.0  # CONV-3: flag records under 32 hours a week


@dataclass(frozen=True)
class CredentialInfo:
    """What the registry (``rules/credentials.yaml``) says about one credential id."""

    id: str
    body: str
    name: str
    coding: bool
    apprentice_form: str | None = None


@dataclass(frozen=True)
class Registry:
    """Known credentials by id and by alias."""

    by_name: Mapping[str, CredentialInfo]

    def normalise(self, credential_id: str) -> tuple[str, bool]:
        """The canonical id, and whether the name itself was an apprentice form (``CPC-A``)."""
        key = credential_id.strip().upper()
        info = self.by_name.get(key)
        if info is not None:
            return info.id, key == (info.apprentice_form or "").upper()
        return key, False

    def known(self) -> list[CredentialInfo]:
        """Every credential once, in registry order."""
        return list({info.id: info for info in self.by_name.values()}.values())

    def info(self, credential_id: str) -> CredentialInfo | None:
        return self.by_name.get(credential_id.upper())


@dataclass(frozen=True)
class Job:
    """One counted work record: its interval up to the evaluation date and its weekly hours."""

    id: str | None
    interval: Interval
    hours: float | None
    ongoing: bool


def derive(
    profile: Mapping[str, Any],
    as_of: date,
    policies: Mapping[str, str],
    registry: Registry,
    lapsed: frozenset[str] = frozenset(),
    shared: dict[tuple, Any] | None = None,
) -> dict[str, Any]:
    """All facts about ``profile`` on ``as_of`` under ``policies``; see ``schemas/facts.schema.json``.

    ``lapsed`` names credentials whose keeping rules (renewal, recertification) make them inactive
    or revoked on ``as_of``: they no longer count as held, whatever the profile reports.
    ``shared``: what :func:`rederive_each` may reuse for this profile later (see there).
    """
    shared = {} if shared is None else shared
    facts: dict[str, Any] = {"as_of": as_of.isoformat()}
    for name, section in SECTIONS.items():
        if name in SPLIT_SECTIONS:
            facts[name] = _split(name, shared, profile, as_of, policies, registry, lapsed)
        else:
            facts[name] = section(profile, as_of, policies, registry, lapsed)
    facts["policies"] = dict(policies)
    return facts


def _split(
    name: str,
    shared: dict[tuple, Any],
    profile: Mapping[str, Any],
    as_of: date,
    policies: Mapping[str, str],
    registry: Registry,
    lapsed: frozenset[str],
) -> Any:
    """A section of :data:`SPLIT_SECTIONS`, its first part taken from ``shared`` when it was
    read there under the same date, lapsed credentials and values of the policies it reads."""
    reads, first, then = SPLIT_SECTIONS[name]
    key = (name, as_of, lapsed, *(policies.get(policy) for policy in reads))
    if key not in shared:
        shared[key] = first(profile, as_of, policies, registry, lapsed)
    return then(shared[key], policies)


def rederive(
    facts: Mapping[str, Any],
    sections: Iterable[str],
    profile: Mapping[str, Any],
    as_of: date,
    policies: Mapping[str, str],
    registry: Registry,
    lapsed: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """``facts`` with only ``sections`` derived again (and the policies in effect replaced).

    The same as :func:`derive` with these arguments when the other sections do not depend on
    what changed: a policy (:data:`POLICY_SECTIONS`), ``lapsed`` (``credentials``) or, for facts
    that grow with time, the date (``experience``). Batches use it to try alternatives cheaply.
    """
    return rederive_each(facts, sections, profile, as_of, [policies], registry, lapsed)[0]


def rederive_each(
    facts: Mapping[str, Any],
    sections: Iterable[str],
    profile: Mapping[str, Any],
    as_of: date,
    variants: Sequence[Mapping[str, str]],
    registry: Registry,
    lapsed: frozenset[str] = frozenset(),
    shared: dict[tuple, Any] | None = None,
) -> list[dict[str, Any]]:
    """:func:`rederive` under each policy assignment of ``variants``, doing once what they share:
    a section in :data:`SPLIT_SECTIONS` reads its records once per value of the policies its
    first part reads (experience: once for every part-time counting rule). ``shared`` keeps
    those readings for later calls about the same profile (a batch's base facts, then their
    policy alternatives); without it they last this call."""
    shared = {} if shared is None else shared
    out = []
    for policies in variants:
        fresh = dict(facts)
        for name in sections:
            if name in SPLIT_SECTIONS:
                fresh[name] = _split(name, shared, profile, as_of, policies, registry, lapsed)
            else:
                fresh[name] = SECTIONS[name](profile, as_of, policies, registry, lapsed)
        fresh["as_of"] = as_of.isoformat()
        fresh["policies"] = dict(policies)
        out.append(fresh)
    return out


def _experience(
    profile: Mapping[str, Any],
    as_of: date,
    policies: Mapping[str, str],
    registry: Registry,
    lapsed: frozenset[str],
) -> dict[str, Any]:
    return _experience_from(_work(profile, as_of, policies), policies)


Stretch = tuple[date, date, float | None]  # days with one set of counted jobs; weekly hours
Work = tuple[list[Job], list[Job], list[Stretch], list[Stretch]]


def _work(profile: Mapping[str, Any], as_of: date, policies: Mapping[str, str], *_: Any) -> Work:
    """What experience counts before months are counted: the AAPC and AHIMA qualifying jobs, and
    the stretches of the AAPC ones that letters vouch for under today's and 2019's rules. It
    reads one policy (vague_duration_statement); the part-time counting rules share it."""
    jobs = _jobs(profile.get("work_history", []), as_of)
    aapc_jobs = [job for job, rec in jobs if _qualifies(rec, AAPC_CODE_SETS)]
    ahima_jobs = [job for job, rec in jobs if _qualifies(rec, AHIMA_CODE_SETS)]
    letters = profile.get("verification_letters", [])
    return (
        aapc_jobs,
        ahima_jobs,
        _documented(aapc_jobs, letters, _a1_compliant),
        _documented(aapc_jobs, letters, _letter_2019_rule(policies, aapc_jobs)),
    )


def _experience_from(work: Work, policies: Mapping[str, str]) -> dict[str, Any]:
    aapc_jobs, ahima_jobs, documented, documented_2019 = work
    reference_hours = FULL_TIME_HOURS.get(policies.get("part_time_counting", "calendar"))
    return {
        "aapc_months": _job_months(aapc_jobs, reference_hours),
        "ahima_months": _job_months(ahima_jobs, reference_hours),
        "aapc_documented_months": _months(documented, reference_hours),
        "aapc_documented_months_2019": _months(documented_2019, reference_hours),
        "ongoing": any(job.ongoing for job in aapc_jobs + ahima_jobs),
        "part_time_jobs": sum(
            1
            for job in {*aapc_jobs, *ahima_jobs}
            if job.hours is not None and job.hours < PART_TIME_REVIEW_BELOW
        ),
    }


# --- education -----------------------------------------------------------------------------


def _education(profile: Mapping[str, Any], *_: Any) -> dict[str, Any]:
    education = profile.get("education")
    if education is None:
        return {
            "level": None,
            "hs_diploma": None,
            "hs_or_equivalent": None,
            "associate_or_higher": None,
        }
    level = education["highest_level"]
    diploma = level in DIPLOMA_LEVELS and not (
        level in DEGREE_LEVELS and education.get("hs_credential") in ("ged", "none")
    )
    return {
        "level": level,
        "hs_diploma": diploma,
        "hs_or_equivalent": level != "none",
        "associate_or_higher": level in DEGREE_LEVELS,
    }


# --- experience ----------------------------------------------------------------------------


def _jobs(records: Iterable[Mapping[str, Any]], as_of: date) -> list[tuple[Job, Mapping[str, Any]]]:
    """Work records as intervals cut at the evaluation date (an ongoing job runs to it, CONV-1)."""
    jobs = []
    for record in records:
        end = record.get("end_date")
        interval = clip((parse(record["start_date"]), parse(end) if end else as_of), as_of)
        if interval is not None:
            job = Job(
                record.get("id"),
                interval,
                record.get("hours_per_week"),
                end is None or parse(end) >= as_of,
            )
            jobs.append((job, record))
    return jobs


def _qualifies(record: Mapping[str, Any], code_sets: frozenset[str]) -> bool:
    """CONV-4: the role assigns codes from a qualifying code set; CONV-5: externships count."""
    return (
        record["directly_assigns_codes"]
        and record.get("engagement_type", "employee") in COUNTED_ENGAGEMENTS
        and not code_sets.isdisjoint(record["code_sets"])
    )


def _job_months(jobs: list[Job], reference_hours: float | None) -> float:
    """Months of experience in the union of ``jobs`` (CONV-2), pro-rated under an FTE policy (CONV-3)."""
    if reference_hours is None or all(
        job.hours is None or job.hours >= reference_hours for job in jobs
    ):  # no stretch can be part-time (overlaps only add hours): calendar months
        return round(months_in(job.interval for job in jobs), 4)
    return _months(_stretches(jobs), reference_hours)


def _months(stretches: list[Stretch], reference_hours: float | None) -> float:
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


def _documented(jobs: list[Job], letters: Iterable[Mapping[str, Any]], covers) -> list[Stretch]:
    """The stretches of qualifying jobs that letters accepted by ``covers`` vouch for: a letter
    naming a job (``covers_work_id``) vouches for that job only, one naming none for every job,
    and one naming a job that does not count here for nothing."""
    if not letters:
        return []
    index_of = {job.id: index for index, job in enumerate(jobs) if job.id}
    general: list[Interval] = []
    own: dict[int, list[Interval]] = {}
    for letter in letters:
        span = covers(letter)
        if span is None or span[0] > span[1]:  # dated 'to present' before its start: no time
            continue
        target = letter.get("covers_work_id")
        if not target:
            general.append(span)
        elif target in index_of:
            own.setdefault(index_of[target], []).append(span)
    return _stretches(jobs, general, own)


def _letter_span(letter: Mapping[str, Any]) -> Interval | None:
    """The dates a letter states, 'to present' meaning up to the letter's own date."""
    start = letter.get("stated_start")
    end = letter.get("stated_end") or (
        letter.get("letter_date") if letter.get("states_to_present") else None
    )
    return (parse(start), parse(end)) if start and end else None


def a1_problems(letter: Mapping[str, Any]) -> list[str]:
    """Why a letter falls short of AAPC's current documentation rules (A1, CPC-APP-3)."""
    checks = [
        (
            letter["author_role"] in LETTER_AUTHORS_A1,
            "only an employer, supervisor or HR department may verify",
        ),
        (letter.get("on_letterhead", False), "not on company letterhead"),
        (letter.get("hand_signed", False), "not hand-signed"),
        (bool(letter.get("letter_date")), "not dated"),
        (bool(letter.get("stated_start")), "states no start date"),
        (
            bool(letter.get("stated_end")) or letter.get("states_to_present", False),
            "states no end date",
        ),
        (letter.get("contact_info_present", False), "no current contact information"),
        (letter.get("format") == "pdf_non_editable", "not a non-editable PDF"),
    ]
    return [problem for ok, problem in checks if not ok]


def _a1_compliant(letter: Mapping[str, Any]) -> Interval | None:
    return None if a1_problems(letter) else _letter_span(letter)


def _letter_2019_rule(policies: Mapping[str, str], jobs: list[Job]):
    """AAPC's 2019 letters (A5): typed and signed by an employer, supervisor, HR or a co-worker, stating the time."""
    by_id = {job.id: job for job in jobs if job.id}
    accept_words = policies.get("vague_duration_statement") == "accept"

    def covers(letter: Mapping[str, Any]) -> Interval | None:
        if letter["author_role"] not in LETTER_AUTHORS_2019 or not _signed(letter):
            return None
        span = _letter_span(letter)
        if span is None and accept_words and letter.get("stated_duration"):
            job = by_id.get(letter.get("covers_work_id") or "")  # words name no time without a job
            span = job.interval if job else None
        return span

    return covers


def _signed(letter: Mapping[str, Any]) -> bool:
    """Typed and signed, as A5 asks; a letter is taken as typed unless it says ``typed: false``."""
    return letter.get("typed", True) and bool(
        letter.get("signed", letter.get("hand_signed", False))
    )


def _letters(profile: Mapping[str, Any], *_: Any) -> dict[str, Any]:
    letters = profile.get("verification_letters", [])
    problems = []
    for number, letter in enumerate(letters, start=1):
        found = a1_problems(letter)
        if found:
            name = letter.get("id") or f"letter {number}"
            problems.append(f"{name} ({letter['author_role']}): " + "; ".join(found))
    return {
        "count": len(letters),
        "a1_compliant": sum(1 for letter in letters if not a1_problems(letter)),
        "a1_problems": problems,
        "signed_2019": sum(
            1
            for letter in letters
            if letter["author_role"] in LETTER_AUTHORS_2019 and _signed(letter)
        ),
        "employer_letterhead_2019": sum(
            1
            for letter in letters
            if letter["author_role"] in LETTER_AUTHORS_A1
            and letter.get("on_letterhead")
            and _signed(letter)
        ),
    }


# --- training ------------------------------------------------------------------------------


def _completed_by(record: Mapping[str, Any] | None, as_of: date) -> bool:
    if not record or not record.get("completed"):
        return False
    when = record.get("completion_date")
    return when is None or parse(when) <= as_of


def _training(profile: Mapping[str, Any], as_of: date, *_: Any) -> dict[str, Any]:
    """Completed preparation courses (CEU events excluded: removal needs hours 'not CEUs')."""
    done = [r for r in profile.get("training", []) if _completed_by(r, as_of)]
    courses = [r for r in done if r["program_type"] != "ceu_event"]
    in_hours = [
        r["hours"]["value"] for r in courses if r.get("hours", {}).get("unit") in CONTACT_HOUR_UNITS
    ]
    in_credits = [  # credits, CEUs, or no length at all: not convertible to contact hours
        r for r in courses if not r.get("hours") or r["hours"]["unit"] not in CONTACT_HOUR_UNITS
    ]
    longest = max(in_hours, default=0)
    return {
        # CONV-7: credits are not converted; courses measured only in credits leave this unknown.
        "longest_course_contact_hours": None if (in_credits and not in_hours) else longest,
        "topics": sorted({topic for r in courses for topic in r.get("topics", [])}),
        "pcap_completed": any(r.get("ahima_pcap_approved") for r in courses),
        "courses_completed": len(courses),
    }


# --- credentials and memberships -----------------------------------------------------------


def _practicode(profile: Mapping[str, Any], as_of: date, *_: Any) -> bool:
    return _completed_by(profile.get("practicode"), as_of)


def _credentials(
    profile: Mapping[str, Any],
    as_of: date,
    policies: Mapping[str, str],
    registry: Registry,
    lapsed: frozenset[str],
) -> dict[str, Any]:
    """Credentials active on ``as_of`` (CONV-6: revoked, lapsed or inactive ones do not count)."""
    held, full, apprentice, other_org = [], [], [], []
    count_apprentice = policies.get("apprentice_counts_as_credential") == "yes"
    for record in profile.get("credentials", []):
        cid, named_apprentice = registry.normalise(record["id"])
        since = record.get("awarded_date") or record.get("exam_pass_date")
        if (
            _status_on(record, as_of) != "active"
            or (since and parse(since) > as_of)
            or cid in lapsed
        ):
            continue
        removed = record.get("apprentice_removed_date")
        is_apprentice = (named_apprentice or record.get("apprentice", False)) and not (
            removed and parse(removed) <= as_of
        )
        info = registry.info(cid)
        form = (info.apprentice_form if info else None) or f"{cid}-A"
        held.append(form if is_apprentice else cid)
        (apprentice if is_apprentice else full).append(form if is_apprentice else cid)
        body = record.get("issuing_body") or (info.body if info else "other")
        if info and info.coding and body != "AHIMA" and (count_apprentice or not is_apprentice):
            other_org.append(cid)
    return {
        "lapsed": sorted(lapsed),
        "held": sorted(set(held)),
        "full": sorted(set(full)),
        "apprentice": sorted(set(apprentice)),
        "other_org_coding": sorted(set(other_org)),
    }


def _status_on(record: Mapping[str, Any], as_of: date) -> str:
    """The credential's status on ``as_of``: a reported status counts from its effective date on."""
    status = record.get("status", "active")
    effective = record.get("status_effective_date")
    return "active" if effective and parse(effective) > as_of else status


def _memberships(profile: Mapping[str, Any], as_of: date, *_: Any) -> dict[str, Any]:
    current: dict[str, bool] = {"AAPC": False, "AHIMA": False, "PAHCS": False}
    types: dict[str, str | None] = {"AAPC": None, "AHIMA": None, "PAHCS": None}
    # the one paid through the latest date gives the type, however they are listed
    by_date = _by_date(profile.get("memberships", []))
    for record in by_date:
        started = record.get("start_date")
        if (
            record.get("status") not in ("lapsed", "cancelled")
            and parse(record["paid_through"]) >= as_of
            and not (started and parse(started) > as_of)
        ):
            current[record["organization"]] = True
            types[record["organization"]] = record.get("type")
    return {
        "aapc_current": current["AAPC"],
        "ahima_current": current["AHIMA"],
        "pahcs_current": current["PAHCS"],
        "aapc_type": types["AAPC"],
    }


# --- recertification (AHIMA cycles) ------------------------------------------------------

AHIMA_SELF_REVIEWS_UNTIL = date(2021, 1, 1)  # H4: discontinued for cycles from 2021-01-01
AHIMA_40_PERCENT_FROM = date(2025, 1, 1)  # H5: the 40% AHIMA-sourced rule
AHIMA_INACTIVE_DAYS = 180  # H6: inactive for 180 days, then revoked


def _recertification(
    profile: Mapping[str, Any], as_of: date, _policies: Any, registry: Registry, *_: Any
) -> dict[str, Any]:
    """Per credential with recertification cycles: its last completed cycle and its current one.

    CEUs count towards a cycle by completion date (AHIMA-RC-8) and are pooled within the
    credential's body; CEUs reported for another body's credential are left out. Thresholds are
    the rules' business; facts only add up.
    """
    credentials = profile.get("credentials", [])
    if not any(record.get("recert_cycles") for record in credentials):
        return {}
    # the AHIMA credentials being kept: active ones, and inactive ones (an inactive credential is
    # one whose cycle ended unrecertified, and it is still recertified with that cycle's CEUs)
    ahima_ids = {
        registry.normalise(r["id"])[0]
        for r in credentials
        if (r.get("issuing_body") or _body(registry, r["id"])) == "AHIMA"
        and _status_on(r, as_of) in ("active", "inactive")
        and not (
            (since := r.get("awarded_date") or r.get("exam_pass_date")) and parse(since) > as_of
        )
    }
    reviews = sorted(parse(review["date"]) for review in profile.get("self_reviews", []))
    all_ceus = profile.get("ceus", [])
    pooled: dict[str, _Ledger] = {}  # body -> its CEUs (and those reported for no credential)
    reported: dict[str, list[Mapping[str, Any]]] = {}  # credential id -> CEUs reported for it
    for ceu in all_ceus:
        if ceu.get("applied_to_credential_id"):
            target = registry.normalise(ceu["applied_to_credential_id"])[0]
            reported.setdefault(target, []).append(ceu)
    out: dict[str, Any] = {}
    for record in sorted(credentials, key=_canonical):  # one credential's records in one order
        cycles = sorted(record.get("recert_cycles", []), key=lambda c: (c["start"], c["end"]))
        if not cycles:
            continue
        body = record.get("issuing_body") or _body(registry, record["id"])
        if body not in pooled:
            pooled[body] = _Ledger(
                c
                for c in all_ceus
                if not c.get("applied_to_credential_id")
                or _body(registry, c["applied_to_credential_id"]) == body
            )
        cid = registry.normalise(record["id"])[0]
        # CEUs reported for this credential, if they count for its body at all
        own = _Ledger(c for c in reported.get(cid, ()) if _body(registry, cid) == body)
        done = [c for c in cycles if parse(c["end"]) < as_of]
        running = [c for c in cycles if parse(c["start"]) <= as_of <= parse(c["end"])]
        out[cid] = {
            "ahima_credentials": len(ahima_ids),
            "last": _cycle(done[-1] if done else None, pooled[body], own, reviews, as_of),
            "current": _cycle(running[0] if running else None, pooled[body], own, reviews, as_of),
        }
    return out


class _Ledger:
    """CEUs in completion order with exact running totals, so that the sums over any stretch of
    dates take a logarithmic search instead of a pass over every CEU (a profile may list
    thousands, and each credential's cycles ask). Exact fractions: a sum does not depend on the
    order the CEUs are listed in."""

    def __init__(self, ceus: Iterable[Mapping[str, Any]]) -> None:
        rows = sorted(((parse(c["completion_date"]), c) for c in ceus), key=lambda row: row[0])
        self.days = [day for day, _ in rows]
        values = _exact(ceu["ceus"] for _, ceu in rows)
        # how many values were written with a fraction: sums of whole numbers stay whole (20, not 20.0)
        self.fractional = [0]
        total: tuple[Any, ...] = (0, 0, 0, 0)
        self.running = [total]
        for (_, ceu), value in zip(rows, values, strict=True):
            self.fractional.append(self.fractional[-1] + (type(ceu["ceus"]) is not int))
            total = (
                total[0] + value,
                total[1] + (value if _instructional(ceu) else 0),
                total[2] + (value if ceu.get("hiim_domain") else 0),
                total[3] + (value if ceu.get("ahima_source") else 0),
            )
            self.running.append(total)

    def between(self, start: date, end: date) -> tuple[float, float, float, float]:
        """All, instructional, HIIM and AHIMA-sourced CEUs completed from ``start`` to ``end``."""
        low, high = bisect_left(self.days, start), bisect_right(self.days, end)
        if low == high:
            return 0, 0, 0, 0
        whole = self.fractional[high] == self.fractional[low]
        first, second, third, fourth = (
            int(b - a) if whole else round(float(b - a), 2)
            for a, b in zip(self.running[low], self.running[high], strict=True)
        )
        return first, second, third, fourth


def _total(values: Iterable[float]) -> float:
    """A sum of CEUs that does not depend on their order (whole numbers stay whole)."""
    values = list(values)
    if all(type(value) is int for value in values):
        return sum(values)
    return round(math.fsum(values), 2)


def _by_date(memberships: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Memberships by the date they are paid through; two paid through the same day in the
    order of their content, so that the order they are listed in does not matter."""
    records = list(memberships)
    if len(records) < 2:
        return records
    return sorted(records, key=lambda m: (m["paid_through"], _canonical(m)))


def _canonical(record: Mapping[str, Any]) -> bytes:
    """A record's content as a sort key: records listed in any order are read in one."""
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS, default=str)


SELF_STUDY_MODES = frozenset({"recorded_video", "audio", "self_study", "cd_rom"})


def _instructional(ceu: Mapping[str, Any]) -> bool:
    """PAHCS-CEU-1: live instruction of at least 50 minutes an hour (self-study is not counted)."""
    minutes = ceu.get("instructional_minutes_per_hour")
    return ceu.get("delivery_mode") not in SELF_STUDY_MODES and (minutes is None or minutes >= 50)


def _body(registry: Registry, credential_id: str) -> str:
    info = registry.info(registry.normalise(credential_id)[0])
    return info.body if info else "other"


def _cycle(
    cycle: Mapping[str, Any] | None,
    pooled: _Ledger,
    own: _Ledger,
    reviews: list[date],
    as_of: date,
) -> dict[str, Any]:
    if cycle is None:
        return {
            "exists": False,
            "start": None,
            "end": None,
            "ceus": 0,
            "ceus_applied": 0,
            "ceus_instructional": 0,
            "standing_if_unmet": None,
            "hiim": 0,
            "ahima_sourced": 0,
            "self_reviews": 0,
            "fee_paid": False,
            "begins_2025": False,
            "ends_2025": False,
            "before_2021": False,
            "consequences": [],
        }
    start, end = parse(cycle["start"]), parse(cycle["end"])
    ceus, instructional, hiim, ahima_sourced = pooled.between(start, end)
    inactive = end + ONE_DAY
    revoked = inactive + timedelta(days=AHIMA_INACTIVE_DAYS)
    standing = "revoked" if as_of >= revoked else "inactive" if as_of >= inactive else "at risk"
    return {
        "exists": True,
        "standing_if_unmet": standing,
        "start": cycle["start"],
        "end": cycle["end"],
        "ceus": ceus,
        "ceus_instructional": instructional,
        "ceus_applied": own.between(start, end)[0],
        "hiim": hiim,
        "ahima_sourced": ahima_sourced,
        "self_reviews": bisect_right(reviews, end) - bisect_left(reviews, start),
        "fee_paid": bool(cycle.get("fee_paid")),
        "begins_2025": start >= AHIMA_40_PERCENT_FROM,
        "ends_2025": end >= AHIMA_40_PERCENT_FROM,
        "before_2021": start < AHIMA_SELF_REVIEWS_UNTIL,
        "consequences": [
            f"cycle {cycle['start']} to {cycle['end']}: unmet requirements make the credential inactive "
            f"from {inactive.isoformat()} and revoked from {revoked.isoformat()} (AHIMA-ST-1); "
            f"on {as_of.isoformat()}: {standing if standing != 'at risk' else 'active until then'}"
            + (
                " (an extension was bought: check its terms with AHIMA)"
                if cycle.get("extension_purchased")
                else ""
            )
        ],
    }


# --- AAPC renewal (CEU periods and dues) -----------------------------------------------------

CIRCC_VENDORS = ("zhealth", "medlearn", "medical asset management")  # A6 / AAPC-CEU-3
AAPC_REVOCATION_DAYS = 90  # AAPC-LAPSE-1


def _aapc_renewal(
    profile: Mapping[str, Any], as_of: date, _policies: Any, registry: Registry, *_: Any
) -> dict[str, Any]:
    """AAPC's two-year CEU periods and yearly dues for a certified member (AAPC-CEU-1 to CEU-6).

    The CEU year follows the renewal month: odd months report in odd years, even months in even
    years, on the last day of the month. CEUs count when completed within the period, on or after
    certification, and submitted by the due date. Thresholds are the rules' business.
    """
    held = [
        r
        for r in profile.get("credentials", [])
        if _body(registry, r["id"]) == "AAPC" and _status_on(r, as_of) == "active"
    ]
    memberships = _by_date(m for m in profile.get("memberships", []) if m["organization"] == "AAPC")
    month = memberships[-1].get("renewal_month") if memberships else None
    awarded = [
        parse(r.get("awarded_date") or r["exam_pass_date"])
        for r in held
        if r.get("awarded_date") or r.get("exam_pass_date")
    ]
    certified = min(awarded) if awarded else None
    ids = sorted({registry.normalise(r["id"])[0] for r in held})
    ceus = [
        c
        for c in profile.get("ceus", [])
        if (
            _body(registry, c["applied_to_credential_id"]) == "AAPC"
            if c.get("applied_to_credential_id")
            else c.get("aapc_approved_vendor")
        )
    ]
    paid = parse(memberships[-1]["paid_through"]) if memberships else None
    last = current = None
    if month and certified:
        due = _due_on_or_after(as_of, month)
        previous = date(due.year - 2, month, calendar.monthrange(due.year - 2, month)[1])
        current = _aapc_period(previous, due, certified, ceus, ids, as_of)
        if previous >= certified:  # a period that ended before certification asked nothing
            before = date(
                previous.year - 2, month, calendar.monthrange(previous.year - 2, month)[1]
            )
            last = _aapc_period(before, previous, certified, ceus, ids, as_of)
    return {
        "credentials": len(ids),
        "renewal_month": month,
        "certified_on": certified.isoformat() if certified else None,
        "last": last or _NO_PERIOD,
        "current": current or _NO_PERIOD,
        "dues_standing_if_unpaid": None
        if not paid or paid >= as_of
        else "revoked"
        if as_of >= paid + timedelta(days=AAPC_REVOCATION_DAYS)
        else "at risk",
        "dues_consequences": [
            f"dues paid through {paid.isoformat()}: credentials are revoked "
            f"{AAPC_REVOCATION_DAYS} days after the due date, from "
            f"{(paid + timedelta(days=AAPC_REVOCATION_DAYS)).isoformat()} (AAPC-LAPSE-1); "
            f"reinstatement costs $200 plus back dues (AAPC-LAPSE-2)"
        ]
        if paid and paid < as_of
        else [],
    }


_NO_PERIOD: dict[str, Any] = {
    "exists": False,
    "standing_if_unmet": None,
    "start": None,
    "due": None,
    "ceus": 0,
    "ceus_before_certification": 0,
    "full_period": True,
    "specific": {},
    "consequences": [],
}


def _due_on_or_after(day: date, month: int) -> date:
    """The first CEU due date (last day of the renewal month, in a year of the month's parity) on or after ``day``."""
    year = day.year if day.year % 2 == month % 2 else day.year + 1
    due = date(year, month, calendar.monthrange(year, month)[1])
    return due if due >= day else date(year + 2, month, calendar.monthrange(year + 2, month)[1])


def _aapc_period(
    previous_due: date, due: date, certified: date, ceus, ids, as_of: date
) -> dict[str, Any]:
    start = previous_due + ONE_DAY
    submitted = [
        c
        for c in ceus
        if start <= parse(c["completion_date"]) <= due
        and (due >= as_of or (c.get("submitted_date") and parse(c["submitted_date"]) <= due))
    ]
    counted = [c for c in submitted if parse(c["completion_date"]) >= certified]
    specific = {
        cid: _total(
            c["ceus"]
            for c in counted
            if cid in c.get("specialty_tags", [])
            and (
                cid != "CIRCC" or any(v in (c.get("provider") or "").lower() for v in CIRCC_VENDORS)
            )
        )
        for cid in ids
    }
    revoked = due + timedelta(days=AAPC_REVOCATION_DAYS)
    return {
        "exists": True,
        "standing_if_unmet": "revoked" if as_of >= revoked else "at risk",
        "start": start.isoformat(),
        "due": due.isoformat(),
        "ceus": _total(c["ceus"] for c in counted),
        "ceus_before_certification": _total(
            c["ceus"] for c in submitted if parse(c["completion_date"]) < certified
        ),
        "full_period": True
        if certified <= start
        else None,  # first period pro-rated: formula unknown
        "specific": specific,
        "consequences": [
            f"period {start.isoformat()} to {due.isoformat()}: CEUs not met by the due date mean revocation "
            f"from {revoked.isoformat()}, 90 days later (AAPC-LAPSE-1)"
            + (f"; on {as_of.isoformat()}: past that date" if as_of >= revoked else "")
        ],
    }


# --- the sections, in the order of schemas/facts.schema.json ---------------------------------

Section = Callable[
    [Mapping[str, Any], date, Mapping[str, str], Registry, frozenset[str]], Any
]  # (profile, as_of, policies, registry, lapsed) -> that section's facts

SECTIONS: Mapping[str, Section] = MappingProxyType(
    {
        "education": _education,
        "experience": _experience,
        "letters": _letters,
        "training": _training,
        "practicode_completed": _practicode,
        "credentials": _credentials,
        "membership": _memberships,
        "recert": _recertification,
        "aapc": _aapc_renewal,
    }
)

# Sections whose work splits into a first part, read once for every value of the policies it
# reads, and a second part per policy assignment: name -> (those policies, first, second).
SPLIT_SECTIONS: Mapping[str, tuple[tuple[str, ...], Callable[..., Any], Callable[..., Any]]] = (
    MappingProxyType({"experience": (("vague_duration_statement",), _work, _experience_from)})
)

# Which sections read a policy (the schema's x-policies say the same per fact; a test keeps them
# equal), which read ``lapsed``, and which grow while a job goes on (x-grows-with-time).
POLICY_SECTIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "part_time_counting": ("experience",),
        "vague_duration_statement": ("experience",),
        "apprentice_counts_as_credential": ("credentials",),
    }
)
LAPSED_SECTIONS = ("credentials",)


def policy_can_matter(profile: Mapping[str, Any], policy: str, registry: Registry) -> bool:
    """False when no value of ``policy`` can change this profile's facts (so alternatives need
    not be derived); True when it may (conservatively: True is always safe, and it is the answer
    for policies that no fact reads)."""
    if policy == "part_time_counting":  # every job at least the longest full-time week counts whole
        longest = max(FULL_TIME_HOURS.values())
        return any(
            job.get("hours_per_week") is not None and job["hours_per_week"] < longest
            for job in profile.get("work_history", [])
        )
    if policy == "vague_duration_statement":
        return any(
            letter.get("stated_duration") for letter in profile.get("verification_letters", [])
        )
    if policy == "apprentice_counts_as_credential":
        return any(
            record.get("apprentice") or registry.normalise(record["id"])[1]
            for record in profile.get("credentials", [])
        )
    return True
