"""Key material in memory: held where it can be wiped, and wiped when it is done with.

Python's `bytes` and `str` are immutable and their memory is given back without being
cleared: a key that ever lived in one stays readable in the process (a crash dump, a
hibernation file, swap) until the allocator happens to reuse the block. So the data key lives
in a `bytearray` that `wipe` zeroes. Where a library hands us `bytes` (the key
unwrapped by AES-GCM, `os.urandom`) or needs a `str` (the statement that gives SQLCipher its
key), that one object is zeroed in place, through ctypes, before it is let go: we made it,
nothing else holds it, and it was never interned or cached (see `_fresh_ascii`).
"""

from __future__ import annotations

import ctypes
import logging
import sys
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

# Where the characters of a compact ASCII str and the bytes of a bytes object start, measured
# on this interpreter rather than assumed (CPython: 48 and 32 on 64-bit builds).
_STR_DATA = sys.getsizeof("") - 1
_BYTES_DATA = sys.getsizeof(b"") - 1
_HEX = b"0123456789abcdef"


def wipe(obj: bytearray | bytes | str | None) -> None:
    """Overwrite ``obj``'s contents with zeros (a str: with '0'), in place.

    For bytes and str only when nothing else can see the object (the caller made it and holds
    the only reference): the empty and one-character objects CPython shares are left alone."""
    if obj is None or len(obj) == 0:
        return
    if isinstance(obj, bytearray):
        ctypes.memset((ctypes.c_char * len(obj)).from_buffer(obj), 0, len(obj))
    elif isinstance(obj, bytes):
        if len(obj) > 1:
            ctypes.memset(id(obj) + _BYTES_DATA, 0, len(obj))
    elif isinstance(obj, str):
        if len(obj) > 1:
            _wipe_str(obj)
    else:  # pragma: no cover - a programming error
        raise TypeError(type(obj).__name__)


def _wipe_str(text: str) -> None:
    if text.isascii():
        ctypes.memset(id(text) + _STR_DATA, 0x30, len(text))
        return
    # A compact non-ASCII str (CPython 3.11 layout): the UTF-8 length and a pointer to a cached
    # UTF-8 copy (made when it was handed to C code) after the ASCII header, the characters
    # (1, 2 or 4 bytes each) after three more words.
    top = max(map(ord, text))
    width = 1 if top < 0x100 else 2 if top < 0x10000 else 4
    utf8_len = ctypes.c_ssize_t.from_address(id(text) + _STR_DATA).value
    utf8 = ctypes.c_void_p.from_address(id(text) + _STR_DATA + 8).value
    ctypes.memset(id(text) + _STR_DATA + 24, 0, len(text) * width)
    if utf8 and utf8_len > 0:
        ctypes.memset(utf8, 0, utf8_len)


def take(source: bytes | bytearray) -> bytearray:
    """A bytearray copy of ``source``, which is wiped: for the key a library returned as bytes
    (ours alone, not needed any more)."""
    kept = bytearray(len(source))
    kept[:] = source
    wipe(source)
    return kept


def _fresh_ascii(length: int) -> str:
    """A new, unshared str of ``length`` '0' characters (joined at run time: never a constant
    of the code object, never interned)."""
    return "".join(["0"] * length)


def execute_with_hex_key(conn: Any, before: str, key: bytearray, after: str) -> None:
    """Run ``before + hex(key) + after`` on a DB-API connection, with the hex only ever in one
    str we made, zeroed right after the call (and in a bytearray wiped with it)."""
    statement = _fresh_ascii(len(before) + 2 * len(key) + len(after))
    digits = bytearray(2 * len(key))
    try:
        for i, byte in enumerate(key):
            digits[2 * i] = _HEX[byte >> 4]
            digits[2 * i + 1] = _HEX[byte & 15]
        base = id(statement) + _STR_DATA
        ctypes.memmove(base, before.encode("ascii"), len(before))
        ctypes.memmove(base + len(before), (ctypes.c_char * len(digits)).from_buffer(digits),
                       len(digits))
        ctypes.memmove(base + len(before) + len(digits), after.encode("ascii"), len(after))
        conn.execute(statement)
    finally:
        wipe(digits)
        ctypes.memset(id(statement) + _STR_DATA + len(before), 0x30, len(digits))


def overwrite_freed_memory() -> None:
    """Overwrite what the allocators hold in free blocks: text that Python, Qt and the
    libraries freed (a memo shown in the window) stays there until the block is reused.

    Python's small objects (up to 512 bytes: a str of a short memo) live in pymalloc's pools;
    their free blocks are refilled with zeroed bytes objects of the same size, one per free
    block and enough to cover the pools not in use, then let go again (pymalloc hands out the
    free blocks of pools in use before anything else; its counts come from
    sys._debugmallocstats).

    Windows: every heap of the process is walked (HeapWalk, under HeapLock) and each free
    block's contents are zeroed, all but its first and last 16 bytes, where a heap keeps its
    own links (the list of free blocks at the start, and Wine's heap a pointer back to the
    block's start at the end; zeroing that one corrupts it).
    Linux (glibc): malloc_trim gives every whole free page back to the system, which hands it
    out again only zeroed."""
    _overwrite_free_small_blocks()
    if sys.platform == "win32" and _alone(OTHER_THREADS_WAIT_S):
        _overwrite_free_heap_blocks()
    elif sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None)
            libc.malloc_trim(0)
        except (OSError, AttributeError):  # not glibc: nothing to ask
            pass


# The Windows heaps are walked under their locks while Python runs: another Python thread that
# allocates meanwhile would wait for the heap while holding the interpreter, and this one, back
# from a call, would wait for the interpreter: the program hung at lock (the soak test under
# Windows, with the preload thread importing modules). So the walk waits until this is the only
# Python thread (the preload ends within seconds; a running task already postpones the lock),
# and is left out, said in the log, if another one is still running after that.
OTHER_THREADS_WAIT_S = 30.0


def _alone(wait_s: float) -> bool:
    deadline = time.monotonic() + wait_s
    me = threading.current_thread()
    for thread in threading.enumerate():
        if thread is not me and not isinstance(thread, threading._DummyThread):
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                log.warning("freed memory not overwritten: thread %r still running",
                            thread.name)
                return False
    return True


def _overwrite_free_heap_blocks() -> None:  # pragma: no cover - Windows only
    from ctypes import wintypes

    class HeapEntry(ctypes.Structure):
        _fields_ = [("lpData", ctypes.c_void_p), ("cbData", wintypes.DWORD),
                    ("cbOverhead", ctypes.c_ubyte), ("iRegionIndex", ctypes.c_ubyte),
                    ("wFlags", wintypes.WORD), ("u", ctypes.c_ubyte * 24)]

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.GetProcessHeaps.argtypes = [wintypes.DWORD, ctypes.POINTER(wintypes.HANDLE)]
    kernel32.HeapWalk.argtypes = [wintypes.HANDLE, ctypes.POINTER(HeapEntry)]
    kernel32.HeapLock.argtypes = kernel32.HeapUnlock.argtypes = [wintypes.HANDLE]
    count = kernel32.GetProcessHeaps(0, None)
    heaps = (wintypes.HANDLE * max(count, 1))()
    count = min(kernel32.GetProcessHeaps(len(heaps), heaps), len(heaps))
    links = 16
    for heap in heaps[:count]:
        if not kernel32.HeapLock(heap):
            continue
        try:
            entry = HeapEntry()
            while kernel32.HeapWalk(heap, ctypes.byref(entry)):
                if entry.wFlags == 0 and entry.lpData and entry.cbData > 2 * links:
                    ctypes.memset(entry.lpData + links, 0, entry.cbData - 2 * links)
        finally:
            kernel32.HeapUnlock(heap)


_POOL = 16384  # pymalloc's pool size (CPython 3.11), of which the header takes 48 bytes
_POOL_HEADER = 48
_BYTES_HEADER = sys.getsizeof(b"")  # a bytes object of n bytes takes this + n


def _pymalloc_free_blocks() -> tuple[dict[int, int], int]:
    """{block size: free blocks in pools in use}, and the number of unused pools."""
    import os
    import re
    import tempfile

    # To a nameless temporary file (owner-only, gone when closed), not a pipe: the call holds
    # the interpreter while it writes, so nothing could drain a pipe that fills up.
    with tempfile.TemporaryFile() as out:
        try:
            saved = os.dup(2)
        except OSError:
            saved = -1
        try:
            os.dup2(out.fileno(), 2)
            sys._debugmallocstats()  # to the C runtime's stderr, unbuffered
        finally:
            if saved >= 0:
                os.dup2(saved, 2)
                os.close(saved)
            else:
                os.close(2)
        out.seek(0)
        text = out.read().decode("ascii", "replace")
    free = {int(size): int(avail) for size, avail in re.findall(
        r"^\s*\d+\s+(\d+)\s+\d+\s+\d+\s+(\d+)\s*$", text, re.MULTILINE)}
    unused = re.search(r"^(\d+) unused pools", text, re.MULTILINE)
    return free, int(unused.group(1)) if unused else 0


def _overwrite_free_small_blocks() -> None:
    try:
        free, unused_pools = _pymalloc_free_blocks()
    except (OSError, ValueError, AttributeError):  # no stderr to read them from: nothing known
        return
    fillers: list[list[bytes]] = []
    for size, avail in free.items():
        if size >= _BYTES_HEADER + 1 and avail:
            fillers.append([bytes(size - _BYTES_HEADER) for _ in range(avail)])
    smallest = 48  # the smallest block a bytes object fills exactly: covers pools all but 16 B
    per_pool = (_POOL - _POOL_HEADER) // smallest
    fillers.append([bytes(smallest - _BYTES_HEADER) for _ in range(unused_pools * per_pool)])
    del fillers
