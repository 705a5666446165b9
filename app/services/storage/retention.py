"""Retention: reduce old, fully reported cases to what the exported files already hold.

A case is reduced when all of these hold:
- it is closed, and it was closed before `today` minus `months` months;
- every quarter it counts in was exported, and the latest revision of each of those files was
  received (a receipt came back: `ExportRecord.received_at`). A case counts in every quarter
  from the one of its first contact to the one of its closing: it is new in the first, open at
  the end of those in between (`cases_open_end`), and closed in the last; its contacts and
  referrals all fall inside that span.

Reducing removes the memo (the only free text of a case) and sets `Case.reduced`. Dates,
topics, grounds, contacts, outcome and referrals are kept: they are exactly what the quarterly
measures are computed from, so re-exporting an old quarter gives the same numbers. Nothing that
identifies a person is in them (see DOMAIN.md), and the case list still shows the history.

`secure_delete` overwrites the freed text in the database pages and the checkpoint afterwards
empties the write-ahead log, so the removed memos are not left behind in the files. The audit
entry records how many cases were reduced, never which or what.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import ClockAhead, DiskFull, StorageError, ValidationError
from app.i18n import N_
from app.models.entities import AuditEntry, Case, ExportRecord
from app.models.periods import Quarter
from app.services.changes import Change, ChangeKind
from app.services.storage.vault import Register
from app.settings import MAX_RETENTION_MONTHS

AUDIT_ACTION = "retention"


@dataclass(frozen=True)
class RetentionPlan:
    count: int  # cases that will be reduced
    quarters: tuple[str, ...]  # the quarters those cases count in (all exported and received)
    waiting: int  # old enough, but a quarter was not exported or not yet received
    cutoff: dt.date | None  # cases closed before this day are old enough (None: retention off)
    case_ids: tuple[int, ...] = ()


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the last day of a shorter month)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def check_months(months: object) -> int:
    if not isinstance(months, int) or isinstance(months, bool) or not (
        0 <= months <= MAX_RETENTION_MONTHS
    ):
        raise ValidationError(
            N_("The retention period is a whole number of months from 0 (off) to {max}."),
            max=MAX_RETENTION_MONTHS,
        )
    return months


def quarters_of_case(opened_on: dt.date, closed_on: dt.date) -> list[Quarter]:
    quarters = [Quarter.of(opened_on)]
    last = Quarter.of(closed_on)
    while quarters[-1] < last:
        quarters.append(quarters[-1].next())
    return quarters


def received_quarters(session: Session) -> set[str]:
    """Quarters whose latest VP revision was received by the coordinator."""
    latest: dict[str, ExportRecord] = {}
    for record in session.scalars(
        select(ExportRecord).where(ExportRecord.level == "vp")
    ):
        known = latest.get(record.quarter)
        if known is None or record.revision > known.revision:
            latest[record.quarter] = record
    return {q for q, r in latest.items() if r.received_at is not None}


def _eligible(session: Session, cutoff: dt.date, only: Iterable[int] | None = None
              ) -> tuple[list[int], set[str], int]:
    received = received_quarters(session)
    query = select(Case.id, Case.opened_on, Case.closed_on).where(
        Case.status == "closed", Case.closed_on < cutoff, Case.reduced.is_(False)
    )
    if only is not None:
        query = query.where(Case.id.in_(list(only)))
    ids: list[int] = []
    quarters: set[str] = set()
    waiting = 0
    for case_id, opened_on, closed_on in session.execute(query):
        assert closed_on is not None  # the query takes closed cases only (closed_on < cutoff)
        needed = {str(q) for q in quarters_of_case(opened_on, closed_on)}
        if needed <= received:
            ids.append(case_id)
            quarters |= needed
        else:
            waiting += 1
    return ids, quarters, waiting


# A confidant exports every quarter: a last export more than this long before "today" means the
# clock is far ahead (or the register was left alone for a year; exporting first settles it).
PLAUSIBLE_GAP = dt.timedelta(days=366)


def check_clock(session: Session, today: dt.date) -> None:
    """ClockAhead when ``today`` lies more than a year after the register's last export: a
    clock years ahead would make recent cases look old enough to reduce."""
    last = session.scalar(select(func.max(ExportRecord.created_at)))
    if last is not None and today - last.date() > PLAUSIBLE_GAP:
        raise ClockAhead(today=today.isoformat(), last=last.date().isoformat())


def plan_retention(register: Register, today: dt.date, months: int) -> RetentionPlan:
    """Dry run: which cases would be reduced. Writes nothing."""
    months = check_months(months)
    if months == 0:
        return RetentionPlan(0, (), 0, None)
    cutoff = months_before(today, months)
    with register.session() as s:
        check_clock(s, today)
        ids, quarters, waiting = _eligible(s, cutoff)
    return RetentionPlan(len(ids), tuple(sorted(quarters)), waiting, cutoff, tuple(sorted(ids)))


@dataclass(frozen=True)
class RetentionResult:
    change: ClassVar[Change] = Change.of(ChangeKind.CASES)
    reduced: int  # how many cases lost their memo


def apply_retention(register: Register, plan: RetentionPlan) -> RetentionResult:
    """Reduce the planned cases that still qualify (the register may have changed since the
    plan); one transaction, then a checkpoint."""
    if plan.cutoff is None or not plan.case_ids:
        return RetentionResult(0)
    with register.session() as s:
        ids, _quarters, _waiting = _eligible(s, plan.cutoff, plan.case_ids)
        for case_id in ids:
            case = s.get(Case, case_id)
            assert case is not None  # _eligible just found it in this session
            case.memo = None
            case.reduced = True
        if ids:
            s.add(AuditEntry(action=AUDIT_ACTION, detail=f"{len(ids)} cases reduced"))
    if ids:
        # secure_delete zeroed the old text in the pages; the checkpoint takes it out of the WAL.
        # The reduction is committed: a checkpoint failing (disk full) must not report it lost;
        # the next checkpoint (or closing the register) retries.
        with contextlib.suppress(DiskFull, StorageError):
            register.checkpoint()
    return RetentionResult(len(ids))
