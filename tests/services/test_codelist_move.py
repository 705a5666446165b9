"""Issue 23 item 1: a register moves to a newer topic list from a quarter on, keeping its code,
card and history; each quarter is recorded and exported on the list in force then."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from app import cli
from app.errors import CodelistMoveError, FieldError
from app.export import interchange
from app.i18n import set_language
from app.models.periods import Quarter
from app.services.confidant import codelist_moves, exporting
from app.services.confidant.cases import CaseService
from app.services.storage import vault
from tests.conftest import PASSPHRASE, snapshot

TODAY = dt.date(2026, 11, 23)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--lang", "en", *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def base(tmp_path: Path) -> list[str]:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    base = ["--register", str(tmp_path / "vp"), "--passphrase-file", str(secret)]
    assert run(*base, "init", "--component", "CLAS", "--codelist", "2018.1")[0] == 0
    return base


def _open(tmp_path: Path) -> vault.Register:
    return vault.unlock(tmp_path / "vp", PASSPHRASE)


def test_a_case_of_2020_with_a_current_topic_is_accepted_after_the_move(
        tmp_path: Path, base: list[str]) -> None:
    set_language("en")
    reg = _open(tmp_path)
    try:
        service = CaseService(reg, today=lambda: TODAY)
        with pytest.raises(FieldError):  # before the move: not on list 2018.1
            service.open_case(on=dt.date(2020, 2, 3), minutes=30, mode="telefoon",
                              topics=["arbeidsconflict"])
        code_before = reg.profile().code  # type: ignore[union-attr]
    finally:
        reg.close()
    code, out, err = run(*base, "codelist-move", "--version", "2026.1", "--from", "2020-Q1")
    assert code == 0, err
    assert out.strip() == ("From 2020-Q1 on this register records with topic list 2026.1; the "
                           "quarters before stay on 2018.1. Code, card and history are "
                           "unchanged.")
    reg = _open(tmp_path)
    try:
        assert reg.profile().code == code_before  # type: ignore[union-attr]
        assert reg.codelist_periods() == [(None, "2018.1"), (Quarter(2020, 1), "2026.1")]
        service = CaseService(reg, today=lambda: TODAY)
        new = service.open_case(on=dt.date(2020, 2, 3), minutes=30, mode="telefoon",
                                topics=["arbeidsconflict"]).id
        old = service.open_case(on=dt.date(2019, 12, 30), minutes=30, mode="telefoon",
                                topics=["overige"]).id
        with pytest.raises(FieldError) as refused:  # 2019 is recorded on 2018.1
            service.open_case(on=dt.date(2019, 11, 4), minutes=30, mode="telefoon",
                              topics=["arbeidsconflict"])
        assert refused.value.message == ("“arbeidsconflict” is not on topic list 2018.1, which "
                                         "this register uses for 2019-Q4.")
        with pytest.raises(FieldError):  # and an old topic no longer from 2020 on
            service.open_case(on=dt.date(2020, 1, 2), minutes=30, mode="telefoon",
                              topics=["overige"])
        with pytest.raises(FieldError):  # editing checks the case's own first day
            service.update_case(new, topics=["overige"])
        service.update_case(old, topics=["pesten", "overige"])
        files = {}
        for q in (Quarter(2019, 4), Quarter(2020, 1)):
            result = exporting.export_quarter(reg, q, tmp_path / "out", today=TODAY)
            files[str(q)] = interchange.read_file(result.path.read_bytes(), today=TODAY).payload
    finally:
        reg.close()
    assert files["2019-Q4"]["codelist"]["version"] == "2018.1"
    assert {k: v for k, v in files["2019-Q4"]["measures"]["topics"].items() if v} == {
        "pesten": 1, "overige": 1}
    assert files["2020-Q1"]["codelist"]["version"] == "2026.1"
    assert {k: v for k, v in files["2020-Q1"]["measures"]["topics"].items() if v} == {
        "arbeidsconflict": 1}
    assert files["2019-Q4"]["sender"] == files["2020-Q1"]["sender"]  # one code, one key


def test_csv_import_takes_each_case_on_the_list_of_its_first_day(tmp_path: Path,
                                                                 base: list[str]) -> None:
    assert run(*base, "codelist-move", "--from", "2020-Q1")[0] == 0
    csv = tmp_path / "cases.csv"
    csv.write_text("type;casus;datum;minuten;wijze;onderwerpen\n"
                   "contact;a;2019-12-02;30;telefoon;overige\n"
                   "contact;b;2020-01-06;30;telefoon;Arbeidsconflict\n", encoding="utf-8")
    code, out, err = run(*base, "import-csv", str(csv))
    assert code == 0 and "Imported" in out, err
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("type;casus;datum;minuten;wijze;onderwerpen\n"
                     "contact;c;2019-12-03;30;telefoon;arbeidsconflict\n", encoding="utf-8")
    before = snapshot(tmp_path / "vp")
    code, _out, err = run(*base, "import-csv", str(wrong))
    assert code == 2 and "is not on topic list 2018.1" in err and "2019-Q4" in err
    assert snapshot(tmp_path / "vp") == before


@pytest.mark.parametrize(("prepare", "args", "sentence"), [
    ((), ("--version", "2017.9", "--from", "2020-Q1"), "There is no topic list version 2017.9"),
    ((), ("--version", "2018.1", "--from", "2020-Q1"), "already records with topic list 2018.1"),
    ((("export", "--quarter", "2020-Q2", "--out", "OUT"),), ("--from", "2020-Q1"),
     "2020-Q2 was already exported on topic list 2018.1; the move can start from 2020-Q3"),
    ((("codelist-move", "--from", "2020-Q1"),), ("--from", "2021-Q1"),
     "From 2021-Q1 on this register already records with topic list 2026.1"),
    ((("codelist-move", "--from", "2020-Q1"),), ("--from", "2019-Q1"),
     "moved to topic list 2026.1 from 2020-Q1; a next move must start after that quarter"),
    ((), ("--from", "2020-Q5"), "is not a quarter"),
])
def test_a_move_that_cannot_be_is_refused_in_one_sentence(
        tmp_path: Path, base: list[str], prepare: tuple[tuple[str, ...], ...],
        args: tuple[str, ...], sentence: str) -> None:
    for step in prepare:
        code, _out, err = run(*base, *(str(tmp_path / "out") if a == "OUT" else a for a in step))
        assert code == 0, err
    before = snapshot(tmp_path / "vp")
    code, _out, err = run(*base, "codelist-move", *args)
    assert code == cli.EXIT_USER and sentence in err and err.count("\n") == 1, err
    assert snapshot(tmp_path / "vp") == before


def test_a_case_with_an_old_topic_after_the_move_day_stops_the_move(tmp_path: Path,
                                                                    base: list[str]) -> None:
    reg = _open(tmp_path)
    try:
        CaseService(reg, today=lambda: TODAY).open_case(
            on=dt.date(2020, 5, 4), minutes=30, mode="telefoon", topics=["overige"])
        with pytest.raises(CodelistMoveError) as refused:
            codelist_moves.move(reg, "2026.1", Quarter(2020, 1))
        assert "1 case(s) opened from 2020-Q1 on carry topics" in refused.value.message
        assert "(overige)" in refused.value.message
        codelist_moves.move(reg, "2026.1", Quarter(2020, 3))  # after that case: fine
        assert reg.codelist_version(dt.date(2020, 6, 30)) == "2018.1"
        assert reg.codelist_version(dt.date(2020, 7, 1)) == "2026.1"
    finally:
        reg.close()
