"""The tables of a coordinator's or the central level's report, protected for publication.

A report covers one year (columns Q1..Q4 and the year; flows summed, open cases = Q4's) or one
quarter (one column). It holds: totals (cases and contacts), at central level new cases per
component, topics by group, contact modes, outcomes, referrals, hours, and new cases per
quarter against the previous year (the chart's data).

Disclosure control (docs/disclosure.md):

- Every count cell of the report gets a *global key* (measure, period), e.g.
  ``("cases_new", "2026-Q2")``. A number that appears in two tables (the Defence new cases per
  quarter: totals table, component table and chart) is ONE cell, so it has one status.
- All additive relations are equations: rows and groups against their totals, quarters against
  the year, components against Defence, first + follow-up contacts = contacts, and the
  definitional identities a reader may know, *where the figures satisfy them*: first contacts =
  new cases, contact modes add up to the contacts, outcomes add up to the closed cases, and the
  stock-flow identity open(Q) + new(Q+1) = open(Q+1) + closed(Q+1) (through a helper cell that
  is never printed; treating it as known only makes the protection stricter).
- Cells are grouped by the equations that connect them (connected components) and each group
  is protected once with ``protect(table, k)``: cells tied across tables are protected together.
- Hours: rounded to whole hours (``whole_hours`` of the summed minutes, so rows may not add up
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
from pathlib import Path
from typing import Literal

from app import __version__
from app.errors import ValidationError
from app.export.disclosure import (
    DEFAULT_K,
    Equation,
    Key,
    ProtectedCell,
    Status,
    Table,
    check_k,
    protect,
    whole_hours,
)
from app.export.measures import LABELS as MEASURE_LABELS
from app.export.measures import Measures
from app.export.report_model import (
    ChartBar,
    Column,
    Label,
    Level,
    ReportData,
    ReportTable,
    Row,
)
from app.i18n import N_
from app.models import codelists
from app.models.codelists import Code, CodeLists, TopicGroup
from app.models.periods import Quarter, quarters_of_year
from app.services.coordination import merging
from app.services.coordination import roster as roster_service
from app.services.storage.vault import Register

Format = Literal["pdf", "csv"]
FORMATS: tuple[str, ...] = ("pdf", "csv")


def _label(msgid: str, **params: object) -> Label:
    return Label(msgid=msgid, params=tuple((k, str(v)) for k, v in params.items()))


HOURS_NOTE = N_(
    "Hours are rounded to whole hours, so the rows may not add up exactly. Hours of contact "
    "moments are hidden wherever the number of contacts is hidden."
)
TOPICS_NOTE = N_(
    "Topics are not cases: each topic counts the new cases that carry it, and a case can "
    "carry several topics, so the topics add up to more than the new cases."
)


# --- building ------------------------------------------------------------------------------
class _Builder:
    """Collects cells (global keys), equations and the layout of each table."""

    def __init__(self) -> None:
        self.values: dict[Key, int] = {}
        self.equations: list[Equation] = []
        self.layouts: list[tuple[str, Label, Literal["count", "hours"], tuple[Row, ...],
                                 tuple[Column, ...], dict[tuple[str, str], Key],
                                 Label | None]] = []
        self.hours: dict[Key, tuple[int, Key | None]] = {}  # hours cell -> (value, count cell)

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

    def protect_all(self, k: int) -> tuple[dict[Key, ProtectedCell],
                                           list[tuple[Table, dict[Key, ProtectedCell]]]]:
        """Protect each group of cells that equations connect (together, once)."""
        parent: dict[Key, Key] = {key: key for key in self.values}

        def find(x: Key) -> Key:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for eq in self.equations:
            root = find(eq.total)
            for part in eq.parts:
                other = find(part)
                if other != root:
                    parent[other] = root
        members: dict[Key, list[Key]] = {}
        for key in self.values:
            members.setdefault(find(key), []).append(key)
        eqs_of: dict[Key, list[Equation]] = {}
        for eq in self.equations:
            eqs_of.setdefault(find(eq.total), []).append(eq)
        result: dict[Key, ProtectedCell] = {}
        groups: list[tuple[Table, dict[Key, ProtectedCell]]] = []
        loose: list[Key] = []
        for root, keys in members.items():
            if root not in eqs_of:
                loose.append(root)  # a cell in no equation: primary suppression only
                continue
            table = Table({key: self.values[key] for key in keys}, tuple(eqs_of[root]))
            cells = dict(protect(table, k).cells)
            result.update(cells)
            groups.append((table, cells))
        if loose:
            table = Table({key: self.values[key] for key in loose})
            cells = dict(protect(table, k).cells)
            result.update(cells)
            groups.append((table, cells))
        return result, groups


def _periods(year: int, quarter: Quarter | None) -> tuple[list[Quarter], bool]:
    """The quarters shown and whether a year column follows them."""
    if quarter is None:
        return quarters_of_year(year), True
    return [quarter], False


def _columns(quarters: Sequence[Quarter], with_year: bool, year: int) -> tuple[Column, ...]:
    cols = [Column(str(q), Label(msgid=f"Q{q.q}") if with_year else Label(msgid=str(q)))
            for q in quarters]
    if with_year:
        cols.append(Column(str(year), _label(N_("Year {year}"), year=year)))
    return tuple(cols)


class _Scope:
    """The figures of one report: measures per column key."""

    def __init__(self, table: merging.YearTable, quarters: Sequence[Quarter], with_year: bool):
        by_q = {q.quarter: q for q in table.quarters}
        self.quarter_keys = [str(q) for q in quarters]
        self.year_key = str(table.year) if with_year else None
        self.measures: dict[str, Measures] = {q: by_q[q].measures for q in self.quarter_keys}
        self.by_component: dict[str, dict[str, Measures]] = {
            q: by_q[q].by_component for q in self.quarter_keys}
        if self.year_key:
            self.measures[self.year_key] = table.measures
            self.by_component[self.year_key] = table.by_component
        self.codelist_versions = sorted({v for q in quarters for v in by_q[str(q)]
                                         .codelist_versions})

    @property
    def columns(self) -> list[str]:
        return self.quarter_keys + ([self.year_key] if self.year_key else [])


Getter = Callable[["_Scope", str], int]


def _add_rows(b: _Builder, scope: _Scope, rows: Sequence[str],
              value: Mapping[str, Getter], *, stock: frozenset[str] = frozenset()) -> None:
    """Cells (row, column) with the year equations: flows sum the quarters, stocks = Q4."""
    for row in rows:
        get = value[row]
        for col in scope.columns:
            b.cell((row, col), get(scope, col))
        if scope.year_key:
            parts = [(row, q) for q in scope.quarter_keys]
            b.sum((row, scope.year_key), parts[-1:] if row in stock else parts)


def _scalar(name: str) -> Getter:
    return lambda scope, col: getattr(scope.measures[col], name)


def _mapped(name: str, code: str) -> Getter:
    return lambda scope, col: getattr(scope.measures[col], name).get(code, 0)


def _component_new(component: str) -> Getter:
    return lambda scope, col: scope.by_component[col].get(component, Measures()).cases_new


def _topics_sum(codes: Sequence[str]) -> Getter:
    return lambda scope, col: sum(scope.measures[col].topics.get(c, 0) for c in codes)


def _layout(b: _Builder, table_id: str, title: Label, rows: Sequence[Row],
            columns: Sequence[Column], unit: Literal["count", "hours"] = "count",
            note: Label | None = None, keys: Mapping[tuple[str, str], Key] | None = None) -> None:
    if keys is None:
        keys = {(r.key, c.key): (r.key, c.key) for r in rows for c in columns}
    b.layouts.append((table_id, title, unit, tuple(rows), tuple(columns), dict(keys), note))


def _totals(b: _Builder, scope: _Scope, columns: Sequence[Column]) -> None:
    names = ["cases_new", "cases_closed", "cases_open_end", "contacts_first", "contacts_followup"]
    _add_rows(b, scope, names, {n: _scalar(n) for n in names},
              stock=frozenset({"cases_open_end"}))
    _add_rows(b, scope, ["contacts"], {"contacts": lambda s, c: (
        s.measures[c].contacts_first + s.measures[c].contacts_followup)})
    for col in scope.columns:
        b.sum(("contacts", col), [("contacts_first", col), ("contacts_followup", col)])
        b.identity(("contacts_first", col), ("cases_new", col))
    q = scope.quarter_keys
    for before, after in itertools.pairwise(q):
        m0, m1 = scope.measures[before], scope.measures[after]
        if m0.cases_open_end + m1.cases_new == m1.cases_open_end + m1.cases_closed:
            flow = b.cell(("flow", after), m0.cases_open_end + m1.cases_new)
            b.sum(flow, [("cases_open_end", before), ("cases_new", after)])
            b.sum(flow, [("cases_open_end", after), ("cases_closed", after)])
    rows = [
        *(Row(name, Label(MEASURE_LABELS[name])) for name in (
            "cases_new", "cases_closed", "cases_open_end", "contacts_first", "contacts_followup")),
        Row("contacts", Label(N_("Contact moments, total")), bold=True, total=True),
    ]
    _layout(b, "totals", Label(N_("Cases and contacts")), rows, columns)


def _components(b: _Builder, scope: _Scope, columns: Sequence[Column], lists: CodeLists,
                ) -> None:
    present = sorted({c for col in scope.columns for c in scope.by_component[col]},
                     key=lambda c: ([x.code for x in lists.components] + [c]).index(c))
    names = [f"cases_new@{c}" for c in present]
    _add_rows(b, scope, names, {f"cases_new@{c}": _component_new(c) for c in present})
    for col in scope.columns:
        b.sum(("cases_new", col), [(n, col) for n in names])
    rows = [Row(f"cases_new@{c}", Label(code=next((x for x in lists.components if x.code == c),
                                                  Code(c, c, c)))) for c in present]
    rows.append(Row("cases_new", Label(N_("Defence")), bold=True, total=True))
    _layout(b, "components", Label(N_("New cases per component")), rows, columns)


def _topic_groups(lists: CodeLists, seen: Iterable[str]) -> list[tuple[TopicGroup, list[Code]]]:
    groups = [(g, list(g.topics)) for g in lists.topic_groups]
    known = {t.code for t in lists.topics}
    unknown = sorted(set(seen) - known)
    if unknown:  # codes of another code-list version: shown under their code
        other = TopicGroup("other-version", "Codes uit een andere versie",
                           "Codes from another version", tuple(Code(c, c, c) for c in unknown))
        groups.append((other, list(other.topics)))
    return groups


def _topics(b: _Builder, scope: _Scope, columns: Sequence[Column], lists: CodeLists) -> None:
    seen = {code for col in scope.columns for code in scope.measures[col].topics}
    rows: list[Row] = []
    group_keys: list[str] = []
    for group, topics in _topic_groups(lists, seen):
        topic_keys = [f"topic:{t.code}" for t in topics]
        _add_rows(b, scope, topic_keys,
                  {f"topic:{t.code}": _mapped("topics", t.code) for t in topics})
        if len(topics) == 1:  # a group of one topic is one row
            group_keys.append(topic_keys[0])
            rows.append(Row(topic_keys[0], Label(code=group), bold=True))
            continue
        gkey = f"group:{group.code}"
        _add_rows(b, scope, [gkey], {gkey: _topics_sum([t.code for t in topics])})
        for col in scope.columns:
            b.sum((gkey, col), [(t, col) for t in topic_keys])
        group_keys.append(gkey)
        rows.append(Row(gkey, Label(code=group), bold=True, group=True))
        rows += [Row(f"topic:{t.code}", Label(code=t), indent=1) for t in topics]
    _add_rows(b, scope, ["topics"], {"topics": lambda s, col: sum(s.measures[col].topics.values())})
    for col in scope.columns:
        b.sum(("topics", col), [(g, col) for g in group_keys])
    rows.append(Row("topics", Label(N_("All topics")), bold=True, total=True))
    _layout(b, "topics", Label(MEASURE_LABELS["topics"]), rows, columns,
            note=Label(TOPICS_NOTE))


def _code_table(b: _Builder, scope: _Scope, columns: Sequence[Column], table_id: str,
                measure: str, items: Sequence[Code], title: str,
                same_as: str | None = None) -> None:
    seen = {code for col in scope.columns for code in getattr(scope.measures[col], measure)}
    items = list(items) + [Code(c, c, c) for c in sorted(seen - {i.code for i in items})]
    keys = [f"{table_id}:{i.code}" for i in items]
    _add_rows(b, scope, keys, {f"{table_id}:{i.code}": _mapped(measure, i.code) for i in items})
    total = f"{table_id}:total"
    _add_rows(b, scope, [total], {total: lambda s, col: sum(
        getattr(s.measures[col], measure).values())})
    for col in scope.columns:
        b.sum((total, col), [(key, col) for key in keys])
        if same_as:
            b.identity((total, col), (same_as, col))
    rows = [Row(key, Label(code=i)) for key, i in zip(keys, items, strict=True)]
    rows.append(Row(total, Label(N_("Total")), bold=True, total=True))
    _layout(b, table_id, Label(title), rows, columns)


def _hours(b: _Builder, scope: _Scope, columns: Sequence[Column], lists: CodeLists) -> None:
    rows = [Row("hours:contacts", Label(N_("Contact moments")))]
    for col in scope.columns:
        m = scope.measures[col]
        b.hours[("hours:contacts", col)] = (whole_hours(m.minutes_contacts), ("contacts", col))
        activities = sum(m.minutes_activities.values())
        for kind in lists.activity_kinds:
            b.hours[(f"hours:{kind.code}", col)] = (
                whole_hours(m.minutes_activities.get(kind.code, 0)), None)
        b.hours[("hours:activities", col)] = (whole_hours(activities), None)
        b.hours[("hours:total", col)] = (whole_hours(m.minutes_contacts + activities),
                                         ("contacts", col))
    rows += [Row(f"hours:{kind.code}", Label(code=kind), indent=1) for kind in lists.activity_kinds]
    rows.insert(1, Row("hours:activities", Label(N_("Activities outside cases")), bold=True,
                       group=True))
    rows.append(Row("hours:total", Label(N_("Total hours")), bold=True, total=True))
    _layout(b, "hours", Label(N_("Hours")), rows, columns, unit="hours", note=Label(HOURS_NOTE))


def _comparison(b: _Builder, figures: merging.YearTable, previous: _Scope | None,
                quarter: Quarter | None) -> tuple[str, Label, tuple[Row, ...],
                                                  tuple[Column, ...], dict[tuple[str, str], Key]]:
    """New cases per quarter, this year (to the report's quarter) against the previous year."""
    year = figures.year
    shown = [q for q in quarters_of_year(year) if quarter is None or q <= quarter]
    for q, table in zip(quarters_of_year(year), figures.quarters, strict=True):
        if q in shown:  # in a quarter report, the earlier quarters are cells of their own
            b.cell(("cases_new", str(q)), table.measures.cases_new)
    cols = [Column(f"Q{n}", Label(msgid=f"Q{n}")) for n in (1, 2, 3, 4)]
    cols.append(Column("year", Label(N_("Year"))))
    keys: dict[tuple[str, str], Key] = {(str(year), f"Q{q.q}"): ("cases_new", str(q))
                                        for q in shown}
    if quarter is None:
        keys[(str(year), "year")] = ("cases_new", str(year))
    rows = [Row(str(year), Label(msgid=str(year)), bold=True)]
    if previous is not None:
        prev = year - 1
        _add_rows(b, previous, ["cases_new"], {"cases_new": _scalar("cases_new")})
        for n in (1, 2, 3, 4):
            keys[(str(prev), f"Q{n}")] = ("cases_new", f"{prev}-Q{n}")
        keys[(str(prev), "year")] = ("cases_new", str(prev))
        rows.insert(0, Row(str(prev), Label(msgid=str(prev))))
    return ("comparison", Label(N_("New cases per quarter compared with the previous year")),
            tuple(rows), tuple(cols), keys)


def _report_codelists(scope: _Scope) -> CodeLists:
    """The newest code list the sources used (one this program knows; else the current)."""
    version = max(scope.codelist_versions, default=codelists.CURRENT_VERSION)
    if version not in codelists.known_versions():
        version = codelists.CURRENT_VERSION
    return codelists.load(version)


def _protect_hours(b: _Builder, protected: dict[Key, ProtectedCell], k: int) -> None:
    """Hours are published rounded, but hidden wherever the count of contacts they belong to
    is hidden: hours must not reveal a hidden count."""
    for hours_key, (value, count_key) in b.hours.items():
        hidden = count_key is not None and protected[count_key].status is not Status.PUBLISHED
        protected[hours_key] = (ProtectedCell(hours_key, Status.SECONDARY, None, k) if hidden
                                else ProtectedCell(hours_key, Status.PUBLISHED, value, k))


def build_report(year_figures: merging.YearTable, previous_figures: merging.YearTable | None,
                 *, level: Level, component: str | None, quarter: Quarter | None = None,
                 k: int) -> ReportData:
    """The protected report from the figures (no register needed: the pure part)."""
    check_k(k)
    year = year_figures.year
    if quarter is not None and quarter.year != year:
        raise ValidationError(N_("The quarter {quarter} does not lie in {year}."),
                              quarter=str(quarter), year=year)
    quarters, with_year = _periods(year, quarter)
    scope = _Scope(year_figures, quarters, with_year)
    previous = None
    if previous_figures is not None and any(q.counted for q in previous_figures.quarters):
        previous = _Scope(previous_figures, quarters_of_year(year - 1), True)
    lists = _report_codelists(scope)
    columns = _columns(quarters, with_year, year)

    b = _Builder()
    _totals(b, scope, columns)
    if level == "defence":
        _components(b, scope, columns, lists)
    _topics(b, scope, columns, lists)
    _code_table(b, scope, columns, "modes", "modes", lists.contact_modes,
                MEASURE_LABELS["modes"], same_as="contacts")
    _code_table(b, scope, columns, "outcomes", "outcomes", lists.outcomes,
                MEASURE_LABELS["outcomes"], same_as="cases_closed")
    _code_table(b, scope, columns, "referrals", "referrals", lists.referral_targets,
                MEASURE_LABELS["referrals"])
    _hours(b, scope, columns, lists)
    comparison = _comparison(b, year_figures, previous, quarter)

    protected, groups = b.protect_all(k)
    _protect_hours(b, protected, k)

    tables = []
    for table_id, title, unit, rows, cols, keys, note in b.layouts:
        cells = {pos: protected[key] for pos, key in keys.items()}
        tables.append(ReportTable(table_id, title, unit, rows, cols, cells, note))
    table_id, title, rows, cols, keys = comparison
    tables.append(ReportTable(table_id, title, "count", rows, cols,
                              {pos: protected[key] for pos, key in keys.items()}))
    chart = tuple(
        ChartBar(key[1], protected[key], current=key[1].startswith(str(year)))
        for (row, col), key in sorted(keys.items(), key=lambda item: str(item[1][1]))
        if col != "year"
    )
    return ReportData(
        level=level,
        component=component,
        component_label=(Label(N_("Defence")) if component is None else Label(
            code=next((c for c in lists.components if c.code == component),
                      Code(component, component, component)))),
        year=year,
        quarter=str(quarter) if quarter else None,
        k=k,
        codelist_version=lists.version,
        codelist_versions=tuple(scope.codelist_versions),
        previous_year=year - 1 if previous else None,
        tables=tuple(tables),
        chart=chart,
        protected_groups=tuple(groups),
    )


def report_data(register: Register, year: int, quarter: Quarter | str | None = None,
                *, k: int) -> ReportData:
    """The report of a coordination register (component or central level)."""
    check_k(k)
    profile = roster_service.coordination_profile(register)
    central = roster_service.is_central(profile)
    q = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    return build_report(
        merging.year_table(register, year), merging.year_table(register, year - 1),
        level="defence" if central else "component",
        component=None if central else profile.component, quarter=q, k=k,
    )


def write_report_file(data: ReportData, fmt: Format | str, path: Path, lang: str | None = None,
                      *, now: dt.datetime | None = None, app_version: str = __version__) -> Path:
    """Render built report data as PDF or CSV and write it atomically to ``path``.

    ``now`` is the generation time printed in the file; ``app_version`` goes into the PDF."""
    if fmt == "pdf":
        from app.export.pdf_report import write_report_pdf

        return write_report_pdf(data, Path(path), lang=lang, now=now, app_version=app_version)
    if fmt == "csv":
        from app.export.csv_report import write_report_csv

        return write_report_csv(data, Path(path), lang=lang, now=now)
    raise ValidationError(N_("Unknown report format {fmt}; use pdf or csv."), fmt=fmt)


def write_report(register: Register, year: int, quarter: Quarter | str | None,
                 fmt: Format | str, path: Path, lang: str | None = None, k: int = DEFAULT_K,
                 *, now: dt.datetime | None = None) -> Path:
    """Build, protect and write the report of a coordination register as PDF or CSV.

    ``quarter`` None: the year report (Q1..Q4 and the year); ``lang`` None: the current
    language; ``k``: the minimum cell frequency (take it from ``Settings.disclosure_k``)."""
    if fmt not in FORMATS:
        raise ValidationError(N_("Unknown report format {fmt}; use pdf or csv."), fmt=fmt)
    return write_report_file(report_data(register, year, quarter, k=k), fmt, path, lang,
                             now=now)
