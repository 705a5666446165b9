"""Use cases of the confidant's register: cases, contact moments, activities.

Every method validates first and raises a FieldError naming the field, then writes in one
transaction. Methods return plain values; `Change` tells views what to refresh. Each write is
recorded in an undo journal first (`app.services.confidant.undo`): `undo()` restores the state
before the last one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.errors import AppError, DiskFull, FieldError, NotFound, StorageError
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
from app.services.confidant.undo import (
    DUPLICATE_WINDOW,
    Journal,
    SavedContact,
    Snapshot,
    UndoStep,
    restore,
    snapshot_activity,
    snapshot_case,
)
from app.services.storage.vault import Register


@dataclass(frozen=True)
class ReferralInput:
    target: str
    on: dt.date


# What an undo step undoes, as shown in the Edit menu ("Undo new case").
UNDO_NEW_CASE = N_("new case")
UNDO_EDIT_CASE = N_("edit of the case")
UNDO_CLOSE_CASE = N_("closing of the case")
UNDO_REOPEN_CASE = N_("reopening of the case")
UNDO_DELETE_CASE = N_("deletion of the case")
UNDO_NEW_CONTACT = N_("new contact moment")
UNDO_EDIT_CONTACT = N_("edit of the contact moment")
UNDO_DELETE_CONTACT = N_("deletion of the contact moment")
UNDO_NEW_ACTIVITY = N_("new activity")
UNDO_EDIT_ACTIVITY = N_("edit of the activity")
UNDO_DELETE_ACTIVITY = N_("deletion of the activity")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CaseService:
    def __init__(self, register: Register, today: Callable[[], dt.date] = dt.date.today,
                 now: Callable[[], dt.datetime] = _utcnow) -> None:
        self.register = register
        self.today = today
        self.now = now
        self.lists = register.code_lists(today())  # the list in force today (older: history)
        # today may be replaced later; a case's topics are checked against the list in force
        # on its first day (a register that moved to a newer list: Register.codelist_periods)
        self.rules = CaseRules(self.lists, lambda: self.today(), register.code_lists)
        self.journal = Journal()
        self.saved_contacts: list[SavedContact] = []

    # --- undo -----------------------------------------------------------------------------
    def _record(self, what: str, snapshot: Snapshot) -> None:
        self.journal.record(UndoStep(what, snapshot, self.now()))

    def undo_label(self) -> str | None:
        """The message id of what ``undo()`` would undo, or None when there is nothing."""
        step = self.journal.last()
        return step.what if step else None

    def undo(self) -> Change | None:
        """Put back the state before the last recorded save, edit or delete."""
        step = self.journal.pop()
        if step is None:
            return None
        try:
            with self.register.session() as s:
                restore(s, step.snapshot)
        except AppError:
            self.journal.record(step)  # nothing changed: it can be tried again
            raise
        self.saved_contacts = [c for c in self.saved_contacts if c.at < step.at]
        self._after_delete()  # an undone new case may have held a memo
        if step.snapshot.kind == "activity":
            return Change.of(ChangeKind.ACTIVITIES, id=step.snapshot.id)
        return Change.of(ChangeKind.CASES, ChangeKind.CONTACTS, id=step.snapshot.id)

    def minutes_since_same_contact(self, case_id: int | None, *, on: dt.date, minutes: int,
                                   mode: str, topics: Iterable[str] = ()) -> int | None:
        """When a contact moment like this one (same date, duration and mode; the same case,
        or for a new case the same topics) was saved less than a quarter of an hour ago:
        how many minutes ago. None otherwise. A warning, never a refusal."""
        now, wanted = self.now(), frozenset(topics)
        for saved in reversed(self.saved_contacts):
            if now - saved.at > DUPLICATE_WINDOW:
                break
            if (saved.on, saved.minutes, saved.mode) != (on, minutes, mode):
                continue
            if (case_id is not None and saved.case_id == case_id) or (
                    case_id is None and saved.opened and saved.topics == wanted):
                return max(int((now - saved.at).total_seconds() // 60), 0)
        return None

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
        topic_list = self.rules.topics(topics, on)
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
        self._record(UNDO_NEW_CASE, Snapshot("case", case_id))
        self.saved_contacts.append(SavedContact(self.now(), case_id, True, on, minutes, mode,
                                                frozenset(topic_list)))
        return Change.of(ChangeKind.CASES, ChangeKind.CONTACTS, id=case_id)

    def update_case(
        self,
        case_id: int,
        *,
        topics: Iterable[str],
        grounds: Iterable[str] = (),
        memo: str | None = None,
    ) -> Change:
        with self.register.session() as s:
            opened_on = self._get_case(s, case_id).opened_on
        topic_list = self.rules.topics(topics, opened_on)
        ground_list = self.rules.grounds(grounds, topic_list)
        memo = self.rules.memo(memo)
        with self.register.session() as s:
            case = self._get_case(s, case_id)
            before = snapshot_case(s, case_id)
            case.topics = [CaseTopic(topic=t) for t in topic_list]
            case.grounds = [CaseGround(ground=g) for g in ground_list]
            memo_replaced = case.memo is not None and case.memo != memo
            case.memo = memo
        self._record(UNDO_EDIT_CASE, before)
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
        if len({(r.target, r.on) for r in referrals}) < len(referrals):
            raise FieldError("referrals", N_(
                "This referral is listed twice (the same organisation on the same date). "
                "Remove one."))
        with self.register.session() as s:
            case = self._get_case(s, case_id)
            before = snapshot_case(s, case_id)
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
        self._record(UNDO_CLOSE_CASE, before)
        return Change.of(ChangeKind.CASES, id=case_id)

    def reopen_case(self, case_id: int) -> Change:
        with self.register.session() as s:
            case = self._get_case(s, case_id)
            before = snapshot_case(s, case_id)
            case.status, case.closed_on, case.outcome = "open", None, None
            case.referrals = []
        self._record(UNDO_REOPEN_CASE, before)
        return Change.of(ChangeKind.CASES, id=case_id)

    def delete_case(self, case_id: int) -> Change:
        with self.register.session() as s:
            case = self._get_case(s, case_id)
            before = snapshot_case(s, case_id)
            s.delete(case)
        self._record(UNDO_DELETE_CASE, before)
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
            before = snapshot_case(s, case_id)
            contact = ContactMoment(case_id=case_id, on=on, minutes=minutes, mode=mode)
            s.add(contact)
            self._remember_mode(s, mode)
            s.flush()
            contact_id = contact.id
        self._record(UNDO_NEW_CONTACT, before)
        self.saved_contacts.append(SavedContact(self.now(), case_id, False, on, minutes, mode,
                                                frozenset()))
        return Change.of(ChangeKind.CONTACTS, ChangeKind.CASES, id=contact_id)

    def update_contact(self, contact_id: int, *, on: dt.date, minutes: int, mode: str) -> Change:
        on = self.rules.date("on", on)
        minutes = self.rules.minutes("minutes", minutes)
        mode = self.rules.code("mode", mode, self.lists.contact_modes)
        with self.register.session() as s:
            contact = s.get(ContactMoment, contact_id)
            if contact is None:
                raise NotFound()
            before = snapshot_case(s, contact.case_id)
            contact.on, contact.minutes, contact.mode = on, minutes, mode
            s.flush()
            self._resync_opened_on(s, contact.case_id)
        self._record(UNDO_EDIT_CONTACT, before)
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
            before = snapshot_case(s, case_id)
            s.delete(contact)
            s.flush()
            self._resync_opened_on(s, case_id)
        self._record(UNDO_DELETE_CONTACT, before)
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
        self._record(UNDO_NEW_ACTIVITY, Snapshot("activity", activity_id))
        return Change.of(ChangeKind.ACTIVITIES, id=activity_id)

    def update_activity(self, activity_id: int, *, on: dt.date, minutes: int, kind: str) -> Change:
        on = self.rules.date("on", on)
        minutes = self.rules.minutes("minutes", minutes)
        kind = self.rules.code("kind", kind, self.lists.activity_kinds)
        with self.register.session() as s:
            activity = s.get(Activity, activity_id)
            if activity is None:
                raise NotFound()
            before = snapshot_activity(s, activity_id)
            activity.on, activity.minutes, activity.kind = on, minutes, kind
        self._record(UNDO_EDIT_ACTIVITY, before)
        return Change.of(ChangeKind.ACTIVITIES, id=activity_id)

    def delete_activity(self, activity_id: int) -> Change:
        with self.register.session() as s:
            before = snapshot_activity(s, activity_id)
            s.execute(delete(Activity).where(Activity.id == activity_id))
        if before.existed:
            self._record(UNDO_DELETE_ACTIVITY, before)
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
