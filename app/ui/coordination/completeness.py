"""Who reported: senders × quarters, each cell with a colour *and* a text mark (reported,
nil return, missing; replaced and late flags), and the counts per quarter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import N_, _
from app.models.periods import Quarter, last_completed_quarter
from app.services.coordination import merging
from app.services.coordination import roster as roster_service
from app.services.coordination.merging import Completeness, CompletenessCell, QuarterCounts
from app.services.storage.vault import Register
from app.ui.coordination.common import recent_quarters
from app.ui.shared.accessible import caption, describe_table
from app.ui.shared.formatting import short_date
from app.ui.shared.item_models import Index, RowsTableModel
from app.ui.shared.ops import ErrorLine, Ops
from app.ui.shared.style import set_role
from app.ui.shared.views import EmptyState, fit_columns, fit_headers, table_view

QUARTERS_SHOWN = 4
STATUS_MARKS = {"reported": ("●", N_("reported")), "nil": ("○", N_("nil return")),
                "missing": ("✕", N_("missing"))}
STATUS_COLORS = {"reported": "#cfe8cf", "nil": "#dde8f5", "missing": "#f4cccc"}
NOT_EXPECTED_COLOR = "#f0f0f0"


def cell_text(cell: CompletenessCell | None) -> str:
    """The cell in words: e.g. '● reported · r2 · late'; '' when not expected."""
    if cell is None:
        return ""
    mark, word = STATUS_MARKS[cell.status]
    parts = [f"{mark} {_(word)}"]
    if cell.replaced:
        parts.append(_("r{revision}").format(revision=cell.revision))
    if cell.late:
        parts.append(_("late"))
    return " · ".join(parts)


def cell_tooltip(cell: CompletenessCell | None) -> str:
    if cell is None:
        return _("Not on the roster for this quarter.")
    lines = [cell_text(cell)]
    if cell.replaced:
        lines.append(_("Revision {revision} replaced an earlier file.").format(
            revision=cell.revision))
    if cell.late:
        lines.append(_("Arrived more than {days} days after the end of the quarter.").format(
            days=merging.LATE_AFTER_DAYS))
    if cell.via:
        lines.append(_("Came inside the merged file of {code}.").format(code=cell.via))
    if not cell.expected:
        lines.append(_("Not expected for this quarter (not active on the roster)."))
    return "\n".join(lines)


class CompletenessModel(RowsTableModel):
    """Rows: sender codes; columns: the code, then one per quarter."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.grid: Completeness | None = None
        self.nicknames: dict[str, str] = {}
        self.columns = (("code", N_("Sender")),)

    def set_grid(self, grid: Completeness | None) -> None:
        self.beginResetModel()
        self.grid = grid
        self.columns = (("code", N_("Sender")),) + tuple(
            (q, q) for q in (grid.quarters if grid else ()))
        self.rows = list(grid.senders) if grid else []
        self.endResetModel()

    def clear(self) -> None:
        self.set_grid(None)

    def header(self, section: int) -> str:
        key, msgid = self.columns[section]
        return _(msgid) if key == "code" else key

    def _cell(self, sender: str, quarter: str) -> CompletenessCell | None:
        if self.grid is None:
            return None
        return self.grid.cells.get((sender, quarter))

    def _ended(self, sender: str, quarter: str) -> str:
        """'' or the words for a sender whose roster entry ended before the quarter."""
        day = self.grid.ended_before(sender, quarter) if self.grid else None
        if day is None or self._cell(sender, quarter) is not None:
            return ""
        return _("not expected (roster entry ended from {date})").format(date=short_date(day))

    def display(self, row: str, key: str) -> str:
        if key == "code":
            nickname = self.nicknames.get(row)
            return f"{row} ({nickname})" if nickname else row
        return self._ended(row, key) or cell_text(self._cell(row, key))

    def background(self, row: str, key: str) -> QColor | None:
        if key == "code":
            return None
        cell = self._cell(row, key)
        return QColor(STATUS_COLORS[cell.status] if cell else NOT_EXPECTED_COLOR)

    def tooltip(self, row: str, key: str) -> str | None:
        if key == "code":
            return None
        return self._ended(row, key) or cell_tooltip(self._cell(row, key))

    def cell_at(self, index: QModelIndex) -> CompletenessCell | None:
        if not index.isValid() or index.column() == 0:
            return None
        return self._cell(self.rows[index.row()], self.columns[index.column()][0])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.AccessibleTextRole and index.isValid() and index.column() > 0:
            return self.tooltip(self.rows[index.row()], self.columns[index.column()][0])
        return super().data(index, role)


class QuarterCountsModel(RowsTableModel):
    columns = (
        ("quarter", N_("Quarter")),
        ("expected", N_("Expected")),
        ("received", N_("Received")),
        ("nil", N_("Nil returns")),
        ("missing", N_("Missing")),
        ("late", N_("Late")),
        ("replaced", N_("Replaced")),
    )
    numeric = frozenset({"expected", "received", "nil", "missing", "late", "replaced"})

    def display(self, row: QuarterCounts, key: str) -> str:
        return str(getattr(row, key))


class CompletenessPanel(QWidget):
    receipt_requested = Signal(str, str)  # sender code, quarter: re-issue its receipt

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.register: Register | None = None
        self.grid: Completeness | None = None
        self.until_caption = QLabel()
        self.until_combo = QComboBox()
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        set_role(self.legend, "note")
        self.model = CompletenessModel(self)
        self.view = table_view(self.model, stretch_last=False)
        self.view.setObjectName("completeness_view")
        self.view.setSelectionBehavior(self.view.SelectionBehavior.SelectItems)
        self.empty = EmptyState(self.view, lambda: _(
            "Nobody is expected yet: enrol the senders on the Roster tab (Import card…).")
            if self.register is not None else "")
        self.counts_model = QuarterCountsModel(self)
        self.counts_view = table_view(self.counts_model)
        self.counts_view.setObjectName("counts_view")
        self.counts_view.setMaximumHeight(150)
        self.receipt_button = QPushButton()
        self.receipt_button.setObjectName("reissue_receipt")
        self.receipt_button.clicked.connect(self._receipt_clicked)
        self.error = ErrorLine()
        self.ops = Ops(self, self.error)
        top = QHBoxLayout()
        top.addWidget(self.until_caption)
        top.addWidget(self.until_combo)
        top.addStretch(1)
        top.addWidget(self.receipt_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.counts_view)
        layout.addWidget(self.error)
        self.until_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.view.selectionModel().currentChanged.connect(lambda *_a: self._update_button())
        self.retranslate_ui()

    def selected_cell(self) -> CompletenessCell | None:
        return self.model.cell_at(self.view.currentIndex())

    def _update_button(self) -> None:
        cell = self.selected_cell()
        self.receipt_button.setEnabled(cell is not None and cell.status != "missing"
                                       and cell.via is None)

    def _receipt_clicked(self) -> None:
        cell = self.selected_cell()
        if cell is not None:
            self.receipt_requested.emit(cell.sender_code, cell.quarter)

    def quarters(self) -> list[Quarter]:
        end = self.until_combo.currentData()
        last = Quarter.parse(end) if end else last_completed_quarter(self.today())
        return last.back(QUARTERS_SHOWN)

    def _fill_combo(self) -> None:
        keep = self.until_combo.currentData() or str(last_completed_quarter(self.today()))
        self.until_combo.blockSignals(True)
        self.until_combo.clear()
        for q in recent_quarters(self.today()):
            self.until_combo.addItem(str(q), str(q))
        self.until_combo.setCurrentIndex(max(self.until_combo.findData(keep), 0))
        self.until_combo.blockSignals(False)

    def attach(self, register: Register) -> None:
        self.register = register
        self._fill_combo()
        self.refresh()

    def clear_for_lock(self) -> None:
        self.register = None
        self.grid = None
        self.model.clear()
        self.counts_model.clear()
        self.error.clear()

    def refresh(self) -> None:
        if self.register is None:
            return
        register = self.register
        grid = self.ops.now(lambda: merging.completeness(register, self.quarters()))
        if grid is None:
            return
        self.grid = grid
        self.model.nicknames = roster_service.nicknames(self.register)
        self.model.set_grid(self.grid)
        self.counts_model.set_rows([self.grid.counts[q] for q in self.grid.quarters])
        fit_columns(self.view)
        self._update_button()

    def retranslate_ui(self) -> None:
        caption(self.until_caption, _("Four quarters &up to"), self.until_combo)
        self.receipt_button.setText(_("Receipt again…"))
        describe_table(self.view, _("Who reported"),
                       _("Rows: the senders; columns: the quarters. Each cell says reported, nil "
                         "return or missing, and whether the file was replaced or late."))
        describe_table(self.counts_view, _("Counts per quarter"),
                       _("Expected, received, nil returns, missing, late and replaced files."))
        self.legend.setText(_("● reported   ○ nil return (a report without cases)   ✕ missing   "
                              "r2 = replaced by revision 2   late = arrived more than {days} "
                              "days after the quarter").format(days=merging.LATE_AFTER_DAYS))
        self._fill_combo()
        self.model.retranslate()
        self.counts_model.retranslate()
        fit_columns(self.view)  # the headers are in the new language now
        fit_headers(self.counts_view)
