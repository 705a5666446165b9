"""The spawning harness survives a child that cannot be started ahead (Wine's CreateProcess
fails now and then with ERROR_INTERNAL_ERROR on a loaded machine). It once handed the same,
already used child out again, and every later test failed with "write to closed file"."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

from tests.reliability import _harness as h


def say_hello(emit: Callable[[str], None], word: str) -> None:
    emit(f"hello {word}")


def test_a_child_that_cannot_be_started_ahead_does_not_break_the_next_spawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_start = h._start_child
    outcomes = ["start", "fail"]  # the second spawn's own child starts, its head start fails

    def flaky_start() -> subprocess.Popen[bytes]:
        if outcomes and outcomes.pop(0) == "fail":
            raise OSError(1359, "Internal error")
        return real_start()

    h._drop_next_child()
    first = h.spawn(say_hello, "one")
    assert first.finish() == ["hello one"]
    h._drop_next_child()  # no head start left: the second spawn starts its child itself
    monkeypatch.setattr(h, "_start_child", flaky_start)

    second = h.spawn(say_hello, "two")
    assert outcomes == [] and h._next_child is None  # the head start was given up
    assert second.finish() == ["hello two"]
    third = h.spawn(say_hello, "three")  # once handed the used child again: closed stdin
    assert third.proc is not second.proc
    assert third.finish() == ["hello three"]
    h._drop_next_child()


def test_starting_a_child_is_tried_again_after_a_passing_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_popen = subprocess.Popen
    fails = {"left": 2}

    def flaky_popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        if fails["left"]:
            fails["left"] -= 1
            raise OSError(1359, "Internal error")
        return real_popen(*args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(h.time, "sleep", lambda _s: None)
    monkeypatch.setattr(h.subprocess, "Popen", flaky_popen)
    proc = h._start_child()
    assert fails["left"] == 0
    proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        assert stream is not None
        stream.close()
