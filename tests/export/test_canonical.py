from __future__ import annotations

import pytest

from app.errors import (
    DuplicateKey,
    EmptyFile,
    FileTooLarge,
    FractionalNumber,
    InvalidImportFile,
    MalformedJson,
    NestingTooDeep,
    NonFiniteNumber,
    NotUtf8,
    NumberTooLarge,
)
from app.export.canonical import MAX_FILE_BYTES, canonical_bytes, parse_strict


def test_canonical_form_is_sorted_compact_utf8() -> None:
    expected = '{"a":["é",null,true],"b":1}'.encode()
    assert canonical_bytes({"b": 1, "a": ["é", None, True]}) == expected


def test_canonical_form_refuses_floats() -> None:
    with pytest.raises(TypeError):
        canonical_bytes({"a": [1.5]})


def test_parse_strict_accepts_canonical_output() -> None:
    value = {"a": {"b": [1, 2, -3]}, "é": "ü", "n": 9_007_199_254_740_991}
    assert parse_strict(canonical_bytes(value)) == value


REFUSALS = [
    (b"", EmptyFile),
    (b" " * (MAX_FILE_BYTES + 1), FileTooLarge),
    (b'{"a":"\xff"}', NotUtf8),
    (b'{"a":1,"a":2}', DuplicateKey),
    (b'{"a":NaN}', NonFiniteNumber),
    (b'{"a":Infinity}', NonFiniteNumber),
    (b'{"a":-Infinity}', NonFiniteNumber),
    (b'{"a":1.0}', FractionalNumber),
    (b'{"a":1e3}', FractionalNumber),
    (b'{"a":9007199254740992}', NumberTooLarge),
    (b'{"a":' + b"9" * 5000 + b"}", NumberTooLarge),
    (b'{"a":' + b"[" * 30 + b"]" * 30 + b"}", NestingTooDeep),
    (b"[" * 100_000, NestingTooDeep),
    (b'{"a":[1,2}', MalformedJson),
    (b"[1,2]", MalformedJson),
    (b'{"a":"\\ud800"}', MalformedJson),
]


@pytest.mark.parametrize(("data", "error"), REFUSALS)
def test_strict_reader_refuses_with_its_own_error(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        parse_strict(data)
    assert type(caught.value) is error
    assert isinstance(caught.value, InvalidImportFile)
    assert "Er is niets ingelezen" in caught.value.message


def test_each_category_has_its_own_sentence() -> None:
    messages = {}
    for data, error in REFUSALS:
        with pytest.raises(InvalidImportFile) as caught:
            parse_strict(data)
        messages.setdefault(error, set()).add(caught.value.msgid)
    ids = [next(iter(m)) for m in messages.values()]
    assert len(set(ids)) == len(ids) == 9


def test_nesting_in_strings_does_not_count() -> None:
    assert parse_strict(b'{"a":"' + b"[" * 100 + b'"}') == {"a": "[" * 100}


def test_size_gate_runs_before_parsing() -> None:
    # A huge but otherwise perfect document is refused for its size, not parsed.
    data = b'{"a":"' + b"x" * MAX_FILE_BYTES + b'"}'
    with pytest.raises(FileTooLarge):
        parse_strict(data)
