"""The coordination workspace: roster, who reported and the merged tables as tabs — the one
way to move between them — and the actions Import…, Forward…, Report…, Receipt again…, My
card… and (for a CVP) Central card… in a toolbar and in the Coordination menu. Reports are
written off the GUI thread.

Same lifecycle contract as the VP main window: attach(register), clear_for_lock(),
retranslate_ui(). Dialogs it opens are closed and emptied on lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError, ReportCancelled
from app.export.disclosure import HIDDEN_MARK
from app.i18n import LANGUAGES, N_, _, current_language
from app.services.changes import Change, ChangeKind
from app.services.confidant import coordinator_link, exporting
from app.services.coordination import receipts as receipt_service
from app.services.coordination import roster as roster_service
from app.services.storage.vault import Register
from app.settings import Settings
from app.ui.coordination.annual_dialog import AnnualDialog
from app.ui.coordination.common import show_error
from app.ui.coordination.completeness import CompletenessPanel
from app.ui.coordination.forward_dialog import ForwardDialog
from app.ui.coordination.import_dialog import ImportDialog
from app.ui.coordination.publications import PublicationsPanel
from app.ui.coordination.roster import CardConfirmDialog, RosterPanel
from app.ui.coordination.tables import TablesPanel
from app.ui.register.help import set_help_topic
from app.ui.shared.accessible import caption, name
from app.ui.shared.icons import icon
from app.ui.shared.ops import Ops, Progress
from app.ui.shared.screen import fit_to_screen
from app.ui.shared.signals import AppSignals
from app.ui.shared.style import set_role
from app.ui.shared.views import ok_cancel
from app.ui.shared.worker import Task

if TYPE_CHECKING:  # loaded on the worker when a report is written
    from app.services.coordination.period_plan import AnnualWritten
    from app.services.coordination.publications import Published

COORDINATION_ROLES = frozenset({"coordinator", "central"})


def workspaces_for(roles: Iterable[str]) -> tuple[bool, bool]:
    """(VP register workspace, coordination workspace) for a profile's roles."""
    roles = set(roles)
    return "vp" in roles, bool(roles & COORDINATION_ROLES)


class ReportOptionsDialog(QDialog):
    """Format, language and the minimum cell frequency k of a report for outside readers."""

    def __init__(self, period: str, parent: QWidget | None = None,
                 components: Iterable[str] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Report {period}").format(period=period))
        self.component = QComboBox()  # central level, a planned period: whose report
        self.component.setObjectName("report_component")
        for code in components:
            self.component.addItem(code, code)
        self.fmt = QComboBox()
        self.fmt.addItem("PDF", "pdf")
        self.fmt.addItem("CSV", "csv")
        self.lang = QComboBox()
        for code, language in LANGUAGES.items():
            self.lang.addItem(language, code)
        self.lang.setCurrentIndex(max(self.lang.findData(current_language()), 0))
        self.k = QSpinBox()
        self.k.setRange(3, 20)
        self.k.setValue(5)
        info = QLabel(_("A report is for readers outside the confidant network: every count "
                        "from 1 to k−1, and every figure that would give one away, is shown "
                        "as “{mark}”, meaning “0 to k−1 or at least k”; hours are given to "
                        "the half hour.").format(mark=HIDDEN_MARK))
        info.setWordWrap(True)
        form = QFormLayout()
        fields = [(_("&Format"), self.fmt), (_("&Language"), self.lang),
                  (_("&Minimum count shown (k)"), self.k)]
        if self.component.count():
            fields.insert(0, (_("Com&ponent"), self.component))
            info.setText(info.text() + " " + _(
                "The component's report is taken from the plan of {period}, as every report "
                "of {period} is: it shows what the plan says.").format(period=period))
        for text, field in fields:
            label = QLabel()
            caption(label, text, field)
            form.addRow(label, field)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(480, self.sizeHint().height()))


class ReceiptDialog(QDialog):
    """Which imported file of a sender and quarter to write the receipt for, and where."""

    def __init__(self, files: list[receipt_service.ImportedFile],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receipt_dialog")
        self.setWindowTitle(_("Receipt again"))
        self.files = QComboBox()
        for f in files:
            self.files.addItem(_("{code}, {quarter}, revision {revision}").format(
                code=f.sender_code, quarter=f.quarter, revision=f.revision), f.sha256)
        intro = QLabel(_("The receipt is written again exactly as at the import: the sender "
                         "imports it to see that the file arrived."))
        intro.setWordWrap(True)
        label = QLabel()
        caption(label, _("&File"), self.files)
        form = QFormLayout()
        form.addRow(label, self.files)
        buttons = ok_cancel(self, _("Write receipt…"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(520, self.sizeHint().height()))


NAVIGATION_HELP = N_("Move between Roster, Who reported, Tables and Publications with Ctrl+Tab.")


class CoordinationWorkspace(QWidget):
    def __init__(self, signals: AppSignals, settings: Settings, parent: QWidget | None = None,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(parent)
        self.setObjectName("coordination_workspace")
        set_help_topic(self, "coordination")
        self.signals = signals
        self.settings = settings
        self.today = today
        self.register: Register | None = None
        self.central = False
        self.dialogs: list[Any] = []  # open dialogs, closed on lock
        self.ops = Ops(self, lambda error: show_error(self, error.message),
                       self.signals.data_changed.emit)

        self.heading = QLabel()
        self.heading.setObjectName("coordination_heading")
        set_role(self.heading, "heading")
        self.status = QLabel()
        self.status.setObjectName("coordination_status")
        self.status.setWordWrap(True)
        set_role(self.status, "note")
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setIconSize(QSize(20, 20))
        self.roster = RosterPanel(today)
        self.completeness = CompletenessPanel(today)
        self.tables = TablesPanel(today)
        self.publications = PublicationsPanel()
        # The tabs are the one way to move between the three screens; the toolbar and the
        # Coordination menu hold actions only.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("coordination_tabs")
        self.tabs.addTab(self.roster, "")
        self.tabs.addTab(self.completeness, "")
        self.tabs.addTab(self.tables, "")
        self.tabs.addTab(self.publications, "")

        self.import_action = QAction(icon("import"), "", self)
        self.forward_action = QAction(icon("forward"), "", self)
        self.report_action = QAction(icon("report"), "", self)
        self.annual_action = QAction(icon("report"), "", self)
        self.receipt_action = QAction(icon("export"), "", self)
        self.card_action = QAction(icon("cards"), "", self)
        self.central_card_action = QAction(icon("cards"), "", self)
        # Shortcuts, so the coordinator's quarter needs no mouse and no menu.
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.forward_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.report_action.setShortcut(QKeySequence("Ctrl+R"))
        self.import_action.triggered.connect(lambda: self.open_import())
        self.forward_action.triggered.connect(lambda: self.open_forward())
        self.report_action.triggered.connect(lambda: self.tables._report_clicked())
        self.annual_action.triggered.connect(lambda: self.write_annual())
        self.receipt_action.triggered.connect(lambda: self.reissue_receipt_for(None, None))
        self.card_action.triggered.connect(self._my_card_clicked)
        self.central_card_action.triggered.connect(self._central_card_clicked)
        for action in self.actions_in_menu():
            self.toolbar.addAction(action)

        head = QHBoxLayout()
        head.addWidget(self.heading)
        head.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)  # the window fits 911×472 at 150 % (issue 22)
        layout.addLayout(head)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)

        self.roster.changed.connect(self.signals.data_changed)
        self.tables.report_requested.connect(self.write_report)
        self.publications.reissue_requested.connect(self.reissue_report_for)
        self.publications.check_requested.connect(self.check_publication)
        self.publications.component_report_requested.connect(self.write_component_report)
        self.completeness.receipt_requested.connect(self.reissue_receipt_for)
        self.signals.data_changed.connect(self.refresh)
        self.retranslate_ui()

    def actions_in_menu(self) -> list[QAction]:
        return [self.import_action, self.forward_action, self.report_action, self.annual_action,
                self.receipt_action, self.card_action, self.central_card_action]

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
        self.publications.attach(register)
        self.publications.set_central(self.central)

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
        self.publications.clear_for_lock()
        self.heading.clear()
        self.status.clear()

    def retranslate_ui(self) -> None:
        self.tabs.setTabText(0, _("Roster"))
        self.tabs.setTabText(1, _("Who reported"))
        self.tabs.setTabText(2, _("Tables"))
        self.tabs.setTabText(3, _("Publications"))
        name(self.tabs.tabBar(), _("Coordination screens"), _(NAVIGATION_HELP))
        self.toolbar.setWindowTitle(_("Coordination"))
        # letters for the menu; the toolbar shows the text without them (QAction.iconText)
        self.import_action.setText(_("&Import…"))
        self.forward_action.setText(_("&Forward…"))
        self.report_action.setText(_("&Report…"))
        self.annual_action.setText(_("&Annual section…"))
        self.receipt_action.setText(_("Recei&pt again…"))
        self.card_action.setText(_("&My card…"))
        self.central_card_action.setText(_("&Central card…"))
        self.roster.retranslate_ui()
        self.completeness.retranslate_ui()
        self.tables.retranslate_ui()
        self.publications.retranslate_ui()
        if self.register is not None:
            profile = self.register.profile()
            if profile is not None:
                self._heading(profile.component)

    def _heading(self, component: str) -> None:
        self.heading.setText(_("Coordination, Defence level") if self.central else
                             _("Coordination of {component}").format(component=component))

    def refresh(self, change: object = None) -> None:
        """Refresh the views ``change`` concerns (all without one): a published report
        refreshes the ledger only, not the roster's and who-reported's queries."""
        if self.register is None:
            return
        every = not isinstance(change, Change)

        def concerns(*kinds: ChangeKind) -> bool:
            return every or (isinstance(change, Change) and change.touches(*kinds))

        if concerns(ChangeKind.ROSTER, ChangeKind.SUBMISSIONS):
            self.roster.refresh()
            self.completeness.refresh()
            self.tables.refresh()
        if concerns(ChangeKind.PUBLICATIONS):
            self.publications.refresh()

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
        dialog.changed.connect(self.signals.data_changed)
        if paths:
            dialog.set_paths(paths)
        self._keep(dialog)
        dialog.open()
        return dialog

    def open_forward(self) -> ForwardDialog | None:
        if self.register is None:
            return None
        dialog = ForwardDialog(self.register, self.today, parent=self)
        dialog.changed.connect(self.signals.data_changed)
        self._keep(dialog)
        dialog.open()
        return dialog

    # --- cards --------------------------------------------------------------------------
    def _my_card_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Save my card to folder"))
        if folder:
            self.write_my_card(Path(folder))

    def write_my_card(self, folder: Path) -> Task | None:
        """Write the register's own card off the GUI thread, then show where and its
        fingerprint."""
        if self.register is None:
            return None
        register = self.register
        return self.ops.run(lambda: (exporting.write_own_card(register, folder),
                                     exporting.own_fingerprint_groups(register)),
                            self._my_card_written)

    def _my_card_written(self, written: tuple[Path, str]) -> None:
        path, groups = written
        box = QMessageBox(QMessageBox.Icon.Information, _("My card"),
                          _("Card written to {path}.\n\nRead this fingerprint aloud when the "
                            "receiver enrols the card:\n\n{groups}").format(
                              path=path, groups=groups), parent=self)
        box.setObjectName("my_card_box")
        self._keep(box)
        box.clear_for_lock = box.close  # type: ignore[attr-defined]
        box.open()

    def _central_card_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Central card"), "", _("Vertrouwd card (*.json);;All files (*)"))
        if path:
            self.import_central_card(Path(path))

    def import_central_card(self, path: Path, *, confirm: bool = True) -> bool:
        """Show the card's fingerprint for comparison, then store it as the recipient."""
        if self.register is None:
            return False
        register = self.register
        card = self.ops.now(lambda: coordinator_link.check_recipient_card_file(register, path))
        if card is None:
            return False
        dialog = CardConfirmDialog(card, self.today(), self, with_date=False)
        if confirm and dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.ops.run(
            lambda: coordinator_link.keep_recipient_card(register, card)) is not None

    # --- receipts again --------------------------------------------------------------------
    def reissue_receipt_for(self, sender: str | None, quarter: str | None) -> Task | None:
        """Write the receipt of an imported file again: the chosen sender and quarter (from
        Who reported), or any imported file (from the menu)."""
        if self.register is None:
            return None
        files = [f for f in receipt_service.imported_files(self.register, quarter)
                 if sender is None or f.sender_code == sender]
        if not files:
            show_error(self, _("No imported file to write a receipt for."))
            return None
        dialog = ReceiptDialog(files, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        folder = QFileDialog.getExistingDirectory(self, _("Folder for the receipt"))
        if not folder:
            return None
        return self.reissue_receipt(str(dialog.files.currentData()), Path(folder))

    def reissue_receipt(self, sha256: str, folder: Path) -> Task | None:
        """Write an imported file's receipt again, off the GUI thread."""
        if self.register is None:
            return None
        register = self.register
        return self.ops.run(
            lambda: receipt_service.reissue_receipt(register, sha256, folder),
            lambda path: self.status.setText(_("Receipt written: {path}").format(path=path)))

    # --- reports ------------------------------------------------------------------------
    def write_report(self, year: int, quarter: str | None) -> Task | None:
        """Ask format, language and k, then where; the report is written off the GUI thread
        (the status line says when it is there)."""
        if self.register is None or self.ops.busy:
            return None
        period = quarter or str(year)
        options = ReportOptionsDialog(period, self)
        if options.exec() != QDialog.DialogCode.Accepted:
            return None
        fmt = options.fmt.currentData()
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save report"), f"Vertrouwd-rapport-{period}.{fmt}", f"*.{fmt}")
        if not chosen:
            return None
        return self.start_report(year, quarter, fmt, Path(chosen), options.lang.currentData(),
                                 options.k.value())

    def write_component_report(self, plan_number: int) -> Task | None:
        """Central level: ask which component of plan ``plan_number``'s period, format,
        language and k, then where; the component's report is written from that period's
        plan, off the GUI thread (``vertrouwd report --component CODE``)."""
        register = self.register
        if register is None or self.ops.busy or not self.central:
            return None
        from app.services.coordination import publications

        plan = self.ops.now(lambda: next((p for p in publications.plans(register)
                                          if p.id == plan_number), None))
        if plan is None:
            return None
        components = [c for c in plan.scopes if c is not None]
        if not components:
            return None
        options = ReportOptionsDialog(plan.period, self, components=components)
        options.k.setValue(plan.k)
        if options.exec() != QDialog.DialogCode.Accepted:
            return None
        fmt = options.fmt.currentData()
        component = str(options.component.currentData())
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save report"), f"Vertrouwd-rapport-{plan.period}-{component}.{fmt}",
            f"*.{fmt}")
        if not chosen:
            return None
        quarter = plan.quarter
        return self.start_report(plan.year, quarter, fmt, Path(chosen),
                                 options.lang.currentData(), options.k.value(),
                                 component=component)

    def start_report(self, year: int, quarter: str | None, fmt: str, path: Path, lang: str,
                     k: int, component: str | None = None) -> Task | None:
        """Write the report off the GUI thread. At central level the period's plan can take
        tens of seconds: a progress dialog with Cancel shows after a moment, and Cancel
        writes nothing and records nothing."""
        register = self.register
        if register is None:
            return None

        def publish(progress: Progress) -> Published:
            # imported on the worker: the report's modules (reportlab) load off the GUI thread
            from app.services.coordination.period_plan import publish_report

            return publish_report(register, year, quarter, fmt, path, lang, k,
                                  component=component, on_progress=progress.report,
                                  cancel=progress)

        return self.ops.run_with_progress(
            publish,
            lambda _written: self._report_written(path),
            title=_("Report {period}").format(period=quarter or year),
            label=_("Planning what to hide and writing the report…"),
            disable=(self.tables.report_button, self.publications.component_button,
                     self.toolbar), status=self.status,
            text=_("Writing the report…"), on_error=self._report_failed)

    def _report_failed(self, error: AppError) -> None:
        if isinstance(error, ReportCancelled):
            self.status.setText(error.message)  # not an error: the person asked for it
        else:
            self.ops.show_error(error)

    def _report_written(self, path: Path) -> None:
        self.status.setText(_("Report saved: {path}").format(path=path))

    def reissue_report_for(self, number: int) -> Task | None:
        """Ask where, then write publication ``number`` again, byte for byte."""
        register = self.register
        if register is None or self.ops.busy:
            return None
        from app.services.coordination import publications

        name = self.ops.now(lambda: publications.suggested_name(register, number))
        if name is None:
            return None
        chosen, _filter = QFileDialog.getSaveFileName(self, _("Write the report again"), name)
        if not chosen:
            return None
        return self.start_reissue(number, Path(chosen))

    def start_reissue(self, number: int, path: Path) -> Task | None:
        from app.services.coordination import publications

        register = self.register
        if register is None:
            return None
        return self.ops.run(
            lambda: publications.reissue(register, number, path),
            lambda _written: self.status.setText(_(
                "Publication {id} written again, byte for byte: {path}").format(
                    id=number, path=path)),
            disable=(self.publications.reissue_button, self.toolbar), status=self.status,
            text=_("Writing the report…"))

    def check_publication(self, number: int) -> Task | None:
        """Check publication ``number`` off the GUI thread, as ``vertrouwd verify-publication``
        does; the outcome, one sentence or the problems, in the status line."""
        register = self.register
        if register is None:
            return None

        def check() -> tuple[list[str], str | None]:
            from app.services.coordination import period_plan, publications

            problems = publications.verify(register, number)
            return problems, (None if problems
                              else period_plan.ruled_out_before(register, number))

        def show(result: tuple[list[str], str | None]) -> None:
            from app.services.coordination.publications import DOES_NOT_HOLD, HOLDS

            problems, before = result
            if problems:
                text = " ".join([*problems, _(DOES_NOT_HOLD).format(id=number)])
            else:
                text = " ".join([_(HOLDS).format(id=number), *([before] if before else [])])
            self.status.setText(text)

        return self.ops.run(check, show,
                            disable=(self.publications.check_button, self.toolbar),
                            status=self.status, text=_("Checking the publication…"))

    # --- the annual report's confidants section ------------------------------------------
    def write_annual(self) -> Task | None:
        """Ask year, language, k and folder; the three files are written off the GUI thread."""
        if self.register is None or self.ops.busy:
            return None
        dialog = AnnualDialog(self.today(), central=self.central, k=self.settings.disclosure_k,
                              folder=Path.home(), parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        year, folder, lang, k = dialog.choice()
        return self.start_annual(year, folder, lang, k)

    def start_annual(self, year: int, folder: Path, lang: str, k: int) -> Task | None:
        register = self.register
        if register is None:
            return None
        today = self.today()

        def write(progress: Progress) -> AnnualWritten:
            from app.services.coordination.period_plan import write_annual  # on the worker

            return write_annual(register, year, folder, lang, k, today=today,
                                on_progress=progress.report, cancel=progress)

        return self.ops.run_with_progress(
            write,
            lambda written: self._annual_written(folder, written.paths),
            title=_("Annual section {year}").format(year=year),
            label=_("Planning what to hide and writing the annual section…"),
            disable=(self.tables.report_button, self.toolbar), status=self.status,
            text=_("Writing the annual section…"), on_error=self._report_failed)

    def _annual_written(self, folder: Path, paths: list[Path]) -> None:
        self.status.setText(_("Annual section saved in {folder}: {files}").format(
            folder=folder, files=", ".join(p.name for p in paths)))
