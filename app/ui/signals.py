"""The one application-level signal hub: views refresh on `data_changed`."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppSignals(QObject):
    data_changed = Signal(object)
    language_changed = Signal(str)
