"""Small pieces shared by the coordination screens: a plain-rows table model, quarter lists,
an error box and the "exact counts, internal only" note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QTableView,
    QWidget,
)

from app.i18n import _
from app.models.periods import Quarter, last_completed_quarter
from app.ui.shared.style import set_role

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class RowsTableModel(QAbstractTableModel):
    """Rows of plain values; columns are (key, English header msgid), translated when shown.

    Subclasses say how a row shows (`display`) and may add a background, a tooltip or
    right-aligned numeric columns. `clear()` drops every row.
    """

    columns: Sequence[tuple[str, str]] = ()
    numeric: frozenset[str] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def retranslate(self) -> None:
        if self.columnCount():
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, self.columnCount() - 1))

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # subclasses
    def display(self, row: Any, key: str) -> str:
        return str(getattr(row, key, ""))

    def background(self, row: Any, key: str) -> QColor | None:
        return None

    def tooltip(self, row: Any, key: str) -> str | None:
        return None

    def header(self, section: int) -> str:
        return _(self.columns[section][1])

    # Qt overrides
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return self.header(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        if not (0 <= index.column() < len(self.columns)):
            return None
        row = self.rows[index.row()]
        key = self.columns[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, key)
        if role == Qt.ItemDataRole.BackgroundRole:
            color = self.background(row, key)
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROW_ROLE:
            return row
        return None


def selected_row(view: QTableView) -> Any:
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    return rows[0].data(ROW_ROLE) if rows else None


def recent_quarters(today: dt.date, n: int = 8) -> list[Quarter]:
    """The last `n` completed quarters plus the current one, newest first."""
    current = Quarter.of(today)
    return list(reversed(last_completed_quarter(today).back(n - 1) + [current]))


def error_box(parent: QWidget | None, message: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, _("Something went wrong"), message,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("error_box")
    return box


def show_error(parent: QWidget | None, message: str) -> None:
    error_box(parent, message).exec()


def internal_note() -> QLabel:
    """The small note that these screens show exact counts, for the coordinator only."""
    note = QLabel()
    note.setObjectName("internal_note")
    note.setWordWrap(True)
    set_role(note, "note")
    return note


def internal_note_text() -> str:
    return _("Exact counts, for use inside the confidant network only. Reports for readers "
             "outside it (PDF, CSV) hide small numbers.")
