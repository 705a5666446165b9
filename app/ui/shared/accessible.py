"""Names for assistive technology: every interactive widget gets the name a screen reader
reads, set explicitly (Qt only finds a label's buddy among the label's siblings, and on Linux
reads a combo box's current text as its name), and tables a name and a description.

``caption(label, text, field)`` is the one way a visible label names a field: the label shows
``text`` (with its ``&`` mnemonic), becomes the field's buddy, and the field's accessible name
is the same text without the ``&``. Call it again in ``retranslate_ui``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QLabel, QWidget


def strip_mnemonic(text: str) -> str:
    """'M&emo' -> 'Memo'; '&&' stays a literal '&'."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "&" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if text[i] != "&":
            out.append(text[i])
        i += 1
    return "".join(out).rstrip(":").strip()


def mnemonic_of(text: str) -> str | None:
    """The letter after a single '&' (lower case), or None."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].lower()
        i += 1
    return None


def caption(label: QLabel, text: str, field: QWidget | None = None) -> None:
    label.setText(text)
    if field is not None:
        label.setBuddy(field)
        field.setAccessibleName(strip_mnemonic(text))


def name(widget: QWidget, text: str, description: str = "") -> None:
    widget.setAccessibleName(strip_mnemonic(text))
    if description:
        widget.setAccessibleDescription(description)


def describe_table(view: QAbstractItemView, title: str, description: str) -> None:
    """A table's name and what its rows and columns are, for a screen reader."""
    view.setAccessibleName(title)
    view.setAccessibleDescription(description)

