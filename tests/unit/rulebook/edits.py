"""Edits a maintainer makes to a copy of ``rules/``, shared by the tests that make them."""

from __future__ import annotations

from pathlib import Path

RENEWAL_ENDS = "      from: null\n      note: The CEU table is the newest seen"


def add_renewal_2027(rules: Path) -> Path:
    """AAPC's renewal rules copied whole into a version from 2027-07-01 (``extends`` with no
    changes), the version in force ended the day before; the renewal file's path."""
    path = rules / "aapc" / "renewal.yaml"
    text = path.read_text(encoding="utf-8")
    assert RENEWAL_ENDS in text, "renewal.yaml no longer reads as this edit expects"
    text = text.replace(
        RENEWAL_ENDS, RENEWAL_ENDS.replace("null\n", "null\n      until: 2027-06-30\n"), 1
    )
    path.write_text(
        text.rstrip("\n") + "\n  - id: AAPC-RENEWAL-2027\n    extends: AAPC-RENEWAL-2023\n"
        "    version: '2027.1'\n    in_force: {from: 2027-07-01}\n",
        encoding="utf-8",
    )
    return path
