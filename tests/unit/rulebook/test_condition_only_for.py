"""A condition ``only_for`` some credentials of a shared rule file (docs/rule-format.md): the
others' checks do not have it at all; loading refuses it where it would leave a credential
nothing."""

from __future__ import annotations

import copy

import pytest

from eligibility.rulebook.versions import check_names, for_credential


def _version(children: list, root_only_for: list | None = None) -> dict:
    requires = {"id": "sit", "text": "What is asked", "all": children}
    if root_only_for:
        requires["only_for"] = root_only_for
    check = {"id": "{credential}-exam", "kind": "exam", "requires": requires}
    return {"id": "V", "in_force": {"from": None}, "checks": [check]}


MEMBER = {"id": "member", "text": "A member", "logic": True}
BASE = {"id": "base", "text": "The base credential held", "logic": True, "only_for": ["SPEC"]}


def _fail(where: list, problem: str, fix: str) -> None:
    raise ValueError(f"{where}: {problem}")


def test_the_others_do_not_have_the_condition() -> None:
    version = _version([MEMBER, BASE])
    (base_exam,) = for_credential([copy.deepcopy(version)], {"id": "BASE"})
    (spec_exam,) = for_credential([copy.deepcopy(version)], {"id": "SPEC"})
    assert [c["id"] for c in base_exam["checks"][0]["requires"]["all"]] == ["member"]
    kept = spec_exam["checks"][0]["requires"]["all"]
    assert [c["id"] for c in kept] == ["member", "base"] and "only_for" not in kept[1]


@pytest.mark.parametrize(
    ("version", "problem"),
    [
        (_version([MEMBER], ["SPEC"]), "a top condition is every credential's"),
        (_version([BASE]), "no condition of it is left for BASE"),
        (_version([MEMBER, {**BASE, "only_for": ["OTHER"]}]), "'OTHER' is not one of"),
    ],
)
def test_loading_refuses_what_would_leave_a_credential_nothing(version, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        check_names([version], ["BASE", "SPEC"], _fail)
