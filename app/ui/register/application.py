"""The GUI: options, QApplication, translations, and the controller that owns the lifecycle
(first run → wizard; otherwise unlock → main window; idle → lock; quit → backup and lock;
moving the register: lock → move → unlock in the new place)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QSize, QTimer, QTranslator, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from app import paths
from app.errors import AppError
from app.i18n import _, set_language
from app.models.register_files import register_exists
from app.settings import Settings
from app.ui.register.lock import IdleWatcher, lock_register, resume_register
from app.ui.register.unlock import UnlockDialog
from app.ui.shared.appearance import prepare_application
from app.ui.shared.ops import Ops
from app.ui.shared.screen import geometry_to_remember
from app.ui.shared.signals import AppSignals
from app.ui.shared.style import set_role
from app.ui.shared.worker import Task, finish_tasks, tasks_running

if TYPE_CHECKING:
    from app.services.storage import vault
    from app.ui.register.main_window import MainWindow
    from app.ui.register.settings_dialog import MoveRequest
    from app.ui.register.wizard import FirstRunWizard

# Start-up: the unlock dialog needs neither the database stack (SQLAlchemy, SQLCipher,
# cryptography, JSON Schema) nor the main window; importing them first tripled the time to
# the first window. They load on a background thread once the dialog is up, long before a
# passphrase can be typed, and on first use otherwise.
HEAVY_MODULES = ("app.services.storage.vault", "app.services.storage.backup",
                 "app.ui.register.main_window",
                 "app.export.pdf_common")  # reportlab: the first PDF starts as fast as the next
_preload_started = False


def preload_heavy_modules() -> None:
    global _preload_started
    if _preload_started:
        return
    _preload_started = True

    def run() -> None:
        import importlib

        for name in HEAVY_MODULES:
            try:
                importlib.import_module(name)
            except Exception:  # the import is retried, and reported, on first use
                log.exception("preloading %s failed", name)

    threading.Thread(target=run, name="preload", daemon=True).start()


log = logging.getLogger(__name__)

DEMO_PASSPHRASE = "demo register vol verzonnen gevallen"
# Benchmarks only: print when the first window is shown, then quit (see benchmarks/run.py).
BENCH_EXIT_ENV = "VERTROUWD_BENCH_EXIT_ON_SHOWN"


class QtTranslations:
    """Keeps Qt's own strings (dialog buttons, context menus) and QLocale in step with gettext."""

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self._translator: QTranslator | None = None

    def apply(self, lang: str) -> None:
        set_language(lang)
        QLocale.setDefault(QLocale(QLocale.Language.Dutch if lang == "nl"
                                   else QLocale.Language.English,
                                   QLocale.Country.Netherlands if lang == "nl"
                                   else QLocale.Country.UnitedKingdom))
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
            self._translator = None
        if lang != "en":
            translator = QTranslator(self._app)
            folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if translator.load(f"qtbase_{lang}", folder):
                self._app.installTranslator(translator)
                self._translator = translator


class AppController(QObject):
    """Owns the register while it is unlocked; nothing else keeps a reference to it."""

    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        app: QApplication,
        settings: Settings,
        settings_path: Path,
        register_dir: Path,
        signals: AppSignals,
        *,
        translations: QtTranslations | None = None,
        window_factory: Callable[[AppSignals, Settings], MainWindow] | None = None,
        idle_ms: int | None = None,
        demo_passphrase: str | None = None,
        register_given: bool = False,
    ) -> None:
        super().__init__(app)
        prepare_application(app)
        self.app = app
        self.register_given = register_given  # --register PATH: the wizard offers that folder
        self.ops = Ops(self, lambda error: self._reopen_unlock("", error.message))
        self.settings = settings
        self.settings_path = Path(settings_path)
        self.register_dir = Path(register_dir)
        self.signals = signals
        self.translations = translations or QtTranslations(app)
        self.window_factory = window_factory
        self.demo_passphrase = demo_passphrase
        self._fixed_idle_ms = idle_ms
        self.register: vault.Register | None = None
        self.main_window: MainWindow | None = None
        self.unlock_dialog: UnlockDialog | None = None
        self.wizard: FirstRunWizard | None = None
        self.idle = IdleWatcher(idle_ms or IdleWatcher.minutes_to_ms(settings.autolock_minutes),
                                self)
        self.idle.idle.connect(self.lock)
        self.idle.lock_key.connect(self.lock)  # Ctrl+L anywhere
        app.installEventFilter(self.idle)
        app.aboutToQuit.connect(self.shutdown)

    # -- lifecycle ---------------------------------------------------------------------------

    def backup_dir(self) -> Path:
        return Path(self.settings.backup_dir) if self.settings.backup_dir \
            else paths.default_backup_dir()

    def start(self, register: vault.Register | None = None) -> None:
        if register is not None:
            self.open_register(register)
        elif not register_exists(self.register_dir):
            self.show_wizard()
        else:
            self.show_unlock()

    def show_wizard(self) -> None:
        from app.ui.register.wizard import FirstRunWizard

        self.wizard = FirstRunWizard(
            given_dir=self.register_dir if self.register_given else None)
        self.wizard.accepted.connect(self._wizard_finished)
        self.wizard.rejected.connect(self._wizard_cancelled)
        self.wizard.language_chosen.connect(self._wizard_language)
        self.wizard.show()

    def _wizard_language(self, lang: str) -> None:
        """The language chosen on the wizard's first page: kept, and the wizard again in it
        (nothing has been created yet on that page)."""
        old = self.wizard
        if old is None or old.register is not None:
            return
        self.settings.language = lang
        self._save_settings()
        self.switch_language(lang)
        old.rejected.disconnect(self._wizard_cancelled)
        old.hide()
        old.deleteLater()
        self.show_wizard()

    def _wizard_finished(self) -> None:
        wizard = self.wizard
        if wizard is None or wizard.register is None:
            return
        self.register_dir = wizard.register_folder()
        if self.register_dir != paths.default_register_dir():
            self.settings.register_dir = str(self.register_dir)
        self._save_settings()
        self.wizard = None
        wizard.deleteLater()
        self.open_register(wizard.register)

    def _wizard_cancelled(self) -> None:
        wizard = self.wizard
        if wizard is not None and wizard.register is not None:
            self._wizard_finished()  # created but closed on the recovery page: still open it
        else:
            self.app.quit()

    def show_unlock(self, message: str = "", *, intro: str = "") -> None:
        suffix = " — DEMO" if self.demo_passphrase else ""
        dialog = UnlockDialog(self.register_dir, self.backup_dir(), title_suffix=suffix)
        if self.demo_passphrase:
            dialog.intro.setText(_("Demo register. The passphrase is: {passphrase}").format(
                passphrase=self.demo_passphrase))
        if intro:
            dialog.intro.setText(intro)
        if message:
            dialog.show_message(message)
        dialog.unlocked.connect(self.open_register)
        dialog.rejected.connect(self.app.quit)
        self.unlock_dialog = dialog
        dialog.show()
        QTimer.singleShot(50, preload_heavy_modules)  # after the first paint
        dialog.raise_()
        dialog.activateWindow()

    def open_register(self, register: vault.Register) -> None:
        self.register = register
        if self.unlock_dialog is not None:
            self.unlock_dialog.rejected.disconnect(self.app.quit)
            self.unlock_dialog.deleteLater()
            self.unlock_dialog = None
        window = self._ensure_main_window()
        window.attach(register)
        resume_register(window, register)
        self._mark_demo()
        window.show()
        self.idle.start()
        self.unlocked.emit()

    def _ensure_main_window(self) -> MainWindow:
        if self.main_window is None:
            factory = self.window_factory
            if factory is None:
                from app.ui.register.main_window import MainWindow

                factory = MainWindow
            window = factory(self.signals, self.settings)
            window.lock_requested.connect(self.lock)
            window.settings_requested.connect(self.open_settings)
            window.about_requested.connect(self.open_about)
            window.quit_requested.connect(self.app.quit)
            self.main_window = window
        return self.main_window

    def _mark_demo(self) -> None:
        window = self.main_window
        if window is None or not self.demo_passphrase:
            return
        title = window.windowTitle()
        if "DEMO" not in title:
            window.setWindowTitle(f"{title} — DEMO")
        marker = window.findChild(QLabel, "demo_marker")
        if marker is None:
            marker = QLabel()
            marker.setObjectName("demo_marker")
            set_role(marker, "demo")
            window.statusBar().addPermanentWidget(marker)
        marker.setText(_("DEMO — invented data. Passphrase: {passphrase}").format(
            passphrase=self.demo_passphrase))

    @property
    def is_locked(self) -> bool:
        return self.register is None

    def lock(self) -> None:
        """Store the draft encrypted, clear and hide everything, forget the key. While a task
        still works on the register (a backup, a PDF) the lock waits for it: the idle timer
        starts again and locks when it has finished."""
        if self.register is None or self.main_window is None:
            return
        if tasks_running():
            self.idle.start()
            return
        self.idle.stop()
        self._remember_window()
        register, self.register = self.register, None
        lock_register(self.main_window, register)
        self.show_unlock()  # first, so hiding the rest does not count as "last window closed"
        for widget in QApplication.topLevelWidgets():
            if widget is not self.unlock_dialog and widget.isVisible():
                widget.hide()
        self.locked.emit()

    def shutdown(self) -> None:
        """On quit: let running work end (a backup, a PDF: a thread must not outlive the
        program), backup (when set), then lock. Never raises: quitting must not be blocked."""
        finish_tasks()
        register = self.register
        if register is not None:
            if self.settings.backup_on_close and not self.demo_passphrase:
                from app.services.storage import backup

                _quietly("backup on close", lambda: backup.create_backup(
                    register, self.backup_dir(), self.settings.backup_generations))
            if self.main_window is not None:
                self._remember_window()
                lock_register(self.main_window, register)
            else:
                register.close()
            self.register = None
        self.idle.stop()

    def dispose(self) -> None:
        """Detach from the application (tests create several controllers in one process)."""
        self.shutdown()
        self.app.removeEventFilter(self.idle)
        with contextlib.suppress(RuntimeError, TypeError):
            self.app.aboutToQuit.disconnect(self.shutdown)
        for widget in (self.main_window, self.unlock_dialog, self.wizard):
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    # -- settings ----------------------------------------------------------------------------

    def open_settings(self) -> None:
        from app.ui.register.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.register, paths.default_backup_dir(),
                                self.main_window)
        dialog.restore_requested.connect(self.restore_from_backup)
        dialog.move_requested.connect(self.move_register)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_settings(dialog.result_settings())

    def open_about(self) -> None:
        from app.services.about import about_facts
        from app.ui.register.help import AboutDialog

        facts = about_facts(self.register_dir, self.backup_dir(), self.settings_path)
        AboutDialog(facts, self.main_window).exec()

    def move_register(self, request: MoveRequest) -> Task | None:
        """Lock, move the register (and its backups when asked) off the GUI thread, then
        offer the unlock window in the new place; on failure, in the old one, with the reason
        (a failed move leaves the register where it was)."""
        from app.services.storage import relocation

        if self.register is None or self.ops.busy:
            return None
        self.lock()
        if self.unlock_dialog is not None:  # stays up (the last window), but waits
            self.unlock_dialog.wait_for_move(request.target)
        source, old_backups = self.register_dir, self.backup_dir()
        backups_to = request.backups_to

        def work() -> relocation.MoveResult:
            return relocation.move_register(
                source, request.target, request.passphrase,
                backups_from=old_backups if backups_to is not None else None,
                backups_to=backups_to)

        def moved(result: relocation.MoveResult) -> None:
            self.register_dir = result.register_dir
            self.settings.register_dir = str(result.register_dir)
            if result.backup_dir is not None and result.backup_error is None:
                self.settings.backup_dir = str(result.backup_dir)
            self._save_settings()
            self._reopen_unlock(_("The register was moved to {folder}. Type your passphrase to "
                                  "open it there.").format(folder=result.register_dir),
                                result.backup_error.message if result.backup_error else "")

        return self.ops.run(work, moved)

    def _reopen_unlock(self, intro: str, message: str) -> None:
        old = self.unlock_dialog
        self.show_unlock(message, intro=intro)  # first: the old one was the last window
        if old is not None:
            old.rejected.disconnect(self.app.quit)
            old.hide()
            old.deleteLater()

    def apply_settings(self, new: Settings) -> None:
        language_changed = new.language != self.settings.language
        for name, value in vars(new).items():
            setattr(self.settings, name, value)  # same object the main window holds
        self._save_settings()
        if self._fixed_idle_ms is None:
            self.idle.set_interval_ms(IdleWatcher.minutes_to_ms(self.settings.autolock_minutes))
        if language_changed:
            self.switch_language(self.settings.language)

    def switch_language(self, lang: str) -> None:
        self.translations.apply(lang)
        if self.main_window is not None:
            self.main_window.retranslate_ui()
            self._mark_demo()
        if self.unlock_dialog is not None:
            self.unlock_dialog.retranslate_ui()
        self.signals.language_changed.emit(lang)

    def restore_from_backup(self) -> None:
        self.lock()
        if self.unlock_dialog is not None:
            self.unlock_dialog.open_restore()

    def _remember_window(self) -> None:
        """The size and place a person gave the register window, for the next time."""
        window = self.main_window
        if window is None or not window.isVisible():
            return
        remembered = geometry_to_remember(window)
        if remembered != self.settings.window_geometry:
            self.settings.window_geometry = remembered
            self._save_settings()

    def _save_settings(self) -> None:
        _quietly("saving the settings", lambda: self.settings.save(self.settings_path))


def _quietly(what: str, work: Callable[[], object]) -> None:
    """Work that must never stop the program (quitting, saving the settings): its failure is
    logged (the sentence's id, never its text), not raised."""
    try:
        work()
    except AppError as exc:
        log.warning("%s failed: %s", what, exc.msgid)


ICON_SIZES = (16, 32, 48, 256)


def app_icon() -> QIcon:
    """The program's icon for every window and the taskbar (resources/icons, drawn by
    tools/make_icons.py; PNG, which QtGui reads without an image-format plugin)."""
    icon = QIcon()
    for px in ICON_SIZES:
        path = paths.resources_dir() / "icons" / f"vertrouwd-{px}.png"
        if path.is_file():
            icon.addFile(str(path), QSize(px, px))
    return icon


def parse_gui_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="vertrouwd", add_help=False)
    parser.add_argument("--register", metavar="PATH")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--portable", action="store_true")
    parser.add_argument("--lang", choices=["nl", "en"])
    options, _rest = parser.parse_known_args(argv)
    return options


def run_gui(argv: list[str]) -> int:
    options = parse_gui_args(argv)
    app = QApplication.instance() or QApplication(["vertrouwd"])
    assert isinstance(app, QApplication)
    app.setApplicationName(paths.APP_NAME)
    app.setOrganizationName(paths.APP_AUTHOR)
    # Window titles name the screen only ("Mijn register"); the system adds " — Vertrouwd".
    app.setApplicationDisplayName(paths.APP_NAME)
    app.setWindowIcon(app_icon())
    prepare_application(app)
    settings_path = paths.settings_file()
    settings = Settings.load(settings_path)
    if options.lang:
        settings.language = options.lang
    translations = QtTranslations(app)
    translations.apply(settings.language)
    signals = AppSignals()

    from app.services import demo

    demo.sweep_stale_demo_folders()  # what a kill left behind (the program could not answer)
    demo_dir: Path | None = None
    register: vault.Register | None = None
    controller: AppController | None = None
    if options.demo:
        demo_dir = demo.demo_folder() / "register"
    stop = _StopOnSignal(app)
    try:
        if demo_dir is not None:
            demo.build_demo_register(demo_dir, DEMO_PASSPHRASE)
            from app.services.storage import vault

            register = vault.unlock(demo_dir, DEMO_PASSPHRASE)
        controller = _controller(app, options, settings, settings_path, demo_dir, signals,
                                 translations)
        controller.start(register)
        if os.environ.get(BENCH_EXIT_ENV) == "1":
            QTimer.singleShot(0, lambda: _report_shown_and_quit(app))
        stop.looping = True
        return app.exec()
    finally:
        stop.looping = False
        if controller is not None:
            controller.shutdown()
        elif register is not None:
            register.close()
        if demo_dir is not None:
            demo.remove_demo_folder(demo_dir.parent)
        stop.restore()


class _StopOnSignal:
    """SIGTERM (a logout, `kill`) and SIGHUP quit the program as the window's Quit does, so the
    register is locked and a demo folder removed. Qt's event loop runs no Python code on its
    own: a timer gives the handler its turn. Before the loop runs, the signal ends the program
    with SystemExit, through the same clean-up."""

    SIGNALS = ("SIGTERM", "SIGHUP")

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.looping = False
        self.previous: dict[int, object] = {}
        for name in self.SIGNALS:
            number = getattr(signal, name, None)
            if number is not None:
                with contextlib.suppress(ValueError, OSError):  # not the main thread
                    self.previous[number] = signal.signal(number, self._handle)
        self.tick = QTimer(app)
        self.tick.timeout.connect(lambda: None)
        self.tick.start(250)

    def _handle(self, signum: int, _frame: object) -> None:
        if not self.looping:
            raise SystemExit(128 + signum)
        self.app.quit()

    def restore(self) -> None:
        self.tick.stop()
        for number, handler in self.previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(number, handler)  # type: ignore[arg-type]


def _controller(app: QApplication, options: argparse.Namespace, settings: Settings,
                settings_path: Path, demo_dir: Path | None, signals: AppSignals,
                translations: QtTranslations) -> AppController:
    if demo_dir is not None:
        register_dir = demo_dir
        settings_path = demo_dir.parent / "settings.json"  # the user's settings stay untouched
    elif options.register:
        register_dir = Path(options.register)
    elif options.portable:
        register_dir = paths.portable_data_dir() / "register"
    else:
        register_dir = Path(settings.register_dir) if settings.register_dir \
            else paths.default_register_dir()

    return AppController(
        app, settings, settings_path, register_dir, signals, translations=translations,
        demo_passphrase=DEMO_PASSPHRASE if demo_dir is not None else None,
        register_given=bool(options.register),
    )


def _report_shown_and_quit(app: QApplication) -> None:
    """Only with VERTROUWD_BENCH_EXIT_ON_SHOWN=1 (make bench, make dist-windows): one line for
    the measuring process on standard output, which is no user's output, then quit."""
    shown = [w.objectName() or type(w).__name__ for w in app.topLevelWidgets() if w.isVisible()]
    if sys.stdout is not None:
        sys.stdout.write(f"VERTROUWD_SHOWN {time.time():.6f} {','.join(shown)}\n")
        sys.stdout.flush()
    app.quit()


__all__ = ["AppController", "AppSignals", "QtTranslations", "app_icon", "run_gui"]
