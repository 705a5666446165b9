"""Unsaved form input kept inside the encrypted register while it is locked: stored on lock,
read back and deleted on unlock. At most one draft exists.

The memo is stored as a value of its own, handed to the database as the very str the form
gave, which the lock then wipes (app.ui.register.lock): serialised into JSON it would leave
copies in freed memory that nothing overwrites, and a locked program holds no memo text."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select

from app.models.entities import KeyValue
from app.services.storage.vault import Register

DRAFT_KEY = "draft"
DRAFT_MEMO_KEY = "draft memo"


def store_draft(register: Register, draft: dict[str, Any] | None) -> None:
    """Keep a half-filled form inside the encrypted register (replacing any earlier one)."""
    fields = {k: v for k, v in draft.items() if k != "memo"} if draft else None
    memo = draft.get("memo") if draft else None
    with register.session() as s:
        s.execute(delete(KeyValue).where(KeyValue.key.in_((DRAFT_KEY, DRAFT_MEMO_KEY))))
        if fields is not None:
            s.add(KeyValue(key=DRAFT_KEY, value=json.dumps(fields, ensure_ascii=False)))
        if memo:
            s.add(KeyValue(key=DRAFT_MEMO_KEY, value=memo))


def take_stored_draft(register: Register) -> dict[str, Any] | None:
    """Read and delete the stored draft; None when there is none (or it cannot be read)."""
    with register.session() as s:
        rows = {r.key: r for r in s.scalars(
            select(KeyValue).where(KeyValue.key.in_((DRAFT_KEY, DRAFT_MEMO_KEY))))}
        if DRAFT_KEY not in rows:
            return None
        value = rows[DRAFT_KEY].value
        memo = rows[DRAFT_MEMO_KEY].value if DRAFT_MEMO_KEY in rows else ""
        for row in rows.values():
            s.delete(row)
    try:
        draft = json.loads(value)
    except ValueError:
        return None
    if not isinstance(draft, dict):
        return None
    draft.setdefault("memo", memo)
    return draft
