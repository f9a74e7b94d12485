"""The staff web console at ``/staff``: sign in; the request list (what needs attention first,
search, filters, live); a request's conversation with a reply box, canned answers from the
knowledge base, internal notes, assignment, claim and close; a visitor's conversation; the
report of questions the bot could not answer, with drafts of knowledge-base entries; and the
insights (``/staff/insights``, from anonymous daily totals).

Everything a staff member does to a request that its visitor or the Telegram staff group sees
goes through :class:`bot.staff.relay.Relay`, exactly as in the Telegram staff group. Internal
notes go to the store only: nothing sends them anywhere.

The list and a request's page stay current by polling ``/staff/api/changes`` (every
``STAFF_POLL_SECONDS``; a light query, so the load is bounded by the number of open tabs): when
something changed, the page fetches itself again and swaps its live parts in.

Security, in one place (:func:`_guard`, a middleware that sees every ``/staff`` route):

- a session is an encrypted cookie (aiohttp-session's ``EncryptedCookieStorage``, Fernet),
  ``HttpOnly``, ``SameSite=Lax``, path ``/staff``; the key is ``STAFF_SESSION_KEY`` or a
  random key per process (staff then sign in again after a restart);
- every route except the login form needs a signed-in session: pages redirect to the login
  form, JSON endpoints (``/staff/api/…``) answer 401. A route added later is protected
  without anyone remembering to protect it;
- the session carries the account's session epoch and a fingerprint of its password hash,
  both checked on every request: signing out, a new password (``python -m bot staff add
  NAME``) or ``python -m bot staff disable NAME`` moves the epoch on and so ends every
  session of that account at once, even a cookie copied before (it is not merely deleted
  from the browser that signed out);
- every POST carries the session's CSRF token (a hidden form field, or ``X-CSRF-Token``),
  else 403 and nothing is done; the login form too (no login CSRF);
- sign-in attempts are throttled per name and per client address (``LoginThrottle``): 429.
  An attempt is counted before its password is checked, and at most ``CONCURRENT_CHECKS``
  argon2 checks run at once, so parallel guesses neither slip past the limit nor eat the
  server's memory;
- responses are ``no-store`` and carry a nonce-based Content-Security-Policy.

The session middleware is ours, not ``aiohttp_session.setup``: the library's middleware keeps
its state under plain string request keys, which aiohttp 3.14 warns about (an error under the
test suite's warnings-as-errors), and it would run on the webhooks too.
"""

from __future__ import annotations

import asyncio
import binascii
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp_session import Session
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet
from multidict import MultiDictProxy
from yarl import URL

from bot import addresses
from bot.answers import AnswerContext
from bot.errors import ConfigurationError, KnowledgeBaseError
from bot.keys import KNOWLEDGE, RELAY, SETTINGS, STORE
from bot.settings import Settings
from bot.staff import canned, insights
from bot.staff.accounts import CONCURRENT_CHECKS, LoginThrottle, verify
from bot.staff.curation import (
    OVERLAP,
    SIMILARITY,
    Answer,
    QuestionGroup,
    draft_entry,
    group_of,
    group_questions,
)
from bot.staff.relay import MAX_STAFF_TEXT, Relay, staff_words
from bot.store import ACTIVE_STATUSES, Priority, Store, Ticket, TicketStatus
from bot.text import Lang

logger = logging.getLogger(__name__)

PREFIX = "/staff"
LOGIN = "/staff/login"
API_PREFIX = "/staff/api/"
#: Routes that answer without a session (the login form and its POST).
PUBLIC = frozenset({LOGIN})
COOKIE_NAME = "desk_staff"
#: A session lasts a working day after its last change, then staff sign in again.
SESSION_SECONDS = 12 * 3600
MAX_NAME = 100
MAX_PASSWORD = 1024
UNANSWERED_LIMIT = 500
#: Internal notes are for a few lines; a longer text is cut.
MAX_NOTE = 4000
MAX_SEARCH = 200
#: Questions marked handled in one go at most (a group holds at most the report's limit).
MAX_MARKED = UNANSWERED_LIMIT
#: The largest id an id column holds (a 32-bit INTEGER on PostgreSQL).
MAX_ID = 2**31 - 1
#: Questions of a group linked to their conversation on the report.
LINKS_SHOWN = 8

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})

STATUS_LABELS = {
    TicketStatus.OPEN: "Open 待處理",
    TicketStatus.CLAIMED: "Claimed 處理中",
    TicketStatus.ANSWERED: "Answered 已回覆",
    TicketStatus.CLOSED: "Closed 已結案",
}
CHANNEL_LABELS = {"line": "LINE", "telegram": "Telegram", "web": "Web chat 網頁"}
LANG_LABELS = {
    Lang.EN.value: "English",
    Lang.ZH_HANT.value: "繁體中文",
    Lang.ZH_HANS.value: "简体中文",
    "ja": "日本語",
    "ko": "한국어",
}
PRIORITY_LABELS = {Priority.URGENT.value: "Urgent 緊急", Priority.NORMAL.value: "Normal 一般"}
REASON_LABELS = {
    "asked": "asked for a person",
    "fallback": "the bot had no answer",
    "emergency": "emergency words",
    "support": "student support",
}
WHO_LABELS = {"mine": "Mine 我的", "unassigned": "Unassigned 未指派"}
SORT_LABELS = {
    "attention": "Needs attention first 待處理優先",
    "newest": "Newest first 最新優先",
}
ROLE_LABELS = {"visitor": "Visitor 訪客", "staff": "Staff 承辦人", "bot": "Bot 自動回覆"}
#: Status filter choices: the value in the query string → the statuses it selects.
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "active": tuple(s.value for s in ACTIVE_STATUSES),
    **{s.value: (s.value,) for s in TicketStatus},
    "all": (),
}


@dataclass
class Console:
    """What the console keeps for the life of the process."""

    storage: EncryptedCookieStorage
    throttle: LoginThrottle
    tz: dt.tzinfo
    proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    #: Seconds between two looks of a live page for changes (STAFF_POLL_SECONDS).
    poll_seconds: float = 10.0
    settings: Settings | None = None
    #: Bounds the argon2 checks running at once.
    password_checks: asyncio.Semaphore = field(
        default_factory=lambda: asyncio.Semaphore(CONCURRENT_CHECKS)
    )


CONSOLE = web.AppKey("staff_console", Console)
SESSION = web.RequestKey("staff_session", Session)
STAFF = web.RequestKey("staff_name", str)
NONCE = web.RequestKey("staff_csp_nonce", str)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# -- dependencies ----------------------------------------------------------------------------


def _store(request: web.Request) -> Store:
    return request.app[STORE]


def _relay(request: web.Request) -> Relay:
    return request.app[RELAY]


def _console(request: web.Request) -> Console:
    return request.app[CONSOLE]


def _session(request: web.Request) -> Session:
    return request[SESSION]


# -- sessions, CSRF and the guard -------------------------------------------------------------


def session_storage(settings: Settings) -> EncryptedCookieStorage:
    """The encrypted cookie storage, keyed by ``STAFF_SESSION_KEY`` or a random key."""
    if settings.staff_session_key is None:
        key = Fernet.generate_key()
        logger.info("staff console: no STAFF_SESSION_KEY, sessions last until a restart")
    else:
        key = settings.staff_session_key.get_secret_value().encode("ascii", "replace")
    try:
        fernet = Fernet(key)
    except (ValueError, binascii.Error) as exc:
        raise ConfigurationError(
            "STAFF_SESSION_KEY must be 32 url-safe base64-encoded bytes, for example the "
            'output of: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        ) from exc
    return EncryptedCookieStorage(
        fernet,
        cookie_name=COOKIE_NAME,
        max_age=SESSION_SECONDS,
        path=PREFIX,
        # Plain http on 127.0.0.1 in development; STAFF_COOKIE_SECURE=true behind TLS.
        secure=settings.staff_cookie_secure,
        httponly=True,
        samesite="Lax",
    )


def _mark(password_hash: str) -> str:
    """A fingerprint of the account's hash: a new password ends the account's sessions."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def csrf_token(session: Session) -> str:
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


async def _signed_in(request: web.Request, session: Session) -> str | None:
    name = session.get("staff")
    mark = session.get("mark")
    epoch = session.get("epoch")
    if not isinstance(name, str) or not isinstance(mark, str) or not isinstance(epoch, int):
        return None
    account = await _store(request).staff_account(name)
    if (
        account is None
        or account.disabled
        or account.session_epoch != epoch
        or not hmac.compare_digest(_mark(account.password_hash), mark)
    ):
        logger.info("staff console: session of %r ended (signed out, changed or removed)", name)
        session.invalidate()
        return None
    return name


async def _form(
    request: web.Request,
) -> MultiDictProxy[str | bytes | bytearray | web.FileField]:
    """The posted form, or a 400 for one that cannot be read (bytes that are not UTF-8, a
    multipart body without its boundary or with broken part headers): it used to be a 500."""
    try:
        return await request.post()
    # UnicodeDecodeError is a ValueError; aiohttp's multipart reader raises the other two.
    except (ValueError, AssertionError, HttpProcessingError) as exc:
        raise web.HTTPBadRequest(reason="the form could not be read") from exc


async def _csrf_ok(request: web.Request, session: Session) -> bool:
    expected = session.get("csrf")
    if request.content_type in _FORM_TYPES:
        sent = (await _form(request)).get("csrf")
    else:
        sent = request.headers.get("X-CSRF-Token")
    if not isinstance(expected, str) or not expected or not isinstance(sent, str):
        return False
    # A header that is not UTF-8 reaches us with surrogates in it: "replace" turns them into
    # "?", which no token holds, where strict encoding would raise.
    return hmac.compare_digest(expected.encode(), sent.encode("utf-8", "replace"))


def _console_route(request: web.Request) -> str | None:
    """The canonical path of the matched console route, or None for any other route."""
    resource = request.match_info.route.resource
    if resource is None:
        return None
    canonical = resource.canonical
    if canonical == PREFIX or canonical.startswith(PREFIX + "/"):
        return canonical
    return None


def _json_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def _harden(response: web.StreamResponse, nonce: str) -> None:
    headers = response.headers
    headers["Cache-Control"] = "no-store"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
        # connect-src: the live pages' polling and the canned answers (same origin only).
        "connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    )


async def _guarded(request: web.Request, handler: Handler, route: str) -> web.StreamResponse:
    session = _session(request)
    api = route.startswith(API_PREFIX)
    if route not in PUBLIC:
        staff = await _signed_in(request, session)
        if staff is None:
            if api:
                return _json_error(401, "sign in to the staff console first")
            if request.method in _SAFE_METHODS:
                return _redirect(str(URL(LOGIN).with_query(next=request.path_qs)))
            return _redirect(LOGIN)
        request[STAFF] = staff
    if request.method not in _SAFE_METHODS and not await _csrf_ok(request, session):
        logger.warning(
            "staff console: %s %s refused, missing or wrong CSRF token", request.method, route
        )
        if api:
            return _json_error(403, "missing or wrong CSRF token")
        return await _render(
            request,
            "error.html",
            status=403,
            title="Form expired 表單已過期",
            message=(
                "This form has expired or did not come from the console, so nothing was done. "
                "Go back, reload the page and try again. "
                "表單已過期或並非來自本系統，未執行任何動作；請返回、重新整理後再試一次。"
            ),
        )
    return await handler(request)


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = _console_route(request)
    if route is None:
        return await handler(request)
    console = _console(request)
    session = await console.storage.load_session(request)
    before = dict(session)
    request[SESSION] = session
    nonce = secrets.token_urlsafe(16)
    request[NONCE] = nonce
    response = await _guarded(request, handler, route)
    if dict(session) != before:
        await console.storage.save_session(request, response, session)
    _harden(response, nonce)
    return response


# -- rendering ------------------------------------------------------------------------------

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("bot.staff", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
)


def _flash(session: Session, kind: str, text: str) -> None:
    session["flash"] = [kind, text]


async def _render(
    request: web.Request, template: str, *, status: int = 200, **context: Any
) -> web.Response:
    session = _session(request)
    flash = session.pop("flash", None)
    console = _console(request)
    tz = console.tz
    staff = request.get(STAFF)
    # The tab's title counts the requests waiting for a staff answer, on every page.
    pulse = await _store(request).pulse() if staff is not None else None

    def when(value: dt.datetime | None) -> str:
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""

    values: dict[str, Any] = {
        "staff": staff,
        "csrf": csrf_token(session),
        "nonce": request[NONCE],
        "flash": flash if isinstance(flash, list) and len(flash) == 2 else None,
        "path": request.path,
        "when": when,
        "ago": _ago,
        "waiting": pulse.waiting if pulse is not None else 0,
        "version": pulse.version if pulse is not None else "",
        "poll_seconds": console.poll_seconds,
        "status_labels": {s.value: label for s, label in STATUS_LABELS.items()},
        "channel_labels": CHANNEL_LABELS,
        "lang_labels": LANG_LABELS,
        "priority_labels": PRIORITY_LABELS,
        "role_labels": ROLE_LABELS,
    }
    values.update(context)
    html = _environment.get_template(template).render(**values)
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)


def _ago(value: dt.datetime | None) -> str:
    """How long ago, in the largest whole unit: "4 min", "3 h", "2 days"."""
    if value is None:
        return ""
    minutes = max(0, int((dt.datetime.now(dt.UTC) - value).total_seconds() // 60))
    if minutes < 1:
        return "< 1 min"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


async def _not_found(request: web.Request, number: int) -> web.Response:
    return await _render(
        request,
        "error.html",
        status=404,
        title="No such request 查無此案件",
        message=f"There is no request #{number}. 查無案件 #{number}。",
    )


# -- login and logout -----------------------------------------------------------------------


class _BrokenNext(ValueError):
    """``next`` holds control characters: no Location header may carry them."""


def _safe_next(value: object) -> str:
    """Where to go after signing in: a console path on this site, never another site."""
    if isinstance(value, str) and not value.isprintable():
        raise _BrokenNext(value)
    if not isinstance(value, str) or not value.startswith(PREFIX) or "\\" in value:
        return PREFIX
    url = URL(value)
    if url.is_absolute() or not (url.path == PREFIX or url.path.startswith(PREFIX + "/")):
        return PREFIX
    return value


async def _login_form(
    request: web.Request,
    *,
    status: int = 200,
    nxt: str = PREFIX,
    name: str = "",
    error: str | None = None,
    signed_out: bool = False,
) -> web.Response:
    return await _render(
        request,
        "login.html",
        status=status,
        next=nxt,
        name=name[:MAX_NAME],
        error=error,
        signed_out=signed_out,
    )


async def _broken_link(request: web.Request) -> web.Response:
    return await _login_form(
        request,
        status=400,
        error="This sign-in link is broken: open the console from its address. "
        "登入連結有誤，請直接開啟後台網址。",
    )


async def login_page(request: web.Request) -> web.StreamResponse:
    try:
        nxt = _safe_next(request.query.get("next"))
    except _BrokenNext:
        return await _broken_link(request)
    if await _signed_in(request, _session(request)) is not None:
        return _redirect(nxt)
    return await _login_form(request, nxt=nxt, signed_out=request.query.get("signed_out") == "1")


async def login(request: web.Request) -> web.StreamResponse:
    form = await _form(request)
    name = str(form.get("name", "")).strip()
    password = str(form.get("password", ""))
    try:
        nxt = _safe_next(form.get("next"))
    except _BrokenNext:
        return await _broken_link(request)
    if not name or not password or len(name) > MAX_NAME or len(password) > MAX_PASSWORD:
        return await _login_form(
            request,
            status=400,
            nxt=nxt,
            name=name,
            error="Enter your name and password. 請輸入帳號與密碼。",
        )
    keys = (f"name:{name.casefold()}", f"ip:{client_address(request)}")
    console = _console(request)
    throttle = console.throttle
    if not throttle.attempt(*keys):
        logger.warning("staff console: login for %r throttled (%s)", name, request.remote)
        minutes = max(1, round(throttle.window / 60))
        return await _login_form(
            request,
            status=429,
            nxt=nxt,
            name=name,
            error=(
                f"Too many failed sign-ins. Wait {minutes} minutes, then try again. "
                f"登入失敗次數過多，請 {minutes} 分鐘後再試。"
            ),
        )
    store = _store(request)
    if not await verify(store, name, password, gate=console.password_checks):
        logger.warning("staff console: failed login for %r from %s", name, request.remote)
        return await _login_form(
            request,
            status=401,
            nxt=nxt,
            name=name,
            error="Wrong name or password. 帳號或密碼錯誤。",
        )
    throttle.succeeded(*keys)
    account = await store.staff_account(name)
    if account is None or account.disabled:  # removed or disabled during the check
        return await _login_form(
            request,
            status=401,
            nxt=nxt,
            name=name,
            error="Wrong name or password. 帳號或密碼錯誤。",
        )
    session = _session(request)
    # A fresh session (and CSRF token) on signing in: nothing from before carries over.
    session.invalidate()
    session["staff"] = name
    session["mark"] = _mark(account.password_hash)
    session["epoch"] = account.session_epoch
    session["csrf"] = secrets.token_urlsafe(32)
    logger.info("staff console: %r signed in", name)
    return _redirect(nxt)


async def logout(request: web.Request) -> web.StreamResponse:
    # Every session of the account ends, not only this browser's cookie: a copy of it (or a
    # session left open on another computer) stops working too.
    await _store(request).end_staff_sessions(request[STAFF])
    logger.info("staff console: %r signed out; all of the account's sessions ended", request[STAFF])
    _session(request).invalidate()
    return _redirect(str(URL(LOGIN).with_query(signed_out="1")))


# -- the request list -----------------------------------------------------------------------


def _clean(text: str, limit: int) -> str:
    """What a form or query sent, storable everywhere: no lone surrogates, no NUL (which
    PostgreSQL refuses) nor other control characters but line breaks and tabs."""
    # A browser sends a textarea's line breaks as CRLF: visitors and notes get plain ones.
    text = text.encode("utf-8", "ignore").decode("utf-8").replace("\r\n", "\n")
    return "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")[:limit]


@dataclass(frozen=True)
class Filters:
    status: str = "active"
    channel: str = ""
    lang: str = ""
    priority: str = ""
    #: "", "mine" or "unassigned".
    who: str = ""
    #: A request's number, or text to look for (question, messages, notes, visitor).
    q: str = ""
    sort: str = "attention"

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        def pick(name: str, allowed: Sequence[str], default: str = "") -> str:
            value = query.get(name, default)
            return value if value in allowed else default

        return cls(
            status=pick("status", tuple(STATUS_FILTERS), "active"),
            channel=pick("channel", tuple(CHANNEL_LABELS)),
            lang=pick("lang", tuple(LANG_LABELS)),
            priority=pick("priority", tuple(PRIORITY_LABELS)),
            who=pick("who", tuple(WHO_LABELS)),
            q=_clean(query.get("q", ""), MAX_SEARCH).strip(),
            sort=pick("sort", tuple(SORT_LABELS), "attention"),
        )

    async def tickets(self, store: Store, staff: str) -> list[Ticket]:
        # A search looks at every status unless one was chosen: an answer given last week
        # is what an officer searches for.
        status = "all" if self.q and self.status == "active" else self.status
        return await store.tickets(
            statuses=STATUS_FILTERS[status],
            channel=self.channel or None,
            lang=self.lang or None,
            priority=self.priority or None,
            assignee=staff if self.who == "mine" else None,
            unassigned=self.who == "unassigned",
            search=self.q,
            sort=self.sort,
        )

    def query(self) -> str:
        """These filters as a query string (for links that keep them)."""
        values = {
            "status": self.status,
            "channel": self.channel,
            "lang": self.lang,
            "priority": self.priority,
            "who": self.who,
            "q": self.q,
            "sort": self.sort,
        }
        return str(URL.build(query={k: v for k, v in values.items() if v}).query_string)


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    def iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    latest = ticket.latest
    return {
        "number": ticket.number,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "channel": ticket.channel,
        "lang": ticket.lang,
        "display_name": ticket.display_name,
        "question": ticket.question,
        "reason": ticket.reason,
        "assignee": ticket.assignee,
        "delivery_error": ticket.delivery_error,
        "created_at": ticket.created_at.isoformat(),
        "updated_at": ticket.updated_at.isoformat(),
        "last_activity_at": iso(ticket.last_activity_at),
        "waiting_since": iso(ticket.waiting_since),
        "new_reply": ticket.new_reply_at is not None,
        "latest": None
        if latest is None
        else {
            "from": latest.role,
            "author": latest.author,
            "text": latest.text,
            "at": latest.created_at.isoformat(),
        },
    }


def _said(ticket: Ticket) -> str:
    """What a ticket's latest message says: a staff answer without its "Staff reply (request
    #N):" line, the rest as it is."""
    latest = ticket.latest
    if latest is None:
        return ""
    if latest.role == "staff":
        words = staff_words(ticket.number, ticket.lang, latest.text)
        if words is not None:
            return words
    return latest.text


async def tickets_page(request: web.Request) -> web.StreamResponse:
    filters = Filters.from_query(request.query)
    tickets = await filters.tickets(_store(request), request[STAFF])
    return await _render(
        request,
        "tickets.html",
        tickets=tickets,
        said=_said,
        filters=filters,
        who_labels=WHO_LABELS,
        sort_labels=SORT_LABELS,
        status_filters=[
            ("active", "Active (open, claimed, answered) 未結案"),
            *((s.value, label) for s, label in STATUS_LABELS.items()),
            ("all", "All 全部"),
        ],
    )


async def tickets_api(request: web.Request) -> web.StreamResponse:
    filters = Filters.from_query(request.query)
    store = _store(request)
    tickets = await filters.tickets(store, request[STAFF])
    pulse = await store.pulse()
    return web.json_response(
        {"tickets": [ticket_json(t) for t in tickets], "waiting": pulse.waiting}, dumps=_dumps
    )


async def changes_api(request: web.Request) -> web.StreamResponse:
    """What a live page polls: a version that changes with any request, and how many wait."""
    pulse = await _store(request).pulse()
    return web.json_response({"version": pulse.version, "waiting": pulse.waiting})


# -- one request ----------------------------------------------------------------------------


def _number(request: web.Request) -> int:
    return int(request.match_info["number"])


def _ticket_url(number: int) -> str:
    return f"{PREFIX}/tickets/{number}"


def _answer_context(request: web.Request) -> AnswerContext:
    console = _console(request)
    settings = console.settings or Settings(_env_file=None)
    today = dt.datetime.now(console.tz).date()
    return AnswerContext.from_settings(settings, today)


def _canned(request: web.Request, entry_id: str, lang: str) -> str | None:
    kb = request.app[KNOWLEDGE].current.kb
    entry = kb.get(entry_id)
    if entry is None or lang not in canned.CANNED_LANGS:
        return None
    return canned.canned_text(kb, entry, lang, _answer_context(request))


async def ticket_page(request: web.Request) -> web.StreamResponse:
    number = _number(request)
    store = _store(request)
    ticket = await store.ticket(number)
    if ticket is None:
        return await _not_found(request, number)
    # "Insert" without JavaScript: the page comes back with the answer in the reply box.
    canned_lang = request.query.get("canned_lang", canned.canned_lang(ticket.lang))
    if canned_lang not in canned.CANNED_LANGS:
        canned_lang = canned.canned_lang(ticket.lang)
    chosen = request.query.get("canned", "")
    draft = _canned(request, chosen, canned_lang) if chosen else None
    kb = request.app[KNOWLEDGE].current.kb
    messages = await store.messages_of(ticket.visitor_id)
    notes = await store.notes(number)
    # Notes among the messages, where they were written.
    timeline: list[tuple[str, Any]] = sorted(
        [*(("message", m) for m in messages), *(("note", n) for n in notes)],
        key=lambda item: (item[1].created_at, item[0] == "note"),
    )
    return await _render(
        request,
        "ticket.html",
        ticket=ticket,
        timeline=timeline,
        notes=notes,
        events=await store.events(number),
        earlier=[t for t in await store.visitor_tickets(ticket.visitor_id) if t.number != number],
        staff_names=await store.staff_names(),
        canned_choices=canned.choices(kb, tuple(g for g, _ in ticket.guesses)),
        canned_langs=canned.CANNED_LANGS,
        canned_lang=canned_lang,
        canned_entry=chosen,
        draft=draft or "",
        reason=REASON_LABELS.get(ticket.reason, ticket.reason),
        max_text=MAX_STAFF_TEXT,
        max_note=MAX_NOTE,
    )


async def canned_api(request: web.Request) -> web.StreamResponse:
    """A knowledge-base answer in a language, for the reply box (``entry``, ``lang``)."""
    text = _canned(request, request.query.get("entry", ""), request.query.get("lang", ""))
    if text is None:
        return _json_error(404, "no such entry or language")
    return web.json_response({"text": text}, dumps=_dumps)


async def reply(request: web.Request) -> web.StreamResponse:
    number = _number(request)
    text = _clean(str((await _form(request)).get("text", "")), MAX_STAFF_TEXT).strip()
    session = _session(request)
    if not text:
        _flash(session, "error", "Write a reply before sending it. 請先輸入回覆內容。")
        return _redirect(_ticket_url(number))
    ticket = await _relay(request).reply(number, request[STAFF], text)
    if ticket is None:
        if await _store(request).ticket(number) is None:
            return await _not_found(request, number)
        _flash(session, "error", f"Request #{number} is closed: the reply was not sent.")
    elif ticket.delivery_error:
        _flash(
            session,
            "error",
            f"The reply is saved but could not be delivered: {ticket.delivery_error[:200]}",
        )
    else:
        channel = CHANNEL_LABELS.get(ticket.channel, ticket.channel)
        _flash(session, "ok", f"Reply sent to the visitor on {channel}. 已回覆訪客。")
    return _redirect(_ticket_url(number))


async def claim(request: web.Request) -> web.StreamResponse:
    number = _number(request)
    ticket = await _relay(request).claim(number, request[STAFF])
    if ticket is None:
        return await _not_found(request, number)
    session = _session(request)
    if ticket.status is TicketStatus.CLOSED:
        _flash(session, "error", f"Request #{number} is already closed.")
    else:
        _flash(session, "ok", f"You claimed request #{number}. 已認領案件。")
    return _redirect(_ticket_url(number))


async def assign(request: web.Request) -> web.StreamResponse:
    """Give the request to a colleague (or to nobody: an empty ``assignee``)."""
    number = _number(request)
    store = _store(request)
    if await store.ticket(number) is None:
        return await _not_found(request, number)
    wanted = _clean(str((await _form(request)).get("assignee", "")), MAX_NAME).strip()
    session = _session(request)
    if wanted and wanted not in await store.staff_names():
        _flash(session, "error", "There is no such staff account. 查無此承辦人帳號。")
        return _redirect(_ticket_url(number))
    ticket = await _relay(request).assign(number, request[STAFF], wanted or None)
    if ticket is None:
        _flash(session, "error", f"Request #{number} is closed. 本案已結案。")
    elif wanted:
        _flash(session, "ok", f"Request #{number} is now {wanted}'s. 已指派給 {wanted}。")
    else:
        _flash(session, "ok", f"Request #{number} is unassigned. 已取消指派。")
    return _redirect(_ticket_url(number))


async def note(request: web.Request) -> web.StreamResponse:
    """An internal note: kept with the request, shown to staff only, sent to no one."""
    number = _number(request)
    text = _clean(str((await _form(request)).get("note", "")), MAX_NOTE).strip()
    session = _session(request)
    if not text:
        _flash(session, "error", "Write the note first. 請先輸入備註內容。")
        return _redirect(_ticket_url(number))
    if not await _store(request).add_note(number, request[STAFF], text):
        return await _not_found(request, number)
    _flash(session, "ok", "Note saved; the visitor does not see it. 已儲存內部備註（訪客看不到）。")
    return _redirect(_ticket_url(number))


async def close(request: web.Request) -> web.StreamResponse:
    number = _number(request)
    before = await _store(request).ticket(number)
    if before is None:
        return await _not_found(request, number)
    session = _session(request)
    if before.status is TicketStatus.CLOSED:
        _flash(session, "error", f"Request #{number} was already closed.")
    else:
        await _relay(request).close(number, request[STAFF])
        _flash(session, "ok", f"Request #{number} closed; the visitor was told. 已結案。")
    return _redirect(_ticket_url(number))


# -- a visitor's conversation -----------------------------------------------------------------


async def visitor_page(request: web.Request) -> web.StreamResponse:
    """Everything a visitor wrote and was sent, and their requests (the report's links)."""
    number = _number(request)
    store = _store(request)
    visitor = await store.visitor_by_id(number)
    if visitor is None:
        return await _render(
            request,
            "error.html",
            status=404,
            title="No such conversation 查無此對話",
            message="This conversation is not (or no longer) stored. 查無此對話（或已刪除）。",
        )
    return await _render(
        request,
        "visitor.html",
        visitor=visitor,
        messages=await store.messages_of(number),
        tickets=await store.visitor_tickets(number),
    )


# -- unanswered questions -------------------------------------------------------------------


async def _groups(request: web.Request, handled: bool = False) -> tuple[list[QuestionGroup], int]:
    questions = await _store(request).unanswered(UNANSWERED_LIMIT, handled=handled)
    return group_questions(questions), len(questions)


async def unanswered_page(request: web.Request) -> web.StreamResponse:
    handled = request.query.get("show") == "handled"
    groups, total = await _groups(request, handled)
    return await _render(
        request,
        "unanswered.html",
        groups=groups,
        total=total,
        limit=UNANSWERED_LIMIT,
        handled=handled,
        similarity=SIMILARITY,
        overlap=round(OVERLAP * 100),
        links_shown=LINKS_SHOWN,
        knowledge=request.app[KNOWLEDGE].current,
    )


async def unanswered_api(request: web.Request) -> web.StreamResponse:
    groups, _ = await _groups(request, request.query.get("show") == "handled")
    return web.json_response({"groups": [g.as_json() for g in groups]}, dumps=_dumps)


def _ids(values: Sequence[object]) -> list[int]:
    ids = []
    for value in values[:MAX_MARKED]:
        if isinstance(value, str) and re.fullmatch(r"\d{1,10}", value) and int(value) <= MAX_ID:
            ids.append(int(value))
    return ids


async def mark_handled(request: web.Request) -> web.StreamResponse:
    """Mark a group's questions handled (``handled=1``) or not (``handled=0``): the form
    names the questions it showed, so one asked since is not marked unseen."""
    form = await _form(request)
    ids = _ids(form.getall("id", []))
    handled = form.get("handled", "1") != "0"
    changed = await _store(request).mark_handled(ids, request[STAFF], handled=handled)
    session = _session(request)
    if handled:
        _flash(session, "ok", f"{changed} question(s) marked handled. 已標記為已處理。")
        return _redirect(f"{PREFIX}/unanswered")
    _flash(session, "ok", f"{changed} question(s) back on the list. 已移回未處理。")
    return _redirect(f"{PREFIX}/unanswered?show=handled")


async def reload_knowledge_base(request: web.Request) -> web.StreamResponse:
    """Read the knowledge files again, as ``python -m bot kb reload`` does: publish them and
    answer from them at once here, the other replicas at their next look. A broken file
    changes nothing, and the staff member reads which file, entry and field."""
    await _form(request)  # the guard has checked its CSRF token
    live = request.app[KNOWLEDGE]
    session = _session(request)
    if not live.live:
        _flash(
            session,
            "error",
            "This server's knowledge base was given in code: nothing to reload. 此伺服器的知識庫無法重新載入。",
        )
        return _redirect(f"{PREFIX}/unanswered")
    before = live.current
    try:
        after = await live.reload(request.app[SETTINGS].knowledge_dir, _store(request))
    except KnowledgeBaseError as exc:
        logger.warning("knowledge base reload from the console refused: %s", exc)
        _flash(
            session,
            "error",
            f"Not reloaded: the previous knowledge base still answers. 未重新載入，仍使用原知識庫。\n{exc}",
        )
        return _redirect(f"{PREFIX}/unanswered")
    logger.info("knowledge base reloaded from the console by %s", request[STAFF])
    if after is before:
        _flash(session, "ok", f"The files are unchanged (version {after.version}). 檔案未變更。")
    else:
        _flash(
            session,
            "ok",
            f"Knowledge base reloaded: version {after.version}, {len(after.kb)} entries. "
            f"知識庫已重新載入（{len(after.kb)} 則）。",
        )
    return _redirect(f"{PREFIX}/unanswered")


async def draft_page(request: web.Request) -> web.StreamResponse:
    """A draft knowledge-base entry from the group holding question ``number``."""
    number = _number(request)
    handled = request.query.get("show") == "handled"
    groups, _ = await _groups(request, handled)
    group = group_of(groups, number)
    if group is None:
        return await _render(
            request,
            "error.html",
            status=404,
            title="No such group 查無此群組",
            message="These questions are no longer on the list (handled, or deleted). "
            "這些問題已不在清單上（已處理或已刪除）。",
        )
    store = _store(request)
    asked = [(q.visitor_id, q.created_at) for q in group.members]
    answer = None
    for sent in await store.staff_answers(asked):
        words = staff_words(sent.ticket, sent.lang, sent.text)
        if words and words.strip():
            answer = Answer(sent.lang, words)
            break
    names = list(await store.staff_names())
    for visitor_id in sorted({q.visitor_id for q in group.members}):
        visitor = await store.visitor_by_id(visitor_id)
        if visitor is not None and visitor.display_name:
            names.append(visitor.display_name)
    knowledge = request.app[KNOWLEDGE].current
    draft = draft_entry(
        group,
        kb=knowledge.kb,
        matcher=knowledge.matcher,
        answer=answer,
        names=names,
        today=dt.datetime.now(_console(request).tz).date(),
    )
    if request.query.get("download") == "1":
        return web.Response(
            text=draft.text,
            content_type="application/yaml",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{draft.entry_id}.yaml"'},
        )
    return await _render(
        request, "draft.html", draft=draft, group=group, number=number, handled=handled
    )


# -- insights -------------------------------------------------------------------------------


async def _report(request: web.Request) -> tuple[insights.Report, str | None]:
    today = dt.datetime.now(_console(request).tz).date()
    period, notice = insights.period_from(request.query, today)
    totals = await _store(request).totals(period.first, period.last)
    return insights.build_report(totals, period, request.app[KNOWLEDGE].current.kb), notice


async def insights_page(request: web.Request) -> web.StreamResponse:
    report, notice = await _report(request)
    return await _render(
        request,
        "insights.html",
        report=report,
        notice=notice,
        presets=insights.PRESETS,
        duration_text=insights.duration_text,
        max_days=insights.MAX_DAYS,
    )


async def insights_csv(request: web.Request) -> web.StreamResponse:
    report, _ = await _report(request)
    table = report.tables.get(request.query.get("table", ""))
    if table is None:
        return await _render(
            request,
            "error.html",
            status=404,
            title="No such table 查無此表",
            message="Choose a table from the insights page. 請由統計頁面選擇表格。",
        )
    period = report.period
    name = f"insights-{table.key}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return web.Response(
        text=table.csv(),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


# -- wiring ---------------------------------------------------------------------------------


def client_address(request: web.Request) -> str:
    """The staff member's address: X-Forwarded-For is believed only from trusted proxies."""
    return addresses.client_address(
        request.remote, request.headers.get("X-Forwarded-For", ""), _console(request).proxies
    )


def setup_console(app: web.Application, settings: Settings) -> None:
    """Add the console's routes and its guard to ``app`` (built by ``bot.app.create_app``)."""
    app[CONSOLE] = Console(
        storage=session_storage(settings),
        throttle=LoginThrottle(),
        tz=settings.tz,
        proxies=settings.proxy_networks,
        poll_seconds=settings.staff_poll_seconds,
        settings=settings,
    )
    app.middlewares.append(_guard)
    number = r"{number:\d{1,9}}"
    router = app.router
    router.add_get(PREFIX, tickets_page, name="staff.tickets")
    router.add_get(LOGIN, login_page, name="staff.login")
    router.add_post(LOGIN, login)
    router.add_post(f"{PREFIX}/logout", logout, name="staff.logout")
    router.add_get(f"{PREFIX}/tickets/{number}", ticket_page, name="staff.ticket")
    router.add_post(f"{PREFIX}/tickets/{number}/reply", reply, name="staff.reply")
    router.add_post(f"{PREFIX}/tickets/{number}/claim", claim, name="staff.claim")
    router.add_post(f"{PREFIX}/tickets/{number}/assign", assign, name="staff.assign")
    router.add_post(f"{PREFIX}/tickets/{number}/note", note, name="staff.note")
    router.add_post(f"{PREFIX}/tickets/{number}/close", close, name="staff.close")
    router.add_get(f"{PREFIX}/visitors/{number}", visitor_page, name="staff.visitor")
    router.add_get(f"{PREFIX}/unanswered", unanswered_page, name="staff.unanswered")
    router.add_post(f"{PREFIX}/unanswered/handled", mark_handled, name="staff.handled")
    router.add_get(f"{PREFIX}/unanswered/draft/{number}", draft_page, name="staff.draft")
    router.add_post(f"{PREFIX}/knowledge/reload", reload_knowledge_base, name="staff.kb.reload")
    router.add_get(f"{PREFIX}/insights", insights_page, name="staff.insights")
    router.add_get(f"{PREFIX}/insights.csv", insights_csv, name="staff.insights.csv")
    router.add_get(f"{API_PREFIX}tickets", tickets_api, name="staff.api.tickets")
    router.add_get(f"{API_PREFIX}changes", changes_api, name="staff.api.changes")
    router.add_get(f"{API_PREFIX}canned", canned_api, name="staff.api.canned")
    router.add_get(f"{API_PREFIX}unanswered", unanswered_api, name="staff.api.unanswered")


__all__ = [
    "CONSOLE",
    "Console",
    "Filters",
    "QuestionGroup",
    "group_questions",
    "session_storage",
    "setup_console",
    "ticket_json",
]
