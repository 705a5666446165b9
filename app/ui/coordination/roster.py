"""The roster screen: who is enrolled, their fingerprints, and when they count.

A card is stored only after the coordinator confirms that the fingerprint word groups were
compared with the sender in person or by phone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QSize, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.export.cards import Card
from app.i18n import N_, _
from app.services.coordination import roster as roster_service
from app.services.coordination.roster import RosterMember
from app.services.storage.vault import Register
from app.ui.coordination.common import show_error
from app.ui.shared.accessible import caption, describe_table
from app.ui.shared.formatting import fingerprint_lines, short_date
from app.ui.shared.icons import icon
from app.ui.shared.item_models import RowsTableModel, selected_row
from app.ui.shared.ops import Ops
from app.ui.shared.screen import fit_to_screen
from app.ui.shared.style import monospace, set_role
from app.ui.shared.views import EmptyState, fit_columns, ok_cancel, table_view
from app.ui.shared.worker import Task

ROLE_LABELS = {"vp": N_("confidant"), "coordinator": N_("coordinator"), "central": N_("central")}


def role_label(role: str) -> str:
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


class RosterModel(RowsTableModel):
    columns = (
        ("code", N_("Code")),
        ("nickname", N_("Nickname (only here)")),
        ("role", N_("Role")),
        ("component", N_("Component")),
        ("fingerprint_groups", N_("Fingerprint")),
        ("active_from", N_("Active from")),
        ("active_until", N_("Active until")),
    )

    def display(self, row: RosterMember, key: str) -> str:
        if key == "role":
            return role_label(row.role)
        if key == "active_from":
            return short_date(row.active_from)
        if key == "active_until":
            return short_date(row.active_until) if row.active_until else "–"
        if key == "nickname":
            return row.nickname or "–"
        return str(getattr(row, key))

    def background(self, row: RosterMember, key: str) -> QColor | None:
        return QColor("#eeeeee") if row.active_until is not None else None


def _date_edit(day: dt.date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd-MM-yyyy")
    return edit


def _to_date(edit: QDateEdit) -> dt.date:
    d = edit.date()
    return dt.date(d.year(), d.month(), d.day())


class CardConfirmDialog(QDialog):
    """Shows a card's code, role and fingerprint groups; OK only after the comparison."""

    def __init__(self, card: Card, today: dt.date, parent: QWidget | None = None, *,
                 with_date: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Enrol from a card") if with_date else _("Import a card"))
        self.card = card
        form = QFormLayout()
        form.addRow(_("Code"), QLabel(card.code))
        form.addRow(_("Role"), QLabel(role_label(card.role)))
        form.addRow(_("Component"), QLabel(card.component))
        self.fingerprint = QLabel(fingerprint_lines(card.fingerprint_groups))
        self.fingerprint.setObjectName("fingerprint")
        self.fingerprint.setFont(monospace(13))
        form.addRow(_("Fingerprint"), self.fingerprint)
        self.active_from = _date_edit(today)
        if with_date:
            from_label = QLabel()
            caption(from_label, _("Counts &from"), self.active_from)
            form.addRow(from_label, self.active_from)
        else:
            self.active_from.hide()
        intro = QLabel(_("Read the fingerprint groups aloud with the sender, in person or by "
                         "phone, and compare them word for word. Never compare them by e-mail "
                         "or chat: whoever changed the card could change that message too."))
        intro.setWordWrap(True)
        self.compared = QCheckBox(_("I compared the fingerprint with the sender in person or "
                                    "by phone, and it matches."))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Enrol") if with_date else _("Store card"))
        self.ok.setEnabled(False)
        self.compared.toggled.connect(self.ok.setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.compared)
        layout.addWidget(self.buttons)
        fit_to_screen(self, QSize(600, self.sizeHint().height()))

    def chosen_active_from(self) -> dt.date:
        return _to_date(self.active_from)


class DateDialog(QDialog):
    def __init__(self, title: str, text: str, day: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.edit = _date_edit(day)
        label = QLabel(text)
        label.setWordWrap(True)
        self.edit.setAccessibleName(text)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(buttons)

    def chosen(self) -> dt.date:
        return _to_date(self.edit)


class NicknameDialog(QDialog):
    """A coordinator's own name for a code, to recognise people: kept only here."""

    def __init__(self, code: str, nickname: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nickname_dialog")
        self.setWindowTitle(_("Nickname for {code}").format(code=code))
        self.edit = QLineEdit(nickname)
        self.edit.setObjectName("nickname")
        self.edit.setMaxLength(roster_service.NICKNAME_MAX)
        edit_label = QLabel()
        caption(edit_label, _("&Nickname"), self.edit)
        note = QLabel(_("Only for you, to recognise the code: it stays in this register and is "
                        "never written into a quarterly file, a receipt, a report or a card. "
                        "Leave it empty to remove it."))
        note.setWordWrap(True)
        set_role(note, "note")
        form = QFormLayout()
        form.addRow(edit_label, self.edit)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(480, self.sizeHint().height()))


class RosterPanel(QWidget):
    changed = Signal(object)  # a Change, for AppSignals.data_changed

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.register: Register | None = None
        self.ops = Ops(self, lambda error: show_error(self, error.message), self.changed.emit)
        self.model = RosterModel(self)
        self.view = table_view(self.model)
        self.view.setObjectName("roster_view")
        self.empty = EmptyState(self.view, lambda: _(
            "No one is enrolled yet. “Import card…” enrols a confidant from the card they gave "
            "you, after you compared its fingerprint by phone.") if self.register else "")
        self.count = QLabel()
        self.import_button = QPushButton()
        self.import_button.setIcon(icon("cards"))
        self.nickname_button = QPushButton()
        self.deactivate_button = QPushButton()
        self.reactivate_button = QPushButton()
        self.edit_buttons = (self.import_button, self.nickname_button, self.deactivate_button,
                             self.reactivate_button)  # waiting while an edit runs
        self.import_button.clicked.connect(self.import_card)
        self.nickname_button.clicked.connect(self._nickname_clicked)
        self.deactivate_button.clicked.connect(self._deactivate_clicked)
        self.reactivate_button.clicked.connect(self.reactivate_selected)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        buttons = QHBoxLayout()
        for b in (self.import_button, self.nickname_button, self.deactivate_button,
                  self.reactivate_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        self.retranslate_ui()

    def attach(self, register: Register) -> None:
        self.register = register
        self.refresh()

    def clear_for_lock(self) -> None:
        self.register = None
        self.model.clear()
        self.count.clear()

    def refresh(self) -> None:
        if self.register is None:
            return
        members = roster_service.list_members(self.register)
        self.model.set_rows(members)
        fit_columns(self.view)
        active = sum(1 for m in members if m.active_until is None or m.active_until >= self.today())
        self.count.setText(_("{active} active, {total} enrolled").format(
            active=active, total=len(members)))

    def retranslate_ui(self) -> None:
        self.import_button.setText(_("Import card…"))
        self.nickname_button.setText(_("Nickname…"))
        describe_table(self.view, _("Roster"),
                       _("One row per enrolled sender: code, your nickname for it, role, "
                         "component, fingerprint, and the days they count."))
        self.deactivate_button.setText(_("Deactivate…"))
        self.reactivate_button.setText(_("Reactivate"))
        self.model.retranslate()
        self.refresh()

    def _update_buttons(self, *_args: Any) -> None:
        member = selected_row(self.view)
        self.nickname_button.setEnabled(member is not None)
        self.deactivate_button.setEnabled(member is not None and member.active_until is None)
        self.reactivate_button.setEnabled(member is not None and member.active_until is not None)

    # --- enrol -------------------------------------------------------------------------
    def import_card(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Import card"), "", _("Vertrouwd card (*.json);;All files (*)"))
        if path:
            self.import_card_file(Path(path))

    def import_card_file(self, path: Path, *, confirm: bool = True) -> Task | None:
        """Read the card, show its fingerprint for comparison, then enrol it."""
        if self.register is None:
            return None
        read = self.ops.now(lambda: roster_service.read_card_file(path))
        if read is None:
            return None
        data, card = read
        dialog = CardConfirmDialog(card, self.today(), self)
        self.card_dialog = dialog  # tests fill it in through `confirm=False`
        if confirm and dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.enrol(data, dialog.chosen_active_from())

    def enrol(self, data: bytes, active_from: dt.date) -> Task | None:
        register, today = self.register, self.today()
        if register is None:
            return None
        return self.ops.run(lambda: roster_service.add_card(
            register, data, today=today, active_from=active_from),
            self._edited, disable=self.edit_buttons)

    def _edited(self, _member: RosterMember) -> None:
        self.refresh()

    # --- nickname -------------------------------------------------------------------------
    def _nickname_clicked(self) -> None:
        member = selected_row(self.view)
        if member is None:
            return
        dialog = NicknameDialog(member.code, member.nickname, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_nickname(member.code, dialog.edit.text())

    def set_nickname(self, code: str, nickname: str) -> Task | None:
        register = self.register
        if register is None:
            return None
        return self.ops.run(lambda: roster_service.set_nickname(register, code, nickname),
                            self._edited, disable=self.edit_buttons)

    # --- active period -------------------------------------------------------------------
    def _deactivate_clicked(self) -> None:
        member = selected_row(self.view)
        if member is None:
            return
        dialog = DateDialog(_("Deactivate"), _("Last day that {code} counts as a sender. From the "
                                               "next quarter on, no file is expected.").format(
            code=member.code), self.today(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.deactivate(member.code, dialog.chosen())

    def deactivate(self, code: str, until: dt.date) -> Task | None:
        register = self.register
        if register is None:
            return None
        return self.ops.run(lambda: roster_service.deactivate(register, code, until=until),
                            self._edited, disable=self.edit_buttons)

    def reactivate_selected(self) -> Task | None:
        member, register = selected_row(self.view), self.register
        if member is None or register is None:
            return None
        return self.ops.run(lambda: roster_service.reactivate(register, member.code),
                            self._edited, disable=self.edit_buttons)
