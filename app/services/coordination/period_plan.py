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

What counts as published: only the reports written. A report of a plan that nobody wrote
yet is *planned*, not published: the ledger lists it as "not written yet", and a refusal
never names it. Its hiding binds all the same: every later report of the period follows the
plan, and a new plan (after a revision) is protected against the earlier plans whole, so its
marks never depend on which reports of the earlier plan went out, or in what order. A refusal
names every written report that takes part in narrowing the figure (a sum or bound that
reaches it through figures a reader does not know), and no other.

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

from app.errors import AppError, DisclosureParameterError, ReportCancelled, ValidationError
from app.export import progress
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
from app.i18n import N_, _, ngettext
from app.models import codelists
from app.models.codelists import CodeLists
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
    unprinted: set[Key] = set()  # printed in none of the reports
    printed: set[Key] = set()
    for component, draft in drafts.items():
        table = draft.table()

        def name(key: Key, c: str | None = component) -> Key:
            return key if c is None else component_key(key, c)

        for key, value in table.values.items():
            known = values.setdefault(name(key), value)
            if known != value:
                raise AssertionError(f"cell {name(key)} differs between two reports")
            weights[name(key)] = max(weights.get(name(key), 0), table.weights.get(key, 1))
        unprinted.update(name(key) for key in table.unprinted)
        printed.update(name(key) for key in table.values if key not in table.unprinted)
        equations += [Equation(name(eq.total), tuple(name(p) for p in eq.parts))
                      for eq in table.equations]
        inequalities += [Inequality(tuple(name(p) for p in ie.parts),
                                    tuple(name(b) for b in ie.bound))
                         for ie in table.inequalities]
    equations += _cross_sums(drafts, values)
    return Table(values, tuple(dict.fromkeys(equations)), weights,
                 tuple(dict.fromkeys(inequalities)), frozenset(unprinted - printed))


def _coverage(measure: str, lists: CodeLists) -> frozenset[str] | None:
    """The current topics a topic row adds up (``report_data._topic_rows`` names its rows
    after them); None: no topic row."""
    kind, _, code = measure.partition(":")
    if measure == "topics":
        return frozenset(t.code for t in lists.topics)
    if kind == "topic":
        return frozenset({code})
    if kind == "topics":
        return frozenset(code.split("+"))
    if kind == "group":
        return next((frozenset(t.code for t in g.topics) for g in lists.topic_groups
                     if g.code == code), None)
    return None


def _cross_sums(drafts: Mapping[str | None, Draft], values: Mapping[Key, int]
                ) -> list[Equation]:
    """Defence figure = the sum of the components' same figure, for every cell of the
    Defence report, where the figures add up (a year's open cases do not where a component's
    last quarter differs). A component without figures in the column adds nothing. Where a
    component has the column but not the row, its share is what a reader adds up from its
    report all the same: a topic row that the Defence column shows combined (one component
    on an older code list) is the sum of the component's finer rows it covers, a topic that
    did not exist on the component's list adds nothing (its report prints "–"), and a code
    its contact modes, outcomes or referrals never counted is 0 there (its table lists every
    code it counted); so every Defence figure a reader can form from the component reports
    is tied to them, and no sum across reports is left out of the plan's model."""
    # per component: the periods it has figures of (a column, or a quarter of the comparison)
    # and, per period, its rows (measure names without the @CODE)
    # and the rows whose category did not exist on its list(s) of a column
    components: list[tuple[str, dict[str, list[str]], frozenset[tuple[str, str]]]] = []
    for c, d in drafts.items():
        if c is None:
            continue
        rows: dict[str, list[str]] = {}
        for key in d.builder.values:
            if isinstance(key, tuple):
                rows.setdefault(key[1], []).append(key[0])
        absent = frozenset({*(a for layout in d.builder.layouts for a in layout.absent),
                            *d.builder.absent})
        components.append((c, rows, absent))
    if not components:
        return []
    lists = codelists.load()
    out = []
    for key in drafts[None].builder.values:
        if not isinstance(key, tuple) or len(key) != 2 or "@" in key[0]:
            continue
        measure, period = key
        parts: list[Key] = []
        for c, rows, absent in components:
            if period not in rows:
                continue  # no figures of c in this period: it adds nothing
            part = (f"{measure}@{c}", period)
            if part in values:
                parts.append(part)
                continue
            share = [] if (measure, period) in absent else _share(measure, rows[period], lists)
            if share is None:
                break  # c shows this column without this figure: no cross sum
            parts += [(f"{m}@{c}", period) for m in share]
        else:
            if parts and sum(values[p] for p in parts) == values[key]:
                out.append(Equation(key, tuple(parts)))
    return out


def _share(measure: str, rows: Sequence[str], lists: CodeLists) -> list[str] | None:
    """A component's rows of one column that add up to the Defence row ``measure`` it does not
    show ([]: it counted none), or None where its report does not tell."""
    cover = _coverage(measure, lists)
    if cover is None:
        table = measure.partition(":")[0]
        if ":" in measure and any(r.partition(":")[0] == table for r in rows):
            return []  # a code the component's table never counted
        return None
    finer = sorted(((r, c) for r in rows if (c := _coverage(r, lists)) is not None
                    and c < cover), key=lambda rc: (-len(rc[1]), rc[0]))
    chosen: list[str] = []
    covered: frozenset[str] = frozenset()
    for row, codes in finer:  # the largest first, never two rows over the same topic
        if not codes & covered:
            chosen.append(row)
            covered |= codes
    return chosen or None  # topics not covered did not exist on its list (checked: the sum)


# --- the plans in the ledger --------------------------------------------------------------
def _latest_plan(register: Register, tables: PeriodTables) -> PeriodPlan | None:
    with register.session() as s:
        row = s.scalars(select(PublicationPlan).where(
            PublicationPlan.year == tables.year,
            PublicationPlan.quarter.is_(None) if tables.quarter is None
            else PublicationPlan.quarter == str(tables.quarter))
            .order_by(PublicationPlan.id.desc()).limit(1)).first()
        return None if row is None else publications.stored_plan(row)


def _key_text(key: Key) -> str:
    return key if isinstance(key, str) else " / ".join(key)


def _involved_names(register: Register, table: Table, shown: str,
                    prior: Sequence[Publication], before: int | None = None) -> str:
    """The written reports that narrow the hidden figure ``shown`` (its name in the refusal):
    every report holding a figure of a sum or a bound that reaches it through figures a reader
    does not know (those of the new period count as unknown). A report of a plan that was not
    written is named by none (its plan's hiding binds all the same). ``before``: only the
    reports published before that number."""
    quantities = [(key, v) for key, v in table.values.items() if _key_text(key) == shown]
    known = {(key, v) for pub in prior for key, v in pub.table.values.items()
             if pub.cells[key].status is Status.PUBLISHED}
    relations = [[(key, t.values[key]) for key in keys]
                 for t in (*(pub.table for pub in prior), table)
                 for keys in _relations(t)]
    parent: dict[tuple[Key, int], tuple[Key, int]] = {}

    def find(q: tuple[Key, int]) -> tuple[Key, int]:
        while parent.setdefault(q, q) != q:
            parent[q] = parent[parent[q]]
            q = parent[q]
        return q

    for rel in relations:
        hidden = [q for q in rel if q not in known]
        for q in hidden[1:]:
            parent[find(q)] = find(hidden[0])
    reached = {find(q) for q in quantities}
    involved = set(quantities)
    for rel in relations:
        if any(q not in known and find(q) in reached for q in rel):
            involved.update(rel)
    stmt = select(PublicationRecord.id, PublicationRecord.year, PublicationRecord.quarter,
                  PublicationRecord.component, PublicationRecord.publication)
    if before is not None:
        stmt = stmt.where(PublicationRecord.id < before)
    with register.session() as s:
        rows = s.execute(stmt.order_by(PublicationRecord.id)).all()
    names = []
    for number, year, quarter, component, stored in rows:
        try:
            held = set(Publication.from_json(json.loads(stored)).table.values.items())
        except (AppError, ValueError, TypeError, KeyError):
            held = involved  # unreadable: named rather than left out
        names.append((bool(held & involved),
                      f"{number}: {quarter or year} {component or _('Defence')}"))
    return "; ".join(name for hit, name in names if hit) or "; ".join(n for _, n in names)


def ruled_out_before(register: Register, number: int) -> str | None:
    """The sentence for publication ``number`` whose certificate excuses values of hidden
    figures that the reports published before it had already ruled out between them (not
    this report's doing: issue 19), naming the figures and the reports as a refusal does;
    None when it excuses none."""
    publication, prior, certificate, first = publications.certified(register, number)
    if certificate is None or not certificate.excused:
        return None
    figures = list(dict.fromkeys(_key_text(q[0]) for q, _ in certificate.excused))
    named: list[str] = []
    for figure in figures:
        for name in [*_involved_names(register, publication.table, figure, prior,
                                      before=first).split("; "),
                     *(f.label for f in _foreign_involved(register, publication.table, figure,
                                                          before=first))]:
            if name and name not in named:
                named.append(name)
    count = len(certificate.excused)
    return ngettext(
        "{count} value of the hidden figures {figures} was already ruled out by the reports "
        "published before this one ({published}), between them; this report does not "
        "narrow them further.",
        "{count} values of the hidden figures {figures} were already ruled out by the "
        "reports published before this one ({published}), between them; this report does "
        "not narrow them further.",
        count).format(count=count, figures="; ".join(figures), published="; ".join(named))


def _relations(table: Table) -> list[tuple[Key, ...]]:
    """The cells of each sum and each bound of ``table``."""
    return ([(eq.total, *eq.parts) for eq in table.equations]
            + [(*ie.parts, *ie.bound) for ie in table.inequalities])


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


def _foreign_involved(register: Register, table: Table, key: str, before: int | None = None
                      ) -> list[publications.Foreign]:
    """The reports of other registers a refusal names: those that hold the figure ``key``
    (as a refusal spells it), else those that share a figure with the period's tables
    (``before``: those received before publication ``before``)."""
    received = publications.foreign(register, before)
    holding = [f for f in received
               if any(_key_text(k) == key for k in f.publication.table.values)]
    if holding:
        return holding
    return [f for f in received
            if not set(f.publication.table.values).isdisjoint(table.values)]


def plan(register: Register, tables: PeriodTables, prior: Sequence[Publication],
         carried: Sequence[Certificate] = (), *,
         on_progress: progress.ProgressCallback | None = None,
         cancel: progress.Cancellable | None = None) -> PeriodPlan:
    """The plan the period's reports follow: the latest one while the figures are the same,
    else a new one protected against ``prior`` (everything published, earlier plans whole),
    reusing the witnesses of the ``carried`` certificates where they still hold.

    Making a new plan can take tens of seconds at central level: its search reports
    ``on_progress(done, total)`` and stops with ``ReportCancelled`` at the next solve once
    ``cancel.cancelled`` is true (the import's protocol). Nothing is stored here either way:
    the plan is stored with the period's first report (``publications.publish``)."""
    digest = tables.digest
    latest = _latest_plan(register, tables)
    if (latest is not None and latest.digest == digest and latest.k == tables.k
            and _still_holds(register, latest, prior)):
        return latest
    try:
        with progress.watching(on_progress, cancel):
            protected = protect(tables.table, tables.k, prior, carried)
    except DisclosureParameterError as refused:
        key = str(refused.params.get("key", ""))
        named = _involved_names(register, tables.table, key, prior)
        others = _foreign_involved(register, tables.table, key)
        if others:
            raise AppError(PINNED_BY_OTHERS, published=named or "—",
                           others="; ".join(f.label for f in others), key=key,
                           period=tables.period) from None
        raise AppError(PINNED, published=named, key=key,
                       period=tables.period) from None
    return PeriodPlan(tables.year, str(tables.quarter) if tables.quarter else None, tables.k,
                      digest, Publication.of(tables.table, protected), protected.certificate)


def planned_report(register: Register, year: int, quarter: Quarter | str | None,
                   component: str | None = None, *, k: int, today: dt.date,
                   prior: Sequence[Publication] = (),
                   carried: Sequence[Certificate] = (),
                   on_progress: progress.ProgressCallback | None = None,
                   cancel: progress.Cancellable | None = None) -> ReportData:
    """The report of the register (``component`` None) or, at central level, of one
    component, as the period's plan says; ``prior``: everything published before;
    ``carried``: certificates whose witnesses a new plan reuses where they still hold;
    ``on_progress``, ``cancel``: for a new plan's search (``plan``)."""
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
    chosen = plan(register, tables, prior, carried, on_progress=on_progress, cancel=cancel)
    draft = tables.drafts[component]
    names = tables.keys(component)
    planned = chosen.publication.cells
    cells = {own: ProtectedCell(own, planned[key].status, planned[key].value, k)
             if planned[key].status is Status.PUBLISHED
             else ProtectedCell(own, planned[key].status, None, k)
             for own, key in names.items()}
    table = draft.table()
    shown = Table({names[key]: v for key, v in table.values.items()},
                  tuple(Equation(names[eq.total], tuple(names[p] for p in eq.parts))
                        for eq in table.equations),
                  {names[key]: w for key, w in table.weights.items()},
                  tuple(Inequality(tuple(names[p] for p in ie.parts),
                                   tuple(names[b] for b in ie.bound))
                        for ie in table.inequalities),
                  frozenset(names[key] for key in table.unprinted))
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
                   component: str | None = None,
                   on_progress: progress.ProgressCallback | None = None,
                   cancel: progress.Cancellable | None = None) -> publications.Published:
    """The one way a report is published: taken from the plan of its period, which protects
    every table of the period together against every earlier publication of the register
    (``period_plan``), written, and recorded in its ledger (``publications.publish``).

    ``quarter`` None: the year report (Q1..Q4 and the year); ``component``: at central
    level, that component's report (None: Defence); ``lang`` None: the current language;
    ``k``: the minimum cell frequency (take it from ``Settings.disclosure_k``); ``today``
    None: the real date (the program's; tests pass a fixed day); ``now``: the time printed in
    the file (default: now); ``on_progress``, ``cancel``: the window's progress dialog (a new
    plan's search reports to it; Cancel stops it with ``ReportCancelled`` before anything is
    written or recorded)."""
    if fmt not in FORMATS:
        raise ValidationError(N_("Unknown report format {fmt}; use pdf or csv."), fmt=fmt)
    day = today or dt.date.today()

    def render(data: ReportData, when: dt.datetime) -> bytes:
        content = render_report_file(data, fmt, lang, now=when)
        _stop_if_cancelled(cancel)  # the last moment before the file is written
        return content

    return publications.publish(
        register,
        lambda prior: planned_report(register, year, quarter, component, k=k, today=day,
                                     prior=prior, carried=last_certificate(register),
                                     on_progress=on_progress, cancel=cancel),
        render, fmt, path, lang, now=now)


def _stop_if_cancelled(cancel: progress.Cancellable | None) -> None:
    if cancel is not None and cancel.cancelled:
        raise ReportCancelled()


ANNUAL_FORMATS: tuple[str, ...] = ("pdf", "csv", "docx")
ANNUAL_FILE_NAME = N_("confidants-annual-report-{year}-{who}")


@dataclass(frozen=True)
class AnnualWritten:
    paths: list[Path]  # the PDF (published: in the ledger), the CSV and the DOCX
    change: ClassVar[Change] = Change.of(ChangeKind.PUBLICATIONS)


def write_annual(register: Register, year: int, folder: Path, lang: str | None = None,
                 k: int = DEFAULT_K, *, now: dt.datetime | None = None,
                 today: dt.date | None = None,
                 on_progress: progress.ProgressCallback | None = None,
                 cancel: progress.Cancellable | None = None) -> AnnualWritten:
    """The confidants' section of the annual report (Defence at central level, the component's
    appendix at a coordinator) as PDF, CSV and DOCX in ``folder``, published as every report
    is: its year report is protected against every earlier publication and the PDF recorded in
    the ledger (``publications.publish``); the CSV and the DOCX print the same figures. Every
    protected figure is a cell of that year report. Nothing is written when one of the three
    files exists already. ``on_progress``, ``cancel``: as ``publish_report``'s (a cancelled
    section writes none of the three files)."""
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
        content = render_annual_pdf(section, lang=lang, now=when)
        _stop_if_cancelled(cancel)  # the last moment before the PDF is written
        return content

    written: list[Path] = []
    try:
        published = publications.publish(
            register,
            lambda prior: planned_report(register, year, None, k=k, today=day, prior=prior,
                                         carried=last_certificate(register),
                                         on_progress=on_progress, cancel=cancel),
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
