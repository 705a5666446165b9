"""Render each shell screen offscreen and save PNGs to docs/screenshots/.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.errors import RegisterDamaged  # noqa: E402
from app.services.demo import build_demo_register  # noqa: E402
from app.services.storage import backup, vault  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.ui.register.application import QtTranslations  # noqa: E402
from app.ui.register.settings_dialog import SettingsDialog  # noqa: E402
from app.ui.register.unlock import BackupPickerDialog, NewPassphraseDialog, UnlockDialog  # noqa: E402
from app.ui.register.wizard import FirstRunWizard  # noqa: E402
from tests import cheap_kdf  # noqa: E402

cheap_kdf.install()  # throw-away demo registers: the tests' cheap key derivation

OUT = Path(os.environ.get("VERTROUWD_SCREENSHOTS_OUT") or ROOT / "docs" / "screenshots")
PASS = "een zin als wachtwoord is goed"


def save(widget: QWidget, name: str) -> None:
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(OUT / f"{name}.png"))
    widget.hide()


def settle(window: QWidget) -> None:
    """Key derivation runs in a worker now (issue 14): wait until the window is done."""
    while getattr(window, "task", None) is not None:
        QApplication.processEvents()
        time.sleep(0.02)
    QApplication.processEvents()


def main() -> None:
    app = QApplication([])
    QtTranslations(app).apply(os.environ.get("LANG_UI", "nl"))
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())

    wizard = FirstRunWizard(tmp / "reg", tmp / "usb" / "register")
    save(wizard, "wizard-1-location")
    wizard.next()
    wizard.passphrase.entry.first.setText("welkomwelkom")
    wizard.passphrase.entry.second.setText("welkomwelkom")
    save(wizard, "wizard-2-passphrase-refused")
    wizard.passphrase.entry.first.setText(PASS)
    wizard.passphrase.entry.second.setText(PASS)
    save(wizard, "wizard-2-passphrase-ok")
    wizard.next()
    wizard.profile.component.setCurrentIndex(2)
    save(wizard, "wizard-3-role")
    wizard.next()
    settle(wizard)
    wizard.recovery.create_button.click()
    settle(wizard)
    save(wizard, "wizard-4-recovery")
    wizard.next()
    save(wizard, "wizard-5-done")
    wizard.register.close()

    build_demo_register(tmp / "demo", PASS)
    register = vault.unlock(tmp / "demo", PASS)
    backup.create_backup(register, tmp / "backups")
    unlock = UnlockDialog(tmp / "demo", tmp / "backups")
    unlock.passphrase.setText("verkeerde zin")
    unlock.try_unlock()
    settle(unlock)
    save(unlock, "unlock-wrong-passphrase")
    unlock.show_message(RegisterDamaged().message, offer_restore=True)
    save(unlock, "unlock-damaged")
    save(BackupPickerDialog(tmp / "demo", tmp / "backups"), "restore-picker")
    save(NewPassphraseDialog(register, mandatory=True), "new-passphrase")
    save(SettingsDialog(Settings(), register, tmp / "backups"), "settings")
    register.close()  # the main window's screenshots come from tools/screenshots_views.py


if __name__ == "__main__":
    main()
