"""One frozen Settings object, read from the environment and ``.env``.

Names are the contract in DESIGN.md, so deployments and outside checks can drive the server.
Secrets are ``SecretStr``: their value never appears in a repr, a log line or an error.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path
from typing import Self
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        frozen=True,
        extra="ignore",
        case_sensitive=False,
    )

    bot_host: str = "127.0.0.1"
    bot_port: int = Field(default=8080, ge=0, le=65535)
    database_url: str = "sqlite:///./data/desk.db"
    knowledge_dir: Path = Path("./knowledge")
    #: Seconds between two looks at the database for a knowledge base published by
    #: ``python -m bot kb reload`` (or another replica): every replica picks it up within this.
    knowledge_poll_seconds: float = Field(default=10, ge=0.1, le=3600)

    line_channel_secret: SecretStr | None = None
    line_channel_access_token: SecretStr | None = None
    line_api_base_url: str = "https://api.line.me"
    #: LINE's data host: rich menu images are uploaded there, not to LINE_API_BASE_URL.
    line_api_data_base_url: str = "https://api-data.line.me"

    telegram_bot_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    staff_telegram_chat_id: int | None = None

    #: Office hours of the exchange staff, in their own time zone.
    office_timezone: str = "Asia/Taipei"
    office_days: str = "Mon-Fri"
    office_open: dt.time = dt.time(8, 0)
    office_close: dt.time = dt.time(17, 0)
    #: Minutes an unclaimed ticket waits before its card is posted to the staff group again.
    staff_repost_minutes: int = Field(default=30, ge=1, le=1440)
    #: Key of the staff console's encrypted session cookie (32 url-safe base64 bytes, Fernet).
    #: Unset: a random key per process, so staff log in again after a restart.
    staff_session_key: SecretStr | None = None
    #: Seconds between two looks of the console's live pages (the request list, a request)
    #: for changes; the tab's title counts the requests waiting.
    staff_poll_seconds: float = Field(default=10, ge=1, le=300)
    #: Mark the staff console's cookie Secure (set it when the console is served over HTTPS).
    staff_cookie_secure: bool = False
    #: Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is
    #: believed, so login throttling sees each staff member's own address, not the proxy's.
    trusted_proxies: str = ""
    #: Hours a reply or staff answer keeps being retried while LINE or Telegram fails, before
    #: it is given up and shown as undelivered on its ticket.
    send_retry_hours: float = Field(default=24, gt=0, le=24 * 14)
    #: Days conversations and tickets are kept before they are purged (PDPA).
    retention_days: int = Field(default=180, ge=1, le=3650)
    #: Minutes the desk reads a short follow-up against the visitor's last topic.
    topic_minutes: int = Field(default=30, ge=0, le=24 * 60)
    #: The web chat's budget per client address (behind TRUSTED_PROXIES, the address the
    #: proxy saw): messages a minute, and new tickets an hour. A delegation often shares one
    #: hotel address. LINE and Telegram are never limited by address: all of their webhooks
    #: come from the platforms' servers.
    web_chat_messages_per_minute: int = Field(default=30, ge=1, le=100_000)
    web_chat_tickets_per_hour: int = Field(default=10, ge=1, le=100_000)
    #: Open live-update connections of the web chat (a page waiting for a staff answer): at
    #: most this many from one client address (a delegation in one hotel shares one), and in
    #: all, per server process. Over them a page is told to try again a little later.
    web_chat_streams_per_address: int = Field(default=20, ge=1, le=100_000)
    web_chat_streams_total: int = Field(default=1000, ge=1, le=1_000_000)

    #: Outgoing mail, for web-chat visitors who leave an e-mail address on their request.
    #: Unset SMTP_HOST: no e-mail (the page does not offer it).
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    #: The sender, e.g. ``Hualien Exchange Desk <exchange@example.gov.tw>``.
    smtp_from: str | None = None
    #: Upgrade the connection with STARTTLS before anything is sent (and refuse to send when
    #: the server does not offer it). Off only for a relay on the same host.
    smtp_starttls: bool = True

    @field_validator("office_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone: fail at start-up, not at the first ticket
        return value

    @field_validator("office_days")
    @classmethod
    def _day_range(cls, value: str) -> str:
        first, _, last = value.partition("-")
        if first not in _WEEKDAYS or (last and last not in _WEEKDAYS):
            raise ValueError(f"office_days must look like 'Mon-Fri', got {value!r}")
        return value

    @model_validator(mode="after")
    def _pairs(self) -> Self:
        if bool(self.line_channel_secret) != bool(self.line_channel_access_token):
            raise ValueError(
                "LINE needs both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN (or neither)"
            )
        if bool(self.telegram_bot_token) != bool(self.telegram_webhook_secret):
            raise ValueError(
                "Telegram needs both TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET (or neither)"
            )
        return self

    @model_validator(mode="after")
    def _mail(self) -> Self:
        if self.smtp_host and not self.smtp_from:
            raise ValueError("SMTP_HOST is set: SMTP_FROM (the sender's address) is needed too")
        if bool(self.smtp_user) != bool(self.smtp_password):
            raise ValueError("SMTP needs both SMTP_USER and SMTP_PASSWORD (or neither)")
        return self

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_host)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            ipaddress.ip_network(item, strict=False)  # raises for a typo: fail at start-up
        return value

    @property
    def proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(
            ipaddress.ip_network(part.strip(), strict=False)
            for part in self.trusted_proxies.split(",")
            if part.strip()
        )

    @property
    def line_enabled(self) -> bool:
        return self.line_channel_secret is not None

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_bot_token is not None

    @property
    def office_weekdays(self) -> range:
        first, _, last = self.office_days.partition("-")
        return range(_WEEKDAYS.index(first), _WEEKDAYS.index(last or first) + 1)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.office_timezone)
