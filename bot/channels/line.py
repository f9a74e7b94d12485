"""LINE adapter (line-bot-sdk v3): verify and parse webhooks, send replies with the async client."""

from __future__ import annotations

import functools
import json
import logging
import ssl
import urllib.request
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote_plus, urlsplit

import aiohttp
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexMessage,
    FlexText,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TextMessage,
    URIAction,
)
from linebot.v3.webhooks import (
    FollowEvent,
    JoinEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
)
from pydantic.v1 import PrivateAttr

from bot.channels.line_menus import MenuLinks
from bot.errors import WebhookRejected
from bot.i18n import translate
from bot.kb.schema import Contact
from bot.models import Channel, Inbound, InboundKind, Reply
from bot.phones import shown, tel_uri
from bot.text import Lang, split_utf16

logger = logging.getLogger(__name__)

#: Seconds a profile lookup may take: the welcome waits for it, and goes without it after.
PROFILE_TIMEOUT = 3

TEXT_LIMIT = 5000  # UTF-16 units per text message
MAX_MESSAGES = 5  # per reply or push call
MAX_QUICK_REPLIES = 13
LABEL_LIMIT = 20
REQUEST_TIMEOUT = 10.0


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def _quick_reply(reply: Reply) -> QuickReply | None:
    if not reply.options:
        return None
    items = [
        QuickReplyItem(
            action=PostbackAction(
                label=_label(option.label), data=option.choice, display_text=option.label[:300]
            )
        )
        for option in reply.options[:MAX_QUICK_REPLIES]
    ]
    return QuickReply(items=items)


def contact_bubble(contacts: tuple[Contact, ...], lang: Lang) -> FlexMessage:
    """A Flex bubble: each contact's name and hours, with call, map and website buttons."""
    authored = lang.value
    body: list[Any] = []
    buttons: list[Any] = []
    alt_lines: list[str] = []
    for contact in contacts[:3]:
        name = contact.name.for_reader(authored)
        body.append(FlexText(text=name, weight="bold", size="md", wrap=True))
        phone = shown(contact.phone, lang) if contact.phone else None
        details = [
            value
            for value in (
                phone,
                contact.address.for_reader(authored) if contact.address else None,
                contact.hours.for_reader(authored) if contact.hours else None,
            )
            if value
        ]
        if details:
            body.append(FlexText(text="\n".join(details), size="sm", color="#555555", wrap=True))
        alt_lines.append(" ".join([name, *details]))
        if contact.phone and phone and len(buttons) < 6:
            call = translate("Call", lang)
            buttons.append(
                FlexButton(
                    action=URIAction(label=_label(f"{call} {phone}"), uri=tel_uri(contact.phone)),
                    style="primary",
                    height="sm",
                )
            )
        if contact.address and len(buttons) < 6:
            query = quote_plus(contact.address.get("zh-Hant"))
            buttons.append(
                FlexButton(
                    action=URIAction(
                        label=translate("Map", lang),
                        uri=f"https://www.google.com/maps/search/?api=1&query={query}",
                    ),
                    style="secondary",
                    height="sm",
                )
            )
        if contact.url and len(buttons) < 6:
            buttons.append(
                FlexButton(
                    action=URIAction(label=translate("Website", lang), uri=contact.url),
                    style="link",
                    height="sm",
                )
            )
    bubble = FlexBubble(
        body=FlexBox(layout="vertical", spacing="sm", contents=body),
        footer=FlexBox(layout="vertical", spacing="sm", contents=buttons) if buttons else None,
    )
    alt_text = ("\n".join(alt_lines) or translate("Contacts", lang))[:400]
    return _OnceFlexMessage(alt_text=alt_text, contents=bubble)


#: Red enough to be seen at once, with white text at a contrast above 4.5:1.
EMERGENCY_RED = "#B3261E"


def emergency_bubble(reply: Reply) -> FlexMessage:
    """An emergency as one red card: what to do, then a call button for each number."""
    authored = reply.lang.value
    heading = translate("Emergency", reply.lang)
    buttons = [
        FlexButton(
            action=URIAction(
                label=_label(f"☎ {contact.phone} {contact.name.for_reader(authored)}"),
                uri=tel_uri(contact.phone),
            ),
            style="primary",
            color=EMERGENCY_RED,
            height="sm",
        )
        for contact in reply.contacts[:4]
        if contact.phone
    ]
    bubble = FlexBubble(
        header=FlexBox(
            layout="vertical",
            background_color=EMERGENCY_RED,
            contents=[FlexText(text=f"🚨 {heading}", color="#FFFFFF", weight="bold", size="lg")],
        ),
        body=FlexBox(
            layout="vertical",
            contents=[FlexText(text=reply.text[:2000], wrap=True, size="md", weight="bold")],
        ),
        footer=FlexBox(layout="vertical", spacing="sm", contents=buttons) if buttons else None,
    )
    return _OnceFlexMessage(alt_text=reply.text[:400], contents=bubble)


def _once(cache: dict[tuple[Any, ...], Any], key: tuple[Any, ...], build: Any) -> Any:
    if key not in cache:
        cache[key] = build()
    # A copy of the top level: the SDK's to_dict() adds keys to what dict() gave it.
    return dict(cache[key])


def _dict_key(kwargs: dict[str, Any]) -> tuple[Any, ...] | None:
    """The cache key of a pydantic dict() call, None when it picks fields (not cached)."""
    if kwargs.get("include") or kwargs.get("exclude"):
        return None
    return ("dict", *sorted((k, v) for k, v in kwargs.items() if k not in ("include", "exclude")))


class _SerializedOnce:
    """Turns a message into JSON once, however often it is sent.

    The same answers go out over and over (to_line_messages keeps them), and the SDK's
    pydantic serialization was the biggest cost of a send. Only for messages that are not
    changed after they are first sent, which holds for the ones to_line_messages keeps. Each
    class using it declares ``_serialized`` as a pydantic private attribute: one dict shared
    with every copy, as the SDK's request models copy the messages they are given (pydantic's
    copy_on_model_validation) and a copy shares its private values.
    """

    _serialized: dict[tuple[Any, ...], Any]

    def dict(self, **kwargs: Any) -> Any:
        key = _dict_key(kwargs)
        build = functools.partial(super().dict, **kwargs)  # type: ignore[misc]
        return build() if key is None else _once(self._serialized, key, build)

    def to_dict(self) -> Any:
        return _once(self._serialized, ("to_dict",), super().to_dict)  # type: ignore[misc]


class _OnceTextMessage(_SerializedOnce, TextMessage):  # type: ignore[misc]
    _serialized: dict[tuple[Any, ...], Any] = PrivateAttr(default_factory=dict)


class _OnceFlexMessage(_SerializedOnce, FlexMessage):  # type: ignore[misc]
    _serialized: dict[tuple[Any, ...], Any] = PrivateAttr(default_factory=dict)


def to_line_messages(replies: list[Reply]) -> list[Any]:
    """Replies → at most five LINE messages; quick replies ride on the last one.

    The desk sends the same few hundred answers over and over, and building the SDK's
    validated models is most of the cost of a send: built ones are kept (never changed
    once built, so sharing them between requests is safe).
    """
    return list(_line_messages(tuple(replies)))


@functools.lru_cache(maxsize=1024)
def _line_messages(replies: tuple[Reply, ...]) -> tuple[Any, ...]:
    messages: list[Any] = []
    for reply in replies:
        if reply.urgent:
            messages.append(emergency_bubble(reply))
            continue
        for chunk in split_utf16(reply.text, TEXT_LIMIT) or [" "]:
            messages.append(_OnceTextMessage(text=chunk))
        if reply.contacts and any(c.phone or c.url or c.address for c in reply.contacts):
            messages.append(contact_bubble(reply.contacts, reply.lang))
    if len(messages) > MAX_MESSAGES:
        # Keep the first four (the answer's start) and the last (its buttons).
        messages = [*messages[: MAX_MESSAGES - 1], messages[-1]]
    options_reply = next((r for r in reversed(replies) if r.options), None)
    if options_reply is not None and messages:
        messages[-1].quick_reply = _quick_reply(options_reply)
    return tuple(messages)


def _ssl_context(configuration: Configuration) -> ssl.SSLContext:
    """The TLS settings the SDK's own session would use (CA file, client certificate, and
    verification switched off only where the configuration says so)."""
    context = ssl.create_default_context(cafile=configuration.ssl_ca_cert)
    if configuration.cert_file:
        context.load_cert_chain(configuration.cert_file, keyfile=configuration.key_file)
    if not configuration.verify_ssl:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _environment_proxy(url: str) -> str | None:
    """The proxy the environment names for ``url`` (HTTPS_PROXY …, unless NO_PROXY covers its
    host), as aiohttp's trust_env would find it on each request; proxy credentials go in the
    URL (``http://user:pass@proxy:3128``), since ~/.netrc is not read."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    if not parts.hostname or urllib.request.proxy_bypass(parts.hostname):
        return None
    return proxies.get(parts.scheme)


class ReplyTokenSpent(Exception):
    """LINE refused a reply token (400): it was used already, or it expired."""


class LineChannel:
    def __init__(self, secret: str, access_token: str, host: str) -> None:
        self._parser = WebhookParser(secret)
        self._configuration = Configuration(access_token=access_token, host=host)
        self._client: AsyncApiClient | None = None
        self._api: AsyncMessagingApi | None = None
        self._menus: MenuLinks | None = None

    async def start(self) -> None:
        # The SDK's aiohttp session must be created inside the running loop.
        client = AsyncApiClient(self._configuration)
        # The SDK's session trusts the environment on every request: it reads ~/.netrc and
        # looks up the proxy, each in a worker thread, which costs about a tenth of the desk's
        # CPU at load. The proxy (HTTPS_PROXY, NO_PROXY) is looked up once, here, instead;
        # netrc credentials have no place beside the channel's bearer token.
        rest = client.rest_client
        sdk_session = rest.pool_manager
        rest.proxy = rest.proxy or _environment_proxy(self._configuration.host)
        rest.pool_manager = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=self._configuration.connection_pool_maxsize,
                ssl=_ssl_context(self._configuration),
            ),
            trust_env=False,
        )
        await sdk_session.close()
        self._client = client
        self._api = AsyncMessagingApi(client)
        self._menus = MenuLinks(self._api)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    def parse(self, body: bytes, signature: str | None) -> list[Inbound]:
        """Verify the signature over the raw body, then turn events into Inbound messages."""
        if not signature:
            raise WebhookRejected(401, "missing X-Line-Signature")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WebhookRejected(400, "body is not UTF-8") from exc
        try:
            events = self._parser.parse(text, signature)
        except InvalidSignatureError as exc:
            raise WebhookRejected(401, "invalid X-Line-Signature") from exc
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, RecursionError) as exc:
            # RecursionError: a body nested thousands deep, in the SDK's JSON or models.
            raise WebhookRejected(
                400, f"malformed LINE webhook body: {type(exc).__name__}"
            ) from exc
        inbound: list[Inbound] = []
        for event in events:
            converted = self._convert(event)
            if converted is not None:
                inbound.append(converted)
        return inbound

    @staticmethod
    def _convert(event: Any) -> Inbound | None:
        source = getattr(event, "source", None)
        common: dict[str, Any] = {
            "channel": Channel.LINE,
            "event_id": getattr(event, "webhook_event_id", None),
            "reply_token": getattr(event, "reply_token", None),
        }
        if getattr(source, "type", None) in ("group", "room"):
            # Not a private conversation: the group (or room) is who is answered, never the
            # member who wrote (the desk keeps nothing of it and opens no ticket).
            chat_id = getattr(source, "group_id", None) or getattr(source, "room_id", None)
            if not chat_id:
                return None
            common.update(user_id=chat_id, group=True)
            if isinstance(event, JoinEvent):
                return Inbound(kind=InboundKind.FOLLOW, **common)
        else:
            user_id = getattr(source, "user_id", None)
            if not user_id:
                return None  # unknown events without a user: nothing to answer
            common["user_id"] = user_id
        if isinstance(event, MessageEvent):
            if isinstance(event.message, TextMessageContent):
                return Inbound(kind=InboundKind.TEXT, text=event.message.text, **common)
            return Inbound(kind=InboundKind.UNSUPPORTED, **common)
        if isinstance(event, PostbackEvent):
            return Inbound(kind=InboundKind.CHOICE, choice=event.postback.data, **common)
        if isinstance(event, FollowEvent):
            return Inbound(kind=InboundKind.FOLLOW, **common)
        return None

    async def deliver(
        self,
        user_id: str,
        replies: list[Reply],
        reply_token: str | None,
        retry_key: str,
        *,
        push_if_token_spent: bool = True,
        parts_sent: int = 0,
        on_part_sent: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        """The outbox's delivery: the reply token while it is fresh, else push with a retry key
        (LINE shows a push retried with the same key once; 409 means it already took it).

        All of an answer's messages go in one API call, so it is a single part: there is
        never a part already delivered to skip or to report.
        """
        messages = to_line_messages(replies)
        if reply_token:
            assert self._api is not None, "LineChannel.start() was not awaited"
            try:
                await self._api.reply_message(
                    ReplyMessageRequest(reply_token=reply_token, messages=messages),
                    _request_timeout=REQUEST_TIMEOUT,
                )
                await self._follow_language(user_id, replies)
                return
            except ApiException as exc:
                if exc.status != 400:
                    raise
                if not push_if_token_spent:
                    raise ReplyTokenSpent(str(exc.body)[:200]) from exc
                logger.info("LINE reply token rejected (400); falling back to push")
        try:
            await self.push_messages(user_id, messages, retry_key=retry_key)
        except ApiException as exc:
            if exc.status != 409:
                raise
            logger.info("LINE push already accepted (409) for retry key %s", retry_key)
        await self._follow_language(user_id, replies)

    async def _follow_language(self, user_id: str, replies: list[Reply]) -> None:
        """The visitor's rich menu in the language they were just answered in; a failure is
        logged, never the delivery's (the answer is out already)."""
        if self._menus is None or not replies:
            return
        try:
            await self._menus.follow(user_id, replies[-1].lang)
        except ApiException as exc:
            logger.warning("LINE rich menu not linked (%s); tried again next time", exc.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.warning("LINE rich menu not linked (%s)", type(exc).__name__)

    async def profile_language(self, user_id: str) -> str | None:
        """The language of the user's LINE profile (a BCP 47 tag), the desk's first guess of
        how to greet them; None when LINE has none or does not answer in time."""
        assert self._api is not None, "LineChannel.start() was not awaited"
        try:
            profile = await self._api.get_profile(user_id, _request_timeout=PROFILE_TIMEOUT)
        except ApiException as exc:
            logger.info("LINE profile not read (%s): greeted without a language", exc.status)
            return None
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.info(
                "LINE profile not read (%s): greeted without a language", type(exc).__name__
            )
            return None
        language = getattr(profile, "language", None)
        return language if isinstance(language, str) else None

    async def push_messages(
        self, user_id: str, messages: list[Any], retry_key: str | None = None
    ) -> None:
        assert self._api is not None, "LineChannel.start() was not awaited"
        await self._api.push_message(
            PushMessageRequest(to=user_id, messages=messages),
            x_line_retry_key=retry_key or str(uuid.uuid4()),
            _request_timeout=REQUEST_TIMEOUT,
        )
