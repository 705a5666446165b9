"""A register on a USB stick and a laptop with a wrong clock (issue 20, items 1, 2, 3, 9).

- A clock years behind: every backup is kept by its generation number, never rotated away by
  the time in its name; the backup on quit too.
- A read-only medium (a write-protected stick, FAT remounted read-only after an error): a tmpfs
  remounted read-only when the tests run as root (CI does); on Windows the read-only attribute.
  Every command says one sentence naming the read-only medium, never "an unexpected error".
- A pulled stick: closing the lock file fails with EIO; the sentence already chosen stays.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli
from app.errors import RegisterReadOnly
from app.i18n import _
from app.models import register_files, register_lock
from app.services.storage import backup, vault
from tests.conftest import PASSPHRASE, snapshot

pytestmark = pytest.mark.reliability

IN_2019 = dt.datetime(2019, 6, 1, 12, tzinfo=dt.UTC)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def pass_file(tmp_path: Path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_text(PASSPHRASE, encoding="utf-8")
    return path


def clock_at(monkeypatch: pytest.MonkeyPatch, module: types.ModuleType,
             moment: dt.datetime) -> None:
    """``module``'s clock (its ``dt``) reads ``moment``: a laptop whose clock is wrong."""

    class WrongClock(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> WrongClock:  # type: ignore[override]
            return cls.fromtimestamp(moment.timestamp(), tz)

    class WrongDate(dt.date):
        @classmethod
        def today(cls) -> WrongDate:
            return cls(moment.year, moment.month, moment.day)

    fake = types.SimpleNamespace(**{k: getattr(dt, k) for k in dir(dt) if not k.startswith("__")})
    fake.datetime = WrongClock
    fake.date = WrongDate
    monkeypatch.setattr(module, "dt", fake)


# --- 1. backups with the clock behind -----------------------------------------------------------
def test_backup_made_with_the_clock_in_2019_is_kept_by_rotation(
        register: vault.Register, tmp_path: Path) -> None:
    dest = tmp_path / "backups"
    first = backup.create_backup(register, dest, 2, now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    second = backup.create_backup(register, dest, 2, now=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    in_2019 = backup.create_backup(register, dest, 2, now=IN_2019)
    assert in_2019.is_dir() and "20190601" in in_2019.name
    assert [b.path for b in backup.list_backups(dest)] == [in_2019, second]
    assert not first.exists()
    # Every later backup with the clock still wrong is kept the same way; the oldest goes.
    again = backup.create_backup(register, dest, 2, now=IN_2019 + dt.timedelta(hours=1))
    assert [b.path for b in backup.list_backups(dest)] == [again, in_2019]
    assert backup.verify_backup(again, PASSPHRASE)[0].register_id == \
        register.key_file.register_id


def test_one_generation_always_keeps_the_backup_just_written(
        register: vault.Register, tmp_path: Path) -> None:
    dest = tmp_path / "backups"
    backup.create_backup(register, dest, 1, now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    made = backup.create_backup(register, dest, 1, now=IN_2019)
    assert [b.path for b in backup.list_backups(dest)] == [made]


def test_cli_backup_with_the_clock_in_2019_keeps_what_it_says_it_wrote(
        register_dir: Path, pass_file: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "backups"
    base = ("--register", str(register_dir), "--passphrase-file", str(pass_file))
    for _round in range(2):
        assert run(*base, "backup", "--out", str(dest), "--generations", "2")[0] == 0
    clock_at(monkeypatch, register_files, IN_2019)
    code, out, err = run(*base, "backup", "--out", str(dest), "--generations", "2")
    assert code == 0, err
    written = Path(out.strip().rsplit(": ", 1)[1])
    assert "20190601" in written.name and written.is_dir()
    assert backup.list_backups(dest)[0].path == written


def test_backup_on_quit_with_the_clock_in_2019_is_kept(
        qtbot: object, register_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QApplication

    from app.settings import Settings
    from app.ui.register.application import AppController
    from app.ui.shared.signals import AppSignals

    dest = tmp_path / "backups"
    reg = vault.unlock(register_dir, PASSPHRASE)
    for day in (1, 2):
        backup.create_backup(reg, dest, 2, now=dt.datetime(2026, 11, day, tzinfo=dt.UTC))
    clock_at(monkeypatch, register_files, IN_2019)
    settings = Settings(backup_on_close=True, backup_generations=2, backup_dir=str(dest))
    controller = AppController(QApplication.instance(), settings, tmp_path / "settings.json",
                               register_dir, AppSignals())
    controller.start(reg)
    controller.shutdown()  # quitting: the backup on quit, then the lock
    controller.dispose()
    newest = backup.list_backups(dest)
    assert len(newest) == 2 and "20190601" in newest[0].path.name


# --- 2. a read-only register --------------------------------------------------------------------
@pytest.fixture
def stick(tmp_path: Path) -> Iterator[Path]:
    """A removable medium of its own: a small tmpfs (root, as in CI), remountable read-only."""
    if sys.platform == "win32" or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs a mount of its own: run as root on Linux (CI does)")
    mount = Path(tempfile.mkdtemp(prefix="vertrouwd-stick-"))
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
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


def write_protect(mount: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)


def make_read_only(folder: Path) -> None:
    """Windows: the read-only attribute on every file of a register (a read-only copy)."""
    for path in folder.rglob("*"):
        if path.is_file():
            os.chmod(path, stat.S_IREAD)


@pytest.fixture
def register_on_stick(stick: Path, template_register: Path) -> Path:
    folder = stick / "register"
    shutil.copytree(template_register, folder)
    return folder


READ_ONLY_SENTENCE = RegisterReadOnly.default_message


@pytest.mark.parametrize("command", [
    ["unlock-check"], ["verify"], ["report", "--year", "2026"], ["backup"],
    ["export", "--quarter", "2026-Q3"],
])
def test_every_command_on_a_write_protected_stick_says_one_sentence(
        register_on_stick: Path, pass_file: Path, tmp_path: Path, command: list[str]) -> None:
    stick = register_on_stick.parent
    vault.unlock(register_on_stick, PASSPHRASE).close()  # lock file there, as after any use
    write_protect(stick)
    before = snapshot(stick)
    if command[0] == "report":
        command = [*command, "--out", str(tmp_path / "report.pdf")]
    if command[0] == "backup":
        command = [*command, "--out", str(tmp_path / "backups")]
    if command[0] == "export":
        command = [*command, "--out", str(tmp_path)]
    code, out, err = run("--lang", "en", "--register", str(register_on_stick),
                         "--passphrase-file", str(pass_file), *command)
    assert code == cli.EXIT_USER, (out, err)
    assert err.strip() == _(READ_ONLY_SENTENCE).format(path=register_on_stick)
    assert "unexpected" not in err
    assert snapshot(stick) == before


def test_a_stick_write_protected_before_its_first_use_is_told_too(
        register_on_stick: Path, pass_file: Path) -> None:
    register_lock.lock_path(register_on_stick).unlink()  # a register never opened here
    write_protect(register_on_stick.parent)  # so register.lock cannot be created
    assert not register_lock.lock_path(register_on_stick).exists()
    code, _out, err = run("--register", str(register_on_stick), "--passphrase-file",
                          str(pass_file), "unlock-check")
    assert code == cli.EXIT_USER
    assert err.strip() == _(READ_ONLY_SENTENCE).format(path=register_on_stick)


@pytest.mark.skipif(sys.platform != "win32", reason="the read-only attribute is Windows'")
def test_a_read_only_copy_on_windows_says_one_sentence(
        register_dir: Path, pass_file: Path) -> None:
    from tests.reliability.test_disk_full import under_wine

    if under_wine():
        pytest.skip("Wine maps the read-only attribute to Unix permissions, which root (as the "
                    "tests run here) writes through; real Windows refuses the write")
    vault.unlock(register_dir, PASSPHRASE).close()
    make_read_only(register_dir)
    before = snapshot(register_dir)
    try:
        code, _out, err = run("--register", str(register_dir), "--passphrase-file",
                              str(pass_file), "verify")
    finally:
        for path in register_dir.rglob("*"):
            os.chmod(path, stat.S_IREAD | stat.S_IWRITE)
    assert code == cli.EXIT_USER
    assert err.strip() == _(READ_ONLY_SENTENCE).format(path=register_dir)
    assert snapshot(register_dir) == before


# --- 3. a pulled stick ----------------------------------------------------------------------------
def test_a_lock_file_that_fails_to_close_does_not_replace_the_sentence(
        register_dir: Path, pass_file: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The stick is pulled while a command fails for its own reason: closing the lock file
    then fails with EIO (ENOTCONN on a network drive); the first, right sentence is said."""
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_bytes(b"x")
    real_close = os.close

    def pulled(fd: int) -> None:
        real_close(fd)
        if sys._getframe(1).f_globals["__name__"] == register_lock.__name__:
            raise OSError(errno.EIO, "Input/output error")  # only the lock file's close

    monkeypatch.setattr(register_lock.os, "close", pulled)  # the OS's answer on a pulled stick
    code, _out, err = run("--register", str(register_dir), "--passphrase-file", str(pass_file),
                          "backup", "--out", str(not_a_folder))
    monkeypatch.undo()
    assert code == cli.EXIT_USER
    assert "unexpected" not in err.lower() and "onverwachte" not in err.lower()
    assert str(not_a_folder) in err
    assert not register_lock.held_here(register_dir)  # released all the same
    vault.unlock(register_dir, PASSPHRASE).close()  # and the register opens again


# --- 9. smaller: a wrong sentence or a crash ------------------------------------------------------
def fill(drive: Path, leave: int) -> None:
    """A filler file that leaves about ``leave`` bytes free on ``drive``."""
    size = max(shutil.disk_usage(drive).free - leave, 0)
    with open(drive / "filler.bin", "wb") as fh:
        while size > 0:
            step = min(size, 1 << 20)
            try:
                fh.write(b"\xa5" * step)
            except OSError:
                break
            size -= step


@pytest.fixture
def second_stick(tmp_path: Path) -> Iterator[Path]:
    """Another small removable medium, for what an export writes."""
    if sys.platform == "win32" or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs a mount of its own: run as root on Linux (CI does)")
    mount = Path(tempfile.mkdtemp(prefix="vertrouwd-out-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
        with contextlib.suppress(OSError):
            mount.rmdir()


def test_export_with_a_pdf_that_does_not_fit_says_what_was_written(
        register_on_stick: Path, second_stick: Path, pass_file: Path) -> None:
    """Room for the quarterly file (a few kilobytes), not for the PDF: the file is written and
    recorded, and the sentence says so instead of "Nothing was changed"."""
    fill(second_stick, leave=12 * 1024)
    pdf = second_stick / "overzicht.pdf"
    code, out, err = run("--lang", "en", "--register", str(register_on_stick),
                         "--passphrase-file", str(pass_file), "export", "--quarter", "2026-Q3",
                         "--out", str(second_stick), "--pdf", str(pdf))
    files = sorted(p.name for p in second_stick.glob("Vertrouwd-2026-Q3-*.json"))
    assert len(files) == 1 and not pdf.exists()
    assert code == cli.EXIT_USER
    assert "revision 1" in out and files[0] in out
    assert "Nothing was changed" not in err
    assert "recorded as revision 1" in err and "PDF overview was not written" in err
    assert str(pdf) in err  # the reason: no room on the drive of the PDF
    reg = vault.unlock(register_on_stick, PASSPHRASE)
    try:
        from app.services.confidant import exporting

        assert [(r.quarter, r.revision) for r in exporting.history(reg)] == [("2026-Q3", 1)]
    finally:
        reg.close()


@pytest.mark.skipif(sys.platform != "linux", reason="a real EIO from Linux's /proc/self/mem")
def test_a_read_error_on_the_key_file_is_about_the_drive_not_damage(
        register_dir: Path, pass_file: Path) -> None:
    """A key file that cannot be read (EIO, as from a failing stick; here /proc/self/mem, whose
    first page gives a real EIO) is not "damaged — restore from a backup"."""
    from app.errors import KeyFileDamaged, KeyFileUnreadable
    from app.models.keyfile import KeyFile

    key = register_files.key_path(register_dir)
    key.unlink()
    key.symlink_to("/proc/self/mem")
    with pytest.raises(KeyFileUnreadable) as caught:
        KeyFile.load(key)
    assert not isinstance(caught.value, KeyFileDamaged)
    code, _out, err = run("--lang", "en", "--register", str(register_dir), "--passphrase-file",
                          str(pass_file), "unlock-check")
    assert code == cli.EXIT_USER
    assert err.strip() == _(KeyFileUnreadable.default_message)
    assert "Restore" not in err and "restore" not in err.split("could not be read")[0]


def test_a_write_failing_on_a_read_only_drive_is_not_disk_full(
        stick: Path, tmp_path: Path) -> None:
    """SQLite says "disk I/O error" when a write meets a stick the system has just made
    read-only (EROFS); on a writable drive the same error stays "disk full"."""
    from app.errors import DiskFull, MediumReadOnly
    from app.models import database

    io_error = database.DatabaseError("disk I/O error")
    (stick / "register").mkdir()
    write_protect(stick)
    assert isinstance(database.storage_error(io_error, stick / "register"), MediumReadOnly)
    assert isinstance(database.storage_error(OSError(errno.EROFS, "ro")), MediumReadOnly)
    on_writable = database.storage_error(io_error, tmp_path)
    assert isinstance(on_writable, DiskFull) and not isinstance(on_writable, MediumReadOnly)


def test_export_with_the_clock_in_2019_says_the_clock_looks_wrong(
        register_dir: Path, pass_file: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    before = snapshot(register_dir)
    clock_at(monkeypatch, cli, IN_2019)
    code, out, err = run("--lang", "en", "--register", str(register_dir), "--passphrase-file",
                         str(pass_file), "export", "--quarter", "2026-Q3", "--out", str(out_dir))
    assert code == cli.EXIT_USER, out
    assert err.strip().splitlines() == [err.strip()]  # one sentence, no warnings before it
    assert "clock" in err and "2019-06-01" in err and "2026-Q3" in err
    assert "imported" not in err
    assert list(out_dir.iterdir()) == []
    assert {k: v for k, v in snapshot(register_dir).items() if k != "register.lock"} == \
        {k: v for k, v in before.items() if k != "register.lock"}


def test_retention_with_the_clock_five_years_ahead_refuses(
        register_dir: Path, pass_file: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from app.errors import ClockAhead
    from app.services.confidant.cases import CaseService
    from app.services.storage import retention
    from tests.conftest import TODAY
    from tests.reliability.test_retention import MONTHS, export_and_receive, populate

    reg = vault.unlock(register_dir, PASSPHRASE)
    try:
        populate(CaseService(reg, today=lambda: TODAY))
        export_and_receive(reg, tmp_path)
        assert retention.plan_retention(reg, TODAY, MONTHS).count == 2  # the honest clock
        ahead = TODAY.replace(year=TODAY.year + 5)
        with pytest.raises(ClockAhead):
            retention.plan_retention(reg, ahead, MONTHS)
    finally:
        reg.close()
    before = snapshot(register_dir)
    clock_at(monkeypatch, cli, dt.datetime(ahead.year, ahead.month, ahead.day, tzinfo=dt.UTC))
    code, out, err = run("--lang", "en", "--register", str(register_dir), "--passphrase-file",
                         str(pass_file), "retention", "--months", str(MONTHS), "--apply",
                         "--yes")
    assert code == cli.EXIT_USER, out
    assert "clock" in err and ahead.isoformat() in err
    assert "reduced" not in out
    assert {k: v for k, v in snapshot(register_dir).items() if k != "register.lock"} == \
        {k: v for k, v in before.items() if k != "register.lock"}


DEMO_CHILD = """
import sys
sys.path.insert(0, {root!r})
from tests import cheap_kdf
cheap_kdf.install()
from app.main import main
sys.exit(main(["--demo"]))
"""


def _demo_env(tmp_path: Path) -> dict[str, str]:
    temp = tmp_path / "temp"
    temp.mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(temp), TEMP=str(temp), TMP=str(temp),
               VERTROUWD_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    return env


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGTERM to answer")
def test_a_demo_killed_with_sigterm_leaves_no_folder_and_stale_ones_are_swept(
        tmp_path: Path) -> None:
    import signal
    import time

    from app.services import demo

    env = _demo_env(tmp_path)
    temp = Path(env["TMPDIR"])
    stale = temp / (demo.DEMO_PREFIX + "killed-earlier")
    (stale / "register").mkdir(parents=True)
    (stale / "register" / "register.db").write_bytes(b"\0" * 4096)
    old = time.time() - 2 * demo.STALE_AFTER_S
    os.utime(stale, (old, old))
    root = str(Path(__file__).resolve().parents[2])
    child = subprocess.Popen([sys.executable, "-c", DEMO_CHILD.format(root=root)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None:
            opened = [f for f in temp.glob(demo.DEMO_PREFIX + "*")
                      if f != stale and register_lock.held_elsewhere(f / "register")]
            if opened:
                break
            time.sleep(0.2)
        assert opened, child.communicate(timeout=5)
        assert not stale.exists()  # swept at start: no program held it
        time.sleep(5)  # the window is up and the event loop runs
        child.send_signal(signal.SIGTERM)
        _out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    # 0: quit from the event loop, as the window's Quit; 143 (128 + SIGTERM): still starting,
    # ended through the same clean-up. Never -15: killed without cleaning up.
    assert child.returncode in (0, 128 + signal.SIGTERM), err
    assert list(temp.glob(demo.DEMO_PREFIX + "*")) == []
    assert "Traceback" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGTERM to answer")
def test_sweeping_keeps_a_demo_folder_whose_register_is_open(tmp_path: Path) -> None:
    import time

    from app.services import demo

    open_one = tmp_path / (demo.DEMO_PREFIX + "open")
    (open_one / "register").mkdir(parents=True)
    old = time.time() - 2 * demo.STALE_AFTER_S
    young = tmp_path / (demo.DEMO_PREFIX + "young")
    young.mkdir()
    child = subprocess.Popen(  # another program holding the demo register's lock
        [sys.executable, "-c", "import fcntl, os, sys, time; "
         "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); fcntl.flock(fd, fcntl.LOCK_EX); "
         "print('held', flush=True); time.sleep(60)",
         str(register_lock.lock_path(open_one / "register"))],
        stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        os.utime(open_one, (old, old))
        assert demo.sweep_stale_demo_folders(tmp_path) == []
        assert open_one.exists() and young.exists()
    finally:
        child.kill()
        child.communicate()
    assert demo.sweep_stale_demo_folders(tmp_path) == [open_one]
