"""First-run wizard: where the register lives, the passphrase, role and component, then the
register is created and a recovery code offered. The result is an unlocked `Register`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app import paths
from app.errors import AppError
from app.export.interchange import CENTRAL_COMPONENT
from app.i18n import _, current_language
from app.models import codelists
from app.services.storage import vault
from app.ui.passphrase_entry import ERROR_STYLE, PassphraseEntry
from app.ui.recovery import RecoveryCodePanel

REGISTER_SUBFOLDER = "register"


class LocationPage(QWizardPage):
    def __init__(self, default_dir: Path, portable_dir: Path) -> None:
        super().__init__()
        self.setTitle(_("Where should the register be kept?"))
        self.setSubTitle(_("The register is one encrypted folder. Nothing is sent over a network."))
        self.default_dir = default_dir
        self.portable_dir = portable_dir
        self.default_choice = QRadioButton(_("On this computer, in my user folder"))
        self.default_path = QLabel(str(default_dir))
        self.portable_choice = QRadioButton(_("Portable, next to the program (for a USB stick)"))
        self.portable_path = QLabel(str(portable_dir))
        for label in (self.default_path, self.portable_path):
            label.setStyleSheet("color: palette(mid); margin-left: 22px;")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.group = QButtonGroup(self)
        self.group.addButton(self.default_choice)
        self.group.addButton(self.portable_choice)
        self.default_choice.setChecked(True)
        layout = QVBoxLayout(self)
        for w in (self.default_choice, self.default_path, self.portable_choice, self.portable_path):
            layout.addWidget(w)
        layout.addStretch()

    def chosen_dir(self) -> Path:
        return self.portable_dir if self.portable_choice.isChecked() else self.default_dir


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
        self.error.setStyleSheet(ERROR_STYLE)
        form = QFormLayout()
        form.addRow(_("Defence component"), self.component)
        layout = QVBoxLayout(self)
        for w in (self.vp, self.coordinator, self.central):
            layout.addWidget(w)
            w.toggled.connect(self._roles_changed)
        layout.addLayout(form)
        layout.addWidget(self.error)
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
        return bool(self.roles()) and bool(self.component_code())

    def validatePage(self) -> bool:  # noqa: N802
        return self._wizard.create_register()


class RecoveryPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(_("Recovery code"))
        self.setSubTitle(_("If you ever forget your passphrase, the recovery code is the only "
                           "way back into the register."))
        self.create_button = QPushButton(_("Create recovery code"))
        self.create_button.clicked.connect(self._create)
        self.panel = RecoveryCodePanel()
        self.skip_note = QLabel(_("You can also create a recovery code later in Settings."))
        self.skip_note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.create_button)
        layout.addWidget(self.panel)
        layout.addWidget(self.skip_note)
        layout.addStretch()

    def _create(self) -> None:
        code = self._wizard.create_recovery_code()
        if code:
            self.panel.set_code(code)
            self.create_button.setEnabled(False)


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
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Vertrouwd — first start"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.register: vault.Register | None = None
        self.location = LocationPage(
            default_dir or paths.default_register_dir(),
            portable_dir or paths.portable_data_dir() / REGISTER_SUBFOLDER,
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
        self.setMinimumSize(640, 460)

    def create_register(self) -> bool:
        """Create the register with the chosen settings; show the reason if that fails."""
        if self.register is not None:
            return True
        folder = self.location.chosen_dir()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.register, _code = vault.create_register(
                folder, self.passphrase.entry.passphrase(),
                roles=self.profile.roles(), component=self.profile.component_code(),
            )
        except AppError as exc:
            self.profile.error.setText(exc.message)
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.passphrase.entry.clear()  # not kept in widgets longer than needed
        profile = self.register.profile()
        self.done_page.show_code(profile.code if profile else "", folder)
        return True

    def create_recovery_code(self) -> str | None:
        if self.register is None:
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return vault.create_recovery_code(self.register)
        except AppError as exc:
            self.recovery.skip_note.setText(exc.message)
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()

    def register_folder(self) -> Path:
        return self.location.chosen_dir()
