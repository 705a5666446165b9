"""The files and folders a user names: read them safely, write them without ever replacing one.

Services call these at their boundary, so an `OSError` never reaches the command line or a
window: it becomes a typed `FileAccessError` with one sentence per cause (not found, permission
denied or read-only, disk full, a folder, a device or pipe, ...).

- `read_input` reads an ordinary file of bounded size. It looks before it reads: a folder, a
  FIFO, a character or block device (`/dev/zero`, `CON` on Windows) or a socket is refused
  without being opened, and the open itself does not block (a FIFO swapped in after the look),
  so reading can neither hang nor fill the memory.
- `write_new` writes a file atomically (temp file, fsync, rename) and never replaces one that
  exists: `OutputExists` names it. The file is readable by its owner only (POSIX 0600 whatever
  the umask; Windows an owner-only ACL), except on a drive meant for passing files on: on
  Windows a removable drive (USB stick) or a network drive keeps its own permissions, because
  an ACL naming this machine's user would lock the recipient out of an NTFS stick or a share.
  (POSIX has no such marker: files are 0600 everywhere, and FAT or exFAT sticks have no
  permissions at all.) See docs/security.md, "Files on disk".
- `file_errors` turns the `OSError` of any other file operation into the same sentences.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from app.atomic import TEMP_SUFFIX, fsync_dir, retry_sharing
from app.errors import (
    AppError,
    FileAccessError,
    OutputExists,
    PathDiskFull,
    PathIsFolder,
    PathMediumGone,
    PathNotAFolder,
    PathNotFound,
    PathNotRegularFile,
    PathPermissionDenied,
    PathTooLarge,
    PathUnusable,
)
from app.owner_only import on_shared_drive, restrict_file, restrict_folder

_BINARY = getattr(os, "O_BINARY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX: opening a FIFO never waits for a writer

_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
# Windows: ERROR_HANDLE_DISK_FULL (39) and ERROR_DISK_FULL (112).
_FULL_WINERRORS = {39, 112}
_DENIED_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
# A drive that stopped answering: a USB stick pulled out or failing (EIO), a drive gone from
# under a user-space or network file system (ENOTCONN), a device that is no more (ENODEV, ENXIO).
GONE_ERRNOS = {errno.EIO, errno.ENOTCONN, errno.ENODEV, errno.ENXIO}
_MISSING_ERRNOS = {errno.ENOENT, errno.ENOTDIR}
_MISSING_WINERRORS = {2, 3, 15, 21, 53, 67, 161}  # file, path, drive, not ready, net, name
_NAME_WINERRORS = {123}  # ERROR_INVALID_NAME: "a:b?.json"


def shown(path: Path) -> str:
    """A path as the user reads it in a sentence (the OS's own separators)."""
    return os.fspath(path)


_FILE_READ_ONLY_VOLUME = 0x00080000  # Windows: GetVolumeInformationW's flag


def medium_read_only(path: Path) -> bool:
    """Whether the drive holding ``path`` (a file or folder that exists) is mounted read-only:
    a write-protected USB stick, or one the system remounted read-only after an error."""
    try:
        if sys.platform == "win32":
            import ctypes

            root = ctypes.create_unicode_buffer(261)
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            if not kernel32.GetVolumePathNameW(os.fspath(path), root, 261):
                return False
            flags = ctypes.c_uint32(0)
            if not kernel32.GetVolumeInformationW(root, None, 0, None, None,
                                                  ctypes.byref(flags), None, 0):
                return False
            return bool(flags.value & _FILE_READ_ONLY_VOLUME)
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError, ValueError):
        return False


def medium_gone(path: Path) -> bool:
    """Whether the drive holding ``path`` stopped answering: looking at ``path`` (or the nearest
    folder above it) fails with an I/O error, as on a pulled or failing USB stick."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return medium_gone(Path(path).parent) if Path(path).parent != Path(path) else False
    except OSError as exc:
        return exc.errno in GONE_ERRNOS
    return False


def _disk_is_full(path: Path) -> bool:
    """Wine reports a write past the end of a full drive as EINVAL where Windows says
    ERROR_DISK_FULL: ask the drive (the nearest folder that exists) how much room is left."""
    folder = Path(path).parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free < 64 * 1024
    except OSError:
        return False


def error_for(exc: OSError, path: Path) -> FileAccessError:
    """The user's sentence for an OSError met while using ``path``."""
    where = shown(path)
    code = exc.errno
    winerror = getattr(exc, "winerror", None)
    if isinstance(exc, FileExistsError):
        return OutputExists(path=where)
    if isinstance(exc, IsADirectoryError):
        return PathIsFolder(path=where)
    if code in _FULL_ERRNOS or winerror in _FULL_WINERRORS:
        return PathDiskFull(path=where)
    if code in GONE_ERRNOS and winerror is None:
        return PathMediumGone(path=where)
    if isinstance(exc, FileNotFoundError) or code in _MISSING_ERRNOS or \
            winerror in _MISSING_WINERRORS:
        return PathNotFound(path=where)
    if isinstance(exc, PermissionError) or code in _DENIED_ERRNOS:
        return PathPermissionDenied(path=where)
    if code == errno.EINVAL and _disk_is_full(path):
        return PathDiskFull(path=where)
    if winerror in _NAME_WINERRORS or code == errno.ENAMETOOLONG:
        return PathNotFound(path=where)
    return PathUnusable(path=where, detail=errno.errorcode.get(code or 0, type(exc).__name__))


@contextlib.contextmanager
def file_errors(path: Path) -> Iterator[None]:
    """Any OSError inside becomes the FileAccessError for ``path``."""
    try:
        yield
    except OSError as exc:
        raise error_for(exc, path) from exc


def _check_kind(mode: int, path: Path) -> None:
    if stat.S_ISDIR(mode):
        raise PathIsFolder(path=shown(path))
    if not stat.S_ISREG(mode):
        raise PathNotRegularFile(path=shown(path))


def read_input(path: Path, limit: int, too_large: AppError | None = None) -> bytes:
    """The bytes of the ordinary file ``path``, at most ``limit`` of them.

    A larger file raises ``too_large`` (default: PathTooLarge), before reading it where the
    size is known and after ``limit`` + 1 bytes where it is not.
    """
    path = Path(path)
    big = too_large or PathTooLarge(path=shown(path), limit=limit)
    with file_errors(path):
        _check_kind(os.stat(path).st_mode, path)  # a FIFO or device is never opened
        fd = os.open(path, os.O_RDONLY | _BINARY | _NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            _check_kind(info.st_mode, path)  # replaced between the look and the open
            if info.st_size > limit:
                raise big
            data = fh.read(limit + 1)
    if len(data) > limit:
        raise big
    return data


def ensure_folder(folder: Path) -> Path:
    """Create ``folder`` (and its parents) if needed, with the user's sentence on failure. A
    folder made here is owner-only, except on a shared drive (as ``write_new``)."""
    folder = Path(folder)
    with file_errors(folder):
        if folder.exists() and not folder.is_dir():
            raise PathNotAFolder(path=shown(folder))
        missing = [f for f in (folder, *folder.parents) if not f.exists()]
        for made in reversed(missing):  # each folder made here, parents included
            made.mkdir(mode=0o700, exist_ok=True)
            if not on_shared_drive(made):
                restrict_folder(made)
    return folder


def refuse_existing(path: Path) -> None:
    """OutputExists when ``path`` exists: said before work whose result would go there."""
    with file_errors(Path(path)):  # a drive that stopped answering says so (Path.exists raises)
        if Path(path).exists() or Path(path).is_symlink():
            raise OutputExists(path=shown(Path(path)))


def write_new(path: Path, data: bytes) -> Path:
    """Write ``data`` to the new file ``path``: atomically, owner-only, never over a file.

    The rename that publishes the file cannot replace one: a hard link (POSIX) or a rename
    (Windows) fails when the name exists. On file systems without hard links (FAT or exFAT
    on a USB stick) the name is checked just before an ordinary rename.
    """
    path = Path(path)
    with file_errors(path):  # looking at the folder can fail too (a drive that is gone)
        if not path.parent.is_dir():
            parent = path.parent
            raise (PathNotAFolder if parent.exists() else PathNotFound)(path=shown(parent))
        refuse_existing(path)
        tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}{TEMP_SUFFIX}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o600)
        try:
            if not on_shared_drive(path.parent):
                restrict_file(tmp)  # owner-only whatever the umask or the folder's ACL
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            _publish_without_replacing(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        fsync_dir(path.parent)
    return path


def _publish_without_replacing(tmp: Path, path: Path) -> None:
    if sys.platform == "win32":
        retry_sharing(lambda: os.rename(tmp, path))  # FileExistsError if the name is taken
        return
    try:
        os.link(tmp, path)  # FileExistsError if the name is taken
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (FAT/exFAT): look, then rename (a small window, told in the docs).
        if path.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        os.rename(tmp, path)


def remove_quietly(path: Path) -> None:
    """Remove a file this program wrote, when what it belonged to was not recorded."""
    with contextlib.suppress(OSError):
        Path(path).unlink()
