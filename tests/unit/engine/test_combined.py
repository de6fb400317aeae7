"""How an ``all`` and an ``any`` combine their children's answers, for trees built or pruned
after a run (a step's pathway, recommendations with the warnings shown apart): as the engine
does, worst for ``all``, best for ``any``."""

from __future__ import annotations

import pytest

from eligibility.engine.results import AMBIGUOUS, MET, NOT_MET, UNKNOWN, combined


@pytest.mark.parametrize(
    ("kind", "statuses", "expected"),
    [
        ("all", [MET, MET], MET),
        ("all", [MET, UNKNOWN], UNKNOWN),
        ("all", [UNKNOWN, NOT_MET], NOT_MET),
        ("all", [MET, AMBIGUOUS], AMBIGUOUS),
        ("all", [AMBIGUOUS, UNKNOWN], UNKNOWN),
        ("any", [NOT_MET, UNKNOWN], UNKNOWN),
        ("any", [NOT_MET, MET], MET),
        ("any", [NOT_MET, NOT_MET], NOT_MET),
        ("any", [UNKNOWN, AMBIGUOUS], AMBIGUOUS),
    ],
)
def test_an_all_takes_the_worst_answer_and_an_any_the_best(kind, statuses, expected) -> None:
    assert combined(kind, statuses) == expected
