"""Batch speed, measured: the full batch against a floor pipeline, in one process run.

    python -m benchmarks.run                        # 10,000 and 100,000 profiles (several minutes)
    python -m benchmarks.run --sizes 2000 10000     # quicker
    python -m benchmarks.run --startup-only         # start-up alone (about 15 s)
    python -m benchmarks.run --scaling-only         # one profile's cost against its size

For each size it writes a seeded synthetic cohort (``benchmarks/generate.py``; one row in a
thousand deliberately broken) and times, each in a fresh worker process so that peak memory is
its own:

(a) ``batch``: ``run_batch`` over every check, CSV report and Markdown summary, as
    ``eligibility batch COHORT --out R.csv --summary S.md`` runs it;
(b) ``floor``: the least work that still answers every check: parse each line (orjson), validate
    it (jsonschema-rs), derive the facts, run the compiled rules (one JsonLogic program, leaf
    codes combined into each check's status; no unknowns told apart, no explanation, no policy
    alternatives, no lapsed credentials) and write one CSV row per student;
(c) ``batch --jobs 2``: (a) in two worker processes.

It prints seconds, profiles per second and peak memory of each, the ratio batch / floor, the
speed-up of two jobs, peak memory at the largest size against the smallest, and start-up:
``eligibility check`` on one profile in a cold process (one check, and every check) against
``python -c "import click, yaml"``. Last, scaling: the time to derive every fact of one profile
(under calendar and FTE counting) as its jobs, letters and CEUs grow from 500 to 8,000 each,
per record: a cost that grows with the number of records squared would show here.

The machine's speed drifts by a quarter and more within minutes, so (a), (b) and (c) run in
turns, ``--rounds`` times (default 3): each ratio is taken within one round, and the median
round is shown (seconds are medians too; peak memory the highest seen).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def floor(path: str, out: str) -> tuple[float, int, str]:
    """Least work: parse, validate, derive facts, run the compiled rules, write a CSV row."""
    import json

    import jsonschema_rs
    import orjson

    from eligibility.api import resolve_as_of
    from eligibility.facts import derive
    from eligibility.profiles import Profile
    from eligibility.rules import load_rulebook
    from eligibility.verdicts import make_plan

    book = load_rulebook()
    schema = json.loads((ROOT / "schemas" / "profile.schema.json").read_text(encoding="utf-8"))
    is_valid = jsonschema_rs.validator_for(schema, validate_formats=True).is_valid
    policies = book.default_policies()
    plans = {}
    start = time.perf_counter()
    count = 0
    with open(path, encoding="utf-8") as lines, open(out, "w", newline="") as report:
        writer = csv.writer(report)
        for number, line in enumerate(lines, start=1):
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError:
                writer.writerow([number, "error"])
                continue
            if not is_valid(data):
                writer.writerow([number, "error"])
                continue
            day = resolve_as_of(Profile(path, data), None)
            plan = plans.get(day) or plans.setdefault(day, make_plan(book, day))
            values = plan.program(derive(data, day, policies, book.facts))
            codes = values[plan.codes_from :]
            codes.extend([0] * (len(plan.slots) - plan.leaf_count))
            statuses = []
            for check in plan.checks:
                if check.root < 0 or (check.applies is not None and values[check.applies] != 1):
                    statuses.append(-1)  # no rules in force, or not for this person
                    continue
                for slot, combine, children in check.ops:
                    codes[slot] = combine(children(codes))
                statuses.append(codes[check.root])
            writer.writerow([number, *statuses])
            count += 1
    return time.perf_counter() - start, count, ""


def batch(path: str, out: str, jobs: int = 1) -> tuple[float, int, str]:
    from eligibility.batch import run_batch
    from eligibility.cohort import read_items
    from eligibility.rules import load_rulebook

    book = load_rulebook()
    start = time.perf_counter()
    tally = run_batch(read_items(path), book, csv_out=out, summary_out=out + ".md", jobs=jobs)
    seconds = time.perf_counter() - start
    reconciles = tally.checked + tally.error_count == tally.rows
    return (
        seconds,
        tally.checked,
        f"checked {tally.checked}, error rows {tally.error_count}, rows read {tally.rows}"
        f" ({'counts reconcile' if reconciles else 'COUNTS DO NOT RECONCILE'})",
    )


def batch_two_jobs(path: str, out: str) -> tuple[float, int, str]:
    return batch(path, out, jobs=2)


def _measured(function, path: str, out: str, queue) -> None:
    seconds, count, note = function(path, out)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((seconds, count, max(own, children) / 1024, note))


def measure(function, path: str, out: str) -> tuple[float, int, float, str]:
    """(seconds, profiles checked, peak MiB, what it says of its counts) of ``function`` in a
    fresh (spawned) process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    worker = context.Process(target=_measured, args=(function, path, out, queue))
    worker.start()
    result = queue.get()
    worker.join()
    return result


def startup(runs: int = 15) -> dict[str, float]:
    """Median seconds of a cold ``eligibility check`` (one check; every check) and of
    ``python -c "import click, yaml"``, run in turns so that a slow spell hits all alike."""
    profile = str(ROOT / "fixtures" / "profiles" / "c09-hana-sato.yaml")
    commands = {
        "check --cert": [sys.executable, "-m", "eligibility", "check", profile, "--cert", "CPC-A-removal"],
        "check": [sys.executable, "-m", "eligibility", "check", profile],
        "baseline": [sys.executable, "-c", "import click, yaml"],
    }  # fmt: skip
    subprocess.run(commands["check"], capture_output=True, check=False)  # warms the rule cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def scaling(sizes: tuple[int, ...] = (500, 1000, 2000, 4000, 8000)) -> None:
    """Seconds to derive the facts of one profile of each size (median of 3), per record."""
    from datetime import date

    from benchmarks.generate import many_records
    from eligibility.facts import derive
    from eligibility.rules import load_rulebook

    book = load_rulebook()
    per_record = {}
    for size in sizes:
        profile = many_records(size)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            for counting in ("calendar", "fte40"):
                policies = {**book.default_policies(), "part_time_counting": counting}
                derive(profile, date(2026, 11, 22), policies, book.facts)
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
        per_record[size] = seconds / size
        print(
            f"scaling: {size:>5} jobs, letters and CEUs each: {seconds:7.3f} s"
            f" ({per_record[size] * 1e6:6.1f} us a record)",
            flush=True,
        )
    small, large = min(per_record), max(per_record)
    print(
        f"scaling: time a record at {large} / at {small}: {per_record[large] / per_record[small]:.2f}"
        f" (1 is linear; {large // small} would be quadratic)"
    )


def _line(name: str, seconds: float, count: int, peak: float) -> str:
    return f"{name:<14} {seconds:8.2f} s {count / seconds:8.0f} profiles/s  peak {peak:6.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-jobs", action="store_true", help="skip the two-job run")
    parser.add_argument("--rounds", type=int, default=3, help="turns of batch, floor, jobs")
    parser.add_argument("--startup-only", action="store_true", help="measure start-up only")
    parser.add_argument("--scaling-only", action="store_true", help="measure scaling only")
    args = parser.parse_args()
    if args.scaling_only:
        scaling()
        return
    if args.startup_only:
        args.sizes = []
    from benchmarks.generate import write

    peaks = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = str(Path(folder) / f"cohort-{size}.jsonl")
            write(path, size, seed=args.seed, broken_rows=max(1, size // 1000))
            print(f"{size} profiles ({max(1, size // 1000)} broken rows):", flush=True)
            out = str(Path(folder) / "report.csv")
            phases = {"batch": batch, "floor": floor}
            if not args.no_jobs:
                phases["batch --jobs 2"] = batch_two_jobs
            seen: dict[str, list[tuple[float, int, float, str]]] = {name: [] for name in phases}
            for turn in range(1, args.rounds + 1):
                for name, function in phases.items():
                    seen[name].append(measure(function, path, out))
                    if turn == 1 and seen[name][0][3]:
                        print(f"    {name}: {seen[name][0][3]}", flush=True)
                times = {name: runs[-1][0] for name, runs in seen.items()}
                print(
                    f"  round {turn}: "
                    + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in times.items())
                    + f"; batch / floor {times['batch'] / times['floor']:.2f}",
                    flush=True,
                )
            for name, runs in seen.items():
                seconds = statistics.median(run[0] for run in runs)
                print("  " + _line(name, seconds, runs[0][1], max(run[2] for run in runs)))
            ratios = [b[0] / f[0] for b, f in zip(seen["batch"], seen["floor"], strict=True)]
            print(f"  batch / floor  {statistics.median(ratios):.2f} (median of {len(ratios)} rounds;"
                  f" {min(ratios):.2f} to {max(ratios):.2f})", flush=True)  # fmt: skip
            if not args.no_jobs:
                speedups = [
                    b[0] / j[0] for b, j in zip(seen["batch"], seen["batch --jobs 2"], strict=True)
                ]
                print(f"  speed-up of 2 jobs  {statistics.median(speedups):.2f}x", flush=True)
            peaks[size] = max(run[2] for run in seen["batch"])
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        print(
            f"peak memory, batch: {peaks[large]:.1f} MiB at {large} vs {peaks[small]:.1f} MiB at"
            f" {small} ({peaks[large] / peaks[small]:.2f}x)"
        )
    medians = startup()
    baseline = medians.pop("baseline")
    for name, seconds in medians.items():
        print(
            f"start-up: eligibility {name} {seconds:.3f} s;"
            f" python -c 'import click, yaml' {baseline:.3f} s ({seconds / baseline:.2f}x)"
        )
    if not args.startup_only:
        scaling()


if __name__ == "__main__":
    main()
