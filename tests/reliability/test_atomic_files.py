"""Atomic files: the key file (passphrase change), the settings file, backups and a restore are
written by temp file + fsync + rename. A forked writer is killed (os._exit, no clean-up) before
each of its file-system steps — and half-way through each write — and the target must hold the
old or the new content, never a mix; stray temp files are removed on the next start.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.atomic import TEMP_SUFFIX
from app.errors import WrongPassphrase
from app.models import register_files
from app.models.keyfile import KeyFile
from app.services.storage import backup, vault
from app.settings import Settings
from tests.conftest import PASSPHRASE
from tests.reliability import _harness as h

pytestmark = pytest.mark.reliability

NEW_PASSPHRASE = "een heel andere zin als wachtwoord"


def _install_killer(kill_at: int, partial: bool, emit: Callable[[str], None]) -> list[int]:
    """Count file-system steps; die before step `kill_at` (or half-way through that write)."""
    count = [0]

    def step(half_write: Callable[[], Any] | None = None) -> None:
        count[0] += 1
        if count[0] == kill_at:
            if partial and half_write is not None:
                half_write()
            os._exit(137)

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            step()
            return fn(*args, **kwargs)
        return wrapped

    class File:
        def __init__(self, f: Any) -> None:
            self.f = f

        def write(self, data: bytes) -> int:
            def half() -> None:
                self.f.write(data[: len(data) // 2])
                self.f.flush()
            step(half)
            return int(self.f.write(data))

        def flush(self) -> None:
            step()
            self.f.flush()

        def fileno(self) -> int:
            return int(self.f.fileno())

        def __enter__(self) -> File:
            return self

        def __exit__(self, *exc: Any) -> None:
            step()
            self.f.__exit__(*exc)

    real_fdopen = os.fdopen
    os.fdopen = lambda fd, *a, **k: File(real_fdopen(fd, *a, **k))  # type: ignore[assignment]
    for name in ("open", "fsync", "replace", "rename", "close", "mkdir", "unlink"):
        setattr(os, name, wrap(getattr(os, name)))
    real_copyfile = shutil.copyfile
    shutil.copyfile = wrap(real_copyfile)  # type: ignore[assignment]
    return count


# The actions a killed writer runs: module-level with plain arguments, so that a spawned child
# (Windows has no fork) can import and run them as a forked one does.
def change_passphrase(register_dir: Path) -> None:
    vault.change_passphrase(register_dir, PASSPHRASE, NEW_PASSPHRASE)


def save_settings(settings_path: Path) -> None:
    Settings(language="en", autolock_minutes=17, backup_generations=3).save(settings_path)


def make_backup(register_dir: Path, dest: Path) -> None:
    reg = vault.unlock(register_dir, PASSPHRASE)
    backup.create_backup(reg, dest)


def restore_backup(register_dir: Path, newest: Path) -> None:
    backup.restore(register_dir, newest, PASSPHRASE)


def _run(
    emit: Callable[[str], None], kill_at: int, partial: bool, action: Callable[..., None],
    args: tuple[Any, ...],
) -> None:
    count = _install_killer(kill_at, partial, emit)
    action(*args)
    emit(f"DONE {count[0]}")


Action = tuple[Callable[..., None], tuple[Any, ...]]


def _drill(make_action: Callable[[], Action], check: Callable[[bool], None]) -> int:
    """Kill before every step (and mid-write) until the writer completes; returns kill points."""
    points = 0
    k = 1
    while True:
        for partial in (False, True):
            action, args = make_action()
            lines = h.fork(_run, k, partial, action, args).finish()
            done = any(line.startswith("DONE") for line in lines)
            assert not [line for line in lines if line.startswith("ERROR")], lines
            check(done)
            if done:
                return points
            points += 1
        k += 1
        assert k < 200, "the writer never completes"


def _temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX)]


def test_killed_writers_leave_old_or_new_never_partial(
    register_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    partial_files = 0
    kill_points: dict[str, int] = {}
    reasons: list[str] = []

    # 1. The key file, rewritten by a passphrase change.
    key = register_files.key_path(register_dir)
    old_key = key.read_bytes()

    def change() -> Action:
        key.write_bytes(old_key)
        return change_passphrase, (register_dir,)

    def check_key(done: bool) -> None:
        nonlocal partial_files
        data = key.read_bytes()
        strays = _temp_files(register_dir)
        try:
            if data == old_key:
                assert not done
                vault.unlock(register_dir, PASSPHRASE).close()
            else:
                KeyFile.from_bytes(data)  # complete and undamaged
                with pytest.raises(WrongPassphrase):
                    vault.unlock(register_dir, PASSPHRASE)
                vault.unlock(register_dir, NEW_PASSPHRASE).close()
        except Exception as exc:  # noqa: BLE001 - counted, then reported by the final assert
            partial_files += 1
            reasons.append(f"key file: {exc!r}")
            return
        if _temp_files(register_dir):  # unlocking removes what a killed writer left
            partial_files += 1
            reasons.append("key file: temp file left after unlock")
        kill_points.setdefault("strays", 0)
        kill_points["strays"] += bool(strays)

    kill_points["key file"] = _drill(change, check_key)
    key.write_bytes(old_key)

    # 2. The settings file.
    settings_path = tmp_path / "home" / "settings.json"
    old, new = Settings(), Settings(language="en", autolock_minutes=17, backup_generations=3)
    old.save(settings_path)
    old_bytes = settings_path.read_bytes()

    def save() -> Action:
        settings_path.write_bytes(old_bytes)
        return save_settings, (settings_path,)

    def check_settings(done: bool) -> None:
        nonlocal partial_files
        loaded = Settings.load(settings_path)
        data = settings_path.read_bytes()
        if loaded not in (old, new) or (done and loaded != new) or (
                data != old_bytes and loaded != new):
            partial_files += 1
            reasons.append(f"settings: {data[:60]!r}")
        if _temp_files(settings_path.parent):  # loading the settings cleans up after a kill
            partial_files += 1
            reasons.append(
                f"settings: temp file left after load {_temp_files(settings_path.parent)}"
            )

    kill_points["settings"] = _drill(save, check_settings)

    # 3. A backup.
    reg = vault.unlock(register_dir, PASSPHRASE)
    expected_digest = vault.content_digest(reg)
    reg.close()  # the parent holds no connection while it forks
    dest = tmp_path / "backups"

    def check_backup(done: bool) -> None:
        nonlocal partial_files
        listed = backup.list_backups(dest)
        if done and len(listed) != 1:
            partial_files += 1
            reasons.append("backup: finished but not listed")
        for info in listed:
            try:
                _key_file, data_key = backup.verify_backup(info.path, PASSPHRASE)
                from app.models import database
                digest = database.run_in_connection(
                    info.path / register_files.DB_NAME, data_key, database.content_digest)
                assert digest == expected_digest
            except Exception as exc:  # noqa: BLE001
                partial_files += 1
                reasons.append(f"backup: listed but not valid: {exc!r}")
        if dest.is_dir():
            backup.clean_partial(dest)  # what the next backup does first
            if list(dest.glob("*" + register_files.BACKUP_TMP_SUFFIX)) or [
                p for p in dest.iterdir() if p not in {i.path for i in listed}
            ]:
                partial_files += 1
                reasons.append(f"backup: left behind {sorted(p.name for p in dest.iterdir())}")

    # The register must be closed in the parent while forking: unlock happens in the child.
    def make_backup_in_child() -> Action:
        shutil.rmtree(dest, ignore_errors=True)
        return make_backup, (register_dir, dest)

    kill_points["backup"] = _drill(make_backup_in_child, check_backup)

    # 4. A restore over an existing register (the register was changed after the backup).
    newest = backup.list_backups(dest)[0].path
    reg = vault.unlock(register_dir, PASSPHRASE)
    h.run_transaction(reg, h.new_service(reg), __import__("random").Random(1), lambda _l: None)
    live_digest = vault.content_digest(reg)
    reg.close()
    live = {p.name: p.read_bytes() for p in register_dir.iterdir() if p.is_file()}
    unusable: list[str] = []

    def restore() -> Action:
        shutil.rmtree(register_dir)
        register_dir.mkdir()
        for name, data in live.items():
            (register_dir / name).write_bytes(data)
        for aside in register_dir.parent.glob(register_dir.name + ".before-restore-*"):
            shutil.rmtree(aside)
        return restore_backup, (register_dir, newest)

    def check_restore(done: bool) -> None:
        nonlocal partial_files
        try:
            reg = vault.unlock(register_dir, PASSPHRASE)
            digest = vault.content_digest(reg)
            reg.close()
            assert digest in (live_digest, expected_digest)
            assert not done or digest == expected_digest
        except Exception as exc:  # noqa: BLE001
            partial_files += 1
            asides = sorted(
                p.name
                for a in register_dir.parent.glob(register_dir.name + ".before-restore-*")
                for p in a.iterdir()
            )
            unusable.append(
                f"{type(exc).__name__}: folder {sorted(p.name for p in register_dir.iterdir())}, "
                f"aside {asides}"
            )

    kill_points["restore"] = _drill(restore, check_restore)
    reasons += unusable

    strays = kill_points.pop("strays", 0)
    total = sum(kill_points.values())
    h.summary(capsys, f"atomic: {total} kill points, {partial_files} partial files "
                      f"({kill_points}; {strays} kills left a temp file that start-up removed)")
    assert partial_files == 0, reasons
    assert kill_points["key file"] >= 8 and kill_points["settings"] >= 8
    assert kill_points["backup"] >= 8
