"""The coordinator's rough edges found running the pipeline end to end (issue 12, item 7)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from app import cli
from app.export.measures import Measures
from app.services.storage import vault
from tests.conftest import PASSPHRASE, snapshot
from tests.services.coordination_helpers import (
    QUARTER,
    merged_file,
    new_sender,
    vp_file,
    write,
)

GROUPS = re.compile(r"[0-9]{5}( [0-9]{5}){7}")
M = Measures(cases_new=1, cases_open_end=1, contacts_first=1, minutes_contacts=45,
             topics={"pesten": 1}, modes={"telefoon": 1})


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--lang", "en", *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_text(PASSPHRASE, encoding="utf-8")
    return path


def _init(tmp_path: Path, secret: Path, name: str, *options: str) -> list[str]:
    base = ["--register", str(tmp_path / name), "--passphrase-file", str(secret)]
    code, _out, err = run(*base, "init", *options)
    assert code == 0, err
    return base


# --- init: combinations that cannot work, component codes in any case ------------------
@pytest.mark.parametrize("options", [
    ("--component", "CLAS", "--role", "central"),
    ("--component", "DEFENSIE", "--role", "vp"),
    ("--component", "DEFENSIE", "--role", "coordinator"),
    ("--component", "DEFENSIE", "--role", "central", "--role", "vp"),
    ("--component", "NAVO"),
])
def test_init_refuses_what_cannot_work_in_one_sentence(tmp_path: Path, secret: Path,
                                                       options: tuple[str, ...]) -> None:
    folder = tmp_path / "r"
    code, _out, err = run("--register", str(folder), "--passphrase-file", str(secret), "init",
                          *options)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    for valid in ("BS", "CZSK", "CLAS", "CLSK", "KMar", "DOSCO", "COMMIT", "DEFENSIE"):
        assert valid in err
    assert not folder.exists()


@pytest.mark.parametrize(("given", "role", "component"), [
    ("kmar", None, "KMar"), ("KMAR", "coordinator", "KMar"), ("defensie", None, "DEFENSIE"),
])
def test_init_accepts_a_component_code_in_any_case(tmp_path: Path, secret: Path, given: str,
                                                   role: str | None, component: str) -> None:
    options = ["--component", given] + (["--role", role] if role else [])
    base = _init(tmp_path, secret, "r", *options)
    reg = vault.unlock(Path(base[1]), PASSPHRASE)
    try:
        profile = reg.profile()
        assert profile is not None and profile.component == component
        assert profile.code.startswith(component + "-")
        assert profile.role_list == ([role] if role else
                                     ["central"] if component == "DEFENSIE" else ["vp"])
    finally:
        reg.close()


# --- roster-add --active-from: expected for earlier quarters -----------------------------
def _card(tmp_path: Path, code: str = "KMAR-AAAAA", component: str = "KMar") -> Path:
    sender = new_sender(code, component)
    return write(tmp_path / "cards", f"{code}.json", sender.card())


def test_a_sender_can_be_expected_for_earlier_quarters(tmp_path: Path, secret: Path) -> None:
    base = _init(tmp_path, secret, "c", "--component", "kmar", "--role", "coordinator")
    code, out, err = run(*base, "roster-add", str(_card(tmp_path)), "--active-from",
                         "2025-01-01")
    assert code == 0, err
    assert "2025-01-01" in out and "2025-Q1" in out
    code, out, _err = run(*base, "completeness", "--quarter", "2025-Q3")
    assert code == 0 and "expected 1, received 0 (nil 0), missing 1" in out
    assert re.search(r"KMAR-AAAAA\s+missing", out)
    other = _init(tmp_path, secret, "d", "--component", "KMar", "--role", "coordinator")
    assert run(*other, "roster-add", str(_card(tmp_path, "KMAR-BBBBB")))[0] == 0  # from today
    assert "expected 0" in run(*other, "completeness", "--quarter", "2025-Q3")[1]


@pytest.mark.parametrize(("day", "sentence"), [
    ("2025-13-01", "is not a date"), ("٢٠٢٥-01-01", "is not a date"),
    ("2025-01-01\n", "is not a date"), ("1-1-2025", "is not a date"),
    ("1999-12-31", "must lie between 1 January 2000"), ("2999-01-01", "must lie between")])
def test_active_from_must_be_a_date(tmp_path: Path, secret: Path, day: str,
                                    sentence: str) -> None:
    base = _init(tmp_path, secret, "c", "--component", "KMar", "--role", "coordinator")
    before = snapshot(tmp_path / "c")
    code, _out, err = run(*base, "roster-add", str(_card(tmp_path)), "--active-from", day)
    assert code == 2 and sentence in err and snapshot(tmp_path / "c") == before


# --- import: receipts, fingerprints, the batch summary, overlaps -------------------------
@pytest.fixture
def coordinator(tmp_path: Path, secret: Path) -> list[str]:
    return _init(tmp_path, secret, "c", "--component", "CLAS", "--role", "coordinator")


def _enrol(base: list[str], tmp_path: Path, *senders: object) -> None:
    for s in senders:
        card = write(tmp_path / "cards", f"{s.code}.json", s.card())  # type: ignore[attr-defined]
        assert run(*base, "roster-add", str(card), "--active-from", "2026-01-01")[0] == 0


def test_import_without_a_receipts_folder_says_so(coordinator: list[str],
                                                  tmp_path: Path) -> None:
    a = new_sender("CLAS-AAAAA")
    _enrol(coordinator, tmp_path, a)
    code, out, _err = run(*coordinator, "import", str(write(tmp_path / "in", "a.json",
                                                              vp_file(a, M))))
    assert code == 0 and "No receipts were written" in out


def test_refusal_lines_show_fingerprints_in_groups_and_one_summary(
        coordinator: list[str], tmp_path: Path) -> None:
    a, stranger, impostor = (new_sender(c) for c in ("CLAS-AAAAA", "CLAS-ZZZZZ", "CLAS-YYYYY"))
    _enrol(coordinator, tmp_path, a)
    impostor.key = a.key  # A's key, another code
    folder = tmp_path / "in"
    write(folder, "1-good.json", vp_file(a, M))
    write(folder, "2-stranger.json", vp_file(stranger, M))
    write(folder, "3-impostor.json", vp_file(impostor, M))
    code, out, _err = run(*coordinator, "import", str(folder), "--receipts",
                          str(tmp_path / "receipts"))
    assert code == 2
    lines = out.splitlines()
    refused = [line for line in lines if line.startswith("refused")]
    assert len(refused) == 2
    for line in refused:
        assert GROUPS.search(line), line  # 8 groups of 5 digits, as people compare them
        assert not re.search(r"[0-9a-f]{64}", line)
        assert not line.endswith("Nothing was imported."), line
    assert "Imported 1 new and 0 replacing files; 0 were already in; 2 refused." in out
    assert "Nothing was imported." not in out
    assert "Receipts in" in out


def test_a_batch_where_nothing_imports_says_so_once(coordinator: list[str],
                                                    tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder, "x.json", b"not json")
    write(folder, "y.json", b"")
    code, out, _err = run(*coordinator, "import", str(folder))
    assert code == 2 and out.count("Nothing was imported.") == 1


def test_an_overlap_can_be_resolved_from_the_command_line(coordinator: list[str],
                                                          tmp_path: Path) -> None:
    a, b, c = (new_sender(f"CLAS-{x * 5}") for x in "ABC")
    acvp1 = new_sender("CLAS-ACVP1", role="coordinator")
    acvp2 = new_sender("CLAS-ACVP2", role="coordinator")
    _enrol(coordinator, tmp_path, a, b, c, acvp1, acvp2)
    fa, fb, fc = vp_file(a, M), vp_file(b, M), vp_file(c, M)
    m1 = write(tmp_path / "in", "m1.json", merged_file(acvp1, [fa, fb]))
    m2 = write(tmp_path / "in2", "m2.json", merged_file(acvp2, [fb, fc]))
    assert run(*coordinator, "import", str(m1))[0] == 0
    code, out, _err = run(*coordinator, "import", str(m2), "--dry-run")
    assert code == 0 and "overlap" in out and "--use m2.json" in out  # kept aside by default
    before = snapshot(Path(coordinator[1]))
    code, _out, err = run(*coordinator, "import", str(m2), "--use", "x.json")
    assert code == 2 and "x.json" in err and snapshot(Path(coordinator[1])) == before
    code, out, _err = run(*coordinator, "import", str(m2), "--use", "m2.json")
    assert code == 0 and "--use" not in out, out
    code, out, _err = run(*coordinator, "completeness", "--quarter", QUARTER)
    assert re.search(r"CLAS-CCCCC\s+reported", out), out
    reg = vault.unlock(Path(coordinator[1]), PASSPHRASE)
    try:
        from app.services.coordination import merging

        table = merging.quarter_table(reg, QUARTER)
        assert [f.sender_code for f in table.counted] == ["CLAS-ACVP2"]  # the file chosen
    finally:
        reg.close()


def test_completeness_speaks_the_chosen_language(tmp_path: Path, secret: Path) -> None:
    """Issue 22 (low): the cells' words in Dutch, "nulmelding" as the window says it."""
    base = _init(tmp_path, secret, "c", "--component", "kmar", "--role", "coordinator")
    assert run(*base, "roster-add", str(_card(tmp_path)), "--active-from", "2025-01-01")[0] == 0
    out = io.StringIO()
    assert cli.main(["--lang", "nl", *base, "completeness", "--quarter", "2025-Q3"],
                    out=out) == 0
    text = out.getvalue()
    assert "verwacht 1, ontvangen 0 (nulmeldingen 0), ontbrekend 1" in text
    assert re.search(r"KMAR-AAAAA\s+ontbreekt", text) and "missing" not in text
    assert "nihil" not in text


def test_argparse_speaks_dutch_too(tmp_path: Path) -> None:
    """Issue 22 (low): argparse's own "usage:", "options:" and "error:" in the chosen
    language."""
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["--lang", "nl"], out=out, err=err) == 2  # no command: the help
    assert out.getvalue().startswith("gebruik: vertrouwd") and "\nopties:\n" in out.getvalue()
    assert "usage:" not in out.getvalue() and "options:" not in out.getvalue()
    with contextlib.redirect_stderr(io.StringIO()) as said, pytest.raises(SystemExit) as stop:
        cli.main(["--lang", "nl", "completeness"])
    assert stop.value.code == 2
    assert "gebruik: vertrouwd completeness" in said.getvalue()
    assert "vertrouwd completeness: fout: deze argumenten zijn verplicht: --quarter" in \
        said.getvalue()
    with contextlib.redirect_stderr(io.StringIO()) as said, pytest.raises(SystemExit):
        cli.main(["--lang", "en", "completeness"])
    assert "usage: vertrouwd completeness" in said.getvalue() and "error:" in said.getvalue()
