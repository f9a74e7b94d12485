"""The project's exception tree.

DeskError                      anything the desk raises on purpose
├── ConfigurationError         settings missing or inconsistent (fail fast at start-up)
├── KnowledgeBaseError         the knowledge base cannot be loaded or is invalid
└── ChannelError               a platform payload or call failed
    ├── WebhookRejected        an inbound webhook is refused (carries the HTTP status)
    └── MailNotSent            an e-mail to a visitor was not sent (says whether to retry)
"""

from __future__ import annotations


class DeskError(Exception):
    """Base of every exception the desk raises deliberately."""


class ConfigurationError(DeskError):
    pass


class KnowledgeBaseError(DeskError):
    pass


class ChannelError(DeskError):
    pass


class WebhookRejected(ChannelError):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class MailNotSent(ChannelError):
    """``reason`` never holds the address (it is logged and shown to staff)."""

    def __init__(self, retry: bool, reason: str) -> None:
        super().__init__(reason)
        self.retry = retry
        self.reason = reason
