"""The web chat page in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

The real app runs on 127.0.0.1 inside the test's event loop; Playwright starts the system
browser (never a browser of its own download). Screenshots land in ``test-artifacts/``.

Without Chromium the tests skip on a developer's machine and fail under CI (``CI`` set), where
``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.app import create_app
from bot.settings import Settings
from tests.conftest import KNOWLEDGE_DIR, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts"
#: The screenshots README.md shows: `SAVE_SCREENSHOTS=1 make unit` copies them into docs/img/
#: (commit them after looking at them).
README_IMAGES = ROOT / "docs" / "img"
README_SCREENSHOTS = frozenset({"web-chat-mobile-viewport.png", "staff-console.png"})
# What this machine's closed network needs: no background connections, no updates, no sync.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(
            f"{reason}: the web chat browser test cannot run. "
            "On Debian: apt-get install -y chromium (.ci/run does this).",
            pytrace=False,
        )
    pytest.skip(f"{reason} (apt-get install -y chromium; pip install -e '.[dev]')")


@pytest.fixture
def chromium() -> Path:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"no Chromium at {CHROMIUM}")
    if shutil.which("fc-list") is None:
        _unavailable("fontconfig missing (it comes with Debian's chromium)")
    return CHROMIUM


@pytest.fixture
async def base_url(tmp_path: Path) -> AsyncIterator[str]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_host="127.0.0.1",
        bot_port=0,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        knowledge_dir=KNOWLEDGE_DIR,
        line_channel_secret=None,
        line_channel_access_token=None,
        telegram_bot_token=None,
        telegram_webhook_secret=None,
    )
    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}/"
    finally:
        await runner.cleanup()


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Any]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed")
    async with async_playwright() as pw:
        # Playwright gives every launch a fresh, temporary --user-data-dir.
        browser = await pw.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


class PageProblems:
    """Console errors and warnings, uncaught exceptions and failed requests seen by a page."""

    def __init__(self, page: Any) -> None:
        self.seen: list[str] = []
        page.on("pageerror", self._page_error)
        page.on("console", self._console)
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _page_error(self, exc: Any) -> None:
        self.seen.append(f"page error: {exc}")

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.seen.append(f"console {message.type}: {message.text} {message.location}")

    def _request_failed(self, request: Any) -> None:
        self.seen.append(f"request failed: {request.url}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.seen.append(f"HTTP {response.status}: {response.url}")

    def check(self) -> None:
        assert self.seen == []


async def _ask(page: Any, question: str) -> None:
    """Type a question and send it with Enter; wait for the reply bubble to arrive."""
    bots = page.locator("#log .msg.bot")
    before = await bots.count()
    field = page.get_by_label("Your question / 您的問題")
    await field.fill(question)
    async with page.expect_response(re.compile(r"/api/chat$")) as response:
        await field.press("Enter")
    assert (await response.value).status == 200
    await page.wait_for_function(
        "n => document.querySelectorAll('#log .msg.bot').length > n", arg=before
    )
    # The visitor's own words are shown as their bubble.
    await _expect_text(page.locator("#log .msg.me").last, question)


async def _tap(page: Any, label: str, *, touch: bool = False) -> None:
    """Tap an option button of the last bot bubble and wait for the answer."""
    bots = page.locator("#log .msg.bot")
    before = await bots.count()
    button = bots.last.locator(".options").get_by_role("button", name=label, exact=True)
    async with page.expect_response(re.compile(r"/api/chat$")) as response:
        if touch:
            await button.tap()
        else:
            await button.click()
    assert (await response.value).status == 200
    await page.wait_for_function(
        "n => document.querySelectorAll('#log .msg.bot').length > n", arg=before
    )


def _lang_button(page: Any, label: str) -> Any:
    group = page.get_by_role("group", name="Language / 語言")
    return group.get_by_role("button", name=label, exact=True)


async def _expect_text(locator: Any, text: str) -> None:
    from playwright.async_api import expect

    await expect(locator).to_contain_text(text, timeout=TIMEOUT_MS)


async def _screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    if full_page:
        # At the bottom, the sticky question form sits in its place instead of over a message.
        await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    await page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 10_000
    if os.environ.get("SAVE_SCREENSHOTS") and name in README_SCREENSHOTS:
        README_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, README_IMAGES / name)
    return path


async def test_web_chat_desktop(browser: Any, base_url: str) -> None:
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        page = await context.new_page()
        problems = PageProblems(page)
        await page.goto(base_url)

        # Looks like the county's service, not a debug page.
        assert "花蓮" in await page.title()
        await expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Hualien County Government"
        )
        # Accessible: a polite live log, a labelled input, a named language group.
        log = page.get_by_role("log")
        await expect(log).to_have_attribute("aria-live", "polite")
        await expect(page.get_by_role("group", name="Language / 語言")).to_be_visible()
        field = page.get_by_label("Your question / 您的問題")
        await expect(field).to_be_visible()

        # Keyboard users see where they are: a visible focus ring on the field.
        await page.keyboard.press("Tab")
        for _ in range(6):
            if await field.evaluate("el => el === document.activeElement"):
                break
            await page.keyboard.press("Tab")
        assert await field.evaluate("el => el === document.activeElement")
        outline = await field.evaluate(
            "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth]; }"
        )
        assert outline[0] != "none"
        assert outline[1] != "0px"

        # A Chinese question → the county government's switchboard, with a tap-to-call link.
        await _ask(page, "花蓮縣政府電話")
        answer = page.locator("#log .msg.bot").last
        await _expect_text(answer, "03-822-7171")
        await _expect_text(answer, "總機")
        await expect(answer.get_by_role("link", name="03-822-7171")).to_have_attribute(
            "href", "tel:+88638227171"
        )
        await expect(page.locator(".lang button[data-lang='zh-Hant']")).to_have_attribute(
            "aria-pressed", "true"
        )

        # An English question → the emergency numbers, in English.
        await _ask(page, "emergency numbers")
        answer = page.locator("#log .msg.bot").last
        await _expect_text(answer, "119 Fire and ambulance")
        await _expect_text(answer, "110 Police")
        await expect(answer.get_by_role("link", name="119")).to_have_attribute("href", "tel:119")
        await expect(page.locator(".lang button[data-lang='en']")).to_have_attribute(
            "aria-pressed", "true"
        )

        # An ambiguous question → clarify options; tapping one gives that answer.
        await _ask(page, "student")
        clarify = page.locator("#log .msg.bot").last
        await _expect_text(clarify, "Did you mean one of these?")
        options = clarify.locator(".options button")
        await expect(options).to_have_count(4)
        await _tap(page, "The county's student programmes abroad")
        await _expect_text(page.locator("#log .msg.me").last, "student programmes abroad")
        answer = page.locator("#log .msg.bot").last
        await _expect_text(answer, "study trips to Germany")

        # The header's language button: the desk switches and the choice sticks.
        await _lang_button(page, "繁中").click()
        await _expect_text(page.locator("#log .msg.bot").last, "好的，我會用繁體中文回答。")
        await expect(_lang_button(page, "繁中")).to_have_attribute("aria-pressed", "true")
        await expect(_lang_button(page, "EN")).to_have_attribute("aria-pressed", "false")
        await _ask(page, "emergency numbers")
        await _expect_text(page.locator("#log .msg.bot").last, "119 消防、救護車")

        await _screenshot(page, "web-chat.png")
        problems.check()
    finally:
        await context.close()


async def test_web_chat_mobile(browser: Any, base_url: str) -> None:
    context = await browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-TW",
    )
    try:
        page = await context.new_page()
        problems = PageProblems(page)
        await page.goto(base_url)

        await _lang_button(page, "繁中").tap()
        await _expect_text(page.locator("#log .msg.bot").last, "繁體中文")

        await _ask(page, "學生")
        clarify = page.locator("#log .msg.bot").last
        await _expect_text(clarify, "請問您想問的是下列哪一項？")
        await _tap(page, "交流學生的課業與生活協助", touch=True)
        answer = page.locator("#log .msg.bot").last
        await _expect_text(answer, "國際事務處")
        await _expect_text(answer, "119（消防、救護車）")

        # What the phone shows right after the answer: its first line, not hidden by the form.
        top = await answer.evaluate("el => el.getBoundingClientRect().top")
        form_top = await page.locator("#ask").evaluate("el => el.getBoundingClientRect().top")
        assert 0 <= top < form_top - 40
        await _screenshot(page, "web-chat-mobile-viewport.png", full_page=False)

        # Readable on a phone: nothing wider than the screen, the send button fully on it.
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        send = await page.get_by_role("button", name="Send 送出").bounding_box()
        assert send is not None
        assert send["x"] >= 0
        assert send["x"] + send["width"] <= 390
        # Touch targets at least 24 CSS px high (WCAG 2.2, 2.5.8).
        for box in [
            await b.bounding_box()
            for b in await page.locator("button, input[type=text]").all()
            if await b.is_visible()
        ]:
            assert box is not None
            assert box["height"] >= 24

        await _screenshot(page, "web-chat-mobile.png")
        problems.check()
    finally:
        await context.close()


async def test_tapping_a_chinese_option_answers_in_chinese(browser: Any, base_url: str) -> None:
    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = await context.new_page()
        await page.goto(base_url)
        await _ask(page, "學生")
        await _tap(page, "交流學生的課業與生活協助")
        assert "國際事務處" in await page.locator("#log .msg.bot").last.inner_text()
    finally:
        await context.close()


@pytest.fixture
async def served_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """The app and its URL, the page polling for staff answers every 200 ms."""
    from bot.channels import web as web_channel

    monkeypatch.setattr(web_channel, "STAFF_POLL_MS", 200)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        knowledge_dir=KNOWLEDGE_DIR,
    )
    app = create_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield app, f"http://{host}:{port}/"
    finally:
        await runner.cleanup()


async def test_staff_answer_reaches_the_page_without_the_session_in_any_url(
    browser: Any, served_app: Any
) -> None:
    """Under the page's Content-Security-Policy (a violation is a console error), a staff
    answer arrives by polling, and the session id travels only in the X-Chat-Session header."""
    from bot.app import RELAY

    app, url = served_app
    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = await context.new_page()
        problems = PageProblems(page)
        sent: list[tuple[str, dict[str, str]]] = []
        page.on("request", lambda request: sent.append((request.url, request.headers)))
        await page.goto(url)
        await _ask(page, "I want to talk to a real person")
        session = await page.evaluate("localStorage.getItem('desk-session')")
        assert session
        await app[RELAY].reply(1, "Mei", "We will call you at 3 pm.")
        staff = page.locator("#log .msg.staff")
        await _expect_text(staff.last, "We will call you at 3 pm.")
        polls = [headers for address, headers in sent if "/api/chat/updates" in address]
        assert polls
        assert all(headers.get("x-chat-session") == session for headers in polls)
        assert not [address for address, _ in sent if session in address]
        problems.check()
    finally:
        await context.close()
