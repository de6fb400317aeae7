"""The question model: built from the profile schema and the registry; answers <-> profiles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from eligibility.inputs import questions
from eligibility.inputs.profiles import load_profile, profile_from_data
from eligibility.inputs.questions import AnswerError, Group, Question, sections
from eligibility.inputs.validation import schema
from eligibility.rulebook.rules import load_rulebook
from tests.conftest import ROOT

FIXTURES = sorted((ROOT / "fixtures" / "profiles").glob("*.yaml"))


@pytest.fixture(scope="module")
def registry():
    return load_rulebook().registry


def by_path(groups: tuple[Group, ...]) -> dict[str, Question]:
    """Every question by its full path, records within records as ``group[].field``."""
    found: dict[str, Question] = {}

    def walk(group: Group, prefix: str) -> None:
        for item in group.items:
            if isinstance(item, Group):
                walk(item, f"{prefix}{item.path}[].")
            else:
                found[f"{prefix}{item.path}"] = item

    for group in groups:
        if group.path == "":
            walk(group, "")
        else:
            walk(group, f"{group.path}{'[]' if group.repeated else ''}.")
    return found


def schema_fields() -> dict[str, dict]:
    """Every leaf field of the profile schema by the same kind of path."""
    found: dict[str, dict] = {}

    def walk(node: dict, prefix: str) -> None:
        for name, field in node.get("properties", {}).items():
            items = field.get("items", {})
            if field.get("type") == "array" and "properties" in items:
                walk(items, f"{prefix}{name}[].")
            elif field.get("type") == "object":
                walk(field, f"{prefix}{name}.")
            else:
                found[f"{prefix}{name}"] = field

    walk(schema("profile"), "")
    return found


def test_every_schema_field_is_a_question_with_its_description_as_help() -> None:
    asked = by_path(sections())
    fields = schema_fields()
    assert set(asked) == set(fields)
    for path, field in fields.items():
        assert asked[path].help == field.get("description", ""), path


def test_a_field_the_schema_titles_is_asked_by_its_title() -> None:
    """The words an answer names a field by (``formatversion.field_words``) are the form's."""
    asked = by_path(sections())
    titled = {path: f["title"] for path, f in schema_fields().items() if "title" in f}
    assert titled  # else this tests nothing
    for path, title in titled.items():
        assert asked[path].title == title, path
    ceus = next(g for g in sections() if g.path == "ceus")
    assert ceus.item == schema("profile")["properties"]["ceus"]["items"]["title"]


def test_enums_are_the_choices_and_types_the_kinds() -> None:
    asked = by_path(sections())
    for path, field in schema_fields().items():
        question = asked[path]
        if "enum" in field:
            assert question.kind == "choice" and list(question.choices) == field["enum"], path
        elif "enum" in field.get("items", {}):
            assert question.kind == "choices", path
            assert list(question.choices) == field["items"]["enum"], path
        elif field.get("type") in ("boolean", "integer", "number"):
            assert question.kind == field["type"], path
    assert asked["work_history[].start_date"].partial
    assert not asked["as_of"].partial  # the evaluation date is a day
    assert asked["verification_letters[].letter_date"].nullable  # null: undated
    assert asked["training[].hours.value"].minimum == 0


def test_the_short_questionnaire_covers_the_sections_the_issue_names() -> None:
    groups = {group.path: group for group in sections()}
    named = "education training work_history verification_letters credentials memberships ceus"
    for name in named.split():
        assert any(q.core for q in groups[name].questions()), name
    core = {q.path for q in groups[""].questions() if q.core}
    assert "as_of" in core
    jobs = {q.path for q in groups["work_history"].questions() if q.core}
    assert {"start_date", "end_date", "hours_per_week", "role_function"} <= jobs
    courses = {q.path for q in groups["training"].questions() if q.core}
    assert {"hours.value", "hours.unit", "topics"} <= courses
    # a record's required fields are always asked
    for group in groups.values():
        for question in group.questions():
            assert question.core or not question.required, question.path


def test_credential_ids_are_suggested_from_the_registry(registry) -> None:
    asked = by_path(sections(registry))
    known = [info.id for info in registry.known()]
    for path in (
        "credentials[].id",
        "ceus[].applied_to_credential_id",
        "exam_applications[].credential_id",
    ):
        assert set(asked[path].suggestions) == set(known), path
        labels = dict(asked[path].labels)
        for info in registry.known():
            assert info.body in labels[info.id]
    assert by_path(sections())["credentials[].id"].suggestions == ()


def test_no_body_or_credential_is_named_in_the_code(registry) -> None:
    source = Path(questions.__file__).read_text(encoding="utf-8")
    texts = {
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    names = {info.id for info in registry.known()} | {info.body for info in registry.known()}
    assert not texts & names


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.stem)
def test_every_fixture_round_trips_through_answers(path: Path) -> None:
    data = dict(load_profile(path).data)
    data.setdefault("profile_version", 1)
    answers = questions.to_answers(data)
    assert questions.to_profile(answers) == data


def test_answers_as_typed_make_a_valid_profile() -> None:
    asked = by_path(sections())

    def typed(path: str, text: str):
        return asked[path].parse(text)

    answers = {
        "name": typed("name", "Pat Doe"),
        "as_of": typed("as_of", "2026-11-22"),
        "education.highest_level": typed("education.highest_level", "HS diploma"),
        "training": [
            {
                "program_type": typed("training[].program_type", "school certificate"),
                "completed": typed("training[].completed", "y"),
                "hours.value": typed("training[].hours.value", "80"),
                "hours.unit": typed("training[].hours.unit", "contact hours"),
                "topics": typed("training[].topics", "cpt_basic, icd_cm_basic"),
            }
        ],
        "work_history": [
            {
                "id": "job-1",
                "start_date": typed("work_history[].start_date", "2024-03"),
                "end_date": typed("work_history[].end_date", "none"),
                "role_function": typed("work_history[].role_function", "assigns codes"),
            }
        ],
    }
    profile = questions.to_profile(answers)
    assert profile["profile_version"] == 2  # "not sure" is a reading of its own
    assert profile["education"] == {"highest_level": "hs_diploma"}
    assert profile["training"][0]["hours"] == {"value": 80, "unit": "contact_hours"}
    assert profile["work_history"][0]["end_date"] is None
    profile_from_data(profile, "answers")  # valid
    assert questions.to_answers(profile) == {**answers, "profile_version": 2}


@pytest.mark.parametrize(
    ("path", "text", "problem"),
    [
        ("as_of", "2026-11", "YYYY-MM-DD"),
        ("as_of", "2026-02-30", "not a date"),
        ("work_history[].start_date", "March 2024", "YYYY-MM"),
        ("work_history[].hours_per_week", "many", "number"),
        ("work_history[].hours_per_week", "120", "at most 100"),
        ("memberships[].renewal_month", "2.5", "whole number"),
        ("memberships[].renewal_month", "Febuary", "a number from 1 to 12"),  # not "such as 40"
        ("training[].completed", "maybe", "yes or no"),
        ("memberships[].status", "activ", "not one of"),
        ("training[].topics", "cpt_basic, anatomy", "not one of"),
    ],
)
def test_a_wrong_answer_says_what_to_type(path: str, text: str, problem: str) -> None:
    with pytest.raises(AnswerError, match=problem):
        by_path(sections())[path].parse(text)


def test_a_month_may_be_answered_by_its_name() -> None:
    month = by_path(sections())["memberships[].renewal_month"]
    assert [month.parse(text) for text in ("March", "sep", "Dec.", "9")] == [3, 9, 12, 9]


def test_show_is_what_parse_reads_back() -> None:
    asked = by_path(sections())
    for path, value in (
        ("training[].completed", False),
        ("training[].topics", ["cpt_basic", "e_m"]),
        ("verification_letters[].letter_date", None),
        ("work_history[].hours_per_week", 32.5),
        ("memberships[].status", "current"),
    ):
        question = asked[path]
        assert question.parse(question.show(value)) == value


def test_a_date_written_otherwise_is_read_back_in_the_hint() -> None:
    """`init` said only "write the date as YYYY-MM-DD" to 12/06/2026, where `check` says
    which day it is either way round; "present" for a job's end said nothing of "none"."""
    end = Question("end_date", "End date", "", "date", nullable=True)
    with pytest.raises(AnswerError, match="'12/06/2026' is 2026-12-06 if the month comes first"):
        end.parse("12/06/2026")
    with pytest.raises(AnswerError, match="still going\\? type none"):
        end.parse("present")
    # where none means something else (an undated letter), it is not offered for "today"
    for field in ("start_date", "letter_date"):
        other = Question(field, "Date", "", "date", nullable=True)
        with pytest.raises(AnswerError) as refused:
            other.parse("today")
        assert "none" not in str(refused.value), field
