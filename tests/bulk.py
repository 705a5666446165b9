"""Build big or known registers fast: the shared generator lives in benchmarks/generate.py."""

from __future__ import annotations

from benchmarks.generate import CREATED, bulk_rows, fill_bulk, fill_quarters

__all__ = ["CREATED", "bulk_rows", "fill_bulk", "fill_quarters"]
