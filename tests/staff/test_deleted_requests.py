"""A deleted request stays deleted: its number is never given to another visitor, and a staff
answer to its card in the staff group (or to a note under it) reaches nobody; the staff member
is told why.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.channels.conftest import Desk, DeskFactory
from tests.channels.payloads import line_body, line_postback, line_text
from tests.fakes.line_api import PUSH, REPLY
from tests.staff.staff_group import (
    STAFF_CHAT,
    cards,
    staff_message,
    start_staff_desk,
    store,
    to_chat,
)
from tests.staff.test_console import _signed_in as signed_in

ANN = "U0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a"
BOB = "U0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"


@pytest.fixture
async def staff_desk(make_desk: DeskFactory) -> Desk:
    return await start_staff_desk(make_desk)


def _texts(call: Any) -> list[str]:
    return [m["text"] for m in call.body["messages"] if m["type"] == "text"]


async def _say(desk: Desk, user: str, text: str) -> None:
    replies = len(desk.line.calls_to(REPLY))
    assert (await desk.post_line(line_body(line_text(text, user_id=user)))).status == 200
    await desk.line.wait_for(REPLY, replies + 1)
    await desk.settle()


async def _delete_everything(desk: Desk, user: str) -> None:
    await _say(desk, user, "/delete")
    replies = len(desk.line.calls_to(REPLY))
    assert (
        await desk.post_line(line_body(line_postback("delete:yes", user_id=user)))
    ).status == 200
    await desk.line.wait_for(REPLY, replies + 1)
    await desk.settle()


async def test_a_deleted_requests_number_is_not_given_again_and_its_card_answers_nobody(
    staff_desk: Desk,
) -> None:
    desk = staff_desk
    await _say(desk, ANN, "I want to talk to a person about my residence permit")
    [ann_card] = cards(desk, 1)
    assert ann_card.message_id is not None
    await _delete_everything(desk, ANN)

    await _say(desk, BOB, "talk to a human please")
    assert "request #2" in _texts(desk.line.calls_to(REPLY)[-1])[0]
    assert len(cards(desk, 2)) == 1
    assert await store(desk).ticket(1) is None

    # A staff member answers Ann's old card: the answer must not reach Bob (or anyone).
    answer = staff_message(
        "Your permit is ready, Ann.", reply_to=ann_card.message_id, reply_to_text="Request #1"
    )
    assert (await desk.post_telegram(answer)).status == 200
    await desk.settle()
    assert desk.line.calls_to(PUSH) == []
    bob_ticket = await store(desk).ticket(2)
    assert bob_ticket is not None
    assert bob_ticket.status.value == "open"
    assert [m.text for m in await store(desk).messages_of(bob_ticket.visitor_id)][-1:] != [
        "Staff reply (request #2):\nYour permit is ready, Ann."
    ]
    told = to_chat(desk, STAFF_CHAT)[-1]
    assert told.params["text"] == (
        "Request #1 was deleted at the visitor's request: the answer was not sent."
    )
    assert told.params["reply_parameters"]["message_id"] == answer["message"]["message_id"]


async def test_delete_edits_the_desks_messages_about_the_visitor_in_the_staff_group(
    staff_desk: Desk,
) -> None:
    desk = staff_desk
    await _say(desk, ANN, "I want to talk to a person about my residence permit")
    await _say(desk, ANN, "My passport number is P1234567")
    assert (await desk.post_telegram(staff_message("/tickets"))).status == 200
    await desk.settle()
    [card] = cards(desk, 1)
    *_, note, listing = to_chat(desk, STAFF_CHAT)
    assert note.params["text"] == "#1 visitor: My passport number is P1234567"
    assert "residence permit" in listing.params["text"]
    staff_answer = staff_message("We will look into it.", reply_to=card.message_id)
    assert (await desk.post_telegram(staff_answer)).status == 200
    await desk.settle()
    edits_before = len(desk.telegram.calls_to("editMessageText"))

    await _delete_everything(desk, ANN)

    edits = {
        int(c.params["message_id"]): c
        for c in desk.telegram.calls_to("editMessageText")[edits_before:]
    }
    # The staff member's own answer is theirs, not the bot's to change.
    assert set(edits) == {card.message_id, note.message_id, listing.message_id}
    assert edits[card.message_id].params["text"] == (
        "Request #1: deleted at the visitor's request."
    )
    assert "reply_markup" not in edits[card.message_id].params  # no buttons left
    assert edits[note.message_id].params["text"] == "#1: deleted at the visitor's request."
    assert edits[listing.message_id].params["text"] == (
        "(A list of requests: removed, as request #1 in it was deleted at the visitor's request.)"
    )
    assert not any(c.method == "deleteMessage" for c in desk.telegram.calls)


async def test_delete_leaves_no_trace_of_the_visitors_words_in_the_database_files(
    staff_desk: Desk,
) -> None:
    desk = staff_desk
    words = "P7Q3-passport-Z9X4"
    await _say(desk, ANN, "I want to talk to a person, please")
    await _say(desk, ANN, f"My passport number is {words}")
    await _say(desk, ANN, "/delete")
    # A staff answer LINE does not take yet waits in the outbox, holding her number too.
    desk.line.fail_next(1000, 500, path=PUSH)
    [card] = cards(desk, 1)
    answer = staff_message(f"Got {words}, thanks", reply_to=card.message_id)
    assert (await desk.post_telegram(answer)).status == 200
    await desk.line.wait_for(PUSH)

    replies = len(desk.line.calls_to(REPLY))
    confirm = line_body(line_postback("delete:yes", user_id=ANN))
    assert (await desk.post_line(confirm)).status == 200
    await desk.line.wait_for(REPLY, replies + 1)
    await desk.settle()  # the waiting answer went with the rest: nothing is left to send
    tried = len(desk.line.calls_to(PUSH))
    await asyncio.sleep(1.5)
    assert len(desk.line.calls_to(PUSH)) == tried

    database = str(desk.settings.database_url).split("///", 1)[1]
    for name, content in _files(database).items():
        assert words.encode() not in content, name


def _files(database: str) -> dict[str, bytes]:
    """The SQLite database file and its write-ahead log, as they are on disk."""
    found = {}
    for path in (Path(database), Path(database + "-wal")):
        if path.exists():
            found[path.name] = path.read_bytes()
    assert Path(database).name in found
    return found


async def test_a_console_tab_left_open_on_a_deleted_request_answers_nobody(desk: Desk) -> None:
    token = await signed_in(desk)
    await _say(desk, ANN, "I want to talk to a person about my residence permit")
    assert (await desk.client.get("/staff/tickets/1")).status == 200  # the tab is opened
    await _delete_everything(desk, ANN)
    await _say(desk, BOB, "talk to a human please")

    late = await desk.client.post(
        "/staff/tickets/1/reply", data={"csrf": token, "text": "Your permit is ready, Ann."}
    )
    assert late.status == 404
    await desk.settle()
    assert desk.line.calls_to(PUSH) == []
