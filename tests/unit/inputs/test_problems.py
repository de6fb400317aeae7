"""Every problem of a profile at once: ordered, worded, with an example that fits and a
did-you-mean (issue 16 item 3). The command-line view is tests/acceptance/test_messages.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eligibility.errors import InputError, close_matches, fault
from eligibility.inputs.profiles import profile_from_data, profile_from_text
from eligibility.inputs.validation import problems, schema
from eligibility.inputs.yamlio import parse_text

RECORD = {  # the least each section's record needs to be valid
    "training": {},
    "work_history": {},
    "verification_letters": {"author_role": "supervisor"},
    "credentials": {"id": "CPC"},
    "memberships": {"organization": "AAPC"},
    "exam_applications": {},
    "ceus": {},
    "self_reviews": {"date": "2024-01-01"},
}


def _wrong(field: dict[str, Any]) -> Any:
    """A value of the wrong kind (or not among the choices) for ``field``."""
    if "enum" in field or "const" in field:
        return "not-a-value"
    if "anyOf" in field or field.get("format") == "date":
        return "2023-02-30"
    return {"string": [1, 2], "number": "many", "integer": "many", "boolean": "maybe"}.get(
        field.get("type"), 60
    )


def _fields() -> list[tuple[str | None, str, dict[str, Any]]]:
    """(section or None for the top level, field, its schema) of every field a profile's top
    level or its records have, from the schema itself."""
    found = []
    for name, top in schema("profile")["properties"].items():
        found.append((None, name, top))
        items = top.get("items", {})
        for field, sub in items.get("properties", {}).items():
            found.append((name, field, sub))
    return found


@pytest.mark.parametrize(
    ("section", "field", "wanted"), _fields(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_the_example_of_a_wrong_value_fits_in_its_place(section, field, wanted):
    """Whatever the field, the example of its message, put where the wrong value was, is valid
    there: the example shows the right shape, not a restatement of the schema."""
    record = {**RECORD.get(section or "", {}), field: _wrong(wanted)}
    data = {"name": "T", section: [record]} if section else {"name": "T", field: _wrong(wanted)}
    path = (section, 0, field) if section else (field,)
    found = [problem for problem in problems(data, "profile") if problem.path == path]
    assert len(found) == 1, found
    if found[0].example is None and "enum" in wanted:
        # a choice nothing written points to: no example (the first choice may be a wrong
        # answer to copy, "none" for highest_level); the fix lists the choices
        assert found[0].example is None and "use one of" in found[0].fix, found[0]
        return
    assert found[0].example, found[0]
    example = parse_text(found[0].example, "example")
    assert list(example) == [field], found[0].example
    (record if section else data)[field] = example[field]
    assert not [p for p in problems(data, "profile") if p.path[: len(path)] == path], data


def test_a_json_profile_lists_its_problems_in_the_order_they_are_written():
    text = json.dumps(
        {
            "name": "T",
            "credentials": [{"id": "CPC", "status": "Active"}],
            "work_history": [{"hours_per_week": "forty"}],
            "as_of": "2026-02-30",
        }
    )
    with pytest.raises(InputError) as raised:
        profile_from_text(text, "me.json")
    places = [error.place for error in raised.value.each]
    assert places == [
        "$.credentials[0].status",
        "$.work_history[0].hours_per_week",
        "$.as_of",
    ]


def test_one_error_stands_for_all_and_counts_them_for_a_reader_that_shows_one():
    """A batch's error row shows the first problem of a student (in line order) and how many
    more there are; a command-line check prints each."""
    data = {"name": 5, "as_of": "2026-02-30", "nickname": "T"}
    with pytest.raises(InputError) as raised:
        profile_from_data(data, "row 3")
    error = raised.value
    assert len(error.each) == 3
    assert error.place == error.each[0].place == "$.name"
    assert error.problem == error.each[0].problem + " (and 2 more problems)"
    assert all("more problem" not in each.problem for each in error.each)


def test_a_profile_the_schema_refuses_still_gets_the_checks_beyond_it_without_a_fault():
    """Sections and records of the wrong kind are the schema's to report; the dates and ids of
    the records that can be read are still checked."""
    data = {
        "work_history": "two jobs",
        "training": [5, {"completed": True, "completion_date": None, "hours": 60}],
        "credentials": [{"id": 5}, {"id": "CPC"}, {"id": "cpc "}],
        "verification_letters": [{"author_role": "hr", "covers_work_id": "job-1"}],
        "memberships": [{"organization": "AAPC", "start_date": "2024-05-01", "paid_through": "x"}],
    }
    with pytest.raises(InputError) as raised:
        profile_from_data(data, "me")
    said = {error.place: error.problem for error in raised.value.each}
    assert said["$.credentials[2].id"].startswith("the credential 'cpc ' is listed twice")
    assert said["$.training[1].completion_date"] == "a completed course has no completion date"
    assert said["$.verification_letters[0].covers_work_id"].startswith("no job has the id")
    assert "$.work_history" in said and "$.training[0]" in said and "$.credentials[0].id" in said
    assert "not a valid date" in said["$.memberships[0].paid_through"]


def test_a_value_differing_only_in_capitals_is_suggested_not_taken():
    """The schema is what editors and other programs check a profile by: a value the program
    took in another spelling would be an error in all of them."""
    found = problems({"credentials": [{"id": "CPC", "status": "ACTIVE"}]}, "profile")
    [problem] = found
    assert 'did you mean "active"?' in problem.problem
    assert problem.fix.startswith("write it exactly as listed (capitals matter)")


@pytest.mark.parametrize(
    ("word", "choices", "expected"),
    [
        ("Active", ["active", "inactive"], ["active"]),
        ("membership", ["memberships", "name"], ["memberships"]),
        ("ICD10", ["CPT", "ICD-10-CM", "ICD-10-PCS"], ["ICD-10-CM", "ICD-10-PCS"]),
        ("CPCA", ["CPC", "CPC-exam", "CPC-A-removal"], ["CPC-A-removal"]),
        ("hours_a_week", ["hours_per_week", "employer"], ["hours_per_week"]),
        ("HS", ["none", "hs_diploma", "ged"], ["hs_diploma"]),
        ("nickname", ["name", "as_of"], []),
    ],
)
def test_close_matches(word, choices, expected):
    assert close_matches(word, choices) == expected


def test_a_profile_with_one_problem_says_no_count():
    with pytest.raises(InputError) as raised:
        profile_from_text("name: T\nmembership: []\n", "me.yaml")
    assert raised.value.each == (raised.value,)
    assert raised.value.problem == "unknown field 'membership': did you mean 'memberships'?"
    assert raised.value.place == "line 2 ($.membership)"


def test_a_rule_the_engine_cannot_work_out_is_said_to_be_a_rule_s_not_the_profile_s() -> None:
    """A rule's arithmetic on a list fails in the JsonLogic engine for every profile; it was
    reported as "a fault of the program" of the profile, with no word of the rules."""
    import datalogic_py

    try:
        datalogic_py.apply('{"+": [{"var": "a"}, 1]}', '{"a": ["x"]}')
    except Exception as error:  # the engine's own error type, as a run meets it
        raised = error
    problem = fault("hana.yaml", raised)
    assert "a rule could not be worked out for this profile" in problem.problem
    assert "eligibility lint" in (problem.fix or "")
    assert "fault of the program" in fault("hana.yaml", KeyError("x")).problem


def test_two_specialties_under_one_id_are_not_called_one_credential_listed_twice():
    """Two PAHCS specialty credentials share one id (their names are unconfirmed): the holder
    of two was told to "keep one record per credential", as if both were one. The message now
    says why only one can be given and which to keep."""

    def specialty(name: str) -> dict:
        return {"id": "PAHCS-SPECIALTY", "specialty_name": name, "status": "active"}

    data = {"credentials": [{"id": "MCS"}, specialty("Cardiology"), specialty("Oncology")]}
    with pytest.raises(InputError) as raised:
        profile_from_data(data, "me")
    said = {error.place: (error.problem, error.fix) for error in raised.value.each}
    problem, fix = said["$.credentials[2].id"]
    assert "listed twice" not in problem and "'Oncology', beside 'Cardiology'" in problem
    assert "keep the one whose recertification you want checked" in fix
    data["credentials"][2]["specialty_name"] = "Cardiology"  # the same one twice
    with pytest.raises(InputError) as raised:
        profile_from_data(data, "me")
    assert raised.value.each[0].problem.startswith("the credential 'PAHCS-SPECIALTY' is listed")
