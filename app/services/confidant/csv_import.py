"""Bring existing spreadsheet registrations in: all rows or none.

Columns (header row required, `;` or `,` separated, UTF-8 with or without BOM):

| column        | contact row                          | activity row             |
|---------------|--------------------------------------|--------------------------|
| type          | `contact`                            | `activiteit`             |
| casus         | your own reference grouping contacts into one case (not stored) | empty |
| datum         | date, `YYYY-MM-DD` or `DD-MM-YYYY`   | date                     |
| minuten       | 1–1440                               | 1–1440                   |
| wijze         | contact mode code or Dutch label     | empty                    |
| onderwerpen   | topic codes or labels, `|` separated (first row of a case) | empty |
| gronden       | discrimination grounds, `|` separated (optional) | empty       |
| afgesloten_op | date the case was closed (optional, any row of the case) | empty |
| uitkomst      | outcome code or label (with afgesloten_op) | empty              |
| activiteit    | empty                                | activity kind code or label |
| memo          | optional, local only                 | empty                    |

Cell text is stored as text and never evaluated, so `=SUM(A1)` stays exactly that.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import AppError, CsvImportError, FieldError
from app.i18n import N_
from app.models import codelists
from app.models.entities import Activity, Case, CaseGround, CaseTopic, ContactMoment
from app.services.confidant.case_rules import CaseRules
from app.services.storage.vault import Register

COLUMNS = (
    "type", "casus", "datum", "minuten", "wijze", "onderwerpen", "gronden",
    "afgesloten_op", "uitkomst", "activiteit", "memo",
)
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class _CaseRows:
    contacts: list[tuple[int, dt.date, int, str]] = field(default_factory=list)
    topics: set[str] = field(default_factory=set)
    grounds: set[str] = field(default_factory=set)
    closed_on: dt.date | None = None
    outcome: str | None = None
    memo: str | None = None
    first_row: int = 0


@dataclass(frozen=True)
class CsvImportResult:
    cases: int
    contacts: int
    activities: int


def _problem(row: int, column: str, message: str, **params: object) -> CsvImportError:
    detail = AppError(message, **params).message
    return CsvImportError(
        N_("Row {row}, column “{column}”: {detail} Nothing was imported."),
        row=row, column=column, detail=detail,
    )


@contextlib.contextmanager
def _cell(row: int, column: str) -> Iterator[None]:
    """A broken case rule (FieldError) reported at its row and column of the file."""
    try:
        yield
    except FieldError as exc:
        raise _problem(row, column, exc.message) from None


def _lookup(items: tuple[codelists.Code, ...], value: str) -> str | None:
    v = value.strip().casefold()
    for item in items:
        if v in (item.code.casefold(), item.nl.casefold(), item.en.casefold()):
            return item.code
    return None


def _parse_date(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _parse_int(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text  # the rules say what is wrong with it


def _read_rows(path: Path) -> csv.DictReader[str]:
    """The file's rows by (case-folded) column name; a broken file or header is refused."""
    raw = Path(path).read_bytes()
    if len(raw) > MAX_BYTES:
        raise CsvImportError(N_("The file is larger than 20 MB. Nothing was imported."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvImportError(N_("The file is not UTF-8 text. Nothing was imported.")) from exc
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text.split("\n", 1)[0], delimiters=";,")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().casefold() for h in (reader.fieldnames or [])]
    missing = [c for c in ("type", "datum", "minuten") if c not in header]
    if missing:
        raise CsvImportError(
            N_("The header row lacks the column(s) {columns}. Nothing was imported."),
            columns=", ".join(missing),
        )
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise CsvImportError(
            N_("Unknown column(s) {columns}. Nothing was imported."), columns=", ".join(unknown)
        )
    reader.fieldnames = header
    return reader


class _Reader:
    """Collects the cases and activities of the file, row by row, checking each cell."""

    def __init__(self, rules: CaseRules) -> None:
        self.rules = rules
        self.lists = rules.lists
        self.cases: dict[str, _CaseRows] = defaultdict(_CaseRows)
        self.activities: list[tuple[dt.date, int, str]] = []

    def date(self, row: int, column: str, value: str) -> dt.date:
        with _cell(row, column):
            return self.rules.date("on", _parse_date(value))

    def code(self, row: int, column: str, items: tuple[codelists.Code, ...], value: str) -> str:
        with _cell(row, column):
            return self.rules.code(column, _lookup(items, value), items)

    def add_row(self, number: int, rec: dict[str, str]) -> None:
        kind = rec.get("type", "").casefold()
        on = self.date(number, "datum", rec.get("datum", ""))
        with _cell(number, "minuten"):
            minutes = self.rules.minutes("minutes", _parse_int(rec.get("minuten", "")))
        if kind in ("activiteit", "activity"):
            activity = self.code(number, "activiteit", self.lists.activity_kinds,
                                 rec.get("activiteit", ""))
            self.activities.append((on, minutes, activity))
            return
        if kind != "contact":
            raise _problem(number, "type", N_("Use “contact” or “activiteit”."))
        ref = rec.get("casus", "")
        if not ref:
            raise _problem(number, "casus", N_("Give each case a reference."))
        mode = self.code(number, "wijze", self.lists.contact_modes, rec.get("wijze", ""))
        case = self.cases[ref]
        if not case.first_row:
            case.first_row = number
        case.contacts.append((number, on, minutes, mode))
        self._add_codes(number, rec, case)
        if rec.get("afgesloten_op"):
            case.closed_on = self.date(number, "afgesloten_op", rec["afgesloten_op"])
            case.outcome = self.code(number, "uitkomst", self.lists.outcomes,
                                     rec.get("uitkomst", ""))
        if rec.get("memo"):
            with _cell(number, "memo"):
                case.memo = self.rules.memo(rec["memo"])

    def _add_codes(self, number: int, rec: dict[str, str], case: _CaseRows) -> None:
        for column, target, items in (
            ("onderwerpen", case.topics, self.lists.topics),
            ("gronden", case.grounds, self.lists.discrimination_grounds),
        ):
            for part in filter(None, (p.strip() for p in rec.get(column, "").split("|"))):
                code = _lookup(items, part)
                if code is None:
                    raise _problem(number, column, N_("“{value}” is not in the list."), value=part)
                target.add(code)

    def check_cases(self) -> None:
        """The rules that hold for a case as a whole, reported at its first row."""
        for case in self.cases.values():
            with _cell(case.first_row, "onderwerpen"):
                topics = self.rules.topics(case.topics)
            with _cell(case.first_row, "gronden"):
                self.rules.grounds(case.grounds, topics)
            if case.closed_on is not None:
                with _cell(case.first_row, "afgesloten_op"):
                    self.rules.closed_after_contacts(case.closed_on,
                                                     max(c[1] for c in case.contacts))


def _store(register: Register, reader: _Reader) -> CsvImportResult:
    n_contacts = 0
    with register.session() as s:
        for case in reader.cases.values():
            opened = min(c[1] for c in case.contacts)
            row = Case(
                opened_on=opened,
                status="closed" if case.closed_on else "open",
                closed_on=case.closed_on,
                outcome=case.outcome,
                memo=case.memo,
            )
            row.topics = [CaseTopic(topic=t) for t in sorted(case.topics)]
            row.grounds = [CaseGround(ground=g) for g in sorted(case.grounds)]
            s.add(row)
            s.flush()
            for _n, on, minutes, mode in case.contacts:
                s.add(ContactMoment(case_id=row.id, on=on, minutes=minutes, mode=mode))
                n_contacts += 1
        for on, minutes, kind in reader.activities:
            s.add(Activity(on=on, minutes=minutes, kind=kind))
    return CsvImportResult(len(reader.cases), n_contacts, len(reader.activities))


def import_csv(register: Register, path: Path, today: dt.date | None = None) -> CsvImportResult:
    """Read and check every row first; store all of them in one transaction, or none."""
    day = today or dt.date.today()
    reader = _Reader(CaseRules(register.code_lists(), lambda: day))  # the register's version
    for number, rec in enumerate(_read_rows(path), start=2):  # row 1 is the header
        cells = {k: (v or "").strip() for k, v in rec.items() if k is not None}
        if any(cells.values()):
            reader.add_row(number, cells)
    reader.check_cases()
    return _store(register, reader)
