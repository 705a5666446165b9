from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.i18n import _
from app.models.entities import Case, ContactMoment
from app.services.confidant.cases import CaseService
from app.services.storage.vault import Register
from app.ui.register.main_window import MainWindow
from app.ui.shared.item_models import ROW_ROLE
from tests.ui.conftest import known_cases

pytestmark = pytest.mark.gui


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_contact_moment_with_the_keyboard_only(
        qtbot: QtBot, window: MainWindow, register: Register) -> None:
    before = window.quarter_panel.summary.current
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert focused() is window.quick_entry.date_edit
    qtbot.keyClicks(focused(), "17-11-2026")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is window.quick_entry.minutes_edit
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), "45")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is window.quick_entry.mode_combo
    qtbot.keyClicks(focused(), "t")  # telefoon
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is window.quick_entry.case_combo  # stays on "New case"
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is window.quick_entry.topic_filter
    qtbot.keyClicks(focused(), "pest")
    qtbot.keyClick(focused(), Qt.Key.Key_Down)
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)

    with register.session() as s:
        cases = s.scalars(select(Case)).all()
        assert len(cases) == 1
        assert cases[0].opened_on == dt.date(2026, 11, 17)
        assert cases[0].topic_codes == ["pesten"]
        contact = s.scalars(select(ContactMoment)).one()
        assert (contact.on, contact.minutes, contact.mode) == (
            dt.date(2026, 11, 17),
            45,
            "telefoon",
        )
    model = window.cases_model
    assert model.rowCount() == 1 and model.index(0, 0).data(ROW_ROLE).id == cases[0].id
    after = window.quarter_panel.summary.current
    assert after.new_cases == before.new_cases + 1
    assert after.contact_minutes == before.contact_minutes + 45
    assert window.quarter_panel.values["new_cases"].text() == "1"
    # the form reset and the focus is back on the first field
    assert focused() is window.quick_entry.date_edit
    assert window.quick_entry.take_draft() is None


def test_follow_up_contact_on_an_open_case_with_the_keyboard(
    qtbot: QtBot, window: MainWindow, service: CaseService, register: Register
) -> None:
    ids = known_cases(service)
    window.signals.data_changed.emit(None)
    qe = window.quick_entry
    qe.focus_first()
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), "20")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is qe.case_combo
    qtbot.keyClick(focused(), Qt.Key.Key_Down)  # newest open case
    assert qe.case_combo.currentData() == ids["b"]
    assert "Werkdruk" not in qe.case_combo.currentText()  # the memo is never shown there
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    with register.session() as s:
        minutes = s.scalars(
            select(ContactMoment.minutes).where(ContactMoment.case_id == ids["b"])
        ).all()
    assert sorted(minutes) == [20, 60]


def test_field_error_appears_next_to_the_field_and_nothing_is_saved(
    qtbot: QtBot, window: MainWindow, register: Register
) -> None:
    qe = window.quick_entry
    qe.focus_first()
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # no topic chosen
    assert qe.errors["topics"].isVisible()
    assert qe.errors["topics"].text() == _("Choose at least one topic.")
    qe.minutes_edit.setText("2000")
    qtbot.keyClick(qe.minutes_edit, Qt.Key.Key_Return)
    assert qe.errors["minutes"].isVisible()
    with register.session() as s:
        assert s.scalars(select(Case)).first() is None


def test_memo_warning_is_shown_and_does_not_block(qtbot: QtBot, window: MainWindow) -> None:
    qe = window.quick_entry
    qtbot.keyClicks(qe.memo_edit, "gesprek met Jan Jansen")
    assert qe.memo_warning.isVisible() and qe.memo_warning.text()
    qe.memo_edit.setPlainText("werkdruk")
    assert not qe.memo_warning.isVisible()


CANARY_MEMO = "KANARIE-memo-zeldzaam"


def _texts(root: QWidget) -> list[str]:
    out = []
    for w in root.findChildren(QWidget):
        if isinstance(w, (QLabel, QLineEdit)):
            out.append(w.text())
        elif isinstance(w, QPlainTextEdit):
            out.append(w.toPlainText())
    return out


def test_clear_for_lock_leaves_no_case_data(
        qtbot: QtBot, window: MainWindow, service: CaseService) -> None:
    from PySide6.QtWidgets import QComboBox, QTableView

    case_id = service.open_case(on=dt.date(2026, 11, 2), minutes=60, mode="video",
                                topics=["stalking"], memo=CANARY_MEMO).id
    window.signals.data_changed.emit(None)
    window.search_edit.setText("KANARIE")
    window.cases_view.selectRow(0)
    assert window.detail.fields["memo"].text() == CANARY_MEMO
    window.quick_entry.restore_draft({"memo": CANARY_MEMO + " draft", "topics": ["stalking"]})
    assert any(CANARY_MEMO in t for t in _texts(window))
    stalking = "Stalking"
    window.clear_for_lock()
    texts = _texts(window)
    assert not any(CANARY_MEMO in t or "KANARIE" in t for t in texts)
    assert not any(stalking in t for t in texts if t)  # the canary topic is nowhere in a text
    tables = window.findChildren(QTableView)
    # cases, contacts of the case, activities, the year overview, and the figures of the
    # quarter panel's and the year overview's charts (their text alternative)
    assert sorted(t.objectName() for t in tables) == sorted([
        "cases_view", "contacts_view", "activities_view", "year_table", "chart_table",
        "chart_table"])
    for view in tables:
        assert view.model().rowCount() == 0, view
    for combo in window.findChildren(QComboBox):
        assert combo.findData(case_id) == -1 or combo is window.topic_combo
    assert window.quick_entry.case_combo.count() == 1
    assert window.take_draft() is None


def test_draft_round_trip(qtbot: QtBot, window: MainWindow, service: CaseService) -> None:
    ids = known_cases(service)
    window.signals.data_changed.emit(None)
    qe = window.quick_entry
    qe.date_edit.setText("03-11-2026")
    qe.minutes_edit.setText("35")
    qe.mode_combo.setCurrentIndex(qe.mode_combo.findData("video"))
    qe._set_checked(qe.topic_list, ["discriminatie", "pesten"])
    qe._set_checked(qe.grounds_list, ["leeftijd"])
    qe.memo_edit.setPlainText("half af")
    draft = window.take_draft()
    assert draft is not None
    draft = json.loads(json.dumps(draft))  # JSON-able
    window.clear_for_lock()
    assert window.take_draft() is None
    window.attach(service.register)
    window.restore_draft(draft)
    assert window.take_draft() == draft
    assert qe.grounds_list.isVisibleTo(window)
    draft2 = dict(draft, case_id=ids["a"])
    window.restore_draft(draft2)
    assert window.take_draft()["case_id"] == ids["a"]


def test_filters_and_sort_give_the_expected_rows(
        qtbot: QtBot, window: MainWindow, service: CaseService) -> None:
    ids = known_cases(service)
    window.signals.data_changed.emit(None)
    model = window.cases_model

    def shown() -> list[int]:
        return [model.index(r, 0).data(ROW_ROLE).id for r in range(model.rowCount())]

    assert shown() == [ids["b"], ids["a"], ids["c"]]  # opened, newest first
    window.period_combo.setCurrentIndex(window.period_combo.findData("2026-Q4"))
    assert shown() == [ids["b"], ids["a"]]  # a: opened in Q3 but contacted in Q4
    window.period_combo.setCurrentIndex(window.period_combo.findData("2026-Q3"))
    assert shown() == [ids["a"]]
    window.period_combo.setCurrentIndex(0)
    window.status_combo.setCurrentIndex(window.status_combo.findData("closed"))
    assert shown() == [ids["c"]]
    window.status_combo.setCurrentIndex(0)
    window.topic_combo.setCurrentIndex(window.topic_combo.findData("intimidatie"))
    assert shown() == [ids["b"]]
    window.topic_combo.setCurrentIndex(0)
    window.search_edit.setText("ROOSTER")  # case-insensitive, memo not in the table
    assert shown() == [ids["a"]]
    assert all("rooster" not in str(model.index(0, c).data()) for c in range(model.columnCount()))
    window.search_edit.setText("")
    minutes_col = [k for k, _m in model.columns].index("minutes")
    window.cases_view.sortByColumn(minutes_col, Qt.SortOrder.DescendingOrder)
    assert shown() == [ids["a"], ids["b"], ids["c"]]  # 120, 60, 45 minutes
    window.cases_view.sortByColumn(minutes_col, Qt.SortOrder.AscendingOrder)
    assert shown() == [ids["c"], ids["b"], ids["a"]]
    assert window.cases_count.text().startswith("3")


def test_case_actions_close_reopen_delete(
        qtbot: QtBot, window: MainWindow, service: CaseService, register: Register,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui.register import main_window as mw

    ids = known_cases(service)
    window.signals.data_changed.emit(None)
    window.cases_view.selectRow(1)  # case a
    assert window.detail.detail.id == ids["a"]
    assert window.detail.contacts_model.rowCount() == 2
    service.close_case(ids["a"], on=dt.date(2026, 11, 1), outcome="doorverwezen")
    window.signals.data_changed.emit(None)
    assert "2026" in window.detail.fields["status"].text()
    window.detail.buttons["reopen"].click()
    with register.session() as s:
        assert s.get(Case, ids["a"]).status == "open"
    monkeypatch.setattr(mw, "confirm", lambda *a: False)
    window.detail.buttons["delete"].click()
    with register.session() as s:
        assert s.get(Case, ids["a"]) is not None
    monkeypatch.setattr(mw, "confirm", lambda *a: True)
    window.detail.buttons["delete"].click()
    with register.session() as s:
        assert s.get(Case, ids["a"]) is None
    assert window.cases_model.rowCount() == 2


def test_ctrl_enter_in_the_memo_saves_and_plain_enter_is_a_line_break(
    qtbot: QtBot, window: MainWindow, register: Register
) -> None:
    qe = window.quick_entry
    qe._set_checked(qe.topic_list, ["thuisfront"])
    qtbot.keyClicks(qe.memo_edit, "eerste regel")
    qtbot.keyClick(qe.memo_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(qe.memo_edit, "tweede")
    with register.session() as s:
        assert s.scalars(select(Case)).first() is None
    qtbot.keyClick(qe.memo_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with register.session() as s:
        assert s.scalars(select(Case.memo)).one() == "eerste regel\ntweede"


def test_language_switch_retranslates(
        qtbot: QtBot, window: MainWindow, service: CaseService) -> None:
    from app.i18n import set_language

    known_cases(service)
    window.signals.data_changed.emit(None)
    assert window.tabs.tabText(0) == "Casussen"
    set_language("en")
    window.signals.language_changed.emit("en")
    assert window.tabs.tabText(0) == "Cases"
    assert window.cases_model.headerData(0, Qt.Orientation.Horizontal) == "Opened"
    assert window.quick_entry.case_combo.itemText(0) == "New case"
    assert window.cases_count.text() == "3 cases"


def test_close_case_dialog_keeps_bad_input_and_saves_good_input(
    qtbot: QtBot, window: MainWindow, service: CaseService, register: Register
) -> None:
    from app.ui.confidant.case_dialogs import CloseCaseDialog

    ids = known_cases(service)
    calls = []

    def submit(values):  # type: ignore[no-untyped-def]
        calls.append(service.close_case(ids["a"], **values))

    dialog = CloseCaseDialog(submit, dt.date(2026, 11, 23), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # Issue 22: no outcome chosen beforehand, so Enter alone records nothing.
    assert dialog.outcome.currentIndex() == -1 and dialog.outcome.currentData() is None
    qtbot.keyClick(dialog.closed_on, Qt.Key.Key_Return)
    assert dialog.errors["outcome"].text() == "Kies een waarde uit de lijst." and not calls
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("doorverwezen"))
    dialog.closed_on.setText("01-09-2026")  # before the last contact moment
    dialog.accept()
    assert dialog.errors["closed_on"].text() and not calls
    dialog.closed_on.setText("10-11-2026")
    # The same referral twice is refused with its sentence, and nothing is recorded.
    dialog.add_referral("mid", "09-11-2026")
    dialog.add_referral("mid", "09-11-2026")
    dialog.accept()
    assert "twee keer" in dialog.errors["referrals"].text() and not calls
    with register.session() as s:
        case = s.get(Case, ids["a"])
        assert case.status == "open" and case.referrals == []
    dialog.remove_referral(dialog.referral_rows[1])
    dialog.accept()
    assert calls
    with register.session() as s:
        case = s.get(Case, ids["a"])
        assert case.status == "closed" and case.outcome == "doorverwezen"
        assert [r.target for r in case.referrals] == ["mid"]


@pytest.mark.gui
def test_export_and_cards_are_reachable_from_the_menu(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user reaches the export screen and the cards dialog from the Quarter menu."""
    from app.ui.confidant import export_dialog
    from app.ui.register import cards_dialog

    opened = []
    monkeypatch.setattr(export_dialog.ExportDialog, "exec", lambda self: opened.append(self) or 0)
    monkeypatch.setattr(cards_dialog.CardsDialog, "exec", lambda self: opened.append(self) or 0)
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Kwartaal" in titles
    window.export_action.trigger()
    window.cards_action.trigger()
    assert [type(d).__name__ for d in opened] == ["ExportDialog", "CardsDialog"]
    assert opened[0].register is window.register


def test_add_contact_on_the_selected_case_readies_the_quick_entry(
    qtbot: QtBot, window: MainWindow, service: CaseService
) -> None:
    ids = known_cases(service)
    window.signals.data_changed.emit(None)
    window.show()
    window.cases_view.selectRow(1)  # case a
    window.detail.buttons["add_contact"].click()
    assert window.quick_entry.case_combo.currentData() == ids["a"]
    assert focused() is window.quick_entry.minutes_edit


def test_every_change_the_window_reports_is_one_typed_value(
    qtbot: QtBot, window: MainWindow, service: CaseService
) -> None:
    from app.services.changes import Change, ChangeKind

    seen: list[object] = []
    window.signals.data_changed.connect(seen.append)
    window.quick_entry.restore_draft({"on": "17-11-2026", "minutes": "45", "mode": "telefoon",
                                      "topics": ["pesten"]})
    assert window.quick_entry.save()
    window.activities.date_edit.setText("02-11-2026")
    window.activities.add()
    assert [type(c) for c in seen] == [Change, Change]
    assert seen[0].kinds == {ChangeKind.CASES, ChangeKind.CONTACTS}  # type: ignore[attr-defined]
    assert seen[1].kinds == {ChangeKind.ACTIVITIES}  # type: ignore[attr-defined]


@pytest.mark.gui
def test_tab_into_the_case_list_selects_a_case_and_enter_opens_it(
        qtbot: QtBot, window: MainWindow, service: CaseService,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22 (Medium 10): Tab into the case list selects the current case (not only
    Space), and Enter on it opens it (the edit-case dialog, as a double-click does)."""
    from app.ui.confidant import case_dialogs
    from app.ui.register import main_window

    known_cases(service)
    window.signals.data_changed.emit(None)
    window.activateWindow()
    window.search_edit.setFocus()
    qtbot.waitUntil(lambda: focused() is window.search_edit)
    for _tab in range(30):
        if focused() is window.cases_view:
            break
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is window.cases_view
    assert window.cases_view.selectionModel().selectedRows()
    assert window.detail.detail is not None
    opened: list[object] = []
    monkeypatch.setattr(case_dialogs.EditCaseDialog, "exec",
                        lambda self: opened.append(self) or 0)
    assert main_window.EditCaseDialog is case_dialogs.EditCaseDialog
    qtbot.keyClick(window.cases_view, Qt.Key.Key_Return)
    assert len(opened) == 1
