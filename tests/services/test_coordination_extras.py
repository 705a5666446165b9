"""Issue 14's additions to the coordinator's work: nicknames that stay in the register,
receipts written again byte for byte, and a coordinator-VP's own export history."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from app import owner_only
from app.errors import AppError, RosterError, ValidationError
from app.export.measures import Measures
from app.models.periods import Quarter
from app.services.confidant import exporting
from app.services.confidant.cases import CaseService
from app.services.coordination import forwarding, merging, receipts, roster
from app.services.coordination.importing import apply_import, plan_import
from app.services.coordination.period_plan import publish_report
from app.services.storage import vault
from app.services.storage.vault import Register
from tests.conftest import PASSPHRASE

from .coordination_helpers import QUARTER, TODAY, enrol, new_sender, vp_file, write

ON_TIME = dt.datetime(2026, 10, 10, 9, 30)
NICKNAME = "Jan van de Zevende"
BUSY = Measures(cases_new=6, cases_closed=2, cases_open_end=4, contacts_first=6,
                contacts_followup=3, minutes_contacts=300, topics={"pesten": 6},
                modes={"telefoon": 9}, outcomes={"handvatten": 2})


def _senders(coordinator: Register, tmp_path: Path) -> list[Path]:
    vps = [new_sender(f"CLAS-NICK{i}") for i in range(3)]
    enrol(coordinator, *vps)
    return [write(tmp_path / "in", f"{v.code}.json", vp_file(v, BUSY)) for v in vps]


def test_a_nickname_is_kept_tidied_and_removed(coordinator: Register, tmp_path: Path) -> None:
    _senders(coordinator, tmp_path)
    member = roster.set_nickname(coordinator, "CLAS-NICK0", f"  {NICKNAME}\t ")
    assert member.nickname == NICKNAME
    assert roster.nicknames(coordinator) == {"CLAS-NICK0": NICKNAME}
    member = next(m for m in roster.list_members(coordinator) if m.code == "CLAS-NICK0")
    assert member.nickname == NICKNAME
    assert roster.deactivate(coordinator, "CLAS-NICK0", until=TODAY).nickname == NICKNAME
    with pytest.raises(ValidationError):
        roster.set_nickname(coordinator, "CLAS-NICK0", "x" * 41)
    with pytest.raises(ValidationError):
        roster.set_nickname(coordinator, "CLAS-NICK0", "twee\nregels")
    with pytest.raises(RosterError):
        roster.set_nickname(coordinator, "CLAS-ONBEKEND", "wie")
    roster.set_nickname(coordinator, "CLAS-NICK0", "")
    assert roster.nicknames(coordinator) == {}


def test_a_nickname_never_leaves_the_register(coordinator: Register, tmp_path: Path) -> None:
    """Not in the forwarded file, not in a report (PDF or CSV), not in a card or receipt."""
    paths = _senders(coordinator, tmp_path)
    apply_import(coordinator, plan_import(coordinator, paths, TODAY), now=ON_TIME,
                 receipts_dir=tmp_path / "receipts")
    for i in range(3):
        roster.set_nickname(coordinator, f"CLAS-NICK{i}", f"{NICKNAME} {i}")
    out = tmp_path / "out"
    forwarding.forward(coordinator, QUARTER, out)
    publish_report(coordinator, 2026, QUARTER, "csv", out / "report.csv", "nl", 5)
    publish_report(coordinator, 2026, QUARTER, "pdf", out / "report.pdf", "nl", 5)
    exporting.write_own_card(coordinator, out / "card.json")
    for sha in [f.sha256 for f in receipts.imported_files(coordinator)]:
        receipts.reissue_receipt(coordinator, sha, out)
    written = sorted(p for p in out.rglob("*") if p.is_file())
    assert len(written) == 7
    for path in written:
        data = path.read_bytes()
        assert b"Zevende" not in data and "Zevende".encode("utf-16-be") not in data, path


def test_a_receipt_written_again_is_the_receipt_of_the_import(
        coordinator: Register, tmp_path: Path) -> None:
    paths = _senders(coordinator, tmp_path)
    result = apply_import(coordinator, plan_import(coordinator, paths, TODAY), now=ON_TIME,
                          receipts_dir=tmp_path / "receipts")
    assert len(result.receipts) == 3
    files = receipts.imported_files(coordinator, QUARTER)
    assert {f.sender_code for f in files} == {"CLAS-NICK0", "CLAS-NICK1", "CLAS-NICK2"}
    again = tmp_path / "again"
    for f in files:
        path = receipts.reissue_receipt(coordinator, f.sha256, again)
        original = tmp_path / "receipts" / path.name
        assert original.exists(), path.name  # the same name as the import gave it
        assert path.read_bytes() == original.read_bytes()  # and the same bytes
        assert owner_only.is_owner_only(path), path  # readable by the coordinator only
        before = original.read_bytes()
        # Into the folder the import wrote to: the same receipt is there and stays as it was.
        assert receipts.reissue_receipt(coordinator, f.sha256, original.parent) == original
        assert original.read_bytes() == before
    assert receipts.imported_files(coordinator, "2025-Q1") == []
    with pytest.raises(AppError):
        receipts.reissue_receipt(coordinator, "0" * 64, again)


def test_a_coordinator_vp_sees_only_their_own_files_in_the_export_history(
        tmp_path: Path) -> None:
    both, _code = vault.create_register(tmp_path / "both", PASSPHRASE,
                                        roles=("vp", "coordinator"), component="CLAS")
    try:
        service = CaseService(both, today=lambda: TODAY)
        service.open_case(on=dt.date(2026, 8, 3), minutes=60, mode="video", topics=["pesten"])
        own = exporting.export_quarter(both, Quarter.parse(QUARTER), tmp_path / "own",
                                       today=TODAY)
        paths = _senders(both, tmp_path)
        apply_import(both, plan_import(both, paths, TODAY), now=ON_TIME)
        forwarded = forwarding.forward(both, QUARTER, tmp_path / "forwarded")
        history = exporting.history(both)
        assert [(h.quarter, h.file_name) for h in history] == [(QUARTER, own.path.name)]
        assert forwarded.path.name not in [h.file_name for h in history]
        assert merging.completeness(both, [QUARTER]).counts[QUARTER].received == 3
    finally:
        both.close()
        shutil.rmtree(tmp_path / "both", ignore_errors=True)
