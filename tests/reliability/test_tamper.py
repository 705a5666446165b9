"""Wrong passphrases and tampered key files: refused with a sentence, never accepted, never a
crash, and nothing on disk changes."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

from app.errors import AppError, KeyFileDamaged, KeyFileWeakened, WrongPassphrase
from app.models import keyfile, register_files
from app.models.keyfile import KdfParams, KeyFile
from app.services.storage import vault
from tests.conftest import PASSPHRASE, snapshot
from tests.reliability import _harness as h

pytestmark = pytest.mark.reliability

REFUSALS = (KeyFileDamaged, WrongPassphrase, KeyFileWeakened)


def _with_checksum(body: dict) -> bytes:  # type: ignore[type-arg]
    """What an attacker can do: the checksum is not a secret, so recompute it."""
    body = dict(body)
    body.pop("checksum", None)
    body["checksum"] = hashlib.sha256(keyfile._canonical(body)).hexdigest()
    return json.dumps(body, indent=1, sort_keys=True).encode()


def test_wrong_passphrases_and_tampered_key_files_are_refused(
    register_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(register_dir)
    rng = random.Random(h.SEED)

    # 1. A hundred wrong passphrases (near misses included): always WrongPassphrase.
    wrong = 0
    for i in range(h.scaled(100)):
        guess = rng.choice([PASSPHRASE[:-1], PASSPHRASE.upper(), PASSPHRASE + " ", "",
                            f"{PASSPHRASE}{i}", PASSPHRASE.replace("e", "é", 1)])
        with pytest.raises(WrongPassphrase):
            vault.unlock(register_dir, guess)
        wrong += 1
    assert snapshot(register_dir) == before

    # 2. Every byte position altered (two different alterations each).
    key = register_files.key_path(register_dir)
    original = key.read_bytes()
    outcomes: dict[str, int] = {}
    for pos in range(len(original)):
        for flip in (0x01, 0x20):
            data = bytearray(original)
            data[pos] ^= flip
            key.write_bytes(bytes(data))
            try:
                vault.unlock(register_dir, PASSPHRASE).close()
                outcome = "ACCEPTED"
            except REFUSALS as exc:
                outcome = type(exc).__name__
            except Exception as exc:  # noqa: BLE001 - a crash is what we are looking for
                outcome = f"CRASH {exc!r}"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    key.write_bytes(original)
    assert set(outcomes) <= {c.__name__ for c in REFUSALS}, outcomes
    assert snapshot(register_dir) == before

    # 3. Structured tampering with a recomputed checksum: every field set to odd values.
    body = json.loads(original)
    slot = body["slots"]["passphrase"]
    odd_values = [None, 0, -1, 2**63, "", "AAAA", "é", [], {}, True, 1.5, "A" * 10000]
    structured: dict[str, int] = {}
    targets = [("register_id",), ("version",), ("format",), ("slots",), ("slots", "passphrase"),
               ("slots", "recovery")] + [("slots", "passphrase", k) for k in slot] + [
        ("slots", "passphrase", "kdf", k) for k in slot["kdf"]]
    for path in targets:
        for value in odd_values:
            tampered = json.loads(original)
            node = tampered
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = value
            key.write_bytes(_with_checksum(tampered))
            try:
                vault.unlock(register_dir, PASSPHRASE).close()
                outcome = "ACCEPTED" if tampered != body else "same"
            except AppError as exc:
                outcome = type(exc).__name__
            except Exception as exc:  # noqa: BLE001
                outcome = f"CRASH {'/'.join(path)}={value!r:.20}: {exc!r:.80}"
            structured[outcome] = structured.get(outcome, 0) + 1
    key.write_bytes(original)
    crashes = [o for o in structured if o.startswith("CRASH")]
    assert crashes == []
    # Only the recovery slot may legitimately be emptied (no recovery code set).
    assert structured.get("ACCEPTED", 0) <= 1, structured

    # 4. Weakened KDF parameters are refused under the production floor.
    monkeypatch.setattr(keyfile, "FLOOR", keyfile.PRODUCTION_FLOOR)
    weak_profiles = [KdfParams(1, 64, 1), KdfParams(1, 256 * 1024, 2), KdfParams(3, 32 * 1024, 2)]
    weakened = 0
    for params in weak_profiles:
        with monkeypatch.context() as cheap:  # the writer refuses them too: make one by hand
            cheap.setattr(keyfile, "FLOOR", KdfParams(1, 8, 1))
            kf = KeyFile.create(PASSPHRASE, b"\x00" * 32, params)
        key.write_bytes(kf.to_bytes())
        with pytest.raises(KeyFileWeakened):
            vault.unlock(register_dir, PASSPHRASE)
        weakened += 1
    # ... and lowering the parameters of the real key file (checksum recomputed) too.
    monkeypatch.undo()
    lowered = json.loads(original)
    lowered["slots"]["passphrase"]["kdf"]["memory_kib"] = 8
    key.write_bytes(_with_checksum(lowered))
    with pytest.raises(REFUSALS):
        vault.unlock(register_dir, PASSPHRASE)
    key.write_bytes(original)
    assert snapshot(register_dir) == before
    vault.unlock(register_dir, PASSPHRASE).close()

    positions = len(original)
    h.summary(capsys, f"tamper: {wrong} wrong passphrases, {positions} byte positions x2 "
                      f"altered, {sum(structured.values())} checksum-valid field edits, "
                      f"{weakened + 1} weakened key files; 0 accepted, 0 crashes, 0 files changed "
                      f"(byte edits: {outcomes}; field edits: {structured})")
    assert positions >= 250 and 2 * positions >= 500
