"""Batch speed, measured: the full batch against a floor pipeline, in one process run.

    python -m benchmarks.run                 # 1,000 and 10,000 profiles
    python -m benchmarks.run --sizes 100000  # the issue's large size (slow today)

For each size it prints, for (a) the batch (``run_batch`` over every check, CSV report) and
(b) a floor doing the least work possible on the same file (parse each line, validate it with
the fastest validator installed, derive the facts, evaluate every compiled rule leaf with no
explanation, write one CSV row): seconds, profiles per second, peak memory (each phase runs in a
fresh worker process so peaks do not mix), and the ratio batch / floor. It also times start-up:
``eligibility check`` on one profile in a cold process against ``python -c "import click, yaml"``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import multiprocessing
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _validator():
    try:
        import jsonschema_rs

        schema = json.loads((ROOT / "schemas" / "profile.schema.json").read_text(encoding="utf-8"))
        return "jsonschema-rs", jsonschema_rs.validator_for(schema).is_valid
    except ImportError:
        from eligibility.validation import validator

        return "jsonschema (Python)", validator("profile").is_valid


def _floor(path: str) -> tuple[float, int]:
    """Least work: parse, validate, derive facts, evaluate compiled leaves, write a CSV row."""
    from eligibility.facts import derive
    from eligibility.logic import truthy
    from eligibility.rules import load_rulebook

    book = load_rulebook()
    _, is_valid = _validator()
    policies = book.default_policies()
    leaves = [
        node.logic
        for credential in book.credentials
        for version in credential.versions
        if version.in_force(date(2026, 11, 22))
        for check in version.checks
        for node in check.requires.walk()
        if node.logic is not None
    ]
    out = csv.writer(io.StringIO())
    start = time.perf_counter()
    count = 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            data = json.loads(line)
            if not is_valid(data):
                out.writerow([count, "error"])
                continue
            facts = derive(data, date(2026, 11, 22), policies, book.registry)
            out.writerow([count, *(truthy(leaf(facts)) for leaf in leaves)])
            count += 1
    return time.perf_counter() - start, count


def _batch(path: str) -> tuple[float, int]:
    from eligibility.batch import run_batch
    from eligibility.cohort import read_cohort
    from eligibility.rules import load_rulebook

    book = load_rulebook()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        tally = run_batch(read_cohort(path), book, csv_out=Path(folder) / "out.csv")
        return time.perf_counter() - start, tally.checked


def _measured(function, path: str, queue) -> None:
    seconds, count = function(path)
    queue.put((seconds, count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def measure(function, path: str) -> tuple[float, int, float]:
    """(seconds, profiles, peak MiB) of ``function`` in a fresh process."""
    queue = multiprocessing.get_context("fork").Queue()
    worker = multiprocessing.get_context("fork").Process(
        target=_measured, args=(function, path, queue)
    )
    worker.start()
    result = queue.get()
    worker.join()
    return result


def startup(runs: int = 5) -> tuple[float, float]:
    """Median seconds of a cold `eligibility check` and of `python -c "import click, yaml"`."""
    profile = str(ROOT / "fixtures" / "profiles" / "c09-hana-sato.yaml")
    commands = (
        [sys.executable, "-m", "eligibility", "check", profile, "--cert", "CPC-A-removal"],
        [sys.executable, "-c", "import click, yaml"],
    )
    medians = []
    for command in commands:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False)
            times.append(time.perf_counter() - start)
        medians.append(statistics.median(times))
    return medians[0], medians[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from benchmarks.generate import write

    print(f"validator in the floor: {_validator()[0]}")
    peaks = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = str(Path(folder) / f"cohort-{size}.jsonl")
            write(path, size, seed=args.seed)
            batch_s, batch_n, batch_mb = measure(_batch, path)
            floor_s, floor_n, floor_mb = measure(_floor, path)
            peaks[size] = batch_mb
            print(
                f"{size:>7} profiles | batch {batch_s:8.2f} s {batch_n / batch_s:9.0f}/s peak {batch_mb:6.1f} MiB"
                f" | floor {floor_s:7.2f} s {floor_n / floor_s:9.0f}/s peak {floor_mb:6.1f} MiB"
                f" | batch/floor {batch_s / floor_s:6.1f}"
            )
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        print(
            f"peak memory, batch: {peaks[large]:.1f} MiB at {large} vs {peaks[small]:.1f} MiB at {small}"
            f" ({peaks[large] / peaks[small]:.2f}x)"
        )
    cold, baseline = startup()
    print(
        f"start-up: eligibility check {cold:.3f} s; python -c 'import click, yaml' {baseline:.3f} s"
        f" ({cold / baseline:.1f}x)"
    )


if __name__ == "__main__":
    main()
