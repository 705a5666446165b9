"""Every message has Dutch and English text with the same {placeholders}."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract
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


# The keywords of `make extract` (pybabel's defaults, plus N_ and ngettext's two forms).
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "ngettext": (1, 2)}


def code_messages(folder: Path) -> list[tuple[str, str | tuple[str, ...]]]:
    """Every message marked in the Python files below ``folder``, read by Babel's own
    extractor (as `make extract` does): multi-line literals and ngettext's forms included."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        with open(path, "rb") as fh:
            for _line, message, _comments, _context in extract("python", fh, keywords=KEYWORDS):
                found.append((path.name, message))
    return found


def missing_messages(folder: Path, po_path: Path) -> list[tuple[str, str | tuple[str, ...]]]:
    with open(po_path, "rb") as fh:
        known = {m.id for m in read_po(fh) if m.id}
    return [(name, message) for name, message in code_messages(folder)
            if (message if isinstance(message, str) else tuple(message)) not in known]


def test_catalogue_covers_every_message_in_the_code() -> None:
    po = ROOT / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
    messages = code_messages(ROOT / "app")
    assert len(messages) > 700  # the extractor read the code (785 marked messages in 2026-11)
    assert any(isinstance(m, tuple) for _name, m in messages)  # ngettext's forms are checked too
    assert missing_messages(ROOT / "app", po) == []


def test_the_extractor_sees_multi_line_and_plural_messages(tmp_path: Path) -> None:
    (tmp_path / "view.py").write_text(
        'from app.i18n import _, ngettext\n'
        'TITLE = _("A message written "\n'
        '          "over two lines")\n'
        'def count(n):\n'
        '    return ngettext("{n} new thing", "{n} new things", n).format(n=n)\n',
        encoding="utf-8")
    assert code_messages(tmp_path) == [("view.py", "A message written over two lines"),
                                       ("view.py", ("{n} new thing", "{n} new things"))]
    po = ROOT / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
    assert missing_messages(tmp_path, po) == code_messages(tmp_path)  # neither is translated


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


def test_a_quarter_has_one_name_in_dutch() -> None:
    """Issue 22 (low): "K4" beside "Q4". The quarter is "2026-Q3" in files, on the command line
    and on every screen, so the Dutch text says Q too, never K1..K4."""
    import re

    text = (ROOT / "translations" / "nl" / "LC_MESSAGES" / "messages.po").read_text(
        encoding="utf-8")
    msgstrs = re.findall(r'^msgstr (?:"(.*)"\n)((?:".*"\n)*)', text, flags=re.MULTILINE)
    joined = ["".join([first, *re.findall(r'"(.*)"', rest)]) for first, rest in msgstrs]
    assert joined and not [s for s in joined if re.search(r"\bK[1-4]\b", s)]
