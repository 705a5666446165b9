"""Undo for the confidant's last saves, edits and deletes: a slip costs nothing.

Before a use case of ``CaseService`` writes, it takes a snapshot of the rows it is about to
change — a whole case (its topics, grounds, referrals and contact moments) or one activity —
or notes that it creates a new one. Undoing a step puts exactly those rows back (or removes
the new one), in one transaction, with the same ids. The journal lives in memory with the
unlocked register: locking forgets it, and nothing of it is ever written anywhere else.

The journal is a stack: steps are undone newest first, so each restores the state the next
older step left. Only the service's own use cases are recorded; whatever else changes the
register (a CSV import, retention, a restored backup) clears it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from app.models.entities import Activity, Case, CaseGround, CaseTopic, ContactMoment, Referral

# The tables a case snapshot holds, parents first (inserts) — deletes cascade from the case.
CASE_TABLES: tuple[Any, ...] = (Case, CaseTopic, CaseGround, Referral, ContactMoment)
MAX_STEPS = 20


def _table(entity: Any) -> Table:
    table = entity.__table__
    assert isinstance(table, Table)
    return table


@dataclass(frozen=True)
class Snapshot:
    """The rows of one case (with everything that belongs to it) or one activity, as they
    were; ``rows`` is empty when the item did not exist yet."""

    kind: str  # "case" | "activity"
    id: int
    rows: tuple[tuple[str, tuple[dict[str, Any], ...]], ...] = ()

    @property
    def existed(self) -> bool:
        return bool(self.rows)


@dataclass(frozen=True)
class UndoStep:
    what: str  # English message id of what is undone ("new case", ...), translate to show
    snapshot: Snapshot
    at: dt.datetime


def _rows(session: Session, table: Table, condition: Any) -> tuple[dict[str, Any], ...]:
    return tuple(dict(r._mapping) for r in session.execute(select(table).where(condition)))


def snapshot_case(session: Session, case_id: int) -> Snapshot:
    if session.get(Case, case_id) is None:
        return Snapshot("case", case_id)
    parts = []
    for entity in CASE_TABLES:
        table = _table(entity)
        key = table.c.id if entity is Case else table.c.case_id
        parts.append((table.name, _rows(session, table, key == case_id)))
    return Snapshot("case", case_id, tuple(parts))


def snapshot_activity(session: Session, activity_id: int) -> Snapshot:
    table = _table(Activity)
    rows = _rows(session, table, table.c.id == activity_id)
    return Snapshot("activity", activity_id, ((table.name, rows),) if rows else ())


def restore(session: Session, snapshot: Snapshot) -> None:
    """Put the item back as the snapshot holds it: removed if it was new, otherwise its rows
    exactly as they were (children of a case go with it: ON DELETE CASCADE)."""
    entity = Case if snapshot.kind == "case" else Activity
    session.execute(delete(_table(entity)).where(_table(entity).c.id == snapshot.id))
    tables = {_table(e).name: _table(e) for e in (*CASE_TABLES, Activity)}
    for name, rows in snapshot.rows:
        if rows:
            session.execute(insert(tables[name]), list(rows))
    session.expire_all()


@dataclass
class Journal:
    steps: list[UndoStep] = field(default_factory=list)

    def record(self, step: UndoStep) -> None:
        self.steps.append(step)
        del self.steps[:-MAX_STEPS]

    def last(self) -> UndoStep | None:
        return self.steps[-1] if self.steps else None

    def pop(self) -> UndoStep | None:
        return self.steps.pop() if self.steps else None

    def clear(self) -> None:
        self.steps.clear()


@dataclass(frozen=True)
class SavedContact:
    """A contact moment saved in this session, to recognise the same one typed twice."""

    at: dt.datetime
    case_id: int
    opened: bool  # it opened the case (the first contact moment of a new case)
    on: dt.date
    minutes: int
    mode: str
    topics: frozenset[str]


DUPLICATE_WINDOW = dt.timedelta(minutes=15)
