"""The staff console in a real headless Chromium: a LINE visitor asks for a person, staff sign
in, open the request, reply, and the fake LINE API receives the push to that visitor; the list
and a request update live (a new request, a visitor writing again reopens an answered one, the
count in the tab's title, the opt-in alert); search, assign, internal note and canned answer;
the insights' charts and a CSV download.

Chromium and the skip/fail rule are those of tests/test_web_browser.py (skips on a developer
machine without Chromium, fails under CI). Screenshots land in ``test-artifacts/``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import re
import sys
from typing import Any

import pytest

from bot.keys import DESK, KNOWLEDGE, STORE
from bot.staff.accounts import hash_password
from bot.store import TicketStatus
from bot.store.tables import daily_totals
from tests.channels.conftest import Desk, DeskFactory
from tests.channels.payloads import LINE_USER, TG_CHAT, line_body, line_text, tg_message
from tests.conftest import ROOT
from tests.fakes.line_api import PUSH, REPLY
from tests.test_web_browser import TIMEOUT_MS, PageProblems, _screenshot

pytestmark = pytest.mark.browser

NAME = "Lin Mei-hua"
PASSWORD = "sister-city-Kaga-1987"
REPLY_TEXT = "Hello! I am Mei-hua from the county's exchange office. 我們明天上午十點在縣府見。"


async def _staff_add(database_url: str) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "staff",
        "add",
        NAME,
        "--password-stdin",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
    )
    out, err = await asyncio.wait_for(process.communicate(f"{PASSWORD}\n".encode()), 120)
    assert process.returncode == 0, err.decode()
    assert "created" in out.decode()


async def test_staff_reply_from_the_console_reaches_the_line_visitor(
    browser: Any, make_desk: DeskFactory
) -> None:
    from playwright.async_api import expect

    desk = await make_desk()
    await _staff_add(desk.settings.database_url)

    # A LINE visitor asks for a person: a signed webhook, answered through the fake LINE API.
    response = await desk.post_line(line_body(line_text("I want to talk to a real person")))
    assert response.status == 200
    await desk.line.wait_for(REPLY)
    await desk.settle()
    [ticket] = await desk.app[STORE].tickets()
    number = ticket.number
    # Questions the bot could not answer, for the curators' report.
    for n, question in enumerate(
        [
            "who won the baseball game yesterday",
            "Who won the baseball game yesterday?",
            "baseball game result yesterday",
            "昨天棒球比賽誰贏",
            "昨天棒球比赛谁赢了",
            "how tall is mount everest",
        ]
    ):
        answer = await desk.chat({"session": f"web-visitor-{n:04d}", "text": question})
        assert (await answer.json())["decision"] == "fallback", question

    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        problems = PageProblems(page)

        # Any console page sends a stranger to the sign-in form.
        await page.goto(str(desk.client.make_url("/staff")))
        await expect(page).to_have_url(re.compile(r"/staff/login\?next=/staff$"))
        assert "花蓮" in await page.title()
        await expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Hualien County Government"
        )
        await _screenshot(page, "staff-console-login.png")
        await page.get_by_label("Name 帳號").fill(NAME)
        await page.get_by_label("Password 密碼").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in 登入").click()

        # The request list, with the LINE visitor's request on it.
        await expect(page.get_by_role("heading", level=2)).to_have_text("Requests 案件")
        await expect(page.locator("header")).to_contain_text(f"Signed in as {NAME}")
        await expect(page.get_by_role("link", name="Requests 案件")).to_have_attribute(
            "aria-current", "page"
        )
        row = page.get_by_role("row").filter(has_text="I want to talk to a real person")
        await expect(row).to_contain_text("LINE")
        await expect(row).to_contain_text("Open 待處理")
        await _screenshot(page, "staff-console-list.png")
        await row.get_by_role("link", name=f"#{number}").click()

        # The request: the whole conversation, then a reply typed and sent.
        await expect(page.get_by_role("heading", level=2)).to_have_text(f"Request #{number} 案件")
        conversation = page.locator(".conv")
        await expect(conversation.locator("li.in").first).to_contain_text(
            "I want to talk to a real person"
        )
        await expect(conversation.locator("li.bot").first).to_contain_text(f"#{number}")
        box = page.get_by_label("Reply to the visitor 回覆訪客")
        await box.fill(REPLY_TEXT)
        await page.get_by_role("button", name="Send reply 送出回覆").click()

        await expect(page.get_by_role("status")).to_contain_text(
            "Reply sent to the visitor on LINE"
        )
        await expect(conversation.locator("li.staff").last).to_contain_text(REPLY_TEXT)
        await expect(page.locator(".title .badge.answered")).to_be_visible()

        # The fake LINE API got the push to that visitor, with a retry key.
        [push] = await desk.line.wait_for(PUSH)
        assert push.method == "POST"
        assert push.path == "/v2/bot/message/push"
        assert push.body["to"] == LINE_USER
        assert push.body["messages"][0]["type"] == "text"
        assert REPLY_TEXT in push.body["messages"][0]["text"]
        assert push.headers.get("X-Line-Retry-Key")
        stored = await desk.app[STORE].ticket(number)
        assert stored is not None
        assert stored.status is TicketStatus.ANSWERED

        await _screenshot(page, "staff-console-reply.png")

        # The curators' report: similar questions grouped, most asked first.
        await page.get_by_role("link", name="Unanswered questions 未解答問題").click()
        await expect(page.get_by_role("heading", level=2)).to_have_text(
            "Unanswered questions 未解答問題"
        )
        rows = page.locator("tbody tr")
        await expect(rows).to_have_count(3)
        await expect(rows.nth(0)).to_contain_text(
            re.compile("who won the baseball game yesterday", re.IGNORECASE)
        )
        await expect(rows.nth(0).locator("td").nth(1)).to_have_text("3")
        await expect(rows.nth(1)).to_contain_text("昨天棒球比")
        await expect(rows.nth(1).locator("td").nth(1)).to_have_text("2")
        await expect(rows.nth(2)).to_contain_text("how tall is mount everest")
        await _screenshot(page, "staff-console-unanswered.png")
        # The reload button posts the page's form (with its CSRF token) and says what came of
        # it: this test's knowledge base is given in code, so there is nothing to reload.
        await page.get_by_role("button", name="Reload the knowledge base 重新載入知識庫").click()
        await expect(page.get_by_role("alert")).to_contain_text("nothing to reload")
        problems.check()
    finally:
        await context.close()


# -- the console as a helpdesk ------------------------------------------------------------------

COLLEAGUE = "Wei Chih-ming"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
#: Records desktop notices instead of showing them (headless Chromium has no notification
#: centre); says permission was granted, as a staff member's click would.
FAKE_NOTIFICATIONS = """
window.__notices = [];
window.Notification = class {
  constructor(title, options) { window.__notices.push([title, options && options.body]); }
  static get permission() { return "granted"; }
  static requestPermission() { return Promise.resolve("granted"); }
};
"""


async def _live_desk(make_desk: DeskFactory) -> Desk:
    desk = await make_desk(staff_poll_seconds=1)
    # The console's pages tell time by the real clock: the desk here does too, so that a
    # message is not stamped on the fixtures' fixed day while its request opened today.
    desk.app[DESK].clock = lambda: dt.datetime.now(dt.UTC)
    store = desk.app[STORE]
    await store.add_staff(NAME, hash_password(PASSWORD))
    await store.add_staff(COLLEAGUE, hash_password("another-sister-city-2026"))
    return desk


async def _sign_in(page: Any, desk: Desk, path: str = "/staff") -> None:
    from playwright.async_api import expect

    await page.goto(str(desk.client.make_url(path)))
    await page.get_by_label("Name 帳號").fill(NAME)
    await page.get_by_label("Password 密碼").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in 登入").click()
    await expect(page.locator("header")).to_contain_text(f"Signed in as {NAME}")


async def _web(desk: Desk, session: str, text: str) -> dict[str, Any]:
    response = await desk.chat({"session": session, "text": text})
    assert response.status == 200
    answer: dict[str, Any] = await response.json()
    return answer


async def test_console_updates_live_and_a_follow_up_reopens_the_request(
    browser: Any, make_desk: DeskFactory
) -> None:
    from playwright.async_api import expect

    desk = await _live_desk(make_desk)
    context = await browser.new_context(viewport=DESKTOP, locale="en-US")
    await context.add_init_script(FAKE_NOTIFICATIONS)
    try:
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        problems = PageProblems(page)
        await _sign_in(page, desk)
        await expect(page.locator(".empty")).to_contain_text("No requests match")
        await expect(page).to_have_title(re.compile(r"^Requests"))
        # The opt-in alert, remembered in this browser.
        await page.get_by_label("Alert me 提醒我").check()

        # A web visitor asks for a person: the row appears without a reload.
        opened = await _web(desk, "web-live-0001", "I want to talk to a real person")
        number = opened["ticket"]
        row = page.locator(f'tr[data-number="{number}"]')
        await expect(row).to_contain_text("I want to talk to a real person")
        await expect(row).to_contain_text("Waiting")
        await expect(page).to_have_title(re.compile(r"^\(1\) Requests"))
        notices = await page.evaluate("window.__notices")
        assert len(notices) == 1
        assert "1 request(s) waiting" in notices[0][1]
        await page.reload()
        await expect(page.get_by_label("Alert me 提醒我")).to_be_checked()

        # Staff answer: nobody waits any more.
        await row.get_by_role("link", name=f"#{number}").click()
        await page.get_by_label("Reply to the visitor 回覆訪客").fill("Hello! How can we help?")
        await page.get_by_role("button", name="Send reply 送出回覆").click()
        await expect(page.locator("#title-region .badge.answered")).to_be_visible()
        await expect(page).to_have_title(re.compile(r"^Request #"))

        # The visitor writes again, while staff look at the request: it is reopened, live.
        await _web(desk, "web-live-0001", "And is the office open on Sunday?")
        conversation = page.locator("#conv-region")
        await expect(conversation.locator("li.in").last).to_contain_text(
            "And is the office open on Sunday?"
        )
        await expect(page.locator("#title-region .badge.new-reply")).to_have_text(
            "New reply 訪客新留言"
        )
        await expect(page.locator("#title-region .badge.open")).to_be_visible()
        await expect(page).to_have_title(re.compile(r"^\(1\) Request #"))
        # (This page's own record: each page load starts one.)
        assert len(await page.evaluate("window.__notices")) == 1
        stored = await desk.app[STORE].ticket(number)
        assert stored is not None
        assert stored.status is TicketStatus.OPEN

        # Back on the list: first, marked, with the visitor's latest words.
        await page.get_by_role("link", name="Requests 案件").click()
        first = page.locator("tbody tr").first
        await expect(first).to_contain_text("New reply 訪客新留言")
        await expect(first.locator(".latest")).to_contain_text("And is the office open on Sunday?")
        await _screenshot(page, "staff-console-live.png")
        problems.check()
    finally:
        await context.close()


async def test_search_assign_note_and_canned_answer(browser: Any, make_desk: DeskFactory) -> None:
    from playwright.async_api import expect

    desk = await _live_desk(make_desk)
    # Three requests: from LINE, from the web chat, and from Mika Tanaka on Telegram.
    assert (
        await desk.post_line(line_body(line_text("I want to talk to a real person")))
    ).status == 200
    await _web(desk, "web-help-0001", "我想找真人客服")
    assert (
        await desk.post_telegram(tg_message("Can I talk to a person about the festival?"))
    ).status == 200
    await desk.settle()
    tickets = await desk.app[STORE].tickets()
    [mika] = [t for t in tickets if t.channel == "telegram"]
    # Markup in it is shown as text (were it not, <Parkview> would vanish as an unknown tag).
    hostile_note = "Called her hotel <Parkview>: she is out until 3 pm & will call back."

    context = await browser.new_context(viewport=DESKTOP, locale="en-US")
    try:
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        problems = PageProblems(page)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        await _sign_in(page, desk)
        await expect(page.locator("tbody tr")).to_have_count(3)

        # Search by the visitor's name.
        search = page.get_by_label("Search: number, text or visitor 搜尋：案號、內容或訪客")
        await search.fill("tanaka")
        await search.press("Enter")
        await expect(page.locator("tbody tr")).to_have_count(1)
        await expect(page.locator("tbody tr")).to_contain_text("Mika Tanaka")
        await page.get_by_role("link", name=f"#{mika.number}").click()
        await expect(page.get_by_role("heading", level=2)).to_have_text(
            f"Request #{mika.number} 案件"
        )

        # A canned answer goes in where the cursor is; what was typed stays.
        box = page.get_by_label("Reply to the visitor 回覆訪客")
        await box.fill("Dear Mika,")
        await page.get_by_label("Answer from the knowledge base 知識庫回覆").select_option(
            "contact.county-government"
        )
        await expect(page.get_by_label("In 語言")).to_have_value("en")  # the visitor's
        await page.get_by_role("button", name="Insert into reply 插入回覆").click()
        await expect(box).to_have_value(re.compile(r"^Dear Mika,\n\nHualien County Government"))
        canned = await box.input_value()

        # An internal note, with hostile text shown as text.
        await page.get_by_label(
            "Internal note (staff only, never sent) 內部備註（僅承辦人可見，不會傳送）"
        ).fill(hostile_note)
        await page.get_by_role("button", name="Add note 新增備註").click()
        await expect(page.get_by_role("status")).to_contain_text("Note saved")
        note = page.locator("#conv-region li.note")
        await expect(note).to_contain_text(hostile_note)
        await expect(note.locator(".meta")).to_contain_text("not sent to the visitor")
        assert await page.locator("#conv-region parkview").count() == 0

        # Given to a colleague.
        await page.get_by_label("Assign to 指派給").select_option(COLLEAGUE)
        await page.get_by_role("button", name="Assign 指派").click()
        await expect(page.locator("#assignee")).to_have_text(COLLEAGUE)
        await expect(page.locator("#title-region .badge.claimed")).to_be_visible()

        # The reply being written survived the note and the assignment; it goes out.
        await expect(box).to_have_value(canned)
        await page.get_by_role("button", name="Send reply 送出回覆").click()
        await expect(page.get_by_role("status")).to_contain_text(
            "Reply sent to the visitor on Telegram"
        )
        await _screenshot(page, "staff-console.png")

        sent = await desk.telegram.wait_for("sendMessage", 1)
        to_mika = [c for c in sent if str(c.params.get("chat_id")) == str(TG_CHAT)]
        assert any(
            "Dear Mika,\n\nHualien County Government" in str(c.params["text"]) for c in to_mika
        )
        await expect(box).to_have_value("")  # sent: the kept draft is gone
        everything = [str(c.params) for c in desk.telegram.calls] + [
            str(c.body) for c in desk.line.calls
        ]
        assert not any("Parkview" in text for text in everything)
        assert canned.startswith("Dear Mika,")
        assert dialogs == []

        await page.set_viewport_size(PHONE)
        await expect(page.locator("#conv-region li.note")).to_be_visible()
        await _screenshot(page, "staff-console-ticket-phone.png")
        await page.set_viewport_size(DESKTOP)

        # Mine / unassigned.
        await page.goto(str(desk.client.make_url("/staff?who=unassigned")))
        await expect(page.locator("tbody tr")).to_have_count(2)
        await page.goto(str(desk.client.make_url("/staff")))
        # Waiting first, the answered one (and its answer, without its header line) last.
        await expect(page.locator("tbody tr")).to_have_count(3)
        await expect(page.locator("tbody tr").last).to_contain_text("Mika Tanaka")
        await expect(page.locator("tbody tr").last.locator(".latest")).to_contain_text("Dear Mika,")
        await expect(page.locator("tbody tr").last.locator(".latest")).not_to_contain_text(
            "Staff reply (request"
        )
        await _screenshot(page, "staff-console-requests.png")
        await page.set_viewport_size(PHONE)
        await page.reload()
        await expect(page.locator("tbody tr")).to_have_count(3)
        await _screenshot(page, "staff-console-phone.png")
        # The knowledge base's reload button on a phone: on screen, and tall enough to tap.
        await page.goto(str(desk.client.make_url("/staff/unanswered")))
        reload = page.get_by_role("button", name="Reload the knowledge base 重新載入知識庫")
        box = await reload.bounding_box()
        assert box is not None
        card = await page.locator("section.kb").bounding_box()
        assert card is not None
        assert box["x"] >= card["x"]
        assert box["x"] + box["width"] <= card["x"] + card["width"]
        assert box["height"] >= 36
        await _screenshot(page, "staff-console-unanswered-phone.png")
        problems.check()
    finally:
        await context.close()


async def test_a_japanese_request_s_topic_answer_goes_into_the_reply(
    browser: Any, make_desk: DeskFactory
) -> None:
    from playwright.async_api import expect

    desk = await _live_desk(make_desk)
    await _web(desk, "web-ja-000001", "花蓮空港から市内への行き方を教えてください")
    number = (await _web(desk, "web-ja-000001", "担当者と話したいです"))["ticket"]
    context = await browser.new_context(viewport=DESKTOP, locale="en-US")
    try:
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        problems = PageProblems(page)
        await _sign_in(page, desk, f"/staff/tickets/{number}")
        topic = page.locator("#topic-form")
        await expect(topic).to_contain_text("花蓮航空站與進市區")
        box = page.get_by_label("Reply to the visitor 回覆訪客")
        await box.fill("田中様")
        await topic.get_by_role("button", name="日本語 (translated 翻譯)").click()
        # Inserted in place, by script (the page did not reload: what was typed stays).
        await expect(box).to_have_value(re.compile(r"^田中様\n\n.*空港.*翻訳です", re.S))
        await topic.get_by_role("button", name="繁體中文").click()
        await expect(box).to_have_value(re.compile(r"翻訳です.*航空站", re.S))
        await _screenshot(page, "staff-console-japanese-request.png")
        problems.check()
    finally:
        await context.close()


def _desk_day(desk: Desk) -> dt.date:
    """The day the desk's clock says it is: the day its exchanges are counted on."""
    return desk.app[DESK].clock().astimezone(desk.settings.tz).date()


async def _a_month_of_totals(desk: Desk) -> None:
    """The anonymous daily totals of a month of a desk's life (what the store would have
    counted), so that the charts have days to show; the desk's today comes from real
    exchanges."""
    rng = random.Random(16)
    today = _desk_day(desk)
    topics = [e.id for e in desk.app[KNOWLEDGE].current.kb.entries[:40:3]]
    rows: list[dict[str, Any]] = []

    def add(day: dt.date, metric: str, n: int, **key: str) -> None:
        if n > 0:
            empty = {"channel": "", "lang": "", "detail": "", "office": ""}
            rows.append({**empty, "day": day, "metric": metric, "count": n, **key})

    for back in range(1, 30):
        day = today - dt.timedelta(days=back)
        busy = 0.4 if day.weekday() >= 5 else 1.0
        for channel, lang, mean in (
            ("line", "en", 6),
            ("line", "zh-Hant", 4),
            ("telegram", "en", 5),
            ("telegram", "zh-Hans", 2),
            ("web", "zh-Hant", 3),
            ("web", "en", 2),
        ):
            for decision, share in (
                ("answer", 0.7),
                ("clarify", 0.12),
                ("fallback", 0.12),
                ("handoff", 0.06),
            ):
                n = round(rng.gauss(mean * share * busy, 1))
                add(day, "exchange", n, channel=channel, lang=lang, detail=decision)
        for topic in topics:
            add(day, "topic", rng.randint(0, 3), channel="line", lang="en", detail=topic)
        for office, bucket, closing in (
            ("in", "le:1800", "le:14400"),
            ("out", "le:57600", "le:86400"),
        ):
            opened = rng.randint(0, 2)
            add(day, "opened", opened, channel="line", lang="en", detail="asked", office=office)
            add(day, "first_reply", opened, channel="line", lang="en", detail=bucket, office=office)
            add(day, "closed", opened, channel="line", lang="en", detail=closing, office=office)
    async with desk.app[STORE].engine.begin() as conn:
        await conn.execute(daily_totals.insert(), rows)


async def test_insights_charts_render_with_data_and_a_table_downloads(
    browser: Any, make_desk: DeskFactory
) -> None:
    from playwright.async_api import expect

    desk = await _live_desk(make_desk)
    await _a_month_of_totals(desk)
    for n, text in enumerate(
        [
            "sister cities",
            "姊妹市有哪些",
            "Morioka sister city",
            "emergency numbers",
            "zzzzz qqqq",
            "who won the baseball game",
            "bus",
            "I want to talk to a real person",
        ]
    ):
        await _web(desk, f"web-insights-{n:04d}", text)
    assert (await desk.post_line(line_body(line_text("police phone number")))).status == 200
    await desk.settle()

    for viewport, shot in ((DESKTOP, "staff-insights.png"), (PHONE, "staff-insights-phone.png")):
        context = await browser.new_context(
            viewport=viewport, locale="en-US", accept_downloads=True
        )
        try:
            page = await context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            problems = PageProblems(page)
            # The month up to the desk's day (whatever the day the test runs).
            last = _desk_day(desk)
            first = last - dt.timedelta(days=29)
            await _sign_in(page, desk, f"/staff/insights?from={first}&to={last}")
            await expect(page.get_by_role("heading", level=2)).to_have_text("Insights 統計")
            charts = page.get_by_role("img")
            await expect(charts).to_have_count(6)
            channel_chart = page.get_by_role("img", name="Questions by channel 各管道提問數")
            await expect(channel_chart).to_be_visible()
            assert await channel_chart.locator("rect").count() >= 2  # bars and the legend
            topics = page.locator("#top-topics")
            await topics.get_by_text("The figures as a table 以表格顯示").click()
            await expect(topics.locator("tbody tr")).to_have_count(10)  # the top ten
            await expect(topics.locator("tbody tr").first).to_contain_text(
                re.compile(r"[a-z]+\.[a-z-]+")
            )
            # Every chart and table fits the screen: nothing to scroll sideways to, and the
            # charts' text is drawn at no less than 10 px.
            drawn = await page.evaluate(
                """() => [...document.querySelectorAll('svg.chart, details[open] table')]
                    .filter((e) => e.getBoundingClientRect().width > 0)
                    .map((e) => {
                      const box = e.getBoundingClientRect();
                      const viewBox = e.viewBox && e.viewBox.baseVal;
                      return [e.id || e.className.baseVal || 'table', box.right,
                              viewBox ? box.width / viewBox.width : 1];
                    })"""
            )
            assert len(drawn) == 7, drawn  # six charts, one open table
            for what, right, scale in drawn:
                assert right <= viewport["width"], what
                assert 12 * scale >= 10, what
            assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            await _screenshot(page, shot)
            if viewport is DESKTOP:
                async with page.expect_download() as info:
                    await (
                        page.locator("#questions-by-channel")
                        .get_by_role("link", name=re.compile("Download CSV"))
                        .click()
                    )
                download = await info.value
                assert re.fullmatch(
                    r"insights-questions-by-channel-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv",
                    download.suggested_filename,
                )
                text = (await download.path()).read_text(encoding="utf-8-sig")
                header, *rows = text.splitlines()
                assert header.startswith("Day 日,")
                assert "LINE" in header
                assert "Web chat 網頁" in header
                assert len(rows) == 30  # a row a day
                assert rows[-1].startswith(f"{last},")
                assert int(rows[-1].rsplit(",", 1)[1]) >= 8  # the desk day's real questions
            problems.check()
        finally:
            await context.close()
