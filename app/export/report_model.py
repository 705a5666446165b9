"""What a published report is made of, as plain values: tables of protected cells with their
labels, and the chart's bars. `app.services.coordination.report_data` builds them from the
register; `pdf_report` and `csv_report` draw them. Nothing here reads a register.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from app.export.disclosure import Key, ProtectedCell, Table
from app.i18n import Translator
from app.models.codelists import Code, TopicGroup

Level = Literal["component", "defence"]


# --- what a report is made of --------------------------------------------------------------
@dataclass(frozen=True)
class Label:
    """Text resolved in the report language: a code-list entry, or a msgid with parameters."""

    msgid: str = ""
    code: Code | TopicGroup | None = None
    params: tuple[tuple[str, str], ...] = ()

    def text(self, t: Translator) -> str:
        if self.code is not None:
            return self.code.label(t.language)
        return t._(self.msgid).format(**dict(self.params)) if self.params else t._(self.msgid)


@dataclass(frozen=True)
class Row:
    key: str
    label: Label
    indent: int = 0
    bold: bool = False  # a total or a group
    group: bool = False  # a shaded sub-heading (a group of topics)
    total: bool = False  # ruled above


@dataclass(frozen=True)
class Column:
    key: str  # a period: "2026-Q1" or "2026"
    label: Label


@dataclass(frozen=True)
class ReportTable:
    id: str
    title: Label
    unit: Literal["count", "hours"]
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    cells: Mapping[tuple[str, str], ProtectedCell]  # (row key, column key); absent: not shown
    note: Label | None = None

    def cell(self, row: str, column: str) -> ProtectedCell | None:
        return self.cells.get((row, column))


@dataclass(frozen=True)
class ChartBar:
    period: str  # "2025-Q1"
    cell: ProtectedCell  # only a published value may be drawn
    current: bool  # this report's year (highlighted)


@dataclass(frozen=True)
class ReportData:
    level: Level
    component: str | None  # the component code; None for Defence
    component_label: Label
    year: int
    quarter: str | None  # "2026-Q3" for a quarter report
    k: int
    codelist_version: str
    codelist_versions: tuple[str, ...]  # as used by the sources
    previous_year: int | None  # when the register has figures for it
    tables: tuple[ReportTable, ...]
    chart: tuple[ChartBar, ...]
    # for audits: every protected group of cells with its equations
    protected_groups: tuple[tuple[Table, Mapping[Key, ProtectedCell]], ...] = field(
        repr=False, compare=False)

    @property
    def mixed_codelists(self) -> bool:
        return len(self.codelist_versions) > 1

    def table(self, table_id: str) -> ReportTable:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)
