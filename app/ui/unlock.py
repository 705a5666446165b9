"""Unlocking: the passphrase dialog, unlocking with the recovery code (which forces a new
passphrase), and restoring a damaged register from a backup.

The passphrase is never logged and never kept in a widget after an attempt.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import (
    AppError,
    KeyFileDamaged,
    KeyFileWeakened,
    RegisterDamaged,
)
from app.i18n import _, format_datetime, format_number
from app.ui.passphrase_entry import ERROR_STYLE, PassphraseEntry

if TYPE_CHECKING:  # loaded on first use, so the dialog shows before the database stack loads
    from app.services.storage import vault

DAMAGE_ERRORS = (RegisterDamaged, KeyFileDamaged, KeyFileWeakened)


def caps_lock_suspected(event: QKeyEvent) -> bool | None:
    """Guess Caps Lock from one key press: an upper-case letter without Shift, or a lower-case
    letter with Shift. None when the key says nothing (not a letter)."""
    text = event.text()
    if len(text) != 1 or not text.isalpha() or text.upper() == text.lower():
        return None
    shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
    return (text.isupper() and not shift) or (text.islower() and shift)


class CapsLockWatcher(QObject):
    """Event filter for a password field: shows `hint` while Caps Lock seems to be on."""

    def __init__(self, field: QLineEdit, hint: QLabel) -> None:
        super().__init__(field)
        self._hint = hint
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_CapsLock:
                self._hint.setVisible(not self._hint.isVisible())
            else:
                guess = caps_lock_suspected(event)
                if guess is not None:
                    self._hint.setVisible(guess)
        return False


def _busy() -> None:
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    QGuiApplication.processEvents()


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setObjectName(name)
    return field


class UnlockDialog(QDialog):
    """Emits `unlocked(Register)` and accepts when the register opens."""

    unlocked = Signal(object)

    def __init__(self, register_dir: Path, backup_dir: Path, parent: QWidget | None = None,
                 *, title_suffix: str = "") -> None:
        super().__init__(parent)
        self.register_dir = Path(register_dir)
        self.backup_dir = Path(backup_dir)
        self.title_suffix = title_suffix
        self.register: vault.Register | None = None

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.passphrase = _password_field("passphrase")
        self.caps_hint = QLabel()
        self.caps_hint.setObjectName("caps_hint")
        self.caps_hint.setStyleSheet("color: #8a5a00;")
        self.caps_hint.hide()
        CapsLockWatcher(self.passphrase, self.caps_hint)
        self.message = QLabel()
        self.message.setObjectName("unlock_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.unlock_button = QPushButton()
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.setDefault(True)
        self.restore_button = QPushButton()
        self.restore_button.setObjectName("restore_button")
        self.restore_button.hide()
        self.recovery_button = QPushButton()
        self.recovery_button.setObjectName("recovery_button")
        self.recovery_button.setFlat(True)
        self.quit_button = QPushButton()

        self.passphrase_label = QLabel()
        self._form = QFormLayout()
        self._form.addRow(self.passphrase_label, self.passphrase)
        buttons = QHBoxLayout()
        buttons.addWidget(self.recovery_button)
        buttons.addStretch()
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self._form)
        layout.addWidget(self.caps_hint)
        layout.addWidget(self.message)
        layout.addWidget(self.restore_button)
        layout.addLayout(buttons)
        self.setMinimumWidth(480)

        # Enter in the field presses the default button; connecting returnPressed as well ran
        # the unlock twice, the second time with the field already emptied.
        self.unlock_button.clicked.connect(self.try_unlock)
        self.restore_button.clicked.connect(self.open_restore)
        self.recovery_button.clicked.connect(self.open_recovery)
        self.quit_button.clicked.connect(self.reject)
        self.retranslate_ui()
        self.say_if_open_elsewhere()

    def say_if_open_elsewhere(self) -> bool:
        """A second Vertrouwd on this register says so at once, before anyone types."""
        from app.errors import RegisterInUse
        from app.models import register_lock

        if register_lock.held_elsewhere(self.register_dir):
            self.show_message(RegisterInUse().message)
            return True
        return False

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Unlock register") + self.title_suffix)
        self.intro.setText(_("Type your passphrase to open the register."))
        self.passphrase_label.setText(_("Passphrase"))
        self.caps_hint.setText(_("Caps Lock seems to be on."))
        self.unlock_button.setText(_("Unlock"))
        self.restore_button.setText(_("Restore from backup…"))
        self.recovery_button.setText(_("Use recovery code"))
        self.quit_button.setText(_("Quit"))

    def show_message(self, text: str, *, offer_restore: bool = False) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.restore_button.setVisible(offer_restore)

    def try_unlock(self) -> bool:
        passphrase = self.passphrase.text()
        self.passphrase.clear()
        if not passphrase:
            self.show_message(_("Type your passphrase."))
            return False
        _busy()
        from app.services.storage import vault

        try:
            register = vault.unlock(self.register_dir, passphrase)
        except AppError as exc:
            self.show_message(exc.message, offer_restore=isinstance(exc, DAMAGE_ERRORS))
            return False
        finally:
            del passphrase
            QGuiApplication.restoreOverrideCursor()
        self._finish(register)
        return True

    def _finish(self, register: vault.Register) -> None:
        self.show_message("")
        self.register = register
        self.unlocked.emit(register)
        self.accept()

    def open_restore(self) -> None:
        picker = BackupPickerDialog(self.register_dir, self.backup_dir, self)
        if picker.exec() == QDialog.DialogCode.Accepted:
            self.show_message("")
            self.intro.setText(_("The register was restored from the backup. Type the passphrase "
                                 "that was valid when the backup was made."))

    def open_recovery(self) -> None:
        dialog = RecoveryUnlockDialog(self.register_dir, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.register is not None:
            self._finish(dialog.register)


class RecoveryUnlockDialog(QDialog):
    """Recovery code → unlock → a new passphrase must be set before the register is used."""

    def __init__(self, register_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register_dir = Path(register_dir)
        self.register: vault.Register | None = None
        self.setWindowTitle(_("Unlock with recovery code"))
        self.code = QLineEdit()
        self.code.setObjectName("recovery_code_field")
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        intro = QLabel(_("Type the recovery code from the sealed envelope. You will then choose "
                         "a new passphrase."))
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_unlock)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.code)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def try_unlock(self) -> bool:
        code = self.code.text().strip()
        self.code.clear()
        _busy()
        from app.services.storage import vault

        try:
            register = vault.unlock_with_recovery(self.register_dir, code)
        except AppError as exc:
            self.message.setText(exc.message)
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        dialog = NewPassphraseDialog(register, self, mandatory=True)
        if dialog.exec() != QDialog.DialogCode.Accepted or register.must_set_passphrase:
            register.close()
            self.message.setText(_("A new passphrase is required. The register stays locked."))
            return False
        self.register = register
        self.accept()
        return True


class NewPassphraseDialog(QDialog):
    """Set a new passphrase on an unlocked register. With `ask_current`, the current one is
    checked first (changing it from Settings)."""

    def __init__(self, register: vault.Register, parent: QWidget | None = None, *,
                 mandatory: bool = False, ask_current: bool = False) -> None:
        super().__init__(parent)
        self.register_ = register
        self.setWindowTitle(_("Set a new passphrase") if mandatory else _("Change passphrase"))
        layout = QVBoxLayout(self)
        if mandatory:
            note = QLabel(_("You opened the register with the recovery code. Choose a new "
                            "passphrase now; the old one no longer counts."))
            note.setWordWrap(True)
            layout.addWidget(note)
        self.current: QLineEdit | None = None
        if ask_current:
            self.current = _password_field("current_passphrase")
            form = QFormLayout()
            form.addRow(_("Current passphrase"), self.current)
            layout.addLayout(form)
        self.entry = PassphraseEntry()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.entry)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.entry.changed.connect(self._update)
        self._update()
        self.setMinimumWidth(520)

    def _update(self) -> None:
        self.ok_button.setEnabled(self.entry.is_acceptable())

    def apply(self) -> bool:
        if not self.entry.is_acceptable():
            return False
        _busy()
        try:
            if self.current is not None:
                current = self.current.text()
                self.current.clear()
                self.register_.key_file.unwrap(current)  # WrongPassphrase if not
            from app.services.storage import vault

            vault.set_new_passphrase(self.register_, self.entry.passphrase())
        except AppError as exc:
            self.message.setText(exc.message)
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.entry.clear()
        self.accept()
        return True


class BackupPickerDialog(QDialog):
    """Choose a backup and restore it over the (closed) register. `backup.restore` verifies the
    backup before anything is replaced and keeps the current register aside."""

    def __init__(self, register_dir: Path, backup_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register_dir = Path(register_dir)
        self.backup_dir = Path(backup_dir)
        self.setWindowTitle(_("Restore from backup"))
        intro = QLabel(_("Choose a backup. It is checked completely before it replaces the "
                         "register; the current register is kept aside."))
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("backup_list")
        self.passphrase = _password_field("backup_passphrase")
        self.message = QLabel()
        self.message.setObjectName("restore_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        form = QFormLayout()
        form.addRow(_("Passphrase at the time of the backup"), self.passphrase)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton(
            _("Restore"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.restore)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel(str(self.backup_dir)))
        layout.addWidget(self.list)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumSize(520, 360)
        self.reload()

    def reload(self) -> None:
        from app.services.storage import backup

        self.list.clear()
        for info in backup.list_backups(self.backup_dir):
            local = info.created_at.astimezone().replace(tzinfo=None)
            size = format_number(max(1, info.size_bytes // 1024))
            item = QListWidgetItem(_("{when} ({size} kB)").format(
                when=format_datetime(local, "medium"), size=size))
            item.setData(Qt.ItemDataRole.UserRole, str(info.path))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.message.setText(_("There are no backups in this folder."))
        self.restore_button.setEnabled(self.list.count() > 0)

    def restore(self) -> bool:
        item = self.list.currentItem()
        if item is None:
            return False
        passphrase = self.passphrase.text()
        self.passphrase.clear()
        _busy()
        from app.services.storage import backup

        try:
            backup.restore(self.register_dir, Path(item.data(Qt.ItemDataRole.UserRole)), passphrase)
        except AppError as exc:
            self.message.setText(exc.message)
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()
        return True
