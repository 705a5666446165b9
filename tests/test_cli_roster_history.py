"""Issue 23 items 5 and 4 through the command line: ending a roster entry (`roster-end`) and
history entered late (a sender enrolled after a quarter's deadline is not "late" for it)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from app import cli
from app.export.measures import Measures
from app.services.storage import vault
from app.ui.coordination.completeness import CompletenessModel
from tests.conftest import PASSPHRASE, snapshot
from tests.services.coordination_helpers import new_sender, vp_file, write

M = Measures(cases_new=1, cases_open_end=1, contacts_first=1, minutes_contacts=45,
             topics={"pesten": 1}, modes={"telefoon": 1})


def run(*args: str, lang: str = "en") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--lang", lang, *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def coordinator(tmp_path: Path) -> list[str]:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    base = ["--register", str(tmp_path / "c"), "--passphrase-file", str(secret)]
    code, _out, err = run(*base, "init", "--component", "CLAS", "--role", "coordinator")
    assert code == 0, err
    return base


def _enrol(tmp_path: Path, base: list[str], code: str, active_from: str) -> object:
    sender = new_sender(code)
    card = write(tmp_path / "cards", f"{code}.json", sender.card())
    rc, _out, err = run(*base, "roster-add", str(card), "--active-from", active_from)
    assert rc == 0, err
    return sender


def test_roster_end_makes_a_sender_not_expected_from_that_day(tmp_path: Path,
                                                              coordinator: list[str]) -> None:
    _enrol(tmp_path, coordinator, "CLAS-OLDAA", "2018-01-01")
    _enrol(tmp_path, coordinator, "CLAS-STAYS", "2018-01-01")
    code, out, err = run(*coordinator, "roster-end", "CLAS-OLDAA", "--from", "2020-01-01")
    assert code == 0, err
    assert "CLAS-OLDAA" in out and "2020-01-01" in out and "2019-Q4" in out
    # Still expected for 2019-Q4, no longer for 2020-Q1: shown as such, not as missing.
    code, out, _err = run(*coordinator, "completeness", "--quarter", "2019-Q4")
    assert "expected 2, received 0 (nil 0), missing 2" in out
    assert re.search(r"CLAS-OLDAA\s+missing", out)
    code, out, _err = run(*coordinator, "completeness", "--quarter", "2020-Q1")
    assert code == 0 and "expected 1, received 0 (nil 0), missing 1" in out
    assert re.search(r"CLAS-OLDAA\s+not expected \(roster entry ended from 2020-01-01\)", out)
    assert re.search(r"CLAS-STAYS\s+missing", out)
    # In Dutch too, and the window says the same in the cell.
    _code, out, _err = run(*coordinator, "completeness", "--quarter", "2020-Q1", lang="nl")
    assert re.search(r"CLAS-OLDAA\s+niet verwacht \(van de deelnemerslijst af per 2020-01-01\)",
                     out)
    # Two years later the ended entry is no longer a row at all.
    _code, out, _err = run(*coordinator, "completeness", "--quarter", "2022-Q1")
    assert "CLAS-OLDAA" not in out and "expected 1" in out


def test_the_window_shows_the_ended_entry_as_not_expected(tmp_path: Path,
                                                          coordinator: list[str]) -> None:
    from app.services.coordination import merging

    _enrol(tmp_path, coordinator, "CLAS-OLDAA", "2018-01-01")
    assert run(*coordinator, "roster-end", "CLAS-OLDAA", "--from", "2020-01-01")[0] == 0
    register = vault.unlock(tmp_path / "c", PASSPHRASE)
    try:
        grid = merging.completeness(register, ["2019-Q4", "2020-Q1"])
    finally:
        register.close()
    model = CompletenessModel()
    model.set_grid(grid)
    assert model.rows == ["CLAS-OLDAA"]
    assert "missing" in model.display("CLAS-OLDAA", "2019-Q4")
    assert model.display("CLAS-OLDAA", "2020-Q1").startswith("not expected")
    assert "ended" in (model.tooltip("CLAS-OLDAA", "2020-Q1") or "")


@pytest.mark.parametrize(("code", "day", "sentence"), [
    ("CLAS-NOONE", "2020-01-01", "CLAS-NOONE is not on the roster."),
    ("CLAS-OLDAA", "2018-01-01", "would leave no day"),
    ("CLAS-OLDAA", "2020-02-30", "is not a date"),
])
def test_roster_end_refuses_in_one_sentence_and_changes_nothing(
        tmp_path: Path, coordinator: list[str], code: str, day: str, sentence: str) -> None:
    _enrol(tmp_path, coordinator, "CLAS-OLDAA", "2018-01-01")
    before = snapshot(tmp_path / "c")
    rc, _out, err = run(*coordinator, "roster-end", code, "--from", day)
    assert rc == cli.EXIT_USER and sentence in err and err.count("\n") == 1
    assert snapshot(tmp_path / "c") == before


def test_history_entered_late_is_complete_not_late(tmp_path: Path,
                                                   coordinator: list[str]) -> None:
    """A coordinator enrolling in 2026 with --active-from 2018-01-01 and importing 2018's files:
    the quarters' deadlines passed before the enrolment, so they are history, not late."""
    sender = _enrol(tmp_path, coordinator, "CLAS-HISTO", "2018-01-01")
    files = tmp_path / "files"
    for q in (1, 2, 3, 4):
        write(files, f"q{q}.json", vp_file(sender, M if q != 3 else Measures(),  # type: ignore[arg-type]
                                           f"2018-Q{q}"))
    code, _out, err = run(*coordinator, "import", str(files))
    assert code == 0, err
    for q in (1, 2, 3, 4):
        _rc, out, _err = run(*coordinator, "completeness", "--quarter", f"2018-Q{q}")
        nil = 1 if q == 3 else 0
        assert f"expected 1, received 1 (nil {nil}), missing 0, late 0." in out
        assert "late" not in out.splitlines()[1]


def test_roster_add_says_that_earlier_quarters_are_history(tmp_path: Path,
                                                          coordinator: list[str]) -> None:
    sender = new_sender("CLAS-HISTO")
    card = write(tmp_path / "cards", "h.json", sender.card())
    _rc, out, _err = run(*coordinator, "roster-add", str(card), "--active-from", "2018-01-01")
    assert "are history: their files are not marked late" in out
