"""Colour for the text answer: each status in its own colour, the words always kept.

Colour only adds to the words (met, not met, unknown, ambiguous): a person who cannot tell the
colours apart, a screen reader or a log loses nothing. Whether to colour is decided once, by
:func:`colour_wanted`, from ``--color`` and ``NO_COLOR`` (https://no-color.org); the renderer
is told with a flag.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import click

from eligibility.engine.results import AMBIGUOUS, MET, NO_RULES, NOT_APPLICABLE, NOT_MET, UNKNOWN
from eligibility.errors import printable

CHOICES = ("auto", "always", "never")

# green for met, red for not met, yellow for what is not known, magenta for an open question;
# what does not apply is dimmed
_STYLES: Mapping[str, Mapping[str, object]] = {
    MET: {"fg": "green", "bold": True},
    NOT_MET: {"fg": "red", "bold": True},
    UNKNOWN: {"fg": "yellow", "bold": True},
    AMBIGUOUS: {"fg": "magenta", "bold": True},
    NOT_APPLICABLE: {"dim": True},
    NO_RULES: {"dim": True},
}


def colour_wanted(choice: str, terminal: bool, environ: Mapping[str, str]) -> bool:
    """``always`` and ``never`` as said; ``auto``: only on a terminal and unless ``NO_COLOR``
    is set to something (an empty ``NO_COLOR`` does not count, as no-color.org says)."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    return terminal and not environ.get("NO_COLOR")


def paint(text: str, status: str, colour: bool) -> str:
    """``text`` in the colour of ``status`` (a result status such as ``not_met``), or as it is.
    Only the words are coloured, not the spaces that pad them, so columns stay aligned."""
    style = _STYLES.get(status)
    if not colour or style is None:
        return text
    words = text.rstrip(" ")
    return click.style(words, **style) + text[len(words) :]  # type: ignore[arg-type]


def terminal_text(render: Callable[[bool], str], colour: bool) -> str:
    """The text ``render(colour)`` makes, safe to print: control characters that came from the
    input are shown as escapes (:func:`printable`), so the only escapes left are the colours
    added here; a text that has any is shown uncoloured."""
    plain = render(False)
    safe = printable(plain)
    return render(True) if colour and safe == plain else safe
