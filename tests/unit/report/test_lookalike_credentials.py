"""A held credential whose id is one typo from a known one (``CSS`` for ``CCS``) is read as
written, and the answer says so: without the note a CCS holder is told that the CCS's
recertification does not apply, with no word why."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from eligibility.api import check_profile
from eligibility.cli import main
from eligibility.inputs.profiles import profile_from_data

PROFILE = {
    "profile_version": 1,
    "candidate_id": "T1",
    "name": "Dana Reyes",
    "education": {"highest_level": "associate"},
    "credentials": [{"id": "CSS", "status": "active", "awarded_date": "2020-05-01"}],
}


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("CSS", "CCS"),
        ("CCS", None),
        ("cpc", None),
        ("CPC-A", None),
        ("RHT", "RHIT"),
        ("CPCC", None),
        ("CCSS", "CCS"),
        ("CIIC", None),
        ("CBCS", "CCS"),
        ("RN", None),
        ("CCMA", None),
        ("CPCA", "CPC-A"),  # the same but for hyphens and spaces
        ("CCS P", "CCS-P"),
        ("Certified Professional Coder", "CPC"),  # its name written out
    ],
)
def test_an_id_one_typo_from_a_known_one_is_named(rulebook, given, meant) -> None:
    assert rulebook.registry.lookalike(given) == meant


def test_a_credential_of_another_named_body_is_no_typo(rulebook) -> None:
    nha = {**PROFILE, "credentials": [{"id": "CBCS", "issuing_body": "other", "status": "active"}]}
    report = check_profile(
        profile_from_data(nha, "t.yaml"), ["CCS-exam"], date(2026, 12, 6), rulebook=rulebook
    )
    assert not any("CBCS" in note for note in report.profile.assumed)


def test_check_names_the_credential_it_read_as_written(rulebook) -> None:
    report = check_profile(
        profile_from_data(PROFILE, "t.yaml"), ["CCS-recert"], date(2026, 12, 6), rulebook=rulebook
    )
    (result,) = report.results
    assert result.status == "not_applicable"  # read as written: no CCS held
    assert report.profile.assumed == (
        "the credential CSS (credentials, entry 1) is not one these rules know: it is read as"
        " written, not as the CCS (if you hold the CCS, correct its id)",
    )


def test_batch_gives_the_note_in_the_assumed_column(tmp_path) -> None:
    cohort = tmp_path / "c.jsonl"
    cohort.write_text(json.dumps(PROFILE) + "\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    result = CliRunner().invoke(main, ["batch", str(cohort), "--cert", "CCS", "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert "not as the CCS (if you hold the CCS, correct its id)" in out.read_text("utf-8")


@pytest.mark.parametrize("given", ["C.P.C.", "CPC Apprentice", "None", "CPCA"])
def test_an_unknown_credential_with_no_body_is_named(rulebook, given) -> None:
    """A coordinator's audit: "CPC Apprentice", "C.P.C." or "None" in an export's credentials
    cell were held as credentials of no body, with no word, and a CPC-A lost her apprentice
    checks. One with no body named that the rules do not know now gets a note."""
    data = {**PROFILE, "credentials": [{"id": given, "status": "active"}]}
    report = check_profile(
        profile_from_data(data, "t.yaml"), ["CPC-exam"], date(2026, 12, 6), rulebook=rulebook
    )
    (note,) = [n for n in report.profile.assumed if given in n]
    assert "is not one these rules know" in note


@pytest.mark.parametrize("given", ["CPC", "cpc-a", "RHIA", "CPC-H"])
def test_a_known_credential_gets_no_note(rulebook, given) -> None:
    data = {**PROFILE, "credentials": [{"id": given, "status": "active"}]}
    report = check_profile(
        profile_from_data(data, "t.yaml"), ["CPC-exam"], date(2026, 12, 6), rulebook=rulebook
    )
    assert not any(given in note for note in report.profile.assumed)
