"""From nothing to an answer: `eligibility init` (a questionnaire), `eligibility template` (a
skeleton or a shipped worked example), and `check --help` examples that run anywhere."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from eligibility import questionnaire, resources
from eligibility.api import check_profile
from eligibility.cli import main
from eligibility.errors import InputError
from eligibility.inputs import questions
from eligibility.inputs.profiles import load_profile, profile_from_text
from eligibility.inputs.questions import to_answers, to_profile
from eligibility.inputs.rulesfiles import form_help
from eligibility.inputs.yamlio import parse_text
from eligibility.upgrade import upgrade_text
from tests.conftest import PROFILES, ROOT, RULES

MODELINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(?P<target>\S+)\s*")
# Three worked candidates that need different sections: a student with an unfinished course; an
# apprentice with a course, a job, its letter and a membership; a credential holder keeping it
# with recertification cycles and CEUs.
WALKED = ("c01-ana-torres", "c09-hana-sato", "c12-kevin-ortiz")


def run(*args: Any, input: str | None = None) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args], input=input)


def statuses(path: Path, rulebook) -> dict[str, str]:
    """Every check's status for the profile at ``path``, as `eligibility check` answers it."""
    report = check_profile(load_profile(path), rulebook=rulebook, dates=False)
    return {result.check_id: result.status for result in report.results}


def current_format(path: Path) -> dict[str, Any]:
    """The fixture's data in profile format 2 (what `init` writes), meaning kept."""
    text = upgrade_text(path.read_text(encoding="utf-8"), str(path)).text
    return parse_text(text, str(path))


def without_empty_lists(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The profile as the rules read it: a list left out means none."""
    return {key: value for key, value in profile.items() if value != []}


def dig(answers: Mapping[str, Any], where: tuple[str | int, ...]) -> Any:
    node: Any = answers
    for step in where:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else None
        else:
            node = node.get(step) if isinstance(node, Mapping) else None
    return node


def scripted(answers: Mapping[str, Any], asked: list | None = None):
    """An ``ask`` that types what gives ``answers``, as a person who has them at hand would."""

    def ask(prompt: questionnaire.Prompt) -> str:
        if asked is not None:
            asked.append(prompt)
        if prompt.kind == "add":
            return "y" if dig(answers, prompt.where) is not None else "n"
        record = dig(answers, prompt.where) or {}
        if prompt.kind == "more":
            return "y" if any(key in record for key in prompt.keys) else "n"
        if prompt.key not in record:
            return ""
        return prompt.question.show(record[prompt.key])

    return ask


# --- init ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", WALKED)
def test_init_with_a_worked_candidates_answers_gives_the_same_answers(
    name: str, tmp_path: Path, rulebook
) -> None:
    fixture = PROFILES / f"{name}.yaml"
    expected = current_format(fixture)
    answers = questionnaire.interview(scripted(to_answers(expected)), rulebook.registry)
    assert without_empty_lists(to_profile(answers)) == without_empty_lists(expected)
    out = tmp_path / "me.yaml"
    questionnaire.write_profile(out, questionnaire.profile_text(answers, out))
    assert load_profile(out).data == to_profile(answers)
    assert statuses(out, rulebook) == statuses(fixture, rulebook)


def test_a_candidate_with_nothing_to_record_answers_one_question_a_section(rulebook) -> None:
    asked: list = []
    answers = questionnaire.interview(scripted({}, asked), rulebook.registry)
    about = [p for p in asked if p.kind == "question" and p.where == () and "." not in p.key]
    sections = [p for p in asked if p not in about]
    # each other section of the short round once, then "anything else?"
    assert len(sections) == len(questions.CORE)
    assert {p.key for p in about} == {"name", "as_of"}
    assert to_profile(answers)["profile_version"] == 2


# Ana Torres (c01), typed as a person would: enter skips what she does not know or have.
ANA_TYPED = [
    "Ana Torres",  # name
    "2026-11-22",  # as of
    "HS diploma",  # highest level of education
    "2019-06-14",  # completed
    "n",  # more about education
    "y",  # a course?
    "Medical coding certificate",  # program name
    "Community college",  # provider
    "school certificate",  # program type
    "no",  # completed
    "none",  # completion date: in progress
    "120",  # hours
    "contact hours",  # unit
    "",  # topics: not listed
    "",  # proof
    "",  # proof states contact hours
    "y",  # more about this course
    "course-1",  # id
    "no",  # PCAP approved
    "no",  # an AAPC course
    "",  # start date
    "60",  # hours completed so far
    "",  # source documents
    "",  # verified
    "",  # note
    "n",  # another course?
    "n",  # a job?
    "n",  # a letter?
    "n",  # a credential?
    "y",  # a membership?
    "AAPC",  # organisation
    "student",  # type
    "2026-03-01",  # start
    "2027-02-28",  # paid through
    "2",  # renewal month
    "",  # status
    "n",  # more about it
    "n",  # another membership?
    "n",  # a CEU record?
    "y",  # more sections (Practicode, ...)?
    "",  # candidate id
    "no",  # Practicode completed
]


def test_init_typed_by_hand_gives_the_fixtures_answers(tmp_path: Path, rulebook) -> None:
    out = tmp_path / "ana.yaml"
    result = run("init", out, input="\n".join(ANA_TYPED) + "\n" + "\n" * 40)
    assert result.exit_code in (0, 1), result.output
    assert statuses(out, rulebook) == statuses(PROFILES / "c01-ana-torres.yaml", rulebook)
    # and the answer is shown at once
    assert "Ana Torres" in result.stdout
    assert "CPC" in result.stdout


def test_a_needed_answer_never_given_is_an_input_error(rulebook) -> None:
    def ask(prompt: questionnaire.Prompt) -> str:
        return "y" if prompt.kind == "add" else ""  # a course, and nothing about it

    told: list[str] = []
    with pytest.raises(InputError, match="Program type"):
        questionnaire.interview(ask, rulebook.registry, told.append)
    assert "Program type: an answer is needed for this course (one of " in told[0]


def test_a_wrong_answer_is_asked_again_with_what_to_type(rulebook) -> None:
    typed = iter(["Pat", "22/11/2026", "2026-11-22"])
    told: list[str] = []

    def ask(prompt: questionnaire.Prompt) -> str:
        return next(typed, "")

    answers = questionnaire.interview(ask, rulebook.registry, told.append)
    assert answers["as_of"] == "2026-11-22"
    assert any("YYYY-MM-DD" in line for line in told)


def test_choices_are_offered_in_words_and_read_as_typed(rulebook) -> None:
    # a candidate is shown "hs diploma", not the file's hs_diploma, and may type what is shown
    hints: dict[str, str] = {}

    def ask(prompt: questionnaire.Prompt) -> str:
        hints[prompt.key] = prompt.hint
        return {"name": "Pat", "education.highest_level": "hs diploma"}.get(prompt.key, "")

    answers = questionnaire.interview(ask, rulebook.registry)
    level = hints["education.highest_level"]
    assert "hs diploma" in level and "_" not in level
    assert answers["education.highest_level"] == "hs_diploma"


def test_a_question_of_a_one_record_section_names_it(rulebook) -> None:
    # Practicode's and the practicum's "Completed" were asked alike, one after the other
    asked: dict[str, str] = {}

    def ask(prompt: questionnaire.Prompt) -> str:
        asked[prompt.key] = prompt.text
        return "y" if prompt.kind == "more" else ""

    questionnaire.interview(ask, rulebook.registry)
    assert asked["practicode.completed"] == "Practicode: completed"
    assert asked["practicum.completed"] == "Practicum: completed"


def test_not_sure_leaves_a_field_out_in_format_2(rulebook) -> None:
    def ask(prompt: questionnaire.Prompt) -> str:
        if prompt.kind == "add":
            return "y" if prompt.where == ("work_history", 0) else "n"
        if prompt.key == "role_function":
            return "assigns codes"
        if prompt.key == "code_sets":
            return "not sure"
        return ""

    profile = to_profile(questionnaire.interview(ask, rulebook.registry))
    assert profile["profile_version"] == 2
    assert profile["work_history"] == [{"id": "job-1", "role_function": "assigns_codes"}]


def test_a_part_skipped_before_its_sibling_is_given_is_asked_again(rulebook) -> None:
    """Skipping a course's hours but giving their unit wrote a profile init could not read
    back ("missing required field 'value'"): the hours are asked again, as needed."""
    told: list[str] = []
    typed = {"hours.value": iter(["", "80"]), "hours.unit": iter(["contact hours"])}

    def ask(prompt: questionnaire.Prompt) -> str:
        if prompt.kind == "add":
            return "y" if prompt.where == ("training", 0) else "n"
        if prompt.kind == "more":
            return "y" if "hours.value" in prompt.keys else "n"
        given = {"program_type": "aapc_course", "completed": "y", "name": "Test Person"}
        if prompt.key in given:
            return given[prompt.key]
        return next(typed.get(prompt.key, iter([""])), "")

    answers = questionnaire.interview(ask, rulebook.registry, told.append)
    profile = to_profile(answers)
    assert profile["training"][0]["hours"] == {"value": 80, "unit": "contact_hours"}
    assert any("Hours value: an answer is needed" in line for line in told), told
    profile_from_text(questionnaire.profile_text(answers), "init.yaml")  # reads back


def test_a_questions_help_keeps_its_examples_whole(rulebook) -> None:
    """The help shown is the first sentence, not cut at an "e.g." inside it."""
    asked: list = []
    questionnaire.interview(scripted({"credentials": [{"id": "CPC"}]}, asked), rulebook.registry)
    notes = {p.key: p.note for p in asked if p.where[:1] == ("credentials",)}
    assert (
        notes["id"] == "Credential id as the body writes it, e.g. CPC, COC, CCA, CCS, CCS-P, RHIT."
    )
    assert not any(p.note.endswith(("e.g.", "i.e.")) for p in asked)


def test_a_required_yes_or_no_never_offers_enter(tmp_path: Path) -> None:
    """Enter does not skip a course's "completed": its hint does not say it does."""
    typed = ["Pat", "", "", "y", "Prep", "College", "school certificate", "maybe", "", "yes"]
    result = run("init", tmp_path / "me.yaml", input="\n".join(typed) + "\n" * 60)
    assert result.exit_code in (0, 1), result.output
    assert "Completed: answer yes or no (y/n)\n" in result.output
    assert "Completed: an answer is needed for this course (y/n)" in result.output
    said = [line for line in result.output.splitlines() if "Completed: " in line]
    assert said and not any("enter" in line or "not sure" in line for line in said)


def test_a_choice_written_in_plain_words_is_taken(tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    typed = ["Pat", "", "associat degre", "associate degree", "2020-05"]
    result = run("init", out, input="\n".join(typed) + "\n" * 60)
    assert result.exit_code in (0, 1), result.output
    assert "'associat degre' is not one of:" in result.output
    assert "did you mean 'associate'?" in result.output
    assert load_profile(out).data["education"] == {
        "highest_level": "associate",
        "completion_date": "2020-05",
    }
    level = questions.Question(
        "highest_level", "Highest level", "", "choice", choices=("hs_diploma", "associate", "ged")
    )
    assert level.parse("High school diploma") == "hs_diploma"
    assert level.parse("a GED") == "ged"
    with pytest.raises(questions.AnswerError, match="did you mean 'hs diploma'"):  # as shown
        level.parse("high school")


def test_a_wrong_yes_or_no_to_more_is_asked_again_kindly(rulebook) -> None:
    told: list[str] = []
    more: list[str] = []

    def ask(prompt: questionnaire.Prompt) -> str:
        if prompt.kind == "question":
            return {"highest_level": "hs diploma"}.get(prompt.key.split(".")[-1], "")
        if prompt.kind == "more" and prompt.where == ():
            more.append(prompt.text)
            return "maybe" if len(more) == 1 else ""
        return "n"

    questionnaire.interview(ask, rulebook.registry, told.append)
    assert more[0].startswith("More about your education") and more[1] == more[0]
    assert told == ["answer yes or no (y/n), or press enter for no"]


def test_init_shows_a_help_example_whole(tmp_path: Path) -> None:
    typed = ["Pat", "", "", "n", "n", "n", "y", "CPC"]  # no education, course, job, letter
    result = run("init", tmp_path / "me.yaml", input="\n".join(typed) + "\n" * 60)
    assert result.exit_code in (0, 1), result.output
    assert "(The credential as its body writes it, e.g. CPC, COC, CCA, CCS, CCS-P, RHIT.)" in (
        result.output
    )


def test_init_asks_a_wrong_yes_or_no_again_kindly(tmp_path: Path) -> None:
    typed = ["Pat", "", "hs diploma", "", "maybe", "n"]  # "maybe": more about education?
    result = run("init", tmp_path / "me.yaml", input="\n".join(typed) + "\n" * 60)
    assert result.exit_code in (0, 1), result.output
    assert "answer yes or no (y/n), or press enter for no" in result.output
    assert "invalid input" not in result.output


def test_a_letter_names_the_only_job_by_default(rulebook) -> None:
    def ask(prompt: questionnaire.Prompt) -> str:
        if prompt.kind == "add":
            return "y" if prompt.where[-1] == 0 and prompt.where[0] in WITH else "n"
        if prompt.kind == "question" and prompt.key == "id" and prompt.where[0] == "work_history":
            return "quickcare"
        return "supervisor" if prompt.key == "author_role" else ""

    WITH = ("work_history", "verification_letters")
    profile = to_profile(questionnaire.interview(ask, rulebook.registry))
    assert profile["verification_letters"][0]["covers_work_id"] == "quickcare"


def test_init_writes_a_commented_profile_naming_its_schema(tmp_path: Path, rulebook) -> None:
    out = tmp_path / "me.yaml"
    result = run("init", out, input="Pat Doe\n2026-11-22\n" + "\n" * 60)
    assert result.exit_code in (0, 1), result.output
    text = out.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    found = MODELINE.fullmatch(first)
    assert found, first
    # outside a checkout: the installed schema, by its absolute path
    assert Path(found["target"]) == resources.schema_file("profile")
    assert "# Name shown in reports." in text  # the schema's description as a comment
    assert profile_from_text(text, str(out)).data["name"] == "Pat Doe"


def test_inside_a_checkout_the_modeline_is_relative(rulebook) -> None:
    with tempfile.TemporaryDirectory(dir=ROOT) as folder:
        out = Path(folder) / "me.yaml"
        questionnaire.write_profile(out, questionnaire.profile_text({"name": "Pat"}, out))
        target = MODELINE.fullmatch(out.read_text(encoding="utf-8").splitlines()[0])["target"]
        assert not Path(target).is_absolute()
        assert (out.parent / target).resolve() == (ROOT / "schemas/profile.schema.json").resolve()


def test_init_never_writes_over_a_file_without_force(tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    out.write_text("name: Kept\n", encoding="utf-8")
    result = run("init", out, input="Pat\n" + "\n" * 60)
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "name: Kept\n"
    result = run("init", out, "--force", input="Pat\n" + "\n" * 60)
    assert result.exit_code in (0, 1), result.output
    assert "name: Pat" in out.read_text(encoding="utf-8")


# --- template ------------------------------------------------------------------------------

# a placeholder is a plain YAML scalar (no ": ", no " #"), so the unfilled template still parses
PLACEHOLDER = re.compile(r"<([^<>\n]*)>")


def filled(text: str) -> str:
    """The template with each placeholder replaced by a value of the kind it asks for."""

    def value(found: re.Match) -> str:
        hint = found[1]
        if hint.startswith("one of "):
            return hint.removeprefix("one of ").split(" | ")[0].strip()
        if hint.startswith("some of "):
            return "[" + hint.removeprefix("some of ").split(" | ")[0].strip() + "]"
        if "YYYY-MM-DD" in hint:
            return "2026-01-15"
        if "true or false" in hint:
            return "true"
        if "number" in hint:
            return "12"
        return f'"{hint} filled"'

    return PLACEHOLDER.sub(value, text)


def test_template_is_a_valid_profile_once_filled(tmp_path: Path) -> None:
    result = run("template")
    assert result.exit_code == 0, result.output
    assert PLACEHOLDER.search(result.stdout)
    parse_text(result.stdout, "template.yaml")  # unfilled, still YAML: check names each place
    assert MODELINE.fullmatch(result.stdout.splitlines()[0])
    profile = profile_from_text(filled(result.stdout), "template.yaml").data
    for section in ("education", "training", "work_history", "credentials", "memberships"):
        assert profile[section], section
    # to a file, never over one
    out = tmp_path / "blank.yaml"
    assert run("template", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# yaml-language-server")
    assert run("template", out).exit_code == 2
    assert run("template", "-").stdout == result.stdout  # "-": standard output


@pytest.mark.parametrize("name", resources.EXAMPLES)
def test_template_example_is_the_fixtures_data(name: str) -> None:
    result = run("template", "--example", name)
    assert result.exit_code == 0, result.output
    fixture = PROFILES / f"{name}.yaml"
    assert parse_text(result.stdout, name) == parse_text(fixture.read_text("utf-8"), name)
    assert "fixtures/" not in result.stdout
    # its first line names the schema from where it is printed (the current folder)
    target = MODELINE.fullmatch(result.stdout.splitlines()[0])["target"]
    assert (Path.cwd() / target).resolve() == resources.schema_file("profile").resolve()


def test_an_unknown_example_names_the_shipped_ones() -> None:
    result = run("template", "--example", "c99-nobody")
    assert result.exit_code == 2
    assert resources.EXAMPLES[0] in result.stderr
    helped = run("template", "--help").stdout
    assert all(name in helped for name in resources.EXAMPLES)


def test_the_examples_ship_in_the_package() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for name in resources.EXAMPLES:
        line = f'"fixtures/profiles/{name}.yaml" = "eligibility/_data/examples/{name}.yaml"'
        assert line in pyproject, name
        assert resources.example_file(name).is_file()


# --- check --help ---------------------------------------------------------------------------


def help_examples(command: str) -> list[str]:
    text = run(command, "--help").stdout
    block = text.split("Examples:", 1)[1]
    return [line.strip() for line in block.splitlines() if line.strip().startswith("eligibility")]


@pytest.mark.parametrize("command", ["check", "template"])
def test_help_examples_run_anywhere(command: str, tmp_path: Path) -> None:
    examples = help_examples(command)
    assert examples and not any("fixtures/" in line for line in examples)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    for line in examples:
        command = line.split("  #")[0]
        done = subprocess.run(
            command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode in (0, 1), f"{shlex.quote(command)}: {done.stderr}"


def test_init_stopped_at_a_prompt_is_interrupted_not_a_fault(tmp_path: Path) -> None:
    """No more answers (input closed, or Ctrl-C) stops init as Ctrl-C stops any command: exit
    130, 'interrupted', nothing written; never 'a fault of the program'."""
    target = tmp_path / "me.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "eligibility", "init", str(target)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 130, done.stderr
    assert "interrupted" in done.stderr and "fault" not in done.stderr
    assert not target.exists()


def test_a_needed_answer_not_known_can_leave_its_record_out(rulebook) -> None:
    """A candidate who could not say what kind of course she took got the question ten times,
    then nothing written; now she may leave that course out and go on."""
    told: list[str] = []
    offered: list[str] = []

    added: list[tuple] = []

    def ask(prompt: questionnaire.Prompt) -> str:
        if prompt.kind == "add":  # one course, one credential
            wanted = prompt.where in (("training", 0), ("credentials", 0))
            added.append(prompt.where)
            return "y" if wanted and added.count(prompt.where) == 1 else "n"
        if prompt.kind == "leave":
            offered.append(prompt.text)
            return "y" if prompt.where == ("training", 0) else "n"
        return {"name": "Pat", "id": "CPC"}.get(prompt.key, "?")

    profile = to_profile(questionnaire.interview(ask, rulebook.registry, told.append))
    assert offered[0] == "Not known? Leave this course out of the profile?"
    assert profile.get("training") == []
    assert [c["id"] for c in profile["credentials"]] == ["CPC"]
    assert "This course is left out; you can add it to the file later." in told


def test_init_leaves_out_a_course_whose_kind_is_not_known(tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    # a course with no name or provider, its kind not known: leave it out
    typed = ["Pat", "", "", "y", "", "", "?", "y"]
    result = run("init", out, input="\n".join(typed) + "\n" * 60)
    assert result.exit_code == 0, result.output
    assert "Leave this course out of the profile?" in result.output
    assert "training: []" in out.read_text()


@pytest.mark.parametrize(("typed", "kept"), [(["CSS", "CCS"], "CCS"), (["CSS", "CSS"], "CSS")])
def test_a_credential_probably_misspelt_is_asked_again(rulebook, typed, kept) -> None:
    """ "CSS" was taken as another body's credential, and every answer about her CCS changed;
    she is asked whether she meant the CCS, and typing it again keeps it as written."""
    told: list[str] = []
    answers = iter(typed)

    def ask(prompt: questionnaire.Prompt) -> str:
        if prompt.kind == "add":
            return "y" if prompt.where == ("credentials", 0) else "n"
        if prompt.key == "id":
            return next(answers)
        return {"name": "Pat"}.get(prompt.key, "")

    profile = to_profile(questionnaire.interview(ask, rulebook.registry, told.append))
    assert [c["id"] for c in profile["credentials"]] == [kept]
    assert any("did you mean 'CCS'?" in line for line in told), told


def test_questions_that_cannot_apply_are_not_asked(rulebook) -> None:
    """A CCS holder was asked whether it is an apprentice credential, the day of an extension
    she said she had not bought, and offered AAPC's ids first for her CEUs' credential."""
    asked: list[tuple] = []
    hints: dict[str, str] = {}
    adds: list[tuple] = []

    def ask(prompt: questionnaire.Prompt) -> str:
        asked.append((prompt.where, prompt.key))
        hints[prompt.key] = prompt.hint
        if prompt.kind == "add":
            adds.append(prompt.where)
            wanted = {("credentials", 0), ("credentials", 0, "recert_cycles", 0), ("ceus", 0)}
            return "y" if prompt.where in wanted and adds.count(prompt.where) == 1 else "n"
        if prompt.kind == "more":
            return "y" if prompt.where == ("credentials", 0, "recert_cycles", 0) else "n"
        given = {"name": "Lin", "id": "CCS", "start": "2024-01-01", "end": "2025-12-31"}
        given |= {"extension_purchased": "n", "ceus": "4", "activity_title": "Webinar"}
        return given.get(prompt.key, "")

    profile = to_profile(questionnaire.interview(ask, rulebook.registry))
    keys = [key for where, key in asked if where[:1] == ("credentials",)]
    assert "apprentice" not in keys and "extension_date" not in keys
    assert hints["applied_to_credential_id"].startswith("such as CCS")
    assert profile["ceus"][0]["applied_to_credential_id"] == "CCS"  # her only one, by default


def _yaml_words() -> re.Pattern:
    """What a file's writer reads and a person answering should not: YAML's values, a profile's
    field names and its coded choices (``assigns_codes``), a profile format, a catalogue id."""
    from eligibility.inputs.validation import schema

    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties":
                    names.update(name for name in value if "_" in name)
                if key == "enum":
                    names.update(str(v) for v in value if "_" in str(v))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema("profile"))
    words = [r"\bnull\b", r"\bomitted\b", r"\btrue\b", r"\bfalse\b", r"\bformat [12]\b"]
    words += [r"\bCONV-\d", r"\b[A-Z]+-[A-Z]+-\d"]
    return re.compile("|".join([*words, *(rf"\b{re.escape(n)}\b" for n in sorted(names))]))


def test_the_questions_speak_as_the_person_answering_them(rulebook) -> None:
    """The audit (LOW): init and the form's help said "Last day of the job; null or omitted while
    it continues", listed the choices as typed in the file ("assigns_codes (you choose ...)")
    and "false records work ..." beside a yes or no. Every question and section now speaks as
    the person answers; the schema keeps its descriptions for file writers."""
    yaml_words = _yaml_words()
    said = []

    def walk(group: questions.Group) -> None:
        if group.path:
            said.append((group.path, group.help))
        for item in group.items:
            if isinstance(item, questions.Group):
                walk(item)
            elif item.path != "profile_version":  # it asks for a profile format
                said.append((f"{group.path}.{item.path}", item.help))

    said_to_them = form_help(RULES)  # rules/form.yaml's help, as init and serve read it
    for group in questions.sections(rulebook.registry, said_to_them):
        walk(group)
    assert [(path, help) for path, help in said if yaml_words.search(help)] == []
    asked: list = []
    job = {"id": "job-1", "employer": "Clinic", "start_date": "2024-01-02", "end_date": None}
    questionnaire.interview(
        scripted({"work_history": [job]}, asked), rulebook.registry, asked=said_to_them
    )
    prompts = {p.key: p for p in asked if p.where[:1] == ("work_history",) and p.key}
    assert prompts["end_date"].note == "Last day of the job; none while you still work there."
    assert prompts["role_function"].note == "What you do with codes in this job."
    assert "Assigns codes: you choose the codes yourself" in prompts["role_function"].help
    from eligibility.inputs.validation import schema

    jobs = schema("profile")["properties"]["work_history"]["items"]["properties"]
    assert "null or omitted" in jobs["end_date"]["description"]  # the file's docs unchanged


def test_init_asks_in_the_words_of_the_person_answering(tmp_path: Path) -> None:
    typed = ["Pat", "", "", "n", "y", "job-1", "Clinic", "Coder", "employee", "2024-01-02"]
    result = run("init", tmp_path / "me.yaml", input="\n".join(typed) + "\n" * 60)
    assert result.exit_code in (0, 1), result.output
    assert "(Last day of the job; none while you still work there.)" in result.output
    assert "(What you do with codes in this job.)" in result.output
    assert "null or omitted" not in result.output and "assigns_codes (" not in result.output
