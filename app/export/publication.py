"""What a report showed, and the witnesses that prove it keeps its hidden counts hidden.

The data of disclosure control, shared by the engine (app/export/witnesses.py), the reader's
model and the certificate check (app/export/certificate.py) and `app.export.disclosure`,
which re-exports every name here: tables of cells and equations, the protected cells, a
`Publication` (what one report showed: true values, statuses, equations, k) and a
`Certificate` (the witnesses), both with a deterministic JSON form for the ledger.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.errors import DisclosureParameterError
from app.i18n import N_
from app.settings import DEFAULT_K as DEFAULT_K
from app.settings import MINIMUM_K as MINIMUM_K

Key = str | tuple[str, ...]


class Status(enum.StrEnum):
    PUBLISHED = "published"
    HIDDEN = "hidden"  # one mark for every hidden cell: "0 to k−1 or at least k"
    # in the reader's model but printed nowhere in the report (an earlier year's quarters
    # beside its year column): unknown to the reader like a hidden cell, but no count the
    # report hid, so no small count of its own (it is one where an earlier report hid it)
    UNPRINTED = "unprinted"


# --- tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Equation:
    """`total` equals the sum of `parts`."""

    total: Key
    parts: tuple[Key, ...]


@dataclass(frozen=True)
class Inequality:
    """The sum of `parts` is at most the sum of `bound`: a relation that holds by definition
    (a topic counts at most the new cases, outcomes at most the closed cases), which a reader
    may know as well as the sums."""

    parts: tuple[Key, ...]
    bound: tuple[Key, ...]


@dataclass(frozen=True, eq=False)
class Table:
    """Non-negative integer cells in report order, and the equations and inequalities that
    tie them."""

    values: Mapping[Key, int]
    equations: tuple[Equation, ...] = ()
    # what hiding a cell costs besides its value (1 when absent): year totals and the topic
    # table weigh more than quarterly details
    weights: Mapping[Key, int] = field(default_factory=dict)
    inequalities: tuple[Inequality, ...] = ()
    # cells of the model that the report prints nowhere: never shown, never hidden
    unprinted: frozenset[Key] = frozenset()

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
        for ineq in self.inequalities:
            keys = (*ineq.parts, *ineq.bound)
            if (not ineq.parts or len(set(keys)) != len(keys)
                    or any(key not in self.values for key in keys)):
                raise DisclosureParameterError(
                    N_("The sum for {key} refers to unknown or repeated cells."),
                    key=ineq.parts[0] if ineq.parts else "")
            if sum(self.values[p] for p in ineq.parts) > sum(self.values[b] for b in ineq.bound):
                raise DisclosureParameterError(
                    N_("The figure {key} is larger than its bound."), key=ineq.parts[0])


# --- protected cells --------------------------------------------------------------------


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
        return [key for key, cell in self.cells.items() if cell.status is Status.HIDDEN]


def check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or k < MINIMUM_K:
        raise DisclosureParameterError(
            N_("The minimum cell frequency must be at least {minimum}; {k} was given."),
            minimum=MINIMUM_K,
            k=k,
        )
    return k


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
        return [key for key, cell in self.cells.items() if cell.status is Status.HIDDEN]

    def to_json(self) -> dict[str, object]:
        return {
            "k": self.k,
            "cells": [[key_to_json(key), self.table.values[key], self.cells[key].status.value]
                      for key in self.table.values],
            "equations": [[key_to_json(eq.total), [key_to_json(p) for p in eq.parts]]
                          for eq in self.table.equations],
            # only where there are any: publications from before inequalities read the same
            **({"inequalities": [[[key_to_json(p) for p in ineq.parts],
                                  [key_to_json(b) for b in ineq.bound]]
                                 for ineq in self.table.inequalities]}
               if self.table.inequalities else {}),
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
        inequalities = tuple(
            Inequality(tuple(key_from_json(p) for p in _list(parts)),
                       tuple(key_from_json(b) for b in _list(bound)))
            for parts, bound in (_list(item) for item in _list(data.get("inequalities", []))))
        return cls(Table(values, equations, inequalities=inequalities), cells, k)


@dataclass(frozen=True)
class Certificate:
    """Witnesses: complete assignments of whole numbers ≥ 0 to every hidden quantity that
    agree with everything published; together they give every hidden small count every
    value from 0 to k−1."""

    quantities: tuple[Quantity, ...]  # the hidden quantities, in model order
    assignments: tuple[tuple[int, ...], ...]  # one value per quantity, per witness
    # (hidden quantity, value 0..k−1) that the earlier publications alone already rule out:
    # no witness can reach it, and not because of this publication (model order, then value)
    excused: tuple[tuple[Quantity, int], ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "quantities": [[key_to_json(key), value] for key, value in self.quantities],
            "witnesses": [list(a) for a in self.assignments],
            # only where there are any: every other certificate reads and stores the same
            **({"excused": [[[key_to_json(key), true], value]
                            for (key, true), value in self.excused]}
               if self.excused else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Certificate:
        quantities = tuple((key_from_json(key), _int(value)) for key, value in
                           (_list(item) for item in _list(data.get("quantities"))))
        assignments = tuple(tuple(_int(v) for v in _list(a))
                            for a in _list(data.get("witnesses")))
        excused = []
        for item in _list(data.get("excused", [])):
            quantity, value = _list(item)
            key, true = _list(quantity)
            excused.append(((key_from_json(key), _int(true)), _int(value)))
        return cls(quantities, assignments, tuple(excused))
