"""What the About window says: the version, the licence, the SQLCipher in use and where this
installation keeps its data. Plain values; no Qt."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from pathlib import Path

from app import __license__, __version__, paths
from app.models import database


@dataclass(frozen=True)
class AboutFacts:
    version: str
    licence: str
    sqlcipher: str
    python: str
    register_dir: Path | None
    backup_dir: Path
    settings_file: Path
    log_dir: Path
    portable: bool


def sqlcipher_version() -> str:
    """The SQLCipher library the program encrypts with (e.g. "4.6.1 community")."""
    conn = database.dbapi.connect(":memory:")
    try:
        return database.cipher_version(conn)
    finally:
        conn.close()


def about_facts(register_dir: Path | None, backup_dir: Path, settings_file: Path) -> AboutFacts:
    return AboutFacts(
        version=__version__, licence=__license__, sqlcipher=sqlcipher_version(),
        python=f"{platform.python_version()} ({sys.platform})",
        register_dir=register_dir, backup_dir=backup_dir, settings_file=settings_file,
        log_dir=paths.log_dir(), portable=paths.is_portable(),
    )
