"""First-run wizard: where the register lives, the passphrase, role and component, then the
register is created and a recovery code offered. The result is an unlocked `Register`.

The register can live in the user folder, next to the program (portable), in the folder given
with ``--register PATH``, or in any folder chosen here (a USB stick). Creating the register
and the recovery code derive keys (Argon2id): both run off the GUI thread, and the wizard moves
on when they are done.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app import paths
from app.errors import AppError, RegisterExists
from app.export.interchange import CENTRAL_COMPONENT
from app.i18n import _, current_language
from app.models import codelists
from app.models.register_files import register_exists
from app.services.storage import vault
from app.ui.register.help import set_help_topic
from app.ui.register.recovery import RecoveryCodePanel
from app.ui.shared.accessible import caption, name
from app.ui.shared.ops import Ops
from app.ui.shared.passphrase_entry import PassphraseEntry
from app.ui.shared.screen import fit_to_screen
from app.ui.shared.style import set_role

REGISTER_SUBFOLDER = "register"


def _path_note(path: Path) -> QLabel:
    label = QLabel(str(path))
    set_role(label, "note")
    label.setWordWrap(True)
    label.setContentsMargins(22, 0, 0, 0)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class LocationPage(QWizardPage):
    def __init__(self, default_dir: Path, portable_dir: Path,
                 given_dir: Path | None = None) -> None:
        super().__init__()
        self.setTitle(_("Where should the register be kept?"))
        self.setSubTitle(_("The register is one encrypted folder. Nothing is sent over a network."))
        self.default_dir = default_dir
        self.portable_dir = portable_dir
        self.given_dir = given_dir
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        self.given_choice: QRadioButton | None = None
        if given_dir is not None:
            self.given_choice = QRadioButton(_("In the folder given when the program started"))
            layout.addWidget(self.given_choice)
            layout.addWidget(_path_note(given_dir))
            self.group.addButton(self.given_choice)
        self.default_choice = QRadioButton(_("On this computer, in my user folder"))
        self.default_path = _path_note(default_dir)
        self.portable_choice = QRadioButton(_("Portable, next to the program (for a USB stick)"))
        self.portable_path = _path_note(portable_dir)
        self.other_choice = QRadioButton(_("In another folder, for instance on a USB stick"))
        self.other_edit = QLineEdit()
        self.other_edit.setObjectName("other_folder")
        name(self.other_edit, _("Other folder"),
             _("The folder that will hold the register. It is created when needed."))
        self.other_button = QPushButton(_("Choose…"))
        name(self.other_button, _("Choose another folder"))
        self.other_button.clicked.connect(self._choose_other)
        other_row = QHBoxLayout()
        other_row.setContentsMargins(22, 0, 0, 0)
        other_row.addWidget(self.other_edit, 1)
        other_row.addWidget(self.other_button)
        for button in (self.default_choice, self.portable_choice, self.other_choice):
            self.group.addButton(button)
        (self.given_choice or self.default_choice).setChecked(True)
        self.error = QLabel()
        self.error.setObjectName("location_error")
        self.error.setWordWrap(True)
        set_role(self.error, "error")
        self.error.hide()
        for w in (self.default_choice, self.default_path, self.portable_choice,
                  self.portable_path, self.other_choice):
            layout.addWidget(w)
        layout.addLayout(other_row)
        layout.addWidget(self.error)
        layout.addStretch()
        self.group.buttonToggled.connect(lambda *_a: self._changed())
        self.other_edit.textChanged.connect(lambda _t: self._changed())
        self._changed()

    def _changed(self) -> None:
        other = self.other_choice.isChecked()
        self.other_edit.setEnabled(other)
        self.other_button.setEnabled(other)
        self.error.hide()
        self.completeChanged.emit()

    def _choose_other(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder for the register"),
                                                  self.other_edit.text())
        if folder:
            self.choose_other(Path(folder))

    def choose_other(self, folder: Path) -> None:
        """The register goes into ``folder`` (a new sub-folder ``register`` when the chosen
        folder already holds other files, such as the root of a USB stick)."""
        self.other_choice.setChecked(True)
        if Path(folder).is_dir() and any(Path(folder).iterdir()) \
                and not register_exists(Path(folder)):
            folder = Path(folder) / REGISTER_SUBFOLDER
        self.other_edit.setText(str(folder))

    def chosen_dir(self) -> Path:
        if self.given_choice is not None and self.given_choice.isChecked() and self.given_dir:
            return self.given_dir
        if self.portable_choice.isChecked():
            return self.portable_dir
        if self.other_choice.isChecked():
            return Path(self.other_edit.text().strip()).expanduser()
        return self.default_dir

    def isComplete(self) -> bool:  # noqa: N802
        return not self.other_choice.isChecked() or bool(self.other_edit.text().strip())

    def validatePage(self) -> bool:  # noqa: N802
        folder = self.chosen_dir()
        if register_exists(folder):
            self.error.setText(RegisterExists(path=str(folder)).message + " " + _(
                "Choose another folder, or close this window and open that register."))
            self.error.show()
            return False
        return True


class PassphrasePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Choose a passphrase"))
        self.setSubTitle(_("The passphrase protects everything in the register. Nobody can "
                           "reset it for you."))
        self.entry = PassphraseEntry()
        self.entry.changed.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(self.entry)
        layout.addStretch()

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return self.entry.is_acceptable()

    def validatePage(self) -> bool:  # noqa: N802
        return self.entry.is_acceptable()


class ProfilePage(QWizardPage):
    """Role(s) and defence component; creating the register happens when leaving this page."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(_("Your role"))
        self.setSubTitle(_("This decides which workspaces you see. Your name is never stored."))
        self.vp = QCheckBox(_("Confidant (VP)"))
        self.vp.setChecked(True)
        self.coordinator = QCheckBox(_("Coordinator of confidants (CVP/ACVP)"))
        self.central = QCheckBox(_("Central compiler of the annual report"))
        self.component = QComboBox()
        lang = current_language()
        for item in codelists.load().components:
            label = item.label(lang)
            self.component.addItem(f"{label} ({item.code})", item.code)
        self.component.setCurrentIndex(-1)
        self.component.setPlaceholderText(_("Choose a defence component"))
        self.error = QLabel()
        self.error.setObjectName("create_error")
        self.error.setWordWrap(True)
        set_role(self.error, "error")
        self.busy_label = QLabel()
        set_role(self.busy_label, "note")
        component_label = QLabel()
        caption(component_label, _("Defence &component"), self.component)
        form = QFormLayout()
        form.addRow(component_label, self.component)
        layout = QVBoxLayout(self)
        for w in (self.vp, self.coordinator, self.central):
            layout.addWidget(w)
            w.toggled.connect(self._roles_changed)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.busy_label)
        layout.addStretch()
        self.component.currentIndexChanged.connect(self.completeChanged)

    def roles(self) -> tuple[str, ...]:
        if self.central.isChecked():
            return ("central",)
        return tuple(r for r, box in (("vp", self.vp), ("coordinator", self.coordinator))
                     if box.isChecked())

    def component_code(self) -> str:
        return (
            CENTRAL_COMPONENT
            if self.central.isChecked()
            else str(self.component.currentData() or "")
        )

    def _roles_changed(self) -> None:
        central = self.central.isChecked()
        for box in (self.vp, self.coordinator):
            box.setEnabled(not central)
        self.component.setEnabled(not central)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.roles()) and bool(self.component_code()) and not self._wizard.busy

    def validatePage(self) -> bool:  # noqa: N802
        """Leaving this page creates the register (off the GUI thread); the wizard moves on
        by itself when it is there."""
        if self._wizard.register is not None:
            return True
        self._wizard.create_register()
        return False


class RecoveryPage(QWizardPage):
    """A recovery code, or the explicit choice to make one later: Enter alone never skips it."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(_("Recovery code"))
        self.setSubTitle(_("If you ever forget your passphrase, the recovery code is the only "
                           "way back into the register."))
        self.create_button = QPushButton(_("Create recovery code"))
        self.create_button.setObjectName("create_recovery")
        self.create_button.clicked.connect(self._create)
        self.panel = RecoveryCodePanel()
        self.later = QCheckBox(_("I will create a recovery code later, in Settings"))
        self.later.setObjectName("recovery_later")
        self.later.toggled.connect(self.completeChanged)
        self.skip_note = QLabel(_("Without a recovery code a forgotten passphrase means the "
                                  "register is lost."))
        self.skip_note.setWordWrap(True)
        set_role(self.skip_note, "note")
        self.busy_label = QLabel()
        set_role(self.busy_label, "note")
        layout = QVBoxLayout(self)
        layout.addWidget(self.create_button)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.panel)
        layout.addWidget(self.later)
        layout.addWidget(self.skip_note)
        layout.addStretch()

    def initializePage(self) -> None:  # noqa: N802
        self.create_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def has_code(self) -> bool:
        return bool(self.panel.code_label.text())

    def isComplete(self) -> bool:  # noqa: N802
        return (self.has_code() or self.later.isChecked()) and not self._wizard.busy

    def _create(self) -> None:
        self._wizard.create_recovery_code()

    def show_code(self, code: str) -> None:
        self.panel.set_code(code)
        self.create_button.setEnabled(False)
        self.later.setEnabled(False)
        self.completeChanged.emit()
        self.panel.print_button.setFocus()


class DonePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Your register is ready"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.code = QLabel()
        self.code.setObjectName("vp_code")
        font = self.code.font()
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        self.code.setFont(font)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.code)
        layout.addStretch()

    def show_code(self, code: str, folder: Path) -> None:
        self.summary.setText(
            _("Your pseudonymous code is shown below. Your coordinator needs it to enrol you; it "
              "says nothing about who you are. The register is kept in {folder}.").format(
                folder=folder)
        )
        self.code.setText(code)


class FirstRunWizard(QWizard):
    """After `exec()`/`accepted`, `register` holds the new, unlocked register (or None)."""

    def __init__(self, default_dir: Path | None = None, portable_dir: Path | None = None,
                 parent: QWidget | None = None, *, given_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_run_wizard")
        set_help_topic(self, "first-start")
        self.setWindowTitle(_("First start"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.register: vault.Register | None = None
        self.ops = Ops(self, self._tell_error)
        self.location = LocationPage(
            default_dir or paths.default_register_dir(),
            portable_dir or paths.portable_data_dir() / REGISTER_SUBFOLDER,
            given_dir,
        )
        self.passphrase = PassphrasePage()
        self.profile = ProfilePage(self)
        self.recovery = RecoveryPage(self)
        self.done_page = DonePage()
        for page in (self.location, self.passphrase, self.profile, self.recovery, self.done_page):
            self.addPage(page)
        # Leaving the role page creates the register: there is no way back after it.
        self.profile.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Create register"))
        fit_to_screen(self, QSize(680, 520))

    @property
    def busy(self) -> bool:
        return self.ops.busy

    def _buttons(self) -> list[QWidget]:
        return [self.button(b) for b in (QWizard.WizardButton.BackButton,
                                         QWizard.WizardButton.NextButton,
                                         QWizard.WizardButton.CommitButton,
                                         QWizard.WizardButton.FinishButton,
                                         QWizard.WizardButton.CancelButton)]

    def _tell_error(self, error: AppError) -> None:
        """The sentence on the page that was busy."""
        shown = self.profile.error if self.currentPage() is self.profile \
            else self.recovery.skip_note
        shown.setText(error.message)
        shown.setAccessibleDescription(error.message)
        set_role(shown, "error")
        self.currentPage().completeChanged.emit()

    def create_register(self) -> None:
        """Create the register with the chosen settings, then move on to the recovery code;
        the reason is shown when that fails."""
        if self.register is not None or self.busy:
            return
        folder = self.location.chosen_dir()
        passphrase = self.passphrase.entry.passphrase()
        roles, component = self.profile.roles(), self.profile.component_code()
        self.profile.error.clear()

        def work() -> vault.Register:
            register, _code = vault.create_register(folder, passphrase, roles=roles,
                                                    component=component)
            return register

        def created(register: vault.Register) -> None:
            self.register = register
            self.passphrase.entry.clear()  # not kept in widgets longer than needed
            profile = register.profile()
            self.done_page.show_code(profile.code if profile else "", folder)
            self.next()
            self.currentPage().completeChanged.emit()

        self.ops.run(work, created, disable=self._buttons(), status=self.profile.busy_label,
                     text=_("Creating the register…"))

    def create_recovery_code(self) -> None:
        register = self.register
        if register is None or self.busy:
            return
        self.ops.run(lambda: vault.create_recovery_code(register), self._recovery_code_made,
                     disable=self._buttons(), status=self.recovery.busy_label,
                     text=_("Creating the recovery code…"))

    def _recovery_code_made(self, code: str) -> None:
        self.recovery.show_code(code)
        self.currentPage().completeChanged.emit()

    def register_folder(self) -> Path:
        return self.location.chosen_dir()

    def reject(self) -> None:
        if not self.busy:
            super().reject()

    def done(self, result: int) -> None:
        self.ops.wait()
        super().done(result)
