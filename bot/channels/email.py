"""E-mail to web-chat visitors: a staff answer also sent to the address left on the request.

The web chat has no way to reach a visitor who closed the tab; one who leaves an address gets
each staff answer to their request there too. Answers go through the outbox like LINE and
Telegram messages (queued with the answer, retried with backoff, shown to staff on the ticket
when they fail for good): the outbox row names only the ticket, and the address is read from
the ticket when the mail is sent, so it lives in one place and goes with the ticket (/delete,
retention). Neither the address nor the SMTP password is ever logged.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import smtplib
import ssl
from collections.abc import Awaitable, Callable
from email.message import EmailMessage

from bot.errors import MailNotSent
from bot.i18n import N_, translate
from bot.models import Reply
from bot.settings import Settings
from bot.store import Store
from bot.text import Lang

logger = logging.getLogger(__name__)

#: Seconds one SMTP conversation may take (connect, each command).
SMTP_TIMEOUT = 20.0

_SUBJECT = N_("Reply to your request #{number} — Hualien Exchange Desk")
_FOOTER = N_(
    "This is the answer to your request #{number} in our web chat. To write back, open the web "
    "chat again in the same browser; replies to this e-mail are not read. Your address is "
    "deleted together with the request."
)


def _footer(number: int, lang: Lang) -> str:
    """The signature and what the visitor may do, in their language; in English too for one
    who does not read Chinese or English (the staff answer above is in one of those)."""
    heading = f"{translate('Hualien County Government', lang)} · {translate('Exchange Desk', lang)}"
    footer = [f"--\n{heading}\n\n{translate(_FOOTER, lang, number=number)}"]
    if lang.is_translated:
        footer.append(translate(_FOOTER, Lang.EN, number=number))
    return "\n\n".join(footer)


def default_tls() -> ssl.SSLContext:
    """Certificates checked against the system's authorities (the tests bring their own)."""
    return ssl.create_default_context()


class Mailer:
    """Sends queued e-mails (the outbox's deliverer for the "email" channel)."""

    def __init__(
        self, settings: Settings, store: Store, *, tls: ssl.SSLContext | None = None
    ) -> None:
        # Settings refuses SMTP_HOST without SMTP_FROM.
        assert settings.smtp_host
        assert settings.smtp_from
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.user = settings.smtp_user
        self.password = settings.smtp_password
        self.sender = settings.smtp_from
        self.starttls = settings.smtp_starttls
        self.store = store
        self.tls = tls or default_tls()
        _, address = email.utils.parseaddr(self.sender)
        self._domain = address.rpartition("@")[2] or "localhost"

    async def deliver(
        self,
        user_id: str,
        replies: list[Reply],
        reply_token: str | None,
        retry_key: str,
        *,
        push_if_token_spent: bool = True,
        parts_sent: int = 0,
        on_part_sent: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        """E-mail ``replies`` to the address on ticket ``user_id`` (its number)."""
        number = int(user_id)
        address = await self.store.notify_email(number)
        if address is None:
            raise MailNotSent(False, f"request #{number} has no e-mail address any more")
        message = self.message(number, address, replies, retry_key)
        await asyncio.to_thread(self._send, message)
        logger.info("staff answer to request #%d e-mailed", number)

    def message(
        self, number: int, address: str, replies: list[Reply], retry_key: str
    ) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = address
        # The visitor's language: every reply to a request is written for its visitor.
        lang = replies[0].lang if replies else Lang.EN
        message["Subject"] = translate(_SUBJECT, lang, number=number)
        message["Date"] = email.utils.formatdate(localtime=False)
        # The same id on every try: a mail client shows a resent copy once.
        message["Message-ID"] = f"<{retry_key}@{self._domain}>"
        message["Auto-Submitted"] = "auto-generated"
        body = "\n\n".join(reply.text for reply in replies)
        message.set_content(f"{body}\n\n{_footer(number, lang)}\n")
        # After set_content, which drops every Content-* header set before it.
        message["Content-Language"] = lang.value
        return message

    def _send(self, message: EmailMessage) -> None:
        """One SMTP conversation (in a worker thread); failures as :class:`MailNotSent`."""
        try:
            with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT) as smtp:
                smtp.ehlo()
                if self.starttls:
                    if not smtp.has_extn("starttls"):
                        # Never the password or the visitor's address in clear text.
                        raise MailNotSent(True, "the mail server offers no STARTTLS")
                    smtp.starttls(context=self.tls)
                    smtp.ehlo()
                if self.user and self.password is not None:
                    smtp.login(self.user, self.password.get_secret_value())
                smtp.send_message(message)
        except MailNotSent:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise MailNotSent(True, f"the mail server refused the login ({exc.smtp_code})") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise MailNotSent(
                any(400 <= code < 500 for code in codes), f"the address was refused ({codes[0]})"
            ) from exc
        except smtplib.SMTPResponseException as exc:
            # The server's own words may quote the address: only its code is kept.
            raise MailNotSent(
                exc.smtp_code < 500, f"the mail server answered {exc.smtp_code}"
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise MailNotSent(
                True, f"the mail server could not be reached ({type(exc).__name__})"
            ) from exc
