"""Everything an application needs before its first window: the program's style, palette and
style sheet (app.ui.shared.style), the focus ring (app.ui.shared.focus_ring), scroll areas
that follow the focus (app.ui.shared.screen) and the shared keyboard behaviour
(app.ui.shared.keyboard). ``prepare_application(app)`` once; later calls do nothing."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from app.ui.shared.focus_ring import FocusRing
from app.ui.shared.keyboard import install_keyboard_behaviour
from app.ui.shared.screen import FocusFollower
from app.ui.shared.style import base_style, palette, style_sheet

GUI_SWITCH_INTERVAL = 0.001  # seconds


def prepare_application(app: QApplication) -> None:
    if app.property("vertrouwd_prepared"):
        return
    app.setProperty("vertrouwd_prepared", True)
    # A task computing in Python (a report, an import) keeps the interpreter for Python's
    # switch interval at a time, 5 ms by default, each time the GUI thread asks for it back to
    # paint or run a timer: the window stood still for 60-100 ms while a report was made.
    # With 1 ms the GUI thread gets it back at once; the task loses next to nothing.
    sys.setswitchinterval(GUI_SWITCH_INTERVAL)
    app.setStyle(base_style())
    app.setPalette(palette())
    app.setStyleSheet(style_sheet())
    FocusRing.install(app)
    FocusFollower(app)
    install_keyboard_behaviour(app)
