"""The published PDF report of a coordinator (component) or the central level (Defence).

It prints only what ``app.services.coordination.report_data`` protected: each cell as
``display`` shows it ("1.234", "< 5" or "×"). The chart draws published values only; a hidden
bar is drawn at height 0 with its mark above it, so no suppressed count reaches the drawing
either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from app import __version__
from app.export.disclosure import (
    SECONDARY_MARK,
    STATUS_LABELS,
    ProtectedCell,
    Status,
    display,
    rule_text,
)
from app.export.pdf_common import (
    CONTENT_WIDTH,
    Bold,
    Cell,
    Indented,
    ReportMeta,
    Right,
    bar_chart,
    data_table,
    para,
    render_pdf,
    write_pdf,
)
from app.export.report_model import ReportData, ReportTable
from app.i18n import N_, Translator, translator

MIXED_CODELISTS_NOTE = N_(
    "The sources used different versions of the topic list ({versions}); topics are shown "
    "in version {version}, codes of other versions under their code."
)


def report_title(data: ReportData, t: Translator) -> str:
    who = data.component_label.text(t)
    if data.quarter:
        return t._("Confidants' report {period} — {who}").format(period=data.quarter, who=who)
    return t._("Confidants' annual report {period} — {who}").format(period=data.year, who=who)


def chart_points(data: ReportData, t: Translator) -> tuple[list[str], list[int], list[str]]:
    """Categories, heights and labels of the chart: a hidden count has height 0 and its mark.

    The only place where chart values come from; tests check that it holds no hidden value."""
    categories, heights, labels = [], [], []
    for bar in data.chart:
        categories.append(bar.period)
        published = bar.cell.status is Status.PUBLISHED and bar.cell.value is not None
        heights.append(bar.cell.value if published and bar.cell.value is not None else 0)
        labels.append(display(bar.cell, t.language))
    return categories, heights, labels


def _text(cell: ProtectedCell | None, t: Translator, bold: bool) -> Cell:
    if cell is None:
        return None
    shown = Right(display(cell, t.language))
    return Bold(shown) if bold else shown


def _table(table: ReportTable, t: Translator) -> list[Flowable]:
    label_width = CONTENT_WIDTH * (0.46 if len(table.columns) > 2 else 0.6)
    rest = (CONTENT_WIDTH - label_width) / max(1, len(table.columns))
    header = [t._("Hours") if table.unit == "hours" else t._("Number")]
    header += [c.label.text(t) for c in table.columns]
    rows: list[list[Cell]] = []
    group_rows, total_rows = [], []
    for index, row in enumerate(table.rows):
        label = row.label.text(t)
        first: Cell = Indented(label, row.indent) if row.indent else label
        if row.bold and not row.indent:
            first = Bold(label)
        rows.append([first] + [_text(table.cell(row.key, c.key), t, row.bold)
                               for c in table.columns])
        if row.group:
            group_rows.append(index)
        if row.total:
            total_rows.append(index)
    flow: list[Flowable] = [
        para(table.title.text(t), "h2"),
        data_table(header, rows, t=t, col_widths=[label_width] + [rest] * len(table.columns),
                   group_rows=group_rows, total_rows=total_rows),
    ]
    if table.note is not None:
        flow += [Spacer(1, 1 * mm), para(table.note.text(t), "small")]
    if len(table.rows) <= 12:
        return [KeepTogether(flow)]
    return flow


def _title_page(data: ReportData, t: Translator, title: str, now: dt.datetime) -> list[Flowable]:
    level = t._("Defence (central level)") if data.level == "defence" else t._("Component")
    info: list[list[Cell]] = [
        [t._("Level"), level],
        [t._("Component or Defence"), data.component_label.text(t)],
        [t._("Period"), data.quarter or t._("Year {year}").format(year=data.year)],
        [t._("Generated on"), t.format_datetime(now, "medium")],
        [t._("Minimum cell frequency (k)"), t.format_number(data.k)],
        [t._("Topic list"), t._("version {version}").format(version=data.codelist_version)],
    ]
    if data.previous_year:
        info.append([t._("Compared with"), str(data.previous_year)])
    k = data.k
    legend: list[list[Cell]] = [
        [Right(display(ProtectedCell("", Status.PRIMARY, None, k), t.language)),
         t._("{status}: 1 to {kminus}").format(status=t._(STATUS_LABELS[Status.PRIMARY]),
                                             kminus=k - 1)],
        [Right(SECONDARY_MARK), t._(STATUS_LABELS[Status.SECONDARY])],
        [Right("0"), t._("none")],
    ]
    story: list[Flowable] = [
        para(title, "title"),
        para(t._("Counts of the confidants' registrations, protected for publication. No "
               "personal data, no case text, no dates finer than the quarter."), "body"),
        Spacer(1, 4 * mm),
        data_table([t._("Report"), ""], info,
                   t=t, col_widths=[CONTENT_WIDTH * 0.4, CONTENT_WIDTH * 0.6]),
        para(t._("Disclosure control"), "h2"),
        para(rule_text(k, t), "body"),
        Spacer(1, 2 * mm),
        data_table([t._("Shown as"), t._("Meaning")], legend,
                   t=t, col_widths=[CONTENT_WIDTH * 0.15, CONTENT_WIDTH * 0.85]),
        Spacer(1, 2 * mm),
        para(t._("Hidden figures are hidden in every table and chart of this report. Totals are "
               "exact."), "small"),
    ]
    if data.mixed_codelists:
        story.append(para(t._(MIXED_CODELISTS_NOTE).format(
            versions=", ".join(data.codelist_versions), version=data.codelist_version), "small"))
    return story


def _chart(data: ReportData, t: Translator) -> Flowable:
    categories, heights, labels = chart_points(data, t)
    title = t._("New cases per quarter")
    if data.previous_year:
        title = t._("New cases per quarter, {year} against {previous}").format(
            year=data.year, previous=data.previous_year)
    return bar_chart(categories, heights, title=title, t=t, bar_labels=labels,
                     highlight=[bar.current for bar in data.chart],
                     width=CONTENT_WIDTH, height=45 * mm)


def render_report_pdf(data: ReportData, *, lang: str | None = None,
                      now: dt.datetime | None = None, app_version: str = __version__) -> bytes:
    """The report as PDF bytes in ``lang`` (None: the current language), which changes nothing
    process-wide: the same ``data``, ``lang``, ``now`` and ``app_version`` give the same bytes
    on every platform."""
    when = now or dt.datetime.now()
    t = translator(lang)
    title = report_title(data, t)
    meta = ReportMeta(title=title, generated_at=when, translator=t,
                      subject=t._("Published figures of the confidants (disclosure control "
                                  "k = {k})").format(k=data.k),
                      app_version=app_version)
    story = _title_page(data, t, title, when)
    story.append(PageBreak())
    tables = {table.id: table for table in data.tables}
    story += _table(tables["totals"], t)
    story += [Spacer(1, 3 * mm), _chart(data, t)]
    story += _table(tables["comparison"], t)
    order: Sequence[str] = ("components", "topics", "modes", "outcomes", "referrals", "hours")
    for table_id in order:
        if table_id in tables:
            story += _table(tables[table_id], t)
    story += [Spacer(1, 4 * mm), para(rule_text(data.k, t), "small")]
    return render_pdf(meta, story)


def write_report_pdf(data: ReportData, path: Path, *, lang: str | None = None,
                     now: dt.datetime | None = None, app_version: str = __version__) -> Path:
    return write_pdf(Path(path), render_report_pdf(data, lang=lang, now=now,
                                                   app_version=app_version))
