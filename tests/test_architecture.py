"""The direction of imports is the architecture (../shared/design/ARCHITECTURE.md):

    shared modules (i18n, errors, settings, paths, ...) → models → export → services → ui / cli

Every import counts: at the top of a module or inside a function, under TYPE_CHECKING or not,
`import x` or `from x import y`, absolute or relative. A module may import its own layer and
the layers below it, never one above; ui and cli never import each other; only the entry
points (app/main.py, app/__main__.py) see everything. The core (models, export, services and
the shared modules) never imports Qt, so it runs and is tested headless. And no two modules
of app/ import each other, directly or round a longer circle.

The checker reads the source with `ast` only (nothing is imported), so the tests below can
prove that it fails on a bad module written into a temporary folder.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SHARED = ("app", "app.i18n", "app.errors", "app.settings", "app.paths", "app.atomic",
          "app.secrets_in_memory",
          "app.owner_only", "app.logging_setup", "app.files")
# (prefix, rank): a module may import modules of its own rank or lower.
LAYERS = (("app.models", 1), ("app.export", 2), ("app.services", 3), ("app.ui", 4),
          ("app.cli", 4), ("app.main", 5), ("app.__main__", 5), ("app.windowed_main", 5))
TOP_PEERS = ("app.ui", "app.cli")  # the same rank, and neither imports the other
QT = ("PySide6", "shiboken6")
QT_FREE_BELOW = 4  # ranks below this never import Qt


@dataclass(frozen=True)
class Import:
    importer: str  # the module that imports, e.g. "app.export.pdf_vp"
    target: str  # the module of app/ it reaches, e.g. "app.services.confidant.aggregation"
    line: int


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules(root: Path) -> dict[str, Path]:
    """Every module of the package app/ below ``root``, by dotted name."""
    return {module_name(root, p): p for p in sorted((root / "app").rglob("*.py"))}


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = importer.split(".") if is_package else importer.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imported_names(root: Path, path: Path) -> Iterator[tuple[str, tuple[str, ...], int]]:
    """Every import statement anywhere in the file: the module it names (made absolute), the
    names it takes from it (`from m import a, b`; none for `import m`), and its line."""
    importer = module_name(root, path)
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, (), node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, importer, is_package)
            yield base, tuple(alias.name for alias in node.names), node.lineno


def _resolve(name: str, known: Iterable[str]) -> str | None:
    """The most specific module of app/ that ``name`` is or lies in."""
    known = set(known)
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def app_imports(root: Path) -> list[Import]:
    """Every import of a module of app/ by a module of app/. `from app.services import vault`
    reaches the module vault, `from app.services.storage.vault import Register` the module that
    holds Register."""
    found = modules(root)
    result = set()
    for importer, path in found.items():
        for name, taken, line in imported_names(root, path):
            if name != "app" and not name.startswith("app."):
                continue
            for full in [f"{name}.{t}" for t in taken] or [name]:
                target = _resolve(full, found)
                if target is not None and target != importer:
                    result.add(Import(importer, target, line))
    return sorted(result, key=lambda i: (i.importer, i.line, i.target))


def rank(module: str) -> int:
    if module in SHARED:
        return 0
    for prefix, value in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return value
    raise AssertionError(f"{module} belongs to no layer: add it to SHARED or LAYERS")


def _peer(module: str) -> str | None:
    return next((p for p in TOP_PEERS if module == p or module.startswith(p + ".")), None)


def wrong_way_imports(root: Path) -> list[str]:
    problems = []
    for imp in app_imports(root):
        upward = rank(imp.target) > rank(imp.importer)
        sideways = _peer(imp.importer) != _peer(imp.target) and None not in (
            _peer(imp.importer), _peer(imp.target))
        if upward or sideways:
            problems.append(f"{imp.importer}:{imp.line} imports {imp.target}")
    return problems


def qt_imports(root: Path) -> list[str]:
    problems = []
    for module, path in modules(root).items():
        if rank(module) >= QT_FREE_BELOW:
            continue
        for name, _taken, line in imported_names(root, path):
            if name.split(".")[0] in QT or name == "app.ui" or name.startswith("app.ui."):
                problems.append(f"{module}:{line} imports {name}")
    return problems


def import_cycles(root: Path) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {m: set() for m in modules(root)}
    for imp in app_imports(root):
        graph[imp.importer].add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # recursion depth is bounded by the number of modules
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(cycles)


# --- the code as it is ------------------------------------------------------------------------
def test_every_module_belongs_to_a_layer() -> None:
    assert {m: rank(m) for m in modules(ROOT)}  # rank() raises for a module of no layer


def test_imports_go_down_the_layers_only() -> None:
    assert wrong_way_imports(ROOT) == []


def test_core_does_not_import_qt_or_the_ui() -> None:
    assert qt_imports(ROOT) == []


def test_no_import_cycles_between_modules() -> None:
    assert import_cycles(ROOT) == []


def test_the_checker_reads_the_real_tree() -> None:
    # The checks above pass because the rules hold, not because nothing was read.
    imports = app_imports(ROOT)
    assert Import("app.services.storage.backup", "app.models.register_files", 20) in [
        Import(i.importer, i.target, 20) for i in imports]
    assert len(imports) > 300


# --- the checker fails where it must ----------------------------------------------------------
def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in {"app/__init__.py": "", "app/models/__init__.py": "",
                       "app/export/__init__.py": "", "app/services/__init__.py": "",
                       "app/ui/__init__.py": "", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_wrong_way_import_inside_a_function_is_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "app/services/work.py": "X = 1\n",
        "app/export/pdf.py": "def draw():\n    from app.services import work\n    return work\n",
    })
    assert wrong_way_imports(root) == ["app.export.pdf:2 imports app.services.work"]


def test_a_relative_wrong_way_import_is_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "app/services/__init__.py": "",
        "app/services/work.py": "X = 1\n",
        "app/models/thing.py": "import os\nfrom ..services.work import X\n",
    })
    assert wrong_way_imports(root) == ["app.models.thing:2 imports app.services.work"]


def test_a_plain_import_statement_is_read_too(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "app/ui/view.py": "X = 1\n",
        "app/cli.py": "import app.ui.view\n",
    })
    assert wrong_way_imports(root) == ["app.cli:1 imports app.ui.view"]


def test_a_two_module_cycle_is_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "app/services/a.py": "from app.services import b\n",
        "app/services/b.py": "def f():\n    from app.services.a import thing\n",
        "app/services/c.py": "from app.services import a\n",  # leads in, is not in the circle
    })
    assert wrong_way_imports(root) == []
    assert import_cycles(root) == [["app.services.a", "app.services.b"]]


def test_a_qt_import_in_the_core_is_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "app/services/work.py": "def f():\n    from PySide6.QtCore import QObject\n",
        "app/ui/view.py": "from PySide6.QtWidgets import QWidget\n",  # allowed in the ui
    })
    assert qt_imports(root) == ["app.services.work:2 imports PySide6.QtCore"]


def test_a_module_outside_every_layer_is_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"app/stray.py": "X = 1\n"})
    with pytest.raises(AssertionError, match=r"app\.stray belongs to no layer"):
        [rank(m) for m in modules(root)]
