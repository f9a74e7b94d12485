"""Web chat: the page at ``/`` and ``POST /api/chat``, the same desk as LINE and Telegram."""

from __future__ import annotations

import json
import re
from typing import Any

import jinja2
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.errors import WebhookRejected
from bot.models import Channel, Inbound, InboundKind, Outcome, Reply
from bot.phones import shown, tel_uri

#: Always used with fullmatch: "$" would let a trailing newline through.
WEB_SESSION = re.compile(r"[A-Za-z0-9_-]{8,64}")

_PAGE_TEXT = {
    "title": "Hualien Exchange Desk 花蓮縣國際交流服務台",
    "heading": "Hualien County Government · 花蓮縣政府",
    "subheading": "Exchange Desk · 國際交流服務台",
    "welcome": (
        "Hello! Ask about sister cities, visits, student services, contacts or events.\n"
        "您好！歡迎詢問姊妹市交流、參訪、學生服務、聯絡窗口或活動資訊。"
    ),
    "label": "Your question / 您的問題",
    "placeholder": "Type your question… 請輸入問題…",
    "send": "Send 送出",
    "error": "Sorry, something went wrong. Please try again. 抱歉，發生錯誤，請再試一次。",
    "footer": "Automated assistant with county staff behind it · 自動回覆服務，承辦同仁隨時協助",
}

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("bot.channels", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
)


STAFF_POLL_MS = 5000


def chat_page(nonce: str) -> str:
    """The page; ``nonce`` lets its own inline style and script run under the CSP."""
    return _environment.get_template("chat.html").render(
        t=_PAGE_TEXT, html_lang="en", poll_ms=STAFF_POLL_MS, nonce=nonce
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

    @model_validator(mode="after")
    def _one_of(self) -> ChatRequest:
        if not WEB_SESSION.fullmatch(self.session):
            raise ValueError("session must be 8-64 characters of A-Z, a-z, 0-9, _ or -")
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


def parse_chat(data: Any) -> Inbound:
    try:
        request = ChatRequest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise WebhookRejected(400, f"{where}: {first['msg']}") from exc
    if request.choice is not None:
        return Inbound(Channel.WEB, request.session, InboundKind.CHOICE, choice=request.choice)
    return Inbound(Channel.WEB, request.session, InboundKind.TEXT, text=request.text or "")


def _reply_json(reply: Reply) -> dict[str, Any]:
    authored = reply.lang.value
    return {
        "text": reply.text,
        "options": [{"label": o.label, "choice": o.choice} for o in reply.options],
        "urgent": reply.urgent,
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


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "replies": [_reply_json(r) for r in outcome.replies],
        "decision": outcome.decision,
        "entry": outcome.entry_id,
        "ticket": outcome.ticket_number,
        "lang": outcome.lang.value,
    }
