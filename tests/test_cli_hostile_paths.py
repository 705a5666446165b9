"""Missing paths, folders, devices, pipes, full drives: exit 2 and one sentence, never a
traceback (issue 13, item 7). The services turn every OSError into a typed error with its own
sentence (app.files), so the command line and the windows say the same thing, and the windows
no longer catch OSError themselves."""

from __future__ import annotations

import ast
import errno
import io
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app import cli, errors, files
from app.export.measures import Measures
from app.services.storage import vault
from tests.conftest import PASSPHRASE, snapshot
from tests.services.coordination_helpers import new_sender, vp_file

ROOT = Path(__file__).resolve().parent.parent
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32",
                                reason="FIFOs and /dev/zero exist on POSIX only; the Windows "
                                       "equivalents (NUL, CON, a huge file) are tested below")


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--lang", "en", *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def base(register_dir: Path, tmp_path: Path) -> list[str]:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    return ["--register", str(register_dir), "--passphrase-file", str(secret)]


@pytest.fixture
def coordinator_base(tmp_path: Path) -> list[str]:
    folder = tmp_path / "coordinator"
    reg, _ = vault.create_register(folder, PASSPHRASE, roles=("coordinator",), component="CLAS")
    reg.close()
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    return ["--register", str(folder), "--passphrase-file", str(secret)]


def _one_sentence(code: int, err: str, error: type[errors.AppError]) -> None:
    assert code == 2, err
    assert "Traceback" not in err and "Errno" not in err
    assert error.default_message.split("{path}")[-1].split(".")[0] in err, err


def test_card_into_a_missing_folder(base: list[str], tmp_path: Path) -> None:
    target = tmp_path / "geen map" / "kaart.json"
    code, _out, err = run(*base, "card", "--out", str(target))
    _one_sentence(code, err, errors.PathNotFound)
    assert str(target.parent) in err and not target.parent.exists()


def test_card_over_an_existing_file(base: list[str], tmp_path: Path) -> None:
    target = tmp_path / "kaart.json"
    target.write_bytes(b"someone else's file")
    code, _out, err = run(*base, "card", "--out", str(target))
    _one_sentence(code, err, errors.OutputExists)
    assert target.read_bytes() == b"someone else's file"


@pytest.mark.parametrize("command", ["card-import", "receipt-import"])
def test_a_missing_file_or_a_folder_to_read(base: list[str], register_dir: Path,
                                            tmp_path: Path, command: str) -> None:
    before = snapshot(register_dir)
    code, _out, err = run(*base, command, str(tmp_path / "nergens.json"))
    _one_sentence(code, err, errors.PathNotFound)
    code, _out, err = run(*base, command, str(tmp_path))
    _one_sentence(code, err, errors.PathIsFolder)
    assert snapshot(register_dir) == before


def test_roster_add_of_a_missing_file_or_a_folder(coordinator_base: list[str],
                                                  tmp_path: Path) -> None:
    code, _out, err = run(*coordinator_base, "roster-add", str(tmp_path / "nergens.json"))
    _one_sentence(code, err, errors.PathNotFound)
    code, _out, err = run(*coordinator_base, "roster-add", str(tmp_path))
    _one_sentence(code, err, errors.PathIsFolder)


def test_csv_with_cr_only_line_ends_imports(base: list[str], tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"type;casus;datum;minuten;wijze;onderwerpen\r"
                     b"contact;A;2026-02-03;60;telefoon;pesten\r"
                     b"contact;A;2026-02-10;30;telefoon;\r")
    code, out, err = run(*base, "import-csv", str(path))
    assert code == 0, err
    assert "Imported 1 cases, 2 contact moments" in out


def test_csv_with_a_giant_cell_is_a_sentence(base: list[str], register_dir: Path,
                                             tmp_path: Path) -> None:
    path = tmp_path / "groot.csv"
    path.write_text("type;casus;datum;minuten;wijze;onderwerpen;memo\n"
                    "contact;A;2026-02-03;60;telefoon;pesten;" + "x" * 200_000 + "\n",
                    encoding="utf-8")
    before = snapshot(register_dir)
    code, _out, err = run(*base, "import-csv", str(path))
    assert code == 2 and "Row 2 holds a cell longer than 131072 characters" in err
    assert "Traceback" not in err and snapshot(register_dir) == before


def test_import_of_a_huge_file_is_refused_before_it_is_read(coordinator_base: list[str],
                                                            tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as fh:  # sparse where the file system allows: 2 GiB, not written
        fh.truncate(2 * 1024**3)
    code, out, err = run(*coordinator_base, "import", str(huge))
    assert code == 2 and "larger than 1048576 bytes" in out and "Traceback" not in err


@pytest.mark.slow
@POSIX_ONLY
def test_import_of_dev_zero_and_a_fifo_is_refused_at_once(coordinator_base: list[str],
                                                          tmp_path: Path) -> None:
    """`import /dev/zero` read until the memory ran out (9 s), a FIFO hung for ever. Both run
    as real processes here, so a regression fails on the timeout instead of hanging."""
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    env = {**os.environ, "VERTROUWD_HOME": str(tmp_path / "home")}
    for target in ("/dev/zero", str(fifo)):
        proc = subprocess.run([sys.executable, "-m", "tests.cheap_app", "--lang", "en",
                               *coordinator_base, "import", target], capture_output=True,
                              text=True, env=env, cwd=ROOT, timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert "is not an ordinary file (it is a device or a pipe)" in proc.stdout
        assert "Traceback" not in proc.stderr


@POSIX_ONLY
def test_a_fifo_swapped_in_after_the_look_does_not_hang(tmp_path: Path) -> None:
    """The open itself does not wait for a writer (O_NONBLOCK), and what was opened is looked
    at again."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result: list[BaseException] = []

    def read() -> None:
        try:
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            try:
                files._check_kind(os.fstat(fd).st_mode, fifo)
            finally:
                os.close(fd)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            result.append(exc)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive() and isinstance(result[0], errors.PathNotRegularFile)


@pytest.mark.skipif(sys.platform != "win32", reason="Windows device names")
@pytest.mark.parametrize("device", ["NUL", "CON"])
def test_import_of_a_windows_device_is_refused(coordinator_base: list[str],
                                               device: str) -> None:
    """The Windows equivalent of /dev/zero: a device name is no file (CON would wait for the
    keyboard if it were opened)."""
    with pytest.raises(errors.FileAccessError):
        files.read_input(Path(device), 1024)
    code, _out, err = run(*coordinator_base, "card-import", device)
    assert code == 2 and "Traceback" not in err


def test_oserrors_become_three_different_sentences(tmp_path: Path) -> None:
    """Not found, permission denied (or read-only) and disk full each have their own sentence,
    whichever way the platform spells them (Windows codes included; Wine reports a full drive
    as EINVAL, told apart by asking the drive how much room is left)."""
    target = tmp_path / "x.json"
    with pytest.raises(FileNotFoundError) as missing:
        open(tmp_path / "nergens" / "x.json", "rb")  # noqa: SIM115 - the real error
    cases = {
        errors.PathNotFound: [missing.value, OSError(errno.ENOTDIR, "not a directory")],
        errors.PathPermissionDenied: [PermissionError(errno.EACCES, "denied"),
                                      OSError(errno.EROFS, "read-only file system")],
        errors.PathDiskFull: [OSError(errno.ENOSPC, "no space"), OSError(errno.EFBIG, "big")],
    }
    if sys.platform == "win32":
        cases[errors.PathDiskFull].append(OSError(None, "full", None, 112))
        cases[errors.PathPermissionDenied].append(OSError(None, "denied", None, 5))
    sentences = set()
    for error, raised in cases.items():
        for exc in raised:
            mapped = files.error_for(exc, target)
            assert type(mapped) is error, (exc, mapped)
            assert str(target) in mapped.message
            sentences.add(mapped.message)
    assert len(sentences) == 3
    with pytest.raises(errors.PathIsFolder):
        files.read_input(tmp_path, 10)


def test_writing_to_a_full_drive_is_a_sentence(base: list[str], tmp_path: Path) -> None:
    from tests.reliability.test_disk_full import SMALL_DRIVE_ENV, fill

    drive = os.environ.get(SMALL_DRIVE_ENV)
    mount: Path | None = None
    if not drive:
        if sys.platform == "win32" or os.geteuid() != 0 or not shutil.which("mount"):
            pytest.skip("needs a small drive: run as root or with make test-windows")
        mount = tmp_path / "small"
        mount.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True).returncode != 0:
            pytest.skip("cannot mount a tmpfs here")
    folder = Path(drive) if drive else mount
    assert folder is not None
    try:
        filler = fill(folder, 0)
        target = folder / "kaart.json"
        code, _out, err = run(*base, "card", "--out", str(target))
        _one_sentence(code, err, errors.PathDiskFull)
        assert not target.exists()
        assert [p.name for p in folder.iterdir() if p != filler] == []  # no temp file left
        filler.unlink()
    finally:
        if mount is not None:
            subprocess.run(["umount", "-l", str(mount)], check=False)


def test_no_window_catches_oserror_itself() -> None:
    """The services give typed errors; a window shows `AppError.message` (the one cleanup that
    suppresses OSError, removing the demo register's temporary folder, is not an error shown)."""
    found = []
    for path in sorted((ROOT / "app" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = [n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)]
                if {"OSError", "IOError", "FileNotFoundError", "PermissionError"} & set(names):
                    found.append(f"{path.name}:{node.lineno}")
    assert found == []


def test_a_file_the_program_imports_is_read_once_and_bounded(tmp_path: Path) -> None:
    data = vp_file(new_sender("CLAS-AAAAA"), Measures())
    path = tmp_path / "f.json"
    path.write_bytes(data)
    assert files.read_input(path, len(data)) == data
    with pytest.raises(errors.PathTooLarge):
        files.read_input(path, len(data) - 1)
