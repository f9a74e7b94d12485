"""What the desk says first when it cannot answer a message the emergency model finds
worrying, though not sure enough to answer as an emergency (matcher/alarm.py, WORRYING)."""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.desk import Desk
from bot.kb.loader import KnowledgeBase
from bot.matcher import Decision, Matcher
from bot.matcher.alarm import THRESHOLD, WORRYING, AlarmModel
from bot.models import Channel, Inbound, InboundKind, Outcome
from bot.settings import Settings
from bot.store import Store
from tests.conftest import KNOWLEDGE_DIR

NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
SAFETY_LINE = "If someone is in danger now, call 110 (police) or 119 (fire and ambulance)."
UNANSWERED = "how much is a haircut"
ANSWERED = "how do I apply for an ARC"


def model_saying(probability: float) -> AlarmModel:
    """A model that gives every message ``probability`` (no weights, only the bias)."""
    return AlarmModel({}, math.log(probability / (1 - probability)))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}")
    yield opened
    await opened.close()


def desk_with(
    kb: KnowledgeBase, matcher: Matcher, store: Store, tmp_path: Path, probability: float
) -> Desk:
    worried = copy.copy(matcher)
    worried.alarm = model_saying(probability)
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        knowledge_dir=KNOWLEDGE_DIR,
    )
    return Desk(kb, worried, store, settings, clock=lambda: NOW)


async def say(desk: Desk, text: str) -> Outcome:
    return await desk.handle(Inbound(Channel.WEB, "w-visitor-1", InboundKind.TEXT, text=text))


async def test_a_worrying_message_the_desk_cannot_answer_says_where_to_call_first(
    kb: KnowledgeBase, matcher: Matcher, store: Store, tmp_path: Path
) -> None:
    probability = (WORRYING + THRESHOLD) / 2
    assert matcher.match(UNANSWERED).decision is Decision.FALLBACK
    desk = desk_with(kb, matcher, store, tmp_path, probability)
    outcome = await say(desk, UNANSWERED)
    assert outcome.replies[0].text.startswith(SAFETY_LINE)
    # Only a line: no emergency answer and no urgent ticket for what is not sure.
    assert outcome.decision == "fallback"
    assert await store.tickets() == []


async def test_an_answered_question_or_a_calm_model_says_nothing_of_danger(
    kb: KnowledgeBase, matcher: Matcher, store: Store, tmp_path: Path
) -> None:
    worried = desk_with(kb, matcher, store, tmp_path, (WORRYING + THRESHOLD) / 2)
    answered = await say(worried, ANSWERED)
    assert answered.decision == "answer"
    assert all("110" not in reply.text for reply in answered.replies)
    calm = desk_with(kb, matcher, store, tmp_path, WORRYING / 2)
    assert SAFETY_LINE not in (await say(calm, UNANSWERED)).replies[0].text
