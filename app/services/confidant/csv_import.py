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

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import AppError, CsvImportError
from app.i18n import N_
from app.models import codelists
from app.models.codelists import DISCRIMINATION
from app.models.entities import Activity, Case, CaseGround, CaseTopic, ContactMoment
from app.services.confidant.cases import EARLIEST_DATE, MAX_MINUTES, MEMO_MAX
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


def import_csv(register: Register, path: Path, today: dt.date | None = None) -> CsvImportResult:
    today = today or dt.date.today()
    lists = codelists.load()
    raw = Path(path).read_bytes()
    if len(raw) > MAX_BYTES:
        raise CsvImportError(N_("The file is larger than 20 MB. Nothing was imported."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvImportError(N_("The file is not UTF-8 text. Nothing was imported.")) from exc
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,")
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

    cases: dict[str, _CaseRows] = defaultdict(_CaseRows)
    activities: list[tuple[dt.date, int, str]] = []

    def date_cell(row: int, column: str, value: str) -> dt.date:
        d = _parse_date(value)
        if d is None:
            raise _problem(row, column, N_("Enter a valid date."))
        if d > today:
            raise _problem(row, column, N_("The date cannot be in the future."))
        if d < EARLIEST_DATE:
            raise _problem(row, column, N_("The date cannot be before 1 January 2000."))
        return d

    for number, rec in enumerate(reader, start=2):  # row 1 is the header
        rec = {k: (v or "").strip() for k, v in rec.items() if k is not None}
        if not any(rec.values()):
            continue
        kind = rec.get("type", "").casefold()
        on = date_cell(number, "datum", rec.get("datum", ""))
        try:
            minutes = int(rec.get("minuten", ""))
        except ValueError:
            raise _problem(number, "minuten", N_("Enter the duration in whole minutes.")) from None
        if not 1 <= minutes <= MAX_MINUTES:
            raise _problem(
                number, "minuten", N_("The duration must be between 1 and 1440 minutes.")
            )
        if kind in ("activiteit", "activity"):
            activity = _lookup(lists.activity_kinds, rec.get("activiteit", ""))
            if activity is None:
                raise _problem(number, "activiteit", N_("Choose a value from the list."))
            activities.append((on, minutes, activity))
            continue
        if kind != "contact":
            raise _problem(number, "type", N_("Use “contact” or “activiteit”."))
        ref = rec.get("casus", "")
        if not ref:
            raise _problem(number, "casus", N_("Give each case a reference."))
        mode = _lookup(lists.contact_modes, rec.get("wijze", ""))
        if mode is None:
            raise _problem(number, "wijze", N_("Choose a value from the list."))
        case = cases[ref]
        if not case.first_row:
            case.first_row = number
        case.contacts.append((number, on, minutes, mode))
        for column, target, items in (
            ("onderwerpen", case.topics, lists.topics),
            ("gronden", case.grounds, lists.discrimination_grounds),
        ):
            for part in filter(None, (p.strip() for p in rec.get(column, "").split("|"))):
                code = _lookup(items, part)
                if code is None:
                    raise _problem(number, column, N_("“{value}” is not in the list."), value=part)
                target.add(code)
        if rec.get("afgesloten_op"):
            case.closed_on = date_cell(number, "afgesloten_op", rec["afgesloten_op"])
            outcome = _lookup(lists.outcomes, rec.get("uitkomst", ""))
            if outcome is None:
                raise _problem(number, "uitkomst", N_("Choose a value from the list."))
            case.outcome = outcome
        if rec.get("memo"):
            if len(rec["memo"]) > MEMO_MAX:
                raise _problem(number, "memo", N_("The memo can hold at most 2000 characters."))
            case.memo = rec["memo"]

    for case in cases.values():
        if not case.topics:
            raise _problem(case.first_row, "onderwerpen", N_("Choose at least one topic."))
        if case.grounds and DISCRIMINATION not in case.topics:
            raise _problem(
                case.first_row, "gronden",
                N_("Grounds of discrimination only apply to the topic discrimination."),
            )
        first = min(c[1] for c in case.contacts)
        last = max(c[1] for c in case.contacts)
        if case.closed_on is not None and case.closed_on < last:
            raise _problem(
                case.first_row, "afgesloten_op",
                N_("A case cannot be closed before its last contact moment."),
            )
        del first

    n_contacts = 0
    with register.session() as s:
        for case in cases.values():
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
        for on, minutes, kind in activities:
            s.add(Activity(on=on, minutes=minutes, kind=kind))
    return CsvImportResult(len(cases), n_contacts, len(activities))
