"""Calendar counting (CONV-1, CONV-2)."""

from __future__ import annotations

from datetime import date

import pytest

from eligibility.dates import add_months, months_in, union, whole_months


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 11, 23), date(2026, 11, 22), (24, 0)),  # CATALOG CONV-1: exactly 24 months
        (date(2024, 11, 24), date(2026, 11, 22), (23, 30)),  # one day short
        (date(2024, 1, 1), date(2025, 10, 31), (22, 0)),
        (date(2025, 9, 1), date(2026, 11, 22), (14, 22)),
        # Jan 31 + 1 month is Feb 29 in 2024 (clamped), and the day after Feb 28 is Feb 29
        (date(2024, 1, 31), date(2024, 2, 28), (1, 0)),
        (date(2024, 1, 31), date(2024, 2, 29), (1, 1)),
        (date(2026, 1, 1), date(2026, 1, 1), (0, 1)),  # a single day counts (both ends included)
    ],
)
def test_whole_months_counts_both_ends(start: date, end: date, expected: tuple[int, int]) -> None:
    assert whole_months(start, end) == expected


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 11, 23), 24) == date(2026, 11, 23)
    assert add_months(date(2025, 12, 15), -12) == date(2024, 12, 15)


def test_overlapping_and_touching_intervals_merge() -> None:
    merged = union(
        [
            (date(2025, 1, 1), date(2025, 10, 31)),
            (date(2024, 1, 1), date(2025, 6, 30)),
            (date(2025, 11, 1), date(2025, 11, 30)),  # touches the end of the first
            (date(2027, 1, 1), date(2027, 1, 31)),
        ]
    )
    assert merged == [(date(2024, 1, 1), date(2025, 11, 30)), (date(2027, 1, 1), date(2027, 1, 31))]


def test_overlap_counts_once_not_summed() -> None:
    # CATALOG C05: 18 + 10 months overlapping is 22 months, not 28
    jobs = [(date(2024, 1, 1), date(2025, 6, 30)), (date(2025, 1, 1), date(2025, 10, 31))]
    assert months_in(jobs) == pytest.approx(22.0)


def test_disjoint_intervals_add_whole_months_and_leftover_days() -> None:
    jobs = [(date(2024, 1, 1), date(2024, 1, 15)), (date(2024, 3, 1), date(2024, 4, 15))]
    assert months_in(jobs) == pytest.approx(1 + 30 / 30.4375)
