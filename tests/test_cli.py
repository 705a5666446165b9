"""The command line, run in-process and as a real process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from app.services.storage import vault
from tests.conftest import PASSPHRASE, snapshot


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def pass_file(tmp_path: Path) -> Path:
    f = tmp_path / "pass.txt"
    f.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return f


def test_init_then_unlock_check_verify_backup(tmp_path: Path, pass_file: Path) -> None:
    reg = tmp_path / "reg"
    code, out, err = run("--register", str(reg), "--passphrase-file", str(pass_file),
                         "init", "--component", "CLAS", "--recovery")
    assert code == 0, err
    assert "CLAS-" in out and "herstelcode" in out.lower()
    code, out, _ = run("--register", str(reg), "--passphrase-file", str(pass_file), "unlock-check")
    assert code == 0 and "CLAS-" in out
    code, out, _ = run("--register", str(reg), "--passphrase-file", str(pass_file), "verify")
    assert code == 0 and "SQLCipher 4" in out
    code, out, _ = run("--register", str(reg), "--passphrase-file", str(pass_file),
                       "backup", "--out", str(tmp_path / "bk"))
    assert code == 0
    assert len(list((tmp_path / "bk").iterdir())) == 1


def test_wrong_passphrase_exits_2_with_one_line(register_dir: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("dit is niet de goede zin")
    before = snapshot(register_dir)
    code, _out, err = run("--register", str(register_dir), "--passphrase-file", str(wrong),
                          "unlock-check")
    assert code == 2
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert "wachtwoordzin" in err
    assert snapshot(register_dir) == before


def test_english_messages(register_dir: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("dit is niet de goede zin")
    code, _, err = run("--lang", "en", "--register", str(register_dir), "--passphrase-file",
                       str(wrong), "unlock-check")
    assert code == 2 and "passphrase is not correct" in err


def test_passphrase_change_via_cli(register_dir: Path, pass_file: Path, tmp_path: Path) -> None:
    new = tmp_path / "new.txt"
    new.write_text("de nieuwe zin voor het register")
    code, _, err = run("--register", str(register_dir), "--passphrase-file", str(pass_file),
                       "passphrase", "change", "--new-passphrase-file", str(new))
    assert code == 0, err
    vault.unlock(register_dir, "de nieuwe zin voor het register").close()


def test_weak_passphrase_refused_at_init(tmp_path: Path) -> None:
    weak = tmp_path / "weak.txt"
    weak.write_text("Semper Fortis")
    code, _, err = run("--register", str(tmp_path / "r"), "--passphrase-file", str(weak),
                       "init", "--component", "CLSK")
    assert code == 2 and not (tmp_path / "r" / "register.key").exists()
    short = tmp_path / "short.txt"
    short.write_text("kort")
    code, _, err2 = run("--register", str(tmp_path / "r"), "--passphrase-file", str(short),
                        "init", "--component", "CLSK")
    assert code == 2 and err != err2


def test_import_csv_cli_names_row(register_dir: Path, pass_file: Path, tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("type;casus;datum;minuten;wijze;onderwerpen\n"
                 "contact;A;2026-02-03;60;telefoon;pesten\n"
                 "contact;B;2026-02-03;99999;telefoon;pesten\n")
    code, _, err = run("--register", str(register_dir), "--passphrase-file", str(pass_file),
                       "import-csv", str(f))
    assert code == 2 and "3" in err and "minuten" in err


def test_real_process_exit_codes(register_dir: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("dit is niet de goede zin")
    env = {**os.environ, "VERTROUWD_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.cheap_app", "--register", str(register_dir),
         "--passphrase-file", str(wrong), "unlock-check"],
        capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


KILL_CHILD = """
import os, sys
from tests import cheap_kdf
cheap_kdf.install()
from app.services.storage import vault
folder, old, new = sys.argv[1:4]
print("ready", flush=True)
vault.change_passphrase(folder, old, new)
print("done", flush=True)
"""


@pytest.mark.slow
def test_killed_passphrase_change_leaves_exactly_one_working_passphrase(register_dir: Path) -> None:
    import random
    import time

    from app.errors import WrongPassphrase

    rng = random.Random(7)
    current = PASSPHRASE
    for i in range(12):
        new = f"volgende wachtwoordzin nummer {i}"
        child = subprocess.Popen(
            [sys.executable, "-c", KILL_CHILD, str(register_dir), current, new],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0, 0.01))
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up either way
        child.wait()
        child.stdout.close()
        works = []
        for candidate in (current, new):
            try:
                vault.unlock(register_dir, candidate).close()
                works.append(candidate)
            except WrongPassphrase:
                pass
        assert len(works) == 1, (i, works)
        current = works[0]
        # a successful unlock cleans temp files a killed writer left behind
        assert not [p for p in register_dir.iterdir() if p.name.endswith(".vtmp")]
