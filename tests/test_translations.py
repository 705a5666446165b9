"""Every message has Dutch and English text with the same {placeholders}."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def catalog_problems(po_path: Path, lang: str) -> list[str]:
    with open(po_path, "rb") as fh:
        catalog = read_po(fh, locale=lang)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        if isinstance(message.id, tuple) and len(strings) < catalog.num_plurals:
            problems.append(f"missing plural form: {ids[0]!r}")
        for s in strings:
            if _fields(s) != _fields(ids[0]) and _fields(s) != _fields(ids[-1]):
                problems.append(f"placeholders differ: {ids[0]!r}")
    return problems


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_catalogue_is_complete(lang: str) -> None:
    po = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    assert catalog_problems(po, lang) == []


def test_catalogue_covers_every_message_in_the_code() -> None:
    with open(ROOT / "translations" / "nl" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    pattern = re.compile(r"""\b(?:_|N_)\(\s*\n?\s*("(?:[^"\\]|\\.)*")\s*\)""")
    missing = []
    for path in (ROOT / "app").rglob("*.py"):
        for literal in pattern.findall(path.read_text(encoding="utf-8")):
            text = eval(literal)  # a plain string literal from our own source
            if text not in known:
                missing.append((path.name, text))
    assert missing == []


def test_checker_catches_a_missing_and_a_broken_translation(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Hello {name}"\nmsgstr ""\n\n'
                  'msgid "Bye {name}"\nmsgstr "Dag {naam}"\n', encoding="utf-8")
    problems = catalog_problems(po, "nl")
    assert any("untranslated" in p for p in problems)
    assert any("placeholders" in p for p in problems)


def test_checker_fails_when_one_english_text_goes_missing(tmp_path: Path) -> None:
    """Proof on the real English catalogue: blank one message and the check fails."""
    with open(ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale="en")
    victim = next(m for m in catalog if m.id and isinstance(m.id, str))
    victim.string = ""
    from babel.messages.pofile import write_po

    broken = tmp_path / "messages.po"
    with open(broken, "wb") as fh:
        write_po(fh, catalog)
    assert catalog_problems(broken, "en") == [f"untranslated: {victim.id!r}"]
