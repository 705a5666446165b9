"""The published report as CSV for spreadsheets: one row per cell, with its status.

Dialect (chosen for the spreadsheet the reader most likely has):
- UTF-8 with a byte-order mark, so Excel recognises the encoding (accents, "×");
- separator ``;`` for Dutch (Dutch Excel uses the comma as decimal sign and expects ``;``),
  ``,`` for English; fields quoted by the csv module when needed; CRLF line ends;
- numbers as displayed in the report language ("1.234" / "1,234"; hours "839,5"), suppressed
  cells by their mark, and a status column with a stable code (published / primary /
  secondary) plus its explanation in the report language; a position without a figure is a row
  with "—", status ``no_figure`` and the reason; a category that did not exist in that period's
  topic list is a row with "–", status ``did_not_exist`` (a comment row explains it);
- beside every label its stable code: the table id, the row code (a cell's measure, e.g.
  ``topic:pesten``, ``group:overig``, ``modes:telefoon``, ``cases_new@CLAS``) and the column
  code (the period: ``2026-Q3``, ``2026``), so a spreadsheet never has to match on labels;
- the first rows are comments (starting with ``#``): title, the rule and its parameters, and
  the notes about the report (code-list versions).

Formula injection: any field whose FIRST character is ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading ``'`` so a spreadsheet shows it as text ("2026-Q3" is left alone:
only the first character counts).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Final

from app.export.disclosure import rule_text, status_label
from app.export.report_model import (
    DATETIME_PATTERN,
    DID_NOT_EXIST,
    DID_NOT_EXIST_MEANING,
    DID_NOT_EXIST_STATUS,
    NO_FIGURE,
    NO_FIGURE_MEANING,
    ReportData,
    cell_text,
    report_title,
)
from app.files import write_new
from app.i18n import N_, Translator, translator

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
NO_FIGURE_STATUS: Final = "no_figure"
DID_NOT_EXIST_COMMENT = N_(
    "{mark} (status {status}): the category did not exist in the topic list of that period; "
    "it is no count (not 0) and no total includes it."
)


def neutralise(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def delimiter_for(lang: str) -> str:
    return ";" if lang == "nl" else ","


Row = Callable[..., None]


def sheet(title: str, k: int, t: Translator, when: dt.datetime) -> tuple[io.StringIO, Row]:
    """A published CSV in memory, begun with the comment rows every one starts with (title,
    when, the rule); returns the buffer and ``row``, which writes one row of neutralised
    fields.

    The same bytes on every platform by construction: rows end in CRLF because the writer
    says so, the text is built in memory (newline="": no translation, whatever os.linesep
    is) and encoded by the caller; the file is written as bytes, never in text mode."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter_for(t.language), lineterminator="\r\n")

    def row(*fields: str) -> None:
        writer.writerow([neutralise(f) for f in fields])

    row("# " + title)
    row("# " + t._("Generated on {when}").format(when=t.format_datetime(when, DATETIME_PATTERN)))
    row("# " + rule_text(k, t))
    return buffer, row


def column_heads(t: Translator) -> tuple[str, ...]:
    return (t._("table"), t._("table_code"), t._("row"), t._("row_code"), t._("column"),
            t._("column_code"), t._("value"), t._("status"), t._("explanation"))


def did_not_exist_comment(t: Translator) -> str:
    """The comment row that explains the marker of a category that did not exist."""
    return "# " + t._(DID_NOT_EXIST_COMMENT).format(mark=DID_NOT_EXIST,
                                                    status=DID_NOT_EXIST_STATUS)


def render_report_csv(data: ReportData, *, lang: str | None = None,
                      now: dt.datetime | None = None) -> bytes:
    """The report as CSV bytes in ``lang`` (None: the current language)."""
    t = translator(lang)
    buffer, row = sheet(report_title(data, t), data.k, t, now or dt.datetime.now())
    for note in data.notes:
        row("# " + note.text(t))
    if any(table.absent for table in data.tables):
        row(did_not_exist_comment(t))
    row(*column_heads(t))
    for table in data.tables:
        title = table.title.text(t)
        if table.unit == "hours":
            title = t._("{title} (hours)").format(title=title)
        for r in table.rows:
            label = r.label.text(t)
            for c in table.columns:
                row_code, column_code = table.codes(r, c)
                where = (title, table.id, label, row_code, c.label.text(t), column_code)
                cell = table.cell(r.key, c.key)
                if cell is not None:
                    row(*where, cell_text(table, cell, t), cell.status.value,
                        status_label(cell.status, cell.k, t))
                elif (r.key, c.key) in table.absent:
                    row(*where, DID_NOT_EXIST, DID_NOT_EXIST_STATUS, t._(
                        DID_NOT_EXIST_MEANING).format(reasons=table.gaps[(r.key, c.key)].text(t)))
                elif (r.key, c.key) in table.gaps:
                    row(*where, NO_FIGURE, NO_FIGURE_STATUS, t._(NO_FIGURE_MEANING).format(
                        reasons=table.gaps[(r.key, c.key)].text(t)))
    return buffer.getvalue().encode("utf-8-sig")


def write_report_csv(data: ReportData, path: Path, *, lang: str | None = None,
                     now: dt.datetime | None = None) -> Path:
    # Atomically, owner-only, never over an existing file (app.files.write_new).
    return write_new(Path(path), render_report_csv(data, lang=lang, now=now))
