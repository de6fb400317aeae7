"""The Python API: everything the command line does, from Python (docs/api.md).

The package root exports the entry points (``from eligibility import check``)::

    import eligibility
    report = eligibility.check("fixtures/profiles/c09-hana-sato.yaml", certs=["CPC-A-removal"])
    report.status("CPC-A-removal"), report.to_text(), report.to_json()

:func:`check` takes a profile file or a plain dict (validated as a file is: the same
:class:`~eligibility.errors.InputError`); :func:`list_credentials` and :func:`show` are
``eligibility list`` and ``eligibility show``; ``eligibility.batch`` is
:func:`eligibility.batch.check_cohort`. Below them, the engine's entry point the commands share:
:func:`check_profile` (a loaded profile and rule book -> a :class:`ProfileReport`).
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from eligibility.dates import EARLIEST, LATEST, range_problem
from eligibility.engine.plan import cached_plan, explain_profile, lapsed_by
from eligibility.engine.results import (
    KEEPING_KINDS,
    MET,
    NOT_APPLICABLE,
    CheckResult,
    ProfileReport,
)
from eligibility.errors import InputError, did_you_mean, place_of
from eligibility.facts.registry import Registry
from eligibility.inputs.formatversion import format_note
from eligibility.inputs.profiles import (
    Profile,
    date_notes,
    evaluation_date,
    load_profile,
    profile_from_data,
    read_text,
    with_letter_days,
)
from eligibility.inputs.yamlio import line_of, parse_text
from eligibility.report.render import json_document, json_report, text_report
from eligibility.rulebook.rules import Check, Policy, RuleBook, load_rulebook

ProfileInput = str | os.PathLike[str] | Mapping[str, Any]
"""A profile: the path of a YAML or JSON file, or its data as a dict."""
DICT_SOURCE = "profile"  # how messages and reports name a profile given as a dict


def resolve_as_of(profile: Profile, as_of: date | None) -> date:
    """The evaluation date: the one given, else the profile's own ``as_of``, else today."""
    if as_of is not None and not EARLIEST <= as_of <= LATEST:
        raise InputError(
            "as_of",
            None,
            f"{range_problem(as_of.isoformat())}",
            f"give a date from {EARLIEST.year} to {LATEST.year}",
        )
    return evaluation_date(profile, as_of)


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
        raise InputError(
            where,
            None,
            f"no policy called {name.strip()!r}",
            did_you_mean(name.strip(), rulebook.policies)
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
    profile = with_letter_days(profile, as_of)
    explicit = dict(policies or {})
    selectors = list(selectors)
    plan = cached_plan(book, as_of, tuple(selectors), True)
    results = explain_profile(plan, book, profile.data, explicit, dates)
    assumed = assumed_for(profile, results, book, as_of)
    if assumed != profile.assumed:
        profile = replace(profile, assumed=assumed)
    return ProfileReport(profile, as_of, explicit, results, detailed=bool(selectors))


def assumed_for(
    profile: Profile, results: Iterable[CheckResult], book: RuleBook, as_of: date
) -> tuple[str, ...]:
    """What the answers ``results`` (on ``as_of``) say they assume of ``profile``: its notes,
    its format 1 note (``format_note``) naming only the fields those answers read, and a note
    for each credential one typo from one the rules know (``lookalike_notes``).

    A field the rules read elsewhere only (an AHIMA course flag beside an AAPC answer) cannot
    change the answers, so it is left out. Answers that read the credentials held read what
    the keeping checks read too (a credential they find lapsed is not held); a field no rule
    names is kept where its section is read, as a kind may read it."""
    results = tuple(results)
    assumed = profile.assumed
    note = format_note(profile.data)
    if note is not None and note in assumed:
        paths = {path for result in results for path in _paths_read(result)}
        if any(d.reads_lapsed for d in book.facts.chosen(book.facts.definitions_reading(paths))):
            for check_id in book.all_check_ids(kinds=KEEPING_KINDS):
                selection = book.select(check_id, as_of)
                check = selection.version.check(check_id) if selection else None
                paths.update(_check_reads(check) if check else ())
        written = book.facts.names_written(book.facts.definitions_reading(paths))
        named = book.facts.names_written(None)
        kept = format_note(
            profile.data,
            lambda section, field: field in written or (field not in named and section in written),
        )
        assumed = tuple(kept if a == note else a for a in assumed if a != note or kept)
    return (*assumed, *profile_notes(profile.data, book.registry))


def profile_notes(data: Mapping[str, Any], registry: Registry) -> tuple[str, ...]:
    """What a profile's answers assume of data that cannot be meant as written, read as written:
    a credential id one typo from one the rules know, and dates that cannot be right."""
    return (*lookalike_notes(data, registry), *date_notes(data, date.today()))


def _paths_read(result: CheckResult) -> Iterator[str]:
    """The fact paths the check of a result reads."""
    return _check_reads(result.check) if result.check is not None else iter(())


def _check_reads(check: Check) -> Iterator[str]:
    """The fact paths a check reads: its conditions (shown or not), when it applies, and its
    standing."""
    for compiled in (check.applies_logic, check.standing_not_met):
        if compiled is not None:
            yield from compiled.reads
    for node in (*check.requires.walk(), *(check.recommends.walk() if check.recommends else ())):
        for compiled in (node.logic, node.fix_when, node.assumes_unless):
            if compiled is not None:
                yield from compiled.reads
        if node.sides is not None:
            yield from (*node.sides[1].reads, *node.sides[2].reads)
        yield from (fact for fact in (node.shown_if, node.hidden_if) if fact)


def lookalike_notes(data: Mapping[str, Any], registry: Registry) -> tuple[str, ...]:
    """A note for each credential of the profile whose id the rules do not know but that is one
    typo from one they do (``CSS``): read as written, no check counts it as that credential, so
    a CCS holder would be told the CCS's recertification does not apply, with no word why."""
    notes = []
    for index, held in enumerate(data.get("credentials") or ()):
        given = held.get("id") if isinstance(held, Mapping) else None
        meant = registry.lookalike(given) if isinstance(given, str) else None
        body = held.get("issuing_body") if isinstance(held, Mapping) else None
        if meant and (not body or body == registry.body_of(meant)):  # NHA's CBCS is no typo
            notes.append(
                f"the credential {given} (credentials, entry {index + 1}) is not one these rules"
                f" know: it is read as written, not as the {meant} (if you hold the {meant},"
                " correct its id)"
            )
        elif (
            isinstance(given, str) and not body and not registry.info(registry.normalise(given)[0])
        ):
            # no body named (a CSV row's credentials cell): "None", "C.P.C." or "CPC Apprentice"
            # would otherwise count for nothing without a word
            notes.append(
                f"the credential {given} (credentials, entry {index + 1}) is not one these rules"
                " know, and no issuing body is given: it counts toward nothing here (if it is"
                " one of these rules' credentials, write its id as 'eligibility list' gives it;"
                " if there is none, leave it out)"
            )
    return tuple(notes)


def lapsed_credentials(
    profile: Profile, book: RuleBook, as_of: date, policies: Mapping[str, str]
) -> frozenset[str]:
    """The credentials their own keeping rules in force make inactive or revoked on ``as_of``
    (under ``policies`` set explicitly): every other check reads the facts without them."""
    selectors = tuple(book.all_check_ids(kinds=KEEPING_KINDS))
    plan = cached_plan(book, as_of, selectors, True)
    return lapsed_by(plan, book, profile.data, policies)


# --- the package root's API (docs/api.md) ----------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One check's answer, as the summary line of ``eligibility check`` gives it."""

    check_id: str
    status: str  # met, not_met, unknown, ambiguous, not_applicable or no_rules
    version: str | None  # the rule version followed (None: no rules in force on the date)
    standing: str | None  # a kept credential's: active, at risk, inactive, revoked

    @property
    def met(self) -> bool:
        return self.status == MET

    @property
    def applies(self) -> bool:
        return self.status != NOT_APPLICABLE


@dataclass(frozen=True)
class Report:
    """One profile's answers (:func:`check`): each check's :class:`Answer`, and the whole answer
    as ``eligibility check`` prints it (:meth:`to_text`, :meth:`to_json`)."""

    engine_report: ProfileReport  # the result tree of each check, as the engine gave it
    policy_texts: Mapping[str, Policy]  # the rule book's open policies, which the texts name
    rules_dir: str | None = None  # the rule book's root, which rule files are named from

    @property
    def as_of(self) -> date:
        return self.engine_report.as_of

    @property
    def all_met(self) -> bool:
        """Every check that applies is met (``check``'s exit status 0)."""
        return self.engine_report.all_met

    @property
    def answers(self) -> dict[str, Answer]:
        """Check id -> its answer, in the order ``check`` lists them."""
        return {
            r.check_id: Answer(
                r.check_id, r.status, r.version.id if r.version else None, r.standing
            )
            for r in self.engine_report.results
        }

    def answer(self, check_id: str) -> Answer:
        """The answer of the check ``check_id`` (as spelt in the rules, or in any case)."""
        answers = self.answers
        found = answers.get(check_id) or next(
            (a for name, a in answers.items() if name.upper() == check_id.upper()), None
        )
        if found is None:
            raise KeyError(f"{check_id!r} was not checked; the checks are: {', '.join(answers)}")
        return found

    def status(self, check_id: str) -> str:
        return self.answer(check_id).status

    def met(self, check_id: str) -> bool:
        return self.answer(check_id).met

    def to_dict(self) -> dict[str, Any]:
        """The report as data: this profile's entry in ``check --format json``'s document
        (one line of ``--format jsonl``)."""
        return json_report(self.engine_report, self.policy_texts, self.rules_dir)

    def to_json(self) -> str:
        """The document ``check --format json`` prints for this profile alone."""
        return json.dumps(json_document([self.to_dict()]), indent=2)

    def to_text(self, colour: bool = False) -> str:
        """The answer in words, as ``eligibility check`` prints it (``colour``: as on a
        terminal)."""
        return text_report(self.engine_report, self.policy_texts, colour)


def read_profile(profile: ProfileInput) -> Profile:
    """A profile file (YAML or JSON), or a dict of its data, read and validated the same way: a
    problem is an :class:`InputError` naming the place (a line in a file, a JSON path in a dict).
    A dict is copied first; a ``datetime.date`` in it stands for its ISO text (as an unquoted date
    in YAML does)."""
    if isinstance(profile, str | os.PathLike):
        return load_profile(profile)
    given = dict(profile) if isinstance(profile, Mapping) else profile  # else refused, said why
    data = profile_from_data(_plain(copy.deepcopy(given)), DICT_SOURCE).data
    note = format_note(data)
    return Profile(DICT_SOURCE, data, (note,) if note else ())


def _plain(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def prepare(
    rules: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | None = None,
    policies: Mapping[str, str] | Iterable[str] | None = None,
    certs: Iterable[str] = (),
) -> tuple[RuleBook, dict[str, str]]:
    """The rule book and the policy values chosen (a config file, then ``policies``: a mapping
    or ``ID=VALUE`` strings); an unknown check in ``certs`` or a bad policy is an
    :class:`InputError` before any profile is read."""
    book = load_rulebook(os.fspath(rules) if rules is not None else None)
    chosen = load_config(os.fspath(config), book) if config is not None else {}
    if isinstance(policies, Mapping):
        chosen.update(_policy_value(str(k), str(v), book, "policies") for k, v in policies.items())
    else:
        chosen.update(parse_policies(policies or (), book))
    for cert in certs:
        book.expand(cert)
    return book, chosen


def selectors_of(certs: str | Iterable[str] | None) -> list[str]:
    """The checks asked for: one given as a string, or several."""
    return [certs] if isinstance(certs, str) else list(certs or ())


def to_date(as_of: date | str | None, where: str = "as_of") -> date | None:
    """A date given as a ``date`` or as YYYY-MM-DD text."""
    if as_of is None or isinstance(as_of, date):
        return as_of.date() if isinstance(as_of, datetime) else as_of
    try:
        return date.fromisoformat(as_of)
    except (TypeError, ValueError):
        raise InputError(
            where, None, f"{as_of!r} is not a date", "give a datetime.date or YYYY-MM-DD"
        ) from None


def check(
    profile: ProfileInput,
    certs: str | Iterable[str] | None = None,
    as_of: date | str | None = None,
    policies: Mapping[str, str] | Iterable[str] | None = None,
    *,
    config: str | os.PathLike[str] | None = None,
    rules: str | os.PathLike[str] | None = None,
) -> Report:
    """``eligibility check``: ``profile`` (a file's path or a dict) against the checks ``certs``
    names (credentials, check ids, ``CHECK@VERSION``; none: every check) on ``as_of`` (default:
    the profile's own ``as_of``, else today), under ``policies`` (``{ID: VALUE}`` or ``ID=VALUE``
    strings, over those of the ``config`` file). ``rules``: another rules directory. Bad input
    raises :class:`InputError`, with the message the command prints."""
    selectors = selectors_of(certs)
    book, chosen = prepare(rules, config, policies, selectors)
    found = check_profile(read_profile(profile), selectors, to_date(as_of), chosen, book)
    return Report(found, book.policies, book.directory)


@dataclass(frozen=True)
class Listing:
    """Every credential and its checks (:func:`list_credentials`)."""

    document: dict[str, Any]  # what ``list --format json`` prints (``schemas/list.schema.json``)
    text: str

    @property
    def rows(self) -> list[dict[str, Any]]:
        """One per credential: its body, name, setting, confidence and checks."""
        return self.document["credentials"]

    def to_json(self) -> str:
        return json.dumps(self.document, indent=2)

    def to_text(self) -> str:
        return self.text


def list_credentials(
    as_of: date | str | None = None, *, rules: str | os.PathLike[str] | None = None
) -> Listing:
    """``eligibility list`` (exported as ``eligibility.list``): the credentials with the checks
    of their rules in force on ``as_of`` (default: today)."""
    from eligibility.report.describe import list_json, list_text  # not needed by check

    book, _ = prepare(rules)
    day = to_date(as_of) or date.today()
    return Listing(list_json(book, day), list_text(book, day))


def show(
    ident: str,
    as_of: date | str | None = None,
    *,
    logic: bool = False,
    rules: str | os.PathLike[str] | None = None,
) -> str:
    """``eligibility show ID``: a credential's (or one check's) rules in words, with sources and
    versions; ``logic``: each condition's logic under it (``show --logic``)."""
    from eligibility.report.describe import show as show_text  # not needed by check

    book, _ = prepare(rules)
    return show_text(book, ident, to_date(as_of) or date.today(), logic)
