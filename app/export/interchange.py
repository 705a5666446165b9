"""Quarterly summary files: build, write (signed, optionally sealed), read and verify, merge.

Reading an untrusted file goes: size gate, strict parse, unseal, signature, schema, meaning.
Nothing in the payload is interpreted before its signature verified. Whether the signer is on
the roster is the caller's decision: ``VerifiedFile`` exposes the signer's key and fingerprint.

``VerifiedFile.sha256`` is the SHA-256 of the *signed* file (inside any sealing). It is the
file's identity in ``sources``, receipts and conflict checks: sealing the same file twice
gives different bytes but the same identity.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from app.errors import (
    LEVEL_RULE_BAD_INPUT,
    LEVEL_RULE_BAD_REPORTING,
    LEVEL_RULE_BAD_SOURCE,
    LEVEL_RULE_MERGED_LACKS_SOURCES,
    LEVEL_RULE_NO_SOURCES,
    LEVEL_RULE_SOURCE_TWICE,
    LEVEL_RULE_VP_HAS_SOURCES,
    REVISION_NAMES_ITSELF,
    DisclosureParameterError,
    ForeignComponent,
    InconsistentMeasures,
    InvalidPeriod,
    InvalidValue,
    LevelRuleViolation,
    MissingCode,
    NilReturnNotEmpty,
    NotCanonical,
    RevisionInconsistent,
    SealedDamaged,
    SealedForOtherRecipient,
    SealedNoKey,
    SignerMismatch,
    SignerNotEnrolled,
    UnknownCode,
    UnknownCodelistVersion,
    UnknownComponent,
    WrongType,
)
from app.export import crypto, schema
from app.export.canonical import canonical_bytes, canonical_bytes_of_parsed, parse_strict
from app.export.measures import (
    DEFINITIONS,
    MAP_MEASURES,
    Measures,
    implausibilities,
    inconsistencies,
    merge_all,
    merge_measures,
    sum_quarters,
)
from app.export.publication import Publication
from app.export.signed import check_format, open_envelope, require_exact_keys, sign_envelope
from app.models import codelists
from app.models.periods import Quarter
from app.models.roles import CENTRAL_COMPONENT

__all__ = [
    "CENTRAL_COMPONENT",
    "Level",
    "Measures",
    "Reporting",
    "Sender",
    "SourceRef",
    "VerifiedFile",
    "build_merged_payload",
    "build_payload",
    "check_payload",
    "merge_measures",
    "quarter_interval",
    "read_file",
    "require_enrolled",
    "seal_file",
    "sum_quarters",
    "write_file",
]

FILE_FORMAT = "vertrouwd-quarterly-file"
PAYLOAD_FORMAT = "vertrouwd-quarterly"
FORMAT_VERSION = 1
FIRST_YEAR = 2000
_SEALED_KEYS = frozenset(
    {"format", "format_version", "recipient_fingerprint", "ephemeral_public_key", "nonce",
     "ciphertext"}
)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")  # matched whole (fullmatch), ASCII digits only

Level = Literal["vp", "component", "defence"]
_MERGEABLE_INTO: dict[str, frozenset[str]] = {
    "vp": frozenset(),
    "component": frozenset({"vp", "component"}),
    "defence": frozenset({"vp", "component", "defence"}),
}


@dataclass(frozen=True)
class Sender:
    code: str
    component: str
    fingerprint: str


@dataclass(frozen=True)
class SourceRef:
    submission_id: str
    revision: int
    sender_code: str
    component: str
    level: str
    period: str
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @staticmethod
    def from_dict(raw: dict[str, Any]) -> SourceRef:
        return SourceRef(**raw)


@dataclass(frozen=True)
class Reporting:
    expected: tuple[str, ...]
    received: tuple[str, ...]
    nil: tuple[str, ...]
    missing: tuple[str, ...]

    @staticmethod
    def of(expected: Iterable[str], received: Iterable[str], nil: Iterable[str]) -> Reporting:
        got = set(received)
        wanted = set(expected) | got
        return Reporting(
            tuple(sorted(wanted)),
            tuple(sorted(got)),
            tuple(sorted(set(nil))),
            tuple(sorted(wanted - got)),
        )

    def to_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class VerifiedFile:
    payload: dict[str, Any]
    measures: Measures
    signer_public_key: bytes
    signer_fingerprint: str
    sha256: str  # of the signed file, inside any sealing: the file's identity
    received_sha256: str  # of the bytes as read (differs from sha256 when sealed)
    sealed: bool

    @property
    def submission_id(self) -> str:
        return cast(str, self.payload["submission_id"])

    @property
    def revision(self) -> int:
        return cast(int, self.payload["revision"])

    @property
    def level(self) -> Level:
        return cast(Level, self.payload["level"])

    @property
    def quarter(self) -> str:
        return cast(str, self.payload["period"]["quarter"])

    @property
    def sender(self) -> Sender:
        return Sender(**self.payload["sender"])

    @property
    def nil_return(self) -> bool:
        return cast(bool, self.payload["nil_return"])

    def source_ref(self) -> SourceRef:
        return SourceRef(
            submission_id=self.submission_id,
            revision=self.revision,
            sender_code=self.sender.code,
            component=self.sender.component,
            level=self.level,
            period=self.quarter,
            sha256=self.sha256,
        )


def quarter_interval(quarter: str) -> str:
    year, q = int(quarter[:4]), int(quarter[-1])
    return f"{year:04d}-{3 * q - 2:02d}-01/P3M"


def _utc_text(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _code_lists_by_measure(lists: codelists.CodeLists) -> dict[str, tuple[str, ...]]:
    return {
        "minutes_activities": tuple(c.code for c in lists.activity_kinds),
        "topics": tuple(c.code for c in lists.topics),
        "discrimination_grounds": tuple(c.code for c in lists.discrimination_grounds),
        "modes": tuple(c.code for c in lists.contact_modes),
        "outcomes": tuple(c.code for c in lists.outcomes),
        "referrals": tuple(c.code for c in lists.referral_targets),
    }


def build_payload(
    *,
    measures: Measures,
    submission_id: uuid.UUID | str,
    revision: int,
    supersedes: uuid.UUID | str | None,
    created_at: dt.datetime,
    app_version: str,
    level: Level,
    sender: Sender,
    quarter: str,
    codelist_version: str = codelists.CURRENT_VERSION,
    sources: Sequence[SourceRef] = (),
    merged_from: Sequence[SourceRef] = (),
    reporting: Reporting | None = None,
    publications: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The payload dict; every code of the list is written, zeros included. ``publications``
    (level component): what the sender's register published, written only when there is any,
    so a file without publications reads as before."""
    lists = codelists.load(codelist_version)
    payload: dict[str, Any] = {
        "format": PAYLOAD_FORMAT,
        "format_version": FORMAT_VERSION,
        "submission_id": str(submission_id),
        "revision": revision,
        "supersedes": None if supersedes is None else str(supersedes),
        "created_at": _utc_text(created_at),
        "app_version": app_version,
        "level": level,
        "sender": dict(sender.__dict__),
        "period": {"quarter": quarter, "interval": quarter_interval(quarter)},
        "codelist": {"id": lists.id, "version": lists.version},
        "nil_return": measures.is_zero(),
        "definitions": dict(DEFINITIONS),
        "measures": measures.to_payload(_code_lists_by_measure(lists)),
    }
    if level != "vp":
        payload["sources"] = [s.to_dict() for s in sources]
        payload["merged_from"] = [s.to_dict() for s in merged_from]
        payload["reporting"] = (reporting or Reporting.of((), (), ())).to_dict()
    if publications:
        payload["publications"] = [dict(p) for p in publications]
    return payload


def seal_file(
    signed_file: bytes,
    recipient_public_key: bytes,
    *,
    random_bytes: crypto.RandomBytes = os.urandom,
) -> bytes:
    """The sealed envelope around a signed file (``random_bytes``: see ``crypto.seal``)."""
    sealed = crypto.seal(recipient_public_key, signed_file, random_bytes=random_bytes)
    return canonical_bytes(
        {
            "format": crypto.SEALED_FORMAT,
            "format_version": FORMAT_VERSION,
            "recipient_fingerprint": sealed.recipient_fingerprint,
            "ephemeral_public_key": crypto.b64encode(sealed.ephemeral_public_key),
            "nonce": crypto.b64encode(sealed.nonce),
            "ciphertext": crypto.b64encode(sealed.ciphertext),
        }
    )


def write_file(
    payload: dict[str, Any],
    signing_private_key: bytes,
    recipient_public_key: bytes | None = None,
    *,
    today: dt.date | None = None,
    random_bytes: crypto.RandomBytes = os.urandom,
) -> bytes:
    """The file's bytes (write them with ``app.atomic.atomic_write_bytes``).

    The payload is checked with the same rules as on import, so a register never sends a file
    its recipient would refuse. Unsealed when ``recipient_public_key`` is None; the UI warns.
    """
    fingerprint = crypto.fingerprint_hex(crypto.signing_public_key(signing_private_key))
    check_payload(payload, fingerprint, today=today)
    signed = sign_envelope(FILE_FORMAT, payload, signing_private_key)
    if recipient_public_key is None:
        return signed
    return seal_file(signed, recipient_public_key, random_bytes=random_bytes)


def read_file(
    data: bytes,
    recipient_private_key: bytes | None = None,
    *,
    today: dt.date | None = None,
) -> VerifiedFile:
    """Verify a quarterly file; every refusal is an ``InvalidImportFile`` with its own sentence."""
    received_sha256 = hashlib.sha256(data).hexdigest()
    document = parse_strict(data)
    sealed = document.get("format") == crypto.SEALED_FORMAT
    if sealed:
        data = _unseal(document, data, recipient_private_key)
        document = parse_strict(data)
    content = open_envelope(document, data, FILE_FORMAT)
    measures = check_payload(content.payload, content.signer_fingerprint, today=today)
    return VerifiedFile(
        payload=content.payload,
        measures=measures,
        signer_public_key=content.signer_public_key,
        signer_fingerprint=content.signer_fingerprint,
        sha256=content.sha256,
        received_sha256=received_sha256,
        sealed=sealed,
    )


def require_enrolled(verified: VerifiedFile, roster_public_keys: Iterable[bytes]) -> None:
    """Refuse a verified file whose signer is not on the roster, naming the fingerprint."""
    if verified.signer_public_key not in set(roster_public_keys):
        raise SignerNotEnrolled(fingerprint=crypto.fingerprint_groups(verified.signer_public_key))


def _unseal(document: dict[str, Any], data: bytes, recipient_private_key: bytes | None) -> bytes:
    check_format(document, crypto.SEALED_FORMAT, FORMAT_VERSION)
    require_exact_keys(document, _SEALED_KEYS)
    for key in sorted(_SEALED_KEYS - {"format_version"}):
        if not isinstance(document[key], str):
            raise WrongType(field=key)
    recipient = document["recipient_fingerprint"]
    if not _HEX64.fullmatch(recipient):
        raise InvalidValue(field="recipient_fingerprint")
    if recipient_private_key is None:
        raise SealedNoKey(fingerprint=crypto.groups_of_fingerprint(recipient))
    own = crypto.fingerprint_hex(crypto.sealing_public_key(recipient_private_key))
    if own != recipient:
        raise SealedForOtherRecipient(fingerprint=crypto.groups_of_fingerprint(recipient))
    ephemeral = crypto.b64decode_canonical(document["ephemeral_public_key"], crypto.KEY_BYTES)
    nonce = crypto.b64decode_canonical(document["nonce"], crypto.NONCE_BYTES)
    ciphertext = crypto.b64decode_canonical(document["ciphertext"])
    if ephemeral is None or nonce is None or ciphertext is None:
        raise SealedDamaged()
    if canonical_bytes_of_parsed(document) != data:
        raise NotCanonical()
    plaintext = crypto.unseal(
        recipient_private_key, crypto.Sealed(recipient, ephemeral, nonce, ciphertext)
    )
    if plaintext is None:
        raise SealedDamaged()
    return plaintext


# --- meaning ------------------------------------------------------------------------------


def check_payload(
    payload: dict[str, Any], signer_fingerprint: str, *, today: dt.date | None = None
) -> Measures:
    """Schema and meaning of a payload whose signature already verified; returns its measures."""
    check_format(payload, PAYLOAD_FORMAT, FORMAT_VERSION)
    schema.validate(schema.QUARTERLY, payload)
    if payload["sender"]["fingerprint"] != signer_fingerprint:
        raise SignerMismatch(fingerprint=crypto.groups_of_fingerprint(signer_fingerprint))
    today = today or dt.date.today()
    _check_period(payload["period"], today)
    _check_created_at(payload["created_at"])
    if (payload["revision"] == 1) != (payload["supersedes"] is None):
        raise RevisionInconsistent()
    if payload["supersedes"] == payload["submission_id"]:
        raise RevisionInconsistent(REVISION_NAMES_ITSELF)
    lists = _check_codelist(payload)
    _check_sender_component(payload, lists)
    measures = Measures.from_payload(payload["measures"])
    if payload["nil_return"] != measures.is_zero():
        raise NilReturnNotEmpty()
    problems = inconsistencies(measures) + implausibilities(
        measures, Quarter.parse(payload["period"]["quarter"]), today,
        reporters=len(payload.get("sources", ())) if payload["level"] != "vp" else 1)
    if problems:
        msgid, params = problems[0]
        raise InconsistentMeasures(msgid, **params)
    _check_level_rules(payload)
    _check_publications(payload)
    return measures


def _check_publications(payload: dict[str, Any]) -> None:
    """The publications a component file carries: only at level component, each one's
    figures adding up as its sums say (the schema checked their shape)."""
    items = payload.get("publications")
    if items is None:
        return
    if payload["level"] != "component" or not items:
        raise InvalidValue(field="publications")
    for number, item in enumerate(items):
        try:
            Publication.from_json(item["publication"])
        except (DisclosureParameterError, ValueError, TypeError, KeyError):
            raise InvalidValue(field=f"publications.{number}.publication") from None
        if item["quarter"] is not None and not item["quarter"].startswith(f"{item['year']}-"):
            raise InvalidValue(field=f"publications.{number}.quarter")


def _check_period(period: dict[str, str], today: dt.date) -> None:
    quarter = period["quarter"]
    match = _QUARTER.fullmatch(quarter)
    if match is None:
        raise InvalidPeriod(period=quarter[:32])
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= today.year + 1 or period["interval"] != quarter_interval(quarter):
        raise InvalidPeriod(period=quarter)


def _check_created_at(text: str) -> None:
    try:
        dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise InvalidValue(field="created_at") from None


def _check_codelist(payload: dict[str, Any]) -> codelists.CodeLists:
    version = payload["codelist"]["version"]
    if version not in codelists.known_versions():
        raise UnknownCodelistVersion(version=version)
    lists = codelists.load(version)
    allowed = _code_lists_by_measure(lists)
    for name in MAP_MEASURES:
        for code, n in payload["measures"][name].items():
            # a withdrawn topic: files written before the list was corrected carry it with 0
            if code not in allowed[name] and not (
                    name == "topics" and code in lists.withdrawn and n == 0):
                raise UnknownCode(code=code, field=f"measures.{name}", version=version)
        for code in allowed[name]:  # the writer lists every code, 0 where nothing happened
            if code not in payload["measures"][name]:
                raise MissingCode(code=code, field=f"measures.{name}", version=version)
    return lists


def _valid_components(level: str, lists: codelists.CodeLists) -> frozenset[str]:
    if level == "defence":
        return frozenset({CENTRAL_COMPONENT})
    return lists.codes(lists.components)


def _check_sender_component(payload: dict[str, Any], lists: codelists.CodeLists) -> None:
    component = payload["sender"]["component"]
    if component not in _valid_components(payload["level"], lists):
        raise UnknownComponent(component=component)


def _check_level_rules(payload: dict[str, Any]) -> None:
    level = payload["level"]
    merged_keys = {"sources", "merged_from", "reporting"} & set(payload)
    if level == "vp":
        if merged_keys:
            raise LevelRuleViolation(LEVEL_RULE_VP_HAS_SOURCES, level=level)
        return
    if len(merged_keys) != 3:
        raise LevelRuleViolation(LEVEL_RULE_MERGED_LACKS_SOURCES, level=level)
    quarter = payload["period"]["quarter"]
    sources = [SourceRef.from_dict(s) for s in payload["sources"]]
    inputs = [SourceRef.from_dict(s) for s in payload["merged_from"]]
    if not sources:
        raise LevelRuleViolation(LEVEL_RULE_NO_SOURCES, level=level)
    _check_sources_once(sources, level)
    own_component = payload["sender"]["component"]
    if level == "component":
        for ref in [*sources, *inputs]:
            if ref.component != own_component:
                raise ForeignComponent(found=ref.component, expected=own_component)
    if (
        any(s.level != "vp" or s.period != quarter for s in sources)
        or len({s.submission_id for s in sources}) != len(sources)
        or len({s.sender_code for s in sources}) != len(sources)
    ):
        raise LevelRuleViolation(LEVEL_RULE_BAD_SOURCE, level=level)
    source_set = set(sources)
    if any(
        i.level not in _MERGEABLE_INTO[level]
        or i.period != quarter
        or (i.level == "vp" and i not in source_set)
        for i in inputs
    ) or len(set(inputs)) != len(inputs):
        raise LevelRuleViolation(LEVEL_RULE_BAD_INPUT, level=level)
    _check_reporting(payload["reporting"], {s.sender_code for s in sources}, level)


def _check_sources_once(sources: Sequence[SourceRef], level: str) -> None:
    """Each VP report once: no submission id, file hash or VP code twice, not even a code in
    another spelling (case) that a reader could take for a second confidant."""
    seen: set[str] = set()
    for ref in sources:
        keys = {"code:" + ref.sender_code.casefold(), "sha:" + ref.sha256,
                "id:" + ref.submission_id}
        if keys & seen:
            raise LevelRuleViolation(LEVEL_RULE_SOURCE_TWICE, level=level, code=ref.sender_code)
        seen |= keys


def _check_reporting(reporting: dict[str, list[str]], senders: set[str], level: str) -> None:
    expected, received = reporting["expected"], reporting["received"]
    nil, missing = reporting["nil"], reporting["missing"]
    if (
        any(lst != sorted(lst) for lst in (expected, received, nil, missing))
        or set(received) != senders
        or not set(received) <= set(expected)
        or not set(nil) <= set(received)
        or set(missing) != set(expected) - set(received)
    ):
        raise LevelRuleViolation(LEVEL_RULE_BAD_REPORTING, level=level)


# --- merging files ------------------------------------------------------------------------


def build_merged_payload(
    inputs: Sequence[VerifiedFile],
    *,
    level: Level,
    sender: Sender,
    expected: Iterable[str],
    submission_id: uuid.UUID | str,
    revision: int,
    supersedes: uuid.UUID | str | None,
    created_at: dt.datetime,
    app_version: str,
    publications: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The payload merging ``inputs`` (verified files of one quarter and code-list version);
    ``publications``: what the sender's register published (see ``build_payload``).

    The caller picks the latest revision per sender first. The same file given twice counts
    once; two different files that contain the same VP report are a ValueError, because
    adding them would count that VP twice.
    """
    unique = list({f.sha256: f for f in inputs}.values())
    if not unique:
        raise ValueError("nothing to merge")
    quarters = {f.quarter for f in unique}
    versions = {f.payload["codelist"]["version"] for f in unique}
    if len(quarters) != 1 or len(versions) != 1:
        raise ValueError("inputs differ in quarter or code-list version")
    sources: dict[str, SourceRef] = {}
    nil: set[str] = set()
    wanted = set(expected)
    for f in unique:
        if f.level == "vp":
            refs = [f.source_ref()]
            nil |= {f.sender.code} if f.nil_return else set()
        else:
            refs = [SourceRef.from_dict(s) for s in f.payload["sources"]]
            nil |= set(f.payload["reporting"]["nil"])
            wanted |= set(f.payload["reporting"]["expected"])
        for ref in refs:
            if ref.sender_code in sources:
                raise ValueError(f"report of {ref.sender_code} is in more than one input")
            sources[ref.sender_code] = ref
    return build_payload(
        measures=merge_all(f.measures for f in unique),
        submission_id=submission_id,
        revision=revision,
        supersedes=supersedes,
        created_at=created_at,
        app_version=app_version,
        level=level,
        sender=sender,
        quarter=quarters.pop(),
        codelist_version=versions.pop(),
        sources=sorted(sources.values(), key=lambda s: (s.sender_code, s.submission_id)),
        merged_from=sorted((f.source_ref() for f in unique), key=lambda s: s.sha256),
        reporting=Reporting.of(wanted, sources, nil),
        publications=publications,
    )
