"""A confidant's register on an older topic list (historic entry): the form's rules and the CSV
import use that list, its quarterly files name it, and a coordinator imports them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from app.errors import CsvImportError, FieldError, ValidationError
from app.i18n import set_language
from app.models import codelists
from app.models.entities import CaseTopic, ExportRecord
from app.models.periods import Quarter
from app.services.confidant import exporting
from app.services.confidant.cases import CaseService
from app.services.confidant.csv_import import import_csv
from app.services.coordination import roster
from app.services.coordination.importing import apply_import, plan_import
from app.services.storage import vault
from tests.conftest import PASSPHRASE
from tests.services.conftest import coordinator, coordinator_dir, coordinator_template  # noqa: F401

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def historic(tmp_path: Path) -> Iterator[vault.Register]:
    reg, _ = vault.create_register(tmp_path / "oud", PASSPHRASE, component="CLAS",
                                   codelist_version="2018.1")
    yield reg
    reg.close()


def test_the_register_keeps_its_list_and_its_rules_use_it(historic: vault.Register) -> None:
    assert historic.profile().codelist_version == "2018.1"  # type: ignore[union-attr]
    service = CaseService(historic, today=lambda: TODAY)
    assert service.lists == codelists.load("2018.1")
    service.open_case(on=dt.date(2019, 2, 4), minutes=30, mode="telefoon",
                      topics=["overige", "agressie"])
    with pytest.raises(FieldError) as refused:  # a topic of the current list only
        service.open_case(on=dt.date(2019, 2, 4), minutes=30, mode="telefoon",
                          topics=["arbeidsconflict"])
    assert refused.value.field == "topics"


def test_csv_import_reads_the_older_labels_and_refuses_current_only_topics(
        historic: vault.Register, tmp_path: Path) -> None:
    f = tmp_path / "2018.csv"
    f.write_text("type;casus;datum;minuten;wijze;onderwerpen\n"
                 "contact;A;2018-03-01;60;telefoon;Overige|Agressie\n",
                 encoding="utf-8")
    assert import_csv(historic, f, today=TODAY).cases == 1
    for topic in ("Arbeidsconflict", "Zakelijke integriteit"):  # not on the list of 2018
        f.write_text("type;casus;datum;minuten;wijze;onderwerpen\n"
                     f"contact;B;2018-03-02;60;telefoon;{topic}\n", encoding="utf-8")
        with pytest.raises(CsvImportError, match="onderwerpen"):
            import_csv(historic, f, today=TODAY)


def test_an_unknown_version_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        vault.create_register(tmp_path / "x", PASSPHRASE, component="CLAS",
                              codelist_version="2017.9")
    assert "2017.9" in refused.value.message and "2018.1, 2026.1" in refused.value.message
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_its_quarterly_file_names_the_list_and_a_coordinator_imports_it(
        historic: vault.Register, coordinator: vault.Register, tmp_path: Path) -> None:
    CaseService(historic, today=lambda: TODAY).open_case(
        on=dt.date(2019, 5, 6), minutes=45, mode="persoonlijk", topics=["kwaadspreken"])
    result = exporting.export_quarter(historic, Quarter(2019, 2), tmp_path / "stick", today=TODAY)
    payload = json.loads(result.path.read_bytes())["payload"]
    assert payload["codelist"] == {"id": "vp-onderwerpen", "version": "2018.1"}
    assert payload["measures"]["topics"]["kwaadspreken"] == 1
    assert set(payload["measures"]["topics"]) == {t.code for t in codelists.load("2018.1").topics}
    card = exporting.write_own_card(historic, tmp_path / "card.json")
    roster.add_card(coordinator, card.read_bytes(), today=TODAY, active_from=dt.date(2019, 1, 1))
    plan = plan_import(coordinator, [result.path], TODAY)
    assert [i.status.value for i in plan.items] == ["new"], [i.reason for i in plan.items]
    assert apply_import(coordinator, plan).added == 1


def test_a_case_on_a_topic_the_corrected_list_lacks_stops_the_export_with_a_sentence(
        historic: vault.Register, tmp_path: Path) -> None:
    """A register made on 2018.1 before its correction may carry Zakelijke integriteit: its
    quarter is not exported without it (the file lists 2018.1's codes only); nothing written."""
    set_language("en")
    CaseService(historic, today=lambda: TODAY).open_case(
        on=dt.date(2019, 5, 6), minutes=45, mode="persoonlijk", topics=["overige"])
    with historic.session() as s:  # as the former list let it be recorded
        s.execute(update(CaseTopic).values(topic="zakelijke_integriteit"))
    stick = tmp_path / "stick"
    with pytest.raises(ValidationError) as refused:
        exporting.export_quarter(historic, Quarter(2019, 2), stick, today=TODAY)
    assert refused.value.message == (
        "1 case(s) opened in 2019-Q2 carry topics that are not on topic list 2018.1, which this "
        "register records that quarter with (zakelijke_integriteit); the file would leave them "
        "out. Give those cases a topic of the list and export again. No file was written.")
    assert not stick.exists() or not any(stick.iterdir())
    with historic.session() as s:
        assert s.query(ExportRecord).count() == 0
    # another quarter exports as before
    assert exporting.export_quarter(historic, Quarter(2019, 3), stick, today=TODAY).path.exists()
