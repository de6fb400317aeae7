"""Golden cases: the catalogue's worked candidates give their expected outcomes.

Each ``fixtures/expected/*.yaml`` names a profile in ``fixtures/profiles/`` and the outcomes the
catalogue (../shared/domain/CATALOG.md section 6) gives for it: check statuses, node statuses,
found values, dates an ongoing job closes a gap, closest pathways, shortest actions, a
credential's standing, and further runs under other dates or policies.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from eligibility.api import ProfileReport, check_profile
from eligibility.evaluate import NodeResult
from eligibility.explain import explain
from eligibility.profiles import load_profile
from eligibility.yamlio import parse_text

from .conftest import FIXTURES, PROFILES

EXPECTED = sorted((FIXTURES / "expected").glob("*.yaml"))


def _load(path: Path) -> dict[str, Any]:
    return parse_text(path.read_text(encoding="utf-8"), str(path))


def _run(rulebook, expected: dict[str, Any], spec: dict[str, Any]) -> ProfileReport:
    """Evaluate every check ``spec`` mentions, under its date and policies."""
    checks = set(spec.get("checks", {}))
    for section in (
        "nodes",
        "found",
        "reached_on",
        "default_status",
        "closest",
        "actions",
        "standing",
    ):
        checks |= {key.split("/")[0] for key in spec.get(section, {})}
    as_of = date.fromisoformat(spec.get("as_of", expected["as_of"]))
    profile = load_profile(PROFILES / expected["profile"])
    return check_profile(profile, sorted(checks), as_of, spec.get("policies", {}), rulebook)


def _node(report: ProfileReport, key: str) -> NodeResult:
    check_id, node_id = key.split("/")
    result = next(r for r in report.results if r.check_id == check_id.split("@")[0])
    for tree in (result.requires, result.recommends):
        found = _find(tree, node_id) if tree else None
        if found:
            return found
    raise AssertionError(f"{key}: no such node")


def _find(result: NodeResult, node_id: str) -> NodeResult | None:
    if result.node.id == node_id:
        return result
    return next((f for c in result.children if (f := _find(c, node_id))), None)


def _status(report: ProfileReport, key: str) -> str:
    check_id, _, version = key.partition("@")
    for result in report.results:
        if result.check_id == check_id and (
            not version or (result.version and result.version.id == version)
        ):
            return result.status
    raise AssertionError(f"{key}: not evaluated")


def _assert_spec(rulebook, expected: dict[str, Any], spec: dict[str, Any]) -> None:
    report = _run(rulebook, expected, spec)
    label = f"{expected['catalogue']} {spec.get('as_of', '')} {spec.get('policies', '')}"
    for key, status in spec.get("checks", {}).items():
        assert _status(report, key) == status, f"{label}: {key}"
    for key, standing in spec.get("standing", {}).items():
        result = next(r for r in report.results if r.check_id == key)
        assert result.standing == standing, f"{label}: standing of {key}"
    for key, status in spec.get("nodes", {}).items():
        assert _node(report, key).status == status, f"{label}: {key}"
    for key, status in spec.get("default_status", {}).items():
        assert _node(report, key).default_status == status, f"{label}: {key}"
    for key, value in spec.get("found", {}).items():
        assert _node(report, key).found == pytest.approx(value, abs=1e-3), f"{label}: {key}"
    for key, day in spec.get("reached_on", {}).items():
        assert _node(report, key).reached_on == date.fromisoformat(day), f"{label}: {key}"
    explanations: dict[str, Any] = {}
    for r in report.results:  # the version in force first; pinned versions come after
        explanations.setdefault(r.check_id, explain(r, rulebook.policies))
    for check_id, node_id in spec.get("closest", {}).items():
        assert explanations[check_id].closest.node.id == node_id, f"{label}: closest {check_id}"
    for check_id, steps in spec.get("actions", {}).items():
        single = {a.steps[0] for a in explanations[check_id].actions if len(a.steps) == 1}
        assert set(steps) <= single, f"{label}: actions of {check_id}: {single}"


@pytest.mark.parametrize("path", EXPECTED, ids=[p.stem for p in EXPECTED])
def test_catalogue_candidate(rulebook, path: Path) -> None:
    expected = _load(path)
    _assert_spec(rulebook, expected, expected)
    for run in expected.get("runs", []):
        _assert_spec(rulebook, expected, run)


def test_every_candidate_c01_to_c20_has_expectations() -> None:
    catalogued = {_load(p)["catalogue"] for p in EXPECTED}
    assert {f"C{n:02d}" for n in range(1, 21)} <= catalogued
    for path in EXPECTED:
        assert (PROFILES / _load(path)["profile"]).is_file(), path
