"""Fast read queries for the views: pages of cases, contacts, activities, quarter figures.

Plain values only (dataclasses); no Qt. Paging is LIMIT/OFFSET. A page of cases is fetched in
two steps: first the ids of the page in the requested order (cheap when the order follows an
index, one grouped index scan when it follows a per-case total), then the row data for just
those ids. That keeps "filter or sort and show the first page" well under 100 ms with 200,000
contact moments.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.models.entities import Activity, Case, CaseTopic, ContactMoment
from app.models.periods import Quarter
from app.services.storage.vault import Register

CASE_SORT_KEYS = (
    "id", "opened_on", "status", "closed_on", "topics", "contacts", "minutes", "last_contact",
    "outcome",
)
ACTIVITY_SORT_KEYS = ("on", "minutes", "kind")
CONTACT_SORT_KEYS = ("on", "minutes", "mode")

_YEAR = re.compile(r"([0-9]{4})")  # matched whole (fullmatch), ASCII digits only


def period_range(period: str) -> tuple[dt.date, dt.date]:
    """'2026-Q3' or '2026' as first and last day (inclusive)."""
    if m := _YEAR.fullmatch(period):
        year = int(m.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    try:
        quarter = Quarter.parse(period)
    except ValidationError:
        raise ValueError(f"not a period: {period!r}") from None
    return quarter.start, quarter.end


@dataclass(frozen=True)
class CaseFilter:
    period: str | None = None  # "YYYY-Qn" or "YYYY"; None: all
    topic: str | None = None
    status: str | None = None  # "open" / "closed"; None: both
    memo_search: str = ""


@dataclass(frozen=True)
class CaseRow:
    id: int
    opened_on: dt.date
    status: str
    closed_on: dt.date | None
    topics: tuple[str, ...]
    contacts: int
    minutes: int
    last_contact: dt.date | None
    outcome: str | None


@dataclass(frozen=True)
class CaseDetail:
    id: int
    opened_on: dt.date
    status: str
    closed_on: dt.date | None
    outcome: str | None
    topics: tuple[str, ...]
    grounds: tuple[str, ...]
    referrals: tuple[tuple[str, dt.date], ...]
    memo: str


@dataclass(frozen=True)
class ContactRow:
    id: int
    case_id: int
    on: dt.date
    minutes: int
    mode: str


@dataclass(frozen=True)
class ActivityRow:
    id: int
    on: dt.date
    minutes: int
    kind: str


@dataclass(frozen=True)
class OpenCase:
    id: int
    opened_on: dt.date
    topics: tuple[str, ...]


@dataclass(frozen=True)
class QuarterFigures:
    quarter: str  # "2026-Q3", or "2026" for a whole year
    new_cases: int
    contacts: int
    contact_minutes: int
    activity_minutes: int
    activities: int = 0
    closed_cases: int = 0

    @property
    def minutes(self) -> int:
        return self.contact_minutes + self.activity_minutes


@dataclass(frozen=True)
class YearOverview:
    """A year of the confidant's register: each quarter and the year as a whole."""

    year: int
    quarters: tuple[QuarterFigures, ...]  # Q1..Q4
    total: QuarterFigures


@dataclass(frozen=True)
class ActivityTotals:
    count: int
    minutes: int


@dataclass(frozen=True)
class QuarterSummary:
    current: QuarterFigures
    top_topics: tuple[tuple[str, int], ...]
    history: tuple[QuarterFigures, ...] = field(default=())  # oldest first, current last


# --- cases -------------------------------------------------------------------------------------
def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _case_conditions(flt: CaseFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if flt.period:
        start, end = period_range(flt.period)
        contacted = select(ContactMoment.case_id).where(ContactMoment.on.between(start, end))
        conds.append(or_(Case.opened_on.between(start, end), Case.id.in_(contacted)))
    if flt.topic:
        conds.append(Case.id.in_(select(CaseTopic.case_id).where(CaseTopic.topic == flt.topic)))
    if flt.status:
        conds.append(Case.status == flt.status)
    search = flt.memo_search.strip()
    if search:
        conds.append(Case.memo.like(f"%{_escape_like(search)}%", escape="\\"))
    return conds


def case_matches(register: Register, flt: CaseFilter, case_id: int) -> bool:
    """Whether the case ``case_id`` exists and passes ``flt`` (the list shows it)."""
    stmt = select(func.count()).select_from(Case).where(Case.id == case_id,
                                                        *_case_conditions(flt))
    with register.session() as s:
        return bool(s.scalar(stmt))


def count_cases(register: Register, flt: CaseFilter) -> int:
    stmt = select(func.count()).select_from(Case).where(*_case_conditions(flt))
    with register.session() as s:
        return int(s.scalar(stmt) or 0)


def _page_ids(flt: CaseFilter, sort: str, descending: bool, limit: int, offset: int) -> Select[Any]:
    if sort not in CASE_SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    conds = _case_conditions(flt)
    if sort in ("contacts", "minutes", "last_contact"):
        totals = (
            select(
                ContactMoment.case_id.label("case_id"),
                func.count().label("contacts"),
                func.sum(ContactMoment.minutes).label("minutes"),
                func.max(ContactMoment.on).label("last_contact"),
            )
            .group_by(ContactMoment.case_id)
            .subquery()
        )
        key: Any = totals.c[sort]
        # Every case has at least one contact moment, so driving the query from the totals
        # (one covering-index scan) loses no case; the filter becomes an id list, so the wide
        # case rows are only read when the filter needs them.
        stmt = select(totals.c.case_id.label("id"))
        if conds:
            stmt = stmt.where(totals.c.case_id.in_(select(Case.id).where(*conds)))
        order = (
            [key.desc(), totals.c.case_id.desc()]
            if descending
            else [key.asc(), totals.c.case_id.asc()]
        )
        return stmt.order_by(*order).limit(limit).offset(offset)
    elif sort == "topics":
        # Every case has at least one topic; group_concat follows the (case_id, topic) key.
        joined = (
            select(CaseTopic.case_id.label("case_id"),
                   func.group_concat(CaseTopic.topic, ",").label("topics"))
            .group_by(CaseTopic.case_id)
            .subquery()
        )
        stmt = select(joined.c.case_id.label("id"))
        if conds:
            stmt = stmt.where(joined.c.case_id.in_(select(Case.id).where(*conds)))
        order = ([joined.c.topics.desc(), joined.c.case_id.desc()] if descending
                 else [joined.c.topics.asc(), joined.c.case_id.asc()])
        return stmt.order_by(*order).limit(limit).offset(offset)
    else:
        key = getattr(Case, sort)
        stmt = select(Case.id)
    order = [key.desc(), Case.id.desc()] if descending else [key.asc(), Case.id.asc()]
    return stmt.where(*conds).order_by(*order).limit(limit).offset(offset)


def case_page(
    register: Register,
    flt: CaseFilter = CaseFilter(),
    *,
    sort: str = "opened_on",
    descending: bool = True,
    limit: int = 200,
    offset: int = 0,
) -> list[CaseRow]:
    with register.session() as s:
        ids = list(s.scalars(_page_ids(flt, sort, descending, limit, offset)))
        if not ids:
            return []
        per_case = (
            select(
                ContactMoment.case_id,
                func.count(),
                func.sum(ContactMoment.minutes),
                func.max(ContactMoment.on),
            )
            .where(ContactMoment.case_id.in_(ids))
            .group_by(ContactMoment.case_id)
        )
        totals = {cid: (n, m, last) for cid, n, m, last in s.execute(per_case)}
        topics: dict[int, list[str]] = {}
        for cid, topic in s.execute(
            select(CaseTopic.case_id, CaseTopic.topic).where(CaseTopic.case_id.in_(ids))
        ):
            topics.setdefault(cid, []).append(topic)
        cases = {
            row.id: row
            for row in s.execute(
                select(Case.id, Case.opened_on, Case.status, Case.closed_on, Case.outcome).where(
                    Case.id.in_(ids)
                )
            )
        }
    rows = []
    for cid in ids:
        c = cases[cid]
        n, minutes, last = totals.get(cid, (0, 0, None))
        rows.append(
            CaseRow(
                id=cid,
                opened_on=c.opened_on,
                status=c.status,
                closed_on=c.closed_on,
                topics=tuple(sorted(topics.get(cid, []))),
                contacts=int(n),
                minutes=int(minutes or 0),
                last_contact=last,
                outcome=c.outcome,
            )
        )
    return rows


def case_detail(register: Register, case_id: int) -> CaseDetail | None:
    with register.session() as s:
        case = s.get(Case, case_id)
        if case is None:
            return None
        return CaseDetail(
            id=case.id,
            opened_on=case.opened_on,
            status=case.status,
            closed_on=case.closed_on,
            outcome=case.outcome,
            topics=tuple(sorted(t.topic for t in case.topics)),
            grounds=tuple(sorted(g.ground for g in case.grounds)),
            referrals=tuple(sorted((r.target, r.referred_on) for r in case.referrals)),
            memo=case.memo or "",
        )


def open_cases(register: Register, limit: int = 300) -> list[OpenCase]:
    """Open cases for the quick entry, most recently opened first (memo never included)."""
    with register.session() as s:
        heads = list(
            s.execute(
                select(Case.id, Case.opened_on)
                .where(Case.status == "open")
                .order_by(Case.opened_on.desc(), Case.id.desc())
                .limit(limit)
            )
        )
        ids = [h.id for h in heads]
        topics: dict[int, list[str]] = {}
        if ids:
            for cid, topic in s.execute(
                select(CaseTopic.case_id, CaseTopic.topic).where(CaseTopic.case_id.in_(ids))
            ):
                topics.setdefault(cid, []).append(topic)
    return [OpenCase(h.id, h.opened_on, tuple(sorted(topics.get(h.id, [])))) for h in heads]


# --- contacts and activities -----------------------------------------------------------------
def contacts_of_case(register: Register, case_id: int) -> list[ContactRow]:
    stmt = (
        select(ContactMoment.id, ContactMoment.case_id, ContactMoment.on, ContactMoment.minutes,
               ContactMoment.mode)
        .where(ContactMoment.case_id == case_id)
        .order_by(ContactMoment.on, ContactMoment.id)
    )
    with register.session() as s:
        return [ContactRow(*row) for row in s.execute(stmt)]


def count_activities(register: Register, period: str | None = None) -> int:
    stmt = select(func.count()).select_from(Activity).where(*_activity_conditions(period))
    with register.session() as s:
        return int(s.scalar(stmt) or 0)


def activity_totals(register: Register, period: str | None = None) -> ActivityTotals:
    stmt = select(func.count(), func.coalesce(func.sum(Activity.minutes), 0)).where(
        *_activity_conditions(period))
    with register.session() as s:
        count, minutes = s.execute(stmt).one()
    return ActivityTotals(int(count), int(minutes))


def _activity_conditions(period: str | None) -> list[ColumnElement[bool]]:
    if not period:
        return []
    start, end = period_range(period)
    return [Activity.on.between(start, end)]


def activity_page(
    register: Register,
    period: str | None = None,
    *,
    sort: str = "on",
    descending: bool = True,
    limit: int = 200,
    offset: int = 0,
) -> list[ActivityRow]:
    if sort not in ACTIVITY_SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    key = getattr(Activity, sort)
    order = [key.desc(), Activity.id.desc()] if descending else [key.asc(), Activity.id.asc()]
    stmt = (
        select(Activity.id, Activity.on, Activity.minutes, Activity.kind)
        .where(*_activity_conditions(period))
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    with register.session() as s:
        return [ActivityRow(*row) for row in s.execute(stmt)]


# --- quarter figures ------------------------------------------------------------------------
def _figures(session: Session, quarter: str) -> QuarterFigures:
    start, end = period_range(quarter)
    new_cases = session.scalar(
        select(func.count()).select_from(Case).where(Case.opened_on.between(start, end))
    )
    contacts, contact_minutes = session.execute(
        select(func.count(), func.coalesce(func.sum(ContactMoment.minutes), 0)).where(
            ContactMoment.on.between(start, end)
        )
    ).one()
    activities, activity_minutes = session.execute(
        select(func.count(), func.coalesce(func.sum(Activity.minutes), 0)).where(
            Activity.on.between(start, end))
    ).one()
    closed = session.scalar(
        select(func.count()).select_from(Case).where(Case.closed_on.between(start, end))
    )
    return QuarterFigures(quarter, int(new_cases or 0), int(contacts), int(contact_minutes),
                          int(activity_minutes or 0), int(activities), int(closed or 0))


def year_overview(register: Register, year: int) -> YearOverview:
    """Cases, contact moments, hours and activities per quarter of ``year`` and in total."""
    with register.session() as s:
        quarters = tuple(_figures(s, f"{year}-Q{q}") for q in range(1, 5))
        total = _figures(s, str(year))
    return YearOverview(year, quarters, total)


def quarter_summary(
    register: Register, quarter: str, history: int = 7, top: int = 3
) -> QuarterSummary:
    """This quarter's figures, its top topics and the same figures for `history` earlier
    quarters. Top topics count the cases active in the quarter (opened or contacted in it)."""
    quarters = [str(q) for q in Quarter.parse(quarter).back(history + 1)]
    active = _case_conditions(CaseFilter(period=quarter))
    with register.session() as s:
        figures = tuple(_figures(s, q) for q in quarters)
        n = func.count().label("n")
        top_rows = s.execute(
            select(CaseTopic.topic, n)
            .join(Case, Case.id == CaseTopic.case_id)
            .where(and_(literal(True), *active))
            .group_by(CaseTopic.topic)
            .order_by(n.desc(), CaseTopic.topic)
            .limit(top)
        ).all()
    return QuarterSummary(
        current=figures[-1],
        top_topics=tuple((t, int(c)) for t, c in top_rows),
        history=figures,
    )


__all__ = [
    "ActivityRow",
    "ActivityTotals",
    "CaseDetail",
    "CaseFilter",
    "CaseRow",
    "ContactRow",
    "OpenCase",
    "QuarterFigures",
    "QuarterSummary",
    "YearOverview",
    "activity_page",
    "activity_totals",
    "case_detail",
    "case_matches",
    "case_page",
    "contacts_of_case",
    "count_activities",
    "count_cases",
    "open_cases",
    "period_range",
    "quarter_summary",
    "year_overview",
]
