"""The session cookie is rewritten only by page requests, or by any request that changed the session.

Flask re-sends a permanent session's cookie on every response to slide its expiry. A request in
flight while another changes the session (check-as-you-type's ``/api/v1/similar`` while the form
is submitted; a stylesheet while a login redirects) then answers last with the cookie it read at its
start, and the browser drops what the other request put in: the "Registered X" message, a language
choice, a fresh CSRF token. API calls and static files need no sliding expiry of their own (the
page that made them slid it), so they leave the cookie alone unless they changed the session.
"""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

#: Blueprints whose answers never refresh the cookie (they may still set it when they change the session).
_NO_REFRESH_BLUEPRINTS = frozenset({"api"})


class PageRefreshedSessionInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        return super().should_set_cookie(app, session) and _refreshes_session()


def _refreshes_session() -> bool:
    endpoint = request.endpoint or ""
    return not (request.blueprint in _NO_REFRESH_BLUEPRINTS or endpoint == "static" or endpoint.endswith(".static"))


def register_sessions(app: Flask) -> None:
    app.session_interface = PageRefreshedSessionInterface()
