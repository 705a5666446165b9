"""The confidants' section of the Defence annual integrity report (or a component's appendix),
as plain values, and its text in a report language. ``app.services.coordination.annual`` builds
it; ``pdf_annual``, ``csv_annual`` and ``docx_annual`` print it. Nothing here reads a register.

Every count of the section that concerns the people helped is a cell of the year report
(``report_model.ReportData``), taken as that report protected it: the section prints the same
value or mark, cell for cell, and runs no protection of its own. The network (confidants
enrolled and active) and the completeness (quarterly reports expected and arrived) are counts
of the confidant network, not of people helped: they are not protected, and the section says
so.

The top 3 topics per topic group are ranked on published counts only (``rank_topics``): a
topic whose count is hidden is never placed above or below another, because a place would
tell what the mark hides. It is listed apart, in the order of the topic list. Equal counts
share a place ("2=") and are listed in the order of the topic list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Final, Literal

from app.export.disclosure import ProtectedCell, Status, display, rule_text, status_label
from app.export.report_model import (
    DID_NOT_EXIST,
    DID_NOT_EXIST_MEANING,
    DID_NOT_EXIST_STATUS,
    NO_FIGURE,
    NO_FIGURE_MEANING,
    Chart,
    Label,
    ReportData,
    ReportTable,
    cell_text,
)
from app.i18n import N_, Translator

TOP: Final = 3
NOT_PROTECTED: Final = "not_protected"  # the CSV status of a network or completeness count
NO_FIGURE_STATUS: Final = "no_figure"

RANK_NOTE = N_(
    "Ranked on the published counts only. A topic whose count is hidden is not ranked: its "
    "count may lie above or below the ranked ones, so it is listed apart, in the order of the "
    "topic list. Equal counts share a place (“2=”)."
)
NETWORK_NOTE = N_(
    "The network and the quarterly reports are counts of confidants, not of the people they "
    "helped, and are shown exactly. Enrolled: on the roster on at least one day of {year}; "
    "active: sent at least one quarterly report about {year}, nil returns included."
)
CENTRAL_NETWORK_NOTE = N_(
    "At the central level the network of each component is known from the components' "
    "quarterly files: the confidants they expected and those who reported."
)
COMPONENT_DETAIL_NOTE = N_(
    "Contacts and hours per component are in each component's appendix: the Defence report "
    "does not publish them per component."
)
SOURCE_NOTE = N_(
    "Every figure of the people helped is taken from the annual report {year} of {who}, with "
    "the same protection (k = {k}): a hidden figure is hidden here too."
)


# --- the section's values ----------------------------------------------------------------------
@dataclass(frozen=True)
class TopicEntry:
    """A topic of a group with its cell of the year column (None: no figure)."""

    row: str  # the row code, e.g. "topic:pesten"
    label: Label
    cell: ProtectedCell | None


@dataclass(frozen=True)
class Ranked:
    place: int  # 1, 2, 2, 4: equal counts share a place
    tied: bool
    entry: TopicEntry


@dataclass(frozen=True)
class TopicRanking:
    group: str  # "group:ongewenst_gedrag"
    label: Label
    ranked: tuple[Ranked, ...]  # places 1..TOP (more where the last place is shared)
    unranked: tuple[TopicEntry, ...]  # hidden or no figure: never placed, topic-list order


def rank_topics(group: str, label: Label, entries: Sequence[TopicEntry]) -> TopicRanking:
    """The top ``TOP`` of a group, from published counts only (``entries`` in topic-list
    order). A hidden cell holds no value (``ProtectedCell.value`` is None), so it cannot be
    ordered; it is listed apart in the order given."""
    published = [e for e in entries if e.cell is not None and e.cell.status is Status.PUBLISHED
                 and e.cell.value is not None]
    unranked = tuple(e for e in entries if e not in published)
    positive = [e for e in published if _value(e) > 0]
    ordered = sorted(positive, key=lambda e: -_value(e))  # stable: topic-list order in ties
    ranked: list[Ranked] = []
    for i, entry in enumerate(ordered):
        place = next((r.place for r in ranked if _value(r.entry) == _value(entry)), i + 1)
        if place > TOP:
            break
        tied = sum(1 for e in ordered if _value(e) == _value(entry)) > 1
        ranked.append(Ranked(place, tied, entry))
    return TopicRanking(group, label, tuple(ranked), unranked)


def _value(entry: TopicEntry) -> int:
    assert entry.cell is not None and entry.cell.value is not None
    return entry.cell.value


@dataclass(frozen=True)
class Network:
    """Confidants on the roster in the year, those who reported, and the quarterly reports
    expected and arrived (quarters that ended)."""

    enrolled: int
    active: int
    expected: int
    arrived: int
    nil: int = 0


@dataclass(frozen=True)
class ComponentLine:
    component: str
    label: Label
    cases: ProtectedCell | None  # the Defence report's cell (None: the component had none)
    network: Network


@dataclass(frozen=True)
class AnnualSection:
    report: ReportData  # the year report every protected figure is taken from
    network: Network  # the register's level as a whole
    components: tuple[ComponentLine, ...]  # central level: per component
    rankings: tuple[TopicRanking, ...]
    quarters: tuple[str, ...]  # the quarters the completeness counts cover
    files_expected: int = 0  # central level: the components' quarterly files
    files_arrived: int = 0

    @property
    def central(self) -> bool:
        return self.report.level == "defence"

    @property
    def year_keys(self) -> tuple[str, ...]:
        """The year columns: the earlier years shown and this year."""
        return (*(str(y) for y in self.report.previous_years), str(self.report.year))


# --- the section as printed: the same blocks for PDF, CSV and DOCX ---------------------------
@dataclass(frozen=True)
class Figure:
    text: str
    status: str  # published / hidden / no_figure / not_protected
    explanation: str
    row_code: str
    column_code: str


@dataclass(frozen=True)
class GridRow:
    label: str
    figures: tuple[Figure | None, ...]  # None: an empty position (a heading row)
    bold: bool = False
    indent: int = 0


@dataclass(frozen=True)
class Grid:
    id: str
    title: str
    header: tuple[str, ...]  # the first is the label column's
    rows: tuple[GridRow, ...]
    note: str = ""


@dataclass(frozen=True)
class Text:
    text: str
    style: Literal["body", "small", "h2"] = "body"


@dataclass(frozen=True)
class ChartBlock:
    chart: Chart


Block = Grid | Text | ChartBlock


def who(section: AnnualSection, t: Translator) -> str:
    return section.report.component_label.text(t)


def section_title(section: AnnualSection, t: Translator) -> str:
    if section.central:
        return t._("Confidants — annual report {year}, Defence").format(
            year=section.report.year)
    return t._("Confidants — annual report {year}, appendix {who}").format(
        year=section.report.year, who=who(section, t))


def _figure(table: ReportTable, row: str, column: str, t: Translator) -> Figure:
    cell = table.cell(row, column)
    key = table.keys.get((row, column))
    row_code, column_code = ((str(key[0]), str(key[1])) if isinstance(key, tuple)
                             and len(key) == 2 else (row, column))
    if cell is None:
        reason = table.gaps.get((row, column))
        if (row, column) in table.absent and reason is not None:
            return Figure(DID_NOT_EXIST, DID_NOT_EXIST_STATUS, t._(DID_NOT_EXIST_MEANING).format(
                reasons=reason.text(t)), str(row_code), str(column_code))
        explanation = (t._(NO_FIGURE_MEANING).format(reasons=reason.text(t)) if reason
                       else "")
        return Figure(NO_FIGURE, NO_FIGURE_STATUS, explanation, str(row_code), str(column_code))
    return Figure(cell_text(table, cell, t), cell.status.value,
                  status_label(cell.status, cell.k, t), str(row_code), str(column_code))


def _exact(value: int, row: str, column: str, t: Translator) -> Figure:
    return Figure(t.format_number(value), NOT_PROTECTED,
                  t._("not protected: a count of the confidant network"), row, column)


def _published(cell: ProtectedCell | None) -> int | None:
    if cell is None or cell.status is not Status.PUBLISHED:
        return None
    return cell.value


def summary(section: AnnualSection, t: Translator) -> list[str]:
    """The sentences on the cases of the year against the two years before."""
    data = section.report
    totals = data.table("totals")
    year = str(data.year)
    cases = totals.cell("cases_new", year)
    n = _published(cases)
    held = [c.key[-2:] for c in totals.columns
            if c.key.startswith(f"{year}-Q") and totals.cell("cases_new", c.key) is not None]
    period = year if len(held) == 4 else f"{year} ({', '.join(held)})"
    if n is None:
        shown = display(cases, t.language) if cases is not None else NO_FIGURE
        lines = [t._("The number of new cases the confidants of {who} registered in {period} "
                     "is hidden ({mark}): see the rule on disclosure control.").format(
            who=who(section, t), period=period, mark=shown)]
    else:
        lines = [t._("In {period} the confidants of {who} registered {cases} new cases.").format(
            period=period, who=who(section, t), cases=t.format_number(n))]
    earlier = [str(y) for y in reversed(data.previous_years)]
    if not earlier:
        lines.append(t._("The register holds no figures for the two years before {year}.")
                     .format(year=year))
        return lines
    for i, other in enumerate(earlier):
        m = _published(totals.cell("cases_new", other))
        if i > 0:
            if m is not None:
                lines.append(t._("In {year} there were {cases}.").format(
                    year=other, cases=t.format_number(m)))
            continue
        if n is None or m is None:
            lines.append(t._("The change from {year} cannot be given: a figure is hidden.")
                         .format(year=other))
        elif n == m:
            lines.append(t._("That is as many as in {year}.").format(year=other))
        else:
            diff = abs(n - m)
            args = {"diff": t.format_number(diff), "year": other,
                    "cases": t.format_number(m), "percent": _percent(diff, m, t)}
            lines.append((t._("That is {diff} more than in {year} ({cases}), an increase of "
                              "{percent}.") if n > m else
                          t._("That is {diff} fewer than in {year} ({cases}), a decrease of "
                              "{percent}.")).format(**args))
    return lines


def _note(table: ReportTable, rows: Sequence[GridRow], t: Translator) -> str:
    """The year report's note of a table for a grid of the section: its count of hidden cells
    ("Hidden in this table: h of n figures") counts the grid's own figures instead."""
    if table.note is None:
        return ""
    out = []
    for part in table.note.parts or (table.note,):
        if {name for name, _ in part.params} == {"hidden", "cells"}:
            shown = [f for r in rows for f in r.figures if f is not None
                     and f.status not in (NO_FIGURE_STATUS, DID_NOT_EXIST_STATUS)]
            hidden = sum(1 for f in shown if f.status == Status.HIDDEN.value)
            if hidden:
                out.append(replace(part, params=(("hidden", str(hidden)),
                                                 ("cells", str(len(shown))))).text(t))
            continue
        out.append(part.text(t))
    return " ".join(out)


def _percent(diff: int, base: int, t: Translator) -> str:
    if base == 0:
        return "—"
    return t._("{number}%").format(number=t.format_number(
        (Decimal(diff) * 100 / base).quantize(Decimal(1)), decimals=0))


def _cases_grid(section: AnnualSection, t: Translator) -> Grid:
    totals = section.report.table("totals")
    rows = [GridRow(r.label.text(t), tuple(_figure(totals, r.key, y, t)
                                           for y in section.year_keys), bold=r.bold)
            for r in totals.rows if r.key in ("cases_new", "cases_closed")]
    return Grid("cases", t._("New cases, {first}–{last}").format(
        first=section.year_keys[0], last=section.year_keys[-1]) if len(section.year_keys) > 1
        else t._("New cases, {year}").format(year=section.year_keys[0]),
        (t._("Number"), *(_year_header(section, y, t) for y in section.year_keys)), tuple(rows))


def _year_header(section: AnnualSection, key: str, t: Translator) -> str:
    for column in section.report.table("totals").columns:
        if column.key == key:
            return column.label.text(t)
    return key


def _ranking_grid(ranking: TopicRanking, section: AnnualSection, t: Translator) -> Grid:
    year = str(section.report.year)
    topics = section.report.table("topics")
    rows = []
    for r in ranking.ranked:
        place = f"{r.place}=" if r.tied else f"{r.place}."
        rows.append(GridRow(f"{place} {r.entry.label.text(t)}",
                            (_figure(topics, r.entry.row, year, t),)))
    if not rows:
        rows.append(GridRow(t._("no topic with a published count above zero"), (None,)))
    note = ""
    if ranking.unranked:
        names = "; ".join(f"{e.label.text(t)} ({_figure(topics, e.row, year, t).text})"
                          for e in ranking.unranked)
        note = t._("Not ranked, count hidden or no figure: {topics}.").format(topics=names)
    return Grid(f"top:{ranking.group}", ranking.label.text(t),
                (t._("Place and topic"), t._("New cases {year}").format(year=year)),
                tuple(rows), note)


def _topics_grid(section: AnnualSection, t: Translator) -> Grid:
    topics = section.report.table("topics")
    rows = tuple(GridRow(r.label.text(t), tuple(_figure(topics, r.key, y, t)
                                                for y in section.year_keys),
                         bold=r.bold, indent=r.indent) for r in topics.rows)
    title = (t._("Topics of new cases, {first}–{last}").format(
        first=section.year_keys[0], last=section.year_keys[-1])
        if len(section.year_keys) > 1 else t._("Topics of new cases, {year}").format(
            year=section.year_keys[0]))
    return Grid("topics", title, (t._("Number"), *(_year_header(section, y, t)
                                                    for y in section.year_keys)),
                rows, _note(topics, rows, t))


def _work_grid(section: AnnualSection, t: Translator) -> Grid:
    """Cases, contacts, hours and activities of the year, from the year report's cells."""
    year = str(section.report.year)
    totals, hours = section.report.table("totals"), section.report.table("hours")
    wanted = [(totals, "cases_new"), (totals, "contacts"), (hours, "hours:contacts"),
              (hours, "hours:activities"), (hours, "hours:total")]
    rows = []
    for table, key in wanted:
        row = next(r for r in table.rows if r.key == key)
        label = row.label.text(t)
        if table.unit == "hours":
            label = t._("{title} (hours)").format(title=label)
        rows.append(GridRow(label, (_figure(table, key, year, t),), bold=key == "hours:total"))
    return Grid("work", t._("Cases, contacts and hours, {year}").format(year=year),
                (t._("Number"), _year_header(section, year, t)), tuple(rows),
                _note(hours, rows, t))


def _network_grid(section: AnnualSection, t: Translator) -> Grid:
    year = str(section.report.year)
    header = [t._("Enrolled"), t._("Active"), t._("Reports owed"), t._("Arrived")]

    def figures(code: str, network: Network) -> tuple[Figure, ...]:
        return tuple(_exact(v, f"{name}@{code}", year, t) for name, v in (
            ("enrolled", network.enrolled), ("active", network.active),
            ("reports_expected", network.expected), ("reports_arrived", network.arrived)))

    rows: list[GridRow] = []
    if section.central:
        components = section.report.table("components")
        header.insert(0, t._("New cases"))
        for line in section.components:
            cases = (_figure(components, f"cases_new@{line.component}", year, t)
                     if line.cases is not None else
                     Figure(NO_FIGURE, NO_FIGURE_STATUS, "", f"cases_new@{line.component}",
                            year))
            rows.append(GridRow(line.label.text(t), (cases, *figures(line.component,
                                                                       line.network))))
        rows.append(GridRow(t._("Defence"), (_figure(components, "cases_new", year, t),
                                             *figures("DEFENSIE", section.network)), bold=True))
        title = t._("Per component, {year}").format(year=year)
    else:
        rows.append(GridRow(who(section, t), figures(section.report.component or "",
                                                     section.network), bold=True))
        title = t._("The network of {who}, {year}").format(who=who(section, t), year=year)
    notes = [t._(NETWORK_NOTE).format(year=year)]
    if section.central:
        notes += [t._(CENTRAL_NETWORK_NOTE), t._(COMPONENT_DETAIL_NOTE)]
    return Grid("network", title, (t._("Component") if section.central else "", *header),
                tuple(rows), " ".join(notes))


def completeness_sentence(section: AnnualSection, t: Translator) -> str:
    if not section.quarters:
        return t._("No quarter of {year} has ended yet.").format(year=section.report.year)
    first, last = section.quarters[0][-2:], section.quarters[-1][-2:]
    span = f"{section.report.year} ({first if first == last else f'{first}–{last}'})"
    n = section.network
    text = t._("Completeness: of the {expected} quarterly reports the confidants owed for "
               "{quarters}, {arrived} arrived ({nil} of them nil returns).").format(
        expected=t.format_number(n.expected), quarters=span,
        arrived=t.format_number(n.arrived), nil=t.format_number(n.nil))
    if section.central:
        text += " " + t._("The central level received {arrived} of the {expected} quarterly "
                          "files of the components.").format(
            arrived=t.format_number(section.files_arrived),
            expected=t.format_number(section.files_expected))
    return text


def blocks(section: AnnualSection, t: Translator) -> list[Block]:
    """The section in the order it is printed (the CSV takes the grids)."""
    data = section.report
    charts = {c.id: c for c in data.charts}
    out: list[Block] = [Text(t._(SOURCE_NOTE).format(year=data.year, who=who(section, t),
                                                     k=data.k) + " " + rule_text(data.k, t),
                             "small"),
                        Text(t._("Cases"), "h2")]
    out.append(Text(" ".join(summary(section, t))))
    out.append(ChartBlock(charts.get("years") or charts["quarters"]))
    out.append(_cases_grid(section, t))
    out.append(Text(t._("Top {n} topics per topic group, {year}").format(n=TOP, year=data.year),
                    "h2"))
    out += [_ranking_grid(r, section, t) for r in section.rankings]
    out.append(Text(t._(RANK_NOTE), "small"))
    out.append(_topics_grid(section, t))
    out.append(Text(t._("Work and network"), "h2"))
    out.append(_work_grid(section, t))
    out.append(Text(completeness_sentence(section, t)))
    out.append(_network_grid(section, t))
    return out


def grids(section: AnnualSection, t: Translator) -> list[Grid]:
    return [b for b in blocks(section, t) if isinstance(b, Grid)]
