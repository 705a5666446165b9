"""One place for translations and locale-aware formatting.

Message ids are English; Dutch is the default language. `_` and `ngettext` look up the
*current* language at call time, so switching language re-translates whatever is shown next.
Mark constants with `N_` and translate them where they are shown.
"""

from __future__ import annotations

import datetime as dt
import gettext
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from app.paths import translations_dir

if TYPE_CHECKING:
    from babel import Locale

LANGUAGES: dict[str, str] = {"nl": "Nederlands", "en": "English"}
DEFAULT_LANGUAGE = "nl"

_current_language = DEFAULT_LANGUAGE
_translations: dict[str, gettext.NullTranslations] = {}


def _load(lang: str) -> gettext.NullTranslations:
    if lang not in _translations:
        _translations[lang] = gettext.translation(
            "messages", localedir=str(translations_dir()), languages=[lang], fallback=True
        )
    return _translations[lang]


def set_language(lang: str) -> None:
    global _current_language
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    _current_language = lang


def current_language() -> str:
    return _current_language


def catalog_available(lang: str) -> bool:
    return (Path(translations_dir()) / lang / "LC_MESSAGES" / "messages.mo").is_file()


def _(message: str) -> str:
    return _load(_current_language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _load(_current_language).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext marker name extractors look for
    """Mark a string for extraction without translating it now."""
    return message


def locale() -> Locale:
    # Babel loads on first use (not at import): the unlock dialog shows sooner.
    from babel import Locale

    return Locale.parse(_current_language)


def format_number(value: int | float | Decimal, decimals: int | None = None) -> str:
    from babel.numbers import format_decimal

    if decimals is not None:
        fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        return format_decimal(value, format=fmt, locale=locale())
    return format_decimal(value, locale=locale())


def format_date(value: dt.date, fmt: str = "medium") -> str:
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format=fmt, locale=locale())


def format_datetime(value: dt.datetime, fmt: str = "medium") -> str:
    from babel.dates import format_datetime as babel_format_datetime

    return babel_format_datetime(value, format=fmt, locale=locale())


def format_minutes(minutes: int) -> str:
    """Minutes as hours and minutes, e.g. '5:45' -> '5 u 45 min' / '5 h 45 min'."""
    hours, rest = divmod(int(minutes), 60)
    return _("{hours} h {minutes} min").format(hours=format_number(hours), minutes=rest)
