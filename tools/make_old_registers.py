"""Registers of every released schema version, for the upgrade tests.

    python tools/make_old_registers.py     # (re)writes tests/data/register-v2 ... -v<latest>
    python tools/make_old_registers.py 8   # only the new version's register

tests/models/test_migrations.py opens each one with today's program and checks that it comes
out as a fresh register of the latest version holding the same data, with a pre-migration
backup of the old file beside it. tests/data/register-v1 was saved by version 1 itself and is
kept as it is; the others are made here the way their version made them:

- a fresh SQLCipher database brought to exactly version N by the real migration steps
  (`migrations.migrate(conn, target=N)`, the code every register is upgraded with);
- data written with SQL that version N's schema takes (each version's new tables get rows);
- a key file under the tests' passphrase with the cheap test key derivation.

Released steps never change, so a file made here once stays valid; rerun it only for a new
schema version (and add nothing to the folders of the old ones).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.models import database, migrations  # noqa: E402
from app.models.keyfile import KeyFile  # noqa: E402
from app.models.register_files import DB_NAME, KEY_NAME  # noqa: E402
from tests.cheap_kdf import TEST_PROFILE  # noqa: E402
from tests.conftest import PASSPHRASE  # noqa: E402

DATA = ROOT / "tests" / "data"
FIRST_MADE_HERE = 2  # register-v1 is the file version 1 saved

Row = tuple[str, Sequence[Any]]


def _key(n: int) -> bytes:
    return bytes([n]) * 32  # stand-in key material: these registers sign and seal nothing


def rows_at(version: int) -> list[Row]:
    """INSERT statements that the schema of ``version`` takes, for every table it has."""
    rows: list[Row] = [
        (f"INSERT INTO profile VALUES (1, 'vp coordinator', 'CLAS', 'CLAS-OLDV{version}', "
         "?, ?, ?, ?, '2026.1', '2026-01-05 09:00:00')",
         (_key(1), _key(2), _key(3), _key(4))),
        ("INSERT INTO case_ (id, opened_on, status, closed_on, outcome, memo, created_at, "
         "updated_at) VALUES (1, '2026-01-12', 'closed', '2026-02-20', 'doorverwezen', "
         f"'notitie van versie {version}', '2026-01-12 10:00:00', '2026-02-20 16:00:00')", ()),
        ("INSERT INTO case_ (id, opened_on, status, closed_on, outcome, memo, created_at, "
         "updated_at) VALUES (2, '2026-03-03', 'open', NULL, NULL, NULL, "
         "'2026-03-03 11:00:00', '2026-03-03 11:00:00')", ()),
        ("INSERT INTO case_topic VALUES (1, 'discriminatie'), (1, 'pesten'), (2, 'werkdruk_inzet')",
         ()),
        ("INSERT INTO case_ground VALUES (1, 'leeftijd')", ()),
        ("INSERT INTO contact_moment VALUES (1, 1, '2026-01-12', 45, 'telefoon'), "
         "(2, 1, '2026-02-02', 30, 'persoonlijk'), (3, 2, '2026-03-03', 60, 'video')", ()),
        ("INSERT INTO referral VALUES (1, 1, 'bmw', '2026-02-20')", ()),
        ("INSERT INTO activity VALUES (1, '2026-01-20', 90, 'voorlichting')", ()),
        ("INSERT INTO key_value VALUES ('last_mode', 'telefoon')", ()),
        ("INSERT INTO audit_entry VALUES (1, '2026-02-21 08:00:00', 'backup', 'made by hand')",
         ()),
    ]
    if version >= 2:
        rows += [
            ("INSERT INTO recipient VALUES (1, 'CLAS-CVPOK', 'CLAS', 'coordinator', ?, ?, ?, "
             "'2026-01-06 09:00:00', 1)", (_key(5), _key(6), "ab" * 32)),
            ("INSERT INTO export_record VALUES (1, '2025-Q4', 'vp', "
             f"'6f1c1e1a-0000-4000-8000-00000000000{version}', 1, NULL, ?, "
             "'vertrouwd-vp-CLAS-2025-Q4-r1.json', 1, 1, '2026-01-07 09:00:00', "
             "'2026-01-09 12:00:00', 'CLAS-CVPOK')", ("cd" * 32,)),
        ]
    if version >= 4:
        rows += [
            ("INSERT INTO roster_entry VALUES (1, 'CLAS-VPONE', 'CLAS', 'vp', ?, ?, ?, "
             "'2025-10-01', NULL, '2025-10-01 09:00:00')", (_key(7), _key(8), "ef" * 32)),
            ("INSERT INTO submission VALUES (1, '7a2b3c4d-0000-4000-8000-000000000001', 1, ?, "
             "'vp', 'CLAS-VPONE', ?, 'CLAS', '2025-Q4', '2026.1', 0, '{}', "
             "'2026-01-08 09:00:00', NULL, 0, 'vertrouwd-vp-CLAS-2025-Q4-r1.json')",
             ("12" * 32, "ef" * 32)),
            ("INSERT INTO submission_source VALUES (1, 1, "
             "'7a2b3c4d-0000-4000-8000-000000000001', 1, 'CLAS-VPONE', 'CLAS', '2025-Q4', ?)",
             ("12" * 32,)),
        ]
    if version >= 5:
        rows.append(("UPDATE case_ SET reduced = 1, memo = NULL WHERE id = 1", ()))
    if version >= 8:
        rows.append(("INSERT INTO roster_nickname VALUES ('CLAS-VPONE', 'Eerste VP')", ()))
    if version >= 9:
        rows.append((
            "INSERT INTO publication (id, published_at, year, quarter, level, component, "
            "report_day, format, lang, k, hidden, cells, publication, certificate, "
            "app_version, file_name, file_sha256, file_data) "
            "VALUES (1, '2026-01-10 09:00:00', 2025, '2025-Q4', "
            "'component', 'CLAS', '2026-01-10', 'csv', 'nl', 5, 1, 2, "
            "'{\"k\": 5}', NULL, '0.1.0', 'rapport-2025-Q4.csv', ?, ?)",
            ("34" * 32, b"x\x9c\x03\x00\x00\x00\x00\x01")))
    if version >= 10:
        rows += [
            ("INSERT INTO publication_plan VALUES (1, '2026-02-01 09:00:00', 2026, '2026-Q1', "
             "5, ?, '{\"k\": 5}', NULL)", ("56" * 32,)),
            ("UPDATE publication SET plan_id = 1 WHERE id = 1", ()),
        ]
    if version >= 11:
        rows.append((
            "INSERT INTO foreign_publication VALUES (1, '2026-02-03 10:00:00', 1, "
            "'CZSK-OLDCV', 'CZSK', 'plan-1', '2026-02-02 09:00:00', 2026, '2026-Q1', ?, 5, 1, "
            "2, '{\"k\": 5}', '00000000-0000-4000-8000-000000000011')", ("78" * 32,)))
    return rows


def make_register(folder: Path, version: int) -> None:
    """A register folder whose database has schema ``version`` and that version's data."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    data_key = os.urandom(32)
    KeyFile.create(PASSPHRASE, data_key, TEST_PROFILE).save(folder / KEY_NAME)
    conn = database.connect(folder / DB_NAME, data_key)
    try:
        assert migrations.migrate(conn, target=version) == list(range(1, version + 1))
        conn.execute("BEGIN IMMEDIATE")
        for sql, params in rows_at(version):
            conn.execute(sql, tuple(params))
        conn.execute("COMMIT")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the database file
    finally:
        conn.close()
    leftovers = sorted(p.name for p in folder.iterdir() if p.name not in (DB_NAME, KEY_NAME))
    assert leftovers == [], leftovers  # the WAL was folded in and removed on close


def main(argv: list[str] | None = None) -> int:
    """All versions, or only those given (``6 7 8``): a file once made stays as it is."""
    wanted = [int(v) for v in (sys.argv[1:] if argv is None else argv)] or \
        list(range(FIRST_MADE_HERE, migrations.LATEST_VERSION + 1))
    for version in wanted:
        folder = DATA / f"register-v{version}"
        make_register(folder, version)
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(f"{folder.relative_to(ROOT)}: schema version {version}, {size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
