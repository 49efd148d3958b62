"""Password reset by a single-use link, mailed through the outbox to a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from liaison.accounts import password_reset
from liaison.accounts.password_reset import InvalidResetLink, ResetPolicy, request_password_reset, reset_password
from liaison.core.errors import ValidationError
from liaison.mail.sender import send_pending
from liaison.models import OutboxMessage, PasswordResetToken, utcnow
from tests.factories import PASSWORD, login

EMAIL = "olga@sg17.example"
NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"https?://\S+/reset/\S+")


@pytest.fixture()
def olga(factory):
    return factory.user(EMAIL, name="Olga Officer", officer_of=("ITU-T/SG17",))


def ask_for_link(client, sessions, mail_settings, smtp_server, email=EMAIL) -> str:
    """Ask for a link with the form, deliver the outbox over SMTP, and read the link in the mail."""
    response = client.post("/forgot", data={"email": email})
    assert response.status_code == 200
    assert send_pending(sessions, mail_settings).sent == 1
    message = smtp_server.received[-1].message
    assert message["Subject"] == "Reset your liaison password"
    (link,) = LINK.findall(message.get_content())
    return link


def open_link(client, link: str):
    """Follow the e-mailed link as a browser would; returns the page it lands on."""
    parts = urlsplit(link)
    response = client.get(parts.path)
    assert response.status_code == 303
    assert "/reset/" not in response.location, "the token must leave the address bar at once"
    return client.get(response.location)


def logs_in(client, password: str) -> bool:
    return client.post("/login", data={"email": EMAIL, "password": password}).status_code == 302


def test_the_whole_reset_through_the_mail(browser, olga, sessions, mail_settings, smtp_server, mail_app):
    elsewhere = browser("192.0.2.50")
    login(elsewhere, olga)
    assert b"Log out" in elsewhere.get("/").data

    client = browser()
    link = ask_for_link(client, sessions, mail_settings, smtp_server)
    assert link.startswith(mail_app.config["LIAISON_BASE_URL"] + "/reset/")
    assert smtp_server.received[-1].rcpt_tos == [EMAIL]

    form = open_link(client, link)
    assert form.status_code == 200 and b"Choose a new password" in form.data
    assert f"For the account <strong class=\"text-break\">{EMAIL}</strong>" in form.get_data(as_text=True)
    done = client.post("/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert b"Olga Officer" in client.get("/").data, "the reset logs the person in"

    # The session opened before the reset is over; the old password is gone, the new one works.
    assert b"Log out" not in elsewhere.get("/").data
    fresh = browser("192.0.2.60")
    assert not logs_in(fresh, PASSWORD)
    assert logs_in(fresh, NEW_PASSWORD)

    # The link works once.
    again = open_link(browser("192.0.2.70"), link)
    assert again.status_code == 400
    assert "This reset link was already used" in again.get_data(as_text=True)


def test_the_answer_is_the_same_whether_the_account_exists(browser, olga, db, smtp_server, mail_app):
    known = browser().post("/forgot", data={"email": EMAIL})
    unknown = browser().post("/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True).replace(EMAIL, "X") == unknown.get_data(as_text=True).replace("nobody@example.org", "X")
    assert "If an account exists for" in known.get_data(as_text=True)
    kinds = db.scalars(select(OutboxMessage.kind)).all()
    assert kinds == ["password_reset"], "only the real account is written to"


def test_the_answer_takes_as_long_whether_the_account_exists(browser, olga, app, monkeypatch):
    monkeypatch.setitem(app.config, "LIAISON_RESET_ANSWER_SECONDS", 0.25)
    for email in (EMAIL, "nobody@example.org"):
        started = time.monotonic()
        assert browser().post("/forgot", data={"email": email}).status_code == 200
        assert time.monotonic() - started >= 0.25


def test_only_the_hash_of_the_token_is_stored(browser, olga, db, sessions, mail_settings, smtp_server, mail_app):
    link = ask_for_link(browser(), sessions, mail_settings, smtp_server)
    token = link.rsplit("/", 1)[1]
    row = db.scalar(select(PasswordResetToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(vars(row))


def test_an_expired_link_says_so(browser, olga, sessions, mail_settings, smtp_server, mail_app, monkeypatch):
    link = ask_for_link(browser(), sessions, mail_settings, smtp_server)
    later = utcnow() + dt.timedelta(hours=1, seconds=1)
    monkeypatch.setattr(password_reset, "utcnow", lambda: later)
    page = open_link(browser(), link)
    assert page.status_code == 400
    assert "This reset link has expired" in page.get_data(as_text=True)
    assert b"Ask for a new link" in page.data


def test_a_new_password_outdates_every_link_sent_before(browser, olga, sessions, mail_settings, smtp_server, mail_app):
    link = ask_for_link(browser(), sessions, mail_settings, smtp_server)
    client = browser()
    login(client, olga)
    changed = client.post(
        "/account/password", data={"pw-current": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD}
    )
    assert changed.status_code == 303
    page = open_link(browser(), link)
    assert page.status_code == 400
    assert "the password was changed since it was sent" in page.get_data(as_text=True)


def test_a_short_password_is_refused_and_the_link_still_works(browser, olga, sessions, mail_settings, smtp_server, mail_app):
    client = browser()
    open_link(client, ask_for_link(client, sessions, mail_settings, smtp_server))
    short = client.post("/reset", data={"password": "short", "confirm": "short"})
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True).lower()
    differ = client.post("/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    assert differ.status_code == 422 and "The two passwords differ." in differ.get_data(as_text=True)
    assert client.post("/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 303


def test_the_reset_page_without_a_link_explains(browser, olga):
    page = browser().get("/reset")
    assert page.status_code == 400 and "Open the link from your e-mail again" in page.get_data(as_text=True)
    made_up = open_link(browser(), "http://127.0.0.1:5000/reset/not-a-real-token")
    assert made_up.status_code == 400 and "This reset link is not valid" in made_up.get_data(as_text=True)


def test_links_use_the_configured_address_not_the_host_header(browser, olga, db, mail_app):
    browser().post("/forgot", data={"email": EMAIL}, headers={"Host": "attacker.example"})
    text = db.scalar(select(OutboxMessage.text_body))
    assert "attacker.example" not in text
    assert f"{mail_app.config['LIAISON_BASE_URL']}/reset/" in text


def test_a_reset_lifts_a_lockout(browser, olga, sessions, mail_settings, smtp_server, mail_app):
    client = browser()
    statuses = [client.post("/login", data={"email": EMAIL, "password": "wrong password"}).status_code for _ in range(5)]
    assert statuses[-1] == 429
    open_link(client, ask_for_link(client, sessions, mail_settings, smtp_server))
    client.post("/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    client.post("/logout")
    assert logs_in(client, NEW_PASSWORD)


def test_an_account_gets_a_few_links_an_hour_at_most(db, olga):
    policy = ResetPolicy(lifetime=dt.timedelta(hours=1), max_per_hour=3)
    now = utcnow()
    for minutes in (0, 1, 2, 3, 4):
        request_password_reset(db, EMAIL, lambda t: f"http://x/reset/{t}", policy, now=now + dt.timedelta(minutes=minutes))
    assert len(db.scalars(select(OutboxMessage)).all()) == 3
    request_password_reset(db, EMAIL, lambda t: f"http://x/reset/{t}", policy, now=now + dt.timedelta(minutes=61))
    assert len(db.scalars(select(OutboxMessage)).all()) == 4


def test_inactive_accounts_get_no_link(db, olga):
    olga.is_active = False
    request_password_reset(db, EMAIL, lambda t: t, ResetPolicy())
    assert db.scalars(select(OutboxMessage)).all() == []


def test_the_service_uses_a_token_once_and_validates_first(db, olga):
    tokens: list[str] = []
    request_password_reset(db, EMAIL, tokens.append, ResetPolicy())
    (token,) = tokens
    with pytest.raises(ValidationError):
        reset_password(db, token, "short")
    user = reset_password(db, token, NEW_PASSWORD)
    assert user.id == olga.id and olga.session_epoch == 1 and olga.password_changed_at is not None
    with pytest.raises(InvalidResetLink, match="already used"):
        reset_password(db, token, NEW_PASSWORD + "2")
