"""Issuing a revision of a quarterly file: the one way the confidant's export and the
coordinator's forwarding both write one.

Every revision of a quarter (at one level) gets a new ``submission_id``; revision n+1
``supersedes`` the submission id of revision n, never its own. The register records a revision
before its file exists, and the file exists only if the record was committed:

1. in one transaction, the revision number, ids and the file's SHA-256 are recorded
   (``ExportRecord``) and flushed, so a clash is refused before anything is written;
2. the file is written atomically under a name that carries the sender code, and never over
   an existing file (``app.files.write_new``: a second coordinator's file on the same stick
   stays, and the user is told);
3. the transaction commits; if the commit (or anything before it) fails, the file is removed
   again, so no file is left that the register does not know, and no revision number is
   used twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.export import crypto, interchange
from app.files import ensure_folder, remove_quietly, write_new
from app.models.entities import ExportRecord, Recipient
from app.models.periods import Quarter
from app.services.storage.vault import Register

# (submission_id, revision, supersedes) -> the payload of that revision
PayloadBuilder = Callable[[str, int, str | None], dict[str, Any]]


@dataclass(frozen=True)
class Issued:
    path: Path
    submission_id: str
    revision: int
    supersedes: str | None
    sha256: str  # of the signed file (inside any sealing): its identity at the recipient
    sealed: bool
    payload: dict[str, Any]
    recipient_code: str | None


@dataclass(frozen=True)
class NextRevision:
    revision: int
    supersedes: str | None  # the submission id of the revision it replaces


def last_issued(s: Session, quarter: Quarter | str, level: str) -> ExportRecord | None:
    """The highest revision recorded. Two records of one revision exist after a backup was
    restored (or on a second copy of the register): the one written again, and the one the
    coordinator's receipt taught (``coordinator_link.import_receipt``); the one with a receipt
    is what the coordinator holds, so the next revision replaces that one."""
    return s.scalars(
        select(ExportRecord)
        .where(ExportRecord.quarter == str(quarter), ExportRecord.level == level)
        .order_by(ExportRecord.revision.desc(), ExportRecord.received_at.is_(None),
                  ExportRecord.id.desc())
    ).first()


def next_revision(s: Session, quarter: Quarter | str, level: str) -> NextRevision:
    previous = last_issued(s, quarter, level)
    if previous is None:
        return NextRevision(1, None)
    return NextRevision(previous.revision + 1, previous.submission_id)


def active_recipient(s: Session) -> Recipient | None:
    """The card files are sealed to: the latest one made active."""
    return s.scalars(
        select(Recipient).where(Recipient.active.is_(True))
        .order_by(Recipient.imported_at.desc(), Recipient.id.desc())
    ).first()


def issue_revision(
    register: Register,
    *,
    quarter: Quarter | str,
    level: str,
    out_dir: Path,
    file_name: Callable[[int], str],
    build: PayloadBuilder,
    signing_private_key: bytes,
    now: dt.datetime,
    new_submission_id: Callable[[], uuid.UUID] = uuid.uuid4,
    random_bytes: crypto.RandomBytes = os.urandom,
) -> Issued:
    """Record and write the next revision of ``quarter`` at ``level`` (see the module doc)."""
    written: Path | None = None
    try:
        with register.session() as s:
            step = next_revision(s, quarter, level)
            recipient = active_recipient(s)
            submission_id = str(new_submission_id())
            payload = build(submission_id, step.revision, step.supersedes)
            signed = interchange.write_file(payload, signing_private_key, None,
                                            today=now.date())
            sha256 = hashlib.sha256(signed).hexdigest()
            data = signed if recipient is None else interchange.seal_file(
                signed, recipient.sealing_public_key, random_bytes=random_bytes)
            name = file_name(step.revision)
            s.add(ExportRecord(
                quarter=str(quarter), level=level, submission_id=submission_id,
                revision=step.revision, supersedes=step.supersedes, sha256=sha256,
                file_name=name, sealed=recipient is not None,
                nil_return=bool(payload["nil_return"]),
                created_at=now.astimezone(dt.UTC).replace(tzinfo=None),
            ))
            s.flush()  # recorded first: a clash is refused before a file exists
            path = ensure_folder(Path(out_dir)) / name
            written = write_new(path, data)
            recipient_code = None if recipient is None else recipient.code
    except BaseException:
        if written is not None:  # the commit failed: the revision was not recorded
            remove_quietly(written)
        raise
    return Issued(path=written, submission_id=submission_id, revision=step.revision,
                  supersedes=step.supersedes, sha256=sha256, sealed=recipient is not None,
                  payload=payload, recipient_code=recipient_code)
