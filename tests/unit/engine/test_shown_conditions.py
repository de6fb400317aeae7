"""A condition's ``shown_if`` / ``hidden_if`` fact leaves it out of an explanation (never out of
the verdict): PAHCS's last period is not shown before one has ended (issue 14, item 4)."""

from __future__ import annotations

from datetime import date

from eligibility.api import check_profile
from eligibility.engine.results import NodeResult, resting
from eligibility.inputs.profiles import load_profile
from tests.conftest import PROFILES


def _ids(result: NodeResult | None) -> set[str]:
    if result is None:
        return set()
    return {result.node.id}.union(*(_ids(child) for child in result.children))


def _mcs(day: date, rulebook):
    profile = load_profile(str(PROFILES / "x20-pahcs-running-period.yaml"))
    (result,) = check_profile(profile, ["MCS-recert"], day, rulebook=rulebook).results
    return result


def test_a_branch_whose_shown_if_fact_is_false_is_left_out(rulebook) -> None:
    running = _mcs(date(2026, 11, 22), rulebook)  # no period has ended
    assert running.status == "met"
    assert "no-cycle-ended" in _ids(running.requires)
    assert not {"last-cycle", "last-ceus"} & _ids(running.requires)
    assert {"current-ceus", "current-submitted"} <= _ids(running.recommends)


def test_a_branch_whose_hidden_if_fact_is_true_is_left_out(rulebook) -> None:
    ended = _mcs(date(2027, 3, 15), rulebook)  # the period ended short; none runs now
    assert ended.status == "not_met"
    assert "last-ceus" in _ids(ended.requires)
    assert "no-cycle-ended" not in _ids(ended.requires)
    assert ended.recommends is None  # its root is shown only while a period runs


def test_a_standing_named_in_hide_recommends_leaves_them_out(rulebook) -> None:
    # Y95: AAPC revoked the CPC from 2026-06-30; before that it was at risk and the running
    # CEU period still mattered
    profile = load_profile(str(PROFILES / "y95-aapc-revoked-dues.yaml"))
    for day, standing, shown in (
        (date(2026, 11, 22), "revoked", False),
        (date(2026, 5, 10), "at risk", True),
    ):
        (result,) = check_profile(profile, ["CPC-renewal"], day, rulebook=rulebook).results
        assert result.standing == standing
        assert ("current-ceus" in _ids(result.recommends)) is shown
        assert result.status == "not_met"  # the verdict is the same either way


def test_an_assumption_whose_unless_fact_is_true_is_not_rested_on(rulebook) -> None:
    # A10's "about 40 days" before a lapsed membership is cancelled is for a member holding no
    # AAPC credential: X85 holds none and rests on it; Y95 holds the CPC (90 days, firm)
    for name, rests in (("x85-aapc-membership-cancelled", True), ("y95-aapc-revoked-dues", False)):
        profile = load_profile(str(PROFILES / f"{name}.yaml"))
        (result,) = check_profile(
            profile, ["CRC-exam"], date(2026, 11, 22), rulebook=rulebook
        ).results
        # the membership condition, whose step gives the day AAPC cancels the membership
        assert result.requires is not None
        assert ("aapc-membership" in {r.node.id for r in resting(result.requires)}) is rests, name


def test_an_assumption_whose_unless_logic_holds_is_not_rested_on(rulebook) -> None:
    # X99 (CONV-5): a ten-month externship and an employed job from 2026-08-22; AHIMA's CCA
    # recommends 6 months. On 2026-11-22 the 6 rest on counting the externship; on 2027-03-01
    # the employed months alone are 6, so nothing rests on it though the externship still counts
    profile = load_profile(str(PROFILES / "x99-ahima-externship-assumed.yaml"))
    for day, rests in ((date(2026, 11, 22), True), (date(2027, 3, 1), False)):
        (result,) = check_profile(profile, ["CCA-exam"], day, rulebook=rulebook).results
        assert result.recommends is not None and result.recommends.status == "met"
        assert ("rec-experience" in {r.node.id for r in resting(result.recommends)}) is rests, day
