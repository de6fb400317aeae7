"""Property tests over generated profiles (issue 11, "Nothing lost, nothing crashes", point 7).

Why: the crashes issue 11 lists were each found by hand, and each hides behind an input nobody
thought to write (a job without an id, a cycle ending 9999-12-31, a YAML tag, NaN). Here
Hypothesis writes the profiles (``tests/profile_strategies.py``): valid ones built from the
schema's fields, and the worked candidates of ``fixtures/profiles/`` mutated in every way the
issue names. Four properties must hold for all of them:

1. ``eligibility check FILE`` (also ``--format json``, and ``--cert`` of one check) never lets
   an exception escape: exit status 0, 1 or 2, no traceback, no "fault of the program" (an input
   gets an answer or an input error), and an input error is one message on stderr starting with
   "error:".
2. ``check`` and ``batch`` agree: for a cohort written as JSON Lines or as a YAML stream, each
   check's status and standing (and the conditions failed, unknown and ambiguous) in
   ``run_batch``'s CSV report are those ``check_profile`` gives for the same text in a file of its
   own; a profile one refuses, the other refuses too.
3. Answers do not depend on the order of any list, nor on fields no rule reads (bookkeeping,
   names, employers; not a CEU's provider, which the CIRCC renewal reads).
4. Reruns are identical: ``check --format json`` twice, another profile checked in between,
   gives the same bytes.

Each test asserts behaviour only (never timings). Every crash the issue lists is also an explicit
``@example``, run first on every run.

How many: 2,000 generated examples in all by default, shared between the four tests as 900, 300,
500 and 300 (a batch example is a cohort of one to four profiles), so more than 2,000 profiles.
For a longer run, set the total::

    ELIGIBILITY_PROPERTY_EXAMPLES=10000 .venv/bin/python -m pytest tests/unit/engine/test_properties.py

Hypothesis draws new examples on every run (not derandomized); a failure prints its minimal
example and a ``@reproduce_failure`` blob, and is kept in an example database under the system's
temporary directory (``$TMPDIR/eligibility-hypothesis``, never in the checkout), from which the
next run replays it first.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase

from eligibility.api import check_profile
from eligibility.batch import run_batch
from eligibility.cli import main
from eligibility.engine.results import NOT_APPLICABLE, NodeResult
from eligibility.errors import InputError
from eligibility.inputs.cohort import read_items
from eligibility.inputs.profiles import load_profile, profile_from_data
from tests.explained import deciding_ids
from tests.profile_strategies import (
    EXTREME_DAYS,
    FIXTURE_DOCUMENTS,
    FIXTURES,
    LEAP_DAYS,
    NOT_LEAP_DAYS,
    PLAUSIBLE_DAY,
    YAML_TAGS,
    Document,
    Pairs,
    Raw,
    deep,
    document_of,
    documents,
    to_yaml,
    valid_profiles,
    variant,
)

# --- settings: how many examples, and where Hypothesis keeps what it learns -----------------

TOTAL = int(os.environ.get("ELIGIBILITY_PROPERTY_EXAMPLES", "2000"))
# Hypothesis would write .hypothesis/ into the working directory (the checkout): keep it in tmp.
STORE = Path(tempfile.gettempdir()) / "eligibility-hypothesis"
set_hypothesis_home_dir(STORE)
settings.register_profile(
    "eligibility-properties",
    max_examples=TOTAL,
    deadline=None,  # a profile may take a while (CI machines vary); behaviour is what is tested
    database=DirectoryBasedExampleDatabase(STORE / "examples"),
    print_blob=True,
    # large profiles are slow to generate; that is the point, not a problem
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
PROFILE = settings.get_profile("eligibility-properties")


def share(fraction: float) -> settings:
    """This test's part of the examples: the four parts add up to TOTAL."""
    return settings(PROFILE, max_examples=max(1, round(TOTAL * fraction)))


class Rules:
    """The session's rule book, with a short repr for Hypothesis' falsifying examples."""

    def __init__(self, book) -> None:
        self.book = book

    def __repr__(self) -> str:
        return "<rule book>"


@pytest.fixture(scope="module")
def rules(rulebook) -> Rules:
    return Rules(rulebook)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    # module-scoped: Hypothesis runs many examples per test call, which tmp_path cannot serve
    return tmp_path_factory.mktemp("properties")


# --- the crashes issue 11 lists, as profiles ------------------------------------------------

C09 = dict(FIXTURES)["c09-hana-sato.yaml"]
C13 = dict(FIXTURES)["c13-laura-kim.yaml"]

# A job without an id and an AAPC-compliant letter without covers_work_id (KeyError in facts.py).
UNNAMED_JOB_LETTER = {
    "as_of": "2026-11-22",
    "work_history": [
        {"start_date": "2024-01-01", "directly_assigns_codes": True, "code_sets": ["CPT"]}
    ],
    "verification_letters": [
        {
            "author_role": "employer",
            "on_letterhead": True,
            "hand_signed": True,
            "letter_date": "2026-11-01",
            "stated_start": "2024-01-01",
            "states_to_present": True,
            "contact_info_present": True,
            "format": "pdf_non_editable",
        }
    ],
}
# A recertification cycle ending 9999-12-31, beside an unrelated CPC-A.
OPEN_ENDED_CYCLE = {
    "as_of": "2026-11-22",
    "credentials": [
        {"id": "CPC", "apprentice": True, "status": "active", "awarded_date": "2024-10-05"},
        {
            "id": "CCS",
            "status": "active",
            "awarded_date": "2018-05-14",
            "recert_cycles": [{"start": "2024-01-01", "end": "9999-12-31"}],
        },
    ],
}
AS_OF_EARLIEST = {**C09, "as_of": "0001-01-01"}
AS_OF_LATEST = {**C09, "as_of": "9999-12-31"}
# Part-time hours that are not a number.
NAN_HOURS = {
    "as_of": "2026-11-22",
    "work_history": [
        {
            "id": "job",
            "start_date": "2024-01-01",
            "hours_per_week": math.nan,
            "directly_assigns_codes": True,
            "code_sets": ["CPT", "ICD-10-CM"],
        }
    ],
}
# One credential listed twice: C13's CCS (its CEUs short) and the same CCS and cycle under
# another issuing body (the answer to CCS-recert depended on which came first).
CREDENTIAL_TWICE = {
    **C13,
    "credentials": [
        C13["credentials"][0],
        {
            "id": "CCS",
            "issuing_body": "other",
            "recert_cycles": C13["credentials"][0]["recert_cycles"],
        },
    ],
}
# Two AAPC memberships paid through the same day, renewing in different months: which one gives
# the renewal month (so the CEU periods) was tie-broken by each record's whole content, note and
# document ids included, so retelling those changed the CPC renewal (Hypothesis found it).
_MEMBERSHIP = {
    "organization": "AAPC",
    "paid_through": "2012-03-01",
    "type": "student",
    "note": "",
    "verified": False,
    "source_document_ids": [],
    "late_fee_paid": False,
    "status": "current",
}
TIED_MEMBERSHIPS = {
    "profile_version": 1,
    "as_of": "2012-01-01",
    "work_history": [
        {
            "id": "job-0",
            "start_date": "2012-01-01",
            "directly_assigns_codes": True,
            "code_sets": ["CPT", "ICD-10-CM"],
        }
    ],
    "credentials": [{"id": "CPC"}, {"id": "COC"}, {"id": "CEMC"}, {"id": "CPC-A"}],
    "memberships": [
        {**_MEMBERSHIP, "start_date": "2012-01-01", "renewal_month": 2},
        {**_MEMBERSHIP, "renewal_month": 1},
    ],
}
CRASH_PROFILES = (
    UNNAMED_JOB_LETTER,
    OPEN_ENDED_CYCLE,
    AS_OF_EARLIEST,
    AS_OF_LATEST,
    NAN_HOURS,
    CREDENTIAL_TWICE,
)


def _tagged(tag: str) -> Document:
    """C09 with its evaluation date (or, for tags that cannot hold a date, its name) tagged."""
    raw = next(r for r in YAML_TAGS if r.yaml.startswith(tag))
    field = "as_of" if tag in ("!!timestamp", "!!str") else "name"
    return document_of({**C09, field: raw}, ".yaml")


# --- 1. no exception escapes ----------------------------------------------------------------

ODD_AS_OF = EXTREME_DAYS + LEAP_DAYS + NOT_LEAP_DAYS


@st.composite
def as_of_options(draw: st.DrawFn) -> str | None:
    """``--as-of``: mostly none (the profile's own date decides), else a plausible or odd day."""
    kind = draw(st.integers(0, 5))
    if kind < 4:
        return None
    return draw(PLAUSIBLE_DAY if kind == 4 else st.sampled_from(ODD_AS_OF))


_FAULTS: dict[str, type[AssertionError]] = {}


def _fault(kind: str, message: str) -> type[AssertionError]:
    """An exception class for each kind of fault the program reports instead of crashing (its
    exception's type and words), so that Hypothesis shrinks and reports each on its own."""
    words = " ".join(re.sub(r"'[^']*'|\d+", "_", message).split()[:4])
    key = f"{kind}: {words}"
    if key not in _FAULTS:
        _FAULTS[key] = type(f"ProgramFault({key})", (AssertionError,), {})
    return _FAULTS[key]


def assert_answered_or_refused(result: Result, args: list[str]) -> None:
    """An answer (exit 0 or 1), or one clear message (exit 2); never a crash or a traceback."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # raised again from where it began, so that Hypothesis tells one crash from another
        result.exception.add_note(f"escaped from: eligibility {' '.join(args)}")
        raise result.exception
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output, (args, result.output)
    # isolation (issue 11, point 1) must not turn an input into a bug report: an input gets an
    # answer or an input error
    if "fault of the program" in result.output:
        kind = re.search(r"fault of the program.*?\((\w+): ([^)\n]*)", result.output)
        raise _fault(*(kind.groups() if kind else ("unnamed", "")))(f"{args}: {result.stderr}")
    if result.exit_code == 2:
        if "json" in args and result.stdout:  # as data, the input error is also an entry
            [entry] = json.loads(result.stdout)["profiles"]
            assert entry["error"]["problem"], (args, result.stdout)
            problems = len(entry["problems"])
        else:
            assert result.stdout == "", (args, result.stdout)
        lines = result.stderr.splitlines()
        if lines and lines[0].startswith("Usage:"):  # click's usage error: only --as-of can be bad
            assert "--as-of" in args, (args, result.stderr)
            assert sum(line.startswith("Error:") for line in lines) == 1, (args, result.stderr)
        else:
            # one message per problem of the profile (as many as a JSON error entry lists)
            assert lines and lines[0].startswith("error:"), (args, result.stderr)
            told = sum(line.startswith("error:") for line in lines)
            assert told >= 1, (args, result.stderr)
            if "json" in args and result.stdout:
                assert told == problems, (args, result.stderr, result.stdout)
    elif "json" in args:
        [report] = json.loads(result.stdout)["profiles"]
        assert report["all_met"] is (result.exit_code == 0), (args, result.exit_code)


@share(0.45)
@given(document=documents(), cert=st.integers(0, 1000), as_of=as_of_options())
@example(document=document_of(UNNAMED_JOB_LETTER, ".yaml"), cert=2, as_of=None)  # CPC-A-removal
@example(document=document_of(OPEN_ENDED_CYCLE, ".json"), cert=2, as_of=None)
@example(document=document_of(AS_OF_EARLIEST, ".yaml"), cert=0, as_of=None)
@example(document=document_of(AS_OF_LATEST, ".yaml"), cert=0, as_of=None)
@example(document=document_of(C09, ".yaml"), cert=2, as_of="9999-12-31")
@example(document=document_of(C09, ".yaml"), cert=2, as_of="0001-01-01")
@example(document=document_of(NAN_HOURS, ".yaml"), cert=2, as_of=None)  # .nan
@example(document=document_of(NAN_HOURS, ".json"), cert=2, as_of=None)  # NaN
@example(
    document=document_of({**NAN_HOURS, "name": Raw(".inf", "1e999")}, ".json"), cert=0, as_of=None
)
@example(document=document_of(CREDENTIAL_TWICE, ".yaml"), cert=0, as_of=None)
@example(document=_tagged("!!binary"), cert=0, as_of=None)
@example(document=_tagged("!!set"), cert=0, as_of=None)
@example(document=_tagged("!!timestamp"), cert=0, as_of=None)
@example(document=_tagged("!!omap"), cert=0, as_of=None)
@example(document=_tagged("!!pairs"), cert=0, as_of=None)
@example(document=_tagged("!!python/object:"), cert=0, as_of=None)
@example(document=_tagged("!foo"), cert=0, as_of=None)
@example(document=_tagged("!!str"), cert=0, as_of=None)
@example(document=_tagged("!!int"), cert=0, as_of=None)
@example(document=_tagged("!!float"), cert=0, as_of=None)
@example(document=_tagged("!!bool"), cert=0, as_of=None)
@example(document=_tagged("!!null"), cert=0, as_of=None)
@example(document=document_of({**C09, "note": deep(300, "list")}, ".yaml"), cert=0, as_of=None)
@example(document=document_of({**C09, "note": deep(500, "map")}, ".yaml"), cert=0, as_of=None)
@example(document=document_of({**C09, "name": deep(300, "map")}, ".json"), cert=0, as_of=None)
@example(  # an integer of more digits than Python converts (4,300)
    document=document_of({**C09, "name": Raw("9" * 5000, "9" * 5000)}, ".json"), cert=0, as_of=None
)
@example(
    document=document_of(Pairs([*C09.items(), ("name", "again")]), ".json"), cert=0, as_of=None
)
@example(
    document=document_of(Pairs([*C09.items(), ("name", "again")]), ".yaml"), cert=0, as_of=None
)
@example(
    document=document_of(Pairs([*C09.items(), (Raw("[a, b]", '"k"'), 1)]), ".yaml"),
    cert=0,
    as_of=None,
)
def test_check_answers_or_refuses_and_never_crashes(rules, workdir, document, cert, as_of):
    rulebook = rules.book
    path = workdir / f"profile{document.suffix}"
    path.write_bytes(document.text)
    one_check = rulebook.all_check_ids()[cert % len(rulebook.all_check_ids())]
    dated = ["--as-of", as_of] if as_of else []
    runner = CliRunner()
    for args in (
        ["check", str(path), *dated],
        ["check", str(path), "--format", "json", *dated],
        ["check", str(path), "--cert", one_check, *dated],
    ):
        assert_answered_or_refused(runner.invoke(main, args), args)


# --- 2. check and batch agree ---------------------------------------------------------------


def _policies(rulebook, picks: list[int]) -> dict[str, str]:
    """Policy values from small numbers: 0 leaves a policy at its default, k its k-th value."""
    chosen = {}
    for pick, policy in zip(picks, rulebook.policies.values(), strict=False):
        if pick:
            values = list(policy.values)
            chosen[policy.id] = values[(pick - 1) % len(values)]
    return chosen


def _csv_rows(path: Path) -> list[dict[str, str]]:
    # Python's csv reader stops at a NUL, which a generated name may hold: read around it
    text = path.read_text(encoding="utf-8").replace("\0", "\ufffd")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@share(0.15)
@given(
    cohort=st.lists(valid_profiles(), min_size=1, max_size=4),
    picks=st.lists(st.integers(0, 3), max_size=12),
    cert=st.one_of(st.none(), st.integers(0, 1000)),
    as_of=st.one_of(st.none(), PLAUSIBLE_DAY),
    suffix=st.sampled_from([".jsonl", ".yaml"]),
)
@example(cohort=list(CRASH_PROFILES), picks=[], cert=None, as_of=None, suffix=".jsonl")
@example(cohort=list(CRASH_PROFILES), picks=[], cert=None, as_of=None, suffix=".yaml")
@example(cohort=[NAN_HOURS], picks=[2], cert=2, as_of=None, suffix=".jsonl")  # fte40
def test_check_and_batch_give_the_same_answers(rules, workdir, cohort, picks, cert, as_of, suffix):
    rulebook = rules.book
    ids = rulebook.all_check_ids()
    selectors = [] if cert is None else [ids[cert % len(ids)]]
    policies = _policies(rulebook, picks)
    day = date.fromisoformat(as_of) if as_of else None
    # a cohort as JSON Lines or as a YAML stream; each profile also as a file of its own
    if suffix == ".jsonl":
        texts = [json.dumps(profile, ensure_ascii=False) for profile in cohort]
        whole, single_suffix = "\n".join(texts) + "\n", ".json"
    else:
        texts = [to_yaml(profile) for profile in cohort]
        whole, single_suffix = "".join("---\n" + text for text in texts), ".yaml"
    with tempfile.TemporaryDirectory(dir=workdir) as folder:
        source, report = Path(folder) / f"cohort{suffix}", Path(folder) / "report.csv"
        source.write_text(whole, encoding="utf-8")
        run_batch(read_items(source), rulebook, selectors, day, policies, csv_out=report)
        rows = _csv_rows(report)
        # a row batch cannot check must be an input error, not a fault of the program
        assert not [row for row in rows if "fault of the program" in row["error"]], rows
        for number, line in enumerate(texts, start=1):
            batch = [row for row in rows if row["row"] == str(number)]
            # the same text as a profile file of its own, read as `eligibility check` does
            single = Path(folder) / f"row{number}{single_suffix}"
            single.write_text(line, encoding="utf-8")
            try:
                results = check_profile(load_profile(single), selectors, day, policies, rulebook)
            except InputError as refused:  # then batch must refuse the row too
                assert [row["status"] for row in batch] == ["error"], (
                    f"row {number}: check refuses ({refused}), batch answers {batch}"
                )
                continue
            refusals = [row["error"] for row in batch if row["status"] == "error"]
            assert not refusals, f"row {number}: check answers, batch refuses: {refusals}"
            answers = results.results
            if any(result.status != NOT_APPLICABLE for result in answers):
                answers = tuple(r for r in answers if r.status != NOT_APPLICABLE)
            expected = {
                result.check_id: (
                    result.status,
                    result.standing or "",
                    *deciding_ids(result, rulebook),
                )
                for result in answers
            }
            got = {
                row["check"]: (
                    row["status"],
                    row["standing"],
                    set(filter(None, row["failed"].split(";"))),
                    set(filter(None, row["unknown"].split(";"))),
                    set(filter(None, row["ambiguous"].split(";"))),
                )
                for row in batch
            }
            assert got == expected, f"row {number} (batch, then check): {line}"


# --- 3. order and bookkeeping do not matter -------------------------------------------------


def _number(value: Any) -> Any:
    """A found or needed value, compared as a number (texts may name records by position)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return "NaN" if math.isnan(value) else round(value, 6)
    if isinstance(value, list | tuple):
        return ("items", len(value))
    if isinstance(value, date):
        return value.isoformat()
    return "text"


def _conditions(node: NodeResult | None) -> list[tuple]:
    """Every condition's id, status and numbers, in an order of their own (not the report's,
    which puts the closest pathway first and may break ties by position)."""
    if node is None:
        return []
    own = (
        node.node.id,
        node.status,
        _number(node.found),
        _number(node.needed),
        _number(node.shortfall),
        _number(node.reached_on),
    )
    return sorted([own, *(c for child in node.children for c in _conditions(child))], key=repr)


def _answers(rulebook, data: dict[str, Any]) -> Any:
    try:
        report = check_profile(profile_from_data(data, "generated"), rulebook=rulebook)
    except InputError:
        return "refused"  # the same profile told differently must be refused too
    return [
        (
            result.check_id,
            result.status,
            result.standing,
            result.version.id if result.version else None,
            _conditions(result.requires),
            _conditions(result.recommends),
            sorted((other.version.id, other.status) for other in result.others),
        )
        for result in report.results
    ]


@share(0.25)
@given(profile=valid_profiles(), seed=st.integers(0, 2**32 - 1))
@example(profile=CREDENTIAL_TWICE, seed=0)
@example(profile=UNNAMED_JOB_LETTER, seed=0)
@example(profile=TIED_MEMBERSHIPS, seed=91)
def test_answers_do_not_depend_on_order_or_bookkeeping(rules, profile, seed):
    before, after = _answers(rules.book, profile), _answers(rules.book, variant(profile, seed))
    if "refused" in (before, after):
        assert after == before, f"as given: {str(before)[:300]}; told otherwise: {str(after)[:300]}"
    changed = [
        f"{old[0]}: {old[1]}/{old[2]} -> {new[1]}/{new[2]}"
        + ("" if old[:4] != new[:4] else " (conditions differ)")
        for old, new in zip(before, after, strict=True)
        if old != new
    ]
    assert not changed, "the answers changed: " + "; ".join(changed)


# --- 4. reruns are identical ----------------------------------------------------------------


def _run_json(path: Path) -> tuple:
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    return result.exit_code, result.stdout_bytes, result.stderr_bytes, repr(result.exception)


@share(0.15)
@given(document=documents(), other=FIXTURE_DOCUMENTS)
@example(document=document_of(CREDENTIAL_TWICE, ".yaml"), other=document_of(C09, ".yaml"))
@example(document=document_of(NAN_HOURS, ".json"), other=document_of(UNNAMED_JOB_LETTER, ".yaml"))
def test_reruns_give_identical_output(workdir, document, other):
    first, between = workdir / f"rerun{document.suffix}", workdir / f"between{other.suffix}"
    first.write_bytes(document.text)
    between.write_bytes(other.text)
    before = _run_json(first)
    _run_json(between)  # another profile in between: nothing it leaves behind may change answers
    assert _run_json(first) == before
