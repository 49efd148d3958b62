"""The session cookie: HttpOnly, SameSite=Lax, Secure in production, 12 hours, rotated at login."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

import pytest

from liaison.models import utcnow
from tests.factories import PASSWORD, login

EMAIL = "olga@sg17.example"


@pytest.fixture()
def olga(factory):
    return factory.user(EMAIL, name="Olga Officer")


def session_cookie(response) -> str:
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    return header


def attributes(header: str) -> dict[str, str]:
    parts = [p.strip() for p in header.split(";")[1:]]
    return {k.lower(): v for k, _, v in (p.partition("=") for p in parts)}


def test_production_cookies_are_secure_httponly_lax_and_last_12_hours(production_app, olga):
    client = production_app.test_client()
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD}, base_url="https://liaison.example")
    assert response.status_code == 302
    flags = attributes(session_cookie(response))
    assert "secure" in flags and "httponly" in flags and flags["samesite"] == "Lax"
    expires = parsedate_to_datetime(flags["expires"])
    assert abs(expires - (utcnow() + dt.timedelta(hours=12))) < dt.timedelta(minutes=1)


def test_development_cookies_are_httponly_and_lax_but_work_over_http(browser, olga):
    response = browser().post("/login", data={"email": EMAIL, "password": PASSWORD})
    flags = attributes(session_cookie(response))
    assert "httponly" in flags and flags["samesite"] == "Lax" and "secure" not in flags


def test_logging_in_starts_a_new_session(browser, olga):
    client = browser()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["csrf_token"] = "a token known to an attacker"
    before = client.get_cookie("session").value
    client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session and session.get("csrf_token") != "a token known to an attacker"
        assert session["user_id"] == olga.id and session["epoch"] == 0


def test_a_session_older_than_its_lifetime_is_refused(app, browser, olga, monkeypatch):
    client = browser()
    login(client, olga)
    assert b"Log out" in client.get("/").data
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", dt.timedelta(seconds=-1))
    assert b"Log out" not in client.get("/").data


def test_a_session_from_before_a_new_password_is_refused(browser, olga, db):
    client = browser()
    login(client, olga)
    olga.session_epoch += 1
    db.flush()
    assert client.get("/account/").status_code == 302
