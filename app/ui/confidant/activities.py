"""The confidant's hours outside cases: a line to add one, the list of a period with its
totals, and edit and delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, current_language, format_minutes, format_number, ngettext
from app.models import codelists
from app.models.periods import Quarter
from app.services.confidant import queries, typed_input
from app.services.confidant.cases import CaseService
from app.ui.confidant.case_dialogs import ContactDialog, confirm
from app.ui.confidant.quick_entry import DEFAULT_MINUTES, error_label
from app.ui.shared.accessible import caption, describe_table
from app.ui.shared.date_field import DateField
from app.ui.shared.formatting import short_date
from app.ui.shared.icons import icon
from app.ui.shared.item_models import ActivityTableModel, selected_row
from app.ui.shared.ops import Ops
from app.ui.shared.style import set_role
from app.ui.shared.views import EmptyState, fit_headers, table_view


class ActivitiesTab(QWidget):
    changed = Signal(object)

    def __init__(
        self, today: Callable[[], dt.date] = dt.date.today, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.today = today
        self.service: CaseService | None = None
        self.model = ActivityTableModel(self)
        self.date_edit = DateField(today)
        self.minutes_edit = QLineEdit()
        self.minutes_edit.setMaxLength(4)
        self.kind_combo = QComboBox()
        self.add_button = QPushButton()
        self.add_button.setIcon(icon("new"))
        self.edit_button = QPushButton()
        self.delete_button = QPushButton()
        self.error = error_label()
        self.ops = Ops(self, self.error, self.changed.emit)
        self.captions = [QLabel(), QLabel(), QLabel()]
        entry = QHBoxLayout()
        for caption_label, widget in zip(
            self.captions, (self.date_edit, self.minutes_edit, self.kind_combo), strict=True
        ):
            entry.addWidget(caption_label)
            entry.addWidget(widget)
        entry.addWidget(self.add_button)
        entry.addStretch(1)
        self.period_caption = QLabel()
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("activity_period")
        self.totals = QLabel()
        self.totals.setObjectName("activity_totals")
        set_role(self.totals, "subheading")
        period_row = QHBoxLayout()
        period_row.addWidget(self.period_caption)
        period_row.addWidget(self.period_combo)
        period_row.addSpacing(12)
        period_row.addWidget(self.totals, 1)
        self.table = table_view(self.model, sortable=True)
        self.table.setObjectName("activities_view")
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setColumnWidth(0, 120)
        self.table.setColumnWidth(1, 140)
        self.empty = EmptyState(self.table, self._empty_text)
        row_buttons = QHBoxLayout()
        row_buttons.addStretch(1)
        row_buttons.addWidget(self.edit_button)
        row_buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(entry)
        layout.addWidget(self.error)
        layout.addLayout(period_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_buttons)
        self.add_button.clicked.connect(self.add)
        # No default button on this page (it is not a dialog): Enter in a field adds, once.
        self.date_edit.returnPressed.connect(self.add)
        self.minutes_edit.returnPressed.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.period_combo.currentIndexChanged.connect(lambda _i: self._period_changed())
        self.retranslate_ui()
        self.reset_form()

    def attach(self, service: CaseService) -> None:
        self.service = service
        self.model.period = self.period_combo.currentData()
        self.model.set_register(service.register)
        self._show_totals()

    def clear_for_lock(self) -> None:
        self.service = None
        self.model.clear()
        self.totals.clear()
        self.reset_form()

    def refresh(self) -> None:
        self.model.reload()
        self._show_totals()

    def _period_changed(self) -> None:
        self.model.period = self.period_combo.currentData()
        if self.service is not None:
            self.refresh()

    def _show_totals(self) -> None:
        if self.service is None:
            self.totals.clear()
            return
        totals = queries.activity_totals(self.service.register, self.model.period)
        self.totals.setText(ngettext("{count} activity, {time} in total",
                                     "{count} activities, {time} in total", totals.count).format(
            count=format_number(totals.count), time=format_minutes(totals.minutes)))

    def _empty_text(self) -> str:
        if self.service is None:
            return ""
        if self.model.period:
            return _("No activities in this period. Choose “All periods” to see every one.")
        return _("No activities yet. Type the date, the minutes and the kind above, then "
                 "Enter: information sessions, training, peer review, travel.")

    def _fill_periods(self) -> None:
        keep = self.period_combo.currentData()
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        self.period_combo.addItem(_("All periods"), None)
        year = self.today().year
        for y in range(year, year - 5, -1):
            self.period_combo.addItem(str(y), str(y))
        for quarter in reversed(Quarter.of(self.today()).back(8)):
            self.period_combo.addItem(str(quarter), str(quarter))
        self.period_combo.setCurrentIndex(max(self.period_combo.findData(keep), 0))
        self.period_combo.blockSignals(False)

    def retranslate_ui(self) -> None:
        for caption_label, text, widget in zip(
                self.captions, (_("&Date"), _("&Minutes"), _("&Kind")),
                (self.date_edit, self.minutes_edit, self.kind_combo), strict=True):
            caption(caption_label, text, widget)
        caption(self.period_caption, _("&Period"), self.period_combo)
        self.date_edit.retranslate_ui()
        self.add_button.setText(_("Add activity"))
        self.edit_button.setText(_("Edit…"))
        self.delete_button.setText(_("Delete…"))
        current = self.kind_combo.currentData()
        self.kind_combo.clear()
        for kind in codelists.load().activity_kinds:
            self.kind_combo.addItem(kind.label(current_language()), kind.code)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(current), 0))
        self._fill_periods()
        describe_table(self.table, _("Activities"),
                       _("One row per activity outside cases: date, duration and kind."))
        self.model.headerDataChanged.emit(
            Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1
        )
        fit_headers(self.table)
        self._show_totals()
        self.empty.update()

    def reset_form(self) -> None:
        self.date_edit.setText(short_date(self.today()))
        self.minutes_edit.setText(str(DEFAULT_MINUTES))
        self.error.hide()

    def add(self) -> None:
        service = self.service
        if service is None:
            return
        values = self.ops.now(lambda: {
            "on": typed_input.date(self.date_edit.text(), "on", self.today()),
            "minutes": typed_input.minutes(self.minutes_edit.text(), "minutes"),
            "kind": self.kind_combo.currentData()})
        if values is not None:
            self.ops.run(lambda: service.add_activity(**values),
                         lambda _change: self.reset_form(), disable=[self.add_button])

    def edit_selected(self) -> None:
        row = selected_row(self.table)
        if row is None or self.service is None:
            return
        service = self.service

        dialog = ContactDialog(_("Edit activity"),
                               lambda v: service.update_activity(row.id, **v), self.today(),
                               row.on, row.minutes, row.kind, codelists.load().activity_kinds,
                               "kind", _("&Kind"), self)
        dialog.changed.connect(self.changed.emit)
        dialog.exec()

    def delete_selected(self) -> None:
        row, service = selected_row(self.table), self.service
        if row is None or service is None:
            return
        if confirm(self, _("Delete activity"),
                   _("Delete this activity? Until you lock the register, Ctrl+Z (Undo) brings it "
                     "back.")):
            self.ops.run(lambda: service.delete_activity(row.id))
