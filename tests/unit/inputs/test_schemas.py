"""The schemas are complete documents: valid draft 2020-12, with an $id (a name, not an address)
and every property described."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from eligibility.resources import SCHEMA_ID_PREFIX, schema_id
from tests.conftest import ROOT

SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))


def _properties(node: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{path}.{name}", sub
        for key, sub in node.items():
            yield from _properties(sub, f"{path}/{key}")
    elif isinstance(node, list):
        for index, sub in enumerate(node):
            yield from _properties(sub, f"{path}[{index}]")


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_and_fully_described(path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == schema_id(path.name.removesuffix(".schema.json"))
    undescribed = [where for where, sub in _properties(schema) if not sub.get("description")]
    assert not undescribed, f"properties without a description: {undescribed}"


def test_every_schema_the_program_reads_is_there() -> None:
    """The formats the program validates against (profiles, rule, fact and case files, reports)."""
    assert {p.name for p in SCHEMAS} >= {
        "profile.schema.json",
        "rule.schema.json",
        "fact-file.schema.json",
        "facts-document.schema.json",
        "report.schema.json",
        "case.schema.json",
        "lint.schema.json",
        "list.schema.json",
    }


def test_the_schemas_are_named_under_one_prefix_that_is_no_address() -> None:
    assert SCHEMA_ID_PREFIX.startswith("urn:") and "//" not in SCHEMA_ID_PREFIX
