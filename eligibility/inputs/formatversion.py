"""Profile format versions: which one a profile is written in, and what changed between them.

Format 1 (a profile without ``profile_version`` is read as one) reads a true/false field left out
as "no" (``typed`` as "yes"); format 2 reads it as "not stated". The schema marks each such field
with its format 1 reading (the JSON Schema annotation ``default``), so this module holds no list of
fields: a field the schema gives a ``default`` is one whose omission changed meaning.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from eligibility.dates import EARLIEST
from eligibility.inputs.validation import schema

FIRST = 1
CURRENT = 2

# A field that another field's ``true`` implies: a hand-signed letter is signed, in every format,
# so a letter with ``hand_signed: true`` and no ``signed`` is not missing anything.
IMPLIED_BY = {"signed": "hand_signed"}

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Omitted:
    """A field a record leaves out: a true/false field (and what format 1 reads it as), or a
    value the rules need that the person did not know (``LEFT_OUT``)."""

    path: Path  # where it would go: ("verification_letters", 0, "contact_info_present")
    record: str  # the record as a person knows it: "letter-1", "CPC", "ceus[2]"
    field: str
    value: Any  # format 1's reading of a true/false field; None for a value left out
    other: Any = None  # the other reading (the opposite extreme of the one the facts make)

    @property
    def flag(self) -> bool:
        return isinstance(self.value, bool)


# Values the rules need that a profile may leave out, in either format, rather than invent (issue
# 14 item 19). The facts read one left out as one extreme (a job without a start is not counted;
# a membership without a paid-through date is paid up); the other reading is the other extreme:
# the earliest date the tool works with, or every value the schema allows.
LEFT_OUT: dict[tuple[Path, str], str] = {
    (("work_history", "[]"), "start_date"): "earliest",
    (("work_history", "[]"), "code_sets"): "every",
    (("memberships", "[]"), "paid_through"): "earliest",
}


def version_of(data: Mapping[str, Any]) -> int:
    """The format a (schema-valid) profile is written in: its ``profile_version``, else 1."""
    return data.get("profile_version") or FIRST


@cache
def format1_readings() -> tuple[tuple[Path, str, bool], ...]:
    """(record path with ``[]`` for list items, field, format 1 reading) for every true/false
    field of the profile schema whose omission format 1 reads as a value."""
    found: list[tuple[Path, str, bool]] = []

    def walk(node: Mapping[str, Any], where: Path) -> None:
        for name, sub in node.get("properties", {}).items():
            if sub.get("type") == "boolean" and "default" in sub:
                found.append((where, name, sub["default"]))
            inner = sub.get("items") if sub.get("type") == "array" else sub
            if isinstance(inner, Mapping) and "properties" in inner:
                walk(inner, (*where, name, "[]") if inner is not sub else (*where, name))

    walk(schema("profile"), ())
    return tuple(found)


def omitted_flags(data: Mapping[str, Any]) -> list[Omitted]:
    """The true/false fields ``data`` leaves out whose reading format 2 changes, in file order."""
    found: list[Omitted] = []
    readings: dict[Path, list[tuple[str, bool]]] = {}
    for where, name, value in format1_readings():
        readings.setdefault(where, []).append((name, value))
    for where, path, record in _records(data, ()):
        for name, value in readings.get(where, ()):
            if name in record or record.get(IMPLIED_BY.get(name, "")) is True:
                continue
            found.append(Omitted((*path, name), _label(path, record), name, value, not value))
    return found


def left_out_values(data: Mapping[str, Any]) -> list[Omitted]:
    """The values of ``LEFT_OUT`` that ``data`` leaves out, each with its other reading."""
    wanted: dict[Path, list[str]] = {}
    for where, name in LEFT_OUT:
        wanted.setdefault(where, []).append(name)
    found = []
    for where, path, record in _records(data, ()):
        for name in wanted.get(where, ()):
            if name not in record:
                other = _other_reading(where, name)
                found.append(Omitted((*path, name), _label(path, record), name, None, other))
    return found


def not_stated(data: Mapping[str, Any]) -> list[Omitted]:
    """Everything ``data`` leaves unknown that an answer may need: the values of ``LEFT_OUT`` it
    leaves out and, in format 2, the true/false fields it leaves out (format 1 reads those as the
    schema's ``default`` says)."""
    values = left_out_values(data)
    return values if version_of(data) == FIRST else omitted_flags(data) + values


def _other_reading(where: Path, name: str) -> Any:
    node: Mapping[str, Any] = schema("profile")
    for step in where:
        node = node["items"] if step == "[]" else node["properties"][step]
    field = node["properties"][name]
    if LEFT_OUT[(where, name)] == "every":
        return list(field["items"]["enum"])
    return EARLIEST.isoformat()


def _records(node: Any, where: Path, path: Path = ()) -> Iterator[tuple[Path, Path, Mapping]]:
    """Every record (mapping) of a profile: its schema place (``[]`` for list items), its path."""
    if not isinstance(node, Mapping):
        return
    yield where, path, node
    for key, value in node.items():
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _records(item, (*where, key, "[]"), (*path, key, index))
        elif isinstance(value, Mapping):
            yield from _records(value, (*where, key), (*path, key))


def _label(path: Path, record: Mapping[str, Any]) -> str:
    """How a person finds the record: its ``id`` (a credential's is its name), else its place."""
    if isinstance(record.get("id"), str) and record["id"].strip():
        return record["id"]
    for field, words in (("employer", "the job at {}"), ("organization", "the {} membership")):
        if isinstance(record.get(field), str) and record[field].strip():
            return words.format(record[field])
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the profile"


def format_note(data: Mapping[str, Any]) -> str | None:
    """The note a format 1 profile gets when it leaves out a field format 2 reads differently:
    which fields, what they are read as, and how to upgrade. None for anything else."""
    if version_of(data) != FIRST:
        return None
    omitted = omitted_flags(data)
    if not omitted:
        return None
    by_record: dict[str, list[str]] = {}
    for item in omitted:
        by_record.setdefault(item.record, []).append(
            f"{item.field} (read as {'yes' if item.value else 'no'})"
        )
    fields = "; ".join(f"{record}: {', '.join(names)}" for record, names in by_record.items())
    return (
        f"profile format 1: a true/false field left out is read as before: {fields}. "
        f"Format {CURRENT} reads a field left out as not stated; 'eligibility upgrade' rewrites"
        f" the profile in format {CURRENT} with these values written out"
    )
