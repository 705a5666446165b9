"""The ledger screen: every report this register published (date, period, scope, how many
figures it hid, the plan of its period), and "Write again…", which writes a chosen report once
more, byte for byte; at central level "Component report…" writes a component's report of the
chosen report's planned period, from the same plan (the workspace does the writing, off the
GUI thread). Below it, at central level, the reports other registers published (component
coordinators, received with their quarterly files), with their origin: every report of this
register is protected against them too."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import N_, _
from app.services.coordination import publications
from app.services.coordination.publications import Entry, Foreign
from app.services.storage.vault import Register
from app.ui.shared.accessible import describe_table
from app.ui.shared.icons import icon
from app.ui.shared.item_models import RowsTableModel, selected_row
from app.ui.shared.views import EmptyState, fit_columns, table_view


class PublicationsModel(RowsTableModel):
    columns = (
        ("id", N_("No.")),
        ("published_at", N_("Published (UTC)")),
        ("period", N_("Period")),
        ("scope", N_("Scope")),
        ("format", N_("Format")),
        ("hidden", N_("Hidden")),
        ("file_name", N_("File")),
        ("plan", N_("Plan")),
    )

    def display(self, row: Entry, key: str) -> str:
        if key == "published_at":
            return row.published_at.strftime("%Y-%m-%d %H:%M")
        if key == "scope":
            return row.component or _("Defence")
        if key == "format":
            return row.format.upper()
        if key == "hidden":
            return _("{hidden} of {cells} (k = {k})").format(hidden=row.hidden, cells=row.cells,
                                                            k=row.k)
        if key == "plan":
            return "—" if row.plan is None else str(row.plan)
        return str(getattr(row, key))


class ForeignModel(RowsTableModel):
    """The reports of other registers the register received (issue 19)."""

    columns = (
        ("origin", N_("Published by")),
        ("ref", N_("Their number")),
        ("published_at", N_("Published (UTC)")),
        ("period", N_("Period")),
        ("component", N_("Scope")),
        ("hidden", N_("Hidden")),
        ("received_at", N_("Received (UTC)")),
    )

    def display(self, row: Foreign, key: str) -> str:
        if key in ("published_at", "received_at"):
            return str(getattr(row, key).strftime("%Y-%m-%d %H:%M"))
        if key == "hidden":
            return _("{hidden} of {cells} (k = {k})").format(hidden=row.hidden, cells=row.cells,
                                                            k=row.k)
        return str(getattr(row, key))


class PublicationsPanel(QWidget):
    reissue_requested = Signal(int)  # the publication's number
    check_requested = Signal(int)  # the publication's number (vertrouwd verify-publication)
    component_report_requested = Signal(int)  # the plan's number (central level)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register: Register | None = None
        self.model = PublicationsModel(self)
        self.view = table_view(self.model)
        self.view.setObjectName("publications_view")
        self.empty = EmptyState(self.view, lambda: _(
            "No report was published from this register yet. Reports written with “Report…” "
            "are listed here.") if self.register else "")
        self.reissue_button = QPushButton()
        self.reissue_button.setObjectName("reissue_button")
        self.reissue_button.setIcon(icon("report"))
        self.reissue_button.clicked.connect(self._reissue_clicked)
        self.check_button = QPushButton()
        self.check_button.setObjectName("check_publication_button")
        self.check_button.clicked.connect(self._check_clicked)
        self.component_button = QPushButton()
        self.component_button.setObjectName("component_report_button")
        self.component_button.setIcon(icon("report"))
        self.component_button.clicked.connect(self._component_clicked)
        self.component_button.setVisible(False)  # central level only: set_central
        self.count = QLabel()
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reissue_button)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.component_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        self.foreign_model = ForeignModel(self)
        self.foreign_view = table_view(self.foreign_model)
        self.foreign_view.setObjectName("foreign_publications_view")
        self.foreign_title = QLabel()
        self.foreign_title.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.foreign_title)
        layout.addWidget(self.foreign_view, 1)
        self._show_foreign(False)
        self.retranslate_ui()

    def attach(self, register: Register) -> None:
        self.register = register
        self.refresh()

    def set_central(self, central: bool) -> None:
        """At central level a component's report of a planned period is written here."""
        self.component_button.setVisible(central)

    def clear_for_lock(self) -> None:
        self.register = None
        self.model.clear()
        self.foreign_model.clear()
        self._show_foreign(False)
        self.count.clear()

    def refresh(self) -> None:
        if self.register is None:
            return
        rows = list(reversed(publications.entries(self.register)))  # newest first
        self.model.set_rows(rows)
        fit_columns(self.view)
        self.count.setText(_("{n} published").format(n=len(rows)))
        others = list(reversed(publications.foreign(self.register)))  # newest first
        self.foreign_model.set_rows(others)
        fit_columns(self.foreign_view)
        self._show_foreign(bool(others))

    def _show_foreign(self, shown: bool) -> None:
        self.foreign_title.setVisible(shown)
        self.foreign_view.setVisible(shown)

    def retranslate_ui(self) -> None:
        self.reissue_button.setText(_("Write again…"))
        self.check_button.setText(_("Check"))
        self.check_button.setToolTip(_(
            "Check the chosen report's certificate, as vertrouwd verify-publication does: its "
            "file, its sums, and that every hidden small count could be any value from 0 to "
            "k−1."))
        self.component_button.setText(_("Component report…"))
        self.component_button.setToolTip(_(
            "Write a component's report of the chosen report's period, taken from the same "
            "plan as every report of that period."))
        describe_table(self.view, _("Publications"),
                       _("One row per published report, newest first: its number, when, the "
                         "period, the scope, the format, how many figures it hid and the plan "
                         "of its period."))
        self.foreign_title.setText(_(
            "Published by other registers (received with their quarterly files; every "
            "later report of this register is protected against them):"))
        describe_table(self.foreign_view, _("Publications of other registers"),
                       _("One row per report another register published, newest first: who "
                         "published it and its number there, when, the period, the scope, how "
                         "many figures it hid and when it was received."))
        self.model.retranslate()
        self.foreign_model.retranslate()
        self.refresh()

    def _update_buttons(self, *_args: Any) -> None:
        entry = selected_row(self.view)
        self.reissue_button.setEnabled(entry is not None)
        self.check_button.setEnabled(entry is not None)
        self.component_button.setEnabled(entry is not None and entry.plan is not None)

    def _reissue_clicked(self) -> None:
        entry = selected_row(self.view)
        if entry is not None:
            self.reissue_requested.emit(entry.id)

    def _check_clicked(self) -> None:
        entry = selected_row(self.view)
        if entry is not None:
            self.check_requested.emit(entry.id)

    def _component_clicked(self) -> None:
        entry = selected_row(self.view)
        if entry is not None and entry.plan is not None:
            self.component_report_requested.emit(entry.plan)
