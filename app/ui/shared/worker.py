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
from collections.abc import Callable, Iterable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QWidget

from app.errors import AppError

log = logging.getLogger(__name__)

# A task and its relay belong to no window: a QThread deleted while it runs aborts the whole
# process ("QThread: Destroyed while thread is still running"), and a window can be closed (or
# deleted by its parent) while its save still runs. So they are held here from the start until
# the outcome has been delivered, and a relay whose window has gone delivers to nobody.
_undelivered: set[_Relay] = set()
# A delivered relay is let go only once its slot has returned (deleting a QObject inside its
# own slot is not safe), at the next start or delivery.
_delivered: list[_Relay] = []


def _let_go_of_delivered() -> None:
    _delivered[:] = [relay for relay in _delivered if not relay.returned]


def tasks_running() -> bool:
    return any(relay.task.isRunning() for relay in list(_undelivered))


def tasks_pending() -> bool:
    """Whether a task has not yet handed its outcome over on the GUI thread (running, or
    finished with its delivery still queued): a window that waits for its save waits for this."""
    return bool(_undelivered)


def finish_tasks() -> None:
    """Block until every running task's work has returned (on quit: a thread must not outlive
    the application). Their outcomes are delivered only if the event loop runs again."""
    for relay in list(_undelivered):
        relay.task.wait()


# Python's cyclic garbage collector runs on whichever thread happens to allocate when a
# threshold is crossed. Collected on a task's thread, a forgotten window's QWidget would be
# destroyed off the GUI thread (a crash much later, anywhere). So automatic collection pauses
# while any task runs, and the GUI thread turns it back on when the last one has delivered (as
# Anki collects only on its main thread): what became garbage meanwhile is collected there.
# (A full collection before each start is not needed for that, and it held the GUI thread
# for tens of milliseconds in a large program: the gui-thread bench.)
def _pause_collection() -> None:
    gc.disable()


def _resume_collection_if_idle() -> None:
    if not tasks_running():
        gc.enable()


# A full collection walks every object the program holds: ~140,000 once the modules are
# loaded, 25–240 ms on the GUI thread (the gui-thread bench, at load 1–5), whenever Python
# decides. As a register is opened, before any case is read, what the program has made so far
# (modules, classes, the windows) is set aside from collection (gc.freeze); locking gives it
# back before it collects, so nothing that held case text stays set aside.
def set_program_objects_aside() -> None:
    gc.freeze()


def collect_everything() -> None:
    gc.unfreeze()
    gc.collect()


class Task(QThread):
    """One call of ``work`` on its own thread. Its outcome (``result`` or ``error``) is read
    on the GUI thread after ``finished``: no Python object crosses threads in a signal (PySide
    copies queued arguments outside the interpreter lock, which corrupted memory)."""

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self._work = work
        self.result: Any = None
        self.error: AppError | None = None

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
    """Lives on the GUI thread: when the task has finished, it hands over the outcome there,
    if the window that started it still exists."""

    def __init__(self, task: Task, owner: QObject, state: Busy,
                 on_done: Callable[[Any], None],
                 on_error: Callable[[AppError], None] | None) -> None:
        super().__init__()
        self.task, self.owner, self.state = task, owner, state
        self.on_done, self.on_error = on_done, on_error
        self.returned = False

    @Slot()
    def deliver(self) -> None:
        _let_go_of_delivered()
        task = self.task
        # `finished` comes from the thread just before it ends: let it end before anything
        # (its deletion included) happens to the QThread.
        task.wait()
        _undelivered.discard(self)
        _delivered.append(self)
        try:
            _resume_collection_if_idle()
            self.state.end()
            if not shiboken6.isValid(self.owner):
                return  # the window closed meanwhile: the work is done, no one is to be told
            if task.error is not None:
                if self.on_error is not None:
                    self.on_error(task.error)
            else:
                self.on_done(task.result)
        finally:
            self.returned = True


def run_task(owner: QObject, work: Callable[[], Any], on_done: Callable[[Any], None],
             on_error: Callable[[AppError], None] | None = None, *,
             busy: Busy | None = None) -> Task:
    """Run ``work`` off the GUI thread; ``on_done``/``on_error`` run on the GUI thread after,
    unless ``owner`` has been deleted by then. The task outlives its owner: it always ends."""
    _let_go_of_delivered()
    _pause_collection()
    task = Task(work)
    relay = _Relay(task, owner, busy or Busy(), on_done, on_error)
    task.finished.connect(relay.deliver, Qt.ConnectionType.QueuedConnection)
    _undelivered.add(relay)
    relay.state.start()
    task.start()
    return task


def wait_for(task: Task) -> None:
    """Block until ``task`` has finished and its outcome was delivered (tests, shutdown)."""
    from PySide6.QtCore import QCoreApplication

    task.wait()
    QCoreApplication.processEvents()
