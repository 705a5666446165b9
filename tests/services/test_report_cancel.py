"""A report cancelled while its period's plan is made (issue 19: the period plan takes tens of
seconds at central level): the search reports its progress, stops at the next solve once
Cancel is pressed, and nothing is written, nothing recorded in the ledger, no half plan
stored; Ctrl+C (KeyboardInterrupt) in the command line leaves the same nothing. Real
SQLCipher registers with the coordinators' files imported, the real solver."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import ReportCancelled
from app.export import progress
from app.services.coordination import publications
from app.services.coordination.period_plan import publish_report, write_annual
from app.services.storage.vault import Register
from tests.services.conftest import central_template  # noqa: F401 (fixture)
from tests.services.test_period_plan import DAY, NOW, _central, _rows


class CancelAfter:
    """Cancel pressed once the search has reported ``steps`` times (as a person presses it
    while the bar moves); records every value the bar took."""

    def __init__(self, steps: int) -> None:
        self.steps = steps
        self.seen: list[tuple[int, int]] = []

    def report(self, done: int, total: int) -> None:
        self.seen.append((done, total))

    @property
    def cancelled(self) -> bool:
        return len(self.seen) >= self.steps


def _state(reg: Register, folder: Path) -> tuple[list[tuple[object, ...]], list[str]]:
    return _rows(reg), sorted(p.name for p in folder.rglob("*"))


def test_cancel_stops_the_plan_and_leaves_the_ledger_and_the_folder_as_they_were(
        central_template: Path, tmp_path: Path) -> None:
    reg, _made = _central(central_template, tmp_path / "central", 31)
    out = tmp_path / "out"
    out.mkdir()
    try:
        publish_report(reg, 2025, None, "csv", out / "2025.csv", "nl", 5, now=NOW, today=DAY)
        before = _state(reg, out)
        assert len(before[0]) == 2  # the 2025 plan and its report
        cancel = CancelAfter(3)
        with pytest.raises(ReportCancelled) as raised:
            publish_report(reg, 2026, None, "pdf", out / "2026.pdf", "nl", 5, now=NOW,
                           today=DAY, component="CLAS", on_progress=cancel.report,
                           cancel=cancel)
        assert _state(reg, out) == before  # no file, no publication, no half plan
        assert [p.year for p in publications.plans(reg)] == [2025]
        assert len(cancel.seen) >= 3 and cancel.seen[-1][0] < progress.SCALE // 2  # stopped
        assert all(total == progress.SCALE for _, total in cancel.seen)
        assert [d for d, _ in cancel.seen] == sorted({d for d, _ in cancel.seen})  # moves on
        assert raised.value.msgid == "The report was cancelled; nothing was written."

        # the same report, not cancelled: the bar runs through, the plan is made whole
        bar = CancelAfter(10**9)
        done = publish_report(reg, 2026, None, "pdf", out / "2026.pdf", "nl", 5, now=NOW,
                              today=DAY, component="CLAS", on_progress=bar.report,
                              cancel=bar)
        assert publications.verify(reg, done.id) == []
        assert [p.year for p in publications.plans(reg)] == [2025, 2026]
        values = [d for d, _ in bar.seen]
        assert len(values) > 20 and values == sorted(set(values))
        assert values[-1] == progress.SCALE
    finally:
        reg.close()


def test_a_cancelled_annual_section_writes_none_of_its_files(
        central_template: Path, tmp_path: Path) -> None:
    reg, _made = _central(central_template, tmp_path / "central", 7)
    folder = tmp_path / "annual"  # made by the section: gone again when cancelled
    try:
        before = _rows(reg)
        cancel = CancelAfter(2)
        with pytest.raises(ReportCancelled):
            write_annual(reg, 2026, folder, "en", 5, now=NOW, today=DAY,
                         on_progress=cancel.report, cancel=cancel)
        assert _rows(reg) == before
        assert not folder.exists()
    finally:
        reg.close()


def test_ctrl_c_during_the_plan_leaves_nothing_half_written(
        central_template: Path, tmp_path: Path) -> None:
    """The command line passes no progress; Ctrl+C is a KeyboardInterrupt wherever the search
    is (here: raised from its progress report, in the middle of the search)."""
    reg, _made = _central(central_template, tmp_path / "central", 31)
    out = tmp_path / "out"
    out.mkdir()
    calls = []

    def interrupt(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 5:
            raise KeyboardInterrupt

    try:
        before = _state(reg, out)
        with pytest.raises(KeyboardInterrupt):
            publish_report(reg, 2026, None, "csv", out / "2026.csv", "nl", 5, now=NOW,
                           today=DAY, on_progress=interrupt)
        assert _state(reg, out) == before
        assert publications.plans(reg) == []
    finally:
        reg.close()
