"""Random report tables shaped like Vertrouwd's reports, with the small counts of DOMAIN.md."""

from __future__ import annotations

import random

from app.export.disclosure import Dimension, Table, cross, hierarchy, one_way, two_way

COMPONENTS = ["BS", "CZSK", "CLAS", "CLSK", "KMar", "DOSCO", "COMMIT"]
QUARTERS = ["Q1", "Q2", "Q3", "Q4"]


def small_count(rng: random.Random) -> int:
    """Many zeros, many 1–4, some moderate counts, a few large ones."""
    roll = rng.random()
    if roll < 0.35:
        return 0
    if roll < 0.70:
        return rng.randint(1, 4)
    if roll < 0.93:
        return rng.randint(5, 20)
    return rng.randint(21, 150)


def random_table(rng: random.Random, small: bool = False) -> Table:
    """One of the report's table shapes at random; ``small``: at most 4 rows, groups, topics
    (the shapes the same, their sizes a few cells, so that 10,000 sequences are cheap)."""
    most = 4 if small else 12
    shape = rng.randrange(5)
    if shape == 0:  # two-way with margins, up to 12 × 5
        rows = [f"r{i}" for i in range(rng.randint(1, most))]
        cols = [f"c{j}" for j in range(rng.randint(1, 5))]
        values = {(r, c): small_count(rng) for r in rows for c in cols}
        return two_way(rows, cols, values)
    if shape == 1:  # topics within groups, group totals, overall total
        groups = {
            f"g{g}": [f"g{g}t{t}" for t in range(rng.randint(1, 3 if small else 6))]
            for g in range(rng.randint(1, 3 if small else 5))
        }
        return hierarchy(groups, {t: small_count(rng) for ts in groups.values() for t in ts})
    if shape == 2:  # quarters against the year
        return one_way(Dimension.flat("Year", QUARTERS), {q: small_count(rng) for q in QUARTERS})
    if shape == 3:  # components and Defence × quarters and year
        components = COMPONENTS[:rng.randint(2, 3)] if small else COMPONENTS
        values = {(c, q): small_count(rng) for c in components for q in QUARTERS}
        return two_way(components, QUARTERS, values, total_row="Defensie", total_col="Year")
    # topic groups × quarters: a hierarchy crossed with quarters and year
    groups = {
        f"g{g}": [f"g{g}t{t}" for t in range(rng.randint(1, 2 if small else 4))]
        for g in range(rng.randint(1, 2 if small else 3))
    }
    topics = [t for ts in groups.values() for t in ts]
    values = {(t, q): small_count(rng) for t in topics for q in QUARTERS}
    return cross(Dimension.grouped("Total", groups), Dimension.flat("Year", QUARTERS), values)


def _recompute(values: dict[object, int], table: Table) -> None:
    """Totals from their parts again, after a part was revised."""
    changed = True
    while changed:
        changed = False
        for eq in table.equations:
            total = sum(values[p] for p in eq.parts)
            if values[eq.total] != total:
                values[eq.total], changed = total, True


def random_sequence(rng: random.Random, small: bool = False) -> list[Table]:
    """Two to four reports over one register's figures, in the order they are published:
    each shows a random part of the tables (a quarter, a component, the whole year), and
    between them a figure may be revised (its totals follow: new quantities beside the old)."""
    truth = random_table(rng, small)
    values: dict[object, int] = dict(truth.values)
    totals = {eq.total for eq in truth.equations}
    parts = [key for key in values if key not in totals]
    reports = []
    for step in range(rng.randint(2, 4)):
        if step and rng.random() < 0.3:
            key = rng.choice(parts)
            values[key] = max(0, values[key] + rng.choice([-2, -1, 1, 2, 3]))
            _recompute(values, truth)
        equations = list(truth.equations)
        if equations and rng.random() < 0.6:
            equations = [eq for eq in equations if rng.random() < 0.5] or equations[:1]
        shown = {key for eq in equations for key in (eq.total, *eq.parts)} or set(values)
        reports.append(Table({key: values[key] for key in truth.values if key in shown},
                             tuple(equations)))
    return reports
