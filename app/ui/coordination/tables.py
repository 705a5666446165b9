"""The merged figures: one quarter beside the four before it (so also the same quarter a year
earlier), or a year beside the previous year and by quarter; topics by group with the top three
per group; a bar chart of new cases. Exact counts: these views stay inside the network. A topic
that was not on the topic list of a period's files shows "–" there (it did not exist), not 0.

The period chosen is the first column after the labels, so it is in view on a laptop screen at
150 % without scrolling sideways (issue 22, item 9); the chart keeps the order of time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError
from app.export.measures import LABELS, Measures
from app.export.measures import label as measure_label
from app.i18n import (
    N_,
    _,
    current_language,
    format_minutes,
    format_number,
    translator,
)
from app.models import codelists
from app.models.periods import Quarter, last_completed_quarter, quarters_of_year
from app.services.coordination import merging
from app.services.storage.vault import Register
from app.ui.coordination.common import internal_note, internal_note_text, recent_quarters
from app.ui.shared.accessible import caption, describe_table, name
from app.ui.shared.chart import BarChart, ChartPanel
from app.ui.shared.icons import icon
from app.ui.shared.item_models import Index, RowsTableModel
from app.ui.shared.ops import Ops
from app.ui.shared.style import set_role
from app.ui.shared.views import fit_headers, table_view

TOP_PER_GROUP = 3


DID_NOT_EXIST = "–"  # a topic that was not on the topic list of the period's files


@dataclass(frozen=True)
class FigureRow:
    label: str
    values: tuple[int | None, ...]  # None: the category did not exist in that period ("–")
    section: bool = False  # a heading row: label only
    minutes: bool = False  # values are minutes, shown as hours and minutes
    indent: int = 0


@dataclass(frozen=True)
class Column:
    title: str
    measures: Measures
    highlight: bool = False
    absent: frozenset[str] = frozenset()  # current topics the column's lists did not have


def _versions(table: merging.YearTable) -> tuple[str, ...]:
    """The topic-list versions of a year's files."""
    return tuple(sorted({v for q in table.quarters for v in q.codelist_versions}))


def _column(title: str, measures: Measures, versions: Sequence[str], *,
            highlight: bool = False) -> Column:
    return Column(title, measures, highlight, codelists.did_not_exist(versions))


def _label(items: tuple[codelists.Code, ...], code: str) -> str:
    return codelists.load().label(items, code, current_language())


def _codes_in(columns: Sequence[Column], attr: str) -> list[str]:
    codes: set[str] = set()
    for c in columns:
        codes |= set(getattr(c.measures, attr))
    return sorted(codes)


def _map_rows(columns: Sequence[Column], attr: str, items: tuple[codelists.Code, ...],
              *, minutes: bool = False) -> list[FigureRow]:
    order = {c.code: i for i, c in enumerate(items)}
    codes = sorted(_codes_in(columns, attr), key=lambda c: (order.get(c, 999), c))
    return [FigureRow(_label(items, code),
                      tuple(int(getattr(c.measures, attr).get(code, 0)) for c in columns),
                      minutes=minutes, indent=1) for code in codes]


def _topic_rows(columns: Sequence[Column], focus: int) -> list[FigureRow]:
    """Per topic group: its total, then its three largest topics in the focus column."""
    lists = codelists.load()
    lang = current_language()
    present = set(_codes_in(columns, "topics"))
    rows: list[FigureRow] = []
    for group in lists.topic_groups:
        codes = [t.code for t in group.topics if t.code in present]
        if not codes:
            continue

        def value(code: str, i: int) -> int:
            return int(columns[i].measures.topics.get(code, 0))

        def values(some: Sequence[str]) -> tuple[int | None, ...]:
            """The sum per column, None where none of the topics existed."""
            return tuple(None if set(some) <= c.absent else sum(value(code, i) for code in some)
                         for i, c in enumerate(columns))

        rows.append(FigureRow(group.label(lang), values(codes), indent=1))
        ranked = sorted(codes, key=lambda c: (-value(c, focus), c))
        top, rest = ranked[:TOP_PER_GROUP], ranked[TOP_PER_GROUP:]
        for code in top:
            rows.append(FigureRow(lists.label(lists.topics, code, lang), values([code]),
                                  indent=2))
        if rest:
            rows.append(FigureRow(_("other topics in this group"), values(rest), indent=2))
    known = {t.code for t in lists.topics}
    for code in sorted(present - known):  # codes of another list version
        rows.append(FigureRow(code, tuple(int(c.measures.topics.get(code, 0)) for c in columns),
                              indent=1))
    return rows


def figure_rows(columns: Sequence[Column], focus: int) -> list[FigureRow]:
    lists = codelists.load()

    def scalar(attr: str, *, minutes: bool = False) -> FigureRow:
        return FigureRow(measure_label(attr),
                         tuple(int(getattr(c.measures, attr)) for c in columns),
                         minutes=minutes, indent=1)

    def section(msgid: str) -> FigureRow:
        return FigureRow(_(msgid), (), section=True)

    rows = [
        section(N_("Cases")),
        scalar("cases_new"),
        scalar("cases_closed"),
        scalar("cases_open_end"),
        section(N_("Contact moments")),
        scalar("contacts_first"),
        scalar("contacts_followup"),
        section(N_("Hours")),
        scalar("minutes_contacts", minutes=True),
        FigureRow(measure_label("minutes_activities"),
                  tuple(sum(c.measures.minutes_activities.values()) for c in columns),
                  minutes=True, indent=1),
        section(N_("Topics of new cases (by group, top three per group)")),
        *_topic_rows(columns, focus),
    ]
    for attr, items, minutes in (
        ("discrimination_grounds", lists.discrimination_grounds, False),
        ("modes", lists.contact_modes, False),
        ("outcomes", lists.outcomes, False),
        ("referrals", lists.referral_targets, False),
        ("minutes_activities", lists.activity_kinds, True),
    ):
        found = _map_rows(columns, attr, items, minutes=minutes)
        if found:
            rows.append(section(LABELS[attr]))
            rows += found
    return rows


class FiguresModel(RowsTableModel):
    """Rows: measures (with section headings); columns: the label, then one per period."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.period_columns: list[Column] = []
        self.columns = (("label", N_("Figure")),)

    def set_figures(self, columns: Sequence[Column], rows: Sequence[FigureRow]) -> None:
        self.beginResetModel()
        self.period_columns = list(columns)
        self.columns = (("label", N_("Figure")),) + tuple(
            (f"p{i}", c.title) for i, c in enumerate(columns))
        self.rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_figures([], [])

    def header(self, section: int) -> str:
        key, title = self.columns[section]
        return _(title) if key == "label" else title

    def display(self, row: FigureRow, key: str) -> str:
        if key == "label":
            return "    " * row.indent + row.label
        if row.section:
            return ""
        value = row.values[int(key[1:])]
        if value is None:
            return DID_NOT_EXIST
        return format_minutes(value) if row.minutes else format_number(value)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row: FigureRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.FontRole and row.section:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and index.column() > 0 and \
                0 <= index.column() - 1 < len(self.period_columns) and \
                self.period_columns[index.column() - 1].highlight and not row.section:
            return QColor("#eef3fa")
        return super().data(index, role)


class TablesPanel(QWidget):
    report_requested = Signal(int, object)  # year, quarter (str) or None for the whole year

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.register: Register | None = None
        self.view_caption = QLabel()
        self.mode_combo = QComboBox()
        self.period_combo = QComboBox()
        self.report_button = QPushButton()
        self.report_button.setObjectName("report_button")
        self.report_button.setIcon(icon("report"))
        top = QHBoxLayout()
        top.addWidget(self.view_caption)
        top.addWidget(self.mode_combo)
        top.addWidget(self.period_combo)
        top.addStretch(1)
        top.addWidget(self.report_button)
        self.model = FiguresModel(self)
        self.view = table_view(self.model, stretch_last=False)
        self.view.setObjectName("figures_view")
        self.view.setSelectionMode(self.view.SelectionMode.NoSelection)
        self.chart = BarChart()
        self.chart_panel = ChartPanel([self.chart])
        self.chart_panel.setMinimumWidth(200)
        self.sources = QLabel()
        self.sources.setWordWrap(True)
        self.footnote = QLabel()
        self.footnote.setObjectName("codelist_footnote")
        self.footnote.setWordWrap(True)
        set_role(self.footnote, "warning")
        self.ops = Ops(self, self._tell_error)
        self.note = internal_note()
        right = QWidget()
        right_col = QVBoxLayout(right)
        right_col.setContentsMargins(8, 0, 0, 0)
        right_col.addWidget(self.chart_panel, 1)
        right_col.addWidget(self.sources)
        right_col.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.view)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([760, 300])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.footnote)
        layout.addWidget(self.note)
        self.mode_combo.currentIndexChanged.connect(self._mode_changed)
        self.period_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.report_button.clicked.connect(self._report_clicked)
        self.retranslate_ui()

    # --- periods ------------------------------------------------------------------------
    @property
    def year_mode(self) -> bool:
        return self.mode_combo.currentData() == "year"

    def _fill_periods(self) -> None:
        keep = self.period_combo.currentData()
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        if self.year_mode:
            year = self.today().year
            for y in range(year, year - 6, -1):
                self.period_combo.addItem(str(y), y)
            default: Any = last_completed_quarter(self.today()).year
        else:
            for q in recent_quarters(self.today(), 12):
                self.period_combo.addItem(str(q), str(q))
            default = str(last_completed_quarter(self.today()))
        index = self.period_combo.findData(keep)
        self.period_combo.setCurrentIndex(index if index >= 0 else
                                          max(self.period_combo.findData(default), 0))
        self.period_combo.blockSignals(False)

    def _mode_changed(self, _index: int) -> None:
        self._fill_periods()
        self.refresh()

    def select_quarter(self, quarter: str) -> None:
        self.mode_combo.setCurrentIndex(self.mode_combo.findData("quarter"))
        self.period_combo.setCurrentIndex(max(self.period_combo.findData(quarter), 0))

    def select_year(self, year: int) -> None:
        self.mode_combo.setCurrentIndex(self.mode_combo.findData("year"))
        self.period_combo.setCurrentIndex(max(self.period_combo.findData(year), 0))

    # --- lifecycle ----------------------------------------------------------------------
    def attach(self, register: Register) -> None:
        self.register = register
        self._fill_periods()
        self.refresh()

    def clear_for_lock(self) -> None:
        self.register = None
        self.model.clear()
        self.chart.clear()
        self.chart_panel.refresh()
        self.sources.clear()
        self.footnote.clear()
        self.footnote.hide()

    def retranslate_ui(self) -> None:
        caption(self.view_caption, _("&Show"), self.mode_combo)
        name(self.period_combo, _("Period"))
        describe_table(self.view, _("Merged figures"),
                       _("Rows: the measures, by section; columns: the periods compared, the "
                         "period chosen first (highlighted). Exact counts."))
        keep = self.mode_combo.currentData() or "quarter"
        self.mode_combo.blockSignals(True)
        self.mode_combo.clear()
        self.mode_combo.addItem(_("Quarter"), "quarter")
        self.mode_combo.addItem(_("Year"), "year")
        self.mode_combo.setCurrentIndex(max(self.mode_combo.findData(keep), 0))
        self.mode_combo.blockSignals(False)
        self.report_button.setText(_("Report…"))
        self.note.setText(internal_note_text())
        self._fill_periods()
        self.refresh()

    # --- figures ------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.register is None:
            return
        if self.year_mode:
            self.ops.attempt(lambda: self._show_year(int(self.period_combo.currentData())))
        else:
            self.ops.attempt(lambda: self._show_quarter(
                Quarter.parse(self.period_combo.currentData())))

    def _tell_error(self, error: AppError) -> None:
        self.footnote.setText(error.message)
        self.footnote.show()

    def _show_quarter(self, quarter: Quarter) -> None:
        assert self.register is not None
        quarters = quarter.back(5)  # the first is the same quarter one year earlier
        tables = [merging.quarter_table(self.register, q) for q in quarters]
        # the quarter chosen first, then back in time to the same quarter a year earlier
        columns = [_column(str(t.quarter), t.measures, t.codelist_versions, highlight=(i == 0))
                   for i, t in enumerate(reversed(tables))]
        self.model.set_figures(columns, figure_rows(columns, 0))
        current = tables[-1]
        self.chart.set_data(_("New cases per quarter"),
                            [str(q).replace("-", "\n") for q in quarters],
                            [t.measures.cases_new for t in tables],
                            long_labels=[str(q) for q in quarters])
        self.chart_panel.refresh()
        # Who reported (of those expected) says more than the files counted, in as little room.
        text = self._responses([quarter])
        if current.stale:
            text += "\n" + _("Newer files of {codes} arrived after the merged file that counts; "
                             "ask for a new merged file.").format(codes=", ".join(current.stale))
        self.sources.setText(text)
        self._footnote(current.mixed_codelists, current.codelist_versions)
        self._resize()

    def _show_year(self, year: int) -> None:
        assert self.register is not None
        this, last = merging.year_table(self.register, year), merging.year_table(self.register,
                                                                                 year - 1)
        # the year chosen first, beside the year before, then the year's quarters
        columns = [_column(str(year), this.measures, _versions(this), highlight=True),
                   _column(str(year - 1), last.measures, _versions(last))]
        columns += [_column(f"Q{i + 1}", q.measures, q.codelist_versions)
                    for i, q in enumerate(this.quarters)]
        self.model.set_figures(columns, figure_rows(columns, 0))
        self.chart.set_data(_("New cases per quarter, {year}").format(year=year),
                            [f"Q{i + 1}" for i in range(4)],
                            [q.measures.cases_new for q in this.quarters],
                            long_labels=[f"{year}-Q{i + 1}" for i in range(4)])
        self.chart_panel.refresh()
        ended = [q for q in quarters_of_year(year) if q.end < self.today()]
        self.sources.setText(self._responses(ended) + "\n" + _(
            "Open at the end of the year is the value of Q4; the other figures are the sum of "
            "the quarters."))
        self._footnote(this.mixed_codelists, _versions(this))
        self._resize()

    def _responses(self, quarters: Sequence[Quarter]) -> str:
        """Who reported: a response line per quarter ("4 of 6 confidants reported, ...")."""
        assert self.register is not None
        t = translator()
        return "\n".join(line.text(t) for line in merging.response_lines(self.register, quarters))

    def _footnote(self, mixed: bool, versions: Sequence[str]) -> None:
        if mixed:
            self.footnote.setText(_("Note: the files used different versions of the topic list "
                                    "({versions}); topic counts may not be comparable.").format(
                versions=", ".join(versions)))
        else:
            self.footnote.clear()
        self.footnote.setVisible(mixed)

    def _resize(self) -> None:
        self.view.resizeColumnToContents(0)
        self.view.setColumnWidth(0, min(self.view.columnWidth(0), 280))
        for c in range(1, self.model.columnCount()):
            self.view.setColumnWidth(c, 88)
        fit_headers(self.view)

    def _report_clicked(self) -> None:
        data = self.period_combo.currentData()
        if self.year_mode:
            self.report_requested.emit(int(data), None)
        else:
            self.report_requested.emit(Quarter.parse(data).year, data)


def measures_summary(m: Measures) -> list[tuple[str, str]]:
    """The headline figures of a merged summary as (label, value) pairs, for dialogs."""
    return [
        *((measure_label(name), format_number(getattr(m, name))) for name in (
            "cases_new", "cases_closed", "cases_open_end", "contacts_first", "contacts_followup")),
        (measure_label("minutes_contacts"), format_minutes(m.minutes_contacts)),
        (measure_label("minutes_activities"), format_minutes(sum(m.minutes_activities.values()))),
    ]


