"""A seeded export shaped like a student information system's, for docs/examples/.

    python -m benchmarks.sis_export --count 500 --seed 15 --out docs/examples/sis-export.csv

Written as such systems write it, not as this tool reads it: a UTF-8 byte-order mark, ``;``
between cells and CRLF line ends, its own column names (and columns the tool does not read),
first and last name apart (some accented: José Núñez), dates as MM/DD/YYYY, "High School Diploma"
and Y/N values, code sets and topics as "CPT, ICD-10-CM". ``docs/examples/sis-mapping.yaml``
reads it as it is. The students are a training program's: new graduates of a coding course,
students working in an externship or a first coding job, experienced coders, some holding an
apprentice credential, so that AAPC's and AHIMA's exams come out met, near and not met.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import date, timedelta
from pathlib import Path

EXPORTED = date(2026, 11, 20)  # the day the export was taken: no date in it is later
HEADER = (
    "Student ID", "First Name", "Last Name", "Email", "Program", "Highest Education",
    "Coding Job Start", "Coding Job End", "Hours/Week", "Code Sets Used", "Employer Letter (Y/N)",
    "Letter Date", "Course Hours", "Course Completed", "Course Topics", "Practicode Completed",
    "Certifications", "AAPC Paid Through", "AAPC Renewal Month",
)  # fmt: skip
FIRST = ["José", "Maria", "James", "Aisha", "Chloé", "Nguyễn", "Zoë", "Liam", "Fatima", "Renée",
         "Olivia", "Mateo", "Søren", "Priya", "Noah", "Ana María", "Björn", "Grace", "Jamal", "Hana",
         "Emily", "François", "Lucía", "Omar", "Ava", "Dmitri", "Siobhán", "Kwame", "Ingrid", "Wei"]  # fmt: skip
LAST = ["Núñez", "García", "Smith", "Johnson", "Dubois", "Tran", "Müller", "O'Brien", "Okafor",
        "Williams", "Brown", "López", "Jørgensen", "Patel", "Kim", "Hernández", "Nowak", "Sato",
        "Davis", "Martínez", "Wilson", "Côté", "Anderson", "Thomas", "Rossi", "Ivanova", "Moore"]  # fmt: skip
EDUCATION = ["High School Diploma"] * 6 + ["GED", "Associate Degree", "Associate Degree",
             "Bachelor's Degree", "Some College"]  # fmt: skip
CODE_SETS = [["CPT", "ICD-10-CM"], ["CPT", "ICD-10-CM", "HCPCS Level II"], ["ICD-10-CM"],
             ["ICD-10-CM", "ICD-10-PCS"], ["CPT", "ICD-10-CM", "ICD-10-PCS", "HCPCS Level II"]]  # fmt: skip
TOPICS = ["Anatomy & Physiology", "Medical Terminology", "ICD-10-CM Basics", "CPT Basics",
          "HCPCS Level II", "Pathophysiology", "Pharmacology", "Reimbursement"]  # fmt: skip
PROGRAMS = ["Medical Coding Certificate", "Health Information Technology AAS"]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange(max(1, (last - first).days)))


def _us(day: date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else ""


def student(rng: random.Random, number: int) -> list[str]:
    """One row of the export: a new graduate, a student in a first job, or an experienced coder."""
    first, last = ("José", "Núñez") if number == 1 else (rng.choice(FIRST), rng.choice(LAST))
    kind = rng.choices(["graduate", "working", "experienced", "starting"], [4, 3, 2, 1])[0]
    start = end = letter_day = completed = practicode = paid = None
    hours_week, code_sets, letter, certifications = "", "", "N", []
    if kind in ("working", "experienced"):
        years = rng.uniform(0.5, 2.2) if kind == "working" else rng.uniform(2, 9)
        start = EXPORTED - timedelta(days=int(years * 365))
        if rng.random() < 0.25:
            end = _day(rng, start + timedelta(days=120), EXPORTED)
        hours_week = rng.choice(["", "", "40", "32", "20"])
        code_sets = ", ".join(rng.choice(CODE_SETS))
        if rng.random() < 0.7:
            letter = "Y"
            letter_day = _day(rng, max(start, EXPORTED - timedelta(days=200)), EXPORTED)
    course_hours, topics = "", []
    if kind != "experienced" or rng.random() < 0.4:
        course_hours = str(rng.choice([80, 80, 120, 160, 60, 200, 640]))
        if kind != "starting" and rng.random() < 0.85:
            completed = _day(rng, date(2022, 1, 1), EXPORTED)
        topics = rng.sample(TOPICS, rng.randint(3, len(TOPICS)))
    if completed and rng.random() < 0.6:
        practicode = _day(rng, completed - timedelta(days=90), EXPORTED)
    if kind == "experienced" and rng.random() < 0.4:
        certifications = [rng.choice(["CPC-A", "CCA", "CPC-A, CRC", "COC-A"])]
    if rng.random() < 0.55:
        paid = _day(rng, EXPORTED - timedelta(days=120), EXPORTED + timedelta(days=330))
    return [
        f"{2026 - rng.randint(0, 4)}{number:05d}",
        first,
        last,
        f"{first[0].lower()}.{number}@students.example.edu",
        rng.choice(PROGRAMS),
        rng.choice(EDUCATION) if rng.random() < 0.96 else "Still in High School",
        _us(start),
        _us(end),
        hours_week,
        code_sets,
        rng.choice([letter, letter, letter.lower(), f" {letter}"]),  # as people type them
        _us(letter_day),
        course_hours,
        _us(completed),
        ", ".join(topics) if course_hours else "",
        _us(practicode),
        ", ".join(certifications),
        _us(paid),
        str(paid.month) if paid else "",
    ]


def write(path: Path, count: int, seed: int = 15) -> None:
    """The export of ``count`` students, the same for the same seed."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        out.writerow(HEADER)
        for number in range(1, count + 1):
            out.writerow(student(rng, number))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write(args.out, args.count, args.seed)


if __name__ == "__main__":
    main()
