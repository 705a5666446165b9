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
    override = os.environ.get("VERTROUWD_HOME")
    if override:
        return Path(override)
    if is_portable():
        return portable_data_dir()
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def default_register_dir() -> Path:
    return user_data_dir() / "register"


def default_backup_dir() -> Path:
    return user_data_dir() / "backups"


def settings_file() -> Path:
    return user_data_dir() / "settings.json"


def log_dir() -> Path:
    return user_data_dir() / "logs"
