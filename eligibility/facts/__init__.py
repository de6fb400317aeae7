"""Derived facts: the only thing rules read.

A profile says what happened (jobs, letters, courses, credentials); facts say what that amounts to
on a given date under given policies ("26 months of AAPC-qualifying experience", "AAPC membership
current"). What each fact is made of is data: the fact files of the rule book (``rules/**``
files with ``facts_format``, docs/facts.md), compiled into a :class:`FactBook`. A fact is ``None``
when the profile does not say enough to know it, and rules reading it then answer "unknown".
"""

from eligibility.facts.book import FactBook, FactPath, FactsRead, compile_book
from eligibility.facts.engine import (
    LeftOut,
    derive,
    left_out,
    policy_can_matter,
    rederive,
    rederive_each,
)
from eligibility.facts.registry import CredentialInfo, Registry, Retirement

__all__ = [
    "CredentialInfo",
    "FactBook",
    "FactPath",
    "FactsRead",
    "LeftOut",
    "Registry",
    "Retirement",
    "compile_book",
    "derive",
    "left_out",
    "policy_can_matter",
    "rederive",
    "rederive_each",
]
