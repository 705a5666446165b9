"""Atomic file writes: temp file in the same folder, fsync, rename, fsync the folder.

Windows differs in three ways that matter here, each handled below:
- `FlushFileBuffers` (what `os.fsync` calls) needs a handle opened for writing: a file opened
  read-only cannot be flushed ("Permission denied"). `fsync_file` opens for reading and writing.
- A folder cannot be opened to flush it; `os.replace` (MoveFileEx with REPLACE_EXISTING and
  WRITE_THROUGH semantics in CPython) is atomic on NTFS.
- A file that another process holds open without delete sharing — a virus scanner or the
  search indexer looking at a file we just wrote — cannot be renamed over or deleted for a
  moment ("sharing violation"). `replace` waits a little and tries again before giving up.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from app.owner_only import restrict_file

TEMP_SUFFIX = ".vtmp"
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation on raw descriptors

# Windows error codes of a sharing violation, a lock violation and "access denied" (which is
# what a rename over a file that is open for reading reports).
_SHARING_ERRORS = {5, 32, 33}
SHARING_RETRY_SECONDS = 2.0


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory for fsync; os.replace is atomic there.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    """Flush a file that is already written (opened read-write: Windows needs write access)."""
    fd = os.open(path, os.O_RDWR | _BINARY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def is_sharing_violation(exc: BaseException) -> bool:
    return sys.platform == "win32" and getattr(exc, "winerror", None) in _SHARING_ERRORS


def retry_sharing(action: Callable[[], None], seconds: float = SHARING_RETRY_SECONDS) -> None:
    """Run `action`; on Windows, retry it while it fails with a sharing violation."""
    deadline = time.monotonic() + seconds
    delay = 0.01
    while True:
        try:
            action()
            return
        except OSError as exc:
            if not is_sharing_violation(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def replace(src: Path, dst: Path) -> None:
    """`os.replace`, patient with a sharing violation on Windows."""
    retry_sharing(lambda: os.replace(src, dst))


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}{TEMP_SUFFIX}")  # unique, not secret
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, mode)
    try:
        if mode & 0o077 == 0:
            restrict_file(tmp)  # POSIX: whatever the umask; Windows: an owner-only ACL
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str, mode: int = 0o600) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode)


def clean_stray_temp_files(folder: Path, name: str | None = None) -> int:
    """Remove temp files left by a writer that was killed; returns how many.

    With `name`, only the temp files of that one target (for folders shared with others)."""
    removed = 0
    if not Path(folder).is_dir():
        return 0
    prefix = f".{name}." if name else "."
    for entry in Path(folder).iterdir():
        if entry.name.startswith(prefix) and entry.name.endswith(TEMP_SUFFIX):
            with contextlib.suppress(OSError):
                entry.unlink()
                removed += 1
    return removed
