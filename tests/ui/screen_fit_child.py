"""Run by test_screen_fit.py in a process of its own, on a simulated laptop screen (the Qt
platform and scaling are chosen when the application starts): every main window and dialog is
shown and must, frame included, stay inside the screen less a 40-pixel taskbar."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.services.confidant.cases import CaseService
from app.services.confidant.queries import case_detail
from app.services.storage import vault
from app.settings import Settings
from app.ui.confidant.case_dialogs import CloseCaseDialog, EditCaseDialog
from app.ui.confidant.export_dialog import ExportDialog
from app.ui.coordination.annual_dialog import AnnualDialog
from app.ui.coordination.forward_dialog import ForwardDialog
from app.ui.coordination.import_dialog import ImportDialog
from app.ui.register.cards_dialog import CardsDialog
from app.ui.register.help import HelpWindow
from app.ui.register.main_window import MainWindow
from app.ui.register.settings_dialog import SettingsDialog
from app.ui.register.unlock import UnlockDialog
from app.ui.register.wizard import FirstRunWizard
from app.ui.shared.signals import AppSignals
from tests.conftest import PASSPHRASE, TODAY

pytestmark = pytest.mark.gui

# The frame a window manager adds at most (title bar 32, borders 8) and the taskbar: the
# offscreen platform has neither, so the walk adds them as a real desktop would.
TITLE, BORDER, TASKBAR = 32, 8, 40


def outside(window: QWidget) -> str | None:
    screen = window.screen() or QGuiApplication.primaryScreen()
    area = screen.geometry().adjusted(0, 0, 0, -TASKBAR)
    g = window.geometry()
    outer = QRect(g.x() - BORDER, g.y() - TITLE, g.width() + 2 * BORDER,
                  g.height() + TITLE + BORDER)
    if area.contains(outer):
        return None
    return (f"{window.objectName() or type(window).__name__}: {outer.getCoords()} "
            f"leaves {area.getCoords()}")


def test_every_window_fits(qtbot: QtBot, tmp_path: Path) -> None:
    screen = QGuiApplication.primaryScreen().geometry()
    assert f"{screen.width()}x{screen.height()}" == os.environ["VERTROUWD_TEST_SCREEN"]
    vp, _code = vault.create_register(tmp_path / "vp", PASSPHRASE, roles=("vp",),
                                       component="CLAS")
    coord, _code2 = vault.create_register(tmp_path / "coord", PASSPHRASE,
                                          roles=("coordinator",), component="CLAS")
    service = CaseService(vp, today=lambda: TODAY)
    case = service.open_case(on=TODAY, minutes=30, mode="telefoon", topics=["pesten"]).id
    assert case is not None
    signals, settings = AppSignals(), Settings()
    problems: list[str] = []
    shown: list[str] = []

    def check(make: Callable[[], QWidget]) -> None:
        window = make()
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        QApplication.processEvents()
        shown.append(type(window).__name__)
        problem = outside(window)
        if problem:
            problems.append(problem)
        window.hide()

    main_vp = MainWindow(signals, settings, today=lambda: TODAY)
    main_vp.attach(vp)
    check(lambda: main_vp)
    main_coord = MainWindow(signals, settings, today=lambda: TODAY)
    main_coord.attach(coord)
    check(lambda: main_coord)
    parent = main_vp
    parent.show()
    export = ExportDialog(vp, signals, settings, parent, today=lambda: TODAY,
                          confirm=lambda *_a: True)
    check(lambda: export)
    # Issue 22 (Medium 6): the result sentence after writing is not clipped.
    export.show()
    (tmp_path / "usb").mkdir()
    export.set_folder(tmp_path / "usb")
    assert export.export_now() is not None
    export.ops.wait()
    assert export.last_result is not None
    for _ in range(10):
        QApplication.processEvents()
    label = export.result_label
    assert label.isVisible() and label.height() >= label.heightForWidth(label.width()), \
        f"result text clipped: {label.height()} < {label.heightForWidth(label.width())}"
    export.hide()
    check(lambda: CardsDialog(vp, signals, settings, parent))
    check(lambda: SettingsDialog(settings, vp, tmp_path / "b", parent))
    close = CloseCaseDialog(lambda v: None, TODAY, parent)
    check(lambda: close)
    # Issue 22 (Medium 5): a referral added, the form still needs no sideways scrolling and
    # "Remove" is not cut off.
    close.show()
    row = close.add_referral("mid")
    qtbot.waitUntil(row.isVisible)
    for _ in range(3):
        QApplication.processEvents()
    assert close.scroll_area.horizontalScrollBar().maximum() == 0, "sideways scrolling"
    button = row.remove_button
    assert button.fontMetrics().horizontalAdvance(button.text()) <= button.width()
    close.hide()
    detail = case_detail(vp, case)
    assert detail is not None
    check(lambda: EditCaseDialog(detail, lambda v: None, parent))
    check(lambda: HelpWindow(parent))
    check(lambda: ImportDialog(coord, lambda: TODAY, None, parent))
    check(lambda: ForwardDialog(coord, lambda: TODAY, None, parent))
    check(lambda: AnnualDialog(dt.date(2026, 1, 1), central=False, k=5, folder=tmp_path,
                               parent=parent))
    parent.hide()
    check(lambda: UnlockDialog(tmp_path / "vp", tmp_path / "b"))
    check(lambda: FirstRunWizard(tmp_path / "new", tmp_path / "usb"))
    assert len(shown) == 13
    assert not problems, "\n".join(problems)
    vp.close()
    coord.close()
