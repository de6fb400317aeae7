"""Eligible-by dates against a brute-force search (issue 15, item 2).

On the benchmark's synthetic cohort, every answer "not met" whose gap time alone closes must carry
the day it becomes met, and no other answer may carry one. The brute force knows nothing of the
engine's search: it evaluates each check's rule tree on the facts of every later day over 36
months, derived afresh from the profile as it would stand that day under the assumptions the
rules declare (ongoing jobs go on; a letter stating the work "to present" is re-issued that day,
docs/rule-format.md's ``closes_with_time``), and compares the first day each check is met with
the date the batch's answer gives, both ways. Every not-met answer of the first students is
searched, whatever the check; then, for 200 answers that time closes, the checks a later day may
meet (by their rules) of the students whose profile time may change.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.generate import AS_OF
from benchmarks.generate import profile as synthetic
from eligibility.api import check_profile, resolve_as_of
from eligibility.engine.plan import assess, lapsed_by, make_plan
from eligibility.engine.results import MET, NOT_MET, first_day
from eligibility.facts import derive
from eligibility.inputs.cohort import profile_from_flat
from eligibility.inputs.profiles import load_profile, profile_from_data
from eligibility.logic import truthy

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "profiles"
HORIZON = date(AS_OF.year + 3, AS_OF.month, AS_OF.day)  # 36 months after the evaluation date
WANTED = 200  # answers whose gap time alone closes, at least
EVERYONE = 25  # the first students: every not-met answer searched, whatever the check


def redated(data: dict[str, Any], day: date) -> dict[str, Any]:
    """The profile on ``day`` under the declared assumptions: its 'to present' letters re-issued,
    and a first letter meeting AAPC's rules asked for each job going on past the evaluation date
    that has none (and whose employer can still verify it)."""
    letters = [
        {**letter, "letter_date": day.isoformat()} if letter.get("states_to_present") else letter
        for letter in data.get("verification_letters", ())
    ]
    covered = {letter.get("covers_work_id") for letter in letters}
    letters += [
        {
            "id": f"first-{job['id']}",
            "covers_work_id": job["id"],
            "author_role": "employer",
            **dict.fromkeys(("on_letterhead", "signed", "hand_signed", "typed"), True),
            **dict.fromkeys(("states_coding_duties", "states_code_sets"), True),
            "contact_info_present": True,
            "format": "pdf_non_editable",
            "letter_date": day.isoformat(),
            "stated_start": job["start_date"],
            "states_to_present": True,
        }
        for job in data.get("work_history", ())
        if job["id"] not in covered
        and (not job.get("end_date") or str(job["end_date"]) > AS_OF.isoformat())
        and job.get("employer_can_still_verify") is not False
    ]
    return {**data, "verification_letters": letters} if letters else data


def holds(node, facts) -> bool:
    """Whether a condition is met on ``facts``, straight from the rule's tree and JsonLogic."""
    if node.kind == "leaf":
        return truthy(node.logic(facts))
    met = (holds(child, facts) for child in node.children)
    return all(met) if node.kind == "all" else any(met)


def first_days(book, checks, data, lapsed) -> dict[str, date | None]:
    """Per check: the first day from the evaluation date on, up to the horizon, on which it
    applies and is met (None: on none), each day's facts derived afresh (only those the checks
    read). The evaluation date itself too: a letter re-issued that day may be all it takes."""
    policies = book.default_policies()
    reads = [
        read
        for check in checks
        for node in check.requires.walk()
        if node.logic is not None
        for read in node.logic.reads
    ] + [read for check in checks if check.applies_logic for read in check.applies_logic.reads]
    only = book.facts.definitions_reading(reads)
    found: dict[str, date | None] = dict.fromkeys(check.id for check in checks)
    day = AS_OF - timedelta(days=1)
    while day < HORIZON and None in found.values():
        day += timedelta(days=1)
        facts = derive(redated(data, day), day, policies, book.facts, lapsed, only=only)
        for check in checks:
            if (
                found[check.id] is None
                and (check.applies_logic is None or truthy(check.applies_logic(facts)))
                and holds(check.requires, facts)
            ):
                found[check.id] = day
    return found


def time_may_tell(data: dict[str, Any]) -> bool:
    """A student whose answers time may change within the search: a job going on at the date,
    begun less than two years before it, with a letter for it stating the work 'to present'
    (what the rules' assumption re-issues) or none (a first letter asked for). Read from the
    profile alone, not from any answer."""
    recent = date(AS_OF.year - 2, AS_OF.month, AS_OF.day).isoformat()
    ongoing = {
        job["id"]
        for job in data.get("work_history", ())
        if not job.get("end_date") and job["start_date"] > recent
    }
    letters = data.get("verification_letters", ())
    return any(
        letter.get("states_to_present") and letter.get("covers_work_id") in ongoing
        for letter in letters
    ) or bool(ongoing - {letter.get("covers_work_id") for letter in letters})


def time_may_close(check) -> bool:
    """Whether a check has a condition time may meet, by its rules alone: one reading a fact
    that grows while a job goes on, or declaring ``closes_with_time``."""
    return any(n.grows or n.closes_with_time for n in check.requires.walk())


def compare(rulebook, plan, explaining, data, where, keep) -> tuple[int, int]:
    """The not-met answers of one student ``keep`` selects, against the search of every day:
    (answers compared, of them met on some day)."""
    answers = assess(plan, rulebook, data)
    concerned = {
        plan.wanted[place]: outcome
        for place, outcome in enumerate(answers.outcomes)
        if outcome.status == NOT_MET and keep(plan.checks[plan.wanted[place]].check)
    }
    if not concerned:
        return 0, 0
    lapsed = lapsed_by(explaining, rulebook, data, {})
    truth = first_days(rulebook, [plan.checks[i].check for i in concerned], data, lapsed)
    compared = closed = 0
    for i, outcome in concerned.items():
        check_id = plan.checks[i].check_id
        given = outcome.eligible_by
        if given is not None and given > HORIZON:
            assert truth[check_id] is None, f"{where} {check_id}"  # met on no day before it
            continue
        assert given == truth[check_id], (
            f"{where} {check_id}: given {given}, met first on {truth[check_id]}"
        )
        compared += 1
        closed += truth[check_id] is not None
    return compared, closed


def test_every_not_met_answer_agrees_with_a_search_of_every_day(rulebook) -> None:
    """Every not-met answer of the first students of the cohort, whatever the check: no date
    missing where some later day meets it, none given where no day does."""
    plan = make_plan(rulebook, AS_OF)
    explaining = make_plan(rulebook, AS_OF, explaining=True)
    rng = random.Random(15)
    compared = 0
    for number in range(1, EVERYONE + 1):
        data = profile_from_data(synthetic(rng, number), f"S{number}").data
        compared += compare(rulebook, plan, explaining, data, f"S{number}", lambda check: True)[0]
    assert compared > 10 * EVERYONE


def test_eligible_by_dates_agree_with_a_search_of_every_day(rulebook) -> None:
    """At least 200 answers that time closes, both ways: the not-met answers of the checks a
    later day may meet (by their rules), for the students whose profile time may change, until
    200 of them are met on some day within 36 months."""
    plan = make_plan(rulebook, AS_OF)
    explaining = make_plan(rulebook, AS_OF, explaining=True)
    rng = random.Random(15)
    closed = compared = number = 0
    while closed < WANTED:
        number += 1
        assert number < 5000, f"only {closed} answers that time closes in {number} students"
        data = profile_from_data(synthetic(rng, number), f"S{number}").data
        if time_may_tell(data):
            found = compare(rulebook, plan, explaining, data, f"S{number}", time_may_close)
            compared, closed = compared + found[0], closed + found[1]
    assert compared > closed  # answers time does not close were compared too (none wrong)


# Rows of a flat CSV export (the program audit's, s28): a job with its last day still to come
# (F1), going on (F2), ended on the evaluation date (F3), ending before 24 months are reached
# (F6), or after them (F7), one that ended after its letter was written (F8, re-issued now), and
# one with no letter (F9).
FLAT_ROWS = {
    "F1": ("2025-01-15", "2027-12-31", "2026-11-01"),
    "F2": ("2025-01-15", "", "2026-11-01"),
    "F3": ("2025-01-15", "2026-11-22", "2026-11-01"),
    "F6": ("2025-01-15", "2026-12-31", "2026-11-01"),
    "F7": ("2025-01-15", "2027-02-28", ""),
    "F8": ("2024-11-10", "2026-11-15", "2026-11-01"),
    "F9": ("2025-01-15", "2027-12-31", None),
}


def flat_profile(key: str, issued: str | None, day: date) -> dict[str, Any]:
    """Row ``key`` of :data:`FLAT_ROWS` as the export gives it on ``day`` (its letter dated
    ``issued``; None: no letter), read as the batch reads it."""
    start, end, _ = FLAT_ROWS[key]
    row = {
        "candidate_id": "F",
        "as_of": day.isoformat(),
        "highest_education": "hs_diploma",
        "coding_start": start,
        "coding_end": end,
        "hours_per_week": "40",
        "code_sets": "CPT;ICD-10-CM",
        "letter_on_file": "no" if issued is None else "yes",
        "letter_date": issued or "",
        "aapc_paid_through": "2027-06-30",
        "aapc_renewal_month": "6",
    }
    return profile_from_data(profile_from_flat(row, key, day)[0], key).data


def test_flat_rows_agree_with_a_search_of_every_day(rulebook) -> None:
    """A flat CSV row's eligible-by dates, against the row itself as the export would give it
    on each day from the evaluation date on: its letter (if any) re-issued that day, the same
    job with the same last day. The search knows nothing of how a row is read as a profile, so
    a letter read as stating a last day still to come (F1 once gave no date at all) shows."""
    plan = make_plan(rulebook, AS_OF)
    explaining = make_plan(rulebook, AS_OF, explaining=True)
    policies = rulebook.default_policies()
    cpc: dict[str, date | None] = {}
    for key, (_, _, letter) in FLAT_ROWS.items():
        data = flat_profile(key, letter, AS_OF)
        lapsed = lapsed_by(explaining, rulebook, data, {})
        pending = {
            plan.checks[plan.wanted[place]].check_id: (
                plan.checks[plan.wanted[place]].check,
                outcome.eligible_by,
            )
            for place, outcome in enumerate(assess(plan, rulebook, data).outcomes)
            if outcome.status == NOT_MET
        }
        found: dict[str, date | None] = dict.fromkeys(pending)
        day = AS_OF - timedelta(days=1)
        while day < HORIZON and None in found.values():
            day += timedelta(days=1)
            # a letter on file re-issued that day; none on file: a first one asked for then
            issued = day.isoformat()
            facts = derive(flat_profile(key, issued, day), day, policies, rulebook.facts, lapsed)
            for check_id, (check, _) in pending.items():
                if (
                    found[check_id] is None
                    and (check.applies_logic is None or truthy(check.applies_logic(facts)))
                    and holds(check.requires, facts)
                ):
                    found[check_id] = day
        for check_id, (_, given) in pending.items():
            assert given == found[check_id], (
                f"{key} {check_id}: given {given}, met first on {found[check_id]}"
            )
            if check_id == "CPC-full":
                cpc[key] = given
    assert cpc == {  # 24 months from the job's start (CONV-1), while the job lasts
        "F1": date(2027, 1, 14),
        "F2": date(2027, 1, 14),
        "F3": None,
        "F6": None,
        "F7": date(2027, 1, 14),
        "F8": AS_OF,
        "F9": date(2027, 1, 14),  # no letter yet: a first one asked for then (audit M2)
    }


def test_a_met_answer_has_no_eligible_by_date(rulebook) -> None:
    plan = make_plan(rulebook, AS_OF)
    rng = random.Random(16)
    for number in range(1, 40):
        data = profile_from_data(synthetic(rng, number), f"S{number}").data
        for outcome in assess(plan, rulebook, data).outcomes:
            if outcome.status != NOT_MET:
                assert outcome.eligible_by is None
            if outcome.status == MET:
                assert not outcome.lacking


def test_check_and_batch_give_the_same_eligible_by_dates(rulebook) -> None:
    """The text and JSON answer (``check_profile``) and a batch's outcome (``assess``) agree on
    every golden profile and check; some have a date."""
    dated = 0
    for path in sorted(FIXTURES.glob("*.yaml")):
        profile = load_profile(path)
        day = resolve_as_of(profile, None)
        outcomes = assess(make_plan(rulebook, day), rulebook, profile.data).outcomes
        results = check_profile(profile, [], day, None, rulebook).results
        for outcome, result in zip(outcomes, results, strict=True):
            given = result.eligible_by.day if result.eligible_by else None
            assert outcome.eligible_by == given, f"{path.name} {result.check_id}"
            dated += given is not None
    assert dated


def test_no_day_is_found_past_the_last_day_of_the_rules():
    """A day after the version's last one is other rules' to answer (case Z22)."""
    start = date(2022, 12, 1)

    def met_on(day: date) -> bool:
        return day >= date(2023, 2, 28)

    assert first_day(met_on, start) == date(2023, 2, 28)
    assert first_day(met_on, start, last=date(2023, 3, 31)) == date(2023, 2, 28)
    assert first_day(met_on, start, last=date(2022, 12, 31)) is None
    assert first_day(met_on, start, last=start) is None
