"""The checkable facts of an answer, as normalised values, whatever its language.

An answer's phone numbers, URLs (and e-mail addresses), dates and amounts are pulled out and
written one way, so that the zh-Hant, English, Japanese and Korean answers of an entry can be
compared as sets:

- phones as E.164 (``+88638227171``; an extension as ``;ext=1014-1018``); Taiwan's short
  service numbers (110, 1925 …) as themselves;
- URLs without scheme or trailing punctuation (``www.hl.gov.tw``), e-mail as ``mailto:…``;
- dates as ISO 8601 whatever the calendar or format: ``2024-06-30`` (民國113年6月30日,
  30 Jun 2024, 2024/6/30, 2024년 6월 30일), ``2018-08`` (Aug 2018), ``2019`` (a year alone),
  ``--07`` (a month of no particular year: 7月上旬, early July). A day without a year takes
  the nearest year before it on the same line (「2024年：7月3日至7月7日」, "2024: 3-7 July");
  every dated day also counts its year, so "in 2024 … 3 Jul 2024" and 「2024年7月3日」 agree;
- amounts as numbers, in units: ``11564000`` for 1,156.4萬元, NT$11.564 million, 1,156.4万
  台湾ドル, 1,156.4만 대만 달러. A number is an amount when it carries a currency (NT$, 元,
  ドル, 달러, 원 …) or a magnitude word (萬/万, 億, million, 만, 억); a bare count is not;
- placeholders (``{{office_hours}}``) and commands (``/delete``) as written.

Extraction runs in that order and blanks what it took, so a phone's digits are never read
again as a year or an amount.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

#: Taiwan's short service numbers that answers give. A four-digit one is a phone, not a year,
#: unless written as a year (1990年): none of them is a year any answer speaks of.
SERVICE_NUMBERS = frozenset(
    {"110", "112", "113", "119", "165", "1925", "1955", "1980", "1990", "1995"}
)

KINDS = ("phone", "url", "date", "amount", "placeholder", "command")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sep", "Sept"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ),
        start=1,
    )
    for name in names
}
# Capitalised only: "may" and "march" are words too.
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
_TO = r"\s*(?:-|–|~|至|到|から|부터)\s*"
_Y = r"(?:年|년)"
_M = r"(?:月|월)"
_D = r"(?:日|일)"

_PLACEHOLDER = re.compile(r"\{\{\s*[a-z_]+\s*\}\}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# ASCII look-arounds: in Python \\w is also every CJK character, and CJK text often runs
# straight into a URL or a number without a space.
_URL = re.compile(
    r"https?://[!#-'*-;=?-~]+"
    r"|(?<![A-Za-z0-9.@/-])(?:[a-z0-9-]+\.)+(?:tw|com|org|net)(?![A-Za-z0-9-])(?:/[!#-'*-;=?-~]*)?"
)
_EXTENSION = r"(?:\s*(?:ext\.?|分機|轉|内線|內線|내선)\s*(?P<ext>\d+(?:\s*[-~]\s*\d+)?))?"
_PHONE = re.compile(
    r"(?P<number>\+886[\s-]*\(?0?\d{1,2}\)?[\s-]*\d{3,4}[\s-]*\d{3,4}"
    r"|(?<![0-9A-Za-z+])\(0\d{1,3}\)\s*\d{3,4}[\s-]?\d{3,4}"
    r"|(?<![0-9A-Za-z+])0\d{1,3}-\d{3,4}-?\d{3,4})" + _EXTENSION
)
_COMMAND = re.compile(r"(?<![\w/])/[a-z]+(?![A-Za-z])")

_ROC = re.compile(r"(?:民國|民国|ROC|민국)\s*(\d{2,3})(?:" + _TO + r"(\d{2,3}))?\s*" + _Y + "?")
_ISO_DAY = re.compile(r"(?<!\d)(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?!\d)")
_CJK_DAY = re.compile(
    r"(?<!\d)(?:(\d{4})\s*"
    + _Y
    + r"\s*)?(\d{1,2})\s*"
    + _M
    + r"\s*(\d{1,2})\s*"
    + _D
    + r"(?:"
    + _TO
    + r"(?:(\d{1,2})\s*"
    + _M
    + r"\s*)?(\d{1,2})\s*"
    + _D
    + r")?"
)
_CJK_MONTH_OF_YEAR = re.compile(r"(?<!\d)(\d{4})\s*" + _Y + r"\s*(\d{1,2})\s*" + _M)
_EN_DAY = re.compile(
    r"(?<![\d.])(\d{1,2})(?:" + _TO + r"(\d{1,2}))?\s+(" + _MONTH + r")(?:,?\s+(\d{4}))?(?!\d)"
)
_EN_MONTH_DAY = re.compile(r"(" + _MONTH + r")\s+(\d{1,2})(?:,\s*(\d{4}))?(?![\d:])")
_EN_MONTH_OF_YEAR = re.compile(r"(" + _MONTH + r")\s+(\d{4})(?!\d)")
_CJK_MONTHS = re.compile(r"(?<![\d.])(\d{1,2})(?:" + _TO + r"(\d{1,2}))?\s*" + _M)
_EN_MONTH = re.compile(_MONTH)
# A comma may sit right before or after a year or a short number: NFKC turns the CJK comma
# (，) into an ASCII one, so 「NM，1983」 and 「110，119」 reach these as "NM,1983", "110,119".
_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?!\d|\.\d)(\s*" + _Y + ")?")

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MAGNITUDES = {
    "萬": 10**4, "万": 10**4, "만": 10**4,
    "億": 10**8, "亿": 10**8, "억": 10**8,
    "million": 10**6, "M": 10**6, "billion": 10**9,
}  # fmt: skip
_CURRENCY_BEFORE = r"(?:NT\$|新臺幣|新台幣|臺幣|台幣|TWD|NTD|US\$)\s*"
_CURRENCY_AFTER = r"(?:元|(?:新)?(?:台湾|臺灣|台灣)?ドル|(?:대만\s*)?달러|원(?![가-힣])|円)"
_AMOUNT = re.compile(
    r"(?<![\d.])(?:"
    rf"(?P<c1>{_CURRENCY_BEFORE})(?P<n1>{_NUMBER})\s*(?P<m1>萬|万|億|亿|million|billion|M(?![A-Za-z])|만|억)?"
    rf"|(?P<n2>{_NUMBER})\s*(?P<m2>萬|万|億|亿|million|billion|만|억)\s*(?:{_CURRENCY_AFTER})?"
    rf"|(?P<n3>{_NUMBER})\s*{_CURRENCY_AFTER}"
    r")"
)
_SHORT_NUMBER = re.compile(r"(?<![\d.+-])(\d{3,4})(?!\d|\.\d)")


def _blank(text: str, match: re.Match[str]) -> str:
    start, end = match.span()
    return text[:start] + " " * (end - start) + text[end:]


def _take(pattern: re.Pattern[str], text: str) -> tuple[list[re.Match[str]], str]:
    found = list(pattern.finditer(text))
    for match in found:
        text = _blank(text, match)
    return found, text


def _e164(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    if number.startswith("+"):
        national = digits[3:]
        return "+886" + national.removeprefix("0")
    return "+886" + digits.removeprefix("0")


def _iso(year: int, month: int, day: int | None = None) -> str:
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


class _Dates:
    """Dates found on one line, with their positions (a yearless day needs the year before it)."""

    def __init__(self, line: str) -> None:
        self.line = line
        self.found: set[str] = set()
        self.years: list[tuple[int, int]] = []  # (position, year) of every year written

    def year_before(self, position: int) -> int | None:
        earlier = [year for at, year in self.years if at < position]
        return earlier[-1] if earlier else None

    def day(self, position: int, year: int | None, month: int, day: int) -> None:
        year = year if year is not None else self.year_before(position)
        if year is None:
            self.found.add(f"--{month:02d}-{day:02d}")
        else:
            self.found.add(_iso(year, month, day))
            self.found.add(f"{year:04d}")

    def scan(self) -> str:
        text = self.line
        # Years are noted first and taken last: a yearless day looks back for them, and the
        # days and months written with a year need its digits.
        years = [m for m in _YEAR.finditer(text) if m.group(1) not in SERVICE_NUMBERS or m.group(2)]
        self.years = [(match.start(), int(match.group(1))) for match in years]
        rocs, text = _take(_ROC, text)
        for match in rocs:
            for group in (match.group(1), match.group(2)):
                if group:
                    self.found.add(f"{int(group) + 1911:04d}")
                    self.years.append((match.start(), int(group) + 1911))
        self.years.sort()
        matches, text = _take(_ISO_DAY, text)
        for match in matches:
            year, month, day = (int(g) for g in match.groups())
            self.day(match.start(), year, month, day)
        matches, text = _take(_CJK_DAY, text)
        for match in matches:
            year_text, month, day, month2, day2 = match.groups()
            year = int(year_text) if year_text else None
            self.day(match.start(), year, int(month), int(day))
            if day2:
                self.day(match.start(), year, int(month2 or month), int(day2))
        matches, text = _take(_EN_DAY, text)
        for match in matches:
            day, day2, month_name, year_text = match.groups()
            year = int(year_text) if year_text else None
            month = _MONTHS[month_name.rstrip(".")]
            self.day(match.start(), year, month, int(day))
            if day2:
                self.day(match.start(), year, month, int(day2))
        matches, text = _take(_EN_MONTH_DAY, text)
        for match in matches:
            month_name, day, year_text = match.groups()
            year = int(year_text) if year_text else None
            self.day(match.start(), year, _MONTHS[month_name.rstrip(".")], int(day))
        matches, text = _take(_CJK_MONTH_OF_YEAR, text)
        for match in matches:
            self.found.add(_iso(int(match.group(1)), int(match.group(2))))
            self.found.add(match.group(1))
        matches, text = _take(_EN_MONTH_OF_YEAR, text)
        for match in matches:
            self.found.add(_iso(int(match.group(2)), _MONTHS[match.group(1).rstrip(".")]))
            self.found.add(match.group(2))
        matches, text = _take(_CJK_MONTHS, text)
        for match in matches:
            for group in match.groups():
                if group and 1 <= int(group) <= 12:
                    self.found.add(f"--{int(group):02d}")
        matches, text = _take(_EN_MONTH, text)
        for match in matches:
            self.found.add(f"--{_MONTHS[match.group(0).rstrip('.')]:02d}")
        for match in years:
            text = _blank(text, match)
        return text


def _amount_value(number: str, magnitude: str | None) -> str:
    value = Decimal(number.replace(",", "")) * _MAGNITUDES.get(magnitude or "", 1)
    return format(value.normalize(), "f")


def facts(text: str) -> dict[str, set[str]]:
    """The normalised phones, URLs, dates, amounts, placeholders and commands of ``text``."""
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    text = unicodedata.normalize("NFKC", text)
    matches, text = _take(_PLACEHOLDER, text)
    found["placeholder"] = {re.sub(r"\s", "", m.group(0)) for m in matches}
    matches, text = _take(_EMAIL, text)
    found["url"] |= {"mailto:" + m.group(0).lower() for m in matches}
    matches, text = _take(_URL, text)
    for match in matches:
        url = re.sub(r"^https?://", "", match.group(0)).rstrip(".,;:!?/")
        found["url"].add(url.lower())
    matches, text = _take(_PHONE, text)
    for match in matches:
        phone = _e164(match.group("number"))
        if match.group("ext"):
            phone += ";ext=" + re.sub(r"\s", "", match.group("ext")).replace("~", "-")
        found["phone"].add(phone)
    matches, text = _take(_COMMAND, text)
    found["command"] = {m.group(0) for m in matches}
    matches, text = _take(_AMOUNT, text)
    for match in matches:
        number = match.group("n1") or match.group("n2") or match.group("n3")
        magnitude = match.group("m1") or match.group("m2")
        found["amount"].add(_amount_value(number, magnitude))
    lines = []
    for line in text.split("\n"):
        dates = _Dates(line)
        lines.append(dates.scan())
        found["date"] |= dates.found
        found["date"] |= {f"{year:04d}" for _, year in dates.years}
    text = "\n".join(lines)
    for match in _SHORT_NUMBER.finditer(text):
        if match.group(1) in SERVICE_NUMBERS:
            found["phone"].add(match.group(1))
    return found
