"""The confidant's link with the coordinator: whose card the quarterly files are sealed to
(checked, compared by phone, then kept; a known code with another key only when the user
chooses it) and the receipts that say a quarterly file arrived."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import (
    AppError,
    CardError,
    CoordinatorKeyChanged,
    ReceiptContradicts,
    ReceiptOtherSender,
)
from app.export import cards, crypto, receipts
from app.i18n import N_
from app.models.entities import ExportRecord, Recipient
from app.services import revisions
from app.services.changes import Change, ChangeKind
from app.services.confidant import exporting
from app.services.storage.vault import Register


def check_recipient_card(register: Register, data: bytes) -> cards.Card:
    """Read and check the card of whom this register reports to, without keeping it: the
    user compares its fingerprint by phone first, then ``keep_recipient_card`` stores it."""
    card = cards.read_card(data)
    profile = exporting.own_profile(register)
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
    return check_recipient_card(register, exporting.read_interchange_file(path))


def import_recipient_card(register: Register, path: Path, *, replace: bool = False) -> cards.Card:
    """The card of whom this register reports to: a coordinator (for a VP) or central.
    ``replace``: see ``keep_recipient_card``."""
    card = check_recipient_card_file(register, path)
    keep_recipient_card(register, card, replace=replace)
    return card


def recipient_card(register: Register) -> Recipient | None:
    """The card the quarterly files are sealed to now, or None."""
    with register.session() as s:
        return revisions.active_recipient(s)


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


def import_receipt(register: Register, path: Path) -> exporting.HistoryRow:
    """Note that a file arrived. A receipt for a file of this register that the register does
    not know (a backup restored after the export, or the export made on another copy of the
    register) teaches the register what was sent: its revision, submission number and file
    hash are recorded, so the next export continues after it instead of being refused at the
    coordinator. What the receipt does not say (sealed, nil return) is recorded as not known:
    not sealed, not a nil return; the file name is the one this program gives that revision."""
    receipt, signer = _read_receipt(register, exporting.read_interchange_file(path))
    profile = exporting.own_profile(register)
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
                file_name=exporting.file_name(profile.code, receipt.period, receipt.revision,
                                              level),
                sealed=False, nil_return=False, created_at=received_at)
            s.add(record)
        record.received_at = received_at
        record.receipt_by = receipt.receiver_code
        s.flush()
        return exporting.HistoryRow(
            record.quarter, record.revision, record.created_at, record.sha256, record.file_name,
            record.sealed, record.nil_return, record.received_at, learned)
