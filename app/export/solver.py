"""A thin typed wrapper around the HiGHS C API (the shared library of the ``highsbox`` wheel),
loaded in process with ctypes: no numpy, no solver program per question.

One `LinearModel` is passed to HiGHS once; later questions change bounds, costs and
integrality and run again (HiGHS starts from the last basis). HiGHS runs single-threaded
with its output off, so results do not depend on timing. Each thread keeps one HiGHS instance
and one model at a time in it (a `LinearModel` is used and closed before the next), and a
second one for a model open beside it (``beside=True``).
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from app.export.progress import checkpoint

_OPTIMAL: Final = 7
_INFEASIBLE: Final = 8
_UNBOUNDED_OR_INFEASIBLE: Final = 9
_ROWWISE: Final = 2
_MINIMIZE: Final = 1
INFINITY: Final = float("inf")

_library: ctypes.CDLL | None = None


class SolverUnavailable(RuntimeError):
    """The HiGHS library could not be loaded or gave up (a fault of the installation)."""


def _candidates() -> list[Path]:
    roots: list[Path] = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        roots.append(Path(frozen) / "highsbox" / "highs_dist")
    try:
        import highsbox

        roots.append(Path(highsbox.highs_dist_dir()))
    except ImportError:  # pragma: no cover - a bundle carries the library itself
        pass
    names = ("highs.dll", "libhighs.dll") if os.name == "nt" else ("libhighs.so",
                                                                    "libhighs.dylib")
    return [root / sub / name for root in roots for sub in ("bin", "lib") for name in names]


def library() -> ctypes.CDLL:
    """The HiGHS library, loaded once per process."""
    global _library
    if _library is None:
        for path in _candidates():
            if path.is_file():
                if sys.platform == "win32":  # its companions (OpenBLAS) lie beside it
                    os.add_dll_directory(str(path.parent))
                lib = ctypes.CDLL(str(path))
                _declare(lib)
                _library = lib
                break
        else:
            raise SolverUnavailable("the HiGHS library of the highsbox package was not found")
    return _library


_local = threading.local()


def _instance(slot: str = "handle") -> ctypes.c_void_p:
    """This thread's HiGHS instance (creating one costs more than a small solve), options set
    once: quiet, one thread, exact MIP gap; presolve is set per solve (`LinearModel.solve`).
    ``slot`` "beside": its second instance, for a model open beside the first."""
    handle: ctypes.c_void_p | None = getattr(_local, slot, None)
    if handle is None:
        lib = library()
        handle = ctypes.c_void_p(lib.Highs_create())
        lib.Highs_setBoolOptionValue(handle, b"output_flag", 0)
        lib.Highs_setIntOptionValue(handle, b"threads", 1)
        lib.Highs_setDoubleOptionValue(handle, b"mip_rel_gap", 0.0)
        setattr(_local, slot, handle)
    return handle


def _declare(lib: ctypes.CDLL) -> None:
    i, d, p = ctypes.c_int, ctypes.c_double, ctypes.c_void_p
    ip, dp, cp = ctypes.POINTER(i), ctypes.POINTER(d), ctypes.c_char_p
    signatures: dict[str, tuple[object, list[object]]] = {
        "Highs_create": (p, []),
        "Highs_destroy": (None, [p]),
        "Highs_clearModel": (i, [p]),
        "Highs_setBoolOptionValue": (i, [p, cp, i]),
        "Highs_setIntOptionValue": (i, [p, cp, i]),
        "Highs_setDoubleOptionValue": (i, [p, cp, d]),
        "Highs_setStringOptionValue": (i, [p, cp, cp]),
        "Highs_passMip": (i, [p, i, i, i, i, i, d, dp, dp, dp, dp, dp, ip, ip, dp, ip]),
        "Highs_changeColBounds": (i, [p, i, d, d]),
        "Highs_changeColsBoundsByRange": (i, [p, i, i, dp, dp]),
        "Highs_changeColsCostByRange": (i, [p, i, i, dp]),
        "Highs_changeColsIntegralityByRange": (i, [p, i, i, ip]),
        "Highs_run": (i, [p]),
        "Highs_getModelStatus": (i, [p]),
        "Highs_getSolution": (i, [p, dp, dp, dp, dp]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes


def _doubles(values: Sequence[float]) -> ctypes.Array[ctypes.c_double]:
    data = array("d", values or [0.0])
    return (ctypes.c_double * len(data)).from_buffer(data)


def _ints(values: Sequence[int]) -> ctypes.Array[ctypes.c_int]:
    data = array("i", values or [0])
    return (ctypes.c_int * len(data)).from_buffer(data)


class LinearModel:
    """Rows ``lower ≤ Σ coef·x ≤ upper`` over columns with bounds, a cost and integrality."""

    def __init__(self, lower: Sequence[float], upper: Sequence[float],
                 rows: Sequence[tuple[Sequence[tuple[int, float]], float, float]],
                 *, integer: Sequence[bool] | None = None,
                 cost: Sequence[float] | None = None, beside: bool = False) -> None:
        """``beside``: in the thread's second HiGHS instance, so that this model can be open
        while another one is (one model in each)."""
        self.lib = library()
        self.n = len(lower)
        self.handle = _instance("beside" if beside else "handle")
        lib, h = self.lib, self.handle
        lib.Highs_clearModel(h)
        starts: list[int] = []
        index: list[int] = []
        value: list[float] = []
        for terms, _, _ in rows:
            starts.append(len(index))
            for col, coef in terms:
                index.append(col)
                value.append(float(coef))
        self.rows = len(rows)
        self.costs = list(cost) if cost is not None else [0.0] * self.n
        self.lower, self.upper = list(lower), list(upper)
        self.integer = integer is not None and any(integer)
        status = lib.Highs_passMip(
            h, self.n, len(rows), len(index), _ROWWISE, _MINIMIZE, 0.0,
            _doubles(cost if cost is not None else [0.0] * self.n),
            _doubles(lower), _doubles(upper),
            _doubles([r[1] for r in rows]), _doubles([r[2] for r in rows]),
            _ints(starts), _ints(index), _doubles(value),
            _ints([int(x) for x in (integer if integer is not None else [False] * self.n)]))
        if status < 0:
            raise SolverUnavailable("HiGHS refused the model")

    def close(self) -> None:
        self.lib.Highs_clearModel(self.handle)

    def __enter__(self) -> LinearModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_bounds(self, col: int, lower: float, upper: float) -> None:
        self.lower[col], self.upper[col] = lower, upper
        self.lib.Highs_changeColBounds(self.handle, col, lower, upper)

    def set_all_bounds(self, lower: Sequence[float], upper: Sequence[float]) -> None:
        """Every column's bounds at once (one call instead of one per column)."""
        self.lower, self.upper = list(lower), list(upper)
        self.lib.Highs_changeColsBoundsByRange(self.handle, 0, self.n - 1, _doubles(lower),
                                               _doubles(upper))

    def set_costs(self, cost: Sequence[float]) -> None:
        self.costs = list(cost)
        self.lib.Highs_changeColsCostByRange(self.handle, 0, self.n - 1, _doubles(cost))

    def set_integer(self, integer: bool) -> None:
        self.integer = integer
        self.lib.Highs_changeColsIntegralityByRange(
            self.handle, 0, self.n - 1, _ints([int(integer)] * self.n))

    def solve(self) -> list[float] | None:
        """The solution's column values; None when the model has no solution. A search
        that was cancelled stops here, between two solves (``progress.checkpoint``)."""
        checkpoint()
        lib, h = self.lib, self.handle
        # A linear program this small solves fastest from the last basis without presolve;
        # an integer one needs presolve (without it HiGHS spends ~50 ms on a 3-column model)
        lib.Highs_setStringOptionValue(h, b"presolve", b"on" if self.integer else b"off")
        lib.Highs_run(h)
        status = lib.Highs_getModelStatus(h)
        if status in (_INFEASIBLE, _UNBOUNDED_OR_INFEASIBLE):
            return None
        if status != _OPTIMAL:
            raise SolverUnavailable(f"HiGHS ended with model status {status}")
        values = (ctypes.c_double * max(1, self.n))()
        duals = (ctypes.c_double * max(1, self.n))()
        row_values = (ctypes.c_double * max(1, self.rows))()
        row_duals = (ctypes.c_double * max(1, self.rows))()
        lib.Highs_getSolution(h, values, duals, row_values, row_duals)
        return list(values[: self.n])
