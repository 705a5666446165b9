"""Registers saved by older versions upgrade safely (real files in tests/data)."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.models import database, migrations, register_files
from app.models.entities import Case
from app.models.keyfile import KeyFile
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


# --- a real register of every released schema version -------------------------------------------
# tests/data/register-v1 was saved by version 1; the others by tools/make_old_registers.py with
# the real migration steps stopped at their version.
RELEASED = range(1, migrations.LATEST_VERSION + 1)


def _open_raw(folder: Path) -> Any:
    key = KeyFile.load(register_files.key_path(folder)).unwrap(PASSPHRASE)
    return database.connect(register_files.db_path(folder), key)


def _schema(conn: Any) -> list[tuple[str, ...]]:
    return [tuple(r) for r in conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")]


def _contents(conn: Any) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every table: its column names and rows (in primary-key order)."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    result = {}
    for table in sorted(tables):
        cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2')
        result[table] = ([d[0] for d in cursor.description], [tuple(r) for r in cursor])
    return result


def _fresh_register_holding(folder: Path, contents: dict[str, Any]) -> Any:
    """A database made today (every step from zero) with ``contents`` inserted as they are."""
    folder.mkdir()
    conn = database.connect(folder / register_files.DB_NAME, bytes(32))
    migrations.migrate(conn)
    conn.execute("PRAGMA foreign_keys = OFF")  # rows go in table by table, in any order
    for table, (columns, rows) in contents.items():
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _c in columns)
        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
    return conn


@pytest.mark.parametrize("version", RELEASED)
def test_a_register_of_every_released_version_opens_as_a_fresh_one_with_its_data(
        tmp_path: Path, version: int) -> None:
    folder = tmp_path / "reg"
    shutil.copytree(DATA / f"register-v{version}", folder)
    old = _open_raw(folder)
    try:
        assert migrations.schema_version(old) == version
        before = _contents(old)
    finally:
        old.close()
    if version > 1:  # made with data in every table its version has
        assert [t for t, (_cols, rows) in before.items() if not rows] == []

    reg = vault.unlock(folder, PASSPHRASE)
    try:
        upgraded = reg.raw_connection()
        schema, digest = _schema(upgraded), database.content_digest(upgraded)
        upgraded.close()
        assert vault.verify(reg) == []
    finally:
        reg.close()

    fresh = _fresh_register_holding(tmp_path / "fresh", before)
    try:
        assert schema == _schema(fresh)  # the same tables, columns and indexes as made today
        assert digest == database.content_digest(fresh)  # and exactly the old rows
    finally:
        fresh.close()

    backups = sorted((folder / register_files.PRE_MIGRATION_FOLDER).glob("*"))
    if version == migrations.LATEST_VERSION:
        assert backups == []  # nothing to migrate, nothing to back up
        return
    assert len(backups) == 1  # the old file, kept as it was, before anything changed
    kept = _open_raw(backups[0])
    try:
        assert migrations.schema_version(kept) == version
        assert _contents(kept) == before
    finally:
        kept.close()


def test_step_10_keeps_reports_from_before_plans_as_they_were(tmp_path: Path) -> None:
    """A version 9 register's publications come out of step 10 unchanged, from no plan, and
    still count as published (the ledger's reports from before plans); no plan is made."""
    from app.models.entities import PublicationPlan, PublicationRecord

    folder = tmp_path / "reg"
    shutil.copytree(DATA / "register-v9", folder)
    old = _open_raw(folder)
    try:
        before = _contents(old)["publication"]
    finally:
        old.close()
    reg = vault.unlock(folder, PASSPHRASE)
    try:
        with reg.session() as s:
            rows = s.scalars(select(PublicationRecord)).all()
            assert [(r.id, r.plan_id, r.file_name) for r in rows] == [
                (1, None, "rapport-2025-Q4.csv")]
            assert s.scalars(select(PublicationPlan)).all() == []
        upgraded = reg.raw_connection()
        columns, after = _contents(upgraded)["publication"]
        upgraded.close()
    finally:
        reg.close()
    assert columns == [*before[0], "plan_id"]
    assert [row[:-1] for row in after] == before[1] and [row[-1] for row in after] == [None]
