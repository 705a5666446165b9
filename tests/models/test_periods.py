"""Quarters: the one place for quarter arithmetic (queries, exports and reports use it)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import ValidationError
from app.models.periods import Quarter, last_completed_quarter, quarters_of_year


def test_a_quarter_parses_prints_and_knows_its_days() -> None:
    q = Quarter.parse("2026-Q4")
    assert (q.year, q.q, str(q)) == (2026, 4, "2026-Q4")
    assert (q.start, q.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert Quarter.of(dt.date(2026, 2, 28)) == Quarter(2026, 1)


def test_previous_next_and_back_cross_the_year() -> None:
    assert Quarter.parse("2026-Q1").previous() == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2026, 2).back(3) == [Quarter(2025, 4), Quarter(2026, 1), Quarter(2026, 2)]
    assert last_completed_quarter(dt.date(2026, 1, 5)) == Quarter(2025, 4)
    assert [str(q) for q in quarters_of_year(2026)] == ["2026-Q1", "2026-Q2", "2026-Q3",
                                                        "2026-Q4"]


@pytest.mark.parametrize("text", ["2026-Q5", "2026-Q0", "26-Q1", "2026Q1", ""])
def test_anything_else_is_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(ValidationError):
        Quarter.parse(text)
