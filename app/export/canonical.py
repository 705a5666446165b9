"""Canonical JSON for hashing and signing, and a strict reader for untrusted files.

Canonical form: keys sorted, UTF-8, no insignificant whitespace, non-ASCII kept as is, no
floats (every number in an interchange file is an integer). The reader refuses, each with its
own error: empty or oversized input (checked before parsing), non-UTF-8, malformed JSON,
duplicate keys, NaN/Infinity, fractions and exponents, integers beyond ``MAX_INTEGER``,
nesting deeper than ``MAX_DEPTH``, and a top level that is not an object.
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from app.errors import (
    DuplicateKey,
    EmptyFile,
    FileTooLarge,
    FractionalNumber,
    MalformedJson,
    NestingTooDeep,
    NonFiniteNumber,
    NotUtf8,
    NumberTooLarge,
)

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 20
MAX_INTEGER = 2**53 - 1  # the largest integer every JSON reader represents exactly
_MAX_INTEGER_DIGITS = len(str(MAX_INTEGER)) + 1  # checked before int() to bound the work

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# The canonical writer never escapes non-ASCII; an escaped surrogate can only be a lone half
# that no UTF-8 encoder accepts, so it is refused up front.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def canonical_bytes(value: Any) -> bytes:
    _refuse_floats(value)
    return canonical_bytes_of_parsed(value)


def canonical_bytes_of_parsed(value: Any) -> bytes:
    """For values from ``parse_strict``, which never holds a float: skips the float check."""
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("interchange files contain no floating-point numbers")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_floats(item)


def parse_strict(data: bytes, max_bytes: int = MAX_FILE_BYTES) -> dict[str, Any]:
    if len(data) == 0:
        raise EmptyFile()
    if len(data) > max_bytes:
        raise FileTooLarge(limit=max_bytes)
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise NotUtf8() from None
    if _SURROGATE_ESCAPE.search(text):
        raise MalformedJson()
    if _nesting_depth(text) > MAX_DEPTH:
        raise NestingTooDeep()
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_constant=_refuse_constant,
            parse_float=_refuse_float,
            parse_int=_bounded_int,
        )
    except (json.JSONDecodeError, RecursionError):
        raise MalformedJson() from None
    if not isinstance(value, dict):
        raise MalformedJson()
    return value


def _nesting_depth(text: str) -> int:
    """Bracket depth outside strings; a cheap gate run before the parser."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = deepest = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKey(key=key[:64])
        result[key] = value
    return result


def _refuse_constant(name: str) -> NoReturn:
    raise NonFiniteNumber()


def _refuse_float(text: str) -> NoReturn:
    raise FractionalNumber(value=text[:32])


def _bounded_int(text: str) -> int:
    if len(text) > _MAX_INTEGER_DIGITS:
        raise NumberTooLarge()
    value = int(text)
    if abs(value) > MAX_INTEGER:
        raise NumberTooLarge()
    return value
