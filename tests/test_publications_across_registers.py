"""Issue 19 across registers: a component coordinator publishes its component's year report
from its own register, then forwards its quarters to the centre; the forwarded file carries
what the component published, the centre's ledger records it as that register's, and the
Defence report is protected against it. Run through the command line with real registers.

The independent attacker (scipy MILP) holding the component's report and the Defence report
narrows nothing; a centre that imported only files without the field (forwarded before the
component published) prints a Defence report from which the same attacker narrows a count
the component hid — the failure the carried publications prevent.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app import cli
from app.export.disclosure import Publication
from app.models.entities import PublicationRecord
from app.services.coordination import publications
from app.services.storage import vault
from tests.conftest import PASSPHRASE
from tests.services.disclosure_oracle import attack

YEAR = 2025
COMPONENTS = ("CLAS", "CZSK")
# new cases per quarter and topic, per component
CASES = {
    "CLAS": {1: {"pesten": 9, "intimidatie": 2, "arbeidsconflict": 7, "werkdruk_inzet": 1},
             2: {"pesten": 1, "intimidatie": 2},
             3: {"pesten": 7, "intimidatie": 1, "arbeidsconflict": 9, "werkdruk_inzet": 3},
             4: {"pesten": 6, "intimidatie": 5, "arbeidsconflict": 2, "stalking": 1}},
    "CZSK": {1: {"pesten": 12, "intimidatie": 6, "arbeidsconflict": 3, "stalking": 4},
             2: {"pesten": 2, "intimidatie": 9, "arbeidsconflict": 11, "werkdruk_inzet": 2},
             3: {"pesten": 8, "intimidatie": 3, "arbeidsconflict": 5, "stalking": 1},
             4: {"pesten": 10, "intimidatie": 7, "arbeidsconflict": 4, "werkdruk_inzet": 6}},
}


class Cli:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.passfile = tmp / "pass.txt"
        self.passfile.write_text(PASSPHRASE)

    def __call__(self, register: str, *args: str, code: int = 0) -> str:
        out, err = io.StringIO(), io.StringIO()
        argv = ["--register", str(self.tmp / register), "--passphrase-file",
                str(self.passfile), "--lang", "en", *args]
        got = cli.main(argv, out=out, err=err)
        assert got == code, (args, out.getvalue(), err.getvalue())
        return out.getvalue() + err.getvalue()


def _csv(folder: Path, component: str) -> Path:
    lines = ["type;casus;datum;minuten;wijze;onderwerpen;afgesloten_op;uitkomst"]
    n = 0
    for q, topics in CASES[component].items():
        for topic, count in topics.items():
            for _ in range(count):
                n += 1
                day = dt.date(YEAR, 3 * q - 2, 1) + dt.timedelta(days=n % 80)
                closed = (day + dt.timedelta(days=9)).isoformat() if n % 3 else ""
                lines.append(f"contact;{component}-{n};{day.isoformat()};45;telefoon;{topic};"
                             f"{closed};{'handvatten' if closed else ''}")
    path = folder / f"{component}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _build(tmp: Path) -> tuple[Cli, Path]:
    """Two components with a coordinator and a confidant each, and two central registers:
    ``central`` imports every forwarded file, ``central-old`` only the files forwarded before
    CLAS published its year report (without the field)."""
    run = Cli(tmp)
    f = tmp / "files"
    f.mkdir()
    for centre in ("central", "central-old"):
        run(centre, "init", "--component", "DEFENSIE", "--role", "central")
        run(centre, "card", "--out", str(f / f"{centre}.card"))
    for component in COMPONENTS:
        coord, vp = f"coord-{component}", f"vp-{component}"
        run(coord, "init", "--component", component, "--role", "coordinator")
        run(coord, "card", "--out", str(f / f"{coord}.card"))
        for centre in ("central", "central-old"):
            run(centre, "roster-add", str(f / f"{coord}.card"))
        run(vp, "init", "--component", component, "--role", "vp")
        run(vp, "card", "--out", str(f / f"{vp}.card"))
        run(vp, "card-import", str(f / f"{coord}.card"))
        run(coord, "roster-add", str(f / f"{vp}.card"))
        run(vp, "import-csv", str(_csv(tmp, component)))
        for q in (1, 2, 3, 4):
            run(vp, "export", "--quarter", f"{YEAR}-Q{q}", "--out", str(f / f"stick-{component}"))
        run(coord, "import", str(f / f"stick-{component}"))
        for q in (1, 2, 3, 4):  # unsealed: no central card imported (both centres read them)
            run(coord, "forward", "--quarter", f"{YEAR}-Q{q}", "--out", str(f / "up"))
    return run, f


def _defence_report(folder: Path) -> Publication:
    reg = vault.unlock(folder, PASSPHRASE)
    try:
        with reg.session() as s:
            row = s.scalars(select(PublicationRecord).where(
                PublicationRecord.component.is_(None))
                .order_by(PublicationRecord.id.desc())).first()
            assert row is not None
            return Publication.from_json(json.loads(row.publication))
    finally:
        reg.close()


def _plans(folder: Path) -> list[Publication]:
    reg = vault.unlock(folder, PASSPHRASE)
    try:
        return [p.publication for p in publications.plans(reg)]
    finally:
        reg.close()


def _component_reports(folder: Path, component: str) -> list[Publication]:
    """What the component's register published, in the centre's cell names."""
    reg = vault.unlock(folder, PASSPHRASE)
    try:
        return [publications.renamed(p, component) for p in publications.earlier(reg)]
    finally:
        reg.close()


@pytest.mark.slow
def test_a_component_report_forwarded_keeps_its_hidden_counts_hidden_at_the_centre(
        tmp_path: Path) -> None:
    run, f = _build(tmp_path)  # every quarter forwarded once: files without the field
    assert all(b'"publications"' not in p.read_bytes() for p in (f / "up").iterdir())
    out = run("coord-CLAS", "report", "--year", str(YEAR), "--format", "csv", "--out",
              str(f / "clas.csv"))
    assert "Recorded as publication 1" in out
    run("coord-CLAS", "forward", "--quarter", f"{YEAR}-Q4", "--out", str(f / "up2"))
    (again,) = (f / "up2").iterdir()
    assert b'"publications"' in again.read_bytes()  # revision 2 carries CLAS's report
    assert len(again.read_bytes()) < 64 * 1024  # a year report of one year: about 43 kB

    run("central-old", "import", str(f / "up"))
    out = run("central", "import", str(f / "up"), str(f / "up2"))
    assert "Reports its register published, carried in it: 1;" in out  # the dry run's line
    assert "Reports published by component coordinators, newly recorded: 1;" in out
    listed = run("central", "publications")
    assert "Published by other registers" in listed
    assert "coord-CLAS" not in listed  # the origin is named by its register's code
    (line,) = [x for x in listed.splitlines() if " plan-1 " in x]
    assert line.split()[0].startswith("CLAS-") and f" {YEAR} " in line and " CLAS " in line
    for centre in ("central", "central-old"):
        run(centre, "report", "--year", str(YEAR), "--format", "csv", "--out",
            str(f / f"{centre}.csv"))
    assert "holds" in run("central", "verify-publication", "1")  # the certificate counts it

    clas = _component_reports(tmp_path / "coord-CLAS", "CLAS")
    small = [k for p in clas for k in p.hidden() if p.table.values[k] < p.k]
    assert ("cases_new@CLAS", f"{YEAR}-Q2") in small  # CLAS hid its 3 new cases of Q2
    protected = _defence_report(tmp_path / "central")
    unaware = _defence_report(tmp_path / "central-old")
    assert ("cases_new@CLAS", f"{YEAR}-Q2") in protected.table.values  # the same figure
    ruled_out, _n = attack([[*clas, protected], [*clas, unaware], [*clas, *_plans(
        tmp_path / "central")]])
    # holding CLAS's report and the Defence report of the centre that knew it (or every
    # report of its plan, CLAS's and CZSK's as the centre would print them): nothing
    assert [r for r in ruled_out if r[0] in (0, 2)] == []
    # the centre that did not know it prints complements that undo CLAS's hiding: the
    # attacker pins CLAS's 3 new cases of Q2 (rules out every other value)
    narrowed = {(key, v) for s, key, v in ruled_out if s == 1}
    assert {(("cases_new@CLAS", f"{YEAR}-Q2"), v) for v in (0, 1, 2, 4)} <= narrowed


def _foreign_reports(folder: Path) -> list[Publication]:
    """The reports of other registers the centre recorded, in its cell names."""
    reg = vault.unlock(folder, PASSPHRASE)
    try:
        return [f.publication for f in publications.foreign(reg)]
    finally:
        reg.close()


@pytest.mark.slow
def test_a_centre_whose_reports_a_component_report_narrows_still_publishes_later_ones(
        tmp_path: Path) -> None:
    """The centre published the Defence year report before CLAS published its own, from its
    own register, hiding otherwise: together they pin counts that neither narrows alone
    (nobody could check that combination). The centre records CLAS's report with the next
    forwarded file; a later report is still published, narrows nothing more, and its check
    says which values the earlier reports had ruled out between them."""
    run, f = _build(tmp_path)
    run("central", "import", str(f / "up"))
    run("central", "report", "--year", str(YEAR), "--format", "csv", "--out",
        str(f / "defence.csv"))
    run("coord-CLAS", "report", "--year", str(YEAR), "--format", "csv", "--out",
        str(f / "clas.csv"))
    run("coord-CLAS", "forward", "--quarter", f"{YEAR}-Q4", "--out", str(f / "up2"))
    out = run("central", "import", str(f / "up2"))
    assert "Reports published by component coordinators, newly recorded: 1;" in out
    before = [*_plans(tmp_path / "central"), *_foreign_reports(tmp_path / "central")]
    (pinned_before, _n), = [attack([before])]
    assert pinned_before  # the two reports together narrow the centre's or CLAS's counts

    out = run("central", "report", "--year", str(YEAR), "--quarter", f"{YEAR}-Q3",
              "--format", "csv", "--out", str(f / "defence-q3.csv"))
    assert "Recorded as publication 2" in out
    after = [*_plans(tmp_path / "central"), *_foreign_reports(tmp_path / "central")]
    assert len(after) == len(before) + 1  # the plan of 2025-Q3
    pinned_after, _n = attack([after])
    assert {(key, v) for _, key, v in pinned_after} == {(key, v) for _, key, v in
                                                       pinned_before}  # nothing more
    checked = run("central", "verify-publication", "2")
    assert "Publication 2 holds" in checked
    count = len(pinned_before)
    assert (f"{count} values of the hidden figures " in checked
            and "were already ruled out by the reports published before this one (1: "
            f"{YEAR} Defence; {YEAR} CLAS (CLAS-" in checked), checked
    for _, key, _v in pinned_before:
        assert " / ".join(key) in checked
    assert "Publication 1 holds" in run("central", "verify-publication", "1")
