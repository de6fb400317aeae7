"""JsonLogic -> one line a maintainer reads, as it is evaluated.

``{">=": [{"var": "experience.aapc_months"}, 24]}`` reads ``experience.aapc_months >= 24``,
``{"in": ["CCA", {"var": "credentials.full"}]}`` reads ``"CCA" in credentials.full``. Operators
with no simpler form (``some``, ``map``, ``merge``, a ``var`` with a default, ...) are shown as the
JsonLogic itself, so nothing is ever hidden or paraphrased wrongly. Used by ``eligibility show
--logic`` and ``eligibility diff``.
"""

from __future__ import annotations

import json
from typing import Any

COMPARISON_OPERATORS = ("==", "===", "!=", "!==", ">", ">=", "<", "<=")
# binding strength: a part binding less tightly than where it sits is put in parentheses
_IF, _OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _ATOM = range(8)
_INFIX = {"+": _SUM, "-": _SUM, "*": _PRODUCT, "/": _PRODUCT, "%": _PRODUCT}


def readable(expression: Any) -> str:
    """``expression`` in the notation above (one line)."""
    return _text(expression)[0]


def as_json(expression: Any) -> str:
    """The JsonLogic itself, on one line."""
    return json.dumps(expression, ensure_ascii=False, separators=(", ", ": "))


def _text(expression: Any) -> tuple[str, int]:
    """The text and how tightly it binds."""
    if isinstance(expression, list):
        return "[" + ", ".join(readable(item) for item in expression) + "]", _ATOM
    if not isinstance(expression, dict):
        return as_json(expression), _ATOM
    if len(expression) != 1:
        return as_json(expression), _ATOM
    ((operator, operand),) = expression.items()
    args = operand if isinstance(operand, list) else [operand]
    written = _operation(operator, operand, args)
    return written if written is not None else (as_json(expression), _ATOM)


def _operation(operator: str, operand: Any, args: list[Any]) -> tuple[str, int] | None:
    """An operation in the notation; None for one that has no simpler form than JsonLogic."""
    if operator == "var":
        name = args[0] if len(args) == 1 else None
        return (name, _ATOM) if isinstance(name, str) and name else None
    if operator in COMPARISON_OPERATORS and len(args) == 2:
        return _joined(f" {operator} ", args, _COMPARE + 1), _COMPARE
    if operator in ("<", "<=") and len(args) == 3:  # "between"
        return _joined(f" {operator} ", args, _COMPARE + 1), _COMPARE
    if operator == "in" and len(args) == 2:
        return _joined(" in ", args, _COMPARE + 1), _COMPARE
    if operator == "and" and args:
        return _joined(" and ", args, _AND), _AND
    if operator == "or" and args:
        # "a or b and c" is often misread: an "and" inside an "or" gets parentheses too
        return _joined(" or ", args, _NOT), _OR
    if operator == "!" and len(args) == 1:
        return "not " + _part(args[0], _ATOM), _NOT
    if operator == "!!" and len(args) == 1:
        return f"truthy({readable(args[0])})", _ATOM
    if operator in _INFIX and len(args) >= 2 and (operator in "+*" or len(args) == 2):
        strength = _INFIX[operator]
        # a - (b - c): the right operand of "-", "/" and "%" needs parentheses at equal strength
        needed = strength if operator in "+*" else strength + 1
        return _joined(f" {operator} ", args, needed), strength
    if operator == "-" and len(args) == 1:
        return "-" + _part(args[0], _ATOM), _ATOM
    if operator in ("min", "max", "cat") and args:
        return f"{operator}({', '.join(readable(a) for a in args)})", _ATOM
    if operator in ("if", "?:") and len(args) >= 2:
        return _conditional(args), _IF
    return None


def _conditional(args: list[Any]) -> str:
    """``if A then B else if C then D else E`` (no final value: ``else null``, as JsonLogic)."""
    words = []
    pairs, rest = args[: len(args) - len(args) % 2], args[len(args) - len(args) % 2 :]
    for index in range(0, len(pairs), 2):
        words.append(f"if {_part(pairs[index], _OR)} then {_part(pairs[index + 1], _OR)}")
    last = rest[0] if rest else None
    text = " else ".join(words)
    if isinstance(last, dict) and len(last) == 1 and next(iter(last)) in ("if", "?:"):
        return f"{text} else {readable(last)}"  # a chain reads on without parentheses
    return f"{text} else {_part(last, _OR)}"


def _joined(separator: str, args: list[Any], needed: int) -> str:
    """Operands joined by an infix operator, each in parentheses if it binds less than ``needed``."""
    return separator.join(_part(a, needed) for a in args)


def _part(expression: Any, needed: int) -> str:
    text, strength = _text(expression)
    return text if strength >= needed else f"({text})"
