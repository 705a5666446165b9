"""A new passphrase typed twice, with live feedback: used by the wizard and the
'set a new passphrase' dialogs. Rules come from app.services.storage.passphrase_policy."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from app.i18n import N_, _
from app.services.storage import passphrase_policy
from app.ui.shared.accessible import caption
from app.ui.shared.style import set_role

STRENGTH_NAMES = (N_("Very weak"), N_("Weak"), N_("Fair"), N_("Good"), N_("Strong"))


class PassphraseEntry(QWidget):
    """Two password fields, a strength bar and one line saying what is wrong (or that it is ok)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setObjectName("new_passphrase")
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setObjectName("repeat_passphrase")
        self.strength = QProgressBar()
        self.strength.setRange(0, 4)
        self.strength.setTextVisible(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.feedback = QLabel()
        self.feedback.setObjectName("passphrase_feedback")
        self.feedback.setWordWrap(True)

        self._labels = (QLabel(), QLabel(), QLabel())
        self._form = QFormLayout()
        for label, field in zip(
            self._labels, (self.first, self.second, self.strength), strict=True
        ):
            self._form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addLayout(self._form)
        layout.addWidget(self.feedback)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.hint.setText(_("A sentence is a good passphrase: at least 12 characters, easy for "
                            "you to remember, hard for others to guess."))
        for label, text, field in zip(
                self._labels, (_("Pass&phrase"), _("&Repeat passphrase"), _("Strength")),
                (self.first, self.second, self.strength), strict=True):
            caption(label, text, field)
        self._update()

    def passphrase(self) -> str:
        return self.first.text()

    def problem(self) -> str | None:
        """The translated reason why the passphrase cannot be used yet, or None when it can."""
        text = self.first.text()
        result = passphrase_policy.assess(text)
        if not text:
            return _("Type a passphrase.")
        if not result.ok:
            return _(result.reason or "This passphrase cannot be used.")
        if not self.second.text():
            return _("Type the passphrase a second time.")
        if self.second.text() != text:
            return _("The two passphrases are not the same.")
        return None

    def is_acceptable(self) -> bool:
        return self.problem() is None

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()

    def _update(self) -> None:
        text = self.first.text()
        result = passphrase_policy.assess(text)
        level = result.strength if result.ok else 0
        self.strength.setValue(level)
        self.strength.setFormat(_(STRENGTH_NAMES[level]) if text else "")
        problem = self.problem()
        if problem is None:
            self.feedback.setText(_("This passphrase can be used."))
            set_role(self.feedback, "ok")
        else:
            self.feedback.setText(problem)
            set_role(self.feedback, "error" if text else "")
        self.changed.emit()
