"""Enrolment cards: a register's code, component, role and public keys, self-signed.

The coordinator imports a VP's card into the roster after comparing ``fingerprint_groups``
in person or by phone; the VP imports the coordinator's card to seal files to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, cast

from app.errors import SignerMismatch, UnknownComponent
from app.export import crypto, schema
from app.export.canonical import parse_strict
from app.export.interchange import CENTRAL_COMPONENT
from app.export.signed import check_format, open_envelope, sign_envelope
from app.models import codelists

FILE_FORMAT = "vertrouwd-card-file"
PAYLOAD_FORMAT = "vertrouwd-card"
FORMAT_VERSION = 1

Role = Literal["vp", "coordinator", "central"]


@dataclass(frozen=True)
class Card:
    code: str
    component: str
    role: Role
    signing_public_key: bytes
    sealing_public_key: bytes
    created_at: str

    @property
    def fingerprint(self) -> str:
        return crypto.fingerprint_hex(self.signing_public_key)

    @property
    def fingerprint_groups(self) -> str:
        return crypto.fingerprint_groups(self.signing_public_key)


def write_card(
    *,
    code: str,
    component: str,
    role: Role,
    signing_private_key: bytes,
    sealing_public_key: bytes,
    created_at: dt.datetime,
) -> bytes:
    signing_public_key = crypto.signing_public_key(signing_private_key)
    payload: dict[str, Any] = {
        "format": PAYLOAD_FORMAT,
        "format_version": FORMAT_VERSION,
        "code": code,
        "component": component,
        "role": role,
        "signing_public_key": crypto.b64encode(signing_public_key),
        "sealing_public_key": crypto.b64encode(sealing_public_key),
        "fingerprint": crypto.fingerprint_hex(signing_public_key),
        "created_at": created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    _check_card_payload(payload, signing_public_key)
    return sign_envelope(FILE_FORMAT, payload, signing_private_key)


def read_card(data: bytes) -> Card:
    content = open_envelope(parse_strict(data), data, FILE_FORMAT)
    return _check_card_payload(content.payload, content.signer_public_key)


def _check_card_payload(payload: dict[str, Any], signer_public_key: bytes) -> Card:
    check_format(payload, PAYLOAD_FORMAT, FORMAT_VERSION)
    schema.validate(schema.CARD, payload)
    signing = crypto.b64decode_canonical(payload["signing_public_key"], crypto.KEY_BYTES)
    sealing = crypto.b64decode_canonical(payload["sealing_public_key"], crypto.KEY_BYTES)
    fingerprint = crypto.fingerprint_hex(signer_public_key)
    if signing != signer_public_key or payload["fingerprint"] != fingerprint or sealing is None:
        raise SignerMismatch(fingerprint=crypto.groups_of_fingerprint(fingerprint))
    lists = codelists.load()
    allowed = (
        {CENTRAL_COMPONENT} if payload["role"] == "central" else lists.codes(lists.components)
    )
    if payload["component"] not in allowed:
        raise UnknownComponent(component=payload["component"])
    return Card(
        code=payload["code"],
        component=payload["component"],
        role=cast(Role, payload["role"]),
        signing_public_key=signing,
        sealing_public_key=sealing,
        created_at=payload["created_at"],
    )
