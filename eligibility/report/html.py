"""A cohort's summary as one HTML page for a program director (``batch --summary report.html``,
docs/reports.md): the grouping of ``report/summary.py`` rendered by Jinja2 templates (package data
under ``report/templates/``, every student-supplied string escaped), with a chart per body drawn by
pygal as inline SVG, each beside the table of its numbers. Self-contained: the styles and charts
are in the page, nothing is fetched when it is viewed (no script, no font, no CDN).

Optional: ``pip install 'eligibility[report]'``; imported only when an HTML summary is asked for.
"""

from __future__ import annotations

import re
from typing import Any

from eligibility.errors import InputError
from eligibility.report.summary import (
    LOW_MARK,
    NEAR_NOTE,
    NO_CALENDAR,
    NO_NEAR,
    NO_READY,
    REVIEWS,
    Line,
    Tally,
    calendar_note,
    digest,
    titles_in_words,
)

EXTRA = "pip install 'eligibility[report]'"
# Each status has a word, a pattern and a colour: the legend, the values on the bars and the
# table say it in words, the patterns tell the bars apart without colour.
SERIES = (
    ("met", "Met", "#1a7f37", ""),
    ("near", "Near", "#0550ae", '<path d="M0 8L8 0M-2 2L2 -2M6 10L10 6" stroke="#fff" stroke-opacity=".45"/>'),
    ("not_met", "Not met", "#953800", '<path d="M0 4H8" stroke="#fff" stroke-opacity=".45"/>'),
    ("unknown", "Unknown or ambiguous", "#424a53", '<circle cx="4" cy="4" r="1.2" fill="#fff" fill-opacity=".5"/>'),
)  # fmt: skip


WIDTH = 900  # a chart's width, in its own pixels (it scales with the page)


def require() -> None:
    """Refuse an HTML summary, with the fix, where the extra ``report`` is not installed."""
    missing = []
    for module in ("jinja2", "pygal"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise InputError(
            "--summary",
            None,
            f"an HTML summary needs {' and '.join(missing)}, not installed here",
            f"install them with {EXTRA}, or name a .md file for a Markdown summary",
        )


def summary_html(tally: Tally) -> str:
    """The summary of ``tally`` as a self-contained HTML page."""
    require()
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("eligibility.report", "templates"),
        autoescape=True,  # every string a student or an export supplied is escaped
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["words"] = titles_in_words  # "CPC and COC: sitting the exam"
    view = digest(tally)
    charts = [(body, _chart(body, lines), lines) for body, lines in view.bodies]
    return environment.get_template("summary.html.j2").render(
        view=view,
        charts=charts,
        series=SERIES,
        near_note=NEAR_NOTE,
        counts=_counts,
        empty={"near": NO_NEAR, "ready": NO_READY, "calendar": NO_CALENDAR},
        calendar_note=calendar_note(view),
        reviews_note=REVIEWS,
    )


def _counts(line: Line) -> tuple[int, ...]:
    return (line.met, line.near, line.not_met, line.unknown + line.ambiguous)


def _chart(body: str, lines: tuple[Line, ...]) -> Any:
    """One body's checks as horizontal stacked bars (met / near / not met / unknown), inline
    SVG with no script; the values are printed on the bars."""
    import markupsafe
    import pygal
    from pygal.style import Style

    slug = re.sub(r"[^a-z0-9]+", "-", body.lower())
    # ids are the page's, not the chart's: each chart's patterns get their own (a page with
    # one id twice is invalid, and a reader may fill every chart from the first's patterns)
    defs = [
        f'<pattern id="pattern-{slug}-{key}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{colour}"/>{marks}</pattern>'
        for key, _, colour, marks in SERIES
    ]
    style = Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1f2328",
        foreground_strong="#1f2328",
        foreground_subtle="#57606a",
        colors=tuple(f"url(#pattern-{slug}-{key})" for key, *_ in SERIES),
        value_colors=("#ffffff",) * len(SERIES),
        font_family="system-ui, sans-serif",
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=14,
        value_font_size=12,
        title_font_size=16,
        opacity="1",
        opacity_hover="1",
    )
    chart = pygal.HorizontalStackedBar(
        js=[],  # pygal's tooltips load a script from the network: none here
        defs=defs,
        style=style,
        disable_xml_declaration=True,
        print_values=True,
        print_zeroes=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,  # 4 do not fit beside long labels: the last was cut
        show_y_guides=False,
        width=WIDTH,
        height=142 + 44 * len(lines),  # and a second row of legend
        margin=10,
        truncate_label=-1,
        truncate_legend=-1,
        title=f"{body}: students per check",
        x_title="students",
    )
    shown = lines[::-1]  # pygal draws the first label at the bottom: the table's order, top down
    chart.x_labels = [_short(line) for line in shown]
    # a number is printed on its bar only where it fits: on a sliver, the digits of neighbours
    # run together ("16" and "2" read "162"); the table below the chart has every number
    scale = max((sum(_counts(line)) for line in lines), default=0) or 1
    plot = WIDTH - 80 - 7 * max((len(label) for label in chart.x_labels), default=0)
    for place, (_, label, _, _) in enumerate(SERIES):
        chart.add(label, [_value(_counts(line)[place], plot / scale) for line in shown])
    svg = chart.render(is_unicode=True)
    svg = re.sub(r"<!--.*?-->", "", svg)  # pygal's credits name web addresses
    svg = re.sub(r"<script.*?</script>", "", svg, flags=re.DOTALL)  # its config, for no script
    found = re.search(r'id="(chart-[0-9a-f-]+)"', svg)
    if found:  # pygal names each chart at random: the same cohort gives the same page
        svg = svg.replace(found[1], f"chart-{slug}")
    svg = svg.replace('id="activate-serie-', f'id="{slug}-activate-serie-')  # its legend's
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return markupsafe.Markup(svg)  # made by pygal from escaped labels, not student text


def _value(count: int, pixels: float) -> Any:
    """A bar's value for pygal: none when zero, printed only when its digits fit in the bar
    (``pixels`` per student, of the narrowest plot a chart of this width has)."""
    if not count:
        return None
    if count * pixels < 8 * len(str(count)) + 8:
        return {"value": count, "formatter": lambda _: ""}
    return count


def _short(line: Line) -> str:
    """A line's label on the chart: the first check, and how many others answer alike."""
    first = line.titles[0] + (LOW_MARK if line.low else "")
    return first if len(line.titles) == 1 else f"{first} + {len(line.titles) - 1} alike"
