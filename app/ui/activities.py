"""The confidant's hours outside cases: a list with add, edit and delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError, FieldError
from app.i18n import _, current_language
from app.models import codelists
from app.services.confidant.cases import CaseService
from app.ui.case_dialogs import ContactDialog, confirm
from app.ui.formatting import parse_date, parse_minutes, short_date
from app.ui.item_models import ActivityTableModel, selected_row
from app.ui.quick_entry import error_label


class ActivitiesTab(QWidget):
    changed = Signal(object)

    def __init__(
        self, today: Callable[[], dt.date] = dt.date.today, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.today = today
        self.service: CaseService | None = None
        self.model = ActivityTableModel(self)
        self.date_edit = QLineEdit()
        self.minutes_edit = QLineEdit()
        self.kind_combo = QComboBox()
        self.add_button = QPushButton()
        self.edit_button = QPushButton()
        self.delete_button = QPushButton()
        self.error = error_label()
        self.captions = [QLabel(), QLabel(), QLabel()]
        entry = QHBoxLayout()
        for caption, widget in zip(
            self.captions, (self.date_edit, self.minutes_edit, self.kind_combo), strict=True
        ):
            caption.setBuddy(widget)
            entry.addWidget(caption)
            entry.addWidget(widget)
        entry.addWidget(self.add_button)
        entry.addStretch(1)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 120)
        self.table.setColumnWidth(1, 140)
        self.table.verticalHeader().hide()
        row_buttons = QHBoxLayout()
        row_buttons.addStretch(1)
        row_buttons.addWidget(self.edit_button)
        row_buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(entry)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_buttons)
        self.add_button.clicked.connect(self.add)
        self.date_edit.returnPressed.connect(self.add)
        self.minutes_edit.returnPressed.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.retranslate_ui()
        self.reset_form()

    def attach(self, service: CaseService) -> None:
        self.service = service
        self.model.set_register(service.register)

    def clear_for_lock(self) -> None:
        self.service = None
        self.model.clear()
        self.reset_form()

    def refresh(self) -> None:
        self.model.reload()

    def retranslate_ui(self) -> None:
        for caption, text in zip(self.captions, (_("Date"), _("Minutes"), _("Kind")), strict=True):
            caption.setText(text)
        self.add_button.setText(_("Add activity"))
        self.edit_button.setText(_("Edit…"))
        self.delete_button.setText(_("Delete…"))
        current = self.kind_combo.currentData()
        self.kind_combo.clear()
        for kind in codelists.load().activity_kinds:
            self.kind_combo.addItem(kind.label(current_language()), kind.code)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(current), 0))
        self.model.headerDataChanged.emit(
            Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1
        )

    def reset_form(self) -> None:
        self.date_edit.setText(short_date(self.today()))
        self.minutes_edit.setText("60")
        self.error.hide()

    def _done(self, change: Any) -> None:
        self.changed.emit(change)

    def add(self) -> None:
        if self.service is None:
            return
        self.error.hide()
        try:
            change = self.service.add_activity(
                on=parse_date(self.date_edit.text(), "on", self.today()),
                minutes=parse_minutes(self.minutes_edit.text(), "minutes"),
                kind=self.kind_combo.currentData())
        except (FieldError, AppError) as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        self.reset_form()
        self._done(change)

    def edit_selected(self) -> None:
        row = selected_row(self.table)
        if row is None or self.service is None:
            return
        service = self.service

        def submit(v: dict[str, Any]) -> None:
            self._done(service.update_activity(row.id, **v))

        ContactDialog(_("Edit activity"), submit, self.today(), row.on, row.minutes, row.kind,
                      codelists.load().activity_kinds, "kind", _("Kind"), self).exec()

    def delete_selected(self) -> None:
        row = selected_row(self.table)
        if row is None or self.service is None:
            return
        if confirm(self, _("Delete activity"), _("Delete this activity? This cannot be undone.")):
            self._done(self.service.delete_activity(row.id))
