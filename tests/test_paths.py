"""app.paths inside a PyInstaller bundle (faked: sys.frozen, sys.executable, sys._MEIPASS).

Running the real bundle is too slow for pytest; `make test` runs its self-test in portable mode.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app import paths


@pytest.fixture
def bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake one-folder bundle dist/vertrouwd/ with the executable and _internal/."""
    folder = tmp_path / "usb" / "vertrouwd"
    (folder / "_internal").mkdir(parents=True)
    exe = folder / "vertrouwd"
    exe.write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    monkeypatch.setattr(sys, "_MEIPASS", str(folder / "_internal"), raising=False)
    monkeypatch.delenv("VERTROUWD_HOME", raising=False)
    return folder


def test_resources_and_translations_come_from_the_bundle(bundle: Path) -> None:
    assert paths.resources_dir() == bundle / "_internal" / "resources"
    assert paths.translations_dir() == bundle / "_internal" / "translations"


def test_a_vertrouwd_data_folder_next_to_the_program_means_portable(bundle: Path) -> None:
    (bundle / "VertrouwdData").mkdir()
    assert paths.program_dir() == bundle
    assert paths.is_portable()
    assert paths.user_data_dir() == bundle / "VertrouwdData"
    assert paths.default_register_dir() == bundle / "VertrouwdData" / "register"
    assert paths.settings_file().parent == bundle / "VertrouwdData"
    assert paths.log_dir() == bundle / "VertrouwdData" / "logs"


def test_without_the_folder_data_goes_to_the_user_profile(bundle: Path) -> None:
    assert not paths.is_portable()
    assert bundle not in paths.user_data_dir().parents


def test_a_data_folder_inside_the_bundle_internals_is_not_portable_mode(bundle: Path) -> None:
    # The marker sits next to the executable, not next to the bundled code.
    (bundle / "_internal" / "VertrouwdData").mkdir()
    assert not paths.is_portable()


def test_vertrouwd_home_still_wins(bundle: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (bundle / "VertrouwdData").mkdir()
    monkeypatch.setenv("VERTROUWD_HOME", str(tmp_path / "elsewhere"))
    assert paths.user_data_dir() == tmp_path / "elsewhere"
