"""The annual section as PDF: the blocks of ``annual_model`` drawn with the report's styles,
one chart of new cases (published values only, as ``pdf_report.chart_points`` draws them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from app import __version__
from app.export.annual_model import AnnualSection, ChartBlock, Grid, Text, blocks, section_title
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
from app.export.pdf_report import chart_points
from app.export.report_model import DATETIME_PATTERN
from app.i18n import Translator, translator


def _grid(grid: Grid, t: Translator) -> list[Flowable]:
    n = len(grid.header) - 1
    label_width = CONTENT_WIDTH * (0.55 if n <= 2 else 0.4 if n <= 3 else 0.3 if n == 4
                                   else 0.21)
    rest = (CONTENT_WIDTH - label_width) / max(1, n)
    rows: list[list[Cell]] = []
    totals = []
    for i, row in enumerate(grid.rows):
        first: Cell = (Indented(row.label, row.indent) if row.indent else
                       Bold(row.label) if row.bold else row.label)
        cells: list[Cell] = [Bold(Right(f.text)) if row.bold and f is not None else
                             Right(f.text) if f is not None else "" for f in row.figures]
        rows.append([first, *cells])
        if row.bold and not row.indent:
            totals.append(i)
    flow: list[Flowable] = [para(grid.title, "h2"), data_table(
        list(grid.header), rows, t=t, col_widths=[label_width] + [rest] * n,
        total_rows=totals)]
    if grid.note:
        flow += [Spacer(1, 1 * mm), para(grid.note, "small")]
    # a long table splits over pages, but never leaves its heading alone at a page's foot
    return [KeepTogether(flow)] if len(grid.rows) <= 12 else [CondPageBreak(50 * mm), *flow]


def render_annual_pdf(section: AnnualSection, *, lang: str | None = None,
                      now: dt.datetime | None = None, app_version: str = __version__) -> bytes:
    when = now or dt.datetime.now()
    t = translator(lang)
    title = section_title(section, t)
    meta = ReportMeta(title=title, generated_at=when, translator=t,
                      subject=t._("Published figures of the confidants (disclosure control "
                                  "k = {k})").format(k=section.report.k),
                      app_version=app_version)
    story: list[Flowable] = [
        para(title, "title"),
        para(t._("Generated on {when}").format(when=t.format_datetime(when, DATETIME_PATTERN)),
             "small"),
    ]
    for block in blocks(section, t):
        if isinstance(block, Text):
            story += [Spacer(1, 1.5 * mm), para(block.text, block.style)]
        elif isinstance(block, ChartBlock):
            categories, heights, labels = chart_points(block.chart, t)
            story += [Spacer(1, 2 * mm), bar_chart(
                categories, heights, title=block.chart.title.text(t), t=t, bar_labels=labels,
                highlight=[bar.current for bar in block.chart.bars], width=CONTENT_WIDTH * 0.7,
                height=45 * mm)]
        else:
            story += _grid(block, t)
    return render_pdf(meta, story)


def write_annual_pdf(section: AnnualSection, path: Path, *, lang: str | None = None,
                     now: dt.datetime | None = None) -> Path:
    return write_pdf(Path(path), render_annual_pdf(section, lang=lang, now=now))
