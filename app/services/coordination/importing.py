"""Import quarterly files into a coordination register: a dry run first, then one transaction.

``plan_import`` reads and verifies every file and says, per file, what importing it would do
(new, replaces revision n, already imported, older revision, overlap conflict, refused and
why). It never writes. ``apply_import`` carries out a plan in one transaction: all of it or
nothing; a plan whose files were all refused writes nothing at all.

How files relate (see also ``app.services.coordination.merging``):
- a *stream* is (level, sender code, quarter); the highest revision of a stream is current,
  earlier revisions stay in the history with ``superseded_by`` set;
- every submission lists the VP reports it contains (a VP file lists itself) in
  ``SubmissionSource``; a merged file whose VP reports overlap with another current merged
  file is an overlap conflict, and only the coordinator's choice counts (the other is kept
  with ``excluded``); a VP file that also arrived inside a merged file counts once.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.errors import (
    REVISION_NAMES_OTHER,
    REVISION_NOT_NAMED_BY_NEXT,
    REVISION_NOT_PREVIOUS,
    AppError,
    FileAccessError,
    FileTooLarge,
    ForeignComponent,
    InconsistentMeasures,
    InvalidImportFile,
    LevelNotAccepted,
    OutputExists,
    RevisionInconsistent,
    SenderCodeMismatch,
    SenderDeactivated,
    SenderNotCoordinator,
    SourceAlreadyCountedOtherwise,
    SourceNotOnRoster,
    SourceSpelledDifferently,
    SubmissionConflict,
    SubmissionIdReused,
)
from app.export import crypto
from app.export.canonical import MAX_FILE_BYTES, canonical_bytes
from app.export.interchange import SourceRef, VerifiedFile, read_file, require_enrolled
from app.export.measures import stock_flow
from app.export.receipts import write_receipt
from app.files import ensure_folder, file_errors, read_input, write_new
from app.i18n import N_, _
from app.models.entities import RosterEntry, Submission, SubmissionSource, utcnow
from app.models.periods import Quarter
from app.services.changes import Change, ChangeKind
from app.services.coordination.roster import coordination_profile, is_central
from app.services.storage.vault import Register

Stream = tuple[str, str, str]  # level, sender code, quarter

STALE_PLAN = N_(
    "The register changed after the dry run. Run the dry run again; nothing was imported."
)
CONFLICT_UNRESOLVED = N_(
    "Two files chosen to count contain the same VP reports. Choose one of them; nothing was "
    "imported."
)


class ImportStatus(enum.StrEnum):
    NEW = "new"
    REPLACES = "replaces"  # a higher revision of a stream already in
    OLDER = "older"  # a lower revision than the one already in: kept in the history only
    ALREADY_IMPORTED = "already_imported"  # the same signed file: a no-op
    OVERLAP = "overlap"  # a merged file sharing VP reports with another merged file
    REFUSED = "refused"


class OverlapChoice(enum.StrEnum):
    USE_THIS = "use_this"  # this file counts; the files it overlaps stop counting (kept)
    KEEP_OTHERS = "keep_others"  # import it into the history, but it does not count (default)
    SKIP = "skip"  # do not import it at all


@dataclass(frozen=True)
class Overlap:
    """Another merged file containing some of the same VP reports."""

    other_sender: str
    other_sha256: str
    other_in_register: bool  # False: the other file is in the same batch
    senders: tuple[str, ...]  # the VP codes whose reports are in both
    quarter: str


@dataclass
class PlanItem:
    path: Path
    status: ImportStatus
    reason: str  # one sentence in the user's language (a refusal without its consequence)
    verified: VerifiedFile | None = None
    replaces_revision: int | None = None
    overlaps: tuple[Overlap, ...] = ()
    existing_id: int | None = None  # ALREADY_IMPORTED from the register: its row

    @property
    def key(self) -> str | None:
        """The file's identity (sha256 of the signed file); the key of ``choices``."""
        return self.verified.sha256 if self.verified else None

    @property
    def will_be_stored(self) -> bool:
        return self.status in (
            ImportStatus.NEW, ImportStatus.REPLACES, ImportStatus.OLDER, ImportStatus.OVERLAP
        )


@dataclass
class ImportPlan:
    items: list[PlanItem]
    today: dt.date
    state_token: tuple[int, int]  # (row count, max id) of submissions when planned
    cancelled: bool = False

    def count(self, status: ImportStatus) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def refused(self) -> list[PlanItem]:
        return [i for i in self.items if i.status == ImportStatus.REFUSED]

    @property
    def conflicts(self) -> list[PlanItem]:
        return [i for i in self.items if i.status == ImportStatus.OVERLAP]


@dataclass(frozen=True)
class ImportResult:
    change: ClassVar[Change] = Change.of(ChangeKind.SUBMISSIONS)
    added: int  # NEW and OLDER rows stored
    replaced: int  # REPLACES rows stored
    overlaps_used: int  # overlap files chosen to count
    overlaps_kept_aside: int  # overlap files stored but not counting
    skipped: int  # overlap files not imported by choice
    already: int
    refused: int
    receipts: tuple[Path, ...] = ()
    changed_quarters: tuple[str, ...] = ()
    # Receipts are written after the commit: one that cannot be written does not undo the
    # import; it is reported here, one sentence each.
    receipt_problems: tuple[str, ...] = ()
    # reports of other registers (component coordinators) the files carried, new in the ledger
    publications: int = 0


ProgressCallback = Callable[[int, int], None]


class Cancellable(Protocol):
    """What the dry run asks between files: a ``CancelFlag``, or the window's progress."""

    @property
    def cancelled(self) -> bool: ...


@dataclass
class CancelFlag:
    """Set by the UI thread; the dry run stops between files (nothing has been written)."""

    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Folders become their ``*.json`` files (not recursive, hidden files skipped). A folder
    that cannot be listed is a FileAccessError; a file is looked at when it is read."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            with file_errors(path):
                found += sorted(
                    p for p in path.iterdir()
                    if p.suffix.lower() == ".json" and not p.name.startswith(".") and p.is_file()
                )
        else:
            found.append(path)
    return found


def _read(path: Path, sealing_private_key: bytes, today: dt.date) -> VerifiedFile:
    """The size gate and the kind of file (no folder, device or pipe) before reading."""
    data = read_input(path, MAX_FILE_BYTES, FileTooLarge(limit=MAX_FILE_BYTES))
    return read_file(data, sealing_private_key, today=today)


# --- the register's state, loaded once per plan -------------------------------------------


@dataclass
class _Known:
    """A submission already in the register or earlier in the batch."""

    sha256: str
    submission_id: str
    revision: int
    stream: Stream
    imported_at: dt.datetime | None
    row_id: int | None  # None: in the batch
    supersedes: str | None = None
    open_end: int | None = None  # cases_open_end of the file (the previous quarter's stock)


@dataclass(frozen=True)
class _HeldReport:
    """A VP report the register (or the batch) holds: a VP file, or a source of a merged one."""

    code: str
    submission_id: str
    revision: int
    sha256: str


@dataclass
class _State:
    roster: dict[bytes, RosterEntry]
    by_sha: dict[str, _Known] = field(default_factory=dict)
    by_id: dict[str, _Known] = field(default_factory=dict)
    by_id_revision: dict[tuple[str, int], _Known] = field(default_factory=dict)
    by_stream_revision: dict[tuple[Stream, int], _Known] = field(default_factory=dict)
    current: dict[Stream, _Known] = field(default_factory=dict)
    # quarter -> VP code -> the current, counting merged files containing that VP's report
    cover: dict[str, dict[str, dict[str, tuple[str, bool, Stream]]]] = field(default_factory=dict)
    # every VP report held, by its file's hash, by its submission id, by its code case-folded
    reports_by_sha: dict[str, _HeldReport] = field(default_factory=dict)
    reports_by_id: dict[str, _HeldReport] = field(default_factory=dict)
    codes_folded: dict[str, str] = field(default_factory=dict)

    def remember(self, known: _Known) -> None:
        self.by_sha[known.sha256] = known
        self.by_id.setdefault(known.submission_id, known)
        self.by_id_revision[(known.submission_id, known.revision)] = known
        self.by_stream_revision[(known.stream, known.revision)] = known
        now = self.current.get(known.stream)
        if now is None or known.revision > now.revision:
            self.current[known.stream] = known

    def hold(self, report: _HeldReport) -> None:
        self.reports_by_sha.setdefault(report.sha256, report)
        self.reports_by_id.setdefault(report.submission_id, report)
        self.codes_folded.setdefault(report.code.casefold(), report.code)

    @property
    def roster_by_code(self) -> dict[str, RosterEntry]:
        return {e.code: e for e in self.roster.values()}

    def add_cover(self, quarter: str, vp_codes: Iterable[str], sha: str, sender: str,
                  in_register: bool, stream: Stream) -> None:
        by_vp = self.cover.setdefault(quarter, {})
        for code in vp_codes:
            by_vp.setdefault(code, {})[sha] = (sender, in_register, stream)

    def drop_stream_cover(self, quarter: str, stream: Stream) -> None:
        for holders in self.cover.get(quarter, {}).values():
            for sha in [s for s, (_sender, _stored, st) in holders.items() if st == stream]:
                del holders[sha]


def _state_token(register: Register) -> tuple[int, int]:
    with register.session() as s:
        row = s.execute(select(func.count(Submission.id), func.max(Submission.id))).one()
        return int(row[0] or 0), int(row[1] or 0)


def _load_state(register: Register) -> _State:
    with register.session() as s:
        roster = {e.signing_public_key: e for e in s.scalars(select(RosterEntry))}
        for e in roster.values():
            s.expunge(e)
        state = _State(roster=roster)
        rows = s.execute(
            select(Submission.id, Submission.sha256, Submission.submission_id,
                   Submission.revision, Submission.level, Submission.sender_code,
                   Submission.quarter, Submission.imported_at, Submission.superseded_by_id,
                   Submission.excluded,
                   func.json_extract(Submission.payload, "$.supersedes").label("supersedes"),
                   func.json_extract(Submission.payload, "$.measures.cases_open_end")
                   .label("open_end"))
        ).all()
        counting_merged: dict[int, tuple[str, str, Stream]] = {}
        for r in rows:
            stream = (r.level, r.sender_code, r.quarter)
            state.remember(_Known(r.sha256, r.submission_id, r.revision, stream,
                                  r.imported_at, r.id, r.supersedes, r.open_end))
            if r.level != "vp" and r.superseded_by_id is None and not r.excluded:
                counting_merged[r.id] = (r.sha256, r.sender_code, stream)
        for held in s.execute(
            select(SubmissionSource.sender_code, SubmissionSource.source_submission_id,
                   SubmissionSource.revision, SubmissionSource.sha256)
            .order_by(SubmissionSource.id)
        ):
            state.hold(_HeldReport(held.sender_code, held.source_submission_id, held.revision,
                                   held.sha256))
        if counting_merged:
            sources = s.execute(
                select(SubmissionSource.submission_id, SubmissionSource.sender_code,
                       SubmissionSource.period)
                .join(Submission, Submission.id == SubmissionSource.submission_id)
                .where(Submission.level != "vp", Submission.superseded_by_id.is_(None),
                       Submission.excluded.is_(False))
            ).all()
            for src in sources:
                sha, sender, stream = counting_merged[src.submission_id]
                state.add_cover(src.period, [src.sender_code], sha, sender, True, stream)
    return state


# --- the dry run --------------------------------------------------------------------------


def _check_sender(verified: VerifiedFile, state: _State, component: str, central: bool) -> None:
    entry = state.roster.get(verified.signer_public_key)
    if entry is None:
        require_enrolled(verified, ())  # raises SignerNotEnrolled naming the fingerprint
        return
    quarter = Quarter.parse(verified.quarter)
    if entry.active_until is not None and entry.active_until < quarter.start:
        raise SenderDeactivated(code=entry.code, date=entry.active_until.isoformat(),
                                quarter=verified.quarter)
    sender = verified.sender
    if sender.code != entry.code:
        raise SenderCodeMismatch(code=sender.code,
                                 fingerprint=crypto.groups_of_fingerprint(
                                     verified.signer_fingerprint),
                                 enrolled=entry.code)
    accepted = ("component",) if central else ("vp", "component")
    if verified.level not in accepted:
        raise LevelNotAccepted(level=verified.level, accepted=", ".join(accepted))
    if verified.level == "component" and entry.role != "coordinator":
        raise SenderNotCoordinator(code=entry.code, role=entry.role)
    expected = entry.component if central else component
    if sender.component != expected:
        raise ForeignComponent(found=sender.component, expected=expected)


def _vp_codes(verified: VerifiedFile) -> list[str]:
    if verified.level == "vp":
        return [verified.sender.code]
    return [s["sender_code"] for s in verified.payload["sources"]]


def _classify(item: PlanItem, state: _State, component: str, central: bool) -> None:
    verified = item.verified
    assert verified is not None
    stream: Stream = (verified.level, verified.sender.code, verified.quarter)
    same = state.by_sha.get(verified.sha256)
    if same is not None:
        item.status = ImportStatus.ALREADY_IMPORTED
        item.existing_id = same.row_id
        if same.imported_at is not None:
            item.reason = _("Already imported on {date}; nothing changes.").format(
                date=same.imported_at.date().isoformat())
        else:
            item.reason = _("This file appears twice in the selection; it is imported once.")
        return
    try:
        _check_sender(verified, state, component, central)
        clash = state.by_id_revision.get((verified.submission_id, verified.revision)) or \
            state.by_stream_revision.get((stream, verified.revision))
        if clash is not None:
            raise SubmissionConflict(revision=verified.revision, sender=verified.sender.code,
                                     quarter=verified.quarter)
        _check_revision_chain(verified, stream, state)
        if verified.level != "vp":
            _check_sources(verified, state, central)
        else:
            _check_stock_flow(verified, state)
    except InvalidImportFile as exc:
        item.status, item.reason = ImportStatus.REFUSED, exc.reason
        return
    now = state.current.get(stream)
    known = _Known(verified.sha256, verified.submission_id, verified.revision, stream, None, None,
                   verified.payload["supersedes"], verified.measures.cases_open_end)
    for ref in _sources(verified):
        state.hold(_HeldReport(ref.sender_code, ref.submission_id, ref.revision, ref.sha256))
    if now is not None and now.revision > verified.revision:
        item.status = ImportStatus.OLDER
        item.reason = _("Revision {revision} is older than revision {current}, which is already "
                        "in; it is kept in the history only.").format(
            revision=verified.revision, current=now.revision)
        state.remember(known)
        return
    if now is not None:
        item.status, item.replaces_revision = ImportStatus.REPLACES, now.revision
        item.reason = _("Replaces revision {revision}.").format(revision=now.revision)
    else:
        item.status, item.reason = ImportStatus.NEW, _("New.")
    state.remember(known)
    if verified.level != "vp":
        _find_overlaps(item, state, verified, stream)


def _check_revision_chain(verified: VerifiedFile, stream: Stream, state: _State) -> None:
    """Every revision has its own submission id, and revision n replaces revision n-1: the
    file must not name another file, skip a revision, or disagree with the revision after it
    (where those are here). A file whose previous revision never arrived is accepted."""
    same_id = state.by_id.get(verified.submission_id)
    if same_id is not None:  # the same id and revision is a SubmissionConflict, checked before
        raise SubmissionIdReused(sender=same_id.stream[1], quarter=same_id.stream[2],
                                 revision=same_id.revision)
    revision, supersedes = verified.revision, verified.payload["supersedes"]
    where = {"revision": revision, "sender": verified.sender.code, "quarter": verified.quarter}
    if revision > 1:
        previous = state.by_stream_revision.get((stream, revision - 1))
        named = state.by_id.get(supersedes)
        if previous is not None and previous.submission_id != supersedes:
            raise RevisionInconsistent(REVISION_NOT_PREVIOUS, previous=revision - 1, **where)
        if previous is None and named is not None:
            if named.stream == stream:  # names an older revision: skips one
                raise RevisionInconsistent(REVISION_NOT_PREVIOUS, previous=revision - 1, **where)
            raise RevisionInconsistent(REVISION_NAMES_OTHER, other=named.revision,
                                       other_sender=named.stream[1],
                                       other_quarter=named.stream[2], **where)
    following = state.by_stream_revision.get((stream, revision + 1))
    if following is not None and following.supersedes != verified.submission_id:
        raise RevisionInconsistent(REVISION_NOT_NAMED_BY_NEXT, next=revision + 1, **where)


def _check_stock_flow(verified: VerifiedFile, state: _State) -> None:
    """A confidant's quarter against the current file of the quarter before it from the same
    sender (already here, or earlier in the batch): the bound is ``measures.stock_flow``."""
    quarter = Quarter.parse(verified.quarter)
    previous = state.current.get(("vp", verified.sender.code, str(quarter.previous())))
    if previous is None or previous.open_end is None:
        return
    problem = stock_flow(int(previous.open_end), verified.measures)
    if problem is not None:
        msgid, params = problem
        raise InconsistentMeasures(msgid, sender=verified.sender.code, quarter=verified.quarter,
                                   previous=str(quarter.previous()), **params)


def _check_sources(verified: VerifiedFile, state: _State, central: bool) -> None:
    """The VP reports inside a merged file: each code exactly a roster code (component level)
    or the one spelling already here (central level), and a report whose file (hash) or
    submission id is already held must be that same report: it then counts once."""
    roster = state.roster_by_code
    for src in verified.payload["sources"]:
        code = src["sender_code"]
        if not central:
            entry = roster.get(code)
            if entry is None or entry.role != "vp":
                raise SourceNotOnRoster(code=code)
        known = state.codes_folded.get(code.casefold())
        if known is not None and known != code:
            raise SourceSpelledDifferently(code=code, known=known)
        held = state.reports_by_sha.get(src["sha256"]) or state.reports_by_id.get(
            src["submission_id"])
        if held is not None and (held.code, held.submission_id, held.revision, held.sha256) != (
                code, src["submission_id"], src["revision"], src["sha256"]):
            raise SourceAlreadyCountedOtherwise(code=code, known=held.code,
                                                revision=held.revision)


def _find_overlaps(item: PlanItem, state: _State, verified: VerifiedFile, stream: Stream) -> None:
    """A merged file whose VP reports are already counted through another merged file (or
    another file of this selection) overlaps it: the coordinator chooses which one counts."""
    state.drop_stream_cover(verified.quarter, stream)
    overlaps: dict[str, Overlap] = {}
    shared: dict[str, list[str]] = {}
    holders_by_vp = state.cover.get(verified.quarter, {})
    for code in _vp_codes(verified):
        for sha, (sender, in_register, _stream) in holders_by_vp.get(code, {}).items():
            shared.setdefault(sha, []).append(code)
            overlaps[sha] = Overlap(sender, sha, in_register, (), verified.quarter)
    state.add_cover(verified.quarter, _vp_codes(verified), verified.sha256,
                    verified.sender.code, False, stream)
    if overlaps:
        item.overlaps = tuple(
            Overlap(o.other_sender, o.other_sha256, o.other_in_register,
                    tuple(sorted(shared[sha])), o.quarter)
            for sha, o in sorted(overlaps.items())
        )
        item.status = ImportStatus.OVERLAP
        item.reason = _("Overlaps with the merged file of {others}: the reports of {senders} for "
                        "{quarter} are in both. Choose which one counts.").format(
            others=", ".join(sorted({o.other_sender for o in item.overlaps})),
            senders=", ".join(sorted({c for o in item.overlaps for c in o.senders})),
            quarter=verified.quarter)


def plan_import(
    register: Register,
    paths: Sequence[Path],
    today: dt.date,
    *,
    on_progress: ProgressCallback | None = None,
    cancel: Cancellable | None = None,
) -> ImportPlan:
    """Dry run: read, verify and classify every file. Writes nothing."""
    profile = coordination_profile(register)
    central = is_central(profile)
    token = _state_token(register)
    state = _load_state(register)
    files = expand_paths(paths)
    items: list[PlanItem] = []
    for done, path in enumerate(files, start=1):
        if cancel is not None and cancel.cancelled:
            return ImportPlan(items, today, token, cancelled=True)
        try:
            verified = _read(path, profile.sealing_private_key, today)
            items.append(PlanItem(path, ImportStatus.NEW, "", verified))
        except (InvalidImportFile, FileAccessError) as exc:
            # The sentence without "Nothing was imported.": a batch says what it imported once.
            items.append(PlanItem(path, ImportStatus.REFUSED, exc.reason))
        if on_progress is not None:
            on_progress(done, len(files))
    # Earlier quarters first (a quarter is checked against the one before it), and lower
    # revisions first, so revision 2 in the same batch replaces revision 1.
    order = sorted((i for i in items if i.verified),
                   key=lambda i: (i.verified.quarter, i.verified.revision))  # type: ignore[union-attr]
    for item in order:
        _classify(item, state, profile.component, central)
    _note_mixed_lists(register, items)
    if central:
        _note_publications(items)
    return ImportPlan(items, today, token)


CARRIES_PUBLICATIONS = N_("Reports its register published, carried in it: {n}; every later "
                         "report of this register is protected against them.")


def _note_publications(items: Sequence[PlanItem]) -> None:
    """The dry run says which files carry their register's publications (issue 19)."""
    for i in items:
        carried = i.verified.payload.get("publications") if i.verified is not None else None
        if carried and i.will_be_stored:
            i.reason = f"{i.reason} {_(CARRIES_PUBLICATIONS).format(n=len(carried))}"


# --- a quarter whose files use different topic-list versions (issue 23) ---------------------
MIXED_LISTS = N_("{quarter} then mixes topic-list versions ({versions}); it is forwarded on "
                 "list {version}, where every figure adds up exactly.")
MIXED_LISTS_APART = N_("{quarter} then mixes topic-list versions ({versions}) that cannot be "
                       "added up; it cannot be forwarded until its files use one version.")


def _note_mixed_lists(register: Register, items: Sequence[PlanItem]) -> None:
    """Add to the reason of each file to be stored that its quarter would then mix list
    versions, and on which list the quarter is forwarded (a nil return fits any list)."""
    from app.models import codelists

    planned = [i for i in items if i.verified is not None
               and i.status in (ImportStatus.NEW, ImportStatus.REPLACES, ImportStatus.OVERLAP)]
    quarters = {i.verified.quarter for i in planned}  # type: ignore[union-attr]
    if not quarters:
        return
    streams = {(i.verified.level, i.verified.sender.code, i.verified.quarter)  # type: ignore[union-attr]
               for i in planned}
    versions: dict[str, set[str]] = {q: set() for q in quarters}
    counting: dict[str, list[tuple[str, Mapping[str, int]]]] = {q: [] for q in quarters}
    with register.session() as s:
        for level, code, quarter, version, nil, payload in s.execute(
            select(Submission.level, Submission.sender_code, Submission.quarter,
                   Submission.codelist_version, Submission.nil_return, Submission.payload)
            .where(Submission.quarter.in_(quarters), Submission.superseded_by_id.is_(None),
                   Submission.excluded.is_(False))
        ):
            if (level, code, quarter) not in streams:
                versions[quarter].add(version)
                if not nil:
                    counting[quarter].append(
                        (version, json.loads(payload)["measures"]["topics"]))
    for i in planned:
        v = i.verified
        assert v is not None
        versions[v.quarter].add(v.payload["codelist"]["version"])
        if not v.nil_return:
            counting[v.quarter].append((v.payload["codelist"]["version"], v.measures.topics))
    for quarter, found in versions.items():
        every = sorted(found)
        if len(every) < 2:
            continue
        target = (codelists.forward_version(counting[quarter]) if counting[quarter]
                  else max(every))
        note = (_(MIXED_LISTS).format(quarter=quarter, versions=", ".join(every), version=target)
                if target else
                _(MIXED_LISTS_APART).format(quarter=quarter, versions=", ".join(every)))
        for i in planned:
            if i.verified is not None and i.verified.quarter == quarter:
                i.reason = f"{i.reason} {note}"


# --- applying a plan ----------------------------------------------------------------------


def _row(item: PlanItem, now: dt.datetime, excluded: bool) -> dict[str, object]:
    v = item.verified
    assert v is not None
    return {
        "submission_id": v.submission_id, "revision": v.revision, "sha256": v.sha256,
        "level": v.level, "sender_code": v.sender.code,
        "sender_fingerprint": v.signer_fingerprint, "component": v.sender.component,
        "quarter": v.quarter, "codelist_version": v.payload["codelist"]["version"],
        "nil_return": v.nil_return,
        "payload": canonical_bytes(v.payload).decode("utf-8"),
        "imported_at": now, "superseded_by_id": None, "excluded": excluded,
        "file_name": item.path.name[:255],
    }


def _sources(verified: VerifiedFile) -> list[SourceRef]:
    if verified.level == "vp":
        return [verified.source_ref()]
    return [SourceRef.from_dict(s) for s in verified.payload["sources"]]


def _choose(plan: ImportPlan, choices: Mapping[str, OverlapChoice]) -> dict[str, OverlapChoice]:
    chosen = {i.key: OverlapChoice(choices.get(i.key or "", OverlapChoice.KEEP_OTHERS))
              for i in plan.conflicts}
    using = {k for k, c in chosen.items() if c == OverlapChoice.USE_THIS}
    for item in plan.conflicts:
        if item.key in using and any(o.other_sha256 in using for o in item.overlaps):
            raise AppError(CONFLICT_UNRESOLVED)
    return chosen  # type: ignore[return-value]


def apply_import(
    register: Register,
    plan: ImportPlan,
    choices: Mapping[str, OverlapChoice] | None = None,
    *,
    receipts_dir: Path | None = None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Carry out a dry run in one transaction; then write receipts (atomically) if asked.

    ``choices`` maps the key (sha256) of an OVERLAP item to what to do with it; without a
    choice the file is kept in the history but does not count (nothing is double counted).
    Receipts are written after the commit, for every file now in the register from this plan
    (already imported ones included: the same receipt again, byte for byte).
    """
    if plan.cancelled:
        return ImportResult(0, 0, 0, 0, 0, 0, len(plan.refused))
    chosen = _choose(plan, choices or {})
    stored = [
        i for i in plan.items
        if i.will_be_stored and chosen.get(i.key or "") != OverlapChoice.SKIP
    ]
    moment = now or utcnow()
    ids: dict[str, int] = {}
    central = bool(stored) and is_central(coordination_profile(register))
    if stored:
        with register.session() as s:
            count, top = s.execute(select(func.count(Submission.id), func.max(Submission.id))).one()
            if (int(count or 0), int(top or 0)) != plan.state_token:
                raise AppError(STALE_PLAN)
            excluded = {
                i.key for i in stored if chosen.get(i.key or "") == OverlapChoice.KEEP_OTHERS
            }
            rows = [_row(i, moment, i.key in excluded) for i in stored]
            for row in s.execute(insert(Submission).returning(Submission.id, Submission.sha256),
                                 rows):
                ids[row.sha256] = row.id
            source_rows = [
                {"submission_id": ids[i.key or ""], "source_submission_id": ref.submission_id,
                 "revision": ref.revision, "sender_code": ref.sender_code,
                 "component": ref.component, "period": ref.period, "sha256": ref.sha256}
                for i in stored for ref in _sources(i.verified)  # type: ignore[arg-type]
            ]
            if source_rows:  # every file has one (read_file refuses a merged file without)
                s.execute(insert(SubmissionSource), source_rows)
            _exclude_overlapped(s, plan, chosen, ids)
            received = _record_publications(s, stored, moment) if central else 0
            _relink_streams(s, {(i.verified.level, i.verified.sender.code, i.verified.quarter)  # type: ignore[union-attr]
                                for i in stored})
    else:
        received = 0
    receipts, problems = (_write_receipts(register, plan, ids, receipts_dir) if receipts_dir
                          else ([], []))
    return ImportResult(
        added=sum(1 for i in stored if i.status in (ImportStatus.NEW, ImportStatus.OLDER)),
        replaced=sum(1 for i in stored if i.status == ImportStatus.REPLACES),
        overlaps_used=sum(1 for c in chosen.values() if c == OverlapChoice.USE_THIS),
        overlaps_kept_aside=sum(1 for c in chosen.values() if c == OverlapChoice.KEEP_OTHERS),
        skipped=sum(1 for c in chosen.values() if c == OverlapChoice.SKIP),
        already=plan.count(ImportStatus.ALREADY_IMPORTED),
        refused=len(plan.refused),
        receipts=tuple(receipts),
        changed_quarters=tuple(sorted({i.verified.quarter for i in stored if i.verified})),
        receipt_problems=tuple(problems),
        publications=received,
    )


def _record_publications(s: Session, stored: Sequence[PlanItem], moment: dt.datetime) -> int:
    """At central level, the reports a component file says its register published go into the
    ledger as that register's (issue 19): every later central report is protected against
    them. How many were new."""
    from app.services.coordination import publications

    new = 0
    for item in stored:
        v = item.verified
        assert v is not None
        carried = v.payload.get("publications")
        if carried:
            new += publications.record_foreign(
                s, carried, origin=v.sender.code, component=v.sender.component,
                submission_id=v.submission_id, now=moment)
    return new


def _exclude_overlapped(s: Session, plan: ImportPlan, chosen: Mapping[str, OverlapChoice],
                        ids: Mapping[str, int]) -> None:
    """A file chosen to count puts the files it overlaps aside (kept, not counted)."""
    aside: set[str] = set()
    for item in plan.conflicts:
        if chosen.get(item.key or "") == OverlapChoice.USE_THIS:
            aside |= {o.other_sha256 for o in item.overlaps}
    if aside:
        s.execute(update(Submission).where(Submission.sha256.in_(aside))
                  .values(excluded=True))


def _relink_streams(s: Session, streams: set[Stream]) -> None:
    """In each touched stream the highest revision is current; the others point to it."""
    quarters = {q for _, _, q in streams}
    rows = s.execute(
        select(Submission.id, Submission.level, Submission.sender_code, Submission.quarter,
               Submission.revision, Submission.superseded_by_id)
        .where(Submission.quarter.in_(quarters))
    ).all()
    by_stream: dict[Stream, list[tuple[int, int, int | None]]] = {}
    for r in rows:
        stream = (r.level, r.sender_code, r.quarter)
        if stream in streams:
            by_stream.setdefault(stream, []).append((r.revision, r.id, r.superseded_by_id))
    changes: list[dict[str, object]] = []
    for members in by_stream.values():
        members.sort()
        top = members[-1][1]
        for _rev, row_id, old in members:
            target = None if row_id == top else top
            if old != target:
                changes.append({"id": row_id, "superseded_by_id": target})
    if changes:
        s.execute(update(Submission), changes)


def receipt_file_name(sender_code: str, quarter: str, revision: int, sha256: str,
                      receiver_code: str) -> str:
    """Carries the sender's and the receiver's code: receipts of a CVP and an ACVP for the same
    file can lie side by side."""
    return f"ontvangstbewijs-{sender_code}-{quarter}-r{revision}-{sha256[:8]}-{receiver_code}.json"


def receipt_name(verified: VerifiedFile, receiver_code: str) -> str:
    return receipt_file_name(verified.sender.code, verified.quarter, verified.revision,
                             verified.sha256, receiver_code)


def write_receipt_file(path: Path, data: bytes) -> Path:
    """A receipt is never written over a file: the same receipt again (byte for byte, as a
    repeated import makes it) is already there and stays; another file is refused."""
    try:
        return write_new(path, data)
    except OutputExists:
        with file_errors(path):
            if path.is_file() and path.read_bytes() == data:
                return path
        raise


def _write_receipts(register: Register, plan: ImportPlan, ids: Mapping[str, int],
                    folder: Path) -> tuple[list[Path], list[str]]:
    profile = coordination_profile(register)
    try:
        ensure_folder(folder)
    except FileAccessError as exc:
        return [], [exc.reason]
    wanted = [i for i in plan.items
              if i.verified and (i.key in ids or i.existing_id is not None)]
    existing_ids = {i.existing_id for i in wanted if i.existing_id is not None}
    with register.session() as s:
        stamps = dict(s.execute(
            select(Submission.id, Submission.imported_at)
            .where(Submission.id.in_(set(ids.values()) | existing_ids))
        ).all())
    written: list[Path] = []
    problems: list[str] = []
    for item in wanted:
        v = item.verified
        assert v is not None
        row_id = ids.get(v.sha256, item.existing_id)
        assert row_id is not None  # wanted holds only items in ids or already stored
        received_at = stamps[row_id].replace(tzinfo=dt.UTC)
        data = write_receipt(v, receiver_code=profile.code, received_at=received_at,
                             signing_private_key=profile.signing_private_key)
        try:
            written.append(write_receipt_file(folder / receipt_name(v, profile.code), data))
        except FileAccessError as exc:
            problems.append(exc.reason)
    return written, problems
