"""Forward the merged summary of a quarter to the next level, signed and (when possible) sealed.

A CVP register writes level ``component``; the central register writes level ``defence``.
Forwarding a quarter again writes revision n+1 of the same submission, superseding n; every
file written is recorded in ``ExportRecord`` (with its level) before the commit, and the file
is removed again if the commit fails, so no revision number is ever used twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import __version__
from app.atomic import atomic_write_bytes
from app.errors import FORWARD_MIXED_CODELISTS, FORWARD_NOTHING, ForwardError
from app.export import crypto
from app.export.interchange import (
    Reporting,
    Sender,
    SourceRef,
    build_merged_payload,
    seal_file,
    write_file,
)
from app.export.measures import Measures
from app.models.entities import ExportRecord, Recipient
from app.models.periods import Quarter
from app.services.coordination import merging
from app.services.coordination import roster as roster_service
from app.services.storage.vault import Register


@dataclass(frozen=True)
class ForwardResult:
    path: Path
    level: str
    quarter: str
    submission_id: str
    revision: int
    supersedes: str | None
    sha256: str  # of the signed file, as the recipient will record it
    sealed: bool
    unsealed_warning: bool  # no recipient card known: the file is signed but not encrypted
    recipient_code: str | None
    measures: Measures
    sources: tuple[SourceRef, ...]
    reporting: Reporting
    mixed_codelists: bool
    stale: tuple[str, ...]


def forward_file_name(level: str, component: str, quarter: str, revision: int) -> str:
    return f"vertrouwd-{level}-{component}-{quarter}-r{revision}.json"


def _forwardable_table(register: Register, q: Quarter) -> merging.QuarterTable:
    """The quarter's merged figures, refused when there is nothing to forward or the files use
    different code lists."""
    table = _forwardable_table(register, q)
    return table


def _last_forwarded(s: Session, q: Quarter, level: str) -> ExportRecord | None:
    return s.scalars(
        select(ExportRecord)
        .where(ExportRecord.quarter == str(q), ExportRecord.level == level)
        .order_by(ExportRecord.revision.desc())
    ).first()


def _active_recipient(s: Session) -> Recipient | None:
    return s.scalars(
        select(Recipient).where(Recipient.active.is_(True))
        .order_by(Recipient.imported_at.desc(), Recipient.id.desc())
    ).first()


def forward(
    register: Register,
    quarter: Quarter | str,
    out_dir: Path,
    *,
    now: dt.datetime | None = None,
    new_submission_id: Callable[[], uuid.UUID] = uuid.uuid4,
    app_version: str = __version__,
    random_bytes: crypto.RandomBytes = os.urandom,
) -> ForwardResult:
    """Write the merged file of ``quarter`` (revision n+1 when forwarded before) and record it.

    The clock, the id of a new submission, the program version in the file and the sealing's
    randomness are arguments (the program uses the defaults), so fixed inputs give the same
    bytes (tools/make_golden.py).
    """
    profile = roster_service.coordination_profile(register)
    central = roster_service.is_central(profile)
    level = "defence" if central else "component"
    q = Quarter.parse(str(quarter))
    table = merging.quarter_table(register, q)
    if not table.counted:
        raise ForwardError(FORWARD_NOTHING, quarter=str(q))
    if table.mixed_codelists:
        raise ForwardError(FORWARD_MIXED_CODELISTS, quarter=str(q),
                           versions=", ".join(table.codelist_versions))
    members = roster_service.list_members(register)
    expected = () if central else [
        m.code for m in roster_service.expected_for(members, q, central=False)]
    moment = now or dt.datetime.now(dt.UTC)
    written: list[Path] = []
    try:
        with register.session() as s:
            previous = _last_forwarded(s, q, level)
            recipient = _active_recipient(s)
            revision = 1 if previous is None else previous.revision + 1
            submission_id = (str(new_submission_id()) if previous is None
                             else previous.submission_id)
            supersedes = None if previous is None else previous.submission_id
            payload = build_merged_payload(
                [f.as_verified() for f in table.counted],
                level=level,  # type: ignore[arg-type]
                sender=Sender(profile.code, profile.component,
                              crypto.fingerprint_hex(profile.signing_public_key)),
                expected=expected,
                submission_id=submission_id,
                revision=revision,
                supersedes=supersedes,
                created_at=moment,
                app_version=app_version,
            )
            signed = write_file(payload, profile.signing_private_key, None, today=moment.date())
            sha256 = hashlib.sha256(signed).hexdigest()
            data = signed if recipient is None else seal_file(
                signed, recipient.sealing_public_key, random_bytes=random_bytes)
            name = forward_file_name(level, profile.component, str(q), revision)
            path = Path(out_dir) / name
            s.add(ExportRecord(
                quarter=str(q), level=level, submission_id=submission_id, revision=revision,
                supersedes=supersedes, sha256=sha256, file_name=name,
                sealed=recipient is not None, nil_return=bool(payload["nil_return"]),
            ))
            s.flush()
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, data)
            written.append(path)
            recipient_code = None if recipient is None else recipient.code
    except BaseException:
        for leftover in written:  # the commit failed: the revision was not recorded
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    return ForwardResult(
        path=path, level=level, quarter=str(q), submission_id=submission_id,
        revision=revision, supersedes=supersedes, sha256=sha256,
        sealed=recipient is not None, unsealed_warning=recipient is None,
        recipient_code=recipient_code, measures=table.measures,
        sources=tuple(SourceRef.from_dict(x) for x in payload["sources"]),
        reporting=Reporting(**{k: tuple(v) for k, v in payload["reporting"].items()}),
        mixed_codelists=table.mixed_codelists, stale=table.stale,
    )

