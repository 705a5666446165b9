"""The register is really encrypted, and every failure to open it changes nothing."""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from app.errors import (
    KeyFileDamaged,
    KeyFileWeakened,
    RegisterDamaged,
    RegisterFromNewerVersion,
    WrongPassphrase,
    WrongRecoveryCode,
)
from app.models import database, migrations, register_files
from app.models.keyfile import KeyFile
from app.services.storage import vault
from tests.conftest import PASSPHRASE, snapshot


def test_database_is_not_plain_sqlite(register_dir: Path) -> None:
    db = register_files.db_path(register_dir)
    assert not db.read_bytes().startswith(b"SQLite format 3")
    plain = sqlite3.connect(db)
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT * FROM sqlite_master").fetchall()
    plain.close()
    reg = vault.unlock(register_dir, PASSPHRASE)
    try:
        conn = reg.raw_connection()
        assert database.cipher_version(conn).startswith("4.")
        conn.close()
    finally:
        reg.close()


def test_hundred_wrong_passphrases_change_nothing(register_dir: Path) -> None:
    before = snapshot(register_dir)
    messages = set()
    for i in range(100):
        with pytest.raises(WrongPassphrase) as info:
            vault.unlock(register_dir, f"{PASSPHRASE} {i}")
        messages.add(info.value.message)
    assert messages == {WrongPassphrase().message}
    assert "wachtwoordzin" in WrongPassphrase().message  # Dutch by default
    assert snapshot(register_dir) == before


def _flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_wrong_passphrase_damaged_key_file_and_damaged_page_differ(register: vault.Register,
                                                                   register_dir: Path) -> None:
    import datetime as dt

    from app.services.confidant.cases import CaseService

    service = CaseService(register, today=lambda: dt.date(2026, 11, 23))
    for i in range(300):  # enough rows to span several pages
        service.add_activity(on=dt.date(2026, 1, 1 + i % 28), minutes=30, kind="intervisie")
    register.close()

    messages = {}
    before = snapshot(register_dir)
    with pytest.raises(WrongPassphrase) as e1:
        vault.unlock(register_dir, "niet het goede wachtwoord")
    messages["wrong"] = e1.value.message
    assert snapshot(register_dir) == before

    key = register_files.key_path(register_dir)
    original_key = key.read_bytes()
    text = original_key.decode().replace('"wrapped_key": "', '"wrapped_key": "A', 1)
    key.write_bytes(text.encode())
    before = snapshot(register_dir)
    with pytest.raises(KeyFileDamaged) as e2:
        vault.unlock(register_dir, PASSPHRASE)
    messages["keyfile"] = e2.value.message
    assert snapshot(register_dir) == before
    key.write_bytes(original_key)

    db = register_files.db_path(register_dir)
    page = 4096
    assert db.stat().st_size > 3 * page
    _flip_byte(db, 2 * page + 100)  # inside the third page
    before = snapshot(register_dir)
    with pytest.raises(RegisterDamaged) as e3:
        vault.unlock(register_dir, PASSPHRASE)
    messages["page"] = e3.value.message
    assert snapshot(register_dir) == before
    assert len(set(messages.values())) == 3, messages


def test_damaged_first_page_is_damage_not_wrong_passphrase(register_dir: Path) -> None:
    _flip_byte(register_files.db_path(register_dir), 20)
    before = snapshot(register_dir)
    with pytest.raises(RegisterDamaged):
        vault.unlock(register_dir, PASSPHRASE)
    assert snapshot(register_dir) == before


def test_truncated_key_file_is_damage(register_dir: Path) -> None:
    key = register_files.key_path(register_dir)
    key.write_bytes(key.read_bytes()[:50])
    with pytest.raises(KeyFileDamaged):
        vault.unlock(register_dir, PASSPHRASE)


@pytest.mark.parametrize(
    "passphrase",
    [
        'met "dubbele" aanhalingstekens',
        "met 'enkele' aanhalingstekens",
        "back\\slash en nog wat tekst",
        "punt; komma; DROP TABLE case_;",
        "emoji 🔐🚢 aan boord van het schip",
        "שלום עולם זה משפט ארוך",  # right-to-left
        "x'00' ; PRAGMA key = 'oops'",
    ],
)
def test_awkward_passphrases_work(tmp_path: Path, passphrase: str) -> None:
    folder = tmp_path / "reg"
    reg, _ = vault.create_register(folder, passphrase, component="CZSK")
    reg.close()
    vault.unlock(folder, passphrase).close()
    with pytest.raises(WrongPassphrase):
        vault.unlock(folder, passphrase + "x")


def test_nfc_and_nfd_open_the_same_register(tmp_path: Path) -> None:
    text = "één café aan het Marinehaventje"
    nfc, nfd = unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)
    assert nfc != nfd
    folder = tmp_path / "reg"
    reg, _ = vault.create_register(folder, nfd, component="CZSK")
    reg.close()
    vault.unlock(folder, nfc).close()
    vault.unlock(folder, nfd).close()


def test_change_passphrase_rewrites_only_the_key_file(register_dir: Path) -> None:
    db_before = register_files.db_path(register_dir).read_bytes()
    new = "een heel ander zinnetje voor vandaag"
    vault.change_passphrase(register_dir, PASSPHRASE, new)
    assert register_files.db_path(register_dir).read_bytes() == db_before
    vault.unlock(register_dir, new).close()
    with pytest.raises(WrongPassphrase):
        vault.unlock(register_dir, PASSPHRASE)


def test_change_passphrase_with_wrong_old_changes_nothing(register_dir: Path) -> None:
    before = snapshot(register_dir)
    with pytest.raises(WrongPassphrase):
        vault.change_passphrase(register_dir, "fout fout fout fout", "een heel ander zinnetje")
    assert snapshot(register_dir) == before


def test_recovery_code_unlocks_and_requires_new_passphrase(register_dir: Path) -> None:
    reg = vault.unlock(register_dir, PASSPHRASE)
    code = vault.create_recovery_code(reg).code
    reg.close()
    with pytest.raises(WrongRecoveryCode):
        vault.unlock_with_recovery(register_dir, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA")
    reg = vault.unlock_with_recovery(register_dir, code.lower().replace("-", " "))
    assert reg.must_set_passphrase
    vault.set_new_passphrase(reg, "na het vergeten een nieuwe zin")
    reg.close()
    vault.unlock(register_dir, "na het vergeten een nieuwe zin").close()
    with pytest.raises(WrongPassphrase):
        vault.unlock(register_dir, PASSPHRASE)
    vault.unlock_with_recovery(register_dir, code).close()  # the code keeps working


def test_weakened_key_derivation_parameters_are_refused(register_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    key = register_files.key_path(register_dir)
    raw = json.loads(key.read_bytes())
    raw["slots"]["passphrase"]["kdf"]["memory_kib"] = 8
    raw.pop("checksum")
    import hashlib

    from app.models.keyfile import _canonical

    raw["checksum"] = hashlib.sha256(_canonical(raw)).hexdigest()
    key.write_text(json.dumps(raw))
    before = snapshot(register_dir)
    # In production the floor is 64 MiB; tests lower it, so check against the real floor too.
    from app.models import keyfile

    with monkeypatch.context() as production:
        production.setattr(keyfile, "FLOOR", keyfile.PRODUCTION_FLOOR)
        with pytest.raises(KeyFileWeakened):
            vault.unlock(register_dir, PASSPHRASE)
    # Even above the floor, changed parameters break the authenticated unwrap.
    with pytest.raises(WrongPassphrase):
        vault.unlock(register_dir, PASSPHRASE)
    assert snapshot(register_dir) == before


def test_register_from_newer_schema_is_refused_untouched(register_dir: Path) -> None:
    reg = vault.unlock(register_dir, PASSPHRASE)
    conn = reg.raw_connection()
    conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    conn.close()
    reg.close()
    before = snapshot(register_dir)
    with pytest.raises(RegisterFromNewerVersion) as info:
        vault.unlock(register_dir, PASSPHRASE)
    assert str(migrations.LATEST_VERSION + 1) in info.value.message
    assert snapshot(register_dir) == before


def test_migrations_produce_exactly_the_model_schema(tmp_path: Path) -> None:
    """Frozen migration SQL and the typed models must not drift apart."""
    from sqlalchemy import create_engine, inspect

    from app.models.entities import Base

    key = b"\x01" * 32
    conn = database.connect(tmp_path / "m.db", key)
    migrations.migrate(conn)
    assert migrations.schema_version(conn) == migrations.LATEST_VERSION
    conn.close()
    migrated = inspect(database.make_engine(tmp_path / "m.db", key))
    fresh_engine = create_engine("sqlite://")
    Base.metadata.create_all(fresh_engine)
    fresh = inspect(fresh_engine)
    assert sorted(migrated.get_table_names()) == sorted(fresh.get_table_names())
    def cols(insp: Any, table: str) -> list[tuple[Any, str, Any]]:
        return [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)]

    for table in fresh.get_table_names():
        assert cols(migrated, table) == cols(fresh, table), table


def test_key_file_round_trip_and_checksum() -> None:
    key = b"\x07" * 32
    kf = KeyFile.create(PASSPHRASE, key)
    again = KeyFile.from_bytes(kf.to_bytes())
    assert again.unwrap(PASSPHRASE) == key
    damaged = kf.to_bytes().replace(b'"version": 2', b'"version": 1')
    with pytest.raises(KeyFileDamaged):
        KeyFile.from_bytes(damaged)


def test_key_file_demanding_absurd_kdf_cost_is_refused_before_deriving(
        register_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tampered key file asking for 4 GiB x 100 passes must not make unlock hang or exhaust
    memory: it is refused before any key derivation starts."""
    import hashlib

    from app.models import keyfile
    from app.models.keyfile import _canonical

    key = register_files.key_path(register_dir)
    raw = json.loads(key.read_bytes())
    raw["slots"]["passphrase"]["kdf"].update(memory_kib=4 * 1024 * 1024, time_cost=100)
    raw.pop("checksum")
    raw["checksum"] = hashlib.sha256(_canonical(raw)).hexdigest()
    key.write_text(json.dumps(raw))
    before = snapshot(register_dir)
    derived: list[tuple[object, ...]] = []

    def derive(*args: object) -> bytes:  # records the attempt instead of allocating 4 GiB
        derived.append(args)
        raise MemoryError

    monkeypatch.setattr(keyfile, "_derive", derive)
    with pytest.raises(KeyFileDamaged):
        vault.unlock(register_dir, PASSPHRASE)
    assert derived == []
    assert snapshot(register_dir) == before
