"""Screenshots of the confidant's main window with realistic data, rendered offscreen.

    QT_QPA_PLATFORM=offscreen python tools/screenshots_views.py [OUT_DIR]
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's app/
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from app.i18n import set_language
from app.models.codelists import DISCRIMINATION
from app.services.confidant.cases import CaseService, ReferralInput
from app.services.storage import vault
from app.settings import Settings
from app.ui.register.main_window import MainWindow
from app.ui.shared.screen import fit_to_screen
from app.ui.shared.signals import AppSignals
from tests import cheap_kdf

cheap_kdf.install()  # throw-away demo registers: the tests' cheap key derivation

TODAY = dt.date(2026, 11, 23)


def fill(service: CaseService) -> None:
    rng = random.Random(3)
    topics = [["pesten"], ["arbeidsconflict"], ["intimidatie", "kwaadspreken"],
              ["werkdruk_inzet"], ["seksuele_intimidatie"], ["priveomstandigheden"],
              ["discriminatie"], ["overschrijding_regels"], ["thuisfront"]]
    memos = ["", "spanning in het team na reorganisatie", "", "wil eerst zelf gesprek voeren",
             "terugbellen na verlof", ""]
    day = dt.date(2025, 1, 8)
    while day < TODAY - dt.timedelta(days=3):
        chosen = rng.choice(topics)
        grounds = ["leeftijd"] if DISCRIMINATION in chosen else []
        case = service.open_case(on=day, minutes=rng.choice((30, 45, 60, 90)),
                                 mode=rng.choice(("persoonlijk", "telefoon", "video")),
                                 topics=chosen, grounds=grounds, memo=rng.choice(memos)).id
        follow = day
        for _i in range(rng.randint(0, 3)):
            follow += dt.timedelta(days=rng.randint(3, 20))
            if follow >= TODAY:
                break
            service.add_contact(case, on=follow, minutes=rng.choice((20, 30, 45, 60)),
                                mode=rng.choice(("persoonlijk", "telefoon", "email_chat")))
        close_on = follow + dt.timedelta(days=7)
        if close_on < TODAY - dt.timedelta(days=20):
            referrals = ([ReferralInput("bmw", close_on)]
                         if rng.random() < 0.3 else [])
            service.close_case(case, on=close_on, outcome=rng.choice(
                ("handvatten", "geen_actie", "doorverwezen")), referrals=referrals)
        day += dt.timedelta(days=rng.randint(12, 30))
    for month in range(1, 12):
        service.add_activity(on=dt.date(2026, month, 10), minutes=rng.choice((60, 120, 180)),
                             kind=rng.choice(("intervisie", "netwerkoverleg", "training")))


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        register, _code = vault.create_register(
            Path(tmp) / "register",
            "demo wachtwoord zin lang",
            roles=("vp",),
            component="CLAS",
            with_recovery=False,
        )
        service = CaseService(register, today=lambda: TODAY)
        fill(service)
        for lang in ("nl", "en"):
            set_language(lang)
            window = MainWindow(AppSignals(), Settings(language=lang), today=lambda: TODAY)
            fit_to_screen(window, QSize(1400, 860))
            window.show()
            window.attach(register)
            window.cases_view.selectRow(1)
            qe = window.quick_entry
            qe.minutes_edit.setText("45")
            qe.topic_filter.setText("pest")
            qe._set_checked(qe.topic_list, ["pesten"])
            qe.memo_edit.setPlainText("gesprek met Jan Jansen")
            app.processEvents()
            window.grab().save(str(out / f"main_window_{lang}.png"))
            window.tabs.setCurrentIndex(1)
            app.processEvents()
            window.grab().save(str(out / f"activities_{lang}.png"))
            window.close()
        register.close()


if __name__ == "__main__":
    main(
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(os.environ.get("VERTROUWD_SCREENSHOTS_OUT")
                  or Path(__file__).resolve().parent.parent / "docs" / "screenshots")
    )
