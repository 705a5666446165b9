"""Tables filled while hidden, or before a live switch of language, keep no columns too narrow
for their headers: after a switch to a language with longer headers, and each tab shown once,
every column of every table in the window is at least as wide as its header asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.i18n import set_language
from app.services.coordination import importing
from app.services.storage.vault import Register
from tests.services.conftest import coordinator, coordinator_dir, coordinator_template  # noqa: F401
from tests.services.coordination_helpers import TODAY
from tests.ui.test_coordination_ui import _vp_folder, _window

pytestmark = pytest.mark.gui


def _too_narrow(window) -> list[str]:  # type: ignore[no-untyped-def]
    """'view[column] header: width < hint' for each column narrower than its header asks
    (the last column stretches; a table its panel hides on purpose is left out)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView

    out = []
    for view in window.findChildren(QTableView):
        model, header = view.model(), view.horizontalHeader()
        if model is None or view.isHidden():
            continue
        last = model.columnCount() - 1
        for c in range(model.columnCount()):
            if view.isColumnHidden(c) or (c == last and header.stretchLastSection()):
                continue
            if header.sectionSize(c) < header.sectionSizeHint(c):
                out.append(f"{view.objectName()}[{c}] "
                           f"{model.headerData(c, Qt.Orientation.Horizontal)!r}: "
                           f"{header.sectionSize(c)} < {header.sectionSizeHint(c)}")
    return out


@pytest.mark.parametrize("first, then", [("en", "nl"), ("nl", "en")])
def test_columns_fit_their_headers_after_a_switch_of_language(
        qtbot: QtBot, coordinator: Register, tmp_path: Path, first: str, then: str) -> None:
    set_language(first)
    try:
        _senders, _measures, folder = _vp_folder(coordinator, tmp_path)
        (folder / "kapot.json").unlink()
        importing.apply_import(coordinator, importing.plan_import(coordinator, [folder], TODAY))
        w = _window(qtbot, coordinator)  # the roster, who reported etc. filled while hidden
        tabs = w.coordination.tabs
        assert tabs.count() >= 4
        assert w.coordination.completeness.model.rowCount() == 3  # a table with rows to fit
        assert _too_narrow(w) == []

        set_language(then)
        w.retranslate_ui()
        assert _too_narrow(w) == []
        for i in range(tabs.count()):  # shown once each, in the new language
            tabs.setCurrentIndex(i)
            qtbot.waitUntil(lambda i=i: tabs.widget(i).isVisible())  # type: ignore[misc]
            assert _too_narrow(w) == [], tabs.tabText(i)
    finally:
        set_language("nl")
