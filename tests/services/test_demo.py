from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.services.demo import build_demo_register
from app.services.storage import vault
from tests.conftest import PASSPHRASE, TODAY

DATE_COLUMNS = [("case_", "opened_on"), ("case_", "closed_on"), ("contact_moment", "on"),
                ("referral", "referred_on"), ("activity", "on")]


def _build(folder: Path, seed: int) -> vault.Register:
    build_demo_register(folder, PASSPHRASE, seed=seed, today=TODAY)
    return vault.unlock(folder, PASSPHRASE)


def test_demo_register_has_realistic_scale_and_no_future(tmp_path: Path) -> None:
    register = _build(tmp_path / "a", 1)
    try:
        assert vault.verify(register) == []
        conn = register.raw_connection()
        cases = conn.execute("SELECT count(*) FROM case_").fetchone()[0]
        quarters = {(d[:4], (int(d[5:7]) - 1) // 3)
                    for (d,) in conn.execute("SELECT opened_on FROM case_")}
        assert cases >= 100 and len(quarters) >= 8
        for table, column in DATE_COLUMNS:
            latest = conn.execute(f'SELECT max("{column}") FROM {table}').fetchone()[0]
            assert latest is not None and dt.date.fromisoformat(latest) <= TODAY, table
        # Every case has a first contact on its opening day; closed cases have outcomes.
        assert conn.execute("SELECT count(*) FROM case_ c WHERE NOT EXISTS (SELECT 1 FROM "
                            "contact_moment m WHERE m.case_id = c.id AND m.[on] = c.opened_on)"
                            ).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM case_ WHERE status='closed' AND "
                            "(outcome IS NULL OR closed_on < opened_on)").fetchone()[0] == 0
        minutes = [m for (m,) in conn.execute("SELECT minutes FROM contact_moment")]
        assert min(minutes) >= 15 and max(minutes) <= 120
        counts = dict(conn.execute("SELECT topic, count(*) FROM case_topic GROUP BY topic"))
        assert counts.get("stalking", 0) < counts["pesten"] and counts["arbeidsconflict"] > 5
        assert conn.execute("SELECT count(DISTINCT substr(\"on\", 1, 7)) FROM activity"
                            ).fetchone()[0] >= 36
        conn.close()
    finally:
        register.close()


def test_demo_register_is_deterministic_per_seed(tmp_path: Path) -> None:
    digests = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        register = _build(tmp_path / name, seed)
        digests.append(vault.content_digest(register))
        register.close()
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]
