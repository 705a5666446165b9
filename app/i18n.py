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

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.numbers import format_decimal as _babel_format_decimal

from app.paths import translations_dir

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


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


def locale() -> Locale:
    return Locale.parse(_current_language)


def format_number(value: int | float | Decimal, decimals: int | None = None) -> str:
    if decimals is not None:
        fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        return _babel_format_decimal(value, format=fmt, locale=locale())
    return _babel_format_decimal(value, locale=locale())


def format_date(value: dt.date, fmt: str = "medium") -> str:
    return _babel_format_date(value, format=fmt, locale=locale())


def format_datetime(value: dt.datetime, fmt: str = "medium") -> str:
    return _babel_format_datetime(value, format=fmt, locale=locale())


def format_minutes(minutes: int) -> str:
    """Minutes as hours and minutes, e.g. '5:45' -> '5 u 45 min' / '5 h 45 min'."""
    hours, rest = divmod(int(minutes), 60)
    return _("{hours} h {minutes} min").format(hours=format_number(hours), minutes=rest)
