"""The batch outputs people open in a spreadsheet or print (docs/batch.md, "Outputs"): a lean
long CSV, a BOM for Excel, the wide CSV, the XLSX workbook and the per-student letters."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.generate import write
from eligibility.cli import main

CHECKS = ("CPC-full", "CCS-exam", "CCA-exam", "CPC-A-removal")
NASTY = '=HYPERLINK("http://evil.example","click")'


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _batch(*arguments: str) -> object:
    return CliRunner().invoke(main, ["batch", *arguments], catch_exceptions=False)


def _cohort(tmp_path: Path, count: int = 40, seed: int = 5) -> Path:
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, count, seed=seed)
    return cohort


def _with_names(cohort: Path, names: dict[int, str]) -> Path:
    """The cohort with the students at those (0-based) places renamed."""
    lines = cohort.read_text(encoding="utf-8").splitlines()
    for place, name in names.items():
        data = json.loads(lines[place])
        data["name"] = name
        lines[place] = json.dumps(data)
    cohort.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cohort


def _certs() -> list[str]:
    return [argument for check in CHECKS for argument in ("--cert", check)]


def test_long_csv_lists_only_what_decides_the_answer(tmp_path) -> None:
    out = tmp_path / "report.csv"
    _batch(str(_cohort(tmp_path)), "--out", str(out), "--summary", str(tmp_path / "s.md"))
    rows = _rows(out)
    assert {"closest", "next_step", "eligible_by"} <= set(rows[0])
    met = [r for r in rows if r["status"] == "met"]
    assert met and all(not (r["failed"] or r["unknown"] or r["ambiguous"]) for r in met)
    not_met = [r for r in rows if r["status"] == "not_met"]
    assert not_met and all(r["next_step"] for r in not_met)
    # words for people: no condition ids in the next step
    ids = {i for r in rows for i in r["failed"].split(";") if i}
    assert not any(i in r["next_step"].split() for r in not_met for i in ids)


def test_excel_gets_a_bom(tmp_path) -> None:
    out = tmp_path / "report.csv"
    cohort = _with_names(_cohort(tmp_path, 5), {0: "José Núñez"})
    _batch(str(cohort), "--out", str(out), "--summary", str(tmp_path / "s.md"), "--excel")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "José Núñez" in data.decode("utf-8-sig")


def test_wide_csv_has_one_row_per_student(tmp_path) -> None:
    out, wide = tmp_path / "report.csv", tmp_path / "wide.csv"
    result = _batch(
        str(_cohort(tmp_path, 12)), "--out", str(out), "--summary", str(tmp_path / "s.md"),
        *_certs(), "--wide", str(wide),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = _rows(wide)
    assert len(rows) == 12
    assert all(f"{check} status" in rows[0] for check in CHECKS)


def test_a_name_that_is_a_formula_stays_text_everywhere(tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out, wide, book = tmp_path / "report.csv", tmp_path / "wide.csv", tmp_path / "r.xlsx"
    cohort = _with_names(_cohort(tmp_path, 6), {2: NASTY})
    result = _batch(
        str(cohort), "--out", str(out), "--summary", str(tmp_path / "s.md"), *_certs(),
        "--wide", str(wide), "--xlsx", str(book),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for path in (out, wide):
        names = {r["name"] for r in _rows(path)}
        assert "'" + NASTY in names and NASTY not in names
    workbook = openpyxl.load_workbook(book)
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row if c.value]
    nasty = [c for c in cells if NASTY in str(c.value)]
    assert nasty and all(c.data_type == "s" and c.value == "'" + NASTY for c in nasty)
    assert not any(c.data_type == "f" for c in cells)


@pytest.mark.parametrize(
    "name",
    ["../../escaped", "/etc/passwd", "CON", "a\x00b\x1fc", "x" * 400, "..", "a\\b\\..\\c"],
)
def test_letter_file_names_are_safe(tmp_path, name) -> None:
    letters = tmp_path / "letters"
    cohort = _with_names(_cohort(tmp_path, 3), {0: name, 1: name})  # a duplicate too
    result = _batch(
        str(cohort), "--out", str(tmp_path / "r.csv"), "--summary", str(tmp_path / "s.md"),
        *_certs(), "--letters", str(letters),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    pages = [p for p in written if p.suffix == ".html"]
    assert len(pages) == 3  # one per student, the two of the same name apart
    for page in pages:
        assert page.parent == letters
        assert len(page.name.encode("utf-8")) <= 120
        assert page.stem.split("-")[-1].upper() not in ("CON", "PRN", "AUX", "NUL")
        assert all(ord(ch) >= 32 and ch not in '<>:"/\\|?*' for ch in page.name)
    assert not (tmp_path.parent / "escaped").exists()
