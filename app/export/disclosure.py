"""Disclosure control for reports that leave the confidant network.

A report table is a set of non-negative integer cells plus additive equations ("this total =
the sum of those parts"). `protect` hides the counts from 1 to k−1 and as few further cells as
it must. Every hidden cell is shown with one mark, which means "0 to k−1 or at least k": a
zero is hidden too where that protects a count, so the mark never proves a count ≥ 1.

The reader (app/export/certificate.py) knows every published value of this table and of every
earlier publication, every equation, and that counts are whole numbers ≥ 0. The rule: every
hidden count below k (a *small count*) can, for that reader, still be every value 0..k−1 —
each proven by a *witness*, one complete assignment of whole numbers that agrees with
everything published. `protect` finds the witnesses with HiGHS (app/export/witnesses.py) and
returns them as a `Certificate`, which `verify_certificate` checks in pure Python.

A `Publication` is what one report showed (true values, statuses, equations, k); the ledger
stores it and passes it as ``prior``, so a later report cannot undo an earlier one's hiding.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from babel.numbers import format_decimal

from app.errors import DisclosureParameterError
from app.i18n import N_, Translator, current_language, translator

DEFAULT_K: Final = 5
MINIMUM_K: Final = 3
HIDDEN_MARK: Final = "×"

Key = str | tuple[str, ...]



class Status(enum.StrEnum):
    PUBLISHED = "published"
    HIDDEN = "hidden"  # one mark for every hidden cell: "0 to k−1 or at least k"


STATUS_LABELS: Final[Mapping[Status, str]] = {
    Status.PUBLISHED: N_("published"),
    Status.HIDDEN: N_("hidden: 0 to {kminus} or at least {k}"),
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
    # what hiding a cell costs besides its value (1 when absent): year totals and the topic
    # table weigh more than quarterly details
    weights: Mapping[Key, int] = field(default_factory=dict)

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
    certificate: Certificate | None = None  # the witnesses (None: no hidden small count)

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


def protect(table: Table, k: int = DEFAULT_K, prior: Sequence[Publication] = ()
            ) -> ProtectedTable:
    """Hide the counts below k (zeros only where that protects another count) and as few
    further cells as possible, so that a reader holding this table and every ``prior``
    publication can give every hidden small count every value from 0 to k−1; the returned
    certificate holds a witness for each."""
    check_k(k)
    from app.export.witnesses import find_protection

    hidden, certificate = find_protection(table, k, prior)
    cells = {key: ProtectedCell(key, Status.HIDDEN, None, k) if key in hidden
             else ProtectedCell(key, Status.PUBLISHED, value, k)
             for key, value in table.values.items()}
    return ProtectedTable(k, cells, certificate)


# --- publications and certificates -------------------------------------------------------

Quantity = tuple[Key, int]  # a cell's key and its true value: one number a reader may learn


def key_to_json(key: Key) -> object:
    return key if isinstance(key, str) else list(key)


def key_from_json(data: object) -> Key:
    if isinstance(data, str):
        return data
    if isinstance(data, list) and all(isinstance(part, str) for part in data):
        return tuple(data)
    raise DisclosureParameterError(N_("A stored publication holds an unreadable cell name."))


def _int(data: object) -> int:
    if isinstance(data, bool) or not isinstance(data, int):
        raise DisclosureParameterError(N_("A stored publication holds an unreadable number."))
    return data


def _list(data: object) -> list[object]:
    if not isinstance(data, list):
        raise DisclosureParameterError(N_("A stored publication holds an unreadable list."))
    return data


@dataclass(frozen=True)
class Publication:
    """What one report showed: every cell's true value and status, its equations, k."""

    table: Table  # all cells (true values) and equations
    cells: Mapping[Key, ProtectedCell]
    k: int

    @classmethod
    def of(cls, table: Table, protected: ProtectedTable) -> Publication:
        return cls(table, dict(protected.cells), protected.k)

    def hidden(self) -> list[Key]:
        return [key for key, cell in self.cells.items() if cell.status is not Status.PUBLISHED]

    def to_json(self) -> dict[str, object]:
        return {
            "k": self.k,
            "cells": [[key_to_json(key), self.table.values[key], self.cells[key].status.value]
                      for key in self.table.values],
            "equations": [[key_to_json(eq.total), [key_to_json(p) for p in eq.parts]]
                          for eq in self.table.equations],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Publication:
        k = check_k(_int(data.get("k")))
        values: dict[Key, int] = {}
        cells: dict[Key, ProtectedCell] = {}
        for item in _list(data.get("cells")):
            key_data, value_data, status_data = _list(item)
            key, value = key_from_json(key_data), _int(value_data)
            try:
                status = Status(str(status_data))
            except ValueError:
                raise DisclosureParameterError(
                    N_("A stored publication holds an unknown cell status.")) from None
            values[key] = value
            cells[key] = ProtectedCell(key, status, value if status is Status.PUBLISHED
                                       else None, k)
        equations = tuple(
            Equation(key_from_json(total), tuple(key_from_json(p) for p in _list(parts)))
            for total, parts in (_list(item) for item in _list(data.get("equations"))))
        return cls(Table(values, equations), cells, k)


@dataclass(frozen=True)
class Certificate:
    """Witnesses: complete assignments of whole numbers ≥ 0 to every hidden quantity that
    agree with everything published; together they give every hidden small count every
    value from 0 to k−1."""

    quantities: tuple[Quantity, ...]  # the hidden quantities, in model order
    assignments: tuple[tuple[int, ...], ...]  # one value per quantity, per witness

    def to_json(self) -> dict[str, object]:
        return {
            "quantities": [[key_to_json(key), value] for key, value in self.quantities],
            "witnesses": [list(a) for a in self.assignments],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Certificate:
        quantities = tuple((key_from_json(key), _int(value)) for key, value in
                           (_list(item) for item in _list(data.get("quantities"))))
        assignments = tuple(tuple(_int(v) for v in _list(a))
                            for a in _list(data.get("witnesses")))
        return cls(quantities, assignments)


def verify_certificate(publication: Publication, prior: Sequence[Publication],
                       certificate: Certificate) -> list[str]:
    """What does not hold in the certificate (an empty list: it proves the rule)."""
    from app.export.certificate import check

    return check(publication, prior, certificate)


# --- display ----------------------------------------------------------------------------


def display(cell: ProtectedCell, lang: str | None = None) -> str:
    """The text of a cell in a report: the number, or the one mark of every hidden cell."""
    if cell.status is Status.PUBLISHED:
        assert cell.value is not None
        return format_decimal(cell.value, format="#,##0", locale=lang or current_language())
    return HIDDEN_MARK


def status_label(status: Status, k: int, t: Translator | None = None) -> str:
    """What a status means, in the language of ``t`` (None: the current language)."""
    return (t or translator())._(STATUS_LABELS[status]).format(kminus=k - 1, k=k)


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
        "Counts from 1 to {kminus} are hidden, and so are further counts (zeros too) where "
        "that keeps them hidden: every hidden cell is shown as “{mark}” and means “0 to "
        "{kminus} or at least {k}”. Whoever holds every report published so far can still "
        "give each hidden count below {k} every value from 0 to {kminus}; the register keeps "
        "the proof. Hours are rounded to whole hours."
    ).format(kminus=k - 1, k=k, mark=HIDDEN_MARK)
