"""True/false fields not stated (profile format 2, issue 14 item 20): an answer that needs one
is unknown and names it; one that does not is unchanged; format 1 reads a field left out as no."""

from __future__ import annotations

import copy
from datetime import date

from eligibility.api import check_profile
from eligibility.engine import unstated
from eligibility.engine.plan import assess, make_plan
from eligibility.inputs.formatversion import left_out_values
from eligibility.inputs.profiles import load_profile, profile_from_data
from eligibility.report.render import text_report
from eligibility.rulebook.rules import load_rulebook
from tests.conftest import PROFILES

X71 = load_profile(PROFILES / "x71-flags-not-stated.yaml")


def _answer(data: dict, check: str = "CPC-A-removal"):
    report = check_profile(profile_from_data(data, "p.yaml"), [check])
    return report.results[0], text_report(report, {})


def _leaf(node, ident):
    if node.node.id == ident:
        return node
    return next((f for c in node.children if (f := _leaf(c, ident)) is not None), None)


def test_a_letter_flag_not_stated_makes_the_documented_months_unknown_naming_it() -> None:
    result, text = _answer(copy.deepcopy(dict(X71.data)))
    assert result.status == "unknown"
    leaf = _leaf(result.requires, "option-1-letters")
    assert leaf.status == "unknown"
    assert leaf.missing == ("letter-1: current contact information given (not stated)",)
    assert (
        "answer 'Current contact information given' for letter-1 (contact_info_present: true or false)"
        in text
    )
    assert "current contact information given: not stated" in text
    assert "no current contact information" not in text


def test_a_flag_not_stated_where_it_does_not_matter_changes_nothing() -> None:
    data = copy.deepcopy(dict(X71.data))
    data["verification_letters"][0]["contact_info_present"] = True
    result, text = _answer(data)  # job-2's directly_assigns_codes is still not stated
    assert result.status == "met"
    assert "directly_assigns_codes" not in text


def test_stating_it_gives_the_answer_either_way() -> None:
    data = copy.deepcopy(dict(X71.data))
    data["verification_letters"][0]["contact_info_present"] = False
    result, _ = _answer(data)
    assert result.status == "not_met"


def test_format_1_reads_the_same_profile_as_before() -> None:
    data = {**copy.deepcopy(dict(X71.data)), "profile_version": 1}
    result, text = _answer(data)
    assert result.status == "not_met"
    assert "no current contact information" in text


def test_a_cohort_answers_as_check_does() -> None:
    book = load_rulebook()
    plan = make_plan(book, date(2026, 11, 22))
    verdicts = {v.check_id: v for v in assess(plan, book, X71.data).verdicts()}
    removal = verdicts["CPC-A-removal"]
    assert removal.status == "unknown"
    assert "option-1-letters" in removal.outcome.unknown
    assert "option-1-experience" not in removal.outcome.unknown


X72 = load_profile(PROFILES / "x72-values-not-known.yaml")


def test_values_left_out_are_listed_with_their_other_reading() -> None:
    found = {(item.record, item.field): item.other for item in left_out_values(X72.data)}
    assert found[("the AAPC membership", "paid_through")] == "1900-01-01"
    assert found[("job-2", "start_date")] == "1900-01-01"
    assert "CPT" in found[("job-2", "code_sets")]
    assert len(found) == 3, found


def test_a_paid_through_date_left_out_makes_the_dues_unknown() -> None:
    result, text = _answer(copy.deepcopy(dict(X72.data)), "CPC-renewal")
    assert result.status == "unknown"
    assert _leaf(result.requires, "dues").status == "unknown"
    assert "give the paid-through date of the AAPC membership (paid_through: YYYY-MM-DD" in text
    paid = copy.deepcopy(dict(X72.data))
    paid["memberships"][0]["paid_through"] = "2027-05-31"
    assert _answer(paid, "CPC-renewal")[0].status == "met"


def _condition(data: dict, check: str, ident: str):
    result, text = _answer(data, check)
    return _leaf(result.requires, ident), text


def test_a_job_without_a_start_is_harmless_where_other_work_suffices() -> None:
    leaf, text = _condition(copy.deepcopy(dict(X72.data)), "CPC-full", "option-1-experience")
    assert leaf.status == "met"
    assert "start_date" not in text


def test_a_job_without_a_start_makes_experience_unknown_where_it_is_needed() -> None:
    data = copy.deepcopy(dict(X72.data))
    data["work_history"] = data["work_history"][1:]  # only the job whose start is not known
    leaf, text = _condition(data, "CPC-full", "option-1-experience")
    assert leaf.status == "unknown"
    assert "give the start date of job-2 (start_date: YYYY-MM-DD" in text
    data["work_history"][0]["start_date"] = "2019-06-01"  # stated: seven months, not enough
    assert _condition(data, "CPC-full", "option-1-experience")[0].status == "not_met"


def test_a_letter_date_left_out_in_format_2_is_not_known_and_null_is_undated() -> None:
    data = copy.deepcopy(dict(X71.data))
    letter = data["verification_letters"][0]
    letter["contact_info_present"] = True
    del letter["letter_date"]
    result, text = _answer(data)
    assert result.status == "unknown"
    assert (
        "give the letter date of letter-1 (letter_date: YYYY-MM-DD, or null if it is undated)"
        in text
    )
    assert "letter date: not stated" in text and "not dated" not in text
    letter["letter_date"] = None  # stated: the letter is undated
    result, text = _answer(data)
    assert result.status == "not_met"
    assert "not dated" in text
    data["profile_version"] = 1  # format 1: left out is undated, as before
    del letter["letter_date"]
    assert _answer(data)[0].status == "not_met"


def test_a_ceu_record_without_its_date_is_read_in_each_period_and_in_none() -> None:
    """A CEU record left undated has more than two readings: the facts place it in no cycle or
    period, and the others on the evaluation date and one and two years before (the current
    period, the last one), each tried as a reading of its own."""
    from eligibility.engine.unstated import READINGS, readings

    data = {
        "as_of": "2026-11-22",
        "ceus": [{"activity_title": "Webinars", "ceus": 6}, {"ceus": 2, "completion_date": "2025"}],
    }
    (item,) = left_out_values(data, date(2026, 11, 22))
    assert (item.record, item.field) == ("CEU record 1 (Webinars)", "completion_date")
    assert (item.other, item.more) == ("2026-11-22", ("2025-11-22", "2024-11-22"))
    found = readings(data, date(2026, 2, 28))
    assert found is not None
    names = [name for name, _ in found.variants]
    # three readings besides the one the facts make: as many as the value has (a role has four)
    assert names == ["not_stated", "not_stated_2", "not_stated_3", "longest", "shortest"]
    assert set(names) <= set(READINGS)
    placed = [dict(settings).get(("ceus", 0, "completion_date")) for _, settings in found.variants]
    assert placed[:3] == ["2026-02-28", "2025-02-28", "2024-02-28"]


def test_code_sets_left_out_where_they_decide_are_asked_for_not_a_crash() -> None:
    """X50's past coding job without its code sets: the values tried for them are lists, and
    naming what decides an answer hashed them: "this is a fault of the program" for her whole
    profile (Hypothesis found it)."""
    data = copy.deepcopy(load_profile(PROFILES / "x50-left-out.yaml").data)
    job = next(j for j in data["work_history"] if j["id"] == "job-2")
    del job["code_sets"]
    report = check_profile(profile_from_data(data, "x50.yaml"))  # every check

    def missing(node):
        return (
            [] if node is None else [*node.missing, *(m for c in node.children for m in missing(c))]
        )

    asked = {m for r in report.results for m in (*missing(r.requires), *missing(r.recommends))}
    assert "job-2: code sets (not stated)" in asked


def test_an_answer_reads_what_is_left_unknown_alike_whichever_checks_are_asked() -> None:
    """X98's course, finished "in 2026", may not be finished on 2026-11-22: its hours are 0 to
    78. Before, CPC-full said so only when another check asked differed under the readings (a
    run of every check), and then named another closest pathway than ``--cert CPC-full``."""
    profile = load_profile(PROFILES / "x98-course-year-only.yaml")
    alone = check_profile(profile, ["CPC-full"]).results[0]
    (among,) = [r for r in check_profile(profile, ()).results if r.check_id == "CPC-full"]
    for result in (alone, among):
        assert _leaf(result.requires, "option-3-course").found_range == (0, 78)
    assert alone.requires == among.requires


def _details(node):
    yield from node.details
    for child in node.children:
        yield from _details(child)


def test_a_detail_line_names_no_day_only_tried_for_a_date_left_out() -> None:
    # X72's paid_through is left out; a reading tries it at the calendar's first day, which no
    # person paid through: its lines ("dues paid through 1900-01-01") are not shown
    report = check_profile(load_profile(PROFILES / "x72-values-not-known.yaml"), ["CPC-renewal"])
    lines = list(_details(report.results[0].requires))
    assert not [line for line in lines if "1900-" in line]


def test_a_detail_line_a_month_only_date_changes_is_given_for_each_day_that_decides() -> None:
    # X95's dues, paid through "2026-03": the first and the last day give different dates
    report = check_profile(
        load_profile(PROFILES / "x95-aapc-dues-month-only.yaml"), ["CPC-renewal"], date(2026, 6, 20)
    )
    dues = _leaf(report.results[0].requires, "dues")
    assert [line.split(": ")[:2] for line in dues.details] == [
        [
            "if the paid-through date of the AAPC membership is toward the start of 2026-03 (as on 2026-03-01)",
            "dues paid through 2026-03-01",
        ],
        [
            "if the paid-through date of the AAPC membership is toward the end of 2026-03 (as on 2026-03-31)",
            "dues paid through 2026-03-31",
        ],
    ]


def test_the_trees_of_some_checks_are_those_of_every_check_at_their_places() -> None:
    # a cohort merges the readings of the checks they change only: their trees alone are built
    book = load_rulebook()
    plan = make_plan(book, date(2026, 6, 20), explaining=True)
    data = load_profile(PROFILES / "x95-aapc-dues-month-only.yaml").data
    every = assess(plan, book, data, explained=True).results
    place = next(i for i, r in enumerate(every) if r.check_id == "CPC-renewal")
    some = assess(plan, book, data, explained=frozenset({place})).results
    assert some[place] == every[place]
    assert [r for i, r in enumerate(some) if i != place] == [None] * (len(every) - 1)
    assert some[place].status == "not_met" and some[place].standing is None  # readings merged


def test_a_detail_line_resting_on_a_value_left_out_is_not_said_as_fact() -> None:
    # X87 with 4 more CEUs, dated in the last period and submitted late: 4 are not counted as
    # the profile gives it, 10 if the undated 6 fall in the period too
    data = copy.deepcopy(dict(load_profile(PROFILES / "x87-ceu-undated-matters.yaml").data))
    data["ceus"].append(
        {
            "activity_title": "Late webinar",
            "provider": "AAPC",
            "aapc_approved_vendor": True,
            "completion_date": "2023-05-10",
            "ceus": 4,
            "submitted_date": "2026-06-10",
            "applied_to_credential_id": "CPC",
        }
    )
    report = check_profile(profile_from_data(data, "p.yaml"), ["CPC-renewal"], date(2026, 6, 15))
    late = [
        line
        for line in _details(report.results[0].requires)
        if "had not reached AAPC in time" in line
    ]
    assert [line.split(": ")[0] for line in late] == [
        "as the profile gives it (the completion date of CEU record 3 (Coding update webinars) not given)",
        "perhaps (it depends on the completion date of CEU record 3 (Coding update webinars), which the profile does not give)",
    ]


def test_a_date_in_a_line_is_kept_when_it_only_happens_to_be_a_day_of_a_month_given() -> None:
    # X87 paid through "2026-06", on 2026-06-30: the day CEUs were due by is that month's last
    # day, which is not the paid-through date the line rests on
    data = copy.deepcopy(dict(load_profile(PROFILES / "x87-ceu-undated-matters.yaml").data))
    data["memberships"][0]["paid_through"] = "2026-06"
    report = check_profile(profile_from_data(data, "p.yaml"), ["CPC-renewal"], date(2026, 6, 30))
    (late,) = [
        d for d in _details(report.results[0].requires) if "had not reached AAPC in time" in d
    ]
    assert "as of 2026-06-30 they had not reached AAPC in time" in late


def test_a_true_false_field_is_named_as_the_question_it_answers() -> None:
    """Not as the file names it: "the answer to 'Signed by hand' for letter-1 is yes"."""
    data = {
        "profile_version": 2,
        "verification_letters": [{"id": "letter-1", "author_role": "supervisor"}],
    }
    found = unstated.readings(data, date(2026, 11, 22))
    signed = next(u for u in found.unknowns if u.settings[0][0][-1] == "hand_signed")
    assert signed.named == "letter-1: signed by hand (not stated)"
    assert signed.how == "answer 'Signed by hand' for letter-1 (hand_signed: true or false)"
    assert (
        unstated._condition(signed, "yes") == "the answer to 'Signed by hand' for letter-1 is yes"
    )


def test_a_check_answers_alike_whatever_else_is_asked_with_it() -> None:
    """A job known only to the year: the CCS exam, met under every reading, showed the profile
    as read (from 2022-01-01) asked alone, and the least its holder surely has (from the end of
    2022) asked beside the CPC-A's removal, whose answer a reading changes: every check was then
    merged. Each check is merged on its own readings, whatever else is asked with it."""
    data = copy.deepcopy(dict(X71.data))
    data["work_history"][0]["start_date"] = "2022"
    data["verification_letters"][0]["stated_start"] = "2022"
    profile = profile_from_data(data, "p.yaml")
    alone = text_report(check_profile(profile, ["CCS-exam"]), {})
    both = text_report(check_profile(profile, ["CCS-exam", "CPC-A-removal"]), {})
    lines = [line for line in alone.splitlines() if "coding experience:" in line]
    assert lines and all(line in both for line in lines), (lines, both)
    # met under every reading: the least, from the last day of 2022 to 2026-11-22
    assert "coding experience: at least 3 years 10 months" in lines[0], lines
