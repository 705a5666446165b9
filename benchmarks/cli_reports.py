"""Bench rows of issue 19: the command line's start-up (a new process per call, as the
Figure-11 pipeline runs it about 250 times) and the making of each report (quarter and year,
PDF and CSV) through the one publishing path, the ledger included."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import generate
from benchmarks.run import ROOT, Row, child_env, defence_central_register, le, timed


def _wall(args: list[str], home: Path) -> float:
    start = dt.datetime.now()
    done = subprocess.run([sys.executable, *args], env=child_env(home), capture_output=True,
                          text=True, timeout=120, cwd=ROOT, check=False)
    elapsed = (dt.datetime.now() - start).total_seconds()
    if done.returncode != 0:
        raise RuntimeError(f"{args}: exit {done.returncode}: {done.stderr[-500:]}")
    return elapsed


def scenario_cli(runs: int = 5) -> list[Row]:
    """`vertrouwd --version` against a bare interpreter, and `unlock-check` (real key
    derivation) against the same unlock done inside a running process."""
    from app.services.storage import vault

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        folder = home / "register"  # a copy: opening may upgrade it, and the cache stays
        shutil.copytree(generate.register_folder(1_000), folder)
        secret = home / "pass.txt"
        secret.write_text(generate.PASSPHRASE, encoding="utf-8")
        version = ["-m", "app", "--version"]
        bare = ["-c", "pass"]
        check = ["-m", "app", "--register", str(folder), "--passphrase-file", str(secret),
                 "unlock-check"]
        for args in (version, bare, check):  # warm the OS file cache once
            _wall(args, home)
        samples, floor, checks, unlocks = [], [], [], []
        for _ in range(runs):  # interleaved, so load from elsewhere hits both alike
            samples.append(_wall(version, home))
            floor.append(_wall(bare, home))
            checks.append(_wall(check, home))
            unlocks += timed(lambda: vault.unlock(folder, generate.PASSPHRASE).close(), 1)
    return [
        Row("command line: vertrouwd --version (new process)", samples, floor,
            "bare Python interpreter", "≤ floor + 0.5 s",
            lambda r: r.median <= r.floor_median + 0.5),
        Row("command line: unlock-check (new process, real key derivation)", checks, unlocks,
            "the same unlock inside a running process", "≤ floor + 1.0 s",
            lambda r: r.median <= r.floor_median + 1.0),
    ]


def scenario_reports(runs: int = 3) -> list[Row]:
    """A central register with three years of the seven components' files: each report
    published (built against the ledger, protected, rendered, written, recorded), against
    rendering the same protected report alone."""
    from app.services.coordination.period_plan import publish_report
    from app.services.coordination.report_data import render_report_file, report_data

    day = dt.date(2027, 1, 15)  # the year is over: every quarter has figures
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reg = defence_central_register(folder, seed=7)
        try:
            names = iter(range(10_000))
            for quarter, label in ((None, "year 2026"), ("2026-Q3", "quarter 2026-Q3")):
                for fmt in ("pdf", "csv"):
                    samples = timed(lambda q=quarter, f=fmt: publish_report(  # type: ignore[misc]
                        reg, 2026, q, f, folder / f"r{next(names)}.{f}", "nl", 5, today=day),
                        runs)
                    data = report_data(reg, 2026, quarter, k=5, today=day)
                    floor = timed(lambda d=data, f=fmt: render_report_file(  # type: ignore[misc]
                        d, f, "nl"), runs)
                    rows.append(Row(f"report: Defence {label}, {fmt.upper()} (7 components, "
                                    f"published and recorded)", samples, floor,
                                    "rendering the same protected report alone", "≤ 3 s",
                                    le(3.0)))
        finally:
            reg.close()
    return rows
