"""One helper issues every revision, for the confidant's export and the coordinator's forwarding
(issue 13, item 12), and no write ever replaces an existing file (issue 12, item 7).

Before: a forwarded revision reused its submission id (so `supersedes` named the file itself),
the export wrote its file before recording it (a failed commit left a file the register did not
know), and a second coordinator forwarding to the same stick replaced the first one's file.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from app import cli
from app.errors import OutputExists
from app.export import interchange
from app.export.measures import Measures
from app.models.periods import Quarter
from app.services.confidant import exporting
from app.services.confidant.cases import CaseService
from app.services.coordination import forwarding, importing
from app.services.storage import vault
from tests.conftest import PASSPHRASE, snapshot

from .coordination_helpers import TODAY, enrol, new_sender, vp_file, write

Q = Quarter(2026, 3)
M = Measures(cases_new=1, cases_open_end=1, contacts_first=1, minutes_contacts=45,
             topics={"pesten": 1}, modes={"telefoon": 1})


def _fill(register: vault.Register) -> None:
    CaseService(register, today=lambda: TODAY).open_case(
        on=dt.date(2026, 8, 3), minutes=45, mode="telefoon", topics=["pesten"])


def _export(register: vault.Register, out: Path) -> exporting.ExportResult:
    return exporting.export_quarter(register, Q, out, today=TODAY)


def _trap_the_commit(register: vault.Register) -> None:
    """Make the next COMMIT that records an export fail, the way a real register can fail at
    the end of a transaction: a deferred foreign key, checked only when committing."""
    conn = register.raw_connection()
    try:
        conn.executescript("""
            CREATE TABLE trap_parent (id INTEGER PRIMARY KEY);
            CREATE TABLE trap (x INTEGER REFERENCES trap_parent (id)
                               DEFERRABLE INITIALLY DEFERRED);
            CREATE TRIGGER trap_export AFTER INSERT ON export_record
            BEGIN INSERT INTO trap VALUES (999); END;
        """)
    finally:
        conn.close()


def test_every_export_revision_has_its_own_id_and_names_the_one_before(
        register: vault.Register, tmp_path: Path) -> None:
    _fill(register)
    first, second = _export(register, tmp_path / "out"), _export(register, tmp_path / "out")
    read = [interchange.read_file(r.path.read_bytes(), today=TODAY) for r in (first, second)]
    assert [r.revision for r in read] == [1, 2]
    assert read[1].submission_id != read[0].submission_id
    assert read[1].payload["supersedes"] == read[0].submission_id
    assert read[0].payload["supersedes"] is None
    code = register.profile().code  # type: ignore[union-attr]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"Vertrouwd-2026-Q3-{code}-r1.json", f"Vertrouwd-2026-Q3-{code}-r2.json"]


def test_a_failed_commit_leaves_no_file_and_no_record(register: vault.Register,
                                                      tmp_path: Path) -> None:
    _fill(register)
    _export(register, tmp_path / "out")
    history = exporting.history(register)
    _trap_the_commit(register)
    with pytest.raises(IntegrityError):
        _export(register, tmp_path / "out")
    assert [p.name for p in (tmp_path / "out").iterdir()] == [history[0].file_name]
    assert exporting.history(register) == history


def test_an_existing_file_is_never_replaced_and_nothing_is_recorded(
        register: vault.Register, tmp_path: Path) -> None:
    """A register restored from an older backup exports revision 2 again: its name is taken
    by the other revision 2 on the stick, which stays as it is."""
    _fill(register)
    out = tmp_path / "out"
    _export(register, out)
    code = register.profile().code  # type: ignore[union-attr]
    taken = out / f"Vertrouwd-2026-Q3-{code}-r2.json"
    taken.write_bytes(b"the other revision 2")
    history = exporting.history(register)
    with pytest.raises(OutputExists) as caught:
        _export(register, out)
    assert str(taken) in caught.value.message
    assert taken.read_bytes() == b"the other revision 2"
    assert exporting.history(register) == history
    assert sorted(p.name for p in out.iterdir()) == sorted([history[0].file_name, taken.name])


def _coordinator(tmp_path: Path, name: str, vps: list[object], quarter_file: Path
                 ) -> vault.Register:
    reg, _ = vault.create_register(tmp_path / name, PASSPHRASE, roles=("coordinator",),
                                   component="CLAS")
    enrol(reg, *vps)  # type: ignore[arg-type]
    importing.apply_import(reg, importing.plan_import(reg, [quarter_file], TODAY))
    return reg


def test_two_coordinators_forward_to_one_stick_side_by_side(tmp_path: Path) -> None:
    a = new_sender("CLAS-AAAAA")
    quarter_file = write(tmp_path / "in", "a.json", vp_file(a, M))
    cvp = _coordinator(tmp_path, "cvp", [a], quarter_file)
    acvp = _coordinator(tmp_path, "acvp", [a], quarter_file)
    stick = tmp_path / "stick"
    try:
        made = [forwarding.forward(reg, "2026-Q3", stick) for reg in (cvp, acvp)]
        again = forwarding.forward(cvp, "2026-Q3", stick)
        # ... and each register's receipts into one folder, twice (the same receipts again).
        for reg in (cvp, acvp, cvp):
            plan = importing.plan_import(reg, [quarter_file], TODAY)
            result = importing.apply_import(reg, plan, receipts_dir=stick / "receipts")
            assert result.receipt_problems == ()
    finally:
        cvp.close()
        acvp.close()
    assert len({m.path for m in made}) == 2 and all(m.path.is_file() for m in made)
    for m in made:  # each file named after its own sender, both revision 1 of 2026-Q3
        sender = interchange.read_file(m.path.read_bytes(), today=TODAY).sender.code
        assert m.path.name == f"vertrouwd-component-{sender}-2026-Q3-r1.json"
    assert again.revision == 2 and again.submission_id != made[0].submission_id
    assert again.supersedes == made[0].submission_id
    assert len(list((stick / "receipts").iterdir())) == 2


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--lang", "en", *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_an_existing_pdf_is_refused_before_anything_is_exported(
        register_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    base = ["--register", str(register_dir), "--passphrase-file", str(secret)]
    pdf = tmp_path / "kwartaal.pdf"
    pdf.write_bytes(b"%PDF- mine")
    before = snapshot(register_dir)
    code, _out, err = _run(*base, "export", "--quarter", "2026-Q3", "--out",
                           str(tmp_path / "out"), "--pdf", str(pdf))
    assert code == 2 and "already exists" in err
    assert pdf.read_bytes() == b"%PDF- mine" and not (tmp_path / "out").exists()
    assert snapshot(register_dir) == before
