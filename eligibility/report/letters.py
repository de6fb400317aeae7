"""Per-student pages (``batch --letters DIR``): what each student still needs, check by check,
in words, as a printable self-contained HTML page (Jinja2, autoescaped), read from the long CSV
(``report/sheets.py``); and a file name for each that is safe whatever the student data holds."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from eligibility.errors import InputError
from eligibility.report.explain import and_list
from eligibility.report.provenance import NOT_OFFICIAL
from eligibility.report.sheets import STATUS_WORDS, Student
from eligibility.report.summary import LOW_CONFIDENCE, LOW_MARK, titles_in_words
from eligibility.report.words import check_title, pathway_title, review_briefs, version_named
from eligibility.rulebook.rules import RuleBook

MAX_PART = 40  # characters of the candidate id, and of the name, kept in a file name
# the names pages are given (``Letters.name``): the row number, then the id and name
PAGE_NAME = re.compile(r"(\d{6,}|row)(-[^/\\]*)?\.html")
MARK = b'<meta name="generator" content="eligibility letters">'  # in every page's head
# what a row says where the report names nothing missing and no next step (a blank row would
# leave the student guessing); an open question's, beside its step (to settle it), always
WHY = {
    "ambiguous": "The sources can be read more than one way here, and the answer depends on"
    " which: the next step names the question for the certifying body to settle.",
    "unknown": "The record does not say enough to answer; your program will ask you for what"
    " is missing.",
    "no_rules": "No rules of this check are in force on the evaluation date.",
}

# beside an unknown answer's eligible-by date: it holds whichever way what is unknown turns out
WHATEVER = "(whichever way what the record does not say turns out)"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="eligibility letters">
<title>{{ title }}</title>
<style>
body { font-family: Georgia, serif; max-width: 44em; margin: 2em auto; line-height: 1.45; color: #111; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border: 1px solid #999; padding: 0.35em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
.low { font-weight: normal; font-style: italic; }
.about { font-size: 0.85em; color: #333; border-top: 1px solid #999; margin-top: 2em; padding-top: 0.5em; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p>Student {{ student.candidate_id or "(no id)" }}{% if student.name %}, {{ student.name }}{% endif %}
 (row {{ student.row }} of the cohort).</p>
<p><strong>{{ verdict }}</strong> {{ notice }}</p>
{% if assumed %}
<p class="assumed"><strong>These answers assume</strong> what the record did not say:</p>
<ul class="assumed">
{% for item in assumed %}<li>{{ item }}</li>
{% endfor %}</ul>
<p class="assumed">If that is not so, the answers may change: tell your program.</p>
{% endif %}
{% macro table(rows) %}<table>
<thead><tr><th scope="col">Check</th><th scope="col">Answer</th><th scope="col">Closest way</th>
<th scope="col">What is missing</th><th scope="col">Next step</th><th scope="col">Eligible by</th></tr></thead>
<tbody>
{% for a in rows %}<tr data-checks="{{ a.ids | join(' ') }}"{% if a.low %} class="low"{% endif %}><th scope="row">{{ a.title }}{% if a.low %} <span class="low">(low confidence)</span>{% endif %}</th><td>{{ words[a.status] }}{% if a.standing %} (standing: {{ a.standing }}){% endif %}</td>
<td>{{ a.closest }}</td><td>{{ a.shortfall or ("" if a.next_step and a.status != "ambiguous" else why.get(a.status, "")) }}{% if a.flag %}<br><em class="review">{{ a.flag }}</em>{% endif %}</td><td>{{ a.next_step }}</td>
<td>{{ a.eligible_by or "" }}{% if a.eligible_by and a.status == "unknown" %} {{ whatever }}{% endif %}</td></tr>
{% endfor %}</tbody>
</table>{% endmacro %}
{% if needs %}
<h2>What is still needed</h2>
{{ table(needs) }}
{% elif not unsure %}
<p>Nothing is missing: every check below is met.</p>
{% endif %}
{% if unsure %}
<h2>On rules of low confidence</h2>
<p class="caution">These rest on sources the project could not confirm: ask the certifying body before you pay
for an exam, a membership or a recertification. They are not counted among the things still
needed above.</p>
{{ table(unsure) }}
<ul class="caution">
{% for item in cautions %}<li>{{ item }}</li>
{% endfor %}</ul>
{% endif %}
{% if met %}
<h2>Met</h2>
<ul>
{% for m in met %}<li data-checks="{{ m.ids | join(' ') }}">{{ m.text }}{% if m.flag %} <em class="review">({{ m.flag }})</em>{% endif %}</li>
{% endfor %}</ul>
{% endif %}
<div class="about">
{% for line, items in about %}<p>{{ line }}</p>
{% if items %}<ul>
{% for item in items %}<li>{{ item }}</li>
{% endfor %}</ul>
{% endif %}{% endfor %}</div>
</body>
</html>
"""


def require_jinja2() -> Any:
    """Jinja2, or a message saying how to install it (asked before any row is read)."""
    try:
        import jinja2
    except ImportError:
        raise InputError(
            "--letters",
            None,
            "writing letters needs Jinja2, which is not installed",
            "install it with: pip install 'eligibility[report]'",
        ) from None
    return jinja2


def require_pathvalidate() -> Any:
    try:
        import pathvalidate
    except ImportError:
        raise InputError(
            "--letters",
            None,
            "writing letters needs pathvalidate, which is not installed",
            "install it with: pip install 'eligibility[report]'",
        ) from None
    return pathvalidate


class Letters:
    """Makes the pages: :meth:`name` and :meth:`page` for each student."""

    def __init__(self, about: Sequence[str], book: RuleBook | None = None) -> None:
        jinja2 = require_jinja2()
        self._pathvalidate = require_pathvalidate()
        environment = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
        self._template = environment.from_string(PAGE)
        self._about = _blocks(about)
        self._book = book
        self._titles: dict[str, str] = {}  # check label -> its title in words
        self._pathways: dict[tuple[str, str, str], str] = {}  # (check, rules, closest) -> title
        self._confidences: dict[tuple[str, str], tuple[bool, tuple[str, ...]]] = {}

    def title(self, check: str) -> str:
        """A check in words ("CPC: removing the apprentice designation"), its label without
        the rule book."""
        if check not in self._titles:
            self._titles[check] = check if self._book is None else check_title(self._book, check)
        return self._titles[check]

    def pathway(self, answer: Mapping[str, str]) -> str:
        """The closest pathway's title, from the long CSV's short name for it ("Option 2")."""
        key = (answer["check"], answer["rule_version"], answer["closest"])
        if self._book is None or not key[2]:
            return key[2]
        if key not in self._pathways:
            self._pathways[key] = pathway_title(self._book, *key)
        return self._pathways[key]

    def flag(self, answer: Mapping[str, str]) -> str:
        """An answer flagged for a person's review (the long CSV's ``review``), in words: what
        it rests on, each open question in brief."""
        briefs = review_briefs(self._book, answer.get("review", "")) if self._book else []
        if not briefs:
            return ""
        return f"This rests on {and_list(briefs)}: your program will have a person check it."

    @staticmethod
    def is_page(path: Path) -> bool:
        """Whether a file is an earlier run's page: named as :meth:`name` names them, and
        marked as one in its head (a program's own 202611-summary.html is not)."""
        if not PAGE_NAME.fullmatch(path.name) or not path.is_file():
            return False
        try:
            with path.open("rb") as handle:
                return MARK in handle.read(400)
        except OSError:
            return False

    def name(self, student: Student) -> str:
        """A file name for the student's page: the row number first (so no two are the same,
        whatever the names), then the id and the name made safe for any system (no path
        separator, ``..``, control character or reserved name such as ``CON``; short)."""
        parts = [f"{int(student.row):06d}" if student.row.isdigit() else "row"]
        for text in (student.candidate_id, student.name):
            part = "-".join(text.split())  # spaces and line breaks as dashes
            part = self._pathvalidate.sanitize_filename(
                part, replacement_text="_", platform="universal", max_len=MAX_PART
            ).strip(". ")
            if part:
                parts.append(part)
        return "-".join(parts) + ".html"

    def page(self, student: Student) -> str:
        rows = self._needs(
            [a for a in student.answers if a["status"] not in ("met", "not_applicable")]
        )
        # answers of rules of low confidence apart, after the others and not counted among
        # what is still needed: PAHCS may not certify any more (a coordinator's audit)
        needs = [row for row in rows if not row["low"]]
        unsure = [row for row in rows if row["low"]]
        # a met answer of rules of low confidence is marked too: it is not settled either; the
        # checks that ask the same (22 specialty exams) said once, as the table says them
        groups: dict[tuple[bool, str, str], list[tuple[str, str]]] = {}
        for a in student.answers:
            if a["status"] == "met":
                title = self.title(a["check"])
                low = self._confidence(a["check"], a["rule_version"])[0]
                what = title.partition(": ")[2] or title
                groups.setdefault((low, what, self.flag(a)), []).append((a["check"], title))
        met = [
            {
                "ids": [check for check, _ in members],
                "text": titles_in_words([title for _, title in members])
                + (LOW_MARK if low else ""),
                "flag": flag,
            }
            for (low, _, flag), members in groups.items()
        ]
        met_count = sum(len(m["ids"]) for m in met)
        title = f"What {student.name or student.candidate_id or 'this student'} still needs"
        # what a flat export left unsaid and was assumed: the same for every check of a row
        assumed = dict.fromkeys(a["assumed"] for a in student.answers if a.get("assumed"))
        return self._template.render(
            title=title,
            student=student,
            needs=needs,
            unsure=unsure,
            met=met,
            verdict=_verdict(met_count, len(needs), len(unsure)),
            cautions=list(dict.fromkeys(c for n in unsure for c in n["cautions"])),
            whatever=WHATEVER,
            notice=NOT_OFFICIAL,
            words=STATUS_WORDS,
            why=WHY,
            about=self._about,
            assumed=list(assumed),
        )

    def _needs(self, answers: Sequence[Mapping[str, str]]) -> list[dict[str, Any]]:
        """A row per answer that is not met, answers that read alike (one missing membership
        for every AAPC exam) on one row naming each of their checks."""
        rows: dict[tuple[str, ...], dict[str, Any]] = {}
        for answer in answers:
            closest = self.pathway(answer)
            flag = self.flag(answer)
            key = (answer["status"], answer.get("standing", ""), closest, answer["shortfall"],
                   answer["next_step"], answer["eligible_by"], flag)  # fmt: skip
            row = rows.setdefault(
                key, {**answer, "closest": closest, "checks": [], "ids": [], "flag": flag}
            )
            row["checks"].append(self.title(answer["check"]))
            row["ids"].append(answer["check"])
        for row in rows.values():
            row["title"] = titles_in_words(row["checks"])
            row["low"], row["cautions"] = self._confidence(row["ids"][0], row["rule_version"])
        # rules of low confidence last, as the summary places them
        return sorted(rows.values(), key=lambda row: row["low"])

    def _confidence(self, check: str, rule_version: str) -> tuple[bool, tuple[str, ...]]:
        """Whether a check's rules are of low confidence (L, UNCONFIRMED), and the assumptions
        its whole answer rests on (that PAHCS still operates), in the rule file's words."""
        key = (check, rule_version)
        if key not in self._confidences:
            low, cautions = False, ()
            version = version_named(self._book, rule_version) if self._book else None
            if version is not None:
                low = version.confidence in LOW_CONFIDENCE
                found = version.check(check.partition("@")[0])
                root = found.requires if found is not None else None
                cautions = (root.assumes,) if root is not None and root.assumes else ()
            self._confidences[key] = (low, cautions)
        return self._confidences[key]


def _verdict(met: int, rows: int, unsure: int = 0) -> str:
    """The page in one sentence: how many checks are met, and how many rows of the table below
    still need something (checks answered alike, as the 22 specialty exams, share a row), and
    how many more rest on rules of low confidence."""
    more = f" ({unsure} more on rules of low confidence, below them)" if unsure else ""
    if not rows:
        if unsure:
            return f"{met} check{'s' if met != 1 else ''} met; nothing else is needed{more}."
        return f"Every check for you is met ({met})."
    what = f"{rows} thing{'s' if rows != 1 else ''}"
    return (
        f"{met} check{'s' if met != 1 else ''} met; {what} still"
        f" need{'s' if rows == 1 else ''} doing or answering{more}, below."
        if met
        else f"No check is met yet; {what} still need{'s' if rows == 1 else ''} doing or"
        f" answering{more}, below."
    )


def _blocks(about: Sequence[str]) -> list[tuple[str, list[str]]]:
    """The statement's lines as paragraphs, each with the list items ("- ...") under it."""
    blocks: list[tuple[str, list[str]]] = []
    for line in about:
        if line.startswith("- ") and blocks:
            blocks[-1][1].append(line[2:])
        else:
            blocks.append((line, []))
    return blocks
