"""Builders for coordination tests: enrolled senders, VP files, ACVP merged files."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from pathlib import Path

from app.export import crypto, interchange
from app.export.cards import write_card
from app.export.measures import Measures
from app.services.coordination import roster
from app.services.storage.vault import Register

TODAY = dt.date(2026, 11, 23)
QUARTER = "2026-Q3"
CREATED = dt.datetime(2026, 10, 2, 9, 30, tzinfo=dt.UTC)


@dataclass
class Sender:
    code: str
    component: str
    key: crypto.KeyPair
    role: str = "vp"

    def card(self) -> bytes:
        return write_card(code=self.code, component=self.component, role=self.role,  # type: ignore[arg-type]
                          signing_private_key=self.key.private_key,
                          sealing_public_key=crypto.new_sealing_key().public_key,
                          created_at=CREATED)

    @property
    def fingerprint(self) -> str:
        return crypto.fingerprint_hex(self.key.public_key)


def new_sender(code: str, component: str = "CLAS", role: str = "vp") -> Sender:
    return Sender(code, component, crypto.new_signing_key(), role)


def enrol(register: Register, *senders: Sender, active_from: dt.date = dt.date(2026, 1, 1)) -> None:
    for s in senders:
        roster.add_card(register, s.card(), today=TODAY, active_from=active_from)


def random_measures(rng: random.Random) -> Measures:
    if rng.random() < 0.7:
        return Measures()  # most VP quarter files are nil returns
    new = rng.randint(1, 6)
    # No more closed than new: the stock-flow bound (app.export.measures.stock_flow) then
    # holds whatever the sender's quarter before held, a nil return included.
    closed = min(rng.randint(0, 4), new)
    first, follow = new, rng.randint(0, 8)
    # The bounds every honest register keeps (app.export.measures.inconsistencies).
    open_end = max(rng.randint(0, 9), new - closed)
    minutes = max(rng.randint(0, 900), first + follow)
    phone = rng.randint(0, first + follow)
    return Measures(
        cases_new=new, cases_closed=closed, cases_open_end=open_end,
        contacts_first=first, contacts_followup=follow,
        minutes_contacts=minutes,
        minutes_activities={"voorlichting": rng.randint(0, 300), "reistijd": rng.randint(0, 90)},
        topics={"pesten": rng.randint(0, new), "discriminatie": rng.randint(0, new)},
        discrimination_grounds={},
        modes={"telefoon": phone, "persoonlijk": first + follow - phone},
        outcomes={"doorverwezen": rng.randint(0, closed)},
        referrals={"bmw": rng.randint(0, 3)},
    )


def _small_count(rng: random.Random) -> int:
    roll = rng.random()
    return 0 if roll < 0.4 else rng.randint(1, 4) if roll < 0.8 else rng.randint(5, 15)


def report_measures(rng: random.Random) -> Measures:
    """Denser than random_measures: the published reports' tests (and the Defence year report
    benchmark) need cells on both sides of the suppression threshold."""
    new, closed = _small_count(rng), _small_count(rng)
    closed = min(closed, new)  # the stock-flow bound, as in random_measures (same draws)
    follow = _small_count(rng)
    first_mode = rng.randint(0, new + follow)
    # The bounds every honest register keeps (app.export.measures.inconsistencies).
    open_end = max(_small_count(rng), new - closed)
    minutes = min(max(rng.randint(0, 600), new + follow), 1440 * (new + follow))
    return Measures(
        cases_new=new, cases_closed=closed, cases_open_end=open_end,
        contacts_first=new, contacts_followup=follow, minutes_contacts=minutes,
        minutes_activities={"voorlichting": rng.randint(0, 300)},
        topics={t: min(new, _small_count(rng)) for t in rng.sample(
            ["pesten", "stalking", "intimidatie", "discriminatie", "arbeidsconflict",
             "overschrijding_regels", "priveomstandigheden"], 3)},
        modes={"telefoon": first_mode, "persoonlijk": new + follow - first_mode},
        outcomes={"doorverwezen": min(closed, _small_count(rng))},
        referrals={"bmw": _small_count(rng), "leidinggevende": _small_count(rng)},
    )


def _supersedes(revision: int, supersedes: str | None) -> str | None:
    """Revision 1 replaces nothing; a later one names the revision before it (a fresh id when
    the test does not care: a previous revision that never arrived)."""
    if revision == 1:
        return None
    return supersedes or str(uuid.uuid4())


def vp_payload(sender: Sender, measures: Measures, quarter: str = QUARTER, revision: int = 1,
               submission_id: str | None = None,
               supersedes: str | None = None) -> dict:  # type: ignore[type-arg]
    sid = submission_id or str(uuid.uuid4())
    return interchange.build_payload(
        measures=measures, submission_id=sid, revision=revision,
        supersedes=_supersedes(revision, supersedes), created_at=CREATED, app_version="0.1.0",
        level="vp",
        sender=interchange.Sender(sender.code, sender.component, sender.fingerprint),
        quarter=quarter,
    )


def vp_file(sender: Sender, measures: Measures, quarter: str = QUARTER, revision: int = 1,
            submission_id: str | None = None, seal_to: bytes | None = None,
            supersedes: str | None = None) -> bytes:
    return interchange.write_file(
        vp_payload(sender, measures, quarter, revision, submission_id, supersedes),
        sender.key.private_key, seal_to, today=TODAY)


def merged_file(acvp: Sender, files: list[bytes], *, level: str = "component",
                revision: int = 1, submission_id: str | None = None,
                expected: tuple[str, ...] = (), supersedes: str | None = None) -> bytes:
    inputs = [interchange.read_file(f, today=TODAY) for f in files]
    sid = submission_id or str(uuid.uuid4())
    payload = interchange.build_merged_payload(
        inputs, level=level,  # type: ignore[arg-type]
        sender=interchange.Sender(acvp.code, acvp.component, acvp.fingerprint),
        expected=expected, submission_id=sid, revision=revision,
        supersedes=_supersedes(revision, supersedes), created_at=CREATED, app_version="0.1.0",
    )
    return interchange.write_file(payload, acvp.key.private_key, today=TODAY)


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path
