"""A rotating log file. Never log a passphrase, a key, or anything typed about a case:
log events and counts only."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path
from typing import IO, Any

from app.owner_only import private_folder, restrict_file

log = logging.getLogger("vertrouwd")


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every log file (the first and each one opened after a rotation) is owner-only."""

    def _open(self) -> IO[Any]:
        stream = super()._open()
        restrict_file(Path(self.baseFilename))
        return stream


def setup_logging(folder: Path, level: int = logging.INFO) -> Path:
    private_folder(folder)
    path = folder / "vertrouwd.log"
    handler = _PrivateRotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("vertrouwd")
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
    return path
