"""The store's part of the web chat, on SQLite and PostgreSQL alike: the conversation as the
page restores it, the cards of the bot's replies, what the live updates wake for, the page's
ids for its messages, and the e-mail address on a request."""

from __future__ import annotations

import asyncio
import datetime as dt

import sqlalchemy as sa

from bot.store import EMAIL_CHANNEL, Priority, Role, Store, TicketStatus
from bot.store.queue import OutboxRow
from bot.store.tables import outbox, web_requests

SESSION = "web-session-store-1"


async def _exchange(store: Store, session: str, text: str, replies: list[str]) -> int:
    state = await store.visitor("web", session)
    await store.record_exchange(
        state.visitor_id,
        [("in", text, None), *(("out", reply, "bot") for reply in replies)],
        decision="answer",
        entry_id=None,
        ticket_id=None,
        last_lang="en",
        last_options=(),
    )
    return state.visitor_id


async def _ticket(store: Store, visitor_id: int) -> int:
    ticket = await store.open_ticket(
        visitor_id,
        channel="web",
        lang="en",
        priority=Priority.NORMAL,
        reason="asked",
        question="a person please",
    )
    return ticket.number


async def test_the_conversation_is_the_visitors_own_oldest_first(store: Store) -> None:
    visitor_id = await _exchange(store, SESSION, "hello", ["Hello!", "How can I help?"])
    await _exchange(store, "someone-else-1", "not mine", ["no"])
    await store.log_message(visitor_id, "out", "Staff here.", "staff", role=Role.STAFF)
    conversation = await store.conversation("web", SESSION, limit=10)
    assert [(m.role, m.text) for m in conversation] == [
        (Role.VISITOR, "hello"),
        (Role.BOT, "Hello!"),
        (Role.BOT, "How can I help?"),
        (Role.STAFF, "Staff here."),
    ]
    assert [m.id for m in conversation] == sorted(m.id for m in conversation)
    assert all(m.created_at.tzinfo is not None for m in conversation)
    # The newest ones when it is long; nothing for a visitor never seen or on another channel.
    assert [m.text for m in await store.conversation("web", SESSION, limit=2)] == [
        "How can I help?",
        "Staff here.",
    ]
    assert await store.conversation("web", "never-seen-1", limit=10) == []
    assert await store.conversation("line", SESSION, limit=10) == []


async def test_cards_go_to_the_exchange_just_recorded(store: Store) -> None:
    visitor_id = await _exchange(store, SESSION, "first", ["one"])
    async with store.unit_of_work():
        await _exchange(store, SESSION, "second", ["two", "three"])
        sent, replies = await store.file_cards(visitor_id, ['{"urgent": true}', None])
    conversation = await store.conversation("web", SESSION, limit=10)
    assert sent == conversation[2].id
    assert replies == [conversation[3].id, conversation[4].id]
    assert [m.card for m in conversation] == [None, None, None, '{"urgent": true}', None]
    # Replies that are not the newest exchange's (a count that does not fit) are left alone.
    assert await store.file_cards(visitor_id, ["x", "y", "z"]) == (None, [])


async def test_staff_answers_since_a_message_name_the_visitors_to_wake(store: Store) -> None:
    start = await store.latest_message_id()
    web = await _exchange(store, SESSION, "hello", ["Hello!"])
    line = (await store.visitor("line", "U1")).visitor_id
    await store.log_message(line, "out", "Staff to LINE.", "staff", role=Role.STAFF)
    assert (await store.staff_answers_since(start, "web"))[1] == set()
    await store.log_message(web, "out", "Staff to the web.", "staff", role=Role.STAFF)
    newest, sessions = await store.staff_answers_since(start, "web")
    assert sessions == {SESSION}
    assert newest == await store.latest_message_id()
    assert await store.staff_answers_since(newest, "web") == (newest, set())


async def test_a_message_id_is_claimed_once_and_its_answer_kept(store: Store) -> None:
    assert await store.claim_web_request(SESSION, "client-id-1")
    assert not await store.claim_web_request(SESSION, "client-id-1")
    assert await store.claim_web_request("other-session", "client-id-1")  # per session
    assert await store.web_response(SESSION, "client-id-1") is None
    await store.save_web_response(SESSION, "client-id-1", '{"replies": []}')
    assert await store.web_response(SESSION, "client-id-1") == '{"replies": []}'
    # None forgets the claim: the message may be handled again.
    await store.save_web_response("other-session", "client-id-1", None)
    assert await store.claim_web_request("other-session", "client-id-1")


async def test_a_message_id_claimed_twice_at_once_is_handled_once(store: Store) -> None:
    async def claim() -> bool:
        async with store.unit_of_work():
            claimed = await store.claim_web_request(SESSION, "client-id-2")
            await asyncio.sleep(0.05)  # the first holds its unit of work a moment
            if claimed:
                await store.save_web_response(SESSION, "client-id-2", '"first"')
            return claimed

    results = await asyncio.gather(claim(), claim())
    assert sorted(results) == [False, True]
    assert await store.web_response(SESSION, "client-id-2") == '"first"'


async def test_kept_answers_are_forgotten_by_age(store: Store) -> None:
    await store.claim_web_request(SESSION, "client-id-3")
    assert await store.forget_web_requests(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)) == 0
    assert await store.forget_web_requests(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)) == 1
    assert await store.web_response(SESSION, "client-id-3") is None
    assert await store.claim_web_request(SESSION, "client-id-3")


async def test_an_e_mail_address_sits_on_the_open_request_only(store: Store) -> None:
    visitor_id = await _exchange(store, SESSION, "hello", ["Hello!"])
    assert await store.set_notify_email(visitor_id, "a@example.jp") is None  # no request
    number = await _ticket(store, visitor_id)
    assert await store.set_notify_email(visitor_id, "a@example.jp") == number
    assert await store.notify_email(number) == "a@example.jp"
    assert await store.set_notify_email(visitor_id, None) == number
    assert await store.notify_email(number) is None
    await store.set_notify_email(visitor_id, "a@example.jp")
    await store.set_status(number, TicketStatus.CLOSED, "visitor")
    assert await store.set_notify_email(visitor_id, "b@example.jp") is None
    assert await store.notify_email(number) == "a@example.jp"
    assert await store.notify_email(9999) is None


async def test_delete_takes_the_address_its_mail_and_the_kept_answers(store: Store) -> None:
    visitor_id = await _exchange(store, SESSION, "hello", ["Hello!"])
    number = await _ticket(store, visitor_id)
    await store.set_notify_email(visitor_id, "a@example.jp")
    await store.claim_web_request(SESSION, "client-id-4")
    other = await _exchange(store, "other-session-1", "hi", ["Hi!"])
    other_number = await _ticket(store, other)
    await store.claim_web_request("other-session-1", "client-id-4")
    await store.enqueue(
        [
            OutboxRow(f"email:{n}:x", 0, EMAIL_CHANNEL, str(n), "[]", ticket_id=n)
            for n in (number, other_number)
        ]
    )
    await store.delete_visitor(visitor_id)
    assert await store.notify_email(number) is None
    async with store.engine.connect() as conn:
        mail = (await conn.execute(sa.select(outbox.c.ticket_id))).scalars().all()
        kept = (await conn.execute(sa.select(web_requests.c.session))).scalars().all()
    assert mail == [other_number]
    assert kept == ["other-session-1"]


async def test_retention_takes_an_old_requests_address_and_mail(store: Store) -> None:
    visitor_id = await _exchange(store, SESSION, "hello", ["Hello!"])
    number = await _ticket(store, visitor_id)
    await store.set_notify_email(visitor_id, "a@example.jp")
    await store.enqueue(
        [OutboxRow("email:1:x", 0, EMAIL_CHANNEL, str(number), "[]", ticket_id=number)]
    )
    await store.set_status(number, TicketStatus.CLOSED, "Mei")
    await store.purge_before(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    assert await store.notify_email(number) is None
    async with store.engine.connect() as conn:
        assert (await conn.execute(sa.select(outbox.c.id))).all() == []
