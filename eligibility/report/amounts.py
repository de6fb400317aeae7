"""Values in words, as every answer shows them: found, needed and how far short ("14 months 22
days", "78 hours", "1 CEU", "no")."""

from __future__ import annotations

import math
from typing import Any

from eligibility.dates import DAYS_PER_MONTH
from eligibility.engine.results import NodeResult


def quantity(value: Any, unit: str | None) -> str:
    """A found, needed or shortfall value in words: '14 months 22 days', '78 hours', 'no'."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "not known"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, int | float) and unit == "months":
        return months_words(value)
    if isinstance(value, int | float):
        number = int(value) if float(value).is_integer() else round(value, 1)
        if not unit or unit == "count":
            return str(number)
        # "1 hour", "1 CEU", "1 letter": units are written in the plural
        return f"{number} {unit[:-1] if number == 1 and unit.endswith('s') else unit}"
    return str(value)


# up to this many months a time is said in months ("24 months", as the rules say them); past it
# in years and months ("13 years 8 months 19 days"), which a person reads at a glance
MONTHS_AS_SAID = 24


def months_words(value: float, up: bool = False) -> str:
    """'14 months 22 days', and past 24 months '13 years 8 months 19 days'; ``up``: the days
    rounded up, for how far short a count is (never less than it is: 9.28 months are 9 months
    9 days, as the calendar gives from 2026-11-22 to the reached-on date 2027-08-31 beside it,
    where rounding said 8)."""
    whole = math.floor(value + 1e-9)
    exact = (value - whole) * DAYS_PER_MONTH
    days = max(1, math.ceil(exact - 1e-9)) if up and value > whole + 1e-9 else round(exact)
    if days > 30 or (days == 30 and value - whole > 0.99):  # a whole month, all but a fraction
        whole, days = whole + 1, 0
    years, months = divmod(whole, 12) if whole > MONTHS_AS_SAID else (0, whole)
    parts = [
        f"{count} {name}{'s' if count != 1 else ''}"
        for count, name in ((years, "year"), (months, "month"), (days, "day"))
        if count
    ]
    return " ".join(parts) or "0 months"


def shortfall_words(value: float, unit: str | None) -> str:
    """How far short, in words: months with their days rounded up, else as ``quantity``."""
    return months_words(value, up=True) if unit == "months" else quantity(value, unit)


def short_by(result: NodeResult) -> str:
    """How far short a leaf is: a range when what was found is one ("33 to 36 CEUs", found 0
    to 3 of 36), the shortfall alone being that of the least found."""
    unit = result.node.unit
    found, needed = result.found_range, result.needed
    if (
        found is None
        or found[1] is None
        or result.operator not in (">=", ">")
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (*found, needed))
    ):
        return shortfall_words(result.shortfall, unit)
    least, most = max(needed - found[1], 0), needed - found[0]
    if least >= most:
        return shortfall_words(result.shortfall, unit)
    if not least:
        return f"up to {shortfall_words(most, unit)}"
    return f"{shortfall_words(least, unit if unit == 'months' else None)} to {shortfall_words(most, unit)}"
