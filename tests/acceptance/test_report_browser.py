"""The HTML summary (``batch --summary report.html``) as a director sees it: opened from disk in
Debian's Chromium, headless, driven by Playwright (the fixtures' needs as in
test_serve_browser.py). Every request it makes is aborted and recorded: none may leave the file.
The charts and the students' names are there, a name holding markup is shown as text, axe-core
finds no serious problem, and a screenshot is saved: in the test's folder and in
``tests/artifacts/report.png`` (git-ignored); ELIGIBILITY_SCREENSHOT=PATH copies it there too,
as docs/images/report.png is made.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import write
from tests.acceptance import test_serve_browser as serve_browser
from tests.acceptance.test_sheets import ID_PIECES
from tests.conftest import ROOT

MARKUP = "<b>Zoë</b> O'Brien & <script>window.hacked=1</script>"
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, list[dict]]:
    """A generated cohort of 120 (two rows broken, one name holding markup) and its HTML
    summary, made by the command a coordinator runs."""
    serve_browser._needed()
    if not os.environ.get("CI"):  # in CI (the extra is in 'test') a missing pygal fails
        pytest.importorskip("pygal")
    folder = tmp_path_factory.mktemp("report")
    cohort = folder / "cohort.jsonl"
    write(cohort, 120, seed=7, broken_rows=2)
    rows = [json.loads(line) if line.startswith("{") else line
            for line in cohort.read_text(encoding="utf-8").splitlines()]  # fmt: skip
    students = [row for row in rows if isinstance(row, dict) and "name" in row]
    students[0]["name"] = MARKUP
    cohort.write_text(
        "\n".join(json.dumps(r) if isinstance(r, dict) else r for r in rows) + "\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "eligibility", "batch", str(cohort),
               "--out", str(folder / "report.csv"), "--summary", str(folder / "report.html")]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return folder / "report.html", students


browser = serve_browser.browser  # the serve test's fixture, waiting for ``server`` below


@pytest.fixture(scope="module")
def server(report):
    """What the serve test's ``browser`` fixture (reused here) waits for: the page is made."""
    return report


def _only_files(route, away: list[str]) -> None:
    if route.request.url.startswith("file:"):
        route.continue_()
        return
    away.append(route.request.url)
    route.abort()


def test_the_html_summary_shows_charts_and_names_and_passes_axe(browser, report, tmp_path):
    page_file, students = report
    # axe is injected as a script: the page's own policy allows none, so this context bypasses it
    context = browser.new_context(bypass_csp=True, viewport={"width": 1100, "height": 1500})
    away: list[str] = []  # every request for anything but the file is refused and recorded
    context.route("**/*", lambda route: _only_files(route, away))
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(page_file.as_uri())

    page.get_by_role("heading", name="Cohort eligibility summary").wait_for()
    bodies = page.locator("figure.body")
    assert bodies.count() >= 1
    for k in range(bodies.count()):  # each chart has the table of its numbers
        figure = bodies.nth(k)
        assert figure.locator("svg").count() == 1
        assert figure.locator("table tbody tr").count() >= 1
        assert "Met" in figure.locator("svg").inner_html()  # the legend says each status
    near = page.locator("#near")
    assert near.count() == 1 and near.locator(".names").count() >= 1
    named = near.inner_text() + page.locator("#ready").inner_text()
    assert sum(student["name"] in named for student in students[1:]) >= 10  # names are shown
    assert page.get_by_text(MARKUP).count() >= 1  # markup in a name is shown as text
    assert page.evaluate("window.hacked") is None
    assert page.locator("#errors li").count() >= 1
    assert "not an official determination" in page.locator("#about").inner_text()
    # checks named in words, in the tables, the charts and the lists: what a director sees
    # holds no check id (they wait, folded, under "Check ids" for --cert)
    seen = page.evaluate("document.body.innerText")
    assert "CPC: removing the apprentice designation" in seen
    assert not ID_PIECES.search(seen), ID_PIECES.search(seen)
    labels = page.locator("figure.body svg").first.inner_html()
    assert ": sitting the exam" in labels and not ID_PIECES.search(labels)

    page.add_script_tag(path=str(serve_browser.AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}}))
            .violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))])"""
    )
    assert [v for v in violations if v[1] in ("serious", "critical")] == []

    screenshot = tmp_path / "report.png"
    page.screenshot(path=str(screenshot), full_page=False)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(screenshot, ARTIFACTS / "report.png")
    if os.environ.get("ELIGIBILITY_SCREENSHOT"):
        shutil.copyfile(screenshot, os.environ["ELIGIBILITY_SCREENSHOT"])
    context.close()
    assert away == [], f"requests that left the page: {away}"
