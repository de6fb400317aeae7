"""Golden cases: the catalogue's worked candidates give their expected outcomes.

Each ``rules/tests/*.yaml`` is a rule test case (docs/rule-tests.md) naming a profile in
``rules/tests/profiles/`` and the outcomes the catalogue (../shared/domain/CATALOG.md section 6)
gives for it: check statuses, condition statuses, found values, dates an ongoing job closes a
gap, closest pathways, shortest actions, a credential's standing, and further runs under other
dates or policies. Each case is one test here, run by the same runner as ``eligibility test``.

The profiles live inside the rules directory so that a copy of ``rules/`` runs its own cases;
``fixtures/profiles/`` keeps the same files for the README, the docs and the other tests, and a
test below keeps the two in step.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility.casetest import PROFILES_FOLDER, find_cases, load_case, run_case, text_report
from eligibility.rulebook.rules import TESTS_FOLDER, RuleBook
from tests.conftest import PROFILES, RULES


def case_files(rules: Path) -> list[Path]:
    """The test cases of a rules directory, as ``eligibility test --rules DIR`` finds them."""
    return find_cases([], rules)


def catalogue_gaps(rules: Path) -> set[str]:
    """Catalogue candidates C01-C20 that no case of ``rules`` encodes."""
    catalogued = {load_case(path).catalogue for path in case_files(rules)}
    return {f"C{n:02d}" for n in range(1, 21)} - catalogued


def assert_case_holds(book: RuleBook, path: Path) -> None:
    """Every expectation of the case at ``path`` holds; else the runner's own report."""
    result = run_case(load_case(path), book)
    assert result.status == "passed", text_report([result])


CASES = case_files(RULES)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_catalogue_candidate(rulebook, path: Path) -> None:
    assert_case_holds(rulebook, path)


def test_every_candidate_c01_to_c20_has_a_case() -> None:
    assert catalogue_gaps(RULES) == set()


def test_the_readme_profiles_are_the_cases_profiles() -> None:
    """``fixtures/profiles/X.yaml`` (the README's and docs' examples) is the profile the cases
    read, ``rules/tests/profiles/X.yaml``, line for line but the editor modeline (its schema
    path is relative to the file): edit both or neither."""
    copies = RULES / TESTS_FOLDER / PROFILES_FOLDER
    fixtures = sorted(PROFILES.glob("*.yaml"))
    assert fixtures
    for fixture in fixtures:
        copy = copies / fixture.name
        assert copy.is_file(), f"{fixture} has no copy at {copy}: copy it there"
        assert _without_modeline(fixture) == _without_modeline(copy), (
            f"{fixture} and {copy} differ: keep them equal"
        )


def _without_modeline(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[1:] if lines and lines[0].startswith("# yaml-language-server:") else lines
