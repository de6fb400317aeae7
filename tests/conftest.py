"""Shared fixtures: paths into the repository and the project's rulebook."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from eligibility.rulebook.rules import RuleBook, load_rulebook

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PROFILES = FIXTURES / "profiles"
RULES = ROOT / "rules"


SUMMARY_HEADING = re.compile(r"^ {2}(met|not met|ambiguous|unknown) +(.+) \[(\S+)\]$")


def summary_entries(stdout: str) -> dict[str, tuple[str, str, str, list[str]]]:
    """A summary's checks by id: each one's status, its title in words, its verdict (the line
    under its heading) and the ids "answered alike" with it."""
    entries: dict[str, tuple[str, str, str, list[str]]] = {}
    lines = stdout.splitlines()
    for n, line in enumerate(lines):
        heading = SUMMARY_HEADING.match(line)
        if heading:
            after = lines[n + 2] if n + 2 < len(lines) else ""
            alike = re.match(r"^ +and answered alike: (.*)$", after)
            status, title, check = heading.groups()
            entries[check] = (
                status,
                title,
                lines[n + 1].strip(),
                alike[1].split(", ") if alike else [],
            )
    return entries


def summary_verdicts(stdout: str) -> dict[str, str]:
    """A summary's verdict lines by check id, the checks answered alike with another included."""
    said = {}
    for check, (_, _, verdict, alike) in summary_entries(stdout).items():
        said.update(dict.fromkeys([check, *alike], verdict))
    return said


@pytest.fixture(scope="session")
def rulebook() -> RuleBook:
    return load_rulebook(str(RULES))


@contextmanager
def process_group(command: list[str], **options) -> Iterator[subprocess.Popen]:
    """A command in its own process group, ended with its children whatever the test finds
    (a hung run would otherwise keep a core busy after the tests)."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        **options,
    )  # fmt: skip
    try:
        yield process
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def split_titles(text: str) -> list[str]:
    """The checks' titles a summary names together ("CPC, COC and CIC: sitting the exam; CPC:
    removing the apprentice designation"), each in full, in order."""
    titles = []
    for part in text.split("; "):
        credentials, colon, what = part.partition(": ")
        if not colon:
            titles.append(part.strip())
            continue
        titles += [f"{c.strip()}: {what.strip()}" for c in re.split(r", | and ", credentials)]
    return titles
