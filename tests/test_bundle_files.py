"""build.spec ships every resource, and stops when one is missing (tools/bundle_files.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import app
from app.i18n import LANGUAGES
from tools import bundle_files
from tools.bundle_files import DATA_FILES, MissingBundleFiles, check_data_files, keep_in_bundle

ROOT = Path(__file__).resolve().parent.parent


def test_every_resource_is_listed_for_the_bundle() -> None:
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "resources").rglob("*")
               if p.is_file()}
    listed = {src for src, _dest in DATA_FILES}
    assert on_disk - listed == set(), "add new resources to tools/bundle_files.py DATA_FILES"
    assert {src for src in listed if src.startswith("resources/")} == on_disk


def test_each_file_keeps_its_folder_inside_the_bundle() -> None:
    # app.paths looks under sys._MEIPASS with the same layout as the source tree.
    for src, dest in DATA_FILES:
        assert Path(src).parent.as_posix() == dest


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_both_compiled_catalogues_are_listed(lang: str) -> None:
    assert (f"translations/{lang}/LC_MESSAGES/messages.mo",
            f"translations/{lang}/LC_MESSAGES") in DATA_FILES
    assert lang in bundle_files.LANGUAGES


# --- the bundle as built (make dist; make test builds it before pytest) --------------------------
BUNDLE = ROOT / "dist" / "vertrouwd"
CONTENTS = BUNDLE / "_internal"  # PyInstaller's contents folder: sys._MEIPASS of the program
built = pytest.mark.skipif(
    not CONTENTS.is_dir(),
    reason="no built bundle in dist/vertrouwd/: run `make dist` (make test does, before pytest)")


def built_files() -> set[str]:
    """Every file inside the built bundle's contents folder, as a relative path."""
    return {p.relative_to(CONTENTS).as_posix() for p in CONTENTS.rglob("*") if p.is_file()}


@built
def test_the_built_bundle_carries_every_data_file_as_it_is_in_the_tree() -> None:
    files = built_files()
    for src, dest in DATA_FILES:
        inside = f"{dest}/{Path(src).name}"
        assert inside in files, f"{src} is missing from the built bundle"
        assert (CONTENTS / inside).read_bytes() == (ROOT / src).read_bytes(), inside


@built
def test_the_built_bundle_has_no_data_file_that_is_not_listed() -> None:
    ours = {f for f in built_files() if f.startswith(("resources/", "translations/"))}
    assert ours == {f"{dest}/{Path(src).name}" for src, dest in DATA_FILES}


@built
def test_the_built_bundle_left_out_what_it_does_not_use() -> None:
    assert [f for f in sorted(built_files()) if not keep_in_bundle(f)] == []
    kept_babel = {f for f in built_files() if f.startswith("babel/locale-data/")}
    assert {"babel/locale-data/root.dat", "babel/locale-data/nl.dat",
            "babel/locale-data/en.dat"} <= kept_babel


@built
def test_the_built_program_is_not_packed_with_upx() -> None:
    # UPX-packed executables and libraries start a section with the magic "UPX!"; virus
    # scanners on Defence laptops distrust them.
    executables = [p for p in BUNDLE.iterdir() if p.is_file()]
    libraries = [p for p in CONTENTS.rglob("*") if p.is_file()
                 and (".so" in p.name or p.suffix in (".dll", ".pyd"))]
    assert executables and libraries
    assert [p.name for p in executables + libraries if b"UPX!" in p.read_bytes()] == []


def test_a_missing_file_stops_the_build_with_its_name(tmp_path: Path) -> None:
    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "there.txt").write_text("x")
    entries = [("resources/there.txt", "resources"),
               ("translations/nl/LC_MESSAGES/messages.mo", "translations/nl/LC_MESSAGES")]
    with pytest.raises(MissingBundleFiles) as info:
        check_data_files(entries, tmp_path)
    assert info.value.missing == ["translations/nl/LC_MESSAGES/messages.mo"]
    assert "messages.mo" in str(info.value) and "make translations" in str(info.value)


def test_present_files_become_absolute_pairs(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{}")
    assert check_data_files([("a.json", ".")], tmp_path) == [(str(tmp_path / "a.json"), ".")]


def test_name_and_version_come_from_pyproject() -> None:
    assert bundle_files.project_metadata(ROOT) == ("vertrouwd", app.__version__)


@pytest.mark.parametrize("dest", [
    "babel/locale-data/root.dat", "babel/locale-data/nl.dat", "babel/locale-data/en.dat",
    "babel/locale-data/en_GB.dat", "babel/global.dat",
    "PySide6/Qt/translations/qtbase_nl.qm",
    "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so", "PySide6/Qt/plugins/platforms/qwindows.dll",
    "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
    "PySide6/Qt/lib/libQt6Widgets.so.6", "PySide6/Qt/lib/libQt6DBus.so.6",
    "translations/nl/LC_MESSAGES/messages.mo", "resources/fonts/DejaVuSans.ttf",
])
def test_needed_files_stay_in_the_bundle(dest: str) -> None:
    assert keep_in_bundle(dest)


@pytest.mark.parametrize("dest", [
    "babel/locale-data/de.dat", "babel/locale-data/fy.dat",
    "PySide6/Qt/translations/qtbase_de.qm", "PySide6/Qt/translations/qt_help_nl.qm",
    "PySide6/Qt/plugins/platforms/libqvnc.so", "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/generic/libqtuiotouchplugin.so",
    "PySide6/Qt/plugins/imageformats/qjpeg.dll", "PySide6/Qt/lib/libQt6Network.so.6",
])
def test_unused_files_are_left_out(dest: str) -> None:
    assert not keep_in_bundle(dest)


def test_babel_has_the_data_for_both_languages() -> None:
    import babel

    data = Path(babel.__file__).parent / "locale-data"
    kept = {p.name for p in data.glob("*.dat") if keep_in_bundle(f"babel/locale-data/{p.name}")}
    assert {"root.dat", *(f"{lang}.dat" for lang in LANGUAGES)} <= kept
    assert len(kept) < len(list(data.glob("*.dat"))) / 4
