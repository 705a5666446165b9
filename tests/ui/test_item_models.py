from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.services.confidant.cases import CaseService
from app.services.confidant.queries import CaseFilter
from app.services.storage.vault import Register
from app.ui.shared import item_models
from app.ui.shared.item_models import (
    ROW_ROLE,
    ActivityTableModel,
    CaseTableModel,
    ContactTableModel,
)
from tests.ui.conftest import known_cases

pytestmark = pytest.mark.gui


def test_case_model_passes_the_model_tester(
        qtmodeltester: ModelTester, register: Register, service: CaseService) -> None:
    known_cases(service)
    model = CaseTableModel()
    model.set_register(register)
    assert model.rowCount() == 3
    qtmodeltester.check(model)
    model.sort(4, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(model)
    model.clear()
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_contact_and_activity_models_pass_the_model_tester(
    qtmodeltester: ModelTester, register: Register, service: CaseService
) -> None:
    ids = known_cases(service)
    service.add_activity(on=dt.date(2026, 11, 3), minutes=120, kind="training")
    service.add_activity(on=dt.date(2026, 10, 3), minutes=30, kind="administratie")
    contacts = ContactTableModel()
    contacts.set_case(register, ids["a"])
    assert [contacts.index(r, 0).data(ROW_ROLE).minutes for r in range(2)] == [30, 90]
    qtmodeltester.check(contacts)
    activities = ActivityTableModel()
    activities.set_register(register)
    assert activities.rowCount() == 2
    qtmodeltester.check(activities)
    activities.sort(1, Qt.SortOrder.DescendingOrder)
    assert activities.index(0, 1).data(ROW_ROLE).minutes == 120


def test_case_model_fetches_lazily_in_pages(
        qtmodeltester: ModelTester, register: Register, service: CaseService,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(item_models, "PAGE_SIZE", 2)
    known_cases(service)
    model = CaseTableModel()
    model.set_register(register)
    assert model.rowCount() == 2 and model.canFetchMore()
    qtmodeltester.check(model)  # fetches the rest through fetchMore
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 3 and not model.canFetchMore()
    model.set_filter(CaseFilter(status="closed"))
    assert model.rowCount() == 1 and not model.canFetchMore()


def test_window_filters_sorts_and_pages_a_bulk_register(qtbot: QtBot, register: Register) -> None:
    """The main window's filter and sort controls reach the model, which holds the matching
    count and its first page, and scrolls in pages. (The same actions on 200,000 contact
    moments, timed, are `make bench`: "register ...".)"""
    from app.services.confidant import queries
    from app.settings import Settings
    from app.ui.register.main_window import MainWindow
    from app.ui.shared.signals import AppSignals
    from tests.bulk import fill_bulk
    from tests.conftest import TODAY

    fill_bulk(register, contacts=2_000, cases=2 * item_models.PAGE_SIZE, activities=50)
    w = MainWindow(AppSignals(), Settings(), today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    w.attach(register)
    qtbot.waitExposed(w)
    model = w.cases_model

    def shows(flt: CaseFilter) -> None:
        assert model.filter == flt
        assert 0 < model.total == queries.count_cases(register, flt)
        assert model.rowCount() == min(item_models.PAGE_SIZE, model.total)
        first = queries.case_page(register, flt, sort=model.sort_key,
                                  descending=model.descending, limit=item_models.PAGE_SIZE)
        assert [model.row_at(i).id for i in range(model.rowCount())] == [r.id for r in first]

    assert model.total == 2 * item_models.PAGE_SIZE
    shows(CaseFilter())
    w.period_combo.setCurrentIndex(w.period_combo.findData("2025"))
    shows(CaseFilter(period="2025"))
    w.status_combo.setCurrentIndex(w.status_combo.findData("closed"))
    shows(CaseFilter(period="2025", status="closed"))
    w.cases_view.sortByColumn(6, Qt.SortOrder.AscendingOrder)
    assert (model.sort_key, model.descending) == ("closed_on", False)
    shows(CaseFilter(period="2025", status="closed"))
    closed = [model.row_at(i).closed_on for i in range(model.rowCount())]
    assert closed == sorted(closed)
    w.topic_combo.setCurrentIndex(w.topic_combo.findData("pesten"))
    shows(CaseFilter(period="2025", topic="pesten", status="closed"))
    for combo in (w.period_combo, w.topic_combo, w.status_combo):
        combo.setCurrentIndex(0)
    shows(CaseFilter())
    w.cases_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert (model.sort_key, model.descending) == ("opened_on", True)
    shows(CaseFilter())
    assert model.canFetchMore()
    model.fetchMore()  # scroll one page
    assert model.rowCount() == 2 * item_models.PAGE_SIZE and not model.canFetchMore()
    opened = [model.row_at(i).opened_on for i in range(model.rowCount())]
    assert opened == sorted(opened, reverse=True)
