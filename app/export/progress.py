"""Progress and Cancel for the witness search (issue 19: a period plan takes tens of seconds).

A service that protects a report wraps the search in ``watching(on_progress, cancel)``, the
protocol of the import's dry run (``on_progress(done, total)``, ``cancel.cancelled``); the
search itself takes no parameter for it. Inside, the solver asks ``checkpoint()`` before every
solve (a cancelled search raises ``ReportCancelled`` there, before anything is written) and
the search says how far it is with ``stage`` and ``report``: the finding and hiding rounds
fill the first part of the bar, trying each extra hidden cell again the rest (the steadiest
measure the search has: one step per cell). Nothing here imports Qt; the watch is per thread
(a context variable), so a search on the GUI's worker never sees another thread's.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from app.errors import ReportCancelled

SCALE = 1000  # the bar's steps: per mille of the whole search
ProgressCallback = Callable[[int, int], None]


class Cancellable(Protocol):
    """What the search asks between solves: a ``CancelFlag``, or the window's progress."""

    @property
    def cancelled(self) -> bool: ...


class _Watch:
    def __init__(self, on_progress: ProgressCallback | None,
                 cancel: Cancellable | None) -> None:
        self.on_progress, self.cancel = on_progress, cancel
        self.low, self.high = 0, SCALE
        self.done = 0

    def check(self) -> None:
        if self.cancel is not None and self.cancel.cancelled:
            raise ReportCancelled()

    def report(self, done: int, total: int) -> None:
        if self.on_progress is None:
            return
        share = min(max(done, 0), total) / total if total > 0 else 1.0
        value = self.low + int((self.high - self.low) * share)
        if value > self.done:  # the bar never moves back
            self.done = value
            self.on_progress(value, SCALE)


_current: contextvars.ContextVar[_Watch | None] = contextvars.ContextVar("watch", default=None)


@contextmanager
def watching(on_progress: ProgressCallback | None = None,
             cancel: Cancellable | None = None) -> Iterator[None]:
    """Report the search's progress to ``on_progress`` and stop it (``ReportCancelled``) at
    the next solve once ``cancel.cancelled`` is true."""
    if on_progress is None and cancel is None:
        yield
        return
    watch = _Watch(on_progress, cancel)
    token = _current.set(watch)
    try:
        watch.check()
        yield
        watch.check()
    finally:
        _current.reset(token)


def checkpoint() -> None:
    """Raise ``ReportCancelled`` when the search watched was cancelled."""
    watch = _current.get()
    if watch is not None:
        watch.check()


def stage(low: int, high: int) -> None:
    """What follows fills the bar from ``low`` to ``high`` per mille."""
    watch = _current.get()
    if watch is not None:
        watch.low, watch.high = max(low, watch.done), high


def halfway(high: int) -> None:
    """What follows fills half of the bar left up to ``high`` per mille (a round of a search
    whose rounds are not counted in advance: each takes half of what is left)."""
    watch = _current.get()
    if watch is not None:
        watch.low = watch.done
        watch.high = watch.done + max(0, high - watch.done) // 2


def report(done: int, total: int) -> None:
    """``done`` of ``total`` steps of the current stage are done."""
    watch = _current.get()
    if watch is not None:
        watch.report(done, total)
