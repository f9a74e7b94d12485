"""The time a visitor asks about ("this weekend", "in December", 「下個月」, 「寒假」), as dates.

Read against today in Hualien, so that an event answer can say what is on then, and say
plainly when nothing is. Only windows a visitor names are read; a bare number is never a date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from bot.text import Lang


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date
    #: The whole of one month (so that it can be named: "December 2026", 「2026年12月」).
    month: bool = False

    def label(self, lang: Lang) -> str:
        """The window as a visitor writing in ``lang`` reads it, in that language's own
        format (Japanese 2026年12月5日, Korean 2026년 12월 5일)."""
        if lang.is_translated:
            return date_span(self.start, self.end, lang, month=self.month)
        if self.month:
            if lang.is_chinese:
                return f"{self.start.year}年{self.start.month}月"
            return f"{self.start:%B %Y}"
        if self.start == self.end:
            return (
                f"{self.start.year}/{self.start.month}/{self.start.day}"
                if lang.is_chinese
                else f"{self.start:%-d %b %Y}"
            )
        if lang.is_chinese:
            return (
                f"{self.start.year}/{self.start.month}/{self.start.day}–"
                f"{self.end.month}/{self.end.day}"
            )
        return f"{self.start:%-d %b}–{self.end:%-d %b %Y}"


#: Year, month and day as Japanese and Korean write them.
_DATE_UNITS = {Lang.JA: ("年", "月", "日", ""), Lang.KO: ("년", "월", "일", " ")}


def date_span(start: dt.date, end: dt.date, lang: Lang, *, month: bool = False) -> str:
    """A date, a span of dates or (``month``) a whole month in Japanese or Korean:
    2026年12月5日～7日, 2026년 12월 5일~12월 7일, 2026年12月."""
    year, month_unit, day, space = _DATE_UNITS.get(lang, _DATE_UNITS[Lang.JA])
    opening = f"{start.year}{year}{space}{start.month}{month_unit}"
    if month:
        return opening
    if start == end:
        return f"{opening}{space}{start.day}{day}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{opening}{space}{start.day}{day}～{end.day}{day}"
    closing = f"{end.month}{month_unit}{space}{end.day}{day}"
    if start.year != end.year:
        closing = f"{end.year}{year}{space}{closing}"
    return f"{opening}{space}{start.day}{day}～{closing}"


_MONTHS_EN = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
}
_MONTHS_EN["sept"] = 9
_MONTH_NAMES = "|".join(sorted(_MONTHS_EN, key=len, reverse=True))
_HAN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_HAN_NUMBERS.update({"十": 10, "十一": 11, "十二": 12})

#: Japanese "next" (来月, 来週), which OpenCC writes 來 — not the 來 of 原來 or 後來 ("so it was",
#: "later") that Chinese puts before 月.
_JA_NEXT = r"(?<![原後回起本])[来來]"

#: A week of a month named by its place ("the first week of dec"): the part of the month it is.
_WEEK_OF = r"(?:the )?(?:first|1st|second|2nd|third|3rd|last|final) week of"
_PART_OF_WEEK = {"first": "early", "1st": "early", "last": "late", "final": "late"}

_EN_MONTH = re.compile(
    rf"\b(?:(early|mid|middle of|late|end of|beginning of|start of|{_WEEK_OF})\s+|(in|during|around|"
    rf"until|till|by|this|next|over)\s+)?({_MONTH_NAMES})\b(?!\s+\d{{1,2}}\b)"
)
#: Month names that are everyday words too ("may I ask", "march"): a month only after a cue.
_WORD_MONTHS = {"may", "march", "mar", "jan", "jun", "sat", "dec"}
_HAN_MONTH = re.compile(
    r"(?<![\d年/])(1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])\s?月(?:份)?(初|中|底|下旬|上旬|中旬)?"
)
_KO_MONTH = re.compile(r"(1[0-2]|[1-9])\s?월")


def _month_window(year: int, month: int, part: str | None, today: dt.date) -> Window:
    last = calendar.monthrange(year, month)[1]
    start, end = dt.date(year, month, 1), dt.date(year, month, last)
    if part in ("early", "beginning of", "start of", "初", "上旬"):
        end = dt.date(year, month, 10)
    elif part in ("mid", "middle of", "中", "中旬"):
        start, end = dt.date(year, month, 11), dt.date(year, month, 20)
    elif part in ("late", "end of", "底", "下旬"):
        start = dt.date(year, month, 21)
    start = max(start, today)
    return Window(start, end, month=part is None and start.day == 1)


def _named_month(month: int, part: str | None, today: dt.date) -> Window:
    """The next time ``month`` comes round: this year's unless it is over."""
    if part is not None and part.endswith("week of"):
        place = part.removeprefix("the ").split()[0]
        part = _PART_OF_WEEK.get(place, "mid")
    year = today.year if month >= today.month else today.year + 1
    return _month_window(year, month, part, today)


def _weekend(today: dt.date, weeks_ahead: int = 0) -> Window:
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 + 7 * weeks_ahead)
    if today.weekday() == 6 and weeks_ahead == 0:  # on a Sunday, "this weekend" is today
        return Window(today, today)
    return Window(max(saturday, today), saturday + dt.timedelta(days=1))


def _week(today: dt.date, weeks_ahead: int) -> Window:
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks_ahead)
    return Window(max(monday, today), monday + dt.timedelta(days=6))


def _season(today: dt.date, first: tuple[int, int], last: tuple[int, int]) -> Window:
    """The next span from month/day ``first`` to ``last`` that has not ended (it may wrap)."""
    for year in (today.year - 1, today.year, today.year + 1):
        start = dt.date(year, *first)
        end = dt.date(year + (last < first), *last)
        if end >= today:
            return Window(max(start, today), end)
    raise AssertionError("unreachable: next year's span always ends after today")


def _month_end(today: dt.date) -> dt.date:
    return dt.date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])


#: Times named by calendar words alone; bare seasons ("summer", 「夏天」) are left out, as they
#: are also parts of names (the Summer Pacific Festival).
_CALENDAR_WORDS = re.compile(
    rf"\b(?:(?:early|mid|middle of|late|end of|beginning of|start of|{_WEEK_OF}|in|during|around|until|"
    rf"till|by|this|next|over)\s+)?(?:{_MONTH_NAMES})\b|\b(?:later |end of |the end of )?"
    r"(?:this|next) (?:weekend|week|month|year)\b|\b(?:today|tonight|tomorrow|tmr|tmrw|"
    r"weekend)\b|(?:1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])\s?月(?:份)?(?:初|中|底|下旬|上旬|中旬)?|"
    rf"(?:下個月|下月|這個月|本月|這月|{_JA_NEXT}月|今月)(?:初|中|底|下旬|上旬|中旬)?|月底|月末|今天|今晚|"
    r"明天|這週末|這個週末|本週末|週末|下週末|下週|下周|下禮拜|這週|本週|這禮拜|寒假|暑假|"
    # Japanese and Korean, as asked_window reads them. Korean months (12월) stay: taken out,
    # they cost a visit "in October" as many answers as they gained (docs/matcher.md, Dates).
    rf"今週末|{_JA_NEXT}週|今週|明日|夏休み|(?:다음|이번)\s?(?:달|주말|주)|주말|오늘|내일|(?:겨울|여름)\s?방학"
)


def without_times(normal: str) -> str:
    """``normal`` without the calendar words in it: what is left says what is asked about
    ("what events are on in July" asks about events; the month is for the window)."""
    return re.sub(r"\s{2,}", " ", _CALENDAR_WORDS.sub(" ", normal)).strip()


def names_a_time(normal: str) -> bool:
    """Whether ``normal`` names a time at all (which one, asked_window tells against today)."""
    return asked_window(normal, dt.date(2000, 1, 1)) is not None


def asked_window(normal: str, today: dt.date) -> Window | None:
    """The time ``normal`` (a normalised message) asks about, or None when it names none."""
    compact = normal.replace(" ", "")
    next_month = (_month_end(today) + dt.timedelta(days=1)).month
    rules: list[tuple[re.Pattern[str], Window]] = [
        (re.compile(r"\btoday\b|\btonight\b|今天|今晚|今日|오늘|今日"), Window(today, today)),
        (
            re.compile(r"\btomorrow\b|\btmr\b|\btmrw\b|明天|明日|내일"),
            Window(today + dt.timedelta(days=1), today + dt.timedelta(days=1)),
        ),
        (re.compile(r"\bnext weekend\b|下週末|下周末|下個週末|다음\s?주말"), _weekend(today, 1)),
        (
            re.compile(r"\b(?:this )?weekend\b|這週末|這個週末|本週末|週末|今週末|주말"),
            _weekend(today),
        ),
        (
            re.compile(rf"\bnext week\b|下週|下周|下禮拜|下星期|{_JA_NEXT}週|다음\s?주"),
            _week(today, 1),
        ),
        (re.compile(r"\bthis week\b|這週|本週|這禮拜|這星期|今週|이번\s?주"), _week(today, 0)),
        (
            re.compile(rf"\bnext month\b|下個月|下月|{_JA_NEXT}月|다음\s?달"),
            _month_window(today.year + (next_month == 1), next_month, None, dt.date(1, 1, 1)),
        ),
        (
            re.compile(r"\b(?:end of|the end of) (?:this|the) month\b|月底|月末|이번\s?달\s?말"),
            Window(max(today, dt.date(today.year, today.month, 21)), _month_end(today)),
        ),
        (
            re.compile(r"\b(?:later )?this month\b|這個月|本月|這月|今月|이번\s?달"),
            Window(today, _month_end(today), month=today.day == 1),
        ),
        (
            re.compile(r"\bwinter (?:break|holidays?|vacation)\b|寒假|겨울\s?방학"),
            _season(today, (1, 20), (2, 20)),
        ),
        (
            re.compile(r"\bsummer (?:break|holidays?|vacation)\b|暑假|夏休み|여름\s?방학"),
            _season(today, (7, 1), (8, 31)),
        ),
        (
            re.compile(r"\b(?:this )?summer\b|夏天|夏季|今年夏|夏に|여름"),
            _season(today, (6, 1), (8, 31)),
        ),
        (
            re.compile(r"\b(?:this )?(?:autumn|fall)\b|秋天|秋季|秋に|가을"),
            _season(today, (9, 1), (11, 30)),
        ),
        (re.compile(r"\b(?:this )?spring\b|春天|春季|春に|봄"), _season(today, (3, 1), (5, 31))),
        (re.compile(r"\b(?:this )?winter\b|冬天|冬季|冬に|겨울"), _season(today, (12, 1), (2, 28))),
    ]
    for pattern, window in rules:
        if pattern.search(normal) or pattern.search(compact):
            return window
    for english in _EN_MONTH.finditer(normal):
        part, cue, name = english.groups()
        if name in _WORD_MONTHS and not (part or cue):
            continue
        return _named_month(_MONTHS_EN[name], part, today)
    if han := _HAN_MONTH.search(compact):
        number = han.group(1)
        month = int(number) if number.isdigit() else _HAN_NUMBERS[number]
        return _named_month(month, han.group(2), today)
    if korean := _KO_MONTH.search(normal):
        return _named_month(int(korean.group(1)), None, today)
    return None
