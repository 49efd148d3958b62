"""A real SMTP server on loopback (aiosmtpd) for the tests that send mail, and the settings that reach it."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from typing import Any, Iterator

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from liaison.mail import MailSettings


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    """Accepts everything, unless ``refuse`` holds a reply (e.g. ``550 ...``) to give every RCPT."""

    received: list[Received] = field(default_factory=list)
    refuse: str | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """aiosmtpd on 127.0.0.1; ``stop()`` and ``start()`` it to play a server that is down."""

    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = _free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def subjects(self) -> list[str]:
        """Every message's subject, unfolded (Python folds long ones right after "Subject:")."""
        return [str(r.message["Subject"]).strip() for r in self.received]

    def to(self, address: str) -> list[Received]:
        """The messages whose envelope went to ``address``."""
        return [r for r in self.received if address in r.rcpt_tos]


@pytest.fixture()
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def mail_settings(smtp_server: SmtpServer) -> MailSettings:
    return MailSettings(
        server="127.0.0.1",
        port=smtp_server.port,
        timeout=5,
        default_sender="COP liaison <liaison@cop.example>",
        max_attempts=3,
        backoff_base=60,
    )


@pytest.fixture()
def mail_app(app: Flask, monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpServer) -> Flask:
    """The app pointed at the test SMTP server."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "liaison@cop.example")
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5.0)
    return app
