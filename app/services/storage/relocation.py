"""Moving a register to another folder (a USB stick, another disk), with its key file, its
pre-migration copies and, when asked, its backups — safely:

1. the register must be closed (this program) and not open elsewhere (``register_lock``); it
   stays locked against other programs for the whole move;
2. the passphrase unwraps the key, so the copy can be checked with it;
3. everything is copied into a staging folder beside the target, flushed, and checked: the key
   file byte for byte, the database by its integrity check and the digest of every row;
4. the staging folder is renamed to the target in one step (atomic on one file system) and
   checked again there;
5. only then is the old copy removed. Backups move after that, one by one the same way
   (copy, check, rename, remove); a backup that cannot be moved stays where it was, and the
   result says so (the register itself has moved by then).

A move that fails at any step leaves the register where it was, whole; nothing half-copied
stays behind. No Qt here: the window runs this off the GUI thread.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from app.atomic import fsync_dir, fsync_file, replace
from app.errors import AppError, BackupInvalid, RegisterExists, RegisterStillOpen
from app.i18n import N_
from app.models import database, register_lock
from app.models.keyfile import KeyFile
from app.models.register_files import (
    DB_NAME,
    KEY_NAME,
    LOCK_NAME,
    PRE_MIGRATION_FOLDER,
    db_path,
    key_path,
    register_exists,
)
from app.owner_only import private_folder, restrict_file, restrict_folder
from app.paths import display, native
from app.services.changes import EVERYTHING, Change
from app.services.storage import backup

STAGING_SUFFIX = ".moving"
MOVE_FAILED = N_("The register could not be moved to {path}. It is still where it was, "
                 "unchanged.")
NOT_EMPTY = N_("The folder {path} is not empty. Choose an empty or a new folder for the "
               "register.")
INSIDE = N_("Choose a folder outside the register's own folder.")


@dataclass(frozen=True)
class MoveResult:
    register_dir: Path
    backup_dir: Path | None  # where the backups are now (None: they were not moved)
    backups_moved: int
    backup_error: AppError | None = None  # the register moved; (some of) its backups did not
    change: ClassVar[Change] = Change(EVERYTHING)  # the register is another folder now


def _digest(path: Path, data_key: bytes | bytearray) -> tuple[list[str], str]:
    def check(conn: Any) -> tuple[list[str], str]:
        return database.integrity_problems(conn), database.content_digest(conn)

    result: tuple[list[str], str] = database.run_in_connection(path, data_key, check)
    return result


def _checkpoint(path: Path, data_key: bytes | bytearray) -> None:
    database.run_in_connection(
        path, data_key, lambda c: c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())


def _same_or_nested(a: Path, b: Path) -> bool:
    a, b = Path(os.path.abspath(a)), Path(os.path.abspath(b))
    return a == b or a in b.parents or b in a.parents


def _check_target(source: Path, target: Path) -> None:
    if _same_or_nested(source, target):
        raise AppError(INSIDE)
    if register_exists(target):
        raise RegisterExists(path=display(target))
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise AppError(NOT_EMPTY, path=display(target))


def _copy_file(src: Path, dst: Path) -> None:
    shutil.copyfile(src, dst)
    restrict_file(dst)  # owner-only, where the drive can hold it
    fsync_file(dst)


def _copy_folder(src: Path, dst: Path) -> None:
    """The files below ``src`` into the new folder ``dst``, owner-only where the drive can
    hold it. Bytes only: shutil.copytree also copies permissions and times, and a FAT stick on
    Linux refuses that chmod, so backups never moved onto one."""
    dst.mkdir(mode=0o700)
    restrict_folder(dst)
    for entry in sorted(src.iterdir()):
        if entry.is_dir():
            _copy_folder(entry, dst / entry.name)
        else:
            _copy_file(entry, dst / entry.name)


def _copy_register(source: Path, staging: Path) -> None:
    for name in (DB_NAME, KEY_NAME):
        _copy_file(source / name, staging / name)
    pre = source / PRE_MIGRATION_FOLDER
    if pre.is_dir():
        _copy_folder(pre, staging / PRE_MIGRATION_FOLDER)
    fsync_dir(staging)


def _verify_copy(source: Path, copy: Path, data_key: bytes | bytearray, expected: str) -> None:
    if (copy / KEY_NAME).read_bytes() != (source / KEY_NAME).read_bytes():
        raise AppError(MOVE_FAILED, path=display(copy))
    try:
        problems, digest = _digest(db_path(copy), data_key)
    except (database.DatabaseError, AppError) as exc:  # a copy too damaged to open
        raise AppError(MOVE_FAILED, path=display(copy)) from exc
    if problems or digest != expected:
        raise AppError(MOVE_FAILED, path=display(copy))


def _remove_old(source: Path) -> None:
    for name in os.listdir(source):
        path = source / name
        if name == LOCK_NAME:
            continue  # released and removed after the lock is let go
        if path.is_dir() and name == PRE_MIGRATION_FOLDER:
            shutil.rmtree(path)
        elif name.startswith(DB_NAME) or name == KEY_NAME:
            path.unlink()


def _publish(staging: Path, target: Path) -> None:
    if target.exists():
        target.rmdir()  # checked to be empty
    replace(staging, target)
    fsync_dir(target.parent)


def move_register(
    source: Path, target: Path, passphrase: str, *,
    backups_from: Path | None = None, backups_to: Path | None = None,
    on_step: Callable[[str], None] | None = None,
) -> MoveResult:
    """Move the closed register in ``source`` to ``target`` (a new or empty folder); with
    ``backups_to``, move the backups in ``backups_from`` there too. See the module text."""
    source, target = native(Path(source)), native(Path(target))
    say = on_step or (lambda _step: None)
    if register_lock.held_here(source):
        raise RegisterStillOpen()
    register_lock.check_not_in_use(source)
    _check_target(source, target)
    key_file = KeyFile.load(key_path(source))
    data_key = key_file.unwrap(passphrase)  # WrongPassphrase: nothing was touched
    staging = target.with_name(f".{target.name}{STAGING_SUFFIX}")
    with register_lock.acquire(source):
        _checkpoint(db_path(source), data_key)
        problems, expected = _digest(db_path(source), data_key)
        if problems:
            raise BackupInvalid()
        try:
            private_folder(target.parent)
            shutil.rmtree(staging, ignore_errors=True)  # what an earlier, killed move left
            staging.mkdir(mode=0o700)
            restrict_folder(staging)
            say("copy")
            _copy_register(source, staging)
            say("verify")
            _verify_copy(source, staging, data_key, expected)
            _publish(staging, target)
            _verify_copy(source, target, data_key, expected)
        except AppError:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise AppError(MOVE_FAILED, path=display(target)) from exc
        say("remove")
        _remove_old(source)
    with contextlib.suppress(OSError):
        (source / LOCK_NAME).unlink()
        source.rmdir()  # only when nothing else was in it
    if backups_from is None or backups_to is None:
        return MoveResult(target, None, 0)
    say("backups")
    counter: list[int] = []
    try:
        move_backups(Path(backups_from), Path(backups_to), key_file.register_id, data_key,
                     counter)
    except AppError as exc:
        return MoveResult(target, Path(backups_from), len(counter), exc)
    return MoveResult(target, Path(backups_to), len(counter))


def move_backups(source: Path, target: Path, register_id: str, data_key: bytes | bytearray,
                 moved: list[int] | None = None) -> int:
    """Move this register's backups from ``source`` to ``target``, each copied, checked,
    renamed into place and only then removed from ``source``. Returns how many moved (also
    counted into ``moved`` as they go, for a caller that must know after a failure)."""
    source, target = native(source), native(target)
    moved = [] if moved is None else moved
    if _same_or_nested(source, target) or not source.is_dir():
        return 0
    private_folder(target)
    for info in reversed(backup.list_backups(source)):  # oldest first
        if info.register_id != register_id:
            continue  # another register's backup: not ours to move
        final = target / info.path.name
        staging = target / (info.path.name + STAGING_SUFFIX)
        try:
            shutil.rmtree(staging, ignore_errors=True)
            _copy_folder(info.path, staging)
            problems, copy_digest = _digest(staging / DB_NAME, data_key)
            _problems, old_digest = _digest(info.path / DB_NAME, data_key)
            if problems or copy_digest != old_digest:
                raise AppError(MOVE_FAILED, path=display(final))
            replace(staging, final)
            fsync_dir(target)
        except AppError:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        except (OSError, database.DatabaseError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise AppError(MOVE_FAILED, path=display(final)) from exc
        shutil.rmtree(info.path)
        moved.append(1)
    return len(moved)
