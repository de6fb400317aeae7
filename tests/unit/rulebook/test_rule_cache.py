"""The rule cache: a warm load skips YAML and schema validation yet gives the same rule book.

Entries are keyed by a hash of the file's text, the rule schema and the loading code; an entry
whose key does not match, or that cannot be read, is ignored; a cache that cannot be written
never breaks a load; the checks on facts and policies run on every load, cached or not.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from eligibility.api import check_profile
from eligibility.errors import InputError
from eligibility.inputs.profiles import load_profile
from eligibility.logic import Compiled
from eligibility.report.render import text_report
from eligibility.rulebook import rules
from eligibility.rulebook.rules import load_rulebook
from tests.conftest import PROFILES, ROOT


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A fresh cache directory for this test, and no rule book remembered from before."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("ELIGIBILITY_CACHE_DIR", str(folder))
    monkeypatch.delenv("ELIGIBILITY_NO_CACHE", raising=False)
    load_rulebook.cache_clear()
    yield folder
    load_rulebook.cache_clear()


@pytest.fixture
def rules_copy(tmp_path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def _fresh(directory: Path) -> rules.RuleBook:
    load_rulebook.cache_clear()
    return load_rulebook(str(directory))


def _parses(monkeypatch) -> list[str]:
    """Record every YAML parse and schema validation the loader does from now on."""
    seen: list[str] = []
    parse, validate = rules.parse_text, rules.validate

    def counting_parse(text: str, file: str) -> Any:
        seen.append(Path(file).name)
        return parse(text, file)

    def counting_validate(document, schema, file, line_of=None) -> None:
        seen.append(f"validate {Path(file).name}")
        validate(document, schema, file, line_of)

    monkeypatch.setattr(rules, "parse_text", counting_parse)
    monkeypatch.setattr(rules, "validate", counting_validate)
    return seen


def _plain(value: Any) -> Any:
    """A rule book as plain data: Compiled as (source, reads), so two loads can be compared."""
    if isinstance(value, Compiled):
        return ("compiled", _plain(value.source), value.reads)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def test_a_second_load_reads_the_cache_and_parses_nothing(cache, rules_copy, monkeypatch):
    first = _fresh(rules_copy)
    # one entry per rule or fact file (test cases under tests/ are neither) and per reference file
    rule_files = [
        path
        for path in rules.rule_files(rules_copy)
        if not (path.parent == rules_copy and path.name in rules.REFERENCE_FILES)
    ]
    assert rule_files
    entries = list(cache.glob("rule-*.json")) + list(cache.glob("facts-*.json"))
    assert len(entries) == len(rule_files)
    assert len(list(cache.glob("reference-*.json"))) == len(rules.REFERENCE_FILES)
    seen = _parses(monkeypatch)
    second = _fresh(rules_copy)
    assert seen == []
    assert _plain(second) == _plain(first)


def test_cached_and_uncached_books_give_the_same_answers(cache, rules_copy, monkeypatch):
    monkeypatch.setenv("ELIGIBILITY_NO_CACHE", "1")
    uncached = _fresh(rules_copy)
    monkeypatch.delenv("ELIGIBILITY_NO_CACHE")
    _fresh(rules_copy)  # fills the cache
    for book_entry in cache.glob("book-*"):
        book_entry.unlink()
    from_files = _fresh(rules_copy)  # rule files from the cache, leaves compiled on first use
    kept = _fresh(rules_copy)  # the whole book read back
    books = (uncached, from_files, kept)
    assert _plain(from_files) == _plain(uncached)
    assert _plain(kept) == _plain(uncached)
    for path in sorted(PROFILES.glob("*.yaml")):
        profile = load_profile(path)
        texts = [
            text_report(check_profile(profile, [], rulebook=book), book.policies) for book in books
        ]
        assert texts[0] == texts[1] == texts[2], path.name


def test_no_cache_env_var_writes_nothing(cache, rules_copy, monkeypatch):
    monkeypatch.setenv("ELIGIBILITY_NO_CACHE", "1")
    _fresh(rules_copy)
    assert not cache.exists()
    seen = _parses(monkeypatch)
    _fresh(rules_copy)
    assert "cpc-coc.yaml" in seen and "validate cpc-coc.yaml" in seen


def test_a_changed_rule_file_is_read_again(cache, rules_copy, monkeypatch):
    _fresh(rules_copy)
    cpc = rules_copy / "aapc" / "cpc-coc.yaml"
    text = cpc.read_text(encoding="utf-8")
    question = next(line for line in text.splitlines() if "question:" in line)
    cpc.write_text(text.replace(question, question + " (edited)", 1), encoding="utf-8")
    seen = _parses(monkeypatch)
    book = _fresh(rules_copy)
    assert seen == ["cpc-coc.yaml", "validate cpc-coc.yaml"]  # only the changed file
    questions = [
        check.question
        for credential in book.credentials
        for version in credential.versions
        for check in version.checks
    ]
    assert any(q.endswith("(edited)") for q in questions)


def test_a_broken_edit_is_reported_even_though_the_old_text_was_cached(cache, rules_copy):
    _fresh(rules_copy)
    cpc = rules_copy / "aapc" / "cpc-coc.yaml"
    text = cpc.read_text(encoding="utf-8")
    cpc.write_text(text.replace("confidence: M", "confidence: Z", 1), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        _fresh(rules_copy)
    assert raised.value.file == str(cpc)
    assert "line" in (raised.value.place or "")


def test_policy_checks_run_on_cached_rule_files(cache, rules_copy, monkeypatch):
    """Rule files come from the cache, yet a policy they name that is gone is still an error."""
    _fresh(rules_copy)
    policies = rules_copy / "policies.yaml"
    text = policies.read_text(encoding="utf-8")
    assert "  - id: part_time_counting" in text
    policies.write_text(
        text.replace("  - id: part_time_counting", "  - id: part_time_counting_renamed"),
        encoding="utf-8",
    )
    seen = _parses(monkeypatch)
    with pytest.raises(InputError) as raised:
        _fresh(rules_copy)
    assert "part_time_counting" in raised.value.problem
    assert raised.value.file.endswith(".yaml") and "policies.yaml" not in raised.value.file
    assert not [name for name in seen if name != "policies.yaml"]  # rule files were cache hits


def test_an_entry_with_another_key_or_damaged_is_ignored_and_rewritten(
    cache, rules_copy, monkeypatch
):
    _fresh(rules_copy)
    for book_entry in cache.glob("book-*"):
        book_entry.unlink()  # else the book is read back whole, and no file entry is read
    entries = sorted(cache.glob("rule-*.json"))
    entries[0].write_bytes(b'{"key": "not this one", "value": {"body": "X", "entries": []}}')
    entries[1].write_bytes(b"{not json")
    seen = _parses(monkeypatch)
    book = _fresh(rules_copy)
    assert len([name for name in seen if not name.startswith("validate")]) == 2
    assert _plain(book) == _plain(_fresh(rules_copy))
    assert b"not this one" not in entries[0].read_bytes()
    assert entries[1].read_bytes().startswith(b"{")
    assert len(book.credentials) == len(_fresh(ROOT / "rules").credentials)


def test_a_cache_that_cannot_be_written_never_breaks_a_load(tmp_path, rules_copy, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("ELIGIBILITY_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv("ELIGIBILITY_NO_CACHE", raising=False)
    try:
        book = _fresh(rules_copy)
    finally:
        load_rulebook.cache_clear()
    assert book.credentials
    assert not list(tmp_path.glob(".tmp-*"))


def test_no_temporary_files_are_left_behind(cache, rules_copy):
    _fresh(rules_copy)
    assert not list(cache.glob(".tmp-*"))
    assert all(
        p.name.startswith(("rule-", "reference-", "facts-", "book-")) for p in cache.iterdir()
    )


def test_the_key_covers_the_loading_code(cache, rules_copy, monkeypatch):
    """A different rule schema or loader source gives different keys: old entries go unread."""
    _fresh(rules_copy)
    before = {p.name for p in cache.iterdir()}
    rules._code_key.cache_clear()
    real = Path.read_bytes

    def edited(path: Path) -> bytes:
        data = real(path)
        return data + b"# edited" if path.name == "yamlio.py" else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    try:
        seen = _parses(monkeypatch)
        _fresh(rules_copy)
    finally:
        monkeypatch.undo()
        rules._code_key.cache_clear()
    assert "cpc-coc.yaml" in seen
    assert {p.name for p in cache.iterdir()} - before  # new entries under new keys


def test_an_entry_others_can_write_is_not_read(tmp_path, monkeypatch) -> None:
    """A cache entry is code-like (it decides verdicts): one writable by others is ignored."""
    from eligibility.rulebook import rules

    entry = tmp_path / "entry.json"
    entry.write_bytes(b'{"key": "k", "value": [1]}')
    entry.chmod(0o600)
    assert rules._cache_read(entry, "k") == [1]
    entry.chmod(0o666)
    assert rules._cache_read(entry, "k") is None


# --- the whole book, kept built ----------------------------------------------------------------


def _builds(monkeypatch) -> list[str]:
    """Record every build of a book from its files from now on."""
    seen: list[str] = []
    build = rules._build

    def counting(root, files):
        seen.append(str(root))
        return build(root, files)

    monkeypatch.setattr(rules, "_build", counting)
    return seen


def test_a_second_load_reads_the_book_back_without_building_it(cache, rules_copy, monkeypatch):
    first = _fresh(rules_copy)
    assert len(list(cache.glob("book-*.pickle"))) == 1
    seen = _builds(monkeypatch)
    second = _fresh(rules_copy)
    assert seen == []
    assert second is not first and _plain(second) == _plain(first)


def test_a_changed_rule_file_builds_the_book_again(cache, rules_copy, monkeypatch):
    _fresh(rules_copy)
    cpc = rules_copy / "aapc" / "cpc-coc.yaml"
    cpc.write_text(cpc.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    seen = _builds(monkeypatch)
    _fresh(rules_copy)
    assert seen == [str(rules_copy)]
    assert len(list(cache.glob("book-*.pickle"))) == 2  # one per set of files


@pytest.mark.parametrize("damage", ["key", "checksum", "truncated", "others"])
def test_a_book_entry_that_is_stale_damaged_or_not_ours_is_not_read(
    cache, rules_copy, monkeypatch, damage
):
    first = _fresh(rules_copy)
    (entry,) = cache.glob("book-*.pickle")
    data = entry.read_bytes()
    if damage == "key":
        entry.write_bytes(bytes([data[0] ^ 1]) + data[1:])
    elif damage == "checksum":
        entry.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    elif damage == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    else:
        entry.chmod(0o666)
    seen = _builds(monkeypatch)
    book = _fresh(rules_copy)
    assert seen == [str(rules_copy)]
    assert _plain(book) == _plain(first)


def test_a_book_entry_naming_other_code_is_refused_unrun(cache, rules_copy, monkeypatch, tmp_path):
    """Even an entry with the right key and checksum may name only the rule book's classes."""
    import os
    import pickle

    _fresh(rules_copy)
    (entry,) = cache.glob("book-*.pickle")
    key = entry.read_bytes()[:64]
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    payload = pickle.dumps(Payload())
    entry.write_bytes(key + rules._hash(payload, digest_size=32).digest() + payload)
    seen = _builds(monkeypatch)
    book = _fresh(rules_copy)
    assert not marker.exists()
    assert seen == [str(rules_copy)] and book.credentials


def test_a_rule_reading_facts_named_only_as_it_runs_is_refused(cache, rules_copy):
    """Its reads could not be checked against the facts or its version's open policies."""
    cpc = rules_copy / "aapc" / "cpc-coc.yaml"
    text = cpc.read_text(encoding="utf-8")
    assert "{var: experience.aapc_months}" in text
    cpc.write_text(
        text.replace(
            "{var: experience.aapc_months}", '{var: {cat: ["experience.", "aapc_months"]}}', 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        _fresh(rules_copy)
    assert raised.value.file == str(cpc)
    assert "only known as it runs" in raised.value.problem


@pytest.mark.parametrize(
    "edited",
    [
        "fact-file.schema.json",
        "kinds.py",
        "book.py",
        "rule.schema.json",
        "rulecheck.py",
        "versions.py",
    ],
)
def test_the_book_key_covers_what_its_checks_read(cache, rules_copy, monkeypatch, edited):
    """A kept book skips the checks on reads and policies, and the linter's checks, so whatever
    those checks read is in its key: an edited fact file schema, fact code (a fact's paths
    changed) or linter must build the book again."""
    _fresh(rules_copy)
    rules._code_key.cache_clear()
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        data = real(path)
        return data + b" " if path.name == edited else data

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    seen = _builds(monkeypatch)
    try:
        _fresh(rules_copy)
    finally:
        monkeypatch.undo()
        rules._code_key.cache_clear()
    assert seen == [str(rules_copy)]


def test_a_rule_file_edited_while_the_book_is_built_is_not_kept(cache, rules_copy, monkeypatch):
    cpc = rules_copy / "aapc" / "cpc-coc.yaml"
    text = cpc.read_text(encoding="utf-8")
    build = rules._build

    def editing(root, files):
        question = next(line for line in text.splitlines() if "question:" in line)
        cpc.write_text(text.replace(question, question + " (edited)", 1), encoding="utf-8")
        try:
            return build(root, files)
        finally:
            cpc.write_text(text, encoding="utf-8")

    monkeypatch.setattr(rules, "_build", editing)
    _fresh(rules_copy)  # built from the texts read before the edit, kept under their key
    monkeypatch.undo()
    book = _fresh(rules_copy)  # the file is as it was: the kept book must match it
    assert _plain(book) == _plain(_built_afresh(rules_copy, monkeypatch))


def _built_afresh(directory: Path, monkeypatch) -> rules.RuleBook:
    monkeypatch.setenv("ELIGIBILITY_NO_CACHE", "1")
    try:
        return _fresh(directory)
    finally:
        monkeypatch.delenv("ELIGIBILITY_NO_CACHE")


def test_the_book_keeps_its_paths_as_the_directory_was_given(cache, rules_copy, monkeypatch):
    """Reports show a version's file: the same rules named another way give their own paths."""
    absolute = _fresh(rules_copy)
    monkeypatch.chdir(rules_copy.parent)
    relative = _fresh(Path(rules_copy.name))
    files = {v.file for c in relative.credentials for v in c.versions}
    assert all(not Path(f).is_absolute() for f in files)
    assert all(Path(v.file).is_absolute() for c in absolute.credentials for v in c.versions)


def test_a_cache_folder_of_ours_others_can_write_to_is_made_private(cache, rules_copy):
    """A umask of 002 (or an earlier version) left it group-writable: it is made private again,
    and then used; an entry someone else put there is still never read (see above)."""
    _fresh(rules_copy)
    cache.chmod(0o777)
    _fresh(rules_copy)
    assert cache.stat().st_mode & 0o777 == 0o755
    assert rules.cache_dir() == cache


def test_a_cache_folder_that_is_another_users_is_neither_read_nor_written(
    cache, rules_copy, monkeypatch
):
    """Defence in depth: its owner could swap entries in (the book is code), so it is not used
    at all, and the book is built instead."""
    import os

    first = _fresh(rules_copy)
    assert list(cache.glob("book-*.pickle"))
    try:
        os.chown(cache, os.getuid() + 4242, -1)
    except (PermissionError, AttributeError):
        pytest.skip("making a folder another user's needs root")
    try:
        assert rules.cache_dir() is None
        seen = _builds(monkeypatch)
        book = _fresh(rules_copy)
        assert seen == [str(rules_copy)]  # not read back
        assert _plain(book) == _plain(first)
        cpc = rules_copy / "aapc" / "cpc-coc.yaml"
        cpc.write_text(cpc.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        _fresh(rules_copy)
        assert len(list(cache.glob("book-*.pickle"))) == 1  # nor written to
    finally:
        os.chown(cache, os.getuid(), -1)


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_a_new_cache_folder_is_private_and_used(cache, rules_copy, umask):
    """Whatever the umask, the folder the rule cache makes is the user's alone."""
    import os

    previous = os.umask(umask)
    try:
        _fresh(rules_copy)
    finally:
        os.umask(previous)
    assert cache.stat().st_mode & 0o777 == 0o700
    assert list(cache.glob("book-*.pickle"))


def test_old_books_and_parsed_files_do_not_pile_up(cache, rules_copy, monkeypatch):
    monkeypatch.setattr(rules, "KEPT_BOOKS", 2)
    monkeypatch.setattr(rules, "KEPT_FILES", 30)
    cpc = rules_copy / "aapc" / "cpc-coc.yaml"
    text = cpc.read_text(encoding="utf-8")
    books = []
    for edit in range(4):
        cpc.write_text(text + f"\n# edit {edit}\n", encoding="utf-8")
        _fresh(rules_copy)
        books.append(set(cache.glob("book-*.pickle")))
    newest = books[-1] - books[-2]
    assert len(books[-1]) == 2 and newest  # the two newest, the one just built among them
    assert len(list(cache.glob("rule-*.json"))) <= 30
    seen = _builds(monkeypatch)
    _fresh(rules_copy)
    assert seen == []  # what is in use is still read back


def test_a_book_in_use_is_pruned_last(cache, rules_copy, monkeypatch):
    """Reading a book back counts as using it: an old book still read survives newer ones."""
    import os

    monkeypatch.setattr(rules, "KEPT_BOOKS", 2)
    cpc = rules_copy / "aapc" / "cpc-coc.yaml"
    text = cpc.read_text(encoding="utf-8")

    def edit(n: int) -> set:
        cpc.write_text(text + f"\n# edit {n}\n", encoding="utf-8")
        _fresh(rules_copy)
        return set(cache.glob("book-*.pickle"))

    (first,) = edit(0)
    (second,) = edit(1) - {first}
    os.utime(first, (1_000, 1_000))  # both written long ago, the first one earlier
    os.utime(second, (2_000, 2_000))
    edit(0)  # the first book is read back: in use again
    assert edit(2) >= {first} and second not in edit(2)
    seen = _builds(monkeypatch)
    edit(0)
    assert seen == []  # still there: read, not built
