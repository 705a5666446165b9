"""A register on a FAT32 USB stick (issue 20, "Done when": FAT's limits).

A real FAT32 file system: an image made by mkfs.vfat (dosfstools), mounted through the loop
device where the kernel has a vfat driver, and otherwise through fusefat (a FAT driver in user
space, Debian's package fusefat) over the same image. FAT has no hard links, no symbolic links,
no permission bits (chmod fails or is ignored), two-second modification times and names that
differ only in case are one name. On it: create and unlock a register, save cases, backups with
rotation, the quarterly export with its PDF, a restore; every step works or says one sentence,
owner-only permissions the stick cannot hold never become an error, no file is ever replaced
(not even through a name in other capitals), and afterwards fsck.vfat finds the file system
clean (with the kernel's driver; fusefat leaves its own FAT inconsistent whatever is written).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli, owner_only
from app.services.storage import backup, vault
from tests.conftest import PASSPHRASE
from tests.reliability import failing_medium
from tests.reliability.test_failing_medium import CSV, cases

pytestmark = pytest.mark.reliability


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--lang", "en", *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _why_not() -> str | None:
    if sys.platform != "linux":
        return "a FAT image is mounted on Linux only"
    if os.geteuid() != 0:
        return "mounting a FAT image needs root here (CI runs as root)"
    for command in ("mkfs.vfat", "fsck.vfat"):
        if failing_medium.ensure_debian_command(command) is None:
            return f"{command} is missing and the Debian package dosfstools could not be installed"
    return None


class FatStick:
    """A FAT32 image, mounted at ``mount``: kernel vfat through a loop device where the kernel
    has it; otherwise fusefat, with the failing medium's passthrough over it (never set to
    fail) for what fusefat lacks and every FAT driver does: making a file longer (SQLite does
    it to its -shm file and at every checkpoint) and renaming a folder with its contents."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.image = work / "stick.img"
        self.mount = Path(tempfile.mkdtemp(prefix="vertrouwd-fat-"))
        self.driver = ""
        self.fusefat_at = work / "fusefat"
        self.layer: failing_medium.FailingMedium | None = None
        with open(self.image, "wb") as fh:
            fh.truncate(64 * 1024 * 1024)
        subprocess.run([failing_medium.ensure_debian_command("mkfs.vfat") or "mkfs.vfat",
                        "-F", "32", "-s", "1", "-n", "STICK", str(self.image)],
                       check=True, capture_output=True)

    def attach(self) -> str | None:
        """Mount; None, or why it cannot be mounted here."""
        kernel = subprocess.run(["mount", "-t", "vfat", "-o", "loop", str(self.image),
                                 str(self.mount)], capture_output=True, text=True)
        if kernel.returncode == 0:
            self.driver = "vfat (kernel, loop device)"
            return None
        fusefat = failing_medium.ensure_debian_command("fusefat")
        why_not = failing_medium.available()
        if fusefat is None or why_not:
            return (f"the kernel has no vfat driver ({kernel.stderr.strip()}) and FAT in user "
                    f"space cannot run: {why_not or 'fusefat cannot be installed'}")
        self.fusefat_at.mkdir()
        proc = subprocess.run([fusefat, "-o", "rw+", str(self.image), str(self.fusefat_at)],
                              capture_output=True, text=True)
        deadline = time.monotonic() + 10
        while not failing_medium.mounted(self.fusefat_at) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not failing_medium.mounted(self.fusefat_at):
            return f"fusefat could not mount the image: {proc.stderr.strip()}"
        (self.work / "layer").mkdir()
        self.layer = failing_medium.FailingMedium(self.fusefat_at, self.mount,
                                                  self.work / "layer", over_fusefat=True)
        self.layer.start()
        self.driver = "fusefat (FAT in user space; the kernel has no vfat driver)"
        return None

    def _unmount(self, path: Path, tool: str) -> None:
        if failing_medium.mounted(path):
            subprocess.run([tool, "-u", str(path)], capture_output=True)
            deadline = time.monotonic() + 10
            while failing_medium.mounted(path) and time.monotonic() < deadline:
                time.sleep(0.05)
            if failing_medium.mounted(path):
                subprocess.run(["umount", "-l", str(path)], capture_output=True)

    def detach(self) -> None:
        if self.layer is not None:
            self.layer.stop()
            self.layer = None
        fusermount = failing_medium.fusermount() or "fusermount3"
        self._unmount(self.mount, "umount" if self.driver.startswith("vfat") else fusermount)
        self._unmount(self.fusefat_at, fusermount)  # fusefat writes the image as it unmounts
        with contextlib.suppress(OSError):
            self.mount.rmdir()

    def fsck(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run([failing_medium.ensure_debian_command("fsck.vfat") or "fsck.vfat",
                               "-n", str(self.image)], capture_output=True, text=True)


@pytest.fixture
def fat(tmp_path: Path) -> Iterator[FatStick]:
    reason = _why_not()
    if reason:
        pytest.skip(reason)
    stick = FatStick(tmp_path)
    reason = stick.attach()
    if reason:
        stick.detach()
        pytest.skip(reason)
    try:
        yield stick
    finally:
        stick.detach()


def test_fat_cannot_hold_links_or_permissions(fat: FatStick) -> None:
    """What the program meets on the stick: the limits the rest of this file depends on."""
    a = fat.mount / "a.txt"
    a.write_bytes(b"x")
    with pytest.raises(OSError):
        os.link(a, fat.mount / "b.txt")
    with pytest.raises(OSError):
        os.symlink(a, fat.mount / "c.txt")
    assert (fat.mount / "A.TXT").exists()  # one name, whatever the capitals
    owner_only.restrict_file(a)  # chmod fails or is ignored there: never an error
    owner_only.restrict_folder(fat.mount)
    made = owner_only.private_folder(fat.mount / "private")
    assert made.is_dir()


def test_a_register_on_a_fat_stick_works_from_creation_to_restore(
        fat: FatStick, tmp_path: Path) -> None:
    pass_file, csv = tmp_path / "pass.txt", tmp_path / "cases.csv"
    pass_file.write_text(PASSPHRASE, encoding="utf-8")
    csv.write_text(CSV, encoding="utf-8")
    folder, backups, out = fat.mount / "register", fat.mount / "backups", fat.mount / "out"
    base = ("--register", str(folder), "--passphrase-file", str(pass_file))
    said: list[str] = []

    def ok(*args: str) -> str:
        code, stdout, err = run(*base, *args)
        assert code == 0, (args, err)
        said.append(err)
        return stdout

    ok("init", "--component", "CLAS")
    ok("unlock-check")
    ok("import-csv", str(csv))
    saved = cases(folder)
    assert len([row for row in saved if row[0] == "Case"]) == 2
    made = [Path(ok("backup", "--out", str(backups), "--generations", "2").strip()
                 .rsplit(": ", 1)[1]) for _round in range(3)]
    kept = [b.path for b in backup.list_backups(backups)]
    assert kept == [made[2], made[1]]  # rotation removed the first, on FAT too
    assert not made[0].exists()
    for path in kept:
        backup.verify_backup(path, PASSPHRASE)

    pdf = out / "overview.pdf"
    ok("export", "--quarter", "2026-Q3", "--out", str(out), "--pdf", str(pdf))
    quarterly = sorted(out.glob("Vertrouwd-2026-Q3-*.json"))
    assert len(quarterly) == 1 and pdf.read_bytes().rstrip().endswith(b"%%EOF")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # Never over an existing file, not even one named in other capitals (one name on FAT).
    code, _out, err = run(*base, "export", "--quarter", "2026-Q3", "--out", str(out),
                          "--pdf", str(out / "OVERVIEW.PDF"))
    assert code == cli.EXIT_USER and "already exists" in err and "unexpected" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    ok("restore", str(made[1]))
    ok("unlock-check")
    assert cases(folder) == saved
    reg = vault.unlock(folder, PASSPHRASE)
    try:
        assert vault.verify(reg) == []
    finally:
        reg.close()
    assert not any("unexpected" in text for text in said)
    kernel = fat.driver.startswith("vfat")
    fat.detach()
    if kernel:  # fusefat itself leaves its FAT inconsistent (fsck.vfat says so after a mkdir,
        checked = fat.fsck()  # a file and a folder rename): only the kernel's driver is judged
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_register_and_its_backups_move_onto_a_fat_stick(
        fat: FatStick, register_dir: Path, tmp_path: Path) -> None:
    """Moving to a stick (the window's "move register") copies files whose permissions FAT
    cannot take: the move still succeeds, backups included."""
    from app.services.storage import relocation

    old_backups = tmp_path / "backups"
    reg = vault.unlock(register_dir, PASSPHRASE)
    try:
        for _round in range(2):
            backup.create_backup(reg, old_backups, 3)
        digest = vault.content_digest(reg)
    finally:
        reg.close()
    target = fat.mount / "VertrouwdData"
    result = relocation.move_register(register_dir, target / "register", PASSPHRASE,
                                      backups_from=old_backups, backups_to=target / "backups")
    assert result.backup_error is None and result.backups_moved == 2
    assert not register_dir.exists()
    assert len(backup.list_backups(target / "backups")) == 2
    moved = vault.unlock(target / "register", PASSPHRASE)
    try:
        assert vault.content_digest(moved) == digest and vault.verify(moved) == []
    finally:
        moved.close()
