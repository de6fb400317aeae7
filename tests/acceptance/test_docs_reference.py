"""The user documentation names everything the program accepts: every option of every command
(docs/cli.md), every mapping-file key (docs/batch.md) and every field of the profile and rule
schemas (docs/profile-format.md, docs/rule-format.md). A new option, key or field that is not
documented fails here rather than going unseen; so does a README example answer that is no
longer what the program prints."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from eligibility.cli import main
from eligibility.inputs.cohort import MAPPING_KEYS
from tests.conftest import PROFILES, ROOT

DOCS = ROOT / "docs"


def command_sections() -> dict[str, str]:
    """docs/cli.md's "Commands and their options", cut at its ### headings: each heading's text
    under every command it names (`list`, `show`, `policies` share one)."""
    page = (DOCS / "cli.md").read_text()
    part = page.split("\n## Commands and their options\n", 1)[1].split("\n## ", 1)[0]
    sections: dict[str, str] = {}
    for chunk in part.split("\n### ")[1:]:
        heading = chunk.split("\n", 1)[0]
        for name in re.findall(r"`([a-z]+)`", heading):
            sections[name] = chunk
    return sections


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_option_of_every_command_is_in_cli_md_with_an_example(name: str):
    section = command_sections().get(name)
    assert section, f"docs/cli.md has no section for 'eligibility {name}'"
    for param in main.commands[name].params:
        if isinstance(param, click.Option):
            option = next(o for o in param.opts if o.startswith("--"))
            assert f"`{option}" in section, f"docs/cli.md does not document {name} {option}"
    examples = "\n".join(re.findall(r"```sh\n(.*?)```", section, re.S))
    assert f"eligibility {name}" in examples, f"docs/cli.md has no example of {name}"


def test_every_mapping_key_is_in_batch_md():
    page = (DOCS / "batch.md").read_text()
    for key in MAPPING_KEYS:
        assert f"| `{key}` |" in page, f"docs/batch.md's table of mapping keys lacks {key}"


def properties(node: object, schema: dict) -> Iterator[tuple[str, dict]]:
    """Every property name in a JSON Schema, with its schema, following local $refs once."""
    seen: set[str] = set()

    def walk(node: object) -> Iterator[tuple[str, dict]]:
        if isinstance(node, list):
            for item in node:
                yield from walk(item)
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
                seen.add(ref)
                target: object = schema
                for part in ref[2:].split("/"):
                    target = target[part]  # type: ignore[index]
                yield from walk(target)
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    for name, sub in value.items():
                        yield name, sub
                        yield from walk(sub)
                elif key not in ("$ref", "properties"):
                    yield from walk(value)

    yield from walk(node)


@pytest.mark.parametrize(
    ("schema_file", "page"),
    [("profile.schema.json", "profile-format.md"), ("rule.schema.json", "rule-format.md")],
)
def test_every_schema_field_and_value_is_in_its_format_page(schema_file: str, page: str):
    schema = json.loads((ROOT / "schemas" / schema_file).read_text())
    text = (DOCS / page).read_text()
    for name, sub in properties(schema, schema):
        assert re.search(rf"\b{re.escape(name)}\b", text), f"docs/{page} does not name {name}"
        values = sub.get("enum") or sub.get("items", {}).get("enum") or ()
        for value in values:
            if value is not None:
                assert re.search(rf"\b{re.escape(str(value))}\b", text), (
                    f"docs/{page} does not give {value!r}, a value of {name}"
                )


def test_the_readmes_example_answer_is_what_check_prints():
    """The README's "What an answer looks like" is what `check` prints: line after line, but
    that a line `...` stands for lines left out and a line ending `(...)` for the rest of it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## What an answer looks like\n\n```\n", 1)[1].split("```", 1)[0]
    command, *shown = block.splitlines()
    assert (
        command == "$ eligibility check fixtures/profiles/c09-hana-sato.yaml --cert CPC-A-removal"
    )
    result = CliRunner().invoke(
        main, ["check", str(PROFILES / "c09-hana-sato.yaml"), "--cert", "CPC-A-removal"]
    )
    assert result.exit_code == 1
    printed = result.stdout.splitlines()
    at, skipping = 0, False
    for line in shown:
        if line.strip() == "...":
            skipping = True
            continue
        head = line.removesuffix(" (...)")

        def same(out: str, line: str = line, head: str = head) -> bool:
            return out == line or (head != line and out.startswith(head + " ("))

        while skipping and at < len(printed) and not same(printed[at]):
            at += 1
        assert at < len(printed) and same(printed[at]), (
            f"the README shows {line!r} where check prints {printed[at : at + 1]}"
        )
        at, skipping = at + 1, False
    assert at == len(printed) or skipping, f"the README leaves out {printed[at:]}"
