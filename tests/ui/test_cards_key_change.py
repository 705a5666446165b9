"""Issue 20, item 6 in the window: a card that gives a known coordinator another key shows a
warning with both fingerprints, keeping the old key is the default, and only an explicit
choice replaces it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.export import crypto
from app.services.confidant import exporting
from app.services.storage import vault
from app.settings import Settings
from app.ui.register.cards_dialog import CardsDialog, replace_box, two_lines
from app.ui.shared.signals import AppSignals
from tests.conftest import snapshot
from tests.services.coordination_helpers import new_sender, write
from tests.services.hostile_corpus import recipient_card_of


def test_a_changed_key_is_replaced_only_after_choosing_it(
        qtbot: QtBot, register_dir: Path, tmp_path: Path) -> None:
    from tests.conftest import PASSPHRASE

    genuine = new_sender("CLAS-ACVP1", role="coordinator")
    impostor = new_sender("CLAS-ACVP1", role="coordinator")
    good = write(tmp_path, "genuine.json", recipient_card_of(genuine))
    swapped = write(tmp_path, "swapped.json", recipient_card_of(impostor))
    old_fp = crypto.fingerprint_groups(genuine.key.public_key)
    new_fp = crypto.fingerprint_groups(impostor.key.public_key)

    register = vault.unlock(register_dir, PASSPHRASE)
    asked: list[exporting.KeyChange] = []

    def keep_old(_parent, change):  # type: ignore[no-untyped-def]
        asked.append(change)
        return False

    try:
        dialog = CardsDialog(register, AppSignals(), Settings(),
                             confirm=lambda _parent, _card: True, confirm_replace=keep_old)
        qtbot.addWidget(dialog)
        assert dialog.import_card_from(good) is not None and asked == []  # a first card
        dialog.ops.wait()  # kept off the GUI thread, through the runner
        register.close()
        before = snapshot(register_dir)
        register = vault.unlock(register_dir, PASSPHRASE)
        dialog.register = register

        assert dialog.import_card_from(swapped) is None
        assert [(c.code, c.old_fingerprint, c.new_fingerprint) for c in asked] == [
            ("CLAS-ACVP1", old_fp, new_fp)]
        assert "CLAS-ACVP1" in dialog.message_label.text()
        assert exporting.recipient_card(register).signing_public_key == \
            genuine.key.public_key  # type: ignore[union-attr]
        register.close()
        assert snapshot(register_dir) == before  # keeping the old key changes nothing
        register = vault.unlock(register_dir, PASSPHRASE)
        dialog.register = register

        dialog._confirm_replace = lambda _parent, _change: True
        assert dialog.import_card_from(swapped) is not None
        dialog.ops.wait()
        assert exporting.recipient_card(register).signing_public_key == \
            impostor.key.public_key  # type: ignore[union-attr]
        assert dialog.recipient_groups.text().split() == new_fp.split()
    finally:
        register.close()


def test_the_warning_shows_both_fingerprints_and_keeps_the_old_key_by_default(
        qtbot: QtBot) -> None:
    change = exporting.KeyChange("CLAS-ACVP1", crypto.fingerprint_groups(b"\1" * 32),
                                 crypto.fingerprint_groups(b"\2" * 32))
    box = replace_box(None, change)
    qtbot.addWidget(box)
    assert box.icon() == QMessageBox.Icon.Warning
    assert two_lines(change.old_fingerprint) in box.informativeText()
    assert two_lines(change.new_fingerprint) in box.informativeText()
    assert "CLAS-ACVP1" in box.text() and "CLAS-ACVP1" in box.windowTitle()
    keep = box.button(QMessageBox.StandardButton.No)
    assert box.defaultButton() is keep and box.escapeButton() is keep
    assert box.button(QMessageBox.StandardButton.Yes).text() != keep.text()
