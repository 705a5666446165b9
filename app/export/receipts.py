"""Receipts: the coordinator's signed acknowledgement that a quarterly file arrived.

The VP reads it back with the coordinator's public key from the card it enrolled, and matches
it to its own submission by ``submission_id``, ``revision`` and ``sha256``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.errors import SignerMismatch, UnexpectedSigner
from app.export import crypto, schema
from app.export.canonical import parse_strict
from app.export.interchange import VerifiedFile
from app.export.signed import check_format, open_envelope, sign_envelope

FILE_FORMAT = "vertrouwd-receipt-file"
PAYLOAD_FORMAT = "vertrouwd-receipt"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Receipt:
    submission_id: str
    revision: int
    sha256: str
    period: str
    sender_code: str
    received_at: str
    receiver_code: str
    receiver_fingerprint: str


def write_receipt(
    received: VerifiedFile,
    *,
    receiver_code: str,
    received_at: dt.datetime,
    signing_private_key: bytes,
) -> bytes:
    return write_receipt_for(
        submission_id=received.submission_id, revision=received.revision,
        sha256=received.sha256, period=received.quarter, sender_code=received.sender.code,
        receiver_code=receiver_code, received_at=received_at,
        signing_private_key=signing_private_key)


def write_receipt_for(
    *,
    submission_id: str,
    revision: int,
    sha256: str,
    period: str,
    sender_code: str,
    receiver_code: str,
    received_at: dt.datetime,
    signing_private_key: bytes,
) -> bytes:
    """The receipt of a file known by what the register kept of it (re-issuing one later
    gives the same bytes as at the import: the same fields, the same time of arrival)."""
    public_key = crypto.signing_public_key(signing_private_key)
    payload: dict[str, Any] = {
        "format": PAYLOAD_FORMAT,
        "format_version": FORMAT_VERSION,
        "submission_id": submission_id,
        "revision": revision,
        "sha256": sha256,
        "period": period,
        "sender_code": sender_code,
        "received_at": received_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "receiver_code": receiver_code,
        "receiver_fingerprint": crypto.fingerprint_hex(public_key),
    }
    schema.validate(schema.RECEIPT, payload)
    return sign_envelope(FILE_FORMAT, payload, signing_private_key)


def read_receipt(data: bytes, coordinator_public_key: bytes) -> Receipt:
    """Verify a receipt signed by the coordinator whose signing key the caller knows."""
    content = open_envelope(parse_strict(data), data, FILE_FORMAT)
    expected = crypto.fingerprint_hex(coordinator_public_key)
    if content.signer_public_key != coordinator_public_key:
        raise UnexpectedSigner(fingerprint=crypto.groups_of_fingerprint(content.signer_fingerprint),
                               expected=crypto.groups_of_fingerprint(expected))
    payload = content.payload
    check_format(payload, PAYLOAD_FORMAT, FORMAT_VERSION)
    schema.validate(schema.RECEIPT, payload)
    if payload["receiver_fingerprint"] != expected:
        raise SignerMismatch(fingerprint=crypto.groups_of_fingerprint(content.signer_fingerprint))
    fields = {k: v for k, v in payload.items() if k not in ("format", "format_version")}
    return Receipt(**fields)
