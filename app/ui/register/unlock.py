"""Unlocking: the passphrase dialog, unlocking with the recovery code (which forces a new
passphrase), and restoring a damaged register from a backup.

The passphrase is never logged and never kept in a widget after an attempt. The key
derivation (Argon2id, about half a second by design) runs off the GUI thread, so the window
keeps painting while it runs; the dialog shows that it is busy and takes no second attempt.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
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
from app.secrets_in_memory import wipe
from app.ui.register.help import set_help_topic
from app.ui.shared.accessible import caption, describe_table, tell
from app.ui.shared.icons import icon
from app.ui.shared.ops import Ops
from app.ui.shared.passphrase_entry import PassphraseEntry
from app.ui.shared.screen import fit_to_screen
from app.ui.shared.style import monospace, set_role
from app.ui.shared.worker import Busy, Task, set_program_objects_aside

if TYPE_CHECKING:  # loaded on first use, so the dialog shows before the database stack loads
    from app.services.storage import backup, vault

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


def password_field(object_name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setObjectName(object_name)
    return field


class FieldMessage(QLabel):
    """The error under a field: shown, and said as part of the field (its accessible
    description, announced), so a screen reader hears it where the focus is. With
    ``reserve`` its two lines are kept free while it is hidden, so the window does not jump
    when an error appears."""

    def __init__(self, field: QWidget, object_name: str = "", *, reserve: bool = False) -> None:
        super().__init__()
        self.field = field
        if object_name:
            self.setObjectName(object_name)
        self.setWordWrap(True)
        set_role(self, "error")
        if reserve:
            self.setMinimumHeight(2 * self.fontMetrics().lineSpacing())
            self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            policy = self.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            self.setSizePolicy(policy)
        self.say("")

    def say(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))
        tell(self.field, text)


def _busy_label() -> QLabel:
    label = QLabel()
    label.setObjectName("busy_label")
    set_role(label, "note")
    return label


class TaskDialog(QDialog):
    """A dialog that runs one slow step at a time through the runner (`ops.Ops`, off the GUI
    thread) and cannot be closed while it runs (the step holds the register)."""

    _ops: Ops | None = None
    held = False  # waiting for work elsewhere (a move): it cannot be closed either

    @property
    def ops(self) -> Ops:
        if self._ops is None:
            self._ops = Ops(self, self._failed)
        return self._ops

    def _failed(self, error: AppError) -> None:
        raise NotImplementedError

    def start(self, work: Any, on_done: Any, on_error: Any, busy: Busy) -> Task | None:
        return self.ops.run(work, on_done, on_error=on_error, disable=busy.widgets,
                            status=busy.label, text=busy.text)

    @property
    def task(self) -> Task | None:
        return self.ops.task

    @property
    def busy(self) -> bool:
        return self.ops.busy

    def reject(self) -> None:
        if self.task is None and not self.held:  # Escape while a step runs does nothing
            super().reject()

    def done(self, result: int) -> None:
        if self.task is not None:
            self.task.wait()  # never leave a thread behind that holds the register
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.task is not None or self.held:
            event.ignore()
            return
        super().closeEvent(event)


class UnlockDialog(TaskDialog):
    """Emits `unlocked(Register)` and accepts when the register opens."""

    unlocked = Signal(object)

    def __init__(self, register_dir: Path, backup_dir: Path, parent: QWidget | None = None,
                 *, title_suffix: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("unlock_dialog")
        set_help_topic(self, "unlock")
        self.register_dir = Path(register_dir)
        self.backup_dir = Path(backup_dir)
        self.title_suffix = title_suffix
        self.register: vault.Register | None = None

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        set_role(self.folder_label, "note")
        self.passphrase = password_field("passphrase")
        self.caps_hint = QLabel()
        self.caps_hint.setObjectName("caps_hint")
        set_role(self.caps_hint, "warning")
        self.caps_hint.hide()
        CapsLockWatcher(self.passphrase, self.caps_hint)
        self.message = FieldMessage(self.passphrase, "unlock_message", reserve=True)
        self.busy_label = _busy_label()
        self.unlock_button = QPushButton()
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.setIcon(icon("lock"))
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
        layout.addWidget(self.folder_label)
        layout.addLayout(self._form)
        layout.addWidget(self.caps_hint)
        layout.addWidget(self.message)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.restore_button)
        layout.addLayout(buttons)
        self.setMinimumWidth(min(480, fit_to_screen(self, QSize(520, 260)).width()))

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
        self.folder_label.setText(_("Register: {folder}").format(folder=self.register_dir))
        caption(self.passphrase_label, _("&Passphrase"), self.passphrase)
        self.caps_hint.setText(_("Caps Lock seems to be on."))
        self.unlock_button.setText(_("Unlock"))
        self.restore_button.setText(_("Restore from backup…"))
        self.recovery_button.setText(_("Use recovery code"))
        self.quit_button.setText(_("Quit"))

    def wait_for_move(self, target: Path) -> None:
        """While the register is being moved: nothing to type, a sentence saying why."""
        self.held = True
        for widget in (self.passphrase, self.unlock_button, self.recovery_button,
                       self.restore_button, self.quit_button):
            widget.setEnabled(False)
        self.busy_label.setText(_("Moving the register to {folder}…").format(folder=target))

    def show_message(self, text: str, *, offer_restore: bool = False) -> None:
        self.message.say(text)
        self.restore_button.setVisible(offer_restore)

    def try_unlock(self) -> Task | None:
        """Derive the key and open the register off the GUI thread; `unlocked` follows."""
        if self.busy:
            return None
        passphrase = self.passphrase.text()
        self.passphrase.clear()
        if not passphrase:
            self.show_message(_("Type your passphrase."))
            return None
        self.show_message("")
        folder = self.register_dir
        set_program_objects_aside()  # before any case is read

        def work() -> vault.Register:
            from app.services.storage import vault

            try:
                return vault.unlock(folder, passphrase)
            finally:
                wipe(passphrase)  # the one str copy of the field's text, ours alone

        return self.start(work, self._finish, self._failed, Busy(
            (self.passphrase, self.unlock_button, self.recovery_button, self.restore_button,
             self.quit_button), self.busy_label, _("Opening the register…")))

    def _failed(self, error: AppError) -> None:
        self.show_message(error.message, offer_restore=isinstance(error, DAMAGE_ERRORS))
        self.passphrase.setFocus()

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


class RecoveryUnlockDialog(TaskDialog):
    """Recovery code → unlock → a new passphrase must be set before the register is used."""

    def __init__(self, register_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recovery_unlock_dialog")
        set_help_topic(self, "unlock")
        self.register_dir = Path(register_dir)
        self.register: vault.Register | None = None
        self.setWindowTitle(_("Unlock with recovery code"))
        self.code = QLineEdit()
        self.code.setObjectName("recovery_code_field")
        self.code.setFont(monospace())
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.code.setMinimumWidth(
            self.code.fontMetrics().horizontalAdvance("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX") + 24)
        code_label = QLabel()
        caption(code_label, _("Recovery &code"), self.code)
        self.message = FieldMessage(self.code)
        self.busy_label = _busy_label()
        intro = QLabel(_("Type the recovery code from the sealed envelope. You will then choose "
                         "a new passphrase."))
        intro.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(code_label, self.code)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.buttons)
        fit_to_screen(self, QSize(max(600, self.sizeHint().width()), 240))

    def try_unlock(self) -> Task | None:
        code = self.code.text().strip()  # kept on a typing error: one letter to correct
        self.message.say("")
        folder = self.register_dir
        set_program_objects_aside()  # before any case is read

        def work() -> vault.Register:
            from app.services.storage import vault

            return vault.unlock_with_recovery(folder, code)

        return self.start(work, self._unlocked, self._failed, Busy(
            (self.code, self.buttons), self.busy_label, _("Checking the recovery code…")))

    def _failed(self, error: AppError) -> None:
        self.message.say(error.message)
        self.code.setFocus()

    def _unlocked(self, register: vault.Register) -> None:
        self.code.clear()
        dialog = NewPassphraseDialog(register, self, mandatory=True)
        if dialog.exec() != QDialog.DialogCode.Accepted or register.must_set_passphrase:
            register.close()
            self.message.say(_("A new passphrase is required. The register stays locked."))
            return
        self.register = register
        self.accept()


class NewPassphraseDialog(TaskDialog):
    """Set a new passphrase on an unlocked register. With `ask_current`, the current one is
    checked first (changing it from Settings)."""

    def __init__(self, register: vault.Register, parent: QWidget | None = None, *,
                 mandatory: bool = False, ask_current: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("new_passphrase_dialog")
        set_help_topic(self, "settings")
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
            self.current = password_field("current_passphrase")
            current_label = QLabel()
            caption(current_label, _("C&urrent passphrase"), self.current)
            form = QFormLayout()
            form.addRow(current_label, self.current)
            layout.addLayout(form)
        self.entry = PassphraseEntry()
        self.message = FieldMessage(self.current or self.entry.first)
        self.busy_label = _busy_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.entry)
        layout.addWidget(self.message)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.buttons)
        self.entry.changed.connect(self._update)
        self._update()
        fit_to_screen(self, QSize(560, self.sizeHint().height()))

    def _update(self) -> None:
        self.ok_button.setEnabled(self.entry.is_acceptable() and not self.busy)

    def apply(self) -> Task | None:
        """Check the current passphrase (when asked) and rewrap the key under the new one,
        off the GUI thread; the dialog closes when it is done."""
        if not self.entry.is_acceptable():
            return None
        current = self.current.text() if self.current is not None else None
        if self.current is not None:
            self.current.clear()
        new = self.entry.passphrase()
        register = self.register_

        def work() -> None:
            from app.services.storage import vault

            if current is not None:
                register.key_file.unwrap(current)  # WrongPassphrase if not
            vault.set_new_passphrase(register, new)

        widgets: list[QWidget] = [self.entry, self.buttons]
        if self.current is not None:
            widgets.append(self.current)
        self.message.say("")
        return self.start(work, self._done, self._failed, Busy(
            widgets, self.busy_label, _("Changing the passphrase…")))

    def _done(self, _result: object) -> None:
        self.entry.clear()
        self.accept()

    def _failed(self, error: AppError) -> None:
        self.message.say(error.message)


class BackupPickerDialog(TaskDialog):
    """Choose a backup and restore it over the (closed) register. `backup.restore` verifies the
    backup before anything is replaced and keeps the current register aside."""

    def __init__(self, register_dir: Path, backup_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backup_picker")
        set_help_topic(self, "settings")
        self.register_dir = Path(register_dir)
        self.backup_dir = Path(backup_dir)
        self.setWindowTitle(_("Restore from backup"))
        intro = QLabel(_("Choose a backup. It is checked completely before it replaces the "
                         "register; the current register is kept aside."))
        intro.setWordWrap(True)
        folder = QLabel(str(self.backup_dir))
        set_role(folder, "note")
        folder.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("backup_list")
        describe_table(self.list, _("Backups"), _("The backups in this folder, newest first."))
        self.passphrase = password_field("backup_passphrase")
        pass_label = QLabel()
        caption(pass_label, _("&Passphrase at the time of the backup"), self.passphrase)
        self.message = FieldMessage(self.passphrase, "restore_message")
        self.busy_label = _busy_label()
        form = QFormLayout()
        form.addRow(pass_label, self.passphrase)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(
            _("Restore"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.restore)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(folder)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.buttons)
        self.list.setMinimumHeight(80)
        self.reload()
        fit_to_screen(self, QSize(560, 400))

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
            self.message.say(_("There are no backups in this folder."))
        self.restore_button.setEnabled(self.list.count() > 0)

    def restore(self) -> Task | None:
        item = self.list.currentItem()
        if item is None:
            return None
        passphrase = self.passphrase.text()
        self.passphrase.clear()
        self.message.say("")
        folder, chosen = self.register_dir, Path(item.data(Qt.ItemDataRole.UserRole))

        def work() -> backup.Restored:
            from app.services.storage import backup

            return backup.restore(folder, chosen, passphrase)

        return self.start(work, lambda _r: self.accept(), self._failed, Busy(
            (self.list, self.passphrase, self.buttons), self.busy_label,
            _("Checking and restoring the backup…")))

    def _failed(self, error: AppError) -> None:
        self.message.say(error.message)


__all__ = ["BackupPickerDialog", "NewPassphraseDialog", "RecoveryUnlockDialog", "UnlockDialog"]
