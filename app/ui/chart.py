"""A small bar chart drawn with QPainter (no QtCharts): one series, the last bar highlighted."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class BarChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.labels: list[str] = []
        self.values: list[float] = []
        self.value_texts: list[str] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(360, 170)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(240, 130)

    def set_data(self, title: str, labels: list[str], values: list[float],
                 value_texts: list[str] | None = None) -> None:
        self.title = title
        self.labels = list(labels)
        self.values = list(values)
        self.value_texts = list(value_texts) if value_texts else [f"{v:g}" for v in values]
        self.update()

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
            color = QColor("#1f5f99") if i == n - 1 else QColor("#9bb7d4")
            painter.fillRect(QRectF(x, bottom - h, bar_w, h), color)
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
