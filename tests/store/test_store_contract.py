"""The Store's contract: the same behaviour on SQLite and on PostgreSQL.

Every test runs twice through the ``store`` fixture (tests/store/conftest.py): on a fresh SQLite
file and on a fresh database of a real PostgreSQL server (``TEST_DATABASE_URL``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from argon2 import PasswordHasher
from sqlalchemy.engine import Connection

from bot.store import (
    CLOSURE_FLAG,
    Priority,
    Store,
    Ticket,
    TicketStatus,
)
from bot.store.db import utcnow
from bot.store.migrate import alembic_config
from bot.store.queue import STAFF_GROUP, OutboxRow, PostKind, StaffPost
from bot.store.tables import (
    inbox,
    messages,
    metadata,
    outbox,
    processed_events,
    staff_accounts,
    ticket_events,
    tickets,
    visitors,
)
from bot.store.tickets import StaffMessage

TAIPEI = dt.timezone(dt.timedelta(hours=8))
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)

#: Emoji (with a ZWJ sequence and a flag), CJK of both scripts, combining marks, astral plane.
UNICODE = "台灣花蓮 🌊🏔️ 👩‍💻 🇹🇼 — 你好，请问 ¿qué? Ñandú é 𠀋 \u3000end"


async def count(store: Store, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    async with store.engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(table)
        if where:
            query = query.where(*where)
        return int((await conn.execute(query)).scalar_one())


async def backdate(store: Store, visitor_id: int, when: dt.datetime) -> None:
    """Make a visitor look silent since ``when`` (the store stamps rows with the real clock)."""
    async with store.engine.begin() as conn:
        await conn.execute(
            visitors.update().where(visitors.c.id == visitor_id).values(updated_at=when)
        )


async def new_visitor(store: Store, user_id: str, channel: str = "line") -> int:
    return (await store.visitor(channel, user_id, f"name of {user_id}")).visitor_id


async def new_ticket(
    store: Store,
    visitor_id: int,
    *,
    channel: str = "line",
    lang: str = "en",
    priority: Priority = Priority.NORMAL,
    question: str = "Can I talk to a person?",
) -> Ticket:
    return await store.open_ticket(
        visitor_id,
        channel=channel,
        lang=lang,
        priority=priority,
        reason="asked",
        question=question,
        guesses=[("faq.visa", 0.123456), ("contacts.office", 0.05)],
    )


def assert_recent_utc(value: dt.datetime) -> None:
    assert value.tzinfo is not None
    assert value.utcoffset() == dt.timedelta(0)
    assert abs(utcnow() - value) < dt.timedelta(minutes=5)


# -- visitors --------------------------------------------------------------------------------


async def test_visitor_is_created_on_first_contact_and_found_after(store: Store) -> None:
    first = await store.visitor("line", "U1", "Ann")
    assert first.lang_choice is None
    assert first.last_lang is None
    assert first.last_options == ()

    again = await store.visitor("line", "U1")
    assert again.visitor_id == first.visitor_id
    assert await store.find_visitor("line", "U1") == first.visitor_id
    assert await store.find_visitor("line", "nobody") is None
    assert await count(store, visitors) == 1

    visitor = await store.visitor_by_id(first.visitor_id)
    assert visitor is not None
    assert (visitor.id, visitor.channel, visitor.user_id) == (first.visitor_id, "line", "U1")
    assert visitor.display_name == "Ann"
    assert visitor.lang is None
    assert await store.visitor_by_id(first.visitor_id + 1000) is None


async def test_same_user_id_on_two_channels_is_two_visitors(store: Store) -> None:
    line = await new_visitor(store, "42", "line")
    telegram = await new_visitor(store, "42", "telegram")
    assert line != telegram
    assert await store.find_visitor("telegram", "42") == telegram


async def test_display_name_follows_the_platform_but_is_not_cleared(store: Store) -> None:
    visitor_id = (await store.visitor("telegram", "7", "Old name")).visitor_id
    await store.visitor("telegram", "7", "New name")
    await store.visitor("telegram", "7", None)
    await store.visitor("telegram", "7", "")
    visitor = await store.visitor_by_id(visitor_id)
    assert visitor is not None
    assert visitor.display_name == "New name"


async def test_update_visitor_keeps_the_language_choice_and_the_last_options(
    store: Store,
) -> None:
    visitor_id = await new_visitor(store, "U1")
    await store.update_visitor(
        visitor_id, last_lang="zh", last_options=("faq.visa", "faq.bus"), lang_choice="en"
    )
    state = await store.visitor("line", "U1")
    assert (state.lang_choice, state.last_lang) == ("en", "zh")
    assert state.last_options == ("faq.visa", "faq.bus")

    # Later messages change the last language and options; the explicit choice stays.
    await store.update_visitor(visitor_id, last_lang="zh", last_options=())
    state = await store.visitor("line", "U1")
    assert state.lang_choice == "en"
    assert state.last_options == ()
    visitor = await store.visitor_by_id(visitor_id)
    assert visitor is not None
    assert visitor.lang == "en"  # the choice wins over the language last written in

    await store.update_visitor(visitor_id, last_lang="zh", last_options=(), lang_choice="zh")
    assert (await store.visitor("line", "U1")).lang_choice == "zh"


async def test_visitor_lang_falls_back_to_the_last_language(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    await store.update_visitor(visitor_id, last_lang="zh", last_options=())
    visitor = await store.visitor_by_id(visitor_id)
    assert visitor is not None
    assert visitor.lang == "zh"


async def test_concurrent_first_contact_creates_one_visitor(store: Store) -> None:
    states = await asyncio.gather(*(store.visitor("line", "U-race", "Ann") for _ in range(25)))
    assert len({state.visitor_id for state in states}) == 1
    assert await count(store, visitors) == 1
    # Different visitors at the same moment are all created.
    others = await asyncio.gather(*(store.visitor("web", f"w{i}") for i in range(10)))
    assert len({state.visitor_id for state in others}) == 10
    assert await count(store, visitors) == 11


async def test_record_exchange_writes_messages_and_state_together(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    ticket = await new_ticket(store, visitor_id)
    await store.record_exchange(
        visitor_id,
        [("in", "visa?", None), ("out", "Here is the visa answer", "bot")],
        decision="answer",
        entry_id="faq.visa",
        ticket_id=ticket.number,
        last_lang="en",
        last_options=("faq.visa",),
        lang_choice="en",
    )
    inbound, outbound = await store.messages_of(visitor_id)
    assert (inbound.direction, inbound.text, inbound.author) == ("in", "visa?", None)
    assert (outbound.direction, outbound.text, outbound.author) == (
        "out",
        "Here is the visa answer",
        "bot",
    )
    assert {m.decision for m in (inbound, outbound)} == {"answer"}
    assert {m.entry_id for m in (inbound, outbound)} == {"faq.visa"}
    assert await count(store, messages, messages.c.ticket_id == ticket.number) == 2
    state = await store.visitor("line", "U1")
    assert (state.lang_choice, state.last_lang, state.last_options) == ("en", "en", ("faq.visa",))

    # No messages: the state alone; the language choice stays when none is given.
    await store.record_exchange(
        visitor_id,
        [],
        decision=None,
        entry_id=None,
        ticket_id=None,
        last_lang="zh",
        last_options=(),
    )
    assert await store.message_count(visitor_id) == 2
    state = await store.visitor("line", "U1")
    assert (state.lang_choice, state.last_lang, state.last_options) == ("en", "zh", ())


# -- messages --------------------------------------------------------------------------------


async def test_messages_are_logged_in_order_and_counted(store: Store) -> None:
    ann = await new_visitor(store, "ann")
    bob = await new_visitor(store, "bob")
    first = await store.log_message(ann, "in", "hello", "greeting", "faq.hello")
    second = await store.log_message(ann, "out", "Hi!", author="bot")
    await store.log_message(bob, "in", "not Ann's")
    third = await store.log_message(ann, "in", "more", "fallback")
    assert first < second < third

    logged = await store.messages_of(ann)
    assert [m.id for m in logged] == [first, second, third]
    assert [(m.direction, m.text) for m in logged] == [
        ("in", "hello"),
        ("out", "Hi!"),
        ("in", "more"),
    ]
    assert (logged[0].decision, logged[0].entry_id, logged[0].author) == (
        "greeting",
        "faq.hello",
        None,
    )
    assert (logged[1].decision, logged[1].entry_id, logged[1].author) == (None, None, "bot")
    for message in logged:
        assert_recent_utc(message.created_at)
    assert [m.id for m in await store.messages_of(ann, after_id=first)] == [second, third]
    assert await store.messages_of(ann, after_id=third) == []
    assert await store.message_count(ann) == 3
    assert await store.message_count(bob) == 1
    assert await store.message_count(bob + ann + 1000) == 0


async def test_log_message_links_the_ticket(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    ticket = await new_ticket(store, visitor_id)
    await store.log_message(
        visitor_id, "out", "Staff answer", ticket_id=ticket.number, author="Mei"
    )
    assert await count(store, messages, messages.c.ticket_id == ticket.number) == 1


async def test_last_question_is_the_latest_typed_question(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    assert await store.last_question(visitor_id) is None
    await store.log_message(visitor_id, "in", "where is the office?", "answer", "contacts.office")
    await store.log_message(visitor_id, "in", "bus to Taroko", "fallback")
    await store.log_message(visitor_id, "out", "Sorry, I don't know", "fallback")
    await store.log_message(visitor_id, "in", "/status", "command")
    assert await store.last_question(visitor_id) == "bus to Taroko"
    other = await new_visitor(store, "U2")
    assert await store.last_question(other) is None


async def test_recent_topic_is_the_last_answered_entry_within_the_time(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    start = dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC)

    async def exchange(minute: int, decision: str, entry: str | None) -> None:
        await store.record_exchange(
            visitor_id,
            [("in", "q", None), ("out", "a", "bot")],
            decision=decision,
            entry_id=entry,
            ticket_id=None,
            last_lang="en",
            last_options=(),
            at=start + dt.timedelta(minutes=minute),
        )

    assert await store.recent_topic(visitor_id, start) is None
    await exchange(0, "answer", "service.arc")
    await exchange(1, "fallback", None)  # a question not understood keeps the topic
    await exchange(2, "answer", "faq.thanks")  # thanks is no topic
    assert await store.recent_topic(visitor_id, start) == "service.arc"
    await exchange(3, "answer", "contact.immigration")
    assert await store.recent_topic(visitor_id, start) == "contact.immigration"
    # Older than the window: no topic.
    assert await store.recent_topic(visitor_id, start + dt.timedelta(minutes=4)) is None
    assert await store.recent_topic(await new_visitor(store, "U2"), start) is None


async def test_unanswered_lists_fallback_questions_newest_first(store: Store) -> None:
    en = await new_visitor(store, "en")
    zh = await new_visitor(store, "zh")
    await store.update_visitor(en, last_lang="en", last_options=())
    await store.update_visitor(zh, last_lang="zh", last_options=())
    await store.log_message(en, "in", "first unknown", "fallback")
    await store.log_message(en, "in", "known", "answer", "faq.visa")
    await store.log_message(en, "out", "I don't know", "fallback")
    await store.log_message(zh, "in", "第二個問題", "fallback")
    got = await store.unanswered()
    assert [(q.text, q.lang) for q in got] == [("第二個問題", "zh"), ("first unknown", "en")]
    for question in got:
        assert_recent_utc(question.created_at)
    assert [q.text for q in await store.unanswered(limit=1)] == ["第二個問題"]


# -- tickets ---------------------------------------------------------------------------------


async def test_open_ticket(store: Store) -> None:
    visitor_id = (await store.visitor("telegram", "99", "Ann")).visitor_id
    ticket = await new_ticket(store, visitor_id, channel="telegram", lang="zh")
    assert ticket.number >= 1
    assert (ticket.visitor_id, ticket.channel, ticket.user_id) == (visitor_id, "telegram", "99")
    assert (ticket.display_name, ticket.lang) == ("Ann", "zh")
    assert ticket.status is TicketStatus.OPEN
    assert ticket.active
    assert ticket.priority is Priority.NORMAL
    assert (ticket.reason, ticket.question) == ("asked", "Can I talk to a person?")
    assert ticket.guesses == (("faq.visa", 0.1235), ("contacts.office", 0.05))
    assert ticket.assignee is None
    assert ticket.card_message_id is None
    assert ticket.card_posted_at is None
    assert ticket.delivery_error is None
    assert_recent_utc(ticket.created_at)
    assert_recent_utc(ticket.updated_at)
    assert await store.ticket(ticket.number) == ticket
    assert await store.ticket(ticket.number + 1000) is None
    [opened] = await store.events(ticket.number)
    assert (opened.actor, opened.action, opened.detail) == ("visitor", "opened", "asked")
    assert_recent_utc(opened.created_at)


async def test_ticket_without_guesses(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    ticket = await store.open_ticket(
        visitor_id,
        channel="line",
        lang="en",
        priority=Priority.URGENT,
        reason="emergency",
        question="help",
    )
    assert ticket.guesses == ()
    assert ticket.priority is Priority.URGENT


async def test_active_ticket_is_the_newest_not_closed(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    assert await store.active_ticket(visitor_id) is None
    old = await new_ticket(store, visitor_id)
    await store.set_status(old.number, TicketStatus.CLOSED, "visitor", "cancelled")
    assert await store.active_ticket(visitor_id) is None

    current = await new_ticket(store, visitor_id)
    for status in (TicketStatus.OPEN, TicketStatus.CLAIMED, TicketStatus.ANSWERED):
        await store.set_status(current.number, status, "Mei")
        active = await store.active_ticket(visitor_id)
        assert active is not None
        assert (active.number, active.status) == (current.number, status)
    other = await new_visitor(store, "U2")
    assert await store.active_ticket(other) is None


async def test_ticket_list_filters_and_puts_urgent_first(store: Store) -> None:
    ann = await new_visitor(store, "ann", "line")
    bob = await new_visitor(store, "bob", "telegram")
    t1 = await new_ticket(store, ann, channel="line", lang="en")
    t2 = await new_ticket(store, bob, channel="telegram", lang="zh", priority=Priority.URGENT)
    t3 = await new_ticket(store, ann, channel="line", lang="zh")
    t4 = await new_ticket(store, bob, channel="telegram", lang="en")
    t5 = await new_ticket(store, ann, channel="line", lang="en", priority=Priority.URGENT)
    await store.set_status(t3.number, TicketStatus.CLAIMED, "Mei")
    await store.set_status(t4.number, TicketStatus.CLOSED, "Mei")

    def numbers(found: list[Ticket]) -> list[int]:
        return [t.number for t in found]

    # Urgent first, newest first within each priority.
    assert numbers(await store.tickets()) == [t5.number, t2.number, t4.number, t3.number, t1.number]
    assert numbers(await store.tickets(statuses=["open"])) == [t5.number, t2.number, t1.number]
    assert numbers(await store.tickets(statuses=["open", "claimed"], channel="line")) == [
        t5.number,
        t3.number,
        t1.number,
    ]
    assert numbers(await store.tickets(lang="zh")) == [t2.number, t3.number]
    assert numbers(await store.tickets(priority="urgent")) == [t5.number, t2.number]
    assert numbers(await store.tickets(priority="normal", channel="telegram")) == [t4.number]
    assert numbers(await store.tickets(limit=2)) == [t5.number, t2.number]
    assert await store.tickets(channel="web") == []
    listed = {t.number: t for t in await store.tickets()}
    assert listed[t3.number].user_id == "ann"
    assert listed[t2.number].display_name == "name of bob"


async def test_status_changes_set_the_assignee_and_record_events_in_order(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    ticket = await new_ticket(store, visitor_id)

    claimed = await store.set_status(ticket.number, TicketStatus.CLAIMED, "Mei")
    assert claimed is not None
    assert (claimed.status, claimed.assignee) == (TicketStatus.CLAIMED, "Mei")
    assert claimed.updated_at >= ticket.updated_at

    answered = await store.set_status(ticket.number, TicketStatus.ANSWERED, "Mei", "Bus 1133")
    assert answered is not None
    assert (answered.status, answered.assignee) == (TicketStatus.ANSWERED, "Mei")
    assert answered.active

    await store.add_event(ticket.number, "visitor", "followup", "thanks!")
    reclaimed = await store.set_status(ticket.number, TicketStatus.CLAIMED, "Wei")
    assert reclaimed is not None
    assert reclaimed.assignee == "Wei"  # whoever claims last holds it

    closed = await store.set_status(ticket.number, TicketStatus.CLOSED, "Wei", "done")
    assert closed is not None
    assert (closed.status, closed.assignee, closed.active) == (TicketStatus.CLOSED, "Wei", False)
    reopened = await store.set_status(ticket.number, TicketStatus.OPEN, "visitor")
    assert reopened is not None
    assert reopened.status is TicketStatus.OPEN

    events = await store.events(ticket.number)
    assert [(e.actor, e.action, e.detail) for e in events] == [
        ("visitor", "opened", "asked"),
        ("Mei", "claimed", None),
        ("Mei", "replied", "Bus 1133"),
        ("visitor", "followup", "thanks!"),
        ("Wei", "claimed", None),
        ("Wei", "closed", "done"),
        ("visitor", "reopened", None),
    ]
    times = [e.created_at for e in events]
    assert times == sorted(times)


async def test_changes_to_a_missing_ticket_do_nothing(store: Store) -> None:
    missing = 4242
    assert await store.set_status(missing, TicketStatus.CLAIMED, "Mei") is None
    # A delivery failure or an escalation arriving after the visitor deleted their data.
    await store.record_delivery_error(missing, "Forbidden: bot was blocked by the user")
    await store.escalate(missing, "visitor", "emergency words")
    await store.add_event(missing, "Mei", "note", None)
    await store.set_card(missing, 77)
    assert await store.events(missing) == []
    assert await count(store, ticket_events) == 0
    assert await store.ticket_by_card(77) is None


async def test_escalate_makes_the_ticket_urgent(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    ticket = await new_ticket(store, visitor_id)
    await store.escalate(ticket.number, "visitor", "emergency words")
    escalated = await store.ticket(ticket.number)
    assert escalated is not None
    assert escalated.priority is Priority.URGENT
    assert escalated.status is TicketStatus.OPEN
    last = (await store.events(ticket.number))[-1]
    assert (last.actor, last.action, last.detail) == ("visitor", "escalated", "emergency words")


async def test_card_is_found_by_its_message_id(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    ticket = await new_ticket(store, visitor_id)
    other = await new_ticket(store, await new_visitor(store, "U2"))
    big = 2**40  # message ids are 64-bit on the Telegram side
    await store.set_card(ticket.number, big)
    await store.set_card(other.number, 12)
    carded = await store.ticket_by_card(big)
    assert carded is not None
    assert carded.number == ticket.number
    assert carded.card_message_id == big
    assert carded.card_posted_at is not None
    assert_recent_utc(carded.card_posted_at)
    assert await store.ticket_by_card(13) is None

    # Posted again: the new card replaces the old one.
    await store.set_card(ticket.number, big + 1)
    assert await store.ticket_by_card(big) is None
    moved = await store.ticket_by_card(big + 1)
    assert moved is not None
    assert moved.number == ticket.number


async def test_delivery_error_is_recorded_and_cleared(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    ticket = await new_ticket(store, visitor_id)
    await store.record_delivery_error(ticket.number, "403 blocked")
    failed = await store.ticket(ticket.number)
    assert failed is not None
    assert failed.delivery_error == "403 blocked"
    last = (await store.events(ticket.number))[-1]
    assert (last.actor, last.action, last.detail) == ("bot", "delivery_failed", "403 blocked")

    await store.record_delivery_error(ticket.number, None)
    cleared = await store.ticket(ticket.number)
    assert cleared is not None
    assert cleared.delivery_error is None
    assert len(await store.events(ticket.number)) == 2  # clearing is no event


async def test_unclaimed_since_lists_open_tickets_whose_card_is_old(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    never_posted = await new_ticket(store, visitor_id)
    posted = await new_ticket(store, await new_visitor(store, "U2"))
    claimed = await new_ticket(store, await new_visitor(store, "U3"))
    await store.set_card(posted.number, 1)
    await store.set_card(claimed.number, 2)
    await store.set_status(claimed.number, TicketStatus.CLAIMED, "Mei")

    now = utcnow()
    assert [t.number for t in await store.unclaimed_since(now - HOUR)] == [never_posted.number]
    assert [t.number for t in await store.unclaimed_since(now + HOUR)] == [
        never_posted.number,
        posted.number,
    ]
    # The same instants given in Taiwan time mean the same thing.
    assert [t.number for t in await store.unclaimed_since((now - HOUR).astimezone(TAIPEI))] == [
        never_posted.number
    ]
    assert [t.number for t in await store.unclaimed_since((now + HOUR).astimezone(TAIPEI))] == [
        never_posted.number,
        posted.number,
    ]


# -- staff accounts and flags ----------------------------------------------------------------


async def test_staff_accounts_hold_argon2_hashes(store: Store) -> None:
    hasher = PasswordHasher()
    first = hasher.hash("correct horse")
    await store.add_staff("mei", first)
    stored = await store.staff_password_hash("mei")
    assert stored == first
    assert hasher.verify(stored, "correct horse")
    assert await store.staff_password_hash("nobody") is None
    assert await store.staff_password_hash("Mei") is None  # names are exact

    # Adding the same name again sets a new password, not a second account.
    second = hasher.hash("battery staple")
    await store.add_staff("mei", second)
    assert await store.staff_password_hash("mei") == second
    await store.add_staff("陳美玲", hasher.hash("密碼"))
    assert await count(store, staff_accounts) == 2
    chen = await store.staff_password_hash("陳美玲")
    assert chen is not None
    assert hasher.verify(chen, "密碼")


async def test_staff_sessions_end_by_epoch_and_accounts_can_be_disabled(store: Store) -> None:
    await store.add_staff("mei", "hash-1")
    account = await store.staff_account("mei")
    assert account is not None
    assert (account.password_hash, account.session_epoch, account.disabled) == ("hash-1", 0, False)
    assert await store.staff_account("nobody") is None

    assert await store.end_staff_sessions("mei")
    assert (await store.staff_account("mei")).session_epoch == 1  # type: ignore[union-attr]
    assert not await store.end_staff_sessions("nobody")

    # A new password ends the sessions too.
    await store.add_staff("mei", "hash-2")
    assert (await store.staff_account("mei")).session_epoch == 2  # type: ignore[union-attr]

    assert await store.end_staff_sessions("mei", disable=True)
    disabled = await store.staff_account("mei")
    assert disabled is not None
    assert (disabled.session_epoch, disabled.disabled) == (3, True)
    # Setting a new password enables the account again.
    await store.add_staff("mei", "hash-3")
    enabled = await store.staff_account("mei")
    assert enabled is not None
    assert (enabled.password_hash, enabled.session_epoch, enabled.disabled) == ("hash-3", 4, False)


async def test_flags_are_set_read_and_cleared(store: Store) -> None:
    assert await store.get_flag(CLOSURE_FLAG) is None
    await store.set_flag(CLOSURE_FLAG, "typhoon")
    assert await store.get_flag(CLOSURE_FLAG) == "typhoon"
    await store.set_flag(CLOSURE_FLAG, "颱風假")
    assert await store.get_flag(CLOSURE_FLAG) == "颱風假"
    await store.set_flag("other", "x")
    await store.set_flag(CLOSURE_FLAG, None)
    assert await store.get_flag(CLOSURE_FLAG) is None
    assert await store.get_flag("other") == "x"
    await store.set_flag(CLOSURE_FLAG, None)  # clearing twice is fine
    assert await store.get_flag(CLOSURE_FLAG) is None


# -- webhook dedupe, inbox and outbox --------------------------------------------------------


async def test_first_delivery_is_true_once(store: Store) -> None:
    assert await store.first_delivery("line", "evt-1") is True
    assert await store.first_delivery("line", "evt-1") is False
    assert await store.first_delivery("telegram", "evt-1") is True  # per channel
    # Redeliveries racing each other: exactly one wins.
    results = await asyncio.gather(*(store.first_delivery("line", "evt-2") for _ in range(10)))
    assert sorted(results) == [False] * 9 + [True]


async def test_inbox_accepts_once_and_leases_rows(store: Store) -> None:
    assert await store.accept_event("line", "e1", '{"text": "一"}') is True
    assert await store.accept_event("line", "e1", '{"text": "again"}') is False
    assert await store.accept_event("line", "e2", "{}") is True
    assert await store.backlog() == {"inbox": 2, "outbox": 0}

    lease = dt.timedelta(minutes=1)
    first = await store.claim_inbox(10, lease)
    assert [(i.channel, i.payload, i.attempts) for i in first] == [
        ("line", '{"text": "一"}', 1),
        ("line", "{}", 1),
    ]
    assert await store.claim_inbox(10, lease) == []  # leased to the first worker

    reply = OutboxRow(
        source=f"inbox:{first[0].id}", seq=0, channel="line", user_id="U1", payload="[]"
    )
    await store.finish_inbox(first[0].id, [reply])
    await store.finish_inbox(first[0].id, [reply])  # finished already: nothing more
    assert await store.backlog() == {"inbox": 1, "outbox": 1}

    await store.fail_inbox(first[1].id, "boom", give_up=False)
    assert await store.claim_inbox(10, lease) == []  # waits a few seconds before the retry
    await store.fail_inbox(first[1].id, "boom", give_up=True)
    assert await store.backlog() == {"inbox": 0, "outbox": 1}
    assert await count(store, inbox, inbox.c.status == "failed") == 1


async def test_an_expired_lease_is_taken_up_again(store: Store) -> None:
    await store.accept_event("telegram", "u1", "{}")
    [item] = await store.claim_inbox(10, -dt.timedelta(seconds=1))  # a worker that died
    [again] = await store.claim_inbox(10, dt.timedelta(minutes=1))
    assert again.id == item.id
    assert again.attempts == 2


async def test_a_stopped_servers_leases_are_taken_up_at_once(database_url: str) -> None:
    """Not when the leases run out: a reply it may have sent is still worth trying again
    with its token then (bot/delivery.py)."""
    first = await Store.open(database_url)
    await first.accept_event("line", "e1", "{}")
    await first.enqueue([OutboxRow("inbox:1", 0, "line", "U1", '["answer"]')])
    [held_in] = await first.claim_inbox(10, dt.timedelta(minutes=10))
    [held_out] = await first.claim_outbox(10, dt.timedelta(minutes=10))
    second = await Store.open(database_url)
    try:
        if sa.make_url(database_url).get_backend_name() == "postgresql":
            # Another replica, while the first one runs, leaves its rows alone.
            assert await second.claim_inbox(10, dt.timedelta(minutes=1)) == []
            assert await second.claim_outbox(10, dt.timedelta(minutes=1)) == []
            await first.close()  # or killed: its connections close, and its lock goes
        else:
            # SQLite serves one server a file: the next one starts after it stopped.
            await first.close()
            assert await second.release_leases() == 2
        [taken_in] = await second.claim_inbox(10, dt.timedelta(minutes=1))
        [taken_out] = await second.claim_outbox(10, dt.timedelta(minutes=1))
        assert (taken_in.id, taken_in.attempts) == (held_in.id, 2)
        assert (taken_out.id, taken_out.attempts) == (held_out.id, 2)
    finally:
        await second.close()


async def test_outbox_queues_once_and_retries(store: Store) -> None:
    rows = [
        OutboxRow("staff:1:5", 0, "line", "U1", '["one"]', ticket_id=1),
        OutboxRow("staff:1:5", 1, "line", "U1", '["two"]', reply_token="tok"),
    ]
    await store.enqueue(rows)
    await store.enqueue([*rows, OutboxRow("inbox:9", 0, "telegram", "7", "[]")])
    assert await store.backlog() == {"inbox": 0, "outbox": 3}

    lease = dt.timedelta(minutes=1)
    claimed = await store.claim_outbox(10, lease)
    assert [(o.payload, o.reply_token, o.ticket_id, o.attempts) for o in claimed] == [
        ('["one"]', None, 1, 1),
        ('["two"]', "tok", None, 1),
        ("[]", None, None, 1),
    ]
    assert len({o.retry_key for o in claimed}) == 3
    for item in claimed:
        assert_recent_utc(item.created_at)
    assert await store.claim_outbox(10, lease) == []

    one, two, three = claimed
    await store.outbox_sent(one.id)
    await store.outbox_retry(two.id, "429", utcnow() + HOUR)  # not due yet
    await store.outbox_failed(three.id, "403")
    assert await store.claim_outbox(10, lease) == []
    assert await store.backlog() == {"inbox": 0, "outbox": 1}

    await store.outbox_retry(two.id, "429", utcnow() - dt.timedelta(seconds=1))
    [retried] = await store.claim_outbox(10, lease)
    assert (retried.id, retried.retry_key, retried.attempts) == (two.id, two.retry_key, 2)


async def test_retry_time_in_any_timezone(store: Store) -> None:
    await store.enqueue([OutboxRow("inbox:1", 0, "line", "U1", "[]")])
    [item] = await store.claim_outbox(10, dt.timedelta(minutes=1))
    # A minute ago, written in Taiwan time, is due now.
    await store.outbox_retry(
        item.id, "429", (utcnow() - dt.timedelta(minutes=1)).astimezone(TAIPEI)
    )
    assert [o.id for o in await store.claim_outbox(10, dt.timedelta(minutes=1))] == [item.id]


async def test_concurrent_workers_claim_disjoint_rows(store: Store) -> None:
    await store.enqueue([OutboxRow(f"inbox:{i}", 0, "line", "U1", "[]") for i in range(7)])
    batches = await asyncio.gather(
        *(store.claim_outbox(3, dt.timedelta(minutes=1)) for _ in range(3))
    )
    ids = [item.id for batch in batches for item in batch]
    assert len(ids) == len(set(ids)) == 7


# -- privacy: deletion and retention ---------------------------------------------------------


async def _visitor_with_everything(store: Store, user_id: str) -> tuple[int, int]:
    visitor_id = await new_visitor(store, user_id)
    await store.log_message(visitor_id, "in", f"{user_id}: talk to a human", "handoff")
    ticket = await new_ticket(store, visitor_id)
    await store.set_status(ticket.number, TicketStatus.CLAIMED, "Mei")
    await store.log_message(
        visitor_id, "out", f"answer for {user_id}", ticket_id=ticket.number, author="Mei"
    )
    await store.set_status(ticket.number, TicketStatus.ANSWERED, "Mei", "answer")
    return visitor_id, ticket.number


async def test_delete_visitor_removes_only_that_visitors_data(store: Store) -> None:
    ann, ann_ticket = await _visitor_with_everything(store, "ann")
    bob, bob_ticket = await _visitor_with_everything(store, "bob")
    bob_events = await store.events(bob_ticket)

    await store.delete_visitor(ann)

    assert await store.visitor_by_id(ann) is None
    assert await store.find_visitor("line", "ann") is None
    assert await store.messages_of(ann) == []
    assert await store.message_count(ann) == 0
    assert await store.ticket(ann_ticket) is None
    assert await store.active_ticket(ann) is None
    assert await store.events(ann_ticket) == []
    assert await count(store, tickets, tickets.c.visitor_id == ann) == 0
    assert await count(store, ticket_events, ticket_events.c.ticket_id == ann_ticket) == 0

    assert await store.visitor_by_id(bob) is not None
    assert [m.text for m in await store.messages_of(bob)] == [
        "bob: talk to a human",
        "answer for bob",
    ]
    assert await store.ticket(bob_ticket) is not None
    assert await store.events(bob_ticket) == bob_events
    assert [t.number for t in await store.tickets()] == [bob_ticket]

    # Coming back later starts from nothing.
    fresh = await store.visitor("line", "ann")
    assert fresh.visitor_id != ann
    assert fresh.lang_choice is None
    assert await store.message_count(fresh.visitor_id) == 0
    await store.delete_visitor(ann)  # deleting again is harmless


async def test_delete_visitor_removes_every_outbound_message_to_them(store: Store) -> None:
    ann = await new_visitor(store, "ann")
    await store.enqueue(
        [
            OutboxRow("inbox:1", 0, "line", "ann", '["private answer"]'),
            OutboxRow("inbox:2", 0, "line", "bob", '["bob\'s answer"]'),
        ]
    )
    for item in await store.claim_outbox(10, dt.timedelta(minutes=1)):
        await store.outbox_sent(item.id)
    # A staff answer still waiting to be sent holds what staff wrote to her: it goes too.
    await store.enqueue([OutboxRow("staff:1:x", 0, "line", "ann", '["Your visa is ready"]')])

    await store.delete_visitor(ann)

    assert await count(store, outbox, outbox.c.user_id == "ann") == 0
    assert await count(store, outbox, outbox.c.user_id == "bob") == 1
    # The confirmation of the deletion is queued after it (in the same transaction).
    await store.enqueue([OutboxRow("inbox:3", 0, "line", "ann", '["Your data is deleted"]')])
    [pending] = await store.claim_outbox(10, dt.timedelta(minutes=1))
    assert pending.payload == '["Your data is deleted"]'


async def test_no_number_is_given_twice_after_a_deletion(store: Store) -> None:
    # SQLite without AUTOINCREMENT hands out the highest deleted id again: a staff answer to
    # the deleted request #N (an open console tab, an old card) would reach the next visitor.
    ann, ann_ticket = await _visitor_with_everything(store, "ann")
    [*_, ann_message] = await store.messages_of(ann)
    await store.accept_event("line", "ann-event", "{}")
    await store.enqueue([OutboxRow("inbox:ann", 0, "line", "ann", '["for ann"]')])
    first = {
        "inbox": await _max_id(store, inbox),
        "outbox": await _max_id(store, outbox),
        "ticket_events": await _max_id(store, ticket_events),
    }
    await store.delete_visitor(ann)
    async with store.engine.begin() as conn:
        await conn.execute(inbox.delete())
        await conn.execute(outbox.delete())

    bob, bob_ticket = await _visitor_with_everything(store, "bob")
    await store.accept_event("line", "bob-event", "{}")
    await store.enqueue([OutboxRow("inbox:bob", 0, "line", "bob", '["for bob"]')])

    assert bob > ann
    assert bob_ticket > ann_ticket
    assert min(m.id for m in await store.messages_of(bob)) > ann_message.id
    for table in (inbox, outbox, ticket_events):
        assert await _min_id(store, table) > first[table.name], table.name


async def _max_id(store: Store, table: sa.Table) -> int:
    async with store.engine.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.max(table.c.id)))).scalar_one())


async def _min_id(store: Store, table: sa.Table) -> int:
    async with store.engine.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.min(table.c.id)))).scalar_one())


async def test_staff_group_messages_are_found_by_id_and_edited_when_their_ticket_goes(
    store: Store,
) -> None:
    chat = -1001987654321
    ann, ann_ticket = await _visitor_with_everything(store, "ann")
    _, bob_ticket = await _visitor_with_everything(store, "bob")
    await store.record_staff_message(chat, 2**40, "card", [ann_ticket])
    await store.record_staff_message(chat, 11, "note", [ann_ticket])
    await store.record_staff_message(chat, 12, "list", [bob_ticket, ann_ticket])
    # Her note still waiting to be posted holds her words.
    note = StaffPost(PostKind.NOTE, ann_ticket, "my passport is P123")
    await store.enqueue(
        [OutboxRow("inbox:9", 1, STAFF_GROUP, str(chat), note.encode(), ticket_id=ann_ticket)]
    )
    assert await store.staff_message(chat, 2**40) == StaffMessage(ann_ticket, "card", None)
    assert await store.staff_message(chat, 12) == StaffMessage(bob_ticket, "list", None)
    assert await store.staff_message(chat + 1, 11) is None  # another chat's message 11
    assert await store.staff_message(chat, 13) is None

    await store.delete_visitor(ann)

    assert await store.staff_message(chat, 11) == StaffMessage(ann_ticket, "note", "visitor")
    assert await store.staff_message(chat, 12) == StaffMessage(bob_ticket, "list", None)
    edits = {
        (post.message_id, post.shown, post.reason)
        for post in (
            StaffPost.decode(item.payload)
            for item in await store.claim_outbox(10, dt.timedelta(minutes=1))
        )
    }
    assert edits == {(2**40, "card", "visitor"), (11, "note", "visitor"), (12, "list", "visitor")}

    # Posted while she was being deleted: edited at once.
    await store.record_staff_message(chat, 14, "note", [ann_ticket])
    [late] = await store.claim_outbox(10, dt.timedelta(minutes=1))
    assert StaffPost.decode(late.payload) == StaffPost(
        PostKind.REDACT, ann_ticket, message_id=14, shown="note", reason=None
    )
    assert await store.staff_message(chat, 14) == StaffMessage(ann_ticket, "note", "deleted")
    assert await store.ticket(bob_ticket) is not None


async def test_purge_removes_silent_visitors_but_keeps_active_tickets(store: Store) -> None:
    stale, stale_ticket = await _visitor_with_everything(store, "stale")
    await store.set_status(stale_ticket, TicketStatus.CLOSED, "Mei")
    waiting, waiting_ticket = await _visitor_with_everything(store, "waiting")  # answered
    quiet = await new_visitor(store, "quiet")  # no ticket at all
    recent, _ = await _visitor_with_everything(store, "recent")
    for visitor_id in (stale, waiting, quiet):
        await backdate(store, visitor_id, LONG_AGO)
    cutoff = utcnow() - HOUR

    assert await store.purge_before(cutoff) == 2

    assert await store.visitor_by_id(stale) is None
    assert await store.visitor_by_id(quiet) is None
    assert await store.messages_of(stale) == []
    assert await store.ticket(stale_ticket) is None
    assert await store.events(stale_ticket) == []
    # A visitor still waiting for staff is kept whole, however long ago they wrote.
    assert await store.visitor_by_id(waiting) is not None
    assert await store.message_count(waiting) == 2
    assert await store.ticket(waiting_ticket) is not None
    assert len(await store.events(waiting_ticket)) == 3
    assert await store.message_count(recent) == 2

    assert await store.purge_before(cutoff) == 0  # nothing more to do


async def test_purge_accepts_a_cutoff_in_any_timezone(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    await backdate(store, visitor_id, utcnow() - 3 * HOUR)
    # Two hours ago, written in Taiwan time: the visitor (silent for three) goes.
    assert await store.purge_before((utcnow() - 4 * HOUR).astimezone(TAIPEI)) == 0
    assert await store.purge_before((utcnow() - 2 * HOUR).astimezone(TAIPEI)) == 1


async def test_purge_forgets_old_event_ids_and_finished_queue_rows(store: Store) -> None:
    await store.first_delivery("line", "old")
    await store.accept_event("line", "done", '{"text": "a visitor\'s words"}')
    await store.accept_event("line", "waiting", "{}")
    [done, waiting] = await store.claim_inbox(10, dt.timedelta(minutes=1))
    await store.finish_inbox(done.id, [OutboxRow("inbox:1", 0, "line", "U1", '["reply"]')])
    [sent] = await store.claim_outbox(10, dt.timedelta(minutes=1))
    await store.outbox_sent(sent.id)
    await store.enqueue([OutboxRow("inbox:2", 0, "line", "U1", '["still to send"]')])

    await store.purge_before(utcnow() + HOUR)

    assert await store.first_delivery("line", "old") is True  # forgotten, so new again
    assert await count(store, processed_events) == 1
    # Finished rows hold visitors' words: they go. Work still to do stays.
    assert await count(store, inbox) == 1
    assert await count(store, inbox, inbox.c.id == waiting.id) == 1
    assert await count(store, outbox) == 1
    assert await store.backlog() == {"inbox": 1, "outbox": 1}


# -- schema ----------------------------------------------------------------------------------


async def test_migrations_are_idempotent(database_url: str) -> None:
    first = await Store.open(database_url)
    try:
        visitor_id = await new_visitor(first, "U1")
        await first.log_message(visitor_id, "in", "hello")
    finally:
        await first.close()

    second = await Store.open(database_url)  # the schema is already at head: nothing to do
    try:
        assert await second.find_visitor("line", "U1") == visitor_id
        assert await second.message_count(visitor_id) == 1
        async with second.engine.connect() as conn:
            version = (await conn.execute(sa.text("SELECT version_num FROM alembic_version"))).all()
            names = await conn.run_sync(lambda sync: set(sa.inspect(sync).get_table_names()))
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert version == [(head,)]
        assert names == {*metadata.tables, "alembic_version"}
    finally:
        await second.close()


async def test_migrated_schema_matches_the_table_definitions(store: Store) -> None:
    def differences(sync: Connection) -> list[object]:
        context = MigrationContext.configure(sync, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with store.engine.connect() as conn:
        assert await conn.run_sync(differences) == []


# -- unicode ---------------------------------------------------------------------------------


async def test_unicode_round_trips_everywhere(store: Store) -> None:
    name = "陳" * 200  # a column's length counts characters, not bytes
    state = await store.visitor("line", "U🌊", name)
    assert await store.find_visitor("line", "U🌊") == state.visitor_id
    visitor = await store.visitor_by_id(state.visitor_id)
    assert visitor is not None
    assert visitor.display_name == name

    await store.update_visitor(
        state.visitor_id, last_lang="zh", last_options=("交通.公車", "🚌"), lang_choice="zh"
    )
    assert (await store.visitor("line", "U🌊")).last_options == ("交通.公車", "🚌")

    await store.log_message(state.visitor_id, "in", UNICODE, "fallback", "交通.公車")
    [message] = await store.messages_of(state.visitor_id)
    assert (message.text, message.entry_id) == (UNICODE, "交通.公車")
    assert await store.last_question(state.visitor_id) == UNICODE
    assert [q.text for q in await store.unanswered()] == [UNICODE]

    ticket = await store.open_ticket(
        state.visitor_id,
        channel="line",
        lang="zh",
        priority=Priority.URGENT,
        reason="emergency",
        question=UNICODE,
        guesses=[("緊急.電話", 0.9)],
    )
    assert (ticket.question, ticket.guesses) == (UNICODE, (("緊急.電話", 0.9),))
    await store.set_status(ticket.number, TicketStatus.CLAIMED, "王小明")
    await store.set_status(ticket.number, TicketStatus.ANSWERED, "王小明", UNICODE)
    await store.record_delivery_error(ticket.number, f"錯誤 {UNICODE}")
    reloaded = await store.ticket(ticket.number)
    assert reloaded is not None
    assert (reloaded.assignee, reloaded.delivery_error) == ("王小明", f"錯誤 {UNICODE}")
    assert reloaded.display_name == name
    assert [(e.actor, e.detail) for e in await store.events(ticket.number)][1:] == [
        ("王小明", None),
        ("王小明", UNICODE),
        ("bot", f"錯誤 {UNICODE}"),
    ]

    await store.set_flag("公告", UNICODE)
    assert await store.get_flag("公告") == UNICODE
    await store.add_staff("王小明", "hash-" + UNICODE)
    assert await store.staff_password_hash("王小明") == "hash-" + UNICODE
    payload = json.dumps({"text": UNICODE}, ensure_ascii=False)
    assert await store.accept_event("line", "事件🌊", payload) is True
    assert await store.accept_event("line", "事件🌊", payload) is False
    [item] = await store.claim_inbox(1, dt.timedelta(minutes=1))
    assert item.payload == payload
