"""Small rule changes stay small (docs/rule-format.md): a dated version that says only what
changes (``extends`` with ``changes``), one credential of a shared file with its own version or
end date (``only_for``, ``until_for``), and a credential no longer issued (``retired``).

Each test edits a copy of ``rules/`` as a maintainer would, in YAML, and reads the answers.
"""

from __future__ import annotations

import copy
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from eligibility.api import check_profile
from eligibility.cli import main
from eligibility.engine.results import MET, NO_RULES, NOT_MET
from eligibility.errors import InputError
from eligibility.inputs.profiles import load_profile, profile_from_data
from eligibility.inputs.yamlio import parse_text
from eligibility.report.explain import explain
from eligibility.rulebook.rules import RuleBook, load_rulebook
from tests.conftest import PROFILES, RULES

SHARED = "aapc/cpc-coc.yaml"  # CPC's and COC's rules in one file
FROM = date(2027, 7, 1)  # the example change's first day
BEFORE, AFTER = date(2027, 6, 1), date(2027, 8, 1)

EIGHTEEN_MONTHS = """\
  - id: AAPC-2027
    extends: AAPC-2023
    version: "2027.1"
    title: 18 months of experience from 2027-07-01 (an example)
    in_force: {from: 2027-07-01}
    changes:
      - check: "{credential}-full"
        condition: option-1-experience
        text: At least 18 months of on-the-job coding
        logic: {">=": [{var: experience.aapc_months}, 18]}
"""


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def _edit(rules: Path, old: str, new: str) -> None:
    path = rules / SHARED
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _end_current(rules: Path, until: str = "      until: 2027-06-30\n") -> None:
    """AAPC-2023 ends the day before the new version (its in_force gains an until)."""
    _edit(rules, "      from: 2023-01-01\n", "      from: 2023-01-01\n" + until)


def _add_version(rules: Path, version: str) -> None:
    _edit(rules, "  - id: AAPC-2019\n", version + "  - id: AAPC-2019\n")


def _nineteen_months() -> object:
    """C03 with a full-time coding job begun 2026-01-01: 19 months on 2027-08-01; without her
    CPC-A, so that whether passing gives the full CPC is her question."""
    path = PROFILES / "c03-carla-nguyen.yaml"
    data = copy.deepcopy(parse_text(path.read_text(encoding="utf-8"), str(path)))
    data["work_history"][0]["start_date"] = "2026-01-01"
    data.pop("as_of")
    data.pop("credentials", None)
    return profile_from_data(data, "nineteen-months")


def _condition(book: RuleBook, check: str, condition: str, day: date) -> str:
    result = check_profile(_nineteen_months(), [check], day, rulebook=book).results[0]
    stack = [result.requires]
    while stack:
        node = stack.pop()
        if node.node.id == condition:
            return node.status
        stack += node.children
    raise AssertionError(f"{condition} not in {check}")


def test_a_version_that_extends_another_changes_only_what_it_says(tmp_path):
    rules = _copy(tmp_path)
    _end_current(rules)
    _add_version(rules, EIGHTEEN_MONTHS)
    old, new = load_rulebook(str(RULES)), load_rulebook(str(rules))
    for credential in ("CPC", "COC"):  # {credential} is filled in the changes too
        check = f"{credential}-full"
        assert _condition(old, check, "option-1-experience", AFTER) == NOT_MET
        assert _condition(new, check, "option-1-experience", AFTER) == MET
        assert _condition(new, check, "option-1-experience", BEFORE) == NOT_MET
    version = new.select("CPC-full", AFTER).version
    assert version.id == "AAPC-2027" and version.valid_from == FROM
    copied = new.select("CPC-full", BEFORE).version
    assert version.sources == copied.sources  # everything not said is the earlier version's
    assert [c.id for c in version.checks] == [c.id for c in copied.checks]
    for check in ("CPC-exam", "CPC-A-removal"):  # unchanged checks give the same answers
        answers = [
            check_profile(_nineteen_months(), [check], AFTER, rulebook=b).results[0].status
            for b in (old, new)
        ]
        assert answers[0] == answers[1]


def test_changes_can_remove_and_add_conditions_and_checks(tmp_path):
    rules = _copy(tmp_path)
    _end_current(rules)
    _add_version(
        rules,
        """\
  - id: AAPC-2027
    extends: AAPC-2023
    version: "2027.1"
    in_force: {from: 2027-07-01}
    changes:
      - {check: "{credential}-full", condition: option-3, remove: true}
      - check: "{credential}-full"
        condition: option-1
        add: {id: option-1-letter, text: One letter on file, logic: {">=": [{var: letters.count}, 1]}}
      - {check: "{apprentice}-removal", remove: true}
      - add_check:
          id: "{credential}-note"
          kind: status
          question: Is there a note?
          outcome: {met: "Yes.", not_met: "No."}
          requires: {id: always, text: Always, logic: {"==": [1, 1]}}
""",
    )
    book = load_rulebook(str(rules))
    version = book.select("CPC-full", AFTER).version
    full = version.check("CPC-full")
    ids = [node.id for node in full.requires.walk()]
    assert "option-3" not in ids and "option-1-letter" in ids
    assert version.check("CPC-A-removal") is None
    assert version.check("CPC-note") is not None


@pytest.mark.parametrize(
    ("change", "place", "problem", "fix"),
    [
        (
            "    extends: AAPC-2099\n",
            "versions[1].extends",
            "no version 'AAPC-2099' above this one in this file",
            "AAPC-2023",
        ),
        (
            "    extends: AAPC-2023\n    changes:\n      - {check: CPC-ful, text: x}\n",
            "versions[1].changes[0].check",
            "the version extended has no check 'CPC-ful'",
            "{credential}-full",
        ),
        (
            '    extends: AAPC-2023\n    changes:\n      - {check: "{credential}-full",'
            " condition: option-9, text: x}\n",
            "versions[1].changes[0].condition",
            "no condition 'option-9'",
            "option-1-experience",
        ),
    ],
    ids=["unknown version", "unknown check", "unknown condition"],
)
def test_a_change_that_names_nothing_is_refused_with_its_place(
    tmp_path, change, place, problem, fix
):
    rules = _copy(tmp_path)
    _end_current(rules)
    _add_version(
        rules,
        '  - id: AAPC-2027\n    version: "2027.1"\n    in_force: {from: 2027-07-01}\n' + change,
    )
    with pytest.raises(InputError) as refused:
        load_rulebook(str(rules))
    error = refused.value
    assert error.file.endswith(SHARED) and place in error.place
    assert problem in error.problem and fix in error.fix
    result = CliRunner().invoke(main, ["lint", "--rules", str(rules)])
    assert result.exit_code == 1 and problem in result.output


def test_a_version_written_as_changes_must_come_out_whole(tmp_path):
    rules = _copy(tmp_path)
    _end_current(rules)
    _add_version(
        rules,
        '  - id: AAPC-2027\n    extends: AAPC-2023\n    version: "2027.1"\n'
        "    in_force: {from: 2027-07-01}\n    changes:\n"
        '      - {check: "{credential}-full", outcome: "only a text"}\n',
    )
    with pytest.raises(InputError) as refused:
        load_rulebook(str(rules))
    assert "outcome" in refused.value.place


def test_one_credential_of_a_shared_file_gets_its_own_version_and_end_date(tmp_path):
    rules = _copy(tmp_path)
    path = rules / SHARED
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["versions"][0]["id"] == "AAPC-2023"
    text = path.read_text(encoding="utf-8")
    first_sources = text.index("    confidence: M\n    sources:\n")
    path.write_text(
        text[:first_sources] + "    until_for: {COC: 2027-06-30}\n" + text[first_sources:],
        encoding="utf-8",
    )
    _add_version(
        rules,
        EIGHTEEN_MONTHS.replace("AAPC-2027\n", "AAPC-2027-COC\n    only_for: [COC]\n", 1),
    )
    book = load_rulebook(str(rules))
    assert book.select("COC-full", BEFORE).version.id == "AAPC-2023"
    assert book.select("COC-full", AFTER).version.id == "AAPC-2027-COC"
    assert book.select("CPC-full", AFTER).version.id == "AAPC-2023"  # CPC goes on as before
    assert _condition(book, "COC-full", "option-1-experience", AFTER) == MET
    assert _condition(book, "CPC-full", "option-1-experience", AFTER) == NOT_MET


def test_only_for_names_a_credential_of_the_file(tmp_path):
    rules = _copy(tmp_path)
    _end_current(rules)
    _add_version(
        rules, EIGHTEEN_MONTHS.replace("    extends:", "    only_for: [CCC]\n    extends:")
    )
    with pytest.raises(InputError) as refused:
        load_rulebook(str(rules))
    assert "'CCC' is not one of this file's credentials" in refused.value.problem
    assert "CPC, COC" in refused.value.fix


def _retire(tmp_path: Path, credential: str, after: str, note: str) -> Path:
    rules = _copy(tmp_path)
    path = rules / "credentials.yaml"
    text = path.read_text(encoding="utf-8")
    entry = f"  - {{id: {credential}, "
    assert text.count(entry) == 1
    line = text[text.index(entry) :].split("\n", 1)[0]
    retired = f'{line[:-1]}, retired: {{after: {after}, note: "{note}"}}}}'
    path.write_text(text.replace(line, retired), encoding="utf-8")
    return rules


def test_a_retired_credential_is_no_longer_offered_but_is_still_kept(tmp_path):
    note = "AAPC stopped the CRC exam; holders keep it by renewing."
    rules = _retire(tmp_path, "CRC", "2027-12-31", note)
    book = load_rulebook(str(rules))
    profile = load_profile(PROFILES / "c01-ana-torres.yaml")
    later, earlier = date(2028, 2, 1), date(2027, 12, 31)
    report = check_profile(profile, ["CRC"], later, rulebook=book)
    status = {r.check_id: r for r in report.results}
    for check in ("CRC-exam", "CRC-full"):
        assert status[check].status == NO_RULES
        verdict = explain(status[check], book.policies).verdict
        assert verdict.startswith("Certified Risk Adjustment Coder (CRC) is no longer issued")
        assert "2027-12-31" in verdict and note in verdict
    assert status["CRC-renewal"].status != NO_RULES  # holders keep it by its keeping rules
    before = check_profile(profile, ["CRC-exam"], earlier, rulebook=book).results[0]
    assert before.status != NO_RULES  # the last day it is issued: answered by its rules
    result = CliRunner().invoke(main, ["show", "CRC", "--rules", str(rules)])
    assert "No longer issued after 2027-12-31" in result.output


def test_batch_answers_a_retired_credential_as_check_does(tmp_path):
    rules = _retire(tmp_path, "CRC", "2027-12-31", "Stopped.")
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(
        main,
        ["batch", str(PROFILES), "--out", str(out), "--cert", "CRC-exam", "--as-of",
         "2028-02-01", "--rules", str(rules)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # every student answered
    rows = out.read_text(encoding="utf-8").splitlines()[1:]
    assert rows and all(",CRC-exam,no_rules," in row for row in rows)


def test_a_retirement_without_a_date_is_refused(tmp_path):
    rules = _retire(tmp_path, "CRC", "someday", "x")
    with pytest.raises(InputError) as refused:
        load_rulebook(str(rules))
    assert refused.value.file.endswith("credentials.yaml")
    assert "retired.after" in refused.value.place and "'someday' is not a date" in (
        refused.value.problem
    )


def test_a_change_to_a_block_two_checks_share_changes_only_the_check_named(tmp_path):
    """CPC-full and CPC-A-removal repeat one YAML block (an anchor): a change naming one check
    leaves the other's copy as it was."""
    rules = _copy(tmp_path)
    _end_current(rules)
    _add_version(rules, EIGHTEEN_MONTHS)
    version = load_rulebook(str(rules)).select("CPC-full", AFTER).version

    def threshold(check: str) -> object:
        node = next(
            n for n in version.check(check).requires.walk() if n.id == "option-1-experience"
        )
        return node.logic.source

    assert threshold("CPC-full") == {">=": [{"var": "experience.aapc_months"}, 18]}
    assert threshold("CPC-A-removal") == {">=": [{"var": "experience.aapc_months"}, 24]}


def test_a_change_may_name_several_checks(tmp_path):
    rules = _copy(tmp_path)
    _end_current(rules)
    both = '["{credential}-full", "{apprentice}-removal"]'
    _add_version(rules, EIGHTEEN_MONTHS.replace('check: "{credential}-full"', f"check: {both}"))
    version = load_rulebook(str(rules)).select("CPC-full", AFTER).version
    for check in ("CPC-full", "CPC-A-removal"):
        node = next(
            n for n in version.check(check).requires.walk() if n.id == "option-1-experience"
        )
        assert node.logic.source == {">=": [{"var": "experience.aapc_months"}, 18]}


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("    extends: AAPC-2019\n", "'checks' cannot be given here"),
        ("    changes: [{check: x, text: y}]\n", "'changes' cannot be given here"),
    ],
    ids=["extends with checks", "changes without extends"],
)
def test_a_version_half_written_as_changes_is_told_so(tmp_path, written, problem):
    rules = _copy(tmp_path)
    _edit(
        rules,
        '  - id: AAPC-2023\n    version: "2023.2"',
        f'  - id: AAPC-2023\n{written}    version: "2023.2"',
    )
    with pytest.raises(InputError) as refused:
        load_rulebook(str(rules))
    assert refused.value.problem == problem and refused.value.place.endswith("($.versions[0])")


def test_a_fact_of_two_kinds_is_told_so(tmp_path):
    rules = _copy(tmp_path)
    path = rules / "facts.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    value: {record: education, logic: {var: highest_level}}\n"
    path.write_text(text.replace(old, old + "    count: {records: ceus}\n", 1), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_rulebook(str(rules))
    assert refused.value.problem == "gives value and count: only one may be given"
    assert refused.value.fix.startswith("keep one of: value, count")


def test_lint_names_a_threshold_left_behind_beside_a_moved_one(tmp_path):
    """Option 1's 24 months are in three conditions; moving two leaves the new version asking
    for 18 and 24 at once (letters that can still be had for 24 months), which no answer or
    test shows unless the profile has an employer that can no longer verify."""
    from eligibility.lint import lint_rules

    rules = _copy(tmp_path)
    _end_current(rules)
    _add_version(rules, EIGHTEEN_MONTHS)
    found = [p for p in lint_rules(str(rules)).problems if p.code == "threshold-left-behind"]
    assert {(p.level, p.path) for p in found} == {("warning", "$.versions[1].changes[0]")}
    told = {p.message.split(" still")[0]: p for p in found}
    # the months coded in a hospital outpatient department under which the COC's "any
    # setting" rests on no assumption are the same 24 (assumes: unless)
    assert set(told) == {
        "option-1-letters",
        "option-1-can-document",
        "the assumes (unless) of option-1-experience",
    }
    problem = told["option-1-can-document"]
    assert "still reads 24 in {credential}-full, where option-1-experience" in problem.message
    assert "change option-1-can-document" in problem.fix
    assert "its assumes' unless" in told["the assumes (unless) of option-1-experience"].fix
    _edit(  # the others moved as well: nothing is left behind
        rules,
        '        logic: {">=": [{var: experience.aapc_months}, 18]}\n',
        '        logic: {">=": [{var: experience.aapc_months}, 18]}\n'
        "        assumes: {<<: *any-setting-24, unless: "
        '{">=": [{var: experience.aapc_outpatient_facility_months}, 18]}}\n'
        '      - check: "{credential}-full"\n'
        "        condition: option-1-letters\n"
        '        logic: {">=": [{var: experience.aapc_documented_months}, 18]}\n'
        '      - check: "{credential}-full"\n'
        "        condition: option-1-can-document\n"
        '        logic: {">=": [{var: experience.aapc_verifiable_months}, 18]}\n',
    )
    assert not [p for p in lint_rules(str(rules)).problems if p.code == "threshold-left-behind"]


def test_an_assumption_only_for_a_credential_of_the_file_names_one(tmp_path):
    rules = _copy(tmp_path)
    _edit(
        rules,
        "open question\n                    only_for: [COC]",
        "open question\n                    only_for: [CCC]",
    )
    with pytest.raises(InputError) as refused:
        load_rulebook(str(rules))
    assert "'CCC' is not one of this file's credentials" in refused.value.problem
    assert "assumes" in refused.value.place and "only_for" in refused.value.place
