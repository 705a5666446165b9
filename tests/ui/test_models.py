from __future__ import annotations

import datetime as dt
import time

import pytest
from PySide6.QtCore import Qt

from app.services.queries import CaseFilter
from app.ui import models
from app.ui.models import ROW_ROLE, ActivityTableModel, CaseTableModel, ContactTableModel
from tests.ui.conftest import known_cases

pytestmark = pytest.mark.gui


def test_case_model_passes_the_model_tester(qtmodeltester, register, service) -> None:  # type: ignore[no-untyped-def]
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


def test_contact_and_activity_models_pass_the_model_tester(  # type: ignore[no-untyped-def]
    qtmodeltester, register, service
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


def test_case_model_fetches_lazily_in_pages(qtmodeltester, register, service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(models, "PAGE_SIZE", 2)
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


@pytest.mark.slow
def test_window_with_200000_contact_moments(qtbot, register) -> None:  # type: ignore[no-untyped-def]
    from app.settings import Settings
    from app.ui.main_window import MainWindow
    from app.ui.signals import AppSignals
    from tests.bulk import fill_bulk
    from tests.conftest import TODAY

    fill_bulk(register)
    w = MainWindow(AppSignals(), Settings(), today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    t = time.perf_counter()
    w.attach(register)
    qtbot.waitExposed(w)
    opened = time.perf_counter() - t
    print(f"\nattach + first page + quarter panel: {opened * 1000:.0f} ms")
    assert w.cases_model.rowCount() == 200 and w.cases_model.total == 40_000
    timings = {}
    for label, action in [
        (
            "filter quarter",
            lambda: w.period_combo.setCurrentIndex(w.period_combo.findData("2026-Q2")),
        ),
        ("filter topic", lambda: w.topic_combo.setCurrentIndex(w.topic_combo.findData("pesten"))),
        ("filter status", lambda: w.status_combo.setCurrentIndex(w.status_combo.findData("open"))),
        ("sort closed", lambda: w.cases_view.sortByColumn(6, Qt.SortOrder.AscendingOrder)),
        (
            "clear filters",
            lambda: [c.setCurrentIndex(0) for c in (w.period_combo, w.topic_combo, w.status_combo)],
        ),
        ("sort opened", lambda: w.cases_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)),
        ("scroll one page", lambda: w.cases_model.fetchMore()),
    ]:
        t = time.perf_counter()
        action()
        timings[label] = (time.perf_counter() - t) * 1000
        print(
            f"{label:16s} {timings[label]:6.1f} ms, "
            f"{w.cases_model.rowCount()} rows of {w.cases_model.total}"
        )
    assert opened <= 1.0
    # "clear filters" runs three filter changes in a row
    assert timings["clear filters"] <= 300
    assert all(ms <= 100 for k, ms in timings.items() if k != "clear filters"), timings
