"""Small helpers shared by the views: code labels, short dates. (What people type is read by
`app.services.confidant.typed_input`.)"""

from __future__ import annotations

import datetime as dt

from app.i18n import current_language
from app.models import codelists


def label(items: tuple[codelists.Code, ...], code: str | None) -> str:
    if not code:
        return ""
    return codelists.load().label(items, code, current_language())


def topic_labels(codes: tuple[str, ...] | list[str]) -> str:
    lists = codelists.load()
    return ", ".join(lists.label(lists.topics, c, current_language()) for c in codes)


def short_date(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""
