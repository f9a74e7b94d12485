"""Compose the text of an answer as a visitor sees it, in the visitor's language.

Entries are authored in zh-Hant and English; zh-Hans visitors get the zh-Hant text through
OpenCC. Japanese and Korean visitors get the entry's Japanese or Korean text where it has one,
with a one-line note under it while a curator has not cleared the translation, and the
English text where it has none (never the Chinese one). Placeholders in answers are filled from configuration so that, for instance, office
hours and the retention period are stated once, where the code that enforces them reads them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.i18n import translate
from bot.kb.calendar import Occurrence, occurrences, upcoming
from bot.kb.loader import KnowledgeBase
from bot.kb.schema import Category, Entry
from bot.phones import for_foreigners
from bot.settings import Settings
from bot.text import Lang, localize
from bot.when import Window, date_span

UPCOMING_ENTRY = "event.upcoming"

_ZH_WEEKDAYS = "一二三四五六日"
_EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_JA_WEEKDAYS = "月火水木金土日"
_KO_WEEKDAYS = "월화수목금토일"

#: The note under a translated answer: the Chinese and English texts are authoritative.
TRANSLATED_NOTE = {
    Lang.JA: "この回答は中国語・英語の原文からの翻訳です。正式な内容は原文をご確認ください。",
    Lang.KO: "이 답변은 중국어·영어 원문을 번역한 것입니다. 정확한 내용은 원문을 확인해 주세요.",
}


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
        if lang is Lang.JA:
            return f"{_JA_WEEKDAYS[first]}曜日～{_JA_WEEKDAYS[last]}曜日 {hours}（台湾時間、祝日を除く）"
        if lang is Lang.KO:
            return f"{_KO_WEEKDAYS[first]}~{_KO_WEEKDAYS[last]}요일 {hours}(대만 시간, 공휴일 제외)"
        if not lang.is_chinese:
            return f"{_EN_WEEKDAYS[first]}–{_EN_WEEKDAYS[last]} {hours} (Taiwan time), except national holidays"
        return f"週{_ZH_WEEKDAYS[first]}至週{_ZH_WEEKDAYS[last]} {hours}（台灣時間），國定假日除外"


def _fill(text: str, lang: Lang, context: AnswerContext) -> str:
    return text.replace("{{office_hours}}", context.office_hours(lang)).replace(
        "{{retention_days}}", str(context.retention_days)
    )


def _typical_label(occurrence: Occurrence, lang: Lang) -> str | None:
    """A typical occurrence as the entry's date label says it, with its year: the label holds
    what the months alone do not (early in the month, a status still unconfirmed)."""
    if not occurrence.typical or occurrence.label is None:
        return None
    own = occurrence.label.exact(lang.value) if lang.is_translated else None
    label = own or occurrence.label.get(lang.authored.value if own is None else lang.value)
    year = occurrence.start.year
    if lang is Lang.EN or (lang.is_translated and own is None):
        # "2027, usually early November …": a sentence's capital inside a line.
        if label[:2].istitle():
            label = label[0].lower() + label[1:]
        return f"{year}, {label}"
    if lang is Lang.KO:
        return f"{year}년, {label}"
    return f"{year}年，{label}" if lang.is_chinese else f"{year}年、{label}"


def _when(occurrence: Occurrence, lang: Lang) -> str:
    labelled = _typical_label(occurrence, lang)
    if labelled is not None:
        return labelled
    start, end = occurrence.start, occurrence.end
    if lang.is_translated:
        return _when_translated(occurrence, lang)
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


def _when_translated(occurrence: Occurrence, lang: Lang) -> str:
    start, end = occurrence.start, occurrence.end
    if not occurrence.typical:
        return date_span(start, end, lang)
    months = f"{start.month}" if start.month == end.month else f"{start.month}～{end.month}"
    if lang is Lang.KO:
        return f"보통 {start.year}년 {months}월 (정확한 날짜 미정)"
    return f"{start.year}年 例年{months}月（日程は未定）"


def upcoming_listing(kb: KnowledgeBase, lang: Lang, today: dt.date) -> str:
    events = [e for e in kb.entries if e.category is Category.EVENT and e.dates]
    lines = []
    for occurrence in upcoming(events, today):
        title = occurrence.entry.title.get(lang.value)
        lines.append(f"• {title}: {_when(occurrence, lang)}")
    return "\n".join(lines)


def _in_window(entries: list[Entry], window: Window) -> list[Occurrence]:
    found = [
        occurrence
        for entry in entries
        for occurrence in occurrences(entry, window.start)
        if occurrence.start <= window.end
    ]
    return sorted(found, key=lambda occurrence: (occurrence.start, occurrence.entry.id))


def _line(occurrence: Occurrence, lang: Lang) -> str:
    return f"• {occurrence.entry.title.get(lang.value)}: {_when(occurrence, lang)}"


def window_listing(kb: KnowledgeBase, entry: Entry, lang: Lang, window: Window) -> str:
    """What is on in ``window``: of every event (event.upcoming) or of ``entry`` alone; when
    nothing is, it says so and names what comes next, never an occurrence already past."""
    events = (
        [e for e in kb.entries if e.category is Category.EVENT and e.dates]
        if entry.id == UPCOMING_ENTRY
        else [entry]
    )
    label = window.label(lang)
    within = _in_window(events, window)
    if within:
        heading = {Lang.EN: f"In {label}:", Lang.KO: f"{label}:"}.get(lang, f"{label}：")
        return "\n".join([heading, *(_line(occurrence, lang) for occurrence in within)])
    after = window.end + dt.timedelta(days=1)
    following = upcoming(events, after, horizon_days=0, at_least=3)
    alone = entry.id != UPCOMING_ENTRY
    if alone:
        lines = [translate("Not held in {label}, as far as we know.", lang, label=label)]
        if following:
            lines.append(translate("Next:", lang))
    else:
        lines = [translate("Nothing in our calendar falls in {label}.", lang, label=label)]
        if following:
            lines.append(translate("Coming next:", lang))
    return "\n".join([*lines, *(_line(occurrence, lang) for occurrence in following)])


def render(
    kb: KnowledgeBase,
    entry: Entry,
    lang: Lang,
    context: AnswerContext,
    window: Window | None = None,
) -> str:
    """The answer text of ``entry`` for a visitor writing in ``lang``; for an event, what is
    on in ``window`` when the visitor asked about a time.

    A Japanese or Korean visitor gets the entry's text in their language where it has one
    (with the note while it is marked translated), else the English one."""
    own = entry.answer.exact(lang.value) if lang.is_translated else None
    authored = lang if own is not None else lang.authored
    text = _fill(own or entry.answer.get(authored.value), authored, context)
    if (window is not None and entry.category is Category.EVENT and entry.dates) or (
        window is not None and entry.id == UPCOMING_ENTRY
    ):
        listing = window_listing(kb, entry, authored, window)
        text = listing if entry.id == UPCOMING_ENTRY else f"{text.rstrip()}\n\n{listing}"
    elif entry.id == UPCOMING_ENTRY:
        listing = upcoming_listing(kb, authored, context.today)
        if listing:
            text = f"{text.rstrip()}\n{listing}"
    if not lang.is_chinese:
        text = for_foreigners(text, authored)
    if own is not None and entry.is_translated(lang.value):
        text = f"{text.rstrip()}\n\n{TRANSLATED_NOTE[lang]}"
    return localize(text, lang)


def title(entry: Entry, lang: Lang) -> str:
    """The entry's title in ``lang``: Japanese or Korean where the entry has one, else
    English for them; zh-Hant (zh-Hans by OpenCC) for Chinese readers."""
    own = entry.title.exact(lang.value) if lang.is_translated else None
    return own or localize(entry.title.get(lang.authored.value), lang)
