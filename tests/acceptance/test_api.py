"""The Python API at the package root (docs/api.md): ``from eligibility import check`` and its
neighbours give what the command line gives, for a profile file or a plain dict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import eligibility
from eligibility.cli import main
from eligibility.inputs.yamlio import parse_text
from tests.conftest import PROFILES

HANA = PROFILES / "c09-hana-sato.yaml"


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def _data(path: Path) -> dict:
    return parse_text(path.read_text(encoding="utf-8"), str(path))


def _one(document: object) -> object:
    """The report of the one profile in ``check --format json``'s output, whatever its envelope."""
    if isinstance(document, list):
        (document,) = document
    return document


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
    assert json.loads(report.to_json()) == _one(cli)


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
