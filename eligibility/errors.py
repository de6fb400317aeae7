"""The one error type a user sees: what is wrong, where, and how to fix it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(eq=False)  # not frozen: Python sets __traceback__ on exceptions as they propagate
class InputError(Exception):
    """Bad input (a profile, rule file, option): rendered as one message and exit status 2.

    ``place`` is a line ("line 12") or a JSON path ("$.work_history[0].start_date");
    ``fix`` tells the person what to do about it; ``example`` shows the right shape (a few
    lines of YAML). An input with several problems raises one error (see :func:`combined`)
    whose ``problems`` are all of them, in the order of the input's lines; its own fields are
    the first problem's, its text counting the others, for a reader that shows only one.
    """

    file: str
    place: str | None
    problem: str
    fix: str | None = None
    example: str | None = None
    problems: tuple[InputError, ...] = ()

    def __str__(self) -> str:
        where = f"{self.file}: {self.place}" if self.place else self.file
        text = f"{where}: {self.problem}"
        if self.fix:
            text += f"\n  fix: {self.fix}"
        if self.example:
            example = "\n".join(f"    {line}" if line else "" for line in self.example.splitlines())
            text += f"\n  example:\n{example}"
        return text

    @property
    def each(self) -> tuple[InputError, ...]:
        """Every problem this error stands for, one message each: itself when it is one."""
        return self.problems or (self,)


def combined(problems: Sequence[InputError]) -> InputError:
    """One error for several problems of one input (given in the order to show them): the
    first problem, saying how many more there are, that holds them all (``each``)."""
    first = problems[0]
    if len(problems) == 1:
        return first
    more = len(problems) - 1
    return InputError(
        first.file,
        first.place,
        f"{first.problem} (and {more} more problem{'s' if more > 1 else ''})",
        first.fix,
        first.example,
        tuple(problems),
    )


def close_matches(word: str, choices: Iterable[str], most: int = 3) -> list[str]:
    """The ``choices`` that ``word`` was probably meant to be, best first (none: none is close).

    Written the same but for case, hyphens, spaces and underscores is closest (``icd10cm`` for
    ``ICD-10-CM``); then choices that begin the same way, letters alone compared (``CPCA`` for
    ``CPC-A-removal``) or whose first part it is (``HS`` for ``hs_diploma``); then choices
    spelt alike (``membership`` for ``memberships``).
    """
    import difflib  # only when a message needs it

    choices = list(dict.fromkeys(choices))
    squashed = _squash(word)
    same = [choice for choice in choices if _squash(choice) == squashed]
    if same:
        return same[:most]
    if len(squashed) >= 3:
        begun = [choice for choice in choices if _squash(choice).startswith(squashed)]
        if begun:
            return sorted(begun, key=len)[:most]
    # a short word that is a choice's first part (``HS`` for ``hs_diploma``)
    first_part = [choice for choice in choices if _first_part(choice) == squashed]
    if squashed and first_part:
        return first_part[:most]
    by_squash: dict[str, list[str]] = {}
    for choice in choices:
        by_squash.setdefault(_squash(choice), []).append(choice)
    near = difflib.get_close_matches(squashed, list(by_squash), n=most, cutoff=0.7)
    return [choice for key in near for choice in by_squash[key]][:most]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ "did you mean 'X'? " for the choice ``word`` was most likely meant to be, else ""."""
    near = close_matches(word, choices, most=1)
    return f"did you mean {near[0]!r}? " if near else ""


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``name`` (difflib's ratio, at least 0.6), if one is close; case is
    not compared, and of two alike the one sharing the longer beginning wins (CEDC: CEDCC).
    For a maintainer's lint, which names one likely spelling per problem; a person's input gets
    :func:`close_matches`."""
    import difflib  # only when something is wrong

    wanted = str(name).upper()
    best: tuple[float, int, str] | None = None
    for candidate in {str(c) for c in candidates if c is not None}:
        other = candidate.upper()
        matcher = difflib.SequenceMatcher(None, wanted, other)
        if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
            continue
        ratio = matcher.ratio()
        pairs = zip(wanted, other, strict=False)
        shared = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(wanted), len(other)))
        if ratio >= 0.6 and (best is None or (ratio, shared, candidate) > best):
            best = (ratio, shared, candidate)
    return best[2] if best else None


def _first_part(text: str) -> str:
    """'hs' of 'hs_diploma': the letters and digits before the first other character."""
    folded = text.casefold()
    end = next((i for i, char in enumerate(folded) if not char.isalnum()), len(folded))
    return folded[:end]


def _squash(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


def listing(names: Sequence[str], word: str = "or", quote: str = "") -> str:
    """'a', 'a or b', 'a, b or c': names as a sentence lists them."""
    shown = [f"{quote}{name}{quote}" for name in names]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} {word} {shown[-1]}"


def place_of(path: Sequence[str | int], line: int | None) -> str:
    """'line 12 ($.work_history[0].start_date)', or just the JSON path when the line is unknown."""
    json_path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    return f"line {line} ({json_path})" if line else json_path


ROW_FAULT_FIX = (
    "report it with this row (without personal data if you can); every other row was checked"
)


def fault(where: str, error: BaseException, fix: str = ROW_FAULT_FIX) -> InputError:
    """A fault of this program met while reading or checking one student, as that student's
    error: the rest of a cohort is still checked, and the person is asked to report it."""
    summary = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
    said = f"({type(error).__name__}{': ' + summary if summary else ''})"
    if type(error).__name__ == "EvaluateError":  # the JsonLogic engine's: a rule's own mistake
        return InputError(
            where,
            None,
            f"a rule could not be worked out for this profile {said}",
            "if the rules were edited, run 'eligibility lint' on them to find the rule;"
            " otherwise please report it",
        )
    return InputError(
        where,
        None,
        f"this is a fault of the program, not of the data; please report it {said}",
        fix,
    )


# C0 and C1 control characters but the line break: what a terminal would act on (move the
# cursor, change colours, set the window title) if a name held it
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with every control character but the line break shown as an escape (``\\x1b``),
    so that a name or message from the input cannot drive the terminal it is printed on."""
    if text.isprintable() or not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


# A choice's short word as a person writes it in full (``hs_diploma``: "high school diploma").
_IN_FULL = {"hs": ("high", "school")}
# Words a plain answer may hold besides a choice's own ("an associate degree", "GED diploma").
_FILLER = frozenset({"a", "an", "the", "my", "degree", "diploma"})


def plain_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` as compared: case, possessives and a plural ``s`` aside (so
    "Master's" and "masters" are ``master``), short words in full."""
    text = re.sub(r"['\u2019]s\b", "", text.casefold())
    words = []
    for word in re.findall(r"[^\W_]+", text):
        words.extend(_IN_FULL.get(word, (word,)))
    return tuple(word[:-1] if len(word) > 3 and word.endswith("s") else word for word in words)


def named_in_words(text: str, choices: tuple[str | int, ...]) -> list[str | int]:
    """The choices ``text`` names in plain words: each of a choice's words is typed and the rest
    is filler ("associate degree" names ``associate``); of several, those naming the most words
    (one, or the ones it cannot tell apart)."""
    typed = set(plain_words(text))
    found = []
    for choice in choices:
        own = set(plain_words(str(choice)))
        if own and own <= typed and typed - own <= _FILLER:
            found.append((len(own - _FILLER), choice))
    most = max((count for count, _ in found), default=0)
    return [choice for count, choice in found if count == most]


def partly_named(text: str, choices: tuple[str | int, ...]) -> list[str | int]:
    """The choices ``text`` names some words of and nothing else ("high school": ``hs_diploma``)."""
    typed = set(plain_words(text)) - _FILLER
    return [choice for choice in choices if typed and typed <= set(plain_words(str(choice)))]
