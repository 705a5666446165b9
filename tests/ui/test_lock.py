from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services.storage import vault
from app.services.storage.drafts import take_stored_draft
from app.settings import Settings
from app.ui.register.application import AppController
from app.ui.shared.signals import AppSignals
from tests.conftest import PASSPHRASE
from tests.ui.helpers import add_case, visible_texts

pytestmark = pytest.mark.gui

SECRET_MEMO = "gesprek-over-kantine-incident-7731"
DRAFT_TEXT = "half getypte notitie 42"


@pytest.fixture
def controller(qtbot: QtBot, register_dir: Path, tmp_path: Path) -> Iterator[AppController]:
    register = vault.unlock(register_dir, PASSPHRASE)
    add_case(register, SECRET_MEMO, n=3)
    register.close()
    app = QApplication.instance()
    settings = Settings(backup_dir=str(tmp_path / "backups"))
    c = AppController(app, settings, tmp_path / "settings.json", register_dir, AppSignals(),
                      idle_ms=400)
    c.start()
    yield c
    c.dispose()


def _unlock(qtbot: QtBot, controller: AppController) -> None:
    dialog = controller.unlock_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.unlock_button.click()  # the key is derived off the GUI thread
    qtbot.waitUntil(lambda: not controller.is_locked or dialog.message.isVisible(),
                    timeout=10_000)
    assert not controller.is_locked, dialog.message.text()


def test_idle_lock_hides_case_data_disposes_engine_and_keeps_draft(
    qtbot, controller: AppController, register_dir: Path
) -> None:
    _unlock(qtbot, controller)
    window = controller.main_window
    assert window is not None and window.isVisible()
    window.tabs.setCurrentWidget(window.cases_page)  # its own page on a narrow window
    window.cases_view.selectRow(0)  # the memo shows in the detail pane of the selected case
    assert any(SECRET_MEMO in t for t in visible_texts())  # the data really was on screen
    window.quick_entry.memo_edit.setPlainText(DRAFT_TEXT)
    register = controller.register

    qtbot.waitUntil(lambda: controller.is_locked, timeout=5000)

    assert not any(SECRET_MEMO in t for t in visible_texts())
    assert not any(DRAFT_TEXT in t for t in visible_texts())
    assert window.cases_model.rowCount() == 0 and not window.isVisible()
    assert register.data_key == b""
    assert controller.unlock_dialog is not None and controller.unlock_dialog.isVisible()
    # The draft is not written anywhere in plain text.
    assert not any(DRAFT_TEXT.encode() in p.read_bytes() for p in register_dir.iterdir()
                   if p.is_file())

    _unlock(qtbot, controller)
    assert window.isVisible()
    assert window.quick_entry.memo_edit.toPlainText() == DRAFT_TEXT
    assert take_stored_draft(controller.register) is None  # deleted after restoring


def test_activity_postpones_the_lock(qtbot, controller: AppController) -> None:
    _unlock(qtbot, controller)
    window = controller.main_window
    for _ in range(6):
        qtbot.wait(150)
        qtbot.keyClick(window.quick_entry.memo_edit, "x")
    assert not controller.is_locked
    qtbot.waitUntil(lambda: controller.is_locked, timeout=5000)


def test_lock_action_and_shortcut(qtbot, controller: AppController) -> None:
    _unlock(qtbot, controller)
    controller.main_window.lock_action.trigger()
    assert controller.is_locked
    _unlock(qtbot, controller)
    window = controller.main_window
    window.activateWindow()
    qtbot.keyClick(window.quick_entry.memo_edit, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert controller.is_locked


def test_quit_makes_backup_and_closes(qtbot, controller: AppController, tmp_path: Path) -> None:
    _unlock(qtbot, controller)
    register = controller.register
    controller.shutdown()
    assert register.data_key == b""
    assert len(list((tmp_path / "backups").iterdir())) == 1


def test_language_switch_retranslates_main_window(qtbot, controller: AppController,
                                                  tmp_path: Path) -> None:
    _unlock(qtbot, controller)
    window = controller.main_window
    assert window.lock_action.text() == "&Vergrendelen"
    new = Settings(**vars(controller.settings))
    new.language = "en"
    new.autolock_minutes = 7
    with qtbot.waitSignal(controller.signals.language_changed):
        controller.apply_settings(new)
    assert window.lock_action.text() == "&Lock"
    assert Settings.load(tmp_path / "settings.json").language == "en"
    assert controller.settings is window.settings and window.settings.autolock_minutes == 7


def test_objects_set_aside_from_collection_at_unlock_are_given_back_at_lock(
        qtbot, controller: AppController) -> None:
    """Unlocking sets the program's objects aside from garbage collection (a full collection on
    the GUI thread took up to 240 ms); locking must give every one back before it collects, or
    a set-aside object that held case text would never be freed."""
    import gc

    _unlock(qtbot, controller)
    assert gc.get_freeze_count() > 10_000  # the modules and windows made before the unlock
    controller.lock()
    assert controller.is_locked
    assert gc.get_freeze_count() == 0
