from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.i18n import set_language
from app.models import register_files
from app.services.storage import backup, vault
from app.ui.register.unlock import NewPassphraseDialog, UnlockDialog
from tests.conftest import PASSPHRASE, snapshot
from tests.ui.helpers import add_case

pytestmark = pytest.mark.gui


def _settled(qtbot: QtBot, dialog: object) -> None:
    """Wait until the dialog's slow step (the key derivation, off the GUI thread) is done."""
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)  # type: ignore[attr-defined]


@pytest.fixture
def dialog(qtbot: QtBot, register_dir: Path, tmp_path: Path) -> Iterator[UnlockDialog]:
    d = UnlockDialog(register_dir, tmp_path / "backups")
    qtbot.addWidget(d)
    d.show()
    yield d
    if d.register is not None:
        d.register.close()


def test_wrong_passphrase_shows_dutch_message_and_changes_no_file(
    qtbot, dialog: UnlockDialog, register_dir: Path
) -> None:
    before = snapshot(register_dir)
    qtbot.keyClicks(dialog.passphrase, "dit is niet de goede zin")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    _settled(qtbot, dialog)
    assert dialog.message.isVisible()
    assert "wachtwoordzin" in dialog.message.text() and "klopt niet" in dialog.message.text()
    assert not dialog.restore_button.isVisible()
    assert dialog.passphrase.text() == ""
    assert dialog.register is None
    assert snapshot(register_dir) == before


def test_right_passphrase_unlocks_and_emits(qtbot, dialog: UnlockDialog) -> None:
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.unlocked, timeout=15_000) as blocker:
        dialog.unlock_button.click()
    register = blocker.args[0]
    assert isinstance(register, vault.Register) and register.data_key
    assert dialog.passphrase.text() == ""


def _damage(register_dir: Path) -> None:
    db = register_files.db_path(register_dir)
    data = bytearray(db.read_bytes())
    offset = 2 * 4096 + 200  # inside page 3
    data[offset] ^= 0xFF
    db.write_bytes(bytes(data))


def test_damaged_register_offers_restore_and_restore_works(
    qtbot, register_dir: Path, tmp_path: Path
) -> None:
    register = vault.unlock(register_dir, PASSPHRASE)
    add_case(register, "een memo", n=40)
    backups = tmp_path / "backups"
    backup.create_backup(register, backups)
    register.close()
    _damage(register_dir)

    dialog = UnlockDialog(register_dir, backups)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.unlock_button.click()
    _settled(qtbot, dialog)
    assert dialog.register is None
    assert "beschadigd" in dialog.message.text()
    assert dialog.restore_button.isVisible()

    from app.ui.register.unlock import BackupPickerDialog

    picker = BackupPickerDialog(register_dir, backups, dialog)
    qtbot.addWidget(picker)
    assert picker.list.count() == 1
    picker.passphrase.setText("niet de zin van toen, helaas")
    picker.restore()
    _settled(qtbot, picker)
    assert "wachtwoordzin" in picker.message.text()
    assert picker.result() != picker.DialogCode.Accepted
    picker.passphrase.setText(PASSPHRASE)
    picker.restore()
    _settled(qtbot, picker)
    assert picker.result() == picker.DialogCode.Accepted
    dialog.passphrase.setText(PASSPHRASE)
    assert dialog.try_unlock() is not None
    _settled(qtbot, dialog)
    assert vault.verify(dialog.register) == []


def test_register_from_newer_version_has_its_own_message(
    qtbot, dialog: UnlockDialog, register: vault.Register
) -> None:
    conn = register.raw_connection()
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    register.close()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.unlock_button.click()
    _settled(qtbot, dialog)
    assert "nieuwere versie" in dialog.message.text()
    assert not dialog.restore_button.isVisible()


def test_caps_lock_hint_from_key_events(qtbot, dialog: UnlockDialog) -> None:
    qtbot.keyClick(dialog.passphrase, "A")  # upper case without Shift
    assert dialog.caps_hint.isVisible()
    qtbot.keyClick(dialog.passphrase, "a")
    assert not dialog.caps_hint.isVisible()
    qtbot.keyClick(dialog.passphrase, "a", Qt.KeyboardModifier.ShiftModifier)
    assert dialog.caps_hint.isVisible()


def test_language_switch_changes_labels(qtbot, dialog: UnlockDialog) -> None:
    assert dialog.unlock_button.text() == "Ontgrendelen"
    dutch = dialog.intro.text()
    set_language("en")
    dialog.retranslate_ui()
    assert dialog.unlock_button.text() == "Unlock"
    assert dialog.intro.text() != dutch
    assert dialog.recovery_button.text() == "Use recovery code"


def test_new_passphrase_after_recovery(qtbot, register_dir: Path) -> None:
    register = vault.unlock(register_dir, PASSPHRASE)
    code = vault.create_recovery_code(register)
    register.close()
    recovered = vault.unlock_with_recovery(register_dir, code)
    dialog = NewPassphraseDialog(recovered, mandatory=True)
    qtbot.addWidget(dialog)
    dialog.entry.first.setText("welkomwelkom")
    dialog.entry.second.setText("welkomwelkom")
    assert not dialog.ok_button.isEnabled()
    new = "de kat slaapt op de warme vensterbank"
    dialog.entry.first.setText(new)
    dialog.entry.second.setText(new)
    assert dialog.ok_button.isEnabled()
    assert dialog.apply() is not None
    _settled(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert not recovered.must_set_passphrase
    recovered.close()
    vault.unlock(register_dir, new).close()


def test_a_second_window_on_an_open_register_says_so_before_anyone_types(
    qtbot, register_dir: Path, tmp_path: Path
) -> None:
    from tests.models.test_register_lock import hold_register
    from tests.reliability import _harness as h

    child = h.fork(hold_register, register_dir)
    try:
        assert child.wait_for("OPEN")
        before = snapshot(register_dir)
        d = UnlockDialog(register_dir, tmp_path / "backups")
        qtbot.addWidget(d)
        d.show()
        assert d.message.isVisible()
        assert "al geopend in een ander venster" in d.message.text()
        qtbot.keyClicks(d.passphrase, PASSPHRASE)
        qtbot.keyClick(d.passphrase, Qt.Key.Key_Return)
        _settled(qtbot, d)
        assert d.register is None
        assert "al geopend in een ander venster" in d.message.text()
        assert snapshot(register_dir) == before
    finally:
        child.kill()
    qtbot.keyClicks(d.passphrase, PASSPHRASE)
    d.unlock_button.click()
    _settled(qtbot, d)
    assert d.register is not None
    d.register.close()


def test_enter_with_a_wrong_passphrase_says_it_is_wrong(qtbot, dialog: UnlockDialog) -> None:
    """Enter in the field runs the unlock once (the default button), not a second time with
    the emptied field ("Type your passphrase")."""
    qtbot.keyClicks(dialog.passphrase, "dit is niet de goede zin")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    _settled(qtbot, dialog)
    assert "klopt niet" in dialog.message.text()
    assert dialog.passphrase.hasFocus() or not dialog.isActiveWindow()


def test_the_window_keeps_painting_while_the_key_is_derived(qtbot, dialog: UnlockDialog) -> None:
    """The unlock runs on a worker thread: while it runs the dialog is busy (and says so) and
    a second attempt is refused instead of queued."""
    dialog.passphrase.setText(PASSPHRASE)
    task = dialog.try_unlock()
    assert task is not None and dialog.busy
    assert not dialog.unlock_button.isEnabled() and dialog.busy_label.text()
    dialog.passphrase.setText(PASSPHRASE)
    assert dialog.try_unlock() is None
    _settled(qtbot, dialog)
    assert dialog.register is not None and dialog.unlock_button.isEnabled()
