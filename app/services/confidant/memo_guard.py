"""Warn when a case memo looks like it holds something that identifies a person.

Heuristics only (no Qt): a name (two capitalised words in a row, or a Dutch name particle such
as "van der"), a personnel number (6-9 digits), a Dutch phone number (06…, +31…) or an e-mail
address. The memo itself never leaves the register; the warning is advice, never a block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.i18n import N_

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\w+])((\+31|0031)[\s-]?(\(0\))?(\d[\s-]?){9}|06[\s-]?(\d[\s-]?){8})(?!\d)"
)
_NUMBER = re.compile(r"(?<!\d)\d{6,9}(?!\d)")
_PARTICLE = re.compile(
    r"\b(van der|van den|van de|van 't|van|de|den|der|ter|ten|te|in 't|op de)\s+[A-Z]",
    re.IGNORECASE,
)
_PARTICLE_STRICT = re.compile(
    r"\b(van der|van den|van de|van 't|in 't|op de|ter|ten)\s+\w", re.IGNORECASE
)
_CAPITALISED_PAIR = re.compile(r"\b[A-ZÀ-Ý][a-zà-ÿ'-]+\s+[A-ZÀ-Ý][a-zà-ÿ'-]+")


@dataclass(frozen=True)
class MemoWarning:
    kind: str  # "name", "number", "phone", "email"
    message: str  # English msgid; translate where shown


MESSAGES = {
    "email": N_("This looks like an e-mail address."),
    "phone": N_("This looks like a phone number."),
    "number": N_("This looks like a personnel number."),
    "name": N_("This looks like a name."),
}


def _has_name(text: str) -> bool:
    # Two capitalised words in a row, not merely the first word of a sentence.
    if _CAPITALISED_PAIR.search(text):
        return True
    if _PARTICLE_STRICT.search(text):
        return True
    return any(m.group(0)[-1].isupper() for m in _PARTICLE.finditer(text))


def check_memo(text: str) -> list[MemoWarning]:
    """The kinds of identifying data the memo seems to contain, most specific first."""
    found: list[MemoWarning] = []
    rest = text
    if _EMAIL.search(rest):
        found.append(MemoWarning("email", MESSAGES["email"]))
        rest = _EMAIL.sub(" ", rest)
    if _PHONE.search(rest):
        found.append(MemoWarning("phone", MESSAGES["phone"]))
        rest = _PHONE.sub(" ", rest)
    if _NUMBER.search(rest):
        found.append(MemoWarning("number", MESSAGES["number"]))
    if _has_name(rest):
        found.append(MemoWarning("name", MESSAGES["name"]))
    return found
