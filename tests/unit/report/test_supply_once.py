"""How to supply a missing fact is said in full once per answer: X30 gives no date of
certification, which four of her CPC renewal's conditions read; the later ones point back."""

from __future__ import annotations

from datetime import date

from eligibility.api import check_profile
from eligibility.inputs.profiles import load_profile
from eligibility.report.render import text_report
from tests.conftest import PROFILES

HOW = "give the date you passed each AAPC credential's exam"


def test_the_way_to_supply_a_fact_is_said_once_in_the_tree(rulebook) -> None:
    profile = load_profile(str(PROFILES / "x30-aapc-undated-credential.yaml"))
    report = check_profile(profile, ["CPC-renewal"], date(2026, 11, 22), None, rulebook)
    text = text_report(report, rulebook.policies)
    tree, _, rest = text.partition("What would make this met")
    assert tree.count(HOW) == 1
    assert (
        "not known: a CEU period has ended since certification (how to give it: as above)" in tree
    )
    assert HOW in rest.splitlines()[1]  # the way forward itself is whole
    # each unknown condition still names what is not known
    assert "not known: CEUs pre-approved for the CPC so far" in rest
