"""``python -m bot setup`` against the fake LINE and Telegram APIs: each call and its payload,
nothing created or uploaded on a second run, a changed menu replacing the old one, and what it
says when LINE or Telegram report a problem."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot import rich_menu
from bot.errors import ConfigurationError
from bot.settings import Settings
from bot.setup import ALLOWED_UPDATES, GROUP_COMMANDS, run, visitor_commands
from tests.channels.conftest import (
    LINE_SECRET,
    LINE_TOKEN,
    SECRETS,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
)
from tests.conftest import ROOT
from tests.fakes.line_api import (
    DEFAULT_RICH_MENU,
    RICH_MENU,
    RICH_MENU_ALIAS,
    RICH_MENU_ALIAS_LIST,
    RICH_MENU_LIST,
    WEBHOOK_ENDPOINT,
    WEBHOOK_TEST,
    FakeLineApi,
)
from tests.fakes.telegram_api import FakeTelegramApi

PUBLIC = "https://desk.example.test"
STAFF_CHAT = -1001987654321
HAND_MADE = "richmenu-00000000000000000000000000000001"


@dataclass
class Platforms:
    line: FakeLineApi
    telegram: FakeTelegramApi
    settings: Settings

    async def setup(self, **options: Any) -> tuple[int, str]:
        out = io.StringIO()
        code = await run(self.settings, PUBLIC + "/", out, **options)
        return code, out.getvalue()

    def line_paths(self) -> list[tuple[str, str, str]]:
        return [(call.host, call.method, call.path) for call in self.line.calls]


@pytest.fixture
async def platforms(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Platforms]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    line = FakeLineApi(LINE_TOKEN)
    telegram = FakeTelegramApi(TELEGRAM_TOKEN)
    await line.start()
    await telegram.start()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        line_channel_secret=LINE_SECRET,
        line_channel_access_token=LINE_TOKEN,
        line_api_base_url=line.url,
        line_api_data_base_url=line.data_url,
        telegram_bot_token=TELEGRAM_TOKEN,
        telegram_webhook_secret=TELEGRAM_SECRET,
        telegram_api_base_url=telegram.base_url,
        staff_telegram_chat_id=STAFF_CHAT,
    )
    try:
        yield Platforms(line, telegram, settings)
    finally:
        await line.close()
        await telegram.close()


async def test_first_run_makes_every_call_with_its_payload(platforms: Platforms) -> None:
    code, out = await platforms.setup()
    assert code == 0, out
    assert out.rstrip().endswith("all set")

    # Telegram: the webhook with its secret and only the updates the bot reads …
    telegram = platforms.telegram
    assert [c.method for c in telegram.calls] == [
        "setWebhook",
        *["setMyCommands"] * (len(visitor_commands()) + 1),
        "getWebhookInfo",
    ]
    [webhook] = telegram.calls_to("setWebhook")
    assert webhook.params["url"] == f"{PUBLIC}/webhooks/telegram"
    assert webhook.params["secret_token"] == TELEGRAM_SECRET
    assert (
        webhook.params["allowed_updates"] == list(ALLOWED_UPDATES) == ["message", "callback_query"]
    )
    # … the visitors' commands in the default language (English), Chinese, Japanese, Korean …
    assert set(telegram.commands) == {
        ("all_private_chats", ""),
        ("all_private_chats", "zh"),
        ("all_private_chats", "ja"),
        ("all_private_chats", "ko"),
        ("all_group_chats", ""),
    }
    descriptions: dict[str, list[str]] = {}
    for (scope, code_), commands in telegram.commands.items():
        if scope == "all_private_chats":
            assert [c["command"] for c in commands] == [
                "help",
                "human",
                "status",
                "cancel",
                "lang",
                "delete",
            ]
            descriptions[code_] = [c["description"] for c in commands]
    assert descriptions[""][1] == "Ask county staff to help you"
    assert descriptions["zh"][1] == "請承辦人員協助"
    assert all(any("\u3040" <= ch <= "\u30ff" for ch in d) for d in descriptions["ja"][1:4])
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in d) for d in descriptions["ko"])
    assert len({tuple(d) for d in descriptions.values()}) == 4  # four different lists
    assert [c["command"] for c in telegram.commands[("all_group_chats", "")]] == [
        name for name, _ in GROUP_COMMANDS
    ]

    # LINE: the webhook set, read back and tested; then the rich menus: everyone's default
    # (Chinese and English), and the Japanese and Korean ones under their aliases.
    line = platforms.line
    creates = line.calls_to(RICH_MENU)
    default_id, japanese_id, korean_id = line.rich_menus
    assert platforms.line_paths() == [
        ("api", "PUT", WEBHOOK_ENDPOINT),
        ("api", "GET", WEBHOOK_ENDPOINT),
        ("api", "POST", WEBHOOK_TEST),
        ("api", "GET", RICH_MENU_LIST),
        ("api", "GET", DEFAULT_RICH_MENU),
        ("api", "GET", RICH_MENU_ALIAS_LIST),
        ("api", "POST", RICH_MENU),
        ("data", "POST", f"/v2/bot/richmenu/{default_id}/content"),
        ("api", "POST", f"/v2/bot/user/all/richmenu/{default_id}"),
        ("api", "POST", RICH_MENU),
        ("data", "POST", f"/v2/bot/richmenu/{japanese_id}/content"),
        ("api", "POST", RICH_MENU_ALIAS),
        ("api", "POST", RICH_MENU),
        ("data", "POST", f"/v2/bot/richmenu/{korean_id}/content"),
        ("api", "POST", RICH_MENU_ALIAS),
    ]
    assert line.calls_to(WEBHOOK_ENDPOINT)[0].body == {"endpoint": f"{PUBLIC}/webhooks/line"}
    assert line.calls_to(WEBHOOK_TEST)[0].body == {"endpoint": f"{PUBLIC}/webhooks/line"}
    assert line.webhook_endpoint == f"{PUBLIC}/webhooks/line"
    assert line.default_rich_menu == default_id
    assert line.rich_menu_aliases == {"hualien-desk-ja": japanese_id, "hualien-desk-ko": korean_id}
    # Each menu in its languages, from the catalogs: the bar that opens it, what a tap says.
    assert [c.body["chatBarText"] for c in creates] == ["選單 Menu", "メニュー Menu", "메뉴 Menu"]
    said = [[a["action"].get("displayText") for a in c.body["areas"]] for c in creates]
    assert said[0][2] == "找承辦人員 / Talk to staff"
    assert said[1][2] == "職員に相談 / Talk to staff"
    assert said[2][2] == "직원 상담 / Talk to staff"
    pictures = []
    for create, menu_id in zip(creates, line.rich_menus, strict=True):
        menu = create.body
        assert menu["size"] == {"width": 2500, "height": 843}
        assert len(menu["chatBarText"]) <= 14
        assert menu["name"].startswith(rich_menu.NAME_PREFIX)
        actions = [area["action"] for area in menu["areas"]]
        assert [(a["type"], a.get("data") or a.get("text")) for a in actions] == [
            ("postback", "help"),
            ("postback", "entry:contact.emergency"),
            ("postback", "staff"),
            ("message", "/lang"),
        ]
        assert all(len(a["label"]) <= 20 for a in actions)
        # The areas tile the image exactly, side by side.
        bounds = [area["bounds"] for area in menu["areas"]]
        assert sum(b["width"] for b in bounds) == 2500
        assert all(b["height"] == 843 and b["y"] == 0 for b in bounds)
        assert [b["x"] for b in bounds] == [0, 625, 1250, 1875]
        # The image went to the data host only, as a PNG of the menu's size, under LINE's 1 MB.
        content_type, picture = line.rich_menu_images[menu_id]
        assert content_type == "image/png"
        assert len(picture) < 1024 * 1024
        with Image.open(io.BytesIO(picture)) as opened:
            assert opened.format == "PNG"
            assert opened.size == (2500, 843)
        pictures.append(picture)
    assert len(set(pictures)) == 3  # each drawn in its own languages


async def test_second_run_creates_and_uploads_nothing(platforms: Platforms) -> None:
    assert (await platforms.setup())[0] == 0
    first = len(platforms.line.calls)
    code, out = await platforms.setup()
    assert code == 0, out
    again = platforms.line_paths()[first:]
    assert again == [
        ("api", "PUT", WEBHOOK_ENDPOINT),
        ("api", "GET", WEBHOOK_ENDPOINT),
        ("api", "POST", WEBHOOK_TEST),
        ("api", "GET", RICH_MENU_LIST),
        ("api", "GET", DEFAULT_RICH_MENU),
        ("api", "GET", RICH_MENU_ALIAS_LIST),
    ]
    assert "already everyone's default: nothing to change" in out
    assert out.count("nothing to change") == 3
    assert len(platforms.line.rich_menus) == 3


async def test_a_changed_menu_replaces_the_one_setup_made_and_no_other(
    platforms: Platforms, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A menu somebody made by hand in the LINE console: setup must leave it alone.
    platforms.line.rich_menus[HAND_MADE] = {
        "richMenuId": HAND_MADE,
        **rich_menu.definition("spring campaign").to_dict(),
    }
    assert (await platforms.setup())[0] == 0
    first = set(platforms.line.rich_menus) - {HAND_MADE}
    first_default = platforms.line.default_rich_menu
    recoloured = dataclasses.replace(rich_menu.BUTTONS[0], colour="#225522")
    monkeypatch.setattr(rich_menu, "BUTTONS", (recoloured, *rich_menu.BUTTONS[1:]))
    code, out = await platforms.setup()
    assert code == 0, out
    assert len(platforms.line.calls_to(RICH_MENU)) == 6
    assert set(platforms.line.rich_menus) == {
        HAND_MADE,
        platforms.line.default_rich_menu,
        *platforms.line.rich_menu_aliases.values(),
    }
    assert platforms.line.default_rich_menu != first_default
    assert not first & set(platforms.line.rich_menus)
    assert ("api", "DELETE", f"/v2/bot/richmenu/{first_default}") in platforms.line_paths()


async def test_a_changed_japanese_menu_replaces_only_itself_and_moves_its_alias(
    platforms: Platforms, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await platforms.setup())[0] == 0
    before = dict(platforms.line.rich_menu_aliases)
    default = platforms.line.default_rich_menu
    # The Japanese menu drawn in another face: a new image, so a new menu.
    redrawn = dataclasses.replace(rich_menu.JAPANESE_MENU, face=" KR")
    monkeypatch.setattr(
        rich_menu, "MENUS", (rich_menu.DEFAULT_MENU, redrawn, rich_menu.KOREAN_MENU)
    )
    calls = len(platforms.line.calls)
    code, out = await platforms.setup()
    assert code == 0, out
    made = [c for c in platforms.line.calls[calls:] if c.method in ("POST", "DELETE")]
    japanese = platforms.line.rich_menu_aliases["hualien-desk-ja"]
    assert [(c.method, c.path) for c in made] == [
        ("POST", WEBHOOK_TEST),
        ("POST", RICH_MENU),
        ("POST", f"/v2/bot/richmenu/{japanese}/content"),
        ("POST", f"{RICH_MENU_ALIAS}/hualien-desk-ja"),
        ("DELETE", f"/v2/bot/richmenu/{before['hualien-desk-ja']}"),
    ]
    assert japanese != before["hualien-desk-ja"]
    assert platforms.line.rich_menu_aliases["hualien-desk-ko"] == before["hualien-desk-ko"]
    assert platforms.line.default_rich_menu == default


async def test_a_menu_left_without_its_image_is_replaced_on_the_next_run(
    platforms: Platforms,
) -> None:
    platforms.line.fail_next(1, 500, host="data", message="Internal error")
    code, out = await platforms.setup()
    assert code == 1
    assert "LINE refused the call: 500" in out
    [broken] = platforms.line.rich_menus
    assert platforms.line.default_rich_menu is None

    code, out = await platforms.setup()
    assert code == 0, out
    assert broken not in platforms.line.rich_menus
    assert len(platforms.line.rich_menus) == 3
    assert set(platforms.line.rich_menu_images) == set(platforms.line.rich_menus)
    assert platforms.line.default_rich_menu in platforms.line.rich_menus


async def test_problems_reported_by_the_platforms_are_printed(platforms: Platforms) -> None:
    platforms.telegram.last_error_message = (
        "Wrong response from the webhook: 503 Service Unavailable"
    )
    platforms.line.webhook_active = False
    platforms.line.webhook_test_result = {
        "success": False,
        "timestamp": "2026-11-26T02:00:00.000Z",
        "statusCode": 404,
        "reason": "Not Found",
        "detail": "404",
    }
    code, out = await platforms.setup()
    assert code == 1
    assert "Wrong response from the webhook: 503 Service Unavailable" in out
    assert '"Use webhook"' in out
    assert "webhook test failed: 404 Not Found" in out
    assert "3 problem(s) above" in out


async def test_dry_run_calls_nothing_and_prints_every_call(platforms: Platforms) -> None:
    code, out = await platforms.setup(dry_run=True)
    assert code == 0
    assert platforms.line.calls == []
    assert platforms.telegram.calls == []
    lines = [line for line in out.splitlines() if line.startswith("would call")]
    assert len([line for line in lines if "Telegram setMyCommands" in line]) == 5
    for expected in (
        "Telegram setWebhook",
        "Telegram getWebhookInfo",
        "PUT " + platforms.line.url + WEBHOOK_ENDPOINT,
        "POST " + platforms.line.url + WEBHOOK_TEST,
        "POST " + platforms.line.url + RICH_MENU + " ",
        "POST " + platforms.line.data_url + "/v2/bot/richmenu/{richMenuId}/content",
        "POST " + platforms.line.url + "/v2/bot/user/all/richmenu/{richMenuId}",
        "POST " + platforms.line.url + "/v2/bot/richmenu/alias[/hualien-desk-ja]",
        "POST " + platforms.line.url + "/v2/bot/richmenu/alias[/hualien-desk-ko]",
    ):
        assert any(expected in line for line in lines), expected
    assert "nothing was called" in out


async def test_no_secret_is_printed(platforms: Platforms) -> None:
    for options in ({"dry_run": True}, {}):
        _, out = await platforms.setup(**options)
        for secret in SECRETS:
            assert secret not in out


async def test_without_a_cjk_font_the_menu_has_english_labels_and_says_so(
    platforms: Platforms, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(rich_menu, "_fontconfig_cjk", list)
    monkeypatch.setattr(rich_menu, "_KNOWN_CJK_FONTS", ())
    code, out = await platforms.setup(image_out=tmp_path / "menu.png")
    assert code == 0, out
    assert "no CJK font found" in out
    with Image.open(tmp_path / "menu.png") as opened:
        assert opened.size == (2500, 843)


async def test_a_plain_http_address_or_no_channel_is_refused(platforms: Platforms) -> None:
    with pytest.raises(ConfigurationError, match="https://"):
        await run(platforms.settings, "http://desk.example.test", io.StringIO())
    nothing = Settings(_env_file=None)  # type: ignore[call-arg]
    with pytest.raises(ConfigurationError, match="neither LINE nor Telegram"):
        await run(nothing, PUBLIC, io.StringIO())
    assert platforms.line.calls == []
    assert platforms.telegram.calls == []


async def test_the_command_line_runs_it(platforms: Platforms) -> None:
    env = {
        **os.environ,
        "NO_PROXY": "127.0.0.1,localhost",
        "LINE_CHANNEL_SECRET": LINE_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
        "LINE_API_BASE_URL": platforms.line.url,
        "LINE_API_DATA_BASE_URL": platforms.line.data_url,
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_API_BASE_URL": platforms.telegram.base_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "setup",
        "--public-url",
        PUBLIC,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, out.decode() + err.decode()
    assert platforms.line.default_rich_menu is not None
    assert platforms.telegram.webhook["url"] == f"{PUBLIC}/webhooks/telegram"
    assert "send /chatid there" in out.decode()  # no STAFF_TELEGRAM_CHAT_ID in this environment
