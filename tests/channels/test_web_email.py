"""A web-chat visitor's e-mail address on their request: staff answers are e-mailed there too,
through the outbox, to a real SMTP server on 127.0.0.1 (aiosmtpd); the address is checked,
never shown or logged, and deleted with the request."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any, cast

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.channels import email as email_channel
from bot.channels.web import valid_email
from bot.errors import MailNotSent
from bot.keys import MAILER, RELAY, STORE
from bot.models import Reply
from bot.settings import Settings
from bot.store import Store
from bot.store.tables import outbox, tickets
from bot.text import Lang
from tests.channels.conftest import Desk, DeskFactory

SESSION = "web-mail-visitor-1"
ADDRESS = "delegate.tanaka@example.jp"
SENDER = "Hualien Exchange Desk <exchange@example.gov.tw>"
SMTP_LOGIN = "desk-mailer"
SMTP_SECRET = "smtp-Secret_never-logged-7Qx"


@dataclass
class Inbox:
    """What the SMTP server received; codes in ``refuse_data`` / ``refuse_rcpt`` are answered
    to the next DATA / RCPT commands instead of accepting them."""

    received: list[Envelope] = field(default_factory=list)
    refuse_data: list[str] = field(default_factory=list)
    refuse_rcpt: list[str] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse_data:
            return self.refuse_data.pop(0)
        self.received.append(envelope)
        return "250 Message accepted"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append(data.login.decode())
        ok = data.login.decode() == SMTP_LOGIN and data.password.decode() == SMTP_SECRET
        return AuthResult(success=ok)

    def message(self, n: int = 0) -> Message:
        content = self.received[n].content
        assert isinstance(content, bytes)
        return message_from_bytes(content)


def _desk_logs(caplog: pytest.LogCaptureFixture) -> str:
    """What the desk logged (the test SMTP server's own log, "mail.log", is no part of it)."""
    return "\n".join(
        f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records if r.name != "mail.log"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A plain SMTP server on 127.0.0.1 (a relay on the same host: no STARTTLS)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
async def mail_desk(make_desk: DeskFactory, smtp_server: tuple[Inbox, int]) -> tuple[Desk, Inbox]:
    inbox, port = smtp_server
    desk = await make_desk(
        smtp_host="127.0.0.1", smtp_port=port, smtp_from=SENDER, smtp_starttls=False
    )
    return desk, inbox


async def _handoff(desk: Desk, session: str = SESSION) -> int:
    response = await desk.chat({"session": session, "text": "I want to talk to a real person"})
    number: int = (await response.json())["ticket"]
    return number


async def _set_email(desk: Desk, address: str, session: str = SESSION) -> Any:
    return await desk.client.post(
        "/api/chat/email",
        json={"session": session, "email": address},
        headers={"Content-Type": "application/json"},
    )


async def _stored_addresses(desk: Desk) -> list[str]:
    async with desk.app[STORE].engine.connect() as conn:
        rows = await conn.execute(
            sa.select(tickets.c.notify_email).where(tickets.c.notify_email.is_not(None))
        )
        return [str(row[0]) for row in rows]


async def _email_rows(desk: Desk) -> list[Any]:
    async with desk.app[STORE].engine.connect() as conn:
        return list((await conn.execute(outbox.select().where(outbox.c.channel == "email"))).all())


def test_addresses_are_checked() -> None:
    assert valid_email(" Delegate.Tanaka+visit@Example.JP ") == "Delegate.Tanaka+visit@example.jp"
    for bad in (
        "",
        "tanaka",
        "tanaka@localhost",  # no dot in the domain
        "tanaka@example.jp\r\nBcc: everyone@example.com",  # a second header
        "tanaka@example.jp, other@example.com",
        "tanaka..taro@example.jp",
        ".tanaka@example.jp",
        "tanaka@-example.jp",
        "tanaka@192.168.0.1",
        "田中@example.jp",
        '"quoted"@example.jp',
        "a" * 65 + "@example.jp",
        "tanaka@" + "a" * 250 + ".jp",
    ):
        assert valid_email(bad) is None, bad


async def test_the_page_offers_e_mail_only_when_it_can_be_sent(
    make_desk: DeskFactory, mail_desk: tuple[Desk, Inbox]
) -> None:
    desk, _ = mail_desk
    with_mail = await (await desk.client.get("/")).text()
    assert 'id="mailbox"' in with_mail
    assert 'type="email"' in with_mail
    plain = await make_desk()
    without = await (await plain.client.get("/")).text()
    assert 'id="mailbox"' not in without
    refused = await _set_email(plain, ADDRESS)
    assert refused.status == 404


async def test_a_staff_answer_is_e_mailed_to_the_address_left_on_the_request(
    mail_desk: tuple[Desk, Inbox], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    desk, inbox = mail_desk
    number = await _handoff(desk)
    response = await _set_email(desk, ADDRESS.upper().replace("EXAMPLE.JP", "Example.JP"))
    assert response.status == 200
    body = await response.json()
    assert body == {"ticket": number, "email": True}
    # The page is told an address is there, never which.
    transcript = await (
        await desk.client.get("/api/chat/transcript", headers={"X-Chat-Session": SESSION})
    ).text()
    assert '"email": true' in transcript
    assert "example" not in transcript.lower()

    await desk.app[RELAY].reply(number, "Mei", "We will call you at 3 pm.")
    await desk.settle()
    [envelope] = inbox.received
    assert envelope.rcpt_tos == ["DELEGATE.TANAKA@example.jp"]
    mail = inbox.message()
    assert mail["From"] == SENDER
    assert mail["To"] == "DELEGATE.TANAKA@example.jp"
    assert f"#{number}" in mail["Subject"]
    assert mail["Message-ID"].endswith("@example.gov.tw>")
    text = mail.get_payload(decode=True)
    assert isinstance(text, bytes)
    assert "We will call you at 3 pm." in text.decode("utf-8")
    assert [row.status for row in await _email_rows(desk)] == ["sent"]
    # Neither the address nor anything of it is logged.
    assert "tanaka" not in _desk_logs(caplog).lower()


async def test_mail_the_server_defers_is_sent_later_and_once(mail_desk: tuple[Desk, Inbox]) -> None:
    desk, inbox = mail_desk
    number = await _handoff(desk)
    assert (await _set_email(desk, ADDRESS)).status == 200
    inbox.refuse_data.append("451 4.3.0 Try again later")
    await desk.app[RELAY].reply(number, "Mei", "Deferred, then delivered.")
    await desk.settle(seconds=15)
    assert len(inbox.received) == 1
    [row] = await _email_rows(desk)
    assert (row.status, row.attempts) == ("sent", 2)


async def test_a_refused_address_is_shown_to_staff_without_the_address(
    mail_desk: tuple[Desk, Inbox], caplog: pytest.LogCaptureFixture
) -> None:
    desk, inbox = mail_desk
    number = await _handoff(desk)
    assert (await _set_email(desk, ADDRESS)).status == 200
    inbox.refuse_rcpt.append(f"550 5.1.1 <{ADDRESS}>: no such user")
    await desk.app[RELAY].reply(number, "Mei", "Nobody will read this.")
    await desk.settle()
    assert inbox.received == []
    [row] = await _email_rows(desk)
    assert row.status == "failed"
    ticket = await desk.app[STORE].ticket(number)
    assert ticket is not None
    assert ticket.delivery_error == "e-mail: the address was refused (550)"
    assert "tanaka" not in _desk_logs(caplog).lower()


async def test_the_address_can_be_removed_and_then_nothing_is_mailed(
    mail_desk: tuple[Desk, Inbox],
) -> None:
    desk, inbox = mail_desk
    number = await _handoff(desk)
    assert (await _set_email(desk, ADDRESS)).status == 200
    removed = await _set_email(desk, "")
    assert await removed.json() == {"ticket": number, "email": False}
    assert await _stored_addresses(desk) == []
    await desk.app[RELAY].reply(number, "Mei", "Only on the page.")
    await desk.settle()
    assert inbox.received == []
    assert await _email_rows(desk) == []


async def test_bad_addresses_and_sessions_without_a_request_are_refused_alike(
    mail_desk: tuple[Desk, Inbox],
) -> None:
    desk, _ = mail_desk
    for bad in ("tanaka", "tanaka@example.jp\nBcc: x@example.com", "x" * 300):
        response = await _set_email(desk, bad)
        assert response.status == 400, bad
        assert "mail" in (await response.json())["error"]
    # A session never seen and one without an open request get the same answer.
    unknown = await _set_email(desk, ADDRESS, session="never-seen-session")
    await desk.chat({"session": SESSION, "text": "hello"})
    known = await _set_email(desk, ADDRESS)
    assert unknown.status == known.status == 409
    assert await unknown.json() == await known.json()
    assert await _stored_addresses(desk) == []
    for body in ({"session": SESSION}, {"session": "bad id", "email": ADDRESS}, [1]):
        response = await desk.client.post("/api/chat/email", json=body)
        assert response.status == 400, body
    form = await desk.client.post("/api/chat/email", data={"session": SESSION, "email": ADDRESS})
    assert form.status == 415


async def test_another_visitor_never_sees_the_address(mail_desk: tuple[Desk, Inbox]) -> None:
    desk, _ = mail_desk
    await _handoff(desk)
    assert (await _set_email(desk, ADDRESS)).status == 200
    other = "web-other-visitor"
    number = await _handoff(desk, other)
    transcript = await desk.client.get("/api/chat/transcript", headers={"X-Chat-Session": other})
    data = await transcript.json()
    assert data["ticket"] == {"number": number, "email": False}
    assert "example.jp" not in await transcript.text()


async def test_the_address_goes_with_delete_and_its_pending_mail_too(
    mail_desk: tuple[Desk, Inbox],
) -> None:
    desk, inbox = mail_desk
    number = await _handoff(desk)
    assert (await _set_email(desk, ADDRESS)).status == 200
    inbox.refuse_data.extend(["451 later"] * 50)  # the mail waits in the outbox
    await desk.app[RELAY].reply(number, "Mei", "Still waiting to be mailed.")
    assert [row.status for row in await _email_rows(desk)] == ["pending"]
    await desk.chat({"session": SESSION, "text": "/delete"})
    await desk.chat({"session": SESSION, "choice": "delete:yes"})
    assert await _stored_addresses(desk) == []
    assert await _email_rows(desk) == []
    assert await desk.app[STORE].ticket(number) is None


async def test_the_address_goes_with_retention(mail_desk: tuple[Desk, Inbox]) -> None:
    desk, _ = mail_desk
    number = await _handoff(desk)
    assert (await _set_email(desk, ADDRESS)).status == 200
    await desk.app[RELAY].close(number, "Mei")
    await desk.settle()
    removed = await desk.app[STORE].purge_before(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    assert removed == 1
    assert await _stored_addresses(desk) == []
    assert await _email_rows(desk) == []


# -- STARTTLS and the SMTP login ----------------------------------------------------------------


def _certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp.pem", directory / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def test_starttls_and_login_and_the_password_is_never_logged(
    make_desk: DeskFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    cert, key = _certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    # The desk checks the server's certificate: here against the test's own authority.
    monkeypatch.setattr(
        email_channel, "default_tls", lambda: ssl.create_default_context(cafile=str(cert))
    )
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=_free_port(),
        tls_context=server_tls,
        require_starttls=True,
        authenticator=inbox.authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        desk = await make_desk(
            smtp_host="127.0.0.1",
            smtp_port=controller.port,
            smtp_from=SENDER,
            smtp_user=SMTP_LOGIN,
            smtp_password=SMTP_SECRET,
        )
        number = await _handoff(desk)
        assert (await _set_email(desk, ADDRESS)).status == 200
        await desk.app[RELAY].reply(number, "Mei", "Sent over TLS.")
        await desk.settle()
    finally:
        controller.stop()
    assert inbox.logins == [SMTP_LOGIN]
    assert len(inbox.received) == 1
    assert SMTP_SECRET not in _desk_logs(caplog)
    assert SMTP_SECRET not in repr(desk.settings)


async def test_no_mail_to_a_server_that_offers_no_starttls(
    make_desk: DeskFactory, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    desk = await make_desk(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from=SENDER,
        smtp_user=SMTP_LOGIN,
        smtp_password=SMTP_SECRET,
    )
    number = await _handoff(desk)
    assert (await _set_email(desk, ADDRESS)).status == 200
    with pytest.raises(MailNotSent) as refused:
        await desk.app[MAILER].deliver(str(number), [Reply("x")], None, "retry-key-1")
    assert refused.value.retry
    assert "STARTTLS" in refused.value.reason
    assert inbox.received == []
    assert inbox.logins == []


def test_settings_need_a_sender_and_both_login_halves() -> None:
    from pydantic import ValidationError

    from bot.settings import Settings

    with pytest.raises(ValidationError, match="SMTP_FROM"):
        Settings(_env_file=None, smtp_host="mail.example.gov.tw")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="SMTP_USER and SMTP_PASSWORD"):
        Settings(  # type: ignore[call-arg]
            _env_file=None, smtp_host="mail.example.gov.tw", smtp_from=SENDER, smtp_user="x"
        )


@pytest.mark.parametrize(
    ("lang", "subject", "footer", "english_too"),
    [
        (Lang.EN, "Reply to your request #7", "open the web chat again", False),
        (Lang.ZH_HANT, "案件 #7 回覆", "請用同一個瀏覽器再次開啟網頁客服", False),
        (
            Lang.JA,
            "お問い合わせ #7 へのお返事",
            "同じブラウザでウェブチャットをもう一度開いて",
            True,
        ),
        (Lang.KO, "문의 #7에 대한 답변", "같은 브라우저에서 웹 채팅을 다시 열어", True),
    ],
    ids=["en", "zh-Hant", "ja", "ko"],
)
def test_the_mail_is_written_in_the_visitor_s_language(
    lang: Lang, subject: str, footer: str, english_too: bool
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        smtp_host="127.0.0.1",
        smtp_from=SENDER,
    )
    mailer = email_channel.Mailer(settings, cast(Store, None))
    mail = mailer.message(7, ADDRESS, [Reply("Staff answer.", lang=lang)], "retry-key")
    assert subject in mail["Subject"]
    assert mail["Content-Language"] == lang.value
    body = mail.get_content()
    assert body.startswith("Staff answer.\n\n--\n")
    assert footer in body
    # A Japanese or Korean reader is also given the English, in which staff may have written.
    assert ("open the web chat again" in body) is (english_too or lang is Lang.EN)
    assert ("網頁客服" in body) is (lang is Lang.ZH_HANT)
