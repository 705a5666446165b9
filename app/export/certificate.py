"""The reader's model of everything published, and the check of a witness certificate.

A *quantity* is one number a reader may learn: a cell's key with its true value. The same key
with the same value in two publications is one quantity; a key whose value was revised is a
new quantity, and both stay in the model. A quantity shown in any publication is known; every
other quantity is hidden and, for the reader, any whole number of 0 or more (one mark for
every hidden cell: "0 to k−1 or at least k"). Every equation and every inequality of every
publication holds (the inequalities hold by definition: a topic counts at most the new cases).

A hidden quantity whose true value is below k (of a publication that hid it) is a *small
count*. The rule: every value 0..k−1 of every small count is reachable, proven by a witness
per value — a complete assignment to the hidden quantities that satisfies every equation and
every inequality. A value that the earlier publications alone already rule out is not the new
publication's doing: its certificate lists it as *excused* (only for a quantity the earlier
publications hid), and the new publication must not rule out any other.
Checking a certificate needs no solver: pure Python, additions only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.export.publication import Certificate, Key, Publication, Quantity, Status
from app.i18n import N_, translator

# A row: the hidden terms (index into the hidden quantities, coefficient) and the constant
# (the published terms); an equation holds when the terms plus the constant add up to 0, an
# inequality when they add up to 0 or less.
Row = tuple[tuple[tuple[int, int], ...], int]


@dataclass(frozen=True)
class Model:
    known: dict[Quantity, int]  # shown somewhere: its value
    hidden: tuple[Quantity, ...]  # in model order
    small: dict[int, int]  # hidden index -> k (the number of values it must reach)
    rows: tuple[Row, ...]  # equations: = 0
    bounds: tuple[Row, ...]  # inequalities: ≤ 0
    # per publication: its key -> quantity (to map cells back)
    keys: tuple[dict[Key, Quantity], ...]


def build_model(publications: Sequence[Publication]) -> Model:
    """The reader's model of these publications (oldest first)."""
    order: dict[Quantity, None] = {}
    known: dict[Quantity, int] = {}
    hid_k: dict[Quantity, int] = {}
    keys: list[dict[Key, Quantity]] = []
    for pub in publications:
        mapping: dict[Key, Quantity] = {}
        for key, value in pub.table.values.items():
            q = (key, value)
            mapping[key] = q
            order.setdefault(q)
            if pub.cells[key].status is Status.PUBLISHED:
                known[q] = value
            elif pub.cells[key].status is Status.HIDDEN:
                hid_k[q] = max(hid_k.get(q, 0), pub.k)
        keys.append(mapping)
    hidden = tuple(q for q in order if q not in known)
    index = {q: i for i, q in enumerate(hidden)}
    small = {index[q]: hid_k[q] for q in hidden if q[1] < hid_k.get(q, 0)}
    rows: dict[Row, None] = {}
    bounds: dict[Row, None] = {}

    def row(mapping: dict[Key, Quantity], signed: Iterable[tuple[Key, int]]) -> Row | None:
        terms: dict[int, int] = {}
        constant = 0
        for key, coef in signed:
            q = mapping[key]
            if q in known:
                constant += coef * known[q]
            else:
                i = index[q]
                terms[i] = terms.get(i, 0) + coef
        row_terms = tuple(sorted((i, c) for i, c in terms.items() if c))
        return (row_terms, constant) if row_terms else None

    for pub, mapping in zip(publications, keys, strict=True):
        for eq in pub.table.equations:
            found = row(mapping, ((eq.total, -1), *((p, 1) for p in eq.parts)))
            if found is not None:
                rows.setdefault(found)
        for ineq in pub.table.inequalities:
            found = row(mapping, (*((p, 1) for p in ineq.parts), *((b, -1) for b in ineq.bound)))
            if found is not None:  # all of it published: it holds, the reader learns nothing
                bounds.setdefault(found)
    return Model(known, hidden, small, tuple(rows), tuple(bounds), tuple(keys))


def satisfies(model: Model, values: Sequence[int]) -> bool:
    if any(v < 0 for v in values):
        return False
    return all(sum(c * values[i] for i, c in terms) + constant == 0
               for terms, constant in model.rows) and within(model, values)


def within(model: Model, values: Sequence[int]) -> bool:
    """Every inequality of the model holds for these values."""
    return all(sum(c * values[i] for i, c in terms) + constant <= 0
               for terms, constant in model.bounds)


def check(publication: Publication, prior: Sequence[Publication],
          certificate: Certificate) -> list[str]:
    """The problems of a certificate, each one sentence in the current language ([]: none)."""
    t = translator()
    model = build_model([*prior, publication])
    if set(certificate.quantities) != set(model.hidden) or len(certificate.quantities) != len(
            model.hidden):
        return [t._(N_("The certificate does not name exactly the hidden figures of the "
                       "publication and the earlier ones."))]
    position = {q: i for i, q in enumerate(certificate.quantities)}
    permutation = [position[q] for q in model.hidden]
    problems = []
    reached: dict[int, set[int]] = {i: set() for i in model.small}
    for number, assignment in enumerate(certificate.assignments, start=1):
        if len(assignment) != len(permutation):
            problems.append(t._(N_("Witness {number} does not give every hidden figure a "
                                   "value.")).format(number=number))
            continue
        values = [assignment[j] for j in permutation]
        if not satisfies(model, values):
            problems.append(t._(N_("Witness {number} does not agree with the published "
                                   "figures and their sums.")).format(number=number))
            continue
        for i, seen in reached.items():
            seen.add(values[i])
    # values the earlier publications alone rule out (the certificate says which): only of a
    # figure those publications hid, never of one new in this publication
    excused: dict[int, set[int]] = {}
    if certificate.excused:
        before = set(build_model(prior).hidden)
        index = {q: i for i, q in enumerate(model.hidden)}
        for q, value in certificate.excused:
            if q not in before or q not in index:
                problems.append(t._(N_(
                    "The certificate says that the reports published before already rule "
                    "out {value} for the hidden figure {key}, but they do not hide that "
                    "figure.")).format(key=_key_text(q[0]), value=value))
                continue
            excused.setdefault(index[q], set()).add(value)
    for i, k in model.small.items():
        missing = sorted(set(range(k)) - reached[i] - excused.get(i, set()))
        if missing:
            key, _ = model.hidden[i]
            problems.append(t._(N_("No witness shows that the hidden figure {key} could be "
                                   "{values}.")).format(
                key=_key_text(key), values=", ".join(str(v) for v in missing)))
    return problems


def _key_text(key: Key) -> str:
    return key if isinstance(key, str) else " / ".join(key)
