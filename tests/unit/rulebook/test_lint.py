"""``eligibility lint``: each mistake issue 12 found loading silently, made in a copy of rules/,
is an error naming the file, the line, the JSON path and the fix; all of them are reported in one
run; and loading (``eligibility check``) refuses each the same way.

The mistakes are edits of today's rule texts; nothing here counts credentials, files or problems
beyond the ones a mistake makes, nor depends on the order of the rule book.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from eligibility.cli import main
from eligibility.errors import InputError
from eligibility.lint import lint_rules
from eligibility.rulebook import rules
from eligibility.rulebook.rulecheck import ERROR, WARNING, Problem
from tests.conftest import PROFILES, ROOT
from tests.unit.rulebook.edits import add_apprenticeship_2027, add_renewal_2027

HANA = PROFILES / "c09-hana-sato.yaml"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    """Each test its own rule cache, and no book remembered from another test."""
    monkeypatch.setenv("ELIGIBILITY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ELIGIBILITY_NO_CACHE", raising=False)
    rules.load_rulebook.cache_clear()
    yield
    rules.load_rulebook.cache_clear()


def copy_of_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def edit(directory: Path, file: str, old: str, new: str) -> None:
    """Replace the first ``old`` in ``file`` (it must be there: the test would prove nothing)."""
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{file} no longer says {old!r}: update this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def warned(directory: Path, code: str) -> list[Problem]:
    """The problems of ``code`` lint finds in ``directory``, whose rules must still load (no
    error at all: a warning the test is about must not hide behind one)."""
    report = lint_rules(str(directory))
    assert not [p for p in report.problems if p.level == ERROR], report.problems
    return [p for p in report.problems if p.code == code]


def newer_cca(directory: Path, dates: str) -> None:
    """A new dated CCA version in a file of its own, as a maintainer might add one."""
    text = (directory / "ahima" / "cca.yaml").read_text(encoding="utf-8")
    assert "- id: CCA-CUR" in text and "from: null" in text
    text = text.replace("- id: CCA-CUR", "- id: CCA-NEXT", 1).replace("from: null", dates, 1)
    (directory / "ahima" / "cca-next.yaml").write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Mistake:
    id: str
    make: Callable[[Path], None]
    file: str  # where the error is reported (relative to rules/)
    code: str
    message: str  # part of the message
    line_shows: str  # part of the line named
    fix: str  # part of the fix
    suggestion: str | None = None


MISTAKES = [
    Mistake(
        "credential-in-logic",
        lambda d: edit(
            d,
            "ahima/ccs.yaml",
            "{in: [CCA, {var: credentials.full}]}",
            "{in: [CCAA, {var: credentials.full}]}",
        ),
        "ahima/ccs.yaml",
        "unknown-credential",
        "unknown credential 'CCAA'",
        "CCAA",
        "credential id from the registry",
        "CCA",
    ),
    Mistake(
        "credential-in-registry",
        lambda d: edit(d, "credentials.yaml", "{id: CEDC,", "{id: CEDCX,"),
        "credentials.yaml",
        "unknown-credential",
        "'CEDCX' has no rule file",
        "CEDCX",
        "correct the id to CEDC",
        "CEDC",
    ),
    Mistake(
        "policy-value-in-logic",
        lambda d: edit(
            d,
            "ahima/recertification.yaml",
            "{var: policies.ahima_hiim_basis}, all]",
            "{var: policies.ahima_hiim_basis}, al]",
        ),
        "ahima/recertification.yaml",
        "unknown-value",
        "'al' is not a value of policy ahima_hiim_basis",
        "ahima_hiim_basis}, al]",
        "use one of: required, all",
        "all",
    ),
    Mistake(
        # unquoted, YAML reads yes as true: no policy value equals it, so the GED reading
        # silently never held (a maintainer's audit: 260 answers changed, every test passed)
        "policy-compared-with-a-boolean",
        lambda d: edit(
            d,
            "ahima/ccs.yaml",
            '{var: policies.ged_accepted_ahima}, "yes"]',
            "{var: policies.ged_accepted_ahima}, yes]",
        ),
        "ahima/ccs.yaml",
        "unknown-value",
        "policy ged_accepted_ahima is compared with true, not with one of its values",
        "policies.ged_accepted_ahima}, yes]",
        'quote the value: "yes"',
    ),
    Mistake(
        "leftover-placeholder",
        lambda d: edit(
            d,
            "aapc/cpc-coc.yaml",
            "will you be a full {credential}",
            "will you be a full {credentail}",
        ),
        "aapc/cpc-coc.yaml",
        "leftover-placeholder",
        "{credentail} is not filled in",
        "{credentail}",
        "correct the placeholder",
        "{credential}",
    ),
    Mistake(
        "misspelt-shortfall-placeholder-with-words",
        lambda d: edit(
            d,
            "aapc/renewal.yaml",
            "earn {short|the missing CEUs} pre-approved for the {credential} and submit them by",
            "earn {shrot|the missing CEUs} pre-approved for the {credential} and submit them by",
        ),
        "aapc/renewal.yaml",
        "leftover-placeholder",
        "{shrot|the missing CEUs} is not filled in",
        "{shrot|the missing CEUs}",
        "correct the placeholder",
        None,
    ),
    Mistake(
        "standing-placeholder-where-no-standing-is-known",
        lambda d: edit(
            d,
            "aapc/renewal.yaml",
            "met: Your {credential} is being kept;",
            "met: Your {credential} is {standing};",
        ),
        "aapc/renewal.yaml",
        "leftover-placeholder",
        "{standing} is not filled in",
        "{standing}",
        "correct the placeholder",
        None,
    ),
    Mistake(
        "standing-placeholder-in-a-check-without-a-standing",
        lambda d: edit(
            d,
            "aapc/cpc-p-cic.yaml",
            "not_met: On passing you would be an apprentice until",
            "not_met: On passing you would be {standing} until",
        ),
        "aapc/cpc-p-cic.yaml",
        "leftover-placeholder",
        "{standing} in the not-met outcome of a check with a standing",
        "{standing}",
        "correct the placeholder",
        None,
    ),
    Mistake(
        "arithmetic-on-a-list",  # passed lint, then every student was "a fault of the program"
        lambda d: edit(
            d,
            "aapc/cpc-p-cic.yaml",
            'logic: {">=": [{var: experience.aapc_months}, 24]}',
            'logic: {">=": [{"+": [{var: credentials.held}, 1]}, 24]}',
        ),
        "aapc/cpc-p-cic.yaml",
        "not-a-number",
        "`+` of a list (credentials.held): it fails whenever it is worked out",
        "credentials.held",
        "read a number",
    ),
    Mistake(
        "because-names-no-condition",
        lambda d: edit(
            d,
            "pahcs/mcs.yaml",
            "            last-period: the last completed 24-month period fell short",
            "            last-periods: the last completed 24-month period fell short",
        ),
        "pahcs/mcs.yaml",
        "unknown-condition",
        "gives a reason for 'last-periods', but the check requires no condition 'last-periods'",
        "last-periods:",
        "name a condition of the check's requires by its id",
        "last-period",
    ),
    Mistake(
        "now-when-met-names-no-condition",
        lambda d: edit(
            d,
            "aapc/cpc-coc.yaml",
            "now_when_met: [option-1-experience, option-1-can-document]",
            "now_when_met: [option-1-experiense, option-1-can-document]",
        ),
        "aapc/cpc-coc.yaml",
        "unknown-condition",
        "names 'option-1-experiense', but its pathway has no condition 'option-1-experiense'",
        "option-1-experiense",
        "name a condition of its pathway by its id",
        "option-1-experience",
    ),
    Mistake(
        "now-when-met-names-another-pathway",
        lambda d: edit(  # option 2's letters name option 1's months (a line of its own)
            d,
            "aapc/cpc-coc.yaml",
            "now_when_met: [option-2-experience, option-2-can-document]",
            "now_when_met: [option-1-experience, option-2-can-document]",
        ),
        "aapc/cpc-coc.yaml",
        "unknown-condition",
        "names 'option-1-experience', but its pathway has no condition 'option-1-experience'",
        "option-1-experience",
        "name a condition of its pathway by its id",
        "option-2-experience",
    ),
    Mistake(
        "because-placeholder-outside-its-sentence",
        lambda d: edit(
            d,
            "pahcs/mcs.yaml",
            "not active on PAHCS's records, the last completed 24-month period fell short",
            "{because}",
        ),
        "pahcs/mcs.yaml",
        "leftover-placeholder",
        "{because} is not filled in",
        "{because}",
        "correct the placeholder",
        None,
    ),
    Mistake(
        "logic-false-in-quotes",
        lambda d: edit(
            d, "ahima/cca.yaml", "logic: {var: training.pcap_completed}", 'logic: "false"'
        ),
        "ahima/cca.yaml",
        "not-a-condition",
        "the text 'false' is not true or false",
        'logic: "false"',
        "write false without quotes",
    ),
    Mistake(
        "fix-unsure-without-fix-when",
        lambda d: edit(
            d,
            "aapc/renewal.yaml",
            '              fix_when: {"!==": [{var: aapc.dues_standing_if_unpaid}, revoked]}\n',
            "",
        ),
        "aapc/renewal.yaml",
        "fix-unsure-alone",
        "without fix_when it is never said",
        "fix_unsure: pay the AAPC membership dues at once",
        "add fix_when",
    ),
    Mistake(
        "second-copy-of-a-file",
        lambda d: shutil.copy(d / "aapc" / "crc.yaml", d / "aapc" / "crc copy.yaml"),
        "aapc/crc copy.yaml",
        "repeated-version",
        "a second copy of a rule file?",
        "- id: ",
        "delete the copy",
    ),
    Mistake(
        "overlap-across-files",
        lambda d: newer_cca(d, "from: 2026-01-01"),
        "ahima/cca.yaml",  # the version that began first is the one to end
        "overlap",
        "are both in force from 2026-01-01",
        "in_force:",
        "end CCA-CUR the day before: add 'until: 2025-12-31' under its in_force",
    ),
    Mistake(
        "reversed-in-force",
        lambda d: newer_cca(d, "from: 2026-01-01\n      until: 2025-06-30"),
        "ahima/cca-next.yaml",
        "reversed-dates",
        "in force until 2025-06-30, before it comes into force",
        "until: 2025-06-30",
        "swap the dates",
    ),
    Mistake(
        "duplicate-version-id",
        lambda d: edit(d, "ahima/ccs-p.yaml", "- id: CCSP-SEED", "- id: CCSP-ASSUMED"),
        "ahima/ccs-p.yaml",
        "duplicate-version",
        "version id 'CCSP-ASSUMED' is used twice",
        "- id: CCSP-ASSUMED",
        "give each version its own id",
    ),
    Mistake(
        "source-the-version-does-not-list",
        lambda d: edit(
            d, "ahima/cca.yaml", "sources: [AHIMA-CCA-1, T2]", "sources: [AHIMA-CCA-1, T1]"
        ),
        "ahima/cca.yaml",
        "unknown-source",
        "cites source 'T1', which version CCA-CUR does not list",
        "T1]",
        "add T1 to the version's sources",
    ),
    Mistake(
        "unneeded-preferred",
        lambda d: edit(
            d,
            "ahima/ccs.yaml",
            "    confidence: H\n    sources:",
            "    preferred: true\n    confidence: H\n    sources:",
        ),
        "ahima/ccs.yaml",
        "unneeded-preferred",
        "version CCS-CUR is marked preferred, but no other version",
        "preferred: true",
        "remove 'preferred: true'",
    ),
    Mistake(
        "now",
        lambda d: edit(
            d,
            "ahima/cca.yaml",
            '{">=": [{var: experience.ahima_months}, 6]}',
            '{">=": [{var: experience.ahima_months}, {now: []}]}',
        ),
        "ahima/cca.yaml",
        "forbidden-operator",
        "`now` reads the computer's clock",
        "{now: []}",
        "standard JsonLogic operators",
    ),
    Mistake(
        "throw",
        lambda d: edit(
            d,
            "ahima/cca.yaml",
            "logic: {var: education.hs_or_equivalent}",
            "logic: {if: [{var: education.hs_or_equivalent}, true, {throw: no}]}",
        ),
        "ahima/cca.yaml",
        "forbidden-operator",
        "`throw` stops the check with an error",
        "{throw: no}",
        "standard JsonLogic operators",
    ),
    Mistake(
        "division-by-zero",
        lambda d: edit(
            d,
            "pahcs/mcs.yaml",
            '{var: "pahcs.{credential}.last.ceus_counted"}, 24]',
            '{"/": [{var: "pahcs.{credential}.last.ceus_counted"}, 0]}, 1]',
        ),
        "pahcs/mcs.yaml",
        "division-by-zero",
        "`/` by zero",
        '"/"',
        "divide by a number other than 0",
    ),
    Mistake(
        "number-compared-with-text",
        lambda d: edit(
            d,
            "aapc/crc.yaml",
            '{">=": [{var: experience.aapc_months}, 12]}',
            '{">=": [{var: experience.aapc_months}, twelve]}',
        ),
        "aapc/crc.yaml",
        "number-vs-text",
        "compares a number with the text 'twelve'",
        "twelve",
        "compare the number with a number",
    ),
    Mistake(
        "ceus-needed-later-entry-undated",
        lambda d: edit(
            d,
            "aapc/facts.yaml",
            "ceus_needed: {one: 36, each_more: 4, at_most: 52}",
            "ceus_needed: [{one: 36, each_more: 4, at_most: 52}, {one: 40, each_more: 4, at_most: 56}]",
        ),
        "aapc/facts.yaml",
        "dated-entries",
        "entry 2 of ceus_needed has no due_from",
        "ceus_needed",
        "give it due_from",
    ),
    Mistake(
        "fix-after-without-fix-when",
        lambda d: edit(d, "aapc/cpc-coc.yaml", "              fix_when: *renewable\n", ""),
        "aapc/cpc-coc.yaml",
        "fix-after-alone",
        "without fix_when it is never said",
        'fix_after: "rejoin AAPC as a new member, paying the membership through',
        "add fix_when",
    ),
    Mistake(
        # a first letter supposed with a misspelt field never meets A1: no working student
        # without a letter would get a date, and nothing would say why
        "first-letter-field",
        lambda d: edit(
            d,
            "aapc/cpc-p-cic.yaml",
            "link: covers_work_id",
            "link: covers_job_id",
        ),
        "aapc/cpc-p-cic.yaml",
        "unknown-field",
        "'covers_job_id' is no field of a verification_letters record",
        "covers_job_id",
        "name a field of a verification_letters record",
        "covers_work_id",
    ),
]


def errors_matching(report_problems: tuple[Problem, ...], mistake: Mistake, directory: Path):
    return [
        p
        for p in report_problems
        if p.level == ERROR
        and p.file == str(directory / mistake.file)
        and p.code == mistake.code
        and mistake.message in p.message
    ]


def assert_names_place_and_fix(problem: Problem, mistake: Mistake) -> None:
    path = Path(problem.file)
    assert problem.line, problem
    line = path.read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert mistake.line_shows in line, f"line {problem.line} is {line!r}"
    assert problem.path and problem.path.startswith("$"), problem
    assert mistake.fix in problem.fix, problem.fix
    if mistake.suggestion:
        assert problem.suggestion == mistake.suggestion


def test_the_bundled_rules_lint_clean():
    report = lint_rules(str(ROOT / "rules"))
    assert report.problems == (), "\n".join(map(str, report.problems))


def assert_reported(tmp_path: Path, mistake: Mistake) -> None:
    """``lint`` reports the mistake as an error naming its place and fix."""
    directory = copy_of_rules(tmp_path)
    mistake.make(directory)
    report = lint_rules(str(directory))
    found = errors_matching(report.problems, mistake, directory)
    assert found, "\n".join(map(str, report.problems))
    assert_names_place_and_fix(found[0], mistake)


def assert_refused_as_reported(tmp_path: Path, mistake: Mistake) -> None:
    """Loading (and ``check``) refuses the mistake with an error ``lint`` reports."""
    directory = copy_of_rules(tmp_path)
    mistake.make(directory)
    errors = [p for p in lint_rules(str(directory)).problems if p.level == ERROR]
    with pytest.raises(InputError) as refused:
        rules.load_rulebook(str(directory))
    told = refused.value
    assert any(str(told) == str(p.as_error()) for p in errors), (str(told), errors)
    result = CliRunner().invoke(main, ["check", str(HANA), "--rules", str(directory)])
    assert result.exit_code == 2
    assert str(told).splitlines()[0] in result.stderr
    assert "Traceback" not in result.output


def assert_all_reported(tmp_path: Path, together: list[Mistake]) -> None:
    """``lint`` reports every one of the mistakes, made together, in one run."""
    directory = copy_of_rules(tmp_path)
    for mistake in together:
        mistake.make(directory)
    report = lint_rules(str(directory))
    for mistake in together:
        assert errors_matching(report.problems, mistake, directory), mistake.id
    result = CliRunner().invoke(main, ["lint", "--rules", str(directory)])
    assert result.exit_code == 1
    for mistake in together:
        assert mistake.message in result.stdout, mistake.id


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_each_silent_mistake_is_an_error_naming_place_and_fix(tmp_path, mistake):
    assert_reported(tmp_path, mistake)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_check_refuses_each_mistake_as_lint_reports_it(tmp_path, mistake):
    assert_refused_as_reported(tmp_path, mistake)


def test_all_the_mistakes_are_reported_in_one_run(tmp_path):
    # reversed-in-force and overlap-across-files both write cca-next.yaml
    assert_all_reported(tmp_path, [m for m in MISTAKES if m.id != "reversed-in-force"])


def test_a_rule_file_saved_as_yml_is_named_as_never_read(tmp_path):
    directory = copy_of_rules(tmp_path)
    (directory / "ahima" / "cca-next.yml").write_text(
        (directory / "ahima" / "cca.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    report = lint_rules(str(directory))
    (problem,) = [p for p in report.problems if p.code == "ignored-file"]
    assert problem.level == ERROR and problem.file.endswith("cca-next.yml")
    assert "rename it to cca-next.yaml" in problem.fix


def test_one_broken_file_names_itself_and_the_others_are_still_checked(tmp_path):
    directory = copy_of_rules(tmp_path)
    (directory / "aapc" / "broken.yaml").write_text("rule_format: 1\nbody: [\n", encoding="utf-8")
    edit(directory, "ahima/cca.yaml", "        question: May you sit for the CCA exam?\n", "")
    MISTAKES[0].make(directory)
    report = lint_rules(str(directory))
    by_file = {(Path(p.file).name, p.code) for p in report.problems if p.level == ERROR}
    assert ("broken.yaml", "invalid-file") in by_file
    assert ("cca.yaml", "invalid-file") in by_file  # the schema: a check without a question
    assert ("ccs.yaml", "unknown-credential") in by_file


def test_a_broken_reference_file_is_reported_and_the_rule_files_still_checked(tmp_path):
    directory = copy_of_rules(tmp_path)
    edit(directory, "policies.yaml", "    default: calendar\n", "")
    next(m for m in MISTAKES if m.id == "logic-false-in-quotes").make(directory)
    report = lint_rules(str(directory))
    codes = {(Path(p.file).name, p.code) for p in report.problems}
    assert ("policies.yaml", "invalid-file") in codes
    assert ("cca.yaml", "not-a-condition") in codes


def test_a_broken_fact_file_is_told_there_and_not_in_the_rule_files_that_read_it(tmp_path):
    """With a fact file unreadable, what a fact holds is not known: rule files that iterate
    over a list fact were told they go "over something worked out as it runs"."""
    directory = copy_of_rules(tmp_path)
    edit(directory, "facts.yaml", "      consequence: >-\n", "      consequenze: >-\n")
    errors = [p for p in lint_rules(str(directory)).problems if p.level == ERROR]
    assert errors and {Path(p.file).name for p in errors} == {"facts.yaml"}


# --- other checks --------------------------------------------------------------------------


OTHERS = [
    # (id, file, old, new, level, code, part of the message, suggestion)
    (
        "unknown-fact",
        "ahima/cca.yaml",
        "{var: experience.ahima_months}, 6]",
        "{var: experience.ahima_month}, 6]",
        ERROR,
        "unknown-fact",
        "reads unknown fact 'experience.ahima_month'",
        "experience.ahima_months",
    ),
    (
        "unknown-operator",
        "ahima/cca.yaml",
        '{">=": [{var: experience.ahima_months}, 6]}',
        '{">==": [{var: experience.ahima_months}, 6]}',
        ERROR,
        "unknown-operator",
        "unknown operator `>==`",
        ">=",
    ),
    (
        "reversed-operator",
        "ahima/cca.yaml",
        '{">=": [{var: experience.ahima_months}, 6]}',
        '{"=>": [{var: experience.ahima_months}, 6]}',
        ERROR,
        "unknown-operator",
        "unknown operator `=>`",
        ">=",  # written the other way round, not ">"
    ),
    (
        "extension-operator",
        "ahima/cca.yaml",
        "{in: [anatomy_physiology, {var: training.topics}]}",
        '{">=": [{length: {var: training.topics}}, 2]}',
        ERROR,
        "forbidden-operator",
        "`length` is an extension of the engine",
        None,
    ),
    (
        "try",
        "ahima/cca.yaml",
        "logic: {var: education.hs_or_equivalent}",
        "logic: {try: [{var: education.hs_or_equivalent}, true]}",
        ERROR,
        "forbidden-operator",
        "`try` hides the errors",
        None,
    ),
    (
        "iteration-over-a-computed-list",
        "ahima/cca.yaml",
        "{in: [anatomy_physiology, {var: training.topics}]}",
        '{some: [{merge: [{var: training.topics}]}, {"==": [{var: ""}, anatomy_physiology]}]}',
        ERROR,
        "unbounded-iteration",
        "`some` goes over something worked out as it runs",
        None,
    ),
    (
        "iteration-inside-iteration",
        "ahima/cca.yaml",
        "{in: [anatomy_physiology, {var: training.topics}]}",
        "{some: [{var: training.topics}, {some: [[1, 2], true]}]}",
        ERROR,
        "unbounded-iteration",
        "holds another iteration",
        None,
    ),
    (
        "a-number-as-a-condition",
        "ahima/cca.yaml",
        '{">=": [{var: experience.ahima_months}, 6]}',
        "{var: experience.ahima_months}",
        ERROR,
        "not-a-condition",
        "gives a number, not true or false",
        None,
    ),
    (
        "policy-not-named",
        "ahima/cca.yaml",
        "part_time_counting, cca_icd_procedural]",
        "part_time_counting]",
        ERROR,
        "policy-not-named",
        "reads policy 'cca_icd_procedural', which this version does not name",
        None,
    ),
    (
        "unknown-policy",
        "ahima/cca.yaml",
        "part_time_counting, cca_icd_procedural]",
        "part_time_counting, cca_icd_procedural, ahima_hiim_bases]",
        ERROR,
        "unknown-policy",
        "unknown policy 'ahima_hiim_bases'",
        "ahima_hiim_basis",
    ),
    (
        "alias-of-a-credential",
        "ahima/ccs.yaml",
        "{in: [CCA, {var: credentials.full}]}",
        "{in: [Certified Coding Assistant, {var: credentials.full}]}",
        ERROR,
        "unknown-credential",
        "is another name of CCA",
        "CCA",
    ),
    (
        "unknown-standing",
        "pahcs/mcs.yaml",
        "              - at risk\n",
        "              - at-risk\n",
        ERROR,
        "unknown-value",
        "unknown standing 'at-risk'",
        "at risk",
    ),
    (
        "gap-between-versions",
        "ahima/ccs.yaml",
        "until: 2015-09-30",
        "until: 2015-08-31",
        ERROR,
        "gap",
        "no version of CCS-exam is in force from 2015-09-01 to 2015-09-30",
        None,
    ),
    (
        "kinds-differ",
        "ahima/ccs.yaml",
        "kind: exam",
        "kind: designation",
        ERROR,
        "kind-mismatch",
        "check CCS-exam is of kinds",
        None,
    ),
    (
        "check-id-naming-another-credential",
        "ahima/cca.yaml",
        "- id: CCA-exam",
        "- id: CCX-exam",
        ERROR,
        "check-id",
        "does not start with its credential's id (CCA)",
        "CCA-exam",
    ),
    (
        "too-large",
        "ahima/cca.yaml",
        "{var: experience.ahima_months}, 6]",
        '{var: experience.ahima_months}, {"+": [' + ", ".join(["1"] * 600) + "]}]",
        ERROR,
        "too-large",
        "values in one condition's JsonLogic (at most 500)",
        None,
    ),
    (
        "text-and-logic-disagree",
        "ahima/cca.yaml",
        '"(a) 6 months of coding',
        '"(a) 9 months of coding',
        WARNING,
        "text-numbers",
        "the text says 9 but the logic uses 6",
        None,
    ),
    (
        "policy-named-but-not-read",
        "ahima/cca.yaml",
        "part_time_counting, cca_icd_procedural]",
        "part_time_counting, cca_icd_procedural, ahima_hiim_basis]",
        WARNING,
        "unused-policy",
        "names policy 'ahima_hiim_basis', but none",
        None,
    ),
    (
        "constant-comparison",
        "ahima/cca.yaml",
        '{">=": [{var: experience.ahima_months}, 6]}',
        '{">=": [24, 6]}',
        WARNING,
        "constant-logic",
        "reads no fact: always met",
        None,
    ),
    (
        "pathway-named-by-a-long-text",
        "ahima/ccs.yaml",
        "\n              name: Another body's coding credential AND 12 months",
        "",
        WARNING,
        "long-name",
        "answers name this pathway by its text, 91 characters long",
        None,
    ),
    (
        "unknown-fact-in-a-fix",
        "aapc/renewal.yaml",
        "submit your CEUs to AAPC (by {aapc.last.submit_by|",
        "submit your CEUs to AAPC (by {aapc.last.submit_bye|",
        ERROR,
        "unknown-fact",
        "reads unknown fact 'aapc.last.submit_bye'",
        "aapc.last.submit_by",
    ),
    (
        "unknown-fact-in-the-fix-said-when-unsure",
        "aapc/renewal.yaml",
        'fix_unsure: &last-ceus-unsure "submit your CEUs to AAPC at once',
        'fix_unsure: &last-ceus-unsure "submit your CEUs to AAPC by {aapc.last.submit_bye}',
        ERROR,
        "unknown-fact",
        "reads unknown fact 'aapc.last.submit_bye'",
        "aapc.last.submit_by",
    ),
    (
        "unknown-fact-in-a-standing-step",
        "ahima/recertification.yaml",
        "appeal the revocation to AHIMA by {recert.{credential}.appeal.by}",
        "appeal the revocation to AHIMA by {recert.{credential}.appeal.bye}",
        ERROR,
        "unknown-fact",
        "reads unknown fact 'recert.CCA.appeal.bye'",
        "recert.CCA.appeal.by",
    ),
    (
        "unknown-fact-in-when-a-standing-step-is-offered",
        "ahima/recertification.yaml",
        'when: {"===": [{var: "recert.{credential}.appeal.by_latest"}, null]}',
        'when: {"===": [{var: "recert.{credential}.appeal.by_lattest"}, null]}',
        ERROR,
        "unknown-fact",
        "reads unknown fact 'recert.CCA.appeal.by_lattest'",
        "recert.CCA.appeal.by_latest",
    ),
    (
        "unknown-fact-where-an-assumption-does-not-apply",
        "aapc/renewal.yaml",
        "unless: aapc.last.specific_all_met",
        "unless: aapc.last.specific_all_mt",
        ERROR,
        "unknown-fact",
        "unknown fact 'aapc.last.specific_all_mt'",
        "aapc.last.specific_all_met",
    ),
    (
        "unknown-fact-in-the-logic-of-an-assumption-not-applying",
        "ahima/cca.yaml",
        'unless: {">=": [{var: experience.ahima_months_not_placements}, 6]}',
        'unless: {">=": [{var: experience.ahima_months_not_placement}, 6]}',
        ERROR,
        "unknown-fact",
        "reads unknown fact 'experience.ahima_months_not_placement'",
        "experience.ahima_months_not_placements",
    ),
    (
        "fact-in-a-text",
        "aapc/renewal.yaml",
        "text: AAPC membership dues are paid for the current year",
        "text: AAPC membership dues are paid through {aapc.dues_pay_by}",
        ERROR,
        "leftover-placeholder",
        "{aapc.dues_pay_by} names a fact, which is filled in only in a condition's fix",
        None,
    ),
    (
        "fact-in-the-fix-of-a-pathway",
        "aapc/renewal.yaml",
        "                  details: aapc.last.consequences\n",
        "                  details: aapc.last.consequences\n"
        "                  fix: submit by {aapc.last.submit_by}\n",
        ERROR,
        "fix-fact-not-leaf",
        "names the fact 'aapc.last.submit_by'",
        None,
    ),
    (
        "catalogue-id-in-a-step",
        "aapc/renewal.yaml",
        'reinstatement costs $200 plus the unpaid back dues"',
        'reinstatement costs $200 plus the unpaid back dues (AAPC-LAPSE-2)"',
        WARNING,
        "internal-id",
        "the text names AAPC-LAPSE-2: an id of the sources catalogue",
        None,
    ),
    (
        "convention-in-a-fact-files-reason",
        "aapc/facts.yaml",
        "registration and claims posting do not count)",
        "registration and claims posting do not count, CONV-4)",
        WARNING,
        "internal-id",
        "the text names CONV-4",
        None,
    ),
    (
        "source-id-in-a-condition",
        "aapc/facts.yaml",
        'the code sets AAPC counts"}',
        'the code sets AAPC counts (A1)"}',
        WARNING,
        "internal-id",
        "the text names A1",
        None,
    ),
    (
        "policy-id-in-a-note",
        "ahima/cca.yaml",
        "content is an open question.",
        "content is the open policy cca_icd_procedural.",
        WARNING,
        "internal-id",
        "the text names the open policy cca_icd_procedural by its id",
        None,
    ),
    (
        "source-id-in-a-policys-reading",
        "policies.yaml",
        "(a training site's claim)",
        "(T3's claim)",
        WARNING,
        "internal-id",
        "the text names T3",
        None,
    ),
    (
        "convention-in-a-policys-source",
        "policies.yaml",
        "source: no source addresses it  # CONV-6",
        "source: no source addresses it (CONV-6)",
        WARNING,
        "internal-id",
        "the text names CONV-6",
        None,
    ),
    (
        "misspelt-registry-field",
        "credentials.yaml",
        "{id: CPC-P, body: AAPC, name: Certified Professional Coder-Payer, coding: true}",
        "{id: CPC-P, body: AAPC, name: Certified Professional Coder-Payer, coding: true, retierd: {after: 2027-06-30}}",
        ERROR,
        "invalid-file",
        "gives 'retierd', which is no field of a credentials entry (did you mean 'retired'?)",
        None,
    ),
    (
        "misspelt-policy-field",
        "policies.yaml",
        "    decides: default",
        "    decide: default",
        ERROR,
        "invalid-file",
        "gives 'decide', which is no field of a policies entry (did you mean 'decides'?)",
        None,
    ),
    (
        "ceus-needed-one-entry-dated",
        "aapc/facts.yaml",
        "ceus_needed: {one: 36,",
        "ceus_needed: {due_from: 2028-01-01, one: 36,",
        ERROR,
        "dated-entries",
        "ceus_needed is one entry with due_from 2028-01-01",
        None,
    ),
    (
        "ceus-needed-out-of-order",
        "aapc/facts.yaml",
        "ceus_needed: {one: 36, each_more: 4, at_most: 52}",
        "ceus_needed: [{one: 36, each_more: 4, at_most: 52}, {due_from: 2030-01-01, one: 44,"
        " each_more: 4, at_most: 60}, {due_from: 2028-01-01, one: 40, each_more: 4, at_most: 56}]",
        ERROR,
        "dated-entries",
        "entry 3 of ceus_needed has due_from 2028-01-01, not after the entry before (2030-01-01)",
        None,
    ),
    (
        "a-step-without-its-time",
        "ahima/cca.yaml",
        '                  takes: &takes-pcap {months: 9, basis: "an approved coding certificate'
        ' program: most run about two semesters"}\n',
        "",
        WARNING,
        "untimed-step",
        "'complete an AHIMA PCAP-approved coding program' has no 'takes', and another pathway"
        " here waits for time",
        None,
    ),
    (
        "takes-on-a-pathway",
        "aapc/cpc-coc.yaml",
        '              text: "Option 3: an 80-hour course AND Practicode"\n',
        '              text: "Option 3: an 80-hour course AND Practicode"\n'
        "              takes: {months: 2, basis: a course}\n",
        ERROR,
        "takes-without-fix",
        "takes is how long a condition's fix takes: here there is no fix it could time (a"
        " condition with children has none)",
        None,
    ),
    (
        "unusual-check-id",
        "ahima/cca.yaml",
        "- id: CCA-exam",
        "- id: CCA-exm",
        WARNING,
        "check-id",
        "no other check id ends in 'exm'",
        "CCA-exam",
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "level", "code", "message", "suggestion"),
    [pytest.param(*case[1:], id=case[0]) for case in OTHERS],
)
def test_other_checks(tmp_path, file, old, new, level, code, message, suggestion):
    directory = copy_of_rules(tmp_path)
    edit(directory, file, old, new)
    report = lint_rules(str(directory))
    found = [p for p in report.problems if p.code == code and message in p.message]
    assert found, "\n".join(map(str, report.problems))
    assert found[0].level == level
    assert found[0].file == str(directory / file) and found[0].line and found[0].fix
    assert found[0].suggestion == suggestion
    if level == WARNING:  # warnings do not stop loading
        assert not [p for p in report.problems if p.level == ERROR]
        rules.load_rulebook(str(directory))


def test_a_warning_is_silenced_on_its_line_and_an_error_is_not(tmp_path):
    directory = copy_of_rules(tmp_path)
    edit(directory, "ahima/cca.yaml", '"(a) 6 months of coding', '"(a) 9 months of coding')
    edit(
        directory,
        "ahima/cca.yaml",
        "logic: {var: training.pcap_completed}",
        'logic: "false"  # lint: allow not-a-condition',
    )
    report = lint_rules(str(directory))
    assert {p.code for p in report.problems} == {"text-numbers", "not-a-condition"}
    edit(
        directory,
        "ahima/cca.yaml",
        '"(a) 9 months of coding experience directly applying codes"',
        '"(a) 9 months of coding experience directly applying codes"  # lint: allow text-numbers',
    )
    assert {p.code for p in lint_rules(str(directory)).problems} == {"not-a-condition"}


def test_the_catalogue_names_unknown_source_ids_as_warnings(tmp_path):
    directory = copy_of_rules(tmp_path)
    edit(directory, "ahima/cca.yaml", "sources: [AHIMA-CCA-1, T2]", "sources: [AHIMA-CCA-9, T2]")
    catalogue = tmp_path / "CATALOG.md"
    catalogue.write_text(
        "## 1. Source register\n\n| ID | Source |\n|---|---|\n| T2 | a page |\n| H1 | a page |\n\n"
        "## 3. Rules\n\n| Rule ID | Rule |\n|---|---|\n| AHIMA-CCA-1 | diploma |\n",
        encoding="utf-8",
    )
    report = lint_rules(str(directory), str(catalogue))
    assert report.catalogue == str(catalogue)
    told = {(p.level, p.code, p.message.split(",")[0], p.suggestion) for p in report.problems}
    assert (WARNING, "unknown-source", "cites 'AHIMA-CCA-9'", "AHIMA-CCA-1") in told
    # the version lists sources the catalogue's register lacks (H7, SEED-001, ...)
    assert any(
        p.code == "unknown-source" and "source register" in p.message for p in report.problems
    )
    assert not [p for p in report.problems if p.level == ERROR]


# --- the command ---------------------------------------------------------------------------


def test_lint_command_exit_status_and_formats(tmp_path):
    runner = CliRunner()
    clean = runner.invoke(main, ["lint", "--rules", str(ROOT / "rules")])
    assert clean.exit_code == 0, clean.output
    assert "No problems" in clean.stdout
    directory = copy_of_rules(tmp_path)
    MISTAKES[0].make(directory)
    edit(directory, "ahima/cca.yaml", '"(a) 6 months of coding', '"(a) 9 months of coding')
    text = runner.invoke(main, ["lint", "--rules", str(directory)])
    assert text.exit_code == 1
    assert re.search(r"ccs\.yaml:\d+: error: unknown credential 'CCAA'", text.stdout)
    assert "did you mean 'CCA'?" in text.stdout
    assert re.search(r"cca\.yaml:\d+: warning: the text says 9", text.stdout)
    as_json = runner.invoke(main, ["lint", "--rules", str(directory), "--format", "json"])
    document = json.loads(as_json.stdout)
    schema = json.loads((ROOT / "schemas" / "lint.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(document)
    assert document["errors"] >= 1 and document["warnings"] >= 1
    github = runner.invoke(main, ["lint", "--rules", str(directory), "--format", "github"])
    assert github.exit_code == 1
    assert re.search(
        r"^::error file=[^,]*ccs\.yaml,line=\d+,title=[^:]*::unknown credential 'CCAA'",
        github.stdout,
        re.M,
    )
    assert re.search(r"^::warning file=[^,]*cca\.yaml,line=\d+,", github.stdout, re.M)


def test_only_warnings_exit_0(tmp_path):
    directory = copy_of_rules(tmp_path)
    edit(directory, "ahima/cca.yaml", '"(a) 6 months of coding', '"(a) 9 months of coding')
    result = CliRunner().invoke(main, ["lint", "--rules", str(directory)])
    assert result.exit_code == 0
    assert "0 errors, 1 warning" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rules", "no/such/dir"], "rules directory not found"),
        (["--catalogue", "no/such/CATALOG.md"], "cannot read the sources catalogue"),
        (["--format", "xml"], "Invalid value for '--format'"),
    ],
)
def test_lint_usage_errors_exit_2(args, message):
    result = CliRunner().invoke(main, ["lint", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_unknown_fact_is_never_offered_a_suggestion_that_is_unknown_too(tmp_path):
    """'membership.no_such_fact' was offered 'recert.no_such_fact' (a credential-keyed fact
    with the misspelling taken as a credential id), which lint then refused in turn."""
    directory = copy_of_rules(tmp_path)
    edit(
        directory,
        "ahima/cca.yaml",
        "{var: experience.ahima_months}",
        "{var: membership.no_such_fact}",
    )
    (problem,) = [p for p in lint_rules(str(directory)).problems if p.code == "unknown-fact"]
    assert problem.suggestion != "recert.no_such_fact"
    if problem.suggestion:  # a suggestion taken as given is a fact the rules may read
        edit(directory, "ahima/cca.yaml", "membership.no_such_fact", problem.suggestion)
        assert not [p for p in lint_rules(str(directory)).problems if p.code.startswith("unknown-")]


@pytest.mark.parametrize("content", ["", "- a\n- b\n"], ids=["empty", "list"])
def test_a_rule_file_that_is_not_a_mapping_gets_a_fix_that_can_be_done(tmp_path, content):
    """The fix read "write 'the document:' alone on its line", which no file can do."""
    directory = copy_of_rules(tmp_path)
    (directory / "aapc" / "odd.yaml").write_text(content, encoding="utf-8")
    (problem,) = [p for p in lint_rules(str(directory)).problems if p.file.endswith("odd.yaml")]
    assert "the document:" not in problem.fix
    assert problem.fix.startswith("write its fields rule_format, body")


def test_one_list_argument_of_plus_is_spread_not_reported(tmp_path):
    """The engine spreads a list given as the only argument ({"+": [list]} adds its items):
    only a list beside other arguments, or compared, fails."""
    directory = copy_of_rules(tmp_path)
    edit(
        directory,
        "aapc/cpc-p-cic.yaml",
        'logic: {">=": [{var: experience.aapc_months}, 24]}',
        'logic: {">=": [{"+": {map: [{var: credentials.held}, 1]}}, 24]}',
    )
    codes = {p.code for p in lint_rules(str(directory)).problems}
    assert "not-a-number" not in codes


def test_a_misspelt_credential_in_a_fact_path_is_offered_no_path_with_a_star(tmp_path):
    directory = copy_of_rules(tmp_path)
    edit(directory, "ahima/cca.yaml", "{var: experience.ahima_months}", "{var: recert.CCX.statuz}")
    found = [p for p in lint_rules(str(directory)).problems if p.code == "unknown-fact"]
    assert found and all("*" not in (p.suggestion or "") for p in found)


def test_a_mistake_in_a_version_written_as_changes_is_told_once_where_it_is_written(tmp_path):
    """A change made to two checks, and a version that copies another, are still one place in
    the file: the change's own line and path, once; a copied condition's problem is the copied
    one's, so the allow comment written there holds for the copy too."""
    directory = copy_of_rules(tmp_path)
    add_apprenticeship_2027(
        directory,
        '      - check: ["{credential}-full", "{apprentice}-removal"]\n'
        "        condition: option-1-experience\n"
        '        logic: {">=": [{var: experience.aapc_month}, 24]}\n',
    )
    report = lint_rules(str(directory))
    wrong = [p for p in report.problems if "aapc_month'" in p.message]
    assert len(wrong) == 1, "\n".join(map(str, wrong))
    file = directory / "aapc" / "cpc-coc.yaml"
    lines = file.read_text(encoding="utf-8").splitlines()
    assert "aapc_month}" in lines[wrong[0].line - 1]
    assert wrong[0].path.startswith("$.versions[1].changes[0].logic")
    # the renewal rules copied whole: their allowed warnings stay allowed
    renewal = add_renewal_2027(directory)
    assert not [p for p in lint_rules(str(directory)).problems if p.file == str(renewal)]


def test_versions_that_overlap_are_told_once_with_the_day_to_end_the_first(tmp_path):
    """A new version added without ending the one in force: one problem (not also the
    loader's), at the earlier version's in_force, with the 'until' that ends it; loading (check)
    names the same place and fix."""
    directory = copy_of_rules(tmp_path)
    add_apprenticeship_2027(directory, end_current=False)
    found = [p for p in lint_rules(str(directory)).problems if "both in force" in p.message]
    assert [(p.code, p.path) for p in found] == [("overlap", "$.versions[0].in_force")]
    assert "end AAPC-2023 the day before: add 'until: 2027-06-30'" in found[0].fix
    with pytest.raises(InputError) as refused:
        rules.load_rulebook(str(directory))
    assert "$.versions[0].in_force" in str(refused.value)
    assert "add 'until: 2027-06-30' under its in_force" in str(refused.value)


def test_what_a_change_rewrote_is_told_at_the_change_and_not_at_what_it_copied(tmp_path):
    """A logic-only change makes the copied text disagree: told at the change, not at the
    version in force (whose text and logic agree); a typo inside a replaced 'all' and inside an
    added group: at their own lines."""
    directory = copy_of_rules(tmp_path)
    add_apprenticeship_2027(
        directory,
        '      - check: "{credential}-full"\n        condition: option-1-experience\n'
        '        logic: {">=": [{var: experience.aapc_months}, 18]}\n'
        '      - check: "{credential}-exam"\n        condition: sit\n        all:\n'
        "          - {id: member, text: AAPC membership, logic: {var: membership.aapc_currnt}}\n"
        '      - check: "{apprentice}-removal"\n        condition: option-3\n        add:\n'
        "          id: extra\n          text: An extra group\n          any:\n"
        "            - {id: extra-child, text: Extra, logic: {var: training.nonsense}}\n",
    )
    problems = lint_rules(str(directory)).problems
    lines = (directory / "aapc" / "cpc-coc.yaml").read_text(encoding="utf-8").splitlines()

    def told(code: str, words: str) -> list[tuple[str | None, str]]:
        return [
            (p.path, lines[p.line - 1].strip())
            for p in problems
            if p.code == code and words in p.message
        ]

    assert told("text-numbers", "the text says 24 but the logic uses 18") == [
        ("$.versions[1].changes[0]", '- check: "{credential}-full"')
    ]
    assert told("unknown-fact", "aapc_currnt") == [
        (
            "$.versions[1].changes[1].all[0].logic.var",
            "- {id: member, text: AAPC membership, logic: {var: membership.aapc_currnt}}",
        )
    ]
    assert told("unknown-fact", "training.nonsense") == [
        (
            "$.versions[1].changes[2].add.any[0].logic.var",
            "- {id: extra-child, text: Extra, logic: {var: training.nonsense}}",
        )
    ]


def test_a_misspelt_field_is_told_with_its_suggestion_not_counted_behind_another(tmp_path):
    """A condition whose 'logic' was written 'logik' broke two schema rules: lint showed the
    first ("gives none of: all, any, logic (and 1 more problem)") and hid the one that says
    what to do."""
    directory = copy_of_rules(tmp_path)
    edit(
        directory,
        "ahima/cca.yaml",
        "logic: {var: education.hs_or_equivalent}",
        "logik: {var: education.hs_or_equivalent}",
    )
    found = [p for p in lint_rules(str(directory)).problems if p.file.endswith("cca.yaml")]
    assert any("did you mean 'logic'?" in p.message for p in found)
    assert not any("more problem" in p.message for p in found)


def test_logic_export_would_refuse_is_an_error_at_its_condition(tmp_path):
    """`{">=": [{var: experience.aapc_months}, "24"]}` passed lint, and `export` then refused
    the whole rule book; lint now says so, at the condition's line."""
    directory = copy_of_rules(tmp_path)
    old = '{">=": [{var: experience.aapc_months}, 24]}'
    edit(directory, "aapc/cpc-coc.yaml", old, old.replace("24", '"24"'))
    (problem,) = [p for p in lint_rules(str(directory)).problems if p.code == "not-exportable"]
    assert problem.level == ERROR and problem.file.endswith("cpc-coc.yaml")
    line = (directory / "aapc" / "cpc-coc.yaml").read_text(encoding="utf-8").splitlines()
    assert "id: option-1-experience" in line[problem.line - 1]
    assert "condition option-1-experience" in problem.message
    assert problem.fix == "compare a number with a number"


def test_logic_export_would_refuse_is_told_at_its_own_versions_line(tmp_path):
    """The condition's id is in two versions of the file: the error named the first."""
    directory = copy_of_rules(tmp_path)
    path = directory / "aapc" / "cpc-coc.yaml"
    text = path.read_text(encoding="utf-8")
    old = '{">=": [{var: experience.aapc_months}, 24]}'
    second = text.index(old, text.index("id: AAPC-2019"))
    path.write_text(text[:second] + old.replace("24", '"24"') + text[second + len(old) :])
    (problem,) = [p for p in lint_rules(str(directory)).problems if p.code == "not-exportable"]
    assert "AAPC-2019" in problem.message
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "id: option-1-experience" in lines[problem.line - 1]
    assert problem.line > text[: text.index("id: AAPC-2019")].count("\n")


def test_a_dated_renewal_version_changing_what_an_ended_period_needs_is_warned(tmp_path):
    """A renewal version in force from 2027-07-01 answers for dates from then, so it judges the
    period that ended 2026-10-31 by its own logic: a new number there is a warning at the
    change, pointing to dated numbers; a change to the running period's alone is not."""
    directory = copy_of_rules(tmp_path)
    renewal = add_renewal_2027(directory)
    with renewal.open("a", encoding="utf-8") as file:
        file.write(
            "    changes:\n"
            '      - check: "{credential}-renewal"\n'
            "        condition: last-ceus\n"
            '        logic: {">=": [{var: aapc.last.ceus}, 40]}\n'
            '      - check: "{credential}-renewal"\n'
            "        condition: current-ceus\n"
            '        logic: {">=": [{var: aapc.current.ceus}, 40]}\n'
        )
    found = [p for p in lint_rules(str(directory)).problems if p.code == "ended-period-by-date"]
    assert [(p.level, p.file) for p in found] == [(WARNING, str(renewal))]
    (problem,) = found
    assert problem.message.startswith("last-ceus reads the last period or cycle, which may")
    assert "from 2027-07-01 periods that ended earlier are judged by the new" in problem.message
    assert "a dated entry" in problem.fix and "recipes 1 and 7" in problem.fix
    lines = renewal.read_text(encoding="utf-8").splitlines()
    assert "aapc.last.ceus}, 40" in lines[problem.line - 1]


def test_a_credential_no_check_says_how_to_keep_is_a_warning_on_its_registry_line(tmp_path):
    """A credential added with exam rules only passed lint in silence, though its holders are
    never told whether they keep it (an audit). Its registry line is warned, naming the rule
    file that keeps the body's credentials; listing it there, or allowing the warning on the
    line where no rules are meant, ends the warning."""
    from tests.unit.rulebook.test_adding_a_credential import REGISTRY_ENTRY, RULE_FILE

    directory = copy_of_rules(tmp_path)
    (directory / "aapc" / "cpb.yaml").write_text(RULE_FILE, encoding="utf-8")
    registry = directory / "credentials.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + REGISTRY_ENTRY, encoding="utf-8")

    def unkept() -> list[Problem]:
        return warned(directory, "no-keeping-rules")

    (problem,) = unkept()
    assert problem.level == WARNING and problem.file == str(registry)
    assert "id: CPB" in registry.read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert "CPB has rules in" in problem.message and "cpb.yaml" in problem.message
    assert "no check says how it is kept" in problem.message
    assert "list CPB under the credentials" in problem.fix
    assert "renewal.yaml keeps AAPC's" in problem.fix
    assert "# lint: allow no-keeping-rules" in problem.fix
    rules.load_rulebook(str(directory))  # a warning: loading goes on

    edit(
        directory,
        "aapc/renewal.yaml",
        "  - {id: CPPM,",
        "  - {id: CPB, name: Certified Professional Biller}\n  - {id: CPPM,",
    )
    assert unkept() == []
    edit(directory, "aapc/renewal.yaml", "  - {id: CPB, name: Certified Professional Biller}\n", "")
    assert len(unkept()) == 1
    allowed = REGISTRY_ENTRY.rstrip("\n") + "  # lint: allow no-keeping-rules\n"
    edit(directory, "credentials.yaml", REGISTRY_ENTRY, allowed)
    assert unkept() == []


def test_a_registry_credential_with_no_rules_at_all_is_warned_too(tmp_path):
    directory = copy_of_rules(tmp_path)
    registry = directory / "credentials.yaml"
    entry = "  - {id: CHDA, body: AHIMA, name: Certified Health Data Analyst, coding: false}\n"
    registry.write_text(registry.read_text(encoding="utf-8") + entry, encoding="utf-8")
    (problem,) = [p for p in lint_rules(str(directory)).problems if p.code == "no-keeping-rules"]
    assert problem.message.startswith("CHDA has no rule file, and no check says how it is kept")
    assert "ahima/recertification.yaml keeps AHIMA's" in problem.fix


@pytest.mark.parametrize(
    ("facts", "old", "new", "rule_file", "other"),
    [
        pytest.param(
            "aapc/facts.yaml",
            "experience.aapc_months",
            "experience.aapc_coding_months",
            "aapc/cpc-coc.yaml",
            "experience.ahima_months",
            id="aapc",
        ),
        pytest.param(
            "ahima/facts.yaml",
            "experience.ahima_months",
            "experience.ahima_coding_months",
            "ahima/cca.yaml",
            "experience.aapc_months",
            id="ahima",
        ),
    ],
)
def test_a_fact_renamed_in_its_body_s_file_is_offered_for_its_old_name(
    tmp_path, facts, old, new, rule_file, other
):
    """A maintainer renamed AAPC's experience.aapc_months in its fact file; every AAPC rule
    still reading the old name was offered AHIMA's experience.ahima_months, a fact of another
    body that is one letter closer (an audit). The rule file's own body's facts come first."""
    directory = copy_of_rules(tmp_path)
    edit(directory, facts, f"  - name: {old}\n", f"  - name: {new}\n")
    problems = [
        p
        for p in lint_rules(str(directory)).problems
        if p.code == "unknown-fact" and p.file == str(directory / rule_file)
    ]
    assert problems and all(f"reads unknown fact {old!r}" in p.message for p in problems)
    assert {p.suggestion for p in problems} == {new}, other


def test_a_change_to_the_full_credential_alone_leaves_the_apprentice_removal_behind(tmp_path):
    """CPC-A-removal repeats CPC-full's two years through a YAML anchor, but a change is made
    only to the checks it names: 18 months for {credential}-full alone left the removal at 24,
    and lint said nothing (an audit). Named in both, the two checks agree again."""
    directory = copy_of_rules(tmp_path)
    change = (
        "        condition: option-1-experience\n"
        '        text: "At least 18 months of on-the-job coding"\n'
        '        logic: {">=": [{var: experience.aapc_months}, 18]}\n'
        "      - check: {checks}\n"
        "        condition: option-1-letters\n"
        '        text: "The 18 months are vouched for by letters"\n'
        '        logic: {">=": [{var: experience.aapc_documented_months}, 18]}\n'
    )
    path = add_apprenticeship_2027(
        directory,
        '      - check: "{credential}-full"\n' + change.replace("{checks}", '"{credential}-full"'),
    )

    def left_behind() -> list[Problem]:
        return warned(directory, "check-left-behind")

    (problem,) = left_behind()
    assert problem.level == WARNING and problem.file == str(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[problem.line - 1].strip() == '- check: "{credential}-full"'
    assert problem.path == "$.versions[1].changes[0]"
    assert (
        "changes option-1-experience and option-1-letters in {credential}-full but not in"
        " {apprentice}-removal, where AAPC-2023 gives them alike" in problem.message
    )
    assert 'check: ["{credential}-full", "{apprentice}-removal"]' in problem.fix

    both = '["{credential}-full", "{apprentice}-removal"]'
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('check: "{credential}-full"', f"check: {both}"), encoding="utf-8")
    assert left_behind() == []


def test_export_words_that_match_no_fact_and_facts_without_them_are_warned(tmp_path) -> None:
    """flat-csv.yaml's supply says what a school's students are asked for: a path misspelt
    there matched nothing, and the fact's profile words were said to them in silence."""
    directory = copy_of_rules(tmp_path)
    edit(directory, "flat-csv.yaml", '  "education.*": tell', '  "educaton.*": tell')
    found = {p.code: p for p in lint_rules(str(directory)).problems if p.level == WARNING}
    unknown = found["unknown-supply"]
    assert unknown.file.endswith("flat-csv.yaml") and "'educaton.*'" in unknown.message
    lines = (directory / "flat-csv.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[unknown.line - 1].startswith('  "educaton.*":')
    unsaid = found["profile-words-to-students"]
    assert "supply education." in unsaid.message and "supply in flat-csv.yaml" in unsaid.fix


def test_export_dates_and_corrections_without_words_for_students_are_warned(tmp_path) -> None:
    """A date column without words under exact_dates, or a body whose rules correct the profile
    without words under corrects, would tell a school's students a profile's words."""
    directory = copy_of_rules(tmp_path)
    assert not [p for p in lint_rules(str(directory)).problems if p.level == WARNING]
    edit(directory, "flat-csv.yaml", "    coding_end: date coding work ended\n", "")
    edit(directory, "flat-csv.yaml", '  "*": if {body}', "  PAHCS: if {body}")
    warned = [
        p
        for p in lint_rules(str(directory)).problems
        if p.level == WARNING and p.code == "profile-words-to-students"
    ]
    assert [p.path for p in warned] == ["$.corrects", "$.exact_dates"]
    corrects, dates = warned
    assert "AHIMA's records" in corrects.message and "AHIMA words" in corrects.fix
    assert "coding_end is given only as a month" in dates.message
    assert "work_history.end_date" in dates.message and "exact_dates.dates" in dates.fix


# a body's facts and another's, made up: what is offered turns on the names alone
FOLDERS = {
    "experience.own_months": "own",
    "experience.own_verified_months": "own",
    "experience.other_months": "other",
    "experience.owm_monthz": "other",
}


@pytest.mark.parametrize(
    ("read", "offered"),
    [
        # one letter off another body's fact: that fact, not the own body's further one
        pytest.param("experience.other_month", "experience.other_months", id="near-other"),
        pytest.param("experience.othr_months", "experience.other_months", id="near-other-2"),
        # as close to a fact of each body: the own body's, though the other shares more
        pytest.param("experience.owm_months", "experience.own_months", id="tie-own"),
        # no fact a typo away: the own body's first (a fact renamed in its own file)
        pytest.param("experience.own_worked_months", "experience.own_verified_months", id="far"),
    ],
)
def test_a_fact_one_letter_off_is_offered_whichever_body_it_is_of(read, offered):
    """Lint offered the rule file's own body's facts first, even when another body's fact was
    one letter off the name read (an audit). Closeness comes first; the own body is preferred
    among facts as close, and among those no typo away."""
    from eligibility.rulebook.rulecheck import fact_like

    assert fact_like(read, tuple(FOLDERS), FOLDERS, "own") == offered


def test_form_words_that_match_no_fact_and_facts_without_them_are_warned(tmp_path) -> None:
    """form.yaml's supply says what a person answering the web page's form is asked for: a
    path misspelt there matches nothing, and the fact file's YAML would be said to them."""
    directory = copy_of_rules(tmp_path)
    edit(directory, "form.yaml", "  aapc.renewal_month: answer", "  aapc.renewl_month: answer")
    found = {p.code: p for p in lint_rules(str(directory)).problems if p.level == WARNING}
    unknown = found["unknown-supply"]
    assert unknown.file.endswith("form.yaml") and "'aapc.renewl_month'" in unknown.message
    assert unknown.suggestion == "aapc.renewal_month"
    lines = (directory / "form.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[unknown.line - 1].startswith("  aapc.renewl_month:")
    unsaid = found["field-words-to-form"]
    assert "supply aapc.renewal_month" in unsaid.message and "form.yaml" in unsaid.fix


def test_a_rules_directory_without_form_words_keeps_the_fact_files_words(tmp_path) -> None:
    """form.yaml is optional: without it the form's people are asked in the fact files' words,
    and lint has nothing to say of it."""
    from eligibility.inputs.rulesfiles import form_supply

    directory = copy_of_rules(tmp_path)
    (directory / "form.yaml").unlink()
    assert form_supply(directory) == ()
    assert not [p for p in lint_rules(str(directory)).problems if "form" in p.file]


def test_form_help_naming_no_question_is_warned(tmp_path) -> None:
    """form.yaml's help says what a question says to the person answering it: a question
    misspelt there would leave the schema's description said in silence."""
    directory = copy_of_rules(tmp_path)
    edit(directory, "form.yaml", "  work_history.end_date:", "  work_history.end_dat:")
    found = {p.code: p for p in lint_rules(str(directory)).problems if p.level == WARNING}
    unknown = found["unknown-question"]
    assert unknown.file.endswith("form.yaml") and "'work_history.end_dat'" in unknown.message
    assert unknown.suggestion == "work_history.end_date"
    lines = (directory / "form.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[unknown.line - 1].startswith("  work_history.end_dat:")
