"""Crash during writes: a writer is killed at random moments, ≥ 200 times on POSIX (a forked
child, SIGKILL) and ≥ 100 times on Windows (a spawned child, Popen.kill = TerminateProcess).

After every kill the register must open, pass `integrity_check`, `cipher_integrity_check` and
the foreign-key check, hold every commit the writer reported, and be exactly the state after
one reported transaction (its digest, its markers): never half a transaction.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.services.storage import vault
from tests.conftest import PASSPHRASE
from tests.reliability import _harness as h

pytestmark = pytest.mark.reliability


def _writer(emit: Callable[[str], None], folder: Path, seed: str) -> None:
    rng = random.Random(seed)
    reg = vault.unlock(folder, PASSPHRASE)
    emit("READY")
    svc = h.new_service(reg)
    while True:
        h.run_transaction(reg, svc, rng, emit)
        if rng.random() < 0.08:
            reg.checkpoint()  # a kill during a checkpoint is a moment worth hitting too


def test_sigkill_at_random_moments_loses_and_corrupts_nothing(
    register_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Windows starts a new Python for every child (no fork), which under Wine takes seconds.
    iterations = h.scaled(100 if sys.platform == "win32" else 200)
    rng = random.Random(h.SEED)
    state = h.reopen_and_check(register_dir)
    assert state.problems == [] and state.counter == 0
    digest_at = {0: state.digest}  # every state a reopened register may legally be in
    corrupt, lost, killed_while_running, commits = 0, 0, 0, 0
    failures: list[str] = []
    started = time.monotonic()
    for i in range(iterations):
        child = h.fork(_writer, register_dir, f"{h.SEED}-{i}")
        # Kill anywhere from during the unlock to well into the workload: after a random number
        # of commits (0: during the unlock or the first transaction), then a random moment
        # more. Counting commits rather than seconds keeps the drill the same on a slow machine.
        commits_first = rng.choice([0, 0, 1, 2, 3, 5, 8])
        alive = True
        if commits_first:
            alive = child.wait_for(f"C {state.counter + commits_first}", timeout=120)
        alive = alive and child.run_for(rng.uniform(0.0, 0.05))
        child.kill()
        killed_while_running += alive
        prepared, committed, other = h.parse(child.lines)
        errors = [o for o in other if o != "READY"]
        assert errors == [], errors[:3]
        digest_at.update(prepared)
        commits += len(committed)

        state = h.reopen_and_check(register_dir)
        bad = list(state.problems) + state.marker_problems
        if committed and state.counter < max(committed):
            lost += max(committed) - state.counter
            bad.append(f"reported commit {max(committed)} but register is at {state.counter}")
        if digest_at.get(state.counter) != state.digest:
            bad.append(f"state {state.counter} is not the one its transaction reported")
        # Later transactions with the same number are a different future: forget them.
        for n in [n for n in digest_at if n > state.counter]:
            del digest_at[n]
        if bad:
            corrupt += bool(state.problems or state.marker_problems
                            or digest_at.get(state.counter) != state.digest)
            failures.append(f"iteration {i}: {bad[:3]}")
    elapsed = time.monotonic() - started
    h.summary(capsys, f"crash: {iterations} iterations, {corrupt} corrupt, {lost} lost commits "
                      f"({commits} commits reported, {killed_while_running} kills mid-run, "
                      f"seed {h.SEED}, {elapsed:.1f}s)")
    assert failures == []
    assert corrupt == 0 and lost == 0
    # The drill must really have exercised something: most kills landed in a running writer
    # and the register moved on by many transactions.
    assert killed_while_running >= iterations * 0.8
    assert state.counter >= iterations
