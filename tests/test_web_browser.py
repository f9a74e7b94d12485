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
from bot.i18n import translate
from bot.keys import RELAY, STORE, WEB_LIVE
from bot.settings import Settings
from bot.text import Lang
from tests.conftest import KNOWLEDGE_DIR, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts"
#: The screenshots README.md shows: `SAVE_SCREENSHOTS=1 make unit` copies them into docs/img/
#: (commit them after looking at them).
README_IMAGES = ROOT / "docs" / "img"
README_SCREENSHOTS = frozenset(
    {
        "web-chat-mobile-viewport.png",
        "web-chat-staff-reply-mobile.png",
        "staff-console.png",
        "staff-console-requests.png",
        "staff-console-unanswered.png",
        "staff-insights.png",
    }
)
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
        # A reload or leaving the page cuts off the long poll waiting for staff answers.
        if "/api/chat/updates" in request.url and request.failure == "net::ERR_ABORTED":
            return
        self.seen.append(f"request failed: {request.url} ({request.failure})")

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


async def test_a_japanese_visitor_is_answered_in_japanese(browser: Any, base_url: str) -> None:
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = await context.new_page()
        await page.goto(base_url)
        await _ask(page, "花蓮空港から市内への行き方を教えてください")
        answer = page.locator("#log .msg.bot").last
        assert await answer.get_attribute("lang") == "ja"
        text = await answer.inner_text()
        # The entry's Japanese answer, with the note that the Chinese/English text is the
        # original while a curator has not cleared the translation.
        assert "空港" in text
        assert "原文" in text
        # Its buttons are Japanese too: one way to staff, in the visitor's language.
        buttons = answer.locator(".options").get_by_role("button")
        labels = await buttons.all_inner_texts()
        assert translate("Ask staff", Lang.JA) in labels
        assert "Ask staff" not in labels
        await _ask(page, "日本語でお願いします")
        assert (
            await page.locator("#log .msg.bot").last.inner_text() == "はい、日本語でお答えします。"
        )
        await _screenshot(page, "web-chat-japanese-mobile.png")
    finally:
        await context.close()


async def test_a_frightened_message_the_desk_cannot_answer_says_where_to_call(
    browser: Any, base_url: str
) -> None:
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = await context.new_page()
        await page.goto(base_url)
        await _ask(page, "my friend is acting really strange and i'm so scared, what do i do")
        reply = page.locator("#log .msg.bot").last
        text = await reply.inner_text()
        assert "110" in text
        assert "119" in text
        # The way to staff stays where it was: the line is said, not another button.
        labels = await reply.locator(".options").get_by_role("button").all_inner_texts()
        assert "Ask staff" in labels
        await _screenshot(page, "web-chat-frightened-mobile.png", full_page=False)
    finally:
        await context.close()


async def test_the_page_in_japanese_and_korean_on_a_phone(browser: Any, base_url: str) -> None:
    from playwright.async_api import expect

    # A phone set to Japanese: the browser's Accept-Language says so.
    context = await browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="ja-JP",
    )
    try:
        page = await context.new_page()
        problems = PageProblems(page)
        await page.goto(base_url)
        assert await page.get_attribute("html", "lang") == "ja"
        field = page.get_by_label(translate("Your question", Lang.JA), exact=True)
        await expect(field).to_have_attribute(
            "placeholder", translate("Type your question…", Lang.JA)
        )
        group = page.get_by_role("group", name=translate("Language", Lang.JA), exact=True)
        buttons = group.get_by_role("button")
        assert await buttons.all_inner_texts() == ["EN", "繁中", "简中", "日本語", "한국어"]
        # All five on the phone's screen and big enough to tap.
        for box in [await b.bounding_box() for b in await buttons.all()]:
            assert box is not None
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= 390
            assert box["height"] >= 24
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await _screenshot(page, "web-chat-japanese-page-top-mobile.png", full_page=False)

        question = "花蓮空港から市内への行き方を教えてください"
        await field.fill(question)
        async with page.expect_response(re.compile(r"/api/chat$")):
            await field.press("Enter")
        answer = page.locator("#log .msg.bot").last
        await expect(answer).to_have_attribute("lang", "ja", timeout=TIMEOUT_MS)
        await expect(group.get_by_role("button", name="日本語")).to_have_attribute(
            "aria-pressed", "true"
        )
        await _screenshot(page, "web-chat-japanese-page-mobile.png", full_page=False)

        # 한국어 in the header: the desk switches, and the page itself comes back in Korean
        # with the conversation so far.
        async with page.expect_navigation(url=re.compile(r"\?lang=ko$")):
            await group.get_by_role("button", name="한국어").tap()
        assert await page.get_attribute("html", "lang") == "ko"
        await _expect_text(page.locator("#log .msg.me").first, question)
        await _expect_text(
            page.locator("#log .msg.bot").last, translate("OK, I will answer in English.", Lang.KO)
        )
        korean = page.get_by_role("group", name=translate("Language", Lang.KO), exact=True)
        await expect(korean.get_by_role("button", name="한국어")).to_have_attribute(
            "aria-pressed", "true"
        )
        await _screenshot(page, "web-chat-korean-page-mobile.png", full_page=False)

        # The choice is remembered: the plain address opens in Korean, not the browser's
        # Japanese.
        await page.goto(base_url)
        assert await page.get_attribute("html", "lang") == "ko"
        await expect(page.get_by_role("button", name=translate("Send", Lang.KO))).to_be_visible()
        problems.check()
    finally:
        await context.close()


class Served:
    """The real app on 127.0.0.1 that a test can stop and start again on the same port and
    database (a restart); ``app`` is the one running now."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = 0
        self.runner: web.AppRunner | None = None
        self.app: web.Application | None = None

    async def start(self) -> None:
        self.app = create_app(self.settings)
        self.runner = web.AppRunner(self.app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        self.port = self.runner.addresses[0][1]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
        self.runner = self.app = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def running(self) -> web.Application:
        assert self.app is not None
        return self.app

    async def answer(self, text: str) -> int:
        """Staff answer the newest request, as the console or the staff group does."""
        [ticket, *_] = await self.running[STORE].tickets()
        await self.running[RELAY].reply(ticket.number, "Mei", text)
        return ticket.number


@pytest.fixture
async def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Served]:
    """The app with short waits: a long poll answers after 3 s, a page comes back within 2 s
    after a failure."""
    from bot.channels import web as web_channel
    from bot.channels import web_live

    monkeypatch.setattr(web_live, "WAIT_SECONDS", 3.0)
    monkeypatch.setattr(web_live, "POLL_SECONDS", 0.1)
    monkeypatch.setattr(web_channel, "RECONNECT_MS", 300)
    monkeypatch.setattr(web_channel, "RECONNECT_MAX_MS", 2000)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        knowledge_dir=KNOWLEDGE_DIR,
        line_channel_secret=None,
        line_channel_access_token=None,
        telegram_bot_token=None,
        telegram_webhook_secret=None,
        # The page offers e-mail; nothing is sent in these tests (no staff answer to a
        # request with an address goes out before the test ends).
        smtp_host="127.0.0.1",
        smtp_port=9,
        smtp_from="Desk <desk@example.gov.tw>",
        smtp_starttls=False,
    )
    server = Served(settings)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def _log(page: Any) -> list[tuple[str, str]]:
    """(kind, first line) of each bubble of the log, in the order shown."""
    rows: list[list[str]] = await page.evaluate(
        """() => [...document.querySelectorAll('#log .msg')].map(d => [
               d.classList.contains('me') ? 'me' : d.classList.contains('staff') ? 'staff'
                 : d.classList.contains('welcome') ? 'welcome' : 'bot',
               d.firstChild && d.firstChild.nodeType === 3 ? d.firstChild.textContent.split('\\n')[0] : ''])"""
    )
    return [(kind, text) for kind, text in rows]


async def _transcript(page: Any) -> list[dict[str, Any]]:
    """The conversation as the server keeps it, asked by the page itself."""
    data: dict[str, Any] = await page.evaluate(
        """async () => (await fetch('api/chat/transcript',
               {headers: {'X-Chat-Session': localStorage.getItem('desk-session')}})).json()"""
    )
    messages: list[dict[str, Any]] = data["messages"]
    return messages


DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-US"}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-US",
}


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
async def test_reload_restores_the_conversation_with_staff_answer_and_emergency_card(
    browser: Any, served: Served, device: dict[str, Any]
) -> None:
    from playwright.async_api import expect

    context = await browser.new_context(**device)
    try:
        page = await context.new_page()
        problems = PageProblems(page)
        await page.goto(served.url)
        await _ask(page, "there is a fire in my hotel")
        card = page.locator("#log .msg.urgent")
        await expect(card).to_have_count(1)
        await _ask(page, "I want to talk to a real person")
        await served.answer("We will call you at 3 pm.")
        await _expect_text(page.locator("#log .msg.staff").last, "We will call you at 3 pm.")
        before = await _log(page)

        await page.reload()
        await _expect_text(page.locator("#log .msg.staff").last, "We will call you at 3 pm.")
        # The same conversation, in the same order, after the page's own welcome.
        assert await _log(page) == before
        # The language the desk answers in is still the one shown pressed.
        await expect(_lang_button(page, "EN")).to_have_attribute("aria-pressed", "true")
        assert before[0][0] == "welcome"
        assert [kind for kind, _ in before[1:]] == ["me", "bot", "bot", "me", "bot", "staff"]
        # The emergency is still the red card with its numbers to call.
        restored = page.locator("#log .msg.urgent")
        await expect(restored).to_have_count(1)
        await expect(restored.get_by_role("link", name="☎ 119")).to_have_attribute(
            "href", "tel:119"
        )
        await expect(restored).to_have_attribute("lang", "en")
        colour = await restored.evaluate("el => getComputedStyle(el).backgroundColor")
        assert colour == "rgb(179, 38, 30)"
        # The number to call is a big target, whole on the screen, on a phone too.
        call = await restored.get_by_role("link", name="☎ 119").bounding_box()
        assert call is not None
        assert call["height"] >= 44
        assert call["x"] >= 0
        assert call["x"] + call["width"] <= device["viewport"]["width"]
        assert (
            await page.evaluate("document.documentElement.scrollWidth")
            <= (device["viewport"]["width"])
        )
        # Only the page's welcome is not from the server.
        assert len(await _transcript(page)) == len(before) - 1
        width = device["viewport"]["width"]
        await _screenshot(page, f"web-chat-restored-{width}.png")
        problems.check()
    finally:
        await context.close()


async def test_a_staff_answer_arrives_live_in_the_order_it_was_written(
    browser: Any, served: Served
) -> None:
    """The staff answer reaches the open tab while the visitor's own message is still on its
    way back: it is shown after the desk's reply to that message, which was stored first."""
    import asyncio

    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = await context.new_page()
        problems = PageProblems(page)
        sent: list[tuple[str, dict[str, str]]] = []
        page.on("request", lambda request: sent.append((request.url, request.headers)))
        await page.goto(served.url)
        await _ask(page, "I want to talk to a real person")
        session = await page.evaluate("localStorage.getItem('desk-session')")

        answered = asyncio.Event()

        async def held_back(route: Any) -> None:
            response = await route.fetch()  # the server has stored the message and its reply
            await answered.wait()
            await route.fulfill(response=response)

        await page.route("**/api/chat", held_back)
        field = page.get_by_label("Your question / 您的問題")
        await field.fill("My flight lands at 5 pm")
        await field.press("Enter")
        # Stored after the visitor's message: the page hears of it first.
        await asyncio.sleep(0.3)
        await served.answer("Noted, we will meet you at the airport.")
        await _expect_text(page.locator("#log .msg.staff"), "meet you at the airport")
        answered.set()
        await _expect_text(page.locator("#log .msg.bot").last, "meet you at the airport")
        shown = await _log(page)
        assert [kind for kind, _ in shown[-3:]] == ["me", "bot", "staff"]
        assert shown[-3][1] == "My flight lands at 5 pm"
        ids = await page.evaluate(
            "[...document.querySelectorAll('#log .msg[data-id]')].map(d => Number(d.dataset.id))"
        )
        assert ids == sorted(ids)
        # Only the header carries the session: never a URL.
        assert [h for u, h in sent if "/api/chat/updates" in u]
        for address, headers in sent:
            assert session not in address
            if "/api/chat/updates" in address or "/api/chat/transcript" in address:
                assert headers.get("x-chat-session") == session
        problems.check()
    finally:
        await context.close()


async def test_a_slow_answer_shows_the_desk_writing_and_sends_once(
    browser: Any, served: Served
) -> None:
    import asyncio

    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        page = await context.new_page()
        problems = PageProblems(page)
        await page.goto(served.url)
        posts: list[str] = []

        async def slow(route: Any) -> None:
            posts.append(route.request.post_data or "")
            await asyncio.sleep(1.5)
            await route.continue_()

        await page.route("**/api/chat", slow)
        field = page.get_by_label("Your question / 您的問題")
        send = page.get_by_role("button", name="Send 送出")
        await field.fill("student")
        await field.press("Enter")
        typing = page.locator("#log .typing")
        await expect(typing).to_be_visible()
        await expect(send).to_be_disabled()
        await expect(page.locator("#log .msg.me.pending")).to_have_text("student")
        await _screenshot(page, "web-chat-typing.png", full_page=False)
        # A second message while the first is on its way is not sent, and not lost.
        await field.fill("sister cities")
        await field.press("Enter")
        await expect(page.locator("#log .msg.bot").last).to_contain_text(
            "Did you mean one of these?", timeout=TIMEOUT_MS
        )
        await expect(typing).to_have_count(0)
        await expect(send).to_be_enabled()
        assert len(posts) == 1
        assert await field.input_value() == "sister cities"
        assert [m["text"] for m in await _transcript(page) if m["from"] == "visitor"] == ["student"]
        problems.check()
    finally:
        await context.close()


async def test_offline_the_message_waits_for_retry_and_is_sent_once(
    browser: Any, served: Served
) -> None:
    from playwright.async_api import expect

    context = await browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = await context.new_page()
        await page.goto(served.url)
        field = page.get_by_label("Your question / 您的問題")

        await context.set_offline(True)
        await field.fill("county government phone number")
        await field.press("Enter")
        notice = page.get_by_role("status").filter(has_text="not sent")
        await expect(notice).to_be_visible()
        retry = page.get_by_role("button", name="Retry 重試")
        await expect(retry).to_be_visible()
        await expect(page.locator("#log .msg.me.failed")).to_contain_text("Not sent")
        # The words are not lost: they are back in the box.
        assert await field.input_value() == "county government phone number"
        await _screenshot(page, "web-chat-offline-mobile.png", full_page=False)

        await context.set_offline(False)
        await retry.tap()
        await _expect_text(page.locator("#log .msg.bot").last, "822 7171")
        await expect(notice).to_be_hidden()
        assert await field.input_value() == ""
        visitor = [m["text"] for m in await _transcript(page) if m["from"] == "visitor"]
        assert visitor == ["county government phone number"]

        # The answer lost on the way back (the server did answer): sent again with its id,
        # it is answered once, from what the server kept.
        lost: list[str] = []

        async def lose_answer(route: Any) -> None:
            lost.append(route.request.post_data or "")
            await route.fetch()
            await route.abort()

        await page.route("**/api/chat", lose_answer)
        await field.fill("emergency numbers")
        await field.press("Enter")
        await expect(retry).to_be_visible()
        await page.unroute("**/api/chat")
        resent: list[str] = []
        page.on(
            "request",
            lambda r: resent.append(r.post_data or "") if r.url.endswith("/api/chat") else None,
        )
        await retry.tap()
        await _expect_text(page.locator("#log .msg.bot").last, "110")
        assert resent == lost  # the same message, with the same id
        visitor = [m["text"] for m in await _transcript(page) if m["from"] == "visitor"]
        assert visitor == ["county government phone number", "emergency numbers"]
        assert await page.locator("#log .msg.me").count() == 2
    finally:
        await context.close()


async def test_a_message_still_being_answered_is_asked_for_again_not_sent_anew(
    browser: Any, served: Served
) -> None:
    """Retry of a message whose first sending the server is still answering (409): the page
    asks again with the same id a moment later and shows the one answer."""
    from playwright.async_api import expect

    context = await browser.new_context(**DESKTOP)
    try:
        page = await context.new_page()
        await page.goto(served.url)
        posts: list[str] = []

        async def route(route: Any) -> None:
            posts.append(route.request.post_data or "")
            if len(posts) == 1:
                await route.fetch()  # answered by the server, the answer lost on the way
                await route.abort()
            elif len(posts) == 2:
                await route.fulfill(
                    status=409,
                    json={"error": "this message is being answered; ask again"},
                )
            else:
                await route.continue_()

        await page.route("**/api/chat", route)
        field = page.get_by_label("Your question / 您的問題")
        await field.fill("county government phone number")
        await field.press("Enter")
        retry = page.get_by_role("button", name="Retry 重試")
        await expect(retry).to_be_visible()
        await retry.click()
        await _expect_text(page.locator("#log .msg.bot").last, "822 7171")
        assert len(posts) == 3
        assert posts == [posts[0]] * 3  # the same message, with the same id
        await expect(page.locator("#log")).not_to_contain_text("being answered")
        await expect(retry).to_be_hidden()
        assert await field.input_value() == ""
        visitor = [m["text"] for m in await _transcript(page) if m["from"] == "visitor"]
        assert visitor == ["county government phone number"]
    finally:
        await context.close()


async def _in_sight(page: Any, locator: Any) -> bool:
    """Whether the element is on the screen and not covered (by the sticky question form)."""
    result: bool = await locator.evaluate(
        """el => { const r = el.getBoundingClientRect();
                   const x = r.left + r.width / 2, y = r.top + r.height / 2;
                   if (y < 0 || y > innerHeight || x < 0 || x > innerWidth) return false;
                   const hit = document.elementFromPoint(x, y);
                   return hit === el || el.contains(hit); }"""
    )
    return result


async def test_a_long_conversation_still_shows_the_retry_and_the_answer(
    browser: Any, served: Served
) -> None:
    """On a phone with the conversation longer than the screen, the notice of a message not
    sent and its Retry are in sight above the question box, and so is the answer."""
    from playwright.async_api import expect

    context = await browser.new_context(**PHONE)
    try:
        page = await context.new_page()
        await page.goto(served.url)
        for question in ["emergency numbers", "sister cities", "county government phone number"]:
            await _ask(page, question)
        assert await page.evaluate("document.documentElement.scrollHeight > 3 * innerHeight")
        field = page.get_by_label("Your question / 您的問題")
        await context.set_offline(True)
        await field.fill("student")
        await field.press("Enter")
        retry = page.get_by_role("button", name="Retry 重試")
        await expect(retry).to_be_visible()
        assert await _in_sight(page, retry)
        assert await _in_sight(page, page.locator("#log .msg.me.failed .state"))
        await _screenshot(page, "web-chat-retry-long-mobile.png", full_page=False)
        await context.set_offline(False)
        await retry.tap()
        await _expect_text(page.locator("#log .msg.bot").last, "Did you mean one of these?")
        assert await _in_sight(page, page.locator("#log .msg.bot").last.locator(".options"))
    finally:
        await context.close()


async def test_the_page_comes_back_after_a_server_restart(browser: Any, served: Served) -> None:
    import asyncio

    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = await context.new_page()
        await page.goto(served.url)
        await _ask(page, "I want to talk to a real person")
        # The page waits for staff answers (a long poll held open by the server) …
        live = served.running[WEB_LIVE]
        for _ in range(200):
            if live.open:
                break
            await asyncio.sleep(0.05)
        assert live.open == 1
        # … when the server stops and starts again on the same database.
        await served.stop()
        await asyncio.sleep(1.5)  # the page finds the server gone and tries again later
        await served.start()
        await served.answer("Back after the restart.")
        await _expect_text(page.locator("#log .msg.staff").last, "Back after the restart.")
        assert await page.locator("#log .msg.staff").count() == 1
    finally:
        await context.close()


async def test_over_the_cap_a_page_says_so_and_gets_the_answer_later(
    browser: Any, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages waiting for staff answers are bounded per address: the one over the cap is told
    to come back (429), says that replies come a little later, and does come back."""
    import asyncio

    from playwright.async_api import expect

    from bot.channels import web_live

    monkeypatch.setattr(web_live, "RETRY_AFTER_SECONDS", 1)
    live = served.running[WEB_LIVE]
    live.per_address = 1
    context = await browser.new_context(**PHONE)
    try:
        first = await context.new_page()
        await first.goto(served.url)
        await _ask(first, "I want to talk to a real person")
        for _ in range(200):
            if live.open:
                break
            await asyncio.sleep(0.05)
        assert live.open == 1
        # A second tab of the same browser, from the same address: over the cap.
        refused: list[int] = []
        second = await context.new_page()
        second.on(
            "response",
            lambda r: refused.append(r.status) if "/api/chat/updates" in r.url else None,
        )
        await second.goto(served.url)
        notice = second.get_by_role("status").filter(has_text="staff replies will show up")
        await expect(notice).to_be_visible(timeout=TIMEOUT_MS)
        assert 429 in refused
        assert 500 not in refused
        await _screenshot(second, "web-chat-busy-mobile.png", full_page=False)
        # The first tab goes away; its place frees once its wait ends, and the second tab,
        # asking again, gets the answer.
        await first.close()
        for _ in range(200):
            if not live.open:
                break
            await asyncio.sleep(0.05)
        await served.answer("We will call you at 3 pm.")
        await _expect_text(second.locator("#log .msg.staff").last, "We will call you at 3 pm.")
        await expect(notice).to_be_hidden()
    finally:
        await context.close()


async def test_buttons_only_one_way_to_staff_and_used_rows_stay_used(
    browser: Any, served: Served
) -> None:
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        page = await context.new_page()
        problems = PageProblems(page)
        await page.goto(served.url)
        await _ask(page, "student")
        clarify = page.locator("#log .msg.bot").nth(1)  # after the page's welcome
        # The question and the buttons, not a numbered list of the same.
        text = await clarify.evaluate("el => el.firstChild.textContent")
        assert text == "Did you mean one of these?"
        buttons = clarify.locator(".options button")
        await _tap(page, "The county's student programmes abroad")
        for button in await buttons.all():
            await expect(button).to_be_disabled()
        await expect(clarify.locator(".options button.chosen")).to_have_text(
            "The county's student programmes abroad"
        )
        await _ask(page, "county government phone number")
        answer = page.locator("#log .msg.bot").last
        labels = await answer.locator(".options button").all_inner_texts()
        assert "Ask staff" in labels
        assert "Talk to our staff" not in labels

        await page.reload()
        restored = page.locator("#log .msg.bot").nth(1)
        await expect(restored.locator(".options button.chosen")).to_have_text(
            "The county's student programmes abroad"
        )
        await expect(page.locator("#log .msg.me").nth(1)).to_have_text(
            "The county's student programmes abroad"
        )
        # The last answer's buttons are still there to use.
        await expect(
            page.locator("#log .msg.bot").last.locator(".options button").first
        ).to_be_enabled()
        problems.check()
    finally:
        await context.close()


async def test_a_visitor_leaves_an_e_mail_address_on_the_request(
    browser: Any, served: Served
) -> None:
    from playwright.async_api import expect

    context = await browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = await context.new_page()
        problems = PageProblems(page)
        await page.goto(served.url)
        mailbox = page.locator("#mailbox")
        await expect(mailbox).to_be_hidden()  # offered once a request is open
        await _ask(page, "I want to talk to a real person")
        await expect(mailbox).to_be_visible()
        address = page.get_by_label("Your e-mail address / 您的電子郵件地址")
        await address.fill("not an address")
        await page.get_by_role("button", name="Send replies there 寄到這裡").tap()
        await expect(page.get_by_role("alert")).to_contain_text("check the e-mail address")
        await address.fill("delegate@example.jp")
        await page.get_by_role("button", name="Send replies there 寄到這裡").tap()
        await expect(mailbox).to_contain_text("will also be e-mailed to you")
        await _screenshot(page, "web-chat-email-mobile.png", full_page=False)
        await page.reload()
        await expect(mailbox).to_contain_text("will also be e-mailed to you")
        assert "delegate@example.jp" not in await page.content()
        await page.get_by_role("button", name="Remove my address 刪除我的地址").tap()
        await expect(address).to_be_visible()
        # The staff answer comes into the open page (README's picture of the web chat).
        await served.answer("We have booked the interpreter for Tuesday at 10:00.")
        await _expect_text(page.locator("#log .msg.staff").last, "interpreter for Tuesday")
        await _screenshot(page, "web-chat-staff-reply-mobile.png", full_page=False)
        problems.check()
    finally:
        await context.close()
