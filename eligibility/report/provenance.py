"""What every report states (docs/report-format.md): the report format's version, the tool and
its version, the rule versions used (their files named from the rule book's root, the same in a
checkout and an installed wheel), the evaluation date and the policies used."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from eligibility.errors import listing
from eligibility.resources import data_dir
from eligibility.rulebook.rules import Policy, Version
from eligibility.version import __version__

# The version of the JSON reports' shapes (check, batch JSON Lines, list): raised whenever a
# shape changes in a way a program reading the old one would notice (a field removed, renamed
# or retyped; a new kind of entry). 1: check printed an object for one profile and an array for
# several, with absolute rule file names. tests/unit/report/test_report_version.py holds the
# schemas' shapes to it.
REPORT_VERSION = 11
TOOL = "eligibility"


NOT_OFFICIAL = "This is not an official determination by the certifying body."


def tool_json() -> dict[str, str]:
    """The program that wrote a report, and that its answers are not the body's:
    ``{"name": "eligibility", "version": "0.1.0", "notice": NOT_OFFICIAL}``."""
    return {"name": TOOL, "version": __version__, "notice": NOT_OFFICIAL}


@cache
def rule_file(file: str, rules_dir: str | None = None) -> str:
    """A rule file's name from the rule book's root (``aapc/cpc-coc.yaml``), however the root was
    given (``--rules``, a checkout's ``rules/``, a wheel's copy; default: the bundled rules).
    A file outside it (none is: the book reads only files under its root) keeps its path."""
    root = Path(rules_dir) if rules_dir else data_dir("rules")
    try:
        return Path(file).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(file).as_posix()


def rules_json(versions: Iterable[Version], rules_dir: str | None = None) -> list[dict[str, Any]]:
    """The rule versions used, each once, in the order first used."""
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for version in versions:
        key = (version.id, version.version, version.file)
        if key not in seen:
            seen[key] = {
                "id": version.id,
                "body": version.body,
                "version": version.version,
                "file": rule_file(version.file, rules_dir),
            }
    return list(seen.values())


def policies_used(policies: Mapping[str, Policy], chosen: Mapping[str, str]) -> dict[str, str]:
    """Every open policy's value in effect: the one chosen, else the project's default."""
    return {policy.id: chosen.get(policy.id, policy.default) for policy in policies.values()}


def policy_lines(policies: Mapping[str, Policy], chosen: Mapping[str, str]) -> list[str]:
    """Each open question the sources leave and how this run read it, as ``eligibility
    policies`` words them: "How is part-time coding work counted ...? Calendar time counts
    whatever the hours (chosen for this run)."; the director's outputs list them all,
    ``check``'s footer the chosen. A question not settled for the run is not simply read its
    default way: an answer it would change depends on it (each reading shown), unless its
    default decides and such answers are flagged for review, and the line says which."""
    lines = []
    for policy in policies.values():
        value = chosen.get(policy.id, policy.default)
        reading = policy.values.get(value, value)
        reading = f"{reading[:1].upper()}{reading[1:]}"
        if policy.id in chosen:
            lines.append(f"{policy.question} {reading} (chosen for this run).")
        elif policy.default_decides:
            lines.append(
                f"{policy.question} {reading} (the default; an answer another reading would"
                " change is flagged for a person to review)."
            )
        else:
            # an answer it changes is marked as depending on it, with each reading
            lines.append(
                f"{policy.question} Not settled for this run; default reading:"
                f" {reading[:1].lower()}{reading[1:]}."
            )
    return lines


def footer_text(
    as_of: date,
    versions: Iterable[Version],
    chosen: Mapping[str, str],
    policies: Mapping[str, Policy] | None = None,
) -> str:
    """The last line of a text report: the same facts as the JSON reports state, in one line;
    a policy chosen for the run in words (its question and the reading used, as
    :func:`policy_lines` says it, with the rule book's ``policies``), the others not settled."""
    used = dict.fromkeys((version.id, version.version) for version in versions)
    rules = ", ".join(f"{rule} {number}" for rule, number in used) or "none"
    known = policies or {}
    said = policy_lines({k: known[k] for k in chosen if k in known}, chosen)
    # a policy the book does not know (none reaches here: the CLI refuses them) keeps its value
    said += [f"{k}: {v}." for k, v in chosen.items() if k not in known]
    settled = " ".join(said)
    policies_said = (
        f"{settled} The others not settled (an answer one would change says so)."
        if settled
        else "none settled (an answer an open question would change says so)"
    )
    bodies = sorted({version.body for version in versions})
    return (
        f"Answered by {TOOL} {__version__} · as of {as_of.isoformat()} · rules: {rules}"
        f" · policies: {policies_said}\n{not_official(bodies)}"
    )


def not_official(bodies: Sequence[str]) -> str:
    """That an answer is not the certifying bodies' determination, naming them where known."""
    named = listing(bodies) if bodies else "the certifying body"
    return (
        f"This is not an official determination by {named}:"
        " confirm with the certifying body before applying or relying on it."
    )
