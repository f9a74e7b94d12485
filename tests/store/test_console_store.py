"""The store behind the staff console and the insights (issue 16), on SQLite and PostgreSQL:
follow-ups reopen an answered ticket, the list's attention order and search, assignment,
internal notes, the curators' report (fallbacks and unresolved "did you mean" questions), and
the anonymous daily totals that outlive every deletion.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from bot.store import Calendar, Priority, Role, Store, Ticket, TicketStatus, Total
from bot.store import db as store_db
from bot.store.insights import duration_bucket
from bot.store.tables import daily_totals, messages, outbox, ticket_notes
from bot.store.tickets import FOLLOW_UP_DECISION
from tests.store.test_store_contract import HOUR, count, new_ticket, new_visitor

TAIPEI = dt.timezone(dt.timedelta(hours=8))


async def says(
    store: Store,
    visitor_id: int,
    text: str,
    decision: str,
    *,
    entry_id: str | None = None,
    ticket_id: int | None = None,
    lang: str = "en",
) -> None:
    """One exchange as the desk records it: the visitor's message and the bot's reply."""
    await store.record_exchange(
        visitor_id,
        [("in", text, None), ("out", f"bot reply to {text}", "bot")],
        decision=decision,
        entry_id=entry_id,
        ticket_id=ticket_id,
        last_lang=lang,
        last_options=(),
    )


async def reload(store: Store, number: int) -> Ticket:
    ticket = await store.ticket(number)
    assert ticket is not None
    return ticket


def numbers(found: list[Ticket]) -> list[int]:
    return [t.number for t in found]


def today() -> dt.date:
    return store_db.utcnow().date()


async def totals(store: Store) -> list[Total]:
    return await store.totals(today() - dt.timedelta(days=1), today() + dt.timedelta(days=1))


def summed(rows: list[Total], metric: str, **key: str) -> int:
    return sum(
        row.count
        for row in rows
        if row.metric == metric and all(getattr(row, k) == v for k, v in key.items())
    )


# -- follow-ups --------------------------------------------------------------------------------


async def test_a_follow_up_on_an_answered_ticket_reopens_it_with_a_new_reply(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    ticket = await new_ticket(store, visitor_id)
    assert ticket.waiting_since is not None
    assert ticket.new_reply_at is None
    await store.set_status(ticket.number, TicketStatus.ANSWERED, "Mei", "the bus leaves at 9")
    answered = await reload(store, ticket.number)
    assert (answered.status, answered.waiting_since, answered.new_reply_at) == (
        TicketStatus.ANSWERED,
        None,
        None,
    )
    assert answered.first_reply_at is not None
    assert not answered.waiting

    await says(store, visitor_id, "and on Sunday?", FOLLOW_UP_DECISION, ticket_id=ticket.number)

    reopened = await reload(store, ticket.number)
    assert reopened.status is TicketStatus.OPEN  # nobody had claimed it
    assert reopened.new_reply_at is not None
    assert reopened.waiting_since == reopened.new_reply_at
    assert reopened.waiting
    assert reopened.last_activity_at == reopened.new_reply_at
    assert reopened.first_reply_at == answered.first_reply_at  # still the first answer
    assert [(e.actor, e.action) for e in await store.events(ticket.number)][-1] == (
        "visitor",
        "reopened",
    )

    # The next staff answer clears the marker; the first answer's time stays.
    await store.set_status(ticket.number, TicketStatus.ANSWERED, "Mei", "also on Sunday")
    again = await reload(store, ticket.number)
    assert (again.status, again.new_reply_at, again.waiting_since) == (
        TicketStatus.ANSWERED,
        None,
        None,
    )
    assert again.first_reply_at == answered.first_reply_at


async def test_a_claimed_ticket_is_reopened_to_its_assignee(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    ticket = await new_ticket(store, visitor_id)
    await store.set_status(ticket.number, TicketStatus.CLAIMED, "Mei")
    claimed = await reload(store, ticket.number)
    # A message while it waits for its first answer is no "new reply": it still waits.
    await says(store, visitor_id, "one more detail", FOLLOW_UP_DECISION, ticket_id=ticket.number)
    waiting = await reload(store, ticket.number)
    assert (waiting.status, waiting.new_reply_at) == (TicketStatus.CLAIMED, None)
    assert waiting.waiting_since == claimed.waiting_since  # waiting since the opening

    await store.set_status(ticket.number, TicketStatus.ANSWERED, "Mei", "done")
    await says(store, visitor_id, "thanks, one more", FOLLOW_UP_DECISION, ticket_id=ticket.number)
    reopened = await reload(store, ticket.number)
    assert (reopened.status, reopened.assignee) == (TicketStatus.CLAIMED, "Mei")
    assert reopened.new_reply_at is not None


async def test_only_a_follow_up_reopens_and_a_closed_ticket_stays_closed(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    ticket = await new_ticket(store, visitor_id)
    await store.set_status(ticket.number, TicketStatus.ANSWERED, "Mei", "answer")
    # /status and the like are filed under the ticket too, but ask staff for nothing.
    await says(store, visitor_id, "/status", "status", ticket_id=ticket.number)
    assert (await reload(store, ticket.number)).status is TicketStatus.ANSWERED

    await store.set_status(ticket.number, TicketStatus.CLOSED, "Mei")
    await says(store, visitor_id, "hello again", FOLLOW_UP_DECISION, ticket_id=ticket.number)
    closed = await reload(store, ticket.number)
    assert (closed.status, closed.new_reply_at, closed.waiting_since) == (
        TicketStatus.CLOSED,
        None,
        None,
    )


async def test_emergency_words_on_an_answered_ticket_reopen_it(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    ticket = await new_ticket(store, visitor_id)
    await store.set_status(ticket.number, TicketStatus.ANSWERED, "Mei", "answer")
    await store.escalate(ticket.number, "visitor", "emergency words")
    urgent = await reload(store, ticket.number)
    assert (urgent.priority, urgent.status) == (Priority.URGENT, TicketStatus.OPEN)
    assert urgent.new_reply_at is not None


# -- the list ----------------------------------------------------------------------------------


async def test_attention_order_urgent_then_new_reply_then_longest_waiting(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)]

    def tick() -> dt.datetime:
        clock[0] += dt.timedelta(minutes=1)
        return clock[0]

    monkeypatch.setattr(store_db, "utcnow", tick)
    visitors = [await new_visitor(store, f"U{n}") for n in range(6)]
    oldest = await new_ticket(store, visitors[0])
    answered = await new_ticket(store, visitors[1])
    newer = await new_ticket(store, visitors[2])
    follow_up = await new_ticket(store, visitors[3])
    urgent = await new_ticket(store, visitors[4], priority=Priority.URGENT)
    closed = await new_ticket(store, visitors[5])
    await store.set_status(answered.number, TicketStatus.ANSWERED, "Mei", "a")
    await store.set_status(follow_up.number, TicketStatus.ANSWERED, "Mei", "b")
    await store.set_status(closed.number, TicketStatus.CLOSED, "Mei")
    await says(store, visitors[3], "one more thing", FOLLOW_UP_DECISION, ticket_id=follow_up.number)

    assert numbers(await store.tickets(sort="attention")) == [
        urgent.number,
        follow_up.number,
        oldest.number,  # waiting longest
        newer.number,
        answered.number,  # nobody waits on it
        closed.number,
    ]
    # The store's default order is unchanged: urgent first, then newest first.
    assert numbers(await store.tickets())[:2] == [urgent.number, closed.number]


async def test_the_list_shows_the_latest_message_of_visitor_or_staff(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    ticket = await new_ticket(store, visitor_id)
    await store.log_message(visitor_id, "in", "my question", "handoff", ticket_id=ticket.number)
    await store.log_message(
        visitor_id, "out", "request #1 opened", "handoff", ticket_id=ticket.number
    )
    [listed] = await store.tickets()
    assert listed.latest is not None
    # The bot's acknowledgement is no news: the visitor's question is what is shown.
    assert (listed.latest.role, listed.latest.text) == ("visitor", "my question")
    await store.log_message(
        visitor_id,
        "out",
        "Staff reply: the answer " + "y" * 1000,
        ticket_id=ticket.number,
        author="Mei",
        role=Role.STAFF,
    )
    [listed] = await store.tickets()
    assert listed.latest is not None
    assert (listed.latest.role, listed.latest.author) == ("staff", "Mei")
    assert listed.latest.text.startswith("Staff reply: the answer")
    assert len(listed.latest.text) == 300  # a preview, not the whole text
    assert (await store.ticket(ticket.number)) is not None


async def test_search_by_number_text_visitor_and_note(store: Store) -> None:
    ann = (await store.visitor("line", "Uann", "Ann Tanaka")).visitor_id
    bob = (await store.visitor("web", "web-session-bob", "Bob")).visitor_id
    a = await new_ticket(store, ann, question="Where is the Morioka office?")
    b = await new_ticket(store, bob, question="Typhoon day: is the office open?")
    await store.log_message(bob, "in", "My flight is CI-123, 50% late", ticket_id=b.number)
    await store.add_note(a.number, "Mei", "called the Iwate liaison")

    async def found(text: str) -> list[int]:
        return sorted(numbers(await store.tickets(search=text)))

    assert await found(str(a.number)) == [a.number]
    assert await found(f"#{b.number}") == [b.number]
    assert await found("123") == []  # a number is a request's number, not text
    assert await found("CI-123") == [b.number]
    assert await found("morioka") == [a.number]  # any case
    assert await found("tanaka") == [a.number]  # the visitor's name
    assert await found("web-session-bob") == [b.number]  # the visitor's id, whole
    assert await found("web-session") == []
    assert await found("CI-123") == [b.number]  # a message under the ticket
    assert await found("iwate liaison") == [a.number]  # an internal note
    assert await found("office") == sorted([a.number, b.number])
    # LIKE's wildcards are plain characters, not patterns.
    assert await found("50%") == [b.number]
    assert await found("%") == [b.number]
    assert await found("_") == []
    assert await found("' OR 1=1 --") == []
    assert await found("   ") == sorted([a.number, b.number])  # no search at all


async def test_assign_unassign_and_the_mine_and_unassigned_filters(store: Store) -> None:
    visitor_id = await new_visitor(store, "U1")
    one = await new_ticket(store, visitor_id)
    two = await new_ticket(store, await new_visitor(store, "U2"))
    given = await store.assign(one.number, "Mei", "Wei")
    assert given is not None
    assert (given.assignee, given.status) == ("Wei", TicketStatus.CLAIMED)
    assert numbers(await store.tickets(assignee="Wei")) == [one.number]
    assert numbers(await store.tickets(unassigned=True)) == [two.number]
    taken_back = await store.assign(one.number, "Wei", None)
    assert taken_back is not None
    assert (taken_back.assignee, taken_back.status) == (None, TicketStatus.OPEN)
    events = [(e.actor, e.action, e.detail) for e in await store.events(one.number)]
    assert events[-2:] == [("Mei", "assigned", "Wei"), ("Wei", "unassigned", None)]
    # An answered ticket keeps its status when it changes hands.
    await store.set_status(two.number, TicketStatus.ANSWERED, "Mei", "x")
    moved = await store.assign(two.number, "Mei", "Wei")
    assert moved is not None
    assert (moved.status, moved.assignee) == (TicketStatus.ANSWERED, "Wei")
    await store.set_status(two.number, TicketStatus.CLOSED, "Mei")
    assert await store.assign(two.number, "Mei", "Mei") is None
    assert await store.assign(99_999, "Mei", "Mei") is None


async def test_notes_are_kept_apart_and_go_with_the_visitor(store: Store) -> None:
    ann = await new_visitor(store, "ann")
    bob = await new_visitor(store, "bob")
    ann_ticket = await new_ticket(store, ann)
    bob_ticket = await new_ticket(store, bob)
    before = await store.pulse()
    assert await store.add_note(ann_ticket.number, "Mei", "Ann's passport number is X123")
    assert await store.add_note(bob_ticket.number, "Mei", "Bob's note")
    assert not await store.add_note(99_999, "Mei", "nowhere")
    assert (await store.pulse()).version != before.version  # live pages see the note
    [note] = await store.notes(ann_ticket.number)
    assert (note.author, note.text) == ("Mei", "Ann's passport number is X123")
    # Nothing of a note is a message, nor queued for anyone.
    assert all("passport" not in m.text for m in await store.messages_of(ann))
    assert await count(store, outbox) == 0

    await store.delete_visitor(ann)
    assert await store.notes(ann_ticket.number) == []
    assert await count(store, ticket_notes, ticket_notes.c.ticket_id == ann_ticket.number) == 0
    assert len(await store.notes(bob_ticket.number)) == 1

    await store.set_status(bob_ticket.number, TicketStatus.CLOSED, "Mei")
    await store.purge_before(store_db.utcnow() + HOUR)
    assert await count(store, ticket_notes) == 0


async def test_pulse_counts_the_waiting_and_changes_with_any_activity(store: Store) -> None:
    empty = await store.pulse()
    assert empty.waiting == 0
    visitor_id = await new_visitor(store, "U1")
    ticket = await new_ticket(store, visitor_id)
    opened = await store.pulse()
    assert (opened.waiting, opened.version != empty.version) == (1, True)
    await store.set_status(ticket.number, TicketStatus.ANSWERED, "Mei", "x")
    answered = await store.pulse()
    assert answered.waiting == 0
    await says(store, visitor_id, "more", FOLLOW_UP_DECISION, ticket_id=ticket.number)
    followed = await store.pulse()
    assert followed.waiting == 1
    assert len({empty.version, opened.version, answered.version, followed.version}) == 4
    assert (await store.pulse()) == followed  # nothing happened: the same
    await store.delete_visitor(visitor_id)
    assert (await store.pulse()).version != followed.version


async def test_visitor_tickets_are_theirs_newest_first(store: Store) -> None:
    ann = await new_visitor(store, "ann")
    first = await new_ticket(store, ann)
    await store.set_status(first.number, TicketStatus.CLOSED, "Mei")
    await new_ticket(store, await new_visitor(store, "bob"))
    second = await new_ticket(store, ann)
    assert numbers(await store.visitor_tickets(ann)) == [second.number, first.number]


# -- the curators' report ------------------------------------------------------------------------


async def test_unanswered_holds_fallbacks_and_unresolved_clarify_questions(store: Store) -> None:
    ann = await new_visitor(store, "ann")
    bob = await new_visitor(store, "bob")
    cid = await new_visitor(store, "cid")
    await says(store, ann, "who won the baseball game", "fallback")
    await says(store, ann, "ARC", "clarify")
    await says(store, ann, "entry:service.arc-renewal", "answer", entry_id="service.arc-renewal")
    await says(store, bob, "bus", "clarify")  # and then nothing: unresolved
    await says(store, cid, "festival", "clarify")
    await says(store, cid, "still not it", "fallback")  # no answer either: unresolved
    listed = await store.unanswered()
    assert [(q.text, q.kind) for q in listed] == [
        ("still not it", "fallback"),
        ("festival", "clarify"),
        ("bus", "clarify"),
        ("who won the baseball game", "fallback"),
    ]
    assert {q.visitor_id for q in listed} == {ann, bob, cid}
    assert all(q.id and not q.handled for q in listed)

    baseball = listed[-1]
    assert await store.mark_handled([baseball.id, listed[1].id], "Mei") == 2
    assert [q.text for q in await store.unanswered()] == ["still not it", "bus"]
    handled = await store.unanswered(handled=True)
    assert [(q.text, q.handled) for q in handled] == [
        ("festival", True),
        ("who won the baseball game", True),
    ]
    # Only questions of the report can be marked: not an answer, not the bot's words.
    answered_ids = [m.id for m in await store.messages_of(ann) if m.decision == "answer"]
    assert await store.mark_handled(answered_ids, "Mei") == 0
    assert await store.mark_handled([baseball.id], "Mei", handled=False) == 1
    assert "who won the baseball game" in [q.text for q in await store.unanswered()]


async def test_handled_marks_go_with_the_visitor_and_with_retention(store: Store) -> None:
    ann = await new_visitor(store, "ann")
    bob = await new_visitor(store, "bob")
    await says(store, ann, "Ann asks about the baseball game", "fallback")
    await says(store, bob, "Bob asks about the lottery", "fallback")
    assert await store.mark_handled([q.id for q in await store.unanswered()], "Mei") == 2

    await store.delete_visitor(ann)
    assert [q.text for q in await store.unanswered(handled=True)] == ["Bob asks about the lottery"]
    await store.purge_before(store_db.utcnow() + HOUR)
    assert await store.unanswered(handled=True) == []
    assert await store.unanswered() == []


async def test_staff_answers_are_those_of_tickets_opened_soon_after_asking(store: Store) -> None:
    ann = await new_visitor(store, "ann")
    await says(store, ann, "tax refund for visitors?", "fallback")
    [question] = await store.unanswered()
    ticket = await new_ticket(store, ann, question="tax refund for visitors?")
    await store.log_message(
        ann,
        "out",
        "Staff reply (request #1):\nAt the airport.",
        ticket_id=ticket.number,
        author="Mei",
        role=Role.STAFF,
    )
    [answer] = await store.staff_answers([(ann, question.created_at)])
    assert (answer.ticket, answer.lang) == (ticket.number, "en")
    assert answer.text.endswith("At the airport.")
    # A ticket opened before the question, or long after, is not about it.
    assert await store.staff_answers([(ann, question.created_at + 2 * HOUR)]) == []
    assert (
        await store.staff_answers([(ann, question.created_at - dt.timedelta(days=2))], within=HOUR)
        == []
    )
    assert await store.staff_answers([]) == []


# -- the insights' daily totals ----------------------------------------------------------------


async def test_exchanges_and_ticket_events_are_counted(store: Store) -> None:
    ann = await new_visitor(store, "ann", "telegram")
    await says(store, ann, "sister cities", "answer", entry_id="exchange.sister-cities")
    await says(store, ann, "bus", "clarify", lang="zh-Hant")
    await says(store, ann, "entry:service.bus", "answer", entry_id="service.bus", lang="zh-Hant")
    await says(store, ann, "baseball", "fallback")
    ticket = await new_ticket(store, ann, channel="telegram")
    await says(store, ann, "more", FOLLOW_UP_DECISION, ticket_id=ticket.number)
    await store.set_status(ticket.number, TicketStatus.ANSWERED, "Mei", "x")
    await store.set_status(ticket.number, TicketStatus.ANSWERED, "Mei", "again")  # not first
    await says(store, ann, "thanks", FOLLOW_UP_DECISION, ticket_id=ticket.number)
    await store.set_status(ticket.number, TicketStatus.CLOSED, "Mei")
    await store.set_status(ticket.number, TicketStatus.CLOSED, "Mei")  # already closed

    rows = await totals(store)
    assert {row.day for row in rows} == {today()}
    assert {row.channel for row in rows} == {"telegram"}
    assert summed(rows, "exchange", detail="answer") == 1
    assert summed(rows, "exchange", detail="picked") == 1  # chosen from "did you mean"
    assert summed(rows, "exchange", detail="clarify", lang="zh-Hant") == 1
    assert summed(rows, "exchange", detail="fallback") == 1
    assert summed(rows, "exchange", detail=FOLLOW_UP_DECISION) == 2
    assert summed(rows, "topic", detail="exchange.sister-cities") == 1
    assert summed(rows, "topic", detail="service.bus") == 1
    assert summed(rows, "opened", detail="asked") == 1
    assert summed(rows, "first_reply") == 1
    assert summed(rows, "first_reply", detail=duration_bucket(1)) == 1
    assert summed(rows, "reopened") == 1
    assert summed(rows, "closed") == 1
    # Nothing personal: no visitor, no ticket, no text in any row.
    async with store.engine.connect() as conn:
        columns = set((await conn.execute(sa.select(daily_totals).limit(1))).keys())
    assert columns == {"id", "day", "metric", "channel", "lang", "detail", "office", "count"}
    assert not {row.detail for row in rows} & {"sister cities", "bus", "baseball", "more"}


async def test_partner_languages_are_counted_as_the_visitor_wrote(store: Store) -> None:
    """A Korean or Japanese visitor is answered in English (or Chinese): the figures by
    partner language count them as ko and ja, their questions and their requests alike."""
    min_jun = await new_visitor(store, "min-jun")
    yui = await new_visitor(store, "yui")
    await says(store, min_jun, "화련 자매도시는 어디인가요?", "fallback", lang="en")
    await says(store, yui, "花蓮の姉妹都市はどこですか", "answer", entry_id="x.y", lang="zh-Hant")
    await says(store, yui, "花蓮縣政府電話", "answer", entry_id="x.y", lang="zh-Hant")  # kanji only
    ticket = await new_ticket(store, min_jun, question="담당자와 이야기하고 싶어요")
    await says(store, min_jun, "감사합니다", FOLLOW_UP_DECISION, ticket_id=ticket.number)
    await store.set_status(ticket.number, TicketStatus.ANSWERED, "Mei", "x")
    await store.set_status(ticket.number, TicketStatus.CLOSED, "Mei")

    rows = await totals(store)
    assert summed(rows, "exchange", lang="ko") == 2
    assert summed(rows, "exchange", lang="ja") == 1
    assert summed(rows, "topic", lang="ja") == 1
    assert summed(rows, "exchange", lang="zh-Hant") == 1  # as the desk read it
    assert summed(rows, "opened", lang="ko") == 1
    assert summed(rows, "first_reply", lang="ko") == 1
    assert summed(rows, "closed", lang="ko") == 1
    assert summed(rows, "opened", lang="en") == 0


async def test_totals_outlive_delete_and_the_purge(store: Store) -> None:
    ann = await new_visitor(store, "ann")
    bob = await new_visitor(store, "bob")
    for visitor_id in (ann, bob):
        await says(store, visitor_id, "sister cities", "answer", entry_id="exchange.sister-cities")
        ticket = await new_ticket(store, visitor_id)
        await store.set_status(ticket.number, TicketStatus.ANSWERED, "Mei", "x")
        await store.add_note(ticket.number, "Mei", "a note")
        await store.set_status(ticket.number, TicketStatus.CLOSED, "Mei")
    before = await totals(store)
    assert (summed(before, "exchange"), summed(before, "closed")) == (2, 2)

    await store.delete_visitor(ann)
    assert await totals(store) == before
    await store.purge_before(store_db.utcnow() + HOUR)  # every visitor is past retention
    assert await store.visitor_by_id(bob) is None
    assert await count(store, messages) == 0
    assert await totals(store) == before


async def test_past_days_are_folded_into_one_row_per_key(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    yesterday = store_db.utcnow() - dt.timedelta(days=1)
    monkeypatch.setattr(store_db, "utcnow", lambda: yesterday)
    ann = await new_visitor(store, "ann")
    for _ in range(5):
        await says(store, ann, "sister cities", "answer", entry_id="exchange.sister-cities")
    await says(store, ann, "baseball", "fallback")
    monkeypatch.undo()
    await says(store, ann, "today's question", "fallback")  # today: not folded yet
    before = await totals(store)
    rows_before = await count(store, daily_totals)
    assert rows_before == 12

    await store.purge_before(store_db.utcnow() - 30 * 24 * HOUR)  # deletes nothing else
    assert await totals(store) == before
    # Yesterday: one row for each of answer, topic, fallback; today's one as it was.
    assert await count(store, daily_totals) == 4
    assert await store.compact_totals(today()) == 0  # nothing more to fold


async def test_office_hours_are_counted_with_the_closure_switch(store: Store) -> None:
    def office_open(at: dt.datetime, closed_today: bool) -> bool:
        return not closed_today

    store.calendar = Calendar(TAIPEI, office_open)
    visitor_id = await new_visitor(store, "U1")
    inside = await new_ticket(store, visitor_id)
    await store.set_flag("office_closed", store_db.utcnow().astimezone(TAIPEI).date().isoformat())
    outside = await new_ticket(store, await new_visitor(store, "U2"))
    assert (await store.ticket(inside.number)) is not None
    for ticket in (inside, outside):
        await store.set_status(ticket.number, TicketStatus.ANSWERED, "Mei", "x")
    rows = await store.totals(
        store_db.utcnow().astimezone(TAIPEI).date(), store_db.utcnow().astimezone(TAIPEI).date()
    )
    assert summed(rows, "opened", office="in") == 1
    assert summed(rows, "opened", office="out") == 1
    assert summed(rows, "first_reply", office="in") == 1
    assert summed(rows, "first_reply", office="out") == 1
