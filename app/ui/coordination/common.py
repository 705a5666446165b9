"""Small pieces shared by the coordination screens: quarter lists, an error box and the "exact
counts, internal only" note."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QWidget,
)

from app.i18n import _
from app.models.periods import Quarter, last_completed_quarter
from app.ui.shared.style import set_role


def recent_quarters(today: dt.date, n: int = 8) -> list[Quarter]:
    """The last `n` completed quarters plus the current one, newest first."""
    current = Quarter.of(today)
    return list(reversed(last_completed_quarter(today).back(n - 1) + [current]))


def error_box(parent: QWidget | None, message: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, _("Something went wrong"), message,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("error_box")
    return box


def show_error(parent: QWidget | None, message: str) -> None:
    error_box(parent, message).exec()


def internal_note() -> QLabel:
    """The small note that these screens show exact counts, for the coordinator only."""
    note = QLabel()
    note.setObjectName("internal_note")
    note.setWordWrap(True)
    set_role(note, "note")
    return note


def internal_note_text() -> str:
    return _("Exact counts, for use inside the confidant network only. Reports for readers "
             "outside it (PDF, CSV) hide small numbers.")
