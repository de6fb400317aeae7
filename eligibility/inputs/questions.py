"""The profile as questions: what ``eligibility init`` asks on a terminal and ``serve`` as a form.

Built from ``schemas/profile.schema.json`` (each field's description is its help, in the
person's words where a rules directory's ``form.yaml`` gives them, an enum its
choices, a type or date format how an answer is read; arrays of records are repeated groups),
and from the credential registry for the credential ids the rules know (passed in, as this module
sits below the rule book). No body or credential name is written here.

The public interface:

- :func:`sections` ``(registry=None) -> tuple[Group, ...]``: the questions, in the order asked.
  A :class:`Group` holds :class:`Question` s and groups; a ``repeated`` group is a list of records
  (courses, jobs; ``Group.item`` names one: "course"). ``Question.core`` marks the few a short
  questionnaire asks; the others are "more about this record". ``Question.suggestions`` (with
  ``labels``, in words) are the registry's credential ids for a field that names a credential.
- :meth:`Question.parse` ``(text) -> value``: what a person typed, read as the field's value, or
  :class:`AnswerError` with a sentence saying what to type. Empty text is never parsed: it means
  "skip" (left out), as does :data:`NOT_SURE` text for a question that allows it.
  :meth:`Question.show` is the reverse: a value as a person would type it.
- Answers are a plain dict: question path -> value, a repeated group's path -> a list of dicts of
  the same kind (paths relative to the group). A path joins field names with dots across records
  that are not repeated (``education.highest_level``, in a course ``hours.value``). A field left
  out is absent; ``None`` is an explicit null (a letter that is undated, a job that continues).
- :func:`to_profile` ``(answers) -> dict``: the profile those answers make (``profile_version``
  2 unless the answers say otherwise); it validates when each value came from ``parse`` and every
  record has its required questions answered (``inputs.profiles.profile_from_data`` checks it).
- :func:`to_answers` ``(profile) -> dict``: the reverse, for loading a profile back;
  ``to_profile(to_answers(p)) == p`` for every valid profile ``p`` that states its version.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from eligibility.errors import (  # a value's did-you-mean, as check words it
    close_matches,
    named_in_words,
    partly_named,
)
from eligibility.inputs.formatversion import CURRENT, in_sentence, record_words
from eligibility.inputs.validation import date_readings, schema

if TYPE_CHECKING:
    from eligibility.facts.registry import Registry

# Words a person may type for "I do not know": the field is left out, which format 2 reads as
# "not stated" (docs/profile-format.md, profile_version). Empty text means the same.
NOT_SURE = ("?", "not sure", "unsure", "don't know", "dont know", "unknown")
# What a person types for an explicit null where the schema allows one (an undated letter).
NONE_WORDS = ("none", "null", "-")
# a month answered by name where a month's number is asked ("March", "mar": 3)
_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_YES = ("y", "yes", "true")
_NO = ("n", "no", "false")
YES_OR_NO = "answer yes or no (y/n)"

# Section titles a person reads; the schema's field names are for files.
TITLES = {
    "": "About you",
    "education": "Education",
    "training": "Courses and training",
    "work_history": "Jobs",
    "verification_letters": "Letters verifying your work",
    "credentials": "Credentials you hold or held",
    "memberships": "Memberships",
    "ceus": "Continuing education (CEUs)",
    "practicode": "Practicode",
    "practicum": "Practicum",
    "exam_applications": "Exam applications",
    "self_reviews": "Coding self-reviews",
}
# The few questions a short questionnaire asks of each section (the rest are "more"); a record's
# required fields are always among them.
CORE = {
    "": ("name", "as_of"),
    "education": ("highest_level", "completion_date"),
    "training": (
        "program_name",
        "provider",
        "program_type",
        "completed",
        "completion_date",
        "hours.value",
        "hours.unit",
        "topics",
        "proof_type",
        "proof_states_contact_hours",
    ),
    "work_history": (
        "id",
        "employer",
        "role_title",
        "engagement_type",
        "start_date",
        "end_date",
        "hours_per_week",
        "setting",
        "role_function",
        "code_sets",
    ),
    "verification_letters": (
        "covers_work_id",
        "letter_date",
        "stated_start",
        "stated_end",
        "states_to_present",
        "on_letterhead",
        "signed",
        "hand_signed",
        "states_coding_duties",
        "states_code_sets",
        "contact_info_present",
        "format",
    ),
    "credentials": ("id", "apprentice", "exam_pass_date", "awarded_date", "status"),
    "memberships": ("type", "start_date", "paid_through", "renewal_month", "status"),
    "ceus": (
        "activity_title",
        "provider",
        "ceus",
        "completion_date",
        "delivery_mode",
        "submitted_date",
        "applied_to_credential_id",
        "aapc_approved_vendor",
        "ahima_source",
        "hiim_domain",
    ),
}


def _asked(asked: Mapping[str, str], key: str, description: str) -> str:
    """A question's (or section's) help as the person answering reads it: the words ``asked``
    gives it (``form.yaml``'s ``help``, by :func:`asked_key`), else the schema's description."""
    return asked.get(key) or description


def asked_key(section: str, path: str = "") -> str:
    """How ``form.yaml``'s ``help`` names a question: its section (a list's name) and its path
    there ("work_history.end_date", "recert_cycles.compliant", "training.hours.value"), a
    question about you by its path alone ("profile_version"), a section by its name."""
    return f"{section}.{path}" if section and path else section or path


# Fields whose value is a credential id: their suggestions come from the registry.
_CREDENTIAL_FIELDS = {
    "credentials.id",
    "applied_to_credential_id",
    "credential_id",
    "specialty_tags",
}
# The sections a short questionnaire asks, first and in this order; the rest in schema order.
_SECTION_ORDER = tuple(CORE)


class AnswerError(ValueError):
    """Text that is not an answer to its question; the message says what to type."""


@dataclass(frozen=True)
class Question:
    """One field of the profile, asked of a person.

    ``required`` means required once its record is given: a course's type; within a course, its
    ``hours.unit`` once ``hours`` has a value. ``kind`` is how the answer is read: ``text``,
    ``date`` (ISO date; also a month ``YYYY-MM`` or a year ``YYYY`` when ``partial``), ``number``, ``integer``, ``boolean``, ``choice`` (one of
    ``choices``, as written or in plain words: "associate degree"), ``choices`` (several of them), ``list`` (several texts). ``suggestions`` are
    values a ``text`` or ``list`` answer usually takes (credential ids from the registry), not a
    limit.
    """

    path: str  # within its group, dotted: "hours.value"
    title: str
    help: str
    kind: str
    choices: tuple[str | int, ...] = ()  # the schema's values, as typed there
    suggestions: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()  # (suggestion, what it is in words)
    required: bool = False
    nullable: bool = False  # None (typed "none") is an answer of its own
    partial: bool = False  # a date may be a month or a year
    minimum: float | None = None
    maximum: float | None = None
    core: bool = False

    def parse(self, text: str) -> Any:
        """``text`` (not empty) as this question's value; :class:`AnswerError` when it is not one."""
        text = text.strip()
        if self.nullable and text.lower() in NONE_WORDS:
            return None
        if self.kind == "boolean":
            if text.lower() in _YES:
                return True
            if text.lower() in _NO:
                return False
            # a required question is asked again when skipped: enter is no way out of it
            raise AnswerError(
                YES_OR_NO if self.required else f"{YES_OR_NO}, or press enter if you are not sure"
            )
        if self.kind in ("number", "integer"):
            return self._number(text)
        if self.kind == "date":
            # "none" for a job still held; for a letter's date it would mean undated
            still_going = self.nullable and self.path.rsplit(".", 1)[-1] in _END_FIELDS
            return _date(text, self.partial, still_going)
        if self.kind == "choice":
            return self._choice(text)
        if self.kind in ("choices", "list"):
            items = [item.strip() for item in re.split(r"[,\n]", text) if item.strip()]
            if self.kind == "choices":
                items = [self._choice(item) for item in items]
            return list(dict.fromkeys(items))
        return text

    def show(self, value: Any) -> str:
        """``value`` as a person would type it (``parse`` reads it back)."""
        if value is None:
            return NONE_WORDS[0]
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return str(value)

    def _number(self, text: str) -> int | float:
        months = self.minimum == 1 and self.maximum == 12  # a month: "March" is 3
        named = _MONTHS.get(text.strip().lower().rstrip(".")) if months else None
        if named is not None:
            return named
        bounds = (
            f"a number from {self.minimum:g} to {self.maximum:g}"
            if self.minimum is not None and self.maximum is not None
            else "a number, such as 40"
        )
        try:
            value = float(text)
        except ValueError:
            raise AnswerError(f"write {bounds} (not {text!r})") from None
        if self.kind == "integer" and not value.is_integer():
            raise AnswerError("write a whole number")
        if value != value or value in (float("inf"), float("-inf")):
            raise AnswerError(f"write {bounds}")
        if self.minimum is not None and value < self.minimum:
            raise AnswerError(f"write a number of at least {self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            raise AnswerError(f"write a number of at most {self.maximum:g}")
        return int(value) if value.is_integer() else value

    def _choice(self, text: str) -> str | int:
        by_key = {_key(str(choice)): choice for choice in self.choices}
        found = by_key.get(_key(text))
        if found is not None:
            return found
        named = named_in_words(text, self.choices)
        if len(named) == 1:
            return named[0]
        # in words, as the prompt shows them ("hs diploma"): either way is taken
        shown = ", ".join(_in_words(choice) for choice in self.choices)
        by_name = {str(choice): choice for choice in self.choices}
        near = [str(choice) for choice in named or partly_named(text, self.choices)]
        near = near or close_matches(text, by_name)
        said = " or ".join(repr(_in_words(name)) for name in near)
        raise AnswerError(
            f"{text!r} is not one of: {shown}" + (f"; did you mean {said}?" if near else "")
        )


@dataclass(frozen=True)
class Group:
    """A record of the profile (``education``) or, when ``repeated``, a list of records
    (``training``: one group of answers per course). The top-level section has path ``""``."""

    path: str
    title: str
    help: str
    repeated: bool
    items: tuple[Question | Group, ...]
    item: str = "record"  # what one record is called: "course"

    def questions(self) -> Iterator[Question]:
        """The questions of one record of this group, nested repeated groups left out."""
        for item in self.items:
            if isinstance(item, Question):
                yield item


def sections(
    registry: Registry | None = None, asked: tuple[tuple[str, str], ...] = ()
) -> tuple[Group, ...]:
    """The profile's questions, section by section: "about you" (the top-level fields), then
    each record or list of records, the ones a short questionnaire asks first; ``asked``: what
    questions say to the person answering them (``form.yaml``'s ``help``, by :func:`asked_key`)
    where the schema's descriptions speak to people who write the file."""
    return _sections(_credential_ids(registry), asked)


@cache
def _sections(
    credential_ids: tuple[tuple[str, str], ...], asked: tuple[tuple[str, str], ...] = ()
) -> tuple[Group, ...]:
    root = schema("profile")
    top: list[Question | Group] = []
    groups: list[Group] = []
    words = dict(asked)
    for name, field in root["properties"].items():
        item = _item(name, field, "", credential_ids, words=words)
        if isinstance(item, Group):
            groups.append(item)
        else:
            top.append(item)
    about = Group("", TITLES[""], root.get("description", ""), False, tuple(top))
    rank = {path: index for index, path in enumerate(_SECTION_ORDER)}
    ordered = sorted([about, *groups], key=lambda group: rank.get(group.path, len(rank)))
    return tuple(ordered)


def _item(
    name: str,
    field: Mapping[str, Any],
    section: str,
    credential_ids: tuple[tuple[str, str], ...],
    prefix="",
    words: Mapping[str, str] | None = None,
) -> Question | Group:
    """The question (or group) for the schema ``field`` called ``name``; ``words``: what
    questions say to the person answering them, by :func:`asked_key`."""
    path = f"{prefix}{name}"
    words = words or {}
    if field.get("type") == "array" and "properties" in field.get("items", {}):
        return _group(name, field, field["items"], True, credential_ids, words)
    if field.get("type") == "object" and not prefix and not section:
        return _group(name, field, field, False, credential_ids, words)
    return _question(path, field, section, credential_ids, words)


def _group(
    name: str,
    field: Mapping[str, Any],
    record: Mapping[str, Any],
    repeated: bool,
    credential_ids: tuple[tuple[str, str], ...],
    words: Mapping[str, str],
) -> Group:
    items: list[Question | Group] = []
    required = set(record.get("required", ()))

    def add(properties: Mapping[str, Any], prefix: str, required: set[str]) -> None:
        for sub, spec in properties.items():
            if spec.get("type") == "object" and "properties" in spec:  # hours: value, unit
                add(spec["properties"], f"{prefix}{sub}.", set(spec.get("required", ())))
                continue
            item = _item(sub, spec, name, credential_ids, prefix, words)
            if isinstance(item, Question) and sub in required:
                # required once its record is given; a record's own always asked
                item = replace(item, required=True, core=item.core or not prefix)
            items.append(item)

    add(record.get("properties", {}), "", required)
    title = TITLES.get(name, _title(name))
    return Group(
        name,
        title,
        _asked(words, asked_key(name), field.get("description", "")),
        repeated,
        tuple(items),
        # as answers name one: the schema's title of a list's items ("course"), "your education"
        record_words().get(name)
        or (in_sentence(record["title"]) if repeated and "title" in record else None)
        or (title.lower() if repeated else f"{title} details"),
    )


def _question(
    path: str,
    field: Mapping[str, Any],
    section: str,
    credential_ids: tuple[tuple[str, str], ...],
    words: Mapping[str, str],
) -> Question:
    options = [field, *field.get("anyOf", ())]
    types = {option.get("type") for option in options} - {None}
    name = path.rsplit(".", 1)[-1]
    known = credential_ids if _is_credential_field(section, name) else ()
    common = {
        "path": path,
        # the schema's title where it gives one: the words an answer names the field by
        "title": field.get("title") or _title(path, field.get("description", "")),
        "help": _asked(words, asked_key(section, path), field.get("description", "")),
        "nullable": "null" in types,
        "core": path in CORE.get(section, ()),
        "suggestions": tuple(value for value, _ in known),
        "labels": known,
    }
    if "enum" in field:
        return Question(kind="choice", choices=tuple(field["enum"]), **common)
    if "array" in types:
        items = field.get("items", {})
        if "enum" in items:
            return Question(kind="choices", choices=tuple(items["enum"]), **common)
        return Question(kind="list", **common)
    if any(option.get("format") == "date" for option in options):
        partial = any(
            option.get("type") == "string" and "format" not in option for option in options
        )
        return Question(kind="date", partial=partial, **common)
    for kind in ("boolean", "integer", "number"):
        if kind in types:
            return Question(
                kind=kind, minimum=field.get("minimum"), maximum=field.get("maximum"), **common
            )
    return Question(kind="text", **common)


def _is_credential_field(section: str, name: str) -> bool:
    return f"{section}.{name}" in _CREDENTIAL_FIELDS or name in _CREDENTIAL_FIELDS


def _credential_ids(registry: Registry | None) -> tuple[tuple[str, str], ...]:
    """(id, "name (body)") of every credential the registry knows."""
    if registry is None:
        return ()
    return tuple((info.id, f"{info.name} ({info.body})") for info in registry.known())


def _title(name: str, description: str = "") -> str:
    """``hours_per_week`` -> "Hours per week"; a word the description writes in capitals is
    written so (``aapc_course`` -> "AAPC course"), as are ids and CEUs."""
    words = []
    for word in name.replace(".", "_").split("_"):
        found = re.search(rf"\b{re.escape(word)}\b", description, re.IGNORECASE)
        capitals = found is not None and any(char.isupper() for char in found[0][1:])
        written = found[0] if capitals else word  # "AAPC", not a sentence's "Date"
        words.append(_WORDS.get(word, written))
    text = " ".join(words)
    return text[:1].upper() + text[1:]


_WORDS = {"id": "ID", "ids": "IDs", "ceus": "CEUs", "hs": "high school", "as": "as", "of": "of"}


def _key(text: str) -> str:
    """A choice as compared with what was typed: case, spaces, hyphens and underscores aside."""
    return re.sub(r"[\s_\-]+", "", text.lower())


def _in_words(choice: str | int) -> str:
    return str(choice).replace("_", " ")


# what a person types for a date that has not come (a job still held): "none" is the answer
_STILL_GOING = ("present", "current", "now", "ongoing", "still there", "still working", "today")
_END_FIELDS = ("end_date", "end", "stated_end")  # the dates "none" leaves open


def _date(text: str, partial: bool, still_going: bool = False) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            date.fromisoformat(text)
        except ValueError:
            raise AnswerError(f"{text} is not a date of the calendar") from None
        return text
    if partial and re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?", text):
        return text
    said = "write the date as YYYY-MM-DD" + (
        ", or a month as YYYY-MM or a year as YYYY when that is all you know" if partial else ""
    )
    if still_going and text.lower() in _STILL_GOING:
        raise AnswerError(f"still going? type none (or press enter to skip); else {said}")
    readings, kind = date_readings(text, partial)
    if kind == "placeholder":
        raise AnswerError(said)
    if len(readings) == 2:  # "12/06/2026": as check says it, both ways round
        raise AnswerError(
            f"{said}: {text!r} is {readings[0]} if the month comes first (as in the US),"
            f" {readings[1]} if the day comes first"
        )
    raise AnswerError(f"{said}: {text!r} is {readings[0]}")


def to_profile(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The profile the answers make (see the module docstring for their shape)."""
    profile = _record(answers)
    profile.setdefault("profile_version", CURRENT)
    return profile


def _record(answers: Mapping[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for path, value in answers.items():
        if isinstance(value, list) and value and isinstance(value[0], Mapping):
            value = [_record(item) for item in value]
        where = record
        *parents, last = path.split(".")
        for parent in parents:
            where = where.setdefault(parent, {})
        where[last] = value
    return record


def to_answers(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that make ``profile`` (a schema-valid profile dict), for loading it back."""
    answers: dict[str, Any] = {}
    for group in sections():
        if group.path == "":
            _flatten(profile, group, answers)
        elif group.path in profile:
            value = profile[group.path]
            if group.repeated:
                answers[group.path] = [_flatten(item, group, {}) for item in value]
            else:
                _flatten(value, group, answers, prefix=f"{group.path}.")
    return answers


def _flatten(
    record: Mapping[str, Any], group: Group, into: dict[str, Any], prefix: str = ""
) -> dict[str, Any]:
    for item in group.items:
        if isinstance(item, Group):
            if item.path in record:
                into[item.path] = [_flatten(sub, item, {}) for sub in record[item.path]]
            continue
        where: Any = record
        for part in item.path.split("."):
            if not isinstance(where, Mapping) or part not in where:
                break
            where = where[part]
        else:
            into[f"{prefix}{item.path}"] = where
    return into
