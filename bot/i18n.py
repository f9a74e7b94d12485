"""Interface texts in the visitor's language, from the gettext catalogs in bot/locale/.

The code writes each text in English (the msgid); bot/locale/<locale>/LC_MESSAGES/messages.po
holds its translation for each language the desk speaks, compiled to messages.mo by
``make`` (and by the Dockerfile). English msgids rather than keys: the code reads as what the
visitor is told, ``pybabel extract`` gives translators the English text to work from, and when
an English text changes ``pybabel update`` marks its translations fuzzy, to be looked at again.

Knowledge-base answers are not here: they are the knowledge base's (bot/answers.py).
"""

from __future__ import annotations

import datetime as dt
import gettext
from functools import cache
from pathlib import Path

from babel.dates import format_datetime

from bot.text import Lang

DOMAIN = "messages"
LOCALE_DIR = Path(__file__).parent / "locale"

#: Each language's catalog directory (gettext's locale names).
CATALOGS: dict[Lang, str] = {
    Lang.EN: "en",
    Lang.ZH_HANT: "zh_Hant",
    Lang.ZH_HANS: "zh_Hans",
    Lang.JA: "ja",
    Lang.KO: "ko",
}
#: Each language's CLDR locale, for the names of weekdays and months.
_CLDR_LOCALES: dict[Lang, str] = {
    Lang.EN: "en_GB",
    Lang.ZH_HANT: "zh_Hant_TW",
    Lang.ZH_HANS: "zh_Hans_CN",
    Lang.JA: "ja_JP",
    Lang.KO: "ko_KR",
}


def N_(message: str) -> str:
    """Marks ``message`` for ``pybabel extract`` where it is translated later (in a table)."""
    return message


class CatalogMissing(RuntimeError):
    """The compiled catalogs are not there: the package was installed without ``make``."""


@cache
def _translations(lang: Lang) -> gettext.NullTranslations:
    try:
        return gettext.translation(DOMAIN, LOCALE_DIR, languages=[CATALOGS[lang]])
    except FileNotFoundError as exc:
        # Never a silent fallback to English: a visitor would get the wrong language unnoticed.
        raise CatalogMissing(
            f"no compiled catalog for {lang.value} in {LOCALE_DIR} (run `make catalogs`)"
        ) from exc


def check_catalogs() -> None:
    """Raise :class:`CatalogMissing` unless every language's compiled catalog is there (the
    image checks this when it is built)."""
    for lang in CATALOGS:
        _translations(lang)


def translate(message: str, lang: Lang, **values: object) -> str:
    """``message`` in ``lang``, its ``{placeholders}`` filled with ``values``."""
    text = _translations(lang).gettext(message)
    return text.format(**values) if values else text


def both(message: str, separator: str = " ") -> str:
    """``message`` in English and in Traditional Chinese at once, for moments when the
    visitor's language is not known yet."""
    return f"{translate(message, Lang.EN)}{separator}{translate(message, Lang.ZH_HANT)}"


def date_and_time(moment: dt.datetime, lang: Lang) -> str:
    """A weekday, a date and a time of day as ``lang`` writes them (the pattern is the
    catalog's, in CLDR's notation; the weekday and month names are CLDR's)."""
    # Translators: not a sentence but a CLDR date pattern, for when the office reopens: EEE
    # weekday, d day, MMM month name, M month number, HH:mm 24-hour time; 'quoted' letters are
    # printed as they are.
    pattern = translate("EEE d MMM 'at' HH:mm", lang)
    return format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=_CLDR_LOCALES[lang])
