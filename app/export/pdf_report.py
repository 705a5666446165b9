"""The published PDF report of a coordinator (component) or the central level (Defence).

It prints only what ``app.services.coordination.report_data`` protected: each cell as
``report_model.cell_text`` shows it (``display``'s number or mark; hours to the half hour), and
"—" where the report has no figure (a gap, explained on the title page and in the notes), "–"
where the category did not exist in that period's topic list. The charts draw published values
only; a hidden bar is drawn at height 0 with its mark above it, so no suppressed count reaches
the drawing either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from app import __version__
from app.export.disclosure import (
    HIDDEN_MARK,
    Status,
    display,
    rule_text,
    status_label,
)
from app.export.pdf_common import (
    CONTENT_WIDTH,
    Bold,
    Cell,
    Indented,
    ReportMeta,
    Right,
    bar_chart,
    column_width,
    data_table,
    para,
    render_pdf,
    side_by_side,
    write_pdf,
)
from app.export.report_model import (  # the meanings and the title: the CSV report's too
    DATETIME_PATTERN,
    DID_NOT_EXIST,
    DID_NOT_EXIST_MEANING,
    NO_FIGURE,
    NO_FIGURE_MEANING,
    Chart,
    Label,
    ReportData,
    ReportTable,
    cell_text,
    report_title,
)
from app.i18n import Translator, translator

YEARS_SHARE = 0.3  # of the page width: the chart of the years, beside the quarters

def chart_points(chart: Chart, t: Translator) -> tuple[list[str], list[int], list[str]]:
    """Categories, heights and labels of a chart: a hidden count has height 0 and its mark.

    The only place where chart values come from; tests check that it holds no hidden value."""
    categories, heights, labels = [], [], []
    for bar in chart.bars:
        categories.append(bar.caption.text(t) if bar.caption else bar.period)
        if bar.cell is None:  # an empty slot: the period has no figure
            heights.append(0)
            labels.append(NO_FIGURE)
            continue
        published = bar.cell.status is Status.PUBLISHED and bar.cell.value is not None
        heights.append(bar.cell.value if published and bar.cell.value is not None else 0)
        labels.append(display(bar.cell, t.language))
    return categories, heights, labels


def gap_reasons(data: ReportData, *, absent: bool = False) -> list[Label]:
    """Why positions of this report have no figure ("—"), each reason once, in report order;
    with ``absent``: why categories did not exist ("–")."""
    return list(dict.fromkeys(reason for table in data.tables
                              for position, reason in table.gaps.items()
                              if (position in table.absent) == absent))


def _text(table: ReportTable, row: str, column: str, t: Translator, bold: bool) -> Cell:
    cell = table.cell(row, column)
    shown = Right(table.gap_mark(row, column) if cell is None else cell_text(table, cell, t))
    return Bold(shown) if bold else shown


def _table(table: ReportTable, t: Translator) -> list[Flowable]:
    n = len(table.columns)
    label_width = CONTENT_WIDTH * (0.6 if n <= 2 else 0.46 if n <= 5 else 0.36)
    rest = (CONTENT_WIDTH - label_width) / max(1, n)
    header = [t._("Hours") if table.unit == "hours" else t._("Number")]
    header += [c.label.text(t) for c in table.columns]
    rows: list[list[Cell]] = []
    group_rows, total_rows = [], []
    for index, row in enumerate(table.rows):
        label = row.label.text(t)
        first: Cell = Indented(label, row.indent) if row.indent else label
        if row.bold and not row.indent:
            first = Bold(label)
        rows.append([first] + [_text(table, row.key, c.key, t, row.bold)
                               for c in table.columns])
        if row.group:
            group_rows.append(index)
        if row.total:
            total_rows.append(index)
    # a rule between the earlier years and this year's quarters
    years_before = [i + 1 for i, c in enumerate(table.columns)
                    if i > 0 and "-Q" in c.key and "-Q" not in table.columns[i - 1].key]
    flow: list[Flowable] = [
        para(table.title.text(t), "h2"),
        data_table(header, rows, t=t, col_widths=[label_width] + [rest] * n,
                   group_rows=group_rows, total_rows=total_rows, rule_before=years_before),
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
        [t._("Period"), data.period_label.text(t) if data.period_label else
         data.quarter or t._("Year {year}").format(year=data.year)],
        [t._("Generated on"), t.format_datetime(now, DATETIME_PATTERN)],
        [t._("Minimum cell frequency (k)"), t.format_number(data.k)],
        [t._("Topic list"), t._("version {version}").format(version=data.codelist_version)],
    ]
    if data.previous_years:
        info.append([t._("Compared with"), ", ".join(str(y) for y in data.previous_years)])
    k = data.k
    legend: list[list[Cell]] = [
        [Right(HIDDEN_MARK), status_label(Status.HIDDEN, k, t)],
        [Right("0"), t._("none")],
    ]
    reasons = gap_reasons(data)
    if reasons:
        legend.append([Right(NO_FIGURE), t._(NO_FIGURE_MEANING).format(
            reasons="; ".join(r.text(t) for r in reasons))])
    reasons = gap_reasons(data, absent=True)
    if reasons:
        legend.append([Right(DID_NOT_EXIST), t._(DID_NOT_EXIST_MEANING).format(
            reasons="; ".join(r.text(t) for r in reasons))])
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
        para(t._("Every count shown is exact. A hidden figure is hidden in every table and "
               "chart of this report."), "small"),
    ]
    story += [para(note.text(t), "small") for note in data.notes]
    return story


def _chart(chart: Chart, t: Translator, width: float) -> Flowable:
    categories, heights, labels = chart_points(chart, t)
    return bar_chart(categories, heights, title=chart.title.text(t), t=t, bar_labels=labels,
                     highlight=[bar.current for bar in chart.bars], width=width,
                     height=45 * mm)


def _charts(data: ReportData, t: Translator) -> list[Flowable]:
    charts = {chart.id: chart for chart in data.charts}
    if "years" in charts:  # a year report: the years beside the quarters
        return [side_by_side(_chart(charts["years"], t, column_width(YEARS_SHARE)),
                             _chart(charts["quarters"], t, column_width(1 - YEARS_SHARE)),
                             left_share=YEARS_SHARE)]
    return [_chart(chart, t, CONTENT_WIDTH) for chart in data.charts]


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
    story += [Spacer(1, 3 * mm), *_charts(data, t)]
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
