"""The signed envelope shared by quarterly files, enrolment cards and receipts.

    {"format": <file format>, "format_version": 1, "payload": {...},
     "signature": {"alg": "ed25519", "public_key": b64, "fingerprint": hex, "value": b64}}

The signature covers the canonical JSON of the payload; the whole file is canonical JSON too,
so one meaning has exactly one spelling and its SHA-256 identifies it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from app.errors import (
    InvalidValue,
    MissingField,
    NotCanonical,
    SignatureInvalid,
    SignatureMissing,
    UnknownField,
    UnknownFormat,
    UnsupportedFormatVersion,
    WrongType,
)
from app.export import crypto
from app.export.canonical import canonical_bytes, canonical_bytes_of_parsed

ENVELOPE_VERSION = 1
SIGNATURE_ALG = "ed25519"
_ENVELOPE_KEYS = frozenset({"format", "format_version", "payload", "signature"})
_SIGNATURE_KEYS = frozenset({"alg", "public_key", "fingerprint", "value"})


@dataclass(frozen=True)
class SignedContent:
    payload: dict[str, Any]
    signer_public_key: bytes
    signer_fingerprint: str
    sha256: str  # of the signed file's exact bytes


def sign_envelope(file_format: str, payload: dict[str, Any], signing_private_key: bytes) -> bytes:
    """Sign ``payload`` as is; callers validate it first."""
    public_key = crypto.signing_public_key(signing_private_key)
    signature = crypto.sign(signing_private_key, canonical_bytes(payload))
    return canonical_bytes(
        {
            "format": file_format,
            "format_version": ENVELOPE_VERSION,
            "payload": payload,
            "signature": {
                "alg": SIGNATURE_ALG,
                "public_key": crypto.b64encode(public_key),
                "fingerprint": crypto.fingerprint_hex(public_key),
                "value": crypto.b64encode(signature),
            },
        }
    )


def check_format(document: dict[str, Any], expected: str, version: int) -> None:
    if document.get("format") != expected:
        raise UnknownFormat(expected=expected)
    found = document.get("format_version")
    if found != version or isinstance(found, bool):
        raise UnsupportedFormatVersion(found=str(found)[:16], supported=version)


def open_envelope(document: dict[str, Any], data: bytes, file_format: str) -> SignedContent:
    """Verify the envelope parsed from ``data``; the payload is not interpreted here."""
    check_format(document, file_format, ENVELOPE_VERSION)
    if "signature" not in document:
        raise SignatureMissing()
    # The envelope is checked by hand, not with jsonschema: it is tiny, and this runs on every
    # file before anything else (resources/schema/vertrouwd-signed-file-v1 documents it).
    require_exact_keys(document, _ENVELOPE_KEYS)
    signature = document["signature"]
    if not isinstance(document["payload"], dict):
        raise WrongType(field="payload")
    if not isinstance(signature, dict):
        raise WrongType(field="signature")
    require_exact_keys(signature, _SIGNATURE_KEYS, "signature.")
    for key in sorted(_SIGNATURE_KEYS):
        if not isinstance(signature[key], str):
            raise WrongType(field=f"signature.{key}")
    if signature["alg"] != SIGNATURE_ALG:
        raise InvalidValue(field="signature.alg")
    public_key = crypto.b64decode_canonical(signature["public_key"], crypto.KEY_BYTES)
    value = crypto.b64decode_canonical(signature["value"], crypto.SIGNATURE_BYTES)
    claimed = signature["fingerprint"]
    if public_key is None or value is None or crypto.fingerprint_hex(public_key) != claimed:
        raise SignatureInvalid(fingerprint=crypto.groups_of_fingerprint(claimed))
    payload: dict[str, Any] = document["payload"]
    if not crypto.verify(public_key, value, canonical_bytes_of_parsed(payload)):
        raise SignatureInvalid(fingerprint=crypto.groups_of_fingerprint(claimed))
    if canonical_bytes_of_parsed(document) != data:
        raise NotCanonical()
    return SignedContent(payload, public_key, claimed, hashlib.sha256(data).hexdigest())


def require_exact_keys(obj: dict[str, Any], keys: frozenset[str], prefix: str = "") -> None:
    extra = sorted(set(obj) - keys)
    if extra:
        raise UnknownField(field=prefix + extra[0][:64])
    missing = sorted(keys - set(obj))
    if missing:
        raise MissingField(field=prefix + missing[0])
