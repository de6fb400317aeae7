"""A rules directory's input files, which say what inputs mean rather than rules: ``flat-csv.yaml``
(what a row of a school's flat CSV export stands for, read by ``inputs/cohort.py``) and
``form.yaml`` (the words the web page's form asks in). Each is read as written, as safe YAML,
checked against its schema, and kept per text: a file edited meanwhile is read again."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from eligibility.inputs.profiles import read_text
from eligibility.inputs.validation import validate
from eligibility.inputs.yamlio import locator, parse_text
from eligibility.resources import FORM_FILE, data_dir


@cache  # read once per text
def checked_text(where: str, text: str, schema_name: str) -> Mapping[str, Any]:
    """``text``, the file ``where``, as data that schema ``schema_name`` allows; an
    :class:`~eligibility.errors.InputError` naming the place and the fix where it is not."""
    data = parse_text(text, where)
    validate(data, schema_name, where, locator(text))
    return data


def rules_input(
    rules_dir: str | Path | None, file: str, schema_name: str
) -> Mapping[str, Any] | None:
    """The rules directory's (default: the bundled rules') input file ``file`` as written, read
    and checked; None where the directory has none."""
    path = (Path(rules_dir) if rules_dir else data_dir("rules")) / file
    return checked_text(str(path), read_text(path), schema_name) if path.is_file() else None


def form_supply(rules_dir: str | Path | None) -> tuple[tuple[str, str], ...]:
    """The rules directory's ``form.yaml`` ``supply``: (fact path pattern, words naming the
    form's questions), for ``RuleBook.with_supply``; none where the directory has no such file
    (the fact files' words are said)."""
    document = rules_input(rules_dir, FORM_FILE, "form")
    return tuple(document["supply"].items()) if document else ()


def form_help(rules_dir: str | Path | None) -> tuple[tuple[str, str], ...]:
    """The rules directory's ``form.yaml`` ``help``: (question, what it says to the person
    answering it), for ``inputs.questions.sections``; none where the directory has no such file
    or part (the schema's descriptions are said)."""
    document = rules_input(rules_dir, FORM_FILE, "form")
    return tuple(document.get("help", {}).items()) if document else ()
