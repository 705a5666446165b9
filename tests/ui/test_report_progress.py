"""A central report from the coordination workspace (issue 19: the period plan takes tens of
seconds): a progress dialog with Cancel shows while the plan is made, its bar moves, and
Cancel writes nothing and records nothing in the ledger; the status line says so in one
sentence. A real central register with the seven components' files of a year imported (its
plan takes about 40 s of CPU when not cancelled), the real solver, real widgets."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from app.i18n import _
from app.models import codelists
from app.services.coordination import importing
from app.services.storage import vault
from app.services.storage.vault import Register
from app.settings import Settings
from app.ui.coordination import workspace as ws
from app.ui.register.main_window import MainWindow
from app.ui.shared.signals import AppSignals
from tests.conftest import PASSPHRASE
from tests.services import coordination_helpers as helpers
from tests.services.conftest import central_template  # noqa: F401 (fixture)
from tests.services.test_period_plan import _rows

pytestmark = pytest.mark.gui

YEAR = 2025  # over, whatever day the test runs: every quarter of it is in the report
DAY = dt.date(2026, 2, 1)


def _seven_components(template: Path, folder: Path) -> Register:
    """A central register with the four quarters of YEAR of all seven components."""
    shutil.copytree(template, folder)
    reg = vault.unlock(folder, PASSPHRASE)
    rng = random.Random(7)
    components = [c.code for c in codelists.load().components]
    coordinators = {c: helpers.new_sender(f"{c}-CVP01", c, "coordinator") for c in components}
    helpers.enrol(reg, *coordinators.values(), active_from=dt.date(YEAR, 1, 1))
    vps = {c: helpers.new_sender(f"{c}-VP001", c) for c in components}
    paths = []
    for q in (1, 2, 3, 4):
        quarter = f"{YEAR}-Q{q}"
        for c in components:
            inner = helpers.vp_file(vps[c], helpers.report_measures(rng), quarter=quarter)
            paths.append(helpers.write(folder.parent / "in", f"{c}-{quarter}.json",
                                       helpers.merged_file(coordinators[c], [inner])))
    plan = importing.plan_import(reg, paths, DAY)
    importing.apply_import(reg, plan, now=dt.datetime(2026, 1, 20, 9, 0))
    return reg


def _visible_progress(w: MainWindow) -> QProgressDialog | None:
    dialog = w.coordination.ops.progress_dialog
    return dialog if dialog is not None and dialog.isVisible() else None


def test_cancelling_a_central_report_writes_nothing_and_records_nothing(
        qtbot: QtBot, central_template: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    reg = _seven_components(central_template, tmp_path / "central")
    out = tmp_path / "out"
    out.mkdir()
    target = out / "defensie-2025.pdf"
    try:
        before = _rows(reg)
        w = MainWindow(AppSignals(), Settings(), today=lambda: DAY)
        qtbot.addWidget(w)
        w.show()
        w.attach(reg)
        monkeypatch.setattr(ws.ReportOptionsDialog, "exec",
                            lambda self: QDialog.DialogCode.Accepted)
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            lambda *a, **k: (str(target), "*.pdf"))
        assert w.coordination.write_report(YEAR, None) is not None
        # the plan takes a while: the progress dialog shows, and its bar moves
        qtbot.waitUntil(lambda: _visible_progress(w) is not None, timeout=60_000)
        dialog = _visible_progress(w)
        assert dialog is not None and dialog.windowTitle() == _("Report {period}").format(
            period=YEAR)
        qtbot.waitUntil(lambda: dialog.value() > 0, timeout=60_000)
        assert dialog.maximum() == 1000
        assert w.coordination.ops.busy and not w.coordination.toolbar.isEnabled()
        cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == _("Cancel"))
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not w.coordination.ops.busy, timeout=30_000)
        assert w.coordination.status.text() == _(
            "The report was cancelled; nothing was written.")
        assert list(out.iterdir()) == []
        assert _rows(reg) == before == []
        assert w.coordination.toolbar.isEnabled()
        assert w.coordination.ops.progress_dialog is None
    finally:
        reg.close()


def test_cancelling_the_annual_section_writes_none_of_its_files(
        qtbot: QtBot, central_template: Path, tmp_path: Path) -> None:
    reg = _seven_components(central_template, tmp_path / "central")
    folder = tmp_path / "annual"  # made by the section: gone again when cancelled
    try:
        w = MainWindow(AppSignals(), Settings(), today=lambda: DAY)
        qtbot.addWidget(w)
        w.show()
        w.attach(reg)
        assert w.coordination.start_annual(YEAR, folder, "en", 5) is not None
        qtbot.waitUntil(lambda: _visible_progress(w) is not None, timeout=60_000)
        dialog = _visible_progress(w)
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.value() > 0, timeout=60_000)
        cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == _("Cancel"))
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not w.coordination.ops.busy, timeout=30_000)
        assert w.coordination.status.text() == _(
            "The report was cancelled; nothing was written.")
        assert not folder.exists()
        assert _rows(reg) == []
    finally:
        reg.close()
