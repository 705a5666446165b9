"""Nothing a confidant typed about a case appears in any raw byte the program wrote."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from app import cli, paths
from app.services.confidant.cases import CaseService
from app.services.storage import backup, vault
from tests.conftest import PASSPHRASE

CANARIES = ["KANARIE-7f3a9c-memo", "Jansen-uit-Den-Helder-91x", "06-canary-55512345"]


def _all_bytes(*folders: Path) -> list[tuple[Path, bytes]]:
    found = []
    for folder in folders:
        for p in Path(folder).rglob("*"):
            if p.is_file():
                found.append((p, p.read_bytes()))
    return found


def test_memo_canaries_never_reach_disk_in_clear(
    register: vault.Register, register_dir: Path, tmp_path: Path, pass_file_text: str = PASSPHRASE
) -> None:
    service = CaseService(register, today=lambda: dt.date(2026, 11, 23))
    for i, canary in enumerate(CANARIES):
        service.open_case(on=dt.date(2026, 10, 1 + i), minutes=50, mode="persoonlijk",
                          topics=["pesten"], memo=f"gesprek over {canary}")
    backup.create_backup(register, tmp_path / "backups")
    register.close()
    pf = tmp_path / "p.txt"
    pf.write_text(PASSPHRASE)
    cli.main(["--register", str(register_dir), "--passphrase-file", str(pf), "verify"],
             out=io.StringIO(), err=io.StringIO())
    files = _all_bytes(register_dir, tmp_path / "backups", paths.user_data_dir())
    assert files, "nothing scanned"
    secrets = [c.encode() for c in CANARIES] + [c.encode("utf-16-le") for c in CANARIES]
    secrets.append(PASSPHRASE.encode())
    hits = [(p, s) for p, data in files for s in secrets if s in data]
    assert hits == []
    assert any(p.name == "vertrouwd.log" for p, _ in files)  # the log was scanned too
