"""A cohort's answers (``plan.assess``: checks grouped, outcomes remembered across students)
are the answers each student's own explanation gives (``check_profile``), from the same engine.

Compared on every golden profile and a generated cohort: status, standing, the failed / unknown /
ambiguous condition ids, what the closest pathway lacks (with found, needed and shortfall) and, for
a lone gap that time closes, its reached-on date.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from benchmarks.generate import write
from eligibility.api import check_profile, resolve_as_of
from eligibility.engine.plan import Memo, assess, make_plan
from eligibility.engine.results import AMBIGUOUS, MET, NOT_MET, UNKNOWN, CheckResult
from eligibility.facts import derive, policy_can_matter, rederive
from eligibility.inputs.profiles import load_profile, profile_from_data
from tests.explained import assert_alike, closest_unmet, lacking_fields

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "profiles"


def _lacking(result: CheckResult, book) -> list[tuple]:
    return lacking_fields(closest_unmet(result, book))


def compare_engines(profiles, book, policies=None) -> int:
    plans, memos, compared = {}, {}, 0
    for profile in profiles:
        day = resolve_as_of(profile, None)
        plan = plans.get(day) or plans.setdefault(day, make_plan(book, day))
        verdicts = assess(
            plan, book, profile.data, policies, memos.setdefault(day, Memo())
        ).verdicts()
        report = check_profile(profile, [], day, policies, book)
        assert [v.check_id for v in verdicts] == [r.check_id for r in report.results]
        for verdict, result in zip(verdicts, report.results, strict=True):
            where = f"{profile.source} {result.check_id}"
            assert_alike(verdict, result, where)
            if result.status == NOT_MET:
                assert lacking_fields(verdict.outcome.lacking) == _lacking(result, book), where
            compared += 1
    return compared


# 23 months of ongoing coding and nothing else: one month from 24 (with letters still missing).
ALMOST = {
    "profile_version": 1,
    "candidate_id": "ALMOST",
    "as_of": "2026-11-22",
    "education": {"highest_level": "hs_diploma"},
    "work_history": [
        {
            "id": "job",
            "start_date": "2024-12-10",
            "end_date": None,
            "directly_assigns_codes": True,
            "code_sets": ["ICD-10-CM", "CPT"],
        }
    ],
}


def _cases() -> list:
    return [load_profile(path) for path in sorted(FIXTURES.glob("*.yaml"))] + [
        profile_from_data(ALMOST, "almost")
    ]


def test_golden_profiles_get_the_same_answers(rulebook) -> None:
    profiles = _cases()
    assert compare_engines(profiles, rulebook) == len(profiles) * len(rulebook.all_check_ids())


@pytest.mark.parametrize("policies", [None, {"part_time_counting": "fte40"}])
def test_a_generated_cohort_gets_the_same_answers(tmp_path, rulebook, policies) -> None:
    write(tmp_path / "c.jsonl", 150, seed=11)
    lines = (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()
    profiles = [profile_from_data(json.loads(line), f"row {n}") for n, line in enumerate(lines)]
    assert compare_engines(profiles, rulebook, policies) == 150 * len(rulebook.all_check_ids())


def test_the_cases_compared_have_what_the_comparison_needs(tmp_path, rulebook) -> None:
    """Ambiguous answers, lapsed credentials, near misses with dates, unknowns: else the tests
    above prove little."""
    write(tmp_path / "c.jsonl", 150, seed=11)
    lines = (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()
    profiles = _cases() + [profile_from_data(json.loads(line), "row") for line in lines]
    verdicts = [
        v
        for profile in profiles
        for v in assess(
            make_plan(rulebook, resolve_as_of(profile, None)),
            rulebook,
            profile.data,
        ).verdicts()
    ]
    assert any(v.status == AMBIGUOUS for v in verdicts)
    assert any(v.standing in ("inactive", "revoked") for v in verdicts)
    assert any(leaf.reached_on for v in verdicts for leaf in v.outcome.lacking)
    assert any(v.outcome.near_miss for v in verdicts)
    assert any(v.outcome.unknown for v in verdicts)


def test_rederive_equals_derive_for_the_sections_a_change_touches(tmp_path, rulebook) -> None:
    write(tmp_path / "c.jsonl", 80, seed=12)
    defaults = rulebook.default_policies()
    for line in (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        day = resolve_as_of(profile_from_data(data, "x"), None)
        base = derive(data, day, defaults, rulebook.facts)
        for policy, sections in {"part_time_counting": ("experience",)}.items():
            for value in rulebook.policies[policy].values:
                changed = {**defaults, policy: value}
                assert rederive(base, sections, data, day, changed, rulebook.facts) == derive(
                    data, day, changed, rulebook.facts
                )
                if not policy_can_matter(data, policy, rulebook.facts, day, defaults):
                    assert (
                        derive(data, day, changed, rulebook.facts)["experience"]
                        == (base["experience"])
                    )


def test_rederive_each_equals_derive_under_every_variant(tmp_path, rulebook) -> None:
    """Deriving several policy assignments at once (sharing experience's records) gives what
    deriving each alone gives; assignments differing in the policy the shared part reads
    (vague_duration_statement) must not share it."""
    from eligibility.facts import rederive_each

    write(tmp_path / "c.jsonl", 80, seed=13)
    defaults = rulebook.default_policies()
    feeds = rulebook.facts.group_policies()
    values = {p: rulebook.policies[p].values for p in feeds}
    variants = [
        {**defaults, "part_time_counting": part_time, "vague_duration_statement": vague}
        for part_time in values["part_time_counting"]
        for vague in values["vague_duration_statement"]
    ]
    variants += [
        {**defaults, "apprentice_counts_as_credential": v}
        for v in values["apprentice_counts_as_credential"]
    ]
    sections = tuple(dict.fromkeys(s for names in feeds.values() for s in names))
    profiles = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    profiles += [load_profile(path).data for path in sorted(FIXTURES.glob("*.yaml"))]
    changed_by_vague = 0
    for data in profiles:
        day = resolve_as_of(profile_from_data(data, "x"), None)
        base = derive(data, day, defaults, rulebook.facts)
        together = rederive_each(base, sections, data, day, variants, rulebook.facts)
        alone = [derive(data, day, v, rulebook.facts) for v in variants]
        assert together == alone
        changed_by_vague += alone[0]["experience"] != alone[1]["experience"]
    assert changed_by_vague  # a golden case (c10) has a letter stating only a duration


def test_a_policy_changes_only_the_groups_of_facts_said_to_depend_on_it(tmp_path, rulebook):
    """What the batch re-derives for a policy's other values (the groups whose facts depend on
    it) is all that can change: every other group is the same under every value."""
    write(tmp_path / "c.jsonl", 120, seed=14)
    defaults = rulebook.default_policies()
    profiles = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    profiles += [load_profile(path).data for path in sorted(FIXTURES.glob("*.yaml"))]
    feeds = rulebook.facts.group_policies()
    moved: dict[str, set[str]] = {}
    for data in profiles:
        day = resolve_as_of(profile_from_data(data, "x"), None)
        base = derive(data, day, defaults, rulebook.facts)
        for policy, spec in rulebook.policies.items():
            for value in spec.values:
                other = derive(data, day, {**defaults, policy: value}, rulebook.facts)
                changed = {g for g in base if g != "policies" and base[g] != other[g]}
                assert changed <= set(feeds.get(policy, ())), (policy, value, changed)
                moved.setdefault(policy, set()).update(changed)
    assert moved["part_time_counting"] == {"experience"}  # it does move something


def test_memo_keeps_what_is_used_within_its_bound() -> None:
    memo = Memo(size=2)
    memo.put("a", 1)
    memo.put("b", 2)
    memo.put("c", 3)  # young {a, b} becomes old
    assert memo.get("a") == 1  # found in the old generation, brought back
    memo.put("d", 4)  # young {c, a} becomes old; b is dropped
    assert (memo.get("b"), memo.get("a"), memo.get("c"), memo.get("d")) == (None, 1, 3, 4)
    assert len(memo) <= 4


def test_a_remembered_outcome_never_hides_another_students_date(rulebook) -> None:
    """Two students alike on the date but for whether their job goes on: the first one's
    answer (no date) must not be given to the second (reached when the job reaches a year)."""

    def student(end: str | None) -> dict:
        return {
            "profile_version": 1,
            "candidate_id": f"S-{end}",
            "as_of": "2026-11-22",
            "education": {"highest_level": "hs_diploma"},
            "credentials": [{"id": "CCA", "status": "active"}],
            "work_history": [
                {
                    "id": "job",
                    "start_date": "2026-01-01",
                    "end_date": end,
                    "directly_assigns_codes": True,
                    "code_sets": ["ICD-10-CM", "CPT"],
                }
            ],
        }

    selectors = ["CCS-P-exam@CCSP-SEED"]
    plan = make_plan(rulebook, date(2026, 11, 22), selectors)
    memo = Memo()
    for data in (student("2026-11-22"), student(None)):  # ended first, then ongoing
        fast = assess(plan, rulebook, data, None, memo).verdicts()[0]
        slow = check_profile(profile_from_data(data, "x"), selectors, None, None, rulebook)
        result = slow.results[0]
        assert fast.status == result.status
        if result.status == NOT_MET:
            assert [(leaf.node.id, leaf.reached_on) for leaf in fast.outcome.lacking] == [
                (leaf[0], leaf[5]) for leaf in _lacking(result, rulebook)
            ]
    assert any(leaf.reached_on for leaf in fast.outcome.lacking)  # the ongoing job has a date


def test_students_who_come_out_alike_share_one_outcome_though_their_facts_differ(
    tmp_path, rulebook
):
    """An outcome that is not "not met" names no number: students whose facts differ (30 and 40
    months) but whose conditions come out alike (an ambiguous answer on the same questions)
    get the very same outcome, worked out once."""
    write(tmp_path / "c.jsonl", 150, seed=11)
    lines = (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()
    plan, memo = make_plan(rulebook, date(2026, 11, 22)), Memo()
    shared: dict[str, dict[tuple, set[int]]] = {}
    for line in lines:
        answers = assess(plan, rulebook, {**json.loads(line), "as_of": "2026-11-22"}, None, memo)
        for label, outcome in zip(plan.labels, answers.outcomes, strict=True):
            if outcome.status in (MET, UNKNOWN, AMBIGUOUS):
                alike = (
                    outcome.status,
                    outcome.failed,
                    outcome.unknown,
                    outcome.ambiguous,
                    outcome.questions,
                )
                shared.setdefault(label, {}).setdefault(alike, set()).add(id(outcome))
    assert all(len(ids) == 1 for by_label in shared.values() for ids in by_label.values())
    assert sum(len(by_label) for by_label in shared.values()) > 20  # many checks and answers
