"""None, True and False outlive every Qt call (issue 20 item 9: "Fatal Python error:
none_dealloc" on quitting after a long session).

PySide6 6.12 returns ``None`` from every void call (``setText``, ``update``,
``processEvents``, a model's ``data()`` answering "nothing" …) and ``True`` from
``Signal.emit`` without a new reference: right on CPython 3.12, where these objects are
immortal, one reference lost per call on the 3.11 the program runs on. A session of some
hours, or 50 rounds of unlock, lock and a language switch, takes the count of ``None`` to
zero, and CPython aborts while collecting garbage (tests/ui/test_soak.py measures it).

The remedy is 3.12's own: give these objects a reference count no program can use up
(2**40: at a million lost references a second, twelve days), once, before Qt runs. Nothing
else changes; on 3.12 and later, and outside CPython, this does nothing.
"""

from __future__ import annotations

import ctypes
import sys

IMMORTAL = 1 << 40
_SINGLETONS = (None, True, False, NotImplemented, Ellipsis)


def keep_singletons_alive() -> None:
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    for obj in _SINGLETONS:
        count = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt: PyObject's first field
        if count.value < IMMORTAL:
            count.value += IMMORTAL

