"""Batch speed, measured: the batch against a true floor and an older checkout, in one run.

    python -m benchmarks.run                          # 10,000 and 100,000 profiles (~15 minutes)
    python -m benchmarks.run --sizes 2000 10000       # quicker
    python -m benchmarks.run --baseline /tmp/base     # and against another checkout (below)
    python -m benchmarks.run --million                # and 1,000,000 through --jobs 2 (slow)
    python -m benchmarks.run --startup-only           # cold start alone (about 15 s)
    python -m benchmarks.run --scaling-only           # one profile's cost against its size
    python -m benchmarks.run --parts-only             # what a student costs, part by part

Against an older commit (issue 13's target: the batch at least 4x the throughput of 0621c81)::

    git worktree add --detach /tmp/base 0621c81
    python -m benchmarks.run --baseline /tmp/base
    git worktree remove /tmp/base

For each size a seeded synthetic cohort is written once, by this checkout's generator
(``benchmarks/generate.py``; one row in a thousand deliberately broken), and these are timed,
each in a fresh (spawned) worker process, so that its peak memory is its own:

batch
    ``run_batch`` over the cohort's items as read by ``cohort.read_items``: every check, the
    default report (CSV ``--out`` and Markdown ``--summary``), as
    ``eligibility batch COHORT --out R.csv --summary S.md`` runs it.
floor
    The true floor: the batch's own input path and nothing else. Every line is read
    (``cohort.read_items``), parsed and validated (``cohort.parse_item``: strict JSON, the
    profile schema, the consistency checks), and one fixed line is written per student. No facts,
    no rules. Its count of valid profiles must equal the batch's ("counts agree").
baseline
    The batch (as above) of the checkout named by ``--baseline DIR``: the worker puts DIR first
    on ``sys.path``, so it imports DIR's ``eligibility`` (and DIR's rules), and checks that it did.
batch --jobs N
    The batch in N worker processes (``--jobs``, default 2; ``--no-jobs`` leaves it out).

The machine's speed drifts by a quarter and more within minutes, so these run in turns,
``--rounds`` times (default 3): each ratio is taken within one round and the median round is
shown, with the lowest and highest. Every round line shows the load average when it began.

What each number means:

wall s
    Median seconds of the run itself (the rule book is loaded before the clock starts).
CPU s
    Median user + system CPU seconds of the measuring process and the worker processes it
    waited for (``getrusage`` RUSAGE_SELF + RUSAGE_CHILDREN), over the same span.
/s per core
    Profiles checked (valid rows) per wall second per core used: divided by 1 for batch, floor
    and baseline, by N for ``--jobs N``.
/CPU s
    Profiles per CPU second: what the work costs, less sensitive to others' load than wall time.
peak MiB
    Highest ``ru_maxrss`` of the measuring process over the rounds; ``worker MiB``: of its
    largest worker process (``--jobs`` only).
batch / floor
    The batch's seconds over the floor's (issue 13's target: at most 9).
throughput / baseline's
    The batch's throughput over the baseline's, i.e. the baseline's seconds over the batch's
    (issue 13's target against 0621c81: at least 4). About 1 when DIR has the same engine.

Both ratios are shown by wall time (median round, lowest and highest) and, after "by CPU s", by
CPU time: when others load the machine, wall times swing and CPU times much less. A target is
judged on the median by wall time.
speed-up of N jobs
    batch seconds / ``batch --jobs N`` seconds.

``--million`` (slow: writing the cohort, about 1.2 GB in the temporary folder, takes minutes, and
the run itself more) then runs ``batch --jobs N`` once over 1,000,000 profiles and once over
10,000, and prints for each the wall time, the CPU seconds per core (CPU s / N; issue 13's target:
under 60 s at 1,000,000 with --jobs 2), profiles per second per core, and the peak memory of the
parent and of its largest worker, 1,000,000 against 10,000 (flat memory: ratios near 1).

Then cold start: the median of 15 cold ``eligibility check`` runs on one profile (one check; every
check) against ``python -c "import click, yaml"``, run in turns, with the ratio and whether it is
within issue 13's bar of 2x. Last, scaling: the time to derive every fact of one profile (under
calendar and FTE counting) as its jobs, letters and CEUs grow from 500 to 8,000 each, per record:
a cost that grew with the square of the number of records would show here.

``--no-startup`` and ``--no-scaling`` leave those sections out. ``--parts-only`` times, in one
process over 3,000 profiles, the parts of a student's cost that come before any answer
(parsing, the facts, the JsonLogic program) and the least it takes to write the report's bytes,
beside the whole batch and the budget issue 13's target allows a student.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FLOOR_LINE = "checked\r\n"  # the floor's one fixed line per valid student
ERROR_LINE = "error\r\n"  # and per row that is not a valid profile


@dataclass(frozen=True)
class Measured:
    """One timed run in a worker process."""

    seconds: float
    cpu: float  # user + system seconds of the worker and the processes it waited for
    count: int  # profiles checked (valid rows)
    peak: float  # MiB, the worker process
    worker_peak: float  # MiB, its largest child (0 when it had none)
    note: str


@dataclass(frozen=True)
class Phase:
    name: str
    function: Any  # (path, out, jobs) -> (seconds, cpu seconds, count, note), run in a worker
    jobs: int = 1
    where: str | None = None  # another checkout to import ``eligibility`` from


# --- what the workers run --------------------------------------------------------------------


def _clock() -> tuple[float, float]:
    """Wall seconds, and CPU seconds of this process and of the children it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return time.perf_counter(), cpu


def floor(path: str, out: str, jobs: int = 1) -> tuple[float, float, int, str]:
    """The batch's input path alone: read, parse and validate each row; one fixed line each."""
    from eligibility.inputs.cohort import parse_item, read_items

    start, cpu = _clock()
    count = errors = 0
    with open(out, "w", encoding="utf-8", newline="") as report:
        for item in read_items(path):
            if parse_item(item).profile is None:
                report.write(ERROR_LINE)
                errors += 1
            else:
                report.write(FLOOR_LINE)
                count += 1
    end, cpu_end = _clock()
    return end - start, cpu_end - cpu, count, f"valid {count}, error rows {errors}"


def batch(path: str, out: str, jobs: int = 1) -> tuple[float, float, int, str]:
    """``eligibility batch COHORT --out R.csv --summary S.md [--jobs N]``, through run_batch."""
    from eligibility.batch import run_batch

    try:
        from eligibility.inputs.cohort import read_items
        from eligibility.rulebook.rules import load_rulebook
    except ImportError:  # a baseline checkout from before the package had folders
        from eligibility.cohort import read_items  # type: ignore[no-redef]
        from eligibility.rules import load_rulebook  # type: ignore[no-redef]

    book = load_rulebook()
    start, cpu = _clock()
    tally = run_batch(read_items(path), book, csv_out=out, summary_out=out + ".md", jobs=jobs)
    end, cpu_end = _clock()
    reconciles = tally.checked + tally.error_count == tally.rows
    return (
        end - start,
        cpu_end - cpu,
        tally.checked,
        f"checked {tally.checked}, error rows {tally.error_count}, rows read {tally.rows}"
        f" ({'counts reconcile' if reconciles else 'COUNTS DO NOT RECONCILE'})",
    )


def _import_from(where: str) -> None:
    """Make ``import eligibility`` find the checkout ``where``, and make sure it did."""
    sys.path.insert(0, where)
    import eligibility

    found = Path(eligibility.__file__).resolve()
    if not found.is_relative_to(Path(where).resolve()):
        raise RuntimeError(f"--baseline {where}: imported eligibility from {found} instead")


def _measured(phase: Phase, path: str, out: str, results: Any) -> None:
    try:
        if phase.where:
            _import_from(phase.where)
        seconds, cpu, count, note = phase.function(path, out, phase.jobs)
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        results.put(Measured(seconds, cpu, count, own, children, note))
    except BaseException as error:  # the parent says what went wrong instead of waiting forever
        results.put(f"{phase.name}: {type(error).__name__}: {error}")
        raise


def measure(phase: Phase, path: str, out: str) -> Measured:
    """``phase`` over the cohort at ``path`` in a fresh (spawned) worker process."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    worker = context.Process(target=_measured, args=(phase, path, out, results))
    worker.start()
    while True:
        try:
            result = results.get(timeout=1)
            break
        except queue.Empty:
            if not worker.is_alive():
                try:
                    result = results.get(timeout=1)
                    break
                except queue.Empty:
                    raise SystemExit(
                        f"{phase.name}: the worker process ended with status {worker.exitcode}"
                    ) from None
    worker.join()
    if isinstance(result, str):
        raise SystemExit(result)
    return result


# --- printing ------------------------------------------------------------------------------


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def _mib(value: float, width: int = 9) -> str:
    return f"{value:{width}.1f}" if value else " " * width


def _row(name: str, runs: list[Measured], cores: int) -> str:
    seconds = statistics.median(run.seconds for run in runs)
    cpu = statistics.median(run.cpu for run in runs)
    count = runs[0].count
    return (
        f"  {name:<24}{seconds:9.2f}{cpu:9.2f}{count / seconds / cores:13,.0f}"
        f"{count / cpu:10,.0f}{_mib(max(run.peak for run in runs))}"
        f"{_mib(max(run.worker_peak for run in runs), 11)}"
    )


HEADER = (
    f"  {'':<24}{'wall s':>9}{'CPU s':>9}{'/s per core':>13}{'/CPU s':>10}{'peak MiB':>9}"
    f"{'worker MiB':>11}"
)


def _ratio(name: str, wall: list[float], cpu: list[float] | None = None, target: str = "") -> str:
    """A ratio's median round by wall time (with the lowest and highest), by CPU time, and
    whether the median by wall time meets ``target`` ("<= 9", ">= 4")."""
    median = statistics.median(wall)
    line = f"  {name:<24}{median:9.2f}"
    if len(wall) > 1:
        line += f"  ({min(wall):.2f} to {max(wall):.2f} in {len(wall)} rounds)"
    if cpu is not None:
        line += f"; by CPU s {statistics.median(cpu):.2f}"
    if target:
        bound = float(target.split()[1])
        met = median <= bound if target.startswith("<=") else median >= bound
        line += f"; target {target}: {'met' if met else 'NOT MET'}"
    return line


def _describe(where: str) -> str:
    """``DIR (commit abc1234)`` when DIR is a git checkout."""
    done = subprocess.run(
        ["git", "-C", where, "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
        check=False,
    )
    return f"{where} ({done.stdout.strip()})" if done.returncode == 0 else where


# --- the sections --------------------------------------------------------------------------


def compare(folder: Path, size: int, args: argparse.Namespace) -> float:
    """Batch, floor, baseline and jobs at one size, in rounds; returns the batch's peak MiB."""
    from benchmarks.generate import write

    path = str(folder / f"cohort-{size}.jsonl")
    broken = max(1, size // 1000)
    write(path, size, seed=args.seed, broken_rows=broken)
    print(f"\n{size:,} profiles (of them broken: {broken}), seed {args.seed}:", flush=True)
    out = str(folder / "report.csv")
    phases = [Phase("batch", batch), Phase("floor", floor)]
    if args.baseline:
        phases.append(Phase("baseline", batch, where=args.baseline))
    if not args.no_jobs:
        phases.append(Phase(f"batch --jobs {args.jobs}", batch, jobs=args.jobs))
    seen: dict[str, list[Measured]] = {phase.name: [] for phase in phases}
    for turn in range(1, args.rounds + 1):
        load = _load()
        for phase in phases:
            seen[phase.name].append(measure(phase, path, out))
            if turn == 1:
                print(f"    {phase.name}: {seen[phase.name][0].note}", flush=True)
        print(
            f"  round {turn} ({load}): "
            + ", ".join(f"{name} {runs[-1].seconds:.2f} s" for name, runs in seen.items()),
            flush=True,
        )
    print(HEADER)
    for phase in phases:
        print(_row(phase.name, seen[phase.name], phase.jobs))
    counts = {name: runs[0].count for name, runs in seen.items()}
    agree = len(set(counts.values())) == 1
    print(f"  profiles checked: {counts['batch']:,}" + ("" if agree else f" (DIFFER: {counts})"))

    def ratios(numerator: str, denominator: str, cpu: bool = False) -> list[float]:
        pairs = zip(seen[numerator], seen[denominator], strict=True)
        if cpu:
            return [top.cpu / bottom.cpu for top, bottom in pairs]
        return [top.seconds / bottom.seconds for top, bottom in pairs]

    print(_ratio("batch / floor", ratios("batch", "floor"), ratios("batch", "floor", True), "<= 9"))
    if args.baseline:
        gains, cpu_gains = ratios("baseline", "batch"), ratios("baseline", "batch", True)
        print(_ratio("throughput / baseline's", gains, cpu_gains, ">= 4"))
    if not args.no_jobs:
        print(_ratio(f"speed-up of {args.jobs} jobs", ratios("batch", phases[-1].name)))
    return max(run.peak for run in seen["batch"])


def million(
    folder: Path, args: argparse.Namespace, sizes: tuple[int, int] = (10_000, 1_000_000)
) -> None:
    """``batch --jobs N`` once at each of ``sizes`` (small, large): CPU and memory."""
    from benchmarks.generate import write

    phase = Phase(f"batch --jobs {args.jobs}", batch, jobs=args.jobs)
    runs = {}
    print()
    for size in sizes:
        path = str(folder / f"million-{size}.jsonl")
        print(f"writing {size:,} profiles ...", flush=True)
        write(path, size, seed=args.seed, broken_rows=max(1, size // 1000))
        load = _load()
        runs[size] = measure(phase, path, str(folder / "million.csv"))
        Path(path).unlink()
        run = runs[size]
        print(
            f"  {phase.name} at {size:,} ({load}): wall {run.seconds:.1f} s,"
            f" CPU {run.cpu:.1f} s = {run.cpu / args.jobs:.1f} s per core,"
            f" {run.count / run.seconds / args.jobs:,.0f} profiles/s per core,"
            f" peak MiB: parent {run.peak:.1f}, largest worker {run.worker_peak:.1f}",
            flush=True,
        )
    small, large = runs[sizes[0]], runs[sizes[1]]
    per_core = large.cpu / args.jobs
    target = f"target < 60 s at 1,000,000: {'met' if per_core < 60 else 'NOT MET'}"
    print(
        f"  CPU per core at {sizes[1]:,}: {per_core:.1f} s"
        + (f" ({target})" if sizes[1] == 1_000_000 else "")
        + f"; {large.note}"
    )
    print(
        f"  peak memory at {sizes[1]:,} / at {sizes[0]:,}: parent {large.peak / small.peak:.2f}x,"
        f" largest worker {large.worker_peak / max(small.worker_peak, 1e-9):.2f}x (flat: ~1)"
    )


def startup(runs: int = 15) -> None:
    """Median seconds of a cold ``eligibility check`` (one check; every check) against
    ``python -c "import click, yaml"``, run in turns so that a slow spell hits all alike."""
    profile = str(ROOT / "fixtures" / "profiles" / "c09-hana-sato.yaml")
    commands = {
        'python -c "import click, yaml"': [sys.executable, "-c", "import click, yaml"],
        "eligibility check (one check)": [sys.executable, "-m", "eligibility", "check", profile, "--cert", "CPC-A-removal"],
        "eligibility check (every check)": [sys.executable, "-m", "eligibility", "check", profile],
    }  # fmt: skip
    for command in commands.values():  # warms the rule cache and the file system's
        subprocess.run(command, capture_output=True, check=False)
    times: dict[str, list[float]] = {name: [] for name in commands}
    load = _load()
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False)
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values) for name, values in times.items()}
    name = 'python -c "import click, yaml"'
    bar = medians.pop(name)
    print(f"\ncold start (median of {runs} runs in turns, {load}):")
    print(f"  {name:<34}{bar:7.3f} s")
    for name, seconds in medians.items():
        within = "within 2x" if seconds <= 2 * bar else "NOT within 2x"
        print(f"  {name:<34}{seconds:7.3f} s  {seconds / bar:5.2f}x  {within}")


def scaling(sizes: tuple[int, ...] = (500, 1000, 2000, 4000, 8000)) -> None:
    """Seconds to derive the facts of one profile of each size (median of 3), per record."""
    from datetime import date

    from benchmarks.generate import many_records
    from eligibility.facts import derive
    from eligibility.rulebook.rules import load_rulebook

    book = load_rulebook()
    per_record = {}
    print()
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


def parts(count: int = 3000, seed: int = 1) -> None:
    """Microseconds a student of what no batch can skip, set against issue 13's budget.

    In one process, over a synthetic cohort of ``count``: reading, parsing and validating each
    row (the floor's input path); deriving the facts the rules read; running the JsonLogic
    program on them; the whole batch (as ``batch`` above); then writing the batch's own long CSV
    rows again from the finished values, once with the ``csv`` module and once joined with no
    quoting at all (the least any writer of those bytes does). The first three and a writer are
    spent before any answer is built, so their sum is a floor under what the batch can cost.
    """
    import csv
    from datetime import date

    from benchmarks.generate import write
    from eligibility.batch import run_batch
    from eligibility.engine.plan import make_plan
    from eligibility.facts import derive
    from eligibility.inputs.cohort import parse_item, read_items
    from eligibility.rulebook.rules import load_rulebook

    book = load_rulebook()
    policies = book.default_policies()
    plans: dict[date, Any] = {}
    with tempfile.TemporaryDirectory() as name:
        cohort, report = Path(name) / "cohort.jsonl", Path(name) / "report.csv"
        write(cohort, count, seed=seed)
        items = list(read_items(str(cohort)))
        timed: dict[str, float] = {}

        def clock(part: str, start: float) -> None:
            timed[part] = (time.perf_counter() - start) / len(items) * 1e6

        start = time.perf_counter()
        profiles = [parse_item(item).profile.data for item in items]  # type: ignore[union-attr]
        clock("read, parse and validate", start)
        for data in profiles:
            as_of = date.fromisoformat(data["as_of"])
            if as_of not in plans:
                plans[as_of] = make_plan(book, as_of)
        start = time.perf_counter()
        facts = [
            derive(data, plan.as_of, policies, book.facts, only=plan.facts_read)
            for data in profiles
            for plan in (plans[date.fromisoformat(data["as_of"])],)
        ]
        clock("derive the facts the rules read", start)
        start = time.perf_counter()
        for data, found in zip(profiles, facts, strict=True):
            plans[date.fromisoformat(data["as_of"])].program(found)
        clock("run the JsonLogic program", start)
        start = time.perf_counter()
        run_batch(iter(items), book, csv_out=report, summary_out=str(report) + ".md")
        clock("the whole batch", start)
        with open(report, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        start = time.perf_counter()
        with open(Path(name) / "again.csv", "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        clock("write its CSV rows (csv module)", start)
        start = time.perf_counter()
        with open(Path(name) / "joined.csv", "w", encoding="utf-8", newline="") as handle:
            handle.write("\r\n".join(",".join(row) for row in rows))
        clock("join its CSV rows, no quoting", start)
        size = report.stat().st_size / len(items)
    print(f"\nparts, microseconds a student ({count:,} profiles, {_load()}):")
    for part, micros in timed.items():
        print(f"  {part:<36}{micros:8.0f}")
    unskippable = (
        sum(timed[part] for part in list(timed)[:3]) + timed["join its CSV rows, no quoting"]
    )
    print(
        f"  report: {(len(rows) - 1) / len(items):.1f} CSV rows, {size / 1024:.1f} KiB a student\n"
        f"  parsing, facts, program and the least writer together: {unskippable:.0f}; issue 13's"
        f" 8,000 a second per core allows {1e6 / 8000:.0f} for everything"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1, help="the synthetic cohort's seed")
    parser.add_argument("--rounds", type=int, default=3, help="turns of batch, floor, ...")
    parser.add_argument("--baseline", metavar="DIR", help="another checkout to compare with")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of the jobs runs")
    parser.add_argument("--no-jobs", action="store_true", help="leave out the --jobs runs")
    parser.add_argument("--million", action="store_true", help="1,000,000 through --jobs (slow)")
    parser.add_argument("--startup-only", action="store_true", help="measure cold start only")
    parser.add_argument("--scaling-only", action="store_true", help="measure scaling only")
    parser.add_argument("--no-startup", action="store_true", help="leave out cold start")
    parser.add_argument("--no-scaling", action="store_true", help="leave out scaling")
    parser.add_argument(
        "--parts-only", action="store_true", help="what each part no batch can skip costs"
    )
    args = parser.parse_args()
    if args.baseline:
        if not (Path(args.baseline) / "eligibility" / "__init__.py").is_file():
            parser.error(f"--baseline {args.baseline}: not a checkout of this project")
        args.baseline = str(Path(args.baseline).resolve())
    if args.scaling_only:
        scaling()
        return
    if args.parts_only:
        parts(seed=args.seed)
        return
    if not args.startup_only:
        print(f"{os.cpu_count()} cores, {_load()}; batch: {_describe(str(ROOT))}")
        if args.baseline:
            print(f"baseline: {_describe(args.baseline)}")
        with tempfile.TemporaryDirectory() as name:
            peaks = {size: compare(Path(name), size, args) for size in args.sizes}
            if len(peaks) > 1:
                small, large = min(peaks), max(peaks)
                print(
                    f"\npeak memory, batch: {peaks[large]:.1f} MiB at {large:,} vs"
                    f" {peaks[small]:.1f} MiB at {small:,} ({peaks[large] / peaks[small]:.2f}x)"
                )
            if args.million:
                million(Path(name), args)
    if not args.no_startup:
        startup()
    if not (args.startup_only or args.no_scaling):
        scaling()


if __name__ == "__main__":
    main()
