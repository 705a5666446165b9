from __future__ import annotations

import dataclasses
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import errors
from app.export import crypto, interchange
from app.export.measures import Measures, merge_all, merge_measures, sum_quarters

from .factories import CREATED, resign, sample_measures, vp_payload

_counts = st.integers(min_value=0, max_value=10_000)
_maps = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), _counts, max_size=4)
measures_st = st.builds(
    Measures,
    cases_new=_counts,
    cases_closed=_counts,
    cases_open_end=_counts,
    contacts_first=_counts,
    contacts_followup=_counts,
    minutes_contacts=_counts,
    minutes_activities=_maps,
    topics=_maps,
    discrimination_grounds=_maps,
    modes=_maps,
    outcomes=_maps,
    referrals=_maps,
)


@settings(max_examples=50)
@given(measures_st, measures_st, measures_st)
def test_merge_is_associative(a: Measures, b: Measures, c: Measures) -> None:
    assert merge_measures(merge_measures(a, b), c) == merge_measures(a, merge_measures(b, c))


@settings(max_examples=50)
@given(measures_st, measures_st)
def test_merge_is_commutative(a: Measures, b: Measures) -> None:
    assert merge_measures(a, b) == merge_measures(b, a)


@settings(max_examples=50)
@given(measures_st)
def test_empty_measures_are_the_identity(a: Measures) -> None:
    assert merge_measures(a, Measures()) == a == merge_measures(Measures(), a)
    assert hash(merge_measures(a, Measures())) == hash(a)


@settings(max_examples=50)
@given(measures_st, measures_st)
def test_merge_sums_every_measure_including_open_cases(a: Measures, b: Measures) -> None:
    total = merge_measures(a, b)
    assert total.cases_open_end == a.cases_open_end + b.cases_open_end
    for code in ("a", "b", "c", "d"):
        assert total.topics.get(code, 0) == a.topics.get(code, 0) + b.topics.get(code, 0)


@settings(max_examples=50)
@given(st.lists(measures_st, min_size=4, max_size=4))
def test_year_is_sum_of_quarters_with_open_cases_of_q4(quarters: list[Measures]) -> None:
    year = sum_quarters(quarters)
    assert year.cases_new == sum(q.cases_new for q in quarters)
    assert year.minutes_contacts == sum(q.minutes_contacts for q in quarters)
    assert year.cases_open_end == quarters[3].cases_open_end
    assert dict(year.referrals) == dict(merge_all(quarters).referrals)
    assert dataclasses.replace(year, cases_open_end=0) == dataclasses.replace(
        merge_all(quarters), cases_open_end=0
    )


def test_year_of_no_quarters_is_empty() -> None:
    assert sum_quarters([]).is_zero()


def _vp_file(code: str, measures: Measures, component: str = "CZSK") -> interchange.VerifiedFile:
    key = crypto.new_signing_key()
    payload = vp_payload(key, measures, code=code, component=component)
    return interchange.read_file(interchange.write_file(payload, key.private_key))


def _merged(
    inputs: list[interchange.VerifiedFile], level: interchange.Level, component: str,
    key: crypto.KeyPair, expected: tuple[str, ...] = (),
) -> interchange.VerifiedFile:
    payload = interchange.build_merged_payload(
        inputs,
        level=level,
        sender=interchange.Sender(f"C-{component}", component,
                                  crypto.fingerprint_hex(key.public_key)),
        expected=expected,
        submission_id=uuid.uuid4(),
        revision=1,
        supersedes=None,
        created_at=CREATED,
        app_version="0.1.0",
    )
    return interchange.read_file(interchange.write_file(payload, key.private_key))


def test_component_then_defence_merge_keeps_vp_provenance() -> None:
    key = crypto.new_signing_key()
    a = _vp_file("VP-A", sample_measures())
    b = _vp_file("VP-B", Measures())
    c = _vp_file("VP-C", sample_measures(), component="CLAS")
    czsk = _merged([a, b], "component", "CZSK", key, expected=("VP-A", "VP-B", "VP-Z"))
    clas = _merged([c], "component", "CLAS", key)
    defence = _merged([czsk, clas], "defence", "DEFENSIE", key)

    assert czsk.measures == merge_measures(a.measures, b.measures)
    assert czsk.payload["reporting"] == {
        "expected": ["VP-A", "VP-B", "VP-Z"], "received": ["VP-A", "VP-B"],
        "nil": ["VP-B"], "missing": ["VP-Z"],
    }
    assert defence.measures == merge_all([a.measures, b.measures, c.measures])
    assert [s["sha256"] for s in defence.payload["sources"]] == [a.sha256, b.sha256, c.sha256]
    assert {m["sha256"] for m in defence.payload["merged_from"]} == {czsk.sha256, clas.sha256}
    assert defence.payload["reporting"]["missing"] == ["VP-Z"]


def test_merging_in_any_grouping_gives_the_same_measures_and_sources() -> None:
    key = crypto.new_signing_key()
    a, b, c = (_vp_file(f"VP-{n}", sample_measures()) for n in "ABC")
    left = _merged([_merged([a, b], "component", "CZSK", key), c], "component", "CZSK", key)
    right = _merged([a, _merged([b, c], "component", "CZSK", key)], "component", "CZSK", key)
    flat = _merged([c, b, a], "component", "CZSK", key)
    for result in (left, right):
        assert result.measures == flat.measures
        assert result.payload["sources"] == flat.payload["sources"]
        assert result.payload["reporting"] == flat.payload["reporting"]


def test_same_file_twice_counts_once_and_overlap_is_refused() -> None:
    key = crypto.new_signing_key()
    a, b = _vp_file("VP-A", sample_measures()), _vp_file("VP-B", sample_measures())
    assert _merged([a, a, b], "component", "CZSK", key).measures == merge_measures(
        a.measures, b.measures
    )
    with pytest.raises(ValueError, match="more than one input"):
        _merged([_merged([a, b], "component", "CZSK", key), a], "component", "CZSK", key)


def test_component_file_with_report_of_another_component_is_refused() -> None:
    key = crypto.new_signing_key()
    a = _vp_file("VP-A", sample_measures(), component="CLAS")
    payload = interchange.build_merged_payload(
        [a], level="component",
        sender=interchange.Sender("C-CZSK", "CZSK", crypto.fingerprint_hex(key.public_key)),
        expected=(), submission_id=uuid.uuid4(), revision=1, supersedes=None,
        created_at=CREATED, app_version="0.1.0",
    )
    with pytest.raises(errors.ForeignComponent) as caught:
        interchange.read_file(resign(payload, key))
    assert "CLAS" in caught.value.message


def test_merged_file_whose_reporting_disagrees_is_refused() -> None:
    key = crypto.new_signing_key()
    merged = _merged([_vp_file("VP-A", sample_measures())], "component", "CZSK", key)
    payload = dict(merged.payload)
    payload["reporting"] = {"expected": ["VP-A"], "received": ["VP-A"], "nil": ["VP-A"],
                            "missing": ["VP-B"]}
    with pytest.raises(errors.LevelRuleViolation) as caught:
        interchange.read_file(resign(payload, key))
    assert caught.value.msgid == errors.LEVEL_RULE_BAD_REPORTING
    del payload["reporting"]
    with pytest.raises(errors.LevelRuleViolation) as caught:
        interchange.read_file(resign(payload, key))
    assert caught.value.msgid == errors.LEVEL_RULE_MERGED_LACKS_SOURCES
