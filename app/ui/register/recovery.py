"""Showing a fresh recovery code once: large, monospace, printable, with a plain warning."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.ui.shared.screen import fit_to_screen
from app.ui.shared.style import monospace, set_role

SAMPLE_CODE = "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"


def recovery_warning() -> str:
    return _("Print this recovery code, put it in a sealed envelope and keep it apart from the "
             "laptop. It is shown only once. Without your passphrase AND this recovery code "
             "nobody can open the register: not you, not the helpdesk, not IT.")


class RecoveryCodePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code_label = QLabel()
        self.code_label.setObjectName("recovery_code")
        font = monospace(bold=True)
        font.setPointSize(max(font.pointSize(), 10) + 6)
        self.code_label.setFont(font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The whole code on one line, however narrow the window: it is copied onto paper.
        self.code_label.setMinimumWidth(self.code_label.fontMetrics().horizontalAdvance(
            SAMPLE_CODE) + 8)
        self.warning = QLabel(recovery_warning())
        self.warning.setWordWrap(True)
        set_role(self.warning, "warning")
        self.print_button = QPushButton(_("Print…"))
        self.print_button.clicked.connect(self.print_code)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.warning)
        layout.addWidget(self.code_label)
        layout.addWidget(self.print_button)
        self.set_code("")

    def set_code(self, code: str) -> None:
        self._code = code
        self.code_label.setText(code)
        self.code_label.setVisible(bool(code))
        self.print_button.setEnabled(bool(code))

    def print_code(self) -> None:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        doc = QTextDocument()
        doc.setPlainText(
            "\n\n".join([_("Vertrouwd recovery code"), self._code, recovery_warning()])
        )
        doc.print_(printer)


class RecoveryCodeDialog(QDialog):
    """Shows a new recovery code once (settings → new recovery code)."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recovery_code_dialog")
        self.setWindowTitle(_("New recovery code"))
        self.panel = RecoveryCodePanel()
        self.panel.set_code(code)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(max(620, self.panel.sizeHint().width() + 40), 320))
