"""Profile format versions (issue 14 item 23): format 1 still loads, with a note where format 2
reads a field differently, and ``eligibility upgrade`` rewrites it keeping what it means."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eligibility.api import check_profile
from eligibility.cli import main
from eligibility.errors import InputError
from eligibility.inputs.formatversion import (
    CURRENT,
    FORMAT1_NONE,
    LEFT_OUT,
    _schema_fields,
    date_fields,
    field_words,
    format1_readings,
    format_note,
    omitted_flags,
    version_of,
)
from eligibility.inputs.profiles import load_profile, profile_from_text
from eligibility.inputs.validation import schema
from eligibility.inputs.yamlio import parse_text
from eligibility.upgrade import upgrade_file, upgrade_text
from tests.conftest import PROFILES, RULES

X70 = PROFILES / "x70-format-1-profile.yaml"


def _answers(profile) -> list[tuple[str, str, str | None]]:
    report = check_profile(profile, as_of=None)
    return [(r.check_id, r.status, r.standing) for r in report.results]


def test_a_profile_without_a_version_is_format_1_and_loads_as_before() -> None:
    for path in sorted(PROFILES.glob("*.yaml")):
        data = load_profile(path).data
        assert version_of(data) == data.get("profile_version", 1), path
        assert data.get("profile_version") != 1 or version_of(data) == 1
    assert version_of({}) == 1
    assert version_of({"profile_version": 2}) == 2


def test_the_note_names_each_field_left_out_and_what_format_1_reads_it_as() -> None:
    profile = load_profile(X70)
    (note,) = profile.assumed
    assert "letter-1: current contact information given (taken as no), typed (taken as yes)" in note
    assert "eligibility upgrade" in note
    assert "signed" not in note.replace("hand_signed", "")  # hand_signed: true implies signed


def test_a_cycle_is_named_by_its_credential_and_dates_not_its_place() -> None:
    """A candidate finds "the CCS cycle 2024-01-01 to 2025-12-31" in the profile; they would
    have to count to find "credentials[0].recert_cycles[0]"."""
    cycle = {"start": "2024-01-01", "end": "2025-12-31", "fee_paid": True}
    note = format_note({"credentials": [{"id": "CCS", "recert_cycles": [cycle]}]})
    assert (
        "the CCS cycle 2024-01-01 to 2025-12-31: requirements met in the body's records (taken as no)"
        in note
    )
    assert "recert_cycles[" not in note


def test_no_note_when_nothing_is_left_out_or_the_profile_is_format_2() -> None:
    letter = {"author_role": "supervisor", "hand_signed": False}
    assert format_note({"verification_letters": [letter]}) is not None
    assert format_note({"profile_version": 2, "verification_letters": [letter]}) is None
    assert format_note({"verification_letters": []}) is None
    assert "signed (taken as no)" in format_note({"verification_letters": [letter]})
    assert "signed (taken as no)" not in format_note(
        {"verification_letters": [{**letter, "hand_signed": True}]}
    )


def _reads(node, found: set[str]) -> set[str]:
    """Every field name a fact file's JsonLogic reads ({var: name}, {var: [name, default]}) or
    names as a record field (``field: fee_paid``)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "var":
                name = value[0] if isinstance(value, list) else value
                if isinstance(name, str):
                    found.add(name.split(".")[-1])
            elif key == "field" and isinstance(value, str):
                found.add(value)
            _reads(value, found)
    elif isinstance(node, list):
        for item in node:
            _reads(item, found)
    return found


def test_every_true_false_field_the_fact_files_read_says_what_format_1_read() -> None:
    """A maintainer making a fact read a new true/false field must say, in the schema's
    ``default``, what format 1 read when it was left out: the note and upgrade follow it."""
    read: set[str] = set()
    for path in RULES.rglob("*.yaml"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "facts_format:" in text:
            _reads(parse_text(text, str(path)), read)
    annotated = {name for _, name, _ in format1_readings()}

    def booleans(node, found):
        for name, sub in node.get("properties", {}).items():
            if sub.get("type") == "boolean":
                found.add(name)
            inner = sub.get("items", sub)
            if isinstance(inner, dict):
                booleans(inner, found)
        return found

    # completed: required; apprentice: the credential's id says it when left out (CPC or CPC-A);
    # employer_can_still_verify: an employer can be asked unless the profile says it cannot;
    # proof_states_contact_hours: a course's proof states its hours unless the profile says not
    exempt = {
        "verified",
        "completed",
        "apprentice",
        "employer_can_still_verify",
        "proof_states_contact_hours",
    }
    flags = booleans(schema("profile"), set()) - exempt
    missing = sorted((flags & read) - annotated)
    assert not missing, f"give these a 'default' (format 1's reading) in the schema: {missing}"


@pytest.mark.parametrize(
    "name", ["x70-format-1-profile", "c10-ivan-petrov", "x01-pahcs-mcs", "c17-priya-shah"]
)
def test_an_upgraded_profile_is_format_2_and_gets_the_same_answers(name: str) -> None:
    path = PROFILES / f"{name}.yaml"
    upgraded = upgrade_text(path.read_text(encoding="utf-8"), str(path))
    again = profile_from_text(upgraded.text, str(path))
    assert again.data["profile_version"] == CURRENT
    assert not omitted_flags({**again.data, "profile_version": 1})
    assert _answers(again) == _answers(load_profile(path))


def test_upgrade_keeps_comments_order_and_quoting() -> None:
    text = X70.read_text(encoding="utf-8")
    new = upgrade_text(text, str(X70)).text
    for line in text.splitlines():
        if line != "profile_version: 1":
            assert line in new.splitlines()  # every line kept, in the same order below
    kept = [line for line in new.splitlines() if line in text.splitlines()]
    assert kept == [line for line in text.splitlines() if line != "profile_version: 1"]
    assert "    contact_info_present: false  # upgrade:" in new or (
        "    contact_info_present: false # upgrade:" in new
    )


def test_a_profile_without_a_version_gets_one_at_the_top() -> None:
    text = "# mine\nname: A\nverification_letters:\n  - author_role: hr\n"
    new = upgrade_text(text, "a.yaml").text
    assert new.startswith("# mine\nprofile_version: 2\nname: A\n")
    assert parse_text(new, "a.yaml")["verification_letters"][0]["on_letterhead"] is False


def test_json_keeps_key_order_and_indentation() -> None:
    data = {
        "name": "J",
        "profile_version": 1,
        "ceus": [{"completion_date": "2024-01-01", "ceus": 1}],
    }
    new = upgrade_text(json.dumps(data, indent=4), "p.json").text
    assert list(json.loads(new)) == ["name", "profile_version", "ceus"]
    assert '\n    "name": "J"' in new
    assert json.loads(new)["ceus"][0]["aapc_approved_vendor"] is False


def test_a_format_2_profile_is_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("profile_version: 2\nname: B\n", encoding="utf-8")
    before = path.stat().st_mtime_ns
    upgraded = upgrade_file(str(path), in_place=True)
    assert not upgraded.changed and "already in profile format 2" in upgraded.summary()
    assert path.stat().st_mtime_ns == before


def test_upgrade_never_writes_over_the_profile_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(X70.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError, match="would write over the profile"):
        upgrade_file(str(path), out=str(path))
    assert "profile_version: 1" in path.read_text(encoding="utf-8")
    upgrade_file(str(path), out=str(tmp_path / "new.yaml"))
    assert "profile_version: 1" in path.read_text(encoding="utf-8")
    assert "profile_version: 2" in (tmp_path / "new.yaml").read_text(encoding="utf-8")
    upgrade_file(str(path), in_place=True)
    assert "profile_version: 2" in path.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_the_command(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(main, ["upgrade", str(X70)])
    assert printed.exit_code == 0, printed.output
    assert "profile_version: 2" in printed.stdout
    assert "letter-1: contact_info_present: false" in printed.stderr
    several = runner.invoke(main, ["upgrade", str(X70), str(X70)])
    assert several.exit_code == 2 and "--in-place" in several.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("nmae: x\n", encoding="utf-8")
    refused = runner.invoke(main, ["upgrade", str(bad)])
    assert refused.exit_code == 2 and "unknown field 'nmae'" in refused.stderr
    helped = runner.invoke(main, ["upgrade", "--help"])
    assert "Examples:" in helped.output and "--in-place" in helped.output


def test_format_1_reads_a_letter_without_a_date_as_undated_and_upgrade_writes_null() -> None:
    data = {"verification_letters": [{"id": "l", "author_role": "hr", "hand_signed": True}]}
    assert "letter date (taken as undated)" in format_note(data)
    new = upgrade_text(json.dumps(data), "p.json").text
    assert json.loads(new)["verification_letters"][0]["letter_date"] is None


def test_a_job_that_gives_its_role_is_not_read_through_the_older_flag() -> None:
    """role_function replaces directly_assigns_codes: leaving the older flag out of such a job
    is not a field format 2 reads differently (no note, nothing unknown, nothing to upgrade)."""
    job = {"id": "job-1", "start_date": "2024-01-02", "code_sets": ["CPT"]}
    with_role = {"work_history": [{**job, "role_function": "reviews_audits"}]}
    without = {"work_history": [job]}
    assert not [o for o in omitted_flags(with_role) if o.field == "directly_assigns_codes"]
    assert [o.field for o in omitted_flags(without)] == ["directly_assigns_codes"]


def test_every_field_an_answer_may_name_has_words_of_its_own() -> None:
    """A field an answer may name as not known (a true/false field format 1 reads, a value left
    out, a date given to the month or year) is named in words the schema gives it, as the form
    asks for it, not by the name the file writes it under."""
    named = {
        *((where, name) for where, name, _ in format1_readings()),
        *LEFT_OUT,
        *FORMAT1_NONE,
        *date_fields(),
    }
    assert named  # else this tests nothing
    titled = {(where, name) for where, name, field in _schema_fields() if "title" in field}
    assert named <= titled, sorted(named - titled)
    for where, name in named:
        assert "_" not in field_words(where, name)
    assert field_words(("memberships", "[]"), "paid_through") == "paid-through date"
    assert field_words(("training", "[]"), "ahima_pcap_approved") == "PCAP-approved"


def test_a_record_without_an_id_is_named_as_a_person_counts_it() -> None:
    """Not by its place in the file ("verification_letters[0]"), but as the form calls one of
    its records, counted from 1."""
    letters = [{"id": "l-a", "author_role": "hr"}, {"author_role": "supervisor"}]
    note = format_note({"verification_letters": letters})
    assert "l-a and letter 2: " in note  # both left out the same fields: named together
    assert "verification_letters" not in note


def test_records_that_left_out_the_same_fields_are_named_together_once() -> None:
    """X12's note named each of nine cycles and four CEU records with the same words, and two
    records of one title twice over: records alike are now said once, together."""
    ceu = {"activity_title": "Webinars", "ceus": 2, "completion_date": "2024-01-01"}
    cycles = [
        {"start": f"20{y}-01-01", "end": f"20{y + 1}-12-31", "fee_paid": True}
        for y in (14, 16, 18, 20, 22)
    ]
    note = format_note(
        {"credentials": [{"id": "CCS", "recert_cycles": cycles}], "ceus": [ceu, dict(ceu)]}
    )
    assert note.count("requirements met in the body's records") == 1
    assert (
        "the CCS cycle 2014-01-01 to 2015-12-31, the CCS cycle 2016-01-01 to 2017-12-31 and 3 more records: "
        in note
    )
    assert note.count("AHIMA-sourced") == 1
    assert "CEU record 1 (Webinars) and CEU record 2 (Webinars): from an AAPC-approved" in note


def test_the_note_names_only_fields_the_answers_shown_can_read() -> None:
    # Hana's course leaves out its PCAP approval, which AHIMA's rules alone read: beside an AAPC
    # answer it cannot change anything, so the note (the first thing she reads) leaves it out
    profile = load_profile(PROFILES / "c09-hana-sato.yaml")
    assert any("course-1: PCAP-approved (taken as no)" in a for a in profile.assumed)
    aapc = check_profile(profile, ["CPC-A-removal"]).profile.assumed
    assert not any("older format" in a for a in aapc)
    for selectors in (["CCA-exam"], []):
        assumed = check_profile(profile, selectors).profile.assumed
        assert any("course-1: PCAP-approved (taken as no)" in a for a in assumed)
