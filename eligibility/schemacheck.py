"""Valid or not, in plain Python, for the JSON Schema keywords the profile schema uses.

Why: a cold ``eligibility check`` validates one document. jsonschema-rs answers in microseconds
but costs ~15 ms to import (its Rust part loads ``email.utils``, ``socket``, ``decimal`` ...),
about a fifth of the whole check; Python jsonschema costs ~0.1 s. :func:`compile_schema` turns a
schema into nested functions once (~1 ms) that answer for one profile in well under a
millisecond, with nothing to import. Batches, which validate thousands, keep jsonschema-rs.

It knows only the keywords in :data:`KEYWORDS` (and annotations) and refuses any schema with
another (:func:`compile_schema` returns None), so a keyword added to a schema is never silently
ignored: validation then asks jsonschema-rs. Each keyword means what it means to Python
jsonschema (draft 2020-12, formats asserted), the arbiter: ``equal`` keeps ``True`` apart from
``1``, ``date`` is ``YYYY-MM-DD`` in ASCII digits that ``date.fromisoformat`` accepts, a keyword
about one type ignores the others. It is asked only about plain JSON data (``validation.py``
sees to that).
``tests/test_validation_agreement.py`` holds it to Python's verdict on every document there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from itertools import pairwise
from typing import Any

Check = Callable[[Any], bool]

ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated"}
)
OBJECT_KEYWORDS = ("properties", "additionalProperties", "required")
KEYWORDS = frozenset(
    {
        "type", "enum", "const", "format", "pattern", "minLength", "minimum", "maximum",
        "items", "uniqueItems", "anyOf", *OBJECT_KEYWORDS,
    }
)  # fmt: skip
_ASCII_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # as jsonschema's "date" format


class _Unsupported(Exception):
    """The schema uses something this module does not know."""


def compile_schema(schema: Any) -> Check | None:
    """A function telling whether a plain JSON document is valid; None when ``schema`` uses a
    keyword (or form) not covered here."""
    try:
        return _compile(schema)
    except _Unsupported:
        return None


def _compile(schema: Any) -> Check:
    if schema is True:
        return lambda instance: True
    if schema is False:
        return lambda instance: False
    if not isinstance(schema, dict):
        raise _Unsupported(schema)
    checks = []
    if "type" in schema:  # first: a wrong type fails fast
        checks.append(_type(schema["type"]))
    if any(keyword in schema for keyword in OBJECT_KEYWORDS):
        checks.append(_object(schema))
    for keyword, value in schema.items():
        if keyword in ANNOTATIONS or keyword.startswith("x-") or keyword == "type":
            continue
        if keyword not in KEYWORDS:
            raise _Unsupported(keyword)
        if keyword not in OBJECT_KEYWORDS:
            checks.append(_KEYWORD[keyword](value))
    if len(checks) == 1:
        return checks[0]
    every = tuple(checks)

    return lambda instance: all(one(instance) for one in every)


# --- types -------------------------------------------------------------------------------------


def _is_integer(value: Any) -> bool:
    kind = type(value)
    return kind is int or (kind is float and value.is_integer())


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)  # bool is not a number in JSON Schema


_TYPES: dict[str, Check] = {
    "string": lambda value: type(value) is str,
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda value: type(value) is bool,
    "null": lambda value: value is None,
    "array": lambda value: type(value) is list,
    "object": lambda value: type(value) is dict,
}


def _type(names: Any) -> Check:
    names = [names] if isinstance(names, str) else names
    if not isinstance(names, list) or not names or any(n not in _TYPES for n in names):
        raise _Unsupported(names)
    tests = tuple(_TYPES[name] for name in names)
    if len(tests) == 1:
        return tests[0]
    return lambda instance: any(test(instance) for test in tests)


# --- objects: properties, additionalProperties and required in one pass ------------------------


def _object(schema: dict[str, Any]) -> Check:
    if "patternProperties" in schema:
        raise _Unsupported("patternProperties")
    known = {name: _compile(sub) for name, sub in schema.get("properties", {}).items()}
    extra = schema.get("additionalProperties", True)
    others: Check | None = None if extra is True else _compile(extra)
    required = tuple(schema.get("required", ()))

    def check(instance: Any) -> bool:
        if type(instance) is not dict:
            return True
        for key, value in instance.items():
            sub = known.get(key)
            if sub is None:
                if others is not None and not others(value):
                    return False
            elif not sub(value):
                return False
        return all(name in instance for name in required)

    return check


# --- the other keywords ------------------------------------------------------------------------


def _unbool(value: Any, true: object = object(), false: object = object()) -> Any:
    """``True`` and ``False`` as values no number equals (JSON Schema keeps them apart)."""
    return true if value is True else false if value is False else value


def equal(one: Any, two: Any) -> bool:
    """Equality as JSON Schema means it: ``True`` is not ``1``, in containers too."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(k in two and equal(v, two[k]) for k, v in one.items())
    return _unbool(one) == _unbool(two)


def unique(items: list[Any]) -> bool:
    """No two items equal (:func:`equal`); sorted when the items allow it, else pairwise."""
    try:
        ordered = sorted(_unbool(item) for item in items)
        return not any(equal(a, b) for a, b in pairwise(ordered))
    except (TypeError, NotImplementedError):  # items of kinds that do not sort together
        seen: list[Any] = []
        for item in map(_unbool, items):
            if any(equal(other, item) for other in seen):
                return False
            seen.append(item)
        return True


def _enum(values: Any) -> Check:
    if not isinstance(values, list):
        raise _Unsupported(values)
    if all(type(value) is str for value in values):  # the usual case: text only equals text
        texts = frozenset(values)
        return lambda instance: type(instance) is str and instance in texts
    return lambda instance: any(equal(value, instance) for value in values)


def _const(value: Any) -> Check:
    return lambda instance: equal(instance, value)


def _is_date(text: str) -> bool:
    if _ASCII_DATE.fullmatch(text) is None:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _format(name: Any) -> Check:
    if name != "date":
        raise _Unsupported(name)
    return lambda instance: type(instance) is not str or _is_date(instance)


def _pattern(expression: Any) -> Check:
    search = re.compile(expression).search
    return lambda instance: type(instance) is not str or search(instance) is not None


def _min_length(limit: Any) -> Check:
    return lambda instance: type(instance) is not str or not len(instance) < limit


def _minimum(limit: Any) -> Check:
    return lambda instance: not _is_number(instance) or not instance < limit


def _maximum(limit: Any) -> Check:
    return lambda instance: not _is_number(instance) or not instance > limit


def _items(schema: Any) -> Check:
    sub = _compile(schema)

    return lambda instance: type(instance) is not list or all(sub(item) for item in instance)


def _unique_items(wanted: Any) -> Check:
    if wanted is False:
        return lambda instance: True
    if wanted is not True:  # not a boolean: an invalid schema, whatever Python would make of it
        raise _Unsupported(wanted)
    return lambda instance: type(instance) is not list or unique(instance)


def _any_of(schemas: Any) -> Check:
    if not isinstance(schemas, list) or not schemas:
        raise _Unsupported(schemas)
    subs = tuple(_compile(schema) for schema in schemas)
    return lambda instance: any(sub(instance) for sub in subs)


_KEYWORD: dict[str, Callable[[Any], Check]] = {
    "enum": _enum,
    "const": _const,
    "format": _format,
    "pattern": _pattern,
    "minLength": _min_length,
    "minimum": _minimum,
    "maximum": _maximum,
    "items": _items,
    "uniqueItems": _unique_items,
    "anyOf": _any_of,
}
