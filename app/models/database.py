"""All SQLCipher connection policy lives here.

The data key is handed to SQLCipher as a raw 256-bit hex key (`x'…'`), built only from bytes
we generated — never from the passphrase, never by interpolating user text into SQL.
"""

from __future__ import annotations

import errno
import hashlib
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from app.errors import (
    AppError,
    DiskFull,
    MediumGone,
    MediumReadOnly,
    NotSQLCipher,
    RegisterDamaged,
    RegisterDatabaseMissing,
    RegisterInUse,
    StorageError,
)
from app.files import GONE_ERRNOS, medium_gone, medium_read_only
from app.secrets_in_memory import execute_with_hex_key

dbapi = sqlcipher3.dbapi2
DatabaseError = dbapi.DatabaseError


Key = bytes | bytearray


def _give_key(conn: Any, key: Key) -> None:
    """The raw key statement, its 64 hex digits only in a str zeroed right after the call.

    SQLCipher keeps its copies of the key in memory it wipes when the connection closes:
    `cipher_memory_security` (the library's, for the whole process, set before any key)."""
    if len(key) != 32:
        raise ValueError("data key must be 32 bytes")
    conn.execute("PRAGMA cipher_memory_security = ON")
    execute_with_hex_key(conn, "PRAGMA key = \"x'", bytearray(key) if isinstance(key, bytes)
                         else key, "'\"")


def silence_cipher_log(conn: Any) -> None:
    """SQLCipher writes its own log lines to the terminal ("ERROR CORE sqlcipher_page_cipher:
    hmac check failed ...") before the program's sentence about a damaged register. The
    setting is the library's, for the whole process; it is set on every connection, before
    the key, so that no connection ever reads a page with it on. (SQLCipher 4.x:
    `PRAGMA cipher_log_level = NONE`.)"""
    conn.execute("PRAGMA cipher_log_level = NONE")


def apply_policy(conn: Any, key: Key) -> None:
    """Key first, then check we really run SQLCipher 4, then the safety pragmas."""
    silence_cipher_log(conn)
    _give_key(conn, key)
    row = conn.execute("PRAGMA cipher_version").fetchone()
    if not row or not str(row[0]).startswith("4."):
        raise NotSQLCipher()
    # Nothing of the file memory-mapped (see ONE_CONNECTION): exclusive locking before the
    # first read, so the write-ahead log's index lives in heap memory and no -shm is made.
    conn.execute("PRAGMA mmap_size = 0")
    conn.execute(f"PRAGMA locking_mode = {LOCKING_MODE}")
    # The first real read proves the key and the header; a wrong key or a damaged first
    # page fails here with "file is not a database".
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA temp_store = MEMORY")


def connect(path: Path, key: Key) -> Any:
    conn = dbapi.connect(str(path), check_same_thread=False, isolation_level=None)
    try:
        apply_policy(conn, key)
    except NotSQLCipher:
        conn.close()
        raise
    except DatabaseError as exc:
        conn.close()
        if "database is locked" in str(exc):  # held by another connection: not damage
            raise RegisterInUse() from exc
        # A full disk (the -wal file cannot be created) is not damage: say what it is.
        raise (storage_error(exc, Path(path).parent) or RegisterDamaged()) from exc
    return conn


# SQLCipher 4 writes whole pages of 4096 bytes: a register's database is never shorter than one
# page, and its length is a whole number of pages.
PAGE_SIZE = 4096


def check_database_file(path: Path) -> None:
    """RegisterDatabaseMissing unless ``path`` is an ordinary, non-empty file of whole pages.

    Checked before SQLite opens it: SQLite would take an empty file for a new database (and
    writes to it), and a folder or a device is no database at all."""
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno in GONE_ERRNOS:
            raise MediumGone() from exc  # a pulled stick: the file may be whole
        raise RegisterDatabaseMissing() from exc
    if not stat.S_ISREG(info.st_mode) or info.st_size < PAGE_SIZE or info.st_size % PAGE_SIZE:
        raise RegisterDatabaseMissing()


def check_holds_register(conn: Any) -> None:
    """RegisterDatabaseMissing when a database that opened with the key holds no register: no
    schema version, or no profile (the state a new database is in before it is created)."""
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        has_profile = version > 0 and conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'profile'"
        ).fetchone()[0] == 1 and conn.execute("SELECT count(*) FROM profile").fetchone()[0] > 0
    except DatabaseError as exc:
        raise RegisterDamaged() from exc
    if not has_profile:
        raise RegisterDatabaseMissing()


def cipher_version(conn: Any) -> str:
    row = conn.execute("PRAGMA cipher_version").fetchone()
    return str(row[0]) if row else ""


# ONE_CONNECTION. A register lives on a USB stick as often as on a laptop's disk. SQLite's
# write-ahead log normally keeps its index in a `-shm` file mapped into memory, and a stick that
# fails under that mapping kills the process with SIGBUS, without a sentence. A register needs
# no memory shared between processes (one program per register: register_lock), so every
# connection is opened in exclusive locking mode before its first read (SQLite, "WAL without
# shared memory"): the index lives in heap memory, no `-shm` is made, and with mmap_size 0 no
# file is mapped at all. An exclusive connection locks every other connection out of the file,
# so the program reaches an open register through one connection only (OnePool), and everything
# that used a connection of its own uses that one (Register.raw_connection, backups).
# (`make bench`, scenario "opening", sets it to NORMAL a moment to measure what this costs.)
LOCKING_MODE = "EXCLUSIVE"


class OnePool(QueuePool):
    """The register's one connection, lent to one caller at a time.

    A caller on another thread (the GUI thread while a task writes) waits until it is given
    back; that is what serialises threads on the register. A second checkout on the thread
    that already holds it could only wait for itself: it fails at once instead."""

    def __init__(self, creator: Any, **kw: Any) -> None:
        kw.update(pool_size=1, max_overflow=0)
        super().__init__(creator, **kw)
        self._holder: int | None = None

    def _do_get(self) -> Any:
        if self._holder == threading.get_ident():
            raise RuntimeError("the register's connection is already in use on this thread")
        record = super()._do_get()
        self._holder = threading.get_ident()
        return record

    def _do_return_conn(self, record: Any) -> None:
        self._holder = None
        super()._do_return_conn(record)


def make_engine(path: Path, key: Key) -> Engine:
    """An SQLAlchemy engine whose one connection is keyed and follows the policy."""

    def creator() -> Any:
        return connect(path, key)

    engine = create_engine(
        "sqlite://",
        module=dbapi,
        creator=creator,
        poolclass=OnePool,
        # An error's text must never carry what was being written (a memo): it may reach the
        # log file. SQLAlchemy otherwise appends the bound parameters to its exceptions.
        hide_parameters=True,
    )
    _use_explicit_transactions(engine)
    return engine


def _use_explicit_transactions(engine: Engine) -> None:
    # Python's sqlite driver manages BEGIN itself in odd ways; let SQLAlchemy issue BEGIN so a
    # transaction is exactly what the service wrote (SQLAlchemy docs, "Serializable isolation").
    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def integrity_problems(conn: Any) -> list[str]:
    """Run SQLite's and SQLCipher's checks; return the problems found (empty when clean)."""
    problems: list[str] = []
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        problems += [str(r[0]) for r in rows if str(r[0]) != "ok"]
        rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
        problems += [str(r[0]) for r in rows]
        rows = conn.execute("PRAGMA foreign_key_check").fetchall()
        problems += [f"foreign key: {tuple(r)}" for r in rows]
    except DatabaseError as exc:
        problems.append(str(exc))
    return problems


def run_in_connection(path: Path, key: Key, fn: Callable[[Any], Any]) -> Any:
    conn = connect(path, key)
    try:
        return fn(conn)
    finally:
        conn.close()


# SQLite's result texts (sqlite3ErrStr) are fixed English strings; sqlcipher3 exposes no error
# code, so the text is what we can classify on.
_FULL_TEXTS = ("database or disk is full", "disk i/o error")
_STORAGE_TEXTS = {
    "attempt to write a readonly database": "SQLITE_READONLY",
    "unable to open database file": "SQLITE_CANTOPEN",
}
_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def storage_error(exc: BaseException, folder: Path | None = None) -> AppError | None:
    """The user-facing error for a failed write to disk (full, too large, I/O, read-only).

    Returns None when `exc` is not a storage failure (a constraint, damage, a bug), so the
    caller re-raises it unchanged. A disk I/O error while writing is reported as "disk full or
    could not be written": the transaction was rolled back either way, unless the drive of
    ``folder`` (the register's) has become read-only or stopped answering (a pulled stick):
    that is said as it is (MediumReadOnly, MediumGone).
    """
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    if isinstance(exc, OSError | DatabaseError) and folder is not None and medium_gone(folder):
        return MediumGone()  # (a gone drive answers SQLite's writes with "disk I/O error")
    if isinstance(exc, OSError):
        if exc.errno in GONE_ERRNOS:
            return MediumGone()
        if exc.errno in _FULL_ERRNOS:
            return DiskFull()
        if exc.errno == errno.EROFS or (folder is not None and medium_read_only(folder)):
            return MediumReadOnly()
        if exc.errno in (errno.EACCES, errno.EPERM):
            return StorageError(detail=errno.errorcode.get(exc.errno or 0, "OSError"))
        return None
    if isinstance(exc, DatabaseError):
        text = str(exc).lower()
        failed = any(t in text for t in (*_FULL_TEXTS, *_STORAGE_TEXTS))
        if failed and folder is not None and medium_read_only(folder):
            return MediumReadOnly()
        if any(t in text for t in _FULL_TEXTS):
            return DiskFull()
        for t, code in _STORAGE_TEXTS.items():
            if t in text:
                return StorageError(detail=code)
    return None


def content_digest(conn: Any) -> str:
    """SHA-256 over every row of every table and the schema version, in a stable order:
    'same content' made testable (a backup is checked against its source with it)."""
    digest = hashlib.sha256()
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    for table in tables:
        digest.update(table.encode())
        for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2'):
            digest.update(repr(tuple(row)).encode())
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    digest.update(str(version).encode())
    return digest.hexdigest()
