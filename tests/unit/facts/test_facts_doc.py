"""docs/facts.md lists every fact the bundled rules define, as the fact files define them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eligibility.errors import InputError
from eligibility.rulebook.rules import load_rulebook
from tests import facts_table
from tests.conftest import ROOT, RULES

A_NEW_FACT = """
  - name: membership.pahcs_student
    text: A PAHCS student membership paid through the date.
    any:
      records: memberships
      where: {and: [{"===": [{var: organization}, PAHCS]}, {"===": [{var: type}, student]}]}
      between: [start_date, paid_through]
"""


def _table_in(document: str) -> str:
    start = document.index(facts_table.START) + len(facts_table.START)
    return document[start : document.index(facts_table.END)].strip() + "\n"


def test_the_table_in_docs_is_the_one_the_fact_files_give() -> None:
    written = _table_in(facts_table.DOC.read_text(encoding="utf-8"))
    expected = facts_table.table(load_rulebook(str(RULES)).facts, ROOT)
    assert written == expected, (
        "docs/facts.md's table of facts is out of date: run python -m tests.facts_table --write"
    )


def test_a_fact_added_to_a_fact_file_is_a_row_of_the_table(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    with (rules / "pahcs" / "facts.yaml").open("a", encoding="utf-8") as file:
        file.write(A_NEW_FACT)
    rows = facts_table.table(load_rulebook(str(rules)).facts, tmp_path).splitlines()
    assert (
        "| `membership.pahcs_student` | boolean | A PAHCS student membership paid through the date."
        " |  |  |  | `rules/pahcs/facts.yaml` |"
    ) in rows
    documented = _table_in(facts_table.DOC.read_text(encoding="utf-8"))
    assert "membership.pahcs_student" not in documented  # so the test above would fail


def test_a_fact_row_names_its_policies_growth_and_supply(rulebook) -> None:
    rows = facts_table.table(rulebook.facts, ROOT).splitlines()
    months = next(r for r in rows if r.startswith("| `experience.aapc_documented_months_2019` |"))
    assert "`vague_duration_statement`, `part_time_counting` | yes |" in months
    level = next(r for r in rows if r.startswith("| `education.level` |"))
    assert "| string or null |" in level and "add 'education' to the profile" in level


def test_write_replaces_only_the_table(tmp_path: Path) -> None:
    doc = tmp_path / "facts.md"
    doc.write_text(f"before\n{facts_table.START}\nold rows\n{facts_table.END}\nafter\n")
    assert facts_table.main(["--write", "--doc", str(doc)]) == 0
    text = doc.read_text(encoding="utf-8")
    assert text.startswith(f"before\n{facts_table.START}\n\n{facts_table.HEADER}")
    assert text.endswith(f"|\n\n{facts_table.END}\nafter\n")
    assert "old rows" not in text and "| `experience.aapc_months` |" in text


def test_a_document_without_the_markers_is_refused(tmp_path: Path, capsys) -> None:
    doc = tmp_path / "facts.md"
    doc.write_text("no table here\n")
    with pytest.raises(InputError, match="markers are missing"):
        facts_table.with_table("no table here\n", "rows", str(doc))
    assert facts_table.main(["--write", "--doc", str(doc)]) == 2
    assert "markers are missing" in capsys.readouterr().err
    assert doc.read_text() == "no table here\n"
