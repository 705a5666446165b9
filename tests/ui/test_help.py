"""Issue 22 item 7: "About" shows every fact whole on a laptop at 150 % (the dialog fits the
911×512 logical pixels left), selectable and copyable for the helpdesk; F1 opens the guide with
the wanted section at the top of the view and nothing wider than the view."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.i18n import set_language
from app.services.about import about_facts
from app.ui.register.help import TOPICS, AboutDialog, HelpWindow

pytestmark = pytest.mark.gui

# What 1366×768 at 150 % leaves a dialog (frame and taskbar off).
ROOM = QSize(895, 440)


def long_facts(tmp_path: Path) -> tuple[object, list[Path]]:
    deep = tmp_path / ("Gedeelde_map_van_de_vertrouwenspersonen_" * 3) / "VertrouwdData"
    where = [deep / "register", deep / "backups", deep / "settings.json"]
    return about_facts(where[0], where[1], where[2]), where


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_about_shows_every_path_whole_and_copies_it(qtbot: QtBot, tmp_path: Path,
                                                    lang: str) -> None:
    set_language(lang)
    facts, paths = long_facts(tmp_path)
    dialog = AboutDialog(facts)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.resize(dialog.size().boundedTo(ROOM))
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    assert dialog.width() <= ROOM.width() and dialog.height() <= ROOM.height()
    view = dialog.facts_view
    shown = view.toPlainText()
    for path in paths:
        assert str(path) in shown  # whole, not elided
    assert "SQLCipher 4" in shown and "EUPL" in shown
    # wrapped: nothing is wider than the view, so no line is cut at the right edge
    assert view.document().size().width() <= view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0
    assert view.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
    # selectable: Ctrl+A, Ctrl+C from the keyboard copies the paths too
    view.setFocus()
    view.selectAll()
    view.copy()
    assert str(paths[1]) in QGuiApplication.clipboard().text()
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert all(str(p) in copied for p in paths)
    assert copied.startswith(dialog.windowTitle())


@pytest.mark.parametrize(("lang", "topic"), [("nl", "export"), ("en", "export"),
                                             ("nl", "keyboard"), ("en", "settings")])
def test_help_opens_with_the_section_at_the_top(qtbot: QtBot, lang: str, topic: str) -> None:
    set_language(lang)
    window = HelpWindow(None, topic)
    qtbot.addWidget(window)
    window.resize(window.size().boundedTo(ROOM))
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    browser = window.browser
    heading = TOPICS[topic][lang]
    # the first line of the view (viewport coordinates) is the section's heading
    assert browser.cursorForPosition(QPoint(8, 8)).block().text() == heading
    assert browser.document().size().width() <= browser.viewport().width()
    # a narrower window wraps anew and keeps the section at the top
    window.resize(window.width() - 200, window.height())
    QApplication.processEvents()
    assert browser.cursorForPosition(QPoint(8, 8)).block().text() == heading
    assert browser.document().size().width() <= browser.viewport().width()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_help_topic_has_its_section_in_the_guide(qtbot: QtBot, lang: str) -> None:
    set_language(lang)
    window = HelpWindow(None)
    qtbot.addWidget(window)
    headings = {line.lstrip("#").strip() for line in
                window.path.read_text(encoding="utf-8").splitlines() if line.startswith("#")}
    for topic, heading in TOPICS.items():
        assert heading[lang] in headings, topic
        assert window.show_topic(topic), topic
