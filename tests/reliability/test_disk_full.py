"""Disk full / I/O errors: writes fail at ≥ 50 points (RLIMIT_FSIZE in a forked writer, with
SIGXFSZ ignored so a write past the limit gets EFBIG, as on a full disk).

At each point the user gets an AppError with a sentence (DiskFull / StorageError / BackupError),
the failed transaction is rolled back, saving works again once space is back, and the register
reopens clean with every earlier commit.
"""

from __future__ import annotations

import random
import resource
import shutil
import signal
from pathlib import Path

import pytest

from app.errors import AppError, BackupError, DiskFull, StorageError
from app.services import backup, vault
from tests.conftest import PASSPHRASE
from tests.reliability import _harness as h

pytestmark = pytest.mark.reliability

USER_ERRORS = (DiskFull, StorageError)


def _limit(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))


def _unlimit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))


def _report(emit, what: str, exc: BaseException) -> None:  # type: ignore[no-untyped-def]
    if isinstance(exc, AppError):
        emit(f"F {what} {type(exc).__name__} {exc.message}")
    else:
        emit(f"X {what} {exc!r}")


def _writer(emit, folder: Path, limit: int, seed: str) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    reg = vault.unlock(folder, PASSPHRASE)
    svc = h.new_service(reg)
    _limit(limit)
    failed = False
    for k in range(60):
        try:
            h.run_transaction(reg, svc, rng, emit)
            if k % 5 == 4:
                reg.checkpoint()  # moves WAL pages into the database file: other write offsets
        except BaseException as exc:  # noqa: BLE001 - everything is reported and judged
            _report(emit, "write", exc)
            failed = True
            break
    # Space is back: the very next save must work, without restarting the program.
    _unlimit()
    try:
        h.run_transaction(reg, svc, rng, emit)
        emit("AFTER ok")
    except BaseException as exc:  # noqa: BLE001
        _report(emit, "after", exc)
    emit(f"FAILED {int(failed)}")
    reg.close()


def _backup_writer(emit, folder: Path, dest: Path, limit: int) -> None:  # type: ignore[no-untyped-def]
    reg = vault.unlock(folder, PASSPHRASE)
    _limit(limit)
    try:
        backup.create_backup(reg, dest)
        emit("BACKUP ok")
    except BaseException as exc:  # noqa: BLE001
        _report(emit, "backup", exc)
    _unlimit()
    reg.close()


@pytest.fixture
def base_register(register_dir: Path) -> Path:
    """A register with some history (a database of ~100 KB plus a WAL that grows)."""
    import random as _r

    reg = vault.unlock(register_dir, PASSPHRASE)
    rng, svc = _r.Random(h.SEED), h.new_service(reg)
    for _ in range(25):
        h.run_transaction(reg, svc, rng, lambda line: None)
    reg.close()
    return register_dir


def test_writes_failing_at_many_points_roll_back_cleanly(
    base_register: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_size = vault.db_path(base_register).stat().st_size
    points = h.scaled(60)
    # Limits below the database size make checkpoints fail part-way; above it, the WAL or the
    # growing database hits the limit. 3001 is not a multiple of a WAL frame (4096 + 24), so
    # the failures land at ever different offsets inside frames, pages and commits.
    limits = [4096 + i * 3001 * max(1, 60 // points) for i in range(points)]
    limits = sorted({*limits, db_size - 1, db_size, db_size + 1})
    faults = corrupt = lost = 0
    kinds: dict[str, int] = {}
    failures: list[str] = []
    for i, limit in enumerate(limits):
        folder = tmp_path / f"p{i}"
        shutil.copytree(base_register, folder)
        before = h.reopen_and_check(folder)
        child = h.fork(_writer, folder, limit, f"{h.SEED}-full-{i}")
        lines = child.finish()
        prepared, committed, other = h.parse(lines)
        bad = [o for o in other if o.startswith(("X", "ERROR"))]
        user = [o for o in other if o.startswith("F ")]
        for o in user:
            kinds[o.split()[2]] = kinds.get(o.split()[2], 0) + 1
            if o.split()[2] not in {c.__name__ for c in USER_ERRORS} or o.startswith("F after"):
                bad.append(o)
        if "AFTER ok" not in other:
            bad.append("saving did not work again once space was back")
        faults += "FAILED 1" in other
        state = h.reopen_and_check(folder)
        expected = max(committed, default=before.counter)
        if state.counter != expected:
            lost += max(expected - state.counter, 0)
            bad.append(f"register at {state.counter}, last reported commit {expected}")
        legal = {before.counter: before.digest, **prepared}
        if state.problems or state.marker_problems or legal.get(state.counter) != state.digest:
            corrupt += 1
            bad.append(f"{state.problems[:2]} {state.marker_problems[:2]}")
        if bad:
            failures.append(f"limit {limit}: {bad[:3]}")
        shutil.rmtree(folder)

    # Backups under a full disk: a clear error, no half backup listed or left behind.
    backup_faults = 0
    for j, limit in enumerate(range(0, db_size + 8192, max(db_size // h.scaled(12), 1024))):
        dest = tmp_path / f"backups{j}"
        child = h.fork(_backup_writer, base_register, dest, limit)
        other = h.parse(child.finish())[2]
        if any(o.startswith("F backup") for o in other):
            backup_faults += 1
            name = other[0].split()[2]
            kinds[f"backup {name}"] = kinds.get(f"backup {name}", 0) + 1
            if name not in (DiskFull.__name__, BackupError.__name__):
                failures.append(f"backup limit {limit}: {other}")
            if backup.list_backups(dest) or list(dest.glob("*" + backup.TMP_SUFFIX)):
                failures.append(f"backup limit {limit}: a partial backup is left: "
                                f"{sorted(p.name for p in dest.iterdir())}")
        elif other != ["BACKUP ok"]:
            failures.append(f"backup limit {limit}: {other}")
        else:
            assert len(backup.list_backups(dest)) == 1
    state = h.reopen_and_check(base_register)
    assert state.problems == []

    total = faults + backup_faults
    h.summary(capsys, f"disk-full: {total} fault points, {corrupt} corrupt, {lost} lost commits "
                      f"({faults} in transactions/checkpoints, {backup_faults} in backups; "
                      f"errors shown: {kinds})")
    assert failures == [], "\n".join(failures)
    assert corrupt == 0 and lost == 0
    assert faults >= 50 * min(1.0, points / 60) and backup_faults >= 5
