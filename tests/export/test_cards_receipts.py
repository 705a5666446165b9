from __future__ import annotations

import datetime as dt
import json
import random
import re

import pytest

from app import errors
from app.export import cards, crypto, interchange, receipts
from app.export.signed import sign_envelope

WHEN = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


def _card(
    role: cards.Role = "coordinator", component: str = "CZSK"
) -> tuple[bytes, crypto.KeyPair, crypto.KeyPair]:
    signing, sealing = crypto.new_signing_key(), crypto.new_sealing_key()
    data = cards.write_card(
        code="CVP-CZSK", component=component, role=role,
        signing_private_key=signing.private_key, sealing_public_key=sealing.public_key,
        created_at=WHEN,
    )
    return data, signing, sealing


def test_fingerprint_groups_are_eight_groups_of_five_digits() -> None:
    key = crypto.new_signing_key().public_key
    groups = crypto.fingerprint_groups(key)
    assert re.fullmatch(r"\d{5}( \d{5}){7}", groups)
    assert groups != crypto.fingerprint_groups(crypto.new_signing_key().public_key)
    assert len(crypto.fingerprint_hex(key)) == 64


def test_card_round_trip() -> None:
    data, signing, sealing = _card()
    card = cards.read_card(data)
    assert card.signing_public_key == signing.public_key
    assert card.sealing_public_key == sealing.public_key
    assert card.fingerprint == crypto.fingerprint_hex(signing.public_key)
    assert card.role == "coordinator" and card.component == "CZSK"
    assert cards.read_card(_card("central", "DEFENSIE")[0]).component == "DEFENSIE"


def test_card_with_someone_elses_key_is_refused() -> None:
    data, _, _ = _card()
    payload = json.loads(data)["payload"]
    with pytest.raises(errors.SignerMismatch):
        forged = sign_envelope(cards.FILE_FORMAT, payload, crypto.new_signing_key().private_key)
        cards.read_card(forged)


def test_card_bit_flips_are_refused() -> None:
    data, _, _ = _card()
    rng = random.Random(3)
    for _ in range(1000):
        bit = rng.randrange(len(data) * 8)
        damaged = bytearray(data)
        damaged[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(errors.InvalidImportFile):
            cards.read_card(bytes(damaged))


def test_card_of_unknown_component_is_refused() -> None:
    with pytest.raises(errors.UnknownComponent):
        _card(component="NAVO")


def test_receipt_round_trip_and_wrong_coordinator(valid_file: bytes) -> None:
    received = interchange.read_file(valid_file)
    coordinator = crypto.new_signing_key()
    data = receipts.write_receipt(
        received, receiver_code="CVP-CZSK", received_at=WHEN,
        signing_private_key=coordinator.private_key,
    )
    receipt = receipts.read_receipt(data, coordinator.public_key)
    assert (receipt.submission_id, receipt.revision, receipt.sha256) == (
        received.submission_id, received.revision, received.sha256,
    )
    assert receipt.received_at == "2026-01-05T10:00:00Z"
    with pytest.raises(errors.UnexpectedSigner):
        receipts.read_receipt(data, crypto.new_signing_key().public_key)
    damaged = data.replace(b'"revision":1', b'"revision":2')
    with pytest.raises(errors.SignatureInvalid):
        receipts.read_receipt(damaged, coordinator.public_key)
    with pytest.raises(errors.UnknownFormat):
        receipts.read_receipt(valid_file, coordinator.public_key)
