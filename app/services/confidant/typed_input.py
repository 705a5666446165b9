"""What a person types, read the one way: the window's fields and the CSV import's cells alike.

Digits are the ASCII digits 0-9 only (`3²`, `٣٠`, fullwidth `６０` are refused, never read as
numbers), the whole text must match (no trailing words), and every refusal is one sentence in
the user's language (`FieldError(field, sentence)`). The ranges (a date from 2000 up to today,
1 to 1440 minutes) are the case rules' (`case_rules.CaseRules`); this module only reads.
"""

from __future__ import annotations

import datetime as dt
import re

from app.errors import FieldError
from app.i18n import N_

ONLY_DIGITS = N_("Use the digits 0 to 9 only.")
BAD_DURATION = N_("Enter the duration in minutes (75) or hours and minutes "
                  "(1:15 or 1 h 15).")
BAD_DATE = N_("Enter a valid date.")
BAD_NUMBER = N_("Enter a whole number.")

_MINUTES = re.compile(r"[0-9]{1,4}")
_HOURS_COLON = re.compile(r"([0-9]{1,2}):([0-5][0-9])")
_HOURS_WORD = re.compile(r"([0-9]{1,2}) ?(?:u|uur|h|hr|hour|hours) ?(?:([0-9]{1,2}))?")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DATE = re.compile(r"([0-9]{1,2})([-/. ])([0-9]{1,2})(?:\2([0-9]{4}|[0-9]{2}))?")
_NUMBER = re.compile(r"[0-9]{1,9}")


def _digits_checked(field: str, text: str) -> str:
    """The text trimmed; a digit other than 0-9 (any Unicode digit or number sign) refused."""
    text = text.strip()
    if any(ch.isdigit() or ch.isnumeric() for ch in text if not "0" <= ch <= "9"):
        raise FieldError(field, ONLY_DIGITS)
    return text


def minutes(text: str, field: str = "minutes") -> int:
    """A duration: '75' (minutes), '1:15', '1 u 15', '1u', '2 uur' (hours and minutes)."""
    text = " ".join(_digits_checked(field, text).casefold().split())
    if _MINUTES.fullmatch(text):
        return int(text)
    found = _HOURS_COLON.fullmatch(text) or _HOURS_WORD.fullmatch(text)
    if found is None:
        raise FieldError(field, BAD_DURATION)
    hours, rest = int(found.group(1)), int(found.group(2) or 0)
    if rest >= 60:
        raise FieldError(field, BAD_DURATION)
    return hours * 60 + rest


def date(text: str, field: str, today: dt.date, *, year_required: bool = False) -> dt.date:
    """'2026-11-05', '5-11-2026', '5/11/2026', '5.11.2026', '5 11 2026'; unless
    ``year_required``, also '5-11-26' (this century) and '5-11' (the year of ``today``)."""
    text = _digits_checked(field, text)
    iso = _ISO_DATE.fullmatch(text)
    if iso is not None:
        year, month, day = (int(g) for g in iso.groups())
    else:
        found = _DATE.fullmatch(text)
        written = found.group(4) if found else None
        if found is None or (year_required and (written is None or len(written) != 4)):
            raise FieldError(field, BAD_DATE)
        day, month = int(found.group(1)), int(found.group(3))
        year = today.year if written is None else int(written)
        if written is not None and len(written) == 2:
            year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise FieldError(field, BAD_DATE) from None


def whole_number(text: str, field: str) -> int:
    """A whole number from 0 written with the digits 0-9: not '+3', '1_0', '3e1' or '1.5'."""
    text = _digits_checked(field, text)
    if not _NUMBER.fullmatch(text):
        raise FieldError(field, BAD_NUMBER)
    return int(text)
