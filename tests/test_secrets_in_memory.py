"""The helpers that keep key material wipeable (app/secrets_in_memory.py)."""

from __future__ import annotations

import secrets

from app.secrets_in_memory import _pymalloc_free_blocks, execute_with_hex_key, take, wipe


def test_wipe_overwrites_in_place() -> None:
    buffer = bytearray(secrets.token_bytes(32))
    raw = secrets.token_bytes(32)
    text = secrets.token_hex(16)
    wide = "é" + secrets.token_hex(8)
    wipe(buffer)
    wipe(raw)
    wipe(text)
    wipe(wide)
    assert buffer == bytearray(32)
    assert raw == bytes(32)
    assert text == "0" * 32
    assert wide == "\0" * 17


def test_take_copies_and_wipes_the_source() -> None:
    source = secrets.token_bytes(32)
    expected = bytearray(len(source))
    expected[:] = source
    kept = take(source)
    assert kept == expected and isinstance(kept, bytearray)
    assert source == bytes(32)


def test_the_key_statement_holds_the_hex_only_during_the_call() -> None:
    seen: list[str] = []

    class Conn:
        def execute(self, statement: str) -> None:
            seen.append(statement.upper())  # a copy of what SQLCipher receives
            seen.append(statement)  # the object itself

    key = bytearray(range(32))
    execute_with_hex_key(Conn(), "PRAGMA key = \"x'", key, "'\"")
    assert seen[0] == ("PRAGMA KEY = \"X'" + bytes(range(32)).hex() + "'\"").upper()
    statement = seen[1]
    assert statement == "PRAGMA key = \"x'" + "0" * 64 + "'\""  # zeroed after the call
    assert key == bytearray(range(32))  # the caller's buffer is left as it was


def test_pymalloc_counts_are_read() -> None:
    free, unused = _pymalloc_free_blocks()
    assert sorted(free) == [16 * i for i in range(1, 33)]
    assert unused >= 0



_BUSY_THREAD = """
import sys, threading, time
import app.secrets_in_memory as sim

sys.setswitchinterval(0.001)  # as the program sets it (app/ui/shared/appearance.py)
stop = threading.Event()


def allocate(seconds: float) -> None:  # as the preload thread does while it imports
    kept, until = [], time.monotonic() + seconds
    while time.monotonic() < until and not stop.is_set():
        kept.append(bytes(4096) + b"x")
        kept.append([object() for _ in range(50)])
        if len(kept) > 200:
            kept.clear()


short = threading.Thread(target=allocate, args=(1.0,), name="preload")
short.start()
print(sim._alone(30.0), short.is_alive())  # waited for it: True False
sim.overwrite_freed_memory()
endless = threading.Thread(target=allocate, args=(3600.0,), name="endless")
endless.start()
print(sim._alone(0.2), endless.is_alive())  # gave up on it, walked nothing: False True
sim.OTHER_THREADS_WAIT_S = 0.2
sim.overwrite_freed_memory()  # returns: no walk beside a running Python thread
stop.set()
endless.join()
print("done")
"""


def test_freed_memory_is_overwritten_only_when_no_other_python_thread_runs() -> None:
    """On Windows the heaps are walked under their locks: a second Python thread allocating
    meanwhile deadlocks with the walk (the soak test hung at its first lock under Windows
    while the preload thread imported modules). The walk waits for such a thread, and leaves
    the heaps alone if one is still running after that."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-c", _BUSY_THREAD], cwd=root, capture_output=True,
                          text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split("\n")[:3] == ["True False", "False True", "done"]
