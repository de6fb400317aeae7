"""Loading rules: YAML files under ``rules/`` -> validated, compiled rule versions.

A rule file holds one credential's dated versions (``schemas/rule.schema.json``). Loading checks
each file against the schema, compiles every JsonLogic leaf once, and checks that leaves read only
facts that exist (those the fact files define) and that a leaf reading a policy-dependent fact
sits in a version naming that policy. A broken rule file is an :class:`InputError` naming the place.

Parsing the YAML, validating it and filling in ``{credential}`` is most of a cold start's time, so
its result is cached per file (see "The rule cache" in docs/architecture.md): JSON in
``$ELIGIBILITY_CACHE_DIR``, else ``$XDG_CACHE_HOME/eligibility``, else ``~/.cache/eligibility``,
named by a hash of the file's text, the rule schema and the code that produced it, so an entry
whose key does not match is never read. ``ELIGIBILITY_NO_CACHE=1`` switches it off. The checks
against the facts vocabulary and the policies, the error checks of ``eligibility lint``
(:mod:`eligibility.rulebook.rulecheck`, docs/lint.md) and compiling run on every build of the book.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fnmatch import fnmatchcase
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from eligibility.cache import cache_root
from eligibility.errors import (
    InputError,
    close_matches,
    closest,
    did_you_mean,
    listing,
    place_of,
)
from eligibility.facts import CredentialInfo, FactBook, Registry, Retirement, compile_book
from eligibility.inputs.profiles import read_text
from eligibility.inputs.validation import validate
from eligibility.inputs.yamlio import line_of, locator, parse_text, refuse_deeper_than
from eligibility.logic import Compiled, LogicError, comparison_sides, compile_logic, logic_key
from eligibility.resources import FLAT_CSV_FILE, FORM_FILE, data_dir, schema_file
from eligibility.rulebook.versions import (
    BECAUSE_PLACEHOLDER,
    CONDITIONS,
    STANDING_PLACEHOLDER,
    check_names,
    expanded,
    fact_placeholders,
    for_credential,
    numbered,
    overlap_words,
)

if TYPE_CHECKING:  # imported when a book is built, not at every start-up
    from eligibility.rulebook.rulecheck import Context

try:  # CPython's own BLAKE2: hashlib would first load OpenSSL (~4 ms of every start-up)
    from _blake2 import blake2b as _hash
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import blake2b as _hash

REFERENCE_FILES = ("credentials.yaml", "policies.yaml")
# what the inputs mean, not rules: a flat CSV row (eligibility/inputs/cohort.py), the words
# the web page's form asks in (eligibility/inputs/questions.py)
INPUT_FILES = (FLAT_CSV_FILE, FORM_FILE)
TESTS_FOLDER = "tests"  # folders of rule test cases, not rules (docs/rule-tests.md)
CACHE_FORMAT = 2  # bump when the cached value's shape changes
KEPT_BOOKS = 8  # built books kept (rule directories and edits in use at once), newest first
KEPT_FILES = 512  # parsed rule files kept, newest first (about 20 edits of every file)
MAX_DEPTH = 64  # levels of nesting a rule file may use (today's deepest uses under 30)
KIND_ORDER = ("exam", "designation", "removal", "recertification", "status")
ISSUING_KINDS = ("exam", "designation")  # what a retired credential no longer offers


@dataclass(frozen=True)
class FirstRecord:
    """A record a later day supposes asked for where the profile has none (``closes_with_time``'s
    ``first``: a first letter for a job with none): one for each record of section ``of`` that
    ``where`` selects and no record of ``records`` names in its field ``link``."""

    assuming: str  # what the date then assumes, as ``TimeAssumption.assuming``
    records: str  # the section the record is added to
    of: str  # the section of the records it is for
    link: str  # its field holding the id of the record it is for
    field: str  # its date field, given the later day
    values: tuple[tuple[str, Any], ...]  # its other fields
    copy: tuple[tuple[str, str], ...] = ()  # (its field, the field of the record it is for)
    where: Compiled | None = None  # JsonLogic over a record of ``of``: those it is for

    def __hash__(self) -> int:  # equal records share a search (the CPC's and the COC's letters)
        where = None if self.where is None else logic_key(self.where.source)
        return hash((self.records, self.of, self.link, self.field, self.values, self.copy, where))


@dataclass(frozen=True)
class TimeAssumption:
    """What a leaf's ``closes_with_time`` declares: the assumption in words, and the records a
    later day re-dates under it (``redate``: section, date field, the field that must be true)."""

    assuming: str
    redate: tuple[tuple[str, str, str], ...] = ()
    # conditions of the same pathway which, met, make the fix asked for today meet this one
    # now: the months worked are there and letters can still be had for them (past jobs too)
    now_when_met: tuple[str, ...] = ()
    first: FirstRecord | None = None  # a record supposed asked for where the profile has none


@dataclass(frozen=True)
class Node:
    """A condition: ``all`` / ``any`` of children, or a JsonLogic ``leaf``."""

    id: str
    text: str
    kind: str
    children: tuple[Node, ...] = ()
    name: str | None = None  # a pathway's short name, where its text is too long to name it
    logic: Compiled | None = None
    sides: tuple[str, Compiled, Compiled] | None = None
    measure: str | None = None
    unit: str | None = None
    fix: str | None = None
    # JsonLogic over the facts: the fix is offered only while it is true (a window that closes)
    fix_when: Compiled | None = None
    # said instead of the fix when ``fix_when`` holds under some readings of what the profile
    # leaves unknown and not under others: the window may have closed, so it names no day
    fix_unsure: str | None = None
    # said instead of the fix once ``fix_when`` is false: the way on after the window has closed
    # (AAPC's membership rejoined rather than renewed once AAPC has cancelled it)
    fix_after: str | None = None
    # the months its fix usually takes a person (the rules' estimate, not a body's figure):
    # pathways are ranked by how soon they can be met (``engine.results``); None: at once
    takes: float | None = None
    details: str | None = None
    details_when: tuple[str, ...] = ("not_met", "unknown")  # the answers its details show with
    shown_if: str | None = None  # a fact: the condition is shown only when it is true
    hidden_if: str | None = None  # a fact: the condition is not shown when it is true
    warning: bool = False  # in recommends: not met, it is shown as a warning with the verdict
    sources: tuple[str, ...] = ()
    confidence: str | None = None
    note: str | None = None
    # an UNCONFIRMED assumption the answer rests on, and the answers of this condition that do
    # (empty: any); shown with an answer only where it decides it (``engine.results.resting``)
    assumes: str | None = None
    assumes_when: tuple[str, ...] = ()
    # when true on the facts, the answer does not rest on the assumption (a rule that differs
    # for a certified member, whose date the sources give firmly; experience enough without the
    # externships only the assumption counts); a fact name in the file reads as {var: name}
    assumes_unless: Compiled | None = None
    supply: tuple[tuple[str, str], ...] = ()  # (fact read, how to supply it when unknown)
    grows: bool = False  # reads a fact an ongoing job increases: time alone may meet it
    # (code, its words) for the list facts it reads: a found list is shown in words, not codes
    words: tuple[tuple[str, str], ...] = ()
    # a leaf time closes under a stated assumption other than jobs going on (rule-format.md)
    closes_with_time: TimeAssumption | None = None

    @property
    def fix_reads(self) -> tuple[str, ...]:
        """The facts the fix names (``{aapc.last.submit_by}``): filled in with the candidate's
        values when the fix is shown, so that a step can give a date rather than point to one."""
        return tuple(
            dict.fromkeys(
                path
                for text in (self.fix, self.fix_unsure, self.fix_after)
                if text
                for path in fact_placeholders(text)
            )
        )

    @property
    def title(self) -> str:
        """How a pathway is named where it is not explained ("Closest: Option 2"): its ``name``,
        else its text up to a colon, without a parenthesis that ends it ("AAPC membership is
        current (it must ...)"); one within it stays ("An AHIMA-approved (PCAP) coding program
        completed"): a name cut short says nothing."""
        if self.name:
            return self.name
        text = self.text.split(":")[0]
        depth = 0
        for at in range(len(text) - 1, -1, -1) if text.endswith(")") else ():
            depth += {")": 1, "(": -1}.get(text[at], 0)
            if depth == 0:  # the parenthesis that opens the one ending the text
                return text[:at].rstrip() or text
        return text

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class StandingStep:
    """A way forward for a standing (rule-format.md, ``standing.fix``): its words, with facts in
    braces filled in when it is shown (``{recert.CCS.appeal.by}``), and when it can be taken
    (``when``: JsonLogic over the facts), so that a window that has closed is not offered.
    ``corrects``: a correction of the profile for when the body's records show otherwise, which
    answers a standing the profile's data gives, not one that is itself not known."""

    text: str
    when: Compiled | None = None
    corrects: bool = False

    @property
    def reads(self) -> tuple[str, ...]:
        """The facts it names and the facts its ``when`` reads."""
        return tuple(
            dict.fromkeys((*fact_placeholders(self.text), *(self.when.reads if self.when else ())))
        )


@dataclass(frozen=True)
class Check:
    """One question the rules answer (may sit for the exam; removable; ...)."""

    id: str
    aliases: tuple[str, ...]
    kind: str
    question: str
    outcome_met: str
    outcome_not_met: str
    requires: Node
    recommends: Node | None = None
    applies_text: str | None = None
    applies_logic: Compiled | None = None
    standing_met: str | None = None
    standing_not_met: Compiled | None = None
    # the ways forward for a standing no condition's own fix can undo (a revoked credential:
    # paying "before the revocation date" can no longer work): (standing, its steps)
    standing_fix: tuple[tuple[str, tuple[StandingStep, ...]], ...] = ()
    # the standings under which the recommendations are left out of an explanation: a revoked
    # credential has no running period whose CEUs so far could matter
    hide_recommends: frozenset[str] = frozenset()
    # a not-met verdict that says why: (condition id, reason) in the rule's order, and the
    # sentence the reasons of the conditions not met are put in (outcome.because)
    outcome_because: tuple[tuple[str, str], ...] = ()
    outcome_not_met_because: str | None = None

    @property
    def names_standing(self) -> bool:
        """Whether its not-met verdict names the standing found ("Your CPC is revoked")."""
        return STANDING_PLACEHOLDER in self.outcome_not_met

    def outcome_when_not_met(
        self, standings: Sequence[str] = (), not_met: Collection[str] = ()
    ) -> str:
        """The words of a not-met answer, ``{standing}`` in them filled in with the standing
        found, or the ones it may have ("at risk or revoked"); with none, in general words.
        ``not_met``: the ids of the conditions found not met; the reasons ``outcome.because``
        gives for them, when it gives any, say why ("is revoked: the last cycle fell short")
        instead of the general words."""
        words = " or ".join(standings) or "not in good standing"
        reasons = [reason for cid, reason in self.outcome_because if cid in not_met]
        text = self.outcome_not_met
        if reasons and self.outcome_not_met_because:
            *others, last = reasons
            joined = f"{', '.join(others)}, and {last}" if others else last
            text = self.outcome_not_met_because.replace(BECAUSE_PLACEHOLDER, joined)
        return text.replace(STANDING_PLACEHOLDER, words)


@dataclass(frozen=True)
class Source:
    id: str
    confidence: str
    title: str | None = None
    url: str | None = None
    used_for: str | None = None


@dataclass(frozen=True)
class Version:
    """One dated version of a credential's rules."""

    credential: str
    body: str
    name: str
    file: str
    id: str
    version: str
    title: str | None
    valid_from: date | None
    valid_until: date | None
    in_force_note: str | None
    preferred: bool
    confidence: str
    sources: tuple[Source, ...]
    disagreements: tuple[Mapping[str, str], ...]
    open_policies: tuple[str, ...]
    notes: tuple[str, ...]
    checks: tuple[Check, ...]
    called: str | None = None  # what text calls the credential, when not by its id ({called})

    def in_force(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def check(self, check_id: str) -> Check | None:
        """The check with this id or alias (ids are matched without regard to case)."""
        return self._checks_by_name.get(check_id.upper())

    @cached_property
    def _checks_by_name(self) -> Mapping[str, Check]:
        """Each check under its id and aliases in capitals; the first check wins a name.

        Built once per version: a run looks checks up by name hundreds of times.
        """
        by_name: dict[str, Check] = {}
        for check in self.checks:
            for name in (check.id, *check.aliases):
                by_name.setdefault(name.upper(), check)
        return by_name


@dataclass(frozen=True)
class Policy:
    """An open question in the sources, with the project's default answer."""

    id: str
    question: str
    source: str
    default: str
    values: Mapping[str, str]
    # what a person must look at when an answer depends on this question ("needs human review")
    review: str | None = None
    # True: the default decides (a question settled case by case by a person, CONV-4), so an
    # answer another value would change is flagged for review instead of being ambiguous
    default_decides: bool = False
    review_details: str | None = None  # a fact listing, in words, what the review is about
    # the question as a clause for one line ("whether AHIMA accepts a GED"): the summary's
    in_brief: str | None = None


@dataclass(frozen=True)
class Credential:
    """A rule file: one credential and its versions."""

    id: str
    body: str
    name: str
    setting: str | None
    file: str
    versions: tuple[Version, ...]
    id_confidence: str | None = None

    def check_ids(self, only: tuple[str, ...] | None = None) -> list[str]:
        """Every check id any version defines: exam first, then designation, removal, keeping it."""
        kinds: dict[str, str] = {}
        for version in self.versions:
            for check in version.checks:
                kinds.setdefault(check.id, check.kind)
        ordered = sorted(kinds, key=lambda check_id: KIND_ORDER.index(kinds[check_id]))
        return [c for c in ordered if only is None or kinds[c] in only]


@dataclass(frozen=True)
class Selection:
    """A check chosen for evaluation: the deciding version and any other readings in force."""

    check_id: str
    version: Version
    others: tuple[Version, ...] = ()
    pinned: bool = False


@dataclass(frozen=True, eq=False)  # one book is one object: plans compiled from it are kept by it
class RuleBook:
    """Every credential's rules, the open policies and the credential registry."""

    credentials: tuple[Credential, ...]
    policies: Mapping[str, Policy]
    registry: Registry
    facts: FactBook
    directory: str = field(default="")
    # how to ask for the day of a date given only as a month or a year, for people who do not
    # write the profile (a school's students, flat-csv.yaml's exact_dates): the request, with
    # {date} in it, and (profile date field, its words); none: a profile's field is named
    date_ask: str = ""
    date_words: tuple[tuple[str, str], ...] = ()
    # how what a profile leaves out is asked for names its fields as the file writes them
    # ("stated_start: YYYY-MM-DD"); not for people who answer questions (the web page's form)
    field_names: bool = True

    def with_supply(self, words: Sequence[tuple[str, str]]) -> RuleBook:
        """This book with ``words`` ((fact path pattern, words), the first that matches) said
        instead of the fact files' ``supply``, which names a profile's fields: for people who do
        not write the profile, as a school's students whose export was read."""
        if not words:
            return self

        def say(read: str, text: str) -> str:
            entry = self.facts.entry(read)
            path = entry.path if entry else read
            return next((w for pattern, w in words if fnmatchcase(path, pattern)), text)

        def node(n: Node) -> Node:
            return replace(
                n,
                supply=tuple((read, say(read, text)) for read, text in n.supply),
                children=tuple(node(child) for child in n.children),
            )

        return self._with_checks(
            lambda _, c: replace(
                c, requires=node(c.requires), recommends=c.recommends and node(c.recommends)
            )
        )

    def with_corrections(self, words: Sequence[tuple[str, str]]) -> RuleBook:
        """This book with ``words`` ((certifying body pattern, words), the first that matches;
        ``{credential}`` and ``{body}`` filled in) said instead of each way forward that corrects
        the profile (``corrects``): the profile is not theirs to correct for people who do not
        write it, as a school's students, whose row the program corrects in its export."""
        if not words:
            return self

        def step(version: Version, s: StandingStep) -> StandingStep:
            if not s.corrects:
                return s
            said = next((w for pattern, w in words if fnmatchcase(version.body, pattern)), None)
            if said is None:
                return s
            filled = said.replace("{credential}", version.credential)
            return replace(s, text=filled.replace("{body}", version.body))

        def check(version: Version, c: Check) -> Check:
            if not any(s.corrects for _, steps in c.standing_fix for s in steps):
                return c  # most checks: kept as they are
            fix = tuple(
                (standing, tuple(step(version, s) for s in steps))
                for standing, steps in c.standing_fix
            )
            return replace(c, standing_fix=fix)

        return self._with_checks(check)

    def with_dates(self, ask: str, words: Sequence[tuple[str, str]]) -> RuleBook:
        """This book asking for the day of a date given only as a month or a year in ``ask``
        ({date} filled in with the date's words, by profile field: ``words``), not by a
        profile's field: for people who do not write the profile (engine/unstated.py)."""
        if not ask or not words:
            return self
        return replace(self, date_ask=ask, date_words=tuple(words))

    def without_field_names(self) -> RuleBook:
        """This book asking for what a profile leaves out without naming its fields as the file
        writes them ("the stated start date of letter-1 (YYYY-MM-DD)", "(yes or no)"): for people
        who answer the web page's questions rather than write the file."""
        return replace(self, field_names=False)

    def _with_checks(self, change: Callable[[Version, Check], Check]) -> RuleBook:
        """This book with each check of each version replaced by ``change(version, check)``; a
        version none of whose checks changes is kept as it is."""

        def version(v: Version) -> Version:
            checks = tuple(change(v, c) for c in v.checks)
            same = all(new is old for new, old in zip(checks, v.checks, strict=True))
            return v if same else replace(v, checks=checks)

        return replace(
            self,
            credentials=tuple(
                replace(credential, versions=tuple(version(v) for v in credential.versions))
                for credential in self.credentials
            ),
        )

    def default_policies(self) -> dict[str, str]:
        return {policy.id: policy.default for policy in self.policies.values()}

    def all_check_ids(self, kinds: tuple[str, ...] | None = None) -> list[str]:
        """Every check id, credential by credential; only those of ``kinds`` when given."""
        return [
            check_id for check_id, kind in self._index.check_kinds if kinds is None or kind in kinds
        ]

    def credential_of(self, check_id: str) -> Credential | None:
        """The first credential one of whose versions has a check with this id or alias."""
        found = self._index.by_check.get(check_id.upper())
        return found[0] if found else None

    def wanted(self, selectors: Iterable[str]) -> list[tuple[str, str | None]]:
        """(check id, pinned version or None) for each check ``selectors`` name, in order and once
        each; every check when there are none."""
        selectors = list(selectors)
        if not selectors:
            return [(check_id, None) for check_id in self.all_check_ids()]
        return list(dict.fromkeys(pair for s in selectors for pair in self.expand(s)))

    def expand(self, selector: str) -> list[tuple[str, str | None]]:
        """Check ids (and a pinned version id) a ``--cert`` value names: a check, an alias or a credential."""
        name, _, pinned = selector.partition("@")
        # an unknown version is a usage error now, not per profile; a known one is spelt as in
        # its rule file, so that ccs-leg and CCS-LEG are one check, labelled one way
        return [
            (check_id, self._pinned(check_id, pinned).id if pinned else None)
            for check_id in self._named(name)
        ]

    @cached_property
    def _index(self) -> _Index:
        """Names to credentials, versions and check ids, built once: lookups by name are many
        (a check evaluates every keeping check) and a linear search over the book costs ~10 ms."""
        return _Index(self.credentials)

    def _named(self, name: str) -> list[str]:
        found = self._index.by_selector.get(name.upper())
        if found is not None:
            return list(found)
        # a credential's other name, as a profile may give it (CPC-H, now the COC); not its
        # apprentice form, which would ask every check of the CPC for CPC-A (the removal is meant)
        canonical, apprentice = self.registry.normalise(name)
        found = None if apprentice else self._index.by_selector.get(canonical)
        if found is not None:
            return list(found)
        known = ", ".join(c.id for c in self.credentials)
        meant = self.registry.lookalike(name)  # one letter off a credential's id: CSS
        near = list(
            dict.fromkeys(
                [*close_matches(name, self._selectors(), most=4), *([meant] if meant else [])]
            )
        )[:4]
        raise InputError(
            "--cert",
            None,
            f"no credential or check called {name!r}"
            + (f": did you mean {listing(near)}?" if near else ""),
            f"use a credential ({known}) or a check id from 'eligibility list'",
            f"--cert {near[0]}" if near else None,
        )

    def _selectors(self) -> list[str]:
        """Every name ``--cert`` takes, spelt as the rule files spell it: each credential's id,
        then its checks' ids and aliases (for suggesting one; :meth:`_named` reads the index)."""
        names = []
        for credential in self.credentials:
            names.append(credential.id)
            for version in credential.versions:
                for check in version.checks:
                    names += [check.id, *check.aliases]
        return list(dict.fromkeys(names))

    def _versions_of(self, check_id: str) -> list[Version]:
        found = self._index.by_check.get(check_id.upper())
        assert found is not None
        return list(found[1])

    def _pinned(self, check_id: str, pinned: str) -> Version:
        versions = self._versions_of(check_id)
        for version in versions:
            if version.id.upper() == pinned.upper():
                return version
        ids = ", ".join(v.id for v in versions)
        raise InputError(
            "--cert", None, f"{check_id} has no rule version {pinned!r}", f"use one of: {ids}"
        )

    def select(self, check_id: str, day: date, pinned: str | None = None) -> Selection | None:
        """The version of ``check_id`` in force on ``day`` (or the pinned one); None when none is,
        or when its credential is no longer issued on ``day`` (:meth:`retirement`)."""
        if pinned:
            return Selection(check_id, self._pinned(check_id, pinned), pinned=True)
        if self.retirement(check_id, day):
            return None
        in_force = [v for v in self._versions_of(check_id) if v.in_force(day)]
        if not in_force:
            return None
        in_force.sort(key=lambda v: not v.preferred)
        return Selection(check_id, in_force[0], tuple(in_force[1:]))

    def none_in_force(self, check_id: str, day: date) -> str | None:
        """Why ``check_id`` has no rules on ``day``, in words: its credential retired before it
        (:meth:`retirement`), or a day before the earliest rules the sources give."""
        retired = self.retirement(check_id, day)
        if retired:
            return retired
        starts = [v.valid_from for v in self._versions_of(check_id) if v.valid_from is not None]
        if len(starts) < len(self._versions_of(check_id)) or not starts or day >= min(starts):
            return None
        body = self._index.by_check[check_id.upper()][0].body
        return (
            f"No version of these rules is in force on {day}: the earliest here begins on"
            f" {min(starts)}. For an earlier day, ask {body} what it asked then."
        )

    def retirement(self, check_id: str, day: date) -> str | None:
        """Why ``check_id`` has no rules on ``day``, in words, when its credential is retired
        (the registry's ``retired``) before it and the check is one of getting the credential;
        None otherwise. Checks of keeping it (and of removing an apprentice status) go on."""
        credential, versions = self._index.by_check[check_id.upper()]
        info = self.registry.info(credential.id)
        if info is None or info.retired is None or day <= info.retired.after:
            return None
        check = versions[0].check(check_id)
        if check is None or check.kind not in ISSUING_KINDS:
            return None
        said = f"{info.name} ({info.id}) is no longer issued after {info.retired.after}."
        return f"{said} {info.retired.note}" if info.retired.note else said


class _Index:
    """The rule book's names, in the order a linear search over the book would find them.

    ``by_selector``: a ``--cert`` name in capitals -> the check ids it names (a credential's id
    before its own checks' ids and aliases, credential by credential, the first one winning);
    ``by_check``: a check id or alias in capitals -> the first credential with a version that has
    it and that credential's versions that have it; ``check_kinds``: (check id, kind) in the
    order of :meth:`RuleBook.all_check_ids`. A plain class: a dataclass costs ~1 ms at import.
    """

    __slots__ = ("by_check", "by_selector", "check_kinds")

    def __init__(self, credentials: tuple[Credential, ...]) -> None:
        self.by_selector: dict[str, tuple[str, ...]] = {}
        self.by_check: dict[str, tuple[Credential, tuple[Version, ...]]] = {}
        self.check_kinds: list[tuple[str, str]] = []
        for credential in credentials:
            self.by_selector.setdefault(credential.id.upper(), tuple(credential.check_ids()))
            versions: dict[str, list[Version]] = {}
            for version in credential.versions:
                for name, check in version._checks_by_name.items():
                    self.by_selector.setdefault(name, (check.id,))
                    versions.setdefault(name, []).append(version)
            for name, having in versions.items():
                self.by_check.setdefault(name, (credential, tuple(having)))
            kinds: dict[str, str] = {}
            for version in credential.versions:
                for check in version.checks:
                    kinds.setdefault(check.id, check.kind)
            self.check_kinds += [(check_id, kinds[check_id]) for check_id in credential.check_ids()]


def rule_files(root: Path) -> list[Path]:
    """The files a rule book is read from: every ``*.yaml`` under ``root`` but those in a
    ``tests/`` folder, which hold test cases and their profiles (docs/rule-tests.md), and
    :data:`INPUT_FILES`."""
    return sorted(
        (
            p
            for p in root.rglob("*.yaml")
            if TESTS_FOLDER not in p.relative_to(root).parts[:-1]
            and not (p.parent == root and p.name in INPUT_FILES)
        ),
        key=lambda p: (p.parent.as_posix(), p.stem),
    )


@cache
def load_rulebook(directory: str | None = None) -> RuleBook:
    """Load and check every rule file under ``directory`` (default: the project's ``rules/``)."""
    root = rules_root(directory)
    if not (root / "credentials.yaml").is_file():  # before reading whatever else the folder has
        raise InputError(
            str(root),
            None,
            "not a rules directory: it has no credentials.yaml (the registry of credentials)",
            "give --rules DIR pointing at a rules/ folder (eligibility lint --rules DIR says more)",
        )
    files = rule_files(root)
    # Each file is read once: the book is built from the very texts its key covers, so a file
    # edited meanwhile cannot leave a book of one text kept under the key of another.
    texts = {path: read_text(path) for path in files}
    entry, key = _book_entry(root, texts)
    book = _book_read(entry, key)
    if book is None:
        book = _build(root, texts)
        _book_store(entry, key, book)
    return book


def rules_root(directory: str | None) -> Path:
    """The rules directory ``--rules`` names (default: the project's ``rules/``), which must be one."""
    root = Path(directory) if directory else data_dir("rules")
    if not root.is_dir():
        raise InputError(
            str(root),
            None,
            "rules directory not found",
            "give --rules DIR pointing at a rules/ folder",
        )
    return root


def _build(root: Path, texts: Mapping[Path, str]) -> RuleBook:
    """The rule book from its files' texts (each from the file cache when it holds the text)."""
    registry = _registry(root / "credentials.yaml", texts)
    policies = _policies(root / "policies.yaml", texts)
    fact_files = {path: text for path, text in texts.items() if is_fact_file(text)}
    # lint: the errors `eligibility lint` reports refuse the book (eligibility/rulebook/rulecheck.py,
    # eligibility/rulebook/factcheck.py)
    from eligibility.rulebook import factcheck, rulecheck

    fact_data: list[factcheck.FactFile] = []

    def lint_facts(files: list[tuple[Path, str, Any]]) -> None:
        fact_data.extend(factcheck.FactFile(str(path), text, data) for path, text, data in files)
        known = lint_context(root, texts, policies, None)
        rulecheck.refuse(factcheck.fact_problems(fact_data, known, errors_only=True))

    facts = fact_book(fact_files, registry, policies, lint_facts)
    defined = {d.name for d in facts.definitions}
    for policy in policies.values():
        if policy.review_details and policy.review_details not in defined:
            raise InputError(
                str(root / "policies.yaml"),
                None,
                f"policy {policy.id}: review_details names no fact: {policy.review_details!r}",
                "name a fact a fact file defines ('eligibility check PROFILE --facts' lists them)",
            )
    context = lint_context(root, texts, policies, facts)
    linted: list[rulecheck.RuleFile] = []

    def lint(path: Path, text: str, value: Mapping[str, Any]) -> None:
        linted.append(rulecheck.RuleFile.of(str(path), text, value))
        rulecheck.refuse(rulecheck.file_problems(linted[-1], context, errors_only=True))

    credentials = []
    check_owner: dict[str, str] = {}
    for path, text in texts.items():
        if (path.parent == root and path.name in REFERENCE_FILES) or path in fact_files:
            continue
        for credential in _load_file(path, text, facts, policies, lint):
            for check_id in credential.check_ids():
                owner = check_owner.setdefault(check_id, credential.id)
                if owner != credential.id:
                    raise InputError(
                        str(path),
                        None,
                        f"check id {check_id!r} is also defined for {owner}",
                        "check ids must be unique across rule files (use {credential} in shared rules)",
                    )
            credentials.append(credential)
    _refuse_name_clashes(credentials)
    rulecheck.refuse(rulecheck.book_problems(linted, context))
    rulecheck.refuse(factcheck.book_problems(fact_data, linted, context, errors_only=True))
    return RuleBook(_merged(credentials), policies, registry, facts, str(root))


def is_fact_file(text: str) -> bool:
    """A fact file says so on a line of its own (``facts_format: 1``), as rule files say
    ``rule_format``: told apart without parsing every file twice."""
    return re.search(r"(?m)^facts_format\s*:", text) is not None


def fact_book(
    files: Mapping[Path, str],
    registry: Registry,
    policies: Mapping[str, Policy],
    lint: Callable[[list[tuple[Path, str, Any]]], None] | None = None,
) -> FactBook:
    """Every fact file's definitions, validated and compiled (each file's parsed data from the
    file cache when it holds its text, as rule files'); ``lint`` (the linter's checks, raising
    the first error) on the parsed files first."""
    raw: list[tuple[str, Mapping[str, Any]]] = []
    places: list[tuple[Path, str, int]] = []
    parsed = [
        (path, text, _cached(text, "facts", lambda p=path, t=text: _parsed_fact_file(p, t)))
        for path, text in files.items()
    ]
    if lint is not None:
        lint(parsed)
    for path, text, data in parsed:
        for index, definition in enumerate(data["facts"]):
            raw.append((str(path), definition))
            places.append((path, text, index))
    seen: dict[str, int] = {}
    for number, (_, definition) in enumerate(raw):
        first = seen.setdefault(definition["name"], number)
        if first != number:
            path, text, index = places[number]
            _fail(
                path,
                text,
                ["facts", index, "name"],
                f"the fact {definition['name']!r} is also defined in {raw[first][0]}",
                "define each fact once; change the definition there",
            )
    try:
        return compile_book(raw, registry, {p.id: tuple(p.values) for p in policies.values()})
    except (ValueError, LogicError) as error:
        name = str(error).split(":")[0]
        number = next((n for n, (_, d) in enumerate(raw) if d["name"] == name), None)
        if number is None:
            raise InputError(
                "fact files", None, str(error), "correct the fact definition"
            ) from None
        path, text, index = places[number]
        _fail(path, text, ["facts", index], str(error), "correct the fact definition")
        raise  # unreachable: _fail raises


def _parsed_fact_file(path: Path, text: str) -> Any:
    data = parse_text(text, str(path))
    locate = locator(text)
    refuse_deeper_than(data, MAX_DEPTH, str(path), locate)
    validate(data, "fact-file", str(path), locate)
    return data


def _refuse_name_clashes(credentials: list[Credential]) -> None:
    """A name ``--cert`` takes (check id or alias, any case) must name one check, and no alias a
    credential: otherwise whichever came first would silently win. Check ids are unique already
    (see the caller), so the error is put at the alias."""
    checks = [
        (version, check)
        for credential in credentials
        for version in credential.versions
        for check in version.checks
    ]
    credential_ids = {credential.id.upper() for credential in credentials}
    named = {check.id.upper(): check.id for _, check in checks}  # name in capitals -> check id
    for version, check in checks:
        for alias in check.aliases:
            other = named.setdefault(alias.upper(), check.id)
            if other == check.id and alias.upper() not in credential_ids:
                continue
            raise InputError(
                version.file,
                _line_naming(version.file, alias),
                f"alias {alias!r} of {check.id} also names "
                + (f"the check {other}" if other != check.id else "a credential"),
                "give each alias to one check only, and none that is a credential's or check's id",
            )


def _line_naming(file: str, alias: str) -> str | None:
    """The line of ``file`` that lists ``alias`` under a check's ``aliases:`` (flow or block)."""
    name = re.escape(alias)
    listing = False  # inside a block-style aliases list
    for number, line in enumerate(read_text(file).splitlines(), start=1):
        if re.search(rf"\baliases:\s*\[.*(?<![\w-]){name}(?![\w-])", line):
            return f"line {number}"
        if listing and re.fullmatch(rf"\s*-\s*['\"]?{name}['\"]?\s*", line):
            return f"line {number}"
        if re.fullmatch(r"\s*aliases:\s*", line):
            listing = True
        elif not line.strip().startswith("-"):
            listing = False
    return None


def _merged(credentials: list[Credential]) -> tuple[Credential, ...]:
    """One entry per credential id: a credential's exam and recertification rules may live in
    different files (by topic), and are listed and selected together."""
    by_id: dict[str, Credential] = {}
    for credential in credentials:
        known = by_id.get(credential.id)
        by_id[credential.id] = (
            replace(known, versions=known.versions + credential.versions) if known else credential
        )
    return tuple(by_id.values())


# the fields an entry of a reference file may give beyond those it must: any other is a slip
# (a misspelt "retierd:" would leave a retired credential issued, without a word)
REFERENCE_OPTIONAL = {
    "credentials": ("apprentice_form", "aliases", "retired"),
    "policies": ("decides", "review", "review_details", "in_brief"),
}


def _reference(
    path: Path, texts: Mapping[Path, str], section: str, fields: tuple[str, ...]
) -> list[Mapping[str, Any]]:
    """The entries of a reference file (credentials.yaml, policies.yaml), each with ``fields``
    and no field but those and :data:`REFERENCE_OPTIONAL`'s."""
    text = texts[path] if path in texts else read_text(path)
    data = _cached(text, "reference", lambda: parse_text(text, str(path)))
    entries = data.get(section) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError(
            str(path),
            None,
            f"no '{section}:' list",
            f"the file must hold '{section}:' with one entry per item",
        )
    for index, entry in enumerate(entries):
        missing = [f for f in fields if not isinstance(entry, dict) or f not in entry]
        if missing:
            _fail(
                path,
                text,
                [section, index],
                f"entry {index + 1} lacks {', '.join(missing)}",
                f"give every entry: {', '.join(fields)}",
            )
        optional = REFERENCE_OPTIONAL.get(section)
        if optional is None or not isinstance(entry, dict) or not fields:
            continue
        known = (*fields, *optional)
        for key in entry:
            if key not in known:
                near = closest(str(key), known)
                _fail(
                    path,
                    text,
                    [section, index, key],
                    f"entry {index + 1} ({entry.get('id', '?')}) gives {key!r}, which is no field"
                    f" of a {section} entry" + (f" (did you mean {near!r}?)" if near else ""),
                    f"use only: {', '.join(known)}",
                )
    return entries


REGISTRY_FIELDS = ("id", "body", "name", "coding")  # every credentials.yaml entry gives these


def _registry(path: Path, texts: Mapping[Path, str]) -> Registry:
    by_name: dict[str, CredentialInfo] = {}
    text = texts[path] if path in texts else read_text(path)
    for index, entry in enumerate(_reference(path, texts, "credentials", REGISTRY_FIELDS)):
        info = CredentialInfo(
            entry["id"],
            entry["body"],
            entry["name"],
            entry["coding"],
            entry.get("apprentice_form"),
            _retirement(path, text, index, entry.get("retired")),
        )
        for name in (
            entry["id"],
            *entry.get("aliases", []),
            *([info.apprentice_form] if info.apprentice_form else []),
        ):
            by_name[name.upper()] = info
    data = _cached(text, "reference", lambda: parse_text(text, str(path)))
    return Registry(by_name, str(data.get("apprentice_suffix", "-A")))


def _retirement(path: Path, text: str, index: int, given: Any) -> Retirement | None:
    """A registry entry's ``retired: {after: DATE, note: TEXT}``: read, or refused with its place."""
    if given is None:
        return None
    where = ["credentials", index, "retired"]
    fix = "write retired: {after: YYYY-MM-DD, note: what the body says}"
    if not isinstance(given, dict) or set(given) - {"after", "note"} or "after" not in given:
        _fail(path, text, where, "retired needs the last day the credential was issued", fix)
    after = given["after"]
    try:
        day = after if isinstance(after, date) else date.fromisoformat(str(after))
    except ValueError:
        _fail(path, text, [*where, "after"], f"{after!r} is not a date", fix)
    note = given.get("note")
    if note is not None and not isinstance(note, str):
        _fail(path, text, [*where, "note"], "the note must be text", fix)
    return Retirement(day, note)


def _policies(path: Path, texts: Mapping[Path, str]) -> dict[str, Policy]:
    policies = {
        p["id"]: Policy(
            p["id"],
            p["question"],
            p["source"],
            str(p["default"]),
            {str(k): v for k, v in p["values"].items()},
            p.get("review"),
            p.get("decides", "open") == "default",
            p.get("review_details"),
            p.get("in_brief"),
        )
        for p in _reference(
            path, texts, "policies", ("id", "question", "source", "default", "values")
        )
    }
    for raw in _reference(path, texts, "policies", ()):
        if raw.get("decides", "open") not in ("open", "default") or (
            raw.get("decides") == "default" and not raw.get("review")
        ):
            raise InputError(
                str(path),
                None,
                f"policy {raw['id']}: decides must be 'open' or 'default', and 'default' needs a review text",
                "write decides: default with review: what a person must check, or leave both out",
            )
    for policy in policies.values():
        if policy.default not in policy.values:
            raise InputError(
                str(path),
                None,
                f"policy {policy.id}: default {policy.default!r} is not one of its values",
                f"use one of: {', '.join(policy.values)}",
            )
    return policies


def _load_file(
    path: Path,
    text: str,
    facts: FactBook,
    policies: Mapping[str, Policy],
    lint: Callable[[Path, str, Mapping[str, Any]], None] | None = None,
) -> list[Credential]:
    """The credentials a rule file defines: one, or one per entry of ``credentials`` sharing the rules.

    From the cache when it holds this file's text: no YAML, no schema validation, no filling in,
    and leaves compiled on first use (their reads are cached); every check below still runs, and
    ``lint`` (the linter's checks, raising the first error) on the filled data first.
    """
    entry, key = _cache_entry(text, "rule")
    value = _cache_read(entry, key)
    if value is None:
        value = file_value(path, text)
        known = None
    else:
        known = value["reads"]
    if lint is not None:
        lint(path, text, value)
    credentials = [
        _credential(path, text, credential, value["body"], versions, facts, policies, known)
        for credential, versions in value["entries"]
    ]
    if known is None:
        _store(entry, key, {**value, "reads": _reads_of(credentials)})
    return credentials


def file_value(path: Path, text: str) -> dict[str, Any]:
    """A rule file's data as the loader keeps it: parsed, no deeper than :data:`MAX_DEPTH`,
    schema-valid, with ``{credential}`` filled in per entry: ``{"body", "entries": [[entry,
    versions], ...]}``. A broken file is an :class:`InputError` naming the place."""
    data = parse_text(text, str(path))
    locate = locator(text)
    refuse_deeper_than(data, MAX_DEPTH, str(path), locate)
    validate(data, "rule", str(path), locate)

    def fail(where: list, problem: str, fix: str) -> None:
        _fail(path, text, where, problem, fix)

    whole = expanded(data["versions"], fail)
    if whole != data["versions"]:  # a version written as changes: the result must be whole
        validate({**data, "versions": whole}, "rule", str(path), locate)
    check_names(whole, [entry["id"] for entry in data["credentials"]], fail)
    return {
        "body": data["body"],
        "entries": [[entry, for_credential(whole, entry)] for entry in data["credentials"]],
    }


# --- what the linter's checks compare rules with (eligibility/rulebook/rulecheck.py) -------------------


def lint_context(
    root: Path,
    texts: Mapping[Path, str],
    policies: Mapping[str, Policy] | None,
    facts: FactBook | None,
) -> Context:
    """The facts, policies and credentials a rule book knows, for :mod:`eligibility.rulebook.rulecheck`.

    The one place that says which facts exist (those the fact files define), which of them list
    credential ids (the lists under ``credentials``) and which free keys (``recert.*``) are
    credential ids (every ``*`` but a policy's). ``policies`` None: policies.yaml could not be
    read; ``facts`` None: a fact file could not be (every fact is then taken as known); a
    registry that cannot be read is left out the same way (the linter reports all three).
    """
    from eligibility.rulebook import rulecheck

    def fact(path: str) -> Mapping[str, Any] | None:
        if facts is None:
            return {}
        entry = facts.entry(path)
        if entry is None:
            return None
        return {
            **({"type": entry.type} if entry.type is not None else {}),
            "x-policies": list(entry.policies),
            "x-grows": entry.grows,
        }

    paths = tuple(facts.paths) if facts is not None else ()
    path = root / "credentials.yaml"
    defined_in = {d.name: Path(d.file) for d in facts.definitions} if facts is not None else {}
    folders = {}  # a body's facts are in rules/<body>/facts.yaml; shared ones at the top
    for fact_path in paths:
        name = fact_path
        while name not in defined_in and "." in name:  # aapc.last.ceus: defined by aapc
            name = name.rpartition(".")[0]
        folder = defined_in[name].parent if name in defined_in else root
        if folder != root and folder.is_relative_to(root):
            folders[fact_path] = folder.relative_to(root).parts[0]
    try:
        registry = tuple(_reference(path, texts, "credentials", REGISTRY_FIELDS))
        registry_text = texts[path] if path in texts else read_text(path)
    except InputError:
        registry, registry_text = None, ""
    from eligibility.rulebook.factcheck import sections  # it imports rulecheck, as this does

    return rulecheck.Context(
        fact=fact,
        fact_paths=paths,
        fact_folders=folders,
        records={name: frozenset(part.fields()) for name, part in sections().items()},
        credential_lists=frozenset(
            name
            for name in paths
            if name.startswith("credentials.") and (fact(name) or {}).get("type") == "array"
        ),
        credential_keyed=frozenset(
            name for name in paths if name.endswith(".*") and not name.startswith("policies.")
        ),
        policies=None
        if policies is None
        else {policy.id: tuple(policy.values) for policy in policies.values()},
        registry=registry,
        registry_file=str(path),
        registry_text=registry_text,
    )


def _reads_of(credentials: list[Credential]) -> dict[str, list[str]]:
    """Every compiled expression's reads, by :func:`logic_key`, for the cache."""
    reads: dict[str, list[str]] = {}
    for credential in credentials:
        for version in credential.versions:
            for check in version.checks:
                compiled = [check.applies_logic, check.standing_not_met]
                for root in (check.requires, check.recommends):
                    for node in root.walk() if root else ():
                        compiled += [node.logic, *(node.sides[1:] if node.sides else ())]
                for logic in compiled:
                    key = logic_key(logic.source) if logic else None
                    if key is not None:
                        reads[key] = list(logic.reads)
    return reads


def cache_dir() -> Path | None:
    """Where parsed rule files are cached; None when ``ELIGIBILITY_NO_CACHE`` is set, or when
    the directory is another user's (its entries decide verdicts, and a kept book is code:
    nothing is read from there or written to it).

    A directory of ours that others may write to (made so by a umask of 002, or by an earlier
    version) is made private first; each entry in it is still read only if it is ours and only
    we can write it (:func:`eligibility.cache.cache_root`).
    """
    root = cache_root()
    if not root:
        return None
    try:
        status = os.stat(root)
    except OSError:  # not there yet: made private on the first write
        return Path(root)
    if not _ours(status) and _owned(status):
        with contextlib.suppress(OSError):
            os.chmod(root, status.st_mode & 0o7777 & ~0o022)
            status = os.stat(root)
    return Path(root) if _ours(status) else None


@cache
def _code_key() -> bytes:
    """A digest of everything besides a file's text that decides its cached value.

    The rule schema; the modules that parse, validate, fill and compile (a changed line there
    must not serve data the new code would not produce); the YAML version and the jsonschema_rs
    and datalogic-py builds (size and time of their compiled modules). Python jsonschema is not
    in it: a cached file passed it or jsonschema_rs, and importing it to ask costs 0.1 s.
    """
    import yaml

    digest = _hash(f"{CACHE_FORMAT} {yaml.__version__}".encode())
    for package in ("jsonschema_rs", "datalogic_py"):
        digest.update(_build_of(package).encode())
    here = Path(__file__).resolve().parent.parent  # the package
    sources = (
        "rulebook/rules.py",
        "rulebook/versions.py",
        "rulebook/rulecheck.py",
        "rulebook/factcheck.py",
        "inputs/yamlio.py",
        "inputs/validation.py",
        "logic.py",
    )
    for source in sources:
        digest.update((here / source).read_bytes())
    digest.update(schema_file("rule").read_bytes())
    digest.update(schema_file("fact-file").read_bytes())
    digest.update(schema_file("profile").read_bytes())  # the fields fact files may read
    return digest.digest()


def _build_of(package: str) -> str:
    """Names, sizes and times of ``package``'s compiled extension modules, found without importing
    it: importing jsonschema_rs costs ~20 ms, and a warm ``list`` or ``show`` never validates."""
    from importlib.machinery import EXTENSION_SUFFIXES
    from importlib.util import find_spec

    spec = find_spec(package)
    folders = (spec.submodule_search_locations or []) if spec else []
    if not folders:
        raise OSError(f"{package} is not installed")  # no build to key on: no caching
    found = []
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            if name.endswith(tuple(EXTENSION_SUFFIXES)):
                stat = os.stat(os.path.join(folder, name))
                found.append(f" {name} {stat.st_size} {stat.st_mtime_ns}")
    return "".join(found)


def _cache_entry(text: str, kind: str) -> tuple[Path | None, str]:
    """The cache file for ``text`` (None when caching is off or cannot be keyed) and its key."""
    folder = cache_dir()
    if folder is None:
        return None, ""
    try:
        key = _hash(_code_key() + kind.encode() + text.encode("utf-8")).hexdigest()
    except OSError:  # the sources or the schema cannot be read: nothing to key on
        return None, ""
    return folder / f"{kind}-{key}.json", key


def _owned(status: os.stat_result) -> bool:
    return status.st_uid == os.getuid() if hasattr(os, "getuid") else True


def _ours(status: os.stat_result) -> bool:
    """An entry (or folder) this user made and nobody else can write."""
    return _owned(status) and not status.st_mode & 0o022


def _cache_read(entry: Path | None, key: str) -> Any:
    """The value stored under ``key``, or None: no entry, a damaged one, or another key."""
    if entry is None:
        return None
    try:
        with entry.open("rb") as handle:
            if not _ours(os.fstat(handle.fileno())):
                return None  # written by someone else: it could change verdicts, so not read
            stored = orjson.loads(handle.read())
    except (OSError, ValueError):
        return None
    if isinstance(stored, dict) and stored.get("key") == key and "value" in stored:
        return stored["value"]
    return None


def _cached(text: str, kind: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` (parsing ``text``), from the cache when it holds this text.

    A cache that cannot be read or written (no home, read-only disk, a damaged entry) costs
    time only: the value is computed as if there were no cache.
    """
    entry, key = _cache_entry(text, kind)
    value = _cache_read(entry, key)
    if value is None:
        value = compute()
        _store(entry, key, value)
    return value


def _store(entry: Path | None, key: str, value: Any) -> None:
    """Write one cache entry atomically (a temporary file, then a rename); never raise.

    Only a value that comes back from JSON unchanged is stored, so a hit equals a fresh parse.
    """
    if entry is None:
        return
    import tempfile  # only on a miss: ~7 ms to import

    temporary = None
    try:
        blob = orjson.dumps({"key": key, "value": value})
        if orjson.loads(blob)["value"] != value:  # e.g. a tuple or NaN would come back changed
            return
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(handle, "wb") as out:
            out.write(blob)
        os.replace(temporary, entry)
    except (OSError, TypeError, ValueError):  # TypeError: a value JSON cannot hold
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


# --- the whole book, kept built ---------------------------------------------------------------
#
# Building the book from cached files still makes ~5,000 objects and runs every check on them
# (~30 ms of each start-up). When no file, schema or loading code has changed since, the book
# built then is read back instead (~10 ms): a pickle, which runs code as it loads, so it is read
# only from an entry this user wrote and nobody else can write, after its key and checksum
# match, and it may name only the rule book's own classes.

BOOK_CLASSES = frozenset(
    {
        ("datetime", "date"),
        ("eligibility.facts.registry", "CredentialInfo"),
        ("eligibility.facts.registry", "Registry"),
        ("eligibility.facts.book", "Definition"),
        ("eligibility.facts.book", "FactBook"),
        ("eligibility.facts.book", "FactPath"),
        ("eligibility.facts.book", "Slot"),
        ("builtins", "frozenset"),
        ("eligibility.logic", "Compiled"),
        *(
            ("eligibility.rulebook.rules", name)
            for name in (
                "Check",
                "Credential",
                "Node",
                "Policy",
                "RuleBook",
                "Source",
                "StandingStep",
                "TimeAssumption",
                "FirstRecord",
                "Version",
            )
        ),
    }
)


def _book_entry(root: Path, texts: Mapping[Path, str]) -> tuple[Path | None, bytes]:
    """The cache file for the book built from ``texts`` and its key (None: caching is off).

    The key covers the loading code (:func:`_code_key`), the ``facts`` package (whose classes
    the book holds), the directory and every file's name and text (the fact
    files among them: a read no fact defines any more must be refused)."""
    folder = cache_dir()
    if folder is None:
        return None, b""
    try:
        # the book's paths are as the directory was given (reports show them): key on that
        where = str(root) if root.is_absolute() else os.path.join(os.getcwd(), str(root))
        digest = _hash(_code_key() + b"book" + os.fsencode(f"{where}\0{root}"))
        for source in sorted(
            (Path(__file__).parent.parent / "facts").glob("*.py")
        ):  # classes it holds
            digest.update(source.read_bytes())
        for path, text in texts.items():
            data = text.encode("utf-8")
            digest.update(f"\0{path.relative_to(root).as_posix()}\0{len(data)}\0".encode())
            digest.update(data)
    except OSError:  # the code or a schema cannot be read: nothing to key on
        return None, b""
    key = digest.digest()
    return folder / f"book-{key.hex()[:32]}.pickle", key


def _unpickled_book(data: bytes) -> Any:
    """A kept book, refusing any class but the book's own (:data:`BOOK_CLASSES`).

    The C unpickler itself (``_pickle``): the ``pickle`` module around it costs ~2 ms of every
    start-up to import and adds nothing a load needs."""
    import io

    try:
        from _pickle import Unpickler, UnpicklingError
    except ImportError:  # pragma: no cover - an interpreter without the C unpickler
        from pickle import Unpickler, UnpicklingError

    class Restricted(Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if (module, name) not in BOOK_CLASSES:
                raise UnpicklingError(f"{module}.{name} is not part of a rule book")
            return super().find_class(module, name)

    return Restricted(io.BytesIO(data)).load()


def _book_read(entry: Path | None, key: bytes) -> RuleBook | None:
    """The book kept under ``key``; None when there is none, or it is another's, damaged or stale."""
    if entry is None:
        return None
    try:
        with entry.open("rb") as handle:
            if not _ours(os.fstat(handle.fileno())):
                return None
            data = handle.read()
        payload = memoryview(data)[96:]
        if data[:64] != key or data[64:96] != _hash(payload, digest_size=32).digest():
            return None
        book = _unpickled_book(bytes(payload))
    except Exception:  # any damage costs time only: the book is built instead
        return None
    if not isinstance(book, RuleBook):
        return None
    with contextlib.suppress(OSError):  # in use: pruned last (_prune keeps the newest)
        os.utime(entry)
    return book


def _book_store(entry: Path | None, key: bytes, book: RuleBook) -> None:
    """Keep ``book`` under ``key`` (atomically, a temporary file then a rename); never raise."""
    if entry is None:
        return
    import pickle
    import tempfile

    temporary = None
    try:
        payload = pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL)
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(handle, "wb") as out:
            out.write(key + _hash(payload, digest_size=32).digest() + payload)
        os.replace(temporary, entry)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return
    _prune(entry.parent, "book-*.pickle", KEPT_BOOKS)
    _prune(entry.parent, "rule-*.json", KEPT_FILES)
    _prune(entry.parent, "reference-*.json", KEPT_FILES)
    _prune(entry.parent, "facts-*.json", KEPT_FILES)


def _prune(folder: Path, pattern: str, kept: int) -> None:
    """Remove all but the ``kept`` newest entries matching ``pattern`` (a book is kept after each
    change to the rules, so old ones would pile up); an entry removed costs a rebuild at most.
    A book read back is touched, so "newest" is "last used" for books."""
    try:
        entries = sorted(
            ((path.stat().st_mtime_ns, path) for path in folder.glob(pattern)), reverse=True
        )
        for _, path in entries[kept:]:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def _credential(
    path: Path,
    text: str,
    entry: Mapping[str, Any],
    body: str,
    raw_versions: list,
    facts: FactBook,
    policies: Mapping[str, Policy],
    known: Mapping[str, list[str]] | None = None,
) -> Credential:
    """One credential's versions from filled rule data; ``known``: cached reads (see compile_logic)."""
    found = []
    for vi, raw in numbered(raw_versions):
        here = ["versions", vi]
        for policy in raw.get("open_policies", []):
            if policy not in policies:
                _fail(
                    path,
                    text,
                    [*here, "open_policies"],
                    f"unknown policy {policy!r}",
                    f"use one of: {', '.join(policies)}",
                )
        checks = tuple(
            _check(path, text, [*here, "checks", ci], c, facts, raw.get("open_policies", []), known)
            for ci, c in enumerate(raw["checks"])
        )
        force = raw["in_force"]
        found.append(
            Version(
                credential=entry["id"],
                body=body,
                name=entry["name"],
                file=str(path),
                id=raw["id"],
                version=raw["version"],
                title=raw.get("title"),
                valid_from=date.fromisoformat(force["from"]) if force.get("from") else None,
                valid_until=date.fromisoformat(force["until"]) if force.get("until") else None,
                in_force_note=force.get("note"),
                preferred=raw.get("preferred", False),
                confidence=raw["confidence"],
                sources=tuple(
                    Source(
                        s["id"], s["confidence"], s.get("title"), s.get("url"), s.get("used_for")
                    )
                    for s in raw["sources"]
                ),
                disagreements=tuple(raw.get("disagreements", [])),
                open_policies=tuple(raw.get("open_policies", [])),
                notes=tuple(raw.get("notes", [])),
                checks=checks,
                called=entry.get("called"),
            )
        )
    _check_overlaps(path, text, found, [vi for vi, _ in numbered(raw_versions)])
    return Credential(
        entry["id"],
        body,
        entry["name"],
        entry.get("setting"),
        str(path),
        tuple(found),
        entry.get("id_confidence"),
    )


def _check(
    path: Path, text: str, where: list, raw: Mapping[str, Any], facts, open_policies, known=None
) -> Check:
    ids: set[str] = set()
    requires = _node(
        path, text, [*where, "requires"], raw["requires"], facts, open_policies, ids, known
    )
    recommends = (
        _node(
            path, text, [*where, "recommends"], raw["recommends"], facts, open_policies, ids, known
        )
        if "recommends" in raw
        else None
    )
    applies = raw.get("applies_when")
    return Check(
        id=raw["id"],
        aliases=tuple(raw.get("aliases", [])),
        kind=raw["kind"],
        question=raw["question"],
        outcome_met=raw["outcome"]["met"],
        outcome_not_met=raw["outcome"]["not_met"],
        outcome_because=tuple(raw["outcome"].get("because", {}).items()),
        outcome_not_met_because=raw["outcome"].get("not_met_because"),
        requires=requires,
        recommends=recommends,
        applies_text=applies["text"] if applies else None,
        applies_logic=_compile(
            path,
            text,
            [*where, "applies_when", "logic"],
            applies["logic"],
            facts,
            open_policies,
            known,
        )
        if applies
        else None,
        standing_met=raw["standing"]["met"] if "standing" in raw else None,
        standing_not_met=_compile(
            path,
            text,
            [*where, "standing", "not_met"],
            raw["standing"]["not_met"],
            facts,
            open_policies,
            known,
            frozenset(ids),
        )
        if "standing" in raw
        else None,
        standing_fix=tuple(
            (
                standing,
                tuple(
                    _standing_step(
                        path,
                        text,
                        [*where, "standing", "fix", standing, i],
                        step,
                        facts,
                        open_policies,
                        known,
                    )
                    for i, step in enumerate([steps] if isinstance(steps, str | dict) else steps)
                ),
            )
            for standing, steps in raw.get("standing", {}).get("fix", {}).items()
        ),
        hide_recommends=frozenset(raw.get("standing", {}).get("hide_recommends", ())),
    )


def _standing_step(
    path: Path, text: str, where: list, raw: str | Mapping[str, Any], facts, open_policies, known
) -> StandingStep:
    """A way forward for a standing: words alone, or ``{text, when, corrects}``."""
    if isinstance(raw, str):
        return StandingStep(raw)
    when = raw.get("when")
    return StandingStep(
        raw["text"],
        _compile(path, text, [*where, "when"], when, facts, open_policies, known)
        if when is not None
        else None,
        bool(raw.get("corrects", False)),
    )


def _node(
    path: Path,
    text: str,
    where: list,
    raw: Mapping[str, Any],
    facts,
    open_policies,
    ids: set[str],
    known=None,
) -> Node:
    if raw["id"] in ids:
        _fail(
            path,
            text,
            [*where, "id"],
            f"condition id {raw['id']!r} is used twice in this check",
            "give each condition its own id",
        )
    ids.add(raw["id"])
    common = dict(
        id=raw["id"],
        text=raw["text"],
        name=raw.get("name"),
        measure=raw.get("measure"),
        unit=raw.get("unit"),
        fix=raw.get("fix"),
        fix_unsure=raw.get("fix_unsure"),
        fix_after=raw.get("fix_after"),
        takes=raw["takes"]["months"] if "takes" in raw else None,
        details=raw.get("details"),
        details_when=tuple(raw.get("details_when", ("not_met", "unknown"))),
        shown_if=raw.get("shown_if"),
        hidden_if=raw.get("hidden_if"),
        warning=raw.get("warning", False),
        sources=tuple(raw.get("sources", [])),
        confidence=raw.get("confidence"),
        note=raw.get("note"),
        assumes=raw.get("assumes", {}).get("text"),
        assumes_when=tuple(raw.get("assumes", {}).get("when", ())),
        assumes_unless=_unless(path, text, where, raw, facts, open_policies, known),
        closes_with_time=_time_assumption(raw.get("closes_with_time")),
        fix_when=_compile(
            path, text, [*where, "fix_when"], raw["fix_when"], facts, open_policies, known
        )
        if "fix_when" in raw
        else None,
    )
    named = [(key, raw.get(key), [*where, key]) for key in ("details", "shown_if", "hidden_if")]
    unless = raw.get("assumes", {}).get("unless")
    if isinstance(unless, str):
        named.append(("unless", unless, [*where, "assumes", "unless"]))
    for _, fact, place in named:
        if fact and facts.entry(fact) is None:
            _fail(
                path,
                text,
                place,
                f"unknown fact {fact!r}",
                _did_you_mean(fact, facts) + "name a fact a fact file defines (docs/facts.md)",
            )
    for kind in ("all", "any"):
        if kind in raw:
            children = tuple(
                _node(path, text, [*where, kind, i], child, facts, open_policies, ids, known)
                for i, child in enumerate(raw[kind])
            )
            return Node(kind=kind, children=children, **common)
    logic = _compile(path, text, [*where, "logic"], raw["logic"], facts, open_policies, known)
    sides = comparison_sides(raw["logic"])
    compiled_sides = (
        (sides[0], compile_logic(sides[1], known), compile_logic(sides[2], known))
        if sides
        else None
    )
    entries = [(read, facts.entry(read)) for read in logic.reads]
    return Node(
        kind="leaf",
        logic=logic,
        sides=compiled_sides,
        supply=tuple((read, entry.supply) for read, entry in entries if entry and entry.supply),
        grows=any(entry and entry.grows for _, entry in entries),
        words=tuple(
            (code, word)
            for _, entry in entries
            if entry and entry.words
            for code, word in entry.words.items()
        ),
        **common,
    )


def _unless(
    path: Path, text: str, where: list, raw: Mapping[str, Any], facts, open_policies, known
) -> Compiled | None:
    """A condition's ``assumes.unless``: JsonLogic over the facts, or a fact's name (true when
    the fact is)."""
    unless = raw.get("assumes", {}).get("unless")
    if unless is None:
        return None
    if isinstance(unless, str):
        return compile_logic({"var": unless}, known)
    return _compile(path, text, [*where, "assumes", "unless"], unless, facts, open_policies, known)


def _time_assumption(raw: Mapping[str, Any] | None) -> TimeAssumption | None:
    if raw is None:
        return None
    first = raw.get("first")
    return TimeAssumption(
        raw["assuming"],
        tuple((r["records"], r["field"], r["when"]) for r in raw.get("redate", ())),
        tuple(raw.get("now_when_met", ())),
        None
        if first is None
        else FirstRecord(
            first["assuming"],
            first["records"],
            first["for"],
            first["link"],
            first["field"],
            tuple(sorted(first.get("values", {}).items())),
            tuple(sorted(first.get("copy", {}).items())),
            compile_logic(first["where"]) if "where" in first else None,
        ),
    )


def _compile(
    path: Path,
    text: str,
    where: list,
    expression: Any,
    facts: FactBook,
    open_policies,
    known: Mapping[str, list[str]] | None = None,
    conditions: frozenset[str] = frozenset(),
) -> Compiled:
    """``expression`` compiled, its reads checked; ``conditions``: the check's condition ids a
    standing may read (``conditions.last-period``: whether that condition is met)."""
    try:
        compiled = compile_logic(expression, known)
    except LogicError as error:
        _fail(
            path,
            text,
            where,
            f"invalid JsonLogic: {error}",
            "use standard JsonLogic operators (jsonlogic.com/operations.html)",
        )
    if not compiled.complete:  # its reads could not be checked below, nor its policies known
        _fail(
            path,
            text,
            where,
            "reads facts that are only known as it runs (a computed or empty var)",
            'name every fact it reads, as {"var": "experience.aapc_months"}',
        )
    for read in compiled.reads:
        if read.startswith("policies."):
            policy = read.removeprefix("policies.")
            if policy not in open_policies:
                _fail(
                    path,
                    text,
                    where,
                    f"reads policy {policy!r}, which this version does not name",
                    f"add {policy} to this version's open_policies (rules/policies.yaml lists them)",
                )
            continue
        if read.startswith(CONDITIONS) and read.removeprefix(CONDITIONS) in conditions:
            continue
        entry = facts.entry(read)
        if entry is None:
            _fail(
                path,
                text,
                where,
                f"reads unknown fact {read!r}",
                _did_you_mean(read, facts) + "use a fact a fact file defines (docs/facts.md)",
            )
        for policy in entry.policies:
            if policy not in open_policies:
                _fail(
                    path,
                    text,
                    where,
                    f"reads {read!r}, which depends on policy {policy!r}",
                    f"add {policy} to this version's open_policies",
                )
    return compiled


def _did_you_mean(read: str, facts: FactBook) -> str:
    return did_you_mean(read, [p for p in facts.paths if "*" not in p])


def _check_overlaps(path: Path, text: str, versions: list[Version], places: list[int]) -> None:
    """Versions of one check may overlap in time only if exactly one of them is preferred;
    ``places``: each version's place in the file, to name the one to end."""
    for i, first in enumerate(versions):
        for j in range(i + 1, len(versions)):
            second = versions[j]
            shared = {c.id for c in first.checks} & {c.id for c in second.checks}
            start = max(first.valid_from or date.min, second.valid_from or date.min)
            end = min(first.valid_until or date.max, second.valid_until or date.max)
            if shared and start <= end and first.preferred == second.preferred:
                begins = [v.valid_from or date.min for v in (first, second)]
                earlier = 0 if begins[0] < begins[1] else 1 if begins[1] < begins[0] else None
                problem, fix = overlap_words(
                    f"{first.id} and {second.id}",
                    start,
                    first.preferred,
                    None if earlier is None else (first, second)[earlier].id,
                    None if earlier is None else begins[1 - earlier],
                )
                where = ["versions", places[(i, j)[earlier or 0]], "in_force"]
                _fail(path, text, where if earlier is not None else ["versions"], problem, fix)


def _fail(path: Path, text: str, where: list, problem: str, fix: str):
    line = line_of(text, where)
    raise InputError(str(path), place_of(where, line), problem, fix)
