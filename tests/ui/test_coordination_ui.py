"""The coordination workspace with real registers: import dry run and transaction, cancel,
roster, who reported, workspaces by role, the models, and locking."""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.export.measures import Measures, merge_all
from app.i18n import _
from app.services.coordination import importing, merging
from app.services.coordination.importing import ImportStatus
from app.services.storage import vault
from app.services.storage.vault import Register
from app.settings import Settings
from app.ui.coordination.completeness import (
    CompletenessModel,
    CompletenessPanel,
    QuarterCountsModel,
)
from app.ui.coordination.forward_dialog import ForwardDialog
from app.ui.coordination.import_dialog import ImportDialog, PlanModel
from app.ui.coordination.roster import RosterModel, RosterPanel
from app.ui.coordination.tables import FiguresModel, TablesPanel
from app.ui.register.main_window import MainWindow
from app.ui.shared.signals import AppSignals
from tests.conftest import PASSPHRASE, snapshot
from tests.services.conftest import coordinator, coordinator_dir, coordinator_template  # noqa: F401
from tests.services.coordination_helpers import (
    QUARTER,
    TODAY,
    enrol,
    new_sender,
    random_measures,
    vp_file,
    write,
)

pytestmark = pytest.mark.gui

BUSY = Measures(cases_new=3, cases_closed=1, cases_open_end=2, contacts_first=3,
                contacts_followup=4, minutes_contacts=240, topics={"pesten": 2, "stalking": 1},
                modes={"telefoon": 5, "persoonlijk": 2}, outcomes={"doorverwezen": 1},
                referrals={"bmw": 1}, minutes_activities={"voorlichting": 90})
QUIET = Measures(cases_new=1, contacts_first=1, minutes_contacts=45, topics={"intimidatie": 1},
                 modes={"video": 1}, cases_open_end=1)


def today() -> dt.date:
    return TODAY


def _vp_folder(coordinator, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Three enrolled VPs with a file each (one nil return) and one damaged file."""
    senders = [new_sender(f"CLAS-UI{i}") for i in range(3)]
    enrol(coordinator, *senders)
    measures = [BUSY, QUIET, Measures()]
    folder = tmp_path / "stick"
    for s, m in zip(senders, measures, strict=True):
        write(folder, f"{s.code}.json", vp_file(s, m))
    write(folder, "kapot.json", b'{"format": "vertrouwd", ')
    return senders, measures, folder


def _dry_run(qtbot: QtBot, dialog: ImportDialog) -> None:
    dialog.start_dry_run()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)


def _statuses(model: PlanModel) -> list[ImportStatus]:
    return [row.status for row in model.rows]


def _closed_snapshot(register: Register) -> dict[str, bytes]:
    """The register's files as they are at rest (closed: WAL checkpointed, no -shm)."""
    register.close()
    return snapshot(register.folder)


def test_import_dialog_dry_run_then_one_transaction_then_already_imported(
        qtbot, coordinator_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    reg = vault.unlock(coordinator_dir, PASSPHRASE)
    _senders, measures, folder = _vp_folder(reg, tmp_path)
    before = _closed_snapshot(reg)
    reg = vault.unlock(coordinator_dir, PASSPHRASE)
    receipts = tmp_path / "receipts"
    dialog = ImportDialog(reg, today, receipts_dir=receipts)
    qtbot.addWidget(dialog)
    dialog.set_paths([folder])
    _dry_run(qtbot, dialog)

    assert sorted(_statuses(dialog.model)) == sorted(
        [ImportStatus.NEW] * 3 + [ImportStatus.REFUSED]
    )
    refused = next(r for r in dialog.model.rows if r.status == ImportStatus.REFUSED)
    row = dialog.model.rows.index(refused)
    reason = dialog.model.index(row, 2).data()
    assert reason == refused.reason and reason.endswith(".")
    assert "bestand" in reason.lower()  # the reason sentence is Dutch
    assert dialog.model.index(row, 0).data() == "kapot.json"
    assert dialog.import_button.isEnabled()
    assert ": 3" in dialog.counts.text() and ": 1" in dialog.counts.text()
    dialog.close()
    assert _closed_snapshot(reg) == before  # the dry run wrote nothing

    reg = vault.unlock(coordinator_dir, PASSPHRASE)
    dialog = ImportDialog(reg, today, receipts_dir=receipts)
    qtbot.addWidget(dialog)
    dialog.set_paths([folder])
    _dry_run(qtbot, dialog)
    dialog.import_button.click()
    assert dialog.busy  # the transaction runs off the GUI thread
    dialog.ops.wait()
    assert dialog.import_result is not None, dialog.message.text()
    assert dialog.import_result.added == 3, dialog.message.text()
    table = merging.quarter_table(reg, QUARTER)
    assert table.measures == merge_all(measures)
    assert len(table.counted) == 3
    assert len(list(receipts.iterdir())) == 3
    assert not dialog.import_button.isEnabled()
    dialog.close()
    before = _closed_snapshot(reg)

    reg = vault.unlock(coordinator_dir, PASSPHRASE)
    again = ImportDialog(reg, today, receipts_dir=tmp_path / "receipts2")
    qtbot.addWidget(again)
    again.set_paths([folder])
    _dry_run(qtbot, again)
    assert sorted(_statuses(again.model)) == sorted(
        [ImportStatus.ALREADY_IMPORTED] * 3 + [ImportStatus.REFUSED])
    assert not again.import_button.isEnabled()  # nothing to import
    assert merging.quarter_table(reg, QUARTER).measures == merge_all(measures)
    again.close()
    assert _closed_snapshot(reg) == before


def test_cancelled_dry_run_leaves_the_register_byte_identical(
        qtbot, coordinator_dir, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    reg = vault.unlock(coordinator_dir, PASSPHRASE)
    _senders, _measures, folder = _vp_folder(reg, tmp_path)
    before = _closed_snapshot(reg)
    reg = vault.unlock(coordinator_dir, PASSPHRASE)
    real = importing.plan_import

    def cancelled_after_first_file(
            register, paths, today, *, on_progress=None, cancel=None):  # type: ignore[no-untyped-def]
        def progress(done: int, total: int) -> None:
            on_progress(done, total)
            cancel_button_pressed()
        return real(register, paths, today, on_progress=progress, cancel=cancel)

    monkeypatch.setattr(importing, "plan_import", cancelled_after_first_file)
    dialog = ImportDialog(reg, today, receipts_dir=tmp_path / "receipts")
    qtbot.addWidget(dialog)

    def cancel_button_pressed() -> None:  # what the progress dialog's Cancel button does
        dialog.ops.progress_dialog.canceled.emit()
        # Emitted from the worker thread, the signal reaches the dialog queued: wait until the
        # GUI thread has set the flag, as it would have long before a user's click lands.
        deadline = time.monotonic() + 10
        while not (dialog.ops.progress and dialog.ops.progress.cancelled):
            assert time.monotonic() < deadline, "Cancel never reached the dialog"
            time.sleep(0.005)

    dialog.set_paths([folder])
    _dry_run(qtbot, dialog)
    assert dialog.message.text() == _("The dry run was cancelled; nothing was imported.")
    assert dialog.plan is None and dialog.model.rowCount() == 0
    assert not dialog.import_button.isEnabled()
    assert dialog.confirm_import() is None  # nothing to carry out
    assert merging.quarter_table(reg, QUARTER).counted == ()
    dialog.close()
    assert _closed_snapshot(reg) == before
    assert not (tmp_path / "receipts").exists()


def test_roster_card_import_deactivation_and_completeness(
        qtbot: QtBot, coordinator: Register, tmp_path: Path) -> None:
    panel = RosterPanel(today)
    qtbot.addWidget(panel)
    panel.attach(coordinator)
    newcomer = new_sender("CLAS-NIEUW")
    card = write(tmp_path, "kaart.json", newcomer.card())
    assert panel.import_card_file(card, confirm=False) is not None
    assert panel.ops.busy and not panel.import_button.isEnabled()  # off the GUI thread
    panel.ops.wait()
    member = next(m for m in panel.model.rows if m.code == "CLAS-NIEUW")
    dialog = panel.card_dialog
    assert newcomer.code in [w.text() for w in dialog.findChildren(QLabel)]
    assert dialog.fingerprint.text() == member.fingerprint_groups
    assert not dialog.ok.isEnabled()  # only after the comparison is confirmed
    dialog.compared.setChecked(True)
    assert dialog.ok.isEnabled()
    texts = [panel.model.index(0, c).data() for c in range(panel.model.columnCount())]
    assert texts[0] == "CLAS-NIEUW" and texts[4] == member.fingerprint_groups and texts[6] == "–"
    assert texts[1] == "–"  # no nickname yet
    panel.deactivate("CLAS-NIEUW", dt.date(2026, 6, 30))
    panel.ops.wait()
    assert panel.model.index(0, 6).data() == "30-06-2026"
    assert panel.set_nickname("CLAS-NIEUW", "  Nieuwe   VP ") is not None
    panel.ops.wait()
    assert panel.model.index(0, 1).data() == "Nieuwe VP"  # one line, spaces tidied

    reporter, nil_sender, silent = (new_sender(c) for c in ("CLAS-RAP", "CLAS-NUL", "CLAS-STIL"))
    enrol(coordinator, reporter, nil_sender, silent)
    stick = tmp_path / "stick"
    write(stick, "a.json", vp_file(reporter, BUSY))
    write(stick, "b.json", vp_file(nil_sender, Measures()))
    importing.apply_import(coordinator, importing.plan_import(coordinator, [stick], TODAY))

    grid = CompletenessPanel(today)
    qtbot.addWidget(grid)
    grid.attach(coordinator)
    model = grid.model
    column = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == QUARTER
    )
    shown = {model.index(r, 0).data(): model.index(r, column) for r in range(model.rowCount())}
    assert model.cell_at(shown["CLAS-RAP"]).status == "reported"
    assert shown["CLAS-RAP"].data().startswith("●")
    assert model.cell_at(shown["CLAS-NUL"]).status == "nil"
    assert shown["CLAS-NUL"].data().startswith("○")
    assert model.cell_at(shown["CLAS-STIL"]).status == "missing"
    assert shown["CLAS-STIL"].data().startswith("✕")
    assert "CLAS-NIEUW" not in shown  # deactivated before the quarter: not expected
    counts = grid.counts_model.rows[[r.quarter for r in grid.counts_model.rows].index(QUARTER)]
    assert (counts.expected, counts.received, counts.nil, counts.missing) == (3, 2, 1, 1)


def _window(qtbot, register):  # type: ignore[no-untyped-def]
    w = MainWindow(AppSignals(), Settings(), today=today)
    qtbot.addWidget(w)
    w.show()
    w.attach(register)
    return w


@pytest.mark.parametrize("roles, vp, coordination", [
    (("vp", "coordinator"), True, True),
    (("vp",), True, False),
    (("coordinator",), False, True),
])
def test_workspaces_follow_the_profile_roles(
        qtbot, tmp_path, roles, vp, coordination) -> None:  # type: ignore[no-untyped-def]
    register, _code = vault.create_register(tmp_path / "r", PASSPHRASE, roles=roles,
                                            component="CLAS")
    try:
        w = _window(qtbot, register)
        assert w.workspaces.isTabVisible(0) is vp
        assert w.tabs.isVisible() is vp
        assert w.filter_bar.isVisible() is vp  # the VP workspace comes first when present
        if coordination:
            assert w.coordination is not None
            w.show_coordination()
            assert w.coordination.isVisible()
            assert w.coordination_menu is not None and w.coordination_menu.menuAction().isVisible()
        else:
            assert w.coordination is None
        assert w.workspaces.tabBar().isVisible() is (vp and coordination)
        assert not (coordination and w.filter_bar.isVisible())  # VP filters hide in coordination
        w.clear_for_lock()
    finally:
        register.close()


def _busy_register(coordinator, tmp_path):  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    senders = [new_sender(f"CLAS-M{i:02d}") for i in range(8)]
    enrol(coordinator, *senders)
    stick = tmp_path / "many"
    for q in ("2026-Q1", "2026-Q2", "2026-Q3"):
        for s in senders[:-1]:
            write(stick, f"{s.code}-{q}.json", vp_file(s, random_measures(rng), quarter=q))
    importing.apply_import(coordinator, importing.plan_import(coordinator, [stick], TODAY))
    return senders


def test_every_coordination_model_passes_the_model_tester(
        qtmodeltester: ModelTester, qtbot: QtBot, coordinator: Register, tmp_path: Path) -> None:
    _busy_register(coordinator, tmp_path)
    panel = RosterPanel(today)
    qtbot.addWidget(panel)
    panel.attach(coordinator)
    assert panel.model.rowCount() == 8
    qtmodeltester.check(panel.model)

    plan = PlanModel()
    write(tmp_path / "bad", "x.json", b"nope")
    plan.set_rows(importing.plan_import(coordinator, [tmp_path / "many", tmp_path / "bad"],
                                        TODAY).items)
    assert plan.rowCount() == 22
    qtmodeltester.check(plan)

    grid = CompletenessModel()
    grid.set_grid(merging.completeness(coordinator, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]))
    assert grid.rowCount() == 8 and grid.columnCount() == 5
    qtmodeltester.check(grid)
    counts = QuarterCountsModel()
    counts.set_rows(list(merging.completeness(coordinator, ["2026-Q3"]).counts.values()))
    qtmodeltester.check(counts)

    tables = TablesPanel(today)
    qtbot.addWidget(tables)
    tables.attach(coordinator)
    assert tables.model.rowCount() > 10
    qtmodeltester.check(tables.model)
    tables.select_year(2026)
    assert tables.model.columnCount() == 7
    qtmodeltester.check(tables.model)
    for model in (panel.model, plan, grid, counts, tables.model):
        model.clear()
        assert model.rowCount() == 0
        qtmodeltester.check(model)
    empty = FiguresModel()
    qtmodeltester.check(empty)
    qtmodeltester.check(RosterModel())


def test_forward_dialog_warns_without_central_card_and_shows_file_and_fingerprint(
        qtbot: QtBot, coordinator: Register, tmp_path: Path) -> None:
    _busy_register(coordinator, tmp_path)
    dialog = ForwardDialog(coordinator, today, out_dir=tmp_path / "out")
    qtbot.addWidget(dialog)
    dialog.select_quarter("2026-Q3")
    dialog.show()
    assert dialog.warning.isVisible()
    assert dialog.write() is not None
    dialog.ops.wait()
    result = dialog.forward_result
    assert result is not None and result.unsealed_warning and result.path.exists()
    assert result.path.name in dialog.outcome.text()
    assert result.sha256[:5].upper() in dialog.outcome.text()


def test_clear_for_lock_leaves_no_counts_or_codes(
        qtbot: QtBot, coordinator: Register, tmp_path: Path) -> None:
    senders = _busy_register(coordinator, tmp_path)
    w = _window(qtbot, coordinator)
    w.coordination.tabs.setCurrentWidget(w.coordination.completeness)
    dialog = w.coordination.open_import([tmp_path / "many"])
    w.coordination.open_forward()

    def texts() -> list[str]:
        out = []
        for widget in QApplication.allWidgets():
            if isinstance(widget, QLabel) and widget.isVisible():
                out.append(widget.text())
        for view in w.findChildren(QTableView):
            m = view.model()
            out += [str(m.index(r, c).data()) for r in range(m.rowCount())
                    for c in range(m.columnCount())]
        return out

    assert any(senders[0].code in t for t in texts())
    w.clear_for_lock()
    after = texts()
    assert not any(s.code in t for s in senders for t in after)
    assert not any("CLAS" in t for t in after)
    for view in w.findChildren(QTableView):
        assert view.model().rowCount() == 0, view
    assert not dialog.isVisible() and w.coordination.dialogs == []


def test_report_action_writes_a_disclosure_controlled_pdf(
        qtbot: QtBot, coordinator: Register, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The coordinator reaches the report from the workspace; the PDF states the rule."""
    from pypdf import PdfReader
    from PySide6.QtWidgets import QDialog, QFileDialog

    from app.ui.coordination import workspace as ws

    _busy_register(coordinator, tmp_path)
    w = _window(qtbot, coordinator)
    target = tmp_path / "rapport.pdf"
    monkeypatch.setattr(ws.ReportOptionsDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "*.pdf"))
    assert w.coordination.report_action.isEnabled()
    task = w.coordination.write_report(2026, None)
    assert task is not None
    qtbot.waitUntil(lambda: not w.coordination.ops.busy, timeout=30_000)
    assert target.read_bytes().startswith(b"%PDF")
    assert str(target) in w.coordination.status.text()
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "< 5" in text or "1 tot en met 4" in text


def test_annual_section_from_the_workspace_writes_pdf_csv_and_docx(
        qtbot: QtBot, coordinator: Register, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The coordinator reaches the annual section from the workspace (the action opens the
    dialog: year, language, k, folder); three files arrive and the status line names them;
    the network counts the roster (8 enrolled, 7 reported in Q1-Q3, 21 of 24 reports)."""
    import csv
    import io

    import docx
    from PySide6.QtWidgets import QDialog

    from app.ui.coordination.annual_dialog import AnnualDialog

    _busy_register(coordinator, tmp_path)
    w = _window(qtbot, coordinator)
    target = tmp_path / "jaarverslag"
    seen: list[AnnualDialog] = []

    def accept(dialog: AnnualDialog) -> QDialog.DialogCode:
        seen.append(dialog)
        dialog.folder.setText(str(target))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AnnualDialog, "exec", accept)
    assert w.coordination.annual_action in w.coordination.actions_in_menu()
    w.coordination.annual_action.trigger()
    assert seen and seen[0].year.currentData() == 2026 and seen[0].lang.currentData() == "nl"
    qtbot.waitUntil(lambda: not w.coordination.ops.busy and target.exists(),
                    timeout=30_000)
    qtbot.waitUntil(lambda: "jaarverslag-vertrouwenspersonen-2026-CLAS.docx"
                    in w.coordination.status.text(), timeout=30_000)
    files = sorted(p.name for p in target.iterdir())
    assert files == [f"jaarverslag-vertrouwenspersonen-2026-CLAS.{e}" for e in
                     ("csv", "docx", "pdf")]
    rows = list(csv.reader(io.StringIO((target / files[0]).read_text("utf-8-sig")),
                           delimiter=";"))
    network = {r[3]: r[6] for r in rows if len(r) > 6 and r[1] == "network"}
    assert (network["enrolled@CLAS"], network["active@CLAS"]) == ("8", "7")
    assert (network["reports_expected@CLAS"], network["reports_arrived@CLAS"]) == ("24", "21")
    text = " ".join(p.text for p in docx.Document(str(target / files[1])).paragraphs)
    assert "van de 24 kwartaalrapportages" in text and "kwamen er 21 binnen" in text
    assert (target / files[2]).read_bytes().startswith(b"%PDF")


def test_annual_dialog_waits_for_a_folder(qtbot: QtBot, tmp_path: Path) -> None:
    from app.ui.coordination.annual_dialog import AnnualDialog

    dialog = AnnualDialog(TODAY, central=True, k=7, folder=tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.k.value() == 7 and dialog.year.currentData() == 2026
    dialog.folder.setText("  ")
    dialog._accept()
    assert dialog.result() != dialog.DialogCode.Accepted and dialog.folder.placeholderText()
    dialog.folder.setText(str(tmp_path / "uit"))
    dialog._accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.choice() == (2026, tmp_path / "uit", "nl", 7)
