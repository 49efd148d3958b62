"""Failed logins lock the account and throttle the address, in the database, with a clear 429."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from liaison.accounts import login_security
from liaison.accounts.login_security import LoginPolicy, TooManyAttempts, account_digest, log_in
from liaison.models import AuditEvent, LoginFailure, utcnow
from tests.factories import PASSWORD

EMAIL = "olga@sg17.example"
POLICY = LoginPolicy(max_failures=5, window=dt.timedelta(minutes=15), lockout=dt.timedelta(minutes=15), max_failures_per_address=20)


def attempt(client, email=EMAIL, password="wrong password!"):
    return client.post("/login", data={"email": email, "password": password})


def logged_in(client) -> bool:
    return b"Log out" in client.get("/").data


@pytest.fixture()
def olga(factory):
    return factory.user(EMAIL, name="Olga Officer", officer_of=("ITU-T/SG17",))


@pytest.fixture()
def clock(monkeypatch):
    """The services' clock, which a test moves on with ``clock.advance(minutes=...)``.

    It starts at noon so that a lockout's end falls on the same day wherever CI runs: near
    midnight the message rightly adds the date, which a test written for the time would miss.
    """

    class Clock:
        now = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)

        def advance(self, **delta: float) -> None:
            self.now += dt.timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(login_security, "utcnow", lambda: clock.now)
    return clock


def test_five_failures_lock_the_account_with_a_clear_429(browser, olga, clock):
    client = browser()
    for _ in range(4):
        response = attempt(client)
        assert response.status_code == 422
        assert "do not match an active account" in response.get_data(as_text=True)
    locked = attempt(client)
    assert locked.status_code == 429
    until = clock.now + dt.timedelta(minutes=15)
    page = locked.get_data(as_text=True)
    assert f"Too many failed attempts for this account; try again after {until:%H:%M} UTC" in page
    assert "reset your password" in page and 'href="/forgot"' in page
    assert int(locked.headers["Retry-After"]) == 15 * 60

    # Even the right password is refused during the lockout, without being checked.
    clock.advance(minutes=5)
    right = attempt(client, password=PASSWORD)
    assert right.status_code == 429 and int(right.headers["Retry-After"]) == 10 * 60
    assert not logged_in(client)

    clock.advance(minutes=10, seconds=1)
    assert attempt(client, password=PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_lockout_is_audited(browser, olga, db, clock):
    client = browser()
    for _ in range(5):
        attempt(client)
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "user.lockout"))
    assert event is not None and event.object_id == str(olga.id) and EMAIL in event.summary


def test_an_unknown_email_locks_the_same_way_so_nothing_tells_which_exist(browser, olga, clock):
    client = browser()
    answers = {}
    for email in (EMAIL, "nobody@nowhere.example"):
        statuses = [attempt(client, email).status_code for _ in range(6)]
        answers[email] = (statuses, attempt(client, email).get_data(as_text=True))
    known, unknown = answers.values()
    assert known[0] == unknown[0] == [422, 422, 422, 422, 429, 429]
    assert "Too many failed attempts for this account" in unknown[1]
    assert known[1].replace(EMAIL, "") == unknown[1].replace("nobody@nowhere.example", "")


def test_a_successful_login_clears_the_count(browser, olga, clock):
    client = browser()
    for _ in range(4):
        attempt(client)
    assert attempt(client, password=PASSWORD).status_code == 302
    client.post("/logout")
    assert [attempt(client).status_code for _ in range(4)] == [422] * 4


def test_failures_older_than_the_window_do_not_count(browser, olga, clock):
    client = browser()
    for _ in range(4):
        attempt(client)
    clock.advance(minutes=16)
    assert [attempt(client).status_code for _ in range(4)] == [422] * 4
    assert attempt(client).status_code == 429


def test_after_a_lockout_the_account_gets_its_tries_again(browser, olga, clock):
    client = browser()
    for _ in range(5):
        attempt(client)
    clock.advance(minutes=15, seconds=1)
    assert [attempt(client).status_code for _ in range(5)] == [422, 422, 422, 422, 429]


def test_one_address_failing_on_many_accounts_is_throttled(browser, olga, db, clock):
    client = browser("198.51.100.20")
    statuses = [attempt(client, f"guess{n}@example.org").status_code for n in range(19)]
    assert statuses == [422] * 19
    throttled = attempt(client, "guess19@example.org")
    assert throttled.status_code == 429
    assert "Too many failed logins from your network" in throttled.get_data(as_text=True)
    assert int(throttled.headers["Retry-After"]) == 15 * 60
    # Refused before anything is written: a throttled address cannot fill the table with made-up e-mails.
    count = db.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.client_address == "198.51.100.20"))
    assert count == 20
    assert attempt(client, "another@example.org").status_code == 429
    assert db.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.client_address == "198.51.100.20")) == 20
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "login.throttle")) is not None

    # Olga, elsewhere, is not affected.
    other = browser("192.0.2.44")
    assert attempt(other, password=PASSWORD).status_code == 302


def test_the_count_is_in_the_database_so_every_worker_agrees(browser, olga, second_worker, clock):
    for _ in range(3):
        attempt(browser())
    other_worker = second_worker.test_client()
    other_worker.environ_base["REMOTE_ADDR"] = "192.0.2.1"
    assert [attempt(other_worker).status_code for _ in range(2)] == [422, 429]
    assert attempt(browser(), password=PASSWORD).status_code == 429


def test_failures_keep_no_readable_email_and_old_rows_go(db, olga):
    now = utcnow()
    assert log_in(db, "  Olga@SG17.example ", "wrong", "192.0.2.3", POLICY, now) is None
    row = db.scalar(select(LoginFailure))
    assert row.account_digest == account_digest(EMAIL) and EMAIL not in row.account_digest
    later = now + dt.timedelta(minutes=16)
    assert log_in(db, "someone@example.org", "wrong", "192.0.2.3", POLICY, later) is None
    assert db.scalar(select(func.count()).select_from(LoginFailure)) == 1


def test_the_service_refuses_with_the_time_to_wait(db, olga):
    now = dt.datetime(2026, 3, 1, 14, 17, tzinfo=dt.timezone.utc)
    for _ in range(4):
        log_in(db, EMAIL, "wrong", "192.0.2.3", POLICY, now)
    with pytest.raises(TooManyAttempts) as refused:
        log_in(db, EMAIL, "wrong", "192.0.2.3", POLICY, now)
    assert refused.value.status == 429
    assert refused.value.retry_at == dt.datetime(2026, 3, 1, 14, 32, tzinfo=dt.timezone.utc)
    assert "try again after 14:32 UTC or reset your password" in refused.value.message
    assert login_security.locked_until(db, EMAIL, now) == refused.value.retry_at
    assert login_security.locked_until(db, EMAIL, now + dt.timedelta(minutes=15)) is None


def test_the_policy_comes_from_the_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "LIAISON_LOGIN_MAX_FAILURES", 3)
    monkeypatch.setitem(app.config, "LIAISON_LOGIN_LOCKOUT_SECONDS", 3600)
    policy = LoginPolicy.from_config(app.config)
    assert policy.max_failures == 3 and policy.lockout == dt.timedelta(hours=1)
    assert policy.window == dt.timedelta(minutes=15) and policy.max_failures_per_address == 20


def test_an_inactive_account_never_logs_in_and_says_nothing_more(browser, olga, db):
    olga.is_active = False
    db.flush()
    response = attempt(browser(), password=PASSWORD)
    assert response.status_code == 422 and "do not match an active account" in response.get_data(as_text=True)


def test_a_lockout_ending_tomorrow_gives_the_date():
    late = dt.datetime(2026, 12, 5, 23, 50, tzinfo=dt.timezone.utc)
    assert login_security.clock_time(late + dt.timedelta(minutes=5), late) == "23:55 UTC"
    assert login_security.clock_time(late + dt.timedelta(minutes=15), late) == "2026-12-06 00:05 UTC"
