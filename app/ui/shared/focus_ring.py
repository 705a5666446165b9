"""A clearly visible keyboard focus (WCAG 2.4.7): a 2 px outline in the accent colour around
whatever widget has the focus — a field, a button, a table, a tab bar — drawn the same way
whatever the style draws itself.

``FocusRing`` (one per application) follows the focus. It draws on a transparent overlay in
the focused window (``RingOverlay``: on top of the window's other children, transparent for
the mouse, deleted with its window), follows the focus widget when it moves or resizes (a
splitter, a scroll area) and is clipped to what of it is visible.
"""

from __future__ import annotations

import contextlib

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.shared.style import color

RING_WIDTH = 2
OVERLAY_NAME = "focus_ring"
WATCHED_EVENTS = frozenset({QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show,
                            QEvent.Type.Hide, QEvent.Type.LayoutRequest})


def visible_rect(widget: QWidget) -> QRect:
    """The part of ``widget`` its ancestors leave visible, in its window's coordinates."""
    window = widget.window()
    rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        clip = QRect(parent.mapTo(window, parent.rect().topLeft()), parent.size())
        rect = rect.intersected(clip)
        parent = parent.parentWidget()
    return rect.intersected(window.rect())


def _alive(obj: QObject | None) -> bool:
    return obj is not None and shiboken6.isValid(obj)


class RingOverlay(QWidget):
    """The ring itself: a transparent child of one window."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName(OVERLAY_NAME)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.ring = QRect()
        self.hide()

    def show_ring(self, rect: QRect) -> None:
        old = QRect(self.ring)
        window = self.parentWidget()
        if window is not None:
            self.setGeometry(window.rect())
        self.ring = rect
        self.raise_()
        self.show()
        self.update(old.adjusted(-2, -2, 2, 2))
        self.update(rect.adjusted(-2, -2, 2, 2))

    def hide_ring(self) -> None:
        self.ring = QRect()
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if self.ring.isEmpty():
            return
        painter = QPainter(self)
        pen = QPen(color("accent"), RING_WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = RING_WIDTH // 2
        painter.drawRect(self.ring.adjusted(half, half, -half, -half))
        painter.end()


class FocusRing(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("focus_ring_controller")
        self.target: QWidget | None = None
        self.overlay: RingOverlay | None = None
        self._watched: list[QWidget] = []
        app.focusChanged.connect(self._focus_changed)

    @classmethod
    def install(cls, app: QApplication) -> FocusRing:
        return cls(app)

    @staticmethod
    def overlay_of(window: QWidget) -> RingOverlay:
        found = window.findChild(RingOverlay, OVERLAY_NAME,
                                 Qt.FindChildOption.FindDirectChildrenOnly)
        return found if found is not None else RingOverlay(window)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self._unwatch()
        if _alive(self.overlay) and (new is None or self.overlay.parentWidget()  # type: ignore[union-attr]
                                     is not new.window()):
            self.overlay.hide_ring()  # type: ignore[union-attr]
        self.target = None
        if new is None or isinstance(new, RingOverlay) or self._is_popup(new):
            return
        self.target = new
        self.overlay = self.overlay_of(new.window())
        self._watch(new)
        self.follow()

    @staticmethod
    def _is_popup(widget: QWidget) -> bool:  # a tooltip never has the focus for long
        return widget.window().windowType() == Qt.WindowType.ToolTip

    def _watch(self, widget: QWidget) -> None:
        current: QWidget | None = widget
        while current is not None:
            current.installEventFilter(self)
            self._watched.append(current)
            if current.isWindow():
                break
            current = current.parentWidget()

    def _unwatch(self) -> None:
        for widget in self._watched:
            if _alive(widget):
                with contextlib.suppress(RuntimeError):
                    widget.removeEventFilter(self)
        self._watched = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in WATCHED_EVENTS:
            self.follow()
        return False

    def follow(self) -> None:
        target, overlay = self.target, self.overlay
        if not _alive(overlay):
            self.overlay = None
            return
        assert overlay is not None
        if not _alive(target) or not target.isVisible() or not target.hasFocus():  # type: ignore[union-attr]
            overlay.hide_ring()
            return
        assert target is not None
        overlay.show_ring(visible_rect(target))
