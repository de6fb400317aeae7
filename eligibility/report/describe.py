"""Describing rules for people: what ``eligibility list`` and ``eligibility show`` print."""

from __future__ import annotations

from datetime import date
from typing import Any

from eligibility.errors import InputError
from eligibility.logic import Compiled
from eligibility.report.logictext import readable
from eligibility.report.provenance import REPORT_VERSION, policies_used, rules_json, tool_json
from eligibility.rulebook.rules import Credential, Node, Policy, RuleBook, Version


def list_json(book: RuleBook, as_of: date) -> dict[str, Any]:
    """What ``list --format json`` prints (``schemas/list.schema.json``): the credentials, with
    what every report states (the tool, the date, the rule versions listed, the policies)."""
    in_force = (_in_force(credential, as_of) for credential in book.credentials)
    listed = [version for version in in_force if version is not None]
    return {
        "report_version": REPORT_VERSION,
        "tool": tool_json(),
        "as_of": as_of.isoformat(),
        "policies": policies_used(book.policies, {}),
        "rules": rules_json(listed, book.directory),
        "credentials": list_rows(book, as_of),
    }


def _in_force(credential: Credential, as_of: date) -> Version | None:
    """The version of a credential's rules in force on the date (the preferred one first)."""
    current = [v for v in credential.versions if v.in_force(as_of)]
    current.sort(key=lambda v: not v.preferred)
    return current[0] if current else None


def list_rows(book: RuleBook, as_of: date) -> list[dict[str, Any]]:
    """One row per credential: body, id, name, setting, confidence and checks of the version in force."""
    rows = []
    for credential in book.credentials:
        version = _in_force(credential, as_of)
        rows.append(
            {
                "body": credential.body,
                "id": credential.id,
                "name": credential.name,
                "setting": credential.setting or "",
                "confidence": version.confidence if version else "-",
                "id_confidence": credential.id_confidence or "",
                "version": version.id if version else "none in force",
                "checks": credential.check_ids(),
            }
        )
    with_rules = {credential.id for credential in book.credentials}
    for info in book.registry.known():
        if info.id not in with_rules:  # RHIT, RHIA ...: read by other rules, no rules of their own
            rows.append(
                {
                    "body": info.body,
                    "id": info.id,
                    "name": info.name,
                    "setting": "",
                    "confidence": "-",
                    "id_confidence": "",
                    "version": "no rules of its own; other rules read it",
                    "checks": [],
                }
            )
    return rows


def list_text(book: RuleBook, as_of: date) -> str:
    rows = list_rows(book, as_of)
    body_width = max(len(row["body"]) for row in rows) + 1
    id_width = max(len(row["id"]) for row in rows) + 2  # PAHCS-SPECIALTY is 15 long
    indent = " " * (body_width + id_width)
    lines = [f"Credentials and their checks (rules in force on {as_of.isoformat()}):", ""]
    for row in rows:
        id_note = f", id confidence {row['id_confidence']}" if row["id_confidence"] else ""
        lines.append(
            f"{row['body']:<{body_width}}{row['id']:<{id_width}}{row['name']}  [confidence {row['confidence']}{id_note}, {row['version']}]"
        )
        if row["setting"]:
            lines.append(f"{indent}setting: {row['setting']}")
        lines.append(f"{indent}checks:  {', '.join(row['checks']) or 'none'}")
    lines += [
        "",
        "Explain one: eligibility show ID    Check a profile: eligibility check PROFILE --cert ID",
    ]
    return "\n".join(lines)


def show(book: RuleBook, ident: str, as_of: date, logic: bool = False) -> str:
    """What ``eligibility show ID`` prints: a credential's rules, or one check's; for a credential
    the registry knows but no rule file covers (RHIT, RHIA), what that means. With ``logic``,
    each condition's id and its logic as evaluated (``show --logic``)."""
    try:
        expanded = book.expand(ident)
    except InputError as error:
        info = book.registry.info(ident)
        if info is not None and book.credential_of(info.id) is None:
            return (
                f"{info.id}: {info.name} ({info.body})\n"
                "No rules of its own here: it is not checked. Other credentials' rules read it"
                " when a candidate holds it (a profile's credentials may name it)."
            )
        raise InputError("ID", None, error.problem, error.fix) from None  # not --cert, here
    credential = book.credential_of(expanded[0][0])
    assert credential is not None
    whole = len(expanded) > 1 or ident.upper() == credential.id.upper()
    return show_text(book, credential, as_of, None if whole else expanded[0][0], logic)


def show_text(
    book: RuleBook,
    credential: Credential,
    as_of: date,
    only_check: str | None = None,
    logic: bool = False,
) -> str:
    """Every version of a credential's rules in plain words, the one in force marked."""
    lines = [f"{credential.id}: {credential.name} ({credential.body})"]
    if credential.setting:
        lines.append(f"Setting: {credential.setting}")
    info = book.registry.info(credential.id)
    if info is not None and info.retired is not None:
        note = f" {info.retired.note}" if info.retired.note else ""
        lines.append(
            f"No longer issued after {info.retired.after}: no exam or award after that day.{note}"
        )
    for version in credential.versions:
        lines += ["", *_version_lines(book, version, as_of, only_check, logic)]
    return "\n".join(lines)


def _version_lines(
    book: RuleBook, version: Version, as_of: date, only_check: str | None, logic: bool
) -> list[str]:
    since = version.valid_from.isoformat() if version.valid_from else "(no start date known)"
    until = version.valid_until.isoformat() if version.valid_until else "now"
    state = "IN FORCE" if version.in_force(as_of) else "not in force"
    lines = [
        f"== Version {version.version} ({version.id}) · {state} on {as_of.isoformat()} · confidence {version.confidence}",
        f"   {version.title or ''}".rstrip(),
        f"   In force: {since} to {until}"
        + (f". {version.in_force_note}" if version.in_force_note else ""),
        "   Sources:",
        *[
            f"     {s.id} [{s.confidence}] {s.title or ''} {s.url or ''}".rstrip()
            + (f" — {s.used_for}" if s.used_for else "")
            for s in version.sources
        ],
    ]
    if version.disagreements:
        lines.append("   Where sources disagree:")
        lines += [
            f"     {d['id']}: follows {d['follows']}"
            + (f"; not {d['over']}" if d.get("over") else "")
            + f". {d['why']}"
            for d in version.disagreements
        ]
    if version.open_policies:
        lines.append(
            "   Open questions (the sources leave them open; an answer one would change says so):"
        )
        for policy_id in version.open_policies:
            lines += _policy_lines(book.policies[policy_id])
    if version.notes:
        lines.append("   Notes:")
        lines += [f"     - {note}" for note in version.notes]
    for check in version.checks:
        if only_check and only_check not in (check.id, *check.aliases):
            continue
        lines += ["", f"   {check.id}: {check.question}"]
        if check.applies_text:
            lines.append(f"     Applies {check.applies_text}")
            if logic and check.applies_logic is not None:
                lines.append(_logic_line(check.applies_logic, 9))
        lines.append("     Required:")
        lines += _node_lines(check.requires, 6, logic)
        if check.recommends:
            lines.append("     Recommended (does not change the verdict):")
            lines += _node_lines(check.recommends, 6, logic)
        if logic and check.standing_not_met is not None:
            lines.append(f"     Standing when met: {check.standing_met}; when not met:")
            lines.append(_logic_line(check.standing_not_met, 9))
    return lines


def _policy_lines(policy: Policy) -> list[str]:
    """An open question in words, as ``batch`` states the policies of a run: its question, then
    each reading, the default first. The id is said only in the flag that settles the question
    (``set with --policy ID=VALUE``), the one place a person types it."""
    lines = [f"     {policy.question}"]
    default = policy.default
    for value in (default, *(v for v in policy.values if v != default)):
        meaning = policy.values[value]
        said = f"{meaning[:1].upper()}{meaning[1:]}"
        flag = f"set with --policy {policy.id}={value}"
        if value != default:
            lines.append(f"       - {said} ({flag}).")
        elif policy.default_decides:
            lines.append(
                f"       - {said} (the default; an answer another reading would change is"
                f" flagged for a person to review; {flag})."
            )
        else:
            lines.append(f"       - {said} (the default reading; {flag}).")
    return lines


def _node_lines(node: Node, indent: int, logic: bool = False) -> list[str]:
    pad = " " * indent
    confidence = f" [confidence {node.confidence}]" if node.confidence else ""
    sources = f" ({', '.join(node.sources)})" if node.sources else ""
    ident = f"[{node.id}] " if logic else ""
    unless = (
        f" (not when {readable(node.assumes_unless.source)} holds)"
        if logic and node.assumes_unless
        else ""
    )
    assumed = [f"{pad}    assumes: {node.assumes}{unless}"] if node.assumes else []  # UNCONFIRMED
    if node.kind == "leaf":
        lines = [f"{pad}- {ident}{node.text}{confidence}{sources}", *assumed]
        if logic and node.logic is not None:
            unit = f"   ({node.unit})" if node.unit and node.unit != "count" else ""
            lines.append(_logic_line(node.logic, indent + 4) + unit)
        return lines
    joiner = "all of" if node.kind == "all" else "any one of"
    lines = [f"{pad}{ident}{node.text} — {joiner}:{confidence}{sources}", *assumed]
    for child in node.children:
        lines += _node_lines(child, indent + 2, logic)
    return lines


def _logic_line(logic: Compiled, indent: int) -> str:
    """A condition as it is evaluated (``experience.aapc_months >= 24``), under its text."""
    return f"{' ' * indent}logic: {readable(logic.source)}"
