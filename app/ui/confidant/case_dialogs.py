"""Dialogs on one case: close (outcome, referrals), edit topics/grounds/memo, edit a contact
moment, edit an activity. Each dialog calls `submit(values)`; a FieldError keeps the dialog
open with the sentence next to the field, so bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt
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

from app.i18n import _, current_language
from app.models import codelists
from app.models.codelists import DISCRIMINATION
from app.services.confidant import queries, typed_input
from app.services.confidant.cases import ReferralInput
from app.services.confidant.memo_guard import check_memo
from app.ui.confidant.quick_entry import CODE_ROLE, error_label
from app.ui.register.help import set_help_topic
from app.ui.shared.accessible import caption, name
from app.ui.shared.date_field import DateField
from app.ui.shared.formatting import short_date
from app.ui.shared.ops import Ops
from app.ui.shared.screen import ScrollArea, fit_to_screen
from app.ui.shared.style import set_role

Submit = Callable[[dict[str, Any]], object]


def confirm_box(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """Delete / Cancel, Cancel the default: Enter alone deletes nothing."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.setObjectName("confirm_box")
    box.addButton(_("Delete"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    return box


def confirm(parent: QWidget, title: str, text: str) -> bool:
    box = confirm_box(parent, title, text)
    box.exec()
    return box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.DestructiveRole


class FormDialog(QDialog):
    """A form in a scroll area (it fits a small screen), an error line under each field, and
    Save / Cancel."""

    preferred = QSize(520, 420)

    def __init__(self, title: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        set_help_topic(self, "contact")
        self.submit = submit
        self.form = QFormLayout()
        self.errors: dict[str, QLabel] = {}
        self.general_error = error_label()
        self.ops = Ops(self, self.general_error, field_errors=self.errors)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        self.first_field: QWidget | None = None
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        pane = QWidget()
        pane.setLayout(self.form)
        self.scroll_area = ScrollArea(pane)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        # Enter saves, wherever the typing is (not "Add referral", the first button Qt finds);
        # only once the button is in the dialog does the dialog know its default
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)

    def fit(self) -> None:
        fit_to_screen(self, self.preferred)

    def add_field(self, key: str, text: str, widget: QWidget, *,
                  labels_field: bool = True) -> QLabel:
        """A row: ``text`` (with its ``&`` mnemonic) names ``widget``, the field that takes
        the typing (not with ``labels_field=False``: a group of fields, each named itself);
        the error line sits under the field."""
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(widget)
        self.errors[key] = error_label()
        col.addWidget(self.errors[key])
        label = QLabel()
        caption(label, text, widget if labels_field else None)
        self.form.addRow(label, box)
        if self.first_field is None:
            self.first_field = widget
            widget.setFocus()  # the dialog opens with the typing in its first field
        return label

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def accept(self) -> None:
        """Save through the runner: an error under its field (or under the form), the
        dialog stays open; the submit hands the use case's change on."""
        if self.ops.attempt(lambda: self.submit(self.values())):
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


class ReferralRow(QWidget):
    """One referral: to whom, on which date, and a button that removes it again."""

    def __init__(self, number: int, today: dt.date, target: str | None, on: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target = code_combo(codelists.load().referral_targets, target)
        # Long organisation names are elided in the field, not a reason to scroll sideways.
        self.target.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.target.setMinimumContentsLength(8)
        self.date = DateField(lambda: today)
        self.date.setText(on or short_date(today))
        self.date.setMinimumWidth(self.date.fontMetrics().horizontalAdvance("00-00-00000") + 40)
        self.remove_button = QPushButton(_("Remove"))
        name(self.target, _("Referral {n}: to").format(n=number))
        name(self.date, _("Referral {n}: date").format(n=number))
        name(self.remove_button, _("Remove referral {n}").format(n=number))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.target, 3)
        row.addWidget(self.date, 2)
        row.addWidget(self.remove_button)


class CloseCaseDialog(FormDialog):
    preferred = QSize(600, 460)

    def __init__(self, submit: Submit, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(_("Close case"), submit, parent)
        self.today = today
        lists = codelists.load()
        self.closed_on = DateField(lambda: today)
        self.closed_on.setText(short_date(today))
        # No outcome chosen beforehand: one Enter must not record an outcome nobody chose.
        self.outcome = code_combo(lists.outcomes)
        self.outcome.setCurrentIndex(-1)
        self.outcome.setPlaceholderText(_("Choose an outcome"))
        self.add_field("closed_on", _("&Closed on"), self.closed_on)
        self.add_field("outcome", _("&Outcome"), self.outcome)
        self.referral_rows: list[ReferralRow] = []
        self.referral_box = QVBoxLayout()
        self.referral_box.setContentsMargins(0, 0, 0, 0)
        holder = QWidget()
        holder.setLayout(self.referral_box)
        self.add_referral_button = QPushButton(_("&Add referral"))
        self.add_referral_button.clicked.connect(lambda: self.add_referral(focus=True))
        self.referral_box.addWidget(self.add_referral_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.add_field("referrals", _("Referrals"), holder, labels_field=False)
        self.fit()

    def add_referral(self, target: str | None = None, on: str = "", *,
                     focus: bool = False) -> ReferralRow:
        row = ReferralRow(len(self.referral_rows) + 1, self.today, target, on)
        row.remove_button.clicked.connect(lambda _c=False, r=row: self.remove_referral(r))
        self.referral_box.insertWidget(self.referral_box.count() - 1, row)
        self.referral_rows.append(row)
        self._renumber()
        if focus:
            row.target.setFocus()
        return row

    def remove_referral(self, row: ReferralRow) -> None:
        self.referral_rows.remove(row)
        self.referral_box.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._renumber()
        self.add_referral_button.setFocus()

    def _renumber(self) -> None:
        for n, row in enumerate(self.referral_rows, start=1):
            name(row.target, _("Referral {n}: to").format(n=n))
            name(row.date, _("Referral {n}: date").format(n=n))
            name(row.remove_button, _("Remove referral {n}").format(n=n))
        previous: QWidget = self.outcome
        for row in self.referral_rows:
            for widget in (row.target, row.date, row.remove_button):
                QWidget.setTabOrder(previous, widget)
                previous = widget
        QWidget.setTabOrder(previous, self.add_referral_button)

    def values(self) -> dict[str, Any]:
        return {
            "on": typed_input.date(self.closed_on.text(), "closed_on", self.today),
            "outcome": self.outcome.currentData(),
            "referrals": [
                ReferralInput(r.target.currentData(),
                              typed_input.date(r.date.text(), "referrals", self.today))
                for r in self.referral_rows
            ],
        }


class EditCaseDialog(FormDialog):
    preferred = QSize(560, 620)

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
        self.memo.setMaximumHeight(120)
        self.memo_warning = QLabel()
        self.memo_warning.setWordWrap(True)
        set_role(self.memo_warning, "warning")
        self.add_field("topics", _("&Topics"), self.topics)
        self.add_field("grounds", _("&Grounds"), self.grounds)
        self.topics.setAccessibleDescription(_("Space ticks or unticks the current topic."))
        self.grounds.setAccessibleDescription(_("Only for discrimination: space ticks or "
                                                "unticks the current ground."))
        self.add_field("memo", _("M&emo"), self.memo)
        self.form.addRow("", self.memo_warning)
        self.memo.textChanged.connect(self._check_memo)
        self._check_memo()
        self.fit()

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

    preferred = QSize(480, 300)

    def __init__(self, title: str, submit: Submit, today: dt.date, on: dt.date, minutes: int,
                 code: str, items: tuple[codelists.Code, ...], code_field: str,
                 code_label: str, parent: QWidget | None = None) -> None:
        super().__init__(title, submit, parent)
        self.today = today
        self.code_field = code_field
        self.on = DateField(lambda: today)
        self.on.setText(short_date(on))
        self.minutes = QLineEdit(str(minutes))
        self.code = code_combo(items, code)
        self.add_field("on", _("&Date"), self.on)
        self.add_field("minutes", _("&Minutes"), self.minutes)
        self.add_field(code_field, code_label, self.code)
        if code_field == "kind":
            set_help_topic(self, "activities")
        self.fit()

    def values(self) -> dict[str, Any]:
        return {"on": typed_input.date(self.on.text(), "on", self.today),
                "minutes": typed_input.minutes(self.minutes.text(), "minutes"),
                self.code_field: self.code.currentData()}
