"""Builders of valid and deliberately broken quarterly files."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

from app.export import crypto, interchange
from app.export.measures import Measures
from app.export.signed import sign_envelope

QUARTER = "2025-Q3"
CREATED = dt.datetime(2025, 10, 2, 9, 30, tzinfo=dt.UTC)


def sample_measures() -> Measures:
    return Measures(
        cases_new=3,
        cases_closed=2,
        cases_open_end=4,
        contacts_first=3,
        contacts_followup=5,
        minutes_contacts=345,
        minutes_activities={"voorlichting": 120, "reistijd": 45},
        topics={"pesten": 2, "discriminatie": 1, "arbeidsconflict": 1},
        discrimination_grounds={"leeftijd": 1},
        modes={"persoonlijk": 5, "telefoon": 3},
        outcomes={"handvatten": 1, "doorverwezen": 1},
        referrals={"bmw": 1},
    )


def vp_payload(
    key: crypto.KeyPair,
    measures: Measures | None = None,
    code: str = "VP-0001",
    component: str = "CZSK",
    quarter: str = QUARTER,
) -> dict[str, Any]:
    return interchange.build_payload(
        measures=sample_measures() if measures is None else measures,
        submission_id=uuid.uuid4(),
        revision=1,
        supersedes=None,
        created_at=CREATED,
        app_version="0.1.0",
        level="vp",
        sender=interchange.Sender(code, component, crypto.fingerprint_hex(key.public_key)),
        quarter=quarter,
    )


def resign(payload: dict[str, Any], key: crypto.KeyPair) -> bytes:
    """A correctly signed file around any payload, bypassing the writer's checks."""
    return sign_envelope(interchange.FILE_FORMAT, payload, key.private_key)


def edited(payload: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(payload))
    change(copy)
    return copy
