"""Shards: a cohort cut without parsing it, each stretch read by a worker on its own and checked
into its own part of the reports, the parts joined by the parent in input order. Whatever the
format, the cut and the number of jobs, the reports are byte for byte those of one process."""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest
import yaml

from benchmarks.generate import profile, write
from eligibility import batch as batch_module
from eligibility.batch import (
    Settings,
    check_shard,
    numbered_shards,
    open_reports,
    run_batch,
)
from eligibility.errors import InputError
from eligibility.inputs import cohort as cohort_module
from eligibility.inputs.cohort import (
    count_shard,
    load_mapping,
    number_shards,
    read_items,
    read_shard,
)
from eligibility.report.sheets import statement
from tests.conftest import process_group

CHECKS = ("CPC-full", "CCS-exam", "CCA-exam", "CPC-renewal")


def _seen(item) -> tuple:
    """What a row is made of, to compare two readings (errors compare by their words)."""
    return (item.number, item.where, item.kind, item.payload, str(item.error or ""))


def _by_shards(path: Path, pieces: int, layout=None) -> list[tuple] | None:
    """The items of every shard in order, as the workers would read them; None when a CSV cut
    falls inside a record."""
    shards = read_items(path, layout).shards(pieces)
    assert shards is not None
    if any(shard.before is None for shard in shards):
        counts = [count_shard(shard) for shard in shards]
        if None in counts:
            return None
        shards = number_shards(shards, counts)
    return [_seen(item) for shard in shards for item in read_shard(shard)]


def _whole(path: Path, layout=None) -> list[tuple]:
    return [_seen(item) for item in read_items(path, layout)]


# --- reading a shard is reading that stretch of the whole ---------------------------------------

AWKWARD_LINES = [
    b'{"profile_version": 1, "candidate_id": "A1"}',
    b"",  # a blank line: no row, but counted
    b'{"profile_version": 1, "candidate_id": "A2", "candidate_id": "A2"}',  # a key twice
    b'{"profile_version": 1, "name": "caf\xe9"}',  # not UTF-8
    b"{not json",
    b"   ",
    b'{"profile_version": 1, "name": "' + b"x" * 300 + b'"}',  # longer than the limit below
    b'{"profile_version": 1, "candidate_id": "A3"}',
]


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r", b"mixed"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_json_lines_shards_read_the_same_items_as_one_reader(
    tmp_path, monkeypatch, ending, bom
) -> None:
    monkeypatch.setattr(cohort_module, "MAX_BYTES", 200)  # the long line is over the limit
    endings = [b"\n", b"\r\n", b"\r"] if ending == b"mixed" else [ending]
    text = bom + b"".join(
        line + endings[number % len(endings)] for number, line in enumerate(AWKWARD_LINES * 5)
    )
    path = tmp_path / "c.jsonl"
    path.write_bytes(text + b'{"profile_version": 1}')  # the last line has no ending
    whole = _whole(path)
    assert len(whole) == 5 * 6 + 1 and {row[4] != "" for row in whole} == {True, False}
    for pieces in (1, 2, 3, 7, 40, 1000):
        assert _by_shards(path, pieces) == whole, pieces
    shards = read_items(path).shards(40)
    if ending != b"\r":  # a file of lone CRs has no line feed to cut after
        assert len(shards) > 5


def test_csv_shards_read_the_same_items_and_rows_as_one_reader(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(cohort_module, "MAX_BYTES", 400)
    write(tmp_path / "g.csv", 60, seed=31, flat=True)
    lines = (tmp_path / "g.csv").read_bytes().splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    rows[3:3] = [b"\r\n", b",,,,\n"]  # blank rows: no student, so rows and lines part ways
    rows[9] = rows[9].replace(b",", b"\xff,", 1)  # not UTF-8
    rows[12] = b"S9," + b"y" * 500 + b"\n"  # over the line limit
    rows[15] = rows[15].rstrip(b"\r\n") + b",extra,cells\r"  # more cells than the header
    path = tmp_path / "c.csv"
    path.write_bytes(b"\xef\xbb\xbf" + header + b"".join(rows))
    whole = _whole(path)
    assert [row[0] for row in whole] == list(range(1, len(whole) + 1))
    assert whole[-1][1] == f"{path}:{len(rows) + 1}"  # numbered by record, placed by line
    for pieces in (1, 2, 5, 13, 100):
        assert _by_shards(path, pieces) == whole, pieces


def test_a_csv_cut_inside_a_quoted_cell_is_found_and_never_misread(tmp_path) -> None:
    """A cut after a line feed may fall inside a quoted cell that holds a line break (even when
    every line holds an even number of quote marks, as in 'a","'): the shard before it then
    ends inside a record, which it says, and the file is read whole instead."""
    write(tmp_path / "g.csv", 40, seed=32, flat=True)
    lines = (tmp_path / "g.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    for number in range(2, len(lines), 3):  # names that run over two lines
        cells = lines[number].split(",")
        cells[1] = f'"{cells[1]}\nof the ""second"" line"'
        lines[number] = ",".join(cells)
    lines.insert(20, 'S77,a",""\nb,c"\n')  # an even number of quote marks, still open
    path = tmp_path / "c.csv"
    path.write_text("".join(lines), encoding="utf-8")
    whole = _whole(path)
    results = [_by_shards(path, pieces) for pieces in range(2, 60)]
    assert None in results  # some cut fell inside a quoted cell, and was found
    assert all(result in (None, whole) for result in results)
    assert any(result == whole for result in results)  # and some cut fell between records


def test_a_folder_is_cut_into_groups_of_its_files(tmp_path) -> None:
    folder = tmp_path / "dir"
    write(folder, 23, seed=33, flat=True)
    whole = _whole(folder)
    for pieces in (1, 2, 5, 23, 50):
        assert _by_shards(folder, pieces) == whole


def test_a_yaml_stream_a_pipe_and_a_cohort_being_read_are_not_cut(tmp_path) -> None:
    (tmp_path / "c.yaml").write_text("--- {profile_version: 1}\n", encoding="utf-8")
    assert read_items(tmp_path / "c.yaml").shards(4) is None
    fifo = tmp_path / "f.jsonl"
    os.mkfifo(fifo)
    assert read_items(fifo).shards(4) is None
    write(tmp_path / "c.jsonl", 5, seed=1)
    started = read_items(tmp_path / "c.jsonl")
    next(started)
    assert started.shards(4) is None


# --- the reports: byte for byte those of one process ---------------------------------------------


def _cohorts(folder: Path) -> dict[str, tuple[Path, object]]:
    """The same kind of cohort in every format, with broken rows where the format allows."""
    folder.mkdir()
    write(folder / "c.jsonl", 150, seed=34, broken_rows=12)
    write(folder / "flat.csv", 150, seed=35, flat=True)
    text = (folder / "flat.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    text[30] = text[30].replace(",", ",not-a-date,", 1)  # a cell too many
    text[40] = text[40].replace(",", ',"a name, quoted",', 1)  # a quoted cell, a cell too many
    renamed = [text[0].replace("candidate_id", "StudentID").replace("name", "FullName")]
    (folder / "theirs.csv").write_text("".join(renamed + text[1:]), encoding="utf-8")
    text[7] = 'S1,unclosed,"quote\n'  # a quote that never closes, mid-file
    (folder / "flat.csv").write_text("".join(text), encoding="utf-8")
    (folder / "m.yaml").write_text(
        "columns:\n  candidate_id: StudentID\n  name: FullName\n", encoding="utf-8"
    )
    rng = random.Random(36)
    documents = [yaml.safe_dump(profile(rng, n), sort_keys=False) for n in range(1, 60)]
    documents[5] = "profile_version: 1\nwork_history: [\n"  # not valid YAML
    (folder / "c.yaml").write_text("".join("---\n" + d for d in documents), encoding="utf-8")
    (folder / "dir").mkdir()
    for number, document in enumerate(documents[:40], start=1):
        (folder / "dir" / f"{number:03d}.yaml").write_text(document, encoding="utf-8")
    return {
        "jsonl": (folder / "c.jsonl", None),
        "csv with mapping": (folder / "theirs.csv", load_mapping(folder / "m.yaml")),
        "flat csv": (folder / "flat.csv", None),
        "folder": (folder / "dir", None),
        "yaml stream": (folder / "c.yaml", None),
    }


@pytest.fixture(scope="module")
def cohorts(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    return _cohorts(tmp_path_factory.mktemp("shards") / "in")


def _reports(rulebook, source, layout, out: Path, jobs: int, report: str = "csv") -> tuple:
    out.mkdir(exist_ok=True)
    target = {f"{report}_out": out / f"r.{report}"}
    tally = run_batch(
        read_items(source, layout), rulebook, CHECKS, summary_out=out / "s.md", jobs=jobs, **target
    )
    assert sorted(p.name for p in out.iterdir()) == sorted([f"r.{report}", "s.md"])  # no part
    return (out / f"r.{report}").read_bytes(), (out / "s.md").read_bytes(), tally.rows


@pytest.mark.parametrize("kind", ["jsonl", "csv with mapping", "flat csv", "folder", "yaml stream"])
def test_every_format_gives_the_reports_of_one_process_whatever_the_cut(
    tmp_path, rulebook, cohorts, monkeypatch, kind
) -> None:
    source, layout = cohorts[kind]
    cut = []  # what the parent did: cut (and how), or read the cohort itself
    real = batch_module.numbered_shards

    def spy(*args):
        shards = real(*args)
        cut.append(None if shards is None else len(shards))
        return shards

    monkeypatch.setattr(batch_module, "numbered_shards", spy)
    monkeypatch.setattr(batch_module, "CHUNK", 16)  # chunks and shards cut anywhere
    one = _reports(rulebook, source, layout, tmp_path / "one", jobs=1)
    assert b",error," in one[0] and one[2] > 30
    for per_job in (1, 3, 11):
        monkeypatch.setattr(batch_module, "SHARDS_PER_JOB", per_job)
        assert _reports(rulebook, source, layout, tmp_path / f"two{per_job}", 2) == one
    if kind == "yaml stream":
        assert cut == [None] * 3  # read by the parent, checked by the workers in chunks
    elif kind == "flat csv":  # a quote open from line 8 to line 41: some cut fell inside
        assert None in cut
    else:
        assert cut[0] == 2 and 2 < cut[1] < cut[2]  # cut: shard by shard, the more the smaller


@pytest.mark.parametrize("kind", ["jsonl", "flat csv", "folder"])
def test_json_lines_reports_are_the_same_in_shards_too(
    tmp_path, rulebook, cohorts, monkeypatch, kind
) -> None:
    source, layout = cohorts[kind]
    monkeypatch.setattr(batch_module, "SHARDS_PER_JOB", 5)
    one = _reports(rulebook, source, layout, tmp_path / "one", 1, "jsonl")
    assert _reports(rulebook, source, layout, tmp_path / "two", 2, "jsonl") == one


def test_shards_checked_anywhere_and_joined_give_the_reports_of_one_process(
    tmp_path, rulebook, cohorts
) -> None:
    """check_shard is all a worker runs: its parts, returned as bytes or written to files,
    joined in shard order by open_reports, are the batch's reports."""
    source, layout = cohorts["csv with mapping"]
    one = _reports(rulebook, source, layout, tmp_path / "one", 1)
    settings = Settings(rulebook.directory, CHECKS, csv=True)

    def about(versions):  # what the long CSV's first row states, as the batch's does
        return statement(rulebook, None, {}, versions)

    def run(function, shards):
        return [function(shard) for shard in shards]

    for parts in (False, True):
        shards = numbered_shards(read_items(source, layout), 7, run)
        assert shards is not None and len(shards) == 7
        out = tmp_path / f"joined{parts}"
        out.mkdir()
        with open_reports(out / "r.csv", None, out / "s.md", about=about) as reports:
            results = [
                check_shard(
                    shard,
                    settings,
                    batch_module.PartFiles(csv=str(out / f"p{shard.index}")) if parts else None,
                )
                for shard in reversed(shards)  # checked in any order, joined in shard order
            ]
            for result in sorted(results, key=lambda result: result.index):
                assert isinstance(result.csv, str if parts else bytes)
                reports.add_shard(result)
        assert sorted(p.name for p in out.iterdir()) == ["r.csv", "s.md"]  # parts joined, gone
        assert ((out / "r.csv").read_bytes(), (out / "s.md").read_bytes()) == one[:2]


# --- nothing lost: a stop leaves no part behind ---------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_batch_stopped_while_workers_check_shards_leaves_no_part(tmp_path, sig) -> None:
    cohort, out = tmp_path / "c.jsonl", tmp_path / "o.csv"
    write(cohort, 3000, seed=37)
    command = [sys.executable, "-m", "eligibility", "batch", str(cohort), "--out", str(out)]
    with process_group([*command, "--jobs", "2"]) as process:
        deadline = time.monotonic() + 60
        while not any("_0.tmp" in p.name for p in tmp_path.iterdir()):  # a shard's part begun
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.005)
        os.killpg(process.pid, sig) if sig == signal.SIGINT else process.send_signal(sig)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + sig, stderr
    assert b"stopped: no report written" in stderr or sig == signal.SIGINT
    assert b"Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl"]


def test_a_worker_that_cannot_write_its_part_names_the_report(tmp_path, rulebook) -> None:
    cohort = tmp_path / "c.jsonl"
    write(cohort, 10, seed=38)
    (shard,) = read_items(cohort).shards(1)
    part = str(tmp_path / "missing" / ".o.csv.eligibility-1-ab_0.tmp")
    with pytest.raises(InputError) as raised:
        check_shard(shard, Settings(rulebook.directory, CHECKS), batch_module.PartFiles(part))
    assert raised.value.file == str(tmp_path / "missing" / "o.csv")
    assert "cannot write this file" in raised.value.problem


def test_a_json_lines_shard_numbers_its_rows_by_line(tmp_path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        "".join(
            json.dumps({"profile_version": 1, "candidate_id": f"S{n}"}) + "\n\n" for n in range(9)
        ),
        encoding="utf-8",
    )
    shards = read_items(path).shards(3)
    assert [shard.lines for shard in shards] == [0, 6, 12]
    assert [item.number for item in read_shard(shards[1])] == [7, 9, 11]
