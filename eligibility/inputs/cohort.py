"""Reading a cohort: a file or directory of many profiles -> rows, one per student.

Formats: JSON Lines (``.jsonl``/``.ndjson``), a multi-document YAML stream (``.yaml``/``.yml``), a
directory of profile files, or CSV (``.csv``) in the flat layout of ``docs/batch.md`` (or another
layout renamed by a mapping file). A row that cannot be parsed or validated carries an
:class:`InputError` instead of a profile, so the batch reports it and goes on.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import itertools
import os
import re
import stat
import sys
from collections import Counter, deque
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path, PurePath
from typing import IO, Any, NoReturn

from eligibility.errors import InputError, close_matches, fault, place_of
from eligibility.inputs.jsontext import parse_json_line
from eligibility.inputs.profiles import (
    MAX_BYTES,
    STDIN,
    STDIN_NAME,
    Profile,
    profile_from_data,
    profile_from_text,
    read_text,
    with_letter_days,
)
from eligibility.inputs.rulesfiles import checked_text, rules_input
from eligibility.inputs.validation import schema
from eligibility.inputs.yamlio import locator, parse_text
from eligibility.resources import FLAT_CSV_FILE, REGISTRY_FILE, data_dir

UTF8 = "utf-8"  # how an export's bytes are read, unless its mapping names another encoding
# what a student information system's export is named: read as CSV, the delimiter found from
# the header (a tab for most .tsv and .txt) unless the mapping sets it
CSV_SUFFIXES = (".csv", ".tsv", ".txt")

CSV_COLUMNS = (
    "candidate_id", "name", "as_of", "highest_education",
    "coding_start", "coding_end", "hours_per_week", "code_sets", "letter_on_file", "letter_date",
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
    # "json" (a JSON line), "yaml" (a YAML document), "file" (a profile file's path),
    # "data" (parsed), "flat" (a CSV record)
    kind: str
    payload: Any
    error: InputError | None = None  # a row that could not even be read


@dataclass(frozen=True)
class Upload:
    """A cohort file received in memory (``eligibility serve``'s upload): read as the file it
    was, by the same code, from its bytes; nothing is written to disk. ``name`` (the file name
    as sent) says its format and names it in each row's place."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return PurePath(self.name).suffix

    def is_dir(self) -> bool:
        return False

    def open(self, mode: str = "rb") -> IO[bytes]:
        return io.BytesIO(self.data)

    def __str__(self) -> str:
        return self.name


def read_cohort(
    path: str | Path, layout: CsvLayout | None = None, rules_dir: str | Path | None = None
) -> Iterator[Row]:
    """The rows of a cohort, streamed in input order."""
    return (parse_item(item) for item in read_items(path, layout, rules_dir))


def read_items(
    path: str | Path | Upload,
    layout: CsvLayout | None = None,
    rules_dir: str | Path | None = None,
) -> Cohort:
    """The students of a cohort as read (in input order; :class:`Cohort`, which can also be
    cut into shards that separate processes read on their own); raises :class:`InputError` at once for
    an unknown format, a CSV header that would lose or misread a column, or a mapping (``layout``)
    given for what is not CSV. ``rules_dir``: the rules whose ``flat-csv.yaml`` says what a CSV
    row stands for (default: the bundled rules). ``-``: standard input, JSON Lines or a YAML
    stream (told apart by its first character: ``{`` begins JSON Lines). ``path`` may be an
    :class:`Upload` (bytes in memory, read as the file they came from)."""
    if not isinstance(path, Upload) and str(path) == STDIN:
        return _standard_input(layout)
    source: Any = path if isinstance(path, Upload) else Path(path)
    if layout is not None and (source.is_dir() or source.suffix.lower() not in CSV_SUFFIXES):
        raise InputError(
            str(source),
            None,
            "a mapping file applies to CSV input only",
            "leave out --mapping, or give the cohort as .csv (.tsv and .txt are read as CSV)",
        )
    if source.is_dir():
        return Cohort(source, "files", _directory(source))
    suffix = source.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return Cohort(source, "jsonl", _json_lines(source))
    if suffix in (".yaml", ".yml"):
        return Cohort(source, "yaml", _yaml_stream(source))
    if suffix in CSV_SUFFIXES:
        meaning = flat_meaning(rules_dir)
        return _csv(source, replace(layout or CsvLayout(), meaning=meaning))
    raise InputError(
        str(source),
        None,
        f"unknown cohort format {suffix or '(no extension)'!r}",
        "use .jsonl, .yaml (one document per student), .csv (or .tsv, .txt: an export whose"
        " delimiter is found from its header), or a directory of profiles",
    )


def _standard_input(layout: CsvLayout | None) -> Cohort:
    """A cohort piped in: streamed as it comes, never cut into shards (a pipe cannot be)."""
    if layout is not None:
        raise InputError(
            STDIN_NAME,
            None,
            "a mapping file applies to CSV input only, which cannot be read from standard input",
            "give the CSV file's name instead of -",
        )
    handle = sys.stdin.buffer
    if not hasattr(handle, "peek"):  # a stream given by a program, not the process's own
        handle = io.BufferedReader(handle)  # type: ignore[arg-type]
    name = Path(STDIN_NAME)
    start = handle.peek(1 << 12)
    if start.lstrip()[:1] == b"{":
        return Cohort(name, "jsonl", _json_lines(name, handle=handle))
    _refuse_csv(start)
    return Cohort(name, "yaml", _yaml_stream(name, handle))


def _refuse_csv(start: bytes) -> None:
    """CSV piped in would be read as one YAML document, a line of text: the whole cohort one
    error row. A first line with separators and no ``key:`` is a CSV header, not YAML."""
    lines = (line.strip() for line in start.removeprefix(b"\xef\xbb\xbf").splitlines())
    first = next((line for line in lines if line and not line.startswith((b"#", b"---"))), b"")
    if b":" not in first and any(sep in first for sep in (b",", b";", b"\t")):
        header = first[:60].decode("utf-8", "replace")
        raise InputError(
            STDIN_NAME,
            None,
            f"standard input looks like CSV (its first line reads as a header: {header!r}),"
            " which cannot be read from standard input",
            "save it to a file and give the file's name instead of - (with --mapping for"
            " another layout)",
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
    return max(0, lines - 1) if source.suffix.lower() in CSV_SUFFIXES else lines


# --- shards: stretches of a cohort that separate processes read on their own -----------------

SHARD_BLOCK = 1 << 20  # bytes read at a time while finding where to cut


@dataclass(frozen=True)
class CsvHead:
    """What every shard of a CSV export must know that only its first line says: the header (as
    checked by :func:`read_items`), the mapping, and how many lines the header takes."""

    header: tuple[str, ...]
    layout: CsvLayout
    lines: int


@dataclass(frozen=True)
class Shard:
    """A stretch of a cohort that one process reads on its own (:func:`read_shard`), giving the
    very items a single reader gives there (numbers, places, errors): bytes ``start``..``end``
    of a JSON Lines or CSV file, each a line's start, or some of a folder's ``files``. Small and
    plain, so that it can be sent to another process or machine."""

    source: str  # the cohort, as a single reader names it in each row's place
    form: str  # "jsonl", "csv" or "files"
    index: int  # its place among the shards: their parts are joined in this order
    start: int = 0
    end: int = 0
    lines: int = 0  # lines of the file before ``start``
    before: int | None = 0  # rows before it (CSV: None until counted, count_shard)
    last: bool = True  # reaches the end of the file
    files: tuple[str, ...] = ()
    head: CsvHead | None = None


class ShardCut(Exception):
    """A shard ends inside a CSV record (a quoted cell holding a line break): the file cannot be
    cut there without parsing it from its start."""


class Cohort(Iterator[Item]):
    """A cohort's students as read, one :class:`Item` after another in input order, and where
    they come from: so that a batch can instead cut it into shards (:meth:`shards`) that worker
    processes read themselves, the parent parsing nothing."""

    def __init__(
        self,
        source: Path | Upload,
        form: str,
        items: Iterator[Item] | list[str],
        head: CsvHead | None = None,
        handle: IO[bytes] | None = None,
    ) -> None:
        self.source, self.form, self.head = source, form, head
        self._files = items if isinstance(items, list) else None
        self._items = _files(items) if isinstance(items, list) else items
        self._handle = handle
        self._started = False
        # a CSV export's credential names in its sampled rows (:func:`_check_sample`), for the
        # batch to judge against the rules' registry (:func:`refuse_unknown_credentials`)
        self.credentials: CredentialSample | None = None

    def __next__(self) -> Item:
        self._started = True
        return next(self._items)

    def close(self) -> None:
        close = getattr(self._items, "close", None)
        if close is not None:
            close()
        if self._handle is not None:
            self._handle.close()

    def shards(self, pieces: int) -> list[Shard] | None:
        """The cohort cut into at most ``pieces`` shards, in input order, without parsing it:
        a folder's files in groups; a JSON Lines or CSV file at line starts, by size (its lines
        counted on the way, so that each shard numbers its lines as a single reader would).
        None when it cannot be cut safely: a YAML stream (a document's end is found only by
        reading it), a pipe or other file that is not a regular one, a cohort already being
        read. A CSV's shards must then be counted (:func:`count_shard`, in parallel, also
        telling whether a cut fell inside a quoted cell) and numbered (:func:`number_shards`)."""
        if self._started or pieces < 1:
            return None
        source = str(self.source)
        if self._files is not None:
            files, count = self._files, len(self._files)
            bounds = [count * i // pieces for i in range(pieces + 1)]
            return [
                Shard(source, "files", index, before=first, files=tuple(files[first:end]))
                for index, (first, end) in enumerate(
                    (a, b) for a, b in itertools.pairwise(bounds) if b > a
                )
            ]
        if self.form not in ("jsonl", "csv") or not isinstance(self.source, Path):
            return None  # an Upload is bytes in memory: read by one reader
        try:
            if not stat.S_ISREG(os.stat(self.source).st_mode):
                return None
            size = os.stat(self.source).st_size
            skip = self.head.lines if self.head else 0
            with self.source.open("rb") as handle:
                cuts = _cuts(handle, size, pieces, skip)
        except OSError:
            return None  # read as before: a failure to read is reported there
        if cuts is None:
            return None
        ends = [start for start, _ in cuts[1:]] + [size]
        return [
            Shard(
                source,
                self.form,
                index,
                start,
                end,
                lines,
                None if self.form == "csv" else 0,
                last=index == len(cuts) - 1,
                head=self.head,
            )
            for index, ((start, lines), end) in enumerate(zip(cuts, ends, strict=True))
        ]


def read_shard(shard: Shard) -> Iterator[Item]:
    """The items of one shard, read as a single reader of the whole cohort reads them there
    (the same code; the same row numbers, places and errors). A CSV shard must be numbered
    first (:func:`number_shards`)."""
    path = Path(shard.source)
    if shard.form == "files":
        return _files(shard.files, shard.before or 0)
    if shard.form == "jsonl":
        return _json_lines(path, shard)
    if shard.form != "csv" or shard.head is None or shard.before is None:
        raise ValueError(f"shard {shard.index} of {shard.source} cannot be read as it is")
    handle = _open(path, shard)
    lines = _Lines(
        handle,
        replayable=True,
        name="export",
        before=shard.lines,
        bom=False,
        encoding=shard.head.layout.encoding,
    )
    return _csv_records(path, handle, lines, shard.head, shard.before, cut=not shard.last)


def count_shard(shard: Shard) -> int | None:
    """How many rows a shard holds (read as :func:`read_shard` reads them, nothing parsed); None
    when it ends inside a CSV record (:class:`ShardCut`), which the file's shards cannot be
    read apart from each other."""
    try:
        return sum(1 for _ in read_shard(replace(shard, before=shard.before or 0)))
    except ShardCut:
        return None


def number_shards(shards: list[Shard], counts: list[int]) -> list[Shard]:
    """The shards, each told how many rows come before it (``counts``: each one's rows)."""
    before, numbered = 0, []
    for shard, count in zip(shards, counts, strict=True):
        numbered.append(replace(shard, before=before))
        before += count
    return numbered


def _cuts(handle: IO[bytes], size: int, pieces: int, skip: int) -> list[tuple[int, int]] | None:
    """(byte offset, lines before it) where each shard begins: after the first ``skip`` lines
    (a CSV's header), then about every (size / pieces) bytes, each cut just after a line feed,
    never inside a line (a file of lone CR line endings is not cut). Lines are counted as
    :class:`_Lines` counts them: LF, CRLF and a lone CR each end one. None when the file ends
    within the first ``skip`` lines."""
    start = _after_lines(handle, skip)
    if start is None:
        return None
    cuts = [(start, skip)]
    step = max(1, (size - start) // pieces)
    target, position, lines, cr = start + step, start, skip, False
    handle.seek(start)
    while target < size:
        block = handle.read(SHARD_BLOCK)
        if not block:
            break
        while target < position + len(block):
            found = block.find(b"\n", max(0, target - 1 - position))  # the cut is at or after
            if found < 0 or position + found + 1 >= size:
                break
            cuts.append((position + found + 1, lines + _endings(block, cr, found + 1)))
            target = position + found + 1 + step
        lines += _endings(block, cr, len(block))
        cr, position = block.endswith(b"\r"), position + len(block)
    return cuts


def _endings(block: bytes, cr: bool, end: int) -> int:
    """Line endings in ``block[:end]`` (``cr``: the block before ended with a CR, whose LF this
    one may begin with)."""
    found = block.count(b"\n", 0, end) + block.count(b"\r", 0, end) - block.count(b"\r\n", 0, end)
    return found - (1 if cr and block.startswith(b"\n") and end else 0)


def _after_lines(handle: IO[bytes], count: int) -> int | None:
    """The offset just after the first ``count`` lines (None when the file has fewer)."""
    if not count:
        return 0
    data = b""
    while True:
        more = handle.read(SHARD_BLOCK)
        data += more
        for ends, found in enumerate(re.finditer(rb"\r\n|\r|\n", data), start=1):
            if ends == count:
                if found.group() == b"\r" and found.end() == len(data) and more:
                    break  # an LF may follow in the next block
                return found.end()
        if not more:
            return None


class _Range(io.RawIOBase):
    """Bytes ``start``..``end`` of a file, read as if they were the whole of it."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        super().__init__()
        self._file = path.open("rb", buffering=0)
        self._file.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        read = self._file.readinto(memoryview(buffer)[: self._left]) or 0
        self._left -= read
        return read

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


def _open(path: Path, shard: Shard | None) -> IO[bytes]:
    if shard is None:
        return path.open("rb")
    return io.BufferedReader(_Range(path, shard.start, shard.end), SHARD_BLOCK)  # type: ignore[return-value]


def parse_item(item: Item, as_of: date | None = None, meaning: FlatMeaning | None = None) -> Row:
    """Parse and validate one student; a problem becomes the row's error, never an exception
    (a fault of this program included: the row says so, and the other rows are still read).
    ``as_of``: the batch's evaluation date (``--as-of``), which a CSV row's letter is dated by
    when the row gives no date of its own. ``meaning``: what a flat CSV row stands for, instead
    of the meaning it was read with (``diff`` reads a row as each rule book's file says)."""
    try:
        row = _parse_item(item, as_of, meaning)
        if row.profile is None:
            return row
        return replace(row, profile=with_letter_days(row.profile, as_of))
    except Exception as error:  # a bug must cost one row, not the cohort
        return Row(item.number, item.where, None, fault(item.where, error))


def _parse_item(item: Item, as_of: date | None, meaning: FlatMeaning | None = None) -> Row:
    if item.error is not None:
        flat = item.payload[0] if item.kind == "flat" else {}
        who = (flat.get("candidate_id", ""), flat.get("name", ""))
        return Row(item.number, item.where, None, item.error, who)
    data: Any = item.payload if item.kind == "data" else None
    layout = CsvLayout()
    if item.kind == "flat":
        data, layout = item.payload
        if meaning is not None:
            layout = replace(layout, meaning=meaning)
    try:
        if item.kind == "file":
            profile = profile_from_text(read_text(item.payload), item.where)
            return Row(item.number, item.where, profile)
        if item.kind == "yaml":
            text, offset = item.payload
            data = parse_text(text, item.where, offset)
            locate = locator(text)
            profile = profile_from_data(
                data, item.where, lambda path: _shifted(locate(path), offset)
            )
            return Row(item.number, item.where, profile)
        if item.kind == "json":
            data = parse_json_line(item.payload, item.where)
        assumed: tuple[str, ...] = ()
        if item.kind == "flat":
            data = read_cells(data, layout, item.where)
            data, assumed = profile_from_flat(data, item.where, as_of, layout.meaning)
        profile = profile_from_data(data, item.where)
        if assumed:
            profile = replace(profile, assumed=assumed)
    except InputError as error:
        if item.kind == "flat":  # a CSV's reader knows its columns, not the profile's fields
            error = InputError(
                error.file, _column_of(error.place, layout), error.problem, error.fix
            )
        # name the student when the row says who it is, so that the report can be acted on
        who = (
            (str(data.get("candidate_id") or ""), str(data.get("name") or ""))
            if isinstance(data, dict)
            else ("", "")
        )
        return Row(item.number, item.where, None, error, who)
    return Row(item.number, item.where, profile)


@dataclass(frozen=True)
class CsvLayout:
    """How an export is read: which column holds which of ours (``columns``: ours -> theirs; the
    rest by our own names; ``parts``: ours -> several of theirs, joined by a space: a name over
    first and last name), the export's columns to leave out, and how its cells are written
    (``delimiter``, None: found from the header; ``date_formats``, ``values``, ``separators``:
    per column of ours). Any other column is refused: a misspelt header would otherwise be
    dropped without a word, and change verdicts."""

    columns: Mapping[str, str] = field(default_factory=dict)
    ignored: frozenset[str] = frozenset()
    meaning: FlatMeaning | None = None  # None: the bundled rules' (flat_meaning)
    parts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    delimiter: str | None = None
    date_formats: Mapping[str, str] = field(default_factory=dict)  # ours -> strptime format
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # casefolded -> ours
    separators: Mapping[str, str] = field(default_factory=dict)  # list column -> separator
    file: str = ""  # the mapping file, named in messages ("" without one)
    places: Mapping[str, str] = field(default_factory=dict)  # ours -> its line in the file
    encoding: str = UTF8  # how the export's bytes are text (Excel's "CSV" on Windows: cp1252)
    # a name written "Last, First" in one cell, turned round to be shown ("José Núñez")
    last_first: bool = False

    def theirs(self, ours: str) -> str:
        if ours in self.parts:
            return " + ".join(self.parts[ours])
        return self.columns.get(ours, ours)

    def reads(self, name: str) -> bool:
        """Whether the export's column ``name`` is read: mapped, or ours and not renamed, and
        not left out."""
        if name in self.ignored:
            return False
        if name in self.columns.values() or any(name in p for p in self.parts.values()):
            return True
        return name in CSV_COLUMNS and name not in self.columns and name not in self.parts

    @property
    def plain(self) -> bool:
        """Cells are read as they are written (nothing to convert but what every CSV gets)."""
        return not (self.date_formats or self.values or self.separators)


# where the flat layout puts each column in a profile (profile_from_flat), most specific first
_FLAT_PLACES = (
    ("$.work_history[0].start_date", "coding_start"),
    ("$.work_history[0].end_date", "coding_end"),
    ("$.work_history[0].hours_per_week", "hours_per_week"),
    ("$.work_history[0].code_sets", "code_sets"),
    ("$.work_history", "coding_start"),
    ("$.verification_letters[0].letter_date", "letter_date"),
    ("$.verification_letters", "letter_on_file"),
    ("$.training[0].completion_date", "course_completed_on"),
    ("$.training[0].topics", "course_topics"),
    ("$.training", "course_hours"),
    ("$.practicode", "practicode_completed_on"),
    ("$.credentials", "credentials"),
    ("$.memberships[0].renewal_month", "aapc_renewal_month"),
    ("$.memberships", "aapc_paid_through"),
    ("$.education", "highest_education"),
    ("$.candidate_id", "candidate_id"),
    ("$.name", "name"),
    ("$.as_of", "as_of"),
)


def _column_of(place: str | None, layout: CsvLayout) -> str | None:
    """An error's place in a profile made from a CSV row, as the CSV's column."""
    ours = place[len("column ") :] if place and place.startswith("column ") else None
    if ours is None and place:
        ours = next((c for prefix, c in _FLAT_PLACES if place.startswith(prefix)), None)
    if ours is None:
        return place
    theirs = layout.theirs(ours)
    return f"column {theirs}" if theirs == ours else f"column {theirs} ({ours})"


DATE_COLUMNS = (
    "as_of", "coding_start", "coding_end", "letter_date", "course_completed_on",
    "practicode_completed_on", "aapc_paid_through",
)  # fmt: skip
# the profile's date fields each date column fills (profile_from_flat): where a cell gives only
# a month or a year, the student is asked for the day in the words flat-csv.yaml gives its column
DATE_FIELDS = {
    "coding_start": ("work_history.start_date", "verification_letters.stated_start"),
    "coding_end": ("work_history.end_date", "verification_letters.stated_end"),
    "letter_date": ("verification_letters.letter_date",),
    "course_completed_on": ("training.completion_date",),
    "practicode_completed_on": ("practicode.completion_date",),
    "aapc_paid_through": ("memberships.paid_through",),
}
LIST_COLUMNS = ("code_sets", "course_topics", "credentials")
DELIMITERS = {";": ";", ",": ",", "|": "|", "\t": "\t", "tab": "\t"}  # as written -> the character
MAPPING_KEYS = (
    "columns", "ignore", "delimiter", "date_format", "date_formats", "values", "list_separator",
    "list_separators", "encoding", "name_order",
)  # fmt: skip
NAME_ORDERS = ("first_last", "last_first")
YES, NO = ("yes", "y", "true", "1"), ("", "no", "n", "false", "0")


def load_mapping(path: str | Path) -> CsvLayout:
    """A CSV mapping file (docs/batch.md): ``columns: {our_column: their_column, ...}``
    (``name`` may be a list of columns), and optionally ``ignore``, ``delimiter``,
    ``date_format(s)``, ``values``, ``list_separator(s)``, ``encoding`` and ``name_order``. Anything wrong is one
    :class:`InputError` naming the line and the fix."""
    text = read_text(path)
    data = parse_text(text, str(path))
    locate = locator(text)

    def refuse(problem: str, fix: str, at: tuple[str, ...] = ()) -> NoReturn:
        raise InputError(str(path), place_of(at, locate(at)) if at else None, problem, fix)

    usage = (
        f"write columns: {{OUR_NAME: YOUR_COLUMN}} with OUR_NAME one of {', '.join(CSV_COLUMNS)}"
    )
    # columns may be left out when the export has our names (a mapping for its encoding alone)
    if not isinstance(data, dict) or not data or not isinstance(data.get("columns", {}), dict):
        refuse("no 'columns:' mapping", usage)
    data = {**data, "columns": data.get("columns") or {}}
    extra = sorted(str(key) for key in set(data) - set(MAPPING_KEYS))
    if extra:
        close = close_matches(extra[0], MAPPING_KEYS, 1)
        raise InputError(
            str(path),
            f"line {locate([extra[0]])}",
            f"unknown key(s) {', '.join(extra)}",
            (f"did you mean {close[0]!r}? " if close else "")
            + f"The keys are {', '.join(MAPPING_KEYS)} (docs/batch.md)",
        )
    columns: dict[str, str] = {}
    parts: dict[str, tuple[str, ...]] = {}
    places: dict[str, str] = {}
    for ours, theirs in data["columns"].items():
        at = ("columns", str(ours))
        places[str(ours)] = place_of(at, locate(at))
        if str(ours) not in CSV_COLUMNS:
            close = close_matches(str(ours), CSV_COLUMNS, 1)
            refuse(
                f"unknown column name {ours!r}",
                (f"did you mean {close[0]!r}? " if close else "") + usage,
                at,
            )
        if isinstance(theirs, list):
            if ours != "name":
                refuse(
                    f"{ours} is given several columns; only name may be made of several columns",
                    f"map {ours} to one column of the export",
                    at,
                )
            if not theirs or not all(isinstance(c, str) and c for c in theirs):
                refuse("name's columns are not a list of column names", NAME_FIX, at)
            parts[ours] = tuple(theirs)
        elif isinstance(theirs, str | int | float) and not isinstance(theirs, bool):
            columns[str(ours)] = str(theirs)
        else:
            refuse(f"{ours} is not mapped to a column name", usage, at)
    ignored = data.get("ignore", [])
    if not isinstance(ignored, list) or not all(isinstance(c, str) for c in ignored):
        refuse(
            "'ignore' is not a list of column names", "write ignore: [Email, Phone]", ("ignore",)
        )
    theirs_all = [*columns.values(), *(c for p in parts.values() for c in p)]
    twice = sorted({name for name in theirs_all if theirs_all.count(name) > 1})
    if twice:
        refuse(f"column {twice[0]!r} is mapped to more than one of ours", "map each column once")
    both = sorted(set(theirs_all) & set(ignored))
    if both:
        refuse(f"column {both[0]!r} is both mapped and ignored", "keep it in one of the two")
    delimiter = None
    if "delimiter" in data:
        delimiter = DELIMITERS.get(str(data["delimiter"]).lower())
        if delimiter is None:
            refuse(
                f"delimiter {data['delimiter']!r} is not one the tool reads",
                "write delimiter: ';' (or ',', '|', tab), or leave it out to have it detected",
                ("delimiter",),
            )
    order = data.get("name_order", NAME_ORDERS[0])
    if order not in NAME_ORDERS:
        refuse(
            f"name_order {order!r} is not one of {', '.join(NAME_ORDERS)}",
            "write name_order: last_first for names written 'Núñez, José', or leave it out",
            ("name_order",),
        )
    return CsvLayout(
        columns,
        frozenset(ignored),
        last_first=order == "last_first",
        parts=parts,
        delimiter=delimiter,
        date_formats=_date_formats(data, refuse),
        values=_value_maps(data, refuse),
        separators=_separators(data, refuse),
        file=str(path),
        places=places,
        encoding=_encoding(data, refuse),
    )


def _encoding(data: Mapping[str, Any], refuse: Any) -> str:
    """The export's text encoding (``encoding: cp1252``), by Python's name for it; one a line
    cannot be cut in (UTF-16, UTF-32: every character two or four bytes) is refused."""
    given = data.get("encoding") or UTF8
    fix = "write encoding: cp1252 (Excel's 'CSV' on Windows), latin-1 or utf-8, or leave it out"
    try:
        name = codecs.lookup(str(given)).name
        if name in ("utf-8", "utf-8-sig"):
            return UTF8  # with or without a byte-order mark, as UTF-8 is always read
        text = "\n".encode(name) == b"\n" and not name.startswith(("utf-16", "utf-32"))
    except (LookupError, TypeError, ValueError):  # rot13, base64: codecs, not text encodings
        refuse(f"encoding {given!r} is not a text encoding Python knows", fix, ("encoding",))
    if not text:
        refuse(
            f"encoding {given!r} writes a line ending in more than one byte",
            "save the export as 'CSV UTF-8' and leave encoding out",
            ("encoding",),
        )
    return name


NAME_FIX = "write name: [First Name, Last Name] (the export's columns, joined by a space)"
DATE_FIX = "write it with %Y, %m and %d, as '%m/%d/%Y' for 03/15/2019 (docs/batch.md)"


def _keyed(data: Mapping[str, Any], key: str, allowed: tuple[str, ...], what: str, refuse: Any):
    """The mapping ``data[key]`` keyed by our columns of ``allowed`` (refused otherwise)."""
    given = data.get(key, {})
    if not isinstance(given, dict):
        refuse(
            f"{key} is not a mapping of our column names", f"write {key}: {{OUR_NAME: ...}}", (key,)
        )
    for ours in given:
        if str(ours) not in allowed:
            close = close_matches(str(ours), allowed, 1)
            refuse(
                f"{ours} is not {what}",
                (f"did you mean {close[0]!r}? " if close else "")
                + f"{key} takes {', '.join(allowed)}",
                (key, str(ours)),
            )
    return given


def _date_formats(data: Mapping[str, Any], refuse: Any) -> dict[str, str]:
    """Each date column's format: its own (``date_formats``), else ``date_format``, else none."""
    default = data.get("date_format")
    if default is not None:
        _check_date_format(default, refuse, ("date_format",))
    own = _keyed(data, "date_formats", DATE_COLUMNS, "a date column", refuse)
    for ours, form in own.items():
        _check_date_format(form, refuse, ("date_formats", ours))
    return {
        ours: own.get(ours, default) for ours in DATE_COLUMNS if own.get(ours, default) is not None
    }


FORMAT_PROBE = (1987, 11, 23)  # any day whose year, month and day cannot be mistaken for each other


def _check_date_format(form: Any, refuse: Any, at: tuple[str, ...]) -> None:
    """A strptime format that reads a whole date back as it was written."""
    sample = datetime(*FORMAT_PROBE)
    try:
        whole = isinstance(form, str) and datetime.strptime(sample.strftime(form), form) == sample
    except ValueError:
        whole = False
    if not whole:
        refuse(f"{form!r} is not a whole date format (year, month and day)", DATE_FIX, at)


def _value_maps(data: Mapping[str, Any], refuse: Any) -> dict[str, dict[str, str]]:
    """Per column, the export's values (case and surrounding spaces ignored) -> ours; a value
    of ours that the column cannot hold is refused here, with the closest."""
    maps: dict[str, dict[str, str]] = {}
    for ours, given in _keyed(data, "values", CSV_COLUMNS, "one of our columns", refuse).items():
        at = ("values", str(ours))
        if ours in DATE_COLUMNS:  # a map would be read nowhere: say so rather than ignore it
            refuse(
                f"{ours} is a date column: its cells are read by the date format, not mapped",
                f"leave {ours} out of values, and give its format in date_format (or"
                f" date_formats: {{{ours}: '%m/%d/%Y'}}); a date known only to its month is read"
                " in the format without its day (docs/batch.md)",
                at,
            )
        if ours not in (*_VALUE_COLUMNS, *NUMBER_COLUMNS):
            refuse(
                f"{ours} is read as written, not mapped",
                "leave it out of values (values map the value, list and number columns:"
                f" {', '.join((*_VALUE_COLUMNS, *NUMBER_COLUMNS))})",
                at,
            )
        if not isinstance(given, dict):
            refuse(
                f"values of {ours} are not a mapping",
                f"write {ours}: {{'Their value': our_value}}",
                at,
            )
        maps[ours] = {}
        for theirs, value in given.items():
            if isinstance(theirs, bool):
                refuse(
                    f"a value of {ours} written yes, no, true, false, on or off without quotes",
                    "put the export's value in quotes ('Yes': yes), so that YAML keeps it as written",
                    at,
                )
            if isinstance(value, bool) and ours == "letter_on_file":
                value = "yes" if value else "no"
            if ours in NUMBER_COLUMNS:
                if isinstance(value, bool) or _number(str(value)) is None:
                    refuse(
                        f"{value!r} (for {theirs!r}) is not a number, which {ours} holds",
                        f"map it to a number ({theirs!r}: {_number_example(ours)})",
                        (*at, str(theirs)),
                    )
                maps[ours][_folded(str(theirs))] = str(value)
                continue
            allowed = _allowed(ours)
            if (
                not isinstance(value, str | int | float)
                or isinstance(value, bool)
                or (allowed and str(value) not in allowed)
            ):
                close = close_matches(str(value), allowed or (), 1)
                refuse(
                    f"{value!r} (for {theirs!r}) is not a value {ours} can hold",
                    (f"did you mean {close[0]!r}? " if close else "")
                    + (f"{ours} takes {', '.join(allowed)}" if allowed else "write it as text"),
                    (*at, str(theirs)),
                )
            maps[ours][_folded(str(theirs))] = str(value)
    return maps


def _separators(data: Mapping[str, Any], refuse: Any) -> dict[str, str]:
    default = data.get("list_separator")
    own = _keyed(data, "list_separators", LIST_COLUMNS, "a list column", refuse)
    for at, given in [(("list_separator",), default)] + [
        (("list_separators", k), v) for k, v in own.items()
    ]:
        if given is not None and (not isinstance(given, str) or not given.strip(" ")):
            refuse(
                f"{given!r} is not a list separator",
                "write list_separator: ',' (any text but spaces)",
                at,
            )
    found = {ours: own.get(ours, default) for ours in LIST_COLUMNS}
    return {ours: sep for ours, sep in found.items() if sep is not None and sep != ";"}


def _folded(value: str) -> str:
    return value.strip().casefold()


@cache
def _allowed(ours: str) -> tuple[str, ...] | None:
    """The values a column of ours can hold, from the profile schema (None: any text)."""
    if ours == "letter_on_file":
        return ("yes", "no")
    props = schema("profile")["properties"]
    enums = {
        "highest_education": props["education"]["properties"]["highest_level"],
        "code_sets": props["work_history"]["items"]["properties"]["code_sets"]["items"],
        "course_topics": props["training"]["items"]["properties"]["topics"]["items"],
    }
    return tuple(enums[ours]["enum"]) if ours in enums else None


def _directory(folder: Path) -> list[str]:
    """A folder's profile files, in the order they are read."""
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json"))
    return [str(path) for path in files]


def _files(files: Iterable[str], before: int = 0) -> Iterator[Item]:
    for number, path in enumerate(files, start=before + 1):
        yield Item(number, path, "file", path)


def _json_lines(
    path: Path, shard: Shard | None = None, handle: IO[bytes] | None = None
) -> Iterator[Item]:
    """One item per non-blank line; its row number is its line number, so that a worker given a
    stretch of the file (``shard``) numbers its rows as a single reader would. ``handle``: the
    lines already open (standard input), else ``path`` is opened."""
    with handle or _open(path, shard) as handle:
        lines = _Lines(handle, before=shard.lines if shard else 0, bom=not shard or not shard.start)
        for line in lines:
            bad = lines.bad.pop(lines.number, None)
            if not line.strip() and bad is None:
                continue
            where = f"{path}:{lines.number}"
            problem = InputError(where, None, *bad) if bad else None
            yield Item(lines.number, where, "json", line, problem)


def _yaml_stream(path: Path, handle: IO[bytes] | None = None) -> Iterator[Item]:
    """One item per document of a YAML stream, each read on its own (in ``parse_item``), so
    that a document that is not valid YAML, or cannot be built, costs only its own row.

    A line that starts with ``---`` (or a ``%`` directive before it) begins a document: YAML
    forbids such a line inside a document's content, so the stream can be cut there without
    parsing it. Each document comes with the number of lines before it, so that the lines an
    error names are the file's. Streamed: memory holds one document. ``handle``: as for
    :func:`_json_lines`."""
    with handle or path.open("rb") as handle:
        lines = _Lines(handle)
        number, first, chunk, size, bad = 0, 1, [], 0, None
        directive = content = 0  # first line of each kind in the document (0: none yet)
        marked = False  # the document began with a '---' line

        def document() -> Item | None:
            nonlocal number
            if not content and not marked:  # comments or blank lines only: no student
                return None
            number += 1
            where = f"{path}:{content or first}"
            if bad is not None:
                return Item(number, where, "yaml", ("", 0), InputError(where, None, *bad))
            return Item(number, where, "yaml", ("".join(chunk), first - 1))

        for line in lines:
            kind = _yaml_line(line)
            # a '---' begins a document, unless directives before it are its own; a directive
            # after content begins the next one
            if (kind == "marker" and not (directive and not content)) or (
                kind == "directive" and (content or marked)
            ):
                item = document()
                if item is not None:
                    yield item
                first, chunk, size, bad = lines.number, [], 0, None
                directive = content = 0
                marked = False
            if kind == "marker":
                marked = True
                if line[3:].strip() and not line[3:].strip().startswith("#"):
                    content = content or lines.number  # '--- {name: x}': content on the marker
            elif kind == "directive":
                directive = directive or lines.number
            elif kind == "content":
                content = content or lines.number
            if lines.number in lines.bad:
                bad = bad or lines.bad.pop(lines.number)
            size += len(line)
            if size > MAX_BYTES:
                bad = bad or _too_long("document")
                chunk = chunk[:1]  # what is kept of it only says where it began
            else:
                chunk.append(line)
        item = document()
        if item is not None:
            yield item


def _shifted(line: int | None, offset: int) -> int | None:
    return None if line is None else line + offset


def _yaml_line(line: str) -> str:
    """What a line of a YAML stream is, for cutting it into documents: a document ``marker``
    (``---``), a ``directive`` (``%YAML``), ``blank`` (or a comment), or ``content``."""
    if line.startswith("---") and line[3:4] in ("", " ", "\t", "\n", "\r"):
        return "marker"
    if line.startswith("%"):
        return "directive"
    stripped = line.strip()
    return "blank" if not stripped or stripped.startswith("#") else "content"


def _csv(path: Path, layout: CsvLayout) -> Cohort:
    _refuse_wide_text(path)
    _refuse_misnamed_utf8(path, layout)
    handle = path.open("rb")
    lines = _Lines(handle, replayable=True, name="export", encoding=layout.encoding)
    try:
        first = next(lines, "")
        if not first:  # no byte, or a byte-order mark alone
            raise InputError(
                str(path),
                None,
                "the file is empty: no header and no student",
                "export the cohort again (a CSV export starts with its header, the columns'"
                " names, then a row per student)",
            )
        lines.again(lines.mark())  # read again as the header, once its delimiter is known
        if 1 in lines.bad:
            raise InputError(str(path), "line 1", *lines.bad[1])
        delimiter = layout.delimiter or sniff_delimiter(first)
        try:
            header = [
                name.strip()
                for name in next(csv.reader(lines, strict=True, delimiter=delimiter), [])
            ]
        except csv.Error as error:
            raise InputError(
                str(path), "line 1", _csv_problem(error)[0], "write the header as name,name,..."
            ) from None
        layout = replace(layout, delimiter=delimiter)
        _check_one_column(path, header, layout)
        _check_header(path, header, layout)
    except BaseException:
        handle.close()
        raise
    head = CsvHead(tuple(header), layout, lines.number)
    try:
        credentials = _check_sample(path, head)
    except BaseException:
        handle.close()
        raise
    cohort = Cohort(path, "csv", _csv_records(path, handle, lines, head), head, handle)
    cohort.credentials = credentials
    return cohort


def sniff_delimiter(header: str) -> str:
    """The delimiter of an export whose mapping does not say: the one of ``,`` ``;`` tab ``|``
    that cuts the header line into the most columns (a comma when none does)."""

    def columns(delimiter: str) -> int:
        try:
            return len(next(csv.reader([header], strict=True, delimiter=delimiter), []))
        except csv.Error:
            return 0

    return max(DELIMITERS.values(), key=lambda d: (columns(d), d == ","))


def _delimiter_name(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else repr(delimiter)


def _check_one_column(path: Path, header: list[str], layout: CsvLayout) -> None:
    """A header read as one column that holds another delimiter: the export is separated by that
    one, and every row would be misread."""
    used = layout.delimiter or ","
    held = [d for d in DELIMITERS.values() if d != used and len(header) == 1 and d in header[0]]
    if held:
        other = _delimiter_name(held[0])
        setting = "tab" if held[0] == "\t" else f"'{held[0]}'"
        raise InputError(
            str(path),
            "line 1",
            f"the header is read as one column, {_header_start(header[0], held[0])!r}, holding"
            f" {other}: the export"
            f" is probably separated by {other}, not {_delimiter_name(used)}",
            f"write delimiter: {setting} in the mapping file, or leave delimiter out to have it"
            " found from the header",
        )


HEADER_SHOWN = 60  # characters of a header read as one column quoted in its message


def _header_start(header: str, delimiter: str) -> str:
    """The start of a header read as one column, as a message quotes it: whole when short, else
    cut after a column's name ('Student #,Student Name,…'), never inside one, which would read
    as a typo in the export."""
    if len(header) <= HEADER_SHOWN:
        return header
    cut = header.rfind(delimiter, 0, HEADER_SHOWN)
    if cut <= 0:  # one name longer than that: up to its end
        cut = header.find(delimiter)
    return header[: cut + 1] + "…"


def _check_header(path: Path, header: list[str], layout: CsvLayout) -> None:
    """Refuse a header that would lose or misread a column: unknown, repeated or missing. A
    column without a name (a trailing comma) is allowed; a value under it is an error row."""

    def refuse(problem: str, fix: str) -> None:
        raise InputError(str(path), "line 1", problem, fix)

    if not any(name.strip() for name in header):  # blank lines above the header, say
        refuse(
            "the first line is empty: a CSV export starts with its header, the columns' names",
            "remove any blank lines before the header (an empty file has no student to check)",
        )
    read = [name for name in header if name and name not in layout.ignored]
    repeated = sorted({name for name in read if read.count(name) > 1})
    if repeated:
        refuse(f"column {repeated[0]!r} appears twice in the header", "keep one of them")
    mapped = [*layout.columns.items(), *((o, c) for o, p in layout.parts.items() for c in p)]
    for ours, theirs in mapped:
        if theirs not in header:
            # the mistake is in the mapping file, so that is the place named (the export's
            # header is what it was read against)
            close = difflib.get_close_matches(theirs, header, n=1)
            raise InputError(
                layout.file or str(path),
                layout.places.get(ours, "line 1"),
                f"column {theirs!r} (for {ours}) is not in the header of {path}",
                f"did you mean {close[0]!r}? Correct this line of the mapping file"
                if close
                else f"name a column of {path.name}'s header here ("
                + ", ".join(repr(name) for name in header[:12] if name)
                + (", ..." if len(header) > 12 else "")
                + ")",
            )
    wanted = layout.theirs("candidate_id")
    if wanted not in header:
        capitals = [name for name in header if name.casefold() == wanted.casefold()]
        refuse(
            f"no column {wanted!r} in the header",
            f"the header has {capitals[0]!r}, which differs only in capitals: rename it"
            f" {wanted}, or map candidate_id to it in a mapping file (--mapping)"
            if capitals
            else "map candidate_id to the export's student id column in the mapping file"
            if layout.columns
            else "use the default layout (docs/batch.md) or give --mapping",
        )
    unknown = []
    for name in read:
        if layout.reads(name):
            continue
        if name in CSV_COLUMNS:  # ours, but the mapping reads it from another column
            refuse(
                f"column {name!r} has one of our names, but the mapping reads {name} from"
                f" {layout.theirs(name)!r}",
                f"leave it out with ignore: [{name}], or map {name} to it",
            )
        unknown.append(name)
    if len(unknown) == 1:
        (name,) = unknown
        close = difflib.get_close_matches(name, [c for c in CSV_COLUMNS if c not in header], n=1)
        refuse(
            f"unknown column {name!r}",
            (f"did you mean {close[0]!r}? " if close else "")
            + f"The columns are {', '.join(CSV_COLUMNS)}; to leave a column out,"
            + (" add to the mapping file" if layout.columns else " give --mapping with")
            + f" ignore: [{_flow(name)}]",
        )
    if unknown:  # every one at once: an export's own columns are many, one run names them all
        refuse(
            f"{len(unknown)} unknown columns: {', '.join(repr(name) for name in unknown)}",
            "map each one the rules read to one of ours in the mapping file (columns:"
            f" {{ours: their name}}; ours are {', '.join(CSV_COLUMNS)}), and leave the others out"
            + (" in the mapping file" if layout.columns else " with a mapping file (--mapping)")
            + f": ignore: [{', '.join(_flow(name) for name in unknown)}]",
        )


def _flow(name: str) -> str:
    """A column name as an item of a YAML flow list: quoted where YAML would read it otherwise
    (a comma, a colon, ``No`` read as false, ``2024`` as a number)."""
    import yaml

    special = any(c in name for c in ",[]{}:#'\"&*!|>%@`\\\t") or name[:1] in "-? "
    try:
        plain = not special and name == name.strip() and yaml.safe_load(name) == name
    except yaml.YAMLError:
        plain = False
    return name if plain else "'" + name.replace("'", "''") + "'"


class _Lines:
    """A text file's lines, for a reader that must not stop at one bad line: any line ending
    (LF, CRLF or CR, as text mode reads them); each line checked for UTF-8 on its own, so that a
    line that is not spoils only its row (``bad``: line number -> what is wrong and its fix); a
    line longer than :data:`MAX_BYTES` characters is read no further than that (memory stays
    bounded) and is bad too; and lines read since :meth:`mark` can be given back
    (:meth:`again`) to be read anew, after a CSV record that could not be parsed."""

    def __init__(
        self,
        handle: IO[bytes],
        replayable: bool = False,
        name: str = "file",
        before: int = 0,
        bom: bool = True,
        encoding: str = UTF8,
    ) -> None:
        self._replayable = replayable  # keep what was taken (CSV); JSON Lines never give back
        self._name = name  # what to save as UTF-8: the file, the export
        self._encoding = encoding
        self._csv = replayable  # an export, which a mapping file may describe
        if encoding == UTF8:  # a byte-order mark is skipped at the start of the file only
            encoding = "utf-8-sig" if bom else "utf-8"
        self._text = io.TextIOWrapper(
            handle, encoding=encoding, errors="surrogateescape", newline=""
        )
        self.foreign = 0  # lines that are not text in the encoding
        self.first_foreign: tuple[int, str] | None = None  # the first: its number, what is wrong
        self.multibyte = False  # a line that is, and not ASCII: written in it after all
        self._read = before  # lines read from the file (before: those before a shard's)
        self._again: deque[tuple[int, str]] = deque()
        self.number = 0  # the number of the line last returned
        self.bad: dict[int, tuple[str, str]] = {}
        self.taken: list[tuple[int, str]] = []  # (number, line) since the last mark

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._again:
            self.number, line = self._again.popleft()
        else:
            line = self._text.readline(MAX_BYTES + 1)
            if not line:
                raise StopIteration
            self._read += 1
            self.number = self._read
            if len(line) > MAX_BYTES:  # the rest of it is skipped, never held
                while line and not line.endswith(("\n", "\r")):
                    line = self._text.readline(1 << 16)
                self.bad[self.number] = _too_long("line")
                line = "\n"
            try:
                if not line.isascii():  # most lines are ASCII: no copy made
                    line.encode("utf-8")
                    self.multibyte = True
            except UnicodeEncodeError as error:  # bytes not in the encoding, kept as surrogates
                byte = ord(line[error.start]) - 0xDC00
                said = "UTF-8" if self._encoding == UTF8 else self._encoding
                self.bad[self.number] = (
                    f"not {said} text (byte 0x{byte:02X} at column {error.start + 1})",
                    f"save the {self._name} as UTF-8"
                    + (", or name its encoding in a mapping file (encoding: cp1252)" * self._csv)
                    if self._encoding == UTF8
                    else f"check the mapping's encoding ({self._encoding}), or save the"
                    f" {self._name} as UTF-8 and leave encoding out",
                )
                self.foreign += 1
                where = f"byte 0x{byte:02X} at column {error.start + 1}"
                self.first_foreign = self.first_foreign or (self.number, where)
                line = line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        if self._replayable:
            self.taken.append((self.number, line))
        return line

    def mark(self) -> list[tuple[int, str]]:
        """The lines taken since the last mark; a new stretch starts."""
        taken, self.taken = self.taken, []
        return taken

    def again(self, lines: list[tuple[int, str]]) -> None:
        self._again.extendleft(reversed(lines))


def _too_long(what: str) -> tuple[str, str]:
    return (
        f"a {what} longer than {MAX_BYTES:,} characters, far more than one student needs",
        "check the export: one student per line (or document), without embedded files",
    )


def _csv_records(
    path: Path,
    handle: IO[bytes],
    lines: _Lines,
    head: CsvHead,
    before: int = 0,
    cut: bool = False,
) -> Iterator[Item]:
    """One item per record, numbered from ``before`` + 1. A record that cannot be parsed (a quote
    mark that never closes, which would swallow the rest of the file) is an error row for its
    first line, and the lines after that one are read again with a fresh reader, so no other
    student is lost. ``cut``: the lines end before the file does (a shard), so a quoted cell
    still open at their end may go on after it: :class:`ShardCut` is raised."""
    header, layout = list(head.header), head.layout
    positions = {
        ours: header.index(layout.theirs(ours))
        for ours in CSV_COLUMNS
        if layout.theirs(ours) in header and layout.reads(layout.theirs(ours))
    }
    joined = {ours: [header.index(c) for c in parts] for ours, parts in layout.parts.items()}
    nameless = [i for i, name in enumerate(header) if not name]
    read = {*positions.values(), *(i for places in joined.values() for i in places)}
    delimiter = layout.delimiter or ","
    with handle:
        lines.mark()
        reader = csv.reader(lines, strict=True, delimiter=delimiter)
        number = before  # records so far
        while True:
            try:
                record, broken = next(reader, None), None
            except csv.Error as error:
                if cut and str(error) == "unexpected end of data":  # only ever at the end
                    raise ShardCut(lines.number) from None
                record, broken = [], _csv_problem(error)
            span = lines.mark()
            if record is None or not span:
                return
            if broken is not None:  # read the lines after its first one again, afresh
                lines.again(span[1:])
                span = span[:1]
                reader = csv.reader(lines, strict=True, delimiter=delimiter)
                # the cells before the one that breaks it still say who the student is
                record = _cells_before_quote(span[0][1], delimiter)
            first, last = span[0][0], span[-1][0]
            bad = next((lines.bad.pop(n) for n in range(first, last + 1) if n in lines.bad), None)
            if broken is None and bad is None and not any(cell.strip() for cell in record):
                continue  # a blank line, or a row of empty cells (,,,): no student
            number += 1
            where = f"{path}:{first}"
            flat = {
                ours: record[i].strip() if i < len(record) else "" for ours, i in positions.items()
            }
            for ours, indices in joined.items():  # a name over first and last name
                cells = (record[i].strip() for i in indices if i < len(record))
                flat[ours] = " ".join(cell for cell in cells if cell)
            if layout.last_first and "," in flat.get("name", ""):  # "Núñez, José"
                last, first = flat["name"].rsplit(",", 1)  # "Smith, Jr., John": John Smith, Jr.
                flat["name"] = f"{first.strip()} {last.strip()}".strip()
            problem = _row_problem(record, header, nameless, broken, bad, delimiter, read)
            error = InputError(where, None, *problem) if problem is not None else None
            yield Item(number, where, "flat", (flat, layout), error)


def _cells_before_quote(line: str, delimiter: str) -> list[str]:
    """The cells of a line that cannot be parsed, up to the first that is not a whole cell (a
    quote that does not close where the cell ends) or is too long for an id or a name: they
    name the student of an error row (an export that quotes every cell included; the cells
    after it are not trusted, and the error row must not carry the overlong one)."""
    end = re.escape(delimiter)
    cell = re.compile(rf'"((?:[^"]|"")*)"(?={end}|$)|([^"{end}]*)(?={end}|$)')
    text, at, cells = line.rstrip("\r\n"), 0, []
    while at <= len(text) and (found := cell.match(text, at)) is not None:
        quoted, plain = found.groups()
        value = quoted.replace('""', '"') if quoted is not None else plain
        if len(value) > MAX_WHO:
            break
        cells.append(value)
        at = found.end() + len(delimiter)
    return cells


MAX_WHO = 200  # characters: more than any student id or name


def _csv_problem(error: csv.Error) -> tuple[str, str]:
    """A record the csv module cannot read, in words, with its fix."""
    text = str(error)
    fix = "quote a cell that holds a line break or a quote mark; close every quote"
    if text.startswith("new-line character seen in unquoted field"):
        text = "a line break inside a cell that is not quoted"
    elif text == "unexpected end of data":
        text = "a quoted cell that is never closed"
    elif re.fullmatch(r"'.+' expected after '\"'", text):
        text = 'a quoted cell with more after its closing quote (a quote mark inside a cell is written twice: "")'
    elif text.startswith("field larger than field limit"):
        text = f"a cell longer than {csv.field_size_limit():,} characters"
        fix = (
            "shorten that cell (no column of the layout needs that much); if it is not meant to"
            " be long, a quote mark before it is probably never closed"
        )
    return f"not valid CSV: {text}", fix


def _row_problem(
    record: list[str],
    header: list[str],
    nameless: list[int],
    broken: tuple[str, str] | None,
    undecodable: tuple[str, str] | None,
    delimiter: str = ",",
    read: Collection[int] = (),
) -> tuple[str, str] | None:
    """What keeps a CSV record from being read as a student, and its fix. ``read``: the
    places of the columns read (a row may end before columns left out, with nothing lost)."""
    if broken is not None:
        return broken
    if undecodable is not None:
        return undecodable
    if len(record) > len(header):
        return (
            f"{len(record)} cells where the header has {len(header)} columns",
            f"quote any cell that holds {'a comma' if delimiter == ',' else _delimiter_name(delimiter)},"
            " or remove the extra cells",
        )
    if any(i >= len(record) for i in read):  # a column read has no cell: the row ends early
        return (
            f"{len(record)} cells where the header has {len(header)} columns: the row ends"
            f" before column {len(record) + 1} ({header[len(record)]!r})",
            "give the row a cell for every column of the header (an empty one where there is"
            " nothing), or check that the export was not cut short",
        )
    filled = next((i for i in nameless if i < len(record) and record[i].strip()), None)
    if filled is not None:
        return (
            f"a value in column {filled + 1}, which has no name in the header",
            "name the column in the header (and map or ignore it), or empty the cell",
        )
    return None


@dataclass(eq=False)
class CellError(InputError):
    """A cell written otherwise than the layout reads it: a date in another format, a value the
    column does not take. Its column and kind let a sample of rows tell a mapping that is
    plainly wrong (:func:`_check_sample`) from a few bad rows."""

    column: str = ""  # ours
    kind: str = ""  # "date" or "value"
    value: str = ""


_ISO_DATE = re.compile(r"\d{4}(-\d{1,2}){0,2}$")  # left to validation, which names what is wrong
DATE_GUESSES = (
    "%m/%d/%Y", "%d/%m/%Y", "%m-%d-%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%m/%d/%y",
    "%d/%m/%y", "%Y%m%d", "%b %d, %Y", "%d %b %Y", "%B %d, %Y", "%d %B %Y",
)  # fmt: skip


_VALUE_COLUMNS = ("highest_education", "letter_on_file", *LIST_COLUMNS)
NUMBER_COLUMNS = ("hours_per_week", "course_hours", "aapc_renewal_month")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip


def _number(value: str) -> float | int | None:
    """A number cell as the flat layout reads it; None where it is not one (NaN, infinity)."""
    try:
        read = float(value) if "." in value or "e" in value.lower() else int(value)
    except ValueError:
        return None
    return read if read - read == 0 else None


def month_number(value: str) -> int | None:
    """The month a month's name stands for (``June``, ``Jun``, ``jun.``), in English."""
    word = value.strip().rstrip(".").casefold()
    for number, name in enumerate(MONTHS, 1):
        if len(word) >= 3 and name.startswith(word):
            return number
    return None


def _month_map(seen: str) -> str:
    """A value map for month names written as ``seen`` is (``June``, ``Jun``, ``JUNE``): the
    twelve, in that form."""
    cut = 3 if len(seen.rstrip(".")) == 3 else None
    names = [name[:cut] for name in MONTHS]
    if seen.isupper():
        names = [name.upper() for name in names]
    elif seen[:1].isupper():
        names = [name.capitalize() for name in names]
    return ", ".join(f"{name}: {number}" for number, name in enumerate(names, 1))


def _number_example(ours: str, value: str = "") -> str:
    """What a number column's cell should hold, for a fix: a month's number for the renewal
    month (6 for 'June'), hours otherwise."""
    if ours == "aapc_renewal_month":
        return str(month_number(value) or 6)
    return "40" if ours == "hours_per_week" else "80"


def read_cells(flat: Mapping[str, str], layout: CsvLayout, where: str) -> Mapping[str, str]:
    """A CSV row's cells as the flat layout writes them: dates as YYYY-MM-DD (read in the
    mapping's formats), values mapped (case and surrounding spaces ignored), lists joined by
    ``;``. A cell that cannot be is a :class:`CellError` naming the column and the fix."""
    cells: dict[str, str] | None = None  # copied only when a cell changes
    for ours in DATE_COLUMNS:
        value = flat.get(ours)
        if value and not _ISO_DATE.match(value):
            cells = cells or dict(flat)
            cells[ours] = _read_date(value, ours, layout, where)
        elif value and len(value) not in (4, 7, 10):  # 2024-3-5: year, month, day unpadded
            cells = cells or dict(flat)
            year, *rest = value.split("-")
            cells[ours] = "-".join([year, *(part.zfill(2) for part in rest)])
    for ours in NUMBER_COLUMNS if layout.values else ():
        value = flat.get(ours)
        mapped = layout.values.get(ours, {}).get(_folded(value)) if value else None
        if mapped is not None:
            cells = cells or dict(flat)
            cells[ours] = mapped
    plain = layout.plain
    for ours in _VALUE_COLUMNS:
        value = flat.get(ours)
        if not value or (plain and _as_written(value, ours)):
            continue
        read = _read_value(value, ours, layout, where)
        if read != value:
            cells = cells or dict(flat)
            cells[ours] = read
    return flat if cells is None else cells


def _read_date(value: str, ours: str, layout: CsvLayout, where: str) -> str:
    form = layout.date_formats.get(ours)
    if form is not None:
        try:
            return datetime.strptime(value, form).date().isoformat()
        except ValueError:
            pass
        month = month_format(form)
        if month is not None:  # 11/2024 under %m/%d/%Y: known to the month, as 2024-11 is
            try:
                read = datetime.strptime(value.strip(), month)
            except ValueError:
                pass
            else:
                return f"{read.year:04d}-{read.month:02d}"
    guess = _guess_format([value])
    written = form or "YYYY-MM-DD"
    if form is not None and guess in (None, form):  # the format is right; the date is not
        fix = f"correct the date: no day of the calendar is written {value!r} as {form}"
        month = month_format(form)
        example = f"{datetime(2024, 11, 1).strftime(month)} ({month}) or " if month else ""
        fix += (
            f" (a date known only to its month may be written {example}2024-11, one known only"
            " to its year 2024)"
        )
    elif layout.file:
        setting = f"date_formats: {{{ours}: '{guess or '...'}'}}"
        fix = f"correct the date, or set the export's date format in the mapping file: {setting}"
    else:
        fix = (
            "write the date as YYYY-MM-DD, or give --mapping with a mapping file holding"
            f" date_format: '{guess or '...'}' (docs/batch.md)"
        )
    raise CellError(
        where,
        f"column {ours}",
        f"{value!r} is not a date written {written}",
        fix,
        column=ours,
        kind="date",
        value=value,
    )


def transposed(form: str | None) -> str | None:
    """``form`` with its day and month the other way round (``%d/%m/%Y`` for ``%m/%d/%Y``);
    None when it has not one of each."""
    if form is None or form.count("%d") != 1 or form.count("%m") != 1:
        return None
    return form.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _reads_date(value: str, form: str) -> bool:
    """Whether ``form`` (or its month-only form) reads ``value``."""
    for each in (form, month_format(form)):
        if each is not None:
            try:
                datetime.strptime(value.strip(), each)
                return True
            except ValueError:
                continue
    return False


def month_format(form: str) -> str | None:
    """The month-only form of a date format (docs/batch.md): the format without its day and the
    separator beside it, ``%m/%Y`` for ``%m/%d/%Y``, ``%b %Y`` for ``%b %d, %Y``, ``%Y-%m`` for
    ``%Y-%m-%d``; None where that leaves no month and four-digit year."""
    if form.count("%d") != 1:
        return None
    month = re.sub(r"%d[^%]*(?=%)", "", form)  # the day and what follows it, up to the next
    if month == form:
        month = re.sub(r"[^%\w]*%d$", "", form)  # the day last: what comes before it
    month = re.sub(r"\s+", " ", month).strip()
    if "%Y" not in month or not any(code in month for code in ("%m", "%b", "%B")):
        return None
    if "%d" in month or re.search(r"%[mbB]%Y|%Y%[mbB]", month):  # 112024: no separator to tell
        return None
    return month


def _guess_format(values: Iterable[str]) -> str | None:
    """The common date format (US first among equals) that reads the most of ``values``, and
    at least half of them: one mistyped cell (13/45/2021) does not hide the export's format."""
    values = list(values)
    best, most = None, 0
    for form in DATE_GUESSES:
        read = 0
        for value in values:
            try:
                datetime.strptime(value, form)
                read += 1
            except ValueError:
                continue
        if read > most:
            best, most = form, read
    return best if most and 2 * most >= len(values) else None


def _read_value(value: str, ours: str, layout: CsvLayout, where: str) -> str:
    """A value cell (or each item of a list cell) mapped and checked against what the column
    takes (our values are also read in any case: ``cpt`` for ``CPT``)."""
    values = layout.values.get(ours, {})
    allowed = _allowed(ours)
    if ours in LIST_COLUMNS:
        separator = layout.separators.get(ours, ";")
        items = [item.strip() for item in value.split(separator) if item.strip()]
    else:
        items = [value]
    read = []
    for item in items:
        mapped = values.get(_folded(item), item) if values else item
        if ours == "letter_on_file":
            if mapped.lower() not in YES + NO:
                _unmapped(item, ours, layout, where, "is neither yes nor no")
        elif allowed is not None and mapped not in allowed:
            ours_too = _folded_values(ours).get(_folded(mapped))
            if ours_too is None:
                _unmapped(item, ours, layout, where, f"is not one of {', '.join(allowed)}")
            mapped = ours_too
        read.append(mapped)
    return ";".join(read) if ours in LIST_COLUMNS else read[0]


def _as_written(value: str, ours: str) -> bool:
    """Whether a cell of an export without value maps or separators is read as it is: the
    common case, checked without building anything (a batch reads every row)."""
    if ours == "letter_on_file":
        return value.lower() in YES or value.lower() in NO
    allowed = _allowed_set(ours)
    if allowed is None:
        return True
    if ours in LIST_COLUMNS:
        return all(item.strip() in allowed for item in value.split(";") if item.strip())
    return value in allowed


@cache
def _allowed_set(ours: str) -> frozenset[str] | None:
    allowed = _allowed(ours)
    return None if allowed is None else frozenset(allowed)


@cache
def _folded_values(ours: str) -> dict[str, str]:
    return {_folded(value): value for value in _allowed(ours) or ()}


def _unmapped(value: str, ours: str, layout: CsvLayout, where: str, problem: str) -> NoReturn:
    setting = f"values: {{{ours}: {{{_value_pairs(ours, [value])}}}}}"
    fix = "write yes or no" if ours == "letter_on_file" else "correct the value"
    separator = list_separator_in(value, ours, layout)
    if separator is not None:  # a list read as one item: mapping it whole would lose the rest
        problem += f" (it is a list separated by {_delimiter_name(separator)})"
        setting = _separator_setting(ours, separator, layout)
        where_set = "the mapping file" if layout.file else "a mapping file given with --mapping"
        fix = f"set the list separator in {where_set}: {setting}"
    elif layout.file:
        fix += f", or map the export's values in the mapping file: {setting}"
    elif ours != "letter_on_file":
        fix += f", or give --mapping with a mapping file holding {setting}"
    raise CellError(
        where, f"column {ours}", f"{value!r} {problem}", fix, column=ours, kind="value", value=value
    )


LIST_SEPARATORS = (",", ";", "/", "|", "\t")  # what an export's list cells are likely split at


def list_separator_in(value: str, ours: str, layout: CsvLayout) -> str | None:
    """The separator at which a list cell the column does not take splits into items it takes
    (each as the mapping maps it): ``,`` for "CPT, ICD-10-CM" read with ``;``. None otherwise,
    and for a column that takes any text."""
    allowed = _allowed_set(ours)
    if ours not in LIST_COLUMNS or allowed is None:
        return None
    values = layout.values.get(ours, {})
    used = layout.separators.get(ours, ";")
    for separator in LIST_SEPARATORS:
        if separator == used or separator not in value:
            continue
        items = [item.strip() for item in value.split(separator) if item.strip()]
        mapped = [values.get(_folded(item), item) for item in items]
        if len(items) > 1 and all(
            m in allowed or _folded(m) in _folded_values(ours) for m in mapped
        ):
            return separator
    return None


def _separator_setting(ours: str, separator: str, layout: CsvLayout) -> str:
    """The mapping's setting that splits the column's lists at ``separator``: for every list
    column when the mapping sets no separator for any (an export writes its lists alike)."""
    said = "tab" if separator == "\t" else f"'{separator}'"
    alone = f"list_separators: {{{ours}: {said}}}"
    if layout.separators:
        return alone
    return f"list_separator: {said} (every list column's; or {alone} for that column alone)"


def _value_pairs(ours: str, values: Iterable[str]) -> str:
    """``'Their value': ours`` for a value map, ours guessed where it can be."""
    allowed = _allowed(ours) or ()
    return ", ".join(f"{value!r}: {_suggest(value, allowed) or 'OUR_VALUE'}" for value in values)


def _suggest(value: str, allowed: Iterable[str]) -> str | None:
    """The value of ours an export's value most likely stands for: spelt alike, or made of its
    words and initials (``hs_diploma`` for ``High School Diploma``)."""
    allowed = list(allowed)
    close = close_matches(value, allowed, 1)
    if close:
        return close[0]
    words = re.findall(r"[a-z0-9]+", value.casefold())
    initials = "".join(word[0] for word in words)
    for choice in allowed:
        parts = re.split(r"[_-]", choice.casefold())
        if all(part in words or (len(part) > 1 and part in initials) for part in parts):
            return choice
    return None


SAMPLE_ROWS = 1000  # rows read before the batch starts, to find a plainly wrong mapping
MOST_ROWS = 5  # ... which most of them, and at least this many, fail the same way
# a date column of which this many cells read only with day and month the other way round, and
# none only in the mapping's order: its other cells would be read swapped, so it stops the run
SWAPPED_ROWS = 2


def _check_sample(path: Path, head: CsvHead) -> CredentialSample | None:
    """Refuse, with one message and its fix, an export of which most rows (of the first
    :data:`SAMPLE_ROWS`, and at least :data:`MOST_ROWS`) fail the same way in the same column
    (dates in another format, a value that is not mapped): the mapping is plainly wrong, and a
    report of hundreds of error rows would help nobody. Fewer are error rows, as always. Gives
    the credential names of the rows read (the rules' registry judges them: the batch)."""
    if not isinstance(path, Upload) and not stat.S_ISREG(os.stat(path).st_mode):
        return None  # a pipe can be read only once
    credentials = CredentialSample(path, head.layout)
    handle = path.open("rb")
    lines = _Lines(handle, replayable=True, name="export", encoding=head.layout.encoding)
    for _ in range(head.lines):
        next(lines, None)
    records = _csv_records(path, handle, lines, head)
    failures: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], list[str]] = {}
    columns: dict[tuple[str, str], dict[str, None]] = {}  # ours, in the order first seen
    cells = _ColumnTally()  # each column's cells apart: one sparse column written otherwise
    rows_alike = _RowTally()  # what else makes most rows error rows: the row, not a cell
    read = 0
    try:
        for item in itertools.islice(records, SAMPLE_ROWS):
            read += 1
            if item.error is not None:
                rows_alike.add(item.error)
                continue
            cells.add(item.payload[0], head.layout, item.where)
            try:
                flat = read_cells(item.payload[0], head.layout, item.where)
            except CellError as error:
                # dates alike in any date column (each row names its first): one cause
                key = ("", "date") if error.kind == "date" else (error.column, error.kind)
                failures[key] += 1
                columns.setdefault(key, {})[error.column] = None
                seen = examples.setdefault(key, [])
                if len(seen) < 50:
                    seen.append(error.value)
                continue
            try:
                profile_from_flat(flat, item.where, None, head.layout.meaning)
            except InputError as error:
                rows_alike.add(error)
                continue
            credentials.add(flat.get("credentials", ""), item.payload[0].get("credentials", ""))
    finally:
        records.close()
        handle.close()
    if lines.foreign >= FOREIGN_LINES and not lines.multibyte:
        raise InputError(str(path), None, *_foreign(path, head.layout, lines, read))
    done = "; nothing was written, run it again then"
    sampled = f"the first {read:,} rows" if read == SAMPLE_ROWS else f"{read:,} rows"
    if failures:
        key, count = failures.most_common(1)[0]
        if count >= MOST_ROWS and count * 2 > read:
            rows = f"{count:,} of {sampled}"
            problem, fix = _sample_message(
                head.layout, rows, key[1], list(columns[key]), examples[key]
            )
            raise InputError(str(path), None, problem, fix + done)
    sparse = cells.most_wrong()
    if sparse is not None:
        kind, wrong, given, seen = sparse
        rows = f"{cells.count(wrong):,} of the {given:,} rows with a {kind} in the column"
        swapped = [c for c in cells.swapped() if c in wrong]
        # one date_format for every column, day and month the other way round, and no other
        # column with a date only the mapping's order reads: the export most likely writes every
        # date so, which the fix changes in one place
        alone = (
            not swapped
            or len(set(head.layout.date_formats.values())) > 1
            or any(cells.mine_only[c] for c in DATE_COLUMNS if c not in wrong)
        )
        problem, fix = _sample_message(head.layout, rows, kind, wrong, seen, alone=alone)
        if swapped:  # few fail: why the others cannot be read as they are
            names = _listed([repr(head.layout.theirs(c)) for c in swapped])
            problem += (
                f"; the dates in {names} are written with day and month the other way round"
                " (none of them only as the mapping reads them), so those that fit both ways"
                " would be read with the two swapped"
            )
        raise InputError(str(path), None, problem, fix + done)
    alike = rows_alike.most_common(read)
    if alike is not None:
        count, error = alike
        problem, fix = _rows_alike_message(head, error)
        raise InputError(str(path), None, f"{count:,} of {sampled}: {problem}", fix + done)
    return credentials


class CredentialSample:
    """The credential names the sampled rows of an export give (:func:`_check_sample`): per
    name as a row is read (values mapped), the rows naming it and the cell it was in the export;
    and how many rows give any. A name the rules do not know counts toward nothing, so the batch,
    which knows the rules' registry, judges them (:func:`refuse_unknown_credentials`)."""

    def __init__(self, path: Path, layout: CsvLayout) -> None:
        self.path, self.layout = path, layout
        self.rows = 0  # sampled rows that give a credential
        self.names: Counter[str] = Counter()  # name -> rows
        self.given: list[frozenset[str]] = []  # each such row's names
        self.written: dict[str, str] = {}  # name -> the export's item it was read from

    def add(self, cell: str, written: str) -> None:
        names = [name.strip() for name in cell.split(";") if name.strip()]
        if not names:
            return
        self.rows += 1
        self.names.update(dict.fromkeys(names, 1))
        self.given.append(frozenset(names))
        separator = self.layout.separators.get("credentials", ";")
        items = [item.strip() for item in written.split(separator) if item.strip()]
        for name, item in zip(names, items, strict=False):
            self.written.setdefault(name, item)


def unknown_credential(name: str, registry: Any, suffix: str = "-A") -> bool:
    """Whether the rules' ``registry`` (``rulebook``'s :class:`Registry`) knows no credential
    by ``name`` as a row gives it (an apprentice by its ``suffix``, as :func:`profile_from_flat`
    reads it): it then counts toward nothing."""
    apprentice = bool(suffix) and name.upper().endswith(suffix.upper())
    held = name[: -len(suffix)] if apprentice else name
    return registry.info(registry.normalise(held)[0]) is None


APPRENTICE_WORDS = ("apprentice", "apprenticeship", "appr")


def credential_meant(name: str, registry: Any) -> str | None:
    """The credential of the rules an unknown ``name`` stands for, as an id ``eligibility
    list`` gives: a name that spells one of the rules' (its id, apprentice form or name) but
    for case, spaces and punctuation, or with the word "apprentice" (``CPC-A`` for "CPC
    Apprentice", ``CCS-P`` for "CCS P", ``CPC`` for "Certified Professional Coder"); None for
    any other. Not one a letter off (the registry's lookalike, which a row's ``assumed``
    names): "CPB" is AAPC's biller, not a CPC."""

    def meant(text: str) -> str | None:
        info = registry.info(registry.normalise(text)[0])
        if info is not None:
            return info.id
        guess = registry.lookalike(text)
        if guess is None:
            return None
        info = registry.info(registry.normalise(guess)[0])
        forms = (guess, *((info.id, info.apprentice_form, info.name) if info else ()))
        return guess if _squashed(text) in {_squashed(form) for form in forms if form} else None

    words = [word for word in re.split(r"[\s()/,.\-_]+", name) if word]
    plain = [word for word in words if word.casefold() not in APPRENTICE_WORDS]
    if len(plain) == len(words):
        return meant(name)
    held = meant(" ".join(plain)) if plain else None
    return registry.apprentice_name(registry.normalise(held)[0]) if held else None


def _squashed(text: str) -> str:
    return "".join(char for char in text.upper() if char.isalnum())


def _listed(items: Sequence[str]) -> str:
    """``'a'``, ``'a' and 'b'``, ``'a', 'b' and 'c'``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def refuse_unknown_credentials(cohort: Cohort, registry: Any) -> None:
    """Stop a batch, with one message and the fix, when most of the sampled rows of a CSV
    export that give credentials (and at least :data:`MOST_ROWS`) name one the rules'
    ``registry`` does not know but that stands for one it does ("CPC Apprentice" for the
    CPC-A): each would count toward nothing, and every such student be answered as holding
    none, as an unmapped value would be an error row. Fewer are said in the summary and the
    closing line (the batch counts them)."""
    sample = cohort.credentials
    if sample is None or not sample.rows:
        return
    suffix = sample.layout.meaning.apprentice_suffix if sample.layout.meaning else "-A"
    meant = {
        name: credential_meant(name, registry)
        for name in sample.names
        if unknown_credential(name, registry, suffix)
    }
    meant = {name: known for name, known in meant.items() if known}
    rows = sum(1 for names in sample.given if not names.isdisjoint(meant))
    if rows < MOST_ROWS or rows * 2 <= sample.rows:
        return
    cohort.close()
    named = sorted(meant, key=lambda name: -sample.names[name])
    layout = sample.layout
    pairs = ", ".join(f"{sample.written.get(n, n)!r}: {meant[n]}" for n in named[:6])
    setting = f"values: {{credentials: {{{pairs}}}}}"
    column = layout.theirs("credentials")
    where = (
        f"in the mapping file {layout.file}: {setting}"
        if layout.file
        else f"in a mapping file (--mapping) holding {setting}, or write the ids in the export"
    )
    raise InputError(
        str(sample.path),
        None,
        f"{rows:,} of the {sample.rows:,} rows with credentials name credentials these rules do"
        f" not know, like {_listed([repr(sample.written.get(n, n)) for n in named[:3]])} in"
        f" {column!r}: each would count toward nothing",
        f"map them to the credentials they stand for {where} (the ids 'eligibility list'"
        " gives); nothing was written, run it again then",
    )


class _ColumnTally:
    """Per date column, how many sampled rows fill it and how many of those are
    written otherwise than the mapping reads them: a column most rows leave empty (a letter's
    date) can be written in another format throughout though few rows fail, and its other cells
    would be read wrongly (day and month swapped) without a word."""

    def __init__(self) -> None:
        self.given: Counter[str] = Counter()
        self.wrong: Counter[str] = Counter()
        self.seen: dict[str, list[str]] = {}
        # written day and month the other way round: of the cells not in ISO form, those only
        # the mapping's format reads, and those only the other order reads
        self.mine_only: Counter[str] = Counter()
        self.other_only: Counter[str] = Counter()

    def add(self, flat: Mapping[str, str], layout: CsvLayout, where: str) -> None:
        for ours in DATE_COLUMNS:
            value = flat.get(ours)
            if value:
                self.given[ours] += 1
                if not _ISO_DATE.match(value):
                    self._try(value, ours, layout, where)

    def _try(self, value: str, ours: str, layout: CsvLayout, where: str) -> None:
        swapped = transposed(layout.date_formats.get(ours))
        other = swapped is not None and _reads_date(value, swapped)
        try:
            _read_date(value, ours, layout, where)
        except CellError:
            self.wrong[ours] += 1
            self.other_only[ours] += other
            seen = self.seen.setdefault(ours, [])
            if len(seen) < 50:
                seen.append(value)
        else:
            self.mine_only[ours] += swapped is not None and not other

    def swapped(self) -> list[str]:
        """The date columns that some cells (at least :data:`SWAPPED_ROWS`) fill with day and
        month the other way round, and none in the mapping's order alone: the mapping's format
        reads the others with the two swapped, without a word, however few fail. (A cell that
        neither order reads is an error row either way.)"""
        return [
            c for c in DATE_COLUMNS if self.other_only[c] >= SWAPPED_ROWS and not self.mine_only[c]
        ]

    def count(self, columns: Sequence[str]) -> int:
        return max(self.wrong[c] for c in columns)

    def most_wrong(self) -> tuple[str, list[str], int, list[str]] | None:
        """(kind, columns, rows that fill them, cells seen) of the date columns written
        otherwise in most of the rows that fill them (and at least :data:`MOST_ROWS`), together;
        None when there are none. (A value not mapped is an error row, never read wrongly.)"""
        wrong = [
            c
            for c in self.wrong
            if self.wrong[c] >= MOST_ROWS and self.wrong[c] * 2 > self.given[c]
        ]
        wrong += self.swapped()
        dates = [c for c in DATE_COLUMNS if c in wrong]
        if dates:
            seen = [v for c in dates for v in self.seen[c]]
            return "date", dates, max(self.given[c] for c in dates), seen
        return None


class _RowTally:
    """The problems that make sampled rows error rows other than a cell's date or value (a row
    with more or fewer cells than the header, an empty id, a number with a unit), counted by
    their words with the numbers and values in them set aside."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str | None, str]] = Counter()
        self.first: dict[tuple[str | None, str], InputError] = {}

    def add(self, error: InputError) -> None:
        key = (error.place, re.sub(r"'[^']*'|\d[\d,]*", "_", error.problem))
        self.counts[key] += 1
        self.first.setdefault(key, error)

    def most_common(self, read: int) -> tuple[int, InputError] | None:
        """The count and first error of the problem most sampled rows share, when it is most of
        them (and at least :data:`MOST_ROWS`); else None. An empty id stops the run only in
        every row (the id mapped to the wrong column): a few students without one are error
        rows, as always."""
        if not self.counts:
            return None
        key, count = self.counts.most_common(1)[0]
        if count < MOST_ROWS or count * 2 <= read:
            return None
        if key[0] == "column candidate_id" and count < read:
            return None
        return count, self.first[key]


def _rows_alike_message(head: CsvHead, error: InputError) -> tuple[str, str]:
    """The one message (problem, fix) for most rows failing alike other than in a cell's date
    or value: the problem of the first, said of the export, and a fix for the export or the
    mapping rather than for one row."""
    layout, header = head.layout, head.header
    where = f"the mapping file {layout.file}" if layout.file else "a mapping file (--mapping)"
    problem = f"{error.problem} (the first: {error.file})"
    if " cells where the header has " in error.problem:
        more = int(error.problem.split()[0]) > len(header)
        if more:
            said = (
                "a comma"
                if (layout.delimiter or ",") == ","
                else _delimiter_name(layout.delimiter or ",")
            )
            return problem, (
                f"a column's cells hold {said} that is not quoted (names written 'Last, First',"
                " amounts with thousands separators): quote those cells, or export with tabs and"
                f" delimiter: tab in {where}"
            )
        return problem, (
            "export every column of the header in every row (empty cells kept), or check that"
            " the export was not cut short"
        )
    column = (error.place or "").removeprefix("column ")
    if column == "candidate_id":
        mapped = layout.theirs("candidate_id")
        return problem, (
            f"the id is read from the column {mapped!r}: map candidate_id in {where} to the"
            " column that holds each student's id"
        )
    anchor = re.search(r" but (\w+) is empty", error.problem)
    if anchor and layout.theirs(anchor[1]) not in header:
        return problem, (
            f"map {anchor[1]} in {where} to the export's column that holds it"
            f" (columns: {{{anchor[1]}: ...}}), or leave {column} out of the mapping"
        )
    if "is not a number" in error.problem:
        theirs = layout.theirs(column)
        seen = re.match(r"'([^']*)'", error.problem)
        month = month_number(seen[1]) if seen and column == "aapc_renewal_month" else None
        if month is not None:  # June, July: month names, which a map reads
            return problem, (
                f"export {theirs!r} as month numbers ({month}, not {seen[1]!r}), or map the"
                f" month names in {where}: values: {{{column}: {{{_month_map(seen[1])}}}}}"
            )
        example = _number_example(column)
        return problem, (
            f"export {theirs!r} as plain numbers ({example}, not '{example} hrs'), or correct"
            " those cells"
        )
    return problem, (error.fix or "correct the export") + " (in every such row of the export)"


FOREIGN_LINES = 2  # lines not in the encoding, and none that is and not ASCII: another one


def _refuse_wide_text(path: Path) -> None:
    """UTF-16 or UTF-32 (Excel's "Unicode Text", a byte-order mark FF FE, or NUL bytes): its
    lines cannot be read one byte-line at a time, nor cut into shards. One message, first."""
    with path.open("rb") as handle:
        start = handle.read(4096)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in start:
        raise InputError(
            str(path),
            None,
            "the export is written in UTF-16 (Excel's 'Unicode Text'), two bytes a character",
            "save it from the spreadsheet as 'CSV UTF-8' and give that file",
        )


def _refuse_misnamed_utf8(path: Path, layout: CsvLayout) -> None:
    """An export the mapping says is in another encoding whose bytes are UTF-8, accents and
    all (or that starts with UTF-8's byte-order mark): read as the mapping says, every accent
    would be garbled without a word."""
    if layout.encoding == UTF8:
        return
    with path.open("rb") as handle:
        sample = handle.read(1 << 20)
    if len(sample) == 1 << 20:  # cut inside a character, perhaps: up to the last line's end
        sample = sample[: sample.rfind(b"\n") + 1]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return
    if not sample.isascii():
        where = f"the mapping file {layout.file}" if layout.file else "the mapping file"
        raise InputError(
            str(path),
            None,
            f"the export is UTF-8 (its accents are written as UTF-8 writes them), not"
            f" {layout.encoding} as {where} says: read so, every accent would be garbled",
            f"leave encoding out of {where}; nothing was written, run it again then",
        )


def _foreign(path: Path, layout: CsvLayout, lines: _Lines, read: int) -> tuple[str, str]:
    """The one message (problem, fix) for an export written in another encoding than the one
    it is read in: several lines are not text in it, and no line that is uses more than ASCII
    (a UTF-8 export with accents has such lines; Excel's Windows "CSV" has none)."""
    first, wrong = lines.first_foreign or (0, "")
    said = "UTF-8" if layout.encoding == UTF8 else layout.encoding
    problem = (
        f"{lines.foreign:,} of the first {read:,} rows are not {said} text (line {first}:"
        f" {wrong}): the export is written in another encoding"
    )
    where = (
        f"the mapping file {layout.file}"
        if layout.file
        else "a mapping file given with --mapping (that line may be all it holds)"
    )
    guess = _guess_encoding(path, layout.encoding)
    fix = (
        f"add encoding: {guess} to {where} (Excel's 'CSV' on Windows writes {guess}), or save"
        " the export as 'CSV UTF-8'"
        if guess
        else "save the export as 'CSV UTF-8'"
    )
    return problem, fix + "; nothing was written, run it again then"


def _guess_encoding(path: Path, tried: str) -> str | None:
    """The first of the usual exports' encodings that reads the sample without a bad byte."""
    with path.open("rb") as handle:
        sample = handle.read(1 << 20)
    for name in ("cp1252", "latin-1"):
        if name == tried:
            continue
        try:
            sample.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    return None


def _sample_message(
    layout: CsvLayout,
    rows: str,
    kind: str,
    columns: list[str],
    seen: list[str],
    alone: bool = False,
) -> tuple[str, str]:
    """The one message (problem, fix) for most rows failing alike in ``columns`` (ours).
    ``alone``: only those columns are written otherwise (most of the rows that fill them), so
    a date format is set for them alone, never for every column."""
    names = " and ".join(
        filter(
            None,
            [
                ", ".join(repr(layout.theirs(c)) for c in columns[:-1]),
                repr(layout.theirs(columns[-1])),
            ],
        )
    )
    where = (
        f"the mapping file {layout.file}"
        if layout.file
        else "a mapping file given with --mapping (docs/batch.md)"
    )
    if kind == "value":
        (column,) = columns
        distinct = list({_folded(v): v for v in seen}.values())[:5]
        allowed = _allowed(column) or ("yes", "no")
        problem = (
            f"{rows} have values like {seen[0]!r} in {names}, which {column} does not take"
            f" (it takes {', '.join(allowed)})"
        )
        separators = Counter(list_separator_in(v, column, layout) for v in seen)
        separator, count = separators.most_common(1)[0]
        if separator is not None and 2 * count >= len(seen):  # lists, split at another mark
            return (
                f"{problem}: they are lists separated by {_delimiter_name(separator)}",
                f"set the list separator in {where}: {_separator_setting(column, separator, layout)}",
            )
        return (
            problem,
            f"map them in {where}: values: {{{column}: {{{_value_pairs(column, distinct)}}}}}",
        )
    forms = {layout.date_formats.get(c) for c in columns}
    written = (forms.pop() or "YYYY-MM-DD") if len(forms) == 1 else "as the mapping says"
    problem = f"{rows} have dates like {seen[0]} in {names}, not written {written}"
    if not any(char.isdigit() for value in seen for char in value):  # "Yes": a flag, not a day
        problem = f"{rows} have {seen[0]!r} in {names}, which is not a date (no digits at all)"
        own = ", ".join(c for c in columns)
        return problem, (
            f"map {own} in {where} to a column that holds the day, or, if the export gives only"
            f" yes or no, leave the column out (ignore: [{', '.join(layout.theirs(c) for c in columns)}])"
            " and give the day another way"
        )
    guess = _guess_format(seen)
    if guess is None:
        own = ", ".join(f"{c}: '...'" for c in columns)
        return problem, f"set their date format in {where}: date_formats: {{{own}}} (docs/batch.md)"
    if alone:
        own = ", ".join(f"{c}: '{guess}'" for c in columns)
        return (
            problem,
            f"set the date format of {', '.join(columns)} alone in {where}: date_formats: {{{own}}}",
        )
    if not any(layout.date_formats.get(c) for c in columns):
        alone = f" (or date_formats: {{{columns[0]}: '{guess}'}} for that column alone)"
        return problem, f"add date_format: '{guess}' to {where}" + (
            alone if len(columns) == 1 else ""
        )
    forms = set(layout.date_formats.values())
    if len(forms) == 1 and len(layout.date_formats) == len(DATE_COLUMNS):
        # one date_format for every column: changing some would leave the others read wrongly
        # wherever a day of 12 or less lets the wrong format read them too
        return problem, f"change date_format in {where} to '{guess}' (it is every date column's)"
    return problem, f"change the date format of {', '.join(columns)} in {where} to '{guess}'"


def profile_from_flat(
    flat: Mapping[str, str],
    where: str,
    as_of: date | None = None,
    meaning: FlatMeaning | None = None,
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A nested profile from one row of the flat CSV layout (docs/batch.md), and what had to be
    assumed to make it, in words. ``as_of``: the batch's evaluation date, if one was given;
    ``meaning``: what the rules say a row stands for (default: the bundled rules')."""
    meaning = meaning or _bundled_meaning()

    def split(value: str) -> list[str]:
        return [part.strip() for part in value.split(";") if part.strip()]

    def number(column: str) -> float | None:
        value = flat.get(column, "")
        if not value:
            return None
        read = _number(value)
        if read is None:  # not a number, or NaN or infinity
            fix = f"write {column} as a number, or leave the cell empty"
            month = month_number(value) if column == "aapc_renewal_month" else None
            if month is not None:  # "June": an export writing month names needs a map
                fix = (
                    f"write {column} as the month's number ({month} for {value!r}), or leave the"
                    f" cell empty; an export that writes month names can map them: values:"
                    f" {{{column}: {{{value!r}: {month}}}}}"
                )
            raise InputError(where, f"column {column}", f"{value!r} is not a number", fix)
        return read

    def yes_or_no(column: str) -> bool:
        value = flat.get(column, "").lower()
        if value in ("yes", "y", "true", "1"):
            return True
        if value in ("", "no", "n", "false", "0"):
            return False
        raise InputError(
            where, f"column {column}", f"{flat[column]!r} is neither yes nor no", "write yes or no"
        )

    # every cell is read, even where another cell leaves it unused: a wrong value is never ignored
    letter_on_file = yes_or_no("letter_on_file")
    hours, course_hours, month = (
        number(c) for c in ("hours_per_week", "course_hours", "aapc_renewal_month")
    )
    if flat.get("letter_date") and not letter_on_file:
        raise InputError(
            where,
            "column letter_date",
            "a letter date is given but letter_on_file is not yes",
            "write yes in letter_on_file, or empty letter_date",
        )
    for column, (anchor, what) in _DESCRIBES.items():
        given = letter_on_file if column == "letter_on_file" else flat.get(column)
        if given and not flat.get(anchor):  # it would describe nothing, and be lost
            raise InputError(
                where,
                f"column {column}",
                f"{column} is given but {anchor} is empty: it describes {what}",
                f"give {anchor}, or empty {column}",
            )
    assumed: list[str] = []
    profile: dict[str, Any] = {"profile_version": 1}
    if not flat.get("candidate_id"):  # the one column a row must fill: how a program finds it
        raise InputError(
            where,
            "column candidate_id",
            "the student's id is empty",
            "give every row the student's id (the one column a row must fill)",
        )
    if _totals_line(flat):  # answered, it would be one student more in every count
        raise InputError(
            where,
            "column candidate_id",
            f"this row {TOTALS_LINE} ({flat['candidate_id']!r}"
            + (f", {flat['name']!r}" if flat.get("name") else "")
            + "), not a student",
            "delete the export's totals and footer lines before checking it",
        )
    for column in ("candidate_id", "name", "as_of"):
        if flat.get(column):
            profile[column] = flat[column]
    if flat.get("highest_education"):
        profile["education"] = {"highest_level": flat["highest_education"]}
    if flat.get("coding_start"):
        job: dict[str, Any] = {
            **meaning.job,
            "id": "job",
            "start_date": flat["coding_start"],
            "end_date": flat.get("coding_end") or None,
        }
        if flat.get("code_sets"):
            job["code_sets"] = split(flat["code_sets"])
        if hours is not None:
            job["hours_per_week"] = hours
        profile["work_history"] = [job]
        if "coding_end" not in flat:  # the export has no such column: not "still going" said
            assumed.append(
                "the coding job is taken as still going (the export has no column for the day"
                " a job ended)"
            )
        if letter_on_file:
            end = flat.get("coding_end")
            dated = flat.get("letter_date") or _letter_day(flat, as_of)
            if not flat.get("letter_date"):
                assumed.append(
                    f"the letter on file is taken to be dated {dated} (the export gives no"
                    " date for the letter; a letter can vouch only for work done by its date)"
                )
            if end and (end > dated or end > _evaluation_day(flat, as_of)):
                # a last day still to come (a contract, an externship with its end planned) is
                # not one a letter can state: it vouches for the work to its own date ('to
                # present'), and is re-issued as the work goes on, up to the job's last day
                end = None
            profile["verification_letters"] = [
                {
                    **meaning.letter,
                    "covers_work_id": "job",
                    "letter_date": dated,
                    "stated_start": flat["coding_start"],
                    **({"stated_end": end} if end else {"states_to_present": True}),
                }
            ]
    if course_hours is not None:
        profile["training"] = [
            {
                "program_type": meaning.course_type,
                "completed": bool(flat.get("course_completed_on")),
                "completion_date": flat.get("course_completed_on") or None,
                "hours": {"value": course_hours, "unit": meaning.course_hours_unit},
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
        suffix = meaning.apprentice_suffix
        apprentice = bool(suffix) and credential.upper().endswith(suffix.upper())
        credentials.append(
            {
                "id": credential[: -len(suffix)] if apprentice else credential,
                "apprentice": apprentice,
            }
        )
    if credentials:
        profile["credentials"] = credentials
    if flat.get("aapc_paid_through"):
        membership: dict[str, Any] = {
            **meaning.membership,
            "paid_through": flat["aapc_paid_through"],
        }
        if month is not None:
            membership["renewal_month"] = month
        profile["memberships"] = [membership]
    elif held := [c for c in split(flat.get("credentials", "")) if c.upper() in meaning.members]:
        # a holder keeps the membership: the export does not say to when, not that there is none
        profile["memberships"] = [dict(meaning.membership)]
        organization = meaning.membership.get("organization", "the")
        assumed.append(
            f"the {organization} membership is taken as held, paid through a day not known (the"
            f" export gives none; a holder of {', '.join(held)} keeps one to keep it)"
        )
    return profile, tuple(assumed)


# cells that only describe what another cell gives: (that cell, what it is)
_DESCRIBES = {
    "coding_end": ("coding_start", "the coding job"),
    "hours_per_week": ("coding_start", "the coding job"),
    "code_sets": ("coding_start", "the coding job"),
    "letter_on_file": ("coding_start", "a letter for the coding job"),
    "course_completed_on": ("course_hours", "the course"),
    "course_topics": ("course_hours", "the course"),
    "aapc_renewal_month": ("aapc_paid_through", "the membership"),
}


@cache
def _bundled_meaning() -> FlatMeaning:
    return flat_meaning(None)


@dataclass(frozen=True)
class FlatMeaning:
    """What a row of the flat CSV layout stands for where a body's rules decide: read from the
    rules directory's ``flat-csv.yaml`` (docs/batch.md), so that Python holds none of it."""

    job: Mapping[str, Any]  # a job's fields the row does not give
    letter: Mapping[str, Any]  # the letter ``letter_on_file: yes`` stands for
    course_type: str
    course_hours_unit: str
    membership: Mapping[str, Any]  # the membership of the membership columns
    apprentice_suffix: str
    # (fact path pattern, words): what a student of the export is asked for where the row
    # leaves a fact unsaid, said instead of the fact file's words for a profile
    supply: tuple[tuple[str, str], ...] = ()
    # how a student is asked for the day of a date cell given as a month or a year: the request
    # ({date} in it) and (date column, its date in words), said instead of a profile's field
    date_ask: str = ""
    date_words: tuple[tuple[str, str], ...] = ()
    # (certifying body pattern, words): said instead of a rule's step that corrects a profile
    corrects: tuple[tuple[str, str], ...] = ()
    # the credentials (upper case, any name: CPC, CPC-A, CPC-H) whose holders keep the
    # membership: a row holding one, its paid-through column empty, has it with that day unknown
    members: frozenset[str] = frozenset()
    members_kept: bool = False  # flat-csv.yaml's membership_of_holders

    @property
    def field_dates(self) -> tuple[tuple[str, str], ...]:
        """(profile date field, as ``work_history.start_date``; words) for each date field a
        column given in words fills: the engine finds an imprecise date by its field."""
        words = dict(self.date_words)
        return tuple(
            (place, words[column])
            for column, places in DATE_FIELDS.items()
            if column in words
            for place in places
        )

    def reads_rows_as(self, other: FlatMeaning) -> bool:
        """Whether a row stands for the same profile under both: the words for its student
        apart (``supply``, ``exact_dates``, ``corrects``), which say only what the student is
        asked for or told."""

        def meaning(flat: FlatMeaning) -> FlatMeaning:
            return replace(flat, supply=(), date_ask="", date_words=(), corrects=())

        return meaning(self) == meaning(other)


def flat_meaning(rules_dir: str | Path | None) -> FlatMeaning:
    """The rules directory's ``flat-csv.yaml`` (default: the bundled rules'), read and checked;
    a missing or broken file is an :class:`InputError` naming the place and the fix. With
    ``membership_of_holders``, the registry beside it (``credentials.yaml``) says whose
    credentials keep the membership."""
    folder = Path(rules_dir) if rules_dir else data_dir("rules")
    meaning = _flat_meaning(str(folder / FLAT_CSV_FILE), read_text(folder / FLAT_CSV_FILE))
    if not meaning.members_kept:
        return meaning
    registry = folder / REGISTRY_FILE
    return replace(
        meaning,
        members=_members(
            str(registry), read_text(registry), str(meaning.membership.get("organization"))
        ),
    )


@cache  # read once per text
def _members(where: str, text: str, organization: str) -> frozenset[str]:
    """Every name of the credentials the registry ``text`` says ``organization`` issues (ids,
    apprentice forms, aliases), upper case. The registry is checked when the rules are loaded;
    here only its entries are read."""
    data = parse_text(text, where)
    entries = data.get("credentials") if isinstance(data, Mapping) else None
    return frozenset(
        str(name).upper()
        for entry in entries or ()
        if isinstance(entry, Mapping) and entry.get("body") == organization
        for name in (entry.get("id"), entry.get("apprentice_form"), *(entry.get("aliases") or ()))
        if name
    )


def flat_document(rules_dir: str | Path) -> Mapping[str, Any] | None:
    """The rules directory's ``flat-csv.yaml`` as written, read and checked as
    :func:`flat_meaning` reads it, for comparing two (``eligibility diff``); None where the
    directory has none (its rules still check profiles, not a flat CSV)."""
    return rules_input(rules_dir, FLAT_CSV_FILE, "flat-csv")


@cache  # read once per text: a row built without a meaning given reads the bundled one
def _flat_meaning(where: str, text: str) -> FlatMeaning:
    data = checked_text(where, text, "flat-csv")
    course = data["course"]
    return FlatMeaning(
        data["job"],
        data["letter_on_file"],
        course["program_type"],
        course["hours_unit"],
        data["membership"],
        data["apprentice_suffix"],
        tuple((data.get("supply") or {}).items()),
        data.get("exact_dates", {}).get("ask", ""),
        tuple(data.get("exact_dates", {}).get("dates", {}).items()),
        tuple((data.get("corrects") or {}).items()),
        members_kept=bool(data.get("membership_of_holders")),
    )


TOTALS_LINE = "reads as a totals or footer line"  # an error row's words: no student in it
# what a spreadsheet's totals or footer line puts where a student's id goes
_TOTALS = re.compile(r"(grand\s+)?(totals?|sum|count|average|subtotal)\b.*", re.IGNORECASE)
_COUNTED = re.compile(r"\d[\d,]*\s+(students?|rows?|records?|learners?)", re.IGNORECASE)


def _totals_line(flat: Mapping[str, str]) -> bool:
    """Whether a row is an export's totals line ("TOTAL", "500 students"), not a student: its
    id says so, or its name counts students, and it gives nothing about anyone."""
    said = (flat.get("candidate_id", ""), flat.get("name", ""))
    if not (_TOTALS.fullmatch(said[0].strip()) or _COUNTED.fullmatch(said[1].strip())):
        return False
    others = [v for k, v in flat.items() if k not in ("candidate_id", "name", "as_of") and v]
    return not others


def _evaluation_day(flat: Mapping[str, str], as_of: date | None) -> str:
    """The row's evaluation date as written (``--as-of``, else the row's as_of, else today), to
    compare with another date cell as ISO text: a month or a year (``2027-12``) sorts before its
    own days and after every earlier day, so a later date is later from its first day on."""
    return (as_of.isoformat() if as_of else None) or flat.get("as_of") or date.today().isoformat()


def _letter_day(flat: Mapping[str, str], as_of: date | None) -> str:
    """The date a letter on file is taken to bear when the row gives none: the evaluation date
    (``--as-of``, else the row's as_of), but never later than today, when no letter can yet be
    dated later. A date that is not one is left as it is, for validation to name."""
    today = date.today()
    if as_of is None and flat.get("as_of"):
        try:
            as_of = date.fromisoformat(flat["as_of"])
        except ValueError:
            return flat["as_of"]
    return min(as_of or today, today).isoformat()
