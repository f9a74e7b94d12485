"""Scripted conversations (tests/conversations/*.yaml) run through the desk itself.

Like Rasa's test stories: each file holds conversations, each a list of turns: what the
visitor does (``visitor``: a typed message; ``tap``: a button's choice; ``wait``: minutes
that pass) and what the desk must do then (``expect``):

- ``decision``: the desk's decision (answer, clarify, fallback, handoff, relayed, …);
- ``entry``: the knowledge-base entry answered;
- ``lang``: the language of the replies;
- ``ticket``: true (a ticket belongs to the exchange), false (none), or ``urgent``;
- ``says`` / ``not_says``: texts that must (must not) appear in the replies;
- ``offers``: choices that must be among the last reply's buttons.

The desk runs on a real SQLite store in a temporary folder, the bundled knowledge base and
the real matcher, with a clock that starts at the conversation's ``at`` (default: Thursday
26 November 2026, 10:00 in Hualien, office open) and moves one minute a turn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.desk import Desk
from bot.kb.loader import KnowledgeBase
from bot.matcher import Matcher
from bot.models import Channel, Inbound, InboundKind, Outcome
from bot.settings import Settings
from bot.store import Priority, Store
from tests.conftest import KNOWLEDGE_DIR

STORIES = Path(__file__).parent / "conversations"
DEFAULT_START = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TURN_KEYS = {"visitor", "tap", "wait", "expect"}
EXPECT_KEYS = {"decision", "entry", "lang", "ticket", "says", "not_says", "offers"}


def _conversations() -> Iterator[Any]:
    for path in sorted(STORIES.glob("*.yaml")):
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            yield pytest.param(conversation, id=f"{path.stem}: {conversation['name']}")


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}")
    yield opened
    await opened.close()


def test_there_are_enough_conversations() -> None:
    assert len(list(_conversations())) >= 40


@pytest.mark.parametrize("conversation", list(_conversations()))
async def test_conversation(
    conversation: dict[str, Any], kb: KnowledgeBase, matcher: Matcher, store: Store, tmp_path: Path
) -> None:
    start = conversation.get("at", DEFAULT_START)
    clock = Clock(start if isinstance(start, dt.datetime) else dt.datetime.fromisoformat(start))
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        knowledge_dir=KNOWLEDGE_DIR,
    )
    desk = Desk(kb, matcher, store, settings, clock=clock)
    channel = Channel(conversation.get("channel", "line"))
    user = f"visitor-{abs(hash(conversation['name']))}"
    for number, turn in enumerate(conversation["turns"], 1):
        assert set(turn) <= TURN_KEYS, f"turn {number}: unknown keys {set(turn) - TURN_KEYS}"
        where = f"turn {number} ({turn.get('visitor') or turn.get('tap') or 'wait'})"
        if "wait" in turn:
            clock.now += dt.timedelta(minutes=turn["wait"])
            continue
        clock.now += dt.timedelta(minutes=1)
        if "tap" in turn:
            inbound = Inbound(channel, user, InboundKind.CHOICE, choice=turn["tap"])
        else:
            inbound = Inbound(channel, user, InboundKind.TEXT, text=turn["visitor"])
        outcome = await desk.handle(inbound)
        await _check(outcome, turn.get("expect", {}), store, where)


async def _check(outcome: Outcome, expect: dict[str, Any], store: Store, where: str) -> None:
    assert set(expect) <= EXPECT_KEYS, f"{where}: unknown expectations {set(expect) - EXPECT_KEYS}"
    text = "\n".join(reply.text for reply in outcome.replies)
    shown = f"{where}: got {outcome.decision} {outcome.entry_id} {text[:300]!r}"
    if "decision" in expect:
        assert outcome.decision == expect["decision"], shown
    if "entry" in expect:
        assert outcome.entry_id == expect["entry"], shown
    if "lang" in expect:
        assert outcome.lang.value == expect["lang"], shown
    for said in expect.get("says", []):
        assert said in text, f"{shown}: missing {said!r}"
    for unsaid in expect.get("not_says", []):
        assert unsaid not in text, f"{shown}: should not say {unsaid!r}"
    if "offers" in expect:
        offered = [option.choice for reply in outcome.replies for option in reply.options]
        for choice in expect["offers"]:
            assert choice in offered, f"{shown}: {choice} not among {offered}"
    if "ticket" in expect:
        wanted = expect["ticket"]
        if wanted is False:
            assert outcome.ticket_number is None, shown
        else:
            assert outcome.ticket_number is not None, shown
            ticket = await store.ticket(outcome.ticket_number)
            assert ticket is not None, shown
            if wanted == "urgent":
                assert ticket.priority is Priority.URGENT, shown
