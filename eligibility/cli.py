"""The command line: parses arguments and calls the library; nothing else happens here.

Exit status: 0 every requested check is met, 1 some are not, 2 a usage or input error.
Heavy modules are imported inside commands so that ``--help`` and start-up stay fast.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import io
import json
import os
import re
import sys
from datetime import date

import click

from eligibility.dates import range_problem
from eligibility.errors import InputError, fault, printable

EXIT_MET, EXIT_NOT_MET, EXIT_INPUT_ERROR = 0, 1, 2

RULES_OPTION = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Rules directory to use instead of the bundled rules/ (for maintainers testing a change).",
)


class IsoDate(click.ParamType):
    """A calendar date written YYYY-MM-DD, with a plain message for impossible ones."""

    name = "date"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError(value)
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(
                f"{value!r} is not a valid date; write a real calendar date as YYYY-MM-DD",
                param,
                ctx,
            )
        outside = range_problem(value)
        if outside:
            self.fail(f"{outside}; give a date in that range", param, ctx)
        return day


def _as_of_option(default: str):
    return click.option(
        "--as-of",
        "as_of",
        type=IsoDate(),
        default=None,
        help=f"Evaluation date, YYYY-MM-DD. Default: {default}. Picks the rule version in force on that date.",
    )


def _format_option(json_help: str, jsonl_help: str = ""):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json", "jsonl"] if jsonl_help else ["text", "json"]),
        default="text",
        show_default=True,
        help=f"text for people; json {json_help}"
        + (f"; jsonl {jsonl_help}." if jsonl_help else "."),
    )


AS_OF_OPTION = _as_of_option("the profile's own as_of, else today")
RULES_AS_OF_OPTION = _as_of_option("today")  # list and show read no profile


COLOURS = ("auto", "always", "never")
COLOUR_HELP = (
    "Colour each answer in the text (met, not met, unknown, ambiguous; the words stay)."
    " Default: auto, only on a terminal and not when NO_COLOR is set. See docs/cli.md."
)


def _completion_book(ctx: click.Context):
    """The rule book to complete names from (``--rules`` when given before), or None when it
    cannot be loaded: completion offers nothing then rather than a message in the prompt. Loaded
    only while completing, so that starting any command stays cheap."""
    from eligibility.rulebook.rules import load_rulebook

    try:
        return load_rulebook(ctx.params.get("rules_dir"))
    except Exception:  # a broken rules directory is for "eligibility lint" to explain
        return None


def _complete_certs(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    """Credential and check ids from the rule book (the credential's name as help)."""
    from click.shell_completion import CompletionItem

    book = _completion_book(ctx)
    names = {} if book is None else {c.id: c.name for c in book.credentials}
    for credential in book.credentials if book is not None else ():
        for check_id in credential.check_ids():
            names.setdefault(check_id, credential.name)
    start = incomplete.upper()
    return [CompletionItem(n, help=h) for n, h in names.items() if n.upper().startswith(start)]


def _complete_policies(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    """``ID=`` for the open policies, then ``ID=VALUE`` for the chosen one's values."""
    from click.shell_completion import CompletionItem

    book = _completion_book(ctx)
    policies = {} if book is None else book.policies
    name, equals, _ = incomplete.partition("=")
    if equals and name in policies:
        values = policies[name].values
        offered = [CompletionItem(f"{name}={v}", help=text) for v, text in values.items()]
    else:
        offered = [CompletionItem(f"{p.id}=", help=p.question) for p in policies.values()]
    return [item for item in offered if item.value.startswith(incomplete)]


CERT_OPTION = click.option(
    "--cert",
    "certs",
    multiple=True,
    metavar="ID",
    shell_complete=_complete_certs,
    help="A credential, a check or CHECK@VERSION, as 'eligibility list' and 'eligibility show'"
    " name them (examples under each command). Repeatable. Default: every check.",
)
CONFIG_OPTION = click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    default=None,
    help="YAML file setting open policies (policies: {ID: VALUE}); --policy overrides it.",
)
POLICY_OPTION = click.option(
    "--policy",
    "policies",
    multiple=True,
    metavar="ID=VALUE",
    shell_complete=_complete_policies,
    help="Settle an open question the sources leave open (see 'eligibility policies'). Repeatable.",
)


def _prepare(rules_dir, config, policies, certs):
    """The rule book and policy values; a bad --cert, --policy or config is a usage error now."""
    from eligibility.api import prepare

    return prepare(rules_dir, config, policies, certs)


def _fail(error: InputError) -> None:
    _print_error(error)
    sys.exit(EXIT_INPUT_ERROR)


def _print_error(error: InputError) -> None:
    """Every problem of an input, one message each (``each``), on standard error."""
    for problem in error.each:
        click.echo(printable(f"error: {problem}"), err=True)


# the errors a write to standard output meets when it cannot go on (a full disk, a closed pipe)
_OUTPUT_ERRORS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


class _Program(click.Group):
    """The command group, with what no command should have to handle itself: Ctrl-C (exit 130,
    no traceback), output that cannot be written (one line, exit 2) and a fault of the program
    (one line asking for a report, exit 2; ``ELIGIBILITY_TRACEBACK=1`` shows the traceback)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, click.exceptions.Abort):  # Abort: Ctrl-C or no input at a prompt
            _say("interrupted")
            raise click.exceptions.Exit(130) from None
        except OSError as error:
            if error.errno not in _OUTPUT_ERRORS:
                raise self._fault(error) from None
            _say(f"error: the output could not be written: {error.strerror or error}")
            raise click.exceptions.Exit(EXIT_INPUT_ERROR) from None
        except (click.exceptions.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except Exception as error:
            raise self._fault(error) from None

    @staticmethod
    def _fault(error: Exception) -> click.exceptions.Exit:
        if os.environ.get("ELIGIBILITY_TRACEBACK"):
            raise error
        _say(
            "error: "
            + str(
                fault(
                    "eligibility",
                    error,
                    "report it with the command you ran; ELIGIBILITY_TRACEBACK=1 shows where"
                    " it happened",
                )
            )
        )
        return click.exceptions.Exit(EXIT_INPUT_ERROR)


def _say(message: str) -> None:
    """A line on standard error, if it can still be written."""
    with contextlib.suppress(OSError, ValueError):
        click.echo(printable(message), err=True)


@click.group(
    cls=_Program,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="eligibility")
def main() -> None:
    """Whether a person may sit for (or hold) a US medical coding credential, and why.

    Rules are data (rules/*.yaml, JsonLogic over derived facts); every answer names the rule
    version and sources it follows. Exit status of 'check': 0 all requested checks met, 1 some
    not met, 2 usage or input error; every other command says its own in its --help.

    New here? 'eligibility init' asks a few questions and writes your profile; 'eligibility
    template --example c09-hana-sato' prints a worked one; then 'eligibility check FILE'. Or
    'eligibility serve' for a form in your browser (docs/getting-started.md).
    """


@main.command()
@click.argument("profiles", nargs=-1, type=click.Path(allow_dash=True), metavar="PROFILES...")
@CERT_OPTION
@AS_OF_OPTION
@_format_option(
    "as one document, an entry per profile (docs/report-format.md)",
    "as one entry per line; a profile that cannot be checked is an error entry (exit status 2)",
)
@click.option("--color", type=click.Choice(COLOURS), default="auto", help=COLOUR_HELP)
@click.option(
    "--facts",
    "facts",
    is_flag=True,
    help="Print instead the facts the rules read for each profile, as JSON (the document the"
    " logic of 'eligibility export' is applied to; see docs/export.md). Exit status 0, or 2"
    " when a profile cannot be read.",
)
@CONFIG_OPTION
@POLICY_OPTION
@RULES_OPTION
def check(profiles, certs, as_of, fmt, color, facts, config, policies, rules_dir) -> None:
    """Check one or more candidate PROFILES (YAML or JSON) against the rules; - reads one
    from standard input.

    No profile yet? 'eligibility init' asks for one; 'eligibility template' prints a skeleton to
    fill in, or a worked example (docs/getting-started.md).

    \b
    Examples:
      eligibility template --example c09-hana-sato > hana.yaml
      eligibility check hana.yaml
      eligibility check hana.yaml --cert CPC-A-removal
      eligibility check hana.yaml --cert CCS --as-of 2025-06-01 --format json
      eligibility check hana.yaml --facts --policy part_time_counting=fte40 > hana.facts.json
      eligibility check hana.yaml hana.yaml --format jsonl > answers.jsonl
      eligibility check - --cert CPC --color never < hana.yaml
    """
    from eligibility.api import Report, check_profile
    from eligibility.inputs.profiles import load_profile
    from eligibility.report.render import json_document, json_error
    from eligibility.report.style import colour_wanted, terminal_text

    try:
        if not profiles:  # click's "Missing argument" says nothing of how to get one
            raise InputError(
                "PROFILES",
                None,
                "no profile given: name the candidate's profile file",
                "eligibility check me.yaml (no profile yet? 'eligibility init' asks for one)",
            )
        _read_stdin_once(profiles, "PROFILES")
        book, chosen = _prepare(rules_dir, config, policies, certs)
        if facts and (certs or _given("fmt")):
            raise InputError(
                "--facts",
                None,
                "prints the facts every check reads, as JSON",
                "leave out --cert and --format",
            )
    except InputError as error:
        _fail(error)
    if facts:
        _print_facts(profiles, as_of, chosen, book)
    as_data = fmt in ("json", "jsonl")
    dates = as_data or bool(certs)  # the one-line summary of every check shows none
    colour = colour_wanted(color, _terminal(sys.stdout), os.environ)

    def answer(path: str) -> tuple[object, bool]:
        report = Report(
            check_profile(load_profile(path), certs, as_of, chosen, book, dates),
            book.policies,
            book.directory,
        )
        if as_data:
            return report.to_dict(), report.all_met
        return terminal_text(report.to_text, colour), report.all_met

    # as data, a profile that cannot be checked is an entry in its place (and still on stderr)
    failure = (lambda path, error: (json_error(error, path), False)) if as_data else None
    answers, failed = _each_profile(profiles, answer, failure)
    outputs, met = [output for output, _ in answers], [all_met for _, all_met in answers]
    if fmt == "json":
        click.echo(json.dumps(json_document(outputs), indent=2))
    elif fmt == "jsonl":
        click.echo("".join(json.dumps(output) + "\n" for output in outputs), nl=False)
    elif outputs:
        click.echo("\n\n".join(outputs), color=colour or None)
    if failed:
        sys.exit(EXIT_INPUT_ERROR)
    sys.exit(EXIT_MET if all(met) else EXIT_NOT_MET)


@main.command()
@click.argument("file", default="profile.yaml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@RULES_OPTION
def init(file, force, rules_dir) -> None:
    """Answer a few questions on the terminal and get a profile in FILE, then its answers.

    Asks about you, your education, courses, jobs, letters, credentials, memberships and CEUs;
    press enter to skip a question you cannot answer (the profile leaves it out and an answer
    that needs it says so), or type ? when not sure. FILE (default profile.yaml) gets a
    commented profile whose first line names the schema for editors; it is never written over
    without --force. Then the answers of 'eligibility check FILE' are shown. Exit status: 0
    written, 2 a usage or input error. See docs/getting-started.md.

    \b
    Examples:
      eligibility init
      eligibility init me.yaml
      eligibility init me.yaml --force
    """
    from eligibility.api import check_profile
    from eligibility.inputs.profiles import load_profile
    from eligibility.inputs.rulesfiles import form_help
    from eligibility.questionnaire import interview, profile_text, refuse_existing, write_profile
    from eligibility.report.render import text_report
    from eligibility.rulebook.rules import load_rulebook

    try:
        if file == "-":
            raise InputError(
                "FILE", None, "init writes a file (its questions use the terminal)", "name a file"
            )
        refuse_existing(file, force)
        book = load_rulebook(rules_dir)
        click.echo("Press enter to skip a question; type ? when not sure. Ctrl-C stops.\n")
        # the questions in the words of the person answering (form.yaml), as the web form's
        said = form_help(rules_dir)
        answers = interview(
            _terminal_ask, book.registry, lambda text: click.echo(f"  {text}"), said
        )
        write_profile(file, profile_text(answers, file), force)
        click.echo(f"\nWritten: {file}. Check it again after editing: eligibility check {file}\n")
        report = check_profile(load_profile(file), (), None, {}, book, False)
        click.echo(printable(text_report(report, book.policies)))
    except InputError as error:
        _fail(error)


def _terminal_ask(prompt) -> str:
    """One question on the terminal: its help (``Prompt.note``), then the prompt. The text is
    returned as typed, a yes or no too: the questionnaire says what is wrong and asks again."""
    if prompt.note:
        click.echo(f"  ({prompt.note})")
    hint = f" [{prompt.hint}]" if prompt.hint else ""
    return click.prompt(
        f"{prompt.text}{hint}", default=prompt.default, show_default=bool(prompt.default)
    )


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--example",
    "example",
    metavar="NAME",
    default=None,
    help="Print a worked candidate instead: c01-ana-torres (a student), c02-brian-okafor (a coder"
    " with no credential), c09-hana-sato (an apprentice), c12-kevin-ortiz (keeping a credential:"
    " cycles and CEUs), c17-priya-shah (keeping three credentials).",
)
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@RULES_OPTION
def template(file, example, force, rules_dir) -> None:
    """Print a commented skeleton profile to fill in (or write it to FILE).

    Each value is a <...> placeholder saying what to write; delete what you do not know or
    have. The comments are the profile format's descriptions; the first line names the schema,
    so an editor with YAML support completes and checks the file. With --example, a shipped
    worked candidate instead. FILE is never written over without --force. Exit status: 0, or 2
    a usage error. See docs/getting-started.md.

    \b
    Examples:
      eligibility template > me.yaml           # FILE omitted or -: printed
      eligibility template blank.yaml          # written to a file, never over one
      eligibility template --example c09-hana-sato > hana.yaml && eligibility check hana.yaml
    """
    from eligibility.questionnaire import example_text, template_text, write_profile

    file = None if file == "-" else file  # "-": standard output, as when no FILE is given
    try:
        if example:
            text = example_text(example, file)
        else:
            from eligibility.rulebook.rules import load_rulebook

            text = template_text(load_rulebook(rules_dir).registry, file)
        if file:
            write_profile(file, text, force)
            _say(f"written: {file}")
        else:
            click.echo(text, nl=False)
    except InputError as error:
        _fail(error)


def _terminal(stream: object) -> bool:
    """Whether ``stream`` is a terminal (none: started with it closed)."""
    return stream is not None and stream.isatty()  # type: ignore[attr-defined]


def _read_stdin_once(paths: tuple[str, ...], what: str) -> None:
    """Standard input (``-``) can be read once only; a person at a terminal is told that the
    program is waiting for them."""
    if paths.count("-") > 1:
        raise InputError(
            what, None, "- (standard input) is given twice", "it can be read once only"
        )
    if "-" in paths and _terminal(sys.stdin):
        _say("reading from standard input: type or paste it, then Ctrl-D (Ctrl-Z Enter on Windows)")


def _given(parameter: str) -> bool:
    """Whether the command line set ``parameter`` (not its default)."""
    source = click.get_current_context().get_parameter_source(parameter)
    return source is click.core.ParameterSource.COMMANDLINE


def _each_profile(profiles, answer, failure=None) -> tuple[list, bool]:
    """``answer(path)`` for each profile on its own: a bad one, or one this program fails on, is
    named on standard error (and answered ``failure(path, error)`` in its place, when given) and
    the others are still answered. Also: whether any failed."""
    answers, failed = [], False
    for path in profiles:
        try:
            answers.append(answer(path))
            continue
        except InputError as error:
            _print_error(error)
            failed = True
            if failure is not None:
                answers.append(failure(path, error))
            continue
        except Exception as error:  # a fault of this program: this profile only
            if os.environ.get("ELIGIBILITY_TRACEBACK"):  # where it happened, for a report
                import traceback  # only on a fault: not on every start

                traceback.print_exc(file=sys.stderr)
            fix = (
                "report it with this profile (without personal data if you can);"
                " ELIGIBILITY_TRACEBACK=1 shows where it happened"
            )
            problem = fault(path, error, fix)
        click.echo(printable(f"error: {problem}"), err=True)
        failed = True
        if failure is not None:
            answers.append(failure(path, problem))
    return answers, failed


def _print_facts(profiles, as_of, chosen, book) -> None:
    """``check --facts``: one JSON document per profile (a list of them for several)."""
    from eligibility.export import facts_document
    from eligibility.inputs.profiles import load_profile

    documents, failed = _each_profile(
        profiles, lambda path: facts_document(load_profile(path), book, as_of, chosen)
    )
    if documents:
        click.echo(json.dumps(documents[0] if len(profiles) == 1 else documents, indent=2))
    sys.exit(EXIT_INPUT_ERROR if failed else EXIT_MET)


@main.command()
@RULES_AS_OF_OPTION
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to write: manifest.json, facts.schema.json and checks/CHECK@VERSION.json."
    " New, empty, or an earlier export (replaced whole).",
)
@click.option(
    "--all-versions",
    "all_versions",
    is_flag=True,
    help="Also the versions not in force on the date (for checks pinned with CHECK@VERSION).",
)
@RULES_OPTION
def export(as_of, out, all_versions, rules_dir) -> None:
    """Write each check in force on a date as plain JsonLogic, for any JsonLogic engine.

    Each checks/CHECK@VERSION.json is true exactly when 'eligibility check' answers met (false
    for not met, unknown, ambiguous or does not apply), applied to the facts document of
    'eligibility check PROFILE --facts' made with the same rules. manifest.json says what each
    file is and what its answer means. Exit status: 0, or 2 a usage error or rules that cannot
    be read. See docs/export.md.

    \b
    Examples:
      eligibility export --out exported/
      eligibility export --as-of 2014-06-01 --all-versions --out exported-2014/
    """
    from eligibility.export import export_files, export_rules, write_export
    from eligibility.rulebook.rules import load_rulebook

    try:
        if out == "-":
            raise InputError(
                "--out",
                None,
                "the export is a folder of files, which standard output (-) cannot hold",
                "name a folder",
            )
        book = load_rulebook(rules_dir)
        day = as_of or date.today()
        exported = export_rules(book, day, all_versions)
        write_export(export_files(exported, book), out, book.directory)
    except InputError as error:
        _fail(error)
    click.echo(
        f"{len(exported.checks)} checks in force on {day.isoformat()} written to {out}"
        f" (see {os.path.join(out, 'manifest.json')})"
        if not all_versions
        else f"{len(exported.checks)} check versions written to {out}"
        f" (see {os.path.join(out, 'manifest.json')})"
    )


@main.command(name="list")
@RULES_AS_OF_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json as schemas/list.schema.json (docs/report-format.md).",
)
@RULES_OPTION
def list_(as_of, fmt, rules_dir) -> None:
    """List every credential with its body, name, setting, confidence and checks.

    Exit status: 0, or 2 a usage error or rules that cannot be read.
    """
    from eligibility.report.describe import list_json, list_text
    from eligibility.rulebook.rules import load_rulebook

    try:
        book = load_rulebook(rules_dir)
    except InputError as error:
        _fail(error)
    day = as_of or date.today()
    click.echo(
        json.dumps(list_json(book, day), indent=2) if fmt == "json" else list_text(book, day)
    )


@main.command()
@click.argument("ident", metavar="ID", shell_complete=_complete_certs)
@RULES_AS_OF_OPTION
@click.option(
    "--logic",
    is_flag=True,
    help="Under each condition, its id and its logic as evaluated "
    "(experience.aapc_months >= 24), to compare with the words above it.",
)
@RULES_OPTION
def show(ident, as_of, logic, rules_dir) -> None:
    """Explain a credential's (or one check's) requirements in plain words, with sources and versions.

    ID is a credential's id (CPC) or a check's (CPC-A-removal), as 'eligibility list' gives
    them. The open questions the sources leave are said in words, each reading with the flag
    that settles it for 'check' and 'batch' (set with --policy part_time_counting=fte40).

    Exit status: 0, or 2 an id the rules do not have, a usage error or rules that cannot be read.

    \b
    Examples:
      eligibility show CPC
      eligibility show CPC-A-removal --logic
      eligibility show CCS --as-of 2014-06-01
    """
    from eligibility.report.describe import show as show_rules
    from eligibility.rulebook.rules import load_rulebook

    try:
        click.echo(show_rules(load_rulebook(rules_dir), ident, as_of or date.today(), logic))
    except InputError as error:
        _fail(error)


@main.command()
@RULES_OPTION
def policies(rules_dir) -> None:
    """List the open questions in the sources, their possible answers and the defaults.

    Exit status: 0, or 2 rules that cannot be read.
    """
    from eligibility.rulebook.rules import load_rulebook

    try:
        book = load_rulebook(rules_dir)
    except InputError as error:
        _fail(error)
    for policy in book.policies.values():
        click.echo(
            f"{policy.id}  (default: {policy.default})\n  {policy.question}\n  source: {policy.source}"
        )
        for value, meaning in policy.values.items():
            click.echo(f"    {value:<18}{meaning}")
        click.echo()


class ByteSize(click.ParamType):
    """A size in bytes, written 10M, 512K, 2MiB or 1048576."""

    name = "size"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        found = re.fullmatch(r"\s*(\d+)\s*([KMG]?)(?:I?B)?\s*", str(value).upper())
        if not found or int(found[1]) == 0:
            self.fail(
                f"{value!r} is not a size; write it as 10M, 512K or a number of bytes", param, ctx
            )
        return int(found[1]) << {"": 0, "K": 10, "M": 20, "G": 30}[found[2]]


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. The default is reachable from this computer only; another"
    " (0.0.0.0) lets the network reach the page and what is typed into it, unencrypted.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--max-upload",
    "max_upload",
    type=ByteSize(),
    default="10M",
    show_default=True,
    help="Largest file (request) accepted, as 10M, 512K or bytes; larger uploads are refused"
    " with a page saying the limit. A profile is at most 1 MiB whatever this says.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the web browser.")
@RULES_OPTION
def serve(host, port, max_upload, open_browser, rules_dir) -> None:
    """Serve a local web page: the questions as a form, your answers with their explanations,
    your profile to download and load back, and a cohort's batch report.

    Nothing is kept: uploads are read in memory, and the page loads nothing from the network.
    Needs the optional part 'serve' (pip install 'eligibility[serve]'). Ctrl-C stops it. Exit
    status: 0 when stopped, 2 a port in use, the optional part missing or a usage error. See
    docs/serve.md.

    \b
    Examples:
      eligibility serve
      eligibility serve --open
      eligibility serve --port 9000 --max-upload 50M
    """
    try:
        from eligibility.web.app import is_loopback
        from eligibility.web.app import serve as run
    except ImportError as error:
        if error.name not in ("flask", "werkzeug", "jinja2", "markdown_it"):
            raise
        _fail(
            InputError(
                "eligibility serve",
                None,
                f"needs the optional part 'serve' ({error.name} is not installed)",
                "install it: pip install 'eligibility[serve]'",
            )
        )

    def ready(url: str) -> None:
        where = "this computer only" if is_loopback(host) else "open to the network"
        click.echo(f"eligibility serve: {url} ({where}; Ctrl-C stops it)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    try:
        run(host, port, max_upload, rules_dir, ready)
    except InputError as error:
        _fail(error)


@main.command(name="test")
@click.argument("paths", nargs=-1, type=click.Path())
@_format_option("lists every expectation with its line, expected and actual")
@RULES_OPTION
def run_tests(paths, fmt, rules_dir) -> None:
    """Run the rule test cases in PATHS (case files or folders) against the rules.

    A case (docs/rule-tests.md) gives a profile, a date, policies and the answers the rules
    must give; every expectation that does not hold is shown with its file, line, what was
    expected and what the rules gave. Default PATHS: the rules directory's tests/ folder, so
    --rules DIR alone runs that directory's own cases. Exit status: 0 every expectation holds,
    1 some do not, 2 a case, path or rules directory could not be read.

    \b
    Examples:
      eligibility test
      eligibility test --rules /tmp/my-rules
      eligibility test rules/tests/c09-hana-sato.yaml --format json
    """
    from eligibility.casetest import find_cases, json_report, run_cases, summarize, text_report
    from eligibility.rulebook.rules import load_rulebook

    try:
        book = load_rulebook(rules_dir)
        files = find_cases(paths, book.directory)
    except InputError as error:
        _fail(error)
    results = run_cases(files, book)
    if fmt == "json":
        click.echo(json.dumps(json_report(results), indent=2))
    else:
        click.echo(printable(text_report(results)))
    summary = summarize(results)
    sys.exit(EXIT_INPUT_ERROR if summary.errors else EXIT_NOT_MET if summary.failed else EXIT_MET)


@main.command()
@RULES_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people; json as schemas/lint.schema.json; github: GitHub Actions annotations.",
)
@click.option(
    "--catalogue",
    "catalogue",
    type=click.Path(dir_okay=False),
    default=None,
    help="Sources catalogue to check source ids with. Default: ../shared/domain/CATALOG.md"
    " beside the checkout of the rules, when it is there.",
)
def lint(rules_dir, fmt, catalogue) -> None:
    """Check the rule and fact files: every problem in one run, each with file, line, JSON path and fix.

    Errors (loading refuses them: check and batch would not start) and warnings (worth a look)
    are told apart; docs/lint.md lists every check. Exit status: 0 no errors (warnings allowed),
    1 errors found, 2 a usage error.

    \b
    Examples:
      eligibility lint
      eligibility lint --rules my-rules/ --format json
      eligibility lint --rules rules --format github     # in a GitHub Actions workflow
    """
    from eligibility.lint import github_report, json_text, lint_rules, text_report

    try:
        report = lint_rules(rules_dir, catalogue)
    except InputError as error:
        _fail(error)
    if fmt == "json":
        click.echo(json_text(report))
    else:
        click.echo(printable(github_report(report) if fmt == "github" else text_report(report)))
        if report.catalogue is None:
            click.echo(
                "note: no sources catalogue found, so source ids were checked against the rule"
                " files only (--catalogue FILE)",
                err=True,
            )
    sys.exit(EXIT_NOT_MET if report.errors else EXIT_MET)


def _output_option(name: str, text: str, folder: bool = False):
    """An option naming one more output of ``batch`` (a file, or a folder); none unless given."""
    kind = click.Path(file_okay=False) if folder else click.Path(dir_okay=False)
    return click.option(name, name.lstrip("-"), type=kind, default=None, help=text)


@main.command()
@click.argument("source", metavar="INPUT", type=click.Path(exists=True, allow_dash=True))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Report file: .csv (one row per student and check) or .jsonl (a header with the rules"
    " once, then one line per student); - writes it to standard output (CSV unless"
    " --report-format jsonl).",
)
@click.option(
    "--report-format",
    "report_format",
    type=click.Choice(["csv", "jsonl", "jsonl-full"]),
    default=None,
    help="The format of a report on standard output (--out -); default: csv, and a file's"
    " extension says its format. jsonl-full: each line is the full entry 'eligibility check"
    " --format json' gives for that student, rule metadata and all (docs/report-format.md).",
)
@click.option(
    "--summary",
    "summary",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Summary for a program director: counts per check (checks answered alike on one line,"
    " low-confidence rules last), near misses and who is ready with names, the calendar of who"
    " becomes eligible when, student ids given on more than one row, error rows by cause. .md:"
    " Markdown; .html: one self-contained page"
    " with a chart per body (needs pip install 'eligibility[report]'). Default: Markdown,"
    " printed (on standard error when the report is on standard output).",
)
@CERT_OPTION
@AS_OF_OPTION
@click.option(
    "--mapping",
    "mapping",
    type=click.Path(dir_okay=False),
    default=None,
    help="For CSV input in another layout: YAML 'columns: {our_name: your_column}', optionally"
    " 'ignore', 'delimiter', 'date_format(s)', 'values', 'list_separator(s)', 'encoding',"
    " 'name_order' (docs/batch.md; example: docs/examples/sis-mapping.yaml).",
)
@click.option(
    "--jobs",
    "jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes checking rows in parallel (the report keeps the input order).",
)
@CONFIG_OPTION
@POLICY_OPTION
@RULES_OPTION
@click.option(
    "--excel",
    is_flag=True,
    default=False,
    help="Start each CSV output with a byte order mark, so that Excel reads it as UTF-8"
    " (names such as José Núñez shown as written).",
)
@_output_option(
    "--wide",
    "Also write a wide CSV: one row per student, with each check's"
    " status, closest pathway, next step and eligible-by date.",
)
@_output_option(
    "--xlsx",
    "Also write an Excel workbook: a summary sheet and one sheet per"
    " check (needs pip install 'eligibility[report]').",
)
@_output_option(
    "--letters",
    "Also write one printable page per student into this folder (made"
    " when missing): what the student still needs, check by check (needs pip install"
    " 'eligibility[report]').",
    folder=True,
)
def batch(
    source,
    out,
    report_format,
    summary,
    certs,
    as_of,
    mapping,
    jobs,
    config,
    policies,
    rules_dir,
    excel,
    wide,
    xlsx,
    letters,
) -> None:
    """Check a whole cohort: INPUT is .jsonl, a multi-document .yaml, a .csv (.tsv, .txt) or a directory of profiles.

    INPUT - reads the cohort from standard input: JSON Lines (one profile a line) or a YAML
    stream (documents separated by ---); CSV must be given as a file. Every row is checked and
    written; a bad row becomes an error row naming its place. Exit status: 0 every row was
    checked, 1 some rows could not be (they are listed in the report and summary), 2 a usage
    error, 130 stopped by Ctrl-C and 143 by SIGTERM (the previous report is kept either way).
    See docs/batch.md for the formats and docs/cli.md for - .

    \b
    Examples:
      eligibility batch cohort.jsonl --out report.csv --summary summary.md
      eligibility batch cohort.jsonl --out report.csv --summary report.html
      export-students | eligibility batch - --out - > report.csv
      eligibility batch cohort.jsonl --out report.jsonl --report-format jsonl-full
      eligibility batch cohort.jsonl --out report.csv --excel --wide wide.csv \\
          --xlsx report.xlsx --letters letters/
    """
    import signal
    from concurrent.futures.process import BrokenProcessPool

    from eligibility.batch import (
        Sheets,
        Stopped,
        StopRequest,
        closing_line,
        report_form,
        run_batch,
        summary_markdown,
        worker_count,
    )
    from eligibility.inputs.cohort import load_mapping, read_items

    # a stop (kill, a scheduler's timeout, Ctrl-C) unwinds cleanly: no temporary file is left
    # behind and a report from before stays as it was
    stop, asked = StopRequest(), []

    def handler(signum: int, frame: object) -> None:
        asked.append(signum)
        stop.ask()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        _read_stdin_once((source, mapping or "", config or ""), "INPUT")
        book, chosen = _prepare(rules_dir, config, policies, certs)
        layout = load_mapping(mapping) if mapping else None
        form = report_form(out, report_format)
        if out == "-" and summary == "-":
            raise InputError(
                "--summary", None, "the report is already on standard output", "name a file"
            )
        if worker_count(jobs) < jobs:
            click.echo(
                f"note: --jobs {jobs} is more than the {worker_count(jobs)} cores this machine"
                f" gives; using {worker_count(jobs)}",
                err=True,
            )
        with stop.waiting_for():  # a pipe's first line may be long in coming
            items = read_items(source, layout, book.directory)
        with _progress(None if source == "-" else source, "checking") as progress:
            tally = run_batch(
                items,
                book,
                certs,
                as_of,
                chosen,
                csv_out=out if form == "csv" else None,
                jsonl_out=out if form == "jsonl" else None,
                summary_out=None if summary == "-" else summary,
                jobs=jobs,
                progress=progress.update,
                stop=stop,
                # the rule book too: a --summary named policies.yaml replaced one of its files
                inputs=[p for p in (source, mapping, config, book.directory) if p],
                excel=excel,
                sheets=Sheets(wide, xlsx, letters, _writing),
                jsonl_full=report_format == "jsonl-full",
            )
    except InputError as error:
        _fail(error)
    except Stopped:
        click.echo("stopped: no report written (one from before is left as it was)", err=True)
        sys.exit(128 + (asked[0] if asked else signal.SIGTERM))
    except BrokenProcessPool:  # a SIGTERM to the whole group also ends the workers
        if asked:
            click.echo("stopped: no report written (one from before is left as it was)", err=True)
            sys.exit(128 + asked[0])
        click.echo(
            "error: a worker process ended unexpectedly (killed, or out of memory): no report"
            " written (one from before is left as it was); try fewer --jobs",
            err=True,
        )
        sys.exit(EXIT_NOT_MET)
    finally:
        for sig, handling in previous.items():
            signal.signal(sig, handling)
    if not summary or summary == "-":  # beside a report on standard output: where people look
        click.echo(printable(summary_markdown(tally)), err=out == "-" and not summary)
    written = [p for p in (out, summary, wide, xlsx) if p and p != "-"]
    if "-" in (out, summary, wide):  # the report went to standard output, which says so
        written.append("the report to standard output")
    if letters:
        written.append(f"{tally.checked:,} letter{'s' if tally.checked != 1 else ''} in {letters}")
    click.echo(printable(closing_line(tally, written, book, as_of, chosen)), err=True)
    sys.exit(EXIT_MET if not tally.error_count else EXIT_NOT_MET)


def _file_option(name: str, text: str):
    """An option naming one file (not a folder), or - for standard input or output; none unless
    given."""
    return click.option(
        name,
        name.lstrip("-"),
        type=click.Path(dir_okay=False, allow_dash=True),
        default=None,
        help=text,
    )


@main.command()
@click.argument(
    "profiles", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True)
)
@_file_option(
    "--out",
    "Write the upgraded profile to this file (never the profile itself); - or none: printed.",
)
@click.option(
    "--in-place",
    "in_place",
    is_flag=True,
    help="Replace each profile by its upgraded text (atomically; a profile already in the"
    " current format is left untouched).",
)
def upgrade(profiles, out, in_place) -> None:
    """Rewrite PROFILES in the current profile format, keeping what they mean.

    Format 1 (a profile without profile_version) reads a true/false field left out as "no"
    ("typed" as "yes"); format 2 reads it as "not stated", and an answer that needs it is
    unknown. Upgrading sets profile_version: 2 and writes out each such field as format 1 read
    it, with a comment, so the answers stay the same: delete a written-out line that was in truth
    not known. Comments, key order and quoting are kept. The upgraded text is printed, or written
    to --out, or over the profile with --in-place (several profiles: --in-place only); what was
    written out is said on standard error. PROFILES - reads one from standard input. Exit status:
    0 done (or nothing to do), 2 a usage or input error. See docs/profile-format.md.

    \b
    Examples:
      eligibility upgrade me.yaml                    # print the upgraded profile
      eligibility upgrade - < me.yaml > me-v2.yaml
      eligibility upgrade me.yaml --out me-v2.yaml
      eligibility upgrade profiles/*.yaml --in-place
    """
    from eligibility.upgrade import upgrade_file

    out = None if out == "-" else out
    try:
        _read_stdin_once(profiles, "PROFILES")
        if in_place and "-" in profiles:
            raise InputError(
                "--in-place", None, "standard input (-) cannot be replaced", "leave out --in-place"
            )
        if len(profiles) > 1 and not in_place:
            raise InputError(
                "PROFILES",
                None,
                "several profiles can only be upgraded in place",
                "give one profile (with --out or none), or add --in-place",
            )
    except InputError as error:
        _fail(error)

    def one(path: str) -> tuple[object, bool]:
        upgraded = upgrade_file(path, out, in_place)
        _say(upgraded.summary())
        return upgraded.text, True

    answers, failed = _each_profile(profiles, one)
    if answers and out is None and not in_place:
        click.echo(answers[0][0], nl=False)
    sys.exit(EXIT_INPUT_ERROR if failed else EXIT_MET)


@main.command()
@click.argument("old_rules", metavar="OLD_RULES", type=click.Path(exists=True, file_okay=False))
@click.argument("new_rules", metavar="NEW_RULES", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--cohort",
    "cohort",
    type=click.Path(exists=True, allow_dash=True),
    default=None,
    help="Students to answer under both rule books: .jsonl, a multi-document .yaml, a .csv or a"
    " directory of profiles (as for 'eligibility batch'); - reads them from standard input.",
)
@_as_of_option("each profile's own as_of, else today")
@_file_option(
    "--out",
    "CSV report: one row per student and check whose answer changes (needs --cohort); -"
    " writes it to standard output (with --summary FILE).",
)
@_file_option(
    "--summary", "Markdown file for the rule changes and their impact. Default (or -): printed."
)
@_file_option(
    "--mapping", "For a CSV cohort in another layout: YAML 'columns: {our_name: your_column}'."
)
def diff(old_rules, new_rules, cohort, as_of, out, summary, mapping) -> None:
    """What changed between two rule directories, in plain words, and whom it affects.

    Checks added, removed or changed; per check and version the conditions, thresholds
    (numbers in the logic), dates in force, texts and sources that changed; open policies, the
    credential registry, the facts, what a flat CSV row stands for (flat-csv.yaml) and what the
    web page's form asks for (form.yaml). With
    --cohort, every student is answered under both rule books on the same date (a flat CSV row
    read as each directory's flat-csv.yaml says), and the students whose answer changes are
    counted and named. Exit status:
    0 no differences, 1 differences found, 2 a usage or input error. See docs/diff.md.

    \b
    Examples:
      eligibility diff rules/ my-rules/
      eligibility diff rules/ my-rules/ --cohort cohort.jsonl --as-of 2027-06-01 --out changed.csv
      eligibility diff rules/ my-rules/ --cohort class.csv --mapping mapping.yaml --summary changes.md
    """
    from eligibility.diffreport import run_diff

    summary = None if summary == "-" else summary
    try:
        if out == "-" and not summary:
            raise InputError(
                "--out",
                None,
                "the changed answers and the summary cannot both go to standard output",
                "give --summary FILE, or name a file for --out",
            )
        with _progress(cohort, "comparing") as progress:
            report = run_diff(
                old_rules, new_rules, cohort, as_of, out, summary, mapping, progress.update
            )
    except InputError as error:
        _fail(error)
    if not summary:
        click.echo(printable(report.summary), nl=False)
    else:
        click.echo(  # beside changed answers on standard output: kept out of the CSV
            f"{'differences found' if report.differs else 'no differences'}; summary written to"
            f" {summary}"
            + (f", changed answers to {'standard output' if out == '-' else out}" if out else ""),
            err=out == "-",
        )
    sys.exit(EXIT_NOT_MET if report.differs else EXIT_MET)


def _writing(what: str) -> None:
    """Which output a batch is writing once its rows are checked, for a person watching."""
    if sys.stderr.isatty():
        click.echo(f"\nwriting {what} ...", err=True)


def _progress(source: str | None, label: str):
    """A progress bar over a cohort's students for a person watching; nothing in a log or a pipe."""
    from eligibility.inputs.cohort import count_items

    shown = source is not None and sys.stderr.isatty()
    return click.progressbar(
        length=count_items(source) if shown else 0,
        label=label,
        file=sys.stderr if shown else io.StringIO(),
    )


def run() -> None:
    """The program itself (``eligibility``, ``python -m eligibility``): :func:`main`, then exit.

    Standard output is flushed here rather than at interpreter exit, so that output that cannot be
    written (a full disk, a closed pipe: ``| head``) is one line and exit status 2 instead of
    Python's "Exception ignored" and 120. A test calls :func:`main`.
    """
    try:
        main()
        code: object = 0
    except SystemExit as done:
        code = done.code
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with it closed (``2>&-``): Python sets it to None
            continue
        try:
            stream.flush()
        except (OSError, ValueError) as error:  # a full disk, a closed pipe (``| head``)
            if stream is sys.stdout and code != EXIT_INPUT_ERROR:  # else the command said why
                reason = getattr(error, "strerror", None) or error
                _say(f"error: the output could not be written: {reason}")
            code = EXIT_INPUT_ERROR
            # what is still buffered goes nowhere, so Python's own flush at exit finds nothing
            # to fail on (the Python documentation's recipe for SIGPIPE)
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    # Everything made is about to go: the collector's last pass over the rule book would free
    # nothing anyone waits for.
    gc.freeze()
    sys.exit(code)
