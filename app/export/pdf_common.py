"""Shared reportlab infrastructure for every Vertrouwd report (VP quarter, coordinator reports).

What it gives a report module:

- a ``Translator`` (``app.i18n.translator(lang)``) passed to every part that shows text or a
  number, so a report renders in Dutch or English whatever the interface shows, and nothing
  process-wide changes while it renders;
- ``styles()``: paragraph styles in the bundled DejaVu fonts (accents render everywhere);
- ``para(text)`` for any text that is not our own markup: it is escaped, so ``<b>``,
  ``<img src=...>`` or ``&amp;`` print literally and nothing is ever fetched or read;
  ``markup(template, **values)`` for our own markup with escaped values filled in;
- ``data_table(...)``: a styled table, counts right-aligned and formatted by babel;
- ``bar_chart(...)``: a bar chart of one measure over quarters;
- ``render_pdf(meta, story)``: header (title, "Vertrouwd" + version), footer (generation date in
  the report language, "page x of y"); the document's title and language in its properties and
  a bookmark (outline entry) for the title and every section heading (``h2``), so a screen
  reader and the reader's side panel can find their way; deterministic bytes (reportlab
  ``invariant``);
- ``write_pdf(path, data)``: atomic write, never over an existing file.

No Qt here: reports are rendered headless and tested in milliseconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from app import __version__
from app.export.report_model import DATETIME_PATTERN
from app.files import write_new
from app.i18n import Translator
from app.paths import resources_dir

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
PAGE_SIZE = A4
MARGIN = 18 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
RULE = colors.HexColor("#cbd2d9")
HEADER_FILL = colors.HexColor("#e4e7eb")
GROUP_FILL = colors.HexColor("#f5f7fa")
BAR_FILL = colors.HexColor("#3e6a8a")
BAR_FILL_CURRENT = colors.HexColor("#c05621")

# Never fetch anything while rendering: no trusted hosts for URLs in images or links.
rl_config.trustedHosts = None


# --- fonts and language --------------------------------------------------------------------
@cache
def register_fonts() -> None:
    """Register the bundled DejaVu fonts once (idempotent)."""
    folder = resources_dir() / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)


# --- safe text -----------------------------------------------------------------------------
def safe(text: object) -> str:
    """Escape any text for use inside reportlab paragraph markup: it prints literally."""
    return escape(str(text))


@cache
def styles() -> Mapping[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=10, textColor=MUTED),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=16,
                                leading=20, spaceAfter=2 * mm),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14,
                             spaceBefore=4 * mm, spaceAfter=1.5 * mm),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=FONT_BOLD, fontSize=8.5,
                                    leading=10.5),
        "cell_right": ParagraphStyle("cell_right", parent=base, fontSize=8.5, leading=10.5,
                                     alignment=TA_RIGHT),
        "cell_right_bold": ParagraphStyle("cell_right_bold", parent=base, fontName=FONT_BOLD,
                                          fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
        "fingerprint": ParagraphStyle("fingerprint", parent=base, fontName=FONT_BOLD,
                                      fontSize=11, leading=15, spaceBefore=1 * mm),
        "banner": ParagraphStyle("banner", parent=base, fontName=FONT_BOLD, fontSize=10,
                                 leading=13, borderColor=BAR_FILL_CURRENT, borderWidth=0.8,
                                 borderPadding=3 * mm, spaceBefore=3 * mm, spaceAfter=4 * mm,
                                 alignment=TA_LEFT),
    }


def para(text: object, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped: markup in it prints literally). Use for ALL text
    that is not our own markup: labels, codes, translations, anything from a file or a user."""
    return Paragraph(safe(text), styles()[style])


def markup(template: str, style: str = "body", **values: object) -> Paragraph:
    """A paragraph of our own markup (e.g. ``"<b>{code}</b>"``) with every value escaped."""
    return Paragraph(template.format(**{k: safe(v) for k, v in values.items()}), styles()[style])


@dataclass(frozen=True)
class Right:
    """A preformatted cell that is right-aligned like a number (e.g. '5 h 45 min')."""

    text: str


@dataclass(frozen=True)
class Bold:
    """A cell in bold (a total or a group heading); wraps a str, int or Right."""

    value: str | int | Right


@dataclass(frozen=True)
class Indented:
    """A label indented under the row above it (a topic under its group)."""

    text: str
    level: int = 1


Cell = str | int | Right | Bold | Indented | None


def _cell(value: Cell, t: Translator) -> Paragraph | str:
    bold = isinstance(value, Bold)
    inner = value.value if isinstance(value, Bold) else value
    if inner is None:
        return ""
    if isinstance(inner, Indented):
        style = ParagraphStyle("indented", parent=styles()["cell"], leftIndent=4 * mm * inner.level)
        return Paragraph(safe(inner.text), style)
    if isinstance(inner, bool):
        raise TypeError("booleans are not table cells")
    if isinstance(inner, int):
        return Paragraph(safe(t.format_number(inner)),
                         styles()["cell_right_bold" if bold else "cell_right"])
    if isinstance(inner, Right):
        return Paragraph(safe(inner.text), styles()["cell_right_bold" if bold else "cell_right"])
    return Paragraph(safe(inner), styles()["cell_bold" if bold else "cell"])


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    t: Translator,
    col_widths: Sequence[float] | None = None,
    group_rows: Sequence[int] = (),
    total_rows: Sequence[int] = (),
    rule_before: Sequence[int] = (),
) -> Table:
    """A styled table: header row shaded, ``group_rows`` (indices into ``rows``) shaded as
    sub-headings, ``total_rows`` ruled above, ``rule_before`` (column indices) ruled on the
    left. Strings wrap and are escaped; ints are counts, right-aligned and formatted by ``t``
    (the report's language); ``Right`` is right-aligned text."""
    head = [Paragraph(safe(h), styles()["cell_bold" if i == 0 else "cell_right_bold"])
            for i, h in enumerate(header)]
    data: list[list[Any]] = [head]
    data += [[_cell(c, t) for c in row] for row in rows]
    if col_widths is None:
        first = CONTENT_WIDTH * 0.6
        rest = (CONTENT_WIDTH - first) / max(1, len(header) - 1)
        col_widths = [first] + [rest] * (len(header) - 1)
    table = Table(data, colWidths=list(col_widths), repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, MUTED),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for index in group_rows:
        commands.append(("BACKGROUND", (0, index + 1), (-1, index + 1), GROUP_FILL))
    for index in total_rows:
        commands.append(("LINEABOVE", (0, index + 1), (-1, index + 1), 0.6, MUTED))
    for column in rule_before:
        commands.append(("LINEBEFORE", (column, 0), (column, -1), 0.6, MUTED))
    table.setStyle(TableStyle(commands))
    return table


# --- charts ----------------------------------------------------------------------------------
def _two_line_period(label: str) -> str:
    """'2026-Q3' -> 'Q3' over '2026', so eight quarters fit in half a page width."""
    year, dash, quarter = label.partition("-")
    return f"{quarter}\n{year}" if dash else label


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` (broken between words)."""
    lines: list[str] = []
    for word in text.split(" "):
        wide = float(pdfmetrics.stringWidth(f"{lines[-1]} {word}", font, size)) if lines else 0.0
        if lines and wide <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def bar_chart(
    categories: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    t: Translator,
    value_label: Callable[[float], str] | None = None,
    width: float = CONTENT_WIDTH / 2 - 3 * mm,
    height: float = 40 * mm,
    highlight_last: bool = True,
    bar_labels: Sequence[str] | None = None,
    highlight: Sequence[bool] | None = None,
) -> Drawing:
    """One measure over periods (oldest first); the last bar (this period) is highlighted.

    ``bar_labels`` replaces the formatted values above the bars (e.g. the hidden mark "×" over
    a bar of height 0 for a hidden count); ``highlight`` marks the bars to highlight instead of
    only the last. Drawing strings are not parsed as markup, so no escaping is needed here."""
    register_fonts()
    drawing = Drawing(width, height)
    lines = _wrap(title, FONT_BOLD, 8.5, width)  # a narrow chart's title takes two lines
    for n, line in enumerate(lines):
        drawing.add(String(0, height - 10 - 10.5 * n, line, fontName=FONT_BOLD, fontSize=8.5,
                           fillColor=INK))
    chart = VerticalBarChart()
    chart.x, chart.y = 22, 22
    chart.width, chart.height = width - 30, height - 42 - 10.5 * (len(lines) - 1)
    chart.data = [[float(v) for v in values]]
    chart.strokeColor = None
    chart.bars[0].fillColor = BAR_FILL
    chart.bars[0].strokeColor = None
    if highlight is not None:
        for index, marked in enumerate(highlight):
            if marked:
                chart.bars[(0, index)].fillColor = BAR_FILL_CURRENT
    elif highlight_last and values:
        chart.bars[(0, len(values) - 1)].fillColor = BAR_FILL_CURRENT
    chart.barSpacing = 1
    chart.groupSpacing = 4
    top = max([float(v) for v in values] + [1.0])
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top * 1.2
    chart.valueAxis.visible = False
    chart.valueAxis.gridStrokeColor = RULE
    chart.categoryAxis.categoryNames = [_two_line_period(str(c)) for c in categories]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 0
    chart.categoryAxis.labels.dy = -3
    chart.categoryAxis.strokeColor = MUTED
    if bar_labels is not None:
        if len(bar_labels) != len(values):
            raise ValueError("one bar label per value")
        chart.barLabelFormat = "values"
        chart.barLabelArray = [list(bar_labels)]
    else:
        label = value_label or t.format_number
        chart.barLabelFormat = lambda v: label(v)
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 5
    chart.barLabels.fillColor = INK
    drawing.add(chart)
    return drawing


HALF_WIDTH = CONTENT_WIDTH / 2 - 3 * mm


def column_width(share: float) -> float:
    """The width to draw in for a ``side_by_side`` column of ``share`` of the page."""
    return float(CONTENT_WIDTH * share - 3 * mm)


def side_by_side(left: Flowable | Drawing | Sequence[Flowable],
                 right: Flowable | Drawing | Sequence[Flowable], *, left_share: float = 0.5,
                 ) -> Table:
    """Two columns (each a flowable or a list of them), the left one ``left_share`` of the
    width; give tables inside a width of ``HALF_WIDTH`` (equal columns) or ``column_width``."""
    widths = [CONTENT_WIDTH * left_share, CONTENT_WIDTH * (1 - left_share)]
    table = Table([[left, right]], colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (0, -1), 3 * mm),
                               ("RIGHTPADDING", (1, 0), (1, -1), 0)]))
    return table


# --- the document ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportMeta:
    title: str  # plain text: drawn on the canvas, never parsed as markup
    generated_at: dt.datetime
    translator: Translator  # the report's language: the footer's date and words
    author: str = "Vertrouwd"
    subject: str = ""
    app_version: str = __version__  # in the header and the PDF's creator field


# Headings that get a bookmark, by paragraph style: the level in the outline.
OUTLINE_LEVELS = {"title": 0, "h2": 1}


def _numbered_canvas(meta: ReportMeta) -> type[Canvas]:
    """A canvas that knows the page count when it finishes, for the 'page x of y' footer.

    Its pages reach the PDF only in ``save``, so bookmarks made while laying out are kept per
    page (``mark``) and written there, each on the page it belongs to."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped: Canvas is Any
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self._marks: dict[int, list[tuple[str, int]]] = {}

        def mark(self, title: str, level: int) -> None:
            self._marks.setdefault(len(self._pages), []).append((title, level))

        def showPage(self) -> None:  # noqa: N802 (reportlab API)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            marks, number = self._marks, 0
            for index, state in enumerate(self._pages):
                self.__dict__.update(state)
                self._decorate(self._pageNumber, total)
                for title, level in marks.get(index, []):
                    number += 1
                    key = f"section-{number}"
                    self.bookmarkPage(key)
                    self.addOutlineEntry(title, key, level=level, closed=False)
                super().showPage()
            if number:
                self.showOutline()
            super().save()

        def _decorate(self, page: int, total: int) -> None:
            width, height = PAGE_SIZE
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, height - MARGIN + 4 * mm, width - MARGIN, height - MARGIN + 4 * mm)
            self.line(MARGIN, MARGIN - 5 * mm, width - MARGIN, MARGIN - 5 * mm)
            self.setFillColor(MUTED)
            self.setFont(FONT, 7.5)
            self.drawString(MARGIN, height - MARGIN + 6 * mm, meta.title)
            self.drawRightString(width - MARGIN, height - MARGIN + 6 * mm,
                                 f"Vertrouwd {meta.app_version}")
            t = meta.translator
            self.drawString(MARGIN, MARGIN - 9 * mm, t._("Generated on {when}").format(
                when=t.format_datetime(meta.generated_at, DATETIME_PATTERN)))
            self.drawRightString(width - MARGIN, MARGIN - 9 * mm,
                                 t._("Page {page} of {total}").format(page=page, total=total))
            self.restoreState()

    return NumberedCanvas


class _OutlinedDocument(SimpleDocTemplate):  # type: ignore[misc]  # reportlab is untyped
    """Gives every title and section heading (``OUTLINE_LEVELS``) a bookmark."""

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab API)
        if isinstance(flowable, Paragraph):
            level = OUTLINE_LEVELS.get(flowable.style.name)
            if level is not None and hasattr(self.canv, "mark"):
                self.canv.mark(flowable.getPlainText(), level)


def render_pdf(meta: ReportMeta, story: Sequence[Flowable]) -> bytes:
    """Lay out ``story`` on A4 with header and footer; same input, same bytes.

    reportlab's invariant mode leaves out the creation date and derives the document id from
    the content, so the bytes depend only on ``meta`` and ``story`` (and not on the platform:
    tests/test_golden_files.py compares them with committed files on Linux and Windows).
    The document carries its title and its language (the report's, "nl" or "en") and a
    bookmark per section."""
    register_fonts()
    buffer = BytesIO()
    doc = _OutlinedDocument(
        buffer, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN + 4 * mm, bottomMargin=MARGIN, title=meta.title, author=meta.author,
        subject=meta.subject, creator=f"Vertrouwd {meta.app_version}", invariant=1,
        lang=meta.translator.language, displayDocTitle=1,
    )
    doc.build(list(story), canvasmaker=_numbered_canvas(meta))
    return buffer.getvalue()


def write_pdf(path: Path, data: bytes) -> Path:
    """Atomically, owner-only, never over an existing file (app.files.write_new)."""
    return write_new(Path(path), data)
