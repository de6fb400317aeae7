"""Values in words, as a candidate reads them under a condition."""

from __future__ import annotations

import pytest

from eligibility.report.amounts import quantity


@pytest.mark.parametrize(
    ("value", "unit", "words"),
    [
        (1, "hours", "1 hour"),
        (2, "hours", "2 hours"),
        (1.0, "CEUs", "1 CEU"),
        (1.5, "CEUs", "1.5 CEUs"),
        (1, "letters", "1 letter"),
        (0, "letters", "0 letters"),
        (3, "count", "3"),
        (14.7228, "months", "14 months 22 days"),
        (1, "months", "1 month"),
        (24, "months", "24 months"),  # as the rules say them, up to 24
        (24.6, "months", "24 months 18 days"),
        (25, "months", "2 years 1 month"),  # past 24: years and months
        (36, "months", "3 years"),
        (164.62, "months", "13 years 8 months 19 days"),  # the audit's COC-full, p2
        (True, None, "yes"),
        (None, "hours", "not known"),
    ],
)
def test_a_value_is_written_as_a_person_would(value, unit, words) -> None:
    assert quantity(value, unit) == words


@pytest.mark.parametrize(
    ("job_start", "as_of"),
    [
        ("2025-09-01", "2026-11-22"),  # C09: 14 months 22 days; 24 months on 2027-08-31
        ("2025-01-31", "2026-02-10"),
        ("2024-03-15", "2025-12-31"),
        ("2025-02-28", "2026-02-01"),
    ],
)
def test_a_months_shortfall_is_never_less_than_the_calendar_gives(job_start, as_of) -> None:
    """How far short a count of months is reads as the calendar time to the day 24 months are
    reached while the job goes on (or a day more), never less: C09's "9 months 8 days short;
    reached 2027-08-31", nine months and nine days after 2026-11-22, said a day less than the
    date beside it."""
    from datetime import date, timedelta

    from eligibility.dates import months_in, whole_months
    from eligibility.report.amounts import shortfall_words as _shortfall

    start, today = date.fromisoformat(job_start), date.fromisoformat(as_of)
    day = today
    while months_in([(start, day)]) < 24:
        day += timedelta(1)
    months, days = whole_months(today + timedelta(1), day)
    said = _shortfall(24 - months_in([(start, today)]), "months")
    assert said in (f"{months} months {days} days", f"{months} months {days + 1} days")


LEAP_START = """\
profile_version: 2
name: Leap
education: {highest_level: hs_diploma}
work_history:
  - {id: job-1, employer: Clinic, start_date: START, hours_per_week: HOURS, role_function: assigns_codes, code_sets: [CPT, ICD-10-CM], engagement_type: employee}
credentials:
  - {id: CPC, apprentice: true, issuing_body: AAPC, exam_pass_date: 2024-06-01, awarded_date: 2024-06-01, status: active}
memberships:
  - {organization: AAPC, type: individual, start_date: 2024-05-01, paid_through: 2027-05-31, renewal_month: 5}
"""


@pytest.mark.parametrize(
    ("start", "as_of", "twelve", "twenty_four"),
    [
        # a start on 2024-02-29 clamps: 12 months on 2025-02-28, reached the day after 2025-02-26
        # (11 months 29 days): one day short, not two as 0.0472 mean months rounded up said
        (
            "2024-02-29",
            "2025-02-26",
            "1 day short; reached 2025-02-27",
            "12 months 1 day short; reached 2026-02-27",
        ),
        ("2024-01-31", "2024-12-29", "1 month 1 day short; reached 2025-01-30", None),
        # C09's arithmetic: 9 months 9 days to 2027-08-31
        ("2025-09-01", "2026-11-22", None, "9 months 9 days short; reached 2027-08-31"),
    ],
)
def test_a_months_shortfall_is_as_far_as_its_reached_on_date(
    tmp_path, start, as_of, twelve, twenty_four
) -> None:
    """How far short a count of calendar months is, said beside the day it is reached, is the
    calendar time to that day: one arithmetic for both (the probe's L3: a start on 2024-02-29
    read "2 days short; reached 2025-02-27" on 2025-02-26)."""
    from click.testing import CliRunner

    from eligibility.cli import main

    profile = tmp_path / "leap.yaml"
    profile.write_text(LEAP_START.replace("START", start).replace("HOURS", "40"), encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["check", str(profile), "--cert", "CPC-A-removal", "--as-of", as_of, "--color", "never"],
    )
    assert result.exit_code in (0, 1), result.output
    for said in (twelve, twenty_four):
        if said:
            assert f"needed: {said} if the current job continues" in result.stdout


def test_a_pro_rated_shortfall_is_not_the_time_to_reach_it(tmp_path) -> None:
    """Under a reading that pro-rates part-time work, how far short (full-time-equivalent
    months) and the time to reach them differ: the first is not said as the second."""
    from click.testing import CliRunner

    from eligibility.cli import main

    profile = tmp_path / "half.yaml"
    profile.write_text(
        LEAP_START.replace("START", "2022-11-23").replace("HOURS", "20"), encoding="utf-8"
    )
    result = CliRunner().invoke(
        main,
        [
            *("check", str(profile), "--cert", "CPC-A-removal", "--as-of", "2026-10-01"),
            *("--policy", "part_time_counting=fte40", "--color", "never"),
        ],
    )
    assert result.exit_code in (0, 1), result.output
    assert "(24 months needed: 26 days short; reached 2026-11-22" in result.stdout


def test_a_long_experience_reads_in_years_in_every_text_but_not_in_json(tmp_path) -> None:
    """A coder of 13 years: the explanation (as the web page and letters show it) says years
    and months; the JSON keeps the number of months."""
    import json

    from click.testing import CliRunner

    from eligibility.cli import main

    profile = tmp_path / "long.yaml"
    profile.write_text(
        "profile_version: 2\nname: Tom Becker\nwork_history:\n"
        "  - {id: job-1, employer: Lakeside Clinic, role_title: Coder, engagement_type: employee,"
        " start_date: 2013-03-04, hours_per_week: 40, setting: physician_office,"
        " role_function: assigns_codes, code_sets: [CPT, ICD-10-CM]}\n",
        encoding="utf-8",
    )
    args = ["check", str(profile), "--cert", "COC-full", "--as-of", "2026-11-22"]
    text = CliRunner().invoke(main, args).stdout
    assert "coding experience: 13 years 8 months 19 days (24 months needed)" in text, text
    assert "164 months" not in text
    data = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).stdout)
    assert "164.6" in json.dumps(data) and "13 years" not in json.dumps(data)
