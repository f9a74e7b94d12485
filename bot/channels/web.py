"""Web chat: the page at ``/`` and ``POST /api/chat``, the same desk as LINE and Telegram."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, TypeVar

import jinja2
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.errors import WebhookRejected
from bot.i18n import N_, both, translate
from bot.models import Channel, Inbound, InboundKind, Option, Outcome, Reply
from bot.phones import shown, tel_uri
from bot.store import ChatMessage, Role
from bot.text import LANGUAGE_TAG, Lang, tag_language

_Model = TypeVar("_Model", bound=BaseModel)

#: Always used with fullmatch: "$" would let a trailing newline through.
WEB_SESSION = re.compile(r"[A-Za-z0-9_-]{8,64}")

#: The page's own texts (the chat's come from the desk), each with what separates its English
#: and its Chinese on the page for everyone (see :func:`page_texts`).
_PAGE_TEXT: dict[str, tuple[str, str]] = {
    "title": (N_("Hualien Exchange Desk"), " "),
    "heading": (N_("Hualien County Government"), " · "),
    "subheading": (N_("Exchange Desk"), " · "),
    "welcome": (
        N_("Hello! Ask about sister cities, visits, student services, contacts or events."),
        "\n",
    ),
    "language": (N_("Language"), " / "),
    "label": (N_("Your question"), " / "),
    "placeholder": (N_("Type your question…"), " "),
    "send": (N_("Send"), " "),
    "error": (N_("Sorry, something went wrong. Please try again."), " "),
    "typing": (N_("The desk is writing…"), " "),
    "offline": (N_("Your message was not sent: no connection."), " "),
    "retry": (N_("Retry"), " "),
    "not_sent": (N_("Not sent"), " "),
    "reconnecting": (N_("Reconnecting for staff replies…"), " "),
    "busy": (
        N_("Many chats are open right now: staff replies will show up a little later."),
        " ",
    ),
    "email_offer": (N_("Leaving? Get the staff reply by e-mail too."), " "),
    "email_label": (N_("Your e-mail address"), " / "),
    "email_save": (N_("Send replies there"), " "),
    "email_saved": (
        N_(
            "Staff replies to request #{number} will also be e-mailed to you. The address is "
            "deleted with the request."
        ),
        " ",
    ),
    "email_remove": (N_("Remove my address"), " "),
    "email_invalid": (N_("Please check the e-mail address."), " "),
    "footer": (N_("Automated assistant with county staff behind it"), " · "),
}


def page_texts(lang: Lang | None = None) -> dict[str, str]:
    """The page's texts in ``lang``, or (``None``: the visitor's language is not known yet) in
    English and Traditional Chinese at once. ``{number}`` is left for the page's script."""
    if lang is None:
        return {key: both(text, separator) for key, (text, separator) in _PAGE_TEXT.items()}
    return {key: translate(text, lang) for key, (text, _) in _PAGE_TEXT.items()}


# -- the page's language ------------------------------------------------------------------

#: The cookie that keeps the page language a visitor chose (a header button or ``?lang=``).
PAGE_LANG_COOKIE = "desk_lang"
#: Accept-Language headers longer than this, or with more languages, are not read: no browser
#: sends them, and reading them would only cost time.
MAX_ACCEPT_LANGUAGE = 1024
MAX_ACCEPT_LANGUAGES = 32
_QUALITY = re.compile(r"q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)", re.IGNORECASE)


def accepted_languages(header: str) -> list[str]:
    """The language tags of an Accept-Language header, most wanted first (RFC 9110: by their
    q-values, in the header's order among equals; q=0 means "not this one"). Whatever does not
    parse is skipped, and a header too long to be a browser's is not read at all."""
    if len(header) > MAX_ACCEPT_LANGUAGE:
        return []
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")[:MAX_ACCEPT_LANGUAGES]):
        tag, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            weight = _QUALITY.fullmatch(parameter)
            if weight is None:
                quality = -1.0  # a broken weight: this item means nothing certain
                break
            quality = float(weight.group(1))
        if quality > 0 and (tag == "*" or LANGUAGE_TAG.fullmatch(tag)):
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


#: The languages the page for everyone (English and Chinese at once) is written for.
BILINGUAL = (Lang.EN, Lang.ZH_HANT)


def page_language(
    asked: str | None, chosen: str | None, accept_language: str | None
) -> tuple[Lang | None, bool]:
    """The page's language (None: the page for everyone, in English and Chinese), and whether
    it was asked for explicitly (``?lang=``; it is then remembered).

    An explicit ``?lang=`` wins, then the visitor's earlier choice (the cookie), then the
    browser's languages. From the browser, only a language the page for everyone does not
    serve (Japanese, Korean, Simplified Chinese) gives a page of its own: an English browser
    is often only the computer's default, and the page for everyone reads in English and
    Chinese alike.
    """
    for value, explicit in ((asked, True), (chosen, False)):
        lang = tag_language(value) if value else None
        if lang is not None:
            return lang, explicit
    for tag in accepted_languages(accept_language or ""):
        lang = tag_language(tag)
        if lang is not None:
            return (None if lang in BILINGUAL else lang), False
    return None, False


_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("bot.channels", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
)

#: How long the page waits before it asks again after a failed live-update request, at first
#: and at most (doubling, with jitter, in between).
RECONNECT_MS = 1000
RECONNECT_MAX_MS = 30_000


def chat_page(nonce: str, *, email: bool = False, lang: Lang | None = None) -> str:
    """The page; ``nonce`` lets its own inline style and script run under the CSP; ``email``
    offers to send staff answers to an e-mail address too (SMTP is set up); ``lang``: the
    page's own texts in that language only, else in English and Chinese."""
    return _environment.get_template("chat.html").render(
        t=page_texts(lang),
        html_lang=lang.value if lang else "en",
        bilingual=lang is None,
        # The languages the page reads in: choosing another in the header loads its page.
        page_langs=[lang.value] if lang else [b.value for b in BILINGUAL],
        lang_cookie=PAGE_LANG_COOKIE,
        nonce=nonce,
        email=email,
        reconnect_ms=RECONNECT_MS,
        reconnect_max_ms=RECONNECT_MAX_MS,
    )


def chat_page_policy(nonce: str) -> str:
    """The page's Content-Security-Policy: its own nonce'd style and script, fetches to this
    site only, and no framing (clickjacking)."""
    return (
        f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
        "connect-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session: str = Field(min_length=8, max_length=64)
    text: str | None = Field(default=None, max_length=10_000)
    choice: str | None = Field(default=None, max_length=100)
    #: The page's own id for this message: sent again (its answer was lost on the way), the
    #: message is answered from what was stored the first time, not handled twice.
    id: str | None = Field(default=None, min_length=8, max_length=64)

    @model_validator(mode="after")
    def _one_of(self) -> ChatRequest:
        if not WEB_SESSION.fullmatch(self.session):
            raise ValueError("session must be 8-64 characters of A-Z, a-z, 0-9, _ or -")
        if self.id is not None and not WEB_SESSION.fullmatch(self.id):
            raise ValueError("id must be 8-64 characters of A-Z, a-z, 0-9, _ or -")
        if (self.text is None) == (self.choice is None):
            raise ValueError("send either text or choice")
        return self


def load_json(body: bytes, what: str) -> Any:
    """``body`` decoded as JSON, or a 400 (never a 500) for whatever the parser chokes on:
    bad JSON or text, a number of thousands of digits (ValueError), nesting a thousand deep
    (RecursionError)."""
    try:
        return json.loads(body)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise WebhookRejected(400, f"{what} is not valid JSON") from exc
    except RecursionError as exc:
        raise WebhookRejected(400, f"{what} is nested too deeply") from exc


def _validated(model: type[_Model], data: Any) -> _Model:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise WebhookRejected(400, f"{where}: {first['msg']}") from exc


def parse_chat(data: Any) -> Inbound:
    return parse_chat_message(data)[0]


def parse_chat_message(data: Any) -> tuple[Inbound, str | None]:
    """The message, and the page's id for it (None when the page sent none)."""
    request = _validated(ChatRequest, data)
    if request.choice is not None:
        inbound = Inbound(Channel.WEB, request.session, InboundKind.CHOICE, choice=request.choice)
    else:
        inbound = Inbound(Channel.WEB, request.session, InboundKind.TEXT, text=request.text or "")
    return inbound, request.id


# -- e-mail addresses -------------------------------------------------------------------------

#: A "valid e-mail address" as HTML defines it (what the browser's type=email field accepts),
#: ASCII only, with a dot in the domain: no quoted local parts, comments or IP literals, and
#: no character (a line break) that could start another mail header.
_EMAIL = re.compile(
    r"(?P<local>[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64})@"
    r"(?P<domain>[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)"
)
MAX_EMAIL = 254


def valid_email(text: str) -> str | None:
    """``text`` as an address mail can be sent to (domain in lower case), or None."""
    address = text.strip()
    match = _EMAIL.fullmatch(address)
    if match is None or len(address) > MAX_EMAIL:
        return None
    local, domain = match.group("local"), match.group("domain")
    # Dots that SMTP servers refuse in an unquoted local part; a numeric top-level domain is
    # an IP address written without brackets.
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return None
    if domain.rsplit(".", 1)[1].isdigit():
        return None
    return f"{local}@{domain.lower()}"


class EmailRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session: str = Field(min_length=8, max_length=64)
    #: The address; empty removes the one given before.
    email: str = Field(max_length=MAX_EMAIL + 10)

    @model_validator(mode="after")
    def _session(self) -> EmailRequest:
        if not WEB_SESSION.fullmatch(self.session):
            raise ValueError("session must be 8-64 characters of A-Z, a-z, 0-9, _ or -")
        return self


def parse_email(data: Any) -> tuple[str, str | None]:
    """(session, address) from ``POST /api/chat/email``; the address None removes it."""
    request = _validated(EmailRequest, data)
    if not request.email.strip():
        return request.session, None
    address = valid_email(request.email)
    if address is None:
        raise WebhookRejected(400, both("Please check the e-mail address."))
    return request.session, address


# -- the page's view of a reply --------------------------------------------------------------

#: The entry that says how to reach staff: beside the "Ask staff" button (which opens a
#: request), a button to read about it is the same offer twice.
_STAFF_ENTRY_CHOICE = "entry:contact.staff"
_STAFF_CHOICE = "staff"


def web_options(options: Sequence[Option]) -> list[Option]:
    """The buttons the page shows: one way to staff, not two."""
    if any(o.choice == _STAFF_CHOICE for o in options):
        return [o for o in options if o.choice != _STAFF_ENTRY_CHOICE]
    return list(options)


def web_text(text: str, options: Sequence[dict[str, str]]) -> str:
    """``text`` without the lines that list the buttons by number ("1. Sister cities"): LINE
    and Telegram need them to pick by typing a number, the page shows the buttons."""
    listed = {f"{n}. {o['label']}" for n, o in enumerate(options, 1)}
    if not listed:
        return text
    kept = [line for line in text.split("\n") if line.strip() not in listed]
    return "\n".join(kept).strip("\n") or text


def reply_card(reply: Reply) -> dict[str, Any]:
    """What the page shows of a reply besides its text: its buttons, whether it is an
    emergency card, its contacts (stored with the message, so a reload shows it again)."""
    authored = reply.lang.value
    return {
        # Numbered as the desk numbered them (the text's list), before any is left out.
        "listed": [{"label": o.label, "choice": o.choice} for o in reply.options],
        "options": [{"label": o.label, "choice": o.choice} for o in web_options(reply.options)],
        "urgent": reply.urgent,
        # Restored, the bubble is read aloud in its own language, as it was live.
        "lang": reply.lang.value,
        "contacts": [
            {
                "name": c.name.for_reader(authored),
                "phone": shown(c.phone, reply.lang) if c.phone else None,
                "tel": tel_uri(c.phone) if c.phone else None,
                "url": c.url,
                "email": c.email,
            }
            for c in reply.contacts
        ],
    }


def shown_reply(text: str, card: dict[str, Any] | None) -> dict[str, Any]:
    """A reply as the page gets it: the text without the numbered list, and its card."""
    card = card or {}
    return {
        "text": web_text(text, card.get("listed", [])),
        "options": card.get("options", []),
        "urgent": bool(card.get("urgent", False)),
        "contacts": card.get("contacts", []),
        **({"lang": card["lang"]} if "lang" in card else {}),
    }


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "replies": [shown_reply(r.text, reply_card(r)) for r in outcome.replies],
        "decision": outcome.decision,
        "entry": outcome.entry_id,
        "ticket": outcome.ticket_number,
        "lang": outcome.lang.value,
    }


def card_json(reply: Reply) -> str:
    return json.dumps(reply_card(reply), ensure_ascii=False)


# -- the transcript ---------------------------------------------------------------------------


def _card(raw: str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def transcript_json(
    messages: Sequence[ChatMessage], language_labels: dict[str, str]
) -> list[dict[str, Any]]:
    """The conversation as the page shows it: a tapped button is the visitor's message by its
    label (it was stored by its choice id), and the buttons it was tapped on are marked."""
    shown: list[dict[str, Any]] = []
    for message in messages:
        item: dict[str, Any] = {
            "id": message.id,
            "from": message.role.value,
            "text": message.text,
            "at": message.created_at.isoformat(),
        }
        if message.role is Role.BOT:
            item.update(shown_reply(message.text, _card(message.card)))
        elif message.role is Role.VISITOR:
            _as_tap(item, shown, language_labels)
        shown.append(item)
    return shown


def _as_tap(
    item: dict[str, Any], earlier: list[dict[str, Any]], language_labels: dict[str, str]
) -> None:
    """If the visitor's message was a button, show its label and mark the button used."""
    choice = item["text"]
    for previous in reversed(earlier):
        if previous["from"] != Role.BOT.value or "chosen" in previous:
            continue
        for option in previous.get("options", []):
            if option["choice"] == choice:
                previous["chosen"] = choice
                item["text"], item["choice"] = option["label"], choice
                return
    if choice in language_labels:
        item["text"], item["choice"] = language_labels[choice], choice
