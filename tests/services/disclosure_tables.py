"""Random report tables shaped like Vertrouwd's reports, with the small counts of DOMAIN.md."""

from __future__ import annotations

import random

from app.export.disclosure import (
    Dimension,
    Equation,
    Inequality,
    Table,
    cross,
    hierarchy,
    one_way,
    two_way,
)

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
    shape = rng.randrange(6)
    if shape == 5:
        return cases_and_topics(rng, small)
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


def cases_and_topics(rng: random.Random, small: bool = False) -> Table:
    """New cases, their topics, closed cases and their outcomes per quarter and the year,
    made case by case (each carries one topic, some a second), with the sums and what holds
    by definition: a topic ≤ the new cases ≤ all topics together, outcomes ≤ closed cases."""
    topics = [f"t{i}" for i in range(rng.randint(2, 3 if small else 6))]
    columns = [*QUARTERS, "Year"]
    values: dict[object, int] = {}
    for q in QUARTERS:
        new = small_count(rng) if not small else rng.choice([0, 1, 2, 3, 4, 5, 7])
        counts = dict.fromkeys(topics, 0)
        for _ in range(new):
            for topic in rng.sample(topics, 2 if rng.random() < 0.3 else 1):
                counts[topic] += 1
        closed = rng.choice([0, 1, 2, 3, 5, 8])
        values.update({("new", q): new, ("closed", q): closed,
                       ("outcomes", q): rng.randint(max(0, closed - 2), closed),
                       **{(t, q): n for t, n in counts.items()},
                       ("topics", q): sum(counts.values())})
    rows = ["new", "closed", "outcomes", *topics, "topics"]
    for row in rows:
        values[(row, "Year")] = sum(values[(row, q)] for q in QUARTERS)
    equations = [Equation((row, "Year"), tuple((row, q) for q in QUARTERS)) for row in rows]
    equations += [Equation(("topics", c), tuple((t, c) for t in topics)) for c in columns]
    inequalities = [Inequality(((t, c),), (("new", c),)) for c in columns for t in topics]
    inequalities += [Inequality((("new", c),), (("topics", c),)) for c in columns]
    inequalities += [Inequality((("outcomes", c),), (("closed", c),)) for c in columns]
    return Table(values, tuple(equations), inequalities=tuple(inequalities))


def _holds(values: dict[object, int], table: Table) -> bool:
    return all(sum(values[p] for p in ineq.parts) <= sum(values[b] for b in ineq.bound)
               for ineq in table.inequalities)


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
            revised = dict(values)
            revised[key] = max(0, values[key] + rng.choice([-2, -1, 1, 2, 3]))
            _recompute(revised, truth)
            if _holds(revised, truth):  # a revision keeps what holds by definition
                values = revised
        equations = list(truth.equations)
        if equations and rng.random() < 0.6:
            equations = [eq for eq in equations if rng.random() < 0.5] or equations[:1]
        shown = {key for eq in equations for key in (eq.total, *eq.parts)} or set(values)
        inequalities = tuple(ineq for ineq in truth.inequalities
                             if all(key in shown for key in (*ineq.parts, *ineq.bound)))
        reports.append(Table({key: values[key] for key in truth.values if key in shown},
                             tuple(equations), inequalities=inequalities))
    return reports
