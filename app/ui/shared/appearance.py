"""Everything an application needs before its first window: the program's style, palette and
style sheet (app.ui.shared.style), the focus ring (app.ui.shared.focus_ring), scroll areas
that follow the focus (app.ui.shared.screen) and the shared keyboard behaviour
(app.ui.shared.keyboard). ``prepare_application(app)`` once; later calls do nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.ui.shared.focus_ring import FocusRing
from app.ui.shared.keyboard import install_keyboard_behaviour
from app.ui.shared.screen import FocusFollower
from app.ui.shared.style import base_style, palette, style_sheet


def prepare_application(app: QApplication) -> None:
    if app.property("vertrouwd_prepared"):
        return
    app.setProperty("vertrouwd_prepared", True)
    app.setStyle(base_style())
    app.setPalette(palette())
    app.setStyleSheet(style_sheet())
    FocusRing.install(app)
    FocusFollower(app)
    install_keyboard_behaviour(app)
