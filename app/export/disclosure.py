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

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from babel.numbers import format_decimal

from app.errors import DisclosureParameterError
from app.export.certificate import check
from app.export.publication import (
    DEFAULT_K,
    MINIMUM_K,
    Certificate,
    Equation,
    Inequality,
    Key,
    ProtectedCell,
    ProtectedTable,
    Publication,
    Quantity,
    Status,
    Table,
    check_k,
    key_from_json,
    key_to_json,
)
from app.export.witnesses import find_protection
from app.i18n import N_, Translator, current_language, translator

__all__ = [
    "DEFAULT_K", "HIDDEN_MARK", "MINIMUM_K", "STATUS_LABELS", "Certificate", "Dimension",
    "Equation", "Inequality", "Key", "ProtectedCell", "ProtectedTable", "Publication",
    "Quantity", "Status", "Table", "check_k", "cross", "display", "hierarchy", "key_from_json",
    "key_to_json", "one_way", "protect", "rule_text", "status_label", "two_way",
    "verify_certificate",
]

HIDDEN_MARK: Final = "×"

STATUS_LABELS: Final[Mapping[Status, str]] = {
    Status.PUBLISHED: N_("published"),
    Status.HIDDEN: N_("hidden: 0 to {kminus} or at least {k}"),
}


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


def protect(table: Table, k: int = DEFAULT_K, prior: Sequence[Publication] = (),
            carried: Sequence[Certificate] = ()) -> ProtectedTable:
    """Hide the counts below k (zeros only where that protects another count) and as few
    further cells as possible, so that a reader holding this table and every ``prior``
    publication can give every hidden small count every value from 0 to k−1; the returned
    certificate holds a witness for each. ``carried``: certificates of earlier publications,
    whose witnesses are reused where they still hold (fewer solves, the same rule)."""
    check_k(k)
    hidden, certificate = find_protection(table, k, prior, carried)
    cells = {key: ProtectedCell(key, Status.UNPRINTED, None, k) if key in table.unprinted
             else ProtectedCell(key, Status.HIDDEN, None, k) if key in hidden
             else ProtectedCell(key, Status.PUBLISHED, value, k)
             for key, value in table.values.items()}
    return ProtectedTable(k, cells, certificate)

def verify_certificate(publication: Publication, prior: Sequence[Publication],
                       certificate: Certificate) -> list[str]:
    """What does not hold in the certificate (an empty list: it proves the rule)."""
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
        "the proof. Hours are given to the half hour."
    ).format(kminus=k - 1, k=k, mark=HIDDEN_MARK)
