"""LINE webhooks end to end: signed payloads in, the real line-bot-sdk client out to a fake API."""

from __future__ import annotations

import copy
import json
import logging
import uuid
from typing import Any

import pytest

from bot.channels.line import LineChannel, _environment_proxy
from bot.kb.loader import KnowledgeBase
from bot.matcher import Decision, Matcher
from bot.text import Lang, has_han
from tests.channels.conftest import LINE_TOKEN, Desk, DeskFactory
from tests.channels.expected import (
    answer_text,
    candidate_options,
    entry_options,
    line_label,
    utf16_len,
    with_answer,
)
from tests.channels.payloads import (
    LINE_USER,
    line_body,
    line_follow,
    line_image,
    line_postback,
    line_sticker,
    line_text,
    ulid,
)
from tests.conftest import FIXTURES
from tests.fakes.line_api import PROFILE, PUSH, REPLY


def quick_reply(options: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "items": [
            {
                "type": "action",
                "action": {
                    "type": "postback",
                    "label": line_label(label),
                    "data": choice,
                    "displayText": label,
                },
            }
            for label, choice in options
        ]
    }


async def test_text_question_gets_answer_flex_contacts_and_quick_replies(
    desk: Desk, kb: KnowledgeBase
) -> None:
    event = line_text("county government phone number")
    response = await desk.post_line(line_body(event))
    assert response.status == 200
    assert await response.json() == {"ok": True}

    [call] = await desk.line.wait_for(REPLY)
    await desk.settle()
    assert call.method == "POST"
    assert call.headers["Authorization"] == f"Bearer {LINE_TOKEN}"
    assert "X-Line-Retry-Key" not in call.headers  # reply has no retry key
    assert call.body == {
        "replyToken": event["replyToken"],
        "messages": [
            {
                "type": "text",
                "text": answer_text(kb, "contact.county-government", Lang.EN, desk.settings),
            },
            {
                "type": "flex",
                "altText": "Hualien County Government +886 3 822 7171 No. 17 Fuqian Rd, Hualien City",
                "contents": {
                    "type": "bubble",
                    "body": {
                        "type": "box",
                        "layout": "vertical",
                        "spacing": "sm",
                        "contents": [
                            {
                                "type": "text",
                                "text": "Hualien County Government",
                                "size": "md",
                                "weight": "bold",
                                "wrap": True,
                            },
                            {
                                "type": "text",
                                "text": "+886 3 822 7171\nNo. 17 Fuqian Rd, Hualien City",
                                "size": "sm",
                                "color": "#555555",
                                "wrap": True,
                            },
                        ],
                    },
                    "footer": {
                        "type": "box",
                        "layout": "vertical",
                        "spacing": "sm",
                        "contents": [
                            {
                                "type": "button",
                                "style": "primary",
                                "height": "sm",
                                "action": {
                                    "type": "uri",
                                    "label": "Call +886 3 822 7171",
                                    "uri": "tel:+88638227171",
                                },
                            },
                            {
                                "type": "button",
                                "style": "secondary",
                                "height": "sm",
                                "action": {
                                    "type": "uri",
                                    "label": "Map",
                                    "uri": "https://www.google.com/maps/search/?api=1&query="
                                    "%E8%8A%B1%E8%93%AE%E5%B8%82%E5%BA%9C%E5%89%8D%E8%B7%AF17%E8%99%9F",
                                },
                            },
                            {
                                "type": "button",
                                "style": "link",
                                "height": "sm",
                                "action": {
                                    "type": "uri",
                                    "label": "Website",
                                    "uri": "https://www.hl.gov.tw",
                                },
                            },
                        ],
                    },
                },
                "quickReply": quick_reply(entry_options(kb, "contact.county-government", Lang.EN)),
            },
        ],
        "notificationDisabled": False,
    }
    assert desk.line.calls_to(PUSH) == []


async def test_chinese_question_gets_chinese_answer_and_chinese_card(
    desk: Desk, kb: KnowledgeBase
) -> None:
    event = line_text("縣府總機電話幾號？")
    assert (await desk.post_line(line_body(event))).status == 200
    [call] = await desk.line.wait_for(REPLY)
    text, flex = call.body["messages"]
    assert text == {
        "type": "text",
        "text": answer_text(kb, "contact.county-government", Lang.ZH_HANT, desk.settings),
    }
    assert flex["contents"]["body"]["contents"][0]["text"] == "花蓮縣政府"
    buttons = [b["action"] for b in flex["contents"]["footer"]["contents"]]
    assert buttons[0] == {"type": "uri", "label": "撥打 03-822-7171", "uri": "tel:+88638227171"}
    assert flex["quickReply"] == quick_reply(
        entry_options(kb, "contact.county-government", Lang.ZH_HANT)
    )


async def test_ambiguous_question_offers_choices_as_postback_quick_replies(
    desk: Desk, kb: KnowledgeBase, matcher: Matcher
) -> None:
    match = matcher.match("festival")
    assert match.decision is Decision.CLARIFY, "the matcher no longer finds 'festival' ambiguous"
    event = line_text("festival")
    assert (await desk.post_line(line_body(event))).status == 200
    [call] = await desk.line.wait_for(REPLY)
    options = candidate_options(kb, match.candidates, Lang.EN)
    numbered = [f"{n}. {label}" for n, (label, _) in enumerate(options[:-1], 1)]
    assert call.body == {
        "replyToken": event["replyToken"],
        "messages": [
            {
                "type": "text",
                "text": "\n".join(["Did you mean one of these?", *numbered]),
                "quickReply": quick_reply(options),
            }
        ],
        "notificationDisabled": False,
    }
    data = [item["action"]["data"] for item in call.body["messages"][0]["quickReply"]["items"]]
    assert data[-1] == "staff"
    assert all(d.startswith("entry:") for d in data[:-1])


async def test_postback_answers_the_chosen_entry(desk: Desk, kb: KnowledgeBase) -> None:
    event = line_postback("entry:event.summer-festival")
    assert (await desk.post_line(line_body(event))).status == 200
    [call] = await desk.line.wait_for(REPLY)
    assert call.body["replyToken"] == event["replyToken"]
    text, card = call.body["messages"]
    assert text == {
        "type": "text",
        "text": answer_text(kb, "event.summer-festival", Lang.EN, desk.settings),
    }
    assert card["type"] == "flex"  # the festival's organiser, as a contact card
    assert card["quickReply"] == quick_reply(entry_options(kb, "event.summer-festival", Lang.EN))


async def test_numbered_reply_picks_an_offered_choice(
    desk: Desk, kb: KnowledgeBase, matcher: Matcher
) -> None:
    match = matcher.match("festival")
    assert match.decision is Decision.CLARIFY
    assert (await desk.post_line(line_body(line_text("festival")))).status == 200
    await desk.line.wait_for(REPLY)
    assert (await desk.post_line(line_body(line_text("2")))).status == 200
    [_, call] = await desk.line.wait_for(REPLY, count=2)
    assert call.body["messages"][0]["text"] == answer_text(
        kb, match.candidates[1], Lang.EN, desk.settings
    )


async def test_chinese_visitor_tapping_an_option_gets_chinese(
    desk: Desk, kb: KnowledgeBase, matcher: Matcher
) -> None:
    match = matcher.match("節慶活動")
    assert match.decision is Decision.CLARIFY
    assert (await desk.post_line(line_body(line_text("節慶活動")))).status == 200
    [offer] = await desk.line.wait_for(REPLY)
    items = offer.body["messages"][-1]["quickReply"]["items"]
    assert (
        items[0]["action"]["displayText"]
        == candidate_options(kb, match.candidates, Lang.ZH_HANT)[0][0]
    )
    tapped = items[0]["action"]["data"]
    assert (await desk.post_line(line_body(line_postback(tapped)))).status == 200
    [_, call] = await desk.line.wait_for(REPLY, count=2)
    assert call.body["messages"][0]["text"] == answer_text(
        kb, tapped.removeprefix("entry:"), Lang.ZH_HANT, desk.settings
    )


async def test_postback_staff_hands_off(desk: Desk) -> None:
    assert (await desk.post_line(line_body(line_postback("staff")))).status == 200
    [call] = await desk.line.wait_for(REPLY)
    [message] = call.body["messages"]
    assert "staff as request #1" in message["text"]
    # The visitor can follow the request: its status and a way to close it.
    items = message["quickReply"]["items"]
    assert [item["action"]["data"] for item in items] == ["ticket:status", "ticket:cancel"]


async def test_follow_gets_bilingual_welcome_with_quick_replies(desk: Desk) -> None:
    event = line_follow()
    assert (await desk.post_line(line_body(event))).status == 200
    [call] = await desk.line.wait_for(REPLY)
    [message] = call.body["messages"]
    assert call.body["replyToken"] == event["replyToken"]
    assert message["type"] == "text"
    assert "Hello" in message["text"]
    assert "您好" in message["text"]
    assert message["quickReply"] == quick_reply(
        [
            ("English", "lang:en"),
            ("繁體中文", "lang:zh-Hant"),
            ("简体中文", "lang:zh-Hans"),
            ("日本語", "lang:ja"),
            ("한국어", "lang:ko"),
            ("Help", "help"),
            ("Ask staff", "staff"),
        ]
    )


async def test_a_japanese_line_profile_is_welcomed_in_japanese(desk: Desk) -> None:
    desk.line.profile_languages[LINE_USER] = "ja"
    assert (await desk.post_line(line_body(line_follow()))).status == 200
    [call] = await desk.line.wait_for(REPLY)
    assert "こんにちは" in call.body["messages"][0]["text"]
    assert desk.line.calls_to(PROFILE + LINE_USER)  # looked up once the visitor added us
    # What the visitor then writes wins over the profile.
    assert (
        await desk.post_line(line_body(line_text("county government phone number")))
    ).status == 200
    [_, answer] = await desk.line.wait_for(REPLY, count=2)
    assert not has_han(answer.body["messages"][0]["text"].split("\n")[0])


async def test_a_line_profile_that_fails_leaves_the_bilingual_welcome(desk: Desk) -> None:
    desk.line.profile_languages[LINE_USER] = "ko"
    desk.line.fail_next(status=500, path=PROFILE + LINE_USER)
    assert (await desk.post_line(line_body(line_follow()))).status == 200
    [call] = await desk.line.wait_for(REPLY)
    assert "Hello" in call.body["messages"][0]["text"]
    assert "您好" in call.body["messages"][0]["text"]


@pytest.mark.parametrize("make_event", [line_sticker, line_image], ids=["sticker", "image"])
async def test_sticker_or_image_gets_polite_bilingual_reply(desk: Desk, make_event: Any) -> None:
    event = make_event()
    assert (await desk.post_line(line_body(event))).status == 200
    [call] = await desk.line.wait_for(REPLY)
    [message] = call.body["messages"]
    assert call.body["replyToken"] == event["replyToken"]
    assert message["type"] == "text"
    assert has_han(message["text"])
    assert "Sorry" in message["text"]


async def test_unknown_event_types_are_acknowledged_and_ignored(desk: Desk) -> None:
    unknown = line_follow()
    unknown["type"] = "somethingLineAddsNextYear"
    del unknown["follow"]
    unfollow = line_follow(with_token=False)
    unfollow["type"] = "unfollow"
    del unfollow["follow"]
    response = await desk.post_line(line_body(unknown, unfollow))
    assert response.status == 200
    await desk.settle()
    assert desk.line.calls == []


async def test_webhook_verification_with_no_events(desk: Desk) -> None:
    """The console's "Verify" button sends an empty events list."""
    response = await desk.post_line(line_body())
    assert response.status == 200
    await desk.settle()
    assert desk.line.calls == []


async def test_redelivered_event_is_not_answered_twice(desk: Desk) -> None:
    event = line_text("sister cities")
    assert (await desk.post_line(line_body(event))).status == 200
    await desk.line.wait_for(REPLY)
    again = copy.deepcopy(event)
    again["deliveryContext"]["isRedelivery"] = True
    assert (await desk.post_line(line_body(again))).status == 200
    await desk.settle()
    assert len(desk.line.sent) == 1


async def test_same_text_with_new_event_id_is_answered_again(desk: Desk) -> None:
    for _ in range(2):
        assert (await desk.post_line(line_body(line_text("sister cities")))).status == 200
    await desk.line.wait_for(REPLY, count=2)


async def test_expired_reply_token_falls_back_to_push_with_retry_key(
    desk: Desk, kb: KnowledgeBase
) -> None:
    desk.line.fail_next(1, 400, path=REPLY, message="Invalid reply token")
    event = line_text("county government phone number")
    assert (await desk.post_line(line_body(event))).status == 200
    [push] = await desk.line.wait_for(PUSH)
    [reply] = desk.line.calls_to(REPLY)
    assert push.body["to"] == LINE_USER
    assert push.body["messages"] == reply.body["messages"]
    assert push.body["messages"][0]["text"] == answer_text(
        kb, "contact.county-government", Lang.EN, desk.settings
    )
    assert uuid.UUID(push.headers["X-Line-Retry-Key"])
    assert push.headers["Authorization"] == f"Bearer {LINE_TOKEN}"


async def test_server_error_from_line_is_retried_until_delivered_once(desk: Desk) -> None:
    desk.line.fail_next(1, 500, path=REPLY)
    assert (await desk.post_line(line_body(line_text("sister cities")))).status == 200
    first, retry = await desk.line.wait_for(REPLY, count=2)
    await desk.settle()
    # The reply failed once; the retry used the same token, still fresh (had the first try got
    # through, LINE would refuse the spent token and that would say so): no push, no double.
    assert retry.body["replyToken"] == first.body["replyToken"]
    assert retry.body["messages"] == first.body["messages"]
    assert desk.line.calls_to(PUSH) == []
    # The server keeps working for the next visitor.
    assert (await desk.post_line(line_body(line_text("sister cities")))).status == 200
    await desk.line.wait_for(REPLY, count=3)


async def test_long_answer_is_split_by_utf16_into_at_most_five_messages(
    make_desk: DeskFactory, kb: KnowledgeBase
) -> None:
    # 3,000 emoji are 3,000 code points but 6,000 UTF-16 units: len() would not split them.
    emoji = "🌊" * 3000
    paragraphs = "\n\n".join(f"Paragraph {n}: " + "Hualien coast. " * 200 for n in range(12))
    long_kb = with_answer(kb, "contact.county-government", en=emoji, zh=paragraphs)
    desk = await make_desk(knowledge=long_kb)

    assert (
        await desk.post_line(line_body(line_postback("entry:contact.county-government")))
    ).status == 200
    [call] = await desk.line.wait_for(REPLY)
    messages = call.body["messages"]
    texts = [m["text"] for m in messages if m["type"] == "text"]
    assert len(texts) == 2
    assert all(utf16_len(t) <= 5000 for t in texts)
    assert "".join(texts) == emoji
    assert messages[-1]["type"] == "flex"
    assert "quickReply" in messages[-1]

    # A longer answer (about 36,000 units) still goes out as one call of at most five messages.
    assert (await desk.post_line(line_body(line_text("花蓮縣政府電話")))).status == 200
    [_, call] = await desk.line.wait_for(REPLY, count=2)
    messages = call.body["messages"]
    assert 1 < len(messages) <= 5
    assert all(utf16_len(m["text"]) <= 5000 for m in messages if m["type"] == "text")
    assert messages[0]["text"].startswith("Paragraph 0:")
    assert "quickReply" in messages[-1]


async def test_every_documented_event_kind_is_accepted(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    payload = json.loads((FIXTURES / "line-webhook-all-events.json").read_text("utf-8"))
    for event in payload["events"]:
        event["webhookEventId"] = ulid()  # the published sample reuses one id for all
    caplog.set_level(logging.INFO)
    response = await desk.post_line(payload)
    assert response.status == 200
    await desk.settle()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    # A reply for every message, postback and follow from a visitor in a 1:1 chat, and for the
    # bot joining a group (where requests to staff go); in a group or room only a general
    # answer (tests/channels/test_line_groups.py); none for leaves or unknown types.
    answerable = [e for e in payload["events"] if e["type"] in ("message", "postback", "follow")]
    one_to_one = [e for e in answerable if e["source"]["type"] == "user"]
    in_groups = [e for e in answerable if e["source"]["type"] in ("group", "room")]
    joins = [e for e in payload["events"] if e["type"] == "join"]
    answered = {c.body["replyToken"] for c in desk.line.calls_to(REPLY)}
    assert {e["replyToken"] for e in one_to_one + joins} <= answered
    assert len(answered) <= len(one_to_one) + len(joins) + len(in_groups)
    for call in desk.line.calls_to(REPLY):
        assert 1 <= len(call.body["messages"]) <= 5
        assert all(m.get("text", "x").strip() for m in call.body["messages"])


async def test_a_sticker_keeps_the_conversation_language(desk: Desk) -> None:
    for event in (line_text("緊急電話"), line_sticker(), line_postback("help")):
        assert (await desk.post_line(line_body(event))).status == 200
        await desk.settle()
    last = desk.line.calls_to(REPLY)[-1]
    # The tap after the sticker is answered in Chinese, as the conversation was.
    assert has_han(last.body["messages"][0]["text"])


def test_kept_messages_serialize_the_same_every_time_and_like_the_sdks_own(
    kb: KnowledgeBase,
) -> None:
    """Answers are built and turned into JSON once, then reused: what is sent must not drift
    (a caller changing one result must not change the next) and must equal the SDK's own."""
    from linebot.v3.messaging import FlexMessage, ReplyMessageRequest, TextMessage

    from bot.channels.line import to_line_messages
    from bot.models import Option, Reply

    entry = next(e for e in kb.entries if e.contacts)
    replies = [
        Reply(
            entry.answer.en,
            options=(Option("Ask staff", "handoff"),),
            contacts=tuple(entry.contacts),
            lang=Lang.EN,
        )
    ]
    first = ReplyMessageRequest(reply_token="t1", messages=to_line_messages(replies)).to_dict()
    expected = copy.deepcopy(first)
    first["messages"][0]["text"] = "changed by a caller"
    first["messages"][-1].pop("quickReply", None)
    again = ReplyMessageRequest(reply_token="t1", messages=to_line_messages(replies)).to_dict()
    assert again == expected
    # The SDK's own classes, built from the same JSON, serialize to the same JSON.
    plain = [
        (FlexMessage if m["type"] == "flex" else TextMessage).from_dict(m)
        for m in expected["messages"]
    ]
    assert ReplyMessageRequest(reply_token="t1", messages=plain).to_dict() == expected
    assert any(m["type"] == "flex" for m in expected["messages"])
    assert "quickReply" in expected["messages"][-1]


def test_a_kept_answer_is_serialized_by_the_sdk_once(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from linebot.v3.messaging import FlexMessage, ReplyMessageRequest, TextMessage

    from bot.channels.line import to_line_messages
    from bot.models import Reply

    built: list[str] = []
    for sdk_class in (TextMessage, FlexMessage):
        original = sdk_class.to_dict

        def counting(self: Any, original: Any = original) -> Any:
            built.append(self.type)
            return original(self)

        monkeypatch.setattr(sdk_class, "to_dict", counting)
    entry = next(e for e in kb.entries if e.contacts)
    # Text of its own, so that no earlier test has built these messages already.
    text = f"{entry.answer.zh_hant} ({uuid.uuid4()})"
    replies = [Reply(text, contacts=tuple(entry.contacts), lang=Lang.ZH_HANT)]
    for token in ("t1", "t2", "t3"):
        sent = ReplyMessageRequest(reply_token=token, messages=to_line_messages(replies))
        assert sent.to_dict()["replyToken"] == token
    assert sorted(built) == ["flex", "text"]


@pytest.mark.parametrize(
    ("environment", "url", "expected"),
    [
        (
            {"HTTPS_PROXY": "http://proxy.example:3128"},
            "https://api.line.me",
            "http://proxy.example:3128",
        ),
        (
            {"HTTPS_PROXY": "http://proxy.example:3128", "NO_PROXY": "127.0.0.1,localhost"},
            "https://127.0.0.1:8443",
            None,
        ),
        ({}, "https://api.line.me", None),
    ],
)
def test_the_proxy_is_taken_from_the_environment_once(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], url: str, expected: str | None
) -> None:
    # The SDK's own session would look it up (and read ~/.netrc) on every request.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert _environment_proxy(url) == expected


async def test_the_sdk_session_does_not_read_the_environment_on_each_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    channel = LineChannel("secret", "token", "https://api.line.me")
    await channel.start()
    try:
        rest = channel._client.rest_client if channel._client else None
        assert rest is not None
        assert rest.pool_manager.trust_env is False
        assert rest.proxy == "http://proxy.example:3128"
    finally:
        await channel.close()
    assert rest.pool_manager.closed
