"""``eligibility lint``: every problem of a rules directory in one run (docs/lint.md).

Each rule and fact file is read on its own: one that cannot be parsed or breaks its schema is
reported and the others are still checked, by the checks of :mod:`eligibility.rulebook.rulecheck` and
:mod:`eligibility.rulebook.factcheck` (each file, then the files together). A file those checks pass is
also built by the loader itself, and so is the whole book when no error was found: whatever
loading would refuse is reported here too.

Warnings can be silenced where they are meant, with ``# lint: allow CODE`` on the line named;
errors cannot (loading refuses them).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eligibility.errors import InputError, closest
from eligibility.inputs.profiles import read_text
from eligibility.resources import FLAT_CSV_FILE, FORM_FILE
from eligibility.rulebook import factcheck, rules
from eligibility.rulebook.rulecheck import (
    ERROR,
    WARNING,
    Catalogue,
    Problem,
    RuleFile,
    _Found,
    book_problems,
    check_left_behind,
    file_problems,
    internal_ids,
    left_behind,
    unkept,
)

if TYPE_CHECKING:  # read inside the function that needs it, as the export's own file
    from eligibility.inputs.cohort import FlatMeaning

_ALLOW = re.compile(r"#\s*lint:\s*allow\s+([\w-]+(?:\s*,\s*[\w-]+)*)")
_ID = r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*"


@dataclass(frozen=True)
class LintReport:
    """What ``eligibility lint`` found in a rules directory."""

    directory: str
    files: tuple[str, ...]
    problems: tuple[Problem, ...]
    catalogue: str | None  # the sources catalogue read; None when there was none

    @property
    def errors(self) -> int:
        return sum(problem.level == ERROR for problem in self.problems)

    @property
    def warnings(self) -> int:
        return sum(problem.level == WARNING for problem in self.problems)


def lint_rules(directory: str | None = None, catalogue: str | None = None) -> LintReport:
    """Every problem of the rules under ``directory`` (default: the bundled ``rules/``).

    ``catalogue``: the sources catalogue to check source ids with (default: the one beside the
    checkout, ``../shared/domain/CATALOG.md``, when it is there). A missing directory, or a
    catalogue given but unreadable, is an :class:`InputError` (a usage error).
    """
    root = rules.rules_root(directory)
    found = Path(catalogue) if catalogue else default_catalogue(root)
    known = catalogue_of(found) if found else None
    problems: list[Problem] = []
    paths = rules.rule_files(root)
    texts: dict[Path, str] = {}
    for path in paths:
        _attempt(
            problems, "invalid-file", lambda path=path: texts.setdefault(path, read_text(path))
        )
    registry = root / "credentials.yaml"
    _attempt(problems, "invalid-file", lambda: rules._registry(registry, texts))
    policies = _attempt(
        problems, "invalid-file", lambda: rules._policies(root / "policies.yaml", texts)
    )
    fact_files = {path: text for path, text in texts.items() if rules.is_fact_file(text)}
    registry_read = _attempt([], "invalid-file", lambda: rules._registry(registry, texts))
    facts, fact_data = _facts(problems, root, texts, fact_files, registry_read, policies)
    context = replace(rules.lint_context(root, texts, policies, facts), catalogue=known)
    rule_files = []
    all_rules = len(texts) == len(paths)
    for path, text in texts.items():
        if (path.parent == root and path.name in rules.REFERENCE_FILES) or path in fact_files:
            continue
        value = _attempt(
            problems, "invalid-file", lambda path=path, text=text: rules.file_value(path, text)
        )
        if value is None:
            all_rules = False
            continue
        rule_file = RuleFile.of(str(path), text, value)
        rule_files.append(rule_file)
        mine = file_problems(rule_file, context)
        mine += left_behind(rule_file) + check_left_behind(rule_file)
        problems += mine
        if policies is not None and facts is not None and not any(p.level == ERROR for p in mine):
            # the loader's own checks (compiling each leaf among them), one file at a time
            _attempt(
                problems, "load", lambda p=path, t=text: rules._load_file(p, t, facts, policies)
            )
    problems += book_problems(rule_files, context)
    if all_rules:  # a credential of a file not read may well be kept there
        problems += unkept(rule_files, context)
    problems += _policy_texts(root / "policies.yaml", texts)
    # what the rules read is known when every rule file was read and none has an error
    ruled = {rule_file.file for rule_file in rule_files}
    all_rules = all_rules and not any(p.level == ERROR and p.file in ruled for p in problems)
    problems += factcheck.book_problems(fact_data, rule_files, context, all_rules=all_rules)
    if not any(problem.level == ERROR for problem in problems):
        book = _attempt(problems, "load", lambda: rules._build(root, texts))  # loading refuses
        if book is not None:
            problems += _not_exportable(book, texts)
            problems += _export_supply(root, book)
            problems += _form_supply(root, book)
            problems += _form_help(root)
    if facts is None:  # what rules read through facts is not known: no warning on a guess
        problems = [problem for problem in problems if problem.code != "unused-policy"]
    # the loader's own check (``load``) repeats what a check of lint's own told, less well
    told = {(p.file, p.message) for p in problems if p.code != "load"}
    problems = [p for p in problems if p.code != "load" or (p.file, p.message) not in told]
    problems += _ignored_files(root)
    kept = _unique(problem for problem in problems if not _allowed(problem, texts))
    return LintReport(
        str(root),
        tuple(str(path) for path in paths),
        tuple(sorted(kept, key=lambda p: (p.file, p.line or 0, p.path or "", p.code))),
        str(found) if found else None,
    )


def _ignored_files(root: Path) -> list[Problem]:
    """YAML files under the rules directory that nothing reads, for their name: rule, fact and
    case files end in ``.yaml``, so a new version saved as ``ccs-2027.yml`` would change nothing,
    and lint, test and diff would all say so in silence."""
    return [
        Problem(
            ERROR,
            "ignored-file",
            str(path),
            None,
            None,
            f"{path.name} is never read: rule, fact and case files end in .yaml",
            f"rename it to {path.stem}.yaml (or move it out of the rules directory)",
        )
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix.lower() in (".yml", ".yaml") and path.suffix != ".yaml"
    ]


def _policy_texts(path: Path, texts: Mapping[Path, str]) -> list[Problem]:
    """The words of the open policies (a question, where it comes from, each reading) are shown
    with every answer that depends on one: no catalogue id in them (``internal-id``)."""
    text = texts.get(path)
    listed = _attempt([], "invalid-file", lambda: rules._reference(path, texts, "policies", ()))
    if text is None or listed is None:
        return []  # unreadable: reported with the file
    found = _Found(None, str(path), text)
    internal_ids(found, listed, ["policies"])
    return found.problems()


def _facts(
    problems: list[Problem],
    root: Path,
    texts: dict[Path, str],
    fact_files: dict[Path, str],
    registry: Any,
    policies: Any,
) -> tuple[Any, list[factcheck.FactFile]]:
    """Each fact file's problems (:mod:`eligibility.rulebook.factcheck`), and the fact book the rule files
    are checked with: None when a fact file, the registry or the policies cannot be read, or
    compiling fails (every fact is then taken as known). What compiling refuses is reported
    only when the checks found no error: they say it better."""
    read = []
    for path, text in fact_files.items():
        data = _attempt(  # as the loader reads it: from the file cache when it holds the text
            problems,
            "invalid-file",
            lambda p=path, t=text: rules._cached(t, "facts", lambda: rules._parsed_fact_file(p, t)),
        )
        if data is not None:
            read.append(factcheck.FactFile(str(path), text, data))
    mine = factcheck.fact_problems(read, rules.lint_context(root, texts, policies, None))
    problems += mine
    if registry is None or policies is None or len(read) < len(fact_files):
        return None, read
    compiling: list[Problem] = []
    facts = _attempt(
        compiling, "invalid-file", lambda: rules.fact_book(fact_files, registry, policies)
    )
    if not any(problem.level == ERROR for problem in mine):
        problems += compiling
    return facts, read


def _not_exportable(book: rules.RuleBook, texts: Mapping[Path, str]) -> list[Problem]:
    """Logic ``eligibility export`` would refuse (engines could read it differently: a number
    compared with "24"), each at the line of its condition's id where it can be found."""
    from eligibility.export import export_problems  # the whole export only when lint gets here

    # a condition its version's checks share (written once, for {credential}) is told once,
    # naming them all: "version AAPC-2023, checks CPC-full, COC-full, condition ..."
    checks: dict[tuple[str, str, str, str, str], list[str]] = {}
    for error in export_problems(book):
        version, check, where = (error.place or "").split(", ", 2)
        key = (error.file, version, where, error.problem, error.fix or "")
        checks.setdefault(key, []).append(check.removeprefix("check "))
    found = []
    for (file, version, where, message, fix), named in checks.items():
        which = f"check{'s' if len(named) > 1 else ''} {', '.join(named)}"
        condition = re.match(r"condition ([\w.-]+):", where)
        text = texts.get(Path(file), "")
        # the condition's id within its own version (a file may hold it in several)
        begins = re.search(rf"\bid: {re.escape(version.removeprefix('version '))}\b", text)
        pattern = re.compile(rf"\bid: {re.escape(condition[1])}\b") if condition else None
        at = pattern.search(text, begins.end() if begins else 0) if pattern else None
        line = text.count("\n", 0, at.start()) + 1 if at else None
        said = f"{version}, {which}, {where}: {message}"
        found.append(Problem(ERROR, "not-exportable", file, line, None, said, fix))
    return found


# a fact file's supply words that name a profile's fields (a school's student writes none)
_PROFILE_WORDS = re.compile(r"\bprofile\b|[{\[]")
# supply words that name a profile's fields as YAML writes them (education: {highest_level:
# ...}, exam_pass_date), which the web page's form never shows: it asks by questions
_FIELD_WORDS = re.compile(r"[{\[]|\b[a-z]+_[a-z_]+\b")


def _export_supply(root: Path, book: rules.RuleBook) -> list[Problem]:
    """``flat-csv.yaml``'s ``supply`` against the facts (:func:`_supply_words`), and its other
    words for a school's students."""
    from eligibility.inputs.cohort import flat_meaning  # what a row means: read here alone

    found: list[Problem] = []
    meaning = _attempt(found, "invalid-file", lambda: flat_meaning(root))
    if meaning is None:
        return found
    path = root / FLAT_CSV_FILE
    found += _supply_words(
        path,
        meaning.supply,
        book,
        _PROFILE_WORDS,
        "profile-words-to-students",
        "a school's students",
    )
    return found + _export_asking(path, meaning, book)


def _form_supply(root: Path, book: rules.RuleBook) -> list[Problem]:
    """``form.yaml``'s ``supply`` against the facts (:func:`_supply_words`), where the rules
    directory has one."""
    from eligibility.inputs.rulesfiles import form_supply  # the form's words: read here alone

    found: list[Problem] = []
    words = _attempt(found, "invalid-file", lambda: form_supply(root))
    if not words:
        return found
    return found + _supply_words(
        root / FORM_FILE,
        words,
        book,
        _FIELD_WORDS,
        "field-words-to-form",
        "people answering the form",
    )


def _form_help(root: Path) -> list[Problem]:
    """``form.yaml``'s ``help``: a question it names that the profile has not (a typo leaves
    the schema's description said, in silence)."""
    from eligibility.inputs.questions import Group, asked_key, sections
    from eligibility.inputs.rulesfiles import form_help

    found: list[Problem] = []
    words = _attempt(found, "invalid-file", lambda: form_help(root))
    if not words:
        return found
    known: list[str] = []

    def walk(group: Group) -> None:
        known.append(asked_key(group.path))
        for item in group.items:
            if isinstance(item, Group):
                walk(item)
            else:
                known.append(asked_key(group.path, item.path))

    for group in sections():
        walk(group)
    path = root / FORM_FILE
    text = read_text(path)
    for name, _ in words:
        if name not in known:
            key = re.search(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*:", text, re.MULTILINE)
            found.append(
                Problem(
                    WARNING,
                    "unknown-question",
                    str(path),
                    text.count("\n", 0, key.start()) + 1 if key else None,
                    f"$.help.{name}",
                    f"help names {name!r}, which is no question of the profile: its words are"
                    " never said",
                    "name a question by its section and path (work_history.end_date)",
                    closest(name, [k for k in known if k]),
                )
            )
    return found


def _supply_words(
    path: Path,
    words: Iterable[tuple[str, str]],
    book: rules.RuleBook,
    naming: re.Pattern[str],
    code: str,
    who: str,
) -> list[Problem]:
    """A file's ``supply`` (words for people who do not write the profile) against the facts: a
    path that matches no fact with a supply is never said (a typo leaves the fact file's words,
    in silence); a fact whose supply names a profile's fields (``naming``) and that no path
    matches is said so to ``who`` (warning ``code``)."""
    found: list[Problem] = []
    text = read_text(path) if path.exists() else ""
    supplied = [fact for fact in book.facts.paths.values() if fact.supply]
    patterns = [pattern for pattern, _ in words]
    for pattern in patterns:
        if not any(fnmatchcase(fact.path, pattern) for fact in supplied):
            key = re.search(rf"^\s*[\"']?{re.escape(pattern)}[\"']?\s*:", text, re.MULTILINE)
            found.append(
                Problem(
                    WARNING,
                    "unknown-supply",
                    str(path),
                    text.count("\n", 0, key.start()) + 1 if key else None,
                    f"$.supply.{pattern}",
                    f"supply names {pattern!r}, which matches no fact a fact file gives a supply"
                    " for: its words are never said",
                    "name a fact path with a supply (docs/facts.md)",
                    closest(pattern, [fact.path for fact in supplied]),
                )
            )
    for fact in supplied:
        if naming.search(fact.supply or "") and not any(
            fnmatchcase(fact.path, pattern) for pattern in patterns
        ):
            found.append(
                Problem(
                    WARNING,
                    code,
                    str(path),
                    None,
                    "$.supply",
                    f"{who} are told to supply {fact.path} in the fact file's words, which name"
                    f" a profile's fields: {fact.supply!r}",
                    f"give {fact.path} words for them under supply in {path.name}",
                )
            )
    return found


def _export_asking(path: Path, meaning: FlatMeaning, book: rules.RuleBook) -> list[Problem]:
    """``flat-csv.yaml``'s other words for a school's students: a date column given only as a
    month or a year without words under ``exact_dates`` asks them for a profile's field, and a
    certifying body whose rules correct the profile (``corrects``) without words under
    ``corrects`` tells them to correct a profile they do not write."""
    from eligibility.inputs.cohort import DATE_FIELDS

    found: list[Problem] = []

    def warn(place: str, message: str, fix: str) -> None:
        found.append(
            Problem(WARNING, "profile-words-to-students", str(path), None, place, message, fix)
        )

    worded = dict(meaning.date_words) if meaning.date_ask else {}
    for column, fields in DATE_FIELDS.items():
        if column not in worded:
            warn(
                "$.exact_dates",
                f"a school's students whose {column} is given only as a month or a year are"
                f" asked for the day by a profile's field ({', '.join(fields)})",
                f"give {column} words for them under exact_dates.dates in {FLAT_CSV_FILE},"
                " with exact_dates.ask",
            )
    patterns = [pattern for pattern, _ in meaning.corrects]
    bodies = {
        version.body
        for credential in book.credentials
        for version in credential.versions
        for check in version.checks
        for _, steps in check.standing_fix
        if any(step.corrects for step in steps)
    }
    for body in sorted(bodies):
        if not any(fnmatchcase(body, pattern) for pattern in patterns):
            warn(
                "$.corrects",
                f"a school's students are told to correct the profile where {body}'s records"
                " may show otherwise, in the rules' words: they write no profile",
                f"give {body} words for them under corrects in {FLAT_CSV_FILE}",
            )
    return found


def _attempt(problems: list[Problem], code: str, step: Callable[[], Any]) -> Any:
    """``step()``; None after adding the :class:`InputError` it raised to ``problems``, each
    of its problems apart (a file's schema errors come as one, and the one a misspelt field
    stands behind, "did you mean 'logic'?", must not be hidden behind "and 1 more")."""
    try:
        return step()
    except InputError as error:
        problems.extend(from_error(each, code) for each in error.each)
        return None


def from_error(error: InputError, code: str) -> Problem:
    """A loader's error as a problem (its place split into line and JSON path): ``invalid-file``
    (unreadable, not YAML, against the schema, nested too deep) or ``load`` (another refusal)."""
    place = error.place or ""
    line = re.search(r"\bline (\d+)", place)
    path = re.search(r"(\$[^ )]*)", place)
    return Problem(
        ERROR,
        code,
        error.file,
        int(line.group(1)) if line else None,
        path.group(1) if path else None,
        error.problem,
        error.fix or "",
    )


def _allowed(problem: Problem, texts: dict[Path, str]) -> bool:
    """A warning its line allows (``# lint: allow CODE``)."""
    if problem.level != WARNING or not problem.line:
        return False
    text = texts.get(Path(problem.file))
    lines = text.splitlines() if text else []
    if problem.line > len(lines):
        return False
    match = _ALLOW.search(lines[problem.line - 1])
    return bool(match) and problem.code in re.split(r"\s*,\s*", match.group(1))


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem once (a reference file's error is met by every step that reads it)."""
    return list({(p.file, p.line, p.path, p.code, p.message): p for p in problems}.values())


# --- the sources catalogue -------------------------------------------------------------------


def default_catalogue(root: Path) -> Path | None:
    """``../shared/domain/CATALOG.md`` beside the checkout the rules are in, if it is there."""
    candidate = root.resolve().parent.parent / "shared" / "domain" / "CATALOG.md"
    return candidate if candidate.is_file() else None


def catalogue_of(path: Path) -> Catalogue:
    """The ids the catalogue defines, read from its Markdown.

    Its source register is the table of the section titled "Source register" (first column).
    Every id it defines is the first column of any table row, an id opening a list item or a
    bold line (``- CPC-APP-1:``, ``**CPC-APP-2: ...**``), or an id in parentheses
    (``(AHIMA-CCA-1)``). Read this way, it defines each id the bundled rules cite.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(
            str(path), None, f"cannot read the sources catalogue: {error}", "give --catalogue FILE"
        ) from None
    sources: set[str] = set()
    ids: set[str] = set()
    in_register = False
    for line in text.splitlines():
        if line.startswith("#"):
            in_register = "source register" in line.lower()
        row = re.match(rf"^\|\s*\**({_ID})\**\s*(?:\([^|]*\))?\s*\|", line)
        if row:
            ids.add(row.group(1))
            if in_register:
                sources.add(row.group(1))
        opening = re.match(rf"^\s*(?:[-*]\s+)?\**({_ID})\**:", line)
        if opening:
            ids.add(opening.group(1))
        ids.update(re.findall(rf"\(\**({_ID})\**\)", line))
    return Catalogue(frozenset(sources), frozenset(ids | sources), str(path))


# --- output ------------------------------------------------------------------------------------


def text_report(report: LintReport) -> str:
    """For people: each problem with its place, fix and did-you-mean; a count at the end."""
    lines = []
    for problem in report.problems:
        where = f"{problem.file}:{problem.line}" if problem.line else problem.file
        lines.append(f"{where}: {problem.level}: {problem.message} [{problem.code}]")
        if problem.path:
            lines.append(f"    at {problem.path}")
        if problem.suggestion:
            lines.append(f"    did you mean {problem.suggestion!r}?")
        if problem.fix:
            lines.append(f"    fix: {problem.fix}")
    files = f"{len(report.files)} file{'s' if len(report.files) != 1 else ''}"
    if report.problems:
        lines.append(
            f"{_count(report.errors, 'error')}, {_count(report.warnings, 'warning')} in {files}"
            f" under {report.directory}"
        )
    else:
        lines.append(f"No problems in {files} under {report.directory}.")
    return "\n".join(lines)


def json_report(report: LintReport) -> dict[str, Any]:
    """As ``schemas/lint.schema.json``."""
    return {
        "rules": report.directory,
        "catalogue": report.catalogue,
        "files": len(report.files),
        "errors": report.errors,
        "warnings": report.warnings,
        "problems": [
            {
                "level": p.level,
                "code": p.code,
                "file": p.file,
                "line": p.line,
                "path": p.path,
                "message": p.message,
                "fix": p.fix,
                "did_you_mean": p.suggestion,
            }
            for p in report.problems
        ],
    }


def github_report(report: LintReport) -> str:
    """GitHub Actions workflow commands (``::error file=...,line=...::message``): each problem
    is shown on its line of the pull request. Files are named relative to the current folder
    (the checkout's root in a workflow)."""
    lines = []
    for p in report.problems:
        properties = [f"file={_property(_relative(p.file))}"]
        if p.line:
            properties.append(f"line={p.line}")
        properties.append(f"title={_property(f'eligibility lint: {p.code}')}")
        said = p.message + (f" (did you mean {p.suggestion!r}?)" if p.suggestion else "")
        said += (f" at {p.path}" if p.path else "") + (f". Fix: {p.fix}" if p.fix else "")
        lines.append(f"::{p.level} {','.join(properties)}::{_data(said)}")
    lines.append(
        f"{_count(report.errors, 'error')}, {_count(report.warnings, 'warning')} in"
        f" {len(report.files)} files under {report.directory}"
    )
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _relative(file: str) -> str:
    try:
        relative = os.path.relpath(file)
    except ValueError:  # another drive
        return file
    return file if relative.startswith("..") else relative


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def json_text(report: LintReport) -> str:
    return json.dumps(json_report(report), indent=2)
