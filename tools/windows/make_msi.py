"""The MSI for IT departments, built on Linux with Debian's `wixl` (msitools) from the Windows
bundle that make dist-windows wrote.

    python tools/windows/make_msi.py [--bundle DIR] [--version X.Y.Z] [--out FILE.msi]

Writes a WiX 3 source (`.wxs`, kept beside the build in build/windows/msi/ to read) from the
bundle's file list and compiles it with `wixl -a x64`:

- one per-machine product (`InstallScope="perMachine"`) installed into
  `C:\\Program Files\\Vertrouwd`; version from pyproject.toml (or --version, which the upgrade
  check in tools/windows/check_msi.py uses to build an older one from the same bundle);
- a fixed UpgradeCode and `MajorUpgrade`: a newer MSI replaces an older one, an older one is
  refused with a message (a downgrade could leave a register that the older program cannot
  read);
- one component per file, each GUID derived from the file's path inside the folder (uuid5),
  so a file keeps its component GUID from version to version, as Windows Installer requires;
- a Start-menu shortcut to Vertrouwd.exe, the program icon in "Apps & features".

Nothing under %LOCALAPPDATA% (registers, backups, logs, settings) belongs to the MSI, so an
upgrade or an uninstall never touches it.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import uuid
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.bundle_files import project_metadata, windows_file_version  # noqa: E402

BUNDLE = ROOT / "dist" / "windows" / "Vertrouwd"
ICON = ROOT / "resources" / "icons" / "vertrouwd.ico"
WORK = ROOT / "build" / "windows" / "msi"

PRODUCT_NAME = "Vertrouwd"
MANUFACTURER = "Ministerie van Defensie"
# Never change these two: the UpgradeCode ties every version of the product together (that
# is how a new MSI finds and replaces the old one), and the namespace fixes every component
# GUID (uuid5 of the file's path) for good.
UPGRADE_CODE = "C263C3F5-657F-4BF5-BDE0-1B07F308A337"
COMPONENT_NAMESPACE = uuid.UUID("BC3DC279-113C-4FD1-A07F-8C3A43A04E71")
LANGUAGE = "1043"  # Dutch (Netherlands)
CODEPAGE = "1252"
GUI_EXE = "Vertrouwd.exe"
DOWNGRADE_MESSAGE = ("Er is al een nieuwere versie van Vertrouwd geïnstalleerd. "
                     "A newer version of Vertrouwd is already installed.")
WIX_NS = "http://schemas.microsoft.com/wix/2006/wi"


def component_guid(rel: str) -> str:
    """The component GUID of the file at `rel` (inside the install folder, "/" or "\\").

    Windows compares paths without regard to case, so neither do the GUIDs."""
    key = rel.replace("/", "\\").lower()
    return str(uuid.uuid5(COMPONENT_NAMESPACE, key)).upper()


def _ident(prefix: str, rel: str) -> str:
    """A Windows Installer identifier (letters, digits, _ and .; at most 72) for a path."""
    return prefix + hashlib.sha256(rel.lower().encode("utf-8")).hexdigest()[:40]


def bundle_files(bundle: Path) -> list[str]:
    """Every file of the bundle, relative, with "/"; refuses what an MSI cannot carry."""
    files = []
    for path in sorted(bundle.rglob("*")):
        rel = path.relative_to(bundle).as_posix()
        if path.is_symlink():
            raise ValueError(f"{rel} is a symbolic link: the bundle must hold plain files")
        if path.is_file():
            files.append(rel)
    if GUI_EXE not in files:
        raise ValueError(f"{bundle} has no {GUI_EXE}: is it the Windows bundle?")
    if any(PurePosixPath(rel).parts[0] == "VertrouwdData" for rel in files):
        raise ValueError(f"{bundle} holds a VertrouwdData folder (someone's data, or a test "
                         f"that did not clean up): remove it before packaging")
    return files


def wixl_source(path: Path) -> str:
    """How the .wxs names a file for wixl: it accepts only paths relative to its working
    folder, and build_msi runs it in "/", so this is the absolute path without its first "/".
    """
    return path.resolve().relative_to("/").as_posix()


def build_wxs(bundle: Path, version: str, icon: Path = ICON) -> str:
    """The WiX source for the bundle at `bundle`, as text."""
    windows_file_version(version)  # refuses what Windows Installer cannot compare
    ET.register_namespace("", WIX_NS)

    def el(parent: ET.Element | None, tag: str, **attrs: str) -> ET.Element:
        tag = f"{{{WIX_NS}}}{tag}"
        return ET.Element(tag, attrs) if parent is None else ET.SubElement(parent, tag, attrs)

    wix = el(None, "Wix")
    product = el(wix, "Product", Id="*", Name=PRODUCT_NAME, Language=LANGUAGE,
                 Codepage=CODEPAGE, Version=version, Manufacturer=MANUFACTURER,
                 UpgradeCode=UPGRADE_CODE)
    el(product, "Package", InstallerVersion="500", Compressed="yes",
       InstallScope="perMachine", Languages=LANGUAGE,
       SummaryCodepage=CODEPAGE, Manufacturer=MANUFACTURER,
       Description=f"{PRODUCT_NAME} {version}")
    el(product, "MajorUpgrade", DowngradeErrorMessage=DOWNGRADE_MESSAGE)
    el(product, "MediaTemplate", EmbedCab="yes")
    el(product, "Icon", Id="vertrouwd.ico", SourceFile=wixl_source(icon))
    el(product, "Property", Id="ARPPRODUCTICON", Value="vertrouwd.ico")

    target = el(product, "Directory", Id="TARGETDIR", Name="SourceDir")
    program_files = el(target, "Directory", Id="ProgramFiles64Folder")
    install = el(program_files, "Directory", Id="INSTALLDIR", Name=PRODUCT_NAME)
    el(target, "Directory", Id="ProgramMenuFolder")
    feature = el(product, "Feature", Id="Main", Title=PRODUCT_NAME, Level="1")

    folders: dict[str, ET.Element] = {"": install}

    def folder_of(rel_dir: str) -> ET.Element:
        if rel_dir not in folders:
            parent_rel, _, name = rel_dir.rpartition("/")
            folders[rel_dir] = el(folder_of(parent_rel), "Directory",
                                  Id=_ident("d", rel_dir), Name=name)
        return folders[rel_dir]

    for rel in bundle_files(bundle):
        parent_rel, _, name = rel.rpartition("/")
        comp_id = _ident("c", rel)
        component = el(folder_of(parent_rel), "Component", Id=comp_id,
                       Guid=component_guid(rel), Win64="yes")
        file_el = el(component, "File", Id=_ident("f", rel), Name=name,
                     Source=wixl_source(bundle / rel), KeyPath="yes")
        if rel == GUI_EXE:
            # Advertised: wixl (msitools 0.101) builds no other kind of shortcut.
            el(file_el, "Shortcut", Id="StartMenuShortcut", Directory="ProgramMenuFolder",
               Name=PRODUCT_NAME, WorkingDirectory="INSTALLDIR", Icon="vertrouwd.ico",
               Advertise="yes")
        el(feature, "ComponentRef", Id=comp_id)

    ET.indent(wix, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(wix, encoding="unicode") + "\n"


def build_msi(bundle: Path, version: str, out: Path, work: Path = WORK) -> Path:
    if not shutil.which("wixl"):
        raise SystemExit("make_msi: wixl is missing: install the Debian package wixl (msitools)")
    work.mkdir(parents=True, exist_ok=True)
    wxs = work / f"{PRODUCT_NAME}-{version}.wxs"
    wxs.write_text(build_wxs(bundle, version), encoding="utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    proc = subprocess.run(["wixl", "-a", "x64", "-o", str(partial.resolve()),
                           str(wxs.resolve())], cwd="/", capture_output=True, text=True)
    if proc.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        raise SystemExit(f"make_msi: wixl failed on {wxs}:\n{proc.stderr.strip()}")
    partial.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    _name, project_version = project_metadata(ROOT)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=BUNDLE)
    parser.add_argument("--version", default=project_version)
    parser.add_argument("--out", type=Path, default=None)
    ns = parser.parse_args(argv)
    out = ns.out or ns.bundle.parent / f"{PRODUCT_NAME}-{ns.version}.msi"
    try:
        files = bundle_files(ns.bundle)
    except (ValueError, FileNotFoundError) as exc:
        raise SystemExit(f"make_msi: {exc}") from None
    build_msi(ns.bundle, ns.version, out)
    print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: {len(files)} files, "
          f"{out.stat().st_size / 1e6:.1f} MB, version {ns.version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
