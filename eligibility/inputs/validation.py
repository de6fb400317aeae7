"""JSON Schema validation with messages a person can act on.

Every input (profile, rule file) is validated before anything reads it. Every problem is
reported, in the order of the lines, each with its JSON path, the line it stands on when the input
was YAML, a plain sentence, a fix, an example of the right shape made from the schema (the
person's own value where it fits) and, for a misspelt field or value, the one probably meant.

``jsonschema_rs`` (Rust) answers "is it valid?" for every document; Python ``jsonschema``
(imported only when needed) finds and words the problem of an invalid one. Python ``jsonschema``
is the arbiter:

* Rust is only ever asked about plain JSON data (dict, list, str, int, float, bool, None);
  anything else (a tuple from YAML ``!!pairs``, a ``Decimal`` from a Python caller) goes to
  Python, because Rust would call a tuple an array and a ``Decimal`` a number where Python does not;
* year-0000 dates are valid to Rust's ``date`` format but not to Python's: the schemas' date
  patterns (years 1900 to 2199, ``dates.EARLIEST`` to ``dates.LATEST``) refuse them for both;
* whenever Rust says "invalid" (or cannot read the document), Python decides: if it finds no
  problem the document is valid. Rust being stricter costs time, never a wrong verdict.

``tests/unit/inputs/test_validation_agreement.py`` runs both over every fixture, rule file and a generated
cohort with broken rows, plus targeted bad cases, and asserts they agree.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from eligibility.dates import EARLIEST, LATEST, range_problem
from eligibility.errors import (
    InputError,
    close_matches,
    combined,
    listing,
    named_in_words,
    partly_named,
    place_of,
)
from eligibility.resources import schema_file

if TYPE_CHECKING:  # imported lazily at run time: Python jsonschema only for messages
    import jsonschema
    import jsonschema_rs  # imported on first validation: list and show never need it
    from jsonschema import Draft202012Validator

_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One way an input is wrong: where (a JSON path), what, how to fix it, and an example of
    the right shape (a few lines of YAML; None when there is nothing to show)."""

    path: Path
    problem: str
    fix: str
    example: str | None = None


@cache
def _schema(name: str) -> dict[str, Any]:
    """The parsed ``schemas/<name>.schema.json`` (shared by both validators; never modified)."""
    return json.loads(schema_file(name).read_text(encoding="utf-8"))


def schema(name: str) -> Mapping[str, Any]:
    """The parsed ``schemas/<name>.schema.json``, for reading its annotations (never modify it)."""
    return _schema(name)


@cache
def validator(name: str) -> Draft202012Validator:
    """The validator for ``schemas/<name>.schema.json``, with format checks (dates) switched on.

    Python ``jsonschema``: the arbiter, and the one that explains an invalid document.
    """
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _fast(name: str) -> jsonschema_rs.Validator:
    """The Rust validator for ``schemas/<name>.schema.json``: draft 2020-12, formats asserted.

    Draft 2020-12 treats ``format`` as an annotation unless asked, so ``validate_formats=True``
    is what keeps 2023-02-30 invalid.
    """
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(
        _schema(name), validate_formats=True, ignore_unknown_formats=False
    )


def _plain_json(document: Any) -> bool:
    """Whether ``document`` is made only of the types JSON parsing yields (no tuple, Decimal, date).

    Breadth-first over one growing list, which is cheaper than a recursive walk.
    """
    return _scan(document)[0]


def _scan(document: Any) -> tuple[bool, bool]:
    """(made only of JSON's types, every number in it finite): one walk for both questions."""
    plain = True
    nodes = [document]
    for node in nodes:  # the list grows while it is read: every container's values join it
        kind = type(node)
        if kind is dict:
            nodes.extend(node.values())
        elif kind is list:
            nodes.extend(node)
        elif kind is float:
            if node - node != 0.0:  # NaN and infinity alone give NaN here
                return plain, False
        elif kind not in _JSON_SCALARS:
            plain = False
            if isinstance(node, Mapping):
                nodes.extend(node.values())
            elif isinstance(node, list | tuple | set | frozenset):
                nodes.extend(node)
            elif isinstance(node, float) and not math.isfinite(node):
                return False, False
    return plain, True


def _non_finite_path(document: Any) -> list[str | int]:
    """Where the first number that is not finite stands (only asked when there is one)."""
    stack: list[tuple[Any, list[str | int]]] = [(document, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            return path
        if isinstance(node, Mapping):
            stack.extend((value, [*path, str(key)]) for key, value in node.items())
        elif isinstance(node, list | tuple):
            stack.extend((value, [*path, i]) for i, value in enumerate(node))
    return []


def _says_valid(document: Any, schema: str, plain: bool | None = None) -> bool:
    """True only when jsonschema_rs, asked about plain JSON data, finds ``document`` valid
    (``plain``: whether it is made of JSON's types only; None: not known yet)."""
    if plain is None:
        plain = _plain_json(document)
    if not plain:
        return False
    try:
        return _fast(schema).is_valid(document)
    except ValueError:  # a key that is not text, a value Rust cannot read: let Python decide
        return False


def is_valid(document: Any, schema_name: str) -> bool:
    """Whether ``document`` matches ``schemas/<schema_name>.schema.json``, with no message.

    For callers that only need yes or no (the tests compare it with Python's): Rust answers a valid document;
    Python confirms an invalid one, so the verdict is always the one :func:`validate` gives.
    """
    return _says_valid(document, schema_name) or validator(schema_name).is_valid(document)


def validate(
    document: Any,
    schema: str,
    file: str,
    line_of: Callable[[list[str | int]], int | None] | None = None,
) -> None:
    """Raise :class:`InputError` for every way ``document`` breaks ``schema``, one message each,
    in the order of the lines (:func:`placed`).

    A valid document costs one Rust check; only an invalid one pays for Python ``jsonschema``,
    which finds the problems and words them.
    """
    found = problems(document, schema)
    if found:
        raise placed(found, document, file, line_of)


def problems(document: Any, schema: str) -> list[Problem]:
    """Every way ``document`` breaks ``schemas/<schema>.schema.json``, each once: a place
    breaking two keywords for one reason (a date's pattern and format) is one problem."""
    plain, finite = _scan(document)  # Python callers may give NaN, a tuple, a Decimal
    if not finite:
        return [
            Problem(
                tuple(_non_finite_path(document)),
                "not a number (NaN or infinity)",
                "write a number, or leave the field out if it is not known",
            )
        ]
    if _says_valid(document, schema, plain):
        return []
    groups: dict[tuple[Any, ...], list[jsonschema.ValidationError]] = {}
    for error in validator(schema).iter_errors(document):
        keyword = "date" if error.validator in ("format", "pattern") else error.validator
        reason = error.message if keyword == "required" else ""
        groups.setdefault((tuple(error.absolute_path), keyword, reason), []).append(error)
    if not groups:  # Rust was stricter than Python (see the module docstring): Python decides
        return []
    from jsonschema.exceptions import best_match

    return [found for group in groups.values() for found in _explain(best_match(group), document)]


def placed(
    found: list[Problem],
    document: Any,
    file: str,
    line_of: Callable[[list[str | int]], int | None] | None = None,
) -> InputError:
    """One :class:`InputError` for ``found`` (all of them in ``each``): ordered by line, and
    where there are no lines (JSON) or two share one, as they stand in ``document``."""
    ordered = []
    for problem in found:
        line = line_of(list(problem.path)) if line_of else None
        error = InputError(
            file, place_of(problem.path, line), problem.problem, problem.fix, problem.example
        )
        ordered.append(((line or 0, _position(document, problem.path)), error))
    ordered.sort(key=lambda pair: pair[0])
    return combined([error for _, error in ordered])


def _position(document: Any, path: Sequence[str | int]) -> tuple[int, ...]:
    """Where ``path`` stands in ``document``: each step's index among its siblings."""
    position = []
    node = document
    for step in path:
        if isinstance(node, Mapping):
            keys = [str(key) for key in node]
            if str(step) not in keys:
                position.append(len(keys))
                break
            position.append(keys.index(str(step)))
            node = list(node.values())[position[-1]]
        elif isinstance(node, list | tuple) and isinstance(step, int) and step < len(node):
            position.append(step)
            node = node[step]
        else:
            break
    return tuple(position)


def _explain(error: jsonschema.ValidationError, document: Any) -> list[Problem]:
    """The problem an error stands for, in plain words with a fix and an example (an unknown
    field apiece when a mapping has several)."""
    value = error.instance
    keyword = error.validator
    schema = error.schema
    path = tuple(error.absolute_path)
    field = _field(path)
    if keyword == "additionalProperties" and isinstance(value, dict):
        return [_unknown_field(path, key, value[key], schema) for key in _extra_keys(value, schema)]
    if _PLACEHOLDER.fullmatch(value) if isinstance(value, str) else False:
        # `eligibility template`'s "<true or false>", left in: not a wrong value, an unanswered one
        sample = _sample(schema)
        return [
            Problem(
                path,
                f"{field} is still the template's placeholder {_shown(value)}",
                "write its value in place of the placeholder, or delete the line (and the whole"
                " record, if none of it applies)",
                # a text's sample is '...', which shows nothing the fix does not say
                None if sample == "..." else _example(_at(path, sample, document)),
            )
        ]
    if keyword == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        wanted = schema.get("properties", {}).get(missing, {})
        return [
            Problem(
                path,
                f"missing required field '{missing}'",
                f"add '{missing}': {wanted.get('description', '')}".strip(),
                _example({missing: _sample(wanted)}),
            )
        ]
    if keyword in ("format", "pattern") and schema.get("format") == "date":
        # the evaluation date (as_of) is the one date that must be a day
        return [_not_a_date(path, value, document, nullable=False, imprecise=len(path) > 1)]
    if keyword == "anyOf" and any(s.get("format") == "date" for s in schema["anyOf"]):
        nullable = any(s.get("type") == "null" for s in schema["anyOf"])
        return [_not_a_date(path, value, document, nullable, _imprecise(schema["anyOf"]))]
    if keyword == "enum":
        return [_not_a_choice(path, value, schema["enum"], document)]
    if keyword == "type":
        problem, fix = _wrong_type(field, value, schema, path)
        return [Problem(path, problem, fix, _example(_at(path, _sample(schema, value), document)))]
    problem, fix = _other_problem(error, field)
    example = _example(_at(path, _sample(schema, value), document))
    return [Problem(path, problem, fix, example)]


_PLACEHOLDER = re.compile(r"<[^<>\n]+>")  # `eligibility template`'s "<date YYYY-MM-DD>"


def _other_problem(error: jsonschema.ValidationError, field: str) -> tuple[str, str]:
    """A problem of a keyword other than type, enum, required, an unknown field or a date."""
    value, keyword, schema = error.instance, error.validator, error.schema
    if keyword in ("minItems", "minProperties", "minLength") and schema[keyword] == 1:
        return f"{field} is empty", (
            "write the text" if keyword == "minLength" else f"give {field} at least one entry"
        )
    if keyword in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        low = keyword.endswith("inimum")
        bound = schema[keyword]
        words = (
            ("at least" if low else "at most")
            if keyword[0] == "m"
            else ("above" if low else "below")
        )
        return (
            f"{field} is {_shown(value)}, but it must be {words} {bound}",
            f"write a number {words} {bound}",
        )
    if keyword == "const":
        return (
            f"{field} is {_shown(value)}, which does not fit with the rest of the record",
            _described(schema),
        )
    if keyword == "uniqueItems":
        return f"{field} lists the same value twice", "list each value once"
    if keyword == "not" and isinstance(value, dict):
        given = [key for key in _keys_of(schema["not"]) if key in value]
        if given:  # a key this kind of mapping may not have
            return f"'{given[0]}' cannot be given here", _described(schema)
    if keyword == "oneOf" and isinstance(value, dict):
        choice = _one_of_keys(schema["oneOf"])
        if choice:  # each alternative is "has this key": say which were given, or none
            given = [key for key in choice if key in value]
            names = ", ".join(choice)
            if given:
                return (
                    f"gives {' and '.join(given)}: only one may be given",
                    f"keep one of: {names}",
                )
            return f"gives none of: {names}", f"give exactly one of: {names}"
    return error.message, _described(schema)


def _extra_keys(value: Mapping[Any, Any], schema: Mapping[str, Any]) -> list[Any]:
    """The keys of ``value`` that neither ``properties`` nor ``patternProperties`` allow."""
    import re

    allowed = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    return [
        key
        for key in value
        if key not in allowed and not any(re.search(p, str(key)) for p in patterns)
    ]


def _unknown_field(path: Path, key: Any, given: Any, schema: Mapping[str, Any]) -> Problem:
    """A field the schema does not know, with the known field it was probably meant to be."""
    properties = schema.get("properties", {})
    allowed = ", ".join(sorted(properties))
    near = close_matches(str(key), properties)
    if not near:
        return Problem(
            (*path, str(key)), f"unknown field {key!r}", f"remove it or use one of: {allowed}"
        )
    return Problem(
        (*path, str(key)),
        f"unknown field {key!r}: did you mean {listing(near, quote=chr(39))}?",
        f"rename it to '{near[0]}', or remove it; the fields here are: {allowed}",
        _example({near[0]: _sample(properties[near[0]], given)}),
    )


def _not_a_choice(path: Path, value: Any, choices: list[Any], document: Any) -> Problem:
    """A value that is not one of an ``enum``'s, with the one it was probably meant to be.

    Suggested, never accepted in another spelling: the schema is the contract editors and other
    programs check profiles by, so a value the program took would be wrong in all of them."""
    field = _field(path, entry=False)
    by_name = {str(choice): choice for choice in choices}
    scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
    near = [by_name[name] for name in close_matches(str(value), by_name)] if scalar else []
    if not near and isinstance(value, str):  # in plain words ("high school": hs_diploma)
        near = named_in_words(value, tuple(choices)) or partly_named(value, tuple(choices))
    problem = f"{_shown(value)} is not an accepted value for {field}"
    fix = f"use one of: {', '.join(json.dumps(choice) for choice in choices)}"
    if near:
        problem += f": did you mean {listing([json.dumps(choice) for choice in near])}?"
        if str(near[0]).casefold() == str(value).casefold():
            fix = f"write it exactly as listed (capitals matter); {fix}"
    # no example without one likely value: the first choice ("none"), or one of two alike
    # (hospital_inpatient for "hospital"), may be the wrong answer to copy
    example = _example(_at(path, near[0], document)) if len(near) == 1 else None
    return Problem(path, problem, fix, example)


def _wrong_type(field: str, value: Any, schema: Mapping[str, Any], path: Path) -> tuple[str, str]:
    """A value of the wrong kind: what kind is wanted, in words, and how to write it."""
    wanted = [schema["type"]] if isinstance(schema["type"], str) else list(schema["type"])
    kinds = [kind for kind in wanted if kind != "null"] or wanted
    kind = kinds[0]
    given = _given(value)
    entry = bool(path) and isinstance(path[-1], int)
    or_null = "; or null if there is none" if "null" in wanted and kind != "null" else ""
    if kind == "object":
        parts = list(schema.get("required", [])) or list(schema.get("properties", {}))[:3]
        named = f" {listing(parts, 'and')}" if parts else ""
        return (
            f"{field} must be given as its fields{named}, not as {given}",
            (
                "write the entry's first field after '- ' and the others below it, lined up with it"
                if entry
                # the whole file: its fields, each at the start of a line
                else f"write its fields{named}, each as 'name: value' at the start of a line"
                if not path
                else f"write '{field}:' alone on its line and each of its fields indented below it"
            )
            + or_null,
        )
    if kind == "array":
        return (
            f"{field} must be a list, not {given}",
            f"write each entry on a line of its own below '{field}:', starting with '- ' (or all"
            " on one line in brackets: [first, second])" + or_null,
        )
    if kind in ("number", "integer"):
        number = "a whole number" if kind == "integer" else "a number"
        return f"{field} must be {number}, not {given}", (
            "write the number in digits only, without words, units or quotes" + or_null
        )
    if kind == "boolean":
        return f"{field} must be true or false, not {given}", "write true or false" + or_null
    if kind == "string" and isinstance(value, bool | int | float):
        # YAML reads 00123 as the number 83 and No as false: the text was meant
        return f"{field} must be text, but YAML read it as {given}", (
            "put the value in quotes (YAML reads unquoted digits as a number, a leading 0"
            " as octal, and yes/no/on/off as true/false)"
        )
    if kind == "string":
        return f"{field} must be text on the same line, not {given}", (
            f"write the text after '{field}:' on the same line" + or_null
        )
    return f"{field} must be {' or '.join(wanted)}, not {given}", _described(schema)


# where the example of a date comes from when the value gives nothing to build one from
SAMPLE_DATE = (2024, 3, 1)


def _not_a_date(path: Path, value: Any, document: Any, nullable: bool, imprecise: bool) -> Problem:
    """A date that is not one, with an example made of what was written where it can be read
    (``March 2024`` -> ``2024-03``, ``03/15/2024`` -> ``2024-03-15``): a month or a year as the
    month or year the format accepts, never a day it does not say; a day and a month that could
    be either way round (``03/04/2024``) both ways, in the fix."""
    problem, fix = _date_problem(value, nullable, imprecise)
    readings, kind = date_readings(value, imprecise)
    example = _example(_at(path, readings[0], document))
    if len(readings) == 2 and example is not None:
        fix += (
            f"; {value!r} is {readings[0]} if the month comes first (as in the US),"
            f" {readings[1]} if the day comes first"
        )
        if "\n" not in example:
            example += f"  # or {readings[1]}, if the day comes first"
    elif not imprecise and kind in ("month", "year"):
        fix += "; the evaluation date must be a day, not only a month or a year"
    return Problem(path, problem, fix, example)


def _imprecise(alternatives: Sequence[Any]) -> bool:
    """Whether a date's alternatives accept a month or a year (a pattern without the format)."""
    return any(isinstance(s, dict) and "pattern" in s and "format" not in s for s in alternatives)


def date_readings(value: Any, imprecise: bool = True) -> tuple[list[str], str]:
    """What ``value`` says as a date the format accepts: a day as YYYY-MM-DD (one near it where
    there is no such day: 2024-02-30 -> 2024-02-29), a month as YYYY-MM and a year as "YYYY"
    (quoted) where ``imprecise`` ones are accepted (else their first day); two readings when the
    day and the month could be either way round (03/04/2024: 4 March or 3 April, month first
    first); a placeholder date near it when it cannot be read. With them, what ``value`` gives
    (see :func:`_date_parts`)."""
    import calendar

    from eligibility.inputs.yamlio import Quoted

    parts, kind = _date_parts(value)
    readings = []
    for year, month, day in parts:
        if not EARLIEST.year <= year <= LATEST.year:
            year = SAMPLE_DATE[0]
        month = min(max(month, 1), 12)
        day = min(max(day, 1), calendar.monthrange(year, month)[1])
        if kind == "year" and imprecise:
            readings.append(Quoted(f"{year:04d}"))
        elif kind == "month" and imprecise:
            readings.append(f"{year:04d}-{month:02d}")
        else:
            readings.append(f"{year:04d}-{month:02d}-{day:02d}")
    return readings, kind


_MONTH_NAMES = (  # in English whatever the locale (calendar.month_name follows it)
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _date_parts(value: Any) -> tuple[list[tuple[int, int, int]], str]:
    """``value`` read as a date however it is written (``2024-3``, ``March 2024``, ``Mar 15,
    2024``, ``15/03/2024``, ``20240315``, the number 2024): its year, month and day (each
    reading of it, two when day and month could be either way round) and what it gives: a
    ``day``, a ``month`` or a ``year``; ``placeholder`` when it cannot be read so (then
    :data:`SAMPLE_DATE`, as nothing in it says which number is the year: ``3/15/24``)."""
    import re

    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str):
        return [SAMPLE_DATE], "placeholder"
    tokens = re.findall(r"\d+|[^\W\d_]+", text)
    numbers = [t for t in tokens if t.isdigit()]
    if len(numbers) == 1 and len(numbers[0]) == 8 and numbers[0][:2] in ("19", "20", "21"):
        digits = numbers[0]  # 20240315
        return [(int(digits[:4]), int(digits[4:6]), int(digits[6:]))], "day"
    months = [
        number
        for token in tokens
        if not token.isdigit() and len(token) >= 3
        for number, name in enumerate(_MONTH_NAMES, 1)
        if name.startswith(token.lower())
    ]
    years = [index for index, t in enumerate(numbers) if len(t) == 4]
    if len(years) == 1 and len(months) <= 1:
        at = years[0]
        year = int(numbers[at])
        others = [int(t) for index, t in enumerate(numbers) if index != at]
        if months and len(others) <= 1:  # March 2024, 15 March 2024, Mar 15th, 2024
            if not others:
                return [(year, months[0], 1)], "month"
            return [(year, months[0], others[0])], "day"
        if not months and not others:  # 2024
            return [(year, 1, 1)], "year"
        if not months and len(others) == 1:  # 2024-3, 3/2024
            return [(year, others[0], 1)], "month"
        if not months and len(others) == 2:
            first, second = others
            if at == 0 and (first <= 12 or second > 12):  # 2024-3-15, year month day
                return [(year, first, second)], "day"
            if second > 12 >= first or first == second:  # 03/15/2024, month first
                return [(year, first, second)], "day"
            if first > 12 >= second:  # 15/03/2024 (or 2024-15-03), day first
                return [(year, second, first)], "day"
            if first <= 12 and second <= 12:  # 03/04/2024: month first, then day first
                return [(year, first, second), (year, second, first)], "day"
    return [SAMPLE_DATE], "placeholder"


_NOTHING: Any = object()  # no value given: a sample is made from the schema alone


def _sample(schema: Mapping[str, Any], given: Any = _NOTHING, depth: int = 0) -> Any:
    """A value that fits ``schema``, made of ``given`` where it fits (an example of the right
    shape, not advice on what to write: a number or text is a placeholder)."""
    if given is not _NOTHING and _fits(schema, given):
        return _shortened(given)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        near = close_matches(str(given), [str(c) for c in schema["enum"]]) if _scalar(given) else []
        return next((c for c in schema["enum"] if near and str(c) == near[0]), schema["enum"][0])
    alternatives = [
        s for s in schema.get("anyOf", schema.get("oneOf", [])) if s.get("type") != "null"
    ]
    if any(s.get("format") == "date" for s in alternatives):
        return date_readings(given, _imprecise(alternatives))[0][0]
    if alternatives:
        return _sample({**schema, **alternatives[0], "anyOf": [], "oneOf": []}, given, depth)
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), "null") if isinstance(kind, list) else kind
    if schema.get("format") == "date":
        return date_readings(given, imprecise=False)[0][0]
    if kind == "object":
        return _sample_object(schema, given, depth)
    if kind == "array":
        items = schema.get("items", {})
        if depth > 2:
            return []
        if isinstance(given, list) and given:
            return [_sample(items, entry, depth + 1) for entry in given[:LIST_SHOWN]]
        return [_sample(items, given, depth + 1)]  # a mapping or value given: the one entry
    if kind in ("number", "integer"):
        return _sample_number(schema, given, kind)
    if kind == "boolean":
        return not (isinstance(given, str) and given.strip().lower() in ("false", "no", "0"))
    if kind == "string":
        if isinstance(given, str):
            return given
        from eligibility.inputs.yamlio import Quoted

        if isinstance(given, bool):  # YAML's yes/no, read as true/false: quoted, they are text
            return Quoted("yes" if given else "no")
        if isinstance(given, int | float):  # 00123 was read as 83: only the file has the text
            return Quoted("as written, in quotes")
        return _described_example(schema)
    return _NOTHING


def _described_example(schema: Mapping[str, Any]) -> str:
    """The first example a field's description gives ("e.g. CPC, COC" -> CPC), else a
    placeholder."""
    import re

    found = re.search(r"\be\.g\. ([^\s,;]+?)[.,;)]?(\s|$)", schema.get("description", ""))
    return found.group(1) if found else "..."


FIELDS_SHOWN = 3  # fields of a record an example shows of what was given
LIST_SHOWN = 6  # values of a list an example shows (records: one)


def _sample_object(schema: Mapping[str, Any], given: Any, depth: int) -> Any:
    """A mapping that fits ``schema``: the known fields given (a few), then the required ones;
    a lone value given goes to the first field it fits (``hours: 60`` -> ``value: 60``)."""
    properties = schema.get("properties", {})
    if depth > 2 or not properties:
        return _NOTHING
    fields = given if isinstance(given, dict) else {}
    names = [name for name in fields if name in properties][:FIELDS_SHOWN]
    names += [name for name in schema.get("required", []) if name not in names]
    names = names or list(properties)[:2]
    lone = given if _scalar(given) else _NOTHING
    sample = {}
    for name in names:
        if name in fields:
            value = _sample(properties[name], fields[name], depth + 1)
        elif lone is not _NOTHING and _fits(properties[name], lone):
            value, lone = lone, _NOTHING
        else:
            value = _sample(properties[name], _NOTHING, depth + 1)
        if value is not _NOTHING:
            sample[name] = value
    return sample


def _sample_number(schema: Mapping[str, Any], given: Any, kind: str) -> int | float:
    """A number within the schema's bounds: the one given (or written in text) when there is one."""
    import re

    if isinstance(given, str):
        digits = re.search(r"\d+(\.\d+)?", given)
        given = float(digits.group()) if digits else None
    number = given if _scalar(given) and not isinstance(given, bool | str) else 10
    if "minimum" in schema:
        number = max(number, schema["minimum"])
    if "exclusiveMinimum" in schema:
        number = max(number, schema["exclusiveMinimum"] + 1)
    if "maximum" in schema:
        number = min(number, schema["maximum"])
    if kind == "integer" or number == int(number):
        return int(number)
    return number


def _fits(schema: Mapping[str, Any], value: Any) -> bool:
    """Whether ``value`` is valid for this part of a schema (False when the part cannot be
    checked alone: a ``$ref`` to elsewhere in the schema)."""
    from jsonschema import Draft202012Validator

    try:
        return Draft202012Validator(
            schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        ).is_valid(value)
    except Exception:  # an unresolvable $ref, of whatever kind: the sample is made instead
        return False


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _shortened(value: Any) -> Any:
    """``value`` cut to what an example shows: a few fields of a record, one record of a list."""
    if isinstance(value, dict):
        return {key: _shortened(item) for key, item in list(value.items())[:FIELDS_SHOWN]}
    if isinstance(value, list):
        records = any(isinstance(item, dict | list) for item in value)
        return [_shortened(item) for item in value[: 1 if records else LIST_SHOWN]]
    return value


def _at(path: Path, value: Any, document: Any) -> Any:
    """``value`` under the name it has at ``path`` (``{status: active}``); an entry of a list of
    values in that list (``{code_sets: [CPT, ICD-10-CM]}``)."""
    if value is _NOTHING or not path:
        return _NOTHING
    last = path[-1]
    if isinstance(last, str):
        return {last: value}
    entries = _value_at(document, path[:-1])
    name = path[-2] if len(path) > 1 else None
    if isinstance(entries, list) and not any(isinstance(e, dict | list) for e in entries):
        value = [value if index == last else entry for index, entry in enumerate(entries)]
        value = value[:LIST_SHOWN]
    else:
        value = [value]
    return {name: value} if isinstance(name, str) else value


def _value_at(document: Any, path: Sequence[str | int]) -> Any:
    node = document
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _example(data: Any) -> str | None:
    """``data`` as a few lines of YAML, as a profile would have it; None when there is none."""
    data = _without_gaps(data)
    if data is _NOTHING or data is None or data == {}:
        return None
    from eligibility.inputs.yamlio import snippet

    return snippet(data)


def _without_gaps(data: Any) -> Any:
    """``data`` without the parts no sample could be made for (a ``$ref`` read alone)."""
    if isinstance(data, dict):
        kept = {key: _without_gaps(value) for key, value in data.items()}
        return {key: value for key, value in kept.items() if value is not _NOTHING} or _NOTHING
    if isinstance(data, list):
        kept = [_without_gaps(value) for value in data]
        return [value for value in kept if value is not _NOTHING] or (_NOTHING if data else [])
    return data


def _field(path: Path, entry: bool = True) -> str:
    """The name of the field at ``path`` as a sentence says it (an entry of a list by its
    list's name: "each entry of code_sets", or with ``entry`` false just "code_sets")."""
    names = [step for step in path if isinstance(step, str)]
    if not names:
        return "the document"
    if isinstance(path[-1], str) or not entry:
        return names[-1]
    return f"each entry of {names[-1]}"


def _given(value: Any) -> str:
    """What was written, as a sentence says it ("the number 60", "the text \"forty\"")."""
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {_shown(value if len(value) <= 40 else value[:37] + '...')}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return repr(value)


def _keys_of(schema: Any) -> list[str]:
    """The keys a ``required`` (or an ``anyOf`` of them) names."""
    if not isinstance(schema, dict):
        return []
    return [*schema.get("required", []), *(k for s in schema.get("anyOf", []) for k in _keys_of(s))]


def _one_of_keys(alternatives: list[Any]) -> list[str] | None:
    """The keys of a ``oneOf`` whose every alternative requires one key; None otherwise."""
    keys = []
    for alternative in alternatives:
        required = alternative.get("required") if isinstance(alternative, dict) else None
        if not required or len(required) != 1:
            return None
        keys.append(required[0])
    return keys


def _date_problem(value: Any, nullable: bool, imprecise: bool = True) -> tuple[str, str]:
    """A date that is not one, or one outside the range this tool works with."""
    outside = range_problem(value) if isinstance(value, str) else None
    if outside:
        return outside, (
            f"write a date from {EARLIEST.year} to {LATEST.year}"
            + ("; leave it empty (null) if there is none yet" if nullable else "")
        )
    return f"{value!r} is not a valid date", (
        "write a real calendar date as YYYY-MM-DD (year, month, day)"
        + (", or null" if nullable else "")
        + ('; if only the month or year is known, 2024-03 or "2024" (quoted)' if imprecise else "")
    )


def _shown(value: Any) -> str:
    """A value as the person wrote it, as near as JSON can say it (anything else by repr)."""
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return repr(value)


def _described(schema: Mapping[str, Any]) -> str:
    """The schema's own words for a field (its description), as the fix of a rarer problem."""
    description = schema.get("description")
    return f"it should be: {description}" if description else "see the schema for this field"
