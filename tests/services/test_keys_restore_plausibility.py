"""Issue 20, items 6, 7 and 8: a swapped coordinator key, a restore before an export (and two
copies of one register), and received figures no register can hold.

Real registers on both sides (a confidant's and a coordinator's), driven through the command
line as a user would, with the services where the clock is injected.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app import cli, errors
from app.export import crypto
from app.export.measures import (
    Measures,
    implausibilities,
    quarter_minutes,
    stock_flow,
)
from app.i18n import _, translator
from app.models.periods import Quarter
from app.services.confidant import coordinator_link, exporting
from app.services.coordination.importing import ImportStatus, apply_import, plan_import
from app.services.storage import vault
from tests.conftest import PASSPHRASE, snapshot

from .coordination_helpers import TODAY, enrol, new_sender, vp_file, write
from .hostile_corpus import recipient_card_of

EN = translator("en")
M = Measures(cases_new=2, cases_closed=1, cases_open_end=1, contacts_first=2,
             contacts_followup=1, minutes_contacts=105, topics={"pesten": 2},
             outcomes={"doorverwezen": 1}, modes={"telefoon": 3})


def _cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--lang", "en", *args], out=out, err=err)
    return code, out.getvalue() + err.getvalue()


def _fixed(msgid: str, t: Callable[[str], str] = EN._) -> list[str]:
    """The fixed parts of a sentence (in English, or as ``t`` translates it), between its
    placeholders, without the consequence a batch line leaves off."""
    text = t(msgid).removesuffix(" " + t(errors.NOTHING_IMPORTED))
    return [p for p in re.split(r"\{[a-z_]*\}", text) if len(p.strip()) > 3]


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_text(PASSPHRASE, encoding="utf-8")
    return path


# --- item 6: a changed key for a known coordinator code ------------------------------------
def test_a_swapped_coordinator_key_is_refused_unless_replaced(tmp_path: Path,
                                                              secret: Path) -> None:
    folder = tmp_path / "confidant"
    vault.create_register(folder, PASSPHRASE, component="CLAS")[0].close()
    genuine, impostor = new_sender("CLAS-ACVP1", role="coordinator"), new_sender(
        "CLAS-ACVP1", role="coordinator")
    good = write(tmp_path, "genuine.json", recipient_card_of(genuine))
    bad = write(tmp_path, "swapped.json", recipient_card_of(impostor))
    on = ["--register", str(folder), "--passphrase-file", str(secret)]
    old_fp = crypto.fingerprint_groups(genuine.key.public_key)
    new_fp = crypto.fingerprint_groups(impostor.key.public_key)

    code, text = _cli(*on, "card-import", str(good))
    assert code == 0 and old_fp in text

    before = snapshot(folder)
    code, text = _cli(*on, "card-import", str(bad))
    assert code == 2, text
    assert old_fp in text and new_fp in text and "--replace" in text
    assert "Traceback" not in text
    assert snapshot(folder) == before  # nothing changed: files stay sealed to the old key
    reg = vault.unlock(folder, PASSPHRASE)
    try:
        assert coordinator_link.recipient_card(reg).signing_public_key == genuine.key.public_key  # type: ignore[union-attr]
    finally:
        reg.close()

    # The same code spelled otherwise is the same coordinator.
    lower = new_sender("clas-acvp1", role="coordinator")
    code, text = _cli(*on, "card-import", str(write(tmp_path, "lower.json",
                                                    recipient_card_of(lower))))
    assert code == 2 and old_fp in text and snapshot(folder) == before

    code, text = _cli(*on, "card-import", "--replace", str(bad))
    assert code == 0, text
    assert f"Old fingerprint: {old_fp}" in text and f"New fingerprint: {new_fp}" in text
    reg = vault.unlock(folder, PASSPHRASE)
    try:
        assert coordinator_link.recipient_card(reg).signing_public_key == impostor.key.public_key  # type: ignore[union-attr]
        # Going back to the old key is a change of key too.
        with pytest.raises(errors.CoordinatorKeyChanged) as info:
            coordinator_link.import_recipient_card(reg, good)
        assert new_fp in info.value.message and old_fp in info.value.message
        # The same card again, and another coordinator's code, are no key change.
        coordinator_link.import_recipient_card(reg, bad)
        other = new_sender("CLAS-ACVP2", role="coordinator")
        card = coordinator_link.import_recipient_card(
            reg, write(tmp_path, "other.json", recipient_card_of(other)))
        assert coordinator_link.recipient_card(reg).fingerprint == card.fingerprint  # type: ignore[union-attr]
    finally:
        reg.close()


# --- item 7: a restore before an export, two copies of one register ------------------------
CSV = ("type;casus;datum;minuten;wijze;onderwerpen;gronden;afgesloten_op;uitkomst;activiteit;"
       "memo\ncontact;A;2026-08-03;60;telefoon;pesten;;;;;\n")


def _pair(tmp_path: Path, secret: Path) -> tuple[list[str], list[str]]:
    """A confidant enrolled with a coordinator and the coordinator's card imported, with a
    case in 2026-Q3: the options to run a command on either register."""
    confidant, coordinator = tmp_path / "confidant", tmp_path / "coordinator"
    vault.create_register(confidant, PASSPHRASE, component="CLAS")[0].close()
    vault.create_register(coordinator, PASSPHRASE, roles=("coordinator",),
                          component="CLAS")[0].close()
    vp = ["--register", str(confidant), "--passphrase-file", str(secret)]
    co = ["--register", str(coordinator), "--passphrase-file", str(secret)]
    assert _cli(*vp, "card", "--out", str(tmp_path / "vp-card.json"))[0] == 0
    assert _cli(*co, "roster-add", str(tmp_path / "vp-card.json"))[0] == 0
    assert _cli(*co, "card", "--out", str(tmp_path / "co-card.json"))[0] == 0
    assert _cli(*vp, "card-import", str(tmp_path / "co-card.json"))[0] == 0
    csv = tmp_path / "cases.csv"
    csv.write_text(CSV, encoding="utf-8")
    code, text = _cli(*vp, "import-csv", str(csv))
    assert code == 0, text
    return vp, co


def _export(vp: list[str], out: Path, revision: int) -> Path:
    code, text = _cli(*vp, "export", "--quarter", "2026-Q3", "--out", str(out))
    assert code == 0, text
    assert f"Quarter 2026-Q3, revision {revision}" in text, text
    (path,) = out.glob(f"*-r{revision}.json")
    return path


def test_restore_before_an_export_continues_after_the_receipt(tmp_path: Path,
                                                               secret: Path) -> None:
    """The issue's scenario: a backup, an export that reaches the coordinator, the backup
    restored; then the next export (revision 1 again) is refused at the coordinator with what
    to do, the receipt of the file actually sent teaches the register, and the exports after
    it are accepted: revision 2 replaces the file the coordinator has, revision 3 follows."""
    vp, co = _pair(tmp_path, secret)
    confidant, coordinator = Path(vp[1]), Path(co[1])
    code, text = _cli(*vp, "backup", "--out", str(tmp_path / "backups"))
    assert code == 0, text
    (backup,) = (tmp_path / "backups").iterdir()
    sent = _export(vp, tmp_path / "stick1", 1)
    receipts = tmp_path / "receipts"
    code, text = _cli(*co, "import", "--receipts", str(receipts), str(sent))
    assert code == 0 and "Imported 1 new and 0 replacing files" in text, text
    (receipt,) = receipts.iterdir()

    code, text = _cli(*vp, "restore", str(backup))
    assert code == 0, text
    reg = vault.unlock(confidant, PASSPHRASE)
    try:
        assert exporting.history(reg) == []  # the backup is older than the export
    finally:
        reg.close()

    # Revision 1 again: the coordinator refuses it and says what to do.
    again = _export(vp, tmp_path / "stick2", 1)
    before = snapshot(coordinator)
    code, text = _cli(*co, "import", str(again))
    assert code == 2 and "your receipt for the file you have" in text, text
    assert snapshot(coordinator) == before

    # The receipt of the file actually sent teaches the register what was sent.
    code, text = _cli(*vp, "receipt-import", str(receipt))
    assert code == 0, text
    assert "revision 1 was received" in text and "had no record of that file" in text
    reg = vault.unlock(confidant, PASSPHRASE)
    try:
        rows = sorted((r.revision, r.received_at is not None) for r in exporting.history(reg))
    finally:
        reg.close()
    assert rows == [(1, False), (1, True)]  # the one written again, and the one sent

    # Revisions stay monotonic: 2 replaces what the coordinator has, and 3 follows.
    code, text = _cli(*co, "import", "--receipts", str(receipts),
                      str(_export(vp, tmp_path / "stick3", 2)))
    assert code == 0 and "Imported 0 new and 1 replacing files" in text, text
    code, text = _cli(*co, "import", str(_export(vp, tmp_path / "stick4", 3)))
    assert code == 0 and "Imported 0 new and 1 replacing files" in text, text

    # The same receipt again changes nothing new; it matches the record it taught.
    code, text = _cli(*vp, "receipt-import", str(receipt))
    assert code == 0 and "had no record" not in text


def test_two_copies_of_one_register_continue_after_the_receipt(tmp_path: Path,
                                                               secret: Path) -> None:
    """Laptop and stick: the laptop exports, the stick learns it from the receipt and exports
    the next revision, which the coordinator accepts; the laptop then learns that one."""
    vp, co = _pair(tmp_path, secret)
    stick = tmp_path / "stick-copy"
    shutil.copytree(Path(vp[1]), stick)
    vp_stick = ["--register", str(stick), *vp[2:]]
    receipts = tmp_path / "receipts"
    code, text = _cli(*co, "import", "--receipts", str(receipts),
                      str(_export(vp, tmp_path / "out1", 1)))
    assert code == 0, text
    (first,) = receipts.iterdir()
    code, text = _cli(*vp_stick, "receipt-import", str(first))
    assert code == 0 and "had no record of that file" in text, text
    code, text = _cli(*co, "import", "--receipts", str(receipts),
                      str(_export(vp_stick, tmp_path / "out2", 2)))
    assert code == 0 and "Imported 0 new and 1 replacing files" in text, text
    (second,) = set(receipts.iterdir()) - {first}
    code, text = _cli(*vp, "receipt-import", str(second))
    assert code == 0 and "revision 2 was received" in text, text
    code, text = _cli(*co, "import", str(_export(vp, tmp_path / "out3", 3)))
    assert code == 0 and "Imported 0 new and 1 replacing files" in text, text


def test_a_receipt_for_another_sender_or_contradicting_the_record_changes_nothing(
        tmp_path: Path, secret: Path) -> None:
    from app.export import receipts as receipt_files

    folder = tmp_path / "confidant"
    reg, _ = vault.create_register(folder, PASSPHRASE, component="CLAS")
    coordinator = new_sender("CLAS-RCVR1", role="coordinator")
    try:
        exported = exporting.export_quarter(reg, Quarter(2026, 3), tmp_path / "out", today=TODAY)
        coordinator_link.keep_recipient_card(reg, coordinator_link.check_recipient_card(
            reg, recipient_card_of(coordinator)))
        own = reg.profile().code  # type: ignore[union-attr]
    finally:
        reg.close()

    def receipt(**fields: object) -> Path:
        values: dict[str, object] = dict(
            submission_id=exported.submission_id, revision=1, sha256=exported.sha256,
            period="2026-Q3", sender_code=own)
        values.update(fields)
        data = receipt_files.write_receipt_for(
            **values, receiver_code=coordinator.code,  # type: ignore[arg-type]
            received_at=dt.datetime(2026, 10, 3, tzinfo=dt.UTC),
            signing_private_key=coordinator.key.private_key)
        return write(tmp_path / "receipts", f"{len(fields)}-{sorted(fields)}.json", data)

    before = snapshot(folder)
    for path, expected in [(receipt(sender_code="CLAS-ANDER"), errors.ReceiptOtherSender),
                           (receipt(revision=2), errors.ReceiptContradicts),
                           (receipt(sha256="0" * 64), errors.ReceiptContradicts)]:
        code, text = _cli("--register", str(folder), "--passphrase-file", str(secret),
                          "receipt-import", str(path))
        assert code == 2 and all(p in text for p in _fixed(expected.default_message)), text
        assert snapshot(folder) == before


# --- item 8: received figures no register can hold ------------------------------------------
def test_the_plausibility_bounds_live_in_the_measure_catalogue() -> None:
    q1, q3 = Quarter(2027, 1), Quarter(2026, 3)
    assert quarter_minutes(q1) == 90 * 1440 and quarter_minutes(q3) == 92 * 1440 < 133_000
    assert implausibilities(M, q3, TODAY) == []
    assert [p[0] for p in implausibilities(M, q1, TODAY)] == [errors.BOUND_QUARTER_NOT_BEGUN]
    assert implausibilities(M, q1, q1.start) == []  # a quarter begun today may be reported on
    busy = Measures(minutes_activities={"voorlichting": 92 * 1440})
    assert implausibilities(busy, q3, TODAY) == []
    busier = Measures(minutes_activities={"voorlichting": 92 * 1440 - 10, "reistijd": 11})
    assert [p[0] for p in implausibilities(busier, q3, TODAY)] == [errors.BOUND_ACTIVITY_MINUTES]
    assert implausibilities(busier, q3, TODAY, reporters=2) == []  # a merged file of two
    assert stock_flow(0, M) is None  # closes 1 of 2 new
    closing = Measures(cases_new=2, cases_closed=5000, cases_open_end=1)
    problem = stock_flow(0, closing)
    assert problem is not None and problem[0] == errors.BOUND_STOCK_FLOW
    assert problem[1]["most"] == 2
    assert stock_flow(4998, closing) is None


def test_implausible_files_are_refused_with_the_clock_injected(coordinator_dir: Path,
                                                                tmp_path: Path) -> None:
    """Each file refused with its own sentence, the register byte for byte as before; the same
    files in one batch with the previous quarter's nil return are checked against it."""
    from tests.services.coordination_helpers import vp_payload
    from tests.services.hostile_corpus import _signed

    vp = new_sender("CLAS-AAAAA")
    reg = vault.unlock(coordinator_dir, PASSPHRASE)
    try:
        enrol(reg, vp)
        nil = write(tmp_path, "nil-q2.json", vp_file(vp, Measures(), quarter="2026-Q2"))
        assert apply_import(reg, plan_import(reg, [nil], TODAY)).added == 1
    finally:
        reg.close()
    closing = Measures(cases_new=2, cases_closed=5000, cases_open_end=1, contacts_first=2,
                       minutes_contacts=60, modes={"telefoon": 2})
    busy = Measures(minutes_activities={"voorlichting": 10**8})
    files = {
        "not-begun": (_signed(vp, vp_payload(vp, M, quarter="2027-Q1")),
                      errors.BOUND_QUARTER_NOT_BEGUN),
        "activities": (_signed(vp, vp_payload(vp, busy)), errors.BOUND_ACTIVITY_MINUTES),
        "stock-flow": (_signed(vp, vp_payload(vp, closing)), errors.BOUND_STOCK_FLOW),
    }
    for name, (data, msgid) in files.items():
        path = write(tmp_path / "in", f"{name}.json", data)
        before = snapshot(coordinator_dir)
        reg = vault.unlock(coordinator_dir, PASSPHRASE)
        try:
            plan = plan_import(reg, [path], TODAY)
            result = apply_import(reg, plan)
        finally:
            reg.close()
        (item,) = plan.items
        assert item.status == ImportStatus.REFUSED, name
        assert all(p in item.reason for p in _fixed(msgid, _)), (name, item.reason)
        assert result.added == 0 and snapshot(coordinator_dir) == before, name

    # The same quarter a day after it began is accepted; so are 5,000 closings after a
    # previous quarter that had them open.
    reg = vault.unlock(coordinator_dir, PASSPHRASE)
    try:
        early = write(tmp_path / "ok", "q1.json",
                      _signed(vp, vp_payload(vp, M, quarter="2027-Q1")))
        assert plan_import(reg, [early], dt.date(2027, 1, 1)).items[0].status == ImportStatus.NEW
        other = new_sender("CLAS-BBBBB")
        enrol(reg, other)
        q2 = write(tmp_path / "ok", "b-q2.json", vp_file(other, Measures(
            cases_new=4999, cases_open_end=4999, contacts_first=4999, minutes_contacts=4999,
            modes={"telefoon": 4999}), quarter="2026-Q2"))
        q3 = write(tmp_path / "ok", "b-q3.json", _signed(other, vp_payload(other, closing)))
        plan = plan_import(reg, [q3, q2], TODAY)  # the later quarter first: checked in order
        assert [i.status for i in plan.items] == [ImportStatus.NEW, ImportStatus.NEW], [
            i.reason for i in plan.items]
    finally:
        reg.close()


def test_a_quarter_that_has_not_begun_is_not_exported(tmp_path: Path) -> None:
    """The confidant's side of the same bound: no file the coordinator would refuse, and the
    sentence names the clock."""
    folder = tmp_path / "confidant"
    reg, _none = vault.create_register(folder, PASSPHRASE, component="CLAS")
    try:
        with pytest.raises(errors.AppError) as info:
            exporting.export_quarter(reg, Quarter(2027, 1), tmp_path / "out", today=TODAY)
        assert "2027-Q1" in info.value.message and TODAY.isoformat() in info.value.message
        assert not (tmp_path / "out").exists() and exporting.history(reg) == []
        done = exporting.export_quarter(reg, Quarter(2027, 1), tmp_path / "out",
                                        today=dt.date(2027, 1, 1),
                                        now=dt.datetime(2027, 1, 1, 8, tzinfo=dt.UTC))
        assert done.revision == 1
    finally:
        reg.close()
