"""Settings: language, auto-lock, backups, passphrase and recovery code.

Plain values are edited on a copy; the caller applies and saves it on OK. Actions that touch
the register (back up now, change passphrase, new recovery code) act at once.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
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
from app.ui.recovery import RecoveryCodeDialog
from app.ui.unlock import NewPassphraseDialog


class SettingsDialog(QDialog):
    restore_requested = Signal()  # the caller locks, then offers the backup picker

    def __init__(self, settings: Settings, register: vault.Register | None,
                 default_backup_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self._settings = dataclasses.replace(settings)
        self.register_ = register
        self.default_backup_dir = Path(default_backup_dir)
        general = self._general_group(settings)
        backups = self._backups_group(settings)
        security = self._security_group()
        for button in (self.backup_now, self.restore, self.change_passphrase, self.new_recovery):
            button.setEnabled(register is not None)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (general, backups, security, self.status, buttons):
            layout.addWidget(w)
        self.setMinimumWidth(560)

    def _general_group(self, settings: Settings) -> QGroupBox:
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.autolock = QSpinBox()
        self.autolock.setRange(1, 240)
        self.autolock.setSuffix(" " + _("min"))
        self.autolock.setValue(settings.autolock_minutes)
        general = QGroupBox(_("General"))
        form = QFormLayout(general)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Lock after inactivity"), self.autolock)
        return general

    def _backups_group(self, settings: Settings) -> QGroupBox:
        self.backup_dir = QLineEdit(settings.backup_dir)
        self.backup_dir.setPlaceholderText(str(self.default_backup_dir))
        choose = QPushButton(_("Choose…"))
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
        self.backup_now.clicked.connect(self.make_backup)
        self.restore = QPushButton(_("Restore from backup…"))
        self.restore.clicked.connect(self._ask_restore)
        self.status = QLabel()
        self.status.setObjectName("settings_status")
        self.status.setWordWrap(True)
        backups = QGroupBox(_("Backups"))
        bform = QFormLayout(backups)
        bform.addRow(_("Backup folder"), folder_row)
        bform.addRow(_("Backups to keep"), self.generations)
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

    def make_backup(self) -> bool:
        if self.register_ is None:
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            path = backup.create_backup(self.register_, self.chosen_backup_dir(),
                                        self.generations.value())
        except AppError as exc:
            self.status.setText(exc.message)
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.status.setText(_("Backup written and checked: {path}").format(path=path))
        return True

    def _ask_restore(self) -> None:
        answer = QMessageBox.question(
            self, _("Restore from backup"),
            _("The register will be locked. After choosing a backup you unlock it again. "
              "Continue?"))
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_requested.emit()
            self.reject()

    def _change_passphrase(self) -> None:
        if self.register_ is None:
            return
        dialog = NewPassphraseDialog(self.register_, self, ask_current=True)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.status.setText(_("The passphrase was changed. Backups made earlier still open "
                                  "with the passphrase of that time."))

    def _new_recovery_code(self) -> None:
        if self.register_ is None:
            return
        answer = QMessageBox.question(
            self, _("New recovery code"),
            _("A new recovery code replaces the previous one, which then stops working. "
              "Continue?"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            code = vault.create_recovery_code(self.register_)
        except AppError as exc:
            self.status.setText(exc.message)
            return
        RecoveryCodeDialog(code, self).exec()
