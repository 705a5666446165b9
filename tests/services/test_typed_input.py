"""What people type, read the one way (window and CSV import): ASCII digits only, whole text."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import FieldError
from app.i18n import set_language
from app.services.confidant import typed_input

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(("text", "expected"), [
    ("75", 75), (" 75 ", 75), ("1:15", 75), ("1 u 15", 75), ("1u15", 75), ("1 U 15", 75),
    ("2 uur", 120), ("1u", 60), ("1 h 5", 65), ("0:45", 45), ("1440", 1440),
])
def test_durations_people_write_are_read_as_minutes(text: str, expected: int) -> None:
    assert typed_input.minutes(text) == expected


@pytest.mark.parametrize("text", ["3²", "٣٠", "６０", "1½", "²"])
def test_digits_outside_0_to_9_get_their_own_sentence(text: str) -> None:
    with pytest.raises(FieldError) as caught:
        typed_input.minutes(text)
    assert caught.value.field == "minutes"
    assert caught.value.msgid == typed_input.ONLY_DIGITS


@pytest.mark.parametrize("text", ["", "1_0", "+30", "3e1", "1.5", "60 min", "0x10", "1:75",
                                  "1 u 60", "12345", "75 minuten", "u 15", "1::15"])
def test_other_shapes_are_refused_whole(text: str) -> None:
    with pytest.raises(FieldError) as caught:
        typed_input.minutes(text)
    assert caught.value.msgid == typed_input.BAD_DURATION


@pytest.mark.parametrize(("text", "expected"), [
    ("5-11-2026", dt.date(2026, 11, 5)), ("05/11/26", dt.date(2026, 11, 5)),
    ("5-11", dt.date(2026, 11, 5)), ("2026-11-05", dt.date(2026, 11, 5)),
    ("5.11.2026", dt.date(2026, 11, 5)), ("5 11 2026", dt.date(2026, 11, 5)),
])
def test_dates_people_write(text: str, expected: dt.date) -> None:
    assert typed_input.date(text, "on", TODAY) == expected


@pytest.mark.parametrize("text", ["5-11", "5-11-26", "2026/11/05"])
def test_a_file_writes_the_year_in_full(text: str) -> None:
    with pytest.raises(FieldError):
        typed_input.date(text, "on", TODAY, year_required=True)


@pytest.mark.parametrize(("text", "msgid"), [
    ("3²-11-2026", typed_input.ONLY_DIGITS), ("٥-١١-٢٠٢٦", typed_input.ONLY_DIGITS),
    ("31-04-2026", typed_input.BAD_DATE), ("5-11/2026", typed_input.BAD_DATE),
    ("5-11-2026x", typed_input.BAD_DATE), ("3 februari", typed_input.BAD_DATE),
    ("", typed_input.BAD_DATE),
])
def test_dates_refused_with_one_sentence(text: str, msgid: str) -> None:
    with pytest.raises(FieldError) as caught:
        typed_input.date(text, "closed_on", TODAY)
    assert caught.value.field == "closed_on" and caught.value.msgid == msgid


@pytest.mark.parametrize(("text", "msgid"), [
    ("7", None), ("007", None), ("3²", typed_input.ONLY_DIGITS), ("-1", typed_input.BAD_NUMBER),
    ("1.0", typed_input.BAD_NUMBER), ("", typed_input.BAD_NUMBER),
])
def test_whole_numbers(text: str, msgid: str | None) -> None:
    if msgid is None:
        assert typed_input.whole_number(text, "k") == 7
        return
    with pytest.raises(FieldError) as caught:
        typed_input.whole_number(text, "k")
    assert caught.value.msgid == msgid


@pytest.mark.parametrize(("lang", "sentence"), [
    ("nl", "Gebruik alleen de cijfers 0 tot en met 9."),
    ("en", "Use the digits 0 to 9 only."),
])
def test_each_refusal_is_one_sentence_in_the_users_language(lang: str, sentence: str) -> None:
    set_language(lang)
    try:
        with pytest.raises(FieldError) as caught:
            typed_input.minutes("3²")
        assert caught.value.message == sentence
    finally:
        set_language("nl")
