"""Hypothesis strategies for candidate profiles, for tests/unit/engine/test_properties.py.

Two kinds: valid profiles built from the fields of ``schemas/profile.schema.json`` (overlapping
jobs, part-time hours, letters with and without ``covers_work_id``, jobs with and without ``id``,
credentials listed twice, open-ended recertification cycles, ...), and the worked candidates of
``fixtures/profiles/`` mutated the way hand-written files and attackers mutate them (keys removed,
types changed, unknown keys, extreme dates, NaN and infinity, every YAML tag, records and keys
given twice, values nested hundreds deep), written out as YAML or JSON text.

A tree may hold two markers besides plain data: :class:`Raw`, a snippet written verbatim (a YAML
tag, ``.nan``, ``1e999``, a value nested 300 deep), and :class:`Pairs`, a mapping whose keys may
repeat or be other than text. :func:`to_yaml` and :func:`to_json` write such a tree out.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_FILES = sorted((ROOT / "fixtures" / "profiles").glob("*.yaml"))

# Dates at the edges: the calendar's ends, either side of the range the tool documents
# (1900-01-01 to 2199-12-31), and Feb 29 of leap years (valid) and of years that are not.
EXTREME_DAYS = ("0001-01-01", "1899-12-31", "1900-01-01", "2199-12-31", "2200-01-01", "9999-12-31")
LEAP_DAYS = ("2024-02-29", "2000-02-29", "1904-02-29", "2196-02-29")
NOT_LEAP_DAYS = ("2023-02-29", "1900-02-29", "2100-02-29", "2025-02-29")
MALFORMED_DAYS = ("2024-1-5", "2024-13-01", "2024-00-10", "20240105", "2024-01-05T00:00:00",
                  "+2024-01-05", "2024-01-05 ", "", "0000-01-01", "10000-01-01")  # fmt: skip

CODE_SETS = ("CPT", "ICD-10-CM", "ICD-10-PCS", "HCPCS-II", "CDT", "other")
TOPICS = ("anatomy_physiology", "pathophysiology", "pharmacology", "medical_terminology",
          "reimbursement_methodology", "icd_cm_basic", "icd_cm_intermediate_advanced",
          "icd_pcs_basic", "icd_pcs_intermediate_advanced", "cpt_basic",
          "cpt_intermediate_advanced", "hcpcs_level_ii", "risk_adjustment_hcc", "e_m",
          "icd_cm", "icd_pcs", "cpt", "procedural_coding_medical_services")  # fmt: skip
# Known ids, apprentice forms, an old name, lower case and an id no registry knows.
CREDENTIAL_IDS = ("CPC", "COC", "CPC-A", "COC-A", "CPC-P", "CIC", "CRC", "CCA", "CCS", "CCS-P",
                  "RHIT", "CEMC", "CIRCC", "CPMA", "CPCO", "CDEO", "CPPM", "MCS", "CPC-H", "cpc",
                  "XYZ")  # fmt: skip


# --- trees with verbatim snippets and repeated keys ------------------------------------------


@dataclass(frozen=True)
class Raw:
    """A value written verbatim: ``yaml`` in YAML text, ``json`` in JSON text."""

    yaml: str
    json: str


class Pairs(list):
    """A mapping as (key, value) pairs: keys may repeat, and may be other than text."""


@dataclass(frozen=True)
class Document:
    """A profile file: its suffix (which reader the program uses) and its bytes."""

    suffix: str
    text: bytes


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _yaml_float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    # YAML 1.1 (PyYAML) reads a float only with a dot in it: 1e+16 would be text
    return text.replace("e", ".0e") if "e" in text and "." not in text else text


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, Raw):
        return value.yaml
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _yaml_float(value)
    if isinstance(value, dict | list) and not value:
        return "{}" if isinstance(value, dict) else "[]"
    text = str(value)
    if _ISO_DAY.fullmatch(text):  # dates as people write them: unquoted
        return text
    return _yaml_string(text)


# line breaks to YAML, a byte-order mark, and the UTF-16 surrogates: never raw in a scalar
_NOT_RAW = {"\u2028", "\u2029", "\ufeff", *map(chr, range(0xD800, 0xE000))}


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar that reads back as ``text``: characters YAML does not allow
    in a stream, and its line breaks, escaped (a raw one would be refused or folded)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFFFD) and char not in _NOT_RAW:
            out.append(char)
        elif code >= 0x10000:
            out.append(f"\\U{code:08X}")
        else:
            out.append(f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}")
    return '"' + "".join(out) + '"'


def _yaml_key(key: Any) -> str:
    if isinstance(key, str) and _PLAIN_KEY.fullmatch(key) and key.lower() not in _YAML_WORDS:
        return key
    return _yaml_scalar(key)


def _yaml_node(value: Any, indent: int) -> str:
    """The text of ``value`` after ``key:`` or ``-``: a scalar on the same line, a collection on
    the lines below, indented."""
    pad = " " * indent
    if isinstance(value, Pairs) and value:
        items = list(value)
    elif isinstance(value, dict) and value:
        items = list(value.items())
    elif isinstance(value, list) and not isinstance(value, Pairs) and value:
        return "\n" + "".join(f"{pad}-{_yaml_node(item, indent + 2)}" for item in value)
    else:
        return " " + _yaml_scalar(value) + "\n"
    return "\n" + "".join(f"{pad}{_yaml_key(k)}:{_yaml_node(v, indent + 2)}" for k, v in items)


def to_yaml(tree: Any) -> str:
    """Block-style YAML, as people write profiles (line numbers matter to the messages)."""
    if isinstance(tree, dict | list) and tree:
        return _yaml_node(tree, 0).lstrip("\n")
    return _yaml_scalar(tree) + "\n"


def _json_key(key: Any) -> str:
    if isinstance(key, Raw):
        return key.json
    return json.dumps(key if isinstance(key, str) else str(key), ensure_ascii=False)


def to_json(tree: Any, top: bool = True) -> str:
    """JSON text; NaN and infinity as Python's json module writes them (``NaN``, ``Infinity``)."""
    if isinstance(tree, Raw):
        return tree.json
    if isinstance(tree, Pairs | dict):
        items = list(tree) if isinstance(tree, Pairs) else list(tree.items())
        joint = ",\n  " if top else ", "  # one field a line at the top: errors name lines
        body = joint.join(f"{_json_key(k)}: {to_json(v, False)}" for k, v in items)
        return "{\n  " + body + "\n}" if top and items else "{" + body + "}"
    if isinstance(tree, list):
        return "[" + ", ".join(to_json(item, False) for item in tree) + "]"
    return json.dumps(tree, ensure_ascii=False)


def document_of(tree: Any, suffix: str) -> Document:
    text = to_json(tree) if suffix == ".json" else to_yaml(tree)
    return Document(suffix, text.encode("utf-8"))


# --- valid profiles --------------------------------------------------------------------------

TEXT = st.text(max_size=12)
FLAG = st.booleans()
PLAUSIBLE_DAY = st.dates(date(2012, 1, 1), date(2028, 12, 31)).map(date.isoformat)
BOOKKEEPING_FIELDS = {
    "source_document_ids": st.lists(TEXT, max_size=2),
    "verified": FLAG,
    "note": TEXT,
}


def _ordered(record: dict[str, Any], first: str, last: str) -> None:
    """Swap two dates that came out in the wrong order (an end before its start is an input
    error, which the mutations cover)."""
    both = isinstance(record.get(first), str) and isinstance(record.get(last), str)
    if both and record[last] < record[first]:
        record[first], record[last] = record[last], record[first]


@functools.cache
def _records(edgy: bool) -> SimpleNamespace:
    """The strategies for each kind of record, built once (building them is costly). In an edgy
    profile dates may be the calendar's edges, leap days or any day at all, and numbers NaN or
    infinity (which a schema's minimum and maximum do not stop)."""
    day = PLAUSIBLE_DAY  # mostly the years where careers and rule versions meet
    if edgy:
        day = st.one_of(
            day, st.sampled_from(EXTREME_DAYS + LEAP_DAYS), st.dates().map(date.isoformat)
        )
    maybe_day = st.one_of(st.none(), day)

    def amounts(high: float) -> st.SearchStrategy:
        finite = st.one_of(
            st.sampled_from([40, 20, 0, 32, 37.5, 16, 10, 5, 0.5, 30, 60]),
            st.integers(0, int(high)),
            st.floats(0, high),
        )
        return (
            st.one_of(finite, st.sampled_from([math.nan, math.inf, -math.inf])) if edgy else finite
        )

    def one(*values: str) -> st.SearchStrategy[str]:
        return st.sampled_from(values)

    milestone = st.fixed_dictionaries(
        {"completed": FLAG}, optional={"completion_date": maybe_day, **BOOKKEEPING_FIELDS}
    )
    return SimpleNamespace(
        day=day,
        top=st.fixed_dictionaries(
            {},
            optional={
                "profile_version": st.just(1),
                "candidate_id": TEXT,
                "name": TEXT,
                "as_of": day,
                "education": st.fixed_dictionaries(
                    {
                        "highest_level": one(
                            "none",
                            "hs_diploma",
                            "ged",
                            "associate",
                            "bachelor",
                            "master",
                            "doctorate",
                        )
                    },
                    optional={
                        "hs_credential": one("diploma", "ged", "none"),
                        "completion_date": day,
                        "field_of_study": TEXT,
                        "cahiim_accredited": FLAG,
                        **BOOKKEEPING_FIELDS,
                    },
                ),
                "practicode": milestone,
                "practicum": milestone,
            },
        ),
        course=st.fixed_dictionaries(
            {
                "program_type": one(
                    "aapc_course",
                    "school_certificate",
                    "degree",
                    "vendor_course",
                    "employer_training",
                    "ceu_event",
                ),
                "completed": FLAG,
            },
            optional={
                "provider": TEXT,
                "program_name": TEXT,
                "ahima_pcap_approved": FLAG,
                "aapc_course": FLAG,
                "start_date": day,
                "hours": st.fixed_dictionaries(
                    {
                        "value": amounts(1e6),
                        "unit": one(
                            "contact_hours",
                            "clock_hours",
                            "semester_credits",
                            "quarter_credits",
                            "ceus",
                        ),
                    },
                    optional={"completed_value": amounts(1e6)},
                ),
                "topics": st.lists(st.sampled_from(TOPICS), unique=True, max_size=8),
                "proof_type": one(
                    "instructor_letter",
                    "certificate_stating_hours",
                    "official_transcript",
                    "unofficial_transcript",
                    "none",
                ),
                "proof_states_contact_hours": FLAG,
                **BOOKKEEPING_FIELDS,
            },
        ),
        job=st.fixed_dictionaries(
            {
                "start_date": day,
                "directly_assigns_codes": st.sampled_from([True, True, True, False]),
                "code_sets": st.lists(st.sampled_from(CODE_SETS), unique=True, max_size=4),
            },
            optional={
                "end_date": maybe_day,
                "hours_per_week": amounts(100),  # part time, full time, left out (full time)
                "employer": TEXT,
                "role_title": TEXT,
                "engagement_type": one(
                    "employee", "contractor", "externship", "xternship", "internship", "volunteer"
                ),
                "date_precision": one("day", "month", "year"),
                "setting": one(
                    "physician_office",
                    "hospital_inpatient",
                    "hospital_outpatient",
                    "asc",
                    "snf_ltc",
                    "payer",
                    "risk_adjustment_vendor",
                    "billing_company",
                    "coding_vendor",
                    "other",
                ),
                "duties": TEXT,
                "employer_can_still_verify": FLAG,
                **BOOKKEEPING_FIELDS,
            },
        ),
        good_letter_role=one("employer", "supervisor", "hr"),
        letter=st.fixed_dictionaries(
            {"author_role": one("employer", "supervisor", "hr", "co-worker", "instructor", "self")},
            optional={
                "on_letterhead": FLAG,
                "hand_signed": FLAG,
                "signed": FLAG,
                "letter_date": maybe_day,
                "stated_start": maybe_day,
                "stated_end": maybe_day,
                "states_to_present": FLAG,
                "stated_duration": one("over a year", "two years", ""),
                "contact_info_present": FLAG,
                "format": one("pdf_non_editable", "pdf_editable", "paper", "other"),
            },
        ),
        letter_extras=st.fixed_dictionaries(
            {},
            optional={
                "states_coding_duties": FLAG,
                "states_code_sets": FLAG,
                "typed": FLAG,
                **BOOKKEEPING_FIELDS,
            },
        ),
        credential=st.fixed_dictionaries(
            {"id": st.sampled_from(CREDENTIAL_IDS)},
            optional={
                "issuing_body": one("AAPC", "AHIMA", "PAHCS", "other"),
                "exam_pass_date": day,
                "awarded_date": day,
                "apprentice": FLAG,
                "apprentice_removed_date": maybe_day,
                "status": one(
                    "active", "active", "inactive", "revoked", "expired", "lapsed", "retired"
                ),
                "status_effective_date": day,
                "cycle_start": day,
                "cycle_end": day,
                "extension_purchased": FLAG,
                "recert_cycles": st.lists(
                    st.fixed_dictionaries(
                        {"start": day, "end": day},
                        optional={
                            "fee_paid": FLAG,
                            "extension_purchased": FLAG,
                            "extension_date": day,
                            "note": TEXT,
                        },
                    ),
                    max_size=3,
                ),
                **BOOKKEEPING_FIELDS,
            },
        ),
        credential_told_otherwise=st.fixed_dictionaries(
            {},
            optional={
                "issuing_body": one("AAPC", "AHIMA", "PAHCS", "other"),
                "status": one("active", "inactive", "revoked", "expired", "lapsed", "retired"),
                "apprentice": FLAG,
                "awarded_date": day,
                "recert_cycles": st.lists(
                    st.fixed_dictionaries({"start": day, "end": day}), max_size=2
                ),
            },
        ),
        membership=st.fixed_dictionaries(
            {"organization": one("AAPC", "AHIMA", "PAHCS"), "paid_through": day},
            optional={
                "type": one(
                    "student", "individual", "corporate", "professional", "premier", "other"
                ),
                "start_date": day,
                "renewal_month": st.integers(1, 12),
                "status": one("current", "grace", "lapsed", "cancelled"),
                "late_fee_paid": FLAG,
                **BOOKKEEPING_FIELDS,
            },
        ),
        application=st.fixed_dictionaries(
            {"credential_id": st.sampled_from(CREDENTIAL_IDS)},
            optional={
                "application_date": day,
                "authorization_date": day,
                "scheduled_exam_date": day,
                "expected_results_date": day,
                **BOOKKEEPING_FIELDS,
            },
        ),
        ceu=st.fixed_dictionaries(
            {"completion_date": day, "ceus": amounts(1e6)},
            optional={
                "activity_title": TEXT,
                "provider": TEXT,
                "aapc_index_number": TEXT,
                "aapc_approved_vendor": FLAG,
                "ahima_source": FLAG,
                "hiim_domain": FLAG,
                "specialty_tags": st.lists(
                    st.sampled_from(CREDENTIAL_IDS), unique=True, max_size=3
                ),
                "delivery_mode": one(
                    "live", "webinar_live", "recorded_video", "audio", "self_study", "cd_rom"
                ),
                "instructional_minutes_per_hour": amounts(60),
                "submitted_date": maybe_day,
                "applied_to_credential_id": st.sampled_from(CREDENTIAL_IDS),
                "certificate_on_file": FLAG,
                **BOOKKEEPING_FIELDS,
            },
        ),
        self_review=st.fixed_dictionaries(
            {"date": day},
            optional={"credential_id": st.sampled_from(CREDENTIAL_IDS), "ceus": amounts(1e6)},
        ),
    )


@st.composite
def valid_profiles(draw: st.DrawFn) -> dict[str, Any]:
    """A profile the schema accepts (in an edgy one, one in four, dates and numbers at their
    edges, which the program may accept or refuse, but never crash on)."""
    kinds = _records(draw(st.integers(0, 3)) == 3)
    profile: dict[str, Any] = draw(kinds.top)
    courses = draw(st.lists(kinds.course, max_size=3))
    for course in courses:
        # a completed course has a date or none at all; one in progress may say null
        if draw(st.integers(0, 3)):
            course["completion_date"] = draw(
                kinds.day if course["completed"] else st.one_of(st.none(), kinds.day)
            )
        _ordered(course, "start_date", "completion_date")
    jobs = draw(st.lists(kinds.job, max_size=4))
    for number, job in enumerate(jobs):
        _ordered(job, "start_date", "end_date")
        if draw(st.integers(0, 3)):  # most jobs have an id; some do not
            job["id"] = f"job-{number}"
    job_ids = [job["id"] for job in jobs if "id" in job]
    letters = [_letter(draw, kinds, jobs, job_ids) for _ in range(draw(st.integers(0, 4)))]
    credentials = draw(st.lists(kinds.credential, max_size=4, unique_by=lambda c: c["id"]))
    for credential in credentials:
        _ordered(credential, "cycle_start", "cycle_end")
        for cycle in credential.get("recert_cycles", []):
            _ordered(cycle, "start", "end")
        if "recert_cycles" in credential:  # documented as oldest first
            credential["recert_cycles"].sort(key=lambda cycle: cycle["start"])
    # records listed twice: a credential, a job, a letter (a job's copy keeps no id: ids are unique)
    for records in (credentials, jobs, letters):
        if records and draw(st.integers(0, 7)) == 7:  # (integers shrink to 0: to no copy)
            again = copy.deepcopy(draw(st.sampled_from(records)))
            if records is jobs:
                again.pop("id", None)
            if records is credentials:  # the same id, told otherwise (another body, status...)
                again.update(draw(kinds.credential_told_otherwise))
            records.insert(draw(st.integers(0, len(records))), again)
    memberships = draw(st.lists(kinds.membership, max_size=2))
    for membership in memberships:
        _ordered(membership, "start_date", "paid_through")
    lists = {
        "training": courses,
        "work_history": jobs,
        "verification_letters": letters,
        "credentials": credentials,
        "memberships": memberships,
        "exam_applications": draw(st.lists(kinds.application, max_size=1)),
        "ceus": draw(st.lists(kinds.ceu, max_size=6)),
        "self_reviews": draw(st.lists(kinds.self_review, max_size=2)),
    }
    for name, records in lists.items():
        for index, record in enumerate(records):
            if name in ("training", "verification_letters") and draw(st.integers(0, 2)):
                record.setdefault("id", f"{name[:5]}-{index}")
        # a list left out and an empty list mean the same: write both
        if records or draw(st.integers(0, 3)) == 3:
            profile[name] = records
    return profile


def _letter(
    draw: st.DrawFn, kinds: SimpleNamespace, jobs: list[dict], job_ids: list[str]
) -> dict[str, Any]:
    """A letter; half of them meet AAPC's current rules (A1), so that they document time."""
    if draw(FLAG):
        letter: dict[str, Any] = {
            "author_role": draw(kinds.good_letter_role),
            "on_letterhead": True,
            "hand_signed": True,
            "signed": True,
            "letter_date": draw(kinds.day),
            "contact_info_present": True,
            "format": "pdf_non_editable",
        }
        # mostly the start of a job, so that the letter vouches for some of it
        starts = [job["start_date"] for job in jobs]
        letter["stated_start"] = draw(
            st.sampled_from(starts) if starts and draw(FLAG) else kinds.day
        )
        if draw(FLAG):
            letter["states_to_present"] = True
        else:
            letter["stated_end"] = draw(kinds.day)
    else:
        letter = draw(kinds.letter)
    letter.update(draw(kinds.letter_extras))
    if job_ids and draw(st.integers(0, 2)):  # with covers_work_id, or covering every job
        letter["covers_work_id"] = draw(st.sampled_from(job_ids))
    _ordered(letter, "stated_start", "stated_end")
    return letter


# --- the same profile, reordered and with other bookkeeping -----------------------------------

# Lists whose order carries no meaning (recert_cycles are "oldest first": not among them).
UNORDERED = ("training", "work_history", "verification_letters", "credentials", "memberships",
             "exam_applications", "ceus", "self_reviews")  # fmt: skip
UNORDERED_INNER = ("code_sets", "topics", "specialty_tags", "source_document_ids")
# Fields no rule reads, by the record they may stand in (the schema allows no others there).
BOOKKEEPING = ("note", "source_document_ids", "verified")
IRRELEVANT = {
    "education": BOOKKEEPING,
    "practicode": BOOKKEEPING,
    "practicum": BOOKKEEPING,
    "training": (*BOOKKEEPING, "provider"),
    "work_history": (*BOOKKEEPING, "employer", "role_title"),
    "verification_letters": BOOKKEEPING,
    "credentials": BOOKKEEPING,
    "memberships": BOOKKEEPING,
    "exam_applications": BOOKKEEPING,
    # not a CEU's provider: the CIRCC renewal counts CEUs from named vendors only (A6)
    "ceus": (*BOOKKEEPING, "activity_title"),
    "recert_cycles": ("note",),
}


def variant(profile: dict[str, Any], seed: int) -> dict[str, Any]:
    """The same person told differently: every unordered list shuffled and fields no rule reads
    added, changed or removed. Seed 0 only reverses every list (the simplest reordering, which
    a failing example shrinks to)."""
    rng = random.Random(seed)
    data = copy.deepcopy(profile)

    def reorder(items: list) -> None:
        if seed == 0:
            items.reverse()
        else:
            rng.shuffle(items)

    def retell(record: dict[str, Any], fields: tuple[str, ...]) -> None:
        if seed == 0:
            return
        for name in fields:
            choice = rng.randrange(4)
            if choice == 0:
                record.pop(name, None)
            elif choice == 1:
                record[name] = (
                    rng.random() < 0.5
                    if name == "verified"
                    else [f"doc-{rng.randrange(99)}"]
                    if name == "source_document_ids"
                    else f"retold {rng.randrange(10**6)}"
                )

    if seed and rng.random() < 0.5:
        data["name"] = f"Someone {rng.randrange(1000)}"
    for section, fields in IRRELEVANT.items():
        value = data.get(section)
        records = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        if section == "recert_cycles":
            records = [c for r in data.get("credentials", []) for c in r.get("recert_cycles", [])]
        for record in records:
            retell(record, fields)
            for inner in UNORDERED_INNER:
                if isinstance(record.get(inner), list):
                    reorder(record[inner])
    for section in UNORDERED:
        if isinstance(data.get(section), list):
            reorder(data[section])
    return data


# --- mutated worked candidates ---------------------------------------------------------------


class _TextDates(yaml.SafeLoader):
    """Dates stay text, as the profile format writes them."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
FIXTURES = tuple(
    (path.name, yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDates))
    for path in FIXTURE_FILES
)

# Every YAML tag, with a JSON text of the same sense. The python/* tags must never run code.
YAML_TAGS = (
    Raw("!!binary aGVsbG8=", '"aGVsbG8="'),
    Raw("!!binary not-base64!", '"not-base64!"'),
    Raw("!!set {a, b}", '["a", "b"]'),
    Raw("!!timestamp 2024-01-01", '"2024-01-01"'),
    Raw("!!timestamp 2024-01-01T10:00:00Z", '"2024-01-01T10:00:00Z"'),
    Raw("!!timestamp 9999-12-31", '"9999-12-31"'),
    Raw("!!omap [{a: 1}, {b: 2}]", '[{"a": 1}, {"b": 2}]'),
    Raw("!!pairs [{a: 1}, {a: 2}]", '[{"a": 1}, {"a": 2}]'),
    Raw("!!str 12", '"12"'),
    Raw("!!str 2024-01-01", '"2024-01-01"'),
    Raw('!!int "12"', "12"),
    Raw("!!int 0x1F", "31"),
    Raw('!!float "1.5"', "1.5"),
    Raw("!!float .nan", "NaN"),
    Raw('!!bool "yes"', "true"),
    Raw('!!null ""', "null"),
    Raw("!!map {a: 1}", '{"a": 1}'),
    Raw("!!seq [1]", "[1]"),
    Raw("!<tag:yaml.org,2002:str> verbatim", '"verbatim"'),
    Raw("!!python/object:os.system {}", "{}"),
    Raw('!!python/object/apply:os.system ["echo owned"]', '["echo owned"]'),
    Raw("!!python/name:os.system ''", '""'),
    Raw("!!python/tuple [1, 2]", "[1, 2]"),
    Raw("!foo bar", '"bar"'),
    Raw("!foo {a: 1}", '{"a": 1}'),
)
NON_FINITE = (
    Raw(".nan", "NaN"),
    Raw(".NaN", "NaN"),
    Raw(".inf", "Infinity"),
    Raw("-.inf", "-Infinity"),
    Raw("1.0e999", "1e999"),
    Raw("-1.0e999", "-1e999"),
    Raw("1e999", "1E400"),  # YAML 1.1 reads 1e999 (no dot) as text
)
# Scalars YAML reads other than they look (and their JSON spelling), and oversized ones.
TRICKY_SCALARS = (
    Raw("no", "false"),
    Raw("yes", "true"),
    Raw("on", "true"),
    Raw("~", "null"),
    Raw("", "null"),
    Raw("0o17", "15"),
    Raw("012", "12"),
    Raw("1_000", "1000"),
    Raw("12:30:00", "45000"),  # sexagesimal in YAML 1.1
    Raw("2024-02-30", '"2024-02-30"'),
    Raw("9" * 5000, "9" * 5000),
    Raw("1." + "9" * 400, "1." + "9" * 400),
    Raw(json.dumps("x" * 100_000), json.dumps("x" * 100_000)),
    Raw('"\\u0000\\u001b[31m"', '"\\u0000\\u001b[31m"'),
    Raw('"\\ud800"', '"\\ud800"'),  # a lone surrogate
)
# Keys that are not text, or cannot be a key at all.
ODD_KEYS = (
    1,
    True,
    None,
    1.5,
    Raw("2024-01-01", '"2024-01-01"'),
    Raw("[a, b]", '"[a, b]"'),
    Raw("{a: 1}", '"{a: 1}"'),
    Raw("!!binary aGk=", '"aGk="'),
    Raw("!!timestamp 2024-01-01", '"2024-01-01"'),
    Raw("!!set {a}", '"a"'),
    Raw('"\\u0000"', '"\\u0000"'),
)
FIELD_NAMES = ("id", "name", "as_of", "note", "start_date", "end_date", "hours_per_week", "ceus",
               "status", "covers_work_id", "recert_cycles", "end", "completion_date", "Name",
               "hours_a_week", "", " id", "__proto__", "<<")  # fmt: skip


def deep(levels: int, kind: str) -> Raw:
    """A value nested ``levels`` deep: lists, mappings, or both in turn."""
    if kind == "list":
        return Raw("[" * levels + "]" * levels, "[" * levels + "]" * levels)
    if kind == "map":
        return Raw("{a: " * levels + "1" + "}" * levels, '{"a": ' * levels + "1" + "}" * levels)
    yaml_text = "[{a: " * (levels // 2) + "1" + "}]" * (levels // 2)
    return Raw(yaml_text, '[{"a": ' * (levels // 2) + "1" + "}]" * (levels // 2))


DEEP = st.builds(deep, st.sampled_from([300, 500, 120]), st.sampled_from(["list", "map", "mixed"]))
ODD_DAYS = st.sampled_from(EXTREME_DAYS + LEAP_DAYS + NOT_LEAP_DAYS + MALFORMED_DAYS)
WEIRD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
    st.sampled_from([10**30, -(10**30), 2**63, -1, 0, -0.0, 1e308]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(TEXT, st.integers(), max_size=2),
    st.sampled_from(TRICKY_SCALARS),
    st.sampled_from(NON_FINITE),
    ODD_DAYS,
)

Slot = tuple[Any, Any]  # (container, key or index) of a value in the tree


def _slots(tree: Any) -> list[Slot]:
    out: list[Slot] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Pairs):
            children = [(i, value) for i, (_, value) in enumerate(node)]
        elif isinstance(node, dict):
            children = list(node.items())
        elif isinstance(node, list):
            children = list(enumerate(node))
        else:
            continue
        for key, value in children:
            out.append((node, key))
            stack.append(value)
    return out


def _get(slot: Slot) -> Any:
    container, key = slot
    return container[key][1] if isinstance(container, Pairs) else container[key]


def _set(slot: Slot, value: Any) -> None:
    container, key = slot
    if isinstance(container, Pairs):
        container[key] = (container[key][0], value)
    else:
        container[key] = value


def _mappings(tree: Any) -> list[Slot | None]:
    """Every plain mapping in the tree, as its slot (None: the tree itself)."""
    found: list[Slot | None] = [None] if isinstance(tree, dict) else []
    return found + [slot for slot in _slots(tree) if type(_get(slot)) is dict]


Mutation = Callable[[st.DrawFn, Any], Any]


def _replace_value(values: st.SearchStrategy) -> Mutation:
    def mutate(draw: st.DrawFn, tree: Any) -> Any:
        slots = _slots(tree)
        if not slots:
            return draw(values)
        _set(draw(st.sampled_from(slots)), draw(values))
        return tree

    return mutate


def _remove_key(draw: st.DrawFn, tree: Any) -> Any:
    keyed = [slot for slot in _slots(tree) if type(slot[0]) is dict]
    if keyed:
        container, key = draw(st.sampled_from(keyed))
        del container[key]
    return tree


def _unknown_key(draw: st.DrawFn, tree: Any) -> Any:
    places = _mappings(tree)
    if places:
        place = draw(st.sampled_from(places))
        mapping = tree if place is None else _get(place)
        mapping[draw(st.one_of(st.sampled_from(FIELD_NAMES), TEXT))] = draw(WEIRD)
    return tree


def _odd_date(draw: st.DrawFn, tree: Any) -> Any:
    """A date at an edge (or malformed) where a date stands; else as the evaluation date."""
    dated = [s for s in _slots(tree) if isinstance(_get(s), str) and _ISO_DAY.fullmatch(_get(s))]
    if dated and draw(st.integers(0, 3)):
        _set(draw(st.sampled_from(dated)), draw(ODD_DAYS))
    elif isinstance(tree, dict):
        tree["as_of"] = draw(ODD_DAYS)
    return tree


def _non_finite(draw: st.DrawFn, tree: Any) -> Any:
    """NaN or infinity where a number stands (else anywhere)."""
    numbers = [
        s
        for s in _slots(tree)
        if isinstance(_get(s), int | float) and not isinstance(_get(s), bool)
    ]
    slots = numbers or _slots(tree)
    if slots:
        _set(draw(st.sampled_from(slots)), draw(st.sampled_from(NON_FINITE)))
    return tree


def _twice(draw: st.DrawFn, tree: Any) -> Any:
    """A record listed twice: a credential, a job, a letter, any list item."""
    lists = [s for s in _slots(tree) if type(_get(s)) is list and _get(s)]
    if lists:
        items = _get(draw(st.sampled_from(lists)))
        item = draw(st.sampled_from(items))
        items.insert(draw(st.integers(0, len(items))), copy.deepcopy(item))
    return tree


def _as_pairs(draw: st.DrawFn, tree: Any, extra: Callable[[list], tuple]) -> Any:
    places = _mappings(tree)
    if not places:
        return tree
    place = draw(st.sampled_from(places))
    mapping = tree if place is None else _get(place)
    pairs = Pairs(mapping.items())
    pairs.insert(draw(st.integers(0, len(pairs))), extra(list(mapping.items())))
    if place is None:
        return pairs
    _set(place, pairs)
    return tree


def _duplicate_key(draw: st.DrawFn, tree: Any) -> Any:
    """A key given twice in one mapping (with the same or another value)."""

    def again(items: list) -> tuple:
        if not items:
            return ("name", "twice")
        key, value = draw(st.sampled_from(items))
        return (key, value if draw(FLAG) else draw(WEIRD))

    return _as_pairs(draw, tree, again)


def _odd_key(draw: st.DrawFn, tree: Any) -> Any:
    return _as_pairs(draw, tree, lambda _: (draw(st.sampled_from(ODD_KEYS)), draw(WEIRD)))


def _whole_document(draw: st.DrawFn, tree: Any) -> Any:
    """A document that is not a mapping at all."""
    return draw(
        st.one_of(
            st.sampled_from([Raw("", "null"), Raw("---\na: 1\n---\nb: 2", "{} {}"), [], 42]),
            st.sampled_from(YAML_TAGS),
            st.just(list(tree.values())[:2] if isinstance(tree, dict) else []),
        )
    )


MUTATIONS: tuple[Mutation, ...] = (
    _remove_key,
    _replace_value(WEIRD),
    _unknown_key,
    _odd_date,
    _non_finite,
    _replace_value(st.sampled_from(YAML_TAGS)),
    _twice,
    _duplicate_key,
    _replace_value(DEEP),
    _odd_key,
    _whole_document,
)


@st.composite
def mutated_fixtures(draw: st.DrawFn) -> Any:
    """A worked candidate (or, first, the empty profile, to which failures shrink when they can)
    with one to four mutations."""
    _, data = draw(st.sampled_from((("empty", {}), *FIXTURES)))
    tree = copy.deepcopy(data)
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        tree = mutation(draw, tree)
    return tree


# The worked candidates as they are, as YAML and as JSON: cheap to draw.
FIXTURE_DOCUMENTS = st.sampled_from(
    [document_of(data, suffix) for _, data in FIXTURES for suffix in (".yaml", ".json")]
)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    """A profile file: a valid profile, an untouched worked candidate or a mutated one, as
    YAML or JSON; sometimes with a byte-order mark, CRLF line ends, or cut short."""
    tree = draw(
        st.one_of(
            valid_profiles(),
            mutated_fixtures(),
            st.sampled_from(FIXTURES).map(lambda named: named[1]),
        )
    )
    suffix = draw(st.sampled_from([".yaml", ".json", ".yml"]))
    text = (to_json(tree) if suffix == ".json" else to_yaml(tree)).encode("utf-8")
    damage = draw(st.integers(0, 15))
    if damage == 1:
        text = b"\xef\xbb\xbf" + text
    elif damage == 2:
        text = text.replace(b"\n", b"\r\n")
    elif damage == 3:
        text = text[: draw(st.integers(0, len(text)))]
    elif damage == 4:  # not UTF-8
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + b"\xff\xfe" + text[cut:]
    return Document(suffix, text)
