"""Deterministic synthetic data at the scale of DOMAIN.md, cached under benchmarks/.data/.

- ``register_folder(contacts, seed)``: a VP register with ``contacts`` contact moments (1,000 /
  10,000 / 200,000), cases = contacts / 5, built with bulk inserts in one transaction. The key
  file uses the REAL key-derivation profile (benchmarks of unlock must pay the real cost).
- ``fill_quarters(register, contacts, ...)``: a few busy quarters of open cases in an open
  register (the VP export + PDF scenario, and its test at a small size).
- ``component_files(seed)``: one component of 450 VPs, 8 quarters of signed VP files (mostly
  nil returns, about 0.25 new cases per VP per quarter, a few busy VPs with 3–8 cases) with the
  VPs' enrolment cards.
- ``quarter_files(n, seed)``: ``n`` VP files for one quarter, sealed to a coordinator register
  that is built alongside, plus the enrolment cards needed to import them.

Everything is keyed by seed and size; a second run reuses the cache. Tests may call the same
functions with a ``root`` in tmp_path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.models import codelists
from app.models.keyfile import PRODUCTION_PROFILE, KdfParams

GENERATOR_VERSION = 1  # bump when the data shape changes, so old caches are not reused
DATA_DIR = Path(__file__).resolve().parent / ".data"
PASSPHRASE = "benchmark register met verzonnen gevallen"
CREATED = "2026-01-01 00:00:00.000000"
LAST_DAY = dt.date(2026, 11, 20)
TODAY = dt.date(2026, 11, 23)
QUARTER = "2026-Q3"
COMPONENT_QUARTERS = ("2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1",
                      "2026-Q2", "2026-Q3")
FILE_CREATED = dt.datetime(2026, 10, 2, 9, 30, tzinfo=dt.UTC)


# --- registers ------------------------------------------------------------------------------
def bulk_rows(contacts: int, cases: int, activities: int, seed: int,
              last_day: dt.date = LAST_DAY) -> dict[str, list[tuple[object, ...]]]:
    """Rows for case_, case_topic, contact_moment and activity over eight years."""
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
        cm_id += 1
        contact_rows.append((cm_id, cid, opened.isoformat(), rng.choice((30, 45, 60, 90)),
                             rng.choice(modes)))
        for d in days:
            last = opened + dt.timedelta(days=d)
            cm_id += 1
            contact_rows.append((cm_id, cid, last.isoformat(), rng.randint(10, 180),
                                 rng.choice(modes)))
        closed = rng.random() < 0.8 and last + dt.timedelta(days=5) <= last_day
        memo = f"memo {cid} " + rng.choice(("werkdruk", "conflict met collega", "",
                                            "pesten op de werkvloer"))
        case_rows.append((cid, opened.isoformat(), "closed" if closed else "open",
                          (last + dt.timedelta(days=5)).isoformat() if closed else None,
                          rng.choice(outcomes) if closed else None, memo, CREATED, CREATED))
        for t in rng.sample(topics, rng.choice((1, 1, 1, 2, 3))):
            topic_rows.append((cid, t))
    activity_rows = [
        (i, (first_day + dt.timedelta(days=rng.randrange(span))).isoformat(),
         rng.randint(15, 240), rng.choice(kinds))
        for i in range(1, activities + 1)
    ]
    return {"case_": case_rows, "case_topic": topic_rows, "contact_moment": contact_rows,
            "activity": activity_rows}


def fill_bulk(register: object, contacts: int = 200_000, cases: int = 40_000,
              activities: int = 5_000, seed: int = 7, last_day: dt.date = LAST_DAY) -> None:
    """Insert the bulk rows into an open register: executemany on a raw keyed connection, one
    transaction, then ANALYZE."""
    rows = bulk_rows(contacts, cases, activities, seed, last_day)
    conn = register.raw_connection()  # type: ignore[attr-defined]
    try:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO case_ (id, opened_on, status, closed_on, outcome, memo, "
                         "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)", rows["case_"])
        conn.executemany("INSERT INTO case_topic (case_id, topic) VALUES (?,?)",
                         rows["case_topic"])
        conn.executemany('INSERT INTO contact_moment (id, case_id, "on", minutes, mode) '
                         "VALUES (?,?,?,?,?)", rows["contact_moment"])
        conn.executemany('INSERT INTO activity (id, "on", minutes, kind) VALUES (?,?,?,?)',
                         rows["activity"])
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()


def fill_quarters(register: object, contacts: int, *, first_day: dt.date, last_day: dt.date,
                  memo: str = "", seed: int = 7, per_case: int = 20) -> None:
    """A busy short stretch, as the VP PDF shows it: open cases of ``per_case`` contact moments
    each, opened between ``first_day`` and 30 days before ``last_day``, one topic each, in one
    transaction. (``fill_bulk`` spreads its rows over eight years instead.)"""
    rng = random.Random(seed)
    span = (last_day - first_day).days
    conn = register.raw_connection()  # type: ignore[attr-defined]
    try:
        conn.execute("BEGIN")
        for case_id in range(1, contacts // per_case + 1):
            opened = first_day + dt.timedelta(days=rng.randint(0, span - 30))
            conn.execute("INSERT INTO case_ (id, opened_on, status, memo, created_at, updated_at) "
                         "VALUES (?, ?, 'open', ?, ?, ?)",
                         (case_id, opened.isoformat(), memo, CREATED, CREATED))
            conn.execute("INSERT INTO case_topic (case_id, topic) VALUES (?, ?)",
                         (case_id, rng.choice(["pesten", "intimidatie", "arbeidsconflict"])))
            conn.executemany(
                'INSERT INTO contact_moment (case_id, "on", minutes, mode) VALUES (?, ?, ?, ?)',
                [(case_id, (opened + dt.timedelta(days=i)).isoformat(), rng.choice([30, 45, 60]),
                  rng.choice(["persoonlijk", "telefoon"])) for i in range(per_case)])
        conn.execute("COMMIT")
    finally:
        conn.close()


def _publish(build, target: Path) -> Path:  # type: ignore[no-untyped-def]
    """Build into a temporary sibling, then rename: a killed run never leaves half a cache."""
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    try:
        build(tmp)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def register_folder(contacts: int, seed: int = 7, *, root: Path | None = None,
                    params: KdfParams = PRODUCTION_PROFILE) -> Path:
    """The folder of a cached register with ``contacts`` contact moments (passphrase
    ``PASSPHRASE``). Copy it before writing to it."""
    from app.services.storage import vault

    tag = "real" if params == PRODUCTION_PROFILE else "test"
    target = (root or DATA_DIR) / f"register-v{GENERATOR_VERSION}-{contacts}-s{seed}-{tag}"

    def build(tmp: Path) -> None:
        reg, _code = vault.create_register(tmp / "register", PASSPHRASE, roles=("vp",),
                                           component="CLAS", params=params)
        try:
            fill_bulk(reg, contacts=contacts, cases=max(1, contacts // 5),
                      activities=max(10, contacts // 40), seed=seed)
        finally:
            reg.close()

    return _publish(build, target) / "register"


# --- VP quarter files -----------------------------------------------------------------------
@dataclass(frozen=True)
class Vp:
    code: str
    component: str
    signing_private_key: bytes
    signing_public_key: bytes
    sealing_public_key: bytes

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.signing_public_key).hexdigest()


def make_vp(code: str, seed: int, component: str = "CLAS") -> Vp:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from app.services.storage.vault import _raw_private, _raw_public

    material = hashlib.sha256(f"vertrouwd-bench-{seed}-{code}".encode()).digest()
    signing = Ed25519PrivateKey.from_private_bytes(material)
    sealing = X25519PrivateKey.from_private_bytes(hashlib.sha256(material).digest())
    return Vp(code, component, _raw_private(signing), _raw_public(signing), _raw_public(sealing))


def vp_measures(rng: random.Random, new_cases: int) -> object:
    """Measures of one VP quarter: a nil return when nothing happened, else consistent counts."""
    from app.export.measures import Measures

    if new_cases == 0 and rng.random() < 0.85:
        return Measures()
    lists = codelists.load()
    topics = [t.code for t in lists.topics if t.code != codelists.DISCRIMINATION]
    modes = [m.code for m in lists.contact_modes]
    outcomes = [o.code for o in lists.outcomes]
    follow = rng.randint(0, 3 * new_cases + 2)
    closed = rng.randint(0, new_cases + 1)
    topic_counts: dict[str, int] = {}
    for _ in range(new_cases):
        code = rng.choice(topics)
        topic_counts[code] = topic_counts.get(code, 0) + 1
    contacts = new_cases + follow
    mode_counts: dict[str, int] = {}
    for _ in range(contacts):
        code = rng.choice(modes)
        mode_counts[code] = mode_counts.get(code, 0) + 1
    outcome_counts: dict[str, int] = {}
    for _ in range(closed):
        code = rng.choice(outcomes)
        outcome_counts[code] = outcome_counts.get(code, 0) + 1
    return Measures(
        cases_new=new_cases, cases_closed=closed,
        cases_open_end=max(rng.randint(0, 4), new_cases - closed),
        contacts_first=new_cases, contacts_followup=follow,
        minutes_contacts=contacts * rng.choice((30, 45, 60, 75)),
        minutes_activities={"voorlichting": rng.choice((0, 60, 120)),
                            "reistijd": rng.choice((0, 30, 90))},
        topics=topic_counts, discrimination_grounds={}, modes=mode_counts,
        outcomes=outcome_counts, referrals={"bmw": rng.randint(0, 1)} if closed else {},
    )


def new_cases_for(rng: random.Random, busy: bool) -> int:
    """About 0.25 new cases per VP per quarter: busy VPs 3–8, the rest mostly none."""
    if busy:
        return rng.randint(3, 8)
    return 1 if rng.random() < 0.13 else 0


def vp_file(vp: Vp, measures: object, quarter: str, seal_to: bytes | None = None,
            submission_seed: str = "") -> bytes:
    import uuid

    from app.export import interchange

    sid = uuid.UUID(bytes=hashlib.sha256(f"{vp.code}-{quarter}-{submission_seed}".encode()
                                         ).digest()[:16], version=4)
    payload = interchange.build_payload(
        measures=measures, submission_id=sid, revision=1, supersedes=None,  # type: ignore[arg-type]
        created_at=FILE_CREATED, app_version="0.1.0", level="vp",
        sender=interchange.Sender(vp.code, vp.component, vp.fingerprint), quarter=quarter,
    )
    return interchange.write_file(payload, vp.signing_private_key, seal_to, today=TODAY)


def vp_card(vp: Vp) -> bytes:
    from app.export.cards import write_card

    return write_card(code=vp.code, component=vp.component, role="vp",
                      signing_private_key=vp.signing_private_key,
                      sealing_public_key=vp.sealing_public_key, created_at=FILE_CREATED)


@dataclass(frozen=True)
class FileSet:
    folder: Path  # files/<quarter>/<code>.json
    cards: Path  # cards/<code>.card.json
    coordinator: Path | None  # a coordination register the files are sealed to
    roster: dict[str, bytes]  # code -> signing public key

    def files(self, quarter: str | None = None) -> list[Path]:
        base = self.folder / quarter if quarter else self.folder
        return sorted(base.rglob("*.json"))


def _roster(folder: Path) -> dict[str, bytes]:
    raw = json.loads((folder / "roster.json").read_text())
    return {code: bytes.fromhex(key) for code, key in raw.items()}


def _write_set(tmp: Path, vps: list[Vp], quarters: tuple[str, ...], rng: random.Random,
               busy: set[str], seal_to: bytes | None) -> None:
    (tmp / "cards").mkdir(parents=True)
    for vp in vps:
        (tmp / "cards" / f"{vp.code}.card.json").write_bytes(vp_card(vp))
    for quarter in quarters:
        out = tmp / "files" / quarter
        out.mkdir(parents=True)
        for vp in vps:
            measures = vp_measures(rng, new_cases_for(rng, vp.code in busy))
            (out / f"{vp.code}.json").write_bytes(vp_file(vp, measures, quarter, seal_to))
    (tmp / "roster.json").write_text(json.dumps(
        {vp.code: vp.signing_public_key.hex() for vp in vps}, sort_keys=True))


def component_files(seed: int = 7, vps: int = 450, quarters: tuple[str, ...] = COMPONENT_QUARTERS,
                    *, root: Path | None = None) -> FileSet:
    """One component (CZSK-sized network, here coded CLAS) over eight quarters, unsealed."""
    target = (root or DATA_DIR) / f"component-v{GENERATOR_VERSION}-{vps}x{len(quarters)}-s{seed}"

    def build(tmp: Path) -> None:
        rng = random.Random(seed)
        people = [make_vp(f"CLAS-C{i:04d}", seed) for i in range(vps)]
        busy = {vp.code for vp in rng.sample(people, max(1, vps // 50))}
        _write_set(tmp, people, quarters, rng, busy, None)

    _publish(build, target)
    return FileSet(target / "files", target / "cards", None, _roster(target))


def quarter_files(n: int = 1000, seed: int = 7, quarter: str = QUARTER, *,
                  root: Path | None = None, params: KdfParams = PRODUCTION_PROFILE) -> FileSet:
    """``n`` VP files of one quarter, sealed to a coordinator register built alongside (no
    roster yet: the cards are in ``cards/``; importing them is the caller's set-up)."""
    tag = "real" if params == PRODUCTION_PROFILE else "test"
    target = (root or DATA_DIR) / f"quarter-v{GENERATOR_VERSION}-{n}-{quarter}-s{seed}-{tag}"

    def build(tmp: Path) -> None:
        from app.services.storage import vault

        reg, _code = vault.create_register(tmp / "coordinator", PASSPHRASE,
                                           roles=("coordinator",), component="CLAS",
                                           params=params)
        try:
            profile = reg.profile()
            assert profile is not None
            seal_to = profile.sealing_public_key
        finally:
            reg.close()
        rng = random.Random(seed)
        people = [make_vp(f"CLAS-Q{i:04d}", seed) for i in range(n)]
        busy = {vp.code for vp in rng.sample(people, max(1, n // 50))}
        _write_set(tmp, people, (quarter,), rng, busy, seal_to)

    _publish(build, target)
    return FileSet(target / "files", target / "cards", target / "coordinator", _roster(target))


if __name__ == "__main__":  # python -m benchmarks.generate: warm the cache
    import time

    for size in (1_000, 10_000, 200_000):
        t = time.perf_counter()
        print(register_folder(size), f"{time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    print(component_files().folder, f"{time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    print(quarter_files().folder, f"{time.perf_counter() - t:.1f} s")
