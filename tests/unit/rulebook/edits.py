"""Edits a maintainer makes to a copy of ``rules/``, shared by the tests that make them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

RENEWAL_ENDS = "      from: null\n      note: The CEU table is the newest seen"


def add_renewal_2027(rules: Path, begins: str = "2027-07-01") -> Path:
    """AAPC's renewal rules copied whole into a version AAPC-RENEWAL-2027 from ``begins``
    (``extends`` with no changes), the version in force ended the day before; the renewal
    file's path."""
    ended = (date.fromisoformat(begins) - timedelta(days=1)).isoformat()
    path = rules / "aapc" / "renewal.yaml"
    text = path.read_text(encoding="utf-8")
    assert RENEWAL_ENDS in text, "renewal.yaml no longer reads as this edit expects"
    text = text.replace(
        RENEWAL_ENDS, RENEWAL_ENDS.replace("null\n", f"null\n      until: {ended}\n"), 1
    )
    path.write_text(
        text.rstrip("\n") + "\n  - id: AAPC-RENEWAL-2027\n    extends: AAPC-RENEWAL-2023\n"
        f"    version: '2027.1'\n    in_force: {{from: {begins}}}\n",
        encoding="utf-8",
    )
    return path


def add_apprenticeship_2027(rules: Path, changes: str = "", end_current: bool = True) -> Path:
    """A version AAPC-2027 of AAPC's apprenticeship rules from 2027-07-01 that extends
    AAPC-2023 with ``changes`` (YAML list items, indented as under ``changes:``), AAPC-2023
    ended the day before unless ``end_current`` is false; the rule file's path."""
    path = rules / "aapc" / "cpc-coc.yaml"
    text = path.read_text(encoding="utf-8")
    for old in ("      from: 2023-01-01\n", "  - id: AAPC-2019\n"):
        assert old in text, "cpc-coc.yaml no longer reads as this edit expects"
    if end_current:
        text = text.replace(
            "      from: 2023-01-01\n", "      from: 2023-01-01\n      until: 2027-06-30\n", 1
        )
    version = "  - id: AAPC-2027\n    extends: AAPC-2023\n    version: '2027.1'\n"
    version += "    in_force: {from: 2027-07-01}\n" + (
        f"    changes:\n{changes}" if changes else ""
    )
    path.write_text(
        text.replace("  - id: AAPC-2019\n", version + "  - id: AAPC-2019\n", 1), encoding="utf-8"
    )
    return path
