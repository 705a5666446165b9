"""Issue 22 (High 2): on the smallest laptop screens — 1366×768 at 150 % and 1280×720 at
100 %, a 40-pixel taskbar (60 at 150 %) reserved — every window and dialog, frame included,
stays on screen; and the register window opens where a person left it, when that place is
still on a screen. The screen is chosen when Qt starts, so each one is walked in a process of
its own (tests/ui/screen_fit_child.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from app.settings import Settings
from app.ui.register.main_window import MainWindow
from app.ui.shared.screen import geometry_to_remember
from app.ui.shared.signals import AppSignals
from tests.conftest import TODAY

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("screen", "scale", "logical"),
                         [("1366x768", "1.5", "911x512"), ("1280x720", "1", "1280x720")])
def test_every_window_fits_the_laptop_screen(screen: str, scale: str, logical: str,
                                            tmp_path: Path) -> None:
    env = dict(os.environ)
    env["VERTROUWD_TEST_SCREEN"] = logical  # the child checks it got the screen it was given
    # relative to ROOT (the child's folder): Qt splits the platform's options at ":", so a
    # Windows path ("Z:\\...") would end the option at its drive letter
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile=tools/screens/{screen}.json"
    env["QT_SCALE_FACTOR"] = scale
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--color=no",
         f"--basetemp={tmp_path / 'child'}", str(ROOT / "tests" / "ui" / "screen_fit_child.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


def test_the_register_window_reopens_where_it_was_left(qtbot: QtBot) -> None:
    first = MainWindow(AppSignals(), Settings(), today=lambda: TODAY)
    qtbot.addWidget(first)
    first.setGeometry(QRect(60, 70, 700, 500))
    remembered = geometry_to_remember(first)
    assert remembered == [60, 70, 700, 500]
    again = MainWindow(AppSignals(), Settings(window_geometry=remembered), today=lambda: TODAY)
    qtbot.addWidget(again)
    assert again.geometry() == QRect(60, 70, 700, 500)
    # A place on a screen that is no longer connected: the window opens fitted instead.
    gone = MainWindow(AppSignals(), Settings(window_geometry=[5000, 3000, 700, 500]),
                      today=lambda: TODAY)
    qtbot.addWidget(gone)
    assert gone.geometry().x() < 5000 and gone.geometry().y() < 3000
    assert gone.screen().geometry().contains(gone.geometry())


def test_remembered_geometry_survives_a_settings_file(tmp_path: Path) -> None:
    Settings(window_geometry=[10, 20, 800, 600]).save(tmp_path / "s.json")
    assert Settings.load(tmp_path / "s.json").window_geometry == [10, 20, 800, 600]
    (tmp_path / "bad.json").write_text('{"window_geometry": [1, "x", 3, 4]}', encoding="utf-8")
    assert Settings.load(tmp_path / "bad.json").window_geometry == []
