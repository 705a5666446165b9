"""A removable medium that fails for real: a FUSE passthrough file system (Linux, root, test-only).

`FailingMedium(backing, mount)` mounts a file system in user space at ``mount`` that passes every
operation through to the folder ``backing``. On command (`arm(n, code)`) it lets ``n`` more
write calls through (every operation that changes the medium counts: write, create, mkdir,
unlink, rename, truncate, chmod, utimens, fsync...) and from then on fails *every* operation,
reads included, with ``code``: EIO (a stick pulled, a dying flash chip), ENOTCONN (a drive that
went away under FUSE) or ENODEV (the device is gone). `remount()` is the stick put back: the
same backing folder mounted again, healthy, in a new process. After each unmount `writes` holds
how many write calls the medium let through, so a test can first count a command's writes and
then fail it at every one of them.

The file system runs as its own process (``python -m tests.reliability.failing_medium``), so a
program that hangs on it never hangs the test run; it is always unmounted (``fusermount3 -u``,
lazily if still busy) and the process ended. Kernel caches are off (attr/entry timeouts 0), so
a gone medium is gone for ``stat`` as well. Writes are not cached by FUSE's default write-through
mode: what reached the backing folder is exactly what the medium accepted. A file made longer
(a truncate, or a write past its end) gets zeros written at the end, so the medium can lie over
fusefat too, which neither lengthens with truncate nor writes past the end (test_fat_stick.py);
over fusefat (``over_fusefat``) a folder is renamed by moving what is inside, which fusefat loses.

`available()` says why it cannot run (not Linux, not root, no /dev/fuse, no libfuse or no
binding); the Debian package fuse3 is installed the way tools/windows/winenv.py installs its
packages (as root only), and the binding (mfusepy, pinned in requirements.lock for Linux) comes
from `make setup`.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

FUSERMOUNT = ("fusermount3", "fusermount")
DEBIAN_PACKAGES = {"fusermount3": "fuse3", "mkfs.vfat": "dosfstools", "fsck.vfat": "dosfstools",
                   "fusefat": "fusefat"}
ERRNOS = {"EIO": errno.EIO, "ENOTCONN": errno.ENOTCONN, "ENODEV": errno.ENODEV}
ROOT = Path(__file__).resolve().parents[2]


# --- set-up: Debian packages and the binding ---------------------------------------------------
def ensure_debian_command(command: str) -> str | None:
    """The path of ``command``; installs its Debian package first when root and apt-get can
    (as winenv.py does). None when it cannot be had."""
    found = shutil.which(command) or shutil.which(command, path="/usr/sbin:/sbin")
    if found or sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends",
               DEBIAN_PACKAGES[command]]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=False)
        subprocess.run(install, env=env, capture_output=True, check=False)
    return shutil.which(command) or shutil.which(command, path="/usr/sbin:/sbin")


def fusermount() -> str | None:
    for name in FUSERMOUNT:
        if found := shutil.which(name):
            return found
    return ensure_debian_command("fusermount3")


def available() -> str | None:
    """None when a failing medium can be mounted here; otherwise the reason it cannot."""
    if sys.platform != "linux":
        return "a file system in user space needs Linux"
    if os.geteuid() != 0:
        return "mounting a file system in user space needs root here (CI runs as root)"
    if not os.path.exists("/dev/fuse"):
        return "no /dev/fuse on this machine"
    if fusermount() is None:
        return "fusermount3 is missing and the Debian package fuse3 could not be installed"
    proc = subprocess.run([sys.executable, "-c", "import mfusepy"], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return f"the FUSE binding mfusepy does not load ({last}): make setup installs it"
    return None


# --- the file system (runs in its own process) ---------------------------------------------------
def _operations(backing: str, control: str, status: str, fusefat: bool) -> Any:
    import mfusepy

    class Failing(mfusepy.Operations):  # type: ignore[misc]
        use_ns = True

        def __init__(self) -> None:
            self.root = backing
            self.writes = 0
            self.fail_after: int | None = None
            self.code = errno.EIO
            self.gone = False
            self.seen: int | None = None

        # -- the switch
        def _reload(self) -> None:
            try:
                stamp = os.stat(control).st_mtime_ns
            except FileNotFoundError:
                return
            if stamp == self.seen:
                return
            self.seen = stamp
            with open(control, encoding="utf-8") as fh:
                order = json.load(fh)
            self.fail_after = order.get("fail_after")
            self.code = ERRNOS[order.get("errno", "EIO")]
            self.gone = False
            self.writes = 0

        def _report(self) -> None:
            with open(status + ".tmp", "w", encoding="utf-8") as fh:
                json.dump({"writes": self.writes, "gone": self.gone}, fh)
            os.replace(status + ".tmp", status)

        def _enter(self, writing: bool = False) -> None:
            self._reload()
            if not self.gone and self.fail_after is not None and self.writes >= self.fail_after:
                self.gone = True
                self._report()
            if self.gone:
                raise mfusepy.FuseOSError(self.code)
            if writing:
                self.writes += 1

        def _full(self, path: str) -> str:
            return os.path.join(self.root, path.lstrip("/"))

        # -- reading
        def access(self, path: str, amode: int) -> int:
            self._enter()
            if not os.access(self._full(path), amode):
                raise mfusepy.FuseOSError(errno.EACCES)
            return 0

        def getattr(self, path: str, fh: int | None = None) -> dict[str, Any]:
            self._enter()
            st = os.fstat(fh) if fh is not None else os.lstat(self._full(path))
            keys = ("st_atime_ns", "st_ctime_ns", "st_mtime_ns", "st_gid", "st_mode",
                    "st_nlink", "st_size", "st_uid", "st_ino", "st_blocks")
            attrs = {k.removesuffix("_ns"): getattr(st, k) for k in keys}
            return attrs

        def readdir(self, path: str, fh: int) -> list[str]:
            self._enter()
            return [".", "..", *os.listdir(self._full(path))]

        def readlink(self, path: str) -> str:
            self._enter()
            return os.readlink(self._full(path))

        def statfs(self, path: str) -> dict[str, int]:
            self._enter()
            sv = os.statvfs(self._full(path))
            keys = ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree",
                    "f_files", "f_flag", "f_frsize", "f_namemax")
            return {k: getattr(sv, k) for k in keys}

        def open(self, path: str, flags: int) -> int:
            self._enter(writing=bool(flags & os.O_TRUNC))
            return os.open(self._full(path), flags)

        def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
            self._enter()
            return os.pread(fh, size, offset)

        def flush(self, path: str, fh: int) -> int:
            self._enter()
            return 0

        def release(self, path: str, fh: int) -> int:
            os.close(fh)  # the kernel does not wait for it; the handle is freed in any case
            return 0

        # -- writing: every call counts
        def create(self, path: str, mode: int, flags: int = os.O_WRONLY) -> int:
            self._enter(writing=True)
            return os.open(self._full(path), flags | os.O_CREAT, mode)

        def write(self, path: str, data: bytes, offset: int, fh: int) -> int:
            self._enter(writing=True)
            self._zeros(fh, os.fstat(fh).st_size, offset)  # no hole: fusefat cannot make one
            return os.pwrite(fh, data, offset)

        @staticmethod
        def _zeros(fd: int, start: int, end: int) -> None:
            for at in range(start, end, 1 << 16):
                os.pwrite(fd, bytes(min(1 << 16, end - at)), at)

        def truncate(self, path: str, length: int, fh: int | None = None) -> int:
            self._enter(writing=True)
            target: int | str = fh if fh is not None else self._full(path)
            size = os.stat(target).st_size
            if length < size:
                os.truncate(target, length)
            elif length > size:  # made longer with zeros, as every driver does (fusefat
                fd = os.open(target, os.O_WRONLY) if fh is None else fh  # cannot)
                try:
                    self._zeros(fd, size, length)
                finally:
                    if fh is None:
                        os.close(fd)
            return 0

        def fsync(self, path: str, datasync: int, fh: int) -> int:
            self._enter(writing=True)
            (os.fdatasync if datasync else os.fsync)(fh)
            return 0

        def fsyncdir(self, path: str, datasync: int, fh: int) -> int:
            self._enter(writing=True)
            return 0

        def mkdir(self, path: str, mode: int) -> int:
            self._enter(writing=True)
            os.mkdir(self._full(path), mode)
            return 0

        def rmdir(self, path: str) -> int:
            self._enter(writing=True)
            os.rmdir(self._full(path))
            return 0

        def unlink(self, path: str) -> int:
            self._enter(writing=True)
            os.unlink(self._full(path))
            return 0

        def rename(self, old: str, new: str) -> int:
            self._enter(writing=True)
            if fusefat and os.path.isdir(self._full(old)):
                self._move_folder(self._full(old), self._full(new))
            else:
                os.rename(self._full(old), self._full(new))
            return 0

        def _move_folder(self, old: str, new: str) -> None:
            """fusefat renames a folder's entry but loses what is inside: move it item by
            item (every other FAT driver renames the entry and keeps the contents)."""
            if os.path.lexists(new):
                os.rmdir(new)  # as rename(2): only an empty folder is replaced
            os.mkdir(new)
            for name in os.listdir(old):
                if os.path.isdir(os.path.join(old, name)):
                    self._move_folder(os.path.join(old, name), os.path.join(new, name))
                else:
                    os.rename(os.path.join(old, name), os.path.join(new, name))
            os.rmdir(old)

        def chmod(self, path: str, mode: int) -> int:
            self._enter(writing=True)
            os.chmod(self._full(path), mode)
            return 0

        def chown(self, path: str, uid: int, gid: int) -> int:
            self._enter(writing=True)
            os.chown(self._full(path), uid, gid)
            return 0

        def utimens(self, path: str, times: tuple[int, int] | None = None) -> int:
            self._enter(writing=True)
            os.utime(self._full(path), ns=times)
            return 0

        def symlink(self, target: str, source: str) -> int:
            self._enter(writing=True)
            os.symlink(source, self._full(target))
            return 0

        def link(self, target: str, source: str) -> int:
            self._enter(writing=True)
            os.link(self._full(source), self._full(target))
            return 0

        def destroy(self, path: str) -> None:
            self._report()

    return Failing()


def serve(backing: str, mount: str, control: str, status: str, fusefat: str = "") -> None:
    import mfusepy

    operations = _operations(backing, control, status, fusefat == "fusefat")
    mfusepy.FUSE(operations, mount, foreground=True,
                 nothreads=True, attr_timeout=0, entry_timeout=0, negative_timeout=0)


# --- the fixture's side --------------------------------------------------------------------------
def mounted(path: Path) -> bool:
    """``path`` is a mount point (read from the kernel's table: a gone medium fails stat)."""
    target = os.path.realpath(path)
    with open("/proc/self/mountinfo", encoding="utf-8") as fh:
        return any(line.split()[4].replace("\\040", " ") == target for line in fh)


class FailingMedium:
    """A mounted failing medium; use as a context manager (always unmounted at the end)."""

    def __init__(self, backing: Path, mount: Path, work: Path, *, over_fusefat: bool = False
                 ) -> None:
        self.over_fusefat = over_fusefat
        self.backing, self.mount = Path(backing), Path(mount)
        self.control, self.status = work / "control.json", work / "status.json"
        self.log = work / "fuse.log"
        self.backing.mkdir(parents=True, exist_ok=True)
        self.mount.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen[bytes] | None = None
        self.writes = 0

    def __enter__(self) -> FailingMedium:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self.control.write_text(json.dumps({"fail_after": None}), encoding="utf-8")
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.reliability.failing_medium", str(self.backing),
                 str(self.mount), str(self.control), str(self.status),
                 "fusefat" if self.over_fusefat else ""],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while not mounted(self.mount):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the failing medium did not mount: "
                                   + self.log.read_text(errors="replace")[-2000:])
            time.sleep(0.02)

    def arm(self, fail_after: int | None, code: str = "EIO") -> None:
        """Let ``fail_after`` more write calls through, then fail everything with ``code``
        (None: never fail). Counting starts again from here."""
        before = self.control.stat().st_mtime_ns
        text = json.dumps({"fail_after": fail_after, "errno": code})
        while True:  # a new modification time, so the file system sees a new order
            self.control.write_text(text, encoding="utf-8")
            if self.control.stat().st_mtime_ns != before:
                break
            time.sleep(0.001)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        tool = fusermount() or "fusermount3"
        # (mounted() reads the kernel's table: a gone medium fails stat, so ismount says False)
        if mounted(self.mount) and subprocess.run([tool, "-u", str(self.mount)],
                                                  capture_output=True).returncode:
            subprocess.run([tool, "-u", "-z", str(self.mount)], capture_output=True)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            if mounted(self.mount):
                subprocess.run([tool, "-u", "-z", str(self.mount)], capture_output=True)
        with contextlib.suppress(OSError, ValueError):
            self.writes = int(json.loads(self.status.read_text(encoding="utf-8"))["writes"])

    def remount(self) -> None:
        """The stick pulled out and put back: the same backing folder, mounted healthy."""
        self.stop()
        self.start()


if __name__ == "__main__":
    serve(*sys.argv[1:6])
