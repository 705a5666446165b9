"""A register moves to a newer topic list from a quarter on, keeping its code, card and history.

The list changes while confidants keep their laptops: the register records every quarter
before the move on the list it had, and every quarter from the move on the new one. Each
quarterly file names the version it was recorded in (``Register.codelist_version``), so the
coordinator's tables show the older quarters in the current categories where that is exact.

A move is refused (one sentence, nothing changed) when a quarter from the move on was already
exported (its file would change list under the coordinator) or a case opened from that quarter
on carries a topic the new list does not have. Moves only go forward, one quarter after the
other.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from app.errors import CodelistMoveError, ProfileMissing
from app.i18n import N_
from app.models import codelists
from app.models.entities import Case, CaseTopic, ExportRecord, KeyValue
from app.models.periods import Quarter
from app.services.changes import EVERYTHING, Change
from app.services.storage.vault import CODELIST_MOVES_KEY, Register

MOVE_UNKNOWN = N_("There is no topic list version {version}; choose one of {versions}. The "
                  "register was not changed.")
MOVE_NOT_NEWER = N_("From {quarter} on this register already records with topic list {current}; "
                    "it can only move to a newer version. The register was not changed.")
MOVE_NOT_AFTER = N_("This register moved to topic list {current} from {since}; a next move must "
                    "start after that quarter. The register was not changed.")
MOVE_EXPORTED = N_("{quarter} was already exported on topic list {current}; the move can start "
                   "from {next} at the earliest. The register was not changed.")
MOVE_TOPICS = N_("{n} case(s) opened from {quarter} on carry topics that topic list {version} "
                 "does not have ({topics}). The register was not changed.")


def move(register: Register, version: str, from_quarter: Quarter) -> Change:
    """Record that ``register`` uses topic list ``version`` from ``from_quarter`` on (every
    view reads the list in force)."""
    if register.profile() is None:
        raise ProfileMissing()
    known = codelists.known_versions()
    if version not in known:
        raise CodelistMoveError(MOVE_UNKNOWN, version=version, versions=", ".join(known))
    periods = register.codelist_periods()
    current = register.codelist_version(from_quarter.start)
    if version <= current:
        raise CodelistMoveError(MOVE_NOT_NEWER, quarter=str(from_quarter), current=current)
    since = periods[-1][0]
    if since is not None and from_quarter <= since:
        raise CodelistMoveError(MOVE_NOT_AFTER, current=periods[-1][1], since=str(since))
    new_topics = codelists.CodeLists.codes(codelists.load(version).topics)
    with register.session() as s:
        exported = s.scalars(
            select(ExportRecord.quarter).where(ExportRecord.level == "vp",
                                               ExportRecord.quarter >= str(from_quarter))
            .order_by(ExportRecord.quarter.desc())
        ).first()
        if exported is not None:
            raise CodelistMoveError(MOVE_EXPORTED, quarter=exported, current=current,
                                    next=str(Quarter.parse(exported).next()))
        foreign = s.execute(
            select(CaseTopic.case_id, CaseTopic.topic).join(Case, Case.id == CaseTopic.case_id)
            .where(Case.opened_on >= from_quarter.start, CaseTopic.topic.not_in(new_topics))
        ).all()
        if foreign:
            raise CodelistMoveError(MOVE_TOPICS, n=len({c for c, _ in foreign}),
                                    quarter=str(from_quarter), version=version,
                                    topics=", ".join(sorted({t for _, t in foreign})))
        later = [[str(q), v] for q, v in periods[1:]] + [[str(from_quarter), version]]
        s.merge(KeyValue(key=CODELIST_MOVES_KEY, value=json.dumps(later)))
    register.forget_codelist_periods()
    return Change(EVERYTHING)
