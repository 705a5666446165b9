"""The effective figures of a coordination register, and who reported.

Which files count for a quarter (each VP report exactly once):
- only current submissions (no later revision of the same level, sender and quarter) that the
  coordinator did not put aside in an overlap conflict (``excluded``);
- every counting merged file counts whole (its VP reports cannot be split out of it);
- a VP file counts only when its report is not already inside a counting merged file. When the
  VP file is a *newer* revision than the copy inside the merged file, the merged file still
  counts and the VP code is listed in ``stale`` so the coordinator can ask for a new merged file.

Completeness: a report is *late* when the first file carrying it was imported more than
``LATE_AFTER_DAYS`` days after the quarter ended (a later correction does not make it late) -
unless the sender was enrolled here only after that deadline: such a quarter is *history*
(a coordinator entering 2018 in 2026 enrols with ``--active-from 2018-01-01``), and its file
cannot have been late here.
*Replaced* means the counting revision is higher than 1.

The response line of a quarter ("2026-Q3: 4 of 6 confidants reported, 1 nil return") says who
reported, from the same counts; the table view and every report show it. It is about senders,
not cases, so it stays outside disclosure control.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import func, select

from app.export.interchange import Reporting, VerifiedFile
from app.export.measures import Measures, merge_all, sum_quarters
from app.export.report_model import Label
from app.i18n import N_
from app.models.entities import Submission, SubmissionSource
from app.models.periods import Quarter, quarters_of_year
from app.services.coordination import roster as roster_service
from app.services.storage.vault import Register

LATE_AFTER_DAYS = 30


@dataclass(frozen=True)
class CountedFile:
    """A submission whose figures are added into the quarter."""

    id: int
    level: str
    sender_code: str
    component: str
    quarter: str
    revision: int
    sha256: str
    nil_return: bool
    codelist_version: str
    measures: Measures
    vp_codes: tuple[str, ...]  # the VP reports it contains (a VP file: its own sender)
    payload: dict[str, Any] = field(repr=False, compare=False, hash=False)

    def as_verified(self) -> VerifiedFile:
        """The stored file as the interchange merge code takes it (already verified on import)."""
        return VerifiedFile(
            payload=self.payload, measures=self.measures, signer_public_key=b"",
            signer_fingerprint=self.payload["sender"]["fingerprint"], sha256=self.sha256,
            received_sha256=self.sha256, sealed=False,
        )


@dataclass(frozen=True)
class QuarterTable:
    quarter: str
    measures: Measures
    by_component: dict[str, Measures]
    counted: tuple[CountedFile, ...]
    codelist_versions: tuple[str, ...]
    stale: tuple[str, ...]  # VP codes with a newer direct revision than inside the merged file

    @property
    def mixed_codelists(self) -> bool:
        """Footnote flag: the sources used different versions of the topic list."""
        return len(self.codelist_versions) > 1


@dataclass(frozen=True)
class YearTable:
    year: int
    measures: Measures  # flows summed, cases_open_end = Q4's
    by_component: dict[str, Measures]
    quarters: tuple[QuarterTable, ...]

    @property
    def mixed_codelists(self) -> bool:
        return len({v for q in self.quarters for v in q.codelist_versions}) > 1


def quarter_table(register: Register, quarter: Quarter | str) -> QuarterTable:
    q = str(quarter)
    with register.session() as s:
        rows = s.scalars(
            select(Submission).where(
                Submission.quarter == q,
                Submission.superseded_by_id.is_(None),
                Submission.excluded.is_(False),
            ).order_by(Submission.id)
        ).all()
        merged_ids = [r.id for r in rows if r.level != "vp"]
        sources: dict[int, list[tuple[str, int]]] = {}
        if merged_ids:
            for sub_id, code, revision in s.execute(
                select(SubmissionSource.submission_id, SubmissionSource.sender_code,
                       SubmissionSource.revision)
                .where(SubmissionSource.submission_id.in_(merged_ids))
            ):
                sources.setdefault(sub_id, []).append((code, revision))
    covered: dict[str, int] = {}  # VP code -> revision inside the counting merged file
    for sub_id in merged_ids:
        covered.update(dict(sources.get(sub_id, [])))
    counted: list[CountedFile] = []
    stale: list[str] = []
    for r in rows:
        if r.level == "vp" and r.sender_code in covered:
            if r.revision > covered[r.sender_code]:
                stale.append(r.sender_code)
            continue
        payload = json.loads(r.payload)
        codes = (r.sender_code,) if r.level == "vp" else tuple(c for c, _ in sources.get(r.id, []))
        counted.append(CountedFile(
            id=r.id, level=r.level, sender_code=r.sender_code, component=r.component,
            quarter=r.quarter, revision=r.revision, sha256=r.sha256, nil_return=r.nil_return,
            codelist_version=r.codelist_version,
            measures=Measures.from_payload(payload["measures"]), vp_codes=codes,
            payload=payload,
        ))
    by_component: dict[str, list[Measures]] = {}
    for c in counted:
        by_component.setdefault(c.component, []).append(c.measures)
    return QuarterTable(
        quarter=q,
        measures=merge_all(c.measures for c in counted),
        by_component={k: merge_all(v) for k, v in sorted(by_component.items())},
        counted=tuple(counted),
        codelist_versions=tuple(sorted({c.codelist_version for c in counted})),
        stale=tuple(sorted(stale)),
    )


def year_table(register: Register, year: int) -> YearTable:
    quarters = tuple(quarter_table(register, q) for q in quarters_of_year(year))
    components = sorted({k for q in quarters for k in q.by_component})
    return YearTable(
        year=year,
        measures=sum_quarters([q.measures for q in quarters]),
        by_component={
            k: sum_quarters([q.by_component.get(k, Measures()) for q in quarters])
            for k in components
        },
        quarters=quarters,
    )


# --- completeness -------------------------------------------------------------------------

Status = Literal["reported", "nil", "missing"]


@dataclass(frozen=True)
class CompletenessCell:
    sender_code: str
    quarter: str
    status: Status
    expected: bool
    revision: int | None = None
    late: bool = False
    via: str | None = None  # sender of the merged file that carried the report, if any

    @property
    def replaced(self) -> bool:
        return self.revision is not None and self.revision > 1

    @property
    def labels(self) -> tuple[str, ...]:
        """The status and its flags, e.g. ('reported', 'replaced', 'late')."""
        return (self.status,) + (("replaced",) if self.replaced else ()) + (
            ("late",) if self.late else ())


# The words of a cell's status and flags, as the window says them (the command line too).
CELL_WORDS = {"reported": N_("reported"), "nil": N_("nil return"), "missing": N_("missing"),
              "replaced": N_("replaced"), "late": N_("late")}


@dataclass(frozen=True)
class QuarterCounts:
    quarter: str
    expected: int
    received: int  # nil returns included: a nil return is a report
    nil: int
    missing: int
    late: int
    replaced: int
    vp_reporting: Reporting | None = None  # central level: the VPs behind the component files


@dataclass(frozen=True)
class Completeness:
    quarters: tuple[str, ...]
    senders: tuple[str, ...]  # rows: VP codes (component level) or coordinator codes (central)
    cells: dict[tuple[str, str], CompletenessCell]  # (sender, quarter)
    counts: dict[str, QuarterCounts]
    # Roster entries that were ended: code -> the first day they are no longer expected. Such a
    # sender has no cell in the quarters after it (unless a file of theirs still counts there).
    ended: dict[str, dt.date] = field(default_factory=dict)

    def cell(self, sender: str, quarter: str) -> CompletenessCell:
        return self.cells[(sender, quarter)]

    def ended_before(self, sender: str, quarter: str) -> dt.date | None:
        """The day ``sender``'s roster entry ended, when that was before ``quarter`` began."""
        day = self.ended.get(sender)
        return day if day is not None and day <= Quarter.parse(quarter).start else None


def _first_imports(register: Register, quarter: str, central: bool) -> dict[str, dt.datetime]:
    """Per row sender: when the first file carrying their report for the quarter arrived."""
    with register.session() as s:
        if central:
            rows = s.execute(
                select(Submission.sender_code, func.min(Submission.imported_at))
                .where(Submission.quarter == quarter).group_by(Submission.sender_code)
            ).all()
        else:
            rows = s.execute(
                select(SubmissionSource.sender_code, func.min(Submission.imported_at))
                .join(Submission, Submission.id == SubmissionSource.submission_id)
                .where(Submission.quarter == quarter).group_by(SubmissionSource.sender_code)
            ).all()
    return {code: at for code, at in rows}


def _quarter_cells(register: Register, quarter: Quarter, central: bool, expected: set[str],
                   enrolled: dict[str, dt.date | None]) -> tuple[list[CompletenessCell],
                                                                 Reporting | None]:
    q = str(quarter)
    table = quarter_table(register, q)
    deadline = quarter.end + dt.timedelta(days=LATE_AFTER_DAYS)
    first = _first_imports(register, q, central)
    seen: dict[str, CompletenessCell] = {}
    vp: Reporting | None = None
    for f in table.counted:
        if central:
            seen[f.sender_code] = CompletenessCell(
                f.sender_code, q, "nil" if f.nil_return else "reported",
                f.sender_code in expected, f.revision)
            continue
        if f.level == "vp":
            seen[f.sender_code] = CompletenessCell(
                f.sender_code, q, "nil" if f.nil_return else "reported",
                f.sender_code in expected, f.revision)
            continue
        nil = set(f.payload["reporting"]["nil"])
        for src in f.payload["sources"]:
            code = src["sender_code"]
            seen[code] = CompletenessCell(code, q, "nil" if code in nil else "reported",
                                          code in expected, src["revision"], via=f.sender_code)
    if central:
        parts = [f.payload["reporting"] for f in table.counted]
        vp = Reporting.of([c for p in parts for c in p["expected"]],
                          [c for p in parts for c in p["received"]],
                          [c for p in parts for c in p["nil"]])
    cells = []
    for code in sorted(expected | set(seen)):
        cell = seen.get(code) or CompletenessCell(code, q, "missing", True)
        at = first.get(code)
        on = enrolled.get(code)
        history = on is not None and on > deadline  # enrolled after the deadline had passed
        if cell.status != "missing" and at is not None and at.date() > deadline and not history:
            cell = CompletenessCell(cell.sender_code, q, cell.status, cell.expected,
                                    cell.revision, True, cell.via)
        cells.append(cell)
    return cells, vp


def completeness(register: Register, quarters: Iterable[Quarter | str]) -> Completeness:
    """Senders × quarters with reported / nil / missing, replaced and late flags, and counts."""
    profile = roster_service.coordination_profile(register)
    central = roster_service.is_central(profile)
    members = roster_service.list_members(register)
    wanted = [q if isinstance(q, Quarter) else Quarter.parse(q) for q in quarters]
    cells: dict[tuple[str, str], CompletenessCell] = {}
    counts: dict[str, QuarterCounts] = {}
    for quarter in wanted:
        expected = {m.code for m in roster_service.expected_for(members, quarter, central=central)}
        row, vp = _quarter_cells(register, quarter, central, expected,
                                 {m.code: m.enrolled_on for m in members})
        for cell in row:
            cells[(cell.sender_code, str(quarter))] = cell
        counts[str(quarter)] = QuarterCounts(
            quarter=str(quarter),
            expected=len(expected),
            received=sum(1 for c in row if c.status != "missing"),
            nil=sum(1 for c in row if c.status == "nil"),
            missing=sum(1 for c in row if c.status == "missing"),
            late=sum(1 for c in row if c.late),
            replaced=sum(1 for c in row if c.replaced),
            vp_reporting=vp,
        )
    role = "coordinator" if central else "vp"
    ended = {m.code: m.active_until + dt.timedelta(days=1) for m in members
             if m.role == role and m.active_until is not None}
    # An entry ended in the year before a shown quarter stays a row: "not expected from ...".
    recent = {code for code, day in ended.items()
              if any(q.start - dt.timedelta(days=366) <= day <= q.start for q in wanted)}
    senders = tuple(sorted({s for s, _ in cells} | recent))
    return Completeness(tuple(str(q) for q in wanted), senders, cells, counts, ended)


# Distinct messages for one and for more (Label has no plural forms): Dutch says "heeft" or
# "hebben", both languages "nil return" or "nil returns".
RESPONSE = {
    ("vp", True): N_("{quarter}: one of {expected} confidants reported"),
    ("vp", False): N_("{quarter}: {received} of {expected} confidants reported"),
    ("coordinator", True): N_("{quarter}: one of {expected} coordinators reported"),
    ("coordinator", False): N_("{quarter}: {received} of {expected} coordinators reported"),
}
NIL_RETURNS = {True: N_("{nil} nil return"), False: N_("{nil} nil returns")}


def response_line(counts: QuarterCounts, *, central: bool) -> Label:
    """"2026-Q3: 4 of 6 confidants reported, 1 nil return" (coordinators at the central
    level), in the language it is read in."""
    reported = Label(RESPONSE[("coordinator" if central else "vp", counts.received == 1)],
                     params=(("quarter", counts.quarter), ("received", str(counts.received)),
                             ("expected", str(counts.expected))))
    nil = Label(NIL_RETURNS[counts.nil == 1], params=(("nil", str(counts.nil)),))
    return Label(parts=(reported, nil), sep=", ")


def response_lines(register: Register, quarters: Iterable[Quarter | str]) -> tuple[Label, ...]:
    """The response line of each quarter, in order."""
    central = roster_service.is_central(roster_service.coordination_profile(register))
    grid = completeness(register, quarters)
    return tuple(response_line(grid.counts[q], central=central) for q in grid.quarters)


def merged_sources(files: Sequence[CountedFile]) -> list[str]:
    """The VP codes whose reports are in ``files`` (each once)."""
    return sorted({c for f in files for c in f.vp_codes})


def only_component(table: YearTable, component: str) -> YearTable:
    """The figures of one component of a central register's year (its files only)."""
    quarters = []
    for q in table.quarters:
        counted = tuple(f for f in q.counted if f.component == component)
        measures = merge_all(f.measures for f in counted)
        quarters.append(QuarterTable(
            quarter=q.quarter, measures=measures,
            by_component={component: measures} if counted else {}, counted=counted,
            codelist_versions=tuple(sorted({f.codelist_version for f in counted})),
            stale=()))
    return YearTable(
        year=table.year, measures=sum_quarters([q.measures for q in quarters]),
        by_component={component: sum_quarters([q.measures for q in quarters])}
        if any(q.counted for q in quarters) else {},
        quarters=tuple(quarters))
