"""The account page: API tokens shown once and revocable, password change, ending other sessions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from liaison.accounts import tokens as api_tokens
from liaison.core.errors import NotFound, PermissionDenied, ValidationError
from liaison.models import ApiToken, AuditEvent
from tests.factories import PASSWORD, login

NEW_PASSWORD = "another long passphrase"
TOKEN = re.compile(r'value="(lsn_[A-Za-z0-9_-]+)"')


@pytest.fixture()
def olga(factory):
    return factory.user("olga@sg17.example", name="Olga Officer", officer_of=("ITU-T/SG17",))


@pytest.fixture()
def ada(factory):
    return factory.user("ada@itu.example", name="Ada Admin", admin=True)


def as_user(browser, user, address="203.0.113.7"):
    client = browser(address)
    login(client, user)
    return client


def create_token(client, name="import script") -> str:
    response = client.post("/account/tokens", data={"token-name": name})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    (plaintext,) = TOKEN.findall(response.get_data(as_text=True))
    return plaintext


def api_write(client, token: str):
    """A write the API accepts from any valid token (an empty item: 422), and refuses without one (401)."""
    return client.post("/api/v1/work-items", json={}, headers={"Authorization": f"Bearer {token}"})


def test_a_token_is_shown_once_and_works_on_the_api(browser, olga):
    client = as_user(browser, olga)
    plaintext = create_token(client)
    page = client.get("/account/").get_data(as_text=True)
    assert plaintext not in page
    assert plaintext[:12] in page and "import script" in page and "never" in page
    assert api_write(browser(), plaintext).status_code == 422
    assert "never" not in client.get("/account/").get_data(as_text=True), "last use is shown"


def test_a_revoked_token_gets_401_from_the_api(browser, olga, db):
    client = as_user(browser, olga)
    plaintext = create_token(client)
    token = db.scalar(select(ApiToken).where(ApiToken.user_id == olga.id))
    revoked = client.post(f"/account/tokens/{token.id}/revoke")
    assert revoked.status_code == 303 and revoked.location.endswith("/account/")
    assert "Revoked your API token" in client.get("/account/").get_data(as_text=True)
    refused = api_write(browser(), plaintext)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 409


def test_nobody_revokes_or_sees_another_persons_token(browser, olga, factory, db):
    sten = factory.user("sten@sg20.example", name="Sten Stranger", officer_of=("ITU-T/SG20",))
    plaintext = create_token(as_user(browser, olga))
    token = db.scalar(select(ApiToken).where(ApiToken.user_id == olga.id))
    stranger = as_user(browser, sten)
    assert stranger.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert token.prefix not in stranger.get("/account/").get_data(as_text=True)
    assert stranger.get("/account/admin/tokens").status_code == 403
    assert api_write(browser(), plaintext).status_code == 422


def test_an_admin_finds_and_revokes_anyones_token(browser, olga, ada, db):
    plaintext = create_token(as_user(browser, olga), "nightly sync")
    admin = as_user(browser, ada)
    listing = admin.get("/account/admin/tokens?q=olga").get_data(as_text=True)
    assert "nightly sync" in listing and "Olga Officer" in listing
    assert "No token matches" in admin.get("/account/admin/tokens?q=zzz").get_data(as_text=True)
    token = db.scalar(select(ApiToken).where(ApiToken.user_id == olga.id))
    back = "/account/admin/tokens?q=olga"
    revoked = admin.post(f"/account/tokens/{token.id}/revoke", data={"next": back})
    assert revoked.status_code == 303 and revoked.location.endswith(back)
    assert api_write(browser(), plaintext).status_code == 401
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "token.revoke"))
    assert event.actor_id == ada.id and event.object_id == str(olga.id)


def test_revoking_never_redirects_off_site(browser, olga, db):
    client = as_user(browser, olga)
    create_token(client)
    token = db.scalar(select(ApiToken).where(ApiToken.user_id == olga.id))
    response = client.post(f"/account/tokens/{token.id}/revoke", data={"next": "https://evil.example/"})
    assert response.location.endswith("/account/")


def test_a_token_needs_a_name(browser, olga):
    response = as_user(browser, olga).post("/account/tokens", data={"token-name": "   "})
    assert response.status_code == 422
    assert "say what the token is for" in response.get_data(as_text=True)


def test_token_rules_without_http(db, olga, ada, factory):
    sten = factory.user("sten@sg20.example")
    with pytest.raises(PermissionDenied):
        api_tokens.issue_token(db, sten, olga, "mine now")
    with pytest.raises(ValidationError) as too_long:
        api_tokens.issue_token(db, olga, olga, "x" * 101)
    assert "at most 100" in too_long.value.errors["name"]
    token, _ = api_tokens.issue_token(db, ada, olga, "made by the secretariat")
    with pytest.raises(NotFound):
        api_tokens.get_token(db, sten, token.id)
    for n in range(api_tokens.MAX_ACTIVE_TOKENS - 1):
        api_tokens.issue_token(db, olga, olga, f"script {n}")
    with pytest.raises(ValidationError, match="active tokens"):
        api_tokens.issue_token(db, olga, olga, "one too many")
    with pytest.raises(PermissionDenied):
        api_tokens.search_tokens(db, olga)
    assert api_tokens.search_tokens(db, ada, "secretariat").total == 1


def test_changing_the_password_ends_the_other_sessions(browser, olga):
    here, there = as_user(browser, olga), as_user(browser, olga, "192.0.2.8")
    response = here.post(
        "/account/password", data={"pw-current": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD}
    )
    assert response.status_code == 303
    assert "Your password is changed" in here.get("/account/").get_data(as_text=True)
    assert there.get("/account/").status_code == 302, "the other session is over"
    assert browser("192.0.2.9").post("/login", data={"email": olga.email, "password": NEW_PASSWORD}).status_code == 302


def test_a_wrong_current_password_counts_like_a_failed_login(browser, olga):
    client = as_user(browser, olga)
    wrong = {"pw-current": "not my password", "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD}
    statuses = [client.post("/account/password", data=wrong).status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 429]
    refused = client.post("/account/password", data=wrong | {"pw-current": PASSWORD})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Too many failed attempts for this account" in refused.get_data(as_text=True)


def test_a_new_password_is_checked_like_any(browser, olga):
    client = as_user(browser, olga)
    short = client.post("/account/password", data={"pw-current": PASSWORD, "pw-password": "short", "pw-confirm": "short"})
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True).lower()


def test_log_out_everywhere_else(browser, olga):
    here, there = as_user(browser, olga), as_user(browser, olga, "192.0.2.8")
    assert here.post("/account/sessions/end").status_code == 303
    assert here.get("/account/").status_code == 200
    assert there.get("/account/").status_code == 302


def test_the_account_page_links_the_mail_settings_and_says_the_roles(browser, olga):
    page = as_user(browser, olga).get("/account/").get_data(as_text=True)
    assert 'href="/review/settings"' in page and "Officer of" in page and "ITU-T/SG17" in page
    assert 'href="/account/"' in as_user(browser, olga).get("/").get_data(as_text=True), "My account is in the menu"


def test_the_forms_need_their_csrf_token(app, browser, olga, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = as_user(browser, olga)
    for path in ("/account/tokens", "/account/password", "/account/sessions/end", "/logout", "/forgot", "/reset", "/login"):
        assert client.post(path, data={}).status_code == 400, path


def test_a_copied_session_cookie_stops_working_at_logout(browser, olga, db):
    here = as_user(browser, olga)
    copy = browser("192.0.2.66")
    cookie = here.get_cookie("session")
    copy.set_cookie(cookie.key, cookie.value)
    assert copy.get("/account/").status_code == 200, "the copy works while the session lasts"
    assert here.post("/logout").status_code == 302
    assert copy.get("/account/").status_code == 302, "and no longer once its owner logged out"
    assert here.get("/account/").status_code == 302
    again = browser()
    assert again.post("/login", data={"email": olga.email, "password": PASSWORD}).status_code == 302
    assert again.get("/account/").status_code == 200, "logging in again starts afresh"
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "user.sessions_end")).summary.endswith("logged out")
