"""Deriving only what is read: the facts a plan's checks read, the parts of them a path reads,
nothing about records a profile does not have; and telling from the fact files' declarations
whether another value of a policy can change anything."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from benchmarks.generate import profile as generated
from eligibility.engine.plan import make_plan
from eligibility.engine.results import lookup
from eligibility.facts import derive, policy_can_matter, rederive_each
from eligibility.facts.engine import Context
from eligibility.facts.kinds import KINDS
from eligibility.inputs.profiles import load_profile, profile_from_data
from tests.conftest import PROFILES

DATES = (date(2019, 6, 30), date(2025, 1, 1), date(2026, 11, 22), date(2030, 1, 1))


def _cohort() -> list[dict[str, Any]]:
    rng = random.Random(13)
    made = [profile_from_data(generated(rng, n), "test").data for n in range(60)]
    return made + [load_profile(path).data for path in sorted(PROFILES.glob("*.yaml"))]


COHORT = _cohort()


def _read_paths(plan) -> list[str]:
    return sorted(set(plan.read_paths.values()))


@pytest.mark.parametrize("day", DATES, ids=str)
def test_the_facts_a_plan_reads_are_those_of_the_full_derivation(rulebook, day) -> None:
    """Derived for a plan (its definitions, the parts of them it reads), every path the plan
    reads has the value the full derivation gives, under every value of every policy."""
    plan = make_plan(rulebook, day, explaining=True)
    paths = _read_paths(plan)
    defaults = rulebook.default_policies()
    settings = [defaults] + [
        {**defaults, name: value}
        for name, policy in rulebook.policies.items()
        for value in policy.values
        if value != defaults[name]
    ]
    for data in COHORT:
        for policies in settings:
            full = derive(data, day, policies, rulebook.facts)
            read = derive(data, day, policies, rulebook.facts, only=plan.facts_read)
            for path in paths:
                assert lookup(read, path) == lookup(full, path), (data.get("name"), path)


def test_a_part_no_path_reads_is_not_derived(rulebook) -> None:
    """Of a renewal period or a recertification cycle, only the part read (the last one here)
    is derived: the current one costs nothing."""
    data = next(d for d in COHORT if d.get("credentials") and d.get("memberships"))
    book = rulebook.facts
    policies = rulebook.default_policies()
    only = book.definitions_reading(["aapc.last.ceus", "recert.CCS.last.hiim"])
    facts = derive(data, date(2026, 11, 22), policies, book, only=only)
    assert "last" in facts["aapc"] and "current" not in facts["aapc"]
    assert all("current" not in cycle for cycle in facts["recert"].values())
    whole = derive(
        data, date(2026, 11, 22), policies, book, only=book.definitions_reading(["aapc"])
    )
    assert "current" in whole["aapc"]


def test_a_fact_about_records_a_profile_lacks_is_what_deriving_it_gives(rulebook) -> None:
    """A definition whose records a profile lacks is not derived: what its kind declares for
    that case is exactly what deriving it gives (0.0 months, not 0), on every date."""
    book = rulebook.facts
    with_records = [d for d in book.definitions if d.records]
    assert with_records  # the kinds that select records declare it
    policies = rulebook.default_policies()
    for day in DATES:
        context = Context(book, {}, day, policies, frozenset(), {})
        for definition in with_records:
            kind = KINDS[definition.kind]
            derived = kind.derive(context, definition)
            declared = kind.empty(definition.params)  # type: ignore[misc]
            assert (declared, type(declared)) == (derived, type(derived)), definition.name


def _every_value_derived_alike(rulebook, data, policy, day) -> bool:
    """Whether the facts are the same under every value of ``policy`` (what policy_can_matter
    must never deny)."""
    defaults = rulebook.default_policies()
    seen = [
        derive(data, day, {**defaults, policy: value}, rulebook.facts)
        for value in rulebook.policies[policy].values
    ]
    return all({**s, "policies": None} == {**seen[0], "policies": None} for s in seen)


@pytest.mark.parametrize("policy", ["part_time_counting", "aapc_borderline_roles"])
def test_a_policy_matters_only_where_its_facts_can_move(rulebook, policy) -> None:
    """policy_can_matter says False only when no value of the policy changes a fact, and False
    for every profile without the records the policy's facts read."""
    day = date(2026, 11, 22)
    defaults = rulebook.default_policies()
    for data in COHORT:
        matters = policy_can_matter(data, policy, rulebook.facts, day, defaults)
        if not matters:
            assert _every_value_derived_alike(rulebook, data, policy, day), data.get("name")
        if not data.get("work_history"):
            assert not matters
    auditor = {
        "role_function": "reviews_audits",
        "code_sets": ["CPT"],
        "start_date": "2020-01-01",
        "hours_per_week": 20,
    }
    data = profile_from_data({"work_history": [auditor]}, "test").data
    assert policy_can_matter(data, policy, rulebook.facts, day, defaults)
    assert not _every_value_derived_alike(rulebook, data, policy, day)


def test_another_policy_value_rederives_as_a_fresh_derivation(rulebook) -> None:
    """rederive_each, which runs again only the sections whose expressions read the policy
    changed, gives what a derivation under that value gives."""
    day = date(2026, 11, 22)
    book = rulebook.facts
    defaults = rulebook.default_policies()
    plan = make_plan(rulebook, day)
    for data in COHORT[:30]:
        shared: dict[Any, Any] = {}
        base = derive(data, day, defaults, book, shared=shared, only=plan.facts_read)
        for policy, groups in book.group_policies().items():
            variants = [
                {**defaults, policy: value}
                for value in rulebook.policies[policy].values
                if value != defaults[policy]
            ]
            again = rederive_each(
                base, groups, data, day, variants, book, shared=shared, only=plan.facts_read
            )
            for policies, facts in zip(variants, again, strict=True):
                fresh = derive(data, day, policies, book, only=plan.facts_read)
                assert facts == fresh, (data.get("name"), policy)
