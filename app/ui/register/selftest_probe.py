"""The self-test's look at the program window: Qt loads, a widget is shown and painted.

Lives in the UI layer because the core never imports Qt; app.main hands it to the self-test.
"""

from __future__ import annotations

import os

from app.i18n import _


def show_widget_offscreen() -> str:
    # Offscreen unless the caller chose a platform: the self-test must run without a display.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(["vertrouwd"])
    assert isinstance(app, QApplication)
    label = QLabel("Vertrouwd")
    try:
        label.show()
        app.processEvents()
        if not label.isVisible():
            raise RuntimeError(_("the test window did not appear"))
        if label.grab().isNull():
            raise RuntimeError(_("the test window could not be drawn"))
    finally:
        label.close()
        label.deleteLater()
    return _("Qt window shown and drawn (platform {platform})").format(
        platform=app.platformName())
