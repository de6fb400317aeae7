"""A condition asking a list fact for codes names the ones missing, in the fact file's words,
and its advice (``{missing}`` in a rule's fix) says which."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date

import pytest

from eligibility.api import check_profile
from eligibility.engine.results import lacking_parts
from eligibility.errors import InputError
from eligibility.facts import FactPath
from eligibility.inputs.profiles import load_profile
from eligibility.report.explain import and_list, step
from eligibility.rulebook.rules import load_rulebook
from tests.conftest import PROFILES, RULES

TOPICS_FACT = FactPath(
    "training.topics",
    "topics",
    words={"anatomy_physiology": "anatomy and physiology"},
    either_words=((frozenset({"icd_cm_basic", "icd_cm"}), "ICD-10-CM coding at any level"),),
)
TOPICS = {"var": "training.topics"}


def _lacking(logic, topics, policy="strict"):
    facts = {"training": {"topics": topics}, "policies": {"p": policy}}
    return lacking_parts(logic, facts, {"training.topics": TOPICS_FACT}.get)


def test_each_failing_part_is_named_in_the_fact_files_words() -> None:
    logic = {
        "and": [
            {"in": ["anatomy_physiology", TOPICS]},
            {"in": ["pathophysiology", TOPICS]},
            {"in": ["pharmacology", TOPICS]},
        ]
    }
    assert _lacking(logic, ["pharmacology"]) == ("anatomy and physiology", "pathophysiology")


def test_an_or_reads_either_and_a_policy_part_is_not_named() -> None:
    logic = {
        "and": [
            {"or": [{"in": ["cpt_basic", TOPICS]}, {"in": ["cpt_intermediate_advanced", TOPICS]}]},
            {"==": [{"var": "policies.p"}, "lenient"]},
        ]
    }
    assert _lacking(logic, []) == ("cpt basic or cpt intermediate advanced",)
    assert _lacking(logic, ["cpt_basic"]) == ()


def test_an_or_of_exactly_a_groups_codes_reads_as_the_group() -> None:
    either = {"or": [{"in": ["icd_cm_basic", TOPICS]}, {"in": ["icd_cm", TOPICS]}]}
    assert _lacking({"and": [either]}, []) == ("ICD-10-CM coding at any level",)
    other = {"or": [{"in": ["icd_cm_basic", TOPICS]}, {"in": ["anatomy_physiology", TOPICS]}]}
    assert _lacking({"and": [other]}, []) == ("icd cm basic or anatomy and physiology",)


def test_the_shipped_topic_groups_name_each_level_once(rulebook) -> None:
    # CCA's recommended training, with a course covering medical terminology only
    profile = load_profile(str(PROFILES / "x51-missing-topics.yaml"))
    report = check_profile(profile, ["CCA-exam"], date(2026, 11, 22), None, rulebook)
    data = dict(profile.data, training=[dict(profile.data["training"][0], topics=["e_m"])])
    result = check_profile(
        replace(profile, data=data), ["CCA-exam"], date(2026, 11, 22), None, rulebook
    ).results[0]
    (leaf,) = (n for n in _walk(result.recommends) if n.node.id == "rec-training")
    assert "CPT coding at any level (or procedural coding and medical services)" in leaf.lacking
    assert not any(" or intermediate/advanced " in part for part in leaf.lacking)
    assert report.results[0].status == "met"


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def test_a_list_reads_as_a_sentence() -> None:
    assert and_list(("a",)) == "a"
    assert and_list(("a", "b", "c")) == "a, b and c"


def test_the_advice_names_the_missing_topics(rulebook) -> None:
    profile = load_profile(str(PROFILES / "x51-missing-topics.yaml"))
    report = check_profile(profile, ["CCS-exam"], date(2026, 11, 22), None, rulebook)

    def walk(node):
        yield node
        for child in node.children:
            yield from walk(child)

    leaf = next(n for n in walk(report.results[0].recommends) if n.node.id == "rec-a-topic-list")
    assert leaf.lacking == ("pathophysiology", "pharmacology")
    assert step(leaf) == "complete courses in pathophysiology and pharmacology"


def test_missing_is_filled_in_only_in_a_fix(tmp_path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / "ahima" / "ccs.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'fix: "complete courses in {missing}"' in text  # a fix may name what is missing
    path.write_text(
        text.replace(
            "text: 12 months of coding experience directly applying codes",
            'text: "{missing} months of coding experience directly applying codes"',
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"\{missing\} is not filled in"):
        load_rulebook(str(rules))
