"""What a use case changed, so the views know what to refresh: one typed value for the one
app-level signal (`app.ui.shared.signals.AppSignals.data_changed`).

Every service function that writes says what it changed: it returns a `Change`, or a result
whose class carries one as ``change`` (`exporting.ExportResult`, `importing.ImportResult`, ...).
The window hands it on unchanged; it never decides what a use case changed
(tests/services/test_changes.py holds both)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ChangeKind(enum.StrEnum):
    CASES = "cases"
    CONTACTS = "contacts"
    ACTIVITIES = "activities"
    EXPORTS = "exports"  # a quarterly file was exported or a receipt came in
    RECIPIENT = "recipient"  # the coordinator the quarterly files are sealed to
    ROSTER = "roster"  # the coordinator's enrolled senders
    SUBMISSIONS = "submissions"  # quarterly files imported, or a summary forwarded


EVERYTHING: frozenset[ChangeKind] = frozenset(ChangeKind)


@dataclass(frozen=True)
class Change:
    kinds: frozenset[ChangeKind]
    id: int | None = None  # the case, contact or activity concerned, where there is one

    @staticmethod
    def of(*kinds: ChangeKind, id: int | None = None) -> Change:
        return Change(frozenset(kinds), id)

    def touches(self, *kinds: ChangeKind) -> bool:
        return not self.kinds.isdisjoint(kinds)
