"""``eligibility serve`` through Flask's test client: uploads are read and checked exactly as the
command line reads a file, kept in memory, refused above the limit with a page saying it, and
the page is bound to this computer by default. (The real browser: test_serve_browser.py.)"""

from __future__ import annotations

import io
import re
import tempfile
from html import unescape

import pytest
from click.testing import CliRunner
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from eligibility import cli
from eligibility.api import check_profile
from eligibility.errors import InputError, printable
from eligibility.inputs.profiles import load_profile
from eligibility.inputs.questions import sections
from eligibility.inputs.yamlio import parse_text
from eligibility.report.explain import explain
from eligibility.report.render import text_report
from tests.conftest import PROFILES, ROOT

pytest.importorskip("flask", reason="eligibility serve needs the optional part 'serve'")

from eligibility.web import answers as pages
from eligibility.web import form
from eligibility.web.app import DEFAULT_MAX_UPLOAD, create_app, is_loopback

HANA = PROFILES / "c09-hana-sato.yaml"
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)


@pytest.fixture(scope="module")
def app():
    return create_app(max_upload=64 << 10)


@pytest.fixture()
def client(app):
    return app.test_client()


def upload(client, data: bytes, name: str, field: str = "profile", path: str = "/upload"):
    return client.post(
        path, data={field: (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def said(response) -> str:
    """The error message the page shows (as the command line prints it)."""
    found = re.search(r'<div class="problem" role="alert" id="problem">.*?<pre>(.*?)</pre>',
                      response.get_data(as_text=True), re.S)  # fmt: skip
    assert found, response.get_data(as_text=True)[:2000]
    return unescape(found.group(1))


def cli_error(path) -> str:
    result = CliRunner().invoke(cli.main, ["check", str(path)])
    assert result.exit_code == 2
    return result.stderr.strip()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.yaml", b"name: [Hana\ncandidate_id: C1\n"),  # not valid YAML
        ("bomb.yaml", ALIAS_BOMB.encode()),  # a billion laughs
        ("binary.yaml", bytes(range(256)) * 4),  # not UTF-8
        ("tagged.yaml", b"name: !!python/object:os.system [echo]\n"),  # not safe YAML
        ("wrong.yaml", b"profile_version: 2\nname: 5\n"),  # not valid for the schema
        ("bad.json", b'{"name": "x", "name": "y"}'),  # a key given twice
        # several problems: every one shown, in line order, as check lists them
        ("several.yaml", b"name: Test\nmembership: []\neducation:\n  highest_level: maybe\n"),
    ],
)
def test_a_hostile_upload_gets_the_message_the_command_line_gives(client, tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    response = upload(client, content, name)
    assert response.status_code == 400
    assert said(response) == cli_error(tmp_path / name).replace(str(tmp_path) + "/", "")


def test_a_profile_is_said_to_be_limited_to_what_a_profile_may_be():
    """The page accepts cohorts larger than a profile may be: the profile field says its own."""
    page = create_app(DEFAULT_MAX_UPLOAD).test_client().get("/").get_data(as_text=True)
    assert "Up to 1 MiB; it is read in memory" in page


def test_an_alias_bomb_is_refused_quickly_with_its_reason(client):
    response = upload(client, ALIAS_BOMB.encode(), "bomb.yaml")
    assert "aliases (*name) expand to more than" in said(response)


def test_a_profile_larger_than_a_profile_may_be_is_refused_as_on_the_command_line(tmp_path):
    big = b"name: x\n" + b"# padding\n" * 120_000  # 1.2 MB, under the page's limit
    client = create_app(max_upload=4 << 20).test_client()
    response = upload(client, big, "big.yaml")
    assert response.status_code == 400
    assert "larger than 1 MiB" in said(response)


def test_an_upload_above_the_limit_is_refused_with_a_page_saying_the_limit(client):
    response = upload(client, b"x" * (65 << 10), "huge.yaml")
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "The file is too large" in text and "up to 64 KiB" in text
    response = upload(client, b"x" * (65 << 10), "huge.csv", "cohort", "/cohort")
    assert response.status_code == 413 and "up to 64 KiB" in response.get_data(as_text=True)


def test_the_default_limit_is_the_documented_one():
    assert DEFAULT_MAX_UPLOAD == 10 << 20
    result = CliRunner().invoke(cli.main, ["serve", "--help"])
    assert "[default: 10M]" in result.output
    assert "10M" in (PROFILES.parent.parent / "docs" / "serve.md").read_text(encoding="utf-8")


def test_uploads_are_read_in_memory_never_into_a_temporary_file(monkeypatch):
    """Werkzeug spools a file of more than 500 KB to a temporary file unless told otherwise."""

    def no_temporary_files(*args, **kwargs):
        raise AssertionError("a temporary file was asked for")

    text = HANA.read_bytes() + b"# padding\n" * 70_000  # 700 KB: past Werkzeug's 500 KB
    client = create_app(max_upload=2 << 20).test_client()
    # the body made here: the test client would spool it to a temporary file itself
    boundary, body = encode_multipart({"profile": FileStorage(io.BytesIO(text), "c09.yaml")})
    monkeypatch.setattr(tempfile, "gettempdir", no_temporary_files)
    monkeypatch.setattr(tempfile, "mkstemp", no_temporary_files)
    response = client.post(
        "/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 200
    assert 'data-check="CPC-A-removal" data-status="not_met"' in response.get_data(as_text=True)


def test_an_upload_gets_the_answers_and_explanations_check_gives(client, rulebook):
    response = upload(client, HANA.read_bytes(), "c09-hana-sato.yaml")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    sections = re.findall(r'data-check="([^"]+)" data-status="([^"]+)"( data-alike="[^"]+")?', page)
    shown = {check: status for check, status, _ in sections}
    # a check answered as another is (the specialty exams) is named in that one's section
    for _, status, alike in sections:
        shown |= dict.fromkeys(alike.split('"')[1].split() if alike else (), status)
    report = check_profile(load_profile(HANA), (), None, {}, rulebook, dates=False)
    assert shown == {r.check_id: r.status for r in report.results if r.status != "not_applicable"}
    assert len(sections) < len(shown)  # answered alike: said once
    one = check_profile(load_profile(HANA), ["CPC-A-removal"], None, {}, rulebook)
    assert printable(text_report(one, rulebook.policies)) in unescape(page)


def test_the_page_names_checks_and_what_it_assumed_in_words(client, rulebook):
    """A candidate reads "CPC: removing the apprentice designation", not "CPC-A-removal", and
    the eligible-by sentence check gives (the engine's, letters re-issued included)."""
    page = unescape(upload(client, HANA.read_bytes(), "c09-hana-sato.yaml").get_data(as_text=True))
    rows = re.findall(r'<th scope="row"><a href="#check-([^"]+)">([^<]+)</a>', page)
    assert ("CPC-A-removal", "CPC: removing the apprentice designation") in rows
    assert all(title != check_id for check_id, title in rows)
    report = check_profile(load_profile(HANA), ["CPC-A-removal"], None, {}, rulebook)
    sentence = explain(report.results[0], rulebook.policies).eligible_by
    assert sentence and sentence.startswith("Eligible by 2027-08-31") and sentence in page
    assumed = re.findall(r"<strong>Assumed:</strong> ([^<]+)</p>", page)
    assert assumed and not any("ahima_pcap_approved" in note for note in assumed)
    not_applicable = re.search(r"Not applicable to this profile \(\d+\): ([^<]+)\.</p>", page)
    assert not_applicable and "CCA: keeping the credential" in not_applicable[1]
    notice = re.search(r"<p class=\"note\" data-notice>([^<]+)</p>", page)
    assert notice and notice[1].startswith("This is not an official determination by AAPC, AHIMA")


@pytest.mark.parametrize(
    "name", ["c09-hana-sato.yaml", "x50-left-out.yaml", "c14-mark-jensen.yaml"]
)
def test_each_explanation_is_the_text_check_prints_for_that_check_alone(rulebook, name):
    """The page answers every check in one run; each explanation must still be what
    ``check PROFILE --cert CHECK`` prints."""
    profile = load_profile(PROFILES / name)
    for answer in pages.answers(profile, rulebook).checks:
        one = check_profile(profile, [answer.check_id], None, {}, rulebook)
        assert answer.text == printable(text_report(one, rulebook.policies)), answer.check_id


def test_the_download_is_the_profile_loaded(client):
    text = HANA.read_text(encoding="utf-8")
    page = upload(client, text.encode(), "c09-hana-sato.yaml").get_data(as_text=True)
    carried = unescape(re.search(r'name="profile_text" value="([^"]*)"', page, re.S).group(1))
    response = client.post("/download", data={"profile_text": carried, "name": "c09.yaml"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="c09.yaml"'
    assert response.get_data(as_text=True) == text  # a YAML file comes back as it was
    assert parse_text(response.get_data(as_text=True), "x") == load_profile(HANA).data


def test_a_json_profile_downloads_as_yaml_of_the_same_data(client):
    import json

    data = load_profile(HANA).data
    page = upload(client, json.dumps(data).encode(), "hana.json").get_data(as_text=True)
    carried = unescape(re.search(r'name="profile_text" value="([^"]*)"', page, re.S).group(1))
    response = client.post("/download", data={"profile_text": carried, "name": "hana.json"})
    assert 'filename="hana.yaml"' in response.headers["Content-Disposition"]
    assert parse_text(response.get_data(as_text=True), "x") == data


def test_the_form_builds_the_profile_its_fields_say(client, rulebook):
    """Every fixture shown in the form and sent back unchanged is the same profile."""
    groups = sections(rulebook.registry)
    for path in sorted(PROFILES.glob("*.yaml")):
        data = load_profile(path).data
        reading = form.profile_of(groups, form.state_of(groups, data))
        assert not reading.errors and reading.answers == dict(data), path.name


def test_the_forms_help_speaks_as_the_person_answers(client):
    """Beside a yes-or-no select, "No: ...", not the file's "false records work ..."; a job's
    end "none while you still work there", not "null or omitted" (the audit, LOW)."""
    state = {"q:name": "Pat", "step": "add:work_history"}
    page = unescape(client.post("/questions", data=state).get_data(as_text=True))
    assert "q:work_history.0.employer_can_still_verify" in page
    assert "Whether the employer can still be asked for a letter. No: the work was real" in page
    assert "Last day of the job; none while you still work there." in page
    assert "Assigns codes: you choose the codes yourself." in page
    for said in ("false records", "null or omitted", "assigns_codes (", "Give this or"):
        assert said not in page


def test_the_form_says_which_answer_is_wrong_and_how_to_write_it(client):
    response = client.post(
        "/questions",
        data={"q:as_of": "2026-02-30", "n:work_history": "1",
              "q:work_history.0.hours_per_week": "forty"},
    )  # fmt: skip
    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    assert "2026-02-30 is not a date of the calendar" in page
    assert "write a number from 0 to 100 (not 'forty')" in page
    assert 'aria-invalid="true"' in page


def test_a_record_needs_its_required_answers_and_a_part_only_once_given(client):
    course = {"n:training": "1", "q:name": "Ana", "q:training.0.provider": "A school"}
    page = unescape(client.post("/questions", data=course).get_data(as_text=True))
    assert "Course 1: Program type</a>: answer this question: every course needs it" in page
    assert "Hours unit</a>" not in page  # no hours given: their unit is not asked for
    course |= {"q:training.0.program_type": "school_certificate", "q:training.0.completed": "yes"}
    assert client.post("/questions", data=course).status_code == 200
    page = client.post("/questions", data={**course, "q:training.0.hours.value": "80"})
    assert "Course 1: Hours unit</a>: answer this question" in unescape(page.get_data(as_text=True))


def test_records_are_added_and_removed_keeping_what_was_typed(client):
    state = {"n:training": "2", "q:training.0.provider": "A", "q:training.1.provider": "B"}
    page = client.post("/questions", data={**state, "step": "remove:training.0"})
    text = page.get_data(as_text=True)
    assert 'name="q:training.0.provider" value="B"' in text
    assert "q:training.1.provider" not in text
    page = client.post("/questions", data={**state, "step": "add:training"})
    assert 'name="n:training" value="3"' in page.get_data(as_text=True)


def test_a_cohort_gets_the_batch_report(client, tmp_path, rulebook):
    lines = [parse_text(HANA.read_text(encoding="utf-8"), "x"), {"name": 5}]
    import json

    body = "".join(json.dumps(line) + "\n" for line in lines).encode()
    response = upload(client, body, "class.jsonl", "cohort", "/cohort")
    assert response.status_code == 200
    page = unescape(response.get_data(as_text=True))
    assert "<h2>Cohort eligibility summary</h2>" in page
    assert "Rows read: 2. Checked: 1. Not checked (errors): 1." in page
    report = pages.cohort_report(body, "class.jsonl", rulebook)
    (tmp_path / "class.jsonl").write_bytes(body)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        cli.main, ["batch", str(tmp_path / "class.jsonl"), "--out", str(out)]
    )
    assert result.exit_code in (0, 1), result.output
    assert report.csv == out.read_bytes().decode().replace(str(tmp_path) + "/", "")


def test_a_cohort_of_an_unknown_format_gets_the_batch_message(client):
    response = upload(client, b"x", "class.pdf", "cohort", "/cohort")  # .txt is read as CSV
    assert response.status_code == 400
    assert "unknown cohort format '.pdf'" in said(response)


def test_the_page_loads_nothing_from_elsewhere_and_is_not_cached(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "style-src 'self'" in policy
    assert response.headers["Cache-Control"] == "no-store"
    assert not re.search(r'(src|href)="(https?:)?//', response.get_data(as_text=True))


def test_the_page_is_bound_to_this_computer_by_default():
    assert cli.serve.params[0].name == "host" and cli.serve.params[0].default == "127.0.0.1"
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


def test_a_page_on_this_computer_answers_only_to_its_own_names():
    client = create_app(hosts=["localhost", "127.0.0.1"]).test_client()
    assert client.get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200
    assert client.get("/", headers={"Host": "evil.example:8765"}).status_code == 400


def test_max_upload_takes_sizes_people_write():
    size = cli.ByteSize()
    assert size.convert("10M", None, None) == 10 << 20
    assert size.convert("512K", None, None) == 512 << 10
    assert size.convert("2MiB", None, None) == 2 << 20
    assert size.convert("1000", None, None) == 1000
    result = CliRunner().invoke(cli.main, ["serve", "--max-upload", "lots"])
    assert result.exit_code == 2 and "is not a size" in result.output


def test_without_the_optional_part_serve_says_how_to_install_it(monkeypatch):
    import builtins

    real = builtins.__import__

    def without_flask(name, *args, **kwargs):
        if name == "flask" or name.startswith("flask."):
            raise ImportError("No module named 'flask'", name="flask")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_flask)
    for module in [m for m in __import__("sys").modules if m.startswith("eligibility.web.app")]:
        monkeypatch.delitem(__import__("sys").modules, module)
    result = CliRunner().invoke(cli.main, ["serve"])
    assert result.exit_code == 2
    assert "pip install 'eligibility[serve]'" in result.stderr


def test_input_errors_are_the_one_error_type():
    with pytest.raises(InputError):
        pages.read_profile(b"\xff\xfe", "x.yaml")


def test_change_your_answers_shows_the_profile_in_the_form(client):
    text = HANA.read_text(encoding="utf-8")
    page = client.post("/questions", data={"step": "edit", "profile_text": text})
    assert page.status_code == 200
    shown = unescape(page.get_data(as_text=True))
    assert 'name="q:name" value="Hana Sato"' in shown
    assert 'name="n:work_history" value="1"' in shown
    assert 'name="q:work_history.0.employer" value="QuickCare Urgent Care"' in shown


def test_a_port_in_use_is_one_message_and_exit_status_2():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli.main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "give another --port (0 picks a free one)" in result.stderr


@pytest.mark.parametrize("host", ["999.1.1.1", "203.0.113.7"])  # not an address; not this machine's
def test_a_host_that_cannot_be_listened_on_names_the_host_not_the_port(host):
    result = CliRunner().invoke(cli.main, ["serve", "--host", host, "--port", "0"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --host: cannot listen on {host}:")
    assert "give an address of this machine" in result.stderr
    assert "--port" not in result.stderr


def test_a_cohort_names_an_id_given_twice(client):
    """As the batch names them: the web page's cohort summary lists an id on two rows."""
    import json

    hana = parse_text(HANA.read_text(encoding="utf-8"), "x")
    body = "".join(json.dumps(hana) + "\n" for _ in range(2)).encode()
    response = upload(client, body, "class.jsonl", "cohort", "/cohort")
    assert response.status_code == 200
    page = unescape(response.get_data(as_text=True))
    assert "Student ids given more than once" in page and "C09 (Hana Sato): rows 1, 2" in page


@pytest.mark.parametrize(
    "path",
    [
        *sorted(PROFILES.glob("*.yaml")),
        ROOT / "rules/tests/profiles/z24-application-by-old-name.yaml",
    ],
    ids=lambda p: p.stem,
)
def test_checks_shown_once_hide_no_warning_or_caution(rulebook, path):
    """Folding checks answered alike under the first hid the others' warnings, cautions and
    shortfalls (Z24's membership-at-results warning for the COC and CIC exams): a check is
    folded only when its explanation is the first's but for the credential."""
    profile = load_profile(path)
    shown = pages.answers(profile, rulebook).checks
    for answer in shown:
        for other in answer.alike_ids:
            text = check_text_for(profile, other, rulebook)
            mine = answer.text
            for marker in ("Warning:", "UNCONFIRMED", "short", "Caution"):
                assert text.count(marker) == mine.count(marker), (other, marker)


def check_text_for(profile, check_id, rulebook) -> str:
    one = check_profile(profile, [check_id], None, {}, rulebook)
    return printable(text_report(one, rulebook.policies))


def test_what_the_form_leaves_out_is_asked_for_by_its_questions(client):
    """A person who answered the form is told which question to answer, not a profile's field
    in YAML ("education: {highest_level: hs_diploma}"); the same profile uploaded keeps the
    profile's words, for its author writes the file."""
    page = unescape(client.post("/questions", data={"q:name": "Maria"}).get_data(as_text=True))
    assert "answer 'Highest level' under Education" in page
    assert "highest_level" not in page and "education: {" not in page
    carried = re.search(r'name="profile_text" value="([^"]*)"', page, re.S).group(1)
    uploaded = unescape(upload(client, unescape(carried).encode(), "me.yaml").get_data(True))
    assert "education: {highest_level: hs_diploma}" in uploaded
    assert "answer 'Highest level'" not in uploaded


def test_every_step_the_form_can_ask_for_names_its_questions(rulebook):
    """Whatever the bundled rules ask a person to supply, one who answers the form is asked in
    its words: no YAML, no field name, and every name in quotes is a question, a section, a
    choice or a button the page shows."""
    from eligibility.inputs.questions import Group
    from eligibility.inputs.rulesfiles import form_supply

    shown: set[str] = set()

    def walk(items) -> None:
        for item in items:
            shown.add(item.title)
            if isinstance(item, Group):
                shown.add(f"Add a {item.item}")
                walk(item.items)
            else:
                shown.update(str(choice).replace("_", " ") for choice in item.choices)

    walk(sections(rulebook.registry))
    restated = rulebook.with_supply(form_supply(None))
    said = {
        text
        for credential in restated.credentials
        for version in credential.versions
        for check in version.checks
        for part in (check.requires, check.recommends)
        if part is not None
        for node in part.walk()
        for _, text in node.supply
    }
    assert said
    for text in said:
        assert not re.search(r"[{\[]|\b[a-z]+_[a-z_]+\b", text), text
        for name in re.findall(r"(?<!\w)'([^']+)'(?!\w)", text):
            assert name in shown, (name, text)


def test_what_the_form_leaves_unstated_is_asked_for_without_the_files_fields(client, rulebook):
    """A yes/no question left unanswered, or a choice, is asked for as the form offers it, not
    as the file writes the field ("(contact_info_present: true or false)"); the same profile
    uploaded keeps the file's words."""
    path = PROFILES / "x71-flags-not-stated.yaml"
    state = form.state_of(sections(rulebook.registry), load_profile(path).data)
    page = unescape(client.post("/questions", data=state).get_data(as_text=True))
    assert "for letter-1 (yes or no)" in page
    assert "contact_info_present" not in page and "true or false" not in page
    uploaded = unescape(upload(client, path.read_bytes(), path.name).get_data(as_text=True))
    assert "for letter-1 (contact_info_present: true or false)" in uploaded
