from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services.confidant.cases import CaseService
from app.services.storage.vault import Register
from app.settings import Settings
from app.ui.register.main_window import MainWindow
from app.ui.shared.appearance import prepare_application
from app.ui.shared.signals import AppSignals
from app.ui.shared.worker import tasks_pending, tasks_running
from tests.conftest import TODAY


@pytest.fixture(autouse=True)
def _program_look(qapp: QApplication) -> None:
    """Every GUI test sees what the program shows: its style, palette, focus ring and shared
    keyboard behaviour (prepared once per application)."""
    prepare_application(qapp)


@pytest.fixture(autouse=True)
def _tasks_land_before_the_widgets_go(qtbot: QtBot) -> Iterator[None]:
    """Every task a test started runs to its end and lands before the test's widgets and
    temporary registers go: work still running on a register the next fixture closes would
    fail in the background and blur which test it belonged to (a window deleted while its task
    runs is itself safe: test_ops proves it)."""
    yield
    qtbot.waitUntil(lambda: not tasks_running() and not tasks_pending(), timeout=60_000)


@pytest.fixture
def service(register: Register) -> CaseService:
    return CaseService(register, today=lambda: TODAY)


@pytest.fixture
def window(qtbot: QtBot, register: Register) -> MainWindow:
    w = MainWindow(AppSignals(), Settings(), today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.attach(register)
    return w


def known_cases(service: CaseService) -> dict[str, int]:
    """Three cases with known dates, topics and memos."""
    a = service.open_case(on=dt.date(2026, 7, 2), minutes=30, mode="telefoon",
                          topics=["pesten"], memo="ruzie over rooster").id
    service.add_contact(a, on=dt.date(2026, 10, 5), minutes=90, mode="persoonlijk")
    b = service.open_case(on=dt.date(2026, 10, 12), minutes=60, mode="video",
                          topics=["intimidatie", "discriminatie"], grounds=["leeftijd"],
                          memo="Werkdruk op de afdeling").id
    c = service.open_case(on=dt.date(2025, 3, 3), minutes=45, mode="persoonlijk",
                          topics=["arbeidsconflict"]).id
    service.close_case(c, on=dt.date(2025, 4, 1), outcome="handvatten")
    assert a is not None
    assert b is not None
    assert c is not None
    assert len({a, b, c}) == 3  # three cases, not one case three times
    return {"a": a, "b": b, "c": c}
