"""Keep the catalogues in step with the code.

    python tools/i18n_sync.py [PAIRS_FILE ...]

1. extracts every marked string from app/ into translations/messages.pot;
2. updates translations/nl and translations/en from it (obsolete entries dropped);
3. English is the source language: its catalogue gets msgstr = msgid for every message;
4. each PAIRS_FILE holds lines `English msgid ||| Nederlandse vertaling` that are written into
   the Dutch catalogue (use `\\n` for a line break inside a message).
Prints the Dutch messages that still lack a translation; exits 1 if there are any.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TR = ROOT / "translations"


def _po(lang: str) -> Path:
    return TR / lang / "LC_MESSAGES" / "messages.po"


def main(pair_files: list[str]) -> int:
    bindir = Path(sys.executable).parent
    subprocess.run([str(bindir / "pybabel"), "extract", "-F", str(ROOT / "babel.cfg"), "-k", "N_",
                    "-k", "ngettext:1,2", "--no-location", "--sort-output", "--project",
                    "Vertrouwd", "-o", str(TR / "messages.pot"), str(ROOT / "app")],
                   check=True, capture_output=True)
    with open(TR / "messages.pot", "rb") as fh:
        template = read_po(fh)
    pairs: dict[str, str] = {}
    for name in pair_files:
        for line in Path(name).read_text(encoding="utf-8").splitlines():
            if " ||| " in line:
                en, nl = line.split(" ||| ", 1)
                pairs[en.replace("\\n", "\n")] = nl.replace("\\n", "\n")
    missing: list[str] = []
    for lang in ("nl", "en"):
        path = _po(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with open(path, "rb") as fh:
                catalog = read_po(fh, locale=lang)
        else:
            from babel.messages.catalog import Catalog

            catalog = Catalog(locale=lang, project="Vertrouwd")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        for message in catalog:
            if not message.id:
                continue
            if lang == "en":
                message.string = message.id
            elif isinstance(message.id, str) and message.id in pairs:
                message.string = pairs[message.id]
            elif isinstance(message.id, tuple):
                key = message.id[0]
                if key in pairs:
                    parts = pairs[key].split(" ||| ")
                    message.string = tuple(parts) if len(parts) > 1 else (parts[0], parts[0])
            message.flags.discard("fuzzy")
            if lang == "nl" and (not message.string or (isinstance(message.string, tuple)
                                                        and not all(message.string))):
                missing.append(message.id if isinstance(message.id, str) else message.id[0])
        with open(path, "wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True, no_location=True)
    for m in missing:
        print("untranslated:", m)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
