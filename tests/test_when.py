"""Times visitors name, read against today in Hualien, and event answers for that time."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answers import AnswerContext, render
from bot.kb.loader import KnowledgeBase
from bot.text import Lang, normalize
from bot.when import Window, asked_window, names_a_time, without_times

SUNDAY = dt.date(2026, 12, 6)
WEDNESDAY = dt.date(2026, 12, 9)
D = dt.date


@pytest.mark.parametrize(
    ("message", "today", "window"),
    [
        ("any festivals later this month?", SUNDAY, Window(SUNDAY, D(2026, 12, 31))),
        ("這個月有什麼活動", WEDNESDAY, Window(WEDNESDAY, D(2026, 12, 31))),
        ("月底會在花蓮待幾天", WEDNESDAY, Window(D(2026, 12, 21), D(2026, 12, 31))),
        ("下個月有什麼活動", SUNDAY, Window(D(2027, 1, 1), D(2027, 1, 31), month=True)),
        # 原來/後來 before 月 are "so it was"/"later", not next month.
        ("原來月底有活動", WEDNESDAY, Window(D(2026, 12, 21), D(2026, 12, 31))),
        # OpenCC writes Japanese 来 as 來 in the normal form.
        ("来月お祭りはありますか", SUNDAY, Window(D(2027, 1, 1), D(2027, 1, 31), month=True)),
        ("来週何か行事はありますか", WEDNESDAY, Window(D(2026, 12, 14), D(2026, 12, 20))),
        ("what's on this weekend", WEDNESDAY, Window(D(2026, 12, 12), D(2026, 12, 13))),
        ("what's on this weekend", SUNDAY, Window(SUNDAY, SUNDAY)),
        ("next week?", WEDNESDAY, Window(D(2026, 12, 14), D(2026, 12, 20))),
        ("is there a festival in December", SUNDAY, Window(SUNDAY, D(2026, 12, 31))),
        ("mid october", SUNDAY, Window(D(2027, 10, 11), D(2027, 10, 20))),
        # A week of a month by its place: the part of the month it falls in.
        ("we'll be there the first week of dec", SUNDAY, Window(SUNDAY, D(2026, 12, 10))),
        ("the last week of july", SUNDAY, Window(D(2027, 7, 21), D(2027, 7, 31))),
        ("second week of march", SUNDAY, Window(D(2027, 3, 11), D(2027, 3, 20))),
        ("7月有豐年祭嗎", SUNDAY, Window(D(2027, 7, 1), D(2027, 7, 31), month=True)),
        ("十月初去花蓮", SUNDAY, Window(D(2027, 10, 1), D(2027, 10, 10))),
        ("寒假去花蓮", SUNDAY, Window(D(2027, 1, 20), D(2027, 2, 20))),
        ("暑假有什麼活動", SUNDAY, Window(D(2027, 7, 1), D(2027, 8, 31))),
        ("9월에 축제 있어요?", SUNDAY, Window(D(2027, 9, 1), D(2027, 9, 30), month=True)),
        ("tomorrow", SUNDAY, Window(D(2026, 12, 7), D(2026, 12, 7))),
    ],
)
def test_windows_against_today(message: str, today: dt.date, window: Window) -> None:
    assert asked_window(normalize(message), today) == window


@pytest.mark.parametrize(
    "message", ["may i ask about the arc", "1990 hotline", "the 2024 joint festival", "march on"]
)
def test_no_window_where_none_is_named(message: str) -> None:
    assert asked_window(normalize(message), SUNDAY) is None


def _context(today: dt.date) -> AnswerContext:
    return AnswerContext(today, range(0, 5), dt.time(8), dt.time(17), 180)


def test_nothing_on_is_said_plainly_with_what_comes_next(kb: KnowledgeBase) -> None:
    window = asked_window(normalize("is there a festival in December"), SUNDAY)
    text = render(kb, kb["event.upcoming"], Lang.EN, _context(SUNDAY), window)
    assert text.startswith("Nothing in our calendar falls in 6 Dec–31 Dec 2026.")
    assert "Coming next:" in text
    assert "2024" not in text  # a past date is never presented as coming


def test_what_is_on_in_the_window_is_listed(kb: KnowledgeBase) -> None:
    window = asked_window(normalize("7月有什麼活動"), SUNDAY)
    text = render(kb, kb["event.upcoming"], Lang.ZH_HANT, _context(SUNDAY), window)
    assert text.startswith("2027年7月：")
    assert "夏戀嘉年華: 2027年，每年7月上旬" in text
    assert "豐年祭" in text


def test_one_event_outside_the_window_names_its_next_time(kb: KnowledgeBase) -> None:
    window = asked_window(normalize("taroko marathon in march?"), SUNDAY)
    text = render(kb, kb["event.taroko-marathon"], Lang.EN, _context(SUNDAY), window)
    assert "Not held in March 2027, as far as we know.\nNext:" in text
    assert "2027, usually early November (status after the 2024 earthquake unconfirmed)" in text


@pytest.mark.parametrize(
    "message",
    [
        "下個月初有什麼活動或表演嗎",
        "the first week of dec, anything on?",
        "12月底有什麼活動",
        "来月 花蓮で何かイベントありますか",
        "今週末か来週に何か催しは",
        "明日 何かある？",
        "夏休みに行きます",
        "다음 달에 축제 있어요?",
        "이번 주말이나 다음 주에 뭐 해요",
        "여름 방학에 가요",
    ],
)
def test_a_time_taken_out_of_a_question_leaves_none_behind(message: str) -> None:
    # The rest is matched for what is asked about; a time left in it pulls toward whichever
    # entry's phrasings name that time.
    normal = normalize(message)
    assert names_a_time(normal)
    assert not names_a_time(without_times(normal)), without_times(normal)
