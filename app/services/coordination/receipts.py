"""Receipts again: the coordinator writes the receipt of a file imported earlier once more
(the sender lost it, or the import wrote no receipts). It is the same receipt as at the import,
byte for byte: the same fields and the time the file arrived, signed with the same key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.errors import AppError
from app.export.receipts import write_receipt_for
from app.files import ensure_folder
from app.i18n import N_
from app.models.entities import Submission
from app.services.coordination.importing import receipt_file_name, write_receipt_file
from app.services.coordination.roster import coordination_profile
from app.services.storage.vault import Register

UNKNOWN_FILE = N_("This file is not in the register (any more). Nothing was written.")


@dataclass(frozen=True)
class ImportedFile:
    sha256: str
    sender_code: str
    quarter: str
    revision: int
    nil_return: bool
    imported_at: dt.datetime
    file_name: str


def imported_files(register: Register, quarter: str | None = None) -> list[ImportedFile]:
    """Every file imported (of ``quarter``), newest quarter and sender code first."""
    stmt = select(Submission).order_by(Submission.quarter.desc(), Submission.sender_code,
                                       Submission.revision.desc())
    if quarter:
        stmt = stmt.where(Submission.quarter == quarter)
    with register.session() as s:
        return [ImportedFile(r.sha256, r.sender_code, r.quarter, r.revision, r.nil_return,
                             r.imported_at, r.file_name) for r in s.scalars(stmt)]


def reissue_receipt(register: Register, sha256: str, folder: Path) -> Path:
    """Write the receipt of the imported file ``sha256`` into ``folder`` again."""
    profile = coordination_profile(register)
    with register.session() as s:
        row = s.scalars(select(Submission).where(Submission.sha256 == sha256)).first()
        if row is None:
            raise AppError(UNKNOWN_FILE)
        data = write_receipt_for(
            submission_id=row.submission_id, revision=row.revision, sha256=row.sha256,
            period=row.quarter, sender_code=row.sender_code, receiver_code=profile.code,
            received_at=row.imported_at.replace(tzinfo=dt.UTC),
            signing_private_key=profile.signing_private_key)
        name = receipt_file_name(row.sender_code, row.quarter, row.revision, row.sha256,
                                 profile.code)
    ensure_folder(Path(folder))
    # The import's own name and writer: owner-only, never over another file; the same receipt
    # already there (byte for byte) stays.
    return write_receipt_file(Path(folder) / name, data)
