"""One program at a time per register, and the file operations Windows refuses on open files.

A second program on the same register (another window, or the command line while the window is
open) gets one sentence and changes nothing. What Linux never exercises, Windows does: a file
that is open cannot be renamed over or deleted (a sharing violation), so restore, passphrase
change and backup rotation are tried here while the register is open, in this process and in
another one. These tests run on both platforms (make test and make test-windows).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.errors import RegisterInUse, RegisterStillOpen
from app.models import register_files, register_lock
from app.services.storage import backup, vault
from tests.conftest import PASSPHRASE, snapshot
from tests.reliability import _harness as h

NEW = "een andere zin als wachtwoord"


def hold_register(emit: Callable[[str], None], folder: Path) -> None:
    """A second program: opens the register and keeps it open until it is killed."""
    reg = vault.unlock(folder, PASSPHRASE)
    emit("OPEN")
    while True:
        time.sleep(0.05)
    reg.close()  # never reached: the test kills this process


@pytest.fixture
def held_elsewhere(register_dir: Path) -> Iterator[h.Child]:
    child = h.fork(hold_register, register_dir)
    assert child.wait_for("OPEN"), child.lines
    yield child
    child.kill()


def test_a_second_program_is_refused_with_a_sentence_and_changes_nothing(
    register_dir: Path, held_elsewhere: h.Child
) -> None:
    before = snapshot(register_dir)
    with pytest.raises(RegisterInUse) as caught:
        vault.unlock(register_dir, PASSPHRASE)
    assert "al geopend in een ander venster" in caught.value.message
    with pytest.raises(RegisterInUse):
        vault.unlock(register_dir, "een verkeerde zin als wachtwoord")  # before any derivation
    assert snapshot(register_dir) == before


def test_the_command_line_says_the_register_is_open_elsewhere(
    register_dir: Path, held_elsewhere: h.Child, tmp_path: Path
) -> None:
    passphrase_file = tmp_path / "pass.txt"
    passphrase_file.write_text(PASSPHRASE, encoding="utf-8")
    before = snapshot(register_dir)
    env = {**os.environ, "VERTROUWD_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.cheap_app", "--lang", "en", "--register", str(register_dir),
         "--passphrase-file", str(passphrase_file), "unlock-check"],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "already open in another window" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(register_dir) == before


def test_the_lock_goes_with_the_process_however_it_ends(register_dir: Path) -> None:
    child = h.fork(hold_register, register_dir)
    assert child.wait_for("OPEN")
    assert register_lock.held_elsewhere(register_dir)
    child.kill()  # SIGKILL / TerminateProcess: no clean-up runs
    deadline = time.monotonic() + 10
    while register_lock.held_elsewhere(register_dir) and time.monotonic() < deadline:
        time.sleep(0.05)
    vault.unlock(register_dir, PASSPHRASE).close()


def test_restore_and_passphrase_change_wait_for_the_other_program(
    register_dir: Path, tmp_path: Path
) -> None:
    reg = vault.unlock(register_dir, PASSPHRASE)
    made = backup.create_backup(reg, tmp_path / "backups")
    reg.close()
    child = h.fork(hold_register, register_dir)
    assert child.wait_for("OPEN")
    try:
        before = snapshot(register_dir)
        with pytest.raises(RegisterInUse):
            backup.restore(register_dir, made, PASSPHRASE)
        with pytest.raises(RegisterInUse):
            vault.change_passphrase(register_dir, PASSPHRASE, NEW)
        assert snapshot(register_dir) == before
    finally:
        child.kill()
    assert backup.restore(register_dir, made, PASSPHRASE).aside is not None


def test_restore_while_open_in_this_program_is_refused_until_locked(
    register: vault.Register, register_dir: Path, tmp_path: Path
) -> None:
    made = backup.create_backup(register, tmp_path / "backups")
    before = snapshot(register_dir)
    with pytest.raises(RegisterStillOpen):
        backup.restore(register_dir, made, PASSPHRASE)
    assert snapshot(register_dir) == before
    register.close()
    aside = backup.restore(register_dir, made, PASSPHRASE).aside
    assert aside is not None and (aside / register_files.DB_NAME).is_file()
    vault.unlock(register_dir, PASSPHRASE).close()


def test_passphrase_change_and_backups_while_the_register_is_open(
    register: vault.Register, register_dir: Path, tmp_path: Path
) -> None:
    # The key file is replaced while SQLite holds the database open (Windows: allowed, the key
    # file is not the database), and backups are made and rotated meanwhile.
    vault.set_new_passphrase(register, NEW)
    dest = tmp_path / "backups"
    for hour in range(4):  # four backups an hour apart by their clock
        backup.create_backup(register, dest, generations=2,
                             now=dt.datetime(2026, 5, 4, 9 + hour, tzinfo=dt.UTC))
    assert len(backup.list_backups(dest)) == 2
    register.close()
    vault.unlock(register_dir, NEW).close()


def test_a_key_file_held_open_for_a_moment_does_not_fail_the_change(
    register: vault.Register, register_dir: Path
) -> None:
    """A virus scanner or indexer may hold a file we just wrote for a moment. On Windows a
    rename over it then fails with a sharing violation; the write waits for it instead."""
    key = register_files.key_path(register_dir)
    holder = open(key, "rb")  # noqa: SIM115 - closed by the timer below

    def release() -> None:
        time.sleep(0.3)
        holder.close()

    thread = threading.Thread(target=release)
    thread.start()
    try:
        vault.set_new_passphrase(register, NEW)
    finally:
        thread.join()
        holder.close()
    register.close()
    vault.unlock(register_dir, NEW).close()


def test_rotation_keeps_a_backup_it_cannot_delete_and_removes_it_later(
    register: vault.Register, tmp_path: Path
) -> None:
    dest = tmp_path / "backups"
    first = backup.create_backup(register, dest, generations=5,
                                 now=dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC))
    backup.create_backup(register, dest, generations=5,
                         now=dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC))
    holder = open(first / register_files.KEY_NAME, "rb")  # noqa: SIM115 - closed below
    try:
        removed = backup.rotate(dest, 1)
        listed = [info.path for info in backup.list_backups(dest)]
        # Whole and still listed (Windows: a folder with an open file cannot be renamed), or
        # out of the list: never a half-deleted backup that is listed.
        assert (first in listed) != (first in removed)
        if first in listed:
            backup.verify_backup(first, PASSPHRASE)
    finally:
        holder.close()
    backup.rotate(dest, 1)
    assert not first.exists() and len(backup.list_backups(dest)) == 1
    assert [p.name for p in dest.iterdir() if p.name.endswith(backup.DELETING)] == []


def test_in_one_program_the_lock_is_shared_and_released_by_the_last(register_dir: Path) -> None:
    a = vault.unlock(register_dir, PASSPHRASE)
    b = vault.unlock(register_dir, PASSPHRASE)  # e.g. a verification while the window is open
    assert register_lock.held_here(register_dir)
    a.close()
    assert register_lock.held_here(register_dir)
    b.close()
    assert not register_lock.held_here(register_dir)
