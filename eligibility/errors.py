"""The one error type a user sees: what is wrong, where, and how to fix it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(eq=False)  # not frozen: Python sets __traceback__ on exceptions as they propagate
class InputError(Exception):
    """Bad input (a profile, rule file, option): rendered as one message and exit status 2.

    ``place`` is a line ("line 12") or a JSON path ("$.work_history[0].start_date");
    ``fix`` tells the person what to do about it.
    """

    file: str
    place: str | None
    problem: str
    fix: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: {self.place}" if self.place else self.file
        text = f"{where}: {self.problem}"
        return f"{text}\n  fix: {self.fix}" if self.fix else text


def place_of(path: Sequence[str | int], line: int | None) -> str:
    """'line 12 ($.work_history[0].start_date)', or just the JSON path when the line is unknown."""
    json_path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    return f"line {line} ({json_path})" if line else json_path


ROW_FAULT_FIX = (
    "report it with this row (without personal data if you can); every other row was checked"
)


def fault(where: str, error: BaseException, fix: str = ROW_FAULT_FIX) -> InputError:
    """A fault of this program met while reading or checking one student, as that student's
    error: the rest of a cohort is still checked, and the person is asked to report it."""
    summary = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
    return InputError(
        where,
        None,
        "this is a fault of the program, not of the data; please report it"
        f" ({type(error).__name__}{': ' + summary if summary else ''})",
        fix,
    )


# C0 and C1 control characters but the line break: what a terminal would act on (move the
# cursor, change colours, set the window title) if a name held it
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with every control character but the line break shown as an escape (``\\x1b``),
    so that a name or message from the input cannot drive the terminal it is printed on."""
    if text.isprintable() or not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(lambda found: f"\\x{ord(found.group()):02x}", text)
