"""The independent attacker: holding every publication of a sequence, which value 0..k−1 of a
hidden small count can it rule out? Solved in whole numbers by scipy's MILP (HiGHS through
numpy, not our ctypes wrapper), with its own reading of the publications.

The reader: a cell shown in any publication is known (same key and value = one quantity; a
revised value is another quantity); every hidden quantity is a whole number ≥ 0; every
equation and every inequality (what holds by definition: a topic count ≤ the new cases) of
every publication holds. A question (quantity q, value v) is one block: the
quantities as variables and x_q = v + s⁺ − s⁻; minimising s⁺ + s⁻ over all blocks at once
(they share nothing) gives 0 for a block exactly when v is reachable.

``hints``: assignments to try first (the certificates' witnesses, checked here with our own
equations); a question a hint answers needs no MILP. Without hints every question is solved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from app.export.disclosure import Certificate, Publication
from tests.services.disclosure_audit import NEEDS_SCIPY

try:
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix
except ImportError:  # pragma: no cover - the Windows environment under Wine
    np = None

BLOCK_VARIABLES = 20_000  # per MILP


@dataclass
class _Reader:
    hidden: list[tuple[object, int]]
    small: list[tuple[int, int]]  # (variable, k)
    rows: list[tuple[dict[int, int], float, int]]  # lower ≤ Σ coef·x ≤ upper
    bound: int


def _reader(publications: Sequence[Publication]) -> _Reader:
    known: dict[tuple[object, int], int] = {}
    hid_k: dict[tuple[object, int], int] = {}
    order: list[tuple[object, int]] = []
    for pub in publications:
        for key, value in pub.table.values.items():
            q = (key, value)
            if q not in known and q not in hid_k:
                order.append(q)
            if pub.cells[key].status.value == "published":
                known[q] = value
            elif pub.cells[key].status.value == "hidden":  # "unprinted": unknown, no promise
                hid_k[q] = max(hid_k.get(q, 0), pub.k)
    hidden = [q for q in order if q not in known]
    index = {q: i for i, q in enumerate(hidden)}
    rows: list[tuple[dict[int, int], float, int]] = []
    for pub in publications:
        relations = [(False, [(eq.total, -1), *((p, 1) for p in eq.parts)])
                     for eq in pub.table.equations]
        relations += [(True, [*((p, 1) for p in ineq.parts), *((b, -1) for b in ineq.bound)])
                      for ineq in pub.table.inequalities]
        for at_most, terms in relations:
            coefs: dict[int, int] = {}
            rhs = 0
            for key, coef in terms:
                q = (key, pub.table.values[key])
                if q in known:
                    rhs -= coef * known[q]
                else:
                    coefs[index[q]] = coefs.get(index[q], 0) + coef
            rows.append((coefs, -np.inf if at_most else rhs, rhs))
    small = [(index[q], hid_k[q]) for q in hidden if q[1] < hid_k.get(q, 0)]
    values = [v for pub in publications for v in pub.table.values.values()]
    return _Reader(hidden, small, rows, 2 * max(values, default=0) + 14)


def _holds(reader: _Reader, x: Sequence[int]) -> bool:
    return all(v >= 0 for v in x) and all(
        lower <= sum(c * x[i] for i, c in coefs.items()) <= upper
        for coefs, lower, upper in reader.rows)


def attack(sequences: Sequence[Sequence[Publication]],
           hints: Sequence[Sequence[Certificate | None]] | None = None
           ) -> tuple[list[tuple[int, object, int]], int]:
    """(sequence number, key, value) for every value 0..k−1 of a hidden small count that the
    publications rule out; and how many questions needed a MILP."""
    if np is None:
        pytest.skip(NEEDS_SCIPY)
    questions: list[tuple[int, _Reader, int, int]] = []  # (sequence, reader, variable, value)
    for s, pubs in enumerate(sequences):
        reader = _reader(pubs)
        reached: dict[int, set[int]] = {i: set() for i, _ in reader.small}
        for cert in (hints[s] if hints else []):
            if cert is None:
                continue
            where = {q: n for n, q in enumerate(cert.quantities)}
            if set(where) != set(reader.hidden):
                continue
            for assignment in cert.assignments:
                x = [assignment[where[q]] for q in reader.hidden]  # type: ignore[index]
                if _holds(reader, x):
                    for i, seen in reached.items():
                        seen.add(x[i])
        for i, k in reader.small:
            questions += [(s, reader, i, v) for v in range(k) if v not in reached[i]]
    ruled_out = []
    chunk: list[tuple[int, _Reader, int, int]] = []
    size = 0
    for question in [*questions, None]:
        if question is not None and size + len(question[1].hidden) + 2 <= BLOCK_VARIABLES:
            chunk.append(question)
            size += len(question[1].hidden) + 2
            continue
        if chunk:
            ruled_out += _solve(chunk)
        chunk, size = ([question], len(question[1].hidden) + 2) if question else ([], 0)
    return ruled_out, len(questions)


def _solve(chunk: Sequence[tuple[int, _Reader, int, int]]) -> list[tuple[int, object, int]]:
    rows, cols, data, rhs, upper, cost = [], [], [], [], [], []
    lhs: list[float] = []
    slacks = []
    for _, reader, target, value in chunk:
        offset = len(upper)
        upper += [reader.bound] * len(reader.hidden) + [reader.bound, reader.bound]
        cost += [0.0] * len(reader.hidden) + [1.0, 1.0]
        for coefs, lo, b in reader.rows:
            if not coefs:
                continue
            for i, c in coefs.items():
                rows.append(len(rhs))
                cols.append(offset + i)
                data.append(c)
            lhs.append(lo)
            rhs.append(b)
        plus = offset + len(reader.hidden)
        rows += [len(rhs)] * 3
        cols += [offset + target, plus, plus + 1]
        data += [1, -1, 1]
        lhs.append(value)
        rhs.append(value)
        slacks.append(plus)
    n = len(upper)
    matrix = coo_matrix((data, (rows, cols)), shape=(len(rhs), n)).tocsr()
    result = milp(np.array(cost), integrality=np.ones(n),
                  bounds=Bounds(np.zeros(n), np.array(upper, dtype=float)),
                  constraints=LinearConstraint(matrix, np.array(lhs, float), np.array(rhs, float)))
    assert result.status == 0, result.message
    out = []
    for (s, reader, target, value), plus in zip(chunk, slacks, strict=True):
        if result.x[plus] + result.x[plus + 1] > 0.5:
            out.append((s, reader.hidden[target][0], value))
    return out
