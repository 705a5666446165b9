"""A demo register full of invented but realistic data: a busy confidant over about three
years. Deterministic for a seed (same seed, same day → same content digest); nothing in it
refers to a real person. No Qt.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import random
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import insert, update

from app.models import register_lock
from app.models.codelists import DISCRIMINATION
from app.models.entities import (
    Activity,
    Case,
    CaseGround,
    CaseTopic,
    ContactMoment,
    Profile,
    Referral,
)
from app.services.storage import vault

QUARTERS = 13  # the current quarter and the twelve before it

# `--demo` builds its register in a folder of its own in the temp folder and removes it on quit
# (and on SIGTERM). What a kill the program could not answer left behind is swept at start.
DEMO_PREFIX = "vertrouwd-demo-"
STALE_AFTER_S = 600  # a folder younger than this may be a demo another program is building


def demo_folder() -> Path:
    """A new, owner-only folder for a demo register (the register goes in ``register``)."""
    return Path(tempfile.mkdtemp(prefix=DEMO_PREFIX))


def sweep_stale_demo_folders(temp_dir: Path | None = None) -> list[Path]:
    """Remove demo folders no running program uses: not locked by another process, and not
    touched for ``STALE_AFTER_S`` seconds. Returns what was removed."""
    removed = []
    for folder in Path(temp_dir or tempfile.gettempdir()).glob(DEMO_PREFIX + "*"):
        try:
            if not folder.is_dir() or folder.is_symlink() or \
                    time.time() - folder.stat().st_mtime < STALE_AFTER_S:
                continue
        except OSError:
            continue
        if register_lock.held_elsewhere(folder / "register"):
            continue  # a demo window that is open
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    return removed


def remove_demo_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        shutil.rmtree(folder)
MIN_CASES = 100

# Relative weights: bullying, intimidation and labour conflict are common; stalking is rare.
TOPIC_WEIGHTS = {
    "pesten": 16, "intimidatie": 14, "arbeidsconflict": 16, "werkdruk_inzet": 8,
    "priveomstandigheden": 7, "seksuele_intimidatie": 6, DISCRIMINATION: 5,
    "agressie_geweld": 4, "kwaadspreken": 5, "overschrijding_regels": 4, "misbruik_positie": 3,
    "thuisfront": 3, "overig": 2, "lekken_informatie": 1, "oneigenlijk_gebruik_middelen": 1,
    "financiele_schendingen": 1, "overig_zakelijk": 1, "misbruik_geweldsbevoegdheid": 1,
    "stalking": 0.4,
}
GROUNDS = ["ras_afkomst", "geslacht", "seksuele_gerichtheid", "godsdienst", "leeftijd",
           "handicap_ziekte", "genderidentiteit", "nationaliteit", "anders"]
MODE_WEIGHTS = {"persoonlijk": 45, "telefoon": 30, "video": 12, "email_chat": 10, "anders": 3}
MINUTES = [15, 20, 30, 30, 45, 45, 60, 60, 60, 75, 90, 120]
OUTCOME_WEIGHTS = {"handvatten": 45, "geen_actie": 15, "doorverwezen": 25,
                   "ondersteund_melding": 10, "ondersteund_klacht": 5}
REFERRAL_WEIGHTS = {"leidinggevende": 20, "bmw": 20, "adviseur_integriteit": 12, "mid": 8,
                    "bedrijfsarts": 10, "hr_po": 10, "geestelijke_verzorging": 8,
                    "mediation": 7, "klachtencommissie": 3, "anders": 2}
ACTIVITY_WEIGHTS = {"administratie": 30, "intervisie": 15, "netwerkoverleg": 15,
                    "voorlichting": 12, "reistijd": 15, "training": 8, "overig": 5}
MEMOS = [
    "Sfeer in het team besproken; volgt na overleg met leidinggevende.",
    "Wil eerst zelf het gesprek aangaan; handvatten gegeven.",
    "Twijfelt over melding; opties doorgenomen.",
    "Zorgen over komende uitzending en thuissituatie.",
    "Herhaald gedrag tijdens oefening; nog geen melding.",
    "Conflict over roostering; mediation als mogelijkheid genoemd.",
    "Opmerkingen in groepsapp; vastleggen voor zichzelf geadviseerd.",
]


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0))


def _demo_profile_values(seed: int, today: dt.date) -> dict[str, object]:
    """A recognisable demo identity; its keys come from the seed so the register is
    reproducible. Never use a demo register for real reports."""
    material = hashlib.sha256(f"vertrouwd-demo-{seed}".encode()).digest()
    signing = Ed25519PrivateKey.from_private_bytes(material)
    sealing = X25519PrivateKey.from_private_bytes(hashlib.sha256(material).digest())
    return {
        "code": f"CLAS-DEMO{seed % 10}",
        "signing_private_key": vault._raw_private(signing),
        "signing_public_key": vault._raw_public(signing),
        "sealing_private_key": vault._raw_private(sealing),
        "sealing_public_key": vault._raw_public(sealing),
        "created_at": _noon(_add_months(_quarter_start(today), -3 * (QUARTERS - 1))),
    }


def build_demo_register(folder: Path, passphrase: str, seed: int = 1,
                        today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    rng = random.Random(seed)
    register, _code = vault.create_register(Path(folder), passphrase, roles=("vp",),
                                            component="CLAS")
    try:
        _fill(register, rng, seed, today)
    finally:
        register.close()


def _case_counts(rng: random.Random) -> list[int]:
    counts = [rng.randint(6, 10) for _ in range(QUARTERS)]
    counts[-1] = max(1, counts[-1] // 2)  # the current quarter is not over yet
    while sum(counts) < MIN_CASES:
        counts[rng.randrange(QUARTERS - 1)] += 1
    return counts


def _activities(rng: random.Random, first_day: dt.date, today: dt.date
                ) -> list[dict[str, object]]:
    """Two to five activities a month from ``first_day`` up to today."""
    activities: list[dict[str, object]] = []
    month = first_day
    while month <= today:
        for _n in range(rng.randint(2, 5)):
            day = month + dt.timedelta(days=rng.randint(0, 27))
            if day <= today:
                activities.append({"id": len(activities) + 1, "on": day,
                                   "minutes": rng.choice([30, 45, 60, 90, 120, 180, 240]),
                                   "kind": _pick(rng, ACTIVITY_WEIGHTS)})
        month = _add_months(month, 1)
    return activities


def _fill(register: vault.Register, rng: random.Random, seed: int, today: dt.date) -> None:
    first_quarter = _add_months(_quarter_start(today), -3 * (QUARTERS - 1))
    cases: list[dict[str, object]] = []
    topics: list[dict[str, object]] = []
    grounds: list[dict[str, object]] = []
    contacts: list[dict[str, object]] = []
    referrals: list[dict[str, object]] = []
    for q, count in enumerate(_case_counts(rng)):
        start = _add_months(first_quarter, 3 * q)
        end = min(_add_months(start, 3) - dt.timedelta(days=1), today)
        span = (end - start).days
        for _n in range(count):
            case_id = len(cases) + 1
            opened = start + dt.timedelta(days=rng.randint(0, span))
            case_topics = {_pick(rng, TOPIC_WEIGHTS)}
            if rng.random() < 0.3:
                case_topics.add(_pick(rng, TOPIC_WEIGHTS))
            for code in sorted(case_topics):
                topics.append({"case_id": case_id, "topic": code})
            if DISCRIMINATION in case_topics and rng.random() < 0.8:
                grounds.append({"case_id": case_id, "ground": rng.choice(GROUNDS)})
            day = opened
            last = opened
            for k in range(rng.choices([1, 2, 3, 4, 5, 6], weights=[30, 28, 20, 12, 6, 4])[0]):
                if k:
                    day = day + dt.timedelta(days=rng.randint(3, 30))
                if day > today:
                    break
                last = day
                contacts.append({"id": len(contacts) + 1, "case_id": case_id, "on": day,
                                 "minutes": rng.choice(MINUTES), "mode": _pick(rng, MODE_WEIGHTS)})
            closed_on = last + dt.timedelta(days=rng.randint(0, 21))
            still_open = closed_on > today or ((today - last).days < 45 and rng.random() < 0.7)
            outcome = None if still_open else _pick(rng, OUTCOME_WEIGHTS)
            if outcome == "doorverwezen" or (outcome and rng.random() < 0.1):
                for target in {_pick(rng, REFERRAL_WEIGHTS) for _ in range(rng.randint(1, 2))}:
                    referred = opened + dt.timedelta(days=rng.randint(0, (last - opened).days))
                    referrals.append({"id": len(referrals) + 1, "case_id": case_id,
                                      "target": target, "referred_on": referred})
            cases.append({
                "id": case_id, "opened_on": opened,
                "status": "open" if still_open else "closed",
                "closed_on": None if still_open else closed_on,
                "outcome": outcome,
                "memo": rng.choice(MEMOS) if rng.random() < 0.25 else None,
                "created_at": _noon(opened), "updated_at": _noon(closed_on if outcome else last),
            })

    activities = _activities(rng, first_quarter, today)

    with register.session() as s:
        s.execute(update(Profile).values(**_demo_profile_values(seed, today)))
        s.execute(insert(Case), cases)
        s.execute(insert(CaseTopic), topics)
        if grounds:
            s.execute(insert(CaseGround), grounds)
        s.execute(insert(ContactMoment), contacts)
        if referrals:
            s.execute(insert(Referral), referrals)
        s.execute(insert(Activity), activities)
