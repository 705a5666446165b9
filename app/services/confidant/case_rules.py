"""The rules a case, a contact moment and an activity keep, wherever they come from: the
window's forms (`cases.CaseService`) and the CSV import (`csv_import`) check with the same
ones. Each check returns the clean value or raises `FieldError(field, sentence)`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from app.errors import FieldError
from app.i18n import N_
from app.models.codelists import DISCRIMINATION, Code, CodeLists
from app.models.periods import Quarter

EARLIEST_DATE = dt.date(2000, 1, 1)
MAX_MINUTES = 1440
MEMO_MAX = 2000


TOPIC_NOT_ON_LIST = N_("“{topic}” is not on topic list {version}, which this register uses "
                      "for {quarter}.")


class CaseRules:
    def __init__(self, lists: CodeLists, today: Callable[[], dt.date],
                 lists_on: Callable[[dt.date], CodeLists] | None = None) -> None:
        self.lists = lists
        self.today = today
        # The lists in force on a day, for a register that moved to another topic list.
        self.lists_on = lists_on

    def date(self, field: str, value: object) -> dt.date:
        """A day from 1 January 2000 up to today."""
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise FieldError(field, N_("Enter a valid date."))
        if value > self.today():
            raise FieldError(field, N_("The date cannot be in the future."))
        if value < EARLIEST_DATE:
            raise FieldError(field, N_("The date cannot be before 1 January 2000."))
        return value

    @staticmethod
    def minutes(field: str, value: object) -> int:
        """A duration in whole minutes, 1 to 1440."""
        if not isinstance(value, int) or isinstance(value, bool):
            raise FieldError(field, N_("Enter the duration in whole minutes."))
        if not 1 <= value <= MAX_MINUTES:
            raise FieldError(field, N_("The duration must be between 1 and 1440 minutes."))
        return value

    @staticmethod
    def code(field: str, value: object, items: Sequence[Code]) -> str:
        """One code of ``items`` (a list of the code lists)."""
        if not isinstance(value, str) or value not in {i.code for i in items}:
            raise FieldError(field, N_("Choose a value from the list."))
        return value

    def topics(self, topics: Iterable[str], on: dt.date | None = None) -> list[str]:
        """At least one topic, each from the list (the one in force on the case's first day
        ``on``, when given); sorted, without repeats."""
        chosen = sorted(set(topics))
        if not chosen:
            raise FieldError("topics", N_("Choose at least one topic."))
        lists = self.lists_on(on) if self.lists_on is not None and on is not None else self.lists
        for topic in chosen:
            if lists is not self.lists and topic not in lists.codes(lists.topics):
                raise FieldError("topics", TOPIC_NOT_ON_LIST, topic=topic, version=lists.version,
                                 quarter=str(Quarter.of(on)) if on else "")
            self.code("topics", topic, lists.topics)
        return chosen

    def grounds(self, grounds: Iterable[str], topics: Sequence[str]) -> list[str]:
        """Discrimination grounds from the list, and only on a case about discrimination."""
        chosen = sorted(set(grounds))
        if chosen and DISCRIMINATION not in topics:
            raise FieldError(
                "grounds", N_("Grounds of discrimination only apply to the topic discrimination.")
            )
        for ground in chosen:
            self.code("grounds", ground, self.lists.discrimination_grounds)
        return chosen

    @staticmethod
    def memo(memo: str | None) -> str | None:
        """The memo trimmed, at most 2000 characters; empty is no memo."""
        if memo is None:
            return None
        memo = memo.strip()
        if len(memo) > MEMO_MAX:
            raise FieldError("memo", N_("The memo can hold at most 2000 characters."))
        return memo or None

    @staticmethod
    def closed_after_contacts(closed_on: dt.date, last_contact: dt.date | None,
                              opened_on: dt.date | None = None) -> dt.date:
        """A case is closed on or after its first and its last contact moment."""
        if (opened_on is not None and closed_on < opened_on) or (
                last_contact is not None and closed_on < last_contact):
            raise FieldError(
                "closed_on", N_("A case cannot be closed before its last contact moment."))
        return closed_on
