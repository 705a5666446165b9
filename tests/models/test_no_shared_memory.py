"""Nothing of the register is memory-mapped (issue 20, item 4).

A stick that fails under a memory-mapped `-shm` kills the process with SIGBUS, without a
sentence. The register uses the rollback journal, with mmap_size 0: no `-shm` is ever made,
and no file of the register folder appears in the process's memory map, also for a register
an earlier version left in WAL mode (with a WAL still to fold in).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
import sqlcipher3

from app.models import database, register_files
from app.models.entities import Case, CaseTopic, ContactMoment
from app.services.storage import vault
from tests.conftest import PASSPHRASE


def _add_case(register: vault.Register, memo: str) -> None:
    with register.session() as s:
        case = Case(opened_on=dt.date(2026, 1, 5), status="open", memo=memo)
        case.topics.append(CaseTopic(topic="pesten"))
        s.add(case)
        s.flush()
        s.add(ContactMoment(case_id=case.id, on=dt.date(2026, 1, 5), minutes=30,
                            mode="telefoon"))


def _mapped_files_in(folder: Path) -> list[str]:
    """Files of ``folder`` in this process's memory map (Linux; empty elsewhere)."""
    maps = Path("/proc/self/maps")
    if not maps.exists():
        return []
    inside = str(folder.resolve())
    return [line.split(None, 5)[5] for line in maps.read_text().splitlines()
            if len(line.split(None, 5)) == 6 and line.split(None, 5)[5].startswith(inside)]


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _journal_mode(register: vault.Register) -> str:
    conn = register.engine.raw_connection()
    try:
        return str(conn.driver_connection.execute("PRAGMA journal_mode").fetchone()[0])  # type: ignore[union-attr]
    finally:
        conn.close()


def test_open_and_write_map_nothing_and_make_no_shm(register_dir: Path) -> None:
    register = vault.unlock(register_dir, PASSPHRASE)
    try:
        _add_case(register, "een notitie")
        with register.session() as s:  # a session still open, as in the window
            assert s.query(Case).count() == 1
            assert register_files.DB_NAME + "-shm" not in _names(register_dir)
            assert register_files.DB_NAME + "-wal" not in _names(register_dir)
            assert _mapped_files_in(register_dir) == []
        assert _journal_mode(register) == "delete"
    finally:
        register.close()
    assert register_files.DB_NAME + "-shm" not in _names(register_dir)


@pytest.mark.skipif(sys.platform != "linux", reason="/proc/self/maps is Linux's")
def test_the_check_sees_a_mapped_shm(register_dir: Path) -> None:
    """The map check can fail: a connection in WAL mode maps the register's -shm."""
    register = vault.unlock(register_dir, PASSPHRASE)
    key = bytes(register.data_key)
    register.close()
    conn = sqlcipher3.dbapi2.connect(str(register_files.db_path(register_dir)))
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        assert any(p.endswith("-shm") for p in _mapped_files_in(register_dir))
    finally:
        conn.close()


def test_a_wal_register_of_an_earlier_version_opens_without_shm(register_dir: Path) -> None:
    """Earlier versions left registers in WAL mode; a WAL with committed pages (a program that
    was killed) is folded in while opening, still without a -shm."""
    register = vault.unlock(register_dir, PASSPHRASE)
    key = bytes(register.data_key)
    register.close()
    db = register_files.db_path(register_dir)
    old = sqlcipher3.dbapi2.connect(str(db), isolation_level=None)
    old.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    assert old.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    old.execute("PRAGMA wal_autocheckpoint = 0")
    old.execute("UPDATE profile SET component = component")
    old.execute("CREATE TABLE left_in_the_wal (x)")
    # Copy the files as a killed program leaves them: database, WAL and -shm, no checkpoint.
    crashed = register_dir.parent / "crashed"
    crashed.mkdir()
    for p in register_dir.iterdir():
        (crashed / p.name).write_bytes(p.read_bytes())
    old.close()
    (crashed / (db.name + "-shm")).unlink()  # a stick's copy: the WAL without its index
    assert (crashed / (db.name + "-wal")).stat().st_size > 0

    reopened = vault.unlock(crashed, PASSPHRASE)
    try:
        assert _mapped_files_in(crashed) == []
        assert db.name + "-shm" not in _names(crashed)
        assert _journal_mode(reopened) == "delete"
        conn = reopened.engine.raw_connection()
        try:
            tables = {r[0] for r in conn.driver_connection.execute(  # type: ignore[union-attr]
                "SELECT name FROM sqlite_master")}
        finally:
            conn.close()
        assert "left_in_the_wal" in tables  # the WAL's commit was folded in, not lost
        _add_case(reopened, "na het openen")
    finally:
        reopened.close()
    assert _names(crashed) >= {db.name, register_files.KEY_NAME}
    assert not any(n.endswith(("-wal", "-shm")) for n in _names(crashed))
    assert database.JOURNAL_MODE == "DELETE"
