"""The accessibility checks the walk through every window runs (WCAG 2.1 AA, issue 14).

``problems(window)`` lists, for what is visible in ``window`` right now:

- a focusable widget without an accessible name (what a screen reader says when it gets the
  focus): its own name, its text (a button), or the label whose buddy it is;
- a table or list without a name and a description;
- a mnemonic (``&`` in a label) without a buddy, or with a buddy that cannot take the focus
  (a container: the typing then lands elsewhere), and the same mnemonic letter twice;
- a tab order that jumps backwards: the next widget above the previous one without moving to
  a column on its right, or to the left on the same row;
- text drawn below 4.5:1 contrast: every label's colour against what is behind it.

Each problem is a line of text naming the widget, so a failure says what to fix.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAccessible, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenuBar,
    QTabBar,
    QWidget,
)

from app.ui.shared.accessible import mnemonic_of, strip_mnemonic
from app.ui.shared.style import contrast

TOLERANCE = 4  # pixels: widgets on one row are rarely aligned to the pixel
MIN_TEXT_CONTRAST = 4.5


def describe(widget: QWidget) -> str:
    label = widget.objectName() or widget.accessibleName() or getattr(widget, "text",
                                                                        lambda: "")()
    return f"{type(widget).__name__}({label!r})"


def _visible_widgets(window: QWidget) -> Iterator[QWidget]:
    for widget in window.findChildren(QWidget):
        if widget.isVisible() and widget.window() is window:
            yield widget


def _internal(widget: QWidget) -> bool:
    """Parts of a composite widget that are not focus stops of their own."""
    parent = widget.parentWidget()
    if isinstance(parent, (QAbstractSpinBox, QComboBox)) and isinstance(widget, QLineEdit):
        return True  # the editor inside a spin box or an editable combo box
    if isinstance(parent, QTabBar):
        return True  # the tab bar's scroll buttons
    return widget.focusProxy() is not None


def focusable(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and not _internal(widget)


def buddy_labels(window: QWidget) -> dict[int, QLabel]:
    found: dict[int, QLabel] = {}
    for label in window.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None:
            found[id(buddy)] = label
    return found


def accessible_name(widget: QWidget, labels: dict[int, QLabel]) -> str:
    if widget.accessibleName().strip():
        return widget.accessibleName().strip()
    if id(widget) in labels:
        return strip_mnemonic(labels[id(widget)].text())
    if isinstance(widget, (QComboBox, QAbstractSpinBox)):
        return ""  # their accessible "name" on Linux is their current value: not a name
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name).strip() if iface is not None else ""


def _name_problems(window: QWidget) -> list[str]:
    labels = buddy_labels(window)
    problems = []
    for widget in _visible_widgets(window):
        if focusable(widget) and not accessible_name(widget, labels):
            problems.append(f"no accessible name: {describe(widget)}")
        if (isinstance(widget, QAbstractItemView) and focusable(widget)
                and not isinstance(widget.parentWidget(), QComboBox)
                and not (widget.accessibleName() and widget.accessibleDescription())):
            problems.append(f"table without a name and a description: {describe(widget)}")
    return problems


def _mnemonic_holders(window: QWidget) -> Iterator[tuple[QWidget, str]]:
    for widget in _visible_widgets(window):
        if isinstance(widget, (QLabel, QAbstractButton)):
            yield widget, widget.text()
        elif isinstance(widget, QGroupBox) and widget.isCheckable():
            yield widget, widget.title()
        elif isinstance(widget, QMenuBar):
            for action in widget.actions():
                if action.isVisible():
                    yield widget, action.text()


def _mnemonic_problems(window: QWidget) -> list[str]:
    problems = []
    seen: dict[str, str] = {}
    for widget, text in _mnemonic_holders(window):
        letter = mnemonic_of(text)
        if letter is None:
            continue
        if isinstance(widget, QLabel) and not isinstance(widget.parentWidget(), QTabBar):
            buddy = widget.buddy()
            if buddy is None:
                problems.append(f"mnemonic without a buddy: {describe(widget)} {text!r}")
                continue
            if not buddy.focusPolicy() & Qt.FocusPolicy.TabFocus and buddy.focusProxy() is None:
                problems.append(f"mnemonic {text!r} points at {describe(buddy)}, which cannot "
                                f"take the typing")
        if letter in seen and seen[letter] != text:
            problems.append(f"mnemonic Alt+{letter.upper()} twice: {seen[letter]!r} and "
                            f"{text!r}")
        seen.setdefault(letter, text)
    return problems


def tab_chain(window: QWidget) -> list[QWidget]:
    """The widgets Tab visits, in order, starting after the window itself."""
    chain: list[QWidget] = []
    current = window.nextInFocusChain()
    guard = 0
    while current is not window and guard < 5000:
        guard += 1
        if (current.window() is window and current.isVisible() and current.isEnabled()
                and focusable(current)):
            chain.append(current)
        current = current.nextInFocusChain()
    return chain


def _scroll_areas(widget: QWidget, window: QWidget) -> list[QAbstractScrollArea]:
    """The scroll areas around ``widget``, outermost first."""
    found: list[QAbstractScrollArea] = []
    current = widget.parentWidget()
    while current is not None and current is not window:
        if isinstance(current, QAbstractScrollArea) and current.viewport().isAncestorOf(widget):
            found.append(current)
        current = current.parentWidget()
    return list(reversed(found))


def reading_rects(a: QWidget, b: QWidget, window: QWidget) -> tuple[QRect, QRect]:
    """Where ``a`` and ``b`` are in reading order: inside the innermost scroll area they share,
    by their place in its contents (what scrolling shows); otherwise by the place of the scroll
    area each is in."""
    outer_a, outer_b = _scroll_areas(a, window), _scroll_areas(b, window)
    common = 0
    while common < min(len(outer_a), len(outer_b)) and outer_a[common] is outer_b[common]:
        common += 1
    frame: QWidget = outer_a[common - 1].viewport() if common else window

    def place(widget: QWidget, areas: list[QAbstractScrollArea]) -> QRect:
        shown: QWidget = areas[common] if len(areas) > common else widget
        return QRect(shown.mapTo(frame, shown.rect().topLeft()), shown.size())

    return place(a, outer_a), place(b, outer_b)


def forward(previous: QRect, following: QRect) -> bool:
    """Reading order: a later row, a column to the right, or further right on the same row."""
    if following.top() >= previous.bottom() - TOLERANCE:
        return True
    if following.left() >= previous.right() - TOLERANCE:
        return True
    same_row = abs(following.top() - previous.top()) <= TOLERANCE
    return same_row and following.left() >= previous.left() - TOLERANCE


def _tab_order_problems(window: QWidget) -> list[str]:
    """The focus chain is a circle: it is read from the widget that comes first on screen
    (top left), and must then go forward all the way round."""
    chain = tab_chain(window)
    if len(chain) < 2:
        return []
    first = min(range(len(chain)), key=lambda i: (
        QRect(chain[i].mapTo(window, chain[i].rect().topLeft()), chain[i].size()).top() // 8,
        QRect(chain[i].mapTo(window, chain[i].rect().topLeft()), chain[i].size()).left()))
    chain = chain[first:] + chain[:first]
    problems = []
    for previous, following in itertools.pairwise(chain):
        before, after = reading_rects(previous, following, window)
        if not forward(before, after):
            problems.append(f"tab order jumps back: {describe(previous)} at "
                            f"{before.topLeft().toTuple()} → {describe(following)} at "
                            f"{after.topLeft().toTuple()}")
    return problems


def _background(widget: QWidget) -> QPalette.ColorRole | None:
    return widget.backgroundRole() if widget.autoFillBackground() else None


def text_colours(label: QLabel) -> tuple[object, object]:
    """The label's text colour and the colour behind it (its own filled background, or the
    nearest ancestor's that fills one, or the window's)."""
    fg = label.palette().color(QPalette.ColorGroup.Active, label.foregroundRole())
    current: QWidget | None = label
    while current is not None:
        role = _background(current)
        if role is not None or current.isWindow() or current.testAttribute(
                Qt.WidgetAttribute.WA_StyledBackground):
            bg = current.palette().color(QPalette.ColorGroup.Active,
                                         role or current.backgroundRole())
            return fg, bg
        current = current.parentWidget()
    return fg, label.palette().color(QPalette.ColorRole.Window)


def _contrast_problems(window: QWidget) -> list[str]:
    problems = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.isEnabled() or not label.text().strip():
            continue
        fg, bg = text_colours(label)
        ratio = contrast(fg, bg)  # type: ignore[arg-type]
        if ratio < MIN_TEXT_CONTRAST:
            problems.append(f"text contrast {ratio:.2f}:1 below {MIN_TEXT_CONTRAST}:1: "
                            f"{describe(label)} ({fg.name()} on {bg.name()})")  # type: ignore[attr-defined]
    return problems


def palette_problems(palette: QPalette) -> list[str]:
    """Every text colour of the palette against the background it is drawn on."""
    pairs = (
        ("window text", QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
        ("text", QPalette.ColorRole.Text, QPalette.ColorRole.Base),
        ("text on alternate rows", QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
        ("button text", QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
        ("selected text", QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
        ("placeholder", QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
        ("tooltip", QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
    )
    problems = []
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for what, fg, bg in pairs:
            ratio = contrast(palette.color(group, fg), palette.color(group, bg))
            if ratio < MIN_TEXT_CONTRAST:
                problems.append(f"palette {what} ({group.name}): {ratio:.2f}:1")
    return problems


def problems(window: QWidget) -> list[str]:
    return (_name_problems(window) + _mnemonic_problems(window) + _tab_order_problems(window)
            + _contrast_problems(window) + palette_problems(window.palette()))


def focusable_count(window: QWidget) -> int:
    return sum(1 for w in _visible_widgets(window) if focusable(w))
