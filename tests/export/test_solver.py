"""The HiGHS wrapper (app/export/solver.py): the library of the highsbox wheel, in process."""

from __future__ import annotations

from app.export.solver import LinearModel, library


def test_the_library_loads_in_process() -> None:
    assert library() is library()  # loaded once


def test_a_linear_program_is_solved_and_bounds_change_between_questions() -> None:
    # a + b = t, a + c = 5 (rows); minimise t
    rows = [(((0, 1.0), (1, 1.0), (2, -1.0)), 0.0, 0.0), (((0, 1.0), (3, 1.0)), 5.0, 5.0)]
    with LinearModel([0.0] * 4, [10.0] * 4, rows, cost=[0.0, 0.0, 1.0, 0.0]) as lp:
        assert lp.solve() == [0.0, 0.0, 0.0, 5.0]
        lp.set_bounds(0, 3.0, 3.0)
        assert lp.solve() == [3.0, 0.0, 3.0, 2.0]
        lp.set_bounds(3, 4.0, 10.0)  # a = 3 and a + c = 5 with c ≥ 4: no solution
        assert lp.solve() is None


def test_whole_numbers_where_the_relaxation_is_fractional() -> None:
    # 2x = 3 + 2y has the real solution x = 1.5 but none in whole numbers with y = 0
    rows = [(((0, 2.0), (1, -2.0)), 3.0, 3.0)]
    with LinearModel([0.0, 0.0], [5.0, 0.0], rows, cost=[1.0, 0.0]) as lp:
        assert lp.solve() == [1.5, 0.0]
        lp.set_integer(True)
        assert lp.solve() is None
        lp.set_integer(False)
        assert lp.solve() == [1.5, 0.0]


def test_models_follow_each_other_on_one_instance() -> None:
    for bound in (2.0, 7.0, 3.0):
        with LinearModel([0.0], [bound], [], cost=[-1.0]) as lp:
            assert lp.solve() == [bound]
