"""The Dask recipe (eligibility.scale): a cohort's shards checked on a local cluster of worker
processes give reports byte for byte those of ``eligibility batch``."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.generate import write
from eligibility.batch import run_batch
from eligibility.errors import InputError
from eligibility.inputs.cohort import load_mapping, read_items

distributed = pytest.importorskip("distributed")
from eligibility.scale import run_on_cluster  # noqa: E402 - only with dask installed

CHECKS = ("CPC-full", "CCS-exam", "CCA-exam")


@pytest.fixture(scope="module")
def client():
    """Two worker processes of one thread, as a small cluster's would be."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def cohorts(tmp_path_factory) -> dict[str, tuple[Path, Path | None]]:
    folder = tmp_path_factory.mktemp("cluster")
    write(folder / "c.jsonl", 120, seed=51, broken_rows=8)
    write(folder / "flat.csv", 120, seed=52, flat=True)
    text = (folder / "flat.csv").read_text(encoding="utf-8")
    (folder / "theirs.csv").write_text(text.replace("candidate_id", "StudentID", 1), "utf-8")
    (folder / "m.yaml").write_text("columns:\n  candidate_id: StudentID\n", encoding="utf-8")
    write(folder / "dir", 30, seed=53, flat=True)
    return {
        "jsonl": (folder / "c.jsonl", None),
        "csv with mapping": (folder / "theirs.csv", folder / "m.yaml"),
        "folder": (folder / "dir", None),
    }


def _outputs(folder: Path, report: str) -> tuple[bytes, bytes]:
    return (folder / report).read_bytes(), (folder / "s.md").read_bytes()


@pytest.mark.parametrize("kind", ["jsonl", "csv with mapping", "folder"])
def test_a_cluster_writes_the_reports_of_the_batch(
    tmp_path, rulebook, client, cohorts, kind
) -> None:
    source, mapping = cohorts[kind]
    layout = load_mapping(mapping) if mapping else None
    (tmp_path / "cli").mkdir()
    run_batch(
        read_items(source, layout, rulebook.directory),
        rulebook,
        CHECKS,
        csv_out=tmp_path / "cli" / "r.csv",
        summary_out=tmp_path / "cli" / "s.md",
    )
    expected = _outputs(tmp_path / "cli", "r.csv")
    for shared in (None, tmp_path / "shared"):  # parts as bytes, or in a shared folder
        out = tmp_path / ("bytes" if shared is None else "files")
        out.mkdir()
        if shared is not None:
            shared.mkdir()
        tally = run_on_cluster(
            client,
            source,
            csv_out=out / "r.csv",
            summary_out=out / "s.md",
            rules=rulebook.directory,
            selectors=CHECKS,
            mapping=mapping,
            shards=5,
            shared=shared,
        )
        assert _outputs(out, "r.csv") == expected
        assert tally.rows == {"jsonl": 120, "csv with mapping": 120, "folder": 30}[kind]
        if shared is not None:
            assert list(shared.iterdir()) == []  # every part joined and removed


def test_json_lines_reports_too(tmp_path, rulebook, client, cohorts) -> None:
    source, _ = cohorts["jsonl"]
    (tmp_path / "cli").mkdir()
    (tmp_path / "cluster").mkdir()
    run_batch(
        read_items(source), rulebook, CHECKS, jsonl_out=tmp_path / "cli" / "r.jsonl",
        summary_out=tmp_path / "cli" / "s.md",
    )  # fmt: skip
    run_on_cluster(
        client, source, jsonl_out=tmp_path / "cluster" / "r.jsonl",
        summary_out=tmp_path / "cluster" / "s.md", rules=rulebook.directory, selectors=CHECKS,
    )  # fmt: skip
    assert _outputs(tmp_path / "cluster", "r.jsonl") == _outputs(tmp_path / "cli", "r.jsonl")


def test_a_yaml_stream_is_refused_with_what_to_do(tmp_path, client) -> None:
    (tmp_path / "c.yaml").write_text("--- {profile_version: 1}\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be cut into shards") as raised:
        run_on_cluster(client, tmp_path / "c.yaml", csv_out=tmp_path / "r.csv")
    assert "JSON Lines" in (raised.value.fix or "")
    assert not (tmp_path / "r.csv").exists()
