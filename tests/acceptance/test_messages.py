"""Messages a person can act on (issue 16, item 3): every problem of a profile in one run, in line
order, each with an example of the right shape; did-you-mean for fields, values and ``--cert``.

Each test is one friction point of the issue, run through the command line as a candidate would.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from eligibility.cli import main
from tests.conftest import PROFILES

C09 = PROFILES / "c09-hana-sato.yaml"

# one problem on each numbered line: the schema finds those on lines 4, 10, 13 (the letter has
# no author_role) and 15, only the checks beyond it those on lines 9 and 14
SEVERAL = """\
name: Sam Example
as_of: 2026-11-22
education:
  highest_level: high_school
work_history:
  - id: job-1
    employer: Northside Clinic
    start_date: 2024-03-01
    end_date: 2023-02-01
    hours_a_week: 40
    code_sets: [CPT]
verification_letters:
  - id: letter-1
    covers_work_id: job-2
    letter_date: 2024-02-30
"""
SEVERAL_LINES = [4, 9, 10, 13, 14, 15]

MESSAGE = re.compile(
    r"^error: (?P<file>\S+): line (?P<line>\d+) \((?P<path>\$[^)]*)\): (?P<text>.+)$"
)


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def check(tmp_path: Path, text: str) -> Result:
    path = tmp_path / "me.yaml"
    path.write_text(text, encoding="utf-8")
    return run("check", path, "--cert", "CPC-exam")


def messages(result: Result) -> list[tuple[re.Match[str], list[str]]]:
    """Each ``error:`` message of standard error with the lines that follow it."""
    found: list[tuple[re.Match[str], list[str]]] = []
    for line in result.stderr.splitlines():
        match = MESSAGE.match(line)
        if match:
            found.append((match, []))
        else:
            assert found, f"a line before any message: {line!r}"
            found[-1][1].append(line)
    return found


def example_of(rest: list[str]) -> str:
    """The YAML example under a message's ``example:`` line."""
    start = rest.index("  example:") + 1
    block = []
    for line in rest[start:]:
        if not line.startswith("    "):
            break
        block.append(line)
    return textwrap.dedent("\n".join(block)) + "\n"


def test_every_problem_of_a_profile_in_one_run_in_line_order(tmp_path):
    result = check(tmp_path, SEVERAL)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    found = messages(result)
    assert [int(match["line"]) for match, _ in found] == SEVERAL_LINES
    for match, rest in found:
        assert match["file"] == str(tmp_path / "me.yaml")
        assert any(line.startswith("  fix: ") for line in rest), rest
        assert "  example:" in rest, (match["text"], rest)


def test_a_number_where_a_group_of_fields_is_wanted_says_which_fields_with_an_example(tmp_path):
    """``hours: 60`` once got "60 is a number, expected object" and the schema's description."""
    text = (PROFILES / "c09-hana-sato.yaml").read_text(encoding="utf-8")
    hours = re.search(r"(?m)^( +)hours:\n(\1 +.*\n)+", text)
    assert hours, "c09 states a course's hours"
    indent = hours.group(1)
    broken = text[: hours.start()] + f"{indent}hours: 60\n" + text[hours.end() :]
    result = check(tmp_path, broken)
    assert result.exit_code == 2, result.output
    [(match, rest)] = messages(result)
    assert match["path"].endswith(".hours")
    assert "expected" not in result.stderr
    assert "value" in match["text"] and "unit" in match["text"]
    example = example_of(rest)
    # the example, put in place of the wrong line, makes the profile valid
    fixed = broken.replace(f"{indent}hours: 60\n", textwrap.indent(example, indent))
    assert check(tmp_path, fixed).exit_code in (0, 1), fixed


def _replaced(old: str, new: str) -> str:
    text = C09.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_a_misspelt_field_gets_a_did_you_mean(tmp_path):
    text = C09.read_text(encoding="utf-8")
    assert "\nmemberships:" in text
    result = check(tmp_path, text.replace("\nmemberships:", "\nmembership:"))
    assert result.exit_code == 2
    [(match, rest)] = messages(result)
    assert "'membership'" in match["text"]
    assert "did you mean 'memberships'" in match["text"]
    assert yaml.safe_load(example_of(rest)).keys() == {"memberships"}


def test_a_value_in_the_wrong_case_gets_a_did_you_mean(tmp_path):
    result = check(tmp_path, _replaced("    status: active\n", "    status: Active\n"))
    assert result.exit_code == 2
    [(match, rest)] = messages(result)
    assert 'did you mean "active"' in match["text"]
    assert yaml.safe_load(example_of(rest)) == {"status": "active"}


def test_a_code_set_written_another_way_gets_the_schemas_spelling(tmp_path):
    text = C09.read_text(encoding="utf-8")
    sets = re.search(r"code_sets: \[([^\]]*)\]", text)
    assert sets and "ICD-10-CM" in sets.group(1)
    result = check(tmp_path, text.replace(sets.group(0), "code_sets: [CPT, ICD10]", 1))
    assert result.exit_code == 2
    [(match, rest)] = messages(result)
    assert '"ICD10"' in match["text"]
    assert 'did you mean "ICD-10-CM" or "ICD-10-PCS"?' in match["text"]
    # two equally near: no example, which would pick one for the candidate
    assert "  example:" not in rest and any("use one of" in line for line in rest)


def test_a_cert_id_without_its_hyphens_gets_the_check_it_names():
    result = run("check", C09, "--cert", "CPCA")
    assert result.exit_code == 2
    assert "did you mean CPC-A-removal" in result.stderr


def test_every_check_id_written_without_hyphens_is_suggested_back():
    """Suggestions come from the rule book's registry: whatever checks it has."""
    rows = json.loads(run("list", "--format", "json").stdout)["credentials"]
    ids = {check for row in rows for check in row["checks"]}
    assert ids
    for check_id in ids:
        squashed = check_id.replace("-", "")
        if squashed.upper() in {i.upper() for i in ids}:
            continue
        result = run("check", C09, "--cert", squashed)
        assert result.exit_code == 2, check_id
        said = re.search(r"did you mean ([^?]*)\?", result.stderr)
        assert said and check_id in re.split(r", | or ", said.group(1)), (check_id, result.stderr)


JOB_START = "    start_date: 2025-09-01\n"  # c09's job, on line 43
JOB_START_LINE = 43


def _one_message(result: Result) -> tuple[re.Match[str], list[str]]:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    [(match, rest)] = messages(result)
    return match, rest


def _fix_of(rest: list[str]) -> str:
    return next(line for line in rest if line.startswith("  fix: "))


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("2025-9", "2025-09"),  # a month: shown as one, with no day it did not say
        ("September 2025", "2025-09"),
        ("Sept 2025", "2025-09"),
        ("early September 2025", "2025-09"),
        ("2025", '"2025"'),  # a year YAML read as a number: quoted
        ("09/15/2025", "2025-09-15"),  # month first: 15 cannot be a month
        ("15/09/2025", "2025-09-15"),  # day first
        ("September 15, 2025", "2025-09-15"),
        ("2025/9/15", "2025-09-15"),
    ],
)
def test_a_date_written_another_way_gets_itself_as_the_example(tmp_path, written, meant):
    """``start_date: 2024-3`` once got the example ``2024-03-01`` (a day it never said, and
    months counted from it) and ``03/15/2024`` an unrelated ``2024-12-31``."""
    broken = _replaced(JOB_START, f"    start_date: {written}\n")
    match, rest = _one_message(check(tmp_path, broken))
    assert match["path"] == "$.work_history[0].start_date"
    assert int(match["line"]) == JOB_START_LINE
    assert match["file"] == str(tmp_path / "me.yaml")
    example = example_of(rest)
    assert example == f"start_date: {meant}\n"
    # copied in place of the wrong line, the example makes the profile valid
    fixed = broken.replace(f"    start_date: {written}\n", textwrap.indent(example, "    "))
    assert check(tmp_path, fixed).exit_code in (0, 1), fixed


def test_a_day_and_a_month_either_way_round_get_both_readings(tmp_path):
    broken = _replaced(JOB_START, "    start_date: 03/04/2025\n")
    match, rest = _one_message(check(tmp_path, broken))
    assert int(match["line"]) == JOB_START_LINE
    fix = _fix_of(rest)
    assert "2025-03-04 if the month comes first" in fix, fix
    assert "2025-04-03 if the day comes first" in fix, fix
    example = example_of(rest)
    assert yaml.load(example, Loader=yaml.BaseLoader) == {"start_date": "2025-03-04"}
    assert "# or 2025-04-03" in example
    fixed = broken.replace("    start_date: 03/04/2025\n", textwrap.indent(example, "    "))
    assert check(tmp_path, fixed).exit_code in (0, 1), fixed


def test_the_evaluation_date_given_as_a_month_is_told_it_must_be_a_day(tmp_path):
    match, rest = _one_message(
        check(tmp_path, _replaced("as_of: 2026-11-22\n", "as_of: November 2026\n"))
    )
    assert match["path"] == "$.as_of"
    assert "must be a day" in _fix_of(rest)
    assert example_of(rest) == "as_of: 2026-11-01\n"


SYNTAX = re.compile(r"^error: (?P<file>\S+): line (?P<line>\d+), column \d+: (?P<text>.+)$")


@pytest.mark.parametrize("indent", ["\t", "  \t", "\t  "])
def test_a_tab_in_the_indentation_is_named_as_one(tmp_path, indent):
    """A tab once got "found character that cannot start any token" and a fix that never said
    "tab"."""
    result = check(tmp_path, _replaced(JOB_START, f"{indent}start_date: 2025-09-01\n"))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    first, *rest = result.stderr.splitlines()
    match = SYNTAX.match(first)
    assert match, first
    assert match["file"] == str(tmp_path / "me.yaml")
    assert int(match["line"]) == JOB_START_LINE
    assert f"line {JOB_START_LINE} is indented with a tab" in match["text"]
    assert rest == [
        f"  fix: replace the tabs at the start of line {JOB_START_LINE} with spaces: YAML does"
        " not allow tabs for indentation"
    ]


@pytest.mark.parametrize(
    ("written", "text", "fix"),
    [
        (
            "    employer: QuickCare: Urgent Care\n",
            "a text holding ': ' must be quoted (unquoted, YAML reads 'QuickCare:' in it as a key)",
            'put the whole text in quotes: employer: "QuickCare: Urgent Care"',
        ),
        (
            "  employer: QuickCare Urgent Care\n",
            "'employer:' on line 40 is indented as far as the '-' of the list above it but does"
            " not begin with '- ' (the list begins on line 39)",
            "indent it as far as 'id:' on line 39 (4 spaces) if it belongs to that item; if it"
            " is a new item, begin it with '- '",
        ),
    ],
    ids=["text-holding-colon", "dedented-field"],
)
def test_a_yaml_slip_is_told_in_words_with_the_line_to_write(tmp_path, written, text, fix):
    """Such slips once got the parser's words ("mapping values are not allowed in this
    context", "did not find expected '-' indicator") and "check indentation, colons and
    quotes"."""
    result = check(tmp_path, _replaced("    employer: QuickCare Urgent Care\n", written))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    first, *rest = result.stderr.splitlines()
    match = SYNTAX.match(first)
    assert match, first
    assert int(match["line"]) == 40
    assert match["text"] == f"not valid YAML: {text}"
    assert rest == [f"  fix: {fix}"]
