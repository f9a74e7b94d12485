"""A staff member answering a card with a photo, a file or a sticker: only text is relayed, so
the staff member is told at once that the visitor did not get it (it used to vanish)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.store import TicketStatus
from tests.channels.conftest import Desk, DeskFactory
from tests.channels.payloads import line_body, line_text
from tests.fakes.line_api import PUSH, REPLY
from tests.staff.staff_group import STAFF_CHAT, staff_message, start_staff_desk, ticket, to_chat

PHOTO = [{"file_id": "AgACAgUAAxkBAAIB", "file_unique_id": "AQADx", "width": 90, "height": 67}]


def _media(update: dict[str, Any], kind: str) -> dict[str, Any]:
    message = update["message"]
    caption = message.pop("text")
    if kind == "photo":
        message["photo"] = PHOTO
        message["caption"] = caption
    elif kind == "document":
        message["document"] = {"file_id": "BQACAgUAAxkB", "file_unique_id": "AgADy"}
        message["caption"] = caption
    else:
        message["sticker"] = {
            "file_id": "CAACAgUAAxkB",
            "file_unique_id": "AgADz",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    return update


@pytest.mark.parametrize("kind", ["photo", "document", "sticker"])
async def test_a_media_reply_to_a_card_is_not_relayed_and_staff_are_told(
    make_desk: DeskFactory, kind: str
) -> None:
    desk: Desk = await start_staff_desk(make_desk)
    assert (await desk.post_line(line_body(line_text("I want to talk to a person")))).status == 200
    await desk.line.wait_for(REPLY)
    await desk.settle()
    card_id = (await ticket(desk, 1)).card_message_id
    assert card_id is not None
    before = len(to_chat(desk, STAFF_CHAT))

    update = _media(staff_message("Here is the map to the hall", reply_to=card_id), kind)
    assert (await desk.post_telegram(update)).status == 200
    await desk.settle()

    notes = to_chat(desk, STAFF_CHAT)[before:]
    assert len(notes) == 1
    assert "not sent to the visitor" in notes[0].params["text"]
    assert "#1" in notes[0].params["text"]
    assert notes[0].params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert desk.line.calls_to(PUSH) == []
    assert (await ticket(desk, 1)).status is TicketStatus.OPEN


async def test_a_photo_in_the_staff_group_that_answers_no_card_is_ignored(
    make_desk: DeskFactory,
) -> None:
    desk = await start_staff_desk(make_desk)
    update = _media(staff_message("team lunch"), "photo")
    assert (await desk.post_telegram(update)).status == 200
    await desk.settle()
    assert to_chat(desk, STAFF_CHAT) == []
