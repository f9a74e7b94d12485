"""Office hours: Mon–Fri 08:00–17:00 Asia/Taipei, Taiwan's national holidays and make-up
workdays (from the ``holidays`` library), the staff's closure switch, and what a visitor who
asks for a person outside office hours is told.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.desk import Desk
from bot.kb.loader import KnowledgeBase
from bot.matcher import Matcher
from bot.models import Channel, Inbound, InboundKind
from bot.office import OfficeCalendar, OfficeStatus
from bot.settings import Settings
from bot.store import CLOSURE_FLAG, Store
from tests.conftest import KNOWLEDGE_DIR

TAIPEI = ZoneInfo("Asia/Taipei")
_visitors = itertools.count(1)


def taipei(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TAIPEI)


def settings(**overrides: object) -> Settings:
    return Settings(_env_file=None, knowledge_dir=KNOWLEDGE_DIR, **overrides)


@pytest.fixture(scope="module")
def office() -> OfficeCalendar:
    return OfficeCalendar(settings())


def test_defaults_are_weekdays_eight_to_five_in_taipei() -> None:
    default = settings()
    assert default.office_timezone == "Asia/Taipei"
    assert list(default.office_weekdays) == [0, 1, 2, 3, 4]
    assert (default.office_open, default.office_close) == (dt.time(8), dt.time(17))


@pytest.mark.parametrize(
    ("now", "open_now", "reopens"),
    [
        # Thursday 26 Nov 2026: before, at, during, at the end of and after office hours.
        (taipei(2026, 11, 26, 7, 59), False, taipei(2026, 11, 26, 8)),
        (taipei(2026, 11, 26, 8, 0), True, None),
        (taipei(2026, 11, 26, 12, 30), True, None),
        (taipei(2026, 11, 26, 16, 59), True, None),
        (taipei(2026, 11, 26, 17, 0), False, taipei(2026, 11, 27, 8)),
        # Friday evening and the weekend: Monday morning.
        (taipei(2026, 11, 27, 18, 0), False, taipei(2026, 11, 30, 8)),
        (taipei(2026, 11, 28, 10, 0), False, taipei(2026, 11, 30, 8)),
        (taipei(2026, 11, 29, 23, 59), False, taipei(2026, 11, 30, 8)),
    ],
)
def test_weekdays_eight_to_five(
    office: OfficeCalendar, now: dt.datetime, open_now: bool, reopens: dt.datetime | None
) -> None:
    assert office.status(now) == OfficeStatus(open_now, reopens)


def test_utc_input_is_read_in_taipei_time(office: OfficeCalendar) -> None:
    # 00:30 UTC on Thursday is 08:30 in Taipei; 09:30 UTC is 17:30.
    assert office.status(dt.datetime(2026, 11, 26, 0, 30, tzinfo=dt.UTC)).open_now
    late = office.status(dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC))
    assert late == OfficeStatus(False, taipei(2026, 11, 27, 8))


def test_national_day_observed_on_friday(office: OfficeCalendar) -> None:
    # 10 Oct 2026 is a Saturday; the holiday is observed on Friday 9 Oct.
    assert office.holiday_name(dt.date(2026, 10, 9)) is not None
    assert "National Day" in (office.holiday_name(dt.date(2026, 10, 9)) or "")
    assert not office.is_workday(dt.date(2026, 10, 9))
    assert office.status(taipei(2026, 10, 9, 10)) == OfficeStatus(False, taipei(2026, 10, 12, 8))
    assert office.status(taipei(2026, 10, 8, 17, 30)) == OfficeStatus(
        False, taipei(2026, 10, 12, 8)
    )
    assert office.status(taipei(2026, 10, 12, 8, 0)).open_now


def test_make_up_saturday_is_a_workday(office: OfficeCalendar) -> None:
    # Saturday 8 Feb 2025 made up for Monday 27 Jan 2025 (a bridge day before New Year).
    assert office.is_workday(dt.date(2025, 2, 8))
    assert not office.is_workday(dt.date(2025, 1, 27))
    assert office.status(taipei(2025, 2, 8, 10)).open_now
    assert office.status(taipei(2025, 2, 7, 18)) == OfficeStatus(False, taipei(2025, 2, 8, 8))
    # An ordinary Saturday stays closed.
    assert not office.is_workday(dt.date(2025, 2, 15))


def test_lunar_new_year_2026(office: OfficeCalendar) -> None:
    for day in range(16, 21):  # Monday 16 to Friday 20 February 2026
        assert not office.is_workday(dt.date(2026, 2, day)), f"2026-02-{day}"
    assert office.is_workday(dt.date(2026, 2, 13))
    assert office.is_workday(dt.date(2026, 2, 23))
    # Friday afternoon before the break: the office reopens Monday 23 February.
    assert office.status(taipei(2026, 2, 13, 17, 30)) == OfficeStatus(False, taipei(2026, 2, 23, 8))
    assert office.status(taipei(2026, 2, 18, 11)) == OfficeStatus(False, taipei(2026, 2, 23, 8))


def test_closure_switch_closes_the_rest_of_the_day(office: OfficeCalendar) -> None:
    closed = office.status(taipei(2026, 11, 26, 10), closed_today=True)
    assert closed == OfficeStatus(False, taipei(2026, 11, 27, 8), closed_by_switch=True)
    # Before opening time too: today does not open at all.
    early = office.status(taipei(2026, 11, 26, 6), closed_today=True)
    assert early.reopens_at == taipei(2026, 11, 27, 8)
    # A typhoon Friday: next is Monday.
    friday = office.status(taipei(2026, 11, 27, 9), closed_today=True)
    assert friday.reopens_at == taipei(2026, 11, 30, 8)


def test_other_office_hours_from_settings() -> None:
    custom = OfficeCalendar(
        settings(office_days="Mon-Sat", office_open=dt.time(9), office_close=dt.time(12))
    )
    assert custom.status(taipei(2026, 11, 28, 10)).open_now  # Saturday
    assert custom.status(taipei(2026, 11, 28, 12)) == OfficeStatus(False, taipei(2026, 11, 30, 9))


# -- what the visitor is told ------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = taipei(2026, 11, 26, 10)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'office.db'}")
    yield opened
    await opened.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(kb: KnowledgeBase, matcher: Matcher, store: Store, clock: Clock) -> Desk:
    return Desk(kb, matcher, store, settings(), clock=clock)


async def handoff_text(desk: Desk, text: str = "talk to a human") -> str:
    user = f"U{next(_visitors):032x}"  # a new visitor each time: no ticket is open yet
    outcome = await desk.handle(Inbound(Channel.LINE, user, InboundKind.TEXT, text=text))
    assert outcome.decision == "handoff"
    return outcome.replies[0].text.splitlines()[-1]


async def test_inside_office_hours_the_visitor_expects_a_reply_soon(desk: Desk) -> None:
    assert await handoff_text(desk) == "The office is open now, so expect a reply soon."


@pytest.mark.parametrize(
    ("now", "en", "zh"),
    [
        (
            taipei(2026, 11, 26, 18, 5),
            "Fri 27 Nov at 08:00",
            "目前非上班時間，同仁將於11月27日（週五）08:00上班後回覆。",
        ),
        (
            taipei(2026, 10, 8, 17, 30),
            "Mon 12 Oct at 08:00",
            "目前非上班時間，同仁將於10月12日（週一）08:00上班後回覆。",
        ),
        (
            taipei(2025, 2, 7, 20),
            "Sat 8 Feb at 08:00",
            "目前非上班時間，同仁將於2月8日（週六）08:00上班後回覆。",
        ),
        (
            taipei(2026, 2, 14, 9),
            "Mon 23 Feb at 08:00",
            "目前非上班時間，同仁將於2月23日（週一）08:00上班後回覆。",
        ),
    ],
)
async def test_outside_office_hours_the_visitor_is_told_when_it_reopens(
    desk: Desk, clock: Clock, now: dt.datetime, en: str, zh: str
) -> None:
    clock.now = now
    assert await handoff_text(desk) == (
        f"The office is closed now; staff will reply after it reopens on {en} (Taiwan time)."
    )
    assert await handoff_text(desk, "我要找真人") == zh


async def test_closure_switch_is_named_to_the_visitor(
    desk: Desk, store: Store, clock: Clock
) -> None:
    await store.set_flag(CLOSURE_FLAG, "2026-11-26")
    assert await handoff_text(desk) == (
        "The office is closed today; staff will reply after it reopens on Fri 27 Nov at 08:00 "
        "(Taiwan time)."
    )
    assert await handoff_text(desk, "我要找真人") == (
        "今日停止上班，同仁將於11月27日（週五）08:00上班後回覆。"
    )
    # The switch holds a date: the next day it has lapsed by itself.
    clock.now = taipei(2026, 11, 27, 9)
    assert await handoff_text(desk, "talk to a real person") == (
        "The office is open now, so expect a reply soon."
    )
