"""``eligibility serve``'s web application (Flask): the pages, and how requests are read.

Profiles and cohorts hold personal data, so the application keeps nothing: uploads are read
into memory (never spooled to a temporary file), nothing is stored between requests (the
profile travels in the page itself), pages are not cached by the browser, and the page loads
nothing from the network (a Content-Security-Policy allows this server's own stylesheet only).
What is sent is checked exactly as the command line checks a file, and a request larger than
``max_upload`` bytes is refused with a page saying the limit.
"""

from __future__ import annotations

import base64
import csv
import errno
import io
import socket
import threading
from collections.abc import Callable
from datetime import date
from ipaddress import ip_address
from pathlib import PurePath
from typing import IO, Any, TypeVar

from flask import Flask, Response, render_template, request
from markdown_it import MarkdownIt
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, SecurityError
from werkzeug.serving import WSGIRequestHandler, make_server, select_address_family

from eligibility.errors import InputError, fault, printable
from eligibility.inputs.profiles import MAX_BYTES, profile_from_text
from eligibility.inputs.questions import sections
from eligibility.inputs.rulesfiles import form_help, form_supply
from eligibility.rulebook.rules import load_rulebook
from eligibility.web import answers as pages
from eligibility.web import form

DEFAULT_MAX_UPLOAD = 10 << 20  # bytes: far more than a profile (at most 1 MiB) needs
FORM_FILE = "your answers.yaml"  # what messages call a profile made by the form
SHOWN_ROWS = 500  # rows of a cohort's CSV report shown on the page (the download has all)

# what the page may load: its own stylesheet and nothing else, from nowhere else
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self';"
    " form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}

T = TypeVar("T")


class InMemoryRequest(Flask.request_class):  # type: ignore[name-defined, misc]
    """A request whose uploaded files are read into memory: Werkzeug's default spools a file
    of more than 500 KB to a temporary file on disk."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return io.BytesIO()


def size_text(size: int) -> str:
    """'10 MiB', '512 KiB', '100 bytes': a limit as the page and ``--help`` say it."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift:
            value = size / (1 << shift)
            return f"{value:g} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} byte{'s' if size != 1 else ''}"


def is_loopback(host: str) -> bool:
    """Whether ``host`` (as given to ``--host``) reaches this machine only."""
    if host == "localhost":
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def create_app(
    max_upload: int = DEFAULT_MAX_UPLOAD,
    rules_dir: str | None = None,
    hosts: list[str] | None = None,
) -> Flask:
    """The application. ``max_upload``: the largest request accepted, in bytes; ``rules_dir``:
    rules to use instead of the bundled ones; ``hosts``: the host names a request may address
    (its Host header), None for any: a page bound to this machine answers only to its own
    names, so that another site cannot reach it by renaming itself (DNS rebinding)."""
    app = Flask(__name__)
    app.request_class = InMemoryRequest
    app.config.update(
        MAX_CONTENT_LENGTH=max_upload,
        MAX_FORM_MEMORY_SIZE=max_upload,  # a form field: the profile the page carries
        MAX_FORM_PARTS=10_000,  # a long form has many fields
        TRUSTED_HOSTS=hosts,
    )
    book = load_rulebook(rules_dir)
    # what the form's answers leave out is asked for by its questions, not by a profile's
    # fields (form.yaml): the page's answers to an uploaded profile keep the profile's words
    asked = book.with_supply(form_supply(rules_dir)).without_field_names()
    said = form_help(rules_dir)  # the questions in the words of the person answering them
    lock = threading.Lock()  # the engine's caches are not made for threads: one answer at a time
    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")

    def engine(work: Callable[[], T]) -> T:
        with lock:
            return work()

    def page(template: str, status: int = 200, **values: Any) -> tuple[str, int]:
        limit = size_text(max_upload)
        profile_limit = size_text(min(MAX_BYTES, max_upload))  # a profile file's own limit
        return render_template(template, limit=limit, profile_limit=profile_limit, **values), status

    def problem(template: str, error: InputError, **values: Any) -> tuple[str, int]:
        """A page with the message the command line prints for this input (exit status 2)."""
        told = "\n".join(printable(f"error: {each}") for each in error.each)  # every problem
        return page(template, 400, error=told, **values)

    @app.after_request
    def secure(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: HTTPException) -> tuple[str, int]:
        return page("too_large.html", 413)

    @app.errorhandler(SecurityError)
    def foreign_host(error: HTTPException) -> Response:
        # no page: a request for another host name gets no links built from that name
        return Response(
            "This page answers at its own address only (http://127.0.0.1:PORT/).\n",
            400,
            mimetype="text/plain",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return page("error.html", error.code or 500, title=error.name, message=error.description)

    @app.errorhandler(Exception)
    def program_fault(error: Exception) -> tuple[str, int]:
        message = str(fault("eligibility serve", error, "report it with what you did"))
        return page("error.html", 500, title="Something went wrong", message=message)

    @app.get("/")
    def index() -> tuple[str, int]:
        return page("index.html")

    @app.post("/upload")
    def upload() -> tuple[str, int]:
        try:
            name, data = _received("profile", "profile.yaml", ".yaml, .yml or .json")
            profile = pages.read_profile(data, name)
            found = engine(lambda: pages.answers(profile, book, _as_of(), {}))
        except InputError as error:
            return problem("index.html", error)
        text = pages.carried_text(data, name, profile)
        return page("answers.html", answers=found, profile_text=text, download=_yaml_name(name))

    @app.route("/questions", methods=["GET", "POST"])
    def questions() -> tuple[str, int]:
        groups = sections(book.registry, said)
        state: dict[str, list[str]] = request.form.to_dict(flat=False)
        step = request.form.get("step", "check" if request.method == "POST" else "")
        state.pop("step", None)

        def shown(
            status: int = 200,
            errors: dict[str, str] | None = None,
            focus: str | None = None,
            error: str | None = None,
        ) -> tuple[str, int]:
            blocks = form.layout(groups, state, errors)
            problems = [f for f in form.fields(blocks) if f.error]
            return page(
                "questions.html", status, blocks=blocks, problems=problems, focus=focus,
                null=form.NULL, error=error,
            )  # fmt: skip

        if not step:
            return shown()
        if step == "edit":  # "change your answers": the profile the answers page carries
            try:
                profile = profile_from_text(request.form.get("profile_text", ""), "profile.yaml")
            except InputError as error:
                return problem("index.html", error)
            state = form.state_of(groups, profile.data)
            return shown()
        if step.startswith(("add:", "remove:")):
            state = form.change(state, step)
            return shown(focus=form.focus_after(groups, state, step))
        reading = form.profile_of(groups, state)
        if reading.errors:
            return shown(400, reading.errors)
        # checked as the downloaded file will be: the page's answers are check's answers for it
        text = pages.profile_yaml(reading.answers)
        try:
            profile = pages.read_profile(text.encode("utf-8"), FORM_FILE)
            found = engine(lambda: pages.answers(profile, asked, None, {}))
        except InputError as error:
            return shown(400, error=printable(f"error: {error}"))
        return page("answers.html", answers=found, profile_text=text, download="profile.yaml")

    @app.post("/download")
    def download() -> Response | tuple[str, int]:
        text = request.form.get("profile_text", "")
        name = _yaml_name(request.form.get("name", ""))
        try:
            profile_from_text(text, name)
        except InputError as error:
            return problem("index.html", error)
        response = Response(text, mimetype="application/yaml")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @app.get("/cohort")
    def cohort_form() -> tuple[str, int]:
        return page("cohort.html")

    @app.post("/cohort")
    def cohort() -> Response | tuple[str, int]:
        try:
            name, data = _received("cohort", "cohort", ".jsonl, .yaml or .csv")
            report = engine(lambda: pages.cohort_report(data, name, book, _as_of(), {}, rules_dir))
        except InputError as error:
            return problem("cohort.html", error)
        rows = list(csv.reader(io.StringIO(report.csv)))
        return page(
            "cohort_report.html",
            name=name,
            stem=PurePath(name).stem or "cohort",
            csv_data=base64.b64encode(report.csv.encode("utf-8")).decode("ascii"),
            summary_data=base64.b64encode(report.summary.encode("utf-8")).decode("ascii"),
            summary=_markdown_html(markdown, report.summary),
            header=rows[0],
            rows=rows[1 : SHOWN_ROWS + 1],
            more=max(0, len(rows) - 1 - SHOWN_ROWS),
            tally=report.tally,
        )

    return app


def _received(field: str, default: str, kinds: str) -> tuple[str, bytes]:
    """The file sent as ``field``: its name (without folders) and its bytes, read in memory."""
    sent = request.files.get(field)
    if sent is None or not sent.filename:
        raise InputError(f"{field} file", None, "none was chosen", f"choose a {kinds} file")
    return pages.upload_name(sent.filename, default), sent.read()


def _as_of() -> date | None:
    """The evaluation date the form gives (YYYY-MM-DD), else None: the profile's own, or today."""
    text = request.form.get("as_of", "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            "as of", None, f"{text!r} is not a date", "write a real calendar date as YYYY-MM-DD"
        ) from None


def _yaml_name(name: str) -> str:
    """The name a downloaded profile gets: the uploaded file's, as .yaml."""
    stem = PurePath(pages.upload_name(name, "profile.yaml")).stem.replace('"', "")
    return f"{stem or 'profile'}.yaml"


def _markdown_html(markdown: MarkdownIt, text: str) -> str:
    """The batch summary's Markdown as HTML (raw HTML in it is escaped), its headings one level
    down: the page has its own first-level heading."""
    tokens = markdown.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 1)}"
    return markdown.renderer.render(tokens, markdown.options, {})


class _QuietHandler(WSGIRequestHandler):
    """Requests are not logged: their paths say nothing useful to the person running the page."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def serve(
    host: str,
    port: int,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    rules_dir: str | None = None,
    ready: Callable[[str], None] = print,
) -> None:
    """Serve the page on ``host``:``port`` (0: a free port) until interrupted; ``ready`` is
    told the page's address once it answers. Threads answer requests (a browser opens several
    connections at once); the engine answers one at a time."""
    hosts = ["localhost", "127.0.0.1", "::1", host] if is_loopback(host) else None
    app = create_app(max_upload, rules_dir, hosts)
    # bound here: Werkzeug's server would print its own message and exit on a port in use
    listening = socket.socket(select_address_family(host, port), socket.SOCK_STREAM)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        listening.listen(128)
    except OSError as error:
        listening.close()
        if error.errno in (errno.EADDRINUSE, errno.EACCES):  # the port: taken, or privileged
            option, fix = (
                "--port",
                "give another --port (0 picks a free one), or stop what uses this one",
            )
        else:  # the host: not a name or address of this machine
            option, fix = (
                "--host",
                "give an address of this machine (127.0.0.1, the default, or 0.0.0.0)",
            )
        raise InputError(
            option, None, f"cannot listen on {host}:{port}: {error.strerror or error}", fix
        ) from None
    with listening:
        server = make_server(
            host, port, app, threaded=True, request_handler=_QuietHandler,
            fd=listening.fileno(),
        )  # fmt: skip
    shown = f"[{host}]" if ":" in host else host
    ready(f"http://{shown}:{server.port}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
