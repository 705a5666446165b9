from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from app import cli
from app.errors import WrongRecoveryCode
from app.i18n import _
from app.models import register_files
from app.services.storage import vault
from app.ui.register.wizard import FirstRunWizard
from tests.conftest import PASSPHRASE
from tests.ui.helpers import passphrase_file

pytestmark = pytest.mark.gui


@pytest.fixture
def wizard(qtbot: QtBot, tmp_path: Path) -> Iterator[FirstRunWizard]:
    w = FirstRunWizard(default_dir=tmp_path / "home" / "register",
                       portable_dir=tmp_path / "usb" / "VertrouwdData" / "register")
    qtbot.addWidget(w)
    w.show()
    yield w
    if w.register is not None:
        w.register.close()


def _created(qtbot: QtBot, w: FirstRunWizard) -> None:
    """The register (or the recovery code) is made off the GUI thread: wait for it."""
    qtbot.waitUntil(lambda: not w.busy, timeout=15_000)


def _next_enabled(w: FirstRunWizard) -> bool:
    return w.button(QWizard.WizardButton.NextButton).isEnabled() or \
        w.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_first_run_creates_a_register_the_cli_opens(
        qtbot: QtBot, wizard: FirstRunWizard, tmp_path: Path) -> None:
    wizard.location.portable_choice.setChecked(True)
    wizard.next()
    assert wizard.currentPage() is wizard.passphrase
    assert not _next_enabled(wizard)
    wizard.passphrase.entry.first.setText(PASSPHRASE)
    wizard.passphrase.entry.second.setText(PASSPHRASE)
    assert _next_enabled(wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.profile
    wizard.profile.coordinator.setChecked(True)
    wizard.profile.component.setCurrentIndex(wizard.profile.component.findData("CZSK"))
    wizard.next()  # creates the register, then moves on by itself
    _created(qtbot, wizard)
    assert wizard.currentPage() is wizard.recovery, wizard.profile.error.text()
    folder = tmp_path / "usb" / "VertrouwdData" / "register"
    assert register_files.register_exists(folder)
    assert wizard.passphrase.entry.first.text() == ""  # not kept in the widget

    assert not _next_enabled(wizard)  # Enter alone never skips the recovery code
    wizard.recovery.create_button.click()
    _created(qtbot, wizard)
    code = wizard.recovery.panel.code_label.text()
    assert len(code.replace("-", "")) >= 25
    assert "IT" in wizard.recovery.panel.warning.text()
    wizard.next()
    assert wizard.done_page.code.text().startswith("CZSK-")
    profile = wizard.register.profile()
    assert profile is not None and profile.role_list == ["vp", "coordinator"]
    wizard.register.close()
    wizard.register = None

    pf = passphrase_file(tmp_path, PASSPHRASE)
    assert cli.main(["--register", str(folder), "--passphrase-file", str(pf), "unlock-check"]) == 0
    # The recovery code shown is the one that works.
    vault.unlock_with_recovery(folder, code).close()
    with pytest.raises(WrongRecoveryCode):
        vault.unlock_with_recovery(folder, "A" * 30)


def test_central_role_uses_component_def(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    wizard.next()
    wizard.passphrase.entry.first.setText(PASSPHRASE)
    wizard.passphrase.entry.second.setText(PASSPHRASE)
    wizard.next()
    assert not _next_enabled(wizard)  # no component yet
    wizard.profile.central.setChecked(True)
    assert not wizard.profile.component.isEnabled()
    wizard.next()
    _created(qtbot, wizard)
    profile = wizard.register.profile()
    assert profile is not None and profile.component == "DEFENSIE" and profile.roles == "central"


@pytest.mark.parametrize(
    ("passphrase", "reason"),
    [
        ("kort", "Use at least 12 characters. A short sentence works well."),
        (
            "welkomwelkom",
            "This passphrase is on the list of common or Defence-related passphrases.",
        ),
        (
            "Qwertyuiop-ASDF 7",
            "This passphrase is on the list of common or Defence-related passphrases.",
        ),
    ],
)
def test_weak_or_blocklisted_passphrase_is_refused_with_reason(
    wizard: FirstRunWizard, passphrase: str, reason: str
) -> None:
    wizard.next()
    entry = wizard.passphrase.entry
    entry.first.setText(passphrase)
    entry.second.setText(passphrase)
    assert entry.feedback.text() == _(reason)
    assert entry.feedback.isVisible()
    assert not _next_enabled(wizard)
    assert entry.strength.value() == 0
    wizard.next()
    assert wizard.currentPage() is wizard.passphrase


def test_mismatch_is_shown_live_and_strength_rises(wizard: FirstRunWizard) -> None:
    wizard.next()
    entry = wizard.passphrase.entry
    entry.first.setText(PASSPHRASE)
    entry.second.setText(PASSPHRASE[:-1])
    assert entry.feedback.text() == _("The two passphrases are not the same.")
    assert not _next_enabled(wizard)
    assert entry.strength.value() >= 1
    entry.second.setText(PASSPHRASE)
    assert entry.feedback.text() == _("This passphrase can be used.")
    assert _next_enabled(wizard)
