"""Settings: language, auto-lock, where the register lives (and moving it), backups,
passphrase and recovery code.

Plain values are edited on a copy; the caller applies and saves it on OK. Actions that touch
the register act at once: back up now and a new recovery code run off the GUI thread; moving
the register and restoring a backup need the register closed, so the dialog asks the caller
(``move_requested``, ``restore_requested``), which locks first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError
from app.i18n import LANGUAGES, _
from app.services.storage import backup, vault
from app.settings import Settings
from app.ui.register.help import set_help_topic
from app.ui.register.recovery import RecoveryCodeDialog
from app.ui.register.unlock import NewPassphraseDialog, password_field
from app.ui.shared.accessible import caption, name
from app.ui.shared.icons import icon
from app.ui.shared.ops import Ops
from app.ui.shared.screen import ScrollArea, fit_to_screen
from app.ui.shared.style import set_role
from app.ui.shared.worker import Task

Ask = Callable[[QWidget, str, str], bool]


def question_box(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("question_box")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(_("Yes"))
    box.button(QMessageBox.StandardButton.No).setText(_("No"))
    return box


def ask_yes_no(parent: QWidget, title: str, text: str) -> bool:
    return question_box(parent, title, text).exec() == QMessageBox.StandardButton.Yes


@dataclasses.dataclass(frozen=True)
class MoveRequest:
    target: Path
    passphrase: str
    backups_to: Path | None  # None: the backups stay where they are


class MoveRegisterDialog(QDialog):
    """Where the register goes, whether its backups go along, and the passphrase (the copy is
    checked with it before the old one is removed)."""

    def __init__(self, current: Path, backup_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("move_register_dialog")
        set_help_topic(self, "settings")
        self.setWindowTitle(_("Move the register"))
        self.current = Path(current)
        self.backup_dir = Path(backup_dir)
        intro = QLabel(_("The register is locked, copied to the new folder, checked there, and "
                         "only then removed here. Afterwards you unlock it in its new place. "
                         "Choose a new or an empty folder, for instance on a USB stick."))
        intro.setWordWrap(True)
        now = QLabel(str(self.current))
        now.setWordWrap(True)
        set_role(now, "note")
        self.target = QLineEdit()
        self.target.setObjectName("move_target")
        choose = QPushButton(_("Choose…"))
        name(choose, _("Choose the new folder"))
        choose.clicked.connect(self._choose)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target, 1)
        target_row.addWidget(choose)
        self.with_backups = QCheckBox()
        self.with_backups.setObjectName("move_backups")
        self.passphrase = password_field("move_passphrase")
        self.message = QLabel()
        set_role(self.message, "error")
        self.message.setWordWrap(True)
        self.message.hide()
        form = QFormLayout()
        now_label, target_label, pass_label = QLabel(), QLabel(), QLabel()
        now_label.setText(_("Now in"))
        caption(target_label, _("&New folder"), self.target)
        caption(pass_label, _("&Passphrase"), self.passphrase)
        form.addRow(now_label, now)
        form.addRow(target_label, target_row)
        form.addRow("", self.with_backups)
        form.addRow(pass_label, self.passphrase)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Move"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.target.textChanged.connect(lambda _t: self._update())
        self._update()
        fit_to_screen(self, QSize(620, 360))

    def backups_target(self) -> Path | None:
        text = self.target.text().strip()
        return Path(text).parent / "backups" if text else None

    def _update(self) -> None:
        where = self.backups_target()
        self.with_backups.setText(
            _("Move the backups too, to {folder}").format(folder=where) if where
            else _("Move the backups too"))

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("New folder for the register"))
        if folder:
            self.set_target(Path(folder))

    def set_target(self, folder: Path) -> None:
        """A chosen folder that already holds files gets a new sub-folder ``register``."""
        folder = Path(folder)
        if folder.is_dir() and any(folder.iterdir()):
            folder = folder / "register"
        self.target.setText(str(folder))

    def request(self) -> MoveRequest | None:
        text = self.target.text().strip()
        if not text or not self.passphrase.text():
            return None
        return MoveRequest(Path(text).expanduser(), self.passphrase.text(),
                           self.backups_target() if self.with_backups.isChecked() else None)

    def accept(self) -> None:
        if self.request() is None:
            self.message.setText(_("Choose the new folder and type your passphrase."))
            self.message.show()
            return
        super().accept()


class SettingsDialog(QDialog):
    restore_requested = Signal()  # the caller locks, then offers the backup picker
    move_requested = Signal(object)  # a MoveRequest: the caller locks, then moves

    def __init__(self, settings: Settings, register: vault.Register | None,
                 default_backup_dir: Path, parent: QWidget | None = None, *,
                 ask: Ask = ask_yes_no) -> None:
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        set_help_topic(self, "settings")
        self.setWindowTitle(_("Settings"))
        self._settings = dataclasses.replace(settings)
        self._ask = ask
        self.register_ = register
        self.default_backup_dir = Path(default_backup_dir)
        self.ops = Ops(self, self._tell_error)
        self.status = QLabel()
        self.status.setObjectName("settings_status")
        self.status.setWordWrap(True)
        general = self._general_group(settings)
        location = self._location_group()
        backups = self._backups_group(settings)
        security = self._security_group()
        for button in (self.backup_now, self.restore, self.change_passphrase, self.new_recovery,
                       self.move_button):
            button.setEnabled(register is not None)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        for w in (general, location, backups, security, self.status):
            body_layout.addWidget(w)
        body_layout.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(ScrollArea(body), 1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, QSize(640, 640))

    def _general_group(self, settings: Settings) -> QGroupBox:
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, lang_name in LANGUAGES.items():
            self.language.addItem(lang_name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.autolock = QSpinBox()
        self.autolock.setRange(1, 240)
        self.autolock.setSuffix(" " + _("min"))
        self.autolock.setValue(settings.autolock_minutes)
        general = QGroupBox(_("General"))
        form = QFormLayout(general)
        language_label, autolock_label = QLabel(), QLabel()
        caption(language_label, _("&Language"), self.language)
        caption(autolock_label, _("Lock after &inactivity"), self.autolock)
        form.addRow(language_label, self.language)
        form.addRow(autolock_label, self.autolock)
        return general

    def _location_group(self) -> QGroupBox:
        folder = self.register_.folder if self.register_ is not None else None
        self.register_folder = QLabel(str(folder) if folder else "–")
        self.register_folder.setObjectName("register_folder")
        self.register_folder.setWordWrap(True)
        self.move_button = QPushButton(_("Move the register…"))
        self.move_button.setObjectName("move_register")
        self.move_button.clicked.connect(self.ask_move)
        group = QGroupBox(_("Register"))
        form = QFormLayout(group)
        form.addRow(_("Folder"), self.register_folder)
        row = QHBoxLayout()
        row.addWidget(self.move_button)
        row.addStretch()
        form.addRow("", row)
        return group

    def _backups_group(self, settings: Settings) -> QGroupBox:
        self.backup_dir = QLineEdit(settings.backup_dir)
        self.backup_dir.setPlaceholderText(str(self.default_backup_dir))
        choose = QPushButton(_("Choose…"))
        name(choose, _("Choose the backup folder"))
        choose.clicked.connect(self._choose_backup_dir)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.backup_dir)
        folder_row.addWidget(choose)
        self.generations = QSpinBox()
        self.generations.setRange(1, 100)
        self.generations.setValue(settings.backup_generations)
        self.backup_on_close = QCheckBox(_("Make a backup when the program closes"))
        self.backup_on_close.setChecked(settings.backup_on_close)
        self.backup_now = QPushButton(_("Back up now"))
        self.backup_now.setObjectName("backup_now")
        self.backup_now.setIcon(icon("back_up"))
        self.backup_now.clicked.connect(self.make_backup)
        self.restore = QPushButton(_("Restore from backup…"))
        self.restore.clicked.connect(self._ask_restore)
        backups = QGroupBox(_("Backups"))
        bform = QFormLayout(backups)
        folder_label, generations_label = QLabel(), QLabel()
        caption(folder_label, _("&Backup folder"), self.backup_dir)
        caption(generations_label, _("Backups to &keep"), self.generations)
        bform.addRow(folder_label, folder_row)
        bform.addRow(generations_label, self.generations)
        bform.addRow("", self.backup_on_close)
        actions = QHBoxLayout()
        actions.addWidget(self.backup_now)
        actions.addWidget(self.restore)
        actions.addStretch()
        bform.addRow("", actions)
        return backups

    def _security_group(self) -> QGroupBox:
        self.change_passphrase = QPushButton(_("Change passphrase…"))
        self.change_passphrase.clicked.connect(self._change_passphrase)
        self.new_recovery = QPushButton(_("New recovery code…"))
        self.new_recovery.clicked.connect(self._new_recovery_code)
        security = QGroupBox(_("Passphrase and recovery code"))
        srow = QHBoxLayout(security)
        srow.addWidget(self.change_passphrase)
        srow.addWidget(self.new_recovery)
        srow.addStretch()
        return security

    def result_settings(self) -> Settings:
        s = dataclasses.replace(self._settings)
        s.language = str(self.language.currentData())
        s.autolock_minutes = self.autolock.value()
        s.backup_dir = self.backup_dir.text().strip()
        s.backup_generations = self.generations.value()
        s.backup_on_close = self.backup_on_close.isChecked()
        return s

    def chosen_backup_dir(self) -> Path:
        text = self.backup_dir.text().strip()
        return Path(text) if text else self.default_backup_dir

    def _choose_backup_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Backup folder"),
                                                  str(self.chosen_backup_dir()))
        if folder:
            self.backup_dir.setText(folder)

    # --- work on the register ----------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.ops.busy

    def _tell_error(self, error: AppError) -> None:
        """The status line is this dialog's error line too."""
        self.status.setText(error.message)
        self.status.setAccessibleDescription(error.message)
        set_role(self.status, "error")

    def _waiting(self) -> tuple[QWidget, ...]:
        """The controls that wait while work on the register runs (the status line, a note
        again, says what runs)."""
        if not self.busy:
            set_role(self.status, "note")
        return (self.backup_now, self.restore, self.change_passphrase, self.new_recovery,
                self.move_button, self.buttons)

    def make_backup(self) -> Task | None:
        """Back up now, off the GUI thread; the status line says where when it is done."""
        register = self.register_
        if register is None:
            return None
        folder, generations = self.chosen_backup_dir(), self.generations.value()

        def done(path: Path) -> None:
            set_role(self.status, "ok")
            self.status.setText(_("Backup written and checked: {path}").format(path=path))

        return self.ops.run(lambda: backup.create_backup(register, folder, generations), done,
                            disable=self._waiting(), status=self.status,
                            text=_("Making the backup…"))

    def _ask_restore(self) -> None:
        if self._ask(self, _("Restore from backup"), _(
                "The register will be locked. After choosing a backup you unlock it again. "
                "Continue?")):
            self.restore_requested.emit()
            self.reject()

    def ask_move(self) -> None:
        if self.register_ is None:
            return
        dialog = MoveRegisterDialog(self.register_.folder, self.chosen_backup_dir(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            request = dialog.request()
            if request is not None:
                self.move_requested.emit(request)
                self.reject()

    def _change_passphrase(self) -> None:
        if self.register_ is None:
            return
        dialog = NewPassphraseDialog(self.register_, self, ask_current=True)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            set_role(self.status, "ok")
            self.status.setText(_("The passphrase was changed. Backups made earlier still open "
                                  "with the passphrase of that time."))

    def _new_recovery_code(self) -> Task | None:
        register = self.register_
        if register is None:
            return None
        if not self._ask(self, _("New recovery code"), _(
                "A new recovery code replaces the previous one, which then stops working. "
                "Continue?")):
            return None

        def done(code: str) -> None:
            self.status.clear()
            RecoveryCodeDialog(code, self).exec()

        return self.ops.run(lambda: vault.create_recovery_code(register), done,
                            disable=self._waiting(), status=self.status,
                            text=_("Creating the recovery code…"))

    def reject(self) -> None:
        if not self.busy:
            super().reject()

    def accept(self) -> None:
        if not self.busy:
            super().accept()
