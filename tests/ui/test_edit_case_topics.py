"""Issue 22 (low): edit case shows the discrimination grounds only when Discriminatie is
ticked, and its topic list has the same group headers as quick entry (one function fills
both)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models import codelists
from app.models.codelists import DISCRIMINATION
from app.services.confidant import queries
from app.services.confidant.cases import CaseService
from app.services.storage import vault
from app.settings import Settings
from app.ui.confidant.case_dialogs import EditCaseDialog
from app.ui.confidant.quick_entry import CODE_ROLE, ticked_codes
from app.ui.register.main_window import MainWindow
from app.ui.shared.signals import AppSignals
from tests.conftest import TODAY

pytestmark = pytest.mark.gui


def test_edit_case_has_quick_entrys_headers_and_grounds_only_for_discrimination(
        qtbot: QtBot, register: vault.Register) -> None:
    service = CaseService(register, today=lambda: TODAY)
    case = service.open_case(on=TODAY, minutes=30, mode="telefoon", topics=["pesten"]).id
    detail = queries.case_detail(register, case)
    assert detail is not None
    window = MainWindow(AppSignals(), Settings(), today=lambda: TODAY)
    qtbot.addWidget(window)
    window.attach(register)
    window.show()
    dialog = EditCaseDialog(detail, lambda v: None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    quick = window.quick_entry.topic_list
    # the same rows, headers included, in the same order
    edit_rows = [dialog.topics.item(i).text() for i in range(dialog.topics.count())]
    quick_rows = [quick.item(i).text() for i in range(quick.count())]
    assert edit_rows == quick_rows
    groups = codelists.load().topic_groups
    assert len(edit_rows) == len(groups) + sum(len(g.topics) for g in groups)
    header = dialog.topics.item(0)
    assert not header.flags() & Qt.ItemFlag.ItemIsUserCheckable and header.font().bold()
    assert ticked_codes(dialog.topics) == ["pesten"]
    # no discrimination: no grounds
    assert not dialog.grounds.isVisible() and not dialog.grounds_label.isVisible()
    row = next(i for i in range(dialog.topics.count())
               if dialog.topics.item(i).data(CODE_ROLE) == DISCRIMINATION)
    dialog.topics.item(row).setCheckState(Qt.CheckState.Checked)
    assert dialog.grounds.isVisible() and dialog.grounds_label.isVisible()
    assert set(dialog.values()["topics"]) == {"pesten", DISCRIMINATION}
    dialog.topics.item(row).setCheckState(Qt.CheckState.Unchecked)
    assert not dialog.grounds.isVisible()
    assert dialog.values()["grounds"] == []
