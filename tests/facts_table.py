"""The table of facts in docs/facts.md, written from the fact files so that it never drifts.

    python -m tests.facts_table            # print the table for the bundled rules
    python -m tests.facts_table --write    # put it into docs/facts.md, between its markers

``tests/unit/facts/test_facts_doc.py`` fails when the table in docs/facts.md is not what this writes: after
adding or changing a fact in a fact file, run the second command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eligibility.batch import atomic_writer
from eligibility.errors import InputError
from eligibility.facts import FactBook
from eligibility.rulebook.rules import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "facts.md"
START = (
    "<!-- facts table: written by `python -m tests.facts_table --write`; do not edit by hand -->"
)
END = "<!-- end of facts table -->"
HEADER = (
    "| Fact | Type | What it is | Open policies | Grows | When unknown | Defined in |\n"
    "|---|---|---|---|---|---|---|\n"
)


def table(book: FactBook, root: Path) -> str:
    """One row per path rules may read, in name order (a group before its facts); ``root``: the
    folder the 'Defined in' files are named from."""
    rows = [
        "| "
        + " | ".join(
            [
                f"`{path}`",
                _type(entry.type),
                _text(book, path, entry.text),
                ", ".join(f"`{p}`" for p in entry.policies),
                "yes" if entry.grows else "",
                _cell(entry.supply or ""),
                _defined_in(book, path, root),
            ]
        )
        + " |\n"
        for path, entry in sorted(book.paths.items(), key=lambda item: item[0].split("."))
    ]
    return HEADER + "".join(rows)


def _type(json_type: Any) -> str:
    if json_type is None:
        return ""
    types = [json_type] if isinstance(json_type, str) else list(json_type)
    return " or ".join(types)


def _text(book: FactBook, path: str, text: str) -> str:
    """The fact's text; for a part of a group that has none of its own (``aapc.last``), a
    pointer to the group rather than the group's text again."""
    for definition in book.definitions:
        if path.startswith(definition.name + ".") and text == definition.text:
            return f"part of `{definition.name}`"
    return _cell(text)


def _cell(text: str) -> str:
    """``text`` in one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _defined_in(book: FactBook, path: str, root: Path) -> str:
    """The fact file of the definition that makes ``path``; how the others come about."""
    for definition in book.definitions:
        if path == definition.name or path.startswith(definition.name + "."):
            file = Path(definition.file).resolve()
            shown = file.relative_to(root) if file.is_relative_to(root) else file
            return f"`{shown.as_posix()}`"
    if path in ("as_of", "policies", "policies.*"):
        return "always there"
    return "its facts' files"  # a group: its facts, together


def with_table(document: str, rows: str, name: str = str(DOC)) -> str:
    """``document`` with the text between its table markers replaced by ``rows``."""
    start, end = document.find(START), document.find(END)
    if start < 0 or end < start:
        raise InputError(
            name, None, "the facts table's markers are missing", f"put {START} and {END} in it"
        )
    return document[: start + len(START)] + "\n\n" + rows + "\n" + document[end:]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.facts_table",
        description="The table of every fact the rules may read, from the fact files.",
    )
    parser.add_argument("--rules", default=str(ROOT / "rules"), help="the rules directory")
    parser.add_argument(
        "--write", action="store_true", help="put the table into the document (else print it)"
    )
    parser.add_argument("--doc", default=str(DOC), help="the document to write (docs/facts.md)")
    args = parser.parse_args(argv)
    try:
        rules = Path(args.rules).resolve()
        rows = table(load_rulebook(str(rules)).facts, rules.parent)
        if not args.write:
            sys.stdout.write(rows)
            return 0
        document = Path(args.doc).read_text(encoding="utf-8")
        updated = with_table(document, rows, args.doc)
        if updated != document:
            with atomic_writer(args.doc, newline="") as out:
                out.write(updated)
    except InputError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    except OSError as error:
        sys.stderr.write(f"error: {args.doc}: {error.strerror}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
