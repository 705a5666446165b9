"""The one app-level signal hub: views listen, they don't reach into each other."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppSignals(QObject):
    data_changed = Signal(object)  # a description of what changed (e.g. a services Change)
    language_changed = Signal(str)  # "nl" or "en", after the switch
