"""docs/profile-format.md says which parts of a profile no check reads; none of them may be one
a rule file reads (it once said so of ``exam_applications``, which AAPC's exam checks read for
the membership-at-results warning)."""

from __future__ import annotations

import re

from tests.conftest import ROOT

PAGE = ROOT / "docs" / "profile-format.md"


def read_by_rules() -> set[str]:
    """The profile's groups of records a shipped rule file reads (``records: work_history``,
    ``record: education``); the rule book's own test profiles under rules/tests left out."""
    rules = ROOT / "rules"
    names: set[str] = set()
    for path in rules.rglob("*.yaml"):
        if "tests" not in path.relative_to(rules).parts:
            text = path.read_text(encoding="utf-8")
            names |= set(re.findall(r"\brecords?: ([a-z_]+)", text))
    return names


def said_unread(page: str) -> set[str]:
    """The groups the page says no check reads: in its overview ("No check reads them today:
    `practicum` as a whole") and in a section of their own ("Not used ...: the whole record")."""
    overview = page.split("No check reads them today:", 1)[1].split("\n\n", 1)[0]
    names = set(re.findall(r"`([a-z_]+)` as a whole", overview))
    for section in re.split(r"\n## ", page)[1:]:
        heading, _, body = section.partition("\n")
        if "Not used by the current checks: the whole record" in body:
            names |= set(re.findall(r"^`([a-z_]+)`$", heading.strip()))
    return names


def test_no_group_a_rule_reads_is_said_to_be_read_by_no_check():
    read = read_by_rules()
    # the Practicum is read as Practicode (CATALOG 3.3), which the page once said no check read
    assert {"work_history", "memberships", "exam_applications", "practicum"} <= read, read
    unread = said_unread(PAGE.read_text(encoding="utf-8"))
    assert not unread & read, f"docs/profile-format.md says no check reads {unread & read}"


def test_the_page_says_how_exam_applications_are_read():
    page = PAGE.read_text(encoding="utf-8")
    section = page.split("\n## `exam_applications`\n", 1)[1].split("\n## ", 1)[0]
    assert "How it is read" in section
    assert "Not used by the current checks: the whole record" not in section
