"""The HTML summary's charts as a director sees them, in Debian's Chromium (headless, through
Playwright, as test_report_browser.py): drawn from the shipped SIS export (docs/examples), whose
small checks (removals, renewals) make bars a few pixels wide. Nothing of a chart is cut at its
edge (the legend's last status was), and the numbers printed on the bars never run into each
other (on slivers "16" and "2" read "162"); the table under each chart has them all.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.acceptance import test_serve_browser as serve_browser
from tests.conftest import ROOT

EXAMPLES = ROOT / "docs" / "examples"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The page (what the serve test's ``browser`` fixture, reused here, waits for)."""
    serve_browser._needed()  # the browser tests' needs, as CI installs them
    pytest.importorskip("pygal")
    folder = tmp_path_factory.mktemp("layout")
    command = [sys.executable, "-m", "eligibility", "batch", str(EXAMPLES / "sis-export.csv"),
               "--mapping", str(EXAMPLES / "sis-mapping.yaml"), "--out", str(folder / "r.csv"),
               "--summary", str(folder / "report.html")]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return folder / "report.html"


browser = serve_browser.browser

# per chart: texts (legend, labels, values) outside the chart's box, and pairs of printed
# values whose boxes overlap
MEASURE = """() => [...document.querySelectorAll('figure.body svg')].map(svg => {
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
    const out = texts.filter(t => { const r = t.getBoundingClientRect();
        return r.left < box.left - 1 || r.right > box.right + 1; }).map(t => t.textContent);
    const values = texts.filter(t => t.classList.contains('value')).map(t =>
        [t.textContent, t.getBoundingClientRect()]);
    const clash = [];
    values.forEach(([a, r], i) => values.slice(i + 1).forEach(([b, s]) => {
        if (r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom)
            clash.push(a + ' / ' + b); }));
    return [svg.id, out, clash, values.length];
})"""


@pytest.mark.parametrize("width", [1200, 700])
def test_chart_texts_fit_and_never_run_together(browser, server, width) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(server.as_uri())
    charts = page.evaluate(MEASURE)
    context.close()
    assert len(charts) >= 2
    for name, out, clash, _ in charts:
        assert out == [], f"{name}: cut at the chart's edge: {out}"
        assert clash == [], f"{name}: numbers run together: {clash}"
    assert sum(values for *_, values in charts) >= 5  # numbers are printed where they fit
