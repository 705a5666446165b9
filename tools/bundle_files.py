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


def _stem(name: str) -> str:
    name = name.removeprefix("lib")
    return name.split(".", 1)[0]


def keep_in_bundle(dest: str) -> bool:
    """False for a file (by its path inside the bundle) that PyInstaller collected needlessly."""
    dest = dest.replace("\\", "/")
    name = dest.rsplit("/", 1)[-1]
    if dest.startswith(BABEL_LOCALE_DATA):
        stem = _stem(name)
        return stem == "root" or any(stem == lang or stem.startswith(lang + "_")
                                     for lang in LANGUAGES)
    if dest.startswith(QT_TRANSLATIONS):
        return name == "qtbase_nl.qm"  # the catalogue app.ui.application loads
    if dest.startswith(QT_PLUGINS):
        folder = dest[len(QT_PLUGINS):].split("/", 1)[0]
        return folder not in UNUSED_QT_PLUGIN_DIRS and _stem(name) not in UNUSED_QT_PLUGINS
    if dest.startswith(QT_LIB):
        return _stem(name) not in UNUSED_QT_LIBS
    return True
