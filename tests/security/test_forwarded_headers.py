"""Forwarding headers are believed only from configured proxies, and links never follow the request's
host (issue 12, item 9)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from liaison.cli.serve import GunicornApplication
from tests.security.conftest import app_on_test_connection

FORGED = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "Host": "evil.example"}


def failed_logins(client, count: int, forwarded_for: str | None = None) -> list[int]:
    statuses = []
    for n in range(count):
        headers = {"X-Forwarded-For": f"{forwarded_for or '192.0.2'}.{n}"}
        response = client.post("/login", data={"email": f"nobody{n}@example.org", "password": "x" * 12}, headers=headers)
        statuses.append(response.status_code)
    return statuses


@pytest.fixture()
def behind_one_proxy(app: Flask, db) -> Iterator[Flask]:
    yield from app_on_test_connection(db, dict(app.config) | {"LIAISON_TRUSTED_PROXIES": 1})


def test_by_default_a_client_cannot_pick_its_own_address(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "LIAISON_LOGIN_MAX_FAILURES_PER_ADDRESS", 3)
    # What `liaison serve` runs under gunicorn, not only the bare app.
    client = FlaskClient(GunicornApplication(app, {}).load(), app.response_class)
    client.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    # A new X-Forwarded-For on every try changes nothing: the address counted is the connection's.
    assert failed_logins(client, 4, "10.0.0") == [422, 422, 429, 429]


def test_behind_a_configured_proxy_the_forwarded_address_counts(behind_one_proxy, monkeypatch):
    monkeypatch.setitem(behind_one_proxy.config, "LIAISON_LOGIN_MAX_FAILURES_PER_ADDRESS", 3)
    proxy = behind_one_proxy.test_client()
    proxy.environ_base["REMOTE_ADDR"] = "127.0.0.1"
    assert failed_logins(proxy, 4, "10.0.1") == [422, 422, 422, 422], "four clients behind the proxy, one try each"
    one_client = [proxy.post("/login", data={"email": "x@example.org", "password": "x" * 12},
                             headers={"X-Forwarded-For": "10.0.2.1"}).status_code for _ in range(4)]
    assert one_client[-1] == 429


@pytest.mark.parametrize("path", ["/feeds/items.atom", "/statements/feed.atom", "/feeds/", "/report/"])
def test_absolute_links_start_from_the_base_url_whatever_the_host(app, browser, behind_one_proxy, monkeypatch, path):
    base = "https://cop.example.org/tracker"
    monkeypatch.setitem(app.config, "LIAISON_BASE_URL", base)
    monkeypatch.setitem(behind_one_proxy.config, "LIAISON_BASE_URL", base)
    for client in (browser(), behind_one_proxy.test_client()):
        page = client.get(path, headers=FORGED)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "evil.example" not in text
        absolute = re.findall(r'(?:href="|<id>)(https?://[^"<]+)', text)
        assert all(link.startswith(base + "/") for link in absolute), absolute
