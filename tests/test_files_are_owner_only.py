"""Everything the program writes is readable by its user only, whatever the umask (issue 13,
item 11): registers, backups, logs and settings, and also what goes to a folder the user chose
(quarterly files, forwarded summaries, cards, receipts, PDF and CSV reports), because an unsealed
quarterly file or a report is not for everyone on the machine. The one exception, on Windows, is
a drive meant for passing files on (a USB stick or a network drive): there the file keeps the
drive's permissions (docs/security.md, "Files on disk").

Before: under umask 022 the log was 0644 in a 0755 folder, restored register files 0644, and
quarterly files and cards were forced to 0644.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli, owner_only, paths
from tests.conftest import PASSPHRASE


@pytest.fixture
def umask_022() -> Iterator[None]:
    if sys.platform == "win32":
        yield  # Windows has no umask: ACLs decide (checked with is_owner_only below)
        return
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--lang", "en", *args], out=out, err=err)
    assert code in (0, 2), err
    return out.getvalue() + err.getvalue()


def _everything_below(*roots: Path) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        found.append(root)
        found += sorted(root.rglob("*"))
    return found


def _acl(path: Path) -> str:
    """What the access is, for a failure message."""
    if sys.platform == "win32":
        return owner_only.dacl_sddl(path)
    return oct(stat.S_IMODE(path.stat().st_mode))


def _not_owner_only(path: Path) -> bool:
    if sys.platform == "win32":
        return not owner_only.is_owner_only(path)
    return stat.S_IMODE(path.stat().st_mode) & 0o077 != 0


@pytest.mark.usefixtures("umask_022")
def test_the_whole_pipeline_writes_owner_only(tmp_path: Path) -> None:
    home = paths.user_data_dir()  # VERTROUWD_HOME of this test: registers, backups, logs
    secret = tmp_path / "input" / "pass.txt"
    secret.parent.mkdir()
    secret.write_text(PASSPHRASE, encoding="utf-8")
    csv = tmp_path / "input" / "oud.csv"
    csv.write_text("type;casus;datum;minuten;wijze;onderwerpen\n"
                   "contact;A;2026-02-03;60;telefoon;pesten\n", encoding="utf-8")
    vp = ["--register", str(home / "vp"), "--passphrase-file", str(secret)]
    co = ["--register", str(home / "coordinator"), "--passphrase-file", str(secret)]
    out, stick, fwd = tmp_path / "export", tmp_path / "stick", tmp_path / "forward"

    _run(*vp, "init", "--component", "CLAS")
    _run(*co, "init", "--component", "CLAS", "--role", "coordinator")
    _run(*vp, "import-csv", str(csv))
    _run(*vp, "backup")
    _run(*vp, "export", "--quarter", "2026-Q1", "--out", str(out))  # creates the folder
    _run(*vp, "card", "--out", str(out / "vp-card.json"))
    _run(*vp, "export", "--quarter", "2026-Q1", "--out", str(out), "--pdf",
         str(out / "kwartaal.pdf"))
    _run(*co, "card", "--out", str(out / "coordinator-card.json"))
    _run(*vp, "card-import", str(out / "coordinator-card.json"))
    _run(*co, "roster-add", str(out / "vp-card.json"), "--active-from", "2026-01-01")
    _run(*co, "import", str(out), "--receipts", str(stick / "receipts"))
    receipt = next((stick / "receipts").iterdir())
    _run(*vp, "receipt-import", str(receipt))
    _run(*co, "forward", "--quarter", "2026-Q1", "--out", str(fwd))
    for fmt in ("pdf", "csv"):
        _run(*co, "report", "--year", "2026", "--format", fmt, "--out", str(fwd / f"r.{fmt}"))
    _run(*co, "backup")
    # The restore copies the backup's files into place: they too stay owner-only.
    backups = sorted(p for p in paths.default_backup_dir().iterdir() if p.is_dir())
    _run(*vp, "restore", str(backups[0]))

    written = _everything_below(out, stick, fwd)
    written += [p for p in _everything_below(home) if p != home]  # the test made `home`
    kinds = {p.suffix for p in written if p.is_file()}
    assert {".db", ".key", ".log", ".json", ".pdf", ".csv"} <= kinds, kinds
    assert len([p for p in written if p.is_file()]) >= 20
    found = [f"{p} {_acl(p)}" for p in written if _not_owner_only(p)]
    assert found == [], "\n".join(found)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes; Windows ACLs are the "
                                                    "test above")
@pytest.mark.usefixtures("umask_022")
def test_the_check_above_can_fail(tmp_path: Path) -> None:
    made = tmp_path / "open.txt"
    made.write_text("x", encoding="utf-8")  # the umask's 0644
    assert _not_owner_only(made)


def test_this_drive_is_not_a_shared_one(tmp_path: Path) -> None:
    """The test folders lie on a fixed drive, so the pipeline above checks the owner-only
    branch; on Windows, removable and network drives take the other (docs/security.md)."""
    assert owner_only.on_shared_drive(tmp_path) is False
    if sys.platform == "win32":
        assert owner_only.drive_type(tmp_path) == 3  # DRIVE_FIXED
