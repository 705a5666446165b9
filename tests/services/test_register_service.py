from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.errors import FieldError, NotFound
from app.models.entities import Case, ContactMoment
from app.services.confidant.cases import CaseService, ReferralInput
from app.services.storage import vault

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def service(register: vault.Register) -> CaseService:
    return CaseService(register, today=lambda: TODAY)


def test_open_case_with_first_contact(service: CaseService, register: vault.Register) -> None:
    change = service.open_case(on=dt.date(2026, 10, 2), minutes=60, mode="telefoon",
                               topics=["pesten", "intimidatie"])
    assert change.id is not None and "cases" in change.kinds
    with register.session() as s:
        case = s.get(Case, change.id)
        assert case is not None
        assert case.opened_on == dt.date(2026, 10, 2)
        assert case.topic_codes == ["intimidatie", "pesten"]
        assert s.scalar(select(func.count()).select_from(ContactMoment)) == 1
    assert service.last_mode() == "telefoon"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 1441}, "minutes"),
        ({"minutes": 12.5}, "minutes"),
        ({"on": TODAY + dt.timedelta(days=1)}, "on"),
        ({"on": dt.date(1999, 12, 31)}, "on"),
        ({"mode": "postduif"}, "mode"),
        ({"topics": []}, "topics"),
        ({"topics": ["onbekend"]}, "topics"),
        ({"grounds": ["leeftijd"]}, "grounds"),
    ],
)
def test_open_case_validation_names_the_field(service: CaseService, register: vault.Register,
                                              kwargs: dict, field: str) -> None:
    base = {"on": dt.date(2026, 10, 2), "minutes": 60, "mode": "telefoon", "topics": ["pesten"]}
    with pytest.raises(FieldError) as info:
        service.open_case(**{**base, **kwargs})
    assert info.value.field == field
    assert info.value.message  # a sentence, translated
    with register.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def test_contact_before_case_opened_is_refused(service: CaseService) -> None:
    case_id = service.open_case(on=dt.date(2026, 10, 2), minutes=60, mode="video",
                                topics=["stalking"]).id
    assert case_id is not None
    with pytest.raises(FieldError) as info:
        service.add_contact(case_id, on=dt.date(2026, 10, 1), minutes=30, mode="video")
    assert info.value.field == "on"
    service.add_contact(case_id, on=dt.date(2026, 10, 9), minutes=30, mode="video")


def test_close_case_checks_dates_and_stores_referrals(service: CaseService,
                                                      register: vault.Register) -> None:
    case_id = service.open_case(on=dt.date(2026, 10, 2), minutes=60, mode="persoonlijk",
                                topics=["arbeidsconflict"]).id
    assert case_id is not None
    service.add_contact(case_id, on=dt.date(2026, 10, 20), minutes=30, mode="telefoon")
    with pytest.raises(FieldError):
        service.close_case(case_id, on=dt.date(2026, 10, 10), outcome="doorverwezen")
    with pytest.raises(FieldError):
        service.close_case(case_id, on=dt.date(2026, 10, 25), outcome="doorverwezen",
                           referrals=[ReferralInput("bmw", dt.date(2026, 9, 1))])
    service.close_case(case_id, on=dt.date(2026, 10, 25), outcome="doorverwezen",
                       referrals=[ReferralInput("bmw", dt.date(2026, 10, 21))])
    with register.session() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.status == "closed"
        assert [r.target for r in case.referrals] == ["bmw"]
    with pytest.raises(FieldError):
        service.add_contact(case_id, on=dt.date(2026, 10, 26), minutes=30, mode="telefoon")


def test_editing_first_contact_moves_opened_on(service: CaseService,
                                               register: vault.Register) -> None:
    case_id = service.open_case(on=dt.date(2026, 10, 5), minutes=60, mode="persoonlijk",
                                topics=["pesten"]).id
    with register.session() as s:
        first = s.scalars(select(ContactMoment)).one()
        first_id = first.id
    service.add_contact(case_id, on=dt.date(2026, 10, 8), minutes=10, mode="telefoon")
    service.update_contact(first_id, on=dt.date(2026, 10, 3), minutes=60, mode="persoonlijk")
    with register.session() as s:
        assert s.get(Case, case_id).opened_on == dt.date(2026, 10, 3)
    with pytest.raises(FieldError):
        # deleting the second leaves one; deleting that one too must go through the case
        service.delete_contact(first_id) and service.delete_contact(first_id + 1)


def test_delete_missing_item_is_not_found(service: CaseService) -> None:
    with pytest.raises(NotFound):
        service.delete_case(999)


def test_activities(service: CaseService) -> None:
    change = service.add_activity(on=dt.date(2026, 11, 2), minutes=120, kind="voorlichting")
    service.update_activity(change.id, on=dt.date(2026, 11, 3), minutes=90, kind="training")
    with pytest.raises(FieldError):
        service.add_activity(on=dt.date(2026, 11, 2), minutes=120, kind="vakantie")
