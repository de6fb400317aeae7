"""The director's report speaks in words, not ids (docs/reports.md, "Checks in words"): checks
by their title, made from the rule book (the credential and what the check asks), sheet names
in words, rule versions and policies as sentences, and a closing line with its plurals right.
The ids stay in the long CSV's ``check`` column and in the HTML page's folded list for
``--cert``; everywhere else a person reads, none may appear."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from benchmarks.generate import write
from eligibility.batch import closing_line, run_batch
from eligibility.inputs.cohort import read_items
from eligibility.inputs.questions import sections
from eligibility.report.answerwords import in_words
from eligibility.report.explain import steps_text
from eligibility.report.provenance import policy_lines
from eligibility.report.sheets import Student
from eligibility.report.summary import Tally
from eligibility.report.words import (
    check_short,
    check_title,
    check_titles,
    pathway_title,
    review_words,
)
from eligibility.report.workbook import MAX_TITLE, sheet_title

# what gives a check or pathway id away: CPC-A-removal, CCA-recert, option-2, CPC-exam@...
ID_PIECES = re.compile(r"\w-(exam|full|removal|renewal|recert)\b|option-\d|@[A-Z]")


def test_every_check_has_a_title_in_words_of_its_credential(rulebook) -> None:
    ids = rulebook.all_check_ids()
    titles = check_titles(rulebook, ids)
    assert len(set(titles.values())) == len(ids)  # a title names one check
    for check, title in titles.items():
        credential = rulebook.credential_of(check)
        # by what text calls it where its id is only a placeholder (PAHCS's specialties)
        called = next((v.called for v in credential.versions if v.called), None)
        assert title.startswith(f"{called or credential.id}: "), title
        assert check not in title and not ID_PIECES.search(title), title
    assert check_title(rulebook, "CPC-A-removal") == "CPC: removing the apprentice designation"
    pinned = check_title(rulebook, "CPC-exam@AAPC-2019")
    assert pinned.startswith("CPC: sitting the exam (rules version ") and "AAPC-2019" not in pinned


def test_sheet_names_are_words_excel_takes(rulebook) -> None:
    taken: set[str] = set()
    names = [sheet_title(check_short(rulebook, c), taken) for c in rulebook.all_check_ids()]
    assert len({n.lower() for n in names}) == len(names)
    for name in names:
        assert len(name) <= MAX_TITLE and not set(name) & set("[]:*?/\\"), name
        assert not ID_PIECES.search(name), name
    assert check_short(rulebook, "CPC-A-removal") == "CPC apprentice removal"
    assert "PAHCS-SPECIALTY" not in check_title(rulebook, "PAHCS-SPECIALTY-exam")


def test_a_pathway_is_named_by_its_title(rulebook) -> None:
    version = rulebook.select("CPC-A-removal", __import__("datetime").date(2026, 11, 22)).version
    rule_version = f"{version.id} {version.version}"
    title = pathway_title(rulebook, "CPC-A-removal", rule_version, "Option 2")
    assert title.startswith("Option 2: ") and len(title) > len("Option 2: ")
    assert pathway_title(rulebook, "CPC-exam", rule_version, "") == ""


def test_policies_are_said_as_questions_and_readings(rulebook) -> None:
    policy = next(iter(rulebook.policies.values()))
    other = next(v for v in policy.values if v != policy.default)
    lines = policy_lines(rulebook.policies, {policy.id: other})
    assert len(lines) == len(rulebook.policies)
    assert lines[0].startswith(policy.question) and "chosen for this run" in lines[0]
    assert policy.values[other][1:] in lines[0]
    # the others are not settled: never said as if the default reading answered
    for other_policy, line in zip(list(rulebook.policies.values())[1:], lines[1:], strict=True):
        if other_policy.default_decides:
            assert "(the default; an answer another reading would change is flagged" in line
        else:
            assert "Not settled for this run; default reading: " in line
    for line in lines:
        assert not any(p in line for p in rulebook.policies), line  # no policy id
        assert not any(f"={v}" in line for p in rulebook.policies.values() for v in p.values)


class _Visible(HTMLParser):
    """A page's text as shown: without styles, nor the folded list of ids for --cert."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        folded = tag == "details" and "ids" in (dict(attrs).get("class") or "")
        if tag == "style" or folded or (self.hidden and tag == "details"):
            self.hidden += 1

    def handle_endtag(self, tag) -> None:
        if self.hidden and tag in ("style", "details"):
            self.hidden -= 1

    def handle_data(self, data) -> None:
        if not self.hidden:
            self.text.append(data)


def _visible(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return "".join(parser.text)


@pytest.fixture(scope="module")
def summaries(tmp_path_factory, rulebook) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("words")
    cohort = folder / "c.jsonl"
    write(cohort, 40, seed=41, broken_rows=1)
    pytest.importorskip("pygal")
    texts = []
    for name in ("s.html", "s.md"):
        run_batch(read_items(cohort), rulebook, summary_out=folder / name)
        texts.append((folder / name).read_text(encoding="utf-8"))
    return texts[0], texts[1]


def test_the_html_summary_names_checks_in_words_and_keeps_ids_folded(summaries, rulebook):
    page, _ = summaries
    shown = _visible(page)
    assert "CPC: removing the apprentice designation" in shown
    assert not ID_PIECES.search(shown), ID_PIECES.search(shown)
    assert not any(p in shown for p in rulebook.policies)  # policies in words
    assert all(p.question in shown for p in rulebook.policies.values())
    folded = page.split('<details class="ids">', 1)[1].split("</details>", 1)[0]
    assert "<code>CPC-A-removal</code>" in folded  # for --cert, out of the way


def test_the_markdown_summary_names_no_id(summaries, rulebook):
    _, text = summaries
    assert "CPC: removing the apprentice designation" in text
    assert not ID_PIECES.search(text), ID_PIECES.search(text)
    assert not any(p in text for p in rulebook.policies)
    versions = {v.id for c in rulebook.credentials for v in c.versions}
    assert not any(re.search(rf"\b{re.escape(v)}\b", text) for v in versions)


@pytest.mark.parametrize(("rows", "said"), [(1, "1 student read"), (2, "2 students read")])
def test_the_closing_line_counts_in_good_english(rows, said, rulebook) -> None:
    tally = Tally()
    tally.rows = tally.checked = rows
    line = closing_line(tally, ["r.csv"], rulebook)
    assert line.startswith(f"Done: {said}, {rows} checked, 0 error rows.")
    assert not any(p in line for p in rulebook.policies)


def test_a_tally_without_the_rule_book_still_reads(tmp_path: Path) -> None:
    """A summary put together without the rule book (by hand, in a test) names checks by their
    labels: nothing fails for want of titles."""
    from eligibility.report.summary import summary_markdown

    assert "none settled" in summary_markdown(Tally())


def _field_names() -> set[str]:
    """Every name the profile file gives a field or a record list (``paid_through``)."""
    names: set[str] = set()

    def walk(group) -> None:
        names.add(group.path)
        for item in group.items:
            if hasattr(item, "items"):
                walk(item)
            else:
                names.add(item.path.rsplit(".", 1)[-1])

    for group in sections():
        walk(group)
    return {n for n in names if "_" in n}


# a value written in the profile file's syntax: "memberships: [{...}]", "education: {...}"
FILE_SYNTAX = re.compile(r"\b[a-z_]+:\s*[\[{]")


def _names_a_field(text: str, fields: set[str]) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z0-9_]*", text) if w in fields}


def test_steps_for_a_director_name_no_profile_field(rulebook) -> None:
    """The rules word how to supply a fact and how to meet a condition for a person editing a
    profile ("give renewal_month ... (memberships: [{organization: AAPC, renewal_month: 9}])");
    said for a director, every one of them names no field, nor writes the file's syntax."""
    fields = _field_names()
    texts = {
        text
        for check in rulebook.all_check_ids()
        for version in rulebook.credential_of(check).versions
        if version.check(check) is not None
        for node in version.check(check).requires.walk()
        for text in (*(how for _, how in node.supply), node.fix or "")
        if text
    }
    named = [t for t in texts if _names_a_field(t, fields) or FILE_SYNTAX.search(t)]
    assert len(named) >= 3  # the rules do write for a profile's author: else this tests nothing
    for text in named:
        said = in_words(text)
        assert not _names_a_field(said, fields) and not FILE_SYNTAX.search(said), (text, said)
    said = in_words(
        "add your AAPC membership with its paid-through date"
        " (memberships: [{organization: AAPC, paid_through: YYYY-MM-DD}])"
    )
    assert said == "add your AAPC membership with its paid-through date"
    # the format 1 note's field names beside their words: the words said once
    note = "letter 1: signed by hand (hand_signed, read as no), typed (read as yes)"
    assert in_words(note) == "letter 1: signed by hand (read as no), typed (read as yes)"
    # a value's form after its field's name: the form kept, the name said by the words before
    left_out = "give the paid-through date of X (paid_through: YYYY-MM-DD, or YYYY-MM)"
    assert in_words(left_out) == "give the paid-through date of X (YYYY-MM-DD, or YYYY-MM)"
    exam = "give the date you passed the exam (exam_pass_date) or were awarded it (awarded_date)"
    assert in_words(exam) == "give the date you passed the exam or were awarded it"
    assert in_words("list it as icd_cm_basic", {"icd_cm_basic": "basic ICD-10-CM"}) == (
        "list it as basic ICD-10-CM"
    )


def test_a_batch_next_step_names_no_profile_field(tmp_path: Path, rulebook) -> None:
    """The golden profiles as a cohort: the answers unknown for want of a recertification
    cycle or a renewal month say what to give in words, in the long CSV and so in every output
    made from it."""
    import csv

    from tests.conftest import PROFILES

    out = tmp_path / "r.csv"
    run_batch(read_items(PROFILES), rulebook, csv_out=out)
    with out.open(encoding="utf-8", newline="") as handle:
        steps = {r["next_step"] for r in csv.DictReader(handle) if r["next_step"]}
    fields = _field_names()
    assert any("recertification cycles" in s for s in steps)
    for step in steps:
        assert not _names_a_field(step, fields) and not FILE_SYNTAX.search(step), step


def test_the_workbook_says_what_to_review_and_what_was_assumed_in_words(tmp_path, rulebook):
    """Its "To review" column says each policy's review text, not its id; "Assumed" names no
    profile field."""
    openpyxl = pytest.importorskip("openpyxl")
    from eligibility.report.workbook import write_workbook

    policy = rulebook.policies["aapc_borderline_roles"]
    answer = dict.fromkeys(
        (
            "failed",
            "unknown",
            "ambiguous",
            "shortfall",
            "closest",
            "next_step",
            "eligible_by",
            "as_of",
        ),
        "",
    )
    answer |= {
        "row": "1", "where": "c.csv:2", "candidate_id": "S1", "name": "Ana", "check": "CPC-exam",
        "status": "met", "standing": "", "rule_version": "", "error": "",
        "assumed": "the letter is taken to be dated 2026-01-01 (the export gives no letter_date)",
        "review": "aapc_borderline_roles",
    }  # fmt: skip
    student = Student("1", "c.csv:2", "S1", "Ana", (answer,))
    book = tmp_path / "b.xlsx"
    write_workbook(book, [student], ["CPC-exam"], (), rulebook)
    sheet = openpyxl.load_workbook(book).worksheets[1]
    _, head, row = (tuple(c.value for c in r) for r in sheet.iter_rows())
    cell = dict(zip(head, row, strict=True))
    assert cell["To review"] == policy.review[:1].upper() + policy.review[1:]
    assert cell["To review"] == review_words(rulebook, "aapc_borderline_roles")
    assert "aapc_borderline_roles" not in cell["To review"]
    assert cell["Assumed"].endswith("(the export gives no letter date)")


def test_steps_alike_but_for_their_aim_are_said_once() -> None:
    buy = "buy the extension for the CCS (the cycle has ended) to earn {} before 2026-06-30, or earn them"
    said = steps_text([buy.format("5 CEUs"), buy.format("the missing HIIM-domain CEUs")])
    assert said == buy.format("5 CEUs and the missing HIIM-domain CEUs")
    # steps that only begin alike stay two
    two = [
        "ask your employer for a letter that meets AAPC's rules",
        "ask your employer for a raise",
    ]
    assert steps_text(two) == " and ".join(two)
