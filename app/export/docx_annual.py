"""The annual section as DOCX (python-docx), for report editors to paste from: the same blocks
as the PDF, headings and tables in Word's own styles, and the chart of new cases as a picture
drawn from published values only (``pdf_report.chart_points``)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from PIL import Image, ImageDraw, ImageFont

from app.export.annual_model import AnnualSection, ChartBlock, Grid, Text, blocks, section_title
from app.export.pdf_report import chart_points
from app.export.report_model import DATETIME_PATTERN, Chart
from app.files import write_new
from app.i18n import Translator, translator
from app.paths import resources_dir

CONTENT_CM = 17.0  # A4 less 2 cm margins
CHART_SIZE = (1200, 480)  # pixels, drawn at 15 cm wide
BAR = (62, 106, 138)
BAR_CURRENT = (192, 86, 33)
INK = (31, 41, 51)


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(resources_dir() / "fonts" / name), size)


def chart_png(chart: Chart, t: Translator) -> bytes:
    """The chart as a PNG: a hidden count is a bar of height 0 with its mark above it."""
    categories, heights, labels = chart_points(chart, t)
    width, height = CHART_SIZE
    image = Image.new("RGB", CHART_SIZE, "white")
    draw = ImageDraw.Draw(image)
    draw.text((10, 8), chart.title.text(t), font=_font(30, bold=True), fill=INK)
    top, bottom, left = 90, height - 80, 20
    slot = (width - 2 * left) / max(1, len(heights))
    tallest = max([*heights, 1])
    small = _font(24)
    for i, (category, value, label) in enumerate(zip(categories, heights, labels, strict=True)):
        x0 = left + i * slot + slot * 0.15
        x1 = left + (i + 1) * slot - slot * 0.15
        y0 = bottom - (bottom - top) * value / tallest
        fill = BAR_CURRENT if chart.bars[i].current else BAR
        if value:
            draw.rectangle((x0, y0, x1, bottom), fill=fill)
        draw.text(((x0 + x1) / 2, y0 - 6), label, font=small, fill=INK, anchor="md")
        for n, line in enumerate(category.split("\n")):
            draw.text(((x0 + x1) / 2, bottom + 8 + 28 * n), line, font=small, fill=INK,
                      anchor="ma")
    draw.line((left, bottom, width - left, bottom), fill=INK, width=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _grid(doc: object, grid: Grid) -> None:
    doc.add_heading(grid.title, level=3)  # type: ignore[attr-defined]
    table = doc.add_table(rows=1, cols=len(grid.header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    n = len(grid.header) - 1
    number = 3.2 if n == 1 else 2.8 if n <= 3 else 2.9 if n == 4 else 2.6
    widths = [Cm(CONTENT_CM - n * number), *([Cm(number)] * n)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width

    def fill(cells: Sequence[Any], texts: Sequence[str], bold: bool, indent: int = 0,
             size: float = 9) -> None:
        for i, (cell, text) in enumerate(zip(cells, texts, strict=True)):
            cell.width = widths[i]
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(text)
            run.bold = bold
            run.font.size = Pt(size)
            if i:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif indent:
                paragraph.paragraph_format.left_indent = Cm(0.4 * indent)

    fill(table.rows[0].cells, grid.header, True, size=8)
    for row in grid.rows:
        fill(table.add_row().cells,
             [row.label, *("" if f is None else f.text for f in row.figures)], row.bold,
             row.indent)
    if len(grid.rows) <= 12:  # a short table stays on one page with its heading
        for row_ in table.rows[:-1]:
            for cell in row_.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    if grid.note:
        note = doc.add_paragraph(grid.note)  # type: ignore[attr-defined]
        for run in note.runs:
            run.font.size = Pt(8)


def render_annual_docx(section: AnnualSection, *, lang: str | None = None,
                       now: dt.datetime | None = None) -> bytes:
    when = now or dt.datetime.now()
    t = translator(lang)
    doc = Document()
    for section_ in doc.sections:  # A4, as the Defence report
        section_.page_width, section_.page_height = Cm(21), Cm(29.7)
        section_.left_margin = section_.right_margin = Cm(2)
    title = section_title(section, t)
    props = doc.core_properties
    props.title, props.author, props.language = title, "Vertrouwd", t.language
    props.created = props.modified = when.replace(microsecond=0)
    props.last_modified_by = "Vertrouwd"
    doc.add_heading(title, level=1)
    doc.add_paragraph(t._("Generated on {when}").format(
        when=t.format_datetime(when, DATETIME_PATTERN)))
    for block in blocks(section, t):
        if isinstance(block, Text):
            if block.style == "h2":
                doc.add_heading(block.text, level=2)
            else:
                paragraph = doc.add_paragraph(block.text)
                if block.style == "small":
                    for run in paragraph.runs:
                        run.font.size = Pt(8)
        elif isinstance(block, ChartBlock):
            doc.add_picture(io.BytesIO(chart_png(block.chart, t)), width=Cm(15))
        else:
            _grid(doc, block)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_annual_docx(section: AnnualSection, path: Path, *, lang: str | None = None,
                      now: dt.datetime | None = None) -> Path:
    return write_new(Path(path), render_annual_docx(section, lang=lang, now=now))
