"""The year report after its quarter reports (issue 19, Build 3): quarter reports go out as
each quarter ends, so the year report must be possible after them, with the rule kept.

What pinned it before: the year report ties its quarter columns together by definition —
open(Q−1) + new(Q) = open(Q) + closed(Q), and the bounds between consecutive quarters — while
each quarter report was protected without the quarter before it. A reader holding two quarter
reports knows that identity too; the quarter reports had shown what, with it, gives a hidden
count away (2025-Q2: CZSK's closed cases, 3, with its open cases hidden, no longer 0). Now a
quarter report carries the identity with the quarter before it (that quarter's open cases a
cell of the model, never printed), so the year report adds nothing a reader did not hold.

The attacker here reads the stock-flow identity across the printed reports on its own
(``_stock_flow``), besides the cross sums "Defence = the sum of the components"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.export.disclosure import Equation, ProtectedCell, Publication, Status, Table
from app.services.coordination import publications
from app.services.coordination.period_plan import publish_report
from app.services.storage.vault import Register
from tests.services.conftest import central_template  # noqa: F401 (fixture)
from tests.services.disclosure_oracle import attack
from tests.services.test_period_plan import NOW, _central, _cross_sums, _printed, _revise

QUARTER_DAYS = {1: (4, 15), 2: (7, 15), 3: (10, 15), 4: (1, 15)}  # when each report goes out


def _quarter_day(year: int, q: int) -> dt.date:
    month, day = QUARTER_DAYS[q]
    return dt.date(year + 1 if q == 4 else year, month, day)


REPORTS = (None, "CLAS", "CZSK")  # Defence and its components: every report of a period


def _quarters(reg: Register, folder: Path, year: int, numbers: tuple[int, ...] = (1, 2, 3, 4)
              ) -> list[int]:
    """The quarter reports (Defence, CLAS, CZSK), each quarter's written when it has ended."""
    return [publish_report(reg, year, f"{year}-Q{q}", "csv",
                           folder / f"{c or 'DEF'}-{year}-Q{q}.csv", "en", 5, now=NOW,
                           today=_quarter_day(year, q), component=c).id
            for q in numbers for c in REPORTS]


def _year(reg: Register, folder: Path, year: int) -> list[int]:
    return [publish_report(reg, year, None, "csv", folder / f"{c or 'DEF'}-{year}.csv", "en",
                           5, now=NOW, today=dt.date(year + 1, 1, 20), component=c).id
            for c in REPORTS]


def _stock_flow(printed: list[tuple[str | None, Publication]]) -> Publication:
    """What a reader knows by definition across the printed reports: for each register's
    figures (Defence, or a component's ``@CODE``) and two consecutive quarters whose figures
    some reports printed (shown or hidden), open(Q−1) + new(Q) = open(Q) + closed(Q) where the
    true figures satisfy it (a sum the reader may form: the helper is a hidden figure)."""
    values: dict[object, int] = {}
    cells: dict[object, ProtectedCell] = {}
    held: dict[object, tuple[int, ProtectedCell]] = {}
    for _, pub in printed:  # the latest figure of each cell (a revision: the newer value)
        for key, value in pub.table.values.items():
            if isinstance(key, tuple) and key[0].startswith("cases_"):
                held[key] = (value, pub.cells[key])
    equations = []
    for (measure, period), (open_before, _cell) in sorted(held.items(), key=repr):
        if not measure.startswith("cases_open_end") or "-Q" not in period:
            continue
        suffix = measure.removeprefix("cases_open_end")
        year, q = int(period[:4]), int(period[-1])
        after = f"{year + 1}-Q1" if q == 4 else f"{year}-Q{q + 1}"
        parts = {name: (f"cases_{name}{suffix}", after) for name in ("new", "open_end", "closed")}
        if not all(p in held for p in parts.values()):
            continue
        new, open_after, closed = (held[parts[n]][0] for n in ("new", "open_end", "closed"))
        if open_before + new != open_after + closed:
            continue
        helper = (f"reader-flow{suffix}", after)
        values[helper] = open_before + new
        cells[helper] = ProtectedCell(helper, Status.HIDDEN, None, 5)
        for key in ((measure, period), *parts.values()):
            values[key] = held[key][0]
            cells[key] = held[key][1]
        equations += [Equation(helper, ((measure, period), parts["new"])),
                      Equation(helper, (parts["open_end"], parts["closed"]))]
    return Publication(Table(values, tuple(equations)), cells, 5)


def _narrowed(reg: Register, first: int | None = None) -> list[tuple[int, object, int]]:
    """What the attacker holding every printed report (``first``: the first so many), the
    cross sums, the stock-flow identity and the years as sums of their quarters rules out
    of the reports' hidden counts (the plans' witnesses tried first). Last in a test:
    without scipy (Windows) it skips there."""
    printed = _printed(reg)[:first]
    flows = _stock_flow(printed)
    hints = [[plan.certificate for plan in publications.plans(reg)]]
    ruled_out, _questions = attack([[*(p for _, p in printed), _cross_sums(printed), flows,
                                     _year_sums(printed)]], hints)
    # the reader's own sums are no counts of a report: only the reports' figures are asked
    return [r for r in ruled_out if not str(r[1][0]).startswith("reader-flow")]


def test_the_year_report_after_its_four_quarter_reports(central_template: Path,
                                                        tmp_path: Path) -> None:
    """Q1..Q4 of 2025 published one after another as each ended, then the 2025 year report:
    it is published (before: refused over CZSK's closed cases of 2025-Q2), every certificate
    holds, and the attacker holding all five narrows nothing."""
    reg, _made = _central(central_template, tmp_path / "central", 31)
    try:
        numbers = [*_quarters(reg, tmp_path, 2025), *_year(reg, tmp_path, 2025)]
        assert [publications.verify(reg, n) for n in numbers] == [[]] * 15
        printed = _printed(reg)
        # the reader ties the quarters together (the figures of seed 31 keep the identity in
        # 2025-Q2 for Defence and both components)
        assert len(_stock_flow(printed[:12]).table.equations) == 6
        # the year report prints its quarter columns as the quarter reports did
        (_, q2), (_, year) = printed[3 + 2], printed[-1]
        key = ("cases_closed@CZSK", "2025-Q2")
        assert q2.cells[key].status is year.cells[key].status is Status.HIDDEN
        assert sum(len(p.hidden()) for _, p in printed) > 50
        assert _narrowed(reg, first=12) == []  # the quarter reports alone
        assert _narrowed(reg) == []
    finally:
        reg.close()


def test_the_next_year_report_after_a_year_and_its_quarters(central_template: Path,
                                                            tmp_path: Path) -> None:
    """2025's quarters and year report, then 2026's quarters and year report (2025 and 2026
    side by side): each is published and the attacker holding all of them narrows nothing."""
    reg, _made = _central(central_template, tmp_path / "central", 31)
    try:
        numbers = [*_quarters(reg, tmp_path, 2025), *_year(reg, tmp_path, 2025)]
        numbers += [*_quarters(reg, tmp_path, 2026), *_year(reg, tmp_path, 2026)]
        assert [publications.verify(reg, n) for n in numbers] == [[]] * 30
        assert _narrowed(reg) == []
    finally:
        reg.close()


def test_quarter_reports_after_a_revision_of_an_earlier_quarter(central_template: Path,
                                                               tmp_path: Path) -> None:
    """2026-Q1..Q3 published, then CZSK's coordinator revises 2026-Q3: Q3 again (a new plan),
    Q4 and the year report are published, and nothing narrows — the old Q3 figures and the
    new ones both in the reader's hands."""
    reg, made = _central(central_template, tmp_path / "central", 31)
    try:
        numbers = _quarters(reg, tmp_path, 2026, (1, 2, 3))
        _revise(reg, tmp_path / "revision", made)
        again = tmp_path / "again"
        again.mkdir()
        numbers += [*_quarters(reg, again, 2026, (3, 4)), *_year(reg, tmp_path, 2026)]
        assert [publications.verify(reg, n) for n in numbers] == [[]] * 18
        assert [e.plan for e in publications.entries(reg)][6:12] == [3] * 3 + [4] * 3
        assert _narrowed(reg) == []
    finally:
        reg.close()


def test_through_the_command_line(central_template: Path, tmp_path: Path) -> None:
    """The same through ``vertrouwd report`` (today: every quarter of 2025 has ended) and
    ``vertrouwd verify-publication``: four quarter reports, then the year report."""
    from app import cli
    from tests.services.test_period_plan import _cli

    folder = tmp_path / "central"
    reg, _made = _central(central_template, folder, 31)
    reg.close()
    out = tmp_path / "out"
    out.mkdir()
    periods = [["--quarter", f"2025-Q{q}"] for q in (1, 2, 3, 4)] + [[]]
    for n, period in enumerate(periods, start=1):
        code, said, err = _cli(folder, tmp_path, "report", "--year", "2025", *period,
                               "--format", "csv", "--out", str(out / f"{n}.csv"), lang="en")
        assert code == cli.EXIT_OK, err
        assert f"publication {n}" in said
    for n in range(1, len(periods) + 1):
        code, said, err = _cli(folder, tmp_path, "verify-publication", str(n), lang="en")
        assert code == cli.EXIT_OK, err
    assert sorted(p.name for p in out.iterdir()) == [f"{n}.csv" for n in range(1, 6)]


def _year_sums(printed: list[tuple[str | None, Publication]]) -> Publication:
    """What a reader knows by definition of a year column: the sum of its four quarters'
    figures (open cases: the last quarter's), wherever some reports printed all of them."""
    held: dict[object, tuple[int, ProtectedCell]] = {}
    for _, pub in printed:
        for key, value in pub.table.values.items():
            if isinstance(key, tuple):
                held[key] = (value, pub.cells[key])
    values: dict[object, int] = {}
    cells: dict[object, ProtectedCell] = {}
    equations = []
    for (measure, period), (value, _cell) in sorted(held.items(), key=repr):
        if "-Q" in period or measure.startswith(("flow", "hours")):
            continue  # hours are rounded: their quarters need not add up
        quarters = [(measure, f"{period}-Q{n}") for n in (1, 2, 3, 4)]
        parts = quarters[-1:] if measure.startswith("cases_open_end") else quarters
        if not all(q in held for q in quarters) or sum(held[p][0] for p in parts) != value:
            continue
        for key in ((measure, period), *parts):
            values[key], cells[key] = held[key]
        equations.append(Equation((measure, period), tuple(parts)))
    return Publication(Table(values, tuple(equations)), cells, 5)


def test_the_next_year_report_after_the_quarters_without_their_year_report(
        central_template: Path, tmp_path: Path) -> None:
    """2025's quarter reports, then the 2026 year report (2025 beside it) without the 2025
    year report: a reader adding up 2025's quarters (a year is their sum by definition)
    narrows hidden 2025 quarter figures (123 values with seed 31)."""
    reg, _made = _central(central_template, tmp_path / "central", 31)
    try:
        numbers = [*_quarters(reg, tmp_path, 2025), *_year(reg, tmp_path, 2026)]
        assert [publications.verify(reg, n) for n in numbers] == [[]] * 15
        printed = _printed(reg)
        hints = [[plan.certificate for plan in publications.plans(reg)]]
        ruled_out, _questions = attack([[*(p for _, p in printed), _cross_sums(printed),
                                         _stock_flow(printed), _year_sums(printed)]], hints)
        assert [r for r in ruled_out if not str(r[1][0]).startswith("reader-flow")] == []
    finally:
        reg.close()
