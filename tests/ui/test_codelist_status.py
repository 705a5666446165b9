"""Issue 23 item 1: the window says which topic list the register records with, since when."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.i18n import set_language
from app.models.entities import Profile
from app.models.periods import Quarter
from app.services.confidant import codelist_moves
from app.services.storage.vault import Register
from app.settings import Settings
from app.ui.main_window import MainWindow
from app.ui.signals import AppSignals
from tests.conftest import TODAY


def test_the_status_bar_names_the_topic_list_and_since_when(qtbot: QtBot,
                                                            register: Register) -> None:
    set_language("en")
    window = MainWindow(AppSignals(), Settings(), today=lambda: TODAY)
    qtbot.addWidget(window)
    window.attach(register)
    label = window.codelist_label
    assert label.text() == f"Topic list {register.codelist_version()}"
    window.clear_for_lock()
    assert label.text() == ""
    # An older register that moved to the current list from the next quarter: not yet in use.
    version = register.codelist_version()
    assert version == "2026.1"
    with register.session() as s:  # as if it had been made on 2018.1
        s.scalars(select(Profile)).one().codelist_version = "2018.1"
    following = Quarter.of(TODAY).next()
    codelist_moves.move(register, "2026.1", following)
    window.attach(register)
    assert label.text() == "Topic list 2018.1"
    window.today = lambda: following.start
    window.attach(register)
    assert label.text() == f"Topic list 2026.1 since {following}"
    set_language("nl")
    window.retranslate_ui()
    assert label.text() == f"Onderwerpenlijst 2026.1 sinds {following}"
