"""Loading candidate profiles: file -> validated profile.

A profile is YAML or JSON (``schemas/profile.schema.json``). It is checked in three steps: it
must parse (or it fails there, with one message), it must match the schema, and its dates and
references must make sense together (an end before its start, a letter pointing at a job that is
not there). The problems of the last two are raised together, in line order, each naming the
file, the place, the fix and an example.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from eligibility.dates import is_imprecise, span
from eligibility.errors import InputError, close_matches, listing
from eligibility.inputs.formatversion import format_note
from eligibility.inputs.jsontext import parse_json
from eligibility.inputs.validation import Problem, placed, problems
from eligibility.inputs.yamlio import locator, parse_text, snippet


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
STDIN, STDIN_NAME = "-", "<stdin>"  # the path that stands for standard input; its name in messages


def source_name(path: str | Path) -> str:
    """How messages and reports name what ``path`` reads: the path, or ``<stdin>`` for ``-``."""
    return STDIN_NAME if str(path) == STDIN else str(path)


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
    read until memory runs out. ``-`` reads standard input (named ``<stdin>``)."""
    stdin = str(path) == STDIN
    path = source_name(path)
    try:
        with nullcontext(sys.stdin.buffer) if stdin else open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(str(path), None, "file not found", "check the path") from None
    except IsADirectoryError:
        raise InputError(
            str(path),
            None,
            "is a directory, not a file",
            "name a .yaml or .json file (a folder of profiles is checked with"
            " 'eligibility batch FOLDER --out report.csv')",
        ) from None
    except OSError as error:
        raise InputError(str(path), None, f"cannot be read: {error.strerror}", None) from None
    return decode_text(data, str(path), limit)


def decode_text(data: bytes, where: str, limit: int = MAX_BYTES) -> str:
    """Bytes read (from a file, or an upload to ``eligibility serve``) as a profile's text, as
    :func:`read_text` reads a file: at most ``limit`` bytes of UTF-8, line endings as LF."""
    if len(data) > limit:
        raise too_large(where, limit)
    kind = next((name for magic, name in _NOT_TEXT if data.startswith(magic)), None)
    if kind is not None:  # a document, not a profile: no save-as advice can make it one
        raise InputError(
            where,
            None,
            f"this is {kind}, not a profile (a profile is a text file of answers)",
            "make a profile with 'eligibility init' (questions on the terminal), 'eligibility"
            " serve' (a form in your browser) or 'eligibility template' (a file to fill in)",
        )
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")  # a byte order mark says nothing
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        start = data.rfind(b"\n", 0, error.start) + 1
        before = data[start : error.start].decode("utf-8", "replace").strip()[-20:]
        after = f" after {before!r}" if before else " at the start of the line"
        raise InputError(
            where,
            f"line {line}",
            f"a character{after} is not UTF-8 text (the file was saved in another encoding,"
            " such as Windows' 'ANSI')",
            "save the file again choosing the encoding UTF-8 (in Notepad: Save as, Encoding:"
            " UTF-8)",
        ) from None
    if "\r" in text:  # as text mode reads it: CRLF and CR end lines too
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


# the first bytes of documents people may give in place of a profile, and what they are
_NOT_TEXT = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a Word, Excel or other Office document (or a zip file)"),
    (b"\xd0\xcf\x11\xe0", "an older Word or Excel document"),
    (b"{\\rtf", "a rich-text (RTF) document"),
    (b"\x89PNG", "a picture (PNG)"),
    (b"\xff\xd8\xff", "a picture (JPEG)"),
)


def load_profile(path: str | Path) -> Profile:
    """Read, parse and validate the profile at ``path``; a format 1 profile that leaves out a
    true/false field format 2 reads differently carries a note saying so (``assumed``). A
    cohort's students do not: the note would repeat on every line of a batch's report."""
    return _noted(profile_from_text(read_text(path), source_name(path)))


def profile_from_upload(data: bytes, name: str) -> Profile:
    """A profile file received as bytes (``eligibility serve``), read and checked exactly as
    :func:`load_profile` reads the file ``name``."""
    return _noted(profile_from_text(decode_text(data, name), name))


# a job's dates, and the field of a letter for the job that states each
LETTER_STATES = (("start_date", "stated_start"), ("end_date", "stated_end"))


def evaluation_date(profile: Profile, as_of: date | None) -> date:
    """The evaluation date: the one given (``--as-of``), else the profile's own, else today."""
    if as_of is not None:
        return as_of
    if profile.data.get("as_of"):
        return date.fromisoformat(profile.data["as_of"])
    return date.today()


def with_letter_days(profile: Profile, as_of: date | None) -> Profile:
    """``profile`` with a job's start or end known only to the month or year taken as the day a
    letter for that job states within it (AAPC reads the letter: CPC-APP-3), saying so in
    ``assumed``; the profile itself when there is none such (the usual case, found at once).
    A letter dated after the evaluation date (:func:`evaluation_date` of ``as_of``) is not
    read: on that date it was not yet written."""
    jobs = profile.data.get("work_history") or ()
    if not any(
        isinstance(job.get(f), str) and is_imprecise(job[f], job.get("date_precision"))
        for job in jobs
        for f, _ in LETTER_STATES
    ):
        return profile
    day_of = evaluation_date(profile, as_of)
    letters = [  # written by then: a letter known only to the month may be written later
        letter
        for letter in profile.data.get("verification_letters") or ()
        if not (isinstance(written := letter.get("letter_date"), str) and span(written)[1] > day_of)
    ]
    notes: list[str] = []
    changed = []
    for place, job in enumerate(jobs, start=1):
        precision = job.get("date_precision")
        days = {}
        for field, stated in LETTER_STATES:
            text = job.get(field)
            if not isinstance(text, str) or not is_imprecise(text, precision):
                continue
            first, last = span(text, precision)
            given = {
                (letter[stated], letter.get("id") or "a letter")
                for letter in letters
                if job.get("id") is not None
                and letter.get("covers_work_id") == job.get("id")
                and isinstance(letter.get(stated), str)
                and not is_imprecise(letter[stated])
                and first <= date.fromisoformat(letter[stated]) <= last
            }
            if len({day for day, _ in given}) == 1:
                day, letter_id = min(given)
                days[field] = day
                notes.append(
                    f"{job.get('id') or f'job {place}'}: {field.replace('_', ' ')} taken as {day},"
                    f" the day {letter_id} states (the profile gives {text})"
                )
        if days:
            job = {**job, **days}
            if precision in ("month", "year"):
                # the precision was said for all its dates: a day given keeps its own, and
                # the others say theirs as written ("2025-06" for a month)
                keep = 7 if precision == "month" else 4
                for field, _ in LETTER_STATES:
                    if field not in days and isinstance(job.get(field), str):
                        job[field] = job[field][:keep]
                job.pop("date_precision")
        changed.append(job)
    if not notes:
        return profile
    data = {**profile.data, "work_history": changed}
    return replace(profile, data=data, assumed=(*profile.assumed, *notes))


def _day(value: Any) -> date | None:
    """A date given to the day; None for one given to the month or year, or none."""
    return date.fromisoformat(value) if isinstance(value, str) and not is_imprecise(value) else None


def date_notes(data: Mapping[str, Any], today: date) -> tuple[str, ...]:
    """A note for each date that cannot be right as written, read as written all the same:
    something done (a course or Practicode completed, a letter written, a job begun) after the
    profile's own date (its ``as_of``, else ``today``), and a letter dated before the job it
    vouches for began. A year mistyped would otherwise count for nothing, or only later,
    without a word."""
    written = _day(data.get("as_of")) or today
    notes = []

    def done(what: str, day: date | None, counts: str) -> None:
        if day is not None and day > written:
            notes.append(
                f"{what} {day.isoformat()}, after the profile's date ({written.isoformat()}):"
                f" {counts} from that day (if the date is wrong, correct it)"
            )

    for place, course in enumerate(data.get("training") or (), start=1):
        if course.get("completed"):
            name = course.get("id") or course.get("program_name") or f"training entry {place}"
            done(f"{name} is marked completed on", _day(course.get("completion_date")), "it counts")
    practicode = data.get("practicode") or {}
    if practicode.get("completed"):
        done(
            "Practicode is marked completed on",
            _day(practicode.get("completion_date")),
            "it counts",
        )
    starts = {}
    for place, job in enumerate(data.get("work_history") or (), start=1):
        began = _day(job.get("start_date"))
        done(f"{job.get('id') or f'job {place}'} begins on", began, "its time counts only")
        if isinstance(job.get("id"), str):
            starts[job["id"]] = began
    for place, letter in enumerate(data.get("verification_letters") or (), start=1):
        name = letter.get("id") or f"letter {place}"
        day = _day(letter.get("letter_date"))
        done(f"{name} is dated", day, "it is read only")
        job = letter.get("covers_work_id")
        began = starts.get(job) if isinstance(job, str) else None
        if day is not None and began is not None and day < began:
            notes.append(
                f"{name} is dated {day.isoformat()}, before {job} began ({began.isoformat()}):"
                " it vouches for none of that job's time (if a date is wrong, correct it)"
            )
    return tuple(notes)


def _noted(profile: Profile) -> Profile:
    note = format_note(profile.data)
    return replace(profile, assumed=(*profile.assumed, note)) if note else profile


def profile_from_text(text: str, source: str) -> Profile:
    """Parse and validate a profile given as YAML or JSON text; ``source`` names it in errors."""
    if source.endswith(".json"):
        return profile_from_data(parse_json(text, source), source)
    data = parse_text(text, source)
    return profile_from_data(data, source, locator(text))


def profile_from_data(data: Any, source: str, locate=None) -> Profile:
    """Validate an already-parsed profile (a batch row, a Python dict); every problem of the
    schema and beyond it is in the one :class:`InputError` raised (``each``), in line order."""
    if not isinstance(data, dict):
        raise InputError(
            source,
            None,
            "a profile must be a mapping of fields (name: ..., work_history: ...)",
            "see docs/profile-format.md for an example",
            "name: Sam Example\nwork_history:\n  - start_date: YYYY-MM-DD",
        )
    found = problems(data, "profile")
    places = {problem.path for problem in found}
    # a value the schema refuses already has its message; the checks beyond it skip it
    found += [p for p in _consistency_problems(data, not found) if p.path not in places]
    if found:
        raise placed(found, data, source, locate)
    return Profile(source, data)


def _records(data: Mapping[str, Any], section: str, valid: bool) -> Iterable[tuple[int, Any]]:
    """(index, record) of each record of ``section``. In a profile the schema refused
    (``valid`` false) a section or record may be anything: only the records that are mappings
    (the schema's messages say what the others are)."""
    records = data.get(section, ())
    if valid:
        return enumerate(records)
    if not isinstance(records, list):
        return ()
    return [(index, record) for index, record in enumerate(records) if isinstance(record, dict)]


def _consistency_problems(data: Mapping[str, Any], valid: bool = True) -> Iterator[Problem]:
    """Problems the schema cannot see: dates out of order, dangling or repeated ids. Read with
    care when the schema refused the profile (``valid`` false): it may hold anything anywhere."""
    ranges = [
        ("work_history", "start_date", "end_date"),
        ("training", "start_date", "completion_date"),
        ("memberships", "start_date", "paid_through"),
        ("verification_letters", "stated_start", "stated_end"),
        ("credentials", "cycle_start", "cycle_end"),
    ]
    for section, first, last in ranges:
        for index, record in _records(data, section, valid):
            if record.get(first) and record.get(last) and _before(record[last], record[first]):
                yield Problem(
                    (section, index, last),
                    f"{last} {record[last]} is before {first} {record[first]}",
                    f"correct one of the two dates; {last} must be on or after {first}",
                    snippet({first: record[last], last: record[first]})
                    + "  # if the two were swapped",
                )
    for index, credential in _records(data, "credentials", valid):
        cycles = credential.get("recert_cycles")
        for k, cycle in enumerate(cycles if isinstance(cycles, list) else []):
            if (
                isinstance(cycle, dict)
                and cycle.get("start")
                and cycle.get("end")
                and _before(cycle["end"], cycle["start"])
            ):
                yield Problem(
                    ("credentials", index, "recert_cycles", k, "end"),
                    f"end {cycle['end']} is before start {cycle['start']}",
                    "correct one of the two dates; a cycle's end must be on or after its start",
                    snippet({"start": cycle["end"], "end": cycle["start"]})
                    + "  # if the two were swapped",
                )
    for section in ("work_history", "training", "verification_letters"):
        seen: set[str] = set()
        for index, record in _records(data, section, valid):
            ident = record.get("id")
            if not isinstance(ident, str):
                continue
            if ident in seen:
                yield Problem(
                    (section, index, "id"),
                    f"the id {ident!r} is used twice in {section}",
                    "give each record its own id",
                    snippet({"id": _unused(ident, seen)}),
                )
            seen.add(ident)
    seen_credentials: dict[str, int] = {}
    credentials = dict(_records(data, "credentials", valid))
    for index, credential in credentials.items():
        if not isinstance(credential.get("id"), str):
            continue
        name = credential["id"].strip().upper()
        if name in seen_credentials:
            first = seen_credentials[name]
            specialties = [credentials[i].get("specialty_name") for i in (first, index)]
            if all(specialties) and specialties[0] != specialties[1]:
                # one id standing for several credentials (PAHCS's specialties, whose names
                # are unconfirmed): two of them are not one credential listed twice
                yield Problem(
                    ("credentials", index, "id"),
                    f"a second {credential['id']} ({specialties[1]!r}, beside"
                    f" {specialties[0]!r} at credentials[{first}]): the rules have one entry for"
                    " all such specialty credentials, so a profile can hold only one",
                    "keep the one whose recertification you want checked (its exam is checked"
                    " alike for every specialty), and check the other in a profile of its own",
                )
            else:
                yield Problem(
                    ("credentials", index, "id"),
                    f"the credential {credential['id']!r} is listed twice"
                    f" (also at credentials[{first}])",
                    "keep one record per credential, with its latest status and dates",
                    snippet({"credentials": [{"id": credential["id"], "status": "..."}]}),
                )
        seen_credentials.setdefault(name, index)
    job_ids = dict.fromkeys(  # in profile order, for the suggestion; a mapping to look up
        job["id"]
        for _, job in _records(data, "work_history", valid)
        if isinstance(job.get("id"), str)
    )
    for index, letter in _records(data, "verification_letters", valid):
        target = letter.get("covers_work_id")
        if isinstance(target, str) and target not in job_ids:
            known = ", ".join(sorted(job_ids)) or "none (give your jobs an 'id')"
            near = close_matches(target, job_ids)
            yield Problem(
                ("verification_letters", index, "covers_work_id"),
                f"no job has the id {target!r}"
                + (f": did you mean {listing(near, quote=chr(39))}?" if near else ""),
                f"use the id of a work_history record: {known}",
                snippet({"covers_work_id": (near or [*job_ids, "job-1"])[0]}),
            )
    for index, course in _records(data, "training", valid):
        if course.get("completed") is True and course.get("completion_date", "") is None:
            yield Problem(
                ("training", index, "completion_date"),
                "a completed course has no completion date",
                "give the completion date, or set completed: false",
                snippet({"completed": True, "completion_date": "YYYY-MM-DD"}),
            )


def _unused(ident: str, taken: set[str]) -> str:
    """``ident`` with the first number after it that no record has (job-1 -> job-1-2)."""
    return next(f"{ident}-{n}" for n in range(2, len(taken) + 3) if f"{ident}-{n}" not in taken)


def _before(end: Any, start: Any) -> bool:
    """Whether ``end`` is surely before ``start``: a month or year may end as late as its last day
    and start as early as its first (``2024-03`` may end after ``2024-03-15`` starts). False
    when either is not a date the schema accepts (that has its own message)."""
    try:
        if len(end) == len(start) == 10:
            return end < start  # ISO days compare as text (the usual case: no dates parsed)
        return span(end)[1] < span(start)[0]
    except (TypeError, ValueError, IndexError):
        return False
