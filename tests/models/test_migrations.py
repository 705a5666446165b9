"""Registers saved by older versions upgrade safely (real files in tests/data)."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import migrations
from app.models.entities import Case
from app.services.storage import vault
from tests.conftest import PASSPHRASE

DATA = Path(__file__).resolve().parent.parent / "data"


def test_v1_register_upgrades_with_a_backup_first(tmp_path: Path) -> None:
    folder = tmp_path / "reg"
    shutil.copytree(DATA / "register-v1", folder)
    reg = vault.unlock(folder, PASSPHRASE)
    try:
        conn = reg.raw_connection()
        assert migrations.schema_version(conn) == migrations.LATEST_VERSION
        conn.close()
        with reg.session() as s:
            case = s.scalars(select(Case)).one()
            assert case.memo == "oude notitie" and case.topic_codes == ["pesten"]
        assert vault.verify(reg) == []
    finally:
        reg.close()
    backups = list((folder / "pre-migration").iterdir())
    assert len(backups) == 1 and (backups[0] / "register.db").exists()
    # The pre-migration backup is the old version, still openable with the same passphrase.
    old = vault.unlock(backups[0], PASSPHRASE)  # upgrading the copy proves it is intact
    old.close()


def test_failed_migration_step_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "reg"
    shutil.copytree(DATA / "register-v1", folder)

    def broken(conn):  # type: ignore[no-untyped-def]
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("step failed")

    monkeypatch.setattr(migrations, "STEPS", [migrations.STEPS[0], broken])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 2)
    with contextlib.suppress(RuntimeError):
        vault.unlock(folder, PASSPHRASE)
    monkeypatch.undo()
    reg = vault.unlock(folder, PASSPHRASE)  # the real step 2 now applies cleanly
    try:
        conn = reg.raw_connection()
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        conn.close()
        assert "half_done" not in names
    finally:
        reg.close()
