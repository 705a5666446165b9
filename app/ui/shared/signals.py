"""The one app-level signal hub: views listen, they don't reach into each other."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppSignals(QObject):
    data_changed = Signal(object)  # an app.services.changes.Change: what to refresh
    language_changed = Signal(str)  # "nl" or "en", after the switch
