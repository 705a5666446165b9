"""An independent auditor for protected tables: the attacker's linear programs, solved by HiGHS.

For each hidden cell, min and max of its value over the non-negative real solutions of the
table's equations with every published cell fixed. Tables are stacked block-diagonally into one
LP per round, each round minimising (or maximising) one hidden cell of every table at once:
blocks share no variables, so optimising the sum optimises each block on its own.

Variables are capped at true value + k. That can only shrink the feasible set, so a measured
width of at least k implies the true width is at least k (the check stays sound), and a cell
that can move by k in some direction still shows a width of at least k.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.export.disclosure import ProtectedTable, Status, Table

# scipy (and numpy under it) cannot run under Wine 8: importing numpy kills the process
# (ucrtbase.crealf is unimplemented), so the Windows environment of make test-windows leaves
# both out. A test that needs this auditor is then skipped with this reason; protect() itself,
# with the certificate it checks for every hidden cell, runs on both platforms.
NEEDS_SCIPY = ("the independent LP auditor needs scipy, which Wine 8 cannot run (numpy's import "
               "crashes); it runs on Linux, protect() and its certificates run on both")
try:
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix
except ImportError:  # pragma: no cover - the Windows environment under Wine
    np = None

TOLERANCE = 1e-6


@dataclass
class AuditResult:
    tables: int
    hidden_cells: int
    disclosed: list[tuple[int, object, float]]  # (table number, key, width)
    linear_programs: int
    cells_solved_exactly: int


def audit(pairs: list[tuple[Table, ProtectedTable]], *, marks: bool = False) -> AuditResult:
    """With `marks`, the reader also uses what the marks say ("< k": 1..k−1; secondary: at
    least k), and a "< k" cell counts as disclosed when it is pinned to a single value."""
    if np is None:
        pytest.skip(NEEDS_SCIPY)
    # One block per table with hidden cells; variables are that table's hidden cells.
    blocks = []
    for number, (table, protected) in enumerate(pairs):
        keys = [key for key, cell in protected.cells.items() if cell.status is not Status.PUBLISHED]
        if keys:
            blocks.append((number, table, protected.k, keys))

    rows, cols, data, rhs = [], [], [], []
    upper: list[float] = []
    lower: list[float] = []
    need: list[float] = []
    var_start, row_end = [], []
    for _number, table, k, keys in blocks:
        offset = len(upper)
        var_start.append(offset)
        position = {key: offset + i for i, key in enumerate(keys)}
        for key in keys:
            small = table.values[key] < k
            upper.append(k - 1 if marks and small else table.values[key] + k)
            lower.append((1 if small else k) if marks else 0)
            need.append(1 if marks and small else 0 if marks else k)
        for eq in table.equations:
            terms = [(eq.total, -1)] + [(p, 1) for p in eq.parts]
            if not any(key in position for key, _ in terms):
                continue
            row = len(rhs)
            constant = 0
            for key, coef in terms:
                if key in position:
                    rows.append(row)
                    cols.append(position[key])
                    data.append(coef)
                else:
                    constant += coef * table.values[key]
            rhs.append(-constant)
        row_end.append(len(rhs))
    n_vars = len(upper)
    matrix = csr_matrix((data, (rows, cols)), shape=(len(rhs), n_vars))
    b_all = np.array(rhs, dtype=float)
    ub_all = np.array(upper, dtype=float)
    lb_all = np.array(lower, dtype=float)
    need_all = np.array(need, dtype=float)
    var_end = var_start[1:] + [n_vars]
    row_start = [0] + row_end[:-1]

    # Every solution HiGHS returns is a feasible point, so it witnesses a value each hidden cell
    # can take. A cell whose witnessed values already span k needs no LP of its own; every
    # other cell gets its exact min and max.
    true_values = np.array([b[1].values[key] for b in blocks for key in b[3]], dtype=float)
    seen_low, seen_high = true_values.copy(), true_values.copy()
    exact: dict[int, float] = {}  # variable -> exact width

    def solve(
        block_ids: list[int], objective: dict[int, float]
    ) -> tuple[np.ndarray, dict[int, int]]:
        var_idx = np.concatenate([np.arange(var_start[i], var_end[i]) for i in block_ids])
        row_idx = np.concatenate([np.arange(row_start[i], row_end[i]) for i in block_ids])
        where = {int(v): n for n, v in enumerate(var_idx)}
        c = np.zeros(len(var_idx))
        for v, weight in objective.items():
            c[where[v]] = weight
        bounds = np.column_stack([lb_all[var_idx], ub_all[var_idx]])
        a_eq = matrix[row_idx][:, var_idx] if len(row_idx) else None
        result = linprog(
            c,
            A_eq=a_eq,
            b_eq=b_all[row_idx] if len(row_idx) else None,
            bounds=bounds,
            method="highs",
        )
        assert result.status == 0, result.message
        np.minimum.at(seen_low, var_idx, result.x)
        np.maximum.at(seen_high, var_idx, result.x)
        return result.x, where

    def unproven(i: int) -> list[int]:
        return [
            v
            for v in range(var_start[i], var_end[i])
            if v not in exact and seen_high[v] - seen_low[v] < need_all[v] - TOLERANCE
        ]

    everyone = list(range(len(blocks)))
    lp_count = 0
    if everyone:
        for sense in (1.0, -1.0):  # push all hidden cells down together, then up together
            solve(everyone, {v: sense for v in range(n_vars)})
            lp_count += 1
    while True:
        targets = {}
        for i in everyone:
            todo = unproven(i)
            if todo:
                targets[i] = todo[0]
        if not targets:
            break
        ids = sorted(targets)
        low_x, where = solve(ids, {v: 1.0 for v in targets.values()})
        high_x, _ = solve(ids, {v: -1.0 for v in targets.values()})
        lp_count += 2
        for v in targets.values():
            exact[v] = high_x[where[v]] - low_x[where[v]]

    disclosed = []
    for i, (number, _table, _k, keys) in enumerate(blocks):
        for r, key in enumerate(keys):
            v = var_start[i] + r
            width = exact.get(v, seen_high[v] - seen_low[v])
            if width < need_all[v] - TOLERANCE:
                disclosed.append((number, key, float(width)))
    return AuditResult(len(pairs), n_vars, disclosed, lp_count, len(exact))
