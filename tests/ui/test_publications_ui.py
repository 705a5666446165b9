"""The ledger in the coordination window (issue 19): a report written from the window is
listed in Publications (when, period, scope, hidden figures), and "Write again…" writes it
once more, byte for byte, off the GUI thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.i18n import set_language
from app.services.storage.vault import Register
from tests.services.conftest import (  # noqa: F401
    central,
    central_template,
    coordinator,
    coordinator_dir,
    coordinator_template,
)
from tests.ui.test_coordination_ui import _busy_register, _window


def test_a_report_written_from_the_window_is_listed_and_written_again(
        qtbot: QtBot, qtmodeltester: ModelTester, coordinator: Register, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog, QFileDialog

    from app.ui.coordination import workspace as ws

    _busy_register(coordinator, tmp_path)
    w = _window(qtbot, coordinator)
    panel = w.coordination.publications
    assert panel.model.rowCount() == 0 and not panel.reissue_button.isEnabled()

    first = tmp_path / "rapport.csv"
    monkeypatch.setattr(ws.ReportOptionsDialog, "exec", lambda self: (
        self.fmt.setCurrentIndex(self.fmt.findData("csv")), QDialog.DialogCode.Accepted)[1])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(first), "*.csv"))
    assert w.coordination.write_report(2026, "2026-Q2") is not None
    qtbot.waitUntil(lambda: not w.coordination.ops.busy, timeout=30_000)
    assert first.is_file()

    w.coordination.tabs.setCurrentWidget(panel)
    assert panel.model.rowCount() == 1
    qtmodeltester.check(panel.model)
    texts = [panel.model.index(0, c).data(Qt.ItemDataRole.DisplayRole)
             for c in range(panel.model.columnCount())]
    assert texts[0] == "1" and texts[2] == "2026-Q2" and texts[3] == "CLAS" and texts[4] == "CSV"
    assert texts[5].startswith(tuple("0123456789")) and "k = 5" in texts[5]

    panel.view.selectRow(0)
    assert panel.reissue_button.isEnabled()
    again = tmp_path / "opnieuw.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(again), "*.csv"))
    qtbot.mouseClick(panel.reissue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.coordination.ops.busy and again.exists(),
                    timeout=30_000)
    assert again.read_bytes() == first.read_bytes()
    assert str(again) in w.coordination.status.text()

    set_language("en")
    try:
        w.retranslate_ui()
        assert w.coordination.tabs.tabText(3) == "Publications"
        assert panel.reissue_button.text() == "Write again…"
    finally:
        set_language("nl")

    w.clear_for_lock()
    assert panel.model.rowCount() == 0


def test_central_level_shows_each_reports_plan_and_writes_a_components_report(
        qtbot: QtBot, qtmodeltester: ModelTester, central_template: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """At central level the Publications tab shows the plan of each report and writes a
    component's report of a planned period (as `vertrouwd report --component CODE`): it is
    recorded under the same plan and shows what the plan says."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog, QFileDialog

    from app.services.coordination import publications
    from app.ui.coordination import workspace as ws
    from tests.services.test_period_plan import _central

    reg, _made = _central(central_template, tmp_path / "central", 9)
    w = _window(qtbot, reg)
    panel = w.coordination.publications
    assert panel.component_button.isVisibleTo(panel)  # central level
    defence = tmp_path / "defensie.csv"
    monkeypatch.setattr(ws.ReportOptionsDialog, "exec", lambda self: (
        self.fmt.setCurrentIndex(self.fmt.findData("csv")), QDialog.DialogCode.Accepted)[1])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(defence), "*.csv"))
    assert w.coordination.write_report(2026, "2026-Q2") is not None
    qtbot.waitUntil(lambda: not w.coordination.ops.busy, timeout=60_000)
    assert defence.is_file()

    w.coordination.tabs.setCurrentWidget(panel)
    columns = [panel.model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(panel.model.columnCount())]
    assert columns[-1] == "Plan"
    assert panel.model.index(0, len(columns) - 1).data() == "1"
    assert not panel.component_button.isEnabled()  # nothing chosen yet
    panel.view.selectRow(0)
    assert panel.component_button.isEnabled()

    chosen: list[list[str]] = []

    def options(self: ws.ReportOptionsDialog) -> QDialog.DialogCode:
        chosen.append([self.component.itemData(i) for i in range(self.component.count())])
        self.component.setCurrentIndex(self.component.findData("CZSK"))
        self.fmt.setCurrentIndex(self.fmt.findData("csv"))
        return QDialog.DialogCode.Accepted

    czsk = tmp_path / "czsk.csv"
    monkeypatch.setattr(ws.ReportOptionsDialog, "exec", options)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(czsk), "*.csv"))
    qtbot.mouseClick(panel.component_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.coordination.ops.busy and czsk.exists(), timeout=60_000)
    assert chosen == [["CLAS", "CZSK"]]
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    qtmodeltester.check(panel.model)
    newest = [panel.model.index(0, c).data() for c in range(panel.model.columnCount())]
    assert newest[0] == "2" and newest[2] == "2026-Q2" and newest[3] == "CZSK"
    assert newest[-1] == "1"  # the same plan as the Defence report
    entries = publications.entries(reg)
    assert [(e.component, e.plan) for e in entries] == [(None, 1), ("CZSK", 1)]
    assert publications.verify(reg, 2) == []

    set_language("en")
    try:
        w.retranslate_ui()
        assert panel.component_button.text() == "Component report…"
    finally:
        set_language("nl")
    w.clear_for_lock()
    reg.close()


def test_reports_of_other_registers_are_listed_with_their_origin(
        qtbot: QtBot, qtmodeltester: ModelTester, central: Register, tmp_path: Path) -> None:
    """At central level the tab also lists what component coordinators published (received
    with their quarterly files): who, their number, the period and what it hid."""
    from PySide6.QtCore import Qt

    from tests.services.coordination_helpers import enrol, new_sender, write
    from tests.services.test_foreign_publications import (
        QUARTERS,
        _carried,
        _component_file,
        _import,
        _pinning_report,
    )

    w = _window(qtbot, central)
    panel = w.coordination.publications
    assert panel.foreign_model.rowCount() == 0 and panel.foreign_view.isHidden()
    coordinator = new_sender("CLAS-CVP01", "CLAS", "coordinator")
    enrol(central, coordinator)
    _import(central, [write(tmp_path, f"{q}.json", _component_file(
        coordinator, new_sender("CLAS-VP001"), q, carried=[_carried(_pinning_report())]))
        for q in QUARTERS])
    panel.refresh()
    assert panel.foreign_model.rowCount() == 1 and not panel.foreign_view.isHidden()
    qtmodeltester.check(panel.foreign_model)
    texts = [panel.foreign_model.index(0, c).data(Qt.ItemDataRole.DisplayRole)
             for c in range(panel.foreign_model.columnCount())]
    assert texts[:2] == ["CLAS-CVP01", "plan-1"] and texts[3:5] == ["2026", "CLAS"]
    assert texts[5] == "1 van 5 (k = 5)"  # Dutch first
    assert "andere registers" in panel.foreign_title.text()
    set_language("en")
    try:
        w.retranslate_ui()
        assert panel.foreign_model.headerData(0, Qt.Orientation.Horizontal,
                                              Qt.ItemDataRole.DisplayRole) == "Published by"
        assert "other registers" in panel.foreign_title.text()
    finally:
        set_language("nl")
    w.clear_for_lock()
    assert panel.foreign_model.rowCount() == 0 and panel.foreign_view.isHidden()


def test_the_check_says_which_values_earlier_reports_had_ruled_out(
        qtbot: QtBot, central: Register, tmp_path: Path) -> None:
    """"Check" on a chosen report does what `vertrouwd verify-publication` does, off the GUI
    thread: here a report published after CLAS's own report and the centre's Defence report
    had pinned a count between them; it holds, and the status line says how many values were
    already ruled out before it, of which figures, by which reports."""
    import datetime as dt

    from PySide6.QtCore import Qt

    from app.services.coordination.period_plan import publish_report
    from tests.services.test_foreign_publications import defence_then_clas

    defence_then_clas(central, tmp_path, True)
    publish_report(central, 2026, None, "csv", tmp_path / "c.csv", "en", 5,
                   today=dt.date(2027, 1, 15), component="CLAS")
    w = _window(qtbot, central)
    panel = w.coordination.publications
    w.coordination.tabs.setCurrentWidget(panel)
    assert not panel.check_button.isEnabled()  # nothing chosen yet
    for row, said in ((1, "Publicatie 1 klopt"), (0, "Publicatie 2 klopt")):
        panel.view.selectRow(row)  # newest first
        qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda said=said: not w.coordination.ops.busy
                        and said in w.coordination.status.text(), timeout=30_000)
    text = w.coordination.status.text()  # Dutch first
    assert "waarden van de verborgen cijfers" in text and "cases_new@CLAS / 2026-Q3" in text
    assert "(1: 2026 Defensie; 2026 CLAS (CLAS-CVP01, plan-1))" in text
    set_language("en")
    try:
        w.retranslate_ui()
        assert panel.check_button.text() == "Check"
    finally:
        set_language("nl")
    w.clear_for_lock()
