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
from sqlalchemy.orm import Session

from app import __version__
from app.errors import (
    AppError,
    CardError,
    CoordinatorKeyChanged,
    FileTooLarge,
    ProfileMissing,
    QuarterNotBegun,
    ReceiptContradicts,
    ReceiptOtherSender,
    ValidationError,
)
from app.export import cards, crypto, interchange, receipts
from app.export.canonical import MAX_FILE_BYTES
from app.export.measures import Measures
from app.files import read_input, write_new
from app.i18n import N_
from app.models import codelists
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
NOT_ON_LIST = N_(
    "{n} case(s) opened in {quarter} carry topics that are not on topic list {version}, which "
    "this register records that quarter with ({topics}); the file would leave them out. "
    "Give those cases a topic of the list and export again. No file was written."
)
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
    learned: bool = False  # recorded from the receipt: the register had no record of the file


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


def check_begun(quarter: Quarter, today: dt.date) -> None:
    """QuarterNotBegun for a quarter that starts after ``today``: the file would be refused
    everywhere, and most often the computer's clock is what is wrong (years behind)."""
    if today < quarter.start:
        raise QuarterNotBegun(quarter=str(quarter), today=today.isoformat())


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


def _check_topics(register: Register, quarter: Quarter, version: str) -> None:
    """Refuse (ValidationError) a quarter whose cases carry topics its list does not have (a
    register made on a list whose content was corrected since): the file lists the codes of
    its list only, so those counts would be lost without a word."""
    known = codelists.CodeLists.codes(codelists.load(version).topics)
    with register.session() as s:
        foreign = s.execute(
            select(CaseTopic.case_id, CaseTopic.topic).join(Case, Case.id == CaseTopic.case_id)
            .where(Case.opened_on.between(quarter.start, quarter.end),
                   CaseTopic.topic.not_in(known))
        ).all()
    if foreign:
        raise ValidationError(NOT_ON_LIST, n=len({c for c, _ in foreign}), quarter=str(quarter),
                              version=version, topics=", ".join(sorted({t for _, t in foreign})))


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
    check_begun(quarter, today)  # the coordinator would refuse it (measures.implausibilities)
    measures = aggregation.quarter_measures(register, quarter)
    profile = _profile(register)
    version = register.codelist_version(quarter.start)  # the list the quarter was recorded on
    _check_topics(register, quarter, version)
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


@dataclass(frozen=True)
class KeyChange:
    """A card that gives a coordinator code this register knows another key: the fingerprint
    groups of the key kept so far and of the card's key, to compare by phone."""

    code: str
    old_fingerprint: str
    new_fingerprint: str


def _key_change(s: Session, card: cards.Card) -> KeyChange | None:
    """The key this register holds for ``card.code`` (the active card of that code, else the
    latest one), when it differs from the card's. Codes are compared case-folded, so a code
    spelled otherwise is the same coordinator."""
    same_code = [r for r in s.scalars(
        select(Recipient).order_by(Recipient.imported_at.desc(), Recipient.id.desc()))
        if r.code.casefold() == card.code.casefold()]
    if not same_code:
        return None
    current = next((r for r in same_code if r.active), same_code[0])
    if current.fingerprint == card.fingerprint:
        return None
    return KeyChange(card.code, crypto.fingerprint_groups(current.signing_public_key),
                     card.fingerprint_groups)


def key_change(register: Register, card: cards.Card) -> KeyChange | None:
    """Whether ``card`` replaces the key of a coordinator code this register already knows."""
    with register.session() as s:
        return _key_change(s, card)


def keep_recipient_card(register: Register, card: cards.Card, *, replace: bool = False
                        ) -> Change:
    """Make ``card`` (checked by ``check_recipient_card``) the one files are sealed to.

    A card that gives a known code another key is refused (``CoordinatorKeyChanged``, naming
    both fingerprints) unless ``replace`` says the user saw both and chose the new one."""
    with register.session() as s:
        change = _key_change(s, card)
        if change is not None and not replace:
            raise CoordinatorKeyChanged(code=change.code, old=change.old_fingerprint,
                                        new=change.new_fingerprint)
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


def import_recipient_card(register: Register, path: Path, *, replace: bool = False) -> cards.Card:
    """The card of whom this register reports to: a coordinator (for a VP) or central.
    ``replace``: see ``keep_recipient_card``."""
    card = check_recipient_card_file(register, path)
    keep_recipient_card(register, card, replace=replace)
    return card


def recipient_card(register: Register) -> Recipient | None:
    return _recipient(register)


# --- receipts ------------------------------------------------------------------------------
def _read_receipt(register: Register, data: bytes) -> tuple[receipts.Receipt, Recipient]:
    """The receipt, verified with the key of one of the cards this register imported."""
    with register.session() as s:
        known = list(s.scalars(select(Recipient)))
        for r in known:
            s.expunge(r)
    if not known:
        raise CardError(N_("Import your coordinator's card before importing a receipt."))
    last_error: Exception | None = None
    for recipient in known:
        try:
            return receipts.read_receipt(data, recipient.signing_public_key), recipient
        except AppError as exc:
            last_error = exc
    assert last_error is not None
    raise last_error


def import_receipt(register: Register, path: Path) -> HistoryRow:
    """Note that a file arrived. A receipt for a file of this register that the register does
    not know (a backup restored after the export, or the export made on another copy of the
    register) teaches the register what was sent: its revision, submission number and file
    hash are recorded, so the next export continues after it instead of being refused at the
    coordinator. What the receipt does not say (sealed, nil return) is recorded as not known:
    not sealed, not a nil return; the file name is the one this program gives that revision."""
    receipt, signer = _read_receipt(register, read_interchange_file(path))
    profile = _profile(register)
    if receipt.sender_code != profile.code:
        raise ReceiptOtherSender(sender=receipt.sender_code, own=profile.code)
    received_at = dt.datetime.strptime(receipt.received_at, "%Y-%m-%dT%H:%M:%SZ")
    with register.session() as s:
        known = s.scalars(select(ExportRecord).where(
            (ExportRecord.submission_id == receipt.submission_id)
            | (ExportRecord.sha256 == receipt.sha256))).all()
        record = next((r for r in known if (r.submission_id, r.revision, r.sha256) == (
            receipt.submission_id, receipt.revision, receipt.sha256)), None)
        if record is None and known:
            raise ReceiptContradicts(revision=receipt.revision, quarter=receipt.period)
        learned = record is None
        if record is None:
            level = "component" if signer.role == "central" else "vp"
            record = ExportRecord(
                quarter=receipt.period, level=level, submission_id=receipt.submission_id,
                revision=receipt.revision, supersedes=None, sha256=receipt.sha256,
                file_name=file_name(profile.code, receipt.period, receipt.revision, level),
                sealed=False, nil_return=False, created_at=received_at)
            s.add(record)
        record.received_at = received_at
        record.receipt_by = receipt.receiver_code
        s.flush()
        return HistoryRow(record.quarter, record.revision, record.created_at, record.sha256,
                          record.file_name, record.sealed, record.nil_return, record.received_at,
                          learned)
