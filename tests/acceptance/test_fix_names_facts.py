"""A fix may name a fact (``{aapc.last.submit_by}``), filled in with the candidate's own value
(issue 14, item 9): AAPC's advice to submit CEUs gives the last day they still count, in
``check`` and in a batch's next step, and two students of one batch with different due dates
each get their own day (the batch remembers answers across students, and must not share it).
"""

from __future__ import annotations

import calendar
import copy
import csv
import io
import json
from datetime import date
from pathlib import Path

import yaml
from click.testing import CliRunner

from eligibility.api import check
from eligibility.cli import main
from eligibility.rulebook.versions import fact_placeholders, fill_facts
from tests.conftest import PROFILES

X32 = PROFILES / "x32-aapc-unsubmitted-ceus.yaml"  # 30 CEUs unsubmitted; period due 2026-06-30
AS_OF = "2026-07-15"  # inside the 90 days after both due dates below


def _with_renewal_month(month: int) -> dict:
    """X32 renewing in ``month`` (paid through that month next year): its last period is due
    on the month's last day in 2026 for an even month."""
    data = yaml.safe_load(X32.read_text(encoding="utf-8"))
    data.pop("as_of")
    changed = copy.deepcopy(data)
    membership = changed["memberships"][0]
    membership["renewal_month"] = month
    membership["paid_through"] = date(2027, month, calendar.monthrange(2027, month)[1])
    changed["candidate_id"] = f"X32-{month}"
    return changed


def test_check_names_the_last_day_to_submit() -> None:
    text = check(str(X32), "CPC-renewal", as_of=AS_OF).to_text()
    assert "submit your CEUs to AAPC (by 2026-09-28; AAPC may charge a late fee)" in text
    assert "{" not in text


def test_each_student_of_a_batch_gets_their_own_day(tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.jsonl"
    students = [_with_renewal_month(6), _with_renewal_month(4), _with_renewal_month(6)]
    cohort.write_text(
        "".join(json.dumps(s, default=str) + "\n" for s in students), encoding="utf-8"
    )
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(
        main, ["batch", str(cohort), "--cert", "CPC-renewal", "--as-of", AS_OF, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output  # every row checked
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    steps = {row["candidate_id"]: row["next_step"] for row in rows}
    # due 2026-06-30 and 2026-04-30: the 90 days end on 2026-09-28 and 2026-07-29, the last
    # days submitting still counts
    assert "submit your CEUs to AAPC (by 2026-09-28;" in steps["X32-6"]
    assert "submit your CEUs to AAPC (by 2026-07-29;" in steps["X32-4"]
    for student in students:  # as check says it for each
        said = check(student, "CPC-renewal", as_of=AS_OF).to_text()
        day = said.split("submit your CEUs to AAPC (by ")[1][:10]
        assert f"submit your CEUs to AAPC (by {day};" in steps[student["candidate_id"]]


def test_placeholders_are_dotted_fact_paths_only() -> None:
    text = (
        "do {missing} for the {credential} by {aapc.last.submit_by|the day} or {x.specific.CIRCC}"
    )
    assert fact_placeholders(text) == ("aapc.last.submit_by", "x.specific.CIRCC")
    filled = fill_facts(text, {"aapc.last.submit_by": None, "x.specific.CIRCC": 8})
    assert filled == "do {missing} for the {credential} by the day or 8"


def test_question_mark_words_are_said_only_where_the_fact_is_true() -> None:
    text = "rejoin AAPC{aapc.credentials?. Reinstating keeps your credentials}"
    assert fact_placeholders(text) == ("aapc.credentials",)
    assert fill_facts(text, {"aapc.credentials": 2}) == (
        "rejoin AAPC. Reinstating keeps your credentials"
    )
    for none in (0, None, "", []):
        assert fill_facts(text, {"aapc.credentials": none}) == "rejoin AAPC"


def test_question_mark_words_may_give_the_words_otherwise_after_a_bar() -> None:
    text = "AAPC cancels it {aapc.certified?90 days|about 40 days} after"
    assert fill_facts(text, {"aapc.certified": True}) == "AAPC cancels it 90 days after"
    for no in (False, None, 0):
        assert fill_facts(text, {"aapc.certified": no}) == "AAPC cancels it about 40 days after"


def test_a_placeholder_s_words_may_name_facts() -> None:
    """The words of a placeholder may name facts in braces, filled first: AAPC's membership step
    gives the day AAPC cancels a lapsed membership, a certified member's or another's."""
    text = "cancelled {m.certified?on {m.certified_day}|about {m.other_day}}{m.way|, {m.paid?paid through {m.paid}|never paid}}"
    assert fact_placeholders(text) == (
        "m.certified_day",
        "m.other_day",
        "m.paid",
        "m.certified",
        "m.way",
    )
    values = {"m.certified_day": "2025-09-29", "m.other_day": "2025-08-09", "m.paid": "2025-06-30"}
    assert fill_facts(text, {**values, "m.certified": True}) == (
        "cancelled on 2025-09-29, paid through 2025-06-30"
    )
    assert fill_facts(text, {**values, "m.certified": False, "m.paid": None}) == (
        "cancelled about 2025-08-09, never paid"
    )
    assert fill_facts(text, {**values, "m.way": "rejoin"}) == "cancelled about 2025-08-09rejoin"


def test_a_batch_tells_only_its_certified_members_of_reinstatement(tmp_path: Path) -> None:
    """Two students whose memberships AAPC cancelled alike, one holding a CPC: the remembered
    answer of one must not give the other its words."""
    lapsed = {
        "organization": "AAPC",
        "start_date": "2024-07-01",
        "paid_through": "2025-06-30",
        "status": "lapsed",
    }
    plain = {"candidate_id": "S1", "memberships": [lapsed]}
    certified = {
        "candidate_id": "S2",
        "memberships": [lapsed],
        "credentials": [{"id": "CPC", "awarded_date": "2020-03-01", "status": "active"}],
    }
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_text(
        "".join(json.dumps(s) + "\n" for s in (plain, certified, plain | {"candidate_id": "S3"})),
        encoding="utf-8",
    )
    out = tmp_path / "report.csv"
    args = [
        "batch",
        str(cohort),
        "--cert",
        "CPC-P-exam",
        "--as-of",
        "2026-12-07",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output  # every row checked
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    steps = {row["candidate_id"]: row["next_step"] for row in rows}
    assert all("rejoin AAPC as a new member" in step for step in steps.values())
    assert "If AAPC revoked your credentials with it" in steps["S2"]
    assert "revoked" not in steps["S1"] and "revoked" not in steps["S3"]
