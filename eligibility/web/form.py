"""The guided form: the questions of ``inputs/questions.py`` as fields of a web page, and back.

A form's state is what the browser sends: field name -> the texts typed or chosen. Names are
made from the question paths (``q:name``, ``q:education.highest_level``,
``q:training.0.hours.value``, ``q:credentials.0.recert_cycles.1.start``); a repeated group's
number of records travels as ``n:training`` (``n:credentials.0.recert_cycles``). Nothing is
kept on the server between two pages: the page carries its own state.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from eligibility.inputs.questions import (
    AnswerError,
    Group,
    Question,
    to_answers,
    to_profile,
)

NULL = "__null__"  # a select's "none" (an explicit null), never one of a schema's values
MAX_RECORDS = 200  # records of one group the page lays out (a count is text from the browser)

State = Mapping[str, list[str]]


@dataclass(frozen=True)
class Field:
    """One question on the page: its input's name and id, what it holds, its problem."""

    question: Question
    name: str
    id: str
    value: str = ""
    values: tuple[str, ...] = ()  # a multiple choice's chosen values
    error: str | None = None
    label: str = ""  # its title
    where: str = ""  # the record it belongs to, in words ("Course 1")


@dataclass(frozen=True)
class Record:
    """One record of a group: the questions a short questionnaire asks (``core``), the others
    (``more``), and its own repeated groups (a credential's recertification cycles)."""

    key: str  # the name prefix of its fields: "training.0."
    number: int | None  # 1-based, in a repeated group
    core: tuple[Field, ...]
    more: tuple[Field, ...]
    groups: tuple[Block, ...]


@dataclass(frozen=True)
class Block:
    """A group on the page: a section, or a list of records with buttons to add and remove."""

    group: Group
    key: str  # the name of the group's records ("training", "credentials.0.recert_cycles")
    records: tuple[Record, ...]
    depth: int = 0
    stated: bool = False  # a repeated group's count was given: none is "an empty list"


@dataclass
class Reading:
    """What a form's state says: the answers, and the problems by field name."""

    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def field_id(name: str) -> str:
    """An HTML id for a field name: letters, digits and hyphens."""
    return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", name.split(":", 1)[1])


def layout(
    groups: tuple[Group, ...], state: State, errors: Mapping[str, str] | None = None
) -> tuple[Block, ...]:
    """The page's blocks for ``state`` (each field showing what was typed) and its problems."""
    return tuple(_block(group, group.path, state, errors or {}, 0, "") for group in groups)


def _block(
    group: Group, key: str, state: State, errors: Mapping[str, str], depth: int, where: str
) -> Block:
    if not group.repeated:
        prefix = f"{key}." if key else ""
        inside = where or group.title
        return Block(
            group, key, (_record(group, prefix, None, state, errors, depth, inside),), depth
        )
    records = tuple(
        _record(
            group, f"{key}.{index}.", index + 1, state, errors, depth,
            f"{where}, {group.item} {index + 1}" if where else f"{group.item.capitalize()} {index + 1}",
        )
        for index in range(count(state, key))
    )  # fmt: skip
    return Block(group, key, records, depth, f"n:{key}" in state)


def _record(
    group: Group,
    prefix: str,
    number: int | None,
    state: State,
    errors: Mapping[str, str],
    depth: int,
    where: str,
) -> Record:
    core, more, blocks = [], [], []
    for item in group.items:
        if isinstance(item, Group):
            blocks.append(_block(item, f"{prefix}{item.path}", state, errors, depth + 1, where))
            continue
        name = f"q:{prefix}{item.path}"
        sent = state.get(name, [])
        shown = Field(
            item,
            name,
            field_id(name),
            sent[0] if sent and item.kind != "choices" else "",
            tuple(sent) if item.kind == "choices" else (),
            errors.get(name),
            item.title,
            where,
        )
        (core if item.core else more).append(shown)
    return Record(prefix, number, tuple(core), tuple(more), tuple(blocks))


def count(state: State, key: str) -> int:
    """How many records of the repeated group ``key`` the page holds: ``n:KEY``, given once
    a record was added or the profile shown lists the group (if only as empty)."""
    text = (state.get(f"n:{key}") or ["0"])[0]
    return min(int(text), MAX_RECORDS) if text.isdigit() else 0


def read(groups: tuple[Group, ...], state: State) -> Reading:
    """The answers a form's state gives (see ``inputs/questions.py`` for their shape), each
    read by its question; a record left wholly empty is no record."""
    reading = Reading()
    for group in groups:
        if group.repeated:
            _read_list(group, group.path, state, reading.answers, reading.errors)
        else:
            prefix = f"{group.path}." if group.path else ""
            _read_record(group, prefix, prefix, state, reading.answers, reading.errors)
    return reading


def _read_list(
    group: Group, key: str, state: State, into: dict[str, Any], errors: dict[str, str]
) -> None:
    records = []
    for index in range(count(state, key)):
        record: dict[str, Any] = {}
        _read_record(group, f"{key}.{index}.", "", state, record, errors)
        if record:
            records.append(record)
    if records or f"n:{key}" in state:  # none at all, or stated as none (an empty list)
        into[group.path] = records


def _read_record(
    group: Group,
    prefix: str,
    answer_prefix: str,
    state: State,
    into: dict[str, Any],
    errors: dict[str, str],
) -> None:
    given: dict[str, Any] = {}
    for item in group.items:
        if isinstance(item, Group):
            _read_list(item, f"{prefix}{item.path}", state, given, errors)
            continue
        name = f"q:{prefix}{item.path}"
        sent = [text for text in state.get(name, []) if text.strip()]
        if not sent:
            continue
        try:
            given[item.path] = _value(item, sent)
        except AnswerError as error:
            errors[name] = str(error)
    if given and group.path:  # a record given must answer what it requires
        for question in group.questions():
            name = f"q:{prefix}{question.path}"
            part = question.path.rpartition(".")[0]  # hours.unit: once hours has a value
            if part and not any(path.startswith(f"{part}.") for path in given):
                continue
            if question.required and question.path not in given and name not in errors:
                errors[name] = f"answer this question: every {group.item} needs it"
    into.update({f"{answer_prefix}{path}": value for path, value in given.items()})


def _value(question: Question, sent: list[str]) -> Any:
    if sent == [NULL]:
        return None
    if question.kind == "choices":
        return question.parse(", ".join(sent))
    return question.parse(sent[0])


def profile_of(groups: tuple[Group, ...], state: State) -> Reading:
    """The profile a form's state makes (``answers`` holds it) and the problems of its fields."""
    reading = read(groups, state)
    return Reading(to_profile(reading.answers) if not reading.errors else {}, reading.errors)


def state_of(groups: tuple[Group, ...], profile: Mapping[str, Any]) -> dict[str, list[str]]:
    """The form's state that shows ``profile`` (a valid profile): to change it in the form."""
    state: dict[str, list[str]] = {}
    answers = to_answers(profile)
    for group in groups:
        if group.repeated:
            if group.path in answers:
                _show_list(group, group.path, answers[group.path], state)
        else:
            prefix = f"{group.path}." if group.path else ""
            record = {
                path[len(prefix) :]: value
                for path, value in answers.items()
                if path.startswith(prefix)
            }
            _show_record(group, prefix, record, state)
    return state


def _show_list(group: Group, key: str, records: list[Mapping[str, Any]], state: dict) -> None:
    state[f"n:{key}"] = [str(len(records))]
    for index, record in enumerate(records):
        _show_record(group, f"{key}.{index}.", record, state)


def _show_record(group: Group, prefix: str, record: Mapping[str, Any], state: dict) -> None:
    for item in group.items:
        if item.path not in record:
            continue
        value = record[item.path]
        if isinstance(item, Group):
            _show_list(item, f"{prefix}{item.path}", value, state)
        elif value is None and item.kind in ("choice", "boolean"):
            state[f"q:{prefix}{item.path}"] = [NULL]
        elif item.kind == "choices":
            state[f"q:{prefix}{item.path}"] = [str(choice) for choice in value]
        else:
            state[f"q:{prefix}{item.path}"] = [item.show(value)]


def change(state: State, step: str) -> dict[str, list[str]]:
    """The state after a button that adds a record (``add:training``) or removes one
    (``remove:training.1``); the records after a removed one move up."""
    changed = {name: list(values) for name, values in state.items()}
    action, _, key = step.partition(":")
    if action == "add":
        changed[f"n:{key}"] = [str(min(count(state, key) + 1, MAX_RECORDS))]
    elif action == "remove" and re.fullmatch(r".+\.\d+", key):
        group, index = key.rsplit(".", 1)
        total = count(state, group)
        for name in [n for n in changed if _within(n, f"{group}.{index}.")]:
            del changed[name]
        for later in range(int(index) + 1, total):
            old, new = f"{group}.{later}.", f"{group}.{later - 1}."
            for name in [n for n in changed if _within(n, old)]:
                kind, rest = name.split(":", 1)
                changed[f"{kind}:{new}{rest[len(old) :]}"] = changed.pop(name)
        changed[f"n:{group}"] = [str(max(total - 1, 0))]
    return changed


def focus_after(groups: tuple[Group, ...], state: State, step: str) -> str | None:
    """The id of what a person works on next after ``step``: the first field of a record just
    added, the add button of a group whose record was removed."""
    action, _, key = step.partition(":")
    if action == "remove":
        return "add-" + re.sub(r"[^A-Za-z0-9]+", "-", key.rsplit(".", 1)[0])
    group = _group_at(groups, key.rsplit(".", 1)[-1])
    asked = [question for question in group.questions() if question.core] if group else []
    first = asked[0] if asked else None  # the others are in a closed "more" section
    if first is None or not count(state, key):
        return None
    return field_id(f"q:{key}.{count(state, key) - 1}.{first.path}")


def _group_at(groups: tuple[Group, ...], path: str) -> Group | None:
    for group in groups:
        if group.path == path:
            return group
        inner = _group_at(tuple(i for i in group.items if isinstance(i, Group)), path)
        if inner is not None:
            return inner
    return None


def _within(name: str, prefix: str) -> bool:
    return name.split(":", 1)[-1].startswith(prefix)


def fields(blocks: tuple[Block, ...]) -> Iterator[Field]:
    """Every field of the page, in order (for tests and for the problems' list)."""
    for block in blocks:
        for record in block.records:
            yield from record.core
            yield from record.more
            yield from fields(record.groups)
