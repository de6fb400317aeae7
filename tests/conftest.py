"""Shared fixtures: paths into the repository and the project's rulebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility.rules import RuleBook, load_rulebook

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PROFILES = FIXTURES / "profiles"
RULES = ROOT / "rules"


@pytest.fixture(scope="session")
def rulebook() -> RuleBook:
    return load_rulebook(str(RULES))
