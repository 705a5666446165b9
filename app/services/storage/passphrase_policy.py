"""Passphrase rules: at least 12 characters, no composition rules, no common or
Defence-themed phrases (an offline list bundled in resources/), no shorter part repeated
("Welkom01Welkom01" is as weak as "Welkom01"), plus a strength estimate."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import cache

from app.errors import PassphraseRejected
from app.i18n import N_
from app.paths import resources_dir

MIN_LENGTH = 12


@cache
def _blocklist() -> frozenset[str]:
    path = resources_dir() / "passphrase-blocklist.txt"
    words = path.read_text(encoding="utf-8").splitlines()
    return frozenset(_squash(w) for w in words if w.strip() and not w.startswith("#"))


def _squash(text: str) -> str:
    """Lower case, letters and digits only: 'Semper-Fortis 2024!' -> 'semperfortis2024'."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def _strip_digits(text: str) -> str:
    return text.rstrip("0123456789").lstrip("0123456789")


def repeated_part(squashed: str) -> str | None:
    """The shortest part that, repeated two or more times, makes ``squashed``; None when the
    text is not such a repetition ('welkom01welkom01' -> 'welkom01')."""
    n = len(squashed)
    for size in range(1, n // 2 + 1):
        if n % size == 0 and squashed[:size] * (n // size) == squashed:
            return squashed[:size]
    return None


REPEATED = N_("This passphrase repeats a shorter part; a part said twice is no stronger than "
              "the part once. Use a sentence.")
BLOCKED = N_("This passphrase is on the list of common or Defence-related passphrases.")


@dataclass(frozen=True)
class Assessment:
    ok: bool
    reason: str | None  # English message id, translate where shown
    strength: int  # 0 (very weak) .. 4 (strong)


def estimate_bits(passphrase: str) -> float:
    """A deliberately simple estimate: length times per-character entropy of the classes used,
    discounted for repeated characters."""
    if not passphrase:
        return 0.0
    pool = 0
    if any(c.islower() for c in passphrase):
        pool += 26
    if any(c.isupper() for c in passphrase):
        pool += 26
    if any(c.isdigit() for c in passphrase):
        pool += 10
    if any(not c.isalnum() for c in passphrase):
        pool += 20
    if any(ord(c) > 127 for c in passphrase):
        pool += 50
    distinct = len(set(passphrase))
    effective = min(len(passphrase), distinct * 2)
    return effective * math.log2(max(pool, 2)) * 0.6


def assess(passphrase: str) -> Assessment:
    squashed = _squash(passphrase)
    bits = estimate_bits(passphrase)
    strength = 0 if bits < 30 else 1 if bits < 45 else 2 if bits < 60 else 3 if bits < 80 else 4
    if len(passphrase) < MIN_LENGTH:
        return Assessment(False, N_("Use at least 12 characters. A short sentence works well."), 0)
    if len(set(squashed)) < 4:
        return Assessment(False, N_("This passphrase repeats too few characters."), 0)
    if _is_blocked(squashed):
        return Assessment(False, BLOCKED, 0)
    part = repeated_part(squashed)
    if part is not None and (len(part) < MIN_LENGTH or _is_blocked(part)):
        return Assessment(False, REPEATED, 0)
    return Assessment(True, None, max(strength, 1))


def _is_blocked(squashed: str) -> bool:
    blocked = _blocklist()
    if squashed in blocked or _strip_digits(squashed) in blocked:
        return True
    return any(len(word) >= 8 and squashed.startswith(word) and len(squashed) - len(word) <= 4
               for word in blocked)


def check(passphrase: str) -> None:
    result = assess(passphrase)
    if not result.ok:
        raise PassphraseRejected(result.reason)
