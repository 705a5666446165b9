"""A period published as one: every table a register could publish for a quarter or a year,
protected together in one model (issue 19, Build 3).

At central level the tables of a period are the Defence report and the report of each
component the register holds figures of; a reader holding several of them also knows that
every Defence figure is the sum of the components' (where the figures are the same count:
*cross sums*). Protecting them one at a time let earlier component reports pin figures that
no hiding in the last report could protect. So the first report of a period makes the
period's **plan**: one protection of all its tables, their sums, the cross sums, against
everything the register published before; the ledger records it (with its certificate) and
every report of the period shows what the plan says. A later report of the period with the
same figures follows the plan (same marks); when the figures changed (a revision arrived) a new
plan is made, protected against everything published before *including* the earlier plan as a
whole, or the report is refused with a sentence that names what to publish together.

A component's report at central level uses the component's own keys with ``@CODE`` after the
measure (``("topic:pesten@CLAS", "2026")``), so it is told apart from the Defence figure and
meets the Defence report's component rows (``("cases_new@CLAS", "2026-Q2")``) as the same cell.
A component coordinator's register has one table per period, its own report: its plan is that.

Every report is published here (``publish_report``, ``write_annual``):
taken from its period's plan, written, and recorded in the ledger (``publications``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from sqlalchemy import select

from app.errors import AppError, DisclosureParameterError, ValidationError
from app.export.certificate import build_model
from app.export.disclosure import (
    DEFAULT_K,
    Certificate,
    Equation,
    Inequality,
    Key,
    ProtectedCell,
    Publication,
    Status,
    Table,
    check_k,
    key_to_json,
    protect,
    verify_certificate,
)
from app.export.report_model import PeriodPlan, ReportData
from app.files import write_new
from app.i18n import N_, _
from app.models.entities import PublicationPlan, PublicationRecord
from app.models.periods import Quarter, quarters_of_year
from app.services.changes import Change, ChangeKind
from app.services.coordination import merging, publications
from app.services.coordination import roster as roster_service
from app.services.coordination.publications import component_key
from app.services.coordination.report_data import (
    FORMATS,
    YEARS_BACK,
    Draft,
    Format,
    draft_report,
    last_certificate,
    render_report_file,
)
from app.services.storage.vault import Register

PINNED = N_("What this register published before ({published}) already narrows the hidden "
            "figure {key} down, so no report of {period} can keep it hidden: the Defence report "
            "and the component reports of a period must be published from one plan, which this "
            "program makes with the first report of the period.")
PINNED_BY_OTHERS = N_(
    "The reports published before — by this register ({published}) and by component "
    "coordinators ({others}) — already narrow the hidden figure {key} down between them, so no "
    "report of {period} can keep it hidden: a component's report and this register's reports, "
    "with their sums over the components, give away what the other hid. The component reports "
    "and the Defence report of a period must be planned together before any of them is "
    "published.")
NO_COMPONENT = N_("The register holds no figures of component {component} for {period}; "
                  "the components with figures are: {components}.")
NOT_CENTRAL = N_("Only the central register publishes the report of a single component; this "
                 "register publishes the report of {component}.")


@dataclass(frozen=True)
class PeriodTables:
    """Every table of a period, not yet protected, and the one model of them all."""

    year: int
    quarter: Quarter | None
    k: int
    drafts: Mapping[str | None, Draft]  # None: the register's own report (Defence, or its
    # component's at a coordinator); a code: that component's report (central level)
    table: Table  # every cell (component reports' keys with @CODE), every sum, cross sums

    @property
    def period(self) -> str:
        return str(self.quarter) if self.quarter else str(self.year)

    def keys(self, component: str | None) -> dict[Key, Key]:
        """The report's own keys -> the plan's."""
        own = self.drafts[component].builder.values
        if component is None:
            return {key: key for key in own}
        return {key: component_key(key, component) for key in own}

    @property
    def digest(self) -> str:
        data = {"k": self.k,
                "cells": [[key_to_json(key), v] for key, v in self.table.values.items()],
                "equations": [[key_to_json(eq.total), [key_to_json(p) for p in eq.parts]]
                              for eq in self.table.equations]}
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True,
                               separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def period_tables(register: Register, year: int, quarter: Quarter | None, *, k: int,
                  today: dt.date) -> PeriodTables:
    """The tables the register could publish for the period: its own report and, at central
    level, each component's with figures in the period."""
    check_k(k)
    profile = roster_service.coordination_profile(register)
    central = roster_service.is_central(profile)
    figures = merging.year_table(register, year)
    earlier = [merging.year_table(register, y) for y in range(year - YEARS_BACK, year)]
    own = draft_report(figures, earlier, level="defence" if central else "component",
                       component=None if central else profile.component, quarter=quarter,
                       k=k, today=today)
    drafts: dict[str | None, Draft] = {None: own}
    if central:
        for c in own.components:
            try:
                drafts[c] = draft_report(
                    merging.only_component(figures, c),
                    [merging.only_component(t, c) for t in earlier], level="component",
                    component=c, quarter=quarter, k=k, today=today)
            except ValidationError:  # no figures of it in this period: no report of it
                continue
    return PeriodTables(year, quarter, k, drafts, _one_model(drafts))


def _one_model(drafts: Mapping[str | None, Draft]) -> Table:
    values: dict[Key, int] = {}
    weights: dict[Key, int] = {}
    equations: list[Equation] = []
    inequalities: list[Inequality] = []
    for component, draft in drafts.items():
        table = draft.table()

        def name(key: Key, c: str | None = component) -> Key:
            return key if c is None else component_key(key, c)

        for key, value in table.values.items():
            known = values.setdefault(name(key), value)
            if known != value:
                raise AssertionError(f"cell {name(key)} differs between two reports")
            weights[name(key)] = max(weights.get(name(key), 0), table.weights.get(key, 1))
        equations += [Equation(name(eq.total), tuple(name(p) for p in eq.parts))
                      for eq in table.equations]
        inequalities += [Inequality(tuple(name(p) for p in ie.parts),
                                    tuple(name(b) for b in ie.bound))
                         for ie in table.inequalities]
    equations += _cross_sums(drafts, values)
    return Table(values, tuple(dict.fromkeys(equations)), weights,
                 tuple(dict.fromkeys(inequalities)))


def _cross_sums(drafts: Mapping[str | None, Draft], values: Mapping[Key, int]
                ) -> list[Equation]:
    """Defence figure = the sum of the components' same figure, for every cell of the
    Defence report that every component with figures in its column has too, where the
    figures add up (a year's open cases do not where a component's last quarter differs)."""
    # per component: the periods it has figures of (a column, or a quarter of the comparison)
    components = [(c, {key[1] for key in d.builder.values if isinstance(key, tuple)})
                  for c, d in drafts.items() if c is not None]
    if not components:
        return []
    out = []
    for key in drafts[None].builder.values:
        if not isinstance(key, tuple) or len(key) != 2 or "@" in key[0]:
            continue
        measure, period = key
        parts: list[Key] = []
        for c, periods in components:
            if period not in periods:
                continue  # no figures of c in this period: it adds nothing
            part = (f"{measure}@{c}", period)
            if part not in values:
                break  # c shows this column without this figure: no cross sum
            parts.append(part)
        else:
            if parts and sum(values[p] for p in parts) == values[key]:
                out.append(Equation(key, tuple(parts)))
    return out


# --- the plans in the ledger --------------------------------------------------------------
def _latest_plan(register: Register, tables: PeriodTables) -> PeriodPlan | None:
    with register.session() as s:
        row = s.scalars(select(PublicationPlan).where(
            PublicationPlan.year == tables.year,
            PublicationPlan.quarter.is_(None) if tables.quarter is None
            else PublicationPlan.quarter == str(tables.quarter))
            .order_by(PublicationPlan.id.desc()).limit(1)).first()
        return None if row is None else publications.stored_plan(row)


def _published_names(register: Register) -> str:
    with register.session() as s:
        rows = s.execute(select(PublicationRecord.id, PublicationRecord.year,
                                PublicationRecord.quarter, PublicationRecord.component)
                         .order_by(PublicationRecord.id)).all()
    return "; ".join(
        f"{number}: {quarter or year} {component or _('Defence')}"
        for number, year, quarter, component in rows)


def _still_holds(register: Register, latest: PeriodPlan, prior: Sequence[Publication]) -> bool:
    """A plan is followed while no report of another register arrived after it was made, or
    while its certificate still holds with what arrived; else a new plan is made, protected
    against the old one (published whole) and the reports that arrived."""
    if latest.id is None or not publications.received_after_plan(register, latest.id):
        return True
    own = latest.publication.to_json()
    others = [p for p in prior if p.to_json() != own]
    if latest.certificate is None:
        return not build_model([*others, latest.publication]).small
    return verify_certificate(latest.publication, others, latest.certificate) == []


def _foreign_involved(register: Register, tables: PeriodTables, key: str
                      ) -> list[publications.Foreign]:
    """The reports of other registers a refusal names: those that hold the figure ``key``
    (as a refusal spells it), else those that share a figure with the period's tables."""
    def text(k: Key) -> str:
        return k if isinstance(k, str) else " / ".join(k)

    received = publications.foreign(register)
    holding = [f for f in received if any(text(k) == key for k in f.publication.table.values)]
    if holding:
        return holding
    return [f for f in received
            if not set(f.publication.table.values).isdisjoint(tables.table.values)]


def plan(register: Register, tables: PeriodTables, prior: Sequence[Publication],
         carried: Sequence[Certificate] = ()) -> PeriodPlan:
    """The plan the period's reports follow: the latest one while the figures are the same,
    else a new one protected against ``prior`` (everything published, earlier plans whole),
    reusing the witnesses of the ``carried`` certificates where they still hold."""
    digest = tables.digest
    latest = _latest_plan(register, tables)
    if (latest is not None and latest.digest == digest and latest.k == tables.k
            and _still_holds(register, latest, prior)):
        return latest
    try:
        protected = protect(tables.table, tables.k, prior, carried)
    except DisclosureParameterError as refused:
        key = refused.params.get("key", "")
        others = _foreign_involved(register, tables, str(key))
        if others:
            raise AppError(PINNED_BY_OTHERS, published=_published_names(register) or "—",
                           others="; ".join(f.label for f in others), key=key,
                           period=tables.period) from None
        raise AppError(PINNED, published=_published_names(register), key=key,
                       period=tables.period) from None
    return PeriodPlan(tables.year, str(tables.quarter) if tables.quarter else None, tables.k,
                      digest, Publication.of(tables.table, protected), protected.certificate)


def planned_report(register: Register, year: int, quarter: Quarter | str | None,
                   component: str | None = None, *, k: int, today: dt.date,
                   prior: Sequence[Publication] = (),
                   carried: Sequence[Certificate] = ()) -> ReportData:
    """The report of the register (``component`` None) or, at central level, of one
    component, as the period's plan says; ``prior``: everything published before;
    ``carried``: certificates whose witnesses a new plan reuses where they still hold."""
    q = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    tables = period_tables(register, year, q, k=k, today=today)
    if component is not None:
        profile = roster_service.coordination_profile(register)
        if not roster_service.is_central(profile):
            if component.casefold() != profile.component.casefold():
                raise ValidationError(NOT_CENTRAL, component=profile.component)
            component = None
        else:
            found = {c.casefold(): c for c in tables.drafts if c is not None}
            if component.casefold() not in found:
                raise ValidationError(NO_COMPONENT, component=component, period=tables.period,
                                      components=", ".join(sorted(found.values())) or "—")
            component = found[component.casefold()]
    chosen = plan(register, tables, prior, carried)
    draft = tables.drafts[component]
    names = tables.keys(component)
    planned = chosen.publication.cells
    cells = {own: ProtectedCell(own, planned[key].status, planned[key].value, k)
             if planned[key].status is Status.PUBLISHED
             else ProtectedCell(own, Status.HIDDEN, None, k) for own, key in names.items()}
    table = draft.table()
    shown = Table({names[key]: v for key, v in table.values.items()},
                  tuple(Equation(names[eq.total], tuple(names[p] for p in eq.parts))
                        for eq in table.equations),
                  {names[key]: w for key, w in table.weights.items()},
                  tuple(Inequality(tuple(names[p] for p in ie.parts),
                                   tuple(names[b] for b in ie.bound))
                        for ie in table.inequalities))
    publication = Publication(shown, {key: planned[key] for key in shown.values}, k)
    data = draft.finish(cells, publication, chosen.certificate)
    # Who reported, per quarter of the report (a year: each quarter that has ended): on the
    # title page and in the CSV's comment rows, beside the notes.
    reported = [q] if q is not None else [p for p in quarters_of_year(year) if p.end < today]
    return replace(data, notes=(*data.notes, *merging.response_lines(register, reported)),
                   plan=chosen)


# --- publishing: every report goes out from the plan of its period ------------------------
def publish_report(register: Register, year: int, quarter: Quarter | str | None,
                   fmt: Format | str, path: Path, lang: str | None = None, k: int = DEFAULT_K,
                   *, now: dt.datetime | None = None, today: dt.date | None = None,
                   component: str | None = None) -> publications.Published:
    """The one way a report is published: taken from the plan of its period, which protects
    every table of the period together against every earlier publication of the register
    (``period_plan``), written, and recorded in its ledger (``publications.publish``).

    ``quarter`` None: the year report (Q1..Q4 and the year); ``component``: at central
    level, that component's report (None: Defence); ``lang`` None: the current language;
    ``k``: the minimum cell frequency (take it from ``Settings.disclosure_k``); ``today``
    None: the real date (the program's; tests pass a fixed day); ``now``: the time printed in
    the file (default: now)."""
    if fmt not in FORMATS:
        raise ValidationError(N_("Unknown report format {fmt}; use pdf or csv."), fmt=fmt)
    day = today or dt.date.today()
    return publications.publish(
        register,
        lambda prior: planned_report(register, year, quarter, component, k=k, today=day,
                                     prior=prior, carried=last_certificate(register)),
        lambda data, when: render_report_file(data, fmt, lang, now=when),
        fmt, path, lang, now=now)


ANNUAL_FORMATS: tuple[str, ...] = ("pdf", "csv", "docx")
ANNUAL_FILE_NAME = N_("confidants-annual-report-{year}-{who}")


@dataclass(frozen=True)
class AnnualWritten:
    paths: list[Path]  # the PDF (published: in the ledger), the CSV and the DOCX
    change: ClassVar[Change] = Change.of(ChangeKind.PUBLICATIONS)


def write_annual(register: Register, year: int, folder: Path, lang: str | None = None,
                 k: int = DEFAULT_K, *, now: dt.datetime | None = None,
                 today: dt.date | None = None) -> AnnualWritten:
    """The confidants' section of the annual report (Defence at central level, the component's
    appendix at a coordinator) as PDF, CSV and DOCX in ``folder``, published as every report
    is: its year report is protected against every earlier publication and the PDF recorded in
    the ledger (``publications.publish``); the CSV and the DOCX print the same figures. Every
    protected figure is a cell of that year report. Nothing is written when one of the three
    files exists already."""
    import contextlib

    from app.export.csv_annual import render_annual_csv
    from app.export.docx_annual import render_annual_docx
    from app.export.pdf_annual import render_annual_pdf
    from app.files import ensure_folder, refuse_existing, remove_quietly
    from app.i18n import translator
    from app.services.coordination.annual import build_section

    day = today or dt.date.today()
    profile = roster_service.coordination_profile(register)
    who = None if roster_service.is_central(profile) else profile.component
    name = translator(lang)._(ANNUAL_FILE_NAME).format(year=year, who=who or "DEFENSIE")
    pdf, csv_path, docx_path = (Path(folder) / f"{name}.{fmt}" for fmt in ANNUAL_FORMATS)
    for path in (pdf, csv_path, docx_path):
        refuse_existing(path)
    new_folder = not Path(folder).exists()
    ensure_folder(Path(folder))
    made: dict[str, bytes] = {}

    def render(data: ReportData, when: dt.datetime) -> bytes:
        section = build_section(register, data, today=day)
        made["csv"] = render_annual_csv(section, lang=lang, now=when)
        made["docx"] = render_annual_docx(section, lang=lang, now=when)
        return render_annual_pdf(section, lang=lang, now=when)

    written: list[Path] = []
    try:
        published = publications.publish(
            register,
            lambda prior: planned_report(register, year, None, k=k, today=day, prior=prior,
                                         carried=last_certificate(register)),
            render, "pdf", pdf, lang, now=now)
        written.append(published.path)
        for path, fmt in ((csv_path, "csv"), (docx_path, "docx")):
            written.append(write_new(path, made[fmt]))
    except BaseException:
        for path in written[1:]:  # the PDF is published (in the ledger); the others go
            remove_quietly(path)
        if new_folder and not written:
            with contextlib.suppress(OSError):
                Path(folder).rmdir()  # made here for nothing
        raise
    return AnnualWritten(written)
