"""The export screen: choose a quarter, see exactly what the coordinator will receive, write the
signed (and sealed) file, read its fingerprint aloud, save the PDF overview, import receipts.

Open it with ``ExportDialog(register, signals, settings, parent)``. The folder last written to
is remembered for the session on the dialog (no setting is stored). Once a file is written,
"Write file" is disarmed: another revision of the same quarter is only written through "Write
a new revision…", which says what that means and asks first. The PDF is written off the GUI
thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.export.measures import Measures
from app.export.measures import label as measure_label
from app.i18n import (
    N_,
    _,
    current_language,
    format_datetime,
    format_minutes,
    format_number,
    ngettext,
)
from app.models.codelists import Code, CodeLists
from app.models.periods import Quarter
from app.services.confidant import coordinator_link, exporting
from app.services.confidant.exporting import ExportPreview, ExportResult, HistoryRow
from app.services.storage.vault import Register
from app.settings import Settings
from app.ui.register.help import set_help_topic
from app.ui.shared.accessible import caption, describe_table, tell
from app.ui.shared.formatting import fingerprint_lines
from app.ui.shared.icons import icon
from app.ui.shared.item_models import RowsTableModel
from app.ui.shared.ops import ErrorLine, Ops
from app.ui.shared.screen import ScrollArea, WrappingLabel, fit_to_screen
from app.ui.shared.signals import AppSignals
from app.ui.shared.style import monospace, set_role
from app.ui.shared.views import EmptyState, fit_columns, table_view
from app.ui.shared.worker import Task

QUARTERS_SHOWN = 8  # completed quarters in the combo, besides the current one
PREFERRED_SIZE = QSize(860, 760)
Confirm = Callable[[QWidget, str, str], bool]


def revision_box(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setObjectName("revision_box")
    box.addButton(_("Write the new revision"), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    return box


def ask(parent: QWidget, title: str, text: str) -> bool:
    box = revision_box(parent, title, text)
    box.exec()
    return box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole


def warning_text(msgid: str, params: dict[str, object]) -> str:
    """A preview warning in the current language (a count in it with its plural)."""
    if msgid == exporting.WARN_NO_TOPICS:
        n = int(params["n"])  # type: ignore[call-overload]
        return ngettext("{n} open case has no topic; it is counted without topic.",
                        "{n} open cases have no topic; they are counted without topic.",
                        n).format(n=n)
    return _(msgid).format(**params)

AnyIndex = QModelIndex | QPersistentModelIndex


# --- what the coordinator receives, as rows ---------------------------------------------------
@dataclass(frozen=True)
class PreviewRow:
    label: str
    value: str = ""
    heading: bool = False
    indent: int = 0


def _minutes_text(minutes: int) -> str:
    return _("{duration} ({minutes} min)").format(duration=format_minutes(minutes),
                                                   minutes=format_number(minutes))


def _codes(title: str, items: Sequence[Code], counts: Any, lang: str,
           value: Callable[[int], str] = format_number) -> list[PreviewRow]:
    rows = [PreviewRow(title, heading=True)]
    rows += [PreviewRow(i.label(lang), value(counts.get(i.code, 0)), indent=1) for i in items]
    return rows


def preview_rows(m: Measures, lists: CodeLists, lang: str) -> list[PreviewRow]:
    """Every measure of the file, every code included (the file writes zeros too)."""
    rows = [PreviewRow(_("Cases and contacts"), heading=True)]
    rows += [PreviewRow(measure_label(name), format_number(getattr(m, name)), indent=1)
             for name in ("cases_new", "cases_closed", "cases_open_end", "contacts_first",
                          "contacts_followup")]
    rows += [
        PreviewRow(measure_label("minutes_contacts"), _minutes_text(m.minutes_contacts), indent=1),
        PreviewRow(measure_label("topics"), heading=True),
    ]
    for group in lists.topic_groups:
        if len(group.topics) > 1:
            rows.append(PreviewRow(group.label(lang), indent=1))
        for topic in group.topics:
            rows.append(PreviewRow(topic.label(lang), format_number(m.topics.get(topic.code, 0)),
                                   indent=2 if len(group.topics) > 1 else 1))
    rows += _codes(measure_label("discrimination_grounds"), lists.discrimination_grounds,
                   m.discrimination_grounds, lang)
    rows += _codes(measure_label("modes"), lists.contact_modes, m.modes, lang)
    rows += _codes(measure_label("outcomes"), lists.outcomes, m.outcomes, lang)
    rows += _codes(measure_label("referrals"), lists.referral_targets, m.referrals, lang)
    rows += _codes(measure_label("minutes_activities"), lists.activity_kinds, m.minutes_activities,
                   lang, value=_minutes_text)
    return rows


class PreviewModel(RowsTableModel):
    """The preview: label and value of every measure; headings in bold."""

    columns = (("label", N_("Measure")), ("value", N_("Value")))
    numeric = frozenset({"value"})

    def display(self, row: PreviewRow, key: str) -> str:
        return "    " * row.indent + row.label if key == "label" else row.value

    def tooltip(self, row: PreviewRow, key: str) -> str | None:
        return row.label if key == "label" else None

    def accessible_text(self, row: PreviewRow, key: str) -> str | None:
        return self.tooltip(row, key)

    def font(self, row: PreviewRow, key: str) -> QFont | None:
        if not row.heading:
            return None
        font = QFont()
        font.setBold(True)
        return font


class HistoryModel(RowsTableModel):
    """Files written: quarter, revision, when, fingerprint, sealed, received."""

    columns = (("quarter", N_("Quarter")), ("revision", N_("Revision")),
               ("written", N_("Written")), ("fingerprint", N_("Fingerprint")),
               ("sealed", N_("Sealed")), ("received", N_("Received")))

    def display(self, row: HistoryRow, key: str) -> str:
        if key == "quarter":
            return row.quarter + (" " + _("(nil return)") if row.nil_return else "")
        if key == "revision":
            return format_number(row.revision)
        if key == "written":
            return format_datetime(row.created_at, "short")
        if key == "fingerprint":
            return exporting.short_fingerprint(row.sha256)
        if key == "sealed":
            return _("yes") if row.sealed else _("no")
        if row.received_at is None:
            return ""
        return "✓ " + format_datetime(row.received_at, "short")

    def tooltip(self, row: HistoryRow, key: str) -> str | None:
        return row.file_name if key == "fingerprint" else None

    def font(self, row: HistoryRow, key: str) -> QFont | None:
        return QFont("monospace") if key == "fingerprint" else None


def _table(model: QAbstractTableModel) -> QTableView:
    view = table_view(model)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    return view


class ExportDialog(QDialog):
    def __init__(self, register: Register, signals: AppSignals, settings: Settings,
                 parent: QWidget | None = None, *,
                 today: Callable[[], dt.date] = dt.date.today, confirm: Confirm = ask) -> None:
        super().__init__(parent)
        self.setObjectName("export_dialog")
        set_help_topic(self, "export")
        self.register = register
        self.signals = signals
        self.settings = settings
        self._today = today
        self._confirm = confirm
        self.folder: Path | None = None
        self.preview: ExportPreview | None = None
        self.last_result: ExportResult | None = None
        self._result_quarter: Quarter | None = None
        self.setWindowTitle(_("Quarterly export"))
        self._make_preview()
        self._make_writing()
        self._make_history()
        self._lay_out()
        self._fill_quarters()
        self.refresh_history()
        self._show_result(None)
        fit_to_screen(self, PREFERRED_SIZE)

    def _make_preview(self) -> None:
        self.quarter_combo = QComboBox()
        self.quarter_combo.currentIndexChanged.connect(self.refresh_preview)
        self.nil_banner = QLabel(_("Nil return: no cases, contacts or activities in this "
                                   "quarter. A nil return is a report too; send it."))
        self.nil_banner.setWordWrap(True)
        set_role(self.nil_banner, "banner")
        self.warnings_label = QLabel()
        self.warnings_label.setWordWrap(True)
        set_role(self.warnings_label, "warning")
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.preview_model = PreviewModel(self)
        self.preview_view = _table(self.preview_model)
        self.preview_view.setObjectName("preview_view")
        self.preview_view.setMinimumHeight(120)
        # Whole topic names, never cut: the label column takes the room and wraps.
        self.preview_view.setWordWrap(True)
        header = self.preview_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(
            lambda *_a: self.preview_view.resizeRowsToContents())
        describe_table(self.preview_view, _("What the coordinator will receive"),
                       _("Every measure of the file with its value: counts only, no memos, no "
                         "date finer than the quarter."))

    def _make_writing(self) -> None:
        self.folder_edit = QLineEdit()  # typed or chosen: either way the folder written to
        self.folder_edit.textEdited.connect(self._folder_typed)
        self.folder_edit.setPlaceholderText(_("Choose the folder or removable drive"))
        self.folder_label = QLabel()
        caption(self.folder_label, _("&Folder"), self.folder_edit)
        self.choose_button = QPushButton(_("Choose folder…"))
        self.choose_button.clicked.connect(self.choose_folder)
        self.write_button = QPushButton(_("Write file"))
        self.write_button.setObjectName("write_button")
        self.write_button.setIcon(icon("export"))
        # Not setDefault(True) here: the button is not in the dialog yet, so the dialog would
        # not know and would make "Choose folder…" its default; _arm makes it the default.
        self.write_button.clicked.connect(self.export_now)
        self.again_button = QPushButton(_("Write a new revision…"))
        self.again_button.setObjectName("again_button")
        self.again_button.clicked.connect(self.export_new_revision)
        self.again_button.hide()

        self.result_label = WrappingLabel()
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setFont(monospace(15))
        self.fingerprint_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pdf_button = QPushButton(_("Save PDF overview…"))
        self.pdf_button.setIcon(icon("report"))
        self.pdf_button.clicked.connect(self.choose_pdf)
        self.error_label = ErrorLine()
        self.ops = Ops(self, self.error_label, self.signals.data_changed.emit)

    def _make_history(self) -> None:
        self.history_model = HistoryModel(self)
        self.history_view = _table(self.history_model)
        self.history_view.setObjectName("history_view")
        self.history_view.setMinimumHeight(90)
        describe_table(self.history_view, _("Files written"),
                       _("One row per quarterly file written: quarter, revision, when, "
                         "fingerprint, sealed, and when the coordinator's receipt came in."))
        self.history_empty = EmptyState(self.history_view, lambda: _(
            "No files written yet. Choose the folder or stick, then Write file."))
        self.receipt_button = QPushButton(_("Import receipt…"))
        self.receipt_button.setIcon(icon("import"))
        self.receipt_button.clicked.connect(self.choose_receipt)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        quarter_label = QLabel()
        caption(quarter_label, _("&Quarter"), self.quarter_combo)
        top.addWidget(quarter_label)
        top.addWidget(self.quarter_combo)
        top.addStretch(1)

        preview_box = QGroupBox(_("What the coordinator will receive"))
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.summary_label)
        preview_layout.addWidget(self.nil_banner)
        preview_layout.addWidget(self.warnings_label)
        preview_layout.addWidget(self.preview_view, 1)

        write_box = QGroupBox(_("Write the file"))
        write_layout = QVBoxLayout(write_box)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label)
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)
        write_row = QHBoxLayout()
        write_row.addWidget(self.write_button)
        write_row.addWidget(self.again_button)
        write_row.addStretch(1)
        write_layout.addLayout(folder_row)
        write_layout.addLayout(write_row)
        write_layout.addWidget(self.result_label)
        write_layout.addWidget(self.fingerprint_label)
        pdf_row = QHBoxLayout()
        pdf_row.addWidget(self.pdf_button)
        pdf_row.addStretch(1)
        write_layout.addLayout(pdf_row)

        history_box = QGroupBox(_("Files written"))
        history_layout = QVBoxLayout(history_box)
        history_layout.addWidget(self.history_view)
        receipt_row = QHBoxLayout()
        receipt_row.addWidget(self.receipt_button)
        receipt_row.addStretch(1)
        history_layout.addLayout(receipt_row)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(preview_box)
        splitter.addWidget(write_box)
        splitter.addWidget(history_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 0)
        splitter.setStretchFactor(2, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(top)
        body_layout.addWidget(self.error_label)
        body_layout.addWidget(splitter, 1)
        # no fixed minimum: below its parts' own minimum the window scrolls instead of squeezing
        layout = QVBoxLayout(self)
        layout.addWidget(ScrollArea(body), 1)
        layout.addWidget(buttons)

    # --- quarter and preview -----------------------------------------------------------------
    def _fill_quarters(self) -> None:
        today = self._today()
        current = Quarter.of(today)
        default = exporting.default_quarter(today)
        quarters = list(reversed(default.back(QUARTERS_SHOWN))) + [current]
        quarters = sorted(set(quarters), reverse=True)
        self.quarter_combo.blockSignals(True)
        self.quarter_combo.clear()
        for q in quarters:
            label = str(q) + ("  " + _("(not over yet)") if q == current else "")
            self.quarter_combo.addItem(label, str(q))
        self.quarter_combo.setCurrentIndex(quarters.index(default))
        self.quarter_combo.blockSignals(False)
        self.refresh_preview()

    def quarter(self) -> Quarter:
        return Quarter.parse(str(self.quarter_combo.currentData()))

    def select_quarter(self, quarter: Quarter) -> None:
        index = self.quarter_combo.findData(str(quarter))
        if index < 0:
            self.quarter_combo.addItem(str(quarter), str(quarter))
            index = self.quarter_combo.count() - 1
        self.quarter_combo.setCurrentIndex(index)

    def _read_preview(self, quarter: Quarter) -> tuple[ExportPreview, CodeLists]:
        """The preview and the quarter's own list version (no widget is read here: it may
        run off the GUI thread)."""
        return (exporting.preview(self.register, quarter, self._today()),
                self.register.code_lists(quarter.start))

    def refresh_preview(self) -> None:
        quarter = self.quarter()
        read = self.ops.now(lambda: self._read_preview(quarter))
        if read is not None:
            self._show_preview(read)

    def _show_preview(self, read: tuple[ExportPreview, CodeLists]) -> None:
        view, lists = read
        self.preview = view
        if self._result_quarter != view.quarter:
            # Another quarter: its own result or none, never the fingerprint of the one before
            # (a confidant might read the wrong one aloud).
            self._show_result(None)
        elif self.last_result is not None:
            self._show_result(self.last_result)
        self.preview_model.set_rows(preview_rows(view.measures, lists, current_language()))
        self.preview_view.resizeRowsToContents()
        self._arm(view)
        recipient = (_("sealed to {code}").format(code=view.recipient) if view.recipient
                     else _("not sealed"))
        self.summary_label.setText(
            _("Quarter {quarter}, revision {revision}, from {code} ({component}), {sealed}.")
            .format(quarter=view.quarter, revision=view.revision, code=view.sender_code,
                    component=view.component, sealed=recipient))
        self.nil_banner.setVisible(view.nil_return)
        self.warnings_label.setText("\n".join(
            "⚠ " + warning_text(msgid, params) for msgid, params in view.warnings))
        self.warnings_label.setVisible(bool(view.warnings))
        tell(self.write_button, self.warnings_label.text() if view.warnings else "")

    # --- writing -----------------------------------------------------------------------------
    def set_folder(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder_edit.setText(str(self.folder))

    def _folder_typed(self, text: str) -> None:
        self.folder = Path(text.strip()) if text.strip() else None

    def choose_folder(self) -> None:
        start = str(self.folder) if self.folder else ""
        chosen = QFileDialog.getExistingDirectory(self, _("Choose the folder for the file"), start)
        if chosen:
            self.set_folder(Path(chosen))
            # on to the next step: writing (or, once written, closing)
            (self.write_button if self.write_button.isEnabled() else self.close_button).setFocus()

    def _arm(self, view: ExportPreview) -> None:
        """"Write file" for a quarter not written in this window; once it is, only "Write a
        new revision…" (which asks first) writes the quarter again."""
        written_here = self._result_quarter == view.quarter
        self.write_button.setEnabled(not written_here)
        self.write_button.setDefault(not written_here)
        self.close_button.setDefault(written_here)
        self.again_button.setVisible(written_here)
        self.again_button.setText(_("Write revision {revision}…").format(
            revision=view.revision))

    def export_new_revision(self) -> Task | None:
        """Another revision of a quarter already written: only after saying what it means."""
        view = self.preview
        if view is None:
            return None
        if not self._confirm(self, _("Write a new revision"), _(
                "Revision {revision} of {quarter} replaces the earlier file at the coordinator. "
                "Write it only when something in the quarter was corrected. Write revision "
                "{revision}?").format(revision=view.revision, quarter=view.quarter)):
            return None
        return self._write()

    def export_now(self) -> Task | None:
        """Write the quarter's file; refused (nothing happens) once this window wrote it."""
        if not self.write_button.isEnabled():
            return None
        view = self.preview
        if view is not None and view.revision > 1 and not self._confirm(
                self, _("Write a new revision"), _(
                    "{quarter} was exported before. Revision {revision} replaces the earlier "
                    "file at the coordinator. Write revision {revision}?").format(
                    revision=view.revision, quarter=view.quarter)):
            return None
        return self._write()

    def _write(self) -> Task | None:
        """Write the file off the GUI thread (``ops.wait()`` waits for it)."""
        if self.folder is None:
            self.choose_folder()
            if self.folder is None:
                return None
        register, quarter, folder, today = self.register, self.quarter(), self.folder, self._today()
        return self.ops.run(
            lambda: exporting.export_quarter(register, quarter, folder, today=today),
            lambda result: self._written(quarter, result),
            disable=(self.write_button, self.again_button, self.quarter_combo, self.close_button),
            status=self.result_label, text=_("Writing the quarterly file…"))

    def _written(self, quarter: Quarter, result: ExportResult) -> None:
        self.last_result, self._result_quarter = result, quarter
        self._show_result(result)
        self.refresh_history()
        # The next file would be revision n+1: the preview is read again (the quarter's
        # figures, a read that takes time) off the GUI thread; "Write file" waits for it.
        self.write_button.setEnabled(False)
        self.ops.run(lambda: self._read_preview(quarter), self._show_preview,
                     disable=(self.quarter_combo,))

    def _show_result(self, result: ExportResult | None) -> None:
        if result is None:
            self.result_label.setText(_("No file written yet in this window."))
            self.fingerprint_label.setText("")
            return
        state = _("signed and sealed to the coordinator") if result.sealed else _(
            "signed, not sealed")
        self.result_label.setText(
            _("Written: {name} (revision {revision}, {state}). Read this fingerprint aloud "
              "when the coordinator confirms receipt:").format(
                name=result.path.name, revision=result.revision, state=state))
        self.fingerprint_label.setText(fingerprint_lines(result.fingerprint))

    # --- PDF ---------------------------------------------------------------------------------
    def choose_pdf(self) -> None:
        quarter = self.quarter()
        start = (self.folder or Path.home()) / _("Vertrouwd-overview-{quarter}.pdf").format(
            quarter=quarter)
        chosen, _filter = QFileDialog.getSaveFileName(self, _("Save PDF overview"), str(start),
                                                      _("PDF files (*.pdf)"))
        if chosen:
            self.write_pdf_to(Path(chosen))

    def write_pdf_to(self, path: Path) -> Task | None:
        """Write the PDF overview off the GUI thread; the result shows when it is done."""
        quarter = self.quarter()
        result = self.last_result if self._result_quarter == quarter else None
        register, lang = self.register, current_language()

        def write() -> Path:
            # imported here, on the worker: the first PDF loads reportlab, which held the GUI
            # thread for a second when it was imported there (the gui-thread bench)
            from app.services.confidant.quarter_overview import write_vp_quarter_pdf

            # the writer raises typed errors (app.files), never OSError
            return write_vp_quarter_pdf(register, quarter, result, path, lang=lang)

        return self.ops.run(
            write, self._pdf_written,
            disable=(self.pdf_button, self.quarter_combo, self.close_button),
            status=self.result_label, text=_("Writing the PDF overview…"))

    def _pdf_written(self, written: Path) -> None:
        self.result_label.setText(_("PDF overview saved: {path}").format(path=written))

    def reject(self) -> None:
        self.ops.wait()  # a file or PDF is being written: wait for it
        super().reject()

    # --- history and receipts ----------------------------------------------------------------
    def refresh_history(self) -> None:
        rows = self.ops.now(lambda: exporting.history(self.register))
        if rows is not None:
            self.history_model.set_rows(rows)
            fit_columns(self.history_view)

    def choose_receipt(self) -> None:
        start = str(self.folder) if self.folder else ""
        chosen, _filter = QFileDialog.getOpenFileName(self, _("Import receipt"), start,
                                                      _("Vertrouwd files (*.json)"))
        if chosen:
            self.import_receipt_from(Path(chosen))

    def import_receipt_from(self, path: Path) -> Task | None:
        register = self.register
        return self.ops.run(lambda: coordinator_link.import_receipt(register, path),
                            self._receipt_imported, disable=(self.receipt_button,))

    def _receipt_imported(self, row: HistoryRow) -> None:
        self.refresh_history()
        self.result_label.setText(
            _("Receipt imported: quarter {quarter}, revision {revision} was received.").format(
                quarter=row.quarter, revision=row.revision))

    def error_text(self) -> str:
        return self.error_label.sentence()
