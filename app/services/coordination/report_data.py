"""The tables of a coordinator's or the central level's report, protected for publication.

A report covers one year or one quarter. A year report has the columns Q1..Q4 and the year
(flows summed, open cases = the last quarter's) and, before them, the two previous years
wherever the register holds figures for them (as the annual integrity report prints three
years side by side); a quarter report has that quarter. Tables: totals (cases and contacts),
at central level new cases per component, topics by group, contact modes, outcomes,
referrals, hours, and new cases per quarter over the years shown (with the charts' data).

What has no figure is no cell (``report_model``: a gap, printed "—"): a quarter that had not
ended on ``today`` (a year in progress), a quarter without quarterly files, and a topic row
that an older code list could not tell apart. A topic row whose categories did not exist on
the list(s) of a column (2018.1 had no Zakelijke integriteit) is a gap printed "–": no count,
in no equation; the totals add up the categories that existed. Years without any file are
left out; a year with figures for some quarters only says which ("2019, Q3–Q4"), and its open
cases are those of its last quarter with figures.

Topics recorded on an older code-list version are shown in the current list through the
version's mapping (``codelists.mapping``): per column, the rows that can be shown exactly are
the unions of the finest partition all the column's versions tell apart
(``codelists.common_blocks``). A partition block that is no row of the current list (e.g.
2018.1's "Overige" = arbeidsconflict + privéomstandigheden + the group Overig) becomes a
combined row ("Together: ..."), which the current figures fill too, so the years compare.

Disclosure control (docs/disclosure.md):

- Every count cell of the report gets a *global key* (measure, period), e.g.
  ``("cases_new", "2026-Q2")`` or ``("topic:pesten", "2025")``. A number that appears in two
  tables (the Defence new cases per quarter: totals table, component table, chart) is ONE
  cell, so it has one status.
- All additive relations are equations: rows and groups against their totals (combined rows
  too), quarters against the year, components against Defence, first + follow-up contacts =
  contacts, and the definitional identities a reader may know, *where the figures satisfy
  them*: first contacts = new cases, contact modes add up to the contacts, outcomes add up to
  the closed cases, and the stock-flow identity open(Q) + new(Q+1) = open(Q+1) + closed(Q+1)
  (through a helper cell that is never printed; treating it as known only makes the
  protection stricter). A quarter report holds it with the quarter before it too (that
  quarter's open cases a cell never printed): a reader holding both quarter reports knows it,
  and the year report, which ties its quarter columns so, must find nothing new in it.
- An earlier year's column beside a year report is tied to its quarters the same way (the
  year is their sum, the open cases the last quarter's, the stock-flow identity between
  them), through cells the report prints nowhere (``Status.UNPRINTED``: unknown to the
  reader, no small count of their own): a reader holding that year's quarter reports adds
  them up even where the year's own year report is not out (issue 19).
- The inequalities that hold by definition are in the reader's model too, where the figures
  satisfy them (``_bounds``): a topic counts at most the new cases and all topics at least the
  new cases (every case carries a topic), outcomes at most the closed cases, the new cases at
  most the closed ones plus those open at the end, and from one quarter to the next the cases
  open and the cases closed each at most those open before plus the new ones. "Every case
  carries a topic" holds for a year only where every quarter of it keeps it (files need not).
- Cells are grouped by the equations that connect them (connected components) and each group
  is protected once with ``protect(table, k)``: cells tied across tables are protected together.
- Hours: to the half hour (``half_hour_minutes`` of the summed minutes, so rows may not add up
  exactly). Hours of contact moments (and total hours, which include them) are hidden, shown
  as secondary, wherever the number of contacts of that column is hidden, so hours cannot
  reveal a hidden count. Hours of activities outside cases concern no one who was helped and
  are published rounded.
- Discrimination grounds are not published: too fine for readers outside the network.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from app import __version__
from app.errors import ValidationError
from app.export.disclosure import (
    Certificate,
    Equation,
    Inequality,
    Key,
    ProtectedCell,
    Publication,
    Status,
    Table,
    check_k,
    protect,
)
from app.export.measures import LABELS as MEASURE_LABELS
from app.export.measures import Measures, merge_all, sum_quarters
from app.export.report_model import (
    DATE_PATTERN,
    Chart,
    ChartBar,
    Column,
    Label,
    Level,
    ReportData,
    ReportTable,
    Row,
    half_hour_minutes,
)
from app.files import write_new
from app.i18n import N_, format_date
from app.models import codelists
from app.models.codelists import Block, Code, CodeLists, TopicGroup
from app.models.periods import Quarter, quarters_of_year
from app.services.coordination import merging, publications
from app.services.coordination import roster as roster_service
from app.services.storage.vault import Register

Format = Literal["pdf", "csv"]
FORMATS: tuple[str, ...] = ("pdf", "csv")
YEARS_BACK = 2  # a year report shows the two previous years beside it


def _label(msgid: str, **params: str | Label | dt.date) -> Label:
    return Label(msgid=msgid, params=tuple(params.items()))


HOURS_NOTE = N_(
    "Hours are given to the half hour, so the rows may not add up exactly. Hours of contact "
    "moments are hidden wherever the number of contacts is hidden."
)
HIDDEN_NOTE = N_("Hidden in this table: {hidden} of {cells} figures.")
TOPICS_NOTE = N_(
    "Topics are not cases: each topic counts the new cases that carry it, and a case can "
    "carry several topics, so the topics add up to more than the new cases."
)
OLDER_LIST_NOTE = N_(
    "Figures for {periods} were recorded on topic list {version}, which had one category for "
    "several current ones: {rows}. For those periods the rows that list could not tell apart "
    "show “—”."
)
MIXED_CODELISTS_NOTE = N_(
    "The sources used different versions of the topic list ({versions}); every figure is "
    "shown in the categories of version {version}, at the level where the versions agree "
    "(see the note under the topics)."
)
PARTIAL_YEAR_NOTE = N_(
    "{year}: figures for {quarters} only. The year column adds up those quarters, and its "
    "open cases are those at the end of {last}."
)
# Why a position has no figure ("—"); the CSV says "no figure: <reason>".
NOT_ENDED = N_("the quarter had not ended on {date}")
NO_FILES = N_("no quarterly files were received for this quarter")
OLDER_LIST = N_("recorded on topic list {version}, which did not tell these topics apart")
# Why a position is "–": the category did not exist (the CSV: "did not exist: <reason>").
DID_NOT_EXIST_REASON = N_("the category was not on topic list {version}")
DID_NOT_EXIST_NOTE = N_(
    "“–”: the category did not exist in the topic list of that period. It is no count, and "
    "the totals add up the categories that existed."
)
NOT_IN_REPORT = N_("not part of this report")


@dataclass(frozen=True)
class _Layout:
    """Where a table prints which cell: positions without a key are gaps ("—")."""

    id: str
    title: Label
    unit: Literal["count", "hours"]
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    keys: dict[tuple[str, str], Key]
    note: Label | None = None
    gaps: dict[tuple[str, str], Label] = field(default_factory=dict)
    gap_keys: dict[tuple[str, str], Key] = field(default_factory=dict)  # what a gap would be
    absent: frozenset[tuple[str, str]] = frozenset()  # gaps of a category that did not exist


# --- building ------------------------------------------------------------------------------
class _Builder:
    """Collects cells (global keys), equations and the layout of each table."""

    def __init__(self) -> None:
        self.values: dict[Key, int] = {}
        self.equations: list[Equation] = []
        self.inequalities: list[Inequality] = []
        self.layouts: list[_Layout] = []
        self.hours: dict[Key, tuple[int, Key | None]] = {}  # hours cell -> (value, count cell)
        self.unprinted: set[Key] = set()  # cells of the model the report prints nowhere
        # unprinted topic cells whose category did not exist (no figure, in no sum)
        self.absent: set[tuple[str, str]] = set()

    def cell(self, key: Key, value: int) -> Key:
        known = self.values.get(key)
        if known is not None and known != value:
            raise AssertionError(f"cell {key} given twice with different values")
        self.values[key] = value
        return key

    def sum(self, total: Key, parts: Sequence[Key]) -> None:
        if parts:
            self.equations.append(Equation(total, tuple(parts)))

    def identity(self, a: Key, b: Key) -> None:
        """a = b is a definition a reader may know; record it where the figures satisfy it."""
        if a != b and self.values[a] == self.values[b]:
            self.equations.append(Equation(a, (b,)))

    def at_most(self, parts: Sequence[Key], bound: Sequence[Key]) -> None:
        """sum(parts) ≤ sum(bound) holds by definition; record it where the figures satisfy
        it (and every cell is in the report)."""
        if all(key in self.values for key in (*parts, *bound)) and (
                sum(self.values[p] for p in parts) <= sum(self.values[b] for b in bound)):
            self.inequalities.append(Inequality(tuple(parts), tuple(bound)))


def _weight(key: Key, total: bool) -> int:
    """What hiding a cell costs, besides its value: the year columns and the topic table lead
    (the annual report prints them), totals above their parts, quarterly details last."""
    weight = 2 if total else 1
    if isinstance(key, tuple) and len(key) == 2:
        measure, period = key
        if "-Q" not in period:
            weight *= 4
        if measure.startswith(("topic", "group")):
            weight *= 2
    return weight


# --- the figures of a report: periods with figures, and gaps ------------------------------
@dataclass(frozen=True)
class _Period:
    """The figures of one column: a quarter or a year (the sum of its quarters with figures)."""

    key: str  # "2026-Q1", "2026"
    measures: Measures
    by_component: Mapping[str, Measures]
    topics: Mapping[str, Mapping[str, int]]  # per code-list version: topic counts
    quarters: tuple[Quarter, ...] = ()  # a year: its quarters with figures

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(sorted(self.topics))


def _quarter_period(table: merging.QuarterTable) -> _Period:
    topics: dict[str, list[Measures]] = {}
    for f in table.counted:
        topics.setdefault(f.codelist_version, []).append(f.measures)
    return _Period(table.quarter, table.measures, table.by_component,
                   {v: merge_all(ms).topics for v, ms in topics.items()})


def _year_period(year: int, quarters: Sequence[tuple[Quarter, _Period]]) -> _Period:
    components = sorted({c for _, p in quarters for c in p.by_component})
    topics: dict[str, list[Measures]] = {}
    for _, p in quarters:
        for version, counts in p.topics.items():
            topics.setdefault(version, []).append(Measures(topics=dict(counts)))
    return _Period(
        str(year), sum_quarters([p.measures for _, p in quarters]),
        {c: sum_quarters([p.by_component.get(c, Measures()) for _, p in quarters])
         for c in components},
        {v: merge_all(ms).topics for v, ms in topics.items()},
        tuple(q for q, _ in quarters),
    )


def _quarter_span(quarters: Sequence[Quarter]) -> str:
    """"Q1–Q3" for consecutive quarters, else "Q1, Q3"."""
    numbers = [q.q for q in quarters]
    if len(numbers) > 1 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"Q{numbers[0]}–Q{numbers[-1]}"
    return ", ".join(f"Q{n}" for n in numbers)


class _Scope:
    """The periods of one report: which columns have figures (cells) and which are gaps."""

    def __init__(self, figures: merging.YearTable, earlier: Sequence[merging.YearTable],
                 quarter: Quarter | None, today: dt.date) -> None:
        self.year = figures.year
        self.today = today
        self.quarter = quarter
        # every quarter of the years shown: its figures, or why it has none
        self.quarter_figures: dict[str, _Period] = {}
        self.quarter_gaps: dict[str, Label] = {}
        for table in [*earlier, figures]:
            for q, qt in zip(quarters_of_year(table.year), table.quarters, strict=True):
                if q.end >= today:
                    self.quarter_gaps[str(q)] = _label(NOT_ENDED, date=today)
                elif not qt.counted:
                    self.quarter_gaps[str(q)] = Label(NO_FILES)
                else:
                    self.quarter_figures[str(q)] = _quarter_period(qt)
        self.previous: list[_Period] = []  # the earlier years with figures, oldest first
        for table in sorted(earlier, key=lambda t: t.year):
            period = self._year(table.year)
            if period is not None:
                self.previous.append(period)
        self.layout_quarters = quarters_of_year(self.year) if quarter is None else [quarter]
        self.quarter_keys = [str(q) for q in self.layout_quarters
                             if str(q) in self.quarter_figures]
        self.current = self._year(self.year) if quarter is None else None
        # a quarter report: the quarter before it (with figures), whose stock a reader holds
        # from that quarter's report (or the year report) and ties to this quarter by
        # definition: open(Q−1) + new(Q) = open(Q) + closed(Q). Its open cases are a cell of
        # the model, never printed (issue 19: the year report after its quarters).
        self.quarter_before: str | None = None
        if quarter is not None and str(quarter) in self.quarter_figures:
            before = str(quarter.previous())
            if before in self.quarter_figures:
                self.quarter_before = before
        # the columns with figures: a year report shows the earlier years beside its own
        self.periods: dict[str, _Period] = {
            p.key: p for p in (self.previous if quarter is None else [])}
        self.periods.update({q: self.quarter_figures[q] for q in self.quarter_keys})
        if self.current is not None:
            self.periods[self.current.key] = self.current
        # a year report: the quarters (with figures) of the earlier years shown, cells of the
        # model that the report prints nowhere, tied to their year column as the report's own
        # quarters are (issue 19: a reader holding that year's quarter reports adds them up)
        self.unprinted: list[str] = [str(q) for p in self.previous if p.key in self.periods
                                     for q in p.quarters]

    def period(self, key: str) -> _Period:
        """The figures of a column or of an unprinted quarter."""
        return self.periods[key] if key in self.periods else self.quarter_figures[key]

    @property
    def model_keys(self) -> list[str]:
        """The columns with figures, then the unprinted quarters."""
        return [*self.periods, *self.unprinted]

    def years(self) -> list[_Period]:
        """The year columns: the earlier years shown, then the report's own year."""
        return [p for p in self.periods.values() if p.quarters]

    def _year(self, year: int) -> _Period | None:
        held = [(q, self.quarter_figures[str(q)]) for q in quarters_of_year(year)
                if str(q) in self.quarter_figures]
        return _year_period(year, held) if held else None

    @property
    def year_key(self) -> str | None:
        return self.current.key if self.current is not None else None

    @property
    def cell_keys(self) -> list[str]:
        """The columns with figures, in report order."""
        return list(self.periods)

    def year_label(self, period: _Period, *, current: bool) -> Label:
        if len(period.quarters) == 4:
            return _label(N_("Year {year}"), year=period.key) if current else Label(period.key)
        span = _quarter_span(period.quarters)
        return (_label(N_("Year {year}, {quarters}"), year=period.key, quarters=span) if current
                else _label(N_("{year}, {quarters}"), year=period.key, quarters=span))

    @property
    def columns(self) -> tuple[Column, ...]:
        if self.quarter is not None:
            return (Column(str(self.quarter), Label(str(self.quarter))),)
        cols = [Column(p.key, self.year_label(p, current=False)) for p in self.previous]
        cols += [Column(str(q), Label(f"Q{q.q}")) for q in self.layout_quarters]
        cols.append(Column(str(self.year), self.current_label))
        return tuple(cols)

    @property
    def current_label(self) -> Label:
        if self.current is None:
            return _label(N_("Year {year}"), year=str(self.year))
        return self.year_label(self.current, current=True)

    def gap(self, column: str) -> Label | None:
        """Why a column has no figures (None: it has)."""
        return None if column in self.periods else self.quarter_gaps.get(
            column, Label(NOT_IN_REPORT))

    def partial_years(self) -> list[Label]:
        notes = []
        for period in [p for p in self.periods.values() if p.quarters]:
            if len(period.quarters) < 4:
                notes.append(_label(PARTIAL_YEAR_NOTE, year=period.key,
                                    quarters=_quarter_span(period.quarters),
                                    last=f"Q{period.quarters[-1].q}"))
        return notes


Getter = Callable[[_Period], int]


def _grid(b: _Builder, scope: _Scope, table_id: str, title: Label, rows: Sequence[Row],
          unit: Literal["count", "hours"] = "count", note: Label | None = None) -> None:
    """The layout of a table with the report's columns: a cell per row where the column has
    figures, a gap elsewhere."""
    keys: dict[tuple[str, str], Key] = {}
    gaps: dict[tuple[str, str], Label] = {}
    for col in scope.columns:
        reason = scope.gap(col.key)
        for r in rows:
            if reason is None:
                keys[(r.key, col.key)] = (r.key, col.key)
            else:
                gaps[(r.key, col.key)] = reason
    _layout(b, table_id, title, rows, scope.columns, unit, note, keys, gaps)


def _add_rows(b: _Builder, scope: _Scope, rows: Sequence[str],
              value: Mapping[str, Getter], *, stock: frozenset[str] = frozenset()) -> None:
    """Cells (row, column) with the year equations: flows sum the quarters, stocks = the last
    (an earlier year's column too, through its quarters that the report does not print)."""
    for row in rows:
        get = value[row]
        for col in scope.cell_keys:
            b.cell((row, col), get(scope.periods[col]))
        for col in scope.unprinted:
            b.unprinted.add(b.cell((row, col), get(scope.quarter_figures[col])))
        for year in scope.years():
            parts = [(row, str(q)) for q in year.quarters]
            b.sum((row, year.key), parts[-1:] if row in stock else parts)


def _scalar(name: str) -> Getter:
    return lambda period: int(getattr(period.measures, name))


def _mapped(name: str, code: str) -> Getter:
    return lambda period: int(getattr(period.measures, name).get(code, 0))


def _component_new(component: str) -> Getter:
    return lambda period: period.by_component.get(component, Measures()).cases_new


def _layout(b: _Builder, table_id: str, title: Label, rows: Sequence[Row],
            columns: Sequence[Column], unit: Literal["count", "hours"] = "count",
            note: Label | None = None, keys: Mapping[tuple[str, str], Key] | None = None,
            gaps: Mapping[tuple[str, str], Label] | None = None,
            gap_keys: Mapping[tuple[str, str], Key] | None = None,
            absent: Iterable[tuple[str, str]] = ()) -> None:
    if keys is None:
        keys = {(r.key, c.key): (r.key, c.key) for r in rows for c in columns}
    b.layouts.append(_Layout(table_id, title, unit, tuple(rows), tuple(columns), dict(keys),
                             note, dict(gaps or {}), dict(gap_keys or {}), frozenset(absent)))


# --- the tables -------------------------------------------------------------------------------
def _totals(b: _Builder, scope: _Scope) -> None:
    names = ["cases_new", "cases_closed", "cases_open_end", "contacts_first", "contacts_followup"]
    _add_rows(b, scope, names, {n: _scalar(n) for n in names},
              stock=frozenset({"cases_open_end"}))
    _add_rows(b, scope, ["contacts"], {"contacts": lambda p: (
        p.measures.contacts_first + p.measures.contacts_followup)})
    for col in scope.model_keys:
        b.sum(("contacts", col), [("contacts_first", col), ("contacts_followup", col)])
        b.identity(("contacts_first", col), ("cases_new", col))
    # open(Q) + new(Q+1) = open(Q+1) + closed(Q+1), between consecutive quarters with figures
    # (the earlier years' quarters unprinted: their year columns are tied to them)
    # (a quarter report: the quarter before it, its open cases a cell never printed)
    before_quarter = [] if scope.quarter_before is None else [
        scope.quarter_figures[scope.quarter_before]]
    for before in before_quarter:
        b.cell(("cases_open_end", before.key), before.measures.cases_open_end)
    chain = [*(scope.quarter_figures[q] for q in scope.unprinted), *before_quarter,
             *(scope.periods[q] for q in scope.quarter_keys)]
    for before, after in itertools.pairwise(chain):
        if str(Quarter.parse(before.key).next()) != after.key:
            continue  # not consecutive quarters: no identity
        m0, m1 = before.measures, after.measures
        if m0.cases_open_end + m1.cases_new == m1.cases_open_end + m1.cases_closed:
            flow = b.cell(("flow", after.key), m0.cases_open_end + m1.cases_new)
            if after.key in scope.unprinted:
                b.unprinted.add(flow)
            b.sum(flow, [("cases_open_end", before.key), ("cases_new", after.key)])
            b.sum(flow, [("cases_open_end", after.key), ("cases_closed", after.key)])
    rows = [
        *(Row(name, Label(MEASURE_LABELS[name])) for name in (
            "cases_new", "cases_closed", "cases_open_end", "contacts_first", "contacts_followup")),
        Row("contacts", Label(N_("Contact moments, total")), bold=True, total=True),
    ]
    partial = scope.partial_years()
    note = Label(parts=tuple(partial)) if partial else None
    _grid(b, scope, "totals", Label(N_("Cases and contacts")), rows, note=note)


def _components(b: _Builder, scope: _Scope, lists: CodeLists) -> None:
    order = [x.code for x in lists.components]
    present = sorted({c for p in scope.periods.values() for c in p.by_component},
                     key=lambda c: (order.index(c) if c in order else len(order), c))
    names = [f"cases_new@{c}" for c in present]
    _add_rows(b, scope, names, {f"cases_new@{c}": _component_new(c) for c in present})
    for col in scope.model_keys:
        b.sum(("cases_new", col), [(n, col) for n in names])
    rows = [Row(f"cases_new@{c}", Label(code=next((x for x in lists.components if x.code == c),
                                                  Code(c, c, c)))) for c in present]
    rows.append(Row("cases_new", Label(N_("Defence")), bold=True, total=True))
    _grid(b, scope, "components", Label(N_("New cases per component")), rows)


# --- topics, in the current list whatever list the figures were recorded on -----------------
@dataclass(frozen=True)
class _TopicRow:
    row: Row
    coverage: Block  # the current topics it adds up
    children: tuple[str, ...] = ()  # the rows that add up to it (keys)
    section: int = 0  # the top-level row (group) it belongs to, for placing combined rows


def _group_label(group: TopicGroup) -> Label:
    """A group whose label is also one of its topics' ("Overig") is called "Overig (group)"."""
    if any(t.nl == group.nl or t.en == group.en for t in group.topics):
        return _label(N_("{label} (group)"), label=Label(code=group))
    return Label(code=group)


def _topic_label(group: TopicGroup, topic: Code) -> Label:
    if topic.nl == group.nl or topic.en == group.en:
        return _label(N_("{label}, not elsewhere classified"), label=Label(code=topic))
    return Label(code=topic)


def _block_key(block: Iterable[str], lists: CodeLists) -> str:
    order = [t.code for t in lists.topics]
    return "+".join(sorted(block, key=order.index))


def _topic_rows(lists: CodeLists, blocks: Iterable[Block]) -> list[_TopicRow]:
    """The rows of the topics table: groups and topics of the current list, a combined row for
    every block some column needs that is no row of the list, and the total."""
    rows: list[_TopicRow] = []
    top: list[_TopicRow] = []
    for section, group in enumerate(lists.topic_groups):
        codes = frozenset(t.code for t in group.topics)
        if len(group.topics) == 1:
            row = _TopicRow(Row(f"topic:{group.topics[0].code}", Label(code=group), bold=True),
                            codes, (), section)
            rows.append(row)
            top.append(row)
            continue
        members = [_TopicRow(Row(f"topic:{t.code}", _topic_label(group, t), indent=1),
                             frozenset({t.code}), (), section) for t in group.topics]
        head = _TopicRow(Row(f"group:{group.code}", _group_label(group), bold=True, group=True),
                         codes, tuple(m.row.key for m in members), section)
        rows += [head, *members]
        top.append(head)
    known = {r.coverage for r in rows} | {frozenset(t.code for t in lists.topics)}
    combined: list[_TopicRow] = []
    for block in sorted(set(blocks) - known, key=lambda bl: _block_key(bl, lists)):
        parts: list[_TopicRow] = []
        for head in top:
            if head.coverage <= block:
                parts.append(head)
            elif head.coverage & block:
                parts += [r for r in rows if r.section == head.section and r is not head
                          and r.coverage <= block]
        label = _label(N_("Together: {parts}"),
                       parts=Label(parts=tuple(p.row.label for p in parts), sep=" + "))
        combined.append(_TopicRow(Row(f"topics:{_block_key(block, lists)}", label, bold=True,
                                      total=True), block, tuple(p.row.key for p in parts),
                                  max(p.section for p in parts)))
    for row in sorted(combined, key=lambda r: r.section, reverse=True):
        after = max(i for i, r in enumerate(rows) if r.section == row.section)
        rows.insert(after + 1, row)
    rows.append(_TopicRow(Row("topics", Label(N_("All topics")), bold=True, total=True),
                          frozenset(t.code for t in lists.topics), tuple(r.row.key for r in top),
                          len(lists.topic_groups)))
    return rows


def _topics(b: _Builder, scope: _Scope, lists: CodeLists) -> None:
    blocks = {col: codelists.common_blocks(scope.period(col).versions or
                                           (codelists.CURRENT_VERSION,))
              for col in scope.model_keys}
    # the rows: those the printed columns need (an unprinted quarter's finer blocks that are
    # no row are helper cells of its sums)
    rows = _topic_rows(lists, {bl for col in scope.cell_keys for bl in blocks[col]})
    by_coverage = {r.coverage: r.row.key for r in rows}
    keys: dict[tuple[str, str], Key] = {}
    gaps: dict[tuple[str, str], Label] = {}
    absent: set[tuple[str, str]] = set()
    unprinted = [Column(q, Label(q)) for q in scope.unprinted]
    for col in [*scope.columns, *unprinted]:
        printed = col.key not in scope.unprinted
        reason = scope.gap(col.key) if printed else None
        if reason is not None:
            gaps.update({(r.row.key, col.key): reason for r in rows})
            continue
        period = scope.period(col.key)
        # the topics no list of the column had: no figure at all, and in no sum
        missing = codelists.did_not_exist(period.versions)
        column_blocks = [bl for bl in blocks[col.key] if not bl <= missing]
        owner = {code: bl for bl in column_blocks for code in bl}
        value = dict.fromkeys(column_blocks, 0)
        for version, counts in period.topics.items():
            for block, n in codelists.mapping(version).counts(counts).items():
                value[owner[next(iter(block))]] += n
        older = ", ".join(v for v in period.versions if v != codelists.CURRENT_VERSION)
        shown: set[str] = set()
        gone: set[str] = set()
        for r in rows:
            if r.coverage <= missing:
                gaps[(r.row.key, col.key)] = _label(DID_NOT_EXIST_REASON, version=older)
                absent.add((r.row.key, col.key))
                gone.add(r.row.key)
            elif all(bl <= r.coverage or not bl & r.coverage for bl in column_blocks):
                cell = b.cell((r.row.key, col.key),
                              sum(n for bl, n in value.items() if bl <= r.coverage))
                if printed:
                    keys[(r.row.key, col.key)] = cell
                else:
                    b.unprinted.add(cell)
                shown.add(r.row.key)
            else:
                gaps[(r.row.key, col.key)] = _label(OLDER_LIST, version=older)
        for r in rows:
            if r.row.key not in shown or not r.children:
                continue
            existing = [c for c in r.children if c not in gone]
            if all(c in shown for c in existing):
                b.sum((r.row.key, col.key), [(c, col.key) for c in existing])
                continue
            parts = [bl for bl in column_blocks if bl <= r.coverage]
            if len(parts) > 1:  # add up the blocks (a block that is no row: a helper cell)
                helpers = [(f"topics:{_block_key(bl, lists)}", col.key) for bl in parts
                           if bl not in by_coverage]
                b.sum((r.row.key, col.key), [
                    (by_coverage[bl], col.key) if bl in by_coverage else
                    b.cell((f"topics:{_block_key(bl, lists)}", col.key), value[bl])
                    for bl in parts])
                if not printed:
                    b.unprinted.update(helpers)
    b.absent.update(a for a in absent if a[1] in scope.unprinted)
    for year in scope.years():
        for r in rows:
            # the quarters where the topics existed (each a cell: a row exact in a year is
            # exact in its quarters, whose lists the year's include)
            quarters: list[Key] = [(r.row.key, str(q)) for q in year.quarters
                                   if (r.row.key, str(q)) not in absent]
            if (r.row.key, year.key) in keys and all(q in b.values for q in quarters):
                b.sum((r.row.key, year.key), quarters)
    notes = [Label(TOPICS_NOTE), *_older_list_notes(scope, rows, lists)]
    if absent - b.absent:
        notes.append(Label(DID_NOT_EXIST_NOTE))
    _layout(b, "topics", Label(MEASURE_LABELS["topics"]), [r.row for r in rows], scope.columns,
            note=Label(parts=tuple(notes)), keys=keys,
            gaps={pos: why for pos, why in gaps.items() if pos[1] not in scope.unprinted},
            absent=absent - b.absent)


def _older_list_notes(scope: _Scope, rows: Sequence[_TopicRow], lists: CodeLists,
                      ) -> list[Label]:
    """Per older code-list version in the report: where it was used, and the rows that are
    shown for it although it had one category for several current topics."""
    label_of = {r.coverage: r.row.label for r in rows}
    notes = []
    versions = sorted({v for p in scope.periods.values() for v in p.versions} -
                      {codelists.CURRENT_VERSION})
    for version in versions:
        using = [key for key, p in scope.periods.items() if version in p.versions]
        if scope.year_key in using and any(q in using for q in scope.quarter_keys):
            using.remove(scope.year_key)  # its quarters are named already
        periods = ", ".join(using)
        merged = [label_of[bl] for bl in codelists.mapping(version).blocks
                  if len(bl) > 1 and bl in label_of]
        notes.append(_label(OLDER_LIST_NOTE, periods=periods, version=version,
                            rows=Label(parts=tuple(merged), sep="; ")))
    return notes


def _code_table(b: _Builder, scope: _Scope, table_id: str, measure: str,
                items: Sequence[Code], title: str, same_as: str | None = None) -> None:
    seen = {code for p in scope.periods.values() for code in getattr(p.measures, measure)}
    items = list(items) + [Code(c, c, c) for c in sorted(seen - {i.code for i in items})]
    keys = [f"{table_id}:{i.code}" for i in items]
    _add_rows(b, scope, keys, {f"{table_id}:{i.code}": _mapped(measure, i.code) for i in items})
    total = f"{table_id}:total"
    _add_rows(b, scope, [total], {total: lambda p: sum(getattr(p.measures, measure).values())})
    for col in scope.model_keys:
        b.sum((total, col), [(key, col) for key in keys])
        if same_as:
            b.identity((total, col), (same_as, col))
    rows = [Row(key, Label(code=i)) for key, i in zip(keys, items, strict=True)]
    rows.append(Row(total, Label(N_("Total")), bold=True, total=True))
    _grid(b, scope, table_id, Label(title), rows)


def _hours(b: _Builder, scope: _Scope, lists: CodeLists) -> None:
    rows = [Row("hours:contacts", Label(N_("Contact moments")))]
    for col in scope.cell_keys:
        m = scope.periods[col].measures
        b.hours[("hours:contacts", col)] = (half_hour_minutes(m.minutes_contacts),
                                            ("contacts", col))
        activities = sum(m.minutes_activities.values())
        for kind in lists.activity_kinds:
            b.hours[(f"hours:{kind.code}", col)] = (
                half_hour_minutes(m.minutes_activities.get(kind.code, 0)), None)
        b.hours[("hours:activities", col)] = (half_hour_minutes(activities), None)
        b.hours[("hours:total", col)] = (half_hour_minutes(m.minutes_contacts + activities),
                                         ("contacts", col))
    rows += [Row(f"hours:{kind.code}", Label(code=kind), indent=1) for kind in lists.activity_kinds]
    rows.insert(1, Row("hours:activities", Label(N_("Activities outside cases")), bold=True,
                       group=True))
    rows.append(Row("hours:total", Label(N_("Total hours")), bold=True, total=True))
    _grid(b, scope, "hours", Label(N_("Hours")), rows, unit="hours", note=Label(HOURS_NOTE))


def _comparison(b: _Builder, scope: _Scope) -> list[tuple[Key | None, str, bool]]:
    """New cases per quarter over the years shown (this year: to the report's quarter).
    Returns the chart's quarters in time order: (the cell's key, or None where the quarter
    has no figure; period; this year)."""
    years = [int(p.key) for p in scope.previous] + [scope.year]
    cols = [Column(f"Q{n}", Label(f"Q{n}")) for n in (1, 2, 3, 4)]
    cols.append(Column("year", Label(N_("Year"))))
    keys: dict[tuple[str, str], Key] = {}
    gaps: dict[tuple[str, str], Label] = {}
    gap_keys: dict[tuple[str, str], Key] = {}
    bars: list[tuple[Key | None, str, bool]] = []
    rows = []
    for year in years:
        current = year == scope.year
        shown = []
        gap_keys[(str(year), "year")] = ("cases_new", str(year))
        for q in quarters_of_year(year):
            position = (str(year), f"Q{q.q}")
            gap_keys[position] = ("cases_new", str(q))
            figures = scope.quarter_figures.get(str(q))
            if current and scope.quarter is not None and q > scope.quarter:
                gaps[position] = Label(NOT_IN_REPORT)
            elif figures is None:
                gaps[position] = scope.quarter_gaps.get(str(q), Label(NO_FILES))
                bars.append((None, str(q), current))  # an empty slot: no figure
            else:
                keys[position] = b.cell(("cases_new", str(q)), figures.measures.cases_new)
                shown.append(keys[position])
                bars.append((keys[position], str(q), current))
        period = scope.current if current else next(p for p in scope.previous
                                                     if p.key == str(year))
        if period is None:
            gaps[(str(year), "year")] = Label(NOT_IN_REPORT)
        else:
            keys[(str(year), "year")] = b.cell(("cases_new", str(year)),
                                               period.measures.cases_new)
            if period.key not in scope.periods:  # a year column's comes with the totals
                b.sum(("cases_new", str(year)), shown)
        rows.append(Row(str(year), Label(str(year)), bold=current))
    title = (_label(N_("New cases per quarter, {first}–{last}"), first=str(years[0]),
                    last=str(years[-1])) if len(years) > 1
             else _label(N_("New cases per quarter, {year}"), year=str(scope.year)))
    _layout(b, "comparison", title, rows, cols, keys=keys, gaps=gaps, gap_keys=gap_keys)
    return bars


def _charts(scope: _Scope, quarter_bars: Sequence[tuple[Key | None, str, bool]],
            protected: Mapping[Key, ProtectedCell]) -> tuple[Chart, ...]:
    """The years side by side (a year report with earlier years), and the quarters."""
    charts = []
    if scope.current is not None and scope.previous:
        periods = [*scope.previous, scope.current]
        year_bars = tuple(
            ChartBar(p.key, protected[("cases_new", p.key)], current=p is scope.current,
                     caption=Label(parts=(Label(p.key), Label(_quarter_span(p.quarters))),
                                   sep="\n") if len(p.quarters) < 4 else Label(p.key))
            for p in periods)
        title = _label(N_("New cases per year, {first}–{last}"), first=periods[0].key,
                       last=periods[-1].key)
        charts.append(Chart("years", title, year_bars))
    years = sorted({period[:4] for _, period, _ in quarter_bars})
    title = (_label(N_("New cases per quarter, {first}–{last}"), first=years[0], last=years[-1])
             if len(years) > 1 else _label(N_("New cases per quarter, {year}"), year=years[0]))
    bars: list[ChartBar] = []
    seen: set[str] = set()
    for key, period, current in quarter_bars:  # "Q1 / 2025" under a year's first bar, then "Q2"
        year, quarter = period.split("-")
        caption = Label(quarter) if year in seen else Label(parts=(Label(quarter), Label(year)),
                                                             sep="\n")
        seen.add(year)
        bars.append(ChartBar(period, None if key is None else protected[key], current=current,
                             caption=caption))
    charts.append(Chart("quarters", title, tuple(bars)))
    return tuple(charts)


def _bounds(b: _Builder, scope: _Scope) -> None:
    """The inequalities a reader knows by definition (app/export/measures.py's bounds, which
    every imported file keeps, and the case rules), per column with figures."""
    identities = set(b.equations)
    for col in scope.model_keys:
        new = ("cases_new", col)
        for key in [key for key in b.values if isinstance(key, tuple) and key[1] == col
                    and key[0].startswith("topic:")]:
            b.at_most([key], [new])  # a topic counts new cases carrying it
        if _every_quarter_has_topics(scope, col):
            b.at_most([new], [("topics", col)])  # every case carries at least one topic
        closed = ("cases_closed", col)
        if Equation(("outcomes:total", col), (closed,)) not in identities:
            b.at_most([("outcomes:total", col)], [closed])  # one outcome per closed case
        period = scope.period(col)
        numbers = [q.q for q in period.quarters]
        if not period.quarters or numbers == list(range(numbers[0], numbers[-1] + 1)):
            # a case new in the period is closed in it or open at its end
            b.at_most([new], [closed, ("cases_open_end", col)])
    chain = [*scope.unprinted,
             *([] if scope.quarter_before is None else [scope.quarter_before]),
             *scope.quarter_keys]
    for before, after in itertools.pairwise(chain):
        if str(Quarter.parse(before).next()) != after or ("flow", after) in b.values:
            continue  # not consecutive, or the identity holds (it implies both)
        start = [("cases_open_end", before), ("cases_new", after)]
        b.at_most([("cases_open_end", after)], start)
        b.at_most([("cases_closed", after)], start)


def _every_quarter_has_topics(scope: _Scope, col: str) -> bool:
    """Whether "every case carries at least one topic" is a bound of column ``col``: a year's
    is the sum of its quarters', so only where each of them keeps it. Files need not give
    every new case a topic (the bounds every file keeps: a topic at most the new cases, the
    outcomes at most the closed ones, which therefore hold in every quarter and year); where a
    quarter has fewer topics than new cases, the year's bound would tell a reader of the
    quarter reports something about their figures that none of them held, so it is no
    definition there, and the same in every year report that shows that year."""
    quarters = [scope.quarter_figures[str(q)] for q in scope.period(col).quarters]
    return all(p.measures.cases_new <= sum(p.measures.topics.values()) for p in quarters)


def _protect_hours(b: _Builder, protected: dict[Key, ProtectedCell], k: int) -> None:
    """Hours are published rounded, but hidden wherever the count of contacts they belong to
    is hidden: hours must not reveal a hidden count."""
    for hours_key, (value, count_key) in b.hours.items():
        hidden = count_key is not None and protected[count_key].status is not Status.PUBLISHED
        protected[hours_key] = (ProtectedCell(hours_key, Status.HIDDEN, None, k) if hidden
                                else ProtectedCell(hours_key, Status.PUBLISHED, value, k))


def _hidden_note(lay: _Layout, protected: Mapping[Key, ProtectedCell]) -> Label | None:
    """The table's note, with how many of its figures are hidden."""
    shown = {key for key in lay.keys.values()}
    hidden = sum(protected[key].status is not Status.PUBLISHED for key in shown)
    if not hidden:
        return lay.note
    count = _label(HIDDEN_NOTE, hidden=str(hidden), cells=str(len(shown)))
    return count if lay.note is None else Label(parts=(lay.note, count))


def _check_period(scope: _Scope, quarter: Quarter | None) -> None:
    """A report needs figures: a quarter that has ended and has files, or such a quarter in
    the year."""
    if quarter is not None:
        if quarter.end >= scope.today:
            raise ValidationError(
                N_("The quarter {quarter} has not ended yet; its report can be made from "
                   "{date}."), quarter=str(quarter),
                date=format_date(quarter.next().start, DATE_PATTERN))
        if str(quarter) not in scope.quarter_figures:
            raise ValidationError(N_("The register holds no quarterly files for {period}; "
                                     "there is nothing to report."), period=str(quarter))
    elif scope.current is None:
        if Quarter(scope.year, 1).end >= scope.today:
            raise ValidationError(
                N_("No quarter of {year} has ended yet; its first report can be made from "
                   "{date}."), year=scope.year,
                date=format_date(Quarter(scope.year, 2).start, DATE_PATTERN))
        raise ValidationError(N_("The register holds no quarterly files for {period}; "
                                 "there is nothing to report."), period=str(scope.year))


@dataclass(frozen=True)
class Draft:
    """A report assembled (its cells, their sums and where each table prints them) but not
    yet protected: ``build_report`` protects it alone, a period plan together with every other
    table of its period (``period_plan``)."""

    level: Level
    component: str | None
    quarter: Quarter | None
    k: int
    today: dt.date
    scope: _Scope = field(repr=False)
    lists: CodeLists = field(repr=False)
    builder: _Builder = field(repr=False)
    quarter_bars: list[tuple[Key | None, str, bool]] = field(repr=False)

    @property
    def components(self) -> tuple[str, ...]:
        """The components with figures in some column (central level: the Defence report's
        component rows)."""
        return tuple(sorted({c for p in self.scope.periods.values() for c in p.by_component}))

    def table(self) -> Table:
        """Every cell of the report with its sums, and what hiding each one costs."""
        b = self.builder
        totals = {eq.total for eq in b.equations}
        weights = {key: _weight(key, key in totals) for key in b.values}
        printed = {key for lay in b.layouts for key in lay.keys.values()}
        return Table(dict(b.values), tuple(b.equations), weights, tuple(b.inequalities),
                     frozenset(b.unprinted - printed))

    def finish(self, cells: Mapping[Key, ProtectedCell], publication: Publication,
               certificate: Certificate | None) -> ReportData:
        """The report with these statuses of its cells (``cells``: by the report's own keys);
        ``publication`` and ``certificate`` are what the ledger records."""
        scope, lists, k = self.scope, self.lists, self.k
        protected = dict(cells)
        _protect_hours(self.builder, protected, k)
        tables = tuple(
            ReportTable(lay.id, lay.title, lay.unit, lay.rows, lay.columns,
                        {pos: protected[key] for pos, key in lay.keys.items()},
                        _hidden_note(lay, protected),
                        lay.gaps, {**lay.gap_keys, **lay.keys}, lay.absent)
            for lay in self.builder.layouts)
        versions = tuple(sorted({v for p in scope.periods.values() for v in p.versions}))
        notes = []
        if len(versions) > 1:
            notes.append(_label(MIXED_CODELISTS_NOTE, versions=", ".join(versions),
                                version=lists.version))
        component = self.component
        quarter = self.quarter
        return ReportData(
            level=self.level,
            component=component,
            component_label=(Label(N_("Defence")) if component is None else Label(
                code=next((c for c in lists.components if c.code == component),
                          Code(component, component, component)))),
            year=scope.year,
            quarter=str(quarter) if quarter else None,
            k=k,
            codelist_version=lists.version,
            codelist_versions=versions,
            previous_years=tuple(int(p.key) for p in scope.previous),
            tables=tables,
            charts=_charts(scope, self.quarter_bars, protected),
            protected_groups=((self.table(), {key: protected[key]
                                              for key in self.builder.values}),),
            today=self.today,
            notes=tuple(notes),
            period_label=Label(str(quarter)) if quarter else scope.current_label,
            publication=publication,
            certificate=certificate,
        )


def draft_report(year_figures: merging.YearTable,
                 earlier_figures: Sequence[merging.YearTable] = (),
                 *, level: Level, component: str | None, quarter: Quarter | None = None,
                 k: int, today: dt.date) -> Draft:
    """The report's cells, sums and layout from the figures (see ``build_report``)."""
    check_k(k)
    year = year_figures.year
    if quarter is not None and quarter.year != year:
        raise ValidationError(N_("The quarter {quarter} does not lie in {year}."),
                              quarter=str(quarter), year=year)
    earlier = [f for f in earlier_figures if year - YEARS_BACK <= f.year < year]
    scope = _Scope(year_figures, earlier, quarter, today)
    _check_period(scope, quarter)
    lists = codelists.load()  # shown in the current list, whatever the sources used

    b = _Builder()
    _totals(b, scope)
    if level == "defence":
        _components(b, scope, lists)
    _topics(b, scope, lists)
    _code_table(b, scope, "modes", "modes", lists.contact_modes, MEASURE_LABELS["modes"],
                same_as="contacts")
    _code_table(b, scope, "outcomes", "outcomes", lists.outcomes, MEASURE_LABELS["outcomes"],
                same_as="cases_closed")
    _code_table(b, scope, "referrals", "referrals", lists.referral_targets,
                MEASURE_LABELS["referrals"])
    _hours(b, scope, lists)
    quarter_bars = _comparison(b, scope)
    _bounds(b, scope)
    return Draft(level, component, quarter, k, today, scope, lists, b, quarter_bars)


def build_report(year_figures: merging.YearTable,
                 earlier_figures: Sequence[merging.YearTable] = (),
                 *, level: Level, component: str | None, quarter: Quarter | None = None,
                 k: int, today: dt.date, prior: Sequence[Publication] = (),
                 carried: Sequence[Certificate] = ()) -> ReportData:
    """The protected report from the figures (no register needed: the pure part).

    ``earlier_figures``: the figures of earlier years (those with files are shown beside a
    year report and in the quarter comparison); ``today``: quarters that had not ended on
    this day have no figures ("—"); ``prior``: what the register published before (the
    ledger), which this report must not undo; ``carried``: certificates of earlier
    publications, whose witnesses are reused where they still hold. The report's
    ``publication`` and ``certificate`` are what the ledger stores."""
    draft = draft_report(year_figures, earlier_figures, level=level, component=component,
                         quarter=quarter, k=k, today=today)
    table = draft.table()
    protected = protect(table, k, prior, carried)
    return draft.finish(protected.cells, Publication.of(table, protected),
                        protected.certificate)


def report_data(register: Register, year: int, quarter: Quarter | str | None = None,
                *, k: int, today: dt.date, prior: Sequence[Publication] = (),
                carried: Sequence[Certificate] = ()) -> ReportData:
    """The report of a coordination register (component or central level), with the figures
    of the two years before it where the register holds them. ``today``: the day the report
    is made (quarters not ended on it have no figures); ``carried``: see ``build_report``."""
    check_k(k)
    profile = roster_service.coordination_profile(register)
    central = roster_service.is_central(profile)
    q = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    data = build_report(
        merging.year_table(register, year),
        [merging.year_table(register, y) for y in range(year - YEARS_BACK, year)],
        level="defence" if central else "component",
        component=None if central else profile.component, quarter=q, k=k, today=today,
        prior=prior, carried=carried,
    )
    # Who reported, per quarter of the report (a year: each quarter that has ended): on the
    # title page and in the CSV's comment rows, beside the notes.
    shown = [q] if q is not None else [p for p in quarters_of_year(year) if p.end < today]
    return replace(data, notes=(*data.notes, *merging.response_lines(register, shown)))


def last_certificate(register: Register) -> tuple[Certificate, ...]:
    """The certificate of the register's latest publication (it covers every hidden figure
    published so far), to carry its witnesses into the next report; () when there is none."""
    published = publications.entries(register)
    certificate = publications.certificate(register, published[-1].id) if published else None
    return () if certificate is None else (certificate,)


def render_report_file(data: ReportData, fmt: Format | str, lang: str | None = None, *,
                       now: dt.datetime | None = None, app_version: str = __version__) -> bytes:
    """The built report as PDF or CSV bytes. ``now`` is the generation time printed in the
    file (the same ``now`` gives the same bytes); ``app_version`` goes into the PDF."""
    if fmt == "pdf":
        from app.export.pdf_report import render_report_pdf

        return render_report_pdf(data, lang=lang, now=now, app_version=app_version)
    if fmt == "csv":
        from app.export.csv_report import render_report_csv

        return render_report_csv(data, lang=lang, now=now)
    raise ValidationError(N_("Unknown report format {fmt}; use pdf or csv."), fmt=fmt)


def write_report_file(data: ReportData, fmt: Format | str, path: Path, lang: str | None = None,
                      *, now: dt.datetime | None = None, app_version: str = __version__) -> Path:
    """Render built report data as PDF or CSV and write it atomically to ``path`` (outside the
    ledger: for previews and tests; what is published goes through
    ``period_plan.publish_report``)."""
    return write_new(Path(path), render_report_file(data, fmt, lang, now=now,
                                                    app_version=app_version))

