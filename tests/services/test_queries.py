from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from app.services.confidant import queries
from app.services.confidant.cases import CaseService
from app.services.confidant.queries import CaseFilter
from app.services.storage.vault import Register
from tests.bulk import bulk_rows, fill_bulk
from tests.conftest import TODAY


@pytest.fixture
def service(register: Register) -> CaseService:
    return CaseService(register, today=lambda: TODAY)


def _ids(rows: list[queries.CaseRow]) -> list[int]:
    return [r.id for r in rows]


def test_periods() -> None:
    assert queries.period_range("2026-Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert queries.period_range("2026-Q1") == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert queries.period_range("2025") == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    with pytest.raises(ValueError):
        queries.period_range("2026-Q5")


def test_case_rows_filters_and_sorting(register: Register, service: CaseService) -> None:
    a = service.open_case(on=dt.date(2026, 7, 2), minutes=30, mode="telefoon", topics=["pesten"],
                          memo="100% zeker_niet").id
    service.add_contact(a, on=dt.date(2026, 10, 5), minutes=90, mode="persoonlijk")
    b = service.open_case(on=dt.date(2026, 10, 12), minutes=60, mode="video",
                          topics=["stalking", "intimidatie"]).id
    rows = queries.case_page(register)
    assert _ids(rows) == [b, a]
    row_a = rows[1]
    assert (row_a.contacts, row_a.minutes, row_a.last_contact) == (2, 120, dt.date(2026, 10, 5))
    assert rows[0].topics == ("intimidatie", "stalking")
    assert _ids(queries.case_page(register, CaseFilter(period="2026-Q3"))) == [a]
    assert _ids(queries.case_page(register, CaseFilter(period="2026-Q4"))) == [b, a]
    assert _ids(queries.case_page(register, CaseFilter(period="2025"))) == []
    assert _ids(queries.case_page(register, CaseFilter(memo_search="100%"))) == [a]
    assert _ids(queries.case_page(register, CaseFilter(memo_search="0%%"))) == []  # % is literal
    assert _ids(queries.case_page(register, CaseFilter(memo_search="ZEKER_"))) == [a]
    assert queries.count_cases(register, CaseFilter(topic="stalking")) == 1
    for key in queries.CASE_SORT_KEYS:
        up = _ids(queries.case_page(register, sort=key, descending=False))
        down = _ids(queries.case_page(register, sort=key, descending=True))
        assert sorted(up) == sorted(down) == sorted([a, b]), key
    assert _ids(queries.case_page(register, sort="minutes", descending=True)) == [a, b]
    assert _ids(queries.case_page(register, sort="topics", descending=False)) == [b, a]
    assert _ids(queries.case_page(register, limit=1, offset=1)) == [a]


def test_quarter_summary(register: Register, service: CaseService) -> None:
    a = service.open_case(on=dt.date(2026, 7, 2), minutes=30, mode="telefoon", topics=["pesten"]).id
    service.add_contact(a, on=dt.date(2026, 10, 5), minutes=90, mode="persoonlijk")
    service.open_case(
        on=dt.date(2026, 10, 12), minutes=60, mode="video", topics=["pesten", "stalking"]
    )
    service.add_activity(on=dt.date(2026, 11, 2), minutes=45, kind="training")
    s = queries.quarter_summary(register, "2026-Q4")
    assert s.current == queries.QuarterFigures("2026-Q4", 1, 2, 150, 45, activities=1)
    assert s.top_topics == (("pesten", 2), ("stalking", 1))
    assert s.history[0].quarter == "2025-Q1" and len(s.history) == 8
    assert s.history[-2] == queries.QuarterFigures("2026-Q3", 1, 1, 30, 0)


BULK = {"contacts": 5_000, "cases": 1_000, "activities": 100, "seed": 7}


def _expected_cases(raw: dict[str, list[tuple[object, ...]]]) -> list[queries.CaseRow]:
    """The case rows worked out in Python from the rows fill_bulk inserted."""
    day = dt.date.fromisoformat
    topics: dict[object, list[str]] = {}
    for cid, topic in raw["case_topic"]:
        topics.setdefault(cid, []).append(str(topic))
    moments: dict[object, list[tuple[dt.date, int]]] = {}
    for _id, cid, on, minutes, _mode in raw["contact_moment"]:
        moments.setdefault(cid, []).append((day(str(on)), int(minutes)))
    return [
        queries.CaseRow(
            id=int(cid), opened_on=day(str(opened)), status=str(status),
            closed_on=day(str(closed)) if closed else None, topics=tuple(sorted(topics[cid])),
            contacts=len(moments[cid]), minutes=sum(m for _d, m in moments[cid]),
            last_contact=max(d for d, _m in moments[cid]),
            outcome=str(outcome) if outcome else None)
        for cid, opened, status, closed, outcome, *_rest in raw["case_"]
    ]


def _sort_key(sort: str) -> Callable[[queries.CaseRow], tuple[object, ...]]:
    """SQLite's order: NULL before any value, ties broken by id; topics as group_concat."""
    def key(row: queries.CaseRow) -> tuple[object, ...]:
        value = ",".join(row.topics) if sort == "topics" else getattr(row, sort)
        return (value is not None, value, row.id)
    return key


@pytest.mark.slow
def test_bulk_register_counts_filters_and_sorts_like_its_rows(register: Register) -> None:
    """Eight years of fill_bulk rows against the same rows worked out in Python: every filter's
    count and first page, every sort key both ways, the quarter summary. (The same at 200,000
    contact moments, timed, is `make bench`: "queries: ...".)"""
    fill_bulk(register, **BULK)
    raw = bulk_rows(BULK["contacts"], BULK["cases"], BULK["activities"], BULK["seed"])
    expected = _expected_cases(raw)
    every = queries.case_page(register, sort="id", descending=False, limit=len(expected) + 1)
    assert every == expected
    memo = {int(r[0]): str(r[5]).lower() for r in raw["case_"]}
    contacted: dict[int, list[dt.date]] = {}
    for _id, cid, on, _minutes, _mode in raw["contact_moment"]:
        contacted.setdefault(int(cid), []).append(dt.date.fromisoformat(str(on)))

    def matches(row: queries.CaseRow, flt: CaseFilter) -> bool:
        if flt.period:
            start, end = queries.period_range(flt.period)
            if not (start <= row.opened_on <= end
                    or any(start <= d <= end for d in contacted[row.id])):
                return False
        return ((flt.topic is None or flt.topic in row.topics)
                and (flt.status is None or row.status == flt.status)
                and flt.memo_search.lower() in memo[row.id])

    cases = [
        (CaseFilter(), "opened_on", True),
        (CaseFilter(period="2025-Q2"), "opened_on", True),
        (CaseFilter(period="2024", topic="pesten"), "id", False),
        (CaseFilter(status="open"), "last_contact", True),
        (CaseFilter(memo_search="COLLEGA"), "opened_on", True),
    ] + [(CaseFilter(), k, d) for k in queries.CASE_SORT_KEYS for d in (False, True)]
    for flt, sort, desc in cases:
        hits = [r for r in expected if matches(r, flt)]
        assert hits, flt  # each filter finds something in eight years of cases
        assert queries.count_cases(register, flt) == len(hits), flt
        page = queries.case_page(register, flt, sort=sort, descending=desc)
        want = sorted(hits, key=_sort_key(sort), reverse=desc)[:200]
        assert _ids(page) == _ids(want), (flt, sort, desc)

    start, end = queries.period_range("2026-Q3")
    in_q3 = [(d, m) for _i, _c, on, m, _mode in raw["contact_moment"]
             if start <= (d := dt.date.fromisoformat(str(on))) <= end]
    activities = [int(m) for _i, on, m, _k in raw["activity"]
                  if start <= dt.date.fromisoformat(str(on)) <= end]
    current = queries.quarter_summary(register, "2026-Q3").current
    assert current == queries.QuarterFigures(
        "2026-Q3", sum(start <= r.opened_on <= end for r in expected), len(in_q3),
        sum(int(m) for _d, m in in_q3), sum(activities), len(activities),
        sum(r.closed_on is not None and start <= r.closed_on <= end for r in expected))
    assert current.contacts > 0


def test_year_overview_adds_up_the_quarters(register: Register, service: CaseService) -> None:
    a = service.open_case(on=dt.date(2026, 2, 2), minutes=30, mode="telefoon", topics=["pesten"]).id
    service.add_contact(a, on=dt.date(2026, 5, 5), minutes=90, mode="persoonlijk")
    service.close_case(a, on=dt.date(2026, 5, 6), outcome="handvatten")
    service.open_case(on=dt.date(2026, 8, 12), minutes=60, mode="video", topics=["stalking"])
    service.add_activity(on=dt.date(2026, 8, 2), minutes=45, kind="training")
    service.add_activity(on=dt.date(2026, 11, 2), minutes=120, kind="intervisie")
    service.open_case(on=dt.date(2025, 12, 30), minutes=15, mode="video", topics=["stalking"])
    year = queries.year_overview(register, 2026)
    assert [q.quarter for q in year.quarters] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [q.new_cases for q in year.quarters] == [1, 0, 1, 0]
    assert [q.closed_cases for q in year.quarters] == [0, 1, 0, 0]
    assert [q.contacts for q in year.quarters] == [1, 1, 1, 0]
    assert [q.activities for q in year.quarters] == [0, 0, 1, 1]
    total = year.total
    assert total.quarter == "2026"
    for field in ("new_cases", "closed_cases", "contacts", "contact_minutes", "activities",
                  "activity_minutes"):
        assert getattr(total, field) == sum(getattr(q, field) for q in year.quarters), field
    assert total.minutes == 30 + 90 + 60 + 45 + 120  # the case of 2025 is not in it


def test_case_matches_follows_the_filter(register: Register, service: CaseService) -> None:
    a = service.open_case(on=dt.date(2026, 7, 2), minutes=30, mode="telefoon", topics=["pesten"],
                          memo="rooster").id
    assert a is not None
    assert queries.case_matches(register, CaseFilter(), a)
    assert queries.case_matches(register, CaseFilter(memo_search="roost"), a)
    assert not queries.case_matches(register, CaseFilter(memo_search="kantine"), a)
    assert not queries.case_matches(register, CaseFilter(period="2026-Q1"), a)
    assert not queries.case_matches(register, CaseFilter(), a + 1000)


def test_activity_totals_per_period(register: Register, service: CaseService) -> None:
    service.add_activity(on=dt.date(2026, 8, 2), minutes=45, kind="training")
    service.add_activity(on=dt.date(2026, 11, 2), minutes=120, kind="intervisie")
    assert queries.activity_totals(register) == queries.ActivityTotals(2, 165)
    assert queries.activity_totals(register, "2026-Q4") == queries.ActivityTotals(1, 120)
    assert queries.activity_totals(register, "2025") == queries.ActivityTotals(0, 0)
