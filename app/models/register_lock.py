"""One program at a time per register: an OS lock on `register.lock` in the register folder.

A second Vertrouwd (a second window, or the command line while the window has the register
open) is refused with a sentence before it derives a key or touches a file. The lock belongs to
the process: the operating system drops it when the process ends, however it ends (a crash, a
kill, a power cut), so a stale lock file never blocks anyone — the file itself is empty and
stays.

- POSIX: `flock` on the file (per open file description; SQLite's own fcntl locks on the
  database are separate and unaffected).
- Windows: `msvcrt.locking` on its first byte (LockFileEx), which other processes respect.

Within one process the lock is shared (counted): the window keeps it while the register is
open, and a backup or verification in the same process does not lock itself out.

On a read-only medium (a write-protected USB stick, FAT remounted read-only after an error, a
copy with read-only files) the lock file cannot be opened for writing: that is RegisterReadOnly,
one sentence naming the read-only drive, said before anything else is tried. Releasing never
raises: on a pulled stick closing the file fails (EIO, ENOTCONN), and the sentence the program
has already chosen must stay the one the user reads.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from app.errors import RegisterInUse, RegisterReadOnly
from app.files import error_for
from app.models.register_files import LOCK_NAME
from app.owner_only import restrict_file

_BINARY = getattr(os, "O_BINARY", 0)

if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


@dataclass
class _Held:
    fd: int
    count: int


_held: dict[str, _Held] = {}
_mutex = threading.Lock()


def _key(folder: Path) -> str:
    return os.path.normcase(os.path.abspath(folder))


def lock_path(folder: Path) -> Path:
    return Path(folder) / LOCK_NAME


class RegisterLock:
    """A hold on a register folder; `release()` once (idempotent)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._released = False

    def release(self) -> None:
        with _mutex:
            if self._released:
                return
            self._released = True
            key = _key(self.folder)
            held = _held.get(key)
            if held is None:
                return
            held.count -= 1
            if held.count == 0:
                del _held[key]
                _unlock(held.fd)
                with contextlib.suppress(OSError):  # a pulled stick: the OS drops the lock
                    os.close(held.fd)

    def __enter__(self) -> RegisterLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire(folder: Path) -> RegisterLock:
    """Hold the register in `folder` (creating the empty lock file if needed), or raise
    RegisterInUse when another process holds it."""
    key = _key(folder)
    with _mutex:
        held = _held.get(key)
        if held is not None:
            held.count += 1
            return RegisterLock(folder)
        fd = _open_for_writing(Path(folder))
        if not _try_lock(fd):
            os.close(fd)
            raise RegisterInUse()
        _held[key] = _Held(fd, 1)
        return RegisterLock(folder)


_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def _open_for_writing(folder: Path) -> int:
    """The lock file opened for writing (created if needed, owner-only); RegisterReadOnly on
    a read-only medium, the FileAccessError sentence for any other failure."""
    path = lock_path(folder)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _BINARY, 0o600)
    except OSError as exc:
        if exc.errno in _READ_ONLY_ERRNOS:
            raise RegisterReadOnly(path=os.fspath(folder)) from exc
        raise error_for(exc, path) from exc
    restrict_file(path)  # owner-only like every file the program writes
    return fd


def held_elsewhere(folder: Path) -> bool:
    """True when another process holds the register. Creates nothing."""
    key = _key(folder)
    with _mutex:
        if key in _held:
            return False
        try:
            fd = os.open(lock_path(folder), os.O_RDWR | _BINARY)
        except OSError:
            return False  # no lock file: nobody has opened this register with a lock yet
        try:
            if _try_lock(fd):
                _unlock(fd)
                return False
            return True
        finally:
            with contextlib.suppress(OSError):
                os.close(fd)


def held_here(folder: Path) -> bool:
    with _mutex:
        return _key(folder) in _held


def check_not_in_use(folder: Path) -> None:
    if held_elsewhere(folder):
        raise RegisterInUse()
