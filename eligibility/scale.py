"""Checking a cohort on a Dask cluster: the shards ``eligibility batch --jobs`` cuts a cohort into
are read, checked and written by the cluster's workers with the same function
(:func:`eligibility.batch.check_shard`), and their parts are joined here as the batch joins
them, so that the reports are byte for byte those of ``eligibility batch`` (docs/scaling.md).

Optional: ``pip install 'eligibility[dask]'``. Nothing else in the package imports this module.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import Any

from eligibility.batch import (
    PartFiles,
    Settings,
    Tally,
    check_shard,
    numbered_shards,
    open_reports,
    shard_count,
)
from eligibility.errors import InputError
from eligibility.inputs.cohort import load_mapping, number_shards, read_items
from eligibility.report.sheets import statement
from eligibility.rulebook.rules import load_rulebook


def run_on_cluster(
    client: Any,
    source: str | Path,
    *,
    csv_out: str | Path | None = None,
    jsonl_out: str | Path | None = None,
    summary_out: str | Path | None = None,
    rules: str | None = None,
    selectors: Iterable[str] = (),
    as_of: date | None = None,
    policies: Mapping[str, str] | None = None,
    mapping: str | Path | None = None,
    shards: int | None = None,
    shared: str | Path | None = None,
    jsonl_full: bool = False,
) -> Tally:
    """Check the cohort ``source`` on the cluster of ``client`` (a ``dask.distributed.Client``)
    and write the reports here, as ``eligibility batch`` would with the same options; returns
    the tally of the summary.

    Every worker must read ``source`` (and ``rules``, when given) at the same path: a shared
    folder, or a local cluster. ``rules``: None for the rules bundled with each worker's
    installed package (the same version as here). ``shards``: how many to cut the cohort into
    (default: several per worker, none larger than ``batch.SHARD_BYTES``). ``shared``: a folder
    every worker and this process can write and read, where the workers write their parts
    (removed once joined); without it, the parts come back through the cluster as bytes.
    ``jsonl_full``: the JSON Lines report in its full form (``--report-format jsonl-full``).

    A JSON Lines file, a CSV export and a folder of profiles are cut; a YAML stream or a pipe
    cannot be (an :class:`InputError` says what to do instead). A CSV whose cut falls inside a
    quoted cell holding a line break is checked as one shard, by one worker."""
    book = load_rulebook(rules)
    wanted = tuple(selectors)
    for selector in wanted:
        book.expand(selector)  # an unknown --cert is refused here, before the cluster is busy
    layout = load_mapping(mapping) if mapping else None
    cohort = read_items(source, layout, book.directory)
    settings = Settings(
        rules,
        wanted,
        as_of,
        tuple(sorted((policies or {}).items())),
        csv=bool(csv_out),
        jsonl=bool(jsonl_out),
        jsonl_full=jsonl_full,
    )

    def run(function: Any, items: list[Any]) -> list[Any]:
        return client.gather(client.map(function, items, pure=False))

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    cut = numbered_shards(cohort, shards or shard_count(cohort, workers), run)
    if cut is None:
        whole = cohort.shards(1)  # a CSV cut inside a quoted cell: one shard, read whole
        if whole is None:
            cohort.close()
            raise InputError(
                str(source),
                None,
                "this cohort cannot be cut into shards (a YAML stream, or not a regular file)",
                "convert it to JSON Lines or a folder of profiles, or run 'eligibility batch"
                " --jobs N' on one machine",
            )
        cut = number_shards(whole, [0])
    cohort.close()
    inputs = [p for p in (source, mapping) if p]
    given: list[str] = []
    header = settings.checker().header()  # the lean JSON Lines report's first line, written here

    def about(versions: Iterable[str] | None) -> tuple[str, ...]:
        return statement(book, as_of, policies or {}, versions)

    with open_reports(
        csv_out, jsonl_out, summary_out, inputs, about=about, header=header
    ) as reports:
        token = secrets.token_hex(4)

        def parts(index: int) -> PartFiles | None:
            if shared is None:
                return None
            names = [
                str(Path(shared) / f".{Path(out).name}.eligibility-{token}_{index}.tmp")
                if out
                else None
                for out in (csv_out, jsonl_out)
            ]
            given.extend(name for name in names if name)
            return PartFiles(*names)

        futures = client.map(
            check_shard,
            cut,
            [settings] * len(cut),
            [parts(shard.index) for shard in cut],
            pure=False,
        )
        try:
            for future in futures:  # joined in shard order, each as soon as its turn comes
                reports.add_shard(future.result())
                future.release()
        finally:
            client.cancel(futures)
            for name in given:
                with suppress(OSError):
                    Path(name).unlink(missing_ok=True)
    return reports.tally
