"""Bad input is one InputError naming the file, the place (line or JSON path) and the fix.

Profiles are broken by small text edits of a valid one; rule directories by copying the project's
rules/ and editing one file. No case may end in another exception (that would be a traceback).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from eligibility.cli import main
from eligibility.errors import InputError
from eligibility.inputs.profiles import load_profile
from eligibility.rulebook.rules import load_rulebook

RULES = Path(__file__).resolve().parents[3] / "rules"

VALID = """\
name: Test Person
as_of: 2026-11-22
training:
  - id: course-1
    program_type: school_certificate
    completed: true
    completion_date: 2024-08-30
work_history:
  - id: job-1
    employer: Clinic
    start_date: 2024-01-01
    end_date: 2025-01-01
    hours_per_week: 40
    directly_assigns_codes: true
    code_sets: [CPT]
verification_letters:
  - id: letter-1
    covers_work_id: job-1
    author_role: supervisor
"""

SECOND_JOB = """\
  - id: job-1
    start_date: 2025-02-01
    directly_assigns_codes: true
    code_sets: [CPT]
verification_letters:"""


def edited(text: str, *replacements: tuple[str, str]) -> str:
    """``text`` with each ``old`` (which must occur exactly once) replaced by ``new``."""
    for old, new in replacements:
        assert text.count(old) == 1, f"anchor {old!r} must occur once"
        text = text.replace(old, new)
    return text


def write_profile(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(edited(VALID, *replacements), encoding="utf-8")
    return path


def load_error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_profile(path)
    return caught.value


def assert_names_line(error: InputError, path: Path, needle: str) -> None:
    """The error names ``path`` and a line of it, and that line shows ``needle``."""
    assert str(path) in str(error)
    assert error.fix
    match = re.match(r"line (\d+)", error.place or "")
    assert match, f"no line in place {error.place!r}"
    line = path.read_text(encoding="utf-8").splitlines()[int(match.group(1)) - 1]
    assert needle in line, f"line {match.group(1)} is {line!r}, expected it to show {needle!r}"


def case(id_, replacement, json_path, problem, needle):
    return pytest.param(replacement, json_path, problem, needle, id=id_)


@pytest.mark.parametrize(
    ("replacement", "json_path", "problem", "needle"),
    [
        # id, (old, new), JSON path in the place (None: a syntax error), problem, text on that line
        case(
            "bad-indentation",
            ("    employer: Clinic", "   employer: Clinic"),
            None,
            "not valid YAML",
            "employer: Clinic",
        ),
        # YAML notices an unclosed bracket on the next line; the message names the bracket's line
        case(
            "unclosed-bracket",
            ("code_sets: [CPT]", "code_sets: [CPT"),
            None,
            "not valid YAML: the '[' on line 15 is not closed (a ']' is missing)",
            "verification_letters:",
        ),
        case(
            "wrong-type",
            ("hours_per_week: 40", "hours_per_week: forty"),
            "$.work_history[0].hours_per_week",
            'hours_per_week must be a number, not the text "forty"',
            "forty",
        ),
        case(
            "impossible-date",
            ("as_of: 2026-11-22", "as_of: 2023-02-30"),
            "$.as_of",
            "'2023-02-30' is not a valid date",
            "2023-02-30",
        ),
        case(
            "impossible-date-quoted",
            ("as_of: 2026-11-22", "as_of: '2023-02-30'"),
            "$.as_of",
            "'2023-02-30' is not a valid date",
            "2023-02-30",
        ),
        case(
            "impossible-nullable-date",
            ("completion_date: 2024-08-30", "completion_date: 2023-02-30"),
            "$.training[0].completion_date",
            "'2023-02-30' is not a valid date",
            "2023-02-30",
        ),
        case(
            "end-before-start",
            ("end_date: 2025-01-01", "end_date: 2023-01-01"),
            "$.work_history[0].end_date",
            "end_date 2023-01-01 is before start_date 2024-01-01",
            "end_date",
        ),
        case(
            "letter-for-missing-job",
            ("covers_work_id: job-1", "covers_work_id: job-9"),
            "$.verification_letters[0].covers_work_id",
            "no job has the id 'job-9'",
            "job-9",
        ),
        case(
            "duplicate-job-id",
            ("verification_letters:", SECOND_JOB),
            "$.work_history[1].id",
            "the id 'job-1' is used twice in work_history",
            "job-1",
        ),
        case(
            "unknown-top-level-field",
            ("as_of: 2026-11-22", "as_of: 2026-11-22\nnickname: T"),
            "$.nickname",
            "unknown field 'nickname'",
            "nickname",
        ),
        case(
            "unknown-nested-field",
            ("employer: Clinic", "employer_name: Clinic"),
            "$.work_history[0].employer_name",
            "unknown field 'employer_name'",
            "employer_name",
        ),
    ],
)
def test_broken_profile_names_file_line_path_and_fix(
    tmp_path, replacement, json_path, problem, needle
):
    path = write_profile(tmp_path, replacement)
    error = load_error(path)
    assert problem in error.problem
    assert_names_line(error, path, needle)
    if json_path:
        assert f"({json_path})" in error.place


@pytest.mark.parametrize(
    ("replacement", "field", "allowed"),
    [
        (("as_of: 2026-11-22", "as_of: 2026-11-22\nnickname: T"), "nickname", "work_history"),
        (("employer: Clinic", "employer_name: Clinic"), "employer_name", "employer"),
    ],
    ids=["top-level", "nested"],
)
def test_unknown_field_names_it_and_lists_the_allowed_ones(tmp_path, replacement, field, allowed):
    error = load_error(write_profile(tmp_path, replacement))
    assert error.problem.startswith(f"unknown field '{field}'")
    assert re.match(r"line \d+ \(\$", error.place)
    assert "remove it" in error.fix
    assert allowed in error.fix.split(": ")[-1].split(", ")
    assert field not in error.fix


@pytest.mark.parametrize(
    ("name", "content", "place", "problem"),
    [
        ("list.yaml", "- name: X\n", None, "a profile must be a mapping"),
        ("empty.yaml", "", None, "a profile must be a mapping"),
        ("broken.json", '{\n  "name": "X",\n}\n', "line 3, column 1", "not valid JSON"),
        (
            "latin1.yaml",
            "name: Jos\xe9\n".encode("latin-1"),
            "line 1",
            "a character after 'name: Jos' is not UTF-8 text",
        ),
        # a document given in place of a profile: no save-as advice makes it one
        ("letter.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", None, "this is a PDF document"),
        ("letter.docx", b"PK\x03\x04\x14\x00\x06\x00", None, "a Word, Excel or other Office"),
        ("missing.yaml", None, None, "file not found"),
        ("folder.yaml", "DIR", None, "is a directory"),
        ("two.yaml", "name: A\n---\nname: B\n", "line 2, column 1", "another document"),
    ],
)
def test_unreadable_or_unparsable_file(tmp_path, name, content, place, problem):
    """Whole-file problems: the file (and the place, where there is one) plus a fix."""
    path = tmp_path / name
    if content == "DIR":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    error = load_error(path)
    assert error.file == str(path)
    assert error.place == place
    assert problem in error.problem
    assert error.fix
    assert str(error).startswith(f"{path}: {place}: " if place else f"{path}: ")


def test_unquoted_dates_load_as_text(tmp_path):
    data = load_profile(write_profile(tmp_path)).data
    dates = [
        data["as_of"],
        data["work_history"][0]["start_date"],
        data["training"][0]["completion_date"],
    ]
    assert dates == ["2026-11-22", "2024-01-01", "2024-08-30"]
    assert all(type(d) is str for d in dates)


def test_repeated_key_is_an_error(tmp_path):
    path = write_profile(tmp_path, ("as_of: 2026-11-22", "as_of: 2026-11-22\nas_of: 2020-01-01"))
    assert_names_line(load_error(path), path, "as_of: 2020-01-01")


def test_unknown_keys_of_mixed_types(tmp_path):
    path = write_profile(tmp_path, ("name: Test Person", "name: Test Person\n2019: x\nnick: y"))
    assert "unknown field" in load_error(path).problem


def broken_rules(tmp_path: Path, file: str, *replacements: tuple[str, str]) -> tuple[str, Path]:
    """A copy of rules/ with ``replacements`` applied to ``file``: (directory, broken file)."""
    directory = tmp_path / "rules"
    shutil.copytree(RULES, directory)
    path = directory / file
    path.write_text(edited(path.read_text(encoding="utf-8"), *replacements), encoding="utf-8")
    return str(directory), path


CCS_OVERLAP = ("until: 2015-09-30", "until: 2016-09-30")
BOTH_PREFERRED = (
    CCS_OVERLAP,
    ("    confidence: H\n", "    preferred: true\n    confidence: H\n"),
    ("    confidence: M\n", "    preferred: true\n    confidence: M\n"),
)


@pytest.mark.parametrize(
    ("file", "replacements", "problem", "needle"),
    [
        pytest.param(
            "ahima/cca.yaml",
            [("{var: education.hs_or_equivalent}", "{var: education.hs_or_equivalnt}")],
            "reads unknown fact 'education.hs_or_equivalnt'",
            "hs_or_equivalnt",
            id="unknown-fact",
        ),
        pytest.param(
            "ahima/cca.yaml",
            [("{var: training.pcap_completed}", "{frobnicate: [1]}")],
            "unknown operator `frobnicate`",
            "frobnicate",
            id="unknown-operator",
        ),
        pytest.param(
            "ahima/cca.yaml",
            [
                (
                    "part_time_counting, cca_icd_procedural]",
                    "part_time_counting, cca_icd_procedural, no_such_policy]",
                )
            ],
            "unknown policy 'no_such_policy'",
            "no_such_policy",
            id="unknown-policy",
        ),
        pytest.param(
            "aapc/cpc-coc.yaml",
            [("part_time_counting, vague_duration_statement]", "vague_duration_statement]")],
            "reads 'experience.aapc_months', which depends on policy 'part_time_counting'",
            "experience.aapc_months",
            id="fact-needs-policy",
        ),
        pytest.param(
            "ahima/ccs.yaml",
            [CCS_OVERLAP],
            "versions CCS-CUR and CCS-LEG are both in force",
            "in_force:",  # of the version that began first: the one to end
            id="overlap-neither-preferred",
        ),
        pytest.param(
            "ahima/ccs.yaml",
            BOTH_PREFERRED,
            "versions CCS-CUR and CCS-LEG are both in force",
            "in_force:",  # of the version that began first: the one to end
            id="overlap-both-preferred",
        ),
        pytest.param(
            "ahima/cca.yaml",
            [("      - id: CCA-exam\n", "      - id: CCA-exam\n        aliases: [ccs-exam]\n")],
            "alias 'ccs-exam' of CCA-exam also names the check CCS-exam",
            "aliases: [ccs-exam]",
            id="alias-names-another-check",
        ),
        pytest.param(
            "ahima/cca.yaml",
            [("      - id: CCA-exam\n", "      - id: CCA-exam\n        aliases: [CCS]\n")],
            "alias 'CCS' of CCA-exam also names a credential",
            "aliases: [CCS]",
            id="alias-names-a-credential",
        ),
        pytest.param(
            "ahima/cca.yaml",
            [
                (
                    "      - id: CCA-exam\n",
                    "      - id: CCA-exam\n        aliases:\n          - CCA-EXAM2\n          - ccs-exam\n",
                )
            ],
            "alias 'ccs-exam' of CCA-exam also names the check CCS-exam",
            "- ccs-exam",
            id="alias-in-a-block-list",
        ),
        pytest.param(
            "ahima/cca.yaml",
            [("id: rec-pcap", "id: rec-experience")],
            "condition id 'rec-experience' is used twice",
            "rec-experience",
            id="duplicate-condition-id",
        ),
        pytest.param(
            "ahima/cca.yaml",
            [("        question: May you sit for the CCA exam?\n", "")],
            "missing required field 'question'",
            "CCA-exam",
            id="schema-violation",
        ),
        pytest.param(
            "ahima/ccs.yaml",
            [("until: 2015-09-30", "until: 2015-09-31")],
            "'2015-09-31' is not a valid date",
            "2015-09-31",
            id="impossible-date",
        ),
        # a maintainer's YAML slips, as the audit met them: the parser's words named neither
        # the alias nor the fix
        pytest.param(
            "ahima/ccs-p.yaml",
            [("{<<: *months-12, id: rec-c-experience}", "{<<: *months-12b, id: rec-c-experience}")],
            "the alias *months-12b is not defined (defined here: ccs-topics, takes-topics,"
            " takes-icd-course, months-12, placements, takes-job, months-24, holds-cca,"
            " takes-exam): did you mean *months-12?",
            "*months-12b",
            id="undefined-alias",
        ),
        pytest.param(
            "ahima/ccs-p.yaml",
            [
                (
                    '                      logic: {">=": [{var: experience.ahima_months}, 12]}',
                    '                    logic: {">=": [{var: experience.ahima_months}, 12]}',
                )
            ],
            "'logic:' on line 106 is indented as far as the '-' of the list above it but does not"
            " begin with '- '",
            "logic:",
            id="dedented-logic",
        ),
        pytest.param(
            "ahima/ccs-p.yaml",
            [
                (
                    "text: 12 months of coding experience directly applying codes",
                    "text: Option 1: 18 months",
                )
            ],
            "a text holding ': ' must be quoted",
            "Option 1: 18 months",
            id="text-holding-colon",
        ),
    ],
)
def test_broken_rule_file_names_file_line_and_fix(tmp_path, file, replacements, problem, needle):
    directory, path = broken_rules(tmp_path, file, *replacements)
    with pytest.raises(InputError) as caught:
        load_rulebook(directory)
    assert caught.value.file == str(path)
    assert problem in caught.value.problem
    assert_names_line(caught.value, path, needle)


def test_both_preferred_overlap_says_only_one_may_be_preferred(tmp_path):
    directory, _ = broken_rules(tmp_path, "ahima/ccs.yaml", *BOTH_PREFERRED)
    with pytest.raises(InputError) as caught:
        load_rulebook(directory)
    assert "preferred" in caught.value.problem


@pytest.mark.parametrize(
    ("file", "replacement"),
    [
        ("policies.yaml", ("    default: calendar\n", "")),
        ("credentials.yaml", ("credentials:\n", "creds:\n")),
    ],
)
def test_broken_reference_file_is_an_input_error(tmp_path, file, replacement):
    directory, path = broken_rules(tmp_path, file, replacement)
    with pytest.raises(InputError) as caught:
        load_rulebook(directory)
    assert caught.value.file == str(path)


def _laughs(levels: int) -> str:
    """A YAML 'billion laughs': each level's list holds the one before ten times."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name: Ann\nwork_history: &jobs [*jobs]\n", "would contain itself"),
        ("name: Ann\nnote: &n {more: *n}\n", "would contain itself"),  # PyYAML's refusal
        (_laughs(9), "expand to more than 1,000,000 values"),
    ],
    ids=["list holding itself", "mapping holding itself", "billion laughs"],
)
def test_aliases_that_never_end_are_refused_at_once(tmp_path, text, problem):
    """Each later step walks the data as written out: such a file would hang the check."""
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_profile(path)
    assert raised.value.file == str(path) and problem in raised.value.problem
    assert "alias" in raised.value.fix


@pytest.mark.parametrize("text", ["5 # *not an alias\n", "'2 * 3'\n", "~ # *\n"])
def test_a_lone_value_with_a_star_is_the_usual_error(tmp_path, text):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="a profile must be a mapping"):
        load_profile(path)


def test_aliases_that_end_are_still_fine(tmp_path):
    """An alias may repeat a value (shared, not copied): a few levels of it are read as usual."""
    path = tmp_path / "p.yaml"
    second = "  - id: job-2\n    start_date: 2025-02-01\n    directly_assigns_codes: true\n"
    text = edited(
        VALID,
        ("code_sets: [CPT]", "code_sets: &sets [CPT]"),
        ("verification_letters:", second + "    code_sets: *sets\nverification_letters:"),
    )
    path.write_text(text, encoding="utf-8")
    profile = load_profile(path)
    jobs = profile.data["work_history"]
    assert [job["code_sets"] for job in jobs] == [["CPT"], ["CPT"]]


@pytest.mark.parametrize(
    ("replacements", "more"),
    [
        ((("as_of: 2026-11-22", "as_of: 2024-1-5"),), ""),  # pattern and format: one problem
        (
            (("as_of: 2026-11-22", "as_of: 2024-1-5"), ("hours_per_week: 40", "hours_per_week: x")),
            " (and 1 more problem)",
        ),
    ],
    ids=["one-place", "two-places"],
)
def test_more_problems_counts_other_places_not_other_keywords(tmp_path, replacements, more):
    error = load_error(write_profile(tmp_path, *replacements))
    assert error.problem.endswith("is not a valid date" + more)
    assert ("more problem" in error.problem) == bool(more)
    assert len(error.each) == (2 if more else 1)


@pytest.mark.parametrize(
    ("replacement", "problem"),
    [
        (
            ("name: Test Person", "name: 00123"),
            "name must be text, but YAML read it as the number 83",
        ),
        (("name: Test Person", "name: No"), "name must be text, but YAML read it as false"),
    ],
)
def test_text_that_yaml_read_as_a_number_or_boolean_says_to_quote_it(
    tmp_path, replacement, problem
):
    error = load_error(write_profile(tmp_path, replacement))
    assert error.problem == problem
    assert error.fix is not None and error.fix.startswith("put the value in quotes")


def test_a_recertification_cycle_ending_before_it_starts_is_an_error(tmp_path):
    cycle = "\n    recert_cycles:\n      - {start: 2024-10-01, end: 2022-09-30, fee_paid: true}\n"
    path = tmp_path / "p.yaml"
    path.write_text(
        "name: T\nas_of: 2026-11-22\ncredentials:\n  - id: CCS\n    status: active" + cycle,
        encoding="utf-8",
    )
    error = load_error(path)
    assert error.place == "line 7 ($.credentials[0].recert_cycles[0].end)"
    assert error.problem == "end 2022-09-30 is before start 2024-10-01"


@pytest.mark.parametrize("content", ["DIR", "name: A\n---\nname: B\n"], ids=["folder", "stream"])
def test_check_given_several_profiles_at_once_points_to_batch(tmp_path, content):
    """A folder gave click's "File 'p' is a directory." with no fix, and a file of two
    documents "check indentation, colons and quotes": both are a cohort, which batch reads."""
    path = tmp_path / "cohort.yaml"
    if content == "DIR":
        path.mkdir()
    else:
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: ")
    assert "'eligibility batch " in result.stderr


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("high school", "hs_diploma"),
        ("High School Diploma", "hs_diploma"),
        ("Associate's", "associate"),
    ],
)
def test_a_choice_written_in_plain_words_is_suggested_with_its_example(tmp_path, written, meant):
    path = write_profile(
        tmp_path,
        ("as_of: 2026-11-22", f"as_of: 2026-11-22\neducation:\n  highest_level: {written}"),
    )
    error = load_error(path)
    assert f'did you mean "{meant}"?' in error.problem
    assert error.example == f"highest_level: {meant}"


def test_no_example_is_given_where_no_choice_is_likely(tmp_path):
    """The first choice ("none") would be a wrong answer to copy: no example then."""
    path = write_profile(
        tmp_path,
        ("as_of: 2026-11-22", "as_of: 2026-11-22\neducation:\n  highest_level: kindergarten"),
    )
    error = load_error(path)
    assert "did you mean" not in error.problem
    assert error.example is None


def test_a_placeholder_left_from_the_template_is_named_so(tmp_path: Path) -> None:
    """35 errors such as 'hand_signed must be true or false, not the text "<true or false>"'
    for a template with unused records left in: none said the value was never filled in."""
    path = tmp_path / "me.yaml"
    result = CliRunner().invoke(main, ["template", str(path)])
    assert result.exit_code == 0, result.output
    with pytest.raises(InputError) as refused:
        load_profile(str(path))
    problems = [str(problem) for problem in refused.value.each]
    assert problems and all("still the template's placeholder" in p for p in problems), problems
    assert all("delete the line" in p for p in problems)


def test_a_rule_text_holding_a_colon_gets_its_line_quoted_as_the_fix(tmp_path):
    replaced = (
        "text: 12 months of coding experience directly applying codes",
        "text: Option 1: 18 months",
    )
    directory, _ = broken_rules(tmp_path, "ahima/ccs-p.yaml", replaced)
    with pytest.raises(InputError) as caught:
        load_rulebook(directory)
    assert caught.value.fix == 'put the whole text in quotes: text: "Option 1: 18 months"'


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("name: <name>\n", "$.name"),
        ("work_history:\n  - {employer: <employer>, start_date: 2024-01-01}\n", "$.work_history[0].employer"),
        ("credentials:\n  - {id: <ID such as CPC or COC>}\n", "$.credentials[0].id"),
    ],
)  # fmt: skip
def test_a_text_placeholder_left_from_the_template_is_refused(tmp_path, text, field) -> None:
    """A name, an employer or a credential left as the template's "<...>" was taken as given:
    answers addressed to "<name>", a job "at <employer>", an unknown credential "<ID such as CPC
    or COC>" counting toward nothing. It is refused as unfilled, as a placeholder in a field
    that takes a date or a number is."""
    path = tmp_path / "me.yaml"
    path.write_text("candidate_id: T1\n" + text, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_profile(str(path))
    (problem,) = refused.value.each
    assert problem.place.endswith(f"({field})"), problem
    assert "still the template's placeholder" in problem.problem
    # an id has a real example; a text's would be "name: '...'", which shows nothing more
    assert problem.example == ("id: CPC" if field.endswith(".id") else None), problem.example
