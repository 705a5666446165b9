"""A locked window holds no key (issue 20, item 5).

A real register, opened through the real unlock dialog (the passphrase typed key by key), a
case memo shown in the window, then locked with the window's lock action. This process's own
memory is scanned (tests/memscan.py) for the 32-byte data key, its 64 hex digits in either
case, the passphrase and the memo, before and after the lock.
"""

from __future__ import annotations

import gc
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.secrets_in_memory import wipe
from app.services.storage import vault
from app.settings import Settings
from app.ui.register.application import AppController
from app.ui.shared.signals import AppSignals
from tests import memscan
from tests.ui.helpers import add_case

pytestmark = pytest.mark.gui


def _runtime_text(prefix_words: int) -> str:
    """Text made at run time (never a constant of this file), wiped by the test when done."""
    words = ["".join(secrets.choice("abcdefghkmnprstuvwxz") for _ in range(7))
             for _ in range(prefix_words)]
    return " ".join(words)


@pytest.fixture
def secrets_and_controller(qtbot: QtBot, tmp_path: Path
                           ) -> Iterator[tuple[dict[str, bytearray], AppController]]:
    passphrase = _runtime_text(5)
    memo = "memo " + _runtime_text(4)
    register, _code = vault.create_register(tmp_path / "register", passphrase, roles=("vp",),
                                            component="CLAS")
    add_case(register, memo, n=2)
    key = register.data_key
    masked = {"key": memscan.mask(key),
              "key hex": memscan.mask(key.hex().encode()),
              "KEY HEX": memscan.mask(key.hex().upper().encode()),
              "passphrase": memscan.mask(passphrase.encode()),
              "passphrase utf-16": memscan.mask(passphrase.encode("utf-16-le")),
              "memo": memscan.mask(memo.encode()),
              "memo utf-16": memscan.mask(memo.encode("utf-16-le"))}
    register.close()
    typed = memscan.mask(passphrase.encode())
    wipe(passphrase)
    wipe(memo)
    del passphrase, memo, key
    gc.collect()
    settings = Settings(backup_dir=str(tmp_path / "backups"))
    controller = AppController(QApplication.instance(), settings, tmp_path / "settings.json",
                               tmp_path / "register", AppSignals(), idle_ms=600_000)
    controller.start()
    draft = "draft " + _runtime_text(4)
    masked["typed"] = typed
    masked["draft to type"] = memscan.mask(draft.encode())
    masked["draft"] = memscan.mask(draft.encode())
    masked["draft utf-16"] = memscan.mask(draft.encode("utf-16-le"))
    wipe(draft)
    del draft
    yield masked, controller
    controller.dispose()


def test_after_lock_no_key_passphrase_or_memo_is_left_in_memory(
        qtbot: QtBot, secrets_and_controller: tuple[dict[str, bytearray], AppController]
) -> None:
    masked, controller = secrets_and_controller
    typed = masked.pop("typed")
    draft = masked.pop("draft to type")
    dialog = controller.unlock_dialog
    assert dialog is not None
    for code in typed:  # key by key: the test never holds the passphrase as one str
        qtbot.keyClicks(dialog.passphrase, chr(code ^ memscan.MASK))
    # The scanner sees the field's text where Qt keeps it (UTF-16).
    assert memscan.count({"typed": masked["passphrase utf-16"]})["typed"] >= 1
    dialog.unlock_button.click()
    qtbot.waitUntil(lambda: not controller.is_locked or dialog.message.isVisible(),
                    timeout=10_000)
    assert not controller.is_locked, dialog.message.text()
    window = controller.main_window
    assert window is not None
    window.cases_view.selectRow(0)  # the memo shows in the detail pane
    for code in draft:  # a memo half typed when the lock comes: kept, encrypted, as a draft
        qtbot.keyClicks(window.quick_entry.memo_edit, chr(code ^ memscan.MASK))
    QApplication.processEvents()
    gc.collect()

    before = memscan.count(masked)
    print("\nbefore lock:", before)
    assert before["key"] >= 1  # the scanner finds the key that is really there
    assert before["memo"] + before["memo utf-16"] >= 1  # and the memo on screen
    assert before["draft utf-16"] >= 1  # and the draft being typed

    window.lock_action.trigger()
    assert controller.is_locked
    QApplication.processEvents()
    gc.collect()

    after = memscan.count(masked)
    print("after lock:", after)
    assert after == dict.fromkeys(masked, 0)
