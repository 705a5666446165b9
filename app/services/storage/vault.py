"""The encrypted register on disk: create, unlock, change passphrase, recovery code.

A register is one folder holding `register.db` (SQLCipher 4) and `register.key` (the data key
wrapped under the passphrase, see app.models.keyfile). Unlocking never writes to any file
until both the key file and the database have been checked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.atomic import clean_stray_temp_files
from app.errors import (
    KeyFileDamaged,
    KeyFileMissing,
    RegisterDamaged,
    RegisterExists,
    ValidationError,
)
from app.i18n import N_
from app.models import codelists, database, migrations, register_lock
from app.models.entities import KeyValue, Profile
from app.models.keyfile import RECOVERY_ALPHABET, KdfParams, KeyFile, new_recovery_code
from app.models.keyfile import VERSION as KEY_FILE_VERSION
from app.models.periods import Quarter
from app.models.register_files import DB_NAME, db_path, key_path, register_exists
from app.models.register_lock import RegisterLock
from app.models.roles import CENTRAL_COMPONENT, ROLES
from app.owner_only import private_folder, restrict_file
from app.paths import display, native
from app.secrets_in_memory import take, wipe
from app.services.changes import Change, ChangeKind
from app.services.storage import backup, passphrase_policy

CODELIST_MOVES_KEY = "codelist-moves"  # JSON [[quarter, version], ...]: see codelist_periods

log = logging.getLogger("vertrouwd.vault")


@contextlib.contextmanager
def _storage_errors(folder: Path | None = None) -> Iterator[None]:
    """A failed write for lack of space or an I/O error becomes DiskFull or StorageError
    (MediumReadOnly when the drive of ``folder`` has become read-only)."""
    try:
        yield
    except (SQLAlchemyError, database.DatabaseError, OSError) as exc:
        mapped = database.storage_error(exc, folder)
        if mapped is None:
            raise
        raise mapped from exc


@dataclass
class Register:
    """An unlocked register. Holds the data key in memory, in a bytearray, until `close()`
    wipes it."""

    folder: Path
    key_file: KeyFile
    _data_key: bytearray = field(repr=False)
    engine: Engine = field(repr=False)
    must_set_passphrase: bool = False
    # Held while the register is open: a second program is refused (see register_lock).
    lock: RegisterLock | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # The list periods, read once: the case rules ask for them inside a use case's own
        # write session, and a second session there would wait for the first one's lock.
        self._codelist_periods: list[tuple[Quarter | None, str]] | None = None

    @property
    def db_path(self) -> Path:
        return db_path(self.folder)

    @property
    def data_key(self) -> bytearray:
        return self._data_key

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error.

        A write that fails for lack of space or an I/O error surfaces as DiskFull or
        StorageError (an AppError with a sentence), never as a raw driver error.
        """
        with _storage_errors(self.folder), self._sessions() as session, session.begin():
            yield session

    def raw_connection(self) -> Any:
        """The register's one connection (database.ONE_CONNECTION), outside any transaction;
        ``close()`` gives it back."""
        return self.engine.raw_connection()

    def profile(self) -> Profile | None:
        with self.session() as s:
            return s.scalars(select(Profile)).first()

    def codelist_periods(self) -> list[tuple[Quarter | None, str]]:
        """The topic-list versions this register records with, in order: the one it was made
        with (from the start: None), then each version it moved to, from a quarter on (the
        key ``CODELIST_MOVES_KEY``, written by ``app.services.confidant.codelist_moves``,
        which calls ``forget_codelist_periods``). Read once per open register, once it has a
        profile."""
        if self._codelist_periods is not None:
            return list(self._codelist_periods)
        profile = self.profile()
        first = profile.codelist_version if profile else codelists.CURRENT_VERSION
        with self.session() as s:
            moves = s.get(KeyValue, CODELIST_MOVES_KEY)
            later = json.loads(moves.value) if moves is not None else []
        periods: list[tuple[Quarter | None, str]] = [
            (None, first), *((Quarter.parse(q), v) for q, v in later)]
        if profile is not None:
            self._codelist_periods = periods
        return list(periods)

    def forget_codelist_periods(self) -> None:
        self._codelist_periods = None

    def codelist_version(self, on: dt.date | None = None) -> str:
        """The version of the topic list in force on the day ``on`` (default: today)."""
        day = on or dt.date.today()
        return [v for start, v in self.codelist_periods()
                if start is None or start.start <= day][-1]

    def code_lists(self, on: dt.date | None = None) -> codelists.CodeLists:
        """The code lists this register records with on the day ``on`` (default: today): its
        profile's version, or the one it moved to (the current one without a profile yet)."""
        return codelists.load(self.codelist_version(on))

    def checkpoint(self) -> None:
        # Outside any transaction: the raw pooled connection runs in autocommit mode.
        with _storage_errors(self.folder):
            conn = self.raw_connection()
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()

    def close(self) -> None:
        """Checkpoint, dispose the engine (SQLCipher wipes its copies of the key as each
        connection closes), wipe the key, release the lock. Never raises: a pulled stick
        fails every step, and closing happens while a sentence is on its way."""
        with contextlib.suppress(Exception):
            self.checkpoint()
        with contextlib.suppress(Exception):
            self.engine.dispose()
        wipe(self._data_key)
        self._data_key = bytearray()
        if self.lock is not None:
            self.lock.release()


def _open_locked(folder: Path, key_file: KeyFile, data_key: bytearray) -> Register:
    """Take the register's lock, then open it; the lock and the key go with the Register (the
    key is wiped if it does not open)."""
    try:
        lock = register_lock.acquire(folder)
    except BaseException:
        wipe(data_key)
        raise
    try:
        register = _open_database(folder, key_file, data_key)
    except BaseException:
        wipe(data_key)
        lock.release()
        raise
    register.lock = lock
    return register


def _open_database(folder: Path, key_file: KeyFile, data_key: bytearray) -> Register:
    """Open the existing database of a register whose key file unwrapped. Never creates one:
    a database that is not an ordinary file, is empty, cut short or holds no register (a
    failed copy, a full USB stick) is damage, with restoring a backup as the way out."""
    path = db_path(folder)
    database.check_database_file(path)  # RegisterDatabaseMissing, before SQLite sees it
    conn = database.connect(path, data_key)  # RegisterDamaged if the header fails
    try:
        migrations.check_not_newer(conn)  # refuses before anything is written
        problems = conn.execute("PRAGMA quick_check").fetchall()
        if [tuple(r) for r in problems] != [("ok",)]:
            raise RegisterDamaged()
        database.check_holds_register(conn)
        if migrations.needs_migration(conn):
            backup.backup_before_migration(conn, folder, key_file, data_key)
            migrations.migrate(conn)
    except database.DatabaseError as exc:
        raise (database.storage_error(exc, Path(folder)) or RegisterDamaged()) from exc
    finally:
        conn.close()
    clean_stray_temp_files(Path(folder))  # left by a writer that was killed
    # The write-ahead log's index an earlier version kept in a -shm file; this one keeps it in
    # memory (database.ONE_CONNECTION), rebuilt from the log itself.
    with contextlib.suppress(OSError):
        path.with_name(DB_NAME + "-shm").unlink()
    return Register(folder=native(folder), key_file=key_file, _data_key=data_key,
                    engine=database.make_engine(path, data_key))


def _load_key_file(folder: Path) -> KeyFile:
    try:
        return KeyFile.load(key_path(folder))
    except FileNotFoundError as exc:
        if db_path(folder).exists():
            raise KeyFileDamaged() from exc
        raise KeyFileMissing(path=str(folder)) from exc


def unlock(folder: Path, passphrase: str) -> Register:
    folder = native(folder)
    register_lock.check_not_in_use(folder)  # before the key derivation: say it at once
    key_file = _load_key_file(folder)
    data_key = key_file.unwrap(passphrase)
    register = _open_locked(folder, key_file, data_key)
    if key_file.version < KEY_FILE_VERSION:
        _upgrade_key_file(register, passphrase)
    return register


def _upgrade_key_file(register: Register, passphrase: str) -> None:
    """A version-1 key file becomes version 2 (keyed MAC, register id checked by it), once the
    key file and the database have both been checked: the passphrase slot is wrapped anew."""
    try:
        set_new_passphrase(register, passphrase, check_policy=False)
    except OSError:
        log.warning("the key file could not be upgraded to version 2; it stays version 1")


def unlock_with_recovery(folder: Path, recovery_code: str) -> Register:
    """Opens the register with the recovery code; the caller must then set a new passphrase."""
    folder = native(folder)
    register_lock.check_not_in_use(folder)
    key_file = _load_key_file(folder)
    data_key = key_file.unwrap_recovery(recovery_code)
    register = _open_locked(folder, key_file, data_key)
    register.must_set_passphrase = True
    return register


def change_passphrase(
    folder: Path, old: str, new: str, params: KdfParams | None = None
) -> Change:
    """Rewrap the data key under a new passphrase; only the key file changes, atomically.

    Refused while another program has the register open: it would keep the old key file in
    memory and could write it back."""
    passphrase_policy.check(new)
    folder = native(folder)
    with register_lock.acquire(folder):
        key_file = _load_key_file(folder)
        data_key = key_file.unwrap(old)
        try:
            key_file.with_passphrase(new, data_key, params).save(key_path(folder))
        finally:
            wipe(data_key)
    return Change.of(ChangeKind.KEYS)


def set_new_passphrase(register: Register, new: str, params: KdfParams | None = None, *,
                       check_policy: bool = True) -> Change:
    """After unlocking with the recovery code (or from settings while unlocked)."""
    if check_policy:
        passphrase_policy.check(new)
    updated = register.key_file.with_passphrase(new, register.data_key, params)
    updated.save(key_path(register.folder))
    register.key_file = updated
    register.must_set_passphrase = False
    return Change.of(ChangeKind.KEYS)


@dataclass(frozen=True)
class RecoveryCode:
    code: str  # shown once; it is not stored
    change: ClassVar[Change] = Change.of(ChangeKind.KEYS)


def create_recovery_code(register: Register, params: KdfParams | None = None) -> RecoveryCode:
    """A new recovery code (replacing any earlier one). Show it once; it is not stored."""
    code = new_recovery_code()
    updated = register.key_file.with_recovery(code, register.data_key, params)
    updated.save(key_path(register.folder))
    register.key_file = updated
    return RecoveryCode(code)


def new_vp_code(component: str) -> str:
    return f"{component}-" + "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(5))


def _raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _raw_public(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def create_register(
    folder: Path,
    passphrase: str,
    *,
    roles: tuple[str, ...] = ("vp",),
    component: str,
    params: KdfParams | None = None,
    with_recovery: bool = False,
    codelist_version: str = codelists.CURRENT_VERSION,
) -> tuple[Register, str | None]:
    """Create a new register. Returns it unlocked, with the recovery code if one was asked.

    ``codelist_version``: the code lists it records with; an older version is for entering
    historic registrations (its quarterly files are shown in the current categories)."""
    folder = native(folder)
    if register_exists(folder):
        raise RegisterExists(path=display(folder))
    passphrase_policy.check(passphrase)
    lists = codelists.load()
    component = profile_component(roles, component, lists)
    if codelist_version not in codelists.known_versions():
        raise ValidationError(
            N_("There is no topic list version {version}; choose one of {versions}."),
            version=codelist_version, versions=", ".join(codelists.known_versions()))

    private_folder(folder)
    lock = register_lock.acquire(folder)
    try:
        return _create_locked(folder, passphrase, roles, component, codelist_version, params,
                              with_recovery, lock)
    except BaseException:
        lock.release()
        raise


PROFILE_CHOICES = N_(
    "“{component}” with the role(s) {roles} cannot work: a confidant (vp) or coordinator "
    "belongs to one defence component ({components}); the central role, alone, to {central}. "
    "Nothing was created."
)


def profile_component(roles: tuple[str, ...], component: str,
                      lists: codelists.CodeLists) -> str:
    """The component's code as the code list spells it (any case is accepted: kmar, KMar),
    once the roles and the component fit together; one sentence listing the valid choices
    otherwise. Central is alone and DEFENSIE; vp and coordinator belong to a component."""
    if not roles or any(r not in ROLES for r in roles) or len(set(roles)) != len(roles):
        raise ValidationError(N_("Choose a role."))
    codes = [c.code for c in lists.components]
    spelled = {c.casefold(): c for c in [*codes, CENTRAL_COMPONENT]}.get(
        component.strip().casefold() if isinstance(component, str) else "")
    central = "central" in roles
    fits = spelled is not None and (
        (central and roles == ("central",) and spelled == CENTRAL_COMPONENT)
        or (not central and spelled != CENTRAL_COMPONENT))
    if not fits:
        raise ValidationError(PROFILE_CHOICES, component=component, roles=", ".join(roles),
                              components=", ".join(codes), central=CENTRAL_COMPONENT)
    assert spelled is not None
    return spelled


def _create_locked(
    folder: Path, passphrase: str, roles: tuple[str, ...], component: str, codelist_version: str,
    params: KdfParams | None, with_recovery: bool, lock: RegisterLock,
) -> tuple[Register, str | None]:
    clean_stray_temp_files(folder)
    data_key = take(secrets.token_bytes(32))
    key_file = KeyFile.create(passphrase, data_key, params)

    # Build the database under a temporary name, then publish key file and database.
    tmp_db = folder / (DB_NAME + ".creating")
    for leftover in folder.glob(DB_NAME + ".creating*"):
        leftover.unlink()
    conn = database.connect(tmp_db, data_key)
    try:
        migrations.migrate(conn)  # the one place a database starts from nothing
        signing = Ed25519PrivateKey.generate()
        sealing = X25519PrivateKey.generate()
        conn.execute(
            "INSERT INTO profile (id, roles, component, code, signing_private_key, "
            "signing_public_key, sealing_private_key, sealing_public_key, codelist_version, "
            "created_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, datetime('now'))",
            (
                ",".join(roles),
                component,
                new_vp_code(component),
                _raw_private(signing),
                _raw_public(signing),
                _raw_private(sealing),
                _raw_public(sealing),
                codelist_version,
            ),
        )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    key_file.save(key_path(folder))
    restrict_file(tmp_db)
    os.replace(tmp_db, db_path(folder))
    register = _open_database(folder, key_file, data_key)
    register.lock = lock
    code = create_recovery_code(register, params).code if with_recovery else None
    return register, code


def verify(register: Register) -> list[str]:
    """Integrity, cipher and foreign-key checks; returns problems (empty when clean)."""
    conn = register.raw_connection()
    try:
        problems = database.integrity_problems(conn)
        version = database.cipher_version(conn)
        if not version.startswith("4."):
            problems.append(f"cipher_version {version!r}")
        return problems
    finally:
        conn.close()


def content_digest(register: Register) -> str:
    """SHA-256 over every row of every table, in a stable order: 'same content' made testable."""
    conn = register.raw_connection()
    try:
        return database.content_digest(conn)
    finally:
        conn.close()
