"""Forward the merged summary of a quarter to the next level, signed and (when possible) sealed.

A CVP register writes level ``component``; the central register writes level ``defence``.
Forwarding a quarter again writes revision n+1, with a new submission id, superseding
revision n. Revisions are issued by ``app.services.revisions`` (recorded first, written
atomically, never over an existing file, removed again if the commit fails), exactly as the
confidant's export issues them.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from app import __version__
from app.errors import FORWARD_MIXED_CODELISTS, FORWARD_NOTHING, ForwardError
from app.export import crypto
from app.export.interchange import (
    Reporting,
    Sender,
    SourceRef,
    VerifiedFile,
    build_merged_payload,
)
from app.export.measures import Measures, merge_all
from app.models import codelists
from app.models.periods import Quarter
from app.services import revisions
from app.services.changes import Change, ChangeKind
from app.services.coordination import merging, publications
from app.services.coordination import roster as roster_service
from app.services.storage.vault import Register


@dataclass(frozen=True)
class ForwardResult:
    change: ClassVar[Change] = Change.of(ChangeKind.SUBMISSIONS)
    path: Path
    level: str
    quarter: str
    submission_id: str
    revision: int
    supersedes: str | None
    sha256: str  # of the signed file, as the recipient will record it
    sealed: bool
    unsealed_warning: bool  # no recipient card known: the file is signed but not encrypted
    recipient_code: str | None
    measures: Measures
    sources: tuple[SourceRef, ...]
    reporting: Reporting
    mixed_codelists: bool
    stale: tuple[str, ...]


def forward_file_name(level: str, sender_code: str, quarter: str, revision: int) -> str:
    """Carries the sender's code: the CVP's and the ACVP's files of one component, quarter and
    revision can lie side by side on one stick."""
    return f"vertrouwd-{level}-{sender_code}-{quarter}-r{revision}.json"


def on_one_list(table: merging.QuarterTable) -> list[VerifiedFile]:
    """The quarter's counted files on one topic list. A quarter that mixes list versions goes
    to the version in whose topics every figure adds up exactly (``codelists.forward_version``);
    a nil return fits any list. ForwardError when there is no such version (also when a file
    counts a topic that version did not have)."""
    files = [f.as_verified() for f in table.counted]
    target = forward_version(table)
    if target is None:
        raise ForwardError(FORWARD_MIXED_CODELISTS, quarter=table.quarter,
                           versions=", ".join(table.codelist_versions))
    moved = []
    for f in files:
        source = f.payload["codelist"]["version"]
        if source != target:
            topics = codelists.convert_topics(f.measures.topics, source, target)
            f = replace(f, payload={**f.payload, "codelist": {**f.payload["codelist"],
                                                               "version": target}},
                        measures=replace(f.measures, topics=topics))
        moved.append(f)
    return moved


def forward_version(table: merging.QuarterTable) -> str | None:
    """The topic-list version the quarter is forwarded in (None: it cannot be added up)."""
    if not table.mixed_codelists:
        return table.codelist_versions[0] if table.codelist_versions else None
    counting = [(f.codelist_version, f.measures.topics) for f in table.counted
                if not f.nil_return]
    return codelists.forward_version(counting) if counting else max(table.codelist_versions)


def forward(
    register: Register,
    quarter: Quarter | str,
    out_dir: Path,
    *,
    now: dt.datetime | None = None,
    new_submission_id: Callable[[], uuid.UUID] = uuid.uuid4,
    app_version: str = __version__,
    random_bytes: crypto.RandomBytes = os.urandom,
) -> ForwardResult:
    """Record and write the merged file of ``quarter`` (revision n+1 when forwarded before):
    see ``app.services.revisions``, which the confidant's export shares.

    The clock, the id of a new submission, the program version in the file and the sealing's
    randomness are arguments (the program uses the defaults), so fixed inputs give the same
    bytes (tools/make_golden.py).
    """
    profile = roster_service.coordination_profile(register)
    central = roster_service.is_central(profile)
    level = "defence" if central else "component"
    q = Quarter.parse(str(quarter))
    table = merging.quarter_table(register, q)
    if not table.counted:
        raise ForwardError(FORWARD_NOTHING, quarter=str(q))
    files = on_one_list(table)
    members = roster_service.list_members(register)
    expected = () if central else [
        m.code for m in roster_service.expected_for(members, q, central=False)]
    moment = now or dt.datetime.now(dt.UTC)
    sender = Sender(profile.code, profile.component,
                    crypto.fingerprint_hex(profile.signing_public_key))

    # what this register published (a coordinator's reports): the central register protects
    # its reports against them (issue 19)
    from app.services.coordination.report_data import YEARS_BACK  # the years a report shows

    published = [] if central else publications.carried(register, q.year - YEARS_BACK)

    def build(submission_id: str, revision: int, supersedes: str | None) -> dict[str, Any]:
        return build_merged_payload(
            files,
            level=level,  # type: ignore[arg-type]
            sender=sender, expected=expected, submission_id=submission_id,
            revision=revision, supersedes=supersedes, created_at=moment,
            app_version=app_version, publications=published,
        )

    issued = revisions.issue_revision(
        register, quarter=q, level=level, out_dir=Path(out_dir),
        file_name=lambda revision: forward_file_name(level, profile.code, str(q), revision),
        build=build, signing_private_key=profile.signing_private_key, now=moment,
        new_submission_id=new_submission_id, random_bytes=random_bytes,
    )
    payload = issued.payload
    return ForwardResult(
        path=issued.path, level=level, quarter=str(q), submission_id=issued.submission_id,
        revision=issued.revision, supersedes=issued.supersedes, sha256=issued.sha256,
        sealed=issued.sealed, unsealed_warning=not issued.sealed,
        recipient_code=issued.recipient_code, measures=merge_all(f.measures for f in files),
        sources=tuple(SourceRef.from_dict(x) for x in payload["sources"]),
        reporting=Reporting(**{k: tuple(v) for k, v in payload["reporting"].items()}),
        mixed_codelists=table.mixed_codelists, stale=table.stale,
    )
