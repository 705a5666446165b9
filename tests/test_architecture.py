"""The core (models, services, export) never imports Qt or the UI: it runs headless."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ["app/models", "app/services", "app/export", "app/cli.py", "app/i18n.py",
        "app/errors.py", "app/settings.py", "app/atomic.py", "app/paths.py"]
FORBIDDEN = ("PySide6", "shiboken6", "app.ui")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_core_does_not_import_qt() -> None:
    offenders = []
    for entry in CORE:
        target = ROOT / entry
        files = [target] if target.is_file() else list(target.rglob("*.py"))
        assert files, entry
        for f in files:
            offenders += [(f.name, n) for n in _imports(f) if n.startswith(FORBIDDEN)]
    assert offenders == []


def test_checker_sees_a_qt_import(tmp_path: Path) -> None:
    f = tmp_path / "x.py"
    f.write_text("from PySide6.QtCore import QObject\n")
    assert any(n.startswith(FORBIDDEN) for n in _imports(f))
