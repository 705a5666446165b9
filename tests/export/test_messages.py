from __future__ import annotations

import re
import string

from babel.messages.pofile import read_po

from app import errors
from app.paths import translations_dir


def _interchange_msgids() -> set[str]:
    ids = {
        cls.default_message
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.InvalidImportFile)
    }
    return ids | {v for k, v in vars(errors).items()
                  if k.startswith(("LEVEL_RULE_", "BOUND_", "REVISION_"))}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_interchange_sentence_has_a_dutch_translation_with_the_same_placeholders() -> None:
    with open(translations_dir() / "nl" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        pairs = {m.id: m.string for m in read_po(fh) if isinstance(m.id, str) and m.id}
    for english in _interchange_msgids():
        dutch = pairs[english]
        assert _placeholders(english) == _placeholders(dutch), english
        assert re.search(r"Er is niets ingelezen\.$", dutch)


def test_every_refusal_class_has_its_own_sentence() -> None:
    classes = [
        cls for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.InvalidImportFile)
    ]
    assert len({cls.default_message for cls in classes}) == len(classes)
