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
from eligibility.report.letters import WHATEVER
from eligibility.report.sheets import STATUS_WORDS
from eligibility.report.summary import titles_in_words
from eligibility.report.words import check_titles, pathway_title
from tests.acceptance.test_report_agreement import parse
from tests.acceptance.test_sheets import ID_PIECES
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


def test_each_letter_agrees_with_the_long_csv_and_leaves_no_row_blank(letters, rulebook) -> None:
    """Checks and pathways are named in words: each title is mapped back to its check, and
    each pathway's title to the long CSV's short name for it, through the rule book."""
    folder, rows = letters
    pages = sorted(folder.iterdir())
    assert len(pages) == len(rows)
    words = {word: status for status, word in STATUS_WORDS.items()}
    checks = {r["check"] for student in rows.values() for r in student}
    titles = check_titles(rulebook, checks)
    titled = {title: check for check, title in titles.items()}
    assert len(titled) == len(checks)
    seen_ambiguous: list[str] = []
    seen_flagged = 0
    for page in pages:
        number = str(int(page.name.split("-")[0]))
        root = parse(page.read_text(encoding="utf-8"))
        shown, lows = {}, []
        # what is needed, then rules of low confidence, each table under its heading
        elements = root.first("body").elements()
        tables = {}
        for k, element in enumerate(elements):
            if element.tag == "h2" and element.text() != "Met":
                table = next(e for e in elements[k + 1 :] if e.tag == "table")
                tables[element.text()] = table.first("tbody").all("tr")
        assert set(tables) <= {"What is still needed", "On rules of low confidence"}, page.name
        for heading, tr in ((h, tr) for h, trs in tables.items() for tr in trs):
            cells = [cell.text().strip() for cell in tr.elements()]
            title, answer, closest, missing, step, by = cells
            missing = _without_flag(tr.elements()[3], missing)
            by = by.removesuffix(" " + WHATEVER)  # an unknown answer's date holds either way
            # answers that read alike share a row, its title naming each of their checks
            ids = tr.attrs["data-checks"].split()
            low = title.endswith(" (low confidence)")
            title = title.removesuffix(" (low confidence)")
            assert title == titles_in_words([titles[c] for c in ids]), page.name
            # rules of low confidence marked, and placed after every other row
            version = next(
                v
                for v in rulebook.credential_of(ids[0]).versions
                if f"{v.id} {v.version}"
                == {r["check"]: r for r in rows[number]}[ids[0]]["rule_version"]
            )
            assert low == (version.confidence in ("L", "UNCONFIRMED")), (page.name, title)
            assert not (any(lows) and not low), page.name
            # and in a table of their own, not counted among what is still needed
            assert low == (heading == "On rules of low confidence"), page.name
            lows.append(low)
            answer, _, standing = answer.partition(" (standing: ")
            standing = standing.removesuffix(")")
            for check in ids:
                shown[check] = (words[answer], standing, closest, step, by)
            assert missing or step, (page.name, title)  # never a blank row
            if words[answer] == "ambiguous":  # the question to settle, said once
                assert "the open question" in step, (page.name, title)
                assert "the next step names the question" in missing, (page.name, title)
                seen_ambiguous.append(page.name)
        mine = {r["check"]: r for r in rows[number]}
        assert set(shown) == {c for c, r in mine.items() if r["status"] != "met"}, page.name
        for check, (status, standing, closest, step, by) in shown.items():
            row = mine[check]
            pathway = pathway_title(rulebook, check, row["rule_version"], row["closest"])
            assert (status, closest, by) == (row["status"], pathway, row["eligible_by"])
            assert standing == row["standing"], (page.name, check)  # revoked, at risk: said
            assert not row["closest"] or closest.startswith(row["closest"] + ":"), closest
            assert step == row["next_step"] or not row["next_step"], (page.name, check)
        body = root.first("body").elements()
        after = [body[k + 1] for k, e in enumerate(body) if e.tag == "h2" and e.text() == "Met"]
        met = [c for c, r in mine.items() if r["status"] == "met"]
        listed = []
        for li in after[0].all("li") if after else []:
            # an answer flagged for review says what it rests on, as the long CSV's review
            ids = li.attrs["data-checks"].split()
            text = _without_flag(li, li.text())
            flagged = {bool(mine[c]["review"]) for c in ids}
            assert flagged == {text != li.text()}, (page.name, ids)
            seen_flagged += flagged == {True}
            # a met answer of low-confidence rules is marked as such (a coordinator's audit)
            low = text.endswith(" (low confidence)")
            # checks that ask the same said once ("CPC, COC ... and CUC: sitting the exam")
            assert text.removesuffix(" (low confidence)") == titles_in_words(
                [titles[c] for c in ids]
            ), page.name
            assert len({titles[c].partition(": ")[2] for c in ids}) == 1, page.name
            for check in ids:
                version = next(
                    v
                    for v in rulebook.credential_of(check).versions
                    if f"{v.id} {v.version}" == mine[check]["rule_version"]
                )
                assert low == (version.confidence in ("L", "UNCONFIRMED")), (page.name, check)
            listed += ids
        assert sorted(listed) == sorted(met), page.name
        verdict = root.first("strong").text()
        assert verdict.startswith(f"{len(met)} check") or not met, (page.name, verdict)
        # what the export left unsaid and was assumed is on the student's page too
        assumed = {r["assumed"] for r in rows[number] if r["assumed"]}
        said = [li.text() for ul in root.all("ul", "assumed") for li in ul.all("li")]
        assert said == sorted(assumed), page.name
        verdict = root.first("strong").text()
        needed = sum(not low for low in lows)
        assert (f"{needed} thing" in verdict) == bool(needed), (page.name, verdict)
        if any(lows):  # and what they rest on, said once under the table
            caution = root.first("p", "caution").text() + root.first("ul", "caution").text()
            assert "ask the certifying body before you pay" in caution, page.name
            assert "PAHCS still certifies coders is UNCONFIRMED" in caution, page.name
        visible = root.first("body").text()
        assert not ID_PIECES.search(visible), (page.name, ID_PIECES.search(visible))
        about = root.first("div", "about").text()
        assert not any(p in about for p in rulebook.policies), page.name  # policies in words
        assert all(p.question in about for p in rulebook.policies.values()), page.name
    assert seen_ambiguous  # the example has answers that depend on an open question
    assert seen_flagged  # and answers a default reading gives, flagged for review


def _without_flag(element, text: str) -> str:
    """A cell's or item's text without the sentence saying what a flagged answer rests on."""
    flag = element.first("em", "review")
    if flag is None:
        return text
    said = flag.text()
    sentence = said.removeprefix("(").removesuffix(")")  # in brackets after a met check's title
    assert sentence.startswith("This rests on ") and sentence.endswith("a person check it.")
    return text.removesuffix(said).rstrip()


def test_a_letter_date_the_export_leaves_out_is_said_on_the_students_page(tmp_path) -> None:
    """A student whose letter the export gives no date for is answered as if it were dated on
    the evaluation date: her page says so, not only the long CSV, since a real letter dated
    earlier may vouch for less."""
    pytest.importorskip("jinja2")
    pytest.importorskip("pathvalidate")
    lines = (EXAMPLES / "sis-export.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    at, on_file = header.index("Letter Date"), header.index("Employer Letter (Y/N)")
    undated = []
    for k, line in enumerate(lines[1:], start=1):
        cells = line.split(";")
        if cells[on_file].upper() == "Y" and cells[at] and len(undated) < 3:
            cells[at] = ""
            lines[k] = ";".join(cells)
            undated.append(str(k))
    assert len(undated) == 3
    source = tmp_path / "export.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["batch", str(source), "--mapping", str(EXAMPLES / "sis-mapping.yaml"),
         "--out", str(tmp_path / "report.csv"), "--letters", str(tmp_path / "letters")],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    for page in sorted((tmp_path / "letters").iterdir()):
        root = parse(page.read_text(encoding="utf-8"))
        said = " ".join(li.text() for ul in root.all("ul", "assumed") for li in ul.all("li"))
        if str(int(page.name.split("-")[0])) in undated:
            assert "the letter on file is taken to be dated" in said, page.name
        else:  # nothing else assumed of a letter (a holder's membership may be: flat-csv.yaml)
            assert "the letter on file" not in said, page.name


def test_a_second_run_leaves_only_its_own_letters(tmp_path) -> None:
    """A student who left, or moved rows, keeps no page of an earlier run beside the new ones;
    files the batch did not name as pages are left alone."""
    pytest.importorskip("jinja2")
    pytest.importorskip("pathvalidate")
    lines = (EXAMPLES / "sis-export.csv").read_text(encoding="utf-8-sig").splitlines()
    folder = tmp_path / "letters"

    def run(rows: list[str]) -> set[str]:
        export = tmp_path / "export.csv"
        export.write_text("\n".join(rows) + "\n", encoding="utf-8")
        result = CliRunner().invoke(
            main,
            ["batch", str(export), "--mapping", str(EXAMPLES / "sis-mapping.yaml"),
             "--out", str(tmp_path / "report.csv"), "--letters", str(folder)],
        )  # fmt: skip
        assert result.exit_code in (0, 1), result.output
        return {path.name for path in folder.iterdir()}

    first = run(lines[:4])  # the header and three students
    (folder / "notes.txt").write_text("the program's own notes", encoding="utf-8")
    (folder / "index.html").write_text("<p>the program's own page</p>", encoding="utf-8")
    (folder / "202611-summary.html").write_text("<p>named like a page</p>", encoding="utf-8")
    second = run([lines[0], *lines[2:4]])  # the first student has left: the others move up
    assert len([n for n in first if n.endswith(".html")]) == 3
    own = {"notes.txt", "index.html", "202611-summary.html"}
    assert own <= second
    assert len(second) == 2 + len(own)  # two letters, and the program's files
    assert not first & (second - own)  # every page is this run's
