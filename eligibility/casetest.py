"""Rule test cases: what the rules must answer for a profile, checked by ``eligibility test``.

A case is a YAML file beside the rules (``rules/tests/*.yaml``, ``schemas/case.schema.json``,
docs/rule-tests.md): a profile, a date, policies and expectations per check and per condition,
plus further runs under other dates or policies. :func:`find_cases` collects case files,
:func:`load_case` reads one (schema-checked: a misspelt key is an error, never a skipped
expectation), :func:`run_case` answers it with the API ``check`` uses and judges every
expectation, and :func:`text_report` / :func:`json_report` say how it went.

Names a case uses (checks, versions, policies, conditions) must exist in the rule book it runs
against: a case naming something that is not there is an input error with a did-you-mean, not
a failed expectation, because nothing was tested.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from eligibility.api import check_profile, parse_policies
from eligibility.engine.results import MET, CheckResult, NodeResult, closest_pathway, lacking_leaves
from eligibility.errors import InputError, did_you_mean, fault, place_of
from eligibility.inputs.profiles import Profile, load_profile, profile_from_data, read_text
from eligibility.inputs.validation import validate
from eligibility.inputs.yamlio import parse_text, value_lines
from eligibility.report.amounts import quantity
from eligibility.report.explain import Explanation, explain
from eligibility.report.render import explanation_text
from eligibility.resources import data_dir
from eligibility.rulebook.rulecheck import is_number_text
from eligibility.rulebook.rules import REFERENCE_FILES, TESTS_FOLDER, RuleBook

PROFILES_FOLDER = "profiles"  # inside a tests folder: profiles the cases read, not cases
TOLERANCE = 1e-3  # numbers found are months, hours and CEUs: a thousandth is well below a day

CHECK_ASPECTS = ("status", "standing", "version", "closest")  # the others: actions, per condition

PASSED, FAILED, ERROR = "passed", "failed", "error"

_STATUS_WORDS = {
    "met": "met",
    "not_met": "not met",
    "unknown": "unknown",
    "ambiguous": "ambiguous (depends on an open question)",
    "not_applicable": "does not apply",
    "no_rules": "no rules in force",
}
_ASPECT_WORDS = {
    "status": "the answer",
    "standing": "the standing",
    "version": "the rule version that answered",
    "closest": "the closest pathway",
    "actions": "a way forward",
    "conditions": "the answer",
    "default_status": "the answer under the policies in effect alone",
    "found": "the value found",
    "shortfall": "the shortfall",
    "reached_on": "the day it is reached",
    "says": "a phrase of the text answer",
    "says_not": "a phrase the text answer must not hold",
}
TEXT_ASPECTS = ("says", "says_not")  # phrases of the text answer, one expectation each


@dataclass(frozen=True)
class Expectation:
    """One thing a case expects, and where it is written."""

    run: int  # 0: the case's own date and policies; n: its runs[n - 1]
    check: str  # as written: CPC-A-removal, or CCS-exam@CCS-LEG
    aspect: str  # a key of the check's expectations: status, found, actions ...
    condition: str | None  # for the per-condition aspects
    expected: Any
    path: tuple[str | int, ...]  # in the case file
    line: int | None

    @property
    def place(self) -> str:
        return place_of(self.path, self.line)


@dataclass(frozen=True)
class Run:
    """One evaluation of a case's profile: a date, policies and what it must give."""

    number: int
    as_of: date
    policies: Mapping[str, str]
    policy_places: Mapping[str, str]  # policy id -> where the case sets it
    expectations: tuple[Expectation, ...]

    @property
    def label(self) -> str:
        """How messages name a further run ("" for the case's own)."""
        if not self.number:
            return ""
        settings = ", ".join(f"{k}={v}" for k, v in self.policies.items())
        return f"run {self.number}: as of {self.as_of}" + (f", {settings}" if settings else "")


@dataclass(frozen=True)
class Case:
    """A case file, read and schema-checked."""

    file: str
    about: str | None
    catalogue: str | None
    profile: Profile
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class Outcome:
    """An expectation judged: whether it holds, and what the rules gave instead."""

    expectation: Expectation
    passed: bool
    actual: Any
    note: str | None = None  # why there is nothing to compare, in words
    # for an answer other than expected: the conditions that decided it, and how to see it all
    why: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseResult:
    """A case's outcomes, or the error that kept it from being run."""

    file: str
    case: Case | None
    outcomes: tuple[Outcome, ...] = ()
    error: InputError | None = None

    @property
    def status(self) -> str:
        if self.error is not None:
            return ERROR
        return PASSED if all(o.passed for o in self.outcomes) else FAILED

    @property
    def failures(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.passed)


@dataclass(frozen=True)
class Summary:
    """Counts over a test run."""

    cases: int
    passed: int
    failed: int
    errors: int
    expectations: int
    unmet: int


# --- finding and reading cases ------------------------------------------------------------------


def find_cases(paths: Sequence[str | Path], rules_dir: str | Path) -> list[Path]:
    """Case files: those named, and every ``*.yaml`` in the folders named (but their
    ``profiles/`` folders); the rules directory's ``tests/`` folder when none is named."""
    if not paths:
        folder = Path(rules_dir) / TESTS_FOLDER
        if not folder.is_dir():
            raise InputError(
                _shown(folder),
                None,
                "the rules directory has no tests folder",
                "add test cases there (docs/rule-tests.md), or name case files or folders",
            )
        paths = [folder]
    found: dict[Path, None] = {}
    for given in map(Path, paths):
        if given.is_file():
            found[given] = None
        elif given.is_dir():
            inside = sorted(
                p
                for p in given.rglob("*.yaml")
                if PROFILES_FOLDER not in p.relative_to(given).parts[:-1]
            )
            if not inside:
                raise InputError(
                    _shown(given), None, "no test cases (*.yaml) in this folder", "name another"
                )
            found.update(dict.fromkeys(inside))
        else:
            raise InputError(_shown(given), None, "no such file or folder", "check the path")
    return [Path(_shown(path)) for path in found]


def _shown(path: Path) -> str:
    """A path as messages give it: relative to the working directory when it lies inside it."""
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)
    return str(path)


def load_case(path: str | Path) -> Case:
    """Read and check the case at ``path`` and the profile it names."""
    file = str(path)
    text = read_text(path)
    data = parse_text(text, file)
    if not isinstance(data, dict):
        raise InputError(
            file,
            None,
            "a test case must be a mapping of fields (case_format: 1, profile: ...)",
            "see docs/rule-tests.md for an example",
        )
    lines = value_lines(text)
    validate(data, "case", file, lambda at: _nearest_line(lines, at))
    profile = _profile(Path(path), data["profile"], lines)
    runs = []
    for number, run in enumerate([data, *data.get("runs", [])]):
        where: tuple[str | int, ...] = ("runs", number - 1) if number else ()
        # a run's policies are added to the case's (a run's value wins), never to another run's
        settings = [((), data)] + ([(where, run)] if number else [])
        policies, places = {}, {}
        for prefix, source in settings:
            for policy, value in source.get("policies", {}).items():
                at = (*prefix, "policies", policy)
                policies[policy], places[policy] = value, place_of(at, lines.get(at))
        expectations = _expectations(number, run["expect"], (*where, "expect"), lines)
        as_of = date.fromisoformat(run.get("as_of", data["as_of"]))
        runs.append(Run(number, as_of, policies, places, tuple(expectations)))
    return Case(file, data.get("about"), data.get("catalogue"), profile, tuple(runs))


def _expectations(
    run: int, expect: Mapping[str, Any], where: tuple[str | int, ...], lines: Mapping[tuple, int]
) -> Iterator[Expectation]:
    """Each expectation of ``expect`` (check -> aspects), in the order written."""
    for check, aspects in expect.items():
        for aspect, value in aspects.items():
            path = (*where, check, aspect)
            if aspect in CHECK_ASPECTS:
                yield Expectation(run, check, aspect, None, value, path, lines.get(path))
            elif aspect == "actions" or aspect in TEXT_ASPECTS:
                for index, way in enumerate(value):
                    at = (*path, index)
                    yield Expectation(run, check, aspect, None, way, at, lines.get(at))
            else:  # conditions, default_status, found, shortfall, reached_on
                for condition, wanted in value.items():
                    at = (*path, condition)
                    yield Expectation(run, check, aspect, condition, wanted, at, lines.get(at))


def _profile(case: Path, given: str | dict, lines: Mapping[tuple, int]) -> Profile:
    """The case's profile: written inline, or read from a path relative to the case file."""
    place = place_of(["profile"], lines.get(("profile",)))
    if isinstance(given, dict):

        def locate(at: list[str | int]) -> int | None:
            return _nearest_line(lines, ["profile", *at])

        try:
            return profile_from_data(given, str(case), locate)
        except InputError as error:  # its places are within the profile: say so
            inner = (error.place or "").replace("$", "$.profile", 1)
            raise InputError(error.file, inner or place, error.problem, error.fix) from None
    target = case.parent / given
    home = _rules_home(case)
    if home is not None and not target.resolve().is_relative_to(home):
        raise InputError(
            str(case),
            place,
            f"the profile {given!r} lies outside the rules directory {_shown(home)}, so a copy"
            " of the rules would lose it",
            f"move it into {_shown(home / TESTS_FOLDER / PROFILES_FOLDER)} (or write the profile"
            " under profile:) and give its path relative to this file",
        )
    if not target.is_file():
        raise InputError(
            str(case),
            place,
            f"no profile file at {given!r} ({_shown(target)})",
            "give the profile's path relative to this case file, e.g. profiles/NAME.yaml",
        )
    return load_profile(target)


def _rules_home(case: Path) -> Path | None:
    """The rules directory a case belongs to: the one whose ``tests/`` folder holds it."""
    for folder in case.resolve().parents:
        if folder.name == TESTS_FOLDER and (folder.parent / REFERENCE_FILES[0]).is_file():
            return folder.parent
    return None


def _nearest_line(lines: Mapping[tuple, int], path: Sequence[str | int]) -> int | None:
    """The line of ``path``, or of the nearest value above it that has one."""
    for end in range(len(path), 0, -1):
        if tuple(path[:end]) in lines:
            return lines[tuple(path[:end])]
    return None


# --- running cases ------------------------------------------------------------------------------


def run_cases(paths: Iterable[str | Path], book: RuleBook) -> tuple[CaseResult, ...]:
    """Every case at ``paths`` against ``book``; a case that cannot be read or run is reported
    as an error and the others still run."""
    results = []
    for path in paths:
        try:
            results.append(run_case(load_case(path), book))
        except InputError as error:
            results.append(CaseResult(str(path), None, error=error))
        except Exception as error:  # a fault of this program: this case only
            fix = "report it with this case file; every other case was run"
            results.append(CaseResult(str(path), None, error=fault(str(path), error, fix)))
    return tuple(results)


def run_case(case: Case, book: RuleBook) -> CaseResult:
    """Answer every run of ``case`` with ``book`` and judge each expectation."""
    outcomes: list[Outcome] = []
    for run in case.runs:
        outcomes += _judge_run(case, run, book)
    return CaseResult(case.file, case, tuple(outcomes))


def _judge_run(case: Case, run: Run, book: RuleBook) -> list[Outcome]:
    policies = _policies(case, run, book)
    # every name is known before anything is evaluated
    selected = {e.check: _selected(case, e, book) for e in run.expectations}
    report = check_profile(case.profile, list(selected), run.as_of, policies, book)
    by_selection = dict(zip(book.wanted(selected), report.results, strict=True))
    explanations: dict[int, Explanation] = {}
    outcomes = []
    for expectation in run.expectations:
        result = by_selection[selected[expectation.check]]
        if id(result) not in explanations:
            explanations[id(result)] = explain(result, book.policies)
        explanation = explanations[id(result)]
        if expectation.aspect in TEXT_ASPECTS:
            outcomes.append(_said(expectation, explanation_text(report, explanation)))
        else:
            outcomes.append(_judge(case, expectation, result, explanation, book.directory))
    return outcomes


def _said(expectation: Expectation, text: str) -> Outcome:
    """Whether the text answer holds the phrase; spacing and line breaks do not matter."""
    phrase, flat = " ".join(expectation.expected.split()), " ".join(text.split())
    holds = phrase in flat
    return Outcome(expectation, holds if expectation.aspect == "says" else not holds, text)


def _policies(case: Case, run: Run, book: RuleBook) -> dict[str, str]:
    """The run's policies, each checked against the rule book's."""
    chosen: dict[str, str] = {}
    for policy, value in run.policies.items():
        try:
            chosen.update(parse_policies([f"{policy}={value}"], book))
        except InputError as error:
            raise InputError(
                case.file, run.policy_places[policy], error.problem, error.fix
            ) from None
    return chosen


def _selected(case: Case, expectation: Expectation, book: RuleBook) -> tuple[str, str | None]:
    """The check (and pinned version) an expectation's key names: exactly one check."""
    key, place = expectation.check, expectation.place
    name = key.partition("@")[0]
    credential = next((c for c in book.credentials if c.id.upper() == name.upper()), None)
    if credential is not None:
        raise InputError(
            case.file,
            place,
            f"{name!r} is a credential; a case expects answers of its checks",
            f"name one of its checks: {', '.join(credential.check_ids())}",
        )
    try:
        book.expand(name)
    except InputError:
        raise InputError(
            case.file,
            place,
            f"no check called {name!r} in the rules",
            did_you_mean(name, book.all_check_ids())
            + "'eligibility list' lists the checks (--rules DIR for other rules)",
        ) from None
    try:
        (selection,) = book.expand(key)
    except InputError as error:  # a version the check does not have
        raise InputError(case.file, place, error.problem, error.fix) from None
    return selection


def _judge(
    case: Case,
    expectation: Expectation,
    result: CheckResult,
    explanation: Explanation,
    rules: str = "",
) -> Outcome:
    aspect, expected = expectation.aspect, expectation.expected
    if aspect == "status":
        judged = _compared(expectation, result.status)
        return (
            judged
            if judged.passed
            else replace(judged, why=_deciding(case, expectation, result, rules))
        )
    if aspect == "standing":
        return _compared(expectation, result.standing)
    if aspect == "version":
        return _compared(expectation, result.version.id if result.version else None)
    if aspect == "closest":
        closest = explanation.closest
        return _compared(expectation, closest.node.id if closest else None)
    if aspect == "actions":
        ways = [list(action.steps) for action in explanation.actions]
        wanted = sorted({expected} if isinstance(expected, str) else set(expected))
        return Outcome(expectation, any(sorted(way) == wanted for way in ways), ways)
    trees = [tree for tree in (result.requires, result.recommends) if tree is not None]
    if not trees:
        note = f"{result.check_id} has no conditions to look at: {_words(result.status)}"
        return Outcome(expectation, False, None, note)
    node = _find(trees, expectation.condition or "")
    if node is None:
        known = [n.node.id for tree in trees for n in _walk(tree)]
        version = f" (rule version {result.version.id})" if result.version else ""
        raise InputError(
            case.file,
            expectation.place,
            f"{result.check_id}{version} has no condition {expectation.condition!r}",
            did_you_mean(expectation.condition or "", known)
            + "condition ids are the id: fields of the check in its rule file",
        )
    actual = {
        "conditions": node.status,
        "default_status": node.default_status,
        "found": node.found,
        "shortfall": node.shortfall,
        "reached_on": node.reached_on.isoformat() if node.reached_on else None,
    }[aspect]
    judged = _compared(expectation, actual)
    if aspect in ("conditions", "default_status") and not judged.passed:
        judged = replace(judged, why=_deciding(case, expectation, result, rules, node))
    if aspect == "found" and not judged.passed and _number(actual) and node.node.unit:
        # the answer rounds what it shows ("26 months 15 days"): the case gives the number
        shown = quantity(actual, node.node.unit)
        judged = replace(
            judged, why=(f"the answer shows it as {shown}; the case gives the number",)
        )
    return judged


def _deciding(
    case: Case,
    expectation: Expectation,
    result: CheckResult,
    rules: str,
    node: NodeResult | None = None,
) -> tuple[str, ...]:
    """The conditions that decided an answer other than expected, as found and needed (a met
    one: the pathway that met it; else what its closest pathway lacks), and the command that
    shows the whole answer."""
    tree = node or result.requires
    lines = []
    if tree is not None:
        if tree.status == MET:
            pathways = tree.children if tree.node.kind == "any" else (tree,)
            met = next((p for p in pathways if p.status == MET), tree)
            leaves = [n for n in _walk(met) if not n.children and n.status == MET]
            lines.append(f"met through {met.node.id}")
        else:
            closest = closest_pathway(tree) or tree
            leaves = lacking_leaves(closest, settle=True) if closest.children else [closest]
            lines.append(f"closest: {closest.node.id}")
        lines += [f"  {_found(leaf)}" for leaf in leaves[:6]]
    run = next(r for r in case.runs if r.number == expectation.run)  # the policies it sets
    command = (
        f"eligibility check {case.profile.source} --cert {result.check_id}"
        f" --as-of {result.as_of.isoformat()}"
        + "".join(f" --policy {k}={v}" for k, v in run.policies.items())
        + (
            f" --rules {rules}"
            if rules and Path(rules).resolve() != data_dir("rules").resolve()
            else ""
        )
    )
    if case.profile.source == case.file:  # written inline: check reads a profile file only
        return (
            *lines,
            f"see the whole answer: save the case's profile: (its lines, unindented) as a file,"
            f" then {command.replace(case.file, 'FILE', 1)}",
        )
    return (*lines, f"see the whole answer: {command}")


def _found(leaf: NodeResult) -> str:
    """'option-1-letters: not met (found 14.7, needed 24)'."""
    numbers = ", ".join(
        f"{name} {_value('found', value)}"
        for name, value in (("found", leaf.found), ("needed", leaf.needed))
        if value is not None
    )
    return f"{leaf.node.id}: {_words(leaf.status)}" + (f" ({numbers})" if numbers else "")


def _compared(expectation: Expectation, actual: Any) -> Outcome:
    expected = expectation.expected
    if _number(expected) and _number(actual):
        same = math.isclose(expected, actual, rel_tol=0.0, abs_tol=TOLERANCE)
    else:
        same = expected == actual and isinstance(expected, bool) == isinstance(actual, bool)
    return Outcome(expectation, same, _plain(actual))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _plain(value: Any) -> Any:
    """``value`` as JSON can carry it."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _walk(result: NodeResult) -> Iterator[NodeResult]:
    yield result
    for child in result.children:
        yield from _walk(child)


def _find(trees: Sequence[NodeResult], condition: str) -> NodeResult | None:
    return next((n for tree in trees for n in _walk(tree) if n.node.id == condition), None)


# --- reporting ----------------------------------------------------------------------------------


def summarize(results: Sequence[CaseResult]) -> Summary:
    return Summary(
        cases=len(results),
        passed=sum(r.status == PASSED for r in results),
        failed=sum(r.status == FAILED for r in results),
        errors=sum(r.status == ERROR for r in results),
        expectations=sum(len(r.outcomes) for r in results),
        unmet=sum(len(r.failures) for r in results),
    )


def summary_line(summary: Summary) -> str:
    """'21 cases: 20 passed, 1 failed (2 of 402 expectations not met)'."""
    parts = [f"{summary.passed} passed", f"{summary.failed} failed"]
    if summary.errors:
        parts.append(f"{summary.errors} could not be run")
    cases = f"{summary.cases} case{'s' if summary.cases != 1 else ''}"
    return (
        f"{cases}: {', '.join(parts)}"
        f" ({summary.unmet} of {summary.expectations} expectations not met)"
    )


def text_report(results: Sequence[CaseResult]) -> str:
    """One line per case; under a failed one, each unmet expectation with its line, what was
    expected and what the rules gave; then the summary line."""
    out = []
    for result in results:
        if result.error is not None:
            out.append(f"ERROR {result.error}")
            continue
        case = result.case
        assert case is not None
        name = " ".join(x for x in (case.catalogue, case.about) if x)
        count = len(result.outcomes)
        if result.status == PASSED:
            out.append(f"ok    {result.file} ({count} expectations)")
            continue
        out.append(
            f"FAIL  {result.file}: {len(result.failures)} of {count} expectations not met"
            + (f" ({name})" if name else "")
        )
        runs = {run.number: run for run in case.runs}
        out += [
            _failure(result.file, outcome, runs[outcome.expectation.run])
            for outcome in result.failures
        ]
    out.append("")
    out.append(summary_line(summarize(results)))
    return "\n".join(out)


def _failure(file: str, outcome: Outcome, run: Run) -> str:
    e = outcome.expectation
    subject = e.check + (f", condition {e.condition}" if e.condition else "")
    context = f" ({run.label})" if run.label else ""
    where = f"{file}:{e.line}" if e.line else f"{file}: {e.place}"
    if e.aspect == "actions":
        wanted = "among the ways forward: " + _way(e.expected)
        got = "; ".join(_way(w) for w in outcome.actual) or "no way forward"
    elif e.aspect in TEXT_ASPECTS:
        wanted = repr(e.expected) + (" (not)" if e.aspect == "says_not" else "")
        got = "the text answer:\n" + "\n".join(
            f"        | {line}" for line in outcome.actual.splitlines()
        )
    else:
        wanted = _value(e.aspect, e.expected)
        got = outcome.note or _value(e.aspect, outcome.actual)
        if isinstance(e.expected, str) and _number(outcome.actual) and is_number_text(e.expected):
            # "78" in quotes reads as text: both would print 78 and the case look right
            wanted = f"{e.expected!r}, a text (write it without quotes for the number)"
    return (
        f"  {where}: {subject}{context}: {_ASPECT_WORDS[e.aspect]}\n"
        f"      expected: {wanted}\n"
        f"      actual:   {got}"
        + "".join(
            f"\n      {'why:' if not n else ''}{' ' * (6 if not n else 10)}{line}"
            for n, line in enumerate(outcome.why)
        )
    )


def _way(way: str | Sequence[str]) -> str:
    return repr(way) if isinstance(way, str) else " + ".join(repr(step) for step in way)


def _value(aspect: str, value: Any) -> str:
    if aspect in ("status", "conditions", "default_status") and isinstance(value, str):
        return _words(value)
    if value is None:
        return "none"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _words(status: str) -> str:
    return _STATUS_WORDS.get(status, status)


def json_report(results: Sequence[CaseResult]) -> dict[str, Any]:
    """The results as JSON data: each case with each expectation judged, and the counts."""
    cases = []
    for result in results:
        entry: dict[str, Any] = {"file": result.file, "result": result.status}
        if result.error is not None:
            entry["error"] = {
                "file": result.error.file,
                "place": result.error.place,
                "problem": result.error.problem,
                "fix": result.error.fix,
            }
        if result.case is not None:
            entry["about"] = result.case.about
            entry["catalogue"] = result.case.catalogue
            runs = {run.number: run for run in result.case.runs}
            entry["expectations"] = [
                _json_outcome(o, runs[o.expectation.run]) for o in result.outcomes
            ]
        cases.append(entry)
    summary = summarize(results)
    return {"cases": cases, "summary": asdict(summary) | {"text": summary_line(summary)}}


def _json_outcome(outcome: Outcome, run: Run) -> dict[str, Any]:
    e = outcome.expectation
    return {
        "line": e.line,
        "path": place_of(e.path, None),
        "run": e.run,
        "as_of": run.as_of.isoformat(),
        "policies": dict(run.policies),
        "check": e.check,
        "condition": e.condition,
        "aspect": e.aspect,
        "expected": e.expected,
        "actual": outcome.actual,
        "passed": outcome.passed,
        "note": outcome.note,
    }
