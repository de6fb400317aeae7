"""Values in words, as a candidate reads them under a condition."""

from __future__ import annotations

import pytest

from eligibility.report.render import quantity


@pytest.mark.parametrize(
    ("value", "unit", "words"),
    [
        (1, "hours", "1 hour"),
        (2, "hours", "2 hours"),
        (1.0, "CEUs", "1 CEU"),
        (1.5, "CEUs", "1.5 CEUs"),
        (1, "letters", "1 letter"),
        (0, "letters", "0 letters"),
        (3, "count", "3"),
        (14.7228, "months", "14 months 22 days"),
        (1, "months", "1 month"),
        (True, None, "yes"),
        (None, "hours", "not known"),
    ],
)
def test_a_value_is_written_as_a_person_would(value, unit, words) -> None:
    assert quantity(value, unit) == words
