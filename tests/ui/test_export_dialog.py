"""The export screen and the cards screen, driven as a user would (file dialogs bypassed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.export import interchange, receipts
from app.models.periods import Quarter
from app.services.confidant import coordinator_link, exporting
from app.services.confidant.cases import CaseService
from app.services.storage import vault
from app.settings import Settings
from app.ui.confidant.export_dialog import ExportDialog, HistoryModel, PreviewModel
from app.ui.register.cards_dialog import CardsDialog
from app.ui.shared.signals import AppSignals
from tests.conftest import PASSPHRASE
from tests.ui.helpers import type_text

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 11, 23)
Q3 = Quarter(2026, 3)


@pytest.fixture
def coordinator(tmp_path: Path) -> Iterator[vault.Register]:
    reg, _code = vault.create_register(tmp_path / "coord", PASSPHRASE, roles=("coordinator",),
                                       component="CLAS", with_recovery=False)
    yield reg
    reg.close()


def _fill(register: vault.Register) -> None:
    s = CaseService(register, today=lambda: TODAY)
    a = s.open_case(on=dt.date(2026, 7, 3), minutes=60, mode="persoonlijk",
                    topics=["pesten", "intimidatie"]).id
    s.add_contact(a, on=dt.date(2026, 8, 14), minutes=45, mode="telefoon")
    s.open_case(on=dt.date(2026, 9, 29), minutes=30, mode="video", topics=["arbeidsconflict"])


def _dialog(qtbot: QtBot, register: vault.Register, answers: list[str] | None = None
            ) -> ExportDialog:
    """The export dialog; a question about a new revision is answered yes (and noted in
    ``answers`` when given)."""
    def confirm(_parent, _title, text):  # type: ignore[no-untyped-def]
        if answers is not None:
            answers.append(text)
        return True

    dialog = ExportDialog(register, AppSignals(), Settings(), today=lambda: TODAY,
                          confirm=confirm)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _value(model: PreviewModel, label: str) -> str:
    for row in range(model.rowCount()):
        if model.row_at(row).label == label:
            return str(model.data(model.index(row, 1)))
    raise AssertionError(label)


def test_preview_shows_the_quarter_figures(qtbot: QtBot, register: vault.Register) -> None:
    _fill(register)
    dialog = _dialog(qtbot, register)
    assert dialog.quarter() == Q3  # the last completed quarter by default
    assert dialog.quarter_combo.count() == 9
    model = dialog.preview_model
    assert _value(model, "Pesten/treiteren") == "1"
    assert _value(model, "Arbeidsconflict") == "1"
    assert not dialog.nil_banner.isVisible()
    counts = [model.data(model.index(r, 1)) for r in range(model.rowCount())]
    assert "2" in counts and "2 u 15 min (135 min)" in counts
    assert dialog.warnings_label.isVisible()  # no coordinator card: not sealed


def test_empty_quarter_shows_the_nil_return_banner(qtbot: QtBot, register: vault.Register) -> None:
    _fill(register)
    dialog = _dialog(qtbot, register)
    dialog.select_quarter(Quarter(2026, 1))
    assert dialog.nil_banner.isVisible()
    dialog.select_quarter(Q3)
    assert not dialog.nil_banner.isVisible()


def test_write_twice_then_receipt(qtbot: QtBot, register: vault.Register,
                                  coordinator: vault.Register, tmp_path: Path) -> None:
    _fill(register)
    card = exporting.write_own_card(coordinator, tmp_path / "coord-card.json")
    coordinator_link.import_recipient_card(register, card)
    answers: list[str] = []
    dialog = _dialog(qtbot, register, answers)
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog.set_folder(usb)
    assert dialog.export_now() is not None  # off the GUI thread
    assert dialog.ops.busy and not dialog.write_button.isEnabled()
    dialog.ops.wait()
    first = dialog.last_result
    assert first is not None and first.path.parent == usb and first.path.exists()
    assert first.sealed and dialog.fingerprint_label.text() == first.fingerprint
    history = dialog.history_model
    assert history.rowCount() == 1 and history.data(history.index(0, 1)) == "1"
    # Written: "Write file" is disarmed; a second click (or Enter) writes nothing.
    assert not dialog.write_button.isEnabled() and not dialog.write_button.isDefault()
    assert dialog.export_now() is None and history.rowCount() == 1 and answers == []
    assert dialog.again_button.isVisible()
    assert dialog.export_new_revision() is not None  # only after the question, answered yes
    dialog.ops.wait()
    second = dialog.last_result
    assert len(answers) == 1 and "2" in answers[0]
    assert second is not None and second.revision == 2
    assert [history.data(history.index(r, 1)) for r in range(history.rowCount())] == ["2", "1"]
    assert history.data(history.index(0, 5)) == ""

    profile = coordinator.profile()
    assert profile is not None
    verified = interchange.read_file(second.path.read_bytes(), profile.sealing_private_key,
                                     today=TODAY)
    receipt = receipts.write_receipt(verified, receiver_code=profile.code,
                                     received_at=dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC),
                                     signing_private_key=profile.signing_private_key)
    (tmp_path / "receipt.json").write_bytes(receipt)
    assert dialog.import_receipt_from(tmp_path / "receipt.json") is not None
    dialog.ops.wait()
    assert str(history.data(history.index(0, 5))).startswith("✓")
    assert history.data(history.index(1, 5)) == ""

    task = dialog.write_pdf_to(tmp_path / "overview.pdf")  # off the GUI thread
    assert task is not None
    qtbot.waitUntil(lambda: not dialog.ops.busy, timeout=30_000)
    assert (tmp_path / "overview.pdf").read_bytes().startswith(b"%PDF")
    assert "overview.pdf" in dialog.result_label.text()


def test_errors_are_shown_as_a_sentence(
        qtbot: QtBot, register: vault.Register, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, register)
    (tmp_path / "bad.json").write_bytes(b"{not json")
    assert dialog.import_receipt_from(tmp_path / "bad.json") is not None
    dialog.ops.wait()
    assert "kaart" in dialog.error_text() or "card" in dialog.error_text()
    assert "Traceback" not in dialog.error_text()


def test_models_pass_the_model_tester(qtbot: QtBot, qtmodeltester: ModelTester,
                                      register: vault.Register, tmp_path: Path) -> None:
    _fill(register)
    exporting.export_quarter(register, Q3, tmp_path, today=TODAY)
    dialog = _dialog(qtbot, register)
    qtmodeltester.check(dialog.preview_model)
    qtmodeltester.check(dialog.history_model)
    empty = HistoryModel()
    qtmodeltester.check(empty)
    assert dialog.history_model.headerData(0, Qt.Orientation.Horizontal) == "Kwartaal" or \
        dialog.history_model.headerData(0, Qt.Orientation.Horizontal) == "Quarter"


def test_card_is_kept_only_after_confirming(qtbot: QtBot, register: vault.Register,
                                            coordinator: vault.Register, tmp_path: Path) -> None:
    card_path = exporting.write_own_card(coordinator, tmp_path / "coord-card.json")
    answers: list[str] = []

    def refuse(_parent, card):  # type: ignore[no-untyped-def]
        answers.append(card.fingerprint_groups)
        return False

    dialog = CardsDialog(register, AppSignals(), Settings(), confirm=refuse)
    qtbot.addWidget(dialog)
    assert dialog.groups_label.text().split() == exporting.own_fingerprint_groups(register).split()
    assert dialog.import_card_from(card_path) is None
    assert answers == [exporting.own_fingerprint_groups(coordinator)]
    assert coordinator_link.recipient_card(register) is None

    dialog._confirm = lambda _parent, _card: True
    kept = dialog.import_card_from(card_path)
    dialog.ops.wait()
    assert kept is not None and coordinator_link.recipient_card(register) is not None
    assert dialog.recipient_groups.text().split() == \
        exporting.own_fingerprint_groups(coordinator).split()

    own = tmp_path / "mine.json"
    assert dialog.save_card_to(own) is not None
    dialog.ops.wait()
    assert own.exists() and str(own) in dialog.message_label.text()
    assert dialog.import_card_from(own) is None and dialog.error_label.text()


def test_another_quarter_clears_the_fingerprint(qtbot: QtBot, register: vault.Register,
                                                tmp_path: Path) -> None:
    """Issue 22 (Medium 6): after choosing another quarter the previous quarter's fingerprint
    is no longer on screen (a confidant might read the wrong one aloud); back on the quarter
    written, it is shown again."""
    _fill(register)
    dialog = _dialog(qtbot, register)
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog.set_folder(usb)
    assert dialog.export_now() is not None  # off the GUI thread
    dialog.ops.wait()
    written = dialog.last_result
    assert written is not None and dialog.fingerprint_label.text() == written.fingerprint
    dialog.select_quarter(Quarter(2026, 1))
    assert dialog.fingerprint_label.text() == ""
    assert written.path.name not in dialog.result_label.text()
    dialog.select_quarter(Q3)
    assert dialog.fingerprint_label.text() == written.fingerprint


def test_a_typed_folder_is_written_to_and_choosing_one_moves_on(
        qtbot: QtBot, register: vault.Register, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22 (low): the folder field honours typing; after choosing a folder the focus is
    on "Write file", the next step."""
    from PySide6.QtWidgets import QFileDialog

    _fill(register)
    dialog = _dialog(qtbot, register)
    typed = tmp_path / "typed"
    typed.mkdir()
    assert not dialog.folder_edit.isReadOnly()
    type_text(dialog.folder_edit, str(typed))  # the Windows lane's folder holds ë and Ç
    dialog.export_now()
    dialog.ops.wait()
    assert dialog.last_result is not None and dialog.last_result.path.parent == typed
    assert [p.name for p in typed.iterdir()] == [dialog.last_result.path.name]

    again = _dialog(qtbot, register)
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda *_a, **_k: str(chosen))
    again.activateWindow()
    again.choose_button.setFocus()
    again.choose_folder()
    assert again.folder_edit.text() == str(chosen)
    assert again.focusWidget() is again.write_button
