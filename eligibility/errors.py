"""The one error type a user sees: what is wrong, where, and how to fix it."""

from __future__ import annotations

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
