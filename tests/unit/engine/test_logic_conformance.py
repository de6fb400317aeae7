"""The official JsonLogic suite passes for the evaluator exactly as the engine configures it.

Cases are ``[rule, data, expected]`` from the official suite, kept in
``tests/data/jsonlogic.com/tests.json`` (277 of them; origin and licence in tests/data/README.md).
The only adjustment the engine makes (string rules are literals, not JSON text) is in
eligibility.logic, so these tests exercise it too. No case is treated differently.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eligibility.logic import compile_logic, engine_truthy, evaluate, truthy

SUITE = Path(__file__).resolve().parents[2] / "data" / "jsonlogic.com" / "tests.json"
CASES = [c for c in json.loads(SUITE.read_text(encoding="utf-8")) if not isinstance(c, str)]
KNOWN_DIFFERENCES: dict[int, str] = {}  # index -> reason; empty: every official case passes


def test_suite_is_complete() -> None:
    assert len(CASES) == 277, f"expected the 277 official cases in {SUITE}"


@pytest.mark.parametrize("index", range(len(CASES)))
def test_official_case(index: int) -> None:
    rule, data, expected = CASES[index]
    if index in KNOWN_DIFFERENCES:
        pytest.skip(KNOWN_DIFFERENCES[index])
    result = evaluate(rule, data)
    assert result == expected
    assert type(result) is type(expected) or isinstance(expected, float)


def test_string_rule_is_a_literal() -> None:
    assert evaluate("apple", {}) == "apple"


def test_compiled_rule_reports_what_it_reads() -> None:
    compiled = compile_logic(
        {"and": [{">=": [{"var": "experience.aapc_months"}, 24]}, {"var": "practicode_completed"}]}
    )
    assert set(compiled.reads) == {"experience.aapc_months", "practicode_completed"}


@pytest.mark.parametrize(
    "value", [0, 1, -1, 0.0, 0.5, "", "0", "a", [], [0], {}, {"a": 1}, None, True, False]
)
def test_truthiness_matches_the_engine(value) -> None:
    assert truthy(value) is engine_truthy(value)
