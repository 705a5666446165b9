"""The main window: the confidant's register workspace (cases with their filter, quick entry,
case detail and quarter; activities; the year overview) and/or the coordination workspace,
chosen by the profile's roles on attach (a coordinator is often a VP as well: then both, as
top-level tabs). Views refresh on `AppSignals.data_changed`; none reaches into another.

It fits a laptop screen: the panes sit in splitters and scroll areas, the window opens no
larger than the screen's available area, and every field stays reachable at 150 % scaling.
Narrower than 1100 logical pixels (1366×768 at 150 %) quick entry and the quarter have a page
of their own and the case list sits beside the selected case, each pane the whole height: ten
and more cases and the whole case in view, nothing scrolled inside another scrolling pane.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
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
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, current_language, format_number, ngettext
from app.models import codelists
from app.models.periods import Quarter
from app.services.changes import EVERYTHING, Change, ChangeKind
from app.services.confidant import queries
from app.services.confidant.cases import CaseService
from app.services.storage import vault
from app.settings import Settings
from app.ui.confidant.activities import ActivitiesTab
from app.ui.confidant.case_dialogs import CloseCaseDialog, ContactDialog, EditCaseDialog, confirm
from app.ui.confidant.quarter_panel import QuarterPanel
from app.ui.confidant.quick_entry import QuickEntry
from app.ui.confidant.year_overview import YearOverviewTab
from app.ui.coordination.workspace import CoordinationWorkspace, workspaces_for
from app.ui.register.help import set_help_topic
from app.ui.shared.accessible import caption, describe_table, name
from app.ui.shared.formatting import label, short_date, topic_labels
from app.ui.shared.icons import icon
from app.ui.shared.item_models import CaseTableModel, ContactTableModel, selected_row
from app.ui.shared.ops import Ops
from app.ui.shared.screen import ScrollArea, fit_to_screen, restore_geometry
from app.ui.shared.signals import AppSignals
from app.ui.shared.style import set_role
from app.ui.shared.views import EmptyState, fit_headers, table_view

PREFERRED_SIZE = QSize(1280, 800)
# Below this width (a 1366×768 screen at 150 % leaves 911 logical pixels) quick entry and the
# quarter get a page of their own, and the case detail sits beside the case list.
NARROW_BELOW = 1100


class CaseDetail(QGroupBox):
    """The selected case: facts, memo, contact moments and what can be done with it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("case_detail")
        self.detail: queries.CaseDetail | None = None
        self.fields = {k: QLabel() for k in ("topics", "status", "outcome", "referrals", "memo")}
        self.captions = {k: QLabel() for k in self.fields}
        form = QFormLayout()
        for key, lab in self.fields.items():
            lab.setWordWrap(True)
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(self.captions[key], lab)
            self.captions[key].setBuddy(lab)  # read as the value's caption
        self.contacts_model = ContactTableModel(self)
        self.contacts = table_view(self.contacts_model, sortable=True)
        self.contacts.setObjectName("contacts_view")
        self.contacts.setMinimumHeight(72)
        # It takes the pane's spare height, but does not ask for more: a table's own
        # preference (192 pixels) made the pane scroll at 150 % (issue 22, item 3).
        self.contacts.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.contacts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.contacts_empty = EmptyState(self.contacts, self._empty_text)
        self.buttons = {k: QPushButton() for k in (
            "add_contact", "close", "reopen", "edit", "delete", "edit_contact", "delete_contact")}
        self.buttons["add_contact"].setIcon(icon("new"))
        # Rows of two, so the detail pane stays narrow beside the case list on a laptop screen;
        # "Close case…" and "Reopen" share a place: only the one that applies is shown.
        case_row = QGridLayout()
        for key, row, column in (("add_contact", 0, 0), ("close", 0, 1), ("reopen", 0, 1),
                                 ("edit", 1, 0), ("delete", 1, 1)):
            case_row.addWidget(self.buttons[key], row, column)
        case_row.setColumnStretch(2, 1)
        contact_row = QHBoxLayout()
        contact_row.addStretch(1)
        contact_row.addWidget(self.buttons["edit_contact"])
        contact_row.addWidget(self.buttons["delete_contact"])
        self.error = QLabel()
        set_role(self.error, "error")
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

    def _empty_text(self) -> str:
        return _("Select a case in the list to see its contact moments.") \
            if self.detail is None else ""

    def retranslate_ui(self) -> None:
        self._title()
        for key, text in {"topics": _("Topics"), "status": _("Status"), "outcome": _("Outcome"),
                          "referrals": _("Referrals"), "memo": _("Memo")}.items():
            self.captions[key].setText(text)
        for key, text in {"add_contact": _("Add contact moment"), "close": _("Close case…"),
                          "reopen": _("Reopen"), "edit": _("Edit…"), "delete": _("Delete case…"),
                          "edit_contact": _("Edit contact moment…"),
                          "delete_contact": _("Delete contact moment…")}.items():
            self.buttons[key].setText(text)
        describe_table(self.contacts, _("Contact moments of the case"),
                       _("One row per contact moment: date, duration and mode."))
        self.contacts_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 2)
        self._fill()
        self.contacts_empty.update()

    def _title(self) -> None:
        self.setTitle(_("Case") if self.detail is None else
                      _("Case opened {date}").format(date=short_date(self.detail.opened_on)))

    def show_case(self, register: vault.Register | None, case_id: int | None) -> None:
        self.error.hide()
        self.detail = queries.case_detail(register, case_id) if register and case_id else None
        self.contacts_model.set_case(register if self.detail else None,
                                     case_id if self.detail else None)
        self._fill()
        self._title()
        self.contacts_empty.update()

    def _fill(self) -> None:
        d = self.detail
        lists = codelists.load()
        for button in self.buttons.values():
            button.setEnabled(d is not None)
        if d is None:
            for lab in self.fields.values():
                lab.clear()
            self._show_close_or_reopen()
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
        self._show_close_or_reopen()

    def _show_close_or_reopen(self) -> None:
        closed = self.detail is not None and self.detail.status == "closed"
        self.buttons["close"].setHidden(closed)
        self.buttons["reopen"].setHidden(not closed)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class FilterBar(QWidget):
    """Period, topic, status and the memo search of the case list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filter_bar")
        self.period_combo = QComboBox()
        self.topic_combo = QComboBox()
        self.status_combo = QComboBox()
        for combo in (self.period_combo, self.topic_combo, self.status_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(9)
        self.topic_combo.setMinimumContentsLength(14)
        # a few short choices: as wide as the longest, never cut ("Open en afgesloten" at 150 %)
        self.status_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_combo.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("memo_search")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search_edit.setMinimumWidth(160)
        self.captions = [QLabel(), QLabel(), QLabel()]
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for caption_label, combo in zip(
            self.captions, (self.period_combo, self.topic_combo, self.status_combo), strict=True
        ):
            row.addWidget(caption_label)
            row.addWidget(combo, 1)
            row.addSpacing(6)
        row.addWidget(self.search_edit, 2)

    def retranslate_ui(self) -> None:
        for caption_label, text, combo in zip(
                self.captions, (_("&Period"), _("Top&ic"), _("&Status")),
                (self.period_combo, self.topic_combo, self.status_combo), strict=True):
            caption(caption_label, text, combo)
        self.search_edit.setPlaceholderText(_("Search in memos (Ctrl+F)"))
        name(self.search_edit, _("Search in memos"),
             _("Shows only the cases whose memo contains this text."))


class MainWindow(QMainWindow):
    lock_requested = Signal()
    settings_requested = Signal()
    about_requested = Signal()
    quit_requested = Signal()

    def __init__(self, signals: AppSignals, settings: Settings, parent: QWidget | None = None,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(parent)
        self.signals = signals
        self.settings = settings
        self.today = today
        self.register: vault.Register | None = None
        self.service: CaseService | None = None
        self.setObjectName("main_window")
        self._build_register_tabs(today)
        self._build_workspaces()
        self._build_menus()
        # Which topic list the register records with, and since when (issue 23).
        self.codelist_label = QLabel()
        self.codelist_label.setObjectName("codelist_label")
        self.statusBar().addPermanentWidget(self.codelist_label)
        self._show_workspaces()
        self._connect()
        self._fill_filters()
        self.retranslate_ui()
        fit_to_screen(self, PREFERRED_SIZE, centre=True)
        restore_geometry(self, settings.window_geometry)

    # --- building ------------------------------------------------------------------------
    @property
    def period_combo(self) -> QComboBox:
        return self.filter_bar.period_combo

    @property
    def topic_combo(self) -> QComboBox:
        return self.filter_bar.topic_combo

    @property
    def status_combo(self) -> QComboBox:
        return self.filter_bar.status_combo

    @property
    def search_edit(self) -> QLineEdit:
        return self.filter_bar.search_edit

    def _build_cases_view(self) -> None:
        self.cases_model = CaseTableModel(self)
        self.cases_view = table_view(self.cases_model, sortable=True)
        self.cases_view.setObjectName("cases_view")
        self.cases_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.cases_view.setWordWrap(False)
        self.cases_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        widths = {"opened_on": 92, "status": 82, "topics": 190, "contacts": 70, "minutes": 100,
                  "last_contact": 100, "closed_on": 92, "outcome": 200}
        for column, (key, _msgid) in enumerate(self.cases_model.columns):
            self.cases_view.setColumnWidth(column, widths[key])
        self.cases_empty = EmptyState(self.cases_view, self._cases_empty_text)
        self.cases_count = QLabel()
        self.cases_count.setObjectName("cases_count")

    def _build_register_tabs(self, today: Callable[[], dt.date]) -> None:
        """The VP register: filters and quick entry, cases with their detail and the quarter;
        activities; the year overview."""
        self.filter_bar = FilterBar()
        self._build_cases_view()
        self.detail = CaseDetail()
        self.ops = Ops(self, lambda error: self.detail.show_error(error.message),
                       self._emit_change)
        self.quick_entry = QuickEntry(today)
        self.quarter_panel = QuarterPanel(today)
        self.activities = ActivitiesTab(today)
        self.overview = YearOverviewTab(today)

        self.cases_column = QWidget()
        cases_col = QVBoxLayout(self.cases_column)
        cases_col.setContentsMargins(0, 0, 0, 0)
        cases_col.addWidget(self.cases_view, 1)
        cases_col.addWidget(self.cases_count)
        self.quick_scroll = ScrollArea(self.quick_entry)
        self.detail_scroll = ScrollArea(self.detail)
        self.quarter_scroll = ScrollArea(self.quarter_panel)
        # Wide: quick entry | cases | (detail over quarter), one page. Narrow: a page of its own
        # for quick entry beside the quarter, and the cases beside the selected case.
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.side = QSplitter(Qt.Orientation.Vertical)
        self.entry_split = QSplitter(Qt.Orientation.Horizontal)
        for split in (self.splitter, self.side, self.entry_split):
            split.setChildrenCollapsible(False)
        for pane in (self.quick_scroll, self.cases_column, self.detail_scroll,
                     self.quarter_scroll):
            pane.setMinimumWidth(220)
            pane.setMinimumHeight(90)
            pane.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.quick_scroll.setMinimumWidth(270)
        self.cases_page = QWidget()
        page = QVBoxLayout(self.cases_page)
        page.setContentsMargins(4, 4, 4, 4)
        page.addWidget(self.filter_bar)
        page.addWidget(self.splitter, 1)
        self.entry_page = QWidget()
        entry = QVBoxLayout(self.entry_page)
        entry.setContentsMargins(4, 4, 4, 4)
        entry.addWidget(self.entry_split)
        set_help_topic(self.cases_page, "contact")
        set_help_topic(self.entry_page, "contact")
        set_help_topic(self.activities, "activities")
        set_help_topic(self.overview, "overview")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("register_tabs")
        self.tabs.addTab(self.cases_page, "")
        self.tabs.addTab(self.activities, "")
        self.tabs.addTab(self.overview, "")
        self.narrow: bool | None = None
        self._arrange(narrow=False)

    def _arrange(self, *, narrow: bool) -> None:
        """Wide: one page, quick entry | cases | detail over quarter. Narrow (a 1366×768
        screen at 150 %): quick entry with the quarter on a page of their own, and the case
        list beside the selected case, each pane the whole height (issue 22, item 3)."""
        if narrow == self.narrow:
            return
        self.narrow = narrow
        focus = self.focusWidget()  # also before the window is first shown
        showing = self.tabs.currentWidget()
        at_cases = focus is not None and self.cases_page.isAncestorOf(focus) \
            and not self.quick_entry.isAncestorOf(focus)
        if narrow:
            self.entry_split.insertWidget(0, self.quick_scroll)
            self.entry_split.insertWidget(1, self.quarter_scroll)
            self.entry_split.setSizes([390, 510])
            self.splitter.insertWidget(0, self.cases_column)
            self.splitter.insertWidget(1, self.detail_scroll)
            self.side.setParent(None)
            self.splitter.setSizes([470, 430])
            self.tabs.insertTab(0, self.entry_page, "")
        else:
            self.tabs.removeTab(self.tabs.indexOf(self.entry_page))
            self.side.insertWidget(0, self.detail_scroll)
            self.side.insertWidget(1, self.quarter_scroll)
            self.side.setSizes([380, 300])
            self.splitter.insertWidget(0, self.quick_scroll)
            self.splitter.insertWidget(1, self.cases_column)
            self.splitter.insertWidget(2, self.side)
            self.splitter.setStretchFactor(0, 0)
            self.splitter.setStretchFactor(1, 3)
            self.splitter.setStretchFactor(2, 2)
            self.splitter.setSizes([330, 520, 440])
        self.quick_entry.set_titled(not narrow)
        self._name_tabs()
        if showing in (self.activities, self.overview):
            self.tabs.setCurrentWidget(showing)
        elif at_cases:
            self.tabs.setCurrentWidget(self.cases_page)
        else:  # where the window opens, and where the focus was
            self.show_quick_entry()
        if focus is not None and focus.isVisible():
            focus.setFocus()

    def show_quick_entry(self) -> None:
        """The page that holds quick entry: its own when narrow, the cases page when wide."""
        self.tabs.setCurrentWidget(self.entry_page if self.narrow else self.cases_page)

    def _name_tabs(self) -> None:
        for page, text in ((self.entry_page, _("New contact moment")),
                           (self.cases_page, _("Cases")), (self.activities, _("Activities")),
                           (self.overview, _("Year overview"))):
            index = self.tabs.indexOf(page)
            if index >= 0:
                self.tabs.setTabText(index, text)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._arrange(narrow=event.size().width() < NARROW_BELOW)

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

    def _action(self, menu: QMenu, icon_name: str | None, slot: Callable[[], Any],
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None
                ) -> QAction:
        action = QAction(self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        self.file_menu = self.menuBar().addMenu("")
        self.new_action = self._action(self.file_menu, "new", self.focus_quick_entry, "Ctrl+N")
        self.search_action = self._action(self.file_menu, "search", self.focus_search,
                                          "Ctrl+F")
        self.undo_action = self._action(self.file_menu, "undo", self.undo,
                                        QKeySequence.StandardKey.Undo)
        self.file_menu.addSeparator()
        self.settings_action = self._action(self.file_menu, "settings",
                                            self.settings_requested.emit)
        self.lock_action = self._action(self.file_menu, "lock", self.lock_requested.emit,
                                        "Ctrl+L")
        self.file_menu.addSeparator()
        self.quit_action = self._action(self.file_menu, "quit", self.quit_requested.emit,
                                        "Ctrl+Q")
        self.quarter_menu = self.menuBar().addMenu("")
        self.export_action = self._action(self.quarter_menu, "export", self.open_export,
                                          "Ctrl+E")
        self.cards_action = self._action(self.quarter_menu, "cards", self.open_cards)
        self.help_menu = self.menuBar().addMenu("")
        self.help_action = self._action(self.help_menu, "help", self.open_help,
                                        QKeySequence.StandardKey.HelpContents)
        self.about_action = self._action(self.help_menu, None, self.about_requested.emit)

    def _connect(self) -> None:
        self.period_combo.currentIndexChanged.connect(self.apply_filter)
        self.topic_combo.currentIndexChanged.connect(self.apply_filter)
        self.status_combo.currentIndexChanged.connect(self.apply_filter)
        self.search_edit.textChanged.connect(self.apply_filter)
        self.cases_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.cases_view.activated.connect(lambda _index: self._edit_case())  # Enter opens it
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
        self.overview.set_register(register)
        self.quarter_panel.set_register(register)
        self._update_undo()
        self._update_codelist()
        self.focus_quick_entry()

    def _update_codelist(self) -> None:
        """'Topic list 2026.1 since 2020-Q1' (or without 'since' when never moved)."""
        if self.register is None or not self.has_vp:
            self.codelist_label.clear()
            return
        periods = [(start, v) for start, v in self.register.codelist_periods()
                   if start is None or start <= Quarter.of(self.today())]
        start, version = periods[-1]
        self.codelist_label.setText(
            _("Topic list {version}").format(version=version) if start is None else
            _("Topic list {version} since {quarter}").format(version=version,
                                                              quarter=str(start)))

    def clear_for_lock(self) -> None:
        self.register = None
        self.service = None
        self.cases_model.clear()
        self.detail.show_case(None, None)
        self.quick_entry.clear_for_lock()
        self.activities.clear_for_lock()
        self.overview.set_register(None)
        self.quarter_panel.clear()
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.cases_count.clear()
        self.codelist_label.clear()
        self.statusBar().clearMessage()
        self._fill_filters()
        self._update_undo()
        if self.coordination is not None:
            self.coordination.clear_for_lock()

    def take_draft(self) -> dict[str, Any] | None:
        return self.quick_entry.take_draft()

    def restore_draft(self, draft: dict[str, Any]) -> None:
        self.quick_entry.restore_draft(draft)

    def open_export(self) -> None:
        """The quarterly export screen (preview, write, history, receipts)."""
        if self.register is None or not self.has_vp:
            return
        from app.ui.confidant.export_dialog import ExportDialog

        ExportDialog(self.register, self.signals, self.settings, self, today=self.today).exec()

    def open_cards(self) -> None:
        if self.register is None or not self.has_vp:
            return
        from app.ui.register.cards_dialog import CardsDialog

        CardsDialog(self.register, self.signals, self.settings, self).exec()

    def open_help(self) -> None:
        from app.ui.register.help import open_help_for

        open_help_for(self.focusWidget() or self.workspaces.currentWidget(), self)

    def _ensure_coordination(self) -> CoordinationWorkspace:
        if self.coordination is None:
            self.coordination = CoordinationWorkspace(self.signals, self.settings,
                                                      today=self.today)
            self.workspaces.addTab(self.coordination, "")
            self.coordination_menu = QMenu(self)
            self.menuBar().insertMenu(self.help_menu.menuAction(), self.coordination_menu)
            for action in self.coordination.actions_in_menu():
                self.coordination_menu.addAction(action)
                self.addAction(action)  # its shortcut works wherever the focus is
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
        # With one workspace its hidden tab list (the tab widget's focus proxy) must leave the
        # focus chain, or Tab stops there and a screen reader announces it (issue 22, High 1).
        policy = Qt.FocusPolicy.TabFocus if both else Qt.FocusPolicy.NoFocus
        self.workspaces.setFocusPolicy(policy)
        self.workspaces.tabBar().setFocusPolicy(policy)
        self.workspaces.setCurrentIndex(0 if self.has_vp else 1)
        for action in (self.new_action, self.search_action, self.export_action, self.cards_action,
                       self.undo_action):
            action.setEnabled(self.has_vp)
        self.quarter_menu.menuAction().setVisible(self.has_vp)
        self._workspace_changed(self.workspaces.currentIndex())
        if not self.has_vp and self.coordination is not None:
            # A coordinator's window opens with the focus on its navigation (Roster, Who
            # reported, Tables), not on nothing: the first key already does something.
            self.coordination.tabs.setFocus()

    def _workspace_changed(self, index: int) -> None:
        self.new_action.setEnabled(self.has_vp and index == 0)
        self.search_action.setEnabled(self.has_vp and index == 0)

    def show_coordination(self) -> None:
        if self.has_coordination and self.coordination is not None:
            self.workspaces.setCurrentWidget(self.coordination)

    def title(self) -> str:
        """The window title, without the program's name (the system adds it once)."""
        if self.has_vp and self.has_coordination:
            return _("Register and coordination")
        return _("Coordination") if not self.has_vp else _("My register")

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.title())
        self.file_menu.setTitle(_("&Register"))
        # Every item with its letter (the menus are used by keyboard: a letter, not a count of
        # arrow presses).
        self.new_action.setText(_("&New contact moment"))
        self.search_action.setText(_("&Search memos"))
        self.settings_action.setText(_("Se&ttings…"))
        self.lock_action.setText(_("&Lock"))
        self.quit_action.setText(_("&Quit"))
        self.quarter_menu.setTitle(_("&Quarter"))
        self.export_action.setText(_("Quarterly &export…"))
        self.cards_action.setText(_("Enrolment &cards…"))
        self.help_menu.setTitle(_("&Help"))
        self.help_action.setText(_("User &guide"))
        self.about_action.setText(_("&About Vertrouwd"))
        self.workspaces.setTabText(0, _("My register"))
        name(self.workspaces.tabBar(), _("Workspaces"))
        if self.coordination is not None and self.coordination_menu is not None:
            self.workspaces.setTabText(1, _("Coordination"))
            self.coordination_menu.setTitle(_("Coordi&nation"))
            self.coordination.retranslate_ui()
        self.filter_bar.retranslate_ui()
        self._name_tabs()
        name(self.tabs.tabBar(), _("Register views"))
        describe_table(self.cases_view, _("Cases"),
                       _("One row per case that passes the filter: opened, status, topics, "
                         "contact moments, time, last contact, closed, outcome. Select a case "
                         "to see it on the right."))
        self._fill_filters()
        self.cases_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                                self.cases_model.columnCount() - 1)
        fit_headers(self.cases_view)  # set widths, widened where a header needs more
        self.quick_entry.retranslate_ui()
        self.detail.retranslate_ui()
        self.activities.retranslate_ui()
        self.overview.retranslate_ui()
        self.quarter_panel.retranslate_ui()
        self._update_count()
        self._update_undo()
        self._update_codelist()
        self.cases_empty.update()

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

    def filtering(self) -> bool:
        return self.current_filter() != queries.CaseFilter()

    def apply_filter(self, *_args: Any) -> None:
        if self.register is None:
            return
        self.cases_model.set_filter(self.current_filter())

    def _cases_empty_text(self) -> str:
        if self.register is None:
            return ""
        if self.filtering():
            return _("No case matches this filter. Clear the search or choose “All periods”, "
                     "“All topics” and “Open and closed”.")
        return _("No cases yet. Ctrl+N puts the cursor in “New contact moment”: a first "
                 "contact moment opens a case.")

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
        if change.touches(ChangeKind.CASES, ChangeKind.CONTACTS, ChangeKind.ACTIVITIES):
            self.overview.refresh()
        self.quarter_panel.refresh()
        self._update_undo()

    _selected_case_id: int | None = None

    def _after_case_reset(self) -> None:
        """After the list reloaded (a filter, a save, a sort): the detail pane shows the
        selected case only while the list still shows it."""
        self._update_count()
        case_id = self._selected_case_id
        if case_id is not None and self.register is not None and not queries.case_matches(
                self.register, self.current_filter(), case_id):
            case_id = self._selected_case_id = None
        for row in range(self.cases_model.rowCount()):
            found = self.cases_model.row_at(row)
            if case_id is not None and found is not None and found.id == case_id:
                self.cases_view.selectionModel().blockSignals(True)
                self.cases_view.selectRow(row)
                self.cases_view.selectionModel().blockSignals(False)
                break
        self.detail.show_case(self.register, case_id)

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        row = selected_row(self.cases_view)
        self._selected_case_id = row.id if row is not None else None
        self.detail.show_case(self.register, self._selected_case_id)

    def focus_search(self) -> None:
        """Ctrl+F: the memo search above the case list (its page shown first)."""
        if not self.has_vp:
            return
        self.workspaces.setCurrentIndex(0)
        self.tabs.setCurrentWidget(self.cases_page)
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_quick_entry(self) -> None:
        if not self.has_vp:
            return
        self.workspaces.setCurrentIndex(0)
        self.show_quick_entry()
        self.quick_entry.focus_first()

    # --- undo ------------------------------------------------------------------------------
    def _update_undo(self) -> None:
        what = self.service.undo_label() if self.service is not None else None
        # Never disabled: a greyed item is skipped by the arrow keys, so ↓↓↓ would reach another
        # item than the time before; with nothing to undo it says so in the status bar.
        self.undo_action.setEnabled(self.has_vp)
        self.undo_action.setText(_("&Undo {what}").format(what=_(what)) if what else _("&Undo"))

    def undo(self) -> None:
        """Undo the last save, edit or delete (Ctrl+Z), off the GUI thread."""
        service = self.service
        if service is None:
            return
        what = service.undo_label()

        def undone(change: Change | None) -> None:
            if change is None:
                self.statusBar().showMessage(_("There is nothing to undo."), 5_000)
            else:
                self.statusBar().showMessage(_("Undone: {what}.").format(what=_(what or "")),
                                             10_000)

        self.ops.run(service.undo, undone)

    # --- case actions ------------------------------------------------------------------------
    def _add_contact_to_selected(self) -> None:
        d = self.detail.detail
        if d is None:
            return
        self.show_quick_entry()
        self.quick_entry.start_follow_up(d.id)

    def _close_case(self) -> None:
        d, service = self.detail.detail, self.service
        if d is None or service is None:
            return
        dialog = CloseCaseDialog(lambda v: service.close_case(d.id, **v), self.today(), self)
        dialog.changed.connect(self._emit_change)
        dialog.exec()

    def _reopen_case(self) -> None:
        d, service = self.detail.detail, self.service
        if d is not None and service is not None:
            self.ops.run(lambda: service.reopen_case(d.id))

    def _edit_case(self) -> None:
        d, service = self.detail.detail, self.service
        if d is None or service is None:
            return
        dialog = EditCaseDialog(d, lambda v: service.update_case(d.id, **v), self,
                                service.register.code_lists(d.opened_on))  # the case's list
        dialog.changed.connect(self._emit_change)
        dialog.exec()

    def _delete_case(self) -> None:
        d, service = self.detail.detail, self.service
        if d is None or service is None:
            return
        if confirm(self, _("Delete case"),
                   _("Delete this case with all its contact moments? Until you lock the "
                     "register, Ctrl+Z (Undo) brings it back.")):
            self._selected_case_id = None
            self.ops.run(lambda: service.delete_case(d.id))

    def _edit_contact(self) -> None:
        row, service = selected_row(self.detail.contacts), self.service
        if row is None or service is None:
            return
        dialog = ContactDialog(_("Edit contact moment"),
                               lambda v: service.update_contact(row.id, **v), self.today(),
                               row.on, row.minutes, row.mode, codelists.load().contact_modes,
                               "mode", _("M&ode"), self)
        dialog.changed.connect(self._emit_change)
        dialog.exec()

    def _delete_contact(self) -> None:
        row, service = selected_row(self.detail.contacts), self.service
        if row is None or service is None:
            return
        if confirm(self, _("Delete contact moment"),
                   _("Delete this contact moment? Until you lock the register, Ctrl+Z (Undo) "
                     "brings it back.")):
            self.ops.run(lambda: service.delete_contact(row.id))


__all__ = ["CaseDetail", "FilterBar", "MainWindow"]
