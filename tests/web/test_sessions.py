"""The session cookie is rewritten by pages, not by API calls or static files that changed nothing:
otherwise a call in flight while a form is submitted answers last with the cookie it read before, and
the browser loses what the form's answer put in the session (the "Registered X." message)."""

from __future__ import annotations

from tests.factories import PASSWORD


def _logged_in(client, factory):
    factory.user("sessions@example.org")
    assert client.post("/login", data={"email": "sessions@example.org", "password": PASSWORD}).status_code == 302


def test_pages_slide_the_session_but_api_calls_and_static_files_leave_the_cookie_alone(client, factory):
    _logged_in(client, factory)
    assert "Set-Cookie" in client.get("/items/").headers, "a page slides the permanent session's expiry"
    assert "Set-Cookie" not in client.get("/api/v1/work-items").headers
    assert "Set-Cookie" not in client.post("/api/v1/similar", json={"title": "Child online protection"}).headers
    assert "Set-Cookie" not in client.get("/static/app.css").headers

