"""The LINE rich menu's buttons (bot/rich_menu.py), sent to the desk as LINE sends them: each
does what its label says. The menu only uses what the desk understands already."""

from __future__ import annotations

from bot import rich_menu
from bot.kb.loader import KnowledgeBase
from bot.text import Lang
from tests.channels.conftest import Desk
from tests.channels.expected import answer_text
from tests.channels.payloads import line_body, line_postback, line_text
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
