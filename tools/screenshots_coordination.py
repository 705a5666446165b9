"""Screenshots of the coordination workspace with realistic data, rendered offscreen: one
component (CLAS) with 40 confidants over four quarters, most files nil returns.

    QT_QPA_PLATFORM=offscreen python tools/screenshots_coordination.py [OUT_DIR]
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

from app.export.measures import Measures
from app.i18n import set_language
from app.models.periods import Quarter
from app.services.coordination import importing
from app.services.storage import vault
from app.settings import Settings
from app.ui.register.main_window import MainWindow
from app.ui.shared.screen import fit_to_screen
from app.ui.shared.signals import AppSignals
from tests import cheap_kdf
from tests.services.coordination_helpers import (
    TODAY,
    enrol,
    new_sender,
    vp_file,
    write,
)

cheap_kdf.install()  # throw-away demo registers: the tests' cheap key derivation

QUARTERS = ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")
TOPICS = ("pesten", "intimidatie", "arbeidsconflict", "werkdruk_inzet", "seksuele_intimidatie",
          "discriminatie", "kwaadspreken", "priveomstandigheden", "overschrijding_regels",
          "thuisfront", "agressie_geweld")


def vp_measures(rng: random.Random) -> Measures:
    if rng.random() < 0.72:
        return Measures()
    new = rng.choice((1, 1, 1, 2, 2, 3, 5))
    closed = rng.randint(0, new)
    follow = rng.randint(0, 2 * new)
    topics: dict[str, int] = {}
    for _i in range(new):
        t = rng.choice(TOPICS)
        topics[t] = topics.get(t, 0) + 1
    # The bounds every honest register keeps (app.export.measures.inconsistencies): each
    # contact moment has one mode.
    phone = rng.randint(0, follow)
    modes = {"persoonlijk": new + follow - phone, "telefoon": phone}
    return Measures(
        cases_new=new,
        cases_closed=closed,
        cases_open_end=new - closed + rng.randint(0, 2),
        contacts_first=new,
        contacts_followup=follow,
        minutes_contacts=(new + follow) * rng.choice((30, 45, 60)),
        minutes_activities={
            "voorlichting": rng.choice((0, 60, 120)),
            "reistijd": rng.choice((0, 45)),
        },
        topics=topics,
        modes=modes,
        outcomes={"handvatten": closed} if closed else {},
        referrals={"bedrijfsmaatschappelijk_werk": 1} if rng.random() < 0.3 else {},
    )


def build(folder: Path, stick: Path) -> vault.Register:
    register, _code = vault.create_register(folder, "schermafdruk coordinatie register",
                                            roles=("vp", "coordinator"), component="CLAS")
    rng = random.Random(40)
    senders = [new_sender(f"CLAS-{rng.randrange(36**5):05X}"[:10]) for _i in range(40)]
    enrol(register, *senders, active_from=dt.date(2025, 7, 1))
    for q in QUARTERS:
        folder = stick / q
        for s in senders:
            if q == "2026-Q3" and rng.random() < 0.18:
                continue  # not yet in: shows as missing
            write(folder, f"{s.code}-{q}.json", vp_file(s, vp_measures(rng), quarter=q))
        quarter = Quarter.parse(q)
        on_time = dt.datetime.combine(quarter.end + dt.timedelta(days=12), dt.time(10),
                                      tzinfo=dt.UTC)
        plan = importing.plan_import(register, [folder], TODAY)
        importing.apply_import(register, plan, now=on_time.replace(tzinfo=None))
    return register


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(
        os.environ.get("VERTROUWD_SCREENSHOTS_OUT") or "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(["vertrouwd"])
    tmp = Path(tempfile.mkdtemp(prefix="vertrouwd-coord-shots-"))
    register = build(tmp / "register", tmp / "stick")
    try:
        for lang in ("nl", "en"):
            set_language(lang)
            window = MainWindow(AppSignals(), Settings(), today=lambda: TODAY)
            fit_to_screen(window, QSize(1280, 800))
            window.show()
            window.attach(register)
            window.show_coordination()
            ws = window.coordination
            assert ws is not None
            shots = {"roster": ws.roster, "completeness": ws.completeness, "tables": ws.tables}
            for name, panel in shots.items():
                ws.tabs.setCurrentWidget(panel)
                app.processEvents()
                window.grab().save(str(out / f"coord-{name}-{lang}.png"))
            ws.tables.select_year(2026)
            ws.tabs.setCurrentWidget(ws.tables)
            app.processEvents()
            window.grab().save(str(out / f"coord-tables-year-{lang}.png"))
            extra = tmp / "extra"
            late = new_sender("CLAS-LAAT1")
            write(extra, "onbekend.json", vp_file(late, Measures(
                cases_new=1, cases_open_end=1, contacts_first=1, minutes_contacts=45,
                topics={"pesten": 1}, modes={"persoonlijk": 1})))
            write(extra, "kapot.json", b'{"format": ')
            write(extra, "dubbel.json", next((tmp / "stick" / "2026-Q3").iterdir()).read_bytes())
            dialog = ws.open_import([extra])
            assert dialog is not None
            dialog.start_dry_run()
            while dialog.busy:
                app.processEvents()
            app.processEvents()
            dialog.grab().save(str(out / f"coord-import-{lang}.png"))
            dialog.close()
            forward = ws.open_forward()
            assert forward is not None
            forward.select_quarter("2026-Q3")
            app.processEvents()
            forward.grab().save(str(out / f"coord-forward-{lang}.png"))
            forward.close()
            window.clear_for_lock()
            window.close()
            window.deleteLater()
            app.processEvents()
    finally:
        register.close()
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
