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
