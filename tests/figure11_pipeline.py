"""The Figure-11 pipeline (issue 19): 14 confidants' registers → 7 coordinators → the central
level, driven through the command line only, ending in the Defence year report 2020 (CSV).

Per component two confidants: one on topic list 2018.1 enters the cases of 2018 and 2019, one
on the current list those of 2020 (as tests/test_three_year_pipeline.py does for two
components). Each exports every quarter, the coordinator imports and forwards every quarter,
the central level imports the 7 components' files and writes the year report 2020: about 280
command-line calls. The year 2020 holds Defence-wide Agressie 14 and Discriminatie 11, the
figures Defence itself published, which the report must show.

`run_pipeline(tmp, call)` takes how one command is run: in process (`in_process`, the test)
or as a new program per call (`new_process`, the bench, as a user runs it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from app import cli
from app.models import codelists
from tests.conftest import PASSPHRASE
from tests.test_three_year_pipeline import DOUBLE, NEW_YEAR, OLD_YEARS

# Defence 2020 on the current list, Agressie 14 and Discriminatie 11 as published
YEAR_2020 = {**NEW_YEAR, "agressie_geweld": 14, "discriminatie": 11}
AGGRESSION_2020, DISCRIMINATION_2020 = 14, 11

Call = Callable[[Path, str, list[str]], str]  # (tmp, register name, arguments) -> output


def components() -> list[str]:
    return [c.code for c in codelists.load().components]


def _cases(year: int) -> list[tuple[str, ...]]:
    counts = OLD_YEARS.get(year, YEAR_2020)
    cases: list[tuple[str, ...]] = [DOUBLE[year]] * 3
    for topic, n in counts.items():
        cases += [(topic,)] * (n - (3 if topic in DOUBLE[year] else 0))
    return cases


def _csv_file(folder: Path, name: str, years: list[int], component: str,
              everyone: list[str]) -> Path:
    """The component's cases of ``years`` (every case of the year spread over the components
    and quarters in turn) as the import CSV."""
    lines = ["type;casus;datum;minuten;wijze;onderwerpen;afgesloten_op;uitkomst"]
    for year in years:
        for n, topics in enumerate(_cases(year)):
            if everyone[n % len(everyone)] != component:
                continue
            q = (n // len(everyone)) % 4 + 1
            day = dt.date(year, 3 * q - 2, 1) + dt.timedelta(days=n % 80)
            closed = (day + dt.timedelta(days=20)).isoformat() if n % 3 == 0 else ""
            lines.append(f"contact;{year}-{n};{day.isoformat()};45;telefoon;{'|'.join(topics)};"
                         f"{closed};{'handvatten' if closed else ''}")
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _arguments(tmp: Path, register: str, args: list[str]) -> list[str]:
    return ["--register", str(tmp / register), "--passphrase-file", str(tmp / "pass.txt"),
            *args]


def in_process(tmp: Path, register: str, args: list[str]) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(_arguments(tmp, register, args), out=out, err=err)
    assert code == 0, (args, out.getvalue(), err.getvalue())
    return out.getvalue() + err.getvalue()


def new_process(tmp: Path, register: str, args: list[str]) -> str:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "VERTROUWD_HOME": str(tmp / "home"),
           "PYTHONPATH": str(root) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-m", "app", *_arguments(tmp, register, args)],
                          env=env, capture_output=True, text=True, timeout=600, cwd=root,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{args}: exit {done.returncode}: {done.stderr[-500:]}")
    return done.stdout + done.stderr


@dataclasses.dataclass
class Counted:
    """A `Call` that counts the commands it ran."""

    call: Call
    calls: int = 0

    def __call__(self, tmp: Path, register: str, args: list[str]) -> str:
        self.calls += 1
        return self.call(tmp, register, args)


def run_pipeline(tmp: Path, call: Call) -> Path:
    """Run the pipeline in ``tmp``; returns the Defence year report 2020 (CSV)."""
    (tmp / "pass.txt").write_text(PASSPHRASE)
    f = tmp / "files"
    f.mkdir()
    everyone = components()

    def run(register: str, *args: str) -> str:
        return call(tmp, register, list(args))

    run("central", "init", "--component", "DEFENSIE", "--role", "central")
    run("central", "card", "--out", str(f / "central.card"))
    for component in everyone:
        coord = f"coord-{component}"
        run(coord, "init", "--component", component, "--role", "coordinator")
        run(coord, "card", "--out", str(f / f"{coord}.card"))
        run(coord, "card-import", str(f / "central.card"))
        run("central", "roster-add", str(f / f"{coord}.card"))
        stick = f / f"stick-{component}"
        for name, years, version in ((f"vp-old-{component}", [2018, 2019], "2018.1"),
                                     (f"vp-new-{component}", [2020], None)):
            run(name, "init", "--component", component, "--role", "vp",
                *(["--codelist", version] if version else []))
            run(name, "card", "--out", str(f / f"{name}.card"))
            run(name, "card-import", str(f / f"{coord}.card"))
            run(coord, "roster-add", str(f / f"{name}.card"))
            run(name, "--lang", "en", "import-csv",
                str(_csv_file(tmp, f"{name}.csv", years, component, everyone)))
            for year in years:
                for q in (1, 2, 3, 4):
                    run(name, "export", "--quarter", f"{year}-Q{q}", "--out", str(stick))
        run(coord, "import", str(stick))
        for year in (2018, 2019, 2020):
            for q in (1, 2, 3, 4):
                run(coord, "forward", "--quarter", f"{year}-Q{q}", "--out", str(f / "up"))
    run("central", "import", str(f / "up"))
    report = f / "defensie-2020.csv"
    run("central", "report", "--year", "2020", "--format", "csv", "--out", str(report))
    return report
