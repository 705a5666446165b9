"""The annual section as CSV: every figure of it, one row each, in the dialect of the report's
CSV (``csv_report``: UTF-8 with BOM, ``;`` for Dutch, stable codes, status and explanation,
formula injection neutralised). Network and completeness counts have the status
``not_protected``; a ranked topic's row says its place ("1. Intimidatie")."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from app.export.annual_model import AnnualSection, grids, section_title
from app.export.csv_report import delimiter_for, neutralise
from app.export.disclosure import rule_text
from app.export.report_model import DATETIME_PATTERN
from app.files import write_new
from app.i18n import translator


def render_annual_csv(section: AnnualSection, *, lang: str | None = None,
                      now: dt.datetime | None = None) -> bytes:
    when = now or dt.datetime.now()
    t = translator(lang)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter_for(t.language), lineterminator="\r\n")

    def row(*fields: str) -> None:
        writer.writerow([neutralise(f) for f in fields])

    row("# " + section_title(section, t))
    row("# " + t._("Generated on {when}").format(when=t.format_datetime(when, DATETIME_PATTERN)))
    row("# " + rule_text(section.report.k, t))
    row(t._("table"), t._("table_code"), t._("row"), t._("row_code"), t._("column"),
        t._("column_code"), t._("value"), t._("status"), t._("explanation"))
    for grid in grids(section, t):
        for r in grid.rows:
            for header, figure in zip(grid.header[1:], r.figures, strict=True):
                if figure is None:
                    continue
                row(grid.title, grid.id, r.label, figure.row_code, header, figure.column_code,
                    figure.text, figure.status, figure.explanation)
    return buffer.getvalue().encode("utf-8-sig")


def write_annual_csv(section: AnnualSection, path: Path, *, lang: str | None = None,
                     now: dt.datetime | None = None) -> Path:
    return write_new(Path(path), render_annual_csv(section, lang=lang, now=now))
