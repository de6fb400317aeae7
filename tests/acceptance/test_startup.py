"""Start-up: what a cold ``eligibility`` command imports, the rule book's index, the exit.

No timings are asserted here (they depend on the machine); what is asserted is what makes a start
cheap and must not silently stop being true: a command imports only what it uses, and the index
gives exactly the answers a search over the book gives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from eligibility.errors import InputError
from eligibility.rulebook.rules import Credential, RuleBook, Selection, Version
from tests.conftest import PROFILES, ROOT

HANA = PROFILES / "c09-hana-sato.yaml"

# --- what a command imports ----------------------------------------------------------------

# Runs the command line in this process and then names every module it imported.
_MODULES_AFTER = """
import json, sys
from eligibility.cli import main
try:
    main({args!r})
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def _modules_after(args: list[str], cache: Path) -> set[str]:
    env = {**os.environ, "ELIGIBILITY_CACHE_DIR": str(cache)}
    env.pop("ELIGIBILITY_NO_CACHE", None)
    code = _MODULES_AFTER.format(args=args)
    for _ in range(2):  # the first run fills the rule cache; the second is a warm start
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
        )
    assert "Traceback" not in result.stderr, result.stderr
    line = result.stderr.rsplit("MODULES ", 1)[1]
    return set(json.loads(line))


def _packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules} | modules


def test_check_imports_neither_batch_nor_describe_nor_python_jsonschema(tmp_path):
    modules = _packages(_modules_after(["check", str(HANA), "--cert", "CPC-A-removal"], tmp_path))
    assert (
        "eligibility.engine.plan" in modules and "eligibility.report.render" in modules
    )  # it did run
    unused = {
        "eligibility.batch",
        "eligibility.inputs.cohort",
        "eligibility.report.describe",
        "jsonschema",  # Python jsonschema: only to word an invalid document
        "tempfile",  # only to write a cache entry
        "multiprocessing",
    }
    assert not modules & unused


@pytest.mark.parametrize("args", [["list"], ["show", "CPC"], ["policies"]])
def test_a_warm_command_that_validates_nothing_does_not_import_jsonschema_rs(tmp_path, args):
    """jsonschema_rs costs ~20 ms to import (email, socket, decimal); only validating needs it."""
    modules = _packages(_modules_after(args, tmp_path))
    assert "eligibility.rulebook.rules" in modules
    assert not modules & {
        "jsonschema_rs",
        "jsonschema",
        "eligibility.engine.plan",
        "eligibility.batch",
    }


# --- the rule book's index -----------------------------------------------------------------


def _search_check(version: Version, name: str):
    wanted = name.upper()
    return next(
        (c for c in version.checks if wanted in (n.upper() for n in (c.id, *c.aliases))), None
    )


def _search_credential(book: RuleBook, check_id: str) -> Credential | None:
    for credential in book.credentials:
        if any(_search_check(v, check_id) for v in credential.versions):
            return credential
    return None


def _search_named(book: RuleBook, name: str) -> list[str] | None:
    for credential in book.credentials:
        if credential.id.upper() == name.upper():
            return credential.check_ids()
        for version in credential.versions:
            check = _search_check(version, name)
            if check is not None:
                return [check.id]
    # a credential's other name in the registry (CPC-H, now the COC), not its apprentice form
    canonical, apprentice = book.registry.normalise(name)
    if not apprentice and canonical != name.strip().upper():
        return _search_named(book, canonical)
    return None


def _search_select(book: RuleBook, check_id: str, day: date) -> Selection | None:
    credential = _search_credential(book, check_id)
    assert credential is not None
    versions = [v for v in credential.versions if _search_check(v, check_id)]
    in_force = sorted((v for v in versions if v.in_force(day)), key=lambda v: not v.preferred)
    return Selection(check_id, in_force[0], tuple(in_force[1:])) if in_force else None


def _names(book: RuleBook) -> list[str]:
    """Every credential id, check id and alias in three spellings, version ids and unknown names."""
    names = {"", "NO-SUCH-CHECK", "cpc-a", "Cpc", "cpc-h"}
    for credential in book.credentials:
        names.add(credential.id)
        for version in credential.versions:
            names.add(version.id)
            for check in version.checks:
                for name in (check.id, *check.aliases):
                    names |= {name, name.lower(), name.title(), name + "-x"}
    return sorted(names)


def test_index_finds_what_a_search_over_the_book_finds(rulebook):
    days = [date(year, month, 15) for year in range(2008, 2029) for month in (1, 6, 11)]
    for name in _names(rulebook):
        expected = _search_credential(rulebook, name)
        assert rulebook.credential_of(name) is expected, name
        for version in (v for c in rulebook.credentials for v in c.versions):
            assert version.check(name) is _search_check(version, name), (version.id, name)
        named = _search_named(rulebook, name)
        if named is None:
            with pytest.raises(InputError):
                rulebook.expand(name)
        else:
            assert rulebook.expand(name) == [(check_id, None) for check_id in named], name
        if expected is not None:
            for day in days:
                assert rulebook.select(name, day) == _search_select(rulebook, name, day), name


def test_index_pins_versions_as_before(rulebook):
    for credential in rulebook.credentials:
        for version in credential.versions:
            for check in version.checks:
                having = [v for v in credential.versions if _search_check(v, check.id)]
                for other in credential.versions:
                    selector = f"{check.id.lower()}@{other.id.lower()}"
                    if other in having:
                        assert rulebook.expand(selector) == [(check.id, other.id)]  # as spelt there
                        assert (
                            rulebook.select(check.id, date(2020, 1, 1), other.id).version is other
                        )
                    else:
                        with pytest.raises(InputError, match="has no rule version"):
                            rulebook.expand(selector)


def test_all_check_ids_in_book_order(rulebook):
    for kinds in (None, ("recertification", "status"), ("exam",), ()):
        expected = [c for credential in rulebook.credentials for c in credential.check_ids(kinds)]
        assert rulebook.all_check_ids(kinds) == expected
        assert rulebook.all_check_ids(kinds) is not rulebook.all_check_ids(kinds)  # a fresh list


# --- exit ----------------------------------------------------------------------------------


def _both(args: list[str], cwd: Path = ROOT) -> tuple[subprocess.CompletedProcess, object]:
    """``args`` run as the program (``python -m eligibility``) and in this process (CliRunner)."""
    from click.testing import CliRunner

    from eligibility.cli import main

    in_process = CliRunner().invoke(main, args)
    program = subprocess.run(
        [sys.executable, "-m", "eligibility", *args], capture_output=True, text=True, cwd=cwd
    )
    return program, in_process


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["check", str(HANA), "--cert", "CPC-exam"], 0),
        (["check", str(HANA), "--cert", "CPC-A-removal", "--format", "json"], 1),
        (["list", "--format", "json"], 0),
        (["check", "no-such-profile.yaml"], 2),
        (["check", str(HANA), "--cert", "NO-SUCH-CREDENTIAL"], 2),
    ],
)
def test_the_program_exits_with_its_whole_answer_and_status(args, status):
    """The program (``cli.run``) gives what :func:`cli.main` gives: every byte of output, and the
    command's status."""
    program, in_process = _both(args)
    assert program.returncode == in_process.exit_code == status
    assert program.stdout == in_process.stdout
    assert "Traceback" not in program.stderr
    if status == 2:
        assert program.stderr.startswith("error: ") or "Error: " in program.stderr


def test_a_batch_run_as_the_program_leaves_complete_reports(tmp_path):
    """Files are closed and renamed into place by the time the program has ended."""
    from click.testing import CliRunner

    from eligibility.cli import main

    def args(folder: Path) -> list[str]:
        folder.mkdir()
        return [
            "batch", str(PROFILES), "--out", str(folder / "r.csv"),
            "--summary", str(folder / "s.md"), "--as-of", "2026-11-22",
        ]  # fmt: skip

    program = subprocess.run(
        [sys.executable, "-m", "eligibility", *args(tmp_path / "program")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert program.returncode == 0, program.stderr
    assert CliRunner().invoke(main, args(tmp_path / "in-process")).exit_code == 0
    outputs = {}
    for name in ("program", "in-process"):
        folder = tmp_path / name
        assert sorted(p.name for p in folder.iterdir()) == ["r.csv", "s.md"]
        outputs[name] = [(folder / f).read_bytes() for f in ("r.csv", "s.md")]
    assert outputs["program"] == outputs["in-process"]
    assert outputs["program"][0].count(b"\n") > len(list(PROFILES.glob("*.yaml")))


# Runs the program with a command that ends with ``sys.exit(CODE)``, standard error as given.
_EXITING = """
import io, sys
from eligibility import cli
if {closed}:
    sys.stderr = io.StringIO()
    sys.stderr.close()
cli.main = lambda: sys.exit({code!r})
cli.run()
"""


@pytest.mark.parametrize(
    ("code", "status", "said"),
    [(None, 0, ""), (0, 0, ""), (1, 1, ""), (2, 2, ""), ("bad config", 1, "bad config\n"),
     (["not", "a", "status"], 1, "['not', 'a', 'status']\n"), (300, 44, ""), (-2, 254, ""),
     (2**70, 255, "")],
)  # fmt: skip
def test_the_program_exits_as_python_would_with_the_code_main_gives(code, status, said):
    """``sys.exit(x)`` from a command: an int is the status; None is 0; anything else is said on
    stderr and the status is 1, as Python's own exit does."""
    program = subprocess.run(
        [sys.executable, "-c", _EXITING.format(closed=False, code=code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert (program.returncode, program.stderr) == (status, said)


def test_the_program_still_exits_when_stderr_is_closed():
    """No traceback and no hang when there is nowhere left to write (``2>&-``, a closed pipe)."""
    program = subprocess.run(
        [sys.executable, "-c", _EXITING.format(closed=True, code="cannot be said")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert program.returncode == 1
    assert "Traceback" not in program.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["check", str(HANA), "--cert", "CPC-exam"], ["list"]])
def test_buffered_output_that_cannot_be_written_is_one_line_and_exit_2(args):
    """Output still buffered when the command ends fails in :func:`cli.run`, not at Python's exit
    (which would say "Exception ignored" and exit 120)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:
        program = subprocess.run(
            [sys.executable, "-m", "eligibility", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
    assert program.returncode == 2
    assert program.stderr.splitlines() == [
        "error: the output could not be written: No space left on device"
    ]


def test_the_program_started_with_stderr_closed_exits_with_the_commands_status():
    """``eligibility list 2>&-``: Python then has no sys.stderr at all (None)."""
    import os

    result = subprocess.run(
        [sys.executable, "-m", "eligibility", "list"],
        stdout=subprocess.PIPE,
        preexec_fn=lambda: os.close(2),  # the child's stderr only
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0
    assert b"CPC" in result.stdout
