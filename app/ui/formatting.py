"""Small helpers shared by the views: code labels, dates typed by hand."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from app.errors import FieldError
from app.i18n import N_, current_language
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


_DATE = re.compile(r"^\s*(\d{1,2})[-/. ](\d{1,2})(?:[-/. ](\d{2}|\d{4}))?\s*$")


def parse_date(text: str, field: str, today: dt.date) -> dt.date:
    """'5-11-2026', '05/11/26' or '5-11' (this year) as a date; FieldError otherwise."""
    m = _DATE.match(text)
    if not m:
        raise FieldError(field, N_("Enter a valid date."))
    day, month = int(m.group(1)), int(m.group(2))
    year = int(m.group(3)) if m.group(3) else today.year
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise FieldError(field, N_("Enter a valid date.")) from None


def parse_minutes(text: str, field: str) -> int:
    text = text.strip()
    if not text.isdigit():
        raise FieldError(field, N_("Enter the duration in whole minutes."))
    return int(text)
