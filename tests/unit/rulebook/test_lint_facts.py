"""``eligibility lint`` on fact files: each mistake, made in a copy of rules/, is reported with
the file, the line, the JSON path and the fix (and a did-you-mean where a close name exists);
all of them in one run; and loading (``eligibility check``) refuses each error the same way.

The mistakes are edits of today's fact files; nothing here counts facts, files or problems
beyond the ones a mistake makes, nor depends on the order of the rule book.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from eligibility.facts.kinds import HELD_RECORD, held
from eligibility.lint import lint_rules
from eligibility.rulebook import rules
from eligibility.rulebook.rulecheck import ERROR, WARNING
from tests.conftest import ROOT
from tests.unit.rulebook.test_lint import (
    Mistake,
    _own_cache,  # noqa: F401 (a fixture: each test its own rule cache)
    assert_all_reported,
    assert_refused_as_reported,
    assert_reported,
    copy_of_rules,
    edit,
)

AAPC, AHIMA, PAHCS, SHARED = "aapc/facts.yaml", "ahima/facts.yaml", "pahcs/facts.yaml", "facts.yaml"
PCAP = "{var: ahima_pcap_approved}"  # in AHIMA's training.pcap_completed filter


def pcap(new: str) -> Callable[[Path], None]:
    """The PCAP filter's last test replaced with ``new``."""
    return lambda d: edit(d, AHIMA, PCAP, new)


MISTAKES = [
    Mistake(
        "misspelt-field-in-a-letter-filter",
        lambda d: edit(d, AAPC, "{var: contact_info_present}", "{var: contact_info_presnt}"),
        AAPC,
        "unknown-field",
        "reads 'contact_info_presnt', which is not a field of a verification_letters record",
        "contact_info_presnt",
        "use one of: id, covers_work_id",
        "contact_info_present",
    ),
    Mistake(
        "misspelt-field-naming-the-date",
        lambda d: edit(
            d,
            SHARED,
            "count: {records: training, where: *course, dated_by: completion_date}",
            "count: {records: training, where: *course, dated_by: completon_date}",
        ),
        SHARED,
        "unknown-field",
        "'completon_date' is not a field of a training record",
        "completon_date",
        "use one of:",
        "completion_date",
    ),
    Mistake(
        "misspelt-sum-a-count-earns-toward",
        lambda d: edit(d, SHARED, "sums: [ceus, hiim, ahima_sourced]}", "sums: [ceus, hiims]}"),
        SHARED,
        "unknown-value",
        "unknown sum 'hiims'",
        "hiims",
        "name one of the sums given under sums",
        "hiim",
    ),
    Mistake(
        "misspelt-section",
        lambda d: edit(d, PAHCS, "records: memberships", "records: membership"),
        PAHCS,
        "unknown-section",
        "'membership' is not a section of a profile",
        "records: membership",
        "use one of:",
        "memberships",
    ),
    Mistake(
        "value-fact-over-a-list",
        lambda d: edit(
            d,
            SHARED,
            "value: {record: education, logic: {var: highest_level}}",
            "value: {record: training, logic: {var: program_type}}",
        ),
        SHARED,
        "unknown-section",
        "training holds a list of records: a value fact would read the first only",
        "record: training",
        "use a section of one record",
    ),
    Mistake(
        "value-a-field-does-not-take",
        lambda d: edit(d, AHIMA, "{var: body}, AHIMA]", "{var: body}, AHIMAA]"),
        AHIMA,
        "unknown-value",
        "'AHIMAA' is not a value the field body of a held_credentials record takes",
        "AHIMAA",
        "use one of: AAPC, AHIMA",
        "AHIMA",
    ),
    Mistake(
        "enum-value-misspelt",
        lambda d: edit(d, AHIMA, "xternship, internship]]}", "xternship, intern]]}"),
        AHIMA,
        "unknown-value",
        "'intern' is not a value the field engagement_type of a work_history record takes",
        "intern]",
        "use one of: employee",
        "internship",
    ),
    Mistake(
        "item-value-misspelt",
        lambda d: edit(d, AHIMA, "ICD-10-PCS, HCPCS-II]]}]", "ICD-10-PCS, HCPCS-2]]}]"),
        AHIMA,
        "unknown-value",
        "'HCPCS-2' is not a value an item of the field code_sets of a work_history record takes",
        "HCPCS-2",
        "use one of: CPT",
        "HCPCS-II",
    ),
    Mistake(
        "unknown-policy-parameter",
        lambda d: edit(d, AAPC, "{policy: part_time_counting,", "{policy: part_time_countin,"),
        AAPC,
        "unknown-policy",
        "unknown policy 'part_time_countin'",
        "part_time_countin",
        "use one of: part_time_counting",
        "part_time_counting",
    ),
    Mistake(
        "unknown-policy-read",
        lambda d: edit(
            d,
            AHIMA,
            "{var: policies.apprentice_counts_as_credential}",
            "{var: policies.apprentice_counts_as_credentials}",
        ),
        AHIMA,
        "unknown-policy",
        "reads unknown policy 'apprentice_counts_as_credentials'",
        "apprentice_counts_as_credentials",
        "use one of:",
        "apprentice_counts_as_credential",
    ),
    Mistake(
        "unknown-policy-value-compared",
        lambda d: edit(
            d,
            AAPC,
            "{var: policies.vague_duration_statement}, accept]",
            "{var: policies.vague_duration_statement}, acept]",
        ),
        AAPC,
        "unknown-value",
        "'acept' is not a value of policy vague_duration_statement",
        "acept",
        "use one of: reject, accept",
        "accept",
    ),
    Mistake(
        "unknown-policy-value-in-a-table",
        lambda d: edit(d, AHIMA, "fte40: 40, fte32: 32}", "fte40: 40, fte23: 32}"),
        AHIMA,
        "unknown-value",
        "'fte23' is not a value of policy part_time_counting",
        "fte23",
        "use one of: calendar, fte40, fte32",
        "fte32",
    ),
    Mistake(
        "policy-value-missing-from-a-table",
        lambda d: edit(d, AHIMA, "fte40: 40, fte32: 32}", "fte40: 40}"),
        AHIMA,
        "missing-value",
        "gives nothing for 'fte32', a value of policy part_time_counting",
        "values:",
        "add an entry for fte32",
    ),
    Mistake(
        "unknown-credential-parameter",
        lambda d: edit(d, AAPC, "          CIRCC:\n", "          CIRC:\n"),
        AAPC,
        "unknown-credential",
        "unknown credential 'CIRC' in a fact file",
        "CIRC:",
        "credential id from the registry",
        "CIRCC",
    ),
    Mistake(
        "unknown-credential-compared",
        lambda d: edit(
            d,
            SHARED,
            "where: {var: apprentice}, value: {var: held_as}}",
            "where: {in: [{var: held_as}, [CPX-A, COC-A]]}, value: {var: held_as}}",
        ),
        SHARED,
        "unknown-credential",
        "unknown credential 'CPX-A' compared with credentials",
        "CPX-A",
        "credential id from the registry",
        "CPC-A",
    ),
    Mistake(
        "unknown-credential-in-a-list-field",
        lambda d: edit(
            d, SHARED, "where: {var: ahima_source}", "where: {in: [CIRCX, {var: specialty_tags}]}"
        ),
        SHARED,
        "unknown-credential",
        "unknown credential 'CIRCX' compared with credentials",
        "CIRCX",
        "credential id from the registry",
        "CIRCC",
    ),
    Mistake(
        "fact-defined-twice-across-files",
        lambda d: edit(
            d,
            PAHCS,
            "  - name: membership.pahcs_current",
            "  - name: membership.aapc_current",
        ),
        PAHCS,
        "duplicate-fact",
        "the fact 'membership.aapc_current' is also defined in",
        "name: membership.aapc_current",
        "define each fact once",
    ),
    Mistake(
        "source-the-file-does-not-list",
        lambda d: edit(
            d,
            PAHCS,
            "    text: A PAHCS membership paid through",
            "    sources: [P1]\n    text: A PAHCS membership paid through",
        ),
        PAHCS,
        "unknown-source",
        "cites source 'P1', which this fact file does not list",
        "sources: [P1]",
        "add P1 to the file's sources",
    ),
    Mistake(
        "now",
        pcap("{var: [ahima_pcap_approved, {now: []}]}"),
        AHIMA,
        "forbidden-operator",
        "`now` reads the computer's clock",
        "now",
        "standard JsonLogic operators docs/lint.md lists or `lower`",
    ),
    Mistake(
        "throw",
        pcap("{if: [{var: ahima_pcap_approved}, true, {throw: unapproved}]}"),
        AHIMA,
        "forbidden-operator",
        "`throw` stops the check with an error",
        "throw",
        "standard JsonLogic operators",
    ),
    Mistake(
        "an-extension-other-than-lower",
        pcap('{"===": [{upper: {var: provider}}, ZHEALTH]}'),
        AHIMA,
        "forbidden-operator",
        "`upper` is an extension of the engine",
        "upper",
        "standard JsonLogic operators",
    ),
    Mistake(
        "unknown-operator",
        pcap('{">==": [{var: hours.value}, 80]}'),
        AHIMA,
        "unknown-operator",
        "unknown operator `>==`",
        ">==",
        "use a standard JsonLogic operator",
        ">=",
    ),
    Mistake(
        "two-operators-in-one-object",
        pcap("{var: ahima_pcap_approved, missing: [topics]}"),
        AHIMA,
        "not-an-operator",
        "an object with 2 keys is not a JsonLogic operation",
        "missing",
        "one operator per object",
    ),
    Mistake(
        "iteration-over-a-computed-list",
        pcap('{some: [{merge: [{var: topics}]}, {"==": [{var: ""}, coding]}]}'),
        AHIMA,
        "unbounded-iteration",
        "`some` goes over something worked out as it runs",
        "merge",
        'a field that is a list ({"var": "FIELD"})',
    ),
    Mistake(
        "iteration-inside-iteration",
        pcap("{some: [{var: topics}, {some: [[1, 2], true]}]}"),
        AHIMA,
        "unbounded-iteration",
        "holds another iteration",
        "some",
        "go over each list once",
    ),
    Mistake(
        "too-large",
        pcap('{">=": [{var: hours.value}, {"+": [' + ", ".join(["1"] * 600) + "]}]}"),
        AHIMA,
        "too-large",
        "values in one condition's JsonLogic (at most 500)",
        "hours.value",
        "split it",
    ),
    Mistake(
        "a-number-as-a-filter",
        lambda d: edit(d, SHARED, "where: {var: hiim_domain}", "where: {var: ceus}"),
        SHARED,
        "not-a-condition",
        "gives a number, not true or false: a number takes every record unless it is 0",
        "{var: ceus}",
        "compare a field of the record",
    ),
    Mistake(
        "false-in-quotes-as-a-filter",
        lambda d: edit(d, AAPC, "{logic: {var: on_letterhead}", '{logic: "false"'),
        AAPC,
        "not-a-condition",
        "the text 'false' is not true or false",
        '"false"',
        "write false without quotes",
    ),
    Mistake(
        "misspelt-placeholder-in-a-consequence",
        lambda d: edit(d, SHARED, "inactive from {inactive}", "inactive from {inactiv}"),
        SHARED,
        "leftover-placeholder",
        "{inactiv} is not filled in (only {start}, {end}",
        "consequence: >-",  # the line the text begins on
        "correct the placeholder",
        "{inactive}",
    ),
    Mistake(
        "misspelt-placeholder-in-a-left-out-reason",
        lambda d: edit(d, PAHCS, "period ended on {end}:", "period ended on {ended}:"),
        PAHCS,
        "leftover-placeholder",
        "{ended}",
        "{ended}",
        "correct the placeholder",
        "{end}",
    ),
    Mistake(
        "placeholder-in-a-text",
        lambda d: edit(
            d,
            SHARED,
            "Credentials held on the date without an apprentice designation.",
            "Credentials {name} holds on the date without an apprentice designation.",
        ),
        SHARED,
        "leftover-placeholder",
        "{name} is not filled in: a fact file's texts are shown as written",
        "{name}",
        "write the text out",
    ),
    Mistake(
        "unknown-standing",
        lambda d: edit(
            d, SHARED, "{days: 181, standing: revoked}", "{days: 181, standing: revokd}"
        ),
        SHARED,
        "unknown-value",
        "unknown standing 'revokd'",
        "revokd",
        "use one of: at risk, inactive, revoked",
        "revoked",
    ),
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_each_mistake_in_a_fact_file_is_an_error_naming_place_and_fix(tmp_path, mistake):
    assert_reported(tmp_path, mistake)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_check_refuses_each_fact_file_mistake_as_lint_reports_it(tmp_path, mistake):
    assert_refused_as_reported(tmp_path, mistake)


def test_all_the_fact_file_mistakes_are_reported_in_one_run(tmp_path):
    # each PCAP mistake replaces the same filter (one of them is kept), and the two edits of
    # AHIMA's table of hours exclude each other
    exclusive = {
        *("now", "an-extension-other-than-lower", "unknown-operator"),
        *("two-operators-in-one-object", "iteration-over-a-computed-list"),
        *("iteration-inside-iteration", "too-large", "policy-value-missing-from-a-table"),
    }
    assert_all_reported(tmp_path, [m for m in MISTAKES if m.id not in exclusive])


# --- warnings ----------------------------------------------------------------------------------


def test_a_fact_no_rule_reads_is_a_warning_allowed_on_its_line(tmp_path):
    directory = copy_of_rules(tmp_path)
    addition = (
        "  - name: membership.aapc_premier\n"
        "    text: A premier membership of AAPC.\n"
        '    any: {records: memberships, where: {"===": [{var: type}, premier]}}\n'
    )
    path = directory / PAHCS
    path.write_text(path.read_text(encoding="utf-8") + addition, encoding="utf-8")
    report = lint_rules(str(directory))
    unread = [p for p in report.problems if p.code == "unused-fact"]
    assert [(p.level, p.message) for p in unread] == [
        (WARNING, "no rule reads the fact 'membership.aapc_premier'")
    ]
    facts_before = path.read_text(encoding="utf-8").count("\n  - name: ") - 1
    assert unread[0].file == str(path) and unread[0].path == f"$.facts[{facts_before}].name"
    assert "membership.aapc_premier" in path.read_text().splitlines()[unread[0].line - 1]
    assert "# lint: allow unused-fact" in unread[0].fix
    assert not [p for p in report.problems if p.level == ERROR]
    rules.load_rulebook(str(directory))  # a warning does not stop loading
    edit(
        directory,
        PAHCS,
        "  - name: membership.aapc_premier\n",
        "  - name: membership.aapc_premier  # lint: allow unused-fact (for reports)\n",
    )
    assert lint_rules(str(directory)).problems == ()


def test_a_constant_filter_is_a_warning(tmp_path):
    directory = copy_of_rules(tmp_path)
    where = 'where: {and: [{"===": [{var: organization}, PAHCS]}, {"!": {in: [{var: status}, [lapsed, cancelled]]}}]}'
    edit(directory, PAHCS, where, 'where: {"==": [1, 1]}')
    report = lint_rules(str(directory))
    assert [(p.level, p.code, p.message) for p in report.problems] == [
        (WARNING, "constant-logic", "reads no field of the record: takes every record")
    ]
    assert report.problems[0].path == "$.facts[0].any.where"
    assert "leave the filter out" in report.problems[0].fix
    rules.load_rulebook(str(directory))  # a warning does not stop loading


def test_a_source_the_catalogue_does_not_know_is_a_warning(tmp_path):
    directory = copy_of_rules(tmp_path)
    edit(
        directory,
        PAHCS,
        "title: Facts PAHCS's rules read\n",
        "title: Facts PAHCS's rules read\nsources:\n  - {id: P11, url: 'https://example.org'}\n",
    )
    edit(
        directory,
        PAHCS,
        "    text: A PAHCS membership paid through",
        "    sources: [P11, PAHCS-X-1]\n    text: A PAHCS membership paid through",
    )
    catalogue = tmp_path / "CATALOG.md"
    catalogue.write_text(
        "## 1. Source register\n\n| ID | Source |\n|---|---|\n| P1 | a page |\n\n"
        "## 3. Rules\n\n| Rule ID | Rule |\n|---|---|\n| PAHCS-RC-1 | CEUs |\n",
        encoding="utf-8",
    )
    report = lint_rules(str(directory), str(catalogue))
    told = {
        (p.level, p.path, p.message.split(",")[0], p.suggestion)
        for p in report.problems
        if p.file == str(directory / PAHCS)
    }
    assert told == {
        (
            WARNING,
            "$.sources[0].id",
            "source 'P11' is not in the catalogue's source register (" + str(catalogue) + ")",
            "P1",
        ),
        (WARNING, "$.facts[0].sources[1]", "cites 'PAHCS-X-1'", "PAHCS-RC-1"),
    }


# --- what the checks compare with ---------------------------------------------------------------


def test_lower_is_allowed_in_fact_files_only(tmp_path):
    """AAPC's CIRCC filter compares the provider in lower case (the bundled rules lint clean);
    a rule's logic may not, as it is exported to other engines."""
    assert "{lower: {var: provider}}" in (ROOT / "rules" / AAPC).read_text(encoding="utf-8")
    directory = copy_of_rules(tmp_path)
    edit(
        directory,
        "ahima/cca.yaml",
        "{in: [anatomy_physiology, {var: training.topics}]}",
        "{in: [anatomy_physiology, {lower: {cat: [{var: training.topics}]}}]}",
    )
    report = lint_rules(str(directory))
    assert [(Path(p.file).name, p.code) for p in report.problems if p.level == ERROR] == [
        ("cca.yaml", "forbidden-operator")
    ]


def test_the_fields_of_a_held_credential_are_those_held_gives(rulebook):
    profile = {"credentials": [{"id": "CPC", "apprentice": True, "awarded_date": "2020-01-01"}]}
    records = held(profile, date(2026, 1, 1), rulebook.registry, frozenset())
    assert records and set(records[0]) == set(HELD_RECORD["properties"])
