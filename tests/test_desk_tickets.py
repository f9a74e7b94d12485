"""The desk's ticket flow, on a real Store (SQLite in a temporary file) and the real knowledge
base and matcher: requests for a person, "Ask staff", follow-ups, /status, /cancel, /delete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.desk import Desk
from bot.kb.loader import KnowledgeBase
from bot.matcher import EMERGENCY_ENTRY, Decision, Matcher
from bot.models import Channel, Inbound, InboundKind, NoticeKind, Outcome, StaffNotice
from bot.settings import Settings
from bot.store import Priority, Store, Ticket, TicketStatus
from bot.store.tables import messages
from bot.text import Lang
from tests.conftest import KNOWLEDGE_DIR

#: Thursday 26 November 2026, 10:00 in Hualien: the office is open.
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
VISITOR = "U4af4980629b2f1c3d5e7a9b0c2d4e6f8"
OTHER = "U0a1b2c3d4e5f60718293a4b5c6d7e8f9"
TICKET_OPTIONS = ["ticket:status", "ticket:cancel"]
#: Questions the bot has no answer for (the first the current knowledge base falls back on).
FALLBACK_QUESTIONS = (
    "how much is a haircut",
    "my neighbour is noisy",
    "cost of cheese",
    "qwxz blorp vrmm",
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}")
    yield opened
    await opened.close()


@pytest.fixture
def desk(kb: KnowledgeBase, matcher: Matcher, store: Store, tmp_path: Path) -> Desk:
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        knowledge_dir=KNOWLEDGE_DIR,
    )
    return Desk(kb, matcher, store, settings, clock=lambda: NOW)


async def say(desk: Desk, text: str, user: str = VISITOR) -> Outcome:
    return await desk.handle(Inbound(Channel.LINE, user, InboundKind.TEXT, text=text))


async def tap(desk: Desk, choice: str, user: str = VISITOR) -> Outcome:
    return await desk.handle(Inbound(Channel.LINE, user, InboundKind.CHOICE, choice=choice))


def choices(outcome: Outcome) -> list[str]:
    return [option.choice for option in outcome.replies[-1].options]


async def only_ticket(store: Store) -> Ticket:
    [ticket] = await store.tickets()
    return ticket


async def filed(store: Store) -> list[tuple[str, str, int | None]]:
    """(direction, text, ticket_id) of every stored message, oldest first."""
    async with store.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(messages.c.direction, messages.c.text, messages.c.ticket_id).order_by(
                messages.c.id
            )
        )
        return [(row.direction, row.text, row.ticket_id) for row in rows]


def fallback_question(matcher: Matcher) -> str:
    for question in FALLBACK_QUESTIONS:
        if matcher.match(question).decision is Decision.FALLBACK:
            return question
    raise AssertionError("the knowledge base now answers every fallback question listed")


# -- opening tickets ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "handoff"),
    [
        ("I want to talk to a person", Lang.EN, "I have passed your message to our staff"),
        ("我要找真人", Lang.ZH_HANT, "已將您的訊息轉給承辦同仁（案件編號 #1）"),
        ("我想和真人说话", Lang.ZH_HANS, "已将您的消息转给承办同仁（案件编号 #1）"),
    ],
)
async def test_a_request_for_a_person_opens_a_ticket_in_every_script(
    desk: Desk, store: Store, text: str, lang: Lang, handoff: str
) -> None:
    outcome = await say(desk, text)
    assert outcome.decision == Decision.HANDOFF.value
    assert outcome.lang is lang
    assert outcome.ticket_number == 1
    [reply] = outcome.replies
    assert reply.text.startswith(handoff)
    assert "#1" in reply.text
    assert reply.lang is lang
    assert choices(outcome) == TICKET_OPTIONS
    assert outcome.notices == [StaffNotice(NoticeKind.OPENED, 1, text)]

    ticket = await only_ticket(store)
    assert (ticket.number, ticket.status, ticket.priority) == (
        1,
        TicketStatus.OPEN,
        Priority.NORMAL,
    )
    assert (ticket.channel, ticket.user_id, ticket.lang) == ("line", VISITOR, lang.value)
    assert (ticket.reason, ticket.question) == ("asked", text)


async def test_office_hours_are_named_in_the_handoff(desk: Desk) -> None:
    outcome = await say(desk, "talk to a human")
    assert outcome.replies[0].text.endswith("The office is open now, so expect a reply soon.")


async def test_human_command_opens_a_ticket_for_the_last_question(desk: Desk, store: Store) -> None:
    await say(desk, "ARC renewal")
    outcome = await say(desk, "/human")
    assert outcome.decision == Decision.HANDOFF.value
    ticket = await only_ticket(store)
    assert ticket.question == "ARC renewal"


async def test_ask_staff_after_a_fallback_files_the_previous_question(
    desk: Desk, store: Store, matcher: Matcher
) -> None:
    question = fallback_question(matcher)
    fallback = await say(desk, question)
    assert fallback.decision == Decision.FALLBACK.value
    assert "staff" in choices(fallback)

    outcome = await tap(desk, "staff")
    assert outcome.decision == Decision.HANDOFF.value
    assert outcome.notices == [StaffNotice(NoticeKind.OPENED, 1, question)]
    ticket = await only_ticket(store)
    assert (ticket.reason, ticket.question) == ("fallback", question)
    expected = tuple((entry, round(score, 4)) for entry, score in matcher.match(question).guesses)
    assert ticket.guesses == expected


async def test_ask_staff_by_number_after_a_fallback(
    desk: Desk, store: Store, matcher: Matcher
) -> None:
    question = fallback_question(matcher)
    fallback = await say(desk, question)
    assert choices(fallback)[0] == "staff"
    outcome = await say(desk, "1")
    assert outcome.decision == Decision.HANDOFF.value
    assert (await only_ticket(store)).question == question


async def test_ask_staff_after_a_picked_option_files_the_typed_question(
    desk: Desk, store: Store, matcher: Matcher
) -> None:
    match = matcher.match("festival")
    assert match.decision is Decision.CLARIFY, "the matcher no longer finds 'festival' ambiguous"
    await say(desk, "festival")
    await tap(desk, f"entry:{match.candidates[0]}")
    await tap(desk, "staff")
    # The staff card shows what the visitor typed, not the button's internal value.
    assert (await only_ticket(store)).question == "festival"


async def test_ask_staff_after_the_student_support_answer(
    desk: Desk, store: Store, matcher: Matcher
) -> None:
    question = "exchange student support"
    assert matcher.match(question).entry == "exchange.student-support"
    await say(desk, question)
    await tap(desk, "staff")
    ticket = await only_ticket(store)
    assert (ticket.reason, ticket.question) == ("support", question)


async def test_emergency_opens_an_urgent_ticket_after_the_numbers(desk: Desk, store: Store) -> None:
    outcome = await say(desk, "there is a fire, help")
    assert outcome.entry_id == EMERGENCY_ENTRY
    card, ticket_note = outcome.replies  # the number comes first
    assert card.urgent
    assert card.text.startswith("🚨 Call 119 now")
    assert [c.phone for c in card.contacts] == ["119"]
    assert ticket_note.text == (
        "I have also alerted our staff (request #1, urgent).\n"
        "Staff are in the office and will see it shortly; call the number above first."
    )
    assert outcome.notices == [StaffNotice(NoticeKind.OPENED, 1, "there is a fire, help", True)]
    ticket = await only_ticket(store)
    assert (ticket.priority, ticket.reason) == (Priority.URGENT, "emergency")


# -- while a ticket is open ----------------------------------------------------------------


async def test_follow_ups_are_relayed_not_answered(desk: Desk, store: Store) -> None:
    await say(desk, "talk to a human")
    outcome = await say(desk, "county government phone number")
    assert outcome.decision == "relayed"
    assert outcome.entry_id is None
    [ack] = outcome.replies
    assert ack.text == "Added to your request #1; staff will reply here."
    assert choices(outcome) == TICKET_OPTIONS
    assert outcome.notices == [
        StaffNotice(NoticeKind.FOLLOW_UP, 1, "county government phone number")
    ]
    sticker = await desk.handle(Inbound(Channel.LINE, VISITOR, InboundKind.UNSUPPORTED))
    assert sticker.notices == [StaffNotice(NoticeKind.FOLLOW_UP, 1, "[sticker/image/file]")]
    # Asking for a person again or tapping "Ask staff" shows the open ticket: no second one.
    assert (await say(desk, "talk to a human")).decision == "relayed"
    assert (await tap(desk, "staff")).decision == "status"
    assert (await say(desk, "/human")).decision == "status"
    assert len(await store.tickets()) == 1


async def test_emergency_words_during_a_ticket_get_the_numbers_at_once(
    desk: Desk, store: Store
) -> None:
    await say(desk, "我要找真人")
    outcome = await say(desk, "救命 有火災")
    assert outcome.entry_id == EMERGENCY_ENTRY
    assert outcome.replies[0].urgent
    assert "119" in outcome.replies[0].text
    assert outcome.replies[-1].text.startswith("我也已通知承辦同仁（緊急案件 #1）。")
    assert outcome.notices == [StaffNotice(NoticeKind.FOLLOW_UP, 1, "救命 有火災", urgent=True)]
    ticket = await only_ticket(store)
    assert ticket.priority is Priority.URGENT
    assert ticket.status is TicketStatus.OPEN
    assert [(e.actor, e.action) for e in await store.events(1)] == [
        ("visitor", "opened"),
        ("visitor", "escalated"),
    ]


async def test_messages_are_filed_under_the_ticket(desk: Desk, store: Store) -> None:
    await say(desk, "ARC renewal")
    await say(desk, "talk to a human")
    await say(desk, "my ARC expires next week")
    await say(desk, "/status")
    await say(desk, "/cancel")
    await say(desk, "ARC renewal")
    rows = await filed(store)
    tickets = [ticket_id for _, _, ticket_id in rows]
    # Before the ticket: the answer; then the handoff, follow-up, status and cancel (in and out
    # each); after it: a plain answer again.
    assert tickets == [None, None, 1, 1, 1, 1, 1, 1, 1, 1, None, None]
    assert rows[4][:2] == ("in", "my ARC expires next week")


# -- /status and /cancel ---------------------------------------------------------------------


@pytest.mark.parametrize("ask", ["/status", "ticket:status"])
async def test_status_follows_the_ticket(desk: Desk, store: Store, ask: str) -> None:
    async def status() -> Outcome:
        return await (say(desk, ask) if ask.startswith("/") else tap(desk, ask))

    none = await status()
    assert none.replies[0].text == 'You have no open request. Type "staff" to reach a person.'
    assert "staff" in choices(none)

    await say(desk, "talk to a human")
    opened = await status()
    assert opened.decision == "status"
    assert opened.ticket_number == 1
    assert opened.replies[0].text == "Request #1 is waiting for a staff member."
    assert choices(opened) == TICKET_OPTIONS

    await store.set_status(1, TicketStatus.CLAIMED, "Mei")
    assert (await status()).replies[0].text == "Request #1 is being handled by our staff."
    await store.set_status(1, TicketStatus.ANSWERED, "Mei", "see you at 3")
    assert (await status()).replies[0].text == (
        "Staff have replied to request #1. Write here to continue, or close it."
    )
    await store.set_status(1, TicketStatus.CLOSED, "Mei")
    assert (await status()).replies[0].text.startswith("You have no open request.")


@pytest.mark.parametrize("ask", ["/cancel", "ticket:cancel"])
async def test_cancel_closes_the_ticket(desk: Desk, store: Store, ask: str) -> None:
    async def cancel() -> Outcome:
        return await (say(desk, ask) if ask.startswith("/") else tap(desk, ask))

    assert (await cancel()).notices == []  # nothing to cancel
    await say(desk, "talk to a human")
    outcome = await cancel()
    assert outcome.decision == "cancelled"
    assert outcome.replies[0].text == (
        "Request #1 is closed. I am back to answering your questions."
    )
    assert outcome.notices == [StaffNotice(NoticeKind.CANCELLED, 1)]
    assert (await only_ticket(store)).status is TicketStatus.CLOSED
    assert ("visitor", "closed", "cancelled") in [
        (e.actor, e.action, e.detail) for e in await store.events(1)
    ]
    # The bot answers again, and a new request opens a new ticket.
    assert (await say(desk, "ARC renewal")).decision == Decision.ANSWER.value
    assert (await say(desk, "talk to a human")).ticket_number == 2


async def test_cancel_in_chinese(desk: Desk) -> None:
    await say(desk, "我要找真人")
    outcome = await say(desk, "/cancel")
    assert outcome.replies[0].text == "案件 #1 已結束，我會繼續回答您的問題。"


# -- /delete -------------------------------------------------------------------------------


async def test_delete_asks_first_and_no_keeps_everything(desk: Desk, store: Store) -> None:
    await say(desk, "talk to a human")
    confirm = await say(desk, "/delete")
    assert confirm.decision == "delete_confirm"
    assert "cannot be undone" in confirm.replies[0].text
    assert choices(confirm) == ["delete:yes", "delete:no"]
    assert len(await filed(store)) == 4  # nothing deleted by asking

    kept = await tap(desk, "delete:no")
    assert kept.replies[0].text == "OK, nothing was deleted."
    visitor = await store.find_visitor("line", VISITOR)
    assert visitor is not None
    assert await store.message_count(visitor) == 6
    assert (await only_ticket(store)).status is TicketStatus.OPEN


async def test_delete_yes_removes_the_visitors_messages_and_tickets(
    desk: Desk, store: Store
) -> None:
    await say(desk, "talk to a human")
    await say(desk, "my ARC number is A123456789")
    await say(desk, "ARC renewal", user=OTHER)
    await say(desk, "/delete")
    visitor = await store.find_visitor("line", VISITOR)
    assert visitor is not None

    outcome = await tap(desk, "delete:yes")
    assert outcome.replies[0].text == (
        "Done: everything this desk kept about you has been deleted."
    )
    assert outcome.forget
    assert await store.find_visitor("line", VISITOR) is None
    assert await store.message_count(visitor) == 0
    assert await store.ticket(1) is None
    assert await store.events(1) == []
    assert all("A123456789" not in text for _, text, _ in await filed(store))
    # Another visitor's conversation is untouched.
    other = await store.find_visitor("line", OTHER)
    assert other is not None
    assert await store.message_count(other) == 2
