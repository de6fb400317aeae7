"""The maintainer's cookbook (docs/maintaining.md) works as written.

Every recipe of the page is applied to a fresh copy of ``rules/`` exactly as the page gives it:
the YAML blocks marked ``<!-- edit RECIPE FILE HOW -->`` are read from the page itself, so the
page and this test cannot drift apart. Then each command of the recipe's ``<!-- commands RECIPE
-->`` block is run as a maintainer would run it, in a folder holding ``rules/`` (the rules in use),
``my-rules/`` (the edited copy) and ``cohort.jsonl`` (the page's synthetic cohort), and must end
with the exit status the page writes after it (``# exit N``): ``lint`` and ``test`` 0 (the new
case holds and every case that was there still holds), ``diff`` 1. Finally the answers for the new
case's profile change from the old rules to the new exactly where the recipe says (``CHANGES``).
"""

from __future__ import annotations

import csv
import functools
import json
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.generate import write
from eligibility.api import check_profile
from eligibility.casetest import load_case
from eligibility.cli import main
from eligibility.inputs.profiles import Profile
from eligibility.rulebook.rules import RuleBook, load_rulebook
from tests.conftest import ROOT, RULES

PAGE = ROOT / "docs" / "maintaining.md"
COPY = "my-rules"  # the edited copy, as the page names it
ABSENT = "absent"  # the check does not exist in that rule book

# What each recipe changes for its new case's profile, on the case's date: (check, answer under
# rules/, answer under the edited copy). An entry whose two answers are equal says it must not move.
CHANGES = {
    "threshold": [("COC-full", "not_met", "met"), ("CPC-A-removal", "not_met", "met")],
    "specialty": [("CBHC-exam", ABSENT, "met"), ("CPC-exam", "met", "met")],
    "retired": [("CRC-exam", "met", "no_rules"), ("CRC-renewal", "met", "met")],
    "experience": [("CDIP-exam", ABSENT, "met")],
    "policy": [("PAHCS-SPECIALTY-exam", "not_met", "ambiguous"), ("MCS-exam", "met", "met")],
    "confidence": [("MCS-recert", "met", "met")],
    "cycles": [("CCS-recert", "met", "not_met")],
    "letters": [("CPC-full", "met", "not_met")],
    "shared": [("COC-A-removal", "met", "not_met"), ("CPC-A-removal", "met", "met")],
}

_MARKER = re.compile(
    r"<!-- (?P<kind>edit|commands|output) (?P<recipe>[\w-]+)"
    r'(?: (?P<file>\S+) (?P<how>new|append|find|replace|before|after)(?: "(?P<line>[^"]*)")?)? -->'
)


@dataclass(frozen=True)
class Block:
    """A fenced block of the page and what its marker says to do with it."""

    kind: str  # edit, commands or output
    recipe: str
    file: str | None  # for an edit: the file, relative to the rules directory
    how: str | None  # new, append, find, replace, before, after
    line: str | None  # for before and after: the line it goes next to
    text: str
    where: int  # the marker's line on the page


def page_blocks(text: str) -> list[Block]:
    """Every marked block of the page, in order; a marker must stand right above its block."""
    lines = text.splitlines()
    found = []
    for number, line in enumerate(lines):
        marker = _MARKER.fullmatch(line.strip())
        if marker is None:
            assert not line.lstrip().startswith(("<!-- edit", "<!-- commands", "<!-- output")), (
                f"docs/maintaining.md:{number + 1}: a marker this test cannot read: {line}"
            )
            continue
        start = number + 1
        assert lines[start].startswith("```"), f"docs/maintaining.md:{start}: no block under it"
        end = next(i for i in range(start + 1, len(lines)) if lines[i] == "```")
        body = "".join(f"{line}\n" for line in lines[start + 1 : end])
        found.append(Block(**marker.groupdict(), text=body, where=number + 1))  # type: ignore[arg-type]
    return found


BLOCKS = page_blocks(PAGE.read_text(encoding="utf-8"))
RECIPES = list(dict.fromkeys(b.recipe for b in BLOCKS if b.kind == "edit"))


def _insert(text: str, line: str, block: str, before: bool, where: str) -> str:
    lines = text.splitlines(keepends=True)
    places = [i for i, existing in enumerate(lines) if existing.rstrip("\n") == line]
    assert len(places) == 1, f"{where}: the line {line!r} is in the file {len(places)} times"
    at = places[0] if before else places[0] + 1
    return "".join([*lines[:at], block, *lines[at:]])


def apply_edits(rules: Path, edits: list[Block]) -> list[Path]:
    """Apply the page's edits to ``rules`` in order; the files they make, in order."""
    made = []
    pending_find: Block | None = None
    for edit in edits:
        path = rules / str(edit.file)
        where = f"docs/maintaining.md:{edit.where}"
        if edit.how == "new":
            assert not path.exists(), f"{where}: {edit.file} already exists"
            path.write_text(edit.text, encoding="utf-8")
            made.append(path)
            continue
        text = path.read_text(encoding="utf-8")
        if edit.how == "find":
            assert text.count(edit.text) == 1, f"{where}: the text to find is not in the file once"
            pending_find = edit
            continue
        if edit.how == "replace":
            assert pending_find is not None and pending_find.file == edit.file, where
            text, pending_find = text.replace(pending_find.text, edit.text), None
        elif edit.how == "append":
            text = text + ("" if text.endswith("\n") else "\n") + edit.text
        else:
            text = _insert(text, str(edit.line), edit.text, edit.how == "before", where)
        path.write_text(text, encoding="utf-8")
    assert pending_find is None, "a 'find' block without its 'replace'"
    return made


@functools.cache
def _cohort(cache: Path, count: int, seed: int) -> Path:
    path = cache / f"cohort-{count}-{seed}.jsonl"
    write(path, count, seed)
    return path


@dataclass
class Workspace:
    """A maintainer's folder: rules/, my-rules/, the cohort; the commands run there."""

    folder: Path
    cache: Path
    outputs: dict[str, tuple[int, str]]

    def run(self, line: str) -> tuple[int, str]:
        """One command of the page: eligibility (in this process), the cohort generator (made
        once per session), or a shell command (cp, sed)."""
        if line in self.outputs:
            return self.outputs[line]
        argv = shlex.split(line, comments=True)
        if argv[0] == "eligibility":
            load_rulebook.cache_clear()  # it keeps books by the path named: my-rules of each test
            outcome = CliRunner().invoke(main, argv[1:])
            result = (outcome.exit_code, outcome.output)
        elif argv[:3] == ["python", "-m", "benchmarks.generate"]:
            options = dict(zip(argv[3::2], argv[4::2], strict=True))
            made = _cohort(self.cache, int(options["--count"]), int(options["--seed"]))
            shutil.copy(made, self.folder / options["--out"])
            result = (0, "")
        else:
            done = subprocess.run(line, shell=True, cwd=self.folder, capture_output=True, text=True)
            result = (done.returncode, done.stdout + done.stderr)
        self.outputs[line] = result
        return result

    def run_block(self, block: Block) -> None:
        for line in block.text.splitlines():
            stated = re.search(r"#.*\bexit (\d+)", line)
            status, output = self.run(line)
            wanted = int(stated.group(1)) if stated else 0
            assert status == wanted, f"{line}\nexit status {status}, not {wanted}:\n{output}"


@pytest.fixture
def workspace(tmp_path, tmp_path_factory, monkeypatch) -> Workspace:
    """The folder the page's commands run in, after its setup block (the copy, the cohort)."""
    folder = tmp_path / "work"
    shutil.copytree(RULES, folder / "rules")
    monkeypatch.chdir(folder)
    space = Workspace(folder, tmp_path_factory.getbasetemp(), {})
    for block in BLOCKS:
        if block.recipe == "setup":
            space.run_block(block)
    return space


def _of(recipe: str, kind: str) -> list[Block]:
    return [b for b in BLOCKS if b.recipe == recipe and b.kind == kind]


def _status(book: RuleBook, profile: Profile, check: str, day: date) -> str:
    if book.credential_of(check) is None:
        return ABSENT
    return check_profile(profile, [check], day, rulebook=book).results[0].status


def _applied(space: Workspace, recipe: str) -> list[Path]:
    return apply_edits(space.folder / COPY, _of(recipe, "edit"))


def _warnings(space: Workspace, rules: str) -> list[dict]:
    status, output = space.run(f"eligibility lint --rules {rules} --format json")
    assert status == 0, output
    return [p for p in json.loads(output)["problems"] if p["level"] == "warning"]


def _answers(space: Workspace, rules: str, day: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(student, check) -> (status, standing): ``eligibility batch`` of the cohort."""
    status, output = space.run(
        f"eligibility batch cohort.jsonl --out {rules}.csv --as-of {day} --rules {rules}"
    )
    assert status == 0, output
    with open(f"{rules}.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {(r["candidate_id"], r["check"]): (r["status"], r["standing"]) for r in rows}


def test_every_recipe_on_the_page_is_tested():
    assert list(CHANGES) == RECIPES, "a recipe of the page without CHANGES here, or the reverse"
    for recipe in RECIPES:
        assert _of(recipe, "commands"), f"recipe {recipe}: no commands to prove it"


@pytest.mark.parametrize("recipe", RECIPES)
def test_a_recipe_applied_as_written_passes_and_changes_what_it_says(workspace, recipe):
    cases = [path for path in _applied(workspace, recipe) if path.parent.name == "tests"]
    assert cases, f"recipe {recipe} adds no test case"
    for block in _of(recipe, "commands"):
        workspace.run_block(block)
    for block in _of(recipe, "output"):  # an excerpt of a command's output, in order
        command, *shown = block.text.splitlines()
        _, output = workspace.run(command.removeprefix("$ "))
        lines = iter(output.splitlines())
        for wanted in (line for line in shown if line != "..."):
            assert any(line == wanted for line in lines), f"not in the output (in order): {wanted}"
    # no new warning either (a text whose number disagrees with its logic ...)
    assert _warnings(workspace, COPY) == _warnings(workspace, "rules")
    old, book = load_rulebook(str(RULES)), load_rulebook(str(workspace.folder / COPY))
    case = load_case(cases[0])
    day = case.runs[0].as_of
    for check, before, after in CHANGES[recipe]:
        answers = (_status(old, case.profile, check, day), _status(book, case.profile, check, day))
        assert answers == (before, after), f"{recipe}: {check}"


def test_the_threshold_diff_names_exactly_the_students_whose_answer_changes(workspace):
    """Recipe 1's diff over the cohort, against answers worked out apart: a batch of the whole
    cohort under each rule book, compared student by student."""
    _applied(workspace, "threshold")
    diff = next(
        line
        for block in _of("threshold", "commands")
        for line in block.text.splitlines()
        if line.startswith("eligibility diff") and "--out" in line
    )
    assert workspace.run(diff)[0] == 1
    with open(re.search(r"--out (\S+)", diff).group(1), encoding="utf-8") as handle:
        named = {(row["candidate_id"], row["check"]) for row in csv.DictReader(handle)}
    day = re.search(r"--as-of (\S+)", diff).group(1)
    old, new = _answers(workspace, "rules", day), _answers(workspace, COPY, day)
    assert named and named == {key for key in {*old, *new} if old.get(key) != new.get(key)}


def test_raising_a_confidence_removes_the_caution_and_changes_no_answer(workspace):
    _applied(workspace, "confidence")
    command = "eligibility check rules/tests/profiles/x01-pahcs-mcs.yaml --cert MCS-recert"
    before, after = (workspace.run(f"{command} --rules {rules}") for rules in ("rules", COPY))
    assert "confidence L;" in before[1] and "Caution: these rules rest on low-" in before[1]
    assert "confidence M;" in after[1] and "Caution" not in after[1]
    assert before[0] == after[0]
