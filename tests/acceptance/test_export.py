"""`eligibility export` and `check --facts`: another JsonLogic engine gives this program's answers.

The exported logic is run on `check --facts` documents by json-logic-js under Node (tests/js, a
second, independent implementation; `.ci/run` installs it) and by datalogic-py, and compared with
`check_profile` on every golden case and on a generated cohort: true exactly where the program
answers met, false for not met, unknown, ambiguous and does not apply, and never true where it
answers unknown. Without Node the comparisons with json-logic-js are skipped (never in CI).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator

from benchmarks.generate import profile as generated_profile
from eligibility.api import check_profile, lapsed_credentials
from eligibility.casetest import find_cases, load_case
from eligibility.cli import main
from eligibility.engine.results import AMBIGUOUS, MET, NOT_APPLICABLE, NOT_MET, UNKNOWN
from eligibility.export import _condition, _Refused, facts_document
from eligibility.facts import derive
from eligibility.inputs.profiles import Profile, load_profile, profile_from_data
from eligibility.logic import compile_logic, evaluate
from eligibility.rulebook.rules import RuleBook, load_rulebook
from tests.conftest import PROFILES, ROOT

JS = ROOT / "tests" / "js"
SCHEMAS = ROOT / "schemas"
EXPORT_DAY = date(2026, 11, 22)  # any date: --all-versions exports every version
COHORT = 150
COHORT_DAYS = (date(2026, 11, 22), date(2024, 3, 15), date(2020, 6, 30), date(2015, 1, 10))


# --- the cases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A profile on a date under policies set explicitly."""

    label: str
    profile: Path
    as_of: date
    policies: Mapping[str, str]


def golden_cases() -> list[Case]:
    """Every rule test case (``rules/tests/``) whose profile is a file, with each run's date and
    policies. (The one place that knows where golden cases live: ``casetest`` reads them.)"""
    cases: dict[tuple, Case] = {}
    for path in find_cases([], ROOT / "rules"):
        case = load_case(path)
        source = Path(case.profile.source)
        if source.resolve() == Path(path).resolve():
            continue  # a profile written inside the case: the CLI is given files
        for run in case.runs:
            key = (source.resolve(), run.as_of, tuple(sorted(run.policies.items())))
            label = Path(path).stem + (f" run {run.number}" if run.number else "")
            cases.setdefault(key, Case(label, source, run.as_of, dict(run.policies)))
    return list(cases.values())


def program_answers(
    profile: Profile, day: date, policies: Mapping[str, str], book: RuleBook, pinned: Iterable[str]
) -> dict[str, str]:
    """CHECK@VERSION -> this program's status: each version in force (and any other reading in
    force beside it), and each of ``pinned`` evaluated on purpose."""
    answers: dict[str, str] = {}
    for report in (
        check_profile(profile, [], day, policies, book, dates=False),
        check_profile(profile, list(pinned), day, policies, book, dates=False),
    ):
        for result in report.results:
            if result.version is not None:
                answers[f"{result.check_id}@{result.version.id}"] = result.status
            for other in result.others:
                answers[f"{result.check_id}@{other.version.id}"] = other.status
    return answers


def disagreements(
    label: str, program: Mapping[str, str], engine: str, answers: Mapping[str, Any]
) -> list[str]:
    """Where ``answers`` (of JsonLogic run by ``engine``) are not the program's met / not met."""
    found = []
    for key, status in program.items():
        got = answers[key]
        if got is not True and got is not False:
            found.append(f"{label}: {key}: {engine} gave {got!r}, not true or false")
        elif status == UNKNOWN and got:
            found.append(f"{label}: {key}: unknown turned into met in {engine}")
        elif got != (status == MET):
            found.append(f"{label}: {key}: the program says {status}, {engine} {got}")
    return found


# --- the engines -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def node() -> str:
    """Node with json-logic-js installed (``npm ci`` in tests/js when it is not yet)."""
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("node is not installed; .ci/run installs Debian's nodejs and npm")
        pytest.skip("node is not installed: the exported logic is not run in json-logic-js")
    if not (JS / "node_modules" / "json-logic-js").is_dir():
        npm = shutil.which("npm")
        done = (
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"], cwd=JS, capture_output=True, text=True
            )
            if npm
            else None
        )
        if done is None or done.returncode:
            pytest.fail(
                "json-logic-js is not installed and `npm ci` in tests/js failed:"
                f" {done.stderr[-500:] if done else 'npm is not installed'}"
            )
    return found


def run_js(node: str, export_dir: Path, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every exported check on every document, in json-logic-js (tests/js/run.js)."""
    done = subprocess.run(
        [node, str(JS / "run.js"), str(export_dir)],
        input="".join(json.dumps(document) + "\n" for document in documents),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def apply_js(node: str, pairs: list[tuple[Any, Any]]) -> list[Any]:
    """Each (logic, data) in json-logic-js (tests/js/apply.js)."""
    done = subprocess.run(
        [node, str(JS / "apply.js")], input=json.dumps(pairs), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def datalogic(exported: Path):
    """Every exported check on one document, in this program's engine (compiled once)."""
    manifest = json.loads((exported / "manifest.json").read_text(encoding="utf-8"))
    compiled = {
        entry["key"]: compile_logic(
            json.loads((exported / entry["file"]).read_text(encoding="utf-8"))
        )
        for entry in manifest["checks"]
    }
    return lambda document: {key: logic(document) for key, logic in compiled.items()}


def cli(*args: Any) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.fixture(scope="session")
def exported(tmp_path_factory, rulebook: RuleBook) -> Path:
    """Every version of every check, written by ``eligibility export``."""
    out = tmp_path_factory.mktemp("export") / "rules-as-jsonlogic"
    result = cli("export", "--all-versions", "--as-of", EXPORT_DAY, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def not_in_force(export_dir: Path) -> list[str]:
    manifest = json.loads((export_dir / "manifest.json").read_text(encoding="utf-8"))
    return [entry["key"] for entry in manifest["checks"] if entry["role"] == "not in force"]


def facts_of(case: Case) -> dict[str, Any]:
    """``eligibility check PROFILE --facts`` for the case."""
    settings = [arg for k, v in case.policies.items() for arg in ("--policy", f"{k}={v}")]
    result = cli("check", case.profile, "--facts", "--as-of", case.as_of, *settings)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- every golden case, in both engines ---------------------------------------------------------


@pytest.fixture(scope="session")
def golden(rulebook: RuleBook, exported: Path) -> list[tuple[Case, dict[str, str], dict]]:
    """(case, the program's answers, the facts document) for every golden case."""
    pinned = not_in_force(exported)
    return [
        (
            case,
            program_answers(
                load_profile(case.profile), case.as_of, case.policies, rulebook, pinned
            ),
            facts_of(case),
        )
        for case in golden_cases()
    ]


def test_golden_cases_cover_what_the_export_must_keep_apart(golden) -> None:
    """The cases hold every answer, lapsed credentials and policies set explicitly; otherwise
    the comparisons below would prove less than they claim."""
    statuses = {status for _, answers, _ in golden for status in answers.values()}
    assert {MET, NOT_MET, UNKNOWN, AMBIGUOUS, NOT_APPLICABLE} <= statuses
    assert any(document["lapsed"] for _, _, document in golden)
    assert any(document["policies_set"] for _, _, document in golden)


def test_json_logic_js_gives_the_programs_answer_on_every_golden_case(golden, exported, node):
    answers = run_js(node, exported, [document for _, _, document in golden])
    found = [
        problem
        for (case, program, _), given in zip(golden, answers, strict=True)
        for problem in disagreements(case.label, program, "json-logic-js", given)
    ]
    assert not found, "\n".join(found)


def test_datalogic_gives_the_programs_answer_on_every_golden_case(golden, datalogic) -> None:
    found = [
        problem
        for case, program, document in golden
        for problem in disagreements(case.label, program, "datalogic-py", datalogic(document))
    ]
    assert not found, "\n".join(found)


# --- a generated cohort, in both engines ---------------------------------------------------------


@pytest.fixture(scope="session")
def cohort(rulebook: RuleBook) -> list[tuple[str, dict[str, str], dict]]:
    """Generated students on several dates, a third of them under policies set explicitly."""
    rng = random.Random(12)
    policies = list(rulebook.policies.values())
    cases = []
    for number in range(COHORT):
        profile = profile_from_data(generated_profile(rng, number), f"generated-{number}")
        day = COHORT_DAYS[number % len(COHORT_DAYS)]
        chosen = (
            {p.id: rng.choice(list(p.values)) for p in rng.sample(policies, rng.randint(1, 3))}
            if number % 3 == 0
            else {}
        )
        program = program_answers(profile, day, chosen, rulebook, ())
        document = json.loads(json.dumps(facts_document(profile, rulebook, day, chosen)))
        cases.append((f"{profile.source} on {day} {chosen}", program, document))
    return cases


def test_json_logic_js_gives_the_programs_answer_on_a_generated_cohort(cohort, exported, node):
    answers = run_js(node, exported, [document for _, _, document in cohort])
    found = [
        problem
        for (label, program, _), given in zip(cohort, answers, strict=True)
        for problem in disagreements(label, program, "json-logic-js", given)
    ]
    assert not found, "\n".join(found[:20])
    statuses = {status for _, program, _ in cohort for status in program.values()}
    assert {MET, NOT_MET, UNKNOWN, AMBIGUOUS} <= statuses


def test_datalogic_gives_the_programs_answer_on_a_generated_cohort(cohort, datalogic) -> None:
    found = [
        problem
        for label, program, document in cohort
        for problem in disagreements(label, program, "datalogic-py", datalogic(document))
    ]
    assert not found, "\n".join(found[:20])


# --- unknown is not met ------------------------------------------------------------------------


def test_a_condition_on_a_missing_fact_is_false_where_plain_json_logic_is_true(
    rulebook: RuleBook, exported: Path, node: str
) -> None:
    """C09's last AAPC period is pro-rated, so whether it is a full period is unknown (null):
    negated, the condition alone is true in json-logic-js; exported, the check is false."""
    case = Case("c09", PROFILES / "c09-hana-sato.yaml", date(2026, 11, 22), {})
    document = facts_of(case)
    assert document["facts"]["aapc"]["last"]["full_period"] is None
    answers = program_answers(load_profile(case.profile), case.as_of, {}, rulebook, ())
    assert answers["CPC-renewal@AAPC-RENEWAL-2023"] == UNKNOWN
    version = rulebook.select("CPC-renewal", case.as_of).version
    leaf = next(
        n for n in version.check("CPC-renewal").requires.walk() if n.id == "last-period-prorated"
    )
    alone = _on_facts(leaf.logic.source)
    check = json.loads((exported / "checks" / "CPC-renewal@AAPC-RENEWAL-2023.json").read_text())
    assert apply_js(node, [(alone, document), (check, document)]) == [True, False]


def _on_facts(logic: Any) -> Any:
    """``logic`` reading the facts document's ``facts`` (as the export does, without more)."""
    if isinstance(logic, list):
        return [_on_facts(item) for item in logic]
    if isinstance(logic, dict):
        return {
            op: f"facts.{args}" if op == "var" else _on_facts(args) for op, args in logic.items()
        }
    return logic


def test_checks_that_keep_a_credential_read_the_credentials_as_reported(
    tmp_path: Path, node: str
) -> None:
    """C18's CIRCC lapses; the other checks no longer see it held, but a renewal still does
    (as ``check`` answers it). Here a copy of the rules makes keeping the CPC read it."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    file = rules / "aapc" / "renewal.yaml"
    dues = "{var: aapc.dues_paid}]}"  # the end of the dues condition
    text = file.read_text(encoding="utf-8")
    assert text.count(dues) == 1
    edited = "{var: aapc.dues_paid}, {in: [CIRCC, {var: credentials.held}]}]}"
    file.write_text(text.replace(dues, edited), encoding="utf-8")
    c18 = PROFILES / "c18-quentin-ross.yaml"
    book = load_rulebook(str(rules))
    program = program_answers(load_profile(c18), date(2026, 11, 22), {}, book, ())
    assert program["CPC-renewal@AAPC-RENEWAL-2023"] == MET
    out = tmp_path / "out"
    assert cli("export", "--rules", rules, "--as-of", "2026-11-22", "--out", out).exit_code == 0
    facts = cli("check", c18, "--facts", "--rules", rules)
    document = json.loads(facts.stdout)
    assert document["lapsed"] == ["CIRCC"]
    assert "CIRCC" not in document["facts"]["credentials"]["held"]
    [answers] = run_js(node, out, [document])
    assert not disagreements("c18, edited rules", program, "json-logic-js", answers)


# --- the logic both engines read alike ----------------------------------------------------------

# What the exported subset relies on; each pair must give the same in both engines.
AGREED = (
    [
        ({"!==": [{"var": "x"}, None]}, data)
        for data in ({"x": 0}, {"x": ""}, {"x": False}, {"x": []}, {"x": {}}, {"x": None}, {})
    ]
    + [
        ({"!==": [{"var": "x.y"}, None]}, {"x": "text"}),
        ({"===": [{"var": "a.b"}, None]}, {"a": {"b": {"c": 1}}}),
        ({"in": ["a", {"var": "x"}]}, {"x": None}),
        ({"in": ["a", {"var": "x"}]}, {}),
        ({"in": ["", {"var": "x"}]}, {"x": ["a"]}),
        ({"in": ["b", {"var": "x"}]}, {"x": "abc"}),
        ({"if": [{"var": "c"}, 20, {"var": "d"}, 30, 40]}, {"c": 0, "d": [1]}),
        ({"if": [{"var": "c"}, 20]}, {"c": ""}),
        ({"*": [0.4, {"min": [50, {"+": [20, {"*": [10, {"-": [3, 1]}]}]}]}]}, {}),
        ({"+": [0.1, 0.2]}, {}),
        ({"-": [5]}, {}),
        ({"/": [{"var": "x"}, 3]}, {"x": 1}),
        ({"!!": [{"var": "x"}]}, {"x": "0"}),
        ({"!": [{"var": "x"}]}, {"x": []}),
        ({"or": [{"var": "x"}, 0]}, {"x": None}),
        ({"and": [{"var": "x"}, 1]}, {"x": None}),
        ({"<": [1, {"var": "x"}, 3]}, {"x": 2}),
        ({"<=": [1, {"var": "x"}, 3]}, {"x": 3}),
    ]
    + [
        ({operator: list(sides)}, {})
        for operator in (">=", ">", "<=", "<")
        for sides in ((None, 0), (0, None), (None, -1), (-1, None), (None, 2.5), (2.5, None))
    ]
)


def test_the_subset_the_export_relies_on_means_the_same_in_both_engines(node: str) -> None:
    given = apply_js(node, AGREED)
    found = [
        f"{json.dumps(logic)} on {json.dumps(data)}: datalogic-py {mine!r}, json-logic-js {js!r}"
        for (logic, data), js in zip(AGREED, given, strict=True)
        if json.dumps(mine := evaluate(logic, data)) != json.dumps(js)
    ]
    assert not found, "\n".join(found)


# Logic the engines read differently: the export refuses it. (logic, the facts known to be
# present as in a leaf, or None as in applies_when, the problem named)
MONTHS = ("experience.aapc_months",)
DIFFERENT = [
    ({"==": [{"var": "experience.aapc_months"}, "24"]}, MONTHS, "compares number with string"),
    ({"==": [{"var": "membership.aapc_type"}, "x"]}, None, "compares null or string with"),
    ({"!=": [{"var": "experience.aapc_months"}, True]}, MONTHS, "number with boolean"),
    ({"!": [{"var": "aapc.last.specific"}]}, ("aapc.last.specific",), "true or false of an object"),
    ({"/": [{"var": "experience.aapc_months"}, {"var": "letters.count"}]}, MONTHS, "divides by"),
    ({"%": [{"var": "experience.aapc_months"}, 0]}, MONTHS, "divides by"),
    ({">=": [{"var": "experience.aapc_months"}, 24, 36]}, MONTHS, "orders something other"),
    ({">=": [{"var": "training.topics"}, 1]}, ("training.topics",), "orders something other"),
    ({"<": [{"var": "experience.aapc_months"}, "24"]}, MONTHS, "orders something other"),
    ({"+": [{"var": "experience.aapc_months"}, None]}, MONTHS, "computes with something other"),
    ({"cat": ["a", "b"]}, (), "operator 'cat' is outside the exported subset"),
    ({"missing": ["experience.aapc_months"]}, (), "operator 'missing'"),
    ({"in": [1, {"var": "training.topics"}]}, ("training.topics",), "looks for number in array"),
    ({"var": ["aapc.renewal_month", 0]}, None, "a default"),
    ({"var": "experience"}, None, "true or false of an object"),
    ({"var": "no.such_fact"}, None, "gives no type"),
    ({"a": 1, "b": 2}, (), "an object that is not one operation"),
]


@pytest.mark.parametrize(("logic", "present", "problem"), DIFFERENT, ids=[p for *_, p in DIFFERENT])
def test_logic_the_engines_read_differently_is_refused(logic, present, problem) -> None:
    with pytest.raises(_Refused) as refused:
        _condition(logic, "/logic", present, load_rulebook(ROOT / "rules").facts)
    assert problem in refused.value.problem


def test_the_example_of_datalogic_null_equals_zero_is_one_the_subset_excludes(node: str) -> None:
    """Why ``==`` needs operands of one type that are present: the engines disagree here."""
    pair = ({"==": [{"var": "x"}, 0]}, {"x": None})
    assert evaluate(*pair) is True
    assert apply_js(node, [pair]) == [False]


def test_export_names_the_rule_that_cannot_be_exported(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    file = rules / "aapc" / "cpc-coc.yaml"
    text = file.read_text(encoding="utf-8")
    old = '{">=": [{var: training.longest_course_contact_hours}, 80]}'
    assert old in text
    file.write_text(text.replace(old, '{"==": [{var: training.topics}, "80"]}', 1))
    result = cli("export", "--rules", rules, "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "cpc-coc.yaml" in result.stderr
    assert "cannot be exported so that every JsonLogic engine agrees" in result.stderr
    assert "compares array with string" in result.stderr
    assert "fix:" in result.stderr
    assert not (tmp_path / "out").exists()


# --- the facts document ------------------------------------------------------------------------


def _document_validator() -> Draft202012Validator:
    schema = json.loads((SCHEMAS / "facts-document.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def readings(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each reading the document holds, its layers resolved (the first holding a section wins)."""
    facts = document["facts"]
    reported = {**facts, **document["as_reported"]["facts"]}
    found = {"facts": facts, "as_reported": reported}
    for policy, values in document["alternatives"].items():
        for value, layer in values.items():
            found[f"{policy}={value}"] = {**facts, **layer}
            above = document["as_reported"]["alternatives"].get(policy, {}).get(value, {})
            found[f"as_reported {policy}={value}"] = {**reported, **layer, **above}
    return found


def test_facts_documents_follow_their_schema_and_each_reading_the_facts_schema(
    golden, cohort, exported
):
    validator = _document_validator()
    facts = jsonschema_rs.validator_for(  # thousands of readings: the fast validator
        json.loads((exported / "facts.schema.json").read_text(encoding="utf-8"))
    )
    named = [(case.label, d) for case, _, d in golden] + [(label, d) for label, _, d in cohort]
    for label, document in named:
        problems = [error.message for error in validator.iter_errors(document)]
        assert not problems, f"{label}: {problems[:3]}"
        for name, reading in readings(document).items():
            wrong = [str(error) for error in facts.iter_errors(reading)]
            assert not wrong, f"{label}: reading {name}: {wrong[:3]}"


def test_each_reading_is_the_facts_the_program_derives_for_it(rulebook: RuleBook) -> None:
    """C11's CPC lapses: the checks that keep a credential read it as reported, the others not;
    every other value of a policy not set is there, and none of one that is."""
    profile = load_profile(PROFILES / "c11-julia-brooks.yaml")
    day, chosen = date(2026, 11, 22), {"part_time_counting": "fte40"}
    document = json.loads(json.dumps(facts_document(profile, rulebook, day, chosen)))
    lapsed = lapsed_credentials(profile, rulebook, day, chosen)
    assert lapsed and document["lapsed"] == sorted(lapsed)
    in_effect = {**rulebook.default_policies(), **chosen}
    found = readings(document)

    def at(setting, without=frozenset()):
        return derive(profile.data, day, setting, rulebook.facts, without)

    expected = {"facts": at(in_effect, lapsed), "as_reported": at(in_effect)}
    for policy in rulebook.policies.values():
        for value in policy.values:
            if policy.id in chosen or value == in_effect[policy.id]:
                continue
            setting = {**in_effect, policy.id: value}
            expected[f"{policy.id}={value}"] = at(setting, lapsed)
            expected[f"as_reported {policy.id}={value}"] = at(setting)
    assert found.keys() == expected.keys()
    for name, facts in expected.items():
        assert found[name] == json.loads(json.dumps(facts)), name
    assert "part_time_counting" not in document["alternatives"]
    assert document["policies_set"] == ["part_time_counting"]


# --- the command line --------------------------------------------------------------------------


def test_check_facts_prints_one_document_or_a_list_and_exits_0() -> None:
    one = cli("check", PROFILES / "c09-hana-sato.yaml", "--facts")
    assert one.exit_code == 0, one.output
    document = json.loads(one.stdout)
    assert document["facts"]["experience"]["aapc_months"] == pytest.approx(14.7228)
    assert not list(_document_validator().iter_errors(document))
    several = cli(
        "check", PROFILES / "c09-hana-sato.yaml", PROFILES / "c01-ana-torres.yaml", "--facts"
    )
    assert several.exit_code == 0, several.output
    assert [d["profile"] for d in json.loads(several.stdout)] == [
        str(PROFILES / "c09-hana-sato.yaml"),
        str(PROFILES / "c01-ana-torres.yaml"),
    ]


def test_check_facts_takes_as_of_policies_and_a_config(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("policies: {ged_accepted_ahima: 'no'}\n", encoding="utf-8")
    result = cli(
        "check",
        PROFILES / "c09-hana-sato.yaml",
        "--facts",
        "--as-of",
        "2025-01-31",
        "--policy",
        "part_time_counting=fte32",
        "--config",
        config,
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["facts"]["as_of"] == "2025-01-31"
    assert document["facts"]["policies"]["part_time_counting"] == "fte32"
    assert document["facts"]["policies"]["ged_accepted_ahima"] == "no"
    assert document["policies_set"] == ["ged_accepted_ahima", "part_time_counting"]
    assert not {"ged_accepted_ahima", "part_time_counting"} & document["alternatives"].keys()


def test_check_facts_refuses_cert_and_text_and_names_a_bad_profile(tmp_path: Path) -> None:
    for extra in (["--cert", "CPC"], ["--format", "text"]):
        result = cli("check", PROFILES / "c09-hana-sato.yaml", "--facts", *extra)
        assert result.exit_code == 2, result.output
        assert "--facts" in result.stderr and "Traceback" not in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("profile_version: 1\nwork_history: 3\n", encoding="utf-8")
    result = cli("check", bad, PROFILES / "c09-hana-sato.yaml", "--facts")
    assert result.exit_code == 2
    assert "bad.yaml" in result.stderr
    assert len(json.loads(result.stdout)) == 1  # the good one is still printed


def test_check_help_tells_of_facts() -> None:
    assert "--facts" in cli("check", "--help").stdout
    assert "--out" in cli("export", "--help").stdout


def test_export_writes_a_manifest_naming_each_file(tmp_path: Path, rulebook: RuleBook) -> None:
    out = tmp_path / "out"
    result = cli("export", "--as-of", "2026-11-22", "--out", out)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2026-11-22"
    entries = manifest["checks"]
    on_disk = {p.relative_to(out).as_posix() for p in (out / "checks").iterdir()}
    assert {entry["file"] for entry in entries} == on_disk
    in_force = {
        (check_id, selection.version.id)
        for check_id in rulebook.all_check_ids()
        if (selection := rulebook.select(check_id, date(2026, 11, 22)))
    }
    assert {(e["check"], e["version"]) for e in entries if e["role"] == "decides"} == in_force
    for entry in entries:
        assert entry["key"] == f"{entry['check']}@{entry['version']}"
        assert entry["true"].startswith("met")
        assert entry["credential"] and entry["question"] and entry["reads"] is not None
        logic = json.loads((out / entry["file"]).read_text(encoding="utf-8"))
        assert isinstance(logic, dict | bool)
    assert "unknown" in manifest and "false" in manifest["result"]


def test_export_replaces_an_earlier_export_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli("export", "--all-versions", "--out", out).exit_code == 0
    every = len(list((out / "checks").iterdir()))
    assert cli("export", "--as-of", "2026-11-22", "--out", out).exit_code == 0
    assert len(list((out / "checks").iterdir())) < every  # no version of before lingers
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("export", "--out", other)
    assert result.exit_code == 2
    assert "not an earlier export" in result.stderr
    assert (other / "notes.txt").read_text(encoding="utf-8") == "mine"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("export", "--out", empty).exit_code == 0
    assert (empty / "manifest.json").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers


def test_export_refuses_to_write_into_the_rules(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    result = cli("export", "--rules", rules, "--out", rules / "exported")
    assert result.exit_code == 2
    assert "inside the rules" in result.stderr
    assert not (rules / "exported").exists()
