"""A batch's JSON Lines report (docs/report-format.md, "A batch's JSON Lines report"): by default
a header giving each rule version's metadata once, then a lean line per student naming the rules
by id; the full form (``--report-format jsonl-full``) still gives each student the entry of
``check --format json``. Lean or full, the lines fit the report schema, lose nothing, and are the
same whatever the number of worker processes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator

from benchmarks.generate import write
from eligibility.cli import main
from tests.conftest import ROOT

CERTS = ("--cert", "CPC", "--cert", "CCA", "--cert", "CCS")
SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
LEAF = {"found", "needed", "operator", "shortfall", "reached_on", "fix"}  # null when left out


def run(*args: Any) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def lines_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("jsonl") / "c.jsonl"
    write(path, 24, seed=61, broken_rows=3)
    return path


@pytest.fixture(scope="module")
def reports(cohort: Path) -> dict[str, Path]:
    """The cohort's lean and full reports, as `eligibility batch` writes them."""
    made = {}
    for form, extra in (("lean", ()), ("full", ("--report-format", "jsonl-full"))):
        made[form] = cohort.with_name(f"{form}.jsonl")
        result = run("batch", cohort, "--out", made[form], *CERTS, *extra)
        assert result.exit_code == 1, result.output  # the broken rows
    return made


def test_the_lean_report_gives_each_rules_metadata_once(reports) -> None:
    text = reports["lean"].read_text(encoding="utf-8")
    header = json.loads(text.partition("\n")[0])
    assert header["kind"] == "header"
    some = next(iter(header["rules"].values()))
    assert some["sources"] and some["checks"]
    # every rule version's dates in force and sources, each check's question: in the header alone
    assert text.count('"in_force"') == len(header["rules"])
    students = text.partition("\n")[2]
    for rule in header["rules"].values():
        assert all(json.dumps(source["url"]) not in students for source in rule["sources"])
        for check in rule["checks"].values():
            assert json.dumps(check["question"]) not in students
    assert len(text) * 3 < reports["full"].stat().st_size  # and the whole is much smaller


def _resolved(header: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """A lean line made whole again with its header: what the full form gives for that student."""
    if "error" in entry:
        return entry
    rules = header["rules"]

    def version(rule_id: str) -> dict[str, Any]:
        about = rules[rule_id]
        return {"id": rule_id} | {
            k: about[k]
            for k in ("version", "in_force", "confidence", "sources", "open_policies", "file")
        }

    def node(found: dict[str, Any], conditions: dict[str, Any]) -> dict[str, Any]:
        about = conditions[found["id"]]
        whole = found | {"text": about["text"], "kind": about["kind"]}
        if about["kind"] == "leaf":
            whole = {k: None for k in LEAF} | {"missing": []} | whole
            whole |= {"measure": about["measure"], "unit": about["unit"]}
        if "sources" in about:
            whole["sources"] = about["sources"]
        if about.get("warning"):
            whole["warning"] = True
        if "children" in found:
            whole["children"] = [node(child, conditions) for child in found["children"]]
        return whole

    def result(found: dict[str, Any]) -> dict[str, Any]:
        rule = rules.get(found.get("rules"))
        check = rule["checks"][found["check"]] if rule else None
        conditions = check["conditions"] if check else {}
        whole = {
            "credential": check["credential"] if check else None,
            "body": rule["body"] if rule else None,
            "kind": check["kind"] if check else None,
            "question": check["question"] if check else None,
            "policies": header["policies"] if rule else {},
            "standing": None,
            "closest": None,
            "eligible_by": None,
            "requires": None,
            "recommends": None,
        }
        whole |= {k: [] for k in ("standing_by_reading", "actions", "other_readings")}
        whole |= {k: [] for k in ("assumptions", "needs_human_review", "open_questions")}
        whole |= found
        whole["rules"] = version(found["rules"]) if rule else None
        for part in ("requires", "recommends"):
            if found.get(part):
                whole[part] = node(found[part], conditions)
        whole["other_readings"] = [
            o | {"rules": version(o["rules"])} for o in whole["other_readings"]
        ]
        whole["assumptions"] = [
            a | {"text": conditions[a["condition"]]["assumes"]} for a in whole["assumptions"]
        ]
        return whole

    return {
        "report_version": header["report_version"],
        "tool": header["tool"],
        "profile": entry["profile"],
        "as_of": entry["as_of"],
        "policies_set": header["policies_set"],
        "policies": header["policies"],
        "rules": [
            {"id": i, "body": rules[i]["body"], "version": rules[i]["version"]}
            | {"file": rules[i]["file"]}
            for i in entry["rules"]
        ],
        "all_met": entry["all_met"],
        "results": [result(r) for r in entry["results"]],
    }


def test_every_line_of_the_lean_report_fits_the_schema_and_loses_nothing(reports) -> None:
    header, *lean = lines_of(reports["lean"])
    full = lines_of(reports["full"])
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for line in (header, *lean):
        validator.validate(line)
    assert len(lean) == len(full) == 24
    assert sum("error" in line for line in lean) == 3  # error entries: as in the full form
    for short, whole in zip(lean, full, strict=True):
        assert _resolved(header, short) == whole


def test_each_line_of_the_full_form_is_what_check_gives_for_that_student(
    cohort, reports, tmp_path
) -> None:
    for entry in lines_of(reports["full"])[:6]:
        if "error" in entry:
            continue
        row = entry["profile"]["row"]
        profile = tmp_path / f"row{row}.json"
        profile.write_text(cohort.read_text(encoding="utf-8").splitlines()[row - 1], "utf-8")
        result = run("check", profile, *CERTS, "--format", "jsonl")
        alone = json.loads(result.stdout)
        alone["profile"] = entry["profile"]  # the same student, read from a file of its own
        assert alone == entry


@pytest.mark.parametrize("form", [(), ("--report-format", "jsonl-full")], ids=["lean", "full"])
def test_the_report_is_the_same_with_two_worker_processes(cohort, tmp_path, form) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run("batch", cohort, "--out", one, "--cert", "CCA", *form)
    run("batch", cohort, "--out", two, "--cert", "CCA", "--jobs", "2", *form)
    assert one.read_bytes() == two.read_bytes()
    assert one.read_text(encoding="utf-8").count('"kind": "header"') == (0 if form else 1)


def test_a_student_dated_otherwise_finds_the_rules_that_answered_in_the_header(tmp_path) -> None:
    """The header comes before any student: it lists every version of the checks asked for, so
    that a student whose own date selects an older one still finds it."""
    cohort, out = tmp_path / "c.jsonl", tmp_path / "r.jsonl"
    write(cohort, 2, seed=62)
    students = [json.loads(line) for line in cohort.read_text(encoding="utf-8").splitlines()]
    students[1]["as_of"] = "2020-06-01"  # AAPC's 2019 rules were in force then
    cohort.write_text("".join(json.dumps(s) + "\n" for s in students), encoding="utf-8")
    run("batch", cohort, "--out", out, "--cert", "CPC-exam")
    header, *entries = lines_of(out)
    used = {r["rules"] for entry in entries for r in entry["results"]}
    assert len(used) == 2 and used <= set(header["rules"])


def test_the_python_api_gives_either_form(cohort, reports, tmp_path) -> None:
    import eligibility

    for form, full in (("lean", False), ("full", True)):
        out = tmp_path / f"{form}.jsonl"
        eligibility.batch(cohort, out, certs=["CPC", "CCA", "CCS"], jsonl_full=full)
        assert out.read_bytes() == reports[form].read_bytes()
