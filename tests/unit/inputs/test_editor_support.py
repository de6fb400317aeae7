"""Editor support: every rule file and profile fixture names its schema in a modeline that
yaml-language-server (VS Code's YAML extension, Neovim, Helix, ...) reads, and the schemas use only
keywords those editors know (they implement JSON Schema draft 7)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from eligibility.rulebook.rules import REFERENCE_FILES
from tests.conftest import ROOT

MODELINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(?P<target>\S+)\s*")
RULE_FILES = sorted(
    p
    for p in (ROOT / "rules").rglob("*.yaml")
    if p.relative_to(ROOT / "rules").as_posix() not in REFERENCE_FILES
)
PROFILES = sorted((ROOT / "fixtures" / "profiles").glob("*.yaml"))
# keywords of draft 7 plus $defs (a JSON pointer, which draft-7 editors follow as well)
DRAFT7 = {
    "$schema", "$id", "$ref", "$comment", "$defs", "definitions", "title", "description",
    "default", "examples", "readOnly", "writeOnly", "type", "enum", "const", "multipleOf",
    "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength",
    "pattern", "items", "additionalItems", "maxItems", "minItems", "uniqueItems", "contains",
    "maxProperties", "minProperties", "required", "properties", "patternProperties",
    "additionalProperties", "dependencies", "propertyNames", "if", "then", "else", "allOf",
    "anyOf", "oneOf", "not", "format", "contentMediaType", "contentEncoding",
}  # fmt: skip


def modeline_target(path: Path) -> Path | None:
    """The schema the file's first line names, resolved as the editor does (relative to the file)."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    found = MODELINE.fullmatch(first)
    return (path.parent / found["target"]).resolve() if found else None


def expected_schema(path: Path) -> str | None:
    """The schema a file should name: a rule, fact, case or flat CSV layout file's (it says
    ``rule_format``, ``facts_format``, ``case_format``, ``flat_csv_format``), a profile's; None for another kind of file under rules/
    (it names a schema of its own)."""
    if path.parent.name == "profiles":  # fixtures/profiles, the cases' rules/tests/profiles
        return "profile"
    text = path.read_text(encoding="utf-8")
    for key, schema in (
        ("rule_format", "rule"),
        ("facts_format", "fact-file"),
        ("case_format", "case"),
        ("flat_csv_format", "flat-csv"),
    ):
        if re.search(rf"(?m)^{key}:", text):
            return schema
    return None


@pytest.mark.parametrize(
    "path", RULE_FILES + PROFILES, ids=lambda path: path.relative_to(ROOT).as_posix()
)
def test_each_file_names_its_schema_on_its_first_line(path):
    target = modeline_target(path)
    schema = expected_schema(path)
    wanted = ROOT / "schemas" / f"{schema or '<name>'}.schema.json"
    assert target is not None, (
        f"{path.relative_to(ROOT)}: the first line should be"
        f" '# yaml-language-server: $schema={os.path.relpath(wanted, path.parent)}'"
    )
    assert target.is_file(), f"{path.relative_to(ROOT)}: {target} does not exist"
    if schema is not None:
        assert target == wanted.resolve()


def test_every_modeline_under_rules_and_fixtures_points_at_a_schema_that_exists():
    for path in [*(ROOT / "rules").rglob("*.y*ml"), *(ROOT / "fixtures").rglob("*.y*ml")]:
        for line in path.read_text(encoding="utf-8").splitlines():
            found = MODELINE.fullmatch(line.strip())
            if found:
                assert (path.parent / found["target"]).is_file(), f"{path}: {line}"


@pytest.mark.parametrize("name", ["profile", "rule"])
def test_the_schemas_editors_read_use_only_keywords_they_know(name):
    schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    used: set[str] = set()

    def walk(node, keywords: bool) -> None:
        if isinstance(node, dict):
            if keywords:
                used.update(node)
            for key, value in node.items():
                # the names under properties and $defs are data, their values schemas again
                named = key in ("properties", "$defs", "definitions", "patternProperties")
                if named:
                    for sub in value.values():
                        walk(sub, True)
                elif key not in ("enum", "const", "examples", "default", "required"):
                    walk(value, True)
        elif isinstance(node, list):
            for item in node:
                walk(item, keywords)

    walk(schema, True)
    assert used <= DRAFT7, used - DRAFT7
