"""The roster: who is enrolled to send this register quarterly files, and when they count.

A coordinator enrols the VPs (and ACVPs) of its own component from their enrolment cards;
the central register enrols the coordinators of every component. The roster also says who is
*expected* to report for a quarter: everyone active on at least one day of it.

Acceptance of a file is looser than expectation: a signer is accepted for a quarter unless
they were taken off the roster before the quarter began (a VP who leaves may still send the
last quarter late; a VP enrolled today may still send last quarter's file).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from sqlalchemy import func, select

from app.errors import (
    CARD_CODE_TAKEN,
    CARD_IS_OWN,
    CARD_KEY_TAKEN,
    CARD_NOT_COORDINATOR,
    CARD_OTHER_COMPONENT,
    ROSTER_ACTIVE_FROM,
    ROSTER_END_BEFORE_START,
    ROSTER_UNKNOWN_CODE,
    FileTooLarge,
    NotCoordination,
    RosterError,
    ValidationError,
)
from app.export import crypto
from app.export.canonical import MAX_FILE_BYTES
from app.export.cards import Card, read_card
from app.export.interchange import CENTRAL_COMPONENT
from app.files import read_input
from app.i18n import N_
from app.models.entities import Profile, RosterEntry, RosterNickname
from app.models.periods import Quarter
from app.services.changes import Change, ChangeKind
from app.services.storage.vault import Register

EARLIEST_ACTIVE_FROM = dt.date(2000, 1, 1)  # the first quarter a file may be about


@dataclass(frozen=True)
class RosterMember:
    change: ClassVar[Change] = Change.of(ChangeKind.ROSTER)  # when a roster edit returns it
    code: str
    component: str
    role: str
    fingerprint: str
    fingerprint_groups: str
    active_from: dt.date
    active_until: dt.date | None
    nickname: str = ""  # the coordinator's own name for the code: only in this register
    enrolled_on: dt.date | None = None  # the day the card was enrolled here

    def active_during(self, quarter: Quarter) -> bool:
        return self.active_from <= quarter.end and (
            self.active_until is None or self.active_until >= quarter.start
        )


def is_central(profile: Profile) -> bool:
    return profile.component == CENTRAL_COMPONENT or "central" in profile.role_list


def coordination_profile(register: Register) -> Profile:
    """The profile, if this register coordinates (component or central level)."""
    profile = register.profile()
    if profile is None or not ({"coordinator", "central"} & set(profile.role_list)):
        raise NotCoordination()
    return profile


def _member(entry: RosterEntry, nickname: str = "") -> RosterMember:
    return RosterMember(
        code=entry.code,
        component=entry.component,
        role=entry.role,
        fingerprint=entry.fingerprint,
        fingerprint_groups=crypto.fingerprint_groups(entry.signing_public_key),
        active_from=entry.active_from,
        active_until=entry.active_until,
        nickname=nickname,
        enrolled_on=entry.enrolled_at.date() if entry.enrolled_at else None,
    )


def check_card(profile: Profile, card: Card) -> None:
    """Refuse a card this register may not enrol (component level vs central level)."""
    if card.signing_public_key == profile.signing_public_key:
        raise RosterError(CARD_IS_OWN)
    if is_central(profile):
        if card.role != "coordinator":
            raise RosterError(CARD_NOT_COORDINATOR, role=card.role)
    elif card.component != profile.component:
        raise RosterError(CARD_OTHER_COMPONENT, found=card.component, expected=profile.component)


def add_card(
    register: Register, data: bytes, *, today: dt.date, active_from: dt.date | None = None
) -> RosterMember:
    """Enrol the sender of a card (after its fingerprint was checked in person or by phone)."""
    profile = coordination_profile(register)
    card = read_card(data)  # InvalidImportFile with its own sentence when damaged
    check_card(profile, card)
    start = active_from or today
    if not EARLIEST_ACTIVE_FROM <= start <= today + dt.timedelta(days=366):
        raise RosterError(ROSTER_ACTIVE_FROM, date=start.isoformat())
    with register.session() as s:
        same_key = s.scalars(
            select(RosterEntry).where(RosterEntry.fingerprint == card.fingerprint)
        ).first()
        if same_key is not None:
            raise RosterError(CARD_KEY_TAKEN, fingerprint=card.fingerprint_groups,
                              code=same_key.code)
        # One confidant, one code: "clas-7kq2m" would be a second spelling of CLAS-7KQ2M.
        taken = s.scalars(select(RosterEntry).where(
            func.lower(RosterEntry.code) == card.code.lower())).first()
        if taken is not None:
            raise RosterError(CARD_CODE_TAKEN, code=taken.code)
        entry = RosterEntry(
            code=card.code,
            component=card.component,
            role=card.role,
            signing_public_key=card.signing_public_key,
            sealing_public_key=card.sealing_public_key,
            fingerprint=card.fingerprint,
            active_from=start,
            active_until=None,
        )
        s.add(entry)
        s.flush()
        return _member(entry)


def read_card_file(path: Path) -> tuple[bytes, Card]:
    """A card from disk (an ordinary file of at most 1 MiB), read and checked: its bytes, to
    enrol them with ``add_card`` once the fingerprint was compared, and the card."""
    data = read_input(Path(path), MAX_FILE_BYTES, FileTooLarge(limit=MAX_FILE_BYTES))
    return data, read_card(data)


def add_card_file(
    register: Register, path: Path, *, today: dt.date, active_from: dt.date | None = None
) -> RosterMember:
    """``add_card`` of the card in the file ``path``."""
    data, _card = read_card_file(path)
    return add_card(register, data, today=today, active_from=active_from)


def list_members(register: Register) -> list[RosterMember]:
    names = nicknames(register)
    with register.session() as s:
        entries = s.scalars(select(RosterEntry).order_by(RosterEntry.component, RosterEntry.code))
        return [_member(e, names.get(e.code, "")) for e in entries]


# --- nicknames: the coordinator's own names for codes, never written to any file ------------
NICKNAME_MAX = 40
NICKNAME_INVALID = N_("A nickname is one line of at most {max} characters.")


def nicknames(register: Register) -> dict[str, str]:
    """Code → nickname, for the codes this coordinator gave one."""
    with register.session() as s:
        return {n.code: n.nickname for n in s.scalars(select(RosterNickname))}


def set_nickname(register: Register, code: str, nickname: str) -> RosterMember:
    """Give ``code`` a nickname (empty: remove it). Only this register ever holds it."""
    if any(not (ch.isprintable() or ch in " \t") for ch in nickname):
        raise ValidationError(NICKNAME_INVALID, max=NICKNAME_MAX)
    nickname = " ".join(nickname.split())
    if len(nickname) > NICKNAME_MAX:
        raise ValidationError(NICKNAME_INVALID, max=NICKNAME_MAX)
    with register.session() as s:
        entry = s.scalars(select(RosterEntry).where(RosterEntry.code == code)).first()
        if entry is None:
            raise RosterError(ROSTER_UNKNOWN_CODE, code=code)
        existing = s.get(RosterNickname, code)
        if not nickname:
            if existing is not None:
                s.delete(existing)
        elif existing is None:
            s.add(RosterNickname(code=code, nickname=nickname))
        else:
            existing.nickname = nickname
        return _member(entry, nickname)


def expected_for(
    members: list[RosterMember], quarter: Quarter, *, central: bool
) -> list[RosterMember]:
    """Who owes a file for the quarter: VPs at component level, coordinators centrally."""
    role = "coordinator" if central else "vp"
    return [m for m in members if m.role == role and m.active_during(quarter)]


def _set_until(register: Register, code: str, until: dt.date | None) -> RosterMember:
    name = nicknames(register).get(code, "")
    with register.session() as s:
        entry = s.scalars(select(RosterEntry).where(RosterEntry.code == code)).first()
        if entry is None:
            raise RosterError(ROSTER_UNKNOWN_CODE, code=code)
        entry.active_until = until
        return _member(entry, name)


def deactivate(register: Register, code: str, *, until: dt.date) -> RosterMember:
    """Last day the sender counts; they are no longer expected for quarters after it."""
    return _set_until(register, code, until)


def end(register: Register, code: str, *, from_day: dt.date) -> RosterMember:
    """End the entry: from ``from_day`` on ``code`` is no longer expected (the day before is
    their last day). A quarter that began before ``from_day`` is still expected from them; a
    file they send later for a quarter before it is still accepted."""
    with register.session() as s:
        entry = s.scalars(select(RosterEntry).where(RosterEntry.code == code)).first()
        if entry is None:
            raise RosterError(ROSTER_UNKNOWN_CODE, code=code)
        if from_day <= entry.active_from:
            raise RosterError(ROSTER_END_BEFORE_START, code=code,
                              start=entry.active_from.isoformat(), date=from_day.isoformat())
    return deactivate(register, code, until=from_day - dt.timedelta(days=1))


def reactivate(register: Register, code: str) -> RosterMember:
    return _set_until(register, code, None)
