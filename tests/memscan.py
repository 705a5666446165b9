"""Count copies of a secret in this process's own memory (the test of issue 20, item 5).

Linux: every readable region of /proc/self/maps that is private (anonymous memory, the heap,
the stacks, the writable data of libraries), read through /proc/self/mem. Windows: every
committed, readable private or image region (VirtualQuery), read with ReadProcessMemory.

The secrets are kept in the test only masked (XOR 0xA5), and a needle is searched as two
halves, head then tail: the scanner never holds a whole copy itself. One reusable buffer reads
the regions, and its own range is skipped.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterator

MASK = 0xA5
CHUNK = 8 << 20


def mask(data: bytes | bytearray) -> bytearray:
    return bytearray(b ^ MASK for b in data)


def _unmasked(masked: bytearray, start: int, stop: int) -> bytes:
    part = bytearray(stop - start)
    for i in range(start, stop):
        part[i - start] = masked[i] ^ MASK
    return bytes(part)


def _regions_linux() -> Iterator[tuple[int, int]]:
    with open("/proc/self/maps") as fh:
        lines = fh.read().splitlines()
    for line in lines:
        fields = line.split(None, 5)
        start, end = (int(x, 16) for x in fields[0].split("-"))
        perms = fields[1]
        name = fields[5] if len(fields) == 6 else ""
        if perms[0] != "r" or perms[3] != "p" or name in ("[vvar]", "[vsyscall]", "[vdso]",
                                                           "[vvar_vclock]"):
            continue
        if name.startswith("/") and "w" not in perms:
            continue  # read-only file contents (code, constants): not what a program wrote
        yield start, end


def _regions_windows() -> Iterator[tuple[int, int]]:
    from ctypes import wintypes

    class MBI(ctypes.Structure):
        _fields_ = [("BaseAddress", ctypes.c_void_p), ("AllocationBase", ctypes.c_void_p),
                    ("AllocationProtect", wintypes.DWORD), ("PartitionId", wintypes.WORD),
                    ("RegionSize", ctypes.c_size_t), ("State", wintypes.DWORD),
                    ("Protect", wintypes.DWORD), ("Type", wintypes.DWORD)]

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.VirtualQuery.argtypes = [ctypes.c_void_p, ctypes.POINTER(MBI), ctypes.c_size_t]
    kernel32.VirtualQuery.restype = ctypes.c_size_t
    mem_commit, page_guard, page_noaccess = 0x1000, 0x100, 0x01
    readable = 0x02 | 0x04 | 0x08 | 0x20 | 0x40 | 0x80
    writable = 0x04 | 0x08 | 0x40 | 0x80  # data a program wrote, not read-only code or files
    mem_private = 0x20000
    address, info = 0, MBI()
    while kernel32.VirtualQuery(ctypes.c_void_p(address), ctypes.byref(info),
                                ctypes.sizeof(info)):
        base, size = info.BaseAddress or 0, info.RegionSize
        if (info.State == mem_commit and info.Protect & readable
                and not info.Protect & (page_guard | page_noaccess)
                and (info.Type == mem_private or info.Protect & writable)):
            yield base, base + size
        address = base + size
        if address >= 1 << 47:
            break


def _reader() -> tuple[object, object]:
    if sys.platform == "win32":
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.ReadProcessMemory.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                               ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]
        kernel32.GetCurrentProcess.restype = ctypes.c_void_p
        handle = ctypes.c_void_p(kernel32.GetCurrentProcess())
        return kernel32, handle
    return None, os.open("/proc/self/mem", os.O_RDONLY)


def count(secrets: dict[str, bytearray]) -> dict[str, int]:
    """How many times each (masked) secret occurs in this process's memory."""
    needles = {name: (_unmasked(m, 0, len(m) // 2), _unmasked(m, len(m) // 2, len(m)))
               for name, m in secrets.items()}
    longest = max(len(m) for m in secrets.values())
    found = dict.fromkeys(secrets, 0)
    buf = bytearray(CHUNK + longest)
    view = memoryview(buf)
    own = ctypes.addressof((ctypes.c_char * len(buf)).from_buffer(buf))
    own_end = own + len(buf)
    kernel32, handle = _reader()
    regions = list(_regions_windows() if sys.platform == "win32" else _regions_linux())
    try:
        for start, end in regions:
            address = start
            while address < end:
                stop = min(address + CHUNK, end)
                read_end = min(stop + longest, end)
                if address < own_end and own < read_end:  # our own buffer: not scanned
                    if address >= own:
                        address = max(own_end, address + 1)
                        continue
                    stop = read_end = own
                got = _read(kernel32, handle, address, view[:read_end - address])
                for name, (head, tail) in needles.items():
                    at = buf.find(head, 0, got)
                    while at != -1 and at < stop - address:
                        after = at + len(head)
                        if after + len(tail) <= got and buf[after:after + len(tail)] == tail:
                            found[name] += 1
                        at = buf.find(head, at + 1, got)
                address = stop
    finally:
        if kernel32 is None:
            os.close(handle)  # type: ignore[arg-type]
        ctypes.memset(own, 0, len(buf))
        for head, tail in needles.values():
            ctypes.memset(id(head) + sys.getsizeof(b"") - 1, 0, len(head))
            ctypes.memset(id(tail) + sys.getsizeof(b"") - 1, 0, len(tail))
    return found


def _read(kernel32: object, handle: object, address: int, into: memoryview) -> int:
    if kernel32 is None:
        try:
            return os.preadv(handle, [into], address)  # type: ignore[arg-type]
        except OSError:
            return 0
    done = ctypes.c_size_t(0)
    target = (ctypes.c_char * len(into)).from_buffer(into)
    ok = kernel32.ReadProcessMemory(handle, ctypes.c_void_p(address), target,  # type: ignore[attr-defined]
                                    len(into), ctypes.byref(done))
    return done.value if ok or done.value else 0
