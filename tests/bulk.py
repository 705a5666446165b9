"""Build big or known registers fast: executemany on a raw keyed connection, one transaction."""

from __future__ import annotations

import datetime as dt
import random

from app.models import codelists
from app.services.vault import Register

CREATED = "2026-01-01 00:00:00.000000"


def fill_bulk(register: Register, contacts: int = 200_000, cases: int = 40_000,
              activities: int = 5_000, seed: int = 7, last_day: dt.date = dt.date(2026, 11, 20)) -> None:
    rng = random.Random(seed)
    lists = codelists.load()
    topics = [t.code for t in lists.topics]
    modes = [m.code for m in lists.contact_modes]
    outcomes = [o.code for o in lists.outcomes]
    kinds = [k.code for k in lists.activity_kinds]
    span = 8 * 365
    first_day = last_day - dt.timedelta(days=span)
    case_rows, topic_rows, contact_rows = [], [], []
    per_case = [1] * cases
    for _ in range(contacts - cases):
        per_case[rng.randrange(cases)] += 1
    cm_id = 0
    for cid in range(1, cases + 1):
        opened = first_day + dt.timedelta(days=rng.randrange(span - 60))
        days = sorted(rng.randrange(60) for _ in range(per_case[cid - 1] - 1))
        last = opened
        contact_rows.append((cm_id := cm_id + 1, cid, opened.isoformat(), rng.choice((30, 45, 60, 90)), rng.choice(modes)))
        for d in days:
            last = opened + dt.timedelta(days=d)
            contact_rows.append((cm_id := cm_id + 1, cid, last.isoformat(), rng.randint(10, 180), rng.choice(modes)))
        closed = rng.random() < 0.8 and last + dt.timedelta(days=5) <= last_day
        memo = f"memo {cid} " + rng.choice(("werkdruk", "conflict met collega", "", "pesten op de werkvloer"))
        case_rows.append((cid, opened.isoformat(), "closed" if closed else "open",
                          (last + dt.timedelta(days=5)).isoformat() if closed else None,
                          rng.choice(outcomes) if closed else None, memo, CREATED, CREATED))
        for t in rng.sample(topics, rng.choice((1, 1, 1, 2, 3))):
            topic_rows.append((cid, t))
    activity_rows = [
        (i, (first_day + dt.timedelta(days=rng.randrange(span))).isoformat(), rng.randint(15, 240),
         rng.choice(kinds))
        for i in range(1, activities + 1)
    ]
    conn = register.raw_connection()
    try:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO case_ (id, opened_on, status, closed_on, outcome, memo, "
                         "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)", case_rows)
        conn.executemany("INSERT INTO case_topic (case_id, topic) VALUES (?,?)", topic_rows)
        conn.executemany('INSERT INTO contact_moment (id, case_id, "on", minutes, mode) '
                         "VALUES (?,?,?,?,?)", contact_rows)
        conn.executemany('INSERT INTO activity (id, "on", minutes, kind) VALUES (?,?,?,?)',
                         activity_rows)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()
