"""``python -m bot setup --public-url https://…``: connect LINE and Telegram in one command.

Run once the settings (.env or deploy/.env) hold the channels' credentials, and again whenever
the public address changes: every step is idempotent, and a second run with nothing changed
creates and uploads nothing.

- Telegram: ``setWebhook`` (the secret token; only the update kinds the bot reads),
  ``setMyCommands`` for visitors in each language the desk speaks and for groups, then
  ``getWebhookInfo``, printing the last error Telegram met delivering to us, if any.
- LINE: the webhook endpoint is set (``PUT …/webhook/endpoint``), read back (is "Use webhook"
  on?) and tested (LINE sends a test event to it). Then the rich menus (bot/rich_menu.py):
  each made, its image uploaded to LINE's data host, and set as everyone's default (Chinese and
  English) or named by its alias (Japanese, Korean: the server links them to visitors who write
  those), replacing the menus an earlier run made. A name carries a fingerprint of the
  definition and the image, so when LINE already has this very menu in place nothing is
  created or uploaded.

Everything goes through the SDKs (line-bot-sdk's MessagingApi and MessagingApiBlob,
python-telegram-bot's Bot) at the base URLs of the settings, so tests run it against fakes.
``--dry-run`` calls nothing and prints every call a first run makes. Secrets are never printed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    CreateRichMenuAliasRequest,
    SetWebhookEndpointRequest,
    TestWebhookEndpointRequest,
    UpdateRichMenuAliasRequest,
)
from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.error import TelegramError

from bot import rich_menu
from bot.channels.telegram import TelegramChannel
from bot.errors import ConfigurationError
from bot.i18n import N_, translate
from bot.settings import Settings
from bot.text import Lang

logger = logging.getLogger(__name__)

LINE_WEBHOOK_PATH = "/webhooks/line"
TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram"
TIMEOUT = 30.0  # seconds a call may take (the webhook test waits for our own server)
#: The update kinds the bot reads (bot/channels/telegram.py and the staff group): messages and
#: button taps. Edits, channel posts, reactions, members joining … are never sent to us.
ALLOWED_UPDATES = ("message", "callback_query")

#: Visitor commands (the desk's) with their descriptions, written in the catalogs (bot/locale/).
_VISITOR_COMMANDS = (
    ("help", N_("What I can answer")),
    ("human", N_("Ask county staff to help you")),
    ("status", N_("Status of your request")),
    ("cancel", N_("Cancel your request")),
    ("lang", N_("Choose a language")),
    ("delete", N_("Delete everything stored about you")),
)
#: Telegram's language codes (``None``: the default list, for every language without a list of
#: its own) and the desk's language each list is written in. Telegram has one code for Chinese.
COMMAND_LANGUAGES: dict[str | None, Lang] = {
    None: Lang.EN,
    "zh": Lang.ZH_HANT,
    "ja": Lang.JA,
    "ko": Lang.KO,
}


def visitor_commands() -> dict[str | None, tuple[tuple[str, str], ...]]:
    """The visitor commands with their descriptions in each language Telegram shows."""
    return {
        code: tuple((name, translate(description, lang)) for name, description in _VISITOR_COMMANDS)
        for code, lang in COMMAND_LANGUAGES.items()
    }


#: Commands in groups: the staff group's, and /chatid, answered in any group.
GROUP_COMMANDS = (
    ("chatid", "This group's id, for STAFF_TELEGRAM_CHAT_ID"),
    ("tickets", "Open requests (staff group)"),
    ("closed", "Office closed today: on, off (staff group)"),
)


@dataclass
class Report:
    """What setup prints: each call as it is made (or would be), results, what to do next."""

    out: TextIO
    dry_run: bool
    problems: list[str] = field(default_factory=list)

    def call(self, platform: str, what: str, payload: Any = None) -> None:
        prefix = "would call" if self.dry_run else "→"
        shown = "" if payload is None else " " + json.dumps(payload, ensure_ascii=False)
        print(f"{prefix} {platform} {what}{shown}", file=self.out)

    def say(self, text: str) -> None:
        print(f"  {text}", file=self.out)

    def problem(self, text: str) -> None:
        self.problems.append(text)
        print(f"  PROBLEM: {text}", file=self.out)


def public_base(url: str) -> str:
    """The public address without a trailing slash; LINE and Telegram call HTTPS only."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise ConfigurationError(
            f"--public-url must be an https:// address LINE and Telegram can reach, got {url!r}"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError("--public-url takes no ?query or #fragment")
    return url.strip().rstrip("/")


# -- Telegram ----------------------------------------------------------------------------------


def _commands(pairs: Sequence[tuple[str, str]]) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in pairs]


def _command_payload(pairs: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"command": name, "description": description} for name, description in pairs]


async def setup_telegram(settings: Settings, base: str, report: Report) -> None:
    assert settings.telegram_bot_token is not None
    assert settings.telegram_webhook_secret is not None
    url = base + TELEGRAM_WEBHOOK_PATH
    webhook = {
        "url": url,
        "secret_token": "<TELEGRAM_WEBHOOK_SECRET>",
        "allowed_updates": list(ALLOWED_UPDATES),
    }
    command_lists = [
        ("all_private_chats", code, pairs) for code, pairs in visitor_commands().items()
    ]
    command_lists.append(("all_group_chats", None, GROUP_COMMANDS))
    if report.dry_run:
        report.call("Telegram", "setWebhook", webhook)
        for scope, code, pairs in command_lists:
            payload: dict[str, Any] = {
                "scope": {"type": scope},
                "commands": _command_payload(pairs),
            }
            if code:
                payload["language_code"] = code
            report.call("Telegram", "setMyCommands", payload)
        report.call("Telegram", "getWebhookInfo")
    else:
        await _telegram_calls(settings, url, webhook, command_lists, report)
    if settings.staff_telegram_chat_id is None:
        report.say(
            "no staff group yet: add the bot to the staff group, send /chatid there, and set "
            "STAFF_TELEGRAM_CHAT_ID to the id it answers"
        )


async def _telegram_calls(
    settings: Settings,
    url: str,
    webhook: dict[str, Any],
    command_lists: list[tuple[str, str | None, tuple[tuple[str, str], ...]]],
    report: Report,
) -> None:
    assert settings.telegram_bot_token is not None
    assert settings.telegram_webhook_secret is not None
    channel = TelegramChannel(
        settings.telegram_bot_token.get_secret_value(),
        settings.telegram_webhook_secret.get_secret_value(),
        settings.telegram_api_base_url,
    )
    await channel.start()
    try:
        bot = channel.bot
        report.call("Telegram", "setWebhook", webhook)
        await bot.set_webhook(
            url,
            secret_token=settings.telegram_webhook_secret.get_secret_value(),
            allowed_updates=list(ALLOWED_UPDATES),
            read_timeout=TIMEOUT,
        )
        for scope, code, pairs in command_lists:
            payload = {"scope": {"type": scope}, "commands": _command_payload(pairs)}
            if code:
                payload["language_code"] = code
            report.call("Telegram", "setMyCommands", payload)
            await bot.set_my_commands(
                _commands(pairs),
                scope=(
                    BotCommandScopeAllPrivateChats()
                    if scope == "all_private_chats"
                    else BotCommandScopeAllGroupChats()
                ),
                language_code=code,
                read_timeout=TIMEOUT,
            )
        report.call("Telegram", "getWebhookInfo")
        info = await bot.get_webhook_info(read_timeout=TIMEOUT)
        if info.url != url:
            report.problem(f"Telegram reports the webhook as {info.url!r}, not {url}")
        else:
            report.say(f"webhook: {info.url} ({info.pending_update_count} update(s) waiting)")
        if info.last_error_message:
            when = info.last_error_date.isoformat() if info.last_error_date else "?"
            report.problem(
                f"Telegram's last error delivering an update (at {when}): {info.last_error_message}"
            )
    except TelegramError as exc:
        report.problem(f"Telegram refused the call: {exc}")
    finally:
        await channel.close()


# -- LINE --------------------------------------------------------------------------------------


@dataclass
class _Line:
    api: AsyncMessagingApi
    blob: AsyncMessagingApiBlob
    host: str
    data_host: str


def _line_error(exc: ApiException) -> str:
    try:
        message = json.loads(exc.body or "{}").get("message")
    except (TypeError, ValueError):
        message = None
    return f"{exc.status} {message or exc.reason}"


@dataclass(frozen=True)
class _WantedMenu:
    menu: rich_menu.Menu
    definition: Any
    picture: bytes


async def setup_line(
    settings: Settings, base: str, report: Report, *, font: Path | None, image_out: Path | None
) -> None:
    assert settings.line_channel_access_token is not None
    endpoint = base + LINE_WEBHOOK_PATH
    host = settings.line_api_base_url.rstrip("/")
    data_host = settings.line_api_data_base_url.rstrip("/")
    wanted = await asyncio.to_thread(_wanted_menus, report, font, image_out)
    if report.dry_run:
        report.call("LINE", f"PUT {host}/v2/bot/channel/webhook/endpoint", {"endpoint": endpoint})
        report.call("LINE", f"GET {host}/v2/bot/channel/webhook/endpoint")
        report.call("LINE", f"POST {host}/v2/bot/channel/webhook/test", {"endpoint": endpoint})
        report.call("LINE", f"GET {host}/v2/bot/richmenu/list")
        report.call("LINE", f"GET {host}/v2/bot/user/all/richmenu")
        report.call("LINE", f"GET {host}/v2/bot/richmenu/alias/list")
        for each in wanted:
            name = each.definition.name
            alias = each.menu.alias
            report.say(
                f"when LINE already has the menu named {name!r} as "
                + (f"the alias {alias!r}" if alias else "its default")
                + ", nothing more for it; otherwise:"
            )
            report.call("LINE", f"POST {host}/v2/bot/richmenu", each.definition.to_dict())
            report.call(
                "LINE",
                f"POST {data_host}/v2/bot/richmenu/{{richMenuId}}/content",
                f"<PNG image, {len(each.picture):,} bytes, {rich_menu.WIDTH}x{rich_menu.HEIGHT}>",
            )
            if alias is None:
                report.call("LINE", f"POST {host}/v2/bot/user/all/richmenu/{{richMenuId}}")
            else:
                report.call(
                    "LINE",
                    f"POST {host}/v2/bot/richmenu/alias[/{alias}]",
                    {"richMenuAliasId": alias, "richMenuId": "{richMenuId}"},
                )
        report.call(
            "LINE",
            f"DELETE {host}/v2/bot/richmenu/{{id}} for each earlier menu named "
            f"{rich_menu.NAME_PREFIX!r}…",
        )
        return
    token = settings.line_channel_access_token.get_secret_value()
    # Two clients: the SDK sends every call to its configuration's host, and image uploads
    # must go to the data host (api-data.line.me), not the API host.
    async with (
        AsyncApiClient(Configuration(access_token=token, host=host)) as api_client,
        AsyncApiClient(Configuration(access_token=token, host=data_host)) as data_client,
    ):
        line = _Line(
            AsyncMessagingApi(api_client), AsyncMessagingApiBlob(data_client), host, data_host
        )
        try:
            await _line_webhook(line, endpoint, report)
            await _line_rich_menus(line, wanted, report)
        except ApiException as exc:
            report.problem(f"LINE refused the call: {_line_error(exc)}")


def _wanted_menus(report: Report, font: Path | None, image_out: Path | None) -> list[_WantedMenu]:
    """Each menu's definition, named by its fingerprint, and its image."""
    typeface = rich_menu.find_cjk_font(font)
    if not typeface.has_cjk:
        report.say(
            "no CJK font found (Debian: apt-get install fonts-noto-cjk, or pass --font): "
            "the rich menu images show their labels in English only"
        )
    wanted: list[_WantedMenu] = []
    for menu in rich_menu.MENUS:
        picture = rich_menu.image(typeface, menu)
        unnamed = rich_menu.definition(menu=menu)
        name = f"{rich_menu.NAME_PREFIX}{menu.key} {rich_menu.fingerprint(unnamed, picture)}"
        wanted.append(_WantedMenu(menu, rich_menu.definition(name, menu), picture))
        if image_out is not None:
            # menu.png for the default menu, menu-ja-en.png … for the others.
            out = image_out
            if menu.alias is not None:
                out = image_out.with_name(f"{image_out.stem}-{menu.key}{image_out.suffix}")
            out.write_bytes(picture)
            report.say(f"rich menu image ({menu.key}) written to {out}")
    return wanted


async def _line_webhook(line: _Line, endpoint: str, report: Report) -> None:
    report.call("LINE", f"PUT {line.host}/v2/bot/channel/webhook/endpoint", {"endpoint": endpoint})
    await line.api.set_webhook_endpoint(
        SetWebhookEndpointRequest(endpoint=endpoint), _request_timeout=TIMEOUT
    )
    report.call("LINE", f"GET {line.host}/v2/bot/channel/webhook/endpoint")
    current = await line.api.get_webhook_endpoint(_request_timeout=TIMEOUT)
    report.say(f"webhook: {current.endpoint}")
    if not current.active:
        report.problem(
            'webhooks are off for this channel: turn on "Use webhook" (LINE Official Account '
            "Manager → Settings → Messaging API, or the LINE Developers console)"
        )
    report.call("LINE", f"POST {line.host}/v2/bot/channel/webhook/test", {"endpoint": endpoint})
    test = await line.api.test_webhook_endpoint(
        TestWebhookEndpointRequest(endpoint=endpoint), _request_timeout=TIMEOUT
    )
    if test.success:
        report.say(f"webhook test: LINE reached {endpoint} ({test.status_code} {test.reason})")
    else:
        report.problem(
            f"webhook test failed: {test.status_code} {test.reason} {test.detail or ''}".strip()
        )


async def _line_rich_menus(line: _Line, wanted: Sequence[_WantedMenu], report: Report) -> None:
    report.call("LINE", f"GET {line.host}/v2/bot/richmenu/list")
    menus = (await line.api.get_rich_menu_list(_request_timeout=TIMEOUT)).richmenus
    ours = [menu for menu in menus if menu.name.startswith(rich_menu.NAME_PREFIX)]
    report.call("LINE", f"GET {line.host}/v2/bot/user/all/richmenu")
    try:
        default: str | None = (
            await line.api.get_default_rich_menu_id(_request_timeout=TIMEOUT)
        ).rich_menu_id
    except ApiException as exc:
        if exc.status != 404:  # 404: no default rich menu yet
            raise
        default = None
    report.call("LINE", f"GET {line.host}/v2/bot/richmenu/alias/list")
    aliases = {
        alias.rich_menu_alias_id: alias.rich_menu_id
        for alias in (await line.api.get_rich_menu_alias_list(_request_timeout=TIMEOUT)).aliases
    }
    kept: set[str] = set()
    for each in wanted:
        name, alias = each.definition.name, each.menu.alias
        current = next((menu for menu in ours if menu.name == name), None)
        shown = default if alias is None else aliases.get(alias)
        where = "everyone's default" if alias is None else f"the alias {alias!r}"
        if current is not None and current.rich_menu_id == shown:
            report.say(f"rich menu {name!r} is already {where}: nothing to change")
            kept.add(current.rich_menu_id)
            continue
        menu_id: str | None = None
        if current is not None:
            # Made by an earlier run that stopped before it was put in place.
            try:
                await _put_in_place(line, each.menu, current.rich_menu_id, alias in aliases, report)
                menu_id = current.rich_menu_id
            except ApiException as exc:
                if exc.status != 400:  # 400: its image never arrived; it is replaced below
                    raise
                report.say(f"menu {current.rich_menu_id} has no image ({_line_error(exc)})")
        if menu_id is None:
            report.call("LINE", f"POST {line.host}/v2/bot/richmenu", each.definition.to_dict())
            menu_id = (
                await line.api.create_rich_menu(each.definition, _request_timeout=TIMEOUT)
            ).rich_menu_id
            report.call(
                "LINE",
                f"POST {line.data_host}/v2/bot/richmenu/{menu_id}/content",
                f"<PNG image, {len(each.picture):,} bytes>",
            )
            await line.blob.set_rich_menu_image(
                menu_id,
                each.picture,
                _headers={"Content-Type": "image/png"},
                _request_timeout=TIMEOUT,
            )
            await _put_in_place(line, each.menu, menu_id, alias in aliases, report)
        if alias is not None:
            aliases[alias] = menu_id
        kept.add(menu_id)
        report.say(f"rich menu {menu_id} ({name!r}) is {where}")
    for old in ours:
        if old.rich_menu_id not in kept:
            report.call("LINE", f"DELETE {line.host}/v2/bot/richmenu/{old.rich_menu_id}")
            await line.api.delete_rich_menu(old.rich_menu_id, _request_timeout=TIMEOUT)


async def _put_in_place(
    line: _Line, menu: rich_menu.Menu, menu_id: str, alias_exists: bool, report: Report
) -> None:
    """Make ``menu_id`` everyone's default, or point ``menu``'s alias at it."""
    if menu.alias is None:
        await _set_default(line, menu_id, report)
    elif alias_exists:
        report.call(
            "LINE", f"POST {line.host}/v2/bot/richmenu/alias/{menu.alias}", {"richMenuId": menu_id}
        )
        await line.api.update_rich_menu_alias(
            menu.alias, UpdateRichMenuAliasRequest(rich_menu_id=menu_id), _request_timeout=TIMEOUT
        )
    else:
        request = CreateRichMenuAliasRequest(rich_menu_alias_id=menu.alias, rich_menu_id=menu_id)
        report.call("LINE", f"POST {line.host}/v2/bot/richmenu/alias", request.to_dict())
        await line.api.create_rich_menu_alias(request, _request_timeout=TIMEOUT)


async def _set_default(line: _Line, menu_id: str, report: Report) -> None:
    report.call("LINE", f"POST {line.host}/v2/bot/user/all/richmenu/{menu_id}")
    await line.api.set_default_rich_menu(menu_id, _request_timeout=TIMEOUT)


# -- both --------------------------------------------------------------------------------------


async def run(
    settings: Settings,
    public_url: str,
    out: TextIO,
    *,
    dry_run: bool = False,
    font: Path | None = None,
    image_out: Path | None = None,
) -> int:
    """Set up every configured channel; 0 when all went well, 1 when something needs a look."""
    base = public_base(public_url)
    if not settings.line_enabled and not settings.telegram_enabled:
        raise ConfigurationError(
            "neither LINE nor Telegram is configured: fill in LINE_CHANNEL_SECRET and "
            "LINE_CHANNEL_ACCESS_TOKEN, or TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET, first"
        )
    report = Report(out, dry_run)
    started = dt.datetime.now(dt.UTC)
    if settings.telegram_enabled:
        print(f"Telegram: webhook {base + TELEGRAM_WEBHOOK_PATH}", file=out)
        await setup_telegram(settings, base, report)
    else:
        print("Telegram: not configured (TELEGRAM_BOT_TOKEN unset), skipped", file=out)
    if settings.line_enabled:
        print(f"LINE: webhook {base + LINE_WEBHOOK_PATH}", file=out)
        await setup_line(settings, base, report, font=font, image_out=image_out)
        print(
            "LINE: in LINE Official Account Manager → Settings → Response settings, turn "
            '"Auto-reply messages" off (else LINE answers every message a second time) and '
            '"Webhooks" on; this command cannot.',
            file=out,
        )
    else:
        print("LINE: not configured (LINE_CHANNEL_SECRET unset), skipped", file=out)
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    if report.dry_run:
        print("dry run: nothing was called", file=out)
    elif report.problems:
        print(f"done in {seconds:.1f} s, {len(report.problems)} problem(s) above", file=out)
    else:
        print(f"done in {seconds:.1f} s: all set", file=out)
    return 1 if report.problems else 0
