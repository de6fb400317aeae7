"""Loading candidate profiles: file -> validated profile.

A profile is YAML or JSON (``schemas/profile.schema.json``). It is checked in three steps, each
failing with one message naming the file, the place and the fix: it must parse, it must match the
schema, and its dates and references must make sense together (an end before its start, a letter
pointing at a job that is not there).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from eligibility.dates import span
from eligibility.errors import InputError, place_of
from eligibility.inputs.formatversion import format_note
from eligibility.inputs.jsontext import parse_json
from eligibility.inputs.validation import validate
from eligibility.inputs.yamlio import line_of, parse_text


@dataclass(frozen=True)
class Profile:
    """A schema-valid profile and where it came from."""

    source: str
    data: Mapping[str, Any]
    assumed: tuple[str, ...] = ()  # what reading it assumed (a CSV row's letter date), in words

    @property
    def label(self) -> str:
        """How reports name the person: their name, else their id, else the file."""
        return self.data.get("name") or self.data.get("candidate_id") or Path(self.source).stem


MAX_BYTES = 1 << 20  # a profile, rule, config or mapping file, or one student of a cohort


def too_large(where: str, limit: int = MAX_BYTES) -> InputError:
    return InputError(
        where,
        None,
        f"larger than {limit >> 20} MiB, far more than a profile or rule file needs",
        "check that this is the right file; split a cohort into one student per line or file",
    )


def read_text(path: str | Path, limit: int = MAX_BYTES) -> str:
    """A file's text (at most ``limit`` bytes, line endings as LF), or an :class:`InputError`
    saying why it cannot be read. The limit keeps ``/dev/zero`` or a wrong file from being
    read until memory runs out."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(str(path), None, "file not found", "check the path") from None
    except IsADirectoryError:
        raise InputError(
            str(path), None, "is a directory, not a file", "name a .yaml or .json file"
        ) from None
    except OSError as error:
        raise InputError(str(path), None, f"cannot be read: {error.strerror}", None) from None
    return decode_text(data, str(path), limit)


def decode_text(data: bytes, where: str, limit: int = MAX_BYTES) -> str:
    """Bytes read (from a file, or an upload to ``eligibility serve``) as a profile's text, as
    :func:`read_text` reads a file: at most ``limit`` bytes of UTF-8, line endings as LF."""
    if len(data) > limit:
        raise too_large(where, limit)
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")  # a byte order mark says nothing
    except UnicodeDecodeError as error:
        raise InputError(
            where, f"byte {error.start}", "not UTF-8 text", "save the file as UTF-8"
        ) from None
    if "\r" in text:  # as text mode reads it: CRLF and CR end lines too
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def load_profile(path: str | Path) -> Profile:
    """Read, parse and validate the profile at ``path``; a format 1 profile that leaves out a
    true/false field format 2 reads differently carries a note saying so (``assumed``). A
    cohort's students do not: the note would repeat on every line of a batch's report."""
    return _noted(profile_from_text(read_text(path), str(path)))


def profile_from_upload(data: bytes, name: str) -> Profile:
    """A profile file received as bytes (``eligibility serve``), read and checked exactly as
    :func:`load_profile` reads the file ``name``."""
    return _noted(profile_from_text(decode_text(data, name), name))


def _noted(profile: Profile) -> Profile:
    note = format_note(profile.data)
    return replace(profile, assumed=(*profile.assumed, note)) if note else profile


def profile_from_text(text: str, source: str) -> Profile:
    """Parse and validate a profile given as YAML or JSON text; ``source`` names it in errors."""
    if source.endswith(".json"):
        return profile_from_data(parse_json(text, source), source)
    data = parse_text(text, source)
    return profile_from_data(data, source, lambda path: line_of(text, path))


def profile_from_data(data: Any, source: str, locate=None) -> Profile:
    """Validate an already-parsed profile (a batch row, a Python dict)."""
    if not isinstance(data, dict):
        raise InputError(
            source,
            None,
            "a profile must be a mapping of fields (name: ..., work_history: ...)",
            "see docs/profile-format.md for an example",
        )
    validate(data, "profile", source, locate)
    for path, problem, fix in _consistency_problems(data):
        line = locate(path) if locate else None
        raise InputError(source, place_of(path, line), problem, fix)
    return Profile(source, data)


def _consistency_problems(data: Mapping[str, Any]) -> Iterator[tuple[list[str | int], str, str]]:
    """Problems the schema cannot see: dates out of order, dangling or repeated ids."""
    ranges = [
        ("work_history", "start_date", "end_date"),
        ("training", "start_date", "completion_date"),
        ("memberships", "start_date", "paid_through"),
        ("verification_letters", "stated_start", "stated_end"),
        ("credentials", "cycle_start", "cycle_end"),
    ]
    for section, first, last in ranges:
        for index, record in enumerate(data.get(section, [])):
            if record.get(first) and record.get(last) and _before(record[last], record[first]):
                yield (
                    [section, index, last],
                    f"{last} {record[last]} is before {first} {record[first]}",
                    f"correct one of the two dates; {last} must be on or after {first}",
                )
    for index, credential in enumerate(data.get("credentials", [])):
        for k, cycle in enumerate(credential.get("recert_cycles", [])):
            if cycle.get("start") and cycle.get("end") and _before(cycle["end"], cycle["start"]):
                yield (
                    ["credentials", index, "recert_cycles", k, "end"],
                    f"end {cycle['end']} is before start {cycle['start']}",
                    "correct one of the two dates; a cycle's end must be on or after its start",
                )
    for section in ("work_history", "training", "verification_letters"):
        seen: set[str] = set()
        for index, record in enumerate(data.get(section, [])):
            if "id" not in record:
                continue
            if record["id"] in seen:
                yield (
                    [section, index, "id"],
                    f"the id {record['id']!r} is used twice in {section}",
                    "give each record its own id",
                )
            seen.add(record["id"])
    seen_credentials: dict[str, int] = {}
    for index, credential in enumerate(data.get("credentials", [])):
        name = credential["id"].strip().upper()
        if name in seen_credentials:
            yield (
                ["credentials", index, "id"],
                f"the credential {credential['id']!r} is listed twice"
                f" (also at credentials[{seen_credentials[name]}])",
                "keep one record per credential, with its latest status and dates",
            )
        seen_credentials.setdefault(name, index)
    job_ids = {job["id"] for job in data.get("work_history", []) if "id" in job}
    for index, letter in enumerate(data.get("verification_letters", [])):
        target = letter.get("covers_work_id")
        if target is not None and target not in job_ids:
            known = ", ".join(sorted(job_ids)) or "none (give your jobs an 'id')"
            yield (
                ["verification_letters", index, "covers_work_id"],
                f"no job has the id {target!r}",
                f"use the id of a work_history record: {known}",
            )
    for index, course in enumerate(data.get("training", [])):
        if (
            course.get("completed")
            and "completion_date" in course
            and course["completion_date"] is None
        ):
            yield (
                ["training", index, "completion_date"],
                "a completed course has no completion date",
                "give the completion date, or set completed: false",
            )


def _before(end: str, start: str) -> bool:
    """Whether ``end`` is surely before ``start``: a month or year may end as late as its last day
    and start as early as its first (``2024-03`` may end after ``2024-03-15`` starts)."""
    if len(end) == len(start) == 10:
        return end < start  # ISO days compare as text (the usual case: no dates parsed)
    return span(end)[1] < span(start)[0]
