"""The Windows packaging, checked without Windows: the MSI source and its stable GUIDs, the
portable zip, the icon, the trimming rules for the Windows wheel layout, the version numbers,
and the windowed program's handling of commands and missing console streams."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

import app.main
from app.main import CLI_EXE, fill_missing_streams, gives_a_command, main_windowed
from tools import make_icons
from tools.bundle_files import keep_in_bundle, project_metadata, windows_file_version
from tools.windows import make_msi, make_zip

ROOT = Path(__file__).resolve().parent.parent
NS = {"w": make_msi.WIX_NS}


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "Vertrouwd"
    for rel in ["Vertrouwd.exe", "vertrouwd-cli.exe", "_internal/python311.dll",
                "_internal/PySide6/plugins/platforms/qwindows.dll",
                "_internal/resources/icons/vertrouwd.ico", "_internal/Qt6Core.dll"]:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"contents of {rel}".encode())
    return folder


def _wxs(bundle: Path, version: str = "1.2.3") -> ET.Element:
    return ET.fromstring(make_msi.build_wxs(bundle, version))


# --- MSI source ---------------------------------------------------------------------------------
# The MSI is built on Linux (wixl), from Linux paths; the Windows test run leaves these out.
linux_only = pytest.mark.skipif(sys.platform == "win32",
                                reason="the MSI is built on Linux with wixl")


@linux_only
def test_the_product_is_per_machine_with_a_fixed_upgrade_code(bundle: Path) -> None:
    product = _wxs(bundle).find("w:Product", NS)
    assert product is not None
    assert product.get("Version") == "1.2.3" and product.get("Id") == "*"
    assert product.get("UpgradeCode") == "C263C3F5-657F-4BF5-BDE0-1B07F308A337"
    package = product.find("w:Package", NS)
    assert package is not None and package.get("InstallScope") == "perMachine"
    upgrade = product.find("w:MajorUpgrade", NS)
    assert upgrade is not None and "newer version" in upgrade.get("DowngradeErrorMessage", "")
    assert upgrade.get("AllowDowngrades") is None  # downgrades refused


@linux_only
def test_files_go_to_program_files_vertrouwd_one_component_each(bundle: Path) -> None:
    root = _wxs(bundle)
    pf = root.find(".//w:Directory[@Id='ProgramFiles64Folder']", NS)
    assert pf is not None
    install = pf.find("w:Directory[@Id='INSTALLDIR']", NS)
    assert install is not None and install.get("Name") == "Vertrouwd"

    def walk(d: ET.Element, prefix: str) -> dict[str, ET.Element]:
        found = {}
        for comp in d.findall("w:Component", NS):
            files = comp.findall("w:File", NS)
            assert len(files) == 1 and files[0].get("KeyPath") == "yes"
            assert comp.get("Win64") == "yes"
            found[prefix + files[0].get("Name", "")] = comp
        for sub in d.findall("w:Directory", NS):
            found |= walk(sub, prefix + sub.get("Name", "") + "/")
        return found

    components = walk(install, "")
    expected = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    assert set(components) == expected
    refs = {r.get("Id") for r in root.findall(".//w:Feature/w:ComponentRef", NS)}
    assert refs == {c.get("Id") for c in components.values()}
    ids = [e.get("Id") for e in root.iter() if e.get("Id") and e.get("Id") != "*"
           and not e.tag.endswith("ComponentRef")]
    assert len(ids) == len(set(ids)) and all(len(i) <= 72 for i in ids)
    for rel, comp in components.items():
        source = comp.find("w:File", NS)
        # wixl runs in "/" and takes the absolute path without its leading "/".
        assert source is not None
        assert Path("/", source.get("Source", "")) == (bundle / rel).resolve()


@linux_only
def test_component_guids_come_from_the_path_and_stay_across_versions(bundle: Path) -> None:
    def guids(version: str) -> dict[str, str]:
        return {c.get("Id", ""): c.get("Guid", "")
                for c in _wxs(bundle, version).iter(f"{{{make_msi.WIX_NS}}}Component")}

    old, new = guids("0.0.1"), guids("0.1.0")
    assert old == new and len(set(new.values())) == len(new)
    expected = str(uuid.uuid5(make_msi.COMPONENT_NAMESPACE, "_internal\\qt6core.dll")).upper()
    assert make_msi.component_guid("_internal/Qt6Core.dll") == expected
    assert expected in new.values()
    # A file that moves is a new component (its GUID changes with its path).
    assert make_msi.component_guid("_internal/Qt6Core.dll") != make_msi.component_guid(
        "Qt6Core.dll")


@linux_only
def test_the_start_menu_shortcut_opens_the_windowed_program(bundle: Path) -> None:
    root = _wxs(bundle)
    shortcuts = root.findall(".//w:Shortcut", NS)
    assert len(shortcuts) == 1
    parent = next(f for f in root.iter(f"{{{make_msi.WIX_NS}}}File")
                  if shortcuts[0] in list(f))
    assert parent.get("Name") == "Vertrouwd.exe"
    assert shortcuts[0].get("Directory") == "ProgramMenuFolder"
    assert root.find(".//w:Property[@Id='ARPPRODUCTICON']", NS) is not None


@linux_only
def test_user_data_in_the_bundle_folder_stops_the_packaging(bundle: Path) -> None:
    (bundle / "VertrouwdData" / "register").mkdir(parents=True)
    (bundle / "VertrouwdData" / "register" / "register.db").write_bytes(b"someone's data")
    with pytest.raises(ValueError, match="VertrouwdData"):
        make_msi.build_wxs(bundle, "1.0.0")
    with pytest.raises(ValueError, match="VertrouwdData"):
        make_zip.build_zip(bundle, bundle.parent / "x.zip")


@linux_only
def test_a_folder_without_the_windows_programs_is_refused(tmp_path: Path) -> None:
    (tmp_path / "vertrouwd").mkdir()
    (tmp_path / "vertrouwd" / "vertrouwd").write_bytes(b"linux program")
    with pytest.raises(ValueError, match=r"Vertrouwd\.exe"):
        make_msi.build_wxs(tmp_path / "vertrouwd", "1.0.0")


@linux_only
@pytest.mark.parametrize("bad", ["0.1.0rc1", "1.2.3.4.5", "256.0.0", "1..2", ""])
def test_versions_windows_installer_cannot_compare_are_refused(bundle: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        make_msi.build_wxs(bundle, bad)


def test_windows_version_numbers() -> None:
    assert windows_file_version("0.1.0") == (0, 1, 0, 0)
    assert windows_file_version("2.10") == (2, 10, 0, 0)
    assert windows_file_version("1.2.3.4") == (1, 2, 3, 4)
    assert windows_file_version(project_metadata(ROOT)[1])[:3] == tuple(
        int(p) for p in project_metadata(ROOT)[1].split("."))


@pytest.mark.skipif(shutil.which("wixl") is None or shutil.which("msiinfo") is None,
                    reason="wixl/msiinfo (Debian msitools) are not installed here")
def test_wixl_builds_an_msi_holding_every_file(bundle: Path, tmp_path: Path) -> None:
    out = make_msi.build_msi(bundle, "1.2.3", tmp_path / "out" / "V.msi", tmp_path / "work")

    def table(name: str) -> list[list[str]]:
        text = subprocess.run(["msiinfo", "export", str(out), name], capture_output=True,
                              text=True, check=True).stdout
        return [line.split("\t") for line in text.splitlines()[3:] if line]

    props = {row[0]: row[1] for row in table("Property")}
    assert props["ProductVersion"] == "1.2.3"
    assert props["UpgradeCode"] == "{C263C3F5-657F-4BF5-BDE0-1B07F308A337}"
    assert props["ALLUSERS"] == "1"  # per machine
    files = table("File")
    assert sorted(row[2].split("|")[-1] for row in files) == sorted(
        p.name for p in bundle.rglob("*") if p.is_file())
    components = table("Component")
    assert len(components) == len(files)
    assert {row[1].strip("{}") for row in components} == {
        make_msi.component_guid(p.relative_to(bundle).as_posix())
        for p in bundle.rglob("*") if p.is_file()}
    assert [row[2] for row in table("Shortcut")] == ["Vertrouwd"]


# --- portable zip -------------------------------------------------------------------------------
def test_the_zip_holds_the_folder_and_an_empty_data_folder(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "V-portable.zip"
    count = make_zip.build_zip(bundle, out)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert zf.read("Vertrouwd/Vertrouwd.exe") == (bundle / "Vertrouwd.exe").read_bytes()
        data = zf.getinfo("Vertrouwd/VertrouwdData/")
        assert data.is_dir() and data.file_size == 0
    files = sorted(f"Vertrouwd/{p.relative_to(bundle).as_posix()}"
                   for p in bundle.rglob("*") if p.is_file())
    assert sorted(names) == sorted([*files, "Vertrouwd/VertrouwdData/"])
    assert count == len(files)
    unpacked = tmp_path / "stick"
    with zipfile.ZipFile(out) as zf:
        zf.extractall(unpacked)
    assert (unpacked / "Vertrouwd" / "VertrouwdData").is_dir()
    assert list((unpacked / "Vertrouwd" / "VertrouwdData").iterdir()) == []


# --- icon ---------------------------------------------------------------------------------------
def _pixels(data: bytes) -> list[tuple[tuple[int, int], bytes]]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        sizes = sorted(img.info.get("sizes", {img.size}))
        found = []
        for size in sizes:
            if img.format == "ICO":
                img.size = size
            found.append((size, img.convert("RGBA").tobytes()))
        return found


def test_the_committed_icons_are_what_the_script_draws() -> None:
    # tools/make_icons.py redraws them exactly. (Compared as pixels: the compressed bytes also
    # match with the pinned Pillow on Linux, but another platform's zlib may pack them apart.)
    drawn = make_icons.outputs()
    assert sorted(drawn) == sorted(p.name for p in (ROOT / "resources" / "icons").iterdir())
    for name, data in drawn.items():
        committed = (ROOT / "resources" / "icons" / name).read_bytes()
        assert _pixels(committed) == _pixels(data), name


def test_the_ico_carries_every_size_from_16_to_256() -> None:
    from PIL import Image

    with Image.open(ROOT / "resources" / "icons" / "vertrouwd.ico") as ico:
        assert {w for w, _h in ico.info["sizes"]} >= {16, 24, 32, 48, 64, 128, 256}
    with Image.open(ROOT / "resources" / "icons" / "vertrouwd-16.png") as small:
        # Drawn at its own size: the centre is the white check mark, the corner transparent.
        rgba = small.convert("RGBA")
        assert rgba.getpixel((0, 15))[3] == 0
        white = [px for px in rgba.get_flattened_data() if px[:3] == (255, 255, 255)]
        assert len(white) > 3


@pytest.mark.gui
def test_the_window_icon_has_every_png_size(qapp: object) -> None:
    from app.ui.register.application import ICON_SIZES, app_icon

    icon = app_icon()
    assert not icon.isNull()
    assert sorted(s.width() for s in icon.availableSizes()) == sorted(ICON_SIZES)
    source = (ROOT / "app" / "ui" / "register" / "application.py").read_text(encoding="utf-8")
    assert "app.setWindowIcon(app_icon())" in source


# --- trimming rules for the Windows wheel layout -----------------------------------------------
@pytest.mark.parametrize("dest", [
    "PySide6/plugins/platforms/qwindows.dll", "PySide6/plugins/platforms/qoffscreen.dll",
    "PySide6/plugins/styles/qmodernwindowsstyle.dll", "PySide6/translations/qtbase_nl.qm",
    "Qt6Core.dll", "Qt6Gui.dll", "Qt6Widgets.dll", "Qt6PrintSupport.dll", "python311.dll",
    "MSVCP140.dll", "PySide6/QtWidgets.pyd", "PIL/_imaging.cp311-win_amd64.pyd",
    "PIL/Image.py", "resources/icons/vertrouwd-16.png",
])
def test_needed_windows_files_stay(dest: str) -> None:
    assert keep_in_bundle(dest)
    assert keep_in_bundle(dest.replace("/", "\\"))


@pytest.mark.parametrize("dest", [
    "PySide6/opengl32sw.dll", "Qt6Network.dll", "Qt6Svg.dll",
    "PySide6/plugins/generic/qtuiotouchplugin.dll", "PySide6/plugins/imageformats/qico.dll",
    "PySide6/plugins/imageformats/qjpeg.dll", "PySide6/plugins/iconengines/qsvgicon.dll",
    "PySide6/plugins/platforms/qdirect2d.dll", "PySide6/plugins/platforms/qminimal.dll",
    "PySide6/translations/qtbase_de.qm", "PySide6/translations/qt_help_nl.qm",
    "PIL/_avif.cp311-win_amd64.pyd", "PIL/_webp.cp311-win_amd64.pyd",
])
def test_unused_windows_files_are_left_out(dest: str) -> None:
    assert not keep_in_bundle(dest)
    assert not keep_in_bundle(dest.replace("/", "\\"))


@pytest.mark.parametrize("dest", [
    # The Linux bundle keeps what it kept before the Windows rules existed.
    "PySide6/Qt/plugins/imageformats/libqico.so", "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so", "PySide6/Qt/plugins/platforms/libqminimal.so",
    "PySide6/Qt/lib/libQt6Svg.so.6", "PIL/_avif.cpython-311-x86_64-linux-gnu.so",
    "PIL/_webp.cpython-311-x86_64-linux-gnu.so",
])
def test_the_windows_rules_leave_the_linux_bundle_alone(dest: str) -> None:
    assert keep_in_bundle(dest)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32",
                    reason="the Windows bundle itself runs without them (make dist-windows)")
def test_the_program_works_without_what_the_windows_bundle_leaves_out(tmp_path: Path) -> None:
    # Every app module imports, and the whole self-test passes (PDF included), with ssl and
    # Pillow's optional codecs blocked, as in the trimmed Windows bundle.
    code = """
import importlib, pkgutil, sys
for name in ["ssl", "_ssl", "PIL._avif", "PIL._webp", "PIL._imagingcms", "PIL._imagingtk"]:
    sys.modules[name] = None
import app
for mod in pkgutil.walk_packages(app.__path__, "app."):
    if not mod.name.endswith(("__main__", "windowed_main")):
        importlib.import_module(mod.name)
from app import cli
from app.main import _gui_check
raise SystemExit(cli.main(["--lang", "en", "self-test"], gui_check=_gui_check))
"""
    env = {**os.environ, "VERTROUWD_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok pdf:" in proc.stdout and "Self-test passed" in proc.stdout


# --- the windowed program (Vertrouwd.exe) -------------------------------------------------------
@pytest.mark.parametrize(("argv", "command"), [
    ([], False), (["--demo"], False), (["--register", "D:\\reg", "--lang", "en"], False),
    (["C:\\some\\file.vtq"], False),  # e.g. a file dropped on the program: the window opens
    (["self-test"], True), (["--lang", "en", "backup"], True), (["--help"], True),
    (["--version"], True), (["--register", "init"], False),  # a register folder named "init"
])
def test_what_counts_as_a_command(argv: list[str], command: bool) -> None:
    assert gives_a_command(argv) is command


def test_the_windowed_program_points_commands_to_the_cli(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_cli(*_args: object, **_kw: object) -> int:
        raise AssertionError("the windowed program must not run the command line")

    def no_gui(_argv: list[str]) -> int:
        raise AssertionError("not the window either: the user asked for a command")

    monkeypatch.setattr("app.cli.main", no_cli)
    monkeypatch.setattr("app.ui.register.application.run_gui", no_gui)
    told: list[str] = []
    assert main_windowed(["backup", "--out", "E:\\"], tell=told.append) == 2
    assert len(told) == 1
    assert f"{CLI_EXE} backup --out E:\\" in told[0]
    assert "opdrachtprompt" in told[0] and "command prompt" in told[0]


def test_without_a_console_the_hint_comes_in_a_message_box(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    boxes: list[str] = []
    monkeypatch.setattr(app.main, "_message_box", boxes.append)
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert main_windowed(["self-test"]) == 2
    assert len(boxes) == 1 and CLI_EXE in boxes[0]
    print("printing no longer fails")  # sys.stdout was replaced by the null device
    print("nor to stderr", file=sys.stderr)
    assert sys.stdout is not None and sys.stderr is not None
    sys.stdout.close()
    sys.stderr.close()


def test_with_stderr_redirected_the_hint_is_written_there(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    # A script that runs Vertrouwd.exe with its output redirected reads the hint; no dialog
    # can block it.
    monkeypatch.setattr(app.main, "_message_box", lambda _t: pytest.fail("no message box"))
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    assert main_windowed(["verify"]) == 2
    assert f"{CLI_EXE} verify" in err.getvalue()


def test_without_a_command_the_windowed_program_opens_the_window(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[list[str]] = []
    monkeypatch.setattr("app.ui.register.application.run_gui",
                        lambda argv: opened.append(argv) or 0)
    assert main_windowed(["--lang", "en"]) == 0
    assert opened == [["--lang", "en"]]


def test_missing_streams_are_replaced_and_present_ones_kept(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    keep = io.StringIO()
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", keep)
    assert fill_missing_streams() == ["stdout"]
    assert sys.stderr is keep
    sys.stdout.write("into the null device\n")
    sys.stdout.flush()
    assert fill_missing_streams() == []
    sys.stdout.close()


# --- the MSI check's reading of the registry ---------------------------------------------------
REG_OUTPUT = """
HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{DC8A3D2C-7007-4D35-B6A0-EC84063BCE63}
    DisplayName    REG_SZ    Vertrouwd
    DisplayVersion    REG_SZ    0.1.0
    Publisher    REG_SZ    Ministerie van Defensie

HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Wine Gecko
    DisplayName    REG_SZ    Wine Gecko (32-bit)
    DisplayVersion    REG_SZ    2.47.3

HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{00000000-1111-2222-3333-444444444444}
    DisplayName    REG_SZ    Vertrouwd
    DisplayVersion    REG_SZ    0.0.1
"""


def test_the_msi_check_counts_every_registered_vertrouwd() -> None:
    from tools.windows.check_msi import parse_products

    found = parse_products(REG_OUTPUT)
    assert sorted(found.values()) == ["0.0.1", "0.1.0"]  # two: an upgrade that failed
    assert all(key.startswith("HKEY_LOCAL_MACHINE\\") for key in found)
    assert parse_products("HKEY_LOCAL_MACHINE\\Software\\Uninstall\n") == {}
    only = "HKEY_LOCAL_MACHINE" + REG_OUTPUT.split("HKEY_LOCAL_MACHINE")[1]
    assert list(parse_products(only).values()) == ["0.1.0"]
