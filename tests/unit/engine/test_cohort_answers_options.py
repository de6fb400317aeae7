"""A cohort's answers (``plan.assess``) are each student's explained answers (check_profile)
under the options test_cohort_answers.py leaves out: near misses and gaps time closes beside
others, subsets of checks and pinned versions, old evaluation dates (no rules in force, between two
rule versions) and every open policy value set explicitly.

Each comparison is result by result: label, check id and rule version; status and standing; the
failed / unknown / ambiguous condition ids; what the closest pathway lacks (id, status, found,
needed, shortfall) and its reached-on date: every gap time closes is dated, a near miss's or not,
as the explained path dates it. Each test also checks that its cases contain what the comparison
is about, else it would prove little.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from benchmarks.generate import write
from eligibility.api import check_profile, resolve_as_of
from eligibility.engine.plan import Memo, Plan, assess, make_plan
from eligibility.engine.results import (
    AMBIGUOUS,
    NO_RULES,
    NOT_APPLICABLE,
    NOT_MET,
    UNKNOWN,
    CheckResult,
    closest_pathway,
    missing_choice,
)
from eligibility.inputs.profiles import Profile, load_profile, profile_from_data
from eligibility.rulebook.rules import load_rulebook
from tests.explained import assert_alike, closest_unmet, lacking_fields

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "fixtures" / "profiles"


# --- what the explained path says, in the fast path's terms --------------------------------


def _lacking(result: CheckResult, book) -> list[tuple]:
    return lacking_fields(closest_unmet(result, book))


def _fast_lacking(outcome) -> list[tuple]:
    return lacking_fields(outcome.lacking)


def _version(version) -> tuple[str, str] | None:
    return (version.id, version.version) if version is not None else None


_PLANS: dict[tuple, Plan] = {}


def _plan(book, day: date, selectors) -> Plan:
    """The plan for a date and selection, compiled once for the module (plans are immutable;
    a batch keeps one per date for the whole cohort too). Memos are never shared across tests."""
    key = (id(book), day, tuple(selectors))
    if key not in _PLANS:
        _PLANS[key] = make_plan(book, day, selectors)
    return _PLANS[key]


def _compare(
    profiles: list[Profile],
    book,
    selectors: tuple[str, ...] = (),
    as_of: date | None = None,
    policies: dict[str, str] | None = None,
) -> Counter:
    """Compare both paths on every profile; returns counts of what was compared (to show that
    the cases hold what a test is about). One plan and one memo per evaluation date, shared by
    the profiles as a batch shares them."""
    plans: dict[date, tuple] = {}
    seen: Counter = Counter()
    labels = [f"{check_id}@{pin}" if pin else check_id for check_id, pin in book.wanted(selectors)]
    for profile in profiles:
        day = resolve_as_of(profile, as_of)
        if day not in plans:
            plans[day] = (_plan(book, day, selectors), Memo())
        plan, memo = plans[day]
        assert list(plan.labels) == labels
        report = check_profile(profile, selectors, as_of, policies, book)
        assert report.as_of == day
        verdicts = assess(plan, book, profile.data, policies, memo).verdicts()
        assert [v.check_id for v in verdicts] == [r.check_id for r in report.results]
        for label, verdict, result in zip(labels, verdicts, report.results, strict=True):
            where = f"{profile.source} {label}"
            assert _version(verdict.version) == _version(result.version), where
            assert_alike(verdict, result, where)
            outcome = verdict.outcome
            seen["answers"] += 1
            seen[result.status] += 1
            if result.status != NOT_MET:
                assert outcome.lacking == (), where
                assert outcome.near_miss is None, where
                continue
            slow = _lacking(result, book)
            near = len(slow) == 1 and slow[0][1] == NOT_MET
            # or one thing as check counts it: a choice of conditions (a course OR Practicode)
            pathway = closest_pathway(result.requires)
            choice = not near and pathway is not None and missing_choice(pathway) is not None
            seen["near miss"] += near
            seen["near miss on a choice"] += choice
            seen["near miss with a date"] += near and slow[0][5] is not None
            seen["dated beside others"] += 0 if near else sum(leaf[5] is not None for leaf in slow)
            seen["question to settle"] += any(leaf[1] == AMBIGUOUS for leaf in slow)
            assert _fast_lacking(outcome) == slow, where
            assert (outcome.near_miss is not None) == (near or choice), where
    return seen


def _golden() -> list[Profile]:
    return [load_profile(path) for path in sorted(GOLDEN.glob("*.yaml"))]


def _generated(tmp_path: Path, count: int, seed: int) -> list[Profile]:
    path = tmp_path / f"cohort-{seed}.jsonl"
    write(path, count, seed=seed)
    lines = path.read_text(encoding="utf-8").splitlines()
    return [profile_from_data(json.loads(line), f"row {n + 1}") for n, line in enumerate(lines)]


def _coder(candidate: str, start: str, end: str | None, **extra) -> Profile:
    """A student with one coding job (and whatever ``extra`` adds), checked on 2026-11-22."""
    data = {
        "profile_version": 1,
        "candidate_id": candidate,
        "as_of": "2026-11-22",
        "education": {"highest_level": "hs_diploma"},
        "work_history": [
            {
                "id": "job",
                "start_date": start,
                "end_date": end,
                "directly_assigns_codes": True,
                "code_sets": ["ICD-10-CM", "CPT"],
            }
        ],
        **extra,
    }
    return profile_from_data(data, candidate)


def _near_misses() -> list[Profile]:
    """Students a month or so short of a requirement time closes (dated near misses, and gaps
    time closes beside other gaps, whose dates the fast path must leave out)."""
    return [
        _coder("ALMOST", "2024-12-10", None),  # 23 months, no letters
        _coder("YEAR", "2026-01-01", None, credentials=[{"id": "CCA", "status": "active"}]),
        _coder(
            "ENDED", "2026-01-01", "2026-11-22", credentials=[{"id": "CCA", "status": "active"}]
        ),
        _coder("TWO-YEARS", "2024-10-01", None),  # 25 months: lacks only the letters (no date)
        # on 2021-06-15, days short of 24 months and without letters: option 1, met soonest,
        # lacks the months (dated) beside the letters
        _coder("DAYS", "2019-06-20", None),
    ]


# --- 1. dates: near misses, and gaps time closes beside others --------------------------------

# Where dates matter: AAPC's 2019 rules (in force on 2021-06-15) count months and letter-stated
# months that grow with an ongoing job; CCSP-SEED (in force beside the preferred CCSP-ASSUMED,
# so reached only when pinned) requires months of experience. On a profile's own date (2026) the
# rules in force have time-dependent leaves only beside others (W08's CPC-A removal).
CONFIGURATIONS = {
    "own date, every check": ((), None),
    "2021-06-15, every check": ((), date(2021, 6, 15)),
    "CCSP-SEED pinned beside the one in force": (("CCS-P-exam@CCSP-SEED", "CCS-P-exam"), None),
}


@pytest.fixture(scope="module")
def batch_cases(tmp_path_factory) -> list[Profile]:
    return _golden() + _near_misses() + _generated(tmp_path_factory.mktemp("b"), 80, seed=31)


@pytest.mark.parametrize("configuration", list(CONFIGURATIONS))
def test_the_answers_and_their_dates_are_the_same(rulebook, batch_cases, configuration) -> None:
    selectors, as_of = CONFIGURATIONS[configuration]
    seen = _compare(batch_cases, rulebook, selectors, as_of)
    assert seen["answers"] == len(batch_cases) * len(rulebook.wanted(selectors))
    assert seen["near miss"] > seen["near miss with a date"]  # undated near misses as well
    if selectors:
        assert seen["near miss with a date"]
    else:
        assert seen["dated beside others"]  # gaps beside others are dated as check dates them
        assert seen["question to settle"]  # an open question is lacking, as a step names it
        assert seen[AMBIGUOUS] and seen[UNKNOWN] and seen[NOT_APPLICABLE]


def test_a_gap_beside_others_is_dated_as_check_dates_it(rulebook) -> None:
    """W08's CPC-A removal lacks five days of its 24 months (time closes them) and letters for
    them: the months get check's date though they are not the only gap (a batch's next step
    then says until when); a student a few months from CCSP-SEED's year lacks only that: it
    gets the explained path's date, and an ended job none."""
    sam = load_profile(ROOT / "rules" / "tests" / "profiles" / "w08-option-1-in-days.yaml")
    day = resolve_as_of(sam, None)
    wanted = ["CPC-A-removal"]
    slow = _lacking(check_profile(sam, wanted, None, None, rulebook).results[0], rulebook)
    assert [leaf[0] for leaf in slow] == ["option-1-experience", "option-1-letters"]
    assert slow[0][5] is not None
    plan = make_plan(rulebook, day, wanted)
    batch = assess(plan, rulebook, sam.data).verdicts()[0].outcome
    assert [leaf.reached_on for leaf in batch.lacking] == [leaf[5] for leaf in slow]
    assert batch.near_miss is None

    selectors = ["CCS-P-exam@CCSP-SEED"]
    plan = make_plan(rulebook, day, selectors)
    memo = Memo()
    for student, dated in zip(_near_misses()[1:3], (True, False), strict=True):  # YEAR, ENDED
        result = check_profile(student, selectors, None, None, rulebook).results[0]
        (expected,) = _lacking(result, rulebook)
        outcome = assess(plan, rulebook, student.data, None, memo).verdicts()[0].outcome
        assert outcome.near_miss is not None
        assert outcome.near_miss.node.id == expected[0] == "seed-cca-experience"
        assert outcome.near_miss.reached_on == expected[5]
        assert (expected[5] is not None) == dated


# --- 2. subsets of checks and pinned versions ------------------------------------------------

SELECTIONS = [
    ("CPC",),  # a credential: its checks, in the book's order
    ("CPC-A-removal",),  # one check
    ("CCS-exam@CCS-LEG",),  # a version no longer in force, pinned
    ("CCS-P-exam@CCSP-SEED", "CCS-P-exam"),  # a version in force beside the preferred one
    ("CPC-exam@AAPC-2019", "CCA", "CPC-exam"),
    ("CPC-A-removal", "CPC", "COC-A-removal@AAPC-2019"),  # a check named twice: once, first place
    ("CCS-recert@AHIMA-RECERT-2025", "CPC-renewal@AAPC-RENEWAL-2023", "CPC-full", "CCS"),
    ("ccs-exam", "CCS-EXAM@ccs-leg", "MCS"),  # names in any case
]


@pytest.mark.parametrize("selectors", SELECTIONS, ids=lambda s: "+".join(s))
def test_a_selection_of_checks_gets_the_same_answers(tmp_path, rulebook, selectors) -> None:
    profiles = _golden() + _near_misses() + _generated(tmp_path, 40, seed=32)
    seen = _compare(profiles, rulebook, selectors)
    assert seen["answers"] == len(profiles) * len(rulebook.wanted(selectors))
    assert seen[NOT_MET]  # every selection has answers that are not met (and lacking leaves)


def test_selections_keep_the_order_asked_and_pin_the_version_named(rulebook) -> None:
    day = date(2026, 11, 22)
    plan = make_plan(rulebook, day, ("CPC-A-removal", "CPC", "CCS-exam@CCS-LEG", "CCS-exam"))
    assert plan.labels == (
        "CPC-A-removal",
        "CPC-exam",
        "CPC-full",
        "CPC-renewal",
        "CCS-exam@CCS-LEG",
        "CCS-exam",
    )
    versions = [plan.checks[i].version.id for i in plan.wanted]
    assert versions[-2:] == ["CCS-LEG", "CCS-CUR"]  # pinned, then the one in force
    # a version however spelt is one check, labelled as its rule file spells it
    spelt = make_plan(rulebook, day, ("CCS-exam@ccs-leg", "ccs-exam@CCS-LEG", "CCS-exam@Ccs-Leg"))
    assert spelt.labels == ("CCS-exam@CCS-LEG",)


def test_a_pinned_keeping_check_is_answered_as_check_profile_answers_it(rulebook) -> None:
    """A pinned renewal or recertification is answered as the one in force is: on the
    credentials as reported (it is what decides whether one lapses, so lapsing cannot be
    applied to it first), though only the version in force decides what lapses for the
    other checks. The plan must do the same as check_profile for each."""
    selectors = ("CPC-renewal", "CPC-renewal@AAPC-RENEWAL-2023", "CCS-recert@AHIMA-RECERT-2025")
    profiles = _golden()
    seen = _compare(profiles, rulebook, selectors)
    assert seen[NOT_MET] and seen[NOT_APPLICABLE]
    # c11's renewal revokes her CPC: pinned to the version in force, it says the same.
    julia = load_profile(GOLDEN / "c11-julia-brooks.yaml")
    report = check_profile(julia, selectors[:2], None, None, rulebook)
    plan = make_plan(rulebook, report.as_of, selectors[:2])
    fast = [(v.status, v.standing) for v in assess(plan, rulebook, julia.data).verdicts()]
    assert fast == [(r.status, r.standing) for r in report.results]
    assert fast == [(NOT_MET, "revoked"), (NOT_MET, "revoked")]
    # ... and beside checks that need a credential held, both paths still agree (the one in
    # force decides what lapses, pinned or not asked for)
    _compare(profiles, rulebook, (*selectors[1:], "CIC-exam", "CPC-A-removal", "CCS-exam"))


# --- 3. old evaluation dates -----------------------------------------------------------------

DAYS = [
    date(1990, 1, 1),  # only the undated versions are in force; AAPC's exams have no rules
    date(2015, 9, 30),  # the last day of CCS-LEG
    date(2015, 10, 1),  # the first day of CCS-CUR
    date(2018, 12, 31),  # the day before AAPC-2019
    date(2021, 6, 15),  # between AAPC-2019 and AAPC-2023: the 2019 rules decide
    date(2022, 12, 31),  # the last day of AAPC-2019
    date(2023, 1, 1),  # the first day of AAPC-2023
]


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_an_old_date_gets_the_same_answers_for_every_golden_profile(rulebook, day) -> None:
    profiles = _golden()
    seen = _compare(profiles, rulebook, as_of=day)
    checks = rulebook.all_check_ids()
    assert seen["answers"] == len(profiles) * len(checks)
    none_in_force = [c for c in checks if rulebook.select(c, day) is None]
    assert seen[NO_RULES] == len(profiles) * len(none_in_force)
    plan = make_plan(rulebook, day)
    verdicts = assess(plan, rulebook, profiles[0].data).verdicts()
    by_id = {v.check_id: v for v in verdicts}
    aapc = by_id["CPC-exam"]
    if day < date(2019, 1, 1):
        assert aapc.status == NO_RULES and aapc.version is None
    else:
        assert aapc.version.id == ("AAPC-2019" if day < date(2023, 1, 1) else "AAPC-2023")
    assert by_id["CCS-exam"].version.id == ("CCS-LEG" if day < date(2015, 10, 1) else "CCS-CUR")


def test_nothing_in_force_gives_no_rules_both_ways(rulebook) -> None:
    day = date(1990, 1, 1)
    profiles = _golden()
    for profile in profiles:
        report = check_profile(profile, ["CPC", "COC-exam"], day, None, rulebook)
        verdicts = assess(make_plan(rulebook, day, ["CPC", "COC-exam"]), rulebook, profile.data)
        statuses = [v.status for v in verdicts.verdicts()]
        assert statuses[:3] == [NO_RULES] * 3  # CPC-exam, CPC-full, CPC-A-removal
        assert statuses[-1] == NO_RULES  # COC-exam
        assert statuses == [r.status for r in report.results]


def test_pinned_versions_on_old_dates_get_the_same_answers(rulebook) -> None:
    selectors = ("CPC-exam@AAPC-2023", "CCS-exam@CCS-CUR", "CPC-exam", "CCS-exam")
    for day in (date(1990, 1, 1), date(2015, 9, 30), date(2021, 6, 15)):
        seen = _compare(_golden(), rulebook, selectors, as_of=day)
        assert seen[NO_RULES] == (len(_golden()) if day < date(2019, 1, 1) else 0)
        assert seen[NOT_MET]


# --- 4. every open policy value set explicitly ----------------------------------------------

_BOOK = load_rulebook(str(ROOT / "rules"))
SETTINGS = [
    {policy.id: value}
    for policy in _BOOK.policies.values()
    for value in policy.values
    if value != policy.default
]
SETTINGS += [
    _BOOK.default_policies(),  # every default, set explicitly: no answer is ambiguous
    {p.id: next(v for v in p.values if v != p.default) for p in _BOOK.policies.values()},
]


def _setting_id(setting: dict[str, str]) -> str:
    if setting == _BOOK.default_policies():
        return "all-defaults"
    if len(setting) > 1:
        return "all-others"
    return ",".join(f"{k}={v}" for k, v in setting.items())


def _policy_students() -> list[Profile]:
    """Students whose answers turn on a policy the golden cases leave alone."""
    apprentice = _coder(  # CCS-LEG's pathway of another body's credential: is a CPC-A one?
        "APPRENTICE",
        "2024-01-01",
        "2025-06-30",
        credentials=[{"id": "CPC", "apprentice": True, "status": "active"}],
    )
    scope = profile_from_data(  # a cycle that begins before 2025 and ends after: 40% rule?
        {
            "profile_version": 1,
            "candidate_id": "SCOPE",
            "as_of": "2026-11-22",
            "education": {"highest_level": "hs_diploma"},
            "credentials": [
                {
                    "id": "CCA",
                    "issuing_body": "AHIMA",
                    "exam_pass_date": "2023-03-01",
                    "status": "active",
                    "recert_cycles": [
                        {"start": "2023-03-01", "end": "2025-02-28", "fee_paid": True}
                    ],
                }
            ],
            "ceus": [
                {
                    "activity_title": "Coding webinars",
                    "provider": "A vendor",
                    "ahima_source": False,
                    "hiim_domain": True,
                    "completion_date": "2024-05-01",
                    "ceus": 20,
                }
            ],
        },
        "SCOPE",
    )
    # a CRC earned during the CPC's period: does it raise that period's CEUs (Z18)?
    added = load_profile(
        ROOT / "rules" / "tests" / "profiles" / "z18-aapc-credential-mid-period.yaml"
    )
    # 30 months of volunteer coding: does AHIMA count it (CCS-LEG's 24 months, Z66)?
    volunteer = load_profile(ROOT / "rules" / "tests" / "profiles" / "z66-volunteer-coding.yaml")
    return [apprentice, scope, added, volunteer]


# Old versions, pinned: AAPC-2019 names vague_duration_statement (c10's letter states only a
# duration), CCS-LEG requires what apprentice_counts_as_credential decides.
PINNED_OLD = (
    "CPC-full@AAPC-2019",
    "CPC-A-removal@AAPC-2019",
    "CCS-exam@CCS-LEG",
    "CCS-P-exam@CCSP-SEED",
)


@pytest.fixture(scope="module")
def policy_cases(tmp_path_factory) -> list[Profile]:
    return (
        _golden()
        + _near_misses()
        + _policy_students()
        + _generated(tmp_path_factory.mktemp("p"), 16, seed=33)
    )


# cca_icd_procedural is read only by CCA's recommendations, which never decide a status.
RECOMMENDS_ONLY = {"cca_icd_procedural"}


def _statuses(profiles, book, selectors, policies) -> list[tuple]:
    out = []
    for profile in profiles:
        plan = _plan(book, resolve_as_of(profile, None), selectors)
        out += [
            (v.status, v.standing) for v in assess(plan, book, profile.data, policies).verdicts()
        ]
    return out


@pytest.mark.parametrize("setting", SETTINGS, ids=_setting_id)
def test_an_explicit_policy_value_gets_the_same_answers(rulebook, policy_cases, setting) -> None:
    changed = 0
    for selectors in ((), PINNED_OLD):
        seen = _compare(policy_cases, rulebook, selectors, policies=setting)
        assert seen["answers"] == len(policy_cases) * len(rulebook.wanted(selectors))
        if len(setting) == len(rulebook.policies):
            assert not seen[AMBIGUOUS]  # nothing is left open
        unset = _statuses(policy_cases, rulebook, selectors, None)
        changed += unset != _statuses(policy_cases, rulebook, selectors, setting)
    assert bool(changed) == (not set(setting) <= RECOMMENDS_ONLY)  # the cases feel the setting
