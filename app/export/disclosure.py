"""Disclosure control for reports that leave the confidant network.

A report table is a set of non-negative integer cells plus additive equations
("this total = the sum of those parts"). `protect` hides counts from 1 to k−1 (primary
suppression) and then hides further cells (secondary suppression) until no hidden count can
be worked out from the published numbers and the equations.

Guarantee: for every hidden cell, its value can move by at least k over the non-negative real
solutions of the equations with all published cells fixed. `protect` proves this for each
hidden cell with a *certificate*: a vector d of −1/0/+1 over the hidden cells with A·d = 0, so
that x + t·d solves every equation; non-negativity allows t in [−(smallest +1 cell),
+(smallest −1 cell)], which moves every cell of d over that whole width. Certificates are
checked again against the final suppression pattern before the result is returned.

Secondary cells are chosen per hidden cell by a small branch-and-bound search for the
cheapest certificate: reuse hidden cells first, then hide as few extra cells as possible,
parts before totals, small values before large ones. No randomness; ties follow table order.

Best effort beyond that guarantee: a reader also knows that "< k" means 1..k−1 and that a
secondary cell is at least k. The search first looks for certificates that keep each small
count movable within those bounds too, and only then settles for width k alone.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from babel.numbers import format_decimal

from app.errors import DisclosureParameterError
from app.i18n import N_, Translator, current_language, translator
from app.settings import DEFAULT_K as DEFAULT_K
from app.settings import MINIMUM_K as MINIMUM_K

SECONDARY_MARK: Final = "×"

Key = str | tuple[str, ...]

_INFINITE: Final = 1 << 62
_SEARCH_BUDGET: Final = 5_000  # search nodes per pass before giving up on that pass
_MAX_EXTRA_CELLS: Final = 12  # beyond this, hide every non-zero cell instead
_MAX_EXTRA_CELLS_MARKED: Final = 4  # how hard to try to keep marked cells unpinned

# How far t may fall and rise in x + t·d: keeping cells ≥ 0, and keeping them within what
# their marks say ("< k" means 1..k−1; a secondary cell is at least k).
_Room = tuple[int, int, int, int]


class Status(enum.StrEnum):
    PUBLISHED = "published"
    PRIMARY = "primary"
    SECONDARY = "secondary"


STATUS_LABELS: Final[Mapping[Status, str]] = {
    Status.PUBLISHED: N_("published"),
    Status.PRIMARY: N_("hidden: small count"),
    Status.SECONDARY: N_("hidden: protects another hidden count"),
}


# --- tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Equation:
    """`total` equals the sum of `parts`."""

    total: Key
    parts: tuple[Key, ...]


@dataclass(frozen=True, eq=False)
class Table:
    """Non-negative integer cells in report order, and the equations that tie them."""

    values: Mapping[Key, int]
    equations: tuple[Equation, ...] = ()

    def __post_init__(self) -> None:
        for key, value in self.values.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise DisclosureParameterError(
                    N_("Cell {key} holds {value}; only whole numbers of 0 or more can be shown."),
                    key=key,
                    value=value,
                )
        for eq in self.equations:
            keys = (eq.total, *eq.parts)
            if len(set(keys)) != len(keys) or any(key not in self.values for key in keys):
                raise DisclosureParameterError(
                    N_("The sum for {key} refers to unknown or repeated cells."), key=eq.total
                )
            if self.values[eq.total] != sum(self.values[p] for p in eq.parts):
                raise DisclosureParameterError(
                    N_("The total {key} is not the sum of its parts."), key=eq.total
                )


@dataclass(frozen=True)
class Dimension:
    """One classification of a report as a tree: a total and its parts (which may be groups)."""

    label: str
    parts: tuple[Dimension, ...] = ()

    @classmethod
    def flat(cls, total: str, labels: Iterable[str]) -> Dimension:
        return cls(total, tuple(cls(label) for label in labels))

    @classmethod
    def grouped(cls, total: str, groups: Mapping[str, Sequence[str]]) -> Dimension:
        return cls(total, tuple(cls.flat(group, topics) for group, topics in groups.items()))

    def nodes(self) -> list[str]:
        """Labels in report order: each group's parts, then the group; the total last."""
        return [label for part in self.parts for label in part.nodes()] + [self.label]

    def leaves(self) -> list[str]:
        if not self.parts:
            return [self.label]
        return [leaf for part in self.parts for leaf in part.leaves()]

    def sums(self) -> Iterator[tuple[str, list[str]]]:
        """Each (total, parts) pair of the tree."""
        if self.parts:
            yield self.label, [part.label for part in self.parts]
            for part in self.parts:
                yield from part.sums()

    def _leaves_under(self) -> dict[str, list[str]]:
        out = {self.label: self.leaves()}
        for part in self.parts:
            out.update(part._leaves_under())
        return out

    def _check_unique(self) -> None:
        labels = self.nodes()
        if len(set(labels)) != len(labels):
            raise DisclosureParameterError(
                N_("The labels of {label} are not unique."), label=self.label
            )


def one_way(dim: Dimension, values: Mapping[str, int]) -> Table:
    """Cells for every label of `dim` (keys are labels); `values` gives the leaves, 0 if absent."""
    dim._check_unique()
    under = dim._leaves_under()
    cells: dict[Key, int] = {
        label: sum(values.get(leaf, 0) for leaf in under[label]) for label in dim.nodes()
    }
    equations = tuple(Equation(total, tuple(parts)) for total, parts in dim.sums())
    return Table(cells, equations)


def cross(rows: Dimension, cols: Dimension, values: Mapping[tuple[str, str], int]) -> Table:
    """Cells (row, col) for every pair of labels, with all sums along both dimensions."""
    rows._check_unique()
    cols._check_unique()
    row_under, col_under = rows._leaves_under(), cols._leaves_under()
    cells: dict[Key, int] = {
        (r, c): sum(values.get((lr, lc), 0) for lr in row_under[r] for lc in col_under[c])
        for r in rows.nodes()
        for c in cols.nodes()
    }
    equations = [
        Equation((total, c), tuple((p, c) for p in parts))
        for total, parts in rows.sums()
        for c in cols.nodes()
    ] + [
        Equation((r, total), tuple((r, p) for p in parts))
        for r in rows.nodes()
        for total, parts in cols.sums()
    ]
    return Table(cells, tuple(equations))


def two_way(
    rows: Sequence[str],
    cols: Sequence[str],
    values: Mapping[tuple[str, str], int],
    *,
    total_row: str = "Total",
    total_col: str = "Total",
) -> Table:
    """A rows × cols table with a total column, a total row and the grand total."""
    return cross(Dimension.flat(total_row, rows), Dimension.flat(total_col, cols), values)


def hierarchy(
    groups: Mapping[str, Sequence[str]], values: Mapping[str, int], *, total: str = "Total"
) -> Table:
    """Topics within groups: topic cells, a total per group and the overall total."""
    return one_way(Dimension.grouped(total, groups), values)


# --- protection -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProtectedCell:
    key: Key
    status: Status
    value: int | None  # None when hidden: the true count never leaves `protect`
    k: int


@dataclass(frozen=True)
class ProtectedTable:
    k: int
    cells: Mapping[Key, ProtectedCell]  # report order

    def __getitem__(self, key: Key) -> ProtectedCell:
        return self.cells[key]

    def hidden(self) -> list[Key]:
        return [key for key, cell in self.cells.items() if cell.status is not Status.PUBLISHED]


def check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or k < MINIMUM_K:
        raise DisclosureParameterError(
            N_("The minimum cell frequency must be at least {minimum}; {k} was given."),
            minimum=MINIMUM_K,
            k=k,
        )
    return k


def protect(table: Table, k: int = DEFAULT_K) -> ProtectedTable:
    check_k(k)
    keys = list(table.values)
    hidden = _Suppressor(table, k).run()
    cells: dict[Key, ProtectedCell] = {}
    for i, key in enumerate(keys):
        value = table.values[key]
        if i not in hidden:
            cells[key] = ProtectedCell(key, Status.PUBLISHED, value, k)
        elif value < k:
            cells[key] = ProtectedCell(key, Status.PRIMARY, None, k)
        else:
            cells[key] = ProtectedCell(key, Status.SECONDARY, None, k)
    return ProtectedTable(k, cells)


class _Suppressor:
    """Cells are numbered in table order; equations are lists of (cell, coefficient)."""

    def __init__(self, table: Table, k: int) -> None:
        self.k = k
        index = {key: i for i, key in enumerate(table.values)}
        self.vals = list(table.values.values())
        self.eqs: list[list[tuple[int, int]]] = [
            [(index[eq.total], -1)] + [(index[p], 1) for p in eq.parts] for eq in table.equations
        ]
        self.cell_eqs: list[list[tuple[int, int]]] = [[] for _ in self.vals]
        for e, terms in enumerate(self.eqs):
            for cell, coef in terms:
                self.cell_eqs[cell].append((e, coef))
        self.is_total = [False] * len(self.vals)
        for eq in table.equations:
            self.is_total[index[eq.total]] = True
        self.hidden = {i for i, v in enumerate(self.vals) if 0 < v < k}
        self.certificates: list[dict[int, int]] = []
        # What a reader learns from the marks: a "< k" cell lies in 1..k−1, a secondary cell
        # (never 0, never small) is at least k. Slack of each cell within those bounds:
        self.slack_down = [v - 1 if v < k else v - k for v in self.vals]
        self.slack_up = [k - 1 - v if v < k else _INFINITE for v in self.vals]

    def run(self) -> set[int]:
        up = [0] * len(self.vals)
        down = [0] * len(self.vals)
        marked_up = [0] * len(self.vals)
        marked_down = [0] * len(self.vals)
        for i in sorted(self.hidden, key=lambda i: (self.vals[i], i)):
            if up[i] + down[i] >= self.k and marked_up[i] + marked_down[i] >= 1:
                continue
            direction = self._cheapest_certificate(i)
            if direction is None:
                return self._hide_all_nonzero()
            self.hidden.update(direction)
            self.certificates.append(direction)
            self._record(direction, up, down)
            self._record_marked(direction, marked_up, marked_down)
        if not self._verified():
            return self._hide_all_nonzero()
        return self.hidden

    def _widths(self, direction: Mapping[int, int]) -> tuple[int, int]:
        """How far t can fall and rise in x + t·d before a cell turns negative."""
        fall = min((self.vals[c] for c, s in direction.items() if s > 0), default=_INFINITE)
        rise = min((self.vals[c] for c, s in direction.items() if s < 0), default=_INFINITE)
        return fall, rise

    def _record(self, direction: Mapping[int, int], up: list[int], down: list[int]) -> None:
        fall, rise = self._widths(direction)
        for c, s in direction.items():
            cell_up, cell_down = (rise, fall) if s > 0 else (fall, rise)
            up[c] = max(up[c], cell_up)
            down[c] = max(down[c], cell_down)

    def _record_marked(
        self, direction: Mapping[int, int], up: list[int], down: list[int]
    ) -> None:
        fall = min(
            self.slack_down[c] if s > 0 else self.slack_up[c] for c, s in direction.items()
        )
        rise = min(
            self.slack_up[c] if s > 0 else self.slack_down[c] for c, s in direction.items()
        )
        for c, s in direction.items():
            cell_up, cell_down = (rise, fall) if s > 0 else (fall, rise)
            up[c] = max(up[c], cell_up)
            down[c] = max(down[c], cell_down)

    def _verified(self) -> bool:
        """Re-check every certificate against the final pattern: in the kernel, on hidden
        cells only, and together wide enough for every hidden cell."""
        up = [0] * len(self.vals)
        down = [0] * len(self.vals)
        for direction in self.certificates:
            if not set(direction) <= self.hidden:
                return False
            for terms in self.eqs:
                if sum(coef * direction.get(cell, 0) for cell, coef in terms):
                    return False
            self._record(direction, up, down)
        return all(up[i] + down[i] >= self.k for i in self.hidden)

    def _hide_all_nonzero(self) -> set[int]:
        # Safe in every case: with only zeros published, x + t·x solves all equations for
        # every t ≥ −1, so each hidden cell ranges from 0 upwards without limit.
        self.hidden = {i for i, v in enumerate(self.vals) if v > 0}
        return self.hidden

    def _cheapest_certificate(self, start: int) -> dict[int, int] | None:
        """The cheapest ±1 vector in the kernel of the equations that contains `start` and
        has width ≥ k: fewest extra hidden cells, then fewest totals, then the smallest sum of
        values. Iterative deepening on the number of extra cells keeps the search small."""
        order = _PreferenceOrder(self)
        # First try to also keep the cell from being pinned down within its mark ("< k" and
        # "secondary, so at least k"); if that costs too much, settle for width k alone.
        for marked, most in ((True, _MAX_EXTRA_CELLS_MARKED), (False, _MAX_EXTRA_CELLS)):
            for extra in range(most + 1):
                found = _CertificateSearch(self, order, start, extra, marked).run()
                if found is not None:
                    return found
        return None


class _PreferenceOrder:
    """Per equation, its non-zero cells in the order the search tries them: hidden cells
    first, then parts before totals, small values first, then table order."""

    def __init__(self, owner: _Suppressor) -> None:
        self.owner = owner
        self.cache: dict[int, list[tuple[int, int]]] = {}

    def __getitem__(self, e: int) -> list[tuple[int, int]]:
        found = self.cache.get(e)
        if found is None:
            hidden, vals, is_total = self.owner.hidden, self.owner.vals, self.owner.is_total
            found = sorted(
                ((c, coef) for c, coef in self.owner.eqs[e] if vals[c] > 0),
                key=lambda t: (t[0] not in hidden, is_total[t[0]], vals[t[0]], t[0]),
            )
            self.cache[e] = found
        return found


class _CertificateSearch:
    """Branch and bound for one certificate with at most `extra` newly hidden cells."""

    def __init__(
        self,
        owner: _Suppressor,
        order: _PreferenceOrder,
        start: int,
        extra: int,
        marked: bool,
    ) -> None:
        self.owner = owner
        self.start = start
        self.extra = extra
        self.direction: dict[int, int] = {}
        self.residual: dict[int, int] = {}
        self.best: dict[int, int] | None = None
        self.best_cost = (extra + 1, 0, 0)
        self.budget = _SEARCH_BUDGET
        self.order = order
        self.marked = marked

    def run(self) -> dict[int, int] | None:
        self._assign(self.start, 1)
        o, i = self.owner, self.start
        self._search((o.vals[i], _INFINITE, o.slack_down[i], o.slack_up[i]), (0, 0, 0))
        return self.best

    def _assign(self, cell: int, sign: int) -> None:
        self.direction[cell] = sign
        residual = self.residual
        for e, coef in self.owner.cell_eqs[cell]:
            r = residual.get(e, 0) + coef * sign
            if r:
                residual[e] = r
            else:
                del residual[e]

    def _unassign(self, cell: int) -> None:
        sign = self.direction.pop(cell)
        residual = self.residual
        for e, coef in self.owner.cell_eqs[cell]:
            r = residual.get(e, 0) - coef * sign
            if r:
                residual[e] = r
            else:
                del residual[e]

    def _candidates(self, e: int, room: _Room, may_add: bool) -> list[tuple[int, int, _Room]]:
        """(cell, sign, room) for the cells that bring the residual of e towards 0 and leave
        enough room: width ≥ k, and (when `marked`) not pinned down within the marks."""
        o, direction = self.owner, self.direction
        k, vals, hidden, slack_down, slack_up = o.k, o.vals, o.hidden, o.slack_down, o.slack_up
        fall, rise, mfall, mrise = room
        step = -1 if self.residual[e] > 0 else 1
        out = []
        for cell, coef in self.order[e]:
            if cell in direction:
                continue
            if not may_add and cell not in hidden:
                break  # the order puts hidden cells first
            sign = step * coef
            value = vals[cell]
            if sign > 0:
                new = (
                    min(fall, value),
                    rise,
                    min(mfall, slack_down[cell]),
                    min(mrise, slack_up[cell]),
                )
            else:
                new = (
                    fall,
                    min(rise, value),
                    min(mfall, slack_up[cell]),
                    min(mrise, slack_down[cell]),
                )
            if new[0] + new[1] >= k and (not self.marked or new[2] + new[3] >= 1):
                out.append((cell, sign, new))
        return out

    def _search(self, room: _Room, cost: tuple[int, int, int]) -> None:
        self.budget -= 1
        if self.budget < 0 or cost >= self.best_cost:
            return
        if not self.residual:
            self.best, self.best_cost = dict(self.direction), cost
            return
        may_add = cost[0] < self.extra
        options: list[tuple[int, int, _Room]] | None = None
        for e in sorted(self.residual):
            found = self._candidates(e, room, may_add)
            if options is None or len(found) < len(options):
                options = found
                if not found:
                    return
        assert options is not None
        hidden, vals, is_total = self.owner.hidden, self.owner.vals, self.owner.is_total
        for cell, sign, new_room in options:
            if cell in hidden:
                step_cost = cost
            else:
                step_cost = (cost[0] + 1, cost[1] + is_total[cell], cost[2] + vals[cell])
            self._assign(cell, sign)
            self._search(new_room, step_cost)
            self._unassign(cell)
            if self.budget < 0:
                return


# --- display ----------------------------------------------------------------------------


def display(cell: ProtectedCell, lang: str | None = None) -> str:
    """The text of a cell in a report: the number, "< k" or the secondary mark."""
    locale = lang or current_language()
    if cell.status is Status.PUBLISHED:
        assert cell.value is not None
        return format_decimal(cell.value, format="#,##0", locale=locale)
    if cell.status is Status.PRIMARY:
        return "< " + format_decimal(cell.k, format="#,##0", locale=locale)
    return SECONDARY_MARK


def whole_hours(minutes: int) -> int:
    """Minutes as whole hours for publication, halves rounded up (90 min → 2 h)."""
    if minutes < 0:
        raise DisclosureParameterError(N_("A duration cannot be negative."))
    return (minutes + 30) // 60


def rule_text(k: int = DEFAULT_K, t: Translator | None = None) -> str:
    """The sentence a report prints to state the rule and its parameters (in the language of
    ``t``; None: the current language)."""
    check_k(k)
    tr = t or translator()
    return tr._(
        "Counts from 1 to {kminus} are shown as “< {k}”; further counts are hidden "
        "(shown as “{mark}”) so that hidden counts cannot be worked out from totals. "
        "Hours are rounded to whole hours."
    ).format(kminus=k - 1, k=k, mark=SECONDARY_MARK)
