"""Issue 19: a value that the earlier publications alone already rule out is not the new
report's doing. Two "registers" published, each safe on its own (a centre's table and a
component's), but together they pin a small count: a = T − b = 9 − 6 = 3. A later report —
of another period, or of the same one touching that count — is protected all the same: the
values the earlier publications rule out are *excused* in its certificate, every other
question is asked as before, and the independent attacker (scipy MILP) holding everything
finds exactly what it found before the new report, nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pytest

from app.errors import DisclosureParameterError
from app.export.disclosure import (
    Certificate,
    Equation,
    Inequality,
    ProtectedCell,
    Publication,
    Status,
    Table,
    protect,
    verify_certificate,
)
from app.i18n import set_language
from tests.services.disclosure_oracle import attack

K = 5


def published(values: Mapping[str, int], hidden: Iterable[str],
              sums: Sequence[tuple[str, Sequence[str]]] = (),
              bounds: Sequence[tuple[Sequence[str], Sequence[str]]] = (), k: int = K
              ) -> Publication:
    """A publication built by hand: the cells in ``hidden`` were hidden, the others shown."""
    hidden = set(hidden)
    table = Table(dict(values), tuple(Equation(t, tuple(p)) for t, p in sums),
                  inequalities=tuple(Inequality(tuple(p), tuple(b)) for p, b in bounds))
    cells = {key: ProtectedCell(key, Status.HIDDEN, None, k) if key in hidden
             else ProtectedCell(key, Status.PUBLISHED, v, k) for key, v in values.items()}
    return Publication(table, cells, k)


# the centre: total 9 shown, its two parts (3 and 6) hidden: a could be 0..4 (b = 9 − a)
CENTRE = published({"T": 9, "a": 3, "b": 6}, {"a", "b"}, [("T", ["a", "b"])])
# a component: b = 6 shown beside its own hidden small count d (d + c = 11: d could be 0..4)
COMPONENT = published({"e": 17, "b": 6, "d": 4, "c": 7}, {"d", "c"},
                      [("e", ["b", "d", "c"])])
PRIOR = (CENTRE, COMPONENT)
PINNED = {("a", v) for v in (0, 1, 2, 4)}  # what the two together rule out: a = 3
# another period: nothing in common with the figures above
OTHER_PERIOD = Table({"z": 10, "x": 2, "y": 8}, (Equation("z", ("x", "y")),))
# the same period, touching a: g = a + f with f = 2 small; g shown would pin f (a is 3)
SAME_PERIOD = Table({"g": 5, "a": 3, "f": 2}, (Equation("g", ("a", "f")),))


def ruled_out(publications: Sequence[Publication]) -> set[tuple[object, int]]:
    found, _ = attack([list(publications)])
    return {(key, v) for _, key, v in found}


def test_each_register_alone_is_safe_and_together_they_pin_the_count() -> None:
    assert ruled_out([CENTRE]) == set()
    assert ruled_out([COMPONENT]) == set()
    assert ruled_out(PRIOR) == PINNED


@pytest.mark.parametrize("table", [OTHER_PERIOD, SAME_PERIOD], ids=["other", "same"])
def test_a_later_report_is_protected_and_narrows_nothing_more(table: Table) -> None:
    protected = protect(table, K, PRIOR)
    certificate = protected.certificate
    assert certificate is not None
    # excused: exactly what the earlier publications rule out between them
    assert {(q[0], v) for q, v in certificate.excused} == PINNED
    assert all(q == ("a", 3) for q, _ in certificate.excused)
    publication = Publication.of(table, protected)
    assert verify_certificate(publication, PRIOR, certificate) == []
    # the attacker holding everything finds what it found before, and every value 0..k−1 of
    # the new report's own small counts (x, f) stays possible
    assert ruled_out([*PRIOR, publication]) == PINNED


def test_the_same_period_hides_what_the_pinned_count_would_give_away() -> None:
    protected = protect(SAME_PERIOD, K, PRIOR)
    # a is 3 for the reader already, so g = 3 + f shown would pin f: g is hidden too
    assert set(protected.hidden()) == {"g", "a", "f"}


def test_a_report_of_another_period_hides_no_more_than_without_the_pin() -> None:
    alone = protect(OTHER_PERIOD, K, (CENTRE,))
    assert alone.certificate is not None and alone.certificate.excused == ()
    assert protect(OTHER_PERIOD, K, PRIOR).hidden() == alone.hidden() == ["x", "y"]


def test_a_larger_k_later_excuses_every_value_the_earlier_reports_rule_out() -> None:
    # a report of k = 7 that hides a again (a cell hidden once stays hidden) makes it small
    # up to 6 (k of a figure: the largest of the publications that hid it); 5 and 6 were
    # ruled out before as well
    table = Table({"z": 13, "x": 2, "y": 8, "a": 3}, (Equation("z", ("x", "y", "a")),))
    protected = protect(table, 7, PRIOR)
    assert protected.certificate is not None
    assert {(q[0], v) for q, v in protected.certificate.excused} == {
        ("a", v) for v in (0, 1, 2, 4, 5, 6)}
    publication = Publication.of(table, protected)
    assert verify_certificate(publication, PRIOR, protected.certificate) == []
    assert ruled_out([*PRIOR, publication]) == {("a", v) for v in (0, 1, 2, 4, 5, 6)}


def test_a_report_that_narrows_a_count_itself_is_still_refused() -> None:
    # shown before: u = 6; the new report says u ≤ b, so b ≥ 6 and a = 9 − b ≤ 3: a = 4,
    # possible before, is ruled out by this report whatever it hides (u and b are known
    # or hidden already)
    shown = published({"u": 6}, ())
    narrowing = Table({"u": 6, "b": 6}, inequalities=(Inequality(("u",), ("b",)),))
    set_language("en")
    with pytest.raises(DisclosureParameterError) as refused:
        protect(narrowing, K, (CENTRE, shown))
    assert "already narrow the hidden figure a down" in refused.value.message
    assert ruled_out([CENTRE, shown]) == set()  # before it, a could be 0..4 (last: Linux only)


def test_a_new_figure_that_only_the_new_report_pins_is_refused_not_excused() -> None:
    # b = 6 is known (the component showed it); the new report's b = a + n pins its own new
    # small count n to 3 through a: n is new here, so nothing excuses it
    pinning = Table({"b": 6, "a": 3, "n": 3}, (Equation("b", ("a", "n")),))
    with pytest.raises(DisclosureParameterError):
        protect(pinning, K, PRIOR)


def test_a_certificate_without_excused_values_is_stored_as_before() -> None:
    protected = protect(OTHER_PERIOD, K, (CENTRE,))
    assert protected.certificate is not None
    data = protected.certificate.to_json()
    assert "excused" not in data
    assert Certificate.from_json(data) == protected.certificate


def test_excused_values_survive_the_json_form() -> None:
    certificate = protect(SAME_PERIOD, K, PRIOR).certificate
    assert certificate is not None
    data = certificate.to_json()
    assert data["excused"] == [[["a", 3], v] for v in (0, 1, 2, 4)]
    assert Certificate.from_json(data) == certificate


def test_a_forged_excuse_for_a_figure_new_in_the_report_fails_the_check() -> None:
    protected = protect(SAME_PERIOD, K, PRIOR)
    certificate = protected.certificate
    assert certificate is not None
    publication = Publication.of(SAME_PERIOD, protected)
    # f is new in this report: no earlier report hid it, so nothing of it can be excused.
    # Every witness giving f the value 0 is dropped, and an excuse claims it instead.
    f = certificate.quantities.index(("f", 2))
    kept = tuple(a for a in certificate.assignments if a[f] != 0)
    assert len(kept) < len(certificate.assignments)
    forged = Certificate(certificate.quantities, kept,
                         (*certificate.excused, (("f", 2), 0)))
    set_language("en")
    problems = verify_certificate(publication, PRIOR, forged)
    assert ("The certificate says that the reports published before already rule out 0 for "
            "the hidden figure f, but they do not hide that figure.") in problems
    assert "No witness shows that the hidden figure f could be 0." in problems


def test_an_excuse_removed_where_it_was_needed_fails_the_check() -> None:
    protected = protect(OTHER_PERIOD, K, PRIOR)
    certificate = protected.certificate
    assert certificate is not None
    publication = Publication.of(OTHER_PERIOD, protected)
    without = Certificate(certificate.quantities, certificate.assignments,
                          certificate.excused[1:])  # a = 0 no longer excused
    set_language("en")
    assert verify_certificate(publication, PRIOR, without) == [
        "No witness shows that the hidden figure a could be 0."]
    # and checked against the centre's publication alone (the component's left out), the
    # excuse names a figure those reports hide, but the witnesses were made for a model
    # with b known: the check does not pass either
    assert verify_certificate(publication, (CENTRE,), certificate) != []
