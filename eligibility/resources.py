"""Where the project's data (rules and schemas) is found.

In a checkout (and an editable install) they are the top-level ``rules/`` and ``schemas/``; a built
wheel carries copies in ``eligibility/_data/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# Where the schemas can be fetched: each schema's "$id" is this followed by its file name, so an
# editor or validator outside a checkout resolves it (docs/profile-format.md, "Editor support").
SCHEMA_BASE_URL = "https://github.com/eligibility-toolkit/eligibility/raw/main/schemas/"


FLAT_CSV_FILE = "flat-csv.yaml"  # in a rules directory: what a flat CSV row stands for


def data_dir(name: str) -> Path:
    """The directory ``name`` ("rules" or "schemas"): the bundled copy if any, else the checkout's."""
    bundled = _PACKAGE / "_data" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


def schema_file(name: str) -> Path:
    """Path of ``schemas/<name>.schema.json``."""
    return data_dir("schemas") / f"{name}.schema.json"


def schema_url(name: str) -> str:
    """The published address of ``schemas/<name>.schema.json`` (its ``$id``)."""
    return f"{SCHEMA_BASE_URL}{name}.schema.json"
