"""JSON Schema validation with messages a person can act on.

Every input (profile, rule file) is validated before anything reads it. The first, most relevant
problem is reported with its JSON path, the line it stands on when the input was YAML, and a fix.

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
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from eligibility.dates import EARLIEST, LATEST, range_problem
from eligibility.errors import InputError, place_of
from eligibility.resources import schema_file

if TYPE_CHECKING:  # imported lazily at run time: Python jsonschema only for messages
    import jsonschema
    import jsonschema_rs  # imported on first validation: list and show never need it
    from jsonschema import Draft202012Validator

_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


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
    """Raise :class:`InputError` for the most relevant way ``document`` breaks ``schema``.

    A valid document costs one Rust check; only an invalid one pays for Python ``jsonschema``,
    which finds the problem and words it exactly as it always has.
    """
    plain, finite = _scan(document)  # Python callers may give NaN, a tuple, a Decimal
    if not finite:
        path = _non_finite_path(document)
        raise InputError(
            file,
            place_of(path, line_of(path) if line_of else None),
            "not a number (NaN or infinity)",
            "write a number, or leave the field out if it is not known",
        )
    if _says_valid(document, schema, plain):
        return
    errors = list(validator(schema).iter_errors(document))
    if not errors:  # Rust was stricter than Python (see the module docstring): Python decides
        return
    from jsonschema.exceptions import best_match

    error = best_match(errors)
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        # point at the unknown field itself, not at the mapping that holds it
        allowed = error.schema.get("properties", {})
        path.append(next(str(k) for k in error.instance if k not in allowed))
    place = place_of(path, line_of(path) if line_of else None)
    problem, fix = _explain(error)
    # other places that are wrong; a value breaking two keywords (a date's pattern and format) is one
    more = len({tuple(e.absolute_path) for e in errors} - {tuple(error.absolute_path)})
    if more:
        problem += f" (and {more} more problem{'s' if more > 1 else ''} after this one is fixed)"
    raise InputError(file, place, problem, fix)


def _explain(error: jsonschema.ValidationError) -> tuple[str, str]:
    """A plain sentence for the error and what to do about it."""
    value = error.instance
    keyword = error.validator
    schema = error.schema
    if keyword == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = (
            sorted((str(k) for k in value if k not in allowed), key=str)
            if isinstance(value, dict)
            else []
        )
        names = ", ".join(repr(name) for name in unknown)
        return f"unknown field {names}", f"remove it or use one of: {', '.join(allowed)}"
    if keyword == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        field = schema.get("properties", {}).get(missing, {})
        return (
            f"missing required field '{missing}'",
            f"add '{missing}': {field.get('description', '')}".strip(),
        )
    if keyword in ("format", "pattern") and schema.get("format") == "date":
        # the evaluation date (as_of) is the one date that must be a day
        return _date_problem(value, nullable=False, imprecise=len(error.absolute_path) > 1)
    if keyword == "enum":
        choices = ", ".join(json.dumps(choice) for choice in schema["enum"])
        return f"{_shown(value)} is not an accepted value", f"use one of: {choices}"
    if keyword == "type":
        wanted = schema["type"] if isinstance(schema["type"], str) else " or ".join(schema["type"])
        problem = f"{_shown(value)} is a {_type_name(value)}, expected {wanted}"
        if "string" in wanted and isinstance(value, bool | int | float):
            # YAML reads 00123 as the number 83 and No as false: the text was meant
            return problem, (
                "put the value in quotes (YAML reads unquoted digits as a number, a leading 0"
                " as octal, and yes/no/on/off as true/false); " + _describe(schema)
            )
        return problem, _describe(schema)
    if keyword in ("minItems", "minProperties") and schema[keyword] == 1:
        return f"{_shown(value)} is empty", _describe(schema)
    if keyword == "anyOf" and any(s.get("format") == "date" for s in schema["anyOf"]):
        return _date_problem(value, nullable=any(s.get("type") == "null" for s in schema["anyOf"]))
    if keyword == "not" and isinstance(value, dict):
        given = [key for key in _keys_of(schema["not"]) if key in value]
        if given:  # a key this kind of mapping may not have
            return f"'{given[0]}' cannot be given here", _describe(schema)
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
    return error.message, _describe(schema)


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


def _describe(schema: dict[str, Any]) -> str:
    description = schema.get("description")
    return f"expected: {description}" if description else "see the schema for this field"


def _type_name(value: Any) -> str:
    return {
        bool: "boolean",
        int: "number",
        float: "number",
        str: "text",
        list: "list",
        dict: "mapping",
    }.get(type(value), "null" if value is None else type(value).__name__)
