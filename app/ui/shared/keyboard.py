"""Keyboard behaviour the whole program shares, installed once on the application:

- Enter (or the keypad's Enter) on a focused push button presses it, in a main window as in
  a dialog (Qt only does that for a dialog's auto-default buttons; Space always works);
- Ctrl+Z in a text field undoes the typing there; when there is nothing to undo in the field,
  it goes on to the window's Undo (the last save, edit or delete), instead of doing nothing;
- F1 opens the user guide at the section of the screen in use, in every window and dialog
  (the main window's Help menu has it as its shortcut; dialogs get it here).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _nothing_to_undo(widget: QObject) -> bool:
    if isinstance(widget, QLineEdit):
        return not widget.isUndoAvailable() or widget.isReadOnly()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return not widget.document().isUndoAvailable() or widget.isReadOnly()
    return False


class KeyboardBehaviour(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_F1 and isinstance(watched, QWidget) and (
                    watched is (QApplication.focusWidget() or watched.window())):
                from app.ui.register.help import open_help_for

                open_help_for(watched)
                return True
            if (event.key() in ENTER_KEYS and isinstance(watched, QPushButton)
                    and watched is QApplication.focusWidget() and watched.isEnabled()
                    and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
                watched.click()
                return True
        elif (kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
              and event.matches(QKeySequence.StandardKey.Undo) and _nothing_to_undo(watched)):
            event.ignore()  # not the field's: the shortcut (the window's Undo) may take it
            return True
        return False


def install_keyboard_behaviour(app: QApplication) -> KeyboardBehaviour:
    behaviour = KeyboardBehaviour(app)
    app.installEventFilter(behaviour)
    return behaviour
