"""Undo (issue 14): every save, edit and delete of the confidant's use cases can be undone,
newest first, on a real register; and the same contact moment typed twice is recognised."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from app.errors import FieldError
from app.services.changes import ChangeKind
from app.services.confidant import cases as cases_module
from app.services.confidant.cases import CaseService, ReferralInput
from app.services.storage.vault import Register
from tests.conftest import TODAY

TABLES = ("case_", "case_topic", "case_ground", "referral", "contact_moment", "activity")


def state(register: Register) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a confidant's use case writes (ids and timestamps included)."""
    with register.session() as s:
        return {t: [tuple(r) for r in s.execute(text(f'SELECT * FROM "{t}" ORDER BY 1, 2'))]
                for t in TABLES}


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def wait(self, minutes: int) -> None:
        self.now += dt.timedelta(minutes=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(register: Register, clock: Clock) -> CaseService:
    return CaseService(register, today=lambda: TODAY, now=clock)


def _case(service: CaseService, **extra: Any) -> int:
    change = service.open_case(on=dt.date(2026, 10, 5), minutes=45, mode="telefoon",
                               topics=["discriminatie", "pesten"], grounds=["leeftijd"],
                               memo="eerste gesprek", **extra)
    assert change.id is not None
    return change.id


def test_undo_of_a_new_case_removes_it_and_nothing_else(
        service: CaseService, register: Register) -> None:
    before = state(register)
    _case(service)
    assert state(register) != before
    assert service.undo_label() == cases_module.UNDO_NEW_CASE
    change = service.undo()
    assert change is not None and change.touches(ChangeKind.CASES)
    assert state(register) == before
    assert service.undo() is None and service.undo_label() is None  # nothing more to undo


EDITS: list[tuple[str, Callable[[CaseService, int], Any]]] = [
    (cases_module.UNDO_EDIT_CASE,
     lambda s, c: s.update_case(c, topics=["stalking"], memo="ander memo")),
    (cases_module.UNDO_CLOSE_CASE,
     lambda s, c: s.close_case(c, on=dt.date(2026, 11, 1), outcome="doorverwezen",
                               referrals=[ReferralInput("mid", dt.date(2026, 10, 20))])),
    (cases_module.UNDO_DELETE_CASE, lambda s, c: s.delete_case(c)),
    (cases_module.UNDO_NEW_CONTACT,
     lambda s, c: s.add_contact(c, on=dt.date(2026, 11, 2), minutes=30, mode="video")),
]


@pytest.mark.parametrize(("what", "edit"), EDITS, ids=[w for w, _e in EDITS])
def test_undo_restores_the_case_exactly(service: CaseService, register: Register,
                                        what: str, edit: Callable[[CaseService, int], Any]
                                        ) -> None:
    case_id = _case(service)
    before = state(register)
    edit(service, case_id)
    assert state(register) != before
    assert service.undo_label() == what
    service.undo()
    assert state(register) == before  # the same rows, the same ids, the memo back


def test_contact_edits_and_deletes_undo_too(service: CaseService, register: Register) -> None:
    case_id = _case(service)
    contact = service.add_contact(case_id, on=dt.date(2026, 11, 2), minutes=30, mode="video").id
    assert contact is not None
    before = state(register)
    service.update_contact(contact, on=dt.date(2026, 10, 1), minutes=90, mode="persoonlijk")
    service.delete_contact(contact)
    service.undo()  # the deletion
    service.undo()  # the edit (it had moved the opening date of the case too)
    assert state(register) == before


def test_reopening_undoes_back_to_closed(service: CaseService, register: Register) -> None:
    case_id = _case(service)
    service.close_case(case_id, on=dt.date(2026, 11, 1), outcome="handvatten")
    closed = state(register)
    service.reopen_case(case_id)
    assert service.undo_label() == cases_module.UNDO_REOPEN_CASE
    service.undo()
    assert state(register) == closed


def test_activities_undo(service: CaseService, register: Register) -> None:
    empty = state(register)
    added = service.add_activity(on=dt.date(2026, 11, 3), minutes=60, kind="training").id
    assert added is not None
    one = state(register)
    service.update_activity(added, on=dt.date(2026, 11, 4), minutes=120, kind="intervisie")
    service.delete_activity(added)
    assert service.undo_label() == cases_module.UNDO_DELETE_ACTIVITY
    service.undo()
    assert service.undo_label() == cases_module.UNDO_EDIT_ACTIVITY
    service.undo()
    assert state(register) == one
    service.undo()
    assert state(register) == empty


def test_a_refused_edit_is_not_recorded(service: CaseService, register: Register) -> None:
    case_id = _case(service)
    with pytest.raises(FieldError):
        service.close_case(case_id, on=dt.date(2026, 9, 1), outcome="handvatten")
    assert service.undo_label() == cases_module.UNDO_NEW_CASE


def test_a_long_day_undoes_newest_first_to_the_empty_register(
        service: CaseService, register: Register) -> None:
    empty = state(register)
    a = _case(service)
    service.add_contact(a, on=dt.date(2026, 11, 9), minutes=20, mode="telefoon")
    b = service.open_case(on=dt.date(2026, 11, 10), minutes=60, mode="video",
                          topics=["arbeidsconflict"]).id
    assert b is not None
    service.close_case(b, on=dt.date(2026, 11, 12), outcome="geen_actie")
    service.add_activity(on=dt.date(2026, 11, 13), minutes=30, kind="administratie")
    service.delete_case(a)
    steps = 0
    while service.undo() is not None:
        steps += 1
    assert steps == 6
    assert state(register) == empty


def test_the_same_contact_typed_twice_is_recognised_for_a_quarter_of_an_hour(
        service: CaseService, clock: Clock) -> None:
    case_id = _case(service)
    same = {"on": dt.date(2026, 10, 5), "minutes": 45, "mode": "telefoon"}
    clock.wait(3)
    assert service.minutes_since_same_contact(
        None, topics=["pesten", "discriminatie"], **same) == 3  # the new case again
    assert service.minutes_since_same_contact(case_id, **same) == 3  # as a follow-up of it
    assert service.minutes_since_same_contact(None, topics=["pesten"], **same) is None
    assert service.minutes_since_same_contact(
        case_id, on=dt.date(2026, 10, 5), minutes=30, mode="telefoon") is None
    clock.wait(13)
    assert service.minutes_since_same_contact(case_id, **same) is None  # long enough ago


def test_an_undone_save_is_no_duplicate_any_more(service: CaseService, clock: Clock) -> None:
    _case(service)
    service.undo()
    clock.wait(1)
    assert service.minutes_since_same_contact(
        None, on=dt.date(2026, 10, 5), minutes=45, mode="telefoon",
        topics=["discriminatie", "pesten"]) is None
