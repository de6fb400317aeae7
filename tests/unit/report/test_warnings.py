"""A warning is shown as one (issue 14 item 3): AAPC's membership-at-results condition
(AAPC-MEM-1, ``warning: true`` in the rules), not met, is a warning with the verdict, with what
was found and what to do, and not a recommendation; met, it is not shown at all."""

from __future__ import annotations

import json

from click.testing import CliRunner

from eligibility.cli import main
from eligibility.inputs.yamlio import parse_text
from tests.conftest import PROFILES, summary_verdicts

X41 = PROFILES / "x41-aapc-membership-results.yaml"  # paid through 2027-01-31, CPC results 02-05
AT_RESULTS = "Keep AAPC membership current until the"


def _check(*args: str) -> str:
    result = CliRunner().invoke(main, ["check", str(X41), "--color", "never", *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_membership_lapsing_before_the_results_is_a_warning_not_a_recommendation() -> None:
    text = _check("--cert", "CPC-exam")
    _, rest = text.split("MET: You may sit for the CPC exam.\n")
    warning, recommended = rest.split("Recommended (does not change the verdict):")
    assert warning.startswith(
        "  Warning: Keep AAPC membership current until the CPC results are released"
    )
    assert "    AAPC membership paid through: 2027-01-31 (2027-02-05 or later needed)" in warning
    assert (
        "    What to do: renew your AAPC membership before the results are released (rejoin as a new member if AAPC has cancelled it)."
        in warning
    )
    # before the conditions: the warning goes with the verdict
    assert warning.index("Warning:") < warning.index("What AAPC asks before the CPC exam")
    assert AT_RESULTS not in recommended
    assert "An associate's degree (recommended, not required): no" in recommended


def test_a_met_warning_is_not_shown() -> None:
    text = _check("--cert", "CRC-exam")  # no CRC application: membership current today suffices
    assert "Warning:" not in text
    assert AT_RESULTS not in text
    assert "Recommended (does not change the verdict):" in text  # what AAPC advises stays


def test_the_summary_line_counts_the_warnings() -> None:
    lines = summary_verdicts(_check())
    assert lines["CPC-exam"].endswith("(1 warning)")
    assert "warning" not in lines["CRC-exam"]


def _walk(node: dict):
    yield node
    for child in node.get("children", ()):
        yield from _walk(child)


def test_the_json_reports_mark_the_warning(tmp_path) -> None:
    entry = json.loads(_check("--cert", "CPC-exam", "--format", "json"))["profiles"][0]
    nodes = [n for n in _walk(entry["results"][0]["recommends"]) if n.get("warning")]
    assert [n["text"][: len(AT_RESULTS)] for n in nodes] == [AT_RESULTS]
    assert nodes[0]["status"] == "not_met"

    cohort = tmp_path / "cohort.jsonl"
    cohort.write_text(json.dumps(_profile()) + "\n", encoding="utf-8")
    out = tmp_path / "report.jsonl"
    result = CliRunner().invoke(
        main, ["batch", str(cohort), "--out", str(out), "--cert", "CPC-exam"]
    )
    assert result.exit_code in (0, 1), result.output
    header = json.loads(out.read_text("utf-8").splitlines()[0])
    marked = [
        about["text"]
        for rule in header["rules"].values()
        for check in rule["checks"].values()
        for about in check["conditions"].values()
        if about.get("warning")
    ]
    assert marked and all(text.startswith(AT_RESULTS) for text in marked)


def _profile() -> dict:
    data = parse_text(X41.read_text("utf-8"), str(X41))
    return json.loads(json.dumps(data, default=str))


def _summary(profile: str) -> dict[str, str]:
    result = CliRunner().invoke(main, ["check", str(PROFILES / profile), "--color", "never"])
    assert result.exit_code in (0, 1), result.output
    return summary_verdicts(result.stdout)


def test_the_summary_line_names_what_is_recommended_and_not_met() -> None:
    lines = _summary("x90-aapc-no-renewal-month.yaml")  # no degree; no AHIMA preparation
    assert lines["CPC-exam"].endswith("(recommended, not required: an associate's degree, not met)")
    assert lines["CCA-exam"].endswith("(recommended, not required: none of its 3 ways met)")
    # one choice of ways beside the warnings, said as AHIMA's is
    assert lines["CRC-exam"].endswith("(recommended, not required: none of its 2 ways met)")


def test_what_an_explanation_does_not_show_leaves_nothing_unknown_in_sight() -> None:
    # Without a renewal month the running period is not shown, so what is worth knowing beside
    # the renewal answer is what is shown of it: the membership type, met.
    lines = _summary("x90-aapc-no-renewal-month.yaml")
    assert lines["CPC-renewal"].endswith("(worth knowing: all met)")
    # Without an AAPC membership in the profile, CPC-P's warnings are not shown: nothing to say.
    cpcp = _summary("c12-kevin-ortiz.yaml")["CPC-P-exam"]
    assert "recommended" not in cpcp and "keep in mind" not in cpcp
    text = (
        CliRunner()
        .invoke(main, ["check", str(PROFILES / "c12-kevin-ortiz.yaml"), "--cert", "CPC-P-exam"])
        .stdout
    )
    assert "What to keep in mind" not in text


def test_a_not_met_keeping_answer_names_the_standing_it_finds() -> None:
    """ "Your CPC is at risk or revoked" beside "(standing: revoked)" said two things; the verdict
    now says the one found, and the summary line does not repeat it."""
    revoked = _summary("c11-julia-brooks.yaml")["CPC-renewal"]
    assert "Your CPC is revoked; see the dates below." in revoked
    assert "at risk or revoked" not in revoked and "(standing:" not in revoked
    assert (
        "Your CPC is at risk; see the dates"
        in _summary("x32-aapc-unsubmitted-ceus.yaml")["CPC-renewal"]
    )
    # a standing its rules do not give (an expired MCS, a retired CCA): general words, not a
    # standing the profile never reported, and no placeholder
    expired = _summary("x22-pahcs-expired.yaml")["MCS-recert"]
    assert "Your MCS is not in good standing: your profile reports it not active" in expired
    assert "inactive" not in expired
    retired = _summary("x12-ahima-status.yaml")["CCA-recert"]
    assert "Your CCA is not in good standing: your profile reports it no longer active" in retired
    assert "{" not in retired


def test_a_lapsed_membership_s_step_whose_window_may_have_closed_is_the_general_one(
    tmp_path,
) -> None:
    """A membership paid through "2026" (any day of the year), no AAPC credential, on
    2026-12-07: AAPC may or may not have cancelled it (about 40 days after), so the step neither
    tells her to rejoin nor to renew as if the day were known. The membership is not current:
    the membership condition says so, and no warning repeats it (the s27 audit, M2)."""
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "candidate_id: Y1\nmemberships:\n"
        '  - {organization: AAPC, paid_through: "2026", status: lapsed}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main,
        ["check", str(profile), "--cert", "CPC-exam", "--as-of", "2026-12-07", "--color", "never"],
    )
    assert "Warning:" not in result.stdout
    assert AT_RESULTS not in result.stdout
    assert (
        "  - join AAPC, or renew your membership if AAPC has not cancelled it, which it does about"
        " 40 days after the day it is paid through (once it has, rejoin as a new member)"
        in result.stdout
    )
    assert "AAPC cancelled it" not in result.stdout
    assert "before AAPC cancels it" not in result.stdout
