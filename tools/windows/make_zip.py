"""The portable zip: `Vertrouwd/` as built, with an empty `VertrouwdData/` beside the programs.

    python tools/windows/make_zip.py [--bundle DIR] [--version X.Y.Z] [--out FILE.zip]

Unpacked on a USB stick, the program finds `VertrouwdData` next to itself and keeps register,
backups, settings and logs there (portable mode, app/paths.py), so the stick can move between
laptops without leaving anything in a user profile.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.bundle_files import project_metadata  # noqa: E402
from tools.windows.make_msi import BUNDLE, PRODUCT_NAME, bundle_files  # noqa: E402

DATA_FOLDER = "VertrouwdData"


def build_zip(bundle: Path, out: Path) -> int:
    """Write the zip; returns the number of files in it."""
    files = bundle_files(bundle)  # the same refusals as the MSI (no VertrouwdData with data)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for rel in files:
            zf.write(bundle / rel, f"{PRODUCT_NAME}/{rel}")
        empty = zipfile.ZipInfo(f"{PRODUCT_NAME}/{DATA_FOLDER}/", date_time=(2026, 1, 1, 0, 0, 0))
        empty.external_attr = 0o40755 << 16 | 0x10  # a folder, for Unix and Windows unzippers
        zf.writestr(empty, b"")
    partial.replace(out)
    return len(files)


def main(argv: list[str] | None = None) -> int:
    _name, project_version = project_metadata(ROOT)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=BUNDLE)
    parser.add_argument("--version", default=project_version)
    parser.add_argument("--out", type=Path, default=None)
    ns = parser.parse_args(argv)
    out = ns.out or ns.bundle.parent / f"{PRODUCT_NAME}-{ns.version}-portable.zip"
    try:
        count = build_zip(ns.bundle, out)
    except ValueError as exc:
        raise SystemExit(f"make_zip: {exc}") from None
    print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: {count} files and an "
          f"empty {DATA_FOLDER}/, {out.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
