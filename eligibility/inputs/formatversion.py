"""Profile format versions, and what a profile leaves unknown.

Format 1 (a profile without ``profile_version`` is read as one) reads a true/false field left out
as "no" (``typed`` as "yes") and a letter without a ``letter_date`` as undated; format 2 reads
both as "not stated". The schema marks each such true/false field with its format 1 reading (the
JSON Schema annotation ``default``), so this module holds no list of them. In either format a
profile may leave out a value the rules need rather than invent it (``LEFT_OUT``), and give a
date as a month or a year (``imprecise_dates``): ``engine/unstated.py`` answers under the other
readings of all of these.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from eligibility.dates import EARLIEST, is_imprecise, span
from eligibility.inputs.validation import schema

FIRST = 1
CURRENT = 2

# Fields other than true/false ones that format 1 reads as "there is none" when left out (a letter
# without a letter_date is undated), and format 2 as not stated; the other reading is the
# evaluation date, the latest a letter in the profile can bear: it covers the work up to then.
FORMAT1_NONE: dict[tuple[Path, str], str] = {
    (("verification_letters", "[]"), "letter_date"): "undated",
}

# A field that another field's ``true`` implies: a hand-signed letter is signed, in every format,
# so a letter with ``hand_signed: true`` and no ``signed`` is not missing anything.
IMPLIED_BY = {"signed": "hand_signed"}
# fields for people on any record (profile-format.md, "Bookkeeping fields"): the rules never read
# them, so nothing that orders records may either
BOOKKEEPING = frozenset({"source_document_ids", "verified", "note"})

# A field that another field, when given, replaces: a job that says its role_function is not read
# through the older directly_assigns_codes, so leaving that flag out changes nothing.
REPLACED_BY = {"directly_assigns_codes": "role_function"}

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Omitted:
    """A field a record leaves out: a true/false field (and what format 1 reads it as), or a
    value the rules need that the person did not know (``LEFT_OUT``)."""

    path: Path  # where it would go: ("verification_letters", 0, "contact_info_present")
    record: str  # the record as a person knows it: "letter-1", "CPC", "CEU record 3"
    field: str
    value: Any  # format 1's reading (true, false; None: "there is none"); None for a value left out
    other: Any = None  # the other reading (the opposite extreme of the one the facts make)
    reads_as: str = ""  # format 1's reading in words: "no", "yes", "undated"
    more: tuple[Any, ...] = ()  # further readings, for a value with more than two (a CEU's date)
    words: str = ""  # the field as a sentence names it (``field_words``): "paid-through date"
    choices: tuple[str, ...] = ()  # a value one of these: the schema's, to answer with

    @property
    def flag(self) -> bool:
        return isinstance(self.value, bool)


# Values the rules need that a profile may leave out, in either format, rather than invent (issue
# 14 item 19). The facts read one left out as one extreme (a job without a start is not counted;
# a membership without a paid-through date is paid up); the other reading is the other extreme:
# the earliest date the tool works with, or every value the schema allows. A CEU record without
# its completion date is in no cycle or period as the facts read it; its other readings
# ("placed") are the evaluation date and the same day one and two years before: in the current
# cycle or period, and in the last one, whether they run one year or two.
LEFT_OUT: dict[tuple[Path, str], str] = {
    (("work_history", "[]"), "start_date"): "earliest",
    (("work_history", "[]"), "code_sets"): "every",
    (("memberships", "[]"), "paid_through"): "earliest",
    (("ceus", "[]"), "completion_date"): "placed",
    # a completed course that gives no hours may be long enough for any condition on hours
    (("training", "[]"), "hours"): "ample",
}
AMPLE = 10_000  # an amount left out read as more than any condition asks: no upper bound
AMPLE_HOURS = {"value": AMPLE, "unit": "contact_hours"}
PLACED_YEARS_BEFORE = (0, 1, 2)


def version_of(data: Mapping[str, Any]) -> int:
    """The format a (schema-valid) profile is written in: its ``profile_version``, else 1."""
    return data.get("profile_version") or FIRST


@cache
def format1_readings() -> tuple[tuple[Path, str, bool], ...]:
    """(record path with ``[]`` for list items, field, format 1 reading) for every true/false
    field of the profile schema whose omission format 1 reads as a value."""
    return tuple(
        (where, name, field["default"])
        for where, name, field in _schema_fields()
        if field.get("type") == "boolean" and "default" in field
    )


@cache
def _schema_fields() -> tuple[tuple[Path, str, Mapping[str, Any]], ...]:
    """(record path with ``[]`` for list items, field name, its schema) of every field of the
    profile schema, records within records included."""
    found: list[tuple[Path, str, Mapping[str, Any]]] = []

    def walk(node: Mapping[str, Any], where: Path) -> None:
        for name, sub in node.get("properties", {}).items():
            found.append((where, name, sub))
            inner = sub.get("items") if sub.get("type") == "array" else sub
            if isinstance(inner, Mapping) and "properties" in inner:
                walk(inner, (*where, name, "[]") if inner is not sub else (*where, name))

    walk(schema("profile"), ())
    return tuple(found)


def omitted_flags(data: Mapping[str, Any], as_of: date | None = None) -> list[Omitted]:
    """The true/false fields ``data`` leaves out whose reading format 2 changes, in file order;
    a date read as "there is none" is tried on ``as_of`` (else the profile's own date)."""
    found: list[Omitted] = []
    readings = _flag_places()
    for where, path, record in _records(data, readings):
        for name, value in readings[where]:
            if name in record or record.get(IMPLIED_BY.get(name, "")) is True:
                continue
            if REPLACED_BY.get(name) in record:
                continue
            word = "yes" if value else "no"
            label = _label(path, record, data)
            words = field_words(where, name)
            found.append(Omitted((*path, name), label, name, value, not value, word, words=words))
    for (where, name), word in FORMAT1_NONE.items():
        for _, path, record in _records(data, (where,)):
            if name not in record:
                label = _label(path, record, data)
                found.append(
                    Omitted(
                        (*path, name),
                        label,
                        name,
                        None,
                        (as_of or _own_date(data)).isoformat(),
                        word,
                        words=field_words(where, name),
                    )
                )
    if found:  # in file order: sections as the profile has them, records in order
        sections = {name: place for place, name in enumerate(data)}
        found.sort(key=lambda item: (sections.get(item.path[0], 0), item.path[1:]))
    return found


def field_words(where: Path, name: str) -> str:
    """A field of the records at ``where`` as a sentence names it: the schema's ``title`` ("Paid-through
    date" for ``paid_through``) with a small first letter, else its name in words."""
    return _field_words().get((where, name)) or name.replace("_", " ")


@cache
def _field_words() -> dict[tuple[Path, str], str]:
    return {
        (where, name): in_sentence(field["title"])
        for where, name, field in _schema_fields()
        if "title" in field
    }


def in_sentence(title: str) -> str:
    """``title`` as inside a sentence: "Start date" -> "start date"; "PCAP-approved" stays."""
    return title if title[1:2].isupper() else title[:1].lower() + title[1:]


@cache
def record_words() -> dict[str, str]:
    """Each section -> what one of its records is called: a list's, its items' schema title
    ("letter"); a section of one record, its own ("your education")."""
    found = {}
    for name, field in schema("profile")["properties"].items():
        if isinstance(field.get("items"), Mapping) and "title" in field["items"]:
            found[name] = in_sentence(field["items"]["title"])
        elif field.get("type") == "object" and "title" in field:
            found[name] = f"your {in_sentence(field['title'])}"
    return found


@cache
def _flag_places() -> dict[Path, tuple[tuple[str, bool], ...]]:
    places: dict[Path, list[tuple[str, bool]]] = {}
    for where, name, value in format1_readings():
        places.setdefault(where, []).append((name, value))
    return {where: tuple(fields) for where, fields in places.items()}


def left_out_values(data: Mapping[str, Any], as_of: date | None = None) -> list[Omitted]:
    """The values of ``LEFT_OUT`` that ``data`` leaves out, each with its other reading(s);
    ``as_of`` (default: the profile's own, else today) places a CEU record left undated."""
    wanted = _left_out_places()
    if all(  # the usual case, in plain loops: every record gives them
        name in record
        for (section, _), names in wanted.items()
        for record in data.get(section) or ()
        for name in names
    ):
        return []
    found = []
    for where, path, record in _records(data, wanted):
        for name in wanted[where]:
            if name not in record:
                other, *more = _other_readings(where, name, as_of or _own_date(data))
                found.append(
                    Omitted(
                        (*path, name),
                        _label(path, record, data),
                        name,
                        None,
                        other,
                        more=tuple(more),
                        words=field_words(where, name),
                    )
                )
    return found


@cache
def _left_out_places() -> dict[Path, tuple[str, ...]]:
    places: dict[Path, list[str]] = {}
    for where, name in LEFT_OUT:
        places.setdefault(where, []).append(name)
    return {where: tuple(names) for where, names in places.items()}


def not_stated(data: Mapping[str, Any], as_of: date | None = None) -> list[Omitted]:
    """Everything ``data`` leaves unknown that an answer may need: the values of ``LEFT_OUT`` it
    leaves out and, in format 2, the true/false fields it leaves out (format 1 reads those as the
    schema's ``default`` says)."""
    values = left_out_values(data, as_of)
    if version_of(data) == FIRST:
        return values
    return [_replacement(item) for item in omitted_flags(data, as_of)] + values


def _replacement(item: Omitted) -> Omitted:
    """A flag left out beside the field that replaces it, also left out: the newer field is
    the one to give (a job's role_function, one of four, not directly_assigns_codes), each of
    its values a reading."""
    name = REPLACED_BY.get(item.field)
    if name is None:
        return item
    where = tuple("[]" if isinstance(step, int) else step for step in item.path[:-1])
    node: Mapping[str, Any] = schema("profile")
    for step in where:
        node = node["items"] if step == "[]" else node["properties"][step]
    choices = tuple(node["properties"][name]["enum"])
    return Omitted(
        (*item.path[:-1], name),
        item.record,
        name,
        None,
        choices[0],
        more=choices[1:],
        words=field_words(where, name),
        choices=choices,
    )


def _other_readings(where: Path, name: str, as_of: date) -> list[Any]:
    kind = LEFT_OUT[(where, name)]
    if kind == "placed":
        return [_years_before(as_of, years).isoformat() for years in PLACED_YEARS_BEFORE]
    if kind == "ample":
        return [dict(AMPLE_HOURS)]
    if kind == "every":
        node: Mapping[str, Any] = schema("profile")
        for step in where:
            node = node["items"] if step == "[]" else node["properties"][step]
        return [list(node["properties"][name]["items"]["enum"])]
    return [EARLIEST.isoformat()]


def _years_before(day: date, years: int) -> date:
    """The same day ``years`` years before (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _own_date(data: Mapping[str, Any]) -> date:
    """The profile's own evaluation date, else today: where no date is given to place a value."""
    given = data.get("as_of")
    if isinstance(given, date):
        return given
    return date.fromisoformat(given) if isinstance(given, str) else date.today()


def _records(data: Mapping[str, Any], places: Iterable[Path]) -> list[tuple[Path, Path, Mapping]]:
    """The records of ``data`` at ``places`` (schema places, ``[]`` for list items), each with its
    place and its path: only where something is looked for, so a profile is not walked whole (a
    batch asks this of every student: plain loops, no generators)."""
    found: list[tuple[Path, Path, Mapping]] = []
    for where in places:
        if len(where) == 2 and where[1] == "[]":  # a section's records: most places
            items = data.get(where[0])
            if items:
                section = where[0]
                found += [
                    (where, (section, index), item)
                    for index, item in enumerate(items)
                    if type(item) is dict or isinstance(item, Mapping)
                ]
            continue
        nodes: list[tuple[Path, Any]] = [((), data)]
        for step in where:
            deeper: list[tuple[Path, Any]] = []
            for path, node in nodes:
                if step == "[]":
                    if isinstance(node, list):
                        deeper += [((*path, i), item) for i, item in enumerate(node)]
                elif (node.__class__ is dict or isinstance(node, Mapping)) and step in node:
                    deeper.append(((*path, step), node[step]))
            nodes = deeper
        found += [
            (where, path, node)
            for path, node in nodes
            if node.__class__ is dict or isinstance(node, Mapping)
        ]
    return found


def _label(path: Path, record: Mapping[str, Any], data: Mapping[str, Any] | None = None) -> str:
    """How a person finds the record: its ``id`` (a credential's is its name), a cycle by its
    credential and dates ("the CCS cycle 2024-01-01 to 2025-12-31"), else its place."""
    if isinstance(record.get("id"), str) and record["id"].strip():
        return record["id"]
    if data is not None and len(path) == 4 and "start" in record and "end" in record:
        owner = data.get(path[0])
        owner = owner[path[1]] if isinstance(owner, list) and len(owner) > path[1] else None
        if isinstance(owner, Mapping) and isinstance(owner.get("id"), str):
            return f"the {owner['id']} cycle {record['start']} to {record['end']}"
    words = record_words().get(str(path[0])) if path else None
    counted = (
        f"{words} {path[1] + 1}" if words and len(path) == 2 and isinstance(path[1], int) else None
    )
    # a job and a CEU record without an id named as the answers' "not counted" lines begin (the
    # fact files' detail): "job 2 (Coder at Northside Clinic)", "CEU record 1 (Risk adjustment
    # update", where those lines add its CEUs and date)
    employer, role, title = (_text(record, f) for f in ("employer", "role_title", "activity_title"))
    if counted and (employer or role):
        return (
            f"{counted} ({role} at {employer or 'an employer not named'})"
            if role
            else f"{counted} ({employer})"
        )
    if counted and title:
        return f"{counted} ({title})"
    if _text(record, "organization"):
        return f"the {record['organization']} membership"
    if counted:
        return counted  # "letter 1": as a person counts
    if words and len(path) == 1:
        return words
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the profile"


def _text(record: Mapping[str, Any], field: str) -> str | None:
    value = record.get(field)
    return value.strip() if isinstance(value, str) and value.strip() else None


def format_note(
    data: Mapping[str, Any], matters: Callable[[str, str], bool] | None = None
) -> str | None:
    """The note a format 1 profile gets when it leaves out a field format 2 reads differently:
    which fields, what they are read as, and how to upgrade. None for anything else.
    ``matters``: whether a field (by its profile section and name) can change the answers asked
    for; the others are left out of the note (an AHIMA-only field beside an AAPC answer)."""
    if version_of(data) != FIRST:
        return None
    omitted = [
        item
        for item in omitted_flags(data)
        if matters is None or matters(str(item.path[0]), item.field)
    ]
    if not omitted:
        return None
    by_record: dict[tuple[str, Path], list[str]] = {}
    for item in omitted:
        # in words: a field's name is for whoever edits the file, which 'upgrade' writes out
        by_record.setdefault((item.record, item.path[:-1]), []).append(
            f"{item.words} (taken as {item.reads_as})"
        )
    # records left the same fields out are named together: a profile with many cycles or CEU
    # records would otherwise repeat the same words once for each
    alike: dict[tuple[str, ...], list[str]] = {}
    for (record, _), names in by_record.items():
        alike.setdefault(tuple(names), []).append(record)
    fields = "; ".join(
        f"{_named_together(records)}: {', '.join(names)}" for names, records in alike.items()
    )
    return (
        f"your profile is in the older format, which takes what it leaves out as below: {fields}."
        f" If you know better, say so: the current format takes what is left out as not stated"
        f" ('eligibility upgrade' rewrites the profile in it, these written out)"
    )


def _named_together(labels: list[str]) -> str:
    """Records named together, each once ("letter-1 (2 records)" for two of one id), the first
    two and how many more when there are many."""
    counts = Counter(labels)
    named = [label if n == 1 else f"{label} ({n} records)" for label, n in counts.items()]
    if len(named) > 3:
        first_two = sum(list(counts.values())[:2])
        return f"{named[0]}, {named[1]} and {len(labels) - first_two} more records"
    return ", ".join(named[:-1]) + (" and " if len(named) > 1 else "") + named[-1]


# The schema's pattern of a date given as a month or a year: a date field that accepts it may be
# imprecise
MONTH_OR_YEAR = "^(19|2[01])\\d{2}(-(0[1-9]|1[0-2]))?$"

# Dates that end something: read at the latest day of their range where a time is at its longest
END_LIKE = frozenset({"end_date", "stated_end", "paid_through", "cycle_end", "end", "letter_date"})


@dataclass(frozen=True)
class Imprecise:
    """A date that stands for a range of days: a month (``2024-03``), a year (``"2024"``), or a
    day whose job says only its month or year is known (``date_precision``)."""

    path: Path
    record: str
    field: str
    text: str
    first: str  # the range, as ISO days
    last: str
    end_like: bool  # an end: the longest reading takes its last day, not its first
    words: str = ""  # the field as a sentence names it (``field_words``): "paid-through date"


@cache
def date_fields() -> tuple[tuple[Path, str], ...]:
    """(record path with ``[]`` for list items, field) of every date a profile may give
    imprecisely: each date field of the schema that accepts a month or a year."""
    return tuple(
        (where, name)
        for where, name, field in _schema_fields()
        if any(a.get("pattern") == MONTH_OR_YEAR for a in field.get("anyOf", ()))
    )


def imprecise_dates(data: Mapping[str, Any]) -> list[Imprecise]:
    """The dates of ``data`` that stand for more than one day, in the order of the schema."""
    fields = _date_places()
    if not _any_imprecise(data, _date_sections()):
        return []  # the usual case: every date a day, found without building a path
    found = []
    for where, path, record in _records(data, fields):
        precision = record.get("date_precision")
        names = fields[where]
        for name in names:
            text = record.get(name)
            if isinstance(text, str) and is_imprecise(text, precision):
                first, last = span(text, precision)
                found.append(
                    Imprecise(
                        (*path, name),
                        _label(path, record, data),
                        name,
                        text,
                        first.isoformat(),
                        last.isoformat(),
                        name in END_LIKE,
                        field_words(where, name),
                    )
                )
    return found


def _any_imprecise(node: Mapping[str, Any], sections: Mapping[str, Any]) -> bool:
    """Whether a record may hold a date that is not a day: a quick look, in plain loops, at the
    sections ``node`` has (a batch asks this of every student)."""
    for section, value in node.items():
        found = sections.get(section)
        if found is None or not value:
            continue
        names, inner = found
        for record in value if value.__class__ is list else (value,):
            if record.__class__ is not dict:
                continue
            precision = record.get("date_precision")
            if precision == "month" or precision == "year":
                return True
            for name in names:
                text = record.get(name)
                if text.__class__ is str and len(text) != 10:
                    return True
            if inner and _any_imprecise(record, inner):
                return True
    return False


@cache
def _date_sections() -> dict[str, Any]:
    """The date places as a tree of sections: name -> (date fields, the sections inside)."""
    tree: dict[str, Any] = {}
    for where, names in _date_places().items():
        steps = [step for step in where if step != "[]"]
        level = tree
        for step in steps[:-1]:
            level = level.setdefault(step, ((), {}))[1]
        own, inner = level.get(steps[-1], ((), {}))
        level[steps[-1]] = (own + names, inner)
    return tree


@cache
def _date_places() -> dict[Path, tuple[str, ...]]:
    places: dict[Path, list[str]] = {}
    for where, name in date_fields():
        places.setdefault(where, []).append(name)
    return {where: tuple(names) for where, names in places.items()}
