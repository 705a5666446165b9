"""`3²` typed in a minutes field: the form shows the sentence next to the field and the register
keeps exactly what it had (issue 21: it raised ValueError and said nothing)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.i18n import _
from app.models import codelists
from app.services.confidant import typed_input
from app.services.confidant.cases import CaseService
from app.services.storage.vault import Register
from app.ui.confidant.case_dialogs import ContactDialog
from app.ui.register.main_window import MainWindow
from tests.conftest import snapshot
from tests.ui.conftest import known_cases

pytestmark = pytest.mark.gui
SENTENCE = "Gebruik alleen de cijfers 0 tot en met 9."


def _data(register: Register, folder: Path) -> dict[str, bytes]:
    register.checkpoint()
    return {k: v for k, v in snapshot(folder).items() if not k.endswith("-shm")}


def test_the_sentence_is_dutch() -> None:
    assert _(typed_input.ONLY_DIGITS) == SENTENCE


def test_quick_entry(qtbot: QtBot, window: MainWindow, register: Register,
                     register_dir: Path) -> None:
    qe = window.quick_entry
    qe.focus_first()
    qe.topic_filter.setText("pest")
    qtbot.keyClick(qe.topic_filter, Qt.Key.Key_Down)
    qtbot.keyClick(qe.topic_list, Qt.Key.Key_Space)
    assert qe.checked_topics() == ["pesten"]
    before = _data(register, register_dir)
    qe.minutes_edit.setText("3²")
    qtbot.keyClick(qe.minutes_edit, Qt.Key.Key_Return)
    assert qe.errors["minutes"].isVisible()
    assert qe.errors["minutes"].text() == SENTENCE
    assert _data(register, register_dir) == before
    qe.minutes_edit.setText("1 u 15")  # the same form saves what the parser reads
    qtbot.keyClick(qe.minutes_edit, Qt.Key.Key_Return)
    assert not qe.errors["minutes"].isVisible()
    assert _data(register, register_dir) != before


def test_activity_form(qtbot: QtBot, window: MainWindow, register: Register,
                       register_dir: Path) -> None:
    tab = window.activities
    before = _data(register, register_dir)
    tab.minutes_edit.setText("3²")
    tab.add()
    assert not tab.error.isHidden() and tab.error.text() == SENTENCE
    assert _data(register, register_dir) == before
    assert tab.model.rowCount() == 0


def test_contact_dialog(qtbot: QtBot, window: MainWindow, service: CaseService,
                        register: Register, register_dir: Path) -> None:
    known_cases(service)
    before = _data(register, register_dir)
    submitted: list[dict[str, object]] = []
    dialog = ContactDialog(_("Edit contact moment"), submitted.append, dt.date(2026, 11, 23),
                           dt.date(2026, 11, 2), 30, "telefoon",
                           codelists.load().contact_modes, "mode", _("&Mode"), window)
    qtbot.addWidget(dialog)
    dialog.minutes.setText("3²")
    dialog.accept()
    assert dialog.errors["minutes"].text() == SENTENCE
    assert not dialog.errors["minutes"].isHidden()
    assert submitted == [] and dialog.result() == 0
    assert _data(register, register_dir) == before
