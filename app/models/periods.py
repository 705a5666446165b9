"""Quarters as `YYYY-Qn`, their date ranges and ISO intervals."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.errors import ValidationError
from app.i18n import N_

_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")  # matched whole (fullmatch), ASCII digits only


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    q: int

    @staticmethod
    def parse(text: str) -> Quarter:
        match = _QUARTER.fullmatch(text.strip(" ")) if isinstance(text, str) else None
        if not match:
            raise ValidationError(N_("“{text}” is not a quarter; write it as 2026-Q3."), text=text)
        return Quarter(int(match.group(1)), int(match.group(2)))

    @staticmethod
    def of(day: dt.date) -> Quarter:
        return Quarter(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.q == 4 else Quarter(self.year, self.q + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.q == 1 else Quarter(self.year, self.q - 1)

    def back(self, n: int) -> list[Quarter]:
        """This quarter and the n-1 before it, oldest first."""
        out = [self]
        for _ in range(n - 1):
            out.append(out[-1].previous())
        return list(reversed(out))

    @property
    def interval(self) -> str:
        return f"{self.start.isoformat()}/P3M"

    def __str__(self) -> str:
        return f"{self.year}-Q{self.q}"


def last_completed_quarter(today: dt.date) -> Quarter:
    return Quarter.of(today).previous()


def quarters_of_year(year: int) -> list[Quarter]:
    return [Quarter(year, q) for q in (1, 2, 3, 4)]
