"""JsonLogic, as this project configures it: datalogic-py with its default engine.

One deliberate adjustment: datalogic-py reads a Python ``str`` rule as JSON text, while JsonLogic
treats a bare string as a literal, so string rules are JSON-encoded before compiling. With that,
the official suite (``jsonlogic.com/tests.json``) passes in full; see ``tests/unit/engine/test_logic_conformance.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from operator import itemgetter
from typing import Any

import datalogic_py
import orjson

COMPARISONS = frozenset({">=", ">", "<=", "<", "==", "===", "!=", "!=="})

_ENGINE = datalogic_py.Engine()  # stateless and thread-safe; shared so rules compile once


class LogicError(ValueError):
    """A rule's JsonLogic cannot be compiled; the message names the operator and JSON pointer."""


@dataclass(frozen=True)
class Compiled:
    """A compiled JsonLogic expression with the fact paths it reads ("a.b" form).

    ``rule`` (the engine's compiled form) is made on first use when the expression came with
    reads already known (a rule file loaded from the cache), so a start-up that evaluates one
    check compiles only that check's leaves.
    """

    source: Any
    reads: tuple[str, ...]
    complete: bool = False  # ``reads`` is all it reads: no var computed or naming the whole data

    @cached_property
    def tops(self) -> tuple[str, ...]:
        """The top-level keys of what it reads (``experience`` of ``experience.aapc_months``)."""
        return tuple(dict.fromkeys(read.split(".")[0] for read in self.reads))

    @cached_property
    def rule(self) -> Any:
        # Only an expression with known reads gets here uncompiled: the same code and engine
        # build compiled it without complaint before (the rule cache's key covers both), so the
        # engine's diagnostics are not asked for again (they cost as much as compiling).
        key = logic_key(self.source)
        return _rule_of(key) if key is not None else _compile(self.source)[0]

    def __call__(self, data: Any) -> Any:
        if self.complete and type(data) is dict:
            # The engine converts all the data it is given: only what is read (~4x faster on
            # a profile's facts).
            data = {key: data[key] for key in self.tops if key in data}
        return self.rule.evaluate(data)

    def __getstate__(self) -> dict[str, Any]:
        # The engine's rule cannot be pickled (a kept rule book): it is made again on first use.
        return {"source": self.source, "reads": self.reads, "complete": self.complete}


def logic_key(expression: Any) -> str | None:
    """``expression`` as JSON text, or None when JSON would not give it back unchanged.

    Equal keys mean equal expressions: the key under which a compilation is shared and under
    which the rule cache keeps an expression's reads.
    """
    try:
        text = orjson.dumps(expression)
        # a tuple, NaN or a huge number would not come back as it went in
        return text.decode() if orjson.loads(text) == expression else None
    except (TypeError, ValueError):  # a key that is not text, a number JSON cannot hold
        return None


def compile_logic(
    expression: Any, known_reads: Mapping[str, Sequence[str]] | None = None
) -> Compiled:
    """Compile ``expression`` once; raise :class:`LogicError` with the engine's diagnostics.

    Equal expressions share one compilation: rule files that serve several credentials repeat
    the same leaves (1,053 leaves and sides, 326 distinct). With ``known_reads`` (reads by
    :func:`logic_key`, from an earlier successful compilation of the same rule file by the same
    code) an expression found there is compiled only when first evaluated.
    """
    if known_reads is not None:
        try:  # no round trip here: the keys were made by logic_key from JSON-safe expressions
            text = orjson.dumps(expression).decode()
            reads = known_reads.get(text)
        except TypeError:
            reads = None
        if reads is not None:
            return _uncompiled(text, tuple(reads))
    key = logic_key(expression)
    if key is not None:
        return _shared(key)
    rule, reads, complete = _compile(expression)
    compiled = Compiled(expression, reads, complete)
    compiled.__dict__["rule"] = rule  # compiled already: fill the cached property
    return compiled


def compile_parts(expression: Any, reads: Sequence[str]) -> Compiled:
    """An expression made of parts each compiled before with the engine's diagnostics (a plan's
    program of a rule book's leaves), reading ``reads`` (all of them, as its parts said):
    compiled without asking the engine for either again."""
    compiled = Compiled(expression, tuple(dict.fromkeys(reads)), complete=True)
    compiled.__dict__["rule"] = _ENGINE.compile(_as_given(expression))
    return compiled


@dataclass(frozen=True)
class ListProgram:
    """A list of expressions run as one program, each distinct expression once: the checks of a
    rule book repeat the same conditions (the specialty exams share theirs), and the engine's
    cost grows with the entries it runs. Called with the data, it gives one value per entry."""

    distinct: Compiled
    spread: Callable[[Any], tuple[Any, ...]]  # distinct values -> one per entry, in order

    @property
    def reads(self) -> tuple[str, ...]:
        return self.distinct.reads

    def __call__(self, data: Any) -> list[Any]:
        return list(self.spread(self.distinct(data)))


def compile_list(entries: Sequence[Any], reads: Sequence[str]) -> ListProgram:
    """:func:`compile_parts` of the list ``entries``, equal entries run once (a
    :class:`ListProgram`)."""
    keys = [orjson.dumps(entry, option=orjson.OPT_SORT_KEYS) for entry in entries]
    first = {key: entry for key, entry in zip(keys, entries, strict=True)}
    at = {key: k for k, key in enumerate(first)}
    places = [at[key] for key in keys]
    if len(places) <= 1:  # itemgetter of one gives the bare value
        return ListProgram(compile_parts(list(first.values()), reads), lambda values: values)
    return ListProgram(compile_parts(list(first.values()), reads), itemgetter(*places))


@cache
def _uncompiled(key: str, reads: tuple[str, ...]) -> Compiled:
    """One object per expression with known reads: equal leaves share it (a rule book holds
    1,053 leaves and sides, 326 distinct, so it is built, kept and read back faster)."""
    return Compiled(orjson.loads(key), reads, complete=True)  # rules read only what they name


@cache
def _shared(key: str) -> Compiled:
    """One compiled object per expression, whose :func:`logic_key` is ``key``."""
    rule, reads, complete = _compiled_text(key)
    compiled = Compiled(orjson.loads(key), reads, complete)
    compiled.__dict__["rule"] = rule  # compiled already: fill the cached property
    return compiled


@cache
def _compiled_text(key: str) -> tuple[Any, tuple[str, ...], bool]:
    """The engine's rule, its reads and whether they are complete (see :func:`_reads`), for the
    expression whose :func:`logic_key` is ``key``."""
    expression = orjson.loads(key)
    _diagnose(expression)
    rule = _rule_of(key)
    return (rule, *_reads(rule))


@cache
def _rule_of(key: str) -> Any:
    """The engine's rule for the expression whose :func:`logic_key` is ``key``, not diagnosed."""
    return _ENGINE.compile(_as_given(orjson.loads(key)))


def _compile(expression: Any) -> tuple[Any, tuple[str, ...], bool]:
    _diagnose(expression)
    rule = _ENGINE.compile(_as_given(expression))
    return (rule, *_reads(rule))


def _reads(rule: Any) -> tuple[tuple[str, ...], bool]:
    """The fact paths a rule reads, and whether that is all it reads: the engine cannot tell
    when a ``var`` computes its name, and an empty one reads the whole data."""
    found = rule.facts()
    paths = found["reads"]
    return tuple(".".join(path) for path in paths), bool(found["reads_complete"]) and all(paths)


def _as_given(expression: Any) -> Any:
    """What the engine is handed: a string rule as JSON text (else the engine would parse it)."""
    return json.dumps(expression) if isinstance(expression, str) else expression


def _diagnose(expression: Any) -> None:
    """Raise :class:`LogicError` with the engine's error diagnostics, if it has any."""
    problems = [d for d in _ENGINE.check(_as_given(expression)) if d["severity"] == "error"]
    if problems:
        raise LogicError("; ".join(f"{d['message']} at {d['pointer'] or '/'}" for d in problems))


def evaluate(expression: Any, data: Any) -> Any:
    """One-shot evaluation (compile and run); for repeated use keep a :class:`Compiled`."""
    return compile_logic(expression)(data)


def operators() -> list[dict[str, Any]]:
    """Every operator the engine evaluates, as it describes them: name, aliases, family
    (Core, DateTime, ...), effect (pure, clock, throws, catches) and the arguments taken."""
    return _ENGINE.operators()


def truthy(value: Any) -> bool:
    """JsonLogic truthiness as the engine applies it: 0, "", [], {} and null are false.

    Computed here rather than through the engine, which would need the value as JSON text;
    ``tests/unit/engine/test_logic_conformance.py`` checks the two agree.
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
