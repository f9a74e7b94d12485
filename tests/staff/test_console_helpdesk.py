"""The staff console as a helpdesk (issue 16), through the real app: a follow-up reopens an
answered request, the list's order, its live pulse and search, assignment, internal notes
that reach nobody, canned answers, the visitor's other requests and conversation, the
curators' report with handled marks and drafts without personal details.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import aiohttp
import yaml

from bot.answers import TRANSLATED_NOTE
from bot.app import housekeeping_once
from bot.kb.schema import Entry
from bot.keys import RELAY, STORE
from bot.staff.accounts import hash_password
from bot.store import Priority, TicketStatus
from bot.store.tables import outbox
from bot.text import Lang
from tests.channels.conftest import Desk, DeskFactory
from tests.channels.payloads import line_body, line_text
from tests.staff.staff_group import STAFF_CHAT
from tests.staff.test_console import NAME, _signed_in
from tests.store.test_store_contract import count

COLLEAGUE = "Wei Chih-ming"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def _listed(desk: Desk, **query: str) -> list[dict[str, Any]]:
    response = await desk.client.get("/staff/api/tickets", params=query)
    assert response.status == 200
    tickets: list[dict[str, Any]] = (await response.json())["tickets"]
    return tickets


async def _web(desk: Desk, session: str, text: str | None = None, choice: str | None = None) -> Any:
    payload: dict[str, str] = {"session": session}
    if text is not None:
        payload["text"] = text
    if choice is not None:
        payload["choice"] = choice
    response = await desk.chat(payload)
    assert response.status == 200, await response.text()
    return await response.json()


async def _web_ticket(
    desk: Desk, session: str, text: str = "I want to talk to a real person"
) -> int:
    answer = await _web(desk, session, text)
    assert isinstance(answer["ticket"], int), answer
    return int(answer["ticket"])


# -- follow-ups ----------------------------------------------------------------------------------


async def test_a_visitor_writing_again_reopens_the_answered_request(desk: Desk) -> None:
    token = await _signed_in(desk)
    line_user = line_text("I want to talk to a real person")
    assert (await desk.post_line(line_body(line_user))).status == 200
    await desk.settle()
    [first] = await desk.app[STORE].tickets()
    older = await _web_ticket(desk, "web-older-0001", "我想找真人客服")

    replied = await desk.client.post(
        f"/staff/tickets/{first.number}/reply", data={"csrf": token, "text": "Bus 1133 at 9."}
    )
    assert replied.status == 200
    [answered] = [t for t in await _listed(desk) if t["number"] == first.number]
    assert (answered["status"], answered["new_reply"], answered["waiting_since"]) == (
        "answered",
        False,
        None,
    )
    assert answered["latest"]["from"] == "staff"

    # The visitor writes again on LINE: the request is theirs to follow, not the bot's.
    assert (await desk.post_line(line_body(line_text("And on Sunday?")))).status == 200
    await desk.settle()
    stored = await desk.app[STORE].ticket(first.number)
    assert stored is not None
    assert stored.status is TicketStatus.OPEN
    assert stored.new_reply_at is not None
    listed = await _listed(desk)
    # A new reply comes before a request that has waited longer but has nothing new.
    assert [t["number"] for t in listed] == [first.number, older]
    assert listed[0]["new_reply"] is True
    assert (listed[0]["latest"]["from"], listed[0]["latest"]["text"]) == (
        "visitor",
        "And on Sunday?",
    )
    page = await (await desk.client.get("/staff")).text()
    assert "New reply 訪客新留言" in page
    assert "And on Sunday?" in page
    assert "<title>(2) Requests" in page  # both wait for a staff answer
    ticket_page = await (await desk.client.get(f"/staff/tickets/{first.number}")).text()
    assert 'class="badge new-reply"' in ticket_page


async def test_changes_tell_live_pages_when_to_refresh(desk: Desk) -> None:
    await _signed_in(desk)

    async def changes() -> dict[str, Any]:
        response = await desk.client.get("/staff/api/changes")
        assert response.status == 200
        assert response.headers["Cache-Control"] == "no-store"
        data: dict[str, Any] = await response.json()
        return data

    empty = await changes()
    assert empty["waiting"] == 0
    number = await _web_ticket(desk, "web-visitor-0001")
    opened = await changes()
    assert opened["waiting"] == 1
    assert opened["version"] != empty["version"]
    assert await changes() == opened  # nothing happened since
    await desk.app[RELAY].reply(number, NAME, "Hello")
    answered = await changes()
    assert (answered["waiting"], answered["version"] != opened["version"]) == (0, True)
    # Without a session: 401, which the page shows as "signed out".
    async with aiohttp.ClientSession() as stranger:
        response = await stranger.get(desk.client.make_url("/staff/api/changes"))
        assert response.status == 401


# -- search, assignment --------------------------------------------------------------------------


async def test_search_by_number_text_and_visitor_with_hostile_text_escaped(desk: Desk) -> None:
    await _signed_in(desk)
    store = desk.app[STORE]
    tanaka = (await store.visitor("telegram", "8801", "Tanaka Hiroshi")).visitor_id
    ticket = await store.open_ticket(
        tanaka,
        channel="telegram",
        lang="en",
        priority=Priority.NORMAL,
        reason="asked",
        question="Where do I get the festival shuttle?",
    )
    other = await _web_ticket(desk, "web-visitor-0002")

    async def numbers(q: str, **more: str) -> list[int]:
        return [t["number"] for t in await _listed(desk, q=q, **more)]

    assert await numbers(str(ticket.number)) == [ticket.number]
    assert await numbers(f"#{other}") == [other]
    assert await numbers("SHUTTLE") == [ticket.number]
    assert await numbers("tanaka") == [ticket.number]
    assert await numbers("real person") == [other]
    # A search looks at closed requests too, unless a status is chosen.
    await store.set_status(ticket.number, TicketStatus.CLOSED, NAME)
    assert await numbers("shuttle") == [ticket.number]
    assert await numbers("shuttle", status="open") == []

    page = await desk.client.get("/staff", params={"q": HOSTILE})
    html = await page.text()
    assert page.status == 200
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "No request matches" in html
    # Odd input is no error: NUL, very long, lone percent signs.
    for odd in ("\x00", "%", "x" * 5000, "#99999999999"):
        assert (await desk.client.get("/staff", params={"q": odd})).status == 200


async def test_assign_to_a_colleague_and_the_mine_and_unassigned_filters(desk: Desk) -> None:
    token = await _signed_in(desk)
    await desk.app[STORE].add_staff(COLLEAGUE, hash_password("another-good-passphrase"))
    mine = await _web_ticket(desk, "web-visitor-0001")
    theirs = await _web_ticket(desk, "web-visitor-0002")
    await _web_ticket(desk, "web-visitor-0003")

    async def assign(number: int, who: str, csrf: str | None = token) -> Any:
        data = {"assignee": who}
        if csrf is not None:
            data["csrf"] = csrf
        return await desk.client.post(
            f"/staff/tickets/{number}/assign", data=data, allow_redirects=False
        )

    assert (await assign(mine, NAME)).status == 303
    assert (await assign(theirs, COLLEAGUE)).status == 303
    refused = await assign(theirs, NAME, csrf=None)
    assert refused.status == 403
    stored = await desk.app[STORE].ticket(theirs)
    assert stored is not None
    assert (stored.assignee, stored.status) == (COLLEAGUE, TicketStatus.CLAIMED)
    assert [t["number"] for t in await _listed(desk, who="mine")] == [mine]
    assert len(await _listed(desk, who="unassigned")) == 1
    page = await (await desk.client.get(f"/staff/tickets/{theirs}")).text()
    assert f'<option value="{COLLEAGUE}" selected>' in page

    # No such account: nothing changes.
    response = await assign(theirs, "Nobody Known")
    assert response.status == 303
    stored = await desk.app[STORE].ticket(theirs)
    assert stored is not None
    assert stored.assignee == COLLEAGUE
    flash = await (await desk.client.get(f"/staff/tickets/{theirs}")).text()
    assert "There is no such staff account" in flash
    # To nobody: open again.
    await assign(theirs, "")
    stored = await desk.app[STORE].ticket(theirs)
    assert stored is not None
    assert (stored.assignee, stored.status) == (None, TicketStatus.OPEN)


# -- internal notes ------------------------------------------------------------------------------


async def test_internal_notes_reach_no_channel(make_desk: DeskFactory) -> None:
    desk = await make_desk(staff_telegram_chat_id=STAFF_CHAT)
    token = await _signed_in(desk)
    secret = f"Visitor's passport AB1234567; call back at 0912-345-678 {HOSTILE}"
    # A LINE visitor and a web visitor, each with a request (and a card in the staff group).
    assert (
        await desk.post_line(line_body(line_text("I want to talk to a real person")))
    ).status == 200
    await desk.settle()
    [line_ticket] = await desk.app[STORE].tickets()
    web_ticket = await _web_ticket(desk, "web-visitor-0001")
    await desk.settle()
    telegram_before = len(desk.telegram.calls)
    line_before = len(desk.line.calls)

    for number in (line_ticket.number, web_ticket):
        response = await desk.client.post(
            f"/staff/tickets/{number}/note", data={"csrf": token, "note": secret}
        )
        assert response.status == 200
        html = await response.text()
        assert "Note saved; the visitor does not see it" in html
        assert HOSTILE not in html
        assert "&lt;script&gt;" in html
        assert "Internal note 內部備註" in html
    await desk.settle()

    # Nothing went to LINE, to the Telegram staff group or anywhere else, nor is queued.
    assert desk.line.calls[line_before:] == []
    assert desk.telegram.calls[telegram_before:] == []
    assert await count(desk.app[STORE], outbox, outbox.c.payload.contains("AB1234567")) == 0
    # The web visitor's page never sees it.
    updates = await desk.client.get(
        "/api/chat/updates", headers={"X-Chat-Session": "web-visitor-0001"}
    )
    assert "AB1234567" not in await updates.text()
    for number in (line_ticket.number, web_ticket):
        stored = await desk.app[STORE].ticket(number)
        assert stored is not None
        messages = await desk.app[STORE].messages_of(stored.visitor_id)
        assert all("AB1234567" not in m.text for m in messages)
        assert [n.text for n in await desk.app[STORE].notes(number)] == [secret]
    # A note needs the session's CSRF token, and text.
    refused = await desk.client.post(
        f"/staff/tickets/{web_ticket}/note", data={"note": "x"}, allow_redirects=False
    )
    assert refused.status == 403
    empty = await desk.client.post(f"/staff/tickets/{web_ticket}/note", data={"csrf": token})
    assert "Write the note first" in await empty.text()
    missing = await desk.client.post("/staff/tickets/99999/note", data={"csrf": token, "note": "x"})
    assert missing.status == 404


async def test_notes_go_with_the_visitors_delete(desk: Desk) -> None:
    token = await _signed_in(desk)
    number = await _web_ticket(desk, "web-visitor-0001")
    await desk.client.post(f"/staff/tickets/{number}/note", data={"csrf": token, "note": "n"})
    await _web(desk, "web-visitor-0001", "/delete")
    await _web(desk, "web-visitor-0001", choice="delete:yes")
    assert await desk.app[STORE].notes(number) == []
    assert (await desk.client.get(f"/staff/tickets/{number}")).status == 404


# -- canned answers, the visitor's other requests ------------------------------------------------


async def test_canned_answers_in_the_visitors_language(desk: Desk) -> None:
    await _signed_in(desk)

    async def canned(entry: str, lang: str) -> tuple[int, Any]:
        response = await desk.client.get("/staff/api/canned", params={"entry": entry, "lang": lang})
        return response.status, await response.json()

    status, en = await canned("contact.county-government", "en")
    assert status == 200
    assert "Hualien County Government" in en["text"]
    _, hant = await canned("contact.county-government", "zh-Hant")
    _, hans = await canned("contact.county-government", "zh-Hans")
    assert "花蓮縣政府" in hant["text"]
    assert "花莲县政府" in hans["text"]  # Simplified through OpenCC
    _, ja = await canned("contact.county-government", "ja")
    _, ko = await canned("contact.county-government", "ko")
    assert "花蓮県政府" in ja["text"]
    assert "화롄현" in ko["text"]
    assert (await canned("no.such-entry", "en"))[0] == 404
    assert (await canned("contact.county-government", "fr"))[0] == 404

    # The request's page offers the visitor's language and fills the reply box without script.
    number = await _web_ticket(desk, "web-visitor-0001", "我想找真人客服")
    page = await desk.client.get(
        f"/staff/tickets/{number}",
        params={"canned": "contact.county-government", "canned_lang": "zh-Hant"},
    )
    html = await page.text()
    assert re.search(r'<option value="zh-Hant" selected>繁體中文 \(visitor', html)
    box = re.search(r'<textarea id="reply-text"[^>]*>(.*?)</textarea>', html, re.S)
    assert box is not None
    assert "花蓮縣政府" in box[1]
    # An unknown entry or language leaves the box empty; no error.
    odd = await desk.client.get(
        f"/staff/tickets/{number}", params={"canned": "<x>", "canned_lang": "xx"}
    )
    assert odd.status == 200
    box = re.search(r'<textarea id="reply-text"[^>]*>(.*?)</textarea>', await odd.text(), re.S)
    assert box is not None
    assert box[1] == ""


async def test_the_request_page_lists_the_visitors_other_requests(desk: Desk) -> None:
    await _signed_in(desk)
    first = await _web_ticket(desk, "web-visitor-0001", "I want to talk to a real person")
    await _web(desk, "web-visitor-0001", choice="ticket:cancel")
    second = await _web_ticket(desk, "web-visitor-0001", "Can I talk to staff about my visa?")
    html = await (await desk.client.get(f"/staff/tickets/{second}")).text()
    other = html.split("The visitor's other requests", 1)[1].split("</section>", 1)[0]
    assert f'href="/staff/tickets/{first}"' in other
    assert f'href="/staff/tickets/{second}"' not in other
    stored = await desk.app[STORE].ticket(second)
    assert stored is not None
    conversation = await desk.client.get(f"/staff/visitors/{stored.visitor_id}")
    text = await conversation.text()
    assert conversation.status == 200
    assert "Can I talk to staff about my visa?" in text
    assert f'href="/staff/tickets/{first}"' in text
    assert (await desk.client.get("/staff/visitors/999999")).status == 404


# -- the curators' report --------------------------------------------------------------------------


async def test_report_lists_unresolved_clarify_questions_and_handled_marks(desk: Desk) -> None:
    token = await _signed_in(desk)
    fallback = await _web(desk, "web-visitor-0001", "zzzzz qqqq")
    assert fallback["decision"] == "fallback"
    clarify = await _web(desk, "web-visitor-0002", "bus")
    if clarify["decision"] != "clarify":  # the matcher decides; find a word it is unsure of
        for word in ("festival", "visa", "office", "card"):
            clarify = await _web(desk, f"web-visitor-{word}", word)
            if clarify["decision"] == "clarify":
                break
    assert clarify["decision"] == "clarify"

    data = await (await desk.client.get("/staff/api/unanswered")).json()
    kinds = {g["question"]: g["kinds"] for g in data["groups"]}
    assert kinds["zzzzz qqqq"] == {"fallback": 1}
    assert {"clarify": 1} in kinds.values()
    page = await (await desk.client.get("/staff/unanswered")).text()
    assert "did you mean 您是不是要問" in page
    assert re.search(r'href="/staff/visitors/\d+#m\d+"', page)

    group = next(g for g in data["groups"] if g["question"] == "zzzzz qqqq")
    marked = await desk.client.post(
        "/staff/unanswered/handled",
        data=[("csrf", token), *(("id", str(i)) for i in group["ids"]), ("handled", "1")],
    )
    assert marked.status == 200
    assert "1 question(s) marked handled" in await marked.text()
    after = await (await desk.client.get("/staff/api/unanswered")).json()
    assert "zzzzz qqqq" not in [g["question"] for g in after["groups"]]
    handled = await (await desk.client.get("/staff/api/unanswered?show=handled")).json()
    assert [g["question"] for g in handled["groups"]] == ["zzzzz qqqq"]
    # Without the CSRF token nothing is marked; odd ids are ignored, not an error.
    refused = await desk.client.post(
        "/staff/unanswered/handled", data={"id": "1"}, allow_redirects=False
    )
    assert refused.status == 403
    odd = await desk.client.post(
        "/staff/unanswered/handled",
        data=[("csrf", token), ("id", "-1"), ("id", "9" * 40), ("id", "x")],
    )
    assert odd.status == 200
    # A fallback answered later by the visitor's own rephrasing stays a fallback (it was one).
    assert (await _web(desk, "web-visitor-0001", "sister cities"))["decision"] == "answer"


async def test_groups_drafts_and_handled_marks_go_with_retention(desk: Desk) -> None:
    """The report's groups and drafts are made from the visitors' messages when asked for:
    once the retention period has taken the messages, no group, draft or mark is left."""
    await _signed_in(desk)
    for n, text in enumerate(["zzzzz qqqq", "zzzzz qqqq please", "who won the baseball game"]):
        assert (await _web(desk, f"web-visitor-{n:04d}", text))["decision"] == "fallback"
    data = await (await desk.client.get("/staff/api/unanswered")).json()
    assert len(data["groups"]) == 2
    key = data["groups"][0]["ids"][0]
    assert (await desk.client.get(f"/staff/unanswered/draft/{key}")).status == 200
    assert await desk.app[STORE].mark_handled(data["groups"][1]["ids"], NAME) == 1

    await housekeeping_once(
        desk.app, desk.settings, dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    )
    assert (await (await desk.client.get("/staff/api/unanswered")).json())["groups"] == []
    handled = await (await desk.client.get("/staff/api/unanswered?show=handled")).json()
    assert handled["groups"] == []
    assert (await desk.client.get(f"/staff/unanswered/draft/{key}")).status == 404
    page = await (await desk.client.get("/staff/unanswered")).text()
    assert "zzzzz" not in page
    assert "baseball" not in page


PII_QUESTIONS = [
    "My name is Hiroshi Tanaka, can I get a tax refund at the airport? mail hiroshi@example.jp",
    "tax refund at the airport for visitors? call me on +81 90-1234-5678",
    "Tax refund at the airport for visitors, passport TZ1234567",
    "我叫王小明，住花蓮市中山路二段123號，機場可以退稅嗎",
    "機場可以退稅嗎",
    "機場退稅在哪裡辦",
    "退稅 機場 怎麼辦",
    "airport tax refund for visitors " + HOSTILE,
]


async def test_a_draft_entry_from_a_group_carries_no_personal_details(desk: Desk) -> None:
    await _signed_in(desk)
    store = desk.app[STORE]
    visitors = []
    for n, text in enumerate(PII_QUESTIONS):
        name = "Hiroshi Tanaka" if n == 0 else f"Visitor {n}"
        visitor_id = (await store.visitor("line", f"U-draft-{n}", name)).visitor_id
        visitors.append(visitor_id)
        await store.record_exchange(
            visitor_id,
            [("in", text, None), ("out", "Sorry, I don't have an answer to that yet.", "bot")],
            decision="fallback",
            entry_id=None,
            ticket_id=None,
            last_lang="en",
            last_options=(),
        )
    # The first visitor asked staff; a staff member answered (and signed with a phone number).
    ticket = await store.open_ticket(
        visitors[0],
        channel="line",
        lang="en",
        priority=Priority.NORMAL,
        reason="fallback",
        question=PII_QUESTIONS[0],
    )
    await desk.app[RELAY].reply(
        ticket.number,
        NAME,
        "Dear Mr. Tanaka, ask at the tax refund counter in the departure hall. "
        f"{NAME}, 03-822-7171 ext. 12, mei@hl.gov.tw",
    )
    groups = (await (await desk.client.get("/staff/api/unanswered")).json())["groups"]
    english = next(g for g in groups if "tax refund" in g["question"].lower())
    key = english["ids"][0]

    page = await desk.client.get(f"/staff/unanswered/draft/{key}")
    assert page.status == 200
    html = await page.text()
    assert HOSTILE not in html
    download = await desk.client.get(f"/staff/unanswered/draft/{key}", params={"download": "1"})
    assert download.status == 200
    assert download.headers["Content-Type"].startswith("application/yaml")
    assert download.headers["Content-Disposition"].startswith('attachment; filename="')
    text = await download.text()
    for personal in (
        "Hiroshi",
        "Tanaka",
        "hiroshi@example.jp",
        "90-1234-5678",
        "TZ1234567",
        "王小明",
        "中山路二段123號",
        NAME,
        "822-7171",
        "mei@hl.gov.tw",
    ):
        assert personal not in text, personal
    assert "[name]" in text
    assert "[email]" in text
    assert "[phone]" in text
    assert "DRAFT" in text.splitlines()[0]
    [entry] = yaml.safe_load(text)["entries"]
    assert re.fullmatch(r"[a-z]+\.draft-[a-z0-9-]+", entry["id"])
    assert entry["category"] in ("exchange", "contact", "service", "event", "faq")
    assert len(entry["questions"]["en"]) >= 3
    assert entry["answer"]["en"].startswith("Dear Mr. [name], ask at the tax refund counter")
    assert "Staff reply (request" not in entry["answer"]["en"]
    # Valid against the schema once the curator adds what is missing (and nothing else).
    completed = {
        **entry,
        "title": {**entry.get("title", {}), "zh-Hant": "機場退稅"},
        "questions": {
            **entry["questions"],
            "en": [*entry["questions"]["en"], "tax refund", "VAT refund", "tax back"][:6],
            "zh-Hant": ["機場退稅", "外籍旅客退稅", "退稅在哪裡", "怎麼退稅"],
        },
        "answer": {**entry["answer"], "zh-Hant": "請至出境大廳退稅櫃檯辦理。"},
        "last_reviewed": "2026-12-01",
    }
    Entry.model_validate(completed)

    # Everything in the draft came from the visitors' records: gone with them.
    for visitor_id in visitors:
        await store.delete_visitor(visitor_id)
    assert (await desk.client.get(f"/staff/unanswered/draft/{key}")).status == 404
    assert (await (await desk.client.get("/staff/api/unanswered")).json())["groups"] == []


async def test_route_list_holds_the_new_console_routes(desk: Desk) -> None:
    """The enumeration in test_console's guard test covers them: it walks every route."""
    routes = {f"{r.method} {r.resource.canonical}" for r in desk.app.router.routes() if r.resource}
    for expected in (
        "POST /staff/tickets/{number}/assign",
        "POST /staff/tickets/{number}/note",
        "GET /staff/visitors/{number}",
        "POST /staff/unanswered/handled",
        "GET /staff/unanswered/draft/{number}",
        "GET /staff/insights",
        "GET /staff/insights.csv",
        "GET /staff/api/changes",
        "GET /staff/api/canned",
    ):
        assert expected in routes, sorted(routes)


async def test_a_japanese_request_shows_its_topic_in_chinese_and_its_answer_in_three_languages(
    desk: Desk,
) -> None:
    await _signed_in(desk)
    # Answered on the airport, then a request for a person: the request is about the airport.
    await _web(desk, "web-visitor-ja01", "花蓮空港から市内への行き方を教えてください")
    number = await _web_ticket(desk, "web-visitor-ja01", "担当者と話したいです")
    html = await (await desk.client.get(f"/staff/tickets/{number}")).text()
    assert re.search(r"<dt>Language 語言</dt><dd>日本語</dd>", html)
    topic = html.split('id="topic-title"', 1)[1].split("</form>", 1)[0]
    assert '<strong lang="zh-Hant">花蓮航空站與進市區</strong>' in topic
    offered = re.findall(r'name="canned_lang" value="([^"]+)"[^>]*>([^<]+)</button>', topic)
    assert offered == [
        ("ja", "日本語 (translated 翻譯)"),
        ("zh-Hant", "繁體中文"),
        ("en", "English"),
    ]
    # Staff are reminded what the visitor was told.
    assert "was told staff reply in English or Chinese" in html

    # The Japanese answer is the bot's own, with its note that it is a translation.
    response = await desk.client.get(
        "/staff/api/canned", params={"entry": "service.airport", "lang": "ja"}
    )
    japanese = (await response.json())["text"]
    assert "空港" in japanese
    assert japanese.rstrip().endswith(TRANSLATED_NOTE[Lang.JA])
    # Without script, the topic's button fills the reply box the same.
    page = await desk.client.get(
        f"/staff/tickets/{number}", params={"canned": "service.airport", "canned_lang": "ja"}
    )
    box = re.search(r'<textarea id="reply-text"[^>]*>(.*?)</textarea>', await page.text(), re.S)
    assert box is not None
    assert TRANSLATED_NOTE[Lang.JA] in box[1]


async def test_a_chinese_request_offers_no_translation_and_no_language_reminder(
    desk: Desk,
) -> None:
    await _signed_in(desk)
    await _web(desk, "web-visitor-zh01", "花蓮航空站怎麼去市區")
    number = await _web_ticket(desk, "web-visitor-zh01", "我想找真人客服")
    html = await (await desk.client.get(f"/staff/tickets/{number}")).text()
    topic = html.split('id="topic-title"', 1)[1].split("</form>", 1)[0]
    assert re.findall(r'name="canned_lang" value="([^"]+)"', topic) == ["zh-Hant", "en"]
    assert "was told staff reply" not in html
