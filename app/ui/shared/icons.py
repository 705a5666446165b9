"""Icons for the main actions, drawn with QPainter in the accent colour: sharp at every
scaling, no image files or image-format plugins, one consistent line style.

``icon(name)`` for: new, lock, undo, export, import, cards, forward, report, help, settings,
calendar, save, search, back_up, quit, table, chart.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from app.ui.shared.style import color

SIZES = (16, 20, 24, 32, 48)
Draw = Callable[[QPainter], None]


def _arrow(p: QPainter, x1: float, y1: float, x2: float, y2: float) -> None:
    p.drawLine(QPointF(x1, y1), QPointF(x2, y2))
    dx, dy = x2 - x1, y2 - y1
    length = max((dx * dx + dy * dy) ** 0.5, 1e-6)
    ux, uy = dx / length, dy / length
    for side in (1, -1):
        p.drawLine(QPointF(x2, y2), QPointF(x2 - 4 * ux + side * 3.5 * uy,
                                            y2 - 4 * uy - side * 3.5 * ux))


def _new(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(4, 2, 13, 20), 1.5, 1.5)
    p.drawLine(QPointF(10.5, 8), QPointF(10.5, 16))
    p.drawLine(QPointF(6.5, 12), QPointF(14.5, 12))
    p.drawLine(QPointF(19, 15), QPointF(19, 21))
    p.drawLine(QPointF(16, 18), QPointF(22, 18))


def _lock(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(5, 10.5, 14, 11), 1.5, 1.5)
    path = QPainterPath(QPointF(8, 10.5))
    path.lineTo(8, 7)
    path.arcTo(QRectF(8, 3, 8, 8), 180, -180)
    path.lineTo(16, 10.5)
    p.drawPath(path)
    p.drawLine(QPointF(12, 14.5), QPointF(12, 17.5))


def _undo(p: QPainter) -> None:
    path = QPainterPath(QPointF(6, 9))
    path.lineTo(15, 9)
    path.arcTo(QRectF(10, 9, 10, 10), 90, -180)
    path.lineTo(9, 19)
    p.drawPath(path)
    p.drawLine(QPointF(6, 9), QPointF(10, 5))
    p.drawLine(QPointF(6, 9), QPointF(10, 13))


def _export(p: QPainter) -> None:
    p.drawPolyline([QPointF(8, 10), QPointF(4, 10), QPointF(4, 21), QPointF(20, 21),
                    QPointF(20, 10), QPointF(16, 10)])
    _arrow(p, 12, 16, 12, 3)


def _import(p: QPainter) -> None:
    p.drawPolyline([QPointF(8, 10), QPointF(4, 10), QPointF(4, 21), QPointF(20, 21),
                    QPointF(20, 10), QPointF(16, 10)])
    _arrow(p, 12, 2, 12, 15)


def _cards(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(2.5, 5, 19, 14), 2, 2)
    p.drawEllipse(QRectF(5.5, 8, 5, 5))
    p.drawLine(QPointF(5, 16), QPointF(11, 16))
    p.drawLine(QPointF(13, 9), QPointF(19, 9))
    p.drawLine(QPointF(13, 12.5), QPointF(19, 12.5))


def _forward(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(3, 5, 12, 15), 1.5, 1.5)
    _arrow(p, 9, 12.5, 22, 12.5)


def _report(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(4, 2, 16, 20), 1.5, 1.5)
    for x, h in ((8, 5), (12, 9), (16, 7)):
        p.drawLine(QPointF(x, 18), QPointF(x, 18 - h))


def _help(p: QPainter) -> None:
    p.drawEllipse(QRectF(2.5, 2.5, 19, 19))
    path = QPainterPath(QPointF(9, 9.5))
    path.arcTo(QRectF(9, 6, 6, 6), 180, -200)
    path.lineTo(12, 14)
    p.drawPath(path)
    p.drawPoint(QPointF(12, 17.5))


def _settings(p: QPainter) -> None:
    for y, x in ((6, 15), (12, 8), (18, 13)):
        p.drawLine(QPointF(3, y), QPointF(21, y))
        p.setBrush(color("base"))
        p.drawEllipse(QPointF(x, y), 2.5, 2.5)
        p.setBrush(Qt.BrushStyle.NoBrush)


def _calendar(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(3, 5, 18, 16), 1.5, 1.5)
    p.drawLine(QPointF(3, 10), QPointF(21, 10))
    p.drawLine(QPointF(8, 3), QPointF(8, 7))
    p.drawLine(QPointF(16, 3), QPointF(16, 7))
    for x in (7.5, 12, 16.5):
        for y in (13.5, 17.5):
            p.drawPoint(QPointF(x, y))


def _save(p: QPainter) -> None:
    p.drawPolygon([QPointF(3, 3), QPointF(18, 3), QPointF(21, 6), QPointF(21, 21),
                   QPointF(3, 21)])
    p.drawRect(QRectF(7, 3, 9, 6))
    p.drawRect(QRectF(6.5, 13, 11, 8))


def _search(p: QPainter) -> None:
    p.drawEllipse(QRectF(3, 3, 12, 12))
    p.drawLine(QPointF(13.5, 13.5), QPointF(21, 21))


def _back_up(p: QPainter) -> None:
    p.drawEllipse(QRectF(4, 3, 16, 5))
    p.drawLine(QPointF(4, 5.5), QPointF(4, 18.5))
    p.drawLine(QPointF(20, 5.5), QPointF(20, 18.5))
    p.drawArc(QRectF(4, 16, 16, 5), 180 * 16, 180 * 16)
    p.drawArc(QRectF(4, 10.5, 16, 5), 180 * 16, 180 * 16)


def _quit(p: QPainter) -> None:
    p.drawPolyline([QPointF(13, 4), QPointF(4, 4), QPointF(4, 20), QPointF(13, 20)])
    _arrow(p, 9, 12, 21, 12)


def _table(p: QPainter) -> None:
    p.drawRect(QRectF(3, 4, 18, 16))
    p.drawLine(QPointF(3, 9.5), QPointF(21, 9.5))
    p.drawLine(QPointF(3, 15), QPointF(21, 15))
    p.drawLine(QPointF(10, 4), QPointF(10, 20))


def _chart(p: QPainter) -> None:
    p.drawLine(QPointF(3, 21), QPointF(21, 21))
    for x, top in ((6, 13), (11, 7), (16, 10)):
        p.drawRect(QRectF(x, top, 3.5, 21 - top))


DRAWINGS: dict[str, Draw] = {
    "new": _new, "lock": _lock, "undo": _undo, "export": _export, "import": _import,
    "cards": _cards, "forward": _forward, "report": _report, "help": _help,
    "settings": _settings, "calendar": _calendar, "save": _save, "search": _search,
    "back_up": _back_up, "quit": _quit, "table": _table, "chart": _chart,
}


def _pixmap(draw: Draw, size: int, ink: QColor) -> QPixmap:
    ratio = 2.0  # drawn at twice the size: crisp at 150 % and 200 % scaling too
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 24, size / 24)
    pen = QPen(ink, 1.8)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    draw(painter)
    painter.end()
    return pixmap


@cache
def icon(name: str) -> QIcon:
    draw = DRAWINGS[name]
    result = QIcon()
    for size in SIZES:
        result.addPixmap(_pixmap(draw, size, color("accent")), QIcon.Mode.Normal)
        result.addPixmap(_pixmap(draw, size, color("disabled")), QIcon.Mode.Disabled)
    return result


def icon_size() -> QSize:
    return QSize(20, 20)
