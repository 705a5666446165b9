"""Issue 22: text that is cut off. ``cut_texts(window)`` lists every visible label, button,
check box, radio button and combo box in ``window`` whose text does not fit its widget (the
text's width, plus the margins the style draws around it, against the widget's width; a
word-wrapped label's height against the height its text needs at its width), and every table
whose current column is not wholly in view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QCheckBox, QComboBox,
                               QLabel, QPushButton, QRadioButton, QStyle, QStyleOptionButton,
                               QStyleOptionComboBox, QWidget)


def _name(widget: QWidget) -> str:
    window = widget.window()
    return (f"{type(window).__name__} > {type(widget).__name__} "
            f"{widget.objectName() or ''}".rstrip())


def _width(widget: QWidget, text: str) -> int:
    metrics = widget.fontMetrics()
    return max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)


def _label(label: QLabel) -> str | None:
    if not label.text() or label.pixmap() is not None and not label.pixmap().isNull():
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
        elif isinstance(widget, QAbstractItemView):
            problem = _table(widget)
        if problem:
            text = widget.text() if isinstance(widget, (QLabel, QAbstractButton)) else ""
            problems.append(f"{_name(widget)} {text[:40]!r}: {problem}")
    return problems
