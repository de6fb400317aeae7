"""What the web page shows, without the web framework: an uploaded profile read and checked as
the command line reads a file, its answers as ``eligibility check`` gives them, the profile
as YAML to download, and a cohort's batch report.

Everything works on bytes and text in memory: nothing a candidate sends is written to disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import PurePath
from typing import Any

import yaml

from eligibility.api import assumed_for, check_profile
from eligibility.batch import (
    CSV_FIELDS,
    CohortChecker,
    IdLedger,
    Tally,
    csv_line,
    stated,
    summary_markdown,
)
from eligibility.engine.results import NOT_APPLICABLE, NOT_MET
from eligibility.errors import printable
from eligibility.inputs.cohort import Upload, parse_item, read_items
from eligibility.inputs.profiles import (
    Profile,
    decode_text,
    profile_from_upload,
)
from eligibility.report.explain import explain
from eligibility.report.provenance import not_official
from eligibility.report.render import action_lines, answered_alike, check_text
from eligibility.report.sheets import statement
from eligibility.report.words import assumed_words, check_title
from eligibility.resources import profile_modeline
from eligibility.rulebook.rules import RuleBook


@dataclass(frozen=True)
class CheckAnswer:
    """One check's answer as the page shows it; ``text`` is the whole explanation, exactly as
    ``eligibility check PROFILE --cert CHECK`` prints it."""

    check_id: str
    title: str  # the check in words ("CPC: removing the apprentice designation"), not its id
    credential: str | None
    question: str | None
    status: str  # met, not_met, unknown or ambiguous
    headline: str  # the status in words: "Met", "Not yet met", ...
    verdict: str
    actions: tuple[str, ...]  # what would make it met, each line as the text answer gives it
    # "Eligible by DATE (pathway) if ...": the day time alone makes it met, as check says it
    eligible_by: str | None
    text: str
    # the checks answered in the same words but for their credential (the specialty exams),
    # in words: shown with this one, as check's summary line says "and answered alike"
    alike: tuple[str, ...] = ()
    alike_ids: tuple[str, ...] = ()  # the same checks by id (the page marks its sections so)


@dataclass(frozen=True)
class ProfileAnswers:
    """A profile's answers for the page: every check that applies, the ones that do not named."""

    label: str
    as_of: date
    assumed: tuple[str, ...]  # in words, without the profile's field names
    checks: tuple[CheckAnswer, ...]
    not_applicable: tuple[str, ...]  # the checks that do not apply, in words
    notice: str  # that it is not the bodies' determination, as check's last line says


def read_profile(data: bytes, name: str) -> Profile:
    """An uploaded profile file, read and checked exactly as ``eligibility check`` reads the
    file ``name`` (its name says YAML or JSON, and names it in messages)."""
    return profile_from_upload(data, upload_name(name, "profile.yaml"))


def carried_text(data: bytes, name: str, profile: Profile) -> str:
    """The profile's text the answer page carries, to download: a YAML file as it came
    (comments kept), a JSON file as YAML."""
    if name.endswith(".json"):
        return profile_yaml(profile.data)
    return decode_text(data, name)


def upload_name(name: str | None, default: str) -> str:
    """The file name a browser sent, without any folders; ``default`` when it sent none."""
    base = PurePath((name or "").replace("\\", "/")).name.strip()
    return printable(base) or default


def answers(
    profile: Profile,
    book: RuleBook,
    as_of: date | None = None,
    policies: Mapping[str, str] | None = None,
) -> ProfileAnswers:
    """Every check's answer for ``profile`` (one run of the engine, with reached-on dates): the
    explanation of each is the text ``check --cert`` prints."""
    report = check_profile(profile, (), as_of, policies, book, dates=True)
    checks: list[CheckAnswer] = []
    skipped: list[str] = []
    first: dict[tuple, int] = {}  # answered alike -> the place of the first such check
    for result in report.results:
        if result.status == NOT_APPLICABLE and not result.lapsed_holder:
            skipped.append(check_title(book, result.check_id))
            continue
        e = explain(result, book.policies)
        lines = tuple(printable(line) for line in action_lines(e))
        # what this check's answer assumes, as check --cert names it for that check alone
        own = replace(profile, assumed=assumed_for(profile, [result], book, report.as_of))
        text = printable(check_text(replace(report, profile=own), e))
        # folded only when the whole explanation is the same but for the credential (its id,
        # its question): a warning, a caution or a shortfall of one is never hidden under another
        question = result.check.question if result.check and result.check.question else None
        said = text.replace(result.check_id, "").replace(question, "") if question else text
        key = answered_alike(e, said)
        if key in first:  # said once, with the first: 22 specialty exams are one answer
            place = first[key]
            title = check_title(book, result.check_id)
            shown = checks[place]
            checks[place] = replace(
                shown,
                alike=(*shown.alike, title),
                alike_ids=(*shown.alike_ids, result.check_id),
            )
            continue
        first[key] = len(checks)
        checks.append(
            CheckAnswer(
                check_id=result.check_id,
                title=check_title(book, result.check_id),
                credential=result.version.credential if result.version else None,
                question=result.check.question if result.check else None,
                # a check for holders of a lapsed credential is not met, as check says it
                status=NOT_MET if result.status == NOT_APPLICABLE else result.status,
                headline=e.headline.capitalize(),
                verdict=e.verdict,
                actions=lines,
                eligible_by=e.eligible_by,
                text=text,
            )
        )
    return ProfileAnswers(
        label=report.profile.label,
        as_of=report.as_of,
        assumed=tuple(assumed_words(note) for note in report.profile.assumed),
        checks=tuple(checks),
        not_applicable=tuple(skipped),
        notice=not_official(sorted({r.version.body for r in report.results if r.version})),
    )


class _NoAliases(yaml.SafeDumper):
    """Writes every value out in full: a profile to download has no anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def profile_yaml(data: Mapping[str, Any]) -> str:
    """A profile as YAML text with the editor modeline (the schema's path on this computer, which
    serves the page: the file is saved here): dates stay text (quoted), keys in the profile's
    order."""
    body = yaml.dump(dict(data), Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=100)
    return f"{profile_modeline()}\n{body}"


@dataclass(frozen=True)
class CohortReport:
    """A cohort's batch report, as ``eligibility batch`` writes it: the CSV and the summary."""

    csv: str
    summary: str  # Markdown
    tally: Tally


def cohort_report(
    data: bytes,
    name: str,
    book: RuleBook,
    as_of: date | None = None,
    policies: Mapping[str, str] | None = None,
    rules_dir: str | None = None,
) -> CohortReport:
    """A cohort file received as bytes (JSON Lines, a YAML stream or CSV, by its name), read
    and checked row by row as ``eligibility batch`` reads the file ``name``."""
    items = read_items(Upload(upload_name(name, "cohort"), data), None, rules_dir)
    checker = CohortChecker(
        book, (), as_of, policies, csv=True, jsonl=False, export=items.form == "csv"
    )
    tally = Tally()
    lines = []
    try:
        for item in items:
            lines.append(checker.check(parse_item(item, as_of), tally)[0])
    finally:
        items.close()
    checker.count_into(tally)
    # ids given on more than one row, names given to different ids, as a batch tells them
    IdLedger.settle_in(tally)
    said = " ".join(statement(book, as_of, policies or {}, None))
    text = csv_line(list(CSV_FIELDS)) + stated("".join(lines), said)
    return CohortReport(text, summary_markdown(tally), tally)
