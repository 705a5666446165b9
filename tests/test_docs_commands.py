"""Every command the README and the guides show is run here, end to end, through the CLI:
a confidant, their coordinator and the central level exchange cards, files and receipts."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

from app import cli
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
# Covered elsewhere: the bundle's self-test runs in `make test`; tests/test_selftest.py too.
RUN_ELSEWHERE = {"self-test"}


def documented_commands() -> set[str]:
    found = set()
    for doc in DOCS:
        in_code = False
        for line in doc.read_text(encoding="utf-8").splitlines():
            if line.startswith("```"):
                in_code = not in_code
                continue
            text = line.strip()
            if in_code and text.startswith("vertrouwd "):
                words = [w for w in shlex.split(text.split("#")[0], posix=True)[1:]
                         if not w.startswith("-")]
                if words:
                    found.add(words[0])
    return found


def documented_make_targets() -> set[str]:
    targets = set()
    for doc in DOCS:
        targets |= set(re.findall(r"`make ([a-z-]+)", doc.read_text(encoding="utf-8")))
        for line in doc.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^make ([a-z-]+)", line.strip())
            if m:
                targets.add(m.group(1))
    return targets


class Walkthrough:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.ran: list[str] = []
        self.passfile = tmp / "pass.txt"
        self.passfile.write_text(PASSPHRASE)

    def __call__(self, register: str, *args: str, expect: int = 0) -> str:
        out, err = io.StringIO(), io.StringIO()
        argv = ["--register", str(self.tmp / register), "--passphrase-file", str(self.passfile),
                *args]
        code = cli.main(argv, out=out, err=err)
        assert code == expect, (args, out.getvalue(), err.getvalue())
        self.ran.append(args[0])
        return out.getvalue() + err.getvalue()


def test_documented_commands_exist() -> None:
    assert documented_commands() <= cli.command_names()
    makefile = (ROOT / "Makefile").read_text()
    for target in documented_make_targets():
        assert re.search(rf"^{re.escape(target)}:", makefile, re.M), target


@pytest.mark.slow
def test_walkthrough_runs_every_documented_command(tmp_path: Path) -> None:
    run = Walkthrough(tmp_path)
    f = tmp_path / "files"
    for d in ("vp", "coord", "central", "stick", "receipts", "up", "reports", "backups"):
        (f / d).mkdir(parents=True)

    # The three registers, and their cards.
    assert "herstelcode" in run("vp", "init", "--component", "CLAS", "--role", "vp",
                                "--recovery").lower()
    run("coord", "init", "--component", "CLAS", "--role", "coordinator")
    run("central", "init", "--component", "DEFENSIE", "--role", "central")
    run("vp", "unlock-check")
    for who in ("vp", "coord", "central"):
        run(who, "card", "--out", str(f / who / "card.json"))

    # The confidant brings old spreadsheet registrations in, enrols with the coordinator.
    csv = tmp_path / "oud.csv"
    csv.write_text("type;casus;datum;minuten;wijze;onderwerpen;afgesloten_op;uitkomst\n"
                   "contact;A;2026-07-02;60;telefoon;pesten;;\n"
                   "contact;B;2026-08-12;45;persoonlijk;arbeidsconflict;2026-09-01;doorverwezen\n")
    assert "2" in run("vp", "import-csv", str(csv))
    run("vp", "card-import", str(f / "coord" / "card.json"))
    run("coord", "roster-add", str(f / "vp" / "card.json"))

    # Quarterly export to a stick, with the VP's own PDF.
    out = run("vp", "export", "--quarter", "2026-Q3", "--out", str(f / "stick"), "--pdf",
              str(f / "stick" / "overzicht.pdf"))
    assert "2026-Q3" in out
    assert (f / "stick" / "overzicht.pdf").read_bytes().startswith(b"%PDF")

    # The coordinator: dry run, import with receipts, completeness, forward to central.
    run("coord", "import", str(f / "stick"), "--dry-run")
    run("coord", "import", str(f / "stick"), "--receipts", str(f / "receipts"))
    vp_code = re.findall(r"CLAS-\S+", run("coord", "completeness", "--quarter", "2026-Q3"))[0]
    # A register made on an older topic list moves to the current one (issue 23); a sender
    # who leaves is no longer expected from a day on.
    run("old", "init", "--component", "CLAS", "--codelist", "2018.1")
    assert "2026.1" in run("old", "codelist-move", "--from", "2027-Q1")
    assert "2026-Q4" in run("coord", "roster-end", vp_code, "--from", "2027-01-01")
    run("coord", "card-import", str(f / "central" / "card.json"))
    run("coord", "forward", "--quarter", "2026-Q3", "--out", str(f / "up"))
    run("coord", "report", "--year", "2026", "--format", "csv", "--out",
        str(f / "reports" / "clas.csv"))

    # Central: enrol the coordinator, import the component file, publish the year report.
    run("central", "roster-add", str(f / "coord" / "card.json"))
    run("central", "import", str(f / "up"))
    run("central", "report", "--year", "2026", "--quarter", "2026-Q3", "--format", "pdf",
        "--out", str(f / "reports" / "defensie.pdf"))
    assert (f / "reports" / "defensie.pdf").read_bytes().startswith(b"%PDF")
    # The ledger: list, write the report again byte for byte, check its certificate.
    assert "defensie.pdf" in run("central", "publications")
    run("central", "report", "--reissue", "1", "--out", str(f / "reports" / "again.pdf"))
    assert (f / "reports" / "again.pdf").read_bytes() == (
        f / "reports" / "defensie.pdf").read_bytes()
    assert "Publicatie 1 klopt" in run("central", "verify-publication", "1")
    published = (f / "reports" / "clas.csv").read_text(encoding="utf-8-sig")
    assert "×" in published and "hidden" in published  # one mark, one status

    # Back at the confidant: the receipt, then upkeep of the register.
    receipt = next((f / "receipts").iterdir())
    assert "2026-Q3" in run("vp", "receipt-import", str(receipt))
    run("vp", "verify")
    run("vp", "backup", "--out", str(f / "backups"))
    run("vp", "restore", str(next((f / "backups").iterdir())))
    run("vp", "retention", "--months", "12")
    run("vp", "recovery-code")
    new = tmp_path / "new.txt"
    new.write_text("een andere zin voor het register")
    run("vp", "passphrase", "change", "--new-passphrase-file", str(new))
    run("vp", "unlock-check", expect=2)  # the old passphrase no longer opens it

    missing = documented_commands() - set(run.ran) - RUN_ELSEWHERE
    assert missing == set(), f"documented but not run: {missing}"
