"""`eligibility init` and `eligibility template`: a profile from questions, a skeleton, an example.

:func:`interview` asks the questions of ``inputs/questions.py`` through an ``ask`` function (the
CLI's prompts on a terminal; a script in the tests) and returns the answers: a short round of the
questions most candidates can answer (``Question.core``), "more about this record?" for the rest,
and a last "anything else?" for the sections few have. Empty text skips a question (the fact is
left out: profile format 2 reads it as not stated), and so do the words of ``NOT_SURE``; text
that is not an answer is said so (``tell``) and asked again.

:func:`profile_text` writes answers as a commented profile (each field's schema description as a
comment the first time it appears) whose first line names the schema for editors (:func:`modeline`);
:func:`template_text` is the same skeleton with ``<...>`` placeholders; :func:`example_text` a
shipped worked candidate. :func:`write_profile` writes one atomically, never over a file unless
told to.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eligibility import resources
from eligibility.batch import atomic_writer
from eligibility.errors import InputError
from eligibility.inputs.formatversion import in_sentence
from eligibility.inputs.profiles import read_text
from eligibility.inputs.questions import (
    CORE,
    NOT_SURE,
    YES_OR_NO,
    AnswerError,
    Group,
    Question,
    sections,
    to_profile,
)
from eligibility.inputs.validation import schema
from eligibility.inputs.yamlio import parse_text

if TYPE_CHECKING:
    from eligibility.facts.registry import Registry

WIDTH = 96  # comment lines are wrapped to this
# A job's id is what its letters name; one is made up when the candidate gives none.
DEFAULT_IDS = {"work_history": "job-{n}"}
# A field naming a record of another section: (section, field) -> (that section, its field). The
# ids given so far are offered; the only one is the default.
REFERS = {
    ("verification_letters", "covers_work_id"): ("work_history", "id"),
    ("ceus", "applied_to_credential_id"): ("credentials", "id"),
    ("self_reviews", "credential_id"): ("credentials", "id"),
}
_NEVER_ASKED = {"profile_version"}
# a credential's questions about its apprentice designation, for one that can have it
APPRENTICE_QUESTIONS = ("apprentice", "apprentice_removed_date")
# a question asked only when the yes-or-no question it follows was not answered no
AFTER_YES = {"extension_date": "extension_purchased"}
TRIES = 10  # a question asked again this often gets no answer (a script, not a person)


class _LeftOut(Exception):
    """The candidate chose to leave out the record whose needed question she cannot answer."""


@dataclass(frozen=True)
class Prompt:
    """One thing asked. ``kind``: ``question`` (``question`` says what is asked; the answer goes
    to ``key`` of the record at ``where``), ``add`` (yes or no: is there a record at ``where``,
    such as ``("training", 1)``?) or ``more`` (yes or no: give the answers ``keys`` of the record
    at ``where``, which the short round does not ask?) or ``leave`` (yes or no: leave out the
    record at ``where``, whose needed answer is not known?)."""

    kind: str
    text: str
    help: str = ""
    where: tuple[str | int, ...] = ()
    key: str = ""
    question: Question | None = None
    keys: tuple[str, ...] = ()
    default: str = ""  # taken when the answer is empty

    @property
    def note(self) -> str:
        """The help shown above a question: its first sentence, whole ("e.g. CPC, COC." kept),
        or "" when there is none or it only repeats the question."""
        if self.kind != "question":
            return ""
        first = _SENTENCE_END.split(self.help.strip(), maxsplit=1)[0].rstrip(".")
        return f"{first}." if first and first.lower() != self.text.lower() else ""

    @property
    def hint(self) -> str:
        """What may be typed, in a few words."""
        question = self.question
        if question is None:
            return "y/N"  # yes or no, enter for no
        if question.kind == "boolean":
            hint = "y/n"
        elif question.kind == "date":
            hint = "YYYY-MM-DD, or YYYY-MM or YYYY" if question.partial else "YYYY-MM-DD"
        elif question.kind in ("choice", "choices"):
            # in words, as the web form lists them: an answer may be typed either way
            hint = " | ".join(str(choice).replace("_", " ") for choice in question.choices)
            hint = f"{'one' if question.kind == 'choice' else 'any, by commas'} of {hint}"
        elif question.kind in ("number", "integer"):
            hint = "a number" if question.kind == "number" else "a whole number"
        elif question.suggestions:
            hint = "such as " + ", ".join(question.suggestions[:6])
        else:
            hint = ""
        if question.nullable:
            hint += ("; " if hint else "") + "none"
        return hint


def _titled(question: Question, group: Group | None) -> str:
    """A question as asked: within a section of one record, with its name ("Practicode:
    completed", "Practicum: completed"), which alone would read the same twice in a row."""
    if group is None or group.repeated or not group.path:
        return question.title
    title = question.title
    if title[:1].isupper() and title[1:2].islower():  # "Completed", not "CAHIIM accredited"
        title = title[0].lower() + title[1:]
    return f"{group.title}: {title}"


# The end of a sentence: a full stop and a space, but not an abbreviation's ("e.g. CPC").
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)\.\s+")

Ask = Callable[[Prompt], str]
Tell = Callable[[str], None]


def interview(
    ask: Ask,
    registry: Registry | None = None,
    tell: Tell = lambda _: None,
    asked: tuple[tuple[str, str], ...] = (),
) -> dict[str, Any]:
    """Ask the profile's questions through ``ask``; the answers (``inputs/questions.py``);
    ``asked``: what they say to the person answering (``form.yaml``'s ``help``)."""
    return _Interview(ask, tell, registry).run(sections(registry, asked))


class _Interview:
    def __init__(self, ask: Ask, tell: Tell, registry: Registry | None = None) -> None:
        self.ask, self.tell, self.registry = ask, tell, registry
        self.answers: dict[str, Any] = {}

    def run(self, groups: tuple[Group, ...]) -> dict[str, Any]:
        answers = self.answers
        short = [group for group in groups if group.path in CORE]
        later = [group for group in groups if group not in short]
        for group in short:
            if group.path == "":
                self.questions([q for q in group.questions() if q.core], answers, (), "")
            else:
                self.section(group, answers, asked_always=True)
        about = next(group for group in groups if group.path == "")
        extra = [q for q in about.questions() if not q.core and q.path not in _NEVER_ASKED]
        keys = tuple(q.path for q in extra) + tuple(k for g in later for k in _keys(g))
        names = ", ".join([q.title for q in extra] + [g.title for g in later])
        if self.yes(Prompt("more", f"Anything else to record ({names})?", keys=keys)):
            self.questions(extra, answers, (), "")
            for group in later:
                self.section(group, answers, asked_always=False)
        return answers

    def section(self, group: Group, answers: dict[str, Any], asked_always: bool) -> None:
        if not group.repeated:  # a record of its own: its first required question opens it
            prefix = f"{group.path}."
            try:
                self.record(group, answers, (), prefix)
            except _LeftOut:
                for key in [key for key in answers if key.startswith(prefix)]:
                    del answers[key]
                item = group.item[:1].upper() + group.item[1:]  # "Your education"
                self.tell(f"{item} is left out; you can add it to the file later.")
            return
        records = self.records(group, ())
        if records or asked_always:  # asked and answered "none": said so in the profile
            answers[group.path] = records

    def records(self, group: Group, where: tuple[str | int, ...]) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        while self.yes(
            Prompt(
                "add",
                f"Add {'another' if records else _article(group.item)} {group.item}?",
                group.help,
                (*where, group.path, len(records)),
            )
        ):
            record: dict[str, Any] = {}
            try:
                self.record(group, record, (*where, group.path, len(records)), "")
            except _LeftOut:
                self.tell(f"This {group.item} is left out; you can add it to the file later.")
                continue
            records.append(record)
        return records

    def record(
        self, group: Group, record: dict[str, Any], where: tuple[str | int, ...], prefix: str
    ) -> None:
        """Ask one record's questions into ``record`` (keys prefixed by ``prefix``)."""
        order = CORE.get(group.path, ())
        core = sorted(
            (q for q in group.questions() if q.core),
            key=lambda q: (q.path in order, order.index(q.path) if q.path in order else 0),
        )
        opening = not group.repeated
        if not self.questions(core, record, where, prefix, group, opening):
            return
        rest = [q for q in group.questions() if not q.core]
        nested = [item for item in group.items if isinstance(item, Group)]
        keys = tuple(f"{prefix}{q.path}" for q in rest) + tuple(g.path for g in nested)
        titles = ", ".join([in_sentence(q.title) for q in rest] + [g.title.lower() for g in nested])
        this = f"this {group.item}" if group.repeated else group.item
        if keys and self.yes(
            Prompt("more", f"More about {this} ({titles})?", where=where, keys=keys)
        ):
            self.questions(rest, record, where, prefix, group)
            for inner in nested:
                records = self.records(inner, where)
                if records:
                    record[inner.path] = records

    def questions(
        self,
        questions: list[Question],
        record: dict[str, Any],
        where: tuple[str | int, ...],
        prefix: str,
        group: Group | None = None,
        opening: bool = False,
    ) -> bool:
        """Ask ``questions`` into ``record``; False when the first of an ``opening`` round is
        skipped (no such record: the section's remaining questions are not asked)."""
        for index, question in enumerate(questions):
            key = f"{prefix}{question.path}"
            if not self.applies(group, question, record, prefix):
                continue
            needed = question.required and not (opening and index == 0)
            if needed and "." in question.path:  # hours.unit: needed once hours has a value
                outer = prefix + question.path.rsplit(".", 1)[0] + "."
                needed = any(name.startswith(outer) for name in record)
            default = self.default(group, question, where)
            question = self.suggesting(group, question)
            prompt = Prompt(
                "question",
                _titled(question, group),
                question.help,
                where,
                key,
                question,
                default=default,
            )
            found, value = self.answer(prompt, needed, group)
            if found:
                record[key] = value
            elif opening and index == 0:
                return False
        # a part skipped before another part of its object was given (the hours' value, then
        # their unit): the object needs it, so it is asked again rather than written incomplete
        for question in questions:
            key = f"{prefix}{question.path}"
            outer = key.rsplit(".", 1)[0] + "." if "." in question.path else ""
            given = outer and any(name.startswith(outer) for name in record)
            if question.required and given and key not in record:
                self.tell(f"{question.title}: an answer is needed, with what you gave beside it")
                prompt = Prompt("question", question.title, question.help, where, key, question)
                record[key] = self.answer(prompt, True, group)[1]
        return True

    def applies(
        self, group: Group | None, question: Question, record: Mapping[str, Any], prefix: str
    ) -> bool:
        """Whether a question means anything for the record as answered so far: whether a CCS
        is an apprentice credential is not asked (the registry gives no apprentice form for
        it, or the id typed was the apprentice form, CPC-A), nor the day of an extension said
        not bought."""
        if group is None:
            return True
        if group.path == "credentials" and question.path in APPRENTICE_QUESTIONS:
            given = record.get(f"{prefix}id")
            if self.registry is not None and isinstance(given, str):
                canonical, as_apprentice = self.registry.normalise(given)
                info = self.registry.info(canonical)
                return not as_apprentice and (info is None or bool(info.apprentice_form))
        if question.path in AFTER_YES:
            return record.get(f"{prefix}{AFTER_YES[question.path]}") is not False
        return True

    def suggesting(self, group: Group | None, question: Question) -> Question:
        """A credential question whose suggestions start with the candidate's own credentials
        (the CCS given two screens earlier, for a CEU record's credential)."""
        if not question.suggestions or group is None or group.path == "credentials":
            return question
        own = [r["id"] for r in self.answers.get("credentials", ()) if isinstance(r.get("id"), str)]
        return replace(question, suggestions=tuple(dict.fromkeys([*own, *question.suggestions])))

    def default(self, group: Group | None, question: Question, where: tuple) -> str:
        """What an empty answer stands for: a made-up job id, the only job a letter can name."""
        if group is None:
            return ""
        if group.path in DEFAULT_IDS and question.path == "id":
            return DEFAULT_IDS[group.path].format(n=int(where[-1]) + 1)
        section, field = REFERS.get((group.path, question.path), ("", ""))
        ids = [record[field] for record in self.answers.get(section, ()) if field in record]
        return ids[0] if len(ids) == 1 else ""

    def answer(self, prompt: Prompt, needed: bool, group: Group | None) -> tuple[bool, Any]:
        """(whether answered, the value), asking again until the text is an answer. A needed
        answer not known offers to leave its record out (:class:`_LeftOut`): a candidate who
        cannot say what kind of course she took is not stuck, nor made to invent it."""
        question = prompt.question
        assert question is not None
        doubted = ""
        for _ in range(TRIES):
            typed = self.ask(prompt).strip() or prompt.default
            if not typed or typed.lower() in NOT_SURE:
                if not needed:
                    return False, None
                what = f"this {group.item}" if group and group.repeated else "this"
                hint = f" ({prompt.hint})" if prompt.hint else ""
                self.tell(f"{question.title}: an answer is needed for {what}{hint}")
                if group is not None and self.yes(self.leave(group, prompt.where)):
                    raise _LeftOut
                continue
            try:
                value = question.parse(typed)
            except AnswerError as error:
                self.tell(f"{question.title}: {error}")
                continue
            doubt = self.doubt(question, value)
            if doubt and typed != doubted:
                doubted = typed  # the same text again keeps it: another body's credential
                self.tell(f"{question.title}: {doubt}")
                continue
            return True, value
        raise InputError(
            "answers",
            None,
            f"no answer to {question.title!r} after {TRIES} tries",
            (
                f"answer it, {prompt.hint}"
                if prompt.hint.startswith("such as")
                else f"answer it as {prompt.hint}"
            )
            if prompt.hint
            else "answer it",
        )

    def doubt(self, question: Question, value: Any) -> str:
        """What to ask about a credential id that is probably a slip for a known one ("CSS"
        for the CCS): a misspelt id is read as another body's credential, and every answer
        about the one meant changes. Empty when there is nothing to ask."""
        if not question.suggestions or self.registry is None:
            return ""
        for given in value if isinstance(value, list) else [value]:
            meant = self.registry.lookalike(str(given))
            if meant is not None:
                return (
                    f"{given!r} is not a credential these rules know; did you mean {meant!r}?"
                    f" Type {given!r} again to keep it as written (another body's credential)"
                )
        return ""

    @staticmethod
    def leave(group: Group, where: tuple[str | int, ...]) -> Prompt:
        this = f"this {group.item}" if group.repeated else group.item  # "your education"
        return Prompt(
            "leave",
            f"Not known? Leave {this} out of the profile?",
            "Answer y to leave it out (you can add it to the file later), or n to answer.",
            where,
        )

    def yes(self, prompt: Prompt) -> bool:
        """Whether the answer to a yes-or-no ``prompt`` is yes; empty text (or not sure) is no,
        other text is said so and asked again, as at a yes-or-no question."""
        for _ in range(TRIES):
            typed = self.ask(prompt).strip().lower()
            if typed in ("y", "yes"):
                return True
            if typed in ("", "n", "no", *NOT_SURE):
                return False
            self.tell(f"{YES_OR_NO}, or press enter for no")
        raise InputError(
            "answers", None, f"no answer to {prompt.text!r} after {TRIES} tries", "answer y or n"
        )


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _keys(group: Group) -> Iterator[str]:
    """The answer keys a section's records may hold at the top level of the answers."""
    if group.repeated:
        yield group.path
    else:
        for question in group.questions():
            yield f"{group.path}.{question.path}"


# --- writing profiles ---------------------------------------------------------------------------


def modeline(target: str | Path | None = None) -> str:
    """The first line of a profile written to ``target`` (None: the current folder), naming the
    profile schema for editors (see :func:`resources.profile_modeline`)."""
    folder = (Path(target).resolve().parent) if target is not None else Path.cwd().resolve()
    return resources.profile_modeline(folder)


HEADER = """\
# A candidate profile for 'eligibility' (format: docs/profile-format.md). Lines starting with #
# are comments. Leave out what you do not know: an answer that needs it says so.
# See the answers with:  eligibility check {name}"""


def profile_text(answers: Mapping[str, Any], target: str | Path | None = None) -> str:
    """The profile the answers make, as commented YAML for a file at ``target``."""
    name = Path(target).name if target is not None else "PROFILE.yaml"
    lines = [modeline(target), HEADER.format(name=name)]
    _emit(to_profile(answers), schema("profile"), 0, lines, set(), ())
    return "\n".join(lines) + "\n"


class _Raw(str):
    """A placeholder written as it is."""


def template_text(registry: Registry | None = None, target: str | Path | None = None) -> str:
    """A skeleton profile: the short questionnaire's fields, one record of each list, each value
    a ``<...>`` placeholder saying what to write (a plain YAML scalar, so the file parses)."""
    skeleton: dict[str, Any] = {"profile_version": 2}
    for group in sections(registry):
        questions = [q for q in group.questions() if q.core]
        if not questions:
            continue
        record = {q.path: _placeholder(q, group) for q in questions}
        if group.path == "":
            skeleton.update(record)
        elif group.repeated:
            skeleton[group.path] = [record]
        else:
            skeleton.update({f"{group.path}.{key}": value for key, value in record.items()})
    name = Path(target).name if target is not None else "PROFILE.yaml"
    lines = [
        modeline(target),
        HEADER.format(name=name),
        "# Replace each <...> by your answer (a list as [a, b]); delete the lines you do not",
        "# know and the records you do not have (a list with none left: write [] after its name).",
    ]
    _emit(to_profile(skeleton), schema("profile"), 0, lines, set(), ())
    return "\n".join(lines) + "\n"


_TEMPLATE_IDS = {
    ("training", "id"): "course-1",
    ("work_history", "id"): "job-1",
    ("verification_letters", "covers_work_id"): "job-1",
}


def _placeholder(question: Question, group: Group) -> Any:
    fixed = _TEMPLATE_IDS.get((group.path, question.path))
    if fixed:
        return fixed
    if question.kind in ("choice", "choices"):
        word = "one" if question.kind == "choice" else "some"
        return _Raw(f"<{word} of {' | '.join(str(c) for c in question.choices)}>")
    if question.kind == "boolean":
        return _Raw("<true or false>")
    if question.kind == "date":
        return _Raw("<date YYYY-MM-DD>" if not question.partial else "<date YYYY-MM-DD or YYYY-MM>")
    if question.kind in ("number", "integer"):
        return _Raw("<number>" if question.kind == "number" else "<whole number>")
    if question.suggestions:
        return _Raw(f"<{question.title} such as {' or '.join(question.suggestions[:2])}>")
    return _Raw(f"<{question.title.lower()}>")


def example_text(name: str, target: str | Path | None = None) -> str:
    """The shipped worked example ``name``, its modeline naming the schema from ``target``."""
    if name not in resources.EXAMPLES:
        raise InputError(
            "--example",
            None,
            f"there is no example called {name!r}",
            f"use one of: {', '.join(resources.EXAMPLES)}",
        )
    text = read_text(resources.example_file(name))
    first, _, rest = text.partition("\n")
    if first.startswith("# yaml-language-server:"):
        text = rest
    # a comment pointing at a file of the checkout (../) means nothing where the example goes
    lines = [line for line in text.split("\n") if not (line.startswith("#") and "../" in line)]
    said = f"# Worked example {name}, shipped with eligibility (template --example {name})."
    return "\n".join([modeline(target), said, *lines])


def refuse_existing(path: str | Path, force: bool) -> None:
    """An :class:`InputError` if ``path`` exists and ``force`` is not given."""
    if not force and os.path.lexists(path):
        raise InputError(
            str(path),
            None,
            "already exists, and is never written over unless you ask",
            "name another file, or add --force to replace it",
        )


def write_profile(path: str | Path, text: str, force: bool = False) -> None:
    """Write ``text`` to ``path`` atomically (the file appears whole or not at all)."""
    refuse_existing(path, force)
    with atomic_writer(path) as output:
        output.write(text)


def _emit(
    value: Mapping[str, Any],
    node: Mapping[str, Any],
    indent: int,
    lines: list[str],
    seen: set[tuple[str, ...]],
    path: tuple[str, ...],
) -> None:
    """``value`` as YAML lines at ``indent``, each field's description as a comment above it the
    first time its place in the schema is written."""
    pad = " " * indent
    properties = node.get("properties", {})
    order = {name: index for index, name in enumerate(properties)}
    for key, item in sorted(value.items(), key=lambda pair: order.get(pair[0], len(order))):
        spec = properties.get(key, {})
        where = (*path, key)
        if where not in seen and spec.get("description"):
            seen.add(where)
            lines.extend(
                textwrap.wrap(
                    spec["description"],
                    WIDTH - indent,
                    initial_indent=f"{pad}# ",
                    subsequent_indent=f"{pad}# ",
                    break_on_hyphens=False,
                )
            )
        if isinstance(item, Mapping) and item:
            lines.append(f"{pad}{key}:")
            _emit(item, spec, indent + 2, lines, seen, where)
        elif isinstance(item, list) and item and isinstance(item[0], Mapping):
            lines.append(f"{pad}{key}:")
            for record in item:
                body: list[str] = []
                _emit(record, spec.get("items", {}), indent + 4, body, seen, (*where, "[]"))
                first = body[0] if body else f"{pad}    {{}}"
                lines.append(f"{pad}  - {first.lstrip()}")
                lines.extend(body[1:])
        else:
            lines.append(f"{pad}{key}: {_scalar(item)}")


_PLAIN = re.compile(r"[A-Za-z0-9][\w .()/'+-]*")


def _scalar(value: Any, flow: bool = False) -> str:
    if isinstance(value, _Raw):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(item, True) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{}"
    text = str(value)
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and _reads_back(text):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _reads_back(text: str) -> bool:
    try:
        return parse_text(f"v: {text}\n", "value") == {"v": text}
    except InputError:
        return False
