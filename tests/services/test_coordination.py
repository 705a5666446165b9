"""Roster, import, merge, completeness and forwarding on real SQLCipher registers."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import RosterError
from app.export import crypto, interchange
from app.export.measures import Measures, merge_all
from app.export.receipts import read_receipt
from app.i18n import _
from app.models.entities import Recipient, RosterEntry, Submission
from app.models.periods import Quarter
from app.services.coordination import forwarding, merging, roster
from app.services.coordination.importing import (
    ImportStatus,
    OverlapChoice,
    apply_import,
    plan_import,
)
from app.services.storage.vault import Register

from .coordination_helpers import (
    QUARTER,
    TODAY,
    enrol,
    merged_file,
    new_sender,
    random_measures,
    vp_file,
    write,
)

ON_TIME = dt.datetime(2026, 10, 5, 12, 0)
M1 = Measures(cases_new=2, cases_open_end=2, contacts_first=2, minutes_contacts=90,
              topics={"pesten": 2}, modes={"telefoon": 2})
M2 = Measures(cases_new=1, cases_open_end=1, contacts_first=1, minutes_contacts=30,
              topics={"stalking": 1}, modes={"persoonlijk": 1})


def _import(reg: Register, paths: list[Path], choices=None, receipts: Path | None = None):  # type: ignore[no-untyped-def]
    plan = plan_import(reg, paths, TODAY)
    return plan, apply_import(reg, plan, choices, receipts_dir=receipts, now=ON_TIME)


def test_roster_refuses_other_component_duplicates_and_own_card(coordinator: Register) -> None:
    a = new_sender("CLAS-AAAAA")
    enrol(coordinator, a)
    with pytest.raises(RosterError) as info:
        enrol(coordinator, a)
    assert "al in de" in info.value.message or "CLAS-AAAAA" in info.value.message
    with pytest.raises(RosterError, match="CZSK"):
        enrol(coordinator, new_sender("CZSK-BBBBB", "CZSK"))
    roster.deactivate(coordinator, "CLAS-AAAAA", until=dt.date(2026, 6, 30))
    members = roster.list_members(coordinator)
    assert [(m.code, m.active_until) for m in members] == [("CLAS-AAAAA", dt.date(2026, 6, 30))]
    assert roster.expected_for(members, Quarter(2026, 3), central=False) == []
    roster.reactivate(coordinator, "CLAS-AAAAA")
    assert len(roster.expected_for(roster.list_members(coordinator), Quarter(2026, 3),
                                   central=False)) == 1


def test_central_enrols_coordinators_of_any_component(central: Register) -> None:
    enrol(central, new_sender("CZSK-CVP01", "CZSK", "coordinator"),
          new_sender("CLAS-CVP01", "CLAS", "coordinator"))
    with pytest.raises(RosterError):
        enrol(central, new_sender("CLAS-VP001", "CLAS", "vp"))


def test_import_new_then_same_file_again_is_a_no_op(coordinator: Register, tmp_path: Path) -> None:
    a, b = new_sender("CLAS-AAAAA"), new_sender("CLAS-BBBBB")
    enrol(coordinator, a, b)
    fa = write(tmp_path / "in", "a.json", vp_file(a, M1))
    fb = write(tmp_path / "in", "b.json", vp_file(b, Measures()))
    plan, result = _import(coordinator, [tmp_path / "in"], receipts=tmp_path / "receipts")
    assert [i.status for i in plan.items] == [ImportStatus.NEW, ImportStatus.NEW]
    assert (result.added, result.refused) == (2, 0) and len(result.receipts) == 2
    profile = coordinator.profile()
    assert profile is not None
    receipt = read_receipt(result.receipts[0].read_bytes(), profile.signing_public_key)
    assert receipt.sender_code == "CLAS-AAAAA"
    assert merging.quarter_table(coordinator, QUARTER).measures == M1
    again, result2 = _import(coordinator, [fa, fb])
    assert {i.status for i in again.items} == {ImportStatus.ALREADY_IMPORTED}
    assert again.items[0].reason.startswith(_("Already imported on {date}; nothing changes.")[:10])
    assert result2.added == 0 and merging.quarter_table(coordinator, QUARTER).measures == M1


def test_new_revision_replaces_and_conflicting_revision_is_refused(
        coordinator: Register, tmp_path: Path) -> None:
    a = new_sender("CLAS-AAAAA")
    enrol(coordinator, a)
    sid = "0b7a1a4e-5d5c-4a38-9b6b-1f1c2a3d4e5f"
    _import(coordinator, [write(tmp_path, "r1.json", vp_file(a, M1, submission_id=sid))])
    plan, _result = _import(coordinator, [write(tmp_path, "r2.json",
                                               vp_file(a, M2, revision=2, supersedes=sid))])
    assert plan.items[0].status == ImportStatus.REPLACES and plan.items[0].replaces_revision == 1
    assert merging.quarter_table(coordinator, QUARTER).measures == M2  # not M1 + M2
    with coordinator.session() as s:
        rows = s.scalars(select(Submission).order_by(Submission.revision)).all()
        assert [r.revision for r in rows] == [1, 2] and rows[0].superseded_by_id == rows[1].id
    conflict, _ = _import(coordinator, [write(tmp_path, "r2b.json",
                                              vp_file(a, M1, revision=2, supersedes=sid))])
    assert conflict.items[0].status == ImportStatus.REFUSED
    assert "revisie 2" in conflict.items[0].reason or "revision 2" in conflict.items[0].reason
    cells = merging.completeness(coordinator, [QUARTER])
    assert cells.cell("CLAS-AAAAA", QUARTER).labels == ("reported", "replaced")


def test_vp_file_direct_and_inside_merged_file_counts_once(
        coordinator: Register, tmp_path: Path) -> None:
    a, b, c = (new_sender(f"CLAS-{x * 5}") for x in "ABC")
    acvp = new_sender("CLAS-ACVP1", role="coordinator")
    enrol(coordinator, a, b, c, acvp)
    fa, fb, fc = vp_file(a, M1), vp_file(b, M2), vp_file(c, Measures())
    merged = merged_file(acvp, [fa, fb])
    _import(coordinator, [write(tmp_path, "a.json", fa), write(tmp_path, "c.json", fc)])
    plan, _ = _import(coordinator, [write(tmp_path, "m.json", merged),
                                    write(tmp_path, "b.json", fb)])
    assert {i.status for i in plan.items} == {ImportStatus.NEW}
    table = merging.quarter_table(coordinator, QUARTER)
    assert table.measures == merge_all([M1, M2])
    grid = merging.completeness(coordinator, [QUARTER])
    assert grid.cell("CLAS-AAAAA", QUARTER).via == "CLAS-ACVP1"
    assert grid.cell("CLAS-CCCCC", QUARTER).status == "nil"
    counts = grid.counts[QUARTER]
    assert (counts.expected, counts.received, counts.nil, counts.missing) == (3, 3, 1, 0)


def test_overlapping_merged_files_are_a_conflict_and_the_choice_counts(
        coordinator: Register, tmp_path: Path) -> None:
    a, b, c = (new_sender(f"CLAS-{x * 5}") for x in "ABC")
    acvp1 = new_sender("CLAS-ACVP1", role="coordinator")
    acvp2 = new_sender("CLAS-ACVP2", role="coordinator")
    enrol(coordinator, a, b, c, acvp1, acvp2)
    fa, fb, fc = vp_file(a, M1), vp_file(b, M2), vp_file(c, M1)
    m1, m2 = merged_file(acvp1, [fa, fb]), merged_file(acvp2, [fb, fc])
    _import(coordinator, [write(tmp_path, "m1.json", m1)])
    plan = plan_import(coordinator, [write(tmp_path, "m2.json", m2)], TODAY)
    item = plan.items[0]
    assert item.status == ImportStatus.OVERLAP
    assert "CLAS-ACVP1" in item.reason and "CLAS-BBBBB" in item.reason and QUARTER in item.reason
    assert item.overlaps[0].senders == ("CLAS-BBBBB",)
    apply_import(coordinator, plan, now=ON_TIME)  # no choice: kept aside, nothing double counted
    assert merging.quarter_table(coordinator, QUARTER).measures == merge_all([M1, M2])
    # the coordinator chooses the second file after all (a fresh plan of a new revision)
    plan = plan_import(coordinator, [write(tmp_path, "m2r2.json", merged_file(
        acvp2, [fb, fc], revision=2,
        supersedes=interchange.read_file(m2, today=TODAY).submission_id))], TODAY)
    assert plan.items[0].status == ImportStatus.OVERLAP
    apply_import(coordinator, plan, {plan.items[0].key: OverlapChoice.USE_THIS},  # type: ignore[dict-item]
                 now=ON_TIME)
    table = merging.quarter_table(coordinator, QUARTER)
    assert table.measures == merge_all([M2, M1]) and [f.sender_code for f in table.counted] == [
        "CLAS-ACVP2"]


def test_refusals_name_the_reason(coordinator: Register, tmp_path: Path) -> None:
    a = new_sender("CLAS-AAAAA")
    stranger = new_sender("CLAS-ZZZZZ")
    navy = new_sender("CZSK-NNNNN", "CZSK")
    enrol(coordinator, a)
    plan = plan_import(coordinator, [
        write(tmp_path, "x.json", vp_file(stranger, M1)),
        write(tmp_path, "y.json", vp_file(a, M1, quarter="2026-Q2")),
        write(tmp_path, "big.json", b"{" + b" " * (1024 * 1024 + 1)),
    ], TODAY)
    reasons = [i.reason for i in plan.items]
    assert all(i.status == ImportStatus.REFUSED for i in plan.items[::2])
    assert crypto.fingerprint_groups(stranger.key.public_key) in reasons[0]
    assert "1048576" in reasons[2]
    # a VP of another component cannot be on the roster, so its file is refused as unknown
    plan = plan_import(coordinator, [write(tmp_path, "n.json", vp_file(navy, M1))], TODAY)
    assert plan.items[0].status == ImportStatus.REFUSED


def test_forward_component_then_central_tables_equal_the_sums(
        coordinator: Register, central: Register, tmp_path: Path) -> None:
    rng = random.Random(7)
    vps = [new_sender(f"CLAS-V{i:04d}") for i in range(20)]
    enrol(coordinator, *vps)
    measures = [random_measures(rng) for _ in vps]
    paths = [write(tmp_path / "in", f"{i}.json", vp_file(v, m)) for i, (v, m) in
             enumerate(zip(vps, measures, strict=True))]
    _import(coordinator, paths)
    first = forwarding.forward(coordinator, QUARTER, tmp_path / "out")
    assert first.unsealed_warning and first.revision == 1 and len(first.sources) == 20
    coordinator_code = coordinator.profile().code  # type: ignore[union-attr]
    assert first.path.name == f"vertrouwd-component-{coordinator_code}-2026-Q3-r1.json"
    # the central card becomes known: the next forward is sealed and revision 2
    central_profile = central.profile()
    coord_profile = coordinator.profile()
    assert central_profile is not None and coord_profile is not None
    with coordinator.session() as s:
        s.add(Recipient(code=central_profile.code, component="DEFENSIE", role="central",
                        signing_public_key=central_profile.signing_public_key,
                        sealing_public_key=central_profile.sealing_public_key,
                        fingerprint="f" * 64))
    second = forwarding.forward(coordinator, QUARTER, tmp_path / "out")
    assert second.sealed and second.revision == 2 and second.supersedes == first.submission_id
    from app.export.cards import write_card
    roster.add_card(central, write_card(
        code=coord_profile.code, component="CLAS", role="coordinator",
        signing_private_key=coord_profile.signing_private_key,
        sealing_public_key=coord_profile.sealing_public_key,
        created_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC)), today=TODAY,
        active_from=dt.date(2026, 1, 1))
    plan, _result = _import(central, [first.path, second.path])
    assert [i.status for i in plan.items] == [ImportStatus.NEW, ImportStatus.REPLACES]
    table = merging.quarter_table(central, QUARTER)
    assert table.measures == merge_all(measures)
    assert table.by_component == {"CLAS": merge_all(measures)}
    assert merging.year_table(central, 2026).measures.cases_new == merge_all(measures).cases_new
    defence = forwarding.forward(central, QUARTER, tmp_path / "defence")
    assert defence.level == "defence" and defence.measures == merge_all(measures)
    grid = merging.completeness(central, [QUARTER])
    assert grid.cell(coord_profile.code, QUARTER).labels == ("reported", "replaced")
    assert grid.counts[QUARTER].vp_reporting is not None
    assert len(grid.counts[QUARTER].vp_reporting.received) == 20


def test_folder_of_sealed_vp_files_imports_and_merges_to_their_sum(
        coordinator: Register, tmp_path: Path) -> None:
    """A folder of files sealed to the coordinator: each is unsealed, verified and counted once.
    (The same at 1,000 files, timed against reading them alone, is `make bench`: "import +
    merge of 1,000 VP files".)"""
    rng = random.Random(1000)
    vps = [new_sender(f"CLAS-P{i:04d}") for i in range(25)]
    enrol(coordinator, *vps)
    profile = coordinator.profile()
    assert profile is not None
    measures = [random_measures(rng) for _ in vps]
    folder = tmp_path / "in"
    for i, (v, m) in enumerate(zip(vps, measures, strict=True)):
        write(folder, f"{i:04d}.json", vp_file(v, m, seal_to=profile.sealing_public_key))
    plan, result = _import(coordinator, [folder])
    assert plan.count(ImportStatus.NEW) == len(vps) and (result.added, result.refused) == (25, 0)
    table = merging.quarter_table(coordinator, QUARTER)
    assert table.measures == merge_all(measures)
    assert sorted(f.sender_code for f in table.counted) == [v.code for v in vps]


def test_late_and_missing_in_completeness(coordinator: Register, tmp_path: Path) -> None:
    a, b = new_sender("CLAS-AAAAA"), new_sender("CLAS-BBBBB")
    enrol(coordinator, a, b)
    with coordinator.session() as s:  # enrolled in January: Q2's deadline passed on their watch
        for entry in s.scalars(select(RosterEntry)):
            entry.enrolled_at = dt.datetime(2026, 1, 5)
    plan = plan_import(coordinator, [write(tmp_path, "a.json", vp_file(a, M1, "2026-Q2"))], TODAY)
    apply_import(coordinator, plan, now=dt.datetime(2026, 8, 15))  # Q2 ends 30 June: +46 days
    grid = merging.completeness(coordinator, ["2026-Q2"])
    assert grid.cell("CLAS-AAAAA", "2026-Q2").labels == ("reported", "late")
    assert grid.cell("CLAS-BBBBB", "2026-Q2").status == "missing"
    assert grid.counts["2026-Q2"].missing == 1


def test_year_table_takes_open_cases_from_q4(coordinator: Register, tmp_path: Path) -> None:
    a = new_sender("CLAS-AAAAA")
    enrol(coordinator, a)
    q3 = Measures(cases_new=2, cases_open_end=2, contacts_first=2, minutes_contacts=60,
                  modes={"telefoon": 2})
    q2 = Measures(cases_new=1, cases_open_end=1, contacts_first=1, minutes_contacts=30,
                  modes={"telefoon": 1})
    _import(coordinator, [write(tmp_path, "2.json", vp_file(a, q2, "2026-Q2")),
                          write(tmp_path, "3.json", vp_file(a, q3, "2026-Q3"))])
    year = merging.year_table(coordinator, 2026)
    assert year.measures.cases_new == 3 and year.measures.cases_open_end == 0  # no Q4 yet
    assert not year.mixed_codelists


def test_cli_roster_import_completeness_forward(coordinator_dir: Path, tmp_path: Path) -> None:
    import io

    from app import cli
    from tests.conftest import PASSPHRASE

    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE)
    base = ["--register", str(coordinator_dir), "--passphrase-file", str(secret)]
    a = new_sender("CLAS-AAAAA")
    card = write(tmp_path, "card.json", a.card())
    out = io.StringIO()
    assert cli.main(base + ["roster-add", str(card)], out=out) == 0
    good = write(tmp_path / "in", "a.json", vp_file(a, M1))
    write(tmp_path / "in", "bad.json", b"")
    out = io.StringIO()
    assert cli.main(base + ["import", str(tmp_path / "in"), "--dry-run"], out=out) == 2
    assert "refused" in out.getvalue() and "new" in out.getvalue()
    assert cli.main(base + ["import", str(good), "--receipts", str(tmp_path / "r")], out=out) == 0
    out = io.StringIO()
    assert cli.main(base + ["completeness", "--quarter", QUARTER], out=out) == 0
    assert "CLAS-AAAAA" in out.getvalue()
    assert cli.main(base + ["forward", "--quarter", QUARTER, "--out", str(tmp_path / "o")],
                    out=out) == 0
    assert list((tmp_path / "o").iterdir())
