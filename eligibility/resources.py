"""Where the project's data (rules and schemas) is found.

In a checkout (and an editable install) they are the top-level ``rules/`` and ``schemas/``; a built
wheel carries copies in ``eligibility/_data/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# Each schema's "$id" is this followed by its name (urn:eligibility:schema:profile): a name, not
# an address, since the project publishes none; editors find a schema by its file
# (docs/profile-format.md, "Editor support"), validators by this name among the schemas given.
SCHEMA_ID_PREFIX = "urn:eligibility:schema:"


FLAT_CSV_FILE = "flat-csv.yaml"  # in a rules directory: what a flat CSV row stands for


def data_dir(name: str) -> Path:
    """The directory ``name`` ("rules" or "schemas"): the bundled copy if any, else the checkout's."""
    bundled = _PACKAGE / "_data" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


def schema_file(name: str) -> Path:
    """Path of ``schemas/<name>.schema.json``."""
    return data_dir("schemas") / f"{name}.schema.json"


def schema_id(name: str) -> str:
    """The identifier (``$id``) of ``schemas/<name>.schema.json``."""
    return f"{SCHEMA_ID_PREFIX}{name}"
