"""Render the export and cards screens and the PDF overview to docs/screenshots/.

    QT_QPA_PLATFORM=offscreen python tools/screenshots_export.py   (LANG_UI=en for English)

Needs `pdftoppm` (poppler-utils) for the PDF pages.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSize  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.models.periods import Quarter  # noqa: E402
from app.services.confidant import exporting  # noqa: E402
from app.services.confidant.quarter_overview import write_vp_quarter_pdf  # noqa: E402
from app.services.demo import build_demo_register  # noqa: E402
from app.services.storage import vault  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.ui.confidant.export_dialog import ExportDialog  # noqa: E402
from app.ui.register.application import QtTranslations  # noqa: E402
from app.ui.register.cards_dialog import CardsDialog  # noqa: E402
from app.ui.shared.screen import fit_to_screen  # noqa: E402
from app.ui.shared.signals import AppSignals  # noqa: E402
from tests import cheap_kdf  # noqa: E402

cheap_kdf.install()  # throw-away demo registers: the tests' cheap key derivation

OUT = Path(os.environ.get("VERTROUWD_SCREENSHOTS_OUT") or ROOT / "docs" / "screenshots")
PASS = "een zin als wachtwoord is goed"
TODAY = dt.date(2026, 11, 23)


def save(widget: QWidget, name: str) -> None:
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(OUT / f"{name}.png"))
    widget.hide()


def main() -> None:
    app = QApplication([])
    lang = os.environ.get("LANG_UI", "nl")
    QtTranslations(app).apply(lang)
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    build_demo_register(tmp / "vp", PASS, seed=1, today=TODAY)
    register = vault.unlock(tmp / "vp", PASS)
    coordinator, _code = vault.create_register(tmp / "coord", PASS, roles=("coordinator",),
                                               component="CLAS", with_recovery=False)
    signals, settings = AppSignals(), Settings(language=lang)

    cards = CardsDialog(register, signals, settings)
    save(cards, f"cards-{lang}-no-coordinator")
    card = exporting.write_own_card(coordinator, tmp / "coord-card.json")
    cards._confirm = lambda _parent, _card: True
    cards.import_card_from(card)
    cards.ops.wait()
    save(cards, f"cards-{lang}-coordinator-kept")

    dialog = ExportDialog(register, signals, settings, today=lambda: TODAY)
    fit_to_screen(dialog, QSize(900, 900))
    save(dialog, f"export-{lang}-preview")
    dialog.set_folder(tmp / "usb")
    dialog.export_now()
    dialog.ops.wait()
    result = dialog.last_result
    save(dialog, f"export-{lang}-written")
    dialog.select_quarter(Quarter(2026, 4))
    save(dialog, f"export-{lang}-current-quarter-warnings")

    empty, _c = vault.create_register(tmp / "empty", PASS, roles=("vp",), component="CLAS",
                                      with_recovery=False)
    nil = ExportDialog(empty, signals, settings, today=lambda: TODAY)
    fit_to_screen(nil, QSize(900, 700))
    save(nil, f"export-{lang}-nil-return")

    for name, quarter, res in ((f"pdf-{lang}-quarter", Quarter(2026, 3), result),
                               (f"pdf-{lang}-nil", Quarter(2026, 3), None)):
        reg = register if res is not None else empty
        pdf = write_vp_quarter_pdf(reg, quarter, res, tmp / f"{name}.pdf", lang=lang,
                                   now=dt.datetime(2026, 11, 23, 10, 0))
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(OUT / name)], check=True)
    register.close()
    coordinator.close()
    empty.close()
    app.quit()


if __name__ == "__main__":
    main()
