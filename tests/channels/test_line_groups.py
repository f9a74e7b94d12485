"""LINE group and room chats are not a private conversation: the bot answers general questions
and gives emergency numbers there, but opens no ticket, runs no ticket command, shows no
member's request and keeps no state; requests to staff go through a 1:1 chat."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import STORE
from bot.kb.loader import KnowledgeBase
from bot.text import Lang
from tests.channels.conftest import Desk
from tests.channels.expected import answer_text
from tests.channels.payloads import LINE_USER, _line_event, line_body, line_postback, line_text
from tests.fakes.line_api import PUSH, REPLY

GROUP = "Ca56f94637cc4347f90a25382909b24b9"
ROOM = "Ra8dbf4673c4c812cd491258042226c99"
POINTER = "1:1 chat"


def _in(event: dict[str, Any], where: str) -> dict[str, Any]:
    if where == "group":
        event["source"] = {"type": "group", "groupId": GROUP, "userId": LINE_USER}
    else:
        event["source"] = {"type": "room", "roomId": ROOM, "userId": LINE_USER}
    return event


def _texts(call: Any) -> list[str]:
    return [m["text"] for m in call.body["messages"] if m["type"] == "text"]


async def _send(desk: Desk, event: dict[str, Any]) -> list[str]:
    """Post one event; the texts of the reply it got ([] for none)."""
    token = event["replyToken"]
    assert (await desk.post_line(line_body(event))).status == 200
    await desk.settle()
    replies = [c for c in desk.line.calls_to(REPLY) if c.body["replyToken"] == token]
    assert len(replies) <= 1
    return _texts(replies[0]) if replies else []


@pytest.mark.parametrize("where", ["group", "room"])
@pytest.mark.parametrize(
    "event",
    [
        lambda: line_text("/human"),
        lambda: line_text("/status"),
        lambda: line_text("/cancel"),
        lambda: line_text("/delete"),
        lambda: line_text("I want to talk to a real person"),
        lambda: line_text("我要找真人"),
        lambda: line_postback("staff"),
        lambda: line_postback("ticket:status"),
        lambda: line_postback("delete:yes"),
    ],
    ids=[
        "human",
        "status",
        "cancel",
        "delete",
        "ask-person",
        "ask-person-zh",
        "staff-button",
        "status-button",
        "delete-button",
    ],
)
async def test_ticket_requests_in_a_group_open_nothing_and_point_to_a_private_chat(
    desk: Desk, event: Any, where: str
) -> None:
    texts = await _send(desk, _in(event(), where))
    assert len(texts) == 1
    assert POINTER in texts[0]
    assert "#" not in texts[0]
    store = desk.app[STORE]
    assert await store.tickets() == []
    # No state of any kind: not for the member, not for the group.
    for user in (LINE_USER, GROUP, ROOM):
        assert await store.find_visitor("line", user) is None


async def test_a_members_private_request_is_never_shown_in_the_group(desk: Desk) -> None:
    # The member has a request of their own, from a 1:1 chat.
    private = await _send(desk, line_text("I want to talk to a real person"))
    assert "#1" in private[0]
    for event in (line_text("/status"), line_postback("ticket:status"), line_text("hello?")):
        for text in await _send(desk, _in(event, "group")):
            assert "#1" not in text
    # Nothing the member wrote in the group was filed under their request.
    [ticket] = await desk.app[STORE].tickets()
    messages = await desk.app[STORE].messages_of(ticket.visitor_id)
    assert not [m for m in messages if m.text in ("/status", "hello?")]


async def test_an_emergency_in_a_group_gets_the_numbers_but_no_ticket(
    desk: Desk, kb: KnowledgeBase
) -> None:
    event = _in(line_text("there is a fire, help"), "group")
    await _send(desk, event)
    [reply] = [c for c in desk.line.calls_to(REPLY) if c.body["replyToken"] == event["replyToken"]]
    [card] = reply.body["messages"]  # the red card: the fire's number first, nothing else
    assert card["type"] == "flex"
    assert card["altText"].startswith("🚨 Call 119 now")
    assert "quickReply" not in card
    assert "#" not in card["altText"]
    assert await desk.app[STORE].tickets() == []


async def test_a_knowledge_question_in_a_group_is_answered_without_staff_buttons(
    desk: Desk, kb: KnowledgeBase
) -> None:
    event = _in(line_text("What are Hualien's sister cities?"), "group")
    token = event["replyToken"]
    texts = await _send(desk, event)
    assert texts
    assert texts[0] == answer_text(kb, "exchange.sister-cities", Lang.EN, desk.settings)
    [reply] = [c for c in desk.line.calls_to(REPLY) if c.body["replyToken"] == token]
    choices = [
        item["action"]["data"]
        for message in reply.body["messages"]
        for item in (message.get("quickReply") or {}).get("items", [])
    ]
    assert "staff" not in choices
    assert all(choice.startswith("entry:") for choice in choices)
    assert await desk.app[STORE].find_visitor("line", LINE_USER) is None


@pytest.mark.parametrize("text", ["haha see you at dinner", "hello everyone", "ok", "👍"])
async def test_group_chatter_gets_no_reply(desk: Desk, text: str) -> None:
    assert await _send(desk, _in(line_text(text), "group")) == []
    assert desk.line.calls_to(PUSH) == []


async def test_joining_a_group_says_once_where_requests_to_staff_go(desk: Desk) -> None:
    join = _line_event("join")
    join["source"] = {"type": "group", "groupId": GROUP}
    texts = await _send(desk, join)
    assert len(texts) == 1
    assert POINTER in texts[0]
    assert "1對1" in texts[0]
    assert await desk.app[STORE].find_visitor("line", GROUP) is None
