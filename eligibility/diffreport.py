"""``eligibility diff``: two rule directories (and a cohort) -> a Markdown summary and a CSV report.

The summary says what changed in the rules (``rulediff``) and, with a cohort, how many students
change answer for which check, from what to what, and who they are (``impact``); the CSV report
lists every changed answer, one row per student and check. Outputs are written atomically and
never over an input (a rule file or the cohort included).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from eligibility.batch import STDOUT, atomic_writer, csv_line, refuse_overwriting_inputs
from eligibility.errors import InputError
from eligibility.impact import Change, Group, Impact, cohort_impact
from eligibility.inputs.cohort import (
    STDIN,
    flat_document,
    flat_meaning,
    load_mapping,
    read_items,
)
from eligibility.inputs.rulesfiles import rules_input
from eligibility.resources import FORM_FILE
from eligibility.rulebook.rules import RuleBook, load_rulebook
from eligibility.rulediff import SECTIONS, Entry, RuleDiff, diff_rulebooks

CSV_FIELDS = (
    "row", "where", "candidate_id", "name", "as_of", "check",
    "old_status", "new_status", "old_standing", "new_standing",
    "old_version", "new_version", "old_failed", "new_failed", "old_ambiguous", "new_ambiguous",
)  # fmt: skip
LISTED = 50  # students the summary names per change of answer, and rows not compared
NOUNS = {  # what an entry of each other section is, for the summary's first line
    "Rule versions": ("rule version", "rule versions"),
    "Credentials": ("credential", "credentials"),
    "Credential registry (credentials.yaml)": ("registry entry", "registry entries"),
    "Open policies (policies.yaml)": ("open policy", "open policies"),
    "Facts (fact files)": ("fact", "facts"),
    "Flat CSV layout (flat-csv.yaml)": (
        "part of the flat CSV layout",
        "parts of the flat CSV layout",
    ),
    "The web page's form (form.yaml)": ("part of the form's words", "parts of the form's words"),
    "Other rule data": ("other part of the rules", "other parts of the rules"),
}


@dataclass(frozen=True)
class DiffReport:
    """What ``eligibility diff`` found: the rule changes, the cohort's (if any) and the summary."""

    rules: RuleDiff
    impact: Impact | None
    summary: str

    @property
    def differs(self) -> bool:
        """Anything changed: in the rules, or in some student's answer."""
        return not self.rules.same or bool(self.impact and self.impact.changed_answers)


def load_book(directory: str | Path) -> RuleBook:
    """A rule directory as ``check`` and ``batch`` load it (the one place this module does)."""
    if not Path(directory).is_dir():
        raise InputError(
            str(directory),
            None,
            "rules directory not found",
            "give two rule directories: eligibility diff OLD_RULES NEW_RULES",
        )
    return load_rulebook(str(directory))


def run_diff(
    old_dir: str | Path,
    new_dir: str | Path,
    cohort: str | Path | None = None,
    as_of: date | None = None,
    out: str | Path | None = None,
    summary: str | Path | None = None,
    mapping: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> DiffReport:
    """Compare the rule books in ``old_dir`` and ``new_dir``; with ``cohort``, answer every
    student under both on the same date (``as_of``, else each profile's own, else today).
    ``out``: the CSV report of changed answers; ``summary``: the Markdown summary file."""
    if out is not None and cohort is None:
        raise InputError(
            "--out",
            None,
            "the CSV report lists the students whose answer changes, so it needs a cohort",
            "give --cohort FILE, or leave out --out",
        )
    # "-": standard output, as for every other report of the CLI (the caller puts the summary
    # elsewhere)
    if out is not None and str(out) != STDOUT and not str(out).lower().endswith(".csv"):
        raise InputError("--out", None, f"{str(out)!r} is not a .csv file", "name a .csv file")
    refuse_overwriting_inputs(  # the rule books are folders: nothing is written inside them
        [(what, path) for what, path in (("report", out), ("summary", summary)) if path],
        [old_dir, new_dir, *(p for p in (cohort, mapping) if p)],
    )
    old, new = load_book(old_dir), load_book(new_dir)
    flat = (flat_document(old_dir), flat_document(new_dir))
    form = (rules_input(old_dir, FORM_FILE, "form"), rules_input(new_dir, FORM_FILE, "form"))
    rules = diff_rulebooks(old, new, flat, form)
    layout = load_mapping(mapping) if mapping else None
    # a flat CSV row is read as the new rules' flat-csv.yaml says, and again as the old rules'
    # for the old book where the two differ in what a row stands for: a change to that file
    # changes answers as a rule does
    items = read_items(cohort, layout, new.directory) if cohort is not None else None
    old_meaning = None
    if items is not None and flat[0] is not None and flat[1] is not None and flat[0] != flat[1]:
        was = flat_meaning(old_dir)
        old_meaning = None if was.reads_rows_as(flat_meaning(new_dir)) else was
    with ExitStack() as stack:
        # opened before the cohort is read: a place that cannot be written is known at once
        csv_file = stack.enter_context(atomic_writer(out, newline="")) if out else None
        summary_file = stack.enter_context(atomic_writer(summary)) if summary else None
        impact = None
        if items is not None:
            if csv_file is not None:
                csv_file.write(csv_line(list(CSV_FIELDS)))
            impact = cohort_impact(
                items,
                old,
                new,
                as_of,
                "the students read from standard input" if str(cohort) == STDIN else str(cohort),
                progress,
                (lambda change: csv_file.write(csv_record(change))) if csv_file else None,
                LISTED,
                old_meaning,
            )
        text = summary_markdown(rules, impact)
        if summary_file is not None:
            summary_file.write(text)
    return DiffReport(rules, impact, text)


def csv_record(change: Change) -> str:
    """One changed answer as a line of the CSV report (columns: :data:`CSV_FIELDS`)."""
    old, new = change.old, change.new
    return csv_line(
        [
            change.row,
            change.where,
            change.candidate_id,
            change.name,
            change.as_of.isoformat(),
            change.check_id,
            old.status,
            new.status,
            old.standing or "",
            new.standing or "",
            old.version or "",
            new.version or "",
            ";".join(old.failed),
            ";".join(new.failed),
            ";".join(old.ambiguous),
            ";".join(new.ambiguous),
        ]
    )


# --- the Markdown summary ----------------------------------------------------------------------


def summary_markdown(rules: RuleDiff, impact: Impact | None = None) -> str:
    """What a maintainer reads: the rule changes by section, then the cohort's changed answers."""
    lines = [f"# Rule changes: {rules.old} -> {rules.new}", ""]
    if rules.same:
        lines.append(
            "No differences in meaning: the checks, conditions, thresholds, dates in force, texts,"
            " sources, open policies, the credential registry, the facts, what a flat CSV row"
            " stands for and what the web page's form asks for are the same (comments, layout and"
            " YAML anchors are not compared)."
        )
    else:
        counts = [
            _counted(title, rules.section(title)) for title in SECTIONS if rules.section(title)
        ]
        lines.append(f"Differences: {', '.join(counts)}.")
    for title in SECTIONS:
        entries = rules.section(title)
        if not entries:
            continue
        lines += ["", f"## {title}"]
        for entry in entries:
            lines += ["", f"### {entry.subject}"]
            lines += [_item(line) for line in entry.lines]
    if impact is not None:
        lines += ["", *_impact_lines(impact, rules)]
    return "\n".join(lines) + "\n"


def _counted(title: str, entries: tuple[Entry, ...]) -> str:
    """``4 checks changed``: checks changed alike share an entry, so their ids are counted;
    ``1 fact (read by 2 checks)``: those whose answers a fact's change may change."""
    if title.startswith("Checks"):
        number = sum(len(entry.subject.split(", ")) for entry in entries)
        return f"{number} check{'s' if number != 1 else ''} {title.split()[1]}"
    one, many = NOUNS.get(title, ("other part", "other parts"))
    counted = f"{len(entries)} {one if len(entries) == 1 else many}"
    if title == "Facts (fact files)":  # a fact file changes no check, yet answers may change
        readers = len({check for entry in entries for check in entry.checks})
        counted += f" (read by {readers or 'no'} check{'s' if readers > 1 else ''})"
    return counted


def _item(line: str) -> str:
    """A line of an entry as a Markdown list item, nested as deep as it is indented."""
    text = line.lstrip(" ")
    return " " * (len(line) - len(text)) + "- " + text


def _impact_lines(impact: Impact, rules: RuleDiff) -> list[str]:
    when = (
        f"on {impact.as_of.isoformat()} (--as-of)"
        if impact.as_of
        else "on each student's own as_of date (today where a profile gives none)"
    )
    students = impact.changed_students
    lines = [
        f"## Impact on {impact.source}",
        "",
        f"Both rule books answered every student {when}. Students read: {impact.students};"
        f" compared: {impact.compared}; not compared (errors): {impact.unread_count}.",
        "",
    ]
    if impact.read_by_each:
        lines += [
            "The two rule books differ in what a row of a flat CSV export stands for"
            " (flat-csv.yaml): each answered the rows as its own file says.",
            "",
        ]
    if impact.defaults:  # an answer a question decides "depends" under both: by the default
        said = "; ".join(f"{policy}: {old} -> {new}" for policy, old, new in impact.defaults)
        lines += [
            f"The default reading of an open question changes ({said}): each book answered"
            " with it settled at its own default, so a student whose answer by the default"
            " reading changes is counted below.",
            "",
        ]
    if not impact.groups:
        lines.append("No student's answer changes.")
        if rules.recommends_only:
            lines.append(
                "The rules changed only what the checks recommend, which never decides an"
                " answer: what students are told beside their answers may change."
            )
        compared = impact.as_of or impact.earliest  # some student was answered on that day
        later = [(d, ids) for d, ids in rules.starts if compared and d > compared]
        if later:  # a version begun after the date compared answers no one yet
            day, ids = later[0][0].isoformat(), later[0][1]
            many = len(ids) > 1
            lines += [
                "",
                f"The new version{'s' if many else ''} {', '.join(ids)} begin{'' if many else 's'}"
                f" on {day}: a student answered on an earlier day is answered by the rules in"
                f" force before {'them' if many else 'it'}. To see whom"
                f" {'they' if many else 'it'} will affect, run the comparison again with"
                f" --as-of {day}.",
            ]
    else:
        answers = impact.changed_answers
        lines.append(
            f"{students} student{'s change' if students != 1 else ' changes'} answer"
            f" ({answers} answer{'s' if answers != 1 else ''} in all)."
        )
        if rules.same:
            lines.append(
                "No difference was found in the rules compared, yet answers change: the rule"
                " books differ in something this comparison does not name; please report it."
            )
        lines += ["", "| check | old answer | new answer | students |", "|---|---|---|---:|"]
        lines += [
            f"| {_cell(g.check_id)} | {g.old} | {g.new} | {g.students} |" for g in impact.groups
        ]
        lines += ["", "### Who"]
        # checks whose answers change alike for the same students (CPC-full and COC-full) together
        alike: dict[tuple[str, str, bytes], list[Group]] = {}
        for group in impact.groups:
            alike.setdefault((group.old, group.new, group.rows), []).append(group)
        for (was, now, _), groups in alike.items():
            named = ", ".join(group.check_id for group in groups)
            lines += ["", f"#### {named}: {was} -> {now} ({groups[0].students})", ""]
            lines += [
                f"- {c.candidate_id or '(no id)'} {c.name}".rstrip() + f" (row {c.row}, {c.where})"
                for c in groups[0].first[:LISTED]
            ]
            if groups[0].students > LISTED:
                more = groups[0].students - LISTED
                lines.append(f"- ... and {more} more (all are in the CSV report, --out)")
    if impact.unread:
        lines += ["", "### Students not compared", ""]
        lines += [f"- row {u.row} ({u.where}): {u.problem.splitlines()[0]}" for u in impact.unread]
        if impact.unread_count > len(impact.unread):
            lines.append(
                f"- ... and {impact.unread_count - len(impact.unread)} more"
                " ('eligibility batch' lists every one with its fix)"
            )
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
