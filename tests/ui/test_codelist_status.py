"""Issue 23 item 1: the window says which topic list the register records with, since when."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.export import interchange
from app.export.measures import Measures
from app.i18n import set_language
from app.models.entities import Profile
from app.models.periods import Quarter
from app.services.confidant import codelist_moves, queries
from app.services.coordination.importing import apply_import, plan_import
from app.services.storage.vault import Register
from app.settings import Settings
from app.ui.confidant.case_dialogs import EditCaseDialog, checked_codes
from app.ui.coordination.forward_dialog import ForwardDialog
from app.ui.register.main_window import MainWindow
from app.ui.shared.formatting import topic_labels
from app.ui.shared.signals import AppSignals
from tests.conftest import TODAY
from tests.services.conftest import coordinator, coordinator_dir, coordinator_template  # noqa: F401
from tests.services.coordination_helpers import (
    QUARTER,
    enrol,
    new_sender,
    write,
)
from tests.services.coordination_helpers import TODAY as HELPER_TODAY
from tests.test_cli_mixed_lists import file_on


def test_the_status_bar_names_the_topic_list_and_since_when(qtbot: QtBot,
                                                            register: Register) -> None:
    set_language("en")
    window = MainWindow(AppSignals(), Settings(), today=lambda: TODAY)
    qtbot.addWidget(window)
    window.attach(register)
    label = window.codelist_label
    assert label.text() == f"Topic list {register.codelist_version()}"
    window.clear_for_lock()
    assert label.text() == ""
    # An older register that moved to the current list from the next quarter: not yet in use.
    version = register.codelist_version()
    assert version == "2026.1"
    with register.session() as s:  # as if it had been made on 2018.1
        s.scalars(select(Profile)).one().codelist_version = "2018.1"
    register.forget_codelist_periods()  # an edit behind the services' back: read again
    following = Quarter.of(TODAY).next()
    codelist_moves.move(register, "2026.1", following)
    window.attach(register)
    assert label.text() == "Topic list 2018.1"
    window.today = lambda: following.start
    window.attach(register)
    assert label.text() == f"Topic list 2026.1 since {following}"
    set_language("nl")
    window.retranslate_ui()
    assert label.text() == f"Onderwerpenlijst 2026.1 sinds {following}"


def test_the_forward_dialog_forwards_a_mixed_quarter_and_says_on_which_list(
        qtbot: QtBot, coordinator: Register, tmp_path: Path) -> None:
    set_language("en")
    old, new = new_sender("CLAS-OLDAA"), new_sender("CLAS-NEWAA")
    enrol(coordinator, old, new)
    folder = tmp_path / "stick"
    write(folder, "old.json", file_on(old, Measures(), "2018.1", QUARTER))
    write(folder, "new.json", file_on(new, Measures(
        cases_new=1, cases_open_end=1, contacts_first=1, minutes_contacts=30,
        topics={"arbeidsconflict": 1}, modes={"telefoon": 1}), "2026.1", QUARTER))
    plan = plan_import(coordinator, [folder], HELPER_TODAY)
    assert all("forwarded on list 2026.1" in item.reason for item in plan.items), plan.items
    apply_import(coordinator, plan)
    dialog = ForwardDialog(coordinator, lambda: HELPER_TODAY, out_dir=tmp_path / "out")
    qtbot.addWidget(dialog)
    dialog.select_quarter(QUARTER)
    dialog.show()
    assert "it is forwarded on list 2026.1" in dialog.warning.text()
    assert dialog.write_button.isEnabled()
    assert dialog.write() is not None  # off the GUI thread, through the runner
    dialog.ops.wait()
    result = dialog.forward_result
    assert result is not None and result.mixed_codelists
    payload = interchange.read_file(result.path.read_bytes(), today=HELPER_TODAY).payload
    assert payload["codelist"]["version"] == "2026.1"
    assert payload["measures"]["topics"]["arbeidsconflict"] == 1


def test_a_moved_register_shows_old_topics_by_name_and_edits_a_case_on_its_own_list(
        qtbot: QtBot, register: Register) -> None:
    set_language("nl")
    assert topic_labels(["overige", "arbeidsconflict"]) == "Overige, Arbeidsconflict"
    with register.session() as s:
        s.scalars(select(Profile)).one().codelist_version = "2018.1"
    codelist_moves.move(register, "2026.1", Quarter(2020, 1))
    assert register.code_lists(dt.date(2019, 5, 1)).version == "2018.1"
    window = MainWindow(AppSignals(), Settings(), today=lambda: TODAY)
    qtbot.addWidget(window)
    window.attach(register)
    assert window.service is not None
    case = window.service.open_case(on=dt.date(2019, 5, 1), minutes=30, mode="telefoon",
                                    topics=["overige"]).id
    detail = queries.case_detail(register, case)
    assert detail is not None
    dialog = EditCaseDialog(detail, lambda v: None, window, register.code_lists(detail.opened_on))
    qtbot.addWidget(dialog)
    assert checked_codes(dialog.topics) == ["overige"]  # offered, and checked
