"""No test asserts on a measured duration. Timings flake under load and under Wine, where the
Windows suite runs too; they belong in `make bench` (benchmarks/run.py, which reports each one
against its target in benchmarks/RESULTS.md). A test asserts what the code does, not how fast.

The check is an AST scan of every tests/**/*.py, one top-level function or class at a time:

1. A *clock reading* is a call of perf_counter, monotonic, process_time, thread_time (and their
   _ns forms), time_ns, default_timer, now or utcnow, or of time() itself (`time.time()`,
   `from time import time`).
2. A *clock name* is a variable, item or attribute bound to an expression holding a clock
   reading or another clock name (`start = time.perf_counter()`, `deadline = start + 10`).
3. A *duration* is a subtraction with a clock reading or clock name on BOTH sides
   (`time.perf_counter() - start`; `now() - timedelta(days=1)` is a date, not a duration), a
   QElapsedTimer's elapsed() / nsecsElapsed(), or timeit.timeit() / timeit.repeat().
   A *duration name* is bound to an expression holding a duration or a duration name
   (`elapsed = ...`, `ms = min(timings)`, `worst = max(worst, ms)`, loop variables over them),
   or is a container fed one (`timings.append(d)`, `timings[label] = d`; `stats["max"] = d`
   marks that item only, so `stats["n"]` stays clean). Text made with an f-string is not.
4. It fails on an `assert` (or a unittest-style `self.assert...(...)` call) whose expression
   holds a duration or a duration name, and on a Hypothesis `settings(deadline=...)` or
   profile with any deadline but None: a per-example time limit is a timing assertion too
   (tests/conftest.py loads a profile with ``deadline=None``).

Allowed: printing or logging a duration; a wait loop's hang guard such as
`assert time.monotonic() < deadline, "never happened"` (it compares a clock reading to a
deadline, it measures nothing, and only fails if something never happens); timeouts given to
pytest-qt, subprocess or queues. `test_the_check_finds_planted_timing_asserts` proves the scan
can fail, on examples of each kind planted below.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from hypothesis import settings

TESTS = Path(__file__).resolve().parent

CLOCK_CALLS = frozenset({
    "perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "process_time",
    "process_time_ns", "thread_time", "thread_time_ns", "time_ns", "default_timer", "now",
    "utcnow",
})
DURATION_METHODS = frozenset({"elapsed", "nsecsElapsed"})  # QElapsedTimer
TIMEIT_CALLS = frozenset({"timeit", "repeat"})
FEEDING_METHODS = frozenset({"append", "appendleft", "extend", "insert", "add", "update",
                             "setdefault"})


def _key(node: ast.AST) -> str | None:
    """`x`, `x.attr`, `x["item"]` as text; None for anything else (calls, x[i], ...)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _key(node.value)
        return None if base is None else f"{base}.{node.attr}"
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        base = _key(node.value)
        return None if base is None else f"{base}[{node.slice.value!r}]"
    return None


def _container(node: ast.AST) -> str | None:
    """What a binding to `node` marks: `x[i]` (i not a constant) marks all of x."""
    if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Constant):
        return _container(node.value)
    return _key(node)


def _nodes(node: ast.AST) -> Iterator[ast.AST]:
    """ast.walk, without entering f-strings (formatting a duration compares nothing)."""
    todo = [node]
    while todo:
        current = todo.pop()
        yield current
        if not isinstance(current, ast.JoinedStr):
            todo.extend(ast.iter_child_nodes(current))


def _call_name(call: ast.Call) -> tuple[str | None, str | None]:
    """(function name, name of the object it is called on)."""
    if isinstance(call.func, ast.Name):
        return call.func.id, None
    if isinstance(call.func, ast.Attribute):
        receiver = call.func.value
        return call.func.attr, receiver.id if isinstance(receiver, ast.Name) else None
    return None, None


def _is_clock_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name, receiver = _call_name(node)
    return name in CLOCK_CALLS or (name == "time" and receiver in (None, "time"))


def _is_duration_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name, receiver = _call_name(node)
    return (name in DURATION_METHODS and receiver is not None) or (
        name in TIMEIT_CALLS and receiver == "timeit")


class _Scope:
    """The clock and duration names of one top-level function or class."""

    def __init__(self, tree: ast.AST) -> None:
        self.tree = tree
        self.clocks: set[str] = set()
        self.durations: set[str] = set()
        while self._pass():  # until nothing new is marked (a loop may use a name before)
            pass

    def _refs(self, expr: ast.AST) -> set[str]:
        return {k for n in _nodes(expr) if (k := _key(n)) is not None}

    def holds_clock(self, expr: ast.AST) -> bool:
        return any(_is_clock_call(n) for n in _nodes(expr)) or bool(self._refs(expr) & self.clocks)

    def holds_duration(self, expr: ast.AST) -> bool:
        for n in _nodes(expr):
            if _is_duration_call(n):
                return True
            if (isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub)
                    and self.holds_clock(n.left) and self.holds_clock(n.right)):
                return True
        return bool(self._refs(expr) & self.durations)

    def _bindings(self) -> Iterator[tuple[ast.AST, ast.AST]]:
        """(target, value) for every binding in the scope."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    yield from self._pairs(target, node.value)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) \
                    and node.value is not None:
                yield node.target, node.value
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                yield from self._pairs(node.target, node.iter)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in FEEDING_METHODS:
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    yield node.func.value, arg

    def _pairs(self, target: ast.AST, value: ast.AST) -> Iterator[tuple[ast.AST, ast.AST]]:
        if isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
                for t, v in zip(target.elts, value.elts, strict=True):
                    yield from self._pairs(t, v)
            else:
                for t in target.elts:
                    yield from self._pairs(t, value)
        elif isinstance(target, ast.Starred):
            yield from self._pairs(target.value, value)
        else:
            yield target, value

    def _pass(self) -> bool:
        changed = False
        for target, value in self._bindings():
            key = _container(target)
            if key is None or key in self.durations:
                continue
            if self.holds_duration(value):
                self.durations.add(key)
                changed = True
            elif key not in self.clocks and self.holds_clock(value):
                self.clocks.add(key)
                changed = True
        return changed


def _hypothesis_deadline(node: ast.AST) -> bool:
    """settings(deadline=200) or register_profile(..., deadline=...) with anything but None."""
    if not isinstance(node, ast.Call) or _call_name(node)[0] not in ("settings",
                                                                    "register_profile"):
        return False
    return any(k.arg == "deadline" and not (isinstance(k.value, ast.Constant)
                                            and k.value.value is None) for k in node.keywords)


def _asserts_timing(node: ast.AST, scope: _Scope) -> bool:
    if isinstance(node, ast.Assert):
        return scope.holds_duration(node.test)
    if not isinstance(node, ast.Call):
        return False
    if (_call_name(node)[0] or "").startswith("assert"):  # self.assertLess(elapsed, 1.0)
        return any(scope.holds_duration(a) for a in node.args)
    return _hypothesis_deadline(node)


def timing_asserts(source: str) -> list[int]:
    """Line numbers of the timing assertions in a module's source (see the module docstring)."""
    found = []
    for top in ast.parse(source).body:
        scope = _Scope(top)
        found += [node.lineno for node in ast.walk(top) if _asserts_timing(node, scope)]
    return sorted(found)


PLANTED = '''
import time
import timeit
from time import perf_counter

def test_elapsed_name():
    start = time.perf_counter()
    work()
    elapsed = time.perf_counter() - start
    assert elapsed <= 1.0  # flagged

def test_inline_difference():
    t0 = perf_counter()
    assert perf_counter() - t0 < 0.1, "too slow"  # flagged

def test_dict_of_timings():
    timings = {}
    for label in "ab":
        t = time.monotonic()
        work()
        timings[label] = (time.monotonic() - t) * 1000
    assert all(ms <= 100 for ms in timings.values()), timings  # flagged

def test_best_of_three_then_worst():
    best, worst = [], 0.0
    for _ in range(3):
        s = time.time()
        work()
        best.append(time.time() - s)
        ms = min(best) * 1000
        worst = max(worst, ms)
    assert worst <= 100  # flagged

def test_item_of_a_stats_dict():
    stats = {"n": 0, "max": 0.0}
    started = time.perf_counter()
    stats["n"] += 1
    stats["max"], stats["kind"] = time.perf_counter() - started, "own"
    assert stats["n"] == 1 and stats["kind"] == "own"
    assert stats["max"] < 1.0  # flagged

class TestTimer(unittest.TestCase):
    def test_qt_timer_and_timeit(self):
        timer = QElapsedTimer()
        timer.start()
        self.assertLess(timer.elapsed(), 100)  # flagged
        assert timeit.timeit(work, number=10) < 1  # flagged

@settings(max_examples=50, deadline=200)  # flagged
@given(st.integers())
def test_hypothesis_deadline(n):
    assert n == n

def test_what_is_allowed():
    started = time.perf_counter()
    n = work()
    took = time.perf_counter() - started
    print(f"{n} rows in {took * 1000:.0f} ms")
    summary = f"done in {took:.1f} s"
    deadline = time.monotonic() + 10
    while not done():
        assert time.monotonic() < deadline, "never finished"
    cutoff = dt.datetime.now() - dt.timedelta(days=1)
    assert n == 3 and cutoff < dt.datetime.now() and summary

@settings(max_examples=50, deadline=None)
@given(st.integers())
def test_hypothesis_without_deadline(n):
    assert n == n
'''


def test_the_check_finds_planted_timing_asserts() -> None:
    flagged = [i for i, line in enumerate(PLANTED.splitlines(), 1)
               if line.endswith("# flagged")]
    assert len(flagged) == 8
    assert timing_asserts(PLANTED) == flagged


def test_no_test_asserts_a_timing() -> None:
    found = [f"{path.relative_to(TESTS.parent)}:{line}"
             for path in sorted(TESTS.rglob("*.py"))
             for line in timing_asserts(path.read_text(encoding="utf-8"))]
    assert found == [], (
        "a test asserts on a measured duration (see tests/test_no_timing_asserts.py); keep the "
        f"functional assertions and time the scenario in benchmarks/run.py instead: {found}")


def test_hypothesis_runs_without_a_deadline() -> None:
    # Hypothesis' default fails an example slower than 200 ms: a timing assertion in every
    # @given test that does not set its own. tests/conftest.py turns it off for the suite.
    assert settings.default.deadline is None
