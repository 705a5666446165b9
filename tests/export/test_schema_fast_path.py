"""The fast measures check agrees with the shipped JSON Schema on every input."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from app.export import schema

SCHEMA = schema.load_schema(schema.QUARTERLY)
MEASURES_ONLY = Draft202012Validator({**SCHEMA["properties"]["measures"], "$defs": SCHEMA["$defs"]})
NAMES = SCHEMA["properties"]["measures"]["required"]
MAPS = {"minutes_activities", "topics", "discrimination_grounds", "modes", "outcomes", "referrals"}

values = st.one_of(
    st.integers(min_value=-3, max_value=3),
    st.sampled_from([10_000_000, 10_000_001, 100_000_000, 100_000_001, 2**53]),
    st.booleans(), st.none(), st.floats(allow_nan=False, width=32), st.text(max_size=3),
)
keys = st.one_of(st.sampled_from(["pesten", "a_1", "x" * 64, "x" * 65, "Pesten", "", "é", "a-b"]),
                 st.text(max_size=4))
maps = st.one_of(st.dictionaries(keys, values, max_size=4), values)


@st.composite
def measures(draw: st.DrawFn) -> Any:
    m: dict[str, Any] = {}
    for name in NAMES:
        if draw(st.integers(0, 30)) == 0:
            continue  # a missing measure now and then
        m[name] = draw(maps if name in MAPS else values)
    if draw(st.integers(0, 30)) == 0:
        m["extra"] = 1
    return m


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, derandomize=True)
@given(measures())
def test_fast_check_equals_schema(m: Any) -> None:
    assert schema.measures_valid(m, SCHEMA) == MEASURES_ONLY.is_valid(m)


def test_fast_check_accepts_a_real_payload_and_refuses_a_big_map() -> None:
    good = {n: ({} if n in MAPS else 0) for n in NAMES}
    good["topics"] = {"pesten": 3}
    assert schema.measures_valid(good, SCHEMA) and MEASURES_ONLY.is_valid(good)
    big = {**good, "modes": {f"m{i}": 1 for i in range(201)}}
    assert not schema.measures_valid(big, SCHEMA) and not MEASURES_ONLY.is_valid(big)
