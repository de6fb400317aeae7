"""Reading a cohort: a file or directory of many profiles -> rows, one per student.

Formats: JSON Lines (``.jsonl``/``.ndjson``), a multi-document YAML stream (``.yaml``/``.yml``), a
directory of profile files, or CSV (``.csv``) in the flat layout of ``docs/batch.md`` (or another
layout renamed by a mapping file). A row that cannot be parsed or validated carries an
:class:`InputError` instead of a profile, so the batch reports it and goes on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from eligibility.errors import InputError
from eligibility.profiles import Profile, profile_from_data, profile_from_text, read_text
from eligibility.yamlio import DatesAsTextLoader, parse_text, refuse_runaway_aliases

CSV_COLUMNS = (
    "candidate_id", "name", "as_of", "highest_education",
    "coding_start", "coding_end", "hours_per_week", "code_sets", "letter_on_file",
    "course_hours", "course_completed_on", "course_topics", "practicode_completed_on",
    "credentials", "aapc_paid_through", "aapc_renewal_month",
)  # fmt: skip


@dataclass(frozen=True)
class Row:
    """One student of the cohort: a valid profile, or the error that kept it from being one."""

    number: int
    where: str
    profile: Profile | None
    error: InputError | None = None
    who: tuple[str, str] = ("", "")  # candidate id and name of a bad row, when they can be read


@dataclass(frozen=True)
class Item:
    """One student as read, not yet parsed or validated: cheap to read in order, and to hand to
    another process (``eligibility batch --jobs``) that turns it into a :class:`Row`."""

    number: int
    where: str
    kind: str  # "json" (a JSON text), "file" (a profile file's path), "data" (parsed), "flat" (a CSV record)
    payload: Any
    error: InputError | None = None  # a row that could not even be read


def read_cohort(path: str | Path, mapping: Mapping[str, str] | None = None) -> Iterator[Row]:
    """The rows of a cohort, streamed in input order."""
    return (parse_item(item) for item in read_items(path, mapping))


def read_items(path: str | Path, mapping: Mapping[str, str] | None = None) -> Iterator[Item]:
    """The students of a cohort as read (in input order); raises :class:`InputError` at once for
    an unknown format or a CSV without the columns it needs."""
    source = Path(path)
    if source.is_dir():
        return _directory(source)
    suffix = source.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return _json_lines(source)
    if suffix in (".yaml", ".yml"):
        return _yaml_stream(source)
    if suffix == ".csv":
        return _csv(source, mapping or {})
    raise InputError(
        str(source),
        None,
        f"unknown cohort format {suffix or '(no extension)'!r}",
        "use .jsonl, .yaml (one document per student), .csv, or a directory of profiles",
    )


def count_items(path: str | Path) -> int:
    """About how many students a cohort holds, cheaply (for a progress bar): lines, records,
    documents or files."""
    source = Path(path)
    if source.is_dir():
        return sum(1 for p in source.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json"))
    try:
        with source.open("rb") as handle:
            if source.suffix.lower() in (".yaml", ".yml"):
                return max(1, sum(1 for line in handle if line.startswith(b"---")))
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return 0
    return max(0, lines - 1) if source.suffix.lower() == ".csv" else lines


def parse_item(item: Item) -> Row:
    """Parse and validate one student; a problem becomes the row's error, never an exception."""
    if item.error is not None:
        return Row(item.number, item.where, None, item.error)
    data: Any = item.payload if item.kind in ("data", "flat") else None
    try:
        if item.kind == "file":
            profile = profile_from_text(read_text(item.payload), item.where, bulk=True)
            return Row(item.number, item.where, profile)
        if item.kind == "json":
            data = _json(item.payload, item.where)
        profile = profile_from_data(
            profile_from_flat(data, item.where) if item.kind == "flat" else data,
            item.where,
            plain_json=item.kind == "json",  # as orjson returned it
            bulk=True,
        )
    except InputError as error:
        # name the student when the row says who it is, so that the report can be acted on
        who = (
            (str(data.get("candidate_id") or ""), str(data.get("name") or ""))
            if isinstance(data, dict)
            else ("", "")
        )
        return Row(item.number, item.where, None, error, who)
    return Row(item.number, item.where, profile)


def load_mapping(path: str | Path) -> dict[str, str]:
    """A CSV mapping file: ``columns: {our_column: their_column, ...}``."""
    data = parse_text(read_text(path), str(path))
    columns = data.get("columns") if isinstance(data, dict) else None
    unknown = sorted(set(columns or {}) - set(CSV_COLUMNS)) if isinstance(columns, dict) else []
    if not isinstance(columns, dict) or unknown:
        raise InputError(
            str(path),
            None,
            f"unknown column name(s) {', '.join(unknown)}" if unknown else "no 'columns:' mapping",
            f"write columns: {{OUR_NAME: YOUR_COLUMN}} with OUR_NAME one of {', '.join(CSV_COLUMNS)}",
        )
    return {ours: str(theirs) for ours, theirs in columns.items()}


def _directory(folder: Path) -> Iterator[Item]:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json"))
    for number, path in enumerate(files, start=1):
        yield Item(number, str(path), "file", str(path))


def _json_lines(path: Path) -> Iterator[Item]:
    """One item per non-blank line; its row number is its line number, so that a worker given a
    stretch of the file numbers its rows as a single reader would."""
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line_number, line in enumerate(lines, start=1):
            if line.strip():
                yield Item(line_number, f"{path}:{line_number}", "json", line)


def _json(line: str, where: str) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise InputError(
            where,
            f"column {error.colno}",
            f"not valid JSON: {error.msg}",
            "each line must hold one whole profile as JSON",
        ) from None


def _yaml_stream(path: Path) -> Iterator[Item]:
    """YAML documents are parsed here, in order: a stream cannot be split before it is read."""
    text = read_text(path)
    loader = DatesAsTextLoader(text)
    number = 0
    try:
        while True:
            try:
                if not loader.check_node():
                    break
                node = loader.get_node()
                start = node.start_mark.line + 1
                data = loader.construct_document(node)
            except yaml.YAMLError as error:
                number += 1
                mark = getattr(error, "problem_mark", None)
                where = f"{path}:{mark.line + 1 if mark else '?'}"
                problem = InputError(
                    where,
                    None,
                    f"not valid YAML: {getattr(error, 'problem', error)}",
                    "fix this document; the rest of the stream is not read",
                )
                yield Item(number, where, "data", None, problem)
                return
            number += 1
            where = f"{path}:{start}"
            try:
                if "*" in text:  # an alias somewhere: this document may be one that never ends
                    refuse_runaway_aliases(data, where)
            except InputError as problem:
                yield Item(number, where, "data", None, problem)
                continue
            yield Item(number, where, "data", data)
    finally:
        loader.dispose()


def _csv(path: Path, mapping: Mapping[str, str]) -> Iterator[Item]:
    handle = path.open(encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.DictReader(handle)
    columns = {ours: mapping.get(ours, ours) for ours in CSV_COLUMNS}
    if columns["candidate_id"] not in (reader.fieldnames or []):
        handle.close()
        raise InputError(
            str(path),
            "line 1",
            f"no column {columns['candidate_id']!r} in the header",
            "use the default layout (docs/batch.md) or give --mapping",
        )
    return _csv_records(path, handle, reader, columns)


def _csv_records(path: Path, handle, reader: csv.DictReader, columns) -> Iterator[Item]:
    with handle:
        for number, record in enumerate(reader, start=1):
            flat = {ours: (record.get(theirs) or "").strip() for ours, theirs in columns.items()}
            yield Item(number, f"{path}:{reader.line_num}", "flat", flat)


def profile_from_flat(flat: Mapping[str, str], where: str) -> dict[str, Any]:
    """A nested profile from one row of the flat CSV layout (docs/batch.md)."""

    def split(value: str) -> list[str]:
        return [part.strip() for part in value.split(";") if part.strip()]

    def number(column: str) -> float | None:
        value = flat.get(column, "")
        if not value:
            return None
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            raise InputError(
                where,
                f"column {column}",
                f"{value!r} is not a number",
                f"write {column} as a number",
            ) from None

    profile: dict[str, Any] = {"profile_version": 1}
    for column in ("candidate_id", "name", "as_of"):
        if flat.get(column):
            profile[column] = flat[column]
    if flat.get("highest_education"):
        profile["education"] = {"highest_level": flat["highest_education"]}
    if flat.get("coding_start"):
        job: dict[str, Any] = {
            "id": "job",
            "start_date": flat["coding_start"],
            "end_date": flat.get("coding_end") or None,
            "directly_assigns_codes": True,
            "code_sets": split(flat.get("code_sets", "")) or ["CPT", "ICD-10-CM"],
        }
        if number("hours_per_week") is not None:
            job["hours_per_week"] = number("hours_per_week")
        profile["work_history"] = [job]
        if flat.get("letter_on_file", "").lower() in ("yes", "y", "true", "1"):
            end = flat.get("coding_end")
            profile["verification_letters"] = [
                {
                    "covers_work_id": "job",
                    "author_role": "employer",
                    "on_letterhead": True,
                    "hand_signed": True,
                    "signed": True,
                    "letter_date": end or flat.get("as_of") or flat["coding_start"],
                    "stated_start": flat["coding_start"],
                    **({"stated_end": end} if end else {"states_to_present": True}),
                    "contact_info_present": True,
                    "format": "pdf_non_editable",
                }
            ]
    if number("course_hours") is not None:
        profile["training"] = [
            {
                "program_type": "school_certificate",
                "completed": bool(flat.get("course_completed_on")),
                "completion_date": flat.get("course_completed_on") or None,
                "hours": {"value": number("course_hours"), "unit": "contact_hours"},
                "topics": split(flat.get("course_topics", "")),
            }
        ]
    if flat.get("practicode_completed_on"):
        profile["practicode"] = {
            "completed": True,
            "completion_date": flat["practicode_completed_on"],
        }
    credentials = []
    for credential in split(flat.get("credentials", "")):
        apprentice = credential.upper().endswith("-A")
        credentials.append(
            {"id": credential[:-2] if apprentice else credential, "apprentice": apprentice}
        )
    if credentials:
        profile["credentials"] = credentials
    if flat.get("aapc_paid_through"):
        membership: dict[str, Any] = {
            "organization": "AAPC",
            "paid_through": flat["aapc_paid_through"],
        }
        if number("aapc_renewal_month") is not None:
            membership["renewal_month"] = number("aapc_renewal_month")
        profile["memberships"] = [membership]
    return profile
