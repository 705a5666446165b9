"""A Qt warning fails the test that caused it (pyproject: qt_log_level_fail), except the
offscreen platform's known limitations listed with their reason in qt_log_ignore."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.gui

INNER = '''
from PySide6.QtCore import qWarning


def test_a_qt_warning(qtbot):
    qWarning("QWidget::setLayout: something went wrong")


def test_a_listed_limitation_of_the_offscreen_plugin(qtbot):
    qWarning("This plugin does not support raise()")
'''


def test_a_qt_warning_fails_the_test_and_a_listed_one_does_not(tmp_path: Path) -> None:
    (tmp_path / "test_inner.py").write_text(INNER, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c",
         str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert "1 failed, 1 passed" in proc.stdout, proc.stdout + proc.stderr
    assert "FAILED test_inner.py::test_a_qt_warning" in proc.stdout
