"""``eligibility serve`` in a real browser: Debian's Chromium, headless, driven by Playwright.

The server runs as a user would run it (``python -m eligibility serve``) with its temporary
folder pointed at a fresh one; every request the browser makes to anywhere but this computer is
aborted and recorded (none may be). A worked candidate is typed into the form and gets the
answers ``check`` gives; every fixture profile is uploaded, answered as ``check`` answers it and
downloaded as the data it was; an axe-core check finds no serious problem on any page; a
screenshot is saved (ELIGIBILITY_SCREENSHOT=PATH copies it there, as docs/images/serve.png is
made).
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from eligibility.api import assumed_for, check_profile
from eligibility.errors import printable
from eligibility.inputs.profiles import load_profile
from eligibility.inputs.questions import sections
from eligibility.inputs.yamlio import parse_text
from eligibility.report.explain import explain
from eligibility.report.render import check_text, text_report
from tests.conftest import PROFILES, ROOT, process_group

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
LIMIT = 2 << 20  # the server's --max-upload here: 2 MiB


def _needed() -> None:
    """Skip where the browser or its driver is missing, except in CI (.ci/run installs both)."""
    missing = []
    try:
        import flask  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        missing.append(f"{error.name} (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        missing.append("Chromium (apt-get install chromium)")
    if not AXE.exists():
        missing.append("axe-core (cd tests/js && npm ci)")
    if missing and os.environ.get("CI"):
        pytest.fail(f"the browser test needs {', '.join(missing)}")
    if missing:
        pytest.skip(f"the browser test needs {', '.join(missing)}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The page served by ``eligibility serve`` on a free port; its temporary folder."""
    _needed()
    temporary = tmp_path_factory.mktemp("server-tmp")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "eligibility", "serve", "--port", str(port),
               "--max-upload", str(LIMIT)]  # fmt: skip
    env = {**os.environ, "TMPDIR": str(temporary), "TEMP": str(temporary), "TMP": str(temporary)}
    with process_group(command, env=env, cwd=ROOT) as process:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(300):
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                time.sleep(0.1)
        yield url, temporary


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, server):
    """A fresh page whose requests leave this computer never: each is aborted and recorded,
    and the test fails if there was one."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    away: list[str] = []

    def route(route):
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            away.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
    assert away == [], f"requests that left this computer: {away}"


def shown_answers(page) -> dict[str, tuple[str, str | None]]:
    """Each check on the answers page: its status and its whole explanation; a check answered
    alike with another (the specialty exams), named in that one's section, its status alone."""
    found: dict[str, tuple[str, str | None]] = {}
    for check, status, text, alike in page.locator("section.check").evaluate_all(
        "els => els.map(e => [e.dataset.check, e.dataset.status,"
        " e.querySelector('pre.explanation').textContent, e.dataset.alike || ''])"
    ):
        found[check] = (status, text)
        found |= dict.fromkeys(alike.split(), (status, None))
    return found


def assert_agree(shown: dict, expected: dict, label: str = "") -> None:
    """The page's answers are check's: every check, its status, and each explanation shown."""
    assert shown.keys() == expected.keys(), label
    for check, (status, text) in shown.items():
        assert status == expected[check][0], (label, check)
        assert text is None or text == expected[check][1], (label, check)


def expected_answers(path: Path, rulebook, each: bool = False) -> dict[str, tuple[str, str]]:
    """What ``eligibility check PATH`` answers: the status of each check that applies, and its
    explanation as ``check PATH --cert CHECK`` prints it (``each``: asked check by check, as
    the command does; else from one run of every check, which gives the same text: see
    test_serve.py)."""
    profile = load_profile(path)
    report = check_profile(profile, (), None, {}, rulebook, dates=not each)
    texts = {}
    for result in report.results:
        if result.status == "not_applicable":
            continue
        if each:
            one = check_profile(profile, [result.check_id], None, {}, rulebook)
            texts[result.check_id] = (result.status, printable(text_report(one, rulebook.policies)))
        else:
            # the notes heading one check's text are those its own answer assumes
            assumed = assumed_for(profile, [result], rulebook, report.as_of)
            own = replace(report, profile=replace(profile, assumed=assumed))
            explained = check_text(own, explain(result, rulebook.policies))
            texts[result.check_id] = (result.status, printable(explained))
    return texts


def test_a_worked_candidate_typed_into_the_form_gets_the_answers_check_gives(
    page, server, rulebook, tmp_path
):
    from eligibility.inputs.rulesfiles import form_supply
    from eligibility.web import form

    url, _ = server
    path = PROFILES / "c09-hana-sato.yaml"
    data = load_profile(path).data
    state = form.state_of(sections(rulebook.registry), data)
    page.goto(url)
    page.get_by_role("link", name="Start the questions").click()
    page.get_by_role("heading", name="Your profile: the questions").wait_for()
    # the records first: each "Add" button sends the page back with one more record
    for key in sorted((k[2:] for k in state if k.startswith("n:")), key=lambda k: k.count(".")):
        for _ in range(int(state[f"n:{key}"][0])):
            page.locator(f'button[name="step"][value="add:{key}"]').click()
            page.wait_for_load_state()
    page.locator("details.more").evaluate_all("els => els.forEach(e => e.open = true)")
    for name, values in state.items():
        if name.startswith("n:"):
            continue
        field = page.locator(f'[name="{name}"]')
        kind = field.first.evaluate("e => e.tagName + ':' + (e.type || '')")
        if kind.startswith("SELECT"):
            field.select_option(values[0])
        elif kind == "INPUT:checkbox":
            for value in values:
                page.locator(f'[name="{name}"][value="{value}"]').check()
        else:
            field.fill(values[0])
    page.get_by_role("button", name="Check these answers").first.click()
    page.get_by_role("heading", name=f"Answers for {data['name']}").wait_for()
    # check's answers, what the answers leave out asked for by the form's questions (form.yaml)
    asked = rulebook.with_supply(form_supply(None))
    assert_agree(shown_answers(page), expected_answers(path, asked, each=True))
    page.screenshot(path=str(tmp_path / "serve-form-answers.png"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your profile (YAML)").click()
    downloaded = parse_text(Path(download.value.path()).read_text(encoding="utf-8"), "x")
    assert as_sets(downloaded) == as_sets(data)


def as_sets(value):
    """A profile with its lists of words in one order: a form's ticked boxes come in the order
    of the page, not the order the fixture wrote them in."""
    if isinstance(value, dict):
        return {key: as_sets(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [as_sets(item) for item in value]
        return sorted(items) if all(isinstance(item, str) for item in items) else items
    return value


def test_every_fixture_uploaded_is_answered_as_check_answers_it_and_downloads_unchanged(
    page, server, rulebook
):
    url, temporary = server
    for path in sorted(PROFILES.glob("*.yaml")):
        page.goto(url)
        page.set_input_files("#profile", str(path))
        page.get_by_role("button", name="Check this profile").click()
        page.get_by_role("heading", name="Summary").wait_for()
        assert_agree(shown_answers(page), expected_answers(path, rulebook), path.name)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download your profile (YAML)").click()
        downloaded = Path(download.value.path()).read_text(encoding="utf-8")
        assert download.value.suggested_filename == path.name
        assert parse_text(downloaded, path.name) == load_profile(path).data, path.name
    assert list(temporary.iterdir()) == []


def test_a_large_upload_leaves_nothing_in_the_servers_temporary_folder(page, server, tmp_path):
    url, temporary = server
    large = tmp_path / "c09-padded.yaml"
    padding = "# padding\n" * 70_000  # 700 KB: Werkzeug would spool it to a temporary file
    large.write_text((PROFILES / "c09-hana-sato.yaml").read_text(encoding="utf-8") + padding)
    page.goto(url)
    page.set_input_files("#profile", str(large))
    page.get_by_role("button", name="Check this profile").click()
    page.get_by_role("heading", name="Answers for Hana Sato").wait_for()
    assert list(temporary.iterdir()) == []


def test_a_hostile_or_too_large_upload_gets_a_clear_page(page, server, tmp_path):
    url, _ = server
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
        for i in range(8)
    ))  # fmt: skip
    page.goto(url)
    page.set_input_files("#profile", str(bomb))
    page.get_by_role("button", name="Check this profile").click()
    assert "aliases (*name) expand to more than" in page.get_by_role("alert").inner_text()
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"x" * (LIMIT + 1))
    page.goto(url)
    page.set_input_files("#profile", str(huge))
    page.get_by_role("button", name="Check this profile").click()
    page.get_by_role("heading", name="The file is too large").wait_for()
    assert "up to 2 MiB" in page.get_by_role("alert").inner_text()


def test_a_cohort_file_gets_the_batch_report(page, server, tmp_path, rulebook):
    from eligibility.web.answers import cohort_report

    url, _ = server
    cohort = tmp_path / "class.yaml"
    cohort.write_text(
        "".join(
            "---\n" + (PROFILES / name).read_text(encoding="utf-8")
            for name in ("c09-hana-sato.yaml", "c01-ana-torres.yaml")
        )
    )
    page.goto(url)
    page.get_by_role("link", name="A cohort").click()
    page.set_input_files("#cohort", str(cohort))
    page.get_by_role("button", name="Check the cohort").click()
    page.get_by_role("heading", name="Cohort eligibility summary").wait_for()
    assert "Rows read: 2. Checked: 2." in page.locator(".markdown").inner_text()
    assert page.locator("table.report tbody tr").count() > 2
    expected = cohort_report(cohort.read_bytes(), cohort.name, rulebook)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the CSV report").click()
    assert download.value.suggested_filename == "class-report.csv"
    assert Path(download.value.path()).read_bytes().decode() == expected.csv
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the summary (Markdown)").click()
    assert Path(download.value.path()).read_text(encoding="utf-8") == expected.summary


def test_the_pages_have_no_serious_accessibility_problem(browser, server, tmp_path):
    """axe-core's WCAG 2.1 A/AA rules and best practices on every kind of page, with the
    keyboard: the form is reached and sent with Tab and Enter."""
    url, _ = server
    # axe is injected as a script: the page's own policy allows no script, so this context
    # (and only this one) bypasses it
    context = browser.new_context(bypass_csp=True, viewport={"width": 1200, "height": 900})
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).hostname == "127.0.0.1"
            else route.abort()
        ),
    )
    page = context.new_page()
    found = {}

    def check(name: str) -> None:
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}}))
                .violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))])"""
        )
        found[name] = [v for v in violations if v[1] in ("serious", "critical")]

    page.goto(url)
    check("start")
    page.get_by_role("link", name="Start the questions").click()
    for key in ("training", "work_history", "verification_letters", "credentials"):
        page.locator(f'button[value="add:{key}"]').click()
    page.locator('button[value="add:credentials.0.recert_cycles"]').click()
    page.locator('[name="q:work_history.0.hours_per_week"]').fill("forty")
    page.locator('[name="q:work_history.0.hours_per_week"]').press("Enter")  # the keyboard
    page.get_by_role("heading", name="Some answers need a change").wait_for()
    check("questions with problems")
    page.goto(url)
    page.set_input_files("#profile", str(PROFILES / "c09-hana-sato.yaml"))
    page.locator("#profile").focus()
    page.keyboard.press("Tab")  # as of
    page.keyboard.press("Tab")  # the button
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Summary").wait_for()
    page.locator("section.check details").first.evaluate("e => e.open = true")
    check("answers")
    screenshot = tmp_path / "serve.png"
    page.screenshot(path=str(screenshot))
    if os.environ.get("ELIGIBILITY_SCREENSHOT"):
        shutil.copyfile(screenshot, os.environ["ELIGIBILITY_SCREENSHOT"])
    page.goto(url + "cohort")
    check("cohort")
    page.set_input_files("#cohort", str(ROOT / "tests" / "acceptance" / "__init__.py"))
    page.get_by_role("button", name="Check the cohort").click()
    check("cohort error")
    context.close()
    assert found == {name: [] for name in found}
