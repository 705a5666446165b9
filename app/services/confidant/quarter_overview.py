"""The confidant's quarter overview (the PDF): read the quarter's figures, the seven quarters
before it and the last export from the register, as a plain value that `app.export.pdf_vp`
draws without a register."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app import __version__
from app.errors import ProfileMissing
from app.export.pdf_common import write_pdf
from app.export.pdf_vp import CHART_QUARTERS, ExportStatus, VpQuarterFacts, render_vp_quarter_pdf
from app.models.periods import Quarter
from app.services.confidant import aggregation, exporting
from app.services.confidant.exporting import ExportResult
from app.services.storage.vault import Register


def collect_vp_quarter_facts(register: Register, quarter: Quarter,
                             result: ExportResult | None) -> VpQuarterFacts:
    """Read the figures from the register; without ``result``, the last export of the quarter."""
    profile = register.profile()
    if profile is None:
        raise ProfileMissing()
    series = tuple((q, aggregation.quarter_measures(register, q))
                   for q in quarter.back(CHART_QUARTERS))
    status: ExportStatus | None = None
    if result is not None:
        status = ExportStatus(result.revision, result.fingerprint, result.sealed)
    else:
        rows = [h for h in exporting.history(register) if h.quarter == str(quarter)]
        if rows:
            status = ExportStatus(rows[0].revision, exporting.short_fingerprint(rows[0].sha256),
                                  rows[0].sealed)
    return VpQuarterFacts(quarter, profile.code, profile.component,
                          register.codelist_version(quarter.start),
                          series[-1][1], series, status)


def write_vp_quarter_pdf(
    register: Register,
    quarter: Quarter,
    result: ExportResult | None,
    path: Path,
    lang: str | None = None,
    *,
    now: dt.datetime | None = None,
    app_version: str = __version__,
) -> Path:
    """Render the quarter's overview and write it atomically to ``path``."""
    facts = collect_vp_quarter_facts(register, quarter, result)
    return write_pdf(Path(path), render_vp_quarter_pdf(facts, lang=lang, now=now,
                                                       app_version=app_version))
