"""Safe YAML reading that keeps dates as text and can say on which line a value stands.

Only safe loading is used (libyaml's CSafeLoader when present). Timestamps are not resolved, so
``2024-02-30`` reaches schema validation as text and gets a clear "not a valid date" message
instead of a constructor crash, and every date has one type whether quoted or not.

What YAML can say beyond JSON's data is refused with a message naming its line: the tags that
build bytes, sets, ordered pairs or timestamps (``!!binary``, ``!!set``, ``!!omap``, ``!!pairs``,
``!!timestamp``), tags no safe loader knows, and numbers that are not numbers (``.nan``,
``.inf``), which compare false with everything and would pass any bound.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import yaml

from eligibility.errors import InputError, place_of

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


class DatesAsTextLoader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader without the implicit timestamp resolver."""


class Refused(yaml.constructor.ConstructorError):
    """Well-formed YAML that this tool does not accept (a tag, a number that is not one)."""

    def __init__(self, node: yaml.Node, problem: str, fix: str) -> None:
        super().__init__(None, None, problem, node.start_mark)
        self.fix = fix


def _refuse_tag(loader, node) -> None:
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    raise Refused(
        node,
        f"the YAML tag {tag} is not accepted",
        "remove the tag and write the value as plain text, numbers, lists or mappings",
    )


MAX_DIGITS = 100  # no number in a profile or rule comes near; Python refuses past 4,300


def _short_int(loader, node) -> int:
    if len(node.value) > MAX_DIGITS:
        raise Refused(
            node,
            f"a number of {len(node.value):,} digits",
            "write the number as it should be (or in quotes, if it is an identifier)",
        )
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


def _finite_float(loader, node) -> float:
    value = yaml.constructor.SafeConstructor.construct_yaml_float(loader, node)
    if not math.isfinite(value):
        raise Refused(
            node,
            f"{node.value} is not a number (NaN and infinity are not accepted)",
            "write a number, or leave the field out if it is not known",
        )
    return value


def _mapping_without_repeats(loader, node, deep=False):
    """A mapping, refusing a key given twice (YAML would silently keep the last one)."""
    seen: dict = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE:  # '<<: *anchor' may be followed by keys that override it
            continue
        if not isinstance(key_node, yaml.ScalarNode):  # '[a, b]: 1' or '{a: 1}: 1'
            raise Refused(
                key_node,
                "a key is a list or a mapping",
                "write each field's name as plain text before its colon",
            )
        key = loader.construct_object(key_node, deep=True)
        if key is None:  # '~: x', 'null: x' or ': x': no name a message could show
            raise Refused(
                key_node,
                f"a key is {key_node.value or 'empty'!r}, which YAML reads as no name at all",
                "write the field's name before its colon",
            )
        if key in seen:
            before = getattr(loader, "lines_before", 0)  # a document of a stream: the file's lines
            raise yaml.constructor.ConstructorError(
                "while reading the mapping that starts on line"
                f" {node.start_mark.line + 1 + before}",
                node.start_mark,
                f"the key {key!r} is given twice (first on line {seen[key] + 1 + before})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


DatesAsTextLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_repeats
)
DatesAsTextLoader.add_constructor("tag:yaml.org,2002:float", _finite_float)
DatesAsTextLoader.add_constructor("tag:yaml.org,2002:int", _short_int)
for _tag in ("binary", "set", "omap", "pairs", "timestamp"):
    DatesAsTextLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
DatesAsTextLoader.add_constructor(None, _refuse_tag)  # any tag no safe loader knows
DatesAsTextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_text(text: str, file: str, offset: int = 0) -> Any:
    """One YAML document from ``text``; a syntax error becomes an :class:`InputError` with its
    line (``offset``: lines of the file before ``text``, a document of a stream)."""
    loader = DatesAsTextLoader(text)  # a SafeLoader subclass: builds plain data, runs no code
    loader.lines_before = offset
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as error:
        raise _syntax_error(error, file, offset, text) from None
    except RecursionError:
        raise too_deep(file) from None
    finally:
        loader.dispose()
    if "*" in text:  # an alias: see refuse_runaway_aliases
        refuse_runaway_aliases(data, file)
    return data


MAX_VALUES = 1_000_000  # values a document may hold once its aliases are written out


def refuse_runaway_aliases(data: Any, file: str) -> None:
    """Refuse a document whose aliases make a value contain itself (``&a [*a]``) or expand past
    :data:`MAX_VALUES` ("billion laughs"): every later step walks the data as if each alias were
    written out, so such a file would never finish. Linear in the distinct values."""
    containers = (dict, list, tuple)
    if not isinstance(data, containers):  # a lone value (5 # *a comment) holds nothing
        return
    sizes: dict[int, int] = {}  # values in a container, aliases written out (when fully seen)
    open_: set[int] = set()  # containers on the way from the top to where the walk is
    stack: list[tuple[Any, Any]] = [(data, None)]  # (container, its children when leaving it)
    while stack:
        node, leaving = stack.pop()
        key = id(node)
        if leaving is not None:
            open_.discard(key)
            sizes[key] = 1 + sum(sizes.get(id(child), 1) for child in leaving)
            if sizes[key] > MAX_VALUES:
                raise InputError(
                    file,
                    None,
                    f"its aliases (*name) expand to more than {MAX_VALUES:,} values",
                    "write the data out without aliases that repeat aliases",
                )
            continue
        if key in sizes:
            continue
        if key in open_:
            raise InputError(
                file,
                None,
                "an alias (*name) stands inside the value its anchor (&name) names, so the value "
                "would contain itself without end",
                "write that value out in full instead of the alias",
            )
        open_.add(key)
        children = list(node.values()) if isinstance(node, dict) else node
        stack.append((node, children))
        stack.extend((child, None) for child in children if isinstance(child, containers))


def too_deep(file: str) -> InputError:
    """A document nested so deeply that reading it would exhaust Python's stack."""
    return InputError(
        file,
        None,
        "its values are nested too deeply (lists or mappings inside one another hundreds deep)",
        "check the brackets and indentation; no field of a profile or rule nests that deep",
    )


def refuse_deeper_than(
    data: Any, limit: int, file: str, locate: Callable[[list[str | int]], int | None]
) -> None:
    """Refuse data nested more than ``limit`` levels deep (mappings and lists inside one
    another), naming the place: every later step may walk it recursively."""
    stack: list[tuple[Any, list[str | int]]] = [(data, [])]
    while stack:
        node, path = stack.pop()
        if len(path) >= limit:
            raise InputError(
                file,
                place_of(path, locate(path)),
                f"nested more than {limit} levels deep",
                "simplify it: split a long condition into named conditions (all:/any:)",
            )
        if isinstance(node, dict):
            stack.extend((value, [*path, str(key)]) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, [*path, index]) for index, value in enumerate(node))


def _syntax_error(
    error: yaml.YAMLError, file: str, offset: int = 0, text: str | None = None
) -> InputError:
    mark = getattr(error, "problem_mark", None)
    place = f"line {mark.line + 1 + offset}, column {mark.column + 1}" if mark else None
    if isinstance(error, Refused):
        return InputError(file, place, str(error.problem), error.fix)
    problem = str(getattr(error, "problem", None) or "")
    if "given twice" in problem:  # this reader's own (_mapping_without_repeats), in words
        mapping = getattr(error, "context", None)  # where the mapping starts: a stream's lines
        fix = "keep one of the two (YAML would silently use only the last)"
        return InputError(file, place, f"not valid YAML: {problem} ({mapping})", fix)
    from eligibility.inputs.yamlwords import in_words  # only when a file cannot be read

    said = in_words(error, text or "", offset)  # the parser's words told as a person's slip
    return InputError(file, place or said.place, f"not valid YAML: {said.problem}", said.fix)


def line_of(text: str, path: Sequence[str | int]) -> int | None:
    """1-based line of the value at ``path`` in the YAML ``text``, or of its nearest parent.

    Composes the node tree only when an error needs a place, so valid input pays nothing for it.
    """
    return locator(text)(path)


def locator(text: str) -> Callable[[Sequence[str | int]], int | None]:
    """:func:`line_of` for many paths of one text: the node tree is composed once, when a first
    path is asked for (a linter placing every problem of a file would otherwise parse the file
    once per problem, and valid input never asks)."""
    composed: list[yaml.Node | None] = []

    def locate(path: Sequence[str | int]) -> int | None:
        if not composed:
            try:
                composed.append(yaml.compose(text, Loader=DatesAsTextLoader))
            except yaml.YAMLError:
                composed.append(None)
        node = composed[0]
        if node is None:
            return None
        line = node.start_mark.line + 1
        for step in path:
            if isinstance(node, yaml.MappingNode):
                found = next(((k, v) for k, v in node.value if k.value == step), None)
                if found is None:
                    return line
                node, line = found[1], found[0].start_mark.line + 1
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(step, int)
                and step < len(node.value)
            ):
                node = node.value[step]
                line = node.start_mark.line + 1
            else:
                return line
        return line

    return locate


def value_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """The 1-based line of every value in the YAML ``text`` by its path (a mapping's value: the
    line of its key), from one pass over the node tree: for a caller that needs the line of
    many values, where :func:`line_of` would compose the text once for each. Call it only on
    text :func:`parse_text` accepted (it refuses aliases that expand without end)."""
    lines: dict[tuple[str | int, ...], int] = {}
    stack: list[tuple[tuple[str | int, ...], yaml.Node | None]] = [
        ((), yaml.compose(text, Loader=DatesAsTextLoader))
    ]
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[(*path, key.value)] = key.start_mark.line + 1
                stack.append(((*path, key.value), value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines[(*path, index)] = item.start_mark.line + 1
                stack.append(((*path, index), item))
    return lines


class _SnippetDumper(yaml.SafeDumper):
    """Writes an example as a profile has it: dates unquoted (they are read as text), lists of
    values on one line in brackets, records as indented blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # '- ' entries indented below their key


_SnippetDumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}
_SnippetDumper.add_representer(
    list,
    lambda dumper, data: dumper.represent_sequence(
        "tag:yaml.org,2002:seq",
        data,
        flow_style=not any(isinstance(item, dict | list) for item in data),
    ),
)


class Quoted(str):
    """Text an example writes in quotes (where YAML would otherwise read a number or yes/no)."""


_SnippetDumper.add_representer(
    Quoted,
    lambda dumper, data: dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style='"'),
)


def snippet(data: Any) -> str:
    """``data`` as a few lines of YAML for a message's example (safe: plain data only)."""
    text = yaml.dump(
        data, Dumper=_SnippetDumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    return text.removesuffix("...\n").rstrip("\n")
