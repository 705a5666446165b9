"""What a published report is made of, as plain values: tables of protected cells with their
labels, and the charts' bars. `app.services.coordination.report_data` builds them from the
register; `pdf_report` and `csv_report` draw them. Nothing here reads a register.

A position of a table is either a cell (a protected count) or a *gap*: a figure the report does
not have (a quarter that had not ended, a period without quarterly files, a category an older
topic list did not tell apart). A gap is no cell at all, so it can give nothing away; it is
printed as ``NO_FIGURE`` ("—") and the report says why. A gap of a category that did not exist
in the topic list of its period (``ReportTable.absent``) is printed ``DID_NOT_EXIST`` ("–", as
the Defence tables print it): not a zero, and no total counts it.

Hours are published to the half hour: an hours cell holds minutes rounded to the nearest 30
(``half_hour_minutes``), printed as hours with one decimal ("839,5") by ``cell_text``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal, Union

from app.errors import DisclosureParameterError
from app.export.disclosure import (
    Certificate,
    Key,
    ProtectedCell,
    Publication,
    Status,
    Table,
    display,
)
from app.i18n import N_, Translator
from app.models.codelists import Code, TopicGroup

Level = Literal["component", "defence"]
NO_FIGURE: Final = "—"
DID_NOT_EXIST: Final = "–"  # an en dash: the category was not on that period's topic list
DID_NOT_EXIST_STATUS: Final = "did_not_exist"  # its status in the CSV
# Dates in the reports' text, in both languages the same way: "30 November 2026".
DATE_PATTERN: Final = "d MMMM y"
DATETIME_PATTERN: Final = "d MMMM y, HH:mm"


# --- what a report is made of --------------------------------------------------------------
Param = Union[str, "Label", dt.date]


@dataclass(frozen=True)
class Label:
    """Text resolved in the report language: a code-list entry, a msgid with parameters
    (a parameter may be a Label or a date, resolved in the same language), or ``parts``
    joined by ``sep``."""

    msgid: str = ""
    code: Code | TopicGroup | None = None
    params: tuple[tuple[str, Param], ...] = ()
    parts: tuple[Label, ...] = ()
    sep: str = " "

    def text(self, t: Translator) -> str:
        if self.code is not None:
            return self.code.label(t.language)
        if self.parts:
            return self.sep.join(p.text(t) for p in self.parts)
        if not self.params:
            return t._(self.msgid)
        return t._(self.msgid).format(**{k: _param(v, t) for k, v in self.params})


def _param(value: Param, t: Translator) -> str:
    if isinstance(value, Label):
        return value.text(t)
    if isinstance(value, dt.date):
        return t.format_date(value, DATE_PATTERN)
    return value


def half_hour_minutes(minutes: int) -> int:
    """Minutes rounded to the nearest half hour for publication (15 min → 30, 14 → 0)."""
    if minutes < 0:
        raise DisclosureParameterError(N_("A duration cannot be negative."))
    return (minutes + 15) // 30 * 30


def format_hours(minutes: int, t: Translator) -> str:
    """Minutes (a multiple of 30) as hours with one decimal: 50370 → "839,5" / "839.5"."""
    return t.format_number(Decimal(minutes) / 60, decimals=1)


@dataclass(frozen=True)
class Row:
    key: str  # the row code in the CSV
    label: Label
    indent: int = 0
    bold: bool = False  # a total or a group
    group: bool = False  # a shaded sub-heading (a group of topics)
    total: bool = False  # ruled above


@dataclass(frozen=True)
class Column:
    key: str  # a period: "2026-Q1" or "2026" (the column code in the CSV)
    label: Label


@dataclass(frozen=True)
class ReportTable:
    id: str
    title: Label
    unit: Literal["count", "hours"]  # hours: cells hold minutes, rounded to the half hour
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    cells: Mapping[tuple[str, str], ProtectedCell]  # (row key, column key)
    note: Label | None = None
    # positions without a cell: why there is no figure (printed as NO_FIGURE)
    gaps: Mapping[tuple[str, str], Label] = field(default_factory=dict)
    # the global key of every position, gaps included: the codes the CSV prints
    keys: Mapping[tuple[str, str], Key] = field(default_factory=dict)
    # the gaps of a category that did not exist in that period's list (printed DID_NOT_EXIST)
    absent: frozenset[tuple[str, str]] = frozenset()

    def cell(self, row: str, column: str) -> ProtectedCell | None:
        return self.cells.get((row, column))

    def gap_mark(self, row: str, column: str) -> str:
        """What a position without a cell prints: "–" (did not exist), "—" (no figure), or
        nothing (no position)."""
        if (row, column) in self.absent:
            return DID_NOT_EXIST
        return NO_FIGURE if (row, column) in self.gaps else ""

    def codes(self, row: Row, column: Column) -> tuple[str, str]:
        """The row and column codes of a position (the cell's global key)."""
        key = self.keys.get((row.key, column.key))
        if isinstance(key, tuple) and len(key) == 2:
            return str(key[0]), str(key[1])
        return row.key, column.key


def cell_text(table: ReportTable, cell: ProtectedCell, t: Translator) -> str:
    """A cell as the report prints it: hours to the half hour, counts and marks by
    ``display``."""
    if table.unit == "hours" and cell.status is Status.PUBLISHED and cell.value is not None:
        return format_hours(cell.value, t)
    return display(cell, t.language)


@dataclass(frozen=True)
class ChartBar:
    period: str  # "2025-Q1" or "2025": the cell's period
    cell: ProtectedCell | None  # only a published value may be drawn; None: no figure ("—")
    current: bool  # this report's year (highlighted)
    caption: Label | None = None  # under the bar (default: the period)


@dataclass(frozen=True)
class Chart:
    id: str  # "years" or "quarters"
    title: Label
    bars: tuple[ChartBar, ...]


@dataclass(frozen=True)
class PeriodPlan:
    """Every table a register could publish for one period (a quarter or a year), protected
    together in one model: what each report of the period shows is taken from it
    (``app.services.coordination.period_plan``)."""

    year: int
    quarter: str | None  # None: the year
    k: int
    digest: str  # of the figures and their sums: a plan holds while they are unchanged
    publication: Publication  # every table of the period, their sums, and what is hidden
    certificate: Certificate | None  # its witnesses (None: no hidden small count)
    id: int | None = None  # its number in the ledger (None: new, recorded with the report)

    @property
    def period(self) -> str:
        return self.quarter or str(self.year)

    @property
    def scopes(self) -> list[str | None]:
        """The reports it holds: None (the register's own: Defence at central level) and, at
        central level, each component's (whose figures are named ``measure@CODE``)."""
        found = {key[0].partition("@")[2] for key in self.publication.table.values
                 if isinstance(key, tuple) and "@" in key[0]} - {""}
        return [None, *sorted(found)]


@dataclass(frozen=True)
class ReportData:
    level: Level
    component: str | None  # the component code; None for Defence
    component_label: Label
    year: int
    quarter: str | None  # "2026-Q3" for a quarter report
    k: int
    codelist_version: str  # the list the report shows (the current one)
    codelist_versions: tuple[str, ...]  # as used by the sources
    previous_years: tuple[int, ...]  # the earlier years shown (the register has figures)
    tables: tuple[ReportTable, ...]
    charts: tuple[Chart, ...]
    # for audits: every protected group of cells with its equations
    protected_groups: tuple[tuple[Table, Mapping[Key, ProtectedCell]], ...] = field(
        repr=False, compare=False)
    today: dt.date | None = None  # quarters that had not ended on this day have no figures
    period_label: Label | None = None  # "Year 2026, Q1–Q3" while the year is in progress
    notes: tuple[Label, ...] = ()  # about the report as a whole (title page, CSV comments)
    # what the report showed (every cell of it, true values, equations, k) and the witnesses
    # that prove the rule over it and the earlier publications it was protected against
    publication: Publication | None = field(default=None, repr=False, compare=False)
    certificate: Certificate | None = field(default=None, repr=False, compare=False)
    # the plan of the period it was taken from (None: protected on its own)
    plan: PeriodPlan | None = field(default=None, repr=False, compare=False)

    @property
    def mixed_codelists(self) -> bool:
        return len(self.codelist_versions) > 1

    @property
    def previous_year(self) -> int | None:
        return self.previous_years[-1] if self.previous_years else None

    @property
    def chart(self) -> tuple[ChartBar, ...]:
        """Every bar of every chart that has a figure (each is a cell of the report)."""
        return tuple(bar for chart in self.charts for bar in chart.bars if bar.cell is not None)

    def table(self, table_id: str) -> ReportTable:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)


# The marks' meanings and the title, the same in the PDF and the CSV report (here, so a CSV
# report loads no PDF library).
NO_FIGURE_MEANING = N_("no figure: {reasons}")
DID_NOT_EXIST_MEANING = N_("did not exist: {reasons}; no count, and in no total")


def report_title(data: ReportData, t: Translator) -> str:
    who = data.component_label.text(t)
    if data.quarter:
        return t._("Confidants' report {period} — {who}").format(period=data.quarter, who=who)
    return t._("Confidants' annual report {period} — {who}").format(period=data.year, who=who)
