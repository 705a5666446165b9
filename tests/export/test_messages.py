from __future__ import annotations

import re
import string

from app import errors
from app.paths import translations_dir


def _interchange_msgids() -> set[str]:
    ids = {
        cls.default_message
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.InvalidImportFile)
    }
    return ids | {v for k, v in vars(errors).items() if k.startswith("LEVEL_RULE_")}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_interchange_sentence_has_a_dutch_translation_with_the_same_placeholders() -> None:
    lines = (translations_dir() / "interchange-nl.txt").read_text(encoding="utf-8").splitlines()
    pairs = dict(line.split(" ||| ") for line in lines if line.strip())
    assert set(pairs) == _interchange_msgids()
    for english, dutch in pairs.items():
        assert _placeholders(english) == _placeholders(dutch), english
        assert re.search(r"Er is niets ingelezen\.$", dutch)


def test_every_refusal_class_has_its_own_sentence() -> None:
    classes = [
        cls for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.InvalidImportFile)
    ]
    assert len({cls.default_message for cls in classes}) == len(classes)
