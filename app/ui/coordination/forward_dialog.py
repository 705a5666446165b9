"""Forward a quarter: the merged summary and who reported, a warning when the recipient's card
is missing (the file would be signed but not sealed), then the file and its fingerprint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
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

from app.i18n import _, ngettext
from app.models.periods import last_completed_quarter
from app.services.confidant import exporting
from app.services.coordination import forwarding, merging
from app.services.coordination import roster as roster_service
from app.services.coordination.forwarding import ForwardResult
from app.services.storage.vault import Register
from app.ui.coordination.common import internal_note, internal_note_text, recent_quarters
from app.ui.coordination.tables import measures_summary
from app.ui.register.help import set_help_topic
from app.ui.shared.accessible import caption, name
from app.ui.shared.icons import icon
from app.ui.shared.ops import ErrorLine, Ops
from app.ui.shared.screen import ScrollArea, fit_to_screen
from app.ui.shared.style import set_role
from app.ui.shared.worker import Task


class ForwardDialog(QDialog):
    changed = Signal(object)  # the Change of the forwarding, after the file was written

    def __init__(self, register: Register, today: Callable[[], dt.date],
                 out_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("forward_dialog")
        set_help_topic(self, "coordination")
        self.register: Register | None = register
        self.today = today
        self.forward_result: ForwardResult | None = None
        profile = roster_service.coordination_profile(register)
        self.central = roster_service.is_central(profile)

        self.quarter_combo = QComboBox()
        for q in recent_quarters(today()):
            self.quarter_combo.addItem(str(q), str(q))
        self.quarter_combo.setCurrentIndex(
            max(self.quarter_combo.findData(str(last_completed_quarter(today()))), 0))
        top = QFormLayout()
        quarter_label = QLabel()
        caption(quarter_label, _("&Quarter"), self.quarter_combo)
        top.addRow(quarter_label, self.quarter_combo)

        self.summary_box = QGroupBox(_("Merged summary"))
        self.summary_form = QFormLayout(self.summary_box)
        self.reporting_box = QGroupBox(_("Who reported"))
        self.reporting_form = QFormLayout(self.reporting_box)
        self.warning = QLabel()
        self.warning.setObjectName("forward_warning")
        self.warning.setWordWrap(True)
        set_role(self.warning, "notice")

        out_row = self._folder_row(out_dir)
        self.outcome = QLabel()
        self.outcome.setObjectName("forward_outcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_line = ErrorLine()
        self.ops = Ops(self, self.error_line, self.changed.emit)
        buttons = self._buttons_row()
        note = internal_note()
        note.setText(internal_note_text())

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(top)
        body_layout.addWidget(self.summary_box)
        body_layout.addWidget(self.reporting_box)
        body_layout.addWidget(self.warning)
        body_layout.addLayout(out_row)
        body_layout.addWidget(self.outcome)
        body_layout.addWidget(self.error_line)
        body_layout.addWidget(note)
        body_layout.addStretch(1)
        self.scroll_area = ScrollArea(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll_area, 1)
        layout.addLayout(buttons)
        self.setWindowTitle(_("Forward to the central level") if not self.central
                            else _("Forward the Defence summary"))
        self.quarter_combo.currentIndexChanged.connect(lambda _i: self.show_quarter())
        self.show_quarter()
        fit_to_screen(self, QSize(640, 640))

    def _folder_row(self, out_dir: Path | None) -> QHBoxLayout:
        self.out_edit = QLineEdit(str(out_dir) if out_dir else "")
        choose = QPushButton(_("Choose…"))
        name(choose, _("Choose the folder to write to"))
        choose.clicked.connect(self._pick_folder)
        out_label = QLabel()
        caption(out_label, _("&Write to folder"), self.out_edit)
        out_row = QHBoxLayout()
        out_row.addWidget(out_label)
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(choose)
        return out_row

    def _buttons_row(self) -> QHBoxLayout:
        self.write_button = QPushButton(_("Write file"))
        self.write_button.setIcon(icon("forward"))
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        self.write_button.clicked.connect(self.write)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.write_button)
        buttons.addWidget(close)
        return buttons

    def quarter(self) -> str:
        return str(self.quarter_combo.currentData())

    def select_quarter(self, quarter: str) -> None:
        self.quarter_combo.setCurrentIndex(max(self.quarter_combo.findData(quarter), 0))

    @staticmethod
    def _fill(form: QFormLayout, pairs: list[tuple[str, str]]) -> None:
        while form.rowCount():
            form.removeRow(0)
        for text, value in pairs:
            shown = QLabel(value)
            shown.setAlignment(Qt.AlignmentFlag.AlignRight)
            form.addRow(text, shown)

    def show_quarter(self) -> None:
        if self.register is None:
            return
        q = self.quarter()
        table = merging.quarter_table(self.register, q)
        counts = merging.completeness(self.register, [q]).counts[q]
        self._fill(self.summary_form, measures_summary(table.measures))
        self._fill(self.reporting_form, [
            (_("Expected"), str(counts.expected)),
            (_("Received"), str(counts.received)),
            (_("Nil returns"), str(counts.nil)),
            (_("Missing"), str(counts.missing)),
            (_("Files counted"), str(len(table.counted))),
        ])
        warnings = []
        if exporting.recipient_card(self.register) is None:
            warnings.append(_("The central card is not known: the file will be signed but not "
                              "encrypted. Import the central card first (Coordination → Central "
                              "card…) so that a lost stick reveals nothing."))
        version = forwarding.forward_version(table)
        if table.mixed_codelists and version is None:
            warnings.append(_("The files of this quarter use different versions of the topic "
                              "list ({versions}); the quarter cannot be forwarded as one file.")
                            .format(versions=", ".join(table.codelist_versions)))
        elif table.mixed_codelists:
            warnings.append(_("The files of this quarter use different versions of the topic "
                              "list ({versions}); it is forwarded on list {version}, where every "
                              "figure adds up exactly.")
                            .format(versions=", ".join(table.codelist_versions), version=version))
        if counts.missing:
            warnings.append(ngettext(
                "{count} expected file is missing; you can forward now and send a new "
                "revision later.",
                "{count} expected files are missing; you can forward now and send a new "
                "revision later.", counts.missing).format(count=counts.missing))
        if not table.counted:
            warnings.append(_("No files have been imported for this quarter."))
        self.warning.setText("\n\n".join(warnings))
        self.warning.setVisible(bool(warnings))
        self.write_button.setEnabled(bool(table.counted) and version is not None)
        self.outcome.clear()

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Write to folder"))
        if folder:
            self.out_edit.setText(folder)

    def write(self) -> Task | None:
        """Write the quarter's file off the GUI thread (``ops.wait()`` waits for it)."""
        register, quarter = self.register, self.quarter()
        if register is None:
            return None
        folder = self.out_edit.text().strip()
        if not folder:
            self.outcome.setText(_("Choose a folder to write the file to."))
            return None
        return self.ops.run(lambda: forwarding.forward(register, quarter, Path(folder)),
                            self._written, disable=(self.write_button, self.quarter_combo),
                            status=self.outcome, text=_("Writing the file…"))

    def _written(self, result: ForwardResult) -> None:
        self.forward_result = result
        lines = [_("Written: {name} (revision {revision}).").format(
                     name=result.path.name, revision=result.revision),
                 _("Fingerprint: {fingerprint}").format(
                     fingerprint=exporting.short_fingerprint(result.sha256))]
        lines.append(_("Sealed to {code}.").format(code=result.recipient_code) if result.sealed
                     else _("Signed but not encrypted: no central card is known."))
        self.outcome.setText("\n".join(lines))
        self.write_button.setEnabled(False)  # no silent second revision: choose the quarter
        self.scroll_area.ensureWidgetVisible(self.outcome)

    def done(self, result: int) -> None:
        self.ops.wait()  # a file being written: let it finish
        super().done(result)

    def clear_for_lock(self) -> None:
        self.register = None
        self._fill(self.summary_form, [])
        self._fill(self.reporting_form, [])
        self.outcome.clear()
        self.warning.clear()
