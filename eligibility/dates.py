"""Calendar arithmetic for experience counting (project conventions CONV-1 and CONV-2).

An interval is a pair of dates with both days included. A month is a calendar month:
an interval ``[start, end]`` holds N whole months when the day after ``end`` is on or after
``start + N months`` (CONV-1). Days left over after the whole months are converted with the
mean month length, so that several disjoint intervals can be added up.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

DAYS_PER_MONTH = 30.4375  # mean Gregorian month; CONV-3's FTE formula uses the same figure
ONE_DAY = timedelta(days=1)

Interval = tuple[date, date]

# The dates this tool works with, everywhere a date is read (profiles, rules, --as-of): far
# enough either way for any coding career, and far enough from the calendar's ends (years 1 and
# 9999) that no date arithmetic here can overflow. The schemas' date patterns say the same.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def last_day(year: int, month: int) -> int:
    """The number of days in a month (``calendar.monthrange`` also works out a weekday: slower)."""
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month - 1]


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, clamped to the month's last day (Jan 31 + 1 = Feb 28)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, last_day(year, month + 1)))


def whole_months(start: date, end: date) -> tuple[int, int]:
    """Whole calendar months and the days left over in the inclusive interval ``[start, end]``."""
    after_end = end + ONE_DAY
    months = (after_end.year - start.year) * 12 + (after_end.month - start.month)
    # start + months lands in after_end's month; past after_end by a day or more, one month less
    # lands in the month before, which is never past it.
    if months > 0 and min(start.day, last_day(after_end.year, after_end.month)) > after_end.day:
        months -= 1
    return months, (after_end - add_months(start, months)).days


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Merge overlapping or touching intervals, so that overlapping jobs count once (CONV-2)."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + ONE_DAY:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def months_in(intervals: Iterable[Interval]) -> float:
    """Months of calendar time in the union of ``intervals``: whole months plus leftover days."""
    total_months = 0
    total_days = 0
    for start, end in union(intervals):
        months, days = whole_months(start, end)
        total_months += months
        total_days += days
    return total_months + total_days / DAYS_PER_MONTH


def clip(interval: Interval, last_day: date) -> Interval | None:
    """The part of ``interval`` on or before ``last_day``; None when nothing is left."""
    start, end = interval
    end = min(end, last_day)
    return (start, end) if start <= end else None


def range_problem(text: str) -> str | None:
    """Why a well-formed date is refused (outside :data:`EARLIEST`..:data:`LATEST`), else None."""
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    if EARLIEST <= day <= LATEST:
        return None
    return (
        f"{text} is outside the dates this tool works with "
        f"({EARLIEST.isoformat()} to {LATEST.isoformat()})"
    )


def parse(text: str) -> date:
    """An ISO date; profiles are schema-validated first, so this only meets well-formed dates. A
    month (``2024-03``) or a year (``2024``) a profile gives when it knows no more is read as its
    first day, as ISO dates compare as text (``"2024-03" < "2024-03-01"``); the engine also reads
    it as its last day (:func:`span`, ``engine/unstated.py``)."""
    if len(text) == 10:
        return date.fromisoformat(text)
    return span(text)[0]


def span(text: str, precision: str | None = None) -> tuple[date, date]:
    """The first and last day a date may be: a day is itself, unless ``precision`` (a job's
    ``date_precision``: ``month`` or ``year``) says only its month or year is known; a month
    (``2024-03``) is its days, a year (``2024``) its months."""
    year = int(text[:4])
    month = int(text[5:7]) if len(text) >= 7 and precision != "year" else None
    if len(text) == 10 and precision not in ("month", "year"):
        day = date.fromisoformat(text)
        return day, day
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    return date(year, month, 1), date(year, month, last_day(year, month))


def is_imprecise(text: str, precision: str | None = None) -> bool:
    """Whether a date stands for more than one day (a month, a year, or a day whose record says
    only its month or year is known)."""
    return len(text) != 10 or precision in ("month", "year")
