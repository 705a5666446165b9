"""Locking: an application-wide idle watcher and the steps that put the register away
(draft stored encrypted by `app.services.storage.drafts`, widgets cleared, engine
disposed) and bring it back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from app.secrets_in_memory import overwrite_freed_memory, wipe
from app.ui.shared.worker import collect_everything

if TYPE_CHECKING:  # the database stack loads after the unlock dialog is up (start-up time)
    from app.services.storage import vault

LOCK_SHORTCUT = QKeySequence("Ctrl+L")

ACTIVITY_EVENTS = frozenset({
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
})


class LockableWindow(Protocol):
    def take_draft(self) -> dict[str, Any] | None: ...
    def clear_for_lock(self) -> None: ...
    def restore_draft(self, draft: dict[str, Any]) -> None: ...


class IdleWatcher(QObject):
    """Install on the QApplication: any key or mouse event restarts the timer; `idle` fires
    once the interval passes without one."""

    idle = Signal()
    lock_key = Signal()  # Ctrl+L anywhere in the application

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.idle)

    @staticmethod
    def minutes_to_ms(minutes: int) -> int:
        return max(1, int(minutes)) * 60_000

    def interval_ms(self) -> int:
        return self._timer.interval()

    def set_interval_ms(self, interval_ms: int) -> None:
        self._timer.setInterval(interval_ms)
        if self._timer.isActive():
            self._timer.start()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in ACTIVITY_EVENTS and self._timer.isActive():
            self._timer.start()
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and QKeySequence(event.keyCombination()) == LOCK_SHORTCUT
                and isinstance(watched, QWidget)
                and watched is (QApplication.focusWidget() or watched.window())):
            # The filter sees a key press once per receiver on its way up; acting at its first
            # receiver only keeps one press = one lock. If a window action owns the shortcut,
            # Qt consumes the press before it gets here, so there is no double lock either.
            self.lock_key.emit()
            return True
        return False


def lock_register(window: LockableWindow, register: vault.Register) -> None:
    """Draft stored encrypted, widgets emptied, engine disposed, key forgotten, and the
    memory freed on the way overwritten (docs/security.md, "What locking forgets")."""
    from app.services.storage.drafts import store_draft

    draft = None
    try:
        draft = window.take_draft()
        store_draft(register, draft)
    finally:
        if draft and isinstance(draft.get("memo"), str):
            wipe(draft["memo"])  # the str the memo field gave: ours alone
        window.clear_for_lock()
        register.close()
        collect_everything()  # what held case text is freed now, not at some later time
        overwrite_freed_memory()


def resume_register(window: LockableWindow, register: vault.Register) -> None:
    from app.services.storage.drafts import take_stored_draft

    draft = take_stored_draft(register)
    if draft:
        window.restore_draft(draft)
