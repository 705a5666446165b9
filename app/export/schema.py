"""The shipped JSON Schemas, and their violations turned into one precise refusal each."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match

from app.errors import (
    CountOutOfRange,
    InvalidImportFile,
    InvalidPeriod,
    InvalidValue,
    MissingField,
    NegativeNumber,
    UnknownField,
    WrongType,
)
from app.paths import resources_dir

QUARTERLY = "vertrouwd-quarterly-v1"
SIGNED_FILE = "vertrouwd-signed-file-v1"
SEALED = "vertrouwd-sealed-v1"
CARD = "vertrouwd-card-v1"
RECEIPT = "vertrouwd-receipt-v1"


def schema_path(name: str) -> Path:
    return resources_dir() / "schema" / f"{name}.schema.json"


@cache
def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return schema


# --- `pattern` with the meaning JSON Schema gives it ----------------------------------------
# JSON Schema patterns are ECMA-262 regular expressions: there, `$` matches only at the very end
# of the string. The jsonschema library applies them with Python's `re.search`, where `$` also
# matches before a final newline, so "2026-Q2\n" would pass `^[0-9]{4}-Q[1-4]$`. Every pattern
# is therefore applied here with its unescaped `$` read as `\Z` (end of string, and nothing
# else), and every shipped pattern is anchored at both ends (tests/export/test_schema_whole.py).


def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled for Python with ECMA-262's meaning of `$` (end of input only)."""
    out: list[str] = []
    in_class = escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            out.append(r"\Z")
            continue
        out.append(char)
    return re.compile("".join(out))


_ECMA_PATTERNS: dict[str, re.Pattern[str]] = {}


def _whole_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    if not validator.is_type(instance, "string"):
        return
    compiled = _ECMA_PATTERNS.get(pattern)
    if compiled is None:
        compiled = _ECMA_PATTERNS[pattern] = ecma_pattern(pattern)
    if not compiled.search(instance):
        yield SchemaError(f"{instance[:64]!r} does not match {pattern!r}")


_Validator = validators.extend(Draft202012Validator, {"pattern": _whole_pattern})


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """Replace local `#/$defs/x` references by their content (our schemas are not recursive).

    Validation then needs no reference lookups, which made up most of the time of reading a
    quarterly file.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


@cache
def _validator(name: str) -> Draft202012Validator:
    schema = load_schema(name)
    return _Validator(_inline_refs(schema, schema.get("$defs", {})))


_KEY = re.compile(r"[a-z0-9_]{1,64}")  # codeKey of the quarterly schema, matched whole


def _is_bounded_int(value: Any, maximum: int) -> bool:
    return type(value) is int and 0 <= value <= maximum


def measures_valid(measures: Any, schema: dict[str, Any]) -> bool:
    """Exactly the `measures` rules of the quarterly schema, in plain Python.

    Most of a file is its per-code counts; checking them here instead of in jsonschema makes
    reading a file several times faster. A test checks this agrees with the schema.
    """
    node = schema["properties"]["measures"]
    if not isinstance(measures, dict) or set(measures) != set(node["required"]):
        return False
    defs = schema["$defs"]
    for name, ref in node["properties"].items():
        kind = ref["$ref"].removeprefix("#/$defs/")
        value = measures[name]
        if kind in ("count", "minutes"):
            if not _is_bounded_int(value, defs[kind]["maximum"]):
                return False
            continue
        spec = defs[kind]
        maximum = defs[spec["additionalProperties"]["$ref"].removeprefix("#/$defs/")]["maximum"]
        if not isinstance(value, dict) or len(value) > spec["maxProperties"]:
            return False
        for key, count in value.items():
            if not _KEY.fullmatch(key) or not _is_bounded_int(count, maximum):
                return False
    return True


@cache
def _validator_without_measures(name: str) -> Draft202012Validator:
    schema = load_schema(name)
    reduced = _inline_refs(schema, schema.get("$defs", {}))
    reduced["properties"] = {**reduced["properties"], "measures": {"type": "object"}}
    return _Validator(reduced)


def validate(name: str, instance: Any, prefix: str = "") -> None:
    """Raise the refusal for the most relevant violation of schema ``name``, if any."""
    if (
        name == QUARTERLY
        and isinstance(instance, dict)
        and measures_valid(instance.get("measures"), load_schema(name))
        and _validator_without_measures(name).is_valid(instance)
    ):
        return  # the common case, fast; anything invalid takes the full path below
    validator = _validator(name)
    if validator.is_valid(instance):  # finding the best error is costly
        return
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        raise refusal_for(error, prefix)


def _dotted(prefix: str, path: Any) -> str:
    parts = [prefix] if prefix else []
    parts += [str(p) for p in path]
    return ".".join(parts) or "(top level)"


def refusal_for(error: SchemaError, prefix: str = "") -> InvalidImportFile:
    path = list(error.absolute_path)
    field = _dotted(prefix, path)
    kind = error.validator
    if kind == "additionalProperties" and error.validator_value is False:
        known = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in known)
        return UnknownField(field=_dotted(prefix, [*path, extra[0][:64]]))
    if kind == "required":
        missing = sorted(k for k in error.validator_value if k not in error.instance)
        return MissingField(field=_dotted(prefix, [*path, missing[0]]))
    if path and path[0] == "period" and prefix in ("", "payload"):
        return InvalidPeriod(period=str(error.instance)[:32])
    if kind == "type":
        return WrongType(field=field)
    if kind == "minimum" and isinstance(error.instance, int) and error.instance < 0:
        return NegativeNumber(field=field)
    if kind in ("minimum", "maximum"):
        return CountOutOfRange(field=field)
    return InvalidValue(field=field)
