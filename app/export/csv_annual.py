"""The annual section as CSV: every figure of it, one row each, in the dialect of the report's
CSV (``csv_report``: UTF-8 with BOM, ``;`` for Dutch, stable codes, status and explanation,
formula injection neutralised). Network and completeness counts have the status
``not_protected``; a ranked topic's row says its place ("1. Intimidatie")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.export.annual_model import AnnualSection, grids, section_title
from app.export.csv_report import column_heads, did_not_exist_comment, sheet
from app.export.report_model import DID_NOT_EXIST_STATUS
from app.files import write_new
from app.i18n import translator


def render_annual_csv(section: AnnualSection, *, lang: str | None = None,
                      now: dt.datetime | None = None) -> bytes:
    t = translator(lang)
    buffer, row = sheet(section_title(section, t), section.report.k, t,
                        now or dt.datetime.now())
    every = grids(section, t)
    if any(f is not None and f.status == DID_NOT_EXIST_STATUS
           for grid in every for r in grid.rows for f in r.figures):
        row(did_not_exist_comment(t))
    row(*column_heads(t))
    for grid in every:
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
