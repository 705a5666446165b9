"""Placeholder until the workspace lands (issue 3)."""

from __future__ import annotations


def run_gui(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication(argv)
    label = QLabel("Vertrouwd")
    label.show()
    return app.exec()
