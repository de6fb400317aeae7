"""A rule file's versions as written -> each credential's versions in full.

Why this step exists: a body changes one number from a date, or one credential of a file that
several share gets its own rules, and the maintainer should write only that change. So a version
may repeat an earlier one of the same file (``extends``) and say what differs (its own fields,
and ``changes`` to checks and conditions); a version may be for some of the file's credentials
only (``only_for``) or end earlier for one of them (``until_for``). This module resolves all of
that into plain versions, then fills in ``{credential}``, ``{name}`` and ``{apprentice}`` once
per credential, so everything after it (the linter, the loader) sees whole versions.

A version another credential of the file has to itself is None in that credential's list: the
list keeps the file's order, so a version's place (``versions[3]``) is the same in every list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

# fields of a change that say what it is about, not what it sets
_ADDRESS = ("check", "condition", "remove", "add", "add_check")
_CONDITION_SHAPES = ("all", "any", "logic")  # a condition has exactly one of these

Fail = Callable[[list, str, str], Any]  # (where in the file, problem, fix): raises

# what a keeping check's standing reads to ask whether one of the check's conditions is met
# (true: met; false: not met; null: not known), as ``conditions.last-period``
CONDITIONS_KEY = "conditions"
CONDITIONS = f"{CONDITIONS_KEY}."

# a fact named in a fix, filled in when the fix is shown: a dotted path in braces, with the
# words to use when the profile does not give it after a bar (``{aapc.dues_pay_by|the day
# shown}``), or after a question mark words said only where the fact is true, not zero and not
# empty (``{aapc.credentials?. Your credentials ...}``), and nothing where it is not; the
# placeholders filled here (``{credential}``) and ``{missing}`` have no dot
# in a check's not-met outcome: the standing its answer finds ("Your CPC is revoked")
STANDING_PLACEHOLDER = "{standing}"
# in a check's outcome.not_met_because: the reasons of outcome.because found not met
BECAUSE_PLACEHOLDER = "{because}"
FACT_PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w-]*(?:\.[\w*-]+)+)(?:([|?])([^{}]*))?\}")
# how deep placeholders may nest in one another's words
_NESTING = 6


def fact_placeholders(text: str) -> tuple[str, ...]:
    """The fact paths ``text`` names in braces, in order, each once: those in a placeholder's
    words too (``{a.b?on {c.d}|about {e.f}}``), before it."""
    found: list[str] = []
    for _ in range(_NESTING):
        matches = FACT_PLACEHOLDER.findall(text)
        if not matches:
            break
        found += (match[0] for match in matches)
        text = FACT_PLACEHOLDER.sub("", text)
    return tuple(dict.fromkeys(found))


def fill_facts(text: str, values: Mapping[str, Any]) -> str:
    """``text`` with each fact placeholder replaced by the fact's value in ``values``, or by its
    words for a value not known ("not known" when it gives none); a ``?`` placeholder by its
    words where the value is true in JsonLogic's sense, else by the words after a bar in them
    (nothing without one). Placeholders in a placeholder's words are filled first."""

    def value(found: re.Match[str]) -> str:
        known = values.get(found[1])
        if found[2] == "?":
            said, _, otherwise = found[3].partition("|")
            return said if known not in (None, False, 0, "", [], {}) else otherwise
        if known is None:
            return found[3] if found[3] is not None else "(not known)"
        return str(known)

    for _ in range(_NESTING):  # innermost first: a placeholder whose words name none
        filled = FACT_PLACEHOLDER.sub(value, text)
        if filled == text:
            break
        text = filled
    return text


def expanded(versions: list[dict[str, Any]], fail: Fail) -> list[dict[str, Any]]:
    """Every version in full: one that ``extends`` an earlier one is a copy of it with the
    fields it gives replacing the copied ones and its ``changes`` applied, in order."""
    done: list[dict[str, Any]] = []
    for index, version in enumerate(versions):
        if "extends" not in version:
            done.append(version)
            continue
        here = ["versions", index]
        earlier = {v["id"]: v for v in done}
        base = earlier.get(version["extends"])
        if base is None:
            fail(
                [*here, "extends"],
                f"no version {version['extends']!r} above this one in this file",
                "name the id of a version written above it: "
                + (", ".join(earlier) or "(there is none)"),
            )
        whole = _unshared({k: v for k, v in base.items() if k != "until_for"})
        whole.update({k: v for k, v in version.items() if k not in ("extends", "changes")})
        for number, change in enumerate(version.get("changes", [])):
            _apply(whole, change, [*here, "changes", number], fail)
        done.append(whole)
    return done


def _unshared(value: Any) -> Any:
    """A copy in which nothing is shared: a block a YAML anchor repeats (``*equivalency``) is
    copied once per place, so that a change to it in one check leaves the others as they were
    (``copy.deepcopy`` would keep the repeats one object)."""
    if isinstance(value, dict):
        return {key: _unshared(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unshared(item) for item in value]
    return value


def _apply(version: dict[str, Any], change: Mapping[str, Any], where: list, fail: Fail) -> None:
    """One change to a copied version: a check added, removed or given new fields, or one of its
    conditions removed, given new fields, or given another condition under it."""
    if "add_check" in change:
        version["checks"].append(_unshared(change["add_check"]))
        return
    named = change["check"]  # one check, or several the same change is made to
    for index, name in enumerate([named] if isinstance(named, str) else named):
        at = [*where, "check"] if isinstance(named, str) else [*where, "check", index]
        _apply_to(version, name, change, where, at, fail)


def _apply_to(
    version: dict[str, Any],
    name: str,
    change: Mapping[str, Any],
    where: list,
    name_at: list,
    fail: Fail,
) -> None:
    """``change`` (at ``where``) to the check ``name`` (named at ``name_at``)."""
    checks = version["checks"]
    check = next((c for c in checks if c["id"] == name), None)
    if check is None:
        fail(
            name_at,
            f"the version extended has no check {name!r}",
            f"use one of: {', '.join(c['id'] for c in checks)}",
        )
    fields = {k: _unshared(v) for k, v in change.items() if k not in _ADDRESS}
    if "condition" not in change:
        if change.get("remove"):
            checks.remove(check)
        else:
            check.update(fields)
        return
    found = find_condition(check, change["condition"])
    if found is None:
        fail(
            [*where, "condition"],
            f"check {check['id']!r} has no condition {change['condition']!r}",
            f"use one of: {', '.join(_ids(check))}",
        )
    parent, node = found
    if change.get("remove"):
        if parent is None:
            fail(
                [*where, "remove"], "a check's top condition cannot be removed", "remove the check"
            )
        parent.remove(node)
    elif "add" in change:
        children = node.get("all", node.get("any"))
        if children is None:
            fail(
                [*where, "add"],
                f"condition {node['id']!r} is a single test, with nothing under it",
                "add to a condition with 'all' or 'any'",
            )
        children.append(_unshared(change["add"]))
    else:
        if any(shape in fields for shape in _CONDITION_SHAPES):
            for shape in _CONDITION_SHAPES:
                node.pop(shape, None)
        node.update(fields)


def written_at(
    versions: list[dict[str, Any]], whole: list[dict[str, Any]], where: Sequence[str | int]
) -> list[str | int]:
    """The place in the file that wrote what ``where`` names in the versions as expanded
    (``whole``, from ``versions`` as written): in a version written as ``changes``, a check's
    field comes from the change that gave it, or else from the version it extends (followed
    as far back as it goes). Other places are their own."""
    place = list(where)
    if len(place) < 4 or place[0] != "versions" or place[2] != "checks":
        return place
    index, number = place[1], place[3]
    if not isinstance(index, int) or not isinstance(number, int) or index >= len(versions):
        return place
    version = versions[index]
    if "extends" not in version:
        return place
    try:
        check = whole[index]["checks"][number]
    except (IndexError, KeyError, TypeError):
        return place
    # the conditions on the way, the check first, each with the path below it
    on_way: list[tuple[Mapping[str, Any], list[str | int]]] = [(check, place[4:])]
    value: Any = check
    for depth, key in enumerate(place[4:]):
        try:
            value = value[key]
        except (IndexError, KeyError, TypeError):
            break
        if isinstance(value, dict) and "id" in value:
            on_way.append((value, place[5 + depth :]))
    changes = version.get("changes", [])
    for condition, rest in reversed(on_way):  # the deepest condition a change wrote decides
        for at in reversed(range(len(changes))):
            change, here = changes[at], ["versions", index, "changes", at]
            if condition is check and change.get("add_check", {}).get("id") == check["id"]:
                return [*here, "add_check", *rest]
            if check["id"] not in named_checks(change):
                continue
            if condition is not check and change.get("add", {}).get("id") == condition["id"]:
                return [*here, "add", *rest]
            if change.get("condition") != (None if condition is check else condition["id"]):
                continue
            if rest and rest[0] in change:
                return [*here, *rest]
            if condition is not check and any(k not in _ADDRESS for k in change):
                return here  # it rewrote this condition (its logic, not its text): told there
    condition, rest = on_way[-1]  # written by no change: where the version extended wrote it
    earlier = next(
        (n for n, v in enumerate(versions[:index]) if v.get("id") == version["extends"]), None
    )
    if earlier is None:
        return place
    same = next((n for n, c in enumerate(whole[earlier]["checks"]) if c["id"] == check["id"]), None)
    if same is None:
        return place
    below = [] if condition is check else _path_to(whole[earlier]["checks"][same], condition["id"])
    if below is None:
        return place
    return written_at(versions, whole, ["versions", earlier, "checks", same, *below, *rest])


def _path_to(check: Mapping[str, Any], ident: str) -> list[str | int] | None:
    """The path from ``check`` to its condition ``ident``."""
    stack: list[tuple[list[str | int], Mapping[str, Any]]] = [
        ([part], check[part]) for part in ("requires", "recommends") if part in check
    ]
    while stack:
        path, node = stack.pop()
        if node.get("id") == ident:
            return path
        for shape in ("all", "any"):
            for n, child in enumerate(node.get(shape) or ()):
                stack.append(([*path, shape, n], child))
    return None


def named_checks(change: Mapping[str, Any]) -> list[str]:
    """The checks a change names: one (``check: ID``) or several (``check: [ID, ...]``)."""
    named = change.get("check", [])
    return [named] if isinstance(named, str) else list(named)


def _roots(check: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    yield from (check[part] for part in ("requires", "recommends") if part in check)


def find_condition(check: Mapping[str, Any], ident: str) -> tuple[list | None, dict] | None:
    """(the list holding it, or None for a top condition; the condition) for ``ident``."""
    stack: list[tuple[list | None, dict]] = [(None, root) for root in _roots(check)]
    while stack:
        parent, node = stack.pop()
        if node.get("id") == ident:
            return parent, node
        children = node.get("all", node.get("any")) or []
        stack += [(children, child) for child in children]
    return None


def _ids(check: Mapping[str, Any]) -> list[str]:
    return [node["id"] for node in _conditions(check)]


def for_credential(
    versions: list[dict[str, Any]], entry: Mapping[str, Any]
) -> list[dict[str, Any] | None]:
    """``versions`` as ``entry``'s credential has them: filled in, with its own end dates; a
    version ``only_for`` other credentials is None (the others keep their places)."""
    found: list[dict[str, Any] | None] = []
    for version in versions:
        for_whom = version.get("only_for")
        if for_whom is not None and entry["id"] not in for_whom:
            found.append(None)
            continue
        own = {k: v for k, v in version.items() if k not in ("only_for", "until_for")}
        until = version.get("until_for", {})
        if entry["id"] in until:
            own["in_force"] = {**own["in_force"], "until": until[entry["id"]]}
        found.append(_own_conditions(_own_assumptions(fill(own, entry), entry["id"]), entry["id"]))
    return found


def _own_conditions(version: dict[str, Any], credential: str) -> dict[str, Any]:
    """``version`` without the conditions ``only_for`` other credentials: checks several
    credentials share may ask one of them alone for something (a PAHCS specialty exam, the
    Medical Coding Specialist first), which the others' answers should not name at all."""
    for check in version.get("checks", []):
        for node in _conditions(check):
            part = "all" if "all" in node else "any"
            children = node.get(part)
            if not children:
                continue
            node[part] = [
                {k: v for k, v in child.items() if k != "only_for"}
                for child in children
                if credential in child.get("only_for", [credential])
            ]
    return version


def _own_assumptions(version: dict[str, Any], credential: str) -> dict[str, Any]:
    """``version`` with each condition's ``assumes`` kept only where it is for ``credential``:
    checks several credentials share may rest on an assumption for one of them alone (whether
    the COC's two years must be outpatient facility coding)."""
    for check in version.get("checks", []):
        for node in _conditions(check):
            assumes = node.get("assumes")
            if assumes is None or "only_for" not in assumes:
                continue
            if credential in assumes["only_for"]:
                node["assumes"] = {k: v for k, v in assumes.items() if k != "only_for"}
            else:
                del node["assumes"]
    return version


def _conditions(check: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every condition of ``check``, top ones first."""
    stack = list(_roots(check))
    while stack:
        node = stack.pop(0)
        yield node
        stack += node.get("all", node.get("any")) or []


def check_names(versions: list[dict[str, Any]], ids: list[str], fail: Fail) -> None:
    """``only_for`` (of a version, a condition or an assumption) and ``until_for`` name
    credentials the file lists; a condition ``only_for`` some credentials is not a top one, and
    leaves the others a condition beside it."""
    for index, version in enumerate(versions):
        here: list = ["versions", index]
        named = [([*here, "only_for", k], n) for k, n in enumerate(version.get("only_for", []))]
        named += [([*here, "until_for", n], n) for n in version.get("until_for", {})]
        for c, check in enumerate(version.get("checks", [])):
            for node in _conditions(check):
                for_whom = node.get("assumes", {}).get("only_for", [])
                at = [*here, "checks", c, *_path_to(check, node["id"]), "assumes", "only_for"]
                named += [([*at, k], n) for k, n in enumerate(for_whom)]
                at = [*here, "checks", c, *_path_to(check, node["id"]), "only_for"]
                named += [([*at, k], n) for k, n in enumerate(node.get("only_for", []))]
            for root in _roots(check):
                if "only_for" in root:
                    fail(
                        [*here, "checks", c, *_path_to(check, root["id"]), "only_for"],
                        "a top condition is every credential's: only one of its conditions"
                        " may be for some credentials only",
                        "move only_for to a condition under it",
                    )
                for node in _conditions({"requires": root}):
                    children = node.get("all", node.get("any")) or []
                    if children and all("only_for" in child for child in children):
                        left = set(ids).difference(*(child["only_for"] for child in children))
                        if left:
                            fail(
                                [*here, "checks", c, *_path_to(check, node["id"])],
                                f"no condition of it is left for {', '.join(sorted(left))}",
                                "leave one of its conditions for every credential",
                            )
        for place, name in named:
            if name not in ids:
                fail(
                    place,
                    f"{name!r} is not one of this file's credentials",
                    f"use one of: {', '.join(ids)}",
                )


def numbered(versions: list[dict[str, Any] | None]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(place in the file, version) for each version a credential has."""
    return ((index, v) for index, v in enumerate(versions) if v is not None)


def fill(value: Any, entry: Mapping[str, Any]) -> Any:
    """``value`` with {credential}, {name}, {called} and {apprentice} replaced by ``entry``'s
    values; {called} is what text calls the credential, its id unless the entry says."""
    if isinstance(value, str):
        for key, field_name in (
            ("{credential}", "id"),
            ("{name}", "name"),
            ("{called}", "called"),
            ("{apprentice}", "apprentice"),
        ):
            default = entry["id"] if key == "{called}" else ""  # text calls it by its id
            value = value.replace(key, entry.get(field_name) or default)
        return value
    if isinstance(value, list):
        return [fill(item, entry) for item in value]
    if isinstance(value, dict):
        return {fill(key, entry): fill(item, entry) for key, item in value.items()}
    return value


def overlap_words(
    names: str, start: date, both_preferred: bool, earlier: str | None, later_from: date | None
) -> tuple[str, str]:
    """(problem, fix) for two versions of a check in force together from ``start``: the fix
    ends ``earlier`` the day before ``later_from`` when one begins after the other."""
    since = "the beginning" if start == date.min else start.isoformat()
    problem = f"versions {names} are both in force from {since}"
    if both_preferred:
        return (
            problem + " and both are marked preferred",
            "only one of the versions in force on a date may be 'preferred: true'",
        )
    if earlier and later_from and later_from != date.min:
        day = (later_from - timedelta(days=1)).isoformat()
        return problem, (
            f"end {earlier} the day before: add 'until: {day}' under its in_force (or mark one"
            " 'preferred: true')"
        )
    return (
        problem,
        "make their in_force dates meet without overlapping, or mark one 'preferred: true'",
    )
