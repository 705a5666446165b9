"""The quick entry of a register on an older topic list offers that list's topics."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.models import codelists
from app.services.confidant.cases import CaseService
from app.services.storage import vault
from app.ui.confidant.quick_entry import CODE_ROLE, QuickEntry
from tests.conftest import PASSPHRASE, TODAY


def _topics(entry: QuickEntry) -> set[str]:
    """The codes of the topics offered (group headings carry none)."""
    items = (entry.topic_list.item(i) for i in range(entry.topic_list.count()))
    return {code for item in items if (code := item.data(CODE_ROLE))}


def test_quick_entry_offers_the_register_s_own_topic_list(qtbot: QtBot, tmp_path: Path) -> None:
    entry = QuickEntry(lambda: TODAY)
    qtbot.addWidget(entry)
    assert "arbeidsconflict" in _topics(entry) and "overige" not in _topics(entry)
    historic, _ = vault.create_register(tmp_path / "oud", PASSPHRASE, component="CLAS",
                                        codelist_version="2018.1")
    try:
        entry.attach(CaseService(historic, today=lambda: TODAY))
        assert _topics(entry) == {t.code for t in codelists.load("2018.1").topics}
        assert "arbeidsconflict" not in _topics(entry)
    finally:
        historic.close()
