"""An unknown answer leads with what the rest of the profile gives (docs/profile-format.md):
where the default reading of an open question meets the check whatever the profile leaves
unstated, the verdict says so and the summary line names the question (the s27 audit, M3)."""

from __future__ import annotations

from click.testing import CliRunner

from eligibility.cli import main
from tests.conftest import RULES, summary_entries

Z81 = RULES / "tests" / "profiles" / "z81-met-by-default-reading.yaml"
Z33 = RULES / "tests" / "profiles" / "z33-ahima-compliance-not-stated.yaml"


def _check(profile, *args: str) -> str:
    result = CliRunner().invoke(main, ["check", str(profile), "--color", "never", *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def _line(text: str, check: str) -> str:
    """The check's summary entry as one line: its status, then its verdict."""
    status, _, verdict, _ = summary_entries(text)[check]
    return f"{status} {verdict}"


def test_the_summary_line_names_the_open_question_the_default_reading_meets() -> None:
    line = _line(_check(Z81, "--as-of", "2026-11-22"), "CCS-recert")
    assert line.split()[0] == "unknown"
    assert (
        "Met under the default reading of an open question (Which cycles does AHIMA's 40%"
        " AHIMA-sourced rule (from 2025-01-01) cover?); under another, what the profile does"
        " not state decides it, and its full explanation says what to add." in line
    )
    assert "(1 thing not known)" in line


def test_the_verdict_leads_with_the_default_reading_then_what_is_not_stated_decides() -> None:
    text = _check(Z81, "--as-of", "2026-11-22", "--cert", "CCS-recert")
    verdict = next(line for line in text.splitlines() if line.startswith("UNKNOWN: "))
    lead, rest = verdict.split(" From what it does give, ")
    assert lead.endswith(
        "not stated: the CCS cycle 2024-03-01 to 2026-02-28: requirements met in the body's"
        " records."
    )
    assert rest.startswith(
        "met under the default reading of an open question (the 40% rule covers the cycles that"
        " begin on or after 2025-01-01): Your CCS is in good standing"
    )
    assert rest.endswith(
        "If the 40% rule covers every cycle that ends on or after 2025-01-01, what is not stated"
        " decides it."
    )


def test_an_answer_not_met_from_what_the_profile_gives_keeps_the_general_summary() -> None:
    """Z33: the CEUs listed are short whatever the reading: the verdict leads with "not met",
    and no open question is named where none is asked."""
    text = _check(Z33, "--as-of", "2026-12-06")
    line = _line(text, "CCS-recert")
    assert "its full explanation says what to add" in line
    assert "open question" not in line
