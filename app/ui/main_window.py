"""Minimal stand-in for the main window (issue 3 contract). Replaced at merge time by the
real register workspace; only the contract's methods and signals matter here."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from app.i18n import _
from app.models.entities import Case
from app.services import vault
from app.settings import Settings
from app.ui.signals import AppSignals


class MainWindow(QMainWindow):
    lock_requested = Signal()
    settings_requested = Signal()

    def __init__(self, signals: AppSignals, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.signals = signals
        self.settings = settings
        self.register: vault.Register | None = None
        self.cases = QListWidget()
        self.cases.setObjectName("case_list")
        self.quick_memo = QLineEdit()
        self.quick_memo.setObjectName("quick_memo")
        self.memo_label = QLabel()
        self._form = QFormLayout()
        self._form.addRow(self.memo_label, self.quick_memo)
        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        layout.addLayout(self._form)
        layout.addWidget(self.cases)
        self.setCentralWidget(self.content)
        self.file_menu = self.menuBar().addMenu("")
        self.lock_action = QAction(self)
        self.lock_action.triggered.connect(self.lock_requested)
        self.settings_action = QAction(self)
        self.settings_action.triggered.connect(self.settings_requested)
        self.quit_action = QAction(self)
        self.quit_action.triggered.connect(self.close)
        for action in (self.lock_action, self.settings_action, self.quit_action):
            self.file_menu.addAction(action)
        signals.data_changed.connect(lambda _change: self._reload())
        self.resize(900, 600)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Vertrouwd"))
        self.file_menu.setTitle(_("&File"))
        self.lock_action.setText(_("Lock"))
        self.settings_action.setText(_("Settings…"))
        self.quit_action.setText(_("Quit"))
        self.memo_label.setText(_("Memo"))

    def attach(self, register: vault.Register) -> None:
        self.register = register
        self.content.show()
        self._reload()

    def _reload(self) -> None:
        self.cases.clear()
        if self.register is None:
            return
        with self.register.session() as s:
            for case in s.scalars(select(Case).order_by(Case.opened_on.desc()).limit(500)):
                text = f"{case.opened_on.isoformat()}  {', '.join(case.topic_codes)}"
                self.cases.addItem(text + (f"  — {case.memo}" if case.memo else ""))

    def clear_for_lock(self) -> None:
        self.cases.clear()
        self.quick_memo.clear()
        self.content.hide()
        self.register = None

    def take_draft(self) -> dict[str, Any] | None:
        text = self.quick_memo.text()
        return {"memo": text} if text else None

    def restore_draft(self, draft: dict[str, Any]) -> None:
        self.quick_memo.setText(str(draft.get("memo", "")))
