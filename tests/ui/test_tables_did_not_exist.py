"""Issue 23 item 3 in the window: the coordinator's tables show "–" for a topic group in the
quarters whose files were recorded on a list that did not have it (2018.1 had no Zakelijke
integriteit), not 0, and the number where it existed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.i18n import set_language
from app.services.coordination.importing import apply_import, plan_import
from app.services.storage.vault import Register
from app.ui.coordination.tables import DID_NOT_EXIST, TablesPanel
from tests.services.conftest import coordinator, coordinator_dir, coordinator_template  # noqa: F401
from tests.services.coordination_helpers import TODAY, enrol, new_sender, write
from tests.test_cli_mixed_lists import cases, file_on


def _row(panel: TablesPanel, label: str) -> list[str]:
    model = panel.model
    for r in range(model.rowCount()):
        if model.index(r, 0).data().strip() == label:
            return [model.index(r, c).data() for c in range(1, model.columnCount())]
    raise AssertionError(f"no row {label!r}")


def test_a_group_that_did_not_exist_shows_a_dash_per_quarter(
        qtbot: QtBot, coordinator: Register, tmp_path: Path) -> None:
    set_language("en")
    old, new = new_sender("CLAS-OLDAA"), new_sender("CLAS-NEWAA")
    enrol(coordinator, old, new, active_from=dt.date(2026, 1, 1))
    folder = tmp_path / "stick"
    write(folder, "q1.json", file_on(old, cases({"pesten": 2, "overige": 1}), "2018.1",
                                     "2026-Q1"))
    write(folder, "q2-old.json", file_on(old, cases({"pesten": 1}), "2018.1", "2026-Q2"))
    write(folder, "q2-new.json", file_on(new, cases({"pesten": 1}), "2026.1", "2026-Q2"))
    write(folder, "q3.json", file_on(new, cases({"overschrijding_regels": 3, "pesten": 1}),
                                     "2026.1", "2026-Q3"))
    apply_import(coordinator, plan_import(coordinator, [folder], TODAY))
    panel = TablesPanel(lambda: TODAY)
    qtbot.addWidget(panel)
    panel.attach(coordinator)
    panel.select_quarter("2026-Q3")  # 2025-Q3 … 2026-Q3
    headers = [panel.model.headerData(c, Qt.Orientation.Horizontal) for c in range(1, 6)]
    assert headers == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    # no files in 2025: 0 as before; 2026-Q1 on 2018.1 only: "–"; Q2 also has a file on the
    # current list (the group existed, none counted): 0; Q3: the count
    assert _row(panel, "Business integrity") == ["0", "0", DID_NOT_EXIST, "0", "3"]
    assert _row(panel, "Breach of internal rules") == ["0", "0", DID_NOT_EXIST, "0", "3"]
    assert _row(panel, "Bullying") == ["0", "0", "2", "2", "1"]
    panel.select_year(2026)  # Q1..Q4, the year, the year before
    assert _row(panel, "Business integrity") == [DID_NOT_EXIST, "0", "3", "0", "3", "0"]

