"""A register folder whose database is empty, cut short, foreign, a folder or gone is damage
(issue 13, item 1): never a new register, restoring a backup is offered, nothing is written,
and no rotation removes the last backup that holds the register. SQLCipher's own log lines
never reach the terminal (item 8)."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app import cli, paths
from app.errors import RegisterDamaged, RegisterDatabaseMissing
from app.models import database, migrations, register_files
from app.services.storage import backup, vault
from tests.conftest import PASSPHRASE, snapshot

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _empty(db: Path) -> None:
    db.write_bytes(b"")


def _half_page(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:2048])


def _cut_at_a_page(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:database.PAGE_SIZE])


def _folder(db: Path) -> None:
    db.unlink()
    db.mkdir()


def _gone(db: Path) -> None:
    db.unlink()


def _plain_sqlite(db: Path) -> None:
    import sqlite3

    db.unlink()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def _another_registers(db: Path) -> None:
    other = db.parent.parent / "other"
    reg, _ = vault.create_register(other, PASSPHRASE, component="CLAS")
    reg.close()
    shutil.copyfile(register_files.db_path(other), db)


def _same_key_no_register(db: Path) -> None:
    """The worst case: a database SQLCipher opens with the register's own key, but with the
    schema only (what opening an empty file used to make of it)."""
    reg = vault.unlock(db.parent, PASSPHRASE)
    key = bytes(reg.data_key)  # close() wipes the register's own buffer
    reg.close()
    db.unlink()
    for leftover in db.parent.glob(register_files.DB_NAME + "-*"):
        leftover.unlink()
    database.run_in_connection(db, key, migrations.migrate)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "empty": _empty, "half-page": _half_page, "one-page": _cut_at_a_page, "folder": _folder,
    "gone": _gone, "plain-sqlite": _plain_sqlite, "another-register": _another_registers,
    "schema-only": _same_key_no_register,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_database_is_damage_and_nothing_is_written(register_dir: Path,
                                                             damage: str) -> None:
    DAMAGE[damage](register_files.db_path(register_dir))
    before = snapshot(register_dir)
    with pytest.raises(RegisterDamaged) as caught:
        vault.unlock(register_dir, PASSPHRASE).close()
    assert "back-up" in caught.value.message  # the way out is named
    assert snapshot(register_dir) == before  # no new database, no WAL, nothing


@pytest.mark.parametrize("damage", ["empty", "folder", "schema-only"])
def test_verify_says_damaged_and_offers_the_newest_backup(register_dir: Path, tmp_path: Path,
                                                          damage: str) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    base = ["--register", str(register_dir), "--passphrase-file", str(secret)]
    backups = paths.default_backup_dir()  # where `backup` writes and `verify` looks
    assert _run(*base, "backup")[0] == 0
    (made,) = backup.list_backups(backups)
    DAMAGE[damage](register_files.db_path(register_dir))
    before = snapshot(register_dir), snapshot(backups)
    code, out, err = _run(*base, "verify")
    assert code == 2 and "Traceback" not in err
    assert "SQLCipher 4" not in out
    assert RegisterDatabaseMissing().message in err
    assert str(made.path) in err and "vertrouwd restore" in err  # the restore, offered
    code, _out, err = _run(*base, "backup")  # no backup of the damage
    assert code == 2
    assert (snapshot(register_dir), snapshot(backups)) == before
    assert _run(*base, "restore", str(made.path))[0] == 0
    code, out, _err = _run(*base, "verify")
    assert code == 0 and "SQLCipher 4" in out


def test_a_new_register_is_still_created_where_there_is_none(tmp_path: Path) -> None:
    reg, _ = vault.create_register(tmp_path / "new", PASSPHRASE, component="CLAS")
    try:
        assert reg.profile() is not None
    finally:
        reg.close()


def _backup_holding_no_register(dest: Path, register: vault.Register, when: dt.datetime) -> Path:
    """A backup folder as an empty database would have made it before issue 13: the register's
    key file beside a database with the schema and nothing else."""
    folder = dest / register_files.backup_name(when, generation=backup.next_generation(dest))
    folder.mkdir()
    register.key_file.save(folder / register_files.KEY_NAME)
    database.run_in_connection(folder / register_files.DB_NAME, register.data_key,
                               migrations.migrate)
    return folder


def test_rotation_never_removes_the_last_backup_that_holds_the_register(
        register: vault.Register, tmp_path: Path) -> None:
    dest = tmp_path / "backups"
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    real = backup.create_backup(register, dest, 3, now=start)
    empty = [_backup_holding_no_register(dest, register, start + dt.timedelta(days=d))
             for d in (1, 2, 3)]
    assert not backup.holds_register(empty[0], register.data_key)
    assert backup.holds_register(real, register.data_key)
    kept_bytes = snapshot(real)
    removed = backup.rotate(dest, 2, register_id=register.key_file.register_id,
                            data_key=register.data_key)
    assert real not in removed and snapshot(real) == kept_bytes
    assert removed == [empty[0]]
    # Without the data key rotation cannot look inside, and keeps the newest, as before.
    assert backup.rotate(dest, 2) == [real]


def test_rotation_leaves_another_registers_backups_alone(register: vault.Register,
                                                         tmp_path: Path) -> None:
    dest = tmp_path / "backups"
    other, _ = vault.create_register(tmp_path / "other", PASSPHRASE, component="CLAS")
    try:
        theirs = backup.create_backup(other, dest, 5,
                                      now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    finally:
        other.close()
    for day in range(1, 4):
        backup.create_backup(register, dest, 2, now=dt.datetime(2026, 2, day, tzinfo=dt.UTC))
    mine = [b for b in backup.list_backups(dest)
            if b.register_id == register.key_file.register_id]
    assert len(mine) == 2 and theirs.is_dir()


def _damage_a_page(register_dir: Path) -> None:
    db = register_files.db_path(register_dir)
    data = bytearray(db.read_bytes())
    data[database.PAGE_SIZE + 100] ^= 0xFF  # inside page 2: its HMAC fails
    db.write_bytes(bytes(data))


@pytest.mark.slow
def test_sqlcipher_log_lines_never_reach_the_terminal(register_dir: Path, tmp_path: Path) -> None:
    """Before issue 13 the terminal showed `ERROR CORE sqlcipher_page_cipher: hmac check
    failed for pgno=2` (and two more lines) above the program's sentence."""
    reg = vault.unlock(register_dir, PASSPHRASE)
    reg.close()
    _damage_a_page(register_dir)
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    env = {**os.environ, "VERTROUWD_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.cheap_app", "--lang", "en", "--register",
         str(register_dir), "--passphrase-file", str(secret), "verify"],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "damaged" in proc.stderr
    for line in ("ERROR CORE", "sqlcipher_page_cipher", "hmac check failed", "Traceback"):
        assert line not in proc.stderr + proc.stdout


def test_the_log_setting_is_on_every_connection(register: vault.Register) -> None:
    conn = register.raw_connection()
    try:
        assert conn.execute("PRAGMA cipher_log_level").fetchone()[0] == "NONE"
    finally:
        conn.close()
