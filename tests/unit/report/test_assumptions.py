"""UNCONFIRMED assumptions are shown where an answer rests on them, and nowhere else."""

from __future__ import annotations

import json

from click.testing import CliRunner
from jsonschema import Draft202012Validator

from eligibility.cli import main
from eligibility.engine.results import MET, NOT_MET, NodeResult, resting
from eligibility.rulebook.rules import Node
from tests.conftest import PROFILES, ROOT

X43 = PROFILES / "x43-unconfirmed-assumptions.yaml"
REPORT = Draft202012Validator(
    json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
)


def leaf(node_id: str, status: str, when: tuple[str, ...] = ()) -> NodeResult:
    node = Node(node_id, node_id, "leaf", assumes=f"{node_id} is assumed", assumes_when=when)
    return NodeResult(node, status)


def test_only_the_conditions_that_decide_the_answer_rest_on_their_assumptions() -> None:
    taken, not_taken = leaf("taken", MET), leaf("not-taken", NOT_MET)
    root = NodeResult(Node("root", "root", "any"), MET, (taken, not_taken))
    assert [r.node.id for r in resting(root)] == ["taken"]


def test_an_assumption_is_shown_only_for_the_answers_it_names() -> None:
    relaxes = leaf("relaxes", NOT_MET, when=(MET,))
    adds = leaf("adds", NOT_MET, when=(NOT_MET,))
    root = NodeResult(Node("root", "root", "all"), NOT_MET, (relaxes, adds))
    assert [r.node.id for r in resting(root)] == ["adds"]
    assert resting(None) == ()


def run_json(*args: str) -> dict:
    result = CliRunner().invoke(main, ["check", str(X43), "--format", "jsonl", *args])
    report = json.loads(result.stdout)  # one profile: one line
    REPORT.validate(report)
    return report


def test_the_json_report_names_the_assumptions_the_answer_rests_on() -> None:
    report = run_json("--cert", "CIC-full", "--cert", "CPC-exam", "--as-of", "2026-11-22")
    by_check = {r["check"]: r["assumptions"] for r in report["results"]}
    assert [a["condition"] for a in by_check["CIC-full"]] == ["no-apprentice-status"]
    assert by_check["CIC-full"][0]["part"] == "requires"
    assert "UNCONFIRMED" in by_check["CIC-full"][0]["text"]
    assert by_check["CPC-exam"] == []


def test_an_answer_that_no_longer_rests_on_an_assumption_does_not_name_it() -> None:
    # the membership has lapsed: the specialty exam is not met whatever its prerequisites, so
    # it does not rest on what is assumed of them; the step, to renew before AAPC cancels the
    # membership about 40 days after 2027-06-30 (AAPC-LAPSE-1), rests on A10's "about 40 days"
    report = run_json("--cert", "CEMC-exam", "--as-of", "2027-08-01")
    assert report["results"][0]["status"] == NOT_MET
    assert [a["condition"] for a in report["results"][0]["assumptions"]] == ["aapc-membership"]


def test_a_met_removal_names_the_missing_deadline_and_the_designation_does_not() -> None:
    c03 = PROFILES / "c03-carla-nguyen.yaml"  # OPT-1 at exactly 24 months: removable
    texts = {}
    for check in ("CPC-A-removal", "CPC-full"):
        result = CliRunner().invoke(main, ["check", str(c03), "--cert", check])
        texts[check] = result.output
    assert "no deadline was found" in texts["CPC-A-removal"]  # CPC-APP-4
    assert "no deadline was found" not in texts["CPC-full"]  # same conditions, no such rule


def test_show_lists_a_condition_s_assumption() -> None:
    result = CliRunner().invoke(main, ["show", "CRC"])
    assert "assumes: That the CRC has no apprentice designation is UNCONFIRMED" in result.output


def test_what_reading_a_profile_assumed_is_said_once_above_several_checks() -> None:
    """A format-1 profile's assumed readings are the profile's, not each check's: with several
    --cert they head the first explanation only (C10's filled 15 lines with them)."""
    profile = PROFILES / "c10-ivan-petrov.yaml"
    one = CliRunner().invoke(main, ["check", str(profile), "--cert", "CPC-renewal"])
    assert one.output.count("\nAssumed: ") == 1
    result = CliRunner().invoke(
        main, ["check", str(profile), "--cert", "CPC-exam", "--cert", "CPC-renewal"]
    )
    assert result.output.count("\nAssumed: ") == 1
    assert result.output.index("Assumed: ") < result.output.index("· CPC-renewal")
