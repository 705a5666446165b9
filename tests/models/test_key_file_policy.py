"""The key derivation cannot be weakened from outside, and an altered key file is told apart
from a wrong passphrase where the format allows it (issue 13, items 9 and 10).

Before: `VERTROUWD_INSECURE_TEST_KDF=1` made `init` write a 64 KiB / 1-pass key file and
lowered the floor unlock accepts; an edited key file with a recomputed (unkeyed) checksum -
another register id, or 1 GiB x 32 passes - read as a wrong passphrase, and the raised
parameters made every unlock take about 16 s.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.errors import KeyFileAltered, KeyFileDamaged, KeyFileWeakened, WrongPassphrase
from app.models import keyfile, register_files
from app.models.keyfile import KdfParams, KeyFile
from app.services.storage import vault
from tests.cheap_kdf import TEST_PROFILE
from tests.conftest import PASSPHRASE, snapshot

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def _rewrite(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """What anyone can do to a key file: edit it and recompute the (public) checksum."""
    body = json.loads(path.read_bytes())
    body.pop("checksum")
    change(body)
    body["checksum"] = hashlib.sha256(keyfile._canonical(body)).hexdigest()
    path.write_text(json.dumps(body, indent=1, sort_keys=True), encoding="utf-8")


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    """The program's own rules, as shipped (the tests otherwise use tests/cheap_kdf.py)."""
    monkeypatch.setattr(keyfile, "PROFILE", keyfile.PRODUCTION_PROFILE)
    monkeypatch.setattr(keyfile, "FLOOR", keyfile.PRODUCTION_FLOOR)


def test_the_program_has_no_switch_for_a_cheap_key_derivation() -> None:
    for path in sorted((ROOT / "app").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "INSECURE" not in text and "TEST_KDF" not in text, path
    source = (ROOT / "app" / "models" / "keyfile.py").read_text(encoding="utf-8")
    assert "os.environ" not in source and "getenv" not in source


@pytest.mark.slow
def test_init_with_the_old_test_variable_set_writes_production_strength(tmp_path: Path) -> None:
    """The real program (`python -m app`, no test set-up in the process), the variable set."""
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    folder = tmp_path / "register"
    env = {**os.environ, "VERTROUWD_HOME": str(tmp_path / "home"),
           "VERTROUWD_INSECURE_TEST_KDF": "1"}
    proc = subprocess.run([sys.executable, "-m", "app", "--register", str(folder),
                           "--passphrase-file", str(secret), "init", "--component", "CLAS"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    kdf = json.loads(register_files.key_path(folder).read_bytes())["slots"]["passphrase"]["kdf"]
    found = KdfParams(kdf["time_cost"], kdf["memory_kib"], kdf["parallelism"])
    assert found == keyfile.PRODUCTION_PROFILE


@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("params", [TEST_PROFILE, KdfParams(1, 256 * 1024, 2),
                                    KdfParams(12, 32 * 1024, 2), KdfParams(64, 1024 * 1024, 8)])
def test_weak_or_absurd_parameters_are_refused_however_asked(params: KdfParams,
                                                             tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        KeyFile.create(PASSPHRASE, b"\x01" * 32, params)
    with pytest.raises(ValueError):
        vault.create_register(tmp_path / "r", PASSPHRASE, component="CLAS", params=params)
    assert not (tmp_path / "r" / register_files.KEY_NAME).exists()


@pytest.mark.usefixtures("production")
def test_a_weak_key_file_is_refused_under_the_real_floor(register_dir: Path) -> None:
    before = snapshot(register_dir)
    with pytest.raises(KeyFileWeakened):  # the template register has the tests' cheap profile
        vault.unlock(register_dir, PASSPHRASE)
    assert snapshot(register_dir) == before


@pytest.mark.parametrize(("memory_kib", "time_cost", "lanes"),
                         [(1024 * 1024, 32, 2), (512 * 1024, 1, 1), (128 * 1024, 13, 2),
                          (256 * 1024, 12, 2), (64, 1, 64)])
def test_raised_parameters_are_altered_and_nothing_is_derived(
        register_dir: Path, monkeypatch: pytest.MonkeyPatch, memory_kib: int, time_cost: int,
        lanes: int) -> None:
    key = register_files.key_path(register_dir)
    _rewrite(key, lambda b: b["slots"]["passphrase"]["kdf"].update(
        memory_kib=memory_kib, time_cost=time_cost, parallelism=lanes))
    before = snapshot(register_dir)
    derived: list[object] = []
    real = keyfile._derive

    def counting(*args: Any) -> bytes:
        derived.append(args[2])
        return real(*args)

    monkeypatch.setattr(keyfile, "_derive", counting)
    with pytest.raises(KeyFileAltered):
        vault.unlock(register_dir, PASSPHRASE)
    assert derived == [] and snapshot(register_dir) == before


def test_the_largest_profile_ever_shipped_is_within_the_ceiling() -> None:
    for shipped in (KdfParams(3, 256 * 1024, 2), KdfParams(6, 128 * 1024, 2),
                    keyfile.PRODUCTION_PROFILE):
        assert shipped.within(keyfile.CEILING, keyfile.MAX_COST)
        assert shipped.meets(keyfile.PRODUCTION_FLOOR)


EDITS = {
    "another register id": lambda b: b.update(register_id="00000000-0000-4000-8000-000000000000"),
    "the recovery slot removed": lambda b: b["slots"].update(recovery=None),
    "the recovery slot replaced by the passphrase slot": lambda b: b["slots"].update(
        recovery=b["slots"]["passphrase"]),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edited_key_file_is_altered_not_a_wrong_passphrase(register_dir: Path,
                                                              edit: str) -> None:
    reg = vault.unlock(register_dir, PASSPHRASE)
    vault.create_recovery_code(reg)
    reg.close()
    _rewrite(register_files.key_path(register_dir), EDITS[edit])
    before = snapshot(register_dir)
    with pytest.raises(KeyFileAltered):
        vault.unlock(register_dir, PASSPHRASE)
    with pytest.raises(WrongPassphrase):  # a wrong passphrase is still just that
        vault.unlock(register_dir, "niet de goede zin maar wel lang genoeg")
    assert snapshot(register_dir) == before


def test_the_checksum_still_tells_accidental_damage(register_dir: Path) -> None:
    key = register_files.key_path(register_dir)
    data = bytearray(key.read_bytes())
    data[data.index(b'"register_id"') + 20] ^= 0x01
    key.write_bytes(bytes(data))
    with pytest.raises(KeyFileDamaged) as caught:
        vault.unlock(register_dir, PASSPHRASE)
    assert type(caught.value) is KeyFileDamaged


def test_a_version_1_key_file_opens_and_becomes_version_2(tmp_path: Path) -> None:
    folder = tmp_path / "v5"
    shutil.copytree(DATA / "register-v5", folder)
    key = register_files.key_path(folder)
    assert json.loads(key.read_bytes())["version"] == 1
    old = tmp_path / "old.key"
    shutil.copyfile(key, old)
    _rewrite(old, EDITS["another register id"])
    with pytest.raises(WrongPassphrase):  # what version 1 cannot tell apart (see docs)
        KeyFile.load(old).unwrap(PASSPHRASE)
    vault.unlock(folder, PASSPHRASE).close()
    upgraded = json.loads(key.read_bytes())
    assert upgraded["version"] == 2 and len(upgraded["mac"]) == 64
    assert upgraded["slots"]["passphrase"]["aad"] == 2
    vault.unlock(folder, PASSPHRASE).close()  # and opens again
    _rewrite(key, EDITS["another register id"])
    with pytest.raises(KeyFileAltered):  # what version 2 tells apart
        vault.unlock(folder, PASSPHRASE)


def test_a_version_1_recovery_slot_still_opens_after_the_upgrade(tmp_path: Path) -> None:
    data_key = os.urandom(32)
    v2 = KeyFile.create(PASSPHRASE, data_key, TEST_PROFILE)
    code = keyfile.new_recovery_code()
    with_recovery = v2.with_recovery(code, data_key, TEST_PROFILE)
    # A version-1 recovery slot: wrapped with the register id in the associated data.
    slot = dict(with_recovery.slots["recovery"] or {})
    slot.pop("aad")
    salt = keyfile._unb64(slot["kdf"]["salt"], 16)
    nonce = keyfile._unb64(slot["nonce"], 12)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    derived = keyfile._derive(keyfile.normalize_recovery_code(code), salt, TEST_PROFILE)
    slot["wrapped_key"] = keyfile._b64(AESGCM(derived).encrypt(
        nonce, data_key, keyfile._aad(v2.register_id, "recovery", slot)))
    mixed = KeyFile(v2.register_id, {**v2.slots, "recovery": slot}).sealed(data_key)
    again = KeyFile.from_bytes(mixed.to_bytes())
    assert again.unwrap_recovery(code) == data_key == again.unwrap(PASSPHRASE)
