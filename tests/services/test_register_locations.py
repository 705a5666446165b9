"""Where a register may live, and who can read it: folders with spaces and non-ASCII letters (a
Windows profile such as C:\\Users\\Zoë Çelik), paths longer than Windows' 260 characters, the
default data folder (never the roaming profile), and files readable by their user only.

Run on both platforms; make test-windows runs the whole suite below "C:\\users\\Zoë Çelik\\…".
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

from app import owner_only, paths
from app.logging_setup import setup_logging
from app.models import register_files
from app.models.periods import Quarter
from app.services.confidant import exporting
from app.services.confidant.cases import CaseService
from app.services.storage import backup, vault
from app.settings import Settings
from tests.conftest import PASSPHRASE, TODAY

ZOE = "Zoë Çelik"


def _use(folder: Path, tmp_path: Path) -> None:
    """Create, fill, back up, change, restore, export: everything a VP does with the folder."""
    reg, _code = vault.create_register(folder, PASSPHRASE, component="CLAS")
    svc = CaseService(reg, today=lambda: TODAY)
    svc.open_case(on=dt.date(2026, 8, 3), minutes=45, mode="telefoon", topics=["pesten"],
                  memo="één memo met ü")
    digest = vault.content_digest(reg)
    made = backup.create_backup(reg, folder.parent / "back-ups ë")
    svc.add_activity(on=dt.date(2026, 8, 4), minutes=30, kind="voorlichting")
    result = exporting.export_quarter(reg, Quarter(2026, 3), folder.parent / "export ö",
                                      today=TODAY)
    assert result.path.is_file()
    reg.close()
    backup.restore(folder, made, PASSPHRASE)
    reg = vault.unlock(folder, PASSPHRASE)
    try:
        assert vault.content_digest(reg) == digest
        assert vault.verify(reg) == []
    finally:
        reg.close()


def test_a_register_in_a_profile_with_spaces_and_accents(tmp_path: Path) -> None:
    folder = tmp_path / "Users" / ZOE / "AppData" / "Local" / "Mijn register (oefening)"
    _use(folder, tmp_path)


def test_a_register_whose_paths_exceed_260_characters(tmp_path: Path) -> None:
    deep = tmp_path / ZOE
    while len(str(deep)) < 300:
        deep = deep / "een erg lange mapnaam voor registers"
    folder = deep / "register"
    assert len(str(folder / register_files.DB_NAME)) > 260
    _use(folder, tmp_path)
    if sys.platform == "win32":
        # Windows opens such a path only with the extended-length prefix (unless a policy
        # enables long paths): every file of the register is reached through it.
        assert str(register_files.db_path(folder)).startswith("\\\\?\\")
        assert paths.display(register_files.db_path(folder)) == os.path.abspath(
            folder / register_files.DB_NAME)


def test_short_paths_are_left_as_they_are(tmp_path: Path) -> None:
    assert paths.native(tmp_path / "register") == tmp_path / "register"
    assert paths.display(tmp_path) == str(tmp_path)


def test_the_default_data_folder_is_local_never_roaming(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VERTROUWD_HOME", raising=False)
    folder = paths.user_data_dir()
    assert folder.name == paths.APP_NAME
    if sys.platform == "win32":
        local, roaming = os.environ["LOCALAPPDATA"], os.environ["APPDATA"]
        assert os.path.normcase(str(folder)).startswith(os.path.normcase(local))
        assert not os.path.normcase(str(folder)).startswith(os.path.normcase(roaming))
    else:
        assert "/.local/share/" in str(folder) or os.environ.get("XDG_DATA_HOME")


def test_everything_the_program_writes_is_readable_by_its_user_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = home / "register"
    reg, _code = vault.create_register(folder, PASSPHRASE, component="CLAS")
    made = backup.create_backup(reg, home / "backups")
    reg.close()
    log = setup_logging(home / "logs")
    Settings().save(home / "settings.json")
    written = [folder, register_files.db_path(folder), register_files.key_path(folder),
               home / "backups", made,
               made / register_files.DB_NAME, made / register_files.KEY_NAME, home / "logs", log,
               home / "settings.json"]
    assert [str(p) for p in written if not owner_only.is_owner_only(p)] == []


def test_the_owner_only_check_sees_a_file_others_can_read(tmp_path: Path) -> None:
    """The check above must be able to fail: a file left to the folder's defaults is not
    owner-only (POSIX: mode 0644; Windows: a new file in a fresh folder inherits the
    folder's entries, which name more than the user)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "open.txt"
    target.write_text("x", encoding="utf-8")
    if sys.platform == "win32":
        owner_only.restrict_folder(shared)
        owner_only._set_dacl(target, "D:(A;;FA;;;WD)")  # Everyone: full access
    else:
        os.chmod(target, 0o644)
    assert not owner_only.is_owner_only(target)
    owner_only.restrict_file(target)
    assert owner_only.is_owner_only(target)


@pytest.mark.slow
def test_the_command_line_prints_every_character_when_redirected(
    register_dir: Path, tmp_path: Path
) -> None:
    """On Windows, output to a file or pipe is UTF-8 (app.main), not the ANSI code page, which
    cannot hold "Ł" (a backup folder chosen by Łukasz Ğündüz is printed back to him)."""
    import subprocess

    passphrase_file = tmp_path / "p.txt"
    passphrase_file.write_text(PASSPHRASE, encoding="utf-8")
    out_dir = tmp_path / "Łukasz Ğündüz" / "back-ups"
    env = {**os.environ, "VERTROUWD_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.cheap_app", "--register", str(register_dir),
         "--passphrase-file", str(passphrase_file), "backup", "--out", str(out_dir)],
        capture_output=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode("utf-8")  # cp1252 output would have failed before this line
    assert "Łukasz Ğündüz" in text
    assert len(backup.list_backups(out_dir)) == 1
