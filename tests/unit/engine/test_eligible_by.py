"""Eligible-by dates against a brute-force search (issue 15, item 2).

On the benchmark's synthetic cohort, every answer "not met" whose gap time alone closes must carry
the day it becomes met, and no other answer may carry one. The brute force knows nothing of the
engine's search: for each student it evaluates the checks concerned on every later day over 36
months, with the profile as it would stand then under the assumptions the rules declare (ongoing
jobs continue; a letter stating the work "to present" is re-issued that day, see
docs/rule-format.md's ``closes_with_time``), and compares the first day each check is met with
the date the batch's answer gives, both ways.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.generate import AS_OF
from benchmarks.generate import profile as synthetic
from eligibility.api import check_profile, resolve_as_of
from eligibility.engine.plan import Memo, assess, lapsed_by, make_plan
from eligibility.engine.results import MET, NOT_MET
from eligibility.facts import derive
from eligibility.inputs.profiles import load_profile, profile_from_data
from eligibility.logic import truthy

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "profiles"
HORIZON = date(AS_OF.year + 3, AS_OF.month, AS_OF.day)  # 36 months after the evaluation date
WANTED = 200  # answers whose gap time alone closes, at least
EVERYONE = 20  # the first students, searched whatever their profile


def redated(data: dict[str, Any], day: date) -> dict[str, Any]:
    """The profile on ``day`` under the declared assumption: its 'to present' letters re-issued."""
    letters = [
        {**letter, "letter_date": day.isoformat()} if letter.get("states_to_present") else letter
        for letter in data.get("verification_letters", ())
    ]
    return {**data, "verification_letters": letters} if letters else data


def holds(node, facts) -> bool:
    """Whether a condition is met on ``facts``, straight from the rule's tree and JsonLogic."""
    if node.kind == "leaf":
        return truthy(node.logic(facts))
    met = (holds(child, facts) for child in node.children)
    return all(met) if node.kind == "all" else any(met)


def first_days(book, checks, data, lapsed) -> dict[str, date | None]:
    """Per check: the first day after the evaluation date, up to the horizon, on which it
    applies and is met (None: on none), each day's facts derived afresh (only those the checks
    read)."""
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
    day = AS_OF
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
    (what the rules' assumption re-issues). Read from the profile alone, not from any answer."""
    recent = date(AS_OF.year - 2, AS_OF.month, AS_OF.day).isoformat()
    ongoing = {
        job["id"]
        for job in data.get("work_history", ())
        if not job.get("end_date") and job["start_date"] > recent
    }
    return any(
        letter.get("states_to_present") and letter.get("covers_work_id") in ongoing
        for letter in data.get("verification_letters", ())
    )


def test_eligible_by_dates_agree_with_a_search_of_every_day(rulebook) -> None:
    """Every not-met answer of the first students of the cohort (whatever they hold), then of
    the students time may change, until 200 answers that time closes were compared."""
    plan = make_plan(rulebook, AS_OF)
    explaining = make_plan(rulebook, AS_OF, explaining=True)
    rng = random.Random(15)
    memo = Memo()
    closed = compared = number = 0
    while closed < WANTED:
        number += 1
        assert number < 3000, f"only {closed} answers that time closes in {number} students"
        data = profile_from_data(synthetic(rng, number), f"S{number}").data
        if number > EVERYONE and not time_may_tell(data):
            continue
        answers = assess(plan, rulebook, data, memo=memo)
        concerned = {
            plan.wanted[place]: outcome
            for place, outcome in enumerate(answers.outcomes)
            if outcome.status == NOT_MET
        }
        if not concerned:
            continue
        lapsed = lapsed_by(explaining, rulebook, data, {})
        truth = first_days(rulebook, [plan.checks[i].check for i in concerned], data, lapsed)
        for i, outcome in concerned.items():
            check_id = plan.checks[i].check_id
            where = f"S{number} {check_id}"
            given = outcome.eligible_by
            if given is not None and given > HORIZON:
                assert truth[check_id] is None, where  # beyond the search: met on no day before
                continue
            assert given == truth[check_id], f"{where}: given {given}, met on {truth[check_id]}"
            compared += 1
            closed += truth[check_id] is not None
    assert compared > closed  # answers time does not close were compared too (none wrong)


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
