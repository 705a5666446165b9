from __future__ import annotations

import os
import random
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import AppError, DisclosureParameterError
from app.export.disclosure import (
    DEFAULT_K,
    HIDDEN_MARK,
    Certificate,
    Dimension,
    Equation,
    Inequality,
    ProtectedCell,
    ProtectedTable,
    Publication,
    Status,
    Table,
    cross,
    display,
    hierarchy,
    one_way,
    protect,
    rule_text,
    status_label,
    two_way,
    verify_certificate,
)
from app.i18n import set_language
from app.services.coordination.report_data import HOURS_NOTE
from tests.services.disclosure_oracle import attack
from tests.services.disclosure_tables import (
    COMPONENTS,
    QUARTERS,
    random_sequence,
    random_table,
)


def statuses(protected: ProtectedTable) -> dict[object, Status]:
    return {key: cell.status for key, cell in protected.cells.items()}


def assert_safe(table: Table, protected: ProtectedTable,
                prior: tuple[Publication, ...] = ()) -> None:
    """The certificate holds, and the independent attacker (every question by MILP, no
    hints) rules out no value 0..k−1 of any hidden small count."""
    publication = Publication.of(table, protected)
    assert protected.certificate is not None
    assert verify_certificate(publication, prior, protected.certificate) == []
    ruled_out, _ = attack([[*prior, publication]])
    assert ruled_out == []


# --- primary rule ------------------------------------------------------------------------


@given(value=st.integers(0, 200), k=st.integers(3, 12))
def test_counts_from_1_to_k_minus_1_are_primary_and_others_shown(value: int, k: int) -> None:
    cell = protect(Table({"stalking": value}), k)["stalking"]
    if 1 <= value < k:
        assert (cell.status, cell.value) == (Status.HIDDEN, None)
    else:
        assert (cell.status, cell.value) == (Status.PUBLISHED, value)


def test_zero_is_published_as_zero() -> None:
    table = one_way(Dimension.flat("Year", QUARTERS), {"Q1": 0, "Q2": 7, "Q3": 9, "Q4": 0})
    protected = protect(table)
    assert protected["Q1"].status is Status.PUBLISHED
    assert display(protected["Q1"], "nl") == "0"
    assert protected.hidden() == []


@pytest.mark.parametrize("k", [2, 1, 0, -5])
def test_k_below_3_is_refused(k: int) -> None:
    with pytest.raises(DisclosureParameterError) as caught:
        protect(Table({"a": 1}), k)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, AppError)
    assert "minstens 3" in caught.value.message  # Dutch, the default language


def test_k_is_configurable() -> None:
    table = Table({"a": 7, "b": 4})
    assert statuses(protect(table, 5)) == {"a": Status.PUBLISHED, "b": Status.HIDDEN}
    assert statuses(protect(table, 10)) == {"a": Status.HIDDEN, "b": Status.HIDDEN}
    assert statuses(protect(table, 3)) == {"a": Status.PUBLISHED, "b": Status.PUBLISHED}


# --- display, status, rule text, hours ---------------------------------------------------


def test_display_per_status() -> None:
    assert display(ProtectedCell("a", Status.PUBLISHED, 1234, 5), "nl") == "1.234"
    assert display(ProtectedCell("a", Status.PUBLISHED, 1234, 5), "en") == "1,234"
    # one mark for every hidden cell, whatever it hides
    assert display(ProtectedCell("a", Status.HIDDEN, None, 5), "nl") == HIDDEN_MARK == "×"
    assert display(ProtectedCell("a", Status.HIDDEN, None, 7), "en") == "×"


def test_status_values_are_stable_strings() -> None:
    assert [s.value for s in Status] == ["published", "hidden", "unprinted"]
    assert status_label(Status.HIDDEN, 5, None) in (
        "verborgen: 0 tot en met 4 of minstens 5", "hidden: 0 to 4 or at least 5")


def test_rule_text_states_the_parameters() -> None:
    set_language("en")
    assert "1 to 4" in rule_text() and "“×”" in rule_text() and "at least 5" in rule_text()
    assert "1 to 9" in rule_text(10) and "at least 10" in rule_text(10)
    with pytest.raises(DisclosureParameterError):
        rule_text(2)


def test_the_rule_says_hours_are_given_to_the_half_hour_as_the_hours_note_does() -> None:
    """Issue 23 item 6: page 1, the last page and the hours table's note agree."""
    set_language("en")
    assert "Hours are given to the half hour." in rule_text()
    assert "whole hours" not in rule_text()
    assert HOURS_NOTE.startswith("Hours are given to the half hour")
    set_language("nl")
    try:
        assert "Uren zijn afgerond op het halve uur." in rule_text()
        assert "hele uren" not in rule_text()
    finally:
        set_language("en")


# --- builders ----------------------------------------------------------------------------


def test_two_way_adds_both_margins_and_grand_total() -> None:
    table = two_way(
        ["CZSK", "CLAS"],
        ["Q1", "Q2"],
        {("CZSK", "Q1"): 3, ("CZSK", "Q2"): 4, ("CLAS", "Q1"): 10},
        total_row="Defensie",
        total_col="Jaar",
    )
    assert table.values[("CZSK", "Jaar")] == 7
    assert table.values[("Defensie", "Q1")] == 13
    assert table.values[("Defensie", "Jaar")] == 17
    assert table.values[("CLAS", "Q2")] == 0
    assert Equation(("Defensie", "Q1"), (("CZSK", "Q1"), ("CLAS", "Q1"))) in table.equations
    assert len(table.equations) == 3 + 3  # one per column of rows, one per row of columns


def test_hierarchy_has_group_totals_and_overall_total() -> None:
    table = hierarchy({"Ongewenst": ["intimidatie", "agressie"], "Overig": ["werk"]},
                      {"intimidatie": 2, "agressie": 6, "werk": 1})
    assert table.values == {"intimidatie": 2, "agressie": 6, "Ongewenst": 8, "werk": 1,
                            "Overig": 1, "Total": 9}
    assert Equation("Total", ("Ongewenst", "Overig")) in table.equations


def test_grouped_rows_crossed_with_quarters() -> None:
    rows = Dimension.grouped("Total", {"g": ["a", "b"]})
    table = cross(rows, Dimension.flat("Year", QUARTERS), {("a", "Q1"): 2, ("b", "Q4"): 5})
    assert table.values[("g", "Year")] == 7 and table.values[("Total", "Q1")] == 2
    assert Equation(("g", "Q1"), (("a", "Q1"), ("b", "Q1"))) in table.equations
    assert Equation(("g", "Year"), tuple(("g", q) for q in QUARTERS)) in table.equations


def test_inconsistent_or_negative_tables_are_refused() -> None:
    with pytest.raises(DisclosureParameterError):
        Table({"a": 1, "b": 2, "t": 4}, (Equation("t", ("a", "b")),))
    with pytest.raises(DisclosureParameterError):
        Table({"a": -1})
    with pytest.raises(DisclosureParameterError):
        Table({"a": 1}, (Equation("t", ("a",)),))
    with pytest.raises(DisclosureParameterError):
        two_way(["x", "Total"], ["c"], {})


def test_rule_text_is_translated_with_its_parameters() -> None:
    set_language("nl")
    dutch = rule_text(5)
    set_language("en")
    english = rule_text(5)
    assert dutch != english
    for text in (dutch, english):
        assert "×" in text and "4" in text and "5" in text
    set_language("nl")


# --- hiding, witnesses, certificates ------------------------------------------------------


def test_nothing_is_hidden_when_all_counts_are_at_least_k() -> None:
    values = {
        (c, q): 5 + i for i, (c, q) in enumerate((c, q) for c in COMPONENTS for q in QUARTERS)
    }
    protected = protect(two_way(COMPONENTS, QUARTERS, values))
    assert protected.hidden() == []
    assert protected.certificate == Certificate((), ())


def test_one_small_cell_hides_only_a_handful() -> None:
    values = {
        (c, q): 20 + i for i, (c, q) in enumerate((c, q) for c in COMPONENTS for q in QUARTERS)
    }
    values[("KMar", "Q3")] = 2
    table = two_way(COMPONENTS, QUARTERS, values, total_row="Defensie", total_col="Jaar")
    protected = protect(table)
    assert protected[("KMar", "Q3")].status is Status.HIDDEN
    assert len(protected.hidden()) == 4  # a rectangle of inner cells; totals stay visible
    assert all(protected[(r, "Jaar")].status is Status.PUBLISHED for r in COMPONENTS)
    assert_safe(table, protected)


def test_a_quarter_hidden_against_the_year_needs_a_partner_that_lets_it_reach_0_to_4() -> None:
    # Q4 = 0 would be the cheapest partner, but Q1 + Q4 = 2 lets Q1 reach 0..2 only
    table = one_way(Dimension.flat("Year", QUARTERS), {"Q1": 2, "Q2": 9, "Q3": 6, "Q4": 0})
    protected = protect(table)
    assert statuses(protected) == {
        "Q1": Status.HIDDEN, "Q2": Status.PUBLISHED, "Q3": Status.HIDDEN,
        "Q4": Status.PUBLISHED, "Year": Status.PUBLISHED,
    }
    assert_safe(table, protected)


def test_a_zero_is_hidden_where_it_protects_and_is_then_a_small_count_itself() -> None:
    # 1 + 0 + 0 + 0 = 1: nothing but the year can move Q1, and the year is small too; hidden
    # zeros make "hidden" no proof of "at least 1"
    table = one_way(Dimension.flat("Year", QUARTERS), {"Q1": 1, "Q2": 0, "Q3": 0, "Q4": 0})
    protected = protect(table)
    assert protected["Year"].status is Status.HIDDEN
    assert_safe(table, protected)


def test_protect_is_deterministic() -> None:
    rng = random.Random(7)
    for _ in range(50):
        table = random_table(rng)
        first, second = protect(table), protect(table)
        assert statuses(first) == statuses(second)
        assert first.certificate == second.certificate


def _parity_table() -> Table:
    """x = y + z, and y = z because y + w and z + w are both shown as 6; x + u = 4 is shown:
    for a reader x is even, so only 0, 2 or 4 — although its least (0) and greatest (4)
    values span the whole range 0..4."""
    values = {"x": 2, "y": 1, "z": 1, "w": 5, "u": 2, "T1": 6, "T2": 6, "S": 4}
    return Table(values, (Equation("x", ("y", "z")), Equation("T1", ("y", "w")),
                          Equation("T2", ("z", "w")), Equation("S", ("x", "u"))))


def test_a_count_that_can_only_be_0_2_or_4_is_caught() -> None:
    table = _parity_table()
    hide = {"x", "y", "z", "w", "u"}
    cells = {key: ProtectedCell(key, Status.HIDDEN, None, 5) if key in hide
             else ProtectedCell(key, Status.PUBLISHED, value, 5)
             for key, value in table.values.items()}
    ruled_out, _ = attack([[Publication(table, cells, 5)]])
    assert ("x", 1) in {(key, v) for _, key, v in ruled_out}
    assert ("x", 3) in {(key, v) for _, key, v in ruled_out}
    # the ends alone pass: x reaches 0 and 4
    assert ("x", 0) not in {(key, v) for _, key, v in ruled_out}
    assert ("x", 4) not in {(key, v) for _, key, v in ruled_out}
    protected = protect(table)  # hides more, until x reaches 1 and 3 too
    assert set(protected.hidden()) > hide
    assert_safe(table, protected)


def test_the_attacker_catches_primary_suppression_alone() -> None:
    table = one_way(Dimension.flat("Year", QUARTERS), {"Q1": 2, "Q2": 9, "Q3": 6, "Q4": 0})
    cells = {key: ProtectedCell(key, Status.HIDDEN if key == "Q1" else Status.PUBLISHED,
                                None if key == "Q1" else value, 5)
             for key, value in table.values.items()}
    ruled_out, _ = attack([[Publication(table, cells, 5)]])
    assert ruled_out == [(0, "Q1", 0), (0, "Q1", 1), (0, "Q1", 3), (0, "Q1", 4)]


def test_a_tampered_witness_is_rejected() -> None:
    table = two_way(["A", "B", "C"], ["Q1", "Q2"], {("A", "Q1"): 2, ("A", "Q2"): 9,
                                                   ("B", "Q1"): 7, ("B", "Q2"): 3,
                                                   ("C", "Q1"): 11, ("C", "Q2"): 8})
    protected = protect(table)
    publication = Publication.of(table, protected)
    certificate = protected.certificate
    assert certificate is not None and certificate.assignments
    assert verify_certificate(publication, (), certificate) == []
    first = list(certificate.assignments[0])
    first[0] += 1  # one hidden figure one higher: a sum no longer adds up
    tampered = Certificate(certificate.quantities, (tuple(first), *certificate.assignments[1:]))
    set_language("en")
    problems = verify_certificate(publication, (), tampered)
    assert problems and "Witness 1 does not agree" in problems[0]
    fewer = Certificate(certificate.quantities, certificate.assignments[1:])
    assert any("No witness shows" in p for p in verify_certificate(publication, (), fewer))
    wrong = Certificate(certificate.quantities[1:], certificate.assignments)
    assert "does not name exactly" in verify_certificate(publication, (), wrong)[0]
    set_language("nl")


def test_publication_and_certificate_survive_json() -> None:
    import json

    table = cross(Dimension.grouped("Total", {"g": ["a", "b"]}), Dimension.flat("Year", QUARTERS),
                  {("a", "Q1"): 2, ("b", "Q4"): 5, ("a", "Q3"): 8, ("b", "Q2"): 1})
    protected = protect(table)
    publication = Publication.of(table, protected)
    assert protected.certificate is not None
    text = json.dumps(publication.to_json(), sort_keys=True)
    again = Publication.from_json(json.loads(text))
    assert again.to_json() == publication.to_json()
    assert dict(again.cells) == dict(publication.cells)
    certificate = Certificate.from_json(json.loads(json.dumps(protected.certificate.to_json())))
    assert certificate == protected.certificate
    assert verify_certificate(again, (), certificate) == []


def test_a_later_report_cannot_undo_what_an_earlier_one_hid() -> None:
    # The first report hides Q1 = 2 with Q3 = 6; the second shows Q3 beside the same year.
    year = one_way(Dimension.flat("Year", QUARTERS), {"Q1": 2, "Q2": 9, "Q3": 6, "Q4": 0})
    first = protect(year)
    earlier = Publication.of(year, first)
    later_table = Table({"Q3": 6, "Q3a": 4, "Q3b": 2},
                        (Equation("Q3", ("Q3a", "Q3b")),))
    alone = protect(later_table)
    assert alone["Q3"].status is Status.PUBLISHED  # on its own it would print Q3
    later = protect(later_table, prior=(earlier,))
    assert later["Q3"].status is Status.HIDDEN  # hidden once, hidden again
    assert_safe(later_table, later, (earlier,))


def test_an_unprinted_cell_is_unknown_but_no_small_count_of_its_own() -> None:
    # An earlier year's quarters beside its year column (issue 19): in the model, printed
    # nowhere. Alone, its small values and zeros need no witness (the year column prints 7
    # and the quarters 0, 0, 2, 5 stay unprinted, nothing else hidden); once a report hid
    # Q3 = 2, the year report must keep it 0..4 for a reader holding both.
    year = one_way(Dimension.flat("Year", QUARTERS), {"Q1": 0, "Q2": 0, "Q3": 2, "Q4": 5})
    unprinted = Table(year.values, year.equations, unprinted=frozenset(QUARTERS))
    alone = protect(unprinted)
    assert statuses(alone) == {**dict.fromkeys(QUARTERS, Status.UNPRINTED),
                               "Year": Status.PUBLISHED}
    publication = Publication.of(unprinted, alone)
    assert publication.hidden() == []
    assert alone.certificate is not None
    assert verify_certificate(publication, (), alone.certificate) == []
    quarters = protect(year)
    assert quarters["Q3"].status is Status.HIDDEN
    earlier = Publication.of(year, quarters)
    # the quarters' own report showed Q4 (5) and hid Q3 with a partner: the year report
    # adds nothing to what it printed (its year = the sum of what the reader holds)
    later = protect(unprinted, prior=(earlier,))
    assert later["Q3"].status is Status.UNPRINTED
    assert_safe(unprinted, later, (earlier,))
    # and a year report whose year column would pin Q3 (the other quarters shown before,
    # the year 2 here) hides its year figure, a small count itself
    small = one_way(Dimension.flat("Year", QUARTERS), {"Q1": 0, "Q2": 0, "Q3": 2, "Q4": 0})
    first = protect(Table(small.values, small.equations, unprinted=frozenset({"Year"})))
    before = Publication.of(small, first)
    assert first["Q3"].status is Status.HIDDEN
    year_only = Table(small.values, small.equations, unprinted=frozenset(QUARTERS))
    again = protect(year_only, prior=(before,))
    assert again["Year"].status is Status.HIDDEN
    assert_safe(year_only, again, (before,))


def test_a_revised_figure_is_a_new_quantity_beside_the_old() -> None:
    before = one_way(Dimension.flat("Year", QUARTERS), {"Q1": 2, "Q2": 9, "Q3": 6, "Q4": 7})
    earlier = Publication.of(before, protect(before))
    after = one_way(Dimension.flat("Year", QUARTERS), {"Q1": 3, "Q2": 9, "Q3": 6, "Q4": 7})
    protected = protect(after, prior=(earlier,))
    assert protected.certificate is not None
    quantities = set(protected.certificate.quantities)
    assert ("Q1", 2) in quantities and ("Q1", 3) in quantities
    assert_safe(after, protected, (earlier,))


def _new_cases_and_a_topic() -> Table:
    """New cases per quarter and one topic per quarter, with what holds by definition: a
    topic counts at most the new cases of its quarter (and of the year)."""
    new = one_way(Dimension.flat("Year", QUARTERS), {"Q1": 2, "Q2": 9, "Q3": 6, "Q4": 0})
    topic = one_way(Dimension.flat("Year", QUARTERS), {"Q1": 0, "Q2": 5, "Q3": 6, "Q4": 0})
    values = {**{("new", key): v for key, v in new.values.items()},
              **{("topic", key): v for key, v in topic.values.items()}}
    equations = tuple(Equation((measure, eq.total), tuple((measure, p) for p in eq.parts))
                      for measure, part in (("new", new), ("topic", topic))
                      for eq in part.equations)
    inequalities = tuple(Inequality((("topic", q),), (("new", q),)) for q in [*QUARTERS, "Year"])
    return Table(values, equations, inequalities=inequalities)


def test_the_reader_knows_the_inequalities_and_so_does_the_engine() -> None:
    """Protected as if the reader knew the sums only, new cases Q1 = 2 is hidden with Q3 = 6;
    but the topic shown for Q3 (6) is at most the new cases of Q3, so Q3 ≥ 6 and Q1 ≤ 2: the
    attacker, who knows the inequalities, rules out 3 and 4. The engine that knows them too
    hides another partner, and the attacker rules out nothing."""
    table = _new_cases_and_a_topic()
    sums_only = protect(Table(table.values, table.equations))
    assert set(sums_only.hidden()) == {("new", "Q1"), ("new", "Q3")}
    ruled_out, _ = attack([[Publication(table, dict(sums_only.cells), 5)]])
    assert ruled_out == [(0, ("new", "Q1"), 3), (0, ("new", "Q1"), 4)]
    protected = protect(table)
    assert protected[("new", "Q3")].status is Status.PUBLISHED
    assert_safe(table, protected)
    # a certificate of the sums-only protection fails the check with the inequalities
    assert sums_only.certificate is not None
    set_language("en")
    problems = verify_certificate(Publication(table, dict(sums_only.cells), 5), (),
                                  sums_only.certificate)
    set_language("nl")
    assert any("could be" in p and "3, 4" in p for p in problems)


def test_an_inequality_the_figures_break_is_refused_and_inequalities_survive_json() -> None:
    import json

    with pytest.raises(DisclosureParameterError):
        Table({"topic": 3, "new": 2}, inequalities=(Inequality(("topic",), ("new",)),))
    with pytest.raises(DisclosureParameterError):
        Table({"topic": 3}, inequalities=(Inequality(("topic",), ("new",)),))
    table = _new_cases_and_a_topic()
    publication = Publication.of(table, protect(table))
    again = Publication.from_json(json.loads(json.dumps(publication.to_json())))
    assert again.table.inequalities == table.inequalities
    assert again.to_json() == publication.to_json()
    without = Publication.of(Table(table.values, table.equations),
                             protect(Table(table.values, table.equations)))
    assert "inequalities" not in without.to_json()  # earlier ledger entries read the same


def _solves(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the solver calls from here on (the real solver runs)."""
    from app.export import solver

    calls = {"solves": 0}
    solve = solver.LinearModel.solve

    def counted(self: solver.LinearModel) -> list[float] | None:
        calls["solves"] += 1
        return solve(self)

    monkeypatch.setattr(solver.LinearModel, "solve", counted)
    return calls


def test_witnesses_of_the_earlier_publication_are_carried_over_where_they_hold(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same table published again: every witness of the first certificate still holds,
    so the second needs no solver at all; without them it solves again. A carried witness
    that does not hold (tampered) is left out, and the certificate is sound all the same."""
    values = {(c, q): 20 + i for i, (c, q) in enumerate((c, q) for c in COMPONENTS[:4]
                                                          for q in QUARTERS)}
    values.update({("BS", "Q1"): 2, ("CLAS", "Q3"): 1, ("CZSK", "Q2"): 0})
    table = two_way(COMPONENTS[:4], QUARTERS, values, total_row="Defensie", total_col="Jaar")
    first = protect(table)
    assert first.certificate is not None and first.certificate.assignments
    earlier = (Publication.of(table, first),)
    calls = _solves(monkeypatch)
    again = protect(table, prior=earlier, carried=(first.certificate,))
    assert calls["solves"] == 0
    assert again.hidden() == first.hidden()
    assert_safe(table, again, earlier)
    fresh = protect(table, prior=earlier)
    assert calls["solves"] > 0 and fresh.hidden() == first.hidden()
    calls["solves"] = 0
    broken = Certificate(first.certificate.quantities, tuple(
        tuple(v + 1 for v in a) for a in first.certificate.assignments))
    tampered = protect(table, prior=earlier, carried=(broken,))
    assert calls["solves"] > 0  # nothing of it was used
    assert_safe(table, tampered, earlier)


def _publish_sequences(rng: random.Random, count: int, small: bool = False
                       ) -> tuple[list[list[Publication]], list[list[Certificate | None]], int]:
    sequences, hints, refused = [], [], 0
    for _ in range(count):
        k = rng.choice([DEFAULT_K, DEFAULT_K, 3, 4, 7])
        published: list[Publication] = []
        last: Certificate | None = None
        for table in random_sequence(rng, small):
            try:
                protected = protect(table, k, prior=tuple(published))
            except DisclosureParameterError:
                refused += 1  # the earlier reports pin a figure: this one is not published
                continue
            publication = Publication.of(table, protected)
            assert protected.certificate is not None
            assert verify_certificate(publication, published, protected.certificate) == []
            published.append(publication)
            last = protected.certificate
        sequences.append(published)
        hints.append([last])
    return sequences, hints, refused


def test_no_value_of_a_hidden_count_is_ruled_out_in_random_report_sequences() -> None:
    sequences, _, _ = _publish_sequences(random.Random(11), 150)
    ruled_out, questions = attack(sequences)  # every question by MILP, no hints
    assert questions > 500
    assert ruled_out == []


AUDIT_SEQUENCES = 10_000
AUDIT_CHUNK = 250  # sequences per job: a job publishes them and attacks what was published
AUDIT_EVERY_QUESTION = 10  # of each job, every 10th sequence has every question solved by MILP


def audit_job(first: int, count: int = AUDIT_CHUNK) -> dict[str, object]:
    """Publish sequences first..first+count−1 (each from its own seed, so any job anywhere
    gives the same figures; one in four of report size, the others small tables of the same
    shapes) and attack them: every question the certificate's witnesses do not answer (each
    witness checked with the attacker's own reading) by MILP, and of every tenth sequence
    every question by MILP. CPU seconds are measured apart for publishing and attacking."""
    started = time.process_time()
    sequences: list[list[Publication]] = []
    hints: list[list[Certificate | None]] = []
    refused = 0
    for n in range(first, first + count):
        published, hint, no = _publish_sequences(random.Random(f"disclosure-audit-{n}"), 1,
                                                 small=n % 4 != 0)
        sequences += published
        hints += hint
        refused += no
    published_in = time.process_time() - started
    ruled_out, questions = attack(sequences, hints)
    everything, every_question = attack(sequences[::AUDIT_EVERY_QUESTION])
    return {"sequences": len(sequences), "reports": sum(len(s) for s in sequences),
            "refused": refused, "ruled_out": ruled_out + everything,
            "questions": questions, "every_question": every_question,
            "protect_cpu": published_in,
            "attack_cpu": time.process_time() - started - published_in}


@pytest.mark.slow
def test_no_value_of_a_hidden_count_is_ruled_out_in_10000_report_sequences(
    capsys: pytest.CaptureFixture[str], record_property: object
) -> None:
    """Issue 19: 10,000 random report sequences (inequalities among them: cases, topics and
    outcomes made case by case), published against each other and attacked with the MILP
    oracle, on both cores (jobs of 250 sequences in two processes; the seeds fix every
    figure, so the result is the same whatever runs where)."""
    import concurrent.futures
    import multiprocessing

    from tests.services.disclosure_oracle import np

    if np is None:
        pytest.skip("the MILP oracle needs scipy, which Wine cannot run")
    started = time.perf_counter()
    jobs = range(0, AUDIT_SEQUENCES, AUDIT_CHUNK)
    with concurrent.futures.ProcessPoolExecutor(
            2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(audit_job, jobs))
    wall = time.perf_counter() - started
    total = {key: sum(r[key] for r in results)  # type: ignore[misc]
             for key in ("sequences", "reports", "refused", "questions", "every_question",
                         "protect_cpu", "attack_cpu")}
    ruled_out = [found for r in results for found in r["ruled_out"]]  # type: ignore[attr-defined]
    summary = (f"disclosure sequences: {total['sequences']} sequences, {total['reports']} "
               f"reports, {total['refused']} refused; {total['questions']} questions left to "
               f"the MILP after the witnesses, {total['every_question']} more solved by MILP "
               f"in every tenth sequence; CPU protect {total['protect_cpu']:.0f} s "
               f"({1000 * total['protect_cpu'] / total['sequences']:.1f} ms a sequence), "
               f"attack {total['attack_cpu']:.0f} s; wall {wall:.0f} s on 2 processes, "
               f"load {os.getloadavg()[0]:.1f}")
    record_property("disclosure_sequences", summary)  # type: ignore[operator]
    with capsys.disabled():
        print("\n" + summary)
    assert total["sequences"] == AUDIT_SEQUENCES and total["reports"] > 2 * AUDIT_SEQUENCES
    assert total["refused"] < total["reports"] // 10
    assert total["every_question"] > 10 * AUDIT_SEQUENCES // AUDIT_EVERY_QUESTION
    assert ruled_out == []


def test_docs_example_is_what_protect_shows_and_its_witnesses() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "disclosure.md").read_text("utf-8")
    example = text.split("<!-- example: k=5 -->")[1]
    lines = [line for line in example.splitlines() if line.startswith("| Stalking")]
    figures = [int(v) for v in lines[0].split("|")[2:7]]
    shown = [v.strip() for v in lines[1].split("|")[2:7]]
    keys = ["Q1", "Q2", "Q3", "Q4", "Year"]
    table = one_way(Dimension.flat("Year", QUARTERS), dict(zip(QUARTERS, figures[:4],
                                                               strict=True)))
    assert [table.values[key] for key in keys] == figures
    protected = protect(table, 5)
    assert [display(protected[key], "en") for key in keys] == shown
    witnesses = example.split("\n| Q2 | Q3 |\n")[1].split("\n\n")[0]
    rows = {tuple(int(v) for v in line.split("|")[1:3])
            for line in witnesses.splitlines() if line.startswith("| ") and "-" not in line}
    certificate = protected.certificate
    assert certificate is not None
    where = {key: n for n, (key, _) in enumerate(certificate.quantities)}
    found = {(a[where["Q2"]], a[where["Q3"]]) for a in certificate.assignments}
    found.add((1, 5))  # the true figures, a witness in every certificate
    assert rows == found == {(v, 6 - v) for v in range(5)}
    assert_safe(table, protected)
