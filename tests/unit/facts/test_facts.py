"""Derived facts: what a profile amounts to on a date under given policies."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from eligibility.facts import derive
from eligibility.inputs.profiles import load_profile, profile_from_data
from tests.conftest import PROFILES

AS_OF = date(2026, 11, 22)
CODER = {"directly_assigns_codes": True, "code_sets": ["CPT", "ICD-10-CM"]}
GOOD_LETTER = {
    "author_role": "supervisor",
    "on_letterhead": True,
    "hand_signed": True,
    "letter_date": "2026-11-01",
    "contact_info_present": True,
    "format": "pdf_non_editable",
}


def facts(
    rulebook, policies: dict[str, str] | None = None, day: date = AS_OF, **profile: Any
) -> dict[str, Any]:
    data = profile_from_data(profile, "test").data
    return derive(data, day, {**rulebook.default_policies(), **(policies or {})}, rulebook.facts)


def job(start: str, end: str | None = None, **extra: Any) -> dict[str, Any]:
    return {**CODER, "start_date": start, "end_date": end, **extra}


@pytest.mark.parametrize("path", sorted(PROFILES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_facts_of_every_fixture_are_the_paths_the_fact_book_declares(rulebook, path) -> None:
    """Every fact derived is one rules may read (the vocabulary rule files are checked against),
    and every fact declared is derived: the two cannot drift apart."""
    data = load_profile(path).data
    derived = derive(data, AS_OF, rulebook.default_policies(), rulebook.facts)
    book = rulebook.facts

    def walk(prefix: str, value: Any) -> None:
        if prefix and book.entry(prefix) is None:
            raise AssertionError(f"{path.name}: {prefix} is derived but not declared")
        if isinstance(value, dict) and (not prefix or book.entry(prefix + ".*") is None):
            for key, child in value.items():
                walk(f"{prefix}.{key}" if prefix else key, child)

    walk("", {k: v for k, v in derived.items() if k not in ("as_of", "policies")})
    for declared in book.paths:
        if "*" not in declared:
            assert _lookup(derived, declared) is not _MISSING, (
                f"{declared} is declared, not derived"
            )


_MISSING = object()


def _lookup(facts: dict[str, Any], path: str) -> Any:
    value: Any = facts
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def test_part_time_counts_calendar_time_by_default_and_pro_rates_under_fte(rulebook) -> None:
    work = [job("2024-06-01", hours_per_week=16)]  # CATALOG C06
    calendar = facts(rulebook, work_history=work)["experience"]["aapc_months"]
    fte40 = facts(rulebook, {"part_time_counting": "fte40"}, work_history=work)["experience"][
        "aapc_months"
    ]
    fte32 = facts(rulebook, {"part_time_counting": "fte32"}, work_history=work)["experience"][
        "aapc_months"
    ]
    assert calendar == pytest.approx(29 + 22 / 30.4375, abs=1e-3)
    assert fte40 == pytest.approx(11.9, abs=0.05)
    assert fte32 == pytest.approx(14.9, abs=0.05)


def test_full_time_work_counts_as_calendar_time_under_every_policy(rulebook) -> None:
    work = [job("2024-11-23", hours_per_week=40)]
    for policy in ("calendar", "fte40", "fte32"):
        assert (
            facts(rulebook, {"part_time_counting": policy}, work_history=work)["experience"][
                "aapc_months"
            ]
            == 24
        )


def test_concurrent_part_time_jobs_add_up_to_full_time(rulebook) -> None:
    work = [
        job("2024-11-23", hours_per_week=20, id="a"),
        job("2024-11-23", hours_per_week=20, id="b"),
    ]
    assert (
        facts(rulebook, {"part_time_counting": "fte40"}, work_history=work)["experience"][
            "aapc_months"
        ]
        == 24
    )


def test_qualifying_experience_follows_code_sets_role_and_engagement(rulebook) -> None:
    pcs_only = job("2025-11-01", code_sets=["ICD-10-PCS"])
    billing = {**job("2025-11-01"), "directly_assigns_codes": False}
    volunteer = job("2025-11-01", engagement_type="volunteer")
    externship = job("2026-09-01", "2026-10-31", engagement_type="externship")
    got = facts(rulebook, work_history=[pcs_only, billing, volunteer, externship])["experience"]
    assert got["aapc_months"] == 2  # only the externship: ICD-10-PCS alone is not an AAPC code set
    assert got["ahima_months"] == pytest.approx(12 + 22 / 30.4375, abs=1e-3)  # PCS counts for AHIMA


def test_only_letters_meeting_a1_document_experience_and_only_within_the_job(rulebook) -> None:
    work = [job("2024-01-01", "2025-12-31", id="j")]
    letters = [
        {
            **GOOD_LETTER,
            "covers_work_id": "j",
            "stated_start": "2023-01-01",
            "stated_end": "2024-12-31",
        },
        {
            **GOOD_LETTER,
            "author_role": "co-worker",
            "covers_work_id": "j",
            "stated_start": "2025-01-01",
            "stated_end": "2025-12-31",
        },
    ]
    got = facts(rulebook, work_history=work, verification_letters=letters)
    assert (
        got["experience"]["aapc_documented_months"] == 12
    )  # clipped to the job; co-worker letter ignored
    assert got["letters"]["a1_compliant"] == 1
    assert (
        "only an employer, supervisor or HR department may verify"
        in got["letters"]["a1_problems"][0]
    )


def test_a_to_present_letter_covers_up_to_its_own_date(rulebook) -> None:
    work = [job("2025-11-01", id="j")]
    letter = {
        **GOOD_LETTER,
        "covers_work_id": "j",
        "stated_start": "2025-11-01",
        "states_to_present": True,
    }
    got = facts(rulebook, work_history=work, verification_letters=[letter])["experience"]
    assert got["aapc_documented_months"] == pytest.approx(
        12 + 1 / 30.4375, abs=1e-3
    )  # to the letter date, 2026-11-01
    assert got["aapc_months"] == pytest.approx(12 + 22 / 30.4375, abs=1e-3)


def test_vague_duration_counts_only_under_the_accepting_policy(rulebook) -> None:
    work = [job("2023-01-09", id="j")]
    letter = {
        "author_role": "supervisor",
        "on_letterhead": True,
        "hand_signed": True,
        "covers_work_id": "j",
        "stated_duration": "over two years",
    }
    reject = facts(rulebook, work_history=work, verification_letters=[letter])
    accept = facts(
        rulebook,
        {"vague_duration_statement": "accept"},
        work_history=work,
        verification_letters=[letter],
    )
    assert reject["experience"]["aapc_documented_months_2019"] == 0
    assert accept["experience"]["aapc_documented_months_2019"] > 46


def test_credentials_normalise_aliases_and_count_only_active_ones(rulebook) -> None:
    credentials = [
        {"id": "CPC-H", "awarded_date": "2010-01-01"},
        {"id": "cpc-a", "awarded_date": "2025-01-01"},
        {"id": "CCA", "status": "revoked"},
        {"id": "CRC", "awarded_date": "2027-01-01"},  # not yet
        {"id": "CIC", "apprentice": True, "apprentice_removed_date": "2026-01-01"},
    ]
    got = facts(rulebook, credentials=credentials)["credentials"]
    assert got["held"] == ["CIC", "COC", "CPC-A"]
    assert got["apprentice"] == ["CPC-A"]
    assert got["other_org_coding"] == ["CIC", "COC"]
    counted = facts(rulebook, {"apprentice_counts_as_credential": "yes"}, credentials=credentials)[
        "credentials"
    ]
    assert counted["other_org_coding"] == ["CIC", "COC", "CPC"]


def test_membership_is_current_through_its_paid_through_day(rulebook) -> None:
    membership = [{"organization": "AAPC", "paid_through": "2026-11-22", "type": "student"}]
    assert facts(rulebook, memberships=membership)["membership"]["aapc_current"] is True
    assert (
        facts(rulebook, day=date(2026, 11, 23), memberships=membership)["membership"][
            "aapc_current"
        ]
        is False
    )
    lapsed = [{**membership[0], "status": "lapsed"}]
    assert facts(rulebook, memberships=lapsed)["membership"]["aapc_current"] is False


def test_a_lapsed_membership_is_cancelled_days_after_it_is_paid_through(rulebook) -> None:
    """``latest`` with ``plus_days`` moves the date on: 40 days for a member holding no AAPC
    credential (A10), the day after 90 for a certified one (revoked then); a month-precise date from its first day."""
    lapsed = [{"organization": "AAPC", "start_date": "2025-10-01", "paid_through": "2026-09-30"}]
    membership = facts(rulebook, memberships=lapsed)["membership"]
    assert membership["aapc_cancelled_non_certified"] == "2026-11-09"
    assert membership["aapc_cancelled_certified"] == "2026-12-30"
    assert membership["aapc_had"] is True
    month = [{**lapsed[0], "paid_through": "2026-09"}]
    assert facts(rulebook, memberships=month)["membership"]["aapc_cancelled_non_certified"] == (
        "2026-10-11"
    )
    none = facts(rulebook, memberships=[])["membership"]
    assert none["aapc_cancelled_non_certified"] is None
    assert none["aapc_had"] is False


@pytest.mark.parametrize(
    ("education", "diploma", "equivalent"),
    [
        (None, None, None),
        ({"highest_level": "none"}, False, False),
        ({"highest_level": "ged"}, False, True),
        ({"highest_level": "hs_diploma"}, True, True),
        ({"highest_level": "associate", "hs_credential": "ged"}, False, True),
        ({"highest_level": "bachelor"}, True, True),
    ],
)
def test_education_keeps_ged_apart_from_diploma(rulebook, education, diploma, equivalent) -> None:
    profile = {"education": education} if education else {}
    got = facts(rulebook, **profile)["education"]
    assert (got["hs_diploma"], got["hs_or_equivalent"]) == (diploma, equivalent)


def test_training_counts_completed_courses_in_contact_hours_only(rulebook) -> None:
    training = [
        {
            "program_type": "school_certificate",
            "completed": True,
            "completion_date": "2025-01-01",
            "hours": {"value": 60, "unit": "contact_hours"},
            "topics": ["cpt_basic"],
        },
        {
            "program_type": "ceu_event",
            "completed": True,
            "completion_date": "2025-01-01",
            "hours": {"value": 120, "unit": "contact_hours"},
            "topics": ["pharmacology"],
        },
        {
            "program_type": "school_certificate",
            "completed": False,
            "hours": {"value": 200, "unit": "contact_hours"},
        },
    ]
    got = facts(rulebook, training=training)["training"]
    assert got["longest_course_contact_hours"] == 60
    assert got["topics"] == ["cpt_basic"]
    credits = [
        {
            "program_type": "degree",
            "completed": True,
            "hours": {"value": 12, "unit": "semester_credits"},
        }
    ]
    assert (
        facts(rulebook, training=credits)["training"]["longest_course_contact_hours"] is None
    )  # CONV-7


def test_future_dates_extend_ongoing_jobs_only(rulebook) -> None:
    work = [job("2025-09-01", id="now"), job("2020-01-01", "2020-12-31", id="old")]
    later = facts(rulebook, day=date(2027, 8, 31), work_history=work)["experience"]["aapc_months"]
    assert later == 24 + 12


def test_two_letters_for_one_part_time_job_do_not_add_its_hours_twice(rulebook) -> None:
    work = [job("2024-06-01", id="j", hours_per_week=16)]
    letter = {
        **GOOD_LETTER,
        "covers_work_id": "j",
        "stated_start": "2024-06-01",
        "stated_end": "2026-11-01",
    }
    got = facts(
        rulebook,
        {"part_time_counting": "fte40"},
        work_history=work,
        verification_letters=[letter, letter],
    )
    assert got["experience"]["aapc_documented_months"] <= got["experience"]["aapc_months"]


def test_part_time_months_never_fall_as_a_job_goes_on(rulebook) -> None:
    work = [job("2024-06-01", hours_per_week=16)]
    days = [date(2026, 12, 28) + timedelta(days=n) for n in range(70)]
    months = [
        facts(rulebook, {"part_time_counting": "fte40"}, day, work_history=work)["experience"][
            "aapc_months"
        ]
        for day in days
    ]
    assert months == sorted(months)


def test_a_reported_status_counts_from_its_effective_date(rulebook) -> None:
    revoked = [
        {
            "id": "CPC",
            "awarded_date": "2015-09-14",
            "status": "revoked",
            "status_effective_date": "2026-06-29",
        }
    ]
    assert facts(rulebook, day=date(2026, 6, 1), credentials=revoked)["credentials"]["held"] == [
        "CPC"
    ]
    assert facts(rulebook, credentials=revoked)["credentials"]["held"] == []


def test_a_course_without_its_length_leaves_the_hours_unknown(rulebook) -> None:
    training = [
        {"program_type": "school_certificate", "completed": True, "completion_date": "2025-01-01"}
    ]
    assert facts(rulebook, training=training)["training"]["longest_course_contact_hours"] is None


@pytest.mark.parametrize(
    ("status", "awarded", "held"),
    [
        ("active", "2020-01-01", 2),
        ("inactive", "2020-01-01", 2),
        ("revoked", "2020-01-01", 1),
        ("retired", "2020-01-01", 1),
        ("active", "2027-01-01", 1),  # awarded after the evaluation date
    ],
)
def test_body_credentials_counts_those_kept_for_the_ceu_requirement(
    rulebook, status, awarded, held
):
    cycle = {"start": "2024-10-01", "end": "2026-09-30", "fee_paid": True}
    credentials = [
        {"id": "CCS", "issuing_body": "AHIMA", "status": "inactive", "recert_cycles": [cycle]},
        {"id": "CCA", "issuing_body": "AHIMA", "status": status, "awarded_date": awarded},
    ]
    assert facts(rulebook, credentials=credentials)["recert"]["CCS"]["body_credentials"] == held


def test_pahcs_periods_count_pre_approved_self_study_and_give_the_window(rulebook) -> None:
    """PAHCS-CEU-1: self-study counts only when PAHCS pre-approved it; PAHCS-RC-1: the CEUs go
    in within two months of the recertification date (the period's last two calendar months)."""
    credentials = [
        {
            "id": "MCS",
            "issuing_body": "PAHCS",
            "recert_cycles": [{"start": "2025-03-01", "end": "2027-02-28"}],
        },
        {
            "id": "CCS",
            "issuing_body": "AHIMA",
            "recert_cycles": [{"start": "2025-03-01", "end": "2027-02-28"}],
        },
        {"id": "PAHCS-SPECIALTY", "issuing_body": "PAHCS", "specialty_name": "Cardiology coding"},
    ]
    ceus = [
        {
            "delivery_mode": "live",
            "completion_date": "2025-06-01",
            "ceus": 10,
            "submitted_date": "2025-07-01",
        },
        {
            "delivery_mode": "self_study",
            "pahcs_preapproved": True,
            "completion_date": "2025-07-01",
            "ceus": 3,
        },
        {"delivery_mode": "self_study", "completion_date": "2025-08-01", "ceus": 5},
        {
            "delivery_mode": "live",
            "instructional_minutes_per_hour": 45,
            "completion_date": "2025-09-01",
            "ceus": 7,
        },
    ]
    pahcs = facts(rulebook, credentials=credentials, ceus=ceus)["pahcs"]
    assert set(pahcs) == {"MCS", "PAHCS-SPECIALTY"}  # PAHCS's own; each, with periods or not
    current = pahcs["MCS"]["current"]
    assert (current["ceus"], current["ceus_counted"], current["ceus_submitted"]) == (25, 13, 10)
    assert current["window_opens"] == "2027-01-01"
    assert "in its last two months, 2027-01-01 to 2027-02-28" in current["consequences"][0]
    assert not pahcs["PAHCS-SPECIALTY"]["current"]["exists"]


def test_pahcs_reported_statuses_count_from_their_effective_date(rulebook) -> None:
    credentials = [
        {
            "id": "MCS",
            "issuing_body": "PAHCS",
            "status": "revoked",
            "status_effective_date": "2026-10-01",
        },
        {"id": "PAHCS-SPECIALTY", "specialty_name": "Cardiology coding", "status": "expired"},
        {"id": "CPC", "status": "revoked"},
    ]
    later = facts(rulebook, credentials=credentials)["credentials"]
    assert later["pahcs_not_active"] == ["MCS", "PAHCS-SPECIALTY"]
    assert later["pahcs_revoked"] == ["MCS"]
    assert later["pahcs_status_reported"] == [
        "MCS: reported revoked from 2026-10-01",
        "PAHCS-SPECIALTY (Cardiology coding): reported expired",
    ]
    before = facts(rulebook, day=date(2026, 9, 1), credentials=credentials)["credentials"]
    assert before["pahcs_not_active"] == ["PAHCS-SPECIALTY"]


def test_a_record_is_called_alike_by_the_rules_and_the_profile_format() -> None:
    """A fact file's ``noun`` ("letter 2 (supervisor): ...", under a condition) and the profile
    format's name for a record without an id ("letter 2", in what is not known) are one name."""
    from eligibility.inputs.formatversion import _label
    from eligibility.rulebook.rules import load_rulebook

    def nouns(params: Any, section: str | None):
        if isinstance(params, dict):
            section = params.get("records", section)
            if "noun" in params:
                yield params["noun"], section
            for value in params.values():
                yield from nouns(value, section)
        elif isinstance(params, list):
            for value in params:
                yield from nouns(value, section)

    found = [pair for d in load_rulebook().facts.definitions for pair in nouns(d.params, None)]
    assert found  # else this tests nothing
    for noun, section in found:
        assert _label((section, 0), {}) == f"{noun} 1", (noun, section)


def test_credentials_sharing_specific_ceus_are_named_only_where_they_fall_short_together():
    """Each CEU counts toward one credential's own requirement (AAPC-CEU-4): a record
    pre-approved for two specialties cannot give both their 8; a third with its own is not
    named, nor are two that share but have enough between them."""
    from eligibility.facts.kinds import _shared_specific

    needed = {"CEMC": 8, "CFPC": 8, "CCC": 8, "CPC": 0}
    both = frozenset({"CEMC", "CFPC"})
    shared, together = _shared_specific(needed, [(8, both), (8, frozenset({"CCC"}))])
    assert shared == {"CEMC": 8, "CFPC": 8} and together == {"CEMC": 16, "CFPC": 16}
    assert _shared_specific(needed, [(16, both), (8, frozenset({"CCC"}))]) == ({}, {})
    # short alone: its own CEUs say it
    shared, _ = _shared_specific(needed, [(8, both), (4, frozenset({"CCC"}))])
    assert "CCC" not in shared
