"""The quarterly measures of INTERCHANGE.md, computed from the register by SQL.

Definitions (stated in every exported file):
- cases_new: cases whose first contact falls in the quarter
- cases_closed: cases closed in the quarter
- cases_open_end: cases open at the end of the quarter (a stock)
- contacts_first / contacts_followup: contact moments in the quarter; the earliest contact of
  a case is its first contact, the others are follow-ups
- minutes_contacts: sum of contact durations in the quarter
- minutes_activities: per activity kind, minutes in the quarter
- topics / discrimination_grounds: per code, number of NEW cases carrying it
- modes: per contact mode, number of contact moments in the quarter
- outcomes: per outcome, number of cases closed in the quarter
- referrals: per target, number of referrals made in the quarter
Every code of the code list is present, with 0 where nothing happened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.models import codelists
from app.services.periods import Quarter
from app.services.vault import Register

SCALARS = (
    "cases_new", "cases_closed", "cases_open_end", "contacts_first", "contacts_followup",
    "minutes_contacts",
)
MAPS = ("minutes_activities", "topics", "discrimination_grounds", "modes", "outcomes", "referrals")
FLOW_SCALARS = tuple(s for s in SCALARS if s != "cases_open_end")

_SQL_SCALARS = """
SELECT
  (SELECT count(*) FROM case_ WHERE opened_on BETWEEN :s AND :e),
  (SELECT count(*) FROM case_ WHERE closed_on BETWEEN :s AND :e),
  (SELECT count(*) FROM case_ WHERE opened_on <= :e AND (closed_on IS NULL OR closed_on > :e)),
  (SELECT count(*) FROM contact_moment WHERE "on" BETWEEN :s AND :e),
  (SELECT coalesce(sum(minutes), 0) FROM contact_moment WHERE "on" BETWEEN :s AND :e)
"""
# The first contact of a case is its earliest (lowest id on a tie); count those in the quarter.
_SQL_FIRST = """
SELECT count(*) FROM (
  SELECT min(id) AS first_id FROM contact_moment
  WHERE case_id IN (SELECT id FROM case_ WHERE opened_on BETWEEN :s AND :e)
    AND "on" = (SELECT opened_on FROM case_ WHERE case_.id = contact_moment.case_id)
  GROUP BY case_id
)
"""
_SQL_MAPS = {
    "minutes_activities": 'SELECT kind, sum(minutes) FROM activity WHERE "on" BETWEEN :s AND :e GROUP BY kind',
    "topics": "SELECT t.topic, count(*) FROM case_topic t JOIN case_ c ON c.id = t.case_id "
              "WHERE c.opened_on BETWEEN :s AND :e GROUP BY t.topic",
    "discrimination_grounds": "SELECT g.ground, count(*) FROM case_ground g JOIN case_ c ON c.id = g.case_id "
                              "WHERE c.opened_on BETWEEN :s AND :e GROUP BY g.ground",
    "modes": 'SELECT mode, count(*) FROM contact_moment WHERE "on" BETWEEN :s AND :e GROUP BY mode',
    "outcomes": "SELECT outcome, count(*) FROM case_ WHERE closed_on BETWEEN :s AND :e "
                "AND outcome IS NOT NULL GROUP BY outcome",
    "referrals": "SELECT target, count(*) FROM referral WHERE referred_on BETWEEN :s AND :e GROUP BY target",
}


def _code_lists(lists: codelists.CodeLists) -> dict[str, tuple[codelists.Code, ...]]:
    return {
        "minutes_activities": lists.activity_kinds,
        "topics": lists.topics,
        "discrimination_grounds": lists.discrimination_grounds,
        "modes": lists.contact_modes,
        "outcomes": lists.outcomes,
        "referrals": lists.referral_targets,
    }


def empty_measures(lists: codelists.CodeLists | None = None) -> dict[str, Any]:
    lists = lists or codelists.load()
    measures: dict[str, Any] = {name: 0 for name in SCALARS}
    for name, items in _code_lists(lists).items():
        measures[name] = {item.code: 0 for item in items}
    return measures


def quarter_measures(register: Register, quarter: Quarter) -> dict[str, Any]:
    """All measures for one quarter, in the exact shape of the file's `measures` object."""
    return measures_between(register, quarter.start, quarter.end)


def measures_between(register: Register, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The same measures over any span of days (a year, to check additivity)."""
    params = {"s": start.isoformat(), "e": end.isoformat()}
    measures = empty_measures()
    conn = register.engine.raw_connection()
    try:
        cur = conn.cursor()
        new, closed, open_end, contacts, minutes = cur.execute(_SQL_SCALARS, params).fetchone()
        first = cur.execute(_SQL_FIRST, params).fetchone()[0]
        measures.update(
            cases_new=new, cases_closed=closed, cases_open_end=open_end,
            contacts_first=first, contacts_followup=contacts - first, minutes_contacts=minutes,
        )
        for name, sql in _SQL_MAPS.items():
            for code, value in cur.execute(sql, params).fetchall():
                measures[name][code] = measures[name].get(code, 0) + int(value)
    finally:
        conn.close()
    return measures


def is_nil(measures: dict[str, Any]) -> bool:
    """Nothing happened in the quarter: no cases, contacts or activities (open stock may be >0)."""
    flows = [measures[n] for n in FLOW_SCALARS]
    flows += [v for n in MAPS for v in measures[n].values()]
    return not any(flows)


def add(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Elementwise sum (over senders, all measures; cases_open_end too)."""
    out: dict[str, Any] = {n: a[n] + b[n] for n in SCALARS}
    for n in MAPS:
        keys = set(a[n]) | set(b[n])
        out[n] = {k: a[n].get(k, 0) + b[n].get(k, 0) for k in sorted(keys)}
    return out


def year_measures(quarters: list[dict[str, Any]]) -> dict[str, Any]:
    """Flows summed over the quarters; cases_open_end is the last quarter's stock."""
    total = quarters[0]
    for q in quarters[1:]:
        total = add(total, q)
    total["cases_open_end"] = quarters[-1]["cases_open_end"]
    return total
