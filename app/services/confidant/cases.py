"""Use cases of the confidant's register: cases, contact moments, activities.

Every method validates first and raises a FieldError naming the field, then writes in one
transaction. Methods return plain values; `Change` tells views what to refresh.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.errors import DiskFull, FieldError, NotFound, StorageError
from app.i18n import N_
from app.models.entities import (
    Activity,
    AuditEntry,
    Case,
    CaseGround,
    CaseTopic,
    ContactMoment,
    KeyValue,
    Referral,
)
from app.services.changes import Change, ChangeKind
from app.services.confidant.case_rules import CaseRules
from app.services.storage.vault import Register


@dataclass(frozen=True)
class ReferralInput:
    target: str
    on: dt.date


class CaseService:
    def __init__(self, register: Register, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.register = register
        self.today = today
        self.lists = register.code_lists()  # the register's version (an older one: history)
        self.rules = CaseRules(self.lists, lambda: self.today())  # today may be replaced later

    def _get_case(self, session: Session, case_id: int) -> Case:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound()
        return case

    # --- cases ----------------------------------------------------------------------------
    def open_case(
        self,
        *,
        on: dt.date,
        minutes: int,
        mode: str,
        topics: Iterable[str],
        grounds: Iterable[str] = (),
        memo: str | None = None,
    ) -> Change:
        """A new case starts with its first contact moment."""
        on = self.rules.date("on", on)
        minutes = self.rules.minutes("minutes", minutes)
        mode = self.rules.code("mode", mode, self.lists.contact_modes)
        topic_list = self.rules.topics(topics)
        ground_list = self.rules.grounds(grounds, topic_list)
        memo = self.rules.memo(memo)
        with self.register.session() as s:
            case = Case(opened_on=on, status="open", memo=memo)
            case.topics = [CaseTopic(topic=t) for t in topic_list]
            case.grounds = [CaseGround(ground=g) for g in ground_list]
            s.add(case)
            s.flush()
            s.add(ContactMoment(case_id=case.id, on=on, minutes=minutes, mode=mode))
            self._remember_mode(s, mode)
            case_id = case.id
        return Change.of(ChangeKind.CASES, ChangeKind.CONTACTS, id=case_id)

    def update_case(
        self,
        case_id: int,
        *,
        topics: Iterable[str],
        grounds: Iterable[str] = (),
        memo: str | None = None,
    ) -> Change:
        topic_list = self.rules.topics(topics)
        ground_list = self.rules.grounds(grounds, topic_list)
        memo = self.rules.memo(memo)
        with self.register.session() as s:
            case = self._get_case(s, case_id)
            case.topics = [CaseTopic(topic=t) for t in topic_list]
            case.grounds = [CaseGround(ground=g) for g in ground_list]
            memo_replaced = case.memo is not None and case.memo != memo
            case.memo = memo
        if memo_replaced:
            # A removed or rewritten memo is deleted text: keep it out of the WAL as well.
            self._after_delete()
        return Change.of(ChangeKind.CASES, id=case_id)

    def close_case(
        self,
        case_id: int,
        *,
        on: dt.date,
        outcome: str,
        referrals: Sequence[ReferralInput] = (),
    ) -> Change:
        on = self.rules.date("closed_on", on)
        outcome = self.rules.code("outcome", outcome, self.lists.outcomes)
        for r in referrals:
            self.rules.code("referrals", r.target, self.lists.referral_targets)
            self.rules.date("referrals", r.on)
        with self.register.session() as s:
            case = self._get_case(s, case_id)
            last_contact = s.scalar(
                select(func.max(ContactMoment.on)).where(ContactMoment.case_id == case_id)
            )
            self.rules.closed_after_contacts(on, last_contact, case.opened_on)
            for r in referrals:
                if r.on < case.opened_on or r.on > on:
                    raise FieldError(
                        "referrals",
                        N_("A referral date must lie between the first contact and the closing."),
                    )
            case.status = "closed"
            case.closed_on = on
            case.outcome = outcome
            case.referrals = [Referral(target=r.target, referred_on=r.on) for r in referrals]
        return Change.of(ChangeKind.CASES, id=case_id)

    def reopen_case(self, case_id: int) -> Change:
        with self.register.session() as s:
            case = self._get_case(s, case_id)
            case.status, case.closed_on, case.outcome = "open", None, None
            case.referrals = []
        return Change.of(ChangeKind.CASES, id=case_id)

    def delete_case(self, case_id: int) -> Change:
        with self.register.session() as s:
            s.delete(self._get_case(s, case_id))
        self._after_delete()
        return Change.of(ChangeKind.CASES, ChangeKind.CONTACTS, id=case_id)

    # --- contact moments ------------------------------------------------------------------
    def add_contact(self, case_id: int, *, on: dt.date, minutes: int, mode: str) -> Change:
        on = self.rules.date("on", on)
        minutes = self.rules.minutes("minutes", minutes)
        mode = self.rules.code("mode", mode, self.lists.contact_modes)
        with self.register.session() as s:
            case = self._get_case(s, case_id)
            if on < case.opened_on:
                raise FieldError("on", N_("A contact moment cannot be before the case was opened."))
            if case.status == "closed":
                raise FieldError("case", N_("This case is closed. Reopen it first."))
            contact = ContactMoment(case_id=case_id, on=on, minutes=minutes, mode=mode)
            s.add(contact)
            self._remember_mode(s, mode)
            s.flush()
            contact_id = contact.id
        return Change.of(ChangeKind.CONTACTS, ChangeKind.CASES, id=contact_id)

    def update_contact(self, contact_id: int, *, on: dt.date, minutes: int, mode: str) -> Change:
        on = self.rules.date("on", on)
        minutes = self.rules.minutes("minutes", minutes)
        mode = self.rules.code("mode", mode, self.lists.contact_modes)
        with self.register.session() as s:
            contact = s.get(ContactMoment, contact_id)
            if contact is None:
                raise NotFound()
            contact.on, contact.minutes, contact.mode = on, minutes, mode
            s.flush()
            self._resync_opened_on(s, contact.case_id)
        return Change.of(ChangeKind.CONTACTS, ChangeKind.CASES, id=contact_id)

    def delete_contact(self, contact_id: int) -> Change:
        with self.register.session() as s:
            contact = s.get(ContactMoment, contact_id)
            if contact is None:
                raise NotFound()
            count = s.scalar(
                select(func.count()).where(ContactMoment.case_id == contact.case_id)
            )
            if count == 1:
                raise FieldError(
                    "contact", N_("This is the only contact moment of the case; delete the case.")
                )
            case_id = contact.case_id
            s.delete(contact)
            s.flush()
            self._resync_opened_on(s, case_id)
        self._after_delete()
        return Change.of(ChangeKind.CONTACTS, ChangeKind.CASES, id=contact_id)

    def _resync_opened_on(self, session: Session, case_id: int) -> None:
        """A case is opened on its earliest contact moment."""
        s = session
        first = s.scalar(
            select(func.min(ContactMoment.on)).where(ContactMoment.case_id == case_id)
        )
        case = self._get_case(s, case_id)
        if first is not None:
            if case.closed_on is not None and first > case.closed_on:
                raise FieldError(
                    "on", N_("A contact moment cannot be after the case was closed.")
                )
            case.opened_on = first

    # --- activities -----------------------------------------------------------------------
    def add_activity(self, *, on: dt.date, minutes: int, kind: str) -> Change:
        on = self.rules.date("on", on)
        minutes = self.rules.minutes("minutes", minutes)
        kind = self.rules.code("kind", kind, self.lists.activity_kinds)
        with self.register.session() as s:
            activity = Activity(on=on, minutes=minutes, kind=kind)
            s.add(activity)
            s.flush()
            activity_id = activity.id
        return Change.of(ChangeKind.ACTIVITIES, id=activity_id)

    def update_activity(self, activity_id: int, *, on: dt.date, minutes: int, kind: str) -> Change:
        on = self.rules.date("on", on)
        minutes = self.rules.minutes("minutes", minutes)
        kind = self.rules.code("kind", kind, self.lists.activity_kinds)
        with self.register.session() as s:
            activity = s.get(Activity, activity_id)
            if activity is None:
                raise NotFound()
            activity.on, activity.minutes, activity.kind = on, minutes, kind
        return Change.of(ChangeKind.ACTIVITIES, id=activity_id)

    def delete_activity(self, activity_id: int) -> Change:
        with self.register.session() as s:
            s.execute(delete(Activity).where(Activity.id == activity_id))
        return Change.of(ChangeKind.ACTIVITIES, id=activity_id)

    # --- small state ----------------------------------------------------------------------
    def last_mode(self) -> str:
        with self.register.session() as s:
            kv = s.get(KeyValue, "last_mode")
            return kv.value if kv else "persoonlijk"

    @staticmethod
    def _remember_mode(session: Session, mode: str) -> None:
        session.merge(KeyValue(key="last_mode", value=mode))

    def audit(self, action: str, detail: str = "") -> None:
        with self.register.session() as s:
            s.add(AuditEntry(action=action, detail=detail))

    def _after_delete(self) -> None:
        # secure_delete overwrites freed pages; a checkpoint moves them out of the WAL too.
        # The delete is already committed: a checkpoint that fails (disk full) must not report
        # it as lost. The next checkpoint (or closing the register) retries.
        with contextlib.suppress(DiskFull, StorageError):
            self.register.checkpoint()
