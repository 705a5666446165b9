"""The main window: the confidant's register workspace (filter bar, cases, case detail, quick
entry, activities, quarter panel) and/or the coordination workspace, chosen by the profile's
roles on attach (a coordinator is often a VP as well: then both, as top-level tabs).
Views refresh on `AppSignals.data_changed`; none reaches into another."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError, FieldError
from app.i18n import _, current_language, format_number, ngettext
from app.models import codelists
from app.models.periods import Quarter
from app.services.changes import EVERYTHING, Change, ChangeKind
from app.services.confidant import queries
from app.services.confidant.cases import CaseService
from app.services.storage import vault
from app.settings import Settings
from app.ui.activities import ActivitiesTab
from app.ui.case_dialogs import CloseCaseDialog, ContactDialog, EditCaseDialog, confirm
from app.ui.coordination.workspace import CoordinationWorkspace, workspaces_for
from app.ui.formatting import label, short_date, topic_labels
from app.ui.item_models import CaseTableModel, ContactTableModel, selected_row
from app.ui.quarter_panel import QuarterPanel
from app.ui.quick_entry import QuickEntry
from app.ui.signals import AppSignals
from app.ui.views import table_view


class CaseDetail(QGroupBox):
    """The selected case: facts, memo, contact moments and what can be done with it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: queries.CaseDetail | None = None
        self.fields = {k: QLabel() for k in ("topics", "status", "outcome", "referrals", "memo")}
        self.captions = {k: QLabel() for k in self.fields}
        form = QFormLayout()
        for key, lab in self.fields.items():
            lab.setWordWrap(True)
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(self.captions[key], lab)
        self.contacts_model = ContactTableModel(self)
        self.contacts = table_view(self.contacts_model, sortable=True)
        self.contacts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.buttons = {k: QPushButton() for k in (
            "add_contact", "close", "reopen", "edit", "delete", "edit_contact", "delete_contact")}
        # Two rows, so the detail pane leaves room for the case list on a laptop screen.
        case_row = QGridLayout()
        for i, key in enumerate(("add_contact", "close", "reopen", "edit", "delete")):
            case_row.addWidget(self.buttons[key], i // 3, i % 3)
        case_row.setColumnStretch(3, 1)
        contact_row = QHBoxLayout()
        contact_row.addStretch(1)
        contact_row.addWidget(self.buttons["edit_contact"])
        contact_row.addWidget(self.buttons["delete_contact"])
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(case_row)
        layout.addWidget(self.error)
        layout.addWidget(self.contacts, 1)
        layout.addLayout(contact_row)
        self.retranslate_ui()
        self.show_case(None, None)

    def retranslate_ui(self) -> None:
        self.setTitle(_("Case") if self.detail is None else
                      _("Case opened {date}").format(date=short_date(self.detail.opened_on)))
        for key, text in {"topics": _("Topics"), "status": _("Status"), "outcome": _("Outcome"),
                          "referrals": _("Referrals"), "memo": _("Memo")}.items():
            self.captions[key].setText(text)
        for key, text in {"add_contact": _("Add contact moment"), "close": _("Close case…"),
                          "reopen": _("Reopen"), "edit": _("Edit…"), "delete": _("Delete case…"),
                          "edit_contact": _("Edit contact moment…"),
                          "delete_contact": _("Delete contact moment…")}.items():
            self.buttons[key].setText(text)
        self.contacts_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 2)
        self._fill()

    def show_case(self, register: vault.Register | None, case_id: int | None) -> None:
        self.error.hide()
        self.detail = queries.case_detail(register, case_id) if register and case_id else None
        self.contacts_model.set_case(register if self.detail else None,
                                     case_id if self.detail else None)
        self._fill()
        self.setTitle(_("Case") if self.detail is None else
                      _("Case opened {date}").format(date=short_date(self.detail.opened_on)))

    def _fill(self) -> None:
        d = self.detail
        lists = codelists.load()
        for button in self.buttons.values():
            button.setEnabled(d is not None)
        if d is None:
            for lab in self.fields.values():
                lab.clear()
            return
        topics = topic_labels(d.topics)
        if d.grounds:
            grounds = ", ".join(lists.label(lists.discrimination_grounds, g, current_language())
                                for g in d.grounds)
            topics += " (" + grounds + ")"
        self.fields["topics"].setText(topics)
        self.fields["status"].setText(
            _("open") if d.status == "open" else
            _("closed on {date}").format(date=short_date(d.closed_on)))
        self.fields["outcome"].setText(label(lists.outcomes, d.outcome) or "–")
        self.fields["referrals"].setText(
            "; ".join(f"{label(lists.referral_targets, t)} ({short_date(on)})"
                      for t, on in d.referrals) or "–")
        self.fields["memo"].setText(d.memo or "–")
        self.buttons["close"].setEnabled(d.status == "open")
        self.buttons["add_contact"].setEnabled(d.status == "open")
        self.buttons["reopen"].setEnabled(d.status == "closed")

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class MainWindow(QMainWindow):
    lock_requested = Signal()
    settings_requested = Signal()

    def __init__(self, signals: AppSignals, settings: Settings, parent: QWidget | None = None,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(parent)
        self.signals = signals
        self.settings = settings
        self.today = today
        self.register: vault.Register | None = None
        self.service: CaseService | None = None
        self.setObjectName("main_window")
        self.resize(1280, 800)
        self._build_filter_bar()
        self._build_register_tabs(today)
        self._build_workspaces()
        self._build_menus()
        self._show_workspaces()
        self._connect()
        self._fill_filters()
        self.retranslate_ui()

    def _build_filter_bar(self) -> None:
        self.filter_bar = QToolBar()
        self.filter_bar.setMovable(False)
        self.addToolBar(self.filter_bar)
        self.period_combo = QComboBox()
        self.topic_combo = QComboBox()
        self.status_combo = QComboBox()
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(200)
        self.filter_captions = [QLabel(), QLabel(), QLabel()]
        for caption, combo in zip(
            self.filter_captions,
            (self.period_combo, self.topic_combo, self.status_combo),
            strict=True,
        ):
            caption.setContentsMargins(8, 0, 4, 0)
            self.filter_bar.addWidget(caption)
            self.filter_bar.addWidget(combo)
        spacer = QWidget()
        spacer.setFixedWidth(12)
        self.filter_bar.addWidget(spacer)
        self.filter_bar.addWidget(self.search_edit)

    def _build_register_tabs(self, today: Callable[[], dt.date]) -> None:
        """The VP register: quick entry, cases with their detail and the quarter; activities."""
        self.cases_model = CaseTableModel(self)
        self.cases_view = table_view(self.cases_model, sortable=True)
        self.cases_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.cases_view.setWordWrap(False)
        self.cases_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        widths = {"opened_on": 92, "status": 82, "topics": 190, "contacts": 70, "minutes": 100,
                  "last_contact": 100, "closed_on": 92, "outcome": 200}
        for column, (key, _msgid) in enumerate(self.cases_model.columns):
            self.cases_view.setColumnWidth(column, widths[key])
        self.cases_count = QLabel()
        self.detail = CaseDetail()
        self.quick_entry = QuickEntry(today)
        self.quarter_panel = QuarterPanel(today)
        self.activities = ActivitiesTab(today)

        cases_page = QWidget()
        cases_col = QVBoxLayout(cases_page)
        cases_col.addWidget(self.cases_view, 1)
        cases_col.addWidget(self.cases_count)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.detail)
        right.addWidget(self.quarter_panel)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        middle = QSplitter(Qt.Orientation.Horizontal)
        middle.addWidget(self.quick_entry)
        middle.addWidget(cases_page)
        middle.addWidget(right)
        middle.setStretchFactor(0, 0)
        middle.setStretchFactor(1, 3)
        middle.setStretchFactor(2, 2)
        middle.setSizes([340, 660, 400])
        self.tabs = QTabWidget()
        self.tabs.addTab(middle, "")
        self.tabs.addTab(self.activities, "")

    def _build_workspaces(self) -> None:
        """The VP register and coordination, shown by the profile's roles."""
        self.has_vp, self.has_coordination = True, False
        self.coordination: CoordinationWorkspace | None = None  # built for a coordinator only
        self.coordination_menu: QMenu | None = None
        self.workspaces = QTabWidget()
        self.workspaces.setObjectName("workspaces")
        self.workspaces.setDocumentMode(True)
        self.workspaces.addTab(self.tabs, "")
        self.workspaces.currentChanged.connect(self._workspace_changed)
        self.setCentralWidget(self.workspaces)

    def _build_menus(self) -> None:
        self.file_menu = self.menuBar().addMenu("")
        self.new_action = QAction(self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.triggered.connect(self.focus_quick_entry)
        self.lock_action = QAction(self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_requested)
        self.settings_action = QAction(self)
        self.settings_action.triggered.connect(self.settings_requested)
        self.search_action = QAction(self)
        self.search_action.setShortcut(QKeySequence("Ctrl+F"))
        self.search_action.triggered.connect(lambda: self.search_edit.setFocus())
        for action in (self.new_action, self.search_action, self.settings_action, self.lock_action):
            self.file_menu.addAction(action)
            self.addAction(action)
        self.quarter_menu = self.menuBar().addMenu("")
        self.export_action = QAction(self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.open_export)
        self.cards_action = QAction(self)
        self.cards_action.triggered.connect(self.open_cards)
        for action in (self.export_action, self.cards_action):
            self.quarter_menu.addAction(action)
            self.addAction(action)

    def _connect(self) -> None:
        self.period_combo.currentIndexChanged.connect(self.apply_filter)
        self.topic_combo.currentIndexChanged.connect(self.apply_filter)
        self.status_combo.currentIndexChanged.connect(self.apply_filter)
        self.search_edit.textChanged.connect(self.apply_filter)
        self.cases_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.cases_model.modelReset.connect(self._after_case_reset)
        self.quick_entry.saved.connect(self._emit_change)
        self.activities.changed.connect(self._emit_change)
        self.signals.data_changed.connect(self.refresh)
        self.signals.language_changed.connect(lambda _lang: self.retranslate_ui())
        b = self.detail.buttons
        b["add_contact"].clicked.connect(self._add_contact_to_selected)
        b["close"].clicked.connect(self._close_case)
        b["reopen"].clicked.connect(self._reopen_case)
        b["edit"].clicked.connect(self._edit_case)
        b["delete"].clicked.connect(self._delete_case)
        b["edit_contact"].clicked.connect(self._edit_contact)
        b["delete_contact"].clicked.connect(self._delete_contact)

    # --- contract ------------------------------------------------------------------------
    def attach(self, register: vault.Register) -> None:
        profile = register.profile()
        self.has_vp, self.has_coordination = workspaces_for(
            profile.role_list if profile is not None else ("vp",))
        if self.has_coordination:
            self._ensure_coordination().attach(register)
        self._show_workspaces()
        self.register = register
        if not self.has_vp:
            self.retranslate_ui()
            return
        self.service = CaseService(register, today=self.today)
        self._fill_filters()
        self.cases_model.register = register
        self.apply_filter()
        self.quick_entry.attach(self.service)
        self.activities.attach(self.service)
        self.quarter_panel.set_register(register)
        self.focus_quick_entry()

    def clear_for_lock(self) -> None:
        self.register = None
        self.service = None
        self.cases_model.clear()
        self.detail.show_case(None, None)
        self.quick_entry.clear_for_lock()
        self.activities.clear_for_lock()
        self.quarter_panel.clear()
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.cases_count.clear()
        self._fill_filters()
        if self.coordination is not None:
            self.coordination.clear_for_lock()

    def take_draft(self) -> dict[str, Any] | None:
        return self.quick_entry.take_draft()

    def restore_draft(self, draft: dict[str, Any]) -> None:
        self.quick_entry.restore_draft(draft)

    def open_export(self) -> None:
        """The quarterly export screen (preview, write, history, receipts)."""
        if self.register is None:
            return
        from app.ui.export_dialog import ExportDialog

        ExportDialog(self.register, self.signals, self.settings, self, today=self.today).exec()

    def open_cards(self) -> None:
        if self.register is None:
            return
        from app.ui.cards_dialog import CardsDialog

        CardsDialog(self.register, self.signals, self.settings, self).exec()

    def _ensure_coordination(self) -> CoordinationWorkspace:
        if self.coordination is None:
            self.coordination = CoordinationWorkspace(self.signals, self.settings,
                                                      today=self.today)
            self.workspaces.addTab(self.coordination, "")
            self.coordination_menu = self.menuBar().addMenu("")
            for action in self.coordination.actions_in_menu():
                self.coordination_menu.addAction(action)
            self.retranslate_ui()
        return self.coordination

    def _show_workspaces(self) -> None:
        both = self.has_vp and self.has_coordination
        self.workspaces.setTabVisible(0, self.has_vp)
        if self.coordination is not None:
            self.workspaces.setTabVisible(1, self.has_coordination)
        if self.coordination_menu is not None:
            self.coordination_menu.menuAction().setVisible(self.has_coordination)
        self.workspaces.tabBar().setVisible(both)
        self.workspaces.setCurrentIndex(0 if self.has_vp else 1)
        for action in (self.new_action, self.search_action, self.export_action, self.cards_action):
            action.setEnabled(self.has_vp)
        self.quarter_menu.menuAction().setVisible(self.has_vp)
        self._workspace_changed(self.workspaces.currentIndex())

    def _workspace_changed(self, index: int) -> None:
        self.filter_bar.setVisible(self.has_vp and index == 0)

    def show_coordination(self) -> None:
        if self.has_coordination and self.coordination is not None:
            self.workspaces.setCurrentWidget(self.coordination)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Vertrouwd — register") if self.has_vp and not self.has_coordination
                            else _("Vertrouwd — coordination") if not self.has_vp
                            else _("Vertrouwd — register and coordination"))
        self.quarter_menu.setTitle(_("&Quarter"))
        self.export_action.setText(_("Quarterly export…"))
        self.cards_action.setText(_("Enrolment cards…"))
        self.workspaces.setTabText(0, _("My register"))
        if self.coordination is not None and self.coordination_menu is not None:
            self.workspaces.setTabText(1, _("Coordination"))
            self.coordination_menu.setTitle(_("&Coordination"))
            self.coordination.retranslate_ui()
        self.file_menu.setTitle(_("&Register"))
        self.new_action.setText(_("New contact moment"))
        self.search_action.setText(_("Search memo"))
        self.settings_action.setText(_("Settings…"))
        self.lock_action.setText(_("Lock"))
        self.filter_bar.setWindowTitle(_("Filter"))
        for caption, text in zip(self.filter_captions, (_("Period"), _("Topic"), _("Status")),
                                 strict=True):
            caption.setText(text)
        self.search_edit.setPlaceholderText(_("Search in memos (Ctrl+F)"))
        self.tabs.setTabText(0, _("Cases"))
        self.tabs.setTabText(1, _("Activities"))
        self._fill_filters()
        self.cases_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                                self.cases_model.columnCount() - 1)
        self.quick_entry.retranslate_ui()
        self.detail.retranslate_ui()
        self.activities.retranslate_ui()
        self.quarter_panel.retranslate_ui()
        self._update_count()

    # --- filters -------------------------------------------------------------------------
    def _periods(self) -> list[tuple[str, str | None]]:
        periods: list[tuple[str, str | None]] = [(_("All periods"), None)]
        for quarter in reversed(Quarter.of(self.today()).back(8)):
            periods.append((str(quarter), str(quarter)))
        year = self.today().year
        periods += [(str(y), str(y)) for y in range(year, year - 5, -1)]
        return periods

    def _fill_filters(self) -> None:
        lang = current_language()
        lists = codelists.load()
        keep = (self.period_combo.currentData(), self.topic_combo.currentData(),
                self.status_combo.currentData())
        combos = (self.period_combo, self.topic_combo, self.status_combo)
        for combo in combos:
            combo.blockSignals(True)
            combo.clear()
        for text, value in self._periods():
            self.period_combo.addItem(text, value)
        self.topic_combo.addItem(_("All topics"), None)
        for group in lists.topic_groups:
            for topic in group.topics:
                self.topic_combo.addItem(topic.label(lang), topic.code)
        self.status_combo.addItem(_("Open and closed"), None)
        self.status_combo.addItem(_("open"), "open")
        self.status_combo.addItem(_("closed"), "closed")
        for combo, value in zip(combos, keep, strict=True):
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)

    def current_filter(self) -> queries.CaseFilter:
        return queries.CaseFilter(
            period=self.period_combo.currentData(),
            topic=self.topic_combo.currentData(),
            status=self.status_combo.currentData(),
            memo_search=self.search_edit.text(),
        )

    def apply_filter(self, *_args: Any) -> None:
        if self.register is None:
            return
        self.cases_model.set_filter(self.current_filter())

    def _update_count(self) -> None:
        if self.register is None:
            self.cases_count.clear()
            return
        total = self.cases_model.total
        self.cases_count.setText(
            ngettext("{count} case", "{count} cases", total).format(count=format_number(total)))

    # --- refresh ---------------------------------------------------------------------------
    def _emit_change(self, change: Change) -> None:
        self.signals.data_changed.emit(change)

    def refresh(self, change: Change | None = None) -> None:
        """Reload what ``change`` touches (None: everything)."""
        if self.register is None or self.service is None:
            return
        change = change or Change(EVERYTHING)
        if change.touches(ChangeKind.CASES, ChangeKind.CONTACTS):
            self.cases_model.reload()
            self.quick_entry.reload_cases()
        if change.touches(ChangeKind.ACTIVITIES):
            self.activities.refresh()
        self.quarter_panel.refresh()

    def _after_case_reset(self) -> None:
        self._update_count()
        self.detail.show_case(self.register, self._selected_case_id)

    _selected_case_id: int | None = None

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        row = selected_row(self.cases_view)
        self._selected_case_id = row.id if row is not None else None
        self.detail.show_case(self.register, self._selected_case_id)

    def focus_quick_entry(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.quick_entry.focus_first()

    # --- case actions ------------------------------------------------------------------------
    def _run(self, action: Callable[[], Change]) -> bool:
        try:
            change = action()
        except (FieldError, AppError) as exc:
            self.detail.show_error(exc.message)
            return False
        self._emit_change(change)
        return True

    def _add_contact_to_selected(self) -> None:
        d = self.detail.detail
        if d is None:
            return
        self.quick_entry.start_follow_up(d.id)

    def _close_case(self) -> None:
        d, service = self.detail.detail, self.service
        if d is None or service is None:
            return
        dialog = CloseCaseDialog(lambda v: self._emit_change(service.close_case(d.id, **v)),
                                 self.today(), self)
        dialog.exec()

    def _reopen_case(self) -> None:
        d, service = self.detail.detail, self.service
        if d is not None and service is not None:
            self._run(lambda: service.reopen_case(d.id))

    def _edit_case(self) -> None:
        d, service = self.detail.detail, self.service
        if d is None or service is None:
            return
        EditCaseDialog(d, lambda v: self._emit_change(service.update_case(d.id, **v)), self,
                       service.lists).exec()

    def _delete_case(self) -> None:
        d, service = self.detail.detail, self.service
        if d is None or service is None:
            return
        if confirm(self, _("Delete case"),
                   _("Delete this case with all its contact moments? This cannot be undone.")):
            self._selected_case_id = None
            self._run(lambda: service.delete_case(d.id))

    def _edit_contact(self) -> None:
        row, service = selected_row(self.detail.contacts), self.service
        if row is None or service is None:
            return
        ContactDialog(_("Edit contact moment"),
                      lambda v: self._emit_change(service.update_contact(row.id, **v)),
                      self.today(), row.on, row.minutes, row.mode,
                      codelists.load().contact_modes, "mode", _("Mode"), self).exec()

    def _delete_contact(self) -> None:
        row, service = selected_row(self.detail.contacts), self.service
        if row is None or service is None:
            return
        if confirm(self, _("Delete contact moment"),
                   _("Delete this contact moment? This cannot be undone.")):
            self._run(lambda: service.delete_contact(row.id))
