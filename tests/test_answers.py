"""Answers as a visitor reads them: dates filled in from the injected day, Simplified for a
Simplified question, no placeholder left."""

from __future__ import annotations

import datetime as dt

from bot.answers import AnswerContext, render
from bot.kb.loader import KnowledgeBase
from bot.matcher import Matcher
from bot.text import Lang


def _context(today: dt.date) -> AnswerContext:
    return AnswerContext(today, range(0, 5), dt.time(8), dt.time(17), 180)


def test_upcoming_events_depend_on_the_injected_date(kb: KnowledgeBase) -> None:
    entry = kb["event.upcoming"]
    june = render(kb, entry, Lang.EN, _context(dt.date(2027, 6, 1)))
    september = render(kb, entry, Lang.EN, _context(dt.date(2027, 9, 15)))
    assert "Summer" in june.split("\n", 2)[1] or "summer" in june.lower()
    assert june != september
    # Harvest festivals (July-August) are next in June, past by mid-September.
    assert "2027" in june


def test_simplified_visitors_get_simplified_answers(kb: KnowledgeBase, matcher: Matcher) -> None:
    result = matcher.match("紧急电话是多少")
    assert result.entry == "contact.emergency"
    text = render(kb, kb["contact.emergency"], result.lang, _context(dt.date(2026, 11, 26)))
    assert "紧急" in text
    assert "緊急" not in text


def test_answer_placeholders_are_filled(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        for lang in (Lang.EN, Lang.ZH_HANT, Lang.ZH_HANS):
            text = render(kb, entry, lang, _context(dt.date(2026, 11, 26)))
            assert "{{" not in text, entry.id
            assert "}}" not in text, entry.id
