"""Compose the text of an answer as a visitor sees it, in the visitor's language.

Entries are authored in zh-Hant and English; zh-Hans visitors get the zh-Hant text through
OpenCC. Placeholders in answers are filled from configuration so that, for instance, office
hours and the retention period are stated once, where the code that enforces them reads them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.kb.calendar import Occurrence, upcoming
from bot.kb.loader import KnowledgeBase
from bot.kb.schema import Category, Entry
from bot.phones import for_foreigners
from bot.settings import Settings
from bot.text import Lang, localize

UPCOMING_ENTRY = "event.upcoming"

_ZH_WEEKDAYS = "一二三四五六日"
_EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class AnswerContext:
    today: dt.date
    office_days: range
    office_open: dt.time
    office_close: dt.time
    retention_days: int

    @classmethod
    def from_settings(cls, settings: Settings, today: dt.date) -> AnswerContext:
        return cls(
            today=today,
            office_days=settings.office_weekdays,
            office_open=settings.office_open,
            office_close=settings.office_close,
            retention_days=settings.retention_days,
        )

    def office_hours(self, lang: Lang) -> str:
        hours = f"{self.office_open:%H:%M}–{self.office_close:%H:%M}"
        first, last = self.office_days[0], self.office_days[-1]
        if lang is Lang.EN:
            return f"{_EN_WEEKDAYS[first]}–{_EN_WEEKDAYS[last]} {hours} (Taiwan time), except national holidays"
        return f"週{_ZH_WEEKDAYS[first]}至週{_ZH_WEEKDAYS[last]} {hours}（台灣時間），國定假日除外"


def _fill(text: str, lang: Lang, context: AnswerContext) -> str:
    return text.replace("{{office_hours}}", context.office_hours(lang)).replace(
        "{{retention_days}}", str(context.retention_days)
    )


def _when(occurrence: Occurrence, lang: Lang) -> str:
    start, end = occurrence.start, occurrence.end
    if occurrence.typical:
        if lang is Lang.EN:
            months = start.strftime("%B") if start.month == end.month else (f"{start:%B}–{end:%B}")
            return f"usually {months} {start.year} (dates to be confirmed)"
        months = f"{start.month}月" if start.month == end.month else f"{start.month}–{end.month}月"
        return f"{start.year}年 通常在{months}（確切日期待公布）"
    if lang is Lang.EN:
        span = f"{start:%-d %b %Y}" if start == end else f"{start:%-d %b}–{end:%-d %b %Y}"
        return span
    if start == end:
        return f"{start.year}/{start.month}/{start.day}"
    return f"{start.year}/{start.month}/{start.day}–{end.month}/{end.day}"


def upcoming_listing(kb: KnowledgeBase, lang: Lang, today: dt.date) -> str:
    events = [e for e in kb.entries if e.category is Category.EVENT and e.dates]
    lines = []
    for occurrence in upcoming(events, today):
        title = occurrence.entry.title.get(lang.value)
        lines.append(f"• {title}: {_when(occurrence, lang)}")
    return "\n".join(lines)


def render(kb: KnowledgeBase, entry: Entry, lang: Lang, context: AnswerContext) -> str:
    """The answer text of ``entry`` for a visitor writing in ``lang``."""
    authored = Lang.EN if lang is Lang.EN else Lang.ZH_HANT
    text = _fill(entry.answer.get(authored.value), authored, context)
    if entry.id == UPCOMING_ENTRY:
        listing = upcoming_listing(kb, authored, context.today)
        if listing:
            text = f"{text.rstrip()}\n{listing}"
    if not lang.is_chinese:
        text = for_foreigners(text)
    return localize(text, lang)


def title(entry: Entry, lang: Lang) -> str:
    authored = "en" if lang is Lang.EN else "zh-Hant"
    return localize(entry.title.get(authored), lang)
