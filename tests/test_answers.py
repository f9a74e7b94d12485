"""Answers as a visitor reads them: dates filled in from the injected day, Simplified for a
Simplified question, no placeholder left."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answers import AnswerContext, render
from bot.kb.loader import KnowledgeBase
from bot.matcher import Matcher
from bot.text import Lang
from bot.when import Window


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


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (
            Lang.EN,
            "• Taroko Gorge Marathon: 2027, usually early November"
            " (status after the 2024 earthquake unconfirmed)",
        ),
        (Lang.ZH_HANT, "• 太魯閣峽谷馬拉松: 2027年，通常11月上旬（2024年地震後是否舉辦未確認）"),
        (Lang.ZH_HANS, "• 太鲁阁峡谷马拉松: 2027年，通常11月上旬（2024年地震后是否举办未确认）"),
        (Lang.JA, "• 太魯閣峡谷マラソン: 2027年、例年11月上旬（2024年の地震後の開催は未確認）"),
        (
            Lang.KO,
            "• 타이루거 협곡 마라톤: 2027년, 보통 11월 초(2024년 지진 이후 개최 여부 미확인)",
        ),
    ],
    ids=[lang.value for lang in Lang],
)
def test_a_listing_says_what_the_entry_says_of_its_usual_dates(
    kb: KnowledgeBase, lang: Lang, line: str
) -> None:
    # The marathon's entry says its status after the 2024 earthquake is unconfirmed: a listing
    # of November's events must not drop that (nor the harvest festivals' September).
    november = Window(dt.date(2027, 11, 1), dt.date(2027, 11, 30), month=True)
    text = render(kb, kb["event.upcoming"], lang, _context(dt.date(2027, 10, 1)), november)
    assert line in text.splitlines()
    summer = render(kb, kb["event.upcoming"], Lang.EN, _context(dt.date(2027, 6, 1)))
    assert "some into September" in summer
