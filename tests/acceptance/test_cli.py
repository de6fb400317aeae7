"""The command line: verdicts and exit codes, JSON reports, dates and policies, usage errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator

from eligibility.cli import main
from eligibility.rulebook.rules import load_rulebook
from tests.conftest import PROFILES, ROOT, RULES, summary_entries, summary_verdicts

C01, C03, C06, C09 = (
    PROFILES / f"{name}.yaml"
    for name in ("c01-ana-torres", "c03-carla-nguyen", "c06-elena-petrova", "c09-hana-sato")
)
REPORT = Draft202012Validator(
    json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8")),
    format_checker=Draft202012Validator.FORMAT_CHECKER,
)


def run(*args) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def run_json(*args) -> tuple[Result, dict | list]:
    """The entry of each profile (one profile: its entry alone), from the document checked
    against the schema (docs/report-format.md)."""
    result = run("check", *args, "--format", "json")
    document = json.loads(result.stdout)
    REPORT.validate(document)
    entries = document["profiles"]
    return result, entries[0] if len(entries) == 1 else entries


def assert_input_error(result: Result, message: str) -> None:
    """Exit 2, a short message on stderr, and no traceback."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert message in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) <= 3


def check_ids() -> list[str]:
    listing = json.loads(run("list", "--as-of", "2026-11-22", "--format", "json").stdout)
    return [check for row in listing["credentials"] for check in row["checks"]]


def test_met_check_exits_0():
    result = run("check", C03, "--cert", "CPC-A-removal")
    assert result.exit_code == 0, result.output
    assert "MET: You can have the -A removed" in result.stdout


def test_unmet_check_exits_1_and_says_what_is_missing():
    result = run("check", C09, "--cert", "CPC-A-removal")
    assert result.exit_code == 1, result.output
    for text in ("NOT YET MET", "2027-08-31", "78 hours", "complete AAPC Practicode"):
        assert text in result.stdout


def test_summary_lists_every_check():
    result = run("check", C09)
    assert result.exit_code == 1, result.output
    ids = check_ids()
    assert {"CPC-A-removal", "CCS-exam", "CCS-P-exam"} <= set(ids)
    entries = summary_entries(result.stdout)
    listed = [*entries, *(other for *_, alike in entries.values() for other in alike)]
    skipped = re.search(
        r"Not applicable to this profile \((\d+)\): (.*)$", result.stdout, re.MULTILINE
    )
    assert "COC-A-removal" in skipped.group(2).split(", ")  # C09 holds the CPC-A, not the COC-A
    assert "CPC-A-removal" in listed
    assert sorted(listed + skipped.group(2).split(", ")) == sorted(ids)


def test_the_summary_names_checks_in_words_and_an_open_question(tmp_path):
    """Each check in the web page's words, its id in brackets for --cert; an ambiguous answer
    names its open question in a few words (a GED, for AHIMA's CCS)."""
    from eligibility.report.words import check_title

    profile = tmp_path / "ged.yaml"
    profile.write_text(
        "profile_version: 2\nname: Derrick Lowe\n"
        "education: {highest_level: ged, completion_date: 2017-10-04}\n",
        encoding="utf-8",
    )
    out = run("check", profile, "--as-of", "2026-11-22").stdout
    entries = summary_entries(out)
    book = load_rulebook(RULES)
    assert entries and all(title == check_title(book, c) for c, (_, title, *_) in entries.items())
    status, title, verdict, _ = entries["CCS-exam"]
    assert (status, title) == ("ambiguous", "CCS: sitting the exam")
    assert "(depends on: whether AHIMA accepts a GED)" in verdict
    assert "--cert CHECK-ID (the id in brackets)" in out
    first = r"^ {2}(?:met|not met|ambiguous|unknown) +\S+-(?:exam|full|removal|renewal|recert) "
    assert not re.search(first, out, re.MULTILINE)  # no id as the first column


def test_checks_answered_alike_share_a_summary_line():
    """Hana's 22 specialty exams are answered in the same words for their credentials: one
    line names the first, the next the others; checks answered otherwise keep lines of their
    own, and every id is still there for --cert."""
    entries = summary_entries(run("check", C09).stdout)
    _, entry = run_json(C09)
    results = {r["check"]: r for r in entry["results"]}
    heads = {head: alike for head, (*_, alike) in entries.items() if alike}
    specialty = [c for c in results if results[c]["rules"]["id"] == "AAPC-SPECIALTY-EXAM"]
    assert len(specialty) > 1
    assert any(set(specialty) == {head, *others} for head, others in heads.items())
    for head, others in heads.items():
        said = results[head]["verdict"].replace(results[head]["credential"], "#")
        for other in others:
            assert results[other]["status"] == results[head]["status"]
            assert results[other]["verdict"].replace(results[other]["credential"], "#") == said
    grouped = {c for head, others in heads.items() for c in (head, *others)}
    assert "CPC-A-removal" not in grouped and "CPC-renewal" not in grouped  # answered apart


def test_a_summary_line_names_a_lost_standing_and_keeps_it_apart():
    """X12's CCS is revoked and its CCS-P inactive, under the same rules: each line's verdict
    says its standing, and they are not one line "answered alike"."""
    out = run("check", PROFILES / "x12-ahima-status.yaml").stdout
    lines = out.splitlines()
    said = {c: verdict for c, (status, _, verdict, _) in summary_entries(out).items()}
    assert "Your CCS is revoked: your profile reports" in said["CCS-recert"]
    assert "Your CCS-P is inactive: your profile reports" in said["CCS-P-recert"]
    assert "(standing:" not in said["CCS-recert"]  # said once
    alike = [line for line in lines if "answered alike" in line]
    assert not any("CCS-recert" in line or "CCS-P-recert" in line for line in alike)


def test_checks_whose_ways_forward_differ_are_not_answered_alike(tmp_path):
    """Both revoked, with the same verdict in words: the CCS's 90 days to appeal have passed,
    the CCS-P's have not. A candidate must see the CCS-P apart."""
    data = yaml.safe_load((PROFILES / "x12-ahima-status.yaml").read_text(encoding="utf-8"))
    ccs_p = next(c for c in data["credentials"] if c["id"] == "CCS-P")
    ccs_p.update(status="revoked", status_effective_date="2026-10-01")
    profile = tmp_path / "two-revoked.yaml"
    profile.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = run("check", profile, "--policy", "ahima_ceu_allocation=pooled").stdout
    lines = out.splitlines()
    said = {c: verdict for c, (status, _, verdict, _) in summary_entries(out).items()}
    assert "CCS is revoked" in said["CCS-recert"] and "CCS-P is revoked" in said["CCS-P-recert"]
    assert not any("answered alike" in line and "recert" in line for line in lines)
    full = run(
        "check", profile, "--cert", "CCS-P-recert", "--policy", "ahima_ceu_allocation=pooled"
    )
    assert "appeal the revocation to AHIMA by 2026-12-30" in full.stdout


def test_a_standing_a_date_decides_is_given_as_the_standings_it_may_be():
    """X16's cycle ends "2025-12": on 2026-06-15 the CCS-P is inactive or revoked depending on
    the day, so its standing is null and the JSON says which it may be and what decides."""
    x16 = PROFILES / "x16-ahima-cycle-end-month.yaml"
    _, entry = run_json(x16, "--cert", "CCS-P-recert", "--as-of", "2026-06-15")
    (result,) = entry["results"]
    assert result["status"] == "not_met" and result["standing"] is None
    unknown = result["standing_unknown"]
    assert unknown["standings"] == ["inactive", "revoked"]
    assert any("give the exact end" in item["how"] for item in unknown["depends_on"])
    _, later = run_json(x16, "--cert", "CCS-P-recert", "--as-of", "2026-08-15")
    assert later["results"][0]["standing"] == "revoked"
    assert "standing_unknown" not in later["results"][0]


def test_an_unknown_keeping_check_says_its_standing_either_way():
    """X33's first CEU period may have been pro-rated: the CEMC renewal is unknown, and were it
    not met the CEMC is revoked (its 90 days have passed), active were it met."""
    x33 = PROFILES / "x33-aapc-prorated-specialty.yaml"
    _, entry = run_json(x33, "--cert", "CEMC-renewal")
    (result,) = entry["results"]
    assert result["status"] == "unknown" and result["standing"] is None
    assert result["standing_if_not_met"] == "revoked"
    line = summary_verdicts(run("check", x33).stdout)["CEMC-renewal"]
    assert "(standing: active or revoked)" in line
    _, met = run_json(x33, "--cert", "CPC-renewal")
    assert "standing_if_not_met" not in met["results"][0]


def test_a_summary_line_names_the_pathway_an_eligible_by_date_is_for():
    """C09's closest pathway is option 2 (Practicode); time alone meets option 1 on 2027-08-31.
    Her summary line must not read as if option 2 were met by then."""
    line = summary_verdicts(run("check", C09).stdout)["CPC-A-removal"]
    assert "(closest: Option 2, 1 thing missing: a coding course" in line
    assert "(eligible by 2027-08-31 through Option 1)" in line


def test_a_summary_line_names_a_closest_pathway_only_among_several():
    """C09's CPC renewal has one pathway and is unknown: '(1 thing not known)', not 'closest:'
    its only pathway, '1 thing missing'; her MCS exam, one pathway not met: '(1 thing missing:'
    and what it is, so that she need not ask for the whole explanation to learn it."""
    said = summary_verdicts(run("check", C09).stdout)
    renewal = said["CPC-renewal"]
    assert "(1 thing not known)" in renewal and "closest:" not in renewal
    exam = said["MCS-exam"]
    assert "(1 thing missing: PAHCS membership is current)" in exam and "closest:" not in exam


def test_a_summary_line_points_to_the_full_explanation_not_below():
    """A summary shows no conditions: an unknown or ambiguous line says where to look (C16's
    CCS-P renewal depends on how AHIMA's 80% HIIM rule reads)."""
    c16 = PROFILES / "c16-otto-brandt.yaml"
    entries = [*summary_entries(run("check", C09).stdout).values()]
    entries += summary_entries(run("check", c16).stdout).values()
    for status, words in (
        ("unknown", "its full explanation says what to add"),
        ("ambiguous", "its full explanation gives the answer each way"),
    ):
        found = [line for said, _, line, _ in entries if said == status]
        assert found and all(words in line and "below" not in line for line in found)


@pytest.mark.parametrize(
    ("profile", "certs", "checks"),
    [
        (C01, [], None),
        (C03, ["CPC-A-removal"], ["CPC-A-removal"]),
        (C06, ["CPC-A-removal", "CCS"], ["CPC-A-removal", "CCS-exam", "CCS-recert"]),
        (C09, [], None),
    ],
)
def test_json_report_follows_the_schema(profile, certs, checks):
    result, report = run_json(profile, *(arg for cert in certs for arg in ("--cert", cert)))
    REPORT.validate(report)
    assert report["profile"]["source"] == str(profile)
    assert [r["check"] for r in report["results"]] == (checks or check_ids())
    assert result.exit_code == (0 if report["all_met"] else 1)


def test_json_for_two_profiles_has_an_entry_each():
    result, reports = run_json(C01, C09)
    assert result.exit_code == 1
    assert [r["profile"]["candidate_id"] for r in reports] == ["C01", "C09"]
    for report in reports:
        REPORT.validate(report)


def test_a_credential_selects_all_its_checks_and_inapplicable_ones_do_not_fail():
    result, report = run_json(C01, "--cert", "CCS", "--as-of", "2026-11-22")
    assert [(r["check"], r["status"]) for r in report["results"]] == [
        ("CCS-exam", "met"),
        ("CCS-recert", "not_applicable"),
    ]
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("cert", "as_of", "version", "status"),
    [
        ("CCS-exam", "2014-06-01", "CCS-LEG", "not_met"),
        ("CCS-exam", "2026-11-22", "CCS-CUR", "met"),
        ("CCS-exam@CCS-LEG", "2026-11-22", "CCS-LEG", "not_met"),
    ],
)
def test_date_and_pin_choose_the_rule_version(cert, as_of, version, status):
    result, report = run_json(C01, "--cert", cert, "--as-of", as_of)
    assert report["as_of"] == as_of
    [only] = report["results"]
    assert (only["check"], only["rules"]["id"], only["status"]) == ("CCS-exam", version, status)
    assert result.exit_code == (0 if status == "met" else 1)


@pytest.mark.parametrize(
    ("policy", "status", "policies_set"),
    [
        ((), "met", {}),
        (("--policy", "part_time_counting=fte40"), "not_met", {"part_time_counting": "fte40"}),
    ],
)
def test_policy_settles_an_open_question(policy, status, policies_set):
    """C06 codes 16 hours a week: the default reading (calendar time, CONV-3) answers, flagged
    for a person to review; a reading set explicitly answers alone, flagged for nothing."""
    result, report = run_json(C06, "--cert", "CPC-A-removal", *policy)
    assert result.exit_code == (0 if status == "met" else 1)
    [answer] = report["results"]
    assert answer["status"] == status
    assert report["policies_set"] == policies_set
    flagged = [review["policy"] for review in answer.get("needs_human_review", ())]
    assert flagged == ([] if policies_set else ["part_time_counting"])


def test_an_ambiguous_keeping_check_gives_its_standing_under_each_reading():
    """C16's CCS-P recertification depends on D-9: active by default, inactive under 'all'. The
    standing itself stays null (nothing lapses on an open question)."""
    _, report = run_json(PROFILES / "c16-otto-brandt.yaml", "--cert", "CCS-P-recert")
    assert not list(REPORT.iter_errors(report))
    [only] = report["results"]
    assert (only["status"], only["standing"]) == ("ambiguous", None)
    assert only["standing_by_reading"] == [
        {"policy": "ahima_hiim_basis", "value": "required", "default": True, "standing": "active"},
        {"policy": "ahima_hiim_basis", "value": "all", "default": False, "standing": "inactive"},
    ]
    _, report = run_json(
        PROFILES / "c16-otto-brandt.yaml",
        "--cert",
        "CCS-P-recert",
        "--policy",
        "ahima_hiim_basis=all",
    )
    assert report["results"][0]["standing_by_reading"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cert", "NOPE"], "no credential or check called 'NOPE'"),
        (["--cert", "CCS-exam@NOPE"], "CCS-exam has no rule version 'NOPE'"),
        (["--policy", "nope=1"], "no policy called 'nope'"),
        (["--policy", "part_time_countin=fte40"], "fix: did you mean 'part_time_counting'?"),
        (
            ["--policy", "part_time_counting"],
            "'part_time_counting' gives no value\n  fix: write part_time_counting=VALUE with VALUE"
            " one of: calendar, fte40, fte32",
        ),
        (["--policy", "part_time_counting=fte99"], "'fte99' is not a value of part_time_counting"),
        (["--as-of", "2023-02-30"], "'2023-02-30'"),
        (["--rules", "/nonexistent/rules"], "rules directory not found"),
    ],
)
def test_bad_option_is_a_usage_error(args, message):
    result = run("check", C01, *args)
    assert_input_error(result, message)
    assert result.stdout.strip() == ""


def test_a_folder_that_is_not_a_rules_directory_is_named_so(tmp_path):
    """Not "credentials.yaml: file not found", nor a complaint about some other YAML file the
    folder holds: the folder named is not a rules directory."""
    (tmp_path / "notes.yaml").write_text("a: [", encoding="utf-8")  # not a rule file at all
    result = run("check", C01, "--rules", tmp_path)
    assert_input_error(result, f"{tmp_path}: not a rules directory")
    assert "notes.yaml" not in result.stderr and "file not found" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "me.yaml: file not found"), ("name: X\nnickname: Y\n", "unknown field 'nickname'")],
    ids=["missing", "unknown-field"],
)
def test_bad_profile_is_an_input_error(tmp_path, content, message):
    path = tmp_path / "me.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run("check", path)
    assert_input_error(result, message)
    assert f"error: {path}" in result.stderr


def test_valid_profile_is_still_reported_next_to_an_invalid_one(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: X\nnickname: Y\n", encoding="utf-8")
    result = run("check", C03, bad, "--cert", "CPC-A-removal")
    assert_input_error(result, f"error: {bad}")
    assert "Carla Nguyen" in result.stdout
    assert "MET: You can have the -A removed" in result.stdout


def test_impossible_as_of_says_not_a_valid_date():
    result = run("check", C01, "--as-of", "2023-02-30")
    assert result.exit_code == 2
    assert "does not match the format" not in result.stderr


def test_bad_pinned_version_is_reported_once():
    result = run("check", C01, C03, "--cert", "CCS-exam@NOPE")
    assert result.exit_code == 2
    assert result.stderr.count("has no rule version 'NOPE'") == 1


def assert_lists_every_credential_once(rules: Path) -> list[str]:
    """``list --rules RULES`` names every credential of that rule book once, under its body;
    returns the ids listed. Neither their number nor their order is fixed: a credential added
    in YAML is listed without a test to change."""
    book = load_rulebook(str(rules))
    result = run("list", "--as-of", "2026-11-22", "--rules", rules)
    assert result.exit_code == 0, result.output
    bodies = {credential.body for credential in book.credentials}
    listed = [
        (body, ident)
        for body, ident in re.findall(r"^(\S+) +(\S+) ", result.stdout, re.MULTILINE)
        if body in bodies
    ]
    ids = [ident for _, ident in listed]
    assert len(ids) == len(set(ids)), "a credential is listed twice"
    assert {(c.body, c.id) for c in book.credentials} <= set(listed)
    return ids


def test_list_names_every_credential():
    listed = assert_lists_every_credential_once(RULES)
    assert {"CPC", "COC", "CPC-P", "CIC", "CRC", "CIRCC", "CEMC", "CCA", "CCS", "CCS-P"} <= set(
        listed
    )
    assert {"RHIT", "RHIA"} <= set(listed)  # read by the CCS rules, no rules of their own


def test_show_credential_gives_every_version_and_its_sources():
    result = run("show", "CCS", "--as-of", "2026-11-22")
    assert result.exit_code == 0
    assert "(CCS-CUR) · IN FORCE on 2026-11-22" in result.stdout
    assert "(CCS-LEG) · not in force on 2026-11-22" in result.stdout
    assert re.search(r"^ +H1 \[H\] ", result.stdout, re.MULTILINE)


def test_show_one_check_shows_only_that_check():
    result = run("show", "CPC-A-removal")
    assert result.exit_code == 0
    assert "CPC-A-removal: Can the -A be removed from your CPC-A?" in result.stdout
    assert "CPC-exam:" not in result.stdout


def test_policies_lists_each_with_its_default():
    result = run("policies")
    assert result.exit_code == 0
    assert "part_time_counting  (default: calendar)" in result.stdout
    for value in ("calendar", "fte40", "fte32"):
        assert re.search(rf"^ +{value} ", result.stdout, re.MULTILINE)


@pytest.mark.parametrize("command", [[], ["check"], ["list"], ["show"], ["policies"], ["lint"]])
def test_help(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")


def test_python_dash_m():
    done = subprocess.run(
        [sys.executable, "-m", "eligibility", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout
    assert re.search(r"^ +check ", done.stdout, re.MULTILINE)


def test_config_file_sets_policies_and_policy_option_overrides_it(tmp_path):
    config = tmp_path / "eligibility.yaml"
    config.write_text("policies:\n  part_time_counting: fte40\n", encoding="utf-8")
    result, report = run_json(C06, "--cert", "CPC-A-removal", "--config", str(config))
    assert result.exit_code == 1
    assert (report["results"][0]["status"], report["policies_set"]) == (
        "not_met",
        {"part_time_counting": "fte40"},
    )
    _, report = run_json(
        C06,
        "--cert",
        "CPC-A-removal",
        "--config",
        str(config),
        "--policy",
        "part_time_counting=fte32",
    )
    assert report["results"][0]["status"] == "met"


@pytest.mark.parametrize(
    "text",
    [
        "policies:\n  part_time_counting: fte99\n",
        "policies:\n  no_such_policy: x\n",
        "as_of: 2026-01-01\n",
    ],
)
def test_bad_config_file_is_an_input_error(tmp_path, text):
    config = tmp_path / "eligibility.yaml"
    config.write_text(text, encoding="utf-8")
    result = run("check", C06, "--config", str(config))
    assert result.exit_code == 2
    assert (
        str(config) in result.stderr
        and "fix:" in result.stderr
        and "Traceback" not in result.stderr
    )


def _without_dates(result):
    """A result tree as plain data, every reached-on date left out."""
    import dataclasses

    if dataclasses.is_dataclass(result):
        return {
            f.name: _without_dates(getattr(result, f.name))
            for f in dataclasses.fields(result)
            if f.name != "reached_on"
        }
    if isinstance(result, tuple | list):
        return [_without_dates(item) for item in result]
    return result


def _dates(result) -> list:
    found = []

    def walk(node) -> None:
        if node is None:
            return
        if node.reached_on is not None:
            found.append(node.reached_on)
        for child in node.children:
            walk(child)

    walk(result.requires)
    return found


@pytest.mark.parametrize("profile", sorted(PROFILES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_summary_of_every_check_is_the_same_without_searching_dates(rulebook, profile):
    """A summary line shows no reached-on date, so `check PROFILE` does not search them (half of
    its time): its output is the summary of the full report, and only the dates differ."""
    from eligibility.api import check_profile
    from eligibility.inputs.profiles import load_profile
    from eligibility.report.render import text_report

    candidate = load_profile(profile)
    full = check_profile(candidate, (), None, None, rulebook)
    quick = check_profile(candidate, (), None, None, rulebook, dates=False)
    assert [_dates(r) for r in quick.results] == [[] for _ in quick.results]
    assert [_without_dates(r) for r in quick.results] == [_without_dates(r) for r in full.results]
    assert run("check", profile).stdout == text_report(full, rulebook.policies) + "\n"


def test_dates_are_still_searched_where_they_are_shown(rulebook):
    """--cert (the full explanation) and --format json show them."""
    from eligibility.api import check_profile
    from eligibility.inputs.profiles import load_profile

    c20 = PROFILES / "c20-sam-carter.yaml"
    full = check_profile(load_profile(c20), ("CPC-full",), None, None, rulebook)
    (when,) = {d for r in full.results for d in _dates(r)}
    assert f"reached {when.isoformat()}" in run("check", c20, "--cert", "CPC-full").stdout
    assert when.isoformat() in run("check", c20, "--format", "json").stdout


def test_the_golden_profiles_have_dates_to_leave_out(rulebook):
    """Else the comparison above would prove nothing."""
    from eligibility.api import check_profile
    from eligibility.inputs.profiles import load_profile

    reports = [
        check_profile(load_profile(p), (), None, None, rulebook) for p in PROFILES.glob("*.yaml")
    ]
    assert sum(any(_dates(r) for r in report.results) for report in reports) >= 3


def test_a_config_file_typo_names_its_line_and_the_policy_it_may_mean(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("policies:\n  part_time_countin: fte40\n", encoding="utf-8")
    result = run("check", C01, "--config", config)
    assert_input_error(
        result,
        f"{config}: line 2 ($.policies.part_time_countin): no policy called 'part_time_countin'\n"
        "  fix: did you mean 'part_time_counting'?",
    )
    assert "ID=VALUE" not in result.stderr  # that is the command line's spelling, not YAML's


def test_show_names_its_argument_and_explains_a_credential_without_rules():
    assert_input_error(run("show", "NOPE"), "error: ID: no credential or check called 'NOPE'")
    result = run("show", "RHIT")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("RHIT: Registered Health Information Technician (AHIMA)\n")
    assert "No rules of its own here" in result.stdout


def test_list_keeps_every_id_apart_from_its_name():
    rows = json.loads(run("list", "--format", "json").stdout)["credentials"]
    text = run("list").stdout
    for row in rows:  # PAHCS-SPECIALTY ran into its name: "PAHCS-SPECIALTYPAHCS specialty"
        line = f"{re.escape(row['body'])} +{re.escape(row['id'])}  +{re.escape(row['name'])}"
        assert re.search(f"^{line}  \\[", text, re.MULTILINE), row["id"]


@pytest.mark.parametrize("command", ["list", "show"])
def test_list_and_show_say_their_date_defaults_to_today(command):
    help_text = run(command, "--help").stdout
    assert "Default: today." in " ".join(help_text.split())
    assert "profile" not in help_text


def test_a_config_file_may_write_yes_and_no_unquoted(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("policies:\n  apprentice_counts_as_credential: yes\n", encoding="utf-8")
    result, report = run_json(C01, "--config", config)
    assert result.exit_code in (0, 1), result.output
    assert report["policies_set"] == {"apprentice_counts_as_credential": "yes"}


def test_the_summary_says_how_to_see_one_answer_of_the_file_it_read(tmp_path):
    """The last steps name the file checked (init shows the answers of the file it wrote), and
    a profile read from standard input is PROFILE."""
    copy = tmp_path / "my profile.yaml"
    copy.write_text(C09.read_text(encoding="utf-8"), encoding="utf-8")
    named = run("check", copy).stdout
    assert f"eligibility check '{copy}' --cert CHECK-ID" in named
    piped = CliRunner().invoke(main, ["check", "-"], input=C09.read_text(encoding="utf-8"))
    assert "eligibility check PROFILE --cert CHECK-ID" in piped.stdout


def test_cert_takes_a_credentials_other_name_and_suggests_a_slip() -> None:
    """`--cert CPC-H` was refused though a profile's CPC-H is read as the COC, and `--cert CSS`
    suggested nothing."""
    renamed = run("check", C01, "--cert", "CPC-H")
    assert renamed.exit_code in (0, 1), renamed.output
    assert "COC-exam" in renamed.output
    slip = run("check", C01, "--cert", "CSS")
    assert slip.exit_code == 2
    assert "did you mean CCS?" in slip.output
    apprentice = run("check", C01, "--cert", "CPC-A")  # not every check of the CPC
    assert apprentice.exit_code == 2 and "did you mean CPC-A-removal" in apprentice.output


def test_check_without_a_profile_says_how_to_get_one() -> None:
    result = run("check")
    assert result.exit_code == 2
    assert "no profile given" in result.stderr and "eligibility init" in result.stderr
