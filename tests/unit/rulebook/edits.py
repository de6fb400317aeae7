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
