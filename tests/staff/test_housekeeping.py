"""Housekeeping: unclaimed cards are posted again after the repost interval; conversations past
the retention period are purged (a visitor with an active ticket is kept).

The store stamps rows with its clock, so ``now`` is that clock moved forward. Office hours
decide whether a card is posted again, so the clock is that of a Thursday morning in Hualien
(``NOW``), ticking: on the real one, these tests would pass or fail with the time of day.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa

from bot import delivery
from bot.app import housekeeping_once
from bot.store import TicketStatus, tables
from bot.store import db as store_db
from tests.channels.conftest import NOW, Desk, DeskFactory
from tests.channels.payloads import LINE_USER, TG_CHAT, line_body, line_text, tg_message
from tests.fakes.line_api import PUSH, REPLY
from tests.staff.staff_group import (
    STAFF_CHAT,
    cards,
    later,
    staff_callback,
    staff_message,
    start_staff_desk,
    store,
    ticket,
    to_chat,
)


@pytest.fixture(autouse=True)
def a_thursday_morning(monkeypatch: pytest.MonkeyPatch) -> None:
    start = time.monotonic()

    def clock() -> dt.datetime:
        return NOW + dt.timedelta(seconds=time.monotonic() - start)

    # Delivery compares the store's stamps (reply tokens, send windows) with the same clock.
    monkeypatch.setattr(store_db, "utcnow", clock)
    monkeypatch.setattr(delivery, "utcnow", clock)


@pytest.fixture
async def staff_desk(make_desk: DeskFactory) -> Desk:
    return await start_staff_desk(make_desk)


async def _line_ticket(desk: Desk) -> int:
    assert (await desk.post_line(line_body(line_text("talk to a human")))).status == 200
    await desk.line.wait_for(REPLY)
    await desk.settle()
    card_id = (await ticket(desk, 1)).card_message_id
    assert card_id is not None
    return card_id


async def test_no_card_is_posted_again_while_the_office_is_closed(staff_desk: Desk) -> None:
    desk = staff_desk
    await _line_ticket(desk)
    # The clock starts on a Thursday morning: two days later is a Saturday.
    await housekeeping_once(desk.app, desk.settings, later(2 * 24 * 60))
    assert len(cards(desk, 1)) == 1
    # Monday morning the office opens: the waiting request is posted again.
    await housekeeping_once(desk.app, desk.settings, later(4 * 24 * 60))
    assert len(cards(desk, 1)) == 2


async def test_unclaimed_card_is_posted_again_after_the_interval(staff_desk: Desk) -> None:
    desk = staff_desk
    first_card = await _line_ticket(desk)
    interval = desk.settings.staff_repost_minutes

    await housekeeping_once(desk.app, desk.settings, later(interval - 5))
    assert len(cards(desk, 1)) == 1  # not yet

    await housekeeping_once(desk.app, desk.settings, later(interval + 1))
    first, again = cards(desk, 1)
    assert again.params["text"] == first.params["text"]
    assert again.params["reply_markup"] == first.params["reply_markup"]
    reposted = await ticket(desk, 1)
    assert reposted.card_message_id not in (None, first_card)

    # Posted again just now: the next round leaves it alone.
    await housekeeping_once(desk.app, desk.settings, later(interval - 5))
    assert len(cards(desk, 1)) == 2


async def test_claimed_and_answered_tickets_are_not_posted_again(staff_desk: Desk) -> None:
    desk = staff_desk
    card_id = await _line_ticket(desk)
    assert (await desk.post_telegram(tg_message("talk to a human"))).status == 200
    await desk.settle()
    second_card = (await ticket(desk, 2)).card_message_id
    assert second_card is not None
    assert (await desk.post_telegram(staff_callback("claim:1", card_id=card_id))).status == 200
    answer = staff_message("Answered without claiming.", reply_to=second_card)
    assert (await desk.post_telegram(answer)).status == 200
    await desk.settle()
    assert (await ticket(desk, 2)).status is TicketStatus.ANSWERED

    await housekeeping_once(desk.app, desk.settings, later(24 * 60))
    assert len(cards(desk, 1)) == 1
    assert len(cards(desk, 2)) == 1


async def test_a_reply_to_the_first_card_still_reaches_the_visitor_after_a_repost(
    staff_desk: Desk,
) -> None:
    desk = staff_desk
    first_card = await _line_ticket(desk)
    await housekeeping_once(desk.app, desk.settings, later(desk.settings.staff_repost_minutes + 1))
    assert len(cards(desk, 1)) == 2

    # Telegram quotes the replied-to card as plain text (no HTML tags).
    card_text = "Request #1\nChannel: LINE · Language: en\nFrom: visitor\nQuestion: talk to a human"
    reply = staff_message("Answer to the first card.", reply_to=first_card, reply_to_text=card_text)
    assert (await desk.post_telegram(reply)).status == 200
    [push] = await desk.line.wait_for(PUSH)
    await desk.settle()
    assert push.body["to"] == LINE_USER
    assert "Answer to the first card." in push.body["messages"][0]["text"]
    assert (await ticket(desk, 1)).status is TicketStatus.ANSWERED


async def test_retention_purges_old_visitors_but_keeps_active_tickets(staff_desk: Desk) -> None:
    desk = staff_desk
    days = desk.settings.retention_days
    # A LINE visitor who only asked a question, and a Telegram visitor with an open ticket.
    assert (await desk.post_line(line_body(line_text("ARC renewal")))).status == 200
    request = tg_message("talk to a human")
    assert (await desk.post_telegram(request)).status == 200
    await desk.line.wait_for(REPLY)
    await desk.settle()
    db = store(desk)
    # The update was accepted once: a redelivery would be refused at the inbox.
    assert not await db.accept_event("telegram", str(request["update_id"]), "{}")
    line_visitor = await db.find_visitor("line", LINE_USER)
    telegram_visitor = await db.find_visitor("telegram", str(TG_CHAT))
    assert line_visitor is not None
    assert telegram_visitor is not None

    await housekeeping_once(desk.app, desk.settings, later(60 * 24 * (days - 1)))
    assert await db.find_visitor("line", LINE_USER) == line_visitor

    await housekeeping_once(desk.app, desk.settings, later(60 * 24 * (days + 1)))
    assert await db.find_visitor("line", LINE_USER) is None
    assert await db.messages_of(line_visitor) == []
    # An open ticket is still staff's work: that visitor stays until it is closed.
    assert await db.find_visitor("telegram", str(TG_CHAT)) == telegram_visitor
    assert (await ticket(desk, 1)).status is TicketStatus.OPEN

    card_id = (await ticket(desk, 1)).card_message_id
    assert card_id is not None
    assert (await desk.post_telegram(staff_callback("close:1", card_id=card_id))).status == 200
    await desk.settle()
    await housekeeping_once(desk.app, desk.settings, later(60 * 24 * (days + 1)))
    assert await db.find_visitor("telegram", str(TG_CHAT)) is None
    assert await db.ticket(1) is None
    assert await db.events(1) == []
    # Event ids older than the period are forgotten too: a stale redelivery is not a duplicate.
    assert await db.first_delivery("telegram", str(request["update_id"]))
    assert to_chat(desk, STAFF_CHAT)  # the cards stay in the group; the data does not


async def test_retention_also_applies_to_a_returning_visitor(staff_desk: Desk) -> None:
    """The privacy answer promises messages are deleted after the period: a visitor who keeps
    writing must not keep their oldest messages and closed requests for ever."""
    desk = staff_desk
    db = store(desk)
    card_id = await _line_ticket(desk)  # ticket #1, then closed
    assert (await desk.post_telegram(staff_callback("close:1", card_id=card_id))).status == 200
    await desk.settle()
    assert (await desk.post_line(line_body(line_text("ARC renewal")))).status == 200
    await desk.line.wait_for(REPLY, 2)
    await desk.settle()
    visitor = await db.find_visitor("line", LINE_USER)
    assert visitor is not None
    old = later(-60 * 24 * (desk.settings.retention_days + 10))
    async with db.engine.begin() as conn:
        # Everything up to the closed ticket happened long ago.
        await conn.execute(
            sa.update(tables.messages)
            .where(tables.messages.c.ticket_id == 1)
            .values(created_at=old)
        )
        await conn.execute(
            sa.update(tables.tickets).where(tables.tickets.c.id == 1).values(updated_at=old)
        )
    # A second request, open now.
    assert (await desk.post_line(line_body(line_text("talk to a human")))).status == 200
    await desk.line.wait_for(REPLY, 3)
    await desk.settle()

    await housekeeping_once(desk.app, desk.settings, later(1))
    assert await db.find_visitor("line", LINE_USER) == visitor  # wrote recently: kept
    assert await db.ticket(1) is None
    assert await db.events(1) == []
    assert (await ticket(desk, 2)).status is TicketStatus.OPEN
    texts = [m.text for m in await db.messages_of(visitor)]
    assert all("#1" not in text for text in texts)
    assert "ARC renewal" in texts
    assert "talk to a human" in texts
