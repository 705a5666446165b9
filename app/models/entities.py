"""Typed SQLAlchemy models of the register.

No table holds a name, personnel number, unit, e-mail or phone number of anyone helped.
Durations are integer minutes. Dates are calendar dates (no time of day).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Profile(Base):
    """The one profile of this register: who it belongs to, pseudonymously."""

    __tablename__ = "profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    roles: Mapped[str] = mapped_column(String(64))  # comma list of: vp, coordinator, central
    component: Mapped[str] = mapped_column(String(16))  # component code; DEFENSIE for central
    code: Mapped[str] = mapped_column(String(32), unique=True)  # e.g. CLAS-7KQ2M
    signing_private_key: Mapped[bytes] = mapped_column(LargeBinary)  # Ed25519, raw 32 bytes
    signing_public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sealing_private_key: Mapped[bytes] = mapped_column(LargeBinary)  # X25519, raw 32 bytes
    sealing_public_key: Mapped[bytes] = mapped_column(LargeBinary)
    codelist_version: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]


class Case(Base):
    __tablename__ = "case_"
    id: Mapped[int] = mapped_column(primary_key=True)
    opened_on: Mapped[dt.date] = mapped_column(Date, index=True)  # date of first contact
    status: Mapped[str] = mapped_column(String(8), default="open", index=True)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    outcome: Mapped[str | None] = mapped_column(String(32))
    memo: Mapped[str | None] = mapped_column(Text)  # local only, never exported
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Set by retention (migration step 4): the memo was removed because every quarter the
    # case counts in was exported and received; the counted facts stay for re-exports.
    reduced: Mapped[bool] = mapped_column(default=False, server_default=text("0"))

    topics: Mapped[list[CaseTopic]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin"
    )
    grounds: Mapped[list[CaseGround]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin"
    )
    referrals: Mapped[list[Referral]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin"
    )
    contacts: Mapped[list[ContactMoment]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="ContactMoment.on",
        lazy="select",
    )

    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="case_status"),
        CheckConstraint(
            "(status = 'open' AND closed_on IS NULL) "
            "OR (status = 'closed' AND closed_on IS NOT NULL)",
            name="case_closed_on",
        ),
    )

    @property
    def topic_codes(self) -> list[str]:
        return sorted(t.topic for t in self.topics)


class CaseTopic(Base):
    __tablename__ = "case_topic"
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(48), primary_key=True)
    case: Mapped[Case] = relationship(back_populates="topics")
    __table_args__ = (Index("ix_case_topic_topic", "topic"),)


class CaseGround(Base):
    """Optional discrimination ground(s) of a case with the topic 'discriminatie'."""

    __tablename__ = "case_ground"
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_.id", ondelete="CASCADE"), primary_key=True
    )
    ground: Mapped[str] = mapped_column(String(48), primary_key=True)
    case: Mapped[Case] = relationship(back_populates="grounds")


class Referral(Base):
    __tablename__ = "referral"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(48))
    referred_on: Mapped[dt.date] = mapped_column(Date, index=True)
    case: Mapped[Case] = relationship(back_populates="referrals")


class ContactMoment(Base):
    __tablename__ = "contact_moment"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_.id", ondelete="CASCADE"))
    on: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(32))
    case: Mapped[Case] = relationship(back_populates="contacts")
    __table_args__ = (
        CheckConstraint("minutes BETWEEN 1 AND 1440", name="contact_minutes"),
        # Covering indexes (migration step 2): per-case totals and period sums read only these.
        Index("ix_contact_case_totals", "case_id", "on", "minutes"),
        Index("ix_contact_on_totals", "on", "case_id", "minutes"),
    )


class Activity(Base):
    """The confidant's hours outside cases."""

    __tablename__ = "activity"
    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[dt.date] = mapped_column(Date, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    __table_args__ = (CheckConstraint("minutes BETWEEN 1 AND 1440", name="activity_minutes"),)


class KeyValue(Base):
    """Small encrypted state: drafts of half-filled forms, last used mode, and the like."""

    __tablename__ = "key_value"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """What was done to the register (counts, never content)."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(48))
    detail: Mapped[str] = mapped_column(String(255), default="")


class Recipient(Base):
    """The enrolment card of whom this register reports to (the coordinator, or central)."""

    __tablename__ = "recipient"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    component: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    signing_public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sealing_public_key: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)


class ExportRecord(Base):
    """One quarterly file this register wrote (and whether a receipt came back)."""

    __tablename__ = "export_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)
    level: Mapped[str] = mapped_column(String(12), default="vp")
    submission_id: Mapped[str] = mapped_column(String(36))
    revision: Mapped[int] = mapped_column(Integer)
    supersedes: Mapped[str | None] = mapped_column(String(36))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sealed: Mapped[bool] = mapped_column(default=False)
    nil_return: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    received_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    receipt_by: Mapped[str | None] = mapped_column(String(32))


# --- coordination: who is enrolled, what arrived, and where merged figures came from ------


class RosterEntry(Base):
    """A sender enrolled by this coordinator (or, centrally, a coordinator) from their card."""

    __tablename__ = "roster_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    component: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))  # vp | coordinator | central (from the card)
    signing_public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sealing_public_key: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    active_from: Mapped[dt.date] = mapped_column(Date)
    active_until: Mapped[dt.date | None] = mapped_column(Date)
    enrolled_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RosterNickname(Base):
    """A coordinator's own name for a roster code ("CLAS-7KQ2M" → "Jan, 13 Lichte Brigade"),
    to recognise people in the lists. Kept only in this register: never in a quarterly file,
    a receipt, a report or a card (migration step 8)."""

    __tablename__ = "roster_nickname"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    nickname: Mapped[str] = mapped_column(String(40))


class Submission(Base):
    """One imported quarterly file (every revision is kept; the history is never rewritten)."""

    __tablename__ = "submission"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(36))
    revision: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)  # of the signed file
    level: Mapped[str] = mapped_column(String(12))
    sender_code: Mapped[str] = mapped_column(String(32))
    sender_fingerprint: Mapped[str] = mapped_column(String(64))
    component: Mapped[str] = mapped_column(String(16))
    quarter: Mapped[str] = mapped_column(String(7))
    codelist_version: Mapped[str] = mapped_column(String(16))
    nil_return: Mapped[bool] = mapped_column(default=False)
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON of the payload: aggregates only
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))
    excluded: Mapped[bool] = mapped_column(default=False)  # not used: overlaps a chosen file
    file_name: Mapped[str] = mapped_column(String(255))

    __table_args__ = (
        UniqueConstraint("submission_id", "revision", name="submission_revision"),
        Index("ix_submission_stream", "quarter", "level", "sender_code"),
    )


class SubmissionSource(Base):
    """A VP report contained in a submission (a VP file lists itself): provenance, no overlap."""

    __tablename__ = "submission_source"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    source_submission_id: Mapped[str] = mapped_column(String(36))
    revision: Mapped[int] = mapped_column(Integer)
    sender_code: Mapped[str] = mapped_column(String(32))
    component: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(7))
    sha256: Mapped[str] = mapped_column(String(64), index=True)


# --- the publication ledger (issue 19): every report this register published ----------------


class PublicationRecord(Base):
    """One published report: its scope, what it showed (every cell's value and status, the
    equations a reader knows: the disclosure engine's Publication as JSON), the certificate
    that proves every hidden small count could be any value 0..k-1, and the file exactly as
    written, so it can be written again byte for byte. Every later report is protected with
    all rows of this table as what readers already hold (migration step 9). Rows are never
    changed or deleted."""

    __tablename__ = "publication"
    id: Mapped[int] = mapped_column(primary_key=True)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC; printed in the file
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[str | None] = mapped_column(String(7))  # None: the year report
    level: Mapped[str] = mapped_column(String(12))  # component | defence
    component: Mapped[str | None] = mapped_column(String(16))  # None at Defence level
    report_day: Mapped[dt.date] = mapped_column(Date)  # quarters not ended on it: no figures
    format: Mapped[str] = mapped_column(String(8))  # pdf | csv (| docx: the annual section)
    lang: Mapped[str] = mapped_column(String(8))
    k: Mapped[int] = mapped_column(Integer)
    hidden: Mapped[int] = mapped_column(Integer)  # figures of its tables shown with the mark
    cells: Mapped[int] = mapped_column(Integer)  # figures of its tables (as it says)
    publication: Mapped[str] = mapped_column(Text)  # canonical JSON: what the report showed
    certificate: Mapped[str | None] = mapped_column(Text)  # canonical JSON of the witnesses
    app_version: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(255))  # the name it was written under
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_data: Mapped[bytes] = mapped_column(LargeBinary)  # the bytes written (zlib)
    # the period plan it was published from (None: published before plans, migration step 10)
    plan_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_publication_scope", "year", "quarter", "level"),)


class PublicationPlan(Base):
    """The plan of a period (a quarter or a year): every table the register could publish for
    it, protected together in one model against everything published before (at central level
    the Defence report and each component's report, with "Defence = the sum of the
    components"), as the disclosure engine's Publication, and its certificate. Every report of
    the period is published from the latest plan whose figures are still the register's; the
    ledger counts a plan as published as a whole (migration step 10). Never changed or
    deleted."""

    __tablename__ = "publication_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    made_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[str | None] = mapped_column(String(7))  # None: the year
    k: Mapped[int] = mapped_column(Integer)
    figures_sha256: Mapped[str] = mapped_column(String(64))  # of the figures and their sums
    publication: Mapped[str] = mapped_column(Text)  # canonical JSON: every table of the period
    certificate: Mapped[str | None] = mapped_column(Text)  # canonical JSON of the witnesses

    __table_args__ = (Index("ix_publication_plan_period", "year", "quarter"),)


class ForeignPublication(Base):
    """A report another register published (a component coordinator's, issue 19): what it
    showed, as the disclosure engine's Publication with that register's own cell names,
    carried inside the signed quarterly file it forwarded and recorded here when the file was
    imported. Every later report of this register is protected against it as against its own
    publications: a reader may hold the component's report beside the Defence report
    (migration step 11). Never changed or deleted."""

    __tablename__ = "foreign_publication"
    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC: when it was imported
    # the number of this register's latest own publication when it was imported (0: none):
    # publications with a higher number were protected against it
    ledger_position: Mapped[int] = mapped_column(Integer)
    origin_code: Mapped[str] = mapped_column(String(32))  # the publishing register's code
    component: Mapped[str] = mapped_column(String(16))  # the component it published for
    origin_ref: Mapped[str] = mapped_column(String(32))  # its number in that register's ledger
    published_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC, as that register says
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[str | None] = mapped_column(String(7))  # None: the year
    digest: Mapped[str] = mapped_column(String(64))  # of the figures it was made from
    k: Mapped[int] = mapped_column(Integer)
    hidden: Mapped[int] = mapped_column(Integer)
    cells: Mapped[int] = mapped_column(Integer)
    publication: Mapped[str] = mapped_column(Text)  # canonical JSON, the origin's cell names
    submission_id: Mapped[str] = mapped_column(String(36))  # the file that carried it first

    __table_args__ = (Index("ix_foreign_publication_origin", "origin_code", "origin_ref"),)
