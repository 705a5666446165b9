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
The file writes every code of the list, with 0 where nothing happened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.export.measures import MAP_MEASURES, SCALAR_MEASURES, Measures
from app.models.periods import Quarter
from app.services.storage.vault import Register

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
    "minutes_activities": 'SELECT kind, sum(minutes) FROM activity WHERE "on" BETWEEN :s AND :e '
                          "GROUP BY kind",
    "topics": "SELECT t.topic, count(*) FROM case_topic t JOIN case_ c ON c.id = t.case_id "
              "WHERE c.opened_on BETWEEN :s AND :e GROUP BY t.topic",
    "discrimination_grounds": "SELECT g.ground, count(*) FROM case_ground g "
                              "JOIN case_ c ON c.id = g.case_id "
                              "WHERE c.opened_on BETWEEN :s AND :e GROUP BY g.ground",
    "modes": 'SELECT mode, count(*) FROM contact_moment WHERE "on" BETWEEN :s AND :e GROUP BY mode',
    "outcomes": "SELECT outcome, count(*) FROM case_ WHERE closed_on BETWEEN :s AND :e "
                "AND outcome IS NOT NULL GROUP BY outcome",
    "referrals": "SELECT target, count(*) FROM referral WHERE referred_on BETWEEN :s AND :e "
                 "GROUP BY target",
}


def quarter_measures(register: Register, quarter: Quarter) -> Measures:
    """All measures for one quarter."""
    return measures_between(register, quarter.start, quarter.end)


def measures_between(register: Register, start: dt.date, end: dt.date) -> Measures:
    """The same measures over any span of days (a year, to check additivity)."""
    params = {"s": start.isoformat(), "e": end.isoformat()}
    measures: dict[str, Any] = {name: 0 for name in SCALAR_MEASURES}
    measures.update({name: {} for name in MAP_MEASURES})
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
    return Measures.from_payload(measures)
