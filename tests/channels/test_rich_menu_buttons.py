"""The LINE rich menu's buttons (bot/rich_menu.py), sent to the desk as LINE sends them: each
does what its label says. The menu only uses what the desk understands already."""

from __future__ import annotations

from bot import rich_menu
from bot.kb.loader import KnowledgeBase
from bot.text import Lang
from tests.channels.conftest import Desk
from tests.channels.expected import answer_text
from tests.channels.payloads import LINE_USER, line_body, line_postback, line_text
from tests.fakes.line_api import REPLY


async def test_each_menu_button_does_what_its_label_says(desk: Desk, kb: KnowledgeBase) -> None:
    actions = [area.action for area in rich_menu.definition().areas]
    events = [
        line_postback(action.data) if action.type == "postback" else line_text(action.text)
        for action in actions
    ]
    replies = []
    for number, event in enumerate(events, 1):
        assert (await desk.post_line(line_body(event))).status == 200
        replies.append((await desk.line.wait_for(REPLY, count=number))[-1].body["messages"])
    ask, emergency, staff, language = replies
    assert "119" in emergency[0]["text"]
    assert "110" in emergency[0]["text"]
    assert "request #1" in staff[0]["text"]
    choices = [item["action"]["data"] for item in language[-1]["quickReply"]["items"]]
    assert "lang:en" in choices
    assert "lang:zh-Hant" in choices
    assert ask[0]["text"] == answer_text(kb, "faq.help", Lang.EN, desk.settings)


def _published(desk: Desk) -> dict[str, str]:
    """The fake LINE as ``python -m bot setup`` leaves it: three menus, two aliases."""
    ids = {}
    for number, menu in enumerate(rich_menu.MENUS, 1):
        menu_id = f"richmenu-{number:032x}"
        desk.line.rich_menus[menu_id] = {
            "richMenuId": menu_id,
            **rich_menu.definition(f"{rich_menu.NAME_PREFIX}{menu.key}", menu).to_dict(),
        }
        desk.line.rich_menu_images[menu_id] = ("image/png", b"png")
        if menu.alias:
            desk.line.rich_menu_aliases[menu.alias] = menu_id
        else:
            desk.line.default_rich_menu = menu_id
        ids[menu.key] = menu_id
    return ids


def _menu_calls(desk: Desk) -> list[tuple[str, str]]:
    return [
        (c.method, c.path)
        for c in desk.line.calls
        if c.path.startswith(("/v2/bot/user/U", "/v2/bot/richmenu/alias"))
    ]


async def _say(desk: Desk, text: str, number: int) -> None:
    assert (await desk.post_line(line_body(line_text(text)))).status == 200
    await desk.line.wait_for(REPLY, count=number)
    await desk.settle()


async def test_a_visitor_answered_in_japanese_or_korean_gets_that_menu(desk: Desk) -> None:
    ids = _published(desk)
    # Chinese: the default menu, and nothing asked of LINE for it.
    await _say(desk, "緊急電話", 1)
    assert _menu_calls(desk) == []
    assert LINE_USER not in desk.line.user_rich_menus

    await _say(desk, "花蓮空港から市内への行き方を教えてください", 2)
    assert desk.line.user_rich_menus[LINE_USER] == ids["ja-en"]
    await _say(desk, "空港の電話番号は？", 3)  # still Japanese: LINE is not asked again
    await _say(desk, "한국어로 해 주세요", 4)
    assert desk.line.user_rich_menus[LINE_USER] == ids["ko-en"]
    await _say(desk, "English please", 5)
    assert LINE_USER not in desk.line.user_rich_menus  # back to everyone's default
    assert _menu_calls(desk) == [
        ("GET", "/v2/bot/richmenu/alias/hualien-desk-ja"),
        ("POST", f"/v2/bot/user/{LINE_USER}/richmenu/{ids['ja-en']}"),
        ("GET", "/v2/bot/richmenu/alias/hualien-desk-ko"),
        ("POST", f"/v2/bot/user/{LINE_USER}/richmenu/{ids['ko-en']}"),
        ("DELETE", f"/v2/bot/user/{LINE_USER}/richmenu"),
    ]


async def test_without_published_menus_the_answer_still_goes_out(desk: Desk) -> None:
    # setup has not run: no alias to find. The visitor is answered all the same.
    await _say(desk, "花蓮空港から市内への行き方を教えてください", 1)
    assert desk.line.user_rich_menus == {}
    desk.line.fail_next(1, 500, path="/v2/bot/richmenu/alias/hualien-desk-ko")
    await _say(desk, "한국어로 해 주세요", 2)
    assert desk.line.user_rich_menus == {}
