"""Encrypted backups: `VACUUM INTO` a keyed file, verify it, then publish and rotate.

A backup is a folder `vertrouwd-backup-<UTC time>-g<generation>` holding a copy of the key
file and the database, both encrypted exactly as the register itself (same data key, same
passphrase at the time of the backup). Backups are ordered by their generation number, one more
than any backup beside them, never by the time in their name: a laptop's clock may be years
behind, and the backup just written must never be the one rotation takes for the oldest.
Restore verifies everything before it replaces anything and keeps the current register aside.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

from app.atomic import fsync_dir, fsync_file, replace
from app.errors import (
    BackupError,
    BackupInvalid,
    DiskFull,
    MediumGone,
    RegisterStillOpen,
    WrongPassphrase,
)
from app.files import file_errors
from app.models import database, migrations, register_lock
from app.models.keyfile import KeyFile
from app.models.register_files import (
    BACKUP_PREFIX,
    BACKUP_TMP_SUFFIX,
    DB_NAME,
    KEY_NAME,
    PRE_MIGRATION_FOLDER,
    PRE_MIGRATION_LABEL,
    backup_generation,
    backup_name,
    backup_time,
    db_path,
    key_path,
    register_exists,
    stamp,
)
from app.owner_only import private_folder, restrict_file, restrict_folder
from app.paths import native
from app.services.changes import EVERYTHING, Change

DEFAULT_GENERATIONS = 10


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: dt.datetime  # by the clock of the machine that made it: shown, never ordered by
    register_id: str
    size_bytes: int
    generation: int = 0


def next_generation(dest_dir: Path) -> int:
    """One more than the generation of any backup (or half-written one) in ``dest_dir``."""
    found = [backup_generation(entry.name) for entry in Path(dest_dir).glob(BACKUP_PREFIX + "*")]
    return max(found, default=0) + 1


def _write_backup(
    source: Any, key_file: KeyFile, data_key: bytes | bytearray, dest_dir: Path,
    label: str = "",
    now: dt.datetime | None = None,
) -> Path:
    """``source``: the open connection to the register (its only one, database.ONE_CONNECTION)."""
    dest_dir = private_folder(native(dest_dir))
    clean_partial(dest_dir)
    final = dest_dir / backup_name(now, label, next_generation(dest_dir))
    tmp = final.with_name(final.name + BACKUP_TMP_SUFFIX)
    tmp.mkdir(mode=0o700)
    restrict_folder(tmp)
    try:
        target = tmp / DB_NAME
        # VACUUM INTO writes a consistent, compact copy encrypted with the same key.
        source.execute("VACUUM INTO ?", (str(target),))
        expected = database.content_digest(source)
        key_file.save(tmp / KEY_NAME)
        restrict_file(target)  # SQLite created it with the umask's permissions
        fsync_file(target)
        problems, digest = _check_database(target, data_key)
        if problems or digest != expected:
            raise BackupError()
        replace(tmp, final)
        fsync_dir(dest_dir)
    except (OSError, database.DatabaseError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        mapped = database.storage_error(exc, dest_dir)
        if isinstance(mapped, DiskFull | MediumGone):
            raise mapped from exc
        raise BackupError() from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def _check_database(path: Path, data_key: bytes | bytearray) -> tuple[list[str], str]:
    """Problems and content digest of a backup's database; an empty, cut-short or
    register-less one is RegisterDatabaseMissing (never taken for a new, empty register)."""
    database.check_database_file(path)
    conn = database.connect(path, data_key)
    try:
        migrations.check_not_newer(conn)
        database.check_holds_register(conn)
        problems = database.integrity_problems(conn)
        return problems, database.content_digest(conn)
    finally:
        conn.close()


def holds_register(backup_dir: Path, data_key: bytes | bytearray) -> bool:
    """Whether a backup's database opens with ``data_key`` and holds a register (a profile):
    real content, as opposed to an empty or foreign database."""
    try:
        problems, _digest = _check_database(Path(backup_dir) / DB_NAME, data_key)
    except Exception:  # noqa: BLE001 - whatever fails to open holds no register for us
        return False
    return not problems


class OpenRegister(Protocol):
    """What a backup needs of an unlocked register (`vault.Register`)."""

    @property
    def key_file(self) -> KeyFile: ...
    @property
    def data_key(self) -> bytes | bytearray: ...
    def checkpoint(self) -> None: ...
    def raw_connection(self) -> Any: ...


def create_backup(
    register: OpenRegister, dest_dir: Path, generations: int = DEFAULT_GENERATIONS,
    *, now: dt.datetime | None = None,
) -> Path:
    """Back the register up into a new folder in ``dest_dir``, named after ``now`` (default:
    the current time) and the next generation number, and keep the newest ``generations``;
    the backup just written is always kept, whatever the clock says."""
    register.checkpoint()
    with file_errors(Path(dest_dir)):
        conn = register.raw_connection()
        try:
            path = _write_backup(conn, register.key_file, register.data_key, dest_dir, now=now)
        finally:
            conn.close()
        rotate(dest_dir, generations, register_id=register.key_file.register_id,
               data_key=register.data_key, keep=path)
    return path


def backup_before_migration(conn: Any, folder: Path, key_file: KeyFile,
                            data_key: bytes | bytearray) -> Path:
    """A copy of the register open on ``conn``, before migrating it."""
    return _write_backup(conn, key_file, data_key, Path(folder) / PRE_MIGRATION_FOLDER,
                         PRE_MIGRATION_LABEL)


def clean_partial(dest_dir: Path) -> None:
    for entry in Path(dest_dir).glob(BACKUP_PREFIX + "*" + BACKUP_TMP_SUFFIX):
        shutil.rmtree(entry, ignore_errors=True)


def list_backups(dest_dir: Path) -> list[BackupInfo]:
    """Newest first: by generation number, then (for backups made before numbering) by the
    time in their name. Only complete backups (a key file and a database) are listed."""
    result: list[BackupInfo] = []
    if not Path(dest_dir).is_dir():
        return result
    for entry in Path(dest_dir).iterdir():
        created = backup_time(entry.name)
        if created is None:
            continue
        db, key = entry / DB_NAME, entry / KEY_NAME
        if not (db.is_file() and key.is_file()):
            continue
        try:
            register_id = KeyFile.load(key).register_id
        except Exception:  # noqa: BLE001 - a folder that cannot be read is not listed as a backup
            continue
        result.append(BackupInfo(entry, created, register_id, db.stat().st_size,
                                 backup_generation(entry.name)))
    result.sort(key=lambda b: (b.generation, b.created_at), reverse=True)
    return result


DELETING = ".deleting"


def rotate(dest_dir: Path, generations: int, *, register_id: str | None = None,
           data_key: bytes | bytearray | None = None, keep: Path | None = None
           ) -> list[Path]:
    """Keep the newest `generations` backups (by generation number), and ``keep`` whatever
    its place; return the removed folders.

    With ``register_id``, only that register's backups are counted and removed (a folder
    shared by two registers keeps the other's). With ``data_key`` too, the newest backup that
    holds a register is never removed while none of the kept ones does: backups of an empty
    or foreign database can never rotate the last real one away.

    A backup is first renamed out of the list, then deleted, so it is either whole or gone: on
    Windows a folder holding a file that another program has open (a virus scanner, a copy in
    progress) cannot be renamed; it then stays, whole, and a later rotation removes it. Where
    the rename works but a held file survives the deletion (Wine), the `.deleting` remains are
    removed by the next rotation."""
    generations = max(1, int(generations))
    for leftover in Path(dest_dir).glob(BACKUP_PREFIX + "*" + DELETING):
        shutil.rmtree(leftover, ignore_errors=True)  # what a held file kept from a deletion
    backups = [b for b in list_backups(dest_dir)
               if register_id is None or b.register_id == register_id]
    doomed_list = [b for b in backups[generations:] if keep is None or b.path != Path(keep)]
    if data_key is not None and doomed_list and not any(
            holds_register(b.path, data_key) for b in backups[:generations]):
        real = next((b for b in doomed_list if holds_register(b.path, data_key)), None)
        doomed_list = [b for b in doomed_list if b is not real]
    removed = []
    for info in doomed_list:
        doomed = info.path.with_name(info.path.name + DELETING)
        try:
            replace(info.path, doomed)
        except OSError:
            continue  # Windows: a file in it is open elsewhere; it stays whole, for next time
        shutil.rmtree(doomed, ignore_errors=True)
        removed.append(info.path)
    return removed


def verify_backup(backup_dir: Path, passphrase: str) -> tuple[KeyFile, bytearray]:
    """Unwrap the backup's key with the passphrase and check the database fully."""
    try:
        key_file = KeyFile.load(Path(backup_dir) / KEY_NAME)
    except (OSError, Exception) as exc:
        if isinstance(exc, WrongPassphrase):
            raise
        raise BackupInvalid() from exc
    data_key = key_file.unwrap(passphrase)  # WrongPassphrase propagates: its own message
    try:
        problems, _digest = _check_database(Path(backup_dir) / DB_NAME, data_key)
    except Exception as exc:
        raise BackupInvalid() from exc
    if problems:
        raise BackupInvalid()
    return key_file, data_key


RESTORING = ".restoring"


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # no hard links (FAT): a copy of the bytes; permissions are not copied,
        shutil.copyfile(src, dst)  # a FAT stick on Linux refuses chmod (copy2 then failed)
        restrict_file(dst)
        fsync_file(dst)


def _fold_in_wal(folder: Path, data_key: bytes | bytearray) -> None:
    """A write-ahead log must never outlive the database it belongs to: checkpoint it into
    the current database (or, if that is damaged, move it aside) before anything is replaced."""
    wal = folder / (DB_NAME + "-wal")
    if not wal.exists():
        return
    with contextlib.suppress(Exception):  # a damaged register is a reason to restore
        database.run_in_connection(
            db_path(folder), data_key,
            lambda c: c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())
    if wal.exists():
        aside = folder / (DB_NAME + f"-wal.unusable-{stamp()}")
        replace(wal, aside)


@dataclass(frozen=True)
class Restored:
    aside: Path | None  # where the previous register was kept (None: there was none)
    change: ClassVar[Change] = Change(EVERYTHING)  # the whole register is the backup's now


def restore(folder: Path, backup_dir: Path, passphrase: str) -> Restored:
    """Replace the register in `folder` by the backup. The register must be closed: open in
    this program it is RegisterStillOpen, open in another one RegisterInUse (on Windows its
    files could not even be replaced while they are open)."""
    folder = native(folder)
    if register_lock.held_here(folder):
        raise RegisterStillOpen()
    register_lock.check_not_in_use(folder)
    key_file, _key = verify_backup(native(backup_dir), passphrase)
    folder.mkdir(parents=True, exist_ok=True)
    with register_lock.acquire(folder):
        return Restored(_restore_locked(folder, native(backup_dir), key_file, _key))


def _restore_locked(folder: Path, backup_dir: Path, key_file: KeyFile, _key: bytearray
                    ) -> Path | None:
    current_id = None
    with contextlib.suppress(Exception):
        current_id = KeyFile.load(key_path(folder)).register_id
    if current_id is not None and current_id != key_file.register_id:
        raise BackupInvalid()

    staged = [folder / (name + RESTORING) for name in (DB_NAME, KEY_NAME)]
    try:
        # 1. Stage the backup beside the live files; until step 3 the live register is whole,
        #    so a restore killed at any moment leaves a register that opens.
        for name, tmp in zip((DB_NAME, KEY_NAME), staged, strict=True):
            shutil.copyfile(Path(backup_dir) / name, tmp)
            restrict_file(tmp)  # copyfile creates it with the umask's permissions
            fsync_file(tmp)
        # 2. Keep the previous register aside (links: the live files stay in place).
        aside: Path | None = None
        if register_exists(folder):
            _fold_in_wal(folder, _key)
            aside = folder.parent / f"{folder.name}.before-restore-{stamp()}"
            aside.mkdir(mode=0o700)
            restrict_folder(aside)
            for name in os.listdir(folder):
                if name in (DB_NAME, KEY_NAME) and (folder / name).is_dir():
                    replace(folder / name, aside / name)  # damage: a folder where a file was
                elif name in (DB_NAME, KEY_NAME):
                    _link_or_copy(folder / name, aside / name)
                elif name.startswith(DB_NAME) and not name.endswith(RESTORING):
                    replace(folder / name, aside / name)  # a -shm left without its WAL
            fsync_dir(aside)
        # 3. Publish. Each rename is atomic; both files carry the same register id and data
        #    key, so a kill between the two still leaves a register that opens.
        for name, tmp in zip((DB_NAME, KEY_NAME), staged, strict=True):
            replace(tmp, folder / name)
        fsync_dir(folder)
    except BaseException:
        for tmp in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise
    return aside
