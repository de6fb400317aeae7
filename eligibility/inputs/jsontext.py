"""Strict JSON reading: a key given twice, NaN, infinity and runaway nesting are refused.

JSON parsers keep the last of two equal keys without a word and accept ``NaN``; YAML reading
here refuses both (``yamlio.py``), and a profile must mean the same whichever of the two it is
written in. A cohort's JSON Lines are parsed by orjson (which refuses NaN and infinity itself);
a line is parsed again by the standard library, to find a repeated key, only when it holds more
colons than the keys orjson kept (a colon inside a text value, or a repeated key).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from eligibility.errors import InputError


class _Repeated(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _NotANumber(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        seen: set[str] = set()
        raise _Repeated(next(key for key, _ in pairs if key in seen or seen.add(key)))
    return mapping


def _no_constant(text: str) -> float:
    raise _NotANumber(text)


MAX_DIGITS = 100  # as yamlio.MAX_DIGITS: no number in a profile comes near


def _short_int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise _NotANumber(f"a number of {len(text):,} digits")
    return int(text)


def _finite(text: str) -> float:
    value = float(text)
    if value - value != 0.0:  # 1e999 reads as infinity
        raise _NotANumber(text)
    return value


def parse_json(text: str, where: str, fix: str = "check commas, quotes and brackets there") -> Any:
    """One JSON document; every problem is an :class:`InputError` naming ``where``."""
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_repeats,
            parse_constant=_no_constant,
            parse_float=_finite,
            parse_int=_short_int,
        )
    except json.JSONDecodeError as error:
        place = (
            f"column {error.colno}"
            if "\n" not in text
            else f"line {error.lineno}, column {error.colno}"
        )
        raise InputError(where, place, f"not valid JSON: {error.msg}", fix) from None
    except _Repeated as error:
        raise InputError(
            where,
            None,
            f"the key {error.key!r} is given twice in one object",
            "keep one of the two (a JSON reader would silently use only the last)",
        ) from None
    except _NotANumber as error:
        problem = (
            error.text
            if error.text.startswith("a number of")
            else f"{error.text} is not a number (NaN and infinity are not accepted)"
        )
        raise InputError(
            where, None, problem, "write a number, or leave the field out if it is not known"
        ) from None
    except RecursionError:
        raise InputError(
            where,
            None,
            "its values are nested too deeply (lists or objects inside one another hundreds deep)",
            "check the brackets; no field of a profile nests that deep",
        ) from None


def parse_json_line(line: str, where: str) -> Any:
    """One line of JSON Lines, as :func:`parse_json` would read it, mostly at orjson's speed."""
    fix = "each line must hold one whole profile as JSON"
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:  # the standard library's reading names the problem
        return parse_json(line.rstrip("\r\n"), where, fix)
    if line.count(":") != _keys(data):  # perhaps a repeated key (or a colon inside a text)
        return parse_json(line, where, fix)
    return data


def _keys(data: Any) -> int:
    """How many keys ``data`` holds, at every depth."""
    count = 0
    nodes = [data]
    for node in nodes:
        kind = type(node)
        if kind is dict:
            count += len(node)
            nodes.extend(node.values())
        elif kind is list:
            nodes.extend(node)
    return count
