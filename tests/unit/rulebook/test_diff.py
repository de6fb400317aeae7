"""``eligibility diff``: rule changes in words, and the students whose answer changes.

Each test edits a copy of ``rules/`` as a maintainer would and diffs it against ``rules/``. The
students a change affects are checked against a direct computation: ``check_profile`` with both
rule books, student by student.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from benchmarks.generate import write
from eligibility.api import check_profile
from eligibility.cli import main
from eligibility.diffreport import CSV_FIELDS, LISTED, summary_markdown
from eligibility.impact import Answer, Change, Group, Impact
from eligibility.inputs.cohort import read_cohort
from eligibility.rulebook.rules import load_rulebook
from eligibility.rulediff import RuleDiff, literal_changes, logic_change
from tests.conftest import ROOT
from tests.unit.rulebook.edits import add_renewal_2027

RULES = ROOT / "rules"
SHARED_FILE = "aapc/cpc-coc.yaml"  # CPC's and COC's rules
LATER = date(2027, 6, 1)  # after the new version below begins


def run(*args: Any) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def diff_after_edit(tmp_path: Path, file: str, old: str, new: str) -> Result:
    """``eligibility diff`` of the rules against a copy where ``file`` has ``old`` replaced."""
    rules = copy_rules(tmp_path)
    path = rules / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return run("diff", RULES, rules)


def _nodes(tree: Any):
    """Every mapping in a parsed rule file's data."""
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from _nodes(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from _nodes(value)


def _replace_number(logic: Any, old: float, new: float) -> Any:
    if isinstance(logic, dict):
        return {key: _replace_number(value, old, new) for key, value in logic.items()}
    if isinstance(logic, list):
        return [_replace_number(value, old, new) for value in logic]
    return new if logic == old and not isinstance(logic, bool) else logic


def threshold_from_a_date(rules: Path, months: int = 18, start: str = "2027-01-01") -> None:
    """The maintainer's recipe: the version in force now ends the day before ``start``, and a
    new one, the same but for option 1's 24 months (worked and documented), begins then."""
    path = rules / SHARED_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    current = next(v for v in data["versions"] if not v["in_force"].get("until"))
    new = copy.deepcopy(current)
    current["in_force"]["until"] = str(date.fromisoformat(start) - timedelta(days=1))
    new.update(id="AAPC-2027", version="2027.1")
    new["in_force"] = {"from": start, "note": "AAPC lowered option 1 to 18 months."}
    check = next(c for c in new["checks"] if c["id"] == "{credential}-full")
    changed = 0
    for node in _nodes(check["requires"]):
        if node.get("id") in ("option-1-experience", "option-1-letters"):
            before = node["logic"]
            node["logic"] = _replace_number(before, 24, months)
            changed += node["logic"] != before
    assert changed == 2, "option 1's leaves no longer hold the number 24: update this recipe"
    data["versions"].insert(0, new)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


# --- rule changes in words ---------------------------------------------------------------------


def test_a_threshold_changed_from_a_date_is_named_in_words(tmp_path):
    new = copy_rules(tmp_path)
    threshold_from_a_date(new)
    result = run("diff", RULES, new)
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "option-1-experience: threshold 24 -> 18 months" in out
    assert "option-1-letters: threshold 24 -> 18 months" in out
    assert "its text still says 24" in out  # the words were not updated with the number
    assert "in the new version AAPC-2027 (compared with AAPC-2023, which it follows)" in out
    assert "in force: 2023-01-01 to now -> 2023-01-01 to 2026-12-31" in out
    assert "added: version 2027.1 (AAPC-2027), in force 2027-01-01 to now" in out
    # both credentials of the shared file, their -full and -A-removal checks, in one place
    heading = next(line for line in out.splitlines() if "CPC-full" in line)
    assert {"CPC-full", "COC-full", "CPC-A-removal", "COC-A-removal"} <= set(
        heading.removeprefix("### ").split(", ")
    )


def test_the_students_whose_answer_changes_are_those_check_profile_finds(tmp_path):
    new = copy_rules(tmp_path)
    threshold_from_a_date(new)
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, 240, seed=3, broken_rows=2)
    out, summary = tmp_path / "changed.csv", tmp_path / "changes.md"
    result = run(
        "diff", RULES, new, "--cohort", cohort, "--as-of", LATER, "--out", out, "--summary", summary
    )
    assert result.exit_code == 1, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_FIELDS
    found = {(r["row"], r["check"], r["old_status"], r["new_status"]) for r in rows}

    old_book, new_book = load_rulebook(str(RULES)), load_rulebook(str(new))
    expected, names = set(), {}
    for row in read_cohort(cohort):
        if row.profile is None:
            continue
        answers = [
            {r.check_id: (r.status, r.standing) for r in report.results}
            for report in (
                check_profile(row.profile, (), LATER, None, book, dates=False)
                for book in (old_book, new_book)
            )
        ]
        for check_id, (status, standing) in answers[0].items():
            if answers[1][check_id] != (status, standing):
                expected.add((str(row.number), check_id, status, answers[1][check_id][0]))
                names[str(row.number)] = row.profile.data["candidate_id"]
    assert expected, "the recipe should change someone's answer in this cohort"
    assert found == expected
    text = summary.read_text(encoding="utf-8")
    assert "Students read: 240; compared: 238; not compared (errors): 2." in text
    for number, candidate in names.items():
        assert f"{candidate} Student {int(number)} (row {number}," in text
    assert "| CPC-full | not met | met |" in text
    assert "differences found" in result.stdout


def test_a_cohort_on_standard_input_is_compared_as_the_same_file_would_be(tmp_path):
    """``--cohort -`` was refused by the option's file check ("Path '-' does not exist"), with
    no way round it; it now reads the students from standard input, as ``batch -`` does."""
    new = copy_rules(tmp_path)
    threshold_from_a_date(new)
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, 240, seed=3)
    outs = {}
    for name, args, given in (
        ("file", [cohort], None),
        ("stdin", ["-"], cohort.read_text(encoding="utf-8")),
    ):
        out = tmp_path / f"{name}.csv"
        summary = tmp_path / f"{name}.md"
        command = ["diff", str(RULES), str(new), "--cohort", *map(str, args), "--as-of", LATER]
        command += ["--out", str(out), "--summary", str(summary)]
        result = CliRunner().invoke(main, command, input=given)
        assert result.exit_code == 1, result.output
        outs[name] = out.read_text(encoding="utf-8").replace(str(cohort), "-")
    assert outs["stdin"].count("\n") > 1
    assert [line.split(",")[2:] for line in outs["stdin"].splitlines()] == [
        line.split(",")[2:] for line in outs["file"].splitlines()
    ]
    summary = (tmp_path / "stdin.md").read_text(encoding="utf-8")
    assert "## Impact on the students read from standard input" in summary


def test_a_text_only_change_names_the_condition_and_changes_no_answer(tmp_path):
    new = copy_rules(tmp_path)
    path = new / SHARED_FILE
    text = path.read_text(encoding="utf-8")
    old_words = (
        "A completed coding preparation course of at least 80 contact hours (CEUs do not count)"
    )
    assert old_words in text
    path.write_text(
        text.replace(old_words, "A finished coding course of 80 contact hours or more"),
        encoding="utf-8",
    )
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, 30, seed=5)
    result = run("diff", RULES, new, "--cohort", cohort)
    assert result.exit_code == 1, result.output
    assert "option-2-course: text changed:" in result.stdout
    assert f'was: "{old_words}"' in result.stdout
    assert 'now: "A finished coding course of 80 contact hours or more"' in result.stdout
    assert "threshold" not in result.stdout
    assert "No student's answer changes." in result.stdout


def test_a_change_to_recommendations_alone_says_it_changes_no_answer(tmp_path):
    """A recommendation's threshold moved (CCA's 6 months to 9): no status can change, and
    "No student's answer changes" alone read as if nothing students see would."""
    new = copy_rules(tmp_path)
    path = new / "ahima" / "cca.yaml"
    text = path.read_text(encoding="utf-8")
    months = '{">=": [{var: experience.ahima_months}, 6]}'
    assert months in text
    path.write_text(text.replace(months, months.replace("6", "9")), encoding="utf-8")
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, 30, seed=5)
    result = run("diff", RULES, new, "--cohort", cohort)
    assert "rec-experience: threshold 6 -> 9 months" in result.stdout
    assert "No student's answer changes." in result.stdout
    assert "changed only what the checks recommend" in result.stdout
    other = copy_rules(tmp_path / "other")  # a required condition changed as well
    path = other / "ahima" / "cca.yaml"
    text = path.read_text(encoding="utf-8").replace(months, months.replace("6", "9"))
    path.write_text(text.replace("{var: education.hs_or_equivalent}", "true", 1), encoding="utf-8")
    assert "changed only what" not in run("diff", RULES, other, "--cohort", cohort).stdout


def test_a_standing_s_ways_forward_are_compared_in_words(tmp_path):
    result = diff_after_edit(
        tmp_path,
        "ahima/recertification.yaml",
        '"ask AHIMA how to earn the {credential} again"',
        '"ask AHIMA what to do"',
    )
    assert result.exit_code == 1, result.output
    assert "ways forward by standing changed:" in result.stdout
    assert '"ask AHIMA how to earn the {credential} again"' in result.stdout
    assert '"ask AHIMA what to do"' in result.stdout
    assert "(when recert.{credential}.appeal.by_latest === null)" in result.stdout
    assert "StandingStep" not in result.stdout and "Compiled" not in result.stdout


def test_the_standings_that_hide_recommendations_are_compared_in_words(tmp_path):
    result = diff_after_edit(
        tmp_path,
        "pahcs/mcs.yaml",
        "hide_recommends: [revoked]",
        "hide_recommends: [inactive, revoked]",
    )
    assert result.exit_code == 1, result.output
    assert "standings that leave out the recommendations: revoked -> inactive, revoked" in (
        result.stdout
    )
    assert "frozenset" not in result.stdout


def test_an_added_check_is_listed_with_its_credential_and_version(tmp_path):
    new = copy_rules(tmp_path)
    source = (new / "aapc" / "crc.yaml").read_text(encoding="utf-8")
    (new / "aapc" / "cxrc.yaml").write_text(
        source.replace("id: CRC\n", "id: CXRC\n").replace("AAPC-CRC-", "AAPC-CXRC-"),
        encoding="utf-8",
    )
    registry = new / "credentials.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8")
        + "  - {id: CXRC, body: AAPC, name: Certified Extra Risk Coder, coding: true}\n",
        encoding="utf-8",
    )
    result = run("diff", RULES, new)
    assert result.exit_code == 1, result.output
    out = result.stdout
    added = out.split("## Checks added")[1].split("\n## ")[0]
    assert "### CXRC-exam" in added and "exam check of CXRC (aapc/cxrc.yaml)" in added
    assert "### CXRC-full" in added
    assert "added: Certified Extra Risk Coder (AAPC), a coding credential" in out
    assert "now has rules:" in out
    # and the other way round, removed
    back = run("diff", new, RULES)
    assert back.exit_code == 1
    assert "## Checks removed" in back.stdout and "### CXRC-exam" in back.stdout


def test_no_change_exits_0_and_says_so_even_when_the_files_are_rewritten(tmp_path):
    new = copy_rules(tmp_path)
    path = new / SHARED_FILE  # anchors expanded, comments and layout gone: the same meaning
    path.write_text(
        yaml.safe_dump(yaml.safe_load(path.read_text(encoding="utf-8")), sort_keys=True),
        encoding="utf-8",
    )
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, 20, seed=2)
    result = run("diff", RULES, new, "--cohort", cohort, "--out", tmp_path / "changed.csv")
    assert result.exit_code == 0, result.output
    assert "No differences in meaning" in result.stdout
    assert "No student's answer changes." in result.stdout
    lines = (tmp_path / "changed.csv").read_text(encoding="utf-8").splitlines()
    assert lines == [",".join(CSV_FIELDS)]


def test_policies_and_the_registry_are_compared(tmp_path):
    new = copy_rules(tmp_path)
    policies = new / "policies.yaml"
    policies.write_text(
        policies.read_text(encoding="utf-8").replace("default: calendar", "default: fte40", 1),
        encoding="utf-8",
    )
    registry = new / "credentials.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace("aliases: [CPC-H, CPC-O]", "aliases: [CPC-H]"),
        encoding="utf-8",
    )
    result = run("diff", RULES, new)
    assert result.exit_code == 1, result.output
    assert 'default: "calendar" -> "fte40"' in result.stdout
    assert "alias removed: CPC-O" in result.stdout


def test_a_default_changed_counts_the_students_whose_default_reading_changes(tmp_path):
    # an answer the GED question decides "depends" under both books: before, "no student's
    # answer changes" though a GED holder's answer by the default reading did (an audit)
    new = copy_rules(tmp_path)
    policies = new / "policies.yaml"
    text = policies.read_text(encoding="utf-8")
    policies.write_text(
        text.replace(
            'default: "yes"\n    values:\n      "yes": a GED is accepted',
            'default: "no"\n    values:\n      "yes": a GED is accepted',
            1,
        ),
        encoding="utf-8",
    )
    assert policies.read_text(encoding="utf-8") != text
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, 120, seed=5)
    out = tmp_path / "changed.csv"
    result = run("diff", RULES, new, "--cohort", cohort, "--out", out)
    assert result.exit_code == 1, result.output
    assert "The default reading of an open question changes (ged_accepted_ahima: yes -> no)" in (
        result.stdout
    )
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {r["check"] for r in rows} <= {"CCS-exam", "CCS-P-exam"}
    old_book, new_book = load_rulebook(str(RULES)), load_rulebook(str(new))
    for row in rows[:5]:  # each is a GED holder whom check answers so under each default
        profile = next(r.profile for r in read_cohort(cohort) if str(r.number) == row["row"])
        assert profile.data["education"]["highest_level"] == "ged"
        for book, value, status in (
            (old_book, "yes", "old_status"),
            (new_book, "no", "new_status"),
        ):
            report = check_profile(
                profile, [row["check"]], None, {"ged_accepted_ahima": value}, book
            )
            assert report.results[0].status == row[status]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.csv"], "needs a cohort"),
        (["--cohort", "{cohort}", "--out", "x.txt"], "is not a .csv file"),
        (["--cohort", "{cohort}", "--summary", "{rule}"], "among the files read from the folder"),
    ],
)
def test_usage_errors_exit_2_with_one_message(tmp_path, args, message):
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, 3, seed=1)
    rule = RULES / SHARED_FILE
    filled = [a.format(cohort=cohort, rule=rule) for a in args]
    result = run("diff", RULES, RULES, *filled)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_broken_rule_file_is_named(tmp_path):
    new = copy_rules(tmp_path)
    path = new / SHARED_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace("kind: exam", "kind: exma", 1), encoding="utf-8"
    )
    result = run("diff", RULES, new)
    assert result.exit_code == 2
    assert "cpc-coc.yaml" in result.stderr


def test_a_missing_directory_is_a_usage_error(tmp_path):
    result = run("diff", RULES, tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "does not exist" in result.output


# --- the parts ---------------------------------------------------------------------------------


def test_literals_are_compared_only_in_logic_of_the_same_shape():
    age = {">=": [{"var": "experience.aapc_months"}, 24]}
    assert literal_changes(age, {">=": [{"var": "experience.aapc_months"}, 18]}) == [(24, 18)]
    assert literal_changes(age, {">=": [{"var": "experience.ahima_months"}, 24]}) is None
    assert literal_changes(age, {">": [{"var": "experience.aapc_months"}, 24]}) is None
    assert literal_changes({"==": [{"var": "x"}, 1]}, {"==": [{"var": "x"}, True]}) == [(1, True)]
    assert logic_change(age, age) == []
    assert logic_change(age, {"<": [1, 2]})[0] == "logic changed:"


def test_answers_that_change_with_no_rule_difference_are_reported_as_a_fault():
    change = Change(
        1, "c.jsonl:1", "S1", "Ana", LATER, "CPC-full", Answer("not_met"), Answer("met")
    )
    group = Group("CPC-full", "not met", "met", 1, (change,), b"")
    impact = Impact("c.jsonl", None, 1, 1, 1, (group,), (), 0)
    text = summary_markdown(RuleDiff("a", "b", ()), impact)
    assert "please report it" in text
    assert "| CPC-full | not met | met | 1 |" in text
    assert "- S1 Ana (row 1, c.jsonl:1)" in text


def test_any_cohort_format_batch_reads_is_compared(tmp_path):
    new = copy_rules(tmp_path)
    # in force by the students' own as_of: a CSV row's letter is dated by an --as-of given
    threshold_from_a_date(new, start="2026-01-01")
    cohort = tmp_path / "class.csv"
    write(cohort, 120, seed=1, flat=True)
    text = cohort.read_text(encoding="utf-8")
    cohort.write_text(text.replace("candidate_id,", "StudentID,", 1), encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns: {candidate_id: StudentID}\n", encoding="utf-8")
    folder = tmp_path / "profiles"
    write(folder, 120, seed=1, flat=True)  # the same students, one YAML file each
    named = []
    for args in (["--cohort", cohort, "--mapping", mapping], ["--cohort", folder]):
        result = run("diff", RULES, new, *args)
        assert result.exit_code == 1, result.output
        assert "Students read: 120; compared: 120; not compared (errors): 0." in result.stdout
        named.append(sorted(re.findall(r"^- (S\d+) Student", result.stdout, re.MULTILINE)))
    assert named[0], "the recipe should change someone's answer in this class"
    assert named[0] == named[1]


def test_the_summary_names_the_first_students_and_counts_the_rest(tmp_path):
    new = copy_rules(tmp_path)
    path = new / SHARED_FILE  # the exam's membership condition reversed: many answers change
    text = path.read_text(encoding="utf-8")
    leaf = "logic: {var: membership.aapc_current}"
    assert leaf in text
    path.write_text(
        text.replace(leaf, 'logic: {"!": {var: membership.aapc_current}}', 1), encoding="utf-8"
    )
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, 200, seed=4)
    out = tmp_path / "changed.csv"
    result = run("diff", RULES, new, "--cohort", cohort, "--out", out)
    assert result.exit_code == 1, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    by_check: dict[tuple[str, str, str], int] = {}
    for row in rows:
        key = (row["check"], row["old_status"], row["new_status"])
        by_check[key] = by_check.get(key, 0) + 1
    largest = max(by_check.values())
    assert largest > LISTED, "this test needs a change of more students than the summary names"
    assert f"- ... and {largest - LISTED} more (all are in the CSV report, --out)" in result.stdout
    named = re.findall(r"^- (S\d+) Student", result.stdout, re.MULTILINE)
    assert set(named) <= {row["candidate_id"] for row in rows}


def test_out_dash_writes_the_changed_answers_to_standard_output(tmp_path):
    """``--out -`` is standard output, as for batch: the same CSV as ``--out FILE``, with the
    summary in its file and nothing else on standard output."""
    new = copy_rules(tmp_path)
    path = new / SHARED_FILE
    text = path.read_text(encoding="utf-8")
    leaf = "logic: {var: membership.aapc_current}"
    path.write_text(
        text.replace(leaf, 'logic: {"!": {var: membership.aapc_current}}', 1), encoding="utf-8"
    )
    cohort = tmp_path / "cohort.jsonl"
    write(cohort, 20, seed=4)
    out, summary = tmp_path / "changed.csv", tmp_path / "changes.md"
    to_file = run("diff", RULES, new, "--cohort", cohort, "--out", out, "--summary", summary)
    assert to_file.exit_code == 1, to_file.output
    piped = run("diff", RULES, new, "--cohort", cohort, "--out", "-", "--summary", summary)
    assert piped.exit_code == 1, piped.output
    assert piped.stdout == out.read_text(encoding="utf-8")
    assert len(list(csv.DictReader(io.StringIO(piped.stdout)))) > 0
    assert "changed answers to standard output" in piped.stderr
    assert summary.read_text(encoding="utf-8").strip()


def test_help_gives_examples():
    result = run("diff", "--help")
    assert result.exit_code == 0
    assert "eligibility diff rules/ my-rules/ --cohort" in result.stdout


def test_a_fact_file_change_is_named_by_fact_and_parameter(tmp_path):
    """What counts as a full-time week is data in a fact file: changing it is a rule change, named
    by the facts it changes and the parameter changed, not "other rule data"."""
    new = copy_rules(tmp_path)
    facts = new / "aapc" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    assert "fte32: 32" in text
    facts.write_text(text.replace("fte32: 32", "fte32: 20"), encoding="utf-8")
    result = run("diff", RULES, new)
    assert result.exit_code == 1, result.output
    section = result.stdout.split("## Facts (fact files)")[1]
    assert "### experience.aapc_months" in section
    # a number of the fact file is a parameter, not a condition's threshold: in words, and where
    assert (
        "- full-time hours a week under fte32: 32 -> 20 (months.full_time_hours.values.fte32)"
        in section
    )
    assert "Other rule data" not in result.stdout


def test_a_fact_added_or_removed_is_said_so(tmp_path):
    new = copy_rules(tmp_path)
    path = new / "facts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = data["facts"][0]
    added = {**copy.deepcopy(first), "name": first["name"] + "_copy", "text": "A copy."}
    data["facts"].append(added)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run("diff", RULES, new)
    assert result.exit_code == 1, result.output
    assert f"### {added['name']}" in result.stdout
    assert 'facts.yaml): "A copy."' in result.stdout
    assert "- read by no check" in result.stdout  # a new fact no rule reads yet
    assert "1 fact (read by no check)" in result.stdout
    back = run("diff", new, RULES)
    assert 'removed (was: "A copy.")' in back.stdout


def test_without_as_of_each_student_is_compared_on_their_own_date(tmp_path):
    """Without --as-of the first student's date was used for every later one, so whether a
    change was found turned on the order of the rows (and the summary said --as-of was given)."""
    new = copy_rules(tmp_path)
    threshold_from_a_date(new)
    generated = tmp_path / "generated.jsonl"
    write(generated, 120, seed=3)
    later = [
        {**json.loads(line), "as_of": str(LATER)}
        for line in generated.read_text(encoding="utf-8").splitlines()
    ]
    early = {"candidate_id": "EARLY", "name": "Early Student", "as_of": "2015-01-01"}
    found = {}
    for order, rows in (("early first", [early, *later]), ("early last", [*later, early])):
        cohort = tmp_path / f"{order}.jsonl"
        cohort.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        out, summary = tmp_path / f"{order}.csv", tmp_path / f"{order}.md"
        result = run("diff", RULES, new, "--cohort", cohort, "--out", out, "--summary", summary)
        assert result.exit_code == 1, result.output
        with out.open(encoding="utf-8", newline="") as handle:
            found[order] = {
                (r["candidate_id"], r["check"], r["as_of"]) for r in csv.DictReader(handle)
            }
        assert "(--as-of)" not in summary.read_text(encoding="utf-8")
    # the recipe's new version is in force on the later date only: the same students change
    assert found["early first"], "the recipe should change someone's answer on the later date"
    assert found["early first"] == found["early last"]
    assert {day for _, _, day in found["early first"]} == {str(LATER)}


def test_a_new_version_is_compared_with_the_version_of_its_own_checks(tmp_path):
    """A credential has versions of different checks (CPC: its apprenticeship rules, its exam,
    its renewal); a new renewal version follows the renewal version, not another that happens
    to be in force on its first day."""
    rules = copy_rules(tmp_path)
    add_renewal_2027(rules)
    result = run("diff", RULES, rules)
    assert result.exit_code == 1, result.output  # rules differ
    follows = re.findall(r"follows (\S+?)[;,]", result.output)
    assert follows and set(follows) == {"AAPC-RENEWAL-2023"}, result.output


def test_a_version_begun_after_the_date_compared_says_when_to_compare(tmp_path):
    """A change from 2027-01-01 compared on an earlier day changes no answer: the report says
    when it begins and how to see whom it will affect, and that day shows them."""
    new = copy_rules(tmp_path)
    threshold_from_a_date(new)
    cohort = ROOT / "fixtures" / "profiles"
    before = run("diff", RULES, new, "--cohort", cohort, "--as-of", "2026-12-31")
    assert "No student's answer changes." in before.stdout
    assert "AAPC-2027 begins on 2027-01-01" in before.stdout
    assert "run the comparison again with --as-of 2027-01-01" in before.stdout
    after = run("diff", RULES, new, "--cohort", cohort, "--as-of", "2027-01-01")
    assert "begins on" not in after.stdout
    # without --as-of, each student on their own date: said only when one is before the start
    hana = ROOT / "fixtures" / "profiles" / "c09-hana-sato.yaml"  # as of 2026-11-22
    assert "begins on" in run("diff", RULES, new, "--cohort", hana).stdout
    renewal = copy_rules(tmp_path / "earlier")
    add_renewal_2027(renewal, "2026-01-01")
    assert "begins on" not in run("diff", RULES, renewal, "--cohort", hana).stdout


def test_an_eligible_by_assumption_changed_is_named_in_words(tmp_path):
    """``closes_with_time`` was shown as the Python record twice (``TimeAssumption(assuming=...,
    redate=(...), now_when_met=(...))``): the one part changed is named, in words (an audit)."""
    result = diff_after_edit(
        tmp_path,
        SHARED_FILE,
        "assuming: ask for your letter to be re-issued then",
        "assuming: ask for your letter to be reissued then",
    )
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "option-1-letters: the 'eligible by' assumption changed:" in out
    assert '  - was: "ask for your letter to be re-issued then"' in out
    assert '  - now: "ask for your letter to be reissued then"' in out
    assert "TimeAssumption" not in out and "redate" not in out and "('" not in out


def test_an_eligible_by_assumption_added_or_removed_is_said_in_words(tmp_path):
    rules = copy_rules(tmp_path)
    path = rules / SHARED_FILE
    text = path.read_text(encoding="utf-8")
    given = "now_when_met: [option-1-experience, option-1-can-document]"
    assert given in text
    path.write_text(text.replace(given, "now_when_met: [option-1-experience]"), encoding="utf-8")
    out = run("diff", RULES, rules).stdout
    assert (
        "option-1-letters: conditions that, met, make its fix meet it now:"
        " option-1-experience, option-1-can-document -> option-1-experience"
    ) in out
    path = copy_rules(tmp_path / "none") / SHARED_FILE  # a book is loaded once per folder
    data = yaml.safe_load(text)
    for node in _nodes(data):
        node.pop("closes_with_time", None)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = run("diff", RULES, path.parent.parent).stdout
    assert "option-1-letters: the 'eligible by' assumption (closes_with_time) changed:" in out
    assert (
        '  - was: "ask for your letter to be re-issued then", re-dating'
        " verification_letters' letter_date where states_to_present, met now with"
        " option-1-experience, option-1-can-document"
    ) in out
    assert "  - now: (none)" in out


def test_pairs_are_written_as_words_not_python_tuples(tmp_path):
    """A condition's ``supply`` (the fact, how to supply it) was printed as a Python tuple."""
    result = diff_after_edit(
        tmp_path, "facts.yaml", "to the profile, e.g. education:", "to the profile, e.g. here:"
    )
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "hs-or-equivalent: how to supply a fact it reads when unknown changed:" in out
    assert (
        "  - now: education.hs_or_equivalent: \"add 'education' to the profile, e.g. here:" in out
    )
    assert "('" not in out and "')" not in out


def test_a_fact_parameter_is_named_in_words_with_the_checks_that_read_it(tmp_path):
    """PAHCS's submission window was ``cycles.window: threshold 2 -> 3 (now: {"months": 3})``,
    summed up as "1 fact" without a word of the checks it changes (an audit)."""
    result = diff_after_edit(
        tmp_path, "pahcs/facts.yaml", "window: {months: 2}", "window: {months: 3}"
    )
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "Differences: 1 fact (read by 2 checks)." in out
    section = out.split("## Facts (fact files)")[1]
    assert "### pahcs\n- submission window: 2 -> 3 months (cycles.window.months)\n" in section
    assert "- read by: MCS-recert, PAHCS-SPECIALTY-recert\n" in section
    assert "threshold" not in section and '{"months"' not in section


def test_a_fact_parameter_of_another_shape_is_written_as_yaml_and_many_readers_counted(tmp_path):
    """AAPC's CEUs needed made a dated list: both values as a fact file writes them, not JSON,
    and the dozens of checks that read AAPC's periods named in part and counted."""
    result = diff_after_edit(
        tmp_path,
        "aapc/facts.yaml",
        "ceus_needed: {one: 36, each_more: 4, at_most: 52}",
        "ceus_needed: [{one: 36, each_more: 4, at_most: 52},"
        " {due_from: 2028-01-01, one: 40, each_more: 4, at_most: 56}]",
    )
    assert result.exit_code == 1, result.output
    out = result.stdout
    section = out.split("## Facts (fact files)")[1]
    assert "- CEUs a full period needs changed (periods.ceus_needed):" in section
    assert "  - was: {one: 36, each_more: 4, at_most: 52}" in section
    assert (
        "  - now: [{one: 36, each_more: 4, at_most: 52},"
        " {due_from: 2028-01-01, one: 40, each_more: 4, at_most: 56}]"
    ) in section
    assert '"one"' not in section and "logic changed" not in section
    read_by = re.search(r"^- read by: (.*) and (\d+) more$", section, re.MULTILINE)
    assert read_by, section
    named = read_by[1].split(", ")
    readers = len(named) + int(read_by[2])
    assert f"Differences: 1 fact (read by {readers} checks)." in out
    book = load_rulebook(str(RULES))
    renewals = {  # every AAPC renewal reads the periods, and more checks may (aapc.credentials)
        check.id
        for credential in book.credentials
        if credential.body == "AAPC"
        for version in credential.versions
        for check in version.checks
        if check.kind == "recertification"
    }
    assert "CPC-renewal" in named and readers >= len(renewals) > 20
    # one number of it: in words, with its place and no JSON
    result = diff_after_edit(
        tmp_path / "one",
        "aapc/facts.yaml",
        "ceus_needed: {one: 36,",
        "ceus_needed: {one: 40,",
    )
    assert (
        "- CEUs a full period needs for one credential: 36 -> 40 (periods.ceus_needed.one)"
        in result.stdout
    )


def test_a_fact_s_words_for_records_left_out_are_compared(tmp_path):
    """Why a record is not counted (a fact's ``left_out``) is shown to candidates, yet changing
    it read as "no differences" (an audit): it is named in words, with the checks reading it."""
    result = diff_after_edit(
        tmp_path,
        "facts.yaml",
        '"not completed: its topics do not count yet"',
        '"not finished: its topics do not count yet"',
    )
    assert result.exit_code == 1, result.output
    section = result.stdout.split("## Facts (fact files)")[1]
    assert "### training.topics\n" in section
    assert "- why a record is left out changed (left_out.checks.1.text):\n" in section
    assert '  - was: "not completed: its topics do not count yet"\n' in section
    assert '  - now: "not finished: its topics do not count yet"\n' in section
    assert "- read by: CRC-exam, CCA-exam" in section


def _edit_left_out(rules: Path, edit: Any) -> tuple[str, list[dict[str, Any]]]:
    """``edit`` (the list of reasons, changed in place) applied to the reasons a fact gives for
    a record it leaves out (``left_out.checks``), the first fact with three or more; its name
    and its reasons as they were."""
    book = load_rulebook(str(RULES))
    found = next(
        (d for d in book.facts.definitions if len((d.left_out or {}).get("checks", ())) >= 3),
        None,
    )
    if found is None:
        pytest.skip("no fact gives three reasons for a record it leaves out")
    path = rules / Path(found.file).relative_to(RULES)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    (fact,) = [f for f in data["facts"] if f["name"] == found.name]
    was = copy.deepcopy(fact["left_out"]["checks"])
    edit(fact["left_out"]["checks"])
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return found.name, was


@pytest.mark.parametrize("how", ["added", "changed and added", "removed"])
def test_a_reason_a_record_is_left_out_is_reported_alone(tmp_path, how):
    """A reason added to a fact's left_out (or one changed while another was added) printed
    both whole lists of reasons, every unchanged one twice (an audit): only what was added,
    removed or changed is said, with its words."""
    new_reason = "a reason made up for this test"

    def edit(checks: list[dict[str, Any]]) -> None:
        if how == "removed":
            del checks[1]
            return
        if how == "changed and added":
            checks[0]["text"] = "words changed for this test"
        checks.append({"logic": copy.deepcopy(checks[0]["logic"]), "text": new_reason})

    rules = copy_rules(tmp_path)
    name, was = _edit_left_out(rules, edit)
    result = run("diff", RULES, rules)
    assert result.exit_code == 1, result.output
    section = result.stdout.split("## Facts (fact files)")[1]
    entry = section.split(f"### {name}\n")[1].split("\n### ")[0]
    lines = entry.splitlines()
    if how == "removed":
        (said,) = [line for line in lines if "removed" in line]
        assert said.startswith("- a reason a record is left out removed (left_out.checks.2):")
        assert json.dumps(was[1]["text"]) in said
        unchanged = [was[0], *was[2:]]
    else:
        (said,) = [line for line in lines if new_reason in line]
        place = f"left_out.checks.{len(was) + 1}"
        assert said.startswith(f"- a reason a record is left out added ({place}):"), said
        unchanged = was[1:]
    if how == "changed and added":
        assert "- why a record is left out changed (left_out.checks.1.text):" in lines
        assert f"  - was: {json.dumps(was[0]['text'])}" in lines
        assert '  - now: "words changed for this test"' in lines
    for reason in unchanged:  # an unchanged reason is not said at all
        assert reason["text"] not in entry, entry
    assert all(len(line) < 300 for line in lines), entry  # no whole list on one line


def _edit_flat_csv(rules: Path, edit: Any) -> dict[str, Any]:
    """``edit`` applied to the data of ``flat-csv.yaml`` in ``rules``; the data as it was."""
    path = rules / "flat-csv.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    was = copy.deepcopy(data)
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return was


def test_a_change_to_what_a_flat_csv_row_stands_for_is_named(tmp_path):
    """flat-csv.yaml says what a school's export means and what its students are asked for,
    yet changing its words or a column's meaning read as "no differences" (an audit): each
    change is named in words, old -> new, under a section of its own."""
    rules = copy_rules(tmp_path)

    def edit(data: dict[str, Any]) -> None:
        pattern = next(iter(data["supply"]))
        data["supply"][pattern] = "words changed for this test"
        data["supply"]["made.up.*"] = "words added for this test"
        data["job"]["code_sets"] = ["ICD-10-PCS"]

    was = _edit_flat_csv(rules, edit)
    result = run("diff", RULES, rules)
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "Differences: 2 parts of the flat CSV layout." in out
    section = out.split("## Flat CSV layout (flat-csv.yaml)\n")[1]
    pattern, words = next(iter(was["supply"].items()))
    assert f"- supply.{pattern} changed:\n" in section
    assert f"  - was: {json.dumps(words)}\n" in section
    assert '  - now: "words changed for this test"\n' in section
    assert '- supply.made.up.* added: "words added for this test"\n' in section
    codes = ", ".join(was["job"]["code_sets"])
    assert (
        f"- the code sets of a job whose code_sets cell is empty: [{codes}] -> [ICD-10-PCS]"
        " (job.code_sets)\n"
    ) in section
    assert "Other rule data" not in out
    assert run("diff", rules, RULES).exit_code == 1  # and back


def test_words_still_saying_a_number_a_fact_no_longer_gives_are_named(tmp_path):
    """A fact's number changed in its file (AAPC's CEUs for one credential) leaves the words of
    the checks reading it saying the old one: diff names them."""
    rules = copy_rules(tmp_path)
    path = rules / "aapc" / "facts.yaml"
    text = path.read_text(encoding="utf-8")
    old = re.search(r"ceus_needed: \{one: (\d+),", text)
    assert old, "AAPC's CEUs for one credential are no longer written so: choose another number"
    path.write_text(text.replace(old[0], f"ceus_needed: {{one: {int(old[1]) + 1},"), "utf-8")
    out = run("diff", RULES, rules).stdout
    stale = next(line for line in out.splitlines() if line.startswith("- words that still say"))
    assert f"say {old[1]}, which the parameters no longer give: " in stale
    assert "CPC-renewal (" in stale  # a check reading it
    assert "the open question" in stale  # the words of an open question its version depends on


def test_a_change_to_the_forms_words_is_named(tmp_path):
    """form.yaml says what a person answering the web page's form is asked for: a change to it
    is named, old -> new, under a section of its own, and so is the file removed."""
    rules = copy_rules(tmp_path)
    path = rules / "form.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pattern, words = next(iter(data["supply"].items()))
    data["supply"][pattern] = "words changed for this test"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = run("diff", RULES, rules)
    assert result.exit_code == 1, result.output
    assert "Differences: 1 part of the form's words." in result.stdout
    section = result.stdout.split("## The web page's form (form.yaml)\n")[1]
    assert f"- supply.{pattern} changed:\n  - was: {json.dumps(words)}\n" in section
    assert '  - now: "words changed for this test"\n' in section
    path.unlink()
    removed = run("diff", RULES, rules).stdout
    assert "- removed: the web page's form asks for what its answers leave out" in removed


def test_a_new_order_of_the_corrects_patterns_is_named(tmp_path):
    """The first corrects pattern that matches a body gives its words: swapping two changes
    what a school's students are told, and read as no difference."""
    rules = copy_rules(tmp_path)
    was = _edit_flat_csv(
        rules, lambda data: data.update(corrects=dict(reversed(list(data["corrects"].items()))))
    )
    assert len(was["corrects"]) > 1, "one corrects pattern: nothing to reorder"
    result = run("diff", RULES, rules)
    assert result.exit_code == 1, result.output
    new = ", ".join(reversed(list(was["corrects"])))
    assert f"(the first that matches is said): {', '.join(was['corrects'])} -> {new}" in (
        result.stdout
    )


def test_each_rule_book_reads_a_flat_csv_row_as_its_own_file_says(tmp_path):
    """A CSV cohort's rows were read as the new rules' flat-csv.yaml says and answered so by
    both books: a change to what a row stands for changed nobody's answer. Each book now reads
    the row as its own file says; the students named are those check_profile finds so."""
    rules = copy_rules(tmp_path)

    def edit(data: dict[str, Any]) -> None:  # letter_on_file: yes is a co-worker's letter
        data["letter_on_file"]["author_role"] = "co-worker"

    _edit_flat_csv(rules, edit)
    cohort, out = tmp_path / "class.csv", tmp_path / "changed.csv"
    write(cohort, 80, seed=1, flat=True)
    result = run("diff", RULES, rules, "--cohort", cohort, "--out", out, "--summary", "-")
    assert result.exit_code == 1, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = {(r["row"], r["check"], r["old_status"], r["new_status"]) for r in rows}
    books = load_rulebook(str(RULES)), load_rulebook(str(rules))
    expected = set()
    read = [read_cohort(cohort, rules_dir=directory) for directory in (RULES, rules)]
    for old_row, new_row in zip(*read, strict=True):
        if old_row.profile is None or new_row.profile is None:
            continue
        answers = [
            {r.check_id: (r.status, r.standing) for r in report.results}
            for report in (
                check_profile(row.profile, (), None, None, book, dates=False)
                for row, book in zip((old_row, new_row), books, strict=True)
            )
        ]
        for check_id, answer in answers[0].items():
            if answers[1][check_id] != answer:
                expected.add((str(new_row.number), check_id, answer[0], answers[1][check_id][0]))
    assert expected, "a co-worker's letter should change someone's answer in this class"
    assert found == expected
    assert "each answered the rows as its own file says" in result.stdout
