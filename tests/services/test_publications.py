"""The publication ledger (issue 19, Build 2): every report is recorded in the register with
what it showed; a later report is protected against all earlier ones; `report --reissue`
writes a report again byte for byte; `verify-publication` checks a publication in pure
Python and says in one sentence what does not hold."""

from __future__ import annotations

import datetime as dt
import io
import json
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import cli
from app.errors import AppError
from app.export.disclosure import (
    Certificate,
    Equation,
    ProtectedCell,
    Publication,
    Status,
    Table,
)
from app.export.report_model import ReportData
from app.models.entities import PublicationRecord
from app.services.coordination import publications
from app.services.coordination.period_plan import publish_report
from app.services.coordination.report_data import render_report_file, report_data
from app.services.storage.vault import Register
from tests.conftest import PASSPHRASE
from tests.export.test_reports import DAY, known_component  # noqa: F401 (fixture)
from tests.services.conftest import (  # noqa: F401 (fixtures)
    coordinator,
    coordinator_dir,
    coordinator_template,
)

NOW = dt.datetime(2027, 1, 20, 14, 30, 5)


def _cli(register: Register, tmp_path: Path, *argv: str, lang: str = "en"
         ) -> tuple[int, str, str]:
    """The command line on the register this test holds open: the test's Register lets go of
    its connection first (one connection at a time, database.ONE_CONNECTION), and takes it
    again at its next use."""
    register.engine.dispose()
    folder = register.folder
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--register", str(folder), "--passphrase-file", str(secret), "--lang",
                     lang, *argv], out, err)
    return code, out.getvalue(), err.getvalue()


def _rows(register: Register) -> list[tuple[object, ...]]:
    conn = register.raw_connection()
    try:
        return [tuple(r) for r in conn.execute("SELECT * FROM publication ORDER BY id")]
    finally:
        conn.close()


def test_reports_are_recorded_listed_and_written_again_byte_for_byte(
        known_component: Register, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    code, said, err = _cli(known_component, tmp_path, "report", "--year", "2026", "--quarter",
                           "2026-Q2", "--format", "csv", "--out", str(out / "q2.csv"))
    assert code == cli.EXIT_OK, err
    assert "publication 1" in said
    code, said, err = _cli(known_component, tmp_path, "report", "--year", "2026", "--format",
                           "pdf", "--out", str(out / "year.pdf"))
    assert code == cli.EXIT_OK, err
    assert "publication 2" in said

    code, listed, err = _cli(known_component, tmp_path, "publications", lang="nl")
    assert code == cli.EXIT_OK, err
    lines = listed.splitlines()
    assert len(lines) == 4  # two reports, each from the plan of its period
    assert "2026-Q2" in lines[0] and "CSV" in lines[0] and "q2.csv" in lines[0]
    assert "2026 " in lines[1] and "PDF" in lines[1] and "verborgen" in lines[1]
    assert lines[0].endswith("plan 1") and lines[1].endswith("plan 2")
    assert lines[2].startswith("Plan 1 van 2026-Q2") and lines[3].startswith("Plan 2 van 2026")
    entries = publications.entries(known_component)
    assert [(e.id, e.period, e.format, e.k) for e in entries] == [
        (1, "2026-Q2", "csv", 5), (2, "2026", "pdf", 5)]
    assert all(0 < e.hidden < e.cells for e in entries)  # the report hides stalking 1 in Q2

    for number, name in ((1, "q2.csv"), (2, "year.pdf")):
        again = tmp_path / f"again-{name}"
        code, said, err = _cli(known_component, tmp_path, "report", "--reissue", str(number),
                               "--out", str(again))
        assert code == cli.EXIT_OK, err
        assert again.read_bytes() == (out / name).read_bytes()
    assert len(PdfReader(tmp_path / "again-year.pdf").pages) >= 3

    # Again onto an existing file: one sentence, the file and the ledger as they were.
    before, rows = (out / "q2.csv").read_bytes(), _rows(known_component)
    code, said, err = _cli(known_component, tmp_path, "report", "--reissue", "2", "--out",
                           str(out / "q2.csv"))
    assert code == cli.EXIT_USER and len(err.strip().splitlines()) == 1
    assert (out / "q2.csv").read_bytes() == before and _rows(known_component) == rows
    code, said, err = _cli(known_component, tmp_path, "report", "--reissue", "9", "--out",
                           str(out / "nine.csv"))
    assert code == cli.EXIT_USER and "9" in err and not (out / "nine.csv").exists()


def test_a_report_onto_an_existing_file_is_neither_written_nor_recorded(
        known_component: Register, tmp_path: Path) -> None:
    taken = tmp_path / "taken.csv"
    taken.write_bytes(b"someone else's file")
    with pytest.raises(AppError):
        publish_report(known_component, 2026, "2026-Q2", "csv", taken, "nl", 5, today=DAY)
    assert taken.read_bytes() == b"someone else's file"
    assert publications.entries(known_component) == []


def test_every_report_is_protected_against_everything_published_before(
        known_component: Register, tmp_path: Path) -> None:
    """publish hands the report builder what the ledger holds, oldest first, exactly as
    recorded; and the ledger keeps each report's own publication and scope."""
    seen: list[list[dict[str, object]]] = []

    def build(quarter: str | None) -> Callable[[Sequence[Publication]], ReportData]:
        def run(prior: Sequence[Publication]) -> ReportData:
            seen.append([p.to_json() for p in prior])
            return report_data(known_component, 2026, quarter, k=5, today=DAY, prior=prior)
        return run

    def render(data: ReportData, when: dt.datetime) -> bytes:
        return render_report_file(data, "csv", "nl", now=when)

    first = publications.publish(known_component, build("2026-Q2"), render, "csv",
                                 tmp_path / "q2.csv", "nl", now=NOW)
    second = publications.publish(known_component, build(None), render, "csv",
                                  tmp_path / "year.csv", "nl", now=NOW)
    third = publications.publish(known_component, build(None), render, "csv",
                                 tmp_path / "year-again.csv", "nl", now=NOW)
    assert first.data.publication is not None and second.data.publication is not None
    assert seen == [[], [first.data.publication.to_json()],
                    [first.data.publication.to_json(), second.data.publication.to_json()]]
    assert [p.to_json() for p in publications.earlier(known_component)] == [
        first.data.publication.to_json(), second.data.publication.to_json(),
        third.data.publication.to_json()]
    assert third.id == 3
    with known_component.session() as s:
        row = s.get(PublicationRecord, 2)
        assert row is not None
        assert (row.year, row.quarter, row.level, row.component, row.k, row.format,
                row.lang, row.report_day) == (2026, None, "component", "CLAS", 5, "csv", "nl",
                                              DAY)
        # the printed time is local; the ledger holds the same moment in UTC
        assert row.published_at == NOW.astimezone(dt.UTC).replace(tzinfo=None)
        assert zlib.decompress(row.file_data) == (tmp_path / "year.csv").read_bytes()
    # the time printed in the file is the ledger's: written again it is the same file
    assert render(second.data, NOW) == (tmp_path / "year.csv").read_bytes()


# --- verify-publication ----------------------------------------------------------------------
def _small_publication() -> tuple[Publication, Certificate]:
    """total 5 shown; a = 2 and b = 3 hidden (k = 5): a reader knows only a + b = 5, so each
    could be 0..4; the witnesses (a, b) = (0, 5) .. (5, 0) prove it."""
    table = Table({"total": 5, "a": 2, "b": 3}, (Equation("total", ("a", "b")),))
    cells = {"total": ProtectedCell("total", Status.PUBLISHED, 5, 5),
             "a": ProtectedCell("a", Status.HIDDEN, None, 5),
             "b": ProtectedCell("b", Status.HIDDEN, None, 5)}
    certificate = Certificate((("a", 2), ("b", 3)),
                              tuple((v, 5 - v) for v in range(6)))
    return Publication(table, cells, 5), certificate


def _record(register: Register, publication: Publication, certificate: Certificate | None,
            content: bytes = b"total;5\r\n") -> int:
    import hashlib

    with register.session() as s:
        row = PublicationRecord(
            published_at=NOW, year=2026, quarter="2026-Q2", level="component",
            component="CLAS", report_day=DAY, format="csv", lang="nl", k=publication.k,
            hidden=len(publication.hidden()), cells=len(publication.table.values),
            publication=json.dumps(publication.to_json()),
            certificate=None if certificate is None else json.dumps(certificate.to_json()),
            app_version="test", file_name="small.csv",
            file_sha256=hashlib.sha256(content).hexdigest(), file_data=zlib.compress(content))
        s.add(row)
        s.flush()
        return row.id


def _tamper(register: Register, number: int, column: str, value: object) -> None:
    conn = register.raw_connection()
    try:
        conn.execute(f"UPDATE publication SET {column} = ? WHERE id = ?", (value, number))
    finally:
        conn.close()


def test_verify_publication_holds_and_each_tampering_is_named(
        coordinator: Register, tmp_path: Path) -> None:
    publication, certificate = _small_publication()
    good = _record(coordinator, publication, certificate)
    code, said, err = _cli(coordinator, tmp_path, "verify-publication", str(good))
    assert (code, err) == (cli.EXIT_OK, "")
    assert f"Publication {good} holds" in said

    # a witness that does not add up: b = 4 where a + b must be 5
    broken = certificate.to_json()
    broken["witnesses"] = [[0, 5], [1, 4], [2, 4], [3, 2], [4, 1], [5, 0]]
    bad_witness = _record(coordinator, publication, certificate)
    _tamper(coordinator, bad_witness, "certificate", json.dumps(broken))
    code, said, err = _cli(coordinator, tmp_path, "verify-publication", str(bad_witness))
    assert code == cli.EXIT_USER and said == ""
    assert "Witness 3" in err and "a could be 2" in err

    # a stored value changed: the publication's own sums no longer hold (one sentence)
    changed = publication.to_json()
    changed["cells"] = [["total", 5, "published"], ["a", 4, "hidden"], ["b", 3, "hidden"]]
    bad_value = _record(coordinator, publication, certificate)
    _tamper(coordinator, bad_value, "publication", json.dumps(changed))
    code, _said, err = _cli(coordinator, tmp_path, "verify-publication", str(bad_value),
                            lang="nl")
    assert code == cli.EXIT_USER and "total" in err and "beschadigd" in err
    assert err.count("\n") == 2  # the damage, and that it does not hold
    _tamper(coordinator, bad_value, "publication", json.dumps(publication.to_json()))
    assert publications.verify(coordinator, bad_value) == []  # put back, it holds again

    # the stored file changed: verify says so, and it is not written again
    bad_file = _record(coordinator, publication, certificate)
    _tamper(coordinator, bad_file, "file_data", zlib.compress(b"total;6\r\n"))
    code, _said, err = _cli(coordinator, tmp_path, "verify-publication", str(bad_file))
    assert code == cli.EXIT_USER and "not the file that was written" in err
    code, _said, err = _cli(coordinator, tmp_path, "report", "--reissue", str(bad_file),
                            "--out", str(tmp_path / "again.csv"))
    assert code == cli.EXIT_USER and not (tmp_path / "again.csv").exists()

    # hidden small counts without a certificate
    bare = _record(coordinator, publication, None)
    code, _said, err = _cli(coordinator, tmp_path, "verify-publication", str(bare))
    assert code == cli.EXIT_USER and "no certificate" in err

    # the first one still holds: checking changes nothing
    assert publications.verify(coordinator, good) == []


def test_the_attacker_holding_the_whole_ledger_narrows_nothing(
        known_component: Register, tmp_path: Path) -> None:
    """Quarter reports, the year report, and the year report again in English (a second
    publication of the same figures), published through the CLI one after the other: each
    certificate holds over everything published up to it, and the independent attacker (scipy
    MILP, no hints) holding the whole ledger rules out no value 0..k−1 of any hidden small
    count."""
    from tests.services.disclosure_oracle import attack

    for n, (fmt, *args) in enumerate((("pdf", "--quarter", "2026-Q2"),
                                       ("csv", "--quarter", "2026-Q3"), ("pdf",), ("csv",))):
        code, _said, err = _cli(known_component, tmp_path, "report", "--year", "2026", *args,
                                "--format", fmt, "--out", str(tmp_path / f"r{n}.{fmt}"))
        assert code == cli.EXIT_OK, err
    for number in (1, 2, 3, 4):
        assert publications.verify(known_component, number) == []
    ledger = publications.earlier(known_component)
    assert len(ledger) == 3  # the plans of 2026-Q2, 2026-Q3 and 2026: the year twice from one
    entries = publications.entries(known_component)
    assert [e.plan for e in entries] == [1, 2, 3, 3]
    assert entries[2].hidden == entries[3].hidden  # the same figures: the same marks
    assert sum(len(p.hidden()) for p in ledger) > 0
    ruled_out, questions = attack([ledger])
    assert ruled_out == []
    assert questions > 0  # there were small counts to attack
