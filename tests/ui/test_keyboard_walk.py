"""Keyboard only (issue 14): a confidant's day — unlock, a new case, a follow-up, closing a
case, an activity, the quarterly export — and a coordinator's quarter — unlock, import,
who reported, forward, report — with no mouse at all. Every key goes to whatever has the focus,
as on a real keyboard; the keys are counted, and a new case with one topic stays within 15
keystrokes (12 with the default duration).

File dialogs are the operating system's own: the one place a folder is given without
typing it, they answer with the test's folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.models.entities import Activity, Case, ContactMoment
from app.services.confidant import exporting
from app.services.coordination import merging
from app.services.storage import vault
from app.settings import Settings
from app.ui.confidant.export_dialog import ExportDialog
from app.ui.register.application import AppController
from app.ui.register.main_window import MainWindow
from app.ui.shared.signals import AppSignals
from tests.conftest import PASSPHRASE, TODAY
from tests.services.coordination_helpers import enrol, new_sender, random_measures, vp_file, write

pytestmark = pytest.mark.gui

Ctrl = Qt.KeyboardModifier.ControlModifier
Shift = Qt.KeyboardModifier.ShiftModifier
NoMod = Qt.KeyboardModifier.NoModifier


class Keyboard:
    """Sends keys to the widget with the focus, and counts them."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def press(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = NoMod, times: int = 1) -> None:
        for _ in range(times):
            self.qtbot.keyClick(self.focus(), key, modifiers)
            self.count += 1

    def type(self, text: str) -> None:
        for char in text:
            if char.isascii():
                self.qtbot.keyClicks(self.focus(), char)
            else:
                # QTest maps a character to a key and back, and only knows ASCII (on Windows it
                # asserts on "ë"); a keyboard layout delivers other letters as text, like this.
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(self.focus(), QKeyEvent(kind, 0, NoMod, char))
            self.count += 1

    def tab_to(self, wanted: QWidget, limit: int = 60) -> None:
        """Tab until ``wanted`` has the focus (as a user does), counting every Tab."""
        for _ in range(limit):
            if self.focus() is wanted:
                return
            self.press(Qt.Key.Key_Tab)
        raise AssertionError(f"Tab never reached {wanted!r}; it is at {self.focus()!r}")

    def in_modal(self, steps: Callable[[QWidget], None]) -> None:
        """Run ``steps`` on the next modal dialog once it is up and has the keyboard focus
        (its exec() blocks the caller). A dialog that does not come, does not take the
        focus or stays open after ``steps`` fails the test in ``modal_done`` instead of
        hanging it."""
        self.modal_errors: list[BaseException] = []
        self.modal_ran = False
        tries = 0

        def attempt() -> None:
            nonlocal tries
            dialog = QApplication.activeModalWidget()
            focus = QApplication.focusWidget()
            if dialog is None or not dialog.isVisible() or focus is None \
                    or not dialog.isAncestorOf(focus):
                tries += 1
                if tries == 25 and dialog is not None:
                    dialog.activateWindow()  # what the window manager does with a new window
                if tries > 250:
                    self.modal_errors.append(AssertionError(
                        f"no dialog took the keyboard focus ({dialog!r}, focus {focus!r})"))
                    if isinstance(dialog, QDialog):
                        dialog.reject()
                    return
                QTimer.singleShot(20, attempt)
                return
            self.modal_ran = True
            try:
                steps(dialog)
            except BaseException as exc:  # noqa: BLE001 - reported by modal_done
                self.modal_errors.append(exc)
            if dialog.isVisible() and isinstance(dialog, QDialog):
                if not self.modal_errors:
                    self.modal_errors.append(AssertionError(f"{dialog!r} stayed open"))
                dialog.reject()

        QTimer.singleShot(0, attempt)

    def come_to(self, window: QWidget) -> None:
        """``window`` (a new one, or the one a dialog closed over) is the active window, and
        the keyboard focus is in it: the window manager's part, not the user's."""
        window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                             and QApplication.focusWidget().window() is window, timeout=5_000)

    def modal_done(self) -> None:
        self.qtbot.waitUntil(lambda: self.modal_ran or bool(self.modal_errors), timeout=10_000)
        if self.modal_errors:
            raise self.modal_errors[0]


def _answer_folders(monkeypatch: pytest.MonkeyPatch, folder: Path, save_as: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(save_as), ""))


def _controller(qtbot: QtBot, register_dir: Path, tmp_path: Path) -> AppController:
    app = QApplication.instance()
    assert isinstance(app, QApplication)

    def window(signals: AppSignals, settings: Settings) -> MainWindow:
        return MainWindow(signals, settings, today=lambda: TODAY)

    controller = AppController(app, Settings(backup_on_close=False), tmp_path / "s.json",
                               register_dir, AppSignals(), window_factory=window,
                               idle_ms=3_600_000)
    controller.start()
    return controller


def _unlock(qtbot: QtBot, keys: Keyboard, controller: AppController) -> MainWindow:
    dialog = controller.unlock_dialog
    assert dialog is not None
    dialog.activateWindow()  # the window manager's part; the typing starts in the passphrase
    qtbot.waitUntil(lambda: dialog.passphrase.hasFocus(), timeout=5_000)
    keys.type(PASSPHRASE)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not controller.is_locked, timeout=15_000)
    window = controller.main_window
    assert window is not None
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=5_000)
    return window


@pytest.fixture
def controller(qtbot: QtBot, register_dir: Path, tmp_path: Path) -> Iterator[AppController]:
    c = _controller(qtbot, register_dir, tmp_path)
    yield c
    c.dispose()


def test_a_confidants_day_by_keyboard_only(
        qtbot: QtBot, controller: AppController, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    keys = Keyboard(qtbot)
    usb = tmp_path / "usb"
    usb.mkdir()
    _answer_folders(monkeypatch, usb, tmp_path / "overzicht.pdf")
    window = _unlock(qtbot, keys, controller)
    qe = window.quick_entry
    register = controller.register
    assert register is not None

    # A new case with one topic, the default duration: at most 12 keys.
    before = keys.count
    keys.press(Qt.Key.Key_N, Ctrl)
    assert keys.focus() is qe.date_edit
    keys.press(Qt.Key.Key_Tab, times=4)  # date (today), minutes (60), mode (last), case (new)
    assert keys.focus() is qe.topic_filter
    keys.type("pest")
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Space)
    keys.press(Qt.Key.Key_Return)
    default_duration = keys.count - before
    assert default_duration <= 12

    # Another one with its own duration: at most 15 keys.
    before = keys.count
    keys.press(Qt.Key.Key_N, Ctrl)
    keys.press(Qt.Key.Key_Tab)
    keys.type("45")
    keys.press(Qt.Key.Key_Tab, times=3)
    keys.type("werk")  # Werkdruk en zorgen over inzet
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Space)
    keys.press(Qt.Key.Key_Return)
    own_duration = keys.count - before
    assert own_duration <= 15
    with register.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 2

    # A follow-up of the newest open case.
    keys.press(Qt.Key.Key_N, Ctrl)
    keys.press(Qt.Key.Key_Tab)
    keys.type("30")
    keys.press(Qt.Key.Key_Tab, times=2)
    assert keys.focus() is qe.case_combo
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    with register.session() as s:
        assert s.scalar(select(func.count()).select_from(ContactMoment)) == 3
        assert s.scalar(select(func.count()).select_from(Case)) == 2  # a follow-up, no case

    # Close a case: Tab to the list, pick the case, Tab to "Close case…", Enter.
    keys.tab_to(window.cases_view)
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Up)
    selected = window.detail.detail
    assert selected is not None and selected.status == "open"
    keys.tab_to(window.detail.buttons["close"])

    def close_dialog(dialog: QWidget) -> None:
        assert keys.focus() is getattr(dialog, "closed_on", None)  # today, as it opens
        keys.press(Qt.Key.Key_Tab)  # to the outcome; "g": "Geen verdere actie gewenst"
        keys.type("g")
        keys.press(Qt.Key.Key_Return)

    keys.in_modal(close_dialog)
    keys.press(Qt.Key.Key_Return)  # Enter on the focused button opens the dialog
    keys.modal_done()
    keys.come_to(window)
    with register.session() as s:
        closed = s.get(Case, selected.id)
        assert closed is not None and closed.status == "closed"
        assert closed.outcome == "geen_actie" and closed.closed_on == TODAY

    # An activity: Ctrl+Tab to the Activities tab, Tab to the minutes, the kind, Enter.
    keys.press(Qt.Key.Key_Tab, Ctrl)
    assert window.tabs.currentWidget() is window.activities
    keys.tab_to(window.activities.minutes_edit)
    keys.press(Qt.Key.Key_A, Ctrl)
    keys.type("90")
    keys.press(Qt.Key.Key_Return)
    with register.session() as s:
        assert s.scalar(select(func.sum(Activity.minutes))) == 90
    assert "90" in window.activities.totals.text() or "1 u 30 min" in \
        window.activities.totals.text()

    # The quarterly export: Ctrl+E, Enter writes the file (the folder: the file dialog).
    def export_dialog(dialog: QWidget) -> None:
        keys.press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(list(usb.glob("*.json"))), timeout=10_000)
        # written once: "Write file" is no longer armed, so Enter cannot write revision 2
        assert isinstance(dialog, ExportDialog) and not dialog.write_button.isEnabled()
        keys.press(Qt.Key.Key_Escape)

    keys.in_modal(export_dialog)
    keys.press(Qt.Key.Key_E, Ctrl)
    keys.modal_done()
    written = list(usb.glob("*.json"))
    assert len(written) == 1
    assert exporting.history(register)[0].file_name == written[0].name
    print(f"\nconfidant's day: {keys.count} keys; new case {default_duration} keys with the "
          f"default duration, {own_duration} with its own")


def _coordinator_with_files(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "coordinator"
    register, _code = vault.create_register(folder, PASSPHRASE, roles=("coordinator",),
                                            component="CLAS")
    import random

    rng = random.Random(8)
    senders = [new_sender(f"CLAS-KEY{i}") for i in range(3)]
    enrol(register, *senders)
    register.close()
    stick = tmp_path / "stick"
    for s in senders:
        write(stick, f"{s.code}.json", vp_file(s, random_measures(rng), quarter="2026-Q3"))
    return folder, stick


def test_a_coordinators_quarter_by_keyboard_only(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, stick = _coordinator_with_files(tmp_path)
    controller = _controller(qtbot, folder, tmp_path)
    try:
        keys = Keyboard(qtbot)
        window = _unlock(qtbot, keys, controller)
        ws = window.coordination
        register = controller.register
        assert ws is not None and register is not None

        # Import: Ctrl+I, "Folder or drive…" (the file dialog gives the stick), the dry run,
        # then Import.
        _answer_folders(monkeypatch, stick, tmp_path / "rapport.pdf")
        keys.press(Qt.Key.Key_I, Ctrl)
        dialog = ws.dialogs[-1]
        qtbot.waitUntil(lambda: dialog.isVisible(), timeout=5_000)
        keys.come_to(dialog)
        keys.tab_to(dialog.add_folder_button)
        keys.press(Qt.Key.Key_Return)
        keys.tab_to(dialog.check_button)
        keys.press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.busy and dialog.plan is not None, timeout=15_000)
        keys.tab_to(dialog.receipts_edit)
        keys.type(str(tmp_path / "bonnen"))
        keys.tab_to(dialog.import_button)
        keys.press(Qt.Key.Key_Return)
        dialog.ops.wait()
        assert dialog.import_result is not None and dialog.import_result.added == 3
        assert len(list((tmp_path / "bonnen").glob("*.json"))) == 3
        keys.press(Qt.Key.Key_Escape)

        # Who reported: Ctrl+Tab from the roster to the next screen.
        keys.come_to(window)
        keys.tab_to(ws.tabs.tabBar())  # the navigation: Roster, Who reported, Tables
        keys.press(Qt.Key.Key_Tab, Ctrl)
        assert ws.tabs.currentWidget() is ws.completeness
        counts = merging.completeness(register, ["2026-Q3"]).counts["2026-Q3"]
        assert counts.received == 3 and counts.missing == 0

        # Forward: Ctrl+Shift+E, type the folder, Tab to "Write file", Enter.
        keys.press(Qt.Key.Key_E, Ctrl | Shift)
        forward = ws.dialogs[-1]
        qtbot.waitUntil(lambda: forward.isVisible(), timeout=5_000)
        keys.come_to(forward)
        keys.tab_to(forward.quarter_combo)
        keys.type("2026-Q3")  # a combo box finds the item typed
        assert forward.quarter_combo.currentData() == "2026-Q3"
        keys.tab_to(forward.out_edit)
        keys.type(str(tmp_path / "centraal"))
        keys.tab_to(forward.write_button)
        keys.press(Qt.Key.Key_Return)
        forward.ops.wait()
        assert forward.forward_result is not None
        assert forward.forward_result.path.exists()
        keys.press(Qt.Key.Key_Escape)

        # Report: Ctrl+R, Enter in the options (PDF, Dutch, k = 5), written off the GUI thread.
        keys.come_to(window)
        keys.tab_to(ws.tabs.tabBar())
        keys.press(Qt.Key.Key_Tab, Ctrl)  # Who reported -> Tables
        assert ws.tabs.currentWidget() is ws.tables
        keys.tab_to(ws.tables.period_combo)
        keys.type("2026-Q3")
        assert ws.tables.period_combo.currentData() == "2026-Q3"

        def options(dialog: QWidget) -> None:
            keys.press(Qt.Key.Key_Return)

        keys.in_modal(options)
        keys.press(Qt.Key.Key_R, Ctrl)
        keys.modal_done()
        qtbot.waitUntil(lambda: not ws.ops.busy, timeout=30_000)
        assert (tmp_path / "rapport.pdf").read_bytes().startswith(b"%PDF")
        print(f"\ncoordinator's quarter: {keys.count} keys")
    finally:
        controller.dispose()


@pytest.mark.parametrize("roles", [("vp",), ("coordinator",), ("vp", "coordinator")])
def test_tab_goes_round_in_every_kind_of_register(
        qtbot: QtBot, tmp_path: Path, roles: tuple[str, ...]) -> None:
    """Issue 22 (High 1): in a register with one workspace (VP-only, coordinator-only) as with
    both, Tab comes back to where it started, and never lands on a hidden widget (the hidden
    tab list of the workspaces a screen reader announced at 0×0)."""
    register, _code = vault.create_register(tmp_path / "r", PASSPHRASE, roles=roles,
                                            component="CLAS", with_recovery=False)
    window = MainWindow(AppSignals(), Settings(), today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    window.attach(register)
    keys = Keyboard(qtbot)
    keys.come_to(window)
    start = keys.focus()
    seen: list[QWidget] = []
    for _ in range(120):
        keys.press(Qt.Key.Key_Tab)
        widget = keys.focus()
        assert widget.window() is window
        assert widget.isVisible() and widget.width() > 0 and widget.height() > 0, \
            f"Tab landed on a hidden widget: {widget!r} {widget.size()}"
        seen.append(widget)
        if widget is start:
            break
    assert seen[-1] is start, f"Tab never came back to {start!r}; it ends at {seen[-5:]!r}"
    assert len(set(seen)) >= 3
    register.close()
