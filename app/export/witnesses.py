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

A question that has no witness even with every cell of this table hidden is pinned by the
earlier publications alone: `protect` refuses with a sentence that says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.errors import DisclosureParameterError
from app.export.certificate import Model, build_model, satisfies
from app.export.disclosure import (
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


def find_protection(table: Table, k: int, prior: Sequence[Publication]
                    ) -> tuple[set[Key], Certificate]:
    known_before: set[Quantity] = set()
    hidden_before: set[Quantity] = set()
    for pub in prior:
        for key, value in pub.table.values.items():
            if pub.cells[key].status is Status.PUBLISHED:
                known_before.add((key, value))
            else:
                hidden_before.add((key, value))
    hidden_before -= known_before
    values = table.values
    hideable = [key for key, v in values.items() if (key, v) not in known_before]
    hidden = {key for key in hideable if 0 < values[key] < k or (key, values[key]) in
              hidden_before}
    bound = 2 * max([*values.values(), *(q[1] for q in hidden_before), 0]) + 2 * k
    witnesses: list[Witness] = [{}]  # the true figures
    while True:
        model = build_model([*prior, _publication(table, hidden, k)])
        failing = _find_witnesses(model, witnesses, bound)
        if not failing:
            return hidden, _certificate(model, witnesses)
        hiding = _Hiding(table, hidden, hideable, k, prior, bound)
        extra = hiding.relaxed(failing)
        if not extra:  # each question has a witness in real numbers only
            extra, witness = hiding.whole(failing[0])
            witnesses.append(witness)
        hidden |= extra


def _publication(table: Table, hidden: set[Key], k: int) -> Publication:
    cells = {key: ProtectedCell(key, Status.HIDDEN, None, k) if key in hidden
             else ProtectedCell(key, Status.PUBLISHED, value, k)
             for key, value in table.values.items()}
    return Publication(table, cells, k)


def _vector(model: Model, witness: Witness) -> list[int]:
    return [witness.get(q, q[1]) for q in model.hidden]


def _reached(model: Model, witnesses: Sequence[Witness]) -> dict[int, set[int]]:
    reached: dict[int, set[int]] = {i: set() for i in model.small}
    for witness in witnesses:
        vector = _vector(model, witness)
        for i, seen in reached.items():
            seen.add(vector[i])
    return reached


def _find_witnesses(model: Model, witnesses: list[Witness], bound: int
                    ) -> list[tuple[Quantity, int]]:
    """Add witnesses for the open questions; the questions left without one."""
    reached = _reached(model, witnesses)
    open_questions = [(i, v) for i in sorted(model.small) for v in range(model.small[i])
                      if v not in reached[i]]
    failing: list[tuple[Quantity, int]] = []
    if not open_questions:
        return failing
    n = len(model.hidden)
    rows = [(terms, float(-c), float(-c)) for terms, c in model.rows]
    with LinearModel([0.0] * n, [float(bound)] * n, rows, cost=[1.0] * n) as lp:
        for i, v in open_questions:
            if v in reached[i]:
                continue
            lp.set_bounds(i, v, v)
            solution = lp.solve()
            vector = None if solution is None else _whole(model, solution)
            if solution is not None and vector is None:
                lp.set_integer(True)
                solution = lp.solve()
                lp.set_integer(False)
                vector = None if solution is None else _whole(model, solution)
            lp.set_bounds(i, 0, bound)
            if vector is None:
                failing.append((model.hidden[i], v))
                continue
            witnesses.append(dict(zip(model.hidden, vector, strict=True)))
            for j, seen in reached.items():
                seen.add(vector[j])
    return failing


def _whole(model: Model, solution: Sequence[float]) -> list[int] | None:
    vector = [round(x) for x in solution]
    if any(abs(x - r) > _EPSILON for x, r in zip(solution, vector, strict=True)):
        return None
    return vector if satisfies(model, vector) else None


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
        self.costs = [float(_weight(table.weights, key) * (k + table.values[key]))
                      for key in self.choices]

    def _column(self, key: Key) -> int:
        return self.index[(key, self.table.values[key])]

    def _refuse(self, target: Quantity) -> DisclosureParameterError:
        key = target[0]
        return DisclosureParameterError(
            N_("The reports published before already narrow the hidden figure {key} down; "
               "publish the reports of one period together, or not this one."),
            key=key if isinstance(key, str) else " / ".join(key))

    def relaxed(self, questions: Sequence[tuple[Quantity, int]]) -> set[Key]:
        """Cells to hide so that each question has a witness in real numbers. Per small count,
        one linear program over a copy of the model per open value: a cell not hidden yet
        may move by h in every copy at the cost of its weight × (k + value) × h. The cells
        moved are hidden from then on (free for the next small count)."""
        by_target: dict[Quantity, list[int]] = {}
        for target, value in questions:
            by_target.setdefault(target, []).append(value)
        n, m = len(self.model.hidden), len(self.choices)
        extra: set[Key] = set()
        for target, values in by_target.items():
            copies = len(values)
            h = copies * n  # the shared moves start after the copies
            lower = [0.0] * (h + m)
            upper = [float(self.bound)] * (h + m)
            rows: list[tuple[Sequence[tuple[int, float]], float, float]] = []
            for j, value in enumerate(values):
                offset = j * n
                lower[offset + self.index[target]] = upper[offset + self.index[target]] = value
                rows += [(tuple((offset + i, c) for i, c in terms), lo, hi)
                         for terms, lo, hi in self.rows]
                for number, key in enumerate(self.choices):
                    x, true = offset + self._column(key), float(self.table.values[key])
                    rows.append((((x, 1.0), (h + number, -1.0)), -float("inf"), true))
                    rows.append((((x, 1.0), (h + number, 1.0)), true, float("inf")))
            cost = [0.0] * h + [0.0 if key in extra else c
                                for key, c in zip(self.choices, self.costs, strict=True)]
            with LinearModel(lower, upper, rows, cost=cost) as lp:
                solution = lp.solve()
            if solution is None:
                raise self._refuse(target)
            extra |= {key for number, key in enumerate(self.choices)
                      if solution[h + number] > _EPSILON}
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


def _weight(weights: Mapping[Key, int], key: Key) -> int:
    return weights.get(key, 1)


def _certificate(model: Model, witnesses: Sequence[Witness]) -> Certificate:
    """The witnesses that reach something new, in the order found."""
    reached: dict[int, set[int]] = {i: set() for i in model.small}
    chosen = []
    for witness in witnesses:
        vector = _vector(model, witness)
        if any(vector[i] not in seen and vector[i] < model.small[i]
               for i, seen in reached.items()):
            chosen.append(tuple(vector))
            for i, seen in reached.items():
                seen.add(vector[i])
    return Certificate(model.hidden, tuple(chosen))
