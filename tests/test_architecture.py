"""docs/architecture.md lists every module in the order data flows, and none imports upward.

The order is the table under "The modules" in docs/architecture.md: a module may import only
modules listed above it. Imports inside functions count (they are still dependencies); those
under ``if TYPE_CHECKING:`` do not (they never run).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "eligibility"
DOC = ROOT / "docs" / "architecture.md"
ROW = re.compile(r"^\| `([\w/]+\.py)` \|")


def documented() -> dict[str, set[str]]:
    """The modules of the table, as dotted names, top to bottom, each with the modules its last
    column says it imports."""
    out: dict[str, set[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        found = ROW.match(line)
        if found:
            listed = re.findall(r"`([\w.]+)`", line.rstrip().rstrip("|").rsplit("|", 1)[1])
            module = module_of(PACKAGE / found[1])
            assert module not in out, f"{module} is listed twice in docs/architecture.md"
            out[module] = {
                name if name == "eligibility" else f"eligibility.{name}" for name in listed
            }
    return out


def imports_of(module: str) -> dict[str, int]:
    path = file_of(module)
    return imports(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")


def module_of(path: Path) -> str:
    """``eligibility/facts/book.py`` -> ``eligibility.facts.book``; a package's ``__init__.py``
    is the package."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def file_of(module: str) -> Path:
    path = ROOT.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def imports(source: str, module: str, is_package: bool = False) -> dict[str, int]:
    """The package's modules ``source`` (the text of ``module``) imports when it runs, each with
    the line of its first import."""
    package = module if is_package else module.rpartition(".")[0]
    found: dict[str, int] = {}

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up level - 1
                parts = package.split(".")
                base = ".".join(
                    part for part in [*parts[: len(parts) - node.level + 1], base] if part
                )
            # ``from eligibility import rules`` imports a module; ``from eligibility.facts import
            # derive`` a name of one
            names = [
                f"{base}.{a.name}" if _exists(f"{base}.{a.name}") else base for a in node.names
            ]
        for name in names:
            target = _enclosing(name)
            if target is not None and target != module:
                found.setdefault(target, node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _exists(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _enclosing(name: str) -> str | None:
    """The package module ``name`` is or is in; None outside the package."""
    if name != "eligibility" and not name.startswith("eligibility."):
        return None
    parts = name.split(".")
    while len(parts) > 1 and not _exists(".".join(parts)):
        parts.pop()
    return ".".join(parts)


def test_every_module_is_in_the_table() -> None:
    listed = set(documented())
    modules = {module_of(path) for path in PACKAGE.rglob("*.py")}
    assert not modules - listed, f"not in docs/architecture.md: {sorted(modules - listed)}"
    assert not listed - modules, f"no such module: {sorted(listed - modules)}"


def test_no_module_imports_one_listed_below_it() -> None:
    order = list(documented())
    rank = {module: index for index, module in enumerate(order)}
    upward = [
        f"{module} (line {line}) imports {target}, which docs/architecture.md lists below it"
        for module in order
        for target, line in imports_of(module).items()
        if rank.get(target, len(order)) > rank[module]
    ]
    assert not upward, "\n".join(upward)


def test_the_table_lists_what_each_module_imports() -> None:
    wrong = [
        f"{module}: the table says {sorted(said)}, the code imports {sorted(imports_of(module))}"
        for module, said in documented().items()
        if said != set(imports_of(module))
    ]
    assert not wrong, "\n".join(wrong)


def test_imports_in_functions_count_and_type_checking_ones_do_not() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from eligibility import lint\n"
        "if TYPE_CHECKING:\n"
        "    from eligibility.api import ProfileReport\n"
        "def late():\n"
        "    from eligibility.facts import derive\n"
        "    import eligibility.batch\n"
        "    from . import dates\n"
        "    from .facts.book import FactBook\n"
    )
    assert imports(source, "eligibility.probe") == {
        "eligibility.lint": 2,
        "eligibility.facts": 6,
        "eligibility.batch": 7,
        "eligibility.dates": 8,
        "eligibility.facts.book": 9,
    }
