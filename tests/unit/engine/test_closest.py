"""Which pathway is closest: what can be completed, then what can be met soonest, then fewest
unmet conditions; a condition nothing can make true is never advised."""

from __future__ import annotations

from eligibility.engine.results import MET, NOT_MET, NodeResult, inner_result
from eligibility.report.explain import _actions
from eligibility.rulebook.rules import Node


def _leaf(node_id: str, *, fix: str | None = "do it", short: float = 1.0):
    node = Node(node_id, node_id, "leaf", fix=fix, unit="months")
    return NodeResult(node, NOT_MET, found=0, needed=24, shortfall=short, distance=1)


def _all(node_id: str, *children: NodeResult) -> NodeResult:
    node = Node(node_id, node_id, "all", children=tuple(c.node for c in children))
    return inner_result(node, NOT_MET, list(children))


def _any(*children: NodeResult) -> NodeResult:
    node = Node("root", "root", "any", children=tuple(c.node for c in children))
    return inner_result(node, NOT_MET, list(children))


def test_a_pathway_that_cannot_be_completed_comes_last() -> None:
    impossible = _all("letters-lost", _leaf("cannot", fix=None))
    possible = _all("two-steps", _leaf("a"), _leaf("b"))
    root = _any(impossible, possible)
    assert [c.node.id for c in root.children] == ["two-steps", "letters-lost"]
    assert [a.completes for a in _actions(root.children)] == [("two-steps",)]


def test_a_met_pathway_comes_first() -> None:
    met = NodeResult(Node("met", "met", "leaf", fix="x"), MET)
    assert _any(_all("two", _leaf("a"), _leaf("b")), met).children[0].node.id == "met"


def test_fewer_unmet_conditions_still_come_first_among_those_that_can_be_completed() -> None:
    one = _all("one", _leaf("a", short=20))
    two = _all("two", _leaf("b"), _leaf("c"))
    assert _any(two, one).children[0].node.id == "one"


def test_among_as_many_steps_one_that_can_be_taken_now_comes_before_waiting() -> None:
    """Issue 14 item 13 (how soon): 24 months of coding that only time gives comes after a
    step a person can take now (Practicode), both lacking wholly."""
    waiting = _all("wait", _grows("experience", short=24))
    practicode = Node("practicode", "practicode", "leaf", fix="complete AAPC Practicode")
    now = _all("now", NodeResult(practicode, NOT_MET, distance=1))
    root = _any(waiting, now)
    assert [c.node.id for c in root.children] == ["now", "wait"]
    assert _actions(root.children)[0].completes == ("now",)


def test_of_two_waits_the_shorter_comes_first() -> None:
    longer = _all("longer", _grows("a", short=12))
    shorter = _all("shorter", _grows("b", short=3))
    assert [c.node.id for c in _any(longer, shorter).children] == ["shorter", "longer"]


def _grows(node_id: str, *, short: float) -> NodeResult:
    node = Node(node_id, node_id, "leaf", fix="keep coding", unit="months", grows=True)
    return NodeResult(node, NOT_MET, found=24 - short, needed=24, shortfall=short, distance=1)


def _step(node_id: str, months: float | None) -> NodeResult:
    node = Node(node_id, node_id, "leaf", fix=f"complete {node_id}", takes=months)
    return NodeResult(node, NOT_MET, distance=1)


def test_days_of_a_job_going_on_come_before_a_course() -> None:
    """Issue 14 item 13: five days of coding to come and a letter re-issued then (weeks) meet
    option 1 sooner than the course or Practicode option 2 lacks (a course's months, as the
    rules estimate them), though option 1 lacks two things and option 2 one."""
    option_1 = _all("option-1", _grows("experience", short=5 / 30.4375), _step("letter", 0.5))
    option_2 = _all("option-2", _step("course", 2))
    assert [c.node.id for c in _any(option_2, option_1).children] == ["option-1", "option-2"]


def test_a_course_and_practicode_side_by_side_come_before_months_of_coding() -> None:
    """Two steps taken side by side take as long as the longer: a course and Practicode come
    before 16 months of coding and a letter, both lacking two things."""
    option_1 = _all("option-1", _grows("experience", short=16), _step("letter", 0.5))
    option_3 = _all("option-3", _step("course", 2), _step("practicode", 2))
    assert [c.node.id for c in _any(option_1, option_3).children] == ["option-3", "option-1"]


def test_a_choice_takes_as_long_as_its_quickest() -> None:
    slow = _all("slow", _any(_step("degree", 24), _step("credential", 12)))
    quick = _all("quick", _any(_step("course", 2), _step("program", 9)), _step("letter", 0.5))
    assert [c.node.id for c in _any(slow, quick).children] == ["quick", "slow"]


def test_a_step_without_its_time_is_taken_at_once() -> None:
    """A step the rules give no time for (lint: untimed-step) ranks as taken now: a month of
    coding to come comes after it."""
    waiting = _all("wait", _grows("experience", short=1))
    now = _all("now", _step("practicode", None))
    assert [c.node.id for c in _any(waiting, now).children] == ["now", "wait"]


def test_months_of_coding_with_no_job_going_on_wait_for_one_first() -> None:
    """W09: a month of coding still to do, with no job going on, takes finding one first (the
    experience condition's takes) and comes after a course; with a job going on, before it."""
    node = Node(
        "experience", "experience", "leaf", fix="keep coding", unit="months", grows=True, takes=3
    )

    def short(going: bool) -> NodeResult:
        return NodeResult(node, NOT_MET, shortfall=1.1, needed=24, distance=1, time_gives=going)

    course = _all("course", _step("course", 2))
    assert _any(course, _all("working", short(True))).children[0].node.id == "working"
    assert _any(_all("ended", short(False)), course).children[0].node.id == "course"


def test_a_choice_nobody_can_complete_does_not_make_its_pathway_quick() -> None:
    closed = Node("closed", "closed", "leaf")  # no fix, no time: nothing makes it true
    either = _all("either", _any(_step("course", 2), NodeResult(closed, NOT_MET, distance=1)))
    letter = _all("letter", _step("letter", 0.5), _step("form", 0.5))
    assert [c.node.id for c in _any(either, letter).children] == ["letter", "either"]
