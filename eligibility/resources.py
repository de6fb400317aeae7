"""Where the project's data (rules, schemas and worked examples) is found.

In a checkout (and an editable install) they are the top-level ``rules/`` and ``schemas/``, and
the examples are profiles of ``fixtures/profiles/``; a built wheel carries copies in
``eligibility/_data/`` (``examples/`` for those, force-included by pyproject.toml).
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# Each schema's "$id" is this followed by its name (urn:eligibility:schema:profile): a name, not
# an address, since the project publishes none; editors find a schema by its file
# (docs/profile-format.md, "Editor support"), validators by this name among the schemas given.
SCHEMA_ID_PREFIX = "urn:eligibility:schema:"


# Worked candidates shipped in the package (`eligibility template --example NAME`): a student, an
# experienced coder without a credential, an apprentice, a holder keeping a credential with CEUs,
# and one holding three. Each is ``fixtures/profiles/NAME.yaml``, force-included by pyproject.toml.
EXAMPLES = (
    "c01-ana-torres",
    "c02-brian-okafor",
    "c09-hana-sato",
    "c12-kevin-ortiz",
    "c17-priya-shah",
)

FLAT_CSV_FILE = "flat-csv.yaml"  # in a rules directory: what a flat CSV row stands for
FORM_FILE = "form.yaml"  # in a rules directory: what the web page's form asks, in its words
REGISTRY_FILE = "credentials.yaml"  # in a rules directory: the credentials and their bodies


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


def example_file(name: str) -> Path:
    """Path of the shipped worked example ``name`` (one of :data:`EXAMPLES`)."""
    bundled = _PACKAGE / "_data" / "examples"
    folder = bundled if bundled.is_dir() else _PACKAGE.parent / "fixtures" / "profiles"
    return folder / f"{name}.yaml"


def in_checkout() -> bool:
    """Whether the data is a checkout's (not a wheel's copies)."""
    return not (_PACKAGE / "_data").is_dir()


def checkout_root() -> Path:
    """The folder holding ``rules/`` and ``schemas/`` in a checkout."""
    return _PACKAGE.parent


def profile_modeline(folder: Path | None = None) -> str:
    """The first line of a profile file naming the profile schema for editors
    (yaml-language-server): relative to ``folder`` (where the profile is written) when both are in
    the checkout the program runs from, else the schema's absolute path (a file the editor reads
    without a network; also for ``folder`` None, a file saved elsewhere)."""
    schema_path = schema_file("profile").resolve()
    if folder is not None and in_checkout() and folder.is_relative_to(checkout_root().resolve()):
        reference = Path(os.path.relpath(schema_path, folder)).as_posix()
    else:
        reference = schema_path.as_posix()
    return f"# yaml-language-server: $schema={reference}"
