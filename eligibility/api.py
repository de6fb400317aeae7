"""The Python API behind every command: profile -> facts -> evaluation, for the checks asked for.

from eligibility.api import check_profile
from eligibility.inputs.profiles import load_profile
report = check_profile(load_profile("fixtures/profiles/c09-hana-sato.yaml"), ["CPC-A-removal"])
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from datetime import date

from eligibility.dates import EARLIEST, LATEST, range_problem
from eligibility.engine.plan import cached_plan, explain_profile, lapsed_by
from eligibility.engine.results import KEEPING_KINDS, ProfileReport
from eligibility.errors import InputError, place_of
from eligibility.inputs.profiles import Profile, read_text
from eligibility.inputs.yamlio import line_of, parse_text
from eligibility.rulebook.rules import RuleBook, load_rulebook


def resolve_as_of(profile: Profile, as_of: date | None) -> date:
    """The evaluation date: the one given, else the profile's own ``as_of``, else today."""
    if as_of is not None:
        if not EARLIEST <= as_of <= LATEST:
            raise InputError(
                "as_of",
                None,
                f"{range_problem(as_of.isoformat())}",
                f"give a date from {EARLIEST.year} to {LATEST.year}",
            )
        return as_of
    if profile.data.get("as_of"):
        return date.fromisoformat(profile.data["as_of"])
    return date.today()


def parse_policies(settings: Iterable[str], rulebook: RuleBook) -> dict[str, str]:
    """``ID=VALUE`` strings checked against ``rules/policies.yaml``."""
    chosen: dict[str, str] = {}
    for setting in settings:
        name, sep, value = setting.partition("=")
        if not sep:
            policy = rulebook.policies.get(name.strip())
            raise InputError(
                "--policy",
                None,
                f"{setting!r} gives no value" if policy else f"{setting!r} is not ID=VALUE",
                f"write {policy.id}=VALUE with VALUE one of: {', '.join(policy.values)}"
                if policy
                else f"write ID=VALUE with ID one of: {', '.join(rulebook.policies)}",
            )
        policy_id, chosen_value = _policy_value(name, value, rulebook, "--policy")
        chosen[policy_id] = chosen_value
    return chosen


def _policy_value(name: str, value: str, rulebook: RuleBook, where: str) -> tuple[str, str]:
    """A policy's id and one of its values, or the error saying which names are known."""
    policy = rulebook.policies.get(name.strip())
    if policy is None:
        close = difflib.get_close_matches(name.strip(), list(rulebook.policies), n=1)
        raise InputError(
            where,
            None,
            f"no policy called {name.strip()!r}",
            (f"did you mean {close[0]!r}? " if close else "")
            + f"The policies are: {', '.join(rulebook.policies)}",
        )
    if value.strip() not in policy.values:
        raise InputError(
            where,
            None,
            f"{value.strip()!r} is not a value of {policy.id}",
            f"use one of: {', '.join(policy.values)}",
        )
    return policy.id, value.strip()


def load_config(path: str, rulebook: RuleBook) -> dict[str, str]:
    """Policy values from a YAML config file: ``policies: {part_time_counting: fte40, ...}``."""
    text = read_text(path)
    data = parse_text(text, path) or {}
    if not isinstance(data, dict) or set(data) - {"policies"}:
        raise InputError(
            path, None, "a config file holds only 'policies:'", "write policies: {ID: VALUE, ...}"
        )
    policies = data.get("policies") or {}
    if not isinstance(policies, dict):
        raise InputError(
            path,
            place_of(["policies"], line_of(text, ["policies"])),
            "'policies' must be a mapping of ID: VALUE",
            "write policies: {part_time_counting: fte40}",
        )
    chosen: dict[str, str] = {}
    for name, value in policies.items():
        if isinstance(value, bool):  # YAML reads an unquoted yes/no as a boolean
            value = "yes" if value else "no"
        try:
            policy_id, chosen_value = _policy_value(str(name), str(value), rulebook, path)
        except InputError as error:
            place = place_of(["policies", str(name)], line_of(text, ["policies", str(name)]))
            raise InputError(path, place, error.problem, error.fix) from None
        chosen[policy_id] = chosen_value
    return chosen


def check_profile(
    profile: Profile,
    selectors: Iterable[str] = (),
    as_of: date | None = None,
    policies: Mapping[str, str] | None = None,
    rulebook: RuleBook | None = None,
    dates: bool = True,
) -> ProfileReport:
    """Evaluate the checks ``selectors`` name (credentials, check ids, ``ID@VERSION``; none: all).

    ``dates``: give each unmet condition that time alone closes the day it is reached
    (``reached_on``). A summary of every check shows none of them, and they cost half its time.
    """
    book = rulebook or load_rulebook()
    as_of = resolve_as_of(profile, as_of)
    explicit = dict(policies or {})
    selectors = list(selectors)
    plan = cached_plan(book, as_of, tuple(selectors), True)
    results = explain_profile(plan, book, profile.data, explicit, dates)
    return ProfileReport(profile, as_of, explicit, results, detailed=bool(selectors))


def lapsed_credentials(
    profile: Profile, book: RuleBook, as_of: date, policies: Mapping[str, str]
) -> frozenset[str]:
    """The credentials their own keeping rules in force make inactive or revoked on ``as_of``
    (under ``policies`` set explicitly): every other check reads the facts without them."""
    selectors = tuple(book.all_check_ids(kinds=KEEPING_KINDS))
    plan = cached_plan(book, as_of, selectors, True)
    return lapsed_by(plan, book, profile.data, policies)
