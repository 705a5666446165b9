"""Windows that fit a laptop screen: a defence laptop is often 1366×768 or 1280×720, at 100 %,
125 % or 150 % scaling — at 150 % that leaves about 910×470 logical pixels for a window.

- ``fit_to_screen`` opens a window at its preferred size, never larger than the screen's
  available area (less a taskbar and the frame the window manager adds), and keeps it, frame
  included, inside that area each time it is shown; ``restore_geometry`` puts the register
  window back where a person left it, when that place is still on a connected screen;
- ``ScrollArea`` wraps a pane that can be taller than the window; ``FocusFollower`` (one per
  application) scrolls the focused field into view, however it got the focus (Tab, a
  mnemonic, a click), so a keyboard user never types into a field they cannot see.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QScrollArea, QWidget

# What window managers add around a window (title bar, borders), at most, in logical pixels:
# known only after the window is shown, so the size is fitted before with this allowance.
FRAME_MARGINS = QMargins(8, 32, 8, 8)
FRAME = QSize(FRAME_MARGINS.left() + FRAME_MARGINS.right(),
              FRAME_MARGINS.top() + FRAME_MARGINS.bottom())
# A taskbar, when the screen does not say what it reserves (some X window managers, the
# offscreen platform): 40 pixels at 100 %, 60 at 150 % — 40 logical pixels either way.
TASKBAR = 40

# The smallest screens the program must fit, as logical pixels available to a window:
# 1280×720 at 100 % and 1366×768 at 150 % (911×512), less a taskbar of 40 pixels.
SMALLEST_SCREENS: dict[str, QSize] = {
    "1280x720@100%": QSize(1280, 680),
    "1366x768@150%": QSize(911, 472),
}


def available_area(widget: QWidget | None = None) -> QRect:
    """Where a window, frame included, may be: the screen less its taskbar."""
    screen = (widget.screen() if widget is not None else None) \
        or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    if area == screen.geometry():
        area = area.adjusted(0, 0, 0, -TASKBAR)
    return area


def frame_margins(window: QWidget) -> QMargins:
    """The frame around ``window``: the real one once shown, never less than the allowance
    (a window manager may add its frame later, or report less than it draws)."""
    frame, inner = window.frameGeometry(), window.geometry()
    real = QMargins(inner.left() - frame.left(), inner.top() - frame.top(),
                    frame.right() - inner.right(), frame.bottom() - inner.bottom())
    return QMargins(max(real.left(), FRAME_MARGINS.left()), max(real.top(), FRAME_MARGINS.top()),
                    max(real.right(), FRAME_MARGINS.right()),
                    max(real.bottom(), FRAME_MARGINS.bottom()))


def outer_rect(window: QWidget) -> QRect:
    """``window`` with its frame (the allowance while the window manager has added none)."""
    return window.geometry().marginsAdded(frame_margins(window))


def room_for(widget: QWidget | None = None) -> QSize:
    """The largest window size (without its frame) that fits the available area."""
    area = available_area(widget).size()
    return QSize(max(area.width() - FRAME.width(), 200), max(area.height() - FRAME.height(), 150))


def keep_on_screen(window: QWidget) -> None:
    """Move ``window`` (and shrink it if need be) so that it, frame included, is inside the
    available area."""
    inner = available_area(window).marginsRemoved(frame_margins(window))
    rect = window.geometry()
    size = rect.size().boundedTo(inner.size())
    x = min(max(rect.x(), inner.left()), inner.right() + 1 - size.width())
    y = min(max(rect.y(), inner.top()), inner.bottom() + 1 - size.height())
    wanted = QRect(QPoint(x, y), size)
    if wanted != rect:
        window.setGeometry(wanted)  # the area inside the frame, unlike move()


class _KeepOnScreen(QObject):
    """Puts a window back inside the available area each time it is shown (a dialog is
    centred over its parent by Qt, which knows nothing of the frame or the taskbar)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) \
                and watched.isWindow():
            keep_on_screen(watched)
            # and once more when the window manager has put its frame around it
            QTimer.singleShot(0, watched, lambda: keep_on_screen(watched))
        return False


def fit_to_screen(window: QWidget, preferred: QSize, *, centre: bool = False) -> QSize:
    """Size ``window`` to ``preferred``, or smaller when the screen is smaller; each time it is
    shown it is kept, frame included, inside the available area."""
    room = room_for(window)
    size = preferred.boundedTo(room)
    window.resize(size)
    if centre:
        area = available_area(window)
        outer = QSize(size.width() + FRAME.width(), size.height() + FRAME.height())
        corner = area.center() - QPoint(outer.width() // 2, outer.height() // 2)
        window.setGeometry(QRect(corner + QPoint(FRAME_MARGINS.left(), FRAME_MARGINS.top()),
                                 size))
    direct = Qt.FindChildOption.FindDirectChildrenOnly
    if window.findChild(_KeepOnScreen, "keep_on_screen", direct) is None:
        keeper = _KeepOnScreen(window)
        keeper.setObjectName("keep_on_screen")
        window.installEventFilter(keeper)
    return size


def restore_geometry(window: QWidget, remembered: list[int]) -> bool:
    """Put ``window`` where a person left it (``[x, y, width, height]``), when that place is
    still on a connected screen and fits its available area; False (and nothing changed)
    otherwise."""
    if len(remembered) != 4:
        return False
    rect = QRect(*remembered)
    screen = QGuiApplication.screenAt(rect.center())
    if screen is None or rect.width() < 200 or rect.height() < 150:
        return False
    area = screen.availableGeometry()
    if area == screen.geometry():
        area = area.adjusted(0, 0, 0, -TASKBAR)
    if not area.contains(rect.marginsAdded(FRAME_MARGINS)):
        return False
    window.setGeometry(rect)
    return True


def geometry_to_remember(window: QWidget) -> list[int]:
    """The size and place a person gave ``window`` (not a maximised one)."""
    rect = window.normalGeometry() if window.isMaximized() else window.geometry()
    return [rect.x(), rect.y(), rect.width(), rect.height()]


class WrappingLabel(QLabel):
    """A word-wrapped label that keeps the height its text needs at its width: in a scroll
    area's pane a plain one is given one line and its text clipped (at 150 % the export's
    result sentence, issue 22)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        if self.width() > 0 and self.text():
            hint.setHeight(max(hint.height(), self.heightForWidth(self.width())))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.height() < self.heightForWidth(self.width()):
            self.updateGeometry()

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self.updateGeometry()


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
