"""An emergency reply cannot be missed on any channel: a red LINE card with call buttons,
Telegram buttons that copy the numbers, and a flagged reply for the web chat's red card."""

from __future__ import annotations

from bot.channels.line import EMERGENCY_RED, to_line_messages
from bot.channels.telegram import _keyboard
from bot.channels.web import outcome_json
from bot.delivery import decode_replies, encode_replies
from bot.kb.schema import Contact
from bot.models import Option, Outcome, Reply
from bot.text import Lang

FIRE = Contact.model_validate(
    {"name": {"zh-Hant": "消防、救護車", "en": "Fire and ambulance"}, "phone": "119"}
)
POLICE = Contact.model_validate({"name": {"zh-Hant": "警察", "en": "Police"}, "phone": "110"})
URGENT = Reply(
    "Call 119 now: fire and ambulance.",
    (Option("All emergency numbers", "entry:contact.emergency"),),
    (FIRE, POLICE),
    Lang.EN,
    urgent=True,
)


def test_line_gets_one_red_card_with_a_call_button_per_number() -> None:
    [card] = [message.to_dict() for message in to_line_messages([URGENT])]
    assert card["type"] == "flex"
    assert card["altText"] == URGENT.text  # what a notification shows: the number itself
    bubble = card["contents"]
    assert bubble["header"]["backgroundColor"] == EMERGENCY_RED
    buttons = bubble["footer"]["contents"]
    assert [b["action"]["uri"] for b in buttons] == ["tel:119", "tel:110"]
    assert all(b["color"] == EMERGENCY_RED for b in buttons)
    assert card["quickReply"]["items"][0]["action"]["data"] == "entry:contact.emergency"


def test_an_ordinary_reply_is_not_a_red_card() -> None:
    ordinary = Reply("Call 119.", (), (FIRE,), Lang.EN)
    messages = [message.to_dict() for message in to_line_messages([ordinary])]
    assert messages[0] == {"type": "text", "text": "Call 119."}
    assert "header" not in messages[1]["contents"]


def test_telegram_buttons_copy_the_numbers_before_the_options() -> None:
    keyboard = _keyboard(URGENT)
    assert keyboard is not None
    rows = [[button.to_dict() for button in row] for row in keyboard.inline_keyboard]
    assert rows[0] == [{"text": "📋 119", "copy_text": {"text": "119"}}]
    assert rows[1] == [{"text": "📋 110", "copy_text": {"text": "110"}}]
    assert rows[2][0]["callback_data"] == "entry:contact.emergency"
    ordinary = _keyboard(Reply("x", URGENT.options, (FIRE,), Lang.EN))
    assert ordinary is not None
    assert len(ordinary.inline_keyboard) == 1


def test_the_web_chat_is_told_the_reply_is_urgent() -> None:
    [reply] = outcome_json(Outcome([URGENT], "answer", "contact.emergency"))["replies"]
    assert reply["urgent"] is True
    assert [c["tel"] for c in reply["contacts"]] == ["tel:119", "tel:110"]


def test_urgency_survives_the_outbox() -> None:
    [decoded] = decode_replies(encode_replies([URGENT]))
    assert decoded.urgent
    assert (
        decode_replies('[{"text": "x", "lang": "en", "options": [], "contacts": []}]')[0].urgent
        is False
    )
