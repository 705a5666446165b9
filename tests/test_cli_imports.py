"""The command line imports what a command needs when it runs (issue 19, "Speed"): asking
for the version or the help loads no database stack, no cryptography, no PDF library, no Qt.
Which modules are loaded is checked here; how long it takes is measured in `make bench`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "sqlcipher3", "cryptography", "reportlab", "PySide6", "babel",
         "app.services", "app.export", "app.models.database", "app.models.entities")

PROBE = """
import json, sys
{prelude}
from app import main
try:
    code = main.main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _loaded(tmp_path: Path, *argv: str, prelude: str = "") -> tuple[object, list[str], str]:
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "APPDATA": str(tmp_path / "appdata"),
           "LOCALAPPDATA": str(tmp_path / "local"), "PYTHONPATH": str(ROOT),
           "SYSTEMROOT": "C:\\windows"}
    done = subprocess.run([sys.executable, "-c", PROBE.replace("{prelude}", prelude), *argv],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
                          check=False)
    last = done.stderr.strip().splitlines()[-1]
    result = json.loads(last)
    return result["code"], result["modules"], done.stdout


@pytest.mark.parametrize("argv", [("--version",), ("--help",), ("report", "--help"),
                                  ("--lang", "en", "publications", "--help")])
def test_version_and_help_load_no_database_stack(tmp_path: Path, argv: tuple[str, ...]) -> None:
    code, modules, out = _loaded(tmp_path, *argv)
    assert code == 0
    assert "vertrouwd" in out.casefold()
    heavy = [m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY
             or any(m.startswith(h + ".") for h in HEAVY)]
    assert heavy == []
    assert "app.cli" in modules  # the command line itself did answer


def test_a_command_loads_what_it_needs(tmp_path: Path) -> None:
    """unlock-check on a folder without a register: the vault (and so the database stack) is
    loaded by the command itself, and it answers with one sentence."""
    code, modules, _out = _loaded(tmp_path, "--register", str(tmp_path / "none"),
                                  "--passphrase-file", str(tmp_path / "none.txt"),
                                  "unlock-check")
    assert code == 2
    assert "app.services.storage.vault" in modules


def test_unlock_check_on_a_register_loads_no_report_or_window_stack(
        tmp_path: Path, register_dir: Path) -> None:
    """The commands the Figure-11 pipeline runs most (unlock, card, roster, export) pay for
    the database stack and the key derivation, not for reports, the solver or Qt."""
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    code, modules, out = _loaded(
        tmp_path, "--register", str(register_dir), "--passphrase-file", str(secret),
        "unlock-check", prelude="from tests import cheap_kdf; cheap_kdf.install()")
    assert code == 0, out
    assert "CLAS-" in out  # it did open the register
    assert "app.services.storage.vault" in modules and "sqlalchemy" in modules
    not_needed = ("reportlab", "PySide6", "babel", "highsbox", "jsonschema",
                  "app.services.coordination", "app.export.disclosure", "app.export.solver")
    assert [m for m in modules if m in not_needed
            or any(m.startswith(n + ".") for n in not_needed)] == []


def test_a_csv_report_loads_no_pdf_library() -> None:
    """`report --format csv` (the Figure-11 pipeline's last step) renders without reportlab:
    the marks' meanings and the title it shares with the PDF live in report_model."""
    probe = ("import sys, app.export.csv_report, app.export.annual_model; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'PIL')"
             " or m.startswith('app.export.pdf')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "SYSTEMROOT": "C:\\windows"},
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]"
