"""Retention: old closed cases whose every quarter was exported and received lose their memo,
the numbers of every quarter stay exactly the same, and the removed text is gone from the files.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app import cli, paths
from app.errors import ValidationError
from app.models.entities import AuditEntry, Case, ExportRecord
from app.models.periods import Quarter
from app.services.confidant import aggregation, exporting
from app.services.confidant.cases import CaseService, ReferralInput
from app.services.storage import retention
from app.services.storage.vault import Register
from app.settings import Settings
from tests.conftest import PASSPHRASE, TODAY
from tests.reliability import _harness as h

pytestmark = pytest.mark.reliability

MONTHS = 12  # cutoff 2025-11-23
RECEIVED = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")  # 2025-Q4: only revision 1 received
QUARTERS = [Quarter(2024, 1)]
while QUARTERS[-1] < Quarter(2026, 4):
    QUARTERS.append(QUARTERS[-1].next())


def canary(tag: str) -> str:
    return f"KANARIE-{tag}-7f3q"


def populate(svc: CaseService) -> dict[str, int]:
    """Six cases; A and B qualify, C and F wait for a quarter, D is too recent, E is open."""
    d = dt.date
    long_memo = canary("A") + " " + "ëéü€" * 400  # multi-byte, spills onto overflow pages
    ids = {}
    ids["A"] = svc.open_case(on=d(2025, 1, 10), minutes=45, mode="telefoon", topics=["pesten"],
                             memo=long_memo).id
    svc.close_case(ids["A"], on=d(2025, 2, 20), outcome="handvatten")
    ids["B"] = svc.open_case(on=d(2025, 2, 1), minutes=60, mode="persoonlijk",
                             topics=["discriminatie"], grounds=["leeftijd"], memo=canary("B")).id
    svc.add_contact(ids["B"], on=d(2025, 5, 3), minutes=30, mode="video")
    svc.close_case(ids["B"], on=d(2025, 8, 10), outcome="doorverwezen",
                   referrals=[ReferralInput("bmw", d(2025, 8, 1))])
    ids["C"] = svc.open_case(on=d(2025, 3, 1), minutes=20, mode="telefoon", topics=["stalking"],
                             memo=canary("C")).id
    svc.close_case(ids["C"], on=d(2025, 10, 15), outcome="handvatten")
    ids["D"] = svc.open_case(on=d(2025, 9, 1), minutes=20, mode="telefoon", topics=["pesten"],
                             memo=canary("D")).id
    svc.close_case(ids["D"], on=d(2025, 11, 30), outcome="handvatten")
    ids["E"] = svc.open_case(on=d(2025, 1, 5), minutes=15, mode="telefoon", topics=["pesten"],
                             memo=canary("E")).id
    ids["F"] = svc.open_case(on=d(2024, 4, 1), minutes=15, mode="telefoon", topics=["pesten"],
                             memo=canary("F")).id
    svc.close_case(ids["F"], on=d(2024, 5, 1), outcome="handvatten")
    svc.add_activity(on=d(2025, 4, 2), minutes=120, kind="voorlichting")
    return ids


def export_and_receive(register: Register, out: Path) -> None:
    for q in RECEIVED:
        exporting.export_quarter(register, Quarter.parse(q), out, today=TODAY)
    exporting.export_quarter(register, Quarter(2025, 4), out, today=TODAY)  # r2: no receipt yet
    with register.session() as s:
        s.execute(update(ExportRecord).where(ExportRecord.revision == 1)
                  .values(received_at=dt.datetime(2026, 1, 10), receipt_by="CZSK-CVP"))


def record_received(register: Register) -> None:
    """The twin has no profile to export with: the same history, written directly."""
    with register.session() as s:
        for n, q in enumerate(RECEIVED):
            s.add(
                ExportRecord(
                    quarter=q,
                    level="vp",
                    submission_id=f"s{n}",
                    revision=1,
                    sha256=f"{n:064d}",
                    file_name="f",
                    received_at=dt.datetime(2026, 1, 10),
                )
            )
        s.add(ExportRecord(quarter="2025-Q4", level="vp", submission_id="s9", revision=2,
                           supersedes="s3", sha256="9" * 64, file_name="f"))


def measures(register: Register) -> dict[str, object]:
    return {str(q): aggregation.quarter_measures(register, q) for q in QUARTERS}


def _files(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.rglob("*")) if p.is_file()]


def _plain_export(register: Register, tmp: Path) -> bytes:
    """The live content of the encrypted register, decrypted into a plaintext file."""
    target = tmp / "live-plain.db"
    target.unlink(missing_ok=True)
    conn = register.raw_connection()
    try:
        conn.execute(f"ATTACH DATABASE '{target}' AS plaintext KEY ''")
        conn.execute("SELECT sqlcipher_export('plaintext')")
        conn.execute("DETACH DATABASE plaintext")
    finally:
        conn.close()
    return target.read_bytes()


def test_retention_reduces_only_fully_reported_cases_and_keeps_every_number(
    register: Register, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    svc = CaseService(register, today=lambda: TODAY)
    ids = populate(svc)
    export_and_receive(register, tmp_path / "out")
    before = measures(register)
    needles = {f"canary {t}": h.encodings(canary(t)) for t in ids}
    assert sum(n in _plain_export(register, tmp_path).decode("utf-8", "replace")
               for n in (canary("A"), canary("B"))) == 2  # the control: they are there now

    assert retention.plan_retention(register, TODAY, 0).count == 0  # 0 = off
    plan = retention.plan_retention(register, TODAY, MONTHS)
    assert (plan.count, plan.waiting) == (2, 2), plan
    assert set(plan.case_ids) == {ids["A"], ids["B"]}
    assert plan.quarters == ("2025-Q1", "2025-Q2", "2025-Q3")
    assert retention.apply_retention(register, plan).reduced == 2
    assert retention.plan_retention(register, TODAY, MONTHS).count == 0  # idempotent

    assert measures(register) == before, "retention changed the numbers of a quarter"
    with register.session() as s:
        cases = {c.id: c for c in s.scalars(select(Case))}
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "retention")).all()
    assert [cases[ids[t]].reduced for t in "ABCDEF"] == [True, True, False, False, False, False]
    assert cases[ids["A"]].memo is None and cases[ids["B"]].memo is None
    assert all(cases[ids[t]].memo == canary(t) for t in "CDEF")
    assert [a.detail for a in audit] == ["2 cases reduced"]

    # The removed text is gone: at the SQL level, from the decrypted live content, and (the
    # encrypted pages cannot be searched) from the raw files of a plaintext twin, below.
    conn = register.raw_connection()
    try:
        assert conn.execute("SELECT count(*) FROM case_ WHERE memo LIKE '%KANARIE-A%' "
                            "OR memo LIKE '%KANARIE-B%'").fetchone()[0] == 0
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    finally:
        conn.close()
    live = _plain_export(register, tmp_path)
    removed = {k: v for k, v in needles.items() if k in ("canary A", "canary B")}
    assert h.hits_in_files([tmp_path / "live-plain.db"], removed) == []
    assert canary("C").encode() in live  # a kept memo is still there: the search works
    sql_hits = 0

    twin_hits, twin_files = _twin_run(tmp_path / "twin", register)
    h.summary(capsys, f"retention: {plan.count} cases reduced, {plan.waiting} waiting for a "
                      f"receipt, {len(QUARTERS)} quarters re-measured identical; removed memos: "
                      f"{sql_hits} SQL hits, 0 in the decrypted live content, {len(twin_hits)} in "
                      f"{twin_files} raw plaintext-twin files (db + WAL)")
    assert twin_hits == []


def _twin_run(folder: Path, register: Register) -> tuple[list[str], int]:
    twin = h.plaintext_twin(folder)
    try:
        h.assert_twin_policy_is_the_registers(register, twin)
        svc = CaseService(twin, today=lambda: TODAY)
        ids = populate(svc)
        record_received(twin)
        twin.checkpoint()
        removed = {f"canary {t}": h.encodings(canary(t)) for t in "AB"}
        # Control: before retention the plaintext file holds the memos, so the search can see.
        assert len(h.hits_in_files(_files(folder), removed)) == 2
        plan = retention.plan_retention(twin, TODAY, MONTHS)
        assert set(plan.case_ids) == {ids["A"], ids["B"]}
        assert retention.apply_retention(twin, plan).reduced == 2
        # apply_retention checkpointed: look at the db and any WAL now, while it is still open.
        files = _files(folder)
        hits = h.hits_in_files(files, removed)
        kept = h.hits_in_files(files, {"canary C": h.encodings(canary("C"))})
        assert kept, "the kept memo must still be found (the search works)"
        return hits, len(files)
    finally:
        twin.engine.dispose()


def test_retention_from_the_command_line(register_dir: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services.storage import vault

    reg = vault.unlock(register_dir, PASSPHRASE)
    try:
        populate(CaseService(reg, today=lambda: TODAY))
        export_and_receive(reg, tmp_path / "out")
    finally:
        reg.close()
    monkeypatch.setattr(
        retention.dt, "date", type("D", (dt.date,), {"today": staticmethod(lambda: TODAY)})
    )
    monkeypatch.setattr(
        cli.dt, "date", type("D", (dt.date,), {"today": staticmethod(lambda: TODAY)})
    )
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    base = ["--lang", "en", "--register", str(register_dir), "--passphrase-file", str(secret)]

    def run(*args: str) -> tuple[int, str]:
        out, err = io.StringIO(), io.StringIO()
        code = cli.main([*base, "retention", *args], out=out, err=err)
        return code, out.getvalue() + err.getvalue()

    code, text = run()  # setting is 0: off
    assert code == 0 and "off" in text
    code, text = run("--months", "12")
    assert code == 0 and "2 closed case(s)" in text and "Dry run" in text and "2 older" in text
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    code, text = run("--months", "12", "--apply")
    assert code == 2 and "Cancelled" in text
    code, text = run("--months", "-1")
    assert code == 2
    Settings(retention_months=12).save(paths.settings_file())
    code, text = run("--apply", "--yes")
    assert code == 0 and "2 case(s) reduced" in text
    code, text = run("--apply", "--yes")
    assert code == 0 and "0 closed case(s)" in text
    log = (paths.log_dir() / "vertrouwd.log").read_text(encoding="utf-8")
    assert "KANARIE" not in log and "retention reduced 2 cases" in log


def test_settings_accept_retention_months_with_a_type_check(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert Settings.load(path).retention_months == 0  # default: off
    for raw, expected in [(24, 24), ("24", 0), (True, 0), (24.0, 0), (-5, 0), (10**6, 600),
                          (None, 0)]:
        path.write_text(json.dumps({"retention_months": raw}), encoding="utf-8")
        assert Settings.load(path).retention_months == expected, raw


def test_months_before_clamps_to_the_end_of_a_shorter_month() -> None:
    assert retention.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert retention.months_before(dt.date(2026, 11, 23), 12) == dt.date(2025, 11, 23)
    assert retention.months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)
    with pytest.raises(ValidationError):
        retention.check_months(True)
    assert sqlite3.sqlite_version  # the plaintext twin needs no extra library


def test_the_cut_off_day_itself_is_kept(register: Register, tmp_path: Path) -> None:
    """Mutation check (issue 21): B closed on 2025-08-10. Twelve months before 2026-08-10 is
    that very day: B is not old enough yet; a day later it is. A cut-off one day earlier, or
    `<=` for `<`, fails here."""
    ids = populate(CaseService(register, today=lambda: TODAY))
    export_and_receive(register, tmp_path / "out")
    on_the_day = retention.plan_retention(register, dt.date(2026, 8, 10), MONTHS)
    assert on_the_day.cutoff == dt.date(2025, 8, 10)
    assert ids["B"] not in on_the_day.case_ids and ids["A"] in on_the_day.case_ids
    day_after = retention.plan_retention(register, dt.date(2026, 8, 11), MONTHS)
    assert ids["B"] in day_after.case_ids
