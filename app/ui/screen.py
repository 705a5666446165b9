"""Windows that fit a laptop screen: a defence laptop is often 1366×768 or 1280×720, at 100 %,
125 % or 150 % scaling — at 150 % that leaves about 910×470 logical pixels for a window.

- ``fit_to_screen`` opens a window at its preferred size, never larger than the screen's
  available area (minus the frame the window manager adds);
- ``ScrollArea`` wraps a pane that can be taller than the window; ``FocusFollower`` (one per
  application) scrolls the focused field into view, however it got the focus (Tab, a
  mnemonic, a click), so a keyboard user never types into a field they cannot see.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QWidget

# What window managers add around a window (title bar, borders), at most, in logical pixels:
# known only after the window is shown, so the size is fitted before with this allowance.
FRAME = QSize(16, 40)

# The smallest screens the program must fit, as logical pixels available to a window:
# 1280×720 at 100 % and 1366×768 at 150 % (911×512), less a taskbar of 40 pixels.
SMALLEST_SCREENS: dict[str, QSize] = {
    "1280x720@100%": QSize(1280, 680),
    "1366x768@150%": QSize(911, 472),
}


def available_area(widget: QWidget | None = None) -> QRect:
    screen = (widget.screen() if widget is not None else None) \
        or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def room_for(widget: QWidget | None = None) -> QSize:
    """The largest window size (without its frame) that fits the available area."""
    area = available_area(widget).size()
    return QSize(max(area.width() - FRAME.width(), 200), max(area.height() - FRAME.height(), 150))


def fit_to_screen(window: QWidget, preferred: QSize, *, centre: bool = False) -> QSize:
    """Size ``window`` to ``preferred``, or smaller when the screen is smaller."""
    room = room_for(window)
    size = preferred.boundedTo(room)
    window.resize(size)
    if centre:
        area = available_area(window)
        window.move(area.center() - QPoint(size.width() // 2,
                                           (size.height() + FRAME.height()) // 2)
                    + QPoint(0, FRAME.height() - 8))
    return size


class ScrollArea(QScrollArea):
    """A borderless scroll area around one pane; ``FocusFollower`` keeps the focused widget
    in view in it."""

    def __init__(self, pane: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(pane)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)


class FocusFollower(QObject):
    """One per application: whatever gets the focus (Tab, a mnemonic, a click, the program)
    is scrolled into view in every scroll area around it."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None:
            return
        current = new.parentWidget()
        while current is not None:
            pane = current.widget() if isinstance(current, QScrollArea) else None
            if isinstance(current, QScrollArea) and pane is not None and pane.isAncestorOf(new):
                current.ensureWidgetVisible(new, 8, 8)
            current = current.parentWidget()


def scrolling(pane: QWidget) -> ScrollArea:
    return ScrollArea(pane)
