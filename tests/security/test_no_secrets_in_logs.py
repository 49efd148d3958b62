"""Passwords, API tokens and reset links never reach the logs, whatever happens to them."""

from __future__ import annotations

import logging
import re

import pytest

from liaison.mail.sender import send_pending
from tests.factories import PASSWORD, login

EMAIL = "olga@sg17.example"
WRONG = "Tr0ub4dor&3-not-mine"
NEW_PASSWORD = "correct horse battery staple 2"


@pytest.fixture()
def olga(factory):
    return factory.user(EMAIL, name="Olga Officer", officer_of=("ITU-T/SG17",))


class Logs:
    """What liaison and its libraries log, at every level (not the test's own SMTP server, aiosmtpd,
    whose ``mail.log`` logger prints every line it receives, as a real mail server's log would)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog

    @property
    def text(self) -> str:
        return "\n".join(
            f"{record.name} {record.getMessage()} {record.exc_text or ''}"
            for record in self.caplog.records
            if not record.name.startswith("mail.log")
        )


@pytest.fixture()
def logs(caplog):
    caplog.set_level(logging.DEBUG)
    return Logs(caplog)


def test_failed_logins_and_lockouts_log_no_password(browser, olga, logs):
    client = browser()
    for _ in range(6):
        client.post("/login", data={"email": EMAIL, "password": WRONG})
    assert "account locked" in logs.text, "the lockout itself is worth a log line"
    assert WRONG not in logs.text and PASSWORD not in logs.text


def test_api_tokens_are_never_logged(browser, olga, logs):
    client = browser()
    login(client, olga)
    page = client.post("/account/tokens", data={"token-name": "script"}).get_data(as_text=True)
    (token,) = re.findall(r'value="(lsn_[^"]+)"', page)
    browser().post("/api/v1/work-items", json={}, headers={"Authorization": f"Bearer {token}"})
    browser().post("/api/v1/work-items", json={}, headers={"Authorization": f"Bearer {token}x"})
    assert token not in logs.text and token[12:] not in logs.text


def test_reset_links_and_new_passwords_are_never_logged(browser, olga, sessions, mail_settings, smtp_server, mail_app, logs):
    client = browser()
    client.post("/forgot", data={"email": EMAIL})
    assert send_pending(sessions, mail_settings).sent == 1
    assert "sent as" in logs.text, "the sender logs each delivery"
    (link,) = re.findall(r"https?://\S+/reset/(\S+)", smtp_server.received[-1].message.get_content())
    client.get(f"/reset/{link}")
    client.post("/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    client.get(f"/reset/{link}")
    client.get("/reset")
    assert link not in logs.text and NEW_PASSWORD not in logs.text
