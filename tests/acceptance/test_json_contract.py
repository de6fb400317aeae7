"""The JSON contract (docs/report-format.md): one shape for ``check --format json`` whatever the
number of profiles, ``--format jsonl``, rule files named within the rule book, input errors as
entries, batch rows and ``list --format json`` that fit their schemas, what every report states,
schema identifiers that do not pretend to be addresses, and the editor modeline documented."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from benchmarks.generate import write
from eligibility import __version__
from eligibility.cli import main
from eligibility.report.provenance import NOT_OFFICIAL, REPORT_VERSION
from tests.conftest import PROFILES, ROOT, RULES

C01, C09 = PROFILES / "c01-ana-torres.yaml", PROFILES / "c09-hana-sato.yaml"
SCHEMAS = {
    path.name.removesuffix(".schema.json"): json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "schemas").glob("*.schema.json"))
}
# every schema under its own identifier, so that a $ref to another schema resolves offline
REGISTRY = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SCHEMAS.values()
)
BAD_PROFILE = "profile_version: 1\nname: Bad Example\neducation:\n  highest_level: maybe\n"


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        SCHEMAS[name], registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def run(*args) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def files_named(data) -> list[str]:
    """Every rule file a report names (each rule version's ``file``)."""
    if isinstance(data, dict):
        own = [data["file"]] if isinstance(data.get("file"), str) and "in_force" in data else []
        return own + [f for value in data.values() for f in files_named(value)]
    if isinstance(data, list):
        return [f for value in data for f in files_named(value)]
    return []


# --- 1. one shape, and JSON Lines ------------------------------------------------------------


@pytest.mark.parametrize("profiles", [[C09], [C01, C09]], ids=["one", "two"])
def test_check_json_is_one_document_whatever_the_number_of_profiles(profiles):
    result = run("check", *profiles, "--cert", "CPC", "--format", "json")
    document = json.loads(result.stdout)
    validator("report").validate(document)
    assert isinstance(document, dict)
    assert set(document) == {"report_version", "tool", "profiles"}
    assert [entry["profile"]["source"] for entry in document["profiles"]] == [
        str(p) for p in profiles
    ]
    assert result.exit_code == 1


def test_jsonl_prints_one_entry_per_profile_per_line_as_the_document_holds_them():
    lines = run("check", C01, C09, "--cert", "CPC", "--format", "jsonl")
    document = run("check", C01, C09, "--cert", "CPC", "--format", "json")
    entries = [json.loads(line) for line in lines.stdout.splitlines()]
    assert entries == json.loads(document.stdout)["profiles"]
    assert lines.exit_code == document.exit_code == 1
    for entry in entries:
        validator("report").validate(entry)


# --- 2. rule files named within the rule book --------------------------------------------------


def test_rule_files_are_named_from_the_rule_books_root_wherever_it_is(tmp_path):
    """A checkout's rules/ and a copy elsewhere (as a wheel carries one) give the same names."""
    copy = tmp_path / "installed" / "rules"
    shutil.copytree(RULES, copy)
    names = []
    for rules in (RULES, copy):
        result = run("check", C09, "--cert", "CPC", "--format", "json", "--rules", rules)
        files = files_named(json.loads(result.stdout))
        assert files and all(not Path(f).is_absolute() and "\\" not in f for f in files)
        assert all((RULES / f).is_file() for f in files), files
        names.append(sorted(set(files)))
    assert names[0] == names[1]
    assert "aapc/cpc-coc.yaml" in names[0]


# --- 3. input errors as entries ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_bad_profile_is_an_entry_of_the_output_and_exit_2(tmp_path, fmt):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_PROFILE, encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    result = run("check", C09, bad, missing, "--cert", "CPC", "--format", fmt)
    assert result.exit_code == 2
    if fmt == "json":
        entries = json.loads(result.stdout)["profiles"]
    else:
        entries = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["profile"]["source"] for e in entries] == [str(C09), str(bad), str(missing)]
    assert "results" in entries[0] and "error" not in entries[0]
    for entry, path in ((entries[1], bad), (entries[2], missing)):
        validator("report").validate(entry)
        error = entry["error"]
        assert set(error) >= {"file", "place", "problem", "fix"}
        assert error["file"] == str(path) and error["problem"] and error["fix"]
        assert error["problem"] in result.stderr  # still told to people
    assert "highest_level" in entries[1]["error"]["place"]
    assert result.stderr.count("error: ") == 2


# --- 4. batch rows fit the report schema -------------------------------------------------------


def test_every_row_of_a_batch_with_broken_rows_fits_the_report_schema(tmp_path):
    cohort, out = tmp_path / "c.jsonl", tmp_path / "out.jsonl"
    write(cohort, 12, seed=5, broken_rows=3)
    with cohort.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    result = run("batch", cohort, "--out", out, "--cert", "CPC", "--cert", "CCA")
    assert result.exit_code == 1, result.output
    header, *rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    errors = [row for row in rows if "error" in row]
    assert header["kind"] == "header"
    assert len(rows) == 13 and len(errors) == 4
    for row in (header, *rows):
        validator("report").validate(row)
    assert all(e["profile"]["source"].startswith(f"{cohort}:") for e in errors)
    assert all(e["error"]["problem"] and e["profile"]["row"] for e in errors)


# --- 5. a schema for list --format json --------------------------------------------------------


def test_list_json_follows_its_schema():
    result = run("list", "--as-of", "2026-11-22", "--format", "json")
    assert result.exit_code == 0
    listing = json.loads(result.stdout)
    validator("list").validate(listing)
    ids = {row["id"] for row in listing["credentials"]}
    assert {"CPC", "CCS"} <= ids


# --- 6. what every report states ---------------------------------------------------------------


def _states_provenance(entry: dict, as_of: str) -> None:
    assert entry["tool"] == {"name": "eligibility", "version": __version__, "notice": NOT_OFFICIAL}
    assert entry["as_of"] == as_of
    assert entry["policies"]["part_time_counting"] == "fte40"  # as set
    assert len(entry["policies"]) > 1  # and the defaults of the others
    assert entry["rules"] and all({"id", "version", "file"} <= set(r) for r in entry["rules"])


def test_every_report_states_the_tool_rules_date_and_policies(tmp_path):
    policy = ("--policy", "part_time_counting=fte40")
    as_of = ("--as-of", "2026-11-22")
    document = json.loads(
        run("check", C09, "--cert", "CPC", "--format", "json", *policy, *as_of).stdout
    )
    assert document["tool"]["version"] == __version__
    _states_provenance(document["profiles"][0], "2026-11-22")
    line = run("check", C09, "--cert", "CPC", "--format", "jsonl", *policy, *as_of).stdout
    _states_provenance(json.loads(line), "2026-11-22")

    cohort, out = tmp_path / "c.jsonl", tmp_path / "out.jsonl"
    write(cohort, 2, seed=6)
    full = ("--report-format", "jsonl-full")  # each line states it; the lean form's header does
    run("batch", cohort, "--out", out, "--cert", "CPC", *policy, *as_of, *full)
    for row in out.read_text(encoding="utf-8").splitlines():
        _states_provenance(json.loads(row), "2026-11-22")
    run("batch", cohort, "--out", out, "--cert", "CPC", *policy, *as_of)
    header = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert header["as_of"] == "2026-11-22" and header["policies"]["part_time_counting"] == "fte40"
    assert header["tool"]["version"] == __version__ and header["rules"]

    listing = json.loads(run("list", "--format", "json", *as_of).stdout)
    assert listing["tool"]["version"] == __version__ and listing["as_of"] == "2026-11-22"
    assert listing["rules"] and listing["policies"]

    for args in (["--cert", "CPC-exam"], []):  # the full explanation and the summary
        text = run("check", C09, *args, *policy, *as_of).stdout
        used = json.loads(run("check", C09, *args, *policy, *as_of, "--format", "jsonl").stdout)
        footer, notice = text.rstrip("\n").splitlines()[-2:]
        assert notice.startswith("This is not an official determination by")
        assert f"eligibility {__version__}" in footer
        assert "2026-11-22" in footer and "part_time_counting" not in footer  # in words:
        assert (
            "pro-rated to a 40-hour week (a training site's claim) (chosen for this run)" in footer
        )
        assert all(f"{r['id']} {r['version']}" in footer for r in used["rules"]), footer


def test_report_version_is_the_schemas_and_raised_with_a_new_shape():
    from eligibility.report.render import REPORT_VERSION

    assert REPORT_VERSION >= 2  # 1 was an object or an array, with absolute file names
    for name in ("report", "list"):
        text = json.dumps(SCHEMAS[name])
        assert f'"const": {REPORT_VERSION}' in text, name


# --- 7. schema identifiers and the editor modeline ---------------------------------------------


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_identifiers_do_not_pretend_to_be_addresses(name):
    identifier = SCHEMAS[name]["$id"]
    assert identifier.startswith("urn:") and not re.match(r"https?:", identifier)
    assert name in identifier


def test_a_reference_between_schemas_resolves_offline():
    report_id = SCHEMAS["report"]["$id"]
    entry = Draft202012Validator({"$ref": f"{report_id}#/$defs/error_report"}, registry=REGISTRY)
    row = {
        "report_version": REPORT_VERSION,
        "tool": {"name": "eligibility", "version": __version__, "notice": NOT_OFFICIAL},
        "profile": {"source": "c.jsonl:3", "row": 3, "candidate_id": None, "name": None},
        "error": {"file": "c.jsonl:3", "place": None, "problem": "broken", "fix": None},
    }
    entry.validate({**row, "problems": [row["error"]]})


def test_the_editor_modeline_is_documented_at_the_top_of_the_profile_format():
    head = "\n".join((ROOT / "docs" / "profile-format.md").read_text().splitlines()[:40])
    found = re.search(r"# yaml-language-server: \$schema=(\S+)", head)
    assert found, "docs/profile-format.md should show the modeline near its top"
    assert (PROFILES / found[1]).resolve() == (ROOT / "schemas" / "profile.schema.json")


def test_no_document_names_a_schema_by_an_address_that_does_not_exist():
    texts = [
        ROOT / "README.md",
        *(ROOT / "docs").glob("*.md"),
        ROOT / "eligibility" / "resources.py",
    ]
    for path in texts:
        assert "eligibility-toolkit/eligibility/raw" not in path.read_text(encoding="utf-8"), path


def test_an_error_entry_holds_every_problem_of_the_profile_in_line_order(tmp_path):
    """A person fixing a profile from the JSON gets what the text on standard error gives: every
    problem, each with its fix and an example of the right shape, in line order."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: Test\nmembership: []\neducation:\n  highest_level: maybe\n", encoding="utf-8"
    )
    result = run("check", bad, "--format", "json")
    assert result.exit_code == 2
    (entry,) = json.loads(result.stdout)["profiles"]
    validator("report").validate(entry)
    places = [problem["place"] for problem in entry["problems"]]
    assert [place.split(" (")[0] for place in places] == ["line 2", "line 4"]
    assert entry["error"] == entry["problems"][0]
    assert all(problem["problem"] in result.stderr for problem in entry["problems"])
    assert entry["problems"][0]["example"].startswith("memberships")


def test_a_fix_in_json_names_the_open_question_as_the_text_answer_does() -> None:
    """An ambiguous condition's fix names the body and the question (the text answer's words),
    not 'the certifying body' and 'the open question the sources leave here' (C16's CCS-P
    renewal depends on how AHIMA's 80% HIIM rule reads)."""
    c16 = PROFILES / "c16-otto-brandt.yaml"
    result = CliRunner().invoke(main, ["check", str(C09), str(c16), "--format", "json"])
    fixes: list[str] = []

    def walk(node: dict | None) -> None:
        if node:
            if node.get("status") == "ambiguous" and node.get("kind") == "leaf":
                fixes.append(node["fix"])
            for child in node.get("children", ()):
                walk(child)

    for entry in json.loads(result.output)["profiles"]:
        for checked in entry.get("results", ()):
            walk(checked.get("requires"))
    assert fixes, "C16 has conditions that depend on an open question"
    assert all(re.match(r"ask (AAPC|AHIMA|PAHCS) the open questions? \"", f) for f in fixes)


def test_another_reading_says_why_in_json_as_in_text():
    # X40: CCS-P's older seed reading is ambiguous on the topics its "etc." leaves open; the
    # text says "It depends on: ...", and the JSON names the question and each answer
    profile = RULES / "tests" / "profiles" / "x40-ccsp-seed-etc.yaml"
    result = CliRunner().invoke(
        main, ["check", str(profile), "--cert", "CCS-P-exam", "--format", "json"]
    )
    (answer,) = json.loads(result.stdout)["profiles"][0]["results"]
    (other,) = answer["other_readings"]
    assert other["status"] == "ambiguous"
    assert other["depends_on"] == [
        {
            "policy": "ccsp_seed_topics",
            "answers": [
                {"value": "named_only", "status": "met"},
                {"value": "ccs_legacy_list", "status": "not_met"},
            ],
        }
    ]
    # read as the CCS legacy list, the seed's reading is not met: its closest pathway and lack
    result = CliRunner().invoke(
        main,
        [
            "check",
            str(profile),
            "--cert",
            "CCS-P-exam",
            "--format",
            "json",
            "--policy",
            "ccsp_seed_topics=ccs_legacy_list",
        ],
    )
    (answer,) = json.loads(result.stdout)["profiles"][0]["results"]
    (other,) = answer["other_readings"]
    assert other["status"] == "not_met" and other["closest"] and other["lacking"]
    assert all(lack["condition"] and lack["text"] for lack in other["lacking"])
