"""A way forward promises only what it delivers: for a candidate with 14 months of coding in a
current job and no letter, an action that completes a pathway needing more months than she has
worked also says how long to keep working (a letter vouches only for months already worked)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from eligibility.api import check_profile
from eligibility.engine.results import MET, NodeResult
from eligibility.inputs.profiles import load_profile
from eligibility.report.explain import explain, step
from eligibility.rulebook.rules import RuleBook
from tests.conftest import PROFILES

X93 = PROFILES / "x93-no-letter-yet.yaml"  # 14 months 22 days, job ongoing, no letter
WORKED = 14.8  # months (more than she has worked, less than a month more)


def leaves(result: NodeResult) -> Iterator[NodeResult]:
    if not result.children:
        yield result
    for child in result.children:
        yield from leaves(child)


@pytest.mark.parametrize("cpcp_apprentice", ["none", "as_cpc"])
def test_an_action_needing_more_months_than_worked_says_until_when(
    rulebook: RuleBook, cpcp_apprentice: str
) -> None:
    policies = {"cpcp_apprentice": cpcp_apprentice}
    report = check_profile(load_profile(str(X93)), policies=policies, rulebook=rulebook)
    promised = []
    for result in report.results:
        e = explain(result, rulebook.policies)
        if result.requires is None:
            continue
        pathways = {p.node.id: p for p in (result.requires, *result.requires.children)}
        for action in e.actions:
            months = [
                leaf.needed
                for pathway in action.completes
                for leaf in leaves(pathways[pathway])
                if leaf.status != MET and leaf.node.unit == "months"
                and isinstance(leaf.needed, int | float) and leaf.needed > WORKED
            ]  # fmt: skip
            if months and not any(" until " in step for step in action.steps):
                promised.append((result.check_id, action.steps, action.completes))
    assert promised == []


def test_with_no_job_going_on_an_action_says_how_many_more_months(rulebook: RuleBook) -> None:
    """Every profile: an unmet condition on months that time would close, but with no reached-on
    date (no job that counts continues), is never just "keep coding": the step says to find a
    coding job and for how many months more, and that she has none that counts now (X50's only current job
    is billing). A step that asks for something else (a letter) is not given the months: "ask
    for letters ... for 24 more months" garbled two steps into one (X11)."""
    vague, garbled = [], []
    for path in sorted(PROFILES.glob("*.yaml")):
        report = check_profile(load_profile(str(path)), rulebook=rulebook)
        for result in report.results:
            if result.requires is None:
                continue
            for leaf in leaves(result.requires):
                node = leaf.node
                if leaf.status == MET or not (node.grows and node.unit == "months"):
                    continue
                if leaf.reached_on is None and leaf.shortfall:
                    said = step(leaf, rulebook.policies)
                    where = (path.name, result.check_id, node.id, said)
                    if leaf.fix and not leaf.fix.startswith("keep"):
                        if " more month" in said or said != leaf.fix:
                            garbled.append(where)
                    elif not (
                        said.startswith("find a coding job that counts and code there for")
                        and " more month" in said
                        and said.endswith("(you have no coding job that counts now)")
                    ):
                        vague.append(where)
    assert vague == [] and garbled == []


def test_with_no_job_going_on_finding_one_comes_first() -> None:
    """The time to work is the first step of a way: a letter vouches only for work done."""
    from eligibility.report.explain import _in_order

    letter = "ask your employer for a letter"
    job = "find a coding job that counts and code there for 2 more months (you have no coding job that counts now)"
    assert _in_order({letter, job}) == (job, letter)
