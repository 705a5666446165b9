"""Shared fixtures: real SQLCipher registers in tmp_path, a cheap key-derivation profile
(tests/cheap_kdf.py, installed here; the program itself has no switch for it).

One template register is built per session and copied per test, so each test gets a fresh,
real encrypted register in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests import cheap_kdf

cheap_kdf.install()

from app.i18n import set_language  # noqa: E402
from app.services.storage import vault  # noqa: E402

# Hypothesis fails an example slower than its deadline (200 ms by default): a timing assertion,
# which flakes under load and under Wine. Off for every test (tests/test_no_timing_asserts.py).
settings.register_profile("vertrouwd", deadline=None)
settings.load_profile("vertrouwd")

PASSPHRASE = "een zin als wachtwoord is goed"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("VERTROUWD_HOME", str(home))
    set_language("nl")
    return home


@pytest.fixture(scope="session")
def template_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template") / "register"
    register, _code = vault.create_register(
        folder, PASSPHRASE, roles=("vp",), component="CLAS", with_recovery=False
    )
    register.close()
    return folder


@pytest.fixture
def register_dir(template_register: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "register"
    shutil.copytree(template_register, folder)
    return folder


@pytest.fixture
def register(register_dir: Path) -> Iterator[vault.Register]:
    reg = vault.unlock(register_dir, PASSPHRASE)
    yield reg
    reg.close()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes: compare before/after to prove nothing changed."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file()
    }


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name the platform, Python and SQLCipher this run used, and what it left out and why
    (make test-windows's log must say so)."""
    import platform
    import sys
    from collections import Counter

    import sqlcipher3

    conn = sqlcipher3.dbapi2.connect(":memory:")
    try:
        cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    finally:
        conn.close()
    terminalreporter.write_line(
        f"platform: {platform.system()} {platform.release()} ({platform.platform()}); "
        f"Python {platform.python_version()} {platform.architecture()[0]} "
        f"({sys.executable}); SQLCipher {cipher} (SQLite {sqlcipher3.sqlite_version})")
    skipped = terminalreporter.stats.get("skipped", [])
    reasons: Counter[str] = Counter()
    for report in skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    terminalreporter.write_line(f"left out on {platform.system()}: {len(skipped)} tests"
                                + (":" if skipped else ""))
    for reason, count in reasons.most_common():
        terminalreporter.write_line(f"  {count} x {reason}")
