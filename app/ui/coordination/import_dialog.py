"""Import quarterly files: pick files or a folder (a USB stick), a dry run in a worker thread
that can be cancelled, the plan file by file, a choice per overlap conflict, then one
transaction and receipts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _, ngettext
from app.services.coordination import importing
from app.services.coordination.importing import (
    ImportPlan,
    ImportResult,
    ImportStatus,
    OverlapChoice,
    PlanItem,
)
from app.services.storage.vault import Register
from app.ui.coordination.common import RowsTableModel
from app.ui.register.help import set_help_topic
from app.ui.shared.accessible import caption, describe_table, name
from app.ui.shared.icons import icon
from app.ui.shared.ops import ErrorLine, Ops
from app.ui.shared.screen import fit_to_screen
from app.ui.shared.style import set_role
from app.ui.shared.views import EmptyState, table_view
from app.ui.shared.worker import Task

STATUS_LABELS = {
    ImportStatus.NEW: N_("new"),
    ImportStatus.REPLACES: N_("replaces"),
    ImportStatus.OLDER: N_("older revision"),
    ImportStatus.ALREADY_IMPORTED: N_("already imported"),
    ImportStatus.OVERLAP: N_("overlap"),
    ImportStatus.REFUSED: N_("refused"),
}
STATUS_COLORS = {
    ImportStatus.NEW: "#dcefdc",
    ImportStatus.REPLACES: "#dde8f5",
    ImportStatus.OLDER: "#eeeeee",
    ImportStatus.ALREADY_IMPORTED: "#eeeeee",
    ImportStatus.OVERLAP: "#fbeed0",
    ImportStatus.REFUSED: "#f6d5d5",
}
CHOICE_LABELS = {
    OverlapChoice.KEEP_OTHERS: N_("Keep the file already counting (store this one aside)"),
    OverlapChoice.USE_THIS: N_("Count this file instead"),
    OverlapChoice.SKIP: N_("Do not import this file"),
}


def status_label(status: ImportStatus) -> str:
    return _(STATUS_LABELS[status])


class PlanModel(RowsTableModel):
    """One row per file of the dry run: name, what importing it would do, and why."""

    columns = (("file", N_("File")), ("status", N_("Status")), ("reason", N_("Reason")))

    def display(self, row: PlanItem, key: str) -> str:
        if key == "file":
            return row.path.name
        if key == "status":
            return status_label(row.status)
        return row.reason

    def background(self, row: PlanItem, key: str) -> QColor | None:
        return QColor(STATUS_COLORS[row.status]) if key == "status" else None

    def tooltip(self, row: PlanItem, key: str) -> str | None:
        return str(row.path) if key == "file" else row.reason or None


class ImportDialog(QDialog):
    changed = Signal(object)  # the Change of the import, after the transaction committed

    def __init__(self, register: Register, today: Callable[[], dt.date],
                 receipts_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_dialog")
        set_help_topic(self, "coordination")
        self.register: Register | None = register
        self.today = today
        self.paths: list[Path] = []
        self.plan: ImportPlan | None = None
        self.import_result: ImportResult | None = None
        self.choice_boxes: dict[str, QComboBox] = {}
        pick = self._files_row()
        self.model = PlanModel(self)
        self.view = table_view(self.model)
        self.view.setObjectName("plan_view")
        self.view.setWordWrap(True)
        self.view.setMinimumHeight(100)
        self.empty = EmptyState(self.view, lambda: _(
            "Choose files or a folder (a USB stick), then “Check files”: nothing is imported "
            "before you confirm."))
        self.counts = QLabel()
        self.counts.setObjectName("plan_counts")
        self.counts.setWordWrap(True)
        self.conflicts = QGroupBox()
        self.conflict_form = QFormLayout(self.conflicts)
        self.conflicts.hide()
        receipts = self._receipts_row(receipts_dir)
        bottom = self._bottom_row()
        layout = QVBoxLayout(self)
        layout.addLayout(pick)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.counts)
        layout.addWidget(self.conflicts)
        layout.addLayout(receipts)
        layout.addLayout(bottom)
        self.add_files_button.clicked.connect(self._pick_files)
        self.add_folder_button.clicked.connect(self._pick_folder)
        self.check_button.clicked.connect(self.start_dry_run)
        self.receipts_button.clicked.connect(self._pick_receipts_dir)
        self.import_button.clicked.connect(self.confirm_import)
        self.close_button.clicked.connect(self.reject)
        self.retranslate_ui()
        fit_to_screen(self, QSize(980, 620))

    def _files_row(self) -> QHBoxLayout:
        """The files or folder to import, and the button that checks them (a dry run)."""
        self.add_files_button = QPushButton()
        self.add_files_button.setIcon(icon("import"))
        self.add_folder_button = QPushButton()
        self.selection = QLabel()
        self.selection.setWordWrap(True)
        self.check_button = QPushButton()
        pick = QHBoxLayout()
        pick.addWidget(self.add_files_button)
        pick.addWidget(self.add_folder_button)
        pick.addWidget(self.selection, 1)
        pick.addWidget(self.check_button)
        return pick

    def _receipts_row(self, receipts_dir: Path | None) -> QHBoxLayout:
        """Where the receipts for the senders are written."""
        self.receipts_caption = QLabel()
        self.receipts_edit = QLineEdit(str(receipts_dir) if receipts_dir else "")
        self.receipts_button = QPushButton()
        receipts = QHBoxLayout()
        receipts.addWidget(self.receipts_caption)
        receipts.addWidget(self.receipts_edit, 1)
        receipts.addWidget(self.receipts_button)
        return receipts

    def _bottom_row(self) -> QHBoxLayout:
        self.message = QLabel()
        self.message.setObjectName("import_message")
        self.message.setWordWrap(True)
        set_role(self.message, "note")
        self.error_line = ErrorLine()
        self.ops = Ops(self, self.error_line, self.changed.emit)
        self.import_button = QPushButton()
        self.import_button.setEnabled(False)
        self.close_button = QPushButton()
        bottom = QHBoxLayout()
        texts = QVBoxLayout()
        texts.addWidget(self.message)
        texts.addWidget(self.error_line)
        bottom.addLayout(texts, 1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.close_button)
        return bottom

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Import quarterly files"))
        self.add_files_button.setText(_("Files…"))
        self.add_folder_button.setText(_("Folder or drive…"))
        self.check_button.setText(_("Check files (dry run)"))
        self.conflicts.setTitle(_("Overlapping merged files: choose which one counts"))
        caption(self.receipts_caption, _("&Receipts to folder"), self.receipts_edit)
        self.receipts_button.setText(_("Choose…"))
        name(self.receipts_button, _("Choose the folder for the receipts"))
        describe_table(self.view, _("Files to import"),
                       _("One row per file of the dry run: its name, what importing it would "
                         "do, and why."))
        self.import_button.setText(_("Import"))
        self.close_button.setText(_("Close"))
        self._show_selection()
        self.model.retranslate()

    # --- choosing files ----------------------------------------------------------------
    def _pick_files(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self, _("Choose quarterly files"), "", _("Quarterly files (*.json);;All files (*)"))
        if names:
            self.set_paths([Path(n) for n in names])

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose a folder or drive"))
        if folder:
            self.set_paths([Path(folder)])

    def _pick_receipts_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder for the receipts"))
        if folder:
            self.receipts_edit.setText(folder)

    def set_paths(self, paths: list[Path]) -> None:
        self.paths = [Path(p) for p in paths]
        self.plan = None
        self.import_result = None
        self.model.clear()
        self.counts.clear()
        self.message.clear()
        self._fill_conflicts()
        self.import_button.setEnabled(False)
        self._show_selection()

    def _show_selection(self) -> None:
        if not self.paths:
            self.selection.setText(_("No files chosen yet."))
            self.check_button.setEnabled(False)
            return
        files = importing.expand_paths(self.paths)
        self.selection.setText(ngettext("{count} file in {where}", "{count} files in {where}",
                                        len(files)).format(
            count=len(files), where=", ".join(p.name or str(p) for p in self.paths)))
        self.check_button.setEnabled(bool(files))

    # --- the dry run --------------------------------------------------------------------
    def start_dry_run(self) -> None:
        """Read and check the files off the GUI thread (it reads, it never writes); a progress
        dialog with Cancel shows after a moment."""
        register, paths, today = self.register, list(self.paths), self.today()
        if register is None or not paths or self.ops.busy:
            return
        self.plan = None
        self.model.clear()
        self.import_button.setEnabled(False)
        self.message.setText(_("Checking files…"))
        self.ops.run_with_progress(
            lambda progress: importing.plan_import(register, paths, today,
                                                   on_progress=progress.report, cancel=progress),
            self._plan_ready, title=_("Dry run"), label=_("Reading and checking files…"),
            disable=(self.check_button,))

    @property
    def busy(self) -> bool:
        return self.ops.busy

    def _plan_ready(self, plan: ImportPlan) -> None:
        if self.register is None:  # locked while the worker ran: show nothing
            return
        if plan.cancelled:
            self.plan = None
            self.message.setText(_("The dry run was cancelled; nothing was imported."))
            return
        self.plan = plan
        self.model.set_rows(plan.items)
        self.view.resizeColumnToContents(0)
        self.view.resizeColumnToContents(1)
        self.view.resizeRowsToContents()
        parts = [f"{status_label(s)}: {plan.count(s)}" for s in ImportStatus if plan.count(s)]
        self.counts.setText(" · ".join(parts))
        self._fill_conflicts()
        storable = any(i.will_be_stored for i in plan.items)
        self.import_button.setEnabled(storable)
        if storable:
            self.message.setText(_("Nothing has been imported yet. Check the list, then "
                                   "confirm with “Import”."))
        else:
            self.message.setText(_("There is nothing new to import; nothing changes."))

    def _fill_conflicts(self) -> None:
        while self.conflict_form.rowCount():
            self.conflict_form.removeRow(0)
        self.choice_boxes = {}
        conflicts = self.plan.conflicts if self.plan else []
        for item in conflicts:
            box = QComboBox()
            for choice in (OverlapChoice.KEEP_OTHERS, OverlapChoice.USE_THIS, OverlapChoice.SKIP):
                box.addItem(_(CHOICE_LABELS[choice]), choice)
            label = QLabel()
            caption(label, f"{item.path.name}: {item.reason}".replace("&", "&&"), box)
            label.setWordWrap(True)
            self.conflict_form.addRow(label, box)
            self.choice_boxes[item.key or ""] = box
        self.conflicts.setVisible(bool(conflicts))

    def choices(self) -> dict[str, OverlapChoice]:
        return {key: OverlapChoice(box.currentData()) for key, box in self.choice_boxes.items()}

    # --- carrying it out -------------------------------------------------------------------
    def confirm_import(self) -> Task | None:
        """One transaction, then the receipts, off the GUI thread."""
        register, plan, choices = self.register, self.plan, self.choices()
        if register is None or plan is None:
            return None
        folder = self.receipts_edit.text().strip()
        receipts_dir = Path(folder) if folder else None
        return self.ops.run(
            lambda: importing.apply_import(register, plan, choices, receipts_dir=receipts_dir),
            self._imported, disable=(self.import_button, self.check_button, self.close_button),
            status=self.message, text=_("Importing…"))

    def _imported(self, result: ImportResult) -> None:
        self.import_result = result
        self.plan = None
        self.import_button.setEnabled(False)
        self.message.setText(self.summary(result))

    @staticmethod
    def summary(result: ImportResult) -> str:
        text = _("Imported: {added} new, {replaced} replacing an earlier revision, {already} "
                 "already in, {refused} refused.").format(
            added=result.added, replaced=result.replaced, already=result.already,
            refused=result.refused)
        if result.overlaps_used or result.overlaps_kept_aside or result.skipped:
            text += " " + _("Overlaps: {used} counting, {aside} kept aside, {skipped} not "
                            "imported.").format(used=result.overlaps_used,
                                                aside=result.overlaps_kept_aside,
                                                skipped=result.skipped)
        if result.receipts:
            text += " " + ngettext("{count} receipt written to {folder}.",
                                   "{count} receipts written to {folder}.",
                                   len(result.receipts)).format(
                count=len(result.receipts), folder=result.receipts[0].parent)
        return text

    # --- lifecycle --------------------------------------------------------------------
    def stop(self) -> None:
        """Cancel a running dry run (nothing has been written by it) and wait for it, or for
        an import to finish."""
        self.ops.stop()

    def clear_for_lock(self) -> None:
        self.stop()
        self.register = None
        self.plan = None
        self.model.clear()
        self.counts.clear()
        self.message.clear()
        self._fill_conflicts()

    def done(self, result: int) -> None:
        self.stop()
        super().done(result)
