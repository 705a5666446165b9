"""One way from a window to a use case (issue 21), after Anki's CollectionOp/QueryOp.

A window owns one ``Ops`` runner and calls a use case through it in one line::

    self.ops.run(lambda: exporting.export_quarter(register, quarter, folder), self._written)

The runner
- runs ``work`` off the GUI thread (a ``worker.Task``; while one runs, ``tasks_running()`` is
  true and the automatic lock waits for it) and hands its result to ``on_done`` on the GUI
  thread. No Python object crosses threads in a signal: the task keeps its outcome and the GUI
  thread reads it after ``finished``; progress is two numbers the GUI thread reads on a timer;
- refuses a second start while one runs (``run`` returns None);
- shows an ``AppError`` in the window's one ``ErrorLine`` (a field's own error label when the
  error names a field the window shows), with an accessible description a screen reader reads;
- emits what the use case changed (its ``Change``, or its result's ``change``) exactly once;
- with ``progress=``, shows a progress dialog with Cancel (the work gets a ``Progress``).

``now`` (and ``attempt``) is the same without the thread, for what takes no time and writes
nothing: reading a form as typed (a FieldError lands under its field) and quick reads. Every
write goes through ``run``, the single-row saves of the case forms too: the form is busy while
its save runs and moves on when the result has landed (tests/ui/test_ops.py fails when a window
hands a writing use case to ``now``/``attempt`` or calls it itself).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from app.errors import AppError, FieldError
from app.i18n import _
from app.services.changes import Change
from app.ui.shared.style import set_role
from app.ui.shared.worker import Busy, Task, run_task, wait_for

log = logging.getLogger(__name__)
T = TypeVar("T")
PROGRESS_POLL_MS = 100


class ErrorLine(QLabel):
    """The one place a window says what went wrong: hidden until there is a sentence; the
    sentence is also its accessible description, so a screen reader says it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error_line")
        set_role(self, "error")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_error(self, error: AppError | str) -> None:
        sentence = error.message if isinstance(error, AppError) else error
        self.setText(sentence)
        self.setAccessibleDescription(sentence)
        self.show()

    def clear_error(self) -> None:
        self.clear()
        self.setAccessibleDescription("")
        self.hide()

    def sentence(self) -> str:
        """The sentence shown, or "" when there is none."""
        return "" if self.isHidden() else self.text()


class Progress:
    """Shared by the work (writes ``done``/``total``, reads ``cancelled``) and the GUI thread
    (reads the numbers on a timer, sets ``cancelled``): plain ints and a bool, never a signal."""

    def __init__(self) -> None:
        self.cancelled = False
        self.done = 0
        self.total = 0

    def cancel(self) -> None:
        self.cancelled = True

    def report(self, done: int, total: int) -> None:
        self.done, self.total = done, total


def change_of(result: object) -> Change | None:
    """What a use case's result says it changed."""
    if isinstance(result, Change):
        return result
    change = getattr(result, "change", None)
    return change if isinstance(change, Change) else None


class Ops(QObject):
    """A window's runner: one operation at a time, its error in ``error_line`` (or the field's
    own label in ``field_errors``; a workspace without a line passes a function that tells it
    in a message box), its change to ``changed``."""

    def __init__(self, owner: QObject, error_line: ErrorLine | Callable[[AppError], None],
                 changed: Callable[[Change], None] | None = None,
                 field_errors: Mapping[str, QLabel] | None = None) -> None:
        super().__init__(owner)
        self.owner = owner
        self.error_line = error_line
        self.changed = changed
        self.field_errors = field_errors if field_errors is not None else {}
        self.task: Task | None = None
        self.progress: Progress | None = None
        self.progress_dialog: QProgressDialog | None = None
        self._timer: QTimer | None = None

    @property
    def busy(self) -> bool:
        return self.task is not None

    # --- errors ----------------------------------------------------------------------------
    def clear_errors(self) -> None:
        if isinstance(self.error_line, ErrorLine):
            self.error_line.clear_error()
        for label in self.field_errors.values():
            label.hide()

    def show_error(self, error: AppError) -> None:
        label = self.field_errors.get(error.field) if isinstance(error, FieldError) else None
        if label is None:
            if isinstance(self.error_line, ErrorLine):
                self.error_line.show_error(error)
            else:
                self.error_line(error)
            return
        label.setText(error.message)
        label.setAccessibleDescription(error.message)
        label.show()

    # --- running ---------------------------------------------------------------------------
    def now(self, work: Callable[[], T]) -> T | None:
        """``work`` on the GUI thread: its result (after emitting its change), or None when it
        raised an AppError (shown)."""
        return self._now(work)[1]

    def attempt(self, work: Callable[[], object]) -> bool:
        """``now`` for work whose result is not needed: whether it succeeded."""
        return self._now(work)[0]

    def _now(self, work: Callable[[], T]) -> tuple[bool, T | None]:
        if self.busy:
            return False, None
        self.clear_errors()
        try:
            result = work()
        except AppError as exc:
            self.show_error(exc)
            return False, None
        self._emit(result)
        return True, result

    def run(self, work: Callable[[], T], on_done: Callable[[T], None] | None = None, *,
            disable: Iterable[QWidget] = (), status: QLabel | None = None, text: str = "",
            on_error: Callable[[AppError], None] | None = None) -> Task | None:
        """``work`` off the GUI thread; ``on_done(result)`` on it after. None (and nothing
        started) while another operation of this window runs."""
        if self.busy:
            return None
        self.clear_errors()

        def done(result: Any) -> None:
            self._finish()
            if on_done is not None:
                on_done(result)
            self._emit(result)

        def failed(error: AppError) -> None:
            self._finish()
            (on_error or self.show_error)(error)

        self.task = run_task(self.owner, work, done, failed,
                             busy=Busy(disable, status, text))
        return self.task

    def run_with_progress(self, work: Callable[[Progress], T],
                          on_done: Callable[[T], None] | None = None, *, title: str,
                          label: str, disable: Iterable[QWidget] = (),
                          status: QLabel | None = None, text: str = "",
                          on_error: Callable[[AppError], None] | None = None) -> Task | None:
        """``run`` for long work that reports progress and can be cancelled: a progress dialog
        with Cancel shows after a moment."""
        if self.busy:
            return None
        progress = Progress()
        task = self.run(lambda: work(progress), on_done, disable=disable, status=status,
                        text=text, on_error=on_error)
        if task is None:
            return None
        self.progress = progress
        parent = self.owner if isinstance(self.owner, QWidget) else None
        dialog = QProgressDialog(label, _("Cancel"), 0, 0, parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(progress.cancel)
        timer = QTimer(self)
        timer.setInterval(PROGRESS_POLL_MS)
        timer.timeout.connect(self._show_progress)
        timer.start()
        self.progress_dialog, self._timer = dialog, timer
        return task

    def cancel(self) -> None:
        if self.progress is not None:
            self.progress.cancel()

    def wait(self) -> None:
        """Block until the running operation has finished and been delivered, and any it
        started when it was done (closing a window, tests)."""
        while self.task is not None:
            wait_for(self.task)

    def stop(self) -> None:
        """Cancel what can be cancelled, then wait for it."""
        self.cancel()
        self.wait()

    # --- inside ----------------------------------------------------------------------------
    def _show_progress(self) -> None:
        if self.progress_dialog is not None and self.progress is not None:
            self.progress_dialog.setMaximum(self.progress.total)
            self.progress_dialog.setValue(self.progress.done)

    def _finish(self) -> None:
        self.task = None
        self.progress = None
        if self._timer is not None:
            self._timer.stop()
            self._timer.deleteLater()
            self._timer = None
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect()
            self.progress_dialog.reset()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _emit(self, result: object) -> None:
        change = change_of(result)
        if change is not None and self.changed is not None:
            self.changed(change)
