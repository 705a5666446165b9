"""Nothing of the register is memory-mapped (issue 20, item 4).

A stick that fails under SQLite's memory-mapped `-shm` kills the process with SIGBUS, without a
sentence. The register is opened in exclusive locking mode before its first read: the
write-ahead log's index lives in heap memory, no `-shm` is made, and with mmap_size 0 no file
of the register's folder is in the process's memory map. Exclusive mode locks any second
connection out, so the program reaches the register through one connection, taken in turn by
its threads (database.ONE_CONNECTION).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import sys
import threading
from pathlib import Path

import pytest
import sqlcipher3

from app.errors import RegisterInUse
from app.models import database, register_files
from app.models.entities import Case, CaseTopic, ContactMoment
from app.services.storage import backup, vault
from tests.conftest import PASSPHRASE, snapshot

SHM = register_files.DB_NAME + "-shm"
WAL = register_files.DB_NAME + "-wal"


def _add_case(register: vault.Register, memo: str) -> None:
    with register.session() as s:
        case = Case(opened_on=dt.date(2026, 1, 5), status="open", memo=memo)
        case.topics.append(CaseTopic(topic="pesten"))
        s.add(case)
        s.flush()
        s.add(ContactMoment(case_id=case.id, on=dt.date(2026, 1, 5), minutes=30,
                            mode="telefoon"))


def _mapped_files_windows() -> list[str]:
    from ctypes import wintypes

    class MBI(ctypes.Structure):
        _fields_ = [("BaseAddress", ctypes.c_void_p), ("AllocationBase", ctypes.c_void_p),
                    ("AllocationProtect", wintypes.DWORD), ("PartitionId", wintypes.WORD),
                    ("RegionSize", ctypes.c_size_t), ("State", wintypes.DWORD),
                    ("Protect", wintypes.DWORD), ("Type", wintypes.DWORD)]

    mem_mapped = 0x40000
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.VirtualQuery.argtypes = [ctypes.c_void_p, ctypes.POINTER(MBI), ctypes.c_size_t]
    kernel32.VirtualQuery.restype = ctypes.c_size_t
    kernel32.K32GetMappedFileNameW.argtypes = [wintypes.HANDLE, ctypes.c_void_p,
                                               wintypes.LPWSTR, wintypes.DWORD]
    kernel32.K32GetMappedFileNameW.restype = wintypes.DWORD
    process = ctypes.c_void_p(-1)  # GetCurrentProcess()
    info, address, names = MBI(), 0, []
    name = ctypes.create_unicode_buffer(1024)
    while kernel32.VirtualQuery(ctypes.c_void_p(address), ctypes.byref(info),
                                ctypes.sizeof(info)):
        if info.Type == mem_mapped and kernel32.K32GetMappedFileNameW(
                process, ctypes.c_void_p(address), name, len(name)):
            names.append(name.value)
        address = (info.BaseAddress or 0) + info.RegionSize
    return names


def _mapped_files() -> list[str]:
    """The files mapped into this process's memory (Linux: /proc/self/maps; Windows: the
    mapped regions VirtualQuery finds, named by GetMappedFileName)."""
    if sys.platform == "win32":
        return _mapped_files_windows()
    names = []
    for line in Path("/proc/self/maps").read_text().splitlines():
        fields = line.split(None, 5)
        if len(fields) == 6:
            names.append(fields[5])
    return names


def _mapped_of(folder: Path) -> list[str]:
    """Mapped files of the register in ``folder``: by path on Linux; by the register's file
    names on Windows (which names them by device path)."""
    if sys.platform == "win32":
        return [n for n in _mapped_files()
                if Path(n.replace("\\", "/")).name.startswith(register_files.DB_NAME)]
    inside = str(folder.resolve()) + os.sep
    return [n for n in _mapped_files() if n.startswith(inside)]


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _pragma(register: vault.Register, name: str) -> str:
    conn = register.raw_connection()
    try:
        return str(conn.execute(f"PRAGMA {name}").fetchone()[0])
    finally:
        conn.close()


def test_open_register_maps_nothing_and_makes_no_shm(register_dir: Path) -> None:
    register = vault.unlock(register_dir, PASSPHRASE)
    try:
        _add_case(register, "een notitie")
        with register.session() as s:  # a session still open, as in the window
            assert s.query(Case).count() == 1
            assert SHM not in _names(register_dir)
            assert WAL in _names(register_dir)  # still the write-ahead log, index in memory
            assert _mapped_of(register_dir) == []
        assert _pragma(register, "journal_mode") == "wal"
        assert _pragma(register, "locking_mode") == "exclusive"
        assert _pragma(register, "mmap_size") == "0"
        backup.create_backup(register, register_dir.parent / "backups")  # its own connection
        assert _mapped_of(register_dir) == [] and SHM not in _names(register_dir)
    finally:
        register.close()
    assert not _names(register_dir) & {SHM, WAL}


def test_the_check_sees_a_mapped_shm(register_dir: Path) -> None:
    """The checks can fail: a connection in SQLite's normal WAL mode maps the -shm."""
    register = vault.unlock(register_dir, PASSPHRASE)
    key = bytes(register.data_key)
    register.close()
    conn = sqlcipher3.dbapi2.connect(str(register_files.db_path(register_dir)))
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        assert SHM in _names(register_dir)
        assert any(n.endswith("-shm") for n in _mapped_of(register_dir))
    finally:
        conn.close()


def test_a_register_left_with_wal_and_shm_opens_without_shm(register_dir: Path) -> None:
    """An earlier version, killed, leaves a WAL with commits and its -shm: the commits are
    folded in while opening, and the -shm is neither mapped nor left behind."""
    register = vault.unlock(register_dir, PASSPHRASE)
    key = bytes(register.data_key)
    register.close()
    db = register_files.db_path(register_dir)
    old = sqlcipher3.dbapi2.connect(str(db), isolation_level=None)
    old.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    assert old.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    old.execute("PRAGMA wal_autocheckpoint = 0")
    old.execute("CREATE TABLE left_in_the_wal (x)")
    # Copy the files as a killed program leaves them: database, WAL and -shm, no checkpoint.
    crashed = register_dir.parent / "crashed"
    crashed.mkdir()
    for p in register_dir.iterdir():
        (crashed / p.name).write_bytes(p.read_bytes())
    old.close()
    assert (crashed / WAL).stat().st_size > 0 and (crashed / SHM).exists()

    reopened = vault.unlock(crashed, PASSPHRASE)
    try:
        assert SHM not in _names(crashed)
        assert _mapped_of(crashed) == []
        conn = reopened.raw_connection()
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
        assert "left_in_the_wal" in tables  # the WAL's commit was folded in, not lost
        _add_case(reopened, "na het openen")
        assert SHM not in _names(crashed)
    finally:
        reopened.close()
    assert not _names(crashed) & {SHM, WAL}


def test_a_second_connection_is_locked_out(register: vault.Register) -> None:
    """Why the program has one connection: exclusive mode keeps every other one out."""
    with register.session() as s:
        assert s.query(Case).count() == 0
    with pytest.raises(database.DatabaseError, match="locked"):
        other = sqlcipher3.dbapi2.connect(str(register.db_path), timeout=0.1)
        try:
            other.execute(f"PRAGMA key = \"x'{bytes(register.data_key).hex()}'\"")
            other.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            other.close()


def test_a_register_another_connection_holds_is_in_use_not_damaged(register_dir: Path) -> None:
    """Held by another SQLite connection (here: one in exclusive mode), the register is said
    to be open elsewhere, never "damaged, restore a backup"; nothing changes."""
    register = vault.unlock(register_dir, PASSPHRASE)
    key = bytes(register.data_key)
    register.close()
    before = snapshot(register_dir)
    other = sqlcipher3.dbapi2.connect(str(register_files.db_path(register_dir)))
    try:
        other.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        other.execute("PRAGMA locking_mode = EXCLUSIVE")
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(RegisterInUse):
            vault.unlock(register_dir, PASSPHRASE)
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert snapshot(register_dir) == before


def test_threads_take_the_one_connection_in_turn(register: vault.Register) -> None:
    """A second thread (the GUI thread while a task writes) waits until the first has given
    the connection back, then sees its commit; the same thread asking twice fails at once."""
    holding, done = threading.Event(), threading.Event()
    seen: list[int] = []

    def other_thread() -> None:
        holding.wait()
        with register.session() as s:  # waits for the writer below
            seen.append(s.query(Case).count())
        done.set()

    reader = threading.Thread(target=other_thread)
    reader.start()
    with register.session() as s:
        s.add(Case(opened_on=dt.date(2026, 1, 5), status="open"))
        s.flush()
        holding.set()
        assert not done.wait(0.3)  # the reader is still waiting for the connection
        with pytest.raises(RuntimeError, match="already in use on this thread"):
            register.raw_connection()
    reader.join(timeout=30)
    assert seen == [1]
