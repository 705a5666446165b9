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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select

from app.errors import AppError, DisclosureParameterError, ValidationError
from app.export.disclosure import (
    Equation,
    Key,
    ProtectedCell,
    Publication,
    Status,
    Table,
    check_k,
    key_to_json,
    protect,
)
from app.export.report_model import PeriodPlan, ReportData
from app.i18n import N_, _
from app.models.entities import PublicationPlan, PublicationRecord
from app.models.periods import Quarter
from app.services.coordination import merging, publications
from app.services.coordination import roster as roster_service
from app.services.coordination.report_data import YEARS_BACK, Draft, draft_report
from app.services.storage.vault import Register

PINNED = N_("What this register published before ({published}) already narrows the hidden "
            "figure {key} down, so no report of {period} can keep it hidden: the Defence report "
            "and the component reports of a period must be published from one plan, which this "
            "program makes with the first report of the period.")
NO_COMPONENT = N_("The register holds no figures of component {component} for {period}; "
                  "the components with figures are: {components}.")
NOT_CENTRAL = N_("Only the central register publishes the report of a single component; this "
                 "register publishes the report of {component}.")


def component_key(key: Key, component: str) -> Key:
    """A component report's cell at central level: ``@CODE`` after the measure."""
    if isinstance(key, tuple):
        return (f"{key[0]}@{component}", *key[1:])
    return f"{key}@{component}"


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
    equations += _cross_sums(drafts, values)
    return Table(values, tuple(dict.fromkeys(equations)), weights)


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


def plan(register: Register, tables: PeriodTables, prior: Sequence[Publication]
         ) -> PeriodPlan:
    """The plan the period's reports follow: the latest one while the figures are the same,
    else a new one protected against ``prior`` (everything published, earlier plans whole)."""
    digest = tables.digest
    latest = _latest_plan(register, tables)
    if latest is not None and latest.digest == digest and latest.k == tables.k:
        return latest
    try:
        protected = protect(tables.table, tables.k, prior)
    except DisclosureParameterError as refused:
        key = refused.params.get("key", "")
        raise AppError(PINNED, published=_published_names(register), key=key,
                       period=tables.period) from None
    return PeriodPlan(tables.year, str(tables.quarter) if tables.quarter else None, tables.k,
                      digest, Publication.of(tables.table, protected), protected.certificate)


def planned_report(register: Register, year: int, quarter: Quarter | str | None,
                   component: str | None = None, *, k: int, today: dt.date,
                   prior: Sequence[Publication] = ()) -> ReportData:
    """The report of the register (``component`` None) or, at central level, of one
    component, as the period's plan says; ``prior``: everything published before."""
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
    chosen = plan(register, tables, prior)
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
                  {names[key]: w for key, w in table.weights.items()})
    publication = Publication(shown, {key: planned[key] for key in shown.values}, k)
    return replace(draft.finish(cells, publication, chosen.certificate), plan=chosen)
