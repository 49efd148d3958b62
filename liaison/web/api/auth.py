"""Who is calling the API: ``Authorization: Bearer <token>``, or the browser session for reads."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from flask import Response, abort, g, request

from liaison.accounts.operations import user_for_token
from liaison.db import get_session
from liaison.models import User
from liaison.web.api import bp
from liaison.web.api.problems import problem
from liaison.web.session_auth import current_user
from liaison.web.transaction import record_even_if_refused

F = TypeVar("F", bound=Callable[..., Any])


def unauthorized(detail: str) -> Response:
    """A 401 problem with the ``WWW-Authenticate`` challenge that RFC 6750 asks for."""
    response = problem(401, detail=detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="liaison"'
    return response


@bp.before_request
def authenticate() -> Any:
    """Resolve a bearer token to ``g.api_user``; a token that is present but wrong is refused outright."""
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return unauthorized("use 'Authorization: Bearer <token>'; create a token with `liaison tokens create`")
    user = user_for_token(get_session(), token.strip())
    if user is None:
        return unauthorized("this API token is unknown or revoked")
    # Its use is on record even when the call is refused (the account page shows when it was last used).
    record_even_if_refused(lambda: user_for_token(get_session(), token.strip()))
    g.api_user = user
    return None


def api_user() -> User | None:
    """The caller of this API request, or None when anonymous."""
    return g.get("api_user")


def token_user() -> User:
    """The caller of a view behind :func:`token_required` (401 should there be none)."""
    user = api_user()
    if user is None:
        abort(401, "this call changes data: send 'Authorization: Bearer <token>'")
    return user


def api_viewer() -> User | None:
    """Whose eyes a read is for: the token's user, else the browser's logged-in user.

    Reads may ride the session cookie (pages call the API from their own scripts, and another
    site cannot read the answers); writes never do, see :func:`token_required`.
    """
    return api_user() or current_user()


def token_required(view: F) -> F:
    """Writes need a bearer token: a cookie alone could be ridden by another site (CSRF)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if api_user() is None:
            return unauthorized("this call changes data: send 'Authorization: Bearer <token>'")
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
