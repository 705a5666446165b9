"""Finding what to hide, and the witnesses that prove it enough, with HiGHS in process.

Round by round over the reader's model (app/export/certificate.py):

1. Every (small count, value 0..k−1) that no witness reaches yet is an open question. The true
   figures are the first witness; every witness found reaches many questions at once.
2. For each open question in model order: fix the small count to the value and solve the
   continuous relaxation (one HiGHS model, only the bounds change between questions). A
   whole-numbered solution is a witness; otherwise the same model is solved in whole numbers.
3. A question without a witness is answered by one small integer solve that picks the
   cheapest published cells to hide as well (cost: the table's weight of the cell × (k +
   its value), so zeros and small parts go before large totals) and yields the witness with
   it. Hiding more never breaks a witness, so the round repeats with what it has.

A question that has no witness even with every cell of this table hidden is looked at in the
model of the earlier publications alone (whole numbers): the values of that small count they
already rule out are not this table's doing. They are *excused* — never asked again, and listed
in the certificate — and the search goes on; where a value is reachable before this table and
not with it (every cell of it that may be hidden, hidden), `protect` refuses with a sentence.

Witnesses of an earlier publication's certificate (``carried``) that still agree with the new
model — checked one by one in pure Python, cells new to the model at their true value — are
used before any solve; the solver looks only for what they do not reach.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from app.errors import DisclosureParameterError
from app.export import progress
from app.export.certificate import Model, build_model, satisfies, within
from app.export.publication import (
    Certificate,
    Key,
    ProtectedCell,
    Publication,
    Quantity,
    Status,
    Table,
)
from app.export.solver import LinearModel
from app.i18n import N_

Witness = dict[Quantity, int]  # values of hidden quantities (absent: the true value)
_EPSILON = 1e-6
_Row = tuple[Sequence[tuple[int, float]], float, float]  # a row of a linear program
_Part = tuple[dict[int, int], list[_Row], list[tuple[int, Key, int]]]
_LINES = 2  # the latest witnesses (and the true figures) to draw lines from to a new one
_HIDING_SHARE = 400  # the progress bar (per mille): the hiding rounds, then showing again


def find_protection(table: Table, k: int, prior: Sequence[Publication],
                    carried: Sequence[Certificate] = ()) -> tuple[set[Key], Certificate]:
    known_before: set[Quantity] = set()
    hidden_before: set[Quantity] = set()
    for pub in prior:
        for key, value in pub.table.values.items():
            if pub.cells[key].status is Status.PUBLISHED:
                known_before.add((key, value))
            elif pub.cells[key].status is Status.HIDDEN:
                hidden_before.add((key, value))
    hidden_before -= known_before
    values = table.values
    hideable = [key for key, v in values.items()
                if (key, v) not in known_before and key not in table.unprinted]
    hidden = {key for key in hideable if 0 < values[key] < k or (key, values[key]) in
              hidden_before}
    bound = 2 * max([*values.values(), *(q[1] for q in hidden_before), 0]) + 2 * k
    required = set(hidden)
    witnesses: list[Witness] = [{}]  # the true figures
    candidates = [dict(zip(c.quantities, a, strict=True)) for c in carried
                  for a in c.assignments if len(a) == len(c.quantities)]
    excused: set[tuple[Quantity, int]] = set()  # ruled out by `prior` alone: not asked
    before: tuple[Model, list[int]] | None = None  # the model of `prior` alone, its parts
    while True:
        model = build_model([*prior, _publication(table, hidden, k)])
        if candidates:  # the earlier witnesses that hold here (hiding more keeps them)
            holding = [w for w in candidates if satisfies(model, _vector(model, w))]
            witnesses += holding
            candidates = [w for w in candidates if w not in holding]
        failing = _find_witnesses(model, witnesses, bound, excused=excused)
        if not failing:
            witnesses = [{}, *_essential(model, witnesses)]
            hidden, witnesses, model = _show_again(table, k, prior, hidden - required,
                                                   hidden, witnesses, model, bound)
            return hidden, _certificate(model, witnesses, excused)
        hiding = _Hiding(table, hidden, hideable, k, prior, bound)
        try:
            extra = hiding.relaxed(failing)
            if not extra:  # each question has a witness in real numbers only
                extra, witness = hiding.whole(failing[0])
                witnesses.append(witness)
        except _Pinned:
            # no hiding in this table helps a small count: which of the open questions are
            # ruled out before it already? (each of them, not only this count's: no hiding
            # helps those either, and one look at the earlier model answers them all)
            if before is None:
                alone = build_model(prior)
                before = (alone, _parts(alone))
            newly = _unreachable_before(*before, failing, bound)
            if newly <= excused:  # this table (with what it may not hide) narrows it
                raise
            excused |= newly
            continue
        hidden |= extra


def _unreachable_before(model: Model, parts: Sequence[int],
                        questions: Sequence[tuple[Quantity, int]], bound: int
                        ) -> set[tuple[Quantity, int]]:
    """The questions (small count, value) that ``model`` — of the earlier publications
    alone, with its `_parts` — already rules out (whole numbers, within ``bound``); never one
    of a figure it does not hide (new here). One linear program per part of the model, the
    integer one only where the relaxation has a solution."""
    index = {q: i for i, q in enumerate(model.hidden)}
    by_part: dict[int, list[tuple[Quantity, int]]] = {}
    for q, v in questions:
        if q in index:
            by_part.setdefault(parts[index[q]], []).append((q, v))
    out: set[tuple[Quantity, int]] = set()
    for part, asked in by_part.items():
        columns = [i for i, p in enumerate(parts) if p == part]
        local = {i: n for n, i in enumerate(columns)}
        n = len(columns)
        with LinearModel([0.0] * n, [float(bound)] * n, _lp_rows(model, local)) as lp:
            for q, v in asked:
                column = local[index[q]]
                lp.set_bounds(column, v, v)
                reachable = lp.solve() is not None  # a real solution: is there a whole one?
                if reachable:
                    lp.set_integer(True)
                    reachable = lp.solve() is not None
                    lp.set_integer(False)
                lp.set_bounds(column, 0, bound)
                if not reachable:
                    out.add((q, v))
    return out


def _show_again(table: Table, k: int, prior: Sequence[Publication], extra: set[Key],
                hidden: set[Key], witnesses: list[Witness], model: Model, bound: int
                ) -> tuple[set[Key], list[Witness], Model]:
    """Hiding chose cells one small count at a time; try to show every extra cell again, the
    costliest first: it stays shown when every question still has a witness (the witnesses
    that give it its true value stay; the questions only the others reached are looked for
    again, by the linear relaxation first).

    Showing a cell fixes its quantity to its true value, so one model (the one with every
    cell of `hidden`) and one linear program serve every try: a shown cell is a column with
    both bounds at its true value. The witnesses are kept as their differences from the true
    figures, with a tally of how many reach each value, so a cell that no witness moves, or
    whose movers reach only values others reach too, is shown again without a solve."""
    truth = [q[1] for q in model.hidden]
    index = {q: i for i, q in enumerate(model.hidden)}
    parts = _parts(model)
    # a witness's moves in each part of the model are a witness on their own
    moves: list[dict[int, int]] = []
    for witness in witnesses:
        by_part: dict[int, dict[int, int]] = {}
        for q, v in witness.items():
            i = index.get(q)
            if i is not None and v != truth[i]:
                by_part.setdefault(parts[i], {})[i] = v
        moves += by_part.values()
    tally: dict[tuple[int, int], int] = {}  # (small count, value off the truth) -> witnesses
    movers: dict[int, set[int]] = {}  # column -> the witnesses that move it
    for number, move in enumerate(moves):
        _count(model, move, tally, 1)
        for i in move:
            movers.setdefault(i, set()).add(number)
    near: dict[int, set[int]] = {}  # column -> the columns that share an equation with it
    for terms, _ in model.rows:
        for i, _ in terms:
            near.setdefault(i, set()).update(j for j, _ in terms)
    shown: set[int] = set()
    progress.stage(_HIDING_SHARE, progress.SCALE)  # one step per cell tried
    tried = 0
    # the parts are independent: one linear program per part, its cells the costliest first
    candidates: dict[int, list[int]] = {}
    for key in sorted(extra, key=lambda key: _cost(table, k, key)):
        c = index[(key, table.values[key])]
        candidates.setdefault(parts[c], []).append(c)
    for part, cells in candidates.items():
        columns = [i for i, p in enumerate(parts) if p == part]
        local = {i: n for n, i in enumerate(columns)}
        n = len(columns)
        # columns x (the part's cells) and d ≥ |x − truth|: the cost is the distance from
        # the true figures, so a witness moves few cells (it is mostly whole-numbered, and
        # showing another cell later drops fewer witnesses)
        rows: list[_Row] = _lp_rows(model, local)
        for j, i in enumerate(columns):
            rows.append((((j, 1.0), (n + j, -1.0)), -math.inf, float(truth[i])))
            rows.append((((j, 1.0), (n + j, 1.0)), float(truth[i]), math.inf))
        around: list[set[int]] = [set() for _ in range(n)]
        for row_terms, _, _ in rows[:len(rows) - 2 * n]:
            for j, _ in row_terms:
                around[j].update(x for x, _ in row_terms)
        with LinearModel([0.0] * (2 * n), [float(bound)] * (2 * n), rows,
                         cost=[0.0] * n + [1.0] * n) as lp:
            for c in cells:
                dropped = sorted(movers.get(c, ()))
                lost: dict[tuple[int, int], int] = {}
                for number in dropped:
                    for i, v in moves[number].items():
                        if v < model.small.get(i, 0):
                            lost[(i, v)] = lost.get((i, v), 0) + 1
                # the small counts that share an equation with c first: they fail first
                close = near.get(c, set())
                open_questions = sorted((i not in close, i, v) for (i, v), d in lost.items()
                                        if tally[(i, v)] == d and i != c)
                lp.set_bounds(local[c], truth[c], truth[c])
                found: list[dict[int, int]] = []
                reached: set[tuple[int, int]] = set()
                for _, i, v in open_questions:
                    if (i, v) in reached:
                        continue
                    new = _combine(model, truth, moves, dropped, c, i, v)
                    if new is None:
                        new = _solve(lp, model, truth, columns, local[i], v, bound, around)
                    if new is None:
                        lp.set_bounds(local[c], 0, bound)
                        break
                    wanted = {(j, x) for _, j, x in open_questions} - reached
                    for move in [new, *_on_line(model, truth, new, wanted)]:
                        found.append(move)
                        reached |= set(move.items())
                else:
                    shown.add(c)
                    for number in dropped:
                        _count(model, moves[number], tally, -1)
                        for i in moves[number]:
                            movers[i].discard(number)
                        moves[number] = {}  # dropped
                # a witness found stands either way: it gives c (and every cell shown) the truth
                for move in found:
                    _count(model, move, tally, 1)
                    for i in move:
                        movers.setdefault(i, set()).add(len(moves))
                    moves.append(move)
                tried += 1
                progress.report(tried, len(extra))
    names = model.hidden
    hidden = hidden - {names[i][0] for i in shown}
    if shown:
        model = build_model([*prior, _publication(table, hidden, k)])
    return hidden, [{}, *({names[i]: v for i, v in move.items()} for move in moves if move)], model


def _combine(model: Model, truth: Sequence[int], moves: Sequence[Mapping[int, int]],
             dropped: Sequence[int], c: int, i: int, v: int) -> dict[int, int] | None:
    """A witness without a solve that keeps cell c at its true figure and gives small count
    i the value v: a witness a that gives i the value v, less the moves of a witness b that
    moves c by as much and leaves i alone (a − (b − truth) satisfies every equation as both
    do; it must stay ≥ 0 and keep every inequality). None when no pair does."""
    for a in dropped:
        move_a = moves[a]
        if move_a.get(i) != v:
            continue
        shift = move_a[c] - truth[c]
        for b in dropped:
            move_b = moves[b]
            if b == a or i in move_b or move_b[c] - truth[c] != shift:
                continue
            combined = dict(move_a)
            for j, x in move_b.items():
                combined[j] = combined.get(j, truth[j]) - (x - truth[j])
            combined = {j: x for j, x in combined.items() if x != truth[j]}
            if min(combined.values()) >= 0 and within(model, _apply(truth, combined)):
                return combined
    return None


def _on_line(model: Model, truth: Sequence[int], move: Mapping[int, int],
             wanted: set[tuple[int, int]]) -> list[dict[int, int]]:
    """Free witnesses on the line from the true figures through a witness (both satisfy the
    same equations, so every whole step along it does too) that give a wanted value, stay
    ≥ 0 and keep every inequality (see `_on_lines`)."""
    g = 0
    for i, x in move.items():
        g = math.gcd(g, x - truth[i])
    if g == 0:
        return []
    step = {i: (x - truth[i]) // g for i, x in move.items()}
    scales = {(v - truth[i]) // step[i] for i, v in wanted
              if i in step and (v - truth[i]) % step[i] == 0}
    points = [{i: truth[i] + s * d for i, d in step.items()} for s in sorted(scales - {0, g})]
    return [point for point in points
            if min(point.values()) >= 0 and within(model, _apply(truth, point))]


def _apply(truth: Sequence[int], move: Mapping[int, int]) -> list[int]:
    vector = list(truth)
    for i, v in move.items():
        vector[i] = v
    return vector


def _count(model: Model, move: Mapping[int, int], tally: dict[tuple[int, int], int],
           sign: int) -> None:
    for i, v in move.items():
        if v < model.small.get(i, 0):
            tally[(i, v)] = tally.get((i, v), 0) + sign


def _near_solve(lp: LinearModel, truth: Sequence[int], columns: Sequence[int],
                solution: Sequence[float], near: Sequence[set[int]]
                ) -> list[float] | None:
    """A whole-numbered solution of `lp` (integer already) in which only the columns the
    relaxed `solution` moved and their neighbours may move; None when there is none."""
    n = len(columns)
    moved = [j for j in range(n) if abs(solution[j] - truth[columns[j]]) > _EPSILON]
    free = set(moved)
    for j in moved:
        free.update(near[j])
    lower, upper = lp.lower, lp.upper
    fixed_lower, fixed_upper = list(lower), list(upper)
    for j in range(n):
        if j not in free:
            t = float(truth[columns[j]])
            if not lower[j] <= t <= upper[j]:
                return None
            fixed_lower[j] = fixed_upper[j] = t
    lp.set_all_bounds(fixed_lower, fixed_upper)
    try:
        return lp.solve()
    finally:
        lp.set_all_bounds(lower, upper)


def _solve(lp: LinearModel, model: Model, truth: Sequence[int], columns: Sequence[int],
           column: int, v: int, bound: int, near: Sequence[set[int]] | None = None
           ) -> dict[int, int] | None:
    """A witness with the small count in `column` of the part's `lp` (its bounds hold the
    cells shown) at v: its moves off the true figures; None if there is none."""
    lp.set_bounds(column, v, v)
    try:
        solution = lp.solve()
        move = None if solution is None else _moves(model, truth, columns, solution)
        if solution is not None and move is None:
            # any whole-numbered solution is a witness: without an objective HiGHS stops at
            # the first it finds instead of proving one optimal
            costs = lp.costs
            lp.set_costs([0.0] * lp.n)
            lp.set_integer(True)
            try:
                move = None
                if near is not None:
                    # first in whole numbers near the cells the relaxation moved, every
                    # other cell at its true figure: a small integer program
                    local = _near_solve(lp, truth, columns, solution, near)
                    if local is not None:
                        move = _moves(model, truth, columns, local)
                if move is None:
                    solution = lp.solve()
                    move = None if solution is None else _moves(model, truth, columns,
                                                                solution)
            finally:
                lp.set_integer(False)
                lp.set_costs(costs)
    finally:
        lp.set_bounds(column, 0, bound)
    return move


def _cost(table: Table, k: int, key: Key) -> tuple[int, str]:
    """The costliest cell to hide first."""
    return (-_weight(table.weights, key) * (k + table.values[key]), repr(key))


def _lp_rows(model: Model, local: Mapping[int, int]) -> list[_Row]:
    """The model's equations and inequalities over the columns in `local` (hidden index ->
    column)."""
    return [*((tuple((local[i], float(c)) for i, c in terms), float(-b), float(-b))
              for terms, b in model.rows if terms[0][0] in local),
            *((tuple((local[i], float(c)) for i, c in terms), -math.inf, float(-b))
              for terms, b in model.bounds if terms[0][0] in local)]


def _moves(model: Model, truth: Sequence[int], columns: Sequence[int],
           solution: Sequence[float]) -> dict[int, int] | None:
    """The moves off the true figures of a solution's `columns` (the rest keeps the true
    figures), if whole-numbered and a witness."""
    vector = list(truth)
    for i, x in zip(columns, solution[:len(columns)], strict=True):
        r = round(x)
        if abs(x - r) > _EPSILON:
            return None
        vector[i] = r
    if not satisfies(model, vector):
        return None
    return {i: vector[i] for i in columns if vector[i] != truth[i]}


def _publication(table: Table, hidden: set[Key], k: int) -> Publication:
    cells = {key: ProtectedCell(key, Status.UNPRINTED, None, k) if key in table.unprinted
             else ProtectedCell(key, Status.HIDDEN, None, k) if key in hidden
             else ProtectedCell(key, Status.PUBLISHED, value, k)
             for key, value in table.values.items()}
    return Publication(table, cells, k)


def _vector(model: Model, witness: Witness) -> list[int]:
    return [witness.get(q, q[1]) for q in model.hidden]


def _reached(model: Model, witnesses: Sequence[Witness]) -> dict[int, set[int]]:
    small = [(i, model.hidden[i]) for i in model.small]
    reached: dict[int, set[int]] = {i: set() for i in model.small}
    for witness in witnesses:
        for i, q in small:
            reached[i].add(witness.get(q, q[1]))
    return reached


def _parts(model: Model) -> list[int]:
    """For every hidden quantity, a representative of the part of the model it lies in (the
    quantities that equations connect)."""
    parent = list(range(len(model.hidden)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for terms, _ in (*model.rows, *model.bounds):
        first = find(terms[0][0])
        for i, _ in terms[1:]:
            parent[find(i)] = first
    return [find(i) for i in range(len(parent))]


def _find_witnesses(model: Model, witnesses: list[Witness], bound: int,
                    stop_at_first: bool = False,
                    excused: set[tuple[Quantity, int]] | frozenset[tuple[Quantity, int]]
                    = frozenset()) -> list[tuple[Quantity, int]]:
    """Add witnesses for the open questions (those not `excused`); the questions left
    without one (with `stop_at_first`, the first only). Each part of the model is solved on
    its own (the rest of a witness keeps the true figures)."""
    reached = _reached(model, witnesses)
    open_questions = [(i, v) for i in sorted(model.small) for v in range(model.small[i])
                      if v not in reached[i] and (model.hidden[i], v) not in excused]
    failing: list[tuple[Quantity, int]] = []
    if not open_questions:
        return failing
    # lines are drawn from the true figures and the latest witnesses only
    vectors = [_vector(model, witness) for witness in [witnesses[0], *witnesses[-_LINES:]]]
    truth = [q[1] for q in model.hidden]
    parts = _parts(model)
    by_part: dict[int, list[tuple[int, int]]] = {}
    for i, v in open_questions:
        by_part.setdefault(parts[i], []).append((i, v))
    for part, questions in by_part.items():
        columns = [i for i, p in enumerate(parts) if p == part]
        local = {i: n for n, i in enumerate(columns)}
        n = len(columns)
        rows = _lp_rows(model, local)
        with LinearModel([0.0] * n, [float(bound)] * n, rows, cost=[1.0] * n) as lp:
            for number, (i, v) in enumerate(questions):
                if v in reached[i]:
                    continue
                if number % 2:  # every other question: push the small counts up
                    lp.set_costs([-1.0 if columns[c] in reached else 0.0 for c in range(n)])
                else:
                    lp.set_costs([1.0] * n)
                lp.set_bounds(local[i], v, v)
                solution = lp.solve()
                vector = None if solution is None else _whole(model, truth, columns, solution)
                if solution is not None and vector is None:
                    # any whole-numbered solution is a witness: without an objective HiGHS
                    # stops at the first it finds instead of proving one optimal
                    lp.set_costs([0.0] * n)
                    lp.set_integer(True)
                    solution = lp.solve()
                    lp.set_integer(False)
                    vector = (None if solution is None
                              else _whole(model, truth, columns, solution))
                lp.set_bounds(local[i], 0, bound)
                if vector is None:
                    failing.append((model.hidden[i], v))
                    if stop_at_first:
                        return failing
                    continue
                for found in [vector, *_on_lines(model, vectors, vector, reached)]:
                    vectors.append(found)
                    witnesses.append(dict(zip(model.hidden, found, strict=True)))
                    for j, seen in reached.items():
                        seen.add(found[j])
    return failing


def _on_lines(model: Model, vectors: Sequence[list[int]], new: list[int],
              reached: Mapping[int, set[int]]) -> list[list[int]]:
    """Free witnesses: u and w satisfy the same equations, so u + s·(w − u)/g does too for
    every whole s (g: the greatest common divisor of w − u); those that stay ≥ 0, keep every
    inequality and give a small count a value it has not reached yet are witnesses."""
    found: list[list[int]] = []
    seen = {i: set(values) for i, values in reached.items()}
    for i in model.small:
        seen[i].add(new[i])
    for u in [vectors[0], *vectors[-_LINES:]]:
        step = [w - x for w, x in zip(new, u, strict=True)]
        g = 0
        for d in step:
            g = math.gcd(g, d)
        if g == 0:
            continue
        step = [d // g for d in step]
        moving = [i for i in model.small if step[i]]
        if not moving:
            continue
        # s where some moving small count lands in 0..k−1 on a value not seen yet
        wanted: set[int] = set()
        for i in moving:
            for v in range(model.small[i]):
                if v not in seen[i] and (v - u[i]) % step[i] == 0:
                    wanted.add((v - u[i]) // step[i])
        for s in sorted(wanted):
            point = [x + s * d for x, d in zip(u, step, strict=True)]
            if min(point) >= 0 and within(model, point):
                found.append(point)
                for i in moving:
                    seen[i].add(point[i])
    return found


def _whole(model: Model, truth: Sequence[int], columns: Sequence[int],
           solution: Sequence[float]) -> list[int] | None:
    """The true figures with the part's solution in place, if whole-numbered and exact."""
    vector = list(truth)
    for i, x in zip(columns, solution, strict=True):
        r = round(x)
        if abs(x - r) > _EPSILON:
            return None
        vector[i] = r
    return vector if satisfies(model, vector) else None


class _Pinned(DisclosureParameterError):
    """A small count that no hiding in this table gives a value it must reach."""

    def __init__(self, target: Quantity, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.target = target


class _Hiding:
    """The model with every cell of this table that may be hidden as a variable. A cell not
    hidden yet moves off its true value only at a cost (its weight × (k + value) per unit)."""

    def __init__(self, table: Table, hidden: set[Key], hideable: Sequence[Key], k: int,
                 prior: Sequence[Publication], bound: int) -> None:
        self.table, self.k, self.bound = table, k, bound
        self.model = build_model([*prior, _publication(table, set(hidden) | set(hideable), k)])
        self.index = {q: i for i, q in enumerate(self.model.hidden)}
        self.choices = [key for key in hideable if key not in hidden]
        self.rows: list[tuple[Sequence[tuple[int, float]], float, float]] = [
            (terms, float(-c), float(-c)) for terms, c in self.model.rows]
        self.rows += [(terms, -math.inf, float(-c)) for terms, c in self.model.bounds]
        self.costs = [float(_weight(table.weights, key) * (k + table.values[key]))
                      for key in self.choices]
        # connected parts of the model: a question involves only its own part
        parent = list(range(len(self.model.hidden)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for terms, _, _ in self.rows:
            first = find(terms[0][0])
            for i, _ in terms[1:]:
                parent[find(i)] = first
        self.part = [find(i) for i in range(len(parent))]
        self.choice_columns = [(number, key, self._column(key))
                               for number, key in enumerate(self.choices)]
        self.parts: dict[int, _Part] = {}

    def _column(self, key: Key) -> int:
        return self.index[(key, self.table.values[key])]

    def _part(self, part: int) -> _Part:
        """A part of the model (once per part): its columns (model index -> its own), its
        rows, and its choices (number, key, model index)."""
        if part not in self.parts:
            columns = [i for i, p in enumerate(self.part) if p == part]
            rows = [(terms, lo, hi) for terms, lo, hi in self.rows
                    if self.part[terms[0][0]] == part]
            choices = [(number, key, column) for number, key, column in self.choice_columns
                       if self.part[column] == part]
            self.parts[part] = ({i: n for n, i in enumerate(columns)}, rows, choices)
        return self.parts[part]

    def _refuse(self, target: Quantity) -> _Pinned:
        key = target[0]
        return _Pinned(
            target,
            N_("The reports published before already narrow the hidden figure {key} down; "
               "publish the reports of one period together, or not this one."),
            key=key if isinstance(key, str) else " / ".join(key))

    def relaxed(self, questions: Sequence[tuple[Quantity, int]]) -> set[Key]:
        """Cells to hide so that each question has a witness in real numbers. Per part of the
        model, one linear program over two copies of it, solved again for each small count
        with its lowest open value fixed in one copy and its highest in the other: a cell not
        hidden yet may move by h in both copies at the cost of its weight × (k + value) × h.
        The cells moved are hidden from then on (free for the next small count); values in
        between that still fail come back in the next round. A small count whose open
        values lie within the range it takes over the solutions so far (which all agree
        with the hiding chosen so far) reaches them in real numbers already: no solve. One
        that reaches its lowest and its highest open value with the cells hidden so far
        (two solves of the part alone, in a model beside) needs nothing more hidden: the
        two copies would find that at no cost, so they are not solved."""
        by_part: dict[int, dict[Quantity, list[int]]] = {}
        for target, value in questions:
            part = self.part[self.index[target]]
            by_part.setdefault(part, {}).setdefault(target, []).append(value)
        extra: set[Key] = set()
        progress.halfway(_HIDING_SHARE)  # one step per small count
        total, done = sum(len(targets) for targets in by_part.values()), 0
        for part, targets in by_part.items():
            # one program per part; a small count fixes its column in both copies
            local, rows_here, choices = self._part(part)
            n, m = len(local), len(choices)
            h = 2 * n  # the shared moves start after the copies
            rows: list[_Row] = []
            for offset in (0, n):
                rows += [(tuple((offset + local[i], c) for i, c in terms), lo, hi)
                         for terms, lo, hi in rows_here]
                for slot, (_, key, column) in enumerate(choices):
                    x, true = offset + local[column], float(self.table.values[key])
                    rows.append((((x, 1.0), (h + slot, -1.0)), -float("inf"), true))
                    rows.append((((x, 1.0), (h + slot, 1.0)), true, float("inf")))
            # the range of each cell over the solutions so far (and the true figures): they
            # all agree with the hiding chosen so far, so a small count whose range covers
            # its open values reaches each in real numbers already (between two solutions)
            truth = [0.0] * n
            for i, j in local.items():
                truth[j] = float(self.model.hidden[i][1])
            least: list[float] = list(truth)
            most: list[float] = list(truth)

            # the part as hidden so far (a cell not chosen keeps its true figure): where it
            # reaches a small count's lowest and its highest open value, the program of two
            # copies finds that at no cost and hides nothing more, so two small solves answer
            # instead of one large one (half of the large ones, on the period plan)
            lower, upper = [0.0] * n, [float(self.bound)] * n
            for _, key, column in choices:
                if key not in extra:
                    lower[local[column]] = upper[local[column]] = float(self.table.values[key])
            with LinearModel(lower, upper, rows[:len(rows_here)], beside=True) as now, \
                    LinearModel([0.0] * (h + m), [float(self.bound)] * (h + m), rows) as lp:
                for target, values in targets.items():
                    done += 1
                    progress.report(done, total)
                    x = local[self.index[target]]
                    if least[x] <= min(values) and most[x] >= max(values):
                        continue
                    reached = []
                    for value in sorted({min(values), max(values)}):
                        now.set_bounds(x, value, value)
                        found = now.solve()
                        now.set_bounds(x, 0, self.bound)
                        if found is None:
                            break
                        reached.append(found)
                    else:
                        for found in reached:
                            _widen(least, most, found, (0,))
                        continue
                    lp.set_costs([0.0] * h + [0.0 if key in extra else self.costs[number]
                                              for number, key, _ in choices])
                    lp.set_bounds(x, min(values), min(values))
                    lp.set_bounds(n + x, max(values), max(values))
                    solution = lp.solve()
                    lp.set_bounds(x, 0, self.bound)
                    lp.set_bounds(n + x, 0, self.bound)
                    if solution is None:
                        raise self._refuse(target)
                    for slot, (_, key, column) in enumerate(choices):
                        if solution[h + slot] > _EPSILON and key not in extra:
                            extra.add(key)
                            now.set_bounds(local[column], 0, self.bound)
                    _widen(least, most, solution, (0, n))
        return extra

    def whole(self, question: tuple[Quantity, int]) -> tuple[set[Key], Witness]:
        """The cheapest cells to hide so that the question has a witness in whole numbers
        (an integer program), and that witness."""
        target, value = question
        n, model = len(self.model.hidden), self.model
        lower, upper = [0.0] * n, [float(self.bound)] * n
        lower[self.index[target]] = upper[self.index[target]] = float(value)
        rows = list(self.rows)
        for number, key in enumerate(self.choices):
            x, y = self._column(key), n + number
            true = float(self.table.values[key])
            # x moves off its true value only when y = 1 (the cell is hidden)
            rows.append((((x, 1.0), (y, -float(self.bound))), -float("inf"), true))
            rows.append((((x, 1.0), (y, float(self.bound))), true, float("inf")))
        total = n + len(self.choices)
        with LinearModel(lower + [0.0] * len(self.choices),
                         upper + [1.0] * len(self.choices), rows, integer=[True] * total,
                         cost=[0.0] * n + self.costs) as mip:
            solution = mip.solve()
        if solution is None:
            raise self._refuse(target)
        extra = {key for number, key in enumerate(self.choices) if solution[n + number] > 0.5}
        witness = {q: round(solution[i]) for i, q in enumerate(model.hidden)}
        return extra, witness


def _widen(least: list[float], most: list[float], solution: Sequence[float],
           copies: Sequence[int]) -> None:
    """The range of each cell over the solutions so far, with the copies of ``solution``
    (their first columns) in it."""
    for j in range(len(least)):
        for offset in copies:
            got = solution[offset + j]
            if got < least[j]:
                least[j] = got
            elif got > most[j]:
                most[j] = got


def _weight(weights: Mapping[Key, int], key: Key) -> int:
    return weights.get(key, 1)


def _essential(model: Model, witnesses: Sequence[Witness]) -> list[Witness]:
    """The witnesses that reach a value first, less those whose every value the others reach
    too (looked at from the last found back)."""
    small = [(i, model.hidden[i], model.small[i]) for i in model.small]
    reached: set[tuple[int, int]] = set()
    kept: list[tuple[Witness, set[tuple[int, int]]]] = []
    for witness in witnesses:
        reaches = set()
        for i, q, k in small:
            value = witness.get(q, q[1])
            if value < k:
                reaches.add((i, value))
        if not reaches <= reached:
            kept.append((witness, reaches))
            reached |= reaches
    count: dict[tuple[int, int], int] = {}
    for _, reaches in kept:
        for pair in reaches:
            count[pair] = count.get(pair, 0) + 1
    chosen: list[Witness] = []
    for witness, reaches in reversed(kept):
        if all(count[pair] > 1 for pair in reaches):
            for pair in reaches:
                count[pair] -= 1
        else:
            chosen.append(witness)
    return chosen[::-1]


def _certificate(model: Model, witnesses: Sequence[Witness],
                 excused: set[tuple[Quantity, int]] | frozenset[tuple[Quantity, int]]
                 = frozenset()) -> Certificate:
    """The essential witnesses, and the excused values no witness reaches (model order)."""
    reached = _reached(model, witnesses)
    order = {q: i for i, q in enumerate(model.hidden)}
    kept = sorted(((q, v) for q, v in excused
                   if q in order and v not in reached.get(order[q], ())),
                  key=lambda qv: (order[qv[0]], qv[1]))
    return Certificate(model.hidden, tuple(tuple(_vector(model, w))
                                           for w in _essential(model, witnesses)),
                       tuple(kept))
