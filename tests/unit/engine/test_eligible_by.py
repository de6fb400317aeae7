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
from typing import Any

from benchmarks.generate import AS_OF
from benchmarks.generate import profile as synthetic
from eligibility.engine.plan import Memo, _run, assess, lapsed_by, make_plan
from eligibility.engine.results import MET, NOT_MET
from eligibility.facts import derive
from eligibility.inputs.profiles import profile_from_data

HORIZON = date(AS_OF.year + 3, AS_OF.month, AS_OF.day)  # 36 months after the evaluation date
WANTED = 200  # answers whose gap time alone closes, at least


def redated(data: dict[str, Any], day: date) -> dict[str, Any]:
    """The profile on ``day`` under the declared assumption: its 'to present' letters re-issued."""
    letters = [
        {**letter, "letter_date": day.isoformat()} if letter.get("states_to_present") else letter
        for letter in data.get("verification_letters", ())
    ]
    return {**data, "verification_letters": letters} if letters else data


def first_days(book, plan, data, checks: list[int], lapsed) -> dict[int, date | None]:
    """Per check index: the first day after the evaluation date, up to the horizon, on which it
    is met (None: none is), each day evaluated afresh."""
    policies = book.default_policies()
    found: dict[int, date | None] = dict.fromkeys(checks)
    day = AS_OF
    while day < HORIZON and None in found.values():
        day += timedelta(days=1)
        facts = derive(redated(data, day), day, policies, book.facts, lapsed, only=plan.facts_read)
        run = _run(plan, facts)
        for i in checks:
            if found[i] is None and run.applicable[i]:
                if run.codes_of(plan.checks[i])[plan.checks[i].root] == 2:
                    found[i] = day
    return found


def test_eligible_by_dates_agree_with_a_search_of_every_day(rulebook) -> None:
    plan = make_plan(rulebook, AS_OF)
    explaining = make_plan(rulebook, AS_OF, explaining=True)
    rng = random.Random(15)
    memo = Memo()
    closed = compared = 0
    number = 0
    shapes: set[Any] = set()
    while closed < WANTED:
        number += 1
        assert number < 3000, f"only {closed} answers that time closes in {number} students"
        data = profile_from_data(synthetic(rng, number), f"S{number}").data
        answers = assess(plan, rulebook, data, memo=memo)
        concerned = {
            plan.wanted[place]: outcome
            for place, outcome in enumerate(answers.outcomes)
            if outcome.status == NOT_MET
        }
        # students alike in what time changes (their jobs and letters, relative to the date)
        # prove nothing new: one of each shape is searched
        shape = (
            tuple(sorted(concerned)),
            repr(data.get("work_history")),
            repr(data.get("verification_letters")),
            repr(data.get("training")),
            repr(data.get("practicode")),
            repr(data.get("credentials")),
        )
        if not concerned or shape in shapes:
            continue
        shapes.add(shape)
        lapsed = lapsed_by(explaining, rulebook, data, {})
        truth = first_days(rulebook, plan, data, sorted(concerned), lapsed)
        for i, outcome in concerned.items():
            where = f"S{number} {plan.checks[i].check_id}"
            given = outcome.eligible_by
            if given is not None and given > HORIZON:
                assert truth[i] is None, where  # beyond the search: met on no day before it
                continue
            assert given == truth[i], f"{where}: given {given}, met first on {truth[i]}"
            compared += 1
            closed += truth[i] is not None
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
