"""JsonLogic, as this project configures it: datalogic-py with its default engine.

One deliberate adjustment: datalogic-py reads a Python ``str`` rule as JSON text, while JsonLogic
treats a bare string as a literal, so string rules are JSON-encoded before compiling. With that,
the official suite (``jsonlogic.com/tests.json``) passes in full; see ``tests/test_logic_conformance.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import datalogic_py

COMPARISONS = frozenset({">=", ">", "<=", "<", "==", "===", "!=", "!=="})

_ENGINE = datalogic_py.Engine()  # stateless and thread-safe; shared so rules compile once


class LogicError(ValueError):
    """A rule's JsonLogic cannot be compiled; the message names the operator and JSON pointer."""


@dataclass(frozen=True)
class Compiled:
    """A compiled JsonLogic expression with the fact paths it reads ("a.b" form)."""

    source: Any
    rule: Any
    reads: tuple[str, ...]

    def __call__(self, data: Any) -> Any:
        return self.rule.evaluate(data)


def compile_logic(expression: Any) -> Compiled:
    """Compile ``expression`` once; raise :class:`LogicError` with the engine's diagnostics."""
    as_given = json.dumps(expression) if isinstance(expression, str) else expression
    problems = [d for d in _ENGINE.check(as_given) if d["severity"] == "error"]
    if problems:
        raise LogicError("; ".join(f"{d['message']} at {d['pointer'] or '/'}" for d in problems))
    rule = _ENGINE.compile(as_given)
    reads = tuple(".".join(path) for path in rule.facts()["reads"])
    return Compiled(expression, rule, reads)


def evaluate(expression: Any, data: Any) -> Any:
    """One-shot evaluation (compile and run); for repeated use keep a :class:`Compiled`."""
    return compile_logic(expression)(data)


def truthy(value: Any) -> bool:
    """JsonLogic truthiness as the engine applies it: 0, "", [], {} and null are false.

    Computed here rather than through the engine, which would need the value as JSON text;
    ``tests/test_logic_conformance.py`` checks the two agree.
    """
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str | list | dict):
        return len(value) > 0
    return bool(value)


def engine_truthy(value: Any) -> bool:
    """The engine's own truthiness, for checking :func:`truthy` against it."""
    return _ENGINE.truthy(json.dumps(value))


def comparison_sides(expression: Any) -> tuple[str, Any, Any] | None:
    """For a two-sided comparison leaf, its operator and operands; None for anything else.

    The explanation's "found" and "needed" are the two operands evaluated on their own, so the
    numbers a person sees come from the rule itself rather than from hand-written text.
    """
    if isinstance(expression, dict) and len(expression) == 1:
        ((operator, operands),) = expression.items()
        if operator in COMPARISONS and isinstance(operands, list) and len(operands) == 2:
            return operator, operands[0], operands[1]
    return None
