"""A check of keeping a credential applies to whoever holds the credential: a fact it needs that
the profile leaves out (AAPC's renewal month, AHIMA's or PAHCS's recertification cycles) makes
the answer unknown, with how to give it, and exit status 1; never "does not apply" and 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from eligibility.api import check_profile
from eligibility.cli import main
from eligibility.engine.results import KEEPING_KINDS, NOT_APPLICABLE, ProfileReport
from eligibility.facts.kinds import status_on
from eligibility.inputs.profiles import load_profile
from eligibility.rulebook.rules import RuleBook
from tests.conftest import PROFILES, ROOT


def held(report: ProfileReport, book: RuleBook) -> set[str]:
    """The credentials a profile holds on its date, by the registry's ids."""
    return {
        book.registry.normalise(record["id"])[0]
        for record in report.profile.data.get("credentials", [])
        if status_on(record, report.as_of) == "active"
    }


@pytest.mark.parametrize("path", sorted(PROFILES.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_keeping_check_applies_to_every_holder(path: Path, rulebook: RuleBook) -> None:
    checks = rulebook.all_check_ids(kinds=KEEPING_KINDS)
    report = check_profile(load_profile(str(path)), checks, rulebook=rulebook, dates=False)
    holds = held(report, rulebook)
    hidden = [
        r.check_id
        for r in report.results
        if r.status == NOT_APPLICABLE and _credential(r, rulebook) in holds
    ]
    assert hidden == []


def _credential(result, book: RuleBook) -> str | None:
    credential = book.credential_of(result.check_id)
    return credential.id if credential else None


@pytest.mark.parametrize(
    ("name", "check", "fix"),
    [
        ("x90-aapc-no-renewal-month", "CPC-renewal", "give renewal_month"),
        ("x91-ahima-no-cycles", "CCS-recert", "recert_cycles"),
        ("x92-pahcs-no-periods", "MCS-recert", "recert_cycles"),
    ],
)
def test_a_holder_lacking_a_fact_is_told_how_to_give_it(name: str, check: str, fix: str) -> None:
    result = CliRunner().invoke(main, ["check", str(PROFILES / f"{name}.yaml"), "--cert", check])
    assert result.exit_code == 1, result.output
    assert "UNKNOWN:" in result.output
    assert fix in result.output
    assert "DOES NOT APPLY" not in result.output


def test_a_check_for_holders_of_a_lapsed_credential_is_not_met() -> None:
    """Asked whether her -A can go, a CPC-A whose dues lapsed was told "does not apply" with
    exit status 0, hiding that reinstating the CPC is the one step left."""
    path = ROOT / "rules" / "tests" / "profiles" / "z61-lapsed-apprentice-met.yaml"
    result = CliRunner().invoke(main, ["check", str(path), "--cert", "CPC-A-removal"])
    assert result.exit_code == 1, result.output
    assert "have your CPC reinstated" in result.output
