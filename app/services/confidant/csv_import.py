"""Bring existing spreadsheet registrations in: all rows or none.

Columns (header row required; any order; names in any case):

| column        | contact row                          | activity row             |
|---------------|--------------------------------------|--------------------------|
| type          | `contact`                            | `activiteit`             |
| casus         | your own reference grouping contacts into one case (not stored) | empty |
| datum         | date, `YYYY-MM-DD`, `DD-MM-YYYY`, `DD/MM/YYYY` or `DD.MM.YYYY` | date |
| minuten       | 1–1440 minutes (`75`), or hours and minutes (`1:15`, `1 u 15`) | the same |
| wijze         | contact mode code or Dutch label     | empty                    |
| onderwerpen   | topic codes or labels, `|` separated (first row of a case) | empty |
| gronden       | discrimination grounds, `|` separated (optional) | empty       |
| afgesloten_op | date the case was closed (optional, any row of the case) | empty |
| uitkomst      | outcome code or label (with afgesloten_op) | empty              |
| activiteit    | empty                                | activity kind code or label |
| memo          | optional, local only                 | empty                    |

The dialect is fixed, not guessed (docs/user-guide.md, "Importing a spreadsheet"): UTF-8 (a
byte-order mark is allowed), cells separated by `;` as Dutch Excel writes them, or by the
separator a first line `sep=;` / `sep=,` declares (as Excel writes and reads it), or by `,`
when the header row is written with commas; a cell in double quotes may hold the separator, line
breaks and quotes written twice (`"Hij zei ""nee"" tegen mij"`), exactly as Excel saves them.
Any line end (CR LF, LF, CR) ends a row. Row numbers are those a spreadsheet shows: the header
is row 1.

Every cell is either stored exactly or refused with its row and column: a cell that cannot be
read, digits other than 0-9 (`1_0`, `٣٠`, `3²`; dates and minutes are read by `typed_input`,
as the window reads them), a NUL character, a second, different memo or closing date for one
case, an outcome without a closing date, a cell an activity row does not
have, a duplicate, unknown or unnamed column, a row with more or fewer cells than the header.
Cell text is stored as text and never evaluated, so `=SUM(A1)` stays exactly that. A file whose
rows were imported before is refused: importing it again would count everything twice.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from sqlalchemy import select

from app.errors import AppError, CsvImportError, FieldError
from app.files import read_input
from app.i18n import N_
from app.models import codelists
from app.models.entities import Activity, Case, CaseGround, CaseTopic, ContactMoment, KeyValue
from app.services.changes import Change, ChangeKind
from app.services.confidant import typed_input
from app.services.confidant.case_rules import CaseRules
from app.services.storage.vault import Register

COLUMNS = (
    "type", "casus", "datum", "minuten", "wijze", "onderwerpen", "gronden",
    "afgesloten_op", "uitkomst", "activiteit", "memo",
)
REQUIRED = ("type", "datum", "minuten")
CONTACT_ONLY = ("casus", "wijze", "onderwerpen", "gronden", "afgesloten_op", "uitkomst", "memo")
MAX_BYTES = 20 * 1024 * 1024
SEPARATORS = (";", ",")  # `;` first: what Dutch Excel writes
_DECLARED = re.compile(r"sep=([;,\t])")  # Excel's first line, matched whole
IMPORTED_KEY_PREFIX = "csv-import-"  # + the digest of the rows: KeyValue, one per import


@dataclass
class _CaseRows:
    contacts: list[tuple[int, dt.date, int, str]] = field(default_factory=list)
    topics: set[str] = field(default_factory=set)
    grounds: set[str] = field(default_factory=set)
    closed_on: dt.date | None = None
    closed_row: int = 0
    outcome: str | None = None
    memo: str | None = None
    memo_row: int = 0
    first_row: int = 0


@dataclass(frozen=True)
class CsvImportResult:
    change: ClassVar[Change] = Change.of(ChangeKind.CASES, ChangeKind.CONTACTS,
                                         ChangeKind.ACTIVITIES)
    cases: int
    contacts: int
    activities: int


def _refusal(message: str, **params: object) -> CsvImportError:
    return CsvImportError(message, **params)


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


@dataclass(frozen=True)
class _Table:
    header: list[str]  # case-folded column names
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)

    def digest(self) -> str:
        """The same registrations give the same digest, however the file was saved (line ends,
        byte-order mark, separator, quoting, column order, empty rows)."""
        order = sorted(range(len(self.header)), key=lambda i: self.header[i])
        records = [[self.header[i] for i in order]] + [
            [cells[i] for i in order] for _n, cells in self.rows]
        return hashlib.sha256(json.dumps(records, ensure_ascii=False).encode()).hexdigest()


def _text(path: Path) -> str:
    raw = read_input(Path(path), MAX_BYTES,
                     CsvImportError(N_("The file is larger than 20 MB. Nothing was imported.")))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvImportError(N_("The file is not UTF-8 text. Nothing was imported.")) from exc


def _records(text: str, separator: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells); a row that cannot be read is refused with its number."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"',
                        doublequote=True, strict=True, skipinitialspace=False)
    row = 0
    while True:
        row += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise _refusal(N_("Row {row} holds a cell longer than {limit} characters, far "
                                  "longer than anything this import stores. Nothing was "
                                  "imported."), row=row, limit=csv.field_size_limit()) from None
            raise _refusal(N_("Row {row} cannot be read: a quoted cell is not closed, or text "
                              "follows its closing quote. Nothing was imported."),
                           row=row) from None
        yield row, cells


def _separator(text: str) -> tuple[str, str]:
    """The separator and the text from the header on: declared by a `sep=` line, else the one
    whose header row names the required columns (`;` first). Never a guess from the data."""
    first, _end, rest = text.partition("\n")
    declared = _DECLARED.fullmatch(first.rstrip("\r"))
    if declared is None and "\r" in first:  # CR-only line ends
        first, _end, rest = text.partition("\r")
        declared = _DECLARED.fullmatch(first)
    if declared is not None:
        return declared.group(1), rest
    for separator in SEPARATORS:
        header = next(_records(text, separator), (1, []))[1]
        if set(REQUIRED) <= {h.strip().casefold() for h in header}:
            return separator, text
    return SEPARATORS[0], text


def _read_table(path: Path) -> _Table:
    """The header and the rows (with their numbers); the header's problems are refused."""
    separator, text = _separator(_text(path))
    records = _records(text, separator)
    header = [h.strip().casefold() for h in next(records, (1, []))[1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CsvImportError(
            N_("The header row lacks the column(s) {columns}. Nothing was imported."),
            columns=", ".join(missing),
        )
    for number, name in enumerate(header, start=1):
        if not name:
            raise _refusal(N_("Column {n} of the header row has no name. Nothing was "
                              "imported."), n=number)
        if header.index(name) != number - 1:
            raise _refusal(N_("The header row names the column “{column}” twice. Nothing was "
                              "imported."), column=name)
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise CsvImportError(
            N_("Unknown column(s) {columns}. Nothing was imported."), columns=", ".join(unknown)
        )
    rows: list[tuple[int, list[str]]] = []
    for number, cells in records:
        if not any(c.strip() for c in cells):
            continue  # an empty row
        if len(cells) != len(header):
            raise _refusal(N_("Row {row} has {found} cells, but the header row names {expected} "
                              "columns. Nothing was imported."),
                           row=number, found=len(cells), expected=len(header))
        for column, cell in zip(header, cells, strict=True):
            if "\x00" in cell:
                raise _problem(number, column, N_("The cell holds a NUL character, which no "
                                                  "spreadsheet writes."))
        rows.append((number, cells))
    return _Table(header, rows)


class _Reader:
    """Collects the cases and activities of the file, row by row, checking each cell."""

    def __init__(self, rules: CaseRules, extra_lists: Sequence[codelists.CodeLists] = ()) -> None:
        self.rules = rules
        self.lists = rules.lists
        # Topics are looked up on every list the register used; each case is then checked
        # against the list in force on its first day (check_cases).
        self.topic_items = rules.lists.topics + tuple(
            t for lists in extra_lists for t in lists.topics)
        self.cases: dict[str, _CaseRows] = defaultdict(_CaseRows)
        self.activities: list[tuple[dt.date, int, str]] = []

    def date(self, row: int, column: str, value: str) -> dt.date:
        with _cell(row, column):
            return self.rules.date("on", typed_input.date(value, "on", self.rules.today(),
                                                          year_required=True))

    def code(self, row: int, column: str, items: tuple[codelists.Code, ...], value: str) -> str:
        with _cell(row, column):
            return self.rules.code(column, _lookup(items, value), items)

    def add_row(self, number: int, rec: dict[str, str]) -> None:
        kind = rec.get("type", "").casefold()
        on = self.date(number, "datum", rec.get("datum", ""))
        with _cell(number, "minuten"):
            minutes = self.rules.minutes("minutes",
                                         typed_input.minutes(rec.get("minuten", "")))
        if kind in ("activiteit", "activity"):
            for column in CONTACT_ONLY:
                if rec.get(column):
                    raise _problem(number, column, N_("An activity row leaves this column "
                                                      "empty."))
            activity = self.code(number, "activiteit", self.lists.activity_kinds,
                                 rec.get("activiteit", ""))
            self.activities.append((on, minutes, activity))
            return
        if kind != "contact":
            raise _problem(number, "type", N_("Use “contact” or “activiteit”."))
        if rec.get("activiteit"):
            raise _problem(number, "activiteit", N_("A contact row leaves this column empty."))
        ref = rec.get("casus", "")
        if not ref:
            raise _problem(number, "casus", N_("Give each case a reference."))
        mode = self.code(number, "wijze", self.lists.contact_modes, rec.get("wijze", ""))
        case = self.cases[ref]
        if not case.first_row:
            case.first_row = number
        case.contacts.append((number, on, minutes, mode))
        self._add_codes(number, rec, case)
        self._closing(number, rec, case)
        if rec.get("memo"):
            with _cell(number, "memo"):
                memo = self.rules.memo(rec["memo"])
            if case.memo is not None and memo != case.memo:
                raise _problem(number, "memo", N_("This case already has another memo, in row "
                                                  "{first}; a case has one memo."),
                               first=case.memo_row)
            case.memo, case.memo_row = memo, case.memo_row or number

    def _closing(self, number: int, rec: dict[str, str], case: _CaseRows) -> None:
        if not rec.get("afgesloten_op"):
            if rec.get("uitkomst"):
                raise _problem(number, "uitkomst", N_("An outcome needs the closing date in "
                                                      "“afgesloten_op”."))
            return
        closed_on = self.date(number, "afgesloten_op", rec["afgesloten_op"])
        outcome = self.code(number, "uitkomst", self.lists.outcomes, rec.get("uitkomst", ""))
        if case.closed_on is not None and (closed_on, outcome) != (case.closed_on, case.outcome):
            raise _problem(number, "afgesloten_op", N_("This case is already closed in row "
                                                       "{first}, on another day or with another "
                                                       "outcome; a case is closed once."),
                           first=case.closed_row)
        case.closed_on, case.outcome = closed_on, outcome
        case.closed_row = case.closed_row or number

    def _add_codes(self, number: int, rec: dict[str, str], case: _CaseRows) -> None:
        for column, target, items in (
            ("onderwerpen", case.topics, self.topic_items),
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
                topics = self.rules.topics(case.topics, min(c[1] for c in case.contacts))
            with _cell(case.first_row, "gronden"):
                self.rules.grounds(case.grounds, topics)
            if case.closed_on is not None:
                with _cell(case.first_row, "afgesloten_op"):
                    self.rules.closed_after_contacts(case.closed_on,
                                                     max(c[1] for c in case.contacts))


def _store(register: Register, reader: _Reader, digest: str, today: dt.date
           ) -> CsvImportResult:
    n_contacts = 0
    with register.session() as s:
        key = IMPORTED_KEY_PREFIX + digest[:52]
        before = s.scalars(select(KeyValue).where(KeyValue.key == key)).first()
        if before is not None:
            raise CsvImportError(
                N_("The registrations in this file were imported before ({when}). Importing "
                   "them again would count every case twice. Nothing was imported."),
                when=json.loads(before.value).get("on", "?"))
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
        result = CsvImportResult(len(reader.cases), n_contacts, len(reader.activities))
        s.add(KeyValue(key=key, value=json.dumps({"on": today.isoformat(), **result.__dict__})))
    return result


def import_csv(register: Register, path: Path, today: dt.date | None = None) -> CsvImportResult:
    """Read and check every row first; store all of them in one transaction, or none."""
    day = today or dt.date.today()
    table = _read_table(path)
    versions = [v for _start, v in register.codelist_periods()]
    reader = _Reader(CaseRules(register.code_lists(), lambda: day, register.code_lists),
                     [codelists.load(v) for v in versions])  # the register's versions
    for number, cells in table.rows:
        reader.add_row(number, {k: v.strip() for k, v in zip(table.header, cells, strict=True)})
    reader.check_cases()
    return _store(register, reader, table.digest(), day)
