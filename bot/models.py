"""Neutral dataclasses shared by the channels and the desk (no aiohttp, no SDK imports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.kb.schema import Contact
from bot.text import Lang


class Channel(StrEnum):
    LINE = "line"
    TELEGRAM = "telegram"
    WEB = "web"


class InboundKind(StrEnum):
    TEXT = "text"
    #: A button the bot offered was tapped (postback, callback query, web option).
    CHOICE = "choice"
    #: The visitor added the bot or opened the chat (LINE follow, Telegram /start).
    FOLLOW = "follow"
    #: A sticker, image, location … the bot cannot read.
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class Inbound:
    channel: Channel
    user_id: str
    kind: InboundKind
    text: str = ""
    choice: str = ""
    event_id: str | None = None
    reply_token: str | None = None
    display_name: str | None = None
    #: A message in a group or room chat (LINE), not a private conversation: ``user_id`` is
    #: the group's or room's id, which replies and pushes go to.
    group: bool = False
    #: The language the platform says the visitor uses (Telegram's ``language_code``, the
    #: LINE profile's ``language``), a BCP 47 tag: only a first guess, before they write.
    language: str | None = None


@dataclass(frozen=True)
class Option:
    """A button: ``label`` shown to the visitor, ``choice`` sent back when tapped."""

    label: str
    choice: str


@dataclass(frozen=True)
class Reply:
    text: str
    options: tuple[Option, ...] = ()
    #: Structured contacts for rich cards (LINE Flex, Telegram location); ``text`` stays complete.
    contacts: tuple[Contact, ...] = ()
    lang: Lang = Lang.EN
    #: An emergency: shown so that it cannot be missed (a red card), its contacts' numbers
    #: as tap-to-call (LINE, web) or copy (Telegram) buttons.
    urgent: bool = False


class NoticeKind(StrEnum):
    OPENED = "opened"
    FOLLOW_UP = "follow_up"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class StaffNotice:
    """Something staff must see: a new ticket, a visitor's follow-up, a cancellation."""

    kind: NoticeKind
    ticket_number: int
    text: str = ""
    urgent: bool = False


@dataclass
class Outcome:
    """What the desk decided for one inbound message."""

    replies: list[Reply] = field(default_factory=list)
    decision: str = ""
    entry_id: str | None = None
    lang: Lang = Lang.EN
    notices: list[StaffNotice] = field(default_factory=list)
    #: The ticket this exchange belongs to (its messages are filed under it).
    ticket_number: int | None = None
    #: The visitor's data was just deleted: nothing of this exchange may be stored.
    forget: bool = False
