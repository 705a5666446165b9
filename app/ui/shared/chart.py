"""A small bar chart drawn with QPainter (no QtCharts): one series, the last bar highlighted —
and its text alternative: the same figures as a table (``ChartPanel``), and as the chart's
accessible description, so a screen reader and a keyboard user get every number the bars show.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.ui.shared.style import color
from app.ui.shared.views import table_view


class BarChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.labels: list[str] = []
        self.values: list[float] = []
        self.value_texts: list[str] = []
        self.long_labels: list[str] = []  # for the text alternative: "2026-Q3", not "Q3"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(360, 170)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(180, 120)

    def set_data(self, title: str, labels: list[str], values: list[float],
                 value_texts: list[str] | None = None,
                 long_labels: list[str] | None = None) -> None:
        self.title = title
        self.labels = list(labels)
        self.values = list(values)
        self.value_texts = list(value_texts) if value_texts else [f"{v:g}" for v in values]
        self.long_labels = list(long_labels) if long_labels else [
            label.replace("\n", " ") for label in self.labels]
        self.setAccessibleName(title)
        self.setAccessibleDescription(self.figures_text())
        self.update()

    def figures_text(self) -> str:
        """Every bar in words: 'Q3 2026: 4; Q4 2026: 2' (a line break in a label is a space)."""
        return "; ".join(f"{label}: {text}"
                         for label, text in zip(self.long_labels, self.value_texts, strict=True))

    def clear(self) -> None:
        self.set_data("", [], [])

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_color = palette.windowText().color()
        rect = self.rect().adjusted(6, 4, -6, -4)
        font = QFont(self.font())
        metrics_h = painter.fontMetrics().height()
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_color)
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), metrics_h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        painter.setFont(font)
        if not self.values:
            painter.end()
            return
        top = rect.top() + metrics_h * 2 + 4
        bottom = rect.bottom() - metrics_h * 2 - 4
        height = max(bottom - top, 1)
        n = len(self.values)
        slot = rect.width() / n
        bar_w = slot * 0.62
        peak = max(max(self.values), 1)
        for i, value in enumerate(self.values):
            x = rect.left() + i * slot + (slot - bar_w) / 2
            h = height * value / peak
            painter.fillRect(QRectF(x, bottom - h, bar_w, h),
                             color("accent") if i == n - 1 else color("bar"))
            painter.setPen(text_color)
            painter.drawText(
                QRectF(x - slot * 0.2, bottom - h - metrics_h - 1, bar_w + slot * 0.4, metrics_h),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                self.value_texts[i],
            )
            painter.drawText(QRectF(rect.left() + i * slot, bottom + 2, slot, metrics_h * 2),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             self.labels[i])  # may hold a line break: "Q1\n2026"
        painter.setPen(palette.mid().color())
        painter.drawLine(rect.left(), bottom, rect.right(), bottom)
        painter.end()


AnyIndex = QModelIndex | QPersistentModelIndex


class FiguresTableModel(QAbstractTableModel):
    """The bars of one or more charts as rows: period, then one column per chart."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.charts: list[BarChart] = []

    def set_charts(self, charts: list[BarChart]) -> None:
        self.beginResetModel()
        self.charts = list(charts)
        self.endResetModel()

    def refresh(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.isValid() or not self.charts:
            return 0
        return len(self.charts[0].long_labels)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 1 + len(self.charts)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return self.charts[0].long_labels[index.row()]
            chart = self.charts[index.column() - 1]
            return chart.value_texts[index.row()] if index.row() < len(chart.value_texts) else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return _("Period")
        if 0 < section <= len(self.charts):
            return self.charts[section - 1].title
        return None


class ChartPanel(QWidget):
    """Charts side by side with a button that shows the same figures as a table instead."""

    def __init__(self, charts: list[BarChart], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.charts = charts
        self.model = FiguresTableModel(self)
        self.model.set_charts(charts)
        self.table = table_view(self.model)
        self.table.setObjectName("chart_table")
        self.table.setSelectionMode(self.table.SelectionMode.NoSelection)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        for chart in charts:
            row.addWidget(chart)
        self.stack = QStackedWidget()
        self.stack.addWidget(holder)
        self.stack.addWidget(self.table)
        self.toggle = QPushButton()
        self.toggle.setObjectName("chart_toggle")
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._toggled)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        buttons.addWidget(self.toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.retranslate_ui()

    def _toggled(self, as_table: bool) -> None:
        self.stack.setCurrentIndex(1 if as_table else 0)
        self.retranslate_ui()

    def showing_table(self) -> bool:
        return self.stack.currentIndex() == 1

    def retranslate_ui(self) -> None:
        self.toggle.setText(_("Show as chart") if self.showing_table() else _("Show as table"))
        titles = ", ".join(c.title for c in self.charts if c.title)
        self.table.setAccessibleName(_("Figures of the charts: {titles}").format(titles=titles))
        self.table.setAccessibleDescription(
            _("One row per period; one column per chart, with the value its bar shows."))
        self.model.refresh()

    def refresh(self) -> None:
        """Call after the charts got new data."""
        self.retranslate_ui()
