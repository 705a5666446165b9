"""Slow work off the GUI thread, so the window keeps painting and the cursor keeps moving while
a key is derived, a passphrase changed, a backup made or a PDF written.

``run_task(owner, work, on_done)`` runs ``work()`` on a QThread and calls ``on_done(result)``
(or ``on_error(AppError)``) back on the GUI thread. While it runs the owner shows a busy state
(``Busy``): the wait cursor, the given widgets disabled, an optional sentence. The register
must not be locked while a task uses it: ``tasks_running()`` says whether one is, and the
controller postpones the automatic lock until it has finished.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import weakref
from collections.abc import Callable, Iterable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QWidget

from app.errors import AppError

log = logging.getLogger(__name__)

_running: weakref.WeakSet[Task] = weakref.WeakSet()


def tasks_running() -> bool:
    return any(shiboken6.isValid(task) and task.isRunning() for task in list(_running))


# Python's cyclic garbage collector runs on whichever thread happens to allocate when a
# threshold is crossed. Collected on a task's thread, a forgotten window's QWidget would be
# destroyed off the GUI thread (a crash much later, anywhere). So garbage is collected on the
# GUI thread before a task starts, and automatic collection pauses while any task runs; the
# GUI thread turns it back on when the last one has delivered (as Anki collects only on its
# main thread).
def _pause_collection() -> None:
    gc.collect()
    gc.disable()


def _resume_collection_if_idle() -> None:
    if not tasks_running():
        gc.enable()


class Task(QThread):
    """One call of ``work`` on its own thread. Its outcome (``result`` or ``error``) is read
    on the GUI thread after ``finished``: no Python object crosses threads in a signal (PySide
    copies queued arguments outside the interpreter lock, which corrupted memory)."""

    def __init__(self, work: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self.result: Any = None
        self.error: AppError | None = None
        _running.add(self)

    def run(self) -> None:
        try:
            self.result = self._work()
        except AppError as exc:
            self.error = exc
        except Exception as exc:  # shown as a sentence, logged with its trace
            log.exception("background task failed")
            self.error = AppError()
            self.error.__cause__ = exc


class Busy:
    """The busy state of a window while a task runs: wait cursor, controls disabled, a
    sentence in ``label`` (when given). ``end()`` undoes exactly what ``start()`` did."""

    def __init__(self, widgets: Iterable[QWidget] = (), label: QLabel | None = None,
                 text: str = "") -> None:
        self.widgets = [w for w in widgets if w.isEnabled()]
        self.label = label
        self.text = text
        self._label_before = ""
        self.active = False

    def start(self) -> None:
        self.active = True
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        for widget in self.widgets:
            widget.setEnabled(False)
        if self.label is not None and self.text:
            self._label_before = self.label.text()
            self.label.setText(self.text)
            self.label.show()

    def end(self) -> None:
        if not self.active:
            return
        self.active = False
        QGuiApplication.restoreOverrideCursor()
        for widget in self.widgets:
            with contextlib.suppress(RuntimeError):  # closed meanwhile
                widget.setEnabled(True)
        if self.label is not None and self.text:
            with contextlib.suppress(RuntimeError):
                if self.label.text() == self.text:
                    self.label.setText(self._label_before)


class _Relay(QObject):
    """Lives on the GUI thread: when the task has finished, it hands over the outcome there."""

    def __init__(self, task: Task, owner: QObject, state: Busy,
                 on_done: Callable[[Any], None],
                 on_error: Callable[[AppError], None] | None) -> None:
        super().__init__(owner)
        self.task, self.state, self.on_done, self.on_error = task, state, on_done, on_error

    @Slot()
    def deliver(self) -> None:
        task = self.task
        # `finished` comes from the thread just before it ends: let it end before anything
        # (its deletion included) happens to the QThread.
        task.wait()
        _resume_collection_if_idle()
        self.state.end()
        # Task and relay stay children of the owner and go with it: deleting them here
        # (deleteLater) while Python still held them crashed PySide now and then.
        if task.error is not None:
            if self.on_error is not None:
                self.on_error(task.error)
        else:
            self.on_done(task.result)


def run_task(owner: QObject, work: Callable[[], Any], on_done: Callable[[Any], None],
             on_error: Callable[[AppError], None] | None = None, *,
             busy: Busy | None = None) -> Task:
    """Run ``work`` off the GUI thread; ``on_done``/``on_error`` run on the GUI thread after.
    The task is a child of ``owner`` (a Qt parent) and goes with it."""
    _pause_collection()
    task = Task(work, owner)
    relay = _Relay(task, owner, busy or Busy(), on_done, on_error)
    task.finished.connect(relay.deliver, Qt.ConnectionType.QueuedConnection)
    relay.state.start()
    task.start()
    return task


def wait_for(task: Task) -> None:
    """Block until ``task`` has finished and its outcome was delivered (tests, shutdown)."""
    from PySide6.QtCore import QCoreApplication

    task.wait()
    QCoreApplication.processEvents()
