"""The confidant's quarterly export: preview, write a signed (and sealed) file, history,
enrolment cards and receipts.

What the coordinator receives is exactly `ExportPreview.measures` plus the header; the preview
screen shows it before anything is written.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import func, select

from app import __version__
from app.errors import AppError, CardError, FileTooLarge, ProfileMissing, ReceiptUnknown
from app.export import cards, crypto, interchange, receipts
from app.export.canonical import MAX_FILE_BYTES
from app.export.measures import Measures
from app.files import read_input, write_new
from app.i18n import N_
from app.models.entities import Case, CaseTopic, ExportRecord, Profile, Recipient
from app.models.periods import Quarter, last_completed_quarter
from app.services import revisions
from app.services.changes import Change, ChangeKind
from app.services.confidant import aggregation
from app.services.storage.vault import Register

WARN_NOT_OVER = N_("This quarter is not over yet; contacts after today are not in the file.")
WARN_UNSEALED = N_(
    "No coordinator card has been imported, so the file will be signed but not sealed: "
    "anyone who finds the stick can read the counts. Import the coordinator's card first."
)
WARN_NO_TOPICS = N_("{n} open case(s) have no topic; they are counted without topic.")
WARN_ALREADY = N_(
    "This quarter was exported before (revision {revision}); this file will be revision "
    "{next} and replaces it at the coordinator."
)


@dataclass(frozen=True)
class ExportPreview:
    quarter: Quarter
    measures: Measures
    nil_return: bool
    revision: int
    supersedes: str | None
    sender_code: str
    component: str
    recipient: str | None  # code of the card the file will be sealed to
    warnings: tuple[tuple[str, dict[str, object]], ...]  # (msgid, params): translate to show


@dataclass(frozen=True)
class ExportResult:
    change: ClassVar[Change] = Change.of(ChangeKind.EXPORTS)
    path: Path
    sha256: str
    fingerprint: str  # of the file content, short, for the history and the PDF
    revision: int
    submission_id: str
    sealed: bool


@dataclass(frozen=True)
class HistoryRow:
    change: ClassVar[Change] = Change.of(ChangeKind.EXPORTS)  # a receipt came in for it
    quarter: str
    revision: int
    created_at: dt.datetime
    sha256: str
    file_name: str
    sealed: bool
    nil_return: bool
    received_at: dt.datetime | None


def _profile(register: Register) -> Profile:
    profile = register.profile()
    if profile is None:
        raise ProfileMissing()
    return profile


def _recipient(register: Register) -> Recipient | None:
    with register.session() as s:
        return revisions.active_recipient(s)


def _last_export(register: Register, quarter: Quarter, level: str) -> ExportRecord | None:
    with register.session() as s:
        return revisions.last_issued(s, quarter, level)


def default_quarter(today: dt.date) -> Quarter:
    return last_completed_quarter(today)


def preview(register: Register, quarter: Quarter, today: dt.date | None = None) -> ExportPreview:
    today = today or dt.date.today()
    profile = _profile(register)
    measures = aggregation.quarter_measures(register, quarter)
    recipient = _recipient(register)
    last = _last_export(register, quarter, "vp")
    warnings: list[tuple[str, dict[str, object]]] = []
    if today <= quarter.end:
        warnings.append((WARN_NOT_OVER, {}))
    if recipient is None:
        warnings.append((WARN_UNSEALED, {}))
    with register.session() as s:
        no_topic = s.scalar(
            select(func.count()).select_from(Case).where(
                Case.status == "open", ~Case.id.in_(select(CaseTopic.case_id))
            )
        ) or 0
    if no_topic:
        warnings.append((WARN_NO_TOPICS, {"n": no_topic}))
    if last is not None:
        warnings.append((WARN_ALREADY, {"revision": last.revision, "next": last.revision + 1}))
    return ExportPreview(
        quarter=quarter,
        measures=measures,
        nil_return=measures.is_zero(),
        revision=1 if last is None else last.revision + 1,
        supersedes=None if last is None else last.submission_id,
        sender_code=profile.code,
        component=profile.component,
        recipient=recipient.code if recipient else None,
        warnings=tuple(warnings),
    )


def file_name(code: str, quarter: Quarter | str, revision: int, level: str = "vp") -> str:
    safe = re.sub(r"[^A-Za-z0-9-]", "", code)
    kind = "" if level == "vp" else f"-{level}"
    return f"Vertrouwd-{quarter}-{safe}{kind}-r{revision}.json"


def short_fingerprint(sha256: str) -> str:
    """The first 80 bits of the file hash as four groups, to read aloud or compare on paper."""
    return " ".join(sha256[i : i + 5].upper() for i in range(0, 20, 5))


def export_quarter(
    register: Register,
    quarter: Quarter,
    out_dir: Path,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    new_submission_id: Callable[[], uuid.UUID] = uuid.uuid4,
    app_version: str = __version__,
    random_bytes: crypto.RandomBytes = os.urandom,
) -> ExportResult:
    """Record and write the quarter's file (revision n+1 if exported before): see
    ``app.services.revisions``, which forwarding shares.

    What varies from call to call comes in as arguments, so the same register content gives
    the same file when they are fixed (tools/make_golden.py): the clock (``today``, ``now``),
    the submission id, the program version written into the file, and the randomness of the
    sealing (``crypto.seal``; the program always uses the defaults).
    """
    today = today or dt.date.today()
    now = now or dt.datetime.now(dt.UTC)
    measures = aggregation.quarter_measures(register, quarter)
    profile = _profile(register)
    version = register.codelist_version(quarter.start)  # the list the quarter was recorded on
    sender = interchange.Sender(
        code=profile.code,
        component=profile.component,
        fingerprint=crypto.fingerprint_hex(profile.signing_public_key),
    )

    def build(submission_id: str, revision: int, supersedes: str | None) -> dict[str, Any]:
        return interchange.build_payload(
            measures=measures, submission_id=submission_id, revision=revision,
            supersedes=supersedes, created_at=now, app_version=app_version, level="vp",
            sender=sender, quarter=str(quarter), codelist_version=version,
        )

    issued = revisions.issue_revision(
        register, quarter=quarter, level="vp", out_dir=Path(out_dir),
        file_name=lambda revision: file_name(profile.code, quarter, revision), build=build,
        signing_private_key=profile.signing_private_key, now=now,
        new_submission_id=new_submission_id, random_bytes=random_bytes,
    )
    return ExportResult(issued.path, issued.sha256, short_fingerprint(issued.sha256),
                        issued.revision, issued.submission_id, issued.sealed)


def history(register: Register) -> list[HistoryRow]:
    """The confidant's own quarterly files. A coordinator who is a confidant as well also
    records the component files it forwards (level ``component``): those are not theirs."""
    with register.session() as s:
        rows = s.scalars(
            select(ExportRecord).where(ExportRecord.level == "vp")
            .order_by(ExportRecord.quarter.desc(), ExportRecord.revision.desc())
        ).all()
        return [HistoryRow(r.quarter, r.revision, r.created_at, r.sha256, r.file_name, r.sealed,
                           r.nil_return, r.received_at) for r in rows]


# --- cards ---------------------------------------------------------------------------------
def _card_role(profile: Profile) -> cards.Role:
    roles = profile.role_list
    if "central" in roles:
        return "central"
    if "coordinator" in roles:
        return "coordinator"
    return "vp"


def write_own_card(register: Register, out: Path, now: dt.datetime | None = None) -> Path:
    profile = _profile(register)
    data = cards.write_card(
        code=profile.code, component=profile.component, role=_card_role(profile),
        signing_private_key=profile.signing_private_key,
        sealing_public_key=profile.sealing_public_key,
        created_at=now or dt.datetime.now(dt.UTC),
    )
    out = Path(out)
    if out.is_dir():
        out = out / card_file_name(profile.code)
    return write_new(out, data)


def card_file_name(code: str) -> str:
    return f"Vertrouwd-kaart-{code}.json"


def read_interchange_file(path: Path) -> bytes:
    """A card, receipt or quarterly file from disk: an ordinary file of at most 1 MiB."""
    return read_input(Path(path), MAX_FILE_BYTES, FileTooLarge(limit=MAX_FILE_BYTES))


def own_fingerprint_groups(register: Register) -> str:
    return crypto.fingerprint_groups(_profile(register).signing_public_key)


def check_recipient_card(register: Register, data: bytes) -> cards.Card:
    """Read and check the card of whom this register reports to, without keeping it: the
    user compares its fingerprint by phone first, then ``keep_recipient_card`` stores it."""
    card = cards.read_card(data)
    profile = _profile(register)
    if card.fingerprint == crypto.fingerprint_hex(profile.signing_public_key):
        raise CardError(N_("This is this register's own card. Import your coordinator's card."))
    if card.role == "vp":
        raise CardError(N_("This is a confidant's card; files are sent to a coordinator."))
    if card.role == "coordinator" and card.component != profile.component:
        raise CardError(
            N_("This coordinator belongs to {other}, this register to {own}. Nothing was changed."),
            other=card.component, own=profile.component,
        )
    return card


def keep_recipient_card(register: Register, card: cards.Card) -> Change:
    """Make ``card`` (checked by ``check_recipient_card``) the one files are sealed to."""
    with register.session() as s:
        for old in s.scalars(select(Recipient)):
            old.active = False
        existing = s.scalars(
            select(Recipient).where(Recipient.fingerprint == card.fingerprint)
        ).first()
        if existing is not None:
            existing.active = True
        else:
            s.add(Recipient(
                code=card.code, component=card.component, role=card.role,
                signing_public_key=card.signing_public_key,
                sealing_public_key=card.sealing_public_key,
                fingerprint=card.fingerprint, active=True,
            ))
    return Change.of(ChangeKind.RECIPIENT)


def check_recipient_card_file(register: Register, path: Path) -> cards.Card:
    """``check_recipient_card`` of the card in the file ``path``."""
    return check_recipient_card(register, read_interchange_file(path))


def import_recipient_card(register: Register, path: Path) -> cards.Card:
    """The card of whom this register reports to: a coordinator (for a VP) or central."""
    card = check_recipient_card_file(register, path)
    keep_recipient_card(register, card)
    return card


def recipient_card(register: Register) -> Recipient | None:
    return _recipient(register)


# --- receipts ------------------------------------------------------------------------------
def import_receipt(register: Register, path: Path) -> HistoryRow:
    data = read_interchange_file(path)
    with register.session() as s:
        keys = [r.signing_public_key for r in s.scalars(select(Recipient))]
    if not keys:
        raise CardError(N_("Import your coordinator's card before importing a receipt."))
    last_error: Exception | None = None
    for key in keys:
        try:
            receipt = receipts.read_receipt(data, key)
            break
        except AppError as exc:
            last_error = exc
    else:
        assert last_error is not None
        raise last_error
    with register.session() as s:
        record = s.scalars(
            select(ExportRecord).where(
                ExportRecord.submission_id == receipt.submission_id,
                ExportRecord.revision == receipt.revision,
                ExportRecord.sha256 == receipt.sha256,
            )
        ).first()
        if record is None:
            raise ReceiptUnknown(quarter=receipt.period)
        record.received_at = dt.datetime.strptime(receipt.received_at, "%Y-%m-%dT%H:%M:%SZ")
        record.receipt_by = receipt.receiver_code
        return HistoryRow(record.quarter, record.revision, record.created_at, record.sha256,
                          record.file_name, record.sealed, record.nil_return, record.received_at)
