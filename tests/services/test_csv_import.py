from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import CsvImportError
from app.models.entities import Activity, Case, ContactMoment
from app.services.confidant.csv_import import import_csv
from app.services.storage import vault

HEADER = (
    "type;casus;datum;minuten;wijze;onderwerpen;gronden;afgesloten_op;uitkomst;activiteit;memo\n"
)
TODAY = dt.date(2026, 11, 23)


def _counts(register: vault.Register) -> tuple[int, int, int]:
    with register.session() as s:
        return (s.scalar(select(func.count()).select_from(Case)) or 0,
                s.scalar(select(func.count()).select_from(ContactMoment)) or 0,
                s.scalar(select(func.count()).select_from(Activity)) or 0)


def test_valid_file_imports_all_rows(register: vault.Register, tmp_path: Path) -> None:
    f = tmp_path / "oud.csv"
    f.write_text(HEADER +
                 "contact;A;2026-02-03;60;Telefoon;Pesten/treiteren|intimidatie;;;;;\n"
                 "contact;A;10-02-2026;30;persoonlijk;;;2026-03-01;doorverwezen;;\n"
                 "contact;B;2026-05-05;45;video;discriminatie;leeftijd;;;;=SUM(A1)\n"
                 "activiteit;;2026-05-06;120;;;;;;Voorlichting;\n", encoding="utf-8-sig")
    result = import_csv(register, f, today=TODAY)
    assert (result.cases, result.contacts, result.activities) == (2, 3, 1)
    assert _counts(register) == (2, 3, 1)
    with register.session() as s:
        memos = sorted(m for m in s.scalars(select(Case.memo)) if m)
        closed = s.scalars(select(Case).where(Case.status == "closed")).one()
    assert memos == ["=SUM(A1)"]  # stored as text, never evaluated or altered
    assert closed.outcome == "doorverwezen" and closed.opened_on == dt.date(2026, 2, 3)


@pytest.mark.parametrize("cell", ["=1+1", "+31612345678", "-2", "@SUM(A1)"])
def test_formula_like_cells_are_plain_text(register: vault.Register, tmp_path: Path,
                                           cell: str) -> None:
    f = tmp_path / "f.csv"
    f.write_text(HEADER + f"contact;A;2026-02-03;60;telefoon;pesten;;;;;{cell}\n")
    import_csv(register, f, today=TODAY)
    with register.session() as s:
        assert s.scalars(select(Case.memo)).one() == cell


@pytest.mark.parametrize(
    ("bad_row", "column"),
    [
        ("contact;C;2026-13-01;60;telefoon;pesten;;;;;", "datum"),
        ("contact;C;2026-02-01;0;telefoon;pesten;;;;;", "minuten"),
        ("contact;C;2026-02-01;60;postduif;pesten;;;;;", "wijze"),
        ("contact;C;2026-02-01;60;telefoon;onbekend;;;;;", "onderwerpen"),
        ("contact;C;2027-02-01;60;telefoon;pesten;;;;;", "datum"),
        ("feest;C;2026-02-01;60;telefoon;pesten;;;;;", "type"),
    ],
)
def test_one_bad_row_imports_nothing_and_names_it(register: vault.Register, tmp_path: Path,
                                                  bad_row: str, column: str) -> None:
    good = "contact;A;2026-02-03;60;telefoon;pesten;;;;;\n"
    f = tmp_path / "bad.csv"
    f.write_text(HEADER + good + good.replace(";A;", ";B;") + bad_row + "\n" + good)
    with pytest.raises(CsvImportError) as info:
        import_csv(register, f, today=TODAY)
    assert "4" in info.value.message and column in info.value.message
    assert _counts(register) == (0, 0, 0)


def test_missing_columns_and_non_utf8(register: vault.Register, tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("foo;bar\n1;2\n")
    with pytest.raises(CsvImportError):
        import_csv(register, f, today=TODAY)
    f.write_bytes(
        HEADER.encode() + "contact;A;2026-02-03;60;telefoon;pesten;;;;;caf\xe9\n".encode("latin-1")
    )
    with pytest.raises(CsvImportError):
        import_csv(register, f, today=TODAY)
    assert _counts(register) == (0, 0, 0)


@pytest.mark.parametrize(("cells", "column", "form_call"), [
    ("contact;A;2026-02-03;0;telefoon;pesten;;;;;", "minuten",
     {"minutes": 0}),
    ("contact;A;2027-02-03;60;telefoon;pesten;;;;;", "datum",
     {"on": dt.date(2027, 2, 3)}),
    ("contact;A;2026-02-03;60;telefoon;pesten;leeftijd;;;;", "gronden",
     {"grounds": ["leeftijd"]}),
    ("contact;A;2026-02-03;60;telefoon;pesten;;;;;" + "x" * 2001, "memo",
     {"memo": "x" * 2001}),
])
def test_the_file_and_the_form_keep_the_same_case_rules(
        register: vault.Register, tmp_path: Path, cells: str, column: str,
        form_call: dict[str, object]) -> None:
    """One set of case rules: the same bad value gets the same sentence from both."""
    from app.errors import FieldError
    from app.services.confidant.cases import CaseService

    service = CaseService(register, today=lambda: TODAY)
    case: dict[str, object] = {"on": dt.date(2026, 2, 3), "minutes": 60, "mode": "telefoon",
                               "topics": ["pesten"], **form_call}
    with pytest.raises(FieldError) as form_error:
        service.open_case(**case)  # type: ignore[arg-type]
    f = tmp_path / "bad.csv"
    f.write_text(HEADER + cells + "\n", encoding="utf-8")
    with pytest.raises(CsvImportError) as file_error:
        import_csv(register, f, today=TODAY)
    assert f"‘{column}’: {form_error.value.message}" in file_error.value.message  # Dutch
    assert _counts(register) == (0, 0, 0)
