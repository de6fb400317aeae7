"""The Python API at the package root (docs/api.md): ``from eligibility import check`` and its
neighbours give what the command line gives, for a profile file or a plain dict."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import eligibility
from eligibility.cli import main
from eligibility.inputs.yamlio import parse_text
from tests.conftest import PROFILES, ROOT

HANA = PROFILES / "c09-hana-sato.yaml"


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def _data(path: Path) -> dict:
    return parse_text(path.read_text(encoding="utf-8"), str(path))


def _one(document: object) -> object:
    """The report of the one profile in ``check --format json``'s output, whatever its envelope."""
    (entry,) = document["profiles"]
    return entry


# --- friction: the API in one place, taking a dict --------------------------------------------


def test_check_and_its_neighbours_come_from_the_package_root():
    from eligibility import batch, check, show
    from eligibility import list as list_credentials

    assert {"check", "batch", "list", "show", "InputError"} <= set(eligibility.__all__)
    assert all(callable(f) for f in (check, batch, list_credentials, show))


def test_a_plain_dict_is_checked_as_its_file_is():
    by_dict = eligibility.check(_data(HANA), certs=["CPC-A-removal"])
    by_file = eligibility.check(HANA, certs=["CPC-A-removal"])
    assert by_dict.to_text() == by_file.to_text()
    assert by_dict.status("CPC-A-removal") == "not_met"


def test_to_json_is_what_check_format_json_prints():
    report = eligibility.check(str(HANA), certs=["CPC-A-removal"])
    cli = json.loads(_cli("check", str(HANA), "--cert", "CPC-A-removal", "--format", "json"))
    assert json.loads(report.to_json()) == cli
    assert report.to_dict() == _one(cli)


@pytest.mark.parametrize("certs", [["CPC-A-removal"], []])
def test_to_text_is_what_check_prints(certs):
    report = eligibility.check(HANA, certs=certs)
    args = [a for cert in certs for a in ("--cert", cert)]
    assert report.to_text() + "\n" == _cli("check", str(HANA), *args)


def test_a_bad_dict_gets_the_message_its_file_gets(tmp_path):
    data = {**_data(HANA), "hours": 60}
    as_file = tmp_path / "bad.yaml"
    as_file.write_text(f"{HANA.read_text(encoding='utf-8')}hours: 60\n", encoding="utf-8")
    with pytest.raises(eligibility.InputError) as from_file:
        eligibility.check(as_file)
    with pytest.raises(eligibility.InputError) as from_dict:
        eligibility.check(data)
    assert from_dict.value.problem == from_file.value.problem
    assert from_dict.value.fix == from_file.value.fix
    assert "$" in str(from_dict.value)  # the place, as a JSON path


# --- the rest of the API -----------------------------------------------------------------------


def test_importing_the_package_imports_nothing_else():
    code = "import sys, eligibility; print(sorted(m for m in sys.modules if 'eligibility' in m))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    # eligibility.version is the one line that says the version
    assert result.stdout.strip() == "['eligibility', 'eligibility.version']", result.stderr


def test_batch_writes_what_the_command_writes(tmp_path):
    (tmp_path / "api").mkdir()
    (tmp_path / "cli").mkdir()
    done = eligibility.batch(
        PROFILES, tmp_path / "api" / "r.csv", tmp_path / "api" / "s.md", as_of="2026-11-22"
    )
    _cli("batch", str(PROFILES), "--out", str(tmp_path / "cli" / "r.csv"),
         "--summary", str(tmp_path / "cli" / "s.md"), "--as-of", "2026-11-22")  # fmt: skip
    for name in ("r.csv", "s.md"):
        assert (tmp_path / "api" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    assert done.rows == len(list(PROFILES.glob("*.yaml"))) and done.errors == 0
    assert done.summary == (tmp_path / "cli" / "s.md").read_text(encoding="utf-8")


def test_batch_makes_the_spreadsheets_and_letters_the_command_makes(tmp_path):
    """The director's outputs (--excel, --wide, --xlsx, --letters) are options of the call too,
    written as the command writes them."""
    pytest.importorskip("openpyxl")
    pytest.importorskip("jinja2")
    made = {}
    for side in ("api", "cli"):
        folder = tmp_path / side
        folder.mkdir()
        made[side] = folder
    eligibility.batch(
        PROFILES, made["api"] / "r.csv", as_of="2026-11-22", excel=True,
        wide=made["api"] / "w.csv", xlsx=made["api"] / "b.xlsx", letters=made["api"] / "letters",
    )  # fmt: skip
    _cli("batch", str(PROFILES), "--out", str(made["cli"] / "r.csv"), "--as-of", "2026-11-22",
         "--excel", "--wide", str(made["cli"] / "w.csv"), "--xlsx", str(made["cli"] / "b.xlsx"),
         "--letters", str(made["cli"] / "letters"))  # fmt: skip
    for name in ("r.csv", "w.csv"):
        assert (made["api"] / name).read_bytes() == (made["cli"] / name).read_bytes()
    assert (made["api"] / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # --excel's BOM
    assert (made["api"] / "b.xlsx").stat().st_size > 0
    letters = sorted(p.name for p in (made["api"] / "letters").iterdir())
    assert letters and letters == sorted(p.name for p in (made["cli"] / "letters").iterdir())


def test_batch_refuses_a_full_json_lines_report_into_a_csv_file(tmp_path):
    with pytest.raises(eligibility.InputError, match=r"names a \.csv report"):
        eligibility.batch(PROFILES, tmp_path / "r.csv", jsonl_full=True)
    assert not (tmp_path / "r.csv").exists()


def test_batch_is_callable_however_the_module_was_imported(tmp_path):
    """The package's attribute ``batch`` is the module eligibility.batch once that is imported
    (by the command line, say): the module itself answers the call."""
    import eligibility.batch as module
    from eligibility import batch

    assert batch is module and eligibility.batch is module and module.CHUNK
    with pytest.raises(eligibility.InputError, match="unknown report format"):
        batch(PROFILES, tmp_path / "r.txt")


def test_list_and_show_are_what_the_commands_print():
    assert eligibility.list(as_of="2026-11-22").to_text() + "\n" == _cli(
        "list", "--as-of", "2026-11-22"
    )
    listing = json.loads(_cli("list", "--as-of", "2026-11-22", "--format", "json"))
    assert json.loads(eligibility.list(as_of=date(2026, 11, 22)).to_json()) == listing
    assert eligibility.show("CPC", "2026-11-22", logic=True) + "\n" == _cli(
        "show", "CPC", "--as-of", "2026-11-22", "--logic"
    )


def test_options_as_the_command_takes_them():
    """A date object or text; policies as a mapping or ID=VALUE; one check as a string."""
    data = _data(HANA)
    data["as_of"] = date(2026, 11, 22)  # a datetime.date stands for its ISO text
    by_mapping = eligibility.check(
        data, "CPC-A-removal", date(2026, 11, 22), {"part_time_counting": "fte40"}
    )
    by_text = eligibility.check(HANA, ["CPC-A-removal"], "2026-11-22", ["part_time_counting=fte40"])
    assert by_mapping.to_text() == by_text.to_text()
    assert (
        "pro-rated to a 40-hour week (a training site's claim) (chosen for this run)"
        in by_text.to_text()
    )
    answer = by_text.answer("cpc-a-removal")
    assert (answer.check_id, answer.met, answer.applies) == ("CPC-A-removal", False, True)
    assert not by_text.all_met and not by_text.met("CPC-A-removal")


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"certs": ["CPCA"]}, "CPCA"),
        ({"policies": {"part_time_counting": "half"}}, "is not a value of part_time_counting"),
        ({"as_of": "2026-13-01"}, "is not a date"),
    ],
)
def test_bad_options_raise_the_input_error_the_command_prints(options, said):
    with pytest.raises(eligibility.InputError, match=said):
        eligibility.check(HANA, **options)


def test_what_is_not_a_profile_is_an_input_error():
    with pytest.raises(eligibility.InputError, match="work_history must be a list"):
        eligibility.check({"work_history": "none"})
    with pytest.raises(eligibility.InputError, match="a profile must be a mapping"):
        eligibility.check([{"name": "A list"}])


# --- docs/api.md ---------------------------------------------------------------------------------


def test_the_examples_of_docs_api_run_as_written(tmp_path, monkeypatch, capsys):
    """Every ```python block of docs/api.md, in order, in one namespace, from a folder holding a
    copy of fixtures/ (the batch example writes its report there)."""
    import re
    import shutil

    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)
    assert len(blocks) >= 5
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"docs/api.md block {number}", "exec"), namespace)
    assert "MET: You may sit for the CPC exam." in capsys.readouterr().out
