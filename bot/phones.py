"""Taiwanese phone numbers as a foreign visitor can dial them.

The knowledge base writes numbers the way Taiwan does (03-822-7171, (03) 862-1100). Dialled
from a foreign phone, or written for a delegate at home, that form fails: a visitor needs
+886 and the area code without its leading 0 (+886 3 822 7171). Short service codes (110,
119, 1925 …) are dialled as they are from any phone in Taiwan, and 0800 numbers are free only
inside Taiwan, where they are dialled as written, so both stay as they are.

``tel:`` links always carry the E.164 form: it works from a Taiwanese and a roaming phone
alike.
"""

from __future__ import annotations

import re

from bot.text import Lang

#: Area codes longer than one digit (after the trunk 0): Miaoli 37, Nantou 49, Kinmen 82,
#: Matsu 836, Wuqiu 826, Taitung 89. Everything else is one digit (2 Taipei, 3 Hualien …).
_LONG_AREA_CODES = ("826", "836", "37", "49", "82", "89")

#: A Taiwanese number as people write it: +886 3 822 7171, 03-822-7171, (03) 862-1100,
#: 038-246997, 0912-345-678, 0800-011-765; an extension after it stays as it is.
_NUMBER = re.compile(
    r"(?<![\d+])(?:\+886[\s-]?\(?0?\)?[\s-]?\d{1,3}|\(0\d{1,3}\)|0\d{1,3})"
    r"(?:[\s-]?\d{2,4}){2,3}(?!\d)"
)
_FREE_NOTE = " (free only within Taiwan)"
#: The note in a Japanese or Korean answer, and the words that say it is already there.
_FREE_NOTES = {
    Lang.JA: ("（台湾国内からのみ無料）", ("台湾国内", "台湾内")),
    Lang.KO: ("(대만 국내에서만 무료)", ("대만 국내", "대만 내")),
}


def _national(number: str) -> str | None:
    """The digits after the trunk 0 (or after +886), or None if it is no Taiwanese number."""
    digits = re.sub(r"\D", "", number)
    if number.lstrip().startswith("+"):
        if not digits.startswith("886"):
            return None
        digits = digits[3:].removeprefix("0")
    elif digits.startswith("0") and not digits.startswith("00"):
        digits = digits[1:]
    else:
        return None
    return digits if 7 <= len(digits) <= 10 else None


def _is_toll_free(national: str) -> bool:
    return national.startswith("800")


def e164(number: str) -> str | None:
    """``+88638227171`` for any way of writing a Taiwanese number; None for a short code."""
    national = _national(re.split(r"ext\.?|轉|#", number)[0])
    return None if national is None else f"+886{national}"


def tel_uri(number: str) -> str:
    """A ``tel:`` link for the number: E.164 where it has one, else the digits as dialled."""
    main = re.split(r"ext\.?|轉|#", number)[0]
    international = e164(main)
    return "tel:" + (international or re.sub(r"[^\d+]", "", main))


def international(number: str) -> str:
    """The number as a foreigner writes and dials it: ``+886 3 822 7171``.

    Short codes and 0800 numbers are returned as they are (dialled from inside Taiwan); an
    extension stays as written after the number.
    """
    main, *extension = re.split(r"(?=\s*(?:ext\.?|轉|#))", number, maxsplit=1)
    national = _national(main)
    if national is None or _is_toll_free(national):
        return number
    if national.startswith("9"):  # mobile
        area, rest = national[:3], national[3:]
    else:
        size = next((len(code) for code in _LONG_AREA_CODES if national.startswith(code)), 1)
        area, rest = national[:size], national[size:]
    half = len(rest) // 2 if len(rest) % 2 == 0 and len(rest) != 8 else len(rest) - 4
    return f"+886 {area} {rest[:half]} {rest[half:]}" + "".join(extension)


def shown(number: str, lang: Lang) -> str:
    """The number as a visitor writing in ``lang`` reads it: Chinese keeps Taiwan's form."""
    return number if lang.is_chinese else international(number)


def for_foreigners(text: str, lang: Lang = Lang.EN) -> str:
    """Every Taiwanese number in ``text`` written for a foreign visitor, 0800 ones noted (in
    Japanese or Korean for a text in that ``lang``, in English otherwise)."""
    note, says_it = _FREE_NOTES.get(lang, (_FREE_NOTE, ("within taiwan", "inside taiwan")))

    def rewrite(found: re.Match[str]) -> str:
        number = found.group(0)
        national = _national(number)
        if national is not None and _is_toll_free(national):
            following = text[found.end() : found.end() + 60].lower()
            said = any(words in following for words in says_it)
            return number if said else number + note
        return international(number)

    return _NUMBER.sub(rewrite, text)
