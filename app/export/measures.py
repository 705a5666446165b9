"""The measures of a quarterly summary, and how they add up over senders and over quarters.

Per-code maps never hold zeros: a code that is absent counts zero. That keeps equality
meaningful and makes ``Measures()`` the identity of ``merge_measures``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from app.errors import (
    BOUND_ACTIVITY_MINUTES,
    BOUND_FIRST_CONTACTS,
    BOUND_GROUND,
    BOUND_MINUTES_PER_CONTACT,
    BOUND_MODES,
    BOUND_NEW_CASES,
    BOUND_OUTCOMES,
    BOUND_QUARTER_NOT_BEGUN,
    BOUND_STOCK_FLOW,
    BOUND_TOPIC,
)
from app.i18n import N_, Translator, translator
from app.models.codelists import DISCRIMINATION
from app.models.periods import Quarter

SCALAR_MEASURES = (
    "cases_new",
    "cases_closed",
    "cases_open_end",
    "contacts_first",
    "contacts_followup",
    "minutes_contacts",
)
MAP_MEASURES = (
    "minutes_activities",
    "topics",
    "discrimination_grounds",
    "modes",
    "outcomes",
    "referrals",
)

# The one catalogue of what each measure is called wherever it is shown (export preview, the
# confidant's PDF, the coordinator's tables, the published report): msgids, translated where
# shown (`_(LABELS[name])`, or a report's own translator).
LABELS: Mapping[str, str] = MappingProxyType(
    {
        "cases_new": N_("New cases (first contact in the period)"),
        "cases_closed": N_("Cases closed"),
        "cases_open_end": N_("Cases open at the end of the period"),
        "contacts_first": N_("First contacts"),
        "contacts_followup": N_("Follow-up contacts"),
        "minutes_contacts": N_("Time spent on contact moments"),
        "minutes_activities": N_("Time spent on activities outside cases"),
        "topics": N_("Topics (new cases carrying the topic)"),
        "discrimination_grounds": N_("Discrimination grounds (new cases)"),
        "modes": N_("Contact modes (contact moments)"),
        "outcomes": N_("Outcomes of closed cases"),
        "referrals": N_("Referrals made"),
    }
)


def label(name: str, t: Translator | None = None) -> str:
    """The label of measure ``name`` in the language of ``t`` (None: the current language)."""
    return (t or translator())._(LABELS[name])


# What each measure counts, in English, as written into every quarterly file.
DEFINITIONS: Mapping[str, str] = MappingProxyType(
    {
        "cases_new": "Number of cases whose first contact falls in the quarter.",
        "cases_closed": "Number of cases closed in the quarter.",
        "cases_open_end": (
            "Number of cases open at the end of the quarter; a stock, so the value for a year "
            "is that of its last quarter."
        ),
        "contacts_first": "Number of first contact moments in the quarter.",
        "contacts_followup": "Number of follow-up contact moments in the quarter.",
        "minutes_contacts": (
            "Sum of the durations of the contact moments in the quarter, in minutes."
        ),
        "minutes_activities": (
            "Per activity kind, minutes spent in the quarter on activities outside cases."
        ),
        "topics": (
            "Per topic code, the number of new cases (see cases_new) carrying that topic; a case "
            "can carry several topics, so the sum over topics may exceed cases_new. Topics are "
            "not cases."
        ),
        "discrimination_grounds": (
            "Per discrimination ground, the number of new cases carrying that ground."
        ),
        "modes": "Per contact mode, the number of contact moments in the quarter.",
        "outcomes": "Per outcome, the number of cases closed in the quarter with that outcome.",
        "referrals": "Per referral target, the number of referrals made in the quarter.",
    }
)


def _without_zeros(counts: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType({k: v for k, v in sorted(counts.items()) if v != 0})


@dataclass(frozen=True)
class Measures:
    cases_new: int = 0
    cases_closed: int = 0
    cases_open_end: int = 0
    contacts_first: int = 0
    contacts_followup: int = 0
    minutes_contacts: int = 0
    minutes_activities: Mapping[str, int] = field(default_factory=dict)
    topics: Mapping[str, int] = field(default_factory=dict)
    discrimination_grounds: Mapping[str, int] = field(default_factory=dict)
    modes: Mapping[str, int] = field(default_factory=dict)
    outcomes: Mapping[str, int] = field(default_factory=dict)
    referrals: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in MAP_MEASURES:
            object.__setattr__(self, name, _without_zeros(getattr(self, name)))

    def __hash__(self) -> int:
        scalars = tuple(getattr(self, name) for name in SCALAR_MEASURES)
        maps = tuple(tuple(sorted(getattr(self, name).items())) for name in MAP_MEASURES)
        return hash(scalars + maps)

    def is_zero(self) -> bool:
        return self == Measures()

    def to_dict_sparse(self) -> dict[str, Any]:
        result: dict[str, Any] = {name: getattr(self, name) for name in SCALAR_MEASURES}
        result.update({name: dict(getattr(self, name)) for name in MAP_MEASURES})
        return result

    def to_payload(self, codes: Mapping[str, Iterable[str]]) -> dict[str, Any]:
        """Every code of the list written out, zeros included; ``codes`` maps measure to codes."""
        result: dict[str, Any] = {name: getattr(self, name) for name in SCALAR_MEASURES}
        for name in MAP_MEASURES:
            counts = getattr(self, name)
            result[name] = {code: counts.get(code, 0) for code in codes[name]}
        return result

    @staticmethod
    def from_payload(measures: Mapping[str, Any]) -> Measures:
        fields: dict[str, Any] = {name: int(measures[name]) for name in SCALAR_MEASURES}
        fields.update({name: dict(measures[name]) for name in MAP_MEASURES})
        return Measures(**fields)


def _sum_maps(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in set(a) | set(b)}


def merge_measures(a: Measures, b: Measures) -> Measures:
    """Sum over senders; every measure, the stock ``cases_open_end`` included, is additive."""
    fields: dict[str, Any] = {name: getattr(a, name) + getattr(b, name) for name in SCALAR_MEASURES}
    fields.update({name: _sum_maps(getattr(a, name), getattr(b, name)) for name in MAP_MEASURES})
    return Measures(**fields)


def merge_all(items: Iterable[Measures]) -> Measures:
    total = Measures()
    for item in items:
        total = merge_measures(total, item)
    return total


def sum_quarters(quarters: Sequence[Measures]) -> Measures:
    """The year from its quarters, in order: flows are summed, ``cases_open_end`` is the last's."""
    if not quarters:
        return Measures()
    total = merge_all(quarters)
    return Measures(
        **{**total.to_dict_sparse(), "cases_open_end": quarters[-1].cases_open_end}
    )


Problem = tuple[str, dict[str, object]]  # (msgid of app.errors.BOUND_*, its parameters)

MAX_CONTACT_MINUTES = 1440  # a contact moment lasts 1 to 1440 minutes (a CHECK in the register)


def inconsistencies(m: Measures) -> list[Problem]:
    """The bounds every honest register keeps that ``m`` breaks (empty when sound).

    Each bound follows from the register's own rules (app/services/confidant: every case
    starts with its first contact moment, every contact moment has one mode and lasts 1 to
    1440 minutes, a closed case has one outcome, a case is closed on or after its first
    contact) and is linear, so it survives adding files up: it holds at every level. The list
    is in docs/file-format.md, "Bounds":

    - minutes_contacts lies between 1 and 1440 minutes per contact moment;
    - contacts_first equals cases_new;
    - cases_new is at most cases_closed + cases_open_end (a case new in the quarter is closed
      in it or open at its end);
    - the contact modes add up to the contact moments;
    - the outcomes add up to at most cases_closed;
    - a topic count is at most cases_new; a ground count at most the new cases with the topic
      discrimination.
    """
    problems: list[Problem] = []
    contacts = m.contacts_first + m.contacts_followup
    if not contacts <= m.minutes_contacts <= MAX_CONTACT_MINUTES * contacts:
        problems.append((BOUND_MINUTES_PER_CONTACT,
                         {"minutes": m.minutes_contacts, "contacts": contacts}))
    if m.contacts_first != m.cases_new:
        problems.append((BOUND_FIRST_CONTACTS, {"first": m.contacts_first, "new": m.cases_new}))
    if m.cases_new > m.cases_closed + m.cases_open_end:
        problems.append((BOUND_NEW_CASES, {"new": m.cases_new, "closed": m.cases_closed,
                                           "open": m.cases_open_end}))
    if sum(m.modes.values()) != contacts:
        problems.append((BOUND_MODES, {"modes": sum(m.modes.values()), "contacts": contacts}))
    if sum(m.outcomes.values()) > m.cases_closed:
        problems.append((BOUND_OUTCOMES, {"outcomes": sum(m.outcomes.values()),
                                          "closed": m.cases_closed}))
    problems += [(BOUND_TOPIC, {"code": c, "count": n, "new": m.cases_new})
                 for c, n in sorted(m.topics.items()) if n > m.cases_new]
    discrimination = m.topics.get(DISCRIMINATION, 0)
    problems += [(BOUND_GROUND, {"code": c, "count": n, "n": discrimination})
                 for c, n in sorted(m.discrimination_grounds.items()) if n > discrimination]
    return problems


# --- plausibility: what no register can report, whatever its rules (issue 20, item 8) ------
MINUTES_PER_DAY = 1440


def quarter_minutes(quarter: Quarter) -> int:
    """The minutes in ``quarter``, day and night: at most 92 days, 132,480 minutes."""
    return ((quarter.end - quarter.start).days + 1) * MINUTES_PER_DAY


def implausibilities(m: Measures, quarter: Quarter, today: dt.date,
                     reporters: int = 1) -> list[Problem]:
    """What a file of ``quarter`` from ``reporters`` confidants cannot hold by ``today``
    (docs/file-format.md, "Bounds"):

    - no quarter that has not begun (by the reader's clock) is reported on;
    - the activity minutes of one confidant fit in the quarter, day and night (a merged file:
      those of its confidants together).
    """
    problems: list[Problem] = []
    if quarter.start > today:
        problems.append((BOUND_QUARTER_NOT_BEGUN, {"quarter": str(quarter),
                                                    "start": quarter.start.isoformat(),
                                                    "today": today.isoformat()}))
    activities = sum(m.minutes_activities.values())
    limit = max(reporters, 1) * quarter_minutes(quarter)
    if activities > limit:
        problems.append((BOUND_ACTIVITY_MINUTES, {"minutes": activities, "limit": limit,
                                                  "reporters": max(reporters, 1),
                                                  "quarter": str(quarter)}))
    return problems


def stock_flow(previous_open_end: int, m: Measures) -> Problem | None:
    """One confidant's quarter after its previous quarter: no more cases can close than were
    open at the end of the previous quarter plus the new ones. (A case registered late in the
    previous quarter is counted once that quarter is exported again.)"""
    most = previous_open_end + m.cases_new
    if m.cases_closed > most:
        return (BOUND_STOCK_FLOW, {"closed": m.cases_closed, "most": most,
                                   "open": previous_open_end, "new": m.cases_new})
    return None
