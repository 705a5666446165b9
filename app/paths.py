"""Where things live: bundled resources, translations, and the user's data folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Vertrouwd"
APP_AUTHOR = "Defensie"


def _bundle_root() -> Path:
    # PyInstaller puts data files under sys._MEIPASS; from source they sit beside `app/`.
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        return Path(meipass)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return _bundle_root() / "resources"


def translations_dir() -> Path:
    return _bundle_root() / "translations"


def docs_dir() -> Path:
    """The user guides (and the screenshots they show), bundled for the Help window."""
    return _bundle_root() / "docs"


def program_dir() -> Path:
    """Folder of the running program (the executable when bundled)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return _bundle_root()


def portable_data_dir() -> Path:
    return program_dir() / "VertrouwdData"


def is_portable() -> bool:
    """Portable mode: a `VertrouwdData` folder next to the program (USB use on deployment)."""
    return portable_data_dir().is_dir()


def user_data_dir() -> Path:
    """VERTROUWD_HOME, else the portable folder, else the platform's user data folder.

    On Windows that is %LOCALAPPDATA%\\Defensie\\Vertrouwd, never the roaming profile
    (%APPDATA%): managed desktops copy roaming profiles to servers at every log-off.
    """
    override = os.environ.get("VERTROUWD_HOME")
    if override:
        return Path(override)
    if is_portable():
        return portable_data_dir()
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False))


def default_register_dir() -> Path:
    return user_data_dir() / "register"


def default_backup_dir() -> Path:
    return user_data_dir() / "backups"


def settings_file() -> Path:
    return user_data_dir() / "settings.json"


def log_dir() -> Path:
    return user_data_dir() / "logs"


# Windows refuses paths of 260 characters or more unless they carry the extended-length prefix
# (or the machine enables long paths by policy, which we cannot count on). Below this length a
# path plus the names we add to it ("register.db-wal", a backup folder) stays under the limit.
LONG_PATH = 200
_EXTENDED = "\\\\?\\"


def native(path: Path | str) -> Path:
    r"""The form of `path` the operating system opens at any length.

    On Windows a long absolute path gets the `\\?\` prefix (`\\?\UNC\` for a
    network path); the path is made absolute and normalised first, because the prefix switches
    off Windows' own normalisation. Elsewhere, and for short paths, `path` is returned as is.
    """
    path = Path(path)
    if sys.platform != "win32":
        return path
    text = str(path)
    if text.startswith(_EXTENDED) or len(os.path.abspath(text)) < LONG_PATH:
        return path
    full = os.path.abspath(text)
    if full.startswith("\\\\"):
        return Path(_EXTENDED + "UNC\\" + full[2:])
    return Path(_EXTENDED + full)


def display(path: Path | str) -> str:
    """A path as people read it: without the extended-length prefix."""
    text = str(path)
    if text.startswith(_EXTENDED + "UNC\\"):
        return "\\\\" + text[len(_EXTENDED) + 4:]
    if text.startswith(_EXTENDED):
        return text[len(_EXTENDED):]
    return text
