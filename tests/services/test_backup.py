from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from app.errors import BackupInvalid
from app.models import register_files
from app.services.confidant.cases import CaseService
from app.services.storage import backup, vault
from tests.conftest import PASSPHRASE, snapshot


def _fill(register: vault.Register) -> None:
    service = CaseService(register, today=lambda: dt.date(2026, 11, 23))
    for i in range(20):
        service.open_case(on=dt.date(2026, 3, 1 + i), minutes=45, mode="telefoon",
                          topics=["pesten"], memo=f"memo {i}")
    service.add_activity(on=dt.date(2026, 4, 2), minutes=90, kind="voorlichting")


def test_backup_then_restore_gives_identical_content(register: vault.Register,
                                                     register_dir: Path, tmp_path: Path) -> None:
    _fill(register)
    digest = vault.content_digest(register)
    made = backup.create_backup(register, tmp_path / "backups")
    assert not (made / register_files.DB_NAME).read_bytes().startswith(b"SQLite format 3")
    CaseService(register).delete_case(1)
    assert vault.content_digest(register) != digest
    register.close()

    aside = backup.restore(register_dir, made, PASSPHRASE).aside
    assert aside is not None and (aside / register_files.DB_NAME).exists()
    restored = vault.unlock(register_dir, PASSPHRASE)
    try:
        assert vault.content_digest(restored) == digest
    finally:
        restored.close()


def test_damaged_backup_is_refused_and_register_untouched(register: vault.Register,
                                                          register_dir: Path,
                                                          tmp_path: Path) -> None:
    _fill(register)
    made = backup.create_backup(register, tmp_path / "backups")
    register.close()
    db = made / register_files.DB_NAME
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0x01
    db.write_bytes(bytes(data))
    before = snapshot(register_dir)
    with pytest.raises(BackupInvalid):
        backup.restore(register_dir, made, PASSPHRASE)
    assert snapshot(register_dir) == before
    assert [p.name for p in register_dir.parent.iterdir() if "before-restore" in p.name] == []


def test_backup_of_another_register_is_refused(register_dir: Path, tmp_path: Path) -> None:
    other_dir = tmp_path / "other"
    other, _ = vault.create_register(other_dir, PASSPHRASE, component="KMar")
    made = backup.create_backup(other, tmp_path / "backups")
    other.close()
    before = snapshot(register_dir)
    with pytest.raises(BackupInvalid):
        backup.restore(register_dir, made, PASSPHRASE)
    assert snapshot(register_dir) == before


def test_rotation_keeps_the_newest_generations(register: vault.Register, tmp_path: Path) -> None:
    dest = tmp_path / "backups"
    made = [backup.create_backup(register, dest, generations=3) for _ in range(5)]
    kept = [b.path for b in backup.list_backups(dest)]
    assert kept == list(reversed(made[-3:]))


def test_restore_drill_after_losing_the_register(register: vault.Register, register_dir: Path,
                                                 tmp_path: Path) -> None:
    _fill(register)
    digest = vault.content_digest(register)
    made = backup.create_backup(register, tmp_path / "backups")
    register.close()
    shutil.rmtree(register_dir)
    assert backup.restore(register_dir, made, PASSPHRASE).aside is None
    restored = vault.unlock(register_dir, PASSPHRASE)
    try:
        assert vault.content_digest(restored) == digest
    finally:
        restored.close()


def test_backups_are_named_after_the_clock_and_ordered_by_generation(
        register: vault.Register, tmp_path: Path) -> None:
    # The clock may be wrong (set back between two backups): the order is the order made.
    dest = tmp_path / "backups"
    later = dt.datetime(2026, 5, 4, 11, 30, tzinfo=dt.UTC)
    earlier = dt.datetime(2026, 5, 4, 9, 15, tzinfo=dt.UTC)
    made_first = backup.create_backup(register, dest, now=later)
    made_second = backup.create_backup(register, dest, now=earlier)
    assert made_first.name == register_files.backup_name(later, generation=1)
    assert made_second.name == register_files.backup_name(earlier, generation=2)
    assert [(b.path, b.created_at, b.generation) for b in backup.list_backups(dest)] == [
        (made_second, earlier, 2), (made_first, later, 1)]  # newest first: the last made
    assert backup.rotate(dest, 1) == [made_first]


def test_backups_from_before_numbering_count_as_older_than_numbered_ones(
        register: vault.Register, tmp_path: Path) -> None:
    dest = tmp_path / "backups"
    numbered = backup.create_backup(register, dest, now=dt.datetime(2019, 1, 1, tzinfo=dt.UTC))
    unnumbered = dest / register_files.backup_name(dt.datetime(2026, 5, 4, tzinfo=dt.UTC))
    shutil.copytree(numbered, unnumbered)  # as a version before numbering named it
    assert register_files.backup_generation(unnumbered.name) == 0
    assert [b.path for b in backup.list_backups(dest)] == [numbered, unnumbered]


def test_rotation_removes_what_a_held_file_kept_from_a_deletion(
        register: vault.Register, tmp_path: Path) -> None:
    # Rotation renames a backup to "<name>.deleting" before deleting it, so a backup is whole or
    # gone. Where a file held open elsewhere survives the deletion, the remains are removed by the
    # next rotation; an incomplete folder that rotation did not start on is never deleted.
    dest = tmp_path / "backups"
    old = backup.create_backup(register, dest, now=dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC))
    kept = backup.create_backup(register, dest, now=dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC))
    remains = old.with_name(old.name + backup.DELETING)
    remains.mkdir()
    (remains / register_files.KEY_NAME).write_bytes(b"held by a virus scanner")
    foreign = dest / (register_files.BACKUP_PREFIX + "20260101T000000000000Z")
    foreign.mkdir()  # not a complete backup, and not one rotation started deleting
    assert [b.path for b in backup.list_backups(dest)] == [kept, old]
    assert backup.rotate(dest, 1) == [old]
    assert not remains.exists() and not old.exists() and kept.exists() and foreign.exists()
