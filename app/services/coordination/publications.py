"""The publication ledger: every report this register published, in the register itself.

Every report goes out through ``publish``: it reads what the register published before
(``earlier``), has the report built against it (so a figure hidden once stays hidden, and two
year reports in a row cannot undo each other's hiding), writes the file (atomically,
owner-only, never over another file) and records in the same step what the report showed
(the disclosure engine's Publication), the certificate that proves it, its scope and the
file's bytes. A file that was written but could not be recorded is removed again: nothing
leaves the register unrecorded.

A report is published from the *plan* of its period (``period_plan``): every table the
register could publish for that quarter or year, protected together; the plan is recorded with
the period's first report, holds the certificate, and is protected against as a whole (what a
reader may hold: the reports from before plans, and every plan); published are only the
reports written from it (``period_plan``).

``reissue`` writes a recorded report again, byte for byte; ``verify`` checks a recorded
publication without a solver (the file, the sums of what it showed, that it shows what its
plan says, and the certificate). Rows are never changed or deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import __version__
from app.errors import AppError, ValidationError
from app.export.certificate import build_model
from app.export.disclosure import (
    Certificate,
    Equation,
    Inequality,
    Key,
    Publication,
    Status,
    Table,
    verify_certificate,
)
from app.export.report_model import PeriodPlan, ReportData
from app.files import write_new
from app.i18n import N_, _, current_language
from app.models.entities import ForeignPublication as ForeignRow
from app.models.entities import PublicationPlan as PlanRow
from app.models.entities import PublicationRecord as PublicationRow
from app.services.changes import Change, ChangeKind
from app.services.storage.vault import Register

UNKNOWN_PUBLICATION = N_("The register holds no publication number {id}. The list of "
                         "publications shows their numbers: vertrouwd publications")
DAMAGED_ENTRY = N_("Publication {id} in the register is damaged: {reason}")
NO_CERTIFICATE = N_("Publication {id} hides small counts but carries no certificate that "
                    "they could be any value from 0 to k−1.")
FILE_CHANGED = N_("The stored file of publication {id} is not the file that was written.")
NOT_AS_PLANNED = N_("Publication {id} does not show what plan {plan} of its period says.")
DAMAGED_PLAN = N_("Plan {id} in the register is damaged: {reason}")
HOLDS = N_("Publication {id} holds: its file is as written, its figures add up, and every "
           "hidden small count could be any value from 0 to k−1 for a reader of everything "
           "published up to it.")
DOES_NOT_HOLD = N_("Publication {id} does not hold: see above.")


@dataclass(frozen=True)
class Entry:
    """One row of the ledger, as the list shows it."""

    id: int
    published_at: dt.datetime  # UTC
    year: int
    quarter: str | None
    level: str
    component: str | None
    format: str
    lang: str
    k: int
    hidden: int
    cells: int
    file_name: str
    app_version: str
    plan: int | None = None  # the plan of the period it was published from

    @property
    def period(self) -> str:
        return self.quarter or str(self.year)


def _entry(row: PublicationRow) -> Entry:
    return Entry(row.id, row.published_at, row.year, row.quarter, row.level, row.component,
                 row.format, row.lang, row.k, row.hidden, row.cells, row.file_name,
                 row.app_version, row.plan_id)


def entries(register: Register) -> list[Entry]:
    """Every publication, oldest first."""
    with register.session() as s:
        return [_entry(r) for r in s.scalars(select(PublicationRow).order_by(PublicationRow.id))]


def _canonical(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _load(row: PublicationRow) -> Publication:
    try:
        return Publication.from_json(json.loads(row.publication))
    except AppError as exc:  # e.g. its figures no longer add up as its tables say
        raise AppError(DAMAGED_ENTRY, id=row.id, reason=exc.message) from None
    except (ValueError, TypeError, KeyError) as exc:
        raise AppError(DAMAGED_ENTRY, id=row.id, reason=type(exc).__name__) from None


def stored_plan(row: PlanRow) -> PeriodPlan:
    try:
        return PeriodPlan(
            row.year, row.quarter, row.k, row.figures_sha256,
            Publication.from_json(json.loads(row.publication)),
            None if row.certificate is None
            else Certificate.from_json(json.loads(row.certificate)), row.id)
    except AppError as exc:
        raise AppError(DAMAGED_PLAN, id=row.id, reason=exc.message) from None
    except (ValueError, TypeError, KeyError) as exc:
        raise AppError(DAMAGED_PLAN, id=row.id, reason=type(exc).__name__) from None


def earlier(register: Register, before: int | None = None) -> list[Publication]:
    """What the register published (before publication ``before``), oldest first: what any
    reader may hold when the next report comes out. A plan counts whole: the reports from
    before plans, then every plan of a report before ``before``; then what other registers
    published that this one had received by then (``Foreign``), in this register's cell
    names."""
    stmt = select(PublicationRow).order_by(PublicationRow.id)
    if before is not None:
        stmt = stmt.where(PublicationRow.id < before)
    with register.session() as s:
        rows = list(s.scalars(stmt))
        plan_ids = sorted({r.plan_id for r in rows if r.plan_id is not None})
        plans = [] if not plan_ids else list(
            s.scalars(select(PlanRow).where(PlanRow.id.in_(plan_ids)).order_by(PlanRow.id)))
        own = ([_load(row) for row in rows if row.plan_id is None]
               + [stored_plan(p).publication for p in plans])
        return own + [f.publication for f in _foreign(s, before)]


# --- what other registers published (issue 19): carried in forwarded quarterly files -------
FOREIGN_DAMAGED = N_("A report of {origin} received with a quarterly file is damaged: {reason}")


@dataclass(frozen=True)
class Foreign:
    """A report another register (a component coordinator) published, as this register
    received it with a forwarded quarterly file."""

    id: int
    received_at: dt.datetime  # UTC
    origin: str  # the publishing register's code
    component: str
    ref: str  # its number in that register's ledger ("plan-2", "report-3")
    published_at: dt.datetime  # UTC
    year: int
    quarter: str | None
    k: int
    hidden: int
    cells: int
    publication: Publication  # in this register's cell names (``@CODE`` after the measure)

    @property
    def period(self) -> str:
        return self.quarter or str(self.year)

    @property
    def label(self) -> str:
        """How a sentence names it: the period, the component, the origin and its number."""
        return _("{period} {component} ({origin}, {ref})").format(
            period=self.period, component=self.component, origin=self.origin, ref=self.ref)


def component_key(key: Key, component: str) -> Key:
    """A component report's cell at central level: ``@CODE`` after the measure."""
    if isinstance(key, tuple):
        return (f"{key[0]}@{component}", *key[1:])
    return f"{key}@{component}"


def renamed(publication: Publication, component: str) -> Publication:
    """A component's publication in the cell names of the central register's plans."""
    def name(key: Key) -> Key:
        return component_key(key, component)

    table = publication.table
    return Publication(
        Table({name(key): v for key, v in table.values.items()},
              tuple(Equation(name(eq.total), tuple(name(p) for p in eq.parts))
                    for eq in table.equations),
              {name(key): w for key, w in table.weights.items()},
              tuple(Inequality(tuple(name(p) for p in ie.parts), tuple(name(b) for b in ie.bound))
                    for ie in table.inequalities)),
        {name(key): replace(cell, key=name(key)) for key, cell in publication.cells.items()},
        publication.k)


def _foreign_entry(row: ForeignRow) -> Foreign:
    origin = f"{row.origin_code} {row.origin_ref}"
    try:
        publication = Publication.from_json(json.loads(row.publication))
    except AppError as exc:
        raise AppError(FOREIGN_DAMAGED, origin=origin, reason=exc.message) from None
    except (ValueError, TypeError, KeyError) as exc:
        raise AppError(FOREIGN_DAMAGED, origin=origin, reason=type(exc).__name__) from None
    return Foreign(row.id, row.received_at, row.origin_code, row.component, row.origin_ref,
                   row.published_at, row.year, row.quarter, row.k, row.hidden, row.cells,
                   renamed(publication, row.component))


def _foreign(s: Session, before: int | None = None) -> list[Foreign]:
    stmt = select(ForeignRow).order_by(ForeignRow.id)
    if before is not None:  # what the register had received when it published ``before``
        stmt = stmt.where(ForeignRow.ledger_position < before)
    return [_foreign_entry(row) for row in s.scalars(stmt)]


def foreign(register: Register, before: int | None = None) -> list[Foreign]:
    """Every report of another register this register received (before it published
    ``before``), oldest first."""
    with register.session() as s:
        return _foreign(s, before)


def received_after_plan(register: Register, plan_id: int) -> bool:
    """Whether a report of another register arrived after plan ``plan_id`` was made (with
    the first report published from it)."""
    with register.session() as s:
        first = s.scalar(select(func.min(PublicationRow.id))
                         .where(PublicationRow.plan_id == plan_id))
        if first is None:
            return True
        return s.scalar(select(func.count(ForeignRow.id))
                        .where(ForeignRow.ledger_position >= first)) != 0


def _utc_text(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def carried(register: Register, since_year: int) -> list[dict[str, object]]:
    """What this register published (as ``earlier`` counts it: reports from before plans, and
    plans whole) about ``since_year`` or later, for a forwarded quarterly file: per
    publication its number here, when, its period, the digest of the figures it was made
    from, and what it showed (cells, values, marks, sums, k). Already published aggregates,
    nothing more."""
    out: list[dict[str, object]] = []
    with register.session() as s:
        rows = list(s.scalars(select(PublicationRow).where(PublicationRow.year >= since_year)
                              .order_by(PublicationRow.id)))
        plan_ids = sorted({r.plan_id for r in rows if r.plan_id is not None})
        plan_rows = [] if not plan_ids else list(
            s.scalars(select(PlanRow).where(PlanRow.id.in_(plan_ids)).order_by(PlanRow.id)))
    for row in rows:
        if row.plan_id is None:
            out.append({"ref": f"report-{row.id}", "published_at": _utc_text(row.published_at),
                        "year": row.year, "quarter": row.quarter,
                        "digest": _digest(row.publication),
                        "publication": _load(row).to_json()})
    for p in plan_rows:
        out.append({"ref": f"plan-{p.id}", "published_at": _utc_text(p.made_at),
                    "year": p.year, "quarter": p.quarter, "digest": p.figures_sha256,
                    "publication": stored_plan(p).publication.to_json()})
    return out


def record_foreign(s: Session, items: Sequence[Mapping[str, Any]], *, origin: str,
                   component: str, submission_id: str, now: dt.datetime) -> int:
    """Record, in the import's transaction, the publications a quarterly file of ``origin``
    carried that this register does not hold yet (the same number with the same figures);
    how many were new."""
    position = s.scalar(select(func.max(PublicationRow.id))) or 0
    received = now if now.tzinfo is None else now.astimezone(dt.UTC).replace(tzinfo=None)
    held = {(code, ref, digest) for code, ref, digest in s.execute(
        select(ForeignRow.origin_code, ForeignRow.origin_ref, ForeignRow.digest))}
    new = 0
    for item in items:
        ref, digest = str(item["ref"]), str(item["digest"])
        if (origin, ref, digest) in held:
            continue
        publication = Publication.from_json(item["publication"])
        text = _canonical(publication.to_json())
        s.add(ForeignRow(
            received_at=received, ledger_position=position,
            origin_code=origin, component=component, origin_ref=ref,
            published_at=dt.datetime.strptime(str(item["published_at"]), "%Y-%m-%dT%H:%M:%SZ"),
            year=int(item["year"]), quarter=item.get("quarter"), digest=digest,
            k=publication.k, hidden=len(publication.hidden()),
            cells=len(publication.table.values), publication=text,
            submission_id=submission_id))
        held.add((origin, ref, digest))
        new += 1
    return new


@dataclass(frozen=True)
class Published:
    id: int
    path: Path
    data: ReportData
    change: ClassVar[Change] = Change.of(ChangeKind.PUBLICATIONS)  # one more in the ledger


def publish(register: Register, build: Callable[[Sequence[Publication]], ReportData],
            render: Callable[[ReportData, dt.datetime], bytes], fmt: str, path: Path,
            lang: str | None = None, *, now: dt.datetime | None = None) -> Published:
    """Build the report against everything published before, write it to the new file
    ``path`` and record it. ``render`` makes the file's bytes from the report and the time
    printed in it (local time; the ledger keeps the same moment in UTC)."""
    printed = (now or dt.datetime.now()).replace(microsecond=0)
    published_at = printed.astimezone(dt.UTC).replace(tzinfo=None)
    data = build(earlier(register))
    publication = data.publication
    if publication is None:
        raise AssertionError("a report for publication must carry what it showed")
    shown = [c for t in data.tables for c in t.cells.values()]  # as the report counts them
    content = render(data, printed)
    path = write_new(Path(path), content)
    plan = data.plan
    try:
        with register.session() as s:
            plan_id = None if plan is None else plan.id
            if plan is not None and plan_id is None:  # the period's first report: its plan
                plan_row = PlanRow(
                    made_at=published_at, year=plan.year, quarter=plan.quarter, k=plan.k,
                    figures_sha256=plan.digest,
                    publication=_canonical(plan.publication.to_json()),
                    certificate=(None if plan.certificate is None
                                 else _canonical(plan.certificate.to_json())))
                s.add(plan_row)
                s.flush()
                plan_id = plan_row.id
            row = PublicationRow(
                published_at=published_at, year=data.year, quarter=data.quarter,
                level=data.level, component=data.component,
                report_day=data.today or published_at.date(), format=fmt,
                lang=lang or current_language(), k=data.k, cells=len(shown),
                hidden=sum(1 for c in shown if c.status is not Status.PUBLISHED),
                publication=_canonical(publication.to_json()),
                certificate=(None if data.certificate is None or plan is not None
                             else _canonical(data.certificate.to_json())),  # a plan's: in it
                plan_id=plan_id, app_version=__version__, file_name=path.name,
                file_sha256=hashlib.sha256(content).hexdigest(),
                file_data=zlib.compress(content, 9))
            s.add(row)
            s.flush()
            number = row.id
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()  # not recorded: not published
        raise
    return Published(number, path, data)


def _row(register: Register, number: int) -> PublicationRow:
    with register.session() as s:
        row = s.get(PublicationRow, number)
        if row is None:
            raise ValidationError(UNKNOWN_PUBLICATION, id=number)
        return row


def _file(row: PublicationRow) -> bytes:
    try:
        content = zlib.decompress(row.file_data)
    except zlib.error:
        raise AppError(FILE_CHANGED, id=row.id) from None
    if hashlib.sha256(content).hexdigest() != row.file_sha256:
        raise AppError(FILE_CHANGED, id=row.id)
    return content


def reissue(register: Register, number: int, path: Path) -> Path:
    """Write publication ``number`` again to the new file ``path``, byte for byte."""
    return write_new(Path(path), _file(_row(register, number)))


def suggested_name(register: Register, number: int) -> str:
    return _row(register, number).file_name


def _plan(register: Register, number: int) -> PeriodPlan:
    with register.session() as s:
        row = s.get(PlanRow, number)
        if row is None:
            raise AppError(DAMAGED_PLAN, id=number, reason="—")
        return stored_plan(row)


def plans(register: Register) -> list[PeriodPlan]:
    """Every plan, oldest first."""
    with register.session() as s:
        return [stored_plan(r) for r in s.scalars(select(PlanRow).order_by(PlanRow.id))]


def certificate(register: Register, number: int) -> Certificate | None:
    """The witnesses recorded with publication ``number`` or its plan (None: it hid no small
    count)."""
    row = _row(register, number)
    if row.plan_id is not None:
        return _plan(register, row.plan_id).certificate
    return None if row.certificate is None else Certificate.from_json(json.loads(row.certificate))


def certified(register: Register, number: int
              ) -> tuple[Publication, list[Publication], Certificate | None, int]:
    """What the certificate of publication ``number`` covers: the publication (its plan's,
    whole, where it was published from a plan), everything published before it (before the
    plan's first report), the certificate (None: none recorded), and the number it was
    made with (the plan's first report)."""
    row = _row(register, number)
    if row.plan_id is None:
        return (_load(row), earlier(register, before=number), certificate(register, number),
                number)
    plan = _plan(register, row.plan_id)
    with register.session() as s:
        first = s.scalars(select(PublicationRow.id).where(PublicationRow.plan_id == plan.id)
                          .order_by(PublicationRow.id).limit(1)).one()
    return plan.publication, earlier(register, before=first), plan.certificate, first


def verify(register: Register, number: int) -> list[str]:
    """What does not hold in publication ``number`` (an empty list: it is proven): its stored
    file, the sums of what it showed, and the certificate that every hidden small count
    could, for a reader of it and of everything published before it, be any value 0..k−1."""
    row = _row(register, number)
    problems: list[str] = []
    try:
        _file(row)
    except AppError:
        problems.append(_(FILE_CHANGED).format(id=number))
    try:
        publication = _load(row)  # its figures add up as its tables say
    except AppError as exc:
        return [*problems, exc.message]
    if row.plan_id is not None:
        return problems + _verify_planned(register, row, publication)
    prior = earlier(register, before=number)
    if row.certificate is None:
        if build_model([*prior, publication]).small:
            problems.append(_(NO_CERTIFICATE).format(id=number))
        return problems
    try:
        certificate = Certificate.from_json(json.loads(row.certificate))
    except AppError as exc:
        return [*problems, _(DAMAGED_ENTRY).format(id=number, reason=exc.message)]
    except (ValueError, TypeError, KeyError) as exc:
        return [*problems, _(DAMAGED_ENTRY).format(id=number, reason=type(exc).__name__)]
    return problems + verify_certificate(publication, prior, certificate)



def _verify_planned(register: Register, row: PublicationRow, publication: Publication
                    ) -> list[str]:
    """A report published from a plan shows what the plan says, and the plan's certificate
    holds over it and everything published before the plan's first report."""
    assert row.plan_id is not None
    try:
        plan = _plan(register, row.plan_id)
    except AppError as exc:
        return [exc.message]
    planned = plan.publication
    for key, cell in publication.cells.items():
        there = planned.cells.get(key)
        if (there is None or planned.table.values[key] != publication.table.values[key]
                or there.status is not cell.status):
            return [_(NOT_AS_PLANNED).format(id=row.id, plan=plan.id)]
    with register.session() as s:
        first = s.scalars(select(PublicationRow.id).where(PublicationRow.plan_id == plan.id)
                          .order_by(PublicationRow.id).limit(1)).one()
    prior = earlier(register, before=first)
    if plan.certificate is None:
        if build_model([*prior, planned]).small:
            return [_(NO_CERTIFICATE).format(id=row.id)]
        return []
    return verify_certificate(planned, prior, plan.certificate)
