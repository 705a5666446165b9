from __future__ import annotations

import json
import random
from typing import Any

import jsonschema
import pytest

from app import errors
from app.export import crypto, interchange, schema
from app.export.canonical import MAX_FILE_BYTES
from app.export.measures import DEFINITIONS, Measures

from .factories import edited, resign, sample_measures, vp_payload


def test_round_trip_unsealed(vp_key: crypto.KeyPair) -> None:
    payload = vp_payload(vp_key)
    data = interchange.write_file(payload, vp_key.private_key)
    result = interchange.read_file(data)
    assert result.payload == payload
    assert result.measures == sample_measures()
    assert result.signer_public_key == vp_key.public_key
    assert result.signer_fingerprint == crypto.fingerprint_hex(vp_key.public_key)
    assert result.sha256 == result.received_sha256
    assert not result.sealed
    assert result.source_ref().sender_code == "VP-0001"


def test_written_payload_validates_against_shipped_schema(vp_key: crypto.KeyPair) -> None:
    document = json.loads(interchange.write_file(vp_payload(vp_key), vp_key.private_key))
    jsonschema.Draft202012Validator(schema.load_schema(schema.QUARTERLY)).validate(
        document["payload"]
    )
    jsonschema.Draft202012Validator(schema.load_schema(schema.SIGNED_FILE)).validate(document)
    assert document["payload"]["measures"]["topics"]["stalking"] == 0  # zeros written out


def test_schema_states_the_definitions_the_code_uses() -> None:
    props = schema.load_schema(schema.QUARTERLY)["properties"]["definitions"]["properties"]
    assert {k: v["const"] for k, v in props.items()} == dict(DEFINITIONS)


def test_sealed_round_trip_and_identity(
    vp_key: crypto.KeyPair, coordinator_sealing: crypto.KeyPair, valid_file: bytes
) -> None:
    payload = json.loads(valid_file)["payload"]
    sealed_a = interchange.write_file(payload, vp_key.private_key, coordinator_sealing.public_key)
    sealed_b = interchange.write_file(payload, vp_key.private_key, coordinator_sealing.public_key)
    assert sealed_a != sealed_b
    assert b"pesten" not in sealed_a
    a = interchange.read_file(sealed_a, coordinator_sealing.private_key)
    b = interchange.read_file(sealed_b, coordinator_sealing.private_key)
    plain = interchange.read_file(valid_file)
    assert a.sealed and a.payload == payload
    assert a.sha256 == b.sha256 == plain.sha256 != a.received_sha256


def test_sealed_file_needs_the_recipient_key(
    vp_key: crypto.KeyPair, coordinator_sealing: crypto.KeyPair, valid_file: bytes
) -> None:
    payload = json.loads(valid_file)["payload"]
    sealed = interchange.write_file(payload, vp_key.private_key, coordinator_sealing.public_key)
    with pytest.raises(errors.SealedNoKey) as caught:
        interchange.read_file(sealed)
    assert crypto.fingerprint_groups(coordinator_sealing.public_key) in caught.value.message
    with pytest.raises(errors.SealedForOtherRecipient):
        interchange.read_file(sealed, crypto.new_sealing_key().private_key)


def test_sealed_file_relabelled_for_another_recipient_is_refused(
    vp_key: crypto.KeyPair, coordinator_sealing: crypto.KeyPair, valid_file: bytes
) -> None:
    payload = json.loads(valid_file)["payload"]
    sealed = json.loads(
        interchange.write_file(payload, vp_key.private_key, coordinator_sealing.public_key)
    )
    thief = crypto.new_sealing_key()
    sealed["recipient_fingerprint"] = crypto.fingerprint_hex(thief.public_key)
    relabelled = json.dumps(sealed, sort_keys=True, separators=(",", ":")).encode()
    with pytest.raises(errors.SealedDamaged):
        interchange.read_file(relabelled, thief.private_key)


@pytest.mark.slow
def test_ten_thousand_single_bit_flips_are_all_refused(
    vp_key: crypto.KeyPair, coordinator_sealing: crypto.KeyPair, valid_file: bytes
) -> None:
    payload = json.loads(valid_file)["payload"]
    sealed = interchange.write_file(payload, vp_key.private_key, coordinator_sealing.public_key)
    rng = random.Random(20260101)
    kinds: set[type] = set()
    for n in range(10_000):
        original = valid_file if n % 2 else sealed
        bit = rng.randrange(len(original) * 8)
        damaged = bytearray(original)
        damaged[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(errors.InvalidImportFile) as caught:
            interchange.read_file(bytes(damaged), coordinator_sealing.private_key)
        kinds.add(type(caught.value))
    assert {errors.SignatureInvalid, errors.SealedDamaged, errors.MalformedJson} <= kinds


def test_file_signed_by_another_key_is_refused(
    vp_key: crypto.KeyPair, other_key: crypto.KeyPair, valid_file: bytes
) -> None:
    document = json.loads(valid_file)
    forged_value = crypto.sign(other_key.private_key, b"anything")
    document["signature"]["value"] = crypto.b64encode(forged_value)
    with pytest.raises(errors.SignatureInvalid):
        interchange.read_file(json.dumps(document, sort_keys=True, separators=(",", ":")).encode())
    # Re-signed as a whole by another key: verifies, but is not the sender it names.
    with pytest.raises(errors.SignerMismatch) as caught:
        interchange.read_file(resign(document["payload"], other_key))
    assert crypto.fingerprint_groups(other_key.public_key) in caught.value.message


def test_file_without_signature_is_refused(valid_file: bytes) -> None:
    document = json.loads(valid_file)
    del document["signature"]
    with pytest.raises(errors.SignatureMissing):
        interchange.read_file(json.dumps(document, sort_keys=True, separators=(",", ":")).encode())


def test_non_canonical_layout_is_refused(valid_file: bytes) -> None:
    with pytest.raises(errors.NotCanonical):
        interchange.read_file(json.dumps(json.loads(valid_file), indent=1).encode())


def _replace(data: bytes, old: str, new: str) -> bytes:
    assert old.encode() in data
    return data.replace(old.encode(), new.encode(), 1)


# Damage at parse level: the file is refused before its signature is even looked at.
def test_parse_level_refusals(valid_file: bytes) -> None:
    cases: list[tuple[bytes, type[errors.InvalidImportFile]]] = [
        (_replace(valid_file, '"cases_new":3', '"cases_new":3,"cases_new":4'), errors.DuplicateKey),
        (_replace(valid_file, '"cases_new":3', '"cases_new":NaN'), errors.NonFiniteNumber),
        (_replace(valid_file, '"cases_new":3', '"cases_new":Infinity'), errors.NonFiniteNumber),
        (_replace(valid_file, '"cases_new":3', '"cases_new":3.0'), errors.FractionalNumber),
        (_replace(valid_file, '"cases_new":3', '"cases_new":99999999999999999999'),
         errors.NumberTooLarge),
        (valid_file + b" " * MAX_FILE_BYTES, errors.FileTooLarge),
        (b"", errors.EmptyFile),
    ]
    for data, error in cases:
        with pytest.raises(error):
            interchange.read_file(data)


def test_non_utf8_bytes_are_refused(valid_file: bytes) -> None:
    damaged = valid_file.replace(b"0.1.0", b"0.1.\xff")
    with pytest.raises(errors.NotUtf8):
        interchange.read_file(damaged)


def test_random_bytes_are_refused() -> None:
    rng = random.Random(7)
    for size in (1, 10, 1000, 100_000):
        with pytest.raises((errors.NotUtf8, errors.MalformedJson)):
            interchange.read_file(rng.randbytes(size))


def test_truncated_at_every_tenth_is_refused(valid_file: bytes) -> None:
    for tenth in range(10):
        cut = valid_file[: len(valid_file) * tenth // 10]
        expected = errors.EmptyFile if tenth == 0 else errors.MalformedJson
        with pytest.raises(expected):
            interchange.read_file(cut)


def _set(path: str, value: Any) -> Any:
    def change(p: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for part in parents:
            p = p[part]
        p[last] = value

    return change


def _delete(path: str) -> Any:
    def change(p: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for part in parents:
            p = p[part]
        del p[last]

    return change


# Correctly signed files whose content breaks a rule: each refused with its own sentence.
SEMANTIC = [
    ("negative count", _set("measures.cases_closed", -1), errors.NegativeNumber),
    ("count too large", _set("measures.cases_closed", 10_000_001), errors.CountOutOfRange),
    ("unknown field", _set("remarks", "hello"), errors.UnknownField),
    ("unknown measure", _set("measures.hours", 3), errors.UnknownField),
    ("missing field", _delete("measures.cases_new"), errors.MissingField),
    ("wrong type", _set("measures.cases_new", "3"), errors.WrongType),
    ("format version", _set("format_version", 2), errors.UnsupportedFormatVersion),
    ("other format", _set("format", "something-else"), errors.UnknownFormat),
    ("bad quarter", _set("period.quarter", "2025-Q5"), errors.InvalidPeriod),
    ("too early", _set("period", {"quarter": "1999-Q4", "interval": "1999-10-01/P3M"}),
     errors.InvalidPeriod),
    ("too late", _set("period", {"quarter": "2099-Q1", "interval": "2099-01-01/P3M"}),
     errors.InvalidPeriod),
    ("interval mismatch", _set("period.interval", "2025-01-01/P3M"), errors.InvalidPeriod),
    ("codelist version", _set("codelist.version", "2031.1"), errors.UnknownCodelistVersion),
    ("unknown topic", _set("measures.topics.vechten", 0), errors.UnknownCode),
    ("bad code key", _set("measures.topics.Pesten!", 0), errors.InvalidValue),
    ("component", _set("sender.component", "NAVO"), errors.UnknownComponent),
    ("nil return", _set("nil_return", True), errors.NilReturnNotEmpty),
    ("topic above cases", _set("measures.topics.pesten", 4), errors.InconsistentMeasures),
    ("revision", _set("revision", 2), errors.RevisionInconsistent),
    ("vp with sources", _set("sources", []), errors.LevelRuleViolation),
    ("created_at", _set("created_at", "2025-13-45T99:00:00Z"), errors.InvalidValue),
    ("definition", _set("definitions.topics", "Cases."), errors.InvalidValue),
]


@pytest.mark.parametrize(("label", "change", "error"), SEMANTIC, ids=[s[0] for s in SEMANTIC])
def test_semantic_refusals(
    vp_key: crypto.KeyPair, valid_file: bytes, label: str, change: Any, error: type
) -> None:
    payload = edited(json.loads(valid_file)["payload"], change)
    with pytest.raises(error) as caught:
        interchange.read_file(resign(payload, vp_key))
    assert type(caught.value) is error
    with pytest.raises(error):  # the writer refuses what the reader refuses
        interchange.write_file(payload, vp_key.private_key)


def test_refusal_sentences_differ_per_category(vp_key: crypto.KeyPair, valid_file: bytes) -> None:
    by_class: dict[type, str] = {}
    for _, change, error in SEMANTIC:
        payload = edited(json.loads(valid_file)["payload"], change)
        with pytest.raises(errors.InvalidImportFile) as caught:
            interchange.read_file(resign(payload, vp_key))
        by_class.setdefault(error, caught.value.msgid)
    assert len(set(by_class.values())) == len(by_class)
    # Messages name the offending field, so the coordinator can tell the VP what is wrong.
    payload = edited(json.loads(valid_file)["payload"], _set("measures.topics.vechten", 0))
    with pytest.raises(errors.UnknownCode) as caught:
        interchange.read_file(resign(payload, vp_key))
    assert "vechten" in caught.value.message and "2026.1" in caught.value.message


def test_envelope_format_version_is_checked(valid_file: bytes) -> None:
    document = json.loads(valid_file)
    document["format_version"] = 2
    with pytest.raises(errors.UnsupportedFormatVersion):
        interchange.read_file(json.dumps(document, sort_keys=True, separators=(",", ":")).encode())


def test_nil_return(vp_key: crypto.KeyPair) -> None:
    payload = vp_payload(vp_key, Measures())
    assert payload["nil_return"] is True
    result = interchange.read_file(interchange.write_file(payload, vp_key.private_key))
    assert result.nil_return and result.measures.is_zero()
    flagged_false = edited(payload, _set("nil_return", False))
    with pytest.raises(errors.NilReturnNotEmpty):
        interchange.read_file(resign(flagged_false, vp_key))


def test_keys_never_appear_in_repr(vp_key: crypto.KeyPair) -> None:
    assert crypto.b64encode(vp_key.private_key) not in repr(vp_key)
    assert vp_key.private_key.hex() not in repr(vp_key)


def test_signer_not_on_roster_is_refused_with_readable_fingerprint(
    vp_key: crypto.KeyPair, other_key: crypto.KeyPair, valid_file: bytes
) -> None:
    verified = interchange.read_file(valid_file)
    interchange.require_enrolled(verified, [other_key.public_key, vp_key.public_key])
    with pytest.raises(errors.SignerNotEnrolled) as caught:
        interchange.require_enrolled(verified, [other_key.public_key])
    assert crypto.fingerprint_groups(vp_key.public_key) in caught.value.message
