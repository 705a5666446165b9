from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect

from app.models import database, migrations
from app.models.entities import Base


def _indexes(insp) -> dict[str, set[tuple[str, tuple[str, ...]]]]:  # type: ignore[no-untyped-def]
    return {
        t: {(i["name"], tuple(i["column_names"])) for i in insp.get_indexes(t)}
        for t in insp.get_table_names()
    }


def test_migrated_indexes_equal_the_model_indexes(tmp_path: Path) -> None:
    key = b"\x02" * 32
    conn = database.connect(tmp_path / "m.db", key)
    migrations.migrate(conn)
    conn.close()
    engine = database.make_engine(tmp_path / "m.db", key)
    migrated = _indexes(inspect(engine))
    engine.dispose()
    fresh_engine = create_engine("sqlite://")
    Base.metadata.create_all(fresh_engine)
    assert migrated == _indexes(inspect(fresh_engine))
    assert ("ix_contact_case_totals", ("case_id", "on", "minutes")) in migrated["contact_moment"]


def test_index_step_upgrades_a_version_1_register(tmp_path: Path) -> None:
    key = b"\x03" * 32
    conn = database.connect(tmp_path / "v1.db", key)
    conn.execute("BEGIN")
    migrations.STEPS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.execute("INSERT INTO case_ (id, opened_on, status, created_at, updated_at) "
                 "VALUES (1, '2026-01-05', 'open', '2026-01-05', '2026-01-05')")
    conn.execute('INSERT INTO contact_moment (case_id, "on", minutes, mode) '
                 "VALUES (1, '2026-01-05', 60, 'telefoon')")
    assert migrations.migrate(conn) == list(range(2, migrations.LATEST_VERSION + 1))
    assert conn.execute("SELECT count(*) FROM contact_moment").fetchone()[0] == 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "ix_contact_on_totals" in names and "ix_contact_moment_on" not in names
    conn.close()
