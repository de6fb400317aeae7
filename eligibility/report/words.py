"""The director's report in words, not ids (docs/reports.md): a check's title ("CPC: removing
the apprentice designation"), its short name for a spreadsheet tab, a pathway's title, the rule
versions as sentences (the policies in effect: ``report/provenance.py``'s ``policy_lines``, which
every text report shares). Read from the rule book: the credential and the check's kind, a
version's body, number and title; the kinds are the rule format's own
(schemas/rule.schema.json), the same for every body.

Ids stay where programs read them (the long CSV's ``check`` column, the JSON reports) and in one
discreet place of the HTML summary, for ``eligibility check --cert``.
"""

from __future__ import annotations

from collections.abc import Iterable

from eligibility.report.answerwords import in_words
from eligibility.report.render import CHECK_KINDS, titled
from eligibility.rulebook.rules import Check, RuleBook, Version


def _found(book: RuleBook, label: str) -> tuple[str, Check | None, Version | None]:
    """A label's credential (as text calls it), check and version (the pinned one, else the
    first)."""
    check_id, _, pinned = label.partition("@")
    credential = book.credential_of(check_id)
    if credential is None:
        return "", None, None
    versions = [v for v in credential.versions if v.check(check_id) is not None]
    if pinned:
        versions = [v for v in versions if v.id.upper() == pinned.upper()] or versions
    version = versions[0] if versions else None
    # what text calls the credential where its id is only a placeholder (PAHCS's specialties)
    name = (version.called if version else None) or credential.id
    return name, version.check(check_id) if version else None, version


def check_title(book: RuleBook, label: str) -> str:
    """A check in words, as a director names it: its credential and what it asks ("CPC:
    removing the apprentice designation"); a pinned version (``CPC-exam@AAPC-2019``) adds
    its number. The label itself when the book does not know it."""
    credential, check, version = _found(book, label)
    if check is None:
        return label
    title = titled(credential, check)
    return f"{title} (rules version {version.version})" if "@" in label and version else title


def check_short(book: RuleBook, label: str) -> str:
    """A check's short name in words, for a spreadsheet tab ("CPC apprentice removal")."""
    credential, check, version = _found(book, label)
    if check is None:
        return label
    short = f"{credential} {CHECK_KINDS.get(check.kind, (check.kind, check.kind))[1]}"
    return f"{short} {version.version}" if "@" in label and version else short


def check_titles(book: RuleBook, labels: Iterable[str]) -> dict[str, str]:
    """Each label's title, told apart when two would read the same (then the question too)."""
    titles = {label: check_title(book, label) for label in labels}
    counts: dict[str, int] = {}
    for title in titles.values():
        counts[title] = counts.get(title, 0) + 1
    for label, title in titles.items():
        if counts[title] > 1:
            _, check, _ = _found(book, label)
            titles[label] = f"{title} ({check.question if check else label})"
    return titles


def pathway_title(book: RuleBook, label: str, rule_version: str, closest: str) -> str:
    """The closest pathway's title ("Option 2: 12 months of documented coding work AND ...")
    from its short name in the long CSV ("Option 2") and the row's rule version."""
    if not closest:
        return ""
    check_id = label.partition("@")[0]
    credential = book.credential_of(check_id)
    wanted = rule_version.split(" ")[0]
    for version in credential.versions if credential else ():
        check = version.check(check_id)
        if check is None or version.id != wanted or check.requires.kind != "any":
            continue
        for pathway in check.requires.children:
            if pathway.title == closest:
                return pathway.text
    return closest


def version_words(version: Version) -> str:
    """A rule version as the text report says it: "AAPC rules version 2023.1 (its title)"."""
    said = f"{version.body} rules version {version.version}"
    return f"{said} ({version.title})" if version.title else said


def version_named(book: RuleBook, rule_version: str) -> Version | None:
    """The version the long CSV's ``rule_version`` names ("AAPC-2023 2023.2"): by its id."""
    wanted = rule_version.split(" ")[0]
    for credential in book.credentials:
        for version in credential.versions:
            if version.id == wanted:
                return version
    return None


def rule_version_words(book: RuleBook, rule_version: str) -> str:
    """The long CSV's ``rule_version`` ("AAPC-2023 2023.2") in words."""
    version = version_named(book, rule_version)
    return version_words(version) if version is not None else rule_version


def review_words(book: RuleBook, review: str) -> str:
    """The long CSV's ``review`` (the policies whose other reading would change the answer,
    ``;``-separated) in words: what a person must check, as each policy's review text says it
    (else its question)."""
    said = []
    for name in filter(None, review.split(";")):
        policy = book.policies.get(name)
        text = (policy.review or policy.question) if policy else name
        said.append(text[:1].upper() + text[1:])
    return "; ".join(said)


def review_briefs(book: RuleBook, review: str) -> list[str]:
    """The long CSV's ``review`` as the questions an answer rests on, each in brief ("whether
    the CPC-P has an apprentice designation"; else its question)."""
    said = []
    for name in filter(None, review.split(";")):
        policy = book.policies.get(name)
        said.append((policy.in_brief or policy.question) if policy else "an open question")
    return said


def assumed_words(assumed: str) -> str:
    """The long CSV's ``assumed`` (what reading a row took) with no profile field by its name."""
    return in_words(assumed)
