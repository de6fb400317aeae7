"""The fast check (jsonschema_rs) and Python jsonschema give the same verdict on every input.

``validation.validate`` trusts the fast check for "valid" and asks Python jsonschema (the arbiter)
for everything else, so they must agree: over every fixture profile, every rule file, a
generated cohort with broken rows, targeted bad cases and thousands of random edits of valid
profiles. Where the raw engines disagree (year 0000, tuples, Decimal, keys that are not text,
NaN) the verdict must still be Python's, and the message for an invalid document must be the one
Python jsonschema alone gives.
"""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from benchmarks.generate import write
from eligibility.casetest import find_cases
from eligibility.errors import InputError
from eligibility.inputs import validation
from eligibility.inputs.profiles import read_text
from eligibility.inputs.validation import is_valid, validate, validator
from eligibility.inputs.yamlio import line_of, parse_text
from eligibility.rulebook.rules import REFERENCE_FILES, rule_files
from tests.conftest import PROFILES, ROOT

RULES = ROOT / "rules"
SCHEMAS = ROOT / "schemas"
HANA = PROFILES / "c09-hana-sato.yaml"


def _yaml(path: Path) -> Any:
    """A file parsed the way profiles.py and rules.py parse it (dates stay text)."""
    return parse_text(read_text(path), str(path))


def _edited(document: dict[str, Any], edit) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    edit(changed)
    return changed


def _set(path: list[str | int], value: Any):
    def edit(document: Any) -> None:
        for step in path[:-1]:
            document = document[step]
        document[path[-1]] = value

    return edit


def _delete(path: list[str | int]):
    def edit(document: Any) -> None:
        for step in path[:-1]:
            document = document[step]
        del document[path[-1]]

    return edit


def _profile_cases() -> Iterator[tuple[str, Any]]:
    """Targeted profiles: each a small edit of a valid fixture."""
    hana = _yaml(HANA)
    job = ["work_history", 0]
    edits = {
        "impossible date": _set(["as_of"], "2023-02-30"),
        "impossible nested date": _set([*job, "start_date"], "2025-04-31"),
        "month 13": _set(["as_of"], "2024-13-01"),
        "leap day": _set(["as_of"], "2024-02-29"),
        "not a leap year": _set(["as_of"], "2023-02-29"),
        "year 0000": _set(["as_of"], "0000-01-01"),
        "year 0001": _set(["as_of"], "0001-01-01"),
        "date with newline": _set(["as_of"], "2024-02-29\n"),
        "date with time": _set(["as_of"], "2024-02-29T10:00:00"),
        "date unpadded": _set(["as_of"], "2024-2-9"),
        "date in Arabic-Indic digits": _set(
            ["as_of"], "\u0662\u0660\u0662\u0664-\u0660\u0662-\u0660\u0661"
        ),
        "date in full-width digits": _set(
            ["as_of"], "\uff12\uff10\uff12\uff14-\uff10\uff12-\uff10\uff11"
        ),
        "date as a number": _set(["as_of"], 20240229),
        "null end date": _set([*job, "end_date"], None),
        "impossible end date": _set([*job, "end_date"], "2026-06-31"),
        "unknown top-level field": _set(["favourite_colour"], "blue"),
        "unknown nested field": _set([*job, "favourite_colour"], "blue"),
        "wrong type: text for a number": _set([*job, "hours_per_week"], "forty"),
        "wrong type: boolean for a number": _set([*job, "hours_per_week"], True),
        "float for a number": _set([*job, "hours_per_week"], 37.5),
        "negative hours": _set([*job, "hours_per_week"], -1),
        "huge integer": _set([*job, "hours_per_week"], 10**30),
        "wrong type: number for text": _set(["name"], 12),
        "wrong type: mapping for a list": _set(["work_history"], {"id": "job-1"}),
        "wrong type: text for a boolean": _set([*job, "directly_assigns_codes"], "yes"),
        "not an accepted value": _set([*job, "engagement_type"], "pirate"),
        "unknown code set": _set([*job, "code_sets"], ["CPT", "Klingon"]),
        "empty code sets": _set([*job, "code_sets"], []),
        "repeated code set": _set([*job, "code_sets"], ["CPT", "CPT"]),
        "missing required field": _delete([*job, "start_date"]),
        "empty name": _set(["name"], ""),
        "null for a mapping": _set(["education"], None),
    }
    for name, edit in edits.items():
        yield name, _edited(hana, edit)


def _exotic_cases() -> Iterator[tuple[str, Any]]:
    """Documents that are not plain JSON: jsonschema_rs reads some of them differently."""
    hana = _yaml(HANA)
    job = ["work_history", 0]
    edits = {
        "tuple for a list (YAML !!pairs, Python callers)": _set(
            [*job, "code_sets"], ("CPT", "ICD-10-CM")
        ),
        "list of tuples (YAML !!omap)": _set([*job, "code_sets"], [("CPT", 1)]),
        "Decimal for a number": _set([*job, "hours_per_week"], Decimal("40")),
        "key that is not text": _set([*job, 7], "seven"),
        "null key": _set([None], "nothing"),
        "NaN hours (YAML .nan)": _set([*job, "hours_per_week"], math.nan),
        "infinite hours (YAML .inf)": _set([*job, "hours_per_week"], math.inf),
        "set for a list (YAML !!set)": _set([*job, "code_sets"], {"CPT"}),
        "bytes for text (YAML !!binary)": _set(["name"], b"Hana"),
    }
    for name, edit in edits.items():
        yield name, _edited(hana, edit)


def _rule_cases() -> Iterator[tuple[str, Any]]:
    """Every rule file, and targeted breakages of one."""
    files = [p for p in rule_files(RULES) if not (p.parent == RULES and p.name in REFERENCE_FILES)]
    assert files
    for path in files:
        yield str(path.relative_to(ROOT)), _yaml(path)
    cpc = _yaml(RULES / "aapc" / "cpc-coc.yaml")
    version = ["versions", 0]
    edits = {
        "rule: impossible in_force date": _set([*version, "in_force", "from"], "2023-02-30"),
        "rule: year 0000 in_force date": _set([*version, "in_force", "from"], "0000-01-01"),
        "rule: unknown field": _set([*version, "colour"], "blue"),
        "rule: wrong confidence": _set([*version, "confidence"], "Z"),
        "rule: checks not a list": _set([*version, "checks"], {}),
        "rule: missing body": _delete(["body"]),
    }
    for name, edit in edits.items():
        yield name, _edited(cpc, edit)


def _case_cases() -> Iterator[tuple[str, Any]]:
    """Every rule test case (docs/rule-tests.md), and targeted breakages of one."""
    files = find_cases([], RULES)
    assert files
    for path in files:
        yield str(path), _yaml(path)
    hana = _yaml(RULES / "tests" / "c09-hana-sato.yaml")
    edits = {
        "case: misspelt key": _set(["node"], {"CPC-A-removal/option-1": "not_met"}),
        "case: nothing expected": _set(["expect"], {}),
        "case: a check expecting nothing": _set(["expect", "CCA-exam"], {}),
        "case: unknown status": _set(["expect", "CCA-exam", "status"], "passed"),
        "case: impossible date": _set(["as_of"], "2026-02-30"),
        "case: a run expecting nothing": _set(["runs", 0, "expect"], {}),
        "case: policy value not text": _set(
            ["policies"], {"apprentice_counts_as_credential": True}
        ),
        "case: condition key with a slash": _set(
            ["expect", "CCA-exam", "conditions"], {"a/b": "met"}
        ),
    }
    for name, edit in edits.items():
        yield name, _edited(hana, edit)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> list[tuple[str, Any]]:
    """``python -m benchmarks.generate --count 300 --broken 30 --seed 3``, parsed line by line."""
    out = tmp_path_factory.mktemp("cohort") / "cohort.jsonl"
    write(out, 300, seed=3, broken_rows=30)
    rows = []
    for number, line in enumerate(out.read_text(encoding="utf-8").splitlines(), 1):
        try:
            rows.append((f"cohort row {number}", json.loads(line)))
        except json.JSONDecodeError:
            continue  # a broken row that is not JSON never reaches validation
    return rows


@pytest.fixture(scope="module")
def corpus(cohort) -> list[tuple[str, str, Any]]:
    """(schema, case name, document) for every plain-JSON document the test looks at."""
    cases = [("profile", p.name, _yaml(p)) for p in sorted(PROFILES.glob("*.yaml"))]
    cases += [("profile", name, document) for name, document in _profile_cases()]
    cases += [("profile", name, document) for name, document in cohort]
    cases += [("rule", name, document) for name, document in _rule_cases()]
    cases += [("case", name, document) for name, document in _case_cases()]
    return cases


def _python_verdict(schema: str, document: Any) -> bool:
    return validator(schema).is_valid(document)


def test_the_corpus_has_valid_and_invalid_documents_of_each_kind(corpus):
    """Guards the other tests against passing on an empty or one-sided corpus."""
    verdicts = {(schema, _python_verdict(schema, d)) for schema, _, d in corpus}
    assert verdicts == {
        (schema, valid) for schema in ("profile", "rule", "case") for valid in (1, 0)
    }
    broken_rows = [n for s, n, d in corpus if n.startswith("cohort") and not _python_verdict(s, d)]
    assert len(broken_rows) >= 10  # the generator's unknown-field and impossible-date rows
    assert len([n for _, n, _ in corpus if n.startswith("cohort")]) >= 270


def test_the_only_format_in_the_schemas_is_date():
    """Targeted cases cover ``date``; a new format (email, uri) needs cases of its own here."""
    formats = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                formats.add(node["format"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for name in ("profile", "rule", "case"):
        walk(json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")))
    assert formats == {"date"}


def test_rust_and_python_agree_on_every_plain_json_document(corpus):
    """The Rust validator as configured (formats asserted, year 0000 refused) equals Python's."""
    disagreements = [
        (schema, name)
        for schema, name, document in corpus
        if validation._fast(schema).is_valid(document) != _python_verdict(schema, document)
    ]
    assert disagreements == []


@pytest.mark.parametrize(("name", "document"), list(_exotic_cases()), ids=lambda v: str(v)[:40])
def test_documents_that_are_not_plain_json_get_pythons_verdict(name, document):
    assert not validation._says_valid(document, "profile")  # never trusted to Rust
    assert is_valid(document, "profile") == _python_verdict("profile", document)


def test_is_valid_is_pythons_verdict_everywhere(corpus):
    cases = [*corpus, *(("profile", n, d) for n, d in _exotic_cases())]
    wrong = [(s, n) for s, n, d in cases if is_valid(d, s) != _python_verdict(s, d)]
    assert wrong == []


def _outcome(schema: str, document: Any) -> tuple[str, ...] | None:
    """What ``validate`` does with ``document``: None when valid, else the error's parts."""
    try:
        validate(document, schema, "doc.yaml", lambda path: len(path))
    except InputError as error:
        return ("InputError", error.file, error.place or "", error.problem, error.fix or "")
    except Exception as error:  # e.g. a YAML !!set: Python jsonschema cannot word it either
        return (type(error).__name__, str(error))
    return None


def test_validate_raises_exactly_the_python_message(corpus, monkeypatch):
    """The same outcome as the Python-only validation that came before (Rust check switched off)."""
    cases = [*corpus, *(("profile", n, d) for n, d in _exotic_cases())]
    got = {name: _outcome(schema, document) for schema, name, document in cases}
    monkeypatch.setattr(validation, "_says_valid", lambda document, schema, *flags: False)
    expected = {name: _outcome(schema, document) for schema, name, document in cases}
    assert got == expected
    assert sum(outcome is not None for outcome in got.values()) > 40


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            _set(["as_of"], "2023-02-30"),
            "c09-hana-sato.yaml: line 7 ($.as_of): '2023-02-30' is not a valid date\n"
            "  fix: write a real calendar date as YYYY-MM-DD (year, month, day)\n"
            "  example:\n    as_of: 2023-02-28",
        ),
        (
            _set(["as_of"], "0000-01-01"),
            "c09-hana-sato.yaml: line 7 ($.as_of): '0000-01-01' is not a valid date\n"
            "  fix: write a real calendar date as YYYY-MM-DD (year, month, day)\n"
            "  example:\n    as_of: 2024-01-01",
        ),
        (
            _set(["work_history", 0, "favourite_colour"], "blue"),
            "c09-hana-sato.yaml: line 39 ($.work_history[0].favourite_colour): "
            "unknown field 'favourite_colour'\n  fix: remove it or use one of: code_sets, "
            "date_precision, directly_assigns_codes, duties, employer, employer_can_still_verify, "
            "end_date, engagement_type, hours_per_week, id, note, other_proof, role_function, "
            "role_title, setting, source_document_ids, start_date, verified",
        ),
        (
            _set(["work_history", 0, "hours_per_week"], "forty"),
            "c09-hana-sato.yaml: line 45 ($.work_history[0].hours_per_week): hours_per_week must"
            ' be a number, not the text "forty"\n  fix: write the number in digits only, without'
            " words, units or quotes\n  example:\n    hours_per_week: 10",
        ),
    ],
    ids=["impossible date", "year 0000", "unknown field", "wrong type"],
)
def test_messages_are_unchanged(edit, message):
    """Messages exactly as they are written (lines of c09): problem, fix and example."""
    text = read_text(HANA)
    document = _edited(parse_text(text, HANA.name), edit)
    with pytest.raises(InputError) as raised:
        validate(document, "profile", HANA.name, lambda path: line_of(text, path))
    assert str(raised.value) == message


def test_rust_needs_format_assertion_and_the_date_range_pattern():
    """Why ``_fast`` is configured as it is, and why the schema's date pattern bounds the year:
    the defaults would let bad dates through."""
    schema = json.loads((SCHEMAS / "profile.schema.json").read_text(encoding="utf-8"))
    hana = _yaml(HANA)
    impossible = _edited(hana, _set(["as_of"], "2023-02-30"))
    year_zero = _edited(hana, _set(["as_of"], "0000-01-01"))
    assert jsonschema_rs.validator_for(schema).is_valid(impossible)  # 2020-12: format annotates
    unbounded = json.loads(json.dumps(schema).replace("(19|2[01])\\\\d{2}", "\\\\d{4}"))
    assert jsonschema_rs.validator_for(unbounded, validate_formats=True).is_valid(year_zero)
    assert not validation._fast("profile").is_valid(impossible)
    assert not validation._fast("profile").is_valid(year_zero)
    assert not _python_verdict("profile", year_zero)


def test_a_valid_profile_does_not_import_python_jsonschema():
    """Python jsonschema (~0.1 s to import) is loaded only to explain an invalid document."""
    code = (
        "import sys; from eligibility.inputs.profiles import load_profile; "
        f"load_profile({str(HANA)!r}); print('jsonschema' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"


_ODD_VALUES = [
    None, True, False, 0, 1, -1, 1.0, 1.5, -0.5, 10**30, math.nan, "", "x", "CPT", "yes",
    "2024-02-29", "2023-02-29", "0000-01-01", "2024-2-9", "2024-02-29\n", "\u0662\u0660\u0662\u0664-01-01",
    [], ["CPT"], ["CPT", "CPT"], [1, True], [{}], {}, {"id": "x"}, {"favourite": 1},
]  # fmt: skip


def _random_edit(document: Any, rng) -> Any:
    """``document`` with one random change: a value replaced, a key added or removed, a list
    item repeated or dropped, anywhere in it."""
    changed = copy.deepcopy(document)
    places: list[tuple[Any, Any]] = []  # (container, key or index)

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                places.append((node, key))
                collect(value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                places.append((node, index))
                collect(value)

    collect(changed)
    container, key = places[rng.randrange(len(places))]
    action = rng.randrange(5)
    if action == 0 and isinstance(container, dict):
        del container[key]
    elif action == 1 and isinstance(container, dict):
        container[rng.choice(["favourite", "id", "note", "hours_per_week", "end_date"])] = (
            rng.choice(_ODD_VALUES)
        )
    elif action == 2 and isinstance(container, list):
        container.append(container[key])
    elif action == 3 and isinstance(container, list):
        del container[key]
    else:
        container[key] = copy.deepcopy(rng.choice(_ODD_VALUES))
    return changed


def test_the_fast_check_agrees_with_python_on_random_edits_of_valid_profiles(cohort):
    """Thousands of one-change edits of valid profiles, anywhere in them: the fast check never
    calls valid what Python calls invalid."""
    import random

    rng = random.Random(20261201)
    valid = [_yaml(p) for p in sorted(PROFILES.glob("*.yaml"))]
    valid += [d for _, d in cohort if _python_verdict("profile", d)][:60]
    rust = validation._fast("profile")
    edits = [_random_edit(rng.choice(valid), rng) for _ in range(3000)]
    verdicts = [(_python_verdict("profile", e), rust.is_valid(e)) for e in edits]
    # Rust may be stricter (NaN, integers past 64 bits): Python then decides, as validate does
    assert [i for i, (python, fast) in enumerate(verdicts) if fast and not python] == []
    assert 300 < sum(python for python, _ in verdicts) < 2700  # both kinds, many of each
