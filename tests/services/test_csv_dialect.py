"""The CSV import reads one declared dialect and stores every cell exactly, or refuses it
naming row and column (issue 13, item 6); the same registrations are never imported twice.

Before, the separator and quoting were guessed from the first line: Excel's doubled quotes
were stored wrongly and a `;` inside such a cell shifted the columns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import CsvImportError, FileAccessError
from app.models.entities import Activity, Case, ContactMoment
from app.services.confidant.csv_import import import_csv
from app.services.storage import vault
from tests.conftest import snapshot

TODAY = dt.date(2026, 11, 23)
COLUMNS = ["type", "casus", "datum", "minuten", "wijze", "onderwerpen", "gronden",
           "afgesloten_op", "uitkomst", "activiteit", "memo"]
HEADER = ";".join(COLUMNS)


def _row(**cells: str) -> str:
    base = {"type": "contact", "casus": "A", "datum": "2026-02-03", "minuten": "60",
            "wijze": "telefoon", "onderwerpen": "pesten"}
    base.update(cells)
    return ";".join(base.get(c, "") for c in COLUMNS)


def _counts(register: vault.Register) -> tuple[int, int, int]:
    with register.session() as s:
        return (s.scalar(select(func.count()).select_from(Case)) or 0,
                s.scalar(select(func.count()).select_from(ContactMoment)) or 0,
                s.scalar(select(func.count()).select_from(Activity)) or 0)


def _memos(register: vault.Register) -> list[str]:
    with register.session() as s:
        return sorted(m for m in s.scalars(select(Case.memo)) if m is not None)


def _data(folder_or_files: Path | dict[str, bytes]) -> dict[str, bytes]:
    """The register's files after a checkpoint, its open state aside: the -shm file is
    SQLite's shared-memory index, which every read rewrites and which holds no data."""
    files = (snapshot(folder_or_files) if isinstance(folder_or_files, Path)
             else folder_or_files)
    return {k: v for k, v in files.items() if not k.endswith("-shm")}


def _file(tmp_path: Path, text: str, name: str = "f.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- stored exactly -----------------------------------------------------------------------
EXACT = {
    "excel doubled quotes": ('"Hij zei ""nee"" tegen mij"', 'Hij zei "nee" tegen mij'),
    "separator inside quotes": ('"eerst; dan; daarna"', "eerst; dan; daarna"),
    "line break inside quotes": ('"regel een\r\nregel twee"', "regel een\r\nregel twee"),
    "quote inside a bare cell": ('zij zei "ja"', 'zij zei "ja"'),
    "formula": ("=SUM(A1)", "=SUM(A1)"),
    "unicode": ("Zoë Çelik € ✓", "Zoë Çelik € ✓"),
}


@pytest.mark.parametrize("case", sorted(EXACT))
def test_excel_cells_are_stored_exactly(register: vault.Register, tmp_path: Path,
                                        case: str) -> None:
    written, stored = EXACT[case]
    path = _file(tmp_path, "\r\n".join([HEADER, _row(memo=written), _row(casus="B")]) + "\r\n",
                 encoding="utf-8-sig")
    result = import_csv(register, path, today=TODAY)
    assert (result.cases, result.contacts) == (2, 2)  # no column shifted into another
    assert _memos(register) == [stored]


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("declared", ["", "sep=;", "sep=,"])
def test_the_declared_dialect_and_any_line_end(register: vault.Register, tmp_path: Path,
                                              ending: str, declared: str) -> None:
    separator = "," if declared == "sep=," else ";"
    rows = [HEADER, _row(memo='"a;b, ""c"""'), _row(casus="B", datum="03-02-2026"),
            ";".join(["activiteit", "", "2026-02-04", "30", "", "", "", "", "", "training", ""])]
    text = ending.join(([declared] if declared else []) + [r.replace(";", separator)
                                                           for r in rows]) + ending
    if separator == ",":
        text = text.replace('"a,b, ""c"""', '"a;b, ""c"""')  # the memo's own `;` stays
    result = import_csv(register, _file(tmp_path, text), today=TODAY)
    assert (result.cases, result.contacts, result.activities) == (2, 2, 1)
    assert _memos(register) == ['a;b, "c"']


def test_a_header_written_with_commas_is_read_with_commas(register: vault.Register,
                                                          tmp_path: Path) -> None:
    text = HEADER.replace(";", ",") + "\n" + _row(memo='"x; y"').replace(";", ",").replace(
        '"x, y"', '"x; y"') + "\n"
    import_csv(register, _file(tmp_path, text), today=TODAY)
    assert _memos(register) == ["x; y"]


# --- refused, naming row and column -------------------------------------------------------
REFUSED = {
    "second memo": ([_row(memo="eerste"), _row(memo="tweede")], "3", "memo"),
    "two closing dates": ([_row(afgesloten_op="2026-03-01", uitkomst="doorverwezen"),
                           _row(afgesloten_op="2026-03-02", uitkomst="doorverwezen")],
                          "3", "afgesloten_op"),
    "two outcomes": ([_row(afgesloten_op="2026-03-01", uitkomst="doorverwezen"),
                      _row(afgesloten_op="2026-03-01", uitkomst="handvatten")],
                     "3", "afgesloten_op"),
    "outcome without closing": ([_row(uitkomst="doorverwezen")], "2", "uitkomst"),
    "underscore digits": ([_row(minuten="1_0")], "2", "minuten"),
    "arabic-indic digits": ([_row(minuten="٣٠")], "2", "minuten"),
    "plus sign": ([_row(minuten="+30")], "2", "minuten"),
    "arabic-indic date": ([_row(datum="٢٠٢٦-٠٢-٠٣")], "2", "datum"),
    "nul byte": ([_row(memo="a\x00b")], "2", "memo"),
    "activity with a mode": ([";".join(["activiteit", "", "2026-02-04", "30", "telefoon", "", "",
                                        "", "", "training", ""])], "2", "wijze"),
    "contact with an activity": ([_row(activiteit="training")], "2", "activiteit"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_doubtful_cell_is_refused_naming_row_and_column(register: vault.Register,
                                                          register_dir: Path, tmp_path: Path,
                                                          case: str) -> None:
    rows, row, column = REFUSED[case]
    path = _file(tmp_path, "\n".join([HEADER, *rows]) + "\n")
    register.checkpoint()
    before = snapshot(register_dir)
    with pytest.raises(CsvImportError) as caught:
        import_csv(register, path, today=TODAY)
    assert f"Regel {row}, kolom ‘{column}’" in caught.value.message
    assert _counts(register) == (0, 0, 0)
    register.checkpoint()
    assert _data(register_dir) == _data(before)


FILE_REFUSED = {
    "duplicate header": (HEADER + ";memo\n" + _row() + ";\n", "twee keer"),
    "unknown column": (HEADER + ";extra\n" + _row() + ";x\n", "Onbekende kolom"),
    "unnamed column": (HEADER + ";\n" + _row() + ";x\n", "Kolom 12"),
    "too many cells": (HEADER + "\n" + _row() + ";x\n", "Regel 2 heeft 12 cellen"),
    "too few cells": (HEADER + "\n" + "contact;A;2026-02-03;60\n", "Regel 2 heeft 4 cellen"),
    "unclosed quote": (HEADER + "\n" + _row(memo='"open') + "\n" + _row() + "\n", "Regel 2 is"),
    "text after a quote": (HEADER + "\n" + _row(memo='"x"y') + "\n", "Regel 2 is"),
    "giant cell": (HEADER + "\n" + _row(memo="x" * 131_073) + "\n", "Regel 2 bevat een cel"),
    "missing columns": ("type;datum\ncontact;2026-01-01\n", "mist de kolom"),
    "latin-1": (None, "UTF-8"),
}


@pytest.mark.parametrize("case", sorted(FILE_REFUSED))
def test_a_doubtful_file_is_refused_with_its_own_sentence(register: vault.Register,
                                                          tmp_path: Path, case: str) -> None:
    text, expected = FILE_REFUSED[case]
    if text is None:
        path = tmp_path / "f.csv"
        path.write_bytes((HEADER + "\n" + _row(memo="café") + "\n").encode("latin-1"))
    else:
        path = _file(tmp_path, text)
    with pytest.raises(CsvImportError) as caught:
        import_csv(register, path, today=TODAY)
    assert expected in caught.value.message and "Er is niets ingelezen." in caught.value.message
    assert _counts(register) == (0, 0, 0)


def test_a_folder_or_a_missing_file_is_a_sentence(register: vault.Register,
                                                  tmp_path: Path) -> None:
    with pytest.raises(FileAccessError):
        import_csv(register, tmp_path, today=TODAY)
    with pytest.raises(FileAccessError):
        import_csv(register, tmp_path / "nergens.csv", today=TODAY)


# --- the same registrations twice ---------------------------------------------------------
def test_the_same_csv_twice_is_refused(register: vault.Register, register_dir: Path,
                                       tmp_path: Path) -> None:
    rows = [HEADER, _row(memo='"Hij zei ""nee"""'), _row(casus="B"), ""]
    first = _file(tmp_path, "\r\n".join(rows), "eerst.csv", "utf-8-sig")
    result = import_csv(register, first, today=TODAY)
    assert _counts(register) == (2, 2, 0) == (result.cases, result.contacts, result.activities)
    register.checkpoint()
    before = snapshot(register_dir)
    # The same file, and the same rows saved again differently: LF, no BOM, `,`, sep= line,
    # the columns in another order, an empty row added.
    again = [first, _file(tmp_path, "\n".join(rows), "lf.csv")]
    comma = [";".join(reversed(r.split(";"))) if r else r for r in rows]
    again.append(_file(tmp_path, "sep=;\n" + "\n\n".join(comma), "anders.csv"))
    for path in again:
        with pytest.raises(CsvImportError) as caught:
            import_csv(register, path, today=TODAY)
        assert "al eerder ingelezen" in caught.value.message
    assert _counts(register) == (2, 2, 0)  # not doubled
    register.checkpoint()
    assert _data(register_dir) == _data(before)
    other = _file(tmp_path, "\n".join([HEADER, _row(casus="C")]), "ander.csv")
    assert import_csv(register, other, today=TODAY).cases == 1  # other rows still import
