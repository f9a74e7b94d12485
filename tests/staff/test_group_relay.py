"""The Telegram staff group end to end: a visitor's request becomes a card at the fake Bot API,
a staff reply to the card reaches the visitor on their own channel, buttons claim and close.
"""

from __future__ import annotations

import html
import uuid
from typing import Any

import pytest

from bot.kb.loader import KnowledgeBase
from bot.matcher import Matcher
from bot.store import Priority, TicketStatus
from tests.channels.conftest import LINE_TOKEN, Desk, DeskFactory
from tests.channels.payloads import (
    LINE_USER,
    TG_CHAT,
    line_body,
    line_postback,
    line_text,
    tg_callback,
    tg_message,
)
from tests.fakes.line_api import PUSH, REPLY
from tests.staff.staff_group import (
    STAFF_CHAT,
    STAFF_NAME,
    cards,
    staff_callback,
    staff_message,
    start_staff_desk,
    store,
    ticket,
    to_chat,
    wait_until,
)


@pytest.fixture
async def staff_desk(make_desk: DeskFactory) -> Desk:
    return await start_staff_desk(make_desk)


CARD_BUTTONS = {
    "inline_keyboard": [
        [
            {"text": "Claim", "callback_data": "claim:1"},
            {"text": "Close", "callback_data": "close:1"},
        ]
    ]
}


async def _line_request(desk: Desk, text: str = "I want to talk to a person") -> int:
    """A LINE visitor asks for a person; returns the message_id of the ticket's card."""
    assert (await desk.post_line(line_body(line_text(text)))).status == 200
    await desk.line.wait_for(REPLY)
    await desk.settle()
    opened = await ticket(desk, 1)
    assert opened.card_message_id is not None
    return opened.card_message_id


def _texts(call: Any) -> list[str]:
    return [m["text"] for m in call.body["messages"] if m["type"] == "text"]


async def test_line_request_card_reply_reaches_the_line_visitor(staff_desk: Desk) -> None:
    desk = staff_desk
    assert (await desk.post_line(line_body(line_text("I want to talk to a person")))).status == 200
    [handoff] = await desk.line.wait_for(REPLY)
    await desk.settle()
    assert "request #1" in _texts(handoff)[0]

    [card] = cards(desk, 1)
    assert card.params["chat_id"] == str(STAFF_CHAT)
    assert card.params["parse_mode"] == "HTML"
    assert card.params["reply_markup"] == CARD_BUTTONS
    text = card.params["text"]
    assert text.startswith("<b>Request #1</b>\n")
    assert "Channel: LINE · Language: en" in text
    assert "Question: I want to talk to a person" in text
    # A bare request for a person names no topic: the bot has nothing to guess.
    assert "Bot's guesses: none" in text
    assert "Status: open" in text
    card_id = (await ticket(desk, 1)).card_message_id
    assert card_id is not None

    reply = staff_message("We can meet you at the county hall at 10:00.", reply_to=card_id)
    assert (await desk.post_telegram(reply)).status == 200
    [push] = await desk.line.wait_for(PUSH)
    await desk.settle()
    assert push.body["to"] == LINE_USER
    assert _texts(push) == [
        "Staff reply (request #1):\nWe can meet you at the county hall at 10:00."
    ]
    assert uuid.UUID(push.headers["X-Line-Retry-Key"])
    assert push.headers["Authorization"] == f"Bearer {LINE_TOKEN}"

    answered = await ticket(desk, 1)
    assert answered.status is TicketStatus.ANSWERED
    [edit] = desk.telegram.calls_to("editMessageText")
    assert edit.params["chat_id"] == str(STAFF_CHAT)
    assert edit.params["message_id"] == str(card_id)
    assert f"Status: answered by {STAFF_NAME}" in edit.params["text"]
    # The staff answer is filed under the ticket, with who wrote it.
    messages = await store(desk).messages_of(answered.visitor_id)
    assert messages[-1].direction == "out"
    assert messages[-1].author == STAFF_NAME
    assert "county hall" in messages[-1].text
    events = [(e.actor, e.action) for e in await store(desk).events(1)]
    assert events == [("visitor", "opened"), (STAFF_NAME, "replied")]


async def test_telegram_request_card_reply_reaches_the_telegram_visitor(
    staff_desk: Desk,
) -> None:
    desk = staff_desk
    assert (await desk.post_telegram(tg_message("我要找真人"))).status == 200
    await desk.settle()
    [handoff] = to_chat(desk, TG_CHAT)
    assert "#1" in handoff.params["text"]
    [card] = cards(desk, 1)
    text = card.params["text"]
    assert "Channel: Telegram · Language: zh-Hant" in text
    assert "From: Mika Tanaka" in text
    assert "Question: 我要找真人" in text
    card_id = (await ticket(desk, 1)).card_message_id
    assert card_id is not None

    staff_text = "請攜帶護照 & 居留證 <正本>"
    assert (await desk.post_telegram(staff_message(staff_text, reply_to=card_id))).status == 200
    await wait_until(lambda: len(to_chat(desk, TG_CHAT)) == 2)
    await desk.settle()
    answer = to_chat(desk, TG_CHAT)[-1]
    visible = f"承辦同仁回覆（案件 #1）：\n{staff_text}"
    assert answer.params["text"] == html.escape(visible, quote=False)
    assert answer.params["parse_mode"] == "HTML"
    assert (await ticket(desk, 1)).status is TicketStatus.ANSWERED
    assert desk.line.sent == []


async def test_claim_button_edits_the_card_and_answers_the_query(staff_desk: Desk) -> None:
    desk = staff_desk
    card_id = await _line_request(desk)
    tap = staff_callback("claim:1", card_id=card_id)
    assert (await desk.post_telegram(tap)).status == 200
    await desk.telegram.wait_for("answerCallbackQuery")
    await desk.settle()

    claimed = await ticket(desk, 1)
    assert claimed.status is TicketStatus.CLAIMED
    assert claimed.assignee == STAFF_NAME
    [edit] = desk.telegram.calls_to("editMessageText")
    assert edit.params["chat_id"] == str(STAFF_CHAT)
    assert edit.params["message_id"] == str(card_id)
    assert edit.params["parse_mode"] == "HTML"
    assert f"Status: claimed by {STAFF_NAME}" in edit.params["text"]
    # Claimed: only Close is left.
    assert edit.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Close", "callback_data": "close:1"}]]
    }
    [answer] = desk.telegram.calls_to("answerCallbackQuery")
    assert answer.params["callback_query_id"] == tap["callback_query"]["id"]
    assert answer.params["text"] == "Claimed #1"
    assert desk.line.sent == [desk.line.calls_to(REPLY)[0]]  # the visitor is not disturbed


async def test_close_button_edits_the_card_and_tells_the_visitor(staff_desk: Desk) -> None:
    desk = staff_desk
    card_id = await _line_request(desk)
    assert (await desk.post_telegram(staff_callback("close:1", card_id=card_id))).status == 200
    [push] = await desk.line.wait_for(PUSH)
    await desk.settle()
    assert push.body["to"] == LINE_USER
    assert _texts(push) == ["Request #1 has been closed by our staff. Ask me anything any time."]
    assert (await ticket(desk, 1)).status is TicketStatus.CLOSED
    [edit] = desk.telegram.calls_to("editMessageText")
    assert f"Status: closed by {STAFF_NAME}" in edit.params["text"]
    assert "reply_markup" not in edit.params  # no buttons on a closed card
    [answer] = desk.telegram.calls_to("answerCallbackQuery")
    assert answer.params["text"] == "Closed #1"

    # A late reply to the closed card is not sent; staff are told so.
    late = staff_message("One more thing…", reply_to=card_id)
    assert (await desk.post_telegram(late)).status == 200
    await desk.settle()
    assert len(desk.line.calls_to(PUSH)) == 1
    notes = [c.params["text"] for c in to_chat(desk, STAFF_CHAT)]
    assert "Request #1 is closed; the answer was not sent." in notes


async def test_follow_up_goes_to_staff_as_a_reply_to_the_card(staff_desk: Desk) -> None:
    desk = staff_desk
    card_id = await _line_request(desk)
    staff_before = len(to_chat(desk, STAFF_CHAT))

    # A question the bot could answer by itself: during a ticket it is staff's to answer.
    follow_up = line_text("county government phone number")
    assert (await desk.post_line(line_body(follow_up))).status == 200
    calls = await desk.line.wait_for(REPLY, 2)
    await desk.settle()
    assert calls[-1].body["replyToken"] == follow_up["replyToken"]
    [ack] = calls[-1].body["messages"]
    assert ack["text"] == "Added to your request #1; staff will reply here."
    assert [i["action"]["data"] for i in ack["quickReply"]["items"]] == [
        "ticket:status",
        "ticket:cancel",
    ]

    relayed = to_chat(desk, STAFF_CHAT)[staff_before:]
    assert len(relayed) == 1
    assert relayed[0].params["text"] == "#1 visitor: county government phone number"
    assert relayed[0].params["reply_parameters"]["message_id"] == card_id
    assert await store(desk).tickets() == [await ticket(desk, 1)]  # no second ticket
    messages = await store(desk).messages_of((await ticket(desk, 1)).visitor_id)
    assert {m.decision for m in messages[-2:]} == {"relayed"}


async def test_emergency_during_a_ticket_sends_numbers_and_alerts_staff(
    staff_desk: Desk, kb: KnowledgeBase
) -> None:
    desk = staff_desk
    card_id = await _line_request(desk)
    assert (await desk.post_line(line_body(line_text("there is a fire, help")))).status == 200
    calls = await desk.line.wait_for(REPLY, 2)
    await desk.settle()
    card, note = calls[-1].body["messages"]
    assert card["type"] == "flex"  # the red card, the fire's number first
    assert card["altText"].startswith("🚨 Call 119 now")
    assert note["text"].startswith("I have also alerted our staff (request #1, urgent).")

    urgent = await ticket(desk, 1)
    assert urgent.priority is Priority.URGENT
    notes = [c for c in to_chat(desk, STAFF_CHAT) if "EMERGENCY" in c.params["text"]]
    assert [n.params["text"] for n in notes] == [
        "🚨 EMERGENCY WORDS · #1 visitor: there is a fire, help"
    ]
    assert notes[0].params["reply_parameters"]["message_id"] == card_id
    [edit] = desk.telegram.calls_to("editMessageText")
    assert edit.params["text"].startswith("<b>🚨 URGENT Request #1</b>")
    assert len(await store(desk).tickets()) == 1


async def test_emergency_without_a_ticket_opens_an_urgent_card(staff_desk: Desk) -> None:
    desk = staff_desk
    assert (await desk.post_telegram(tg_message("救命 有火災"))).status == 200
    await desk.settle()
    [card] = cards(desk, 1)
    assert card.params["text"].startswith("<b>🚨 URGENT Request #1</b>")
    assert (await ticket(desk, 1)).priority is Priority.URGENT
    # The visitor had the emergency numbers before staff were told.
    first = desk.telegram.calls.index(to_chat(desk, TG_CHAT)[0])
    assert first < desk.telegram.calls.index(card)


async def test_visitor_cancel_updates_the_card(staff_desk: Desk) -> None:
    desk = staff_desk
    card_id = await _line_request(desk)
    assert (await desk.post_line(line_body(line_postback("ticket:cancel")))).status == 200
    await desk.line.wait_for(REPLY, 2)
    await desk.settle()
    assert (await ticket(desk, 1)).status is TicketStatus.CLOSED
    [edit] = desk.telegram.calls_to("editMessageText")
    assert edit.params["message_id"] == str(card_id)
    assert "Status: closed by the visitor" in edit.params["text"]
    note = to_chat(desk, STAFF_CHAT)[-1]
    assert note.params["text"] == "Request #1 was closed by the visitor."
    assert note.params["reply_parameters"]["message_id"] == card_id


async def test_ask_staff_after_a_bot_answer_card_carries_the_bots_guesses(
    staff_desk: Desk, matcher: Matcher
) -> None:
    desk = staff_desk
    question = "how do I bring my pet tortoise on a hot air balloon"
    guesses = matcher.match(question).guesses
    assert guesses, "the matcher no longer has guesses for this question"
    assert (await desk.post_telegram(tg_message(question))).status == 200
    await desk.settle()
    assert (await desk.post_telegram(tg_callback("staff"))).status == 200
    await desk.settle()
    [card] = cards(desk, 1)
    shown = ", ".join(f"{entry} ({score:.2f})" for entry, score in guesses)
    assert f"Bot's guesses: {html.escape(shown)}" in card.params["text"]
    assert f"Question: {question}" in card.params["text"]


async def test_tickets_lists_open_requests(staff_desk: Desk) -> None:
    desk = staff_desk
    card_id = await _line_request(desk)
    assert (await desk.post_telegram(tg_message("talk to a human"))).status == 200
    await desk.settle()
    assert (await desk.post_telegram(tg_message("我要找真人", chat_id=2222222))).status == 200
    await desk.settle()
    assert (await desk.post_telegram(staff_callback("claim:1", card_id=card_id))).status == 200
    assert (await desk.post_telegram(staff_callback("close:3", card_id=card_id))).status == 200
    await desk.settle()

    before = len(to_chat(desk, STAFF_CHAT))
    assert (await desk.post_telegram(staff_message("/tickets@desk_bot"))).status == 200
    await desk.settle()
    [listing] = to_chat(desk, STAFF_CHAT)[before:]
    assert listing.params["text"].splitlines() == [
        "#2 [open] talk to a human",
        f"#1 [claimed · {STAFF_NAME}] I want to talk to a person",
    ]

    assert (await desk.post_telegram(staff_callback("close:1", card_id=card_id))).status == 200
    assert (await desk.post_telegram(staff_callback("close:2", card_id=card_id))).status == 200
    await desk.settle()
    assert (await desk.post_telegram(staff_message("/tickets"))).status == 200
    await desk.settle()
    assert to_chat(desk, STAFF_CHAT)[-1].params["text"] == "No open requests."


async def test_closure_switch_tells_new_visitors_when_the_office_reopens(
    staff_desk: Desk,
) -> None:
    desk = staff_desk
    assert (await desk.post_telegram(staff_message("/closed on"))).status == 200
    await desk.settle()
    assert to_chat(desk, STAFF_CHAT)[-1].params["text"].startswith("Office marked closed")

    assert (await desk.post_line(line_body(line_text("talk to a human")))).status == 200
    [reply] = await desk.line.wait_for(REPLY)
    await desk.settle()
    # NOW is Thursday 26 Nov 2026, 10:00 in Hualien: the next office day is Friday.
    assert _texts(reply) == [
        "I have passed your message to our staff as request #1. They will reply to you here.\n"
        "The office is closed today; staff will reply after it reopens on Fri 27 Nov at 08:00 "
        "(Taiwan time)."
    ]

    assert (await desk.post_telegram(staff_message("/closed"))).status == 200
    await desk.settle()
    assert to_chat(desk, STAFF_CHAT)[-1].params["text"] == (
        "Closure switch: on for 2026-11-26. Use /closed on|off."
    )
    assert (await desk.post_telegram(staff_message("/closed off"))).status == 200
    await desk.settle()
    assert (
        await desk.post_line(
            line_body(line_text("请转人工客服", user_id="U0a1b2c3d4e5f60718293a4b5c6d7e8f9"))
        )
    ).status == 200
    calls = await desk.line.wait_for(REPLY, 2)
    await desk.settle()
    assert _texts(calls[-1])[0].endswith("现在是上班时间，同仁会尽快回复。")


async def test_a_reply_to_a_follow_up_note_reaches_the_visitor(staff_desk: Desk) -> None:
    desk = staff_desk
    await _line_request(desk)
    assert (await desk.post_line(line_body(line_text("Is my visa ok?")))).status == 200
    await desk.line.wait_for(REPLY, 2)
    await desk.settle()
    note = to_chat(desk, STAFF_CHAT)[-1]
    assert note.params["text"] == "#1 visitor: Is my visa ok?"
    # Staff naturally answer the visitor's latest message rather than scroll up to the card.
    # The fake numbers the messages it returns from 5001; the note was the latest.
    note_id = 5000 + len([c for c in desk.telegram.calls if c.method.startswith("send")])
    reply = staff_message(
        "Yes, it is valid.", reply_to=note_id, reply_to_text="#1 visitor: Is my visa ok?"
    )
    assert (await desk.post_telegram(reply)).status == 200
    [push] = await desk.line.wait_for(PUSH)
    await desk.settle()
    assert _texts(push) == ["Staff reply (request #1):\nYes, it is valid."]


@pytest.mark.parametrize(
    "author",
    [
        {"id": 2220002, "is_bot": False, "first_name": "Chen"},
        {"id": 6100000002, "is_bot": True, "first_name": "Poll", "username": "poll_bot"},
    ],
)
async def test_a_reply_to_someone_elses_message_naming_a_request_is_not_relayed(
    staff_desk: Desk, author: dict[str, Any]
) -> None:
    desk = staff_desk
    await _line_request(desk)
    reply = staff_message("ok", reply_to=8888, reply_to_text="Request #1", reply_to_author=author)
    assert (await desk.post_telegram(reply)).status == 200
    await desk.settle()
    assert desk.line.calls_to(PUSH) == []
    assert (await ticket(desk, 1)).status is TicketStatus.OPEN


async def test_a_failed_delivery_is_shown_on_the_card(staff_desk: Desk) -> None:
    desk = staff_desk
    card_id = await _line_request(desk)
    # 403 (the visitor blocked the bot) is final: recorded, not retried. A 500 would be retried.
    desk.line.fail_next(1, 403, path=PUSH)
    assert (await desk.post_telegram(staff_message("Hello?", reply_to=card_id))).status == 200
    await desk.line.wait_for(PUSH)
    await desk.settle()
    failed = await ticket(desk, 1)
    assert failed.delivery_error is not None
    # The card is edited when the answer is queued, and again when its delivery fails.
    edit = desk.telegram.calls_to("editMessageText")[-1]
    assert "⚠️ Last delivery failed" in edit.params["text"]

    # The next answer gets through and clears the warning.
    assert (await desk.post_telegram(staff_message("Hello again", reply_to=card_id))).status == 200
    await desk.line.wait_for(PUSH, 2)
    await desk.settle()
    assert (await ticket(desk, 1)).delivery_error is None
    assert (
        "Last delivery failed" not in desk.telegram.calls_to("editMessageText")[-1].params["text"]
    )


async def test_claim_after_close_does_not_claim(staff_desk: Desk) -> None:
    desk = staff_desk
    card_id = await _line_request(desk)
    assert (await desk.post_telegram(staff_callback("close:1", card_id=card_id))).status == 200
    await desk.settle()
    # A second staff member taps Claim on an older copy of the card.
    assert (await desk.post_telegram(staff_callback("claim:1", card_id=card_id))).status == 200
    await desk.settle()
    closed = await ticket(desk, 1)
    assert (closed.status, closed.assignee) == (TicketStatus.CLOSED, None)
    answers = [c.params["text"] for c in desk.telegram.calls_to("answerCallbackQuery")]
    assert answers == ["Closed #1", "Request #1 is already closed"]


async def test_staff_hear_of_a_request_even_when_the_visitors_answer_fails(
    staff_desk: Desk,
) -> None:
    desk = staff_desk
    desk.line.fail_next(1, 403, path=REPLY)
    assert (await desk.post_line(line_body(line_text("talk to a human")))).status == 200
    await desk.line.wait_for(REPLY)
    await desk.settle()
    assert len(cards(desk, 1)) == 1


async def test_a_reply_to_a_note_reaches_a_visitor_whose_name_starts_with_a_bracket(
    staff_desk: Desk,
) -> None:
    desk = staff_desk
    bracketed = tg_message("talk to a human")
    bracketed["message"]["from"]["first_name"] = "[Mika]"
    assert (await desk.post_telegram(bracketed)).status == 200
    await desk.settle()
    follow_up = tg_message("Is my visa ok?")
    follow_up["message"]["from"]["first_name"] = "[Mika]"
    assert (await desk.post_telegram(follow_up)).status == 200
    await desk.settle()
    note = to_chat(desk, STAFF_CHAT)[-1]
    assert note.params["text"].startswith("#1 [Mika] ")
    assert note.message_id is not None
    answers = len(to_chat(desk, TG_CHAT))
    reply = staff_message("Yes, it is valid.", reply_to=note.message_id, reply_to_text="#1 [Mika]")
    assert (await desk.post_telegram(reply)).status == 200
    await desk.settle()
    assert [c.params["text"] for c in to_chat(desk, TG_CHAT)[answers:]] == [
        "Staff reply (request #1):\nYes, it is valid."
    ]


@pytest.mark.parametrize("urgent", [False, True])
async def test_a_note_that_fails_to_reach_the_staff_group_is_sent_again(
    staff_desk: Desk, urgent: bool
) -> None:
    desk = staff_desk
    card_id = await _line_request(desk)
    # The group is out of reach for the note's first try (Telegram answers 502).
    desk.telegram.fail_next(1, 502, method="sendMessage", description="Bad Gateway")
    text = "there is a fire, help" if urgent else "Is my visa ok?"
    assert (await desk.post_line(line_body(line_text(text)))).status == 200
    await desk.line.wait_for(REPLY, 2)
    await desk.settle()
    notes = [c for c in to_chat(desk, STAFF_CHAT) if c.params["text"].endswith(text)]
    assert len(notes) == 2  # the failed try, then the one that got through
    assert notes[-1].message_id is not None
    assert notes[-1].params["reply_parameters"]["message_id"] == card_id


async def test_a_card_that_fails_to_reach_the_staff_group_is_sent_again(staff_desk: Desk) -> None:
    desk = staff_desk
    desk.telegram.fail_next(1, 502, method="sendMessage", description="Bad Gateway")
    assert (await desk.post_line(line_body(line_text("talk to a human")))).status == 200
    await desk.line.wait_for(REPLY)
    await desk.settle()
    posted = cards(desk, 1)
    assert len(posted) == 2
    assert (await ticket(desk, 1)).card_message_id == posted[-1].message_id
