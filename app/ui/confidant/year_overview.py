"""The confidant's year at a glance: cases, contact moments, hours and activities per quarter
and for the whole year, as a table and with the same charts as the quarter panel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.i18n import N_, _, format_minutes, format_number
from app.services.confidant import queries
from app.services.storage.vault import Register
from app.ui.shared.accessible import caption, describe_table
from app.ui.shared.chart import BarChart, ChartPanel
from app.ui.shared.screen import ScrollArea
from app.ui.shared.views import fit_columns, table_view

AnyIndex = QModelIndex | QPersistentModelIndex
YEARS_SHOWN = 5
QUARTERS = 4

# (figure key, its name's msgid, is a duration in minutes)
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("new_cases", N_("New cases"), False),
    ("closed_cases", N_("Closed cases"), False),
    ("contacts", N_("Contact moments"), False),
    ("contact_minutes", N_("Time in contact moments"), True),
    ("activities", N_("Activities"), False),
    ("activity_minutes", N_("Time in activities"), True),
    ("minutes", N_("Total time"), True),
)


def period_name(figures: queries.QuarterFigures) -> str:
    if "-Q" in figures.quarter:
        return figures.quarter.split("-")[1]
    return _("Year {year}").format(year=figures.quarter)


class YearModel(QAbstractTableModel):
    """Rows: the figures; columns: the figure, Q1..Q4 and the year. Five narrow columns fit a
    laptop screen at 150 % (issue 22, item 9: as rows, the year sat under the fold and the
    total time at the right, cut off)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.overview: queries.YearOverview | None = None

    def set_overview(self, overview: queries.YearOverview | None) -> None:
        self.beginResetModel()
        self.overview = overview
        self.endResetModel()

    def periods(self) -> list[queries.QuarterFigures]:
        if self.overview is None:
            return []
        return [*self.overview.quarters, self.overview.total]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.overview is None else len(COLUMNS)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 1 + QUARTERS + 1

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        periods = self.periods()
        if not index.isValid() or not periods or not 0 <= index.row() < len(COLUMNS):
            return None
        key, msgid, minutes = COLUMNS[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return _(msgid)
            value = int(getattr(periods[index.column() - 1], key))
            return format_minutes(value) if minutes else format_number(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.column() == QUARTERS + 1:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return _("Figure")
        periods = self.periods()
        if periods and 0 < section <= len(periods):
            return period_name(periods[section - 1])
        return f"Q{section}" if 0 < section <= QUARTERS else _("Year")


class YearOverviewTab(QWidget):
    def __init__(self, today: Callable[[], dt.date] = dt.date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.register: Register | None = None
        self.year_caption = QLabel()
        self.year_combo = QComboBox()
        self.year_combo.setObjectName("overview_year")
        self.model = YearModel(self)
        self.view = table_view(self.model, stretch_last=False)
        self.view.setObjectName("year_table")
        self.view.setSelectionMode(self.view.SelectionMode.NoSelection)
        self.cases_chart = BarChart()
        self.hours_chart = BarChart()
        self.charts = ChartPanel([self.cases_chart, self.hours_chart])
        top = QHBoxLayout()
        top.addWidget(self.year_caption)
        top.addWidget(self.year_combo)
        top.addStretch(1)
        # The table as high as its rows, the charts below: on a 1366×768 screen at 150 % both
        # are whole; should the window be lower still, the page scrolls (never the table).
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view)
        layout.addWidget(self.charts, 1)
        self.page_scroll = ScrollArea(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.page_scroll)
        self.year_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self._fill_years()
        self.retranslate_ui()

    def _fill_years(self) -> None:
        keep = self.year_combo.currentData() or self.today().year
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in range(self.today().year, self.today().year - YEARS_SHOWN, -1):
            self.year_combo.addItem(str(year), year)
        self.year_combo.setCurrentIndex(max(self.year_combo.findData(keep), 0))
        self.year_combo.blockSignals(False)

    def year(self) -> int:
        return int(self.year_combo.currentData())

    def set_register(self, register: Register | None) -> None:
        self.register = register
        self.refresh()

    def refresh(self) -> None:
        overview = queries.year_overview(self.register, self.year()) if self.register else None
        self.model.set_overview(overview)
        fit_columns(self.view)
        self._fit_rows()
        if overview is None:
            self.cases_chart.clear()
            self.hours_chart.clear()
        else:
            labels = [f.quarter.split("-")[1] for f in overview.quarters]
            self.cases_chart.set_data(_("New cases per quarter"), labels,
                                      [f.new_cases for f in overview.quarters])
            hours = [f.minutes / 60 for f in overview.quarters]
            self.hours_chart.set_data(_("Hours per quarter"), labels, hours,
                                      [format_number(round(h)) for h in hours])
        self.charts.refresh()

    def _fit_rows(self) -> None:
        """The table as high as its rows: every figure, the year's too, in view; the charts
        take the rest."""
        frame = 2 * self.view.frameWidth()
        rows = len(COLUMNS) * self.view.verticalHeader().defaultSectionSize()
        self.view.setFixedHeight(self.view.horizontalHeader().sizeHint().height() + rows + frame)

    def retranslate_ui(self) -> None:
        caption(self.year_caption, _("&Year"), self.year_combo)
        describe_table(self.view, _("Year overview"),
                       _("One row per figure: new and closed cases, contact moments, time in "
                         "contact moments, activities, time in activities and the total time; "
                         "one column per quarter and one for the whole year."))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, QUARTERS + 1)
        self.refresh()
