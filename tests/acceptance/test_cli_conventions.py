"""Command-line conventions (docs/cli.md): colour, ``-`` for standard input and output, shell
completion."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner, Result

from eligibility.cli import main
from tests.conftest import PROFILES, ROOT

HANA = PROFILES / "c09-hana-sato.yaml"
ESCAPE = "\x1b["
PROFILE_FILES = sorted(PROFILES.glob("c0*.yaml"))


def run(*args: object, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], input=stdin, env=env)


def program(
    args: list[str], env: dict[str, str] | None = None, terminal: bool = False
) -> tuple[int, str]:
    """The program in a process of its own, its standard output a terminal or a pipe; what it
    wrote there and its exit status."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env or {})
    command = [sys.executable, "-m", "eligibility", *args]
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=ROOT)
        return done.returncode, done.stdout
    leader, follower = pty.openpty()
    with subprocess.Popen(
        command, stdout=follower, stderr=subprocess.DEVNULL, env=environment, cwd=ROOT
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 1 << 16)
            except OSError:  # the terminal's other end closed: the program has ended
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
    return process.returncode, b"".join(chunks).decode("utf-8")


# --- colour --------------------------------------------------------------------------------


def test_color_always_colours_every_status_and_keeps_the_words():
    plain = run("check", HANA, "--cert", "CPC-A-removal", "--color", "never")
    coloured = run("check", HANA, "--cert", "CPC-A-removal", "--color", "always")
    assert coloured.exit_code == plain.exit_code == 1
    assert ESCAPE not in plain.stdout
    assert ESCAPE in coloured.stdout
    # status is never told by colour alone: without the colour the text is the same
    assert click.unstyle(coloured.stdout) == plain.stdout
    # each answer has its own colour: met, not met, and the headline with its answer's colour
    met, not_met = _colour_of(coloured.stdout, "met"), _colour_of(coloured.stdout, "not met")
    assert met and not_met and met != not_met
    assert _colour_of(coloured.stdout, "NOT YET MET") == not_met


def _colour_of(text: str, words: str) -> str | None:
    """The escape sequences that colour ``words`` when they are coloured on their own."""
    found = re.search(r"((?:\x1b\[[0-9;]*m)+)" + re.escape(words) + r"\x1b\[0m", text)
    return found.group(1) if found else None


def test_color_always_colours_the_summary_of_every_check_too():
    plain = run("check", HANA, "--color", "never")
    coloured = run("check", HANA, "--color", "always")
    assert ESCAPE in coloured.stdout
    assert click.unstyle(coloured.stdout) == plain.stdout


def test_escapes_from_the_profile_are_shown_not_obeyed_even_in_colour():
    text = HANA.read_text().replace("name: Hana Sato", 'name: "Hana\\e[2J Sato"')
    assert "\\e[2J" in text
    result = run("check", "-", "--cert", "CPC-A-removal", "--color", "always", stdin=text)
    assert result.exit_code == 1
    assert "Hana\\x1b[2J Sato" in result.stdout
    assert ESCAPE not in result.stdout  # the text is then shown without colour


def test_colour_is_off_by_default_when_the_output_is_not_a_terminal():
    status, text = program(["check", str(HANA), "--cert", "CPC-A-removal"])
    assert status == 1 and "NOT YET MET" in text
    assert ESCAPE not in text


def test_colour_is_on_by_default_on_a_terminal():
    status, text = program(["check", str(HANA), "--cert", "CPC-A-removal"], terminal=True)
    assert status == 1 and "NOT YET MET" in text
    assert ESCAPE in text


@pytest.mark.parametrize(
    ("env", "args", "coloured"),
    [
        ({"NO_COLOR": "1"}, [], False),
        ({"NO_COLOR": ""}, [], True),  # set but empty: no-color.org says it does not count
        ({"NO_COLOR": "1"}, ["--color", "always"], True),
        ({}, ["--color", "never"], False),
    ],
)
def test_no_color_and_the_option_decide_on_a_terminal(env, args, coloured):
    _, text = program(
        ["check", str(HANA), "--cert", "CPC-A-removal", *args], env=env, terminal=True
    )
    assert "NOT YET MET" in text
    assert (ESCAPE in text) is coloured


# --- standard input and output -------------------------------------------------------------


def test_check_dash_reads_the_profile_from_standard_input():
    from_file = run("check", HANA, "--cert", "CPC-A-removal")
    from_stdin = run("check", "-", "--cert", "CPC-A-removal", stdin=HANA.read_text())
    assert from_stdin.exit_code == from_file.exit_code == 1
    assert from_stdin.stdout == from_file.stdout


def test_a_bad_profile_on_standard_input_is_named_stdin():
    result = run("check", "-", stdin="name: x\nwork_history: 60\n")
    assert result.exit_code == 2
    assert "<stdin>" in result.stderr
    assert "Traceback" not in result.output


def test_standard_input_can_be_read_once_only():
    result = run("check", "-", "-", stdin=HANA.read_text())
    assert result.exit_code == 2
    assert "once" in result.stderr


def _cohort_lines() -> str:
    from eligibility.inputs.yamlio import parse_text

    rows = [parse_text(p.read_text(), str(p)) for p in PROFILE_FILES]
    return "".join(json.dumps(row) + "\n" for row in rows)


def _rows(text: str) -> list[dict[str, str]]:
    """A CSV report's rows, without the column naming where each came from."""
    return [
        {k: v for k, v in row.items() if k != "where"} for row in csv.DictReader(io.StringIO(text))
    ]


def test_batch_dash_reads_json_lines_from_stdin_and_out_dash_writes_the_report(tmp_path):
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_text(_cohort_lines())
    to_file = run("batch", cohort, "--out", tmp_path / "report.csv", "--as-of", "2026-11-22")
    piped = run("batch", "-", "--out", "-", "--as-of", "2026-11-22", stdin=_cohort_lines())
    assert piped.exit_code == to_file.exit_code == 0, piped.output
    assert _rows(piped.stdout) == _rows((tmp_path / "report.csv").read_text())
    assert "<stdin>:1" in piped.stdout  # where each row came from
    # the summary a person reads goes to standard error, not into the report
    assert "Students" in piped.stderr or "students" in piped.stderr
    assert "Wrote the report to standard output." in piped.stderr  # not "Wrote nothing."
    assert {p.name for p in tmp_path.iterdir()} == {"cohort.jsonl", "report.csv"}


def test_batch_dash_reads_a_yaml_stream_too():
    stream = "".join(f"---\n{p.read_text()}" for p in PROFILE_FILES)
    piped = run("batch", "-", "--out", "-", "--as-of", "2026-11-22", stdin=stream)
    assert piped.exit_code == 0, piped.output
    assert len({row["row"] for row in _rows(piped.stdout)}) == len(PROFILE_FILES)


@pytest.mark.parametrize(
    "export",
    [
        "candidate_id,name\nS1,Ann\nS2,Bob\nS3,Cy\n",
        "\ufeffStudent ID;First Name;Last Name\n1;Ann;Lee\n",  # a BOM, semicolons
        "# from the SIS\nid\tname\n1\tAnn\n",
    ],
)
def test_csv_piped_in_is_a_usage_error_not_one_error_row(tmp_path, export):
    """CSV on standard input was read as one YAML document (a line of text): a whole cohort
    became one error row, exit status 1. CSV must be given as a file, as --help says."""
    out = tmp_path / "r.csv"
    result = run("batch", "-", "--out", out, stdin=export)
    assert result.exit_code == 2, result.output
    assert "standard input looks like CSV" in result.stderr
    assert "give the file's name instead of -" in result.stderr
    assert not out.exists()


def test_a_report_format_that_contradicts_the_file_name_is_refused(tmp_path):
    result = run("batch", "-", "--out", tmp_path / "r.csv", "--report-format", "jsonl", stdin="")
    assert result.exit_code == 2
    assert "--report-format" in result.stderr


def test_diff_refuses_two_outputs_on_standard_output():
    result = run("diff", ROOT / "rules", ROOT / "rules", "--out", "-")
    assert result.exit_code == 2
    assert "--summary FILE" in result.stderr


def test_batch_out_dash_writes_json_lines_when_asked(tmp_path):
    piped = run(
        "batch", "-", "--out", "-", "--report-format", "jsonl", "--summary", tmp_path / "s.md",
        stdin=_cohort_lines(),
    )  # fmt: skip
    assert piped.exit_code == 0, piped.output
    header, *reports = [json.loads(line) for line in piped.stdout.splitlines()]
    assert header["kind"] == "header" and len(reports) == len(PROFILE_FILES)
    assert (tmp_path / "s.md").exists()


def test_upgrade_reads_stdin_and_out_dash_prints():
    text = HANA.read_text()
    printed = run("upgrade", HANA)
    from_stdin = run("upgrade", "-", stdin=text)
    assert from_stdin.stdout == printed.stdout
    assert from_stdin.stderr.startswith("<stdin>: ")
    assert run("upgrade", HANA, "--out", "-").stdout == printed.stdout


def test_export_out_dash_is_refused_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a folder called - would be written
    result = run("export", "--out", "-")
    assert result.exit_code == 2
    assert "folder" in result.stderr
    assert not list(tmp_path.iterdir())


# --- shell completion ----------------------------------------------------------------------


def _complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    """What the program offers bash for the last of ``words`` (Click's completion protocol)."""
    command = "from eligibility.cli import main; main(prog_name='eligibility')"
    environment = {
        **os.environ,
        "_ELIGIBILITY_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        **(env or {}),
    }
    done = subprocess.run(
        [sys.executable, "-c", command], capture_output=True, text=True, env=environment, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return [line.split(",", 1)[1] for line in done.stdout.splitlines() if line]


def test_cert_ids_are_completed_from_the_rule_book(rulebook):
    known = {c.id for c in rulebook.credentials} | set(rulebook.all_check_ids())
    offered = _complete("eligibility check me.yaml --cert CP")
    assert "CPC" in offered
    assert set(offered) == {name for name in known if name.upper().startswith("CP")}


def test_cert_ids_are_completed_for_batch_too_and_in_lower_case(rulebook):
    offered = _complete("eligibility batch c.jsonl --out r.csv --cert cpc-a")
    assert offered and all(name.upper().startswith("CPC-A") for name in offered)


def test_policies_are_completed_with_their_values(rulebook):
    policy = next(iter(rulebook.policies.values()))
    offered = _complete(f"eligibility check me.yaml --policy {policy.id[:3]}")
    assert f"{policy.id}=" in offered
    values = _complete(f"eligibility check me.yaml --policy {policy.id}=")
    assert set(values) == {f"{policy.id}={value}" for value in policy.values}


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_gets_a_completion_script(shell):
    result = CliRunner().invoke(
        main, [], env={"_ELIGIBILITY_COMPLETE": f"{shell}_source"}, prog_name="eligibility"
    )
    assert result.exit_code == 0
    assert "_ELIGIBILITY_COMPLETE" in result.stdout


def test_importing_the_command_line_loads_no_rule_book():
    code = "import sys, eligibility.cli; print('eligibility.rulebook.rules' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "False"


def test_docs_page_says_how_to_turn_completion_on():
    page = (ROOT / "docs" / "cli.md").read_text()
    for shell in ("bash", "zsh", "fish"):
        assert f"_ELIGIBILITY_COMPLETE={shell}_source" in page
    assert "NO_COLOR" in page and "docs/cli.md" in (ROOT / "README.md").read_text()
