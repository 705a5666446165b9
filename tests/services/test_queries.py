from __future__ import annotations

import datetime as dt

import pytest

from app.services import queries
from app.services.queries import CaseFilter
from app.services.register import RegisterService
from tests.conftest import TODAY


@pytest.fixture
def service(register):  # type: ignore[no-untyped-def]
    return RegisterService(register, today=lambda: TODAY)


def _ids(rows: list[queries.CaseRow]) -> list[int]:
    return [r.id for r in rows]


def test_periods() -> None:
    assert queries.period_range("2026-Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert queries.period_range("2026-Q1") == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert queries.period_range("2025") == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert queries.previous_quarter("2026-Q1") == "2025-Q4"
    with pytest.raises(ValueError):
        queries.period_range("2026-Q5")


def test_case_rows_filters_and_sorting(register, service) -> None:  # type: ignore[no-untyped-def]
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


def test_quarter_summary(register, service) -> None:  # type: ignore[no-untyped-def]
    a = service.open_case(on=dt.date(2026, 7, 2), minutes=30, mode="telefoon", topics=["pesten"]).id
    service.add_contact(a, on=dt.date(2026, 10, 5), minutes=90, mode="persoonlijk")
    service.open_case(
        on=dt.date(2026, 10, 12), minutes=60, mode="video", topics=["pesten", "stalking"]
    )
    service.add_activity(on=dt.date(2026, 11, 2), minutes=45, kind="training")
    s = queries.quarter_summary(register, "2026-Q4")
    assert s.current == queries.QuarterFigures("2026-Q4", 1, 2, 150, 45)
    assert s.top_topics == (("pesten", 2), ("stalking", 1))
    assert s.history[0].quarter == "2025-Q1" and len(s.history) == 8
    assert s.history[-2] == queries.QuarterFigures("2026-Q3", 1, 1, 30, 0)
