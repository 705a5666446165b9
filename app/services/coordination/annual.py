"""The confidants' section of the annual integrity report, from a protected year report and the
register's roster and quarterly files (``app.export.annual_model`` says what it holds).

The figures of the people helped come from the year report ``report_data`` built and
protected (passed in: this module runs no protection); the network and the completeness are
counted here from the roster (component level) or from the components' quarterly files
(central level), which say whom each component expected and who reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from app.export.annual_model import (
    AnnualSection,
    ComponentLine,
    Network,
    TopicEntry,
    TopicRanking,
    rank_topics,
)
from app.export.report_model import Label, ReportData
from app.models import codelists
from app.models.codelists import Code
from app.models.periods import Quarter, quarters_of_year
from app.services.coordination import merging
from app.services.coordination import roster as roster_service
from app.services.storage.vault import Register


def rankings(data: ReportData) -> tuple[TopicRanking, ...]:
    """The top topics of every group of more than one topic, in the year column."""
    lists = codelists.load()
    topics = data.table("topics")
    labels = {r.key: r.label for r in topics.rows}
    year = str(data.year)
    result = []
    for group in lists.topic_groups:
        if len(group.topics) < 2:
            continue
        entries = [TopicEntry(f"topic:{t.code}", labels.get(f"topic:{t.code}", Label(code=t)),
                              topics.cell(f"topic:{t.code}", year)) for t in group.topics]
        result.append(rank_topics(f"group:{group.code}", Label(code=group), entries))
    return tuple(result)


def _ended(year: int, today: dt.date) -> list[Quarter]:
    return [q for q in quarters_of_year(year) if q.end < today]


def _component_network(register: Register, year: int, today: dt.date) -> Network:
    """Component level: the roster's confidants and the reports they sent (nil included)."""
    members = roster_service.list_members(register)
    started = [q for q in quarters_of_year(year) if q.start <= today]
    enrolled = {m.code for q in started
                for m in roster_service.expected_for(members, q, central=False)}
    grid = merging.completeness(register, started)
    active = {c.sender_code for c in grid.cells.values() if c.status != "missing"}
    ended = {str(q) for q in _ended(year, today)}
    # owed: expected by the roster, or sent anyway (a report is never more than was owed)
    owed = [c for c in grid.cells.values() if c.quarter in ended
            and (c.expected or c.status != "missing")]
    return Network(len(enrolled | active), len(active), len(owed),
                   sum(1 for c in owed if c.status != "missing"),
                   sum(1 for c in owed if c.status == "nil"))


def _central_networks(register: Register, year: int, today: dt.date,
                      ) -> tuple[dict[str, Network], int, int]:
    """Central level: per component, from the counted quarterly files' reporting (whom the
    component expected, who reported); and the component files expected and arrived."""
    enrolled: dict[str, set[str]] = {}
    active: dict[str, set[str]] = {}
    expected: dict[str, int] = {}
    arrived: dict[str, int] = {}
    nil: dict[str, int] = {}
    ended = {str(q) for q in _ended(year, today)}
    for quarter in quarters_of_year(year):
        if quarter.start > today:
            continue
        for f in merging.quarter_table(register, quarter).counted:
            c = f.component
            if f.level == "vp":  # a confidant's own file: the sender reported
                want, got, none = [f.sender_code], [f.sender_code], (
                    [f.sender_code] if f.nil_return else [])
            else:
                rep = f.payload["reporting"]
                want, got, none = rep["expected"], [*rep["received"], *rep["nil"]], rep["nil"]
            enrolled.setdefault(c, set()).update(want, got)
            active.setdefault(c, set()).update(got)
            if str(quarter) in ended:
                expected[c] = expected.get(c, 0) + len(set(want) | set(got))
                arrived[c] = arrived.get(c, 0) + len(set(got))
                nil[c] = nil.get(c, 0) + len(set(none))
    networks = {c: Network(len(enrolled[c]), len(active[c]), expected.get(c, 0),
                           arrived.get(c, 0), nil.get(c, 0)) for c in enrolled}
    grid = merging.completeness(register, _ended(year, today))
    owed = [c for c in grid.cells.values() if c.expected or c.status != "missing"]
    files_expected = len(owed)
    files_arrived = sum(1 for c in owed if c.status != "missing")
    return networks, files_expected, files_arrived


def _total(networks: Iterable[Network]) -> Network:
    items = list(networks)
    return Network(sum(n.enrolled for n in items), sum(n.active for n in items),
                   sum(n.expected for n in items), sum(n.arrived for n in items),
                   sum(n.nil for n in items))


def build_section(register: Register, data: ReportData, *, today: dt.date) -> AnnualSection:
    """The section of the year report ``data`` (made by ``report_data`` for this register, a
    year report) with the network and the completeness of its year."""
    if data.quarter is not None:
        raise ValueError("the annual section is made from a year report")
    year = data.year
    quarters = tuple(str(q) for q in _ended(year, today))
    if data.level != "defence":
        return AnnualSection(data, _component_network(register, year, today), (),
                             rankings(data), quarters)
    networks, files_expected, files_arrived = _central_networks(register, year, today)
    lists = codelists.load()
    order = [c.code for c in lists.components]
    components = data.table("components")
    shown = [r.key.split("@", 1)[1] for r in components.rows if r.key.startswith("cases_new@")]
    codes = sorted(set(shown) | set(networks),
                   key=lambda c: (order.index(c) if c in order else len(order), c))
    lines = tuple(
        ComponentLine(c, Label(code=next((x for x in lists.components if x.code == c),
                                         Code(c, c, c))),
                      components.cell(f"cases_new@{c}", str(year)),
                      networks.get(c, Network(0, 0, 0, 0)))
        for c in codes)
    return AnnualSection(data, _total(n.network for n in lines), lines, rankings(data),
                         quarters, files_expected, files_arrived)
