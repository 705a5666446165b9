"""Small helpers for GUI tests: real data in a real register, and what is visible on screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QListWidget, QWidget
from pytestqt.qtbot import QtBot

from app.models.entities import Case, CaseTopic, ContactMoment
from app.services.storage import vault
from app.ui.shared.worker import tasks_pending


def add_case(register: vault.Register, memo: str, n: int = 1) -> None:
    with register.session() as s:
        for i in range(n):
            day = dt.date(2026, 1, 1) + dt.timedelta(days=i)
            case = Case(opened_on=day, status="open", memo=memo)
            case.topics.append(CaseTopic(topic="pesten"))
            s.add(case)
            s.flush()
            s.add(ContactMoment(case_id=case.id, on=day, minutes=45,
                                mode="telefoon"))


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` key by key, any character. (QTest's keyClicks aborts the
    whole process on a character it has no key for, such as the ë of a Windows user folder
    "C:\\users\\Zoë Çelik": 0xC0000409 in the Windows lane, with no test failing.)"""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, char))


def visible_texts() -> list[str]:
    """Every text a user could read in a visible widget right now."""
    texts: list[str] = []
    for widget in QApplication.allWidgets():
        if not widget.isVisible():
            continue
        if isinstance(widget, (QLabel, QLineEdit, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, QListWidget):
            texts.extend(widget.item(i).text() for i in range(widget.count()))
        texts.append(widget.windowTitle())
    return texts


def passphrase_file(tmp: Path, passphrase: str) -> Path:
    path = tmp / "pass.txt"
    path.write_text(passphrase, encoding="utf-8")
    return path


def settle(qtbot: QtBot) -> None:
    """Wait until what a key or click started off the GUI thread (a save, a delete) has
    landed back on it: a person's next key comes later than a single-row write."""
    qtbot.waitUntil(lambda: not tasks_pending(), timeout=15_000)
