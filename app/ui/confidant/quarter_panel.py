"""This quarter at a glance: new cases, contacts, hours, top topics, and 8 quarters of bars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from app.i18n import _, format_minutes, format_number
from app.models.periods import Quarter
from app.services.confidant import queries
from app.services.storage.vault import Register
from app.ui.shared.chart import BarChart, ChartPanel
from app.ui.shared.formatting import topic_labels


def short_quarter(quarter: str, with_year: bool) -> str:
    """'Q3', with the year on a second line where a year starts (and for the first bar)."""
    year, q = quarter.split("-")
    return f"{q}\n{year}" if with_year else q


class QuarterPanel(QGroupBox):
    def __init__(
        self, today: Callable[[], dt.date] = dt.date.today, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.today = today
        self.register: Register | None = None
        self.summary: queries.QuarterSummary | None = None
        self.values = {k: QLabel() for k in ("new_cases", "contacts", "hours", "top")}
        for lab in self.values.values():
            lab.setWordWrap(True)
        self.captions = {k: QLabel() for k in self.values}
        form = QFormLayout()
        for key in self.values:
            form.addRow(self.captions[key], self.values[key])
        self.cases_chart = BarChart()
        self.hours_chart = BarChart()
        self.charts = ChartPanel([self.cases_chart, self.hours_chart])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.charts, 1)
        self.retranslate_ui()

    @property
    def quarter(self) -> str:
        return str(Quarter.of(self.today()))

    def set_register(self, register: Register | None) -> None:
        self.register = register
        self.refresh()

    def clear(self) -> None:
        self.set_register(None)

    def refresh(self) -> None:
        self.summary = (
            queries.quarter_summary(self.register, self.quarter) if self.register else None
        )
        self._show()

    def retranslate_ui(self) -> None:
        self.setTitle(_("This quarter ({quarter})").format(quarter=self.quarter))
        self.captions["new_cases"].setText(_("New cases"))
        self.captions["contacts"].setText(_("Contact moments"))
        self.captions["hours"].setText(_("Hours (cases and activities)"))
        self.captions["top"].setText(_("Top topics"))
        self._show()

    def _show(self) -> None:
        s = self.summary
        if s is None:
            for lab in self.values.values():
                lab.clear()
            self.cases_chart.clear()
            self.hours_chart.clear()
            self.charts.refresh()
            return
        cur = s.current
        self.values["new_cases"].setText(format_number(cur.new_cases))
        self.values["contacts"].setText(format_number(cur.contacts))
        self.values["hours"].setText(format_minutes(cur.minutes))
        self.values["top"].setText(
            "; ".join(f"{topic_labels([t])} ({format_number(n)})" for t, n in s.top_topics) or "–")
        labels = [short_quarter(f.quarter, i == 0 or f.quarter.endswith("Q1"))
                  for i, f in enumerate(s.history)]
        periods = [f.quarter for f in s.history]
        self.cases_chart.set_data(_("New cases per quarter"), labels,
                                  [f.new_cases for f in s.history], long_labels=periods)
        hours = [f.minutes / 60 for f in s.history]
        self.hours_chart.set_data(_("Hours per quarter"), labels, hours,
                                  [format_number(round(h)) for h in hours], long_labels=periods)
        self.charts.refresh()
