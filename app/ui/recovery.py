"""Showing a fresh recovery code once: large, monospace, printable, with a plain warning."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _


def recovery_warning() -> str:
    return _("Print this recovery code, put it in a sealed envelope and keep it apart from the "
             "laptop. It is shown only once. Without your passphrase AND this recovery code "
             "nobody can open the register: not you, not the helpdesk, not IT.")


class RecoveryCodePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code_label = QLabel()
        self.code_label.setObjectName("recovery_code")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(font.pointSize(), 10) + 6)
        font.setWeight(QFont.Weight.Bold)
        self.code_label.setFont(font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning = QLabel(recovery_warning())
        self.warning.setWordWrap(True)
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
        self.setWindowTitle(_("New recovery code"))
        self.panel = RecoveryCodePanel()
        self.panel.set_code(code)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(buttons)
