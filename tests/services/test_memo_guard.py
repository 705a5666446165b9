from __future__ import annotations

import pytest

from app.services.confidant.memo_guard import check_memo


def kinds(text: str) -> list[str]:
    return [w.kind for w in check_memo(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("conflict met leidinggevende over rooster", []),
        ("Werkdruk en zorgen over uitzending", []),
        ("gesprek met Jan Jansen over pesten", ["name"]),
        ("collega van der Berg zei iets", ["name"]),
        ("de heer De Vries", ["name"]),
        ("personeelsnummer 1234567", ["number"]),
        ("bel 06-12345678 terug", ["phone"]),
        ("bel 0612345678", ["phone"]),
        ("nummer +31 6 1234 5678", ["phone"]),
        ("mail naar j.jansen@mindef.nl", ["email"]),
        ("3 gesprekken van 45 minuten in 2026", []),
    ],
)
def test_memo_warnings(text: str, expected: list[str]) -> None:
    assert kinds(text) == expected


def test_several_kinds_at_once() -> None:
    assert set(kinds("Piet Bakker, 0687654321, p.bakker@example.org")) == {"name", "phone", "email"}
