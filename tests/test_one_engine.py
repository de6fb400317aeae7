"""The explained answers come from the cohort engine's plan (``verdicts.explain_profile``) and
must be what the per-leaf evaluator (``api.check_profile_reference``) gave: the text and JSON
reports equal, on every golden case, generated cohorts, every policy value, dates on both sides
of every version boundary and selections of checks."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from benchmarks.generate import write
from eligibility.api import check_profile, check_profile_reference, resolve_as_of
from eligibility.profiles import load_profile, profile_from_data
from eligibility.render import json_report, text_report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "profiles"


def golden() -> list:
    return [load_profile(path) for path in sorted(FIXTURES.glob("*.yaml"))]


def same(profile, book, selectors=(), as_of=None, policies=None, dates=True) -> None:
    new = check_profile(profile, selectors, as_of, policies, book, dates)
    old = check_profile_reference(profile, selectors, as_of, policies, book, dates)
    where = f"{profile.source} {list(selectors)} {as_of} {policies}"
    assert json_report(new, book.policies) == json_report(old, book.policies), where
    assert text_report(new, book.policies) == text_report(old, book.policies), where


@pytest.mark.parametrize("dates", [True, False])
def test_golden_cases(rulebook, dates) -> None:
    for profile in golden():
        same(profile, rulebook, dates=dates)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_generated_cohorts(tmp_path, rulebook, seed) -> None:
    write(tmp_path / "c.jsonl", 80, seed=seed)
    for n, line in enumerate((tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()):
        same(profile_from_data(json.loads(line), f"row {n}"), rulebook)


def test_flat_cohort(tmp_path, rulebook) -> None:
    write(tmp_path / "dir", 60, seed=5, flat=True)
    for path in sorted((tmp_path / "dir").iterdir()):
        same(load_profile(path), rulebook)


def test_every_policy_value(rulebook) -> None:
    for profile in golden():
        for policy, spec in rulebook.policies.items():
            for value in spec.values:
                same(profile, rulebook, policies={policy: value})


def test_both_sides_of_every_version_boundary(rulebook) -> None:
    days = sorted(
        {
            day + timedelta(days=shift)
            for credential in rulebook.credentials
            for version in credential.versions
            for day in (version.valid_from, version.valid_until)
            if day is not None
            for shift in (-1, 0, 1)
        }
    )
    profiles = golden()[::3]
    for day in days:
        for profile in profiles:
            same(profile, rulebook, as_of=day)


@pytest.mark.parametrize(
    "selectors",
    [["CPC"], ["CPC-A-removal", "CCS"], ["CCS-recert", "CPC-renewal"], ["CRC", "CPC-renewal"]],
)
def test_selections(rulebook, selectors) -> None:
    for profile in golden():
        same(profile, rulebook, selectors)


def test_pinned_versions(rulebook) -> None:
    pins = [
        f"{check_id}@{version.id}"
        for credential in rulebook.credentials
        for version in credential.versions
        for check_id in [c.id for c in version.checks][:1]
    ]
    for profile in golden()[::4]:
        day = resolve_as_of(profile, None)
        for pin in pins[::3]:
            same(profile, rulebook, [pin], day)
