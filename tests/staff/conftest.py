"""The staff console tests run the real app against the fake LINE and Telegram APIs; the
browser test drives the same headless Chromium as the web chat's browser test."""

from tests.channels.conftest import desk, make_desk
from tests.test_web_browser import browser, chromium

__all__ = ["browser", "chromium", "desk", "make_desk"]
