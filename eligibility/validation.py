"""JSON Schema validation with messages a person can act on.

Every input (profile, rule file) is validated before anything reads it. The first, most relevant
problem is reported with its JSON path, the line it stands on when the input was YAML, and a fix.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator

from eligibility.errors import InputError, place_of
from eligibility.resources import schema_file


@cache
def validator(name: str) -> Draft202012Validator:
    """The validator for ``schemas/<name>.schema.json``, with format checks (dates) switched on."""
    schema = json.loads(schema_file(name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(
    document: Any,
    schema: str,
    file: str,
    line_of: Callable[[list[str | int]], int | None] | None = None,
) -> None:
    """Raise :class:`InputError` for the most relevant way ``document`` breaks ``schema``."""
    errors = list(validator(schema).iter_errors(document))
    if not errors:
        return
    error = jsonschema.exceptions.best_match(errors)
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        # point at the unknown field itself, not at the mapping that holds it
        allowed = error.schema.get("properties", {})
        path.append(next(str(k) for k in error.instance if k not in allowed))
    place = place_of(path, line_of(path) if line_of else None)
    problem, fix = _explain(error)
    more = len(errors) - 1
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
        return (
            f"{value!r} is not a valid date",
            "write a real calendar date as YYYY-MM-DD, e.g. 2024-11-23",
        )
    if keyword == "enum":
        choices = ", ".join(json.dumps(choice) for choice in schema["enum"])
        return f"{json.dumps(value)} is not an accepted value", f"use one of: {choices}"
    if keyword == "type":
        wanted = schema["type"] if isinstance(schema["type"], str) else " or ".join(schema["type"])
        return f"{json.dumps(value)} is a {_type_name(value)}, expected {wanted}", _describe(schema)
    if keyword == "anyOf" and any(s.get("format") == "date" for s in schema["anyOf"]):
        return f"{value!r} is not a valid date", "write a real calendar date as YYYY-MM-DD, or null"
    return error.message, _describe(schema)


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
