"""A YAML syntax error in words: what the person wrote wrong and the line to write instead.

The parsers say what they met ("mapping values are not allowed in this context", "did not
find expected '-' indicator"), not what was written wrong; libyaml's words do not even name an
undefined alias. The mistakes people make are few: text holding ': ' or starting with a
character YAML reserves, left unquoted; a line indented out of step with the lines above it; a
quote or bracket left open; an alias naming no anchor; a tab for indentation. Each is told
here from the error's marks and the text of the lines they point at, with a fix made from
that line where one can be (the line as it should be). Anything else keeps the parser's words.

Both readers are served (libyaml's and PyYAML's own): their errors are told apart by the
context they name, which both share, and their marks count lines and columns alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from eligibility.errors import close_matches

LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML 1.1's, as the readers count lines
_Scanner: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the one parse_text reads with

# '- key: value  # comment' (each part but the value optional): the value up to a comment
_LINE = re.compile(
    r"(?P<lead>[ ]*(?:-[ ]+)*)"
    r"(?:(?P<key>\"[^\"]*\"|'[^']*'|[^\s\"'#\[\]{}&*!|>%@`?,-][^#]*?|-\S[^#]*?)"  # quoted, or plain
    r"[ \t]*:(?:[ \t]+|$))?"
    r"(?P<value>.*?)(?P<comment>[ \t]+#[^\"']*)?$"
)
_NO_SPACE = re.compile(r"(?P<lead>[ ]*(?:-[ ]+)*)(?P<key>[A-Za-z_][\w.-]*):(?P<value>[^\s:/].*)")
_NAME = re.compile(r"[&*]([^\s,\[\]{}]+)")  # an anchor's or alias's name: up to a space or flow
_CLOSER = {"[": "]", "{": "}"}
LONGEST = 300  # characters of a line a fix shows; a longer line is described, not copied


@dataclass(frozen=True)
class Worded:
    """What is wrong, as a sentence, and how to put it right; ``place``: the line, for an error
    whose parser gave none (a control character)."""

    problem: str
    fix: str
    place: str | None = None


@dataclass(frozen=True)
class _Text:
    """The text parsed, cut into lines as the readers cut it; ``offset``: the lines of the file
    before it (a document of a stream), added to every line a message names."""

    lines: tuple[str, ...]
    offset: int

    def line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def number(self, index: int) -> int:
        return index + 1 + self.offset

    def above(self, index: int) -> int | None:
        """The nearest line above ``index`` that holds more than spaces and a comment."""
        for before in range(index - 1, -1, -1):
            if self.lines[before].strip() and not self.lines[before].lstrip().startswith("#"):
                return before
        return None


def in_words(error: yaml.YAMLError, text: str, offset: int = 0) -> Worded:
    """``error``, met reading ``text``, as a sentence and a fix a person can act on."""
    source = _Text(tuple(LINE_BREAK.split(text)), offset)
    problem = str(getattr(error, "problem", None) or "")
    context = str(getattr(error, "context", None) or "")
    mark = getattr(error, "problem_mark", None)
    where = getattr(error, "context_mark", None)
    if isinstance(error, yaml.reader.ReaderError):
        return _unreadable(error, text, source)
    said = _tab(source, mark, problem) if mark is not None else None
    tokens: list[yaml.Token] | None = None  # scanned once, and only if a worder needs them
    for test, word, needs_where in _WORDERS if mark is not None else ():
        if said is None and test(problem, context) and (where is not None or not needs_where):
            tokens = _tokens(text) if tokens is None else tokens
            said = word(source, mark, where, tokens)
    if said is not None:
        return said
    if "single document" in context:  # '---' and a second document: one file, one document
        return Worded(
            "a line '---' begins another document here, and a file holds only one",
            "keep one document per file (several profiles, one document each, are checked"
            " together with 'eligibility batch FILE --out report.csv')",
        )
    if "recursive" in problem:  # an alias inside the mapping its anchor names
        return Worded(
            "an alias (*name) stands inside the value its anchor (&name) names, so the value"
            " would contain itself without end",
            "write that value out in full instead of the alias (*name) inside it",
        )
    return Worded(
        (problem or str(error)) + (f" ({context})" if context else ""),
        "check that line and the one above it: the indentation, a ':' after each key, and the"
        " quotes and brackets (a text holding ': ' or starting with one of [ ] { } * & @ ` must"
        " be quoted)",
    )


def quoted(text: str) -> str:
    """``text`` as one YAML text in quotes: double quotes, or single ones when it holds a
    double quote or a backslash (which double quotes would take for an escape)."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"


# --- what each error says ---------------------------------------------------------------------


def _undefined_alias(source: _Text, mark, where, tokens) -> Worded | None:
    """``*name`` naming no anchor: the name, the anchors the text does define, one it was
    probably meant to be; or its anchor comes only below it."""
    line = source.line(mark.line)
    found = _NAME.match(line, mark.column)
    if not found:
        return None
    name = found[1]
    anchors = [t for t in tokens if isinstance(t, yaml.AnchorToken)]
    before = [t.value for t in anchors if _at(t.start_mark) < _at(mark)]
    after = next((t for t in anchors if t.value == name and _at(t.start_mark) > _at(mark)), None)
    if after is not None:
        return Worded(
            f"the alias *{name} comes before its anchor &{name}"
            f" (line {source.number(after.start_mark.line)}): an alias repeats a value given"
            " above it",
            f"move the value marked &{name} above this line, or the alias below it",
        )
    names = list(dict.fromkeys(before))
    near = close_matches(name, names, most=1)
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    problem = f"the alias *{name} is not defined " + (
        f"(defined here: {shown})" if names else "(no anchor &name is defined above it)"
    )
    if near:
        return Worded(
            f"{problem}: did you mean *{near[0]}?",
            f"write *{near[0]}, or mark the value to repeat with &{name} above this line",
        )
    fix = f"mark the value to repeat with &{name} above this line"
    text_after = line[found.end() :].split(" #")[0].strip()
    if not names or (text_after and not text_after.startswith((",", "]", "}"))):
        fix += _then("; if it is text, put it in quotes", _with_quotes(line, mark.column))
    return Worded(problem, fix)


def _anchor_twice(source: _Text, mark, where, tokens) -> Worded | None:
    found = _NAME.match(source.line(mark.line), mark.column)
    if not found:
        return None
    return Worded(
        f"the anchor &{found[1]} is given twice (first on line {source.number(where.line)})",
        f"give one of them another name, and use that name in the aliases (*{found[1]}) meant"
        " to repeat it",
    )


def _colon_in_text(source: _Text, mark, where, tokens) -> Worded:
    """': ' where no key may begin: in an unquoted value, or on a line indented so far that
    YAML reads it as more of the value above."""
    line = source.line(mark.line)
    parts = _LINE.match(line)
    if parts and parts["key"] and parts.start("value") <= mark.column:
        said = line[parts.start("value") : mark.column].strip()
        return Worded(
            f"a text holding ': ' must be quoted (unquoted, YAML reads '{said}:' in it as a key)",
            _then("put the whole text in quotes", _with_quotes(line, parts.start("value"))),
        )
    above = source.above(mark.line)
    if above is not None and (run_together := _no_space(source, above)):
        return run_together
    field = (parts["key"] if parts and parts["key"] else line[: mark.column].strip(" -")) + ":"
    if above is None or _indent(line) <= _indent(source.line(above)):
        return Worded(
            "a text holding ': ' must be quoted",
            "put the whole text in quotes, or start the key on a line of its own",
        )
    beside = _key_of(source.line(above))
    like = (
        f"as far as '{beside[0]}:' on line {source.number(above)} ({beside[1]} spaces)"
        if beside
        else "as far as the field it stands beside"
    )
    return Worded(
        f"'{field}' on line {source.number(mark.line)} is indented further than line"
        f" {source.number(above)}, so YAML reads it as more of the text there, and a text"
        " holding ': ' must be quoted",
        f"if '{field}' is a field of its own, indent it {like}; if it goes on with the text"
        " above, put that whole text in quotes",
    )


def _no_space(source: _Text, index: int) -> Worded | None:
    """'name:Sam': a key and its value with no space between, which YAML reads as one text."""
    found = _NO_SPACE.fullmatch(source.line(index).split(" #")[0].rstrip())
    if not found or ": " in found["value"]:
        return None
    return Worded(
        f"'{found['key']}:{_short(found['value'], 20)}' on line {source.number(index)} has no space"
        " after its ':', so YAML reads it as a text, not a field and its value",
        _then(
            "put a space after the ':'", _shown(f"{found['lead']}{found['key']}: {found['value']}")
        ),
    )


def _tab(source: _Text, mark, problem: str) -> Worded | None:
    tab = _tab_at(source, mark)
    if tab is None and "tab character" not in problem:
        return None
    line = source.number(mark.line)
    if tab is False:  # a tab between a key and its value, say, where this reader takes none
        return Worded(
            f"a tab character on line {line}", f"replace the tab on line {line} with a space"
        )
    return Worded(
        f"line {line} is indented with a tab character",
        f"replace the tabs at the start of line {line} with spaces: YAML does not allow tabs"
        " for indentation",
    )


def _tab_at(source: _Text, mark) -> bool | None:
    """Whether the error at ``mark`` stands on a tab: True for a tab among the spaces that
    indent its line, False for one elsewhere on it, None when it is not on a tab."""
    line = source.line(mark.line)
    if mark.column >= len(line) or line[mark.column] != "\t":
        return None
    return not line[: mark.column].strip(" \t-")


def _quote_left_open(source: _Text, mark, where, tokens) -> Worded | None:
    opened = source.line(where.line)
    quote = opened[where.column : where.column + 1]
    if quote not in ('"', "'"):
        return None
    return Worded(
        f"the quote ({quote}) opened on line {source.number(where.line)} is never closed",
        _then(
            f"end the text with a {quote}, on line {source.number(where.line)} if it ends there",
            _shown(opened.rstrip() + quote),
        ),
    )


def _unknown_escape(source: _Text, mark, where, tokens) -> Worded | None:
    line = source.line(mark.line)
    start = where.column if where.line == mark.line else 0
    at = line.rfind("\\", start, mark.column + 1)
    if at < 0:
        return None
    escape = line[at : at + 2]
    fix = "write the backslash twice (\\\\), or put the text in single quotes, where a backslash"
    fix += " is only a backslash"
    closing = _closing_quote(line, where.column) if where.line == mark.line else None
    if closing is not None:
        inner = line[where.column + 1 : closing]
        if "'" not in inner and '\\"' not in inner:
            fix = _then(fix, _shown(line[: where.column] + f"'{inner}'" + line[closing + 1 :]))
    return Worded(
        f'in a text in double quotes a backslash begins an escape (\\n, \\t, \\"), and'
        f" {escape} there is none that YAML can read",
        fix,
    )


def _reserved_start(source: _Text, mark, where, tokens) -> Worded | None:
    """A text starting with a character YAML reserves ('@', '`') or reads as punctuation
    (',', '?', '%', a closing bracket)."""
    line = source.line(mark.line)
    char = line[mark.column : mark.column + 1]
    if not char or char not in "@`%,?]}":
        return None
    why = " (YAML keeps that character for itself)" if char in "@`" else ""
    return Worded(
        f"a text starting with '{char}' must be quoted{why}",
        _then("put the whole text in quotes", _with_quotes(line, mark.column)),
    )


def _block_text(source: _Text, mark, where, tokens) -> Worded | None:
    """'>' or '|' beginning a value, then more on the line: YAML began a text of the lines
    below (``text: >`` then the lines), a person meant the text itself ('> 12 months')."""
    line = source.line(where.line)
    char = line[where.column : where.column + 1]
    if char not in (">", "|"):
        return None
    return Worded(
        f"a text starting with '{char}' must be quoted (YAML reads a '>' or '|' beginning a value"
        " as the start of a text written on the lines below it)",
        _then("put the whole text in quotes", _with_quotes(line, where.column)),
    )


def _item_after_key(source: _Text, mark, where, tokens) -> Worded | None:
    """'code_sets: - CPT': a list item on its key's line, where YAML takes none."""
    line = source.line(mark.line)
    parts = _LINE.match(line)
    if not parts or not parts["key"] or parts.start("value") != mark.column:
        return None
    items = parts["value"][1:].strip()
    return Worded(
        f"a list item ('- ') cannot stand on the line of its key '{parts['key']}:'",
        _then(
            f"put each item on a line of its own below '{parts['key']}:', or write the list in"
            " brackets",
            _shown(f"{parts['lead']}{parts['key']}: [{items}]{parts['comment'] or ''}")
            if items
            else None,
        ),
    )


def _document_start(source: _Text, mark, where, tokens) -> Worded | None:
    """The top level out of step: the first line indented further than the next ones (read as
    a document of its own), or a document going on after '...' ends it."""
    first = next(
        (
            index
            for index, line in enumerate(source.lines)
            if line.strip() and not line.lstrip().startswith(("#", "%", "---"))
        ),
        None,
    )
    if first is None or first >= mark.line:
        return None
    line = source.line(mark.line)
    if _indent(source.line(first)) > _indent(line):
        key = _label(source.line(first))
        return Worded(
            f"'{_label(line)}' on line {source.number(mark.line)} is indented less than"
            f" '{key}' on line {source.number(first)}, the first line of the file: the top level"
            " must be indented alike",
            f"remove the spaces before '{key}' on line {source.number(first)}",
        )
    above = source.above(mark.line)
    if above is not None and source.line(above).strip() == "...":
        return Worded(
            f"a line '...' (line {source.number(above)}) ends the document, and the file goes"
            " on after it",
            f"remove line {source.number(above)} ('...')",
        )
    return None


def _star_or_amp(source: _Text, mark, where, tokens) -> Worded | None:
    """'*' or '&' followed by a space: text, which YAML began reading as an alias or anchor."""
    line = source.line(where.line)
    char = line[where.column : where.column + 1]
    if char not in ("*", "&"):
        return None
    what = "an alias, which repeats a value" if char == "*" else "an anchor, which names one"
    return Worded(
        f"a text starting with '{char}' must be quoted (YAML reads {char}name as {what})",
        _then("put the whole text in quotes", _with_quotes(line, where.column)),
    )


def _no_colon(source: _Text, mark, where, tokens) -> Worded:
    """A line of text with no ':' where the next key of a mapping was expected."""
    line = source.line(where.line)
    said = _short(line[where.column :].split(" #")[0].strip())
    if run_together := _no_space(source, where.line):
        return run_together
    above = source.above(where.line)
    goes_on = (
        f"; if it goes on with the text on line {source.number(above)}, indent it further than"
        " that line's key"
        if above is not None
        else ""
    )
    return Worded(
        f"'{said}' on line {source.number(where.line)} is not 'key: value', where the fields of a"
        " mapping are expected",
        f"write the field's name and ': ' before it{goes_on}",
    )


def _in_block(source: _Text, mark, where, tokens) -> Worded | None:
    """In a list or mapping of lines: something after a value on its line, or a line indented
    out of step (the error at its start)."""
    line = source.line(mark.line)
    if mark.column > _indent(line):
        return _after_value(source, mark, tokens)
    if mark.column >= len(line):
        return None
    here = f"'{_label(line)}' on line {source.number(mark.line)}"
    if source.line(where.line)[where.column : where.column + 1] == "-":
        return _out_of_step_in_list(source, mark, where, here)
    return _out_of_step_in_mapping(source, mark, where, here)


def _out_of_step_in_list(source: _Text, mark, where, here: str) -> Worded:
    """A line in a list of lines ('- ...') neither beginning an item nor indented as its
    item's fields are: most often a field of the item, indented too little."""
    if mark.column == where.column:
        problem = f"{here} is indented as far as the '-' of the list above it"
        problem += " but does not begin with '- '"
    else:
        problem = f"{here} is indented less than the item above it"
        problem += " but does not begin a new item with '- '"
    problem += f" (the list begins on line {source.number(where.line)})"
    item = _item_above(source, where, mark)
    fields = _nearest_key(source, item, mark.line, mark.column) if item is not None else None
    if fields is None:
        return Worded(
            problem,
            "begin it with '- ' if it is a new item; otherwise indent it less, as far as the key"
            " it belongs under",
        )
    return Worded(
        problem,
        f"indent it as far as '{fields[1]}:' on line {source.number(fields[0])}"
        f" ({fields[2]} spaces) if it belongs to that item; if it is a new item, begin it with"
        " '- '",
    )


def _out_of_step_in_mapping(source: _Text, mark, where, here: str) -> Worded | None:
    """A line in a mapping of lines at no level of its keys: a list item out of step with its
    list, a key under one whose value is given, or one between two levels."""
    line = source.line(mark.line)
    if line[mark.column : mark.column + 2].rstrip() == "-":  # a list item
        dash = _dash_above(source, where.line, mark.line)
        if dash is not None and _indent(source.line(dash)) != mark.column:
            spaces = _indent(source.line(dash))
            return Worded(
                f"{here} is not indented as far as the '-' of the list above it (line"
                f" {source.number(dash)}, {spaces} spaces)",
                f"indent its '-' as far as the one on line {source.number(dash)} ({spaces} spaces)"
                " if it is an item of that list; if it is a field, remove the '- '",
            )
        if mark.column != where.column:
            return None
        return Worded(
            f"{here} is a list item ('- ') among the fields of the mapping that begins on line"
            f" {source.number(where.line)}",
            "if it is a field like the others, remove the '- '; if it is an item of a list, put"
            " it under that list's key, its '-' as far as the others",
        )
    keys = _key_of(source.line(where.line))
    if keys is None or mark.column <= where.column:
        return None
    above = source.above(mark.line)
    given = _key_of(source.line(above)) if above is not None else None
    if above is not None and given and mark.column > given[1]:  # under a key whose value is given
        return Worded(
            f"{here} is indented further than '{given[0]}:' on line {source.number(above)}, whose"
            " value is given on that line",
            f"indent it as far as '{given[0]}:' ({given[1]} spaces); or, if line"
            f" {source.number(above)} is the one out of step, indent that line as far as the"
            " fields it belongs beside",
        )
    problem = (
        f"{here} is indented further than '{keys[0]}:' on line {source.number(where.line)} but"
        " less than the line above it"
    )
    deeper = _nearest_key(source, where.line, mark.line, mark.column)
    if deeper is None:
        return Worded(problem, f"indent it as far as '{keys[0]}:' ({keys[1]} spaces)")
    return Worded(
        problem,
        f"indent it as far as '{deeper[1]}:' on line {source.number(deeper[0])}"
        f" ({deeper[2]} spaces) if it belongs beside it, or as far as '{keys[0]}:'"
        f" ({keys[1]} spaces)",
    )


def _after_value(source: _Text, mark, tokens) -> Worded | None:
    """Something follows a complete value on its line: text after a closing quote, after a
    '[...]' or '{...}', or a bracket closing nothing."""
    before = _token_before(tokens, mark)
    at = _token_at(tokens, mark)
    line = source.line(mark.line)
    if isinstance(before, yaml.ScalarToken) and before.style in ('"', "'"):
        opened = before.start_mark
        if opened.line != mark.line:  # an open quote that took in the lines after it
            first = source.line(opened.line)
            return Worded(
                f"the quote ({first[opened.column]}) opened on line {source.number(opened.line)}"
                f" is closed only on line {source.number(mark.line)}: a quote left open takes in"
                " the lines after it",
                _then(
                    f"close the quote on line {source.number(opened.line)} if the text ends there",
                    _shown(first.rstrip() + first[opened.column]),
                ),
            )
        value = line[opened.column :].split(" #")[0].rstrip()
        quote = value[0]
        inner = value[1:-1] if len(value) > 1 and value.endswith(quote) else value
        fixed = _shown(line[: opened.column].lstrip() + quoted(inner))
        return Worded(
            f"the text on line {source.number(mark.line)} goes on after its closing quote (a"
            f" {quote} inside a text in {quote}...{quote} ends it)",
            _then("put the whole text in one pair of quotes", fixed),
        )
    if isinstance(before, yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken):
        char = line[mark.column : mark.column + 1]
        if isinstance(at, yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken):
            opener = "[" if char == "]" else "{"
            return Worded(
                f"a '{char}' on line {source.number(mark.line)} closes no '{opener}'",
                _then(
                    f"remove it, or add the '{opener}' it closes",
                    _shown(line[: mark.column] + line[mark.column + 1 :]),
                ),
            )
        start = _value_start(line)
        if start is not None and line[start : start + 1] in _CLOSER:
            return Worded(
                f"a text starting with '{line[start]}' must be quoted (YAML reads"
                f" '{line[start]}...{_CLOSER[line[start]]}' as a"
                f" {'list' if line[start] == '[' else 'mapping'})",
                _then("put the whole text in quotes", _with_quotes(line, start)),
            )
    return None


def _in_flow(source: _Text, mark, where, tokens) -> Worded | None:
    """In '[...]' or '{...}': the bracket left open, a ',' missing, or text holding ': '."""
    opened = source.line(where.line)
    opener = opened[where.column : where.column + 1]
    if opener not in _CLOSER:
        return None
    at = _token_at(tokens, mark)
    spans = not opened[where.column + 1 :].split(" #")[0].strip()  # written over several lines
    here = source.line(mark.line)
    back = mark.column == _indent(here) <= _indent(opened)  # back at the level of its key
    if isinstance(at, yaml.StreamEndToken) or (mark.line != where.line and (back or not spans)):
        closers = _closers(tokens, where.line)
        end = len(opened.split(" #")[0].rstrip())
        return Worded(
            f"the '{opener}' on line {source.number(where.line)} is not closed (a"
            f" '{_CLOSER[opener]}' is missing)",
            _then(
                f"add the '{_CLOSER[opener]}' where it ends; if that is on line"
                f" {source.number(where.line)}",
                _shown(opened[:end] + closers + opened[end:]) if closers and not spans else None,
            ),
        )
    before = _token_before(tokens, mark)
    if before is None:
        return None
    if (
        isinstance(at, yaml.ValueToken)
        and isinstance(before, yaml.ScalarToken)
        and before.start_mark.line == mark.line
    ):
        start = before.start_mark.column
        end = _flow_end(here, mark.column)
        fix = _then(
            "if it is one text, put it in quotes",
            _shown(here[:start] + quoted(here[start:end].rstrip()) + here[end:]),
        )
        words = here[start : mark.column].split(" ")  # a tab is no space between entries
        words = [word for word in words if word]
        if len(words) != 2 or not re.fullmatch(r"[A-Za-z_][\w.-]*", words[1]):
            return Worded("a text holding ': ' must be quoted", fix)
        split = start + here[start : mark.column].rstrip().rindex(" ")  # '{a: 1 b: 2}'
        return Worded(
            "a text holding ': ' must be quoted, or a ',' is missing between two entries",
            fix
            + _then(
                "; if a ',' is missing between two entries",
                _shown(here[:split] + "," + here[split:]),
            ),
        )
    after = source.line(before.end_mark.line)
    end = before.end_mark.column
    on = (
        f" (line {source.number(before.end_mark.line)})"
        if before.end_mark.line != mark.line
        else ""
    )
    return Worded(
        f"a ',' is missing before '{_entry(tokens, at, here)}' on line {source.number(mark.line)}",
        _then(f"put a ',' after the entry before it{on}", _shown(after[:end] + "," + after[end:])),
    )


def _unreadable(error: yaml.reader.ReaderError, text: str, source: _Text) -> Worded:
    """A character YAML does not read (a control character, most often copied in unseen)."""
    char = chr(error.character) if isinstance(error.character, int) else str(error.character)
    at = text.find(char)
    line = len(LINE_BREAK.findall(text, 0, at)) if at >= 0 else None
    code = f"U+{ord(char):04X}" if len(char) == 1 else repr(char)
    return Worded(
        f"the file holds the control character {code}, which YAML does not allow",
        "delete it: most editors do not show it (it may have come with text copied from"
        " another program)",
        f"line {source.number(line)}" if line is not None else None,
    )


_Worder = Callable[[_Text, yaml.Mark, yaml.Mark | None, list], Worded | None]
# when each applies (by the problem and context of either reader's words), what it says, and
# whether it needs the context's mark (where a quote, list or mapping began)
_WORDERS: tuple[tuple[Callable[[str, str], bool], _Worder, bool], ...] = (
    (lambda problem, context: "undefined alias" in problem, _undefined_alias, False),
    (lambda problem, context: "duplicate anchor" in context, _anchor_twice, True),
    (lambda problem, context: "mapping values are not allowed" in problem, _colon_in_text, False),
    (lambda problem, context: "unknown escape" in problem, _unknown_escape, True),
    (lambda problem, context: "hex" in problem, _unknown_escape, True),  # '\\U' and the like
    (lambda problem, context: "end of stream" in problem, _quote_left_open, True),
    (lambda problem, context: "cannot start any token" in problem, _reserved_start, False),
    (lambda problem, context: "mapping keys are not allowed" in problem, _reserved_start, False),
    (lambda problem, context: "node content" in problem, _reserved_start, False),
    (lambda problem, context: "block scalar" in context, _block_text, True),
    (
        lambda problem, context: "sequence entries are not allowed" in problem,
        _item_after_key,
        False,
    ),
    (lambda problem, context: "document start" in problem, _document_start, False),
    (lambda problem, context: "an anchor" in context or "an alias" in context, _star_or_amp, True),
    (lambda problem, context: "simple key" in context, _no_colon, True),
    (lambda problem, context: "block collection" in context, _in_block, True),
    (lambda problem, context: "block mapping" in context, _in_block, True),
    (lambda problem, context: "flow sequence" in context, _in_flow, True),
    (lambda problem, context: "flow mapping" in context, _in_flow, True),
)


# --- reading the lines --------------------------------------------------------------------------


def _tokens(text: str) -> list[yaml.Token]:
    """The tokens of ``text`` up to the first it cannot read (only when there is an error)."""
    tokens: list[yaml.Token] = []
    try:
        for token in yaml.scan(text, Loader=_Scanner):  # tokens only: nothing is built
            tokens.append(token)
    except yaml.YAMLError:
        pass
    return tokens


def _at(mark) -> tuple[int, int]:
    return mark.line, mark.column


def _token_at(tokens: list[yaml.Token], mark) -> yaml.Token | None:
    return next((t for t in tokens if _at(t.start_mark) == _at(mark)), None)


def _token_before(tokens: list[yaml.Token], mark) -> yaml.Token | None:
    """The last token that is a value or a closing bracket and ends before ``mark``."""
    kinds = (yaml.ScalarToken, yaml.AliasToken, yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)
    ended = [t for t in tokens if isinstance(t, kinds) and _at(t.end_mark) <= _at(mark)]
    return ended[-1] if ended else None


def _entry(tokens: list[yaml.Token], first: yaml.Token | None, line: str) -> str:
    """The entry of '[...]' or '{...}' that begins with ``first``, as its line writes it."""
    if first is None:
        return "?"
    end = first.end_mark
    if isinstance(first, yaml.FlowSequenceStartToken | yaml.FlowMappingStartToken):
        depth = 0
        for token in tokens[tokens.index(first) :]:
            if isinstance(token, yaml.FlowSequenceStartToken | yaml.FlowMappingStartToken):
                depth += 1
            elif isinstance(token, yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken):
                depth -= 1
            if depth == 0:
                end = token.end_mark
                break
    start = first.start_mark.column
    return _short(line[start : end.column] if end.line == first.start_mark.line else line[start:])


def _closers(tokens: list[yaml.Token], line: int) -> str:
    """The brackets that would close those the line opens and leaves open."""
    opened: list[str] = []
    for token in tokens:
        if token.start_mark.line != line:
            continue
        if isinstance(token, yaml.FlowSequenceStartToken):
            opened.append("]")
        elif isinstance(token, yaml.FlowMappingStartToken):
            opened.append("}")
        elif isinstance(token, yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken) and opened:
            opened.pop()
    return "".join(reversed(opened))


def _flow_end(line: str, start: int) -> int:
    """Where a text inside '[...]' or '{...}' that goes on at ``start`` ends: at the next ',' or
    closing bracket."""
    found = re.compile(r"[,\]}]").search(line, start)
    return found.start() if found else len(line)


def _closing_quote(line: str, opened: int) -> int | None:
    """The column of the '"' closing the text in double quotes opened at ``opened``."""
    at = opened + 1
    while at < len(line):
        if line[at] == "\\":
            at += 2
            continue
        if line[at] == '"':
            return at
        at += 1
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_of(line: str) -> tuple[str, int] | None:
    """The key a line gives and its column ('  - id: a': ('id', 4))."""
    parts = _LINE.match(line)
    return (parts["key"], parts.start("key")) if parts and parts["key"] else None


def _value_start(line: str) -> int | None:
    parts = _LINE.match(line)
    return parts.start("value") if parts and parts["value"] else None


def _item_above(source: _Text, where, mark) -> int | None:
    """The line of the list item (its '-' where the list's first is) that ``mark`` follows."""
    for index in range(mark.line - 1, where.line - 1, -1):
        line = source.line(index)
        if line[where.column : where.column + 1] == "-" and not line[: where.column].strip():
            return index
    return None


def _dash_above(source: _Text, first: int, below: int) -> int | None:
    """The nearest line from ``first`` to ``below`` (not included) that begins a list item."""
    for index in range(below - 1, first - 1, -1):
        if source.line(index).lstrip().startswith("- ") or source.line(index).strip() == "-":
            return index
    return None


def _nearest_key(source: _Text, first: int, below: int, column: int) -> tuple[int, str, int] | None:
    """Of the keys on lines ``first`` to ``below`` (not included) indented further than
    ``column``, the least indented, nearest ``below``: (line, key, its column), the level a
    line at ``column`` was most likely meant for."""
    best: tuple[int, str, int] | None = None
    for index in range(below - 1, first - 1, -1):
        key = _key_of(source.line(index))
        if key and key[1] > column and (best is None or key[1] < best[2]):
            best = (index, key[0], key[1])
    return best


def _label(line: str) -> str:
    """How a message names a line: by its key ('logic:'), else by its text."""
    key = _key_of(line)
    if key and not line.lstrip().startswith("-"):
        return f"{key[0]}:"
    return _short(line.split(" #")[0].strip())


def _short(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 3] + "..."


def _with_quotes(line: str, start: int) -> str | None:
    """``line`` with its text from ``start`` (to a comment) in quotes, without its indentation."""
    value = line[start:].split(" #")[0].rstrip()
    rest = line[start + len(value) :]
    return _shown(line[:start] + quoted(value) + rest)


def _shown(line: str) -> str | None:
    """A line as a fix shows it: without its indentation; none if too long to copy from."""
    line = line.strip()
    return line if line and len(line) <= LONGEST else None


def _then(words: str, line: str | None) -> str:
    """A fix: its words, then the line to write when there is one."""
    return f"{words}: {line}" if line else words
