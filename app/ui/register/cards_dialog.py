"""Enrolment cards: this register's code and fingerprint (to read aloud by phone), saving the
own card, and importing the coordinator's card — kept only after the user confirms that the
fingerprint was compared by phone.

Open it with ``CardsDialog(register, signals, settings, parent)``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import ProfileMissing
from app.export.cards import Card
from app.i18n import N_, _, current_language
from app.models import codelists
from app.services.confidant import exporting
from app.services.storage.vault import Register
from app.settings import Settings
from app.ui.register.help import set_help_topic
from app.ui.shared.icons import icon
from app.ui.shared.ops import ErrorLine, Ops
from app.ui.shared.screen import ScrollArea, fit_to_screen
from app.ui.shared.signals import AppSignals
from app.ui.shared.style import monospace

ROLE_LABELS = {"vp": N_("Confidant"), "coordinator": N_("Coordinator"),
               "central": N_("Central compiler")}

Confirm = Callable[[QWidget, Card], bool]
ConfirmReplace = Callable[[QWidget, exporting.KeyChange], bool]


def _groups_font() -> QFont:
    return monospace(16)


def two_lines(groups: str) -> str:
    """Eight groups of five digits as two lines of four, easier to read aloud."""
    parts = groups.split()
    return " ".join(parts[:4]) + "\n" + " ".join(parts[4:]) if len(parts) > 4 else groups


def _component(code: str) -> str:
    lists = codelists.load()
    return f"{lists.label(lists.components, code, current_language())} ({code})"


def ask_compared_by_phone(parent: QWidget, card: Card) -> bool:
    """Show the card's fingerprint groups and ask whether they were compared by phone."""
    return compare_box(parent, card).exec() == QMessageBox.StandardButton.Yes


def compare_box(parent: QWidget | None, card: Card) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("compare_box")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Check the fingerprint"))
    box.setText(_("Card of {code} ({role}, {component}). Call them and let them read their "
                  "fingerprint aloud. Does it match these groups exactly?").format(
        code=card.code, role=_(ROLE_LABELS.get(card.role, card.role)),
        component=_component(card.component)))
    box.setInformativeText(two_lines(card.fingerprint_groups))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(_("Yes, compared: keep the card"))
    box.button(QMessageBox.StandardButton.No).setText(_("No, do not keep it"))
    return box


def ask_replace_key(parent: QWidget, change: exporting.KeyChange) -> bool:
    """Warn that a card gives a known coordinator another key; True only when the user chooses
    the new key (the default is to keep the old one)."""
    box = replace_box(parent, change)
    box.exec()
    return box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)


def replace_box(parent: QWidget | None, change: exporting.KeyChange) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("replace_key_box")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("A different key for {code}").format(code=change.code))
    box.setText(_("This card gives {code} a different key than the one you have. Someone may be "
                  "posing as your coordinator. Call {code} and let them read their fingerprint "
                  "aloud; replace the key only if it matches the new fingerprint.").format(
        code=change.code))
    box.setInformativeText(
        _("Old fingerprint (kept so far):") + "\n" + two_lines(change.old_fingerprint) + "\n\n"
        + _("New fingerprint (on this card):") + "\n" + two_lines(change.new_fingerprint))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setEscapeButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.No).setText(_("Keep the old key"))
    box.button(QMessageBox.StandardButton.Yes).setText(_("Replace it with the new key"))
    return box


class CardsDialog(QDialog):
    def __init__(self, register: Register, signals: AppSignals, settings: Settings,
                 parent: QWidget | None = None, *, confirm: Confirm = ask_compared_by_phone,
                 confirm_replace: ConfirmReplace = ask_replace_key) -> None:
        super().__init__(parent)
        self.register = register
        self.signals = signals
        self.settings = settings
        self._confirm = confirm
        self._confirm_replace = confirm_replace
        self.setObjectName("cards_dialog")
        set_help_topic(self, "cards")
        self.setWindowTitle(_("Enrolment cards"))
        own = self._own_card_group()
        recipient = self._recipient_group()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.error_label = ErrorLine()
        self.ops = Ops(self, self.error_label, self.signals.data_changed.emit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(own)
        body_layout.addWidget(recipient)
        body_layout.addWidget(self.message_label)
        body_layout.addWidget(self.error_label)
        body_layout.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(ScrollArea(body), 1)
        layout.addWidget(buttons)
        self.refresh()
        fit_to_screen(self, QSize(660, 540))

    def _own_card_group(self) -> QGroupBox:
        """This register's card: its code, role, component and fingerprint, and saving it."""
        self.code_label = QLabel()
        self.role_label = QLabel()
        self.component_label = QLabel()
        self.groups_label = QLabel()
        self.groups_label.setFont(_groups_font())
        self.groups_label.setWordWrap(True)
        self.groups_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        save = QPushButton(_("Save my card…"))
        save.setIcon(icon("save"))
        save.clicked.connect(self.choose_card_file)

        own = QGroupBox(_("This register"))
        own_form = QFormLayout(own)
        own_form.addRow(_("Code:"), self.code_label)
        own_form.addRow(_("Role:"), self.role_label)
        own_form.addRow(_("Component:"), self.component_label)
        own_form.addRow(QLabel(_("Fingerprint, to read aloud when your coordinator enrols you:")))
        own_form.addRow(self.groups_label)
        save_row = QHBoxLayout()
        save_row.addWidget(save)
        save_row.addStretch(1)
        own_form.addRow(save_row)
        return own

    def _recipient_group(self) -> QGroupBox:
        """The coordinator's card the quarterly files are sealed to, and importing one."""
        self.recipient_label = QLabel()
        self.recipient_label.setWordWrap(True)
        self.recipient_groups = QLabel()
        self.recipient_groups.setFont(_groups_font())
        self.recipient_groups.setWordWrap(True)
        self.recipient_groups.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        import_button = QPushButton(_("Import coordinator's card…"))
        import_button.setIcon(icon("import"))
        import_button.clicked.connect(self.choose_recipient_card)
        recipient = QGroupBox(_("Your coordinator (files are sealed to this card)"))
        recipient_layout = QVBoxLayout(recipient)
        recipient_layout.addWidget(self.recipient_label)
        recipient_layout.addWidget(self.recipient_groups)
        import_row = QHBoxLayout()
        import_row.addWidget(import_button)
        import_row.addStretch(1)
        recipient_layout.addLayout(import_row)
        return recipient

    def refresh(self) -> None:
        profile = self.register.profile()
        if profile is None:
            self.error_label.show_error(ProfileMissing())
            return
        self.code_label.setText(profile.code)
        self.role_label.setText(", ".join(_(ROLE_LABELS.get(r, r)) for r in profile.role_list))
        self.component_label.setText(_component(profile.component))
        self.groups_label.setText(two_lines(exporting.own_fingerprint_groups(self.register)))
        recipient = exporting.recipient_card(self.register)
        if recipient is None:
            self.recipient_label.setText(_("No coordinator card imported yet: files are signed "
                                           "but not sealed."))
            self.recipient_groups.setText("")
        else:
            from app.export import crypto

            self.recipient_label.setText(_("{code} ({role}, {component}), fingerprint:").format(
                code=recipient.code, role=_(ROLE_LABELS.get(recipient.role, recipient.role)),
                component=_component(recipient.component)))
            self.recipient_groups.setText(
                two_lines(crypto.fingerprint_groups(recipient.signing_public_key)))

    # --- own card ----------------------------------------------------------------------------
    def choose_card_file(self) -> None:
        profile = self.register.profile()
        name = f"Vertrouwd-kaart-{profile.code if profile else 'register'}.json"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save my card"), str(Path.home() / name), _("Vertrouwd files (*.json)"))
        if chosen:
            self.save_card_to(Path(chosen))

    def save_card_to(self, path: Path) -> Path | None:
        written = self.ops.now(lambda: exporting.write_own_card(self.register, path))
        if written is None:
            return None
        self.message_label.setText(_("Card saved: {path}. Give it to your coordinator and read "
                                     "the fingerprint aloud.").format(path=written))
        return written

    # --- coordinator's card ------------------------------------------------------------------
    def choose_recipient_card(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Import coordinator's card"), str(Path.home()), _("Vertrouwd files (*.json)"))
        if chosen:
            self.import_card_from(Path(chosen))

    def import_card_from(self, path: Path) -> Card | None:
        """Check the card, show its fingerprint, keep it only when the user confirms. A card
        that gives a known coordinator another key first shows both fingerprints, and is kept
        only when the user chooses the new key (keeping the old one is the default). The
        keeping runs off the GUI thread (``ops.wait()`` waits for it)."""
        register = self.register
        read = self.ops.now(lambda: self._checked(path))
        if read is None:
            return None
        card, change = read
        if change is not None and not self._confirm_replace(self, change):
            self.message_label.setText(_("The old key of {code} stays. Nothing was changed.")
                                       .format(code=change.code))
            return None
        if not self._confirm(self, card):
            self.message_label.setText(_("The card was not kept. Nothing was changed."))
            return None
        replace = change is not None
        self.ops.run(lambda: exporting.keep_recipient_card(register, card, replace=replace),
                     lambda _change: self._kept(card))
        return card

    def _checked(self, path: Path) -> tuple[Card, exporting.KeyChange | None]:
        card = exporting.check_recipient_card_file(self.register, path)
        return card, exporting.key_change(self.register, card)

    def _kept(self, card: Card) -> None:
        self.refresh()
        self.message_label.setText(_("Card of {code} kept: from now on your files are sealed to "
                                     "it.").format(code=card.code))
