"""What may be in the Windows bundle: every file byte-identical (SHA-256) to a file of a pinned
Windows wheel, of the Windows CPython embeddable distribution, or of our own resources and
translations; plus the few files PyInstaller writes itself (GENERATED, each explained).

Anything else is reported, first of all the Wine stand-in DLLs (tools/windows/standins): they
exist only so the build and the tests run under Wine 8, and a shipped bundle must never carry
them (../shared/design/WINDOWS.md). A file PyInstaller picked up from the Wine prefix (Wine's
own builtin DLLs) or a library changed on the way is reported the same way, because it matches
no source.

    python tools/windows/bundle_audit.py [dist/windows/Vertrouwd]

tests/test_windows_bundle.py runs the same check (make dist-windows, make test-windows).
"""

from __future__ import annotations

import hashlib
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "windows" / "Vertrouwd"

# Written by PyInstaller for this program, so they match no source file.
GENERATED: dict[str, str] = {
    "Vertrouwd.exe": "PyInstaller's windowed bootloader (from the pinned pyinstaller wheel) with "
                     "our icon, version resource and manifest, and the program's compiled "
                     "Python code (PYZ archive) appended",
    "vertrouwd-cli.exe": "the same with PyInstaller's console bootloader",
    "_internal/base_library.zip": "the standard-library modules Python needs before it can "
                                  "import anything else, compiled to bytecode by PyInstaller "
                                  "from the embeddable distribution's python311.zip",
}

# The Wine stand-ins by file name (tools/windows/winenv.py STANDINS): named in the report
# even when renamed copies are caught by their content instead.
STANDIN_NAMES = ("bcryptprimitives.dll", "icuuc.dll")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Finding:
    path: str  # inside the bundle, with "/"
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class SourceIndex:
    """Files of the allowed sources, by size; hashed only when a bundle file has that size."""

    by_size: dict[int, list[tuple[str, Path]]] = field(default_factory=lambda: defaultdict(list))
    _hashes: dict[Path, str] = field(default_factory=dict)

    def add(self, origin: str, folder: Path) -> None:
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                self.by_size[path.stat().st_size].append((origin, path))

    def origin_of(self, digest: str, size: int) -> str | None:
        for origin, path in self.by_size.get(size, ()):
            if path not in self._hashes:
                self._hashes[path] = sha256(path)
            if self._hashes[path] == digest:
                return origin
        return None


@dataclass
class Report:
    findings: list[Finding]
    origins: dict[str, int]  # how many bundle files came from each source (and "generated")
    files: int
    size: int

    def summary(self) -> str:
        parts = ", ".join(f"{n} {origin}" for origin, n in sorted(self.origins.items()))
        return f"{self.files} files, {self.size / 1e6:.1f} MB: {parts}"


def audit(bundle: Path, sources: Iterable[tuple[str, Path]],
          standins: Mapping[str, str] | None = None,
          generated: Mapping[str, str] = GENERATED) -> Report:
    """Check every file under `bundle`. `sources`: (origin, folder) pairs whose files are
    allowed; `standins`: SHA-256 -> name of the built stand-in DLLs, when known."""
    index = SourceIndex()
    for name, folder in sources:
        index.add(name, folder)
    standins = dict(standins or {})
    findings: list[Finding] = []
    origins: dict[str, int] = defaultdict(int)
    files = size = 0
    # Ordered by the "/" path, so reports read the same on Linux and Windows (whose Path
    # ordering ignores case).
    paths = {p.relative_to(bundle).as_posix(): p for p in bundle.rglob("*")
             if p.is_file() or p.is_symlink()}
    for rel, path in sorted(paths.items()):
        files += 1
        if path.is_symlink():
            findings.append(Finding(rel, "a symbolic link (the bundle must hold plain files)"))
            continue
        st_size = path.stat().st_size
        size += st_size
        digest = sha256(path)
        if digest in standins or path.name.lower() in STANDIN_NAMES:
            what = standins.get(digest, path.name)
            findings.append(Finding(rel, f"a Wine stand-in DLL ({what}): it exists only so the "
                                         f"build runs under Wine and must never be shipped"))
            continue
        if rel in generated:
            origins["generated by PyInstaller"] += 1
            continue
        origin = index.origin_of(digest, st_size)
        if origin is None:
            findings.append(Finding(rel, "matches no file of the Windows wheels, the Python "
                                         "embeddable distribution or our resources (a file "
                                         "from the Wine prefix, changed on the way, or a "
                                         "bundle older than the sources: make dist-windows)"))
        else:
            origins[origin] += 1
    return Report(findings, dict(origins), files, size)


def project_sources(root: Path = ROOT) -> list[tuple[str, Path]]:
    return [("ours (resources)", root / "resources"),
            ("ours (translations)", root / "translations")]


def default_sources() -> tuple[list[tuple[str, Path]], dict[str, str]]:
    """The sources make dist-windows built from, and the stand-ins' hashes. Fetches nothing:
    raises FileNotFoundError naming what is missing."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        import winenv
    finally:
        sys.path.pop(0)
    wheels, embed, standins_dir = winenv.wheels_dir(), winenv.embed_dir(), winenv.standins_dir()
    for needed in (wheels / ".complete", embed / "python.exe"):
        if not needed.is_file():
            raise FileNotFoundError(f"{needed} is missing: make windows-setup fetches it")
    standins = {sha256(p): p.name for p in sorted(standins_dir.glob("*.dll"))}
    sources = [("Windows wheels", wheels), ("Python embeddable", embed), *project_sources()]
    return sources, standins


def main(argv: list[str]) -> int:
    bundle = Path(argv[0]) if argv else BUNDLE
    if not bundle.is_dir():
        print(f"no Windows bundle at {bundle}: make dist-windows builds it", file=sys.stderr)
        return 2
    sources, standins = default_sources()
    report = audit(bundle, sources, standins)
    for finding in report.findings:
        print(f"NOT ALLOWED {finding}")
    print(report.summary())
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
