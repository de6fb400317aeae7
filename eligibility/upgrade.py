"""Rewriting a profile in the current format (``eligibility upgrade``), meaning kept.

A format 1 profile reads a true/false field left out as "no" (``typed`` as "yes"); format 2 reads
it as "not stated" (``inputs/formatversion.py``). Upgrading writes out what format 1 read, each
with a comment saying so, and sets ``profile_version: 2``: the upgraded profile gets the same
answers, and a person can delete a written-out line that was in truth not known.

YAML is rewritten with ruamel.yaml's round trip, which keeps comments, key order, quoting and flow
style (``{start: ..., end: ...}``); the indentation of lists is the file's own where it is one of
the two usual styles. JSON keeps its key order and indentation. The result is parsed again and
must equal the profile with the fields added, or nothing is written.
"""

from __future__ import annotations

import difflib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eligibility.batch import atomic_writer, refuse_special
from eligibility.errors import InputError, fault
from eligibility.inputs.formatversion import CURRENT, FIRST, Omitted, omitted_flags, version_of
from eligibility.inputs.jsontext import parse_json
from eligibility.inputs.profiles import profile_from_text, read_text, source_name
from eligibility.inputs.yamlio import parse_text

COMMENT = "upgrade: format 1 read this as {word} when left out; delete the line if not known"


@dataclass(frozen=True)
class Upgraded:
    """A profile rewritten in the current format (or found to be in it already)."""

    source: str
    text: str  # the profile's new text (its old text when nothing changed)
    old_version: int
    written_out: tuple[Omitted, ...]  # the fields added, with their format 1 values

    @property
    def changed(self) -> bool:
        return self.old_version != CURRENT

    def summary(self) -> str:
        """What was done, in a sentence for the person who asked."""
        if not self.changed:
            return f"{self.source}: already in profile format {CURRENT}; nothing to change"
        added = ", ".join(
            f"{item.record}: {item.field}: {json.dumps(item.value)}" for item in self.written_out
        )
        return f"{self.source}: profile format {self.old_version} -> {CURRENT}; " + (
            f"written out as format {self.old_version} read them: {added}"
            if added
            else "no true/false field was left out, so the answers are unchanged"
        )


def upgrade_text(text: str, source: str) -> Upgraded:
    """``text``, a profile (YAML, or JSON when ``source`` ends in ``.json``), in the current
    format. An invalid profile is an :class:`InputError`, as ``check`` reports it."""
    data = profile_from_text(text, source).data
    version = version_of(data)
    if version == CURRENT:
        return Upgraded(source, text, version, ())
    if version != FIRST:  # the schema allows no other; a new format would need its own step
        raise fault("upgrade", ValueError(f"no upgrade from format {version}"), None)
    omitted = tuple(omitted_flags(data))
    expected = _with_fields(data, omitted)
    if source.endswith(".json"):
        new = _json_text(text, expected)
        again = parse_json(new, source)
    else:
        new = _yaml_text(text, omitted)
        again = parse_text(new, source)
    if again != expected:
        raise InputError(
            source,
            None,
            "the upgraded profile would not read back as the same profile",
            "upgrade it by hand: add profile_version: 2 and the fields the note of"
            " 'eligibility check' names",
        )
    return Upgraded(source, new, version, omitted)


def upgrade_file(path: str, out: str | None = None, in_place: bool = False) -> Upgraded:
    """Upgrade the profile at ``path``; write it to ``out`` or, with ``in_place``, over ``path``
    (atomically: the file is replaced only when the whole of it is written). ``out`` naming the
    profile itself is refused: a profile is replaced only when asked with ``in_place``."""
    if out is not None and in_place:
        raise InputError("--out", None, "--out and --in-place both name where to write", "give one")
    if out is not None and _same(Path(out), Path(path)):
        raise InputError(
            out,
            None,
            "would write over the profile being upgraded",
            "name another file, or use --in-place to replace the profile",
        )
    upgraded = upgrade_text(read_text(path), source_name(path))
    target = path if in_place else out
    if target is not None and (upgraded.changed or not in_place):
        refuse_special(Path(target))
        with atomic_writer(target) as handle:
            handle.write(upgraded.text)
    return upgraded


def _same(first: Path, second: Path) -> bool:
    try:
        return first.samefile(second)
    except OSError:  # one of them does not exist (yet)
        return first.resolve() == second.resolve()


def _with_fields(data: Mapping[str, Any], omitted: tuple[Omitted, ...]) -> dict[str, Any]:
    """A copy of ``data`` in format 2 with the ``omitted`` fields set to format 1's reading."""
    copy = json.loads(json.dumps(data))
    copy["profile_version"] = CURRENT
    for item in omitted:
        _record(copy, item.path)[item.field] = item.value
    return copy


def _record(data: Any, path: tuple[str | int, ...]) -> Any:
    """The record holding the last step of ``path``."""
    for step in path[:-1]:
        data = data[step]
    return data


def _json_text(text: str, data: Mapping[str, Any]) -> str:
    """``data`` as JSON, indented as ``text`` is (first indented line), keys in their order."""
    found = re.search(r"\n([ \t]+)\S", text)
    indent: str | None = found.group(1) if found else None  # None: one line stays one line
    return json.dumps(data, indent=indent, ensure_ascii=False) + "\n"


def _yaml_text(text: str, omitted: tuple[Omitted, ...]) -> str:
    """``text`` with ``profile_version: 2`` and the ``omitted`` fields written in, through
    ruamel.yaml's round trip in the indentation style closest to the file's own."""
    from ruamel.yaml import YAML  # only this command needs it

    best: tuple[float, str] | None = None
    for mapping, sequence, offset in ((2, 4, 2), (2, 2, 0)):
        yaml = YAML(typ="rt")
        yaml.preserve_quotes = True
        yaml.width = 4096  # never fold a long line the person wrote on one
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        yaml.representer.add_representer(type(None), _null)
        same = _dump(yaml, yaml.load(text))
        if same == text:
            best = (1.0, _rewrite(yaml, text, omitted))
            break
        score = difflib.SequenceMatcher(None, same, text, autojunk=False).ratio()
        if best is None or score > best[0]:
            best = (score, _rewrite(yaml, text, omitted))
    assert best is not None
    return best[1]


def _rewrite(yaml: Any, text: str, omitted: tuple[Omitted, ...]) -> str:
    document = yaml.load(text)
    if "profile_version" in document:
        document["profile_version"] = CURRENT
    else:
        document.insert(0, "profile_version", CURRENT)
    by_record: dict[int, tuple[Any, list[Omitted]]] = {}
    for item in omitted:
        record = _record(document, item.path)
        by_record.setdefault(id(record), (record, []))[1].append(item)
    for record, items in by_record.values():
        _append(record, items)
    return _dump(yaml, document)


def _append(record: Any, items: list[Omitted]) -> None:
    """The ``items`` added at the end of ``record``, each with a comment saying why (a flow
    mapping, ``{a: 1}``, gets none: it has no line of its own). Blank lines and comments after the
    record's last field stay after it, below the fields added."""
    flow = record.fa.flow_style()
    tail = ""
    last = next(reversed(record), None)
    entry = record.ca.items.get(last)
    if not flow and entry and len(entry) > 2 and entry[2] is not None:
        head, _, rest = entry[2].value.partition("\n")
        tail = "\n" + rest if rest else ""
        if head.strip():
            entry[2].value = head + "\n"
        else:
            entry[2] = None
    for item in items:
        comment = None if flow else COMMENT.format(word=item.reads_as)
        record.insert(len(record), item.field, item.value, comment=comment)
    if tail:
        token = record.ca.items[items[-1].field][2]
        token.value = token.value.rstrip("\n") + tail


def _null(representer: Any, _: None) -> Any:
    """``null`` written as ``null`` (ruamel.yaml writes nothing), as profiles write it."""
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _dump(yaml: Any, document: Any) -> str:
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()
