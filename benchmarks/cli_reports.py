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


def scenario_figure11(runs: int = 1) -> list[Row]:
    """The Figure-11 pipeline (tests/figure11_pipeline.py): 14 confidants' registers → 7
    coordinators → central, every step a new `vertrouwd` process with the real key
    derivation, ending in the Defence year report 2020; its wall time, and the figures the
    report shows for Agressie and Discriminatie 2020 (tests/test_figure11_pipeline.py checks
    them)."""
    import os

    from tests.figure11_pipeline import Counted, new_process, run_pipeline
    from tests.test_three_year_pipeline import _topic_cells

    samples, calls, shown = [], 0, ""
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            call = Counted(new_process)
            start = dt.datetime.now()
            report = run_pipeline(Path(tmp), call)
            samples.append((dt.datetime.now() - start).total_seconds())
            calls = call.calls
            cells = _topic_cells(report.read_bytes())
            shown = ", ".join(f"{name} {cells[(row, '2020')][0]} ({cells[(row, '2020')][1]})"
                              for name, row in (("Agressie", "topic:agressie_geweld"),
                                                ("Discriminatie", "topic:discriminatie")))
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return [Row("Figure-11 pipeline: 14 VP → 7 coordinators → central, Defence 2020 report "
                "(a new process per command)", samples, target="≤ 6 min (the old time)",
                check=le(360.0),
                note=f"{calls} command-line calls; Defence 2020 shows {shown}; load {load}")]
