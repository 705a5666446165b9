"""Issue 22 (low): a card's fingerprint (8 groups of 5 digits) and a file's (4 groups of 5
characters) are shown the same way — four whole groups to a line, never wrapped 7 + 1."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.export import crypto
from app.export.cards import read_card
from app.services.confidant import exporting
from app.ui.coordination.roster import CardConfirmDialog
from app.ui.shared.formatting import fingerprint_lines
from tests.conftest import TODAY
from tests.services.coordination_helpers import new_sender
from tests.ui.text_fit import cut_texts

pytestmark = pytest.mark.gui


def test_card_and_file_fingerprints_are_four_whole_groups_to_a_line() -> None:
    card = fingerprint_lines(crypto.fingerprint_groups(b"\1" * 32)).split("\n")
    assert len(card) == 2
    assert all(len(line.split()) == 4 for line in card)
    assert all(len(group) == 5 and group.isdigit() for line in card for group in line.split())
    file = fingerprint_lines(exporting.short_fingerprint("ab" * 32)).split("\n")
    assert file == ["ABABA BABAB ABABA BABAB"]


@pytest.mark.parametrize("width", [420, 600])
def test_the_enrol_dialog_shows_the_fingerprint_in_whole_lines(qtbot: QtBot,
                                                               width: int) -> None:
    card = read_card(new_sender("CLAS-NIEUWE").card())
    dialog = CardConfirmDialog(card, TODAY)
    qtbot.addWidget(dialog)
    dialog.resize(width, dialog.height())
    dialog.show()
    qtbot.waitExposed(dialog)
    label = dialog.fingerprint
    assert not label.wordWrap()
    assert label.text().split("\n") == fingerprint_lines(card.fingerprint_groups).split("\n")
    assert [len(line.split()) for line in label.text().split("\n")] == [4, 4]
    assert not [p for p in cut_texts(dialog) if "fingerprint" in p]
    widest = max(label.fontMetrics().horizontalAdvance(line) for line in label.text().split("\n"))
    assert label.width() >= widest
