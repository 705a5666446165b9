"""The coordination workspace: roster, who reported and the merged tables as tabs, with the
actions Import…, Forward…, Report…, My card… and (for a CVP) Central card….

Same lifecycle contract as the VP main window: attach(register), clear_for_lock(),
retranslate_ui(). Dialogs it opens are closed and emptied on lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError
from app.i18n import LANGUAGES, _, current_language
from app.services.changes import Change, ChangeKind
from app.services.confidant import exporting
from app.services.coordination import roster as roster_service
from app.services.storage.vault import Register
from app.settings import Settings
from app.ui.coordination.common import show_error
from app.ui.coordination.completeness import CompletenessPanel
from app.ui.coordination.forward_dialog import ForwardDialog
from app.ui.coordination.import_dialog import ImportDialog
from app.ui.coordination.roster import CardConfirmDialog, RosterPanel
from app.ui.coordination.tables import TablesPanel
from app.ui.signals import AppSignals

COORDINATION_ROLES = frozenset({"coordinator", "central"})


def workspaces_for(roles: Iterable[str]) -> tuple[bool, bool]:
    """(VP register workspace, coordination workspace) for a profile's roles."""
    roles = set(roles)
    return "vp" in roles, bool(roles & COORDINATION_ROLES)


class ReportOptionsDialog(QDialog):
    """Format, language and the minimum cell frequency k of a report for outside readers."""

    def __init__(self, period: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Report {period}").format(period=period))
        self.fmt = QComboBox()
        self.fmt.addItem("PDF", "pdf")
        self.fmt.addItem("CSV", "csv")
        self.lang = QComboBox()
        for code, name in LANGUAGES.items():
            self.lang.addItem(name, code)
        self.lang.setCurrentIndex(max(self.lang.findData(current_language()), 0))
        self.k = QSpinBox()
        self.k.setRange(3, 20)
        self.k.setValue(5)
        info = QLabel(_("A report is for readers outside the confidant network: counts below k "
                        "are shown as “< k” and hours are rounded."))
        info.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Format"), self.fmt)
        form.addRow(_("Language"), self.lang)
        form.addRow(_("Minimum count shown (k)"), self.k)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(buttons)


class CoordinationWorkspace(QWidget):
    def __init__(self, signals: AppSignals, settings: Settings, parent: QWidget | None = None,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(parent)
        self.setObjectName("coordination_workspace")
        self.signals = signals
        self.settings = settings
        self.today = today
        self.register: Register | None = None
        self.central = False
        self.dialogs: list[Any] = []  # open dialogs, closed on lock

        self.heading = QLabel()
        self.heading.setObjectName("coordination_heading")
        self.heading.setStyleSheet("font-size: 15px; font-weight: 600; padding: 4px 2px;")
        self.toolbar = QToolBar()
        self.roster = RosterPanel(today)
        self.completeness = CompletenessPanel(today)
        self.tables = TablesPanel(today)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.roster, "")
        self.tabs.addTab(self.completeness, "")
        self.tabs.addTab(self.tables, "")

        self.import_action = QAction(self)
        self.roster_action = QAction(self)
        self.completeness_action = QAction(self)
        self.tables_action = QAction(self)
        self.forward_action = QAction(self)
        self.report_action = QAction(self)
        self.card_action = QAction(self)
        self.central_card_action = QAction(self)
        self.import_action.triggered.connect(lambda: self.open_import())
        self.roster_action.triggered.connect(lambda: self.tabs.setCurrentWidget(self.roster))
        self.completeness_action.triggered.connect(
            lambda: self.tabs.setCurrentWidget(self.completeness))
        self.tables_action.triggered.connect(lambda: self.tabs.setCurrentWidget(self.tables))
        self.forward_action.triggered.connect(lambda: self.open_forward())
        self.report_action.triggered.connect(lambda: self.tables._report_clicked())
        self.card_action.triggered.connect(self._my_card_clicked)
        self.central_card_action.triggered.connect(self._central_card_clicked)
        for action in self.actions_in_menu():
            self.toolbar.addAction(action)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tabs, 1)

        self.roster.changed.connect(self.signals.data_changed)
        self.tables.report_requested.connect(self.write_report)
        self.signals.data_changed.connect(self.refresh)
        self.retranslate_ui()

    def actions_in_menu(self) -> list[QAction]:
        return [self.import_action, self.roster_action, self.completeness_action,
                self.tables_action, self.forward_action, self.report_action, self.card_action,
                self.central_card_action]

    # --- contract ------------------------------------------------------------------------
    def attach(self, register: Register) -> None:
        profile = roster_service.coordination_profile(register)
        self.register = register
        self.central = roster_service.is_central(profile)
        self.central_card_action.setVisible(not self.central)
        self._heading(profile.component)
        self.roster.attach(register)
        self.completeness.attach(register)
        self.tables.attach(register)

    def clear_for_lock(self) -> None:
        for dialog in self.dialogs:
            dialog.clear_for_lock()
            dialog.hide()
            dialog.deleteLater()
        self.dialogs = []
        self.register = None
        self.roster.clear_for_lock()
        self.completeness.clear_for_lock()
        self.tables.clear_for_lock()
        self.heading.clear()

    def retranslate_ui(self) -> None:
        self.tabs.setTabText(0, _("Roster"))
        self.tabs.setTabText(1, _("Who reported"))
        self.tabs.setTabText(2, _("Tables"))
        self.toolbar.setWindowTitle(_("Coordination"))
        self.import_action.setText(_("Import…"))
        self.roster_action.setText(_("Roster"))
        self.completeness_action.setText(_("Who reported"))
        self.tables_action.setText(_("Tables"))
        self.forward_action.setText(_("Forward…"))
        self.report_action.setText(_("Report…"))
        self.card_action.setText(_("My card…"))
        self.central_card_action.setText(_("Central card…"))
        self.roster.retranslate_ui()
        self.completeness.retranslate_ui()
        self.tables.retranslate_ui()
        if self.register is not None:
            profile = self.register.profile()
            if profile is not None:
                self._heading(profile.component)

    def _heading(self, component: str) -> None:
        self.heading.setText(_("Coordination, Defence level") if self.central else
                             _("Coordination of {component}").format(component=component))

    def refresh(self, _change: object = None) -> None:
        if self.register is None:
            return
        self.roster.refresh()
        self.completeness.refresh()
        self.tables.refresh()

    # --- dialogs ------------------------------------------------------------------------
    def _keep(self, dialog: Any) -> None:
        self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]
        dialog.finished.connect(lambda _r, d=dialog: self._forget(d))

    def _forget(self, dialog: Any) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
            dialog.deleteLater()

    def open_import(self, paths: list[Path] | None = None) -> ImportDialog | None:
        if self.register is None:
            return None
        dialog = ImportDialog(self.register, self.today, parent=self)
        dialog.imported.connect(
            lambda _result: self.signals.data_changed.emit(Change.of(ChangeKind.SUBMISSIONS)))
        if paths:
            dialog.set_paths(paths)
        self._keep(dialog)
        dialog.open()
        return dialog

    def open_forward(self) -> ForwardDialog | None:
        if self.register is None:
            return None
        dialog = ForwardDialog(self.register, self.today, parent=self)
        dialog.forwarded.connect(
            lambda _result: self.signals.data_changed.emit(Change.of(ChangeKind.SUBMISSIONS)))
        self._keep(dialog)
        dialog.open()
        return dialog

    # --- cards --------------------------------------------------------------------------
    def _my_card_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Save my card to folder"))
        if folder:
            self.write_my_card(Path(folder))

    def write_my_card(self, folder: Path) -> Path | None:
        if self.register is None:
            return None
        try:
            path = exporting.write_own_card(self.register, folder)
            groups = exporting.own_fingerprint_groups(self.register)
        except AppError as exc:
            show_error(self, exc.message)
            return None
        box = QMessageBox(QMessageBox.Icon.Information, _("My card"),
                          _("Card written to {path}.\n\nRead this fingerprint aloud when the "
                            "receiver enrols the card:\n\n{groups}").format(
                              path=path, groups=groups), parent=self)
        box.setObjectName("my_card_box")
        self._keep(box)
        box.clear_for_lock = box.close  # type: ignore[attr-defined]
        box.open()
        return path

    def _central_card_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Central card"), "", _("Vertrouwd card (*.json);;All files (*)"))
        if path:
            self.import_central_card(Path(path))

    def import_central_card(self, path: Path, *, confirm: bool = True) -> bool:
        """Show the card's fingerprint for comparison, then store it as the recipient."""
        if self.register is None:
            return False
        try:
            card = exporting.check_recipient_card_file(self.register, path)
        except AppError as exc:
            show_error(self, exc.message)
            return False
        dialog = CardConfirmDialog(card, self.today(), self, with_date=False)
        if confirm and dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        try:
            exporting.keep_recipient_card(self.register, card)
        except AppError as exc:
            show_error(self, exc.message)
            return False
        self.signals.data_changed.emit(Change.of(ChangeKind.RECIPIENT))
        return True

    # --- reports ------------------------------------------------------------------------
    def write_report(self, year: int, quarter: str | None) -> Path | None:
        if self.register is None:
            return None
        from app.services.coordination.report_data import write_report

        period = quarter or str(year)
        options = ReportOptionsDialog(period, self)
        if options.exec() != QDialog.DialogCode.Accepted:
            return None
        fmt = options.fmt.currentData()
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save report"), f"Vertrouwd-rapport-{period}.{fmt}", f"*.{fmt}")
        if not name:
            return None
        try:
            write_report(self.register, year, quarter, fmt, Path(name),
                                       options.lang.currentData(), options.k.value())
        except AppError as exc:
            show_error(self, exc.message)
            return None
        return Path(name)
