"""Dates known only to the month or year (issue 14 items 7 and 18): accepted wherever a profile
gives a date, read as a range, and an answer that depends on where in it the truth lies is
unknown with the range shown."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from eligibility.api import check, check_profile
from eligibility.dates import parse, span
from eligibility.errors import InputError
from eligibility.inputs.formatversion import date_fields, imprecise_dates
from eligibility.inputs.profiles import Profile, load_profile, profile_from_data, with_letter_days
from tests.conftest import PROFILES

X73 = load_profile(PROFILES / "x73-month-precise-start.yaml")


def test_a_month_or_a_year_is_a_range_of_days() -> None:
    assert span("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert span("2023") == (date(2023, 1, 1), date(2023, 12, 31))
    assert span("2024-03-15") == (date(2024, 3, 15), date(2024, 3, 15))
    assert span("2024-03-15", "month") == (date(2024, 3, 1), date(2024, 3, 31))
    assert span("2024-03-15", "year") == (date(2024, 1, 1), date(2024, 12, 31))
    assert parse("2024-03") == date(2024, 3, 1)  # as ISO text compares: before 2024-03-01


def test_every_date_but_the_evaluation_date_may_be_a_month_or_a_year() -> None:
    places = {(where[0], name) for where, name in date_fields()}
    assert ("work_history", "start_date") in places and ("ceus", "completion_date") in places
    assert ("memberships", "paid_through") in places and ("self_reviews", "date") in places
    assert not any(name == "as_of" for _, name in places)
    data = {"as_of": "2026-11", "work_history": [{"start_date": "2024"}]}
    with pytest.raises(InputError, match="as_of"):
        profile_from_data(data, "p.json")
    del data["as_of"]
    profile_from_data(data, "p.json")
    with pytest.raises(InputError, match="'2024-13' is not a valid date"):
        profile_from_data({"ceus": [{"completion_date": "2024-13", "ceus": 1}]}, "p.json")


def test_dates_in_order_allow_a_month_to_end_after_a_day_in_it_starts() -> None:
    profile_from_data({"work_history": [{"start_date": "2024-03-15", "end_date": "2024-03"}]}, "p")
    with pytest.raises(InputError, match="end_date 2024-02 is before start_date 2024-03-15"):
        profile_from_data(
            {"work_history": [{"start_date": "2024-03-15", "end_date": "2024-02"}]}, "p"
        )


def test_date_precision_makes_a_day_stand_for_its_month_or_year() -> None:
    job = {"id": "j", "start_date": "2014-01-01", "end_date": None, "date_precision": "year"}
    (found,) = imprecise_dates({"work_history": [job]})
    assert (found.first, found.last) == ("2014-01-01", "2014-12-31")
    assert imprecise_dates({"work_history": [{**job, "date_precision": "day"}]}) == []


def _experience(data: dict, as_of: date):
    report = check_profile(profile_from_data(data, "p.yaml"), ["CPC-A-removal"], as_of)
    tree = report.results[0].requires
    nodes = [tree]
    while nodes:
        node = nodes.pop()
        if node.node.id == "option-1-experience":
            return node
        nodes += node.children
    raise AssertionError("no option-1-experience")


def test_an_answer_that_depends_on_where_in_the_range_is_unknown_with_the_range() -> None:
    leaf = _experience(copy.deepcopy(dict(X73.data)), date(2026, 11, 22))
    assert leaf.status == "unknown"
    # with the day it turns: the last start that still gives 24 months by 2026-11-22
    assert (
        "job-1: start date 2024-11 (any day from 2024-11-01 to 2024-11-30:"
        " met if on or before 2024-11-23)" in leaf.missing
    )
    assert _experience(copy.deepcopy(dict(X73.data)), date(2027, 1, 25)).status == "met"


def test_the_same_start_as_a_day_gives_a_definite_answer() -> None:
    data = copy.deepcopy(dict(X73.data))
    data["work_history"][0]["start_date"] = "2024-11-30"
    assert _experience(data, date(2026, 11, 22)).status == "not_met"
    data["work_history"][0]["start_date"] = "2024-11-01"
    assert _experience(data, date(2026, 11, 22)).status == "met"
    data["work_history"][0]["date_precision"] = "month"  # recorded: the day is not known
    assert _experience(data, date(2026, 11, 22)).status == "unknown"


def test_the_range_found_is_given_in_the_text() -> None:
    """Issue 14 item 7: a start known to the month gives a range of months, not one end of it."""
    leaf = _experience(copy.deepcopy(dict(X73.data)), date(2026, 11, 22))
    low, high = leaf.found_range
    assert low == pytest.approx(23 + 24 / 30.4375, abs=0.01)  # from 2024-11-30
    assert high == pytest.approx(24 + 22 / 30.4375, abs=0.01)  # from 2024-11-01
    report = check(PROFILES / "x73-month-precise-start.yaml", "CPC-A-removal", "2026-11-22")
    assert "coding experience: 23 months 24 days to 24 months 22 days" in report.to_text()
    met = _experience(copy.deepcopy(dict(X73.data)), date(2027, 1, 25))
    assert met.found_range is None  # met from either end: the answer stands, as found


def test_every_date_field_of_the_schema_takes_a_month_but_the_evaluation_date() -> None:
    """Issue 14 item 18: whatever the field, a month is accepted where a day is."""
    from eligibility.inputs.formatversion import _schema_fields

    days = {
        (where, name)
        for where, name, field in _schema_fields()
        if any(f.get("format") == "date" for f in (field, *field.get("anyOf", ())))
    }
    assert (("memberships", "[]"), "dues_paid_date") in days
    assert days - set(date_fields()) == {((), "as_of")}


X35 = load_profile(PROFILES / "x35-aapc-dues-paid-late.yaml")  # dues paid on 2026-05-20


def _renewal(dues_paid_date: str, as_of: date):
    data = copy.deepcopy(dict(X35.data))
    data["memberships"][0]["dues_paid_date"] = dues_paid_date
    (result,) = check_profile(profile_from_data(data, "p.yaml"), ["CPC-renewal"], as_of).results
    (dues,) = [c for c in result.requires.children if c.node.id == "dues"]
    return result, dues


def test_dues_paid_in_a_month_are_paid_from_some_day_of_it() -> None:
    """A month-only dues_paid_date (e.g. "2026-05") is accepted and read as its days: before
    the month the dues are unpaid, after it paid, and within it the answer is unknown, naming
    the range."""
    before, dues = _renewal("2026-05", date(2026, 4, 25))
    assert (before.status, before.standing, dues.status) == ("not_met", "at risk", "not_met")
    after, dues = _renewal("2026-05", date(2026, 6, 5))
    assert (after.status, dues.status) == ("met", "met")
    within, dues = _renewal("2026-05", date(2026, 5, 10))
    assert (within.status, dues.status) == ("unknown", "unknown")
    range_ = "dues payment date 2026-05 (any day from 2026-05-01 to 2026-05-31)"
    assert any(range_ in missing for missing in dues.missing)
    # a year is a range too; the same day given exactly gives a definite answer
    assert _renewal("2026", date(2026, 5, 10))[1].status == "unknown"
    assert _renewal("2026-05-01", date(2026, 5, 10))[1].status == "met"
    assert _renewal("2026-05-31", date(2026, 5, 10))[1].status == "not_met"


def _job_and_letters(job: dict, *letters: dict) -> dict:
    base = {"id": "job-1", "employer": "Clinic", "role_function": "assigns_codes"}
    return {
        "name": "Sam",
        "work_history": [{**base, **job}],
        "verification_letters": [
            {"id": f"letter-{n}", "covers_work_id": "job-1", **letter}
            for n, letter in enumerate(letters, start=1)
        ],
    }


@pytest.mark.parametrize(
    ("job", "letters", "read"),
    [
        # a month, and the day its letter states within it
        ({"start_date": "2024-11"}, [{"stated_start": "2024-11-15"}], {"start_date": "2024-11-15"}),
        # a precision said for both dates: the day given is a day, the other its month
        (
            {"start_date": "2024-11-01", "end_date": "2025-06-30", "date_precision": "month"},
            [{"stated_start": "2024-11-15"}],
            {"start_date": "2024-11-15", "end_date": "2025-06"},
        ),
        # letters that disagree give no day; nor one outside the month
        (
            {"start_date": "2024-11"},
            [{"stated_start": "2024-11-15"}, {"stated_start": "2024-11-20"}],
            {"start_date": "2024-11"},
        ),
        ({"start_date": "2024-11"}, [{"stated_start": "2024-10-15"}], {"start_date": "2024-11"}),
        # a letter dated after the evaluation date (2026-11-22) was not yet written
        (
            {"start_date": "2024-11"},
            [{"stated_start": "2024-11-15", "letter_date": "2026-11-23"}],
            {"start_date": "2024-11"},
        ),
        (
            {"start_date": "2024-11"},
            [{"stated_start": "2024-11-15", "letter_date": "2026-11-22"}],
            {"start_date": "2024-11-15"},
        ),
        # dated only to a month that ends after the evaluation date: perhaps not yet written
        (
            {"start_date": "2024-11"},
            [{"stated_start": "2024-11-15", "letter_date": "2026-11"}],
            {"start_date": "2024-11"},
        ),
    ],
    ids=[
        "month",
        "precision for both",
        "two days",
        "outside",
        "letter later",
        "letter that day",
        "letter month not over",
    ],
)
def test_a_job_date_known_to_the_month_takes_the_day_its_letter_states(job, letters, read):
    profile = with_letter_days(Profile("p", _job_and_letters(job, *letters)), date(2026, 11, 22))
    (record,) = profile.data["work_history"]
    assert {k: record.get(k) for k in read} == read
    changed = read != {k: job.get(k) for k in read}
    assert ("date_precision" in record) == ("date_precision" in job and not changed)
    assert bool(profile.assumed) == changed
    for field in ("start_date", "end_date"):
        if isinstance(record.get(field), str):
            assert span(record[field], record.get("date_precision"))[0] >= date(2024, 11, 1)
