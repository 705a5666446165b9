"""A stick pulled mid-work, for real (issue 20, "Done when"): the register, its backups and the
outputs on a file system in user space that is gone after N write calls
(tests/reliability/failing_medium.py).

For each command that writes (saving cases with `import-csv`, `export` with its PDF, `backup`
with rotation) the test first counts the write calls the command makes on a healthy medium,
then runs it again on a fresh copy for failure points spread over that range: after the first
write (for the export also before anything), halfway, and after the last write (the release of
the register lock and closing the files). At every point the program, a separate process as
a user runs it, says one sentence in the user's language and exits 2 (never "an unexpected
error", never a traceback or a signal); after the last write it may have finished (exit 0).
Then the medium comes back (the same backing folder mounted again, healthy) and:

- the register opens, with every case committed before intact, and what the command saved
  either wholly there or not at all;
- every backup on the stick is complete and verifies with the passphrase (a half-written one
  is never listed, and the previous one is never rotated away for it);
- an output file (the quarterly file, the PDF) with its final name is complete or absent.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import MediumGone, PathMediumGone, RegisterDatabaseMissing
from app.files import error_for
from app.models import database
from app.models.entities import Case, CaseTopic, ContactMoment
from app.services.storage import backup, vault
from tests.conftest import PASSPHRASE
from tests.reliability import failing_medium
from tests.reliability.failing_medium import FailingMedium

pytestmark = pytest.mark.reliability
needs_fuse = pytest.mark.skipif(failing_medium.available() is not None,
                                reason=str(failing_medium.available()))

ROOT = Path(__file__).resolve().parents[2]
CSV = ("type;casus;datum;minuten;wijze;onderwerpen\n"
       "contact;A;2026-08-03;60;telefoon;pesten\n"
       "contact;A;2026-08-10;30;persoonlijk;pesten\n"
       "contact;B;2026-09-01;45;telefoon;discriminatie\n")
EARLIER_CSV = ("type;casus;datum;minuten;wijze;onderwerpen\n"
               "contact;E;2026-07-06;50;telefoon;pesten\n")
ERRNOS = ("EIO", "ENOTCONN", "ENODEV")


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(home: Path, *args: str) -> Run:
    """The program as a separate process (`python -m tests.cheap_app`), in English."""
    proc = subprocess.run(
        [sys.executable, "-m", "tests.cheap_app", "--lang", "en", *args], cwd=ROOT,
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "VERTROUWD_HOME": str(home)})
    return Run(proc.returncode, proc.stdout, proc.stderr)


def cases(folder: Path) -> list[tuple[object, ...]]:
    """Every case, its topics and contact moments, column by column (not when they were
    written: the count run wrote the same cases a moment earlier)."""
    reg = vault.unlock(folder, PASSPHRASE)
    try:
        rows: list[tuple[object, ...]] = []
        with reg.session() as s:
            for entity in (Case, CaseTopic, ContactMoment):
                columns = [c for c in entity.__table__.columns  # type: ignore[attr-defined]
                           if c.key not in ("created_at", "updated_at")]  # the clock's
                for row in s.scalars(select(entity)):
                    rows.append((entity.__name__, *(getattr(row, c.key) for c in columns)))
        return sorted(rows, key=repr)
    finally:
        reg.close()


@dataclass
class Stick:
    """What the tests put on the stick, and where."""

    prepared: Path  # the stick's content before the command (a plain folder)
    work: Path
    home: Path
    pass_file: Path
    csv: Path

    def copy(self, name: str) -> Path:
        backing = self.work / name / "backing"
        shutil.copytree(self.prepared, backing)
        return backing


@pytest.fixture(scope="module")
def stick(tmp_path_factory: pytest.TempPathFactory, template_register: Path) -> Stick:
    """A register with committed cases and one backup, as found on a confidant's stick."""
    work = tmp_path_factory.mktemp("failing-medium")
    prepared = work / "prepared"
    prepared.mkdir()
    shutil.copytree(template_register, prepared / "register")
    home = work / "home"
    pass_file = work / "pass.txt"
    pass_file.write_text(PASSPHRASE, encoding="utf-8")
    earlier, csv = work / "earlier.csv", work / "cases.csv"
    earlier.write_text(EARLIER_CSV, encoding="utf-8")
    csv.write_text(CSV, encoding="utf-8")
    base = ("--register", str(prepared / "register"), "--passphrase-file", str(pass_file))
    for args in (("import-csv", str(earlier)),
                 ("backup", "--out", str(prepared / "backups"), "--generations", "1")):
        done = run_cli(home, *base, *args)
        assert done.code == 0, done.err
    (prepared / "out").mkdir()
    return Stick(prepared, work, home, pass_file, csv)


COMMANDS = {
    "save-cases": lambda s, m: ["import-csv", str(s.csv)],
    "export": lambda s, m: ["export", "--quarter", "2026-Q3", "--out", str(m / "out"),
                            "--pdf", str(m / "out" / "overview.pdf")],
    "backup": lambda s, m: ["backup", "--out", str(m / "backups"), "--generations", "1"],
}


@contextlib.contextmanager
def medium_for(stick: Stick, name: str) -> Iterator[FailingMedium]:
    """A fresh copy of the stick, mounted as a failing medium (unmounted at the end)."""
    backing = stick.copy(name)
    with FailingMedium(backing, stick.work / name / "stick", stick.work / name) as medium:
        yield medium


def invoke(stick: Stick, medium: FailingMedium, command: str) -> Run:
    return run_cli(stick.home, "--register", str(medium.mount / "register"),
                   "--passphrase-file", str(stick.pass_file),
                   *COMMANDS[command](stick, medium.mount))


@dataclass
class Counted:
    writes: int
    cases_after: list[tuple[object, ...]]


@pytest.fixture(scope="module")
def counted(stick: Stick) -> dict[str, Counted]:
    """Each command on a healthy medium: its write calls, and the cases after it."""
    result = {}
    for command in COMMANDS:
        with medium_for(stick, f"count-{command}") as medium:
            done = invoke(stick, medium, command)
            assert done.code == 0, done.err
        assert medium.writes > 3, medium.writes
        result[command] = Counted(medium.writes, cases(medium.backing / "register"))
    return result


def failure_points(command: str, writes: int) -> list[int]:
    """Gone after the first write, halfway, and after the last (then only closing the files
    and releasing the register lock fail). For the export also before anything (reading
    fails too: the PDF's name is looked at first); for the others that is the key file that
    cannot be read, told in test_sticks_and_clocks.py."""
    return sorted({0 if command == "export" else 1, 1, writes // 2, writes})


def complete_or_absent(out: Path) -> list[str]:
    """Problems with the outputs in ``out``: a quarterly file that is not whole JSON, a PDF
    that does not end as a PDF ends."""
    problems = []
    for path in out.iterdir():
        if path.name.startswith("."):
            continue  # a temporary file the medium kept the program from removing
        data = path.read_bytes()
        if path.suffix == ".json":
            try:
                json.loads(data)
            except ValueError:
                problems.append(f"{path.name}: not whole")
        elif path.suffix == ".pdf" and b"%%EOF" not in data[-64:]:
            problems.append(f"{path.name}: not whole")
    return problems


@needs_fuse
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_stick_gone_after_n_writes_says_one_sentence_and_loses_nothing_committed(
        stick: Stick, counted: dict[str, Counted], command: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = cases(stick.prepared / "register")
    total = counted[command].writes
    seen: list[str] = []
    problems: list[str] = []
    for i, n in enumerate(failure_points(command, total)):
        code = ERRNOS[i % len(ERRNOS)]
        with medium_for(stick, f"{command}-{n}") as medium:
            medium.arm(n, code)
            done = invoke(stick, medium, command)
            medium.remount()  # the stick put back
            where = f"gone after {n} of {total} writes ({code})"
            seen.append(f"{where}: exit {done.code}: {done.err.strip()!r}")
            problems += [f"{where}: {p}" for p in check(stick, medium, command, done, n >= total,
                                                        before, counted[command])]
    with capsys.disabled():
        print(f"\n{command}:\n  " + "\n  ".join(seen))
    assert problems == [], "\n".join(problems)


def check(stick: Stick, medium: FailingMedium, command: str, done: Run, after_last: bool,
          before: list[tuple[object, ...]], healthy: Counted) -> list[str]:
    """What went wrong for the user at one failure point (nothing: an empty list)."""
    problems = []
    if done.code not in ((0, 2) if after_last else (2,)):
        problems.append(f"exit code {done.code}")
    if done.code == 2:
        said = [line for line in done.err.strip().splitlines()
                if not line.startswith("Warning: ")]  # (said before the export begins)
        if len(said) != 1:
            problems.append("not one sentence")
        if "unexpected" in done.err or "Traceback" in done.err:
            problems.append("an unexpected error")
    after = cases(medium.mount / "register")
    if after not in ((before, healthy.cases_after) if command == "save-cases" else (before,)):
        problems.append("cases changed")
    backups = backup.list_backups(medium.mount / "backups")
    if not backups:
        problems.append("no backup left")  # the earlier one is never rotated away for nothing
    for made in backups:
        try:
            backup.verify_backup(made.path, PASSPHRASE)
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            problems.append(f"backup {made.path.name} does not verify: {exc!r}")
    problems += complete_or_absent(medium.mount / "out")
    return problems


# --- the sentences, on any platform ---------------------------------------------------------------
@pytest.mark.parametrize("code", [errno.EIO, errno.ENOTCONN, errno.ENODEV])
def test_an_io_error_of_a_gone_drive_is_told_as_a_gone_drive(tmp_path: Path, code: int) -> None:
    """Not "the disk is full", not "an unexpected error" (ENOTCONN and ENODEV were not mapped
    at all), not "damaged, restore a backup" for a database file that could not be looked at."""
    gone = OSError(code, os.strerror(code))
    assert isinstance(database.storage_error(gone), MediumGone)
    assert isinstance(error_for(gone, tmp_path / "overview.pdf"), PathMediumGone)
    assert str(tmp_path / "overview.pdf") in error_for(gone, tmp_path / "overview.pdf").message


def test_a_database_file_that_is_missing_is_still_told_as_missing(tmp_path: Path) -> None:
    with pytest.raises(RegisterDatabaseMissing):
        database.check_database_file(tmp_path / "register.db")


@needs_fuse
def test_writing_a_file_onto_a_gone_drive_says_so(tmp_path: Path) -> None:
    """write_new looks at the folder first: on a gone drive that look fails (ENODEV) and was
    an unexpected error (seen halfway through an export's PDF)."""
    from app.files import write_new

    with FailingMedium(tmp_path / "backing", tmp_path / "stick", tmp_path) as medium:
        (medium.mount / "out").mkdir()
        medium.arm(0, "ENODEV")
        with pytest.raises(PathMediumGone):
            write_new(medium.mount / "out" / "overview.pdf", b"%PDF-1.4\n%%EOF\n")
    assert list((tmp_path / "backing" / "out").iterdir()) == []
