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
