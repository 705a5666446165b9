"""Issue 22: text that is cut off. ``cut_texts(window)`` lists every visible label, button,
check box, radio button and combo box in ``window`` whose text does not fit its widget (the
text's width, plus the margins the style draws around it, against the widget's width; a
word-wrapped label's height against the height its text needs at its width), every empty field
whose placeholder is cut, every column title and chart title cut off, and every table whose
current column is not wholly in view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QWidget,
)

from app.ui.shared.chart import BarChart


def _name(widget: QWidget) -> str:
    window = widget.window()
    return (f"{type(window).__name__} > {type(widget).__name__} "
            f"{widget.objectName() or ''}".rstrip())


def _width(widget: QWidget, text: str) -> int:
    metrics = widget.fontMetrics()
    return max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)


def _label(label: QLabel) -> str | None:
    if not label.text() or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height():
            return f"{needed} px high needed, {label.height()} given"
        return None
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and "<" in label.text())
    if not rich:
        text = label.text().replace("&&", "\0") if label.buddy() else label.text()
        text = text.replace("&", "").replace("\0", "&") if label.buddy() else text
        m = label.contentsMargins()
        needed = _width(label, text) + m.left() + m.right() + 2 * max(label.margin(), 0)
        if label.indent() > 0:
            needed += label.indent()
    else:
        needed = label.sizeHint().width()
    if needed > label.width():
        return f"{needed} px wide needed, {label.width()} given"
    return None


def _button(button: QAbstractButton) -> str | None:
    if not button.text():
        return None
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    option = QStyleOptionButton()
    option.initFrom(button)
    option.text = button.text()
    option.icon = button.icon()
    option.iconSize = button.iconSize()
    style = button.style()
    if isinstance(button, QCheckBox):
        element = QStyle.SubElement.SE_CheckBoxContents
    elif isinstance(button, QRadioButton):
        element = QStyle.SubElement.SE_RadioButtonContents
    else:
        element = QStyle.SubElement.SE_PushButtonContents
    room = style.subElementRect(element, option, button).width()
    needed = _width(button, text)
    if not button.icon().isNull():
        needed += button.iconSize().width() + 4
    if needed > room:
        return f"{needed} px wide needed, {room} given"
    return None


def _combo(combo: QComboBox) -> str | None:
    text = combo.currentText() or combo.placeholderText()
    if not text or combo.isEditable():
        return None
    option = QStyleOptionComboBox()
    option.initFrom(combo)
    option.currentText = text
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    needed = _width(combo, text)
    if not combo.itemIcon(combo.currentIndex()).isNull():
        needed += combo.iconSize().width() + 4
    if needed > field.width():
        return f"{needed} px wide needed for {text!r}, {field.width()} given"
    return None


def _line_edit(edit: QLineEdit) -> str | None:
    """An empty field's placeholder (what to type in it) is read whole."""
    text = edit.placeholderText()
    if edit.text() or not text:
        return None
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    room = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option,
                                       edit).width() - 4  # QLineEdit's own 2 + 2
    m = edit.textMargins()
    room -= m.left() + m.right()
    needed = _width(edit, text)
    if needed > room:
        return f"{needed} px wide needed for its placeholder, {room} given"
    return None


def _header(header: QHeaderView) -> str | None:
    """A column's title (not a stretched last one, which takes what is left)."""
    if header.orientation() != Qt.Orientation.Horizontal or header.model() is None:
        return None
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    bold = QFont(header.font())
    metrics = QFontMetrics(bold)
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = str(header.model().headerData(section, Qt.Orientation.Horizontal) or "")
        needed = metrics.horizontalAdvance(text) + 2 * margin
        if text and needed > header.sectionSize(section):
            return f"column {text!r}: {needed} px wide needed, {header.sectionSize(section)} given"
    return None


def _chart(chart: BarChart) -> str | None:
    needed = chart.title_height()
    if chart.title and (needed > chart.height() // 2 or chart.widest_title_word() >
                        chart.width() - 12):
        return f"title {chart.title!r} does not fit {chart.width()}×{chart.height()}"
    return None


def _table(view: QAbstractItemView) -> str | None:
    index = view.currentIndex()
    if not index.isValid():
        return None
    cell = view.visualRect(index)
    port = view.viewport().rect()
    if cell.isValid() and (cell.left() < port.left() or cell.right() > port.right()):
        return (f"current column {index.column()} at {cell.left()}..{cell.right()}, "
                f"view {port.left()}..{port.right()}")
    return None


def cut_texts(window: QWidget) -> list[str]:
    """What in ``window`` (and the windows under it that are shown) is cut off."""
    problems: list[str] = []
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisible() or widget.width() <= 0:
            continue
        problem: str | None = None
        if isinstance(widget, QLabel):
            problem = _label(widget)
        elif isinstance(widget, QAbstractButton) and isinstance(
                widget, (QPushButton, QCheckBox, QRadioButton)):
            problem = _button(widget)
        elif isinstance(widget, QComboBox):
            problem = _combo(widget)
        elif isinstance(widget, QLineEdit):
            problem = _line_edit(widget)
        elif isinstance(widget, QHeaderView):
            problem = _header(widget)
        elif isinstance(widget, BarChart):
            problem = _chart(widget)
        elif isinstance(widget, QAbstractItemView):
            problem = _table(widget)
        if problem:
            text = widget.text() if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)) \
                else ""
            problems.append(f"{_name(widget)} {text[:40]!r}: {problem}")
    return problems
