"""The register's file layout: what lies in a register folder and in a backup folder.

One register is one folder: the SQLCipher database, the key file beside it and the lock file
that keeps a second program out (`register_lock`). Backups are folders named after the time
they were made and numbered: the generation number (`-g000042`) orders them, because the
clock of a laptop may be wrong (a dead CMOS battery sets it years back). Vault, backup and
restore all read these names from here, so none of them needs another for the layout.
"""

from __future__ import annotations

import datetime as dt
import re
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


_GENERATION = re.compile(r"-g([0-9]{1,12})(?:-|\Z)")


def backup_name(now: dt.datetime | None = None, label: str = "", generation: int = 0) -> str:
    """A backup folder's name: the time it was made (for the reader) and, from generation 1
    on, its generation number (for the order: one more than any backup beside it)."""
    numbered = f"-g{generation:06d}" if generation > 0 else ""
    return f"{BACKUP_PREFIX}{stamp(now)}{numbered}{label}"


def backup_generation(name: str) -> int:
    """The generation number in a backup folder's name; 0 for backups made before numbering
    (older than every numbered one)."""
    found = _GENERATION.search(name[len(BACKUP_PREFIX):])
    return int(found.group(1)) if found else 0


def backup_time(name: str) -> dt.datetime | None:
    """When the backup folder ``name`` was made, or None when it is not a backup's name."""
    if not name.startswith(BACKUP_PREFIX) or name.endswith(BACKUP_TMP_SUFFIX):
        return None
    try:
        return dt.datetime.strptime(name[len(BACKUP_PREFIX):].split("-")[0],
                                    _STAMP_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        return None
