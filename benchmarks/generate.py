"""Seeded synthetic cohorts for tests and benchmarks.

    python -m benchmarks.generate --count 10000 --broken 10 --seed 1 --out cohort.jsonl
    python -m benchmarks.generate --count 500 --flat --out cohort.csv    # CSV default layout
    python -m benchmarks.generate --count 500 --flat --out cohort_dir/   # same students, one YAML each

Profiles vary the way real cohorts do: jobs that overlap, part-time jobs, externships, courses of
various lengths, Practicode, letters that do or do not meet AAPC's rules, AAPC and AHIMA
credentials (some apprentice), memberships, recertification cycles and CEUs. ``--flat`` limits
them to what the flat CSV layout can say (one job, one course), so that CSV and YAML give the same
verdicts. ``--broken N`` spreads N rows that are invalid (bad JSON, unknown field, impossible date).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

AS_OF = date(2026, 11, 22)
TOPICS = ["anatomy_physiology", "medical_terminology", "icd_cm_basic", "icd_pcs_basic", "cpt_basic",
          "hcpcs_level_ii", "pathophysiology", "pharmacology", "reimbursement_methodology"]  # fmt: skip
CREDENTIALS = ["CPC", "COC", "CCA", "CCS", "CRC", "CIC", "CEMC"]
AAPC_CREDENTIALS = {"CPC", "COC", "CRC", "CIC", "CEMC"}


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


def profile(rng: random.Random, number: int, flat: bool = False) -> dict[str, Any]:
    """One synthetic student or coder."""
    p: dict[str, Any] = {
        "profile_version": 1,
        "candidate_id": f"S{number:06d}",
        "name": f"Student {number}",
        "as_of": AS_OF.isoformat(),
        "education": {
            "highest_level": rng.choice(["hs_diploma", "hs_diploma", "ged", "associate"])
        },
    }
    jobs = []
    for index in range(1 if flat else rng.choice([0, 1, 1, 2, 3])):
        if flat and rng.random() < 0.2:
            break
        start = _day(rng, date(2019, 1, 1), date(2026, 10, 1))
        end = (
            None
            if rng.random() < 0.5
            else min(AS_OF, start + timedelta(days=rng.randrange(60, 1500)))
        )
        job = {
            "id": f"job{index}",
            "start_date": start.isoformat(),
            "end_date": end.isoformat() if end else None,
            "directly_assigns_codes": rng.random() < 0.9,
            "code_sets": rng.sample(
                ["CPT", "ICD-10-CM", "HCPCS-II", "ICD-10-PCS"], rng.randrange(1, 4)
            ),
        }
        if flat:
            job["directly_assigns_codes"] = True
        if rng.random() < 0.3:
            job["hours_per_week"] = rng.choice([16, 20, 24, 30, 40])
        if not flat and rng.random() < 0.1:
            job["engagement_type"] = "externship"
        jobs.append(job)
    if jobs:
        p["work_history"] = jobs
        letters = []
        for job in jobs:
            if rng.random() < 0.6:
                good = flat or rng.random() < 0.8
                letters.append(
                    {
                        "covers_work_id": job["id"],
                        "author_role": "employer" if good else "co-worker",
                        "on_letterhead": True,
                        "hand_signed": True,
                        "signed": True,
                        "letter_date": (
                            date.fromisoformat(job["end_date"]) if job["end_date"] else AS_OF
                        ).isoformat(),
                        "stated_start": job["start_date"],
                        **(
                            {"stated_end": job["end_date"]}
                            if job["end_date"]
                            else {"states_to_present": True}
                        ),
                        "contact_info_present": True,
                        "format": "pdf_non_editable",
                    }
                )
        if letters:
            p["verification_letters"] = letters
    if rng.random() < 0.6:
        done = rng.random() < 0.8
        p["training"] = [
            {
                "program_type": "school_certificate",
                "completed": done,
                "completion_date": _day(rng, date(2020, 1, 1), AS_OF).isoformat() if done else None,
                "hours": {"value": rng.choice([40, 60, 78, 80, 96, 120]), "unit": "contact_hours"},
                "topics": sorted(rng.sample(TOPICS, rng.randrange(2, len(TOPICS)))),
            }
        ]
    if rng.random() < 0.2:
        p["practicode"] = {
            "completed": True,
            "completion_date": _day(rng, date(2021, 1, 1), AS_OF).isoformat(),
        }
    held = rng.sample(CREDENTIALS, rng.choice([0, 0, 1, 1, 2]))
    if held:
        p["credentials"] = []
        for cid in held:
            awarded = _day(rng, date(2016, 1, 1), date(2026, 6, 1))
            record: dict[str, Any] = {
                "id": cid,
                "apprentice": cid in ("CPC", "COC") and rng.random() < 0.4,
            }
            if not flat:
                record["awarded_date"] = awarded.isoformat()
                if cid in ("CCA", "CCS"):
                    end = awarded + timedelta(days=730)
                    record["recert_cycles"] = [
                        {
                            "start": awarded.isoformat(),
                            "end": (end - timedelta(days=1)).isoformat(),
                            "fee_paid": True,
                        },
                        {"start": end.isoformat(), "end": (end + timedelta(days=729)).isoformat()},
                    ]
            p["credentials"].append(record)
    if rng.random() < 0.7:
        membership = {
            "organization": "AAPC",
            "paid_through": _day(rng, date(2026, 1, 1), date(2027, 12, 31)).isoformat(),
            "renewal_month": rng.randrange(1, 13),
        }
        p["memberships"] = [membership]
    elif flat and any(c["id"] in AAPC_CREDENTIALS for c in p.get("credentials", ())):
        # as its row reads (flat-csv.yaml's membership_of_holders): a holder of an AAPC
        # credential with no paid-through day has the membership, that day not known
        p["memberships"] = [{"organization": "AAPC"}]
    if not flat and rng.random() < 0.5:
        p["ceus"] = [
            {
                "completion_date": _day(rng, date(2023, 1, 1), AS_OF).isoformat(),
                "ceus": rng.randrange(2, 20),
                "hiim_domain": rng.random() < 0.8,
                "ahima_source": rng.random() < 0.4,
                "aapc_approved_vendor": True,
                "submitted_date": AS_OF.isoformat(),
            }
            for _ in range(rng.randrange(1, 6))
        ]
    return p


def broken(rng: random.Random, number: int) -> str:
    """One invalid row, as JSON Lines text."""
    kind = rng.choice(["json", "field", "date"])
    if kind == "json":
        return f'{{"candidate_id": "S{number:06d}", "name": '
    good = profile(rng, number)
    if kind == "field":
        good["favourite_colour"] = "blue"
    else:
        good["as_of"] = "2023-02-30"
    return json.dumps(good)


def flat_row(p: dict[str, Any]) -> dict[str, str]:
    """The CSV default-layout row for a ``--flat`` profile."""
    job = (p.get("work_history") or [{}])[0]
    course = (p.get("training") or [{}])[0]
    membership = (p.get("memberships") or [{}])[0]
    return {
        "candidate_id": p["candidate_id"], "name": p["name"], "as_of": p["as_of"],
        "highest_education": p["education"]["highest_level"],
        "coding_start": job.get("start_date", ""), "coding_end": job.get("end_date") or "",
        "hours_per_week": str(job.get("hours_per_week", "")), "code_sets": ";".join(job.get("code_sets", [])),
        "letter_on_file": "yes" if p.get("verification_letters") else "no",
        "course_hours": str(course.get("hours", {}).get("value", "")),
        "course_completed_on": course.get("completion_date") or "", "course_topics": ";".join(course.get("topics", [])),
        "practicode_completed_on": p.get("practicode", {}).get("completion_date", ""),
        "credentials": ";".join(c["id"] + ("-A" if c.get("apprentice") else "") for c in p.get("credentials", [])),
        "aapc_paid_through": membership.get("paid_through", ""),
        "aapc_renewal_month": str(membership.get("renewal_month", "")),
    }  # fmt: skip


def many_records(records: int) -> dict[str, Any]:
    """One profile with ``records`` overlapping part-time jobs, as many letters (half for every
    job, half for one), as many CEUs and self-reviews, and a credential with recertification
    cycles for every tenth record: the shapes whose cost once grew with the square of their
    number (``benchmarks/run.py --scaling``, ``tests/acceptance/test_nothing_lost.py``)."""
    jobs = [
        {"id": f"j{i}", "start_date": f"{2000 + i % 20}-0{1 + i % 9}-01",
         "end_date": f"{2021 + i % 5}-12-31", "hours_per_week": 10 + i % 20,
         "directly_assigns_codes": True, "code_sets": ["CPT"]}
        for i in range(records)
    ]  # fmt: skip
    letters = [
        {"author_role": "employer", "on_letterhead": True, "hand_signed": True,
         "letter_date": "2025-01-01", "stated_start": f"{2000 + i % 20}-02-01",
         "stated_end": f"{2001 + i % 20}-03-01", "contact_info_present": True,
         "format": "pdf_non_editable", **({"covers_work_id": f"j{i}"} if i % 2 else {})}
        for i in range(records)
    ]  # fmt: skip
    ceus = [
        {"completion_date": f"20{10 + i % 15}-0{1 + i % 9}-1{i % 9}", "ceus": 1 + i % 3,
         "applied_to_credential_id": "CCS" if i % 3 else "CPC"}
        for i in range(records)
    ]  # fmt: skip
    cycles = [{"start": f"{2000 + 2 * k}-01-01", "end": f"{2001 + 2 * k}-12-31"} for k in range(13)]
    credentials = [
        {"id": "CCS", "recert_cycles": cycles},
        *({"id": f"X{i}", "recert_cycles": cycles[:2]} for i in range(records // 10)),
    ]
    return {
        "profile_version": 1,
        "candidate_id": f"MANY{records}",
        "as_of": AS_OF.isoformat(),
        "work_history": jobs,
        "verification_letters": letters,
        "ceus": ceus,
        "credentials": credentials,
        "self_reviews": [{"date": "2019-05-05"}] * records,
    }


def write(
    out: str | Path, count: int, seed: int = 1, broken_rows: int = 0, flat: bool = False
) -> None:
    """Write a cohort to ``out``: .jsonl, .csv (with flat), or a directory of YAML files."""
    from eligibility.inputs.cohort import CSV_COLUMNS

    rng = random.Random(seed)
    bad = set(rng.sample(range(1, count + 1), broken_rows)) if broken_rows else set()
    target = Path(out)
    if target.suffix == ".jsonl":
        with target.open("w", encoding="utf-8") as handle:
            for number in range(1, count + 1):
                handle.write(
                    (
                        broken(rng, number)
                        if number in bad
                        else json.dumps(profile(rng, number, flat))
                    )
                    + "\n"
                )
    elif target.suffix == ".csv":
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, CSV_COLUMNS)
            writer.writeheader()
            for number in range(1, count + 1):
                writer.writerow(flat_row(profile(rng, number, flat=True)))
    else:
        import yaml

        target.mkdir(parents=True, exist_ok=True)
        for number in range(1, count + 1):
            text = yaml.safe_dump(profile(rng, number, flat), sort_keys=False)
            (target / f"s{number:06d}.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--broken", type=int, default=0, help="invalid rows to spread through a .jsonl cohort"
    )
    parser.add_argument("--flat", action="store_true", help="only what the flat CSV layout can say")
    parser.add_argument("--out", required=True, help=".jsonl, .csv or a directory")
    args = parser.parse_args()
    write(args.out, args.count, args.seed, args.broken, args.flat)


if __name__ == "__main__":
    main()
