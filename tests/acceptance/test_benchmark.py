"""The benchmark runs and says what it measured (``benchmarks/run.py``).

Only that the benchmark works and prints its lines is asserted, never a timing: the figures
depend on the machine and its load.
"""

from __future__ import annotations

import re
import subprocess
import sys
from argparse import Namespace

from benchmarks.run import million, parts, startup
from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks.run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_batch_floor_baseline_and_jobs_in_one_run() -> None:
    # the baseline is this checkout itself: another checkout is imported the same way
    done = _run(
        "--sizes", "200", "--rounds", "1", "--no-startup", "--no-scaling", "--baseline", str(ROOT)
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for name in ("batch", "floor", "baseline", "batch --jobs 2"):  # a row of figures each
        assert re.search(rf"^  {re.escape(name)} +[0-9.]+ +[0-9.]+ +[0-9,]+ ", out, re.M), name
    for ratio in ("batch / floor", "throughput / baseline's", "speed-up of 2 jobs"):
        assert re.search(rf"^  {re.escape(ratio)} +[0-9.]+", out, re.M), ratio
    # the floor read the input as the batch does: the same profiles were valid in every run
    assert re.search(r"^  profiles checked: 199$", out, re.M)
    assert "round 1 (load" in out


def test_a_baseline_that_is_no_checkout_is_refused(tmp_path) -> None:
    done = _run("--sizes", "200", "--rounds", "1", "--baseline", str(tmp_path))
    assert done.returncode == 2
    assert "not a checkout of this project" in done.stderr
    assert not done.stdout


def test_million_section_prints_cpu_per_core_and_memory(tmp_path, capsys) -> None:
    million(tmp_path, Namespace(jobs=2, seed=1), sizes=(100, 300))
    out = capsys.readouterr().out
    assert "batch --jobs 2 at 300" in out
    assert "s per core" in out and "profiles/s per core" in out
    assert "CPU per core at 300:" in out
    assert "peak memory at 300 / at 100: parent" in out
    assert not list(tmp_path.glob("*.jsonl"))  # the cohorts are removed once measured


def test_parts_are_set_against_the_budget_of_issue_13(capsys) -> None:
    parts(count=40)
    out = capsys.readouterr().out
    for part in ("read, parse and validate", "derive the facts the rules read", "the whole batch"):
        assert re.search(rf"^  {re.escape(part)} +[0-9]+$", out, re.M), part
    assert re.search(r"report: [0-9.]+ CSV rows, [0-9.]+ KiB a student", out)
    assert "8,000 a second per core allows 125 for everything" in out


def test_cold_start_is_set_against_importing_click_and_yaml(capsys) -> None:
    startup(runs=1)
    out = capsys.readouterr().out
    assert 'python -c "import click, yaml"' in out
    for check in ("one check", "every check"):
        line = next(line for line in out.splitlines() if f"({check})" in line)
        assert "within 2x" in line  # "within 2x" or "NOT within 2x", with the ratio before it


def test_a_baseline_worker_imports_the_other_checkouts_package(tmp_path) -> None:
    (tmp_path / "eligibility").mkdir()
    (tmp_path / "eligibility" / "__init__.py").write_text("WHICH = 'the other checkout'\n")
    code = (
        "import sys; from benchmarks.run import _import_from; _import_from(sys.argv[1]);"
        " import eligibility; print(eligibility.WHICH)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "the other checkout"
