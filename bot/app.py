"""The aiohttp application: one factory for the server and the tests."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import re
import secrets
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp.web_response
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from sqlalchemy.exc import SQLAlchemyError
from telegram import Update

from bot.addresses import client_address
from bot.channels import web_live
from bot.channels.email import Mailer
from bot.channels.line import LineChannel
from bot.channels.telegram import TelegramChannel
from bot.channels.web import (
    PAGE_LANG_COOKIE,
    WEB_SESSION,
    card_json,
    chat_page,
    chat_page_policy,
    load_json,
    outcome_json,
    page_language,
    parse_chat_message,
    parse_email,
    transcript_json,
)
from bot.channels.web_live import Closing, Crowded, LiveUpdates
from bot.delivery import Deliverer, Pipeline, encode_inbound, encode_replies
from bot.desk import LANGUAGE_OPTIONS, Desk
from bot.errors import KnowledgeBaseError, WebhookRejected
from bot.i18n import both, translate
from bot.kb.live import Knowledge, LiveKnowledge, load_directory
from bot.kb.loader import KnowledgeBase
from bot.keys import (
    DESK,
    KNOWLEDGE,
    LINE,
    MAILER,
    METRICS,
    PIPELINE,
    RELAY,
    SETTINGS,
    STAFF_GROUP,
    STORE,
    TASKS,
    TELEGRAM,
    WEB_LIVE,
    WEB_MESSAGES,
    WEB_TICKETS,
)
from bot.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from bot.metrics import Metrics
from bot.models import Channel, Inbound, NoticeKind, Reply
from bot.ratelimit import AddressBudget
from bot.settings import Settings
from bot.staff.console import setup_console
from bot.staff.insights import office_calendar
from bot.staff.relay import Relay
from bot.staff.telegram_group import StaffGroup
from bot.store import EMAIL_CHANNEL, Role, Store, Ticket
from bot.store.queue import OutboxRow
from bot.text import Lang

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
#: The largest id the messages table holds (a 32-bit INTEGER on PostgreSQL).
MAX_MESSAGE_ID = 2**31 - 1
CHAT_SESSION_HEADER = "X-Chat-Session"
#: The desk's own words for a flood (bot/desk.py marks them for the catalogs).
WEB_SLOW_DOWN = "You are sending messages very fast. Please wait a minute, then ask again."
#: Instead of aiohttp's "Python/3.11 aiohttp/3.x": versions only help whoever looks for holes.
SERVER_NAME = "hualien-desk"
#: Strict-Transport-Security once the deployment is HTTPS (STAFF_COOKIE_SECURE=true).
HSTS = "max-age=31536000"
DRAIN_SECONDS = 15.0


HOUSEKEEPING_SECONDS = 60.0
#: How long a web-chat message's answer is kept by the page's id for it (a resend comes
#: within minutes).
WEB_REQUESTS_KEPT = dt.timedelta(days=1)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


@web.middleware
async def errors_as_json(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every failure becomes a short JSON error: no stack trace ever reaches a client."""
    try:
        return await handler(request)
    except WebhookRejected as exc:
        logger.info("%s %s rejected: %d %s", request.method, request.path, exc.status, exc.reason)
        return _error(exc.status, exc.reason)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _error(exc.status, exc.reason)
    except (web.RequestPayloadError, HttpProcessingError):
        # A transfer cut short or malformed (chunked encoding), a broken multipart part: the
        # request cannot be read.
        logger.info("%s %s rejected: unreadable body", request.method, request.path)
        return _error(400, "the request body could not be read")
    except (SQLAlchemyError, OSError):
        # OSError too: a connection PostgreSQL refuses (it is restarting) or that times out
        # reaches us from the driver unwrapped (ConnectionRefusedError, TimeoutError).
        logger.exception("database unavailable during %s %s", request.method, request.path)
        # 503 makes LINE and Telegram deliver the event again later: nothing is lost.
        return _error(503, "temporarily unavailable, please retry")
    except Exception:
        logger.exception("unexpected error during %s %s", request.method, request.path)
        return _error(500, "internal error")


@web.middleware
async def plain_bodies_only(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """A compressed request body is refused unread. Neither LINE, Telegram nor a browser
    compresses what it sends, and a body inflated on arrival is how a few kilobytes become
    gigabytes (a zip bomb): the server does not decompress request bodies at all
    (``auto_decompress`` off in create_app)."""
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise WebhookRejected(415, "compressed request bodies are not accepted")
    return await handler(request)


def _spawn(app: web.Application, coro: Awaitable[None]) -> None:
    task: asyncio.Task[None] = asyncio.ensure_future(coro)
    app[TASKS].add(task)
    task.add_done_callback(app[TASKS].discard)


async def _staff_update(app: web.Application, group: StaffGroup, update: Update) -> None:
    try:
        await group.handle(update)
    except Exception:
        logger.exception("staff group update %s failed", update.update_id)


async def _tell_chat_id(app: web.Application, telegram: TelegramChannel, chat_id: int) -> None:
    try:
        await telegram.tell_chat_id(chat_id, app[SETTINGS].staff_telegram_chat_id)
    except Exception:
        logger.exception("/chatid not answered in chat %d", chat_id)


async def _accept(app: web.Application, events: list[Inbound]) -> None:
    """Commit each event to the inbox before the webhook answers 200; the pipeline answers it.

    A redelivered event (same webhookEventId / update_id) hits the inbox's unique key and is
    dropped, so it is never answered twice.
    """
    store = app[STORE]
    accepted = False
    for inbound in events:
        event_id = inbound.event_id or f"local-{uuid.uuid4()}"
        if await store.accept_event(inbound.channel.value, event_id, encode_inbound(inbound)):
            accepted = True
        else:
            logger.info("duplicate %s event %s ignored", inbound.channel, event_id)
    if accepted:
        app[PIPELINE].inbox_ready.set()


async def line_webhook(request: web.Request) -> web.Response:
    line = request.app.get(LINE)
    if line is None:
        return _error(404, "LINE channel is not configured on this server")
    body = await request.read()
    events = line.parse(body, request.headers.get("X-Line-Signature"))
    await _accept(request.app, events)
    return web.json_response({"ok": True})


async def telegram_webhook(request: web.Request) -> web.Response:
    telegram = request.app.get(TELEGRAM)
    if telegram is None:
        return _error(404, "Telegram channel is not configured on this server")
    # The secret is checked before the body is read or parsed.
    telegram.verify(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
    body = await request.read()
    update = telegram.parse_update(body, request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
    asked_in = telegram.chat_id_request(update)
    if asked_in is not None:
        if await request.app[STORE].first_delivery("telegram", str(update.update_id)):
            _spawn(request.app, _tell_chat_id(request.app, telegram, asked_in))
        return web.json_response({"ok": True})
    group = request.app.get(STAFF_GROUP)
    if group is not None and group.is_staff_update(update):
        if await request.app[STORE].first_delivery("telegram", str(update.update_id)):
            _spawn(request.app, _staff_update(request.app, group, update))
        return web.json_response({"ok": True})
    inbound = telegram.convert(update)
    if inbound is not None:
        await _accept(request.app, [inbound])
    return web.json_response({"ok": True})


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(
        body, status=status, headers=headers, dumps=lambda o: json.dumps(o, ensure_ascii=False)
    )


def _stored_json(text: str) -> web.Response:
    return web.Response(text=text, content_type="application/json", charset="utf-8")


def _address(request: web.Request) -> str:
    return client_address(
        request.remote,
        request.headers.get("X-Forwarded-For", ""),
        request.app[SETTINGS].proxy_networks,
    )


async def api_chat(request: web.Request) -> web.Response:
    # JSON only: a form post from another site (a "simple" request, no CORS preflight) is
    # refused before anything is read or stored.
    if request.content_type != "application/json":
        raise WebhookRejected(415, "send the message as application/json")
    data = load_json(await request.read(), 'the body (JSON: {"session", "text"|"choice"})')
    inbound, client_id = parse_chat_message(data)
    session = inbound.user_id
    store = request.app[STORE]
    if client_id is not None:
        # Sent again (the answer was lost on the way): the same answer, nothing done twice,
        # no budget spent.
        earlier = await store.web_response(session, client_id)
        if earlier is not None:
            return _stored_json(earlier)
    # A budget per client address: new session ids cost nothing, so a budget per session
    # alone would let one client open visitors and tickets without end.
    address = _address(request)
    if not request.app[WEB_MESSAGES].take(address):
        logger.info("web chat: message budget of %s spent", address)
        raise WebhookRejected(429, _slow_down(request))
    tickets = request.app[WEB_TICKETS]
    # A ticket is reserved before the desk runs (parallel requests cannot all take the last
    # one) and given back when none was opened.
    reserved = tickets.take(address)
    opened = False
    started = time.perf_counter()
    pipeline = request.app[PIPELINE]
    try:
        # All of the message's records (visitor, messages, ticket, its answer kept by the
        # page's id) or none, as for the inbox; what staff must hear of it is queued with them.
        async with store.unit_of_work():
            if client_id is not None and not await store.claim_web_request(session, client_id):
                # The same message, answered by a request that was in flight meanwhile.
                earlier = await store.web_response(session, client_id)
                if earlier is None:
                    raise WebhookRejected(409, "this message is being answered; ask again")
                return _stored_json(earlier)
            outcome = await request.app[DESK].handle(inbound, new_tickets=reserved)
            posts = pipeline.staff_rows(f"web:{uuid.uuid4().hex}", outcome)
            if posts:
                await store.enqueue(posts)
            body = outcome_json(outcome)
            if not outcome.forget:
                await _file_exchange(store, session, outcome.replies, body)
            if client_id is not None:
                answer = None if outcome.forget else json.dumps(body, ensure_ascii=False)
                await store.save_web_response(session, client_id, answer)
        opened = any(notice.kind is NoticeKind.OPENED for notice in outcome.notices)
    finally:
        if reserved and not opened:
            tickets.give_back(address)
    if posts:
        pipeline.outbox_ready.set()
    if not reserved and outcome.decision == "ticket_limit":
        logger.info("web chat: ticket budget of %s spent", address)
    request.app[METRICS].observe_outcome(inbound.channel.value, outcome, started)
    return _json(body)


async def _file_exchange(
    store: Store, session: str, replies: list[Reply], body: dict[str, object]
) -> None:
    """Store how the page shows the replies (a reload shows them again) and give the answer
    the ids of the messages, so that the page keeps them in order with staff answers; say
    which request is open, if any (the page then waits for its staff answers)."""
    visitor_id = await store.find_visitor(Channel.WEB.value, session)
    if visitor_id is None:
        return
    sent, answered = await store.file_cards(visitor_id, [card_json(reply) for reply in replies])
    if sent is not None:
        body["id"] = sent
        shown = body["replies"]
        assert isinstance(shown, list)
        for reply, message_id in zip(shown, answered, strict=True):
            reply["id"] = message_id
    ticket = await store.active_ticket(visitor_id)
    body["open_ticket"] = ticket.number if ticket is not None else None


def _slow_down(request: web.Request) -> str:
    """ "Wait a minute", in the page's language (its cookie, the browser's languages: the page's
    own requests carry both), else in English and Chinese."""
    lang, _ = page_language(
        None, request.cookies.get(PAGE_LANG_COOKIE), request.headers.get("Accept-Language")
    )
    return translate(WEB_SLOW_DOWN, lang) if lang is not None else both(WEB_SLOW_DOWN)


def _chat_session(request: web.Request) -> str:
    """The web-chat session from the ``X-Chat-Session`` header: whoever holds it reads the
    visitor's conversation, and a URL ends up in access logs, proxies and browser history."""
    if "session" in request.query:
        raise WebhookRejected(400, "send the session in the X-Chat-Session header, not the URL")
    session = request.headers.get(CHAT_SESSION_HEADER, "")
    if not WEB_SESSION.fullmatch(session):
        raise WebhookRejected(400, "session must be 8-64 characters of A-Z, a-z, 0-9, _ or -")
    return session


#: The newest messages a transcript holds (a conversation longer than that starts later).
TRANSCRIPT_LIMIT = 500
_LANGUAGE_LABELS = {option.choice: option.label for option in LANGUAGE_OPTIONS}


async def _open_request(store: Store, visitor_id: int) -> dict[str, object] | None:
    ticket = await store.active_ticket(visitor_id)
    if ticket is None:
        return None
    # Whether an address is on it, never the address (the page says it is there).
    return {"number": ticket.number, "email": await store.notify_email(ticket.number) is not None}


async def api_chat_transcript(request: web.Request) -> web.Response:
    """The visitor's conversation, oldest first: what the page shows again after a reload.

    A session never seen gets an empty list, like one that has said nothing yet.
    """
    session = _chat_session(request)
    store = request.app[STORE]
    messages = await store.conversation(Channel.WEB.value, session, TRANSCRIPT_LIMIT)
    body: dict[str, object] = {"messages": transcript_json(messages, _LANGUAGE_LABELS)}
    visitor_id = await store.find_visitor(Channel.WEB.value, session) if messages else None
    if visitor_id is not None:
        ticket = await _open_request(store, visitor_id)
        if ticket is not None:
            body["ticket"] = ticket
    return _json(body, headers={"Cache-Control": "no-store"})


async def _staff_answers(store: Store, session: str, after: int) -> tuple[dict[str, object], bool]:
    """Staff messages to ``session`` newer than ``after``, and whether a request is open."""
    visitor_id = await store.find_visitor(Channel.WEB.value, session)
    if visitor_id is None:
        return {"messages": [], "after": after}, False
    answers = [
        {"id": m.id, "from": m.role.value, "text": m.text, "at": m.created_at.isoformat()}
        for m in await store.messages_of(visitor_id, after)
        if m.role is Role.STAFF
    ]
    body: dict[str, object] = {
        "messages": answers,
        "after": max([after, *(int(str(m["id"])) for m in answers)]),
    }
    ticket = await _open_request(store, visitor_id)
    if ticket is not None:
        body["ticket"] = ticket
    return body, ticket is not None


async def api_chat_updates(request: web.Request) -> web.Response:
    """Staff answers for a web-chat visitor, newer than ``after`` (a message id): a long poll.

    While the visitor has a request open, the answer waits until a staff message for them is
    stored or ``WAIT_SECONDS`` pass; without one it comes at once (the page stops asking).
    Pages waiting are bounded per client address and in all (429 with Retry-After).
    """
    session = _chat_session(request)
    after_text = request.query.get("after", "0")
    # Bounded before int(): a message id fits the id column (32 bits on PostgreSQL); a
    # larger one failed in the database driver.
    if not re.fullmatch(r"\d{1,10}", after_text) or int(after_text) > MAX_MESSAGE_ID:
        raise WebhookRejected(400, f"after must be a message id (0 to {MAX_MESSAGE_ID})")
    after = int(after_text)
    store = request.app[STORE]
    live = request.app[WEB_LIVE]
    loop = asyncio.get_running_loop()
    try:
        async with live.admitted(_address(request)):
            with live.watching(session) as woken:
                deadline = loop.time() + web_live.WAIT_SECONDS
                while True:
                    woken.clear()  # before reading: a wake-up meanwhile is not lost
                    body, waiting = await _staff_answers(store, session, after)
                    remaining = deadline - loop.time()
                    if body["messages"] or not waiting or remaining <= 0:
                        return _json(body, headers={"Cache-Control": "no-store"})
                    if live.closing:
                        raise Closing
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(woken.wait(), remaining)
    except Crowded as exc:
        logger.info("web chat: live updates refused (%d): %s", exc.status, exc.reason)
        return _json(
            {"error": exc.reason, "retry_after": web_live.RETRY_AFTER_SECONDS},
            status=exc.status,
            headers={"Retry-After": str(web_live.RETRY_AFTER_SECONDS)},
        )
    except Closing:
        return _json(
            {"error": "the server is restarting", "retry_after": 1},
            status=503,
            headers={"Retry-After": "1"},
        )


async def api_chat_email(request: web.Request) -> web.Response:
    """``{"session", "email"}``: staff answers to the visitor's open request are also e-mailed
    there; an empty address removes it. The address is never shown back or logged."""
    if MAILER not in request.app:
        raise WebhookRejected(404, "e-mail is not set up on this server")
    if request.content_type != "application/json":
        raise WebhookRejected(415, "send the address as application/json")
    session, email = parse_email(load_json(await request.read(), 'the body ({"session", "email"})'))
    if not request.app[WEB_MESSAGES].take(_address(request)):
        raise WebhookRejected(429, _slow_down(request))
    store = request.app[STORE]
    visitor_id = await store.find_visitor(Channel.WEB.value, session)
    number = await store.set_notify_email(visitor_id, email) if visitor_id is not None else None
    if number is None:
        raise WebhookRejected(409, "there is no open request to send replies for")
    logger.info(
        "web chat: e-mail address %s request #%d", "put on" if email else "removed from", number
    )
    return _json({"ticket": number, "email": email is not None})


#: How long the page remembers a language chosen on it.
PAGE_LANG_DAYS = 365


async def page(request: web.Request) -> web.Response:
    nonce = secrets.token_urlsafe(16)
    email = MAILER in request.app
    lang, explicit = page_language(
        request.query.get("lang"),
        request.cookies.get(PAGE_LANG_COOKIE),
        request.headers.get("Accept-Language"),
    )
    response = web.Response(
        text=chat_page(nonce, email=email, lang=lang), content_type="text/html", charset="utf-8"
    )
    if explicit and lang is not None:
        # A link to ?lang=ko keeps the page Korean when the visitor comes back to it.
        response.set_cookie(
            PAGE_LANG_COOKIE,
            lang.value,
            max_age=PAGE_LANG_DAYS * 86_400,
            samesite="Lax",
            secure=request.app[SETTINGS].staff_cookie_secure,
        )
    # One URL, a page per language: caches must not hand one visitor's page to another.
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Content-Security-Policy"] = chat_page_policy(nonce)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


async def _queue_email(app: web.Application, ticket: Ticket, text: str) -> bool:
    """A staff message to a web-chat visitor who left an address: queued to be e-mailed too
    (the address itself stays on the ticket and is read when the mail is sent)."""
    if MAILER not in app or await app[STORE].notify_email(ticket.number) is None:
        return False
    await app[STORE].enqueue(
        [
            OutboxRow(
                source=f"email:{ticket.number}:{uuid.uuid4().hex}",
                seq=0,
                channel=EMAIL_CHANNEL,
                user_id=str(ticket.number),
                payload=encode_replies([Reply(text, lang=Lang(ticket.lang))]),
                ticket_id=ticket.number,
            )
        ]
    )
    return True


def _hide_server_version() -> None:
    """aiohttp answers requests it cannot parse (a bad header line, an unknown method) itself,
    outside the application: no response signal sees those, and they carry aiohttp's default
    Server header with both versions. That default is a module constant; it is replaced here,
    for every server in the process (a test checks it still works after an upgrade)."""
    aiohttp.web_response.SERVER_SOFTWARE = SERVER_NAME  # type: ignore[attr-defined]


async def _common_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Every response: no version in Server, no content sniffing, HSTS behind TLS."""
    response.headers["Server"] = SERVER_NAME
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.app[SETTINGS].staff_cookie_secure:
        response.headers["Strict-Transport-Security"] = HSTS


async def metrics(request: web.Request) -> web.Response:
    return web.Response(
        body=request.app[METRICS].render(), headers={"Content-Type": METRICS_CONTENT_TYPE}
    )


@web.middleware
async def timed_webhooks(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    if not request.path.startswith("/webhooks/"):
        return await handler(request)
    started = time.perf_counter()
    try:
        return await handler(request)
    finally:
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else "unmatched"
        request.app[METRICS].webhook_seconds.labels(route).observe(time.perf_counter() - started)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


async def readyz(request: web.Request) -> web.Response:
    database = await request.app[STORE].ping()
    current = request.app[KNOWLEDGE].current
    knowledge = len(current.kb) > 0
    status = 200 if database and knowledge else 503
    return web.json_response(
        {
            "database": database,
            "knowledge_base": knowledge,
            "entries": len(current.kb),
            # Which published knowledge base this replica answers from (kb reload prints it).
            "knowledge_version": current.version,
        },
        status=status,
    )


def _answer_from(app: web.Application, knowledge: Knowledge) -> None:
    """Hand a new knowledge base to the desk: the next message is answered from it."""
    desk = app.get(DESK)
    if desk is not None:
        desk.kb = knowledge.kb
        desk.matcher = knowledge.matcher


async def reload_knowledge(app: web.Application) -> bool:
    """Read KNOWLEDGE_DIR again, publish it and answer from it; False (the old knowledge base
    still answering) when a file is broken. SIGHUP runs this."""
    directory = app[SETTINGS].knowledge_dir
    try:
        await app[KNOWLEDGE].reload(directory, app[STORE])
    except KnowledgeBaseError as exc:
        logger.error("knowledge base not reloaded, the previous one still answers: %s", exc)
        return False
    return True


def _reload_on_sighup(app: web.Application) -> None:
    loop = asyncio.get_running_loop()
    if not hasattr(signal, "SIGHUP") or not app[KNOWLEDGE].live:
        return
    with contextlib.suppress(NotImplementedError):  # loops without signal support
        loop.add_signal_handler(signal.SIGHUP, lambda: _spawn(app, _logged_reload(app)))


async def _logged_reload(app: web.Application) -> None:
    logger.info("SIGHUP: reloading the knowledge base from %s", app[SETTINGS].knowledge_dir)
    await reload_knowledge(app)


async def housekeeping_once(app: web.Application, settings: Settings, now: dt.datetime) -> None:
    """Purge what is past retention; post again the cards nobody claimed."""
    removed = await app[STORE].purge_before(now - dt.timedelta(days=settings.retention_days))
    await app[STORE].forget_web_requests(now - WEB_REQUESTS_KEPT)
    if removed:
        logger.info(
            "retention: removed %d visitor(s) silent for %d days", removed, settings.retention_days
        )
    group = app.get(STAFF_GROUP)
    # Reposting reminds staff who are at work; overnight it would only pile up copies.
    if group is not None and (await app[DESK].office_status(now)).open_now:
        await group.repost_unclaimed(dt.timedelta(minutes=settings.staff_repost_minutes), now)


async def _housekeeping_loop(
    app: web.Application, settings: Settings, clock: Callable[[], dt.datetime] | None
) -> None:
    while True:
        try:
            await housekeeping_once(app, settings, clock() if clock else dt.datetime.now(dt.UTC))
        except Exception:
            logger.exception("housekeeping failed; trying again in %.0f s", HOUSEKEEPING_SECONDS)
        await asyncio.sleep(HOUSEKEEPING_SECONDS)


def create_app(
    settings: Settings,
    *,
    kb: KnowledgeBase | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> web.Application:
    app = web.Application(
        client_max_size=MAX_BODY_BYTES,
        middlewares=[timed_webhooks, errors_as_json, plain_bodies_only],
        # Request bodies are read as sent, never inflated (see plain_bodies_only).
        handler_args={"auto_decompress": False},
    )
    app[METRICS] = Metrics()
    app[SETTINGS] = settings
    # A knowledge base handed over in code (tests) is served as it is; one read from
    # KNOWLEDGE_DIR is published to the database and follows later publishes (kb reload).
    # The chooser of the knowledge base read here is trained once the server runs (kb/live.py).
    initial = (
        Knowledge.given(kb)
        if kb is not None
        else load_directory(settings.knowledge_dir, settle_near_ties=False)
    )
    app[KNOWLEDGE] = LiveKnowledge(initial, lambda knowledge: _answer_from(app, knowledge))
    app[TASKS] = set()
    app[WEB_MESSAGES] = AddressBudget(settings.web_chat_messages_per_minute, 60.0)
    app[WEB_TICKETS] = AddressBudget(settings.web_chat_tickets_per_hour, 3600.0)

    async def database(app: web.Application) -> AsyncIterator[None]:
        store = await Store.open(settings.database_url)
        # The insights' daily totals count days and office hours as the desk tells them.
        store.calendar = office_calendar(settings)
        app[STORE] = store
        # No local name for the knowledge base: this generator lives as long as the server, and
        # would hold the first one (and its matcher) after every reload.
        app[DESK] = Desk(
            app[KNOWLEDGE].current.kb, app[KNOWLEDGE].current.matcher, store, settings, clock=clock
        )
        yield
        await store.close()

    async def knowledge(app: web.Application) -> AsyncIterator[None]:
        live = app[KNOWLEDGE]
        poller: asyncio.Task[None] | None = None
        live.learn()
        if live.live:
            await live.settle(app[STORE])
            poller = asyncio.create_task(live.poll(app[STORE], settings.knowledge_poll_seconds))
        yield
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
        await live.finish_learning()

    async def channels(app: web.Application) -> AsyncIterator[None]:
        if settings.line_channel_secret and settings.line_channel_access_token:
            line = LineChannel(
                settings.line_channel_secret.get_secret_value(),
                settings.line_channel_access_token.get_secret_value(),
                settings.line_api_base_url,
            )
            await line.start()
            app[LINE] = line
        if settings.telegram_bot_token and settings.telegram_webhook_secret:
            telegram = TelegramChannel(
                settings.telegram_bot_token.get_secret_value(),
                settings.telegram_webhook_secret.get_secret_value(),
                settings.telegram_api_base_url,
            )
            await telegram.start()
            app[TELEGRAM] = telegram
        deliverers: dict[str, Deliverer] = {}
        if LINE in app:
            deliverers[Channel.LINE.value] = app[LINE]
        if TELEGRAM in app:
            deliverers[Channel.TELEGRAM.value] = app[TELEGRAM]
        if settings.mail_enabled:
            app[MAILER] = Mailer(settings, app[STORE])
            deliverers[EMAIL_CHANNEL] = app[MAILER]
        live = LiveUpdates(
            app[STORE],
            Channel.WEB.value,
            per_address=settings.web_chat_streams_per_address,
            total=settings.web_chat_streams_total,
        )
        app[WEB_LIVE] = live

        async def show_delivery_state(number: int) -> None:
            group = app.get(STAFF_GROUP)
            ticket = await app[STORE].ticket(number)
            if group is not None and ticket is not None:
                await group.refresh_card(ticket)

        pipeline = Pipeline(
            app[STORE],
            app[DESK],
            deliverers,
            on_delivery_changed=show_delivery_state,
            metrics=app[METRICS],
            send_window=dt.timedelta(hours=settings.send_retry_hours),
        )
        if LINE in app:
            pipeline.platform_languages[Channel.LINE.value] = app[LINE].profile_language
        app[PIPELINE] = pipeline

        async def queue_staff_message(ticket: Ticket, text: str) -> bool:
            queued = await pipeline.queue_staff_message(ticket, text)
            if ticket.channel == Channel.WEB.value:
                # Already stored: pages waiting on this server hear of it now.
                live.poke()
                if await _queue_email(app, ticket, text):
                    pipeline.outbox_ready.set()
            return queued

        app[RELAY] = Relay(app[STORE], queue_staff_message)
        if TELEGRAM in app and settings.staff_telegram_chat_id is not None:
            app[STAFF_GROUP] = StaffGroup(
                app[TELEGRAM].bot,
                settings.staff_telegram_chat_id,
                app[STORE],
                app[RELAY],
                settings.tz,
                clock=clock,
            )
            pipeline.staff = app[STAFF_GROUP]
        logger.info(
            "channels: web chat on; LINE %s; Telegram %s; staff group %s",
            "on" if LINE in app else "off (no credentials)",
            "on" if TELEGRAM in app else "off (no credentials)",
            "on" if STAFF_GROUP in app else "off (STAFF_TELEGRAM_CHAT_ID or Telegram unset)",
        )
        # What a killed server had leased is taken up at once, not when its lease runs out.
        await app[STORE].release_leases()
        pipeline.start()
        live.start()
        yield
        await live.stop()
        await pipeline.stop()
        # Staff-group work in flight finishes before the clients close; undelivered replies
        # stay in the outbox for the next start.
        in_flight: set[asyncio.Task[None]] = app[TASKS]
        pending = list(in_flight)
        if pending:
            await asyncio.wait(pending, timeout=DRAIN_SECONDS)
        if LINE in app:
            await app[LINE].close()
        if TELEGRAM in app:
            await app[TELEGRAM].close()

    async def housekeeping(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_housekeeping_loop(app, settings, clock))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def answer_waiting_pages(app: web.Application) -> None:
        # Before the server waits for requests in flight: pages waiting for staff answers are
        # answered now (they come back, with backoff, to the restarted server).
        if WEB_LIVE in app:
            app[WEB_LIVE].close()

    app.cleanup_ctx.extend([database, knowledge, channels, housekeeping])
    app.on_shutdown.append(answer_waiting_pages)
    app.on_response_prepare.append(_common_headers)
    _hide_server_version()
    app.router.add_get("/", page)
    app.router.add_post("/api/chat", api_chat)
    app.router.add_get("/api/chat/updates", api_chat_updates)
    app.router.add_get("/api/chat/transcript", api_chat_transcript)
    app.router.add_post("/api/chat/email", api_chat_email)
    app.router.add_post("/webhooks/line", line_webhook)
    app.router.add_post("/webhooks/telegram", telegram_webhook)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    setup_console(app, settings)
    return app


def new_event_loop() -> asyncio.AbstractEventLoop:
    """The event loop the server runs on: uvloop (libuv), a drop-in asyncio loop that aiohttp
    recommends; its sockets, timers and callbacks cost a fraction of the pure-Python loop's."""
    try:
        import uvloop
    except ImportError:  # not built for Windows: the standard loop does the same, slower
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def local_url(settings: Settings) -> str:
    """Where a browser on this machine reaches the server (any-address binds read as loopback)."""
    # Not a bind: an address a browser cannot open is shown as the loopback one.
    any_address = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "[::1]"}  # noqa: S104
    host = any_address.get(settings.bot_host, settings.bot_host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.bot_port}"


def _staff_add_command() -> str:
    """The command that creates a staff account, as typed from the current directory."""
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(Path.cwd())) if python.is_absolute() else "python"
    except ValueError:  # an interpreter outside the project (a container's venv)
        shown = "python"
    return f"{shown} -m bot staff add NAME"


def serve(settings: Settings) -> None:
    app = create_app(settings)

    async def on_sighup(app: web.Application) -> None:
        _reload_on_sighup(app)

    app.on_startup.append(on_sighup)
    base = local_url(settings)

    def listening(_banner: str) -> None:
        # Said once the server listens, so the addresses work when they are read.
        logger.info("web chat: %s/", base)
        logger.info("staff console: %s/staff (first account: %s)", base, _staff_add_command())

    web.run_app(
        app, host=settings.bot_host, port=settings.bot_port, print=listening, loop=new_event_loop()
    )
