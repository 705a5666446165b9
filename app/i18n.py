"""One place for translations and locale-aware formatting.

Message ids are English; Dutch is the default language. `_` and `ngettext` look up the
*current* language at call time, so switching language re-translates whatever is shown next.
Mark constants with `N_` and translate them where they are shown.
"""

from __future__ import annotations

import datetime as dt
import gettext
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Translator:
    """The messages and formats of one language, whatever the interface shows.

    A report in English while the window is in Dutch renders with ``translator("en")`` passed
    down, so nothing process-wide changes while it renders. The module functions below (`_`,
    `ngettext`, `format_*`) are this class for the current language."""

    language: str

    def _(self, message: str) -> str:
        return _load(self.language).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _load(self.language).ngettext(singular, plural, n)

    def locale(self) -> Locale:
        # Babel loads on first use (not at import): the unlock dialog shows sooner.
        from babel import Locale

        return Locale.parse(self.language)

    def format_number(self, value: int | float | Decimal, decimals: int | None = None) -> str:
        from babel.numbers import format_decimal

        if decimals is not None:
            fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
            return format_decimal(value, format=fmt, locale=self.locale())
        return format_decimal(value, locale=self.locale())

    def format_date(self, value: dt.date, fmt: str = "medium") -> str:
        from babel.dates import format_date as babel_format_date

        return babel_format_date(value, format=fmt, locale=self.locale())

    def format_datetime(self, value: dt.datetime, fmt: str = "medium") -> str:
        from babel.dates import format_datetime as babel_format_datetime

        return babel_format_datetime(value, format=fmt, locale=self.locale())

    def format_minutes(self, minutes: int) -> str:
        """Minutes as hours and minutes the way people say them: '1 u', '1 u 15 min',
        '45 min' (English: '1 h', '1 h 15 min', '45 min')."""
        hours, rest = divmod(int(minutes), 60)
        if hours and rest:
            return self._("{hours} h {minutes} min").format(hours=self.format_number(hours),
                                                             minutes=rest)
        if hours:
            return self._("{hours} h").format(hours=self.format_number(hours))
        return self._("{minutes} min").format(minutes=rest)


def translator(lang: str | None = None) -> Translator:
    """The translator of ``lang`` (None: the current language; an unknown one: Dutch)."""
    if lang is None:
        return Translator(_current_language)
    return Translator(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def _(message: str) -> str:
    return translator()._(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translator().ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext marker name extractors look for
    """Mark a string for extraction without translating it now."""
    return message


def locale() -> Locale:
    return translator().locale()


def format_number(value: int | float | Decimal, decimals: int | None = None) -> str:
    return translator().format_number(value, decimals)


def format_date(value: dt.date, fmt: str = "medium") -> str:
    return translator().format_date(value, fmt)


def format_datetime(value: dt.datetime, fmt: str = "medium") -> str:
    return translator().format_datetime(value, fmt)


def format_minutes(minutes: int) -> str:
    """Minutes as hours and minutes: '1 u', '1 u 15 min', '45 min' (Dutch)."""
    return translator().format_minutes(minutes)
