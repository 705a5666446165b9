"""The soak test's child process (tests/ui/test_soak.py): open, lock, unlock, switch language and
quit, ROUNDS times, with accessibility on, in one process; then the process ends as the program
ends. A crash at exit ("Fatal Python error: none_dealloc") shows in its exit code and output.

Usage: python -m tests.ui.soak_child REGISTER_DIR WORK_DIR ROUNDS
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_ACCESSIBILITY"] = "1"
os.environ["QT_LINUX_ACCESSIBILITY_ALWAYS_ON"] = "1"

from tests import cheap_kdf

cheap_kdf.install()

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop  # noqa: E402
from PySide6.QtGui import QAccessible  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.settings import Settings  # noqa: E402
from app.ui.register.application import AppController, QtTranslations  # noqa: E402
from app.ui.shared.appearance import prepare_application  # noqa: E402
from app.ui.shared.signals import AppSignals  # noqa: E402
from tests.conftest import PASSPHRASE  # noqa: E402


def wait_until(done: object, limit_ms: int = 20_000) -> None:
    deadline = QDeadlineTimer(limit_ms)
    while not done() and not deadline.hasExpired():  # type: ignore[operator]
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    if not done():  # type: ignore[operator]
        raise SystemExit("timed out")


def unlock(controller: AppController) -> None:
    dialog = controller.unlock_dialog
    assert dialog is not None
    wait_until(dialog.isVisible)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.unlock_button.click()  # derived off the GUI thread
    wait_until(lambda: not controller.is_locked or dialog.message.isVisible())
    assert not controller.is_locked, dialog.message.text()


def main() -> int:
    register_dir, work, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    app = QApplication(["vertrouwd"])
    QAccessible.setActive(True)
    prepare_application(app)
    translations = QtTranslations(app)
    for n in range(rounds):
        settings = Settings(backup_dir=str(work / "backups"), backup_on_close=False)
        controller = AppController(app, settings, work / "settings.json", register_dir,
                                   AppSignals(), translations=translations)
        controller.start()  # open: the unlock dialog
        unlock(controller)
        window = controller.main_window
        assert window is not None and window.isVisible()
        window.cases_view.selectRow(0)
        controller.lock()
        assert controller.is_locked
        unlock(controller)
        controller.switch_language("en" if n % 2 == 0 else "nl")
        QCoreApplication.processEvents()
        controller.shutdown()  # quit
        controller.dispose()
        QCoreApplication.processEvents()
    print(f"rounds {rounds}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
