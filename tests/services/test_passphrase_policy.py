"""The passphrase rules: a repeated half is as weak as the half (issue 14)."""

from __future__ import annotations

import pytest

from app.services.storage import passphrase_policy
from app.services.storage.passphrase_policy import REPEATED, assess, repeated_part


@pytest.mark.parametrize("passphrase", [
    "Welkom01Welkom01",          # the example from the issue: the half is 8 characters
    "welkom01 welkom01",         # spaces and case do not make it another passphrase
    "Zomer2026!Zomer2026!",
    "abcdabcdabcdabcd",          # four times a short part
    "defensie12defensie12",
])
def test_a_repeated_short_part_is_refused(passphrase: str) -> None:
    result = assess(passphrase)
    assert not result.ok
    assert result.reason == REPEATED
    assert result.strength == 0


def test_the_same_text_once_was_already_too_short() -> None:
    """The check is about the repetition: each half on its own is refused for its length."""
    assert assess("Welkom01").reason == passphrase_policy.assess("kort").reason


def test_a_repetition_of_a_strong_sentence_is_allowed_and_a_sentence_is_not_a_repetition(
) -> None:
    assert assess("de kat slaapt op de mat " * 2).ok  # each half is a passphrase already
    assert assess("een zin als wachtwoord is goed").ok
    assert repeated_part("welkom01welkom02") is None


def test_repeated_part_finds_the_shortest_unit() -> None:
    assert repeated_part("welkom01welkom01") == "welkom01"
    assert repeated_part("abababab") == "ab"
    assert repeated_part("abcabd") is None
    assert repeated_part("a") is None


def test_twelve_characters_is_the_boundary() -> None:
    """Mutation check (issue 21): a minimum of 11 would let the first through."""
    eleven, twelve = "vijf zeeuws", "vijf zeeuwen"
    assert (len(eleven), len(twelve)) == (11, 12)
    short = assess(eleven)
    assert not short.ok and short.reason == passphrase_policy.assess("kort").reason
    assert assess(twelve).ok
