"""The per-student pages (``batch --letters DIR``) read as a student would read them, on the
shipped SIS example: each page's table agrees with the long CSV's rows of that student (every
check not met, its answer, what is missing, the next step, the date; the met ones listed), and
no row of it is left blank: an answer that depends on an open question, or on what the record
does not say, says so in a sentence."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest
from click.testing import CliRunner

from eligibility.cli import main
from eligibility.report.sheets import STATUS_WORDS
from tests.acceptance.test_report_agreement import parse
from tests.conftest import ROOT

EXAMPLES = ROOT / "docs" / "examples"


@pytest.fixture(scope="module")
def letters(tmp_path_factory):
    pytest.importorskip("jinja2")
    pytest.importorskip("pathvalidate")
    folder = tmp_path_factory.mktemp("letters")
    result = CliRunner().invoke(
        main,
        ["batch", str(EXAMPLES / "sis-export.csv"), "--mapping", str(EXAMPLES / "sis-mapping.yaml"),
         "--out", str(folder / "report.csv"), "--letters", str(folder / "letters"), "--excel"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    with (folder / "report.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = defaultdict(list)
        for row in csv.DictReader(handle):
            rows[row["row"]].append(row)
    return folder / "letters", rows


def test_each_letter_agrees_with_the_long_csv_and_leaves_no_row_blank(letters) -> None:
    folder, rows = letters
    pages = sorted(folder.iterdir())
    assert len(pages) == len(rows)
    words = {word: status for status, word in STATUS_WORDS.items()}
    for page in pages:
        number = str(int(page.name.split("-")[0]))
        root = parse(page.read_text(encoding="utf-8"))
        shown = {}
        for tr in root.first("tbody").all("tr") if root.first("tbody") else []:
            cells = [cell.text().strip() for cell in tr.elements()]
            check, answer, closest, missing, step, by = cells
            shown[check] = (words[answer], closest, step, by)
            assert missing or step, (page.name, check)  # never a blank row
        mine = {r["check"]: r for r in rows[number]}
        assert set(shown) == {c for c, r in mine.items() if r["status"] != "met"}, page.name
        for check, (status, closest, step, by) in shown.items():
            row = mine[check]
            assert (status, closest, by) == (row["status"], row["closest"], row["eligible_by"])
            assert step == row["next_step"] or not row["next_step"], (page.name, check)
        body = root.first("body").elements()
        after = [body[k + 1] for k, e in enumerate(body) if e.tag == "h2" and e.text() == "Met"]
        met = [c for c, r in mine.items() if r["status"] == "met"]
        assert (after[0].text().split(", ") if after else []) == met, page.name
