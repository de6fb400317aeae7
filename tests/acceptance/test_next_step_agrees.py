"""A batch's next step reads as ``check``'s way forward to the same pathway (issue 14): a letter
that can vouch for the months only once they are worked is dated ("dated 2027-02-02 or later")
in both, and steps taken together read as one sentence ("..., dated D or later, and keep ...").
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.generate import write
from eligibility.api import check_profile
from eligibility.cli import main
from eligibility.engine.results import AMBIGUOUS, NOT_MET
from eligibility.inputs.cohort import parse_item, read_items
from eligibility.inputs.profiles import load_profile, profile_from_data
from eligibility.report.answerwords import SOON_DAYS, codes, in_words
from eligibility.report.explain import eligible_way, explain, reading_days, steps_text
from tests.conftest import PROFILES

HANA = PROFILES / "c09-hana-sato.yaml"  # closest: option 2 (Practicode); option 1 from 2027-08-31
X62 = PROFILES / "x62-closed-practice-w2.yaml"  # option 1: a letter dated 2027-02-02
CHECKS = (
    "CPC-A-removal",
)  # X62 and C09 hold the CPC-A: whether passing gives the CPC is not theirs


def _next_steps(profile: Path, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(
        main, ["batch", str(profile), *(f"--cert={c}" for c in CHECKS), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    return {row["check"]: row["next_step"] for row in rows}


def _check_ways(profile: Path, rulebook) -> dict[str, str]:
    """Check's first way forward to the closest pathway, as one sentence, per check."""
    report = check_profile(load_profile(profile), CHECKS, None, None, rulebook)
    ways = {}
    for result in report.results:
        e = explain(result, rulebook.policies)
        assert e.closest is not None, result.check_id
        first = next(a for a in e.actions if e.closest.node.id in a.completes)
        ways[result.check_id] = _with_other_pathways_date(steps_text(first.steps), result, e)
    return ways


def _with_other_pathways_date(way: str, result, e) -> str:
    """``way``, and where time alone meets another pathway than the closest, "; or" that
    pathway's eligible-by way, as check's summary line names it ("eligible by D through ..."):
    first, when that day is within SOON_DAYS and not today (a day's wait before a course). A
    day another reading of an open question moves says what it rests on, as check's eligible-by
    line does (a part-time job: the date under each reading)."""
    eligible = result.eligible_by
    rests = reading_days(eligible, e.policies) if eligible is not None else ""
    rests = f", a day that rests on {rests}" if rests else ""
    if eligible is None or e.closest is None or eligible.pathway.id == e.closest.node.id:
        return way + rests if way else way
    other = eligible_way(eligible) + rests
    if not way:
        return other
    soon = not eligible.now and (eligible.day - result.as_of).days <= SOON_DAYS
    return f"{other}; or {way}" if soon else f"{way}; or {other}"


def test_a_letter_step_is_dated_in_the_batch_as_in_check(tmp_path, rulebook) -> None:
    """X62: a letter asked for today documents 21 months of the 24 option 1 needs, so option 1's
    way is a letter dated 2027-02-02 or later and work until then; option 2 lacks only
    Practicode (or a course), so it is the closest, and the batch's next step is check's first
    way to it. (Before, option 1 was closest, "lacking only a letter".) The dated letter is the
    way check gives to option 1; cohorts' dated letters are compared with check's below."""
    said = _next_steps(X62, tmp_path)
    assert said == {
        check: "complete AAPC Practicode; or eligible by 2027-02-02 through Option 1 if you keep"
        " working in your current coding job and ask for your letter to be re-issued then"
        for check in CHECKS
    }
    assert said == _check_ways(X62, rulebook)
    text = CliRunner().invoke(main, ["check", str(X62), "--cert", "CPC-A-removal"]).stdout
    assert (
        "ask your employer, supervisor or HR department for a letter that meets AAPC's rules,"
        " dated 2027-02-02 or later, and keep working in your current coding job until 2027-02-02"
        " -> Option 1 met" in text
    )


def test_c09s_next_step_is_checks_first_way_to_its_closest_pathway(tmp_path, rulebook) -> None:
    """C09's closest pathway (option 2) needs no letter: its next step is Practicode, and the
    dated letter is check's way to option 1, whose day is the batch's eligible_by."""
    said = _next_steps(HANA, tmp_path)
    assert said == {
        check: "complete AAPC Practicode; or eligible by 2027-08-31 through Option 1 if you keep"
        " working in your current coding job and ask for your letter to be re-issued then"
        for check in CHECKS
    }
    assert said == _check_ways(HANA, rulebook)
    text = CliRunner().invoke(main, ["check", str(HANA), "--cert", "CPC-A-removal"]).stdout
    assert (
        "for a letter that meets AAPC's rules, dated 2027-08-31 or later, and keep coding until"
        " 2027-08-31 -> Option 1 met" in text
    )


@pytest.mark.parametrize(
    ("steps", "sentence"),
    [
        (["complete AAPC Practicode"], "complete AAPC Practicode"),
        (["do a", "do b"], "do a and do b"),
        (["do a", "do b", "do c"], "do a and do b and do c"),
        (
            ["ask for a letter, dated 2027-08-31 or later", "keep coding until 2027-08-31"],
            "ask for a letter, dated 2027-08-31 or later, and keep coding until 2027-08-31",
        ),
        (["x, y", "z", "w"], "x, y, z, and w"),
    ],
)
def test_steps_together_read_as_one_sentence(steps, sentence) -> None:
    assert steps_text(steps) == sentence


def _first_way(result, rulebook) -> str:
    """What ``check`` says to do first for a not-met answer: its standing's own way (a revoked
    credential), else its first way forward that completes the closest pathway; said in words
    as a batch says it."""
    steps = result.standing_steps if result.status == "not_met" else ()
    if steps:
        return steps[0]
    e = explain(result, rulebook.policies)
    first = next((a for a in e.actions if e.closest and e.closest.node.id in a.completes), None)
    way = _with_other_pathways_date(steps_text(first.steps) if first else "", result, e)
    return in_words(way, codes(result.check))


def _questions(text: str) -> set[str]:
    """The open questions a step asks the body to settle, by their words."""
    return set(re.findall(r'"([^"]+)"', text)) if " the open question" in text else set()


@pytest.mark.parametrize(
    ("seed", "day", "asks"),
    # asks: the cohort has not-met answers whose first way asks an open question (since the
    # default reading of part-time work answers, CONV-3, one cohort of the four has them)
    [
        (7, "2026-11-22", False),
        (1, "2026-11-22", True),
        (1, "2026-03-01", False),
        (7, "2026-03-01", False),
    ],
)
def test_every_next_step_of_a_cohort_is_checks_first_way(
    tmp_path, rulebook, seed, day, asks
) -> None:
    """Each not-met or ambiguous row's next step is what ``check`` says first, on a generated
    cohort:
    open questions the closest pathway also needs settled ("ask AHIMA to
    settle the open question ..."), gaps
    time closes beside others ("keep coding until D", not "for N more months"), the closest
    pathway being the one a step completes. Before the batch dated every gap and listed the questions, 172 of a 2,000-student cohort's
    41,412 such rows differed."""
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, 500, seed=seed)
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(main, ["batch", str(cohort), "--out", str(out), "--as-of", day])
    assert result.exit_code in (0, 1), result.output
    said = {
        (row["row"], row["check"]): row["next_step"]
        for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    }
    seen = Counter()
    for item in read_items(cohort):
        row = parse_item(item, date.fromisoformat(day))
        report = check_profile(row.profile, (), date.fromisoformat(day), None, rulebook)
        for answer in report.results:
            place = (str(row.number), answer.check_id)
            if answer.status == AMBIGUOUS:
                # its next step settles the questions it depends on, each one check asks the
                # body to settle (before, it was empty in all 2,447 such rows of a 2,000-student
                # cohort)
                asked = _questions(said[place])
                ways = [steps_text(a.steps) for a in explain(answer, rulebook.policies).actions]
                assert asked and asked <= set().union(*map(_questions, ways)), place
                seen[AMBIGUOUS] += 1
            if answer.status != NOT_MET:
                continue
            way = _first_way(answer, rulebook)
            assert said[place] == way, place
            seen["open question"] += " the open question" in way
            seen["dated beside others"] += " until 20" in way
    assert seen["dated beside others"] and seen[AMBIGUOUS], seen
    assert bool(seen["open question"]) or not asks, seen


@pytest.mark.parametrize("day", ["2026-06-15", "2026-08-15", "2026-11-22"])
def test_a_revoked_credentials_next_step_is_checks_first_way(tmp_path, rulebook, day) -> None:
    """An AHIMA credential's next step is check's first way on the day, for every profile: the
    appeal with its last day while AHIMA's 90 days last (C13, revoked from 2026-06-30, on
    2026-08-15), else asking AHIMA how to earn it again; with a day given only as a month (X15,
    X16) the appeal at once, with the range its last day falls in; while the standing depends on that day (X16 on
    2026-06-15), the conditions' own steps."""
    certs = ("CCA-recert", "CCS-recert", "CCS-P-recert")
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(
        main,
        [
            "batch",
            str(PROFILES),
            *(f"--cert={c}" for c in certs),
            "--out",
            str(out),
            "--as-of",
            day,
        ],
    )
    assert result.exit_code in (0, 1), result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    not_met = [row for row in rows if row["status"] == "not_met"]
    assert any(row["standing"] == "revoked" for row in not_met)
    for row in not_met:
        profile = load_profile(PROFILES / Path(row["where"]).name)
        report = check_profile(profile, [row["check"]], date.fromisoformat(day), None, rulebook)
        assert row["next_step"] == _first_way(report.results[0], rulebook), row["where"]
    said = {row["candidate_id"]: row["next_step"] for row in not_met}
    appeal = "appeal the revocation to AHIMA by 2026-09-28"
    if day == "2026-08-15":
        assert said["C13"].startswith(appeal)
        assert said["X16"].startswith(
            "appeal the revocation to AHIMA by 2026-08-29 to be safe: its 90 days end between"
        )
    if day == "2026-11-22":
        assert "appeal" not in said["C13"]
    if day == "2026-06-15":
        assert said["X16"].startswith("buy AHIMA's $50 extension for the CCS-P")


def test_a_step_beside_an_alternative_nothing_can_meet_is_still_given(tmp_path, rulebook) -> None:
    """X01's MCS on 2026-09-29: its last PAHCS period is 4 CEUs short, and its other way, "no
    period has ended yet", can no longer be met. The batch gave no next step (it took that
    alternative for met); check says to ask PAHCS (the period's CEUs can no longer be earned)."""
    out = tmp_path / "report.csv"
    args = ["batch", str(PROFILES), "--cert=MCS-recert", "--out", str(out), "--as-of", "2026-09-29"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 1), result.output
    rows = {r["candidate_id"]: r for r in csv.DictReader(io.StringIO(out.read_text("utf-8")))}
    x01 = rows["X01"]
    assert x01["status"] == "not_met" and x01["next_step"].startswith(
        "ask PAHCS whether your MCS can still be recertified"
    )
    report = check_profile(
        load_profile(PROFILES / Path(x01["where"]).name),
        ["MCS-recert"],
        date(2026, 9, 29),
        None,
        rulebook,
    )
    assert x01["next_step"] == _first_way(report.results[0], rulebook)


def test_an_unknown_rows_next_step_gives_what_the_profile_leaves_unknown(tmp_path, rulebook):
    """A check unknown because the profile leaves a field out (format 2's "not stated", a value
    left out) asks, in the batch as in ``check``, for that field: X72's paid-through date, X87's
    CEU completion date, X71's letter flag, X74's paid-through date (on which it depends whether
    her CPC-A is still held, so whether its removal applies at all), X96's cycle end known only
    to the month (on which it depends whether a cycle has ended), and not X97's course known
    only to the year (it cannot keep her CRC whatever its day: only a pro-rated first period
    can). Before, the batch said
    "tell us: <the condition>" (X71, X72, X96; X74 for each condition of the pathways, none of
    them unknown), or asked X87 for a certification date her profile gives; check did not ask
    X96 for her cycle's end; and the batch asked X97 for her course's day beside the
    pro-rated requirement."""
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(main, ["batch", str(PROFILES), "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    compared = Counter()
    for row in rows:
        if row["status"] != "unknown":
            continue
        profile = load_profile(PROFILES / Path(row["where"]).name)
        (answer,) = check_profile(profile, [row["check"]], None, None, rulebook).results
        ways = {  # the ways that give what is not known (others may meet another pathway)
            in_words(steps_text(a.steps), codes(answer.check))
            for a in explain(answer, rulebook.policies).actions
            if a.if_given
        }
        if len(ways) == 1:  # one thing to give: the batch's step is it
            assert {row["next_step"]} == ways, (row["candidate_id"], row["check"])
            compared[row["candidate_id"]] += 1
        assert not row["next_step"].startswith("tell us:"), (row["candidate_id"], row["check"])
        if answer.applies_unknown:  # no condition is unknown: whether it applies is
            assert row["unknown"] == "", (row["candidate_id"], row["check"])
            compared["applies"] += 1
    assert {"X71", "X72", "X74", "X87", "X96", "X97", "applies"} <= set(compared)


def test_a_day_known_to_the_month_dates_batch_and_check_alike(tmp_path, rulebook) -> None:
    """X73's job began in 2024-11, day not known: on 2026-06-15 its 24 months are reached on
    2026-10-31 or 2026-11-29. Check said "eligible by 2026-10-31" (the first reading's day) and
    the batch gave no date; both now give 2026-11-29, which holds whatever the day (X73's rule
    test checks that check dates the letter by it). Every not-met fixture row agrees with check
    that day."""
    day = "2026-06-15"
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(main, ["batch", str(PROFILES), "--out", str(out), "--as-of", day])
    assert result.exit_code in (0, 1), result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    answers = {}
    for row in rows:
        if row["status"] != NOT_MET:
            continue
        where = PROFILES / Path(row["where"]).name
        if where not in answers:
            profile = load_profile(where)
            report = check_profile(profile, (), date.fromisoformat(day), None, rulebook)
            answers[where] = {a.check_id: a for a in report.results}
        answer = answers[where][row["check"]]
        said = answer.eligible_by.day.isoformat() if answer.eligible_by else ""
        assert (row["eligible_by"], row["next_step"]) == (said, _first_way(answer, rulebook)), (
            row["candidate_id"],
            row["check"],
        )
    x73 = {r["check"]: r for r in rows if r["candidate_id"] == "X73"}
    assert x73["CPC-A-removal"]["eligible_by"] == "2026-11-29"


def test_a_letter_that_also_completes_the_closest_pathway_is_not_dated(tmp_path, rulebook):
    """Seed 1's student 36 on 2026-03-01: option 1 (closest) lacks only a letter, for work long
    done (80 months); option 2 becomes met on 2027-08-14 when the letters she has are re-issued.
    A letter asked for today completes both, so no way says to wait: check said "dated
    2027-08-14 or later, and keep working ... until 2027-08-14" for it, and the batch, for a
    while, too. Seed 5's student 981 on 2028-01-01 is alike, with an open question on option 1."""
    for seed, place, day in ((1, 35, date(2026, 3, 1)), (5, 980, date(2028, 1, 1))):
        cohort = tmp_path / f"cohort{seed}.jsonl"
        write(cohort, place + 1, seed=seed)
        one = tmp_path / f"student{seed}.jsonl"
        one.write_text(cohort.read_text(encoding="utf-8").splitlines()[place] + "\n", "utf-8")
        out = tmp_path / f"report{seed}.csv"
        args = ["batch", str(one), "--cert", "CPC-full", "--as-of", day.isoformat()]
        result = CliRunner().invoke(main, [*args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        (row,) = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
        assert row["eligible_by"] and row["next_step"].startswith("ask your employer")
        profile = parse_item(next(iter(read_items(one))), day).profile
        (answer,) = check_profile(profile, ["CPC-full"], day, None, rulebook).results
        assert row["next_step"] == _first_way(answer, rulebook)
        assert "dated" not in row["next_step"]
        text = CliRunner().invoke(
            main, ["check", str(one), "--cert", "CPC-full", "--as-of", day.isoformat()]
        )
        assert "for a letter that meets AAPC's rules -> Option" in text.stdout
        assert " or later" not in text.stdout


# A part-time current job whose months an open question decides, beside a past job its employer
# can no longer verify: on 2027-06-01 option 2 waits on the question, option 3 on Practicode and a
# course (a generated student, a reviewer's find)
PART_TIME = {
    "profile_version": 1,
    "candidate_id": "S000202",
    "name": "Student 202",
    "as_of": "2026-11-22",
    "education": {"highest_level": "hs_diploma"},
    "work_history": [
        {
            "id": "job0",
            "start_date": "2025-08-28",
            "end_date": None,
            "directly_assigns_codes": True,
            "code_sets": ["HCPCS-II"],
            "hours_per_week": 20,
        },
        {
            "id": "job1",
            "start_date": "2025-03-23",
            "end_date": "2025-09-30",
            "directly_assigns_codes": True,
            "code_sets": ["HCPCS-II", "ICD-10-CM"],
            "employer_can_still_verify": False,
        },
    ],
    "verification_letters": [
        {
            "covers_work_id": "job0",
            "author_role": "employer",
            "on_letterhead": True,
            "hand_signed": True,
            "signed": True,
            "letter_date": "2026-11-22",
            "stated_start": "2025-08-28",
            "states_to_present": True,
            "contact_info_present": True,
            "format": "pdf_non_editable",
        }
    ],
    "training": [
        {
            "program_type": "school_certificate",
            "completed": False,
            "completion_date": None,
            "hours": {"value": 120, "unit": "contact_hours"},
            "topics": ["cpt_basic", "hcpcs_level_ii", "icd_cm_basic", "medical_terminology"],
        }
    ],
    "memberships": [{"organization": "AAPC", "renewal_month": 3}],
}


def test_a_pathway_waiting_on_a_question_is_not_taken_for_completed(tmp_path, rulebook) -> None:
    """The batch took option 2's open question for settled, so Practicode seemed to complete it
    alone, and the closest pathway's way (Practicode and a course) was dropped as not minimal:
    the next step was empty where check gives one."""
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_text(json.dumps(PART_TIME) + "\n", encoding="utf-8")
    day = "2027-06-01"
    out = tmp_path / "report.csv"
    args = ["batch", str(cohort), "--cert", "CPC-full", "--out", str(out), "--as-of", day]
    assert CliRunner().invoke(main, args).exit_code in (0, 1)
    (row,) = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    (answer,) = check_profile(
        parse_item(next(iter(read_items(cohort))), date.fromisoformat(day)).profile,
        ["CPC-full"],
        date.fromisoformat(day),
        None,
        rulebook,
    ).results
    assert row["status"] == answer.status == NOT_MET
    assert row["next_step"] and row["next_step"] == _first_way(answer, rulebook)


def test_a_letter_is_dated_where_whether_the_check_applies_is_not_known(rulebook) -> None:
    """Y92 without her paid-through date: whether her CPC-A is still held is not known, and the
    ways to its removal, given where it applies, date the letter as they do with the date."""
    data = copy.deepcopy(load_profile(PROFILES / "y92-letter-today-too-few.yaml").data)
    for membership in data["memberships"]:
        del membership["paid_through"]
    (answer,) = check_profile(
        profile_from_data(data, "y92"), ["CPC-A-removal"], None, None, rulebook
    ).results
    assert answer.applies_unknown
    ways = [steps_text(a.steps) for a in explain(answer, rulebook.policies).actions]
    assert (
        "ask your employer, supervisor or HR department for a letter that meets AAPC's rules,"
        " dated 2027-09-14 or later, and keep working in your current coding job until 2027-09-14"
        in ways
    )


ZOE = """\
profile_version: 2
candidate_id: Z
name: Zoe Cote
as_of: 2026-11-22
education: {highest_level: master}
practicode: {completed: true, completion_date: 2025-02-24}
work_history:
  - {id: job-1, employer: Clinic, role_title: Medical coder, engagement_type: employee,
     start_date: 2025-11-12, end_date: null, hours_per_week: 32, setting: physician_office,
     directly_assigns_codes: true, code_sets: [HCPCS-II, ICD-10-CM]}
verification_letters:
  - {id: letter-1, covers_work_id: job-1, author_role: supervisor, on_letterhead: true,
     signed: true, hand_signed: true, typed: true, letter_date: 2026-08-12,
     stated_start: 2025-11-12, states_to_present: true, states_coding_duties: true,
     states_code_sets: true, contact_info_present: true, format: pdf_non_editable}
memberships:
  - {organization: AAPC, type: individual, start_date: 2024-09-15, paid_through: 2027-10-27}
"""


def test_a_date_on_another_pathway_comes_with_its_way(tmp_path) -> None:
    """A coordinator's audit: 12 months of coding and Practicode, a letter dated 2026-08-12 (9
    months), no course. Option 3 (a course) is the closest; option 2 is met now if the letter
    is re-issued. The row gave eligible_by 2026-11-22 beside the step "complete a coding course
    of 80+ contact hours", so her letter told her to take a course and never to ask for the
    letter; now the date's way follows the closest pathway's, as check's summary line names
    it. She codes 32 hours a week: the default reading of part-time work answers (CONV-3), so
    option 2, which lacks only the letter's date, is the closest, and its date says what it
    rests on."""
    profile = tmp_path / "zoe.yaml"
    profile.write_text(ZOE, encoding="utf-8")
    out = tmp_path / "report.csv"
    args = ["batch", str(profile), "--cert=CPC-full", "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0  # every row checked
    (row,) = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    assert (row["closest"], row["eligible_by"]) == ("Option 2", "2026-11-22")
    assert row["next_step"] == (
        "ask for your letter to be re-issued now"
        # pro-rated to a 40-hour week, the months come later
        ", a day that rests on how part-time coding work counts towards months of experience:"
        " 2026-11-22 if calendar time counts whatever the hours (the default reading),"
        " 2027-02-11 if part-time work is pro-rated to a 40-hour week (a training site's claim)"
    )
    summary = CliRunner().invoke(main, ["check", str(profile)]).stdout
    assert "(closest: Option 2, 1 thing missing" in summary and "(eligible now)" in summary


def test_a_gap_time_closes_within_days_is_the_first_way(tmp_path) -> None:
    """C04: Dmitri's COC-A is one day short of Option 1's two years; Option 2 lacks only a
    course or Practicode. A coordinator's audit: telling him to do Practicode first when
    waiting a day does it. Option 1, met soonest, is the closest pathway (issue 14 item 13),
    and its way, the letter re-issued on that day, is the next step."""
    out = tmp_path / "report.csv"
    args = ["batch", str(PROFILES / "c04-dmitri-volkov.yaml"), "--cert=COC-A-removal"]
    assert CliRunner().invoke(main, [*args, "--out", str(out)]).exit_code == 0
    (row,) = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    assert (row["closest"], row["eligible_by"]) == ("Option 1", "2026-11-23"), row
    assert row["next_step"] == (
        "ask your employer, supervisor or HR department for a letter that meets AAPC's rules,"
        " dated 2026-11-23 or later, and keep coding until 2026-11-23"
    ), row


def test_students_alike_but_for_a_closed_fix_window_get_their_own_steps(tmp_path) -> None:
    """Two students whose membership ran out the same day: AAPC cancelled the one holding no
    credential after about 40 days, the certified one's only after 90. What the rules' fix
    window reads is part of what an outcome is remembered under: the second student was given
    the first one's step ("renew"), which she can no longer take."""
    lapsed = {"organization": "AAPC", "paid_through": "2026-09-21", "renewal_month": 8}
    certified = {
        "candidate_id": "A",
        "memberships": [lapsed],
        "credentials": [{"id": "CPC", "awarded_date": "2017-05-05"}],
    }
    cohort = tmp_path / "c.jsonl"
    cohort.write_text(
        json.dumps(certified) + "\n" + json.dumps({"candidate_id": "B", "memberships": [lapsed]})
    )
    out = tmp_path / "o.csv"
    result = CliRunner().invoke(
        main, ["batch", str(cohort), "--out", str(out), "--as-of", "2026-11-22", "--cert", "CIC"]
    )
    assert result.exit_code == 0, result.output
    steps = {
        row["candidate_id"]: row["next_step"]
        for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
        if row["check"] == "CIC-exam"
    }
    assert steps["A"].startswith(
        "renew your AAPC membership before AAPC cancels it, 90 days after the day it is paid"
        " through (for a certified member)"
    ), steps
    assert steps["B"].startswith(
        "rejoin AAPC as a new member: your membership was not renewed, and AAPC has cancelled it"
        " (about 40 days after the day it was paid through)"
    ), steps


def test_a_fix_window_a_month_only_date_leaves_open_gives_the_general_step(tmp_path) -> None:
    """Paid through "2026-10", no AAPC credential, on 2026-11-15: AAPC cancels about 40 days
    after, somewhere from 11-10 to 12-10. ``check`` said the general step; the batch's row
    said as a fact that AAPC had cancelled it (the readings' windows were not compared)."""
    cohort = tmp_path / "c.jsonl"
    profile = {
        "candidate_id": "S7",
        "memberships": [{"organization": "AAPC", "paid_through": "2026-10"}],
    }
    cohort.write_text(json.dumps(profile) + "\n")
    out = tmp_path / "o.csv"
    result = CliRunner().invoke(
        main,
        ["batch", str(cohort), "--out", str(out), "--as-of", "2026-11-15", "--cert", "CPC-exam"],
    )
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    assert row["next_step"].startswith("join AAPC, or renew your membership"), row["next_step"]
