"""A YAML syntax error is told in words with a fix made from the line (inputs/yamlwords.py).

The parsers' own words ("found undefined alias", "did not find expected '-' indicator",
"mapping values are not allowed in this context") said what they met, not what was written
wrong, and every fix was "check indentation, colons and quotes". The same words serve profiles
and rule files. The place is the parser's, as before; both readers (libyaml's and PyYAML's own)
are told alike.
"""

from __future__ import annotations

import pytest
import yaml

from eligibility.errors import InputError
from eligibility.inputs.yamlio import parse_text
from eligibility.inputs.yamlwords import in_words, quoted


def case(id_: str, text: str, place: str, problem: str, fix: str):
    return pytest.param(text, place, problem, fix, id=id_)


CASES = [
    case(
        "undefined-alias-near-one",
        "a: &months-12\n  x: 1\nb: &months-24\n  y: 2\nc: {<<: *months-12b, id: z}\n",
        "line 5, column 9",
        "the alias *months-12b is not defined (defined here: months-12, months-24): did you"
        " mean *months-12?",
        "write *months-12, or mark the value to repeat with &months-12b above this line",
    ),
    case(
        "undefined-alias-that-is-text",
        "a: *note here\n",
        "line 1, column 4",
        "the alias *note is not defined (no anchor &name is defined above it)",
        "mark the value to repeat with &note above this line; if it is text, put it in quotes:"
        ' a: "*note here"',
    ),
    case(
        "alias-before-its-anchor",
        "a: *later\nb: &later 1\n",
        "line 1, column 4",
        "the alias *later comes before its anchor &later (line 2): an alias repeats a value"
        " given above it",
        "move the value marked &later above this line, or the alias below it",
    ),
    case(
        "anchor-twice",
        "a: &x 1\nb: &x 2\nc: *x\n",
        "line 2, column 4",
        "the anchor &x is given twice (first on line 1)",
        "give one of them another name, and use that name in the aliases (*x) meant to repeat it",
    ),
    case(
        "text-holding-colon",
        "- id: a\n  text: Option 1: 18 months  # the catalogue's words\n",
        "line 2, column 17",
        "a text holding ': ' must be quoted (unquoted, YAML reads 'Option 1:' in it as a key)",
        'put the whole text in quotes: text: "Option 1: 18 months"  # the catalogue\'s words',
    ),
    case(
        "text-holding-colon-and-a-quote",
        'note: He said "no": twice\n',
        "line 1, column 19",
        "a text holding ': ' must be quoted (unquoted, YAML reads 'He said \"no\":' in it as a"
        " key)",
        "put the whole text in quotes: note: 'He said \"no\": twice'",
    ),
    case(
        "dedented-logic-at-the-dash",
        "checks:\n  - id: a\n    text: T\n  logic: {var: x}\n",
        "line 4, column 3",
        "'logic:' on line 4 is indented as far as the '-' of the list above it but does not"
        " begin with '- ' (the list begins on line 2)",
        "indent it as far as 'text:' on line 3 (4 spaces) if it belongs to that item; if it is"
        " a new item, begin it with '- '",
    ),
    case(
        "dedented-logic-between",
        "checks:\n  - id: a\n    logic:\n      and: [x, y]\n   fix: f\n",
        "line 5, column 4",
        "'fix:' on line 5 is indented less than the item above it but does not begin a new item"
        " with '- ' (the list begins on line 2)",
        "indent it as far as 'logic:' on line 3 (4 spaces) if it belongs to that item; if it is"
        " a new item, begin it with '- '",
    ),
    case(
        "indented-too-far",
        "- id: a\n  text: T\n    logic: x\n",
        "line 3, column 10",
        "'logic:' on line 3 is indented further than line 2, so YAML reads it as more of the text"
        " there, and a text holding ': ' must be quoted",
        "if 'logic:' is a field of its own, indent it as far as 'text:' on line 2 (2 spaces); if"
        " it goes on with the text above, put that whole text in quotes",
    ),
    case(
        "dedented-in-a-mapping",
        "a:\n    b: 1\n  c: 2\n",
        "line 3, column 3",
        "'c:' on line 3 is indented further than 'a:' on line 1 but less than the line above it",
        "indent it as far as 'b:' on line 2 (4 spaces) if it belongs beside it, or as far as"
        " 'a:' (0 spaces)",
    ),
    case(
        "under-a-key-whose-value-is-given",
        "a:\n  b: {x: 1}\n    c: 2\n",
        "line 3, column 5",
        "'c:' on line 3 is indented further than 'b:' on line 2, whose value is given on that line",
        "indent it as far as 'b:' (2 spaces); or, if line 2 is the one out of step, indent that"
        " line as far as the fields it belongs beside",
    ),
    case(
        "list-item-out-of-step",
        "work_history:\n  - id: job-1\n    employer: X\n - id: job-2\n",
        "line 4, column 2",
        "'- id: job-2' on line 4 is not indented as far as the '-' of the list above it (line 2,"
        " 2 spaces)",
        "indent its '-' as far as the one on line 2 (2 spaces) if it is an item of that list; if"
        " it is a field, remove the '- '",
    ),
    case(
        "list-item-on-its-key-line",
        "code_sets: - CPT, ICD-10-CM\n",
        "line 1, column 12",
        "a list item ('- ') cannot stand on the line of its key 'code_sets:'",
        "put each item on a line of its own below 'code_sets:', or write the list in brackets:"
        " code_sets: [CPT, ICD-10-CM]",
    ),
    case(
        "no-space-after-the-colon",
        "name:Sam\nas_of: 2026-11-22\n",
        "line 2, column 6",
        "'name:Sam' on line 1 has no space after its ':', so YAML reads it as a text, not a"
        " field and its value",
        "put a space after the ':': name: Sam",
    ),
    case(
        "a-line-without-a-key",
        "name: Sam\nNorthside Clinic\nas_of: 2026-11-22\n",
        "line 3, column 1",
        "'Northside Clinic' on line 2 is not 'key: value', where the fields of a mapping are"
        " expected",
        "write the field's name and ': ' before it; if it goes on with the text on line 1, indent"
        " it further than that line's key",
    ),
    case(
        "quote-never-closed",
        'name: "Sam\n',
        "line 2, column 1",
        'the quote (") opened on line 1 is never closed',
        'end the text with a ", on line 1 if it ends there: name: "Sam"',
    ),
    case(
        "quote-closed-lines-later",
        "name: 'Sam\nas_of: 2026-11-22\nnote: 'x'\n",
        "line 3, column 8",
        "the quote (') opened on line 1 is closed only on line 3: a quote left open takes in the"
        " lines after it",
        "close the quote on line 1 if the text ends there: name: 'Sam'",
    ),
    case(
        "text-after-the-closing-quote",
        "  - name: 'O'Brien'\n",
        "line 1, column 14",
        "the text on line 1 goes on after its closing quote (a ' inside a text in '...' ends it)",
        'put the whole text in one pair of quotes: - name: "O\'Brien"',
    ),
    case(
        "bracket-never-closed",
        "code_sets: [CPT, HCPCS-II\nhours_per_week: 40\n",
        "line 2, column 15",
        "the '[' on line 1 is not closed (a ']' is missing)",
        "add the ']' where it ends; if that is on line 1: code_sets: [CPT, HCPCS-II]",
    ),
    case(
        "brackets-never-closed-over-lines",
        "logic: {and: [\n    {var: x},\n    {var: y}\nfix: f\n",
        "line 4, column 1",
        "the '[' on line 1 is not closed (a ']' is missing)",
        "add the ']' where it ends; if that is on line 1",
    ),
    case(
        "comma-missing",
        "logic: {and: [{var: x} {var: y}]}\n",
        "line 1, column 24",
        "a ',' is missing before '{var: y}' on line 1",
        "put a ',' after the entry before it: logic: {and: [{var: x}, {var: y}]}",
    ),
    case(
        "comma-missing-over-lines",
        "logic: {and: [\n    {var: x}\n    {var: y}\n  ]}\n",
        "line 3, column 5",
        "a ',' is missing before '{var: y}' on line 3",
        "put a ',' after the entry before it (line 2): {var: x},",
    ),
    case(
        "text-holding-colon-in-braces",
        "- {id: a, text: Option 1: 18 months}\n",
        "line 1, column 25",
        "a text holding ': ' must be quoted",
        'if it is one text, put it in quotes: - {id: a, text: "Option 1: 18 months"}',
    ),
    case(
        "closing-bracket-closing-nothing",
        "code_sets: [CPT]]\n",
        "line 1, column 17",
        "a ']' on line 1 closes no '['",
        "remove it, or add the '[' it closes: code_sets: [CPT]",
    ),
    case(
        "text-starting-with-a-bracket",
        "role_title: [acting] coder\n",
        "line 1, column 22",
        "a text starting with '[' must be quoted (YAML reads '[...]' as a list)",
        'put the whole text in quotes: role_title: "[acting] coder"',
    ),
    case(
        "text-starting-with-at",
        "employer: @Home Health\n",
        "line 1, column 11",
        "a text starting with '@' must be quoted (YAML keeps that character for itself)",
        'put the whole text in quotes: employer: "@Home Health"',
    ),
    case(
        "text-starting-with-a-star",
        "note: * see the letter\n",
        "line 1, column 8",
        "a text starting with '*' must be quoted (YAML reads *name as an alias, which repeats a"
        " value)",
        'put the whole text in quotes: note: "* see the letter"',
    ),
    case(
        "text-starting-with-greater-than",
        "measure: >= 12 months\n",
        "line 1, column 11",
        "a text starting with '>' must be quoted (YAML reads a '>' or '|' beginning a value as"
        " the start of a text written on the lines below it)",
        'put the whole text in quotes: measure: ">= 12 months"',
    ),
    case(
        "backslash-in-double-quotes",
        'note: "C:\\Users\\sam"\n',
        "line 1, column 12",
        'in a text in double quotes a backslash begins an escape (\\n, \\t, \\"), and \\U there'
        " is none that YAML can read",
        "write the backslash twice (\\\\), or put the text in single quotes, where a backslash is"
        " only a backslash: note: 'C:\\Users\\sam'",
    ),
    case(
        "top-level-out-of-step",
        "# a profile\n  profile_version: 2\nname: Sam\n",
        "line 3, column 1",
        "'name:' on line 3 is indented less than 'profile_version:' on line 2, the first line of"
        " the file: the top level must be indented alike",
        "remove the spaces before 'profile_version:' on line 2",
    ),
    case(
        "document-ended",
        "name: Sam\n...\nas_of: 2026-11-22\n",
        "line 3, column 1",
        "a line '...' (line 2) ends the document, and the file goes on after it",
        "remove line 2 ('...')",
    ),
    case(
        "mapping-holding-itself",
        "name: Ann\nnote: &n {more: *n}\n",
        "line 2, column 7",
        "an alias (*name) stands inside the value its anchor (&name) names, so the value would"
        " contain itself without end",
        "write that value out in full instead of the alias (*name) inside it",
    ),
    case(
        "control-character",
        "name: Sam\nemployer: North\x07side\n",
        "line 2",
        "the file holds the control character U+0007, which YAML does not allow",
        "delete it: most editors do not show it (it may have come with text copied from another"
        " program)",
    ),
]


@pytest.mark.parametrize(("text", "place", "problem", "fix"), CASES)
def test_a_syntax_error_says_what_was_written_wrong_and_the_line_to_write(
    text, place, problem, fix
):
    with pytest.raises(InputError) as raised:
        parse_text(text, "f.yaml")
    error = raised.value
    assert (error.file, error.place) == ("f.yaml", place)
    assert error.problem == f"not valid YAML: {problem}"
    assert error.fix == fix


# a mapping holding itself is this reader's refusal (the key check builds keys at once)
ALIKE = [each for each in CASES if each.id != "mapping-holding-itself"]


@pytest.mark.parametrize(("text", "place", "problem", "fix"), ALIKE)
def test_pyyamls_own_reader_is_told_alike(text, place, problem, fix):
    """Without libyaml, PyYAML reads with its own reader, whose words differ (and which names
    an undefined alias itself): the same sentence and fix."""
    with pytest.raises(yaml.YAMLError) as raised:
        yaml.load(text, Loader=yaml.SafeLoader)
    said = in_words(raised.value, text)
    assert (said.problem, said.fix) == (problem, fix)


def test_a_document_of_a_stream_names_the_files_lines():
    """A cohort's YAML stream parses each document alone: its lines are the file's."""
    with pytest.raises(InputError) as raised:
        parse_text("a: &months-12 1\nb: *months-12b\n", "cohort.yaml", offset=40)
    assert raised.value.place == "line 42, column 4"
    assert raised.value.problem.endswith("did you mean *months-12?")
    with pytest.raises(InputError) as raised:
        parse_text("checks:\n  - id: a\n    text: T\n  logic: x\n", "cohort.yaml", offset=40)
    assert raised.value.place == "line 44, column 3"
    assert "'logic:' on line 44" in raised.value.problem
    assert "'text:' on line 43" in raised.value.fix


def test_a_line_too_long_to_copy_is_described_not_shown():
    value = "x " * 200 + ": y"
    with pytest.raises(InputError) as raised:
        parse_text(f"text: {value}\n", "f.yaml")
    assert raised.value.fix == "put the whole text in quotes"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Option 1: 18 months", '"Option 1: 18 months"'),
        ('He said "no": twice', "'He said \"no\": twice'"),
        ("C:\\Users: sam", "'C:\\Users: sam'"),
        ('it\'s "this": that', "'it''s \"this\": that'"),
    ],
)
def test_quoted_text_reads_back_as_itself(text, written):
    assert quoted(text) == written
    assert yaml.safe_load(f"v: {written}") == {"v": text}


def test_a_tab_between_two_entries_is_an_input_error_not_a_fault():
    """`{highest_level: 1<TAB>b: 2}` crashed the wording ("substring not found"): its words
    were split on any white space, then the space between them looked for."""
    with pytest.raises(InputError) as refused:
        parse_text("education: {highest_level: 1\tb: 2}\n", "p.yaml")
    assert refused.value.place.startswith("line 1")
    assert "must be quoted" in refused.value.problem
