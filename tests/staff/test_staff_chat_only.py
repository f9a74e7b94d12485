"""Only the configured staff chat can act on tickets: replies and buttons from any other chat
(another group, a private chat with the bot) never reach a visitor or change a ticket.
"""

from __future__ import annotations

import pytest

from bot.store import TicketStatus
from tests.channels.conftest import Desk, DeskFactory
from tests.channels.payloads import LINE_USER, line_body, line_text
from tests.fakes.line_api import PUSH, REPLY
from tests.staff.staff_group import (
    OTHER_GROUP,
    STAFF_CHAT,
    STAFF_PRIVATE,
    cards,
    staff_callback,
    staff_message,
    start_staff_desk,
    store,
    ticket,
    to_chat,
)

#: Another staff member in the group (not the bot).
COLLEAGUE = {"id": 2220002, "is_bot": False, "first_name": "Chen"}


@pytest.fixture
async def staff_desk(make_desk: DeskFactory) -> Desk:
    return await start_staff_desk(make_desk)


async def _open_line_ticket(desk: Desk) -> int:
    assert (await desk.post_line(line_body(line_text("talk to a human")))).status == 200
    await desk.line.wait_for(REPLY)
    await desk.settle()
    card_id = (await ticket(desk, 1)).card_message_id
    assert card_id is not None
    return card_id


async def _assert_untouched(desk: Desk) -> None:
    assert desk.line.calls_to(PUSH) == []
    assert len(desk.line.calls_to(REPLY)) == 1  # only the visitor's own handoff answer
    untouched = await ticket(desk, 1)
    assert untouched.status is TicketStatus.OPEN
    assert untouched.assignee is None
    assert desk.telegram.calls_to("editMessageText") == []
    assert [(e.actor, e.action) for e in await store(desk).events(1)] == [("visitor", "opened")]


@pytest.mark.parametrize("chat_id", [OTHER_GROUP, -4001234567, STAFF_PRIVATE])
async def test_reply_to_the_card_from_another_chat_is_not_relayed(
    staff_desk: Desk, chat_id: int
) -> None:
    desk = staff_desk
    card_id = await _open_line_ticket(desk)
    forged = staff_message("Here is your answer", reply_to=card_id, chat_id=chat_id)
    assert (await desk.post_telegram(forged)).status == 200
    await desk.settle()
    await _assert_untouched(desk)
    messages = await store(desk).messages_of((await ticket(desk, 1)).visitor_id)
    assert all("Here is your answer" not in m.text for m in messages)
    if chat_id < 0:
        # A group that is not the staff chat gets no answer at all.
        assert to_chat(desk, chat_id) == []


@pytest.mark.parametrize("chat_id", [OTHER_GROUP, STAFF_PRIVATE])
@pytest.mark.parametrize("action", ["claim:1", "close:1"])
async def test_buttons_from_another_chat_change_nothing(
    staff_desk: Desk, chat_id: int, action: str
) -> None:
    desk = staff_desk
    card_id = await _open_line_ticket(desk)
    tap = staff_callback(action, card_id=card_id, chat_id=chat_id)
    assert (await desk.post_telegram(tap)).status == 200
    await desk.settle()
    await _assert_untouched(desk)
    answers = desk.telegram.calls_to("answerCallbackQuery")
    assert all(a.params.get("text") not in ("Claimed #1", "Closed #1") for a in answers)


@pytest.mark.parametrize("command", ["/tickets", "/closed on"])
async def test_staff_commands_from_another_chat_are_ignored(staff_desk: Desk, command: str) -> None:
    desk = staff_desk
    await _open_line_ticket(desk)
    assert (await desk.post_telegram(staff_message(command, chat_id=OTHER_GROUP))).status == 200
    await desk.settle()
    assert to_chat(desk, OTHER_GROUP) == []
    assert await store(desk).get_flag("office_closed") is None
    assert len(to_chat(desk, STAFF_CHAT)) == 1  # just the card


async def test_staff_chatter_that_replies_to_no_card_is_ignored(staff_desk: Desk) -> None:
    desk = staff_desk
    card_id = await _open_line_ticket(desk)
    assert (await desk.post_telegram(staff_message("Who is on duty today?"))).status == 200
    not_a_card = staff_message(
        "Me!",
        reply_to=card_id + 1000,
        reply_to_text="Who is on duty?",
        reply_to_author=COLLEAGUE,
    )
    assert (await desk.post_telegram(not_a_card)).status == 200
    await desk.settle()
    await _assert_untouched(desk)
    assert [c.params["text"] for c in to_chat(desk, STAFF_CHAT)] == [
        cards(desk, 1)[0].params["text"]
    ]


async def test_without_a_staff_chat_group_replies_are_never_relayed(
    make_desk: DeskFactory,
) -> None:
    desk = await make_desk()  # STAFF_TELEGRAM_CHAT_ID unset
    assert (await desk.post_line(line_body(line_text("talk to a human")))).status == 200
    await desk.line.wait_for(REPLY)
    await desk.settle()
    assert to_chat(desk, STAFF_CHAT) == []
    forged = staff_message("Here is your answer", reply_to=5001)
    assert (await desk.post_telegram(forged)).status == 200
    await desk.settle()
    assert desk.line.calls_to(PUSH) == []
    opened = await store(desk).active_ticket(
        await store(desk).find_visitor("line", LINE_USER) or -1
    )
    assert opened is not None
    assert opened.status is TicketStatus.OPEN
