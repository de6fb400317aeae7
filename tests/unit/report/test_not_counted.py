"""What a fact left out, and why, is shown under the condition (fact files' ``left_out``), and
worked out only when an answer is explained, never for a cohort's answers."""

from __future__ import annotations

import copy
import re
from datetime import date

import pytest

from eligibility.api import check_profile
from eligibility.engine import plan as engine_plan
from eligibility.engine.plan import Memo, assess, make_plan
from eligibility.engine.results import NodeResult
from eligibility.facts import left_out
from eligibility.inputs.profiles import load_profile, profile_from_data
from eligibility.report.render import json_report, text_report
from tests.conftest import PROFILES, RULES

AS_OF = date(2026, 11, 22)


def _leaf(root: NodeResult, node_id: str) -> NodeResult:
    found = [r for r in _walk(root) if r.node.id == node_id]
    assert found, node_id
    return found[0]


def _walk(result: NodeResult):
    yield result
    for child in result.children:
        yield from _walk(child)


def _removal(profile, rulebook):
    report = check_profile(profile, ["CPC-A-removal"], AS_OF, None, rulebook)
    return report, report.results[0]


def test_a_billing_job_is_named_with_why_under_the_experience_condition(rulebook) -> None:
    profile = load_profile(str(PROFILES / "x50-left-out.yaml"))
    report, result = _removal(profile, rulebook)
    leaf = _leaf(result.requires, "option-1-experience")
    assert [(n.record, n.detail) for n in leaf.not_counted] == [
        ("job-1", "Billing specialist at Lakeside Billing Services")
    ]
    assert "does not assign codes" in leaf.not_counted[0].reasons[0]
    text = text_report(report, rulebook.policies)
    assert (
        "not counted: job-1 (Billing specialist at Lakeside Billing Services): the role does not assign codes"
        in text
    )
    data = json_report(report, rulebook.policies)
    node = next(
        n for n in _json_nodes(data["results"][0]["requires"]) if n["id"] == "option-1-experience"
    )
    assert node["not_counted"][0]["record"] == "job-1"
    assert node["not_counted"][0]["fact"] == "experience.aapc_months"


def _json_nodes(node):
    yield node
    for child in node.get("children", ()):
        yield from _json_nodes(child)


def test_a_course_gives_each_reason_it_fails(rulebook) -> None:
    profile = load_profile(str(PROFILES / "x50-left-out.yaml"))
    _, result = _removal(profile, rulebook)
    leaf = _leaf(result.requires, "option-2-course")
    reasons = {n.record: n.reasons for n in leaf.not_counted}
    assert reasons["course-2"] == ("not completed",)
    assert reasons["ceu-1"][0].startswith("a CEU event")


def test_a_record_the_fact_counts_is_never_listed(rulebook) -> None:
    data = copy.deepcopy(load_profile(str(PROFILES / "x50-left-out.yaml")).data)
    data["work_history"][0]["directly_assigns_codes"] = True  # the billing job now codes
    listed = left_out(
        data, AS_OF, rulebook.default_policies(), rulebook.facts, ["experience.aapc_months"]
    )
    assert listed == ()


def test_a_record_without_an_id_is_named_by_the_noun(rulebook) -> None:
    data = copy.deepcopy(load_profile(str(PROFILES / "x50-left-out.yaml")).data)
    del data["work_history"][0]["id"]
    listed = left_out(
        data, AS_OF, rulebook.default_policies(), rulebook.facts, ["experience.aapc_months"]
    )
    assert [n.record for n in listed] == ["job 1"]


def test_a_met_condition_lists_nothing(rulebook) -> None:
    profile = load_profile(str(PROFILES / "x50-left-out.yaml"))
    report = check_profile(profile, ["CCA-exam"], AS_OF, None, rulebook)
    leaf = _leaf(report.results[0].recommends, "rec-experience")
    assert leaf.status == "met" and leaf.not_counted == ()


def test_a_cohort_answer_never_runs_the_checks(rulebook, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("left_out ran for a cohort's answer")

    monkeypatch.setattr(engine_plan, "left_out", refuse)
    profile = profile_from_data(load_profile(str(PROFILES / "x50-left-out.yaml")).data, "x50")
    plan = make_plan(rulebook, AS_OF)
    verdicts = assess(plan, rulebook, profile.data, None, Memo(), False).verdicts()
    assert verdicts


def test_a_kept_course_that_states_no_hours_is_listed(rulebook) -> None:
    listed = _course_hours_left_out(
        load_profile(str(PROFILES / "x52-course-hours.yaml")).data, rulebook
    )
    assert [n.record for n in listed] == ["course-1", "course-2"]
    # course-1's hours are in credits; course-2 gives none, which is not known rather than none
    assert listed[0].reasons[0].startswith("states no contact or clock hours")
    assert listed[1].reasons == ("its hours are not given",)


def test_a_kept_course_that_states_its_hours_is_not_listed(rulebook) -> None:
    data = copy.deepcopy(load_profile(str(PROFILES / "x52-course-hours.yaml")).data)
    data["training"][0]["hours"] = {"value": 60, "unit": "contact_hours"}
    data["training"][0]["proof_states_contact_hours"] = True  # and its proof says so
    assert [n.record for n in _course_hours_left_out(data, rulebook)] == ["course-2"]


def _course_hours_left_out(data, rulebook):
    return left_out(
        data,
        AS_OF,
        rulebook.default_policies(),
        rulebook.facts,
        ["training.longest_course_contact_hours"],
    )


# --- CEU sums (cycles, periods): the kind names the CEU records it leaves out -----------------


def _ceus_left_out(name: str, as_of: date, paths: list[str], rulebook, edit=None):
    data = copy.deepcopy(load_profile(str(PROFILES / name)).data)
    if edit:
        edit(data)
    return left_out(data, as_of, rulebook.default_policies(), rulebook.facts, paths)


def test_ceus_pahcs_does_not_count_are_named_under_the_ceu_condition(rulebook) -> None:
    profile = load_profile(str(PROFILES / "x80-pahcs-ceus-not-counted.yaml"))
    report = check_profile(profile, ["MCS-recert"], date(2026, 2, 15), None, rulebook)
    leaf = _leaf(report.results[0].requires, "last-ceus")
    assert [n.record for n in leaf.not_counted] == [f"CEU record {n}" for n in (2, 3, 4, 5)]
    assert {n.fact for n in leaf.not_counted} == {"pahcs.MCS.last.ceus_counted"}
    video = leaf.not_counted[0]
    assert video.detail == "ICD-10-CM video course, 10 CEUs, completed 2025-03-01"
    assert video.reasons[0].startswith("video, audio, CD-ROM or other self-study")
    assert leaf.not_counted[2].reasons[0].startswith("reported for the CPC")
    data = json_report(report, rulebook.policies)
    node = next(n for n in _json_nodes(data["results"][0]["requires"]) if n["id"] == "last-ceus")
    assert node["not_counted"][0]["record"] == "CEU record 2"


def test_a_ceu_record_left_out_of_two_facts_is_listed_once(rulebook) -> None:
    def not_hiim(data):
        data["ceus"][2]["hiim_domain"] = False  # reported for the CPC, and not HIIM either

    listed = _ceus_left_out(
        "x83-ahima-ceus-not-counted.yaml",
        date(2025, 6, 20),
        ["recert.CCS.last.ceus", "recert.CCS.last.hiim"],
        rulebook,
        not_hiim,
    )
    third = [n for n in listed if n.record == "CEU record 3"]
    assert len(third) == 1
    # reported for another body decides alone: not HIIM either does not matter then
    assert len(third[0].reasons) == 1
    assert third[0].reasons[0].startswith("reported for the CPC")
    second = [n for n in listed if n.record == "CEU record 2"]  # HIIM only
    assert second[0].reasons == ("not in AHIMA's HIIM domains",)
    assert [n.record for n in listed] == sorted(n.record for n in listed)  # in profile order


def test_ceus_from_before_a_period_count_in_an_earlier_one_and_are_not_listed(rulebook) -> None:
    # X81's current period began 2025-10-01: records 1 to 3 are older, and record 4 counts
    current = _ceus_left_out(
        "x81-aapc-ceus-not-counted.yaml", date(2025, 11, 15), ["aapc.current.ceus"], rulebook
    )
    assert current == ()
    last = _ceus_left_out(  # while record 4, after the last period, is named under it
        "x81-aapc-ceus-not-counted.yaml", date(2025, 11, 15), ["aapc.last.ceus"], rulebook
    )
    assert "CEU record 4" in [n.record for n in last]


def test_ceus_of_a_running_period_completed_after_the_date_are_not_yet_earned(rulebook) -> None:
    listed = _ceus_left_out(
        "x80-pahcs-ceus-not-counted.yaml",
        date(2025, 6, 1),
        ["pahcs.MCS.current.ceus_counted"],
        rulebook,
    )
    reasons = {n.record: n.reasons for n in listed}
    assert reasons["CEU record 4"][0] == "completed after 2025-06-01: not yet earned on that date"
    assert "CEU record 1" not in reasons and "CEU record 5" not in reasons  # counts; after the end


def test_an_aapc_ceu_from_before_certification_is_named(rulebook) -> None:
    listed = _ceus_left_out(
        "x82-aapc-ceus-before-certification.yaml", AS_OF, ["aapc.current.ceus"], rulebook
    )
    assert [(n.record, n.reasons) for n in listed] == [
        ("CEU record 1", ("completed before certification on 2026-02-10",))
    ]


def test_a_ceu_flag_not_stated_in_format_2_is_said_so_not_read_as_no(rulebook) -> None:
    def format_2_without_vendor(data):
        data["profile_version"] = 2
        del data["ceus"][1]["aapc_approved_vendor"]  # the grand rounds: vendor not stated

    listed = _ceus_left_out(
        "x81-aapc-ceus-not-counted.yaml",
        date(2025, 11, 15),
        ["aapc.last.ceus"],
        rulebook,
        format_2_without_vendor,
    )
    reasons = {n.record: n.reasons for n in listed}
    assert reasons["CEU record 2"] == ("from an AAPC-approved CEU vendor: not stated",)


def test_ceus_not_specific_to_a_credential_are_named_with_why(rulebook) -> None:
    def circc_from_aapc(data):
        data["ceus"][0]["specialty_tags"] = ["CIRCC"]  # tagged, but not from the three vendors

    path = ["aapc.last.specific.CIRCC"]
    plain = _ceus_left_out("c18-quentin-ross.yaml", AS_OF, path, rulebook)
    assert [n.record for n in plain] == ["CEU record 1", "CEU record 3"]
    assert plain[0].reasons == (
        "not pre-approved for the CIRCC: the record does not list it among the credentials it is"
        " pre-approved for",
    )
    tagged = _ceus_left_out("c18-quentin-ross.yaml", AS_OF, path, rulebook, circc_from_aapc)
    assert tagged[0].reasons[0].startswith("not from ZHealth Publishing, MedLearn Publishing")


def test_a_job_is_named_the_same_way_wherever_an_answer_names_it(rulebook) -> None:
    """X53's job was "job-1 (Medical coder)" where no letter can document it and "job-1
    (Eastgate Family Practice)" where it is not counted: one job, two names. Both now give its
    role and employer, as the fact files' one ``detail`` for a job says."""
    profile = load_profile(str(PROFILES / "x53-cannot-verify.yaml"))
    report, _ = _removal(profile, rulebook)
    text = text_report(report, rulebook.policies)
    named = set(re.findall(r"job-1 \(([^)]*)\)", text))
    assert named == {"Medical coder at Eastgate Family Practice"}


def test_a_credential_not_active_is_named_only_where_it_is_asked_for(rulebook):
    # Z46: the RHIA reported inactive is why pathway (e) (CCS-P, RHIT or RHIA) is not met; it
    # says nothing about pathway (c)'s CCA, which the profile does not list at all
    person = load_profile(str(RULES / "tests" / "profiles" / "z46-rhia-inactive.yaml"))
    (result,) = check_profile(person, ["CCS-exam"], rulebook=rulebook).results
    assert _leaf(result.recommends, "rec-e-credential").details == (
        "RHIA: reported inactive from 2025-01-01",
    )
    assert _leaf(result.recommends, "rec-c-cca").details == ()


def test_a_record_dated_after_the_evaluation_date_is_named_as_not_yet(rulebook):
    # a candidate's audit: a course marked completed on a day still to come was left out
    # without a word ("longest completed course: 0 hours")
    course = {
        "program_name": "Medical Coding Certificate",
        "program_type": "school_certificate",
        "completed": True,
        "completion_date": "2026-12-18",
        "hours": {"value": 120, "unit": "contact_hours"},
    }
    person = profile_from_data(
        {"profile_version": 2, "name": "Maria", "as_of": "2026-12-06", "training": [course]}, "p"
    )
    text = text_report(check_profile(person, ["CPC-full"], rulebook=rulebook), rulebook.policies)
    assert (
        "course 1 (Medical Coding Certificate): completion date 2026-12-18, after 2026-12-06:"
        " not yet on that date" in text
    )
    later = profile_from_data({**person.data, "as_of": "2026-12-18"}, "p")
    report = check_profile(later, ["CPC-full"], rulebook=rulebook)
    assert "not yet on that date" not in text_report(report, rulebook.policies)
