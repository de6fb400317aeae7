"""``eligibility test``: rule test cases (docs/rule-tests.md) read, run and reported.

Cases written here live outside any rules directory and name the fixture profiles by absolute
path; cases inside a copy of ``rules/`` show what a maintainer's own cases do.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from eligibility.casetest import load_case
from eligibility.cli import main
from eligibility.rulebook.rules import load_rulebook
from tests.conftest import PROFILES, RULES

HANA = PROFILES / "c09-hana-sato.yaml"  # C09: course two hours short (the README's example)
JULIA = PROFILES / "c11-julia-brooks.yaml"  # C11: CPC revoked for unpaid dues
ELENA = PROFILES / "c06-elena-petrova.yaml"  # C06: 16 hours a week, ambiguous under CONV-3
# C09's option 1: a letter that vouches for 24 months, so dated when she has worked them
LETTER = (
    "ask your employer, supervisor or HR department for a letter that meets AAPC's rules,"
    " dated 2027-08-31 or later"
)


def run(*args) -> Result:
    return CliRunner().invoke(main, ["test", *(str(arg) for arg in args)])


def case(folder: Path, expect: str, profile: Path | str = HANA, more: str = "", name="case.yaml"):
    """A case file in ``folder``: ``expect`` is the YAML under ``expect:`` (indented by 2)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    body = "\n".join("  " + line for line in expect.strip("\n").splitlines())
    path.write_text(
        f"case_format: 1\nprofile: {profile}\nas_of: 2026-11-22\n{more}expect:\n{body}\n",
        encoding="utf-8",
    )
    return path


def line_of(path: Path, text: str) -> int:
    """The number of the line of ``path`` that holds ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


@pytest.fixture
def rules_copy(tmp_path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


# --- the rule loader leaves test folders alone --------------------------------------------------


def test_the_rule_loader_does_not_read_test_folders(rules_copy) -> None:
    """A case (or anything else) under a tests/ folder is not a rule file: without the loader
    skipping it, the rule schema would refuse it and no command could load the rules."""
    (rules_copy / "aapc" / "tests").mkdir()
    (rules_copy / "aapc" / "tests" / "note.yaml").write_text("not: a rule\n", encoding="utf-8")
    (rules_copy / "tests" / "broken.yaml").write_text("[unclosed\n", encoding="utf-8")
    book = load_rulebook(str(rules_copy))
    assert book.all_check_ids() == load_rulebook(str(RULES)).all_check_ids()
    assert CliRunner().invoke(main, ["list", "--rules", str(rules_copy)]).exit_code == 0


# --- the bundled cases --------------------------------------------------------------------------


def test_the_bundled_cases_all_pass_and_each_is_named() -> None:
    result = run()
    assert result.exit_code == 0, result.output
    for path in sorted((RULES / "tests").glob("*.yaml")):
        assert f"ok    rules/tests/{path.name} (" in result.stdout
    assert " 0 failed (0 of " in result.stdout.splitlines()[-1]


def test_a_copy_of_the_rules_runs_its_own_cases_and_profiles(rules_copy) -> None:
    """``--rules COPY`` alone runs the copy's cases, reading the copy's profiles: a changed
    profile and a case that expects the change pass there, and nowhere else."""
    profile = rules_copy / "tests" / "profiles" / "c09-hana-sato.yaml"
    text = profile.read_text(encoding="utf-8")
    assert text.count("value: 78") == 1
    profile.write_text(text.replace("value: 78", "value: 79"), encoding="utf-8")
    hana = rules_copy / "tests" / "c09-hana-sato.yaml"
    hana.write_text(
        hana.read_text(encoding="utf-8")
        .replace("option-2-course: 78", "option-2-course: 79")
        .replace(
            "78 hours (80 hours needed: 2 hours short)", "79 hours (80 hours needed: 1 hour short)"
        ),
        encoding="utf-8",
    )
    result = run("--rules", rules_copy)
    assert result.exit_code == 0, result.output
    assert f"ok    {hana} (" in result.stdout  # the bundled profile has 78 hours


# --- failures: where, what was expected, what the rules gave ------------------------------------


def test_a_wrong_expectation_fails_with_its_file_line_expected_and_actual(rules_copy) -> None:
    hana = rules_copy / "tests" / "c09-hana-sato.yaml"
    text = hana.read_text(encoding="utf-8")
    hana.write_text(text.replace("option-2-course: 78", "option-2-course: 80"), encoding="utf-8")
    result = run("--rules", rules_copy)
    assert result.exit_code == 1, result.output
    line = line_of(hana, "option-2-course: 80")
    assert (
        f"FAIL  {hana}: 1 of " in result.stdout
        and f"  {hana}:{line}: CPC-A-removal, condition option-2-course: the value found\n"
        "      expected: 80\n"
        "      actual:   78\n"
        in result.stdout
    )
    summary = result.stdout.splitlines()[-1]
    assert " passed, 1 failed (1 of " in summary and "could not be run" not in summary


def test_an_answer_other_than_expected_names_the_conditions_that_decided_it(tmp_path) -> None:
    """Not just "expected met, actual not met": what the closest pathway lacks, found and
    needed, and the command that shows the whole answer, with the run's date and policies."""
    path = case(
        tmp_path,
        "CPC-A-removal: {status: met}",
        more="policies: {part_time_counting: fte40}\n",
    )
    result = run(path)
    assert result.exit_code == 1, result.output
    assert (
        "      expected: met\n      actual:   not met\n      why:      closest: option-2\n"
        in result.stdout
    )
    assert "option-2-course: not met (found 78, needed 80)" in result.stdout
    assert (
        f"see the whole answer: eligibility check {HANA} --cert CPC-A-removal"
        " --as-of 2026-11-22 --policy part_time_counting=fte40\n" in result.stdout
    )
    # a profile written in the case: check cannot read the case file, so the command says how
    inline = "\n  profile_version: 2\n  name: Sam"
    written = run(case(tmp_path, "CPC-exam: {status: met}", inline, name="inline.yaml"))
    assert "see the whole answer: save the case's profile: (its lines, unindented) as a file," in (
        written.stdout
    )
    assert "then eligibility check FILE --cert CPC-exam --as-of 2026-11-22" in written.stdout
    met = run(case(tmp_path, "CPC-exam: {status: not_met}", name="met.yaml"))
    assert "why:      met through sit\n" in met.stdout
    assert "aapc-membership: met" in met.stdout


def test_a_number_found_other_than_expected_says_how_the_answer_shows_it(tmp_path) -> None:
    """Months are found to four decimals and shown in months and days: the case writer who
    copied "14" from "14 months 22 days" is told why 14.7228 is not 14."""
    result = run(case(tmp_path, "CPC-A-removal: {found: {option-2-experience: 14}}"))
    assert result.exit_code == 1, result.output
    assert (
        "      actual:   14.7228\n"
        "      why:      the answer shows it as 14 months 22 days; the case gives the number\n"
        in result.stdout
    )


def test_a_further_run_is_named_with_its_date_and_policies(tmp_path) -> None:
    path = case(
        tmp_path,
        "CPC-A-removal: {status: ambiguous}",
        ELENA,
        more="runs:\n  - policies: {part_time_counting: fte40}\n"
        "    expect: {CPC-A-removal: {status: met}}\n",
    )
    result = run(path)
    assert result.exit_code == 1, result.output
    assert (
        f"{path}:6: CPC-A-removal (run 1: as of 2026-11-22, part_time_counting=fte40): the answer"
        "\n      expected: met\n      actual:   not met" in result.stdout
    )


# each kind of expectation: (profile, check, a value that holds, a value that does not)
STEPS = f'[keep coding until 2027-08-31, "{LETTER}"]'
KINDS = {
    "status": (HANA, "CPC-A-removal", "status: not_met", "status: met"),
    "status of a pinned version": (HANA, "CCS-exam@CCS-LEG", "status: ambiguous", "status: met"),
    "standing": (JULIA, "CPC-renewal", "standing: revoked", "standing: active"),
    "no standing": (HANA, "CCA-exam", "standing: null", "standing: active"),
    "version": (HANA, "CPC-A-removal", "version: AAPC-2023", "version: AAPC-2019"),
    "version pinned": (HANA, "CPC-A-removal@AAPC-2019", "version: AAPC-2019", "version: AAPC-2023"),
    "closest": (HANA, "CPC-A-removal", "closest: option-2", "closest: option-1"),
    "no closest": (HANA, "CCA-exam", "closest: null", "closest: rec"),
    "action": (HANA, "CPC-A-removal", "actions: [complete AAPC Practicode]", "actions: [Practicode]"),
    "steps together": (HANA, "CPC-A-removal", f"actions: [{STEPS}]", f'actions: ["{LETTER}"]'),
    "condition": (HANA, "CPC-A-removal", "conditions: {option-2: not_met}", "conditions: {option-2: met}"),
    "recommended": (HANA, "CCS-exam", "conditions: {rec-d: ambiguous}", "conditions: {rec-d: not_met}"),
    "default status": (ELENA, "CPC-A-removal", "default_status: {two-years: met}", "default_status: {two-years: not_met}"),
    "found": (HANA, "CPC-A-removal", "found: {option-2-course: 78}", "found: {option-2-course: 79}"),
    "found within 0.001": (HANA, "CPC-A-removal", "found: {option-1-experience: 14.7228}", "found: {option-1-experience: 14.72}"),
    "shortfall": (HANA, "CPC-A-removal", "shortfall: {option-2-course: 2}", "shortfall: {option-2-course: 3}"),
    "reached on": (HANA, "CPC-A-removal", "reached_on: {option-1-experience: 2027-08-31}", "reached_on: {option-1-experience: 2027-09-01}"),
    "never reached": (HANA, "CPC-A-removal", "reached_on: {option-2-course: null}", "reached_on: {option-2-course: 2027-01-01}"),
    "says": (HANA, "CPC-A-removal", 'says: ["longest completed course: 78 hours (80 hours needed: 2 hours short)"]', 'says: ["79 hours"]'),
    "says across lines": (HANA, "CPC-A-removal", 'says: ["Option 2 met\n  - complete a coding"]', 'says: ["Option 3 met"]'),
    "says not": (JULIA, "CPC-renewal", 'says_not: ["Standing on 2026-11-22: active"]', 'says_not: ["revoked"]'),
}  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_expectation_is_judged(tmp_path, kind) -> None:
    profile, check, holds, fails = KINDS[kind]
    assert run(case(tmp_path / "holds", f"{check}: {{{holds}}}", profile)).exit_code == 0
    result = run(case(tmp_path / "fails", f"{check}: {{{fails}}}", profile))
    assert result.exit_code == 1, result.output
    assert "expected: " in result.stdout and "actual:   " in result.stdout


def test_a_condition_of_a_check_that_does_not_apply_fails_and_says_why(tmp_path) -> None:
    result = run(case(tmp_path, "COC-A-removal: {conditions: {option-1: not_met}}"))
    assert result.exit_code == 1
    assert "actual:   COC-A-removal has no conditions to look at: does not apply" in result.stdout


def test_policies_of_the_case_apply_to_its_runs_and_a_run_adds_its_own(tmp_path) -> None:
    path = case(
        tmp_path,
        "CCS-exam: {conditions: {rec-d: met}}",
        more="policies: {apprentice_counts_as_credential: 'yes'}\nruns:\n"
        "  - policies: {part_time_counting: fte40}\n    expect: {CCS-exam: {status: met}}\n"
        "  - as_of: 2026-01-01\n    expect: {CCS-exam: {status: met}}\n",
    )
    runs = load_case(path).runs
    assert [dict(r.policies) for r in runs] == [
        {"apprentice_counts_as_credential": "yes"},
        {"apprentice_counts_as_credential": "yes", "part_time_counting": "fte40"},
        {"apprentice_counts_as_credential": "yes"},  # not the run before it
    ]
    assert [str(r.as_of) for r in runs] == ["2026-11-22", "2026-11-22", "2026-01-01"]
    assert run(path).exit_code == 0  # rec-d is met only when the CPC-A counts


def test_json_gives_every_expectation_with_its_line_expected_and_actual(tmp_path) -> None:
    path = case(tmp_path, "CPC-A-removal:\n  status: not_met\n  found: {option-2-course: 80}")
    result = run(path, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    (entry,) = report["cases"]
    assert (entry["file"], entry["result"]) == (str(path), "failed")
    status, found = entry["expectations"]
    assert (status["aspect"], status["passed"], status["line"]) == ("status", True, 6)
    assert {k: found[k] for k in ("line", "path", "expected", "actual", "passed")} == {
        "line": 7,
        "path": "$.expect.CPC-A-removal.found.option-2-course",
        "expected": 80,
        "actual": 78,
        "passed": False,
    }
    assert report["summary"]["failed"] == 1 and report["summary"]["unmet"] == 1


# --- bad cases: exit 2, with file, line, JSON path and fix ------------------------------------

OK = "CPC-A-removal: {status: not_met}"
REFUSED = {  # (expectations, fields written before them, message)
    "misspelt key": (OK, "node: {CPC-A-removal/option-1: not_met}\n", "line 4 ($.node): unknown field 'node'"),
    "misspelt key in a check": ("CPC-A-removal: {condition: {option-1: not_met}}", "", "line 5 ($.expect.CPC-A-removal.condition): unknown field 'condition'"),
    "nothing expected": ("{}", "", "line 4 ($.expect): expect is empty"),
    "a check expecting nothing": ("CPC-A-removal: {}", "", "($.expect.CPC-A-removal): CPC-A-removal is empty"),
    "no conditions": ("CPC-A-removal: {conditions: {}}", "", "($.expect.CPC-A-removal.conditions): conditions is empty"),
    "a run expecting nothing": (OK, "runs: [{as_of: 2026-01-01}]\n", "line 4 ($.runs[0]): missing required field 'expect'"),
    "no runs": (OK, "runs: []\n", "($.runs): runs is empty"),
    "unknown status": ("CPC-A-removal: {status: passed}", "", '"passed" is not an accepted value'),
    "unknown check": ("CPC-A-removl: {status: not_met}", "", "no check called 'CPC-A-removl' in the rules\n  fix: did you mean 'CPC-A-removal'?"),
    "a credential for a check": ("CPC: {status: met}", "", "'CPC' is a credential"),
    "unknown version": ("CPC-exam@AAPC-2020: {status: met}", "", "has no rule version 'AAPC-2020'"),
    "unknown condition": (
        "CPC-A-removal: {conditions: {option-2-cours: met}}", "",
        "line 5 ($.expect.CPC-A-removal.conditions.option-2-cours): CPC-A-removal (rule version AAPC-2023) has no condition 'option-2-cours'\n  fix: did you mean 'option-2-course'?",
    ),
    "unknown policy": (OK, "policies: {part_time_countin: fte40}\n", "line 4 ($.policies.part_time_countin): no policy called 'part_time_countin'\n  fix: did you mean 'part_time_counting'?"),
    "unknown policy value": (OK, "runs: [{policies: {part_time_counting: fte99}, expect: {CPC-exam: {status: met}}}]\n", "line 4 ($.runs[0].policies.part_time_counting): 'fte99' is not a value of"),
    "unquoted yes": (OK, "policies: {apprentice_counts_as_credential: yes}\n", "apprentice_counts_as_credential must be text, but YAML read it as true\n  fix: put the value in quotes"),
}  # fmt: skip


@pytest.mark.parametrize("problem", REFUSED)
def test_a_bad_case_is_an_input_error_naming_the_place_and_the_fix(tmp_path, problem) -> None:
    expect, more, message = REFUSED[problem]
    path = case(tmp_path, expect, more=more)
    result = run(path)
    assert result.exit_code == 2, result.output
    assert f"ERROR {path}: " in result.stdout and message in result.stdout, result.stdout
    assert "fix: " in result.stdout and "Traceback" not in result.output


def test_a_bad_case_does_not_stop_the_others_and_exits_2(tmp_path) -> None:
    bad = case(tmp_path, "CPC-A-removl: {status: met}", name="a-bad.yaml")
    failing = case(tmp_path, "CPC-A-removal: {status: met}", name="b-failing.yaml")
    passing = case(tmp_path, "CPC-A-removal: {status: not_met}", name="c-passing.yaml")
    result = run(tmp_path)
    assert result.exit_code == 2
    assert f"ERROR {bad}" in result.stdout and f"FAIL  {failing}" in result.stdout
    assert f"ok    {passing}" in result.stdout
    assert "3 cases: 1 passed, 1 failed, 1 could not be run" in result.stdout


def test_a_fault_of_the_program_on_one_case_is_that_cases_error(tmp_path, monkeypatch) -> None:
    import eligibility.casetest

    real = eligibility.casetest.check_profile

    def failing(profile, *args):
        if "Julia" in profile.label:
            raise ZeroDivisionError("injected for the test")
        return real(profile, *args)

    monkeypatch.setattr(eligibility.casetest, "check_profile", failing)
    case(tmp_path, "CPC-renewal: {standing: revoked}", JULIA, name="julia.yaml")
    case(tmp_path, "CPC-A-removal: {status: not_met}", name="hana.yaml")
    result = run(tmp_path)
    assert result.exit_code == 2
    assert (
        "this is a fault of the program" in result.stdout and "ZeroDivisionError" in result.stdout
    )
    assert f"ok    {tmp_path / 'hana.yaml'}" in result.stdout


# --- profiles -----------------------------------------------------------------------------------


def test_a_case_in_a_rules_directory_may_not_read_a_profile_outside_it(rules_copy) -> None:
    """Else a copy of the rules directory would lose the profile."""
    path = case(rules_copy / "tests", "CPC-A-removal: {status: not_met}", HANA, name="new.yaml")
    result = run("--rules", rules_copy, path)
    assert result.exit_code == 2
    assert f"ERROR {path}: line 2 ($.profile): the profile '{HANA}' lies outside the rules" in (
        result.stdout
    )
    assert f"fix: move it into {rules_copy / 'tests' / 'profiles'}" in result.stdout
    shutil.copy(HANA, rules_copy / "tests" / "profiles" / "hana.yaml")
    case(
        rules_copy / "tests",
        "CPC-A-removal: {status: not_met}",
        "profiles/hana.yaml",
        name="new.yaml",
    )
    assert run("--rules", rules_copy, path).exit_code == 0


def test_a_profile_written_in_the_case_is_checked_like_a_profile_file(tmp_path) -> None:
    inline = "\n  name: Sam\n  work_history:\n    - {employer: A, start_date: 2024-02-30}"
    result = run(case(tmp_path, "CPC-exam: {status: not_met}", inline))
    assert result.exit_code == 2
    assert "line 5 ($.profile.work_history[0]" in result.stdout
    assert run(case(tmp_path, "CPC-exam: {status: not_met}", "\n  name: Sam")).exit_code == 0


def test_a_missing_profile_file_is_named_with_the_case(tmp_path) -> None:
    result = run(case(tmp_path, "CPC-exam: {status: met}", "profiles/nobody.yaml"))
    assert result.exit_code == 2
    assert "line 2 ($.profile): no profile file at 'profiles/nobody.yaml'" in result.stdout


# --- which cases run ----------------------------------------------------------------------------


def test_a_folder_runs_its_cases_and_not_its_profiles(tmp_path) -> None:
    (tmp_path / "cases" / "profiles").mkdir(parents=True)
    shutil.copy(HANA, tmp_path / "cases" / "profiles" / "p.yaml")
    case(tmp_path / "cases", "CPC-A-removal: {status: not_met}", "profiles/p.yaml", name="one.yaml")
    case(tmp_path / "cases" / "more", "CPC-A-removal: {status: not_met}", HANA, name="two.yaml")
    result = run(tmp_path / "cases")
    assert result.exit_code == 0, result.output
    assert "2 cases: 2 passed" in result.stdout and "p.yaml" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere.yaml"], "error: nowhere.yaml: no such file or folder"),
        (["--rules", "no-such-rules"], "error: no-such-rules: rules directory not found"),
        (["EMPTY"], "no test cases (*.yaml) in this folder"),
        (["--rules", "NO-TESTS"], "the rules directory has no tests folder"),
    ],
)
def test_paths_and_rules_that_cannot_be_used_exit_2(tmp_path, rules_copy, args, message) -> None:
    (tmp_path / "EMPTY").mkdir()
    shutil.rmtree(rules_copy / "tests")
    places = {"EMPTY": tmp_path / "EMPTY", "NO-TESTS": rules_copy}
    result = run(*(places.get(arg, arg) for arg in args))
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_a_number_written_in_quotes_is_said_to_be_text(tmp_path) -> None:
    """found: {option-2-course: "78"} failed with "expected: 78 / actual: 78"."""
    result = run(case(tmp_path, 'CPC-A-removal: {found: {option-2-course: "78"}}'))
    assert result.exit_code == 1
    assert "expected: '78', a text (write it without quotes for the number)" in result.stdout


def test_text_that_is_no_number_gets_no_quotes_hint(tmp_path) -> None:
    result = run(case(tmp_path, 'CPC-A-removal: {found: {option-2-course: "abc"}}'))
    assert result.exit_code == 1
    assert "without quotes" not in result.stdout
