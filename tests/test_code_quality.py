"""The code stays linted (ruff) and typed (mypy --strict on the core), with the pinned tools and
the settings in pyproject.toml: the same checks as `make lint`, so `make test` catches a lapse."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINTED = ["app", "tests", "tools", "benchmarks"]
INSTALL = "pip install -r requirements.lock (make setup does)"
TIMEOUT = 300  # seconds; a warm run of both takes a few


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)


def _ruff() -> Path | None:
    try:
        from ruff import find_ruff_bin  # the pinned ruff wheel knows where it put its binary
    except ImportError:
        return None
    try:
        return Path(find_ruff_bin())
    except FileNotFoundError:
        return None


def test_ruff_finds_nothing() -> None:
    ruff = _ruff()
    if ruff is None:
        pytest.skip(f"ruff is not installed for {sys.executable}: {INSTALL}")
    proc = _run([str(ruff), "check", "--no-fix", *LINTED])
    assert proc.returncode == 0, f"ruff check failed:\n{proc.stdout}{proc.stderr}"


@pytest.mark.slow
def test_mypy_strict_on_the_core() -> None:
    if importlib.util.find_spec("mypy") is None:
        pytest.skip(f"mypy is not installed for {sys.executable}: {INSTALL}")
    # The packages, strictness and options come from [tool.mypy] in pyproject.toml.
    proc = _run([sys.executable, "-m", "mypy"])
    assert proc.returncode == 0, f"mypy failed:\n{proc.stdout}{proc.stderr}"
