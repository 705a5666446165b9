"""Run the benchmarks and write benchmarks/RESULTS.md (``make bench``).

Every scenario is timed several times (>= 5 where cheap, >= 3 where expensive) and reported
as median and spread (min–max), next to its FLOOR — the least any implementation would have
to do — measured in the same run, so the ratio is comparable across machines.

Usage: python -m benchmarks.run [--quick] [--only NAME ...] [--out PATH]

``--quick`` leaves out warming the cached registers of 1k to 200k contact moments (the
scenarios that need them build them when they run): for ``--only disclosure`` and the like.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.models import register_files
from app.models.keyfile import KdfParams
from benchmarks import generate

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 200_000)
SHOWN_MARK = "VERTROUWD_SHOWN"


# --- results --------------------------------------------------------------------------------
@dataclass
class Row:
    scenario: str
    samples: list[float]  # seconds, or MB when unit == "MB"
    floor: list[float] | None = None
    floor_name: str = ""
    target: str = ""
    check: Callable[[Row], bool] | None = None
    unit: str = "s"
    note: str = ""
    size: int | None = None  # contact moments, for the growth note
    group: str = ""  # rows of one group across sizes form a growth line

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else math.nan

    @property
    def floor_median(self) -> float:
        return statistics.median(self.floor) if self.floor else math.nan

    @property
    def ratio(self) -> float:
        return self.median / self.floor_median if self.floor else math.nan

    @property
    def met(self) -> bool | None:
        if not self.samples or self.check is None:
            return None
        return bool(self.check(self))


def unavailable(scenario: str, why: str, target: str = "") -> Row:
    return Row(scenario, [], target=target, note=f"not available: {why}")


def fmt(value: float, unit: str) -> str:
    if math.isnan(value):
        return "–"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def timed(fn: Callable[[], object], runs: int, setup: Callable[[], object] | None = None,
          warmup: int = 0) -> list[float]:
    out = []
    for i in range(warmup + runs):
        if setup is not None:
            setup()
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        if i >= warmup:
            out.append(elapsed)
    return out


def le(limit: float) -> Callable[[Row], bool]:
    return lambda r: r.median <= limit


def ratio_le(limit: float, absolute: float | None = None) -> Callable[[Row], bool]:
    return lambda r: r.ratio <= limit and (absolute is None or r.median <= absolute)


# --- helpers --------------------------------------------------------------------------------
def qt_app():  # type: ignore[no-untyped-def]
    """The QApplication, prepared as the program prepares it (style, keyboard, and the
    interpreter's switch interval the GUI thread relies on)."""
    from PySide6.QtWidgets import QApplication

    from app.ui.shared.appearance import prepare_application

    app = QApplication.instance() or QApplication(["vertrouwd-bench"])
    prepare_application(app)
    return app


def process_events() -> None:
    qt_app().processEvents()


@contextlib.contextmanager
def unlocked(contacts: int, folder_of: Callable[[int], Path] | None = None) -> Iterator[object]:
    from app.services.storage import vault

    reg = vault.unlock((folder_of or generate.register_folder)(contacts), generate.PASSPHRASE)
    try:
        yield reg
    finally:
        reg.close()


def new_window():  # type: ignore[no-untyped-def]
    from app.i18n import set_language
    from app.settings import Settings
    from app.ui.register.main_window import MainWindow
    from app.ui.shared.signals import AppSignals

    qt_app()
    set_language("nl")
    window = MainWindow(AppSignals(), Settings(), today=lambda: generate.TODAY)
    return window


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", VERTROUWD_HOME=str(home),
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    return env


# --- scenarios ------------------------------------------------------------------------------
BARE_WINDOW = f"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(["bare"])
w = QWidget(); w.show()
QTimer.singleShot(0, lambda: (print("{SHOWN_MARK}", f"{{time.time():.6f}}", flush=True), app.quit()))
app.exec()
"""  # noqa: E501 - a child script, kept on one line per statement


def _time_to_shown(args: list[str], home: Path) -> float:
    env = child_env(home)
    env["VERTROUWD_BENCH_EXIT_ON_SHOWN"] = "1"
    start = time.time()
    proc = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    for line in proc.stdout.splitlines():
        if line.startswith(SHOWN_MARK):
            return float(line.split()[1]) - start
    raise RuntimeError(f"no {SHOWN_MARK} line: {proc.stdout[-500:]} {proc.stderr[-2000:]}")


def scenario_startup(runs: int = 5) -> list[Row]:
    """Process start to the unlock dialog shown, against a bare PySide6 window."""
    folder = generate.register_folder(10_000)
    with tempfile.TemporaryDirectory() as home:
        app_args = ["-m", "app.main", "--register", str(folder)]
        bare_args = ["-c", BARE_WINDOW]
        _time_to_shown(app_args, Path(home))  # warm the OS file cache once for both
        _time_to_shown(bare_args, Path(home))
        samples, floor = [], []
        for _ in range(runs):  # interleaved, so drift hits both alike
            samples.append(_time_to_shown(app_args, Path(home)))
            floor.append(_time_to_shown(bare_args, Path(home)))
    return [Row("start-up: process start → unlock dialog shown", samples, floor,
                "bare PySide6 window", "≤ 1.0 s and ≤ 1.5× floor", ratio_le(1.5, 1.0))]


def scenario_unlock(runs: int = 3, contacts: int = 10_000) -> list[Row]:
    """Key derivation + open + main window with the first page, against the KDF alone."""
    from argon2.low_level import Type, hash_secret_raw

    from app.models.keyfile import KeyFile, normalize_secret
    from app.services.storage import vault

    folder = generate.register_folder(contacts)
    slot = KeyFile.load(register_files.key_path(folder)).slots["passphrase"]
    assert slot is not None
    kdf = slot["kdf"]
    import base64

    salt = base64.b64decode(kdf["salt"])
    secret = normalize_secret(generate.PASSPHRASE)

    def kdf_only() -> None:
        hash_secret_raw(secret, salt, kdf["time_cost"], kdf["memory_kib"], kdf["parallelism"],
                        32, Type.ID)

    window = new_window()
    opened: list[object] = []

    def unlock_and_show() -> None:
        reg = vault.unlock(folder, generate.PASSPHRASE)
        opened.append(reg)
        window.attach(reg)
        window.show()
        process_events()
        assert window.cases_model.rowCount() > 0

    def reset() -> None:
        window.clear_for_lock()
        window.hide()
        while opened:
            opened.pop().close()  # type: ignore[attr-defined]

    samples, floor = [], []
    for _ in range(runs):  # interleaved, so load from elsewhere hits both alike
        samples += timed(unlock_and_show, 1, setup=reset)
        floor += timed(kdf_only, 1)
    reset()
    window.deleteLater()
    process_events()
    return [Row(f"unlock → register shown ({contacts:,} contacts)", samples, floor,
                f"Argon2id alone (t={kdf['time_cost']}, m={kdf['memory_kib'] // 1024} MiB, "
                f"p={kdf['parallelism']})", "≤ floor + 0.3 s",
                lambda r: r.median <= r.floor_median + 0.3)]


def scenario_register_view(sizes: Sequence[int] = SIZES, runs: int = 5,
                           folder_of: Callable[[int], Path] | None = None) -> list[Row]:
    """The real MainWindow offscreen: open (attach + first page), sort, filter, clear the
    filters, scroll one page; each against the same work done by the queries alone (count +
    first page). The actions and targets of the window test that used to time them
    (tests/ui/test_models.py, now functional only)."""
    from app.services.confidant import queries
    from app.ui.shared.item_models import PAGE_SIZE

    rows: list[Row] = []
    targets = {"open": (1.0, "≤ 1 s at 200k"), "sort": (0.1, "≤ 100 ms at 200k"),
               "filter": (0.1, "≤ 100 ms at 200k"), "clear": (0.3, "≤ 300 ms at 200k"),
               "scroll": (0.1, "≤ 100 ms at 200k")}

    def row(kind: str, label: str, size: int, samples: list[float], floor: list[float],
            floor_name: str = "queries alone (count + page)") -> Row:
        limit, text = targets[kind]
        return Row(f"register {label} ({size:,})", samples, floor, floor_name,
                   text if size == SIZES[-1] else "grows ≤ linearly",
                   le(limit) if size == SIZES[-1] else None, size=size,
                   group=f"register {label}")

    for size in sizes:
        with unlocked(size, folder_of) as reg:
            window = new_window()
            window.show()
            process_events()

            def page(flt: queries.CaseFilter = queries.CaseFilter(), sort: str = "opened_on",
                     desc: bool = True) -> None:
                queries.count_cases(reg, flt)  # type: ignore[arg-type]
                queries.case_page(reg, flt, sort=sort, descending=desc)  # type: ignore[arg-type]

            def open_() -> None:
                window.attach(reg)
                process_events()

            samples = timed(open_, runs, setup=window.clear_for_lock, warmup=1)
            rows.append(row("open", "open: attach + first page", size, samples,
                            timed(page, runs, warmup=1)))

            from PySide6.QtCore import QPoint, Qt
            from PySide6.QtTest import QTest

            keys = [k for k, _m in window.cases_model.columns]
            header = window.cases_view.horizontalHeader()
            for key, label in (("contacts", "contacts"), ("closed_on", "closed"),
                               ("opened_on", "opened")):

                def sort() -> None:  # a click on the header, as the user sorts (toggles the order)
                    # (QTableView.sortByColumn would sort twice: once itself, once for the header.)
                    x = header.sectionViewportPosition(keys.index(key)) + 5
                    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                                     pos=QPoint(x, 5))
                    process_events()

                samples = timed(sort, runs, warmup=1)
                if window.cases_model.sort_key != key:
                    raise RuntimeError(f"the header click did not sort by {key}")
                rows.append(row("sort", f"sort by {label}", size, samples,
                                timed(lambda: page(sort=key, desc=False), runs, warmup=1)))
            window.cases_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
            process_events()

            combo = window.topic_combo
            pesten = combo.findData("pesten")

            def topic() -> None:
                combo.setCurrentIndex(pesten)
                process_events()

            samples = timed(topic, runs, setup=lambda: combo.setCurrentIndex(0), warmup=1)
            combo.setCurrentIndex(0)
            rows.append(row("filter", "filter by topic", size, samples,
                            timed(lambda: page(queries.CaseFilter(topic="pesten")), runs,
                                  warmup=1)))

            status = window.status_combo
            is_open = status.findData("open")

            def by_status() -> None:
                status.setCurrentIndex(is_open)
                process_events()

            samples = timed(by_status, runs, setup=lambda: status.setCurrentIndex(0), warmup=1)
            status.setCurrentIndex(0)
            rows.append(row("filter", "filter by status", size, samples,
                            timed(lambda: page(queries.CaseFilter(status="open")), runs,
                                  warmup=1)))

            period = window.period_combo
            quarter = period.findData(generate.QUARTER)

            def by_quarter() -> None:
                period.setCurrentIndex(quarter)
                process_events()

            samples = timed(by_quarter, runs, setup=lambda: period.setCurrentIndex(0), warmup=1)
            period.setCurrentIndex(0)
            rows.append(row("filter", "filter by quarter", size, samples,
                            timed(lambda: page(queries.CaseFilter(period=generate.QUARTER)), runs,
                                  warmup=1)))

            def search() -> None:
                window.search_edit.setText("pesten")  # pasted: one filter, not one per key
                process_events()

            samples = timed(search, runs, setup=window.search_edit.clear, warmup=1)
            window.search_edit.clear()
            rows.append(row("filter", "memo search", size, samples,
                            timed(lambda: page(queries.CaseFilter(memo_search="pesten")), runs,
                                  warmup=1)))

            combos = (period, combo, status)

            def three_filters() -> None:
                for c, i in zip(combos, (quarter, pesten, is_open), strict=True):
                    c.setCurrentIndex(i)
                process_events()

            def clear_filters() -> None:  # three filter changes in a row, as a user resets
                for c in combos:
                    c.setCurrentIndex(0)
                process_events()

            def clear_floor() -> None:
                for flt in (queries.CaseFilter(topic="pesten", status="open"),
                            queries.CaseFilter(status="open"), queries.CaseFilter()):
                    page(flt)

            samples = timed(clear_filters, runs, setup=three_filters, warmup=1)
            rows.append(row("clear", "clear three filters", size, samples,
                            timed(clear_floor, runs, warmup=1), "the three queries alone"))

            model = window.cases_model

            def scroll() -> None:  # the view asks for the next page as the user scrolls
                model.fetchMore()
                process_events()

            samples = timed(scroll, runs, setup=lambda: model.reload(recount=False), warmup=1)
            rows.append(row("scroll", "scroll one page", size, samples,
                            timed(lambda: queries.case_page(reg, offset=PAGE_SIZE),  # type: ignore[arg-type]
                                  runs, warmup=1), "the next page's query alone"))
            window.clear_for_lock()
            window.deleteLater()
            process_events()
    return rows


def scenario_queries(sizes: Sequence[int] = SIZES[-1:], runs: int = 5,
                     folder_of: Callable[[int], Path] | None = None) -> list[Row]:
    """The services alone: count + first page for each filter and every sort key both ways,
    as the query test used to time them (tests/services/test_queries.py now checks the same
    filters and orders against rows worked out in Python, at 5,000 contact moments)."""
    from app.services.confidant import queries
    from app.services.confidant.queries import CaseFilter

    totals = ("contacts", "minutes", "last_contact")  # per-case totals: one index scan of all
    cases = [
        ("all, newest first", CaseFilter(), "opened_on", True),
        ("quarter 2025-Q2", CaseFilter(period="2025-Q2"), "opened_on", True),
        ("year 2024 + topic", CaseFilter(period="2024", topic="pesten"), "id", False),
        ("status open, by last contact", CaseFilter(status="open"), "last_contact", True),
        ("memo search", CaseFilter(memo_search="COLLEGA"), "opened_on", True),
    ] + [(f"sort {k} {'↓' if d else '↑'}", CaseFilter(), k, d)
         for k in queries.CASE_SORT_KEYS for d in (False, True)]
    rows = []
    for size in sizes:
        with unlocked(size, folder_of) as reg:
            for label, flt, sort, desc in cases:

                def run() -> None:
                    queries.case_page(reg, flt, sort=sort, descending=desc)  # type: ignore[arg-type]
                    queries.count_cases(reg, flt)  # type: ignore[arg-type]

                limit, target = (0.25, "≤ 250 ms") if sort in totals else (0.1, "≤ 100 ms")
                rows.append(Row(f"queries: {label}, page + count ({size:,})",
                                timed(run, runs, warmup=1), target=target, check=le(limit),
                                size=size))
    return rows


def scenario_aggregation(sizes: Sequence[int] = SIZES, runs: int = 5,
                         folder_of: Callable[[int], Path] | None = None) -> list[Row]:
    """aggregation.quarter_measures against the same SQL run directly on a SQLCipher
    connection."""
    from app.models.periods import Quarter
    from app.services.confidant import aggregation

    quarter = Quarter.parse(generate.QUARTER)
    params = {"s": quarter.start.isoformat(), "e": quarter.end.isoformat()}
    rows = []
    for size in sizes:
        with unlocked(size, folder_of) as reg:
            def direct() -> None:
                conn = reg.raw_connection()  # type: ignore[attr-defined]  # its one connection
                try:
                    conn.execute(aggregation._SQL_SCALARS, params).fetchone()
                    conn.execute(aggregation._SQL_FIRST, params).fetchone()
                    for sql in aggregation._SQL_MAPS.values():
                        conn.execute(sql, params).fetchall()
                finally:
                    conn.close()

            samples = timed(lambda: aggregation.quarter_measures(reg, quarter), runs,  # type: ignore[arg-type]
                            warmup=1)
            floor = timed(direct, runs, warmup=1)
        rows.append(Row(f"quarterly aggregation ({size:,})", samples, floor,
                        "same SQL on a raw SQLCipher connection",
                        "≤ 1.5× floor" if size == SIZES[-1] else "grows ≤ linearly",
                        ratio_le(1.5) if size == SIZES[-1] else None, size=size,
                        group="quarterly aggregation"))
    return rows


def _module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def scenario_import(runs: int = 3, n: int = 1000) -> list[Row]:
    """Plan + apply + quarter table for ``n`` sealed VP files, against read_file of each."""
    target = "≤ 3 s and ≤ 2× floor"
    name = f"import + merge of {n:,} VP files"
    if not (_module("app.services.coordination.importing")
            and _module("app.services.coordination.merging")):
        return [unavailable(name, "app/services/coordination/importing.py and merging.py missing",
                            target)]
    from app.export.interchange import read_file
    from app.services.coordination import merging, roster
    from app.services.coordination.importing import apply_import, plan_import
    from app.services.storage import vault

    files = generate.quarter_files(n)
    assert files.coordinator is not None
    paths = files.files(generate.QUARTER)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "coordinator"
        template = Path(tmp) / "template"
        shutil.copytree(files.coordinator, template)
        reg = vault.unlock(template, generate.PASSPHRASE)
        try:  # enrolment is set-up, done once into a template
            for card in sorted(files.cards.iterdir()):
                roster.add_card(reg, card.read_bytes(), today=generate.TODAY,
                                active_from=dt.date(2026, 1, 1))
            profile = reg.profile()
            assert profile is not None
            key = profile.sealing_private_key
        finally:
            reg.close()
        current: list[object] = []

        def setup() -> None:
            while current:
                current.pop().close()  # type: ignore[attr-defined]
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(template, work)
            current.append(vault.unlock(work, generate.PASSPHRASE))

        def run() -> None:
            reg = current[0]
            plan = plan_import(reg, [files.folder / generate.QUARTER], generate.TODAY)  # type: ignore[arg-type]
            apply_import(reg, plan)  # type: ignore[arg-type]
            merging.quarter_table(reg, generate.QUARTER)  # type: ignore[arg-type]

        samples = timed(run, runs, setup=setup)
        setup()
        while current:
            current.pop().close()  # type: ignore[attr-defined]
        datas = [p.read_bytes() for p in paths]
        floor = timed(lambda: [read_file(d, key, today=generate.TODAY) for d in datas], runs)
    return [Row(name, samples, floor, "read_file (parse + unseal + verify) of each",
                target, ratio_le(2.0, 3.0))]


def scenario_save(runs: int = 5, contacts: int = 10_000) -> list[Row]:
    """20 contact moments saved one by one (a commit each, synchronous = FULL)."""
    saves = 20
    from sqlalchemy import select

    from app.models.entities import Case, ContactMoment
    from app.services.storage import vault

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "register"
        shutil.copytree(generate.register_folder(contacts), folder)
        reg = vault.unlock(folder, generate.PASSPHRASE)
        try:
            with reg.session() as s:
                case_id = s.scalars(select(Case.id)).first()

            def save() -> None:
                for _ in range(saves):
                    with reg.session() as s:
                        s.add(ContactMoment(case_id=case_id, on=dt.date(2026, 3, 2), minutes=30,
                                            mode="telefoon"))
            samples = timed(save, runs, warmup=1)
        finally:
            reg.close()
    return [Row(f"{saves} contact moments saved one by one ({contacts:,})", samples)]


def scenario_opening(runs: int = 3) -> list[Row]:
    """What opening the register without shared memory costs (issue 20, item 4): unlock, saves,
    import and aggregation in exclusive locking mode (WAL index in heap memory, now) against the
    same in normal locking mode (WAL index in a memory-mapped -shm, before). The two run
    alternately, so load from elsewhere hits both alike."""
    from app.models import database

    measures: list[Callable[[], list[Row]]] = [
        lambda: scenario_unlock(1),
        lambda: scenario_save(1),
        lambda: scenario_import(1),
        lambda: scenario_aggregation(SIZES[1:], 1),
    ]
    rows: list[Row] = []
    for measure in measures:
        now: list[Row] = []
        before: list[Row] = []
        for _ in range(runs):
            for mode, into in (("NORMAL", before), ("EXCLUSIVE", now)):
                database.LOCKING_MODE = mode
                try:
                    got = measure()
                finally:
                    database.LOCKING_MODE = "EXCLUSIVE"
                if not into:
                    into.extend(got)
                else:
                    for row, more in zip(into, got, strict=True):
                        row.samples += more.samples
        for row, old in zip(now, before, strict=True):
            rows.append(Row(f"{row.scenario}, exclusive locking (now)", row.samples,
                            old.samples, "normal locking, -shm mapped (before)",
                            "≤ 1.2× before", ratio_le(1.2)))
    return rows


def scenario_pdf(runs: int = 3, contacts: int = 10_000) -> list[Row]:
    rows: list[Row] = []
    name = f"PDF: VP quarter overview ({contacts:,} contacts)"
    if _module("app.export.pdf_vp"):
        from app.export import pdf_vp
        from app.models.periods import Quarter
        from app.services.confidant import quarter_overview

        quarter = Quarter.parse(generate.QUARTER)
        with unlocked(contacts) as reg, tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "overview.pdf"
            samples = timed(
                lambda: quarter_overview.write_vp_quarter_pdf(reg, quarter, None, out),  # type: ignore[arg-type]
                runs, warmup=1)
            facts = quarter_overview.collect_vp_quarter_facts(reg, quarter, None)  # type: ignore[arg-type]
            floor = timed(lambda: pdf_vp.render_vp_quarter_pdf(facts), runs)
        rows.append(Row(name, samples, floor, "rendering the same facts alone", "≤ 1 s", le(1.0)))
        rows.append(_vp_export_and_pdf(runs, contacts))
    else:
        rows.append(unavailable(name, "app/export/pdf_vp.py not on main yet", "≤ 1 s"))
    rows.append(_defence_year_pdf(runs))
    return rows


def _vp_export_and_pdf(runs: int, contacts: int = 10_000,
                       params: KdfParams | None = None) -> Row:
    """Export the quarter's file, then its PDF overview, of a register whose ``contacts``
    contact moments all fall in the chart's eight quarters (the scenario and target of the test
    that used to time it, tests/export/test_pdf_vp.py, now at 1,000 and functional only)."""
    from app.export import pdf_vp
    from app.models.keyfile import PRODUCTION_PROFILE
    from app.models.periods import Quarter
    from app.services.confidant import exporting, quarter_overview
    from app.services.storage import vault

    quarter = Quarter.parse(generate.QUARTER)
    with tempfile.TemporaryDirectory() as tmp:
        reg, _code = vault.create_register(Path(tmp) / "register", generate.PASSPHRASE,
                                           roles=("vp",), component="CLAS",
                                           params=params or PRODUCTION_PROFILE)
        try:
            generate.fill_quarters(reg, contacts, first_day=Quarter(2024, 4).start,
                                   last_day=quarter.end)
            outs = (Path(tmp) / f"out{i}" for i in itertools.count())

            def export_and_pdf() -> None:  # each run a new revision, as a re-export would be
                out = next(outs)
                result = exporting.export_quarter(reg, quarter, out, today=generate.TODAY)
                quarter_overview.write_vp_quarter_pdf(reg, quarter, result, out / "overview.pdf")

            samples = timed(export_and_pdf, runs, warmup=1)
            facts = quarter_overview.collect_vp_quarter_facts(reg, quarter, None)
            floor = timed(lambda: pdf_vp.render_vp_quarter_pdf(facts), runs)
        finally:
            reg.close()
    return Row(f"export + PDF: VP quarter ({contacts:,} contacts in 8 quarters)", samples, floor,
               "rendering the PDF alone", "≤ 1.5 s", le(1.5))


def defence_central_register(folder: Path, seed: int):  # type: ignore[no-untyped-def]
    """A central register in ``folder`` holding three years (2024–2026) of the seven
    components' quarterly files (one coordinator and one confidant each, random measures from
    ``seed``), imported on 2027-01-15. The caller closes it."""
    import random

    from app.models import codelists
    from app.services.coordination import importing
    from app.services.storage import vault
    from tests.services import coordination_helpers as helpers

    rng = random.Random(seed)
    reg, _code = vault.create_register(folder / "central", generate.PASSPHRASE,
                                       roles=("central",), component="DEFENSIE")
    try:
        components = [c.code for c in codelists.load().components]
        coordinators = {c: helpers.new_sender(f"{c}-CVP01", c, "coordinator")
                        for c in components}
        helpers.enrol(reg, *coordinators.values(), active_from=dt.date(2024, 1, 1))
        vps = {c: helpers.new_sender(f"{c}-VP001", c) for c in components}
        paths = []
        for year in (2024, 2025, 2026):  # the year report shows three years
            for q in (1, 2, 3, 4):
                quarter = f"{year}-Q{q}"
                for c in components:
                    inner = helpers.vp_file(vps[c], helpers.report_measures(rng), quarter=quarter)
                    paths.append(helpers.write(folder / "in", f"{c}-{quarter}.json",
                                               helpers.merged_file(coordinators[c], [inner])))
        plan = importing.plan_import(reg, paths, dt.date(2027, 1, 15))
        importing.apply_import(reg, plan, now=dt.datetime(2027, 1, 15, 9, 0))
    except BaseException:
        reg.close()
        raise
    return reg


def _defence_year_pdf(runs: int) -> Row:
    """A central register holding three years of the seven components' files: build the
    protected Defence year report and write its PDF, against rendering the same tables. The
    data and target of tests/export/test_reports.py's Defence report test, which used to time
    it."""
    from app.export.pdf_report import render_report_pdf
    from app.services.coordination.period_plan import publish_report
    from app.services.coordination.report_data import report_data

    name = "PDF: Defence year report (7 components)"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reg = defence_central_register(folder, seed=7)
        try:
            outs = (folder / f"defence{i}.pdf" for i in itertools.count())  # never over a file
            day = dt.date(2027, 1, 15)  # the year is over: every quarter has figures
            samples = timed(lambda: publish_report(reg, 2026, None, "pdf", next(outs), "nl", 5,
                                                   today=day), runs, warmup=1)
            data = report_data(reg, 2026, k=5, today=day)
            floor = timed(lambda: render_report_pdf(data, lang="nl"), runs)
        finally:
            reg.close()
    return Row(name, samples, floor, "rendering the same protected tables alone", "≤ 3 s",
               le(3.0))


def disclosure_ledger(folder: Path):  # type: ignore[no-untyped-def]
    """A central register with three years of the seven components' files, its 12 quarter
    reports published one after another (each protected against those before: the ledger,
    carrying the witnesses of the one before), and the Defence year report 2026's table.
    Returns (table, earlier publications, the last one's certificate)."""
    from app.services.coordination.report_data import report_data

    reg = defence_central_register(folder, seed=19)
    try:
        day = dt.date(2027, 1, 15)
        published = []
        carried: tuple[object, ...] = ()
        for year in (2024, 2025, 2026):
            for q in (1, 2, 3, 4):
                data = report_data(reg, year, f"{year}-Q{q}", k=5, today=day,
                                   prior=tuple(published), carried=carried)
                published.append(data.publication)
                carried = () if data.certificate is None else (data.certificate,)
        year_report = report_data(reg, 2026, k=5, today=day)
        return year_report.publication.table, tuple(published), carried
    finally:
        reg.close()


def scenario_disclosure(runs: int = 3, plan_runs: int = 1) -> list[Row]:
    """Protect and certify the Defence year report 2026 (three years side by side) against 12
    earlier quarter reports, with the witnesses of the last one's certificate carried over
    (against solving every question afresh); check its certificate in pure Python; plan the
    period 2026 of a central register (the Defence report and the seven component reports
    protected together, issue 19 Build 3). CPU time and the load beside each (a shared
    machine)."""
    from app.export import solver
    from app.export.disclosure import Publication, protect, verify_certificate
    from app.services.coordination.period_plan import period_tables

    day = dt.date(2027, 1, 15)
    with tempfile.TemporaryDirectory() as tmp:
        table, prior, carried = disclosure_ledger(Path(tmp))
        reg = defence_central_register(Path(tmp) / "period", seed=7)
        try:
            period = period_tables(reg, 2026, None, k=5, today=day)
        finally:
            reg.close()
    calls = {"solves": 0}
    solve = solver.LinearModel.solve

    def counted(self: solver.LinearModel) -> list[float] | None:
        calls["solves"] += 1
        return solve(self)

    def cpu(fn: Callable[[], object], n: int) -> tuple[list[float], str]:
        """Wall samples, and the note of CPU time, load and solver calls per run."""
        calls["solves"] = 0
        load = (f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg")
                else "not known (Windows)")
        started = time.process_time()
        samples = timed(fn, n)
        used = (time.process_time() - started) / n
        return samples, (f"CPU {used:.2f} s a run at load {load}, "
                         f"{calls['solves'] // n} solver calls")

    solver.LinearModel.solve = counted  # type: ignore[method-assign]
    try:
        results = []
        protect_samples, protect_note = cpu(
            lambda: results.append(protect(table, 5, prior, carried)), runs)
        fresh_samples, fresh_note = cpu(lambda: results.append(protect(table, 5, prior)), runs)
        planned = []
        plan_samples, plan_note = cpu(
            lambda: planned.append(protect(period.table, period.k, ())), plan_runs)
    finally:
        solver.LinearModel.solve = solve  # type: ignore[method-assign]
    protected = results[0]
    publication = Publication.of(table, protected)
    problems: list[str] = []
    check_samples, check_note = cpu(lambda: problems.extend(
        verify_certificate(publication, prior, protected.certificate)), runs)
    cert = protected.certificate
    note = (f"{len(table.values)} cells, {len(table.inequalities)} inequalities, "
            f"{len(prior)} earlier reports, {len(protected.hidden())} hidden, "
            f"{len(cert.quantities)} hidden quantities, {len(cert.assignments)} witnesses; "
            f"with the earlier witnesses carried over: {protect_note}; without: "
            f"{fresh_note}; problems found: {len(problems)}")
    plan = planned[0]
    plan_cert = plan.certificate
    return [Row("Disclosure: protect + certify the Defence year report (3 years, 12 earlier "
                "reports, witnesses carried over)", protect_samples, fresh_samples,
                "the same without carrying the witnesses over", target="≤ 2 s",
                check=le(2.0), note=note),
            Row("Disclosure: check its certificate", check_samples, target="≤ 0.2 s",
                check=le(0.2), note=check_note.rsplit(",", 1)[0]),
            Row("Disclosure: plan a period (Defence + 7 component year reports 2026, "
                "protected together)", plan_samples,
                note=(f"{len(period.table.values)} cells, {len(plan.hidden())} hidden, "
                      f"{len(plan_cert.assignments) if plan_cert else 0} witnesses; "
                      f"{plan_note}"))]


def scenario_fuzz(cases: int = 10_000, runs: int = 3) -> list[Row]:
    """The fuzz test's mutated quarterly files (tests/reliability/test_fuzz.py: the same
    Hypothesis strategy, derandomized, the same number of cases) through read_file; each run
    reports its slowest file. The test checks every one is refused cleanly or is an own-key
    edit; here only how long the worst takes counts: a file on a USB stick must never stall
    the import."""
    from hypothesis import HealthCheck, Phase, given, settings

    from app.errors import AppError
    from app.export import interchange
    from app.models import keyfile

    before = keyfile.PROFILE, keyfile.FLOOR
    from tests.reliability.test_fuzz import Corpus, mutated_files  # imports tests/conftest.py

    # which installs the tests' cheap key derivation: not for the other scenarios
    keyfile.PROFILE, keyfile.FLOOR = before

    corpus = Corpus()
    files: list[bytes] = []

    @settings(max_examples=cases, deadline=None, derandomize=True, database=None,
              phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
    @given(mutated_files(corpus))
    def collect(case: tuple[str, bytes]) -> None:
        files.append(case[1])

    collect()

    def read(data: bytes) -> None:
        with contextlib.suppress(AppError):
            interchange.read_file(data, corpus.coordinator.private_key, today=generate.TODAY)

    slowest = [max(timed(lambda: read(data), 1)[0] for data in files)
               for _ in range(runs)]
    floor = timed(lambda: read(corpus.sealed), 5, warmup=1)
    return [Row(f"fuzz: slowest of {len(files):,} mutated quarterly files through read_file",
                slowest, floor, "reading the valid sealed file", "< 1 s", le(1.0),
                note="median over runs of each run's slowest file; the fuzz test only reports "
                     "its slowest")]


def _memory_child(contacts: int) -> None:
    """In a child process: unlock (real KDF), main window with the register, report VmHWM."""
    from app.services.storage import vault

    qt_app()
    window = new_window()
    reg = vault.unlock(generate.register_folder(contacts), generate.PASSPHRASE)
    after_kdf = _status("VmHWM")
    with contextlib.suppress(OSError):  # reset the high-water mark: what the view itself costs
        Path("/proc/self/clear_refs").write_text("5")
    window.attach(reg)
    window.show()
    process_events()
    window.cases_view.scrollToBottom()  # fetch a few more pages, as a user scrolling would
    process_events()
    print("MEM", after_kdf, _status("VmHWM"), _status("VmRSS"), flush=True)
    reg.close()


def _status(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return math.nan


def scenario_memory(runs: int = 3, contacts: int = 200_000) -> list[Row]:
    """Peak RSS of a process with the register open in the main window."""
    whole, view, bare = [], [], []
    with tempfile.TemporaryDirectory() as home:
        for _ in range(runs):
            proc = subprocess.run([sys.executable, "-m", "benchmarks.run", "--memory-child",
                                   str(contacts)], env=child_env(Path(home)), capture_output=True,
                                  text=True, timeout=120, cwd=ROOT)
            line = next((x for x in proc.stdout.splitlines() if x.startswith("MEM ")), None)
            if line is None:
                raise RuntimeError(proc.stderr[-2000:])
            after_kdf, hwm_view, _rss = (float(x) for x in line.split()[1:])
            whole.append(max(after_kdf, hwm_view))
            view.append(hwm_view)
            script = BARE_WINDOW + (
                "\nimport pathlib\nprint('MEM', [l for l in pathlib.Path('/proc/self/status')"
                ".read_text().splitlines() if l.startswith('VmHWM')][0].split()[1])\n"
            )
            proc = subprocess.run([sys.executable, "-c", script], env=child_env(Path(home)),
                                  capture_output=True, text=True, timeout=60)
            bare.append(int(next(x for x in proc.stdout.splitlines()
                                 if x.startswith("MEM ")).split()[1]) / 1024)
    return [
        Row(f"peak RSS, {contacts:,} contacts in the GUI (whole process, with the KDF)", whole,
            bare, "bare PySide6 window", "≤ 300 MB", le(300), unit="MB",
            note="includes Argon2id's working memory during unlock"),
        Row(f"peak RSS, {contacts:,} contacts in the GUI (after unlock: open + scroll)", view,
            bare, "bare PySide6 window", "≤ 300 MB", le(300), unit="MB"),
    ]


# --- the GUI thread during slow work ---------------------------------------------------------
def _longest_gap(start: Callable[[], object], running: Callable[[], bool]) -> tuple[float, float]:
    """Start slow work from the GUI and keep the event loop going until it is done; a 5 ms timer
    notes when the loop turned. Returns (the longest gap between turns, the work's duration)."""
    from PySide6.QtCore import QCoreApplication, QTimer

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    began = time.perf_counter()
    ticks.append(began)
    start()
    while running():
        QCoreApplication.processEvents()
        time.sleep(0.001)
    ended = time.perf_counter()
    ticks.append(ended)
    timer.stop()
    return max(b - a for a, b in itertools.pairwise(ticks)), ended - began


def scenario_gui_thread(runs: int = 3) -> list[Row]:
    """The longest time the window cannot repaint (or move its cursor) while a key is derived
    (unlock), a backup is made, a PDF written, the quarterly file exported, and (coordinator)
    files imported, a quarter forwarded and a report written: each runs through the window's
    runner (app.ui.shared.ops) in a worker. The floor is the same loop with nothing beside it."""
    from app.models.periods import Quarter
    from app.services.storage import vault
    from app.settings import Settings
    from app.ui.confidant.export_dialog import ExportDialog
    from app.ui.register.settings_dialog import SettingsDialog
    from app.ui.register.unlock import UnlockDialog
    from app.ui.shared.signals import AppSignals
    from app.ui.shared.worker import set_program_objects_aside

    qt_app()
    source = generate.register_folder(10_000)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "register"
        shutil.copytree(source, folder)
        def idle_for(seconds: float = 0.3) -> float:
            until = time.perf_counter() + seconds
            return _longest_gap(lambda: None, lambda: time.perf_counter() < until)[0]

        idle = [idle_for() for _ in range(runs)]

        unlock = UnlockDialog(folder, Path(tmp) / "backups")
        unlock.show()
        gaps, took = [], []
        for _ in range(runs):
            unlock.passphrase.setText(generate.PASSPHRASE)
            gap, seconds = _longest_gap(unlock.try_unlock, lambda: unlock.busy)
            gaps.append(gap)
            took.append(seconds)
            assert unlock.register is not None, "the unlock failed"
            unlock.register.close()
            unlock.register = None
        unlock.close()
        rows.append(Row(f"GUI thread during unlock (the work takes "
                        f"{statistics.median(took):.2f} s)",
                        gaps, idle, "the event loop with nothing beside it", "≤ 100 ms",
                        le(0.1)))

        register = vault.unlock(folder, generate.PASSPHRASE)
        set_program_objects_aside()  # as the unlock window does
        signals = AppSignals()
        settings = Settings()
        dialog = SettingsDialog(settings, register, Path(tmp) / "backups")
        dialog.show()
        gaps, took = [], []
        for _ in range(runs):
            gap, seconds = _longest_gap(dialog.make_backup, lambda: dialog.busy)
            gaps.append(gap)
            took.append(seconds)
        dialog.close()
        rows.append(Row(f"GUI thread during a backup (the work takes "
                        f"{statistics.median(took):.2f} s)",
                        gaps, idle, "the event loop with nothing beside it", "≤ 100 ms",
                        le(0.1)))

        export = ExportDialog(register, signals, settings)
        export.select_quarter(Quarter(2026, 3))
        export.show()
        gaps, took = [], []
        for i in range(runs):
            gap, seconds = _longest_gap(
                lambda i=i: export.write_pdf_to(Path(tmp) / f"overview-{i}.pdf"),
                lambda: export.ops.busy)
            gaps.append(gap)
            took.append(seconds)
        export.close()
        rows.append(Row(f"GUI thread while the quarter's PDF overview is written, the process's "
                        f"first PDF included (the work takes {statistics.median(took):.2f} s)",
                        gaps, idle, "the event loop with nothing beside it", "≤ 50 ms",
                        le(0.05)))
        gaps, took = [], []
        for i in range(runs):  # each run a new window and a new revision, as a re-export is
            export = ExportDialog(register, signals, settings, confirm=lambda *_a: True)
            export.select_quarter(Quarter(2026, 3))
            export.set_folder(Path(tmp) / f"export-{i}")
            export.show()
            gap, seconds = _longest_gap(export.export_now, lambda: export.ops.busy)
            assert export.last_result is not None, export.error_text()
            gaps.append(gap)
            took.append(seconds)
            export.close()
        register.close()
        rows.append(Row(f"GUI thread while the quarterly file is exported (the work takes "
                        f"{statistics.median(took):.2f} s)", gaps, idle,
                        "the event loop with nothing beside it", "≤ 50 ms", le(0.05)))
        rows += _gui_thread_coordination(runs, idle, Path(tmp))
    return rows


def _gui_thread_coordination(runs: int, idle: list[float], tmp: Path) -> list[Row]:
    """The coordinator's slow steps, each started from its window as a person would: importing
    200 files (after the dry run), forwarding the quarter, writing the quarter's PDF report."""
    from app.services.coordination import roster
    from app.services.storage import vault
    from app.settings import Settings
    from app.ui.coordination.forward_dialog import ForwardDialog
    from app.ui.coordination.import_dialog import ImportDialog
    from app.ui.coordination.workspace import CoordinationWorkspace
    from app.ui.shared.signals import AppSignals
    from app.ui.shared.worker import collect_everything, set_program_objects_aside

    files = generate.quarter_files(200)
    assert files.coordinator is not None
    template = tmp / "coordinator-template"
    shutil.copytree(files.coordinator, template)
    reg = vault.unlock(template, generate.PASSPHRASE)
    try:
        for card in sorted(files.cards.iterdir()):
            roster.add_card(reg, card.read_bytes(), today=generate.TODAY,
                            active_from=dt.date(2026, 1, 1))
    finally:
        reg.close()
    today = lambda: generate.TODAY  # noqa: E731
    steps: dict[str, tuple[list[float], list[float]]] = {
        "200 quarterly files are imported": ([], []), "the quarter is forwarded": ([], []),
        "the quarter's PDF report is written": ([], [])}
    for i in range(runs):
        work = tmp / f"coordinator-{i}"
        shutil.copytree(template, work)
        reg = vault.unlock(work, generate.PASSPHRASE)
        set_program_objects_aside()  # as the unlock window does; locking gives them back
        try:
            dialog = ImportDialog(reg, today, receipts_dir=tmp / f"receipts-{i}")
            dialog.show()
            dialog.set_paths([files.folder / generate.QUARTER])
            dialog.start_dry_run()
            dialog.ops.wait()
            _measured(steps["200 quarterly files are imported"],
                      dialog.confirm_import, lambda: dialog.busy)
            assert dialog.import_result is not None, dialog.error_line.sentence()
            dialog.close()
            forward = ForwardDialog(reg, today, out_dir=tmp / f"forward-{i}")
            forward.select_quarter(generate.QUARTER)
            forward.show()
            _measured(steps["the quarter is forwarded"], forward.write,
                      lambda: forward.ops.busy)
            assert forward.forward_result is not None, forward.error_line.sentence()
            forward.close()
            workspace = CoordinationWorkspace(AppSignals(), Settings(), today=today)
            workspace.attach(reg)
            workspace.show()
            year, quarter = int(generate.QUARTER[:4]), generate.QUARTER
            out = tmp / f"report-{i}.pdf"
            _measured(steps["the quarter's PDF report is written"],
                      lambda: workspace.start_report(year, quarter, "pdf", out, "nl", 5),
                      lambda: workspace.ops.busy)
            assert out.read_bytes().startswith(b"%PDF")
            workspace.close()
        finally:
            reg.close()
            collect_everything()  # as locking does
    return [Row(f"GUI thread while {what} (the work takes {statistics.median(took):.2f} s)",
                gaps, idle, "the event loop with nothing beside it", "≤ 50 ms", le(0.05))
            for what, (gaps, took) in steps.items()]


def _measured(into: tuple[list[float], list[float]], start: Callable[[], object],
              running: Callable[[], bool]) -> None:
    gap, seconds = _longest_gap(start, running)
    into[0].append(gap)
    into[1].append(seconds)


# --- the Windows bundle under Wine (informational: Wine is not Windows) ----------------------
WIN_BUNDLE = ROOT / "dist" / "windows" / "Vertrouwd"
WIN_PYTHON = ROOT / "build" / "windows" / "python" / "python.exe"
ROWS_MARK = "VERTROUWD_BENCH_ROWS"


def _winenv():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "tools" / "windows"))
    import winenv

    return winenv


def _under_wine(args: list[str], home: Path) -> tuple[float, list[str]]:
    """Run `winenv.py ARGS` (a Windows program under Wine); its seconds and output lines."""
    env = child_env(home)
    env["VERTROUWD_BENCH_EXIT_ON_SHOWN"] = "1"
    start = time.time()
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "windows" / "winenv.py"), *args],
                          env=env, capture_output=True, text=True, timeout=600, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {proc.stdout[-300:]} {proc.stderr[-300:]}")
    return time.time() - start, proc.stdout.splitlines()


def scenario_windows(runs: int = 3) -> list[Row]:
    """Start-up to the unlock window of the Windows bundle, and unlock → register shown in the
    Windows Python, both under Wine 8 on this machine. Informational: Wine translates every
    Windows call and has no Defender, so a real laptop differs either way."""
    note = "under Wine 8, informational: Wine is not Windows"
    rows: list[Row] = []
    cli = WIN_BUNDLE / "vertrouwd-cli.exe"
    if not cli.is_file():
        rows.append(unavailable("Windows bundle: process start → unlock dialog shown",
                                "make dist-windows builds the bundle first"))
    else:
        winenv = _winenv()
        folder = winenv.win_path(generate.register_folder(10_000))
        with tempfile.TemporaryDirectory() as home:
            app_args = ["run", "--", winenv.win_path(cli), "--register", folder]
            bare_args = ["run", "--", winenv.win_path(cli), "--version"]
            _under_wine(app_args, Path(home))  # the first start under Wine also warms its caches
            samples, floor = [], []
            for _ in range(runs):
                seconds, lines = _under_wine(app_args, Path(home))
                if not any(line.startswith(SHOWN_MARK) for line in lines):
                    raise RuntimeError(f"no {SHOWN_MARK} line: {lines[-5:]}")
                samples.append(seconds)
                floor.append(_under_wine(bare_args, Path(home))[0])
        rows.append(Row("Windows bundle: process start → unlock dialog shown", samples, floor,
                        "the same bundle printing its version", note=note))
    if not WIN_PYTHON.is_file():
        rows.append(unavailable("Windows: unlock → register shown (10,000 contacts)",
                                "make windows-setup installs the Windows Python first"))
        return rows
    with tempfile.TemporaryDirectory() as home:
        _seconds, lines = _under_wine(
            ["python", "--", "-m", "benchmarks.run", "--windows-child", "unlock"], Path(home))
    got = [json.loads(line.split(" ", 1)[1]) for line in lines if line.startswith(ROWS_MARK)]
    if not got:
        raise RuntimeError(f"no {ROWS_MARK} line: {lines[-5:]}")
    for r in got:
        rows.append(Row(f"Windows: {r['scenario']}", r["samples"], r["floor"], r["floor_name"],
                        note=note))
    return rows


def _windows_child(name: str) -> None:
    """In the Windows Python: one scenario, its rows as a JSON line for scenario_windows."""
    for r in SCENARIOS[name]():
        print(ROWS_MARK, json.dumps({"scenario": r.scenario, "samples": r.samples,
                                     "floor": r.floor, "floor_name": r.floor_name}), flush=True)


def scenario_cli() -> list[Row]:
    from benchmarks.cli_reports import scenario_cli as run

    return run()


def scenario_reports() -> list[Row]:
    from benchmarks.cli_reports import scenario_reports as run

    return run()


def scenario_figure11() -> list[Row]:
    from benchmarks.cli_reports import scenario_figure11 as run

    return run()


SCENARIOS: dict[str, Callable[..., list[Row]]] = {
    "startup": scenario_startup,
    "unlock": scenario_unlock,
    "register": scenario_register_view,
    "queries": scenario_queries,
    "aggregation": scenario_aggregation,
    "import": scenario_import,
    "save": scenario_save,
    "opening": scenario_opening,  # issue 20, item 4
    "pdf": scenario_pdf,
    "fuzz": scenario_fuzz,
    "disclosure": scenario_disclosure,
    "memory": scenario_memory,
    "gui-thread": scenario_gui_thread,
    "windows": scenario_windows,
    "cli": scenario_cli,  # issue 19: benchmarks/cli_reports.py
    "reports": scenario_reports,
    "figure11": scenario_figure11,  # issue 19: the whole pipeline through the command line
}
# Run only when named (`make bench BENCH_ARGS="--only figure11"`): the Figure-11 pipeline
# alone takes minutes (about 280 new processes, each with the real key derivation).
ON_REQUEST = frozenset({"figure11"})


# --- report ---------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    import PySide6
    import PySide6.QtCore
    import sqlalchemy

    from app.models import database

    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "?"
    with contextlib.suppress(OSError, ValueError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    conn = database.dbapi.connect(":memory:")
    cipher = database.cipher_version(conn)
    sqlite = conn.execute("select sqlite_version()").fetchone()[0]
    conn.close()
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "RAM": ram,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Qt / PySide6": f"{PySide6.QtCore.qVersion()} / {PySide6.__version__}",
        "SQLCipher / SQLite": f"{cipher} / {sqlite}",
        "SQLAlchemy": sqlalchemy.__version__,
        "Date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        # Other work on a shared machine moves every figure; the floors move with it.
        "Load average (1/5/15 min) at the end": (
            " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg")
            else "not known (Windows)"),
    }


def growth(rows: list[Row]) -> list[str]:
    """How each figure grows from 1k to 10k to 200k contacts: the exponent b in t ~ n^b."""
    notes = []
    groups: dict[str, list[Row]] = {}
    for r in rows:
        if r.group and r.samples:
            groups.setdefault(r.group, []).append(r)
    for name, items in groups.items():
        items.sort(key=lambda r: r.size or 0)
        if len(items) < 2:
            continue
        steps = []
        for a, b in itertools.pairwise(items):
            steps.append(math.log(b.median / a.median) / math.log((b.size or 1) / (a.size or 1)))
        first, last = items[0], items[-1]
        exponent = math.log(last.median / first.median) / math.log(
            (last.size or 1) / (first.size or 1)
        )
        kind = ("flat" if exponent < 0.25 else "sub-linear" if exponent < 0.85
                else "linear" if exponent <= 1.15 else "WORSE than linear")
        figures = " → ".join(fmt(r.median, r.unit) for r in items)
        per_step = ", ".join(f"n^{e:.2f}" for e in steps)
        notes.append(f"- **{name}**: {figures} for {' / '.join(f'{r.size:,}' for r in items)} "
                     f"contacts; overall n^{exponent:.2f}, {kind} (per step {per_step}).")
    return notes


def render(rows: list[Row], seconds: float, info: dict[str, str]) -> str:
    out = ["# Benchmark results", "",
           "Generated by `make bench` (`python -m benchmarks.run`); do not edit by hand.", ""]
    out += [f"- {k}: {v}" for k, v in info.items()]
    out += [f"- Total run time: {seconds:.0f} s", "",
            "Median of repeated runs; spread is min–max. The floor is measured in the same run; "
            "ratio = median / floor median.", "",
            "| Scenario | Median | Spread | Floor | Floor median | Ratio | Target | Met? |",
            "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if not r.samples:
            out.append(f"| {r.scenario} | – | – | – | – | – | {r.target} | {r.note} |")
            continue
        spread = f"{fmt(min(r.samples), r.unit)}–{fmt(max(r.samples), r.unit)} (n={len(r.samples)})"
        met = {None: "–", True: "yes", False: "**NO**"}[r.met]
        ratio = "–" if math.isnan(r.ratio) else f"{r.ratio:.2f}×"
        out.append(f"| {r.scenario} | {fmt(r.median, r.unit)} | {spread} | {r.floor_name or '–'} "
                   f"| {fmt(r.floor_median, r.unit)} | {ratio} | {r.target} | {met} |")
    notes = [r for r in rows if r.note and r.samples]
    if notes:
        out += ["", "Notes:"] + [f"- {r.scenario}: {r.note}" for r in notes]
    out += ["", "## Growth from 1k to 10k to 200k contact moments", ""] + growth(rows)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run")
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS))
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")))
    parser.add_argument("--quick", action="store_true",
                        help="do not warm the cached registers first")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--windows-child", choices=["unlock"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.windows_child:
        _windows_child(args.windows_child)
        return 0
    if args.memory_child:
        _memory_child(args.memory_child)
        return 0
    started = time.perf_counter()
    if not args.quick:
        print("generating / checking cached data …", flush=True)
        for size in SIZES:
            generate.register_folder(size)
        generate.component_files()
        generate.quarter_files()
    rows: list[Row] = []
    for name in args.only or [n for n in SCENARIOS if n not in ON_REQUEST]:
        t = time.perf_counter()
        try:
            got = SCENARIOS[name]()
        except Exception as exc:  # noqa: BLE001 - one broken scenario must not hide the others
            got = [Row(name, [], note=f"failed: {type(exc).__name__}: {exc}"[:200])]
        rows += got
        print(f"{name}: {time.perf_counter() - t:.1f} s", flush=True)
        for r in got:
            print(f"   {r.scenario}: {fmt(r.median, r.unit)} (floor {fmt(r.floor_median, r.unit)})"
                  f" met={r.met} {r.note}", flush=True)
    seconds = time.perf_counter() - started
    text = render(rows, seconds, machine())
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
