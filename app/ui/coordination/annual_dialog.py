"""The annual report's confidants section: year, language, k and the folder it goes to. The
workspace writes the three files (PDF, CSV, DOCX) off the GUI thread."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import LANGUAGES, _
from app.models.periods import last_completed_quarter
from app.ui.register.help import set_help_topic
from app.ui.shared.accessible import caption, name
from app.ui.shared.screen import fit_to_screen


class AnnualDialog(QDialog):
    def __init__(self, today: dt.date, *, central: bool, k: int, folder: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annual_dialog")
        set_help_topic(self, "coordination")
        self.setWindowTitle(_("Annual report section"))
        self.year = QComboBox()
        for y in range(today.year, today.year - 6, -1):
            self.year.addItem(str(y), y)
        self.year.setCurrentIndex(max(self.year.findData(last_completed_quarter(today).year), 0))
        self.lang = QComboBox()
        for code, language in LANGUAGES.items():
            self.lang.addItem(language, code)  # Dutch first: the published language
        self.k = QSpinBox()
        self.k.setRange(3, 20)
        self.k.setValue(k)
        self.folder = QLineEdit(str(folder))
        browse = QPushButton(_("Choose…"))
        name(browse, _("Choose the folder"))
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(browse)
        what = (_("The Defence section of the annual integrity report") if central else
                _("The component's appendix to the annual integrity report"))
        info = QLabel(what + ": " + _(
            "new cases against the two years before, the top 3 topics per group, the topics "
            "over three years, cases, contacts and hours, the network and how complete the "
            "figures are. Written as PDF, CSV and DOCX, with the same protection as the year "
            "report."))
        info.setWordWrap(True)
        form = QFormLayout()
        for text, field in ((_("&Year"), self.year), (_("&Language"), self.lang),
                            (_("&Minimum count shown (k)"), self.k)):
            label = QLabel()
            caption(label, text, field)
            form.addRow(label, field)
        folder_label = QLabel()
        caption(folder_label, _("F&older for the files"), self.folder)
        form.addRow(folder_label, where)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Write"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(560, self.sizeHint().height()))

    def _accept(self) -> None:
        if not self.folder.text().strip():
            self.folder.setFocus()
            self.folder.setPlaceholderText(_("Choose a folder for the files."))
            return
        self.accept()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Folder for the annual section"),
                                                  self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def choice(self) -> tuple[int, Path, str, int]:
        """Year, folder, language and k as chosen."""
        return (int(self.year.currentData()), Path(self.folder.text().strip()),
                str(self.lang.currentData()), self.k.value())
