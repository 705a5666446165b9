"""Small helpers shared by the views: code labels, short dates. (What people type is read by
`app.services.confidant.typed_input`.)"""

from __future__ import annotations

import datetime as dt
from functools import cache

from app.i18n import current_language
from app.models import codelists


def label(items: tuple[codelists.Code, ...], code: str | None) -> str:
    if not code:
        return ""
    return codelists.load().label(items, code, current_language())


def topic_labels(codes: tuple[str, ...] | list[str]) -> str:
    """The topics' labels: from the current list, else from the older list that has the code
    (a case recorded before its register moved to the current list)."""
    lang = current_language()
    labels = []
    for code in codes:
        lists = next((li for li in _topic_lists() if code in li.codes(li.topics)),
                     codelists.load())
        labels.append(lists.label(lists.topics, code, lang))
    return ", ".join(labels)


@cache
def _topic_lists() -> tuple[codelists.CodeLists, ...]:
    """Every shipped list, the current one first, then the newest older one."""
    versions = [codelists.CURRENT_VERSION, *reversed(codelists.known_versions())]
    return tuple(codelists.load(v) for v in dict.fromkeys(versions))


def short_date(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""
