"""A maintainer adds a credential in YAML only, with test cases beside it: everything is green.

The change a maintainer without Python makes (docs/rule-tests.md): a rule file for the new
credential, its entry in credentials.yaml, and cases in tests/ (one reading a profile of the
tests folder, one with the profile written in the case). Then ``eligibility test --rules COPY``
and the checks the test suite makes of a whole rule book, run on the copy, all pass: nothing
in the suite counts credentials or rule files or depends on their order.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from eligibility.cli import main
from eligibility.inputs.profiles import load_profile, profile_from_data
from eligibility.rulebook.rules import load_rulebook
from tests.acceptance.test_cli import assert_lists_every_credential_once
from tests.conftest import PROFILES, RULES
from tests.unit.engine.test_cohort_answers import compare_engines
from tests.unit.engine.test_golden import assert_case_holds, case_files, catalogue_gaps

RULE_FILE = """\
# A credential added in YAML only (tests/unit/rulebook/test_adding_a_credential.py).
rule_format: 1
body: AAPC
credentials:
  - id: CPB
    name: Certified Professional Biller
    setting: physician-practice billing
versions:
  - id: AAPC-CPB-2024
    version: "2024.1"
    title: Sitting the {credential} exam (membership)
    in_force:
      from: 2024-01-01
      note: The date the maintainer's source gives.
    confidence: M
    sources:
      - {id: A2, confidence: M, url: "https://aapc.com", used_for: "membership to sit"}
    checks:
      - id: "{credential}-exam"
        kind: exam
        question: May you sit for the {credential} exam?
        outcome:
          met: You may sit for the {credential} exam.
          not_met: You may not sit for the {credential} exam yet.
        requires:
          id: sit
          text: What AAPC asks before the {credential} exam
          all:
            - id: aapc-membership
              text: AAPC membership is current
              measure: AAPC membership current
              logic: {var: membership.aapc_current}
              fix: join AAPC or renew your membership
"""
REGISTRY_ENTRY = "  - {id: CPB, body: AAPC, name: Certified Professional Biller, coding: false}\n"
MEMBER_CASE = """\
case_format: 1
about: An AAPC member may sit for the CPB exam, but not before its rules are in force
profile: profiles/c09-hana-sato.yaml
as_of: 2026-11-22
expect:
  CPB-exam:
    status: met
    version: AAPC-CPB-2024
    conditions: {aapc-membership: met}
runs:
  - as_of: 2023-06-01
    expect:
      CPB-exam: {status: no_rules}
"""
NON_MEMBER = {"profile_version": 1, "name": "Nobody Yet", "as_of": "2026-11-22"}
NON_MEMBER_CASE = """\
case_format: 1
about: Without AAPC membership, no CPB exam
profile: {profile_version: 1, name: Nobody Yet, as_of: 2026-11-22}
as_of: 2026-11-22
expect:
  CPB-exam:
    status: not_met
    actions: [join AAPC or renew your membership]
"""


def _add_a_credential(rules: Path) -> None:
    (rules / "aapc" / "cpb.yaml").write_text(RULE_FILE, encoding="utf-8")
    registry = rules / "credentials.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + REGISTRY_ENTRY, encoding="utf-8")
    (rules / "tests" / "cpb-member.yaml").write_text(MEMBER_CASE, encoding="utf-8")
    (rules / "tests" / "cpb-non-member.yaml").write_text(NON_MEMBER_CASE, encoding="utf-8")


def test_a_credential_added_in_yaml_with_its_cases_leaves_everything_green(tmp_path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    _add_a_credential(rules)
    book = load_rulebook(str(rules))

    # the maintainer's loop: the copy's own cases, the new ones among them
    result = CliRunner().invoke(main, ["test", "--rules", str(rules)])
    assert result.exit_code == 0, result.output
    for name in ("cpb-member.yaml", "cpb-non-member.yaml", "c09-hana-sato.yaml"):
        assert f"ok    {rules / 'tests' / name} (" in result.stdout

    # what the test suite checks of a whole rule book, on the copy
    assert "CPB" in assert_lists_every_credential_once(rules)
    assert catalogue_gaps(rules) == set()
    for path in case_files(rules):
        assert_case_holds(book, path)
    profiles = [load_profile(path) for path in sorted(PROFILES.glob("*.yaml"))]
    profiles.append(profile_from_data(NON_MEMBER, "non-member"))
    assert compare_engines(profiles, book) == len(profiles) * len(book.all_check_ids())
    assert "CPB-exam" in book.all_check_ids()

    # and the commands a candidate uses
    hana = PROFILES / "c09-hana-sato.yaml"
    check = CliRunner().invoke(main, ["check", str(hana), "--cert", "CPB", "--rules", str(rules)])
    assert check.exit_code == 0, check.output
    assert "MET: You may sit for the CPB exam." in check.stdout
