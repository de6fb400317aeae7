"""Batch-checking a cohort: rows -> one report per student, streamed to CSV, JSON Lines and a
Markdown summary, each written atomically (a temporary file renamed into place at the end).

A bad row becomes an error row naming its place and reason; every other row is still checked and
written, and the summary's counts reconcile with the rows read. Memory stays constant whatever the
cohort's size: rows are read, checked and written one at a time, and the summary keeps counts.
Both reports come from one run of the engine's plan per student (``engine/plan.py``): the CSV
from the cohort's answers (every check, fast), the JSON Lines report from the same run's result
trees (slower): by default a header giving the rules' metadata once, then each student's answers
naming the rules by id; or the full entry of ``eligibility check --format json`` per student.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import secrets
import signal
import stat
import sys
import tempfile
import threading
import types
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext, suppress
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import IO, Any, AnyStr

from eligibility.api import prepare, profile_notes, resolve_as_of, selectors_of, to_date
from eligibility.engine.plan import NO_OUTCOME, Assessment, Memo, Outcome, Plan, assess, make_plan
from eligibility.engine.results import (
    AMBIGUOUS,
    NOT_APPLICABLE,
    NOT_MET,
    UNKNOWN,
    NodeResult,
    ProfileReport,
)
from eligibility.errors import InputError, fault
from eligibility.inputs.cohort import (
    STDIN,
    TOTALS_LINE,
    Cohort,
    Item,
    Row,
    Shard,
    count_shard,
    credential_meant,
    flat_meaning,
    load_mapping,
    number_shards,
    parse_item,
    read_items,
    read_shard,
    refuse_unknown_credentials,
)
from eligibility.report.answerwords import closest_name, next_step
from eligibility.report.provenance import policies_used
from eligibility.report.render import (
    json_error,
    json_lean,
    json_report,
    jsonl_header,
    lacking_words,
)
from eligibility.report.sheets import GUARD_STARTS, inert, statement
from eligibility.report.summary import Tally, strangers_said, summary_markdown
from eligibility.rulebook.rules import RuleBook

CSV_FIELDS = (
    "row", "where", "candidate_id", "name", "check", "status", "standing",
    "failed", "unknown", "ambiguous", "shortfall", "closest", "next_step", "eligible_by",
    "as_of", "rule_version", "error", "assumed", "review", "about",
)  # fmt: skip
BOM = "\ufeff"  # --excel: tells a spreadsheet the CSV is UTF-8 (else "José" shows garbled)
CHUNK = 256  # rows a worker process checks at a time
TAILS = 4096  # CSV line tails remembered, per generation (see engine.plan.Memo)


class Stopped(Exception):
    """A batch stopped on request (``run_batch(stop=...)``) between two chunks of rows."""


STDOUT = "-"  # an output path that stands for standard output
TEMPORARY = re.compile(r"\.(?P<name>.+)\.eligibility-(?P<pid>\d+)-[0-9a-z_]+\.tmp")


class Output:
    """A report being written: text appears at ``target`` only when it is complete
    (:func:`atomic_writer`). A write that fails (a full disk) names this file, not another
    output written beside it."""

    def __init__(self, target: Path, handle: IO[str]) -> None:
        self.target = target
        self._handle = handle
        self._held = ""

    def hold(self, text: str) -> None:
        """Write ``text`` (a report's header) before whatever comes next, and only then: a
        cohort refused as empty leaves standard output, which cannot be taken back, blank."""
        self._held = text

    def _taken(self) -> str:
        held, self._held = self._held, ""
        return held

    def write(self, text: str) -> None:
        try:
            self._handle.write(self._taken() + text)
        except OSError as error:
            raise _unwritable(self.target, error) from None

    def close(self) -> None:
        try:
            self._handle.close()
        except OSError as error:
            raise _unwritable(self.target, error) from None

    def append(self, part: str | Path | bytes, skip: int = 0) -> None:
        """Add a part written elsewhere, as it is from byte ``skip`` on: bytes, or a file's
        (copied by the kernel where it can, so that a shard's report never passes through this
        process's memory)."""
        try:
            self._handle.write(self._taken())
            self._handle.flush()
            target = self._handle.fileno()
            if isinstance(part, bytes):
                _write_all(target, memoryview(part)[skip:])
                return
            with open(part, "rb") as source:
                source.seek(skip)
                _copy(source.fileno(), target)
        except OSError as error:
            raise _unwritable(self.target, error) from None


def _write_all(target: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(target, view) :]


def _copy(source: int, target: int) -> None:
    """Copy the rest of file ``source`` to the end of what was written to ``target``."""
    try:
        while os.copy_file_range(source, target, 1 << 30):
            pass
        return
    except (AttributeError, OSError) as error:  # not on this system, or not between these files
        if isinstance(error, OSError) and error.errno in _FULL:
            raise
    while block := os.read(source, 1 << 20):
        _write_all(target, block)


@contextmanager
def atomic_writer(path: str | Path, newline: str | None = None) -> Iterator[Output]:
    """A text file that appears at ``path`` only when the block ends without error.

    A place that cannot be written (no such folder, no permission, a full disk) is an
    :class:`InputError` naming it; the temporary file is created at once, so that this is known
    before any work is done. The temporary file is named after the report and this process
    (``.report.csv.eligibility-PID-XXXX.tmp``), so that one left by a run that was killed is
    recognised and removed by the next run writing the same report. ``-`` writes standard
    output instead, as the text comes (it cannot be replaced whole)."""
    if str(path) == STDOUT:
        yield from _standard_output(newline)
        return
    target = Path(path)
    refuse_special(target)
    remove_leftovers(target)
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed into place
            "w",
            encoding="utf-8",
            newline=newline,
            dir=target.parent or ".",
            prefix=f".{target.name}.eligibility-{os.getpid()}-",
            suffix=".tmp",
            delete=False,
        )
    except OSError as error:
        raise _unwritable(target, error) from None
    output = Output(target, handle)
    try:
        try:
            yield output
        except BaseException:
            with suppress(OSError):  # what it failed to write is lost with it
                handle.close()
            raise
        output.close()  # the last of the text reaches the disk here: a full one says so
        _put_in_place(handle.name, target)
    except BaseException:
        with suppress(OSError):
            Path(handle.name).unlink(missing_ok=True)
        raise


def _put_in_place(name: str, target: Path) -> None:
    """Rename a finished temporary file to ``target``, with a new file's mode."""
    try:
        umask = os.umask(0)  # a temporary file is private; the report gets a new file's mode
        os.umask(umask)
        os.chmod(name, 0o666 & ~umask)
        os.replace(name, target)
    except OSError as error:  # e.g. --out names a folder
        raise _unwritable(target, error) from None


def _temporary(target: Path) -> str:
    """A new private temporary file beside ``target``, named as :data:`TEMPORARY` says."""
    try:
        handle, name = tempfile.mkstemp(
            dir=target.parent or ".",
            prefix=f".{target.name}.eligibility-{os.getpid()}-",
            suffix=".tmp",
        )
    except OSError as error:
        raise _unwritable(target, error) from None
    os.close(handle)
    return name


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A file a library writes by name (a workbook), appearing at ``path`` only when the block
    ends without error: the block writes the temporary file it is given, as
    :func:`atomic_writer` does."""
    target = Path(path)
    refuse_special(target)
    remove_leftovers(target)
    name = _temporary(target)
    try:
        yield Path(name)
        _put_in_place(name, target)
    except BaseException:
        with suppress(OSError):
            Path(name).unlink(missing_ok=True)
        raise


class _StandardOutput(Output):
    """Standard output as an :class:`Output`: a write that fails (a closed pipe, a full disk) is
    the command's output failing, as the command line says it for any command."""

    def write(self, text: str) -> None:
        self._handle.write(self._taken() + text)


def _standard_output(newline: str | None) -> Iterator[Output]:
    """Standard output as an :class:`Output`, left open when done (other lines may follow)."""
    sys.stdout.flush()  # what was printed before comes first
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # standard output replaced by a text stream (a test, an embedding program)
        yield _StandardOutput(Path("<stdout>"), sys.stdout)
        return
    stream = io.TextIOWrapper(buffer, encoding="utf-8", newline=newline)
    try:
        yield _StandardOutput(Path("<stdout>"), stream)
        stream.flush()
    finally:
        stream.detach()


def refuse_special(target: Path) -> None:
    """Refuse to write over something that is not a regular file (a FIFO, a device, a folder):
    a report renamed into its place would replace it."""
    try:
        status = os.stat(target)
    except OSError:
        return  # not there yet (or unreachable: writing it will say why)
    if not stat.S_ISREG(status.st_mode):
        kind = "a folder" if stat.S_ISDIR(status.st_mode) else "not a file (a pipe or a device)"
        raise InputError(
            str(target),
            None,
            f"is {kind}, which the file written there would replace",
            "name a new or ordinary file",
        )


def remove_leftovers(target: Path) -> None:
    """Remove the temporary files of this report that earlier runs left when they were killed
    (only ours, by their name, and only when the process that made them is gone)."""
    folder = target.parent or Path(".")
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        found = TEMPORARY.fullmatch(name)
        if not found or found["name"] != target.name:
            continue
        pid = int(found["pid"])
        if pid == os.getpid() or _running(pid):
            continue
        with suppress(OSError):
            (folder / name).unlink()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process: leave its files alone
    return True


# what a folder given as an input reads: a cohort's profiles, a rule book's files
READ_IN_FOLDERS = frozenset({".yaml", ".yml", ".json"})


def refuse_overwriting_inputs(
    outputs: Iterable[tuple[str, str | Path]], inputs: Iterable[str | Path]
) -> None:
    """An output (``(what, path)``: the report, the summary) must not be one of the inputs,
    however its path is spelt (a link, ``./``, a relative and an absolute path), nor a file an
    input that is a folder would read (a cohort's profiles, the rule book's YAML), nor another
    output."""
    seen: list[tuple[str, Path]] = []
    known = [Path(p) for p in inputs if str(p) != STDIN]  # standard input: nothing to overwrite
    for what, output in ((what, Path(path)) for what, path in outputs if str(path) != STDOUT):
        for other in known:
            if (
                output.suffix.lower() in READ_IN_FOLDERS
                and other.is_dir()
                and output.resolve().is_relative_to(other.resolve())
            ):
                raise InputError(
                    str(output),
                    None,
                    f"the {what} would be written among the files read from the folder {other}"
                    " (it would replace or join them)",
                    f"name a {what} outside {other}, or one not ending in {output.suffix}",
                )
            if _same(output, other):
                raise InputError(
                    str(output),
                    None,
                    f"the {what} would overwrite the input {other}",
                    f"name another file for the {what}",
                )
        for earlier, other in seen:
            if _same(output, other):
                raise InputError(
                    str(output),
                    None,
                    f"the {what} would overwrite the {earlier}",
                    "name another file",
                )
        seen.append((what, output))


def _same(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist (yet): compare where they would be
        return first.resolve() == second.resolve()


_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def _unwritable(target: Path, error: OSError) -> InputError:
    folder = str(target.parent)
    fix = {
        errno.ENOENT: f"create the folder {folder} first, or name a file in a folder that exists",
        errno.EACCES: f"you may not write in {folder}: name a file in a folder you may write to",
        errno.EROFS: f"{folder} is read-only: name a file in a folder you may write to",
    }.get(error.errno or 0, "name a file in a folder that exists and that you may write to")
    if error.errno in _FULL:
        fix = "free some space on that disk, or name a file on another one"
    return InputError(str(target), None, f"cannot write this file: {error.strerror or error}", fix)


# --- checking rows -------------------------------------------------------------------------


class CohortChecker:
    """Checks one student after another with what they share: a compiled plan per evaluation
    date and the outcomes already worked out (both bounded, so memory stays constant)."""

    PLANS = 16  # evaluation dates kept compiled at once

    def __init__(
        self,
        book: RuleBook,
        selectors: Iterable[str] = (),
        as_of: date | None = None,
        policies: Mapping[str, str] | None = None,
        csv: bool = True,
        jsonl: bool = False,
        jsonl_full: bool = False,
        export: bool = False,
    ) -> None:
        # a school's export read: its students are asked for what it leaves unsaid, and for the
        # day of a date it gives as a month, in words of their own (flat-csv.yaml), not by the
        # fields of a profile they do not write; a correction is made to their row, not a profile
        self.book = _for_export(book) if export else book
        self.export = export
        self.selectors = list(selectors)
        self.as_of = as_of
        self.policies = dict(policies or {})
        self.csv = csv
        self.jsonl = jsonl
        self.jsonl_full = jsonl_full  # each line the entry of check --format json, not lean
        self._plans: dict[date, tuple[Plan, Memo]] = {}
        self._tails = Memo(TAILS)  # the repeating part of CSV lines: key -> text
        self._words = Memo(TAILS)  # (closest, next_step) by what they are made of
        self._pairs: Counter = Counter()  # (check label, outcome) -> students, this chunk
        self._students = 0  # students checked in this chunk (the rest of a label's count is n/a)
        self._labels: tuple[str, ...] = ()  # the checks reported, as labelled (every plan's)
        self._in_effect = policies_used(book.policies, self.policies)  # for the summary

    def settings(self) -> Settings:
        """What this checker checks with, as plain values another process can be sent."""
        return Settings(
            str(self.book.directory),
            tuple(self.selectors),
            self.as_of,
            tuple(sorted(self.policies.items())),
            self.csv,
            self.jsonl,
            self.jsonl_full,
            self.export,
        )

    def header(self) -> str:
        """The JSON Lines report's first line (the lean report's header), or nothing."""
        if not self.jsonl or self.jsonl_full:
            return ""
        found = jsonl_header(self.book, self.selectors, self.as_of, self.policies)
        return json.dumps(found) + "\n"

    def plan(self, as_of: date) -> tuple[Plan, Memo]:
        if as_of not in self._plans:
            if len(self._plans) >= self.PLANS:
                self._plans.clear()
            plan = make_plan(self.book, as_of, self.selectors, explaining=self.jsonl)
            self._plans[as_of] = (plan, Memo())
            self._labels = self._plans[as_of][0].labels
        return self._plans[as_of]

    def check(self, row: Row, tally: Tally) -> tuple[str, str]:
        """The CSV lines and the JSON line for one row; counts it in ``tally``. Whatever goes
        wrong while checking it (a fault of this program included) makes it an error row: the
        other students are still checked."""
        tally.rows += 1
        if row.profile is None:
            if row.who[0]:
                tally.ids.append((row.who[0], row.number, row.who[1]))
            return self._error(row, tally)
        data = row.profile.data
        candidate_id = str(data.get("candidate_id") or "")
        if candidate_id:
            tally.ids.append((candidate_id, row.number, str(data.get("name") or "")))
        try:
            notes = profile_notes(data, self.book.registry)  # a CSS meant as the CCS, ...
            if notes:
                row = replace(
                    row, profile=replace(row.profile, assumed=(*row.profile.assumed, *notes))
                )
                self._strangers(data, tally, candidate_id)
            as_of = resolve_as_of(row.profile, self.as_of)
            plan, memo = self.plan(as_of)
            answers = assess(plan, self.book, data, self.policies, memo, explained=self.jsonl)
            lines, pairs = self._lines(row, data, answers)
            report = ""
            if self.jsonl:  # rendered from the same run as the CSV lines
                explicit = dict(self.policies or {})
                full = ProfileReport(
                    row.profile, as_of, explicit, answers.results, detailed=bool(self.selectors)
                )
                entry = (
                    json_report(full, self.book.policies, self.book.directory, row.number)
                    if self.jsonl_full
                    else json_lean(full, self.book.policies, row.number)
                )
                report = json.dumps(entry) + "\n"
        except Exception as error:  # a bug must cost one row, not the cohort
            problem = error if isinstance(error, InputError) else fault(row.where, error)
            who = (str(data.get("candidate_id") or ""), str(data.get("name") or ""))
            return self._error(replace(row, profile=None, error=problem, who=who), tally)
        tally.checked += 1
        self._students += 1
        self._pairs.update(pairs)
        tally.describe(plan, self._in_effect, self.book, self.policies)
        who = str(data.get("name") or data.get("candidate_id") or f"row {row.number}")
        tally.note(plan.labels, answers.outcomes, who, as_of, candidate_id, answers.reviews)
        return lines, report

    def _strangers(self, data: Mapping[str, Any], tally: Tally, candidate_id: str) -> None:
        """Count the credentials the student's record names that the rules do not know (and no
        body is given for: each counts toward nothing), for the summary and the closing line."""
        registry = self.book.registry
        named = []
        for held in data.get("credentials") or ():
            given = held.get("id") if isinstance(held, Mapping) else None
            if not isinstance(given, str) or held.get("issuing_body"):
                continue
            if registry.info(registry.normalise(given)[0]) is None:
                named.append(registry.apprentice_name(given) if held.get("apprentice") else given)
        if not named:
            return
        tally.stranger_count += 1
        who = str(data.get("name") or candidate_id)
        for name in dict.fromkeys(named):
            tally.strangers[name].add(who, candidate_id)
            if name not in tally.meant:
                meant = credential_meant(name, registry)
                if meant:
                    tally.meant[name] = meant

    def count_into(self, tally: Tally) -> None:
        """Fold the outcomes counted since the last call into ``tally`` (statuses, near misses).

        Only answers that apply are counted one by one; a check's other students are not
        applicable."""
        applied: Counter = Counter()
        for label in self._labels if self._students else ():
            tally.statuses.setdefault(label, Counter())  # every check a row, in report order
        for (check_id, outcome), students in self._pairs.items():
            tally.statuses[check_id][outcome.status] += students
            applied[check_id] += students
            miss = outcome.near_miss if outcome.status == NOT_MET else None
            if miss is not None:
                group = tally.near_misses[(check_id, miss.node.text)]
                group.students += students
                if miss.reached_on is not None:
                    group.reached += students
                    if group.latest is None or miss.reached_on > group.latest:
                        group.latest = miss.reached_on
        for label in self._labels if self._students else ():
            if self._students > applied[label]:
                tally.statuses[label][NOT_APPLICABLE] += self._students - applied[label]
        self._pairs.clear()
        self._students = 0

    def _error(self, row: Row, tally: Tally) -> tuple[str, str]:
        error = row.error or InputError(row.where, None, "unreadable")
        # every problem of the row, each where it is (a column) and with its fix: a row that
        # says "and 1 more problem" and never which leaves the coordinator guessing
        message = "; ".join(
            f"{e.place + ': ' if e.place else ''}{e.problem}"
            + (f" (fix: {e.fix})" if e.fix else "")
            for e in error.each
        )
        cause = message  # rows alike (the same problems in the same columns) are one group
        tally.error(row.number, row.where, message, cause, row.who[1] or row.who[0])
        lines = (
            csv_line(
                [row.number, row.where, *row.who, "", "error", *[""] * 10, message, "", "", ""]
            )
            if self.csv
            else ""
        )
        if not self.jsonl:
            return lines, ""
        who = (row.who[0] or None, row.who[1] or None)
        return lines, json.dumps(json_error(error, row.where, row.number, who)) + "\n"

    def _lines(
        self, row: Row, data: Mapping[str, Any], answers: Assessment
    ) -> tuple[str, list[tuple[str, Outcome]]]:
        """The CSV lines of the answers that apply (every check, when none does), fields quoted
        as the csv module would, and the (check, outcome) pairs to count (by outcome object:
        most are shared; folded into the tally per chunk). All but the first four and the last
        columns repeat across students: each such middle is made once."""
        plan, tails = answers.plan, self._tails
        young, pairs, lines = tails.young, [], []
        reviews = answers.reviews or ((),) * len(plan.labels)  # review: rare, per student
        steps = answers.steps or ((),) * len(plan.labels)  # a standing's own: rare too
        for place, label, outcome, standing in zip(
            range(len(plan.labels)), plan.labels, answers.outcomes, answers.standings, strict=True
        ):
            if outcome is NO_OUTCOME:  # does not apply: counted in count_into, no line
                continue
            pairs.append((label, outcome))
            if self.csv:
                # outcomes belong to one plan: no mix-ups
                key = (place, outcome, standing, steps[place])
                tail = young.get(key) or tails.get(key)
                if tail is None:
                    tail = self._tail(plan, place, standing, outcome, steps[place])
                    tails.put(key, tail)
                lines.append((tail, reviews[place]))
        if not self.csv:
            return "", pairs
        if not lines:  # nothing applies: say so for every check rather than lose the student
            lines = [
                (self._tail(plan, place, standing, outcome, steps[place]), ())
                for place, (outcome, standing) in enumerate(
                    zip(answers.outcomes, answers.standings, strict=True)
                )
            ]
        who = csv_line(
            [row.number, row.where, data.get("candidate_id", ""), data.get("name", "")], end=","
        )
        assumed = row.profile.assumed if row.profile else ()
        end = "," + _field("; ".join(assumed)) + ","
        return "".join(
            who + tail + end + _field(";".join(review)) + ",\r\n" for tail, review in lines
        ), pairs

    def _tail(
        self,
        plan: Plan,
        place: int,
        standing: str | None,
        outcome: Outcome,
        steps: tuple[str, ...] = (),
    ) -> str:
        """check, status, standing, the conditions that decide the answer (failed, unknown,
        ambiguous), shortfall, closest, next_step, eligible_by, as_of, rule_version and the empty
        error; the check as labelled in the summary (``ID@VERSION`` when pinned). Made once
        per outcome (students share them): the caller remembers it. ``steps``: the standing's
        own ways forward, when it has any (``Assessment.steps``)."""
        check = plan.checks[plan.wanted[place]]
        status, lacking = outcome.status, outcome.lacking
        shortfall = "; ".join(
            filter(
                None,
                (lacking_words(leaf) for leaf in lacking if leaf.status != AMBIGUOUS),
            )
        )
        version = f"{check.version.id} {check.version.version}" if check.version else ""
        eligible_by = outcome.eligible_by
        return csv_line(
            [
                plan.labels[place],
                status,
                standing or "",
                ";".join(leaf.node.id for leaf in lacking if leaf.status == NOT_MET),
                ";".join(
                    outcome.unknown
                    if status == UNKNOWN
                    else (leaf.node.id for leaf in lacking if leaf.status == UNKNOWN)
                ),
                # in a not-met row, what the closest pathway lacks by a reading of an open
                # question too: "one thing short" is counted with it (Outcome.near_miss)
                ";".join(
                    outcome.ambiguous
                    if status == AMBIGUOUS
                    else (leaf.node.id for leaf in lacking if leaf.status == AMBIGUOUS)
                ),
                shortfall,
                *self._closest_and_next(plan, check, status, steps, outcome),
                eligible_by.isoformat() if eligible_by else "",
                plan.as_of.isoformat(),
                version,
                "",
            ],
            end="",
        )

    def _closest_and_next(
        self,
        plan: Plan,
        check: Any,
        status: str,
        steps: tuple[str, ...],
        outcome: Outcome,
    ) -> tuple[str, str]:
        """The closest pathway and the next step in words: the same for every outcome of
        checks of one shape (numbered alike in every plan for a date) whose lacking conditions
        read alike and that become met on the same day, so made once for them."""
        lacking, unknown, eligible = outcome.lacking, outcome.unknown, outcome.eligible
        body = check.version.body if check.version is not None else None  # asked to settle
        key = (
            plan.as_of,
            check.shape,
            body,
            status,
            steps,
            (unknown, outcome.supply, outcome.applies, _step_words(outcome.gaps))
            if status == UNKNOWN
            else (),
            outcome.questions,
            _step_words(lacking),
            # the day a letter's step is dated by, and whether it says to keep working
            # what it assumes is the profile's (a letter re-issued, or a first one asked for)
            (
                eligible.day,
                eligible.pathway.id,
                eligible.jobs_continue,
                eligible.assuming,
                eligible.readings,
            )
            if eligible
            else None,
            # another pathway a step also completes, and which of them wait on a question
            (outcome.failed, outcome.ambiguous, outcome.unknown) if eligible else (),
        )
        words = self._words.get(key)
        if words is None:
            words = (
                closest_name(check.check, lacking),
                next_step(
                    check.check,
                    status,
                    lacking,
                    unknown,
                    self.book.policies,
                    steps,
                    eligible,
                    body,
                    outcome.questions,
                    outcome.supply,
                    outcome.failed,
                    outcome.applies,
                    outcome.ambiguous + outcome.unknown,
                    outcome.gaps,
                    plan.as_of,
                ),
            )
            self._words.put(key, words)
        return words


def _for_export(book: RuleBook) -> RuleBook:
    """``book`` saying what its students are asked in the words of the rules directory's
    ``flat-csv.yaml`` (docs/batch.md): once per checker, so no student pays for it."""
    meaning = flat_meaning(book.directory)
    return (
        book.with_supply(meaning.supply)
        .with_corrections(meaning.corrects)
        .with_dates(meaning.date_ask, meaning.field_dates)
    )


def _step_words(lacking: tuple[NodeResult, ...]) -> tuple[Any, ...]:
    """What the steps for ``lacking`` conditions are made of (a shortfall is said in a step only
    for a condition time closes)."""
    return tuple(
        (
            f.node.id,
            f.status,
            f.reached_on,
            f.lacking,
            f.missing,
            f.node.grows and f.shortfall,
            f.fix_facts,
            f.fix_closed,
            f.fix_unsure,
            f.readings,  # an open question's step names it
        )
        for f in lacking
    )


def _field(value: Any) -> str:
    """A CSV field as ``csv.writer`` writes it (QUOTE_MINIMAL); text a spreadsheet would run as
    a formula (``=HYPERLINK(...)`` in a name) gets a leading apostrophe, as spreadsheets
    expect, so that it is shown as text."""
    text = str(value)
    if text.startswith(GUARD_STARTS):
        text = inert(text)
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values: list[Any], end: str = "\r\n") -> str:
    """One CSV record, each field as :func:`_field` writes it (also for ``eligibility diff``)."""
    return ",".join(_field(v) for v in values) + end


def record_end(data: AnyStr) -> int:
    """Where the first CSV record of ``data`` ends (just after its line end), or -1 when it
    does not end in ``data``: a line end inside a quoted field is the field's."""
    quote, end = ('"', "\n") if isinstance(data, str) else (b'"', b"\n")
    quoted, position = False, 0
    while (found := data.find(end, position)) >= 0:  # type: ignore[arg-type]
        quoted ^= data.count(quote, position, found) % 2 == 1  # type: ignore[arg-type]
        if not quoted:
            return found + 1
        position = found + 1
    return -1


def stated(lines: str, about: str) -> str:
    """The long CSV's ``lines`` with ``about`` (what answered) in the first record's last cell,
    which the checker leaves empty: the file often travels alone, and a spreadsheet shows it
    there while a program reading columns skips it."""
    end = record_end(lines)
    if end < 0:
        return lines
    return lines[: end - len(",\r\n")] + "," + _field(about) + "\r\n" + lines[end:]


def _first_record(part: str | Path | bytes) -> bytes:
    """A part's first CSV record, as written (b"" when it has none)."""
    if isinstance(part, bytes):
        return part[: max(record_end(part), 0)]
    head = b""
    with open(part, "rb") as source:
        while block := source.read(1 << 16):
            head += block
            if (end := record_end(head)) >= 0:
                return head[:end]
    return b""


NAMES_PER_ID = 50  # rows named for one id given more than once (the summary says "and N more")

# --- running a cohort ------------------------------------------------------------------------


def run_batch(
    rows: Iterable[Row | Item],
    book: RuleBook,
    selectors: Iterable[str] = (),
    as_of: date | None = None,
    policies: Mapping[str, str] | None = None,
    csv_out: str | Path | None = None,
    jsonl_out: str | Path | None = None,
    summary_out: str | Path | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    stop: StopRequest | None = None,
    inputs: Iterable[str | Path] = (),
    excel: bool = False,
    sheets: Sheets | None = None,
    jsonl_full: bool = False,
) -> Tally:
    """Check every row and stream the outputs; returns the tally the summary is made of.

    ``rows`` are parsed rows, or items as read (``cohort.read_items``) that are parsed here or,
    with ``jobs`` > 1, in that many worker processes (output order is input order either way).
    With ``jobs`` > 1 and a cohort that can be cut (:meth:`Cohort.shards`), each worker reads
    its own shards and writes their parts of the reports next to them, which this process joins
    in input order (:func:`check_shard`); otherwise this process reads the items and hands them
    to the workers in chunks. ``progress`` is called with the number of rows done since its
    last call. ``stop``: when it is asked, :class:`Stopped` is raised and no output is written.
    ``inputs``: the files the cohort is read from (the cohort, a mapping, a config), which no
    output may overwrite. ``excel``: CSV outputs start with a BOM. ``sheets``: the outputs
    made from the long CSV when every row is in (:class:`Sheets`). ``jsonl_full``: each line of
    the JSON Lines report is the entry ``check --format json`` gives (else the lean report: a
    header, then a line per student naming the rules by id).
    """
    sheets = sheets or Sheets()
    selectors = tuple(selectors)
    wanted = bool(csv_out) or sheets.wanted
    export = isinstance(rows, Cohort) and rows.form == "csv"
    checker = CohortChecker(
        book, selectors, as_of, policies, wanted, bool(jsonl_out), jsonl_full, export
    )
    jobs = worker_count(jobs)

    def about(versions: Iterable[str] | None) -> tuple[str, ...]:
        return statement(book, as_of, policies or {}, versions)

    if isinstance(rows, Cohort):  # most rows naming "CPC Apprentice": the mapping lacks a map
        refuse_unknown_credentials(rows, book.registry)
    labels = [f"{check}@{pinned}" if pinned else check for check, pinned in book.wanted(selectors)]
    header = checker.header()
    with (
        open_reports(
            csv_out,
            jsonl_out,
            summary_out,
            inputs,
            excel,
            sheets,
            about,
            labels,
            header,
            book,
            every_check=bool(selectors),
        ) as reports,
        ExitStack() as stack,
    ):
        if jobs > 1:
            parts = Parts(reports)
            stack.callback(parts.remove)  # after the workers are ended (callbacks run last first)
            pool = stack.enter_context(_pool(jobs, checker))
            if isinstance(rows, Cohort) and _by_shards(pool, rows, jobs, parts, progress, stop):
                return reports.tally
            done = _pooled(pool, _chunks(rows, CHUNK, stop), jobs)
        else:
            done = (_check_chunk(checker, chunk) for chunk in _chunks(rows, CHUNK, stop))
        for lines, texts, part in done:
            reports.add(lines, texts, part)
            if progress:
                progress(part.rows)
            if stop is not None and stop.asked:
                raise Stopped
    return reports.tally


class Reports:
    """A batch's outputs while they are written (:func:`open_reports`): the CSV and JSON Lines
    reports, appended to in input order (text, or the parts a shard's checker wrote), and the
    tally, whose summary is written when every row is in."""

    def __init__(
        self,
        csv: Output | None,
        jsonl: Output | None,
        rows: Output | None = None,
        ids: IdLedger | None = None,
        about: str = "",
    ) -> None:
        self.csv, self.jsonl = csv, jsonl
        self.rows = rows  # the long CSV kept for the outputs made from it (Sheets)
        self.tally = Tally()
        self.ids = ids  # where each part's student ids go, to find those given twice
        self.about = about  # what answered: the long CSV's first record states it, once

    def add(self, lines: str, texts: str, tally: Tally) -> None:
        """Rows checked here: their CSV lines, JSON lines and tally."""
        self._take_ids(tally)
        self.tally.add(tally)
        if self.about and lines:
            lines, self.about = stated(lines, self.about), ""
        if self.csv:
            self.csv.write(lines)
        if self.rows:
            self.rows.write(lines)
        if self.jsonl:
            self.jsonl.write(texts)

    def add_shard(self, result: ShardResult) -> None:
        """A shard checked elsewhere (:func:`check_shard`): its parts are appended as they are,
        a part file then removed."""
        self._take_ids(result.tally)
        self.tally.add(result.tally)
        head = _first_record(result.csv) if self.about and result.csv is not None else b""
        if head:  # the first record of the whole report: rewritten here, the rest copied
            stated_head, self.about = stated(head.decode(), self.about), ""
        for outputs, part in (((self.csv, self.rows), result.csv), ((self.jsonl,), result.jsonl)):
            if part is None:
                continue
            for output in outputs:
                if output is None:
                    continue
                if head and part is result.csv:
                    output.write(stated_head)
                    output.append(part, len(head))
                else:
                    output.append(part)
            if not isinstance(part, bytes):
                Path(part).unlink(missing_ok=True)

    def _take_ids(self, tally: Tally) -> None:
        if self.ids is not None and tally.ids:
            self.ids.add(tally.ids)
        tally.ids = []

    def finish(self) -> None:
        """What only every row together tells: the student ids given more than once, the names
        given to students of different ids."""
        if self.ids is not None:
            self.ids.settle(self.tally)


class IdLedger:
    """Every student id, its row and the name given with it, kept on disk (SQLite's private
    temporary database, which it removes itself), so that ids given on more than one row, and
    names given to different ids, are found with memory flat however many rows there are."""

    SHOWN = 50  # ids given more than once that are named (the rest counted)

    def __init__(self) -> None:
        import sqlite3

        # "": a private temporary database, which SQLite removes itself, even after a kill
        self._db = sqlite3.connect("")
        self._db.execute(
            "CREATE TABLE ids (id TEXT NOT NULL, row INTEGER NOT NULL, name TEXT NOT NULL)"
        )

    def add(self, ids: Iterable[tuple[str, int, str]]) -> None:
        self._db.executemany("INSERT INTO ids VALUES (?, ?, ?)", ids)

    def settle(self, tally: Tally) -> None:
        """Tell ``tally`` what only every row together tells: the ids given on more than one
        row, and which names it lists are given to students of different ids (two students
        named alike, whom the summary then tells apart by their ids)."""
        tally.repeated_count, tally.repeated = self.repeated()
        tally.shared = self.shared(tally.listed())

    def shared(self, names: Iterable[str]) -> frozenset[str]:
        """Of ``names``, those given with more than one id."""
        self._db.execute("CREATE TEMP TABLE listed (name TEXT PRIMARY KEY)")
        self._db.executemany("INSERT OR IGNORE INTO listed VALUES (?)", ((n,) for n in names))
        found = self._db.execute(
            "SELECT name FROM ids WHERE name IN (SELECT name FROM listed)"
            " GROUP BY name HAVING COUNT(DISTINCT id) > 1"
        ).fetchall()
        return frozenset(name for (name,) in found)

    def repeated(self) -> tuple[int, tuple[tuple[str, tuple[int, ...], int], ...]]:
        """How many ids are given on several rows, and the first :data:`SHOWN` of them (in the
        order of their first row, each with the name its first row gives), each with its first
        :data:`NAMES_PER_ID` rows and how many rows give it."""
        self._db.execute("CREATE INDEX by_id ON ids (id, row)")
        count = self._db.execute(
            "SELECT COUNT(*) FROM (SELECT id FROM ids GROUP BY id HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        if not count:
            return 0, ()
        shown = self._db.execute(
            "SELECT id, COUNT(*) FROM ids GROUP BY id HAVING COUNT(*) > 1 ORDER BY MIN(row)"
            " LIMIT ?",
            (self.SHOWN,),
        ).fetchall()
        found = []
        for student, rows in shown:
            first = self._db.execute(
                "SELECT row, name FROM ids WHERE id = ? ORDER BY row LIMIT ?",
                (student, NAMES_PER_ID),
            ).fetchall()
            # named as its first row names the student: an id alone says little to a director
            named = next((name for _, name in first if name), "")
            label = f"{student} ({named})" if named else student
            found.append((label, tuple(r for r, _ in first), rows))
        return count, tuple(found)

    def close(self) -> None:
        self._db.close()

    @classmethod
    def settle_in(cls, tally: Tally) -> None:
        """:meth:`settle` for a tally whose ids are all at hand (a cohort checked in one
        piece), which are then dropped."""
        ledger = cls()
        try:
            ledger.add(tally.ids)
            ledger.settle(tally)
        finally:
            ledger.close()
        tally.ids = []


@contextmanager
def open_reports(
    csv_out: str | Path | None,
    jsonl_out: str | Path | None,
    summary_out: str | Path | None,
    inputs: Iterable[str | Path] = (),
    excel: bool = False,
    sheets: Sheets | None = None,
    about: Callable[[Iterable[str] | None], tuple[str, ...]] | None = None,
    checks: Iterable[str] = (),
    header: str = "",
    book: RuleBook | None = None,
    every_check: bool = True,
) -> Iterator[Reports]:
    """The reports of a batch, each written atomically (:func:`atomic_writer`): in place only
    when the block ends without error, the summary written from the tally then, and the
    outputs made from the long CSV (``sheets``, stating what ``about`` says for the rule
    versions used; a column or sheet for each of ``checks``, the checks asked for, or with
    ``every_check`` false only those that apply to someone). The long CSV states what ``about``
    says for no versions in its first row's ``about`` cell, empty without it. Every output is
    opened before the first row is read: a place that cannot be written is known at once, not
    after the whole cohort. No output may overwrite an input or
    another output. ``excel``: each CSV output starts with a byte order mark. ``header``: the
    JSON Lines report's first line, written here once whatever the workers write."""
    sheets = sheets or Sheets()
    inputs = list(inputs)
    outputs = [
        ("report", csv_out), ("report", jsonl_out), ("summary", summary_out),
        ("wide CSV", sheets.wide), ("workbook", sheets.xlsx), ("letters folder", sheets.letters),
    ]  # fmt: skip
    refuse_overwriting_inputs([(what, path) for what, path in outputs if path], inputs)
    if summary_out and _is_html(summary_out):  # a missing extra is said before any row is read
        from eligibility.report.html import require

        require()
    with ExitStack() as stack:
        csv_file = stack.enter_context(atomic_writer(csv_out, newline="")) if csv_out else None
        jsonl = stack.enter_context(atomic_writer(jsonl_out)) if jsonl_out else None
        summary = stack.enter_context(atomic_writer(summary_out)) if summary_out else None
        made = stack.enter_context(_made_outputs(sheets)) if sheets.wanted else None
        if csv_file:
            csv_file.hold((BOM if excel else "") + csv_line(list(CSV_FIELDS)))
        if jsonl and header:
            jsonl.hold(header)
        ids = IdLedger()
        stack.callback(ids.close)
        said = " ".join(about(None)) if about else ""  # the rule versions: each row's own
        reports = Reports(csv_file, jsonl, made.rows if made else None, ids, said)
        yield reports
        reports.finish()
        tally = reports.tally
        # reports of nobody (a header alone, or with a totals line) would replace the last
        # run's, letters too
        nobody = tally.error_count == len(tally.errors) and all(
            TOTALS_LINE in message for _, _, message in tally.errors
        )
        if not tally.checked and nobody:
            raise InputError(
                _named_input(inputs[0]) if inputs else "the cohort",
                None,
                "no student in it (a header alone, a totals line, or only blank lines):"
                " nothing was checked",
                "export the students again; the reports from before are left as they were",
            )
        for output in (csv_file, jsonl):  # the headers held, if no row has come
            if output:
                output.write("")
        if summary:
            summary.write(summary_text(summary_out, reports.tally))  # type: ignore[arg-type]
        if made:
            made.write(excel, about or (lambda versions: ()), checks, book, every_check, tally.near)


def _named_input(path: str | Path) -> str:
    return "standard input" if str(path) == STDOUT else str(path)


def _is_html(path: str | Path) -> bool:
    return str(path).lower().endswith((".html", ".htm"))


def summary_text(path: str | Path, tally: Tally) -> str:
    """The summary for the file ``path``: an HTML page for .html (the extra ``report``),
    else Markdown."""
    if _is_html(path):
        from eligibility.report.html import summary_html

        return summary_html(tally)
    return summary_markdown(tally)


@dataclass(frozen=True)
class Sheets:
    """The outputs made from the long CSV when every row is in (None: not wanted): the wide
    CSV (``--wide``), the workbook (``--xlsx``) and a folder of per-student pages
    (``--letters``); docs/batch.md."""

    wide: str | Path | None = None
    xlsx: str | Path | None = None
    letters: str | Path | None = None
    # told which output is being written, once the rows are checked: a large cohort's workbook
    # takes a while after the progress bar has ended, which a person would take for a hang
    writing: Callable[[str], None] = lambda what: None

    @property
    def wanted(self) -> bool:
        return bool(self.wide or self.xlsx or self.letters)


class _Made:
    """The outputs made from the long CSV: the long CSV is kept in a temporary file beside them
    as it is written (:attr:`rows`), then read back (:meth:`write`) into each, one student at a
    time, so memory stays flat."""

    def __init__(self, sheets: Sheets, stack: ExitStack) -> None:
        from eligibility.report.letters import Letters, require_jinja2, require_pathvalidate
        from eligibility.report.workbook import require_xlsxwriter

        self.sheets = sheets
        if sheets.xlsx:
            require_xlsxwriter()  # before any row is read
        if sheets.letters:
            require_jinja2()
            require_pathvalidate()
        self.wide = (
            stack.enter_context(atomic_writer(sheets.wide, newline="")) if sheets.wide else None
        )
        self.xlsx = stack.enter_context(atomic_path(sheets.xlsx)) if sheets.xlsx else None
        self.letters = _letters_folder(Path(sheets.letters)) if sheets.letters else None
        self._letters_made = Letters
        target = Path(sheets.wide or sheets.xlsx or sheets.letters)  # type: ignore[arg-type]
        self.path = _temporary(target)
        stack.callback(lambda: Path(self.path).unlink(missing_ok=True))
        handle = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        stack.callback(handle.close)
        self.rows = Output(target, handle)
        self.rows.write(csv_line(list(CSV_FIELDS)))
        self.pages = 0

    def write(
        self,
        excel: bool,
        about: Callable[[Iterable[str] | None], tuple[str, ...]],
        wanted: Iterable[str] = (),
        book: RuleBook | None = None,
        every_check: bool = True,
        near: Mapping[str, int] | None = None,
    ) -> None:
        from eligibility.report import wide
        from eligibility.report.sheets import checks_and_versions, students

        self.rows.close()
        with open(self.path, encoding="utf-8", newline="") as lines:
            seen, versions = checks_and_versions(lines)
        # the checks asked for by name, each even if it applies to nobody; with none asked for,
        # those that apply to someone (not a column of CPMA renewals no student holds), in
        # the rule book's order either way
        checks = [c for c in wanted if every_check or c in seen]
        checks += [c for c in seen if c not in checks]
        statement = about(versions)
        if self.wide:
            self.sheets.writing("the wide CSV")
            self.wide.write((BOM if excel else "") + csv_line(wide.header(checks, book)))
            about = " ".join(statement)
            with open(self.path, encoding="utf-8", newline="") as lines:
                for student in students(lines):
                    self.wide.write(csv_line(wide.row(student, checks, book, about)))
                    about = ""
        if self.xlsx:
            from eligibility.report.workbook import write_workbook

            self.sheets.writing("the workbook")
            with open(self.path, encoding="utf-8", newline="") as lines:
                write_workbook(
                    self.xlsx, students(lines), checks, statement, book, set(seen), near=near
                )
        if self.letters:
            self.sheets.writing("the letters")
            letters, written = self._letters_made(statement, book), set()
            with open(self.path, encoding="utf-8", newline="") as lines:
                for student in students(lines):
                    if not student.error:
                        name = letters.name(student)
                        _write_page(self.letters, name, letters.page(student))
                        written.add(name)
                        self.pages += 1
            # an earlier run's pages would sit beside these, a student who left or moved rows
            # with a page that is no longer true: the folder holds this run's letters only
            for old in self.letters.iterdir():
                if old.name not in written and letters.is_page(old):
                    old.unlink(missing_ok=True)


@contextmanager
def _made_outputs(sheets: Sheets) -> Iterator[_Made]:
    with ExitStack() as stack:
        yield _Made(sheets, stack)


def _letters_folder(folder: Path) -> Path:
    """The letters' folder, made when missing (before any row is read)."""
    if folder.exists() and not folder.is_dir():
        raise InputError(
            str(folder), None, "is a file, not a folder", "name a folder for the letters"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _unwritable(folder, error) from None
    return folder.resolve()


def _write_page(folder: Path, name: str, text: str) -> None:
    """One student's page, written atomically; only ever inside ``folder``."""
    target = folder / name
    if target.parent != folder or name in ("", ".", ".."):  # a name is made safe: never so
        raise ValueError(f"unsafe page name {name!r}")
    temporary = _temporary(target)
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        _put_in_place(temporary, target)
    except BaseException:
        with suppress(OSError):
            Path(temporary).unlink(missing_ok=True)
        raise


def closing_line(
    tally: Tally,
    written: Iterable[str],
    book: RuleBook | None = None,
    as_of: date | None = None,
    chosen: Mapping[str, str] | None = None,
) -> str:
    """The lines a batch ends with on standard error: what it wrote and the counts, then what
    answered (:func:`eligibility.report.sheets.statement`, given the ``book``): the CSV
    reports have no place for it that every CSV reader would skip."""
    about = statement(book, as_of, chosen or {}, None) if book is not None else ()
    answers: Counter = Counter()
    for counts in tally.statuses.values():
        answers.update(counts)
    said = ", ".join(
        f"{answers[status]:,} {status.replace('_', ' ')}"
        for status in ("met", "not_met", "unknown", "ambiguous", "no_rules")
        if answers[status]
    )
    files = ", ".join(written) or "nothing"
    return (
        f"Done: {tally.rows:,} student{'s' if tally.rows != 1 else ''} read,"
        f" {tally.checked:,} checked, "
        f"{tally.error_count:,} error row{'s' if tally.error_count != 1 else ''}"
        + (f"; answers: {said}" if said else "")
        + f". Wrote {files}."
        + (
            f"\nWarning: {tally.repeated_count:,} student"
            f" id{'s are' if tally.repeated_count != 1 else ' is'} given on more than one row:"
            f" {'; '.join(student for student, _, _ in tally.repeated[:3])}"
            f"{'; ...' if tally.repeated_count > 3 else ''}. Each row is answered on its own"
            " (the summary lists them)"
            if tally.repeated_count
            else ""
        )
        + (f"\nWarning: {strangers_said(tally)}" if tally.stranger_count else "")
        + "".join(f"\n{line}" for line in about)
    )


class StopRequest:
    """A request to stop a running batch (SIGTERM, Ctrl-C), made from a signal handler with
    :meth:`ask`. It is honoured between two chunks of rows, where unwinding is safe (an
    exception raised at any point could land inside a compiled library's import and become its
    panic), or at once while the batch waits for input or for its workers (a read blocked on a
    pipe would otherwise hold it forever), or when asked a second time."""

    def __init__(self) -> None:
        self.asked = False
        self.waiting = False  # set while the batch waits for its next rows

    def ask(self) -> None:
        if self.asked or self.waiting:
            self.asked = True
            raise Stopped
        self.asked = True

    @contextmanager
    def waiting_for(self) -> Iterator[None]:
        """While the batch waits (for input, for its workers): a stop asked before, or
        meanwhile, is honoured at once."""
        if self.asked:
            raise Stopped
        self.waiting = True
        try:
            yield
        finally:
            self.waiting = False


def _waiting(stop: StopRequest | None) -> AbstractContextManager[None]:
    return stop.waiting_for() if stop is not None else nullcontext()


def worker_count(requested: int) -> int:
    """Worker processes to start for ``--jobs requested``: no more than the cores this process
    may run on (more would only compete for them, each holding its own memory)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on every system
        cores = os.cpu_count() or 1
    return max(1, min(requested, cores))


def _start_method() -> str:
    """How worker processes are started: this process's start method, which is the platform's
    unless a program using the API sets another. With fork (Linux before Python 3.14) the
    workers inherit the loaded rule book; with spawn (macOS, Windows) or forkserver (Linux from
    Python 3.14) each worker loads it itself, from the rule cache when it is there."""
    import multiprocessing

    return multiprocessing.get_start_method()


@contextmanager
def _pool(jobs: int, checker: CohortChecker) -> Iterator[Any]:
    """Worker processes holding ``checker``. A worker that dies (killed, out of memory) fails the
    run with BrokenProcessPool instead of hanging it; a run that fails or is stopped ends its
    workers at once (a shard may be long) and waits until they are gone, so that none writes a
    part after the parts are removed."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = _start_method()
    # a forked worker inherits the checker (the compiled rule book does not pickle); any other
    # is sent the settings, plain values, and makes its own
    given = checker if method == "fork" else checker.settings()
    pool = ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(given, os.getpid()),
    )
    try:
        yield pool
    except BaseException:
        workers = list((getattr(pool, "_processes", None) or {}).values())
        for worker in workers:
            with suppress(OSError, ValueError):
                worker.kill()
        for worker in workers:
            with suppress(OSError, ValueError, AssertionError):
                worker.join()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _pooled(pool: Any, chunks: Iterable[list[Row | Item]], jobs: int) -> Iterator[Any]:
    """(CSV text, JSON Lines text, tally) per chunk, checked by the pool, in input order: the
    parent-reads path, for a cohort that cannot be cut (a YAML stream, a pipe)."""
    from collections import deque

    # a few chunks in flight per worker, no more: memory stays flat
    pending: deque = deque()
    try:
        for chunk in chunks:
            pending.append(pool.submit(_worker_chunk, chunk))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:  # stopped or failed: the chunks not begun are not waited for
        for future in pending:
            future.cancel()


def _chunks(
    rows: Iterable[Row | Item], size: int, stop: StopRequest | None
) -> Iterator[list[Row | Item]]:
    iterator = iter(rows)
    while True:
        with _waiting(stop):
            chunk = list(islice(iterator, size))
        if not chunk:
            return
        yield chunk


def _check_chunk(checker: CohortChecker, chunk: Iterable[Row | Item]) -> tuple[str, str, Tally]:
    part = Tally()
    lines, reports = [], []
    for row in chunk:
        read = parse_item(row, checker.as_of) if isinstance(row, Item) else row
        csv_text, report = checker.check(read, part)
        lines.append(csv_text)
        reports.append(report)
    checker.count_into(part)
    return "".join(lines), "".join(reports), part


# --- shards: each worker reads its own and writes its own part ---------------------------------

SHARDS_PER_JOB = 8  # shards per worker: the last ones even out, and progress moves
SHARD_BYTES = 8 << 20  # at most this much of a large cohort in one shard (about 7,000 students)


@dataclass(frozen=True)
class Settings:
    """How a cohort is checked, in plain values that another process or machine can be sent:
    the rules directory (each process loads it once), the checks asked for, the evaluation
    date, the policies and the reports wanted."""

    rules: str | None = None  # None: the bundled rules
    selectors: tuple[str, ...] = ()
    as_of: date | None = None
    policies: tuple[tuple[str, str], ...] = ()
    csv: bool = True
    jsonl: bool = False
    jsonl_full: bool = False
    export: bool = False  # the cohort is a school's export (flat CSV): CohortChecker's export

    def checker(self) -> CohortChecker:
        """A checker for these settings, one per thread and settings (it holds memos)."""
        return _checker(self, threading.get_ident())


@lru_cache(maxsize=16)  # a few settings and threads at once
def _checker(settings: Settings, thread: int) -> CohortChecker:
    from eligibility.rulebook.rules import load_rulebook

    book = load_rulebook(settings.rules)
    for selector in settings.selectors:
        book.expand(selector)  # an unknown check is a usage error before any row
    return CohortChecker(
        book,
        settings.selectors,
        settings.as_of,
        dict(settings.policies),
        settings.csv,
        settings.jsonl,
        settings.jsonl_full,
        settings.export,
    )


@dataclass(frozen=True)
class PartFiles:
    """Where a shard's parts of the reports are written (None: that report is not wanted)."""

    csv: str | None = None
    jsonl: str | None = None


@dataclass(frozen=True)
class ShardResult:
    """A shard checked: its parts of the CSV and JSON Lines reports (the files they were written
    to, or their bytes; None: that report is not wanted) and its tally. Joined in shard order
    (:meth:`Reports.add_shard`) they make the reports a single process writes."""

    index: int
    csv: str | bytes | None
    jsonl: str | bytes | None
    tally: Tally


def check_shard(shard: Shard, settings: Settings, parts: PartFiles | None = None) -> ShardResult:
    """Read and check one shard of a cohort (:meth:`Cohort.shards`), as ``eligibility batch``
    checks those rows: each worker of ``batch --jobs`` runs this, and so can a process on
    another machine (:mod:`eligibility.scale`). The parts of the reports are written to
    ``parts`` when given, else returned as bytes; nothing else is written. A fault on one
    student is that student's error row."""
    # a shard of a school's export is checked as its whole is, wherever it is checked
    settings = replace(settings, export=settings.export or shard.form == "csv")
    return _check_shard(settings.checker(), shard, parts)


def _check_shard(checker: CohortChecker, shard: Shard, parts: PartFiles | None) -> ShardResult:
    tally = Tally()
    parts = parts or PartFiles()
    with _Sink(parts.csv, "", checker.csv) as csv, _Sink(parts.jsonl, None, checker.jsonl) as jl:
        for chunk in _chunks(read_shard(shard), CHUNK, None):
            lines, reports, part = _check_chunk(checker, chunk)
            tally.add(part)
            csv.write(lines)
            jl.write(reports)
    return ShardResult(shard.index, csv.result, jl.result, tally)


class _Sink:
    """A part of a report being written: to its file (``path``), written as :func:`atomic_writer`
    writes text (``newline``), or kept to be returned as bytes; nothing when not ``wanted``."""

    def __init__(self, path: str | None, newline: str | None, wanted: bool) -> None:
        self.path, self.newline, self.wanted = path, newline, wanted
        self.result: str | bytes | None = None
        self._texts: list[str] = []
        self._handle: IO[str] | None = None

    def __enter__(self) -> _Sink:
        if self.wanted and self.path is not None:
            try:
                self._handle = open(self.path, "w", encoding="utf-8", newline=self.newline)
            except OSError as error:
                raise _unwritable(_report_of(self.path), error) from None
        return self

    def write(self, text: str) -> None:
        if not self.wanted or not text:
            return
        if self._handle is None:
            self._texts.append(text)
            return
        try:
            self._handle.write(text)
        except OSError as error:
            raise _unwritable(_report_of(self.path or ""), error) from None

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if self._handle is not None:
            try:
                self._handle.close()
            except OSError as failure:
                if kind is None:
                    raise _unwritable(_report_of(self.path or ""), failure) from None
            self.result = self.path
        elif self.wanted and kind is None:
            text = "".join(self._texts)
            if self.newline is None and os.linesep != "\n":  # as a text file writes it
                text = text.replace("\n", os.linesep)
            self.result = text.encode("utf-8")


def _report_of(part: str) -> Path:
    """The report a part file belongs to (named after it), to name in a message."""
    found = TEMPORARY.fullmatch(Path(part).name)
    return Path(part).with_name(found["name"]) if found else Path(part)


class Parts:
    """The names of the part files of a run's shards, next to the reports and named as their
    temporary files are (so that a run that is killed leaves none that the next run does not
    remove); :meth:`remove` removes every one given out, whatever happened."""

    def __init__(self, reports: Reports) -> None:
        self._reports = reports
        self._token = secrets.token_hex(4)
        self._given: list[str] = []

    def files(self, index: int) -> PartFiles:
        def named(output: Output | None) -> str | None:
            if output is None:
                return None
            target = output.target
            name = f".{target.name}.eligibility-{os.getpid()}-{self._token}_{index}.tmp"
            self._given.append(str(target.parent / name))
            return self._given[-1]

        reports = self._reports
        return PartFiles(named(reports.csv or reports.rows), named(reports.jsonl))

    @property
    def reports(self) -> Reports:
        return self._reports

    def remove(self) -> None:
        for name in self._given:
            with suppress(OSError):
                Path(name).unlink(missing_ok=True)


def shard_count(cohort: Cohort, jobs: int) -> int:
    """How many shards to cut a cohort into for ``jobs`` workers: several each, so that the
    last ones even out and progress moves, and no larger than :data:`SHARD_BYTES`."""
    try:
        size = os.stat(cohort.source).st_size if cohort.form != "files" else 0
    except OSError:
        size = 0
    return max(jobs * SHARDS_PER_JOB, -(-size // SHARD_BYTES))


def numbered_shards(
    cohort: Cohort, pieces: int, run: Callable[[Callable[[Shard], Any], list[Shard]], list[Any]]
) -> list[Shard] | None:
    """The cohort's shards (:meth:`Cohort.shards`), each knowing the rows before it: a CSV's
    are counted first, in parallel, by ``run`` (``run(count_shard, shards)``: the counts in
    shard order). None when the cohort cannot be cut, or a CSV cut falls inside a quoted cell
    that holds a line break: the cohort is then read by one process."""
    shards = cohort.shards(pieces)
    if not shards:
        return None
    if any(shard.before is None for shard in shards):
        counts = run(count_shard, shards)
        if any(count is None for count in counts):
            return None
        shards = number_shards(shards, counts)
    return shards


def _by_shards(
    pool: Any,
    cohort: Cohort,
    jobs: int,
    parts: Parts,
    progress: Callable[[int], None] | None,
    stop: StopRequest | None,
) -> bool:
    """Check a cohort shard by shard in the pool's workers, joining their parts in input order
    as they come; False when it cannot be cut (nothing is done then)."""
    from collections import deque

    def run(function: Callable[[Shard], Any], shards: list[Shard]) -> list[Any]:
        futures = [pool.submit(function, shard) for shard in shards]
        return [_result(future, stop) for future in futures]

    shards = numbered_shards(cohort, shard_count(cohort, jobs), run)
    if shards is None:
        return False
    cohort.close()
    pending: deque = deque()  # a few shards in flight per worker: their parts wait on disk
    for shard in [*shards, None]:
        if shard is not None:
            pending.append(pool.submit(_worker_shard, shard, parts.files(shard.index)))
        while pending and (shard is None or len(pending) >= 2 * jobs):
            result = _result(pending.popleft(), stop)
            parts.reports.add_shard(result)
            if progress:
                progress(result.tally.rows)
            if stop is not None and stop.asked:
                raise Stopped
    return True


def _result(future: Any, stop: StopRequest | None) -> Any:
    """A worker's answer; a stop asked meanwhile is honoured at once (only waiting is undone)."""
    with _waiting(stop):
        return future.result()


# The checker of a worker process, set by the pool's initializer: with fork the workers inherit
# it (the compiled rule book does not pickle), else they make it from the settings; the parent
# never calls the _worker functions.
_WORKER: dict[str, CohortChecker] = {}


def _start_worker(given: CohortChecker | Settings, parent: int) -> None:
    # the parent's SIGTERM handler (eligibility batch's: stop between chunks) is no worker's: the
    # pool stops its workers with SIGTERM when one dies, and a worker must then end at once.
    # Ctrl-C reaches the whole process group: the parent decides, and stops the pool.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with(parent)
    _WORKER["checker"] = given.checker() if isinstance(given, Settings) else given


def _end_with(parent: int) -> None:
    """Make this worker end when the batch that started it ends, however that happens
    (``kill -9`` included): the kernel's parent-death signal on Linux, else a thread that
    watches for the parent's death."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) != 0:  # PR_SET_PDEATHSIG
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError, TypeError):  # not Linux (Windows: no CDLL(None))
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # it died before the signal was asked for
        os._exit(1)


def _worker_chunk(chunk: list[Row | Item]) -> tuple[str, str, Tally]:
    return _check_chunk(_WORKER["checker"], chunk)


def _worker_shard(shard: Shard, parts: PartFiles) -> ShardResult:
    return _check_shard(_WORKER["checker"], shard, parts)


# --- the Python API's batch (docs/api.md) ------------------------------------------------------


@dataclass(frozen=True)
class CohortReport:
    """What a batch run gives back besides its report files: the counts and the summary."""

    rows: int  # students read
    checked: int  # of them, checked (the others are error rows)
    errors: int
    summary: str  # the Markdown summary (also written to ``summary`` when given)


def report_form(
    out: str,
    report_format: str | None = None,
    out_name: str = "--out",
    format_name: str = "--report-format",
) -> str:
    """The report's format, ``csv`` or ``jsonl``: a file's extension says it; standard output
    (``-``) takes ``report_format`` (csv, jsonl or jsonl-full; default csv). Raises
    :class:`InputError` for another extension, or a ``report_format`` the extension contradicts
    (``out_name`` and ``format_name``: how the caller names the two)."""
    kind = (report_format or "csv").removesuffix("-full")
    form = kind if out == "-" else out.lower().rpartition(".")[2]
    if form not in ("csv", "jsonl"):
        raise InputError(
            out_name, None, f"{out!r}: unknown report format", "name a .csv or .jsonl file"
        )
    if report_format and kind != form:
        raise InputError(
            format_name,
            None,
            f"{out!r} names a .{form} report",
            f"leave out {format_name} (a file's extension says its format)",
        )
    return form


def check_cohort(
    source: str | os.PathLike[str],
    out: str | os.PathLike[str],
    summary: str | os.PathLike[str] | None = None,
    certs: str | Iterable[str] | None = None,
    as_of: date | str | None = None,
    policies: Mapping[str, str] | Iterable[str] | None = None,
    *,
    config: str | os.PathLike[str] | None = None,
    mapping: str | os.PathLike[str] | None = None,
    jobs: int = 1,
    rules: str | os.PathLike[str] | None = None,
    jsonl_full: bool = False,
    excel: bool = False,
    wide: str | os.PathLike[str] | None = None,
    xlsx: str | os.PathLike[str] | None = None,
    letters: str | os.PathLike[str] | None = None,
) -> CohortReport:
    """``eligibility batch`` (``eligibility.batch(...)``): the cohort ``source`` checked into the
    report ``out`` (.csv or .jsonl) and the ``summary`` (.md, or .html), written atomically, with
    the options of the command: ``jsonl_full`` (``--report-format jsonl-full``), ``excel``,
    ``wide``, ``xlsx`` and ``letters`` (as ``--excel``, ``--wide``, ``--xlsx``, ``--letters``).
    Usage errors raise :class:`InputError`; a bad row is an error row."""
    selectors = selectors_of(certs)
    book, chosen = prepare(rules, config, policies, selectors)
    layout = load_mapping(mapping) if mapping is not None else None
    target = os.fspath(out)
    form = report_form(target, "jsonl-full" if jsonl_full else None, "out", "jsonl_full")
    tally = run_batch(
        read_items(source, layout, book.directory),
        book,
        selectors,
        to_date(as_of),
        chosen,
        csv_out=target if form == "csv" else None,
        jsonl_out=target if form == "jsonl" else None,
        summary_out=summary,
        jobs=jobs,
        inputs=[p for p in (source, mapping, config) if p is not None],
        excel=excel,
        sheets=Sheets(wide, xlsx, letters),
        jsonl_full=jsonl_full,
    )
    return CohortReport(tally.rows, tally.checked, tally.error_count, summary_markdown(tally))


class _CallableModule(types.ModuleType):
    """This module, callable: ``eligibility.batch(...)`` is :func:`check_cohort`. Importing a
    submodule makes it its package's attribute of that name, so the API's ``batch`` cannot be a
    function beside this module: the module answers the call instead."""

    def __call__(self, *args: Any, **options: Any) -> CohortReport:
        return check_cohort(*args, **options)


sys.modules[__name__].__class__ = _CallableModule
