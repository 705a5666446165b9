"""The annual section as DOCX (python-docx), for report editors to paste from: the same blocks
as the PDF, headings and tables in Word's own styles, and the chart of new cases as a picture
drawn from published values only (``pdf_report.chart_points``)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from PIL import Image, ImageDraw, ImageFont

from app.export.annual_model import AnnualSection, ChartBlock, Grid, Text, blocks, section_title
from app.export.disclosure import rule_text
from app.export.pdf_report import chart_points
from app.export.report_model import DATETIME_PATTERN, Chart
from app.files import write_new
from app.i18n import Translator, translator
from app.paths import resources_dir

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
    for cell, text in zip(table.rows[0].cells, grid.header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in grid.rows:
        cells = table.add_row().cells
        cells[0].text = ("    " * row.indent) + row.label
        for cell, figure in zip(cells[1:], row.figures, strict=True):
            cell.text = "" if figure is None else figure.text
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if row.bold:
            for cell in cells:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    if grid.note:
        note = doc.add_paragraph(grid.note)  # type: ignore[attr-defined]
        for run in note.runs:
            run.font.size = Pt(8)


def render_annual_docx(section: AnnualSection, *, lang: str | None = None,
                       now: dt.datetime | None = None) -> bytes:
    when = now or dt.datetime.now()
    t = translator(lang)
    doc = Document()
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
    doc.add_paragraph(rule_text(section.report.k, t))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_annual_docx(section: AnnualSection, path: Path, *, lang: str | None = None,
                      now: dt.datetime | None = None) -> Path:
    return write_new(Path(path), render_annual_docx(section, lang=lang, now=now))
