"""No internal id reaches a candidate: the text answer, and the human strings of the JSON report
(verdicts, conditions, fixes, ways forward, reviews), name facts, open questions and conditions
in words, for every profile in fixtures/ under every value of every open policy.

The ids are taken from the rule book, so a fact, policy or condition added in YAML is covered:
fact paths (``aapc.last.full_period``), policy ids (``part_time_counting``) and their values
that are not words (``fte40``), and condition ids that are not words of the rules' own texts
(``last-period``); and the sources catalogue's own ids (a claim such as ``AAPC-LAPSE-1``, a
convention ``CONV-4``, a disagreement ``D-9``, the catalogue file), which nobody reading an answer
has, nor a policy's id, even as an option to type (``--policy ID=VALUE``: the web page has no
command line). A rule version's id is allowed, which pins it (``--cert CCS-exam@CCS-LEG``), and
a source's id (``A1``) where the answer cites its rules' sources (the rules line), never inside
a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from eligibility.api import check_profile
from eligibility.inputs.profiles import load_profile
from eligibility.report.explain import explain
from eligibility.report.render import explanation_text, json_report
from eligibility.rulebook.rulecheck import CATALOGUE_ID, SOURCE_ID
from eligibility.rulebook.rules import Node, RuleBook
from tests.conftest import PROFILES

# the JSON report's keys holding words for people (ids, numbers and dates are for programs)
HUMAN_KEYS = {
    "verdict", "question", "text", "fix", "steps", "supply", "details", "lacking", "why",
    "assumed", "standing",
}  # fmt: skip


# the lines that cite a rule version's sources by id, as the answer's rules line does
CITING = re.compile(r"\s*(Rules: |Another reading in force: |.*rules version \S+ \()")


def _nodes(node: Node) -> Iterator[Node]:
    yield node
    for child in node.children:
        yield from _nodes(child)


@cache
def _words_of_the_rules(book: RuleBook) -> frozenset[str]:
    """Every word the rules' own texts use, hyphenated ones included ("pre-approved")."""
    texts = []
    for version in _versions(book):
        for check in version.checks:
            texts += [check.question, check.outcome_met or "", check.outcome_not_met or ""]
            for root in (check.requires, check.recommends):
                texts += [n.text for n in _nodes(root)] if root else []
    return frozenset(re.findall(r"[\w-]+", " ".join(texts).lower()))


def _versions(book: RuleBook) -> Iterator[Any]:
    seen = set()
    for credential in book.credentials:
        for version in credential.versions:
            if id(version) not in seen:
                seen.add(id(version))
                yield version


@cache
def internal_ids(book: RuleBook) -> re.Pattern[str]:
    """One pattern matching any internal id of ``book`` standing alone in a text."""
    facts = [re.escape(path).replace(r"\*", r"[\w-]+") for path in book.facts.paths if "." in path]
    facts += [rf"policies\.{re.escape(p)}" for p in book.policies]
    policies = [re.escape(p) for p in book.policies]
    policies += [
        re.escape(value)
        for policy in book.policies.values()
        for value in policy.values
        if re.search(r"[_\d]", value)
    ]
    words = _words_of_the_rules(book)
    conditions = {
        node.id
        for version in _versions(book)
        for check in version.checks
        for root in (check.requires, check.recommends)
        if root
        for node in _nodes(root)
        if re.search(r"[-_\d]", node.id) and node.id.lower() not in words
    }
    alternatives = sorted({*facts, *policies, *map(re.escape, conditions)}, key=len, reverse=True)
    versions = "|".join(re.escape(v.id) for v in _versions(book))
    catalogue = rf"(?!(?:{versions})\b){CATALOGUE_ID.pattern}"
    return re.compile(rf"(?<![\w.-])(?:{'|'.join(alternatives)})(?![\w-]|\.\w)|{catalogue}")


def human_strings(data: Any, key: str | None = None) -> Iterator[str]:
    """The strings of a JSON report under the keys that hold words for people."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from human_strings(v, k)
    elif isinstance(data, list):
        for item in data:
            yield from human_strings(item, key)
    elif isinstance(data, str) and key in HUMAN_KEYS:
        yield data


def settings(book: RuleBook) -> list[dict[str, str]]:
    """None set (answers ambiguous or flagged for review, every other reading named), then every
    policy set at once, value after value, until each value of each has been set."""
    values = {policy.id: list(policy.values) for policy in book.policies.values()}
    return [{}] + [
        {policy: choices[k % len(choices)] for policy, choices in values.items()}
        for k in range(max(map(len, values.values())))
    ]


def leaks(profile: Path, book: RuleBook) -> list[str]:
    pattern = internal_ids(book)
    found = []
    loaded = load_profile(str(profile))
    for policies in settings(book):
        report = check_profile(loaded, book.all_check_ids(), policies=policies, rulebook=book)
        texts = [explanation_text(report, explain(r, book.policies)) for r in report.results]
        texts += list(human_strings(json_report(report, book.policies)))
        for text in texts:
            for match in pattern.finditer(text):
                line = next(s for s in text.splitlines() if match.group() in s)
                found.append(f"{policies or 'defaults'}: {match.group()!r} in {line.strip()!r}")
            # a source's id only where the answer cites its rules' sources
            for line in text.splitlines():
                if not CITING.match(line):
                    found += [f"{policies or 'defaults'}: {i!r} in {line.strip()!r}"
                              for i in SOURCE_ID.findall(line)]  # fmt: skip
    return sorted(set(found))


def test_the_ids_come_from_the_rule_book(rulebook: RuleBook) -> None:
    pattern = internal_ids(rulebook)
    assert pattern.search("not known: aapc.last.full_period; ask AAPC")
    assert pattern.search("the open question part_time_counting")
    assert pattern.search("otherwise cpcp_apprentice=as_cpc: not met")
    assert pattern.search("see last-period")
    assert pattern.search("90 days later (AAPC-LAPSE-1)")
    assert pattern.search("part-time work pro-rated (CONV-3)")
    assert pattern.search("of all CEUs under the other reading, D-9")
    assert pattern.search("the CCS page's rule is assumed (CATALOG.md 3.12)")
    # words, addresses, options, a rule version's id and a source's id are not ids
    assert not pattern.search("https://www.aapc.com/membership")
    assert not pattern.search("rules version 2023.2 (AAPC-RENEWAL-2023; sources: A6, SEED-002)")
    assert not pattern.search("CEUs pre-approved for the CPC, part-time work, on-the-job coding")
    assert pattern.search("Once reviewed: --policy aapc_borderline_roles=VALUE")  # no option either


@pytest.mark.parametrize("profile", sorted(PROFILES.glob("*.yaml")), ids=lambda p: p.stem)
def test_no_internal_id_in_a_candidate_s_answer(profile: Path, rulebook: RuleBook) -> None:
    assert leaks(profile, rulebook) == []
