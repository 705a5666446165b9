"""A date field that is typed fast ("5-11", "05/11/26") and has a date picker: the calendar
button at the end of the field, or Alt+Down / F4 from the keyboard. In the calendar the arrow
keys move, Enter takes the date, Escape leaves the field as it was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QTableView, QVBoxLayout, QWidget

from app.errors import FieldError
from app.i18n import _
from app.services.confidant import typed_input
from app.ui.shared.formatting import short_date
from app.ui.shared.icons import icon


class CalendarPopup(QWidget):
    def __init__(self, field: DateField) -> None:
        super().__init__(field, Qt.WindowType.Popup)
        self.setObjectName("date_picker")
        self.field = field
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(
            QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setAccessibleName(_("Calendar"))
        view = self.calendar.findChild(QTableView)
        if view is not None:  # the grid of days: what has the focus in the calendar
            view.setAccessibleName(_("Calendar"))
            view.setAccessibleDescription(_("Arrow keys choose a day, Page Up and Page Down "
                                            "the month; Enter takes the date, Escape closes."))
        self.calendar.activated.connect(self._chosen)
        self.calendar.clicked.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.calendar)

    def _chosen(self, day: QDate) -> None:
        self.field.set_date(dt.date(day.year(), day.month(), day.day()))
        self.close()
        self.field.setFocus(Qt.FocusReason.PopupFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            self.field.setFocus(Qt.FocusReason.PopupFocusReason)
            return
        super().keyPressEvent(event)


class DateField(QLineEdit):
    def __init__(self, today: Callable[[], dt.date] = dt.date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.popup: CalendarPopup | None = None
        self.picker_action = QAction(icon("calendar"), "", self)
        self.picker_action.triggered.connect(self.open_picker)
        self.addAction(self.picker_action, QLineEdit.ActionPosition.TrailingPosition)
        self.installEventFilter(self)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.picker_action.setText(_("Choose a date"))
        self.picker_action.setToolTip(_("Choose a date (Alt+Down)"))
        self.setPlaceholderText(_("dd-mm-yyyy"))

    def date(self) -> dt.date | None:
        try:
            return typed_input.date(self.text(), "on", self.today())
        except FieldError:
            return None

    def set_date(self, day: dt.date) -> None:
        self.setText(short_date(day))
        self.selectAll()

    def open_picker(self) -> CalendarPopup:
        popup = CalendarPopup(self)
        day = self.date() or self.today()
        popup.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        popup.adjustSize()
        popup.move(self.mapToGlobal(QPoint(0, self.height())))
        popup.show()
        popup.calendar.setFocus(Qt.FocusReason.PopupFocusReason)
        self.popup = popup
        return popup

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            alt_down = (event.key() == Qt.Key.Key_Down
                        and event.modifiers() & Qt.KeyboardModifier.AltModifier)
            if alt_down or event.key() == Qt.Key.Key_F4:
                self.open_picker()
                return True
        return False
