"""The director's summary (eligibility/report/summary.py): checks answered alike for every
student share one line, low-confidence rules come last and marked, near misses are grouped by what
they lack and name their students, error rows are grouped by cause, the calendar of who becomes
eligible when; the same grouping in Markdown and in the HTML page.

Expectations are worked out from the engine, student by student, never from today's rule files.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from benchmarks.generate import write
from eligibility.api import resolve_as_of
from eligibility.batch import CHUNK, run_batch
from eligibility.engine.plan import assess, make_plan
from eligibility.engine.results import NOT_APPLICABLE, NOT_MET, UNKNOWN
from eligibility.inputs.cohort import read_cohort, read_items
from eligibility.report.summary import VERSIONS_NOTE, Tally
from eligibility.report.words import check_titles, version_words
from eligibility.rulebook.rules import load_rulebook
from tests.conftest import RULES, split_titles

LOW = ("L", "UNCONFIRMED")


def _answers(cohort: Path, book, selectors=()) -> list[tuple[str, dict]]:
    """Each student's name and outcomes per check label, as the batch answers them."""
    out = []
    for row in read_cohort(cohort):
        if row.profile is None:
            continue
        plan = make_plan(book, resolve_as_of(row.profile, None), selectors)
        answers = assess(plan, book, row.profile.data, {})
        name = row.profile.data.get("name") or row.profile.data.get("candidate_id")
        out.append((name, dict(zip(plan.labels, answers.outcomes, strict=True))))
    return out


def _kinds(book) -> dict[str, tuple[str, bool]]:
    """Each check label's body and whether its rules are of low confidence."""
    plan = make_plan(book, date(2026, 11, 22))
    out = {}
    for label, place in zip(plan.labels, plan.wanted, strict=True):
        version = plan.checks[place].version
        out[label] = (version.body, version.confidence in LOW) if version else ("", False)
    return out


def _names(row: str) -> set[str]:
    """The check labels of a table row's first cell: its titles mapped back to the checks
    through the rule book."""
    first = row.split("|")[1].replace("(low confidence)", "")
    first = re.sub(r"\(\d+ checks answered alike\)", "", first)
    book = load_rulebook(str(RULES))
    titled = {title: label for label, title in check_titles(book, book.all_check_ids()).items()}
    return {titled[name] for name in split_titles(first.strip())}


def _signature(outcome) -> tuple:
    return (outcome.status, tuple(leaf.node.text for leaf in outcome.lacking))


def _summary(tmp_path: Path, cohort: Path, book, name: str = "s.md", **options) -> str:
    target = tmp_path / name
    run_batch(read_items(cohort), book, summary_out=target, **options)
    return target.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("summary") / "c.jsonl"
    write(path, 40, seed=41)
    return path


def _table_rows(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("| Check"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("| "):
            break
        rows.append(line)
    return rows


def test_checks_answered_alike_for_every_student_share_one_line(tmp_path, cohort, rulebook):
    answers = _answers(cohort, rulebook)
    labels, kinds = list(answers[0][1]), _kinds(rulebook)
    classes: dict[tuple, list[str]] = defaultdict(list)
    for label in labels:  # alike for every student, of one body and confidence
        key = (kinds[label], *(_signature(outcomes[label]) for _, outcomes in answers))
        if all(outcomes[label].status == NOT_APPLICABLE for _, outcomes in answers):
            continue  # applying to no student: listed apart
        classes[key].append(label)
    alike = [members for members in classes.values() if len(members) > 1]
    assert alike, "the generated cohort should have checks answered alike"
    rows = _table_rows(_summary(tmp_path, cohort, rulebook))
    assert sorted(sorted(_names(row)) for row in rows) == sorted(
        sorted(m) for m in classes.values()
    )


def test_low_confidence_rules_come_last_and_are_marked(tmp_path, cohort, rulebook):
    plan = make_plan(rulebook, date(2026, 11, 22))
    low = {
        label
        for label, place in zip(plan.labels, plan.wanted, strict=True)
        if plan.checks[place].version and plan.checks[place].version.confidence in LOW
    }
    assert low, "the rule book should have a low-confidence rule to place"
    rows = _table_rows(_summary(tmp_path, cohort, rulebook))
    marked = [k for k, row in enumerate(rows) if "low confidence" in row]
    assert marked and marked == list(range(len(rows) - len(marked), len(rows)))
    for row in rows:
        assert ("low confidence" in row) == bool(_names(row) & low), row


def test_near_misses_are_grouped_by_what_they_lack_and_name_their_students(
    tmp_path, cohort, rulebook
):
    groups: dict[str, set[str]] = defaultdict(set)
    for name, outcomes in _answers(cohort, rulebook):
        for outcome in outcomes.values():
            miss = outcome.near_miss if outcome.status == NOT_MET else None
            if miss is not None:
                groups[miss.node.text].add(name)
    assert groups
    text = _summary(tmp_path, cohort, rulebook)
    section = text.split("## Near misses", 1)[1].split("\n## ", 1)[0]
    for lacking, names in groups.items():
        assert section.count(f"Lack only: {lacking}") == 1, lacking  # one heading per lack
        part = section.split(f"Lack only: {lacking}", 1)[1].split("### ", 1)[0]
        shown = sorted(names)[:3]
        assert all(name in part for name in shown if len(names) <= 50), (lacking, shown)


def test_error_rows_are_grouped_by_cause(tmp_path, rulebook):
    cohort = tmp_path / "broken.jsonl"
    good = tmp_path / "good.jsonl"
    write(good, 3, seed=5)
    lines = good.read_text(encoding="utf-8").splitlines()
    bad = [json.dumps({"profile_version": 1, "candidate_id": f"B{k}", "favourite_colour": "x"})
           for k in range(30)]  # fmt: skip
    cohort.write_text("\n".join(lines + bad) + "\n", encoding="utf-8")
    text = _summary(tmp_path, cohort, rulebook)
    section = text.split("## Rows not checked", 1)[1].split("\n## ", 1)[0]
    bullets = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(bullets) == 1, bullets  # one cause, one line
    assert "30 rows" in bullets[0] and "favourite_colour" in bullets[0]


def test_calendar_names_who_becomes_eligible_in_which_month():
    from types import SimpleNamespace

    from eligibility.report.summary import Tally, summary_markdown

    tally = Tally()
    dated = SimpleNamespace(readings=())
    later = SimpleNamespace(
        status=NOT_MET, near_miss=None, eligible_by=date(2027, 3, 9), eligible=dated, lacking=()
    )
    tally.note(["CPC-exam", "COC-exam"], [later, later], "Ana Torres", date(2026, 11, 22))
    tally.note(["CPC-exam"], [later], "Brian Okafor", date(2026, 11, 22))
    # an unknown answer met by its date whichever way what is unknown turns out, as the long
    # CSV's eligible_by gives it (a coordinator's audit: the calendar left her out)
    unsure = SimpleNamespace(status=UNKNOWN, near_miss=None, eligible_by=date(2027, 4, 2))
    tally.note(["CPC-exam"], [unsure], "Carla Nguyen", date(2026, 11, 22))
    text = summary_markdown(tally)
    calendar = text.split("## Calendar", 1)[1]
    assert "2027-03" in calendar and "Ana Torres" in calendar and "Brian Okafor" in calendar
    assert "2027-04" in calendar and "Carla Nguyen" in calendar
    # what each date holds on is said (a coordinator's audit: the dates assume the job goes on)
    assert "keeps working in the current coding job" in calendar
    assert "(default reading)" not in calendar


def test_a_calendar_date_an_open_question_moves_is_marked():
    """A part-time student's date is the default reading's (calendar time): another reading
    moves it, so the calendar marks the name and says what the mark means (program audit H2)."""
    from types import SimpleNamespace

    from eligibility.engine.results import ReadingDay
    from eligibility.report.summary import Tally, summary_markdown

    tally = Tally()
    moved = SimpleNamespace(readings=(ReadingDay("part_time_counting", "fte40", None),))
    later = SimpleNamespace(
        status=NOT_MET, near_miss=None, eligible_by=date(2027, 3, 9), eligible=moved, lacking=()
    )
    tally.note(["CPC-full"], [later], "Lukasz Nowak", date(2026, 11, 22))
    calendar = summary_markdown(tally).split("## Calendar", 1)[1]
    assert "Lukasz Nowak (default reading)" in calendar
    assert 'A name marked "(default reading)" has a date that rests on' in calendar


def test_an_html_summary_is_one_page_with_a_chart_and_no_network(tmp_path, cohort, rulebook):
    pytest.importorskip("pygal")
    text = _summary(tmp_path, cohort, rulebook, "report.html")
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert "<svg" in text and "<table" in text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # nothing fetched when viewed
    assert "<script" not in text  # nothing runs either
    ids = re.findall(r'\sid="([^"]+)"', text)
    assert len(text.split("<svg")) > 2 and len(ids) == len(set(ids))  # a chart a body, ids apart


def test_an_html_summary_without_the_extra_says_how_to_install_it(tmp_path, cohort, monkeypatch):
    from click.testing import CliRunner

    from eligibility.cli import main

    monkeypatch.setitem(__import__("sys").modules, "pygal", None)  # as if not installed
    out, page = tmp_path / "o.csv", tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["batch", str(cohort), "--out", str(out), "--summary", str(page)]
    )
    assert result.exit_code == 2
    assert "pip install 'eligibility[report]'" in result.output
    assert not out.exists() and not page.exists()  # said before any row is checked


def test_names_are_capped_and_merged_across_parts():
    from eligibility.report.summary import NAMES, Tally

    parts = []
    for start in (0, NAMES):
        part = Tally()
        for k in range(start, start + NAMES):
            part.causes["bad"].add(f"row {k}")
        parts.append(part)
    whole = Tally()
    for part in parts:
        whole.add(part)
    assert whole.causes["bad"].count == 2 * NAMES
    assert whole.causes["bad"].first == [f"row {k}" for k in range(NAMES)]
    assert whole.causes["bad"].text().endswith(f"and {NAMES} more")


def test_the_same_cohort_gives_the_same_html_page(tmp_path, cohort, rulebook):
    pytest.importorskip("pygal")
    first = _summary(tmp_path, cohort, rulebook, "one.html")
    assert _summary(tmp_path, cohort, rulebook, "two.html") == first


def test_checks_answered_alike_say_what_they_ask_once() -> None:
    """The summary's first line named 27 exams as "CPC: sitting the exam; COC: sitting the exam;
    ..." (1,000 characters); what they ask is now said once, after the credentials."""
    from eligibility.report.summary import titles_in_words

    titles = [
        "CPC: sitting the exam",
        "COC: sitting the exam",
        "CPC: removing the apprentice designation",
    ]
    said = titles_in_words(titles)
    assert said == "CPC and COC: sitting the exam; CPC: removing the apprentice designation"
    assert split_titles(said) == titles
    assert titles_in_words(["CIC: sitting the exam"]) == "CIC: sitting the exam"
    three = ["CPC: sitting the exam", "COC: sitting the exam", "CRC: sitting the exam"]
    assert titles_in_words(three) == "CPC, COC and CRC: sitting the exam"


def test_bytes_and_columns_of_one_cause_group_together() -> None:
    """Rows not UTF-8 at different bytes and columns are one cause (the summary split one export's
    nine ways)."""
    from eligibility.report.summary import _cause

    one = "not UTF-8 text (byte 0xE9 at column 12) (fix: save the export as UTF-8)"
    other = "not UTF-8 text (byte 0xFA at column 16) (fix: save the export as UTF-8)"
    assert _cause(one) == _cause(other)


def test_ready_now_leaves_out_what_passing_an_exam_would_give(tmp_path, cohort, rulebook):
    """ "Ready now: CIC: the full credential on passing the exam — 500 students" topped the list
    while 186 could sit the CIC exam: a designation's answer is counted in the table only."""
    text = _summary(tmp_path, cohort, rulebook)
    ready = text.split("## Ready now", 1)[1].split("\n## ", 1)[0]
    plan = make_plan(rulebook, date(2026, 11, 22))
    places = zip(plan.labels, plan.wanted, strict=True)
    kinds = {label: plan.checks[place].check.kind for label, place in places}
    titles = check_titles(rulebook, [label for label in kinds if kinds[label] == "designation"])
    assert any(title in text for title in titles.values())  # in the table
    assert not any(title in ready for title in titles.values())
    assert "exam" in ready  # the exams met are still there


def test_a_rows_line_is_named_where_it_is_not_its_number() -> None:
    """ "row 12 (Total: 11 students)" named the record, while the export's line was 13: a
    coordinator looking in a spreadsheet needs the line."""
    tally = Tally()
    tally.error(12, "export.csv:13", "the id is empty", "the id is empty", "Ann Lee")
    tally.error(3, "cohort.jsonl:3", "not JSON", "not JSON", "")
    names = [names.first[0] for names in tally.causes.values()]
    assert names == ["row 12, line 13 (Ann Lee)", "row 3"]


def _two_versions_of_ccs(tmp_path: Path, dates: list[str]) -> tuple[Path, Path]:
    """A copy of the rules whose CCS legacy version (before 2015-10) is of low confidence, and
    a cohort of a student per date given."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    ccs = rules / "ahima" / "ccs.yaml"
    text = ccs.read_text(encoding="utf-8")
    legacy = text.index("  - id: CCS-LEG\n")
    low = text[legacy:].replace("\n    confidence: M\n", "\n    confidence: L\n", 1)
    ccs.write_text(text[:legacy] + low, encoding="utf-8")
    cohort = tmp_path / "c.jsonl"
    cohort.write_text(
        "".join(
            json.dumps({"profile_version": 2, "candidate_id": f"S-{k}", "as_of": day}) + "\n"
            for k, day in enumerate(dates)
        ),
        encoding="utf-8",
    )
    return rules, cohort


def _as_read(page: str, form: str) -> str:
    """The summary's text as a reader sees it (an HTML page without its markup)."""
    if form == ".md":
        return page
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("form", [".md", ".html"])
def test_the_summary_names_every_rule_version_students_were_judged_under(
    tmp_path, form, jobs
) -> None:
    """Only the first student's rule version of a check was named, and its confidence used:
    students evaluated after CCS's current rules began (2015-10) and before are judged under
    different versions, and a later student's low-confidence rules went unmarked. The cohort
    spans two chunks, as parts merged."""
    if form == ".html":
        pytest.importorskip("pygal")
    rules, cohort = _two_versions_of_ccs(tmp_path, ["2020-06-01"] * CHUNK + ["2014-06-01"])
    book = load_rulebook(str(rules))
    target = tmp_path / f"s{form}"
    run_batch(read_items(cohort), book, ["CCS-exam"], summary_out=target, jobs=jobs)
    page = target.read_text(encoding="utf-8")
    text = _as_read(page, form)
    versions = [v for v in book.credential_of("CCS-exam").versions if v.check("CCS-exam")]
    legacy = next(version_words(v) for v in versions if v.confidence == "L")
    current = next(version_words(v) for v in versions if v.in_force(date(2020, 6, 1)))
    title = check_titles(book, ["CCS-exam"])["CCS-exam"]
    if form == ".md":
        assert f"| {title} (low confidence) |" in page
    else:
        assert re.search(rf'<th scope="row">{re.escape(title)} <span class="low">', page)
    # each version named, with its confidence: in what the answers rest on, and by check
    about = text.split("About this summary", 1)[1]
    assert f"{legacy} (low confidence)" in about
    assert current in about and f"{current} (low confidence)" not in about
    by_check = text.split(VERSIONS_NOTE, 1)[1].split("Near misses", 1)[0]
    assert title in by_check and f"{legacy} (low confidence)" in by_check
    assert current in by_check and f"{current} (low confidence)" not in by_check


def test_a_cohort_on_one_date_names_one_rule_version_per_check(tmp_path, rulebook) -> None:
    rules, cohort = _two_versions_of_ccs(tmp_path, ["2020-06-01", "2021-03-01"])
    book = load_rulebook(str(rules))
    text = _summary(tmp_path, cohort, book, selectors=["CCS-exam"])
    assert VERSIONS_NOTE not in text and "(low confidence)" not in text
    rules_said = text.split("- Rules: ", 1)[1].splitlines()[0]
    assert rules_said.startswith("AHIMA rules version ")  # one version: one line


def test_answers_a_default_reading_gives_are_flagged_for_review_with_names(tmp_path, rulebook):
    """C01's CPC-P is full by default (no apprentice designation, unconfirmed) and C06's -A
    removal met by calendar time for her 16-hour weeks: answers another reading would change,
    counted as met in the table, so the summary names who a person must look at, by question,
    in Markdown and HTML alike (the long CSV's review column alone said it before)."""
    from tests.conftest import PROFILES

    cohort = tmp_path / "two"
    cohort.mkdir()
    for name in ("c01-ana-torres", "c06-elena-petrova"):
        shutil.copy(PROFILES / f"{name}.yaml", cohort)
    text = _summary(tmp_path, cohort, rulebook)
    flagged = text.split("## Flagged for a person to review", 1)[1].split("\n## ", 1)[0]
    assert "### Rests on whether the CPC-P has an apprentice designation" in flagged
    assert "- CPC-P: the full credential on passing the exam — 1 student: Ana Torres" in flagged
    part_time = flagged.split("### Rests on how part-time coding work counts", 1)[1]
    assert "CPC: removing the apprentice designation" in part_time.split("\n\n")[1]
    assert part_time.split("\n\n")[1].endswith("— 1 student: Elena Petrova")
    pytest.importorskip("pygal")  # the page says the same
    page = html.unescape(_summary(tmp_path, cohort, rulebook, "s.html"))
    section = page.split('id="reviews"', 1)[1].split("</section>", 1)[0]
    assert "Rests on whether the CPC-P has an apprentice designation" in section
    assert "Ana Torres" in section and "Elena Petrova" in section
