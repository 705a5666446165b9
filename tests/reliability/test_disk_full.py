"""Disk full / I/O errors: writes fail at many points, two ways.

- POSIX, RLIMIT_FSIZE: a writer child with a file-size limit (SIGXFSZ ignored, so a write past
  the limit gets EFBIG, as on a full disk), at ≥ 50 points.
- A small drive that really is full: the register on a 12 MiB tmpfs, filled up to a few
  kilobytes by a filler file. On Windows (make test-windows maps the tmpfs as drive S:, see
  tools/windows/winenv.py) this is the Windows API's own "disk full", at ≥ 30 points. On Linux
  it runs when the tests may mount a tmpfs (root), as in CI.

At each point the user gets an AppError with a sentence (DiskFull / StorageError / BackupError),
the failed transaction is rolled back, saving works again once space is back, and the register
reopens clean with every earlier commit.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.errors import AppError, BackupError, DiskFull, StorageError
from app.models import register_files
from app.services.storage import backup, vault
from tests.conftest import PASSPHRASE
from tests.reliability import _harness as h

pytestmark = pytest.mark.reliability

USER_ERRORS = (DiskFull, StorageError)


def _limit(limit: int) -> None:
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))


def _unlimit() -> None:
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))


def _report(emit: Callable[[str], None], what: str, exc: BaseException) -> None:
    if isinstance(exc, AppError):
        emit(f"F {what} {type(exc).__name__} {exc.message}")
    else:
        emit(f"X {what} {exc!r}")


def _write_until_full(emit: Callable[[str], None], folder: Path, seed: str,
                      make_full: Callable[[], None], make_room: Callable[[], None]) -> None:
    rng = random.Random(seed)
    reg = vault.unlock(folder, PASSPHRASE)
    svc = h.new_service(reg)
    with reg.session() as s:  # the register is in use: its -wal exists, as in a session
        h.current_counter(s)
    make_full()
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
    make_room()
    try:
        h.run_transaction(reg, svc, rng, emit)
        emit("AFTER ok")
    except BaseException as exc:  # noqa: BLE001
        _report(emit, "after", exc)
    emit(f"FAILED {int(failed)}")
    reg.close()


def _writer(emit: Callable[[str], None], folder: Path, limit: int, seed: str) -> None:
    _write_until_full(emit, folder, seed, lambda: _limit(limit), _unlimit)


def under_wine() -> bool:
    if sys.platform != "win32":
        return False
    import ctypes

    return hasattr(ctypes.WinDLL("ntdll"), "wine_get_version")


def _writer_on_full_drive(emit: Callable[[str], None], folder: Path, leave: int, seed: str) -> None:
    # The drive fills up once the register is open (opening needs room for its -wal).
    _write_until_full(emit, folder, seed, lambda: fill(folder.parent, leave),
                      lambda: filler_of(folder.parent).unlink())


def _backup_writer(
        emit: Callable[[str], None], folder: Path, dest: Path, limit: int, leave: int = -1) -> None:
    reg = vault.unlock(folder, PASSPHRASE)
    if limit >= 0:
        _limit(limit)
    if leave >= 0:
        fill(dest.parent, leave)
    try:
        backup.create_backup(reg, dest)
        emit("BACKUP ok")
    except BaseException as exc:  # noqa: BLE001
        _report(emit, "backup", exc)
    if limit >= 0:
        _unlimit()
    if leave >= 0:
        filler_of(dest.parent).unlink()
    reg.close()


@pytest.fixture
def base_register(register_dir: Path) -> Path:
    """A register with some history (a database of ~100 KB plus a WAL that grows)."""
    reg = vault.unlock(register_dir, PASSPHRASE)
    rng, svc = random.Random(h.SEED), h.new_service(reg)
    for _ in range(25):
        h.run_transaction(reg, svc, rng, lambda line: None)
    reg.close()
    return register_dir


class Tally:
    def __init__(self) -> None:
        self.faults = self.corrupt = self.lost = self.backup_faults = 0
        self.kinds: dict[str, int] = {}
        self.failures: list[str] = []

    def judge_writer(self, where: str, folder: Path, before: h.Reopened, lines: list[str]) -> None:
        prepared, committed, other = h.parse(lines)
        bad = [o for o in other if o.startswith(("X", "ERROR"))]
        user = [o for o in other if o.startswith("F ")]
        for o in user:
            self.kinds[o.split()[2]] = self.kinds.get(o.split()[2], 0) + 1
            if o.split()[2] not in {c.__name__ for c in USER_ERRORS} or o.startswith("F after"):
                bad.append(o)
        if "AFTER ok" not in other:
            bad.append("saving did not work again once space was back (last lines: "
                       f"{[line[:120] for line in lines[-4:]]})")
        self.faults += "FAILED 1" in other
        state = h.reopen_and_check(folder)
        expected = max(committed, default=before.counter)
        if state.counter != expected:
            self.lost += max(expected - state.counter, 0)
            bad.append(f"register at {state.counter}, last reported commit {expected}")
        legal = {before.counter: before.digest, **prepared}
        if state.problems or state.marker_problems or legal.get(state.counter) != state.digest:
            self.corrupt += 1
            bad.append(f"{state.problems[:2]} {state.marker_problems[:2]}")
        if bad:
            self.failures.append(f"{where}: {bad[:3]}")

    def judge_backup(self, where: str, dest: Path, lines: list[str]) -> None:
        other = h.parse(lines)[2]
        if any(o.startswith("F backup") for o in other):
            self.backup_faults += 1
            name = other[0].split()[2]
            self.kinds[f"backup {name}"] = self.kinds.get(f"backup {name}", 0) + 1
            if name not in (DiskFull.__name__, BackupError.__name__):
                self.failures.append(f"{where}: {other}")
            if backup.list_backups(dest) or list(dest.glob("*" + register_files.BACKUP_TMP_SUFFIX)):
                self.failures.append(f"{where}: a partial backup is left: "
                                     f"{sorted(p.name for p in dest.iterdir())}")
        elif other != ["BACKUP ok"]:
            self.failures.append(f"{where}: {other}")
        elif len(backup.list_backups(dest)) != 1:
            self.failures.append(f"{where}: backup reported but not listed")

    def line(self, what: str) -> str:
        total = self.faults + self.backup_faults
        return (f"disk-full ({what}): {total} fault points, {self.corrupt} corrupt, {self.lost} "
                f"lost commits ({self.faults} in transactions/checkpoints, {self.backup_faults} "
                f"in backups; errors shown: {self.kinds})")


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX; on Windows "
                    "test_a_full_drive_rolls_back_cleanly fills a real drive instead")
def test_writes_failing_at_many_points_roll_back_cleanly(
    base_register: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_size = register_files.db_path(base_register).stat().st_size
    points = h.scaled(60)
    # Limits below the database size make checkpoints fail part-way; above it, the WAL or the
    # growing database hits the limit. 3001 is not a multiple of a WAL frame (4096 + 24), so
    # the failures land at ever different offsets inside frames, pages and commits.
    limits = [4096 + i * 3001 * max(1, 60 // points) for i in range(points)]
    limits = sorted({*limits, db_size - 1, db_size, db_size + 1})
    tally = Tally()
    for i, limit in enumerate(limits):
        folder = tmp_path / f"p{i}"
        shutil.copytree(base_register, folder)
        before = h.reopen_and_check(folder)
        child = h.fork(_writer, folder, limit, f"{h.SEED}-full-{i}")
        tally.judge_writer(f"limit {limit}", folder, before, child.finish())
        shutil.rmtree(folder)

    # Backups under a full disk: a clear error, no half backup listed or left behind.
    for j, limit in enumerate(range(0, db_size + 8192, max(db_size // h.scaled(12), 1024))):
        dest = tmp_path / f"backups{j}"
        child = h.fork(_backup_writer, base_register, dest, limit)
        tally.judge_backup(f"backup limit {limit}", dest, child.finish())
    state = h.reopen_and_check(base_register)
    assert state.problems == []

    h.summary(capsys, tally.line("RLIMIT_FSIZE"))
    assert tally.failures == [], "\n".join(tally.failures)
    assert tally.corrupt == 0 and tally.lost == 0
    assert tally.faults >= 50 * min(1.0, points / 60) and tally.backup_faults >= 5


# --- a drive that is really full ----------------------------------------------------------------
SMALL_DRIVE_ENV = "VERTROUWD_SMALL_DRIVE"


@pytest.fixture
def small_drive() -> Iterator[Path]:
    """A small drive of its own: VERTROUWD_SMALL_DRIVE (make test-windows maps one as S:), or on
    Linux a 12 MiB tmpfs when the tests run as root."""
    given = os.environ.get(SMALL_DRIVE_ENV)
    if given:
        drive = Path(given)
        _empty(drive)
        try:
            yield drive
        finally:  # a failed test leaves the shared drive empty for the next one
            _empty(drive)
        return
    if sys.platform == "win32":
        pytest.fail(f"{SMALL_DRIVE_ENV} is not set: run the Windows tests with make "
                    "test-windows, which maps a small drive for this test")
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs a small drive: run as root (CI does) or set VERTROUWD_SMALL_DRIVE")
    mount = Path(tempfile.mkdtemp(prefix="vertrouwd-small-"))
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        mount.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
        with contextlib.suppress(OSError):
            mount.rmdir()


def _empty(drive: Path) -> None:
    for entry in drive.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                entry.unlink()


def filler_of(drive: Path) -> Path:
    return drive / "filler.bin"


def fill(drive: Path, leave: int) -> Path:
    """A filler file that leaves about `leave` bytes free on `drive`."""
    filler = filler_of(drive)
    free = shutil.disk_usage(drive).free
    size = max(free - leave, 0)
    with open(filler, "wb") as fh:
        block = b"\xa5" * 65536
        while size > 0:
            try:
                size -= fh.write(block[: min(size, len(block))])
            except OSError:
                break  # the drive is as full as it gets
    return filler


def test_a_full_drive_rolls_back_cleanly(
    base_register: Path, small_drive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert shutil.disk_usage(small_drive).total <= 64 * 1024 * 1024, "not a small drive"
    points = h.scaled(36)
    tally = Tally()
    for i in range(points):
        folder = small_drive / f"register {i}"
        shutil.copytree(base_register, folder)
        before = h.reopen_and_check(folder)
        # From nothing left to about 200 KB left (an odd step: other offsets each time).
        leave = i * 5_555
        child = h.fork(_writer_on_full_drive, folder, leave, f"{h.SEED}-drive-{i}")
        lines = child.finish()
        with contextlib.suppress(FileNotFoundError):
            filler_of(small_drive).unlink()
        tally.judge_writer(f"{leave} bytes free", folder, before, lines)
        shutil.rmtree(folder)

    for j in range(h.scaled(8)):
        dest = small_drive / f"backups {j}"
        leave = j * 24_000
        child = h.fork(_backup_writer, base_register, dest, -1, leave)
        lines = child.finish()
        with contextlib.suppress(FileNotFoundError):
            filler_of(small_drive).unlink()
        tally.judge_backup(f"backup with {leave} bytes free", dest, lines)
        shutil.rmtree(dest, ignore_errors=True)

    h.summary(capsys, tally.line(f"a full drive, {sys.platform}"))
    assert tally.failures == [], "\n".join(tally.failures)
    assert tally.corrupt == 0 and tally.lost == 0
    assert tally.faults + tally.backup_faults >= 30 * min(1.0, points / 36)
