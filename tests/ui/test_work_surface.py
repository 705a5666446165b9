"""Issue 22, item 3: the register window is a work surface on a 1366×768 screen at 150 %
(911×512 logical pixels): at least ten cases of the demo register in view and the selected
case readable whole, no pane scrolled inside another."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QTableView, QWidget
from pytestqt.qtbot import QtBot

from app.services.demo import build_demo_register
from app.services.storage import vault
from app.settings import Settings
from app.ui.register.main_window import MainWindow
from app.ui.shared.signals import AppSignals
from tests.conftest import PASSPHRASE, TODAY

pytestmark = pytest.mark.gui

LAPTOP_150 = QSize(911, 512)  # 1366×768 at 150 %


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "register"
    build_demo_register(folder, PASSPHRASE, today=TODAY)
    return folder


@pytest.fixture
def demo(demo_folder: Path) -> Iterator[vault.Register]:
    register = vault.unlock(demo_folder, PASSPHRASE)
    yield register
    register.close()


def settle(rounds: int = 5) -> None:
    for _ in range(rounds):
        QApplication.processEvents()


def laptop_window(qtbot: QtBot, register: vault.Register, size: QSize) -> MainWindow:
    window = MainWindow(AppSignals(), Settings(), today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.attach(register)
    settle()
    window.resize(size)
    qtbot.waitUntil(lambda: window.size() == size)
    settle()
    return window


def rows_in_view(view: QTableView) -> int:
    """Rows shown whole in the table's viewport."""
    height = view.viewport().height()
    return sum(1 for row in range(view.model().rowCount())
               if view.rowViewportPosition(row) >= 0
               and view.rowViewportPosition(row) + view.rowHeight(row) <= height)


def in_view(widget: QWidget, window: QWidget) -> bool:
    """``widget`` is shown whole: not clipped by a scroll area or the window."""
    if not widget.isVisible():
        return False
    shown = widget.visibleRegion().boundingRect()
    whole = QRect(0, 0, widget.width(), widget.height())
    corner = widget.mapTo(window, whole.topLeft())
    return shown == whole and window.rect().contains(QRect(corner, whole.size()))


def scrolls(area: QAbstractScrollArea) -> bool:
    return area.verticalScrollBar().maximum() > 0 or area.horizontalScrollBar().maximum() > 0


def test_ten_cases_and_the_selected_case_whole_at_150_percent(
        qtbot: QtBot, demo: vault.Register) -> None:
    window = laptop_window(qtbot, demo, LAPTOP_150)
    assert window.cases_model.rowCount() >= 60  # the demo register: a busy confidant
    window.tabs.setCurrentIndex(next(  # the page of the case list, whatever the layout
        i for i in range(window.tabs.count()) if window.tabs.widget(i).isAncestorOf(
            window.cases_view)))
    window.cases_view.setFocus()
    window.cases_view.selectRow(2)
    settle()
    assert window.detail.detail is not None
    shown = rows_in_view(window.cases_view)
    assert shown >= 10, f"{shown} cases in view at 911×512"
    detail = window.detail
    assert not scrolls(window.detail_scroll), "the case detail scrolls"
    for key, value in detail.fields.items():
        assert in_view(detail.captions[key], window), key
        assert in_view(value, window), key
        assert value.height() >= value.heightForWidth(value.width()), f"{key} cut"
    closed = detail.detail.status == "closed"
    assert detail.buttons["reopen" if closed else "close"].isVisible()
    assert detail.buttons["close" if closed else "reopen"].isHidden()  # only what applies
    for key, button in detail.buttons.items():
        assert button.isHidden() or in_view(button, window), key
    assert in_view(detail.contacts, window)
    assert rows_in_view(detail.contacts) >= 1
    assert window.cases_count.isVisible()


def test_quick_entry_and_the_quarter_fit_their_page_at_150_percent(
        qtbot: QtBot, demo: vault.Register) -> None:
    window = laptop_window(qtbot, demo, LAPTOP_150)
    assert window.quick_entry.isVisible() and window.quarter_panel.isVisible()
    assert not scrolls(window.quick_scroll), "quick entry scrolls"
    assert not scrolls(window.quarter_scroll), "the quarter pane scrolls"
    qe = window.quick_entry
    for widget in (qe.date_edit, qe.minutes_edit, qe.mode_combo, qe.case_combo, qe.topic_filter,
                   qe.topic_list, qe.memo_edit, qe.save_button):
        assert in_view(widget, window), widget.accessibleName() or type(widget).__name__
