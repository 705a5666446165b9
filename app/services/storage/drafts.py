"""Unsaved form input kept inside the encrypted register while it is locked: stored on lock,
read back and deleted on unlock. At most one draft exists."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select

from app.models.entities import KeyValue
from app.services.storage.vault import Register

DRAFT_KEY = "draft"


def store_draft(register: Register, draft: dict[str, Any] | None) -> None:
    """Keep a half-filled form inside the encrypted register (replacing any earlier one)."""
    with register.session() as s:
        s.execute(delete(KeyValue).where(KeyValue.key == DRAFT_KEY))
        if draft:
            s.add(KeyValue(key=DRAFT_KEY, value=json.dumps(draft, ensure_ascii=False)))


def take_stored_draft(register: Register) -> dict[str, Any] | None:
    """Read and delete the stored draft; None when there is none (or it cannot be read)."""
    with register.session() as s:
        row = s.scalars(select(KeyValue).where(KeyValue.key == DRAFT_KEY)).first()
        if row is None:
            return None
        value = row.value
        s.delete(row)
    try:
        draft = json.loads(value)
    except ValueError:
        return None
    return draft if isinstance(draft, dict) else None
