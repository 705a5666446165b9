"""Issue 22, item 3: the register window is a work surface on a 1366×768 screen at 150 %
(911×512 logical pixels): at least ten cases of the demo register in view and the selected
case readable whole, no pane scrolled inside another (item 3); the memo warning beside the memo
(item 4); the period chosen in view in the year overview and the coordinator's tables (item 9)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QMessageBox, QTableView, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.i18n import _
from app.models.entities import Case
from app.services.demo import build_demo_register
from app.services.storage import vault
from app.settings import Settings
from app.ui.register.main_window import MainWindow
from app.ui.shared.signals import AppSignals
from tests.conftest import PASSPHRASE, TODAY
from tests.services.conftest import coordinator, coordinator_dir, coordinator_template  # noqa: F401
from tests.ui.helpers import settle as saved

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
    for _round in range(rounds):
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


def answer_question(qtbot: QtBot, answer: Callable[[QMessageBox], None]) -> list[str]:
    """Answer the next question box with ``answer`` once it is up; its text is returned."""
    seen: list[str] = []

    def attempt() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            QTimer.singleShot(20, attempt)
            return
        seen.append(box.text())
        answer(box)

    QTimer.singleShot(0, attempt)
    return seen


def memo_saved(register: vault.Register) -> list[str]:
    with register.session() as s:
        return list(s.scalars(select(Case.memo)).all())


def test_memo_warning_beside_the_memo_heard_and_a_second_look_before_saving(
        qtbot: QtBot, register: vault.Register, register_dir: Path) -> None:
    """Issue 22, item 4: the warning under the memo, in view, never over it; in the memo's
    accessible description; and saving asks once, with "Go back" as the default."""
    window = laptop_window(qtbot, register, LAPTOP_150)
    qe = window.quick_entry
    qe.topic_filter.setText("pest")
    qe._set_checked(qe.topic_list, ["pesten"])
    qtbot.keyClicks(qe.memo_edit, "bellen op 06-12345678")
    settle()
    warning = qe.memo_warning
    assert warning.isVisible() and _("This looks like a phone number.") in warning.text()
    assert in_view(warning, window) and in_view(qe.memo_edit, window)
    memo_rect = QRect(qe.memo_edit.mapTo(window, QPoint(0, 0)), qe.memo_edit.size())
    warning_rect = QRect(warning.mapTo(window, QPoint(0, 0)), warning.size())
    assert not memo_rect.intersects(warning_rect), "the warning overlaps the memo"
    assert warning_rect.top() >= memo_rect.bottom()  # right under it, beside its caption column
    assert warning.height() >= warning.heightForWidth(warning.width()), "the warning is cut"
    assert qe.memo_edit.accessibleDescription() == warning.text()

    # Enter: the question; Enter again takes its default, "Go back": nothing saved.
    before = memo_saved(register)
    texts = answer_question(qtbot, lambda box: qtbot.keyClick(box, Qt.Key.Key_Return))
    qtbot.keyClick(qe.topic_filter, Qt.Key.Key_Return)
    assert texts and _("This looks like a phone number.") in texts[0]
    assert memo_saved(register) == before
    assert qe.memo_edit.toPlainText() == "bellen op 06-12345678"
    window.activateWindow()  # the window manager's part, when the question closes
    qtbot.waitUntil(lambda: QApplication.focusWidget() is qe.memo_edit)  # back in the memo

    # A second try and "Save anyway": saved, asked once.
    texts = answer_question(qtbot, lambda box: next(
        b for b in box.buttons() if b.text() == _("Save anyway")).click())
    qtbot.keyClick(qe.topic_filter, Qt.Key.Key_Return)
    saved(qtbot)  # the save runs off the GUI thread
    assert len(texts) == 1
    assert memo_saved(register) == [*before, "bellen op 06-12345678"]
    assert not warning.isVisible() and qe.memo_edit.accessibleDescription() == ""

    # A memo without a warning is saved without a question.
    qe._set_checked(qe.topic_list, ["pesten"])
    qe.memo_edit.setPlainText("werkdruk")
    qe.minutes_edit.setText("25")  # not like the one just saved (that would ask too)
    assert qe.save()
    saved(qtbot)
    assert memo_saved(register)[-1] == "werkdruk"


def columns_in_view(view: QTableView) -> list[int]:
    """Columns shown whole in the table's viewport, without scrolling sideways."""
    width = view.viewport().width()
    return [c for c in range(view.model().columnCount())
            if not view.isColumnHidden(c) and view.columnViewportPosition(c) >= 0
            and view.columnViewportPosition(c) + view.columnWidth(c) <= width]


def test_the_year_overview_shows_the_year_whole_at_150_percent(
        qtbot: QtBot, demo: vault.Register) -> None:
    """Issue 22, item 9: every figure of the year, and the year's own column, in view."""
    window = laptop_window(qtbot, demo, LAPTOP_150)
    window.tabs.setCurrentWidget(window.overview)
    settle()
    view, model = window.overview.view, window.overview.model
    assert model.headerData(model.columnCount() - 1, Qt.Orientation.Horizontal) == \
        _("Year {year}").format(year=TODAY.year)
    assert rows_in_view(view) == model.rowCount() == 7
    assert columns_in_view(view) == list(range(model.columnCount()))
    assert view.horizontalScrollBar().maximum() == 0
    assert not scrolls(window.overview.page_scroll)
    total = model.index(6, model.columnCount() - 1).data()  # the year's total time
    assert total and total != "0"
    assert window.overview.charts.isVisible() and window.overview.charts.height() >= 120


@pytest.mark.parametrize("year_mode", [False, True])
def test_the_coordinators_tables_show_the_chosen_period_first_at_150_percent(
        qtbot: QtBot, coordinator: vault.Register, year_mode: bool) -> None:
    """Issue 22, item 9: the quarter or year chosen is the column beside the labels, in view
    without scrolling sideways, and marked as chosen."""
    window = laptop_window(qtbot, coordinator, LAPTOP_150)
    assert window.coordination is not None
    tables = window.coordination.tables
    window.coordination.tabs.setCurrentWidget(tables)
    if year_mode:
        tables.select_year(2025)
        wanted = ["2025", "2024", "Q1", "Q2", "Q3", "Q4"]
    else:
        tables.select_quarter("2026-Q2")
        wanted = ["2026-Q2", "2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2"]
    settle()
    model = tables.model
    heads = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert heads[1:] == wanted
    assert [c.highlight for c in model.period_columns] == [True] + [False] * (len(wanted) - 1)
    shown = columns_in_view(tables.view)
    assert 0 in shown and 1 in shown, f"columns in view: {shown} of {heads}"
    assert tables.view.horizontalScrollBar().value() == 0
