"""Moving a register (issue 14): locked, copied, checked, and only then removed from its old
folder — with its backups when asked; a move that fails leaves it where it was, whole."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from app.errors import AppError, RegisterExists, RegisterStillOpen, WrongPassphrase
from app.models import register_files
from app.services.confidant.cases import CaseService
from app.services.storage import backup, relocation, vault
from tests.conftest import PASSPHRASE, TODAY, snapshot


def _fill(register_dir: Path, backups: Path | None = None) -> str:
    register = vault.unlock(register_dir, PASSPHRASE)
    try:
        service = CaseService(register, today=lambda: TODAY)
        service.open_case(on=dt.date(2026, 10, 5), minutes=45, mode="telefoon",
                          topics=["pesten"], memo="verhuist mee")
        if backups is not None:
            for minute in range(3):
                backup.create_backup(register, backups,
                                     now=dt.datetime(2026, 11, 1, 9, minute, tzinfo=dt.UTC))
        return vault.content_digest(register)
    finally:
        register.close()


def test_the_register_moves_with_its_backups(register_dir: Path, tmp_path: Path) -> None:
    old_backups = tmp_path / "backups"
    digest = _fill(register_dir, old_backups)
    stick = tmp_path / "stick" / "VertrouwdData"
    result = relocation.move_register(register_dir, stick / "register", PASSPHRASE,
                                      backups_from=old_backups, backups_to=stick / "backups")
    assert result.register_dir == stick / "register" and result.backup_error is None
    assert result.backups_moved == 3 and result.backup_dir == stick / "backups"
    assert not register_dir.exists()  # the old copy is gone, lock file included
    assert backup.list_backups(old_backups) == []
    assert len(backup.list_backups(stick / "backups")) == 3
    moved = vault.unlock(stick / "register", PASSPHRASE)
    try:
        assert vault.content_digest(moved) == digest and vault.verify(moved) == []
    finally:
        moved.close()
    assert not any(p.name.endswith(relocation.STAGING_SUFFIX) for p in stick.iterdir())


def test_without_backups_only_the_register_moves(register_dir: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    _fill(register_dir, backups)
    target = tmp_path / "empty-folder"
    target.mkdir()  # an empty folder may be chosen
    result = relocation.move_register(register_dir, target, PASSPHRASE)
    assert result.backup_dir is None and result.backups_moved == 0
    assert len(backup.list_backups(backups)) == 3
    assert register_files.register_exists(target)


def test_a_wrong_passphrase_changes_nothing(register_dir: Path, tmp_path: Path) -> None:
    _fill(register_dir)
    before = snapshot(register_dir)
    with pytest.raises(WrongPassphrase):
        relocation.move_register(register_dir, tmp_path / "new", "niet de goede zin hoor")
    assert snapshot(register_dir) == before and not (tmp_path / "new").exists()


def test_an_open_register_or_a_bad_target_is_refused(register_dir: Path, tmp_path: Path) -> None:
    register = vault.unlock(register_dir, PASSPHRASE)
    try:
        with pytest.raises(RegisterStillOpen):
            relocation.move_register(register_dir, tmp_path / "new", PASSPHRASE)
    finally:
        register.close()
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "iets.txt").write_text("x")
    other = tmp_path / "other"
    shutil.copytree(register_dir, other)
    before = snapshot(register_dir)
    for target, error in ((busy, AppError), (other, RegisterExists),
                          (register_dir / "inside", AppError), (register_dir, AppError)):
        with pytest.raises(error):
            relocation.move_register(register_dir, target, PASSPHRASE)
    assert snapshot(register_dir) == before


def test_a_copy_that_does_not_check_out_is_thrown_away(
        register_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A damaged copy (the stick flips a byte) fails the check: the register stays."""
    _fill(register_dir)
    before = snapshot(register_dir)
    real_copy = shutil.copyfile

    def flipping_copy(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = real_copy(src, dst, *args, **kwargs)
        if Path(dst).name == register_files.DB_NAME:
            data = bytearray(Path(dst).read_bytes())
            data[2 * 4096 + 100] ^= 0xFF
            Path(dst).write_bytes(bytes(data))
        return result

    monkeypatch.setattr(shutil, "copyfile", flipping_copy)
    target = tmp_path / "new"
    with pytest.raises(AppError):
        relocation.move_register(register_dir, target, PASSPHRASE)
    assert snapshot(register_dir) == before
    assert not target.exists() and list(tmp_path.glob("*" + relocation.STAGING_SUFFIX)) == []
    monkeypatch.undo()
    vault.unlock(register_dir, PASSPHRASE).close()  # still opens where it was


def test_a_full_stick_leaves_the_register_where_it_was(
        register_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(register_dir)
    before = snapshot(register_dir)

    def full(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full)
    with pytest.raises(AppError):
        relocation.move_register(register_dir, tmp_path / "new", PASSPHRASE)
    assert snapshot(register_dir) == before and not (tmp_path / "new").exists()


def test_moved_backups_are_owner_only_whatever_the_umask(register_dir: Path,
                                                         tmp_path: Path) -> None:
    """The copies are made file by file (not with their source's permissions, which a FAT
    stick refuses to take): each is made owner-only itself."""
    if sys.platform == "win32":
        pytest.skip("POSIX permission bits")
    old_backups = tmp_path / "backups"
    _fill(register_dir, old_backups)
    stick = tmp_path / "stick"
    old_umask = os.umask(0o022)
    try:
        relocation.move_register(register_dir, stick / "register", PASSPHRASE,
                                 backups_from=old_backups, backups_to=stick / "backups")
    finally:
        os.umask(old_umask)
    moved = list((stick / "backups").rglob("*"))
    assert moved and all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in moved)
