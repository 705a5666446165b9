"""Every window and dialog the program can open, walked as a screen-reader and keyboard user
meets it (WCAG 2.1 AA, issue 14), in Dutch and in English, at a laptop screen's size and at the
size 150 % scaling leaves: every focusable widget named, every table named and described,
every mnemonic on a widget that takes the typing (and no letter twice), a tab order that never
jumps back, text contrast of at least 4.5:1 — and the focus ring visible where the focus is.

`test_the_checks_find_planted_problems` proves the checks can fail; `test_the_walk_covers
every_dialog_class` that a new dialog cannot be added without being walked.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot

import app.ui
from app.errors import RegisterDamaged
from app.export.cards import read_card
from app.i18n import set_language
from app.services.about import about_facts
from app.services.confidant import exporting
from app.services.confidant.cases import CaseService
from app.services.coordination import importing
from app.services.storage import backup, vault
from app.settings import Settings
from app.ui.confidant.case_dialogs import (
    CloseCaseDialog,
    ContactDialog,
    EditCaseDialog,
    confirm_box,
)
from app.ui.confidant.export_dialog import ExportDialog, revision_box
from app.ui.coordination.annual_dialog import AnnualDialog
from app.ui.coordination.common import error_box
from app.ui.coordination.roster import CardConfirmDialog, DateDialog, NicknameDialog
from app.ui.coordination.workspace import ReceiptDialog, ReportOptionsDialog
from app.ui.register.cards_dialog import CardsDialog, compare_box
from app.ui.register.help import AboutDialog, HelpWindow
from app.ui.register.main_window import MainWindow
from app.ui.register.recovery import RecoveryCodeDialog
from app.ui.register.settings_dialog import MoveRegisterDialog, SettingsDialog, question_box
from app.ui.register.unlock import (
    BackupPickerDialog,
    NewPassphraseDialog,
    RecoveryUnlockDialog,
    UnlockDialog,
)
from app.ui.register.wizard import FirstRunWizard
from app.ui.shared import style
from app.ui.shared.date_field import CalendarPopup
from app.ui.shared.focus_ring import OVERLAY_NAME, RING_WIDTH, RingOverlay
from app.ui.shared.signals import AppSignals
from tests.conftest import PASSPHRASE, TODAY
from tests.services.coordination_helpers import (
    enrol,
    new_sender,
    random_measures,
    vp_file,
    write,
)
from tests.ui import accessibility
from tests.ui.conftest import known_cases

pytestmark = pytest.mark.gui

# The sizes a main window is walked at: a 1280×720 screen, and what 1366×768 at 150 % leaves.
SIZES = {"wide": QSize(1264, 660), "150%": QSize(895, 440)}


@dataclass
class Walk:
    qtbot: QtBot
    tmp: Path
    vp: vault.Register
    coordinator: vault.Register
    both: vault.Register
    problems: dict[str, list[str]] = field(default_factory=dict)
    windows: int = 0
    widgets: int = 0
    classes: set[type] = field(default_factory=set)

    def check(self, name: str, window: QWidget, size: QSize | None = None) -> None:
        """Show ``window`` (at ``size``), run every check, note what it found."""
        if size is not None:
            window.resize(size)
        window.show()
        self.qtbot.waitExposed(window)
        window.activateWindow()
        QApplication.processEvents()
        self.classes.add(type(window))
        found = accessibility.problems(window)
        found += self._focus_ring(window)
        if found:
            self.problems[name] = found
        self.windows += 1
        self.widgets += accessibility.focusable_count(window)

    def _focus_ring(self, window: QWidget) -> list[str]:
        """The first widget of the tab order gets the focus: the ring is drawn around it."""
        chain = accessibility.tab_chain(window)
        if not chain:
            return []
        chain[0].setFocus(Qt.FocusReason.TabFocusReason)
        QApplication.processEvents()
        if QApplication.focusWidget() is not chain[0]:
            return []  # an offscreen window that is not active takes no focus
        overlay = window.findChild(RingOverlay, OVERLAY_NAME)
        if overlay is None or not overlay.isVisible() or overlay.ring.isEmpty():
            return [f"no focus ring around {accessibility.describe(chain[0])}"]
        return []

    def close(self, window: QWidget) -> None:
        window.hide()


def _vp_register(register: vault.Register) -> vault.Register:
    service = CaseService(register, today=lambda: TODAY)
    known_cases(service)
    service.add_activity(on=dt.date(2026, 11, 2), minutes=90, kind="training")
    return register


def _coordination(register: vault.Register, tmp: Path) -> vault.Register:
    rng = random.Random(14)
    senders = [new_sender(f"CLAS-A11Y{i}") for i in range(4)]
    enrol(register, *senders)
    for quarter in ("2026-Q2", "2026-Q3"):
        for s in senders[:-1]:
            write(tmp / "stick" / quarter, f"{s.code}.json",
                  vp_file(s, random_measures(rng), quarter=quarter))
        plan = importing.plan_import(register, [tmp / "stick" / quarter], TODAY)
        importing.apply_import(register, plan)
    return register


@pytest.fixture
def walk(qtbot: QtBot, register: vault.Register, tmp_path: Path) -> Iterator[Walk]:
    coordinator, _c = vault.create_register(tmp_path / "coord", PASSPHRASE,
                                            roles=("coordinator",), component="CLAS")
    both, _b = vault.create_register(tmp_path / "both", PASSPHRASE,
                                     roles=("vp", "coordinator"), component="CLAS")
    w = Walk(qtbot, tmp_path, _vp_register(register), _coordination(coordinator, tmp_path),
             _vp_register(both))
    yield w
    coordinator.close()
    both.close()


def today() -> dt.date:
    return TODAY


# --- the screens ---------------------------------------------------------------------------
def walk_main_window(w: Walk, register: vault.Register, name: str) -> None:
    window = MainWindow(AppSignals(), Settings(), today=today)
    w.qtbot.addWidget(window)
    window.show()
    window.attach(register)
    for size_name, size in SIZES.items():
        window.resize(size)
        QApplication.processEvents()
        if window.has_vp:
            window.cases_view.selectRow(0)
            for index in range(window.tabs.count()):
                window.workspaces.setCurrentIndex(0)
                window.tabs.setCurrentIndex(index)
                w.check(f"{name} {size_name}: {window.tabs.tabText(index)}", window)
            window.tabs.setCurrentIndex(0)
            window.quarter_panel.charts.toggle.click()  # the charts' figures as a table
            w.check(f"{name} {size_name}: quarter as a table", window)
            window.quarter_panel.charts.toggle.click()
        if window.coordination is not None and window.has_coordination:
            window.show_coordination()
            tabs = window.coordination.tabs
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                w.check(f"{name} {size_name}: {tabs.tabText(index)}", window)
    window.clear_for_lock()
    w.close(window)


def walk_vp_dialogs(w: Walk) -> None:
    window = MainWindow(AppSignals(), Settings(), today=today)
    w.qtbot.addWidget(window)
    window.show()
    window.attach(w.vp)
    detail = window.detail
    window.cases_view.selectRow(0)
    assert detail.detail is not None
    close = CloseCaseDialog(lambda v: None, TODAY, window)
    close.add_referral("mid", "09-11-2026")
    close.add_referral("bmw", "10-11-2026")
    w.check("close case", close)
    w.close(close)
    w.check("edit case", dialog := EditCaseDialog(detail.detail, lambda v: None, window))
    w.close(dialog)
    from app.models import codelists

    lists = codelists.load()
    w.check("edit contact", dialog := ContactDialog(
        "Contact", lambda v: None, TODAY, TODAY, 45, "video", lists.contact_modes, "mode",
        "M&ode", window))
    w.close(dialog)
    w.check("edit activity", dialog := ContactDialog(
        "Activity", lambda v: None, TODAY, TODAY, 45, "training", lists.activity_kinds,
        "kind", "&Kind", window))
    w.close(dialog)
    w.check("confirm delete", box := confirm_box(window, "Delete", "Delete this case?"))
    w.close(box)
    popup = window.quick_entry.date_edit.open_picker()
    w.check("date picker", popup)
    popup.close()
    w.check("export", export := ExportDialog(w.vp, AppSignals(), Settings(), window,
                                             today=today))
    export.set_folder(w.tmp / "usb")
    export.export_now()
    export.ops.wait()
    w.check("export, written", export)
    w.close(export)
    w.check("new revision question", box := revision_box(window, "Revision", "Write it?"))
    w.close(box)
    w.check("cards", cards := CardsDialog(w.vp, AppSignals(), Settings(), window))
    w.close(cards)
    card = read_card(exporting.write_own_card(w.coordinator, w.tmp / "c.json").read_bytes())
    w.check("compare fingerprint", box := compare_box(window, card))
    w.close(box)
    w.check("settings", settings := SettingsDialog(Settings(), w.vp, w.tmp / "backups", window))
    w.close(settings)
    w.check("move register", dialog := MoveRegisterDialog(w.vp.folder, w.tmp / "b", window))
    w.close(dialog)
    w.check("question", box := question_box(window, "Restore", "Continue?"))
    w.close(box)
    w.check("new recovery code", dialog := RecoveryCodeDialog(
        "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2-34567", window))
    w.close(dialog)
    w.check("change passphrase", dialog := NewPassphraseDialog(w.vp, window, ask_current=True))
    w.close(dialog)
    w.check("help", help_window := HelpWindow(window, "contact"))
    w.close(help_window)
    facts = about_facts(w.vp.folder, w.tmp / "backups", w.tmp / "settings.json")
    w.check("about", dialog := AboutDialog(facts, window))
    w.close(dialog)
    window.clear_for_lock()
    w.close(window)


def walk_locked(w: Walk, register_dir: Path) -> None:
    """What shows before a register is open: the first start and the unlock windows."""
    wizard = FirstRunWizard(w.tmp / "home" / "register", w.tmp / "usb" / "register",
                            given_dir=w.tmp / "given")
    w.qtbot.addWidget(wizard)
    w.check("first start: location", wizard)
    wizard.location.other_choice.setChecked(True)
    w.check("first start: another folder", wizard)
    wizard.location.default_choice.setChecked(True)
    wizard.next()
    w.check("first start: passphrase", wizard)
    wizard.passphrase.entry.first.setText(PASSPHRASE)
    wizard.passphrase.entry.second.setText(PASSPHRASE)
    wizard.next()
    wizard.profile.component.setCurrentIndex(wizard.profile.component.findData("CLAS"))
    w.check("first start: role", wizard)
    wizard.next()
    w.qtbot.waitUntil(lambda: not wizard.busy, timeout=15_000)
    w.check("first start: recovery code", wizard)
    wizard.create_recovery_code()
    w.qtbot.waitUntil(lambda: not wizard.busy, timeout=15_000)
    w.check("first start: recovery code shown", wizard)
    wizard.next()
    w.check("first start: done", wizard)
    assert wizard.register is not None
    wizard.register.close()
    w.close(wizard)

    unlock = UnlockDialog(register_dir, w.tmp / "backups")
    w.qtbot.addWidget(unlock)
    w.check("unlock", unlock)
    unlock.show_message(RegisterDamaged().message, offer_restore=True)
    w.check("unlock, damaged", unlock)
    w.check("unlock with recovery code", dialog := RecoveryUnlockDialog(register_dir, unlock))
    w.close(dialog)
    w.check("restore", picker := BackupPickerDialog(register_dir, w.tmp / "backups", unlock))
    w.close(picker)
    w.close(unlock)


def walk_coordination_dialogs(w: Walk) -> None:
    window = MainWindow(AppSignals(), Settings(), today=today)
    w.qtbot.addWidget(window)
    window.show()
    window.attach(w.coordinator)
    ws = window.coordination
    assert ws is not None
    dialog = ws.open_import([w.tmp / "stick"])
    assert dialog is not None
    w.check("import", dialog)
    dialog.start_dry_run()
    w.qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)
    w.check("import, dry run", dialog)
    w.close(dialog)
    forward = ws.open_forward()
    assert forward is not None
    forward.select_quarter("2026-Q3")
    w.check("forward", forward)
    forward.out_edit.setText(str(w.tmp / "forwarded"))
    forward.write()
    forward.ops.wait()
    w.check("forward, written", forward)
    w.close(forward)
    sender = new_sender("CLAS-NIEUWE")
    card = read_card(sender.card())
    w.check("enrol a card", dialog := CardConfirmDialog(card, TODAY, window))
    w.close(dialog)
    w.check("store a card", dialog := CardConfirmDialog(card, TODAY, window, with_date=False))
    w.close(dialog)
    w.check("deactivate", dialog := DateDialog("Deactivate", "Last day", TODAY, window))
    w.close(dialog)
    w.check("nickname", dialog := NicknameDialog("CLAS-A11Y0", "Jan", window))
    w.close(dialog)
    w.check("report options", dialog := ReportOptionsDialog("2026", window))
    w.close(dialog)
    w.check("annual section", dialog := AnnualDialog(dt.date(2026, 11, 23), central=False, k=5,
                                                     folder=w.tmp, parent=window))
    w.close(dialog)
    from app.services.coordination import receipts

    w.check("receipt again", dialog := ReceiptDialog(receipts.imported_files(w.coordinator),
                                                     window))
    w.close(dialog)
    w.check("error", box := error_box(window, "The file could not be read."))
    w.close(box)
    ws.write_my_card(w.tmp / "cards")
    box = window.findChild(QMessageBox, "my_card_box")
    assert box is not None
    w.check("my card", box)
    w.close(box)
    window.clear_for_lock()
    w.close(window)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_window_and_dialog_passes_the_checks(walk: Walk, register_dir: Path,
                                                   lang: str) -> None:
    set_language(lang)
    backup.create_backup(walk.vp, walk.tmp / "backups")
    walk_main_window(walk, walk.vp, "confidant")
    walk_main_window(walk, walk.coordinator, "coordinator")
    walk_main_window(walk, walk.both, "confidant and coordinator")
    walk_vp_dialogs(walk)
    walk_coordination_dialogs(walk)
    other = walk.tmp / "other-register"
    vault.create_register(other, PASSPHRASE, component="CLAS")[0].close()
    walk_locked(walk, other)
    report = "\n".join(f"{name}:\n  " + "\n  ".join(found)
                       for name, found in walk.problems.items())
    print(f"\naccessibility walk ({lang}): {walk.windows} windows and states, "
          f"{walk.widgets} focusable widgets checked")
    assert not walk.problems, report
    assert walk.windows >= 60 and walk.widgets >= 450  # the walk really went everywhere
    walk_classes[lang] = set(walk.classes)


walk_classes: dict[str, set[type]] = {}


def _program_dialog_classes() -> set[type]:
    """Every window class the program defines (dialogs, wizards, main windows, popups)."""
    found: set[type] = set()
    for info in pkgutil.walk_packages(app.ui.__path__, "app.ui."):
        module = importlib.import_module(info.name)
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == module.__name__ and issubclass(
                    obj, (QDialog, QMainWindow, QWizard, CalendarPopup)):
                found.add(obj)
    return found


def test_the_walk_covers_every_dialog_class(walk: Walk, register_dir: Path) -> None:
    if "nl" not in walk_classes:
        test_every_window_and_dialog_passes_the_checks(walk, register_dir, "nl")
    walked = walk_classes["nl"]
    missing = {c.__name__ for c in _program_dialog_classes()} - {c.__name__ for c in walked}
    missing -= {"TaskDialog", "FormDialog"}  # bases: walked through their subclasses
    assert missing == set()


# --- the checks can fail -----------------------------------------------------------------------
def test_the_checks_find_planted_problems(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    unnamed = QLineEdit()                      # a field nobody named
    orphan = QLabel("&Naam")                   # a mnemonic without a buddy
    container = QWidget()
    to_container = QLabel("&Onderwerpen")      # a mnemonic on a container (issue 14's bug 4)
    to_container.setBuddy(container)
    first, second = QPushButton("Eerste"), QPushButton("Tweede")
    grey = QLabel("nauwelijks leesbaar")
    palette = grey.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#b0b0b0"))
    grey.setPalette(palette)
    for widget in (unnamed, orphan, to_container, container, first, second, grey):
        layout.addWidget(widget)
    QWidget.setTabOrder(second, first)         # the second button comes before the first
    QWidget.setTabOrder(first, unnamed)
    dialog.resize(400, 300)
    dialog.show()
    qtbot.waitExposed(dialog)
    found = accessibility.problems(dialog)
    text = "\n".join(found)
    assert "no accessible name: QLineEdit" in text
    assert "mnemonic without a buddy" in text and "&Naam" in text
    assert "cannot take the typing" in text
    assert "tab order jumps back" in text
    assert "text contrast" in text and "nauwelijks" in text
    grey_palette = QPalette(style.palette())
    grey_palette.setColor(QPalette.ColorRole.WindowText, QColor("#999999"))
    assert any("window text" in p for p in accessibility.palette_problems(grey_palette))


def test_every_colour_pair_of_the_style_meets_wcag() -> None:
    """4.5:1 for text, 3:1 for the focus ring and the chart bars (the style's own table)."""
    for what, fg, bg in style.TEXT_PAIRS:
        ratio = style.contrast(style.color(fg), style.color(bg))
        assert ratio >= 4.5, f"{what}: {ratio:.2f}"
    for what, fg, bg in style.GRAPHIC_PAIRS:
        ratio = style.contrast(style.color(fg), style.color(bg))
        assert ratio >= 3.0, f"{what}: {ratio:.2f}"
    assert accessibility.palette_problems(style.palette()) == []
    assert RING_WIDTH >= 2


def test_the_cell_colours_of_the_tables_keep_text_readable() -> None:
    from app.ui.coordination import completeness, import_dialog

    text = style.color("text")
    colours = [*completeness.STATUS_COLORS.values(), completeness.NOT_EXPECTED_COLOR,
               *import_dialog.STATUS_COLORS.values(), "#eeeeee", "#eef3fa"]
    for colour in colours:
        assert style.contrast(text, QColor(colour)) >= 4.5, colour
