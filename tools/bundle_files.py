"""What the PyInstaller bundle carries besides code, and the check that it is all there.

build.spec imports this module. Every data file is listed by name (no globbing), so adding a
resource is a deliberate change here, and tests/test_bundle_files.py fails if a file under
resources/ is not listed. A missing file stops the build with one clear message instead of
producing a bundle that breaks on the user's laptop.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (source relative to the repository, folder inside the bundle). app.paths finds them under
# sys._MEIPASS with the same relative layout as in the source tree.
DATA_FILES: tuple[tuple[str, str], ...] = (
    ("resources/codelists/vp-onderwerpen-2026.1.json", "resources/codelists"),
    # the topic list of the annual reports 2018-2020, and how it reads in 2026.1
    ("resources/codelists/vp-onderwerpen-2018.1.json", "resources/codelists"),
    ("resources/codelists/mappings/vp-onderwerpen-2018.1-to-2026.1.json",
     "resources/codelists/mappings"),
    ("resources/schema/vertrouwd-card-v1.schema.json", "resources/schema"),
    ("resources/schema/vertrouwd-quarterly-v1.schema.json", "resources/schema"),
    ("resources/schema/vertrouwd-receipt-v1.schema.json", "resources/schema"),
    ("resources/schema/vertrouwd-sealed-v1.schema.json", "resources/schema"),
    ("resources/schema/vertrouwd-signed-file-v1.schema.json", "resources/schema"),
    ("resources/fonts/DejaVuSans.ttf", "resources/fonts"),
    ("resources/fonts/DejaVuSans-Bold.ttf", "resources/fonts"),
    ("resources/fonts/DejaVu-LICENSE.txt", "resources/fonts"),
    ("resources/passphrase-blocklist.txt", "resources"),
    # Drawn by tools/make_icons.py. The PNGs are the Qt window icon; the .ico is the Windows
    # executables' icon (build.spec) and is carried too so the MSI can show it.
    ("resources/icons/vertrouwd-16.png", "resources/icons"),
    ("resources/icons/vertrouwd-32.png", "resources/icons"),
    ("resources/icons/vertrouwd-48.png", "resources/icons"),
    ("resources/icons/vertrouwd-256.png", "resources/icons"),
    ("resources/icons/vertrouwd.ico", "resources/icons"),
    # Compiled by `make translations`; not in git.
    ("translations/nl/LC_MESSAGES/messages.mo", "translations/nl/LC_MESSAGES"),
    ("translations/en/LC_MESSAGES/messages.mo", "translations/en/LC_MESSAGES"),
)


def highs_binaries() -> list[tuple[str, str]]:
    """The HiGHS shared library of the highsbox wheel (and what lies beside it: OpenBLAS on
    Windows), as (source, folder in the bundle) for PyInstaller's `binaries`. The solver
    (app/export/solver.py) finds it under sys._MEIPASS/highsbox/highs_dist/{bin,lib}."""
    import highsbox

    root = Path(highsbox.highs_dist_dir())
    found = [(str(path), f"highsbox/highs_dist/{sub}")
             for sub in ("bin", "lib") if (root / sub).is_dir()
             for path in sorted((root / sub).iterdir())
             if (path.suffix in (".dll", ".so", ".dylib") and "highs" in path.name)
             or path.suffix == ".dll"]
    if not any("highs" in Path(src).name for src, _ in found):
        raise MissingBundleFiles([str(root / "lib" / "libhighs.so")])
    return found


class MissingBundleFiles(Exception):
    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        hint = (" (the .mo catalogues are built by `make translations`)"
                if any(m.endswith(".mo") for m in missing) else "")
        super().__init__(
            "cannot build the bundle, data file(s) missing: " + ", ".join(missing) + hint
        )


def check_data_files(
    entries: tuple[tuple[str, str], ...] | list[tuple[str, str]], root: Path = ROOT
) -> list[tuple[str, str]]:
    """Absolute (source, destination) pairs for PyInstaller's `datas`, or MissingBundleFiles."""
    missing = [src for src, _dest in entries if not (root / src).is_file()]
    if missing:
        raise MissingBundleFiles(missing)
    return [(str(root / src), dest) for src, dest in entries]


def project_metadata(root: Path = ROOT) -> tuple[str, str]:
    """(name, version) from pyproject.toml: the one place they are written down."""
    with open(root / "pyproject.toml", "rb") as fh:
        project = tomllib.load(fh)["project"]
    return str(project["name"]), str(project["version"])


# --- trimming what PyInstaller's hooks collect --------------------------------------------
# Babel carries the locale data of every language (~30 MB); the program speaks two.
LANGUAGES = ("nl", "en")
BABEL_LOCALE_DATA = "babel/locale-data/"
QT_TRANSLATIONS = "PySide6/Qt/translations/"  # Qt's own strings: Dutch (English is built in)
QT_PLUGINS = "PySide6/Qt/plugins/"
QT_LIB = "PySide6/Qt/lib/"
# Embedded-device and remote-display back-ends, input-device drivers and image formats the
# program never shows. Desktop back-ends (xcb, wayland, windows, cocoa), offscreen (self-test),
# print support and the SVG icon engine (desktop icon themes) stay.
UNUSED_QT_PLUGIN_DIRS = ("egldeviceintegrations", "generic")
UNUSED_QT_PLUGINS = (
    "qeglfs", "qlinuxfb", "qminimalegl", "qvkkhrdisplay", "qvnc",
    "qgif", "qicns", "qjpeg", "qtga", "qtiff", "qwbmp", "qwebp",
)
# Libraries only those plugins link against (QtNetwork: qvnc and the TUIO touch plugin).
UNUSED_QT_LIBS = ("Qt6EglFSDeviceIntegration", "Qt6EglFsKmsSupport", "Qt6Network")

# The Windows wheel lays PySide6 out differently: plugins and translations sit directly under
# PySide6/, and PyInstaller puts the Qt DLLs at the top of the bundle (beside python311.dll).
WIN_QT_TRANSLATIONS = "PySide6/translations/"
WIN_QT_PLUGINS = "PySide6/plugins/"
# On Windows there are no desktop icon themes to draw in SVG, and the window icon is PNG
# (built into QtGui): every image-format plugin and the SVG icon engine can go, and with them
# Qt6Svg. qdirect2d is an alternative to qwindows (experimental, not used); qminimal is for
# Qt's own tests. Kept: qwindows, qoffscreen (self-test), styles, print support.
WIN_UNUSED_QT_PLUGIN_DIRS = (*UNUSED_QT_PLUGIN_DIRS, "imageformats", "iconengines")
WIN_UNUSED_QT_PLUGINS = ("qdirect2d", "qminimal")
WIN_UNUSED_QT_DLLS = ("Qt6Network", "Qt6Svg")
# Qt's software OpenGL (Mesa llvmpipe, 20 MB) for machines without a GPU driver. The program
# is Qt Widgets, drawn by the raster engine; nothing of it uses OpenGL.
WIN_UNUSED_FILES = ("PySide6/opengl32sw.dll",)
# reportlab imports Pillow (PIL.Image, so _imaging) whenever it loads, but the program's PDFs
# hold no bitmap images: Pillow's codecs for AVIF (7.7 MB) and WebP, its colour management and
# its Tk bridge are never loaded. Pillow checks for each and does without it.
PIL_PACKAGE = "PIL/"
WIN_UNUSED_PIL_EXTENSIONS = ("_avif", "_webp", "_imagingcms", "_imagingtk")


def _stem(name: str) -> str:
    name = name.removeprefix("lib")
    return name.split(".", 1)[0]


def _keep_plugin(path: str, unused_dirs: tuple[str, ...], unused: tuple[str, ...]) -> bool:
    folder = path.split("/", 1)[0]
    return folder not in unused_dirs and _stem(path.rsplit("/", 1)[-1]) not in unused


def keep_in_bundle(dest: str) -> bool:
    """False for a file (by its path inside the bundle) that PyInstaller collected needlessly.

    Linux and Windows paths never overlap (PySide6/Qt/... on Linux, PySide6/plugins/... and
    top-level Qt6*.dll on Windows), so one function serves both builds.
    """
    dest = dest.replace("\\", "/")
    name = dest.rsplit("/", 1)[-1]
    if dest.startswith(BABEL_LOCALE_DATA):
        stem = _stem(name)
        return stem == "root" or any(stem == lang or stem.startswith(lang + "_")
                                     for lang in LANGUAGES)
    if dest.startswith((QT_TRANSLATIONS, WIN_QT_TRANSLATIONS)):
        return name == "qtbase_nl.qm"  # the catalogue app.ui.register.application loads
    if dest.startswith(QT_PLUGINS):
        return _keep_plugin(dest[len(QT_PLUGINS):], UNUSED_QT_PLUGIN_DIRS, UNUSED_QT_PLUGINS)
    if dest.startswith(QT_LIB):
        return _stem(name) not in UNUSED_QT_LIBS
    if dest.startswith(WIN_QT_PLUGINS):
        return _keep_plugin(dest[len(WIN_QT_PLUGINS):], WIN_UNUSED_QT_PLUGIN_DIRS,
                            (*UNUSED_QT_PLUGINS, *WIN_UNUSED_QT_PLUGINS))
    if "/" not in dest and name.lower().endswith(".dll"):
        return _stem(name) not in WIN_UNUSED_QT_DLLS
    if dest.startswith(PIL_PACKAGE) and name.lower().endswith(".pyd"):  # Windows extensions
        return _stem(name) not in WIN_UNUSED_PIL_EXTENSIONS
    return dest not in WIN_UNUSED_FILES


def windows_file_version(version: str) -> tuple[int, int, int, int]:
    """pyproject's version as the four numbers of a Windows version resource and an MSI.

    "0.1.0" -> (0, 1, 0, 0). Only plain release numbers are accepted: Windows Installer compares
    the first three fields (each at most 255, 255, 65535) to decide on an upgrade, so "0.1.0rc1"
    or "1.2.3.4.5" must stop the build rather than produce a version that sorts wrongly.
    """
    parts = version.split(".")
    if not 1 <= len(parts) <= 4 or not all(p.isdigit() for p in parts):
        raise ValueError(f"version {version!r} is not N.N.N: Windows and the MSI need plain "
                         f"numbers")
    numbers = [int(p) for p in parts] + [0] * (4 - len(parts))
    if numbers[0] > 255 or numbers[1] > 255 or numbers[2] > 65535 or numbers[3] > 65535:
        raise ValueError(f"version {version!r} is out of range for Windows Installer "
                         f"(255.255.65535)")
    return numbers[0], numbers[1], numbers[2], numbers[3]
