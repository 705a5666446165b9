"""Leak scan: after a full session (CLI and services) no file the program wrote holds a word a
confidant typed, the passphrase or the data key — in clear, in UTF-8 or UTF-16.

The session: init, cases with a unique canary in every free-text field (memo, CSV memo, the CSV
case reference that is documented as "not stored", a form draft), a quarterly export and an
enrolment card, a CSV import, a backup, a writer killed with SIGKILL mid-write, reopening, memos
cleared and a case deleted, a command failing unexpectedly (its error goes to the log), retention.
Then every file below VERTROUWD_HOME (register with -wal/-shm, backups, exports, logs,
settings) is searched.

The encrypted pages can never show a canary, deleted or not; that deleted memos are really
gone is shown on a plaintext twin (see _harness.plaintext_twin) and, for the live content, by
decrypting the register into a plaintext copy with sqlcipher_export.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import update

from app import cli, paths
from app.models import register_files
from app.models.entities import ExportRecord, KeyValue
from app.models.periods import Quarter
from app.services.confidant import exporting
from app.services.confidant.cases import CaseService
from app.services.storage import vault
from app.settings import Settings
from tests.conftest import PASSPHRASE, TODAY
from tests.reliability import _harness as h

pytestmark = pytest.mark.reliability


def canary(tag: str) -> str:
    return f"LEKCANARY-{tag}-q9z"


def _cli(base: list[str], *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([*base, *args], out=out, err=err)
    return code, out.getvalue() + err.getvalue()


def _crash_writer(emit: Callable[[str], None], folder: Path) -> None:
    reg = vault.unlock(folder, PASSPHRASE)
    svc = CaseService(reg, today=lambda: TODAY)
    emit("READY")
    n = 0
    while True:
        svc.open_case(on=dt.date(2026, 2, 2), minutes=10, mode="telefoon", topics=["pesten"],
                      memo=canary(f"crash{n % 5}"))
        n += 1
        if n == 3:
            emit("WROTE")


def _files(folder: Path) -> list[Path]:
    return [p for p in sorted(Path(folder).rglob("*")) if p.is_file()]


def test_no_file_the_program_wrote_holds_typed_text_passphrase_or_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = paths.user_data_dir()
    folder = paths.default_register_dir()
    inputs = tmp_path / "inputs"  # what the user wrote: not the program's files, not scanned
    inputs.mkdir()
    secret = inputs / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    base = ["--lang", "en", "--passphrase-file", str(secret)]
    Settings(retention_months=12).save(paths.settings_file())
    tags: list[str] = []

    assert _cli(base, "init", "--component", "CZSK")[0] == 0
    reg = vault.unlock(folder, PASSPHRASE)
    data_key = bytes(reg.data_key)  # close() wipes the register's own buffer
    svc = CaseService(reg, today=lambda: TODAY)
    ids = {}
    for i, (on, closed) in enumerate([(dt.date(2025, 7, 3), dt.date(2025, 8, 1)),
                                      (dt.date(2025, 8, 4), None), (dt.date(2025, 9, 9), None),
                                      (dt.date(2026, 1, 6), None)]):
        tags.append(f"memo{i}")
        ids[i] = svc.open_case(on=on, minutes=30, mode="persoonlijk", topics=["pesten"],
                               memo=f"{canary(f'memo{i}')} Sgt. Jansen, 06-12345678").id
        if closed:
            svc.close_case(ids[i], on=closed, outcome="handvatten")
    tags.append("update")
    svc.update_case(ids[1], topics=["pesten", "intimidatie"], memo=canary("update") + " ëñ€")
    tags.append("draft")
    with reg.session() as s:  # what the GUI keeps of a half-filled form, encrypted
        s.merge(KeyValue(key="draft:case", value=canary("draft")))
    exporting.export_quarter(reg, Quarter(2025, 3), home / "exports", today=TODAY)
    with reg.session() as s:
        s.execute(update(ExportRecord).values(received_at=dt.datetime(2025, 10, 20)))
    reg.close()

    tags += ["csvmemo", "csvref"]
    csv_file = inputs / "oud.csv"
    csv_file.write_text(
        "type;casus;datum;minuten;wijze;onderwerpen;afgesloten_op;uitkomst;activiteit;memo\n"
        f"contact;{canary('csvref')};2025-07-10;40;telefoon;pesten;2025-09-01;handvatten;;"
        f"{canary('csvmemo')}\n"
        "activiteit;;2025-07-11;60;;;;;voorlichting;\n", encoding="utf-8")
    assert _cli(base, "import-csv", str(csv_file))[0] == 0
    assert _cli(base, "card", "--out", str(home / "exports"))[0] == 0
    assert _cli(base, "backup")[0] == 0
    assert _cli(base, "verify")[0] == 0
    assert _cli([*base[:2], "--passphrase-file", str(inputs / "missing")], "verify")[0] == 2

    # A command that fails unexpectedly while writing a memo: its error goes to the log file.
    tags.append("failing")
    failing = inputs / "failing.csv"
    failing.write_text("type;casus;datum;minuten;wijze;onderwerpen;memo\n"
                       f"contact;x;2025-07-10;40;telefoon;pesten;{canary('failing')}\n",
                       encoding="utf-8")
    from app.models.entities import Case
    from app.services.confidant import csv_import

    def broken_case(**kw):  # type: ignore[no-untyped-def]
        return Case(**{**kw, "status": "broken"})  # violates a CHECK constraint on INSERT

    with monkeypatch.context() as patched:  # never undo(): VERTROUWD_HOME is patched too
        patched.setattr(csv_import, "Case", broken_case)
        code, text = _cli(base, "import-csv", str(failing))
    assert code == 1 and "LEKCANARY" not in text

    # A writer killed mid-write (its WAL and -shm stay behind), then reopened.
    tags += [f"crash{i}" for i in range(5)]
    child = h.fork(_crash_writer, folder)
    child.wait_for("WROTE")
    child.run_for(0.05)
    child.kill()
    assert any(line == "WROTE" for line in child.lines), child.lines[-3:]
    wal_after_crash = (folder / (register_files.DB_NAME + "-wal")).exists()
    reg = vault.unlock(folder, PASSPHRASE)
    assert vault.verify(reg) == []
    svc = CaseService(reg, today=lambda: TODAY)
    svc.update_case(ids[2], topics=["pesten"], memo=None)  # memo cleared
    svc.delete_case(ids[3])  # case deleted
    reg.close()
    fixed_today = type("D", (dt.date,), {"today": staticmethod(lambda: TODAY)})
    with monkeypatch.context() as patched:
        patched.setattr(cli.dt, "date", fixed_today)
        code, text = _cli(base, "retention", "--apply", "--yes")
    assert code == 0 and "2 case(s) reduced" in text, text  # case 0 and the CSV case

    # The VP's own PDF of a quarter, then a coordinator who enrols the VP, imports the files,
    # writes receipts and publishes PDF and CSV reports: every one of those files is scanned.
    exports = home / "exports"
    assert _cli(base, "export", "--quarter", "2025-Q4", "--out", str(exports),
                "--pdf", str(exports / "kwartaal.pdf"))[0] == 0
    coord = ["--register", str(home / "coordinator")]
    assert _cli(base + coord, "init", "--component", "CZSK", "--role", "coordinator")[0] == 0
    card = next(exports.glob("Vertrouwd-kaart-*.json"))
    assert _cli(base + coord, "roster-add", str(card))[0] == 0
    code, text = _cli(base + coord, "import", str(exports), "--receipts", str(home / "receipts"))
    assert code in (0, 2) and list((home / "receipts").iterdir()), text  # the card is refused
    (home / "reports").mkdir()  # a report goes into a folder that exists (a typo creates none)
    for fmt in ("pdf", "csv"):
        assert _cli(base + coord, "report", "--year", "2025", "--format", fmt, "--out",
                    str(home / "reports" / f"jaar.{fmt}"))[0] == 0

    needles: dict[str, list[bytes]] = {f"canary {t}": h.encodings(canary(t)) for t in tags}
    needles["passphrase"] = h.encodings(PASSPHRASE)
    needles["data key"] = [data_key, data_key.hex().encode(), data_key.hex().upper().encode(),
                           *h.encodings(data_key.hex())]
    needles["phone-like text"] = h.encodings("06-12345678")
    files = _files(home)
    kinds = sorted({p.suffix or p.name for p in files})
    hits = h.hits_in_files(files, needles)
    size = sum(p.stat().st_size for p in files)
    assert any(p.name == "vertrouwd.log" for p in files) and any(p.suffix == ".json" for p in files)
    assert any("backup" in str(p) for p in files)
    assert {".pdf", ".csv"} <= {p.suffix for p in files}  # reports and the VP overview scanned

    # Deleted memos: gone from the live content (decrypted) and from a plaintext twin's files.
    live_hits = _live_content_hits(
        folder,
        tmp_path,
        {t: needles[f"canary {t}"] for t in ("memo2", "memo3", "memo0", "csvmemo")},
    )
    twin_hits, twin_files = _twin_hits(tmp_path / "twin")
    h.summary(capsys, f"leaks: {len(files)} files scanned ({size // 1024} KiB: {', '.join(kinds)}; "
                      f"WAL left by the kill: {wal_after_crash}), {len(needles)} needles x "
                      f"utf-8/utf-16, {len(hits)} hits; deleted memos: {len(live_hits)} in the "
                      f"decrypted live content, {len(twin_hits)} in {twin_files} plaintext-twin "
                      f"files (db + WAL) after delete/clear + checkpoint")
    assert hits == []
    assert live_hits == []
    assert twin_hits == []


def _live_content_hits(folder: Path, tmp: Path, needles: dict[str, list[bytes]]) -> list[str]:
    reg = vault.unlock(folder, PASSPHRASE)
    target = tmp / "live-plain.db"
    try:
        conn = reg.raw_connection()
        conn.execute(f"ATTACH DATABASE '{target}' AS plaintext KEY ''")
        conn.execute("SELECT sqlcipher_export('plaintext')")
        conn.execute("DETACH DATABASE plaintext")
        conn.close()
    finally:
        reg.close()
    assert h.hits_in_files([target], {"kept": h.encodings(canary("update"))})  # search works
    return h.hits_in_files([target], needles)


def _twin_hits(folder: Path) -> tuple[list[str], int]:
    """Memos cleared and a case deleted through the services on a plaintext twin."""
    twin = h.plaintext_twin(folder)
    try:
        svc = CaseService(twin, today=lambda: TODAY)
        rng = random.Random(h.SEED)
        ids = [
            svc.open_case(
                on=dt.date(2026, 3, rng.randint(1, 28)),
                minutes=20,
                mode="video",
                topics=["pesten"],
                memo=canary(f"twin{i}") + " €" * rng.randint(1, 900),
            ).id
            for i in range(12)
        ]
        twin.checkpoint()
        gone = {f"twin{i}": h.encodings(canary(f"twin{i}")) for i in range(0, 12, 2)}
        assert len(h.hits_in_files(_files(folder), gone)) == len(gone)  # control: findable now
        for i in range(0, 12, 4):
            svc.update_case(ids[i], topics=["pesten"], memo=None)
        for i in range(2, 12, 4):
            svc.delete_case(ids[i])
        files = _files(folder)
        kept = h.hits_in_files(files, {"twin1": h.encodings(canary("twin1"))})
        assert kept, "a kept memo must be found: the search works"
        return h.hits_in_files(files, gone), len(files)
    finally:
        twin.engine.dispose()
