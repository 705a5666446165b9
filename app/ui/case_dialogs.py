"""Dialogs on one case: close (outcome, referrals), edit topics/grounds/memo, edit a contact
moment, edit an activity. Each dialog calls `submit(values)`; a FieldError keeps the dialog
open with the sentence next to the field, so bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError, FieldError
from app.i18n import _, current_language
from app.models import codelists
from app.models.codelists import DISCRIMINATION
from app.services.confidant import queries
from app.services.confidant.cases import ReferralInput
from app.services.confidant.memo_guard import check_memo
from app.ui.formatting import parse_date, parse_minutes, short_date
from app.ui.quick_entry import CODE_ROLE, error_label

Submit = Callable[[dict[str, Any]], object]


def confirm(parent: QWidget, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    yes = box.addButton(_("Delete"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is yes


class FormDialog(QDialog):
    def __init__(self, title: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.submit = submit
        self.form = QFormLayout()
        self.errors: dict[str, QLabel] = {}
        self.general_error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    def add_field(self, key: str, text: str, widget: QWidget) -> None:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(widget)
        self.errors[key] = error_label()
        col.addWidget(self.errors[key])
        self.form.addRow(text, box)

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def accept(self) -> None:
        for lab in [*self.errors.values(), self.general_error]:
            lab.hide()
        try:
            self.submit(self.values())
        except FieldError as exc:
            lab = self.errors.get(exc.field, self.general_error)
            lab.setText(exc.message)
            lab.show()
            return
        except AppError as exc:
            self.general_error.setText(exc.message)
            self.general_error.show()
            return
        super().accept()


def code_combo(items: tuple[codelists.Code, ...], current: str | None = None) -> QComboBox:
    combo = QComboBox()
    for item in items:
        combo.addItem(item.label(current_language()), item.code)
    if current is not None:
        combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


def check_list(items: tuple[codelists.Code, ...], checked: tuple[str, ...]) -> QListWidget:
    widget = QListWidget()
    for code in items:
        item = QListWidgetItem(code.label(current_language()))
        item.setData(CODE_ROLE, code.code)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                      | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(
            Qt.CheckState.Checked if code.code in checked else Qt.CheckState.Unchecked
        )
        widget.addItem(item)
    return widget


def checked_codes(widget: QListWidget) -> list[str]:
    return [widget.item(i).data(CODE_ROLE) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


class CloseCaseDialog(FormDialog):
    def __init__(self, submit: Submit, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(_("Close case"), submit, parent)
        self.today = today
        lists = codelists.load()
        self.closed_on = QLineEdit(short_date(today))
        self.outcome = code_combo(lists.outcomes)
        self.add_field("closed_on", _("Closed on"), self.closed_on)
        self.add_field("outcome", _("Outcome"), self.outcome)
        self.referral_rows: list[tuple[QComboBox, QLineEdit]] = []
        self.referral_box = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(self.referral_box)
        self.add_field("referrals", _("Referrals"), holder)
        self.add_referral_button = QPushButton(_("Add referral"))
        self.add_referral_button.clicked.connect(lambda: self.add_referral())
        self.referral_box.addWidget(self.add_referral_button)

    def add_referral(self, target: str | None = None, on: str = "") -> None:
        row = QHBoxLayout()
        combo = code_combo(codelists.load().referral_targets, target)
        date = QLineEdit(on or short_date(self.today))
        row.addWidget(combo, 2)
        row.addWidget(date, 1)
        self.referral_box.insertLayout(self.referral_box.count() - 1, row)
        self.referral_rows.append((combo, date))

    def values(self) -> dict[str, Any]:
        return {
            "on": parse_date(self.closed_on.text(), "closed_on", self.today),
            "outcome": self.outcome.currentData(),
            "referrals": [
                ReferralInput(c.currentData(), parse_date(d.text(), "referrals", self.today))
                for c, d in self.referral_rows
            ],
        }


class EditCaseDialog(FormDialog):
    def __init__(
        self, detail: queries.CaseDetail, submit: Submit, parent: QWidget | None = None,
        lists: codelists.CodeLists | None = None,  # the register's (an older one: history)
    ) -> None:
        super().__init__(_("Edit case"), submit, parent)
        lists = lists or codelists.load()
        self.topics = check_list(lists.topics, detail.topics)
        self.grounds = check_list(lists.discrimination_grounds, detail.grounds)
        self.memo = QPlainTextEdit(detail.memo)
        self.memo.setTabChangesFocus(True)
        self.memo_warning = QLabel()
        self.memo_warning.setWordWrap(True)
        self.memo_warning.setStyleSheet("color: #8a5a00;")
        self.add_field("topics", _("Topics"), self.topics)
        self.add_field("grounds", _("Grounds"), self.grounds)
        self.add_field("memo", _("Memo"), self.memo)
        self.form.addRow("", self.memo_warning)
        self.memo.textChanged.connect(self._check_memo)
        self._check_memo()

    def _check_memo(self) -> None:
        warnings = check_memo(self.memo.toPlainText())
        self.memo_warning.setText(" ".join(_(w.message) for w in warnings))
        self.memo_warning.setVisible(bool(warnings))

    def values(self) -> dict[str, Any]:
        topics = checked_codes(self.topics)
        grounds = checked_codes(self.grounds) if DISCRIMINATION in topics else []
        return {"topics": topics, "grounds": grounds, "memo": self.memo.toPlainText()}


class ContactDialog(FormDialog):
    """Edit one contact moment (or one activity with `kinds`)."""

    def __init__(self, title: str, submit: Submit, today: dt.date, on: dt.date, minutes: int,
                 code: str, items: tuple[codelists.Code, ...], code_field: str,
                 code_label: str, parent: QWidget | None = None) -> None:
        super().__init__(title, submit, parent)
        self.today = today
        self.code_field = code_field
        self.on = QLineEdit(short_date(on))
        self.minutes = QLineEdit(str(minutes))
        self.code = code_combo(items, code)
        self.add_field("on", _("Date"), self.on)
        self.add_field("minutes", _("Minutes"), self.minutes)
        self.add_field(code_field, code_label, self.code)

    def values(self) -> dict[str, Any]:
        return {"on": parse_date(self.on.text(), "on", self.today),
                "minutes": parse_minutes(self.minutes.text(), "minutes"),
                self.code_field: self.code.currentData()}
