"""What a candidate reads fits what the profile says of her: only steps that can actually be
taken (../shared/design/explanations.md), and words, not ids.

These are pytest tests rather than rule test cases because docs/maintaining.md's recipes edit
the very conditions they read, and every rule case must pass after each recipe.
"""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from eligibility.api import check_profile
from eligibility.cli import main
from eligibility.inputs.profiles import load_profile
from eligibility.report.explain import explain
from eligibility.report.render import explanation_text
from tests.conftest import PROFILES, summary_entries, summary_verdicts


def answer(rulebook, name: str, check: str, day: date) -> str:
    report = check_profile(load_profile(str(PROFILES / name)), [check], day, rulebook=rulebook)
    return explanation_text(report, explain(report.results[0], rulebook.policies))


def test_a_revoked_mcs_is_to_be_made_active_again_not_earned(rulebook) -> None:
    """X21: PAHCS reports his MCS revoked; a specialty exam assumes the MCS held first. He has
    earned it, so "earn the Medical Coding Specialist first" cannot be done: ask PAHCS."""
    text = answer(rulebook, "x21-pahcs-revoked.yaml", "PAHCS-SPECIALTY-exam", date(2026, 11, 22))
    assert "- ask PAHCS whether your MCS (reported revoked) can be made active again" in text
    assert "earn the Medical Coding Specialist first" not in text


def test_a_summary_line_tells_what_is_missing_from_what_is_not_known(rulebook) -> None:
    """X22: the MCS is reported expired (missing: PAHCS's records must show it active) and its
    periods are not given (not known): not "2 things missing"."""
    result = CliRunner().invoke(main, ["check", str(PROFILES / "x22-pahcs-expired.yaml")])
    line = summary_verdicts(result.output)["MCS-recert"]
    assert line.endswith("(1 thing missing, 1 not known)"), line


def test_a_held_pahcs_specialty_credential_is_named_in_words(rulebook) -> None:
    """X23: the credentials held are listed under the condition that reads them; PAHCS's
    specialty credentials share a placeholder id that no one should read."""
    text = answer(
        rulebook, "x23-pahcs-specialty-preapproved.yaml", "PAHCS-SPECIALTY-exam", date(2026, 11, 22)
    )
    assert "active credentials: MCS, a PAHCS specialty credential" in text
    assert "PAHCS-SPECIALTY" not in text.split("\n", 1)[1]  # the first line names the check


def test_checks_answered_alike_share_a_line_whatever_the_text_calls_them() -> None:
    """The MCS and a PAHCS specialty exam are answered in the same words but each credential's
    own ("the MCS exam", "the PAHCS specialty credential exam"): one summary line."""
    result = CliRunner().invoke(
        main, ["check", str(PROFILES / "x23-pahcs-specialty-preapproved.yaml")]
    )
    assert summary_entries(result.output)["MCS-exam"][3] == ["PAHCS-SPECIALTY-exam"]


def test_eligible_now_is_said_now_on_the_summary_line_and_in_the_step() -> None:
    """C09 on 2027-08-31: 24 months worked, a letter for 14; re-issued that day it vouches for
    all 24. Not "eligible by 2027-08-31" (the day itself) nor "re-issued then"."""
    hana = str(PROFILES / "c09-hana-sato.yaml")
    summary = CliRunner().invoke(main, ["check", hana, "--as-of", "2027-08-31"]).output
    line = summary_verdicts(summary)["CPC-A-removal"]
    assert line.endswith("(eligible now)"), line
    full = (
        CliRunner()
        .invoke(main, ["check", hana, "--cert", "CPC-A-removal", "--as-of", "2027-08-31"])
        .output
    )
    assert "if you ask for your letter to be re-issued now." in full
