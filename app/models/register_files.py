"""The register's file layout: what lies in a register folder and in a backup folder.

One register is one folder: the SQLCipher database, the key file beside it and the lock file
that keeps a second program out (`register_lock`). Backups are folders named after the time
they were made, so their names sort by age. Vault, backup and restore all read these names
from here, so none of them needs another for the layout.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.paths import native

DB_NAME = "register.db"
KEY_NAME = "register.key"
LOCK_NAME = "register.lock"

# A backup is the pair DB_NAME + KEY_NAME inside a folder `vertrouwd-backup-<stamp><label>`;
# it is written under the same name + BACKUP_TMP_SUFFIX and renamed when it is verified.
BACKUP_PREFIX = "vertrouwd-backup-"
BACKUP_TMP_SUFFIX = ".partial"
PRE_MIGRATION_FOLDER = "pre-migration"  # inside the register folder
PRE_MIGRATION_LABEL = "-premigration"
_STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"


def db_path(folder: Path) -> Path:
    return native(folder) / DB_NAME


def key_path(folder: Path) -> Path:
    return native(folder) / KEY_NAME


def register_exists(folder: Path) -> bool:
    return key_path(folder).exists() or db_path(folder).exists()


def stamp(now: dt.datetime | None = None) -> str:
    """A UTC time as a name part that sorts by time (microseconds included)."""
    now = now or dt.datetime.now(dt.UTC)
    return now.strftime(_STAMP_FORMAT)


def backup_name(now: dt.datetime | None = None, label: str = "") -> str:
    return f"{BACKUP_PREFIX}{stamp(now)}{label}"


def backup_time(name: str) -> dt.datetime | None:
    """When the backup folder ``name`` was made, or None when it is not a backup's name."""
    if not name.startswith(BACKUP_PREFIX) or name.endswith(BACKUP_TMP_SUFFIX):
        return None
    try:
        return dt.datetime.strptime(name[len(BACKUP_PREFIX):].split("-")[0],
                                    _STAMP_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        return None
