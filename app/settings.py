"""User settings (not secret): language, auto-lock, backups. A small JSON file, written
atomically. Nothing about cases is ever stored here."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from app.atomic import atomic_write_text, clean_stray_temp_files
from app.files import file_errors
from app.owner_only import private_folder

MAX_RETENTION_MONTHS = 600
# Disclosure control's minimum cell frequency k (app/export/disclosure.py reads them here: the
# settings sit below the export layer).
DEFAULT_K = 5
MINIMUM_K = 3


@dataclass
class Settings:
    language: str = "nl"
    autolock_minutes: int = 5
    backup_dir: str = ""  # empty: the default backup folder
    backup_generations: int = 10
    backup_on_close: bool = True
    register_dir: str = ""  # empty: the default register folder
    disclosure_k: int = DEFAULT_K
    # Months after closing before a fully reported case is reduced (its memo removed); 0 = off.
    # Off by default: reducing is irreversible and the retention period is an organisational
    # decision, not the program's. See app/services/storage/retention.py.
    retention_months: int = 0
    # Where a person left the register window: [x, y, width, height] in logical pixels, empty
    # until they close or lock it (restored only when that place is still on a screen).
    window_geometry: list[int] = field(default_factory=list)

    @staticmethod
    def load(path: Path) -> Settings:
        # A save killed half-way leaves its temp file; the settings file itself is intact.
        clean_stray_temp_files(Path(path).parent, Path(path).name)
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return Settings()
        if not isinstance(raw, dict):
            return Settings()
        known = {f.name: f.type for f in fields(Settings)}
        values = {}
        defaults = Settings()
        for name, value in raw.items():
            if name in known and type(value) is type(getattr(defaults, name)):
                values[name] = value
        settings = Settings(**values)
        settings.autolock_minutes = min(max(settings.autolock_minutes, 1), 240)
        settings.backup_generations = min(max(settings.backup_generations, 1), 100)
        settings.disclosure_k = max(settings.disclosure_k, MINIMUM_K)
        settings.retention_months = min(max(settings.retention_months, 0), MAX_RETENTION_MONTHS)
        if len(settings.window_geometry) != 4 or not all(
                type(v) is int for v in settings.window_geometry):
            settings.window_geometry = []
        if settings.language not in ("nl", "en"):
            settings.language = "nl"
        return settings

    def save(self, path: Path) -> None:
        """Atomically, owner-only; a FileAccessError (app.files) with its sentence on failure."""
        with file_errors(Path(path)):
            private_folder(Path(path).parent)
            atomic_write_text(Path(path), json.dumps(asdict(self), indent=1, sort_keys=True))
