"""A web-chat message sent again with the page's id for it is answered once, not twice."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from bot.app import housekeeping_once
from bot.keys import SETTINGS, STORE
from bot.store.tables import web_requests
from tests.channels.conftest import NOW, Desk, DeskFactory

SESSION = "web-resend-000001"


async def post(desk: Desk, **payload: Any) -> tuple[int, dict[str, Any]]:
    response = await desk.chat({"session": SESSION, **payload})
    body: dict[str, Any] = await response.json()
    return response.status, body


async def stored_messages(desk: Desk) -> list[tuple[str, str]]:
    visitor_id = await desk.app[STORE].find_visitor("web", SESSION)
    if visitor_id is None:
        return []
    return [(m.role.value, m.text) for m in await desk.app[STORE].messages_of(visitor_id)]


async def test_the_same_message_sent_again_is_answered_from_the_first_time(
    make_desk: DeskFactory,
) -> None:
    # A budget of one message a minute: the resend would be refused if it counted.
    desk = await make_desk(web_chat_messages_per_minute=1)
    status, first = await post(desk, text="I want to talk to a real person", id="msg-0000001")
    assert status == 200
    assert first["decision"] == "handoff"
    status, again = await post(desk, text="I want to talk to a real person", id="msg-0000001")
    assert status == 200
    assert again == first
    # One exchange, one request to staff.
    assert [role for role, _ in await stored_messages(desk)] == ["visitor", "bot"]
    assert [t.number for t in await desk.app[STORE].tickets()] == [first["ticket"]]


async def test_two_copies_at_the_same_moment_are_answered_once(desk: Desk) -> None:
    (s1, a), (s2, b) = await asyncio.gather(
        post(desk, text="county government phone number", id="msg-0000002"),
        post(desk, text="county government phone number", id="msg-0000002"),
    )
    assert (s1, s2) == (200, 200)
    assert a == b
    assert [role for role, _ in await stored_messages(desk)] == ["visitor", "bot"]


async def test_different_ids_are_different_messages(desk: Desk) -> None:
    await post(desk, text="hello", id="msg-0000003")
    await post(desk, text="hello", id="msg-0000004")
    await post(desk, text="hello")  # no id: every post is a message (older pages, scripts)
    assert [role for role, _ in await stored_messages(desk)] == ["visitor", "bot"] * 3


async def test_a_bad_id_is_refused(desk: Desk) -> None:
    for bad in ("short", "x" * 65, "has space 123", 12345678):
        status, body = await post(desk, text="hello", id=bad)
        assert status == 400, bad
        assert body["error"].startswith(("id:", "body: Value error, id ")), body
    assert await stored_messages(desk) == []


async def test_kept_answers_are_forgotten_after_a_day(desk: Desk) -> None:
    await post(desk, text="hello", id="msg-0000005")
    store = desk.app[STORE]
    await housekeeping_once(desk.app, desk.app[SETTINGS], dt.datetime.now(dt.UTC))
    async with store.engine.connect() as conn:
        assert len((await conn.execute(web_requests.select())).all()) == 1
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1, minutes=1)
    await housekeeping_once(desk.app, desk.app[SETTINGS], later)
    async with store.engine.connect() as conn:
        assert (await conn.execute(web_requests.select())).all() == []
    assert NOW  # the desk's clock is fixed; the purge goes by the stored time
