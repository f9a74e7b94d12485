"""The staff console in a real headless Chromium: a LINE visitor asks for a person, staff sign
in, open the request, reply, and the fake LINE API receives the push to that visitor.

Chromium and the skip/fail rule are those of tests/test_web_browser.py (skips on a developer
machine without Chromium, fails under CI). Screenshots land in ``test-artifacts/``.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from typing import Any

import pytest

from bot.keys import STORE
from bot.store import TicketStatus
from tests.channels.conftest import DeskFactory
from tests.channels.payloads import LINE_USER, line_body, line_text
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

        await _screenshot(page, "staff-console.png")

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
        problems.check()
    finally:
        await context.close()
